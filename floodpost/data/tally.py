"""Checks for one tally entry typed by the duty officer, and its write.

The schema refuses what no record may hold (negative numbers, unknown
items). This module adds what only the workspace knows: a dispatch cannot
take more than the depot holds, an area cannot have returned more people
than it moved out. Every rule is judged as of the entry's own
``reported_at`` through :func:`floodpost.data.situation.as_of`, so a night
sheet typed in the morning is compared with the night, not with now.

Impossible states are *errors* and nothing is written; doubtful ones are
*warnings* the officer may accept. Each :class:`Issue` carries a
:class:`~floodpost.data.notes.Note`, so the GUI can show it in its language.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from floodpost.data.notes import Note
from floodpost.data.schema import Field, TableSchema, schema_for
from floodpost.data.situation import STAGES, as_of
from floodpost.data.timeutil import BEIJING, format_local, parse_time, to_storage
from floodpost.data.validate import ValidationError, coerce_value

#: The tables the tally entry writes.
TALLY_KEYS = ("material_tally", "evacuation", "works")
#: Material kinds that take from a depot's stock.
OUTGOING = ("dispatch", "consumed")
#: More sandbags than this in one works report is probably a typo (an extra 0).
MAX_SANDBAGS = 1_000_000
#: A report time further ahead than this is probably a wrong date.
FUTURE_SLACK = timedelta(minutes=15)

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Issue:
    """One finding about an entry: ``error`` refuses it, ``warning`` asks first.

    ``field`` names the schema field the message is about (None for the
    record as a whole); the message then does not repeat the field's name,
    since the form shows it next to the field.
    """

    level: Level
    field: str | None
    message: Note

    def describe(self, key: str, lang: str = "en") -> str:
        """The message with the field's label in front, for logs and the CLI."""
        if self.field is None:
            return str(self.message)
        try:
            f = schema_for(key).field(self.field)
            label = f.zh if lang.startswith("zh") else f.en
        except KeyError:
            label = self.field
        return f"{label}: {self.message}"


class TallyRejected(ValidationError):
    """The entry was not written; ``issues`` says why (errors, or unaccepted warnings)."""

    def __init__(self, key: str, issues: list[Issue]) -> None:
        self.key = key
        self.issues = issues
        first = next((i.field for i in issues if i.field), None)
        super().__init__("; ".join(i.describe(key) for i in issues))
        self.source = key
        self.column = first


# ------------------------------------------------------------------ helpers
def _fmt(value: Any) -> str:
    """A number as people write it in reports: ``16,800``, ``2.5``."""
    if value is None:
        return ""
    v = float(value)
    if v.is_integer():
        return f"{int(v):,}"
    return f"{v:,.3f}".rstrip("0").rstrip(".")


def _when(other: str, this: str) -> str:
    """Another report's time as the officer says it: ``18:00``, or with the date if not the same day."""
    a = parse_time(other).astimezone(BEIJING)
    b = parse_time(this).astimezone(BEIJING)
    return a.strftime("%H:%M") if a.date() == b.date() else a.strftime("%Y-%m-%d %H:%M")


def _number(value: Any) -> float | None:
    if value is None:
        return None
    try:
        v = float(value)
    except (TypeError, ValueError):
        return None
    return None if v != v else v


def _schema_issue(f: Field, value: Any, exc: ValueError) -> Issue:
    """A schema refusal as a translatable sentence about one field."""
    text = str(value).strip() if value is not None else ""
    if f.required and not text:
        return Issue("error", f.name, Note("required"))
    if f.type in ("int", "real"):
        try:
            number = float(text.replace(",", ""))
        except ValueError:
            return Issue("error", f.name, Note("{text} is not a number", text=text))
        if number != number or number in (float("inf"), float("-inf")):
            return Issue("error", f.name, Note("{text} is not a number", text=text))
        if f.type == "int" and not number.is_integer():
            return Issue("error", f.name, Note("{text} is not a whole number", text=text))
        if f.minimum is not None and number < f.minimum:
            return Issue("error", f.name, Note("must not be below {minimum}", minimum=_fmt(f.minimum)))
        if f.maximum is not None and number > f.maximum:
            return Issue("error", f.name, Note("must not be above {maximum}", maximum=_fmt(f.maximum)))
    if f.type == "datetime":
        return Issue("error", f.name, Note("cannot read the time {text}", text=text))
    if f.type == "enum":
        allowed = "、".join(c.zh for c in f.choices)
        return Issue("error", f.name, Note("{text} is not one of {allowed}", text=text, allowed=allowed))
    return Issue("error", f.name, Note("{reason}", reason=str(exc)))


