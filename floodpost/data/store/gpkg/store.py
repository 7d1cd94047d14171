"""A workspace: one GeoPackage file holding every layer and tally of the post.

Every user action is one SQLite transaction that also appends its
``situation_log`` entry, so a crash or a kill loses nothing committed and
never leaves half a change behind.
"""

from __future__ import annotations

import getpass
import json
import os
import random
import sqlite3
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from floodpost.data import lazy
from floodpost.data.schema import ALL, LAYERS, STORAGE_EPSG, TABLES, TableSchema, schema_for
from floodpost.data.schema.validate import validate_record, validate_records
from floodpost.data.shapes import Shapes, decode_wkb, gpkg_wkb
from floodpost.data.store import StaleEdit, StorageError, Where
from floodpost.data.store.gpkg import geopackage as gpkg
from floodpost.data.store.gpkg import qgis_styles
from floodpost.data.store.identity import deleted_uuids, identity_columns, insert_entry, new_uuids
from floodpost.data.store.indexes import QUERY_INDEXES
from floodpost.data.timeutil import now_storage, parse_time, to_storage

pd = lazy.module("pandas")  # imported when first used: not on the way to a kept fold

SCHEMA_VERSION = 5
#: Seconds :meth:`Workspace.locked` waits for another writer before saying the workspace is busy.
LOCK_WAIT = 30.0

#: What a stored time looks like, for SQL that must pass over a damaged cell (GLOB pattern).
TIME_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9][T ][0-9][0-9]:*"

#: Inserts of more rows than this fill the R-tree themselves (see ``gpkg.SqlFunctions``).
BULK_INDEX_ROWS = 1000


