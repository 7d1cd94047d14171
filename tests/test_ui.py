"""The main window around a real workspace: pan, zoom, identify, layer panel, language."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QImage

from floodpost.layers.model.projection import to_mercator
from floodpost.ui.mainwindow import MainWindow


@pytest.fixture
def window(qtbot, demo_path):
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    with qtbot.waitSignal(win.canvas.rendered, timeout=10000):
        assert win.open_workspace(demo_path)
    return win


def _screen_of(canvas, lon, lat):
    px, py = canvas.viewport.to_screen(*to_mercator(lon, lat))
    return float(px), float(py)


def _wait_idle(qtbot, canvas):
    qtbot.waitUntil(lambda: not canvas.busy, timeout=10000)


def test_opens_demo_with_every_layer(qtbot, window):
    keys = [layer.key for layer in window.scene.layers]
    assert set(keys) == {
        "storage_areas", "rivers", "reservoir_areas", "reservoirs", "hazards", "waterlogging", "forces", "depots",
        "shelters", "villages", "village_areas", "incidents", "incident_sections", "stations",
    }
    # the dike sections drawn are those of incidents out of control at the moment: none at the demo's end
    qtbot.waitUntil(lambda: not window.situation_pending, timeout=20_000)
    counts = {la.key: la.count for la in window.scene.layers}
    assert counts.pop("incident_sections") == 0
    assert all(n > 0 for n in counts.values()), counts
    assert window.layer_panel.model.rowCount() == 14


def test_drag_pans_the_view(qtbot, window):
    canvas = window.canvas
    _wait_idle(qtbot, canvas)
    before = canvas.viewport.lonlat_at(600, 400)
    grabbed = canvas.viewport.lonlat_at(300, 300)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(300, 300))
    for x in range(310, 420, 10):
        qtbot.mouseMove(canvas, QPoint(x, 300))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(410, 300))
    after = canvas.viewport.lonlat_at(600, 400)
    # dragging right moves the map right: the centre now shows land further west
    assert after[0] < before[0]
    assert after[1] == pytest.approx(before[1], abs=1e-6)
    # the point that was under the press is now under the release
    assert canvas.viewport.lonlat_at(410, 300) == pytest.approx(grabbed, abs=1e-9)
    _wait_idle(qtbot, canvas)


def test_wheel_and_keys_zoom(qtbot, window):
    canvas = window.canvas
    res = canvas.viewport.resolution
    anchor = canvas.viewport.lonlat_at(200, 150)
    from PySide6.QtCore import QPoint as P
    from PySide6.QtGui import QWheelEvent
    from PySide6.QtWidgets import QApplication

    ev = QWheelEvent(
        QPointF(200, 150), QPointF(canvas.mapToGlobal(P(200, 150))), P(0, 0), P(0, 240),
        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False,
    )
    QApplication.sendEvent(canvas, ev)
    assert canvas.viewport.resolution == pytest.approx(res / 2)
    assert canvas.viewport.lonlat_at(200, 150) == pytest.approx(anchor, abs=1e-6)
    canvas.setFocus()
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    assert canvas.viewport.resolution == pytest.approx(res)
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    assert canvas.viewport.resolution == pytest.approx(res / 2)
    qtbot.keyClick(canvas, Qt.Key.Key_Home)
    assert canvas.viewport.resolution == pytest.approx(res, rel=1e-6)
    _wait_idle(qtbot, canvas)


def test_box_zoom(qtbot, window):
    canvas = window.canvas
    corner0 = canvas.viewport.lonlat_at(100, 100)
    span0 = canvas.viewport.lonlat_extent[2] - canvas.viewport.lonlat_extent[0]
    box = 200 / canvas.width()  # the box's share of the canvas width
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, QPoint(100, 100))
    qtbot.mouseMove(canvas, QPoint(200, 150))
    qtbot.mouseMove(canvas, QPoint(300, 250))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.ShiftModifier, QPoint(300, 250))
    lon0, lat0, lon1, lat1 = canvas.viewport.lonlat_extent
    assert lon0 <= corner0[0] + 1e-3 and lat1 >= corner0[1] - 1e-3
    assert lon1 - lon0 < span0 * (box + 0.05)  # the box's width, not the whole city
    _wait_idle(qtbot, canvas)


def test_zoom_to_layer(qtbot, window):
    window.canvas.zoom_to_layer("waterlogging")
    b = window.scene.layers["waterlogging"].bounds()
    lon0, lat0, lon1, lat1 = window.canvas.viewport.lonlat_extent
    assert lon0 <= b[0] and lon1 >= b[2] and lat0 <= b[1] and lat1 >= b[3]
    assert lon1 - lon0 < 0.5
    _wait_idle(qtbot, window.canvas)


def test_click_identifies_feature_with_contacts(qtbot, window):
    canvas = window.canvas
    hazards = window.scene.layers["hazards"]
    fid = int(hazards.frame.index[0])
    geom = hazards.frame.geometry.loc[fid]
    canvas.zoom_to_lonlat((geom.x - 0.002, geom.y - 0.002, geom.x + 0.002, geom.y + 0.002))
    _wait_idle(qtbot, canvas)
    px, py = _screen_of(canvas, geom.x, geom.y)
    with qtbot.waitSignal(canvas.featuresClicked) as blocker:
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(round(px), round(py)))
    hits = blocker.args[0]
    assert (hits[0].key, hits[0].fid) == ("hazards", fid)
    panel = window.identify
    text = panel.text()
    rec = hazards.frame.loc[fid]
    assert rec["name"] in text
    assert rec["resp_phone"] in text and rec["resp_person"] in text
    labels = [panel.tree.topLevelItem(i).text(0) for i in range(panel.tree.topLevelItemCount())]
    assert "灾害类型" in labels or "Hazard type" in labels


def test_identify_on_a_lean_layer_shows_every_field(qtbot, demo_path, monkeypatch):
    """Big layers open with only their drawn columns; a click still shows the whole feature."""
    import floodpost.layers.model as model

    monkeypatch.setattr(model, "LEAN_ABOVE", 0)
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    with qtbot.waitSignal(win.canvas.rendered, timeout=10000):
        assert win.open_workspace(demo_path)
    canvas = win.canvas
    hazards = win.scene.layers["hazards"]
    assert hazards.lean and "resp_phone" not in hazards.table.columns
    fid = int(hazards.table.index[0])
    geom = hazards.geometry(fid)
    full = win.workspace.feature("hazards", fid)
    canvas.zoom_to_lonlat((geom.x - 0.002, geom.y - 0.002, geom.x + 0.002, geom.y + 0.002))
    _wait_idle(qtbot, canvas)
    px, py = _screen_of(canvas, geom.x, geom.y)
    with qtbot.waitSignal(canvas.featuresClicked):
        qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=QPoint(round(px), round(py)))
    text = win.identify.text()
    assert full["resp_phone"] in text and full["resp_person"] in text
    # the clicked feature was read whole; the layer was neither re-read nor turned into a GeoDataFrame
    assert hazards.lean and not hazards.built
    assert canvas._highlight_src == ("hazards", fid)
    _wait_idle(qtbot, canvas)


def test_layer_panel_toggles_visibility_and_order(qtbot, window):
    model = window.layer_panel.model
    row = model.row_of("hazards")
    idx = model.index(row)
    model.setData(idx, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert window.scene.layers["hazards"].visible is False
    assert model.data(idx, Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    top = model.layer(0).key
    window.layer_panel.select(top)
    window.layer_panel._move(1)
    assert model.layer(1).key == top
    assert [layer.key for layer in window.scene.layers][-2] == top
    window.layer_panel.select("storage_areas")
    window.layer_panel.opacity.setValue(40)
    assert window.scene.layers["storage_areas"].opacity == pytest.approx(0.4)
    _wait_idle(qtbot, window.canvas)


def test_hidden_layer_leaves_the_rendered_map(qtbot, window):
    canvas = window.canvas
    areas = window.scene.layers["storage_areas"]
    geom = areas.frame.geometry.iloc[0].representative_point()
    _wait_idle(qtbot, canvas)

    def colour() -> QColor:
        px, py = _screen_of(canvas, geom.x, geom.y)
        return canvas._image.pixelColor(round(px), round(py))

    shown = colour()
    with qtbot.waitSignal(canvas.rendered, timeout=10000):
        areas.visible = False
    _wait_idle(qtbot, canvas)
    assert colour() != shown


def test_status_bar_shows_coordinates_and_scale(qtbot, window):
    qtbot.mouseMove(window.canvas, QPoint(50, 60))
    lon, lat = window.canvas.viewport.lonlat_at(50, 60)
    assert f"{lon:.5f}" in window.coords.text()
    assert window.scale.text().startswith("1:")


def test_grab_shows_map_not_blank(qtbot, window):
    _wait_idle(qtbot, window.canvas)
    img: QImage = window.canvas.grab().toImage()
    colours = {img.pixel(x, y) for x in range(0, img.width(), 17) for y in range(0, img.height(), 17)}
    assert len(colours) > 20


def test_tile_basemap_shows_under_county_outlines(qtbot, window, tmp_path):
    from PySide6.QtGui import QImage as _QImage

    from floodpost.data.tiles import MBTilesWriter, tiles_for_bbox

    tile = _QImage(256, 256, _QImage.Format.Format_RGB32)
    tile.fill(QColor(200, 30, 30))
    from PySide6.QtCore import QBuffer, QIODevice

    buf = QBuffer()
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    tile.save(buf, "PNG")
    data = bytes(buf.data())
    path = tmp_path / "red.mbtiles"
    w = MBTilesWriter(path)
    for z, x, y in tiles_for_bbox((113.5, 35.0, 115.2, 36.4), 6, 9):
        w.put(z, x, y, data)
    w.set_metadata(name="red", format="png", minzoom=6, maxzoom=9)
    w.commit()
    w.close()
    canvas = window.canvas
    with qtbot.waitSignal(canvas.rendered, timeout=10000):
        assert window.add_tiles(path)
    _wait_idle(qtbot, canvas)
    # inside a county, with the layers hidden: the tiles show through the outline-only counties
    window.scene.painter.overlays = []
    with qtbot.waitSignal(canvas.rendered, timeout=10000):
        for layer in window.scene.layers:
            layer.visible = False
    _wait_idle(qtbot, canvas)
    lon, lat = 114.55, 35.75  # in 浚县
    px, py = _screen_of(canvas, lon, lat)
    c = canvas._image.pixelColor(round(px), round(py))
    assert (c.red(), c.green(), c.blue()) == (200, 30, 30)
    with qtbot.waitSignal(canvas.rendered, timeout=10000):
        window.remove_tiles()
    _wait_idle(qtbot, canvas)
    assert canvas._image.pixelColor(round(px), round(py)).red() != 200


def test_new_data_repaints_one_layer_row_and_leaves_the_legend(qapp):
    """A slider step refilters the forces: their row's count changes, the legend (classes) does not."""
    from floodpost.layers.model import Layer, LayerList
    from floodpost.ui.map.layerpanel import LayerListModel, LegendView

    layers = LayerList([Layer("storage_areas"), Layer("depots"), Layer("forces")])
    model = LayerListModel(layers)
    legend = LegendView(layers)
    rows: list[tuple[int, int]] = []
    model.dataChanged.connect(lambda a, b, *_: rows.append((a.row(), b.row())))
    repaints: list[int] = []
    legend.update = lambda *a: repaints.append(1)  # type: ignore[method-assign]
    layers[2].version += 1  # new data for the forces, drawn on top: row 0
    assert rows == [(0, 0)] and not repaints
    height = legend.minimumHeight()
    layers[0].visible = False  # a change the legend shows
    assert rows[-1] == (2, 2) and repaints
    assert legend.minimumHeight() < height
