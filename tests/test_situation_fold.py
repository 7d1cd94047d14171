"""The folded as-of engine against a straightforward per-moment recomputation.

The reference below reads the tables with plain SQL and recomputes each
moment from scratch, the way the engine did before it was folded (issue 16).
Random record sets (hypothesis) mix same-time corrections, late reports,
forces and storage areas edited at various times, and reads between writes,
so the engine's incremental path and its rebuilds are both compared.
"""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections import defaultdict
from datetime import timedelta
from pathlib import Path
from typing import Any

import numpy as np
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from floodpost.data.situation import STAGES, WORK_FIELDS, as_of, report_times, series
from floodpost.data.store.gpkg import geopackage as gpkg
from floodpost.data.timeutil import parse_time, to_storage
from floodpost.data.workspace import Workspace

HOURS = [f"2021-07-22T{h:02d}:00" for h in range(6, 22, 2)]
STORED = [to_storage(h) for h in HOURS]
AREAS = ("良相坡", "共渠西", "白寺坡")
DEPOTS = ("市仓库", "前置点")
POINT = shapely.Point(114.3, 35.7)


# ---------------------------------------------------------------- the reference
def _connect(location: Any) -> Any:
    """Plain SQL on the workspace, past FloodPost: sqlite3 on a file, psycopg on a database."""
    text = str(location)
    if text.startswith("postgresql://"):
        import psycopg

        return psycopg.connect(text, autocommit=True)
    return sqlite3.connect(text)


def _new_location(backend: str, request: Any, tmp_path_factory: Any) -> Any:
    if backend == "gpkg":
        return tmp_path_factory.mktemp("fold") / "ws.gpkg"
    return request.getfixturevalue("pg_cluster").new_database()


def _rows(con: Any, table: str) -> list[dict[str, Any]]:
    cur = con.execute(f'SELECT * FROM "{table}" ORDER BY fid')
    names = [d[0] for d in cur.description]
    rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
    for r in rows:
        for storage_only in ("geom", "uuid", "row_version"):  # not fields: the fold never shows them
            r.pop(storage_only, None)
    rows.sort(key=lambda r: r.get("reported_at") or "")
    return rows


def reference(path: Path, at: str) -> dict[str, Any]:
    """The situation at ``at`` recomputed from scratch: (evacuation, works, materials, stock, forces, status)."""
    con = _connect(path)
    try:
        def upto(table: str) -> list[dict[str, Any]]:
            return [r for r in _rows(con, table) if (r.get("reported_at") or "") <= at]

        latest: dict[str, tuple] = {}
        for r in upto("evacuation"):
            key = (r["reported_at"], r["fid"])
            if r["area"] not in latest or key > latest[r["area"]][:2]:
                latest[r["area"]] = (r["reported_at"], r["fid"], r)
        evacuation = {a: v[2] for a, v in latest.items()}
        works = {f: 0.0 for f in WORK_FIELDS}
        for r in upto("works"):
            for f in WORK_FIELDS:
                works[f] += float(r.get(f) or 0)
        depots = {r["depot"] for r in _rows(con, "material_tally")} | {
            n for (n,) in con.execute("SELECT name FROM depots")}
        materials: dict[str, dict[str, float]] = {k: defaultdict(float) for k in ("stock_in", "dispatch", "consumed")}
        stock: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for r in upto("material_tally"):
            q = float(r["quantity"] or 0)
            materials[r["kind"]][r["item"]] += q
            stock[r["depot"]][r["item"]] += q if r["kind"] == "stock_in" else -q
            if r["kind"] == "dispatch" and r.get("destination") in depots and r["destination"] != r["depot"]:
                stock[r["destination"]][r["item"]] += q
        edits = defaultdict(list)
        for logged, fid, target, before in con.execute(
            "SELECT at, feature_id, target, before FROM situation_log WHERE action = 'update'"
            " ORDER BY at DESC, fid DESC"
        ):
            edits[target].append((logged, fid, json.loads(before)))
        forces = {r["fid"]: dict(r) for r in upto("forces")}
        for logged, fid, old in edits["forces"]:
            if logged <= at:
                break
            if fid in forces:
                for f in ("status", "personnel", "vehicles", "boats", "category"):
                    if f in old:
                        forces[fid][f] = old[f]
        areas = {fid: (n, s) for fid, n, s in con.execute("SELECT fid, name, status FROM storage_areas ORDER BY fid")}
        status = {n: s for n, s in areas.values()}
        shown = {n: fid for fid, (n, _) in areas.items()}
        was = {}
        for logged, fid, old in edits["storage_areas"]:
            if logged <= at:
                break
            if fid in areas and "status" in old:
                was[fid] = old["status"]
        for fid, s in was.items():
            if shown[areas[fid][0]] == fid:
                status[areas[fid][0]] = s
        return {
            "evacuation": evacuation,
            "works": works,
            "materials": {k: dict(v) for k, v in materials.items()},
            "stock": {d: dict(v) for d, v in stock.items()},
            "forces": sorted(forces.values(), key=lambda r: r["fid"]),
            "status": status,
        }
    finally:
        con.close()


