"""Replay dialog: pick the span, watch the progress, cancel at any frame."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QThread, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from floodpost.data.timeutil import format_local
from floodpost.layers.output.pagetext import page_lang


class _Worker(QThread):
    progressed = Signal(int, int)
    done = Signal(str)
    failed = Signal(str)

    def __init__(self, location: str, out: Path, options: dict[str, Any], parent: Any = None) -> None:
        super().__init__(parent)
        self.location, self.out, self.options = location, out, options
        self.stop = threading.Event()

    def run(self) -> None:
        from floodpost.data.workspace import Workspace
        from floodpost.layers.output.replay import ReplayCancelled, write_replay

        def tick(n: int, total: int) -> bool:
            self.progressed.emit(n, total)
            return not self.stop.is_set()

        try:
            with Workspace.open(self.location) as ws:  # its own connection, off the GUI thread
                write_replay(ws, self.out, progress=tick, **self.options)
        except ReplayCancelled:
            self.failed.emit("")
        except Exception as exc:  # noqa: BLE001 - told to the user
            self.failed.emit(str(exc))
        else:
            self.done.emit(str(self.out))


class ReplayDialog(QDialog):
    """The flood's course as an animated GIF of the press page."""

    def __init__(self, location: str | Path, times: list[str], lang: str = "zh", parent: QWidget | None = None) -> None:
        """``lang`` is the frames' language first chosen: Chinese unless asked otherwise, whatever the interface's."""
        super().__init__(parent)
        self.location = str(location)
        self.setWindowTitle(self.tr("Replay for the press"))
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.start, self.end = QComboBox(), QComboBox()
        for t in times:
            self.start.addItem(format_local(t), t)
            self.end.addItem(format_local(t), t)
        self.end.setCurrentIndex(self.end.count() - 1)
        self.language = QComboBox()
        self.language.addItem("中文", "zh")
        self.language.addItem("English", "en")
        self.language.setCurrentIndex(max(0, self.language.findData(page_lang(lang))))
        self.title = QLineEdit(self.tr("Flood situation replay"))
        self.size = QComboBox()
        for text, wh in (("1280×720", (1280, 720)), ("1920×1080", (1920, 1080)), ("960×540", (960, 540))):
            self.size.addItem(text, wh)
        form.addRow(self.tr("From:"), self.start)
        form.addRow(self.tr("To:"), self.end)
        form.addRow(self.tr("Page language:"), self.language)
        form.addRow(self.tr("Title:"), self.title)
        form.addRow(self.tr("Size:"), self.size)
        lay.addLayout(form)
        self.bar = QProgressBar()
        self.status = QLabel("")
        lay.addWidget(self.bar)
        lay.addWidget(self.status)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save_dialog)
        self.buttons.rejected.connect(self.cancel)
        lay.addWidget(self.buttons)
        self.worker: _Worker | None = None

    def start_writing(self, out: str | Path) -> _Worker:
        options = {
            "start": self.start.currentData(), "end": self.end.currentData(), "size": self.size.currentData(),
            "title": self.title.text().strip(), "press": True, "lang": self.language.currentData(),
        }
        self.worker = _Worker(self.location, Path(out), options, self)
        self.worker.progressed.connect(self._progress)
        self.worker.done.connect(lambda p: self.status.setText(self.tr("Saved %1").replace("%1", p)))
        self.worker.failed.connect(
            lambda m: self.status.setText(m or self.tr("Cancelled; no file was written.")))
        self.worker.finished.connect(lambda: self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(True))
        self.buttons.button(QDialogButtonBox.StandardButton.Save).setEnabled(False)
        self.status.setText(self.tr("Drawing frames…"))
        self.worker.start()
        return self.worker

    def _progress(self, n: int, total: int) -> None:
        self.bar.setRange(0, total)
        self.bar.setValue(n)
        self.bar.setFormat(self.tr("frame %v of %m"))

    def save_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save replay"), "replay.gif", self.tr("Animated GIF (*.gif)"))
        if path:
            self.start_writing(path if path.lower().endswith((".gif", ".mp4")) else path + ".gif")

    def cancel(self) -> None:
        """Cancel stops a running replay (nothing is written); otherwise it closes."""
        if self.worker is not None and self.worker.isRunning():
            self.worker.stop.set()
            self.worker.wait()
            return
        self.reject()

    def done(self, result: int) -> None:
        if self.worker is not None and self.worker.isRunning():
            self.worker.stop.set()
            self.worker.wait()
        super().done(result)
