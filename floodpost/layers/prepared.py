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

from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
import shapely
from PySide6.QtGui import QPainterPath, QPolygonF

from floodpost.layers.projection import project_coords, to_mercator
from floodpost.layers.style import LabelStyle, Symbol
from floodpost.layers.symbols import qpolygonf

POINT, LINE, POLYGON = 0, 1, 2


@dataclass
class LabelSource:
    """Label texts and anchors (Mercator) per feature.

    ``x``/``y`` are where a label may go, good enough to decide whether it
    is in view and to thin candidates: exact for points, the box centre for
    lines and polygons until :meth:`anchors` has placed it on the feature.
    NaN anchors are skipped.
    """

    texts: np.ndarray  # object array of str or None
    x: np.ndarray
    y: np.ndarray
    kind: np.ndarray  # POINT / LINE / POLYGON per feature
    style: LabelStyle
    geoms: np.ndarray | None = field(default=None, repr=False)  # lon/lat, to place lazily
    exact: np.ndarray | None = field(default=None, repr=False)  # anchor already on the feature

    def anchors(self, idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Exact anchors of features ``idx``: a point on each polygon, the middle of each line."""
        if self.exact is not None and len(idx):
            todo = idx[~self.exact[idx]]
            if len(todo):
                self._place(todo)
        return self.x[idx], self.y[idx]

    def _place(self, idx: np.ndarray) -> None:
        assert self.geoms is not None and self.exact is not None
        g = self.geoms[idx]
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
        shapely geometries in lon/lat (EPSG:4490).
    classes
        symbol index per feature into ``symbols``.
    symbols
        the symbols, in legend order.
    """

    def __init__(
        self,
        geoms: np.ndarray,
        classes: np.ndarray,
        symbols: list[Symbol],
        fids: np.ndarray | None = None,
        labels: np.ndarray | None = None,
        label_style: LabelStyle | None = None,
        polygon_symbols: list[Symbol] | None = None,
    ) -> None:
        geoms = np.asarray(geoms, dtype=object)
        n = len(geoms)
        self.n = n
        self.symbols = symbols
        self.polygon_symbols = polygon_symbols or symbols
        self.fids = np.arange(n) if fids is None else np.asarray(fids)
        self.classes = np.asarray(classes, dtype=np.int32)
        ok = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
        types = np.full(n, -1, dtype=np.int8)
        types[ok] = shapely.get_type_id(geoms[ok])
        self._lonlat = geoms

        # ---- points (Point and MultiPoint parts), projected as arrays
        pt_mask = (types == 0) | (types == 4)
        pt_feat = np.flatnonzero(pt_mask)
        if len(pt_feat):
            if np.all(types[pt_feat] == 0):
                xy = shapely.get_coordinates(geoms[pt_feat])
                self.pt_feature = pt_feat
            else:
                parts, idx = shapely.get_parts(geoms[pt_feat], return_index=True)
                parts_ok = ~shapely.is_empty(parts)
                xy = shapely.get_coordinates(parts[parts_ok])
                self.pt_feature = pt_feat[idx[parts_ok]]
            self.pt_x, self.pt_y = to_mercator(xy[:, 0], xy[:, 1])
        else:
            self.pt_feature = np.empty(0, dtype=np.int64)
            self.pt_x = np.empty(0)
            self.pt_y = np.empty(0)
        self.pt_class = self.classes[self.pt_feature] if len(self.pt_feature) else np.empty(0, np.int32)

        # ---- lines and polygons, one part per simple geometry; long lines in chunks
        part_mask = ok & ~pt_mask
        feat = np.flatnonzero(part_mask)
        if len(feat):
            g = geoms[feat]
            t = types[feat]
            simple = (t == 1) | (t == 3)
            multi = (t == 5) | (t == 6)
            if np.all(simple | (multi & (shapely.get_num_geometries(g) == 1))):
                # one part per feature: the feature is its own part (no copies)
                parts, part_feature = g, feat
            else:
                parts, idx = shapely.get_parts(g, return_index=True)
                keep = ~shapely.is_empty(parts)
                parts, part_feature = parts[keep], feat[idx[keep]]
            parts, part_feature = _chunk_lines(parts, part_feature)
            self._parts_ll = parts  # lon/lat
            self.part_feature = part_feature
            ptypes = shapely.get_type_id(parts)
            self._part_multi = (ptypes == 5) | (ptypes == 6)  # single-part multis
            self.part_kind = np.where((ptypes == 3) | (ptypes == 6), POLYGON, LINE).astype(np.int8)
            # Mercator boxes straight from lon/lat boxes: the projection is monotone per axis.
            b = shapely.bounds(parts)
            x0, y0 = to_mercator(b[:, 0], b[:, 1])
            x1, y1 = to_mercator(b[:, 2], b[:, 3])
            self.part_bounds = np.column_stack([x0, y0, x1, y1])
            self._max_lat = float(np.nanmax(np.abs(b[:, [1, 3]]))) if len(b) else 0.0
            self.part_ncoords = shapely.get_num_coordinates(parts)
            self.part_class = self.classes[self.part_feature]
            # holes: known now for polygons, found on demand inside single-part multipolygons
            self._holes = np.zeros(len(parts), dtype=np.int8)
            polys = ptypes == 3
            if polys.any():
                self._holes[polys] = shapely.get_num_interior_rings(parts[polys]) > 0
            self._holes[ptypes == 6] = -1
        else:
            self._parts_ll = np.empty(0, dtype=object)
            self._part_multi = np.empty(0, dtype=bool)
            self.part_feature = np.empty(0, dtype=np.int64)
            self.part_kind = np.empty(0, dtype=np.int8)
            self.part_bounds = np.empty((0, 4))
            self._max_lat = 0.0
            self.part_ncoords = np.empty(0, dtype=np.int64)
            self.part_class = np.empty(0, dtype=np.int32)
            self._holes = np.empty(0, dtype=np.int8)
        m = len(self._parts_ll)
        #: Mercator parts, projected on first use
        self._merc = np.empty(m, dtype=object)
        self._qt = np.empty(m, dtype=object)
        #: simplified Qt items per zoom band, built for visible parts on demand
        self._lod: dict[int, np.ndarray] = {}
        self._lod_built: dict[int, np.ndarray] = {}
        #: per zoom band: kept Mercator vertices of every line part, with each part's first and count
        self._line_lod: OrderedDict[int, tuple[np.ndarray, np.ndarray, np.ndarray]] = OrderedDict()

        # ---- labels
        self.labels: LabelSource | None = None
        if labels is not None and label_style is not None:
            self.labels = self._label_source(labels, label_style, types)

    # ------------------------------------------------------------------
    def _label_source(self, texts: np.ndarray, style: LabelStyle, types: np.ndarray) -> LabelSource:
        n = self.n
        x = np.full(n, np.nan)
        y = np.full(n, np.nan)
        kind = np.full(n, POINT, dtype=np.int8)
        exact = np.ones(n, dtype=bool)
        pts = types == 0
        if pts.any():
            xy = shapely.get_coordinates(self._lonlat[pts])
            x[pts], y[pts] = to_mercator(xy[:, 0], xy[:, 1])
        polys = (types == 3) | (types == 6)
        lines = (types == 1) | (types == 5)
        kind[polys] = POLYGON
        kind[lines] = LINE
        other = polys | lines
        if other.any():
            # box centres until a view asks for the real anchor
            b = shapely.bounds(self._lonlat[other])
            x[other], y[other] = to_mercator((b[:, 0] + b[:, 2]) / 2, (b[:, 1] + b[:, 3]) / 2)
            exact[other] = False
        texts = np.asarray(texts, dtype=object)
        return LabelSource(texts, x, y, kind, style, geoms=self._lonlat, exact=exact)

    @property
    def lonlat(self) -> np.ndarray:
        """The layer's geometries as given (lon/lat), one per feature."""
        return self._lonlat

    def has_holes(self, idx: np.ndarray) -> np.ndarray:
        """Whether polygon parts ``idx`` have holes (False for lines)."""
        h = self._holes[idx]
        unknown = h < 0
        if unknown.any():
            todo = idx[unknown]
            first = shapely.get_geometry(self._parts_ll[todo], 0)
            self._holes[todo] = shapely.get_num_interior_rings(first) > 0
            h = self._holes[idx]
        return h > 0

    @property
    def part_has_holes(self) -> np.ndarray:
        return self.has_holes(np.arange(len(self._holes)))

    @property
    def parts(self) -> np.ndarray:
        """All drawable parts as Mercator shapely geometries."""
        return self._merc_parts(np.arange(len(self._merc)))

    def _merc_parts(self, idx: np.ndarray) -> np.ndarray:
        """Mercator geometries of parts ``idx``, projecting those not yet projected."""
        todo = idx[shapely.is_missing(self._merc[idx])]
        if len(todo):
            self._merc[todo] = shapely.transform(self._parts_ll[todo], project_coords)
        return self._merc[idx]

    def qt_part(self, i: int) -> QPolygonF | QPainterPath:
        """The Qt object for part ``i`` in Mercator metres, built on first use."""
        item = self._qt[i]
        if item is None:
            g = self._merc_parts(np.array([i]))[0]
            if self.part_kind[i] == LINE:
                item = qpolygonf(shapely.get_coordinates(g))
                self._qt[i] = item
                return item
            if self._part_multi[i]:
                g = g.geoms[0]
            if not self.has_holes(np.array([i]))[0]:
                item = qpolygonf(shapely.get_coordinates(g.exterior))
            else:
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
        simple = shapely.simplify(self._parts_ll[idx], self._tolerance(band), preserve_topology=False)
        bad = shapely.is_missing(simple) | shapely.is_empty(simple) | self.has_holes(idx)
        for i in idx[bad]:
            cache[i] = self.qt_part(int(i))
        good = ~bad
        if not good.any():
            return
        gi, gs = idx[good], simple[good]
        # one part without holes: its coordinates are its exterior ring (or its line)
        xy, which = shapely.get_coordinates(gs, return_index=True)
        xy = project_coords(xy)
        counts = np.bincount(which, minlength=len(gs))
        ends = np.cumsum(counts)
        starts = ends - counts
        for i, a, b in zip(gi.tolist(), starts.tolist(), ends.tolist(), strict=True):
            cache[i] = qpolygonf(xy[a:b])

    def line_segments(self, idx: np.ndarray, band: int) -> np.ndarray:
        """Segments (x0, y0, x1, y1), Mercator, of line parts ``idx`` simplified for zoom band ``band``.

        For one ``drawLines`` call: no Qt object per part. The vertices kept
        for a band are those of ``qt_parts_lod`` (the same tolerance), built
        once per band for the parts ever shown, as plain arrays.
        """
        cache = self._line_lod.get(band)
        if cache is None:
            cache = self._line_lod[band] = np.empty(len(self.part_kind), dtype=object)
            while len(self._line_lod) > LINE_LOD_BANDS:
                self._line_lod.popitem(last=False)
        else:
            self._line_lod.move_to_end(band)
        todo = idx[shapely.is_missing(cache[idx])] if len(idx) else idx
        if len(todo):
            g = self._parts_ll[todo]
            multi = self._part_multi[todo]
            if multi.any():
                g = g.copy()
                g[multi] = shapely.get_geometry(g[multi], 0)
            simple = shapely.simplify(g, self._tolerance(band), preserve_topology=False)
            bad = shapely.is_missing(simple) | shapely.is_empty(simple)
            simple[bad] = g[bad]
            xy, which = shapely.get_coordinates(simple, return_index=True)
            xy = project_coords(xy)
            counts = np.bincount(which, minlength=len(todo))
            cache[todo] = _split_rows(xy, counts)
        parts = cache[idx]
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

    def _tolerance(self, band: int) -> float:
        # Simplify in lon/lat and project only what is left. At latitude phi a
        # degree-space deviation d is at most d * k / cos(phi) Mercator metres
        # (k metres per degree), so this tolerance keeps every deviation within
        # half the band's finest pixel, as simplifying in Mercator would.
        k = np.pi / 180 * 6378137.0
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


def _chunk_lines(parts: np.ndarray, feature: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split long LineStrings into chunks of ``CHUNK`` segments sharing their end vertices.

    Kept parts come first, then the chunks of every long line in order, all
    built with one vectorised call.
    """
    counts = shapely.get_num_coordinates(parts)
    ptypes = shapely.get_type_id(parts)
    is_line = (ptypes == 1) | ((ptypes == 5) & (shapely.get_num_geometries(parts) == 1))
    long = np.flatnonzero(is_line & (counts > 2 * CHUNK))
    if not len(long):
        return parts, feature
    c = counts[long]
    xy = shapely.get_coordinates(parts[long])
    off = np.cumsum(c) - c  # first vertex of each long line in xy
    nchunks = (c - 2) // CHUNK + 1  # = ceil((c - 1) / CHUNK)
    line = np.repeat(np.arange(len(long)), nchunks)
    j = _ragged_arange(np.zeros(len(long), dtype=np.int64), nchunks)
    start = off[line] + j * CHUNK
    size = np.minimum((j + 1) * CHUNK, c[line] - 1) + 1 - j * CHUNK
    chunk = np.repeat(np.arange(len(start)), size)
    chunks = shapely.linestrings(xy[_ragged_arange(start, size)], indices=chunk)
    keep = np.ones(len(parts), dtype=bool)
    keep[long] = False
    new_parts = np.concatenate([parts[keep], chunks])
    new_feat = np.concatenate([feature[keep], feature[long][line]])
    return new_parts, new_feat


def _split_rows(xy: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """``xy`` cut into consecutive pieces of ``counts`` rows, as an object array of views."""
    out = np.empty(len(counts), dtype=object)
    ends = np.cumsum(counts)
    for i, (a, b) in enumerate(zip((ends - counts).tolist(), ends.tolist(), strict=True)):
        out[i] = xy[a:b]
    return out


def _ragged_arange(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenated ranges ``starts[i] .. starts[i] + counts[i]``."""
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    shift = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    return np.arange(total, dtype=np.int64) + shift
