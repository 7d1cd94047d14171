"""The operations fold against a literal recomputation of the rules in ``situation/operations.py``.

The reference reads the tables with plain SQL and works out each moment from
scratch, rule by rule as the module's docstring states them. Random record
sets (hypothesis) mix same-time corrections, late reports (entered later,
about an earlier time), closings and reopenings, recalls of more than is
there, re-issued and lifted warnings and answers before and after an issue.
Every record goes in through the workspace one at a time and the engine
catches up after each: it must equal a fresh build and the reference, and
must not have folded the operations again.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime
from typing import Any

import numpy as np
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from floodpost.data import situation
from floodpost.data.situation import as_of, series
from floodpost.data.timeutil import to_storage
from floodpost.data.workspace import Workspace
from tests.test_situation_fold import _connect, _new_location

TIMES = ["2021-07-22T06:00", "2021-07-22T06:20", "2021-07-22T06:30", "2021-07-22T06:50",
         "2021-07-22T07:00", "2021-07-22T08:00", "2021-07-22T09:30", "2021-07-22T12:00"]
STORED = [to_storage(t) for t in TIMES]
PROBES = [to_storage("2021-07-22T05:00"), *STORED, to_storage("2021-07-22T06:40"),
          to_storage("2021-07-22T13:00")]
INCIDENTS = ("卫河管涌", "共渠漫溢", "石林滑坡")
FORCES = {"消防一队": 50, "舟桥分队": 120}  # in the forces layer; "民兵连" is only named by dispatches
FORCE_NAMES = (*FORCES, "民兵连")
WARNINGS = ("暴雨预警", "河道洪水预警")
KEYS = ("淇县", "浚县", "淇县/北阳镇", "淇县/北阳镇/油城村", "hazards:石林村滑坡")
STATUSES = ("reported", "handling", "controlled", "closed")
LEVELS = ("blue", "yellow", "orange", "red")
KINDS = ("piping", "overtopping", "landslide", "other")
MINUTE = 60_000
POINT = shapely.Point(114.3, 35.7)


# ---------------------------------------------------------------- the reference
def ms(text: Any) -> float:
    if not text:
        return float("-inf")
    return datetime.fromisoformat(str(text).replace("Z", "+00:00")).timestamp() * 1000


def tables(location: Any) -> dict[str, list[dict[str, Any]]]:
    con = _connect(location)
    try:
        out = {}
        for t in ("incidents", "incident_status", "dispatches", "warnings", "acknowledgements", "forces"):
            cur = con.execute(f'SELECT * FROM "{t}" ORDER BY fid')
            names = [d[0] for d in cur.description]
            out[t] = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        return out
    finally:
        con.close()


def later(a: dict[str, Any]) -> tuple[float, int]:
    """A record's place in time: its report time, then its entry (fid)."""
    return ms(a["reported_at"]), a["fid"]