def _coerce(schema: TableSchema, record: Mapping[str, Any]) -> tuple[dict[str, Any], list[Issue]]:
    """The record in storage form and every schema refusal (not just the first)."""
    issues: list[Issue] = []
    unknown = set(record) - set(schema.field_names) - {"fid"}
    if unknown:
        issues.append(
            Issue("error", None, Note("unknown field(s) {names}", names=", ".join(sorted(unknown))))
        )
    clean: dict[str, Any] = {}
    for f in schema.fields:
        value = record.get(f.name)
        try:
            clean[f.name] = coerce_value(f, value)
        except ValueError as exc:
            issues.append(_schema_issue(f, value, exc))
    return clean, issues


# ------------------------------------------------------------------ rules
def _known_depots(ws: Any) -> set[str]:
    names: set[str] = set()
    keys = ws.keys()
    if "depots" in keys:
        names |= {str(n).strip() for n in ws.read("depots", columns=["name"])["name"] if n}
    if "material_tally" in keys:
        names |= {str(n).strip() for n in ws.read("material_tally", columns=["depot"])["depot"] if n}
    return names


def _check_material(ws: Any, rec: dict[str, Any]) -> list[Issue]:
    issues: list[Issue] = []
    depot, item, at = rec["depot"], rec["item"], rec["reported_at"]
    item_label = schema_for("material_tally").field("item").display(item)
    if depot not in _known_depots(ws):
        issues.append(Issue("warning", "depot", Note(
            "{depot} is not a known depot (not in the depots layer, never in the tally)",
            depot=depot,
        )))
    if rec["kind"] not in OUTGOING:
        return issues
    q = float(rec["quantity"])
    on_hand = float(as_of(ws, at).stock.get(depot, {}).get(item, 0))
    if q > on_hand + 1e-9:
        issues.append(Issue("error", "quantity", Note(
            "stock of {item} at {depot} would fall below zero (on hand {on_hand}, taking {quantity})",
            item=item_label, depot=depot, on_hand=_fmt(on_hand), quantity=_fmt(q),
        )))
        return issues
    # A late dispatch must not empty the depot under movements already recorded after it.
    later = ws.read(
        "material_tally", "depot = ? AND item = ? AND reported_at > ?", (depot, item, at),
        columns=["quantity", "kind", "reported_at"],
    )
    balance = on_hand
    for when, rows in sorted(later.groupby("reported_at"), key=lambda g: g[0]):
        for kind, qty in zip(rows["kind"], rows["quantity"], strict=True):
            qty = _number(qty) or 0.0
            balance += qty if kind == "stock_in" else -qty
        if balance - q < -1e-9 <= balance:
            issues.append(Issue("error", "quantity", Note(
                "stock of {item} at {depot} would fall below zero by {time} "
                "({on_hand} on hand then, less the {quantity} taken here)",
                item=item_label, depot=depot, time=_when(when, at),
                on_hand=_fmt(balance), quantity=_fmt(q),
            )))
            break
    return issues


#: (stage, must not exceed stage, level, template) for each unit of the funnel.
_FUNNEL: tuple[tuple[str, str, Level, str], ...] = (
    ("returned", "transferred", "error", "more returned than transferred ({value} > {other})"),
    ("sheltered", "transferred", "error", "more sheltered than transferred ({value} > {other})"),
    ("transferred", "notified", "error", "more transferred than notified ({value} > {other})"),
    ("transferred", "planned", "warning", "more transferred than planned ({value} > {other})"),
)


def _previous_report(ws: Any, area: str, at: str) -> dict[str, Any] | None:
    """The area's latest report strictly before ``at`` (same-time rows are corrections)."""
    before = parse_time(at) - timedelta(milliseconds=1)
    return as_of(ws, before).evacuation.get(area)


def _next_report(ws: Any, area: str, at: str) -> dict[str, Any] | None:
    """The area's first report after ``at``; of two at that time, the later entry."""
    frame = ws.read("evacuation", "area = ? AND reported_at > ?", (area, at))
    if frame.empty:
        return None
    first = frame[frame["reported_at"] == frame["reported_at"].min()]
    return dict(first.iloc[-1].to_dict())  # read orders by fid: the last is the correction


