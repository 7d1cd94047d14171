"""The optimised engine draws what a straightforward renderer draws, at several zooms.

The reference draws every feature with its full symbol, antialiased, as one
QPainter call each, class after class like the engine: no culling, no level
of detail, no stamping. The engine
may differ only where level of detail is meant to be invisible.
"""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from conftest import synthetic_layers
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QImage, QPainter

from floodpost.data.schema.symbology import BASEMAP
from floodpost.layers.model import LayerList
from floodpost.layers.model.projection import project_coords
from floodpost.layers.model.viewport import Viewport
from floodpost.layers.render.painter import MapPainter, classify, first_per_cell
from floodpost.layers.render.prepared import PreparedGeometry
from floodpost.layers.render.symbols import draw_marker, fill_brush_pen, line_pens, qpolygonf


@pytest.fixture(scope="module")
def app(qapp):
    # pytest-qt's QApplication: a bare QGuiApplication here would abort a later widget test
    return qapp


@pytest.fixture(scope="module")
def layers():
    return synthetic_layers(7, polygons=3000, lines=100, points=4000)


def reference(viewport: Viewport, layers: LayerList) -> QImage:
    img = QImage(viewport.width, viewport.height, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(QColor(BASEMAP["background"]))
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    sx, sy, dx, dy = viewport.transform()
    for layer in layers:
        classes, symbols = classify(layer.frame, layer.symbology)
        geoms = shapely.transform(layer.frame.geometry.to_numpy(), project_coords)
        # The engine stacks features class by class (one pen per class); so does the reference.
        order = np.argsort(classes, kind="stable")
        for g, c in zip(geoms[order], classes[order], strict=True):
            sym = symbols[c]
            if g.geom_type == "Point":
                x, y = viewport.to_screen(g.x, g.y)
                draw_marker(p, sym, float(x), float(y))
                continue
            p.save()
            p.translate(dx, dy)
            p.scale(sx, sy)
            if g.geom_type == "Polygon":
                brush, pen = fill_brush_pen(sym)
                pen.setCosmetic(True)
                p.setBrush(brush)
                p.setPen(pen)
                p.drawPolygon(qpolygonf(shapely.get_coordinates(g.exterior)))
            else:
                _, pen = line_pens(sym)
                pen.setCosmetic(True)
                p.setPen(pen)
                p.setBrush(Qt.BrushStyle.NoBrush)
                p.drawPolyline(qpolygonf(shapely.get_coordinates(g)))
            p.restore()
    p.end()
    return img


def _diff_fraction(a: QImage, b: QImage, threshold: int = 64, blur: int = 1) -> float:
    """Share of pixels differing by more than ``threshold`` in some channel.

    ``blur`` > 1 first averages blur×blur blocks, so antialiasing and
    sub-pixel placement of stamped markers do not count, misplaced shapes do.
    """

    def arr(img: QImage) -> np.ndarray:
        img = img.convertToFormat(QImage.Format.Format_RGB32)
        return np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())[:, : img.width() * 4].reshape(img.height(), img.width(), 4)[..., :3].astype(int)

    x, y = arr(a), arr(b)
    if blur > 1:
        h, w = (x.shape[0] // blur) * blur, (x.shape[1] // blur) * blur
        x = x[:h, :w].reshape(h // blur, blur, w // blur, blur, 3).mean(axis=(1, 3))
        y = y[:h, :w].reshape(h // blur, blur, w // blur, blur, 3).mean(axis=(1, 3))
    d = np.abs(x - y).max(axis=2)
    return float((d > threshold).mean())


#: Share of (3×3-averaged) pixels allowed to differ: antialiasing, sub-pixel
#: marker placement and polygons under 4 px drawn as boxes.
TOLERANCE = 0.04


@pytest.mark.parametrize("zoom", [1.0, 4.0, 16.0])
def test_engine_matches_reference(app, layers, zoom):
    painter = MapPainter()
    vp = Viewport.for_lonlat(layers.bounds(), 900, 600).zoomed(zoom)
    # polygons were all drawn: the level of detail only changes how
    fast = painter.render_image(vp, layers, labels=False)
    slow = reference(vp, layers)
    frac = _diff_fraction(fast, slow, threshold=40, blur=3)
    assert frac < TOLERANCE, f"{frac:.1%} of pixels differ at zoom {zoom}"
    # the measure is sensitive: the same map without its polygons is far off
    layers["storage_areas"].visible = False
    try:
        missing = painter.render_image(vp, layers, labels=False)
    finally:
        layers["storage_areas"].visible = True
    assert _diff_fraction(missing, slow, threshold=40, blur=3) > max(TOLERANCE, 1.5 * frac)


def test_no_painter_drift_between_frames(app, layers):
    painter = MapPainter()
    vp = Viewport.for_lonlat(layers.bounds(), 600, 400)
    a = painter.render_image(vp, layers, labels=False)
    b = painter.render_image(vp.zoomed(3).zoomed(1 / 3), layers, labels=False)
    assert _diff_fraction(a, b, threshold=8) < 0.002


def test_prepared_chunks_long_lines(app):
    line = shapely.linestrings(np.column_stack([np.linspace(114, 114.5, 1000), np.full(1000, 35.7)]))
    prep = PreparedGeometry(np.array([line], dtype=object), np.zeros(1, np.int32), [None])
    assert len(prep.parts) > 10 and set(prep.part_feature) == {0}
    total = sum(shapely.length(prep.parts))
    assert total == pytest.approx(shapely.length(shapely.transform(line, project_coords)), rel=1e-9)


def test_labels_do_not_depend_on_earlier_views(app):
    """A view shows the same labels whether or not the painter has shown other views before."""
    labelled = synthetic_layers(11, polygons=2000, lines=60, points=3000, labels=True)
    vp = Viewport.for_lonlat(labelled.bounds(), 700, 500)
    views = [vp.zoomed(2), vp.zoomed(2).panned(150, 80), vp.zoomed(6).panned(-40, 30)]
    seasoned = MapPainter()
    seasoned.render_image(vp, labelled)  # every label anchor it looks at gets placed
    for view in views:
        fresh = MapPainter().render_image(view, labelled)
        assert seasoned.render_image(view, labelled) == fresh


@pytest.mark.parametrize("cell", [(2.0, 2.0), (80.0, 24.0), (6.25, 6.25)])
def test_thinning_keeps_the_first_point_of_every_cell(cell):
    rng = np.random.default_rng(5)
    x = rng.uniform(-24, 1944, 50_000)
    y = rng.uniform(-24, 1104, 50_000)
    x[:100] = x[100:200]  # exact repeats: the earlier one stays
    y[:100] = y[100:200]
    w, h = cell
    keys = np.floor_divide(x, w).astype(np.int64) * 1_000_003 + np.floor_divide(y, h).astype(np.int64)
    _, first = np.unique(keys, return_index=True)
    got = first_per_cell(x, y, w, h)
    assert np.array_equal(got, np.sort(first))
    assert len(first_per_cell(x[:0], y[:0], w, h)) == 0


def test_classify_gives_each_feature_its_class_or_the_default():
    import pandas as pd

    from floodpost.data.schema.symbology import SYMBOLOGY

    sym = SYMBOLOGY["hazards"]
    frame = pd.DataFrame({"hazard_type": ["collapse", None, "landslide", "flood", float("nan"), "subsidence"]})
    classes, symbols = classify(frame, sym)
    default = len(symbols) - 1
    assert classes.tolist() == [1, default, 0, default, default, 3]
    assert symbols[default] is sym.default
    assert classify(frame.iloc[:0], sym)[0].tolist() == []


def test_lines_simplified_in_several_threads_are_the_same(app):
    """The painter's worker simplifies a river net while the drawing thread may ask for it too."""
    import threading

    rng = np.random.default_rng(8)
    lines = np.empty(300, dtype=object)
    lines[:] = [shapely.linestrings(np.cumsum(rng.normal(0, 0.002, (400, 2)), axis=0) + (114, 35.7)) for _ in range(300)]
    calm = PreparedGeometry(lines, np.zeros(300, np.int32), [None])
    busy = PreparedGeometry(lines, np.zeros(300, np.int32), [None])
    idx = np.flatnonzero(calm.part_kind == 1)
    halves = [idx[: len(idx) * 2 // 3], idx[len(idx) // 3 :], idx]
    threads = [threading.Thread(target=busy.line_vertices, args=(h, 5)) for h in halves * 2]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert np.array_equal(busy.line_segments(idx, 5), calm.line_segments(idx, 5))


def test_slider_steps_drawn_over_the_kept_base_equal_full_redraws(app, demo_path):
    """The picture kept under the forces (issue 16) leaves every pixel as a redraw from scratch."""
    from floodpost.data.situation import report_times
    from floodpost.data.workspace import Workspace
    from floodpost.layers.scene import MapScene

    with Workspace.open(demo_path) as ws:
        scene = MapScene.from_workspace(ws)
        fresh = MapScene.from_workspace(ws)
        vp = scene.viewport(640, 420)
        times = report_times(ws)
        steps = [times[len(times) // 3], times[len(times) // 3], times[-1], times[0], times[len(times) // 2], None]
        for t in steps:
            scene.show_situation(ws, t)
            img, _ = scene.render(vp)
            fresh.show_situation(ws, t)
            fresh.painter.volatile = frozenset()  # never keeps a base
            ref = fresh.painter.render_image(vp, fresh.layers)
            assert img == ref, t
        assert scene.painter._base is not None and scene.painter._base.image is not None
        assert fresh.painter._base is None


@pytest.mark.parametrize("labels", [40, 600])
def test_label_placement_with_and_without_the_bulk_test_agree(app, monkeypatch, labels):
    """Dropping candidates on wholly taken cells first is only sooner: the labels placed are the same."""
    from floodpost.layers.render import painter as painter_mod

    layers = synthetic_layers(seed=labels, polygons=labels, lines=5, points=labels, labels=True)
    vp = Viewport.for_lonlat(layers.bounds(), 640, 420, 96.0)
    got = []
    for bulk_above in (0, 10**9):
        monkeypatch.setattr(painter_mod, "BULK_TEST_ABOVE", bulk_above)
        stats = painter_mod.RenderStats()
        img = MapPainter().render_image(vp, layers, stats=stats)
        got.append((img, stats.placed))
    assert got[0][1] == got[1][1] and len(got[0][1]) > 5
    assert got[0][0] == got[1][0]
