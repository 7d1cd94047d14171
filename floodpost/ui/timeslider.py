"""The time slider: drag through the flood, play it, jump back to now.

Positions are the workspace's report times (each step is a moment something
was reported), so every stop shows a different picture and none is empty.
"Now" is its own state: the map shows everything and follows new entries.
"""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSlider, QWidget

from floodpost.data.timeutil import format_local

#: Seconds between steps while playing, by the speed the user picks.
SPEEDS = (("×1", 1.5), ("×2", 0.75), ("×4", 0.35))


class TimeSlider(QWidget):
    """Emits ``timeChanged(str)`` with a stored time, or ``""`` for now."""

    timeChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._times: list[str] = []
        self._pending = ""  # a time asked for before the stops were read
        lay = QHBoxLayout(self)
        lay.setContentsMargins(6, 2, 6, 2)
        self.play = QPushButton(self.tr("▶ Play"))
        self.play.setCheckable(True)
        self.play.setToolTip(self.tr("Play the flood's course (Space)"))
        self.speed = QComboBox()
        for text, _ in SPEEDS:
            self.speed.addItem(text)
        self.speed.setToolTip(self.tr("Playing speed"))
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setPageStep(4)
        self.label = QLabel()
        self.label.setMinimumWidth(190)
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
        self.now.clicked.connect(self.go_now)
        QShortcut(QKeySequence(Qt.Key.Key_Space), self, self.play.toggle)
        QShortcut(QKeySequence(Qt.Key.Key_End), self, self.go_now)
        self._live = True
        self._update_label()

    # ------------------------------------------------------------ state
    def set_times(self, times: list[str]) -> None:
        """The report times to step through; keeps "now", or the time shown (or asked for meanwhile)."""
        pending, self._pending = self._pending, ""
        shown = pending or self.current
        live = not shown or (self._live and not pending)
        self._times = list(times)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, len(self._times)))  # the last position is "now"
        self._live = live or not self._times
        if self._live:
            self.slider.setValue(self.slider.maximum())
        else:
            self.slider.setValue(max(0, sum(1 for t in self._times if t <= shown) - 1))
        self.slider.blockSignals(False)
        self.setEnabled(bool(self._times))
        self._update_label()
        if pending and self._times:
            self.timeChanged.emit(self.current)

    def reset(self) -> None:
        """No stops yet (a workspace is being opened): show "now", say nothing."""
        self.play.setChecked(False)
        self._live = True
        self._pending = ""
        self.set_times([])

    @property
    def current(self) -> str:
        """The stored time shown, or ``""`` for now."""
        i = self.slider.value()
        return "" if self._live or i >= len(self._times) else self._times[i]

    def set_time(self, stored: str) -> None:
        """Show the last report time at or before ``stored`` ("" for now)."""
        if not stored:
            self.go_now()
            return
        if not self._times:  # the stops are still being read: show it once they come
            self._pending = stored
            return
        i = max(0, sum(1 for t in self._times if t <= stored) - 1)
        self.slider.setValue(i)

    def go_now(self) -> None:
        self.play.setChecked(False)
        self.slider.setValue(self.slider.maximum())

    # ------------------------------------------------------------ reactions
    def _on_value(self, i: int) -> None:
        self._live = i >= len(self._times)
        self._update_label()
        self.timeChanged.emit(self.current)

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
        self._timer.setInterval(int(SPEEDS[self.speed.currentIndex()][1] * 1000))
        if self.slider.value() >= len(self._times) - 1:
            self.play.setChecked(False)
            return
        self.slider.setValue(self.slider.value() + 1)
