"""Geometry prepared for painting: projected once per data change, indexed, cached.

``paint`` only draws: projection, class lookup, the spatial index and label
anchors are computed here, once per layer version, and Qt polygons are
built lazily the first time a part is drawn.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from PySide6.QtGui import QPainterPath, QPolygonF

from floodpost.layers.projection import project_coords
from floodpost.layers.style import LabelStyle, Symbol
from floodpost.layers.symbols import qpolygonf

POINT, LINE, POLYGON = 0, 1, 2


@dataclass
class LabelSource:
    """Label texts and anchors (Mercator) per feature; NaN anchors are skipped."""

    texts: np.ndarray  # object array of str or None
    x: np.ndarray
    y: np.ndarray
    kind: np.ndarray  # POINT / LINE / POLYGON per feature
    style: LabelStyle


class PreparedGeometry:
    """Projected geometry of one layer split into points and drawable parts.

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
        missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
        merc = np.empty(n, dtype=object)
        ok = ~missing
        if ok.any():
            merc[ok] = shapely.transform(geoms[ok], project_coords)
        self.geoms = merc
        types = np.full(n, -1, dtype=np.int8)
        types[ok] = shapely.get_type_id(merc[ok])

        # ---- points (Point and MultiPoint parts)
        pt_mask = (types == 0) | (types == 4)
        pt_geoms = merc[pt_mask]
        pt_feat = np.flatnonzero(pt_mask)
        if len(pt_geoms):
            parts, idx = shapely.get_parts(pt_geoms, return_index=True)
            xy = shapely.get_coordinates(parts)
            self.pt_feature = pt_feat[idx]
            self.pt_x = xy[:, 0].copy()
            self.pt_y = xy[:, 1].copy()
        else:
            self.pt_feature = np.empty(0, dtype=np.int64)
            self.pt_x = np.empty(0)
            self.pt_y = np.empty(0)
        self.pt_class = self.classes[self.pt_feature] if len(self.pt_feature) else np.empty(0, np.int32)

        # ---- lines and polygons, one part per simple geometry; long lines in chunks
        part_mask = ok & ~pt_mask
        feat = np.flatnonzero(part_mask)
        if len(feat):
            parts, idx = shapely.get_parts(merc[part_mask], return_index=True)
            parts, part_feature = _chunk_lines(parts, feat[idx])
            self.parts = parts
            self.part_feature = part_feature
            ptypes = shapely.get_type_id(parts)
            self.part_kind = np.where(ptypes == 3, POLYGON, LINE).astype(np.int8)
            self.part_bounds = shapely.bounds(parts)
            self.part_ncoords = shapely.get_num_coordinates(parts)
            self.part_class = self.classes[self.part_feature]
            self.part_has_holes = np.zeros(len(parts), dtype=bool)
            polys = self.part_kind == POLYGON
            if polys.any():
                self.part_has_holes[polys] = shapely.get_num_interior_rings(parts[polys]) > 0
            self.tree: shapely.STRtree | None = shapely.STRtree(parts)
        else:
            self.parts = np.empty(0, dtype=object)
            self.part_feature = np.empty(0, dtype=np.int64)
            self.part_kind = np.empty(0, dtype=np.int8)
            self.part_bounds = np.empty((0, 4))
            self.part_ncoords = np.empty(0, dtype=np.int64)
            self.part_class = np.empty(0, dtype=np.int32)
            self.part_has_holes = np.empty(0, dtype=bool)
            self.tree = None
        self._qt: list[Any] = [None] * len(self.parts)
        #: simplified Qt items per zoom band, built for visible parts on demand
        self._lod: dict[int, list[Any]] = {}

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
        pts = types == 0
        if pts.any():
            xy = shapely.get_coordinates(self.geoms[pts])
            x[pts], y[pts] = xy[:, 0], xy[:, 1]
        polys = (types == 3) | (types == 6)
        if polys.any():
            anchor = shapely.point_on_surface(self.geoms[polys])
            xy = shapely.get_coordinates(anchor)
            x[polys], y[polys] = xy[:, 0], xy[:, 1]
            kind[polys] = POLYGON
        lines = (types == 1) | (types == 5)
        if lines.any():
            for i in np.flatnonzero(lines):
                g = self.geoms[i]
                if g.geom_type == "MultiLineString":
                    g = max(g.geoms, key=lambda p: p.length)
                p = shapely.line_interpolate_point(g, 0.5, normalized=True)
                x[i], y[i] = p.x, p.y
            kind[lines] = LINE
        texts = np.asarray(texts, dtype=object)
        return LabelSource(texts, x, y, kind, style)

    def qt_part(self, i: int) -> QPolygonF | QPainterPath:
        """The Qt object for part ``i`` in Mercator metres, built on first use."""
        item = self._qt[i]
        if item is None:
            g = self.parts[i]
            if self.part_kind[i] == LINE:
                item = qpolygonf(shapely.get_coordinates(g))
            elif not self.part_has_holes[i]:
                item = qpolygonf(shapely.get_coordinates(g.exterior))
            else:
                item = QPainterPath()
                item.addPolygon(qpolygonf(shapely.get_coordinates(g.exterior)))
                for ring in g.interiors:
                    item.addPolygon(qpolygonf(shapely.get_coordinates(ring)))
                item.closeSubpath()
            self._qt[i] = item
        return item

    def qt_parts_lod(self, idx: np.ndarray, band: int) -> list[QPolygonF | QPainterPath]:
        """Qt items for parts ``idx`` simplified to zoom band ``band``.

        Band b covers resolutions in [2**b, 2**(b+1)) metres per pixel; the
        tolerance of half the band's finest pixel is invisible on screen but
        drops most vertices of small polygons and wiggly lines at small scales.
        Built once per band for the parts that were ever visible.
        """
        cache = self._lod.get(band)
        if cache is None:
            cache = self._lod[band] = [None] * len(self.parts)
        missing = [int(i) for i in idx if cache[i] is None]
        if missing:
            m = np.asarray(missing)
            simple = shapely.simplify(self.parts[m], 0.5 * 2.0**band, preserve_topology=False)
            for i, g in zip(missing, simple, strict=True):
                if g is None or g.is_empty or self.part_has_holes[i]:
                    cache[i] = self.qt_part(i)
                elif self.part_kind[i] == LINE:
                    cache[i] = qpolygonf(shapely.get_coordinates(g))
                else:
                    cache[i] = qpolygonf(shapely.get_coordinates(g.exterior))
        return [cache[i] for i in idx]

    def parts_in(self, extent: tuple[float, float, float, float]) -> np.ndarray:
        """Indices of parts whose bounding boxes meet ``extent``, in data order."""
        if self.tree is None:
            return np.empty(0, dtype=np.int64)
        idx = self.tree.query(shapely.box(*extent))
        idx.sort()
        return idx


#: Lines longer than this many vertices are cut into chunks, so a view
#: culls and draws only the stretches it shows.
CHUNK = 64


def _chunk_lines(parts: np.ndarray, feature: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Split long LineStrings into overlapping chunks of ``CHUNK`` segments."""
    counts = shapely.get_num_coordinates(parts)
    is_line = shapely.get_type_id(parts) == 1
    long = np.flatnonzero(is_line & (counts > 2 * CHUNK))
    if not len(long):
        return parts, feature
    out_parts: list[Any] = []
    out_feat: list[int] = []
    keep = np.ones(len(parts), dtype=bool)
    keep[long] = False
    for i in long:
        xy = shapely.get_coordinates(parts[i])
        for start in range(0, len(xy) - 1, CHUNK):
            out_parts.append(shapely.linestrings(xy[start : start + CHUNK + 1]))
            out_feat.append(int(feature[i]))
    new_parts = np.concatenate([parts[keep], np.array(out_parts, dtype=object)])
    new_feat = np.concatenate([feature[keep], np.array(out_feat, dtype=feature.dtype)])
    return new_parts, new_feat
