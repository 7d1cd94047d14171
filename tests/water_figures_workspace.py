"""A small workspace of gauges, readings and one evacuation area, its figures and ages worked out by hand.

Shared by the dashboard, brief, press-page and command-line tests of issue 19.

Stations: 淇门站 (river, 警戒 65.00, 保证 67.00), 刘庄站 (river, 警戒 70.00), 盘石头水库 (reservoir,
汛限 245.00), 新村雨量站 (rain). Their responsible person and phone are private.

At 10:00 on 22 July 2021 (T1, a report time: the slider stops there):
- 淇门站 64.80 at 08:00, 65.42 at 10:00: over warning by 0.42 m, rising 0.31 m/h (fast: >= 0.3);
- 盘石头水库 245.30 at 09:00: over flood-limit by 0.30 m; its up alert acknowledged at 09:30;
- 刘庄站 69.60: below. So 2 stations over warning, 1 alert not acknowledged (淇门站's);
- 新村雨量站 30 mm at 09:00 and 25 mm at 10:00: the wettest gauge, 55 mm in 24 h;
- evacuation: 良相坡 100 transferred at 07:30, 150 min before T1: older than its 2 h interval (stale);
  the water figure's newest report (10:00) is 0 min old (fresh, 6 h).
At 12:00 (T2): 淇门站 64.90 (back under warning): 1 station over warning, none rising; 良相坡 200,
just reported (fresh). A meeting is marked at 09:30 (1 station over warning then: 盘石头水库).
"""

from __future__ import annotations

from pathlib import Path

import shapely

DAY = "2021-07-22T"
T1 = DAY + "10:00"
T2 = DAY + "12:00"
MEETING = DAY + "09:30"
#: persons and phones in the records, never in a brief or press page
PRIVATE = ("赵站长", "13600000000", "钱值班")


def build_water_workspace(path: Path) -> Path:
    """Write the workspace described above to ``path`` (a new GeoPackage)."""
    from floodpost.data.workspace import Workspace

    def station(name: str, kind: str, x: float, **levels: float) -> dict:
        return {"name": name, "kind": kind, "river": "卫河" if kind == "river" else None,
                "reservoir": "盘石头水库" if kind == "reservoir" else None, "county": "浚县",
                "resp_person": "赵站长", "resp_phone": "13600000000", "geometry": shapely.Point(x, 35.70),
                **levels}

    def reading(name: str, hour: str, level: float | None = None, rain: float | None = None) -> dict:
        return {"station": name, "reported_at": DAY + hour, "level": level, "rain": rain}

    with Workspace.create(path) as ws:
        ws.insert("stations", [
            station("淇门站", "river", 114.30, warning_level=65.0, guaranteed_level=67.0),
            station("刘庄站", "river", 114.32, warning_level=70.0, guaranteed_level=72.0),
            station("盘石头水库", "reservoir", 114.34, flood_limit_level=245.0, design_level=250.0,
                    check_level=252.0),
            station("新村雨量站", "rain", 114.36),
        ])
        ws.insert("readings", [
            reading("淇门站", "08:00", 64.80), reading("淇门站", "10:00", 65.42),
            reading("刘庄站", "08:00", 69.50), reading("刘庄站", "10:00", 69.60),
            reading("盘石头水库", "09:00", 245.30),
            reading("新村雨量站", "09:00", rain=30.0), reading("新村雨量站", "10:00", rain=25.0),
            reading("淇门站", "12:00", 64.90),
        ])
        ws.insert("alert_acks", [
            {"station": "盘石头水库", "threshold": "flood_limit", "direction": "up", "event_at": DAY + "09:00",
             "by": "钱值班", "reported_at": DAY + "09:30"},
        ])
        ws.insert("evacuation", [
            {"area": "良相坡", "area_kind": "storage_area", "planned_persons": 1000, "transferred_persons": 100,
             "reported_at": DAY + "07:30"},
            {"area": "良相坡", "area_kind": "storage_area", "planned_persons": 1000, "transferred_persons": 200,
             "reported_at": DAY + "12:00"},
        ])
        ws.record_meeting("第2次会商", at=MEETING)
    return path
