"""The GeoPackage binary format: geometry blobs and the core metadata tables.

FloodPost writes GeoPackage through the standard library's sqlite3 so that
every user action is exactly one SQLite transaction; GDAL and QGIS read the
result as an ordinary GeoPackage (OGC 12-128r18).
"""

from __future__ import annotations

import contextlib
import sqlite3
import struct
from collections.abc import Callable, Sequence

import numpy as np
import shapely

from floodpost.data.shapes import decode_wkb, gather_xy, gpkg_wkb

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


def decode(blobs: Sequence[bytes | None], bad: dict[int, str] | None = None) -> np.ndarray:
    """GeoPackage blobs to shapely geometries (None for a missing one).

    The headers are parsed for all blobs at once with numpy
    (:func:`~floodpost.data.shapes.gpkg_wkb`). Little-endian 2D points (the
    bulk of point layers) are built straight from their coordinates;
    everything else is handed to ``shapely.from_wkb`` in one call. Given
    ``bad``, a blob that cannot be read gives None and ``bad[i]`` says why;
    without, it raises.
    """
    n = len(blobs)
    out = np.empty(n, dtype=object)
    if n == 0:
        return out
    joined, w, w_end, empty = gpkg_wkb(blobs, bad)
    wlen = w_end - w
    idx = np.flatnonzero(wlen > 0)
    if not len(idx):
        return out
    w, wlen, empty = w[idx], wlen[idx], empty[idx]
    buf = np.frombuffer(joined, dtype=np.uint8)
    # little-endian 2D point, not flagged empty: [1][1 0 0 0][x][y]
    pt = (wlen == 21) & ~empty
    pt[pt] = (buf[w[pt]] == 1) & (buf[w[pt] + 1] == 1) & np.all(buf[w[pt, None] + np.arange(2, 5)] == 0, axis=1)
    if pt.any():
        out[idx[pt]] = shapely.points(gather_xy(joined, w[pt] + 5, np.ones(int(pt.sum()), dtype=np.int64)))
    rest = np.flatnonzero(~pt)
    if len(rest):
        wkbs = np.empty(len(rest), dtype=object)
        wkbs[:] = [joined[a : a + m] for a, m in zip(w[rest].tolist(), wlen[rest].tolist(), strict=True)]
        found: dict[int, str] | None = None if bad is None else {}
        out[idx[rest]] = decode_wkb(wkbs, found)
        if found and bad is not None:
            bad.update({int(idx[rest[j]]): why for j, why in found.items()})
    return out


def _envelope(blob: bytes | None) -> tuple[float, float, float, float] | None:
    """(minx, maxx, miny, maxy) of one blob, for the R-tree triggers; None when empty.

    Reads the header's envelope, or a plain point's coordinates, without
    GEOS: the insert trigger asks for it five times per row. A blob that
    cannot be read counts as empty (left out of the index) rather than
    failing the write: one damaged feature must not stop every other edit.
    """
    if blob is None:
        return None
    try:
        flags = blob[3]
        if flags & 0b10000:
            return None
        env = (flags >> 1) & 0b111
        order = "<" if flags & 1 else ">"
        if env:
            e = struct.unpack(order + "4d", blob[8:40])
        elif len(blob) == 29 and blob[8] in (0, 1):  # a 2D point: [order][type 1][x][y]
            wkb_order = "<" if blob[8] == 1 else ">"
            kind, x, y = struct.unpack(wkb_order + "Idd", blob[9:29])
            if kind != 1:
                raise ValueError("not a point")
            e = (x, x, y, y)
        else:
            minx, miny, maxx, maxy = shapely.bounds(decode([blob])[0])
            e = (minx, maxx, miny, maxy)
    except Exception:  # noqa: BLE001 - a damaged blob is reported by the readers, not here
        return None
    if not all(v == v and abs(v) != float("inf") for v in e):  # NaN (POINT EMPTY) or infinite
        return None
    return e


class SqlFunctions:
    """The ST_* functions registered on one connection, and a switch for bulk writes.

    ``triggers_index`` False makes ``ST_IsEmpty`` answer 1, so the R-tree
    insert trigger leaves rows alone: FloodPost's own big imports fill the
    index themselves (:func:`index_rows`), four times quicker than five
    Python calls per row from the trigger. Only for the span of such an
    insert, on the connection doing it; every other writer (QGIS, GDAL, our
    single edits) goes through the triggers.
    """

    def __init__(self) -> None:
        self.triggers_index = True