def reference(db: dict[str, list[dict[str, Any]]], at: str) -> dict[str, Any]:
    """The moment ``at`` worked out from the rules, record by record."""
    t = ms(at)
    statuses = [r for r in db["incident_status"] if ms(r["reported_at"]) <= t]

    def status_of(name: str) -> str:
        mine = [r for r in statuses if r["incident"] == name]
        return max(mine, key=later)["status"] if mine else "reported"

    def closings(name: str) -> list[float]:
        out = []
        for when in {ms(r["reported_at"]) for r in statuses if r["incident"] == name}:
            same = [r for r in statuses if r["incident"] == name and ms(r["reported_at"]) == when]
            if max(same, key=lambda r: r["fid"])["status"] == "closed":
                out.append(when)
        return out

    incidents = []
    for inc in db["incidents"]:
        if ms(inc["reported_at"]) > t:
            continue
        name = inc["name"]
        mine = sorted((r for r in statuses if r["incident"] == name), key=later)
        figures = {"threatened": inc["threatened"] or 0, "trapped": inc["trapped"] or 0, "rescued": 0}
        for f in figures:
            given_ = [r for r in mine if r[f] is not None]
            if given_:
                figures[f] = given_[-1][f]
        incidents.append({"name": name, "kind": inc["kind"], "status": status_of(name), **figures})

    at_pair: dict[tuple[str, str], list[int]] = {}
    for force, incident in {(r["force"], r["incident"]) for r in db["dispatches"]}:
        if status_of(incident) == "closed":
            continue
        since = max([c for c in closings(incident)], default=float("-inf"))
        have = [0, 0, 0]
        for r in sorted(db["dispatches"], key=later):
            when = ms(r["reported_at"])
            if (r["force"], r["incident"]) != (force, incident) or when > t or when <= since:
                continue
            sign = -1 if r["action"] == "recall" else 1
            for k, f in enumerate(("personnel", "vehicles", "boats")):
                have[k] = max(0, have[k] + sign * (r[f] or 0))
        if any(have):
            at_pair[(force, incident)] = have
    committed: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for (force, _), have in at_pair.items():
        committed[force] = [a + b for a, b in zip(committed[force], have, strict=True)]

    warnings, recipients = [], []
    for name in WARNINGS:
        rows = [r for r in db["warnings"] if r["name"] == name and ms(r["reported_at"]) <= t]
        if not rows:
            continue
        row = max(rows, key=later)
        if row["ends_at"] and ms(row["ends_at"]) <= t:
            continue
        issued = ms(row["reported_at"])
        keys = list(dict.fromkeys(k for k in row["recipients"].split("；") if k))
        answered = 0
        for key in keys:
            acks = sorted((a for a in db["acknowledgements"] if a["warning"] == name and a["recipient"] == key
                           and issued <= ms(a["reported_at"]) <= t), key=later)
            attempts, when = 0, None
            for a in acks:
                if a["how"] == "no_answer":
                    attempts += 1
                else:
                    when = ms(a["reported_at"])
                    break
            answered += when is not None
            recipients.append({"warning": name, "recipient": key, "answered_ms": when, "attempts": attempts,
                               "waiting_min": 0.0 if when is not None else (t - issued) / MINUTE,
                               "overdue": when is None and t - issued >= 30 * MINUTE})
        warnings.append({"name": name, "level": row["level"], "recipients": keys, "answered": answered,
                         "total": len(keys)})
    recipients.sort(key=lambda r: (r["answered_ms"] is not None, -r["waiting_min"], r["answered_ms"] or 0,
                                   r["warning"], r["recipient"]))

    forces = [f for f in db["forces"] if ms(f["reported_at"]) <= t]
    by_status = {s: sum(i["status"] == s for i in incidents) for s in STATUSES}
    by_kind: dict[str, int] = defaultdict(int)
    for i in incidents:
        by_kind[i["kind"]] += 1
    teams_committed = len(committed)
    personnel = sum(c[0] for c in committed.values())
    return {
        "incidents": incidents,
        "pairs": {k: tuple(v) for k, v in at_pair.items()},
        "committed": {f: tuple(v) for f, v in committed.items()},
        "warnings": warnings,
        "recipients": recipients,
        "totals": {
            "incidents": {
                "total": len(incidents), "by_status": by_status,
                "uncontrolled": by_status["reported"] + by_status["handling"], "by_kind": dict(by_kind),
                **{f: sum(i[f] for i in incidents) for f in ("threatened", "trapped", "rescued")},
            },
            "dispatch": {
                "teams_committed": teams_committed, "personnel_committed": personnel,
                "vehicles_committed": sum(c[1] for c in committed.values()),
                "boats_committed": sum(c[2] for c in committed.values()),
                "teams_available": max(0, len(forces) - teams_committed),
                "personnel_available": max(0, sum(f["personnel"] for f in forces) - personnel),
            },
            "warnings": {
                "active": len(warnings),
                "by_level": {lv: n for lv in LEVELS if (n := sum(w["level"] == lv for w in warnings))},
                "recipients": len(recipients),
                "answered": sum(r["answered_ms"] is not None for r in recipients),
                "unanswered": sum(r["answered_ms"] is None for r in recipients),
                "overdue": sum(r["overdue"] for r in recipients),
                "answer_minutes": 30,
            },
        },
    }


def shown(ops: Any) -> dict[str, Any]:
    """What the engine shows of a moment, in the reference's terms."""
    return {
        "incidents": [{"name": i["name"], "kind": i["kind"], "status": i["status"],
                       **{f: i[f] for f in ("threatened", "trapped", "rescued")}} for i in ops.incidents],
        "pairs": {(d["force"], d["incident"]): (d["personnel"], d["vehicles"], d["boats"]) for d in ops.dispatches},
        "committed": {f: (c["personnel"], c["vehicles"], c["boats"]) for f, c in ops.committed.items()},
        "warnings": [{"name": w["name"], "level": w["level"], "recipients": w["recipients"],
                      "answered": w["answered"], "total": w["total"]} for w in ops.warnings],
        "recipients": [{k: r[k] for k in ("warning", "recipient", "answered_ms", "attempts", "waiting_min",
                                          "overdue")} for r in ops.recipients],
    }


