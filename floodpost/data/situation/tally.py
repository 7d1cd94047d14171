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

What is plausible for each item, unit and figure is said in one place:
:data:`MATERIALS`, :data:`WORKS` and :data:`EVACUATION` below.

A dispatch beyond the depot's stock at its time is an *error*, not a
warning: a pile cannot go below zero, and a negative figure on the map
would hide the real mistake (a stock-in never entered, a wrong depot or
item). The officer enters the missing stock-in first, at its own time,
and the dispatch then passes. The check and the write are one locked
transaction (:meth:`Workspace.insert_checked`), so two workstations
dispatching the last sandbags at once cannot both succeed.

Operations follow the same rule: a team sent to an incident cannot be more
people than the force has free at that time (its strength less what it
already has out, at this incident and others), nor make it over-committed
under sends recorded later; a recall cannot bring back more than the force
has at that incident. Dispatches and status records name an incident (and a
force) on the map, and an answer (叫应) names a warning issued by then and a
recipient it went to; anything else is refused with a sentence naming it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, Literal

from floodpost.data.notes import Note
from floodpost.data.schema import RECORD_TABLES, Field, TableSchema, schema_for
from floodpost.data.schema.validate import ValidationError, coerce_value
from floodpost.data.situation import STAGES, _ms, forces_at
from floodpost.data.store import fids_in
from floodpost.data.timeutil import BEIJING, format_local, parse_time, to_storage
from floodpost.data.workspace import Where

#: The tables the tally entry writes.
TALLY_KEYS = RECORD_TABLES
#: Material kinds that take from a depot's stock.
OUTGOING = ("dispatch", "consumed")
#: A report time further ahead than this is probably a wrong date.
FUTURE_SLACK = timedelta(minutes=15)
#: A record further than this outside the workspace's reports is probably a wrong date
#: (the clock's "now" typed into a past flood, or last year's date): a flood's reports
#: come in every few hours, and a first report rarely comes a day before the first sheet.
SPAN_SLACK = timedelta(days=2)

Level = Literal["error", "warning"]


@dataclass(frozen=True)
class Limit:
    """How large one figure may plausibly be: above ``doubtful`` asks, above ``impossible`` refuses.

    ``unit`` is what the figure is counted in; ``units`` maps the other ways
    officers write the unit to a factor onto ``unit`` (``万条`` is 10,000
    条), or to None for a unit that cannot be converted (a roll of
    geotextile): such figures are not checked for size. ``whole``: counted
    in whole pieces.
    """

    unit: str
    doubtful: float
    impossible: float
    units: Mapping[str, float | None] = field(default_factory=lambda: MappingProxyType({}))
    whole: bool = True

    def factor(self, unit: str | None) -> float | None:
        """The factor onto :attr:`unit` of ``unit`` as written; None when unknown or not convertible."""
        text = (unit or "").strip()
        if not text or text == self.unit:
            return 1.0
        return self.units.get(text)


def _units(*names: str, wan: bool = True, **other: float | None) -> Mapping[str, float | None]:
    """Unit names with factor 1 and, with ``wan``, their 万 forms (ten thousand)."""
    out: dict[str, float | None] = {n: 1.0 for n in names}
    if wan:
        out |= {f"万{n}": 10_000.0 for n in names}
    out |= other
    return MappingProxyType(out)


#: One movement of a material (stock-in, dispatch, consumption), per item.
#: A county post moves tens of thousands of sandbags at a time, a city's
#: reserve a few hundred thousand; ten million is more than a province keeps.
MATERIALS: dict[str, Limit] = {
    "sandbag": Limit("袋", 300_000, 10_000_000, _units("袋", "个", "条", "只")),
    "woven_bag": Limit("条", 300_000, 10_000_000, _units("条", "个", "袋", "只")),
    "geotextile": Limit("m²", 200_000, 5_000_000,
                        _units("m²", "㎡", "m2", "平方米", "平米", 卷=None, 捆=None), whole=False),
    "life_jacket": Limit("件", 20_000, 500_000, _units("件", "个", "套")),
    "assault_boat": Limit("艘", 200, 5_000, _units("艘", "条", "只", wan=False)),
    "pump": Limit("台", 500, 10_000, _units("台", "个", "套", "部", wan=False)),
    "tent": Limit("顶", 10_000, 200_000, _units("顶", "个", "套", "张")),
    "quilt": Limit("床", 50_000, 1_000_000, _units("床", "条", "件")),
    "folding_bed": Limit("张", 20_000, 500_000, _units("张", "个", "套")),
    "emergency_light": Limit("盏", 20_000, 500_000, _units("盏", "个", "台", "只")),
    "water": Limit("箱", 50_000, 2_000_000, _units("箱", "件", 瓶=None, 桶=None, 吨=None, 升=None)),
    "instant_noodles": Limit("箱", 50_000, 2_000_000, _units("箱", "件", 包=None, 桶=None)),
}

