"""The meeting brief dock: the situation in Chinese sentences, to read out, copy or save.

The window's worker thread writes the brief with the rest of the moment's
figures (``floodpost.ui.docks.situationworker``) while this dock is in front;
behind another tab the dock writes it from the moment when its tab is chosen.
It asks for a fresh one when its Refresh button is pressed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from floodpost.data.situation.brief import save_brief


class BriefPanel(QWidget):
    """Follows the time slider; the text may be edited before it is copied or saved."""

    # A fresh brief is wanted (for ``when``); the window computes it and calls ``show_text``.
    refreshRequested = Signal()
    # The dock was shown (True) or put behind another tab or closed (False).
    shownChanged = Signal(bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ws: Any = None
        self.when: str = ""
        self._pending: Any = None  # the brief (or the moment, which writes it when read) that came while hidden
        self._in_front = True  # its dock's tab is the one in front (``set_in_front``)
        lay = QVBoxLayout(self)
        self.text = QPlainTextEdit()
        lay.addWidget(self.text, 1)
        row = QHBoxLayout()
        self.copy_btn = QPushButton(self.tr("&Copy"))
        self.txt_btn = QPushButton(self.tr("Save .&txt…"))
        self.docx_btn = QPushButton(self.tr("Save .&docx…"))
        self.refresh_btn = QPushButton(self.tr("&Refresh"))
        for b in (self.copy_btn, self.txt_btn, self.docx_btn, self.refresh_btn):
            row.addWidget(b)
        lay.addLayout(row)
        self.copy_btn.clicked.connect(self.copy)
        self.txt_btn.clicked.connect(lambda: self.save_dialog(".txt"))
        self.docx_btn.clicked.connect(lambda: self.save_dialog(".docx"))
        self.refresh_btn.clicked.connect(self.refresh)

    def set_workspace(self, ws: Any) -> None:
        self.ws = ws
        self.refresh()

    def set_time(self, stored: str) -> None:
        self.when = stored
        self.refresh()

    def refresh(self) -> None:
        if self.ws is None:
            self.text.setPlainText("")
            return
        self.refreshRequested.emit()

    def show_text(self, text: str) -> None:
        """The brief as computed for the time shown (laid out when the dock is shown, not behind another tab)."""
        self._pending = text
        if self.in_view():
            self._set()

    def show_moment(self, moment: Any) -> None:
        """The brief of a moment (``situationworker.Moment``): written when the dock shows it, if not yet."""
        self._pending = moment
        if self.in_view():
            self._set()

    def in_view(self) -> bool:
        """Shown, and its dock's tab the one in front (Qt keeps a dock behind a tab "visible")."""
        return self.isVisible() and self._in_front

    def set_in_front(self, shown: bool) -> None:
        """Its dock's tab was chosen (True) or left (False): the window's ``visibilityChanged``."""
        self._in_front = bool(shown)
        if self.in_view():
            self._set()
        self.shownChanged.emit(self.in_view())

    def _set(self) -> None:
        if self._pending is not None:
            got = self._pending
            self._pending = None
            try:
                text = got if isinstance(got, str) else got.brief
            except Exception as exc:  # noqa: BLE001 - a bad record must not take the window down; said here
                text = self.tr("Cannot write the brief: %1").replace("%1", str(exc) or type(exc).__name__)
            self.text.setPlainText(text)

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._in_front:
            self._set()
        self.shownChanged.emit(self.in_view())

    def hideEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().hideEvent(event)
        self.shownChanged.emit(False)

    def copy(self) -> None:
        self._set()
        QGuiApplication.clipboard().setText(self.text.toPlainText())

    def save_dialog(self, suffix: str) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the brief"), self.tr("brief") + suffix,
            self.tr("Text (*.txt)") if suffix == ".txt" else self.tr("Word documents (*.docx)"),
        )
        if not path:
            return
        if not path.lower().endswith(suffix):
            path += suffix
        self._set()
        try:
            save_brief(self.text.toPlainText(), path)
        except Exception as exc:  # noqa: BLE001 - told to the user
            QMessageBox.critical(self, self.tr("Cannot save"), f"{path}\n\n{exc}")
