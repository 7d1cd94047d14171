"""Keep working when the LAN fails: a shared workspace with a local GeoPackage replica and an outbox.

:class:`ReplicatedStore` is a :class:`~floodpost.data.store.Store` around a
shared workspace (a :class:`~floodpost.data.store.postgis.PostgisStore`). It
exists because a command post cannot stop entering reports when a switch
dies: the window keeps showing and editing the last state and nothing typed
is lost, not even when the workstation is closed before the server is back.

Online, every read and write goes to the server as it would without the
wrapper (the only extra is that each write's log entry takes a uuid chosen
here, see below), and :meth:`ReplicatedStore.poll` keeps a GeoPackage copy
of the workspace current: on the first open a full copy (``dump``/``load``
per table), afterwards, when the server's log has grown, every table the new
log entries name is copied again whole, and the log with it (simple and
correct: no change-set code of our own; a big layer changed often costs a
full copy of that layer per poll).

Offline (the server refused the connection, or dropped it), reads come from
the replica and writes go to the replica AND to the ``floodpost_outbox``
table in the same file, in one SQLite transaction (synchronous=FULL): the
operation, the layer, the rows' uuids, the values, the row version the edit
was made on, the workstation and the time typed. Rows are named by uuid,
never by fid (fids are local: the server gives its own on arrival).

Exactly once. Each outbox entry carries an *entry uuid*; the server
transaction that carries it out writes its log entry under that uuid
(:meth:`PostgisStore.queued_entry`). Before sending an entry again the replay
asks the server whether that log entry exists (:meth:`entry_committed`): a
replay cut off after the server's commit but before the outbox row was
removed sends nothing twice. Inserts also carry their rows' uuids and skip
uuids the table has (``PostgisStore.insert(uuids=…)``; the unique index on
uuid refuses a duplicate sent at the same moment). An online write whose
answer was lost (the server went away during the commit) is queued the same
way under the same entry uuid, so it too arrives once.

Late and from where. A replayed entry's log summary ends with
``（迟到：<workstation> 离线录入于 <time typed>）``; the log's ``at`` is the time
the server received it, and the log's ``workstation`` column the replaying
client's application name.

Conflicts. An update (or a deletion) queued against row version *v* of a row
someone else changed meanwhile raises :class:`StaleEdit` on the server; the
entry stays in the outbox marked as a conflict (later entries for the same
row join it unsent, so nothing is written on top of the other's change) and
:meth:`ReplicatedStore.conflicts` hands them to the UI's conflict dialog;
:meth:`ReplicatedStore.resolve` carries out the choice. Nothing is lost.

For the window (no Qt here, no threads): call :meth:`ReplicatedStore.poll`
from a timer (every few seconds). It tries to reconnect while offline (with
exponential back-off kept in the object), replays the outbox, refreshes the
replica, and returns :meth:`connection_state`. Whenever ``state.generation``
changes (online ↔ offline, replica refreshed after a replay) the fids and log
fids the window holds may have changed: re-read the workspace as on a reload.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import socket
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from floodpost.data.schema import ALL, schema_for
from floodpost.data.schema.validate import validate_record, validate_records
from floodpost.data.store import ReadOnlyWorkspace, StaleEdit, StorageError, Where
from floodpost.data.store.gpkg.store import GpkgStore, _plain
from floodpost.data.store.identity import new_uuids
from floodpost.data.timeutil import now_storage, to_storage

#: Seconds between reconnection attempts: doubled after each failure up to the last.
BACKOFF = (1.0, 2.0, 4.0, 8.0, 16.0, 30.0, 60.0)
#: Seconds between replica refreshes while online (a poll sooner only checks the server is there).
REFRESH_EVERY = 10.0

_OUTBOX_SQL = """
CREATE TABLE IF NOT EXISTS floodpost_outbox (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  entry_uuid TEXT NOT NULL UNIQUE,
  op TEXT NOT NULL,
  key TEXT,
  uuids TEXT NOT NULL DEFAULT '[]',
  payload TEXT NOT NULL DEFAULT '{}',
  expected_version INTEGER,
  operator TEXT,
  workstation TEXT NOT NULL,
  entered_at TEXT NOT NULL,
  state TEXT NOT NULL DEFAULT 'queued',
  problem TEXT
)"""
_META_SQL = "CREATE TABLE IF NOT EXISTS floodpost_replica (key TEXT PRIMARY KEY, value TEXT)"

#: Log entries a refresh looks back past the last one it saw: a transaction that drew its log fid before
#: another but committed after it would otherwise be missed (fids are drawn at insert, seen at commit).
LOOKBACK = 200

#: libpq settings a replicated store connects with unless the location sets them: a LAN that fails silently
#: (packets dropped, no refusal) is noticed in seconds, not after the TCP timeouts of minutes, and a
#: reconnection attempt from the window's timer never blocks it for long.
TIMEOUTS = {"connect_timeout": "3", "keepalives": "1", "keepalives_idle": "5", "keepalives_interval": "2",
            "keepalives_count": "2", "tcp_user_timeout": "5000"}

#: Words of a StorageError that mean the server is out of reach (not: refused, wrong password, no such database).
_OUTAGE = re.compile(r"cannot connect|lost the server|lost the connection|connection refused|server closed|"
                     r"terminating connection|starting up|shutting down|timeout expired|timed out|no route|"
                     r"connection.*(reset|closed)|could not receive|could not send|not confirmed", re.I)


def is_outage(exc: BaseException) -> bool:
    """Whether a StorageError says the server could not be reached (rather than: it said no)."""
    return isinstance(exc, StorageError) and not isinstance(exc, (StaleEdit, ReadOnlyWorkspace)) \
        and bool(_OUTAGE.search(str(exc)))


# ---------------------------------------------------------------- values on disk


def _encode(value: Any) -> Any:
    if isinstance(value, shapely.Geometry):
        return {"$wkb": shapely.to_wkb(value, hex=True)}
    if isinstance(value, (pd.Timestamp, np.datetime64)):
        return to_storage(value)
    plain = _plain(value)
    if plain is not value:
        return plain
    raise TypeError(f"cannot queue a value of type {type(value).__name__}")


def _decode(obj: dict[str, Any]) -> Any:
    if set(obj) == {"$wkb"}:
        return shapely.from_wkb(bytes.fromhex(obj["$wkb"]))
    return obj


def dumps(value: Any) -> str:
    """Values as the outbox keeps them: JSON, shapes as hex WKB, missing numbers as null."""
    def clean(v: Any) -> Any:
        if isinstance(v, float) and v != v:
            return None
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [clean(x) for x in v]
        return v
    return json.dumps(clean(value), ensure_ascii=False, default=_encode)


def loads(text: str | None) -> Any:
    return None if text is None else json.loads(text, object_hook=_decode)


# ---------------------------------------------------------------- what the UI sees


@dataclass(frozen=True)
class ConnectionState:
    """What the status badge shows.

    ``online``: the server answered the last time it was asked.
    ``last_contact``: storage time (UTC text) of the last answer from the server, None if never.
    ``queued``: changes typed here the server has not got yet. ``conflicts``: queued changes the
    server refused (see :meth:`ReplicatedStore.conflicts`). ``retry_in``: seconds until the next
    reconnection attempt (offline; 0 when due). ``problem``: why offline, for a tooltip.
    ``generation``: changes whenever the window must re-read (state switched, replica refreshed).
    """

    online: bool
    last_contact: str | None
    queued: int
    conflicts: int
    retry_in: float | None
    problem: str | None
    generation: int

    @property
    def state(self) -> str:
        return "online" if self.online else "offline"


@dataclass
class Conflict:
    """A queued change the server refused: the UI's conflict dialog shows ``error`` (a StaleEdit: theirs
    in ``error.current``, their version in ``error.current_version``, the server's fid in ``error.fid``)
    beside ``values`` (what was typed here, offline, at ``entered_at`` on ``workstation``)."""

    seq: int
    op: str
    key: str
    uuid: str | None
    values: dict[str, Any]
    expected_version: int | None
    workstation: str
    entered_at: str
    error: StorageError
    operator: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    #: The whole row as this desk had it after the queued edit (updates), for "mine" on a deleted row and "both".
    mine: dict[str, Any] | None = None


@dataclass
class _Entry:
    op: str
    key: str | None
    uuids: list[str]
    payload: dict[str, Any]
    expected_version: int | None = None
    operator: str | None = None


def with_timeouts(location: str) -> str:
    """``location`` with :data:`TIMEOUTS` added where it does not set them (a libpq key=value string)."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    given = conninfo_to_dict(location)
    return make_conninfo(location, **{k: v for k, v in TIMEOUTS.items() if k not in given})