#: One works report (increments of a day or a shift).
WORKS: dict[str, Limit] = {
    "sandbags": Limit("袋", 1_000_000, 50_000_000),
    "dike_m": Limit("m", 50_000, 1_000_000, whole=False),
    "earth_m3": Limit("m³", 1_000_000, 50_000_000, whole=False),
    "rescued": Limit("人", 10_000, 1_000_000),
}

#: One area's evacuation figures. A county has some 600,000 people, the
#: largest Chinese city twenty million; and households are people living together.
EVACUATION: dict[str, Limit] = {
    "persons": Limit("人", 1_000_000, 20_000_000),
    "households": Limit("户", 400_000, 8_000_000),
}
#: More persons to a household than this is doubtful (a persons figure typed as households?).
MAX_PERSONS_PER_HOUSEHOLD = 10
#: A stock-in taking a depot beyond this many times the most it ever held of the item is doubtful:
#: a depot restocked in a flood may take in ten times its usual holding; twenty is more likely an
#: extra zero or 万 written twice.
DEPOT_GROWTH = 20


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
    """The depots layer's names and every depot of the tally (its distinct names: a season's tally holds
    100,000 rows, and every entry is checked against them twice)."""
    names: set[str] = set()
    keys = ws.keys()
    if "depots" in keys:
        names |= {str(n).strip() for n in ws.distinct("depots", "name") if n}
    if "material_tally" in keys:
        names |= {str(n).strip() for n in ws.distinct("material_tally", "depot") if n}
    return names


#: The columns a movement's effect on stock is worked out from.
_MOVE_COLUMNS = ["depot", "item", "quantity", "kind", "destination", "reported_at"]


def _plain_rows(ws: Any, key: str, where: list[Where], columns: list[str] | None = None) -> list[dict[str, Any]]:
    """A record table's rows matching ``where``, plain values and their fid (none if the table is missing).
    Made from column lists: a third of the time of ``DataFrame.to_dict``'s rows."""
    if key not in ws.keys():  # noqa: SIM118 - not a mapping
        return []
    frame = ws.read(key, where, columns=columns)
    names = list(frame.columns)
    cols = [frame[c].tolist() for c in names]
    return [{"fid": int(fid), **{c: _plain(v) for c, v in zip(names, values, strict=True)}}
            for fid, *values in zip(frame.index.tolist(), *cols, strict=True)]


def _read_moves(ws: Any, where: list[Where]) -> list[dict[str, Any]]:
    return _plain_rows(ws, "material_tally", where, _MOVE_COLUMNS)


def _moves_of(ws: Any, depot: str, item: str) -> list[dict[str, Any]]:
    """The movements that can change ``depot``'s stock of ``item``, oldest first: its own and the dispatches
    into it. A season's tally holds 100,000 movements and one depot's item a few hundred; reading them all
    for each entry froze the tally window for a second."""
    if "material_tally" not in ws.keys():  # noqa: SIM118 - not a mapping
        return []
    own = _read_moves(ws, [Where("depot", "=", depot), Where("item", "=", item)])
    into = _read_moves(ws, [Where("destination", "=", depot), Where("item", "=", item), Where("kind", "=", "dispatch")])
    seen = {r["fid"] for r in own}
    out = own + [r for r in into if r["fid"] not in seen]
    out.sort(key=lambda r: r["reported_at"] or "")
    return out


def _is_depot(ws: Any, name: str, gone: set[int] | frozenset[int] = frozenset(),
              added: Sequence[Mapping[str, Any]] = ()) -> bool:
    """Whether a dispatch to ``name`` moves stock there (as :mod:`situation` counts it): a name of the
    depots layer, or a depot of the tally (without the rows ``gone``, with ``added``)."""
    if any(a.get("depot") and str(a["depot"]) == name for a in added):
        return True
    keys = ws.keys()
    if "depots" in keys and name in {str(n) for n in ws.distinct("depots", "name") if n}:
        return True
    if "material_tally" not in keys or not name:
        return False
    if not gone:  # the tally's distinct depots, down the (depot, item) index
        return name in {str(n) for n in ws.distinct("material_tally", "depot") if n}
    fids = ws.read("material_tally", [Where("depot", "=", name)], columns=["depot"]).index
    return any(int(f) not in gone for f in fids)


