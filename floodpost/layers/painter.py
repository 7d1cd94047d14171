"""The one painter: the live canvas, snapshots and printing all call ``MapPainter.paint``.

It draws the basemap, then each visible layer bottom to top, then all
labels at once so they never overlap. Geometry stays in Mercator metres in
cached Qt polygons; the view is one painter transform.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import shiboken6
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QTransform,
)

from floodpost.layers.fonts import map_font, metrics
from floodpost.layers.model import Layer
from floodpost.layers.prepared import LINE, POINT, POLYGON, PreparedGeometry
from floodpost.layers.style import RESERVOIR_POLYGON, LabelStyle, Symbol, Symbology
from floodpost.layers.symbols import fill_brush_pen, line_pens, marker_image, qcolor
from floodpost.layers.viewport import Viewport

#: Above this many visible parts, fills are drawn without antialiasing.
AA_PART_LIMIT = 20000
#: Above this many visible points, points sharing a 2-pixel cell are thinned.
THIN_POINT_LIMIT = 50000
#: At most this many label candidates per layer are tried per frame.
LABEL_CANDIDATES = 4000


class Cancelled(Exception):
    """A newer view superseded this render."""


def classify(frame: Any, symbology: Symbology) -> tuple[np.ndarray, list[Symbol]]:
    """Symbol index per feature, and the symbol list (classes, then default)."""
    symbols = [*symbology.classes.values(), symbology.default]
    codes = list(symbology.classes)
    n = 0 if frame is None else len(frame)
    classes = np.full(n, len(symbols) - 1, dtype=np.int32)
    if n and symbology.field and symbology.field in frame.columns:
        values = frame[symbology.field].astype(object).to_numpy()
        for i, code in enumerate(codes):
            classes[values == code] = i
    return classes, symbols


def prepare_layer(layer: Layer) -> PreparedGeometry:
    """Project, classify and index one layer's data."""
    frame = layer.frame
    sym = layer.symbology
    classes, symbols = classify(frame, sym)
    if frame is None or len(frame) == 0:
        return PreparedGeometry(np.empty(0, dtype=object), classes, symbols)
    labels = None
    if sym.label is not None and sym.label.field in frame.columns:
        labels = frame[sym.label.field].astype(object).to_numpy()
    polygon_symbols = None
    if layer.key == "reservoirs":
        polygon_symbols = [RESERVOIR_POLYGON] * len(symbols)
    return PreparedGeometry(
        frame.geometry.to_numpy(),
        classes,
        symbols,
        fids=frame.index.to_numpy(),
        labels=labels,
        label_style=sym.label,
        polygon_symbols=polygon_symbols,
    )


@dataclass
class _Label:
    priority: int
    order: int
    text: str
    x: float
    y: float
    kind: int
    offset: float
    style: LabelStyle


@dataclass
class RenderStats:
    """What a paint did, for benchmarks and tests."""

    parts: int = 0
    points: int = 0
    labels: int = 0
    per_layer: dict[str, int] = field(default_factory=dict)