def register_functions(con: sqlite3.Connection) -> SqlFunctions:
    """Register the SQL functions the GeoPackage R-tree triggers call.

    Every spatial table of a workspace carries the standard R-tree triggers
    (``gpkg_rtree_index``), which call ``ST_IsEmpty`` and ``ST_MinX`` and
    friends; without them an INSERT from plain sqlite3 fails. GDAL and QGIS
    bring their own.
    """
    state = SqlFunctions()
    last: list[tuple[bytes | None, tuple[float, float, float, float] | None]] = [(None, None)]

    def envelope(blob: bytes | None) -> tuple[float, float, float, float] | None:
        # the insert trigger asks five times about the same blob
        hit = last[0]
        if blob is not None and hit[0] == blob:
            return hit[1]
        e = _envelope(blob)
        last[0] = (blob, e)
        return e

    def pick(i: int) -> Callable[[bytes | None], float | None]:
        def f(blob: bytes | None) -> float | None:
            e = envelope(blob)
            return None if e is None else e[i]

        return f

    def is_empty(blob: bytes | None) -> int | None:
        if blob is None:
            return None
        if not state.triggers_index:
            return 1
        return int(envelope(blob) is None)

    con.create_function("ST_MinX", 1, pick(0), deterministic=True)
    con.create_function("ST_MaxX", 1, pick(1), deterministic=True)
    con.create_function("ST_MinY", 1, pick(2), deterministic=True)
    con.create_function("ST_MaxY", 1, pick(3), deterministic=True)
    # not deterministic: the answer depends on ``triggers_index``
    con.create_function("ST_IsEmpty", 1, is_empty)
    return state


def index_rows(con: sqlite3.Connection, table: str, fids: Sequence[int], geoms: np.ndarray) -> None:
    """Put rows just written with the trigger switched off (:class:`SqlFunctions`) into ``table``'s R-tree.

    When they are at least as many as the rows indexed already, the whole
    tree is rebuilt packed (:func:`pack_rtree`): SQLite inserts 200,000
    boxes one by one in about 4 s, a packed build takes a fraction of that.
    """
    geoms = np.asarray(geoms, dtype=object)
    b = shapely.bounds(geoms)
    ok = np.all(np.isfinite(b), axis=1)
    idx = np.flatnonzero(ok)
    ids = np.asarray(fids, dtype=np.int64)[idx]
    boxes = b[idx][:, [0, 2, 1, 3]]  # minx, maxx, miny, maxy
    r = rtree_name(table)
    have = con.execute(f'SELECT count(*) FROM "{r}_rowid"').fetchone()[0]
    if len(ids) >= max(have, PACK_ABOVE):
        old = np.array(con.execute(f'SELECT id, minx, maxx, miny, maxy FROM "{r}"').fetchall(), dtype=np.float64)
        if len(old):
            keep = ~np.isin(old[:, 0].astype(np.int64), ids)
            ids = np.concatenate([old[keep, 0].astype(np.int64), ids])
            boxes = np.concatenate([old[keep, 1:], boxes])
        pack_rtree(con, table, ids, boxes)
        return
    con.executemany(
        f'INSERT OR REPLACE INTO "{r}" VALUES (?,?,?,?,?)',
        zip(ids.tolist(), *(boxes[:, j].tolist() for j in range(4)), strict=True),
    )


#: Fewer rows than this are inserted into the R-tree one by one, not packed.
PACK_ABOVE = 2000


def _float32_out(values: np.ndarray, down: bool) -> np.ndarray:
    """``values`` as float32 rounded outwards (down for minima, up for maxima), as SQLite's R-tree stores them."""
    f = values.astype(np.float32)
    wrong = f > values if down else f < values
    if wrong.any():
        f[wrong] = np.nextafter(f[wrong], np.float32(-np.inf if down else np.inf))
    return f