def assert_same(location: Any, ws: Workspace, probes: list[str] = PROBES) -> None:
    db = tables(location)
    eng = situation.engine(ws)
    fresh = situation.Engine(situation._Source(ws))
    fresh.refresh()
    for at in probes:
        want = reference(db, at)
        sit = as_of(ws, at)
        got = shown(sit.operations)
        # incidents in report order: the reference keeps fid order, so compare as sets of rows by name
        key = lambda i: (i["name"], i["kind"], i["status"], i["threatened"], i["trapped"], i["rescued"])  # noqa: E731
        assert sorted(got["incidents"], key=key) == sorted(want["incidents"], key=key), at
        assert got["pairs"] == want["pairs"], at
        assert got["committed"] == want["committed"], at
        assert sorted(got["warnings"], key=lambda w: w["name"]) == want["warnings"], at
        assert got["recipients"] == want["recipients"], at
        totals = sit.totals()
        for part in ("incidents", "dispatch", "warnings"):
            assert totals[part] == want["totals"][part], (at, part)
        # a fresh fold of the same records: the same moment and the same sums
        t = situation._ms(at)
        assert shown(fresh.ops.at(t)) == got, at
        assert fresh.ops.at(t).incidents == sit.operations.incidents, at  # every field, as the build reads it
        for k, v in fresh.ops.sums(t).items():
            assert np.allclose(eng.ops.sums(t)[k], v), (at, k)
    assert_curves(ws)


def assert_curves(ws: Workspace) -> None:
    """The dashboard's curves are the moments' totals, sampled in one pass."""
    tl = series(ws)
    paths = {("incidents", "uncontrolled"): ("incidents", "uncontrolled"),
             ("dispatch", "personnel_committed"): ("dispatch", "personnel_committed"),
             ("dispatch", "teams_committed"): ("dispatch", "teams_committed"),
             ("warnings", "active"): ("warnings", "active"),
             ("warnings", "answered"): ("warnings", "answered"),
             ("warnings", "overdue"): ("warnings", "overdue")}
    for i, at in enumerate(tl.times):
        tot = as_of(ws, at).totals()
        for path, (a, b) in paths.items():
            assert tl.get(*path)[i] == tot[a][b], (at, path)
        for s in STATUSES:
            assert tl.get("incidents", "by_status", s)[i] == tot["incidents"]["by_status"][s]


# ---------------------------------------------------------------- random record sets
when = st.sampled_from(TIMES)
incident_op = st.tuples(st.just("incident"), st.sampled_from(INCIDENTS), st.sampled_from(KINDS),
                        st.one_of(st.none(), st.integers(0, 500)), st.one_of(st.none(), st.integers(0, 50)), when)
status_op = st.tuples(st.just("status"), st.sampled_from(INCIDENTS), st.sampled_from(STATUSES),
                      st.one_of(st.none(), st.integers(0, 400)), st.one_of(st.none(), st.integers(0, 30)),
                      st.one_of(st.none(), st.integers(0, 30)), when)
dispatch_op = st.tuples(st.just("dispatch"), st.sampled_from(FORCE_NAMES), st.sampled_from(INCIDENTS),
                        st.sampled_from(["send", "send", "recall"]), st.integers(0, 60),
                        st.one_of(st.none(), st.integers(0, 4)), st.one_of(st.none(), st.integers(0, 3)), when)
warning_op = st.tuples(st.just("warning"), st.sampled_from(WARNINGS), st.sampled_from(LEVELS),
                       st.lists(st.sampled_from(KEYS), min_size=1, max_size=4, unique=True), when,
                       st.one_of(st.none(), when))
ack_op = st.tuples(st.just("ack"), st.sampled_from(WARNINGS), st.sampled_from(KEYS),
                   st.sampled_from(["phone", "sms", "no_answer", "no_answer"]), when)
read_op = st.tuples(st.just("read"))
warm_op = st.tuples(st.just("warm"))  # the window's worker working the fold out ahead while idle
# the fold built anew from the records so far (a workspace opened again), then caught up record by record:
# what the build puts in at once (every recipient's steps as arrays) is changed one record at a time
refold_op = st.tuples(st.just("refold"))
script_st = st.lists(st.one_of(incident_op, status_op, status_op, dispatch_op, dispatch_op, dispatch_op,
                               warning_op, ack_op, ack_op, ack_op, read_op, warm_op, refold_op),
                     min_size=1, max_size=30)


