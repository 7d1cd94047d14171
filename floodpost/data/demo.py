"""The illustrative Hebi (鹤壁市) workspace behind ``floodpost demo``.

The county boundaries are real (see assets/boundaries/ATTRIBUTION.md); every
figure, person and phone number placed on them is made up, in the style and
scale of the July 2021 flood, and every row says so in its ``source`` (in its
``note`` where a table has no source: the alert acknowledgements). It
gives new users, the tests and the screenshots one believable picture of the
post: rivers and storage areas along the 卫河, hazards in the western hills,
waterlogging in the new city, and tallies over 21-25 July 2021; and the
operations of those days: the villages in and around the storage areas, the
险情 on the 卫河 and 共产主义渠 dikes and in the hills with their status
records, the forces sent to them, and the warnings carried down to the
counties, villages and hazard points with who answered and when; and the
water of 17-25 July: river gauges on the 卫河, 淇河, 共产主义渠 and 汤河,
gauges at four reservoirs and rain gauges in the hills and towns, with their
bulletins (hourly rain through the storm of 20-23 July, rivers rising after
it past 警戒 and two of them past 保证, a flash flood over 警戒 and back
between two bulletins, 盘石头 over 汛限, a hill gauge silent for a day) and
the duty officers' acknowledgements of the crossings, two left waiting.

Everything is deterministic (``numpy.random.default_rng(2021)``) and goes
through ``Workspace.insert``, so the demo is validated like any import.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from shapely.ops import nearest_points

from floodpost.data.boundaries import county_boundaries
from floodpost.data.schema import STORAGE_EPSG, schema_for
from floodpost.data.workspace import Workspace

#: The ``source`` of every demo row: the figures are invented.
DEMO_SOURCE = "示意数据 illustrative"
SEED = 2021
OPERATOR = "demo"
SUMMARY = "演示数据"

COUNTY_NAMES = ("鹤山区", "山城区", "淇滨区", "浚县", "淇县")

Record = dict[str, Any]
XY = tuple[float, float]


# ------------------------------------------------------------------ helpers
_SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田董袁潘"
    "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石贾夏付方白邹孟秦江尹薛"
    "闫段雷侯史郝武常牛申靳"
)
_GIVEN = (
    "建国", "卫东", "立新", "国庆", "保国", "振华", "俊杰", "晓东", "文斌", "志强", "建华",
    "红梅", "海燕", "秀英", "桂兰", "玉梅", "丽娟", "春燕", "伟", "芳", "敏", "静", "强",
    "磊", "军", "洋", "勇", "艳", "杰", "涛", "明", "超", "霞", "平", "刚", "鹏",
    "浩", "宇", "新民", "永刚", "学军", "红旗", "爱民", "长青", "金锁", "铁柱", "满仓",
    "春生", "秋菊", "冬梅", "海涛", "建伟", "国强", "利军", "瑞华", "凤英", "淑珍", "德胜",
    "占山", "连生", "书田", "宏伟", "亚楠", "梦瑶", "子涵", "一鸣", "思远", "家豪",
)


def _chaikin(points: Sequence[XY], rounds: int = 2) -> list[XY]:
    """Round the corners of a hand-drawn polyline so rivers do not look ruled."""
    pts = [tuple(map(float, p)) for p in points]
    for _ in range(rounds):
        out = [pts[0]]
        for (x0, y0), (x1, y1) in zip(pts[:-1], pts[1:], strict=True):
            out.append((0.75 * x0 + 0.25 * x1, 0.75 * y0 + 0.25 * y1))
            out.append((0.25 * x0 + 0.75 * x1, 0.25 * y0 + 0.75 * y1))
        out.append(pts[-1])
        pts = out
    return pts


def _multi(geom: shapely.Geometry, kind: str) -> shapely.Geometry:
    """Keep the parts of ``kind`` ('Polygon' or 'LineString') as one Multi* geometry."""
    parts = [p for p in shapely.get_parts(geom) if p.geom_type == kind and not p.is_empty]
    if kind == "Polygon":
        parts = [p for p in parts if p.area > 1e-7]
        return shapely.MultiPolygon(parts)
    parts = [p for p in parts if p.length > 1e-5]
    return shapely.MultiLineString(parts)


class _Builder:
    """Holds the random stream, the county shapes and the name and phone pools."""

    def __init__(self, seed: int = SEED) -> None:
        self.rng = np.random.default_rng(seed)
        frame = county_boundaries()
        self.county: dict[str, shapely.Geometry] = {
            str(n): g for n, g in zip(frame["name"], frame.geometry, strict=True)
        }
        missing = set(COUNTY_NAMES) - set(self.county)
        if missing:
            raise ValueError(f"county boundaries lack {', '.join(sorted(missing))}")
        self.inner = {n: shapely.buffer(g, -0.004) for n, g in self.county.items()}
        self.city = shapely.union_all(list(self.county.values()))
        for g in (*self.county.values(), *self.inner.values(), self.city):
            shapely.prepare(g)
        self._phones = iter(self.rng.permutation(np.arange(1000, 10000)).tolist())
        self._mobiles = iter(self.rng.permutation(np.arange(1000, 10000)).tolist())
        self._names: set[str] = set()

    # -- people
    def person(self) -> str:
        """A common, invented Chinese name, unique within the demo."""
        while True:
            name = str(self.rng.choice(list(_SURNAMES))) + str(self.rng.choice(_GIVEN))
            if name not in self._names:
                self._names.add(name)
                return name

    def phone(self, mobile: bool | None = None) -> str:
        """A fictitious number in a visibly fake pattern (0392-555xxxx, 1390392xxxx)."""
        if mobile is None:
            mobile = bool(self.rng.random() < 0.6)
        if mobile:
            return f"1390392{next(self._mobiles):04d}"
        return f"0392-555{next(self._phones):04d}"

    def people(self, *prefixes: str) -> Record:
        out: Record = {}
        for p in prefixes:
            out[f"{p}_person"] = self.person()
            out[f"{p}_phone"] = self.phone()
        return out

    # -- places
    def county_of(self, geom: shapely.Geometry) -> str | None:
        """The county holding most of ``geom`` (its representative point)."""
        pt = geom.representative_point() if geom.geom_type != "Point" else geom
        for name, g in self.county.items():
            if g.contains(pt):
                return name
        return None

    def place(self, x: float, y: float, county: str) -> shapely.Point:
        """A point at (x, y), nudged just inside ``county`` if it falls outside."""
        pt = shapely.Point(x, y)
        inner = self.inner[county]
        if inner.contains(pt):
            return pt
        near = nearest_points(inner, pt)[0]
        centre = inner.representative_point()
        # step a little further in, so the point is not on the inner edge
        dx, dy = centre.x - near.x, centre.y - near.y
        d = math.hypot(dx, dy) or 1.0
        moved = shapely.Point(near.x + dx / d * 0.001, near.y + dy / d * 0.001)
        return moved if inner.contains(moved) else centre

    def scatter(
        self,
        region: shapely.Geometry,
        n: int,
        spacing: float = 0.006,
        avoid: Iterable[shapely.Point] = (),
    ) -> list[shapely.Point]:
        """``n`` random points in ``region``, at least ``spacing`` degrees apart."""
        shapely.prepare(region)
        minx, miny, maxx, maxy = region.bounds
        chosen: list[shapely.Point] = []
        taken = [(p.x, p.y) for p in avoid]
        tries = 0
        while len(chosen) < n:
            tries += 1
            if tries > 200:
                spacing *= 0.8
                tries = 0
            xs = self.rng.uniform(minx, maxx, 64)
            ys = self.rng.uniform(miny, maxy, 64)
            ok = shapely.contains_xy(region, xs, ys)
            for x, y in zip(xs[ok], ys[ok], strict=True):
                if all((x - a) ** 2 + (y - b) ** 2 >= spacing**2 for a, b in taken):
                    taken.append((x, y))
                    chosen.append(shapely.Point(round(x, 5), round(y, 5)))
                    if len(chosen) == n:
                        break
        return chosen

    def blob(self, cx: float, cy: float, rx: float, ry: float, angle: float) -> shapely.Polygon:
        """An irregular oval: the rough shape of a low-lying flood-storage basin."""
        t = np.linspace(0, 2 * np.pi, 72, endpoint=False)
        r = np.ones_like(t)
        for k in (2, 3, 5):
            r += self.rng.uniform(0.03, 0.09) * np.sin(k * t + self.rng.uniform(0, 2 * np.pi))
        a = math.radians(angle)
        x = rx * r * np.cos(t)
        y = ry * r * np.sin(t)
        xs = cx + x * math.cos(a) - y * math.sin(a)
        ys = cy + x * math.sin(a) + y * math.cos(a)
        return shapely.Polygon(np.column_stack([xs, ys]))

    def when(self, day: int, hour: int, minute: int = 0) -> str:
        """A Beijing time in July 2021, as the naive ISO text timeutil reads."""
        return f"2021-07-{day:02d}T{hour:02d}:{minute:02d}:00"


# ------------------------------------------------------------------ rivers
# Hand-drawn centre lines (lon, lat), smoothed and clipped to the city; they
# follow the real courses roughly, which is all a demo needs.
_WEI = [
    (114.235, 35.445), (114.262, 35.500), (114.275, 35.545), (114.286, 35.585),
    (114.320, 35.592), (114.360, 35.577), (114.410, 35.598), (114.460, 35.622),
    (114.500, 35.643), (114.526, 35.658), (114.538, 35.680), (114.562, 35.704),
    (114.600, 35.724),
    (114.650, 35.750), (114.700, 35.774), (114.770, 35.792),
]
_GONGQU = [
    (114.200, 35.470), (114.240, 35.520), (114.268, 35.568), (114.296, 35.615),
    (114.345, 35.643), (114.400, 35.664), (114.450, 35.684), (114.500, 35.703),
    (114.550, 35.722), (114.590, 35.733), (114.618, 35.735),
]
_QI = [
    (113.975, 35.846), (114.020, 35.836), (114.050, 35.841), (114.076, 35.834),
    (114.100, 35.820), (114.130, 35.806), (114.160, 35.801), (114.200, 35.800),
    (114.226, 35.789), (114.242, 35.764), (114.256, 35.740), (114.266, 35.714),
    (114.272, 35.690), (114.281, 35.662), (114.286, 35.630), (114.286, 35.586),
]
_TANG = [
    (114.070, 36.020), (114.110, 35.995), (114.150, 35.978), (114.190, 35.962),
    (114.225, 35.955), (114.262, 35.949), (114.300, 35.944), (114.340, 35.938),
]
_SIDE = [
    (114.040, 35.655), (114.080, 35.640), (114.120, 35.622), (114.160, 35.615),
    (114.200, 35.606), (114.240, 35.603), (114.286, 35.600),
]
_ZHEJING = [
    (114.100, 35.765), (114.150, 35.738), (114.195, 35.712), (114.238, 35.695),
    (114.272, 35.684),
]
_CHANGHONG = [
    (114.440, 35.570), (114.490, 35.588), (114.540, 35.603), (114.585, 35.616),
    (114.630, 35.632), (114.700, 35.660),
]

_RIVERS: tuple[tuple[str, str, list[XY], float, float, str, str], ...] = (
    ("卫河", "main", _WEI, 63.5, 65.8, "浚县人民政府", "卫河浚县段；2021年7月超保证水位行洪"),
    ("淇河", "trib1", _QI, 84.0, 86.5, "鹤壁市水利局", "盘石头水库下泄，淇门入卫河"),
    ("共产主义渠", "canal", _GONGQU, 64.2, 66.3, "浚县人民政府", "与卫河平行，刘庄附近汇入卫河"),
    ("汤河", "trib1", _TANG, 92.0, 93.8, "山城区人民政府", "流经鹤山区、山城区，东入汤阴"),
    ("思德河", "trib2", _SIDE, 104.5, 106.0, "淇县人民政府", "淇河支流，经淇县城南"),
    ("折胫河", "trib2", _ZHEJING, 81.0, 82.6, "淇县人民政府", "淇河支流"),
    ("长虹渠", "canal", _CHANGHONG, 58.5, 60.0, "浚县人民政府", "浚县东南排水渠"),
)


#: river -> the river it flows into, so the lines meet exactly (noded).
_JOINS = {"淇河": "卫河", "共产主义渠": "卫河", "思德河": "淇河", "折胫河": "淇河"}


def _river_lines() -> dict[str, shapely.LineString]:
    """Smoothed centre lines, each tributary ending on a vertex of its receiver."""
    lines: dict[str, list[XY]] = {r[0]: _chaikin(r[2]) for r in _RIVERS}
    for trib, main in _JOINS.items():
        end = np.array(lines[trib][-1])
        verts = np.array(lines[main])
        nearest = verts[np.argmin(((verts - end) ** 2).sum(axis=1))]
        lines[trib][-1] = (float(nearest[0]), float(nearest[1]))
    return {name: shapely.LineString(pts) for name, pts in lines.items()}


def _rivers(b: _Builder) -> list[Record]:
    rows = []
    centre = _river_lines()
    for name, grade, _pts, warn, guar, unit, note in _RIVERS:
        line = centre[name]
        geom = _multi(shapely.intersection(line, b.city), "LineString")
        counties = [c for c in COUNTY_NAMES if b.county[c].intersection(geom).length > 0.002]
        rows.append(
            {
                "name": name,
                "grade": grade,
                "county": "、".join(counties),
                "warning_level": warn,
                "guaranteed_level": guar,
                **b.people("resp"),
                "resp_unit": unit,
                "source": DEMO_SOURCE,
                "note": note,
                "geometry": geom,
            }
        )
    return rows


# ------------------------------------------------------------------ reservoirs
# name, scale, county, lon, lat, capacity (万m³), flood-limit level (m)
_RESERVOIRS: tuple[tuple[str, str, str, float, float, float, float], ...] = (
    ("夺丰水库", "medium", "淇县", 114.100, 35.645, 1230.0, 152.0),
    ("正阳水库", "medium", "淇县", 114.060, 35.700, 1050.0, 171.5),
    ("石门水库", "small1", "鹤山区", 114.090, 35.985, 420.0, 236.0),
    ("琵琶寺水库", "small1", "淇滨区", 114.170, 35.850, 380.0, 188.0),
    ("思德水库", "small1", "淇县", 114.120, 35.622, 310.0, 131.0),
    ("同山水库", "small2", "淇县", 114.030, 35.600, 65.0, 196.0),
    ("小柳沟水库", "small2", "鹤山区", 114.060, 35.950, 48.0, 262.0),
    ("狮豹头水库", "small2", "淇县", 114.040, 35.740, 82.0, 224.0),
)


def _panshitou_lake(b: _Builder) -> shapely.MultiPolygon:
    """盘石头: a winding lake on the 淇河 upstream of the dam (~114.08E 35.835N)."""
    axis = shapely.LineString(
        _chaikin([(114.028, 35.862), (114.042, 35.851), (114.058, 35.846), (114.079, 35.836)])
    )
    lake = shapely.buffer(axis, 0.0045, quad_segs=6).intersection(b.inner["淇滨区"])
    return shapely.MultiPolygon([_multi(lake, "Polygon").geoms[0]])


def _reservoirs(b: _Builder) -> list[Record]:
    # Every reservoir is a point (the large one at its dam); its water surface is in reservoir_areas.
    rows: list[Record] = [
        {
            "name": "盘石头水库",
            "scale": "large",
            "county": "淇滨区",
            "capacity": 60800.0,
            "flood_limit_level": 245.0,
            **b.people("admin", "tech", "patrol"),
            "source": DEMO_SOURCE,
            "note": "淇河干流大型水库，总库容约6.08亿m³",
            "geometry": _dam_point(b),
        }
    ]
    for name, scale, county, x, y, cap, level in _RESERVOIRS:
        rows.append(
            {
                "name": name,
                "scale": scale,
                "county": county,
                "capacity": cap,
                "flood_limit_level": level,
                **b.people("admin", "tech", "patrol"),
                "source": DEMO_SOURCE,
                "note": None,
                "geometry": b.place(x, y, county),
            }
        )
    return rows


def _dam_point(b: _Builder) -> shapely.Point:
    """The point of 盘石头水库: on its lake, at the dam end."""
    lake = _panshitou_lake(b)
    dam = shapely.Point(114.079, 35.836)
    if lake.contains(dam):
        return dam
    # just inside the shore nearest the dam
    return shapely.intersection(lake, dam.buffer(0.004)).representative_point()


def _reservoir_areas(b: _Builder) -> list[Record]:
    return [
        {
            "name": "盘石头水库水面",
            "reservoir": "盘石头水库",
            "county": "淇滨区",
            "source": DEMO_SOURCE,
            "note": "汛限水位时的大致水面（示意）",
            "geometry": _panshitou_lake(b),
        }
    ]


# ------------------------------------------------------------------ storage areas
# name, seed point on the right side of the rivers, blob (cx, cy, rx, ry, angle),
# capacity 亿m³, households, persons, status, note
_STORAGE: tuple[tuple[str, XY, tuple[float, ...], float, int, int, str, str], ...] = (
    ("良相坡", (114.420, 35.628), (114.420, 35.628, 0.085, 0.030, 22), 1.2, 8860, 31000,
     "evacuating", "7月22日启用，群众转移中"),
    ("共渠西", (114.350, 35.685), (114.352, 35.682, 0.050, 0.028, 28), 2.3, 7570, 26500,
     "flooding", "7月22日启用分洪"),
    ("白寺坡", (114.480, 35.595), (114.482, 35.594, 0.052, 0.024, 25), 1.8, 6110, 21400,
     "ordered", "7月24日下达启用命令"),
    ("长虹渠", (114.590, 35.645), (114.592, 35.640, 0.048, 0.022, 28), 2.2, 5200, 18200,
     "ordered", "7月24日下达启用命令"),
    ("小滩坡", (114.630, 35.695), (114.632, 35.694, 0.042, 0.020, 30), 0.9, 2740, 9600,
     "standby", "做好启用准备"),
)


def _storage_areas(b: _Builder) -> list[Record]:
    centre = _river_lines()
    rivers = [centre["卫河"], centre["共产主义渠"], centre["淇河"]]
    # Faces of the city cut by the 卫河, 共渠 and 淇河: each storage area lies
    # wholly on one bank, as the real ones lie between their dikes.
    lines = shapely.union_all([shapely.boundary(b.city), *rivers])
    faces = list(shapely.get_parts(shapely.polygonize(list(shapely.get_parts(lines)))))
    dikes = shapely.buffer(shapely.union_all(rivers), 0.0015)
    # towns that stay dry: 浚县 old town and the new city of 淇滨区
    towns = [shapely.Point(114.553, 35.671).buffer(0.012), shapely.box(114.20, 35.70, 114.33, 35.80)]
    taken: shapely.Geometry = shapely.union_all([dikes, *towns])
    rows = []
    for name, seed, blob, cap, hh, persons, status, note in _STORAGE:
        seed_pt = shapely.Point(seed)
        face = next(f for f in faces if f.contains(seed_pt))
        shape = b.blob(*blob).intersection(face).difference(taken)
        geom = _multi(shapely.make_valid(shape), "Polygon")
        taken = shapely.union(taken, geom.buffer(0.001))
        rows.append(
            {
                "name": name,
                "county": b.county_of(geom) or "浚县",
                "capacity": cap,
                "households": hh,
                "persons": persons,
                "status": status,
                **b.people("resp"),
                "resp_unit": f"{b.county_of(geom) or '浚县'}人民政府",
                "source": DEMO_SOURCE,
                "note": note,
                "geometry": geom,
            }
        )
    areas = gpd.GeoSeries([r["geometry"] for r in rows], crs=STORAGE_EPSG).to_crs(32650).area
    for r, a in zip(rows, areas, strict=True):
        r["area_km2"] = round(float(a) / 1e6, 1)
    return rows


# ------------------------------------------------------------------ hazards
_VILLAGES = (
    "柳林", "石门", "南山", "北岭", "王家岭", "黄庄", "桑园", "红岭", "石岩", "西寨", "鱼泉",
    "赵庄", "东坡", "前峪", "后峪", "白草坪", "杏花岭", "秦家庄", "小柏峪", "柏树坡", "槐树岭",
    "泉头", "羊圈沟", "凤凰岭", "枣园", "石板沟", "老龙潭", "马鞍山", "大石岩", "洞沟", "五里岗",
    "黑龙潭", "牛心山", "上庄", "下庄", "崔庄", "韩庄", "滴水岩", "龙泉", "石佛", "青羊口",
    "水峪", "西顶", "核桃园", "火龙岗", "卧羊湾", "山神庙", "跑马岭", "寺湾", "南窑", "北窑",
    "煤窑沟", "罗圈", "高家台", "东马庄", "大峪",
)
_HAZARD_SUFFIX = {
    "landslide": ("后山滑坡", "北坡滑坡", "东岭滑坡", "南坡滑坡"),
    "collapse": ("崩塌", "危岩崩塌", "西崖崩塌"),
    "debris_flow": ("沟泥石流", "河沟泥石流"),
    "subsidence": ("采煤沉陷区", "地面塌陷"),
}
# county, region west of lon, towns, {type: count}
_HAZARD_PLAN: tuple[tuple[str, float, tuple[str, ...], dict[str, int]], ...] = (
    ("鹤山区", 114.150, ("姬家山乡", "鹤壁集镇"), {"landslide": 3, "collapse": 3}),
    ("鹤山区", 114.190, ("鹤壁集镇", "中山路街道", "九矿广场街道"), {"subsidence": 4}),
    ("山城区", 114.190, ("鹿楼乡", "石林镇"), {"subsidence": 2, "collapse": 2, "landslide": 2}),
    ("淇滨区", 114.150, ("大河涧乡", "上峪乡"), {"debris_flow": 3, "landslide": 4, "collapse": 3}),
    ("淇县", 114.130, ("黄洞乡", "庙口镇", "西岗镇"),
     {"debris_flow": 3, "landslide": 7, "collapse": 4}),
)


def _hazards(b: _Builder) -> list[Record]:
    villages = iter(b.rng.permutation(_VILLAGES).tolist())
    rows: list[Record] = []
    placed: list[shapely.Point] = []
    for county, west_of, towns, counts in _HAZARD_PLAN:
        region = b.inner[county].intersection(shapely.box(113.9, 35.3, west_of, 36.2))
        if counts.get("subsidence") and county == "鹤山区":
            # the coal-mining belt east of the hills
            region = region.intersection(shapely.box(114.10, 35.90, west_of, 36.02))
        n = sum(counts.values())
        points = b.scatter(region, n, spacing=0.008, avoid=placed)
        placed += points
        kinds = [k for k, c in counts.items() for _ in range(c)]
        for kind, pt in zip(kinds, points, strict=True):
            village = next(villages)
            suffix = str(b.rng.choice(_HAZARD_SUFFIX[kind]))
            if kind == "subsidence" and county == "鹤山区":
                suffix = "采煤沉陷区"  # the old 鹤壁 coal field
            if kind == "subsidence":
                hh = int(b.rng.integers(40, 420))
            elif kind == "debris_flow":
                hh = int(b.rng.integers(12, 90))
            else:
                hh = int(b.rng.integers(2, 36))
            persons = int(hh * b.rng.uniform(2.8, 3.6))
            town = str(b.rng.choice(towns))
            rows.append(
                {
                    "name": f"{village}村{suffix}",
                    "hazard_type": kind,
                    "county": county,
                    "town": town,
                    "households": hh,
                    "persons": persons,
                    **b.people("monitor"),
                    **b.people("resp"),
                    "resp_unit": f"{town}人民政府",
                    "source": DEMO_SOURCE,
                    "note": "汛期每日巡查，强降雨时提前转移" if b.rng.random() < 0.4 else None,
                    "geometry": pt,
                }
            )
    return rows


# ------------------------------------------------------------------ waterlogging
_WATERLOGGING_NEW = (
    ("九州路下穿京广铁路隧道", "underpass"), ("黎阳路下穿隧道", "underpass"),
    ("淇滨大道下穿通道", "underpass"), ("黄河路地下通道", "underpass"),
    ("兴鹤大街铁路桥下", "underpass"), ("长江路涵洞", "culvert"),
    ("朝歌路涵洞", "culvert"), ("钱塘江路涵洞", "culvert"), ("湘江路铁路涵洞", "culvert"),
    ("华夏南路涵洞", "culvert"), ("华山路与淇河路交叉口", "low_road"),
    ("泰山路与黄河路交叉口", "low_road"), ("嵩山路与淮河路交叉口", "low_road"),
    ("天山路与湘江路交叉口", "low_road"), ("海河路低洼路段", "low_road"),
    ("珠江路与衡山路交叉口", "low_road"), ("兴鹤大街与九州路交叉口", "low_road"),
    ("淇河路低洼路段", "low_road"), ("太行路与长江路交叉口", "low_road"),
    ("金山小区", "low_area"), ("桃园小区", "low_area"), ("淇水湾小区", "low_area"),
)
_WATERLOGGING_OLD = (
    ("红旗街铁路涵洞", "culvert"), ("山城路下穿隧道", "underpass"),
    ("矿工路低洼路段", "low_road"), ("新华街老旧小区", "low_area"),
)


def _waterlogging(b: _Builder) -> list[Record]:
    new_city = b.inner["淇滨区"].intersection(shapely.box(114.20, 35.70, 114.32, 35.78))
    old_city = b.inner["山城区"].intersection(shapely.box(114.17, 35.87, 114.23, 35.93))
    spots = list(zip(_WATERLOGGING_NEW, b.scatter(new_city, len(_WATERLOGGING_NEW), 0.005),
                     strict=True))
    spots += zip(_WATERLOGGING_OLD, b.scatter(old_city, len(_WATERLOGGING_OLD), 0.005),
                 strict=True)
    rows = []
    for (name, kind), pt in spots:
        deep = kind in ("underpass", "culvert")
        depth = b.rng.uniform(1.2, 3.2) if deep else b.rng.uniform(0.3, 1.2)
        status = str(b.rng.choice(["normal", "ponding", "closed"], p=[0.35, 0.35, 0.3]))
        if deep and depth > 2.0:
            status = "closed"
        county = b.county_of(pt) or "淇滨区"
        rows.append(
            {
                "name": name,
                "kind": kind,
                "county": county,
                "max_depth": round(float(depth), 1),
                "pumps": int(b.rng.integers(1, 7) if deep else b.rng.integers(0, 4)),
                "status": status,
                **b.people("resp"),
                "resp_unit": f"{county}城市管理局",
                "source": DEMO_SOURCE,
                "note": "2021年7月22日积水，临时封闭" if status == "closed" else None,
                "geometry": pt,
            }
        )
    return rows


# ------------------------------------------------------------------ forces
# name, category, county, lon, lat, personnel, vehicles, boats, task, status, day, hour
_FORCES: tuple[tuple[str, str, str, float, float, int, int, int, str, str, int, int], ...] = (
    ("解放军某部抢险分队", "army", "浚县", 114.352, 35.566, 820, 46, 12,
     "新镇卫河堤防抢险加固", "on_duty", 22, 16),
    ("武警鹤壁支队", "army", "浚县", 114.548, 35.677, 310, 22, 6,
     "浚县古城护城堤加固", "on_duty", 22, 21),
    ("某工兵团舟桥分队", "army", "浚县", 114.438, 35.646, 260, 18, 30,
     "良相坡群众转移", "on_duty", 23, 6),
    ("鹤壁市消防救援支队浚县大队", "fire", "浚县", 114.556, 35.664, 126, 18, 10,
     "古城排涝与被困群众转移", "on_duty", 22, 9),
    ("省消防救援总队跨区增援分队", "fire", "淇滨区", 114.292, 35.742, 180, 24, 16,
     "新区排涝、下穿隧道排查", "mobile", 23, 14),
    ("中国安能抢险队（示意）", "professional", "浚县", 114.372, 35.583, 150, 38, 4,
     "卫河新镇段管涌处置", "on_duty", 23, 2),
    ("鹤煤集团矿山救护大队", "professional", "鹤山区", 114.150, 35.950, 90, 12, 0,
     "采煤沉陷区巡查排险", "standby", 22, 8),
    ("鹤壁蓝天救援队", "social", "浚县", 114.470, 35.640, 64, 9, 8,
     "良相坡水上转移", "on_duty", 22, 18),
    ("增援社会救援队（外省）", "social", "浚县", 114.500, 35.655, 45, 6, 6,
     "小河镇被困群众救援", "withdrawn", 24, 18),
    ("浚县人武部基干民兵应急连", "militia", "浚县", 114.446, 35.630, 600, 20, 0,
     "卫河小河段巡堤查险", "on_duty", 22, 12),
    ("淇县基干民兵抢险队", "militia", "淇县", 114.230, 35.590, 350, 12, 0,
     "淇河淇县段堤防巡查", "mobile", 23, 10),
    ("浚县公安局交通管制组", "police", "浚县", 114.565, 35.690, 140, 30, 0,
     "古城周边交通管制与治安", "on_duty", 22, 7),
    ("淇滨公安分局转移护送组", "police", "淇滨区", 114.345, 35.705, 80, 16, 0,
     "共渠西群众转移护送", "withdrawn", 24, 9),
    ("鹤壁市青年志愿者服务队", "volunteer", "淇滨区", 114.300, 35.730, 420, 6, 0,
     "安置点生活保障", "on_duty", 23, 12),
    ("浚县义工联合会", "volunteer", "浚县", 114.570, 35.660, 160, 3, 0,
     "浚县安置点物资分发", "standby", 24, 8),
)


def _forces(b: _Builder) -> list[Record]:
    rows = []
    for name, cat, county, x, y, men, cars, boats, task, status, day, hour in _FORCES:
        rows.append(
            {
                "name": name,
                "category": cat,
                "personnel": men,
                "vehicles": cars,
                "boats": boats,
                "task": task,
                "status": status,
                "contact_person": b.person(),
                "contact_phone": b.phone(mobile=True),
                "reported_at": b.when(day, hour, int(b.rng.integers(0, 60))),
                "source": DEMO_SOURCE,
                "note": f"所在县区：{county}",
                "geometry": b.place(x, y, county),
            }
        )
    return rows


# ------------------------------------------------------------------ depots, shelters
_CITY_DEPOT = "鹤壁市防汛物资仓库"
_DEPOTS: tuple[tuple[str, str, str, float, float], ...] = (
    (_CITY_DEPOT, "warehouse", "淇滨区", 114.305, 35.757),
    ("浚县防汛物资仓库", "warehouse", "浚县", 114.562, 35.682),
    ("淇县防汛物资仓库", "warehouse", "淇县", 114.198, 35.618),
    ("山城区防汛物资仓库", "warehouse", "山城区", 114.200, 35.900),
    ("鹤山区防汛物资仓库", "warehouse", "鹤山区", 114.158, 35.955),
    ("良相坡前置点", "front", "浚县", 114.465, 35.699),
    ("新镇卫河堤防前置点", "front", "浚县", 114.360, 35.568),
    ("浚县古城前置点", "front", "浚县", 114.549, 35.666),
    ("共渠西前置点", "front", "淇滨区", 114.310, 35.700),
)
_SHELTERS: tuple[tuple[str, str, float, float, int, int], ...] = (
    ("浚县第一中学安置点", "浚县", 114.560, 35.685, 3000, 2640),
    ("浚县体育中心安置点", "浚县", 114.575, 35.672, 5000, 4120),
    ("新镇镇中心学校安置点", "浚县", 114.362, 35.548, 1200, 930),
    ("卫贤镇中心小学安置点", "浚县", 114.480, 35.730, 800, 610),
    ("屯子镇第一初级中学安置点", "浚县", 114.645, 35.770, 1000, 540),
    ("鹤壁职业技术学院安置点", "淇滨区", 114.305, 35.735, 6000, 5230),
    ("鹤壁市体育中心安置点", "淇滨区", 114.290, 35.765, 4000, 1860),
    ("淇县第一中学安置点", "淇县", 114.205, 35.612, 2500, 1310),
    ("黄洞乡政府安置点", "淇县", 114.080, 35.665, 300, 120),
    ("大河涧乡中心校安置点", "淇滨区", 114.090, 35.860, 400, 210),
)


def _depots(b: _Builder) -> list[Record]:
    return [
        {
            "name": name,
            "kind": kind,
            "county": county,
            **b.people("manager"),
            "source": DEMO_SOURCE,
            "note": None,
            "geometry": b.place(x, y, county),
        }
        for name, kind, county, x, y in _DEPOTS
    ]


def _shelters(b: _Builder) -> list[Record]:
    return [
        {
            "name": name,
            "county": county,
            "capacity": cap,
            "occupancy": occ,
            **b.people("manager"),
            "source": DEMO_SOURCE,
            "note": None,
            "geometry": b.place(x, y, county),
        }
        for name, county, x, y, cap, occ in _SHELTERS
    ]


# ------------------------------------------------------------------ tallies
_UNITS = {
    "sandbag": "个", "woven_bag": "条", "geotextile": "m²", "life_jacket": "件",
    "assault_boat": "艘", "pump": "台", "tent": "顶", "quilt": "床", "folding_bed": "张",
    "emergency_light": "盏", "water": "箱", "instant_noodles": "箱",
}
# depot, item, quantity, kind, destination, (day, hour)
_MATERIALS: tuple[tuple[str, str, float, str, str | None, tuple[int, int]], ...] = (
    (_CITY_DEPOT, "sandbag", 200000, "stock_in", None, (21, 10)),
    (_CITY_DEPOT, "woven_bag", 150000, "stock_in", None, (21, 10)),
    (_CITY_DEPOT, "geotextile", 30000, "stock_in", None, (21, 11)),
    (_CITY_DEPOT, "life_jacket", 3000, "stock_in", None, (21, 11)),
    (_CITY_DEPOT, "sandbag", 40000, "dispatch", "浚县防汛物资仓库", (22, 6)),
    (_CITY_DEPOT, "woven_bag", 30000, "dispatch", "新镇卫河堤防前置点", (22, 7)),
    (_CITY_DEPOT, "life_jacket", 1500, "dispatch", "良相坡前置点", (22, 9)),
    (_CITY_DEPOT, "assault_boat", 12, "dispatch", "良相坡前置点", (22, 9)),
    (_CITY_DEPOT, "pump", 24, "dispatch", "浚县古城前置点", (22, 11)),
    ("浚县防汛物资仓库", "sandbag", 38000, "dispatch", "浚县古城前置点", (22, 12)),
    ("浚县防汛物资仓库", "emergency_light", 800, "dispatch", "浚县古城前置点", (22, 19)),
    ("新镇卫河堤防前置点", "woven_bag", 26000, "consumed", "卫河新镇段", (22, 23)),
    ("浚县古城前置点", "sandbag", 35000, "consumed", "古城护城堤", (23, 5)),
    (_CITY_DEPOT, "tent", 600, "dispatch", "浚县体育中心安置点", (23, 8)),
    (_CITY_DEPOT, "quilt", 5000, "dispatch", "鹤壁职业技术学院安置点", (23, 8)),
    (_CITY_DEPOT, "folding_bed", 3000, "dispatch", "浚县第一中学安置点", (23, 9)),
    (_CITY_DEPOT, "sandbag", 300000, "stock_in", None, (23, 12)),
    (_CITY_DEPOT, "water", 8000, "stock_in", None, (23, 13)),
    (_CITY_DEPOT, "instant_noodles", 6000, "stock_in", None, (23, 13)),
    (_CITY_DEPOT, "sandbag", 120000, "dispatch", "新镇卫河堤防前置点", (23, 15)),
    (_CITY_DEPOT, "water", 5000, "dispatch", "浚县体育中心安置点", (23, 17)),
    (_CITY_DEPOT, "instant_noodles", 3500, "dispatch", "浚县第一中学安置点", (23, 17)),
    ("新镇卫河堤防前置点", "sandbag", 105000, "consumed", "卫河新镇段", (24, 6)),
    ("良相坡前置点", "life_jacket", 1200, "consumed", "良相坡群众转移", (24, 8)),
    (_CITY_DEPOT, "geotextile", 18000, "dispatch", "新镇卫河堤防前置点", (24, 10)),
    ("浚县防汛物资仓库", "sandbag", 60000, "stock_in", None, (24, 14)),
    (_CITY_DEPOT, "sandbag", 80000, "dispatch", "共渠西前置点", (24, 16)),
    ("共渠西前置点", "sandbag", 52000, "consumed", "共产主义渠左堤", (25, 6)),
    (_CITY_DEPOT, "tent", 300, "dispatch", "鹤壁市体育中心安置点", (25, 9)),
    ("淇县防汛物资仓库", "pump", 10, "dispatch", "淇县第一中学安置点", (25, 10)),
)


def _material_tally(b: _Builder) -> list[Record]:
    return [
        {
            "depot": depot,
            "item": item,
            "unit": _UNITS[item],
            "quantity": qty,
            "kind": kind,
            "destination": dest,
            "reported_at": b.when(*at),
            "source": DEMO_SOURCE,
            "note": None,
        }
        for depot, item, qty, kind, dest, at in _MATERIALS
    ]


_REPORTS = [(21, 20), (22, 8), (22, 20), (23, 8), (23, 20), (24, 8), (24, 20), (25, 8)]
# area, kind, planned persons, [(report index, notified, transferred, sheltered, returned)]
_EVACUATION: tuple[tuple[str, str, int, list[tuple[int, int, int, int, int]]], ...] = (
    ("良相坡", "storage_area", 31000, [
        (1, 12000, 3200, 1400, 0), (2, 31000, 9800, 4300, 0), (3, 31000, 16800, 7600, 0),
        (4, 31000, 22400, 9900, 0), (5, 31000, 26900, 11800, 0), (6, 31000, 28700, 12500, 0),
        (7, 31000, 29300, 12800, 0),
    ]),
    ("共渠西", "storage_area", 26500, [
        (1, 18000, 6100, 2500, 0), (2, 26500, 15800, 7000, 0), (3, 26500, 23900, 10400, 0),
        (4, 26500, 26500, 11600, 0), (6, 26500, 26500, 11200, 0),
    ]),
    ("白寺坡", "storage_area", 21400, [(0, 0, 0, 0, 0), (5, 9000, 2100, 800, 0),
                                     (6, 21400, 8600, 3300, 0), (7, 21400, 14300, 5600, 0)]),
    ("长虹渠", "storage_area", 18200, [(0, 0, 0, 0, 0), (6, 7600, 1500, 600, 0),
                                     (7, 18200, 6900, 2700, 0)]),
    ("小滩坡", "storage_area", 9600, [(0, 0, 0, 0, 0), (4, 9600, 0, 0, 0)]),
    ("浚县浚州街道（古城）", "township", 12800, [
        (2, 12800, 3500, 1600, 0), (3, 12800, 9200, 4100, 0), (4, 12800, 11600, 5000, 0),
        (7, 12800, 11600, 4200, 2300),
    ]),
    ("新镇镇", "township", 15600, [
        (1, 15600, 8800, 3700, 0), (2, 15600, 14900, 6200, 0), (5, 15600, 15400, 6100, 0),
    ]),
    ("黄洞乡", "township", 1860, [
        (0, 1860, 1240, 260, 0), (1, 1860, 1820, 310, 0), (5, 1860, 1820, 180, 960),
        (7, 1860, 1820, 40, 1710),
    ]),
    ("大河涧乡", "township", 1240, [
        (0, 1240, 860, 150, 0), (1, 1240, 1210, 190, 0), (6, 1240, 1210, 60, 1080),
    ]),
    ("淇滨区钜桥镇岗坡村", "village", 2150, [
        (1, 2150, 900, 400, 0), (2, 2150, 2150, 1100, 0), (7, 2150, 2150, 600, 1200),
    ]),
)


def _evacuation(b: _Builder) -> list[Record]:
    rows = []
    storage = {s[0]: s[5] / s[4] for s in _STORAGE}  # persons per household
    for area, kind, planned, reports in _EVACUATION:
        per_household = storage.get(area) or float(b.rng.uniform(3.2, 3.7))
        for idx, notified, transferred, sheltered, returned in reports:
            day, hour = _REPORTS[idx]
            values = {
                "planned": planned, "notified": notified, "transferred": transferred,
                "sheltered": sheltered, "returned": returned,
            }
            row: Record = {"area": area, "area_kind": kind}
            for stage, persons in values.items():
                row[f"{stage}_persons"] = persons
                row[f"{stage}_households"] = round(persons / per_household)
            row.update(
                reported_at=b.when(day, hour),
                source=DEMO_SOURCE,
                note="累计数（截至报告时间）",
            )
            rows.append(row)
    return rows


# place, active days
_WORKS: tuple[tuple[str, tuple[int, ...]], ...] = (
    ("卫河新镇段堤防", (22, 23, 24, 25)),
    ("卫河小河段堤防", (22, 23, 24)),
    ("浚县古城护城堤", (22, 23, 24, 25)),
    ("共产主义渠左堤", (23, 24, 25)),
    ("良相坡围村堰", (23, 24)),
    ("淇河淇滨段堤防", (21, 22, 23)),
    ("淇县城区排涝", (21, 22)),
)


def _works(b: _Builder) -> list[Record]:
    rows = []
    for place, days in _WORKS:
        for day in days:
            scale = float(b.rng.uniform(0.5, 1.5))
            rows.append(
                {
                    "place": place,
                    "dike_m": round(float(b.rng.uniform(600, 3200) * scale), -1),
                    "sandbags": int(round(b.rng.uniform(20000, 160000) * scale, -3)),
                    "earth_m3": round(float(b.rng.uniform(5000, 60000) * scale), -2),
                    "rescued": int(b.rng.integers(0, 900) * (day <= 23)),
                    "reported_at": b.when(day, 18, 0),
                    "source": DEMO_SOURCE,
                    "note": "当日新增",
                }
            )
    return rows


# ------------------------------------------------------------------ villages
# Township seats (lon, lat), roughly where the towns lie: each village takes the
# nearest seat of its county as its township. Names are real, positions rough.
_TOWNSHIPS: dict[str, tuple[tuple[str, float, float], ...]] = {
    "浚县": (
        ("新镇镇", 114.370, 35.560), ("小河镇", 114.470, 35.660), ("白寺镇", 114.480, 35.575),
        ("王庄镇", 114.600, 35.630), ("浚州街道", 114.553, 35.675), ("黎阳街道", 114.560, 35.695),
        ("卫溪街道", 114.572, 35.666), ("屯子镇", 114.640, 35.755), ("善堂镇", 114.680, 35.715),
        ("卫贤镇", 114.470, 35.720),
    ),
    "淇滨区": (
        ("钜桥镇", 114.330, 35.670), ("大赉店镇", 114.330, 35.790), ("金山街道", 114.250, 35.720),
        ("上峪乡", 114.090, 35.800), ("大河涧乡", 114.080, 35.870),
    ),
    "淇县": (
        ("高村镇", 114.280, 35.560), ("北阳镇", 114.230, 35.660), ("西岗镇", 114.110, 35.590),
        ("庙口镇", 114.060, 35.630), ("黄洞乡", 114.040, 35.670), ("朝歌街道", 114.200, 35.610),
    ),
}
# how many villages lie inside each storage area (their households and persons add up to the area's)
_INSIDE = {"良相坡": 20, "共渠西": 16, "白寺坡": 6, "长虹渠": 10, "小滩坡": 7}
#: villages near the storage areas but outside them, warned with them
_AROUND = 28
_VILLAGE_STEMS = "刘王李张杨孙马冯何罗高许范吕周程尚魏白蒋苏宋郭彭申丁汤牛田耿邢卢齐郝姚"
_VILLAGE_TAILS = "庄营寨屯店湾固堤"
#: hazard points whose village is in the village layer (the hill incidents happen there)
_HILL_VILLAGES = 8


def _split_total(total: int, weights: Sequence[float]) -> list[int]:
    """``total`` split in proportion to ``weights``, in whole numbers that add up exactly."""
    w = np.asarray(weights, dtype=float)
    raw = w / w.sum() * total
    out = np.floor(raw).astype(int)
    for i in np.argsort(raw - out)[::-1][: total - int(out.sum())]:
        out[i] += 1
    return [int(v) for v in out]


def _township(county: str, pt: shapely.Point) -> str:
    seats = _TOWNSHIPS[county]
    return min(seats, key=lambda s: (s[1] - pt.x) ** 2 + (s[2] - pt.y) ** 2)[0]


def _village_outline(b: _Builder, pt: shapely.Point, clip: shapely.Geometry) -> shapely.Geometry:
    """A village's built-up area as a small irregular outline around its point."""
    rx = float(b.rng.uniform(0.0032, 0.0040))
    shape = b.blob(pt.x, pt.y, rx, rx * float(b.rng.uniform(0.7, 0.95)), float(b.rng.uniform(0, 180)))
    shape = shapely.make_valid(shape).intersection(clip)
    return _multi(shape, "Polygon")


