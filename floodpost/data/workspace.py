"""A workspace: one GeoPackage file holding every layer and tally of the post.

Every user action is one SQLite transaction that also appends its
``situation_log`` entry, so a crash or a kill loses nothing committed and
never leaves half a change behind.
"""

from __future__ import annotations

import getpass
import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from floodpost.data import gpkg
from floodpost.data.schema import ALL, LAYERS, STORAGE_EPSG, TABLES, TableSchema, schema_for
from floodpost.data.shapes import Shapes, gather_xy, gpkg_wkb
from floodpost.data.timeutil import now_storage, to_storage
from floodpost.data.validate import validate_record, validate_records

SCHEMA_VERSION = 1

#: ``MIGRATIONS[n]`` brings a workspace from schema version ``n`` to ``n + 1``.
#: Missing tables and columns are added by ``_ensure_tables`` on every open,
#: so a migration is only needed for changes of meaning (renames, recoding).
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], None]] = {}


class WorkspaceError(RuntimeError):
    """The file is not a usable FloodPost workspace; the message says why."""


def default_operator() -> str:
    """The name written to the situation log when none is given."""
    env = os.environ.get("FLOODPOST_OPERATOR")
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "unknown"


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


class Workspace:
    """One GeoPackage workspace.

    Examples
    --------
    >>> ws = Workspace.create("post.gpkg")            # doctest: +SKIP
    >>> ws.insert("hazards", [{"name": "东山滑坡", "hazard_type": "滑坡",
    ...            "geometry": shapely.Point(114.1, 35.9)}])  # doctest: +SKIP
    """

    def __init__(self, path: Path, con: sqlite3.Connection) -> None:
        self.path = path
        self._con = con

    # ------------------------------------------------------------ lifecycle
    @staticmethod
    def _connect(path: Path) -> sqlite3.Connection:
        con = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        con.execute("PRAGMA synchronous = FULL")
        con.execute("PRAGMA foreign_keys = ON")
        gpkg.register_functions(con)
        return con

    @classmethod
    def create(cls, path: str | os.PathLike[str], overwrite: bool = False) -> Workspace:
        """Create a new, empty workspace with every layer key and table."""
        p = Path(path)
        if p.exists():
            if not overwrite:
                raise WorkspaceError(f"{p} already exists")
            p.unlink()
        con = cls._connect(p)
        ws = cls(p, con)
        with ws.transaction() as c:
            gpkg.init_core(c)
            c.execute("CREATE TABLE floodpost_meta (key TEXT PRIMARY KEY, value TEXT)")
            c.execute(
                "INSERT INTO floodpost_meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),)
            )
            ws._ensure_tables(c)
            ws._log(c, "create", None, None, f"workspace created: {p.name}", None, None)
        return ws

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Workspace:
        """Open an existing workspace, migrating an older schema in one transaction."""
        p = Path(path)
        if not p.is_file():
            raise WorkspaceError(f"{p}: no such workspace file")
        try:
            con = cls._connect(p)
            tables = {
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
        except sqlite3.DatabaseError as exc:
            raise WorkspaceError(f"{p}: not a GeoPackage ({exc})") from None
        if "gpkg_contents" not in tables:
            con.close()
            raise WorkspaceError(f"{p}: not a GeoPackage (no gpkg_contents table)")
        if "floodpost_meta" not in tables:
            con.close()
            raise WorkspaceError(
                f"{p}: a GeoPackage but not a FloodPost workspace; "
                "create one and import its layers with 'floodpost import'"
            )
        ws = cls(p, con)
        version = ws.schema_version
        if version > SCHEMA_VERSION:
            con.close()
            raise WorkspaceError(
                f"{p}: written by a newer FloodPost (schema {version} > {SCHEMA_VERSION})"
            )
        if version < SCHEMA_VERSION or ws._missing_tables():
            with ws.transaction() as c:
                for v in range(version, SCHEMA_VERSION):
                    if v in MIGRATIONS:
                        MIGRATIONS[v](c)
                c.execute(
                    "UPDATE floodpost_meta SET value=? WHERE key='schema_version'",
                    (str(SCHEMA_VERSION),),
                )
                ws._ensure_tables(c)
        return ws

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Yield the connection inside one transaction; roll back on any error.

        A write the disk refuses ("database or disk is full", "attempt to
        write a readonly database", an I/O error) becomes a
        :class:`WorkspaceError` that names the workspace file and the cause:
        the user must learn that the *workspace* could not be written, not
        read "cannot rollback - no transaction is active" (SQLite has
        already rolled back by itself after a full disk) or an error
        blamed on the file being imported.
        """
        con = self._con

        def refused(exc: sqlite3.Error) -> Exception:
            # a write the disk refused, named against this file; other errors as they are
            text = str(exc).lower()
            if "database or disk is full" in text:
                cause = "disk full"
            elif "readonly database" in text or "read-only" in text:
                cause = "the workspace file or its folder is read-only"
            elif "disk i/o error" in text:
                from floodpost.data.atomic import probe_folder

                cause = probe_folder(self.path.parent) or "disk I/O error (disk full or failing?)"
            elif "database is locked" in text:
                cause = "another program is writing it (database is locked)"
            else:
                return exc
            return WorkspaceError(f"cannot write the workspace {self.path}: {cause}; nothing was changed")

        def rollback() -> None:
            if con.in_transaction:  # SQLite rolls back by itself after a full disk
                try:  # noqa: SIM105 - no contextlib import for one line
                    con.execute("ROLLBACK")
                except sqlite3.Error:
                    pass  # the error that brought us here is the one to report

        try:
            con.execute("BEGIN IMMEDIATE")
        except sqlite3.Error as exc:
            raise refused(exc) from exc
        try:
            yield con
        except BaseException as exc:
            rollback()
            if isinstance(exc, sqlite3.Error):
                raise refused(exc) from exc
            raise
        try:
            con.execute("COMMIT")
        except sqlite3.Error as exc:
            rollback()
            raise refused(exc) from exc

    # ------------------------------------------------------------ structure
    @property
    def schema_version(self) -> int:
        row = self._con.execute(
            "SELECT value FROM floodpost_meta WHERE key='schema_version'"
        ).fetchone()
        return int(row[0]) if row else 0

    def _columns(self, table: str) -> list[str]:
        return [r[1] for r in self._con.execute(f'PRAGMA table_info("{table}")')]

    def _missing_tables(self) -> bool:
        for key, schema in ALL.items():
            cols = self._columns(key)
            if not cols or set(schema.field_names) - set(cols):
                return True
        return False

    def _ensure_tables(self, c: sqlite3.Connection) -> None:
        for key, schema in ALL.items():
            cols = self._columns(key)
            if not cols:
                defs = ["fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"]
                if schema.is_spatial:
                    defs.append(f"geom {schema.geometry}")
                defs += [f'"{f.name}" {f.sql_type}' for f in schema.fields]
                c.execute(f'CREATE TABLE "{key}" ({", ".join(defs)})')
                c.execute(
                    "INSERT INTO gpkg_contents (table_name, data_type, identifier, description, srs_id)"
                    " VALUES (?,?,?,?,?)",
                    (
                        key,
                        "features" if schema.is_spatial else "attributes",
                        key,
                        f"{schema.zh} {schema.en}",
                        STORAGE_EPSG if schema.is_spatial else None,
                    ),
                )
                if schema.is_spatial:
                    c.execute(
                        "INSERT INTO gpkg_geometry_columns VALUES (?,?,?,?,0,0)",
                        (key, "geom", schema.geometry, STORAGE_EPSG),
                    )
                if "reported_at" in schema.field_names:
                    c.execute(f'CREATE INDEX "{key}_reported_at" ON "{key}" (reported_at)')
            else:
                for f in schema.fields:
                    if f.name not in cols:
                        c.execute(f'ALTER TABLE "{key}" ADD COLUMN "{f.name}" {f.sql_type}')

    # ------------------------------------------------------------ reading
    def keys(self) -> list[str]:
        """Layer keys and tables present, in schema order."""
        present = {r[0] for r in self._con.execute("SELECT table_name FROM gpkg_contents")}
        return [k for k in ALL if k in present]

    def count(self, key: str) -> int:
        schema_for(key)
        return int(self._con.execute(f'SELECT COUNT(*) FROM "{key}"').fetchone()[0])

    def count_bound(self, key: str) -> int:
        """At least ``count(key)``: the highest fid (fids are positive), found in the index at once.

        ``COUNT(*)`` walks the whole table: 23 ms for a county's 100,000 polygons.
        """
        schema_for(key)
        return int(self._con.execute(f'SELECT max(fid) FROM "{key}"').fetchone()[0] or 0)

    def geometry_bytes(self, key: str, rows: int | None = None, sample: int = 64) -> int:
        """About how many bytes a layer's shapes take: the first ``sample`` shapes' mean, times ``rows``.

        ``rows`` defaults to :meth:`count_bound`.

        Two thousand rivers of 500 vertices are few rows but 16 MB of
        shapes; this tells them from two thousand shelters without reading them.
        """
        schema = schema_for(key)
        if not schema.is_spatial:
            return 0
        row = self._con.execute(
            f'SELECT avg(length(geom)) FROM (SELECT geom FROM "{key}" ORDER BY fid LIMIT ?)', (sample,)
        ).fetchone()
        return int((row[0] or 0) * (self.count_bound(key) if rows is None else rows))

    def read(
        self,
        key: str,
        where: str | None = None,
        params: Sequence[Any] = (),
        columns: Sequence[str] | None = None,
        bulk: bool = False,
        geometry: bool = True,
    ) -> gpd.GeoDataFrame | pd.DataFrame:
        """Read a layer (GeoDataFrame in EPSG:4490) or a table (DataFrame), indexed by fid.

        ``columns`` limits the attribute columns read (the geometry always
        comes along); the map reads only what it draws and fetches whole
        features with :meth:`feature` when asked. The default reads all.
        ``bulk`` asks for GDAL's columnar reader where it applies (a few
        text columns of a whole big layer): the same frame, sooner.
        ``geometry=False`` leaves the shapes out (a DataFrame): a table of
        attributes has no use for 100,000 decoded polygons.
        """
        schema = schema_for(key)
        fields = list(schema.fields)
        if columns is not None:
            wanted = set(columns)
            unknown = wanted - set(schema.field_names)
            if unknown:
                raise KeyError(f"{key} has no column {', '.join(sorted(unknown))}")
            fields = [f for f in fields if f.name in wanted]
        cols = [f.name for f in fields]
        spatial = schema.is_spatial and geometry
        if bulk and columns is not None and where is None and spatial:
            got = self.read_shapes(key, cols)
            if got is not None:
                table, shapes = got
                return geoframe(table, shapes.geometries())
        select = ["fid"] + (["geom"] if spatial else []) + [f'"{c}"' for c in cols]
        sql = f'SELECT {", ".join(select)} FROM "{key}"'
        if where:
            sql += f" WHERE {where}"
        sql += " ORDER BY fid"
        rows = self._con.execute(sql, tuple(params)).fetchall()
        n = len(rows)
        values = [[r[i] for r in rows] for i in range(len(select))]  # per column
        fids = np.fromiter(values[0], dtype=np.int64, count=n)
        first = 2 if spatial else 1
        data = {f.name: _column(f.type, values[first + i], n) for i, f in enumerate(fields)}
        if spatial:
            frame = gpd.GeoDataFrame(
                data,
                geometry=gpd.GeoSeries(_decode_blobs(values[1]), crs=f"EPSG:{STORAGE_EPSG}"),
                crs=f"EPSG:{STORAGE_EPSG}",
            )
        else:
            frame = pd.DataFrame(data, columns=cols)
        frame.index = pd.Index(fids, name="fid")
        return frame

    def read_shapes(
        self, key: str, columns: Sequence[str], rows: int | None = None
    ) -> tuple[pd.DataFrame, Shapes] | None:
        """A few text columns of a big layer (DataFrame by fid) and its :class:`Shapes`, or None.

        What the map needs to draw a county's inventory, without a shapely
        geometry per feature: GDAL's Arrow stream hands over the WKB in one
        buffer, which numpy parses (shapely what numpy does not). None
        when the layer cannot be read so (no pyarrow, a column that is not
        text): ``read`` then serves. ``read(..., bulk=True)`` uses it too. Given ``rows`` (the layer's
        :meth:`count` or :meth:`count_bound`), it touches no sqlite
        connection, so another thread may call it: GDAL reads without
        Python's lock.
        """
        schema = schema_for(key)
        fields = [f for f in schema.fields if f.name in set(columns)]
        if not schema.is_spatial or len(fields) != len(set(columns)) or any(f.sql_type != "TEXT" for f in fields):
            return None
        cols = [f.name for f in fields]
        try:
            import pyarrow as pa
            from pyogrio.raw import open_arrow

            n = self.count(key) if rows is None else rows
            with open_arrow(self.path, layer=key, columns=cols, return_fids=True, use_pyarrow=True,
                            batch_size=max(n, 1) + 1) as (meta, reader):
                table = reader.read_all()
            fids = np.asarray(table.column(meta.get("fid_column") or "fid").to_numpy(), dtype=np.int64)
            geom = table.column(meta["geometry_name"]).combine_chunks()
            if isinstance(geom, pa.ExtensionArray):
                geom = geom.storage
            if not pa.types.is_binary(geom.type) and not pa.types.is_large_binary(geom.type):
                return None
            data = {c: np.asarray(table.column(c).to_numpy(zero_copy_only=False), dtype=object) for c in cols}
        except Exception:  # noqa: BLE001 - no pyarrow, an odd file: ``read`` reads it
            return None
        _, off_buf, data_buf = geom.buffers()
        width = np.int64 if pa.types.is_large_binary(geom.type) else np.int32
        offsets = np.frombuffer(off_buf, dtype=width)[geom.offset : geom.offset + len(geom) + 1].astype(np.int64)
        starts, ends = offsets[:-1], offsets[1:].copy()
        if geom.null_count:
            ends[np.asarray(geom.is_null())] = starts[np.asarray(geom.is_null())]
        shapes = Shapes.from_wkb(data_buf, starts, ends) if data_buf is not None else None
        if shapes is None:  # 3D, big-endian, collections…
            shapes = Shapes.from_geometries(shapely.from_wkb(geom.to_numpy(zero_copy_only=False)))
        if len(fids) > 1 and not np.all(fids[1:] > fids[:-1]):
            order = np.argsort(fids, kind="stable")
            fids, shapes = fids[order], shapes.take(order)
            data = {c: v[order] for c, v in data.items()}
        index = pd.Index(fids, name="fid")
        frame = pd.DataFrame({c: pd.Series(v, index=index, dtype=object) for c, v in data.items()}, index=index)
        return frame, shapes

    def feature(self, key: str, fid: int) -> dict[str, Any] | None:
        """One feature or row as a dict (geometry under ``geometry``), or None."""
        frame = self.read(key, "fid = ?", (fid,))
        if frame.empty:
            return None
        rec = frame.iloc[0].to_dict()
        rec["fid"] = int(frame.index[0])
        return rec

    def extent(self, key: str | None = None) -> tuple[float, float, float, float] | None:
        """Bounds (minx, miny, maxx, maxy) of one layer or of all layers, in degrees."""
        sql = "SELECT min(min_x), min(min_y), max(max_x), max(max_y) FROM gpkg_contents WHERE data_type='features'"
        params: tuple[Any, ...] = ()
        if key:
            sql += " AND table_name = ?"
            params = (key,)
        row = self._con.execute(sql, params).fetchone()
        if row is None or row[0] is None:
            return None
        return (row[0], row[1], row[2], row[3])

    def log_entries(self, limit: int | None = None) -> pd.DataFrame:
        """The situation log, newest last."""
        frame = self.read("situation_log")
        return frame.tail(limit) if limit else frame

    # ------------------------------------------------------------ writing
    def _log(
        self,
        c: sqlite3.Connection,
        action: str,
        target: str | None,
        fid: int | None,
        summary: str,
        before: Any,
        after: Any,
        operator: str | None = None,
        at: Any = None,
    ) -> None:
        c.execute(
            "INSERT INTO situation_log (at, operator, action, target, feature_id, summary, before, after)"
            " VALUES (?,?,?,?,?,?,?,?)",
            (
                to_storage(at) if at is not None else now_storage(),
                operator or default_operator(),
                action,
                target,
                fid,
                summary,
                None if before is None else _json(before),
                None if after is None else _json(after),
            ),
        )

    def _grow_extent(self, c: sqlite3.Connection, key: str, geoms: np.ndarray) -> None:
        if len(geoms) == 0:
            return
        b = shapely.total_bounds(geoms)
        if not np.all(np.isfinite(b)):
            return
        c.execute(
            "UPDATE gpkg_contents SET "
            "min_x = min(coalesce(min_x, ?1), ?1), min_y = min(coalesce(min_y, ?2), ?2),"
            "max_x = max(coalesce(max_x, ?3), ?3), max_y = max(coalesce(max_y, ?4), ?4),"
            "last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now') WHERE table_name = ?5",
            (float(b[0]), float(b[1]), float(b[2]), float(b[3]), key),
        )

    def _touch(self, c: sqlite3.Connection, key: str) -> None:
        c.execute(
            "UPDATE gpkg_contents SET last_change = strftime('%Y-%m-%dT%H:%M:%fZ','now')"
            " WHERE table_name = ?",
            (key,),
        )

    @staticmethod
    def _records(rows: Any) -> list[dict[str, Any]]:
        if isinstance(rows, pd.DataFrame):
            frame = rows
            if isinstance(rows, gpd.GeoDataFrame) and rows.geometry.name != "geometry":
                frame = rows.rename_geometry("geometry")
            return frame.to_dict("records")
        return [dict(r) for r in rows]

    def insert(
        self,
        key: str,
        rows: Any,
        *,
        operator: str | None = None,
        summary: str | None = None,
        source: str | None = None,
        progress: Callable[[int, int], bool] | None = None,
    ) -> list[int]:
        """Validate and add features or rows in one transaction; return their fids.

        One row is logged with its values (so it can be undone); many rows are
        logged as one import entry. ``progress(done, total)`` returning False
        cancels and rolls everything back.
        """
        schema = schema_for(key)
        records = validate_records(schema, self._records(rows), source=source)
        return self._insert_valid(key, schema, records, operator, summary, source, progress)

    def _insert_valid(
        self,
        key: str,
        schema: TableSchema,
        records: list[dict[str, Any]],
        operator: str | None,
        summary: str | None,
        source: str | None,
        progress: Callable[[int, int], bool] | None,
        fids_given: Sequence[int] | None = None,
    ) -> list[int]:
        cols = schema.field_names
        names = (["geom"] if schema.is_spatial else []) + [f'"{c}"' for c in cols]
        if fids_given is not None:
            names = ["fid", *names]
        sql = f'INSERT INTO "{key}" ({", ".join(names)}) VALUES ({", ".join("?" * len(names))})'
        geoms = np.array([r.get("geometry") for r in records], dtype=object)
        blobs = gpkg.encode(geoms, STORAGE_EPSG) if schema.is_spatial else []
        fids: list[int] = []
        total = len(records)
        with self.transaction() as c:
            cur = c.cursor()
            chunk = 5000
            for start in range(0, total, chunk):
                for i in range(start, min(start + chunk, total)):
                    r = records[i]
                    values = [r.get(col) for col in cols]
                    if schema.is_spatial:
                        values.insert(0, blobs[i])
                    if fids_given is not None:
                        values.insert(0, int(fids_given[i]))
                    cur.execute(sql, values)
                    fids.append(int(cur.lastrowid))
                if progress is not None and progress(min(start + chunk, total), total) is False:
                    raise InterruptedError("import cancelled; nothing was written")
            if schema.is_spatial:
                self._grow_extent(c, key, geoms)
            else:
                self._touch(c, key)
            if total == 1:
                after = {k: v for k, v in records[0].items() if k != "geometry"}
                if schema.is_spatial:
                    after["geometry"] = records[0]["geometry"].wkt
                text = summary or f"{schema.zh}: {records[0].get(schema.title_field) or ''}"
                self._log(c, "insert", key, fids[0], text, None, after, operator)
            elif total > 1:
                text = summary or f"{schema.zh}: {total} 条"
                if source:
                    text += f" ← {source}"
                self._log(
                    c, "import", key, None, text, None,
                    {"count": total, "first_fid": fids[0], "last_fid": fids[-1], "source": source},
                    operator,
                )
        return fids

    def restore(self, key: str, fid: int, values: Mapping[str, Any], *, operator: str | None = None) -> int:
        """Put a deleted feature back under its old fid (the undo of a delete).

        Keeping the fid keeps every earlier log entry and undo step pointing at it.
        """
        schema = schema_for(key)
        record = validate_record(schema, values, source=key, row=fid)
        if self._con.execute(f'SELECT 1 FROM "{key}" WHERE fid = ?', (fid,)).fetchone():
            raise ValueError(f"{key} already has a feature {fid}")
        self._insert_valid(key, schema, [record], operator, None, None, None, fids_given=[fid])
        return fid

    def update(
        self,
        key: str,
        fid: int,
        values: Mapping[str, Any],
        *,
        operator: str | None = None,
    ) -> None:
        """Change some fields (and/or the geometry) of one feature, logging before/after."""
        schema = schema_for(key)
        clean = validate_record(schema, values, partial=True, row=fid, source=key)
        old = self.feature(key, fid)
        if old is None:
            raise KeyError(f"{key} has no feature {fid}")
        sets, params, before, after = [], [], {}, {}
        for name, value in clean.items():
            if name == "geometry":
                sets.append("geom = ?")
                params.append(gpkg.encode([value], STORAGE_EPSG)[0])
                before["geometry"] = old["geometry"].wkt if old["geometry"] is not None else None
                after["geometry"] = value.wkt
            else:
                sets.append(f'"{name}" = ?')
                params.append(value)
                before[name] = _plain(old.get(name))
                after[name] = value
        if not sets:
            return
        with self.transaction() as c:
            c.execute(f'UPDATE "{key}" SET {", ".join(sets)} WHERE fid = ?', (*params, fid))
            if "geometry" in clean:
                self._grow_extent(c, key, np.array([clean["geometry"]], dtype=object))
            else:
                self._touch(c, key)
            title = old.get(schema.title_field) or fid
            self._log(c, "update", key, fid, f"{schema.zh}: {title}", before, after, operator)

    def delete(self, key: str, fids: Sequence[int], *, operator: str | None = None) -> None:
        """Delete features, keeping each one's full record in the log."""
        schema = schema_for(key)
        with self.transaction() as c:
            for fid in fids:
                old = self.feature(key, fid)
                if old is None:
                    raise KeyError(f"{key} has no feature {fid}")
                before = {k: _plain(v) for k, v in old.items() if k not in ("geometry", "fid")}
                if schema.is_spatial and old.get("geometry") is not None:
                    before["geometry"] = old["geometry"].wkt
                c.execute(f'DELETE FROM "{key}" WHERE fid = ?', (fid,))
                title = old.get(schema.title_field) or fid
                self._log(c, "delete", key, fid, f"{schema.zh}: {title}", before, None, operator)
            self._touch(c, key)

    def record_meeting(self, title: str, *, operator: str | None = None, at: Any = None) -> None:
        """Mark a consultation meeting in the log (the "since last meeting" anchor).

        ``at`` is for meetings recorded afterwards (and the demo); default now.
        """
        with self.transaction() as c:
            self._log(c, "meeting", None, None, title, None, None, operator, at=at)

    # ------------------------------------------------------------ summaries
    def time_span(self) -> tuple[str, str] | None:
        """First and last ``reported_at`` over all record tables (stored UTC text)."""
        parts = [
            f'SELECT min(reported_at) AS a, max(reported_at) AS b FROM "{k}"'
            for k, s in ALL.items()
            if "reported_at" in s.field_names
        ]
        row = self._con.execute(
            f"SELECT min(a), max(b) FROM ({' UNION ALL '.join(parts)})"
        ).fetchone()
        if row is None or row[0] is None:
            return None
        return row[0], row[1]

    def info(self) -> dict[str, Any]:
        """Layer counts and extents for ``floodpost info``."""
        out: dict[str, Any] = {"path": str(self.path), "schema_version": self.schema_version}
        out["layers"] = {
            k: {"count": self.count(k), "extent": self.extent(k)} for k in LAYERS if k in self.keys()
        }
        out["tables"] = {k: {"count": self.count(k)} for k in TABLES if k in self.keys()}
        out["extent"] = self.extent()
        return out


def geoframe(table: pd.DataFrame, geoms: np.ndarray) -> gpd.GeoDataFrame:
    """``table`` with lon/lat ``geoms`` (one per row) as its geometry column, in the storage CRS."""
    crs = f"EPSG:{STORAGE_EPSG}"
    return gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(geoms, index=table.index, crs=crs), crs=crs)


