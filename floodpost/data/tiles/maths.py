"""Tile maths of Web Mercator (XYZ addresses): which tiles cover an area, and where a tile lies.

Pure arithmetic, shared by the MBTiles reader, the downloader and the map's
tile basemap.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Sequence

#: Radius of the Web Mercator sphere, metres (the map's display projection and XYZ tiles).
R = 6378137.0
#: Half the width of the Web Mercator world in metres; tile (0, 0) starts at (-ORIGIN, ORIGIN).
ORIGIN = math.pi * R
#: Latitude limit of Web Mercator, degrees.
MAX_LAT = 85.05112877980659
#: Deepest zoom level accepted anywhere (about 2 cm per pixel).
MAX_ZOOM = 24
#: Jobs with more tiles than this are refused unless forced.
MAX_TILES = 200_000
#: Estimated size of one tile when no sample could be fetched.
DEFAULT_TILE_BYTES = 15 * 1024
DEFAULT_USER_AGENT = "FloodPost/0.1 (offline cache)"

Bbox = tuple[float, float, float, float]
Progress = Callable[[int, int], "bool | None"]



# ------------------------------------------------------------------ errors
class MBTilesError(ValueError):
    """A file that is not a readable MBTiles tile cache; the message names the file."""


class TileDownloadError(RuntimeError):
    """A download that cannot go on (bad template, refused access, unreachable server)."""


class TileJobTooLarge(TileDownloadError):
    """More tiles than a polite job should fetch; ``count`` and ``limit`` say by how much."""

    def __init__(self, count: int, limit: int, zmin: int, zmax: int) -> None:
        self.count = count
        self.limit = limit
        super().__init__(
            f"{count:,} tiles for zoom {zmin}–{zmax} is more than the limit of {limit:,}; "
            "choose a smaller area or fewer zoom levels (or pass force=True)"
        )



# ------------------------------------------------------------------ tile maths
def _check_zoom(z: int) -> int:
    if not 0 <= int(z) <= MAX_ZOOM:
        raise ValueError(f"zoom must be between 0 and {MAX_ZOOM}; got {z}")
    return int(z)


def lonlat_to_tile(lon: float, lat: float, z: int) -> tuple[int, int]:
    """The XYZ tile holding a lon/lat point at zoom ``z`` (clamped to the world)."""
    n = 1 << _check_zoom(z)
    lat = min(max(lat, -MAX_LAT), MAX_LAT)
    fx = (lon + 180.0) / 360.0 * n
    r = math.radians(lat)
    fy = (1.0 - math.log(math.tan(r) + 1.0 / math.cos(r)) / math.pi) / 2.0 * n
    return min(max(int(math.floor(fx)), 0), n - 1), min(max(int(math.floor(fy)), 0), n - 1)


def tile_to_lonlat(x: float, y: float, z: int) -> tuple[float, float]:
    """The lon/lat of the north-west corner of XYZ tile ``(x, y)`` (fractions allowed)."""
    n = 1 << _check_zoom(z)
    lon = x / n * 360.0 - 180.0
    lat = math.degrees(math.atan(math.sinh(math.pi * (1.0 - 2.0 * y / n))))
    return lon, lat


def tile_bounds_lonlat(z: int, x: int, y: int) -> Bbox:
    """(west, south, east, north) of an XYZ tile in degrees."""
    w, n = tile_to_lonlat(x, y, z)
    e, s = tile_to_lonlat(x + 1, y + 1, z)
    return (w, s, e, n)


def tile_bounds_mercator(z: int, x: int, y: int) -> Bbox:
    """(minx, miny, maxx, maxy) of an XYZ tile in Web Mercator metres."""
    size = 2 * ORIGIN / (1 << _check_zoom(z))
    x0 = -ORIGIN + x * size
    y1 = ORIGIN - y * size
    return (x0, y1 - size, x0 + size, y1)


def flip_y(z: int, y: int) -> int:
    """XYZ row to TMS row and back (the same formula both ways)."""
    return (1 << z) - 1 - y


def check_bbox(bbox: Sequence[float]) -> Bbox:
    """A lon/lat box as four floats, west < east and south < north, within the Mercator world."""
    if len(bbox) != 4:
        raise ValueError(f"bbox must be (west, south, east, north); got {bbox!r}")
    w, s, e, n = (float(v) for v in bbox)
    if not all(math.isfinite(v) for v in (w, s, e, n)):
        raise ValueError(f"bbox must be finite; got {bbox!r}")
    if not (w < e and s < n):
        raise ValueError(f"bbox needs west < east and south < north; got {bbox!r}")
    w, e = max(w, -180.0), min(e, 180.0)
    s, n = max(s, -MAX_LAT), min(n, MAX_LAT)
    if not (w < e and s < n):
        raise ValueError(f"bbox lies outside the Web Mercator world; got {bbox!r}")
    return (w, s, e, n)


def tile_range(bbox: Sequence[float], z: int) -> tuple[int, int, int, int]:
    """(x0, y0, x1, y1) inclusive XYZ tile range covering ``bbox`` at zoom ``z``."""
    w, s, e, n = check_bbox(bbox)
    x0, y0 = lonlat_to_tile(w, n, z)
    x1, y1 = lonlat_to_tile(e, s, z)
    # A box ending exactly on a tile edge does not need the tile beyond it.
    fx, fy = tile_to_lonlat(x1, y1, z)
    if x1 > x0 and math.isclose(fx, e, abs_tol=1e-12):
        x1 -= 1
    if y1 > y0 and math.isclose(fy, s, abs_tol=1e-12):
        y1 -= 1
    return x0, y0, x1, y1


def _check_zooms(zmin: int, zmax: int) -> tuple[int, int]:
    zmin, zmax = _check_zoom(zmin), _check_zoom(zmax)
    if zmin > zmax:
        raise ValueError(f"minimum zoom {zmin} is above maximum zoom {zmax}")
    return zmin, zmax


def tiles_for_bbox(bbox: Sequence[float], zmin: int, zmax: int) -> Iterator[tuple[int, int, int]]:
    """Every XYZ tile ``(z, x, y)`` covering ``bbox``, zoom by zoom, row by row."""
    zmin, zmax = _check_zooms(zmin, zmax)
    for z in range(zmin, zmax + 1):
        x0, y0, x1, y1 = tile_range(bbox, z)
        for y in range(y0, y1 + 1):
            for x in range(x0, x1 + 1):
                yield z, x, y


def count_tiles(bbox: Sequence[float], zmin: int, zmax: int) -> int:
    """How many tiles :func:`tiles_for_bbox` yields, without listing them."""
    zmin, zmax = _check_zooms(zmin, zmax)
    total = 0
    for z in range(zmin, zmax + 1):
        x0, y0, x1, y1 = tile_range(bbox, z)
        total += (x1 - x0 + 1) * (y1 - y0 + 1)
    return total


def tile_format(data: bytes) -> str | None:
    """``png``, ``jpg`` or ``webp`` from a tile's first bytes; None for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "png"
    if data[:3] == b"\xff\xd8\xff":
        return "jpg"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return None