def _villages(b: _Builder, done: dict[str, list[Record]]) -> list[Record]:
    """Villages in and around the storage areas (the warning chain's last link), and a few in the hills."""
    areas = {r["name"]: r for r in done["storage_areas"]}
    plains = shapely.union_all([b.inner[c] for c in ("浚县", "淇滨区", "淇县")])
    rivers = shapely.buffer(shapely.union_all(list(_river_lines().values())), 0.003)
    towns = shapely.union_all([shapely.Point(114.553, 35.671).buffer(0.010),
                               shapely.box(114.20, 35.70, 114.33, 35.80)])
    stems = [f"{s}{t}" for s in _VILLAGE_STEMS for t in _VILLAGE_TAILS]
    taken_names = {v for v in _VILLAGES}
    names = iter(n for n in b.rng.permutation(stems).tolist() if n not in taken_names)
    rows: list[Record] = []
    placed: list[shapely.Point] = []

    def add(pt: shapely.Point, hh: int, persons: int, clip: shapely.Geometry | None, note: str | None,
            name: str | None = None, county: str | None = None, town: str | None = None) -> None:
        county = county or b.county_of(pt) or "浚县"
        town = town or _township(county, pt)
        if name is None:
            stem = next(names)
            name = f"{stem}社区" if town.endswith("街道") else f"{stem}村"
        geom: shapely.Geometry = pt
        if clip is not None and b.rng.random() < 0.3:
            outline = _village_outline(b, pt, clip)
            if not outline.is_empty and outline.contains(pt):
                geom = outline
        rows.append({
            "name": name,
            "township": town,
            "county": county,
            "households": hh,
            "persons": persons,
            **b.people("head"),
            "source": DEMO_SOURCE,
            "note": note,
            "geometry": geom,
        })

    for area, n in _INSIDE.items():
        shape = areas[area]["geometry"]
        inner = shapely.buffer(shape, -0.003)
        points = b.scatter(inner, n, spacing=0.011, avoid=placed)
        placed += points
        households = _split_total(int(areas[area]["households"]), b.rng.uniform(0.5, 1.6, n))
        # persons per household vary a little from village to village; the sums are the area's
        persons = _split_total(int(areas[area]["persons"]), np.array(households) * b.rng.uniform(3.3, 3.7, n))
        for pt, hh, pp in zip(points, households, persons, strict=True):
            add(pt, hh, pp, inner, f"位于{area}蓄滞洪区内")
    # the village the evacuation table reports on
    gangpo = next(r for r in rows if r["county"] == "淇滨区" and r["township"] == "钜桥镇")
    gangpo["name"] = "岗坡村"
    storage = shapely.union_all([a["geometry"] for a in areas.values()])
    ring = shapely.buffer(storage, 0.03).difference(shapely.buffer(storage, 0.004))
    ring = ring.intersection(plains).difference(rivers).difference(towns)
    for pt in b.scatter(ring, _AROUND, spacing=0.011, avoid=placed):
        placed.append(pt)
        hh = int(b.rng.integers(180, 980))
        add(pt, hh, round(hh * float(b.rng.uniform(3.2, 3.8))), ring, "蓄滞洪区周边")
    # villages of hazard points in the hills, where the hill incidents happen
    struck = [_struck_hazard(done["hazards"], w) for *_, w, _n in _INCIDENTS if w[0] == "hazard"]
    hills = [h for h in done["hazards"] if h["county"] in ("淇县", "鹤山区", "淇滨区")
             and h["hazard_type"] in ("landslide", "debris_flow") and h not in struck]
    for h in [*struck, *hills[: _HILL_VILLAGES - len(struck)]]:
        g = h["geometry"]
        pt = b.place(round(g.x + 0.004, 5), round(g.y - 0.003, 5), h["county"])
        hh = int(b.rng.integers(40, 220))
        add(pt, hh, round(hh * float(b.rng.uniform(3.0, 3.6))), None, "山区村，地质灾害隐患点附近",
            name=h["name"].split("村")[0] + "村", county=h["county"], town=h["town"])
    return rows


