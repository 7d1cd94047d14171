"""The water fold against a literal recomputation of the rules in ``situation/hydro.py``.

The reference reads the readings and acknowledgements with plain SQL and
works out each moment from scratch, rule by rule as the module's docstring
states them, without any of the module's helpers (levels compared as the
decimals written, so "at least the rate" is the arithmetic of the bulletin).
Random record sets (hypothesis): random thresholds, rates and intervals,
levels on a grid around the thresholds, same-time corrections, late readings,
rain, readings of a name no station has, acknowledgements of real and of
imagined events. Every record goes in through the workspace one at a time;
the engine catches up after each and must equal a fresh build and the
reference, and must not have folded the water again.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import numpy as np
import shapely
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from floodpost.data import situation
from floodpost.data.situation import as_of, series
from floodpost.data.timeutil import to_storage
from floodpost.data.workspace import Workspace
from tests.test_situation_fold import _connect, _new_location

DAY = "2021-07-22T"
TIMES = [DAY + h for h in ("00:00", "00:20", "00:30", "01:00", "01:30", "02:00", "03:00", "05:00", "08:00",
                           "09:00", "12:00", "15:00")]
PROBES = [to_storage(x) for x in ("2021-07-21T23:00", *TIMES, DAY + "02:01", DAY + "03:59", DAY + "06:30",
                                  DAY + "11:00", DAY + "14:00", "2021-07-23T02:00", "2021-07-23T08:00")]
RIVER, RES, RAIN, NOBODY = "卫河淇门", "盘石头水库", "新村雨量站", "无名站"
HOUR = 3_600_000
POINT = shapely.Point(114.3, 35.7)


# ---------------------------------------------------------------- the reference
def ms(text: Any) -> int:
    return int(datetime.fromisoformat(str(text).replace("Z", "+00:00")).timestamp() * 1000)


def dec(v: Any) -> Decimal | None:
    return None if v is None else Decimal(repr(float(v)))


def records(location: Any) -> dict[str, list[dict[str, Any]]]:
    con = _connect(location)
    try:
        out = {}
        for table in ("readings", "alert_acks"):
            cur = con.execute(f'SELECT * FROM "{table}" ORDER BY fid')
            names = [d[0] for d in cur.description]
            out[table] = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        return out
    finally:
        con.close()


def thresholds(st_: dict[str, Any]) -> list[tuple[str, Decimal]]:
    fields = {"river": (("warning", "warning_level"), ("guaranteed", "guaranteed_level")),
              "reservoir": (("flood_limit", "flood_limit_level"), ("design", "design_level"),
                            ("check", "check_level"))}.get(st_["kind"], ())
    return [(code, dec(st_[f])) for code, f in fields if st_.get(f) is not None]


def reference(stations: list[dict[str, Any]], db: dict[str, list[dict[str, Any]]], t: int) -> dict[str, Any]:
    """The moment ``t`` (ms) from the rules, station by station."""
    out: dict[str, Any] = {"stations": {}, "events": [], "sums": dict.fromkeys(
        ("reporting", "over_warning", "over_guaranteed", "over_check", "rising", "stale"), 0)}
    for s in stations:
        name, levels = s["name"], thresholds(s)
        # one reading per time: the one entered last (highest fid); read in time order
        by_time: dict[int, dict[str, Any]] = {}
        for r in db["readings"]:
            if r["station"] == name and (ms(r["reported_at"]) not in by_time
                                         or r["fid"] > by_time[ms(r["reported_at"])]["fid"]):
                by_time[ms(r["reported_at"])] = r
        readings = [by_time[k] for k in sorted(by_time)]
        level_seq = [(ms(r["reported_at"]), dec(r["level"])) for r in readings if r["level"] is not None]
        # crossing events over the whole record, then those up to t
        above = {code: False for code, _ in levels}
        for when, lv in level_seq:
            for code, v in levels:
                if (lv > v) != above[code]:
                    above[code] = lv > v
                    if when <= t:
                        out["events"].append((name, code, "up" if lv > v else "down", when, float(lv),
                                              float(lv - v)))
        seen = [r for r in readings if ms(r["reported_at"]) <= t]
        if not seen:
            out["stations"][name] = {"state": "no_reading", "level": None, "stale": True,
                                     "rain": {1: 0.0, 3: 0.0, 6: 0.0, 24: 0.0}}
            continue
        last = ms(seen[-1]["reported_at"])
        stale = t - last > float(s.get("report_hours") or 6) * HOUR
        mine = [(w, lv) for w, lv in level_seq if w <= t]
        rain = {h: float(sum((dec(r["rain"]) for r in seen if r["rain"] is not None
                              and t - h * HOUR < ms(r["reported_at"])), Decimal(0))) for h in (1, 3, 6, 24)}
        flows = [r["flow"] for r in seen if r["flow"] is not None]  # the latest reading that gives one
        got: dict[str, Any] = {"stale": stale, "rain": rain, "observed_ms": last, "level": None, "tier": 0,
                               "rising": False, "threshold": None, "margin": None,
                               "flow": float(flows[-1]) if flows else None}
        if mine:
            lv = mine[-1][1]
            tier = sum(lv > v for _, v in levels)
            passed = [(c, v) for c, v in levels if lv > v]
            code, value = passed[-1] if passed else (levels[0] if levels else (None, None))
            rising = False
            if len(mine) > 1:
                (w0, l0), (w1, l1) = mine[-2], mine[-1]
                # multiplied out, not divided: 0.5 m in 100 minutes is exactly 0.3 m/h
                rising = (l1 - l0) * HOUR >= (dec(s.get("rise_rate")) or Decimal("0.3")) * Decimal(w1 - w0)
            got.update(level=float(lv), tier=tier, rising=rising, threshold=code,
                       margin=None if value is None else float(lv - value),
                       state=("normal", "over_warning", "over_guaranteed", "over_check")[tier])
        else:
            got["state"] = "normal" if s["kind"] == "rain" else "no_reading"
        out["stations"][name] = got
        sums = out["sums"]
        sums["reporting"] += 1
        sums["over_warning"] += got["tier"] >= 1
        sums["over_guaranteed"] += got["tier"] >= 2
        sums["over_check"] += got["tier"] >= 3
        sums["rising"] += got["rising"]
        sums["stale"] += stale
    # alerts: an up event until an acknowledgement naming it is reported
    acked = {(a["station"], a["threshold"], a["direction"], ms(a["event_at"]))
             for a in db["alert_acks"] if ms(a["reported_at"]) <= t}
    out["events"] = sorted((*e, e[:4] in acked) for e in out["events"])
    out["unacknowledged"] = sum(1 for e in out["events"] if e[2] == "up" and not e[-1])
    over = [(n, g["tier"], g["margin"]) for n, g in out["stations"].items() if g.get("tier", 0) >= 1]
    out["over"] = sorted(over, key=lambda o: (-o[1], -o[2], o[0]))
    return out


def shown(water: Any) -> dict[str, Any]:
    """What the engine shows of a moment, in the reference's terms."""
    stations = {}
    for s in water.stations:
        got = {"state": s["state"], "level": s["level"], "stale": s["stale"], "rain": s["rain"]}
        if s["observed_ms"] is not None:
            got.update(observed_ms=s["observed_ms"], tier=s["tier"], rising=s["rising"], flow=s["flow"],
                       threshold=s["threshold"], margin=s["margin"])
        stations[s["station"]] = got
    return {
        "stations": stations,
        "events": sorted((e["station"], e["threshold"], e["direction"], e["ms"], e["level"], e["margin"],
                          e["acknowledged"]) for e in water.events),
        "unacknowledged": water.unacknowledged,
        "over": [(o["station"], o["tier"], o["margin"]) for o in water.over],
    }


