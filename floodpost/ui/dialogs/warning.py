"""Issuing a warning (发布预警): level, kind, text and who it goes to, as one ``warnings`` record.

The recipients are picked in a tree of counties → townships → villages
built from the villages layer (and the county boundaries, so a county can be
warned before its villages are entered). A click checks a node and all below
it; what is stored is what the officer picked: checking 淇县 stores the key
``淇县`` (the county office answers), checking two villages stores their two
village keys. A picked county from which one village is then taken off is
stored as the rest of it, township by township. The responsible persons of
the hazard points and reservoirs in the counties reached can be added
(``hazards:名称`` keys). The count is shown before anything is sent.

Nothing is written until the record passes the tally checks
(:func:`floodpost.data.situation.tally.check_entry`); then one record is
written and ``saved`` tells the window, which makes it one undoable step.
"""

from __future__ import annotations

import html
from collections.abc import Iterator
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from floodpost.data import recipients as rcp
from floodpost.data.schema import WARNING_KINDS, WARNING_LEVELS, schema_for
from floodpost.data.situation.tally import Issue, TallyRejected, check_entry, entry, read_time
from floodpost.data.timeutil import format_local, now_storage, parse_time
from floodpost.i18n import lang_short
from floodpost.ui.notes import tr_note
from floodpost.ui.settings import settings

#: The colours of the four warning levels (GB/T 27962 style), for swatches and the 叫应 list.
LEVEL_COLOURS = {"blue": "#1f6fd1", "yellow": "#e8b800", "orange": "#f07800", "red": "#d7191c"}
#: Features whose responsible persons a warning may add, in the counties it reaches.
FEATURE_OPTIONS = ("hazards", "reservoirs")
ERROR_STYLE = "QLabel { color: #b00020; }"
WARNING_STYLE = "QLabel { color: #8a5a00; background: #fff4ce; padding: 1px 4px; }"
_KEY = Qt.ItemDataRole.UserRole
_CHECKED, _PARTIAL, _UNCHECKED = (Qt.CheckState.Checked, Qt.CheckState.PartiallyChecked,
                                  Qt.CheckState.Unchecked)


def level_icon(level: str, size: int = 14) -> QIcon:
    """A square of the level's colour."""
    pix = QPixmap(size, size)
    pix.fill(QColor(LEVEL_COLOURS.get(level, "#888888")))
    return QIcon(pix)