# ------------------------------------------------------------------ incidents
_END = (25, 18, 0)  # the demo's last report (works, 25 July 18:00)


def _on_dike(river: str, x: float, y: float, side: int, km: float = 0.0) -> shapely.Geometry:
    """A point (``km`` 0) or a dike section of ``km`` on the ``side`` bank (+1 left, -1 right) near (x, y)."""
    from shapely.ops import substring

    line = _river_lines()[river]
    dike = shapely.offset_curve(line, side * 0.0016)
    at = dike.project(shapely.Point(x, y))
    if km <= 0:
        p = dike.interpolate(at)
        return shapely.Point(round(p.x, 6), round(p.y, 6))
    half = km / 100.0 / 2  # about 100 km to a degree here
    part = substring(dike, max(0.0, at - half), min(dike.length, at + half))
    return shapely.set_precision(part, 1e-6)


# key, name, kind, severity, county, place, threatened, trapped, reported (day, h, m), where, note
# where: ("dike", river, x, y, side, km), ("village", storage area), ("hazard", hazard name, dx, dy)
# or ("spot", waterlogging spot)
_INCIDENTS: tuple[tuple[str, str, str, str, str, str, int, int, tuple[int, int, int], tuple[Any, ...], str],
                  ...] = (
    ("I16", "九州路下穿隧道积水车辆被困", "waterlogging", "large", "淇滨区", "九州路下穿京广铁路隧道",
     6, 6, (22, 1, 10), ("spot", "九州路下穿京广铁路隧道"), "隧道积水约2.5米，2辆车6人被困"),
    ("I13", "庙口镇后峪公路塌方中断", "road_cut", "general", "淇县", "庙口镇至黄洞乡公路后峪段",
     0, 0, (21, 21, 50), ("hazard", "后峪村北坡滑坡", 0.006, -0.002), "山体塌方阻断道路，黄洞乡方向交通中断"),
    ("I11", "黄洞乡南山村山体滑坡", "landslide", "large", "淇县", "黄洞乡南山村后山",
     46, 3, (22, 5, 20), ("hazard", "南山村后山滑坡", 0.002, -0.001), "滑坡体冲毁民房3间，3人被困"),
    ("I12", "姬家山乡牛心山村泥石流", "landslide", "major", "鹤山区", "姬家山乡牛心山村沟口",
     120, 7, (22, 6, 10), ("hazard", "牛心山村南坡滑坡", 0.002, 0.002), "沟谷泥石流冲入村庄"),
    ("I14", "大河涧乡黄庄村人员被困", "trapped", "general", "淇滨区", "大河涧乡黄庄村",
     12, 12, (22, 7, 40), ("hazard", "黄庄村后山滑坡", 0.003, -0.003), "山洪围困，12人被困于高处"),
    ("I1", "卫河新镇段左堤管涌", "piping", "major", "浚县", "卫河左堤 K31+350（新镇镇）",
     3200, 0, (22, 10, 20), ("dike", "卫河", 114.345, 35.586, 1, 0), "背水坡脚出现直径约0.3米管涌"),
    ("I8", "浚县古城护城堤渗水", "seepage", "large", "浚县", "卫河右堤 古城段 K52+100–K52+900",
     12800, 0, (22, 10, 30), ("dike", "卫河", 114.545, 35.672, -1, 0.8), "护城堤背水面大面积渗水"),
    ("I2", "卫河新镇段右堤渗水", "seepage", "large", "浚县", "卫河右堤 K33+200–K34+800（新镇镇）",
     5600, 0, (22, 11, 40), ("dike", "卫河", 114.367, 35.577, -1, 1.6), "堤身渗水，长约1.6公里"),
    ("I3", "卫河新镇镇彭村段决口", "breach", "extreme", "浚县", "卫河左堤 K37+600（新镇镇彭村）",
     12000, 420, (22, 18, 40), ("dike", "卫河", 114.395, 35.588, 1, 0.4), "决口宽约40米，洪水进入良相坡"),
    ("I4", "共产主义渠刘庄段漫溢", "overtopping", "major", "浚县", "共产主义渠左堤 K46+000–K47+200",
     8600, 0, (22, 21, 30), ("dike", "共产主义渠", 114.575, 35.728, 1, 1.2), "洪水漫过堤顶，抢筑子堤"),
    ("I10", "共渠西群众被困", "trapped", "large", "淇滨区", "共渠西蓄滞洪区",
     65, 65, (22, 23, 10), ("village", "共渠西"), "分洪后65人未及转移，被困房顶"),
    ("I5", "共产主义渠左堤崩岸", "bank_collapse", "large", "淇滨区", "共产主义渠左堤 K12+300",
     2400, 0, (23, 5, 50), ("dike", "共产主义渠", 114.330, 35.636, 1, 0), "迎水坡崩塌约60米"),
    ("I9", "良相坡群众被困", "trapped", "major", "浚县", "良相坡蓄滞洪区",
     180, 180, (23, 7, 30), ("village", "良相坡"), "决口洪水进村，180人被困"),
    ("I6", "卫河小河段管涌群", "piping", "major", "浚县", "卫河左堤 K44+500（小河镇）",
     4100, 0, (24, 16, 30), ("dike", "卫河", 114.470, 35.625, 1, 0), "背水侧出现管涌群7处"),
    ("I7", "卫河屯子段漫溢", "overtopping", "large", "浚县", "卫河右堤 K63+000–K64+000（屯子镇）",
     3800, 0, (24, 3, 20), ("dike", "卫河", 114.660, 35.754, -1, 1.0), "局部堤段洪水漫顶"),
    ("I15", "卫河善堂段渗水", "seepage", "general", "浚县", "卫河右堤 K68+400（善堂镇）",
     900, 0, (25, 15, 10), ("dike", "卫河", 114.715, 35.776, -1, 0), "巡堤发现背水坡渗水，待核查"),
)

