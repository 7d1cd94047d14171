"""Operations on the map as of the slider's moment: incidents by status, dispatch links, warned villages.

A small workspace of our own (hand-made times and places) so every figure is known:

- 09:00 the piping incident 卫河左堤管涌 is reported (a dike section), 10:00 the 消防大队 (50 people) sends 30;
- 10:00 a red warning to 淇县/北阳镇 (its three villages), 油城村 itself and the hazard 石林村滑坡, and a blue
  one to 浚县 and 石佛村; the township answers at 10:10, 油城村 at 10:15, 浚县 at 10:20; 石佛村 and the
  hazard never (the dashed ring after 30 minutes);
- 12:00 the piping incident is controlled; 14:00 it is closed (its team comes back).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import shapely
from PySide6.QtGui import QColor, QImage

from floodpost.data.schema.symbology import INCIDENT_STATUS_STYLE, WARNING_COLOURS
from floodpost.data.workspace import Workspace
from floodpost.layers.model.operations import village_levels
from floodpost.layers.model.projection import to_mercator
from floodpost.layers.model.viewport import Viewport
from floodpost.layers.output.pagetext import PageText
from floodpost.layers.render.operations import (
    OperationsOverlay,
    age_text,
    ring_radius,
)
from floodpost.layers.scene import MapScene

BOUNDS = (114.0, 35.6, 114.4, 35.9)
SIZE = (1000, 750)
PIPING = (114.2, 35.75)
FORCE = (114.1, 35.7)
VILLAGES = {  # name: (township, county, lon, lat)
    "油城村": ("北阳镇", "淇县", 114.05, 35.82),
    "石佛村": ("北阳镇", "淇县", 114.12, 35.84),
    "南阳村": ("北阳镇", "淇县", 114.30, 35.85),
    "前进村": ("高村镇", "淇县", 114.33, 35.65),
    "王庄村": ("王庄镇", "浚县", 114.25, 35.63),
}
AREA = shapely.box(114.04, 35.62, 114.10, 35.66)
HEAD, HEAD_PHONE = "王秀英", "13912345678"
ANSWERER, ANSWERER_PHONE = "李建国", "13876543210"


@pytest.fixture
def ops_ws(tmp_path: Path) -> Path:
    return build_ops_workspace(tmp_path / "ops.gpkg")


def build_ops_workspace(path: Path) -> Path:
    """The module's workspace (also for looking at it: tests/test_ops_map.py is importable)."""
    with Workspace.create(path) as ws:
        ws.insert("villages", [
            {"name": n, "township": t, "county": c, "persons": 800, "head_person": HEAD, "head_phone": HEAD_PHONE,
             "geometry": shapely.Point(x, y)} for n, (t, c, x, y) in VILLAGES.items()])
        # a village drawn as its boundary (stored as a point plus the outline in village_areas)
        ws.insert("villages", [{"name": "河口村", "township": "北阳镇", "county": "淇县", "geometry": AREA}])
        ws.insert("hazards", [{"name": "石林村滑坡", "hazard_type": "landslide", "county": "淇县",
                               "geometry": shapely.Point(114.35, 35.78)}])
        ws.insert("forces", [{"name": "消防大队", "category": "fire", "personnel": 50, "status": "on_duty",
                              "reported_at": "2021-07-22T08:00", "geometry": shapely.Point(*FORCE)}])
        ws.insert("incidents", [
            {"name": "卫河左堤管涌", "kind": "piping", "severity": "large", "county": "淇县",
             "reporter_person": "赵大勇", "reporter_phone": "13700001111", "reported_at": "2021-07-22T09:00",
             "geometry": shapely.LineString([(114.19, 35.76), (114.2, 35.75), (114.21, 35.74)])},
            {"name": "道路中断", "kind": "road_cut", "severity": "general", "county": "淇县", "reported_at": "2021-07-22T11:00",
             "geometry": shapely.Point(114.3, 35.72)},
        ])
        ws.insert("dispatches", [{"force": "消防大队", "incident": "卫河左堤管涌", "action": "send", "personnel": 30,
                                  "task": "抢护管涌", "reported_at": "2021-07-22T10:00"}])
        ws.insert("warnings", [
            {"name": "暴雨红色预警", "level": "red", "kind": "rain", "recipients": "淇县/北阳镇；淇县/北阳镇/油城村；hazards:石林村滑坡",
             "reported_at": "2021-07-22T10:00"},
            {"name": "河道洪水蓝色预警", "level": "blue", "kind": "river", "recipients": "浚县；淇县/北阳镇/石佛村",
             "reported_at": "2021-07-22T10:00"},
        ])
        ws.insert("acknowledgements", [
            {"warning": "暴雨红色预警", "recipient": "淇县/北阳镇", "how": "phone", "by_person": ANSWERER,
             "by_phone": ANSWERER_PHONE, "reported_at": "2021-07-22T10:10"},
            {"warning": "暴雨红色预警", "recipient": "淇县/北阳镇/油城村", "how": "phone", "by_person": ANSWERER,
             "by_phone": ANSWERER_PHONE, "reported_at": "2021-07-22T10:15"},
            {"warning": "河道洪水蓝色预警", "recipient": "浚县", "how": "sms", "by_person": ANSWERER,
             "by_phone": ANSWERER_PHONE, "reported_at": "2021-07-22T10:20"},
        ])
        ws.insert("incident_status", [
            {"incident": "卫河左堤管涌", "status": "handling", "reported_at": "2021-07-22T10:00"},
            {"incident": "卫河左堤管涌", "status": "controlled", "reported_at": "2021-07-22T12:00"},
            {"incident": "卫河左堤管涌", "status": "closed", "reported_at": "2021-07-22T14:00"},
        ])
    return path


