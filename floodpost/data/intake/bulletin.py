"""Hydrological bulletins (水情报表, 雨情报表) into the ``readings`` table.

A bulletin has one row per station and its report time in a title row
(``鹤壁市水情报表 2021年7月22日8时``), not in a column. The time is read from the
title rows the reader skipped and given to every row without its own time;
a bulletin with no time anywhere is refused rather than stamped with the time
of import, since a reading's time is what places it on the hydrograph.

Station names are written as people write them (``淇门站``, ``淇 门``,
full-width); they are matched to the workspace's ``stations`` layer and
stored under the layer's own spelling, so the water fold finds them. Names
the layer does not know refuse the file, or, when the user chooses, are
left out and reported by row.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Any

from floodpost.data.intake.synonyms import find_column
from floodpost.data.notes import Note
from floodpost.data.schema.validate import ValidationError

#: What the user may do with rows naming a station the layer does not have.
UNMATCHED_CHOICES = ("refuse", "skip")

#: Columns that carry a station's code (the readings table keeps no code; it helps matching).
CODE_SYNONYMS = ("站码", "测站编码", "测站代码", "站号", "测站编号", "站点编码", "stcd", "code")

_DATE_TIME = re.compile(
    r"(?:(?P<y>\d{4})\s*[年./\-]\s*)?(?:(?P<mo>\d{1,2})\s*[月./\-]\s*)?(?P<d>\d{1,2})\s*日?\s*"
    r"(?P<h>\d{1,2})\s*(?:[时点]\s*(?:(?P<mi>\d{1,2})\s*分)?|[:：]\s*(?P<mi2>\d{2}))"
)
_YEAR = re.compile(r"((?:19|20)\d{2})\s*年")
_YEAR_IN_NAME = re.compile(r"(?<!\d)((?:19|20)\d{2})(?!\d)")


def _parts(text: str) -> list[dict[str, int | None]]:
    out = []
    for m in _DATE_TIME.finditer(text):
        if m.group("mo") is None and m.group("y") is not None:
            continue  # "2021-22 8:00" is no date
        mi = m.group("mi") or m.group("mi2")
        out.append({"y": int(m.group("y")) if m.group("y") else None,
                    "mo": int(m.group("mo")) if m.group("mo") else None,
                    "d": int(m.group("d")), "h": int(m.group("h")), "mi": int(mi) if mi else 0})
    return out


def title_time(titles: list[tuple[int, str]], file_name: str = "") -> tuple[str, int, str] | None:
    """(ISO time, row, title text) of the report time a bulletin's title gives, or None.

    A period (``7月21日8时至22日8时``) ends at its last time, which is the one
    a 时段雨量 belongs to; a part without month or year takes them from the
    part before it. A date without a year anywhere (title rows or the file's
    name) is refused: guessing the year would misplace the reading.
    """
    years = [int(y) for _, t in titles for y in _YEAR.findall(unicodedata.normalize("NFKC", t))]
    years += [int(y) for y in _YEAR_IN_NAME.findall(file_name)]
    for row, text in titles:
        norm = unicodedata.normalize("NFKC", text)
        parts = _parts(norm)
        if not parts:
            continue
        y = mo = None
        for p in parts:
            y = p["y"] if p["y"] is not None else y
            mo = p["mo"] if p["mo"] is not None else mo
            p["y"], p["mo"] = y, mo
        last = parts[-1]
        if last["mo"] is None:
            continue
        if last["y"] is None:
            if not years:
                raise ValidationError(Note(
                    "the title (row {row}: {title}) gives the report time without a year, and no year is "
                    "written anywhere else; add the year to the title", row=row, title=text.strip()))
            last["y"] = years[0]
        y, mo, d, h, mi = (int(last[k] or 0) for k in ("y", "mo", "d", "h", "mi"))
        if not (1 <= mo <= 12 and 1 <= d <= 31 and 0 <= h <= 24 and 0 <= mi < 60):
            continue
        if h == 24:  # 24时 is the next day's 0时
            import datetime as dt

            t = dt.datetime(y, mo, d) + dt.timedelta(days=1)
            y, mo, d, h = t.year, t.month, t.day, 0
        return f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:00", row, text.strip()
    return None


def station_key(name: object) -> str:
    """The comparison form of a station name: width-folded, no spaces, no trailing 站 (淇门站 is 淇门)."""
    text = unicodedata.normalize("NFKC", str(name or ""))
    text = re.sub(r"\s+", "", text).lower()
    if text.endswith("站") and len(text) > 1:
        text = text[:-1]
    return text


def station_index(ws: Any) -> tuple[dict[str, str], dict[str, str]]:
    """({name key: the layer's name}, {code: the layer's name}) of the workspace's stations."""
    layers = ws.keys()  # the store's list of tables, not a dict
    if "stations" not in layers:
        return {}, {}
    frame = ws.read("stations", columns=["name", "code"], geometry=False)
    by_name: dict[str, str] = {}
    by_code: dict[str, str] = {}
    for name, code in zip(frame["name"], frame["code"], strict=True):
        if name is None:
            continue
        by_name.setdefault(station_key(name), str(name))
        if code is not None and str(code).strip():
            by_code.setdefault(unicodedata.normalize("NFKC", str(code)).strip().upper(), str(name))
    return by_name, by_code


