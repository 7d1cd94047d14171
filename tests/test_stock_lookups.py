"""The tally's stock checks read one depot's movements, not the season's: the same answers as the engine.

Random movements (stock-ins, dispatches to known and unknown depots, uses,
late reports, reports at the same time) on both storage back ends: the
stock a check works with equals ``as_of``'s, the store's index lookups
equal a scan, and ``stock_conflict`` equals the whole-tally walk it replaced.
"""

from __future__ import annotations

import random
from typing import Any

import pytest

from floodpost.data import situation
from floodpost.data.situation import tally
from floodpost.data.timeutil import format_local
from floodpost.data.workspace import Workspace

DEPOTS = ["市仓库", "浚县仓库", "前置点A"]
ITEMS = ["sandbag", "life_jacket"]
TIMES = [f"2021-07-{d:02d}T{h:02d}:00:00.000Z" for d in (20, 21, 22) for h in (0, 6, 12, 18)]


def _movements(seed: int, n: int = 60) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    rows = []
    for _ in range(n):
        kind = rng.choice(["stock_in", "stock_in", "dispatch", "consumed"])
        row = {"depot": rng.choice(DEPOTS), "item": rng.choice(ITEMS), "quantity": rng.randint(1, 40) * 10,
               "kind": kind, "reported_at": rng.choice(TIMES)}
        if kind == "dispatch":
            row["destination"] = rng.choice([*DEPOTS, "某乡镇"])
        rows.append(row)
    return rows


def _whole_tally_conflict(ws: Any, removed: list[int], added: list[dict[str, Any]]) -> str | None:
    """The check as it was: every movement read, balanced at every report time."""
    frame = ws.read("material_tally", columns=tally._MOVE_COLUMNS)
    rows = [{"fid": int(fid), **{k: tally._plain(v) for k, v in r.items()}}
            for fid, r in zip(frame.index, frame.to_dict("records"), strict=True)]
    gone = set(removed)
    changed = [r for r in rows if r["fid"] in gone] + added
    after = [r for r in rows if r["fid"] not in gone] + added
    names = {str(n) for n in ws.read("depots", columns=["name"])["name"] if n} if "depots" in ws.keys() else set()  # noqa: SIM118
    before_depots = names | {str(r["depot"]) for r in rows if r.get("depot")}
    after_depots = names | {str(r["depot"]) for r in after if r.get("depot")}
    affected = {(str(r["depot"]), str(r["item"])) for r in changed}
    affected |= {(str(r["destination"]), str(r["item"])) for r in changed
                 if r.get("kind") == "dispatch" and r.get("destination")}
    times = sorted({r["reported_at"] or "" for r in rows + after})
    for depot, item in sorted(affected):
        was = tally._balances(rows, before_depots, depot, item, times)
        now = tally._balances(after, after_depots, depot, item, times)
        for (t, b0), (_, b1) in zip(was, now, strict=True):
            if b1 < -1e-9 and b1 < b0 - 1e-9:
                return f"{depot} {format_local(t)} {tally._fmt(b1)}"
    return None


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_depots_own_movements_give_the_engines_stock(ws_location, seed):
    situation.keep_folds(False)
    with Workspace.create(ws_location) as ws:
        rows = _movements(seed)
        ws.insert("material_tally", rows)
        for at in [TIMES[0], TIMES[3], TIMES[7], TIMES[-1], "2021-07-21T07:30:00.000Z"]:
            want = situation.as_of(ws, at).stock
            t = situation._ms(at)
            for depot in [*DEPOTS, "某乡镇"]:
                depots = {depot} if tally._is_depot(ws, depot) else set()
                for item in ITEMS:
                    moves = tally._moves_of(ws, depot, item)
                    got = sum(tally._effect(r, depots, depot, item) for r in moves if situation._ms(r["reported_at"]) <= t)
                    assert got == pytest.approx(float(want.get(depot, {}).get(item, 0))), (at, depot, item)


@pytest.mark.parametrize("seed", [4, 5, 6, 7])
def test_stock_conflict_equals_the_whole_tally_walk(ws_location, seed):
    rng = random.Random(seed)
    with Workspace.create(ws_location) as ws:
        ws.insert("material_tally", _movements(seed, 40))
        fids = [int(f) for f in ws.read("material_tally", columns=["depot"]).index]
        refused = 0
        for _ in range(12):
            removed = rng.sample(fids, rng.randint(1, 3))
            got = tally.stock_conflict(ws, removed=removed)
            want = _whole_tally_conflict(ws, removed, [])
            assert (got is None) == (want is None), (removed, got, want)
            refused += got is not None
            if got is not None:  # the same depot, moment and balance are named
                assert f"{got.values['depot']} {got.values['time']} {got.values['balance']}" == want
            added = _movements(rng.randint(100, 10_000), rng.randint(1, 3))
            for a in added:  # a dispatch put back takes stock
                a["kind"] = "dispatch"
            got = tally.stock_conflict(ws, added=added)
            want = _whole_tally_conflict(ws, [], [dict(a) for a in added])
            assert (got is None) == (want is None), (added, got, want)
            refused += got is not None
            if got is not None:
                assert f"{got.values['depot']} {got.values['time']} {got.values['balance']}" == want
        assert 0 < refused < 24  # both answers were put to the test


def test_the_stores_lookups_equal_a_scan(ws_location):
    with Workspace.create(ws_location) as ws:
        rows = _movements(9, 50)
        ws.insert("material_tally", rows)
        col = [str(v) for v in ws.read("material_tally", columns=["reported_at"])["reported_at"]]
        for at in ["2021-07-19T00:00:00.000Z", *TIMES, "2021-07-21T07:30:00.000Z", "2030-01-01T00:00:00.000Z"]:
            before = [v for v in col if v <= at]
            assert ws.latest_time("material_tally", at) == (max(before) if before else None)
        assert ws.latest_time("depots", TIMES[-1]) is None  # no report times there
        assert sorted(ws.distinct("material_tally", "depot")) == sorted({r["depot"] for r in rows})
        got = set(ws.distinct("material_tally", "destination"))
        assert got == {r.get("destination") for r in rows}
        assert ws.time_span() == (min(col), max(col))
