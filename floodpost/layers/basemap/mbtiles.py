"""A raster basemap from a local MBTiles file, so the map keeps its background offline.

Tiles share the display's Web Mercator, so each is one ``drawImage`` into
a rectangle computed from its corners; no resampling of the projection.
Views deeper than the cache show the deepest tile enlarged (the visible
sub-rectangle of it), and holes in the cache are filled from the nearest
ancestor tile the same way.

``paint`` runs on the canvas's render thread: decoded tiles are QImages
(QPixmap belongs to the GUI thread), and the tile cache is lock-guarded.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QImageReader, QPainter

from floodpost.data.schema.symbology import BASEMAP
from floodpost.data.tiles import ORIGIN, MBTilesError, MBTilesReader, lonlat_to_tile
from floodpost.layers.model.viewport import Viewport

#: Web Mercator metres per pixel of a 256-pixel tile at zoom 0.
RESOLUTION_Z0 = 2 * ORIGIN / 256
#: Decoded tiles kept in memory (about 256 KB each).
CACHE_TILES = 512
#: Ancestor levels searched for a tile the cache lacks.
ANCESTOR_LEVELS = 8
#: More tiles than this in one view (far zoomed out of the cache) are not drawn.
MAX_TILES_PER_VIEW = 2048

_Key = tuple[int, int, int]


def zoom_for_resolution(resolution: float) -> float:
    """The fractional tile zoom level whose pixels are ``resolution`` Mercator metres."""
    return math.log2(RESOLUTION_Z0 / max(resolution, 1e-9))


def _supported_formats() -> set[str]:
    formats = {
        bytes(f.data()).decode("ascii", "ignore").lower()
        for f in QImageReader.supportedImageFormats()
    }
    if "jpeg" in formats:
        formats.add("jpg")
    return formats


class MBTilesBasemap:
    """Tiles of one MBTiles file drawn under the layers; same interface as ``VectorBasemap``.

    Parameters
    ----------
    path
        The MBTiles file (XYZ or TMS rows; PNG, JPEG or WebP tiles).
        Raises :class:`~floodpost.data.tiles.MBTilesError`, naming the file,
        if it is not a readable MBTiles file.
    opacity
        0 (invisible) to 1 (opaque).
    cache_size
        Decoded tiles kept in memory.
    """

    def __init__(
        self, path: str | Path, *, opacity: float = 1.0, cache_size: int = CACHE_TILES
    ) -> None:
        self.path = Path(path)
        self.reader = MBTilesReader(self.path)
        self.name = self.reader.name
        self.minzoom = int(self.reader.minzoom or 0)
        self.maxzoom = int(self.reader.maxzoom or 0)
        self.opacity = opacity
        self.background_color = BASEMAP["background"]
        self.cache_size = max(16, int(cache_size))
        self._cache: OrderedDict[_Key, QImage | None] = OrderedDict()
        self._lock = threading.Lock()
        #: False when Qt cannot decode this file's tile format (e.g. a build without WebP).
        self.decodable = self.reader.format in _supported_formats()
        #: Tiles that could not be read or decoded, for the status bar and tests.
        self.errors = 0

    # ------------------------------------------------------------ attributes
    @property
    def opacity(self) -> float:
        return self._opacity

    @opacity.setter
    def opacity(self, value: float) -> None:
        value = float(value)
        if not 0.0 <= value <= 1.0:
            raise ValueError(f"opacity must be between 0.0 and 1.0; got {value}")
        self._opacity = value

    def bounds(self) -> tuple[float, float, float, float] | None:
        """lon/lat bounds of the cache, from its metadata (or its tiles)."""
        return None if self.reader.empty else self.reader.bounds

    def close(self) -> None:
        with self._lock:
            self._cache.clear()
        self.reader.close()

    # ------------------------------------------------------------ tiles
    def zoom_for(self, viewport: Viewport, scale: float = 1.0) -> int:
        """The cache zoom level drawn for ``viewport``, clamped to the file's range.

        ``scale`` (device pixels per logical pixel) keeps tile text at its
        physical size in print, as symbols do.
        """
        z = round(zoom_for_resolution(viewport.resolution * max(scale, 1e-6)))
        return int(min(max(z, self.minzoom), self.maxzoom))

    def image(self, z: int, x: int, y: int) -> QImage | None:
        """The decoded XYZ tile, from the cache or the file; None if absent or undecodable."""
        key = (z, x, y)
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        img: QImage | None = None
        if self.decodable:
            try:
                data = self.reader.tile(z, x, y)
            except MBTilesError:
                data = None
                self._count_error()
            if data is not None:
                decoded = QImage.fromData(data)
                if decoded.isNull():
                    self._count_error()
                else:
                    if decoded.format() not in (
                        QImage.Format.Format_RGB32,
                        QImage.Format.Format_ARGB32_Premultiplied,
                    ):
                        decoded = decoded.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
                    img = decoded
        with self._lock:
            self._cache[key] = img
            self._cache.move_to_end(key)
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return img

    def _count_error(self) -> None:
        with self._lock:
            self.errors += 1

    def _source(self, z: int, x: int, y: int) -> tuple[QImage, QRectF] | None:
        """Tile ``(z, x, y)`` or the part of its nearest ancestor that covers it."""
        for up in range(0, ANCESTOR_LEVELS + 1):
            pz = z - up
            if pz < self.minzoom or pz < 0:
                return None
            img = self.image(pz, x >> up, y >> up)
            if img is not None:
                k = 1 << up
                w, h = img.width() / k, img.height() / k
                return img, QRectF((x % k) * w, (y % k) * h, w, h)
        return None

    # ------------------------------------------------------------ painting
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
        """Draw the tiles covering ``viewport``; ``labels`` is unused (tiles carry their own)."""
        if background:
            painter.fillRect(
                QRectF(0, 0, viewport.width, viewport.height), QColor(self.background_color)
            )
        if self.reader.empty or self._opacity <= 0.0:
            return
        z = self.zoom_for(viewport, scale)
        n = 1 << z
        size = 2 * ORIGIN / n
        x0, y0, x1, y1 = viewport.extent
        tx0 = max(int(math.floor((x0 + ORIGIN) / size)), 0)
        tx1 = min(int(math.floor((x1 + ORIGIN) / size)), n - 1)
        ty0 = max(int(math.floor((ORIGIN - y1) / size)), 0)
        ty1 = min(int(math.floor((ORIGIN - y0) / size)), n - 1)
        w, s, e, nb = self.reader.bounds
        # Only tiles inside the cache's bounds can exist; skip the rest without a query.
        bx0, by0 = lonlat_to_tile(w, nb, z)
        bx1, by1 = lonlat_to_tile(e, s, z)
        tx0, tx1 = max(tx0, bx0), min(tx1, bx1)
        ty0, ty1 = max(ty0, by0), min(ty1, by1)
        if tx0 > tx1 or ty0 > ty1 or (tx1 - tx0 + 1) * (ty1 - ty0 + 1) > MAX_TILES_PER_VIEW:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.setOpacity(painter.opacity() * self._opacity)
        vw, vh = float(viewport.width), float(viewport.height)
        for ty in range(ty0, ty1 + 1):
            for tx in range(tx0, tx1 + 1):
                src = self._source(z, tx, ty)
                if src is None:
                    continue
                img, sr = src
                px, py = viewport.to_screen(
                    [-ORIGIN + tx * size, -ORIGIN + (tx + 1) * size],
                    [ORIGIN - ty * size, ORIGIN - (ty + 1) * size],
                )
                # Whole pixels, so neighbouring tiles meet without a seam.
                left, right = float(round(px[0])), float(round(px[1]))
                top, bottom = float(round(py[0])), float(round(py[1]))
                if right <= left or bottom <= top:
                    continue
                # Clip to the view so an enlarged tile draws only what shows.
                cl, cr = max(left, -1.0), min(right, vw + 1.0)
                ct, cb = max(top, -1.0), min(bottom, vh + 1.0)
                if cr <= cl or cb <= ct:
                    continue
                kx = sr.width() / (right - left)
                ky = sr.height() / (bottom - top)
                source = QRectF(
                    sr.x() + (cl - left) * kx,
                    sr.y() + (ct - top) * ky,
                    (cr - cl) * kx,
                    (cb - ct) * ky,
                )
                painter.drawImage(QRectF(cl, ct, cr - cl, cb - ct), img, source)
        painter.restore()