def _check_evacuation(ws: Any, rec: dict[str, Any]) -> list[Issue]:
    issues: list[Issue] = []
    for unit in ("households", "persons"):
        for stage, limit, level, template in _FUNNEL:
            value = _number(rec.get(f"{stage}_{unit}"))
            other = _number(rec.get(f"{limit}_{unit}"))
            if value is not None and other is not None and value > other:
                issues.append(Issue(level, f"{stage}_{unit}", Note(
                    template, value=_fmt(value), other=_fmt(other),
                )))
    for stage in STAGES:
        hh = _number(rec.get(f"{stage}_households"))
        pp = _number(rec.get(f"{stage}_persons"))
        if hh is not None and pp is not None and hh > pp:
            issues.append(Issue("warning", f"{stage}_households", Note(
                "more households than persons ({value} > {other})", value=_fmt(hh), other=_fmt(pp),
            )))
    at = rec["reported_at"]
    prev = _previous_report(ws, rec["area"], at)
    nxt = _next_report(ws, rec["area"], at)
    for stage in STAGES:
        for unit in ("households", "persons"):
            name = f"{stage}_{unit}"
            value = _number(rec.get(name))
            before = _number(prev.get(name)) if prev is not None else None
            if prev is not None and before is not None and before > 0:
                time = _when(prev["reported_at"], at)
                if value is None:
                    issues.append(Issue("warning", name, Note(
                        "left blank, though the {time} report gave {before}",
                        time=time, before=_fmt(before),
                    )))
                elif value < before:
                    issues.append(Issue("warning", name, Note(
                        "lower than the {time} report ({before} then, {value} now)",
                        time=time, before=_fmt(before), value=_fmt(value),
                    )))
            after = _number(nxt.get(name)) if nxt is not None else None
            if nxt is not None and value is not None and after is not None and value > after:
                issues.append(Issue("warning", name, Note(
                    "higher than the later {time} report ({after} then, {value} now)",
                    time=_when(nxt["reported_at"], at), after=_fmt(after), value=_fmt(value),
                )))
    return issues


def _check_works(ws: Any, rec: dict[str, Any]) -> list[Issue]:
    sandbags = _number(rec.get("sandbags"))
    if sandbags is not None and sandbags > MAX_SANDBAGS:
        return [Issue("warning", "sandbags", Note(
            "more than {limit} sandbags in one report ({value})",
            limit=_fmt(MAX_SANDBAGS), value=_fmt(sandbags),
        ))]
    return []


_RULES = {
    "material_tally": _check_material,
    "evacuation": _check_evacuation,
    "works": _check_works,
}


def check_entry(
    ws: Any, key: str, record: Mapping[str, Any], *, now: Any = None
) -> list[Issue]:
    """Everything wrong or doubtful about one tally record, judged as of its ``reported_at``.

    ``record`` may be raw (``"沙袋"``, ``"调拨"``, ``"2021-07-22 18:00"``);
    schema refusals come back as errors on their fields, one per field, and
    the workspace rules run only once the schema is satisfied. ``now``
    (default: the clock) is what "in the future" is measured from.

    Examples
    --------
    >>> check_entry(ws, "material_tally", {"depot": "市仓库", "item": "沙袋",
    ...     "quantity": 5000, "kind": "调拨", "reported_at": "2021-07-22 18:00"})  # doctest: +SKIP
    [Issue(level='error', field='quantity', message='stock of 沙袋 at 市仓库 would ...')]
    """
    schema = schema_for(key)
    clean, issues = _coerce(schema, record)
    if issues:
        return issues
    if "reported_at" in clean:
        limit = to_storage(parse_time(now if now is not None else datetime.now(BEIJING)) + FUTURE_SLACK)
        if clean["reported_at"] > limit:
            issues.append(Issue("warning", "reported_at", Note(
                "{time} is in the future", time=format_local(clean["reported_at"]),
            )))
    rule = _RULES.get(key)
    if rule is not None:
        issues.extend(rule(ws, clean))
    return issues


