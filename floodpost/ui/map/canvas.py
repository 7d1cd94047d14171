"""The map canvas: renders in a worker thread and never blocks the UI thread.

While the user drags or zooms, the last rendered image is moved and scaled
with the view (one drawImage); a new image is rendered in the background
for the newest view only, older requests are cancelled.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPen,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QWidget

from floodpost.layers.model.identify import Hit, hit_test
from floodpost.layers.model.projection import project_coords
from floodpost.layers.model.viewport import Viewport
from floodpost.layers.render.helper import RenderHelper, helper_count
from floodpost.layers.render.painter import Cancelled, RenderStats
from floodpost.layers.scene import MapScene

#: Pixels the mouse may move and still count as a click, not a drag.
CLICK_SLOP = 4
#: Zoom factor per wheel notch and per key press.
WHEEL_STEP = 2 ** 0.5
KEY_STEP = 2.0


class _RenderWorker:
    """One background thread that renders the newest requested view only.

    A request for another view (a pan, a zoom) cancels the frame in hand: it
    would be drawn for nothing. A request for the same view (a slider step,
    a new entry) lets it finish, then draws the newest: dragging the time
    slider asked for a new frame every 30 ms, each cancelled the one before,
    and the map stood still until the drag stopped.
    """

    def __init__(self, deliver: Any) -> None:
        self._deliver = deliver
        self._cond = threading.Condition()
        self._request: tuple[int, Viewport, MapScene, float] | None = None
        self._generation = 0
        self._view: tuple[Viewport, float, MapScene] | None = None  # of the newest request
        self._view_generation = 0  # the first request of that view
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="floodpost-render", daemon=True)
        self._thread.start()

    def submit(self, viewport: Viewport, scene: MapScene, scale: float = 1.0) -> int:
        with self._cond:
            self._generation += 1
            if self._view is None or (viewport, scale) != self._view[:2] or scene is not self._view[2]:
                self._view = (viewport, scale, scene)
                self._view_generation = self._generation
            self._request = (self._generation, viewport, scene, scale)
            self._cond.notify()
            return self._generation

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._request = None
            self._cond.notify()
        self._thread.join(timeout=5)

    def _stale(self, gen: int) -> bool:
        """A frame of a view since left (or the window closing): drawn for nothing."""
        return self._stop or gen < self._view_generation

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._request is None and not self._stop:
                    self._cond.wait()
                if self._stop:
                    return
                gen, viewport, scene, scale = self._request  # type: ignore[misc]
                self._request = None
            t0 = time.perf_counter()
            stats = RenderStats()
            try:
                img = scene.painter.render_image(
                    viewport, scene.layers, scale=scale, stats=stats, cancelled=lambda g=gen: self._stale(g)
                )
            except Cancelled:
                continue
            except Exception as exc:  # noqa: BLE001 - shown in the status bar, never lost
                self._deliver(gen, None, viewport, exc, 0.0)
                continue
            if not self._stale(gen):
                self._deliver(gen, img, viewport, stats, time.perf_counter() - t0)


class MapCanvas(QWidget):
    """Pan with the left button, box-zoom with Shift+drag, zoom with the wheel or keys."""

    #: lon, lat under the cursor
    cursorMoved = Signal(float, float)
    #: the view changed (Viewport)
    viewChanged = Signal(object)
    #: features under a click (list[Hit]), topmost first
    featuresClicked = Signal(object)
    #: A plain click at lon, lat (for placing or moving a feature while editing).
    clicked = Signal(float, float)
    #: a render finished: seconds taken
    rendered = Signal(float)
    #: a frame was put on screen: the newest, or one of an earlier change shown while the newest is drawn
    frameShown = Signal()
    #: a render failed: message
    renderFailed = Signal(str)
    _delivered = Signal(int, object, object, object, float)

    def __init__(
        self, scene: MapScene | None = None, parent: QWidget | None = None, helper: Any = "auto"
    ) -> None:
        """``helper``: "auto" starts a render helper process where there are two cores or
        more; a RenderHelper is used as given (and left running on shutdown); None, none."""
        super().__init__(parent)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(200, 150)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, True)
        self.scene: MapScene | None = None
        self._viewport = Viewport(0.0, 0.0, 100.0, max(self.width(), 1), max(self.height(), 1))
        self._fitted = False
        self._image: QImage | None = None
        self._image_vp: Viewport | None = None
        self._press: QPointF | None = None
        self._press_vp: Viewport | None = None
        self._dragging = False
        self._box: QRectF | None = None
        self._highlight: list[QPainterPath] = []
        self._highlight_pts: list[tuple[float, float]] = []
        #: lon/lat vertices of a line or polygon being drawn (editing); closed for polygons
        self.sketch: list[tuple[float, float]] = []
        self.sketch_closed = False
        self._highlight_src: tuple[str, int] | None = None
        self._pending = 0
        self._shown = 0  # generation of the frame shown
        self._holding = 0  # inside batched(): layer changes wait for its end
        self._held = False
        #: Symbols, lines and labels drawn this many times their size (meeting view: larger).
        self.symbol_scale = 1.0
        self.last_stats: RenderStats | None = None
        self._delivered.connect(self._on_delivered, Qt.ConnectionType.QueuedConnection)
        self._worker = _RenderWorker(self._delivered.emit)
        #: The second process that draws part of each frame (None on one core, or when disabled).
        self.helper: RenderHelper | None = None
        self._own_helper = helper == "auto"
        if helper == "auto":
            if helper_count() > 0:
                self.helper = RenderHelper()
                if not self.helper.start():
                    self.helper = None
        elif isinstance(helper, RenderHelper):
            self.helper = helper
        if scene is not None:
            self.set_scene(scene)

    # ------------------------------------------------------------ model
    def set_scene(self, scene: MapScene) -> None:
        """Show another workspace's layers; the view fits them once shown."""
        if self.scene is not None:
            self.scene.layers.events.disconnect(self._on_layers_change)
            if self.scene.painter.helper is self.helper:
                self.scene.painter.helper = None
        self.scene = scene
        scene.painter.helper = self.helper
        scene.layers.events.connect(self._on_layers_change)
        self._image = None
        self._shown = self._pending  # a frame asked for before is of the other workspace
        self._highlight = []
        self._highlight_pts = []
        self._highlight_src = None
        self._fitted = False
        if self.width() > 1 and self.height() > 1:
            self.zoom_full()

    def _on_layers_change(self, event: Any = None) -> None:
        if self._holding:
            self._held = True
            return
        if self._highlight_src is not None:
            self.set_highlight(*self._highlight_src)
        self.request_render()

    @contextmanager
    def batched(self) -> Iterator[None]:
        """Changes of the layers inside ask for one frame at the end, not one each.

        A slider step refilters the forces and recolours the storage areas, then
        sets the overlays: a frame started at the first change would be drawn for
        nothing, and the step's own frame would wait for it.
        """
        self._holding += 1
        try:
            yield
        finally:
            self._holding -= 1
            if not self._holding:
                held, self._held = self._held, False
                if held and self._highlight_src is not None:
                    self.set_highlight(*self._highlight_src)
                self.request_render()

    @property
    def viewport(self) -> Viewport:
        return self._viewport

    def set_viewport(self, viewport: Viewport) -> None:
        """Move the view; the cached image follows at once, a fresh one renders behind."""
        self._viewport = viewport.resized(max(self.width(), 1), max(self.height(), 1))
        self._fitted = True
        self.update()
        self.viewChanged.emit(self._viewport)
        self.request_render()

    def request_render(self) -> None:
        if self.scene is None or self.width() < 2 or self.height() < 2:
            return
        self._pending = self._worker.submit(self._viewport, self.scene, self.symbol_scale)

    def set_symbol_scale(self, scale: float) -> None:
        """Draw symbols and labels ``scale`` times their size (the big screen), and redraw."""
        if scale != self.symbol_scale:
            self.symbol_scale = scale
            self.request_render()

    @property
    def busy(self) -> bool:
        """True while a newer render than the one shown is on its way (of another view, or of a change)."""
        return self._image_vp != self._viewport or self._shown != self._pending

    def _on_delivered(self, gen: int, img: Any, viewport: Viewport, stats: Any, seconds: float) -> None:
        if img is None:
            if gen == self._pending:
                self._shown = gen  # nothing newer is coming
            self.renderFailed.emit(str(stats))
            return
        if gen != self._pending and (gen <= self._shown or viewport != self._viewport):
            return  # not newer than the frame shown, or of a view since left
        self._shown = gen
        self._image = img
        self._image_vp = viewport
        self.last_stats = stats
        self.update()
        self.frameShown.emit()
        if gen == self._pending:  # a frame of an earlier change is shown, but "rendered" means the newest
            self.rendered.emit(seconds)

    def shutdown(self) -> None:
        """Stop the render thread; called when the window closes."""
        if self.scene is not None:
            self.scene.layers.events.disconnect(self._on_layers_change)
        self._worker.stop()
        if self.helper is not None:
            if self.scene is not None:
                self.scene.painter.helper = None
            if self._own_helper:
                self.helper.close()
            self.helper = None

    def closeEvent(self, event: Any) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)

    # ------------------------------------------------------------ navigation
    def zoom_full(self) -> None:
        if self.scene is not None:
            self.zoom_to_lonlat(self.scene.full_extent())

    def zoom_to_lonlat(self, bounds: tuple[float, float, float, float]) -> None:
        lon0, lat0, lon1, lat1 = bounds
        if lon1 - lon0 < 1e-4 and lat1 - lat0 < 1e-4:
            # a single point: show about 2 km around it
            bounds = (lon0 - 0.01, lat0 - 0.01, lon1 + 0.01, lat1 + 0.01)
        self.set_viewport(self._viewport.resized(self.width(), self.height()).fitted_lonlat(bounds))

    def zoom_to_layer(self, key: str) -> None:
        if self.scene is None:
            return
        layer = self.scene.layers.get(key)
        b = layer.bounds() if layer is not None else None
        if b is not None:
            self.zoom_to_lonlat(b)

    def zoom_by(self, factor: float, anchor: tuple[float, float] | None = None) -> None:
        self.set_viewport(self._viewport.zoomed(factor, anchor))

    def pan_by(self, dx: float, dy: float) -> None:
        self.set_viewport(self._viewport.panned(dx, dy))

    # ------------------------------------------------------------ identify
    def identify_at(self, px: float, py: float) -> list[Hit]:
        if self.scene is None:
            return []
        return hit_test(self.scene.layers, self._viewport, px, py)

    def set_highlight(self, key: str | None, fid: int | None = None) -> None:
        """Outline one feature (or none) above the map."""
        self._highlight = []
        self._highlight_pts: list[tuple[float, float]] = []
        self._highlight_src = None
        if key is not None and fid is not None and self.scene is not None:
            layer = self.scene.layers.get(key)
            geom = layer.geometry(fid) if layer is not None else None
            if geom is not None:
                self._highlight_src = (key, fid)
                self._highlight = _paths(geom)
                self._highlight_pts = _points(geom)
        self.update()

    # ------------------------------------------------------------ events
    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802
        super().resizeEvent(event)
        vp = self._viewport.resized(self.width(), self.height())
        if not self._fitted and self.scene is not None:
            self._viewport = vp
            self.zoom_full()
        else:
            self.set_viewport(vp)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), QColor("#e8eef3"))
        vp = self._viewport
        if self._image is not None and self._image_vp is not None:
            iv = self._image_vp
            k = iv.resolution / vp.resolution
            x0, y0 = iv.to_map(0, 0)
            sx, sy = vp.to_screen(x0, y0)
            target = QRectF(float(sx), float(sy), iv.width * k, iv.height * k)
            p.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, abs(k - 1) > 1e-6 and not self._dragging)
            p.drawImage(target, self._image)
        if self._highlight:
            sx, sy, dx, dy = vp.transform()
            p.save()
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.translate(dx, dy)
            p.scale(sx, sy)
            for color, width in (("#ffffff", 6.0), ("#ff1744", 3.0)):
                pen = QPen(QColor(color), width)
                pen.setCosmetic(True)
                p.setPen(pen)
                p.setBrush(Qt.BrushStyle.NoBrush)
                for path in self._highlight:
                    p.drawPath(path)
            p.restore()
        if self._highlight_pts:
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.setBrush(Qt.BrushStyle.NoBrush)
            for x, y in self._highlight_pts:
                sx_, sy_ = vp.to_screen(x, y)
                for color, width in (("#ffffff", 5.0), ("#ff1744", 2.5)):
                    p.setPen(QPen(QColor(color), width))
                    p.drawEllipse(QPointF(float(sx_), float(sy_)), 12.0, 12.0)
        if self.sketch:
            # The line or outline being drawn, vertex by vertex.
            from floodpost.layers.model.projection import to_mercator

            lon = [pt[0] for pt in self.sketch]
            lat = [pt[1] for pt in self.sketch]
            xs, ys = vp.to_screen(*to_mercator(np.array(lon), np.array(lat)))
            pts = [QPointF(float(x), float(y)) for x, y in zip(xs, ys, strict=True)]
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.setPen(QPen(QColor("#d81b60"), 2.0))
            p.setBrush(QColor(216, 27, 96, 40) if self.sketch_closed and len(pts) > 2 else Qt.BrushStyle.NoBrush)
            if self.sketch_closed and len(pts) > 2:
                p.drawPolygon(pts)
            else:
                p.drawPolyline(pts)
            p.setBrush(QColor("#ffffff"))
            for pt in pts:
                p.drawEllipse(pt, 3.5, 3.5)
        if self._box is not None:
            p.setPen(QPen(QColor("#1565c0"), 1.5, Qt.PenStyle.DashLine))
            p.setBrush(QColor(21, 101, 192, 40))
            p.drawRect(self._box)
        p.end()

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position()
            self._press_vp = self._viewport
            self._dragging = False
            if event.modifiers() & Qt.KeyboardModifier.ShiftModifier:
                self._box = QRectF(self._press, self._press)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position()
        lon, lat = self._viewport.lonlat_at(pos.x(), pos.y())
        self.cursorMoved.emit(lon, lat)
        if self._press is None or self._press_vp is None:
            return
        d = pos - self._press
        if not self._dragging and abs(d.x()) + abs(d.y()) < CLICK_SLOP:
            return
        self._dragging = True
        if self._box is not None:
            self._box = QRectF(self._press, pos).normalized()
            self.update()
            return
        self.setCursor(Qt.CursorShape.ClosedHandCursor)
        self.set_viewport(self._press_vp.panned(d.x(), d.y()))

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        if event.button() != Qt.MouseButton.LeftButton or self._press is None:
            return
        pos = event.position()
        box, dragging = self._box, self._dragging
        self._press = None
        self._press_vp = None
        self._box = None
        self._dragging = False
        self.unsetCursor()
        if box is not None and dragging and box.width() > 4 and box.height() > 4:
            x0, y0 = self._viewport.to_map(box.left(), box.bottom())
            x1, y1 = self._viewport.to_map(box.right(), box.top())
            self.set_viewport(self._viewport.fitted((float(x0), float(y0), float(x1), float(y1)), 0.0))
        elif not dragging:
            lon, lat = self._viewport.lonlat_at(pos.x(), pos.y())
            self.clicked.emit(float(lon), float(lat))
            if self.property("editing"):
                return  # the click places a feature; it identifies nothing
            hits = self.identify_at(pos.x(), pos.y())
            self.set_highlight(*(hits[0].key, hits[0].fid) if hits else (None, None))
            self.featuresClicked.emit(hits)
        else:
            self.update()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802
        pos = event.position()
        self.zoom_by(KEY_STEP, (pos.x(), pos.y()))

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802
        steps = event.angleDelta().y() / 120.0
        if steps == 0:
            return
        pos = event.position()
        self.zoom_by(WHEEL_STEP**steps, (pos.x(), pos.y()))

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        key = event.key()
        w, h = self.width() / 4, self.height() / 4
        moves = {
            Qt.Key.Key_Left: (w, 0),
            Qt.Key.Key_Right: (-w, 0),
            Qt.Key.Key_Up: (0, h),
            Qt.Key.Key_Down: (0, -h),
        }
        if key in moves:
            self.pan_by(*moves[key])
        elif key in (Qt.Key.Key_Plus, Qt.Key.Key_Equal):
            self.zoom_by(KEY_STEP)
        elif key in (Qt.Key.Key_Minus, Qt.Key.Key_Underscore):
            self.zoom_by(1 / KEY_STEP)
        elif key == Qt.Key.Key_Home:
            self.zoom_full()
        else:  # Esc goes on to the window, the one place that handles it
            super().keyPressEvent(event)


def _points(geom: Any) -> list[tuple[float, float]]:
    """Mercator positions of a point feature, ringed at a fixed pixel size."""
    if geom is None or geom.is_empty or geom.geom_type not in ("Point", "MultiPoint"):
        return []
    xy = project_coords(shapely.get_coordinates(geom))
    return [(float(x), float(y)) for x, y in xy]


def _paths(geom: Any) -> list[QPainterPath]:
    """Mercator outline paths of a line or polygon feature for the highlight."""
    out: list[QPainterPath] = []
    if geom is None or geom.is_empty or geom.geom_type in ("Point", "MultiPoint"):
        return out
    rings = shapely.get_rings(geom) if geom.geom_type in ("Polygon", "MultiPolygon") else shapely.get_parts(geom)
    for ring in rings:
        xy = project_coords(shapely.get_coordinates(ring))
        if len(xy) < 2:
            continue
        path = QPainterPath(QPointF(float(xy[0, 0]), float(xy[0, 1])))
        for x, y in xy[1:]:
            path.lineTo(float(x), float(y))
        out.append(path)
    return out
