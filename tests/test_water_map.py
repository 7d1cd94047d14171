"""Gauges on the map as of the slider's moment: levels against thresholds, rain on its ramp, stale gauges grey.

A small workspace of our own, every figure worked out by hand (Beijing time, 22 July 2021):

- 淇门 (river gauge, warning 65.00, guaranteed 66.50): 08:00 64.50, 10:00 64.80, 12:00 65.42. At 10:30 (T1)
  below warning by 0.20 m, rising 0.15 m/h (not fast); at 12:30 (T2) over warning by 0.42 m, rising 0.31 m/h
  (fast: the default rate is 0.3).
- 鹤壁 (rain gauge): 5 mm at 08:00, 20 mm at 10:00, 60 mm at 12:00: 25 mm in 24 h at T1 (大雨, 25–50),
  85 mm at T2 (暴雨, 50–100).
- 盘石头 (reservoir gauge, flood limit 245, design 250, check 255): one reading, 02:00 246.00: over the
  flood limit by 1.00 m but stale at both times (older than its 6 h): grey, "8小时前" at T1, "10小时前" at T2.
- 新村 (river gauge) never reported: grey, its name only.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely
from PySide6.QtGui import QColor, QImage, QPainter

from floodpost.cli import main
from floodpost.data.schema.symbology import (
    RAIN_RAMP,
    RISING_RING,
    STATION_STATE_COLOURS,
    rain_colour,
)
from floodpost.data.workspace import Workspace
from floodpost.layers.model.projection import to_mercator
from floodpost.layers.model.viewport import Viewport
from floodpost.layers.model.water import rain_class
from floodpost.layers.output.pagetext import PageText
from floodpost.layers.render.water import WaterOverlay
from floodpost.layers.scene import MapScene

BOUNDS = (114.0, 35.6, 114.4, 35.9)
SIZE = (800, 600)
DAY = "2021-07-22T"
T1, T2 = DAY + "10:30", DAY + "12:30"
PLACES = {"淇门": (114.10, 35.70), "鹤壁": (114.20, 35.80), "盘石头": (114.30, 35.66), "新村": (114.08, 35.84)}
RESP, RESP_PHONE = "周水文", "13600001234"


def build_water_workspace(path: Path, qimen: str = "淇门") -> Path:
    """The module's workspace (``qimen``: the river gauge's name, for a hostile one on the web page)."""
    with Workspace.create(path) as ws:
        ws.insert("stations", [
            {"name": qimen, "kind": "river", "river": "卫河", "county": "浚县", "warning_level": 65.0,
             "guaranteed_level": 66.5, "resp_person": RESP, "resp_phone": RESP_PHONE,
             "geometry": shapely.Point(*PLACES["淇门"])},
            {"name": "鹤壁", "kind": "rain", "county": "淇滨区", "geometry": shapely.Point(*PLACES["鹤壁"])},
            {"name": "盘石头", "kind": "reservoir", "reservoir": "盘石头水库", "flood_limit_level": 245.0,
             "design_level": 250.0, "check_level": 255.0, "geometry": shapely.Point(*PLACES["盘石头"])},
            {"name": "新村", "kind": "river", "river": "淇河", "warning_level": 100.0,
             "geometry": shapely.Point(*PLACES["新村"])},
        ])
        ws.insert("readings", [
            {"station": qimen, "reported_at": DAY + "08:00", "level": 64.5, "flow": 310.0},
            {"station": qimen, "reported_at": DAY + "10:00", "level": 64.8, "flow": 420.0},
            {"station": qimen, "reported_at": DAY + "12:00", "level": 65.42, "flow": 650.0},
            {"station": "鹤壁", "reported_at": DAY + "08:00", "rain": 5.0},
            {"station": "鹤壁", "reported_at": DAY + "10:00", "rain": 20.0},
            {"station": "鹤壁", "reported_at": DAY + "12:00", "rain": 60.0},
            {"station": "盘石头", "reported_at": DAY + "02:00", "level": 246.0, "storage": 18000.0},
        ])
    return path


@pytest.fixture
def water_ws(tmp_path: Path) -> Path:
    return build_water_workspace(tmp_path / "water.gpkg")


def _render(ws: Workspace, at: str) -> tuple[QImage, MapScene]:
    scene = MapScene.from_workspace(ws)
    scene.show_situation(ws, at)
    img, _ = scene.render(Viewport.for_lonlat(BOUNDS, *SIZE))
    return img, scene


def _xy(lon: float, lat: float) -> tuple[int, int]:
    vp = Viewport.for_lonlat(BOUNDS, *SIZE)
    x, y = vp.to_screen(*to_mercator(np.array([lon]), np.array([lat])))
    return int(round(float(x[0]))), int(round(float(y[0])))


def _near(c: QColor, hexcolor: str, tol: int = 12) -> bool:
    want = QColor(hexcolor)
    return abs(c.red() - want.red()) + abs(c.green() - want.green()) + abs(c.blue() - want.blue()) <= tol


def _fill(img: QImage, name: str, dy: int = 0) -> QColor:
    x, y = _xy(*PLACES[name])
    return img.pixelColor(x, y + dy)


def test_rain_classes_follow_the_ramp() -> None:
    assert [rain_class(mm) for mm in (0, 9.9, 10, 25, 85, 249.9, 250, 400)] == [
        "0", "0", "10", "25", "50", "100", "250", "250"]
    assert [lo for lo, _ in RAIN_RAMP] == [0, 10, 25, 50, 100, 250]


def test_the_overlay_carries_the_moment(qapp, water_ws: Path) -> None:
    with Workspace.open(water_ws) as ws:
        _, scene = _render(ws, T1)
        _, later = _render(ws, T2)
    marks = {m.name: m for m in next(o for o in scene.painter.overlays if isinstance(o, WaterOverlay)).marks}
    q = marks["淇门"]
    assert (q.state, q.grey, q.rising, q.margin, q.fill) == ("normal", False, False, -0.2,
                                                             STATION_STATE_COLOURS["normal"])
    assert (marks["鹤壁"].rain24, marks["鹤壁"].fill) == (25.0, RAIN_RAMP[2][1])
    p = marks["盘石头"]
    assert (p.grey, p.over, p.margin, p.age_min, p.fill) == (True, True, 1.0, 510.0, STATION_STATE_COLOURS["no_reading"])
    assert marks["新村"].grey and marks["新村"].age_min is None
    marks = {m.name: m for m in next(o for o in later.painter.overlays if isinstance(o, WaterOverlay)).marks}
    q = marks["淇门"]
    assert (q.state, q.rising, q.threshold, q.margin) == ("over_warning", True, "warning", 0.42)
    assert q.fill == STATION_STATE_COLOURS["over_warning"] and q.label_style == "over"
    assert marks["鹤壁"].rain24 == 85.0 and marks["鹤壁"].fill == rain_colour(85.0) == RAIN_RAMP[3][1]


def test_snapshots_differ_where_the_gauge_crossed(qapp, water_ws: Path) -> None:
    with Workspace.open(water_ws) as ws:
        early, _ = _render(ws, T1)
        later, _ = _render(ws, T2)
    # a triangle's centroid sits below its anchor: look a little below
    assert _near(_fill(early, "淇门", 2), STATION_STATE_COLOURS["normal"])
    assert _near(_fill(later, "淇门", 2), STATION_STATE_COLOURS["over_warning"])
    assert _near(_fill(early, "鹤壁"), RAIN_RAMP[2][1]) and _near(_fill(later, "鹤壁"), RAIN_RAMP[3][1])
    for name in ("盘石头", "新村"):  # stale and never reported: grey at both times
        for img in (early, later):
            assert _near(_fill(img, name, 2 if name == "新村" else 0), STATION_STATE_COLOURS["no_reading"]), name
    # the rising ring at T2 only: pixels on the ring's left half (the arrow sits upper right)
    from floodpost.data.schema.symbology import SYMBOLOGY
    from floodpost.layers.model.water import ring_radius

    r = ring_radius(SYMBOLOGY["stations"].symbol_for("river"))
    x, y = _xy(*PLACES["淇门"])

    def ring(img: QImage) -> int:
        return sum(_near(img.pixelColor(int(round(x + r * np.cos(a))), int(round(y + r * np.sin(a)))),
                         RISING_RING.stroke, 60) for a in np.linspace(np.pi * 0.6, np.pi * 1.4, 8))

    assert ring(later) >= 6 and ring(early) == 0
    # the whole picture differs around the gauge that crossed, and nowhere near the grey ones
    a, b = (_pixels(img) for img in (early, later))
    diff = np.abs(a.astype(int) - b.astype(int)).sum(axis=2) > 30
    gx, gy = _xy(*PLACES["盘石头"])
    assert diff[y - 8:y + 8, x - 8:x + 8].sum() > 50
    assert diff[gy - 6:gy + 6, gx - 6:gx + 6].sum() == 0


def _pixels(img: QImage) -> np.ndarray:
    rgb = img.convertToFormat(QImage.Format.Format_RGB32)
    return np.frombuffer(rgb.constBits(), np.uint8).reshape(rgb.height(), rgb.bytesPerLine() // 4, 4).copy()


def _labels(ws: Workspace, at: str, lang: str = "zh") -> list[str]:
    scene = MapScene.from_workspace(ws)
    scene.show_situation(ws, at)
    img = QImage(*SIZE, QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(img)
    stats = scene.painter.paint(p, Viewport.for_lonlat(BOUNDS, *SIZE), scene.layers, page_text=PageText(lang))
    p.end()
    return [t for t, *_ in stats.placed]


def test_labels_say_the_margin_the_rain_and_the_age(qapp, water_ws: Path) -> None:
    with Workspace.open(water_ws) as ws:
        t1, t2 = _labels(ws, T1), _labels(ws, T2)
        en = _labels(ws, T2, "en")
    assert {"淇门", "鹤壁 25毫米", "盘石头 超汛限1.00米 8小时前", "新村"} <= set(t1)
    assert {"淇门 超警0.42米", "鹤壁 85毫米", "盘石头 超汛限1.00米 10小时前"} <= set(t2)
    assert "淇门 超警0.42米" not in t1
    assert {"淇门 0.42 m over warning", "鹤壁 85 mm", "盘石头 1.00 m over flood limit 10 h ago"} <= set(en)


def test_legend_lists_only_the_states_shown(qapp, water_ws: Path) -> None:
    from floodpost.layers.output.legend import map_legend

    def rows(at: str) -> dict[str, str]:
        with Workspace.open(water_ws) as ws:
            scene = MapScene.from_workspace(ws)
            scene.show_situation(ws, at)
        [group] = [g for g in map_legend(scene, PageText("zh")) if g.title == "水文/水位/雨量站"]
        return {e.kind: e.label for e in group.entries if ":" in e.kind or e.kind == "rising"}

    assert rows(T1) == {"station_state:normal": "低于警戒水位", "rain:25": "24小时雨量25-50毫米",
                        "station_state:no_reading": "无数据或逾期未报"}
    assert rows(T2) == {"station_state:over_warning": "超警戒（汛限）水位", "rising:rising": "水位快速上涨",
                        "rain:50": "24小时雨量50-100毫米", "station_state:no_reading": "无数据或逾期未报"}


def test_snapshot_cli_at_two_times(qapp, water_ws: Path, tmp_path: Path) -> None:
    outs = []
    for at in (T1, T2):
        png = tmp_path / f"{at[-5:-3]}.png"
        assert main(["snapshot", str(water_ws), "-o", str(png), "--size", "800x600",
                     "--bounds", ",".join(map(str, BOUNDS)), "--at", at]) == 0
        outs.append(QImage(str(png)))
    assert _near(_fill(outs[0], "淇门", 2), STATION_STATE_COLOURS["normal"])
    assert _near(_fill(outs[1], "淇门", 2), STATION_STATE_COLOURS["over_warning"])


def test_press_page_names_the_gauges_and_no_one(qapp, water_ws: Path, tmp_path: Path) -> None:
    from floodpost.layers.scene import compose_snapshot

    with Workspace.open(water_ws) as ws:
        page = compose_snapshot(ws, tmp_path / "press.png", at=T2, press=True, bounds=BOUNDS, size=(1200, 800))
    text = " ".join(t for t, *_ in page.labels)
    assert "淇门 超警0.42米" in text and "鹤壁 85毫米" in text and "盘石头 超汛限1.00米 10小时前" in text
    assert RESP not in text and RESP_PHONE not in text
