"""A GeoPackage store that pushes like a server: a test double for live updates (tests only).

``NotifyingStore`` wraps a :class:`GpkgStore` and hands out one end of a
socket pair as its ``watch_fd``; the test plays the server: a second
"workstation" writes through another store opened on the same file, then
``notify`` writes the new log fid into the other end. Closing the server's
end (``hang_up``) is a server that went away: the socket turns readable with
nothing in it and ``drain_notifications`` raises a StorageError, as a lost
connection would. ``fail_reads`` makes every read fail the same way.
"""

from __future__ import annotations

import socket
from typing import Any

from floodpost.data.workspace import StorageError, Workspace


class NotifyingStore:
    """Everything of the wrapped store, plus a socket that says when another client wrote."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self._mine, self._server = socket.socketpair()
        self._mine.setblocking(False)
        self.drained: list[int] = []
        self.reads_fail = False
        self.writable = True

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def __enter__(self) -> NotifyingStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- the server's side (the test)
    def notify(self, log_fid: int) -> None:
        self._server.send(f"{int(log_fid)}\n".encode())

    def hang_up(self) -> None:
        self._server.close()

    def reconnect(self) -> None:
        """The server is back: a new connection (a new socket, as a real reconnect gives)."""
        self._mine.close()
        self._mine, self._server = socket.socketpair()
        self._mine.setblocking(False)
        self.reads_fail = False

    # -- the contract
    def watch_fd(self) -> int | None:
        return self._mine.fileno()

    def drain_notifications(self) -> list[int]:
        out: list[int] = []
        while True:
            try:
                data = self._mine.recv(4096)
            except BlockingIOError:
                break
            except OSError as exc:
                raise StorageError(f"connection to the server lost: {exc}") from exc
            if not data:
                raise StorageError("connection to the server lost")
            out += [int(x) for x in data.split()]
        self.drained += out
        return out

    def can_write(self) -> bool:
        return self.writable and self._inner.can_write()

    def reader(self) -> Any:
        if self.reads_fail:
            raise StorageError("could not connect to server: Connection refused")
        return _Reader(self._inner.reader(), self)

    def close(self) -> None:
        self._inner.close()
        self._mine.close()
        self._server.close()  # closing twice is harmless


class _Reader:
    """The worker's connection: fails its reads while the "server" is down."""

    def __init__(self, inner: Any, owner: NotifyingStore) -> None:
        self._inner, self._owner = inner, owner

    def __getattr__(self, name: str) -> Any:
        if self._owner.reads_fail:
            raise StorageError("server closed the connection unexpectedly")
        return getattr(self._inner, name)

    def close(self) -> None:
        self._inner.close()


def open_notifying(path: Any) -> NotifyingStore:
    return NotifyingStore(Workspace.open(path))