# key -> [(status, (day, h, m), threatened, trapped, rescued, note)]; figures None where unchanged.
# "trapped" is everyone trapped there so far, "rescued" those of them brought out (被困N人，已解救M人).
_STATUS: dict[str, list[tuple[str, tuple[int, int, int], int | None, int | None, int | None, str | None]]] = {
    "I16": [("handling", (22, 1, 30), None, None, None, "封闭隧道，抽排积水"),
            ("handling", (22, 3, 0), None, None, 6, "被困6人救出"),
            ("controlled", (22, 9, 0), None, None, None, None),
            ("closed", (23, 18, 0), None, None, None, "积水排尽，恢复通行")],
    "I13": [("handling", (22, 12, 0), None, None, None, "清理塌方"),
            ("controlled", (23, 18, 0), None, None, None, "单车道通行"),
            ("closed", (24, 16, 0), None, None, None, "恢复通行")],
    "I11": [("handling", (22, 6, 0), None, None, None, "乡村干部组织转移"),
            ("handling", (22, 11, 0), None, None, 3, "被困3人救出"),
            ("controlled", (22, 16, 0), None, None, None, None),
            ("closed", (24, 18, 0), 0, None, None, "受威胁群众全部转移")],
    "I12": [("handling", (22, 6, 40), None, None, None, None),
            ("handling", (22, 13, 30), None, None, 7, "被困7人全部救出"),
            ("controlled", (23, 10, 0), None, None, None, None),
            ("closed", (25, 10, 0), None, None, None, None)],
    "I14": [("handling", (22, 8, 10), None, None, None, None),
            ("controlled", (22, 15, 0), None, None, 12, "12人全部救出"),
            ("closed", (22, 20, 0), None, None, None, None)],
    "I1": [("handling", (22, 10, 50), None, None, None, "村组巡堤人员先期处置"),
           ("controlled", (23, 4, 0), None, None, None, "反滤围井压渗"),
           ("closed", (24, 10, 0), None, None, None, None)],
    "I8": [("handling", (22, 11, 0), None, None, None, None),
           ("controlled", (23, 20, 0), None, None, None, "开挖导渗沟"),
           ("closed", (25, 9, 0), None, None, None, None)],
    "I2": [("handling", (22, 12, 20), None, None, None, None),
           ("controlled", (23, 9, 0), None, None, None, "铺设土工布反滤"),
           ("closed", (25, 8, 0), None, None, None, None)],
    "I3": [("handling", (22, 19, 0), None, None, None, "组织抢险、转移群众"),
           ("handling", (23, 6, 0), None, 420, 260, "冲锋舟转移260人"),
           ("handling", (23, 18, 0), 31000, 420, 420, "被困群众全部转移"),
           ("controlled", (24, 22, 0), None, None, None, "决口合龙")],
    "I4": [("handling", (22, 22, 0), None, None, None, "抢筑子堤"),
           ("controlled", (23, 16, 0), None, None, None, None),
           ("closed", (25, 12, 0), None, None, None, None)],
    "I10": [("handling", (22, 23, 40), None, None, None, None),
            ("controlled", (23, 9, 0), None, 65, 65, "65人全部救出"),
            ("closed", (23, 16, 0), None, None, None, None)],
    "I5": [("handling", (23, 6, 30), None, None, None, "抛石护坡"),
           ("controlled", (24, 3, 0), None, None, None, None),
           ("closed", (25, 16, 0), None, None, None, None)],
    "I9": [("handling", (23, 8, 0), None, None, None, None),
           ("handling", (23, 14, 0), None, 180, 120, None),
           ("controlled", (23, 20, 0), None, 180, 180, "被困群众全部转移"),
           ("closed", (24, 12, 0), None, None, None, None)],
    "I6": [("handling", (24, 17, 0), None, None, None, "围井导渗，持续处置")],
    "I7": [("handling", (24, 4, 0), None, None, None, "抢筑子堤"),
           ("controlled", (25, 5, 0), None, None, None, None)],
    # I15: reported only, still unchecked at the demo's end
}

