"""A small workspace of incidents, dispatches, warnings and answers whose figures are worked out by hand.

Shared by the dashboard, brief, press-page and command-line tests. The names
carry hostile text (a script tag, a spreadsheet formula) that every output
must keep inert, and persons and phones that press outputs must leave out.

By hand, at 11:00 on 22 July 2021 (T1):
- incidents: 卫河堤防管涌 handling, <script> village trapped handling, 鹤山道路中断 closed
  (11:00): total 3, uncontrolled 2, threatened 500, trapped 12, rescued 0;
- dispatch: 消防大队 40 at the piping, 舟桥分队 60 and 10 boats at the trapped village:
  2 teams and 100 personnel committed, 0 teams and 200 personnel available (of 300);
- warnings: red (3 recipients: 淇县 answered 08:10, 北阳镇 08:50, 东马庄村 no answer) and
  orange (浚县 answered 10:05, 石林村滑坡 not answered): 2 active, answered 3/5,
  overdue 2 (东马庄村 waiting 180 min, 石林村滑坡 60 min).
At 17:00 (T2): piping controlled 14:00, village controlled 16:00 with 12 rescued, the fire
brigade recalled 14:30; 石林村滑坡 answered 16:00: uncontrolled 0, 1 team and 60 personnel
committed, answered 4/5, overdue 1 (东马庄村, 540 min).
A meeting is marked at 10:30 (3 uncontrolled, 3 answered, 100 committed): since it, uncontrolled -1 at T1
and -3 at T2, answered +0 and +1, personnel committed +0 and -40.
"""

from __future__ import annotations

from pathlib import Path

import shapely

DAY = "2021-07-22T"
T1 = DAY + "11:00"
T2 = DAY + "17:00"
MEETING = DAY + "10:30"
HOSTILE_VILLAGE = "<script>alert(1)</script>村人员被困"
FORMULA_PLACE = "=cmd|' /C calc'!A0"
#: persons and phones in the records, never in a brief, press page or press output
PRIVATE = ("张报告", "13912345678", "李应答", "13800000000", "王村长", "13700000000")


def build_ops_workspace(path: Path) -> Path:
    """Write the workspace described above to ``path`` (a new GeoPackage)."""
    from floodpost.data.workspace import Workspace

    pt = shapely.Point(114.30, 35.70)
    with Workspace.create(path) as ws:
        ws.insert("forces", [
            {"name": "消防大队", "category": "fire", "personnel": 100, "vehicles": 8, "status": "on_duty",
             "reported_at": DAY + "06:00", "geometry": pt},
            {"name": "舟桥分队", "category": "army", "personnel": 200, "boats": 30, "status": "mobile",
             "reported_at": DAY + "06:00", "geometry": pt},
        ])
        ws.insert("villages", [
            {"name": "东马庄村", "township": "新镇镇", "county": "浚县", "persons": 1200,
             "head_person": "王村长", "head_phone": "13700000000", "geometry": pt},
        ])
        ws.insert("incidents", [
            {"name": "卫河堤防管涌", "kind": "piping", "severity": "large", "county": "浚县",
             "place": "卫河左堤新镇段", "threatened": 500, "reporter_person": "张报告",
             "reporter_phone": "13912345678", "reported_at": DAY + "08:00", "geometry": pt},
            {"name": HOSTILE_VILLAGE, "kind": "trapped", "severity": "general", "county": "淇县",
             "place": FORMULA_PLACE, "trapped": 12, "reported_at": DAY + "09:00", "geometry": pt},
            {"name": "鹤山道路中断", "kind": "road_cut", "severity": "general", "county": "鹤山区",
             "place": "S304", "reported_at": DAY + "10:00", "geometry": pt},
        ])
        ws.insert("incident_status", [
            {"incident": "卫河堤防管涌", "status": "handling", "reported_at": DAY + "09:00"},
            {"incident": HOSTILE_VILLAGE, "status": "handling", "reported_at": DAY + "09:30"},
            {"incident": "鹤山道路中断", "status": "closed", "reported_at": DAY + "11:00"},
            {"incident": "卫河堤防管涌", "status": "controlled", "reported_at": DAY + "14:00"},
            {"incident": HOSTILE_VILLAGE, "status": "controlled", "trapped": 0, "rescued": 12,
             "reported_at": DAY + "16:00"},
        ])
        ws.insert("dispatches", [
            {"force": "消防大队", "incident": "卫河堤防管涌", "action": "send", "personnel": 40, "vehicles": 3,
             "task": "反滤围井", "reported_at": DAY + "09:00"},
            {"force": "舟桥分队", "incident": HOSTILE_VILLAGE, "action": "send", "personnel": 60, "boats": 10,
             "task": "转移被困群众", "reported_at": DAY + "09:30"},
            {"force": "消防大队", "incident": "卫河堤防管涌", "action": "recall", "personnel": 40, "vehicles": 3,
             "reported_at": DAY + "14:30"},
        ])
        ws.insert("warnings", [
            {"name": "暴雨红色预警第1号", "level": "red", "kind": "rain", "issuer": "鹤壁市防指",
             "recipients": "淇县；淇县/北阳镇；浚县/新镇镇/东马庄村", "reported_at": DAY + "08:00"},
            {"name": "卫河橙色预警", "level": "orange", "kind": "river", "issuer": "鹤壁市防指",
             "recipients": "浚县；hazards:石林村滑坡", "reported_at": DAY + "10:00"},
        ])
        ws.insert("acknowledgements", [
            {"warning": "暴雨红色预警第1号", "recipient": "淇县", "how": "phone", "by_person": "李应答",
             "by_phone": "13800000000", "reported_at": DAY + "08:10"},
            {"warning": "暴雨红色预警第1号", "recipient": "淇县/北阳镇", "how": "sms", "reported_at": DAY + "08:50"},
            {"warning": "暴雨红色预警第1号", "recipient": "浚县/新镇镇/东马庄村", "how": "no_answer",
             "reported_at": DAY + "08:40"},
            {"warning": "卫河橙色预警", "recipient": "浚县", "how": "phone", "reported_at": DAY + "10:05"},
            {"warning": "卫河橙色预警", "recipient": "hazards:石林村滑坡", "how": "radio",
             "reported_at": DAY + "16:00"},
        ])
        ws.record_meeting("第3次会商", at=MEETING)
    return path
