"""The map engine without widgets: viewport arithmetic, symbology, hit tests, painting."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
import shapely
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QImage, QPainter

from floodpost.data.schema import LAYERS
from floodpost.data.schema.symbology import SYMBOLOGY, parse_color
from floodpost.layers.model import Layer, LayerList
from floodpost.layers.model.identify import hit_test
from floodpost.layers.model.projection import to_lonlat, to_mercator
from floodpost.layers.model.viewport import Viewport
from floodpost.layers.output.legend import legend_entries, swatch_image
from floodpost.layers.render.painter import MapPainter


@pytest.fixture(scope="module")
def app(qapp):
    # pytest-qt's QApplication: a bare QGuiApplication here would abort a later widget test
    return qapp


def _frame(geoms, **cols):
    return gpd.GeoDataFrame(cols, geometry=list(geoms), crs=4490, index=np.arange(1, len(geoms) + 1))


def test_every_layer_key_has_symbology_and_legend():
    assert set(SYMBOLOGY) == set(LAYERS)
    for key in LAYERS:
        entries = legend_entries(key, "zh")
        assert entries and all(e.label for e in entries)
    labels = {e.label for e in legend_entries("hazards", "zh")}
    assert {"滑坡", "崩塌", "泥石流", "地面塌陷"} <= labels
    assert {e.label for e in legend_entries("hazards", "en")} >= {"Landslide", "Debris flow"}


def test_hazard_types_have_distinct_symbols():
    sym = SYMBOLOGY["hazards"].classes.values()
    assert len({(s.shape, s.fill) for s in sym}) == len(sym)
    assert len({s.shape for s in sym}) == len(sym)


def test_projection_is_conformal_at_hebi():
    # Conformal: on the map, 0.01° east : 0.01° north has the ground ratio cos(lat),
    # not 1:1 (plate carrée would squash Hebi by a fifth east-west).
    x0, y0 = to_mercator(114.3, 35.7)
    x1, _ = to_mercator(114.31, 35.7)
    _, y1 = to_mercator(114.3, 35.71)
    ratio = (x1 - x0) / (y1 - y0)
    assert ratio == pytest.approx(np.cos(np.radians(35.705)), rel=1e-3)
    lon, lat = to_lonlat(x0, y0)
    assert (float(lon), float(lat)) == pytest.approx((114.3, 35.7))


def test_viewport_pan_zoom_round_trip():
    vp = Viewport.for_lonlat((114.0, 35.5, 114.6, 35.9), 800, 600)
    lon, lat = vp.lonlat_at(400, 300)
    assert lon == pytest.approx(114.3, abs=1e-6)
    panned = vp.panned(100, 0)
    assert panned.lonlat_at(500, 300) == pytest.approx((lon, lat))
    z = vp.zoomed(2.0, anchor=(100, 100))
    assert z.resolution == pytest.approx(vp.resolution / 2)
    assert z.lonlat_at(100, 100) == pytest.approx(vp.lonlat_at(100, 100))


def test_parse_color():
    assert parse_color("#ff000080") == (255, 0, 0, 128)
    assert parse_color("#00ff00") == (0, 255, 0, 255)


def test_hit_test_points_polygons_topmost_first(app):
    pts = _frame([shapely.Point(114.3, 35.7), shapely.Point(114.35, 35.7)], name=["a", "b"], hazard_type=["landslide", "collapse"])
    poly = _frame([shapely.box(114.25, 35.65, 114.4, 35.75)], name=["p"], status=["flooding"])
    layers = LayerList([Layer("storage_areas", poly), Layer("hazards", pts)])
    vp = Viewport.for_lonlat((114.2, 35.6, 114.45, 35.8), 800, 600)
    x, y = to_mercator(114.3, 35.7)
    px, py = vp.to_screen(x, y)
    hits = hit_test(layers, vp, float(px) + 2, float(py))
    assert [(h.key, h.fid) for h in hits] == [("hazards", 1), ("storage_areas", 1)]
    # away from any point, inside the polygon
    hits = hit_test(layers, vp, float(px) + 60, float(py) + 40)
    assert [(h.key, h.fid) for h in hits] == [("storage_areas", 1)]
    layers["storage_areas"].visible = False
    assert hit_test(layers, vp, float(px) + 60, float(py) + 40) == []


def test_painter_draws_each_class_colour(app):
    pts = _frame(
        [shapely.Point(114.2, 35.7), shapely.Point(114.4, 35.7)],
        name=["甲", "乙"], hazard_type=["landslide", "debris_flow"],
    )
    layers = LayerList([Layer("hazards", pts, labels=False)])
    vp = Viewport.for_lonlat((114.1, 35.6, 114.5, 35.8), 400, 200)
    img = MapPainter().render_image(vp, layers)
    for lon, code in ((114.2, "landslide"), (114.4, "debris_flow")):
        px, py = vp.to_screen(*to_mercator(lon, 35.7))
        # a triangle's centroid sits a little below the anchor; look just below it
        c = img.pixelColor(round(float(px)), round(float(py)) + 2)
        want = QColor(SYMBOLOGY["hazards"].classes[code].fill)
        assert abs(c.red() - want.red()) < 20 and abs(c.green() - want.green()) < 20, (code, c.name())


def test_swatch_image_is_not_blank(app):
    for key in LAYERS:
        for e in legend_entries(key):
            img = swatch_image(e.symbol, e.kind)
            assert not _blank(img), (key, e.code)


def _blank(img: QImage) -> bool:
    return all(img.pixelColor(x, y).alpha() == 0 for x in range(img.width()) for y in range(img.height()))


def test_one_hundred_thousand_primitives_in_one_process(app):
    """PySide6 6.12.0 aborts after a few thousand draw calls on Python 3.11 (none_dealloc)."""
    img = QImage(200, 200, QImage.Format.Format_ARGB32_Premultiplied)
    p = QPainter(img)
    rng = np.random.default_rng(1)
    xy = rng.uniform(0, 200, (100_000, 2))
    for i, (x, y) in enumerate(xy):
        if i % 3 == 0:
            p.drawLine(QPointF(x, y), QPointF(y, x))
        elif i % 3 == 1:
            p.drawRect(QRectF(x, y, 2, 2))
        else:
            p.drawEllipse(QPointF(x, y), 1.5, 1.5)
    p.end()
    assert not img.isNull()


def test_lean_layers_read_the_rest_on_demand(tmp_path):
    from floodpost.data.workspace import Workspace
    from floodpost.layers.model import drawing_columns

    with Workspace.create(tmp_path / "w.gpkg") as ws:
        ws.insert("hazards", [{"name": "东山滑坡", "hazard_type": "landslide", "resp_phone": "13903920001",
                               "geometry": shapely.Point(114.1, 35.9)}])
        layers = LayerList.from_workspace(ws, lean_above=0)
        hazards = layers["hazards"]
        assert hazards.lean
        assert set(hazards.frame.columns) == {*drawing_columns("hazards"), "geometry"}
        fid = int(hazards.frame.index[0])
        assert hazards.record(fid)["resp_phone"] == "13903920001"
        assert hazards.lean  # reading one feature whole leaves the layer as it was
        assert hazards.record(fid + 1) == {}
        assert not LayerList.from_workspace(ws)["hazards"].lean


def test_big_layers_draw_from_shapes_and_build_frames_only_when_asked(app, demo_master):
    """A lean layer opens as attributes plus flat shapes; the map never needs its GeoDataFrame."""
    from floodpost.data.workspace import Workspace
    from floodpost.layers.model import drawing_columns
    from floodpost.layers.render.prepared import PreparedGeometry

    with Workspace.open(demo_master) as ws:
        layers = LayerList.from_workspace(ws, lean_above=0)
        keys = ("storage_areas", "rivers", "hazards")
        vp = Viewport.for_lonlat(layers.bounds(), 800, 600)
        img = MapPainter().render_image(vp, layers)
        for key in keys:
            layer = layers[key]
            assert layer.shapes is not None and not layer.built, key
        # clicks answer the same from shapes as from frames (checked again once frames exist)
        from floodpost.layers.model.projection import to_mercator

        zoomed = vp.zoomed(2)
        clicks = []
        for key in keys:  # on, beside and between a few features of each layer
            xy = layers[key].shapes.coords[:: max(1, len(layers[key].shapes.coords) // 7)]
            px, py = zoomed.to_screen(*to_mercator(xy[:, 0], xy[:, 1]))
            clicks += [(float(x) + dx, float(y)) for x, y in zip(px, py, strict=True) for dx in (0.0, 3.0, 40.0)]
        hits = [hit_test(layers, zoomed, x, y, tolerance_px=25) for x, y in clicks]
        assert any(h.key in keys for hs in hits for h in hs) and not any(layers[k].built for k in keys)
        plain = {key: ws.read(key, columns=drawing_columns(key)) for key in keys}
        for key in keys:
            layer = layers[key]
            assert layer.count == len(plain[key])
            b = plain[key].total_bounds
            assert layer.bounds() == pytest.approx(tuple(b))
            # the same prepared arrays as from shapely geometries
            a = PreparedGeometry(layer.shapes, np.zeros(layer.count, np.int32), [None])
            g = PreparedGeometry(plain[key].geometry.to_numpy(), np.zeros(layer.count, np.int32), [None])
            for name in ("pt_x", "pt_y", "pt_feature", "part_bounds", "part_feature", "part_kind", "part_ncoords"):
                assert np.array_equal(getattr(a, name), getattr(g, name)), (key, name)
            assert np.array_equal(a.part_has_holes, g.part_has_holes)
            assert all(shapely.equals_exact(a.parts, g.parts, 0))
            version = layer.version
            frame = layer.frame  # built now, once
            assert layer.built and layer.version == version and layer.frame is frame
            assert list(frame.index) == list(plain[key].index)
            assert all(shapely.equals_exact(frame.geometry.values, plain[key].geometry.values, 0))
        assert [hit_test(layers, zoomed, x, y, tolerance_px=25) for x, y in clicks] == hits
        # building frames changed nothing drawn
        again = MapPainter().render_image(vp, layers)
        assert again == img


def test_big_layers_are_prepared_in_the_threads_that_read_them(app, demo_master, monkeypatch):
    import threading

    import floodpost.layers.render.painter as painter_module
    from floodpost.data.workspace import Workspace

    painter = MapPainter()
    seen = []

    def ready(layer):
        seen.append((layer.key, threading.current_thread() is not threading.main_thread()))
        painter.prepared(layer)

    with Workspace.open(demo_master) as ws:
        layers = LayerList.from_workspace(ws, lean_above=0, ready=ready)
    assert {k for k, _ in seen} == {la.key for la in layers if la.shapes is not None} != set()
    assert all(in_worker for _, in_worker in seen)
    # the frame finds them prepared: preparing one of them again would fail here
    real = painter_module.prepare_layer
    done = {k for k, _ in seen}

    def only_the_rest(layer):
        assert layer.key not in done, f"{layer.key} prepared twice"
        return real(layer)

    monkeypatch.setattr(painter_module, "prepare_layer", only_the_rest)
    img = painter.render_image(Viewport.for_lonlat(layers.bounds(), 600, 400), layers)
    assert not img.isNull()


def test_few_but_heavy_layers_open_lean(tmp_path):
    """Forty rivers of 16,000 vertices are 10 MB of shapes: drawn from flat arrays like a big inventory."""
    from floodpost.data.workspace import Workspace
    from floodpost.layers.model import HEAVY_BYTES

    rng = np.random.default_rng(2)
    with Workspace.create(tmp_path / "w.gpkg") as ws:
        ws.insert("rivers", [
            {"name": f"河{i}", "geometry": shapely.LineString(114 + np.cumsum(rng.normal(0, 1e-4, (16_000, 2)), axis=0))}
            for i in range(40)
        ])
        ws.insert("shelters", [{"name": "一中", "geometry": shapely.Point(114.1, 35.6)}])
        assert ws.geometry_bytes("rivers") > HEAVY_BYTES > ws.geometry_bytes("shelters")
        layers = LayerList.from_workspace(ws)
        assert layers["rivers"].lean and layers["rivers"].shapes is not None
        assert not layers["shelters"].lean
        assert not LayerList.from_workspace(ws, lean_above=1000)["rivers"].lean  # the count alone decides
        layers["rivers"].reload(ws)  # after an edit: lean again, by the same rule
        assert layers["rivers"].lean


def test_a_moments_records_are_drawn_as_the_stored_layer_filtered(app, demo_master):
    """A slider step takes the forces and incidents up to the moment as rows of the stored layer (its
    classes and labels worked out once): the frame, classes, labels and points are those of the
    stored layer filtered by report time, and a change of style is seen."""
    from floodpost.data.situation import report_times
    from floodpost.data.workspace import Workspace
    from floodpost.layers.render.painter import prepare_layer
    from floodpost.layers.scene import MapScene

    with Workspace.open(demo_master) as ws:
        scene = MapScene.from_workspace(ws)
        times = report_times(ws)
        labelled = set()
        for at in (times[len(times) // 3], times[-2]):
            scene.show_situation(ws, at)
            for key in ("forces", "incidents"):
                layer = scene.layers.get(key)
                stored = ws.read(key)
                want = stored[stored["reported_at"].astype(object).map(lambda t, at=at: isinstance(t, str) and t <= at)]
                assert layer.rows_of is not None and list(layer.frame.index) == list(want.index)
                assert all(a.equals(b) for a, b in zip(layer.frame.geometry, want.geometry, strict=True))
                fast = prepare_layer(layer)
                plain = prepare_layer(Layer(key, data=layer.frame))
                assert np.array_equal(fast.classes, plain.classes) and np.array_equal(fast.fids, plain.fids)
                assert np.array_equal(fast.pt_x, plain.pt_x) and np.array_equal(fast.pt_y, plain.pt_y)
                assert (fast.labels is None) == (plain.labels is None)
                if plain.labels is not None:
                    assert list(fast.labels.texts) == list(plain.labels.texts)
                    labelled.add(key)
        assert labelled  # the labels were compared
        assert len(set(prepare_layer(scene.layers.get("forces")).classes.tolist())) > 1  # classes were too


def test_rows_of_a_table_take_its_classes_and_labels_by_position(app, demo_master):
    """Any rows, in any order: their classes and labels are theirs, not the table's first ones."""
    from floodpost.data.shapes import Shapes
    from floodpost.data.workspace import Workspace
    from floodpost.layers.render.painter import prepare_layer

    with Workspace.open(demo_master) as ws:
        for key in ("incidents", "forces"):
            stored = ws.read(key)
            table = stored.drop(columns=stored.geometry.name)
            shapes = Shapes.from_geometries(stored.geometry.to_numpy())
            pos = np.arange(len(stored))[::-2]  # every other row, last first
            layer = Layer(key)
            layer.set_shapes(table.take(pos), shapes.take(pos), None, (table, pos))
            fast, plain = prepare_layer(layer), prepare_layer(Layer(key, data=stored.iloc[pos]))
            assert np.array_equal(fast.classes, plain.classes) and np.array_equal(fast.pt_x, plain.pt_x)
            assert (fast.labels is None) == (plain.labels is None)
            if plain.labels is not None:
                assert list(fast.labels.texts) == list(plain.labels.texts)
            assert len(set(plain.classes.tolist())) > 1 or plain.labels is not None  # something to tell apart
