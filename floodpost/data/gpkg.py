"""The GeoPackage binary format: geometry blobs and the core metadata tables.

FloodPost writes GeoPackage through the standard library's sqlite3 so that
every user action is exactly one SQLite transaction; GDAL and QGIS read the
result as an ordinary GeoPackage (OGC 12-128r18).
"""

from __future__ import annotations

import sqlite3
import struct
from collections.abc import Iterable, Sequence

import numpy as np
import shapely

APPLICATION_ID = 0x47504B47  # "GPKG"
USER_VERSION = 10300

_ENVELOPE_BYTES = {0: 0, 1: 32, 2: 48, 3: 48, 4: 64}

CGCS2000_WKT = (
    'GEOGCRS["China Geodetic Coordinate System 2000",'
    'DATUM["China 2000",ELLIPSOID["CGCS2000",6378137,298.257222101,'
    'LENGTHUNIT["metre",1]]],PRIMEM["Greenwich",0,ANGLEUNIT["degree",0.0174532925199433]],'
    'CS[ellipsoidal,2],AXIS["geodetic latitude (Lat)",north,ORDER[1],'
    'ANGLEUNIT["degree",0.0174532925199433]],AXIS["geodetic longitude (Lon)",east,ORDER[2],'
    'ANGLEUNIT["degree",0.0174532925199433]],ID["EPSG",4490]]'
)
CGCS2000_WKT1 = (
    'GEOGCS["China Geodetic Coordinate System 2000",DATUM["China_2000",'
    'SPHEROID["CGCS2000",6378137,298.257222101,AUTHORITY["EPSG","1024"]],'
    'AUTHORITY["EPSG","1043"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],'
    'UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4490"]]'
)
WGS84_WKT1 = (
    'GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,'
    'AUTHORITY["EPSG","7030"]],AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,'
    'AUTHORITY["EPSG","8901"]],UNIT["degree",0.0174532925199433,AUTHORITY["EPSG","9122"]],'
    'AUTHORITY["EPSG","4326"]]'
)

CORE_DDL = """
CREATE TABLE IF NOT EXISTS gpkg_spatial_ref_sys (
  srs_name TEXT NOT NULL,
  srs_id INTEGER PRIMARY KEY,
  organization TEXT NOT NULL,
  organization_coordsys_id INTEGER NOT NULL,
  definition TEXT NOT NULL,
  description TEXT
);
CREATE TABLE IF NOT EXISTS gpkg_contents (
  table_name TEXT NOT NULL PRIMARY KEY,
  data_type TEXT NOT NULL,
  identifier TEXT UNIQUE,
  description TEXT DEFAULT '',
  last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE,
  srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id)
);
CREATE TABLE IF NOT EXISTS gpkg_geometry_columns (
  table_name TEXT NOT NULL,
  column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL,
  srs_id INTEGER NOT NULL,
  z TINYINT NOT NULL,
  m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id)
);
"""

SRS_ROWS = (
    ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"),
    ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
    ("WGS 84 geodetic", 4326, "EPSG", 4326, WGS84_WKT1, "longitude/latitude on the WGS 84 ellipsoid"),
    ("China Geodetic Coordinate System 2000", 4490, "EPSG", 4490, CGCS2000_WKT1, "CGCS2000"),
)


def init_core(con: sqlite3.Connection) -> None:
    """Create the mandatory GeoPackage tables in an empty database."""
    con.execute(f"PRAGMA application_id = {APPLICATION_ID}")
    con.execute(f"PRAGMA user_version = {USER_VERSION}")
    for statement in CORE_DDL.split(";"):
        if statement.strip():
            con.execute(statement)
    con.executemany(
        "INSERT OR IGNORE INTO gpkg_spatial_ref_sys VALUES (?,?,?,?,?,?)", SRS_ROWS
    )


def encode(geoms: Sequence[shapely.Geometry | None] | np.ndarray, srs_id: int) -> list[bytes | None]:
    """Encode shapely geometries as GeoPackage binary blobs (little-endian, 2D).

    Points carry no envelope; everything else carries an XY envelope so
    readers can skip features without parsing them.
    """
    arr = np.asarray(geoms, dtype=object)
    out: list[bytes | None] = [None] * len(arr)
    if len(arr) == 0:
        return out
    present = ~shapely.is_missing(arr)
    idx = np.flatnonzero(present)
    if len(idx) == 0:
        return out
    g = arr[idx]
    wkb = shapely.to_wkb(g, output_dimension=2, byte_order=1, flavor="iso")
    empty = shapely.is_empty(g)
    bounds = shapely.bounds(g)
    is_point = shapely.get_type_id(g) == 0
    head_pt = struct.pack("<2sBBi", b"GP", 0, 0b00000001, srs_id)
    head_empty = struct.pack("<2sBBi", b"GP", 0, 0b00010001, srs_id)
    head_env = struct.pack("<2sBBi", b"GP", 0, 0b00000011, srs_id)
    for j, i in enumerate(idx):
        if empty[j]:
            out[i] = head_empty + wkb[j]
        elif is_point[j]:
            out[i] = head_pt + wkb[j]
        else:
            b = bounds[j]
            out[i] = head_env + struct.pack("<4d", b[0], b[2], b[1], b[3]) + wkb[j]
    return out


def decode(blobs: Iterable[bytes | None]) -> np.ndarray:
    """Decode GeoPackage blobs into a numpy array of shapely geometries."""
    wkbs: list[bytes | None] = []
    for blob in blobs:
        if blob is None:
            wkbs.append(None)
            continue
        if blob[:2] != b"GP":
            raise ValueError("not a GeoPackage geometry blob")
        flags = blob[3]
        env = (flags >> 1) & 0b111
        if env not in _ENVELOPE_BYTES:
            raise ValueError(f"bad GeoPackage envelope code {env}")
        wkbs.append(bytes(blob[8 + _ENVELOPE_BYTES[env]:]))
    if not wkbs:
        return np.empty(0, dtype=object)
    return shapely.from_wkb(np.array(wkbs, dtype=object))


def _envelope(blob: bytes | None) -> tuple[float, float, float, float] | None:
    """(minx, maxx, miny, maxy) of one blob, for GDAL's R-tree triggers."""
    if blob is None:
        return None
    flags = blob[3]
    if flags & 0b10000:
        return None
    env = (flags >> 1) & 0b111
    if env:
        order = "<" if flags & 1 else ">"
        return struct.unpack(order + "4d", blob[8:40])
    g = decode([blob])[0]
    minx, miny, maxx, maxy = shapely.bounds(g)
    return minx, maxx, miny, maxy


def register_functions(con: sqlite3.Connection) -> None:
    """Register the SQL functions GDAL's spatial-index triggers call.

    A GeoPackage written by GDAL carries R-tree triggers that call
    ``ST_MinX`` and friends; without them an INSERT from plain sqlite3 fails.
    """

    def pick(i: int):
        def f(blob):
            e = _envelope(blob)
            return None if e is None else e[i]

        return f

    con.create_function("ST_MinX", 1, pick(0), deterministic=True)
    con.create_function("ST_MaxX", 1, pick(1), deterministic=True)
    con.create_function("ST_MinY", 1, pick(2), deterministic=True)
    con.create_function("ST_MaxY", 1, pick(3), deterministic=True)
    con.create_function(
        "ST_IsEmpty", 1, lambda b: None if b is None else int(_envelope(b) is None),
        deterministic=True,
    )