def _text(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return str(v).strip()


class WarningDialog(QDialog):
    """The form of one warning and its recipients; writes one ``warnings`` record.

    Parameters
    ----------
    workspace
        The open workspace (a Store), read for the villages and written once.
    view_time
        The moment the map shows (stored time, ``""`` for now): the issue time
        starts there when the map shows the past, and F4 puts it back.
    operator
        Written to the situation log with the record.

    Signals
    -------
    saved(key, fid)
        After the record is written (the window makes it one undoable step).
    """

    saved = Signal(str, int)

    def __init__(self, workspace: Any, parent: QWidget | None = None, *, view_time: str = "",
                 operator: str | None = None, lang: str | None = None) -> None:
        super().__init__(parent)
        self.ws = workspace
        self.operator = operator
        self.lang = lang or lang_short()
        self.view_time = view_time or ""
        self.setWindowTitle(self.tr("Issue warning"))
        #: keys of the tree nodes the officer checked with a click (see the module's docstring)
        self._picked: set[str] = set()
        self._propagating = False
        self._name_edited = False
        self._shown_warnings: set[str] = set()
        self.messages: dict[str, QLabel] = {}
        self._features: dict[str, list[tuple[str, str]]] = {}  # layer -> [(county, name)]
        self._build()
        self._fill_tree()
        self._suggest_name()
        self._update_count()

    # ------------------------------------------------------------ building
    def _build(self) -> None:
        form = QFormLayout()
        self.name_edit = QLineEdit(self)
        self.name_edit.textEdited.connect(self._on_name_edited)
        self.level_combo = QComboBox(self)
        for c in WARNING_LEVELS:
            self.level_combo.addItem(level_icon(c.code), c.zh if self.lang == "zh" else c.en, c.code)
        self.level_combo.setCurrentIndex(self.level_combo.findData("orange"))
        self.kind_combo = QComboBox(self)
        for c in WARNING_KINDS:
            self.kind_combo.addItem(c.zh if self.lang == "zh" else c.en, c.code)
        self.level_combo.currentIndexChanged.connect(self._on_level_kind)
        self.kind_combo.currentIndexChanged.connect(self._on_level_kind)
        self.text_edit = QPlainTextEdit(self)
        self.text_edit.setPlaceholderText(self.tr("What the warning says, as it is sent"))
        self.text_edit.setFixedHeight(self.fontMetrics().lineSpacing() * 4 + 12)
        self.issuer_edit = QLineEdit(self)
        self.issuer_edit.setText(str(settings().value("warning/issuer", "") or ""))
        self.issued_edit = QLineEdit(self)
        self.issued_edit.setText(format_local(self.view_time or now_storage()))
        self.issued_edit.setPlaceholderText("2021-07-20 16:00")
        self.ends_edit = QLineEdit(self)
        self.ends_edit.setPlaceholderText(self.tr("blank: in force until lifted"))
        self.map_time_button = QPushButton(self)
        self.map_time_button.setAutoDefault(False)
        self.map_time_button.setToolTip(self.tr("Put the moment the map shows (the time slider) in the issue time (F4)"))
        self.map_time_button.clicked.connect(self.use_view_time)
        if self.view_time:
            self.map_time_button.setText(self.tr("Map time %1 (F4)").replace("%1", format_local(self.view_time)))
        self.map_time_button.setVisible(bool(self.view_time))
        shortcut = QShortcut(QKeySequence(Qt.Key.Key_F4), self)
        shortcut.activated.connect(self.use_view_time)
        issued_row = QHBoxLayout()
        issued_row.addWidget(self.issued_edit, 1)
        issued_row.addWidget(self.map_time_button)
        schema = schema_for("warnings")
        rows: list[tuple[str, Any, str]] = [
            ("name", self.name_edit, self.tr("Warning No. / name")),
            ("level", self.level_combo, schema.field("level").label(self.lang)),
            ("kind", self.kind_combo, schema.field("kind").label(self.lang)),
            ("text", self.text_edit, schema.field("text").label(self.lang)),
            ("issuer", self.issuer_edit, schema.field("issuer").label(self.lang)),
            ("reported_at", issued_row, schema.field("reported_at").label(self.lang)),
            ("ends_at", self.ends_edit, schema.field("ends_at").label(self.lang)),
        ]
        for name, widget, label in rows:
            cell = QVBoxLayout()
            cell.setContentsMargins(0, 0, 0, 0)
            cell.setSpacing(1)
            if isinstance(widget, QHBoxLayout):
                cell.addLayout(widget)
            else:
                cell.addWidget(widget)
            message = QLabel(self)
            message.setWordWrap(True)
            message.hide()
            cell.addWidget(message)
            self.messages[name] = message
            form.addRow(label + (" *" if name in ("name", "reported_at") else ""), cell)

        # recipients
        self.tree = QTreeWidget(self)
        self.tree.setHeaderLabels([self.tr("Counties, townships and villages")])
        self.tree.setMinimumHeight(220)
        self.tree.itemChanged.connect(self._on_item_changed)
        self.feature_checks: dict[str, QCheckBox] = {}
        checks = QHBoxLayout()
        texts = {"hazards": self.tr("Responsible persons of the hazard points in these counties (%1)"),
                 "reservoirs": self.tr("Responsible persons of the reservoirs in these counties (%1)")}
        options = QVBoxLayout()
        for layer in FEATURE_OPTIONS:
            box = QCheckBox(texts[layer].replace("%1", "0"), self)
            box.setProperty("template", texts[layer])
            box.toggled.connect(self._update_count)
            self.feature_checks[layer] = box
            options.addWidget(box)
        checks.addLayout(options, 1)
        self.count_label = QLabel(self)
        self.count_label.setWordWrap(True)
        self.count_label.setStyleSheet("QLabel { font-weight: bold; }")
        rec_message = QLabel(self)
        rec_message.setWordWrap(True)
        rec_message.hide()
        self.messages["recipients"] = rec_message
        self.general = QLabel(self)
        self.general.setWordWrap(True)
        self.general.hide()

        self.save_button = QPushButton(self.tr("Issue"), self)
        self.save_button.setToolTip(self.tr("Write the warning (Ctrl+Enter)"))
        self.save_anyway_button = QPushButton(self.tr("Issue anyway"), self)
        self.save_anyway_button.setToolTip(self.tr("Issue despite the warnings shown"))
        self.save_anyway_button.hide()
        self.cancel_button = QPushButton(self.tr("Cancel"), self)
        for b in (self.save_button, self.save_anyway_button, self.cancel_button):
            b.setAutoDefault(False)
        self.save_button.clicked.connect(lambda: self.save())
        self.save_anyway_button.clicked.connect(lambda: self.save(accept_warnings=True))
        self.cancel_button.clicked.connect(self.reject)
        save_shortcut = QShortcut(QKeySequence("Ctrl+Return"), self)
        save_shortcut.activated.connect(lambda: self.save())
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.save_anyway_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.cancel_button)

        left = QVBoxLayout()
        left.addLayout(form)
        left.addStretch(1)
        right = QVBoxLayout()
        right.addWidget(QLabel(self.tr("Recipients *"), self))
        right.addWidget(self.tree, 1)
        right.addLayout(checks)
        right.addWidget(rec_message)
        right.addWidget(self.count_label)
        body = QHBoxLayout()
        body.addLayout(left, 5)
        body.addLayout(right, 4)
        lay = QVBoxLayout(self)
        lay.addLayout(body, 1)
        lay.addWidget(self.general)
        lay.addLayout(buttons)
        for w in (self.name_edit, self.issuer_edit, self.issued_edit, self.ends_edit):
            w.textEdited.connect(self._clear_issues)
        self.text_edit.textChanged.connect(self._clear_issues)
        self.resize(940, 600)

    # ------------------------------------------------------------ the tree
    def _fill_tree(self) -> None:
        """Counties (the shipped boundaries and the villages' counties) → townships → villages."""
        from floodpost.data.boundaries import county_boundaries

        keys = self.ws.keys()
        chain: dict[str, dict[str, list[str]]] = {}
        try:
            for name in county_boundaries()["name"]:
                if _text(name):
                    chain.setdefault(_text(name), {})
        except Exception:  # noqa: BLE001, S110 - the villages alone still give the chain
            pass
        self.skipped = 0
        if "villages" in keys:
            frame = self.ws.read("villages", columns=["name", "township", "county"], geometry=False)
            for name, township, county in zip(frame["name"], frame["township"], frame["county"], strict=True):
                c, t, v = _text(county), _text(township), _text(name)
                if not (c and t and v):
                    self.skipped += 1  # a key needs all three parts (a bare name reads as a county)
                    continue
                villages = chain.setdefault(c, {}).setdefault(t, [])
                if v not in villages:
                    villages.append(v)
        for layer in FEATURE_OPTIONS:
            found: list[tuple[str, str]] = []
            if layer in keys:
                frame = self.ws.read(layer, columns=["name", "county"], geometry=False)
                found = [(_text(c), _text(n)) for n, c in zip(frame["name"], frame["county"], strict=True)
                         if _text(n) and _text(c)]
            self._features[layer] = found
        with QSignalBlocker(self.tree):
            self.tree.clear()
            for county in sorted(chain):
                top = self._node(self.tree, county, rcp.village_key(county, None, None))
                for township in sorted(chain[county]):
                    mid = self._node(top, township, rcp.village_key(county, township, None))
                    for village in sorted(chain[county][township]):
                        self._node(mid, village, rcp.village_key(county, township, village))
        if self.skipped:
            self.tree.setToolTip(self.tr("%1 villages without a county or township are not listed")
                                 .replace("%1", str(self.skipped)))

    def _node(self, parent: Any, text: str, key: str) -> QTreeWidgetItem:
        item = QTreeWidgetItem(parent, [text])
        item.setData(0, _KEY, key)
        item.setFlags((item.flags() | Qt.ItemFlag.ItemIsUserCheckable) & ~Qt.ItemFlag.ItemIsUserTristate)
        item.setCheckState(0, _UNCHECKED)
        return item

    def items(self) -> Iterator[QTreeWidgetItem]:
        """Every node of the tree, parents before children."""
        stack = [self.tree.topLevelItem(i) for i in range(self.tree.topLevelItemCount() - 1, -1, -1)]
        while stack:
            item = stack.pop()
            yield item
            stack.extend(item.child(i) for i in range(item.childCount() - 1, -1, -1))

    def item(self, key: str) -> QTreeWidgetItem | None:
        """The node of a county, township or village key."""
        return next((i for i in self.items() if i.data(0, _KEY) == key), None)

    def check(self, key: str, on: bool = True) -> None:
        """Check (or uncheck) a node as a click on it does (tests and scripts use it)."""
        item = self.item(rcp.normalise(key))
        if item is None:
            raise KeyError(key)
        item.setCheckState(0, _CHECKED if on else _UNCHECKED)

    def _on_item_changed(self, item: QTreeWidgetItem, _column: int) -> None:
        """A click: the node and all below it follow; the parents show all, some or none."""
        if self._propagating:
            return
        self._propagating = True
        try:
            state = item.checkState(0)
            on = state != _UNCHECKED
            if on:
                item.setCheckState(0, _CHECKED)
            below = [item]
            while below:
                node = below.pop()
                self._picked.discard(node.data(0, _KEY))
                for i in range(node.childCount()):
                    child = node.child(i)
                    child.setCheckState(0, _CHECKED if on else _UNCHECKED)
                    below.append(child)
            if on:
                self._picked.add(item.data(0, _KEY))
            parent = item.parent()
            while parent is not None:
                states = {parent.child(i).checkState(0) for i in range(parent.childCount())}
                parent.setCheckState(0, states.pop() if len(states) == 1 and _PARTIAL not in states else _PARTIAL)
                parent = parent.parent()
        finally:
            self._propagating = False
        self._clear_issues()
        self._update_count()

    def area_keys(self) -> list[str]:
        """The county, township and village keys picked, coarsest first as the tree shows them."""
        out: list[str] = []

        def walk(item: QTreeWidgetItem, dissolved: bool) -> None:
            state = item.checkState(0)
            if state == _UNCHECKED:
                return
            key = item.data(0, _KEY)
            if state == _CHECKED and (key in self._picked or dissolved or item.childCount() == 0):
                out.append(key)
                return
            for i in range(item.childCount()):
                # a picked node partly taken back is sent to the rest of it, coarsest first
                walk(item.child(i), dissolved or key in self._picked)

        for i in range(self.tree.topLevelItemCount()):
            walk(self.tree.topLevelItem(i), False)
        return out

    def _counties_reached(self, keys: list[str]) -> set[str]:
        return {rcp.parse(k).county for k in keys}

    def feature_keys(self, area: list[str] | None = None) -> list[str]:
        """``layer:name`` keys of the features chosen below the tree, in the counties reached."""
        counties = self._counties_reached(self.area_keys() if area is None else area)
        out: list[str] = []
        for layer, box in self.feature_checks.items():
            if box.isChecked():
                out += [rcp.feature_key(layer, n) for c, n in self._features.get(layer, []) if c in counties]
        return out

    def recipient_keys(self) -> list[str]:
        """Every key the warning goes to, as it will be stored."""
        area = self.area_keys()
        return list(dict.fromkeys(area + self.feature_keys(area)))

    def _update_count(self, *_: object) -> None:
        area = self.area_keys()
        counties = self._counties_reached(area)
        for layer, box in self.feature_checks.items():
            n = sum(1 for c, _ in self._features.get(layer, []) if c in counties)
            box.setText(str(box.property("template")).replace("%1", str(n)))
        feats = self.feature_keys(area)
        kinds = [rcp.parse(k).kind for k in area]
        villages = [(c, t, v) for c, tw in self._village_index().items() for t, vs in tw.items() for v in vs]
        reached = len(rcp.villages_covered(area, villages))
        total = len(area) + len(feats)
        self.count_label.setText(
            self.tr("%1 recipients: %2 counties, %3 townships, %4 villages, %5 responsible persons; "
                    "%6 villages reached")
            .replace("%1", str(total)).replace("%2", str(kinds.count("county")))
            .replace("%3", str(kinds.count("township"))).replace("%4", str(kinds.count("village")))
            .replace("%5", str(len(feats))).replace("%6", str(reached))
        )

    def _village_index(self) -> dict[str, dict[str, list[str]]]:
        out: dict[str, dict[str, list[str]]] = {}
        for item in self.items():
            r = rcp.parse(item.data(0, _KEY))
            if r.kind == "village":
                out.setdefault(r.county, {}).setdefault(r.township, []).append(r.village)
        return out

    # ------------------------------------------------------------ name and time
    def level(self) -> str:
        return str(self.level_combo.currentData())

    def kind(self) -> str:
        return str(self.kind_combo.currentData())

    def set_level(self, level: str) -> None:
        self.level_combo.setCurrentIndex(self.level_combo.findData(level))

    def set_kind(self, kind: str) -> None:
        self.kind_combo.setCurrentIndex(self.kind_combo.findData(kind))

    def _on_name_edited(self, text: str) -> None:
        self._name_edited = bool(text.strip())

    def _on_level_kind(self, *_: object) -> None:
        if not self._name_edited:
            self._suggest_name()
        self._clear_issues()

    def _suggest_name(self) -> None:
        """``暴雨橙色预警（第N号）``: N one more than the warnings of that kind issued so far."""
        kind_names = {c.code: (c.zh if self.lang == "zh" else c.en) for c in WARNING_KINDS}
        colours = {"blue": self.tr("blue"), "yellow": self.tr("yellow"), "orange": self.tr("orange"),
                   "red": self.tr("red")}
        used: set[str] = set()
        if "warnings" in self.ws.keys():  # noqa: SIM118 - not a mapping
            frame = self.ws.read("warnings", columns=["name", "kind"], geometry=False)
            used = {_text(n) for n, k in zip(frame["name"], frame["kind"], strict=True) if k == self.kind()}
        n = len(used) + 1
        make = self.tr("%1 %2 warning (No. %3)").replace("%1", kind_names.get(self.kind(), "")).replace(
            "%2", colours.get(self.level(), ""))
        while make.replace("%3", str(n)) in used:
            n += 1
        self.name_edit.setText(make.replace("%3", str(n)))

    def use_view_time(self) -> None:
        """The map's moment as the issue time (nothing while the map shows now)."""
        if self.view_time:
            self.issued_edit.setText(format_local(self.view_time))
            self._clear_issues()

    # ------------------------------------------------------------ the record
    def record(self) -> tuple[dict[str, Any], list[Issue]]:
        """The record as it would be written, and what could not be read."""
        from floodpost.data.notes import Note

        problems: list[Issue] = []
        times: dict[str, str | None] = {}
        for name, edit in (("reported_at", self.issued_edit), ("ends_at", self.ends_edit)):
            text = edit.text().strip()
            times[name] = None
            if text:
                try:
                    times[name] = read_time(text)
                except ValueError:
                    problems.append(Issue("error", name, Note("cannot read the time {text}", text=text)))
        rec = {
            "name": self.name_edit.text().strip() or None,
            "level": self.level(),
            "kind": self.kind(),
            "text": self.text_edit.toPlainText().strip() or None,
            "issuer": self.issuer_edit.text().strip() or None,
            "recipients": rcp.join(self.recipient_keys()) or None,
            **times,
        }
        return rec, problems

    def findings(self, rec: dict[str, Any]) -> list[tuple[str, str | None, str]]:
        """(level, field, message) for the record: the tally checks and a warning's own."""
        out: list[tuple[str, str | None, str]] = []
        if not rec.get("recipients"):
            out.append(("error", "recipients", self.tr("No recipient: check counties, townships or villages")))
        for issue in check_entry(self.ws, "warnings", {k: v for k, v in rec.items() if v is not None}):
            if issue.field == "recipients" and not rec.get("recipients"):
                continue
            out.append((issue.level, issue.field, tr_note(issue.message, "tally")))
        issued, ends = rec.get("reported_at"), rec.get("ends_at")
        if issued and ends and parse_time(ends) <= parse_time(issued):
            out.append(("error", "ends_at", self.tr("must be after the issue time %1").replace(
                "%1", format_local(issued))))
        name = rec.get("name")
        if name and "warnings" in self.ws.keys():  # noqa: SIM118 - not a mapping
            from floodpost.data.workspace import Where

            same = self.ws.read("warnings", [Where("name", "=", name)], columns=["reported_at"], geometry=False)
            if len(same):
                last = max(str(t) for t in same["reported_at"])
                out.append(("warning", "name", self.tr(
                    "A warning of this name was issued at %1: issuing it again replaces its level and "
                    "recipients, and they answer anew").replace("%1", format_local(last))))
        return out

    # ------------------------------------------------------------ saving
    def save(self, accept_warnings: bool = False) -> int | None:
        """Check and write the warning; its fid, or None when refused (the reasons shown)."""
        rec, problems = self.record()
        findings = [(i.level, i.field, tr_note(i.message, "tally")) for i in problems]
        if not problems:
            findings += self.findings(rec)
        errors = [f for f in findings if f[0] == "error"]
        warnings = [f for f in findings if f[0] == "warning"]
        seen = {w[2] for w in warnings} <= self._shown_warnings
        if errors or (warnings and not (accept_warnings and seen)):
            self._show_issues(errors + warnings)
            return None
        try:
            fid = entry(self.ws, "warnings", rec, accept_warnings=True, operator=self.operator)
        except TallyRejected as exc:  # the workspace changed between the check and the write
            self._show_issues([(i.level, i.field, tr_note(i.message, "tally")) for i in exc.issues])
            return None
        except Exception as exc:  # noqa: BLE001 - shown to the officer, nothing written
            from floodpost.ui.failures import describe_failure

            self._show_issues([("error", None, self.tr("Not saved: %1").replace("%1", describe_failure(exc)))])
            return None
        if rec.get("issuer"):
            settings().setValue("warning/issuer", rec["issuer"])
        self.saved.emit("warnings", fid)
        self.accept()
        return fid

    def _show_issues(self, findings: list[tuple[str, str | None, str]]) -> None:
        self._clear_issues()
        by_field: dict[str | None, list[tuple[str, str]]] = {}
        for level, name, text in findings:
            by_field.setdefault(name if name in self.messages else None, []).append((level, text))
        for name, lines in by_field.items():
            label = self.messages[name] if name is not None else self.general
            errors = any(lv == "error" for lv, _ in lines)
            label.setText("<br>".join(html.escape(t) for _, t in lines))
            label.setStyleSheet(ERROR_STYLE if errors else WARNING_STYLE)
            label.show()
        if not any(lv == "error" for lv, _, _ in findings):
            self._shown_warnings = {t for _, _, t in findings}
            self.save_anyway_button.show()

    def _clear_issues(self, *_: object) -> None:
        self._shown_warnings = set()
        self.save_anyway_button.hide()
        for label in (*self.messages.values(), self.general):
            label.clear()
            label.hide()

    @property
    def issues_shown(self) -> dict[str, str]:
        """Field (or "" for the whole) → message shown, for tests."""
        out = {n: lab.text() for n, lab in self.messages.items() if lab.isVisible() or lab.text()}
        if self.general.text():
            out[""] = self.general.text()
        return out
