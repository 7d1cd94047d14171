"""The situation engine off the GUI thread.

Opening a season's workspace, moving the time slider and saving a tally all
ask the as-of engine (``floodpost.data.situation``) for figures; with
thousands of records the dashboard's curves take many seconds. One worker
thread answers, with its own read connection to the workspace, and hands
plain results back through queued Qt signals: the models (layers, slider,
dashboard) change only on the GUI thread.

A newer request supersedes an older one of its kind. A moment (the figures
at one time) is answered before the curves, except the first: at an opening
the slider's stops and the curves are handed over just before it, and the
window fills at once. The engine folds the records once, so the curves over
a season's tens of thousands of report times come in one step.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

THREAD_NAME = "floodpost-situation"
#: Generations of all workers: a result of a worker stopped (its signal already queued) never
#: matches a request of the one after it.
_GENERATIONS = itertools.count(1)
#: Seconds with nothing asked after the first curves before the fold is kept on disk.
KEEP_AFTER_S = 2.0
#: Seconds after the curves before the worker works ahead (the window draws them meanwhile: see
#: ``_series_step``), and the longest it does so at a time; it looks for a request between pieces.
WARM_AFTER_S = 0.3
WARM_SLICE_S = 0.01


@dataclass
class Moment:
    """Everything shown for one time: the map's overlays, the headlines and the brief."""

    when: str  # the stored time asked for, "" for now
    situation: Any  # floodpost.data.situation.Situation
    totals: dict[str, Any]
    meeting: str | None  # the last consultation meeting at or before it
    change: dict[str, Any] | None  # totals minus those at the meeting
    written: str | None = None  # the brief, once written (``brief``)

    @property
    def brief(self) -> str:
        """The meeting brief of the moment, written the first time it is read.

        The worker writes it ahead while the brief's dock is in front; behind
        another tab a slider step does not pay for it (a season's brief lists
        hundreds of incidents), and the dock writes it when it is shown.
        """
        if self.written is None:
            from floodpost.data.situation.brief import meeting_brief

            self.written = meeting_brief(None, self.when or None,
                                         parts=(self.situation, self.totals, self.meeting, self.change))
        return self.written


def compute_moment(ws: Any, when: str) -> Moment:
    """The figures as of ``when`` ("" for now), as the dashboard shows them (the brief when read)."""
    from floodpost.data.situation import as_of, since_meeting

    sit = as_of(ws, when or None)
    totals = sit.totals()
    meeting, change = since_meeting(ws, sit, totals)
    return Moment(when, sit, totals, meeting, change)


