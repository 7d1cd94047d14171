"""The one painter: the live canvas, snapshots and printing all call ``MapPainter.paint``.

It draws the basemap, then each visible layer bottom to top, then all
labels at once so they never overlap. Geometry stays in Mercator metres in
cached Qt polygons; the view is one painter transform.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import shiboken6
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPixmap,
    QTransform,
)

from floodpost.data.schema.symbology import LabelStyle, Symbol, Symbology
from floodpost.layers.model import Layer
from floodpost.layers.model.viewport import Viewport
from floodpost.layers.render.fonts import draw_text, is_vector, map_font, metrics, text_path
from floodpost.layers.render.prepared import LINE, POINT, POLYGON, PreparedGeometry
from floodpost.layers.render.stamps import Stamps, may_stamp
from floodpost.layers.render.symbols import (
    fill_brush_pen,
    line_pens,
    marker_image,
    marker_path,
    marker_pen,
    qcolor,
)

#: Above this many visible parts, fills are drawn without antialiasing.
AA_PART_LIMIT = 5000
#: Above this many visible points, points sharing a 2-pixel cell are thinned.
THIN_POINT_LIMIT = 50000
#: At most this many label candidates per layer are tried per frame.
LABEL_CANDIDATES = 4000
#: Rendered label images kept for reuse across frames.
SPRITE_CACHE = 20000
#: Margin kept free around each label, in pixels at 96 dpi.
LABEL_PAD = 2.0
#: Above this many labels in view, candidates are thinned to one per cell first.
LABEL_THIN_ABOVE = 300
#: Parts smaller than SKIP_PX pixels are not drawn; smaller than BOX_PX
#: they are stamped as boxes; smaller than THIN_PX they get a one-pixel outline.
SKIP_PX = 0.2
BOX_PX = 4.0
BOX_TILE = 8
#: Polygons from BOX_PX up to BLOB_PX pixels are stamped as outlined ellipses.
BLOB_PX = 8.0
BLOB_CELL = 10
THIN_PX = 16.0
#: With more visible line vertices than this, lines are drawn one pixel wide
#: without casing; with more visible polygons than DENSE_POLYGONS, outlines too.
DENSE_LINE_VERTICES = 30000
DENSE_POLYGONS = 2000
#: Label candidates in one group above which the placement first drops, in bulk, those lying
#: on wholly taken cells (an integral image of the taken cells, rebuilt after each placement).
BULK_TEST_ABOVE = 256


class Cancelled(Exception):
    """A newer view superseded this render."""


def classify(frame: Any, symbology: Symbology) -> tuple[np.ndarray, list[Symbol]]:
    """Symbol index per feature, and the symbol list (classes, then default)."""
    symbols = [*symbology.classes.values(), symbology.default]
    codes = list(symbology.classes)
    n = 0 if frame is None else len(frame)
    classes = np.full(n, len(symbols) - 1, dtype=np.int32)
    if n and symbology.field and symbology.field in frame.columns and codes:
        # the distinct values are few: match those, then spread (200,000 points: 8 ms, not 13)
        seen, distinct = pd.factorize(frame[symbology.field].astype(object).to_numpy())
        if len(distinct):
            match = pd.Index(codes, dtype=object).get_indexer(distinct)
            found = np.where(seen >= 0, match[seen], -1)
            classes[found >= 0] = found[found >= 0]
    return classes, symbols


def _classes_and_labels(table: Any, sym: Symbology) -> tuple[np.ndarray, list[Symbol], np.ndarray | None]:
    classes, symbols = classify(table, sym)
    labels = None
    if table is not None and len(table) and sym.label is not None and sym.label.field in table.columns:
        labels = table[sym.label.field].astype(object).to_numpy()
    return classes, symbols, labels


#: id of a table a layer's rows are taken from -> (the table, its symbology, classes, symbols, labels)
_WHOLE: dict[int, tuple[Any, ...]] = {}
_WHOLE_LOCK = threading.Lock()


def _rows_classes(layer: Layer) -> tuple[np.ndarray, list[Symbol], np.ndarray | None]:
    """Classes and labels of a layer's rows taken from a whole table (``Layer.rows_of``): the whole
    table's worked out once, then picked (a slider step classified the forces and incidents anew, 1.5 ms)."""
    whole, pos = layer.rows_of  # type: ignore[misc]
    sym = layer.symbology
    with _WHOLE_LOCK:
        hit = _WHOLE.get(id(whole))
    if hit is None or hit[0] is not whole or hit[1] is not sym:
        hit = (whole, sym, *_classes_and_labels(whole, sym))
        with _WHOLE_LOCK:
            if len(_WHOLE) > 16:
                _WHOLE.clear()
            _WHOLE[id(whole)] = hit
    _, _, classes, symbols, labels = hit
    return classes[pos], symbols, (labels[pos] if labels is not None else None)


def prepare_layer(layer: Layer) -> PreparedGeometry:
    """Project, classify and index one layer's data (from its shapes when it has them)."""
    table = layer.table
    sym = layer.symbology
    classes, symbols, labels = _rows_classes(layer) if layer.rows_of is not None else _classes_and_labels(table, sym)
    if table is None or len(table) == 0:
        return PreparedGeometry(np.empty(0, dtype=object), classes, symbols)
    shapes = layer.shapes
    prep = PreparedGeometry(
        shapes if shapes is not None else layer.frame.geometry.to_numpy(),
        classes,
        symbols,
        fids=table.index.to_numpy(),
        labels=labels,
        label_style=sym.label,
    )
    if prep.line_ncoords > DENSE_LINE_VERTICES:
        # A river net is simplified for every zoom band it is shown at, from
        # GEOS lines built once; built here, they are ready before the first
        # frame (and built in the reading thread when the layer is big).
        prep.lonlat_parts(np.flatnonzero(prep.part_kind == LINE))
    return prep


def zoom_band(viewport: Viewport) -> int:
    """The level-of-detail band of ``viewport``: b for resolutions in [2**b, 2**(b+1)) metres per pixel."""
    return int(np.floor(np.log2(max(viewport.resolution, 1e-6))))


_WARMER: ThreadPoolExecutor | None = None
_WARMER_LOCK = threading.Lock()


def _warmer() -> ThreadPoolExecutor:
    """The worker thread that simplifies lines ahead of the drawing thread (see ``MapPainter._warm_lines``)."""
    global _WARMER
    with _WARMER_LOCK:
        if _WARMER is None:
            _WARMER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="floodpost-lod")
        return _WARMER


def first_per_cell(x: np.ndarray, y: np.ndarray, width: float, height: float) -> np.ndarray:
    """Indices of the first of ``(x, y)`` in each grid cell of ``width`` x ``height``, ascending.

    How dense points and labels are thinned. Cells are numbered over the
    box the points span (a view plus its margin), so one scatter of the
    indices replaces sorting keys: three times quicker on 200,000 points.
    """
    n = len(x)
    if n == 0:
        return np.empty(0, dtype=np.int64)
    gx = np.floor_divide(x, width).astype(np.int64)
    gy = np.floor_divide(y, height).astype(np.int64)
    gx -= gx.min()
    gy -= gy.min()
    cols = int(gx.max()) + 1
    cell = gy * cols + gx
    first = np.full(int(cell.max()) + 1, n, dtype=np.int64)
    np.minimum.at(first, cell, np.arange(n, dtype=np.int64))
    keep = np.zeros(n + 1, dtype=bool)
    keep[first] = True
    return np.flatnonzero(keep[:n])