def describe(key: str, record: Mapping[str, Any], lang: str = "zh") -> str:
    """A one-line summary of a record for the status line and the log: ``市仓库 沙袋 调拨 40,000``."""
    schema = schema_for(key)
    if key == "material_tally":
        parts = [str(record.get("depot") or "")]
        parts += [schema.field(n).display(record.get(n), lang) for n in ("item", "kind")]
        qty = _fmt(_number(record.get("quantity")))
        unit = str(record.get("unit") or "").strip()
        parts.append(f"{qty} {unit}".strip())
        return " ".join(p for p in parts if p)
    parts = [str(record.get(schema.title_field) or "")]
    zh = lang.startswith("zh")
    if key == "evacuation":  # the figure that moves the most
        n = _number(record.get("transferred_persons"))
        if n is not None:
            parts.append(f"已转移 {_fmt(n)} 人" if zh else f"transferred {_fmt(n)} persons")
        return " ".join(p for p in parts if p)
    for f in schema.fields:
        v = _number(record.get(f.name)) if f.type in ("int", "real") else None
        if v:
            parts.append(f"{f.zh if zh else f.en} {_fmt(v)} {f.unit}".rstrip())
    return " ".join(p for p in parts if p)


def entry(
    ws: Any,
    key: str,
    record: Mapping[str, Any],
    *,
    accept_warnings: bool = False,
    operator: str | None = None,
    now: Any = None,
) -> int:
    """Check one tally record and write it (one transaction, one log entry); return its fid.

    Raises :class:`TallyRejected` (a ValidationError) listing the errors,
    and the warnings too unless ``accept_warnings``; nothing is written then.
    """
    if key not in TALLY_KEYS:
        raise ValueError(f"tally entry writes {', '.join(TALLY_KEYS)}; got {key!r}")
    schema = schema_for(key)
    clean, schema_issues = _coerce(schema, record)
    if schema_issues:
        raise TallyRejected(key, schema_issues)
    issues = check_entry(ws, key, clean, now=now)
    blocking = [i for i in issues if i.level == "error" or not accept_warnings]
    if blocking:
        raise TallyRejected(key, blocking)
    fids = ws.insert(key, [clean], operator=operator, summary=f"{schema.zh}: {describe(key, clean)}")
    return int(fids[0])


# ------------------------------------------------------------------ typing times
_MD = re.compile(r"^(\d{1,2})月(\d{1,2})日\s*(?:(\d{1,2})(?:[时点:：](\d{1,2})?分?)?)?$")
_HM = re.compile(r"^(\d{1,2})(?:[:：](\d{2})|[时点](?:(\d{1,2})分?)?)$")
_CN = re.compile(
    r"^(\d{4})[年./\-](\d{1,2})[月./\-](\d{1,2})日?\s*(?:(\d{1,2})(?:[时点:：](\d{1,2})?分?(?:[:：](\d{1,2})秒?)?)?)?$"
)


def read_time(text: str, now: Any = None) -> str:
    """A report time as the officer types it, in storage form (UTC ``...Z``).

    Beijing time unless an offset is given. Accepts ISO 8601,
    ``2021-07-22 18:00``, ``2021年7月22日18时``, and the short forms a sheet
    or a phone call gives: ``7月22日18时30分`` and ``18:00`` / ``18时``.
    Reports are about the past, so a short form means its latest time not
    ahead of ``now``: ``18:00`` typed at 09:00 is yesterday's, ``12月31日``
    typed in January last year's (a day ahead is allowed for a wrong clock).
    Raises ValueError for anything else.
    """
    raw = unicodedata.normalize("NFKC", str(text)).strip()
    raw = raw.replace("时许", "时").replace("分许", "分")
    if not raw:
        raise ValueError("empty time")
    today = parse_time(now if now is not None else datetime.now(BEIJING)).astimezone(BEIJING)
    m = _HM.match(raw)
    if m:
        h, mi = int(m.group(1)), int(m.group(2) or m.group(3) or 0)
        dt = datetime(today.year, today.month, today.day, h, mi, tzinfo=BEIJING)
        if dt > today + FUTURE_SLACK:
            dt -= timedelta(days=1)
        return to_storage(dt)
    m = _MD.match(raw)
    if m:
        mo, d, h, mi = (int(v) if v else 0 for v in m.groups())
        dt = datetime(today.year, mo, d, h, mi, tzinfo=BEIJING)
        if dt > today + timedelta(days=1):
            dt = datetime(today.year - 1, mo, d, h, mi, tzinfo=BEIJING)
        return to_storage(dt)
    m = _CN.match(raw)
    if m:
        y, mo, d, h, mi, s = (int(v) if v else 0 for v in m.groups())
        return to_storage(datetime(y, mo, d, h, mi, s, tzinfo=BEIJING))
    return to_storage(raw)
