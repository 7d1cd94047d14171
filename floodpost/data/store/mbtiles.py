"""MBTiles tile caches: the offline basemap in one SQLite file (read and written here only).

Tile addresses are XYZ (x east, y south) in the API; the TMS row order of
the MBTiles specification (row 0 in the south) is handled inside the reader
and writer. Part of the storage package because it is SQLite underneath.
"""

from __future__ import annotations

import sqlite3
import struct
import threading
from pathlib import Path

from floodpost.data.tiles.maths import (
    MAX_LAT,
    MAX_ZOOM,
    Bbox,
    MBTilesError,
    check_bbox,
    flip_y,
    tile_format,
    tile_to_lonlat,
)

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


def metadata_bounds(text: str | None) -> Bbox | None:
    if not text:
        return None
    try:
        return check_bbox([float(v) for v in text.split(",")])
    except ValueError:
        return None


def metadata_int(text: str | None) -> int | None:
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
        self.minzoom = metadata_int(md.get("minzoom"))
        self.maxzoom = metadata_int(md.get("maxzoom"))
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
        self.bounds = metadata_bounds(md.get("bounds")) or self._bounds_from_tiles()

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