@dataclass
class _LabelBatch:
    """The label candidates of one layer in one frame, in placement order."""

    priority: int
    order: int
    texts: list[str]
    x: np.ndarray  # anchor, screen pixels
    y: np.ndarray
    kind: np.ndarray
    offset: np.ndarray  # gap between a point and its label
    style: LabelStyle
    tops: Any = None  # (candidate left, candidate top, ascent), filled by the placement pass


class Phrase(str):
    """A label of a name that stays and words that change with the moment (``北岗段险情069 3小时前``).

    On screen it is drawn as two sprites, the name's and the rest's, so a slider
    step draws the name's picture only once: a season's hundred incident and
    gauge labels changed their age at every step and were all drawn anew. Its
    text, width and placement are those of the whole string.
    """

    cut: int  # the name's length; the rest starts with the space

    def __new__(cls, head: Any, tail: Any) -> Phrase:
        head, tail = ("" if head is None else str(head)), ("" if tail is None else str(tail))
        if not head or not tail:
            return str.__new__(cls, head or tail)._cut_at(0)
        return str.__new__(cls, f"{head} {tail}")._cut_at(len(head))

    def _cut_at(self, cut: int) -> Phrase:
        self.cut = cut
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        head, tail = (str(self)[: self.cut], str(self)[self.cut + 1 :]) if self.cut else (str(self), "")
        return Phrase, (head, tail)


def label_batch(
    texts: list[str], x: np.ndarray, y: np.ndarray, style: LabelStyle, *, order: int = 1000,
    point_offset: np.ndarray | None = None,
) -> _LabelBatch:
    """Labels an overlay adds to the placement pass: beside points (``point_offset``: the gap
    from each point), else centred on (x, y)."""
    n = len(texts)
    kind = np.full(n, POINT if point_offset is not None else LINE, dtype=np.int64)
    offset = np.zeros(n) if point_offset is None else np.asarray(point_offset, dtype=float)
    return _LabelBatch(style.priority, order, list(texts), np.asarray(x, dtype=float), np.asarray(y, dtype=float),
                       kind, offset, style)


@dataclass
class Placement:
    """Where the items of a map overlay may go, for the label placement pass.

    ``boxes`` holds, per item, its candidate rectangles ``(x0, y0, x1, y1)``
    in viewport pixels, best first (NaN: no such candidate). Items are
    placed by ``priority`` among the labels. A ``force`` item (an
    evacuation bar: data, not a name) is never left out: when none of its
    places is free it takes its first one all the same. After the pass,
    ``chosen`` holds each item's candidate index, or -1 where none was free.
    """

    boxes: np.ndarray  # (n, candidates, 4)
    priority: int
    force: bool = False
    chosen: np.ndarray = field(init=False)

    def __post_init__(self) -> None:
        boxes = np.asarray(self.boxes, dtype=float)
        self.boxes = boxes.reshape(len(boxes), -1, 4) if boxes.size else np.empty((len(boxes), 1, 4))
        self.chosen = np.full(len(self.boxes), -1, dtype=np.int64)


@dataclass
class RenderStats:
    """What a paint did, for benchmarks and tests."""

    parts: int = 0
    points: int = 0
    labels: int = 0
    hidden: int = 0  # overlay items (depot tags) left out for want of room
    placed: list[tuple[str, LabelStyle, float, float]] = field(default_factory=list)  # labels: text, style, x, baseline
    reserved: list[Placement] = field(default_factory=list)  # the overlays' items, placed with the labels
    per_layer: dict[str, int] = field(default_factory=dict)


def _apart(overlays: Sequence[Any]) -> tuple[int, int] | None:
    """The first run of overlays that may be drawn apart (``drawn_apart``), as (start, end); None: none."""
    for start, overlay in enumerate(overlays):
        if getattr(overlay, "drawn_apart", False):
            end = start + 1
            while end < len(overlays) and getattr(overlays[end], "drawn_apart", False):
                end += 1
            return start, end
    return None


class _LegacyPlan:
    """An overlay with only ``paint(painter, viewport, scale)``: drawn as it is, reserving nothing."""

    placements: list[Placement] = []

    def __init__(self, overlay: Any, viewport: Viewport, scale: float) -> None:
        self.overlay, self.viewport, self.scale = overlay, viewport, scale

    def paint(self, painter: QPainter, vector: bool) -> int:
        self.overlay.paint(painter, self.viewport, self.scale)
        return 0


@dataclass(eq=False)
class _Base:
    """The picture under the first volatile layer: basemap and the layers below, with their labels."""

    key: tuple[Any, ...]
    prefix: int  # the layers below this index are in ``image``
    image: QImage | None = None
    labels: list[Any] = field(default_factory=list)  # the basemap's label candidates
    counts: dict[str, int] = field(default_factory=dict)  # features drawn per layer