def pack_rtree(con: sqlite3.Connection, table: str, ids: np.ndarray, boxes: np.ndarray) -> None:
    """Replace ``table``'s R-tree by one built from ``ids`` and ``boxes`` (minx, maxx, miny, maxy) at once.

    A sort-tile-recursive packing written straight into the R-tree's three
    shadow tables, in the node format of SQLite's rtree module (as GDAL's
    bulk loader does): nodes as long as the root node SQLite made, big-endian
    64-bit ids and 32-bit float boxes rounded outwards, the root node 1
    holding the tree's depth. The tree is then an ordinary R-tree: the
    triggers keep it current from here on. Call inside a transaction.
    """
    r = rtree_name(table)
    size = con.execute(f'SELECT length(data) FROM "{r}_node" WHERE nodeno = 1').fetchone()[0]
    cell = 8 + 4 * 4
    per_node = (size - 4) // cell
    n = len(ids)
    lo = np.column_stack([_float32_out(boxes[:, 0], True), _float32_out(boxes[:, 2], True)])
    hi = np.column_stack([_float32_out(boxes[:, 1], False), _float32_out(boxes[:, 3], False)])
    entries = np.asarray(ids, dtype=np.int64)
    levels: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []  # per level: ids, lo, hi, group
    while True:
        group = _str_groups(lo, hi, per_node)
        levels.append((entries, lo, hi, group))
        count = int(group.max()) + 1 if len(group) else 1
        if count == 1:
            break
        # the nodes of this level are the entries of the next
        glo = np.full((count, 2), np.inf, dtype=np.float32)
        ghi = np.full((count, 2), -np.inf, dtype=np.float32)
        np.minimum.at(glo, group, lo)
        np.maximum.at(ghi, group, hi)
        entries, lo, hi = np.arange(count, dtype=np.int64), glo, ghi  # node numbers assigned below
    depth = len(levels) - 1
    # number the nodes: the root is 1, then each level from the top down
    numbers: list[np.ndarray] = []
    next_no = 1
    for lv in reversed(levels):
        count = int(lv[3].max()) + 1 if len(lv[3]) else 1
        numbers.insert(0, np.arange(next_no, next_no + count, dtype=np.int64))
        next_no += count
    con.execute(f'DELETE FROM "{r}_node"')
    con.execute(f'DELETE FROM "{r}_rowid"')
    con.execute(f'DELETE FROM "{r}_parent"')
    nodes, parents = [], []
    for li, (ent, elo, ehi, group) in enumerate(levels):
        own = numbers[li]
        # a leaf's entries are row ids; an inner node's are the node numbers of the level below
        refs = ent if li == 0 else numbers[li - 1][ent]
        order = np.argsort(group, kind="stable")
        cells = np.zeros(len(refs), dtype=[("id", ">i8"), ("minx", ">f4"), ("maxx", ">f4"), ("miny", ">f4"), ("maxy", ">f4")])
        cells["id"], cells["minx"], cells["maxx"], cells["miny"], cells["maxy"] = (
            refs, elo[:, 0], ehi[:, 0], elo[:, 1], ehi[:, 1])
        cells = cells[order]
        counts = np.bincount(group, minlength=len(own)) if len(group) else np.zeros(1, dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
        raw = cells.tobytes()
        for k, no in enumerate(own.tolist()):
            head = struct.pack(">HH", depth if no == 1 else 0, int(counts[k]))
            body = raw[int(starts[k]) * cell : int(starts[k] + counts[k]) * cell]
            nodes.append((no, (head + body).ljust(size, b"\0")))
        if li > 0:  # each child node's parent
            parents += list(zip(cells["id"].astype(np.int64).tolist(), np.repeat(own, counts).tolist(), strict=True))
    con.executemany(f'INSERT INTO "{r}_node" VALUES (?, ?)', nodes)
    leaf_ids = levels[0][0]
    leaf_group = levels[0][3]
    con.executemany(
        f'INSERT INTO "{r}_rowid" VALUES (?, ?)',
        zip(leaf_ids.tolist(), numbers[0][leaf_group].tolist() if n else [], strict=True),
    )
    con.executemany(f'INSERT INTO "{r}_parent" VALUES (?, ?)', parents)


def _str_groups(lo: np.ndarray, hi: np.ndarray, per_node: int) -> np.ndarray:
    """Node of each box, sort-tile-recursive: vertical slices by x centre, runs of ``per_node`` by y centre in each."""
    n = len(lo)
    if n <= per_node:
        return np.zeros(n, dtype=np.int64)
    cx = (lo[:, 0].astype(np.float64) + hi[:, 0]) / 2
    cy = (lo[:, 1].astype(np.float64) + hi[:, 1]) / 2
    nodes = -(-n // per_node)
    slices = int(np.ceil(np.sqrt(nodes)))
    per_slice = slices * per_node
    by_x = np.argsort(cx, kind="stable")
    slice_of = np.empty(n, dtype=np.int64)
    slice_of[by_x] = np.arange(n) // per_slice
    order = np.lexsort((cy, slice_of))  # by slice, then y within it
    rank_in_slice = np.empty(n, dtype=np.int64)
    starts = np.searchsorted(slice_of[order], np.arange(slice_of.max() + 1))
    rank_in_slice[order] = np.arange(n) - starts[slice_of[order]]
    nodes_before = np.concatenate([[0], np.cumsum(-(-np.bincount(slice_of) // per_node))[:-1]])
    return nodes_before[slice_of] + rank_in_slice // per_node


# ---------------------------------------------------------------- extensions
EXTENSIONS_DDL = """
CREATE TABLE IF NOT EXISTS gpkg_extensions (
  table_name TEXT,
  column_name TEXT,
  extension_name TEXT NOT NULL,
  definition TEXT NOT NULL,
  scope TEXT NOT NULL,
  CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name)
)
"""

RTREE_DEFINITION = "http://www.geopackage.org/spec120/#extension_rtree"

#: The R-tree triggers of GeoPackage 1.2/1.3 (Annex F.3), as GDAL 3.6 writes them
#: for those versions and its validator checks: ``{t}`` table, ``{c}`` geometry
#: column, ``{i}`` primary key, ``{r}`` R-tree table.
_RTREE_TRIGGERS = (
    ("insert", """AFTER INSERT ON "{t}"
WHEN (new."{c}" NOT NULL AND NOT ST_IsEmpty(NEW."{c}"))
BEGIN
  INSERT OR REPLACE INTO "{r}" VALUES (
    NEW."{i}",
    ST_MinX(NEW."{c}"), ST_MaxX(NEW."{c}"),
    ST_MinY(NEW."{c}"), ST_MaxY(NEW."{c}")
  );
END"""),
    ("update1", """AFTER UPDATE OF "{c}" ON "{t}"
WHEN OLD."{i}" = NEW."{i}" AND
     (NEW."{c}" NOTNULL AND NOT ST_IsEmpty(NEW."{c}"))
BEGIN
  INSERT OR REPLACE INTO "{r}" VALUES (
    NEW."{i}",
    ST_MinX(NEW."{c}"), ST_MaxX(NEW."{c}"),
    ST_MinY(NEW."{c}"), ST_MaxY(NEW."{c}")
  );
END"""),
    ("update2", """AFTER UPDATE OF "{c}" ON "{t}"
WHEN OLD."{i}" = NEW."{i}" AND
     (NEW."{c}" ISNULL OR ST_IsEmpty(NEW."{c}"))
BEGIN
  DELETE FROM "{r}" WHERE id = OLD."{i}";
END"""),
    ("update3", """AFTER UPDATE ON "{t}"
WHEN OLD."{i}" != NEW."{i}" AND
     (NEW."{c}" NOTNULL AND NOT ST_IsEmpty(NEW."{c}"))
BEGIN
  DELETE FROM "{r}" WHERE id = OLD."{i}";
  INSERT OR REPLACE INTO "{r}" VALUES (
    NEW."{i}",
    ST_MinX(NEW."{c}"), ST_MaxX(NEW."{c}"),
    ST_MinY(NEW."{c}"), ST_MaxY(NEW."{c}")
  );
END"""),
    ("update4", """AFTER UPDATE ON "{t}"
WHEN OLD."{i}" != NEW."{i}" AND
     (NEW."{c}" ISNULL OR ST_IsEmpty(NEW."{c}"))
BEGIN
  DELETE FROM "{r}" WHERE id IN (OLD."{i}", NEW."{i}");
END"""),
    ("delete", """AFTER DELETE ON "{t}"
WHEN old."{c}" NOT NULL
BEGIN
  DELETE FROM "{r}" WHERE id = OLD."{i}";
END"""),
)


def rtree_name(table: str, column: str = "geom") -> str:
    """The R-tree table the GeoPackage spec names for ``table.column``."""
    return f"rtree_{table}_{column}"


def has_rtree(con: sqlite3.Connection, table: str, column: str = "geom") -> bool:
    """Whether ``table`` has its R-tree, all six triggers and its gpkg_extensions row."""
    r = rtree_name(table, column)
    wanted = {r} | {f"{r}_{suffix}" for suffix, _ in _RTREE_TRIGGERS}
    marks = ",".join("?" * len(wanted))
    names = {row[0] for row in con.execute(f"SELECT name FROM sqlite_master WHERE name IN ({marks})", tuple(wanted))}
    if names != wanted:
        return False
    try:
        row = con.execute(
            "SELECT 1 FROM gpkg_extensions WHERE table_name = ? AND column_name = ? "
            "AND extension_name = 'gpkg_rtree_index'", (table, column),
        ).fetchone()
    except sqlite3.OperationalError:  # no gpkg_extensions table
        return False
    return row is not None


def create_rtree(con: sqlite3.Connection, table: str, column: str = "geom", pk: str = "fid") -> None:
    """Give ``table`` the GeoPackage R-tree spatial index, filled and kept current by triggers.

    QGIS and GDAL find features in view through it instead of reading the
    whole layer. Any half-made index of that name (its triggers, the
    R-tree) is replaced. Call inside a transaction.
    """
    r = rtree_name(table, column)
    con.execute(EXTENSIONS_DDL)
    for suffix, _ in _RTREE_TRIGGERS:
        con.execute(f'DROP TRIGGER IF EXISTS "{r}_{suffix}"')
    con.execute(f'DROP TABLE IF EXISTS "{r}"')
    con.execute(f'CREATE VIRTUAL TABLE "{r}" USING rtree(id, minx, maxx, miny, maxy)')
    fill_rtree(con, table, column, pk)
    for suffix, body in _RTREE_TRIGGERS:
        con.execute(f'CREATE TRIGGER "{r}_{suffix}" ' + body.format(t=table, c=column, i=pk, r=r))
    con.execute(
        "INSERT OR REPLACE INTO gpkg_extensions (table_name, column_name, extension_name, definition, scope)"
        " VALUES (?, ?, 'gpkg_rtree_index', ?, 'write-only')",
        (table, column, RTREE_DEFINITION),
    )


def fill_rtree(con: sqlite3.Connection, table: str, column: str = "geom", pk: str = "fid") -> None:
    """Index every non-empty geometry of ``table`` in its R-tree, in one pass over the table."""
    r = rtree_name(table, column)
    rows = con.execute(f'SELECT "{pk}", "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL')
    boxes = [(fid, *e) for fid, blob in rows if (e := _envelope(blob)) is not None]
    if len(boxes) > PACK_ABOVE:
        arr = np.array(boxes, dtype=np.float64)
        pack_rtree(con, table, arr[:, 0].astype(np.int64), arr[:, 1:])
    else:
        con.executemany(f'INSERT OR REPLACE INTO "{r}" VALUES (?,?,?,?,?)', boxes)


def drop_rtree(con: sqlite3.Connection, table: str, column: str = "geom") -> None:
    """Remove ``table``'s R-tree, its triggers and its gpkg_extensions row (before rebuilding the table)."""
    r = rtree_name(table, column)
    for suffix, _ in _RTREE_TRIGGERS:
        con.execute(f'DROP TRIGGER IF EXISTS "{r}_{suffix}"')
    con.execute(f'DROP TABLE IF EXISTS "{r}"')
    with contextlib.suppress(sqlite3.OperationalError):  # no gpkg_extensions table
        con.execute(
            "DELETE FROM gpkg_extensions WHERE table_name = ? AND column_name = ? "
            "AND extension_name = 'gpkg_rtree_index'", (table, column),
        )


# ---------------------------------------------------------------- layer styles
#: The table QGIS reads a layer's default style from, as QGIS 3.22 (through GDAL) creates it.
LAYER_STYLES_DDL = """
CREATE TABLE IF NOT EXISTS "layer_styles" (
  "id" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL,
  "f_table_catalog" TEXT(256),
  "f_table_schema" TEXT(256),
  "f_table_name" TEXT(256),
  "f_geometry_column" TEXT(256),
  "styleName" TEXT(30),
  "styleQML" TEXT,
  "styleSLD" TEXT,
  "useAsDefault" BOOLEAN,
  "description" TEXT,
  "owner" TEXT(30),
  "ui" TEXT(30),
  "update_time" DATETIME DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now'))
)
"""


def ensure_layer_styles(con: sqlite3.Connection) -> None:
    """Create ``layer_styles`` and register it in gpkg_contents as an attributes table, as GDAL does."""
    con.execute(LAYER_STYLES_DDL)
    con.execute(
        "INSERT OR IGNORE INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)"
        " VALUES ('layer_styles', 'attributes', 'layer_styles', '', 0)"
    )