class FileLock:
    """This process's lock on one workspace file: our write transactions alone, GDAL's reads together.

    GDAL links its own copy of SQLite. POSIX file locks belong to the
    process, so when GDAL closes its handle on the file, the locks a
    connection of ours holds are gone, and another program could write in
    the middle of our transaction. Writes hold this lock exclusively and
    GDAL reads share it, so a GDAL read never closes while one of our
    threads is in a write transaction; several GDAL reads run at once. The
    thread that writes may also read (and write again, nested).
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._readers = 0
        self._writer: int | None = None  # thread id
        self._depth = 0

    @contextmanager
    def write(self) -> Iterator[None]:
        me = threading.get_ident()
        with self._cond:
            while (self._writer not in (None, me)) or (self._writer is None and self._readers):
                self._cond.wait()
            self._writer = me
            self._depth += 1
        try:
            yield
        finally:
            with self._cond:
                self._depth -= 1
                if not self._depth:
                    self._writer = None
                    self._cond.notify_all()

    @contextmanager
    def read(self) -> Iterator[None]:
        me = threading.get_ident()
        with self._cond:
            while self._writer not in (None, me):
                self._cond.wait()
            self._readers += 1
        try:
            yield
        finally:
            with self._cond:
                self._readers -= 1
                if not self._readers:
                    self._cond.notify_all()


_FILE_LOCKS: dict[str, FileLock] = {}
_FILE_LOCKS_GUARD = threading.Lock()


def file_lock(path: str | os.PathLike[str]) -> FileLock:
    """The :class:`FileLock` of one workspace file in this process."""
    key = os.path.realpath(os.fspath(path))
    with _FILE_LOCKS_GUARD:
        lock = _FILE_LOCKS.get(key)
        if lock is None:
            lock = _FILE_LOCKS[key] = FileLock()
        return lock


#: ``MIGRATIONS[n]`` brings a workspace from schema version ``n`` to ``n + 1``
#: and returns a line for the situation log saying what it changed (or None).
#: Missing tables and columns, spatial indexes and the stored QGIS styles are
#: added by ``_ensure_tables`` on every open, so a migration is only needed
#: for changes of meaning (renames, recoding, a geometry type).
MIGRATIONS: dict[int, Callable[[sqlite3.Connection], str | None]] = {}


class WorkspaceError(StorageError):
    """The file is not a usable FloodPost workspace, or cannot be written; the message says why."""


@dataclass(frozen=True)
class Damage:
    """One feature or cell of a workspace that cannot be read as stored.

    The rest of the workspace is read as usual: a damaged geometry leaves
    its feature out of drawing and exports; a damaged cell reads as empty.
    """

    key: str
    fid: int
    column: str | None
    problem: str

    def __str__(self) -> str:
        where = f"{self.key} feature {self.fid}" + (f", field {self.column}" if self.column else "")
        what = "read as empty" if self.column else "left out of the map and exports"
        return f"{where}: {self.problem}; {what}"


class DamageLedger:
    """What a back end found unreadable so far, each feature or cell once (both back ends keep one).

    Reads run in several threads (the window's workers), hence the lock.
    """

    def _init_damage(self) -> None:
        #: Features and cells found unreadable so far (each once), in the order found.
        self.damage: list[Damage] = []
        #: Told of each damaged feature or cell when first found (the window lists them).
        self.on_damage: Callable[[Damage], Any] | None = None
        self._damage_seen: set[tuple[str, int, str | None]] = set()
        self._damage_lock = threading.Lock()

    def _report(self, found: Sequence[Damage]) -> None:
        """Remember damage not seen before and tell ``on_damage`` about it (once per feature or cell)."""
        if not found:
            return
        new = []
        with self._damage_lock:
            for d in found:
                mark = (d.key, d.fid, d.column)
                if mark not in self._damage_seen:
                    self._damage_seen.add(mark)
                    self.damage.append(d)
                    new.append(d)
        if self.on_damage is not None:
            for d in new:
                self.on_damage(d)



class _BadText(str):
    """Text of a cell that is not valid UTF-8, decoded with replacement characters."""


def _tolerant_text(raw: bytes) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return _BadText(raw.decode("utf-8", "replace"))


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


class GpkgStore(DamageLedger):
    """A workspace in one GeoPackage file (the :class:`~floodpost.data.store.Store` of a desk).

    Examples
    --------
    >>> ws = GpkgStore.create("post.gpkg")            # doctest: +SKIP
    >>> ws.insert("hazards", [{"name": "东山滑坡", "hazard_type": "滑坡",
    ...            "geometry": shapely.Point(114.1, 35.9)}])  # doctest: +SKIP
    """

    def __init__(self, path: Path, con: sqlite3.Connection, functions: gpkg.SqlFunctions | None = None) -> None:
        self.path = path
        self._con = con
        self._functions = functions or gpkg.SqlFunctions()
        self._init_damage()
        #: Opened with ``read_only`` (the render helper): nothing may be written.
        self.read_only = False
        #: Opened with ``uuids_later``: rows lacking a uuid are left so (see :meth:`open`).
        self._uuids_later = False

    # ------------------------------------------------------------ lifecycle
    @staticmethod
    def _connect(path: Path) -> tuple[sqlite3.Connection, gpkg.SqlFunctions]:
        con = sqlite3.connect(str(path), isolation_level=None, check_same_thread=False)
        con.execute("PRAGMA synchronous = FULL")
        con.execute("PRAGMA foreign_keys = ON")
        return con, gpkg.register_functions(con)

    @classmethod
    def _open_read_only(cls, p: Path) -> GpkgStore:
        """For a second process that reads and must never write or migrate (the render helper)."""
        try:
            con = sqlite3.connect(p.resolve().as_uri() + "?mode=ro", uri=True, timeout=30,
                                  isolation_level=None, check_same_thread=False)
            functions = gpkg.register_functions(con)
        except sqlite3.DatabaseError as exc:
            raise WorkspaceError(_open_problem(p, exc)) from None
        ws = cls(p, con, functions)
        ws.read_only = True
        return ws

    @classmethod
    def create(cls, path: str | os.PathLike[str], overwrite: bool = False) -> GpkgStore:
        """Create a new, empty workspace with every layer key and table.

        Each layer gets its spatial index and its QGIS style, so GDAL and
        QGIS open the file as FloodPost draws it.
        """
        p = Path(path)
        if p.exists():
            if not overwrite:
                raise WorkspaceError(f"{p} already exists")
            p.unlink()
        con, functions = cls._connect(p)
        ws = cls(p, con, functions)
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
    def open(cls, path: str | os.PathLike[str], read_only: bool = False, uuids_later: bool = False) -> GpkgStore:
        """Open an existing workspace, migrating an older schema in one transaction.

        Every way a file can fail to be a usable workspace is a
        :class:`WorkspaceError` that says what is wrong with it: locked by
        another program, not a GeoPackage, a table gone, a version not ours.
        A read-only file of an older schema opens as it is (nothing can be
        written to it anyway).

        ``uuids_later``: rows another program wrote without a uuid keep none for
        now (:meth:`lacks_uuids`; the next open without it gives them theirs): a
        season written by GDAL or a county's script spent 1.8 s on that first,
        before its map could be shown.
        """
        p = Path(path)
        if not p.is_file():
            raise WorkspaceError(f"{p}: no such workspace file")
        if read_only:
            return cls._open_read_only(p)
        con = None
        try:
            con, functions = cls._connect(p)
            tables = {
                r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")
            }
            if "gpkg_contents" not in tables:
                raise WorkspaceError(f"{p}: not a GeoPackage (no gpkg_contents table)")
            if "floodpost_meta" not in tables:
                raise WorkspaceError(
                    f"{p}: a GeoPackage but not a FloodPost workspace; "
                    "create one and import its layers with 'floodpost import'"
                )
            ws = cls(p, con, functions)
            ws._uuids_later = uuids_later
            version = ws._stored_version()
            if version > SCHEMA_VERSION:
                raise WorkspaceError(
                    f"{p}: written by a newer FloodPost (schema {version} > {SCHEMA_VERSION}); "
                    "open it with that version"
                )
            listed = {r[0] for r in con.execute("SELECT table_name FROM gpkg_contents")}
            gone = [k for k in ALL if k in listed and k not in tables]
            if gone:
                raise WorkspaceError(
                    f"{p}: table {', '.join(gone)} {'is' if len(gone) == 1 else 'are'} listed in gpkg_contents "
                    "but missing; the workspace is damaged — restore it from a backup "
                    "(the other layers can still be copied out with QGIS or ogr2ogr)"
                )
            if ws._needs_upgrade(version):
                try:
                    ws._upgrade()
                except sqlite3.DatabaseError as exc:
                    text = str(exc)
                    if "readonly" not in text and "read-only" not in text:
                        if "locked" in text or "busy" in text or "full" in text:
                            raise
                        raise WorkspaceError(
                            f"{p}: cannot be upgraded to this FloodPost ({text}); the file is unchanged"
                        ) from None
                    # a read-only copy (a CD, a share): read it as it is
            return ws
        except WorkspaceError:
            if con is not None:
                con.close()
            raise
        except sqlite3.DatabaseError as exc:
            if con is not None:
                con.close()
            raise WorkspaceError(_open_problem(p, exc)) from None

    def _upgrade(self) -> None:
        """Bring the file to this schema: migrations, missing tables, indexes and styles; one transaction."""
        with self.transaction() as c:
            version = self._stored_version()  # again, under the write lock: another process may have done it
            done = [
                line for v in range(version, SCHEMA_VERSION) if v in MIGRATIONS
                for line in [MIGRATIONS[v](c)] if line
            ]
            if version < SCHEMA_VERSION:
                c.execute(
                    "UPDATE floodpost_meta SET value=? WHERE key='schema_version'",
                    (str(SCHEMA_VERSION),),
                )
            added = self._ensure_tables(c)
            if version < SCHEMA_VERSION or added:
                what = done + added
                summary = (
                    f"工作区升级（第{version}版 → 第{SCHEMA_VERSION}版）" if version < SCHEMA_VERSION else "工作区补全"
                ) + ("：" + "；".join(what) if what else "")
                self._log(
                    c, "migrate", None, None, summary,
                    {"schema_version": version}, {"schema_version": SCHEMA_VERSION, "changes": what},
                )

    def lacks_uuids(self) -> bool:
        """Whether some row has no uuid yet (written by another program, opened with ``uuids_later``)."""
        return _lacks_identity(self._con)

    @property
    def location(self) -> str:
        """The file, as :func:`~floodpost.data.store.open_store` takes it again."""
        return str(self.path)

    @property
    def name(self) -> str:
        return self.path.name

    def reader(self) -> GpkgStore:
        """The same file on a connection of its own (a worker thread reads while the window writes); it
        leaves rows without a uuid as they are (``uuids_later``): a reader has no use for them."""
        return GpkgStore.open(self.path, uuids_later=True)

    def max_fid(self, key: str) -> int:
        """The highest fid of a layer or table (0 when empty): an index lookup."""
        if key not in self.keys():
            return 0
        row = self._con.execute(f'SELECT max(fid) FROM "{schema_for(key).key}"').fetchone()
        return int(row[0] or 0)

    def rows(self, key: str, first: int, last: int) -> list[dict[str, Any]]:
        """Rows ``first``..``last`` (by fid) of a table as plain dicts with their fid: no frame for a row or two."""
        schema = schema_for(key)
        cur = self._con.execute(f'SELECT * FROM "{schema.key}" WHERE fid BETWEEN ? AND ? ORDER BY fid',
                                (int(first), int(last)))
        names = [d[0] for d in cur.description]
        out = []
        for values in cur.fetchall():
            r = dict(zip(names, values, strict=True))
            for storage_only in ("geom", "uuid", "row_version"):
                r.pop(storage_only, None)
            out.append(r)
        return out

    def read_geometry(self, key: str) -> tuple[np.ndarray, Shapes]:
        """(fids, lon/lat shapes) of one layer, by fid: the shapes alone, for the render helper."""
        return read_geometry(self.path, key)

    # ------------------------------------------------------------ the log, for the situation engine
    def log_max_fid(self) -> int:
        """The newest log entry's fid (0 for none)."""
        return self.max_fid("situation_log")

    def log_since(self, fid: int) -> list[tuple[int, str, str | None, int | None, str | None]]:
        """(log fid, action, target, feature fid, after) of the entries after log fid ``fid``."""
        return self._con.execute(
            "SELECT fid, action, target, feature_id, after FROM situation_log WHERE fid > ? ORDER BY fid", (int(fid),)
        ).fetchall()

    def log_edits(self, target: str) -> list[tuple[str, int, str | None]]:
        """(logged at, feature fid, before-values as stored) of every logged update of ``target``, in log order."""
        if "situation_log" not in self.keys():
            return []
        return self._con.execute(
            "SELECT at, feature_id, before FROM situation_log WHERE action = 'update' AND target = ? ORDER BY fid",
            (target,),
        ).fetchall()

    def log_values(self, fid: int) -> dict[str, Any]:
        """The before/after of one log entry (the list of a season's log reads them one entry at a time)."""
        row = self._con.execute("SELECT before, after FROM situation_log WHERE fid = ?", (int(fid),)).fetchone()
        return {} if row is None else {"before": row[0], "after": row[1]}

    def change_token(self) -> tuple[int, int, int]:
        """Changes whenever the workspace was written, by this connection or another process.

        What caches of derived data (the situation's fold, a layer's frame) compare.
        """
        con = self._con
        return (id(con), con.total_changes, con.execute("PRAGMA data_version").fetchone()[0])

    def fold_stamp(self) -> tuple[Any, ...]:
        """Changes whenever any process wrote the file, and stays put across opens that only read.

        What a fold kept on disk compares (``situation.keep``): :meth:`change_token`
        names a connection, this the file. The header's change counter moves with
        every write in rollback mode; in WAL mode (QGIS sets it) the ``-wal``
        file's size and time move instead.
        """
        parts: list[Any] = [str(self.path.resolve())]
        for p in (self.path, Path(f"{self.path}-wal")):
            try:
                st = os.stat(p)
            except FileNotFoundError:
                parts.append(None)
                continue
            parts.append((st.st_size, st.st_mtime_ns))
        with open(self.path, "rb") as f:
            f.seek(24)
            parts.append(f.read(4))
        fid = self.log_max_fid()
        return (*parts, fid, self.log_uuid(fid))

    def log_uuid(self, fid: int) -> str | None:
        """The uuid of log entry ``fid``: whether a fold kept on disk was made from this workspace's history."""
        if "situation_log" not in self.keys():
            return None
        row = self._con.execute("SELECT uuid FROM situation_log WHERE fid = ?", (int(fid),)).fetchone()
        return None if row is None or row[0] is None else str(row[0])

    def row_version(self, key: str, fid: int) -> int | None:
        """The row's version now, None when it is gone (the log has none: it is never updated)."""
        schema_for(key)
        if key == "situation_log":
            return None
        row = self._con.execute(f'SELECT row_version FROM "{key}" WHERE fid = ?', (int(fid),)).fetchone()
        return None if row is None else int(row[0])

    def can_write(self) -> bool:
        return not self.read_only

    def watch_fd(self) -> None:
        """A file pushes nothing: other processes' writes show in :meth:`change_token`."""
        return None

    def drain_notifications(self) -> list[int]:
        return []

    # ------------------------------------------------------------ whole-workspace copies
    def dump(self, key: str) -> Any:
        """Every row of ``key`` as stored, for a copy to another workspace (push, pull, a replica).

        Indexed by fid: every field typed as :meth:`read` gives it, then
        ``uuid`` and (but in the log) ``row_version``, then ``geometry``; a layer as a
        GeoDataFrame in EPSG:4490 with its damaged shapes kept as empty
        ones (a copy must not lose a row), a table as a DataFrame; the log
        with all its columns.
        """
        schema = schema_for(key)
        frame = self.read(key, keep_damaged=True)
        ident = self.identity(schema.key)
        for col in ident.columns:
            frame[col] = ident[col].reindex(frame.index).to_numpy()
        # the PostGIS back end's order: fields, identity, then the geometry
        return frame[[*schema.field_names, *ident.columns, *(["geometry"] if schema.is_spatial else [])]]

    def load(self, key: str, frame: Any) -> None:
        """Write :meth:`dump`'s rows (of this or another back end) verbatim into an empty table.

        Same fids, uuids, row versions and log entries; no log entry of its
        own; the R-tree, extent and ``gpkg_contents`` kept as an insert keeps
        them. One transaction per table, rows in bulk. The log of a workspace
        just made (its ``create``/``migrate`` entries only) gives way to the
        log loaded, so a copy's log is the original's. Values are not
        validated again: they come from a workspace, as they were stored.
        """
        schema = schema_for(key)
        ident = identity_columns(schema.key)
        table = frame.set_index("fid") if "fid" in getattr(frame, "columns", ()) else frame
        if hasattr(table, "geometry") and getattr(table.geometry, "name", "geometry") != "geometry":
            table = table.rename_geometry("geometry")
        n = len(table)
        fids = [int(f) for f in table.index]
        if len(set(fids)) != n:
            raise StorageError(f"{self.name}: {key}: the rows to load repeat a fid")
        cols = [c for c in schema.field_names if c in table.columns]
        uuids = _loaded_uuids(table, n)
        versions = ([int(v) if _plain(v) is not None else 1 for v in table["row_version"]]
                    if "row_version" in ident and "row_version" in table.columns else [1] * n)
        data = [_stored_column(table[c]) for c in cols]
        geoms = np.empty(n, dtype=object)
        if schema.is_spatial and "geometry" in table.columns:
            geoms[:] = list(table["geometry"])
            geoms[:] = [g if isinstance(g, shapely.Geometry) and not g.is_empty else None for g in geoms]
        names = ["fid", "uuid", *(["row_version"] if "row_version" in ident else []),
                 *(["geom"] if schema.is_spatial else []), *(f'"{c}"' for c in cols)]
        sql = f'INSERT INTO "{schema.key}" ({", ".join(names)}) VALUES ({", ".join("?" * len(names))})'
        parts: list[list[Any]] = [fids, uuids]
        if "row_version" in ident:
            parts.append(versions)
        if schema.is_spatial:
            parts.append(gpkg.encode(geoms, STORAGE_EPSG))
        parts += data
        with self.transaction() as c:
            here = int(c.execute(f'SELECT count(*) FROM "{schema.key}"').fetchone()[0])
            if here and key == "situation_log" and not c.execute(
                "SELECT 1 FROM situation_log WHERE action NOT IN ('create', 'migrate') LIMIT 1"
            ).fetchone():
                c.execute("DELETE FROM situation_log")  # a new workspace's own entries give way
            elif here:
                raise StorageError(f"{self.name}: {key} is not empty ({here} rows); load writes into an empty table only")
            self._functions.triggers_index = False
            try:
                c.executemany(sql, zip(*parts, strict=True))
            finally:
                self._functions.triggers_index = True
            if schema.is_spatial:
                if n:
                    gpkg.index_rows(c, schema.key, fids, geoms)
                self._grow_extent(c, schema.key, geoms[[g is not None for g in geoms]] if n else geoms)
            self._touch(c, schema.key)

    def close(self) -> None:
        self._con.close()

    def __enter__(self) -> GpkgStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """Yield the connection inside one transaction; roll back on any error.

        A transaction opened inside another joins it (so a check and the
        writes it guards commit or roll back together, see :meth:`locked`).
        A write the disk refuses ("database or disk is full", "attempt to
        write a readonly database", an I/O error) becomes a
        :class:`WorkspaceError` that names the workspace file and the cause:
        the user must learn that the *workspace* could not be written, not
        read "cannot rollback - no transaction is active" (SQLite has
        already rolled back by itself after a full disk) or an error
        blamed on the file being imported.
        """
        con = self._con
        if con.in_transaction:
            yield con
            return
        with file_lock(self.path).write():
            try:
                con.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise self._refused(exc) from exc
            with self._finish():
                yield con

    @contextmanager
    def _finish(self) -> Iterator[None]:
        """Commit what the body wrote, or roll it back; a refused write named against this file."""
        con = self._con
        try:
            yield
        except BaseException as exc:
            self._rollback()
            if isinstance(exc, sqlite3.Error):
                raise self._refused(exc) from exc
            raise
        try:
            con.execute("COMMIT")
        except sqlite3.Error as exc:
            self._rollback()
            raise self._refused(exc) from exc

    def _refused(self, exc: sqlite3.Error) -> Exception:
        """A write the disk refused, named against this file; other errors as they are."""
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

    def _rollback(self) -> None:
        if self._con.in_transaction:  # SQLite rolls back by itself after a full disk
            try:  # noqa: SIM105 - the error that brought us here is the one to report
                self._con.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    # ------------------------------------------------------------ structure
    @property
    def schema_version(self) -> int:
        return self._stored_version()

    def _stored_version(self) -> int:
        row = self._con.execute(
            "SELECT value FROM floodpost_meta WHERE key='schema_version'"
        ).fetchone()
        if row is None:
            return 0
        try:
            return int(row[0])
        except (TypeError, ValueError):
            raise WorkspaceError(f"{self.path}: unknown FloodPost schema version {row[0]!r}") from None

    def _columns(self, table: str) -> list[str]:
        return [r[1] for r in self._con.execute(f'PRAGMA table_info("{table}")')]

    def _missing_tables(self) -> bool:
        for key, schema in ALL.items():
            cols = self._columns(key)
            if not cols or set(schema.field_names) - set(cols):
                return True
        return False

    def _needs_upgrade(self, version: int) -> bool:
        """Whether opening must write: an older schema, or a table, index or style missing."""
        if version < SCHEMA_VERSION or self._missing_tables():
            return True
        if any(not gpkg.has_rtree(self._con, key) for key, s in LAYERS.items() if s.is_spatial):
            return True
        if self._missing_indexes(self._con) or _lacks_identity(self._con, rows=not self._uuids_later):
            return True
        return bool(qgis_styles.missing(self._con))

    @staticmethod
    def _missing_indexes(c: sqlite3.Connection) -> list[str]:
        have = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        return [name for name in QUERY_INDEXES if name not in have]

    def _ensure_tables(self, c: sqlite3.Connection) -> list[str]:
        """Add what this version expects and the file lacks; the list of what was added, for the log.

        Tables and columns of the schema; an R-tree spatial index on every
        layer (gpkg_rtree_index), which QGIS and GDAL use to read only what
        is in view; the ``layer_styles`` QGIS takes each layer's style from.
        """
        added: list[str] = []
        for key, schema in ALL.items():
            cols = self._columns(key)
            if not cols:
                _create_table(c, schema)
                added.append(f"新建 {key}")
            else:
                new = [f.name for f in schema.fields if f.name not in cols]
                for f in schema.fields:
                    if f.name in new:
                        c.execute(f'ALTER TABLE "{key}" ADD COLUMN "{f.name}" {f.sql_type}')
                if new:
                    added.append(f"{key} 增加字段 {', '.join(new)}")
        identity = _add_identity(c, fill=not self._uuids_later)
        if identity:
            added.append(identity)
        indexed = []
        for key, schema in LAYERS.items():
            if schema.is_spatial and not gpkg.has_rtree(c, key):
                gpkg.create_rtree(c, key)
                indexed.append(key)
        if indexed:
            added.append(f"空间索引 {', '.join(indexed)}")
        made = self._missing_indexes(c)
        for name in made:
            table, cols = QUERY_INDEXES[name]
            names = ", ".join(f'"{x}"' for x in cols)
            c.execute(f'CREATE INDEX IF NOT EXISTS "{name}" ON "{table}" ({names})')
        if made:
            added.append(f"查询索引 {len(made)} 个")
        styled = qgis_styles.write_missing(c)
        if styled:
            added.append(f"QGIS 样式 {', '.join(styled)}")
        return added

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
        where: Sequence[Where] = (),
        *,
        columns: Sequence[str] | None = None,
        bulk: bool = False,
        geometry: bool = True,
        keep_damaged: bool = False,
    ) -> Any:
        """Read a layer (GeoDataFrame in EPSG:4490) or a table (DataFrame), indexed by fid.

        ``columns`` limits the attribute columns read (the geometry always
        comes along); the map reads only what it draws and fetches whole
        features with :meth:`feature` when asked. The default reads all.
        ``bulk`` asks for GDAL's columnar reader where it applies (a few
        text columns of a whole big layer): the same frame, sooner.
        ``geometry=False`` leaves the shapes out (a DataFrame): a table of
        attributes has no use for 100,000 decoded polygons.

        A feature whose geometry cannot be read is left out (with
        ``keep_damaged``, kept with no geometry) and a cell that cannot be
        read is empty; each is reported once in :attr:`damage` and to
        :attr:`on_damage`, and everything else reads as usual.
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
        if bulk and columns is not None and not where and spatial:
            got = self.read_shapes(key, cols)
            if got is not None:
                table, shapes = got
                return geoframe(table, shapes.geometries())
        select = ["fid"] + (["geom"] if spatial else []) + [f'"{c}"' for c in cols]
        sql = f'SELECT {", ".join(select)} FROM "{key}"'
        clause, params = _where_sql(schema, where)
        sql += clause + " ORDER BY fid"
        rows = self._fetch(sql, params)
        n = len(rows)
        values = [[r[i] for r in rows] for i in range(len(select))]  # per column
        fids = np.fromiter(values[0], dtype=np.int64, count=n)
        first = 2 if spatial else 1
        found: list[Damage] = []
        data = {}
        for i, f in enumerate(fields):
            bad_cells: dict[int, str] = {}
            data[f.name] = _column(f.type, values[first + i], n, bad_cells)
            found += [Damage(key, int(fids[j]), f.name, why) for j, why in bad_cells.items()]
        geoms = None
        if spatial:
            bad: dict[int, str] = {}
            geoms = gpkg.decode(values[1], bad)
            if bad:
                found += [Damage(key, int(fids[j]), None, why) for j, why in sorted(bad.items())]
                if not keep_damaged:
                    keep = np.ones(n, dtype=bool)
                    keep[list(bad)] = False
                    fids, geoms = fids[keep], geoms[keep]
                    data = {name: col[keep] for name, col in data.items()}
        self._report(found)
        if spatial:
            import geopandas as gpd  # only for layers read with their shapes: commands that read none start sooner

            frame = gpd.GeoDataFrame(
                data,
                geometry=gpd.GeoSeries(geoms, crs=f"EPSG:{STORAGE_EPSG}"),
                crs=f"EPSG:{STORAGE_EPSG}",
            )
        else:
            frame = pd.DataFrame(data, columns=cols)
        frame.index = pd.Index(fids, name="fid")
        return frame

    def _fetch(self, sql: str, params: tuple[Any, ...]) -> list[tuple[Any, ...]]:
        """The rows of ``sql``; text that is not UTF-8 is read with replacement characters, not refused.

        sqlite3 refuses a whole query over one such cell; :func:`_column`
        then names the cell.
        """
        try:
            return self._con.execute(sql, params).fetchall()
        except sqlite3.ProgrammingError as exc:  # closed meanwhile (a window closing while a thread reads)
            raise WorkspaceError(f"{self.name}: {exc}") from exc
        except sqlite3.OperationalError as exc:
            if "decode" not in str(exc):
                raise
        con = self._con
        con.text_factory = _tolerant_text
        try:
            return con.execute(sql, params).fetchall()
        finally:
            con.text_factory = str

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
        if not self._gdal_may_read():
            return None
        cols = [f.name for f in fields]
        try:
            import pyarrow as pa
            from pyogrio.raw import open_arrow

            n = self.count(key) if rows is None else rows
            with file_lock(self.path).read(), open_arrow(
                self.path, layer=key, columns=cols, return_fids=True, use_pyarrow=True, batch_size=max(n, 1) + 1,
            ) as (meta, reader):
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
        if shapes is None:  # 3D, big-endian, collections… or a damaged one
            bad: dict[int, str] = {}
            geoms = decode_wkb(geom.to_numpy(zero_copy_only=False), bad)
            if bad:
                self._report([Damage(key, int(fids[j]), None, why) for j, why in sorted(bad.items())])
                keep = np.ones(len(fids), dtype=bool)
                keep[list(bad)] = False
                fids, geoms = fids[keep], geoms[keep]
                data = {c: v[keep] for c, v in data.items()}
            shapes = Shapes.from_geometries(geoms)
        if len(fids) > 1 and not np.all(fids[1:] > fids[:-1]):
            order = np.argsort(fids, kind="stable")
            fids, shapes = fids[order], shapes.take(order)
            data = {c: v[order] for c, v in data.items()}
        index = pd.Index(fids, name="fid")
        frame = pd.DataFrame({c: pd.Series(v, index=index, dtype=object) for c, v in data.items()}, index=index)
        return frame, shapes

    def _gdal_may_read(self) -> bool:
        """Whether GDAL (its own copy of SQLite) may read the file now; else ``read`` serves, through ours.

        Not inside a transaction of this connection: closing GDAL's handle would drop the locks
        this connection holds (POSIX locks are per process), and another process could write in
        the middle of it. Not while the file is in WAL mode (as QGIS leaves a GeoPackage it
        edited): closing what it takes for the file's last connection, GDAL's SQLite truncates
        the shared-memory file ours has mapped, and the next read of ours crashed the process
        (SIGBUS; one run in eight of ``test_another_programs_write_is_never_missed``).
        """
        if self._con.in_transaction:
            return False
        try:
            mode = self._con.execute("PRAGMA journal_mode").fetchone()[0]
        except sqlite3.Error:
            return False
        return str(mode).lower() != "wal"

    def read_arrow(self, key: str, columns: Sequence[str] | None = None) -> Any | None:
        """A whole table's columns (and ``fid``) as a pyarrow Table through GDAL's Arrow stream, or None.

        Five times quicker than row by row for the record tables of a season
        (100,000 material movements in 0.08 s). Times come as timestamps.
        None inside a transaction of this connection (see :class:`FileLock`)
        or when GDAL cannot read the table: ``read`` then serves.
        """
        if not self._gdal_may_read() or key not in self.keys():
            return None
        try:
            import pyogrio

            if columns is None:  # the schema's fields, not the storage-level identity columns
                columns = schema_for(key).field_names
            with file_lock(self.path).read():
                _, table = pyogrio.read_arrow(str(self.path), layer=key, columns=list(columns),
                                              return_fids=True, read_geometry=False)
            return table
        except Exception:  # noqa: BLE001 - GDAL refused (odd types, a locked file)
            return None

    def feature(self, key: str, fid: int) -> dict[str, Any] | None:
        """One feature or row as a dict (geometry under ``geometry``), or None."""
        frame = self.read(key, [Where("fid", "=", int(fid))], keep_damaged=True)
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

    #: The log's columns a list of entries shows (before/after, often long, are read per entry).
    LOG_HEADS = ("at", "operator", "action", "target", "feature_id", "summary")

    def log_heads(self, since: int = 0) -> pd.DataFrame:
        """The log's entries after log fid ``since`` without their before/after values, oldest first.

        A season's log holds hundreds of thousands of entries: the list reads
        their heads (a whole log through GDAL's Arrow stream, a fifth of the
        time row by row) and fetches an entry's values when it is opened.
        """
        cols = list(self.LOG_HEADS)
        table = self.read_arrow("situation_log", cols) if since == 0 else None
        if table is None:
            return self.read("situation_log", [Where("fid", ">", int(since))] if since else (), columns=cols)
        fids = table.column("fid").to_numpy().astype(np.int64)
        data: dict[str, Any] = {}
        for c in cols:
            col = table.column(c)
            if col.type.__class__.__name__ == "TimestampType":
                ms = col.to_numpy(zero_copy_only=False).astype("datetime64[ms]")
                text = np.char.add(np.datetime_as_string(ms, unit="ms"), "Z").astype(object)
                text[np.isnat(ms)] = None
                data[c] = text
            elif c == "feature_id":
                data[c] = pd.array(col.to_pylist(), dtype="Int64")
            else:
                data[c] = np.asarray(col.to_pylist(), dtype=object)
        frame = pd.DataFrame(data, index=pd.Index(fids, name="fid"))
        return frame.sort_index()

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
            "INSERT INTO situation_log (uuid, at, operator, action, target, feature_id, summary, before, after)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            (
                str(uuid.uuid4()),
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
            if hasattr(rows, "geometry") and getattr(rows.geometry, "name", "geometry") != "geometry":
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
        validated: bool = False,
    ) -> list[int]:
        """Validate and add features or rows in one transaction; return their fids.

        One row is logged with its values (so it can be undone); many rows are
        logged as one import entry. ``progress(done, total)`` returning False
        cancels and rolls everything back. ``validated``: the records come
        from :func:`~floodpost.data.schema.validate.validate_records` already (an
        import checks every row before it asks to write).
        """
        schema = schema_for(key)
        records = self._records(rows) if validated else validate_records(schema, self._records(rows), source=source)
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
        uuids_given: Sequence[str | None] | None = None,
    ) -> list[int]:
        outlines: list[dict[str, Any]] = []
        if schema.outline_layer:
            records, outlines = _split_outlines(schema, records)
        cols = schema.field_names
        names = ["uuid"] + (["geom"] if schema.is_spatial else []) + [f'"{c}"' for c in cols]
        uuids = [u or str(uuid.uuid4()) for u in uuids_given] if uuids_given is not None else new_uuids(len(records))
        if fids_given is not None:
            names = ["fid", *names]
        sql = f'INSERT INTO "{key}" ({", ".join(names)}) VALUES ({", ".join("?" * len(names))})'
        geoms = np.array([r.get("geometry") for r in records], dtype=object)
        blobs = gpkg.encode(geoms, STORAGE_EPSG) if schema.is_spatial else []
        fids: list[int] = []
        total = len(records)
        # a big import fills the spatial index in one go, not through the trigger row by row
        bulk_index = schema.is_spatial and total > BULK_INDEX_ROWS
        with self.transaction() as c:
            cur = c.cursor()
            chunk = 5000
            self._functions.triggers_index = not bulk_index
            try:
                for start in range(0, total, chunk):
                    for i in range(start, min(start + chunk, total)):
                        r = records[i]
                        values = [r.get(col) for col in cols]
                        if schema.is_spatial:
                            values.insert(0, blobs[i])
                        values.insert(0, uuids[i])
                        if fids_given is not None:
                            values.insert(0, int(fids_given[i]))
                        cur.execute(sql, values)
                        fids.append(int(cur.lastrowid))
                    if progress is not None and progress(min(start + chunk, total), total) is False:
                        raise InterruptedError("import cancelled; nothing was written")
            finally:
                self._functions.triggers_index = True
            if bulk_index:
                gpkg.index_rows(c, key, fids, geoms)
            if schema.is_spatial:
                self._grow_extent(c, key, geoms)
            else:
                self._touch(c, key)
            made = None
            if outlines:
                oschema = LAYERS[schema.outline_layer or ""]
                made = (oschema.key, self._write_outlines(c, oschema, outlines), oschema.zh)
            entry = insert_entry(schema, records, fids, uuids, summary, source, made)
            if entry is not None:
                action, feature, text, after = entry
                self._log(c, action, key, feature, text, None, after, operator)
        return fids

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the workspace's write lock: reads and writes inside see and change it alone.

        For a check and the write it allows (the stock a dispatch takes):
        another process cannot write between them. On SQLite this is one
        ``BEGIN IMMEDIATE`` transaction; a server store takes ``SELECT … FOR
        UPDATE`` (or a table lock) on what the check reads, in the same
        transaction. Writes inside join it; an error rolls all back.

        Waiting for another writer, it retries every few milliseconds (SQLite's
        own wait backs off to 100 ms and can starve behind a busy writer) for up
        to :data:`LOCK_WAIT` seconds, then says the workspace is busy.
        """
        if self._con.in_transaction:
            yield
            return
        with file_lock(self.path).write():
            self._begin_immediate()
            with self._finish():
                yield

    def _begin_immediate(self) -> None:
        con = self._con
        wait = int(con.execute("PRAGMA busy_timeout").fetchone()[0])
        deadline = time.monotonic() + LOCK_WAIT
        con.execute("PRAGMA busy_timeout = 2")
        try:
            while True:
                try:
                    con.execute("BEGIN IMMEDIATE")
                    return
                except sqlite3.OperationalError as exc:
                    if "locked" not in str(exc) and "busy" not in str(exc):
                        raise self._refused(exc) from exc
                    if time.monotonic() > deadline:
                        raise WorkspaceError(
                            f"{self.path.name}: busy; another workstation has been writing for "
                            f"{LOCK_WAIT:.0f} s; nothing was written, try again"
                        ) from None
                    time.sleep(random.uniform(0.001, 0.006))
        finally:
            con.execute(f"PRAGMA busy_timeout = {wait}")

    def insert_checked(
        self,
        key: str,
        rows: Any,
        check: Callable[[], None],
        *,
        operator: str | None = None,
        summary: str | None = None,
    ) -> list[int]:
        """Validate ``rows``, then run ``check()`` and insert them in ONE locked transaction.

        ``check`` reads the workspace and raises to refuse; nothing another
        writer commits can come between what it saw and the insert.
        """
        schema = schema_for(key)
        records = validate_records(schema, self._records(rows), source=key)
        with self.locked():
            check()
            return self._insert_valid(key, schema, records, operator, summary, None, None)

    def delete_rows(
        self,
        key: str,
        fids: Sequence[int],
        *,
        summary: str,
        operator: str | None = None,
        check: Callable[[], None] | None = None,
    ) -> None:
        """Delete many rows as ONE logged transaction (the undo of an import or a tally entry).

        One row is logged with its values, many with their count and fids.
        ``check()``, if given, runs first inside the same transaction and
        may refuse by raising. Every fid must exist, else nothing changes.
        """
        schema = schema_for(key)
        fids = [int(f) for f in fids]
        with self.locked():
            if check is not None:
                check()
            c = self._con
            before: Any
            if len(fids) == 1:
                old = self.feature(key, fids[0])
                if old is None:
                    raise KeyError(f"{key} has no feature {fids[0]}")
                before = {k: _plain(v) for k, v in old.items() if k not in ("geometry", "fid")}
                if schema.is_spatial and old.get("geometry") is not None:
                    before["geometry"] = old["geometry"].wkt
                before["uuid"] = self._uuids(key, fids).get(fids[0])
            else:
                known = self._uuids(key, fids)
                before = {"count": len(fids), "first_fid": min(fids, default=None),
                          "last_fid": max(fids, default=None), "fids": fids,
                          "uuids": [known.get(f) for f in fids]}
            cur = c.executemany(f'DELETE FROM "{key}" WHERE fid = ?', [(f,) for f in fids])
            if cur.rowcount != len(fids):
                raise KeyError(f"{key}: {len(fids) - max(cur.rowcount, 0)} of the {len(fids)} rows are gone")
            self._touch(c, key)
            self._log(c, "delete", key, fids[0] if len(fids) == 1 else None, summary, before, None, operator)

    def restore_rows(
        self,
        key: str,
        fids: Sequence[int],
        records: Sequence[Mapping[str, Any]],
        *,
        summary: str,
        operator: str | None = None,
        check: Callable[[], None] | None = None,
    ) -> list[int]:
        """Put rows back under their old fids as ONE logged transaction (the redo after an undo)."""
        schema = schema_for(key)
        clean = validate_records(schema, [dict(r) for r in records], source=key)
        with self.locked():
            if check is not None:
                check()
            taken = [f for f in fids if self._con.execute(f'SELECT 1 FROM "{key}" WHERE fid = ?', (int(f),)).fetchone()]
            if taken:
                raise ValueError(f"{key} already has rows {', '.join(map(str, taken[:5]))}")
            uuids = deleted_uuids(self.log_deletes(key), fids)
            return self._insert_valid(key, schema, clean, operator, summary, None, None, fids_given=list(fids),
                                      uuids_given=[uuids.get(int(f)) for f in fids])

    def _write_outlines(self, c: sqlite3.Connection, schema: TableSchema, rows: list[dict[str, Any]]) -> list[int]:
        """Add outline rows (validated) inside the caller's transaction; their fids."""
        cols = schema.field_names
        names = ["uuid", "geom", *(f'"{c}"' for c in cols)]
        sql = f'INSERT INTO "{schema.key}" ({", ".join(names)}) VALUES ({", ".join("?" * len(names))})'
        geoms = np.array([r["geometry"] for r in rows], dtype=object)
        blobs = gpkg.encode(geoms, STORAGE_EPSG)
        fids = []
        for blob, r, u in zip(blobs, rows, new_uuids(len(rows)), strict=True):
            cur = c.execute(sql, [u, blob, *(r.get(col) for col in cols)])
            fids.append(int(cur.lastrowid))
        self._grow_extent(c, schema.key, geoms)
        return fids

    def restore(self, key: str, fid: int, values: Mapping[str, Any], *, operator: str | None = None) -> int:
        """Put a deleted feature back under its old fid (the undo of a delete).

        Keeping the fid keeps every earlier log entry and undo step pointing at it.
        """
        schema = schema_for(key)
        record = validate_record(schema, values, source=key, row=fid)
        if self._con.execute(f'SELECT 1 FROM "{key}" WHERE fid = ?', (fid,)).fetchone():
            raise ValueError(f"{key} already has a feature {fid}")
        uuids = deleted_uuids(self.log_deletes(key), [fid])
        self._insert_valid(key, schema, [record], operator, None, None, None, fids_given=[fid],
                           uuids_given=[uuids.get(int(fid))])
        return fid

    def identity(self, key: str) -> pd.DataFrame:
        """Each row's storage identity by fid: ``uuid`` and (but in the log) ``row_version``."""
        cols = identity_columns(schema_for(key).key)
        rows = self._con.execute(f'SELECT fid, {", ".join(cols)} FROM "{key}" ORDER BY fid').fetchall()
        frame = pd.DataFrame([r[1:] for r in rows], columns=list(cols), index=pd.Index([r[0] for r in rows], name="fid"))
        if "row_version" in frame:
            frame["row_version"] = frame["row_version"].astype("int64")
        return frame

    def _uuids(self, key: str, fids: Sequence[int]) -> dict[int, str]:
        """The uuids of some rows by fid (for the log of their deletion, so an undo puts the same back)."""
        out: dict[int, str] = {}
        for start in range(0, len(fids), 500):
            part = [int(f) for f in fids[start:start + 500]]
            out.update(self._con.execute(
                f'SELECT fid, uuid FROM "{key}" WHERE fid IN ({",".join("?" * len(part))})', part).fetchall())
        return out

    def log_deletes(self, key: str, limit: int = 50) -> list[tuple[int | None, str | None]]:
        """(feature fid, before) of the newest logged deletions from ``key``, newest first."""
        return self._con.execute(
            "SELECT feature_id, before FROM situation_log WHERE action = 'delete' AND target = ?"
            " ORDER BY fid DESC LIMIT ?", (key, int(limit)),
        ).fetchall()

    def update(
        self,
        key: str,
        fid: int,
        values: Mapping[str, Any],
        *,
        operator: str | None = None,
        expected_version: int | None = None,
    ) -> None:
        """Change some fields (and/or the geometry) of one feature, logging before/after.

        With ``expected_version`` (the row version the edit started from) the
        check and the write are one transaction: :class:`StaleEdit` when
        another writer got there first, never a silent lost update.
        """
        schema = schema_for(key)
        clean = validate_record(schema, values, partial=True, row=fid, source=key)
        g = clean.get("geometry")
        if schema.outline_layer and g is not None and g.geom_type != "Point":
            raise ValueError(
                f"{key} {fid}: a {schema.zh} is stored as a point; "
                f"put its outline in {schema.outline_layer} ({LAYERS[schema.outline_layer].zh})"
            )
        old = self.feature(key, fid)
        if old is None:
            if expected_version is not None:
                raise StaleEdit(key, fid, expected_version, None, None)
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
            if expected_version is not None:
                now = c.execute(f'SELECT row_version FROM "{key}" WHERE fid = ?', (fid,)).fetchone()
                if now is None or int(now[0]) != int(expected_version):
                    current = self.feature(key, fid)
                    raise StaleEdit(key, fid, expected_version, current, None if now is None else int(now[0]))
            c.execute(f'UPDATE "{key}" SET {", ".join(sets)}, row_version = row_version + 1 WHERE fid = ?',
                      (*params, fid))
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
                before["uuid"] = self._uuids(key, [fid]).get(fid)
                c.execute(f'DELETE FROM "{key}" WHERE fid = ?', (fid,))
                title = old.get(schema.title_field) or fid
                self._log(c, "delete", key, fid, f"{schema.zh}: {title}", before, None, operator)
            self._touch(c, key)

    def record_meeting(self, title: str, *, operator: str | None = None, at: Any = None) -> int:
        """Mark a consultation meeting in the log (the "since last meeting" anchor); return its log fid.

        ``at`` is for meetings recorded afterwards (and the demo); default now.
        """
        with self.transaction() as c:
            self._log(c, "meeting", None, None, title, None, None, operator, at=at)
            return int(c.execute("SELECT last_insert_rowid()").fetchone()[0])

    def withdraw_meeting(self, fid: int, *, operator: str | None = None) -> dict[str, Any]:
        """Take a meeting mark back (its undo); return the mark's log row for :meth:`restore_meeting`.

        The log is append-only: the mark stays where it was recorded and a
        ``withdraw`` entry pointing at it (its whole row as the before-value)
        takes it out of "the last meeting" from now on.
        """
        with self.transaction() as c:
            mark = self._meeting_row(c, fid)
            if not self._meeting_active(c, fid):
                raise ValueError(f"meeting mark {fid} is already withdrawn")
            self._log(c, "withdraw", "situation_log", int(fid), f"撤销会商标记: {mark['summary']}", mark, None, operator)
        return mark

    def restore_meeting(self, mark: Mapping[str, Any], *, operator: str | None = None) -> None:
        """Put a withdrawn meeting mark back (the redo): a ``restore`` entry pointing at the same mark."""
        fid = int(mark["fid"])
        with self.transaction() as c:
            row = self._meeting_row(c, fid)
            if self._meeting_active(c, fid):
                raise ValueError(f"meeting mark {fid} is not withdrawn")
            self._log(c, "restore", "situation_log", fid, f"恢复会商标记: {row['summary']}", None, row, operator)

    @staticmethod
    def _meeting_row(c: sqlite3.Connection, fid: int) -> dict[str, Any]:
        names = ("fid", "at", "operator", "action", "target", "feature_id", "summary", "before", "after")
        row = c.execute(
            f"SELECT {', '.join(names)} FROM situation_log WHERE fid = ? AND action = 'meeting'", (int(fid),)
        ).fetchone()
        if row is None:
            raise KeyError(f"the log has no meeting mark {fid}")
        return dict(zip(names, row, strict=True))

    @staticmethod
    def _meeting_active(c: sqlite3.Connection, fid: int) -> bool:
        last = c.execute(
            "SELECT action FROM situation_log WHERE target = 'situation_log' AND feature_id = ?"
            " AND action IN ('withdraw', 'restore') ORDER BY fid DESC LIMIT 1", (int(fid),)
        ).fetchone()
        return last is None or last[0] == "restore"

    def meetings(self, before: str | None = None) -> list[tuple[int, str, str]]:
        """The consultation meetings marked and not withdrawn, as (log fid, time, title), oldest first.

        ``before``: only those at or before this stored time.
        """
        sql = "SELECT fid, at, summary FROM situation_log WHERE action = 'meeting'"
        params: tuple[Any, ...] = ()
        if before is not None:
            sql += " AND at <= ?"
            params = (before,)
        marks = self._con.execute(sql + " ORDER BY at, fid", params).fetchall()
        if not marks:
            return []
        state: dict[int, str] = {}
        for fid, action in self._con.execute(
            "SELECT feature_id, action FROM situation_log WHERE action IN ('withdraw', 'restore')"
            " AND target = 'situation_log' ORDER BY fid"
        ):
            state[fid] = action
        return [(int(f), at, title) for f, at, title in marks if at and state.get(f) != "withdraw"]

    # ------------------------------------------------------------ summaries
    def time_span(self) -> tuple[str, str] | None:
        """First and last ``reported_at`` over all record tables (stored UTC text)."""
        # only what looks like a stored time: a damaged cell must not become the span's end
        # each table's first and last down its reported_at index (a scan of the season's half a million
        # records took 60 ms, and every tally entry asks)
        present = set(self.keys())
        parts = [
            f'SELECT (SELECT reported_at FROM "{k}" WHERE reported_at GLOB \'{TIME_GLOB}\' ORDER BY reported_at'
            f' LIMIT 1) AS a, (SELECT reported_at FROM "{k}" WHERE reported_at GLOB \'{TIME_GLOB}\''
            " ORDER BY reported_at DESC LIMIT 1) AS b"
            for k, s in ALL.items()
            if "reported_at" in s.field_names and k in present
        ]
        if not parts:
            return None
        row = self._con.execute(
            f"SELECT min(a), max(b) FROM ({' UNION ALL '.join(parts)})"
        ).fetchone()
        if row is None or row[0] is None:
            return None
        return row[0], row[1]

    def latest_time(self, key: str, at: str) -> str | None:
        """The newest ``reported_at`` of ``key`` at or before ``at`` (stored text): one step down its index,
        where reading the column took a quarter of a second on a season's tally."""
        schema = schema_for(key)
        if "reported_at" not in schema.field_names:
            return None
        row = self._con.execute(
            f'SELECT reported_at FROM "{key}" WHERE reported_at <= ? AND reported_at <> \'\' '
            "ORDER BY reported_at DESC LIMIT 1", (at,)).fetchone()
        return None if row is None else row[0]

    def distinct(self, key: str, column: str) -> list[Any]:
        """The distinct values of one column (names offered for completion), without reading every row."""
        schema_for(key).field(column)
        return [r[0] for r in self._con.execute(f'SELECT DISTINCT "{column}" FROM "{key}"')]

    def info(self, check_all: bool = False) -> dict[str, Any]:
        """Layer counts and extents for ``floodpost info``, and what is damaged (see :meth:`check`).

        The layers are checked feature by feature; the record tables and the
        log (a season holds hundreds of thousands of rows, a second to scan)
        only with ``check_all``.
        """
        out: dict[str, Any] = {"path": str(self.path), "schema_version": self.schema_version}
        out["layers"] = {
            k: {"count": self.count(k), "extent": self.extent(k)} for k in LAYERS if k in self.keys()
        }
        out["tables"] = {k: {"count": self.count(k)} for k in TABLES if k in self.keys()}
        out["extent"] = self.extent()
        out["damaged"] = [
            {"layer": d.key, "fid": d.fid, "field": d.column, "problem": d.problem}
            for d in self.check(None if check_all else [k for k in LAYERS if k in self.keys()])
        ]
        return out

    def check(self, keys: Sequence[str] | None = None) -> list[Damage]:
        """Every feature and cell of the workspace that cannot be read as stored (reported as ``read`` does).

        Reads each layer's geometry with the numpy parser, which looks at
        each WKB's structure; only a layer where that finds something wrong
        is decoded by GEOS to name the feature. Cells of the wrong storage
        type are found by SQLite and then read to name the problem (text
        that is not UTF-8 is found only when read).
        """
        found: list[Damage] = []
        for key in self.keys() if keys is None else keys:
            schema = ALL[key]
            odd = []
            for f in schema.fields:
                allowed = {"int": "'integer'", "real": "'integer','real'"}.get(f.type, "'text'")
                odd.append(f'typeof("{f.name}") NOT IN (\'null\', {allowed})')
                if f.type == "datetime":
                    odd.append(f'"{f.name}" NOT GLOB \'[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*\'')
            suspects = [r[0] for r in self._con.execute(f'SELECT fid FROM "{key}" WHERE {" OR ".join(odd)}')]
            if suspects:  # read them: ``read`` names each bad cell
                self.read(key, [Where("fid", "in", suspects)], geometry=False)
            if not schema.is_spatial:
                continue
            rows = self._con.execute(f'SELECT fid, geom FROM "{key}" ORDER BY fid').fetchall()
            blobs = [r[1] for r in rows]
            bad: dict[int, str] = {}
            buf, starts, ends, empty = gpkg_wkb(blobs, bad)
            if bad or Shapes.from_wkb(buf, starts, np.where(empty, starts, ends)) is None:
                gpkg.decode(blobs, bad)
            found += [Damage(key, int(rows[i][0]), None, why) for i, why in sorted(bad.items())]
        self._report(found)
        return list(self.damage)