class _Occupancy:
    """Rectangles already taken by labels, bucketed on a coarse grid."""

    CELL = 64.0

    def __init__(self) -> None:
        self._cells: dict[tuple[int, int], list[tuple[float, float, float, float]]] = {}

    def _keys(self, r: tuple[float, float, float, float]) -> list[tuple[int, int]]:
        c = self.CELL
        return [
            (i, j)
            for i in range(int(r[0] // c), int(r[2] // c) + 1)
            for j in range(int(r[1] // c), int(r[3] // c) + 1)
        ]

    def free(self, r: tuple[float, float, float, float]) -> bool:
        for k in self._keys(r):
            for o in self._cells.get(k, ()):
                if r[0] < o[2] and o[0] < r[2] and r[1] < o[3] and o[1] < r[3]:
                    return False
        return True

    def take(self, r: tuple[float, float, float, float]) -> None:
        for k in self._keys(r):
            self._cells.setdefault(k, []).append(r)


class MapPainter:
    """Paints layers into any QPainter; caches prepared geometry per layer version.

    One instance may serve a render thread; ``prepare`` is guarded so two
    threads never build the same cache twice.
    """

    def __init__(self, basemap: Any | None = None) -> None:
        self.basemap = basemap
        self._cache: dict[str, tuple[int, int, PreparedGeometry]] = {}
        self._atlas: dict[tuple[int, float], QPixmap] = {}
        self._lock = threading.Lock()

    # ---------------------------------------------------------- preparation
    def prepared(self, layer: Layer) -> PreparedGeometry:
        with self._lock:
            hit = self._cache.get(layer.key)
            if hit is not None and hit[0] == layer.version and hit[1] == id(layer.frame):
                return hit[2]
            prep = prepare_layer(layer)
            self._cache[layer.key] = (layer.version, id(layer.frame), prep)
            return prep

    def _marker(self, symbol: Symbol, scale: float) -> QPixmap:
        key = (id(symbol), round(scale, 3))
        pix = self._atlas.get(key)
        if pix is None:
            pix = QPixmap.fromImage(marker_image(symbol, scale))
            self._atlas[key] = pix
        return pix

    # ---------------------------------------------------------- painting
    def paint(
        self,
        painter: QPainter,
        viewport: Viewport,
        layers: Sequence[Layer],
        *,
        scale: float = 1.0,
        labels: bool = True,
        background: bool = True,
        cancelled: Callable[[], bool] | None = None,
    ) -> RenderStats:
        """Draw the map for ``viewport`` into ``painter``.

        ``scale`` is device pixels per logical pixel (dpi / 96 for print) so
        symbols and text keep their physical size; the viewport is in device
        pixels.
        """
        stats = RenderStats()
        check = cancelled or (lambda: False)
        label_queue: list[_Label] = []
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        if self.basemap is not None:
            self.basemap.paint(self, painter, viewport, scale=scale, background=background, labels=label_queue)
        elif background:
            painter.fillRect(QRectF(0, 0, viewport.width, viewport.height), QColor("#eef2f5"))
        for order, layer in enumerate(layers):
            if not layer.visible or layer.count == 0:
                continue
            if check():
                painter.restore()
                raise Cancelled
            prep = self.prepared(layer)
            painter.save()
            painter.setOpacity(layer.opacity)
            n = self.paint_geometry(painter, viewport, prep, scale=scale)
            painter.restore()
            stats.per_layer[layer.key] = n
            if labels and layer.labels:
                self.collect_labels(prep, viewport, order, scale, label_queue)
        if check():
            painter.restore()
            raise Cancelled
        if labels:
            stats.labels = self.paint_labels(painter, label_queue, viewport, scale)
        painter.restore()
        return stats

    def paint_geometry(
        self, painter: QPainter, viewport: Viewport, prep: PreparedGeometry, *, scale: float = 1.0
    ) -> int:
        """Draw the parts and points of one prepared layer; returns how many were drawn."""
        drawn = 0
        # Grow the query box by the widest symbol so strokes at the edge are kept.
        pad = 20 * scale * viewport.resolution
        x0, y0, x1, y1 = viewport.extent
        idx = prep.parts_in((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
        if len(idx):
            drawn += self._paint_parts(painter, viewport, prep, idx, scale)
        if len(prep.pt_x):
            drawn += self._paint_points(painter, viewport, prep, scale)
        return drawn

    def _paint_parts(
        self, painter: QPainter, viewport: Viewport, prep: PreparedGeometry, idx: np.ndarray, scale: float
    ) -> int:
        sx, sy, dx, dy = viewport.transform()
        # Skip parts smaller than a fifth of a pixel: invisible, and the bulk at small scales.
        b = prep.part_bounds[idx]
        size_px = np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]) / viewport.resolution
        idx = idx[size_px >= 0.2]
        if not len(idx):
            return 0
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, len(idx) <= AA_PART_LIMIT)
        painter.setTransform(QTransform(sx, 0, 0, sy, dx, dy), True)
        kinds = prep.part_kind[idx]
        classes = prep.part_class[idx]
        # Polygons first (bottom), then lines; within each, one pen/brush per class.
        for kind in (POLYGON, LINE):
            sel = idx[kinds == kind]
            if not len(sel):
                continue
            cls = classes[kinds == kind]
            for c in np.unique(cls):
                members = sel[cls == c]
                if kind == POLYGON:
                    brush, pen = fill_brush_pen(prep.polygon_symbols[c], scale)
                    pen.setCosmetic(True)
                    painter.setBrush(brush)
                    painter.setPen(pen)
                    for i in members:
                        item = prep.qt_part(int(i))
                        if isinstance(item, QPainterPath):
                            painter.drawPath(item)
                        else:
                            painter.drawPolygon(item)
                else:
                    casing, pen = line_pens(prep.symbols[c], scale)
                    painter.setBrush(Qt.BrushStyle.NoBrush)
                    for p in (casing, pen):
                        if p is None:
                            continue
                        p.setCosmetic(True)
                        painter.setPen(p)
                        for i in members:
                            painter.drawPolyline(prep.qt_part(int(i)))
        painter.restore()
        return len(idx)

    def _paint_points(self, painter: QPainter, viewport: Viewport, prep: PreparedGeometry, scale: float) -> int:
        px, py = viewport.to_screen(prep.pt_x, prep.pt_y)
        m = 24 * scale
        vis = (px > -m) & (px < viewport.width + m) & (py > -m) & (py < viewport.height + m)
        sel = np.flatnonzero(vis)
        if len(sel) > THIN_POINT_LIMIT:
            cell = 2.0 * scale
            keys = (px[sel] // cell).astype(np.int64) * 1_000_003 + (py[sel] // cell).astype(np.int64)
            _, first = np.unique(keys, return_index=True)
            sel = sel[np.sort(first)]
        if not len(sel):
            return 0
        classes = prep.pt_class[sel]
        for c in np.unique(classes):
            members = sel[classes == c]
            pix = self._marker(prep.symbols[c], scale)
            w, h = pix.width(), pix.height()
            frags = np.empty((len(members), 10), dtype=np.float64)
            frags[:, 0] = px[members]
            frags[:, 1] = py[members]
            frags[:, 2] = 0
            frags[:, 3] = 0
            frags[:, 4] = w
            frags[:, 5] = h
            frags[:, 6] = 1
            frags[:, 7] = 1
            frags[:, 8] = 0
            frags[:, 9] = 1
            ptr = shiboken6.wrapInstance(frags.ctypes.data, QPainter.PixmapFragment)
            painter.drawPixmapFragments(ptr, len(members), pix)
        return len(sel)

    # ---------------------------------------------------------- labels
    def collect_labels(
        self, prep: PreparedGeometry, viewport: Viewport, order: int, scale: float, queue: list[_Label]
    ) -> None:
        src = prep.labels
        if src is None or viewport.scale_denominator > src.style.max_scale:
            return
        px, py = viewport.to_screen(src.x, src.y)
        ok = np.isfinite(px) & (px >= 0) & (px < viewport.width) & (py >= 0) & (py < viewport.height)
        idx = np.flatnonzero(ok)[:LABEL_CANDIDATES]
        for i in idx:
            text = src.texts[i]
            if text is None or (isinstance(text, float) and text != text) or str(text) == "":
                continue
            kind = int(src.kind[i])
            offset = 0.0
            if kind == POINT and prep.n:
                sym = prep.symbols[prep.classes[i]]
                offset = (sym.size / 2 + 3) * scale
            queue.append(
                _Label(src.style.priority, order * 100000 + int(i), str(text), float(px[i]), float(py[i]), kind, offset, src.style)
            )

    def paint_labels(self, painter: QPainter, queue: list[_Label], viewport: Viewport, scale: float) -> int:
        """Place labels greedily by priority, never overlapping; returns how many were drawn."""
        queue.sort(key=lambda lab: (-lab.priority, lab.order))
        occ = _Occupancy()
        placed: list[tuple[_Label, float, float]] = []
        for lab in queue:
            st = lab.style
            fm = metrics(st.size, st.bold, scale)
            w = fm.horizontalAdvance(lab.text)
            h = fm.height()
            asc = fm.ascent()
            pad = 2 * scale
            if lab.kind == POINT:
                o = lab.offset
                candidates = [
                    (lab.x + o, lab.y - h / 2),  # right
                    (lab.x - o - w, lab.y - h / 2),  # left
                    (lab.x - w / 2, lab.y - o - h),  # above
                    (lab.x - w / 2, lab.y + o),  # below
                ]
            else:
                candidates = [(lab.x - w / 2, lab.y - h / 2)]
            for cx, cy in candidates:
                r = (cx - pad, cy - pad, cx + w + pad, cy + h + pad)
                if r[0] < 0 or r[1] < 0 or r[2] > viewport.width or r[3] > viewport.height:
                    continue
                if occ.free(r):
                    occ.take(r)
                    placed.append((lab, cx, cy + asc))
                    break
        painter.save()
        painter.resetTransform()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        for lab, x, y in placed:
            st = lab.style
            path = QPainterPath()
            path.addText(QPointF(x, y), map_font(st.size, st.bold, scale), lab.text)
            halo = QPen(qcolor(st.halo), 3.0 * scale)
            halo.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
            painter.strokePath(path, halo)
            painter.fillPath(path, QBrush(qcolor(st.color)))
        painter.restore()
        return len(placed)

    # ---------------------------------------------------------- images
    def render_image(
        self,
        viewport: Viewport,
        layers: Sequence[Layer],
        *,
        scale: float = 1.0,
        labels: bool = True,
        cancelled: Callable[[], bool] | None = None,
        stats: RenderStats | None = None,
    ) -> QImage:
        """The map as a new ARGB32 image of the viewport's size; fills ``stats`` if given."""
        img = QImage(viewport.width, viewport.height, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(QColor("#ffffff"))
        p = QPainter(img)
        try:
            got = self.paint(p, viewport, layers, scale=scale, labels=labels, cancelled=cancelled)
            if stats is not None:
                stats.__dict__.update(got.__dict__)
        finally:
            p.end()
        return img