class SituationWorker(QObject):
    """One thread, one read connection, the newest request of each kind.

    ``open_reader`` opens the workspace for the thread (called in it, once);
    the connection is closed when the worker stops.
    """

    #: generation, (report times, meeting times): the slider's stops and marks
    timesReady = Signal(int, object)
    #: generation, Moment
    momentReady = Signal(int, object)
    #: generation, floodpost.data.situation.Timeline (the curves)
    seriesReady = Signal(int, object)
    #: generation, station, its chart data (``situation.hydrograph``)
    hydrographReady = Signal(int, str, object)
    #: generation, message
    failed = Signal(int, str)

    def __init__(self, open_reader: Callable[[], Any], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._open_reader = open_reader
        self._cond = threading.Condition()
        self._generation = 0  # the latest request's
        self._moment: tuple[int, str] | None = None
        self._series: tuple[int, list[str] | None] | None = None  # None: read the times first
        self._hydrograph: tuple[int, str] | None = None
        self._stop = False
        self._busy = False
        self._kept_once = False
        self._moment_given = False  # no moment handed over yet: the first comes with the curves
        self._keep_due: float | None = None  # monotonic time at which to keep the fold, once idle
        #: the fold's pieces still to work out ahead (``situation.warm_up``), once idle; None: none due
        self._warm: Iterator[None] | None = None
        self._warm_due: float | None = None  # monotonic time from which to work ahead, once idle
        #: the brief's dock is shown: each moment's brief is written here (set from the GUI thread)
        self.brief_wanted = True
        self._thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)
        self._thread.start()

    # ------------------------------------------------------------ requests (GUI thread)
    def refresh(self, when: str) -> int:
        """Times, the moment ``when`` and the curves, after opening or a change; returns its generation."""
        with self._cond:
            self._generation = next(_GENERATIONS)
            self._moment = (self._generation, when)
            self._series = (self._generation, None)
            self._put_off_keeping()
            self._cond.notify()
            return self._generation

    def moment(self, when: str) -> int:
        """The figures as of ``when`` only (a slider move); returns its generation."""
        with self._cond:
            self._generation = next(_GENERATIONS)
            self._moment = (self._generation, when)
            self._put_off_keeping()
            self._cond.notify()
            return self._generation

    def hydrograph(self, station: str) -> int:
        """One station's chart (a hydrograph opened, or its station's readings changed); its generation."""
        with self._cond:
            self._generation = next(_GENERATIONS)
            self._hydrograph = (self._generation, station)
            self._put_off_keeping()
            self._cond.notify()
            return self._generation

    def _put_off_keeping(self) -> None:
        """The officer is at work: keep the fold once they pause (the caller holds the lock)."""
        if self._keep_due is not None:
            self._keep_due = max(self._keep_due, time.monotonic() + KEEP_AFTER_S)

    @property
    def idle(self) -> bool:
        """Nothing asked for is still being computed."""
        with self._cond:
            return self._moment is None and self._series is None and self._hydrograph is None and not self._busy

    def stop(self) -> None:
        """Drop what is pending, finish the slice in hand, close the connection, end the thread."""
        with self._cond:
            self._stop = True
            self._moment = self._series = self._hydrograph = None
            self._cond.notify()
        self._thread.join(timeout=30)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    # ------------------------------------------------------------ the thread
    def _run(self) -> None:
        ws = None
        try:
            while True:
                with self._cond:
                    while (self._moment is None and self._series is None and self._hydrograph is None
                           and not self._stop):
                        self._busy = False
                        due = [d for d in (self._warm_due, self._keep_due) if d is not None]
                        if not due:
                            self._cond.wait()
                            continue
                        wait = min(due) - time.monotonic()
                        if wait > 0:
                            self._cond.wait(wait)
                            continue
                        break  # idle long enough: work ahead or keep the fold (below), then wait again
                    if self._stop:
                        return
                    if self._moment is None and self._series is None and self._hydrograph is None:
                        self._busy = True
                        if self._warm_due is not None and self._warm_due <= time.monotonic():
                            job = ("warm", None)
                        else:
                            self._keep_due = None
                            job = ("keep", None)
                    elif self._moment is not None:
                        self._busy = True
                        job = ("moment", self._moment)
                        self._moment = None
                    elif self._hydrograph is not None:  # a chart asked for: before the season's curves
                        self._busy = True
                        job = ("hydrograph", self._hydrograph)
                        self._hydrograph = None
                    else:
                        self._busy = True
                        job = ("series", self._series)
                if ws is None:
                    try:
                        ws = self._open_reader()
                        _take_up(ws)
                    except Exception as exc:  # noqa: BLE001 - told to the window
                        self._fail(job[1][0], exc)
                        with self._cond:
                            self._series = None
                        continue
                if job[0] == "keep":
                    _keep(ws)
                    continue
                if job[0] == "warm":
                    self._warm_piece(ws)
                    continue
                try:
                    if job[0] == "moment":
                        gen, when = job[1]
                        result = compute_moment(ws, when)
                        if self.brief_wanted:  # its dock is in front: written here, not on the GUI thread
                            result.brief  # noqa: B018 - the property writes it
                        if not self._moment_given:
                            self._series_before_moment(ws)
                        self.momentReady.emit(gen, result)
                        self._moment_given = True
                    elif job[0] == "hydrograph":
                        from floodpost.data.situation import hydrograph

                        gen, station = job[1]
                        self.hydrographReady.emit(gen, station, hydrograph(ws, station))
                    else:
                        self._series_step(ws, *job[1])
                except Exception as exc:  # noqa: BLE001 - a bad record must not kill the thread
                    self._fail(job[1][0], exc)
                    if job[0] == "series":
                        with self._cond:
                            if self._series is not None and self._series[0] == job[1][0]:
                                self._series = None
        finally:
            if ws is not None:
                _keep(ws)
                ws.close()

    def _series_before_moment(self, ws: Any) -> None:
        """At an opening, the stops and the curves before the first moment's figures. Handed over after
        them, the curves of a season's first open waited 0.1 s for Python's lock while the window drew
        the situation's first map (its symbols all new); together, the window is complete sooner. Not
        after a record entered: there the map's frame of the moment came later by as much."""
        for _ in range(2):  # the stops, then the curves
            with self._cond:
                job = self._series
            if job is None:
                return
            try:
                self._series_step(ws, *job)
            except Exception as exc:  # noqa: BLE001 - told to the window; the moment is still shown
                self._fail(job[0], exc)
                with self._cond:
                    if self._series is not None and self._series[0] == job[0]:
                        self._series = None
                return

    def _asked(self) -> bool:
        with self._cond:
            return self._stop or not (self._moment is None and self._series is None and self._hydrograph is None)

    def _warm_piece(self, ws: Any) -> None:
        """Pieces of the fold worked out ahead for about a frame, or until something is asked for."""
        from floodpost.data.situation import warm_up

        until = time.perf_counter() + WARM_SLICE_S
        # working ahead only saves time: on a failure a slider step works its piece out itself
        with contextlib.suppress(Exception):
            if self._warm is None:
                self._warm = warm_up(ws)
            for _ in self._warm:
                if time.perf_counter() >= until or self._asked():
                    return
        with self._cond:
            self._warm, self._warm_due = None, None

    def _fail(self, gen: int, exc: BaseException) -> None:
        self.failed.emit(gen, str(exc) or type(exc).__name__)

    def _series_step(self, ws: Any, gen: int, times: list[str] | None) -> None:
        """The slider's stops first, then the curves; the request stays pending until the curves."""
        from floodpost.data.situation import meetings, report_times, report_times_ms, series

        if times is None:
            times = report_times(ws)
            # with their milliseconds: the slider reading 26,000 texts back took 20 ms of the GUI thread
            self.timesReady.emit(gen, (times, meetings(ws), report_times_ms(ws)))
            with self._cond:
                if self._series is not None and self._series[0] == gen:
                    self._series = (gen, times)
            return
        curves = series(ws)
        with self._cond:
            current = self._series is not None and self._series[0] == gen
            if current:
                self._series = None
        if current:  # else superseded meanwhile: a newer request starts over
            self.seriesReady.emit(gen, curves)
            with self._cond:  # the fold as it is now, worked out ahead once the window has drawn the curves
                self._warm, self._warm_due = None, time.monotonic() + WARM_AFTER_S
        if not self._kept_once:  # a crash later still reopens from this fold, caught up by the log
            self._kept_once = True
            # ... once the window has shown the curves and nothing was asked for a while: writing a
            # season's fold takes a third of a second of Python, and the window drawing the curves
            # meanwhile took as long again (each of its calls into Qt waited for Python's lock)
            with self._cond:
                self._keep_due = time.monotonic() + KEEP_AFTER_S


def _take_up(ws: Any) -> None:
    """The fold kept on disk by the last window or command on this workspace, when it may be trusted."""
    from floodpost.data.situation import take_up

    with contextlib.suppress(Exception):  # a kept fold only saves time: without it the fold is built
        take_up(ws)


def _keep(ws: Any) -> None:
    from floodpost.data.situation import keep_fold

    with contextlib.suppress(Exception):  # see _take_up
        keep_fold(ws)


def connect_queued(signal: Any, slot: Any) -> None:
    """Deliver a worker's signal on the GUI thread."""
    signal.connect(slot, Qt.ConnectionType.QueuedConnection)
