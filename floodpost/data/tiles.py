"""Raster tile caches for the offline basemap: tile maths, MBTiles files, a polite downloader.

A post prepares its basemap before the storm, while the network still
works, and reads it from one local MBTiles file when the network is down.
Everything here is plain Python (``sqlite3`` and ``urllib``) so it runs in
a worker thread, on the command line and in tests with no display.

The only network access in FloodPost happens in :func:`download_tiles` and
:func:`estimate`, and only when the user asks for it.

Tile addresses are XYZ (x east, y south, as in web map URLs) everywhere in
the API; the TMS row order of the MBTiles specification (row 0 in the
south) is handled inside the reader and writer.
"""

from __future__ import annotations

import math
import sqlite3
import struct
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

#: Half the width of the Web Mercator world in metres; tile (0, 0) starts at (-ORIGIN, ORIGIN).
ORIGIN = 20037508.342789244
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


# ------------------------------------------------------------------ MBTiles files
_SCHEMA = """
CREATE TABLE IF NOT EXISTS metadata (name TEXT, value TEXT);
CREATE UNIQUE INDEX IF NOT EXISTS metadata_name ON metadata (name);
CREATE TABLE IF NOT EXISTS tiles (
    zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);
CREATE UNIQUE INDEX IF NOT EXISTS tile_index ON tiles (zoom_level, tile_column, tile_row);
CREATE TABLE IF NOT EXISTS floodpost_missing (
    zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, status INTEGER,
    PRIMARY KEY (zoom_level, tile_column, tile_row));
"""


