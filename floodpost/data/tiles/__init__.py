"""Raster tile caches for the offline basemap: tile maths, MBTiles files, a polite downloader.

A post prepares its basemap before the storm, while the network still
works, and reads it from one local MBTiles file when the network is down.
Everything here is plain Python so it runs in a worker thread, on the
command line and in tests with no display.

- :mod:`.maths` — XYZ tile addresses and the tiles of an area,
- :mod:`floodpost.data.store.mbtiles` — reading and writing MBTiles files
  (SQLite underneath, so in the storage package),
- :mod:`.download` — :func:`download_tiles` and :func:`estimate`, the only
  network access in FloodPost, and only when the user asks for it.
"""

from __future__ import annotations

from floodpost.data.store.mbtiles import MBTilesReader, MBTilesWriter
from floodpost.data.tiles.download import (
    DownloadResult,
    TileEstimate,
    check_template,
    download_tiles,
    estimate,
    tile_url,
)
from floodpost.data.tiles.maths import (
    DEFAULT_TILE_BYTES,
    DEFAULT_USER_AGENT,
    MAX_LAT,
    MAX_TILES,
    MAX_ZOOM,
    ORIGIN,
    Bbox,
    MBTilesError,
    Progress,
    TileDownloadError,
    TileJobTooLarge,
    check_bbox,
    count_tiles,
    flip_y,
    lonlat_to_tile,
    tile_bounds_lonlat,
    tile_bounds_mercator,
    tile_format,
    tile_range,
    tile_to_lonlat,
    tiles_for_bbox,
)

__all__ = [
    "DEFAULT_TILE_BYTES", "DEFAULT_USER_AGENT", "MAX_LAT", "MAX_TILES", "MAX_ZOOM", "ORIGIN", "Bbox",
    "DownloadResult", "MBTilesError", "MBTilesReader", "MBTilesWriter", "Progress", "TileDownloadError",
    "TileEstimate", "TileJobTooLarge", "check_bbox", "check_template", "count_tiles", "download_tiles",
    "estimate", "flip_y", "lonlat_to_tile", "tile_bounds_lonlat", "tile_bounds_mercator", "tile_format",
    "tile_range", "tile_to_lonlat", "tile_url", "tiles_for_bbox",
]