# force, incident key, action, personnel, vehicles, boats, (day, h, m), task
_DISPATCHES: tuple[tuple[str, str, str, int, int, int, tuple[int, int, int], str], ...] = (
    ("鹤煤集团矿山救护大队", "I11", "send", 30, 4, 0, (22, 9, 0), "搜救被困群众"),
    ("鹤煤集团矿山救护大队", "I12", "send", 40, 6, 0, (22, 9, 0), "泥石流现场搜救"),
    ("鹤煤集团矿山救护大队", "I14", "send", 20, 2, 0, (22, 9, 30), "解救被困群众"),
    ("鹤壁市消防救援支队浚县大队", "I8", "send", 60, 8, 0, (22, 11, 0), "排水导渗"),
    ("浚县公安局交通管制组", "I8", "send", 40, 10, 0, (22, 11, 30), "古城周边交通管制"),
    ("浚县人武部基干民兵应急连", "I1", "send", 200, 6, 0, (22, 13, 0), "围井压渗"),
    ("浚县人武部基干民兵应急连", "I2", "send", 150, 4, 0, (22, 13, 0), "巡堤查险、铺设反滤"),
    ("解放军某部抢险分队", "I1", "send", 300, 12, 0, (22, 17, 30), "反滤围井"),
    ("解放军某部抢险分队", "I2", "send", 150, 8, 0, (22, 17, 30), "堤防加固"),
    ("解放军某部抢险分队", "I3", "send", 300, 20, 10, (22, 19, 30), "堵口抢险"),
    ("鹤壁蓝天救援队", "I3", "send", 50, 6, 8, (22, 19, 30), "水上转移群众"),
    ("浚县人武部基干民兵应急连", "I4", "send", 200, 6, 0, (22, 22, 10), "抢筑子堤"),
    ("武警鹤壁支队", "I3", "send", 200, 14, 4, (22, 22, 30), "堵口抢险"),
    ("鹤壁市消防救援支队浚县大队", "I10", "send", 26, 4, 4, (22, 23, 40), "解救被困群众"),
    ("武警鹤壁支队", "I4", "send", 80, 6, 0, (23, 0, 30), "抢筑子堤"),
    ("中国安能抢险队（示意）", "I1", "send", 80, 20, 2, (23, 3, 0), "管涌处置"),
    ("浚县人武部基干民兵应急连", "I5", "send", 40, 2, 0, (23, 6, 30), "抛石护坡"),
    ("某工兵团舟桥分队", "I3", "send", 180, 12, 24, (23, 7, 0), "架设舟桥、转移群众"),
    ("浚县人武部基干民兵应急连", "I1", "recall", 100, 3, 0, (23, 8, 0), "险情趋稳，部分撤回"),
    ("某工兵团舟桥分队", "I9", "send", 60, 4, 6, (23, 8, 0), "冲锋舟转移被困群众"),
    ("鹤壁蓝天救援队", "I9", "send", 14, 2, 0, (23, 8, 0), "引导转移"),
    ("鹤壁市消防救援支队浚县大队", "I9", "send", 40, 6, 6, (23, 8, 30), "水上救援"),
    ("中国安能抢险队（示意）", "I3", "send", 60, 16, 2, (23, 10, 0), "大型机械堵口"),
    ("淇县基干民兵抢险队", "I13", "send", 50, 6, 0, (23, 11, 0), "清理塌方"),
    ("省消防救援总队跨区增援分队", "I3", "send", 80, 10, 8, (23, 15, 0), "水上搜救"),
    ("浚县人武部基干民兵应急连", "I7", "send", 100, 4, 0, (24, 4, 10), "抢筑子堤"),
    ("鹤壁蓝天救援队", "I3", "recall", 50, 6, 8, (24, 6, 0), "转移任务完成"),
    ("浚县义工联合会", "I7", "send", 120, 3, 0, (24, 9, 0), "装填沙袋"),
    ("解放军某部抢险分队", "I6", "send", 200, 10, 0, (24, 17, 0), "管涌群处置"),
    ("省消防救援总队跨区增援分队", "I6", "send", 100, 12, 8, (24, 17, 30), "排水抢险"),
    ("某工兵团舟桥分队", "I3", "recall", 120, 8, 16, (24, 20, 0), "决口合龙在即，部分撤回"),
    ("解放军某部抢险分队", "I3", "recall", 200, 12, 6, (25, 8, 0), "险情已控制，轮换休整"),
)