def _effect(r: Mapping[str, Any], depots: set[str], depot: str, item: str) -> float:
    """How one movement changes ``depot``'s stock of ``item`` (as :mod:`situation` counts it)."""
    if r.get("item") != item:
        return 0.0
    q = _number(r.get("quantity")) or 0.0
    change = 0.0
    if r.get("depot") == depot:
        change += q if r.get("kind") == "stock_in" else -q
    dest = r.get("destination")
    if r.get("kind") == "dispatch" and dest == depot and dest in depots and dest != r.get("depot"):
        change += q
    return change


def _balances(
    rows: list[dict[str, Any]], depots: set[str], depot: str, item: str, times: list[str] | None = None
) -> list[tuple[str, float]]:
    """``depot``'s stock of ``item`` just after each report time (or each of ``times``)."""
    moves = sorted(
        ((r["reported_at"] or "", e) for r in rows if (e := _effect(r, depots, depot, item))),
        key=lambda m: m[0],
    )
    if times is None:
        times = sorted({t for t, _ in moves})
    out: list[tuple[str, float]] = []
    balance, i = 0.0, 0
    for t in sorted(times):
        while i < len(moves) and moves[i][0] <= t:
            balance += moves[i][1]
            i += 1
        out.append((t, balance))
    return out


def stock_conflict(
    ws: Any, removed: Sequence[int] = (), added: Sequence[Mapping[str, Any]] = ()
) -> Note | None:
    """What taking rows out of the material tally (or putting them in) would drive below zero.

    None when no depot's stock of an item would go below zero at any
    time because of the change (a depot already short stays as it was).
    For undo and redo: taking back a stock-in that later dispatches used,
    or putting back a dispatch that another one has since taken the stock of.
    """
    gone = {int(f) for f in removed}
    plus = [dict(a) for a in added]
    taken = _read_moves(ws, [fids_in(sorted(gone))]) if gone and "material_tally" in ws.keys() else []  # noqa: SIM118
    changed = taken + plus
    if not changed:
        return None
    affected = {(str(r["depot"]), str(r["item"])) for r in changed}
    affected |= {(str(r["destination"]), str(r["item"])) for r in changed
                 if r.get("kind") == "dispatch" and r.get("destination")}
    item_field = schema_for("material_tally").field("item")
    for depot, item in sorted(affected):
        # one depot's item at a time, from its own movements: the balances change only at their times
        rows = _moves_of(ws, depot, item)
        after = [r for r in rows if r["fid"] not in gone] + plus
        before_known = {depot} if _is_depot(ws, depot) else set()
        after_known = {depot} if _is_depot(ws, depot, gone, plus) else set()
        times = sorted({r["reported_at"] or "" for r in rows + after if _effect(r, {depot}, depot, item)})
        was = _balances(rows, before_known, depot, item, times)
        now = _balances(after, after_known, depot, item, times)
        for (t, b0), (_, b1) in zip(was, now, strict=True):
            if b1 < -1e-9 and b1 < b0 - 1e-9:
                return Note(
                    "{item} at {depot} would fall below zero at {time} ({balance})",
                    item=item_field.display(item), depot=depot, time=format_local(t), balance=_fmt(b1),
                )
    return None


def normalise_units(key: str, rec: Mapping[str, Any]) -> dict[str, Any]:
    """A material record counted in its item's unit: ``4 万条`` becomes ``40,000 条``.

    Stock sums quantities, so every movement of an item must be counted the
    same way; other units stay as written (and are checked as written).
    """
    out = dict(rec)
    if key != "material_tally":
        return out
    limit = MATERIALS.get(str(out.get("item")))
    unit = str(out.get("unit") or "").strip()
    q = _number(out.get("quantity"))
    if limit is None or q is None or not unit.startswith("万"):
        return out
    factor = limit.factor(unit)
    if factor is not None and factor != 1.0:
        total = q * factor
        out["quantity"] = int(total) if float(total).is_integer() else total
        out["unit"] = unit.removeprefix("万")
    return out


