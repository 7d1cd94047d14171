"""The situation log as people read it: filtered, put into words, written to XLSX.

The log dock, the tests and any later command-line use share this one reading
of the ``situation_log`` table, so the screen and the exported sheet never
disagree. Pure Python: no Qt here (DESIGN.md).
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from floodpost.data.atomic import atomic_output
from floodpost.data.schema import ALL, LOG_ACTIONS, TABLES
from floodpost.data.sheets import XLSX_CELL_LIMIT, verify_xlsx, write_xlsx
from floodpost.data.timeutil import BEIJING, parse_time

#: Column headers of the exported sheet, in order (the post works in Chinese).
HEADERS_ZH: tuple[str, ...] = ("时间", "操作员", "操作", "对象", "要素编号", "摘要", "修改前", "修改后")

_ACTIONS = {c.code: c for c in LOG_ACTIONS}
_LOG_FIELDS = TABLES["situation_log"]

#: Keys of before/after values that are not fields of the target's schema:
#: the geometry of one feature and the summary of an import.
_EXTRA_LABELS: dict[str, tuple[str, str]] = {
    "geometry": ("几何", "Geometry"),
    "count": ("条数", "Rows"),
    "first_fid": ("首个要素编号", "First feature id"),
    "last_fid": ("末个要素编号", "Last feature id"),
    "source": ("数据来源", "Source"),
}


def action_label(code: Any, lang: str = "zh") -> str:
    """The label of a log action code (``update`` → 修改); unknown codes as they are."""
    choice = _ACTIONS.get(code) if isinstance(code, str) else None
    if choice is None:
        return "" if code is None else str(code)
    return choice.zh if lang.startswith("zh") else choice.en


def target_label(target: Any, lang: str = "zh") -> str:
    """The schema label of a log target (``hazards`` → 地质灾害隐患点), blank for none."""
    if not isinstance(target, str) or not target:
        return ""
    schema = ALL.get(target)
    return schema.label(lang) if schema is not None else target


def _parse_change(value: Any) -> Any:
    """The stored JSON of a before/after column, or the raw text if it is not JSON."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    if not isinstance(value, str):
        return value
    try:
        return json.loads(value)
    except ValueError:
        return value


def _value_text(target: Any, key: str, value: Any, lang: str, geometry_chars: int | None) -> tuple[str, str]:
    """(label, text) of one changed value, in the words of the target's schema."""
    schema = ALL.get(target) if isinstance(target, str) else None
    if schema is not None and key in schema.field_names:
        f = schema.field(key)
        return f.label(lang), f.display(value, lang)
    zh_en = _EXTRA_LABELS.get(key)
    label = (zh_en[0] if lang.startswith("zh") else zh_en[1]) if zh_en else key
    text = "" if value is None else str(value)
    if key == "geometry" and geometry_chars is not None and len(text) > geometry_chars:
        text = text[: geometry_chars - 1] + "…"
    return label, text


def change_rows(
    target: Any, before: Any, after: Any, lang: str = "zh", geometry_chars: int | None = 80
) -> list[tuple[str, str, str]]:
    """(label, before, after) for every value a log entry records, in schema order.

    ``before`` and ``after`` are the stored JSON texts (or None). Field labels
    and values follow the schema (enum labels, Beijing time, no ``None``), so
    an officer reads 灾害类型: 滑坡 rather than ``{"hazard_type": "landslide"}``.
    Long geometries are cut to ``geometry_chars`` (None keeps them whole);
    fields empty before and after are left out.
    """
    old, new = _parse_change(before), _parse_change(after)
    if not isinstance(old, dict) and not isinstance(new, dict):
        if old is None and new is None:
            return []
        return [("", "" if old is None else str(old), "" if new is None else str(new))]
    old_d = old if isinstance(old, dict) else {}
    new_d = new if isinstance(new, dict) else {}
    # the rows' storage identity is for synchronising copies, not for people
    keys = [k for k in dict.fromkeys([*old_d, *new_d]) if k not in ("uuid", "uuids")]
    schema = ALL.get(target) if isinstance(target, str) else None
    if schema is not None and set(keys) <= {*schema.field_names, "geometry"}:
        # a feature's values: in form order; anything else (an import) as recorded
        order = {name: i for i, name in enumerate(schema.field_names)}
        keys.sort(key=lambda k: order.get(k, len(order)))
    rows = []
    for key in keys:
        label, old_text = _value_text(target, key, old_d.get(key), lang, geometry_chars)
        _, new_text = _value_text(target, key, new_d.get(key), lang, geometry_chars)
        old_text = old_text if key in old_d else ""
        new_text = new_text if key in new_d else ""
        if old_text or new_text:  # a field left empty on both sides says nothing
            rows.append((label, old_text, new_text))
    return rows


def change_text(target: Any, value: Any, lang: str = "zh", geometry_chars: int | None = 80) -> str:
    """One before/after column as ``label: value`` lines, for a cell or a tooltip."""
    rows = change_rows(target, value, None, lang, geometry_chars)
    return "\n".join(f"{label}: {text}" if label else text for label, text, _ in rows)


def log_times(frame: pd.DataFrame) -> pd.Series:
    """The ``at`` column as UTC timestamps (NaT where unreadable), for filtering."""
    return pd.to_datetime(frame["at"], utc=True, format="ISO8601", errors="coerce")


def _utc(value: Any) -> pd.Timestamp:
    return pd.Timestamp(parse_time(value)).tz_convert("UTC")


