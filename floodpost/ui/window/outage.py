"""The window's side of a shared workspace kept through an outage (a replicated store).

The data layer's replicated store (``Workspace.open(location, replica_dir=…)``,
see ``floodpost.data.store.replica``) holds one server connection and one
SQLite connection to the replica; its ``poll()`` may reconnect (up to the
connect timeout of a few seconds), replay the outbox and copy changed rows or
whole layers into the replica. That must not run on the GUI thread.

The design, the simplest one that is correct: the window holds the store
behind a :class:`StoreGuard`, which takes one lock around every call into it;
:class:`PollWorker` runs ``poll()`` (or a forced reconnection) on a thread of
its own through the same guard. So the store is never used by two threads at
once (no SQLite transaction of the refresh mixed with a tally typed at that
moment, no server connection swapped under a read), the GUI never waits for a
poll unless it touches the store while one runs (then it waits for that poll
to finish: a few seconds at worst, said in the README), and the store needs
no threads or Qt of its own.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import QObject, Signal

from floodpost.ui.window.jobthread import JobThread

#: Milliseconds between polls of a replicated store (tests make it shorter).
POLL_MS = 3000
THREAD_NAME = "floodpost-replica-poll"


class StoreGuard:
    """A store whose every call takes one lock (re-entrant: a call may call the store again).

    Attributes are read and set through to the store; ``transaction()`` and
    ``locked()`` hold the lock for the whole ``with`` block.
    """

    def __init__(self, store: Any) -> None:
        object.__setattr__(self, "_store", store)
        object.__setattr__(self, "lock", threading.RLock())

    @property
    def store(self) -> Any:
        return self._store

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._store, name)
        if not callable(value):
            return value
        if name in ("transaction", "locked"):
            return self._held(value)
        lock = self.lock

        def call(*args: Any, **kw: Any) -> Any:
            with lock:
                return value(*args, **kw)

        call.__name__ = name
        call.__doc__ = getattr(value, "__doc__", None)
        return call

    def _held(self, method: Any) -> Any:
        @contextlib.contextmanager
        def held(*args: Any, **kw: Any) -> Iterator[Any]:
            with self.lock, method(*args, **kw) as inner:
                yield inner

        return held

    def __setattr__(self, name: str, value: Any) -> None:
        with self.lock:
            setattr(self._store, name, value)

    def __enter__(self) -> StoreGuard:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"StoreGuard({self._store!r})"


def replicated(ws: Any) -> bool:
    """Whether the window's workspace is a replicated store (it polls, queues and may go offline)."""
    return ws is not None and callable(getattr(ws, "poll", None)) and callable(getattr(ws, "connection_state", None))


class PollWorker(JobThread):
    """One thread that polls the store (or forces a reconnection) when asked; the state comes back queued."""

    #: ConnectionState
    polled = Signal(object)
    #: message (a refusal that is no outage: wrong password, the replica's disk)
    failed = Signal(str)

    def __init__(self, guard: StoreGuard, parent: QObject | None = None) -> None:
        super().__init__(THREAD_NAME, parent)
        self._guard = guard
        self._start()

    def ask(self, force: bool = False) -> None:
        """Poll now (``force``: reconnect now whatever the back-off says)."""
        self._put("force" if force else "poll")

    def _merge(self, waiting: str | None, new: str) -> str:
        return "force" if "force" in (waiting, new) else new  # a forced try is not lost to a tick

    def _work(self, job: str) -> None:
        try:
            with self._guard.lock:
                if self.stopping:
                    return
                if job == "force":
                    self._guard.try_reconnect(force=True)
                    state = self._guard.connection_state()
                else:
                    state = self._guard.poll()
        except Exception as exc:  # noqa: BLE001 - told to the window; the thread lives on
            self.failed.emit(str(exc) or type(exc).__name__)
            return
        self.polled.emit(state)