#: (doubtful, impossible) sentences for a figure too large, by what it counts.
_TOO_MANY = {
    "movement": (
        "{value} {unit} of {what} in one movement is more than {limit} {unit}; check the figure",
        "{value} {unit} of {what} in one movement cannot be right (at most {limit} {unit}); "
        "check the figure and the unit",
    ),
    "report": (
        "{value} {unit} in one report is more than {limit} {unit}; check the figure",
        "{value} {unit} in one report cannot be right (at most {limit} {unit}); check the figure",
    ),
    "area": (
        "{value} {unit} in one area is more than {limit} {unit}; check the figure",
        "{value} {unit} in one area cannot be right (at most {limit} {unit}); check the figure",
    ),
}


def _size(limit: Limit, value: float, field: str, what: str, kind: str = "movement") -> list[Issue]:
    """Too large (doubtful or impossible) or not whole, for one figure counted in ``limit.unit``."""
    values = {"value": _fmt(value), "unit": limit.unit, "what": what}
    if limit.whole and not float(value).is_integer():
        return [Issue("error", field, Note("{what} is counted in whole {unit}: {value}", **values))]
    doubtful, impossible = _TOO_MANY[kind]
    if value > limit.impossible:
        return [Issue("error", field, Note(impossible, limit=_fmt(limit.impossible), **values))]
    if value > limit.doubtful:
        return [Issue("warning", field, Note(doubtful, limit=_fmt(limit.doubtful), **values))]
    return []


def _material_size(rec: dict[str, Any], item_label: str) -> list[Issue]:
    limit = MATERIALS.get(rec["item"])
    q = float(rec["quantity"])
    if q == 0:
        return [Issue("warning", "quantity", Note("zero: a movement of nothing"))]
    if limit is None:
        return []
    unit = str(rec.get("unit") or "").strip()
    factor = limit.factor(unit)
    if factor is None:
        if unit in limit.units:  # a unit that cannot be converted: not checked for size
            return []
        known = "、".join([limit.unit, *(u for u in limit.units if not u.startswith("万"))])
        return [Issue("warning", "unit", Note(
            "{unit} is not a unit known for {item} ({units}); the figure cannot be checked",
            unit=unit, item=item_label, units=known,
        ))]
    return _size(limit, q * factor, "quantity", item_label)