def _check_sqlite_file(path: Path) -> None:
    """Refuse files that are not SQLite or are shorter than their header says (truncated copies)."""
    try:
        with open(path, "rb") as f:
            head = f.read(100)
    except FileNotFoundError:
        raise MBTilesError(f"{path}: no such file") from None
    except OSError as exc:
        raise MBTilesError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if len(head) < 100 or not head.startswith(b"SQLite format 3\x00"):
        raise MBTilesError(f"{path}: not an MBTiles file (not an SQLite database)")
    page_size = struct.unpack(">H", head[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    pages = struct.unpack(">I", head[28:32])[0]
    # The page count in the header is only valid if the change counters agree.
    valid = head[24:28] == head[92:96]
    wal = Path(str(path) + "-wal").exists()
    if valid and not wal and pages and path.stat().st_size < page_size * pages:
        raise MBTilesError(
            f"{path}: truncated MBTiles file ({path.stat().st_size:,} of "
            f"{page_size * pages:,} bytes); copy it again"
        )


def _parse_bounds(text: str | None) -> Bbox | None:
    if not text:
        return None
    try:
        return check_bbox([float(v) for v in text.split(",")])
    except ValueError:
        return None


def _int_or_none(text: str | None) -> int | None:
    try:
        return int(float(text)) if text not in (None, "") else None
    except ValueError:
        return None


class MBTilesReader:
    """Read-only access to one MBTiles file; safe to share between threads.

    Opened with SQLite's ``mode=ro`` so a basemap never changes or locks
    the cache it shows. ``scheme=xyz`` in the metadata (not in the
    specification, but common) is honoured by not flipping rows.

    Examples
    --------
    >>> with MBTilesReader("hebi.mbtiles") as r:  # doctest: +SKIP
    ...     png = r.tile(10, 843, 408)
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        _check_sqlite_file(self.path)
        uri = self.path.resolve().as_uri() + "?mode=ro"
        self._lock = threading.Lock()
        try:
            self._con = sqlite3.connect(uri, uri=True, check_same_thread=False)
        except sqlite3.Error as exc:
            raise MBTilesError(f"{self.path}: cannot be opened ({exc})") from None
        try:
            self._read_metadata()
        except sqlite3.DatabaseError as exc:
            self._con.close()
            raise MBTilesError(f"{self.path}: not a readable MBTiles file ({exc})") from None
        except MBTilesError:
            self._con.close()
            raise

    def _read_metadata(self) -> None:
        names = {
            r[0]
            for r in self._con.execute(
                "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
            )
        }
        if not {"metadata", "tiles"} <= names:
            raise MBTilesError(
                f"{self.path}: not an MBTiles file (no 'metadata' and 'tiles' tables)"
            )
        self.metadata: dict[str, str] = {
            str(k): str(v)
            for k, v in self._con.execute("SELECT name, value FROM metadata")
            if k is not None
        }
        md = self.metadata
        self.name = md.get("name") or self.path.stem
        self.scheme = "xyz" if md.get("scheme", "tms").strip().lower() == "xyz" else "tms"
        self.minzoom = _int_or_none(md.get("minzoom"))
        self.maxzoom = _int_or_none(md.get("maxzoom"))
        if self.minzoom is None or self.maxzoom is None:
            lo, hi = self._con.execute(
                "SELECT MIN(zoom_level), MAX(zoom_level) FROM tiles"
            ).fetchone()
            self.minzoom = int(lo) if self.minzoom is None and lo is not None else self.minzoom
            self.maxzoom = int(hi) if self.maxzoom is None and hi is not None else self.maxzoom
        self.empty = self.minzoom is None or self.maxzoom is None
        if self.empty:
            self.minzoom = self.maxzoom = 0
        elif self.minzoom > self.maxzoom:
            self.minzoom, self.maxzoom = self.maxzoom, self.minzoom
        fmt = (md.get("format") or "").strip().lower()
        fmt = "jpg" if fmt == "jpeg" else fmt
        if not fmt and not self.empty:
            row = self._con.execute("SELECT tile_data FROM tiles LIMIT 1").fetchone()
            fmt = (tile_format(bytes(row[0])) if row and row[0] else None) or ""
        self.format = fmt or "png"
        self.bounds = _parse_bounds(md.get("bounds")) or self._bounds_from_tiles()

    def _bounds_from_tiles(self) -> Bbox:
        """The extent of the shallowest zoom level, when the metadata lacks ``bounds``."""
        if self.empty:
            return (-180.0, -MAX_LAT, 180.0, MAX_LAT)
        z = int(self.minzoom or 0)
        c0, c1, r0, r1 = self._con.execute(
            "SELECT MIN(tile_column), MAX(tile_column), MIN(tile_row), MAX(tile_row) "
            "FROM tiles WHERE zoom_level = ?",
            (z,),
        ).fetchone()
        if c0 is None:
            return (-180.0, -MAX_LAT, 180.0, MAX_LAT)
        y0, y1 = (r0, r1) if self.scheme == "xyz" else (flip_y(z, r1), flip_y(z, r0))
        w, n = tile_to_lonlat(c0, y0, z)
        e, s = tile_to_lonlat(c1 + 1, y1 + 1, z)
        return (w, s, e, n)

    def tile(self, z: int, x: int, y: int) -> bytes | None:
        """The stored bytes of XYZ tile ``(z, x, y)``, or None if the cache lacks it."""
        if z < 0 or not (0 <= x < (1 << z) and 0 <= y < (1 << z)):
            return None
        row = y if self.scheme == "xyz" else flip_y(z, y)
        try:
            with self._lock:
                hit = self._con.execute(
                    "SELECT tile_data FROM tiles WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
                    (z, x, row),
                ).fetchone()
        except sqlite3.DatabaseError as exc:
            raise MBTilesError(f"{self.path}: tile {z}/{x}/{y} cannot be read ({exc})") from None
        return bytes(hit[0]) if hit and hit[0] is not None else None

    def close(self) -> None:
        with self._lock:
            self._con.close()

    def __enter__(self) -> MBTilesReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class MBTilesWriter:
    """Create or extend a standard MBTiles file (TMS rows, unique tile index).

    Opening an existing file keeps its tiles, so an interrupted download
    resumes; tiles are committed in batches by the caller's ``commit``.
    Tiles the server does not have (HTTP 404) are remembered in the extra
    table ``floodpost_missing`` so a resume does not ask for them again.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if self.path.exists() and self.path.stat().st_size > 0:
            _check_sqlite_file(self.path)
        try:
            self._con = sqlite3.connect(str(self.path))
            existing = {
                r[0]
                for r in self._con.execute(
                    "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
                )
            }
            if existing and not {"metadata", "tiles"} <= existing:
                self._con.close()
                raise MBTilesError(
                    f"{self.path}: exists and is not an MBTiles file; choose another name"
                )
            self._con.executescript(_SCHEMA)
            self._con.commit()
            md = dict(self._con.execute("SELECT name, value FROM metadata"))
        except sqlite3.DatabaseError as exc:
            self._con.close()
            raise MBTilesError(f"{self.path}: not a writable MBTiles file ({exc})") from None
        self.metadata: dict[str, str] = {str(k): str(v) for k, v in md.items()}
        self.scheme = "xyz" if self.metadata.get("scheme", "tms").lower() == "xyz" else "tms"

    def _row(self, z: int, y: int) -> int:
        return y if self.scheme == "xyz" else flip_y(z, y)

    def set_metadata(self, **values: object) -> None:
        """Store metadata rows (``name``, ``format``, ``bounds``, ``minzoom``…); None deletes one."""
        for k, v in values.items():
            if v is None:
                self._con.execute("DELETE FROM metadata WHERE name = ?", (k,))
                self.metadata.pop(k, None)
            else:
                self._con.execute(
                    "INSERT OR REPLACE INTO metadata (name, value) VALUES (?, ?)", (k, str(v))
                )
                self.metadata[k] = str(v)

    def put(self, z: int, x: int, y: int, data: bytes) -> None:
        """Store XYZ tile ``(z, x, y)``, replacing any earlier copy."""
        row = self._row(z, y)
        self._con.execute(
            "INSERT OR REPLACE INTO tiles (zoom_level, tile_column, tile_row, tile_data) VALUES (?, ?, ?, ?)",
            (z, x, row, sqlite3.Binary(data)),
        )
        self._con.execute(
            "DELETE FROM floodpost_missing WHERE zoom_level = ? AND tile_column = ? AND tile_row = ?",
            (z, x, row),
        )

    def put_missing(self, z: int, x: int, y: int, status: int = 404) -> None:
        """Remember that the server has no tile ``(z, x, y)``."""
        self._con.execute(
            "INSERT OR REPLACE INTO floodpost_missing (zoom_level, tile_column, tile_row, status) "
            "VALUES (?, ?, ?, ?)",
            (z, x, self._row(z, y), status),
        )

    def known(self, zmin: int = 0, zmax: int = MAX_ZOOM) -> set[tuple[int, int, int]]:
        """XYZ addresses already stored or known missing, for resuming."""
        out: set[tuple[int, int, int]] = set()
        for table in ("tiles", "floodpost_missing"):
            for z, x, row in self._con.execute(
                f"SELECT zoom_level, tile_column, tile_row FROM {table} WHERE zoom_level BETWEEN ? AND ?",
                (zmin, zmax),
            ):
                out.add((z, x, self._row(z, row)))
        return out

    def count(self) -> int:
        return int(self._con.execute("SELECT COUNT(*) FROM tiles").fetchone()[0])

    def commit(self) -> None:
        self._con.commit()

    def close(self) -> None:
        """Commit and close."""
        try:
            self._con.commit()
        finally:
            self._con.close()

    def __enter__(self) -> MBTilesWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# ------------------------------------------------------------------ URL templates
_PLACEHOLDERS = ("{z}", "{x}", "{y}", "{-y}", "{s}")


def check_template(url_template: str) -> str:
    """The template, stripped, if it is an http(s) URL with {z}, {x} and {y} or {-y}."""
    url = url_template.strip()
    if not url.lower().startswith(("http://", "https://")):
        raise TileDownloadError(f"tile URL must start with http:// or https://; got {url!r}")
    if "{z}" not in url or "{x}" not in url or ("{y}" not in url and "{-y}" not in url):
        raise TileDownloadError(f"tile URL needs {{z}}, {{x}} and {{y}} (or {{-y}}); got {url!r}")
    rest = url
    for p in _PLACEHOLDERS:
        rest = rest.replace(p, "")
    if "{" in rest or "}" in rest:
        raise TileDownloadError(
            f"tile URL has an unknown {{placeholder}}; known: {', '.join(_PLACEHOLDERS)}"
        )
    return url


def tile_url(
    url_template: str, z: int, x: int, y: int, subdomains: Sequence[str] | str = "abc"
) -> str:
    """The URL of XYZ tile ``(z, x, y)``; ``{-y}`` is the TMS row, ``{s}`` a subdomain."""
    url = url_template.replace("{z}", str(z)).replace("{x}", str(x))
    url = url.replace("{-y}", str(flip_y(z, y))).replace("{y}", str(y))
    if "{s}" in url:
        subs = list(subdomains) or ["a"]
        url = url.replace("{s}", subs[(x + y) % len(subs)])
    return url


# ------------------------------------------------------------------ HTTP
class _TokenBucket:
    """At most ``rate`` requests a second on average, in bursts of at most ``burst``."""

    def __init__(self, rate: float, burst: float = 1.0) -> None:
        if not rate > 0:
            raise ValueError(f"rate_limit must be above 0 requests/s; got {rate}")
        self.rate = float(rate)
        self.burst = max(1.0, float(burst))
        self._tokens = self.burst
        self._last = time.monotonic()

    def delay(self) -> float:
        """Seconds to wait before the next request may go (0 if it may go now)."""
        now = time.monotonic()
        self._tokens = min(self.burst, self._tokens + (now - self._last) * self.rate)
        self._last = now
        return 0.0 if self._tokens >= 1.0 else (1.0 - self._tokens) / self.rate

    def take(self) -> None:
        self._tokens -= 1.0


@dataclass
class _Fetch:
    status: int  # 200 with data, 404 missing, other codes: failed
    data: bytes | None = None
    error: str = ""


class _Client:
    """One polite HTTP client: rate limit, retries with back-off, cancellable waits."""

    def __init__(
        self,
        *,
        rate_limit: float,
        user_agent: str,
        timeout: float,
        retries: int,
        backoff: float,
        headers: dict[str, str] | None,
        cancelled: Callable[[], bool],
    ) -> None:
        self.bucket = _TokenBucket(rate_limit)
        self.headers = {
            "User-Agent": user_agent,
            "Accept": "image/png,image/jpeg,image/webp,image/*;q=0.8",
        }
        self.headers.update(headers or {})
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.backoff = max(0.0, float(backoff))
        self.cancelled = cancelled
        self.requests = 0

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds`` in short steps; False if cancelled meanwhile."""
        end = time.monotonic() + seconds
        while True:
            if self.cancelled():
                return False
            left = end - time.monotonic()
            if left <= 0:
                return True
            time.sleep(min(left, 0.2))

    def _throttle(self) -> bool:
        while (d := self.bucket.delay()) > 0:
            if not self.wait(d):
                return False
        self.bucket.take()
        return True

    def get(self, url: str) -> _Fetch | None:
        """The tile at ``url``, or None if cancelled while waiting."""
        last = _Fetch(0, error="no attempt")
        for attempt in range(self.retries + 1):
            if not self._throttle():
                return None
            self.requests += 1
            retry_after: float | None = None
            try:
                req = urllib.request.Request(url, headers=self.headers)
                with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 - user's URL
                    data = resp.read()
                if not data:
                    return _Fetch(404)
                return _Fetch(200, data)
            except urllib.error.HTTPError as exc:
                exc.close()
                if exc.code in (404, 410, 204):
                    return _Fetch(404)
                if exc.code in (401, 403):
                    raise TileDownloadError(
                        f"the tile server refused access (HTTP {exc.code}) at {url}; "
                        "check the key/token and that the post may cache these tiles"
                    ) from None
                last = _Fetch(exc.code, error=f"HTTP {exc.code}")
                if exc.code != 429 and exc.code < 500:
                    return last
                retry_after = _retry_after(exc.headers.get("Retry-After") if exc.headers else None)
            except (urllib.error.URLError, OSError) as exc:
                reason = getattr(exc, "reason", exc)
                last = _Fetch(0, error=str(reason))
            if attempt < self.retries:
                pause = retry_after if retry_after is not None else self.backoff * 2**attempt
                if not self.wait(min(pause, 60.0)):
                    return None
        return last


def _retry_after(value: str | None) -> float | None:
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None  # an HTTP date: fall back to our own back-off


# ------------------------------------------------------------------ estimate and download
@dataclass
class TileEstimate:
    """What a job would fetch: ``tiles`` and about ``bytes`` (``sampled`` tiles measured)."""

    tiles: int
    bytes: int
    tile_bytes: int
    sampled: int

    @property
    def too_large(self) -> bool:
        return self.tiles > MAX_TILES


@dataclass
class DownloadResult:
    """How a download ended; ``done`` counts every tile of the job dealt with."""

    path: Path
    total: int
    fetched: int = 0
    skipped: int = 0
    missing: int = 0
    failed: int = 0
    bytes: int = 0
    requests: int = 0
    seconds: float = 0.0
    cancelled: bool = False
    errors: list[str] = field(default_factory=list)

    @property
    def done(self) -> int:
        return self.skipped + self.fetched + self.missing + self.failed

    @property
    def complete(self) -> bool:
        return not self.cancelled and self.failed == 0 and self.done == self.total


def _sample_tiles(bbox: Bbox, zmax: int, n: int) -> list[tuple[int, int, int]]:
    """Up to ``n`` tiles spread over the deepest zoom, which holds most of the job."""
    x0, y0, x1, y1 = tile_range(bbox, zmax)
    spots = [
        (0.5, 0.5),
        (0.25, 0.25),
        (0.75, 0.75),
        (0.25, 0.75),
        (0.75, 0.25),
        (0.0, 0.0),
        (1.0, 1.0),
    ]
    out: list[tuple[int, int, int]] = []
    for fx, fy in spots:
        t = (zmax, x0 + round((x1 - x0) * fx), y0 + round((y1 - y0) * fy))
        if t not in out:
            out.append(t)
        if len(out) >= n:
            break
    return out


def estimate(
    url_template: str,
    bbox: Sequence[float],
    zmin: int,
    zmax: int,
    *,
    sample: int = 5,
    subdomains: Sequence[str] | str = "abc",
    rate_limit: float = 4.0,
    user_agent: str = DEFAULT_USER_AGENT,
    timeout: float = 10.0,
    headers: dict[str, str] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> TileEstimate:
    """Tile count and expected size of a job, before it starts.

    Fetches up to ``sample`` tiles (at most 5, spread over the deepest zoom)
    to measure the average tile size; with ``sample=0`` or when none can be
    fetched, assumes :data:`DEFAULT_TILE_BYTES` per tile and touches no
    network at all. ``cancelled()`` returning true stops the sampling early.
    """
    box = check_bbox(bbox)
    tiles = count_tiles(box, zmin, zmax)
    sizes: list[int] = []
    if sample > 0:
        url = check_template(url_template)
        client = _Client(
            rate_limit=rate_limit,
            user_agent=user_agent,
            timeout=timeout,
            retries=0,
            backoff=0.0,
            headers=headers,
            cancelled=cancelled or (lambda: False),
        )
        for z, x, y in _sample_tiles(box, zmax, min(int(sample), 5)):
            if client.cancelled():
                break
            got = client.get(tile_url(url, z, x, y, subdomains))
            if got is not None and got.status == 200 and got.data and tile_format(got.data):
                sizes.append(len(got.data))
    per_tile = round(sum(sizes) / len(sizes)) if sizes else DEFAULT_TILE_BYTES
    return TileEstimate(
        tiles=tiles, bytes=tiles * per_tile, tile_bytes=per_tile, sampled=len(sizes)
    )


def _merge_metadata(
    writer: MBTilesWriter,
    name: str | None,
    box: Bbox,
    zmin: int,
    zmax: int,
    attribution: str | None,
) -> None:
    """Metadata covering this job and whatever the file held before (a resume may widen it)."""
    md = writer.metadata
    old = _parse_bounds(md.get("bounds"))
    if old is not None:
        box = (min(box[0], old[0]), min(box[1], old[1]), max(box[2], old[2]), max(box[3], old[3]))
    lo, hi = _int_or_none(md.get("minzoom")), _int_or_none(md.get("maxzoom"))
    zmin = min(zmin, lo) if lo is not None else zmin
    zmax = max(zmax, hi) if hi is not None else zmax
    cz = min(max((zmin + zmax) // 2, zmin), zmax)
    writer.set_metadata(
        name=name or md.get("name") or writer.path.stem,
        type=md.get("type") or "baselayer",
        version=md.get("version") or "1.0",
        description=md.get("description") or "Offline tile cache prepared by FloodPost",
        bounds=",".join(f"{v:.6f}" for v in box),
        center=f"{(box[0] + box[2]) / 2:.6f},{(box[1] + box[3]) / 2:.6f},{cz}",
        minzoom=zmin,
        maxzoom=zmax,
    )
    if attribution:
        writer.set_metadata(attribution=attribution)


def download_tiles(
    url_template: str,
    bbox: Sequence[float],
    zmin: int,
    zmax: int,
    out_path: str | Path,
    *,
    rate_limit: float = 4.0,
    progress: Progress | None = None,
    user_agent: str = DEFAULT_USER_AGENT,
    timeout: float = 20.0,
    retries: int = 3,
    backoff: float = 1.0,
    subdomains: Sequence[str] | str = "abc",
    headers: dict[str, str] | None = None,
    name: str | None = None,
    attribution: str | None = None,
    force: bool = False,
    max_tiles: int = MAX_TILES,
    batch: int = 50,
) -> DownloadResult:
    """Fetch every tile of ``bbox`` for zooms ``zmin``–``zmax`` into the MBTiles file ``out_path``.

    Only for tile sources the post is licensed to cache (its own server,
    天地图 with its token); public OpenStreetMap tiles forbid bulk download.

    Parameters
    ----------
    url_template
        ``https://host/{z}/{x}/{y}.png``; ``{-y}`` for TMS rows, ``{s}`` for
        one of ``subdomains`` (chosen by tile so caches stay warm).
    rate_limit
        Requests per second on average, retries included.
    progress
        Called as ``progress(done, total)`` after every tile and while
        waiting; returning ``False`` cancels: what was fetched is committed
        and kept, and the result has ``cancelled=True``.
    retries, backoff
        HTTP 429 and 5xx answers and network errors are retried up to
        ``retries`` times, waiting ``backoff * 2**attempt`` seconds (or the
        server's Retry-After). 404 marks the tile missing; 401/403 stop the
        job with :class:`TileDownloadError`.
    force, max_tiles
        Jobs above ``max_tiles`` raise :class:`TileJobTooLarge` before any
        request unless ``force`` is true.

    Returns
    -------
    DownloadResult
        Counts of fetched, skipped (already in the file), missing and failed
        tiles. Running again with the same arguments resumes: tiles already
        stored, or known missing, are not requested again.
    """
    url = check_template(url_template)
    box = check_bbox(bbox)
    zmin, zmax = _check_zooms(zmin, zmax)
    total = count_tiles(box, zmin, zmax)
    if total > max_tiles and not force:
        raise TileJobTooLarge(total, max_tiles, zmin, zmax)
    started = time.monotonic()
    result = DownloadResult(path=Path(out_path), total=total)
    state = {"stop": False}

    def report() -> bool:
        if state["stop"]:
            return False
        if progress is not None and progress(result.done, total) is False:
            state["stop"] = True
        return not state["stop"]

    writer = MBTilesWriter(out_path)
    client = _Client(
        rate_limit=rate_limit,
        user_agent=user_agent,
        timeout=timeout,
        retries=retries,
        backoff=backoff,
        headers=headers,
        cancelled=lambda: not report(),
    )
    try:
        _merge_metadata(writer, name, box, zmin, zmax, attribution)
        writer.commit()
        known = writer.known(zmin, zmax)
        fmt = writer.metadata.get("format")
        pending = 0
        not_images = 0
        report()
        for z, x, y in tiles_for_bbox(box, zmin, zmax):
            if (z, x, y) in known:
                result.skipped += 1
                continue
            if state["stop"]:
                break
            got = client.get(tile_url(url, z, x, y, subdomains))
            if got is None:
                break
            if got.status == 200 and got.data is not None:
                kind = tile_format(got.data)
                if kind is None:
                    not_images += 1
                    result.failed += 1
                    result.errors.append(f"{z}/{x}/{y}: not a PNG, JPEG or WebP image")
                    if not_images >= 3 and result.fetched == 0:
                        snippet = got.data[:80].decode("utf-8", "replace")
                        raise TileDownloadError(
                            f"the server answers with something that is not a tile image: {snippet!r}"
                        )
                else:
                    if fmt is None:
                        fmt = kind
                        writer.set_metadata(format=kind)
                    writer.put(z, x, y, got.data)
                    result.fetched += 1
                    result.bytes += len(got.data)
                    pending += 1
            elif got.status == 404:
                writer.put_missing(z, x, y)
                result.missing += 1
                pending += 1
            else:
                result.failed += 1
                result.errors.append(f"{z}/{x}/{y}: {got.error}")
            if pending >= batch:
                writer.commit()
                pending = 0
            if not report():
                break
        result.cancelled = state["stop"]
    finally:
        result.requests = client.requests
        result.seconds = time.monotonic() - started
        writer.close()
    if progress is not None and not result.cancelled:
        progress(result.done, total)
    return result
