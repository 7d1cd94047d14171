"""The identify panel: what was clicked, in the post's own words, and whom to call.

An incident shows its state as of the map's moment (status, age, who is on
it) with "Update status…" and "Send forces…"; a force shows what of it is
committed and free, with "Send to an incident…". The buttons ask the window
for the tally entry on the right tab, filled in (``entryRequested``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
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

from floodpost.data.schema import LAYERS, schema_for
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


def age_text(minutes: float) -> str:
    """``3 小时 20 分钟``: how long ago something was reported, to the minute."""
    m = int(minutes)
    if m < 60:
        return QCoreApplication.translate("IdentifyPanel", "%1 min").replace("%1", str(m))
    if m < 24 * 60:
        return (QCoreApplication.translate("IdentifyPanel", "%1 h %2 min")
                .replace("%1", str(m // 60)).replace("%2", str(m % 60)))
    return (QCoreApplication.translate("IdentifyPanel", "%1 d %2 h")
            .replace("%1", str(m // (24 * 60))).replace("%2", str(m // 60 % 24)))


def incident_at(operations: Any, fid: int, name: Any) -> dict[str, Any] | None:
    """The incident ``fid`` (else the one named ``name``) as of the operations' moment; None before its report."""
    if operations is None:
        return None
    found = [i for i in operations.incidents if i.get("fid") == fid]
    if not found and name:
        found = [i for i in operations.incidents if i.get("name") == name]
    return found[0] if found else None


class IdentifyPanel(QWidget):
    """Attributes of the clicked features; a chooser when several lie under the click."""

    #: the shown feature changed: (key, fid) or (None, None)
    featureShown = Signal(object, object)
    #: a record about the shown feature asked for: (tally key, the fields to fill in)
    entryRequested = Signal(str, object)
    # a station's hydrograph asked for: its name
    hydrographRequested = Signal(str)

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
        self._situation: Any = None
        self.update_status = QPushButton(self.tr("Update status…"), self)
        self.update_status.setToolTip(self.tr("Enter the incident's status as of the map's time"))
        self.update_status.clicked.connect(lambda: self._ask_entry("incident_status"))
        self.send_forces = QPushButton(self.tr("Send forces…"), self)
        self.send_forces.setToolTip(self.tr("Send (or recall) a force to this incident"))
        self.send_forces.clicked.connect(lambda: self._ask_entry("dispatches"))
        self.send_force = QPushButton(self.tr("Send to an incident…"), self)
        self.send_force.setToolTip(self.tr("Send this force (or part of it) to an incident"))
        self.send_force.clicked.connect(lambda: self._ask_entry("dispatches"))
        self.hydrograph = QPushButton(self.tr("Hydrograph…"), self)
        self.hydrograph.setToolTip(self.tr("The station's levels, flow and rain over time, with its thresholds"))
        self.hydrograph.clicked.connect(self._ask_hydrograph)
        actions = QHBoxLayout()
        for b in (self.update_status, self.send_forces, self.send_force, self.hydrograph):
            b.hide()
            actions.addWidget(b)
        actions.addStretch(1)
        top = QHBoxLayout()
        top.addWidget(self.chooser, 1)
        top.addWidget(self.copy)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(top)
        lay.addWidget(self.title)
        lay.addLayout(actions)
        lay.addWidget(self.tree, 1)
        self.show_hits([])

    def set_situation(self, situation: Any) -> None:
        """The moment the map shows (a floodpost.data.situation.Situation): incidents and forces follow it."""
        self._situation = situation
        if self._hits and self.current() is not None and self.current().key in ("incidents", "forces"):
            self._show_index(self.chooser.currentIndex(), announce=False)

    def _ask_hydrograph(self) -> None:
        hit = self.current()
        name = self._record(hit).get("name") if hit is not None else None
        if name:
            self.hydrographRequested.emit(str(name))

    def _ask_entry(self, key: str) -> None:
        hit = self.current()
        if hit is None:
            return
        name = self._record(hit).get("name")
        field = "force" if hit.key == "forces" else "incident"
        values: dict[str, Any] = {field: name} if name else {}
        if key == "incident_status":  # the status as the map shows it: the officer moves it on
            inc = incident_at(getattr(self._situation, "operations", None), hit.fid, name)
            if inc is not None:
                values["status"] = inc.get("status")
        self.entryRequested.emit(key, values)

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

    def _show_index(self, i: int, announce: bool = True) -> None:
        self.tree.clear()
        for b in (self.update_status, self.send_forces, self.send_force, self.hydrograph):
            b.hide()
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
        now = self._operations_rows(hit, rec, lang)
        for heading, rows in ((self._moment_heading(), now),
                              (self.tr("Responsible persons and contacts"), contacts), (self.tr("Attributes"), attrs)):
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
        self.update_status.setVisible(hit.key == "incidents")
        self.send_forces.setVisible(hit.key == "incidents")
        self.send_force.setVisible(hit.key == "forces")
        self.hydrograph.setVisible(hit.key == "stations")
        if announce:
            self.featureShown.emit(hit.key, hit.fid)

    def _moment_heading(self) -> str:
        from floodpost.data.timeutil import format_local

        at = getattr(self._situation, "at", None)
        return self.tr("As of %1").replace("%1", format_local(at)) if at else self.tr("Now")

    def _operations_rows(self, hit: Hit, rec: dict[str, Any], lang: str) -> list[tuple[str, str]]:
        """An incident's state, or a force's commitments, as of the map's moment."""
        ops = getattr(self._situation, "operations", None)
        if ops is None:
            return []
        if hit.key == "incidents":
            inc = incident_at(ops, hit.fid, rec.get("name"))
            if inc is None:
                return []
            status = schema_for("incident_status").field("status")
            rows = [(status.label(lang), status.display(inc.get("status"), lang)),
                    (self.tr("Since the report"), age_text(float(inc.get("age_min") or 0)))]
            for name in ("threatened", "trapped", "rescued"):
                f = schema_for("incident_status").field(name)
                if inc.get(name):
                    rows.append((f.label(lang), f.display(inc.get(name), lang)))
            forces = inc.get("forces") or []
            rows.append((self.tr("Forces on site"), "、".join(forces) if forces else self.tr("none")))
            if forces:
                rows.append((self.tr("Personnel on site"), str(int(inc.get("personnel_on_site") or 0))))
            return rows
        if hit.key == "forces":
            name = rec.get("name")
            has = int(rec.get("personnel") or 0)
            out = ops.committed.get(name, {})
            sent = int(out.get("personnel", 0))
            places = [d for d in ops.dispatches if d.get("force") == name]
            rows = [(self.tr("Personnel committed"), str(sent)),
                    (self.tr("Personnel free"), str(max(0, has - sent)))]
            for d in places:
                rows.append((self.tr("At %1").replace("%1", str(d.get("incident"))),
                             self.tr("%1 persons").replace("%1", str(int(d.get("personnel") or 0)))))
            return rows
        return []

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
