"""A workspace in a PostgreSQL/PostGIS database, shared by every workstation of the post.

The same semantics as :class:`~floodpost.data.store.gpkg.GpkgStore` (its
validation, its log entries, its frames and dtypes), on a server: every write
is one transaction with its log entry, the stock check of a dispatch and its
insert hold a transaction-level advisory lock, an edit made on an old
``row_version`` raises :class:`StaleEdit`, and the log entries every client
writes (FloodPost or not: triggers log the others) are announced with
LISTEN/NOTIFY on :meth:`PostgisStore.watch_fd`.
"""

from __future__ import annotations

import contextlib
import json
import os
import socket
import urllib.parse
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

import numpy as np
import pandas as pd
import shapely

from floodpost.data.schema import ALL, LAYERS, STORAGE_EPSG, TABLES, TableSchema, schema_for
from floodpost.data.schema.validate import validate_record, validate_records
from floodpost.data.shapes import Shapes
from floodpost.data.store import ReadOnlyWorkspace, StaleEdit, StorageError, Where
from floodpost.data.store.gpkg.store import (
    Damage,
    DamageLedger,
    _column,
    _plain,
    _split_outlines,
    default_operator,
    geoframe,
)
from floodpost.data.store.identity import deleted_uuids, identity_columns, insert_entry, new_uuids
from floodpost.data.store.postgis import server
from floodpost.data.timeutil import now_storage, to_storage

SCHEMA_VERSION = 5
#: The advisory lock :meth:`PostgisStore.locked` takes (one per database: checks are rare and short).
LOCK_KEY = 0x466C6F6F64  # "Flood"
#: What a stored time looks like (a regular expression), for SQL that must pass over a damaged cell.
TIME_RE = "^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:"


def is_location(text: str | os.PathLike[str]) -> bool:
    """Whether ``text`` names a database (a URL or a libpq ``key=value`` string) rather than a file."""
    from floodpost.data.store import is_shared_location

    return is_shared_location(text)


def redact(location: str) -> str:
    """``location`` parsed and written again without its password: the canonical form a store keeps as its
    ``location`` (compared by ``same_location``). Free text quoting a location is scrubbed by
    :func:`floodpost.data.store.strip_password` instead."""
    text = os.fspath(location).strip()
    if text.startswith(("postgresql://", "postgres://")):
        parts = urllib.parse.urlsplit(text)
        netloc = parts.netloc
        if "@" in netloc:
            cred, host = netloc.rsplit("@", 1)
            user = cred.split(":", 1)[0]
            netloc = f"{user}@{host}" if user else host
        query = urllib.parse.urlencode(
            [(k, v) for k, v in urllib.parse.parse_qsl(parts.query, keep_blank_values=True) if k != "password"])
        return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        params = conninfo_to_dict(text)
    except Exception:  # noqa: BLE001 - not parseable: keep nothing that looks like a password
        return " ".join(p for p in text.split() if not p.lower().startswith("password"))
    params.pop("password", None)
    return make_conninfo(**{k: v for k, v in params.items() if v is not None})


def _describe(location: str) -> str:
    """server/database of a location, for messages and titles."""
    from psycopg.conninfo import conninfo_to_dict

    try:
        p = conninfo_to_dict(location)
    except Exception:  # noqa: BLE001
        return redact(location)
    if "service" in p and "dbname" not in p:
        return f"service {p['service']}"
    host = p.get("host") or "localhost"
    port = f":{p['port']}" if p.get("port") else ""
    return f"{host}{port}/{p.get('dbname') or p.get('user') or '?'}"


def _cause(exc: Exception) -> str:
    """What a psycopg error means for the person who asked."""
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    low = text.lower()
    if "does not exist" in low and "database" in low:
        return f"no such database ({text})"
    if "connection refused" in low or "could not connect" in low or "no route" in low or "timeout" in low \
            or "could not translate host" in low or "is the server running" in low:
        return f"cannot connect to the server ({text})"
    if "password authentication failed" in low or "no password supplied" in low:
        return f"authentication failed ({text}); credentials come from ~/.pgpass, the service file or PG* variables"
    if "permission denied" in low:
        return f"permission denied ({text})"
    return text


def _connect(conninfo: str, description: str, *, read_only: bool = False) -> Any:
    import psycopg

    try:
        con = psycopg.connect(conninfo, autocommit=True,
                              application_name=f"floodpost@{socket.gethostname()}"[:63])
    except psycopg.Error as exc:
        raise StorageError(f"{description}: {_cause(exc)}") from None
    if read_only:
        con.execute("SET default_transaction_read_only = on")
    return con


def init_server(location: str) -> None:
    """Set a database up for FloodPost: PostGIS, the tables, triggers and the three roles.

    Idempotent (run again after an upgrade: missing tables, indexes, triggers
    and grants are added, nothing is dropped). Needs a role that may create
    the extension and roles (the database owner with CREATEROLE, or a superuser).
    The workspace's ``create`` entry is logged when the tables are new.
    """
    description = _describe(location)
    con = _connect(location, description)
    try:
        import psycopg

        dbname = con.info.dbname
        try:
            with con.transaction(), con.cursor() as cur:
                new = not _has_meta(cur)
                cur.execute("SELECT set_config('floodpost.logged', 'on', true)")
                server.install_tables(cur)
                if new:
                    cur.execute("INSERT INTO floodpost_meta VALUES ('schema_version', %s)", (str(SCHEMA_VERSION),))
                    _insert_log(cur, "create", None, None, f"workspace created: {dbname}", None, None, None)
                for sql in server.roles_sql():
                    cur.execute(sql)
                for sql in server.grants_sql(dbname):
                    cur.execute(sql)
        except psycopg.errors.InsufficientPrivilege as exc:
            raise StorageError(f"{description}: cannot set up the server: {_cause(exc)}; "
                               "run it as the database owner with CREATEROLE, or a superuser") from None
        except psycopg.Error as exc:
            raise StorageError(f"{description}: cannot set up the server: {_cause(exc)}") from None
    finally:
        con.close()


def _has_meta(cur: Any) -> bool:
    cur.execute("SELECT to_regclass('floodpost_meta') IS NOT NULL")
    return bool(cur.fetchone()[0])


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def _insert_log(cur: Any, action: str, target: str | None, fid: int | None, summary: str, before: Any,
                after: Any, operator: str | None, at: Any = None, entry_uuid: str | None = None) -> int:
    cur.execute(
        "INSERT INTO situation_log (uuid, at, operator, action, target, feature_id, summary, before, after)"
        " VALUES (%s,%s,%s,%s,%s,%s,%s,%s,%s) RETURNING fid",
        (entry_uuid or str(uuid.uuid4()), to_storage(at) if at is not None else now_storage(), operator or default_operator(),
         action, target, fid, summary, None if before is None else _json(before),
         None if after is None else _json(after)),
    )
    return int(cur.fetchone()[0])