def close(a: Any, b: Any) -> bool:
    """Equal, numbers within a rounding (the engine gives margins to the millimetre, rain to 0.1 mm)."""
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(close(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(close(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, float) and isinstance(b, (int, float)) and not isinstance(b, bool):
        return abs(a - b) < 1e-6
    return a == b


def assert_same(location: Any, ws: Workspace, stations: list[dict[str, Any]], probes: list[str] = PROBES,
                build: bool = True) -> None:
    """The engine at each probe against the reference, the dashboard's curves and (``build``) a fresh fold."""
    db = records(location)
    eng = situation.engine(ws)
    fresh = None
    if build:
        fresh = situation.Engine(situation._Source(ws))
        fresh.refresh()
    tl = series(ws, probes)
    for i, at in enumerate(probes):
        t = situation._ms(at)
        want = reference(stations, db, t)
        sit = as_of(ws, at)
        got = shown(sit.water)
        assert close(got, {k: want[k] for k in got}), at
        totals = sit.totals()["water"]
        assert eng.totals(at)["water"] == totals, at  # the moment without details: the same figures
        for k, v in want["sums"].items():
            assert totals[k] == v, (at, k)
            assert tl.get("water", k)[i] == v, (at, k)
        assert totals["alerts_unacknowledged"] == want["unacknowledged"]
        assert tl.get("water", "alerts_unacknowledged")[i] == want["unacknowledged"], at
        wettest = max((g["rain"][24] for g in want["stations"].values()), default=0.0)
        assert close(totals.get("rain_max_24h", {}).get("mm", 0.0), wettest), at
        if fresh is None:
            continue
        # a fresh fold of the same records: the same moment, field for field
        again = fresh.water.at(t)
        assert again.totals() == sit.water.totals(), at
        assert again.stations == sit.water.stations, at
        assert again.events == sit.water.events, at
        assert np.array_equal(fresh.water.sums.at(t), eng.water.sums.at(t)), at


# ---------------------------------------------------------------- random record sets
when = st.sampled_from(TIMES)
grid = st.integers(-8, 30).map(lambda k: round(k * 0.1, 1))  # metres, relative to the lowest threshold
level_op = st.tuples(st.just("reading"), st.sampled_from([RIVER, RIVER, RES, RES, NOBODY]), when,
                     st.one_of(st.none(), grid, grid, grid), st.one_of(st.none(), st.integers(0, 40).map(
                         lambda k: k * 0.5)), st.one_of(st.none(), st.integers(0, 900)))
rain_op = st.tuples(st.just("reading"), st.just(RAIN), when, st.none(),
                    st.integers(0, 60).map(lambda k: k * 0.5), st.none())
ack_op = st.tuples(st.just("ack"), st.sampled_from([RIVER, RES]),
                   st.sampled_from(["warning", "guaranteed", "flood_limit", "design", "check"]),
                   st.sampled_from(["up", "up", "down"]), when, when)
read_op = st.tuples(st.just("read"))
script_st = st.lists(st.one_of(level_op, level_op, level_op, rain_op, ack_op, ack_op, read_op),
                     min_size=1, max_size=25)
setup_st = st.tuples(
    st.integers(0, 5).map(lambda k: round(k * 0.1, 1)),  # river: guaranteed over warning by
    st.integers(1, 10).map(lambda k: round(k * 0.2, 1)),  # reservoir: design over flood limit by
    st.integers(1, 5).map(lambda k: round(k * 0.2, 1)),  # check over design by
    st.sampled_from([None, 0.2, 0.5, 1.2]),  # the river's rate (blank: 0.3 m/h)
    st.sampled_from([None, 1, 2.5]),  # the river's interval (blank: 6 h)
    st.booleans(),  # the river without its guaranteed level
)
BASE = {RIVER: 66.0, RES: 245.0}


def make_stations(setup: tuple[Any, ...]) -> list[dict[str, Any]]:
    g, d, c, rate, hours, no_guaranteed = setup
    river = {"name": RIVER, "kind": "river", "warning_level": 66.0,
             "guaranteed_level": None if no_guaranteed else round(66.0 + g, 1) if g else 66.0,
             "rise_rate": rate, "report_hours": hours}
    res = {"name": RES, "kind": "reservoir", "flood_limit_level": 245.0, "design_level": round(245.0 + d, 1),
           "check_level": round(245.0 + d + c, 1), "report_hours": 3}
    return [river, res, {"name": RAIN, "kind": "rain", "report_hours": 1}]


def insert(ws: Workspace, op: tuple[Any, ...]) -> None:
    if op[0] == "reading":
        _, name, at, rel, rain, flow = op
        level = None if rel is None else round(BASE.get(name, 50.0) + rel, 2)
        ws.insert("readings", [{"station": name, "reported_at": at, "level": level, "rain": rain, "flow": flow}])
        return
    _, name, threshold, direction, event_at, at = op
    ws.insert("alert_acks", [{"station": name, "threshold": threshold, "direction": direction,
                              "event_at": event_at, "by": "值班员", "reported_at": at}])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(setup=setup_st, script=script_st)
@example(setup=(0.0, 0.2, 0.2, None, None, False),  # 0.5 m in 100 minutes: exactly the 0.3 m/h default
         script=[("reading", RES, "2021-07-22T00:20", -0.7, None, None),
                 ("reading", RES, "2021-07-22T02:00", -0.2, None, None)])
def test_fold_equals_recomputation(tmp_path_factory, backend, request, setup, script):
    location = _new_location(backend, request, tmp_path_factory)
    stations = make_stations(setup)
    with Workspace.create(location) as ws:
        ws.insert("stations", [{**s, "geometry": POINT} for s in stations])
        ws.insert("readings", [{"station": RIVER, "reported_at": TIMES[4], "level": 65.5}])
        as_of(ws, PROBES[0])  # the engine built: from here on records are caught up one by one
        for op in script:
            if op[0] == "read":
                assert_same(location, ws, stations, [PROBES[3], PROBES[-3]], build=False)
                continue
            before = situation.engine(ws).water
            insert(ws, op)
            as_of(ws, PROBES[-1])
            assert situation.engine(ws).water is before, op  # folded in, the water not folded again
        assert_same(location, ws, stations)


def test_a_muddled_day_checked_after_every_record(ws_location):
    """A fixed script: a crossing and fall-back, a late reading inside it, corrections, acks before and after."""
    stations = make_stations((0.5, 1.0, 0.4, None, 2.5, False))
    script = [
        ("reading", RIVER, TIMES[0], 0.0, None, None),  # at warning: not over
        ("reading", RIVER, TIMES[3], 0.3, None, None),  # 0.3 m in an hour: rising at the rate
        ("reading", RIVER, TIMES[5], -0.1, 2.0, None),  # back under
        ("ack", RIVER, "warning", "up", TIMES[3], TIMES[4]),
        ("reading", RIVER, TIMES[2], 0.6, None, None),  # late: over since 00:30, over guaranteed
        ("reading", RIVER, TIMES[2], 0.2, None, None),  # corrected: over warning only
        ("ack", RIVER, "warning", "up", TIMES[2], TIMES[6]),
        ("reading", RES, TIMES[1], 1.5, None, None),  # the first reading already over all three (246.4 check)
        ("reading", RES, TIMES[8], 1.5, None, None),
        ("reading", RES, TIMES[9], 1.4, None, None),  # at the check level: back down
        ("reading", NOBODY, TIMES[6], 5.0, 10.0, None),
        ("reading", RAIN, TIMES[6], None, 12.5, None),
        ("reading", RAIN, TIMES[7], None, 30.0, None),
        ("reading", RAIN, TIMES[7], None, 3.0, None),
    ]
    with Workspace.create(ws_location) as ws:
        ws.insert("stations", [{**s, "geometry": POINT} for s in stations])
        as_of(ws, PROBES[0])
        for op in script:
            before = situation.engine(ws).water
            insert(ws, op)
            assert_same(ws_location, ws, stations, build=False)
            assert situation.engine(ws).water is before, op
        assert_same(ws_location, ws, stations)
        at_two = as_of(ws, DAY + "02:00").water
    assert [(e["threshold"], e["direction"], e["at"], e["acknowledged"]) for e in at_two.events
            if e["station"] == RIVER] == [
        ("warning", "up", to_storage(TIMES[2]), False), ("warning", "down", to_storage(TIMES[5]), False)]
