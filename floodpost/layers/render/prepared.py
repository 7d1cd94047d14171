"""Geometry prepared for painting: classified and measured once per data change, drawn lazily.

``paint`` only draws. Preparation works on whole coordinate arrays: points
are projected to Mercator at once, lines and polygons are split into parts
with their Mercator boxes, long lines are cut into chunks, and nothing else
happens until a part is first shown: its Mercator geometry, its simplified
copy for the current zoom band and its Qt polygon are built then, once.
Label anchors of lines and polygons are likewise found only for the
candidates a view asks about.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import shapely
from PySide6.QtGui import QPainterPath, QPolygonF

from floodpost.data.schema.symbology import LabelStyle, Symbol
from floodpost.data.shapes import Shapes, line_strings, ragged_arange, run_bounds
from floodpost.layers.model.projection import R, project_coords, to_mercator
from floodpost.layers.render.symbols import qpolygonf

POINT, LINE, POLYGON = 0, 1, 2


@dataclass
class LabelSource:
    """Label texts and anchors (Mercator) per feature.

    ``cx``/``cy`` decide whether a label is in view and which candidates
    survive thinning: the point itself, or the box centre of a line or
    polygon. They never change, so which labels a view offers does not
    depend on the views before it. ``x``/``y`` are where the label goes:
    the same until :meth:`anchors` has placed it on the feature. NaN
    anchors are skipped.
    """

    texts: np.ndarray  # object array of str or None
    x: np.ndarray
    y: np.ndarray
    kind: np.ndarray  # POINT / LINE / POLYGON per feature
    style: LabelStyle
    #: lon/lat shapely geometries of features ``idx``, to place labels lazily
    geometry: Callable[[np.ndarray], np.ndarray] | None = field(default=None, repr=False)
    exact: np.ndarray | None = field(default=None, repr=False)  # anchor already on the feature
    cx: np.ndarray = field(init=False, repr=False)
    cy: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.cx = self.x.copy()
        self.cy = self.y.copy()

    def anchors(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Exact anchors of features ``idx``: a point on each polygon, the middle of each line."""
        if self.exact is not None and len(idx):
            todo = idx[~self.exact[idx]]
            if len(todo):
                self._place(todo)
        return self.x[idx], self.y[idx]

    def _place(self, idx: np.ndarray) -> None:
        assert self.geometry is not None and self.exact is not None
        g = self.geometry(idx)
        kind = self.kind[idx]
        pts = np.empty(len(idx), dtype=object)
        polys = kind == POLYGON
        if polys.any():
            pts[polys] = shapely.point_on_surface(g[polys])
        lines = np.flatnonzero(~polys)
        if len(lines):
            lg = g[lines]
            multi = shapely.get_type_id(lg) == 5
            if multi.any():
                # the longest part of a multi-line carries its label
                lg[multi] = [max(m.geoms, key=lambda p: p.length) for m in lg[multi]]
            pts[lines] = shapely.line_interpolate_point(lg, 0.5, normalized=True)
        xy = shapely.get_coordinates(pts)
        x, y = to_mercator(xy[:, 0], xy[:, 1])
        self.x[idx], self.y[idx] = x, y
        self.exact[idx] = True