def _split_outlines(
    schema: TableSchema, records: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Point records for ``schema``, and outline records for its ``outline_layer``.

    A county's reservoir file often draws each reservoir as its water
    surface. An officer importing it "as reservoirs" expects nine
    reservoirs on the map, each with its scale and capacity, and the
    outlines kept: so each polygon becomes a point on its surface (where
    the symbol and name go) plus an outline row naming it. One table keeps
    one geometry type, as QGIS and GDAL expect.
    """
    outline_schema = LAYERS[schema.outline_layer or ""]
    points: list[dict[str, Any]] = []
    outlines: list[dict[str, Any]] = []
    for i, r in enumerate(records):
        g = r.get("geometry")
        if g is None or g.geom_type not in outline_schema.allowed_geometries:
            points.append(r)
            continue
        title = r.get(schema.title_field)
        outline = {
            f: r.get(f) for f in outline_schema.field_names if f in schema.field_names and f != "note"
        }
        if outline_schema.owner_field:
            outline[outline_schema.owner_field] = title
        outline["geometry"] = g
        outlines.append(validate_record(outline_schema, outline, source=outline_schema.key, row=i + 1))
        points.append({**r, "geometry": anchor_point(g)})
    return points, outlines


def anchor_point(g: Any) -> Any:
    """Where a feature kept as a point sits on its outline: inside a polygon, at the middle of a line.

    A dike section's incident sits halfway along the section (on its longest
    part), where an officer would put the marker by hand.
    """
    if g.geom_type in ("LineString", "MultiLineString"):
        parts = list(getattr(g, "geoms", [g]))
        longest = max(parts, key=lambda p: p.length)
        return shapely.line_interpolate_point(longest, 0.5, normalized=True)
    return shapely.point_on_surface(g)


def _create_table(c: sqlite3.Connection, schema: TableSchema) -> None:
    """Create one layer or table of ``schema`` and register it as the GeoPackage standard asks."""
    key = schema.key
    defs = ["fid INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL"]
    if schema.is_spatial:
        defs.append(f"geom {schema.geometry}")
    defs += [f'"{f.name}" {f.sql_type}' for f in schema.fields]
    defs += [_IDENTITY_SQL[col] for col in identity_columns(key)]
    c.execute(f'CREATE TABLE "{key}" ({", ".join(defs)})')
    c.execute(f'CREATE UNIQUE INDEX "{key}_uuid" ON "{key}" (uuid)')
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


#: How the storage-level columns are declared (plain columns: GDAL's validator and QGIS take them as attributes).
_IDENTITY_SQL = {"uuid": "uuid TEXT", "row_version": "row_version INTEGER NOT NULL DEFAULT 1"}
#: A random (version 4) UUID as text, made by SQLite for each row it fills: a season's 400,000 rows
#: written by another program took 3.9 s to fill one uuid4() and one UPDATE at a time, on opening.
#: Each part has its own randomblob(): a subquery making one blob to cut up is evaluated once for
#: the whole statement, and every row would get the same uuid.
_NEW_UUID_SQL = ("lower(hex(randomblob(4)) || '-' || hex(randomblob(2)) || '-4' || substr(hex(randomblob(2)), 2)"
                 " || '-' || substr('89ab', 1 + (random() & 3), 1) || substr(hex(randomblob(2)), 2)"
                 " || '-' || hex(randomblob(6)))")
#: Rows lacking a uuid beyond which the uuid index is built again after filling them (a sort), rather than
#: kept up to date one random key at a time.
_REINDEX_ROWS = 10_000


def _add_identity(c: sqlite3.Connection, fill: bool = True) -> str | None:
    """Give every table its ``uuid`` (and ``row_version``) columns and (``fill``) every row without a uuid one.

    Schema 2 → 3 does it for a whole workspace; each later open does it for
    rows another program (QGIS, GDAL) added without one. A unique index keeps
    two rows from sharing a uuid and finds the rows lacking one at once.
    """
    tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    added, filled = [], 0
    for key in ALL:
        if key not in tables:
            continue
        cols = {r[1] for r in c.execute(f'PRAGMA table_info("{key}")')}
        new = [col for col in identity_columns(key) if col not in cols]
        for col in new:
            c.execute(f'ALTER TABLE "{key}" ADD COLUMN {_IDENTITY_SQL[col]}')
        if new:
            added.append(key)
        missing = c.execute(f'SELECT count(*) FROM "{key}" WHERE uuid IS NULL').fetchone()[0] if fill else 0
        if missing > _REINDEX_ROWS:
            c.execute(f'DROP INDEX IF EXISTS "{key}_uuid"')
        if missing:
            c.execute(f'UPDATE "{key}" SET uuid = {_NEW_UUID_SQL} WHERE uuid IS NULL')
            filled += missing
        c.execute(f'CREATE UNIQUE INDEX IF NOT EXISTS "{key}_uuid" ON "{key}" (uuid)')
    if not added and not filled:
        return None
    parts = []
    if added:
        parts.append(f"{len(added)} 个图层和表增加唯一标识 uuid 与行版本 row_version")
    if filled:
        parts.append(f"{filled} 条记录补上 uuid")
    return "，".join(parts)


def _lacks_identity(c: sqlite3.Connection, rows: bool = True) -> bool:
    """Whether some table lacks the identity columns or (``rows``) some row its uuid (an index lookup per table)."""
    for key in ALL:
        cols = {r[1] for r in c.execute(f'PRAGMA table_info("{key}")')}
        if not cols:
            continue
        if set(identity_columns(key)) - cols:
            return True
        if rows and c.execute(f'SELECT 1 FROM "{key}" WHERE uuid IS NULL LIMIT 1').fetchone():
            return True
    return False


def _open_problem(path: Path, exc: sqlite3.DatabaseError) -> str:
    """What SQLite's refusal to read ``path`` means for the person opening it."""
    text = str(exc)
    if "locked" in text or "busy" in text:
        return f"{path} is locked by another program ({text}); close it there or try again"
    if "readonly" in text or "read-only" in text:
        return f"{path} cannot be upgraded: the file is read-only ({text}); copy it somewhere writable"
    if "disk is full" in text or "full" in text:
        return f"{path} cannot be upgraded: the disk is full ({text}); free some space and try again"
    if "malformed" in text or "corrupt" in text:
        return f"{path} is damaged ({text}); restore it from a backup"
    return f"{path}: not a GeoPackage ({text})"