def insert(ws: Workspace, op: tuple[Any, ...]) -> str:
    kind = op[0]
    if kind == "incident":
        _, name, k, threatened, trapped, at = op
        ws.insert("incidents", [{"name": name, "kind": k, "severity": "general", "threatened": threatened,
                                 "trapped": trapped, "reported_at": at, "geometry": POINT}])
        return "incidents"
    if kind == "status":
        _, name, s, threatened, trapped, rescued, at = op
        ws.insert("incident_status", [{"incident": name, "status": s, "threatened": threatened, "trapped": trapped,
                                       "rescued": rescued, "reported_at": at}])
        return "incident_status"
    if kind == "dispatch":
        _, force, incident, action, men, cars, boats, at = op
        ws.insert("dispatches", [{"force": force, "incident": incident, "action": action, "personnel": men,
                                  "vehicles": cars, "boats": boats, "reported_at": at}])
        return "dispatches"
    if kind == "warning":
        _, name, level, keys, at, ends = op
        ws.insert("warnings", [{"name": name, "level": level, "kind": "rain", "recipients": "；".join(keys),
                                "reported_at": at, "ends_at": ends}])
        return "warnings"
    _, name, key, how, at = op
    ws.insert("acknowledgements", [{"warning": name, "recipient": key, "how": how, "reported_at": at}])
    return "acknowledgements"


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(script=script_st)
def test_fold_equals_recomputation(tmp_path_factory, backend, request, script):
    location = _new_location(backend, request, tmp_path_factory)
    with Workspace.create(location) as ws:
        ws.insert("forces", [{"name": n, "category": "fire", "personnel": men, "status": "on_duty",
                              "reported_at": TIMES[0], "geometry": POINT} for n, men in FORCES.items()])
        ws.insert("incidents", [{"name": INCIDENTS[0], "kind": "piping", "severity": "general", "threatened": 10,
                                 "reported_at": TIMES[1], "geometry": POINT}])
        as_of(ws, STORED[0])  # the engine built: from here on records are caught up one by one
        for op in script:
            if op[0] == "read":
                assert_same(location, ws, [STORED[2], STORED[-1]])
                continue
            if op[0] == "warm":
                assert sum(1 for _ in situation.warm_up(ws)) >= sum(map(len, situation.engine(ws).ops.warnings.values()))
                continue
            if op[0] == "refold":
                situation._ENGINES.pop(ws, None)
                situation.engine(ws)
                continue
            before = situation.engine(ws).ops
            key = insert(ws, op)
            assert situation.engine(ws).ops is before, key  # folded in, the operations not folded again
        assert_same(location, ws)