def _check_material(ws: Any, rec: dict[str, Any]) -> list[Issue]:
    issues: list[Issue] = []
    depot, item, at = rec["depot"], rec["item"], rec["reported_at"]
    item_label = schema_for("material_tally").field("item").display(item)
    if depot not in _known_depots(ws):
        issues.append(Issue("warning", "depot", Note(
            "{depot} is not a known depot (not in the depots layer, never in the tally)",
            depot=depot,
        )))
    issues += _material_size(rec, item_label)
    if any(i.level == "error" for i in issues):
        return issues
    q = float(rec["quantity"])
    # the stock as the engine has it at ``at`` (every time it cannot read counts from the start), from
    # this depot's movements only: the window's own fold of the whole season is not needed for it
    moves = _moves_of(ws, depot, item)
    depots = {depot} if _is_depot(ws, depot) else set()
    t = _ms(to_storage(at))
    on_hand = float(sum(_effect(r, depots, depot, item) for r in moves if _ms(r["reported_at"]) <= t))
    if rec["kind"] not in OUTGOING:
        most = max((b for _, b in _balances(moves, depots, depot, item)), default=0.0)
        if most > 0 and on_hand + q > DEPOT_GROWTH * most:
            issues.append(Issue("warning", "quantity", Note(
                "brings {item} at {depot} to {total}, more than {n} times the most it has held ({most}); "
                "check the figure and the unit",
                item=item_label, depot=depot, total=_fmt(on_hand + q), n=DEPOT_GROWTH, most=_fmt(most),
            )))
        return issues
    if q > on_hand + 1e-9:
        issues.append(Issue("error", "quantity", Note(
            "stock of {item} at {depot} would fall below zero (on hand {on_hand}, taking {quantity})",
            item=item_label, depot=depot, on_hand=_fmt(on_hand), quantity=_fmt(q),
        )))
        return issues
    # A late dispatch must not empty the depot under movements already recorded after it.
    later = ws.read(
        "material_tally", [Where("depot", "=", depot), Where("item", "=", item), Where("reported_at", ">", at)],
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
    """The area's latest report strictly before ``at`` (same-time rows are corrections: the last entered
    holds), as the engine has it, from the area's own reports (not a fold of the season on the GUI thread)."""
    before = _ms(to_storage(parse_time(at) - timedelta(milliseconds=1)))
    best: tuple[int, int] | None = None
    out = None
    for row in _plain_rows(ws, "evacuation", [Where("area", "=", area)]):
        t = _ms(row.get("reported_at"))
        if t <= before and (best is None or (t, row["fid"]) > best):
            best, out = (t, row["fid"]), row
    if out is not None:
        del out["fid"]
    return out


def _next_report(ws: Any, area: str, at: str) -> dict[str, Any] | None:
    """The area's first report after ``at``; of two at that time, the later entry."""
    frame = ws.read("evacuation", [Where("area", "=", area), Where("reported_at", ">", at)])
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
    return issues + _evacuation_size(ws, rec)


def _area_population(ws: Any, area: str) -> dict[str, float]:
    """Persons and households living in ``area`` when a storage area of that name says so."""
    if "storage_areas" not in ws.keys():  # noqa: SIM118
        return {}
    frame = ws.read("storage_areas", [Where("name", "=", area)], columns=["persons", "households"], geometry=False)
    if frame.empty:
        return {}
    last = frame.iloc[-1]  # of two areas of one name, the last (as the map shows)
    out = {"persons": _number(_plain(last["persons"])), "households": _number(_plain(last["households"]))}
    return {k: v for k, v in out.items() if v}


def _evacuation_size(ws: Any, rec: dict[str, Any]) -> list[Issue]:
    """Figures larger than any area holds, than the area's own population, or many to a household."""
    issues: list[Issue] = []
    area = rec["area"]
    living = _area_population(ws, area)
    for stage in STAGES:
        for unit in ("households", "persons"):
            name = f"{stage}_{unit}"
            value = _number(rec.get(name))
            if value is None:
                continue
            field = schema_for("evacuation").field(name)
            size = _size(EVACUATION[unit], value, name, field.zh, "area")
            issues += size
            if not size and unit in living and value > living[unit]:
                issues.append(Issue("warning", name, Note(
                    "more than the {population} {unit} living in {area} ({value})",
                    population=_fmt(living[unit]), unit=EVACUATION[unit].unit, area=area, value=_fmt(value),
                )))
        hh = _number(rec.get(f"{stage}_households"))
        pp = _number(rec.get(f"{stage}_persons"))
        if hh and pp and pp > MAX_PERSONS_PER_HOUSEHOLD * hh:
            issues.append(Issue("warning", f"{stage}_persons", Note(
                "{persons} persons in {households} households: more than {n} to a household",
                persons=_fmt(pp), households=_fmt(hh), n=MAX_PERSONS_PER_HOUSEHOLD,
            )))
    return issues


def _check_works(ws: Any, rec: dict[str, Any]) -> list[Issue]:
    issues: list[Issue] = []
    schema = schema_for("works")
    for name, limit in WORKS.items():
        value = _number(rec.get(name))
        if value is not None:
            issues += _size(limit, value, name, schema.field(name).zh, "report")
    return issues


def _check_span(ws: Any, at: str) -> list[Issue]:
    """A report time far outside the workspace's reports: the clock's "now" typed into a past flood."""
    span = ws.time_span()
    if span is None:
        return []
    first, last = span
    when = parse_time(at)
    if when > parse_time(last) + SPAN_SLACK:
        gap = when - parse_time(last)
        return [Issue("warning", "reported_at", Note(
            "{time} is {days} days after the latest report in this workspace ({latest}); is the date right?",
            time=format_local(at), days=gap.days, latest=format_local(last),
        ))]
    if when < parse_time(first) - SPAN_SLACK:
        gap = parse_time(first) - when
        return [Issue("warning", "reported_at", Note(
            "{time} is {days} days before the first report in this workspace ({first}); is the date right?",
            time=format_local(at), days=gap.days, first=format_local(first),
        ))]
    return []


# ------------------------------------------------------------------ operations
def _names(ws: Any, key: str) -> set[str]:
    """The names of a layer's features (forces, incidents): what dispatches and status records name."""
    if key not in ws.keys():  # noqa: SIM118 - not a mapping
        return set()
    frame = ws.read(key, columns=["name"], geometry=False)
    return {str(n).strip() for n in frame["name"] if _plain(n) is not None}


def _unknown_incident(ws: Any, rec: dict[str, Any]) -> list[Issue]:
    incident = str(rec["incident"]).strip()
    if incident in _names(ws, "incidents"):
        return []
    return [Issue("error", "incident", Note("{incident} is not an incident on the map (not in the incidents layer)",
                                            incident=incident))]


def _force_personnel(ws: Any, force: str, at: str) -> tuple[float | None, str | None]:
    """The force's personnel as of ``at`` (of several forces of the name, their sum), and why there are none:
    "later" (reported after ``at``), "withdrawn", or None. Unknown personnel (blank) is None."""
    rows = [f for f in forces_at(ws, at) if str(f.get("name") or "").strip() == force]
    if not rows:
        return None, "later"
    active = [f for f in rows if f.get("status") != "withdrawn"]
    if not active:
        return None, "withdrawn"
    figures = [_number(f.get("personnel")) for f in active]
    if any(v is None for v in figures):
        return None, None
    return float(sum(figures)), None


def _commitments(ws: Any, force: str, extra: dict[str, Any] | None = None) -> Any:
    """The operations fold of one force's dispatches (and the status of the incidents it went to), with
    ``extra`` as one more dispatch entered last: what the force would have out at any time."""
    from floodpost.data.situation import _ms
    from floodpost.data.situation.operations import OperationsFold

    sent = _plain_rows(ws, "dispatches", [Where("force", "=", force)])
    if extra is not None:
        sent.append({**extra, "fid": max([r["fid"] for r in sent], default=0) + 1})
    status = [r for incident in sorted({str(r["incident"]).strip() for r in sent})
              for r in _plain_rows(ws, "incident_status", [Where("incident", "=", incident)])]
    return OperationsFold({"incident_status": status, "dispatches": sent}, _ms)


def _check_dispatch(ws: Any, rec: dict[str, Any]) -> list[Issue]:
    """A team goes to a known incident, no more of it than is free, and comes back no more than went."""
    force, incident, at = str(rec["force"]).strip(), str(rec["incident"]).strip(), rec["reported_at"]
    issues = _unknown_incident(ws, rec)
    if force not in _names(ws, "forces"):
        issues.insert(0, Issue("error", "force", Note(
            "{force} is not a force on the map (not in the forces layer)", force=force)))
    if issues:
        return issues
    asked = _number(rec.get("personnel")) or 0.0
    from floodpost.data.situation import _ms

    t = _ms(at)
    now = _commitments(ws, force)
    if rec.get("action") == "recall":
        present = now.pair_amounts(force, incident, t)[0]
        if asked > present:
            issues.append(Issue("error", "personnel", Note(
                "{force} has {present} at {incident} at {time}: cannot recall {asked}",
                force=force, present=_fmt(present), incident=incident, time=_when(at, at), asked=_fmt(asked),
            )))
        return issues
    total, why = _force_personnel(ws, force, at)
    if why == "later":
        return [Issue("error", "force", Note("{force} is not yet reported at {time}", force=force,
                                             time=_when(at, at)))]
    if why == "withdrawn":
        return [Issue("error", "force", Note("{force} has withdrawn by {time}", force=force, time=_when(at, at)))]
    if now._since(incident, t) is None:
        issues.append(Issue("warning", "incident", Note(
            "{incident} is closed at {time}: the team counts only once it is reopened",
            incident=incident, time=_when(at, at))))
    if total is None:  # the force's strength not given: nothing to compare with
        return issues
    out = sum(now.pair_amounts(force, i, t)[0] for i in now.force_pairs.get(force, ()))
    free = max(0.0, total - out)
    if asked > free:
        issues.append(Issue("error", "personnel", Note(
            "{force} has {free} personnel free at {time} ({out} of {total} already out): cannot send {asked}",
            force=force, free=_fmt(free), time=_when(at, at), out=_fmt(out), total=_fmt(total), asked=_fmt(asked),
        )))
        return issues
    # A late send must not over-commit the force under what is recorded after it.
    after = _commitments(ws, force, rec)
    times = sorted({e[0] for i in after.force_pairs.get(force, ()) for e in after.pairs[(force, i)] if e[0] > t}
                   | {e[0] for i in after.force_pairs.get(force, ()) for e in after.status.get(i, []) if e[0] > t})
    for later in times:
        would = sum(after.pair_amounts(force, i, later)[0] for i in after.force_pairs.get(force, ()))
        was = sum(now.pair_amounts(force, i, later)[0] for i in now.force_pairs.get(force, ()))
        if would <= was:
            continue
        when = _text_time(later)
        total_then, _ = _force_personnel(ws, force, when)
        if total_then is not None and would > total_then:
            issues.append(Issue("error", "personnel", Note(
                "{force} would have {would} out by {time}, more than its {total}: cannot send {asked}",
                force=force, would=_fmt(would), time=_when(when, at), total=_fmt(total_then), asked=_fmt(asked),
            )))
            break
    return issues


def _text_time(ms: int) -> str:
    """Milliseconds since 1970 as stored text."""
    from floodpost.data.situation import _texts

    return _texts([ms])[0]


def _check_status(ws: Any, rec: dict[str, Any]) -> list[Issue]:
    return _unknown_incident(ws, rec)


def _check_acknowledgement(ws: Any, rec: dict[str, Any]) -> list[Issue]:
    """An answer names a warning issued by then and one of the recipients it went to."""
    from floodpost.data import recipients as rcp

    name, at = str(rec["warning"]).strip(), rec["reported_at"]
    key = rcp.normalise(str(rec["recipient"]))
    rows = []
    if "warnings" in ws.keys():  # noqa: SIM118 - not a mapping
        frame = ws.read("warnings", [Where("name", "=", name)], columns=["recipients", "reported_at"])
        rows = sorted(((str(t), int(fid), r) for fid, t, r in
                       zip(frame.index, frame["reported_at"], frame["recipients"], strict=True)))
    if not rows:
        return [Issue("error", "warning", Note("{warning} is not a warning issued in this workspace", warning=name))]
    issued = [r for r in rows if r[0] <= at]
    if not issued:
        return [Issue("error", "reported_at", Note(
            "{warning} was issued only at {time}: an answer before it does not count",
            warning=name, time=_when(rows[0][0], at)))]
    current = issued[-1]
    if key not in rcp.split(current[2]):
        return [Issue("error", "recipient", Note(
            "{recipient} is not a recipient of {warning} as issued at {time}",
            recipient=rcp.label(key), warning=name, time=_when(current[0], at)))]
    return []


# ------------------------------------------------------------------ water (水雨情)
#: A level this far from the station's reading within :data:`LEVEL_JUMP_WINDOW` is doubtful
#: (a rise of 3 m in an hour is beyond the 2021 floods of the Wei; a typo of 10 m is not).
LEVEL_JUMP = 3.0
LEVEL_JUMP_WINDOW = timedelta(hours=1)
#: A reading older than the station's latest by this much is probably a wrong date.
READING_BEHIND = timedelta(days=1)


def _canonical_station(ws: Any, key: str, rec: dict[str, Any]) -> dict[str, Any]:
    """A reading under the stations layer's spelling (淇门站 is 淇门), so the water fold finds it."""
    if key != "readings" or not rec.get("station"):
        return rec
    from floodpost.data.intake.bulletin import station_index, station_key

    found = station_index(ws)[0].get(station_key(rec["station"]))
    return {**rec, "station": found} if found is not None else rec


def _check_reading(ws: Any, rec: dict[str, Any]) -> list[Issue]:
    """A reading names a station on the map, says something, and sits with the station's other readings."""
    from floodpost.data.intake.bulletin import station_index, station_key

    station, at = str(rec["station"]).strip(), rec["reported_at"]
    if station_key(station) not in station_index(ws)[0]:
        return [Issue("error", "station", Note("{station} is not a station on the map (not in the stations layer)",
                                               station=station))]
    if all(_number(rec.get(n)) is None for n in ("level", "flow", "storage", "rain")):
        return [Issue("error", "level", Note("a reading needs a water level, flow, storage or rain"))]
    frame = ws.read("readings", [Where("station", "=", station)], columns=["reported_at", "level"])
    rows = [(str(t), _number(v)) for t, v in zip(frame["reported_at"], frame["level"], strict=True)
            if _plain(t) is not None]
    issues: list[Issue] = []
    level = _number(rec.get("level"))
    when = parse_time(at)
    near = [(abs(parse_time(t) - when), t, v) for t, v in rows
            if v is not None and abs(parse_time(t) - when) <= LEVEL_JUMP_WINDOW]
    if level is not None and near:
        _, t, before = min(near)
        if abs(level - before) > LEVEL_JUMP:
            issues.append(Issue("warning", "level", Note(
                "{value} m is {jump} m from the {time} reading of {station} ({before} m); check the figure",
                value=_fmt(level), jump=_fmt(round(abs(level - before), 2)), time=_when(t, at),
                station=station, before=_fmt(before))))
    latest = max((t for t, _ in rows), default=None, key=parse_time)
    if latest is not None and parse_time(latest) - when > READING_BEHIND:
        issues.append(Issue("warning", "reported_at", Note(
            "{time} is {days} days before the latest reading of {station} ({latest}); is the date right?",
            time=format_local(at), days=(parse_time(latest) - when).days, station=station,
            latest=format_local(latest))))
    return issues


_RULES = {
    "readings": _check_reading,
    "material_tally": _check_material,
    "evacuation": _check_evacuation,
    "works": _check_works,
    "dispatches": _check_dispatch,
    "incident_status": _check_status,
    "acknowledgements": _check_acknowledgement,
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
    clean = _canonical_station(ws, key, normalise_units(key, clean))
    if "reported_at" in clean:
        limit = to_storage(parse_time(now if now is not None else datetime.now(BEIJING)) + FUTURE_SLACK)
        if clean["reported_at"] > limit:
            issues.append(Issue("warning", "reported_at", Note(
                "{time} is in the future", time=format_local(clean["reported_at"]),
            )))
        else:
            issues += _check_span(ws, clean["reported_at"])
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

    The check and the write are one locked transaction
    (:meth:`Workspace.insert_checked`): a dispatch checked against 300
    sandbags cannot be written after another workstation took them.
    Raises :class:`TallyRejected` (a ValidationError) listing the errors,
    and the warnings too unless ``accept_warnings``; nothing is written then.
    """
    if key not in TALLY_KEYS:
        raise ValueError(f"tally entry writes {', '.join(TALLY_KEYS)}; got {key!r}")
    schema = schema_for(key)
    clean, schema_issues = _coerce(schema, record)
    if schema_issues:
        raise TallyRejected(key, schema_issues)
    clean = _canonical_station(ws, key, normalise_units(key, clean))

    def check() -> None:
        issues = check_entry(ws, key, clean, now=now)
        blocking = [i for i in issues if i.level == "error" or not accept_warnings]
        if blocking:
            raise TallyRejected(key, blocking)

    fids = ws.insert_checked(key, [clean], check, operator=operator,
                             summary=f"{schema.zh}: {describe(key, clean)}")
    return int(fids[0])


class UndoRefused(ValidationError):
    """Taking a change back (or putting it back) would break the records; ``note`` says how."""

    def __init__(self, reason: Note) -> None:
        super().__init__(reason)


def rows_of(ws: Any, key: str, fids: Sequence[int]) -> list[dict[str, Any]]:
    """The stored rows ``fids`` of ``key`` as plain records (fid order), to put back later."""
    schema = schema_for(key)
    wanted = sorted({int(f) for f in fids})
    if not wanted:
        return []
    frame = ws.read(key, [Where("fid", "between", (wanted[0], wanted[-1]))])
    frame = frame[frame.index.isin(wanted)]
    if len(frame) != len(wanted):
        raise KeyError(f"{key}: {len(wanted) - len(frame)} of the {len(wanted)} rows are gone")
    out: list[dict[str, Any]] = []
    for fid, row in zip(frame.index, frame.to_dict("records"), strict=True):
        rec = {f: _plain(row.get(f)) for f in schema.field_names}
        if schema.is_spatial:
            rec["geometry"] = row.get("geometry")
        rec["fid"] = int(fid)
        out.append(rec)
    return out


def _plain(value: Any) -> Any:
    if value is None:
        return None
    try:
        if value != value:  # NaN, NA
            return None
    except (TypeError, ValueError):
        return None
    return value.item() if hasattr(value, "item") else value


def withdraw_rows(ws: Any, key: str, fids: Sequence[int], *, summary: str, operator: str | None = None) -> None:
    """Take rows out again (the undo of a tally entry or an import): one locked, logged transaction.

    Refused (:class:`UndoRefused`, nothing changes) when it would leave a
    depot's stock below zero: a stock-in that later dispatches drew on.
    """
    def check() -> None:
        if key == "material_tally":
            problem = stock_conflict(ws, removed=fids)
            if problem is not None:
                raise UndoRefused(problem)

    ws.delete_rows(key, fids, summary=summary, operator=operator, check=check)


def restore_rows(
    ws: Any, key: str, records: Sequence[Mapping[str, Any]], *, summary: str, operator: str | None = None
) -> None:
    """Put rows back under their fids (the redo): one locked, logged transaction, stock checked."""
    fids = [int(r["fid"]) for r in records]
    plain = [{k: v for k, v in r.items() if k != "fid"} for r in records]

    def check() -> None:
        if key == "material_tally":
            problem = stock_conflict(ws, added=[dict(r) for r in records])
            if problem is not None:
                raise UndoRefused(problem)

    ws.restore_rows(key, fids, plain, summary=summary, operator=operator, check=check)


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
