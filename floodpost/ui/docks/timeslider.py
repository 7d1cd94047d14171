"""The time slider: drag through the flood, play it, jump back to now.

The groove is a time axis, a minute per step from the first report to the
last, so a season of 50,000 report times is dragged like the demo's fifty
and a quiet night takes the room a night takes; only a gap of days with no
report at all (a stray entry dated years later) is closed up to a few hours'
width. Wherever it stops, the
picture is the one of the last report at or before that moment (nothing
changes between reports), and that report's time is what the slider says.
Consultation meetings are marked on the groove. "Now" is its own state at
the right end: the map shows everything and follows new entries.

Keys (with the slider focused): ←/→ an hour, Ctrl+←/→ the previous/next
report, PgUp/PgDn a day, Home the first report, End now, Space plays.
"""

from __future__ import annotations

import bisect
import math
from datetime import datetime, timezone

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QColor, QKeyEvent, QKeySequence, QPainter, QPaintEvent, QPen, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QPushButton,
    QSlider,
    QStyle,
    QStyleOptionSlider,
    QWidget,
)

from floodpost.data.timeutil import format_local, storage_ms
from floodpost.ui.steady import SteadyLabel

#: Seconds between steps while playing, by the speed the user picks.
SPEEDS = (("×1", 1.5), ("×2", 0.75), ("×4", 0.35))
MINUTE_MS = 60_000
#: A stretch with no report longer than this (a stray entry years later, a quiet
#: week between two floods) takes only GAP_STEPS of the groove, so the flood keeps
#: the slider's width and the stray report can still be reached.
GAP_MS = 3 * 24 * 3600 * 1000
GAP_STEPS = 6 * 60
HOUR, DAY = 60, 1440  # in slider steps (minutes)


