"""The identify panel: what was clicked, in the post's own words, and whom to call."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from floodpost.data.schema import LAYERS
from floodpost.i18n import lang_short
from floodpost.layers.model import LayerList
from floodpost.layers.model.identify import Hit


def feature_rows(key: str, record: dict[str, Any], lang: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(contacts, attributes) as (label, text) pairs, empty values left out.

    Contacts are the schema's private fields (responsible persons and their
    phones), kept together so the officer finds whom to call at a glance.
    """
    schema = LAYERS[key]
    contacts: list[tuple[str, str]] = []
    attrs: list[tuple[str, str]] = []
    for f in schema.fields:
        text = f.display(record.get(f.name), lang)
        if not text:
            continue
        (contacts if f.private or f.name == "resp_unit" else attrs).append((f.label(lang), text))
    return contacts, attrs


class IdentifyPanel(QWidget):
    """Attributes of the clicked features; a chooser when several lie under the click."""

    #: the shown feature changed: (key, fid) or (None, None)
    featureShown = Signal(object, object)

    def __init__(self, layers: LayerList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layers = layers
        self._hits: list[Hit] = []
        self.chooser = QComboBox(self)
        self.chooser.currentIndexChanged.connect(self._show_index)
        self.title = QLabel(self)
        f = self.title.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.2)
        self.title.setFont(f)
        self.title.setWordWrap(True)
        self.title.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.tree = QTreeWidget(self)
        self.tree.setColumnCount(2)
        self.tree.setHeaderLabels([self.tr("Field"), self.tr("Value")])
        self.tree.setRootIsDecorated(False)
        self.tree.setAlternatingRowColors(True)
        self.tree.setWordWrap(True)
        self.copy = QPushButton(self.tr("Copy"), self)
        self.copy.setToolTip(self.tr("Copy the shown attributes as text"))
        self.copy.clicked.connect(self.copy_text)
        top = QHBoxLayout()
        top.addWidget(self.chooser, 1)
        top.addWidget(self.copy)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.title)
        lay.addWidget(self.tree, 1)
        self.show_hits([])

    def set_layers(self, layers: LayerList) -> None:
        self.layers = layers
        self.show_hits([])

    def show_hits(self, hits: Sequence[Hit]) -> None:
        """Show the first of ``hits``; the chooser lists all of them."""
        self._hits = list(hits)
        self.chooser.blockSignals(True)
        self.chooser.clear()
        lang = lang_short()
        for h in self._hits:
            rec = self._record(h)
            name = rec.get(LAYERS[h.key].title_field) or f"#{h.fid}"
            self.chooser.addItem(f"{LAYERS[h.key].label(lang)}: {name}")
        self.chooser.setVisible(len(self._hits) > 1)
        self.chooser.blockSignals(False)
        self.copy.setEnabled(bool(self._hits))
        self._show_index(0)

    def _record(self, hit: Hit) -> dict[str, Any]:
        layer = self.layers.get(hit.key)
        if layer is None:
            return {}
        # every field, from the workspace for a layer opened with its drawn columns only
        rec = layer.record(hit.fid)
        rec.pop("fid", None)
        return rec

    def refresh(self, key: str, fids: Any, gone: Any = ()) -> None:
        """Show again a feature another workstation changed; drop the ones it deleted."""
        hit = self.current()
        if hit is None or hit.key != key:
            return
        if hit.fid in set(gone):
            self.show_hits([h for h in self._hits if not (h.key == key and h.fid in set(gone))])
        elif hit.fid in set(fids):
            self._show_index(self.chooser.currentIndex())

    def current(self) -> Hit | None:
        i = self.chooser.currentIndex()
        return self._hits[i] if 0 <= i < len(self._hits) else None

    def _show_index(self, i: int) -> None:
        self.tree.clear()
        if not self._hits:
            self.title.setText(self.tr("Click a feature on the map to see its details."))
            self.featureShown.emit(None, None)
            return
        hit = self._hits[max(i, 0)]
        lang = lang_short()
        rec = self._record(hit)
        schema = LAYERS[hit.key]
        name = rec.get(schema.title_field) or f"#{hit.fid}"
        self.title.setText(f"{name}\n{schema.label(lang)}")
        contacts, attrs = feature_rows(hit.key, rec, lang)
        bold = QFont(self.tree.font())
        bold.setBold(True)
        for heading, rows in ((self.tr("Responsible persons and contacts"), contacts), (self.tr("Attributes"), attrs)):
            if not rows:
                continue
            head = QTreeWidgetItem([heading, ""])
            head.setFirstColumnSpanned(True)
            head.setFont(0, bold)
            head.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.tree.addTopLevelItem(head)
            head.setFirstColumnSpanned(True)
            for label, text in rows:
                item = QTreeWidgetItem([label, text])
                item.setToolTip(1, text)
                self.tree.addTopLevelItem(item)
        self.tree.addTopLevelItem(QTreeWidgetItem([self.tr("Feature id"), str(hit.fid)]))
        self.tree.resizeColumnToContents(0)
        self.featureShown.emit(hit.key, hit.fid)

    def text(self) -> str:
        """The shown feature as plain text, for pasting into a message."""
        lines = [self.title.text().replace("\n", " · ")]
        for i in range(self.tree.topLevelItemCount()):
            item = self.tree.topLevelItem(i)
            if item.text(1):
                lines.append(f"{item.text(0)}: {item.text(1)}")
        return "\n".join(lines)

    def copy_text(self) -> None:
        QGuiApplication.clipboard().setText(self.text())