def replica_path(location: str, replica_dir: str | os.PathLike[str]) -> Path:
    """The replica file of a shared workspace in ``replica_dir`` (one per server database, no password in the name)."""
    from floodpost.data.store.postgis import redact

    text = redact(os.fspath(location))
    tag = hashlib.sha256(text.encode()).hexdigest()[:12]
    db = re.sub(r"[^A-Za-z0-9_.-]+", "_", text.rsplit("/", 1)[-1].split("?")[0])[:40] or "workspace"
    return Path(replica_dir) / f"replica-{db}-{tag}.gpkg"


class ReplicatedStore:
    """A shared workspace that keeps working offline (see the module's docstring for how).

    Open with :func:`open_shared` (or ``open_store(location, replica_dir=…)``).
    The UI's part: a timer calling :meth:`poll` (it reconnects, replays,
    refreshes and returns :meth:`connection_state`), the badge from that
    state, :meth:`conflicts` / :meth:`resolve` for the conflict dialog, and
    a re-read of the workspace whenever ``state.generation`` changes.
    """

    def __init__(self, location: str, replica_dir: str | os.PathLike[str], *, workstation: str | None = None,
                 clock: Callable[[], float] = time.monotonic, refresh_every: float = REFRESH_EVERY) -> None:
        self._location = os.fspath(location)
        self._conninfo = with_timeouts(self._location)  # may hold a password: memory only, like PostgisStore
        self._dir = Path(replica_dir)
        self._dir.mkdir(parents=True, exist_ok=True)
        self.replica_path = replica_path(self._location, self._dir)
        self.workstation = workstation or socket.gethostname()
        self._clock = clock
        self._refresh_every = refresh_every
        self._server: Any = None
        self._replica: GpkgStore | None = None
        self._problem: str | None = None
        self._backoff = 0
        self._next_try = 0.0
        self._last_refresh = -1e18
        self._generation = 0
        self._may_write = True
        #: Where an unreadable replica was moved when a new one was made (the window may say so), else None.
        self.set_aside: Path | None = None
        self.read_only = False
        self._on_damage: Callable[[Any], Any] | None = None

    # ------------------------------------------------------------ opening
    @classmethod
    def open(cls, location: str | os.PathLike[str], replica_dir: str | os.PathLike[str], *,
             workstation: str | None = None, clock: Callable[[], float] = time.monotonic,
             refresh_every: float = REFRESH_EVERY) -> ReplicatedStore:
        """Open the shared workspace, or its replica when the server cannot be reached.

        A server that answers: the outbox left by an earlier session is sent,
        then the replica is made (first time: a full copy) or brought up to
        date. A server that cannot be reached: the replica opens offline
        (a StorageError when there is none yet: nothing to show). Any other
        refusal (wrong password, no such database) is raised as it is.
        """
        self = cls(os.fspath(location), replica_dir, workstation=workstation, clock=clock,
                   refresh_every=refresh_every)
        from floodpost.data.store.postgis import PostgisStore

        try:
            self._server = PostgisStore.open(self._conninfo)
        except StorageError as exc:
            if not is_outage(exc):
                raise
            if not self.replica_path.exists():
                raise StorageError(f"{exc}; and this workstation has no local replica of it yet "
                                   "(it is made the first time the workspace is opened online)") from None
            self._open_replica()
            self._offline(exc)
            return self
        try:
            self._may_write = self._server.can_write()
            if self.replica_path.exists():
                try:
                    self._open_replica()
                except (StorageError, sqlite3.DatabaseError):
                    self._set_aside()
            if self._replica is None:
                self._replica = self._full_copy()
            self._contact()
            self._sync()
        except StorageError as exc:
            if not is_outage(exc) or self._replica is None:
                self.close()
                raise
            self._offline(exc)
        return self

    def _set_aside(self) -> None:
        """A replica that no longer opens (a damaged disk, a half-copied file) is moved aside, never deleted
        (it may hold queued changes someone can still read), and a new one is copied from the server."""
        self._replica = None
        stamp = time.strftime("%Y%m%d-%H%M%S")
        self.set_aside = self.replica_path.with_name(f"{self.replica_path.stem}.unreadable-{stamp}.gpkg")
        os.replace(self.replica_path, self.set_aside)

    def _open_replica(self) -> None:
        self._replica = GpkgStore.open(self.replica_path)
        with self._replica.transaction() as c:
            c.execute(_OUTBOX_SQL)
            c.execute(_META_SQL)

    def _full_copy(self) -> GpkgStore:
        """Copy the whole workspace into a new replica file (staged, renamed when complete)."""
        stage = self.replica_path.with_suffix(".part.gpkg")
        with contextlib.suppress(FileNotFoundError):
            stage.unlink()
        top = self._server.log_max_fid()
        keys = list(self._server.keys())
        frames = {key: self._server.dump(key) for key in keys}
        copy = GpkgStore.create(stage)
        try:
            for key, frame in frames.items():
                copy.load(key, frame)
            with copy.transaction() as c:
                c.execute(_OUTBOX_SQL)
                c.execute(_META_SQL)
                _set_meta(c, "location", self.location)
                _set_meta(c, "synced_log_fid", str(top))
        finally:
            copy.close()
        os.replace(stage, self.replica_path)
        self._last_refresh = self._clock()
        return GpkgStore.open(self.replica_path)

    # ------------------------------------------------------------ state
    @property
    def online(self) -> bool:
        return self._problem is None and self._server is not None

    def _contact(self) -> None:
        if self._replica is not None:
            with self._replica.transaction() as c:
                _set_meta(c, "last_contact", now_storage())

    def _offline(self, exc: BaseException) -> None:
        """The server is out of reach: from now on the replica serves; retry after the first back-off."""
        if self._problem is None:
            self._generation += 1
            self._backoff = 0
            self._next_try = self._clock() + BACKOFF[0]
        self._problem = str(exc)

    def _lost(self, exc: BaseException) -> bool:
        """After a StorageError from the server: whether it means the server is gone (then go offline)."""
        con = getattr(self._server, "_con", None)
        gone = con is not None and (con.closed or con.broken)
        if gone or is_outage(exc):
            self._offline(exc)
            return True
        return False

    def connection_state(self) -> ConnectionState:
        """Online or offline, the time of the last contact, how many changes wait, how many conflict."""
        queued = conflicts = 0
        last = None
        if self._replica is not None:
            c = self._replica._con
            for state, n in c.execute("SELECT state, count(*) FROM floodpost_outbox GROUP BY state"):
                if state == "queued":
                    queued = int(n)
                else:
                    conflicts += int(n)
            row = c.execute("SELECT value FROM floodpost_replica WHERE key = 'last_contact'").fetchone()
            last = row[0] if row else None
        retry = None if self.online else max(0.0, self._next_try - self._clock())
        return ConnectionState(self.online, last, queued, conflicts, retry, self._problem, self._generation)

    # ------------------------------------------------------------ the timer's call
    def poll(self) -> ConnectionState:
        """What the window's timer calls: offline, try to reconnect when the back-off allows (and replay);
        online, check the server is there and refresh the replica when it is due. Never raises for an outage."""
        if not self.online:
            self.try_reconnect()
        else:
            try:
                self._server.log_max_fid()  # is it there?
                self._contact()
                if self._clock() - self._last_refresh >= self._refresh_every:
                    self._sync()  # the refresh itself sees whether anything is new
            except StorageError as exc:
                if not self._lost(exc):
                    raise
        return self.connection_state()

    def try_reconnect(self, force: bool = False) -> bool:
        """Reconnect if the back-off allows (``force``: now), send the outbox, refresh the replica.

        True when online afterwards. A failure doubles the wait (1 s … 60 s).
        A server that answers but refuses (authentication) counts as a failure too.
        """
        if self.online:
            return True
        now = self._clock()
        if not force and now < self._next_try:
            return False
        from floodpost.data.store.postgis import PostgisStore

        try:
            server = PostgisStore.open(self._conninfo)
        except StorageError as exc:
            self._backoff = min(self._backoff + 1, len(BACKOFF) - 1)
            self._next_try = now + BACKOFF[self._backoff]
            self._problem = str(exc)
            return False
        if self._server is not None:
            with contextlib.suppress(Exception):
                self._server.close()
        self._server = server
        server.on_damage = self._on_damage
        self._problem = None
        self._backoff = 0
        self._generation += 1
        try:
            self._may_write = server.can_write()
            self._contact()
            self._sync()
        except StorageError as exc:
            if not self._lost(exc):
                raise
        return self.online

    # ------------------------------------------------------------ replay and refresh
    def _sync(self) -> None:
        """Send the outbox, then (if nothing is left to send) bring the replica up to date."""
        if self.replay() and not self._queued():
            self._refresh()

    def _queued(self) -> int:
        assert self._replica is not None
        return int(self._replica._con.execute(
            "SELECT count(*) FROM floodpost_outbox WHERE state = 'queued'").fetchone()[0])

    def _synced(self) -> int:
        assert self._replica is not None
        row = self._replica._con.execute("SELECT value FROM floodpost_replica WHERE key = 'synced_log_fid'").fetchone()
        return int(row[0]) if row and str(row[0]).lstrip("-").isdigit() else -1

    def _refresh(self) -> None:
        """Bring the replica up to the server's log, in one replica transaction.

        The rows the new log entries name (by feature fid, or an import's fid
        range) are read again and replace the replica's; the log entries are
        appended; a table an entry names without rows (a deletion of many
        rows, outlines, a schema change) is copied again whole. It looks
        :data:`LOOKBACK` entries further back than the last refresh (an entry
        committed after a later one is not missed; rows read twice are harmless).
        """
        assert self._replica is not None
        server = self._server
        synced = self._synced()
        top = server.log_max_fid()
        since = max(0, synced - LOOKBACK)
        entries = server.log_since(since) if 0 <= synced <= top else []
        known = {int(r[0]) for r in self._replica._con.execute("SELECT fid FROM situation_log WHERE fid > ?",
                                                                (since,))}
        if top == synced and {int(e[0]) for e in entries} == known:
            self._last_refresh = self._clock()
            return
        keys = set(server.keys())
        whole: set[str] = set()
        rows: dict[str, set[int]] = {}
        if synced < 0 or top < synced:
            whole = set(keys)  # a replica of unknown age, or a workspace loaded again: all of it
        else:
            for log_fid, action, target, feature, after in entries:
                seen = log_fid <= synced  # looked back at: rows only (a whole copy was made then, if any)
                if action in ("migrate", "create") and not seen:
                    whole = set(keys)
                    break
                info = _after(after)
                outlines = info.get("outlines") if isinstance(info.get("outlines"), dict) else None
                if outlines and outlines.get("layer") in ALL:
                    rows.setdefault(outlines["layer"], set()).update(int(f) for f in outlines.get("fids") or [])
                if target not in ALL or target == "situation_log":
                    continue
                if feature is not None:
                    rows.setdefault(target, set()).add(int(feature))
                elif action == "import" and isinstance(info.get("first_fid"), int) \
                        and isinstance(info.get("last_fid"), int) and info["last_fid"] - info["first_fid"] < 20000:
                    rows.setdefault(target, set()).update(range(info["first_fid"], info["last_fid"] + 1))
                elif not seen:
                    whole.add(target)
        whole &= keys
        frames = {key: server.dump(key) for key in sorted(whole)}
        parts = {key: (sorted(fids), server.dump(key, [Where("fid", "in", sorted(fids))]))
                 for key, fids in rows.items() if key in keys and key not in whole}
        log = None if "situation_log" in whole else server.dump("situation_log", [Where("fid", ">", since)])
        with self._replica.transaction() as c:
            for key, frame in frames.items():
                c.execute(f'DELETE FROM "{key}"')
                self._replica.load(key, frame)
            for key, (fids, frame) in parts.items():
                for start in range(0, len(fids), 500):
                    chunk = fids[start:start + 500]
                    c.execute(f'DELETE FROM "{key}" WHERE fid IN ({",".join("?" * len(chunk))})', chunk)
                uuids = [str(u) for u in frame["uuid"]]  # rows typed offline, now on the server under its fids
                for start in range(0, len(uuids), 500):
                    chunk_u = uuids[start:start + 500]
                    c.execute(f'DELETE FROM "{key}" WHERE uuid IN ({",".join("?" * len(chunk_u))})', chunk_u)
                _put_rows(self._replica, c, key, frame)
            if log is not None:
                c.execute("DELETE FROM situation_log WHERE fid > ?", (since,))  # offline entries give way too
                _put_rows(self._replica, c, "situation_log", log)
            _set_meta(c, "synced_log_fid", str(top))
            _set_meta(c, "last_contact", now_storage())
        self._last_refresh = self._clock()
        self._generation += 1

    def refresh_replica(self) -> None:
        """Bring the replica up to date now (online and nothing queued; else nothing happens)."""
        if self.online and not self._queued():
            self._refresh()

    def replay(self) -> bool:
        """Send the queued changes in the order typed, each exactly once; True when none is left unsent.

        An entry is removed from the outbox only after the server committed
        it (or the server shows it committed before). A StaleEdit (or any
        refusal that is not an outage) marks it a conflict, kept for the UI,
        and later entries for the same row join it. An outage stops the replay
        where it is (the rest stays queued) and the store goes offline.
        """
        if self._replica is None or self._server is None:
            return False
        c = self._replica._con
        rows = c.execute("SELECT seq, entry_uuid, op, key, uuids, payload, expected_version, operator, workstation,"
                         " entered_at FROM floodpost_outbox WHERE state = 'queued' ORDER BY seq").fetchall()
        blocked = {(k, u) for k, us in c.execute(
            "SELECT key, uuids FROM floodpost_outbox WHERE state = 'conflict'") for u in json.loads(us)}
        for seq, entry_uuid, op, key, uuids_text, payload_text, expected, operator, ws, entered in rows:
            uuids = json.loads(uuids_text)
            payload = loads(payload_text)
            try:
                if self._server.entry_committed(entry_uuid):
                    if op == "insert" and key:
                        self._forget_local(key, uuids)
                    self._done(seq)
                    continue
                if op in ("update", "delete") and any((key, u) in blocked for u in uuids):
                    raise self._stale(key, uuids[0], expected)
                note = f"（迟到：{ws} 离线录入于 {entered}）"
                self._send(entry_uuid, note, op, key, uuids, payload, expected, operator)
                self._done(seq)
            except StaleEdit as exc:
                self._conflict(seq, exc)
                blocked.update((key, u) for u in uuids)
            except StorageError as exc:
                if self._lost(exc):
                    return False
                with contextlib.suppress(StorageError):
                    if self._server.entry_committed(entry_uuid):  # another window sent it at the same moment
                        self._done(seq)
                        continue
                self._conflict(seq, exc)
                blocked.update((key, u) for u in uuids)
            except (KeyError, ValueError, TypeError) as exc:
                self._conflict(seq, StorageError(f"{key}: the server refused a change typed offline: {exc}"))
                blocked.update((key, u) for u in uuids)
        self._contact()
        return True

    def _forget_local(self, key: str, uuids: list[str]) -> None:
        """Drop the replica's rows of an insert the server committed under other uuids (an online write whose
        answer was lost: the server chose its own); the refresh that follows brings the server's rows."""
        assert self._replica is not None
        with self._server.transaction() as con:
            there = {str(r[0]) for r in con.execute(f'SELECT uuid::text FROM "{key}" WHERE uuid = ANY(%s::uuid[])',
                                                      (uuids,)).fetchall()}
        local = [u for u in uuids if u not in there]
        with self._replica.transaction() as c:
            for start in range(0, len(local), 500):
                chunk = local[start:start + 500]
                c.execute(f'DELETE FROM "{key}" WHERE uuid IN ({",".join("?" * len(chunk))})', chunk)

    def _done(self, seq: int) -> None:
        assert self._replica is not None
        with self._replica.transaction() as c:
            c.execute("DELETE FROM floodpost_outbox WHERE seq = ?", (seq,))

    def _conflict(self, seq: int, exc: StorageError) -> None:
        """Keep a refused entry as a conflict, with the row as this desk has it (before the refresh that
        brings theirs), so "mine" and "both" can write the whole row even if they deleted it."""
        assert self._replica is not None
        problem: dict[str, Any] = {"message": str(exc)}
        if isinstance(exc, StaleEdit):
            problem.update(stale=True, key=exc.key, fid=exc.fid, expected=exc.expected, current=exc.current,
                           current_version=exc.current_version)
        row = self._replica._con.execute("SELECT op, key, uuids FROM floodpost_outbox WHERE seq = ?", (seq,)).fetchone()
        if row and row[0] == "update" and row[1] in ALL:
            ids = json.loads(row[2])
            found = self._replica._con.execute(f'SELECT fid FROM "{row[1]}" WHERE uuid = ?', (ids[0],)).fetchone()
            if found:
                mine = self._replica.feature(row[1], int(found[0])) or {}
                problem["mine"] = {k: v for k, v in mine.items() if k != "fid"}
        with self._replica.transaction() as c:
            c.execute("UPDATE floodpost_outbox SET state = 'conflict', problem = ? WHERE seq = ?", (dumps(problem), seq))

    def _resolve_fid(self, con: Any, key: str, row_uuid: str, lock: bool = True) -> tuple[int, int | None] | None:
        """The server's (fid, row version) of a row by uuid, locked for the transaction; None when gone."""
        version = "row_version" if key != "situation_log" else "NULL"
        row = con.execute(f'SELECT fid, {version} FROM "{key}" WHERE uuid = %s::uuid'
                          + (" FOR UPDATE" if lock else ""), (row_uuid,)).fetchone()
        return None if row is None else (int(row[0]), None if row[1] is None else int(row[1]))

    def _stale(self, key: str, row_uuid: str, expected: int | None) -> StaleEdit:
        """The StaleEdit for a queued change of a row: what the server holds now (None when deleted)."""
        with self._server.transaction() as con:
            found = self._resolve_fid(con, key, row_uuid, lock=False)
        if found is None:
            return StaleEdit(key, 0, expected or 0, None, None)
        fid, version = found
        return StaleEdit(key, fid, expected or 0, self._server.feature(key, fid), version)

    def _send(self, entry_uuid: str, note: str, op: str, key: str | None, uuids: list[str], payload: dict[str, Any],
              expected: int | None, operator: str | None) -> None:
        """Carry out one queued change on the server, in one transaction whose log entry is the entry's."""
        server = self._server
        with server.queued_entry(entry_uuid, note) as con:
            if op == "insert":
                server.insert(key, payload["rows"], uuids=uuids, operator=operator, summary=payload.get("summary"),
                              source=payload.get("source"), validated=True)
            elif op == "update":
                found = self._resolve_fid(con, key, uuids[0])
                if found is None:
                    raise StaleEdit(key, 0, expected or 0, None, None)
                server.update(key, found[0], payload["values"], operator=operator, expected_version=expected)
            elif op == "delete":
                found = self._resolve_fid(con, key, uuids[0])
                if found is None:
                    return  # gone already (deleted by someone else too): the wish is granted
                fid, version = found
                if expected is not None and version is not None and version != int(expected):
                    raise StaleEdit(key, fid, int(expected), server.feature(key, fid), version)
                server.delete(key, [fid], operator=operator)
            elif op == "delete_rows":
                fids = [f[0] for f in (self._resolve_fid(con, key, u) for u in uuids) if f is not None]
                if fids:
                    server.delete_rows(key, fids, summary=payload["summary"], operator=operator)
            elif op == "meeting":
                server.record_meeting(payload["title"], operator=operator, at=payload.get("at"))
            else:
                raise ValueError(f"unknown queued operation {op!r}")

    # ------------------------------------------------------------ conflicts for the UI
    def conflicts(self) -> list[Conflict]:
        """Queued changes the server refused, oldest first (kept on disk until :meth:`resolve`)."""
        if self._replica is None:
            return []
        out = []
        for seq, op, key, uuids, payload, expected, operator, ws, entered, problem in self._replica._con.execute(
                "SELECT seq, op, key, uuids, payload, expected_version, operator, workstation, entered_at, problem"
                " FROM floodpost_outbox WHERE state = 'conflict' ORDER BY seq"):
            p = loads(problem) or {}
            error: StorageError
            if p.get("stale"):
                error = StaleEdit(p["key"], p["fid"], p["expected"], p.get("current"), p.get("current_version"))
            else:
                error = StorageError(p.get("message") or "refused")
            data = loads(payload) or {}
            ids = json.loads(uuids)
            values = data.get("values") or (data.get("rows") or [{}])[0]
            out.append(Conflict(seq, op, key, ids[0] if ids else None, dict(values), expected, ws, entered, error,
                                operator, data, p.get("mine")))
        return out

    def resolve(self, conflict: Conflict, choice: str) -> None:
        """Carry out the user's choice for a conflict and drop it from the outbox (online only).

        ``theirs``: keep the server's row, drop what was typed here. ``mine``:
        write the typed values over theirs (an update on their version; a row
        they deleted is inserted again as this desk had it; a deletion made
        anyway). ``both``: keep theirs and add this desk's row as a new one (a
        copy; for a deletion, the same as theirs). Raises StorageError offline
        for mine and both. The conflict dialog's own words are taken too:
        ``overwrite`` and ``restore`` are mine, ``drop`` is theirs.
        """
        choice = _CHOICES.get(choice, choice)
        if choice not in ("theirs", "mine", "both"):
            raise ValueError(f"choose theirs, mine or both, not {choice!r}")
        if choice != "theirs":
            if not self.online:
                raise StorageError(f"{self.name}: the server is out of reach; resolve this once it is back")
            err = conflict.error
            schema = schema_for(conflict.key)
            values = {k: v for k, v in conflict.values.items() if k in schema.field_names or k == "geometry"}
            current = self._server.row_version(conflict.key, err.fid) if isinstance(err, StaleEdit) and err.fid else None
            if choice == "mine" and conflict.op == "update" and current is not None:
                self._server.update(conflict.key, err.fid, values, operator=conflict.operator,
                                    expected_version=current)
            elif choice == "mine" and conflict.op == "delete" and current is not None:
                self._server.delete(conflict.key, [err.fid], operator=conflict.operator)
            elif conflict.op in ("update", "insert"):  # a copy: their row stays (or is gone), the typed one is added
                base = conflict.mine or (err.current if isinstance(err, StaleEdit) else None) or {}
                full = {k: v for k, v in {**base, **values}.items() if k in schema.field_names or k == "geometry"}
                if full:
                    self._server.insert(conflict.key, [full], operator=conflict.operator)
        assert self._replica is not None
        if conflict.op == "insert" and conflict.key:  # rows the server refused: the replica's copies go
            ids = [str(u) for u in json.loads(self._replica._con.execute(
                "SELECT uuids FROM floodpost_outbox WHERE seq = ?", (conflict.seq,)).fetchone()[0])]
            with self._replica.transaction() as c:
                for start in range(0, len(ids), 500):
                    chunk = ids[start:start + 500]
                    c.execute(f'DELETE FROM "{conflict.key}" WHERE uuid IN ({",".join("?" * len(chunk))})', chunk)
        self._done(conflict.seq)
        if self.online and not self._queued():
            self._refresh()

    # ------------------------------------------------------------ writing
    def _write(self, online: Callable[[], Any], offline: Callable[[Any], tuple[Any, _Entry]]) -> Any:
        """One change: to the server under a fresh entry uuid; when the server is (or goes) out of reach,
        to the replica and the outbox in one SQLite transaction, under the same entry uuid."""
        if self.read_only or not self._may_write:
            raise ReadOnlyWorkspace(f"{self.name}: this login may not write here; nothing was changed")
        entry_uuid = str(uuid.uuid4())
        if self.online:
            try:
                with self._server.queued_entry(entry_uuid):
                    return online()
            except StorageError as exc:
                if isinstance(exc, (StaleEdit, ReadOnlyWorkspace)) or not self._lost(exc):
                    raise
        assert self._replica is not None
        with self._replica.transaction() as c:
            result, entry = offline(c)
            c.execute("INSERT INTO floodpost_outbox (entry_uuid, op, key, uuids, payload, expected_version, operator,"
                      " workstation, entered_at) VALUES (?,?,?,?,?,?,?,?,?)",
                      (entry_uuid, entry.op, entry.key, json.dumps(entry.uuids), dumps(entry.payload),
                       entry.expected_version, entry.operator, self.workstation, now_storage()))
        return result

    def _server_lock(self) -> None:
        """The advisory lock ``PostgisStore.locked()`` takes, taken in the open ``queued_entry`` transaction
        (``locked()`` inside a transaction only joins it): a check and its write stay alone among desks."""
        from floodpost.data.store.postgis.store import LOCK_KEY

        with self._server.transaction() as con:
            con.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))

    def _replica_identity(self, c: sqlite3.Connection, key: str, fid: int) -> tuple[str, int | None]:
        row = c.execute(f'SELECT uuid, {"row_version" if key != "situation_log" else "NULL"} FROM "{key}"'
                        " WHERE fid = ?", (int(fid),)).fetchone()
        if row is None:
            raise KeyError(f"{key} has no feature {fid} in the local replica (added after its last refresh?); "
                           "the change was not made")
        return str(row[0]), None if row[1] is None else int(row[1])

    def insert(self, key: str, rows: Any, *, operator: str | None = None, summary: str | None = None,
               source: str | None = None, progress: Any = None, validated: bool = False) -> list[int]:
        """Add rows (to the server; offline to the replica and the outbox, with their uuids)."""
        schema = schema_for(key)
        records = GpkgStore._records(rows) if validated else validate_records(schema, GpkgStore._records(rows),
                                                                               source=source)

        def online() -> list[int]:
            return self._server.insert(key, records, operator=operator, summary=summary, source=source,
                                       progress=progress, validated=True)

        def offline(c: Any) -> tuple[list[int], _Entry]:
            uuids = new_uuids(len(records))
            payload = {"rows": records, "summary": summary, "source": source}
            dumps(payload)  # a value the outbox cannot keep fails before anything is written
            fids = self._replica._insert_valid(key, schema, records, operator, summary, source, progress,
                                               uuids_given=uuids)
            return fids, _Entry("insert", key, uuids, payload, operator=operator)

        return self._write(online, offline)

    def insert_checked(self, key: str, rows: Any, check: Callable[[], None], *, operator: str | None = None,
                       summary: str | None = None) -> list[int]:
        """Check and insert under the server's lock; offline the check reads the replica (what this desk knows)
        and the server does not check again on arrival."""
        schema = schema_for(key)
        records = validate_records(schema, GpkgStore._records(rows), source=key)

        def online() -> list[int]:
            self._server_lock()
            check()
            return self._server.insert(key, records, operator=operator, summary=summary, validated=True)

        def offline(c: Any) -> tuple[list[int], _Entry]:
            uuids = new_uuids(len(records))
            payload = {"rows": records, "summary": summary}
            dumps(payload)
            check()
            fids = self._replica._insert_valid(key, schema, records, operator, summary, None, None, uuids_given=uuids)
            return fids, _Entry("insert", key, uuids, payload, operator=operator)

        return self._write(online, offline)

    def update(self, key: str, fid: int, values: Mapping[str, Any], *, operator: str | None = None,
               expected_version: int | None = None) -> None:
        """Change one row; offline the queued edit keeps the row version it was made on (a StaleEdit on arrival
        if someone else changed the row meanwhile: a conflict, see :meth:`conflicts`)."""
        schema = schema_for(key)

        def online() -> None:
            self._server.update(key, fid, values, operator=operator, expected_version=expected_version)

        def offline(c: Any) -> tuple[None, _Entry]:
            row_uuid, version = self._replica_identity(c, key, fid)
            clean = validate_record(schema, values, partial=True, row=fid, source=key)
            payload = {"values": clean}
            dumps(payload)
            self._replica.update(key, fid, values, operator=operator, expected_version=expected_version)
            made_on = expected_version if expected_version is not None else version
            return None, _Entry("update", key, [row_uuid], payload, made_on, operator)

        self._write(online, offline)

    def delete(self, key: str, fids: Sequence[int], *, operator: str | None = None) -> None:
        """Delete features; offline one queued deletion per feature, each made on the version seen."""
        fids = [int(f) for f in fids]

        def online() -> None:
            self._server.delete(key, fids, operator=operator)

        if self.online or len(fids) <= 1:
            return self._write(online, lambda c: self._delete_offline(c, key, fids, operator))
        for f in fids:  # offline: one entry per feature (each may conflict on its own)
            self._write(online, lambda c, f=f: self._delete_offline(c, key, [f], operator))
        return None

    def _delete_offline(self, c: Any, key: str, fids: list[int], operator: str | None) -> tuple[None, _Entry]:
        assert self._replica is not None
        idents = [self._replica_identity(c, key, f) for f in fids]
        self._replica.delete(key, fids, operator=operator)
        return None, _Entry("delete", key, [u for u, _ in idents], {}, idents[0][1] if len(idents) == 1 else None,
                            operator)

    def delete_rows(self, key: str, fids: Sequence[int], *, summary: str, operator: str | None = None,
                    check: Any = None) -> None:
        """Delete many rows as one entry (the undo of an import or a tally entry); offline by their uuids."""
        fids = [int(f) for f in fids]

        def online() -> None:
            self._server_lock()
            self._server.delete_rows(key, fids, summary=summary, operator=operator, check=check)

        def offline(c: Any) -> tuple[None, _Entry]:
            uuids = [self._replica_identity(c, key, f)[0] for f in fids]
            self._replica.delete_rows(key, fids, summary=summary, operator=operator, check=check)
            return None, _Entry("delete_rows", key, uuids, {"summary": summary}, None, operator)

        self._write(online, offline)

    def _restored(self, c: Any, key: str, fids: Sequence[int], records: list[dict[str, Any]],
                  summary: str | None, operator: str | None) -> _Entry:
        uuids = [self._replica_identity(c, key, f)[0] for f in fids]
        return _Entry("insert", key, uuids, {"rows": records, "summary": summary}, None, operator)

    def restore(self, key: str, fid: int, values: Mapping[str, Any], *, operator: str | None = None) -> int:
        """Put a deleted feature back (undo); offline it is queued as an insert under its old uuid."""
        schema = schema_for(key)

        def offline(c: Any) -> tuple[int, _Entry]:
            record = validate_record(schema, values, source=key, row=fid)
            dumps(record)
            got = self._replica.restore(key, fid, values, operator=operator)
            return got, self._restored(c, key, [fid], [record], None, operator)

        return self._write(lambda: self._server.restore(key, fid, values, operator=operator), offline)

    def restore_rows(self, key: str, fids: Sequence[int], records: Sequence[Mapping[str, Any]], *, summary: str,
                     operator: str | None = None, check: Any = None) -> list[int]:
        """Put rows back (the redo after an undo); offline queued as one insert under their old uuids."""
        schema = schema_for(key)

        def online() -> list[int]:
            self._server_lock()
            return self._server.restore_rows(key, fids, records, summary=summary, operator=operator, check=check)

        def offline(c: Any) -> tuple[list[int], _Entry]:
            clean = validate_records(schema, [dict(r) for r in records], source=key)
            dumps(clean)
            got = self._replica.restore_rows(key, fids, records, summary=summary, operator=operator, check=check)
            return got, self._restored(c, key, fids, clean, summary, operator)

        return self._write(online, offline)

    def record_meeting(self, title: str, *, operator: str | None = None, at: Any = None) -> int:
        """Mark a meeting; offline queued with its time (the time typed unless ``at`` is given)."""
        def offline(c: Any) -> tuple[int, _Entry]:
            when = to_storage(at) if at is not None else now_storage()
            fid = self._replica.record_meeting(title, operator=operator, at=when)
            return fid, _Entry("meeting", None, [], {"title": title, "at": when}, None, operator)

        return self._write(lambda: self._server.record_meeting(title, operator=operator, at=at), offline)

    def _online_only(self, what: str) -> None:
        if not self.online:
            raise StorageError(f"{self.name}: the server is out of reach; {what} waits until it is back "
                               "(nothing was changed)")

    def withdraw_meeting(self, fid: int, *, operator: str | None = None) -> dict[str, Any]:
        """Online only: a meeting mark's log fid is the server's (offline marks have none yet)."""
        self._online_only("withdrawing a meeting mark")
        try:
            return self._server.withdraw_meeting(fid, operator=operator)
        except StorageError as exc:
            self._lost(exc)
            raise

    def restore_meeting(self, mark: Mapping[str, Any], *, operator: str | None = None) -> None:
        """Online only, as :meth:`withdraw_meeting`."""
        self._online_only("restoring a meeting mark")
        try:
            self._server.restore_meeting(mark, operator=operator)
        except StorageError as exc:
            self._lost(exc)
            raise

    @contextmanager
    def transaction(self) -> Iterator[Any]:
        """The active store's transaction (server online, replica offline); writes inside are not queued."""
        with self._active().transaction() as con:
            yield con

    @contextmanager
    def locked(self) -> Iterator[None]:
        with self._active().locked():
            yield

    def load(self, key: str, frame: Any) -> None:
        """Online only: a whole-workspace copy goes to the server (push), never into the outbox."""
        self._online_only("loading a workspace")
        self._server.load(key, frame)

    # ------------------------------------------------------------ reading
    def _active(self) -> Any:
        if self.online:
            return self._server
        if self._replica is None:
            raise StorageError(f"{self.name}: the server is out of reach and there is no local replica")
        return self._replica

    def _read(self, name: str, *args: Any, **kw: Any) -> Any:
        if self.online:
            try:
                return getattr(self._server, name)(*args, **kw)
            except StorageError as exc:
                if not self._lost(exc):
                    raise
        return getattr(self._active(), name)(*args, **kw)

    def _reading(name: str) -> Any:  # noqa: N805 - a helper of the class body, not a method
        def method(self: ReplicatedStore, *args: Any, **kw: Any) -> Any:
            return self._read(name, *args, **kw)

        method.__name__ = name
        method.__doc__ = f"``{name}`` of the server while online, of the local replica while offline."
        return method

    keys = _reading("keys")
    count = _reading("count")
    count_bound = _reading("count_bound")
    max_fid = _reading("max_fid")
    geometry_bytes = _reading("geometry_bytes")
    extent = _reading("extent")
    time_span = _reading("time_span")
    latest_time = _reading("latest_time")
    distinct = _reading("distinct")
    info = _reading("info")
    check = _reading("check")
    read = _reading("read")
    read_shapes = _reading("read_shapes")
    read_arrow = _reading("read_arrow")
    read_geometry = _reading("read_geometry")
    feature = _reading("feature")
    rows = _reading("rows")
    identity = _reading("identity")
    row_version = _reading("row_version")
    dump = _reading("dump")
    log_entries = _reading("log_entries")
    log_heads = _reading("log_heads")
    log_values = _reading("log_values")
    log_since = _reading("log_since")
    log_max_fid = _reading("log_max_fid")
    log_edits = _reading("log_edits")
    log_deletes = _reading("log_deletes")
    meetings = _reading("meetings")
    del _reading

    @property
    def damage(self) -> list[Any]:
        """Cells found unreadable by the store now serving (server or replica)."""
        return list(self._active().damage)

    @property
    def on_damage(self) -> Callable[[Any], Any] | None:
        return self._on_damage

    @on_damage.setter
    def on_damage(self, callback: Callable[[Any], Any] | None) -> None:
        """Called with each new damaged cell, by whichever store finds it."""
        self._on_damage = callback
        for store in (self._server, self._replica):
            if store is not None:
                store.on_damage = callback

    def reader(self) -> Any:
        """A store of its own for a worker thread: the server's while online, the replica's while offline.
        Take a new one when ``connection_state().generation`` changes."""
        return self._read("reader")

    def change_token(self) -> Any:
        """Changes whenever anything was written, and whenever the store switched between server and replica."""
        return (self._generation, self._read("change_token"))

    def can_write(self) -> bool:
        """What the server said for this login (remembered offline: the outbox keeps only what it would take)."""
        return not self.read_only and self._may_write

    def watch_fd(self) -> int | None:
        """The server's notification socket while online; None offline (take it again after reconnecting)."""
        if not self.online:
            return None
        try:
            return int(self._server.watch_fd())
        except StorageError as exc:
            if not self._lost(exc):
                raise
            return None

    def drain_notifications(self) -> list[int]:
        """The server's announced log fids while online; empty offline (the outage is then seen by ``poll``)."""
        if not self.online:
            return []
        try:
            return list(self._server.drain_notifications())
        except StorageError as exc:
            if not self._lost(exc):
                raise
            return []

    # ------------------------------------------------------------ lifecycle and names
    @property
    def location(self) -> str:
        """The server's location without a password (what settings keep; the replica follows from it)."""
        from floodpost.data.store.postgis import redact

        return redact(self._location)

    @property
    def name(self) -> str:
        if self._server is not None:
            return str(self._server.name)
        from floodpost.data.store.postgis.store import _describe

        return _describe(self.location)

    def close(self) -> None:
        for store in (self._server, self._replica):
            if store is not None:
                with contextlib.suppress(Exception):
                    store.close()
        self._server = self._replica = None

    def __enter__(self) -> ReplicatedStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"ReplicatedStore({self.location!r}, {str(self.replica_path)!r}, {'online' if self.online else 'offline'})"