def _geom_sql(schema: TableSchema) -> str:
    """The placeholder of a geometry written as WKB (multi layers take single parts as one-part multis)."""
    g = f"ST_GeomFromWKB(%s, {STORAGE_EPSG})"
    return f"ST_Multi({g})" if (schema.geometry or "").upper().startswith("MULTI") else g


def _wkb(geoms: Sequence[Any]) -> list[bytes | None]:
    arr = np.empty(len(geoms), dtype=object)
    arr[:] = list(geoms)
    return list(shapely.to_wkb(arr, byte_order=1))


class PostgisStore(DamageLedger):
    """A workspace in a PostgreSQL/PostGIS database (the :class:`~floodpost.data.store.Store` of a post).

    Examples
    --------
    >>> ws = PostgisStore.open("postgresql://duty@gis-server/flood")  # doctest: +SKIP
    >>> ws.insert("works", [{"place": "卫河左堤", "reported_at": "2021-07-23 12:00"}])  # doctest: +SKIP
    """

    def __init__(self, location: str, conninfo: str, con: Any, *, read_only: bool = False) -> None:
        self._location = redact(location)
        self._conninfo = conninfo  # may hold a password given in the URL: never shown, never kept on disk
        self._con = con
        self._description = _describe(self._location)
        self.read_only = read_only
        self._init_damage()  # cells found unreadable (a time that is not one, typed in by another client)
        self._depth = 0
        self._writes = 0
        self._listen: Any = None
        #: (uuid, note) for the next log entry written: a queued change being sent (:meth:`queued_entry`).
        self._entry: tuple[str, str] | None = None

    # ------------------------------------------------------------ lifecycle
    @classmethod
    def create(cls, location: str | os.PathLike[str], overwrite: bool = False) -> PostgisStore:
        """A new, empty workspace in an existing database (tables, triggers; roles if this login may).

        ``overwrite`` drops a workspace already there first (its data and log are lost).
        """
        text = os.fspath(location)
        description = _describe(text)
        con = _connect(text, description)
        import psycopg

        try:
            with con.transaction(), con.cursor() as cur:
                if _has_meta(cur):
                    if not overwrite:
                        raise StorageError(f"{description} already holds a FloodPost workspace")
                    for key in reversed(list(ALL)):
                        cur.execute(f'DROP TABLE IF EXISTS "{key}" CASCADE')
                    cur.execute("DROP TABLE floodpost_meta")
                cur.execute("SELECT set_config('floodpost.logged', 'on', true)")
                server.install_tables(cur)
                cur.execute("INSERT INTO floodpost_meta VALUES ('schema_version', %s)", (str(SCHEMA_VERSION),))
                _insert_log(cur, "create", None, None, f"workspace created: {con.info.dbname}", None, None, None)
        except psycopg.errors.InsufficientPrivilege as exc:
            con.close()
            raise ReadOnlyWorkspace(f"{description}: cannot create a workspace: {_cause(exc)}") from None
        except psycopg.Error as exc:
            con.close()
            raise StorageError(f"{description}: cannot create a workspace: {_cause(exc)}") from None
        except BaseException:
            con.close()
            raise
        _try_roles(con)
        return cls(text, text, con)

    @classmethod
    def open(cls, location: str | os.PathLike[str], read_only: bool = False) -> PostgisStore:
        """Open the workspace in a database; a StorageError names the server/database and the cause."""
        text = os.fspath(location)
        description = _describe(text)
        con = _connect(text, description, read_only=read_only)
        import psycopg

        try:
            with con.cursor() as cur:
                if not _has_meta(cur):
                    raise StorageError(f"{description}: not a FloodPost workspace (no floodpost_meta table); "
                                       "run 'floodpost server init' on it first")
                cur.execute("SELECT value FROM floodpost_meta WHERE key = 'schema_version'")
                row = cur.fetchone()
            version = int(row[0]) if row and str(row[0]).isdigit() else 0
            if version > SCHEMA_VERSION:
                raise StorageError(f"{description}: written by a newer FloodPost (schema {version} > "
                                   f"{SCHEMA_VERSION}); open it with that version")
        except psycopg.Error as exc:
            con.close()
            hint = "; ask the administrator for a floodpost role" if "permission" in str(exc) else ""
            raise StorageError(f"{description}: {_cause(exc)}{hint}") from None
        except BaseException:
            con.close()
            raise
        store = cls(text, text, con, read_only=read_only)
        if version < SCHEMA_VERSION and not read_only:
            # a role that may not upgrade reads it as it is; the admin upgrades with server init
            with contextlib.suppress(StorageError):
                store._upgrade(version)
        return store

    def _upgrade(self, version: int) -> None:
        """Bring an older workspace to this schema: missing tables, columns, indexes, triggers; logged."""
        with self.transaction() as con, con.cursor() as cur:
            server.install_tables(cur)
            cur.execute("UPDATE floodpost_meta SET value = %s WHERE key = 'schema_version'", (str(SCHEMA_VERSION),))
            _insert_log(cur, "migrate", None, None, f"工作区升级（第{version}版 → 第{SCHEMA_VERSION}版）",
                        {"schema_version": version}, {"schema_version": SCHEMA_VERSION, "changes": []}, None)

    @property
    def location(self) -> str:
        """The connection string without a password, as :func:`~floodpost.data.store.open_store` takes it again."""
        return self._location

    @property
    def name(self) -> str:
        return self._description

    @property
    def schema_version(self) -> int:
        row = self._one("SELECT value FROM floodpost_meta WHERE key = 'schema_version'")
        return int(row[0]) if row else 0

    def reader(self) -> PostgisStore:
        """The same database on a connection of its own (a worker thread reads while the window writes)."""
        return PostgisStore(self._location, self._conninfo,
                            _connect(self._conninfo, self._description, read_only=self.read_only),
                            read_only=self.read_only)

    def close(self) -> None:
        if self._listen is not None:
            self._listen.close()
            self._listen = None
        self._con.close()

    def __enter__(self) -> PostgisStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"PostgisStore({self._location!r})"

    # ------------------------------------------------------------ plumbing
    def _cursor(self, binary: bool = False) -> Any:
        return self._con.cursor(binary=binary)

    def _all(self, sql: str, params: Sequence[Any] = (), binary: bool = False) -> list[tuple[Any, ...]]:
        """The rows of one query. Outside a transaction, a connection the server dropped (a restart,
        a network blip) is opened again and the read tried once more: reads are safe to repeat."""
        import psycopg

        for attempt in (0, 1):
            if not self._depth:
                self._reconnect_if_broken()
            try:
                with self._cursor(binary) as cur:
                    cur.execute(sql, params)
                    return cur.fetchall()
            except psycopg.errors.InsufficientPrivilege as exc:
                raise StorageError(f"{self.name}: {_cause(exc)}") from None
            except psycopg.OperationalError as exc:
                if attempt or self._depth or not self._con.broken:
                    raise StorageError(f"{self.name}: {_cause(exc)}") from None
        raise AssertionError("unreachable")

    def _reconnect_if_broken(self) -> None:
        if self._con.broken or self._con.closed:
            if self._con.closed and not self._con.broken:
                raise StorageError(f"{self.name}: the workspace was closed")
            self._con = _connect(self._conninfo, self._description, read_only=self.read_only)

    def _one(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        rows = self._all(sql, params)
        return rows[0] if rows else None

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """Yield the connection inside one transaction; roll back on any error.

        A transaction opened inside another joins it (a check and the writes
        it guards commit or roll back together, see :meth:`locked`). The
        transaction is marked ``floodpost.logged``: FloodPost writes its own
        log entries, so the server's triggers do not log them again. A write
        the role may not make is a :class:`ReadOnlyWorkspace` naming the
        database and the role; a lost connection a :class:`StorageError`.
        """
        if self._depth:
            yield self._con
            return
        if self.read_only:
            raise ReadOnlyWorkspace(f"{self.name}: opened read-only; nothing was changed")
        import psycopg

        self._begin()
        self._depth += 1
        try:
            try:
                yield self._con
                self._con.execute("COMMIT")
            except BaseException:
                self._rollback()
                raise
        except psycopg.errors.InsufficientPrivilege as exc:
            raise ReadOnlyWorkspace(
                f"{self.name}: the database role {self._con.info.user!r} may not write this "
                f"({_cause(exc)}); nothing was changed") from None
        except psycopg.errors.ReadOnlySqlTransaction:
            raise ReadOnlyWorkspace(f"{self.name}: opened read-only; nothing was changed") from None
        except psycopg.OperationalError as exc:
            raise StorageError(f"{self.name}: lost the server ({_cause(exc)}); the change was not confirmed, "
                               "see the log once the server is back before entering it again") from None
        except psycopg.Error as exc:
            raise StorageError(f"{self.name}: cannot write ({_cause(exc)}); nothing was changed") from None
        finally:
            self._depth -= 1
        self._writes += 1

    def _begin(self) -> None:
        """BEGIN, marked as FloodPost's own; a connection the server dropped while idle is opened again
        once (nothing of the write was sent yet, so trying again cannot write it twice)."""
        import psycopg

        for attempt in (0, 1):
            self._reconnect_if_broken()
            try:
                self._con.execute("BEGIN; SELECT set_config('floodpost.logged', 'on', true)")
                return
            except psycopg.OperationalError as exc:
                if attempt or not self._con.broken:
                    raise StorageError(f"{self.name}: {_cause(exc)}; nothing was changed") from None

    def _rollback(self) -> None:
        import psycopg

        if self._con.broken or self._con.closed:
            return
        try:  # noqa: SIM105 - the error that brought us here is the one to report
            self._con.execute("ROLLBACK")
        except psycopg.Error:
            pass

    @contextmanager
    def locked(self) -> Iterator[None]:
        """One transaction holding the workspace's advisory lock: a check and the write it allows, alone.

        Every client's :meth:`insert_checked` (the stock a dispatch takes) takes
        the same lock, so two workstations dispatching from one stock never
        both see it before either writes. Writes inside join it.
        """
        if self._depth:
            yield
            return
        with self.transaction() as con:
            con.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
            yield

    def change_token(self) -> tuple[int, int, int]:
        """Changes whenever anything was written: by this store, or by anyone (the newest log fid)."""
        return (id(self), self._writes, self.log_max_fid())

    def fold_stamp(self) -> tuple[Any, ...]:
        """The database, the newest log entry and its uuid: what a fold kept on disk compares.

        Every write to a shared workspace is logged (the server's triggers
        log what other programs write), so the log alone tells change.
        """
        fid = self.log_max_fid()
        return (self._location, fid, self.log_uuid(fid))

    def log_uuid(self, fid: int) -> str | None:
        """The uuid of log entry ``fid``: whether a fold kept on disk was made from this workspace's history."""
        row = self._one("SELECT uuid::text FROM situation_log WHERE fid = %s", (int(fid),))
        return None if row is None or row[0] is None else str(row[0])

    def can_write(self) -> bool:
        """Whether this login's roles may write features, records and the log here."""
        if self.read_only:
            return False
        row = self._one("SELECT has_table_privilege('situation_log', 'INSERT')"
                        " AND has_table_privilege('hazards', 'INSERT,UPDATE,DELETE')")
        return bool(row and row[0])

    # ------------------------------------------------------------ live updates
    def watch_fd(self) -> int:
        """The socket of a LISTEN connection of its own; readable when any client logged a change.

        Own writes are announced too (one connection cannot tell the server's
        notifications of its own commits from others' without a round trip):
        a caller that already shows them skips the fids it wrote.
        """
        if self._listen is None:
            self._listen = _connect(self._conninfo, self._description)
            self._listen.execute(f"LISTEN {server.CHANNEL}")
        return int(self._listen.pgconn.socket)

    def drain_notifications(self) -> list[int]:
        """The log fids announced since the last call, without blocking (empty when nothing arrived)."""
        if self._listen is None:
            self.watch_fd()
            return []
        pgconn = self._listen.pgconn
        out: list[int] = []
        from psycopg import pq

        try:
            pgconn.consume_input()
            pgconn.consume_input()  # a server that said goodbye and closed: the second read finds the end
            lost = pgconn.status != pq.ConnStatus.OK
            problem = pgconn.error_message.decode(errors="replace").strip() if lost else ""
        except Exception as exc:  # noqa: BLE001 - the server went away
            lost, problem = True, str(exc)
        if lost:  # say so: the next watch_fd() connects again, and gives the new socket
            self._listen.close()
            self._listen = None
            raise StorageError(f"{self.name}: lost the connection that receives changes ({problem}); "
                               "call watch_fd() again for the new socket")
        while True:
            n = pgconn.notifies()
            if n is None:
                break
            try:
                out.append(int(n.extra.decode()))
            except ValueError:
                continue
        return sorted(set(out))

    # ------------------------------------------------------------ structure
    def keys(self) -> list[str]:
        """Layer keys and tables present, in schema order."""
        rows = self._all("SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                         " WHERE c.relkind IN ('r', 'p') AND n.nspname = current_schema()")
        present = {r[0] for r in rows}
        return [k for k in ALL if k in present]

    def count(self, key: str) -> int:
        schema_for(key)
        return int(self._one(f'SELECT count(*) FROM "{key}"')[0])  # type: ignore[index]

    def count_bound(self, key: str) -> int:
        """At least ``count(key)``: the highest fid, an index lookup."""
        return self.max_fid(key)

    def max_fid(self, key: str) -> int:
        """The highest fid of a layer or table (0 when empty)."""
        schema_for(key)
        row = self._one(f'SELECT max(fid) FROM "{key}"')
        return int(row[0] or 0) if row else 0

    def geometry_bytes(self, key: str, rows: int | None = None, sample: int = 64) -> int:
        """About how many bytes a layer's shapes take (the first ``sample`` shapes' mean, times ``rows``)."""
        schema = schema_for(key)
        if not schema.is_spatial:
            return 0
        row = self._one(f'SELECT avg(ST_MemSize(geom)) FROM (SELECT geom FROM "{key}" ORDER BY fid LIMIT %s) s',
                        (sample,))
        return int(float(row[0] or 0) * (self.count_bound(key) if rows is None else rows)) if row else 0

    def extent(self, key: str | None = None) -> tuple[float, float, float, float] | None:
        """Bounds (minx, miny, maxx, maxy) of one layer or of all layers, in degrees."""
        keys = [key] if key else [k for k, s in LAYERS.items() if s.is_spatial]
        keys = [k for k in keys if schema_for(k).is_spatial]
        if not keys:
            return None
        union = " UNION ALL ".join(f'SELECT ST_Extent(geom) AS e FROM "{k}"' for k in keys)
        row = self._one(f"SELECT ST_XMin(b), ST_YMin(b), ST_XMax(b), ST_YMax(b) FROM "
                        f"(SELECT ST_Extent(e::geometry) AS b FROM ({union}) u) x")
        if row is None or row[0] is None:
            return None
        return (float(row[0]), float(row[1]), float(row[2]), float(row[3]))

    def time_span(self) -> tuple[str, str] | None:
        """First and last ``reported_at`` over all record tables (stored UTC text)."""
        parts = [f'SELECT min(reported_at) AS a, max(reported_at) AS b FROM "{k}" WHERE reported_at ~ %s'
                 for k, s in ALL.items() if "reported_at" in s.field_names]
        row = self._one(f"SELECT min(a), max(b) FROM ({' UNION ALL '.join(parts)}) u", [TIME_RE] * len(parts))
        if row is None or row[0] is None:
            return None
        return row[0], row[1]

    def latest_time(self, key: str, at: str) -> str | None:
        """The newest ``reported_at`` of ``key`` at or before ``at`` (stored text), down its index."""
        schema = schema_for(key)
        if "reported_at" not in schema.field_names:
            return None
        row = self._one(f'SELECT reported_at FROM "{key}" WHERE reported_at <= %s AND reported_at <> \'\' '
                        "ORDER BY reported_at DESC LIMIT 1", [at])
        return None if row is None else row[0]

    def distinct(self, key: str, column: str) -> list[Any]:
        """The distinct values of one column (names offered for completion), without reading every row."""
        schema_for(key).field(column)
        return [r[0] for r in self._all(f'SELECT DISTINCT "{column}" FROM "{key}"')]

    def info(self, check_all: bool = False) -> dict[str, Any]:
        """Layer counts and extents for ``floodpost info`` (the database in place of a path)."""
        keys = self.keys()
        out: dict[str, Any] = {"path": self.location, "schema_version": self.schema_version}
        out["layers"] = {k: {"count": self.count(k), "extent": self.extent(k)} for k in LAYERS if k in keys}
        out["tables"] = {k: {"count": self.count(k)} for k in TABLES if k in keys}
        out["extent"] = self.extent()
        out["damaged"] = [
            {"layer": d.key, "fid": d.fid, "field": d.column, "problem": d.problem}
            for d in self.check(None if check_all else [k for k in LAYERS if k in keys])
        ]
        return out

    def check(self, keys: Sequence[str] | None = None) -> list[Damage]:
        """Cells that cannot be read as stored (the server types the columns: times typed in elsewhere)."""
        for key in self.keys() if keys is None else keys:
            schema = ALL[key]
            times = [f.name for f in schema.fields if f.type == "datetime"]
            if times:
                odd = " OR ".join(f'("{t}" IS NOT NULL AND "{t}" !~ %s)' for t in times)
                suspects = [r[0] for r in self._all(f'SELECT fid FROM "{key}" WHERE {odd}', [TIME_RE] * len(times))]
                if suspects:
                    self.read(key, [Where("fid", "in", suspects)], geometry=False)
        return list(self.damage)

    # ------------------------------------------------------------ reading
    def _select(self, key: str, where: Sequence[Where], fields: Sequence[Any], spatial: bool,
                extra: Sequence[str] = ()) -> tuple[np.ndarray, dict[str, Any], list[Any] | None, dict[str, Any]]:
        """fids, typed field columns, WKB (or None) and extra columns of one query, whole columns at once."""
        select = ["fid"] + (["ST_AsBinary(geom, 'NDR')"] if spatial else []) + [f'"{f.name}"' for f in fields]
        select += [f"{c}::text" if c == "uuid" else c for c in extra]
        clause, params = _where_sql(schema_for(key), where)
        rows = self._all(f'SELECT {", ".join(select)} FROM "{key}"{clause} ORDER BY fid', params, binary=True)
        n = len(rows)
        cols = list(zip(*rows, strict=True)) if rows else [() for _ in select]
        fids = np.fromiter(cols[0], dtype=np.int64, count=n)
        first = 2 if spatial else 1
        found: list[Damage] = []
        data: dict[str, Any] = {}
        for i, f in enumerate(fields):
            bad: dict[int, str] = {}
            data[f.name] = _column(f.type, list(cols[first + i]), n, bad)
            found += [Damage(key, int(fids[j]), f.name, why) for j, why in bad.items()]
        self._report(found)
        wkb = [None if b is None else bytes(b) for b in cols[1]] if spatial else None
        more = {c: list(cols[first + len(fields) + i]) for i, c in enumerate(extra)}
        return fids, data, wkb, more

    def read(self, key: str, where: Sequence[Where] = (), *, columns: Sequence[str] | None = None,
             bulk: bool = False, geometry: bool = True, keep_damaged: bool = False) -> Any:
        """A layer (GeoDataFrame in EPSG:4490) or a table (DataFrame) indexed by fid, in one query.

        Same columns, order and dtypes as the GeoPackage's ``read``: ``int``
        fields nullable Int64, ``real`` float, the rest objects; ``columns``
        limits the attributes read, ``geometry=False`` leaves the shapes out.
        """
        schema = schema_for(key)
        fields = list(schema.fields)
        if columns is not None:
            wanted = set(columns)
            unknown = wanted - set(schema.field_names)
            if unknown:
                raise KeyError(f"{key} has no column {', '.join(sorted(unknown))}")
            fields = [f for f in fields if f.name in wanted]
        spatial = schema.is_spatial and geometry
        fids, data, wkb, _ = self._select(key, where, fields, spatial)
        cols = [f.name for f in fields]
        if spatial:
            arr = np.empty(len(fids), dtype=object)
            arr[:] = wkb or []
            import geopandas as gpd

            frame = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(shapely.from_wkb(arr), crs=f"EPSG:{STORAGE_EPSG}"),
                                     crs=f"EPSG:{STORAGE_EPSG}")
        else:
            frame = pd.DataFrame(data, columns=cols)
        frame.index = pd.Index(fids, name="fid")
        return frame

    def read_shapes(self, key: str, columns: Sequence[str], rows: int | None = None) -> tuple[pd.DataFrame, Shapes] | None:
        """A few text columns of a big layer (DataFrame by fid) and its :class:`Shapes`: one query, no shapely."""
        schema = schema_for(key)
        fields = [f for f in schema.fields if f.name in set(columns)]
        if not schema.is_spatial or len(fields) != len(set(columns)) or any(f.sql_type != "TEXT" for f in fields):
            return None
        fids, data, wkb, _ = self._select(key, (), fields, True)
        shapes = Shapes.from_wkb_array(wkb or [])
        index = pd.Index(fids, name="fid")
        frame = pd.DataFrame({c: pd.Series(v, index=index, dtype=object) for c, v in data.items()}, index=index)
        return frame, shapes

    def read_arrow(self, key: str, columns: Sequence[str] | None = None) -> Any | None:
        """A whole table's columns (and ``fid``) as a pyarrow Table, or None (``read`` then serves).

        Times come as UTC millisecond timestamps, as GDAL gives them from a GeoPackage.
        """
        if self._depth or key not in self.keys():
            return None
        try:
            import pyarrow as pa
        except ImportError:
            return None
        schema = schema_for(key)
        names = list(schema.field_names if columns is None else columns)
        fields = [schema.field(c) for c in names]
        fids, data, _, _ = self._select(key, (), fields, False)
        arrays: dict[str, Any] = {"fid": pa.array(fids, type=pa.int64())}
        for f in fields:
            v = data[f.name]
            if f.type == "int":
                arrays[f.name] = pa.array(v, type=pa.int64())
            elif f.type == "real":
                arrays[f.name] = pa.array(v, type=pa.float64(), from_pandas=True)
            elif f.type == "datetime":
                ms = pd.to_datetime(pd.Series(v, dtype=object), utc=True, errors="coerce", format="ISO8601")
                arrays[f.name] = pa.array(ms, type=pa.timestamp("ms", tz="UTC"), from_pandas=True)
            else:
                arrays[f.name] = pa.array(list(v), type=pa.string())
        return pa.table(arrays)

    def read_geometry(self, key: str) -> tuple[np.ndarray, Shapes]:
        """(fids, lon/lat shapes) of one layer, by fid: the shapes alone, for the render helper."""
        schema = schema_for(key)
        if not schema.is_spatial:
            raise KeyError(f"{key} has no geometry")
        fids, _, wkb, _ = self._select(key, (), [], True)
        return fids, Shapes.from_wkb_array(wkb or [])

    def feature(self, key: str, fid: int) -> dict[str, Any] | None:
        """One feature or row as a dict (geometry under ``geometry``), or None."""
        frame = self.read(key, [Where("fid", "=", int(fid))], keep_damaged=True)
        if frame.empty:
            return None
        rec = frame.iloc[0].to_dict()
        rec["fid"] = int(frame.index[0])
        return rec

    def rows(self, key: str, first: int, last: int) -> list[dict[str, Any]]:
        """Rows ``first``..``last`` (by fid) as plain dicts with their fid (no geometry, no identity)."""
        schema = schema_for(key)
        names = ["fid", *schema.field_names]
        sel = ", ".join(f'"{c}"' for c in names)
        got = self._all(f'SELECT {sel} FROM "{key}" WHERE fid BETWEEN %s AND %s ORDER BY fid', (int(first), int(last)))
        return [dict(zip(names, r, strict=True)) for r in got]

    def identity(self, key: str) -> pd.DataFrame:
        """Each row's storage identity by fid: ``uuid`` and (but in the log) ``row_version``."""
        cols = identity_columns(schema_for(key).key)
        sel = ", ".join("uuid::text" if c == "uuid" else c for c in cols)
        rows = self._all(f'SELECT fid, {sel} FROM "{key}" ORDER BY fid')
        frame = pd.DataFrame([r[1:] for r in rows], columns=list(cols), index=pd.Index([r[0] for r in rows], name="fid"))
        if "row_version" in frame:
            frame["row_version"] = frame["row_version"].astype("int64")
        return frame

    def row_version(self, key: str, fid: int) -> int | None:
        """The row's version now, None when it is gone (the log has none: it is never updated)."""
        schema_for(key)
        if key == "situation_log":
            return None
        row = self._one(f'SELECT row_version FROM "{key}" WHERE fid = %s', (int(fid),))
        return None if row is None else int(row[0])

    # ------------------------------------------------------------ the log
    def log_entries(self, limit: int | None = None) -> pd.DataFrame:
        """The situation log, newest last."""
        frame = self.read("situation_log")
        return frame.tail(limit) if limit else frame

    LOG_HEADS = ("at", "operator", "action", "target", "feature_id", "summary")

    def log_heads(self, since: int = 0) -> pd.DataFrame:
        """The log's entries after log fid ``since`` without their before/after values, oldest first."""
        return self.read("situation_log", [Where("fid", ">", int(since))] if since else (), columns=list(self.LOG_HEADS))

    def log_values(self, fid: int) -> dict[str, Any]:
        row = self._one("SELECT before, after FROM situation_log WHERE fid = %s", (int(fid),))
        return {} if row is None else {"before": row[0], "after": row[1]}

    def log_since(self, fid: int) -> list[tuple[int, str, str | None, int | None, str | None]]:
        """(log fid, action, target, feature fid, after) of the entries after log fid ``fid``."""
        return [tuple(r) for r in self._all(  # type: ignore[misc]
            "SELECT fid, action, target, feature_id, after FROM situation_log WHERE fid > %s ORDER BY fid", (int(fid),))]

    def log_max_fid(self) -> int:
        return self.max_fid("situation_log")

    def log_edits(self, target: str) -> list[tuple[str, int, str | None]]:
        """(logged at, feature fid, before-values as stored) of every logged update of ``target``, in log order."""
        return [tuple(r) for r in self._all(  # type: ignore[misc]
            "SELECT at, feature_id, before FROM situation_log WHERE action = 'update' AND target = %s ORDER BY fid",
            (target,))]

    def log_deletes(self, key: str, limit: int = 50) -> list[tuple[int | None, str | None]]:
        """(feature fid, before) of the newest logged deletions from ``key``, newest first."""
        return [tuple(r) for r in self._all(  # type: ignore[misc]
            "SELECT feature_id, before FROM situation_log WHERE action = 'delete' AND target = %s"
            " ORDER BY fid DESC LIMIT %s", (key, int(limit)))]

    def meetings(self, before: str | None = None) -> list[tuple[int, str, str]]:
        """The consultation meetings marked and not withdrawn, as (log fid, time, title), oldest first."""
        sql = "SELECT fid, at, summary FROM situation_log WHERE action = 'meeting'"
        params: list[Any] = []
        if before is not None:
            sql += " AND at <= %s"
            params.append(before)
        marks = self._all(sql + " ORDER BY at, fid", params)
        if not marks:
            return []
        state: dict[int, str] = {}
        for fid, action in self._all("SELECT feature_id, action FROM situation_log WHERE action IN ('withdraw', "
                                     "'restore') AND target = 'situation_log' ORDER BY fid"):
            state[fid] = action
        return [(int(f), at, title) for f, at, title in marks if at and state.get(f) != "withdraw"]

    # ------------------------------------------------------------ writing
    def _log(self, con: Any, action: str, target: str | None, fid: int | None, summary: str, before: Any,
             after: Any, operator: str | None = None, at: Any = None) -> int:
        entry, self._entry = self._entry, None
        with con.cursor() as cur:
            if entry is None:
                return _insert_log(cur, action, target, fid, summary, before, after, operator, at)
            return _insert_log(cur, action, target, fid, summary + entry[1], before, after, operator, at,
                               entry_uuid=entry[0])

    @contextmanager
    def queued_entry(self, entry_uuid: str, note: str = "") -> Iterator[Any]:
        """Send one change a workstation queued (the outage outbox of :mod:`floodpost.data.store.replica`)
        as ONE transaction whose first log entry takes ``entry_uuid`` and ends its summary with ``note``.

        The log entry commits with the change, so :meth:`entry_committed` tells
        a change the server has from one it never got, even when the commit's
        answer was lost: sent twice, stored once. Writes inside join it.
        """
        with self.transaction() as con:
            self._entry = (str(entry_uuid), note)
            try:
                yield con
            finally:
                self._entry = None

    def entry_committed(self, entry_uuid: str) -> bool:
        """Whether a log entry with this uuid is on the server (a queued change sent before)."""
        return self._one("SELECT 1 FROM situation_log WHERE uuid = %s::uuid", (str(entry_uuid),)) is not None

    @staticmethod
    def _records(rows: Any) -> list[dict[str, Any]]:
        if isinstance(rows, pd.DataFrame):
            frame = rows
            if hasattr(rows, "geometry") and getattr(rows.geometry, "name", "geometry") != "geometry":
                frame = rows.rename_geometry("geometry")
            return frame.to_dict("records")
        return [dict(r) for r in rows]

    def insert(self, key: str, rows: Any, *, operator: str | None = None, summary: str | None = None,
               source: str | None = None, progress: Callable[[int, int], bool] | None = None,
               validated: bool = False, uuids: Sequence[str] | None = None) -> list[int]:
        """Validate and add features or rows in one transaction; return their fids.

        One row is logged with its values (so it can be undone); many rows as
        one import entry. ``progress(done, total)`` returning False cancels and
        rolls everything back. ``uuids`` (one per row) is the rows' identity
        chosen elsewhere (rows typed in offline): a row whose uuid the table
        holds already is not written again, its fid is returned (the unique
        index on uuid refuses a duplicate sent at the same moment).
        """
        schema = schema_for(key)
        records = self._records(rows) if validated else validate_records(schema, self._records(rows), source=source)
        if uuids is None:
            return self._insert_valid(key, schema, records, operator, summary, source, progress)
        given = [str(u) for u in uuids]
        if len(given) != len(records):
            raise ValueError(f"{key}: {len(given)} uuids for {len(records)} rows")
        have = {u: int(f) for u, f in self._all(f'SELECT uuid::text, fid FROM "{key}" WHERE uuid = ANY(%s::uuid[])',
                                                (given,))}
        todo = [i for i, u in enumerate(given) if u not in have]
        if todo:
            fids = self._insert_valid(key, schema, [records[i] for i in todo], operator, summary, source, progress,
                                      uuids_given=[given[i] for i in todo])
            have.update(zip((given[i] for i in todo), fids, strict=True))
        return [have[u] for u in given]

    def _write_rows(self, con: Any, schema: TableSchema, records: Sequence[Mapping[str, Any]], uuids: Sequence[str],
                    fids: Sequence[int], progress: Callable[[int, int], bool] | None = None,
                    versions: Sequence[int] | None = None) -> None:
        """COPY rows in (fids chosen beforehand), in chunks so ``progress`` can cancel."""
        key, cols = schema.key, schema.field_names
        names = ["fid", "uuid"] + (["row_version"] if versions is not None else []) + [f'"{c}"' for c in cols]
        blobs: list[Any] = []
        if schema.is_spatial:
            geoms = np.empty(len(records), dtype=object)
            geoms[:] = [r.get("geometry") for r in records]
            if (schema.geometry or "").upper().startswith("MULTI"):
                single = np.array([g is not None and not g.geom_type.startswith("Multi") for g in geoms], dtype=bool)
                if single.any():
                    geoms[single] = [shapely.multipolygons([g]) if g.geom_type == "Polygon" else
                                     shapely.multilinestrings([g]) if g.geom_type == "LineString" else
                                     shapely.multipoints([g]) for g in geoms[single]]
            geoms = shapely.set_srid(geoms, STORAGE_EPSG)
            blobs = list(shapely.to_wkb(geoms, hex=True, include_srid=True))
            names.insert(2, "geom")
        total = len(records)
        chunk = 5000
        with con.cursor() as cur:
            for start in range(0, total, chunk):
                with cur.copy(f'COPY "{key}" ({", ".join(names)}) FROM STDIN') as copy:
                    for i in range(start, min(start + chunk, total)):
                        r = records[i]
                        row: list[Any] = [int(fids[i]), uuids[i]]
                        if schema.is_spatial:
                            row.append(blobs[i])
                        if versions is not None:
                            row.append(int(versions[i]))
                        for c in cols:
                            v = r.get(c)
                            # NaN (a missing cell of a frame) is NULL: _plain says so; str and int pass as they are
                            row.append(v if v is None or type(v) is str or type(v) is int else _plain(v))
                        copy.write_row(row)
                if progress is not None and progress(min(start + chunk, total), total) is False:
                    raise InterruptedError("import cancelled; nothing was written")

    def _new_fids(self, con: Any, key: str, n: int) -> list[int]:
        if not n:
            return []
        with con.cursor() as cur:
            cur.execute(f"SELECT nextval(pg_get_serial_sequence('\"{key}\"', 'fid')) FROM generate_series(1, %s)", (n,))
            return [int(r[0]) for r in cur.fetchall()]

    def _insert_valid(self, key: str, schema: TableSchema, records: list[dict[str, Any]], operator: str | None,
                      summary: str | None, source: str | None, progress: Callable[[int, int], bool] | None,
                      fids_given: Sequence[int] | None = None,
                      uuids_given: Sequence[str | None] | None = None) -> list[int]:
        outlines: list[dict[str, Any]] = []
        if schema.outline_layer:
            records, outlines = _split_outlines(schema, records)
        total = len(records)
        uuids = [u or str(uuid.uuid4()) for u in uuids_given] if uuids_given is not None else new_uuids(total)
        with self.transaction() as con:
            if fids_given is not None:
                fids = [int(f) for f in fids_given]
            else:
                fids = self._new_fids(con, key, total)
            self._write_rows(con, schema, records, uuids, fids, progress)
            if fids_given is not None and fids:
                _bump_sequence(con, key)
            made = None
            if outlines:
                oschema = LAYERS[schema.outline_layer or ""]
                ofids = self._new_fids(con, oschema.key, len(outlines))
                self._write_rows(con, oschema, outlines, new_uuids(len(outlines)), ofids)
                made = (oschema.key, ofids, oschema.zh)
            entry = insert_entry(schema, records, fids, uuids, summary, source, made)
            if entry is not None:
                action, feature, text, after = entry
                self._log(con, action, key, feature, text, None, after, operator)
        return fids

    def insert_checked(self, key: str, rows: Any, check: Callable[[], None], *, operator: str | None = None,
                       summary: str | None = None) -> list[int]:
        """Validate ``rows``, then run ``check()`` and insert them in ONE transaction under the advisory lock.

        Every workstation's checked insert takes the same lock, so what
        ``check`` saw (the stock of a depot) is still so when the rows land.
        """
        schema = schema_for(key)
        records = validate_records(schema, self._records(rows), source=key)
        with self.locked():
            check()
            return self._insert_valid(key, schema, records, operator, summary, None, None)

    def update(self, key: str, fid: int, values: Mapping[str, Any], *, operator: str | None = None,
               expected_version: int | None = None) -> None:
        """Change some fields (and/or the geometry) of one feature, logging before/after.

        The row is locked (``FOR UPDATE``) before its old values are read, so
        the version check, the before-values and the write are one
        transaction: :class:`StaleEdit` when another writer got there first.
        """
        schema = schema_for(key)
        clean = validate_record(schema, values, partial=True, row=fid, source=key)
        g = clean.get("geometry")
        if schema.outline_layer and g is not None and g.geom_type != "Point":
            raise ValueError(
                f"{key} {fid}: a {schema.zh} is stored as a point; "
                f"put its outline in {schema.outline_layer} ({LAYERS[schema.outline_layer].zh})"
            )
        if not clean:
            return
        with self.transaction() as con:
            with con.cursor() as cur:
                cur.execute(f'SELECT row_version FROM "{key}" WHERE fid = %s FOR UPDATE', (int(fid),))
                now = cur.fetchone()
            if now is None:
                if expected_version is not None:
                    raise StaleEdit(key, fid, expected_version, None, None)
                raise KeyError(f"{key} has no feature {fid}")
            if expected_version is not None and int(now[0]) != int(expected_version):
                raise StaleEdit(key, fid, expected_version, self.feature(key, fid), int(now[0]))
            old = self.feature(key, fid) or {}
            sets, params, before, after = [], [], {}, {}
            for name, value in clean.items():
                if name == "geometry":
                    sets.append(f"geom = {_geom_sql(schema)}")
                    params.append(_wkb([value])[0])
                    before["geometry"] = old["geometry"].wkt if old.get("geometry") is not None else None
                    after["geometry"] = value.wkt
                else:
                    sets.append(f'"{name}" = %s')
                    params.append(_plain(value))
                    before[name] = _plain(old.get(name))
                    after[name] = value
            con.execute(f'UPDATE "{key}" SET {", ".join(sets)}, row_version = row_version + 1 WHERE fid = %s',
                        (*params, int(fid)))
            title = old.get(schema.title_field) or fid
            self._log(con, "update", key, fid, f"{schema.zh}: {title}", before, after, operator)

    def _before(self, key: str, schema: TableSchema, fid: int) -> dict[str, Any]:
        old = self.feature(key, fid)
        if old is None:
            raise KeyError(f"{key} has no feature {fid}")
        before = {k: _plain(v) for k, v in old.items() if k not in ("geometry", "fid")}
        if schema.is_spatial and old.get("geometry") is not None:
            before["geometry"] = old["geometry"].wkt
        before["uuid"] = self._uuids(key, [fid]).get(fid)
        return before

    def delete(self, key: str, fids: Sequence[int], *, operator: str | None = None) -> None:
        """Delete features, keeping each one's full record in the log."""
        schema = schema_for(key)
        with self.transaction() as con:
            for fid in fids:
                fid = int(fid)
                con.execute(f'SELECT 1 FROM "{key}" WHERE fid = %s FOR UPDATE', (fid,))
                before = self._before(key, schema, fid)
                con.execute(f'DELETE FROM "{key}" WHERE fid = %s', (fid,))
                title = before.get(schema.title_field) or fid
                self._log(con, "delete", key, fid, f"{schema.zh}: {title}", before, None, operator)

    def _uuids(self, key: str, fids: Sequence[int]) -> dict[int, str]:
        """The uuids of some rows by fid (for the log of their deletion, so an undo puts the same back)."""
        rows = self._all(f'SELECT fid, uuid::text FROM "{key}" WHERE fid = ANY(%s)', ([int(f) for f in fids],))
        return {int(f): u for f, u in rows}

    def delete_rows(self, key: str, fids: Sequence[int], *, summary: str, operator: str | None = None,
                    check: Callable[[], None] | None = None) -> None:
        """Delete many rows as ONE logged transaction (the undo of an import or a tally entry)."""
        schema = schema_for(key)
        fids = [int(f) for f in fids]
        with self.locked():
            if check is not None:
                check()
            con = self._con
            before: Any
            if len(fids) == 1:
                before = self._before(key, schema, fids[0])
            else:
                known = self._uuids(key, fids)
                before = {"count": len(fids), "first_fid": min(fids, default=None),
                          "last_fid": max(fids, default=None), "fids": fids,
                          "uuids": [known.get(f) for f in fids]}
            with con.cursor() as cur:
                cur.execute(f'DELETE FROM "{key}" WHERE fid = ANY(%s)', (fids,))
                gone = cur.rowcount
            if gone != len(set(fids)):
                raise KeyError(f"{key}: {len(fids) - max(gone, 0)} of the {len(fids)} rows are gone")
            self._log(con, "delete", key, fids[0] if len(fids) == 1 else None, summary, before, None, operator)

    def restore_rows(self, key: str, fids: Sequence[int], records: Sequence[Mapping[str, Any]], *, summary: str,
                     operator: str | None = None, check: Callable[[], None] | None = None) -> list[int]:
        """Put rows back under their old fids (and uuids) as ONE logged transaction (the redo after an undo)."""
        schema = schema_for(key)
        clean = validate_records(schema, [dict(r) for r in records], source=key)
        with self.locked():
            if check is not None:
                check()
            taken = [r[0] for r in self._all(f'SELECT fid FROM "{key}" WHERE fid = ANY(%s) ORDER BY fid',
                                             ([int(f) for f in fids],))]
            if taken:
                raise ValueError(f"{key} already has rows {', '.join(map(str, taken[:5]))}")
            uuids = deleted_uuids(self.log_deletes(key), fids)
            return self._insert_valid(key, schema, clean, operator, summary, None, None, fids_given=list(fids),
                                      uuids_given=[uuids.get(int(f)) for f in fids])

    def restore(self, key: str, fid: int, values: Mapping[str, Any], *, operator: str | None = None) -> int:
        """Put a deleted feature back under its old fid and uuid (the undo of a delete)."""
        schema = schema_for(key)
        record = validate_record(schema, values, source=key, row=fid)
        if self._one(f'SELECT 1 FROM "{key}" WHERE fid = %s', (int(fid),)):
            raise ValueError(f"{key} already has a feature {fid}")
        uuids = deleted_uuids(self.log_deletes(key), [fid])
        self._insert_valid(key, schema, [record], operator, None, None, None, fids_given=[fid],
                           uuids_given=[uuids.get(int(fid))])
        return fid

    def record_meeting(self, title: str, *, operator: str | None = None, at: Any = None) -> int:
        """Mark a consultation meeting in the log (the "since last meeting" anchor); return its log fid."""
        with self.transaction() as con:
            return self._log(con, "meeting", None, None, title, None, None, operator, at=at)

    def _meeting_row(self, fid: int) -> dict[str, Any]:
        names = ("fid", "at", "operator", "action", "target", "feature_id", "summary", "before", "after")
        row = self._one(f"SELECT {', '.join(names)} FROM situation_log WHERE fid = %s AND action = 'meeting'",
                        (int(fid),))
        if row is None:
            raise KeyError(f"the log has no meeting mark {fid}")
        return dict(zip(names, row, strict=True))

    def _meeting_active(self, fid: int) -> bool:
        last = self._one("SELECT action FROM situation_log WHERE target = 'situation_log' AND feature_id = %s"
                         " AND action IN ('withdraw', 'restore') ORDER BY fid DESC LIMIT 1", (int(fid),))
        return last is None or last[0] == "restore"

    def withdraw_meeting(self, fid: int, *, operator: str | None = None) -> dict[str, Any]:
        """Take a meeting mark back (its undo): a ``withdraw`` entry pointing at it; the log stays append-only."""
        with self.locked():
            mark = self._meeting_row(fid)
            if not self._meeting_active(fid):
                raise ValueError(f"meeting mark {fid} is already withdrawn")
            self._log(self._con, "withdraw", "situation_log", int(fid), f"撤销会商标记: {mark['summary']}", mark, None,
                      operator)
        return mark

    def restore_meeting(self, mark: Mapping[str, Any], *, operator: str | None = None) -> None:
        """Put a withdrawn meeting mark back (the redo): a ``restore`` entry pointing at the same mark."""
        fid = int(mark["fid"])
        with self.locked():
            row = self._meeting_row(fid)
            if self._meeting_active(fid):
                raise ValueError(f"meeting mark {fid} is not withdrawn")
            self._log(self._con, "restore", "situation_log", fid, f"恢复会商标记: {row['summary']}", None, row, operator)

    # ------------------------------------------------------------ whole-workspace copies
    def dump(self, key: str, where: Sequence[Where] = ()) -> Any:
        """Every row of ``key`` as stored: fid index, every field, ``uuid``, ``row_version`` (not the log's),
        geometry in EPSG:4490 for a layer; the log with all its fields. ``where``: only those rows (the
        outage replica catches up on the rows the log names)."""
        schema = schema_for(key)
        extra = identity_columns(key)
        fids, data, wkb, more = self._select(key, where, list(schema.fields), schema.is_spatial, extra)
        for c in extra:
            data[c] = np.array(more[c], dtype=object) if c == "uuid" else np.array(more[c], dtype=np.int64)
        table = pd.DataFrame(data, columns=[*schema.field_names, *extra], index=pd.Index(fids, name="fid"))
        if schema.is_spatial:
            arr = np.empty(len(fids), dtype=object)
            arr[:] = wkb or []
            return geoframe(table, shapely.from_wkb(arr))
        return table

    def load(self, key: str, frame: Any) -> None:
        """Write :meth:`dump`'s rows verbatim (fids, uuids, versions, log entries) into an empty table.

        No log entry of its own and no trigger logging; one notification of
        the newest log fid when the log was loaded. The fid sequence is set
        past the highest fid loaded. The log of a workspace just made (its
        ``create``/``migrate`` entries only) is replaced by the one loaded:
        the log is append-only below its owner, so loading a log is the
        owner's job (the login that ran ``floodpost server init``).
        """
        schema = schema_for(key)
        own = key == "situation_log" and not self._all(
            "SELECT 1 FROM situation_log WHERE action NOT IN ('create', 'migrate') LIMIT 1")
        if self.count(key) and not own:
            raise StorageError(f"{self.name}: {key} is not empty; load writes into an empty table only")
        table = frame
        if "fid" in getattr(table, "columns", ()):
            table = table.set_index("fid")
        fids = [int(f) for f in table.index]
        # a missing cell of a text column comes as NaN from pandas: NULL, never the word 'nan'
        records = [{k: (None if v is pd.NA or (isinstance(v, float) and v != v) else v) for k, v in r.items()}
                   for r in self._records(table)]
        uuids = [str(uuid.uuid4()) if u is None or pd.isna(u) else str(u)  # a row without one gets one
                 for u in (table["uuid"] if "uuid" in table.columns else [None] * len(fids))]
        versions = None
        if "row_version" in identity_columns(key):
            versions = ([1 if pd.isna(v) else int(v) for v in table["row_version"]]
                        if "row_version" in table.columns else [1] * len(fids))
        with self.transaction() as con:
            con.execute("SELECT set_config('floodpost.loading', 'on', true)")
            if own:  # a new workspace's own creation entry gives way to the log copied in (the owner may)
                con.execute("DELETE FROM situation_log")
            self._write_rows(con, schema, records, uuids, fids, versions=versions)
            if fids:
                _bump_sequence(con, key)
            if key == "situation_log" and fids:
                con.execute("SELECT pg_notify(%s, %s)", (server.CHANNEL, str(max(fids))))


def _bump_sequence(con: Any, key: str) -> None:
    """Set the fid sequence past the highest fid when rows written with their own fids went beyond it.

    An undo puts back fids the sequence issued already (nothing to do: an
    editor may not set sequences); a load writes a copy's fids.
    """
    with con.cursor() as cur:
        cur.execute(f"SELECT pg_get_serial_sequence('\"{key}\"', 'fid'), (SELECT max(fid) FROM \"{key}\")")
        seq, top = cur.fetchone()
        if top is None:
            return
        cur.execute(f"SELECT last_value, is_called FROM {seq}")
        last, called = cur.fetchone()
        if int(top) > (int(last) if called else int(last) - 1):
            cur.execute("SELECT setval(%s, %s)", (seq, int(top)))


def _try_roles(con: Any) -> None:
    """Make the three roles and their grants if this login may (a plain owner may not: server init does)."""
    import psycopg

    try:
        with con.transaction(), con.cursor() as cur:
            for sql in server.roles_sql():
                cur.execute(sql)
            for sql in server.grants_sql(con.info.dbname):
                cur.execute(sql)
    except psycopg.Error:
        pass


_SQL_OPS = {"=": "=", "!=": "!=", "<": "<", "<=": "<=", ">": ">", ">=": ">=", "like": "LIKE"}


def _where_sql(schema: TableSchema, where: Sequence[Where]) -> tuple[str, list[Any]]:
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
            values = [_plain(v) for v in w.value]
            if not values:
                parts.append("false")
                continue
            parts.append(f"{col} = ANY(%s)")
            params.append(values)
        elif w.op == "between":
            parts.append(f"{col} BETWEEN %s AND %s")
            params += [_plain(v) for v in w.value]
        else:
            parts.append(f"{col} {_SQL_OPS[w.op]} %s")
            params.append(_plain(w.value))
    return (" WHERE " + " AND ".join(parts) if parts else ""), params


__all__ = ["PostgisStore", "init_server", "is_location", "redact"]