def _number(v: float) -> float:
    return int(v) if float(v).is_integer() else round(float(v), 3)


def assert_same(path: Path, ws: Workspace, at: str) -> None:
    want = reference(path, at)
    got = as_of(ws, at)
    assert got.evacuation == want["evacuation"]
    assert got.works == want["works"]
    assert got.materials == {k: {i: _number(q) for i, q in v.items()} for k, v in want["materials"].items()}
    assert got.stock == {d: {i: _number(q) for i, q in v.items()} for d, v in want["stock"].items()}
    assert sorted(got.forces, key=lambda r: r["fid"]) == want["forces"]
    assert got.storage_status == want["status"]
    # what the tally's checks read without a fold of their own: the forces alone, an area's own reports
    from floodpost.data import situation
    from floodpost.data.situation import tally

    with Workspace.open(path) as fresh:
        assert sorted(situation.forces_at(fresh, at), key=lambda r: r["fid"]) == want["forces"]
        before = as_of(ws, to_storage(parse_time(at) - timedelta(milliseconds=1))).evacuation
        for area in AREAS:
            prev = tally._previous_report(fresh, area, at)
            if area not in before:
                assert prev is None
                continue
            fields = [f for f in before[area] if f.endswith(("_persons", "_households")) or f == "reported_at"]
            assert {f: prev.get(f) for f in fields} == {f: before[area][f] for f in fields}, area
    # the engine's sums give the same totals as adding up the moment's records
    assert got.sums is not None
    assert got.totals() == dataclasses.replace(got, sums=None).totals()


# ---------------------------------------------------------------- random workloads
evac_op = st.tuples(st.just("evac"), st.sampled_from(AREAS), st.sampled_from(HOURS), st.integers(0, 900),
                    st.sampled_from(["storage_area", "village"]))
works_op = st.tuples(st.just("works"), st.sampled_from(HOURS), st.integers(0, 5000), st.sampled_from([0.0, 12.5, 100.0]))
mat_op = st.tuples(st.just("mat"), st.sampled_from(DEPOTS), st.sampled_from(["sandbag", "pump"]),
                   st.integers(1, 5000), st.sampled_from(["stock_in", "dispatch", "consumed"]),
                   st.sampled_from([None, "前置点", "市仓库", "某堤段"]), st.sampled_from(HOURS))
force_op = st.tuples(st.just("force"), st.sampled_from(["army", "fire", "police"]), st.integers(0, 300),
                     st.sampled_from(["on_duty", "mobile", "withdrawn"]), st.sampled_from(HOURS))
edit_force_op = st.tuples(st.just("edit_force"), st.integers(0, 10), st.sampled_from(["on_duty", "withdrawn", "standby"]),
                          st.integers(0, 500), st.sampled_from(HOURS))
edit_area_op = st.tuples(st.just("edit_area"), st.integers(0, 3), st.sampled_from(["standby", "ordered", "flooding"]),
                         st.sampled_from(HOURS))
read_op = st.tuples(st.just("read"), st.sampled_from(HOURS))
ops = st.lists(st.one_of(evac_op, evac_op, works_op, mat_op, mat_op, force_op, edit_force_op, edit_area_op,
                         read_op, read_op), min_size=1, max_size=40)


def _relog(path: Path, at: str) -> None:
    """Move the newest log entry to ``at``: an edit recorded at a time during the flood.

    On a server only the log's owner may (the tests connect as the superuser).
    """
    sql = "UPDATE situation_log SET at = {} WHERE fid = (SELECT max(fid) FROM situation_log)"
    if str(path).startswith("postgresql://"):
        with _connect(path) as con:
            con.execute(sql.format("%s"), (to_storage(at),))
        return
    con = sqlite3.connect(path)
    gpkg.register_functions(con)
    with con:
        con.execute(sql.format("?"), (to_storage(at),))
    con.close()


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=ops)
def test_fold_equals_recomputation(tmp_path_factory, backend, request, script):
    path = _new_location(backend, request, tmp_path_factory)
    with Workspace.create(path) as ws:
        ws.insert("depots", [{"name": "前置点", "kind": "front", "geometry": POINT}])
        ws.insert("storage_areas", [{"name": n, "status": "standby", "geometry": POINT.buffer(0.01)}
                                    for n in (*AREAS, AREAS[0])])  # a shared name: the last one shows
        force_fids: list[int] = []
        for op in script:
            kind = op[0]
            if kind == "evac":
                _, area, hour, moved, area_kind = op
                ws.insert("evacuation", [{"area": area, "area_kind": area_kind, "planned_persons": 1000,
                                          "transferred_persons": moved, "sheltered_persons": moved // 2,
                                          "reported_at": hour}])
            elif kind == "works":
                _, hour, bags, dike = op
                ws.insert("works", [{"place": "卫河", "sandbags": bags, "dike_m": dike, "reported_at": hour}])
            elif kind == "mat":
                _, depot, item, q, mkind, dest, hour = op
                ws.insert("material_tally", [{"depot": depot, "item": item, "quantity": q, "kind": mkind,
                                              "destination": dest, "reported_at": hour}])
            elif kind == "force":
                _, cat, men, status, hour = op
                force_fids += ws.insert("forces", [{"name": f"队{len(force_fids)}", "category": cat, "personnel": men,
                                                    "status": status, "reported_at": hour, "geometry": POINT}])
            elif kind == "edit_force" and force_fids:
                _, i, status, men, hour = op
                ws.update("forces", force_fids[i % len(force_fids)], {"status": status, "personnel": men})
                _relog(path, hour)
            elif kind == "edit_area":
                _, i, status, hour = op
                ws.update("storage_areas", i + 1, {"status": status})
                _relog(path, hour)
            elif kind == "read":
                assert_same(path, ws, to_storage(op[1]))
                assert_curves(ws)
        for at in (STORED[0], STORED[3], STORED[-1], to_storage("2030-01-01T00:00")):
            assert_same(path, ws, at)
        assert_curves(ws)