def _knots(ms: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """(report time, slider position) of every report: a minute a step, a quiet gap GAP_STEPS at most."""
    if not ms:
        return np.zeros(1), np.zeros(1)
    t = np.asarray(ms, dtype=np.float64)
    steps = np.diff(t) / MINUTE_MS
    steps = np.where(np.diff(t) > GAP_MS, np.minimum(steps, GAP_STEPS), steps)
    return t, np.concatenate([[0.0], np.cumsum(steps)])


def _ms(stored: str) -> int:
    """Milliseconds of a stored time (UTC text), as the engine counts them."""
    dt = datetime.fromisoformat(stored.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return int(dt.timestamp() * 1000)


class TimeAxis(QSlider):
    """A horizontal slider that marks consultation meetings on its groove and steps by time."""

    #: +1 / -1: go to the next / previous report
    reportStep = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.marks: list[int] = []  # slider positions of meetings
        self.setSingleStep(HOUR)
        self.setPageStep(DAY)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt's name
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier and event.key() in (Qt.Key.Key_Left, Qt.Key.Key_Right):
            self.reportStep.emit(1 if event.key() == Qt.Key.Key_Right else -1)
            return
        super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt's name
        super().paintEvent(event)
        if not self.marks or self.maximum() <= self.minimum():
            return
        opt = QStyleOptionSlider()
        self.initStyleOption(opt)
        groove = self.style().subControlRect(QStyle.ComplexControl.CC_Slider, opt,
                                             QStyle.SubControl.SC_SliderGroove, self)
        handle = self.style().subControlRect(QStyle.ComplexControl.CC_Slider, opt,
                                             QStyle.SubControl.SC_SliderHandle, self)
        span = groove.width() - handle.width()
        p = QPainter(self)
        p.setPen(QPen(QColor("#c0392b"), 2))
        for pos in self.marks:
            x = groove.left() + handle.width() / 2 + QStyle.sliderPositionFromValue(
                self.minimum(), self.maximum(), pos, max(span, 1))
            p.drawLine(int(x), groove.top(), int(x), groove.top() + 4)
            p.drawLine(int(x), groove.bottom() - 4, int(x), groove.bottom())
        p.end()


class TimeSlider(QWidget):
    """Emits ``timeChanged(str)`` with a stored time, or ``""`` for now."""

    timeChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._times: list[str] = []
        self._ms: list[int] = []
        self._meetings: list[str] = []
        self._t0 = 0  # ms of the first report: slider position 0
        self._knots = (np.zeros(1), np.zeros(1))  # (ms, position) of the reports, gaps closed up
        self._pending = ""  # a time asked for before the stops were read
        self._said = ""  # the time last announced by timeChanged
        self._live = True
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 2, 6, 2)
        self.play = QPushButton(self.tr("▶ Play"))
        self.play.setCheckable(True)
        self.play.setToolTip(self.tr("Play the flood's course (Space)"))
        self.speed = QComboBox()
        for text, _ in SPEEDS:
            self.speed.addItem(text)
        self.speed.setToolTip(self.tr("Playing speed"))
        self.slider = TimeAxis()
        self.slider.setToolTip(self.tr(
            "Drag through the flood. ←/→ an hour, Ctrl+←/→ previous/next report, "
            "PgUp/PgDn a day, Home the first report, End now. Red marks: consultation meetings."))
        # as wide as the longest it says: a new time lays out the label alone, not the window
        self.label = SteadyLabel(lambda: [self.tr("Now (all reports)"),
                                          self.tr("As of %1").replace("%1", format_local("2000-12-28T20:00:00.000Z"))],
                                 least=190)
        self.now = QPushButton(self.tr("Now"))
        self.now.setToolTip(self.tr("Show the situation now (End)"))
        for w in (self.play, self.speed):
            lay.addWidget(w)
        lay.addWidget(self.slider, 1)
        lay.addWidget(self.label)
        lay.addWidget(self.now)
        self._timer = QTimer(self)
        self._timer.timeout.connect(self._step)
        self.play.toggled.connect(self._on_play)
        self.slider.valueChanged.connect(self._on_value)
        self.slider.reportStep.connect(self.step_report)
        self.now.clicked.connect(self.go_now)
        QShortcut(QKeySequence(Qt.Key.Key_Space), self, self.play.toggle)
        QShortcut(QKeySequence(Qt.Key.Key_End), self, self.go_now)
        self._update_label()

    # ------------------------------------------------------------ state
    def set_times(self, times: list[str], meetings: list[str] | None = None, ms: np.ndarray | None = None) -> None:
        """The report times to step through (and meetings to mark); keeps "now", or the time shown.
        ``ms``: the same times in milliseconds, when the caller has them."""
        pending, self._pending = self._pending, ""
        shown = pending or self.current
        live = not shown or (self._live and not pending)
        self._times = list(times)
        self._ms = (storage_ms(self._times) if ms is None or len(ms) != len(self._times) else ms).tolist()
        self._t0 = self._ms[0] if self._ms else 0
        self._knots = _knots(self._ms)
        last = self._position(self._ms[-1]) if self._ms else 0
        self.slider.blockSignals(True)
        self.slider.setRange(0, last + 1 if self._ms else 0)  # the last position is "now"
        self._live = live or not self._times
        self.slider.setValue(self.slider.maximum() if self._live else self._position(_ms(shown)))
        self.slider.blockSignals(False)
        self.set_meetings(self._meetings if meetings is None else meetings)
        self.setEnabled(bool(self._times))
        self._update_label()
        if pending and self._times:
            self._emit()
        else:
            self._said = self.current  # new stops, same time shown: nothing to say

    def set_meetings(self, meetings: list[str]) -> None:
        """Mark these consultation meetings (stored times) on the groove."""
        self._meetings = list(meetings)
        top = self.slider.maximum() - 1
        self.slider.marks = [p for p in (self._position(_ms(m)) for m in self._meetings) if 0 <= p <= top]
        self.slider.update()

    @property
    def times(self) -> list[str]:
        """The report times the slider steps through."""
        return list(self._times)

    @property
    def meetings(self) -> list[str]:
        return list(self._meetings)

    def reset(self) -> None:
        """No stops yet (a workspace is being opened): show "now", say nothing."""
        self.play.setChecked(False)
        self._live = True
        self._pending = ""
        self.set_times([], [])

    @property
    def current(self) -> str:
        """The stored time shown (the last report at or before the slider's moment), or ``""`` for now."""
        if self._live or not self._times:
            return ""
        i = self._report_at(self.slider.value())
        return self._times[max(i, 0)]

    def set_time(self, stored: str) -> None:
        """Show the last report time at or before ``stored`` ("" for now)."""
        if not stored:
            self.go_now()
            return
        if not self._times:  # the stops are still being read: show it once they come
            self._pending = stored
            return
        self._live = False
        self.slider.setValue(min(self._position(_ms(stored)), self.slider.maximum() - 1))
        self._live = self.slider.value() >= self.slider.maximum()
        self._update_label()
        self._emit()

    def step_report(self, direction: int) -> None:
        """To the next (+1) or previous (-1) report time."""
        if not self._times:
            return
        if self._live:
            i = len(self._times) if direction > 0 else len(self._times) - 1
        else:
            i = self._report_at(self.slider.value()) + (1 if direction > 0 else -1)
        if i >= len(self._times):
            self.go_now()
        else:
            self.set_time(self._times[max(i, 0)])

    def go_now(self) -> None:
        self.play.setChecked(False)
        self.slider.setValue(self.slider.maximum())

    # ------------------------------------------------------------ positions
    def _position(self, ms: int) -> int:
        """The slider position of a time: minutes after the first report, long quiet gaps closed up."""
        t, p = self._knots
        if ms <= t[0]:
            return 0
        if ms >= t[-1]:
            return int(math.ceil(p[-1] + (ms - t[-1]) / MINUTE_MS))
        return int(math.ceil(float(np.interp(ms, t, p)) - 1e-9))

    def _time_at(self, pos: int) -> float:
        t, p = self._knots
        if pos >= p[-1]:
            return float(t[-1] + (pos - p[-1]) * MINUTE_MS)
        return float(np.interp(pos, p, t))

    def _report_at(self, pos: int) -> int:
        """Index of the last report at or before slider position ``pos`` (-1 before the first)."""
        return bisect.bisect_right(self._ms, self._time_at(pos)) - 1

    # ------------------------------------------------------------ reactions
    def _on_value(self, i: int) -> None:
        self._live = i >= self.slider.maximum()
        self._update_label()
        self._emit()

    def _emit(self) -> None:
        """Say the time shown when it changed (dragging within one report's stretch says nothing)."""
        if self.current != self._said:
            self._said = self.current
            self.timeChanged.emit(self._said)

    def _update_label(self) -> None:
        if self._live or not self._times:
            self.label.setText(self.tr("Now (all reports)"))
        else:
            self.label.setText(self.tr("As of %1").replace("%1", format_local(self.current)))

    def _on_play(self, on: bool) -> None:
        self.play.setText(self.tr("❚❚ Pause") if on else self.tr("▶ Play"))
        if on:
            if self._live:
                self.slider.setValue(0)
            self._timer.start(int(SPEEDS[self.speed.currentIndex()][1] * 1000))
        else:
            self._timer.stop()

    def _step(self) -> None:
        """An hour on, or on to the next report when none came within the hour."""
        self._timer.setInterval(int(SPEEDS[self.speed.currentIndex()][1] * 1000))
        i = self._report_at(self.slider.value())
        if i >= len(self._times) - 1:
            self.play.setChecked(False)
            return
        nxt = self._position(self._ms[i + 1])
        self.slider.setValue(max(self.slider.value() + HOUR, nxt))
