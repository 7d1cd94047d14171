"""One worker thread that runs the newest job asked for: the window's live-change reader and replica poller.

A job asked for while another waits replaces it (:meth:`JobThread._merge`
decides how), so a burst of notifications or timer ticks costs one run.
Results go back to the GUI thread through the subclass's queued signals.
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import QObject


class JobThread(QObject):
    """The thread, the queue of one and the stop; subclasses say what a job does (:meth:`_work`)."""

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._cond = threading.Condition()
        self._job: Any = None
        self._stop = False
        self._busy = False
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)

    def _start(self) -> None:
        """Start the thread (a subclass calls it once its own fields are set)."""
        self._thread.start()

    def _put(self, job: Any) -> None:
        with self._cond:
            self._job = self._merge(self._job, job)
            self._cond.notify()

    def _merge(self, waiting: Any, new: Any) -> Any:
        """The job to run of one still waiting and a new one: the newest by default."""
        return new

    @property
    def idle(self) -> bool:
        """Nothing asked for and nothing running."""
        with self._cond:
            return self._job is None and not self._busy

    @property
    def stopping(self) -> bool:
        return self._stop

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._job = None
            self._cond.notify()
        self._thread.join(timeout=30)

    def _loop(self) -> None:
        try:
            while True:
                with self._cond:
                    while self._job is None and not self._stop:
                        self._busy = False
                        self._cond.wait()
                    if self._stop:
                        return
                    job, self._job = self._job, None
                    self._busy = True
                self._work(job)
        finally:
            self._finish()

    def _work(self, job: Any) -> None:
        raise NotImplementedError

    def _finish(self) -> None:
        """Called on the thread when it ends (close what it opened)."""