class PreparedGeometry:
    """One layer's geometry split into points and drawable parts, in Web Mercator.

    Parameters
    ----------
    geoms
        :class:`~floodpost.data.shapes.Shapes`, or shapely geometries, in
        lon/lat (EPSG:4490). From shapes, no GEOS object is made until a
        part is drawn at a scale that needs one.
    classes
        symbol index per feature into ``symbols``.
    symbols
        the symbols, in legend order.
    """

    def __init__(
        self,
        geoms: np.ndarray | Shapes,
        classes: np.ndarray,
        symbols: list[Symbol],
        fids: np.ndarray | None = None,
        labels: np.ndarray | None = None,
        label_style: LabelStyle | None = None,
        polygon_symbols: list[Symbol] | None = None,
    ) -> None:
        shapes = geoms if isinstance(geoms, Shapes) else Shapes.from_geometries(geoms)
        self.shapes = shapes
        n = len(shapes)
        self.n = n
        self.symbols = symbols
        self.polygon_symbols = polygon_symbols or symbols
        self.fids = np.arange(n) if fids is None else np.asarray(fids)
        self.classes = np.asarray(classes, dtype=np.int32)
        coords = shapes.coords
        src_feature = shapes.part_feature
        src_kind = shapes.part_kind
        c0, cn = shapes.part_coord_range

        # ---- points (Point and MultiPoint parts), projected as arrays
        pts = np.flatnonzero(src_kind == POINT)
        self.pt_feature = src_feature[pts]
        xy = coords[c0[pts]]
        self.pt_x, self.pt_y = to_mercator(xy[:, 0], xy[:, 1])
        self.pt_class = self.classes[self.pt_feature] if len(self.pt_feature) else np.empty(0, np.int32)

        # ---- lines and polygons, one part per simple geometry; long lines in chunks
        src = np.flatnonzero(src_kind != POINT)
        kind = src_kind[src]
        start, count = c0[src], cn[src]
        bounds = shapes.part_bounds()[src]
        long = np.flatnonzero((kind == LINE) & (count > 2 * CHUNK))
        keep = np.ones(len(src), dtype=bool)
        keep[long] = False
        k_start, k_count, chunk_line, chunk_bounds = _chunk_lines(coords, start[long], count[long])
        #: where each part's coordinates are; polygons keep their source part for rings
        self._start = np.concatenate([start[keep], k_start])
        self._count = np.concatenate([count[keep], k_count])
        self._src_part = np.concatenate([src[keep], np.full(len(k_start), -1, dtype=np.int64)])
        self.part_feature = np.concatenate([src_feature[src[keep]], src_feature[src[long]][chunk_line]])
        self.part_kind = np.concatenate([kind[keep], np.full(len(k_start), LINE, dtype=np.int8)]).astype(np.int8)
        b = np.concatenate([bounds[keep], chunk_bounds])
        # Mercator boxes straight from lon/lat boxes: the projection is monotone per axis.
        x0, y0 = to_mercator(b[:, 0], b[:, 1])
        x1, y1 = to_mercator(b[:, 2], b[:, 3])
        self.part_bounds = np.column_stack([x0, y0, x1, y1])
        self._max_lat = float(np.nanmax(np.abs(b[:, [1, 3]]))) if len(b) else 0.0
        self.part_ncoords = self._count
        #: vertices of all line parts: whether the layer can ever be a dense river net
        self.line_ncoords = int(self._count[self.part_kind == LINE].sum())
        self.part_class = self.classes[self.part_feature] if len(self.part_feature) else np.empty(0, np.int32)
        rings = np.diff(shapes.ring_offsets)
        self._holes = np.zeros(len(self._start), dtype=bool)
        polys = self.part_kind == POLYGON
        self._holes[polys] = rings[self._src_part[polys]] > 1
        m = len(self._start)
        #: lon/lat and Mercator shapely parts, built on first use
        self._parts_ll = np.empty(m, dtype=object)
        self._merc = np.empty(m, dtype=object)
        self._qt = np.empty(m, dtype=object)
        #: simplified Qt items per zoom band, built for visible parts on demand
        self._lod: dict[int, np.ndarray] = {}
        self._lod_built: dict[int, np.ndarray] = {}
        #: per zoom band: kept Mercator vertices of each line part shown at it (None until shown)
        self._line_lod: OrderedDict[int, np.ndarray] = OrderedDict()
        #: held while a band's line vertices are built: a worker thread may build them ahead of a frame
        self._line_lock = threading.Lock()

        # ---- labels
        self.labels: LabelSource | None = None
        if labels is not None and label_style is not None:
            self.labels = self._label_source(labels, label_style)

    # ------------------------------------------------------------------
    def _label_source(self, texts: np.ndarray, style: LabelStyle) -> LabelSource:
        shapes = self.shapes
        n = self.n
        types = shapes.types
        x = np.full(n, np.nan)
        y = np.full(n, np.nan)
        kind = np.full(n, POINT, dtype=np.int8)
        exact = np.ones(n, dtype=bool)
        c0, _ = shapes.part_coord_range
        first_part = shapes.part_offsets[:-1]
        pts = np.flatnonzero(types == 0)
        if len(pts):
            xy = shapes.coords[c0[first_part[pts]]]
            x[pts], y[pts] = to_mercator(xy[:, 0], xy[:, 1])
        polys = (types == 3) | (types == 6)
        lines = (types == 1) | (types == 5)
        kind[polys] = POLYGON
        kind[lines] = LINE
        other = np.flatnonzero(polys | lines)
        if len(other):
            # box centres until a view asks for the real anchor
            b = shapes.feature_bounds()[other]
            x[other], y[other] = to_mercator((b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2)
            exact[other] = False
        texts = np.asarray(texts, dtype=object)
        return LabelSource(texts, x, y, kind, style, geometry=shapes.geometries, exact=exact)

    def has_holes(self, idx: np.ndarray) -> np.ndarray:
        """Whether polygon parts ``idx`` have holes (False for lines)."""
        return self._holes[idx]

    @property
    def part_has_holes(self) -> np.ndarray:
        return self._holes

    @property
    def parts(self) -> np.ndarray:
        """All drawable parts as Mercator shapely geometries."""
        return self._merc_parts(np.arange(len(self._merc)))

    def lonlat_parts(self, idx: np.ndarray) -> np.ndarray:
        """Parts ``idx`` as lon/lat shapely lines and polygons, built from the coordinates on first use."""
        idx = np.asarray(idx, dtype=np.int64)
        todo = idx[shapely.is_missing(self._parts_ll[idx])] if len(idx) else idx
        if len(todo):
            todo = np.unique(todo)
            lines = todo[self.part_kind[todo] == LINE]
            if len(lines):
                self._parts_ll[lines] = line_strings(self.shapes.coords, self._start[lines], self._count[lines])
            polys = todo[self.part_kind[todo] == POLYGON]
            if len(polys):
                self._parts_ll[polys] = self.shapes.rings_of(self._src_part[polys])
        return self._parts_ll[idx]

    def _merc_parts(self, idx: np.ndarray) -> np.ndarray:
        """Mercator geometries of parts ``idx``, projecting those not yet projected."""
        todo = idx[shapely.is_missing(self._merc[idx])]
        if len(todo):
            self._merc[todo] = shapely.transform(self.lonlat_parts(todo), project_coords)
        return self._merc[idx]

    def qt_part(self, i: int) -> QPolygonF | QPainterPath:
        """The Qt object for part ``i`` in Mercator metres, built on first use."""
        item = self._qt[i]
        if item is None:
            if self.part_kind[i] == LINE or not self._holes[i]:
                # a line, or a polygon's only ring: one run of coordinates
                a, m = int(self._start[i]), int(self._count[i])
                item = qpolygonf(project_coords(self.shapes.coords[a:a + m]))
            else:
                g = self._merc_parts(np.array([i]))[0]
                item = QPainterPath()
                item.addPolygon(qpolygonf(shapely.get_coordinates(g.exterior)))
                for ring in g.interiors:
                    item.addPolygon(qpolygonf(shapely.get_coordinates(ring)))
                item.closeSubpath()
            self._qt[i] = item
        return item

    def qt_parts_lod(self, idx: np.ndarray, band: int) -> np.ndarray:
        """Qt items (an object array) for parts ``idx`` simplified to zoom band ``band``.

        Band b covers resolutions in [2**b, 2**(b+1)) metres per pixel; the
        tolerance of half the band's finest pixel is invisible on screen but
        drops most vertices of small polygons and wiggly lines at small scales.
        Built once per band for the parts that were ever visible.
        """
        cache = self._lod.get(band)
        if cache is None:
            cache = self._lod[band] = np.empty(len(self._merc), dtype=object)
            self._lod_built[band] = np.zeros(len(self._merc), dtype=bool)
        built = self._lod_built[band]
        todo = idx[~built[idx]]
        if len(todo):
            self._build_lod(todo, band, cache)
            built[todo] = True
        return cache[idx]

    def _build_lod(self, idx: np.ndarray, band: int, cache: np.ndarray) -> None:
        simple = shapely.simplify(self.lonlat_parts(idx), self._tolerance(band), preserve_topology=False)
        bad = shapely.is_missing(simple) | shapely.is_empty(simple) | self.has_holes(idx)
        for i in idx[bad]:
            cache[i] = self.qt_part(int(i))
        good = ~bad
        if not good.any():
            return
        # one part without holes: its coordinates are its exterior ring (or its line)
        runs = _mercator_runs(simple[good])
        for i, xy in zip(idx[good].tolist(), runs, strict=True):
            cache[i] = qpolygonf(xy)

    def line_segments(self, idx: np.ndarray, band: int) -> np.ndarray:
        """Segments (x0, y0, x1, y1), Mercator, of line parts ``idx`` simplified for zoom band ``band``.

        For one ``drawLines`` call: no Qt object per part. The vertices kept
        for a band are those of ``qt_parts_lod`` (the same tolerance), built
        once per band for the parts ever shown, as plain arrays.
        """
        parts = self.line_vertices(idx, band)
        if not len(parts):
            return np.empty((0, 4))
        xy = np.concatenate(list(parts))
        lens = np.fromiter(map(len, parts), dtype=np.int64, count=len(parts))
        ok = np.ones(len(xy), dtype=bool)
        ok[np.cumsum(lens) - 1] = False  # a part's last vertex starts no segment
        ok[-1] = False
        at = np.flatnonzero(ok)
        seg = np.empty((len(at), 4))
        seg[:, :2] = xy[at]
        seg[:, 2:] = xy[at + 1]
        return seg

    def line_vertices(self, idx: np.ndarray, band: int) -> np.ndarray:
        """The kept Mercator vertices of line parts ``idx`` for zoom band ``band`` (an object array).

        Thread-safe: GEOS simplifies without Python's lock, so a painter has
        a worker thread build a frame's river net while it draws the layers
        beneath; the drawing thread then waits here for what is missing.
        """
        with self._line_lock:
            cache = self._line_lod.get(band)
            if cache is None:
                cache = self._line_lod[band] = np.empty(len(self.part_kind), dtype=object)
                while len(self._line_lod) > LINE_LOD_BANDS:
                    self._line_lod.popitem(last=False)
            else:
                self._line_lod.move_to_end(band)
            todo = idx[shapely.is_missing(cache[idx])] if len(idx) else idx
            if len(todo):
                g = self.lonlat_parts(todo)
                simple = shapely.simplify(g, self._tolerance(band), preserve_topology=False)
                bad = shapely.is_missing(simple) | shapely.is_empty(simple)
                simple[bad] = g[bad]
                cache[todo] = _mercator_runs(simple)
            return cache[idx]

    def _tolerance(self, band: int) -> float:
        # Simplify in lon/lat and project only what is left. At latitude phi a
        # degree-space deviation d is at most d * k / cos(phi) Mercator metres
        # (k metres per degree), so this tolerance keeps every deviation within
        # half the band's finest pixel, as simplifying in Mercator would.
        k = np.pi / 180 * R
        return 0.5 * 2.0**band * np.cos(np.radians(min(self._max_lat, 85.0))) / k

    def parts_in(self, extent: tuple[float, float, float, float]) -> np.ndarray:
        """Indices of parts whose boxes meet ``extent``, in data order."""
        b = self.part_bounds
        if not len(b):
            return np.empty(0, dtype=np.int64)
        x0, y0, x1, y1 = extent
        hit = (b[:, 0] <= x1) & (b[:, 2] >= x0) & (b[:, 1] <= y1) & (b[:, 3] >= y0)
        return np.flatnonzero(hit)


#: Zoom bands whose thinned line vertices are kept.
LINE_LOD_BANDS = 4

#: Lines longer than this many vertices are cut into chunks, so a view
#: culls and draws only the stretches it shows.
CHUNK = 64


def _chunk_lines(
    coords: np.ndarray, start: np.ndarray, count: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Long lines (coordinate runs) cut into chunks of ``CHUNK`` segments sharing their end vertices.

    Returns each chunk's (first coordinate, count, line index, lon/lat box),
    the chunks of every line in order.
    """
    if not len(start):
        e = np.empty(0, dtype=np.int64)
        return e, e, e, np.empty((0, 4))
    nchunks = (count - 2) // CHUNK + 1  # = ceil((count - 1) / CHUNK)
    line = np.repeat(np.arange(len(start)), nchunks)
    j = ragged_arange(np.zeros(len(start), dtype=np.int64), nchunks)
    first = start[line] + j * CHUNK
    size = np.minimum((j + 1) * CHUNK, count[line] - 1) + 1 - j * CHUNK
    return first, size, line, run_bounds(coords, first, size)


def _mercator_runs(geoms: np.ndarray) -> np.ndarray:
    """Each lon/lat line or one-ring polygon's coordinates, projected, as an object array of (k, 2) views."""
    xy, which = shapely.get_coordinates(geoms, return_index=True)
    xy = project_coords(xy)
    counts = np.bincount(which, minlength=len(geoms))
    out = np.empty(len(geoms), dtype=object)
    ends = np.cumsum(counts)
    for i, (a, b) in enumerate(zip((ends - counts).tolist(), ends.tolist(), strict=True)):
        out[i] = xy[a:b]
    return out