def _render(ws: Workspace, at: str, **kw) -> tuple[QImage, MapScene]:
    scene = MapScene.from_workspace(ws)
    scene.show_situation(ws, at, **kw)
    img, _ = scene.render(Viewport.for_lonlat(BOUNDS, *SIZE))
    return img, scene


def _xy(lon: float, lat: float) -> tuple[int, int]:
    vp = Viewport.for_lonlat(BOUNDS, *SIZE)
    x, y = vp.to_screen(*to_mercator(np.array([lon]), np.array([lat])))
    return int(round(float(x[0]))), int(round(float(y[0])))


def _near(c: QColor, hexcolor: str, tol: int = 40) -> bool:
    want = QColor(hexcolor)
    return abs(c.red() - want.red()) + abs(c.green() - want.green()) + abs(c.blue() - want.blue()) <= tol


def _ring_pixels(img: QImage, lon: float, lat: float, r: float) -> list[QColor]:
    x, y = _xy(lon, lat)
    out = []
    for a in np.linspace(0, 2 * np.pi, 16, endpoint=False):
        out.append(img.pixelColor(int(round(x + r * np.cos(a))), int(round(y + r * np.sin(a)))))
    return out


def test_age_reads_in_chinese(qapp) -> None:
    zh = PageText("zh")
    assert [age_text(m, zh) for m in (0.2, 25, 185, 2 * 24 * 60 + 100)] == ["刚刚", "25分钟前", "3小时前", "2天前"]
    assert age_text(185, PageText("en")) == "3 h ago"


def test_village_levels_follow_the_recipient_paths() -> None:
    warnings = [{"level": "blue", "recipients": ["淇县"]}, {"level": "red", "recipients": ["淇县/北阳镇"]},
                {"level": "orange", "recipients": ["浚县/王庄镇/王庄村", "hazards:石林村滑坡"]}]
    villages = [("淇县", "北阳镇", "油城村"), ("淇县", "高村镇", "前进村"), ("浚县", "王庄镇", "王庄村"),
                ("浚县", "王庄镇", "东村"), ("淇县 ", "北阳镇", "X")]
    assert village_levels(warnings, villages) == ["red", "blue", "orange", None, "red"]


