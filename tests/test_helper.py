"""The render helper process: same picture as one process, and never a missing one.

The helper draws the lower rows of a frame in a second process; if it is
slow, lacks a layer or dies, the render thread draws those rows itself.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import shapely
from conftest import synthetic_layers
from PySide6.QtGui import QImage

from floodpost.data.shapes import Shapes
from floodpost.data.store.gpkg import read_geometry
from floodpost.data.workspace import Workspace
from floodpost.layers.model import LayerList, drawing_columns
from floodpost.layers.model.viewport import Viewport
from floodpost.layers.render.helper import ROW_STEP, RenderHelper
from floodpost.layers.render.painter import MapPainter


def _pixels(img: QImage) -> np.ndarray:
    img = img.convertToFormat(QImage.Format.Format_RGB32)
    rows = np.frombuffer(img.constBits(), np.uint8).reshape(img.height(), img.bytesPerLine())
    return rows[:, : img.width() * 4].reshape(img.height(), img.width(), 4)[..., :3].astype(int)


def _differ(a: QImage, b: QImage, threshold: int = 40) -> float:
    """Share of pixels that differ by more than ``threshold`` in some channel."""
    return float((np.abs(_pixels(a) - _pixels(b)).max(axis=2) > threshold).mean())


def _same_but_the_seam(alone: QImage, shared: QImage, seam: int) -> None:
    """Identical away from the seam; near it, strokes cut there may step a pixel aside.

    A line crossing the seam is clipped there in one image and not in the
    other, and Qt's line stepping from the cut point can differ by a pixel
    for the rest of that segment.
    """
    off = np.abs(_pixels(alone) - _pixels(shared)).max(axis=2) > 40
    rows = np.arange(off.shape[0])
    near = (rows >= seam - 8) & (rows < seam + 200)
    assert not off[~near].any(), f"pixels differ away from the seam at rows {np.unique(np.nonzero(off[~near])[0])[:10]}"
    assert off.mean() < 0.005


@pytest.fixture(scope="module")
def synthetic() -> LayerList:
    """Frames built in memory (no workspace): the helper is sent their shapes.

    200 rivers of 200 vertices take the dense, one-call line path; 60,000
    points are thinned at full extent.
    """
    layers = synthetic_layers(11, polygons=4000, lines=200, points=60000, labels=True)
    layers["rivers"].opacity = 0.7
    layers["hazards"].labels = False
    return layers


@pytest.fixture
def helper():
    h = RenderHelper()
    assert h.start()
    deadline = time.perf_counter() + 60
    while not h.usable and time.perf_counter() < deadline:
        time.sleep(0.02)
    assert h.usable, "the helper process did not come up"
    yield h
    h.close()


def _render_both(layers: LayerList, viewport: Viewport, helper: RenderHelper) -> tuple[QImage, QImage]:
    alone = MapPainter().render_image(viewport, layers)
    shared = MapPainter()
    shared.helper = helper
    shared.render_image(viewport, layers)  # the helper gets the layers, maybe too late for this frame
    before = helper.frames
    for _ in range(20):
        img = shared.render_image(viewport, layers)
        if helper.frames > before:
            return alone, img
        time.sleep(0.1)
    raise AssertionError("the helper never drew a frame")


def test_rows_view_is_the_same_pixels_shifted() -> None:
    vp = Viewport.for_lonlat((114.0, 35.5, 114.6, 35.9), 900, 600)
    sub = vp.rows(256, 600)
    x, y = vp.to_map(np.array([10.0, 450.0, 899.0]), np.array([300.0, 256.0, 599.5]))
    px, py = vp.to_screen(x, y)
    sx, sy = sub.to_screen(x, y)
    assert np.allclose(px, sx) and np.allclose(py - 256, sy)
    assert sub.height == 344 and sub.width == 900


@pytest.mark.parametrize("zoom", [1.0, 4.0])
def test_helper_draws_the_same_picture(qapp, synthetic, helper, zoom) -> None:
    vp = Viewport.for_lonlat(synthetic.bounds(), 900, 600).zoomed(zoom)
    alone, shared = _render_both(synthetic, vp, helper)
    _same_but_the_seam(alone, shared, helper.last_split)
    # and the comparison can fail: without the rivers the picture is far off
    synthetic["rivers"].visible = False
    try:
        missing = MapPainter().render_image(vp, synthetic)
    finally:
        synthetic["rivers"].visible = True
    assert _differ(alone, missing) > 0.01


def test_helper_reads_a_workspace_itself(qapp, demo_master: Path, helper) -> None:
    with Workspace.open(demo_master) as ws:
        layers = LayerList.from_workspace(ws, lean_above=10)  # the demo's bigger layers open lean
        assert any(layer.lean for layer in layers)
        assert all(layer.geometry_source == (str(ws.path), layer.key) for layer in layers)
        vp = Viewport.for_lonlat(layers.bounds(), 800, 600)
        alone, shared = _render_both(layers, vp, helper)
    _same_but_the_seam(alone, shared, helper.last_split)


def test_a_changed_layer_reaches_the_helper(qapp, synthetic, helper) -> None:
    vp = Viewport.for_lonlat(synthetic.bounds(), 900, 600)
    _render_both(synthetic, vp, helper)
    areas = synthetic["storage_areas"]
    full = areas.frame
    try:
        areas.set_frame(full.iloc[::3])  # two thirds gone
        alone, shared = _render_both(synthetic, vp, helper)
        _same_but_the_seam(alone, shared, helper.last_split)
    finally:
        areas.set_frame(full)


def test_a_dead_helper_costs_speed_not_pixels(qapp, synthetic, helper) -> None:
    vp = Viewport.for_lonlat(synthetic.bounds(), 900, 600).zoomed(2.0)
    alone, _ = _render_both(synthetic, vp, helper)
    os.kill(helper.pid, signal.SIGKILL)
    time.sleep(0.2)
    painter = MapPainter()
    painter.helper = helper
    painter.render_image(vp, synthetic)
    assert not helper.usable
    assert _differ(alone, painter.render_image(vp, synthetic)) == 0.0


def test_a_hung_helper_is_not_waited_for(qapp, synthetic, helper) -> None:
    """Rows the helper has not drawn in time are drawn by the render thread."""
    vp = Viewport.for_lonlat(synthetic.bounds(), 900, 600)
    alone, _ = _render_both(synthetic, vp, helper)
    late = helper.late
    os.kill(helper.pid, signal.SIGSTOP)
    try:
        helper_painter = MapPainter()
        helper_painter.helper = helper
        t0 = time.perf_counter()
        helper_painter.render_image(vp, synthetic)
        img = helper_painter.render_image(vp, synthetic)
        took = time.perf_counter() - t0
    finally:
        os.kill(helper.pid, signal.SIGCONT)
    assert helper.late >= late + 2
    assert took < 10  # not the 20 s after which a helper counts as failed
    assert _differ(alone, img) == 0.0
    assert helper.usable  # late is not broken


def test_canvas_starts_and_stops_its_helper(qtbot, synthetic, monkeypatch) -> None:
    from floodpost.layers.scene import MapScene
    from floodpost.ui.map.canvas import MapCanvas

    monkeypatch.setenv("FLOODPOST_RENDER_HELPER", "1")
    canvas = MapCanvas(MapScene(synthetic, MapPainter()))
    qtbot.addWidget(canvas)
    canvas.resize(900, 4 * ROW_STEP + 20)
    canvas.show()
    helper = canvas.helper
    assert helper is not None and canvas.scene.painter.helper is helper
    pid = helper.pid
    qtbot.waitUntil(lambda: helper.usable, timeout=60000)
    deadline = time.perf_counter() + 60
    while not helper.frames and time.perf_counter() < deadline:
        canvas.request_render()
        qtbot.waitUntil(lambda: not canvas.busy, timeout=20000)
        qtbot.wait(100)
    assert helper.frames >= 1
    canvas.shutdown()
    assert canvas.helper is None
    with pytest.raises(ProcessLookupError):
        for _ in range(100):
            os.kill(pid, 0)
            time.sleep(0.05)


def test_bulk_and_shape_reads_are_the_plain_read(demo_master: Path) -> None:
    with Workspace.open(demo_master) as ws:
        for key in ("hazards", "storage_areas", "rivers", "shelters"):
            cols = drawing_columns(key)
            plain = ws.read(key, columns=cols)
            bulk = ws.read(key, columns=cols, bulk=True)
            assert list(bulk.index) == list(plain.index)
            for c in cols:
                assert list(bulk[c].astype(object)) == list(plain[c].astype(object)), (key, c)
            assert all(shapely.equals_exact(bulk.geometry.values, plain.geometry.values, 0))
            want = Shapes.from_geometries(plain.geometry.values)
            fids, shapes = read_geometry(ws.path, key)
            assert list(fids) == list(plain.index)
            assert shapes.equals(want), key
            table, lean = ws.read_shapes(key, cols)
            assert list(table.index) == list(plain.index)
            assert list(table.columns) == [c for c in plain.columns if c != "geometry"]
            assert lean.equals(want), key
            assert all(shapely.equals_exact(lean.geometries(), plain.geometry.values, 0))


# ---------------------------------------------------------------- overlays drawn apart (a slider step)
def _demo_scene(demo_master: Path, at: str) -> tuple[Any, Any]:
    from floodpost.layers.scene import MapScene

    ws = Workspace.open(demo_master)
    scene = MapScene.from_workspace(ws)
    scene.show_situation(ws, at)
    return ws, scene


def _frames_apart(scene: Any, vp: Viewport, helper: RenderHelper) -> tuple[QImage, QImage]:
    """The frame drawn in one process, and the same once the helper drew its operations overlay."""
    shared = scene.painter
    shared.helper = None
    want = shared.render_image(vp, scene.layers)
    shared.helper = helper
    before = helper.overlay_frames
    for _ in range(40):
        img = shared.render_image(vp, scene.layers)
        if helper.overlay_frames > before:
            return want, img
        time.sleep(0.1)
    raise AssertionError("the helper never drew the overlays")


def test_the_helper_draws_the_operations_of_a_step_as_the_render_thread_would(qapp, demo_master, helper) -> None:
    """A kept picture under the moment's layers leaves the helper no rows: it draws the incidents, links
    and warned villages meanwhile, and the frame is the one a single process draws (to a rounding of the
    blend at a few edges)."""
    from floodpost.layers.render.operations import OperationsOverlay

    ws, scene = _demo_scene(demo_master, "2021-07-22T16:00")
    try:
        ops = next(o for o in scene.painter.overlays if isinstance(o, OperationsOverlay))
        assert ops.links and ops.incidents and ops.places
        vp = Viewport.for_lonlat(scene.layers.bounds(), 1000, 700)
        alone, shared = _frames_apart(scene, vp, helper)
        diff = np.abs(_pixels(alone) - _pixels(shared)).max(axis=2)
        # blended in two steps (on a clear picture, then over the map), a few edge pixels round apart
        assert (diff > 2).sum() <= 50 and diff.max() <= 24, f"{(diff > 2).sum()} pixels differ, by up to {diff.max()}"
        # and the comparison can fail: the same frame without the operations is far off
        scene.painter.helper = None
        scene.painter.overlays = [o for o in scene.painter.overlays if o is not ops]
        assert _differ(alone, scene.painter.render_image(vp, scene.layers), threshold=2) > 0.001
    finally:
        ws.close()


def test_overlays_a_stopped_helper_has_not_drawn_are_drawn_here(qapp, demo_master, helper) -> None:
    ws, scene = _demo_scene(demo_master, "2021-07-22T16:00")
    try:
        vp = Viewport.for_lonlat(scene.layers.bounds(), 1000, 700)
        alone, _ = _frames_apart(scene, vp, helper)
        for _ in range(40):  # until it has read the layers sent meanwhile and draws every frame's overlays
            drawn = helper.overlay_frames
            scene.painter.render_image(vp, scene.layers)
            if helper.overlay_frames > drawn:
                break
            time.sleep(0.1)
        assert helper.overlay_frames > drawn
        late = helper.late
        os.kill(helper.pid, signal.SIGSTOP)
        try:
            t0 = time.perf_counter()
            img = scene.painter.render_image(vp, scene.layers)
            took = time.perf_counter() - t0
        finally:
            os.kill(helper.pid, signal.SIGCONT)
        assert helper.late == late + 1
        assert took < 2 * helper.overlay_s + 1.0  # waited about twice its last time, not the helper's timeout
        assert _differ(alone, img, threshold=0) == 0.0  # drawn here: the single process's very pixels
        assert helper.usable
    finally:
        ws.close()