def assert_curves(ws: Workspace) -> None:
    """The curves are the same moments as ``as_of``'s, sampled in one pass."""
    times = report_times(ws)
    tl = series(ws)
    assert tl.times == times
    for i, t in enumerate(times):
        tot = as_of(ws, t).totals()
        for s in STAGES:
            assert tl.get("evacuation", "persons", s)[i] == tot["evacuation"]["persons"][s]
            assert tl.get("evacuation", "households", s)[i] == tot["evacuation"]["households"][s]
            for kind, by_stage in tot["evacuation"]["by_area_kind"].items():
                assert tl.get("evacuation", "by_area_kind", kind, s)[i] == by_stage[s]
        assert tl.get("forces", "personnel")[i] == tot["forces"]["personnel"]
        for c, v in tot["forces"]["by_category"].items():
            assert tl.get("forces", "by_category", c, "personnel")[i] == v["personnel"]
        for k, items in tot["materials"].items():
            for item, q in items.items():
                assert np.isclose(tl.get("materials", k, item)[i], q)
        for f in WORK_FIELDS:
            assert np.isclose(tl.get("works", f)[i], tot["works"][f])


def test_corrections_and_late_reports_folded_in_one_at_a_time(ws_location):
    """Each report entered after a read: same-time corrections win, late reports hold until the next."""
    path = ws_location
    script = [("良相坡", 2, 100), ("良相坡", 5, 300), ("良相坡", 5, 320), ("良相坡", 3, 200),
              ("共渠西", 3, 50), ("良相坡", 3, 210), ("共渠西", 1, 20), ("良相坡", 0, 10)]
    with Workspace.create(path) as ws:
        for area, hour, moved in script:
            ws.insert("evacuation", [{"area": area, "area_kind": "storage_area", "planned_persons": 1000,
                                      "transferred_persons": moved, "reported_at": HOURS[hour]}])
            for at in STORED:
                assert_same(path, ws, at)
            assert_curves(ws)


def test_a_new_record_is_folded_in_without_a_rebuild(ws_location):
    """A tally entry is one more step: the engine reads that row, not the tables."""
    from floodpost.data import situation

    path = ws_location
    with Workspace.create(path) as ws:
        ws.insert("material_tally", [{"depot": "市仓库", "item": "sandbag", "quantity": 500, "kind": "stock_in",
                                      "reported_at": HOURS[0]}])
        assert as_of(ws, STORED[-1]).stock == {"市仓库": {"sandbag": 500}}
        eng = situation.engine(ws)
        built = eng.materials
        ws.insert("material_tally", [{"depot": "市仓库", "item": "sandbag", "quantity": 200, "kind": "dispatch",
                                      "reported_at": HOURS[1]}])
        # a late report about an earlier time, too
        ws.insert("material_tally", [{"depot": "市仓库", "item": "sandbag", "quantity": 50, "kind": "consumed",
                                      "reported_at": "2021-07-22T05:00"}])
        assert as_of(ws, STORED[-1]).stock == {"市仓库": {"sandbag": 250}}
        assert situation.engine(ws).materials is built  # folded in, not rebuilt
        assert as_of(ws, STORED[0]).stock == {"市仓库": {"sandbag": 450}}


def test_a_closed_workspace_lets_its_fold_go(ws_location):
    """The engines are kept by workspace, weakly: closing a workspace frees its fold (half a gigabyte on a
    season), without waiting for a collection the fold is kept out of (``situation._settle``)."""
    import weakref

    from floodpost.data import situation

    with Workspace.create(ws_location) as ws:
        ws.insert("material_tally", [{"depot": "市仓库", "item": "sandbag", "quantity": 500, "kind": "stock_in",
                                      "reported_at": HOURS[0]}])
        assert as_of(ws, STORED[-1]).stock == {"市仓库": {"sandbag": 500}}
        eng = weakref.ref(situation.engine(ws))
        materials = weakref.ref(situation.engine(ws).materials)
    del ws
    assert eng() is None and materials() is None