def test_the_overlay_carries_the_moment(qapp, ops_ws: Path) -> None:
    with Workspace.open(ops_ws) as ws:
        _, scene = _render(ws, "2021-07-22T11:00")
    ov = next(o for o in scene.painter.overlays if isinstance(o, OperationsOverlay))
    assert [(m.name, m.status, m.age_min) for m in ov.incidents] == [
        ("卫河左堤管涌", "handling", 120.0), ("道路中断", "reported", 0.0)]
    [link] = ov.links
    # 30 of the 50 firemen sent: people are free
    assert (link.force, link.incident, link.personnel, link.full) == ("消防大队", "卫河左堤管涌", 30, False)
    places = {(round(p.lon, 2), round(p.lat, 2)): (p.level, p.overdue) for p in ov.places}
    assert places.pop((round(AREA.representative_point().x, 2), round(AREA.representative_point().y, 2))) == (
        "red", False)  # 河口村, under the township's warning
    assert [(level, overdue, len(rings)) for level, overdue, rings in ov.areas] == [("red", False, 1)]
    assert places == {
        (114.05, 35.82): ("red", False),  # 油城村 via the township (answered by the township)
        (114.12, 35.84): ("red", True),  # 石佛村: red via the township, blue to itself, not answered in 60 min
        (114.30, 35.85): ("red", False),
        (114.25, 35.63): ("blue", False),  # 王庄村 via 浚县
        (114.35, 35.78): ("red", True),  # the hazard point: its responsible person has not answered
    }
    # a longer time limit (the window's setting) and nobody is late yet
    with Workspace.open(ops_ws) as ws:
        _, scene = _render(ws, "2021-07-22T11:00", answer_minutes=90)
    ov = next(o for o in scene.painter.overlays if isinstance(o, OperationsOverlay))
    assert not any(p.overdue for p in ov.places)
    # the dike section is drawn while the incident is out of control only
    with Workspace.open(ops_ws) as ws:
        scene = MapScene.from_workspace(ws)
        scene.show_situation(ws, "2021-07-22T11:00")
        assert scene.layers["incident_sections"].count == 1
        scene.show_situation(ws, "2021-07-22T12:30")
        assert scene.layers["incident_sections"].count == 0
        scene.show_situation(ws, "2021-07-22T08:00")
        assert scene.layers["incident_sections"].count == 0


def test_snapshots_differ_where_the_incident_was_controlled(qapp, ops_ws: Path) -> None:
    from floodpost.data.schema.symbology import SYMBOLOGY

    with Workspace.open(ops_ws) as ws:
        early, _ = _render(ws, "2021-07-22T11:00")
        later, _ = _render(ws, "2021-07-22T12:30")
        closed, _ = _render(ws, "2021-07-22T15:00")
        before, _ = _render(ws, "2021-07-22T09:30")
    sym = SYMBOLOGY["incidents"].symbol_for("piping")
    r_hot = ring_radius(sym, "uncontrolled")
    r_ok = ring_radius(sym, "controlled")
    red = INCIDENT_STATUS_STYLE["uncontrolled"].stroke
    green = INCIDENT_STATUS_STYLE["controlled"].stroke
    hot = _ring_pixels(early, *PIPING, r_hot)
    assert sum(_near(c, red) for c in hot) >= 10, [c.name() for c in hot]
    assert not any(_near(c, red) for c in _ring_pixels(later, *PIPING, r_hot))
    ok = _ring_pixels(later, *PIPING, r_ok)
    assert sum(_near(c, green) for c in ok) >= 10, [c.name() for c in ok]
    assert not any(_near(c, green) for c in _ring_pixels(early, *PIPING, r_ok))
    # closed: the marker turns grey and loses its ring
    x, y = _xy(*PIPING)
    assert _near(closed.pixelColor(x, y), INCIDENT_STATUS_STYLE["closed"].fill, 12)
    assert _near(early.pixelColor(x, y), sym.fill, 12)
    assert not any(_near(c, green) or _near(c, red) for c in _ring_pixels(closed, *PIPING, r_ok))
    # the village turns from no warning to red at the warning
    vx, vy = _xy(*VILLAGES["南阳村"][2:])
    assert not _near(before.pixelColor(vx, vy), WARNING_COLOURS["red"], 60)
    assert _near(early.pixelColor(vx, vy), WARNING_COLOURS["red"], 12)
    # and its outline is tinted red (inside, away from its point)
    ax, ay = _xy(114.045, 35.625)
    tint = early.pixelColor(ax, ay)
    assert tint.red() > tint.green() + 20 and tint.red() > tint.blue() + 20, tint.name()
    plain = before.pixelColor(ax, ay)
    assert abs(plain.red() - plain.green()) < 12, plain.name()


def test_the_link_appears_after_the_dispatch(qapp, ops_ws: Path) -> None:
    from floodpost.data.schema.symbology import DISPATCH_LINKS

    with Workspace.open(ops_ws) as ws:
        before, _ = _render(ws, "2021-07-22T09:30")
        after, _ = _render(ws, "2021-07-22T10:30")
        gone, _ = _render(ws, "2021-07-22T14:30")  # closed: the team is back
    # a point on the link a third of the way from the force
    (x0, y0), (x1, y1) = _xy(*FORCE), _xy(*PIPING)
    pts = [(round(x0 + (x1 - x0) * t), round(y0 + (y1 - y0) * t)) for t in (0.3, 0.35, 0.4)]
    colour = DISPATCH_LINKS["free"].stroke

    def on_line(img: QImage) -> int:
        # the dashed line: a few pixels across the line at three places
        hits = 0
        for x, y in pts:
            hits += any(_near(img.pixelColor(x + dx, y + dy), colour, 60) for dx in (-1, 0, 1) for dy in (-1, 0, 1))
        return hits

    assert on_line(before) == 0
    assert on_line(after) >= 2
    assert on_line(gone) == 0