def test_records_one_by_one_equal_a_fresh_fold_after_each(ws_location):
    """A fixed day entered in a muddled order, checked after every record: corrections, late reports, closings."""
    script = [
        ("incident", INCIDENTS[1], "overtopping", 300, 12, TIMES[2]),
        ("status", INCIDENTS[0], "handling", None, None, None, TIMES[2]),
        ("dispatch", "消防一队", INCIDENTS[0], "send", 30, 2, None, TIMES[3]),
        ("dispatch", "舟桥分队", INCIDENTS[1], "send", 60, None, 3, TIMES[3]),
        ("status", INCIDENTS[0], "closed", None, None, 5, TIMES[5]),
        ("status", INCIDENTS[0], "handling", None, None, None, TIMES[5]),  # same time: no closing after all
        ("dispatch", "消防一队", INCIDENTS[0], "recall", 50, None, None, TIMES[4]),  # more than it has
        ("dispatch", "消防一队", INCIDENTS[0], "send", 10, None, None, TIMES[6]),
        ("status", INCIDENTS[1], "closed", None, 0, 12, TIMES[6]),
        ("status", INCIDENTS[1], "handling", None, None, None, TIMES[7]),  # reopened: nobody until sent
        ("dispatch", "舟桥分队", INCIDENTS[1], "send", 5, None, None, TIMES[4]),  # late report, before the closing
        ("warning", WARNINGS[0], "yellow", ["淇县", "浚县"], TIMES[0], None),
        ("ack", WARNINGS[0], "浚县", "phone", TIMES[0]),
        ("refold",),  # opened again: the recipients' steps put in at once, then changed one by one
        ("ack", WARNINGS[0], "淇县", "no_answer", TIMES[1]),
        ("ack", WARNINGS[0], "淇县", "sms", TIMES[3]),
        ("warning", WARNINGS[0], "red", ["淇县", "淇县/北阳镇"], TIMES[4], TIMES[7]),  # re-issued: answer again
        ("ack", WARNINGS[0], "淇县/北阳镇", "phone", TIMES[1]),  # before the re-issue: does not count
        ("ack", WARNINGS[0], "淇县/北阳镇", "phone", TIMES[6]),
        ("warning", WARNINGS[1], "blue", ["hazards:石林村滑坡"], TIMES[2], TIMES[4]),
    ]
    with Workspace.create(ws_location) as ws:
        ws.insert("forces", [{"name": n, "category": "army", "personnel": men, "status": "on_duty",
                              "reported_at": TIMES[0], "geometry": POINT} for n, men in FORCES.items()])
        ws.insert("incidents", [{"name": INCIDENTS[0], "kind": "piping", "severity": "general", "threatened": 10,
                                 "reported_at": TIMES[1], "geometry": POINT}])
        as_of(ws, STORED[0])
        for op in script:
            if op[0] == "refold":
                situation._ENGINES.pop(ws, None)
                situation.engine(ws)
                continue
            before = situation.engine(ws).ops
            key = insert(ws, op)
            assert_same(ws_location, ws)
            assert situation.engine(ws).ops is before, key
        noon, half_past_nine = as_of(ws, STORED[-1]).operations, as_of(ws, STORED[6]).operations
    # the hand check: at 12:00 the reopened 共渠漫溢 has nobody, the re-issued warning is lifted
    assert {(d["force"], d["incident"]): d["personnel"] for d in noon.dispatches} == {("消防一队", INCIDENTS[0]): 10}
    assert noon.recipients == [] and noon.warnings == []
    # at 09:30: 淇县's 06:50 answer was before the 07:00 re-issue; 北阳镇 answered at 09:30
    assert [(r["recipient"], r["answered_ms"] is not None) for r in half_past_nine.recipients] == [
        ("淇县", False), ("淇县/北阳镇", True)]
    assert {(d["force"], d["incident"]): d["personnel"] for d in half_past_nine.dispatches} == {
        ("消防一队", INCIDENTS[0]): 10}


# ---------------------------------------------------------------- the build's recipients, at once
_ms_st = st.one_of(st.sampled_from(STORED), st.just("昨天下午"), st.none())  # (a time no one can read, none)
_warning_row_st = st.tuples(st.sampled_from(WARNINGS), st.lists(st.sampled_from(KEYS), min_size=0, max_size=4),
                            _ms_st, st.one_of(st.none(), st.sampled_from(STORED)))
_ack_row_st = st.tuples(st.sampled_from(WARNINGS), st.sampled_from(KEYS),
                        st.sampled_from(["phone", "sms", "no_answer", None]), _ms_st)


@settings(max_examples=60, deadline=None)
@given(warnings=st.lists(_warning_row_st, max_size=6), acks=st.lists(_ack_row_st, max_size=12))
def test_recipients_at_once_equal_one_by_one(warnings, acks):
    """The build works every recipient's steps out with arrays (``_all_recipient_entities``); each is
    what the walk for one recipient gives (``_recipient_entities``, which an answer entered runs), also
    for rows with a time no one can read and re-issues at one time."""
    from floodpost.data.situation.operations import _R_WIDTH, OperationsFold, _Contrib

    rows = {
        "warnings": [{"fid": i + 1, "name": n, "level": "blue", "recipients": "；".join(k), "reported_at": at,
                      "ends_at": ends} for i, (n, k, at, ends) in enumerate(warnings)],
        "acknowledgements": [{"fid": i + 1, "warning": w, "recipient": k, "how": how, "reported_at": at}
                             for i, (w, k, how, at) in enumerate(acks)],
    }
    # in the tables' order, (report time, fid), as the engine reads them
    for key in rows:
        rows[key].sort(key=lambda r: (situation._ms(r["reported_at"]), r["fid"]))
    fold = OperationsFold(rows, situation._ms)
    walked = _Contrib(_R_WIDTH)
    built, fold.recipient_sums = fold.recipient_sums, walked
    for name, keys in fold._recipients(fold.warnings):
        fold._recipient_entities(name, keys)
    walked.finish()
    for entity, deltas in walked.entities.items():
        assert built.deltas(entity) == deltas, entity
    times = np.unique(np.concatenate([walked.steps.times, built.steps.times]))
    assert np.array_equal(walked.sample(times), built.sample(times))