def read_geometry(path: str | os.PathLike[str], key: str) -> tuple[np.ndarray, Shapes]:
    """(fids, lon/lat shapes) of one layer, read-only, by fid; the geometry ``read`` decodes.

    For a second process that needs the shapes but must never write (or
    migrate) the file another process has open.
    """
    schema = schema_for(key)
    if not schema.is_spatial:
        raise KeyError(f"{key} has no geometry")
    uri = Path(path).resolve().as_uri() + "?mode=ro"
    con = sqlite3.connect(uri, uri=True, timeout=30)
    try:
        rows = con.execute(f'SELECT fid, geom FROM "{key}" ORDER BY fid').fetchall()
    finally:
        con.close()
    fids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    buf, starts, ends, empty = gpkg_wkb([r[1] for r in rows])
    shapes = Shapes.from_wkb(buf, starts, np.where(empty, starts, ends))
    if shapes is None:
        shapes = Shapes.from_geometries(_decode_blobs([r[1] for r in rows]))
    return fids, shapes


def _column(kind: str, values: Sequence[Any], n: int) -> Any:
    """One attribute column from its stored values, typed as ``read`` promises.

    ``int`` fields become nullable Int64, ``real`` fields float (NaN for
    missing or unparsable text), everything else plain Python objects.
    """
    if kind == "int":
        try:
            arr = np.fromiter(values, dtype=np.int64, count=n)
        except (TypeError, ValueError, OverflowError):
            return pd.array(list(values), dtype="Int64")
        return pd.arrays.IntegerArray(arr, np.zeros(n, dtype=bool))
    if kind == "real":
        try:
            return np.array(values, dtype=np.float64).reshape(n)
        except (TypeError, ValueError):
            return pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce").astype(float).to_numpy()
    out = np.empty(n, dtype=object)
    out[:] = values
    return out


def _decode_blobs(blobs: Sequence[bytes | None]) -> np.ndarray:
    """GeoPackage blobs to shapely geometries; the same result as ``gpkg.decode``, faster.

    The headers are parsed for all blobs at once with numpy
    (:func:`~floodpost.data.shapes.gpkg_wkb`). Little-endian 2D points (the
    bulk of point layers) are built straight from their coordinates;
    everything else is handed to ``shapely.from_wkb`` in one call.
    """
    n = len(blobs)
    out = np.empty(n, dtype=object)
    if n == 0:
        return out
    joined, w, w_end, empty = gpkg_wkb(blobs)
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
        out[idx[rest]] = shapely.from_wkb(wkbs)
    return out


def _plain(value: Any) -> Any:
    """A JSON-friendly copy of a pandas/numpy scalar."""
    if value is None:
        return None
    if isinstance(value, (np.integer,)):
        return int(value)
    if isinstance(value, (np.floating,)):
        return None if np.isnan(value) else float(value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return value