def _incident_geometry(b: _Builder, where: tuple[Any, ...], villages: list[Record],
                       hazards: dict[str, Record], waterlogging: list[Record]) -> shapely.Geometry:
    kind = where[0]
    if kind == "dike":
        return _on_dike(*where[1:])
    if kind == "spot":
        spots = [w for w in waterlogging if w["name"] == where[1]] or [
            w for w in waterlogging if w["kind"] == "underpass"]
        return spots[0]["geometry"]
    if kind == "hazard":
        h = _struck_hazard(list(hazards.values()), where)
        g = h["geometry"]
        return b.place(round(g.x + where[2], 5), round(g.y + where[3], 5), h["county"])
    # a village inside the storage area: the first in the demo's order
    v = next(r for r in villages if r["note"] == f"位于{where[1]}蓄滞洪区内")
    g = v["geometry"]
    return g if g.geom_type == "Point" else shapely.point_on_surface(g)


def _struck_hazard(hazards: list[Record], where: tuple[Any, ...]) -> Record:
    """The hazard point a hill incident strikes: by name, or (another seed) the first of its kind."""
    named = [h for h in hazards if h["name"] == where[1]]
    if named:
        return named[0]
    kind = "landslide" if "滑坡" in where[1] else "debris_flow"
    return next(h for h in hazards if h["hazard_type"] == kind and h["county"] != "山城区")


def _incident_names() -> dict[str, str]:
    return {row[0]: row[1] for row in _INCIDENTS}


def _incidents(b: _Builder, done: dict[str, list[Record]]) -> list[Record]:
    hazards = {h["name"]: h for h in done["hazards"]}
    rows: list[Record] = []
    for _key, name, kind, severity, county, place, threatened, trapped, at, where, note in _INCIDENTS:
        geom = _incident_geometry(b, where, done["villages"], hazards, done["waterlogging"])
        if where[0] == "village":
            village = next(r for r in done["villages"] if r["note"] == f"位于{where[1]}蓄滞洪区内")
            place = f"{place} {village['township']}{village['name']}"
            county = village["county"]
        rows.append({
            "name": name,
            "kind": kind,
            "severity": severity,
            "county": county,
            "place": place,
            "threatened": threatened,
            "trapped": trapped,
            **b.people("reporter"),
            "reported_at": b.when(*at),
            "source": DEMO_SOURCE,
            "note": note,
            "geometry": geom,
        })
    return rows


def _incident_status(b: _Builder, done: dict[str, list[Record]]) -> list[Record]:
    names = _incident_names()
    rows = []
    for key, steps in _STATUS.items():
        for status, at, threatened, trapped, rescued, note in steps:
            rows.append({
                "incident": names[key],
                "status": status,
                "threatened": threatened,
                "trapped": trapped,
                "rescued": rescued,
                "reported_at": b.when(*at),
                "source": DEMO_SOURCE,
                "note": note,
            })
    rows.sort(key=lambda r: r["reported_at"])
    return rows


def _dispatches(b: _Builder, done: dict[str, list[Record]]) -> list[Record]:
    names = _incident_names()
    forces = {f["name"]: f for f in done["forces"]}
    rows = []
    for force, key, action, men, cars, boats, at, task in _DISPATCHES:
        when = b.when(*at)
        if when < forces[force]["reported_at"]:
            raise ValueError(f"demo dispatch of {force} at {when} before it is reported")
        rows.append({
            "force": force,
            "incident": names[key],
            "action": action,
            "personnel": men,
            "vehicles": cars,
            "boats": boats,
            "task": task,
            "reported_at": when,
            "source": DEMO_SOURCE,
            "note": None,
        })
    _check_commitments(rows, forces, done["incident_status"])
    return rows


def _check_commitments(rows: list[Record], forces: dict[str, Record], status: list[Record]) -> None:
    """No force ever has more out than it has (the rule of the operations fold, replayed)."""
    out: dict[tuple[str, str], list[int]] = {}
    closed = sorted((r["reported_at"], r["incident"]) for r in status if r["status"] == "closed")
    events = sorted([(r["reported_at"], 1, r) for r in rows] + [(t, 0, {"closed": n}) for t, n in closed],
                    key=lambda e: (e[0], e[1]))
    for _t, _k, r in events:
        if "closed" in r:
            for pair in [p for p in out if p[1] == r["closed"]]:
                del out[pair]
            continue
        sign = -1 if r["action"] == "recall" else 1
        have = out.setdefault((r["force"], r["incident"]), [0, 0, 0])
        for i, f in enumerate(("personnel", "vehicles", "boats")):
            have[i] = max(0, have[i] + sign * r[f])
        for i, f in enumerate(("personnel", "vehicles", "boats")):
            total = sum(v[i] for (force, _), v in out.items() if force == r["force"])
            if total > int(forces[r["force"]][f] or 0):
                raise ValueError(f"demo commits {total} {f} of {r['force']}, which has {forces[r['force']][f]}")


# ------------------------------------------------------------------ warnings and answers
_CITY_OFFICE = "鹤壁市防汛抗旱指挥部办公室"
_RAIN = "鹤壁市暴雨预警"
_GEO = "鹤壁市地质灾害气象风险预警"
# name, level, kind, text, issuer, (day, h, m), ends, recipients ("round1", "round2", "hazards")
_WARNINGS: tuple[tuple[str, str, str, str, str, tuple[int, int, int], tuple[int, int, int] | None, str], ...] = (
    (_RAIN, "orange", "rain",
     "预计21日白天到22日，我市有大暴雨，局部特大暴雨。请各县区立即进入防御状态，"
     "蓄滞洪区内群众做好转移准备（示意）", _CITY_OFFICE, (21, 11, 30), None, "round1"),
    (_GEO, "orange", "geohazard",
     "21日16时至23日16时，我市西部山区发生地质灾害的风险高。请各隐患点责任人加强巡查，"
     "发现险情立即组织群众撤离（示意）", "鹤壁市自然资源和规划局、鹤壁市气象局（示意）",
     (21, 16, 0), (25, 12, 0), "hazards"),
    (_RAIN, "red", "rain",
     "暴雨橙色预警升级为红色预警：未来24小时我市大部分地区仍有大暴雨到特大暴雨，卫河、共产主义渠"
     "将超保证水位行洪。请立即组织蓄滞洪区及周边群众转移（示意）", _CITY_OFFICE, (22, 4, 30), None, "round2"),
)


def _warning_recipients(done: dict[str, list[Record]]) -> dict[str, list[str]]:
    from floodpost.data import recipients as rcp

    villages = [v for v in done["villages"] if (v["note"] or "").startswith(("位于", "蓄滞洪区周边"))]
    inside = [v for v in villages if (v["note"] or "").startswith("位于")]
    counties = list(COUNTY_NAMES)
    return {
        "round1": counties + [rcp.village_key(v["county"], v["township"], v["name"]) for v in inside],
        "round2": counties + [rcp.village_key(v["county"], v["township"], v["name"]) for v in villages],
        "hazards": [rcp.feature_key("hazards", h["name"]) for h in done["hazards"]],
    }


def _warnings(b: _Builder, done: dict[str, list[Record]]) -> list[Record]:
    from floodpost.data import recipients as rcp

    keys = _warning_recipients(done)
    return [
        {
            "name": name,
            "level": level,
            "kind": kind,
            "text": text,
            "issuer": issuer,
            "recipients": rcp.join(keys[who]),
            "reported_at": b.when(*at),
            "ends_at": b.when(*ends) if ends else None,
            "source": DEMO_SOURCE,
            "note": None,
        }
        for name, level, kind, text, issuer, at, ends, who in _WARNINGS
    ]


def _plus(text: str, minutes: float) -> str:
    from datetime import datetime, timedelta

    t = datetime.fromisoformat(text) + timedelta(minutes=round(minutes))
    return t.strftime("%Y-%m-%dT%H:%M:00")