def _reservoirs_as_points(c: sqlite3.Connection) -> str | None:
    """Schema 1 → 2: ``reservoirs`` holds points only; their outlines move to ``reservoir_areas``.

    Schema 1 kept points and polygons in one GEOMETRY column, which QGIS
    opens as a polygon layer (showing the one lake of nine reservoirs).
    Each polygon reservoir becomes a point on its surface and a row of
    ``reservoir_areas``; the column is declared POINT (the table is rebuilt,
    its fids, sequence, indexes and other triggers kept).
    """
    if not c.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='reservoirs'").fetchone():
        return None
    areas = LAYERS["reservoir_areas"]
    if not c.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='reservoir_areas'").fetchone():
        _create_table(c, areas)
    rows = c.execute('SELECT fid, geom, "name", "county", "source" FROM "reservoirs" WHERE geom IS NOT NULL').fetchall()
    bad: dict[int, str] = {}
    geoms = gpkg.decode([r[1] for r in rows], bad)
    moved: list[str] = []
    points, outlines = [], []
    for i, (fid, _, name, county, source) in enumerate(rows):
        g = geoms[i]
        if i in bad or g is None or g.is_empty or g.geom_type == "Point":
            continue  # a damaged one stays as it is and is reported when read
        point = shapely.point_on_surface(g)
        points.append((gpkg.encode([point], STORAGE_EPSG)[0], fid))
        if g.geom_type in ("Polygon", "MultiPolygon"):
            outline = shapely.MultiPolygon([g]) if g.geom_type == "Polygon" else g
            outlines.append((outline, name, county, source, fid))
        moved.append(f"{name or fid}")
    for outline, name, county, source, fid in outlines:
        c.execute(
            'INSERT INTO "reservoir_areas" (geom, "name", "reservoir", "county", "source", "note") VALUES (?,?,?,?,?,?)',
            (gpkg.encode([outline], STORAGE_EPSG)[0], name or f"水库 {fid}", name, county, source,
             f"由水库图层第{fid}号要素的范围迁移"),
        )
    if outlines:
        b = shapely.total_bounds(np.array([o[0] for o in outlines], dtype=object))
        c.execute(
            "UPDATE gpkg_contents SET min_x = min(coalesce(min_x, ?1), ?1), min_y = min(coalesce(min_y, ?2), ?2),"
            " max_x = max(coalesce(max_x, ?3), ?3), max_y = max(coalesce(max_y, ?4), ?4) WHERE table_name = 'reservoir_areas'",
            tuple(float(v) for v in b),
        )
    c.executemany('UPDATE "reservoirs" SET geom = ? WHERE fid = ?', points)
    _declare_geometry(c, "reservoirs", "POINT")
    if not moved:
        return "水库图层声明为点图层"
    return f"水库图层改为点图层，{len(moved)} 个水库（{'、'.join(moved)}）的范围移入水库水面图层 reservoir_areas"