#: The conflict dialog's choices (ui/dialogs/conflict.py) in :meth:`ReplicatedStore.resolve`'s words.
_CHOICES = {"overwrite": "mine", "restore": "mine", "drop": "theirs"}


def _after(text: str | None) -> dict[str, Any]:
    try:
        value = json.loads(text) if text else {}
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def _put_rows(store: GpkgStore, c: sqlite3.Connection, key: str, frame: Any) -> None:
    """Rows of a server dump written verbatim (fids, uuids, versions) where the replica has none of those fids.

    The row-level twin of :meth:`GpkgStore.load` (which takes an empty table
    only), for the catch-up; R-tree triggers index the shapes row by row.
    """
    n = len(frame)
    if not n:
        return
    from floodpost.data.schema import STORAGE_EPSG
    from floodpost.data.store.gpkg import geopackage as gpkg
    from floodpost.data.store.gpkg.store import _loaded_uuids, _stored_column
    from floodpost.data.store.identity import identity_columns

    schema = schema_for(key)
    ident = identity_columns(key)
    cols = [col for col in schema.field_names if col in frame.columns]
    names = ["fid", "uuid"]
    parts: list[list[Any]] = [[int(f) for f in frame.index], _loaded_uuids(frame, n)]
    if "row_version" in ident:
        names.append("row_version")
        parts.append([int(v) if _plain(v) is not None else 1 for v in frame["row_version"]])
    geoms = np.empty(n, dtype=object)
    if schema.is_spatial:
        geoms[:] = [g if isinstance(g, shapely.Geometry) and not g.is_empty else None for g in frame.geometry]
        names.append("geom")
        parts.append(gpkg.encode(geoms, STORAGE_EPSG))
    names += [f'"{col}"' for col in cols]
    parts += [_stored_column(frame[col]) for col in cols]
    c.executemany(f'INSERT INTO "{key}" ({", ".join(names)}) VALUES ({", ".join("?" * len(names))})',
                  zip(*parts, strict=True))
    if schema.is_spatial:
        store._grow_extent(c, key, geoms[[g is not None for g in geoms]])
    else:
        store._touch(c, key)


def _set_meta(c: sqlite3.Connection, key: str, value: str) -> None:
    c.execute("INSERT OR REPLACE INTO floodpost_replica (key, value) VALUES (?, ?)", (key, value))


def open_shared(location: str | os.PathLike[str], replica_dir: str | os.PathLike[str], *,
                workstation: str | None = None) -> ReplicatedStore:
    """A shared workspace that keeps working through an outage, its replica in ``replica_dir``
    (the UI passes its data folder; the data layer knows no Qt paths)."""
    return ReplicatedStore.open(location, replica_dir, workstation=workstation)


__all__ = ["BACKOFF", "Conflict", "ConnectionState", "ReplicatedStore", "is_outage", "open_shared", "replica_path"]
