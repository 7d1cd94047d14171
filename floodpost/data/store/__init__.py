"""Where a workspace lives: one storage protocol, the back ends behind it.

Everything outside this package reads and writes a workspace through
:class:`Store` only: layer keys, reads with typed filters (:class:`Where`),
the shapes of big layers, inserts, updates and deletes of validated rows as
one transaction with their log entry, report times, the situation log, a
change token, and a *location* that names the workspace for another thread
or process (a GeoPackage path, or a ``postgresql://…`` / ``service=NAME``
location when a post outgrows one desk). Nothing outside touches SQLite, a
connection or the workspace's file: the import contract in
``pyproject.toml`` and ``tests/test_architecture.py`` hold the line.

Back ends:

- :mod:`floodpost.data.store.gpkg` — one GeoPackage file (OGC standard,
  SQLite inside; QGIS and GDAL open it as it is).
- :mod:`floodpost.data.store.postgis` — a PostgreSQL/PostGIS database shared
  by the post's workstations (``postgresql://…`` or ``service=NAME``).
- :mod:`floodpost.data.store.replica` — a shared workspace with a local
  GeoPackage replica and an outbox, for the window to keep working through an
  outage (``open_store(location, replica_dir=…)``).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Protocol, runtime_checkable

#: Comparisons a :class:`Where` may make.
OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "like", "in", "between")


class StorageError(RuntimeError):
    """The workspace cannot be read or written as asked; the message says which workspace and why."""


class StaleEdit(StorageError):
    """An update made against a row version someone else has changed since (optimistic locking).

    ``current`` holds the row's values as they are now (None when it was
    deleted) and ``current_version`` its row version, so the user can choose:
    keep theirs, overwrite (update again with ``expected_version=current_version``),
    or keep both (insert the edited values as a copy). Never a silent lost update.
    """

    def __init__(self, key: str, fid: int, expected: int, current: Mapping[str, Any] | None,
                 current_version: int | None, message: str | None = None) -> None:
        self.key, self.fid, self.expected = key, int(fid), int(expected)
        self.current = dict(current) if current is not None else None
        self.current_version = current_version
        super().__init__(message or (
            f"{key} #{fid} was changed by someone else (version {current_version}, edit made on {expected})"
            if current is not None else f"{key} #{fid} was deleted by someone else"))


class ReadOnlyWorkspace(StorageError):
    """The workspace (or the user's role on it) does not allow writing."""


@dataclass(frozen=True)
class Where:
    """One condition of a read: ``field`` (a schema field or ``fid``) ``op`` ``value``.

    Examples
    --------
    >>> Where("area", "=", "良相坡"), Where("reported_at", ">", "2021-07-22T02:00:00.000Z")
    ... # doctest: +SKIP
    >>> Where("fid", "between", (10, 20)), Where("fid", "in", [3, 5, 8])  # doctest: +SKIP
    """

    field: str
    op: str
    value: Any

    def __post_init__(self) -> None:
        if self.op not in OPERATORS:
            raise ValueError(f"unknown comparison {self.op!r}; use one of {', '.join(OPERATORS)}")
        if self.op == "between" and (not isinstance(self.value, (tuple, list)) or len(self.value) != 2):
            raise ValueError(f"'between' takes (low, high); got {self.value!r}")


def fids_in(fids: Sequence[int]) -> Where:
    """The rows with these fids."""
    return Where("fid", "in", [int(f) for f in fids])


@runtime_checkable
class Store(Protocol):
    """A workspace: layers and tables of the schema, and the situation log.

    Every write is one transaction with its log entry; a failure leaves the
    workspace as it was and raises :class:`StorageError` (or a validation
    error naming the row). ``location`` opens the same workspace again
    (:func:`open_store`), in another thread or process.
    """

    @property
    def location(self) -> str: ...

    @property
    def name(self) -> str:
        """A short name for messages and titles (the file name, the database name)."""
        ...

    # -- lifecycle
    def close(self) -> None: ...
    def __enter__(self) -> Store: ...
    def __exit__(self, *exc: object) -> None: ...
    def reader(self) -> Store:
        """The same workspace on a connection of its own, for a worker thread."""
        ...

    def change_token(self) -> Any:
        """Changes whenever anything was written, here or by another process."""
        ...

    def can_write(self) -> bool:
        """Whether this user may write here (a read-only file, a ``viewer`` role on a server: False)."""
        ...

    # -- copying whole workspaces (push, pull, a local replica): storage-level, unlogged
    def dump(self, key: str) -> Any:
        """Every row of ``key`` as stored: a (Geo)DataFrame with ``fid``, ``uuid``, ``row_version``
        (not in the log) and every field, geometry in EPSG:4490; the log with all its columns."""
        ...

    def load(self, key: str, frame: Any) -> None:
        """Write :meth:`dump`'s rows verbatim (same fids, uuids, versions, log entries) into an empty table;
        no log entry of its own. For ``floodpost push``/``pull`` and replicas, not for users' changes."""
        ...

    # -- live updates (a shared workspace pushes; a file returns None and is re-read on change_token)
    def watch_fd(self) -> int | None:
        """A socket that becomes readable when another client wrote (a Qt socket notifier watches it), or None."""
        ...

    def drain_notifications(self) -> list[int]:
        """Consume what arrived on :meth:`watch_fd` without blocking: the situation-log fids announced.

        The caller then reads what changed with :meth:`log_since` and re-reads
        only those rows. Empty when nothing arrived.
        """
        ...

    # -- structure
    def keys(self) -> list[str]: ...
    def count(self, key: str) -> int: ...
    def max_fid(self, key: str) -> int: ...
    def extent(self, key: str | None = None) -> tuple[float, float, float, float] | None: ...
    def time_span(self) -> tuple[str, str] | None: ...
    def latest_time(self, key: str, at: str) -> str | None: ...
    def distinct(self, key: str, column: str) -> list[Any]: ...
    def info(self, check_all: bool = False) -> dict[str, Any]: ...

    # -- reading
    def read(self, key: str, where: Sequence[Where] = (), *, columns: Sequence[str] | None = None,
             bulk: bool = False, geometry: bool = True) -> Any: ...
    def read_shapes(self, key: str, columns: Sequence[str], rows: int | None = None) -> Any: ...
    def read_arrow(self, key: str, columns: Sequence[str] | None = None) -> Any: ...
    def read_geometry(self, key: str) -> Any: ...
    def feature(self, key: str, fid: int) -> dict[str, Any] | None: ...
    def rows(self, key: str, first: int, last: int) -> list[dict[str, Any]]: ...

    # -- the log
    def log_entries(self, limit: int | None = None) -> Any: ...
    def log_heads(self, since: int = 0) -> Any: ...
    def log_values(self, fid: int) -> dict[str, Any]: ...
    def log_since(self, fid: int) -> list[tuple[int, str, str | None, int | None, str | None]]: ...
    def log_max_fid(self) -> int: ...
    def log_edits(self, target: str) -> list[tuple[str, int, str | None]]: ...
    def meetings(self, before: str | None = None) -> list[tuple[int, str, str]]: ...

    # -- writing
    def transaction(self) -> AbstractContextManager[Any]: ...
    def locked(self) -> AbstractContextManager[None]: ...
    def insert(self, key: str, rows: Any, *, operator: str | None = None, summary: str | None = None,
               source: str | None = None, progress: Any = None, validated: bool = False) -> list[int]: ...
    def insert_checked(self, key: str, rows: Any, check: Any, *, operator: str | None = None,
                       summary: str | None = None) -> list[int]: ...
    def update(self, key: str, fid: int, values: Mapping[str, Any], *, operator: str | None = None,
               expected_version: int | None = None) -> None:
        """Change one row; with ``expected_version`` raise :class:`StaleEdit` unless the row still has it."""
        ...

    def row_version(self, key: str, fid: int) -> int | None:
        """The row's version now (None when the row is gone): an edit form keeps it for ``expected_version``."""
        ...
    def delete(self, key: str, fids: Sequence[int], *, operator: str | None = None) -> None: ...
    def restore(self, key: str, fid: int, values: Mapping[str, Any], *, operator: str | None = None) -> int: ...
    def delete_rows(self, key: str, fids: Sequence[int], *, summary: str, operator: str | None = None,
                    check: Any = None) -> None: ...
    def restore_rows(self, key: str, rows: Sequence[Mapping[str, Any]], *, summary: str,
                     operator: str | None = None) -> None: ...
    def record_meeting(self, title: str, *, operator: str | None = None, at: Any = None) -> int: ...
    def withdraw_meeting(self, fid: int, *, operator: str | None = None) -> dict[str, Any]: ...
    def restore_meeting(self, mark: Mapping[str, Any], *, operator: str | None = None) -> None: ...


def _backend(location: str | os.PathLike[str]) -> Any:
    if is_shared_location(location):
        from floodpost.data.store.postgis import PostgisStore

        return PostgisStore
    from floodpost.data.store.gpkg import GpkgStore

    return GpkgStore


def open_store(location: str | os.PathLike[str], *, read_only: bool = False,
               replica_dir: str | os.PathLike[str] | None = None, uuids_later: bool = False) -> Store:
    """Open the workspace at ``location`` (a GeoPackage path or a database), migrating an older one.

    ``read_only`` opens it for reading only (a second process that must never
    write or migrate it, such as the render helper). ``replica_dir`` (a
    shared workspace, not read-only): keep a local replica there and keep
    working through an outage (:class:`~floodpost.data.store.replica.ReplicatedStore`).
    ``uuids_later`` (a GeoPackage): rows another program wrote keep no uuid until
    an open without it (see ``GpkgStore.open``).
    """
    if replica_dir is not None and not read_only and is_shared_location(location):
        from floodpost.data.store.replica import ReplicatedStore

        return ReplicatedStore.open(location, replica_dir)
    if uuids_later and not is_shared_location(location):
        return _backend(location).open(location, read_only=read_only, uuids_later=True)
    return _backend(location).open(location, read_only=read_only)


def create_store(location: str | os.PathLike[str], *, overwrite: bool = False) -> Store:
    """A new, empty workspace at ``location`` with every layer key and table."""
    return _backend(location).create(location, overwrite=overwrite)


def same_location(a: str | os.PathLike[str], b: str | os.PathLike[str]) -> bool:
    """Whether two locations name the same workspace (a file by its real path, a database by its
    connection string without password)."""
    ta, tb = os.fspath(a), os.fspath(b)
    if is_shared_location(ta) or is_shared_location(tb):
        if not (is_shared_location(ta) and is_shared_location(tb)):
            return False
        from floodpost.data.store.postgis import redact

        return redact(ta) == redact(tb)
    return os.path.realpath(ta) == os.path.realpath(tb)


def iter_keys(store: Store, keys: Sequence[str]) -> Iterator[str]:
    """Those of ``keys`` the workspace has, in the order given."""
    have = set(store.keys())
    return (k for k in keys if k in have)


# -- locations as people see them: shared or a file, and never with a password
#    (the CLI, the window's title, QSettings and logs take them from here)
_URL_SCHEMES = ("postgresql://", "postgres://")
_KV_START = ("service=", "host=", "hostaddr=", "dbname=", "user=", "port=")
#: ``user:secret@`` of a URL (a raw ``@`` or ``/`` in a URL's password must be percent-encoded)
_URL_SECRET = re.compile(r"((?:postgres|postgresql)://[^:/@\s]*):[^@/\s]*@", re.IGNORECASE)
#: ``password=…`` of a URL's query
_QUERY_SECRET = re.compile(r"([?&])password=[^&#\s]*&?", re.IGNORECASE)
#: ``password=…`` of a libpq key/value string (quoted values may hold spaces)
_KV_SECRET = re.compile(r"\s*\bpassword\s*=\s*(?:'(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)


def is_shared_location(location: str | os.PathLike[str]) -> bool:
    """Whether ``location`` names a database (``postgresql://…``, ``postgres://…``, ``service=NAME``,
    ``host=… dbname=…``), not a GeoPackage file: what decides whether to treat it as a path."""
    text = os.fspath(location).strip()
    if text.lower().startswith(_URL_SCHEMES):
        return True
    return text.lower().startswith(_KV_START) and "=" in text and not os.path.exists(text)


def strip_password(text: str | os.PathLike[str]) -> str:
    """``text`` (a location, or a message quoting one) with every password taken out.

    What may be kept in settings, shown in a title or printed: a password
    typed into a location is for connecting, once. Credentials belong in
    libpq's pgpass or service file.
    """
    out = os.fspath(text)
    out = _URL_SECRET.sub(r"\1@", out)
    out = _QUERY_SECRET.sub(lambda m: m.group(1) if m.group(0).endswith("&") else "", out)
    return _KV_SECRET.sub("", out).strip() if "password" in out.lower() else out


def display_name(location: str | os.PathLike[str]) -> str:
    """A short name of a workspace for titles and messages: the file name, or ``database @ host``
    (``service NAME``) of a shared one, without a password."""
    text = strip_password(location).strip()
    if not is_shared_location(text):
        return os.path.basename(text.rstrip("/\\")) or text
    if text.lower().startswith(_URL_SCHEMES):
        from urllib.parse import parse_qs, unquote, urlsplit

        parts = urlsplit(text)
        query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
        if "service" in query and not parts.path.strip("/"):
            return f"service {query['service']}"
        db = unquote(parts.path.lstrip("/")) or query.get("dbname") or unquote(parts.username or "") or "postgres"
        try:
            host = parts.hostname or query.get("host") or "localhost"
        except ValueError:
            host = "?"
        return f"{db} @ {host}"
    pairs = dict(re.findall(r"(\w+)\s*=\s*('(?:[^'\\]|\\.)*'|\S+)", text))
    pairs = {k: v.strip("'") for k, v in pairs.items()}
    if "service" in pairs and "dbname" not in pairs:
        return f"service {pairs['service']}"
    return f"{pairs.get('dbname') or pairs.get('user') or 'postgres'} @ {pairs.get('host') or 'localhost'}"


__all__ = [
    "OPERATORS", "ReadOnlyWorkspace", "StaleEdit", "StorageError", "Store", "Where", "create_store", "fids_in", "iter_keys",
    "open_store",
    "same_location",
]