class MapPainter:
    """Paints layers into any QPainter; caches prepared geometry per layer version.

    One instance may serve a render thread; ``prepared`` is guarded so two
    threads never build the same cache twice.
    """

    def __init__(self, basemap: Any | None = None) -> None:
        self.basemap = basemap
        self._cache: dict[str, tuple[int, object, PreparedGeometry]] = {}  # version, data token
        self._atlas: dict[tuple[int, float], QPixmap] = {}
        self._lock = threading.Lock()
        self._building: dict[str, threading.Lock] = {}  # one per layer key
        self._warm_generation = 0  # frames that asked for lines to be simplified ahead
        self._sprites: OrderedDict[tuple, tuple[QImage, float, float]] = OrderedDict()
        self._widths: dict[tuple, float] = {}
        #: Situation overlays (evacuation bars…) painted over the layers, under the labels.
        self.overlays: list[Any] = []
        #: A RenderHelper process sharing ``render_image`` frames (the canvas sets one).
        self.helper: Any | None = None
        #: Keys of the layers a step of the time slider changes (the scene filters them by
        #: report time): ``render_image`` keeps the picture of what lies under the first of
        #: them, so a step redraws only those layers, the overlays and the labels.
        self.volatile: frozenset[str] = frozenset()
        #: Keys of the layers whose labels an overlay draws instead (the incidents: their
        #: label says the status and age as of the moment shown).
        self.overlay_labels: frozenset[str] = frozenset()
        self._base: _Base | None = None
        self._last_view: tuple[Any, ...] | None = None

    # ---------------------------------------------------------- preparation
    def prepared(self, layer: Layer) -> PreparedGeometry:
        """The layer's prepared geometry, built once per data version.

        Safe from several threads: each layer is built by one of them while
        other layers are built alongside (the reading threads of
        ``LayerList.from_workspace`` prepare what they read).
        """
        with self._lock:
            hit = self._cache.get(layer.key)
            if hit is not None and hit[0] == layer.version and hit[1] is layer.data_token:
                return hit[2]
            building = self._building.setdefault(layer.key, threading.Lock())
        with building:
            with self._lock:
                hit = self._cache.get(layer.key)
                if hit is not None and hit[0] == layer.version and hit[1] is layer.data_token:
                    return hit[2]
            version, token = layer.version, layer.data_token
            prep = prepare_layer(layer)
            with self._lock:
                self._cache[layer.key] = (version, token, prep)
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
        helper: Any | None = None,
        page_text: Any | None = None,
        reuse_base: bool = False,
    ) -> RenderStats:
        """Draw the map for ``viewport`` into ``painter``.

        ``scale`` is device pixels per logical pixel (dpi / 96 for print) so
        symbols and text keep their physical size; the viewport is in device
        pixels. With a ``helper`` (a :class:`~floodpost.layers.render.helper.RenderHelper`)
        the lower rows of the layers are drawn by the helper process
        meanwhile, and laid in under the overlays and labels. ``page_text``
        (a :class:`~floodpost.layers.output.pagetext.PageText`) is the language of
        the overlays' words on a press page; None: the interface's. On a
        vector device (PDF, SVG) markers are paths and labels text.
        """
        stats = RenderStats()
        check = cancelled or (lambda: False)
        label_queue: list[_LabelBatch] = []
        todo = [layer for layer in layers if layer.visible and layer.count > 0]
        base = self._base_plan(viewport, layers, scale, background) if reuse_base and not is_vector(painter) else None
        job = None
        if helper is not None and todo and base is None and helper.acquire():
            try:
                job = helper.submit(viewport, [(la.key, la.version, la.opacity) for la in todo], scale)
            finally:
                if job is None:
                    helper.release()
        # no rows to share (the picture under the moment's layers is kept): the overlays drawn apart instead
        apart = _apart(self.overlays)
        if (job is None and helper is not None and apart is not None and page_text is None and may_stamp(painter)
                and helper.acquire()):
            try:
                job = helper.submit_overlays(viewport, self.overlays, apart, scale)
            finally:
                if job is None:
                    helper.release()
        try:
            got = self._paint(painter, viewport, layers, stats, label_queue, check, scale,
                              labels, background, helper, job, page_text, base)
        finally:
            if job is not None:
                helper.release()
        if helper is not None:
            # Layers new to the helper go to it once the frame is done: it reads
            # and prepares them meanwhile, and takes its share from a later
            # frame on. Handed over before, its reading would only slow this one.
            for layer in todo:
                if not helper.sent(layer.key, layer.version):
                    helper.sync(layer.key, layer.version, self.prepared(layer), layer.geometry_source)
        return got

    def _paint(
        self, painter: QPainter, viewport: Viewport, layers: Sequence[Layer], stats: RenderStats,
        label_queue: list[_LabelBatch], check: Callable[[], bool], scale: float, labels: bool,
        background: bool, helper: Any, job: Any, page_text: Any, base: _Base | None = None,
    ) -> RenderStats:
        def stop() -> None:
            if job is not None:
                helper.cancel()
            painter.restore()
            raise Cancelled

        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        start = 0  # layers below this one are in the base picture
        if base is not None and base.image is not None:
            painter.drawImage(QPointF(0, 0), base.image)
            label_queue.extend(base.labels)
            for key, n in base.counts.items():
                stats.per_layer[key] = n
            start = base.prefix
        elif self.basemap is not None:
            self.basemap.paint(self, painter, viewport, scale=scale, background=background, labels=label_queue)
        elif background:
            painter.fillRect(QRectF(0, 0, viewport.width, viewport.height), QColor("#eef2f5"))
        basemap_labels = list(label_queue)
        top = viewport.height if job is None or job.overlays is not None else job.top  # the helper's rows below
        self._warm_lines(viewport, top, list(layers)[start:], scale)
        t_own = time.perf_counter()
        for order, layer in enumerate(layers):
            if base is not None and base.image is None and order == base.prefix:
                self._keep_base(base, painter, basemap_labels, stats)
            if not layer.visible or layer.count == 0:
                continue
            if check():
                stop()
            if order >= start:
                self._paint_band(painter, viewport, 0, top, layer, scale, stats)
            if labels and layer.labels and layer.key not in self.overlay_labels:
                self.collect_labels(self.prepared(layer), viewport, order, scale, label_queue)
        t_own = time.perf_counter() - t_own
        t_labels = time.perf_counter()
        # Overlay items (bars, tags) take part in the one placement pass with the labels.
        plans = [self._plan(o, viewport, scale, page_text) for o in self.overlays]
        reserved = [pl for plan in plans for pl in plan.placements]
        if labels:  # an overlay's own labels (incidents with their age) join the one placement pass
            label_queue.extend(b for plan in plans for b in getattr(plan, "labels", ()))
        placed = self.place_labels(label_queue if labels else [], viewport, scale, reserved)
        stats.reserved = reserved
        t_labels = time.perf_counter() - t_labels
        if job is not None and job.overlays is None:
            # Past the time it would take to draw the helper's rows here, draw them here.
            share = job.top / viewport.height
            got = helper.wait(job, check, patience=max(0.05, t_own * (1 - share) / max(share, 0.05)))
            if got is None:
                if check():
                    stop()
                # the helper could not: draw its rows here
                for layer in layers:
                    if layer.visible and layer.count > 0:
                        self._paint_band(painter, viewport, job.top, viewport.height, layer, scale, stats)
            else:
                img, seconds, counts = got
                painter.drawImage(QPointF(0, job.top), img)
                del img
                for key, n in counts.items():
                    stats.per_layer[key] = stats.per_layer.get(key, 0) + n
                helper.balance(t_own, t_labels, seconds)
        vector = is_vector(painter)
        apart = job.overlays if job is not None else None
        laid = None  # the helper's picture laid in: its overlays are not drawn here
        for i, plan in enumerate(plans):
            if apart is not None and i == apart[0]:
                laid = self._lay_apart(painter, helper, job, check, stop)
                stats.hidden += laid or 0
            if laid is None or not apart[0] <= i < apart[1]:
                stats.hidden += plan.paint(painter, vector)
        if check():
            stop()
        if labels:
            stats.labels = self.draw_labels(painter, placed, scale, vector)
            stats.placed = placed
        painter.restore()
        return stats

    @staticmethod
    def _lay_apart(painter: QPainter, helper: Any, job: Any, check: Callable[[], bool],
                   stop: Callable[[], None]) -> int | None:
        """The helper's picture of the overlays drawn apart, laid in their place: their hidden count, or
        None when it did not come in time (not waited for past twice its last time: drawn here)."""
        from floodpost.layers.render.helper import OVERLAY_PATIENCE

        got = helper.wait(job, check, patience=2 * helper.overlay_s + OVERLAY_PATIENCE)
        if got is None:
            if check():
                stop()
            return None
        img, _seconds, counts = got
        painter.drawImage(QPointF(0, 0), img)
        del img
        return int(counts.get("hidden", 0))

    def paint_overlays(self, painter: QPainter, viewport: Viewport, overlays: Sequence[Any], scale: float) -> int:
        """``overlays`` as a frame draws them (the render helper's part of a frame); returns the hidden count."""
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        hidden = 0
        vector = is_vector(painter)
        for overlay in overlays:  # drawn apart: their plans can leave the labels out (placed by the render thread)
            hidden += overlay.plan(viewport, scale, None, labels=False).paint(painter, vector)
        painter.restore()
        return hidden

    def _base_plan(self, viewport: Viewport, layers: Sequence[Layer], scale: float, background: bool) -> _Base | None:
        """The kept picture under the first volatile layer if it still holds, or a plan to keep it
        this frame; None: draw as usual (with the helper).

        A picture is kept only for a view drawn twice in a row (a slider step, a new
        entry), never while panning or zooming: that frame is drawn by this thread
        alone to be kept, where the helper would have drawn part of it.
        """
        layers = list(layers)  # a slice of the evented list would be a new evented list
        keys = [layer.key for layer in layers]
        prefix = next((i for i, k in enumerate(keys) if k in self.volatile), len(keys))
        if prefix == len(keys):
            self._base = None
            return None
        raster = getattr(self.basemap, "raster", None)
        vector = getattr(self.basemap, "vector", None)
        # the basemap objects themselves, not their ids: a new tile cache may take a closed one's id
        view = (viewport, scale, background, self.basemap, raster, getattr(vector, "fill_land", None))
        under = tuple((la.key, la.version, la.data_token, la.visible, la.opacity, la.count) for la in layers[:prefix])
        key = (view, under)
        again, self._last_view = self._last_view == view, view
        held = self._base
        if held is not None and held.key == key:
            return held
        if not again:
            self._base = None
            return None
        return _Base(key, prefix)

    def _keep_base(self, base: _Base, painter: QPainter, labels: list[_LabelBatch], stats: RenderStats) -> None:
        """Keep what is drawn so far (the basemap and the layers under the first volatile one)."""
        device = painter.device()
        if isinstance(device, QImage):
            base.image = device.copy()
            base.labels = list(labels)
            base.counts = dict(stats.per_layer)
            self._base = base

    @staticmethod
    def _plan(overlay: Any, viewport: Viewport, scale: float, page_text: Any) -> Any:
        """An overlay's plan for this frame (see :mod:`floodpost.layers.render.overlays`)."""
        if hasattr(overlay, "plan"):
            return overlay.plan(viewport, scale, page_text)
        return _LegacyPlan(overlay, viewport, scale)

    def _warm_lines(self, viewport: Viewport, top: int, layers: Sequence[Layer], scale: float) -> None:
        """Have a worker thread simplify this frame's dense line layers while the layers beneath are drawn.

        GEOS runs without Python's lock, so the two overlap; the first frame
        of a county's river net saves most of the 0.1 s its simplification
        takes. What the worker has not finished, the drawing thread waits for.
        Only rows above ``top`` are drawn here (the render helper draws the rest).
        """
        pad = 20 * scale * viewport.resolution
        x0, y0, x1, y1 = viewport.extent
        own = viewport.extent if top >= viewport.height else viewport.rows(0, max(top, 1)).extent
        band = zoom_band(viewport)
        self._warm_generation += 1
        generation = self._warm_generation

        def warm(prep: PreparedGeometry, lines: np.ndarray) -> None:
            if generation == self._warm_generation:  # a newer frame (wheel zooming) makes it moot
                prep.line_vertices(lines, band)

        for layer in list(layers)[1:]:  # the bottom layer is drawn at once: nothing to overlap
            if not layer.visible or layer.count == 0:
                continue
            prep = self.prepared(layer)
            if prep.line_ncoords <= DENSE_LINE_VERTICES:
                continue  # never a dense river net: nothing to look up twice a frame
            context = prep.parts_in((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
            if not len(context) or not self._choices(prep, context, viewport)[2]:
                continue
            lines = context[prep.part_kind[context] == LINE]
            b = prep.part_bounds[lines]
            keep = np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]) / viewport.resolution >= SKIP_PX
            keep &= (b[:, 0] <= own[2] + pad) & (b[:, 2] >= own[0] - pad)
            keep &= (b[:, 1] <= own[3] + pad) & (b[:, 3] >= own[1] - pad)
            lines = lines[keep]
            if len(lines):
                _warmer().submit(warm, prep, lines)

    def _paint_band(
        self, painter: QPainter, viewport: Viewport, top: int, bottom: int, layer: Layer, scale: float,
        stats: RenderStats,
    ) -> None:
        """One layer's geometry in rows ``top``..``bottom`` of ``viewport`` (all rows: no clip)."""
        whole = top == 0 and bottom == viewport.height
        painter.save()
        if not whole:
            painter.translate(0, top)
            painter.setClipRect(QRectF(0, 0, viewport.width, bottom - top), Qt.ClipOperation.IntersectClip)
        painter.setOpacity(layer.opacity)
        band = viewport if whole else viewport.rows(top, bottom)
        n = self.paint_geometry(painter, band, self.prepared(layer), scale=scale, full=viewport)
        painter.restore()
        stats.per_layer[layer.key] = stats.per_layer.get(layer.key, 0) + n

    def paint_geometry(
        self, painter: QPainter, viewport: Viewport, prep: PreparedGeometry, *, scale: float = 1.0,
        full: Viewport | None = None,
    ) -> int:
        """Draw the parts and points of one prepared layer; returns how many were drawn.

        ``full`` is the whole frame when ``viewport`` is a band of its rows
        (the helper's share): antialiasing, thinning and outline choices are
        made for the whole frame, so both bands look alike where they meet.
        """
        drawn = 0
        full = full or viewport
        # Grow the query box by the widest symbol so strokes at the edge are kept.
        pad = 20 * scale * viewport.resolution
        x0, y0, x1, y1 = full.extent
        context = prep.parts_in((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
        idx = context
        if full is not viewport and len(idx):
            x0, y0, x1, y1 = viewport.extent
            b = prep.part_bounds[idx]
            idx = idx[(b[:, 0] <= x1 + pad) & (b[:, 2] >= x0 - pad) & (b[:, 1] <= y1 + pad) & (b[:, 3] >= y0 - pad)]
        if len(idx):
            drawn += self._paint_parts(painter, viewport, prep, idx, scale, self._choices(prep, context, full))
        if len(prep.pt_x):
            drawn += self._paint_points(painter, viewport, prep, scale, full)
        return drawn

    @staticmethod
    def _choices(prep: PreparedGeometry, idx: np.ndarray, viewport: Viewport) -> tuple[bool, bool, bool]:
        """(antialias, dense polygons, dense lines) for the parts ``idx`` of a whole frame."""
        if not len(idx):
            return True, False, False
        b = prep.part_bounds[idx]
        size_px = np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]) / viewport.resolution
        kinds = prep.part_kind[idx]
        shown = (size_px >= SKIP_PX) & ~((size_px < BOX_PX) & (kinds == POLYGON))
        antialias = int(shown.sum()) <= AA_PART_LIMIT
        dense_polys = int((shown & (kinds == POLYGON)).sum()) > DENSE_POLYGONS
        lines = shown & (kinds == LINE)
        dense_lines = int(prep.part_ncoords[idx[lines]].sum()) > DENSE_LINE_VERTICES
        return antialias, dense_polys, dense_lines

    def _paint_parts(
        self, painter: QPainter, viewport: Viewport, prep: PreparedGeometry, idx: np.ndarray, scale: float,
        choices: tuple[bool, bool, bool],
    ) -> int:
        """Polygons then lines, one pen and brush per class, with level of detail.

        By on-screen size: parts under ``BOX_PX`` become one stamped box each
        (a single drawPixmapFragments call per class), parts under
        ``THIN_PX`` get a one-pixel outline (Qt's fast cosmetic stroker; wider
        pens take the slow general stroker), larger ones their full symbol.
        Geometry comes simplified for the current zoom band.
        """
        b = prep.part_bounds[idx]
        size_px = np.maximum(b[:, 2] - b[:, 0], b[:, 3] - b[:, 1]) / viewport.resolution
        keep = size_px >= SKIP_PX
        idx, size_px = idx[keep], size_px[keep]
        if not len(idx):
            return 0
        kinds = prep.part_kind[idx]
        # under BOX_PX a hole cannot show: every polygon is a box
        dots = (size_px < BOX_PX) & (kinds == POLYGON)
        if dots.any():
            self._paint_boxes(painter, viewport, prep, idx[dots], scale)
            idx, size_px, kinds = idx[~dots], size_px[~dots], kinds[~dots]
        if not len(idx):
            return int(dots.sum())
        # how busy the whole frame is, before blobs are set aside
        antialias, dense_polys, dense_lines = choices
        blobs = (size_px < BLOB_PX) & (kinds == POLYGON)
        if blobs.any():
            blobs[blobs] = ~prep.has_holes(idx[blobs])
        if blobs.any():
            self._paint_blobs(painter, viewport, prep, idx[blobs], antialias)
            idx, size_px, kinds = idx[~blobs], size_px[~blobs], kinds[~blobs]
        drawn = len(idx) + int(dots.sum()) + int(blobs.sum())
        if not len(idx):
            return drawn
        band = zoom_band(viewport)
        sx, sy, dx, dy = viewport.transform()
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, antialias)
        painter.setTransform(QTransform(sx, 0, 0, sy, dx, dy), True)
        classes = prep.part_class[idx]
        small = (size_px < THIN_PX) | dense_polys
        holes = np.zeros(len(idx), dtype=bool)
        holes[kinds == POLYGON] = prep.has_holes(idx[kinds == POLYGON])
        for kind in (POLYGON, LINE):
            sel_mask = kinds == kind
            if not sel_mask.any():
                continue
            for c in np.unique(classes[sel_mask]):
                m = sel_mask & (classes == c)
                for thin in (True, False):
                    mm = m & (small == thin) if kind == POLYGON else m
                    if kind == LINE and not thin:
                        continue
                    members = idx[mm]
                    if not len(members):
                        continue
                    if kind == LINE and dense_lines:
                        # a county's river net: one pixel wide, every segment in one call
                        _, pen = line_pens(prep.symbols[c], scale)
                        pen.setWidthF(min(pen.widthF(), 1.0))
                        pen.setCosmetic(True)
                        painter.setBrush(Qt.BrushStyle.NoBrush)
                        painter.setPen(pen)
                        seg = prep.line_segments(members, band)
                        if len(seg):
                            painter.drawLines(shiboken6.wrapInstance(seg.ctypes.data, QLineF), len(seg))
                        continue
                    items = prep.qt_parts_lod(members, band)
                    if kind == POLYGON:
                        brush, pen = fill_brush_pen(prep.polygon_symbols[c], scale)
                        if thin and pen.style() != Qt.PenStyle.NoPen:
                            pen.setWidthF(min(pen.widthF(), 1.0))
                            pen.setStyle(Qt.PenStyle.SolidLine)
                        pen.setCosmetic(True)
                        painter.setBrush(brush)
                        painter.setPen(pen)
                        h = holes[mm]
                        if h.any():
                            deque(map(painter.drawPath, items[h]), maxlen=0)
                            items = items[~h]
                        deque(map(painter.drawPolygon, items), maxlen=0)
                    else:
                        casing, pen = line_pens(prep.symbols[c], scale)
                        if dense_lines:
                            casing = None
                            pen.setWidthF(min(pen.widthF(), 1.0))
                        painter.setBrush(Qt.BrushStyle.NoBrush)
                        for pn in (casing, pen):
                            if pn is None:
                                continue
                            pn.setCosmetic(True)
                            painter.setPen(pn)
                            deque(map(painter.drawPolyline, items), maxlen=0)
        painter.restore()
        return drawn

    def _paint_blobs(
        self, painter: QPainter, viewport: Viewport, prep: PreparedGeometry, idx: np.ndarray, antialias: bool
    ) -> None:
        """Polygons ``BOX_PX`` to ``BLOB_PX`` across stamped as outlined ellipses filling their boxes.

        At this size a polygon shows as a small round patch in its fill with
        a one-pixel rim: the same look as the polygon at a fifth of the
        cost. One drawPixmapFragments call per class; the ellipses, one per
        whole-pixel width and height, are rendered once into an atlas.
        """
        b = prep.part_bounds[idx]
        res = viewport.resolution
        px, py = viewport.to_screen((b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2)
        w = np.clip(np.rint((b[:, 2] - b[:, 0]) / res), 1, BLOB_CELL - 2).astype(np.int64)
        h = np.clip(np.rint((b[:, 3] - b[:, 1]) / res), 1, BLOB_CELL - 2).astype(np.int64)
        classes = prep.part_class[idx]
        if is_vector(painter):
            self._vector_shapes(painter, prep, classes, px - w / 2, py - h / 2, w, h, ellipse=True)
            return
        for c in np.unique(classes):
            m = classes == c
            pix = self._blob_atlas(prep.polygon_symbols[c], antialias)
            ww, hh = w[m], h[m]
            # cell (w, h) of the atlas holds an ellipse of w x h pixels with its rim, at (0.5, 0.5)
            self._fragments(
                painter, pix, px[m], py[m],
                (ww - 1) * BLOB_CELL, (hh - 1) * BLOB_CELL, ww + 1, hh + 1,
            )

    @staticmethod
    def _vector_shapes(
        painter: QPainter, prep: PreparedGeometry, classes: np.ndarray, left: np.ndarray, top: np.ndarray,
        w: np.ndarray, h: np.ndarray, *, ellipse: bool,
    ) -> None:
        """Tiny polygons as boxes or ellipses drawn as paths (a PDF gets no stamped pixmaps)."""
        painter.save()
        for c in np.unique(classes):
            m = classes == c
            brush, pen = fill_brush_pen(prep.polygon_symbols[c])
            if pen.style() != Qt.PenStyle.NoPen:
                pen.setWidthF(1.0)
                pen.setStyle(Qt.PenStyle.SolidLine)
                pen.setCosmetic(True)
            painter.setBrush(brush)
            painter.setPen(pen)
            path = QPainterPath()
            for rect in zip(left[m].tolist(), top[m].tolist(), w[m].tolist(), h[m].tolist(), strict=True):
                if ellipse:
                    path.addEllipse(QRectF(*rect))
                else:
                    path.addRect(QRectF(*rect))
            painter.drawPath(path)
        painter.restore()

    def _blob_atlas(self, sym: Symbol, antialias: bool) -> QPixmap:
        key = (id(sym), -3.0 if antialias else -4.0)
        pix = self._atlas.get(key)
        if pix is None:
            n = BLOB_CELL - 2
            img = QImage(BLOB_CELL * n, BLOB_CELL * n, QImage.Format.Format_ARGB32_Premultiplied)
            img.fill(Qt.GlobalColor.transparent)
            p = QPainter(img)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, antialias)
            brush, pen = fill_brush_pen(sym)
            if pen.style() != Qt.PenStyle.NoPen:
                pen.setWidthF(1.0)
                pen.setStyle(Qt.PenStyle.SolidLine)
                pen.setCosmetic(True)
            p.setBrush(brush)
            p.setPen(pen)
            for i in range(n):
                for j in range(n):
                    p.drawEllipse(QRectF(i * BLOB_CELL + 0.5, j * BLOB_CELL + 0.5, i + 1, j + 1))
            p.end()
            pix = QPixmap.fromImage(img)
            self._atlas[key] = pix
        return pix

    @staticmethod
    def _fragments(
        painter: QPainter, pix: QPixmap, x: np.ndarray, y: np.ndarray,
        left: np.ndarray | float, top: np.ndarray | float, width: np.ndarray | float, height: np.ndarray | float,
        sx: np.ndarray | float = 1.0, sy: np.ndarray | float = 1.0,
    ) -> None:
        """Pieces of ``pix`` centred at every (x, y), scaled by (sx, sy), in one drawPixmapFragments call."""
        n = len(x)
        if not n:
            return
        frags = np.empty((n, 10), dtype=np.float64)
        frags[:, 0] = x
        frags[:, 1] = y
        frags[:, 2] = left
        frags[:, 3] = top
        frags[:, 4] = width
        frags[:, 5] = height
        frags[:, 6] = sx
        frags[:, 7] = sy
        frags[:, 8] = 0
        frags[:, 9] = 1
        ptr = shiboken6.wrapInstance(frags.ctypes.data, QPainter.PixmapFragment)
        painter.drawPixmapFragments(ptr, n, pix)

    def _paint_boxes(
        self, painter: QPainter, viewport: Viewport, prep: PreparedGeometry, idx: np.ndarray, scale: float
    ) -> None:
        """Polygons a few pixels across drawn as their boxes, stamped in one call per class.

        Below ``BOX_PX`` a polygon's shape cannot be seen anyway; one scaled
        pixmap fragment each replaces tens of thousands of polygon fills.
        """
        b = prep.part_bounds[idx]
        res = viewport.resolution
        px, py = viewport.to_screen((b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2)
        w = np.maximum((b[:, 2] - b[:, 0]) / res, 1.0)
        h = np.maximum((b[:, 3] - b[:, 1]) / res, 1.0)
        classes = prep.part_class[idx]
        if is_vector(painter):
            self._vector_shapes(painter, prep, classes, px - w / 2, py - h / 2, w, h, ellipse=False)
            return
        for c in np.unique(classes):
            m = classes == c
            sym = prep.polygon_symbols[c]
            key = (id(sym), -2.0)
            pix = self._atlas.get(key)
            if pix is None:
                img = QImage(BOX_TILE, BOX_TILE, QImage.Format.Format_ARGB32_Premultiplied)
                img.fill(qcolor(sym.stroke or sym.fill))
                if sym.fill:
                    p = QPainter(img)
                    p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
                    # interior in the fill over the land colour, a one-tile-pixel rim in the stroke
                    inner = QColor("#f8f6f0")
                    fill = qcolor(sym.fill)
                    a = fill.alphaF()
                    inner.setRgbF(
                        fill.redF() * a + inner.redF() * (1 - a),
                        fill.greenF() * a + inner.greenF() * (1 - a),
                        fill.blueF() * a + inner.blueF() * (1 - a),
                    )
                    p.fillRect(1, 1, BOX_TILE - 2, BOX_TILE - 2, inner)
                    p.end()
                pix = QPixmap.fromImage(img)
                self._atlas[key] = pix
            self._stamp(painter, pix, px[m], py[m], w[m] / BOX_TILE, h[m] / BOX_TILE)

    @staticmethod
    def _stamp(
        painter: QPainter,
        pix: QPixmap,
        x: np.ndarray,
        y: np.ndarray,
        sx: np.ndarray | float = 1.0,
        sy: np.ndarray | float = 1.0,
    ) -> None:
        """Draw the whole ``pix`` centred at every (x, y), scaled by (sx, sy)."""
        MapPainter._fragments(painter, pix, x, y, 0.0, 0.0, pix.width(), pix.height(), sx, sy)

    def _paint_points(
        self, painter: QPainter, viewport: Viewport, prep: PreparedGeometry, scale: float, full: Viewport
    ) -> int:
        px, py = viewport.to_screen(prep.pt_x, prep.pt_y)
        m = 24 * scale
        vis = (px > -m) & (px < viewport.width + m) & (py > -m) & (py < viewport.height + m)
        sel = np.flatnonzero(vis)
        crowded = len(sel) > THIN_POINT_LIMIT
        if full is not viewport:
            # thin or not as the whole frame would: its rows are these shifted by ``top``
            top = (full.cy - viewport.cy) / full.resolution + (full.height - viewport.height) / 2
            fy = py + top
            in_full = (px > -m) & (px < full.width + m) & (fy > -m) & (fy < full.height + m)
            crowded = int(np.count_nonzero(in_full)) > THIN_POINT_LIMIT
        if crowded:
            cell = 2.0 * scale
            sel = sel[first_per_cell(px[sel], py[sel], cell, cell)]
        if not len(sel):
            return 0
        classes = prep.pt_class[sel]
        vector = is_vector(painter)
        for c in np.unique(classes):
            members = sel[classes == c]
            if vector:
                self._draw_markers(painter, prep.symbols[c], px[members], py[members], scale)
            else:
                self._stamp(painter, self._marker(prep.symbols[c], scale), px[members], py[members])
        return len(sel)

    @staticmethod
    def _draw_markers(painter: QPainter, symbol: Symbol, x: np.ndarray, y: np.ndarray, scale: float) -> None:
        """Markers as paths, one each: what a PDF gets instead of stamped pixmaps."""
        path = marker_path(symbol.shape, symbol.size * scale)
        painter.save()
        painter.setPen(marker_pen(symbol, scale))
        painter.setBrush(qcolor(symbol.fill or "#808080"))
        for xx, yy in zip(x.tolist(), y.tolist(), strict=True):
            painter.drawPath(path.translated(xx, yy))
        painter.restore()

    # ---------------------------------------------------------- labels
    def collect_labels(
        self, prep: PreparedGeometry, viewport: Viewport, order: int, scale: float, queue: list[_LabelBatch]
    ) -> None:
        src = prep.labels
        if src is None or viewport.scale_denominator > src.style.max_scale:
            return
        px, py = viewport.to_screen(src.cx, src.cy)
        ok = np.isfinite(px) & (px >= 0) & (px < viewport.width) & (py >= 0) & (py < viewport.height)
        idx = np.flatnonzero(ok)
        if len(idx) > LABEL_THIN_ABOVE:
            # Dense layer: one candidate per label-sized cell; the rest could never fit.
            idx = idx[first_per_cell(px[idx], py[idx], 80 * scale, 24 * scale)]
        idx = idx[:LABEL_CANDIDATES]
        texts = src.texts[idx]
        has_text = np.fromiter(
            (t is not None and not (isinstance(t, float) and t != t) and str(t) != "" for t in texts),
            dtype=bool,
            count=len(idx),
        )
        idx = idx[has_text]
        if not len(idx):
            return
        # lines and polygons: the anchor on the feature, found now for these candidates only
        ax, ay = viewport.to_screen(*src.anchors(idx))
        kind = src.kind[idx]
        offset = np.zeros(len(idx))
        pts = kind == POINT
        if pts.any() and prep.n:
            sizes = np.array([s.size for s in prep.symbols])
            offset[pts] = (sizes[prep.classes[idx[pts]]] / 2 + 3) * scale
        queue.append(
            _LabelBatch(src.style.priority, order, [str(t) for t in src.texts[idx]], ax, ay, kind, offset, src.style)
        )

    def place_labels(
        self, queue: list[_LabelBatch], viewport: Viewport, scale: float, reserved: Sequence[Placement] = (),
    ) -> list[tuple[str, LabelStyle, float, float]]:
        """Place labels greedily by priority, never overlapping: (text, style, x, baseline y) each.

        Overlay items (evacuation bars, depot tags) take part in the same
        pass through ``reserved``: they try their candidate boxes in
        priority order among the labels, and each learns in
        ``Placement.chosen`` where it went.
        Higher priority first, then layer order, then feature order. A point
        label tries right, left, above and below its marker; other labels sit
        centred on their anchor. Taken
        rectangles are bucketed on a 64-pixel grid for the exact test;
        before it, candidates that cover a 4-pixel cell lying wholly inside
        a taken rectangle are dropped in bulk (a sure clash, so the result is
        the same, only sooner).
        """
        cell = 64.0
        taken: dict[int, list[tuple[float, float, float, float]]] = {}
        placed: list[tuple[str, LabelStyle, float, float]] = []
        vw, vh = float(viewport.width), float(viewport.height)
        pad = LABEL_PAD * scale
        g = 4.0  # coarse grid of wholly taken cells
        covered = np.zeros((int(vh // g) + 2, int(vw // g) + 2), dtype=bool)
        stale = True
        integral = np.zeros((covered.shape[0] + 1, covered.shape[1] + 1), dtype=np.int32)
        groups: list[tuple[tuple[int, int, int, int], Any, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        for batch in queue:
            st = batch.style
            fm = metrics(st.size, st.bold, scale)
            h = fm.height()
            w = np.array([self._text_width(t, st, scale, fm) for t in batch.texts])
            x, y, o = batch.x, batch.y, batch.offset
            point = batch.kind == POINT
            # candidate top-left corners: right, left, above, below for points; centred otherwise
            cx = np.where(point[:, None], np.stack([x + o, x - o - w, x - w / 2, x - w / 2], 1), (x - w / 2)[:, None])
            cy = np.where(point[:, None], np.stack([y - h / 2, y - h / 2, y - o - h, y + o], 1), (y - h / 2)[:, None])
            x0, y0 = cx - pad, cy - pad
            x1, y1 = cx + w[:, None] + pad, cy + h + pad
            ok = (x0 >= 0) & (y0 >= 0) & (x1 <= vw) & (y1 <= vh) & (np.arange(4) < np.where(point, 4, 1)[:, None])
            batch.tops = (cx, cy, fm.ascent())
            groups.append(((1, -batch.priority, batch.order, len(groups)), batch, x0, y0, x1, y1, ok))
        for n, item in enumerate(reserved):
            b = item.boxes
            x0, y0, x1, y1 = b[..., 0], b[..., 1], b[..., 2], b[..., 3]
            ok = np.isfinite(x0) & np.isfinite(y0) & np.isfinite(x1) & np.isfinite(y1)
            if not item.force:
                ok &= (x0 >= 0) & (y0 >= 0) & (x1 <= vw) & (y1 <= vh)
            x0, y0, x1, y1 = (np.nan_to_num(a, nan=-1.0) for a in (x0, y0, x1, y1))
            groups.append(((1, -item.priority, -1 - n, len(groups)), item, x0, y0, x1, y1, ok))

        get = taken.get

        def free(a0: float, b0: float, a1: float, b1: float) -> bool:
            js = range(int(b0 // cell), int(b1 // cell) + 1)
            for i in range(int(a0 // cell), int(a1 // cell) + 1):
                base = i * 4096
                for j in js:
                    rs = get(base + j)
                    if rs:
                        for r in rs:
                            if a0 < r[2] and r[0] < a1 and b0 < r[3] and r[1] < b1:
                                return False
            return True

        def take(a0: float, b0: float, a1: float, b1: float) -> None:
            rect = (a0, b0, a1, b1)
            js = range(int(b0 // cell), int(b1 // cell) + 1)
            for i in range(int(a0 // cell), int(a1 // cell) + 1):
                base = i * 4096
                for j in js:
                    rs = get(base + j)
                    if rs is None:
                        taken[base + j] = [rect]
                    else:
                        rs.append(rect)

        for _, owner, x0, y0, x1, y1, inside in sorted(groups, key=lambda gr: gr[0]):
            label = isinstance(owner, _LabelBatch)
            force = not label and owner.force
            # cells wholly inside each candidate, for the bulk test
            i0 = np.clip(np.ceil(x0 / g), 0, covered.shape[1]).astype(np.int64)
            i1 = np.clip(np.floor(x1 / g), 0, covered.shape[1]).astype(np.int64)
            j0 = np.clip(np.ceil(y0 / g), 0, covered.shape[0]).astype(np.int64)
            j1 = np.clip(np.floor(y1 / g), 0, covered.shape[0]).astype(np.int64)
            has_cells = (i1 > i0) & (j1 > j0)
            ncand = x0.shape[1]
            # the bulk test pays for itself on many candidates; a few (a map's hundred
            # labels in small groups, the overlays' tags) go straight to the exact test
            bulk = x0.size > BULK_TEST_ABOVE
            for start in range(0, len(x0), 384):
                sl = slice(start, start + 384)
                if not bulk:
                    ins = inside[sl]
                else:
                    if stale:
                        integral[1:, 1:] = covered.cumsum(0, dtype=np.int32).cumsum(1, dtype=np.int32)
                        stale = False
                    hits = (
                        integral[j1[sl], i1[sl]] - integral[j0[sl], i1[sl]]
                        - integral[j1[sl], i0[sl]] + integral[j0[sl], i0[sl]]
                    )
                    ins = inside[sl] & ~(has_cells[sl] & (hits > 0))
                # candidates the bulk test found surely taken are not tried one by one (a forced
                # item's first place is its first inside the frame, taken or not)
                cand = inside[sl] if force else ins
                rows = np.flatnonzero(cand.any(axis=1))
                for k, ok, rx0, ry0, rx1, ry1 in zip(
                    (rows + start).tolist(), cand[rows].tolist(), x0[sl][rows].tolist(), y0[sl][rows].tolist(),
                    x1[sl][rows].tolist(), y1[sl][rows].tolist(), strict=True,
                ):
                    got = None
                    for c in range(ncand):
                        if ok[c] and free(rx0[c], ry0[c], rx1[c], ry1[c]):
                            got = c
                            break
                    if got is None and force:  # never left out: its first place, taken or not
                        got = ok.index(True)
                    if got is None:
                        continue
                    take(rx0[got], ry0[got], rx1[got], ry1[got])
                    covered[j0[k, got] : j1[k, got], i0[k, got] : i1[k, got]] = True
                    stale = True
                    if label:
                        cx, cy, asc = owner.tops
                        placed.append((owner.texts[k], owner.style, float(cx[k, got]), float(cy[k, got]) + asc))
                    else:
                        owner.chosen[k] = got
        return placed

    def draw_labels(
        self, painter: QPainter, placed: list[tuple[str, LabelStyle, float, float]], scale: float,
        vector: bool | None = None,
    ) -> int:
        """Draw placed labels with their halos, in the painter's coordinates (those of the viewport).

        On screen and in images each label is a cached sprite. On a vector
        device (``vector``; by default: when the painter writes a PDF or
        SVG) the halo is the glyph outlines stroked as a path and the text is
        drawn once, as text, so a reader copies each label exactly once.
        """
        if vector is None:
            vector = is_vector(painter)
        painter.save()
        if vector:
            for text, st, x, y in placed:
                font = map_font(st.size, st.bold, scale)
                r = max(1.0, 1.5 * scale)
                halo = text_path(text, font, QPointF(x, y))
                pen = QPen(qcolor(st.halo), 2 * r)
                pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
                painter.strokePath(halo, pen)
                painter.setFont(font)
                painter.setPen(qcolor(st.color))
                draw_text(painter, QPointF(x, y), text, True)
        else:
            # on screen each sprite is drawn once onto a sheet and the frame's labels are laid from
            # it in one call (a drawImage each took a season's step 4 ms, and let the other threads
            # take Python's lock at every label); under a scaled page, one drawImage each
            fms: dict[tuple[float, bool], Any] = {}
            sc = round(scale, 3)
            sheet = Stamps(painter) if may_stamp(painter) else None

            def lay(text: str, st: LabelStyle, x: float, y: float) -> None:
                if sheet is None:
                    sprite, ox, oy = self._label_sprite(text, st, scale)
                    painter.drawImage(QPointF(x - ox, y - oy), sprite)
                else:
                    sheet.add_image(("label", text, st.size, st.bold, st.color, st.halo, sc),
                                    lambda: self._label_sprite(text, st, scale), x, y)

            for text, st, x, y in placed:
                cut = getattr(text, "cut", 0)
                if cut:  # a Phrase: its name's sprite, then the rest's after the name's advance
                    head = str.__getitem__(text, slice(0, cut))
                    lay(head, st, x, y)
                    fm = fms.get((st.size, st.bold))
                    if fm is None:
                        fm = fms[(st.size, st.bold)] = metrics(st.size, st.bold, scale)
                    x += self._text_width(head, st, scale, fm)
                    text = str.__getitem__(text, slice(cut, None))
                lay(str(text), st, x, y)
            if sheet is not None:
                sheet.flush()
        painter.restore()
        return len(placed)

    def _text_width(self, text: str, st: LabelStyle, scale: float, fm: Any) -> float:
        key = (text, st.size, st.bold, round(scale, 3))
        w = self._widths.get(key)
        if w is None:
            w = fm.horizontalAdvance(text)
            if len(self._widths) > SPRITE_CACHE:
                self._widths.clear()
            self._widths[key] = w
        return w

    def _label_sprite(self, text: str, st: LabelStyle, scale: float) -> tuple[QImage, float, float]:
        """The label with its halo, rendered once and reused while it stays in view.

        Returns the image and the offset of the text baseline origin in it.
        The halo is the text in the halo's colour stamped at eight offsets:
        far cheaper than stroking the glyph outlines, and drawn once and
        blitted, three times cheaper than drawing the text eight times (a
        slider step over a season makes a hundred labels: their ages change).
        """
        key = (text, st.size, st.bold, st.color, st.halo, round(scale, 3))
        with self._lock:
            hit = self._sprites.get(key)
            if hit is not None:
                self._sprites.move_to_end(key)
                return hit
        font = map_font(st.size, st.bold, scale)
        fm = metrics(st.size, st.bold, scale)
        r = max(1.0, 1.5 * scale)
        pad = int(np.ceil(r)) + 1
        w = int(np.ceil(fm.horizontalAdvance(text))) + 2 * pad
        h = int(np.ceil(fm.height())) + 2 * pad
        ox, oy = float(pad), float(pad + fm.ascent())
        halo = QImage(max(w, 1), max(h, 1), QImage.Format.Format_ARGB32_Premultiplied)
        halo.fill(Qt.GlobalColor.transparent)
        p = QPainter(halo)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        p.setFont(font)
        p.setPen(qcolor(st.halo))
        p.drawText(QPointF(ox, oy), text)
        p.end()
        img = QImage(halo.size(), QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(Qt.GlobalColor.transparent)
        p = QPainter(img)
        for ddx, ddy in ((-r, 0), (r, 0), (0, -r), (0, r), (-r * 0.7, -r * 0.7), (r * 0.7, -r * 0.7), (-r * 0.7, r * 0.7), (r * 0.7, r * 0.7)):
            p.drawImage(QPointF(ddx, ddy), halo)
        p.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
        p.setFont(font)
        p.setPen(qcolor(st.color))
        p.drawText(QPointF(ox, oy), text)
        p.end()
        out = (img, ox, oy)
        with self._lock:
            self._sprites[key] = out
            while len(self._sprites) > SPRITE_CACHE:
                self._sprites.popitem(last=False)
        return out

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
            got = self.paint(p, viewport, layers, scale=scale, labels=labels, cancelled=cancelled, helper=self.helper,
                             reuse_base=True)
            if stats is not None:
                stats.__dict__.update(got.__dict__)
        finally:
            p.end()
        return img