def _acknowledgements(b: _Builder, done: dict[str, list[Record]]) -> list[Record]:
    """Who answered each warning, when and how: most within minutes, some late, a few never."""
    from floodpost.data import recipients as rcp

    who: dict[str, tuple[str | None, str | None]] = {}
    for c in COUNTY_NAMES:
        who[c] = (b.person(), b.phone(mobile=False))  # the county office's duty officer
    for v in done["villages"]:
        who[rcp.village_key(v["county"], v["township"], v["name"])] = (v["head_person"], v["head_phone"])
    for h in done["hazards"]:
        who[rcp.feature_key("hazards", h["name"])] = (h["resp_person"], h["resp_phone"])
    rows: list[Record] = []

    def ack(warning: str, key: str, at: str, how: str, note: str | None = None) -> None:
        person, phone = who[key] if how != "no_answer" else (None, None)
        rows.append({
            "warning": warning, "recipient": key, "how": how,
            "by_person": person, "by_phone": phone if how in ("phone", "sms") else None,
            "reported_at": at, "source": DEMO_SOURCE, "note": note,
        })

    for w in done["warnings"]:
        issued = w["reported_at"]
        for key in rcp.split(w["recipients"]):
            if key in COUNTY_NAMES:
                ack(w["name"], key, _plus(issued, b.rng.uniform(2, 9)), "phone")
                continue
            u = b.rng.random()
            if u < 0.07:  # never answered: called and called again
                for m in sorted(b.rng.uniform(8, 70, int(b.rng.integers(1, 4)))):
                    ack(w["name"], key, _plus(issued, m), "no_answer", "无人接听")
            elif u < 0.17:  # no answer at first, reached later
                ack(w["name"], key, _plus(issued, b.rng.uniform(8, 20)), "no_answer", "无人接听")
                ack(w["name"], key, _plus(issued, b.rng.uniform(35, 150)),
                    str(b.rng.choice(["phone", "radio"])), "回拨确认")
            elif u < 0.27:  # late, by text message
                ack(w["name"], key, _plus(issued, b.rng.uniform(32, 95)), "sms", "短信回复收到")
            else:
                how = str(b.rng.choice(["phone", "sms", "radio"], p=[0.6, 0.25, 0.15]))
                ack(w["name"], key, _plus(issued, b.rng.uniform(2, 27)), how)
    rows.sort(key=lambda r: r["reported_at"])
    return rows


# ------------------------------------------------------------------ water and rain (issue 19)
# Gauges named after the places of the real ones; positions, codes, levels and
# every figure are illustrative. Times are hours of July 2021 (Beijing time),
# written (day, hour).
_HYDRO_UNIT = "鹤壁水文水资源勘测局（示意）"
_WATER_START = (17, 8)  # the first bulletin the demo has
_WATER_END = (25, 18)  # the demo's last report
_STORM = ((20, 8), (23, 8))  # rain gauges report hourly in between (加密报汛)
_HIGH_WATER = (21, 8)  # rivers and reservoirs every 2 hours from here on

Hours = tuple[int, int]

# name, code, river, near (lon, lat), 警戒, 保证, zero-flow level, flow at 警戒 (m³/s),
# the level at (day, hour) points (straight lines between them)
_RIVER_GAUGES: tuple[tuple[str, str, str, XY, float, float, float, float, tuple[tuple[Hours, float], ...]], ...] = (
    ("淇门", "31604100", "卫河", (114.295, 35.588), 66.80, 69.20, 60.5, 420.0, (
        ((17, 8), 63.90), ((20, 8), 63.95), ((21, 8), 64.30), ((21, 20), 65.10), ((22, 2), 66.20),
        ((22, 6), 67.10), ((22, 12), 67.90), ((22, 20), 68.60), ((23, 8), 68.95), ((23, 20), 68.70),
        ((24, 12), 67.90), ((25, 18), 66.95))),
    ("新镇", "31604150", "卫河", (114.372, 35.582), 65.90, 68.20, 59.4, 460.0, (
        ((17, 8), 62.80), ((20, 8), 62.90), ((21, 8), 63.30), ((21, 20), 64.40), ((22, 2), 65.60),
        ((22, 8), 66.90), ((22, 14), 68.00), ((22, 18), 68.55), ((22, 20), 68.35), ((23, 8), 68.60),
        ((23, 20), 68.30), ((24, 8), 67.90), ((24, 20), 67.40), ((25, 18), 66.60))),
    ("浚县", "31604200", "卫河", (114.535, 35.668), 63.50, 65.80, 57.0, 480.0, (
        ((17, 8), 60.60), ((20, 8), 60.70), ((21, 8), 61.00), ((22, 0), 62.30), ((22, 10), 63.60),
        ((22, 20), 64.50), ((23, 12), 65.20), ((24, 6), 65.50), ((24, 18), 65.35), ((25, 18), 64.80))),
    ("盐土庄", "31604300", "卫河", (114.700, 35.774), 61.20, 63.50, 54.8, 520.0, (
        ((17, 8), 58.40), ((21, 8), 58.60), ((22, 8), 59.50), ((22, 20), 60.40), ((23, 8), 61.10),
        ((23, 20), 61.90), ((24, 12), 62.80), ((25, 6), 63.15), ((25, 18), 63.20))),
    ("钜桥", "31605100", "共产主义渠", (114.345, 35.643), 67.30, 69.20, 61.2, 260.0, (
        ((17, 8), 64.60), ((21, 8), 64.80), ((21, 20), 65.30), ((22, 2), 66.50), ((22, 6), 67.90),
        ((22, 14), 68.70), ((23, 2), 68.90), ((23, 14), 68.20), ((24, 2), 67.40), ((24, 14), 66.90),
        ((25, 18), 66.20))),
    ("刘庄", "31605200", "共产主义渠", (114.585, 35.729), 64.20, 66.30, 58.0, 300.0, (
        ((17, 8), 61.30), ((21, 8), 61.60), ((21, 20), 62.40), ((22, 4), 63.80), ((22, 10), 65.20),
        ((22, 16), 66.10), ((22, 22), 66.75), ((23, 10), 66.90), ((23, 22), 66.50), ((24, 12), 66.00),
        ((25, 18), 65.10))),
    ("新村", "31606100", "淇河", (114.160, 35.801), 96.50, 98.80, 91.0, 380.0, (
        ((17, 8), 94.10), ((21, 8), 94.20), ((21, 20), 94.90), ((22, 4), 96.10), ((22, 10), 96.90),
        ((22, 18), 97.20), ((23, 8), 96.80), ((23, 20), 96.30), ((25, 18), 95.20))),
    ("淇滨", "31606150", "淇河", (114.250, 35.752), 88.20, 90.40, 82.6, 420.0, (
        ((17, 8), 86.00), ((21, 8), 86.10), ((21, 20), 86.70), ((22, 4), 87.60), ((22, 12), 88.50),
        ((22, 20), 88.90), ((23, 12), 88.40), ((24, 0), 87.90), ((25, 18), 87.00))),
    ("高村", "31606200", "淇河", (114.284, 35.620), 84.00, 86.50, 78.5, 450.0, (
        ((17, 8), 81.60), ((21, 8), 81.70), ((22, 6), 82.90), ((22, 20), 83.60), ((23, 8), 83.70),
        ((24, 8), 83.20), ((25, 18), 82.60))),
    # a flash flood off the hills: over 警戒 at 04:00 and back under at 06:00, between two bulletins
    ("鹿楼", "31607100", "汤河", (114.262, 35.949), 92.00, 93.80, 88.2, 150.0, (
        ((17, 8), 89.90), ((21, 8), 90.00), ((21, 20), 90.50), ((22, 0), 90.90), ((22, 2), 91.45),
        ((22, 4), 92.12), ((22, 6), 91.86), ((22, 8), 91.50), ((22, 14), 91.10), ((23, 8), 90.60),
        ((25, 18), 90.20))),
)

# reservoir (its 汛限 is the reservoir layer's), code, 设计, 校核, storage at 汛限 (万m³),
# 万m³ per metre, rise rate (m/h; None = the default), levels at (day, hour), outflow (m³/s) at (day, hour)
_RESERVOIR_GAUGES: tuple[tuple[str, str, float, float, float, float, float | None,
                               tuple[tuple[Hours, float], ...], tuple[tuple[Hours, float], ...]], ...] = (
    ("盘石头水库", "31606010", 264.20, 270.70, 30500.0, 1250.0, 0.15, (
        ((17, 8), 243.60), ((21, 8), 243.80), ((21, 20), 244.30), ((22, 2), 245.60), ((22, 12), 246.90),
        ((23, 0), 248.10), ((23, 18), 248.90), ((24, 12), 249.20), ((25, 18), 249.00)),
        (((17, 8), 25.0), ((22, 12), 25.0), ((23, 0), 100.0), ((24, 0), 180.0), ((25, 18), 180.0))),
    ("夺丰水库", "31606310", 155.60, 157.20, 780.0, 85.0, None, (
        ((17, 8), 149.20), ((21, 8), 149.30), ((22, 6), 150.80), ((22, 18), 151.60), ((24, 0), 151.30),
        ((25, 18), 150.90)),
        (((17, 8), 2.0), ((22, 6), 2.0), ((22, 18), 18.0), ((25, 18), 12.0))),
    ("正阳水库", "31606320", 174.80, 176.30, 640.0, 70.0, None, (
        ((17, 8), 168.60), ((21, 8), 168.70), ((22, 8), 170.60), ((22, 20), 171.20), ((24, 12), 170.90),
        ((25, 18), 170.60)),
        (((17, 8), 1.5), ((22, 8), 1.5), ((22, 20), 14.0), ((25, 18), 9.0))),
    ("琵琶寺水库", "31606330", 190.30, 191.40, 240.0, 30.0, None, (
        ((17, 8), 185.90), ((21, 8), 186.00), ((22, 6), 187.20), ((22, 16), 187.70), ((24, 12), 187.40),
        ((25, 18), 187.10)),
        (((17, 8), 0.5), ((22, 6), 0.5), ((22, 16), 6.0), ((25, 18), 4.0))),
)

# name, code, county, lon, lat, the storm's rain 20 July 08:00 - 23 July 08:00 (mm),
# shares of it in the three bursts (20 July evening, 21 July afternoon, 22 July small hours)
_RAIN_GAUGES: tuple[tuple[str, str, str, float, float, float, tuple[float, float, float]], ...] = (
    ("黄洞", "31608101", "淇县", 114.040, 35.672, 720.0, (0.12, 0.62, 0.26)),
    ("庙口", "31608102", "淇县", 114.062, 35.628, 650.0, (0.12, 0.60, 0.28)),
    ("西岗", "31608103", "淇县", 114.110, 35.592, 520.0, (0.15, 0.58, 0.27)),
    ("朝歌", "31608104", "淇县", 114.198, 35.608, 480.0, (0.16, 0.56, 0.28)),
    ("上峪", "31608105", "淇滨区", 114.100, 35.822, 610.0, (0.12, 0.62, 0.26)),
    ("大河涧", "31608106", "淇滨区", 114.082, 35.868, 560.0, (0.12, 0.60, 0.28)),
    ("鹤壁", "31608107", "淇滨区", 114.292, 35.738, 430.0, (0.18, 0.52, 0.30)),
    ("姬家山", "31608108", "鹤山区", 114.090, 35.958, 480.0, (0.14, 0.58, 0.28)),
    ("鹤壁集", "31608109", "鹤山区", 114.165, 35.965, 420.0, (0.15, 0.55, 0.30)),
    ("石林", "31608110", "山城区", 114.190, 35.885, 400.0, (0.16, 0.54, 0.30)),
    ("新镇雨量", "31608111", "浚县", 114.368, 35.556, 320.0, (0.20, 0.48, 0.32)),
    ("浚县城关", "31608112", "浚县", 114.556, 35.680, 300.0, (0.20, 0.46, 0.34)),
)
#: the bursts: (centre (day, hour), spread in hours); and the light rain of 18 July evening (mm at most)
_BURSTS: tuple[tuple[Hours, float], ...] = (((20, 21), 4.0), ((21, 17), 3.5), ((22, 2), 3.0))
_DRIZZLE: tuple[Hours, float, float] = ((18, 21), 3.0, 18.0)
#: a hill gauge whose link failed in the storm: nothing from it in this span (inclusive)
_SILENT: tuple[str, Hours, Hours] = ("姬家山", (22, 3), (23, 4))

