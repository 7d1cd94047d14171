"""A label that keeps its size while its text changes, so a new text lays out the label alone."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QWidget


class SteadyLabel(QLabel):
    """A label of fixed size, wide enough for the longest of ``samples()`` (and for any longer text it
    is given since: it only grows).

    A label sized to its text asks its toolbar or status bar, and with it the whole window, to be laid
    out again at each new text: the time shown and the drawing time changed at every slider step, and
    the window's layout took a millisecond of each. Of a fixed size, Qt lays out nothing else.
    """

    def __init__(self, samples: Callable[[], list[str]], least: int = 0, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._samples = samples
        self._least = least
        self._fit()

    def _fit(self, extra: str = "") -> None:
        fm = self.fontMetrics()
        m = self.contentsMargins()
        texts = [*self._samples(), self.text(), extra]
        width = max(self._least, max(fm.horizontalAdvance(t) for t in texts) + m.left() + m.right() + 2 * self.margin() + 4)
        height = max(fm.height() + m.top() + m.bottom() + 2 * self.margin(), super().sizeHint().height())
        if (width, height) != (self.width(), self.height()) or self.minimumWidth() != self.maximumWidth():
            self.setFixedSize(width, height)

    def setText(self, text: str) -> None:  # noqa: N802
        if self.fontMetrics().horizontalAdvance(text) + 4 > self.width():
            self._fit(text)
        super().setText(text)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange, QEvent.Type.LanguageChange):
            self._fit()
