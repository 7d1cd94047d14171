"""The situation "as of" any moment, derived from the records, never stored.

Tallies are records over time (DESIGN.md). How each table is read:

- ``evacuation`` rows are cumulative reports per area ("已转移 16,800 人 as of
  18:00"): the state of an area at T is its latest report at or before T.
  Two reports with the same time are a report and its correction; the one
  entered later (higher fid) wins.
- ``works`` rows are increments (today's dike metres, sandbags placed): the
  state at T is their sum up to T.
- ``material_tally`` rows are stock movements per depot and item: stock-in
  adds to the depot, dispatch and consumption take from it; a dispatch whose
  destination is another depot (a forward point) adds to that depot.
- ``forces`` count from their ``reported_at``; their status (and storage
  areas' status) at T is today's value with later edits undone through the
  before-values kept in ``situation_log``.

Late reports count at the time they report about, not the time they were
typed in, so an officer entering the night's sheets in the morning changes
the night's picture, as it should.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from floodpost.data.timeutil import iso_local, now_storage, to_storage

STAGES = ("planned", "notified", "transferred", "sheltered", "returned")
WORK_FIELDS = ("dike_m", "sandbags", "earth_m3", "rescued")
MATERIAL_KINDS = ("stock_in", "dispatch", "consumed")


@dataclass
class Situation:
    """Everything the dashboard, overlays, brief and ``info --at`` show for one moment."""

    at: str  # storage form (UTC, "...Z")
    evacuation: dict[str, dict[str, Any]] = field(default_factory=dict)  # area -> latest report
    works: dict[str, float] = field(default_factory=dict)
    materials: dict[str, dict[str, float]] = field(default_factory=dict)  # kind -> item -> quantity
    stock: dict[str, dict[str, float]] = field(default_factory=dict)  # depot -> item -> on hand
    forces: list[dict[str, Any]] = field(default_factory=list)  # forces reported by then
    storage_status: dict[str, str] = field(default_factory=dict)  # storage area name -> status

    def totals(self) -> dict[str, Any]:
        """Nested numbers by category, the form of ``info --json`` and the brief."""
        persons = {s: 0 for s in STAGES}
        households = {s: 0 for s in STAGES}
        by_area: dict[str, dict[str, int]] = {}
        by_kind: dict[str, dict[str, int]] = defaultdict(lambda: {s: 0 for s in STAGES})
        for area, rec in sorted(self.evacuation.items()):
            by_area[area] = {s: int(rec.get(f"{s}_persons") or 0) for s in STAGES}
            for s in STAGES:
                persons[s] += int(rec.get(f"{s}_persons") or 0)
                households[s] += int(rec.get(f"{s}_households") or 0)
                by_kind[rec.get("area_kind") or "other"][s] += int(rec.get(f"{s}_persons") or 0)
        forces: dict[str, Any] = {"teams": 0, "personnel": 0, "vehicles": 0, "boats": 0, "by_category": {}}
        for f in self.forces:
            if f.get("status") == "withdrawn":
                continue
            cat = forces["by_category"].setdefault(f["category"], {"teams": 0, "personnel": 0})
            cat["teams"] += 1
            cat["personnel"] += int(f.get("personnel") or 0)
            forces["teams"] += 1
            for k in ("personnel", "vehicles", "boats"):
                forces[k] += int(f.get(k) or 0)
        status_counts: dict[str, int] = defaultdict(int)
        for s in self.storage_status.values():
            status_counts[s] += 1
        return {
            "evacuation": {
                "persons": persons,
                "households": households,
                "by_area": by_area,
                "by_area_kind": dict(by_kind),
            },
            "forces": forces,
            "materials": {k: dict(sorted(v.items())) for k, v in self.materials.items()},
            "works": {k: _number(v) for k, v in self.works.items()},
            "storage_areas": dict(status_counts),
        }


def _number(v: float) -> float | int:
    return int(v) if float(v).is_integer() else round(float(v), 3)


def _rows(ws: Any, key: str) -> list[dict[str, Any]]:
    """All rows of a record table as plain dicts (NaN/NA as None), oldest report first."""
    if key not in ws.keys():  # noqa: SIM118 - Workspace is not a mapping
        return []
    frame = ws.read(key)
    if "geometry" in frame:
        frame = frame.drop(columns="geometry")
    records = frame.reset_index().to_dict("records")
    for r in records:
        for k, v in list(r.items()):
            if v is not None and v != v:  # NaN / NA from the frame
                r[k] = None
            elif hasattr(v, "item"):
                r[k] = v.item()
    records.sort(key=lambda r: r.get("reported_at") or "")
    return records


@dataclass
class _Records:
    """Everything ``as_of`` needs, read once: a timeline then filters it per moment in memory."""

    tables: dict[str, list[dict[str, Any]]]
    depots: set[str]
    #: storage-area status by name as stored, and by fid each area's (name, status)
    area_status: dict[str, Any]
    areas: dict[int, tuple[str, Any]]
    #: the fid whose status a name shows (several areas may share a name: the last one's)
    area_shown: dict[str, int]
    #: per target layer: (logged at, feature fid, before-values) of every update, newest first
    edits: dict[str, list[tuple[str, int, dict[str, Any]]]]


def _load(ws: Any) -> _Records:
    """The records, read again only when the workspace changed since the last read.

    Opening a workspace asks for the situation four times (map, dashboard
    curves and time, brief); a county's storage-area inventory takes a
    quarter of a second to scan each time. Any write through this
    connection changes ``total_changes``; a commit by another process
    changes ``data_version``.
    """
    con = ws._con
    stamp = (id(con), con.total_changes, con.execute("PRAGMA data_version").fetchone()[0])
    hit = getattr(ws, "_situation_records", None)
    if hit is not None and hit[0] == stamp:
        return hit[1]
    records = _read_records(ws)
    ws._situation_records = (stamp, records)
    return records


def _read_records(ws: Any) -> _Records:
    tables = {k: _rows(ws, k) for k in ("evacuation", "works", "material_tally", "forces")}
    depots = {r["depot"] for r in tables["material_tally"]}
    if "depots" in ws.keys():  # noqa: SIM118
        depots |= {str(n) for n in ws.read("depots", columns=["name"])["name"]}
    areas: dict[int, tuple[str, Any]] = {}
    if "storage_areas" in ws.keys():  # noqa: SIM118
        # names and statuses only: a county inventory has 100,000 shapes nobody needs here
        rows = ws._con.execute('SELECT fid, name, status FROM "storage_areas" ORDER BY fid').fetchall()
        areas = {fid: (name, status) for fid, name, status in rows}
    edits: dict[str, list[tuple[str, int, dict[str, Any]]]] = defaultdict(list)
    if "situation_log" in ws.keys():  # noqa: SIM118
        rows = ws._con.execute(
            "SELECT at, feature_id, target, before FROM situation_log"
            " WHERE action = 'update' AND target IN ('forces', 'storage_areas') ORDER BY at DESC, fid DESC"
        ).fetchall()
        for at, fid, target, before in rows:
            try:
                old = json.loads(before) if before else None
            except ValueError:
                old = None
            if isinstance(old, dict):
                edits[target].append((at, fid, old))
    area_status = {name: status for name, status in areas.values()}
    area_shown = {name: fid for fid, (name, _) in areas.items()}
    return _Records(tables, depots, area_status, areas, area_shown, edits)


def _undo_later_edits(
    records: _Records, key: str, at: str, rows: dict[int, dict[str, Any]], fields: tuple[str, ...]
) -> None:
    """Put back the values that edits logged after ``at`` replaced (newest undone first)."""
    for logged, fid, old in records.edits.get(key, []):
        if logged <= at:
            break
        if fid in rows:
            for f in fields:
                if f in old:
                    rows[fid][f] = old[f]


def as_of(ws: Any, when: Any = None) -> Situation:
    """The situation at ``when`` (any time ``parse_time`` reads; None means now)."""
    return _situation(_load(ws), to_storage(when) if when is not None else now_storage())


def _situation(records: _Records, at: str) -> Situation:
    sit = Situation(at=at)

    def upto(key: str) -> list[dict[str, Any]]:
        return [r for r in records.tables[key] if (r.get("reported_at") or "") <= at]

    # Evacuation: latest report per area; same time -> the later entry (a correction).
    latest: dict[str, tuple[str, int, dict[str, Any]]] = {}
    for r in upto("evacuation"):
        key = (r["reported_at"], r["fid"])
        if r["area"] not in latest or key > latest[r["area"]][:2]:
            latest[r["area"]] = (r["reported_at"], r["fid"], r)
    sit.evacuation = {area: v[2] for area, v in latest.items()}
    # Works: increments.
    sit.works = {f: 0.0 for f in WORK_FIELDS}
    for r in upto("works"):
        for f in WORK_FIELDS:
            sit.works[f] += float(r.get(f) or 0)
    # Materials: movements.
    materials: dict[str, dict[str, float]] = {k: defaultdict(float) for k in MATERIAL_KINDS}
    stock: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in upto("material_tally"):
        q = float(r.get("quantity") or 0)
        materials[r["kind"]][r["item"]] += q
        stock[r["depot"]][r["item"]] += q if r["kind"] == "stock_in" else -q
        # A dispatch to another depot (a forward point) moves the stock there.
        if r["kind"] == "dispatch" and r.get("destination") in records.depots and r["destination"] != r["depot"]:
            stock[r["destination"]][r["item"]] += q
    sit.materials = {k: {i: _number(q) for i, q in v.items()} for k, v in materials.items()}
    sit.stock = {d: {i: _number(q) for i, q in items.items()} for d, items in stock.items()}
    # Forces reported by then, with their status as it was (copies: the records serve every moment).
    forces = {r["fid"]: dict(r) for r in upto("forces")}
    _undo_later_edits(records, "forces", at, forces, ("status", "personnel", "vehicles", "boats", "category"))
    sit.forces = list(forces.values())
    # Storage areas: status as it was (they carry no report time of their own); only
    # the areas edited since then differ from the stored status.
    was: dict[int, Any] = {}
    for logged, fid, old in records.edits.get("storage_areas", []):
        if logged <= at:
            break
        if fid in records.areas and "status" in old:
            was[fid] = old["status"]  # newest undone first: the earliest edit's "before" stays
    status = dict(records.area_status)
    for fid, old_status in was.items():
        name = records.areas[fid][0]
        if records.area_shown[name] == fid:  # a shared name shows the last area's status, as stored
            status[name] = old_status
    sit.storage_status = status
    return sit


def delta(a: Any, b: Any) -> Any:
    """``b - a`` for nested totals; keys missing on one side count as zero."""
    if isinstance(a, dict) or isinstance(b, dict):
        a = a if isinstance(a, dict) else {}
        b = b if isinstance(b, dict) else {}
        return {k: delta(a.get(k, 0), b.get(k, 0)) for k in dict.fromkeys([*a, *b])}
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return _number(b - a)
    return b


def last_meeting(ws: Any, before: str | None = None) -> str | None:
    """Time of the last consultation meeting marked in the log (at or before ``before``)."""
    if "situation_log" not in ws.keys():  # noqa: SIM118
        return None
    sql = "SELECT max(at) FROM situation_log WHERE action = 'meeting'"
    params: tuple[Any, ...] = ()
    if before is not None:
        sql += " AND at <= ?"
        params = (before,)
    row = ws._con.execute(sql, params).fetchone()
    return row[0] if row and row[0] else None


def report(ws: Any, when: Any = None) -> dict[str, Any]:
    """``info --json --at``: the moment, its totals and the change since the last meeting."""
    sit = as_of(ws, when)
    totals = sit.totals()
    out: dict[str, Any] = {"at": iso_local(sit.at), "totals": totals}
    meeting = last_meeting(ws, sit.at)
    if meeting is not None:
        out["since_last_meeting"] = {
            "meeting_at": iso_local(meeting),
            "delta": delta(as_of(ws, meeting).totals(), totals),
        }
    return out


def report_times(ws: Any) -> list[str]:
    """Every distinct ``reported_at`` of the record tables and forces, in order (storage form)."""
    from floodpost.data.workspace import TIME_GLOB

    parts = [
        f'SELECT reported_at FROM "{k}" WHERE reported_at GLOB \'{TIME_GLOB}\''  # not a damaged cell
        for k in ("evacuation", "works", "material_tally", "forces")
        if k in ws.keys()  # noqa: SIM118
    ]
    if not parts:
        return []
    rows = ws._con.execute(" UNION ".join(parts) + " ORDER BY 1").fetchall()
    return [r[0] for r in rows if r[0]]


def timeline(ws: Any, times: list[str] | None = None) -> dict[str, Any]:
    """Totals at each report time: the dashboard's curves, equal to ``as_of`` by construction.

    The records are read once and every moment is taken from them in memory.
    """
    times = report_times(ws) if times is None else times
    records = _load(ws)
    return {"times": times, "totals": [_situation(records, t).totals() for t in times]}