#: up crossings the duty officer acknowledged: (station, threshold) -> (minutes after, what was done);
#: those not here stay unacknowledged (the flash flood at 鹿楼, 盐土庄 over 警戒 on the 23rd)
_ALERT_ACKS: dict[tuple[str, str], tuple[int, str]] = {
    ("盘石头水库", "flood_limit"): (25, "已通知水库管理局按调度方案控泄"),
    ("新镇", "warning"): (20, "已通知浚县防办上堤巡查"),
    ("淇门", "warning"): (40, "已通知浚县防办"),
    ("钜桥", "warning"): (40, "已通知淇滨区防办"),
    ("刘庄", "warning"): (40, "已通知浚县防办"),
    ("新村", "warning"): (15, "已通知淇滨区、淇县防办"),
    ("浚县", "warning"): (90, "已通知浚县防办，古城护城堤加强巡查"),
    ("淇滨", "warning"): (125, "已通知淇滨区防办，沿河绿道封闭"),
    ("新镇", "guaranteed"): (10, "已报市防指，组织堤防抢险"),
    ("刘庄", "guaranteed"): (20, "已报市防指，抢筑子堤"),
}
_NOT_ACKNOWLEDGED = {("鹿楼", "warning"), ("盐土庄", "warning")}


def _hour(at: Hours) -> int:
    """Hours since 17 July 2021 00:00 (Beijing time)."""
    return (at[0] - 17) * 24 + at[1]


def _at(hour: float) -> tuple[int, int, int]:
    """(day, hour, minute) of hours since 17 July 00:00."""
    minutes = int(round(hour * 60))
    return 17 + minutes // 1440, minutes % 1440 // 60, minutes % 60


def _water_hours(kind: str) -> list[int]:
    """When a gauge of ``kind`` reports: every 6 h, then every 2 h (levels) or hourly in the storm (rain)."""
    first, end = _hour(_WATER_START), _hour(_WATER_END)
    six = [h for h in range(first, end + 1) if h % 6 == 2]
    if kind == "rain":
        lo, hi = _hour(_STORM[0]), _hour(_STORM[1])
        return sorted({h for h in six if not lo <= h <= hi} | set(range(lo, hi + 1)))
    high = _hour(_HIGH_WATER)
    return [h for h in six if h < high] + list(range(high, end + 1, 2))


def _curve(points: tuple[tuple[Hours, float], ...], hours: list[int]) -> np.ndarray:
    return np.interp(hours, [_hour(p) for p, _ in points], [v for _, v in points])


def _on_river(b: _Builder, river: str, near: XY) -> shapely.Point:
    line = _multi(shapely.intersection(_river_lines()[river], b.city), "LineString")
    p = line.interpolate(line.project(shapely.Point(near)))
    return shapely.Point(round(p.x, 5), round(p.y, 5))


def _stations(b: _Builder, done: dict[str, list[Record]]) -> list[Record]:
    """River gauges on the demo's rivers, gauges at the dams of four reservoirs, rain gauges in the hills and towns."""
    rows: list[Record] = []

    def add(name: str, code: str, kind: str, geom: shapely.Point, **levels: Any) -> None:
        rows.append({
            "name": name, "code": code, "kind": kind, "river": None, "reservoir": None,
            "county": b.county_of(geom), "warning_level": None, "guaranteed_level": None,
            "flood_limit_level": None, "design_level": None, "check_level": None,
            "rise_rate": None, "report_hours": None, **levels,
            **b.people("resp"), "resp_unit": _HYDRO_UNIT, "source": DEMO_SOURCE,
            "note": "站名参照当地测站，位置与特征值为示意", "geometry": geom,
        })

    for name, code, river, near, warn, guar, *_rest in _RIVER_GAUGES:
        add(name, code, "river", _on_river(b, river, near), river=river, warning_level=warn, guaranteed_level=guar)
    reservoirs = {r["name"]: r for r in done["reservoirs"]}
    for name, code, design, check, _s, _a, rate, *_rest in _RESERVOIR_GAUGES:
        r = reservoirs[name]
        g = r["geometry"]
        # beside the reservoir's own symbol (not on it), inside its county
        pt = next(p for dx, dy in ((0.004, -0.002), (-0.004, -0.002), (0.0, -0.004), (0.0, 0.004))
                  if b.inner[r["county"]].contains(p := shapely.Point(round(g.x + dx, 5), round(g.y + dy, 5))))
        add(name, code, "reservoir", pt, river="淇河" if name == "盘石头水库" else None, reservoir=name,
            flood_limit_level=r["flood_limit_level"], design_level=design, check_level=check, rise_rate=rate)
    for name, code, county, x, y, *_rest in _RAIN_GAUGES:
        add(name, code, "rain", b.place(x, y, county))
    return rows


def _burst_share(start: float, end: float) -> np.ndarray:
    """Each burst's share of its rain falling in hours (start, end]."""
    out = []
    for centre, spread in _BURSTS:
        c = _hour(centre)
        out.append(0.5 * (math.erf((end - c) / (spread * math.sqrt(2))) - math.erf((start - c) / (spread * math.sqrt(2)))))
    return np.array(out)


def _readings(b: _Builder, done: dict[str, list[Record]]) -> list[Record]:
    """The bulletins of 17-25 July: levels rising after the storm, hourly rain while it lasted."""
    rows: list[Record] = []

    def add(name: str, hour: int, note: str | None = None, **figures: float | None) -> None:
        rows.append({"station": name, "reported_at": b.when(*_at(hour)[:2]), "level": None, "flow": None,
                     "storage": None, "rain": None, **figures, "source": DEMO_SOURCE, "note": note})

    levels_at = _water_hours("river")
    for name, _code, _river, _near, warn, _guar, zero, q_warn, points in _RIVER_GAUGES:
        k = q_warn / (warn - zero) ** 1.6  # a rating curve through the flow at 警戒
        for h, level in zip(levels_at, _curve(points, levels_at), strict=True):
            level = round(float(level), 2)
            add(name, h, level=level, flow=round(k * max(level - zero, 0.0) ** 1.6, 0))
    reservoirs = {r["name"]: r for r in done["reservoirs"]}
    for name, _code, _d, _c, at_limit, per_m, _rate, points, outflow in _RESERVOIR_GAUGES:
        limit = float(reservoirs[name]["flood_limit_level"])
        for h, level, q in zip(levels_at, _curve(points, levels_at), _curve(outflow, levels_at), strict=True):
            level = round(float(level), 2)
            add(name, h, level=level, storage=round(at_limit + (level - limit) * per_m, 0), flow=round(float(q), 1))
    rain_at = _water_hours("rain")
    silent_name, silent_from, silent_to = _SILENT
    (drizzle_at, drizzle_spread, drizzle_most) = _DRIZZLE
    for name, *_place, total, shares in _RAIN_GAUGES:
        drizzle = float(b.rng.uniform(0.3, 1.0)) * drizzle_most
        previous = rain_at[0] - 6
        for h in rain_at:
            share = _burst_share(previous, h)
            d = _hour(drizzle_at)
            light = drizzle * 0.5 * (math.erf((h - d) / (drizzle_spread * math.sqrt(2)))
                                     - math.erf((previous - d) / (drizzle_spread * math.sqrt(2))))
            mm = (total * float(share @ np.array(shares)) + light) * float(b.rng.lognormal(0.0, 0.3))
            previous = h
            if name == silent_name and _hour(silent_from) <= h <= _hour(silent_to):
                continue  # the link is down: that rain is never reported
            note = "通信中断后恢复，期间缺测" if name == silent_name and h == _hour(silent_to) + 1 else None
            add(name, h, note=note, rain=round(mm, 1))
    rows.sort(key=lambda r: r["reported_at"])  # as the bulletins came in
    return rows


def _alert_acks(b: _Builder, done: dict[str, list[Record]]) -> list[Record]:
    """The duty officers' acknowledgements of the crossings, some late; two left waiting."""
    from floodpost.data.situation.hydro import Station, crossings

    stations = {s["name"]: Station.of(s) for s in done["stations"]}
    levels: dict[str, list[tuple[int, float]]] = {}
    for r in done["readings"]:
        if r["level"] is not None:
            day, hour = int(r["reported_at"][8:10]), int(r["reported_at"][11:13])
            levels.setdefault(r["station"], []).append((_hour((day, hour)), r["level"]))
    officers = [b.person(), b.person()]  # the day and the night duty officer
    rows: list[Record] = []
    for name, series in levels.items():
        for ev in crossings(stations[name], series):
            if ev.direction != "up":
                continue
            key = (name, ev.threshold)
            if key in _NOT_ACKNOWLEDGED:
                continue
            if key not in _ALERT_ACKS:
                raise ValueError(f"demo crossing {key} at hour {ev.ms} has no acknowledgement planned")
            minutes, done_what = _ALERT_ACKS[key]
            event_at = b.when(*_at(ev.ms)[:2])
            acked = b.when(*_at(ev.ms + minutes / 60))
            hour = _at(ev.ms + minutes / 60)[1]
            rows.append({
                "station": name, "threshold": ev.threshold, "direction": "up", "event_at": event_at,
                "by": officers[0 if 8 <= hour < 20 else 1], "reported_at": acked,
                "note": f"{done_what}（{DEMO_SOURCE}）",
            })
    rows.sort(key=lambda r: r["reported_at"])
    return rows


# ------------------------------------------------------------------ assembly
_LAYERS = (
    ("storage_areas", _storage_areas),
    ("rivers", _rivers),
    ("reservoirs", _reservoirs),
    ("reservoir_areas", _reservoir_areas),
    ("hazards", _hazards),
    ("waterlogging", _waterlogging),
    ("forces", _forces),
    ("depots", _depots),
    ("shelters", _shelters),
    ("material_tally", _material_tally),
    ("evacuation", _evacuation),
    ("works", _works),
)
#: Built after the layers above, from them; kept apart so their random draws
#: come after the older layers' and leave those unchanged.
_OPERATIONS: tuple[tuple[str, Any], ...] = (
    ("villages", _villages),
    ("incidents", _incidents),
    ("incident_status", _incident_status),
    ("dispatches", _dispatches),
    ("warnings", _warnings),
    ("acknowledgements", _acknowledgements),
)
#: The gauges and their bulletins (issue 19), after the operations for the same reason.
_WATER: tuple[tuple[str, Any], ...] = (
    ("stations", _stations),
    ("readings", _readings),
    ("alert_acks", _alert_acks),
)


def demo_records(seed: int = SEED) -> dict[str, list[Record]]:
    """Every demo layer and table as plain records, keyed by layer key.

    Separate from :func:`build_demo` so tests and tools can inspect the
    figures without a file; the same seed always gives the same records.
    """
    b = _Builder(seed)
    out = {key: make(b) for key, make in _LAYERS}
    # the operations read what is built before them (storage areas, hazards, forces, villages)
    for key, build in (*_OPERATIONS, *_WATER):
        out[key] = build(b, out)
    return out


DEMO_MEETINGS = ((22, "防汛会商（7月22日）"), (23, "防汛会商（7月23日）"), (24, "防汛会商（7月24日）"))


def build_demo(path: str | os.PathLike[str], overwrite: bool = False) -> Path:
    """Create the illustrative Hebi workspace at ``path`` and return its path.

    Each layer is one validated ``Workspace.insert`` (one transaction and one
    log entry), so a failure leaves no half-built layer behind.
    """
    records = demo_records()
    ws = Workspace.create(path, overwrite=overwrite)
    try:
        for key, rows in records.items():
            ws.insert(
                key,
                rows,
                operator=OPERATOR,
                summary=f"{SUMMARY}：{schema_for(key).zh} {len(rows)} 条",
                source="floodpost demo",
            )
        # The morning consultation meetings of those days (illustrative), the
        # anchors of "since the last meeting".
        for day, title in DEMO_MEETINGS:
            ws.record_meeting(title, operator=OPERATOR, at=f"2021-07-{day:02d}T09:00")
    finally:
        ws.close()
    return Path(path)