MIGRATIONS[1] = _reservoirs_as_points
MIGRATIONS[2] = _add_identity


def _declare_geometry(c: sqlite3.Connection, table: str, kind: str) -> None:
    """Declare ``table``'s geometry column as ``kind`` in its SQL and in gpkg_geometry_columns.

    SQLite cannot change a column's declared type, so the table is rebuilt
    as SQLite's documentation describes: same columns and rows, same fids
    and AUTOINCREMENT sequence, its indexes and triggers (GDAL's too) made
    again. The R-tree is dropped here and rebuilt by ``_ensure_tables``.
    """
    c.execute("UPDATE gpkg_geometry_columns SET geometry_type_name = ? WHERE table_name = ?", (kind, table))
    info = c.execute(f'PRAGMA table_info("{table}")').fetchall()
    if any(col[1] == "geom" and col[2].upper() == kind for col in info):
        return
    gpkg.drop_rtree(c, table)
    extra = [
        r[0] for r in c.execute(
            "SELECT sql FROM sqlite_master WHERE tbl_name = ? AND type IN ('index', 'trigger') AND sql IS NOT NULL",
            (table,),
        )
    ]
    seq = c.execute("SELECT seq FROM sqlite_sequence WHERE name = ?", (table,)).fetchone()
    defs, names = [], []
    for _, name, typ, notnull, default, pk in info:
        names.append(f'"{name}"')
        if pk:
            defs.append(f'"{name}" INTEGER PRIMARY KEY AUTOINCREMENT NOT NULL')
            continue
        d = f'"{name}" {kind if name == "geom" else typ}'
        if notnull:
            d += " NOT NULL"
        if default is not None:
            d += f" DEFAULT {default}"
        defs.append(d)
    tmp = f"{table}__floodpost_rebuild"
    c.execute(f'CREATE TABLE "{tmp}" ({", ".join(defs)})')
    c.execute(f'INSERT INTO "{tmp}" ({", ".join(names)}) SELECT {", ".join(names)} FROM "{table}"')
    c.execute(f'DROP TABLE "{table}"')
    c.execute(f'ALTER TABLE "{tmp}" RENAME TO "{table}"')
    for sql in extra:
        c.execute(sql)
    if seq is not None:
        c.execute("UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = ?", (seq[0], table))