def match_stations(ws: Any, prepared: Any) -> list[tuple[int, str]]:
    """Give each reading the layer's spelling of its station; the (row, name) of those the layer lacks.

    A row whose name matches no station but whose 站码 column matches a
    station's code is that station. Only the stations layer is read.
    """
    if prepared.key != "readings":
        return []
    by_name, by_code = station_index(ws)
    raw = prepared.raw
    code_col = find_column(raw.columns, CODE_SYNONYMS)
    codes = raw.frame[code_col].tolist() if code_col is not None else None
    unmatched: list[tuple[int, str]] = []
    renamed = 0
    for i, rec in enumerate(prepared.records):
        name = rec.get("station")
        found = by_name.get(station_key(name))
        if found is None and codes is not None and codes[i] is not None:
            code = unicodedata.normalize("NFKC", str(codes[i])).strip().upper()
            if code.endswith(".0"):
                code = code[:-2]
            found = by_code.get(code)
        if found is None:
            unmatched.append((raw.where(i), str(name)))
            continue
        if found != name:
            renamed += 1
        rec["station"] = found
    if renamed:
        prepared.notes.append(Note("{n} station names written differently from the stations layer "
                                   "(站, spaces, full-width) stored under the layer's names", n=renamed))
    return unmatched


def unmatched_text(unmatched: list[tuple[int, str]], limit: int = 12) -> str:
    """``老关嘴 (5), 某站 (9)``: names with their rows, at most ``limit`` then ``…``."""
    shown = [f"{name} ({row})" for row, name in unmatched[:limit]]
    if len(unmatched) > limit:
        shown.append("…")
    return ", ".join(shown)


def settle_unmatched(prepared: Any, unmatched: list[tuple[int, str]], choice: str) -> None:
    """Refuse the file (``refuse``) or drop the unmatched rows and say which (``skip``)."""
    if choice not in UNMATCHED_CHOICES:
        raise ValidationError(Note("unknown choice '{choice}' for unmatched stations; use refuse or skip",
                                   choice=choice))
    prepared.unmatched = list(unmatched)
    if not unmatched:
        return
    names = ", ".join(dict.fromkeys(name for _, name in unmatched))
    if choice == "refuse":
        raise ValidationError(
            Note("{n} rows name stations the stations layer does not have: {rows}; add the stations "
                 "or import the known ones only (--unmatched skip); nothing was written",
                 n=len(unmatched), rows=unmatched_text(unmatched)),
            source=prepared.source, row=unmatched[0][0], column=prepared.mapping.get("station"),
        )
    rows = {row for row, _ in unmatched}
    raw = prepared.raw
    prepared.records = [r for i, r in enumerate(prepared.records) if raw.where(i) not in rows]
    prepared.notes.append(Note("{n} rows of stations not in the stations layer not imported ({names}): {rows}",
                               n=len(unmatched), names=names, rows=unmatched_text(unmatched)))
    if not prepared.records:
        raise ValidationError(Note("no row names a station of the stations layer; nothing was written"),
                              source=prepared.source)
