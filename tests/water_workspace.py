"""A small workspace of gauges whose crossings are worked out by hand (the alert list and hydrograph tests).

Times are 22-23 July 2021, Beijing time (``bj("22 16:00")``).
- 淇门 (river gauge on 卫河, 警戒 66.80, 保证 69.20): 08:00 65.90 (flow 300), 12:00 66.50,
  16:00 67.10 (flow 450) — over 警戒 by 0.30: an "up" event, never acknowledged —,
  20:00 67.40, 23 02:00 66.60 — back under: a "down" event.
- 盘石头水库 (reservoir gauge, 汛限 245.0, 设计 270.7, 校核 275.0): 06:00 244.5, 10:00 245.6 —
  over 汛限 by 0.60: "up", acknowledged by 值班员 at 11:00.
- 鹤壁站 (rain gauge): 08:00 5 mm, 09:00 12.5, 10:00 30, 11:00 8 (accumulated 5, 17.5, 47.5, 55.5).
"""

from __future__ import annotations

from pathlib import Path

import shapely

RIVER, RESERVOIR, RAIN = "淇门", "盘石头水库", "鹤壁站"


def bj(when: str) -> str:
    """Stored (UTC) time of ``"DD HH:MM"`` in July 2021, Beijing time."""
    day, hhmm = when.split()
    h, m = (int(x) for x in hhmm.split(":"))
    d = int(day)
    h -= 8
    if h < 0:
        h, d = h + 24, d - 1
    return f"2021-07-{d:02d}T{h:02d}:{m:02d}:00.000Z"


def build_water_workspace(path: Path) -> Path:
    """Write the workspace described above to ``path`` (a new GeoPackage)."""
    from floodpost.data.workspace import Workspace

    with Workspace.create(path) as ws:
        ws.insert("stations", [
            {"name": RIVER, "code": "31604100", "kind": "river", "river": "卫河", "county": "浚县",
             "warning_level": 66.80, "guaranteed_level": 69.20, "geometry": shapely.Point(114.295, 35.588)},
            {"name": RESERVOIR, "code": "31603000", "kind": "reservoir", "reservoir": "盘石头水库", "county": "淇县",
             "flood_limit_level": 245.0, "design_level": 270.7, "check_level": 275.0,
             "geometry": shapely.Point(114.10, 35.85)},
            {"name": RAIN, "code": "31630500", "kind": "rain", "county": "淇滨区",
             "geometry": shapely.Point(114.29, 35.74)},
        ])
        ws.insert("readings", [
            {"station": RIVER, "reported_at": bj("22 08:00"), "level": 65.90, "flow": 300.0},
            {"station": RIVER, "reported_at": bj("22 12:00"), "level": 66.50},
            {"station": RIVER, "reported_at": bj("22 16:00"), "level": 67.10, "flow": 450.0},
            {"station": RIVER, "reported_at": bj("22 20:00"), "level": 67.40},
            {"station": RIVER, "reported_at": bj("23 02:00"), "level": 66.60},
            {"station": RESERVOIR, "reported_at": bj("22 06:00"), "level": 244.5},
            {"station": RESERVOIR, "reported_at": bj("22 10:00"), "level": 245.6},
            {"station": RAIN, "reported_at": bj("22 08:00"), "rain": 5.0},
            {"station": RAIN, "reported_at": bj("22 09:00"), "rain": 12.5},
            {"station": RAIN, "reported_at": bj("22 10:00"), "rain": 30.0},
            {"station": RAIN, "reported_at": bj("22 11:00"), "rain": 8.0},
        ])
        ws.insert("alert_acks", [
            {"station": RESERVOIR, "threshold": "flood_limit", "direction": "up", "event_at": bj("22 10:00"),
             "by": "值班员", "reported_at": bj("22 11:00")},
        ])
    return path
