"""Which features lie under a click: the same answer on any screen size."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely

from floodpost.layers.model import Layer
from floodpost.layers.model.projection import to_lonlat
from floodpost.layers.model.viewport import Viewport

#: Click tolerance in pixels, about half a marker.
TOLERANCE_PX = 7.0


@dataclass(frozen=True)
class Hit:
    """One feature under the cursor; ``distance_px`` 0 means inside a polygon."""

    key: str
    fid: int
    distance_px: float


def hit_test(
    layers: Sequence[Layer], viewport: Viewport, px: float, py: float, tolerance_px: float = TOLERANCE_PX
) -> list[Hit]:
    """Features of the visible layers at pixel (px, py), topmost layer first.

    Points and lines are hit within ``tolerance_px``; polygons when the
    click is inside them. Within a layer the nearest feature comes first.
    """
    mx, my = viewport.to_map(px, py)
    r = tolerance_px * viewport.resolution
    lon0, lat0 = to_lonlat(mx - r, my - r)
    lon1, lat1 = to_lonlat(mx + r, my + r)
    lon, lat = to_lonlat(mx, my)
    probe = shapely.box(float(lon0), float(lat0), float(lon1), float(lat1))
    click = shapely.Point(float(lon), float(lat))
    # Degrees per pixel at this latitude, for turning distances into pixels.
    deg_per_px = (float(lon1) - float(lon0)) / (2 * tolerance_px)
    hits: list[Hit] = []
    for layer in reversed(list(layers)):
        if not layer.visible or layer.count == 0:
            continue
        if layer.built:
            frame = layer.frame
            idx = frame.sindex.query(probe, predicate="intersects")
            all_fids = frame.index.to_numpy()
            geoms = frame.geometry.to_numpy()[idx]
        else:
            # a big layer drawn from its shapes: boxes first, shapely only for the few under the click
            assert layer.shapes is not None
            b = layer.shapes.feature_bounds()
            near = (b[:, 0] <= float(lon1)) & (b[:, 2] >= float(lon0)) & (b[:, 1] <= float(lat1)) & (b[:, 3] >= float(lat0))
            idx = np.flatnonzero(near)
            all_fids = layer.table.index.to_numpy()
            geoms = layer.shapes.geometries(idx)
        if len(idx) == 0:
            continue
        dist = shapely.distance(geoms, click) / deg_per_px
        dims = shapely.get_dimensions(geoms)
        keep = (dist <= tolerance_px) & ((dims < 2) | (dist == 0))
        order = np.argsort(dist[keep], kind="stable")
        fids = all_fids[idx][keep][order]
        for fid, d in zip(fids, dist[keep][order], strict=True):
            hits.append(Hit(layer.key, int(fid), float(d)))
    return hits