def filter_log(
    frame: pd.DataFrame,
    *,
    start: Any = None,
    end: Any = None,
    target: str | None = None,
    operator: str | None = None,
    text: str = "",
    times: pd.Series | None = None,
) -> np.ndarray:
    """A boolean mask of the log entries that pass every given filter.

    ``start`` is inclusive and ``end`` exclusive (naive times are Beijing
    time); ``target`` is a layer key, or ``""`` for the entries about no
    layer (meetings, the workspace itself); ``text`` is looked for in the
    summary, ignoring case. None or ``""`` means "no filter". Pass the
    ``times`` from :func:`log_times` when filtering the same frame often,
    so 50,000 entries are not parsed again on every keystroke.
    """
    mask = np.ones(len(frame), dtype=bool)
    if start is not None or end is not None:
        t = log_times(frame) if times is None else times
        if start is not None:
            mask &= (t >= _utc(start)).to_numpy(dtype=bool, na_value=False)
        if end is not None:
            mask &= (t < _utc(end)).to_numpy(dtype=bool, na_value=False)
    if target is not None:
        col = frame["target"]
        if target == "":
            mask &= (col.isna() | (col == "")).to_numpy(dtype=bool)
        else:
            mask &= (col == target).to_numpy(dtype=bool)
    if operator is not None:
        mask &= (frame["operator"] == operator).to_numpy(dtype=bool)
    if text:
        summary = frame["summary"].astype(object).where(frame["summary"].notna(), "")
        found = summary.astype(str).str.contains(text, case=False, regex=False)
        mask &= found.to_numpy(dtype=bool, na_value=False)
    return mask


def _local_naive(value: Any) -> datetime | None:
    """A stored time as naive Beijing time: Excel has no time zones."""
    if value is None or value == "":
        return None
    try:
        return parse_time(value).astimezone(BEIJING).replace(tzinfo=None)
    except ValueError:
        return None


def _change_cell(target: Any, value: Any, lang: str) -> str:
    """A before/after column whole; a geometry too long for an Excel cell is shortened, and says so.

    Only the geometry's coordinates may be left out (the workspace keeps
    them); any other text longer than a cell stops the export with its row.
    """
    text = change_text(target, value, lang, None)
    if len(text) <= XLSX_CELL_LIMIT:
        return text
    whole = len(text)
    note = _GEOMETRY_CUT[lang.startswith("zh")].format(n=whole)
    short = change_text(target, value, lang, 2000)
    return short + note if len(short) + len(note) <= XLSX_CELL_LIMIT else text


#: The note after a geometry shortened to fit one Excel cell.
_GEOMETRY_CUT = {
    True: "\n（几何坐标共 {n:,} 字符，超出 Excel 单元格上限，此处从略；完整记录在工作空间中）",
    False: "\n(the geometry has {n:,} characters, more than an Excel cell holds; shortened here, "
           "the workspace keeps it whole)",
}


def export_log_xlsx(
    frame: pd.DataFrame,
    path: str | os.PathLike[str],
    lang: str = "zh",
    progress: Callable[[int, int], bool | None] | None = None,
) -> Path:
    """Write log entries (rows of ``situation_log``, in the order given) to an XLSX sheet.

    The headers are Chinese (:data:`HEADERS_ZH`); times are Beijing time (as
    Excel dates), actions and layers carry their labels, before/after are
    ``label: value`` lines. No cell is ever a formula (a summary typed as
    ``=cmd|...`` stays text, :mod:`floodpost.data.sheets`). The sheet is
    written beside ``path`` under a temporary name and renamed into place
    (:func:`~floodpost.data.atomic.atomic_output`), so a failed or cancelled
    export never leaves half a file where the officer expects the old one;
    failures raise :class:`~floodpost.data.atomic.OutputError` naming the
    file and the cause (a cell too long for Excel: its row and column).
    ``progress(done, total)`` is called every few thousand rows; returning
    False cancels (``InterruptedError``). Returns the path written.

    Examples
    --------
    >>> export_log_xlsx(ws.log_entries(), "态势日志.xlsx")  # doctest: +SKIP
    """
    path = Path(path)
    with atomic_output(path, verify=verify_xlsx) as tmp:
        _write_workbook(frame, tmp, lang, progress)
    return path


def _write_workbook(
    frame: pd.DataFrame,
    fh: Any,
    lang: str,
    progress: Callable[[int, int], bool | None] | None,
) -> None:
    """Build the sheet of :func:`export_log_xlsx` and save it into ``fh`` (a path or binary file)."""
    total = len(frame)
    cols = {name: frame[name].tolist() for name in _LOG_FIELDS.field_names}

    def rows() -> Any:
        for i in range(total):
            target = cols["target"][i]
            fid = cols["feature_id"][i]
            at = cols["at"][i]
            when = _local_naive(at)
            yield [
                when if when is not None else at,
                cols["operator"][i],
                action_label(cols["action"][i], lang),
                target_label(target, lang),
                None if fid is None or pd.isna(fid) else int(fid),
                cols["summary"][i],
                _change_cell(target, cols["before"][i], lang),
                _change_cell(target, cols["after"][i], lang),
            ]

    def step(i: int) -> None:
        if progress is not None and i % 2000 == 0 and progress(i, total) is False:
            raise InterruptedError("export cancelled; nothing was written")

    write_xlsx(
        fh, _LOG_FIELDS.label(lang), HEADERS_ZH, rows(), shown=Path(str(fh)),
        widths=(20, 12, 10, 16, 10, 40, 40, 40), wrap_columns=(5, 6, 7), progress=step,
    )
    if progress is not None and progress(total, total) is False:
        raise InterruptedError("export cancelled; nothing was written")