def geoframe(table: pd.DataFrame, geoms: np.ndarray) -> Any:
    """``table`` with lon/lat ``geoms`` (one per row) as its geometry column, in the storage CRS."""
    crs = f"EPSG:{STORAGE_EPSG}"
    import geopandas as gpd

    return gpd.GeoDataFrame(table, geometry=gpd.GeoSeries(geoms, index=table.index, crs=crs), crs=crs)


_SQL_OPS = {"=": "=", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=", "like": "LIKE"}


def _where_sql(schema: TableSchema, where: Sequence[Where]) -> tuple[str, tuple[Any, ...]]:
    """`` WHERE …`` for typed conditions (fields checked against the schema) and its parameters."""
    if isinstance(where, Where):
        where = (where,)
    parts: list[str] = []
    params: list[Any] = []
    for w in where:
        if not isinstance(w, Where):
            raise TypeError(f"read takes Where conditions, not {w!r}")
        if w.field != "fid" and w.field not in schema.field_names:
            raise KeyError(f"{schema.key} has no field {w.field!r}")
        col = "fid" if w.field == "fid" else f'"{w.field}"'
        if w.op == "in":
            values = list(w.value)
            if not values:
                parts.append("0")
                continue
            parts.append(f"{col} IN ({','.join('?' * len(values))})")
            params += values
        elif w.op == "between":
            parts.append(f"{col} BETWEEN ? AND ?")
            params += list(w.value)
        else:
            parts.append(f"{col} {_SQL_OPS[w.op]} ?")
            params.append(w.value)
    return (" WHERE " + " AND ".join(parts) if parts else ""), tuple(params)


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
    bad: dict[int, str] = {}
    buf, starts, ends, empty = gpkg_wkb([r[1] for r in rows], bad)
    shapes = Shapes.from_wkb(buf, starts, np.where(empty, starts, ends)) if not bad else None
    if shapes is None:  # damaged shapes are missing here; the process that reads the table reports them
        shapes = Shapes.from_geometries(gpkg.decode([r[1] for r in rows], {}))
    return fids, shapes


def _column(kind: str, values: Sequence[Any], n: int, bad: dict[int, str] | None = None) -> Any:
    """One attribute column from its stored values, typed as ``read`` promises.

    ``int`` fields become nullable Int64, ``real`` fields float (NaN for
    missing), everything else plain Python objects. A value that does not
    fit (text in a number field, bytes or broken UTF-8 in a text field)
    reads as missing, and ``bad[row]`` says what it was.
    """
    if kind == "int":
        try:
            arr = np.fromiter(values, dtype=np.int64, count=n)
        except (TypeError, ValueError, OverflowError):
            pass
        else:
            return pd.arrays.IntegerArray(arr, np.zeros(n, dtype=bool))
        try:
            return pd.array(list(values), dtype="Int64")
        except (TypeError, ValueError, OverflowError):
            pass
        nums = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce").to_numpy(dtype=float)
        whole = np.isfinite(nums) & (np.abs(nums) < 2**53) & (np.floor(nums) == nums)
        if bad is not None:
            for i in np.flatnonzero(~whole).tolist():
                v = values[i]
                if v is not None:
                    bad[i] = f"{_shown(v)} is not a whole number"
        return pd.arrays.IntegerArray(np.where(whole, nums, 0).astype(np.int64), ~whole)
    if kind == "real":
        try:
            return np.array(values, dtype=np.float64).reshape(n)
        except (TypeError, ValueError):
            out = pd.to_numeric(pd.Series(list(values), dtype=object), errors="coerce").astype(float).to_numpy()
            if bad is not None:
                for i in np.flatnonzero(np.isnan(out)).tolist():
                    v = values[i]
                    if v is not None and not (isinstance(v, float) and v != v):
                        bad[i] = f"{_shown(v)} is not a number"
            return out
    out = np.empty(n, dtype=object)
    out[:] = values
    if kind == "datetime" and n:
        _check_times(out, bad)
    if bad is not None:
        for i, v in enumerate(values):
            if v is None or type(v) is str:
                continue
            if isinstance(v, _BadText):
                bad[i] = "the text is not valid UTF-8"
                out[i] = str(v)
            elif isinstance(v, (bytes, bytearray, memoryview)):
                bad[i] = f"binary data ({len(v)} bytes) where text belongs"
                out[i] = None
    return out


def _check_times(out: np.ndarray, bad: dict[int, str] | None) -> None:
    """Blank the stored times that are not times (each one in ``bad``); the rest as they are.

    Times are stored as FloodPost writes them (``2021-07-22T02:00:00.000Z``)
    or, edited elsewhere, some other ISO 8601 form; one cell of "yesterday"
    must not stop the time slider, the web map or an export.
    """
    stamps = pd.to_datetime(pd.Series(out, dtype=object), format="%Y-%m-%dT%H:%M:%S.%fZ", errors="coerce")
    for i in np.flatnonzero(stamps.isna().to_numpy()).tolist():
        v = out[i]
        if v is None or isinstance(v, (bytes, bytearray, memoryview)):
            continue  # empty, or reported as binary below
        try:
            parse_time(v)
        except (ValueError, TypeError, OverflowError):
            if bad is not None:
                bad[i] = f"{_shown(v)} is not a time"
            out[i] = None


def _shown(value: Any) -> str:
    """A stored value as a message shows it: short, and bytes as a count."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return f"binary data ({len(value)} bytes)"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


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


def _stored(value: Any) -> Any:
    """A frame's cell as SQLite stores it: None for missing, plain ints and floats, times as stored text."""
    value = _plain(value)
    if isinstance(value, (pd.Timestamp, np.datetime64)) or hasattr(value, "isoformat"):
        return to_storage(value)
    return value


def _stored_column(series: pd.Series) -> list[Any]:
    """A frame's column as SQLite binds it, a column at a time (a county's 200,000 rows: no call per cell
    but for odd values)."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        return [_stored(v) for v in series.tolist()]
    values = series.to_numpy(dtype=object, na_value=None).tolist()
    plain = (str, int, float, type(None))
    if not pd.api.types.is_object_dtype(series.dtype) and not pd.api.types.is_string_dtype(series.dtype):
        return values  # numbers: Python ints and floats already
    return [v if type(v) in plain else _stored(v) for v in values]


def _loaded_uuids(table: pd.DataFrame, n: int) -> list[str]:
    """The uuids of rows to load; a row without one (a frame from elsewhere) gets a new one."""
    if "uuid" not in table.columns:
        return new_uuids(n)
    return [str(u) if _plain(u) is not None else str(uuid.uuid4()) for u in table["uuid"].tolist()]
