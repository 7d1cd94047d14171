"""Operations as of a moment against hand-computed figures: incidents, dispatches, warnings, answers.

One day's records (Beijing time) on both back ends; every figure below is
worked out by hand from the rules in ``situation/operations.py``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import shapely

from floodpost.cli import main
from floodpost.data import situation
from floodpost.data.situation import as_of
from floodpost.data.situation.tally import TallyRejected, check_entry, entry
from floodpost.data.workspace import Where, Workspace
from tests.conftest import fingerprint

DAY = "2021-07-22T"
P = shapely.Point(114.3, 35.7)
FIRE, ARMY = "消防一队", "舟桥分队"
A, B, C = "卫河管涌", "共渠漫溢", "石林滑坡"
W1, W2 = "暴雨预警", "河道洪水预警"
QX, XX, VIL, BY, GC = "淇县", "浚县", "淇县/北阳镇/油城村", "淇县/北阳镇", "淇县/高村镇"


def status(incident: str, hour: str, st: str, **figures: int) -> dict[str, Any]:
    return {"incident": incident, "status": st, "reported_at": DAY + hour, **figures}


def send(force: str, incident: str, hour: str, personnel: int, action: str = "send", **more: Any) -> dict[str, Any]:
    return {"force": force, "incident": incident, "action": action, "personnel": personnel,
            "reported_at": DAY + hour, **more}


def ack(warning: str, recipient: str, hour: str, how: str = "phone") -> dict[str, Any]:
    return {"warning": warning, "recipient": recipient, "how": how, "reported_at": DAY + hour}


@pytest.fixture
def ws_path(ws_location: Path) -> Path:
    path = ws_location
    with Workspace.create(path) as ws:
        ws.insert("forces", [
            {"name": FIRE, "category": "fire", "personnel": 50, "vehicles": 5, "boats": 4, "status": "on_duty",
             "reported_at": DAY + "06:00", "geometry": P},
            {"name": ARMY, "category": "army", "personnel": 200, "boats": 30, "status": "mobile",
             "reported_at": DAY + "06:00", "geometry": P},
        ])
        ws.insert("incidents", [
            {"name": A, "kind": "piping", "severity": "large", "threatened": 100, "reported_at": DAY + "08:00",
             "geometry": P},
            {"name": B, "kind": "overtopping", "severity": "major", "threatened": 500, "trapped": 20,
             "reported_at": DAY + "09:00", "geometry": P},
            {"name": C, "kind": "landslide", "severity": "general", "reported_at": DAY + "13:00", "geometry": P},
        ])
        for r in [status(A, "08:30", "handling"), status(B, "10:00", "handling", trapped=15, rescued=5),
                  status(B, "11:00", "handling", threatened=400), status(A, "12:00", "controlled"),
                  # closed at 14:00, and corrected at the same time: it never was closed
                  status(B, "14:00", "closed", rescued=20), status(B, "14:00", "handling"),
                  status(A, "16:00", "closed"), status(A, "18:00", "handling")]:
            ws.insert("incident_status", [r])
        for r in [send(FIRE, A, "08:40", 20, vehicles=2, task="压渗"),
                  send(FIRE, B, "09:30", 20, boats=4, task="转移群众"),
                  send(ARMY, B, "09:30", 100, boats=10, task="抢筑子堤"),
                  send(ARMY, B, "12:00", 40, "recall", boats=5),
                  send(FIRE, A, "13:00", 5, "recall"),
                  send(FIRE, A, "18:30", 10, task="复查"),
                  send(ARMY, C, "20:00", 100, "recall"),  # more than it has there: everyone back
                  send(ARMY, C, "21:00", 10, task="监测")]:
            ws.insert("dispatches", [r])
        ws.insert("warnings", [
            {"name": W1, "level": "yellow", "kind": "rain", "recipients": f"{QX}；{XX}；{VIL}",
             "reported_at": DAY + "08:00"},
            {"name": W2, "level": "orange", "kind": "river", "recipients": BY, "reported_at": DAY + "08:20",
             "ends_at": DAY + "12:00"},
        ])
        for r in [ack(W1, QX, "08:10"), ack(W1, XX, "08:15", "no_answer"), ack(W1, XX, "08:50", "sms"),
                  ack(W1, VIL, "07:50", "in_person")]:  # answered before the issue: does not count
            ws.insert("acknowledgements", [r])
        # re-issued as red at 10:00: 浚县 off, 高村镇 on, everyone to answer again
        ws.insert("warnings", [{"name": W1, "level": "red", "kind": "rain", "recipients": f"{QX}；{VIL}；{GC}",
                                "reported_at": DAY + "10:00"}])
        for r in [ack(W1, QX, "10:05"), ack(W1, VIL, "11:00", "no_answer"), ack(W1, VIL, "12:10", "in_person")]:
            ws.insert("acknowledgements", [r])
        # a late report: entered last, about 13:30
        ws.insert("dispatches", [send(ARMY, C, "13:30", 30, task="搜救")])
    return path


def ops_at(ws: Workspace, hour: str) -> Any:
    return as_of(ws, DAY + hour).operations


def totals(ws: Workspace, hour: str) -> dict[str, Any]:
    return as_of(ws, DAY + hour).totals()


def test_incidents_status_over_time(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        assert totals(ws, "07:59")["incidents"]["total"] == 0
        by_hour = {h: totals(ws, h)["incidents"] for h in ("08:00", "09:00", "10:00", "12:00", "14:00", "16:00",
                                                            "18:00")}
        listed = {h: {i["name"]: i["status"] for i in ops_at(ws, h).incidents} for h in ("08:00", "14:00", "17:00")}
        at_1430 = {i["name"]: i for i in ops_at(ws, "14:30").incidents}
    assert by_hour["08:00"]["by_status"] == {"reported": 1, "handling": 0, "controlled": 0, "closed": 0}
    assert by_hour["09:00"]["by_status"] == {"reported": 1, "handling": 1, "controlled": 0, "closed": 0}
    assert by_hour["12:00"]["by_status"] == {"reported": 0, "handling": 1, "controlled": 1, "closed": 0}
    # 14:00: B's "closed" was corrected at the same time to "handling"; C reported at 13:00
    assert by_hour["14:00"]["by_status"] == {"reported": 1, "handling": 1, "controlled": 1, "closed": 0}
    assert by_hour["14:00"]["uncontrolled"] == 2
    assert by_hour["16:00"]["by_status"] == {"reported": 1, "handling": 1, "controlled": 0, "closed": 1}
    assert by_hour["18:00"]["by_status"] == {"reported": 1, "handling": 2, "controlled": 0, "closed": 0}
    assert by_hour["18:00"]["by_kind"] == {"piping": 1, "overtopping": 1, "landslide": 1}
    assert listed == {"08:00": {A: "reported"}, "14:00": {A: "controlled", B: "handling", C: "reported"},
                      "17:00": {A: "closed", B: "handling", C: "reported"}}
    # figures: the latest record giving each, else the incident's own
    assert (by_hour["09:00"]["threatened"], by_hour["09:00"]["trapped"], by_hour["09:00"]["rescued"]) == (600, 20, 0)
    assert (by_hour["10:00"]["threatened"], by_hour["10:00"]["trapped"], by_hour["10:00"]["rescued"]) == (600, 15, 5)
    assert (by_hour["12:00"]["threatened"], by_hour["12:00"]["trapped"], by_hour["12:00"]["rescued"]) == (500, 15, 5)
    # 14:00's correction gives no figures: the first 14:00 record's rescued=20 is the latest given
    assert by_hour["14:00"]["rescued"] == 20
    a, b, c = at_1430[A], at_1430[B], at_1430[C]
    assert (a["status"], a["uncontrolled"], a["age_min"]) == ("controlled", False, 390.0)
    assert a["status_ms"] == situation._ms(situation.to_storage(DAY + "12:00"))
    assert (b["status"], b["uncontrolled"], b["threatened"], b["trapped"], b["rescued"]) == \
        ("handling", True, 400, 15, 20)
    assert (c["status"], c["age_min"], c["threatened"]) == ("reported", 90.0, 0)


def test_dispatches_send_recall_close_and_reopen(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        def pairs(hour: str) -> dict[tuple[str, str], tuple[int, int, int]]:
            return {(d["force"], d["incident"]): (d["personnel"], d["vehicles"], d["boats"])
                    for d in ops_at(ws, hour).dispatches}

        got = {h: pairs(h) for h in ("08:39", "08:40", "10:00", "12:00", "13:00", "14:30", "16:00", "18:00",
                                     "19:00", "20:30", "21:00")}
        at_1430 = {(d["force"], d["incident"]): d for d in ops_at(ws, "14:30").dispatches}
        incidents = {i["name"]: (i["forces"], i["personnel_on_site"]) for i in ops_at(ws, "14:30").incidents}
    assert got["08:39"] == {}
    assert got["08:40"] == {(FIRE, A): (20, 2, 0)}
    assert got["10:00"] == {(FIRE, A): (20, 2, 0), (FIRE, B): (20, 0, 4), (ARMY, B): (100, 0, 10)}
    assert got["12:00"] == {(FIRE, A): (20, 2, 0), (FIRE, B): (20, 0, 4), (ARMY, B): (60, 0, 5)}
    assert got["13:00"] == {(FIRE, A): (15, 2, 0), (FIRE, B): (20, 0, 4), (ARMY, B): (60, 0, 5)}
    # the late report about 13:30 counts from 13:30; B's corrected closing brought nobody back
    assert got["14:30"] == {(FIRE, A): (15, 2, 0), (FIRE, B): (20, 0, 4), (ARMY, B): (60, 0, 5), (ARMY, C): (30, 0, 0)}
    # A closed at 16:00: its team is back; reopened at 18:00 it has nobody until the 18:30 send
    assert got["16:00"] == {(FIRE, B): (20, 0, 4), (ARMY, B): (60, 0, 5), (ARMY, C): (30, 0, 0)}
    assert got["18:00"] == got["16:00"]
    assert got["19:00"] == {**got["16:00"], (FIRE, A): (10, 0, 0)}
    # a recall of 100 from C, which had 30: none left, and the 21:00 send counts in full
    assert (ARMY, C) not in got["20:30"]
    assert got["21:00"][(ARMY, C)] == (10, 0, 0)
    assert at_1430[(FIRE, A)]["task"] == "压渗" and at_1430[(ARMY, C)]["task"] == "搜救"
    assert at_1430[(ARMY, B)]["since"] == situation.to_storage(DAY + "09:30")
    assert incidents == {A: ([FIRE], 15), B: ([FIRE, ARMY], 80), C: ([ARMY], 30)}


def test_forces_committed_and_available(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        d = {h: totals(ws, h)["dispatch"] for h in ("08:00", "10:00", "14:30", "16:00", "20:30")}
        committed = ops_at(ws, "14:30").committed
    assert d["08:00"] == {"teams_committed": 0, "personnel_committed": 0, "vehicles_committed": 0,
                          "boats_committed": 0, "teams_available": 2, "personnel_available": 250}
    assert d["10:00"] == {"teams_committed": 2, "personnel_committed": 140, "vehicles_committed": 2,
                          "boats_committed": 14, "teams_available": 0, "personnel_available": 110}
    assert committed == {FIRE: {"personnel": 35, "vehicles": 2, "boats": 4},
                         ARMY: {"personnel": 90, "vehicles": 0, "boats": 5}}
    assert (d["14:30"]["personnel_committed"], d["14:30"]["personnel_available"]) == (125, 125)
    assert (d["16:00"]["personnel_committed"], d["16:00"]["boats_committed"]) == (110, 9)
    assert (d["20:30"]["personnel_committed"], d["20:30"]["teams_committed"]) == (90, 2)  # 20 + 10 + 60


def test_warnings_reissue_lift_and_answers(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        w = {h: totals(ws, h)["warnings"] for h in ("07:59", "08:25", "09:00", "10:30", "12:00", "12:30")}
        at_1030 = {x["name"]: x for x in ops_at(ws, "10:30").warnings}
        recips = {h: {(r["warning"], r["recipient"]): r for r in ops_at(ws, h).recipients} for h in ("09:00", "12:30")}
    assert w["07:59"]["active"] == 0 and w["07:59"]["recipients"] == 0
    assert {k: w["08:25"][k] for k in ("active", "by_level", "recipients", "answered", "unanswered", "overdue")} == \
        {"active": 2, "by_level": {"yellow": 1, "orange": 1}, "recipients": 4, "answered": 1, "unanswered": 3,
         "overdue": 0}
    assert (w["09:00"]["answered"], w["09:00"]["unanswered"], w["09:00"]["overdue"]) == (2, 2, 2)
    # re-issued red at 10:00: 淇县's 08:10 answer no longer counts, it answered again at 10:05
    assert {k: w["10:30"][k] for k in ("active", "by_level", "recipients", "answered", "unanswered", "overdue")} == \
        {"active": 2, "by_level": {"red": 1, "orange": 1}, "recipients": 4, "answered": 1, "unanswered": 3,
         "overdue": 3}
    assert at_1030[W1]["recipients"] == [QX, VIL, GC] and (at_1030[W1]["answered"], at_1030[W1]["total"]) == (1, 3)
    # W2 lifted at 12:00
    assert (w["12:00"]["active"], w["12:00"]["by_level"], w["12:00"]["recipients"]) == (1, {"red": 1}, 3)
    assert (w["12:30"]["answered"], w["12:30"]["unanswered"], w["12:30"]["overdue"]) == (2, 1, 1)
    xx = recips["09:00"][(W1, XX)]
    assert (xx["attempts"], xx["ack"]["how"], xx["waiting_min"]) == (1, "sms", 0.0)
    assert xx["answered_ms"] == situation._ms(situation.to_storage(DAY + "08:50"))
    vil = recips["09:00"][(W1, VIL)]
    assert (vil["answered_ms"], vil["attempts"], vil["waiting_min"], vil["overdue"]) == (None, 0, 60.0, True)
    vil = recips["12:30"][(W1, VIL)]
    assert (vil["attempts"], vil["ack"]["how"]) == (1, "in_person")
    assert (W1, XX) not in recips["12:30"] and (W2, BY) not in recips["12:30"]


def test_unanswered_list_longest_waiting_first(ws_path: Path) -> None:
    def listed(ws: Workspace, hour: str) -> list[tuple[str, str, float | None, bool]]:
        return [(r["warning"], r["recipient"], None if r["answered_ms"] else r["waiting_min"], r["overdue"])
                for r in ops_at(ws, hour).recipients]

    with Workspace.open(ws_path) as ws:
        got = {h: listed(ws, h) for h in ("08:25", "09:00", "10:30", "12:30")}
    assert got["08:25"] == [(W1, XX, 25.0, False), (W1, VIL, 25.0, False), (W2, BY, 5.0, False),
                            (W1, QX, None, False)]
    assert got["09:00"] == [(W1, VIL, 60.0, True), (W2, BY, 40.0, True), (W1, QX, None, False),
                            (W1, XX, None, False)]
    assert got["10:30"] == [(W2, BY, 130.0, True), (W1, VIL, 30.0, True), (W1, GC, 30.0, True),
                            (W1, QX, None, False)]
    assert got["12:30"] == [(W1, GC, 150.0, True), (W1, QX, None, False), (W1, VIL, None, False)]


def test_overdue_after_thirty_minutes(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        overdue = {h: totals(ws, h)["warnings"]["overdue"] for h in ("08:29", "08:30", "08:49", "08:50", "08:51")}
        eng = situation.engine(ws)
        t = situation._ms(situation.to_storage(DAY + "08:25"))
        ten = [(r["recipient"], r["overdue"]) for r in eng.ops.at(t, minutes=10).recipients]
    # 浚县 and 油城村 from 08:30; 北阳镇 (issued 08:20) from 08:50, when 浚县 answered
    assert overdue == {"08:29": 0, "08:30": 2, "08:49": 2, "08:50": 2, "08:51": 2}
    assert ten == [(XX, True), (VIL, True), (BY, False), (QX, False)]


def test_info_json_at_carries_operations(ws_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def info(at: str) -> dict[str, Any]:
        assert main(["info", str(ws_path), "--json", "--at", at]) == 0
        return json.loads(capsys.readouterr().out)["totals"]

    early, late = info("2021-07-22T10:30"), info("2021-07-22T16:00")
    assert early["incidents"]["by_status"] == {"reported": 0, "handling": 2, "controlled": 0, "closed": 0}
    assert early["dispatch"]["personnel_committed"] == 140 and early["dispatch"]["personnel_available"] == 110
    assert (early["warnings"]["recipients"], early["warnings"]["answered"], early["warnings"]["overdue"]) == (4, 1, 3)
    assert late["incidents"]["by_status"]["closed"] == 1 and late["incidents"]["uncontrolled"] == 2
    assert late["dispatch"] == {"teams_committed": 2, "personnel_committed": 110, "vehicles_committed": 0,
                                "boats_committed": 9, "teams_available": 0, "personnel_available": 140}
    assert late["warnings"]["active"] == 1 and late["warnings"]["answer_minutes"] == 30


# ---------------------------------------------------------------- entry checks
def errors(issues: list[Any]) -> list[tuple[str | None, str]]:
    return [(i.field, str(i.message)) for i in issues if i.level == "error"]


def test_a_send_beyond_the_free_personnel_is_refused(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        # 10:00: 消防一队 has 20 at 卫河管涌 and 20 at 共渠漫溢 of its 50
        assert errors(check_entry(ws, "dispatches", send(FIRE, A, "10:00", 11))) == [
            ("personnel", "消防一队 has 10 personnel free at 10:00 (40 of 50 already out): cannot send 11")]
        assert check_entry(ws, "dispatches", send(FIRE, C, "14:00", 10)) == []
        # 16:00: 卫河管涌 closed, its 15 back: 30 free; but at 18:30 it sends 10 there again
        assert errors(check_entry(ws, "dispatches", send(FIRE, B, "16:00", 20))) == []
        assert errors(check_entry(ws, "dispatches", send(FIRE, B, "16:00", 30))) == [
            ("personnel", "消防一队 would have 60 out by 18:30, more than its 50: cannot send 30")]
        assert errors(check_entry(ws, "dispatches", send(FIRE, B, "16:00", 31))) == [
            ("personnel", "消防一队 has 30 personnel free at 16:00 (20 of 50 already out): cannot send 31")]


def test_a_late_send_may_not_overcommit_the_force_under_later_sends(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        # 08:45: 20 out, 30 free; but at 09:30 it sends another 20 to 共渠漫溢
        assert errors(check_entry(ws, "dispatches", send(FIRE, B, "08:45", 25))) == [
            ("personnel", "消防一队 would have 65 out by 09:30, more than its 50: cannot send 25")]
        assert errors(check_entry(ws, "dispatches", send(FIRE, B, "08:45", 10))) == []


def test_a_recall_beyond_what_is_there_is_refused(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        assert errors(check_entry(ws, "dispatches", send(ARMY, B, "12:30", 61, "recall"))) == [
            ("personnel", "舟桥分队 has 60 at 共渠漫溢 at 12:30: cannot recall 61")]
        assert check_entry(ws, "dispatches", send(ARMY, B, "12:30", 60, "recall")) == []
        # after 卫河管涌's closing nobody is there to recall
        assert errors(check_entry(ws, "dispatches", send(FIRE, A, "17:00", 1, "recall"))) == [
            ("personnel", "消防一队 has 0 at 卫河管涌 at 17:00: cannot recall 1")]


def test_unknown_names_are_refused(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        assert errors(check_entry(ws, "dispatches", send("第九分队", "无名险情", "10:00", 5))) == [
            ("force", "第九分队 is not a force on the map (not in the forces layer)"),
            ("incident", "无名险情 is not an incident on the map (not in the incidents layer)")]
        assert errors(check_entry(ws, "incident_status", status("无名险情", "10:00", "handling"))) == [
            ("incident", "无名险情 is not an incident on the map (not in the incidents layer)")]
        assert check_entry(ws, "incident_status", status(A, "10:00", "handling")) == []
        assert errors(check_entry(ws, "acknowledgements", ack("无名预警", QX, "10:00"))) == [
            ("warning", "无名预警 is not a warning issued in this workspace")]
        # 浚县 was on the 08:00 issue, not on the 10:00 re-issue
        assert check_entry(ws, "acknowledgements", ack(W1, XX, "09:00")) == []
        assert errors(check_entry(ws, "acknowledgements", ack(W1, XX, "10:30"))) == [
            ("recipient", "浚县 is not a recipient of 暴雨预警 as issued at 10:00")]
        assert errors(check_entry(ws, "acknowledgements", ack(W1, "淇县／北阳镇／油城村", "10:30"))) == []
        assert errors(check_entry(ws, "acknowledgements", ack(W2, BY, "08:00"))) == [
            ("reported_at", "河道洪水预警 was issued only at 08:20: an answer before it does not count")]


def test_a_force_not_yet_there_or_withdrawn_is_refused_a_closed_incident_warns(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        assert errors(check_entry(ws, "dispatches", send(FIRE, A, "05:00", 1))) == [
            ("force", "消防一队 is not yet reported at 05:00")]
        issues = check_entry(ws, "dispatches", send(FIRE, A, "17:00", 5))
        assert [(i.level, i.field, str(i.message)) for i in issues] == [
            ("warning", "incident", "卫河管涌 is closed at 17:00: the team counts only once it is reopened")]
        fid = int(ws.read("forces", [Where("name", "=", ARMY)], columns=["name"], geometry=False).index[0])
        ws.update("forces", fid, {"status": "withdrawn"})
        # the edit is logged now: as of now the team has withdrawn, as of 2021 it had not
        assert errors(check_entry(ws, "dispatches", {**send(ARMY, C, "00:00", 1), "reported_at": "2030-01-01T00:00"})) == [
            ("force", "舟桥分队 has withdrawn by 00:00")]
        assert errors(check_entry(ws, "dispatches", send(ARMY, C, "14:00", 1))) == []


def test_a_refused_dispatch_writes_nothing(ws_path: Path) -> None:
    before = fingerprint(ws_path)
    with Workspace.open(ws_path) as ws:
        with pytest.raises(TallyRejected) as exc:
            entry(ws, "dispatches", send(FIRE, A, "10:00", 11))
        assert exc.value.column == "personnel" and "cannot send 11" in str(exc.value)
        with pytest.raises(TallyRejected):
            entry(ws, "acknowledgements", ack(W1, XX, "10:30"))
    assert fingerprint(ws_path) == before
    with Workspace.open(ws_path) as ws:
        fid = entry(ws, "dispatches", send(FIRE, A, "10:00", 10))
        assert ws.rows("dispatches", fid, fid)[0]["personnel"] == 10
        assert {(d["force"], d["incident"]): d["personnel"] for d in ops_at(ws, "10:00").dispatches}[(FIRE, A)] == 30
