"""Basemaps that need no network: the county boundaries shipped with FloodPost, and tile caches.

A basemap is anything that draws itself under the layers (:class:`Basemap`):
the vector county boundaries here, an MBTiles tile cache
(:mod:`.mbtiles`), or a :class:`BasemapStack` of both. A new kind of basemap
is one class with ``paint`` and ``bounds``.
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

import numpy as np
import shapely
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QPainter

from floodpost.data.schema.symbology import BASEMAP, LabelStyle, Symbol
from floodpost.layers.model.viewport import Viewport
from floodpost.layers.render.prepared import PreparedGeometry

COUNTY_LABEL = LabelStyle(size=12, color=BASEMAP["county_label"], bold=True, priority=-10)


@runtime_checkable
class Basemap(Protocol):
    """What the painter asks of a basemap."""

    def bounds(self) -> tuple[float, float, float, float] | None:
        """Its lon/lat extent if it counts for "full extent" (a world tile cache does not)."""
        ...

    def paint(self, map_painter: Any, painter: QPainter, viewport: Viewport, *, scale: float = 1.0,
              background: bool = True, labels: list | None = None) -> None:
        """Draw under the layers; put label candidates (place names) into ``labels`` if given."""
        ...


class VectorBasemap:
    """County polygons (lon/lat GeoDataFrame with ``name``) drawn under every layer.

    Over a raster basemap they are drawn as outlines only (``fill_land``
    False), so the tiles show through.
    """

    def __init__(self, counties: Any) -> None:
        self.counties = counties
        self.fill_land = True
        geoms = counties.geometry.to_numpy()
        fill = Symbol(fill=BASEMAP["land"], stroke=BASEMAP["county_stroke"], stroke_width=1.0, dash=(6, 3))
        outline = Symbol(fill=None, stroke=BASEMAP["county_stroke"], stroke_width=1.0, dash=(6, 3))
        self._counties = PreparedGeometry(
            geoms,
            np.zeros(len(geoms), dtype=np.int32),
            [fill],
            labels=counties["name"].to_numpy() if "name" in counties.columns else None,
            label_style=COUNTY_LABEL,
        )
        self._county_lines = PreparedGeometry(
            geoms, np.zeros(len(geoms), dtype=np.int32), [outline], polygon_symbols=[outline]
        )
        city = shapely.union_all(geoms).boundary if len(geoms) else None
        self._outline = PreparedGeometry(
            np.array([city] if city is not None else [], dtype=object),
            np.zeros(1 if city is not None else 0, dtype=np.int32),
            [Symbol(stroke=BASEMAP["city_stroke"], stroke_width=1.6)],
        )

    def bounds(self) -> tuple[float, float, float, float] | None:
        if len(self.counties) == 0:
            return None
        b = self.counties.total_bounds
        return (float(b[0]), float(b[1]), float(b[2]), float(b[3]))

    def paint(
        self,
        map_painter: Any,
        painter: QPainter,
        viewport: Viewport,
        *,
        scale: float = 1.0,
        background: bool = True,
        labels: list | None = None,
    ) -> None:
        if background:
            painter.fillRect(QRectF(0, 0, viewport.width, viewport.height), QColor(BASEMAP["background"]))
        counties = self._counties if self.fill_land else self._county_lines
        map_painter.paint_geometry(painter, viewport, counties, scale=scale)
        map_painter.paint_geometry(painter, viewport, self._outline, scale=scale)
        if labels is not None:
            map_painter.collect_labels(self._counties, viewport, -1, scale, labels)


class BasemapStack:
    """Raster tiles (MBTiles) at the bottom, the county boundaries above them.

    Only the vector boundaries count for "full extent": a tile cache may
    cover the whole province or the world.
    """

    def __init__(self, vector: VectorBasemap | None = None, raster: Basemap | None = None) -> None:
        self.vector = vector
        self.raster = raster

    def set_raster(self, raster: Basemap | None) -> None:
        old, self.raster = self.raster, raster
        if self.vector is not None:
            self.vector.fill_land = raster is None
        if old is not None and old is not raster and hasattr(old, "close"):
            old.close()

    def bounds(self) -> tuple[float, float, float, float] | None:
        return self.vector.bounds() if self.vector is not None else None

    def paint(
        self,
        map_painter: Any,
        painter: QPainter,
        viewport: Viewport,
        *,
        scale: float = 1.0,
        background: bool = True,
        labels: list | None = None,
    ) -> None:
        if self.raster is not None:
            self.raster.paint(map_painter, painter, viewport, scale=scale, background=background, labels=labels)
            background = False
        if self.vector is not None:
            self.vector.paint(map_painter, painter, viewport, scale=scale, background=background, labels=labels)
        elif background:
            painter.fillRect(QRectF(0, 0, viewport.width, viewport.height), QColor(BASEMAP["background"]))
