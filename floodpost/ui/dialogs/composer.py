"""The layout composer: the press page with a live preview, saved as PNG or PDF.

The preview is the page itself drawn small by the same ``compose`` that
writes the file, from the map view and the time the window shows. The
page has a language of its own (Chinese unless chosen otherwise), whatever
the interface's; what the user should know before publishing (no map
review number, a legend set small, tags left out) is said under the form.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QRectF, QSettings, Qt, QTimer
from PySide6.QtGui import QImage, QPainter, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from floodpost.layers.output.layout import (
    PRESETS,
    LayoutOptions,
    compose,
    headline_figures,
    page_pixels,
    render_pdf,
    render_png,
)
from floodpost.layers.output.pagetext import PageText
from floodpost.layers.scene import is_illustrative, page_subtitle
from floodpost.ui.settings import SETTINGS_APP, SETTINGS_ORG

PREVIEW_W = 760


class ComposerDialog(QDialog):
    """Title, page, press mode and footer lines; the preview follows every change."""

    def __init__(self, scene: Any, situation: Any, bounds: tuple[float, float, float, float],
                 subtitle: str = "", parent: QWidget | None = None, *, workspace: Any = None,
                 requested: bool = True) -> None:
        """``workspace`` lets the page say how recent its data is and mark illustrative data;
        ``requested`` is False when the window shows the situation now (the page then gives
        the latest report's time). Without a workspace the ``subtitle`` given is used."""
        super().__init__(parent)
        self.scene, self.situation, self.bounds = scene, situation, bounds
        self.workspace, self.requested = workspace, requested
        self.illustrative = is_illustrative(workspace) if workspace is not None else False
        self.setWindowTitle(self.tr("Press map"))
        s = QSettings(SETTINGS_ORG, SETTINGS_APP)
        lay = QHBoxLayout(self)
        form = QFormLayout()
        self.lang = QComboBox()
        self.lang.addItem("中文", "zh")
        self.lang.addItem("English", "en")
        self._auto_subtitle = self._subtitle_for("zh") if workspace is not None else subtitle
        self._auto_title = PageText("zh").translate("layout", "Flood situation map")
        self.title = QLineEdit(str(s.value("composer/title", self._auto_title)))
        self.subtitle = QLineEdit(self._auto_subtitle)
        self.subtitle.setMinimumWidth(self.subtitle.fontMetrics().horizontalAdvance(self._auto_subtitle) + 24)
        self.preset = QComboBox()
        for key, text in (("screen", self.tr("Screen 1920×1080")), ("a4", self.tr("A4 landscape, 300 dpi")),
                          ("a3", self.tr("A3 landscape, 300 dpi"))):
            self.preset.addItem(text, key)
        self.format = QComboBox()
        self.format.addItem("PNG", ".png")
        self.format.addItem(self.tr("PDF (vector)"), ".pdf")
        self.press = QCheckBox(self.tr("Press mode: no names or phone numbers of persons"))
        self.press.setChecked(True)
        self.source = QLineEdit(str(s.value("composer/source", "")))
        self.producer = QLineEdit(str(s.value("composer/producer", "")))
        self.review = QLineEdit(str(s.value("composer/review", "")))
        self.review.setPlaceholderText(self.tr("e.g. the basemap's 审图号; required for published maps"))
        form.addRow(self.tr("Page language:"), self.lang)
        form.addRow(self.tr("Title:"), self.title)
        form.addRow(self.tr("Subtitle:"), self.subtitle)
        form.addRow(self.tr("Page:"), self.preset)
        form.addRow(self.tr("Format:"), self.format)
        form.addRow(self.press)
        form.addRow(self.tr("Data source:"), self.source)
        form.addRow(self.tr("Made by:"), self.producer)
        form.addRow(self.tr("Map review number:"), self.review)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close)
        buttons.accepted.connect(self.save_dialog)
        buttons.rejected.connect(self.reject)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        self.notes.setStyleSheet("color: #b71c1c;")
        left = QVBoxLayout()
        left.addLayout(form)
        left.addWidget(self.notes)
        left.addStretch(1)
        left.addWidget(buttons)
        lay.addLayout(left)
        self.preview = QLabel()
        self.preview.setMinimumWidth(PREVIEW_W)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay.addWidget(self.preview, 1)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(250)
        self._timer.timeout.connect(self.update_preview)
        for w in (self.title, self.subtitle, self.source, self.producer, self.review):
            w.textChanged.connect(self._timer.start)
        for c in (self.preset, self.format):
            c.currentIndexChanged.connect(self._timer.start)
        self.press.toggled.connect(self._timer.start)
        self.lang.currentIndexChanged.connect(self._on_lang_change)
        self.warnings: list[str] = []
        self.update_preview()

    def _subtitle_for(self, lang: str) -> str:
        return page_subtitle(self.workspace, self.situation.at, self.requested, lang)

    def _on_lang_change(self) -> None:
        """The page's words follow its language; what the user typed stays."""
        lang = self.lang.currentData()
        if self.subtitle.text() == self._auto_subtitle and self.workspace is not None:
            self._auto_subtitle = self._subtitle_for(lang)
            self.subtitle.setText(self._auto_subtitle)
        if self.title.text() == self._auto_title:
            self._auto_title = PageText(lang).translate("layout", "Flood situation map")
            self.title.setText(self._auto_title)
        self._timer.start()

    def options(self) -> LayoutOptions:
        lang = self.lang.currentData()
        return LayoutOptions(
            title=self.title.text().strip(), subtitle=self.subtitle.text().strip(),
            source=self.source.text().strip(), producer=self.producer.text().strip(),
            review_number=self.review.text().strip(), press=self.press.isChecked(),
            headline=headline_figures(self.situation.totals(), lang, at=getattr(self.situation, "at", None)),
            lang=lang,
            illustrative=self.illustrative,
        )

    def _show_notes(self, page_warnings: list[str]) -> None:
        """What to know before publishing, under the form (the page itself is never cut to fit)."""
        notes = []
        if self.press.isChecked() and not self.review.text().strip():
            notes.append(self.tr("A map published in China needs the map review number (审图号) of its basemap."))
        notes += page_warnings
        self.warnings = notes
        self.notes.setText("\n".join(notes))
        self.notes.setVisible(bool(notes))

    def page_size(self) -> tuple[int, int, int]:
        return page_pixels(self.preset.currentData())

    def update_preview(self) -> QImage:
        """The page at preview size, drawn by the same compose as the file."""
        w, h, dpi = self.page_size()
        k = PREVIEW_W / w
        img = QImage(PREVIEW_W, max(1, round(h * k)), QImage.Format.Format_ARGB32_Premultiplied)
        p = QPainter(img)
        try:
            page = compose(p, QRectF(0, 0, img.width(), img.height()), self.scene, self.bounds, self.options(),
                           dpi / 96.0 * k)
        finally:
            p.end()
        self._show_notes(page.warnings)
        self.preview.setPixmap(QPixmap.fromImage(img))
        self._image = img
        return img

    def save(self, path: str | Path) -> Path:
        path = Path(path)
        w, h, dpi = self.page_size()
        if path.suffix.lower() == ".pdf":
            key = self.preset.currentData()
            p = PRESETS[key]
            size_mm = p.get("size_mm") or (p["size_px"][0] * 25.4 / 96, p["size_px"][1] * 25.4 / 96)
            page = render_pdf(self.scene, self.bounds, self.options(), path, size_mm, dpi)
        else:
            page = render_png(self.scene, self.bounds, self.options(), path, (w, h), dpi)
        self._show_notes(page.warnings)
        s = QSettings(SETTINGS_ORG, SETTINGS_APP)
        s.setValue("composer/title", self.title.text())
        s.setValue("composer/source", self.source.text())
        s.setValue("composer/producer", self.producer.text())
        s.setValue("composer/review", self.review.text())
        return path

    def save_dialog(self) -> None:
        suffix = self.format.currentData()
        name = (self.title.text().strip() or "map") + suffix
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save press map"), name,
                                              self.tr("PNG images (*.png)") if suffix == ".png" else self.tr("PDF files (*.pdf)"))
        if not path:
            return
        if not path.lower().endswith(suffix):
            path += suffix
        try:
            self.save(path)
        except Exception as exc:  # noqa: BLE001 - told to the user
            QMessageBox.critical(self, self.tr("Cannot save"), f"{path}\n\n{exc}")
            return
        QMessageBox.information(self, self.tr("Press map"), self.tr("Saved %1").replace("%1", path))