def test_labels_say_the_age_and_the_personnel(qapp, ops_ws: Path) -> None:
    from floodpost.layers.render.painter import RenderStats

    with Workspace.open(ops_ws) as ws:
        scene = MapScene.from_workspace(ws)
        scene.show_situation(ws, "2021-07-22T12:00")
        stats = RenderStats()
        vp = Viewport.for_lonlat(BOUNDS, *SIZE)
        img = QImage(*SIZE, QImage.Format.Format_ARGB32_Premultiplied)
        from PySide6.QtGui import QPainter

        p = QPainter(img)
        stats = scene.painter.paint(p, vp, scene.layers, page_text=PageText("zh"))
        p.end()
    texts = [t for t, *_ in stats.placed]
    assert "卫河左堤管涌 3小时前" in texts  # controlled at 12:00, reported at 9:00
    assert "道路中断 1小时前" in texts
    assert "卫河左堤管涌" not in texts  # the layer's own label gives way to the overlay's
    # the team was not recalled when the incident was controlled: its link stays until the closing
    assert "30人" in texts


def test_press_page_carries_no_names_or_phones(qapp, ops_ws: Path, tmp_path: Path) -> None:
    from floodpost.layers.scene import compose_snapshot

    out = tmp_path / "press.pdf"
    with Workspace.open(ops_ws) as ws:
        page = compose_snapshot(ws, out, at="2021-07-22T11:00", press=True, preset="a4", dpi=96,
                                bounds=BOUNDS)
    text = " ".join(t for t, *_ in page.labels)
    assert "卫河左堤管涌" in text and "30人" in text
    for private in (HEAD, HEAD_PHONE, ANSWERER, ANSWERER_PHONE, "赵大勇", "13700001111"):
        assert private not in text
    data = out.read_bytes()
    for private in (HEAD, ANSWERER, "赵大勇"):
        assert private.encode("utf-16-be") not in data and private.encode() not in data


def test_press_headline_counts_incidents_and_answers(qapp, ops_ws: Path) -> None:
    from floodpost.data.situation import as_of
    from floodpost.layers.output.layout import headline_figures

    with Workspace.open(ops_ws) as ws:
        at11 = dict(headline_figures(as_of(ws, "2021-07-22T11:00").totals(), PageText("zh")))
        at13 = dict(headline_figures(as_of(ws, "2021-07-22T13:00").totals(), PageText("zh")))
        before = headline_figures(as_of(ws, "2021-07-22T08:30").totals(), PageText("zh"))
    # 11:00: both incidents out of control; 5 recipients (township, 油城村, hazard; 浚县, 石佛村), 3 answered
    assert at11["未控制险情 / 险情总数"] == "2 / 2"
    assert at11["已叫应（生效预警2个）"] == "60%"  # 3 of 5
    assert at13["未控制险情 / 险情总数"] == "1 / 2"
    assert len(before) == 4  # nothing of the operations yet: the panel as before


def test_a_warnings_feature_recipients_are_found_once_per_list() -> None:
    """The engine hands a warning's same recipients list at every moment: its features are looked for
    once; another list, even with the same keys, is looked through itself."""
    from floodpost.layers.model.operations import feature_keys, feature_levels

    keys = [f"浚县/王庄镇/村{i}" for i in range(500)] + ["hazards:牛心山村南坡滑坡", "reservoirs:盘石头水库"]
    first = feature_keys(keys)
    assert first == ("hazards:牛心山村南坡滑坡", "reservoirs:盘石头水库")
    assert feature_keys(keys) is first
    other = list(keys[:-1])
    assert feature_keys(other) == ("hazards:牛心山村南坡滑坡",)
    warnings = [{"level": "yellow", "recipients": keys}, {"level": "red", "recipients": other},
                {"level": None, "recipients": ["hazards:x"]}]
    assert feature_levels(warnings) == {"hazards:牛心山村南坡滑坡": "red", "reservoirs:盘石头水库": "yellow"}
    assert feature_levels(warnings, "reservoirs") == {"reservoirs:盘石头水库": "yellow"}
