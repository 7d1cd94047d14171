"""Keyboard-first tally entry: what the phone and the county sheets say, in seconds.

One tab per tally (materials, evacuation, works), per operations record
(an incident's status, a force sent or recalled, a warning answered) and for
a gauge's reading (水雨情, a bulletin read out by phone), its
fields generated from the schema. Tab or Enter moves on, Ctrl+Enter saves, Esc closes. The checks
are those of :mod:`floodpost.data.situation.tally`, judged as of the report's time:
an error shows in red beside its field and nothing is written; a warning
shows in amber and Ctrl+Shift+Enter ("Save anyway") accepts the warnings
the officer has seen. After a save the depot or area and the time stay, the
numbers are cleared (evacuation shows the area's figures just saved, since
its reports are cumulative) and the cursor is back on the first number.

The report time starts at the clock's now, for live work. When the main
window shows a past moment (the time slider), F4 puts that moment in the
time field: typing in last night's sheets while the map shows last night.
A time far outside the workspace's reports is a warning like any other.
"""

from __future__ import annotations

import html
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSignalBlocker, Qt, Signal
from PySide6.QtGui import QKeyEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from floodpost.data.intake import _clean_value
from floodpost.data.notes import Note
from floodpost.data.schema import Field, schema_for
from floodpost.data.situation import STAGES, as_of
from floodpost.data.situation.freshness import figure_age
from floodpost.data.situation.tally import (
    Issue,
    TallyRejected,
    check_entry,
    describe,
    entry,
    read_time,
)
from floodpost.data.timeutil import format_local, now_storage
from floodpost.data.workspace import Store, Workspace
from floodpost.i18n import lang_short
from floodpost.ui.notes import tr_note

#: The tallies, in tab order (the warnings themselves are issued in their own dialog).
KEYS = ("material_tally", "evacuation", "works", "incident_status", "dispatches", "acknowledgements", "readings")
#: The field that names the place a tally is about; it stays after a save.
PLACE_FIELDS = {"material_tally": "depot", "evacuation": "area", "works": "place",
                "incident_status": "incident", "dispatches": "force", "warnings": "name",
                "acknowledgements": "warning", "readings": "station"}
#: Text fields that stay after a save (the officer types runs of the same kind).
KEPT_FIELDS = {"material_tally": ("depot", "item", "unit", "kind", "source"),
               "evacuation": ("area", "area_kind", "source"),
               "works": ("place", "source"),
               "incident_status": ("incident", "source"),
               "dispatches": ("force", "incident", "action", "source"),
               "warnings": ("level", "kind", "issuer", "recipients", "source"),
               "acknowledgements": ("warning", "how", "source"),
               # a bulletin read out by phone: one station after another, the same time and source
               "readings": ("source",)}
#: Other name fields offered from the workspace: (tally, field) -> where the names come from.
NAME_SOURCES: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
    ("incident_status", "incident"): (("incidents", "name"), ("incident_status", "incident")),
    ("dispatches", "force"): (("forces", "name"), ("dispatches", "force")),
    ("dispatches", "incident"): (("incidents", "name"),),
    ("acknowledgements", "warning"): (("warnings", "name"),),
    ("readings", "station"): (("stations", "name"),),
}
#: Where the cursor goes after a save, when not to the first number (the tab has none, or a
#: run of entries changes another field first).
NEXT_FIELD = {"incident_status": "incident", "acknowledgements": "recipient", "readings": "station"}
ERROR_STYLE = "QLabel { color: #b00020; }"
AMBER = "#8a5a00"
WARNING_STYLE = f"QLabel {{ color: {AMBER}; background: #fff4ce; padding: 1px 4px; }}"

#: The data layer's sentences (floodpost.data.situation.tally), for lupdate; _tr_note looks them up.
_NOTES = (
    QT_TRANSLATE_NOOP("tally", "required"),
    QT_TRANSLATE_NOOP("tally", "{text} is not a number"),
    QT_TRANSLATE_NOOP("tally", "{text} is not a whole number"),
    QT_TRANSLATE_NOOP("tally", "must not be below {minimum}"),
    QT_TRANSLATE_NOOP("tally", "must not be above {maximum}"),
    QT_TRANSLATE_NOOP("tally", "cannot read the time {text}"),
    QT_TRANSLATE_NOOP("tally", "{text} is not one of {allowed}"),
    QT_TRANSLATE_NOOP("tally", "{reason}"),
    QT_TRANSLATE_NOOP("tally", "unknown field(s) {names}"),
    QT_TRANSLATE_NOOP(
        "tally", "{depot} is not a known depot (not in the depots layer, never in the tally)"
    ),
    QT_TRANSLATE_NOOP(
        "tally",
        "stock of {item} at {depot} would fall below zero (on hand {on_hand}, taking {quantity})",
    ),
    QT_TRANSLATE_NOOP(
        "tally",
        "stock of {item} at {depot} would fall below zero by {time} "
        "({on_hand} on hand then, less the {quantity} taken here)",
    ),
    QT_TRANSLATE_NOOP("tally", "more returned than transferred ({value} > {other})"),
    QT_TRANSLATE_NOOP("tally", "more sheltered than transferred ({value} > {other})"),
    QT_TRANSLATE_NOOP("tally", "more transferred than notified ({value} > {other})"),
    QT_TRANSLATE_NOOP("tally", "more transferred than planned ({value} > {other})"),
    QT_TRANSLATE_NOOP("tally", "more households than persons ({value} > {other})"),
    QT_TRANSLATE_NOOP("tally", "left blank, though the {time} report gave {before}"),
    QT_TRANSLATE_NOOP("tally", "lower than the {time} report ({before} then, {value} now)"),
    QT_TRANSLATE_NOOP("tally", "higher than the later {time} report ({after} then, {value} now)"),
    QT_TRANSLATE_NOOP("tally", "{time} is in the future"),
    QT_TRANSLATE_NOOP(
        "tally",
        "{time} is {days} days after the latest report in this workspace ({latest}); is the date right?",
    ),
    QT_TRANSLATE_NOOP(
        "tally",
        "{time} is {days} days before the first report in this workspace ({first}); is the date right?",
    ),
    QT_TRANSLATE_NOOP("tally", "{what} is counted in whole {unit}: {value}"),
    QT_TRANSLATE_NOOP(
        "tally", "{value} {unit} of {what} in one movement is more than {limit} {unit}; check the figure"
    ),
    QT_TRANSLATE_NOOP(
        "tally",
        "{value} {unit} of {what} in one movement cannot be right (at most {limit} {unit}); "
        "check the figure and the unit",
    ),
    QT_TRANSLATE_NOOP("tally", "{value} {unit} in one report is more than {limit} {unit}; check the figure"),
    QT_TRANSLATE_NOOP(
        "tally", "{value} {unit} in one report cannot be right (at most {limit} {unit}); check the figure"
    ),
    QT_TRANSLATE_NOOP("tally", "{value} {unit} in one area is more than {limit} {unit}; check the figure"),
    QT_TRANSLATE_NOOP(
        "tally", "{value} {unit} in one area cannot be right (at most {limit} {unit}); check the figure"
    ),
    QT_TRANSLATE_NOOP("tally", "zero: a movement of nothing"),
    QT_TRANSLATE_NOOP(
        "tally", "{unit} is not a unit known for {item} ({units}); the figure cannot be checked"
    ),
    QT_TRANSLATE_NOOP(
        "tally",
        "brings {item} at {depot} to {total}, more than {n} times the most it has held ({most}); "
        "check the figure and the unit",
    ),
    QT_TRANSLATE_NOOP("tally", "more than the {population} {unit} living in {area} ({value})"),
    QT_TRANSLATE_NOOP("tally", "{persons} persons in {households} households: more than {n} to a household"),
    QT_TRANSLATE_NOOP("tally", "{item} at {depot} would fall below zero at {time} ({balance})"),
    QT_TRANSLATE_NOOP("tally", "{incident} is not an incident on the map (not in the incidents layer)"),
    QT_TRANSLATE_NOOP("tally", "{force} is not a force on the map (not in the forces layer)"),
    QT_TRANSLATE_NOOP("tally", "{force} has {present} at {incident} at {time}: cannot recall {asked}"),
    QT_TRANSLATE_NOOP("tally", "{force} is not yet reported at {time}"),
    QT_TRANSLATE_NOOP("tally", "{force} has withdrawn by {time}"),
    QT_TRANSLATE_NOOP("tally", "{incident} is closed at {time}: the team counts only once it is reopened"),
    QT_TRANSLATE_NOOP(
        "tally", "{force} has {free} personnel free at {time} ({out} of {total} already out): cannot send {asked}"
    ),
    QT_TRANSLATE_NOOP("tally", "{force} would have {would} out by {time}, more than its {total}: cannot send {asked}"),
    QT_TRANSLATE_NOOP("tally", "{warning} is not a warning issued in this workspace"),
    QT_TRANSLATE_NOOP("tally", "{warning} was issued only at {time}: an answer before it does not count"),
    QT_TRANSLATE_NOOP("tally", "{recipient} is not a recipient of {warning} as issued at {time}"),
    QT_TRANSLATE_NOOP("tally", "{station} is not a station on the map (not in the stations layer)"),
    QT_TRANSLATE_NOOP("tally", "a reading needs a water level, flow, storage or rain"),
    QT_TRANSLATE_NOOP(
        "tally", "{value} m is {jump} m from the {time} reading of {station} ({before} m); check the figure"
    ),
    QT_TRANSLATE_NOOP(
        "tally", "{time} is {days} days before the latest reading of {station} ({latest}); is the date right?"
    ),
)


def _given(value: Any) -> bool:
    """A name cell with something in it (not blank, not a missing value)."""
    return value is not None and value == value and bool(str(value).strip())


def _issued_recipients(ws: Store) -> dict[str, list[str]]:
    """Each warning's recipient keys as last issued (a re-issue replaces them)."""
    from floodpost.data import recipients

    frame = ws.read("warnings", columns=["name", "recipients", "reported_at"])
    out: dict[str, list[str]] = {}
    if len(frame):
        for _, row in frame.sort_values("reported_at", kind="stable").iterrows():
            if _given(row["name"]):
                out[str(row["name"]).strip()] = recipients.split(row["recipients"])
    return out


def _tr_note(note: object) -> str:
    """A tally sentence in the interface language."""
    return tr_note(note, "tally")


def _is_enter(event: QKeyEvent) -> bool:
    return event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)


@dataclass
class _Form:
    """The editors of one tally tab, by schema field name."""

    key: str
    page: QWidget
    editors: dict[str, QWidget] = field(default_factory=dict)
    messages: dict[str, QLabel] = field(default_factory=dict)
    general: QLabel | None = None
    prefilled_area: str | None = None

    @property
    def fields(self) -> list[Field]:
        return [f for f in schema_for(self.key).fields if f.name in self.editors]

    def first_number(self) -> QWidget:
        return next(self.editors[f.name] for f in self.fields if f.type in ("int", "real"))

    def first(self) -> QWidget:
        return self.editors[self.fields[0].name]

    def after_save(self) -> QWidget:
        """Where the next entry of a run starts."""
        name = NEXT_FIELD.get(self.key)
        return self.editors[name] if name in self.editors else self.first_number()


class TallyEntryDialog(QDialog):
    """Non-modal entry of tallies and operations records, one record per save.

    Parameters
    ----------
    workspace
        An open :class:`Workspace` (used as it is; the caller keeps it), or
        the path of one (opened for each read and write, so the dialog holds
        no connection between them).
    key
        The tab shown first, one of :data:`KEYS`.
    operator
        Written to the situation log with each record; default the login name.
    lang
        ``zh`` or ``en`` for schema labels; default the interface language.

    Signals
    -------
    saved(key, fid)
        After each record is written.
    """

    saved = Signal(str, int)

    def __init__(
        self,
        workspace: Store | str | os.PathLike[str],
        parent: QWidget | None = None,
        *,
        key: str = "material_tally",
        operator: str | None = None,
        lang: str | None = None,
    ) -> None:
        super().__init__(parent)
        self.setModal(False)
        self.setWindowTitle(self.tr("Tally entry"))
        self._workspace = workspace
        self.operator = operator
        self.lang = lang or lang_short()
        self._shown_warnings: set[tuple[str, str | None, str]] = set()
        self._status_tells_issues = False
        self._view_time = ""
        #: each warning's recipients as last issued (offered in the acknowledgement's recipient field)
        self._warning_recipients: dict[str, list[str]] = {}
        self.forms: dict[str, _Form] = {}
        self._build()
        self.refresh_names()
        self.set_key(key)
        self.show_age()

    # ------------------------------------------------------------ workspace
    @contextmanager
    def _ws(self) -> Iterator[Store]:
        """The workspace for one read or write; a location is opened for just that long."""
        if isinstance(self._workspace, Store):
            yield self._workspace
            return
        ws = Workspace.open(self._workspace)
        try:
            yield ws
        finally:
            ws.close()

    def set_workspace(self, workspace: Store | str | os.PathLike[str]) -> None:
        """Enter into another workspace (the main window opened a new one)."""
        self._workspace = workspace
        self.status_label.clear()
        self._clear_issues()
        self.refresh_names()
        self.show_age()

    def set_view_time(self, stored: str) -> None:
        """The moment the main window shows (a stored time, ``""`` for now): offered on F4."""
        self._view_time = stored or ""
        if self._view_time:
            self.map_time_button.setText(
                self.tr("Map time %1 (F4)").replace("%1", format_local(self._view_time))
            )
        self.map_time_button.setVisible(bool(self._view_time))
        self.show_age()

    def use_view_time(self) -> None:
        """Put the map's moment in the report time of the tab shown (nothing while the map shows now)."""
        if not self._view_time:
            return
        edit = self.form().editors.get("reported_at")
        if isinstance(edit, QLineEdit):
            edit.setText(format_local(self._view_time))
            self._on_edit()
            edit.setFocus()

    # ------------------------------------------------------------ building
    def _build(self) -> None:
        self.tabs = QTabWidget(self)
        titles = {
            "material_tally": self.tr("Materials"),
            "evacuation": self.tr("Evacuation"),
            "works": self.tr("Works"),
            "incident_status": self.tr("Incident status"),
            "dispatches": self.tr("Dispatch"),
            "acknowledgements": self.tr("Warning answers"),
            "readings": self.tr("Water and rain"),
        }
        for key in KEYS:
            form = self._build_form(key)
            self.forms[key] = form
            self.tabs.addTab(form.page, titles[key])
        self.tabs.currentChanged.connect(self._on_tab_change)
        # how old the tab's newest report is, at the map's moment (or now): a tally overdue shows it
        self.age_label = QLabel(self)

        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.save_button = QPushButton(self.tr("Save"), self)
        self.save_button.setToolTip(self.tr("Save this record (Ctrl+Enter)"))
        self.save_anyway_button = QPushButton(self.tr("Save anyway"), self)
        self.save_anyway_button.setToolTip(
            self.tr("Save despite the warnings shown (Ctrl+Shift+Enter)")
        )
        self.save_anyway_button.hide()
        self.close_button = QPushButton(self.tr("Close"), self)
        self.close_button.setToolTip(self.tr("Close (Esc)"))
        self.map_time_button = QPushButton(self)
        self.map_time_button.setToolTip(
            self.tr("Put the moment the map shows (the time slider) in the report time (F4)")
        )
        self.map_time_button.clicked.connect(self.use_view_time)
        self.map_time_button.hide()
        self.map_time_shortcut = QShortcut(QKeySequence(Qt.Key.Key_F4), self)
        self.map_time_shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.map_time_shortcut.activated.connect(self.use_view_time)
        for b in (self.save_button, self.save_anyway_button, self.close_button, self.map_time_button):
            b.setAutoDefault(False)
            b.setDefault(False)
        self.save_button.clicked.connect(lambda: self.save())
        self.save_anyway_button.clicked.connect(lambda: self.save(accept_warnings=True))
        self.close_button.clicked.connect(self.reject)

        buttons = QHBoxLayout()
        buttons.addWidget(self.map_time_button)
        buttons.addWidget(self.status_label, 1)
        buttons.addWidget(self.save_anyway_button)
        buttons.addWidget(self.save_button)
        buttons.addWidget(self.close_button)
        lay = QVBoxLayout(self)
        lay.addWidget(self.age_label)
        lay.addWidget(self.tabs)
        lay.addLayout(buttons)
        self.resize(620, self.sizeHint().height())

    def _build_form(self, key: str) -> _Form:
        schema = schema_for(key)
        page = QWidget(self)
        form = _Form(key, page)
        lay = QFormLayout()
        pairs: QGridLayout | None = None
        for f in schema.fields:
            if key == "evacuation" and f.name.endswith(("_households", "_persons")):
                if pairs is None:
                    pairs = self._pairs_grid(page)
                    lay.addRow(pairs)
                stage = f.name.rsplit("_", 1)[0]
                row = STAGES.index(stage) + 1
                col = 1 if f.name.endswith("_households") else 2
                if col == 1:
                    text = f.zh.removesuffix(f.unit) if self.lang == "zh" else f.en.rsplit(" ", 1)[0]
                    pairs.addWidget(QLabel(text, page), row, 0)
                pairs.addWidget(self._cell(form, f, page), row, col)
                continue
            lay.addRow(f.label(self.lang), self._cell(form, f, page))
        form.general = QLabel(page)
        form.general.setWordWrap(True)
        form.general.hide()
        outer = QVBoxLayout(page)
        outer.addLayout(lay)
        outer.addWidget(form.general)
        outer.addStretch(1)
        return form

    def _pairs_grid(self, page: QWidget) -> QGridLayout:
        grid = QGridLayout()
        grid.addWidget(QLabel(self.tr("Households"), page), 0, 1)
        grid.addWidget(QLabel(self.tr("Persons"), page), 0, 2)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        return grid

    def _cell(self, form: _Form, f: Field, page: QWidget) -> QWidget:
        """The editor for one schema field with its message line under it."""
        cell = QWidget(page)
        box = QVBoxLayout(cell)
        box.setContentsMargins(0, 0, 0, 0)
        box.setSpacing(1)
        editor = self._editor(form.key, f, cell)
        editor.setObjectName(f"{form.key}.{f.name}")
        message = QLabel(cell)
        message.setWordWrap(True)
        message.hide()
        box.addWidget(editor)
        box.addWidget(message)
        form.editors[f.name] = editor
        form.messages[f.name] = message
        return cell

    def _editor(self, key: str, f: Field, parent: QWidget) -> QWidget:
        if f.type == "enum":
            combo = QComboBox(parent)
            if not f.required:
                combo.addItem("", None)
            for c in f.choices:
                combo.addItem(c.zh if self.lang == "zh" else c.en, c.code)
            combo.currentIndexChanged.connect(self._on_edit)
            return combo
        if f.name == PLACE_FIELDS[key] or (key, f.name) in NAME_SOURCES or (key, f.name) == (
            "acknowledgements", "recipient"
        ):
            combo = QComboBox(parent)
            combo.setEditable(True)
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            completer = QCompleter(combo.model(), combo)
            completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            combo.setCompleter(completer)
            combo.editTextChanged.connect(self._on_edit)
            if key == "evacuation":
                combo.lineEdit().editingFinished.connect(self._on_area_chosen)
                combo.textActivated.connect(self._on_area_chosen)
            if (key, f.name) == ("acknowledgements", "warning"):
                combo.editTextChanged.connect(self._offer_recipients)
            return combo
        edit = QLineEdit(parent)
        if f.type in ("int", "real"):
            edit.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            edit.setPlaceholderText("0")
            edit.setToolTip(self.tr("A number; 1,200 and 4万 are read too."))
        elif f.type == "datetime":
            edit.setText(format_local(now_storage()))
            edit.setPlaceholderText("2021-07-22 18:00")
            edit.setToolTip(
                self.tr(
                    "Beijing time: 2021-07-22 18:00, or short: 7月22日18时, 18:00 "
                    "(the latest such time not ahead of now)."
                )
            )
            edit.editingFinished.connect(lambda e=edit: self._normalise_time(e))
        edit.textEdited.connect(self._on_edit)
        return edit

    # ------------------------------------------------------------ names
    def refresh_names(self) -> None:
        """Reload the depot, area, place, incident, force and warning names offered for completion."""
        sources: dict[tuple[str, str], tuple[tuple[str, str], ...]] = {
            ("material_tally", "depot"): (("depots", "name"), ("material_tally", "depot")),
            ("evacuation", "area"): (("storage_areas", "name"), ("evacuation", "area")),
            ("works", "place"): (("works", "place"),),
            **NAME_SOURCES,
        }
        names: dict[tuple[str, str], set[str]] = {}
        with self._ws() as ws:
            keys = set(ws.keys())
            columns: dict[tuple[str, str], set[str]] = {}
            for target, where in sources.items():
                got = names.setdefault(target, set())
                for table, column in where:
                    if table not in keys:
                        continue
                    if (table, column) not in columns:  # the distinct names, not a season's every row
                        values = ws.distinct(table, column)
                        columns[(table, column)] = {str(v).strip() for v in values if _given(v)}
                    got |= columns[(table, column)]
            self._warning_recipients = _issued_recipients(ws) if "warnings" in keys else {}
        for (key, name), found in names.items():
            if key in self.forms:
                self._fill(self.forms[key].editors[name], sorted(found))
        self._offer_recipients()

    @staticmethod
    def _fill(combo: QWidget, items: list[str]) -> None:
        """Offer ``items`` in a name combo, keeping what is typed in it."""
        assert isinstance(combo, QComboBox)
        text = combo.currentText()
        with QSignalBlocker(combo), QSignalBlocker(combo.lineEdit()):
            combo.clear()
            combo.addItems(items)
            combo.setCurrentIndex(-1)
            combo.setEditText(text)

    def _offer_recipients(self, *_: object) -> None:
        """The recipients of the warning typed (every recipient ever warned while none is)."""
        form = self.forms.get("acknowledgements")
        if form is None:
            return
        warning = form.editors["warning"]
        assert isinstance(warning, QComboBox)
        name = warning.currentText().strip()
        offered = self._warning_recipients.get(name)
        if offered is None:
            offered = sorted({k for keys in self._warning_recipients.values() for k in keys})
        self._fill(form.editors["recipient"], list(offered))

    # ------------------------------------------------------------ form values
    @property
    def key(self) -> str:
        """The tally of the tab shown."""
        return KEYS[self.tabs.currentIndex()]

    def set_key(self, key: str) -> None:
        """Show the tab of ``key`` and put the cursor on its first field."""
        self.tabs.setCurrentIndex(KEYS.index(key))
        self.forms[key].first().setFocus()

    def prefill(self, key: str, values: dict[str, Any], *, map_time: bool = True) -> None:
        """Show the tab of ``key`` with ``values`` in their fields, ready for the rest.

        The report time becomes the map's moment (``map_time``; the clock's now
        while the map shows now), and the cursor goes to the first field left
        blank: the identify panel's "Update status…" lands on the status.
        """
        self.set_key(key)
        form = self.forms[key]
        self._clear_issues()
        for f in form.fields:
            editor = form.editors[f.name]
            if f.name in values:
                value = values[f.name]
            elif f.type == "datetime" or f.name == "source" or (f.type == "enum" and not f.default):
                continue  # the time is set below; the source and enums of a run stay
            else:  # a new entry about this feature: nothing of the last one's incident or force
                value = f.default if f.type == "enum" else None
            with QSignalBlocker(editor):
                self._set_value(f, editor, value)
                if isinstance(editor, QComboBox) and editor.lineEdit() is not None:
                    editor.lineEdit().setCursorPosition(0)
        if key == "acknowledgements":
            self._offer_recipients()
        edit = form.editors.get("reported_at")
        if map_time and isinstance(edit, QLineEdit) and "reported_at" not in values:
            edit.setText(format_local(self._view_time or now_storage()))
        rest = next((f.name for f in form.fields if f.name not in values and f.type != "enum"), None)
        if key == "incident_status" and values.get("incident"):
            rest = "status"  # the status shown is the incident's now: the officer moves it on
        (form.editors[rest] if rest is not None else form.first()).setFocus()

    def form(self, key: str | None = None) -> _Form:
        return self.forms[key or self.key]

    def editor(self, name: str, key: str | None = None) -> QWidget:
        """The editor of field ``name`` (tests and the main window use it to pre-fill)."""
        return self.form(key).editors[name]

    def _value(self, f: Field, editor: QWidget) -> Any:
        if f.type == "enum" and isinstance(editor, QComboBox):
            return editor.currentData()
        if isinstance(editor, QComboBox):
            return editor.currentText().strip() or None
        assert isinstance(editor, QLineEdit)
        text = editor.text().strip()
        if not text:
            return None
        if f.type in ("int", "real"):
            return _clean_value(f, text)
        return text

    def _set_value(self, f: Field, editor: QWidget, value: Any) -> None:
        if isinstance(editor, QComboBox) and f.type == "enum":
            editor.setCurrentIndex(max(0, editor.findData(value)))
        elif isinstance(editor, QComboBox):
            editor.setEditText("" if value is None else str(value))
        elif isinstance(editor, QLineEdit):
            editor.setText(f.display(value, self.lang))

    def record(self, key: str | None = None) -> tuple[dict[str, Any], list[Issue]]:
        """The record the form holds, and what could not be read (bad times)."""
        form = self.form(key)
        rec: dict[str, Any] = {}
        problems: list[Issue] = []
        for f in form.fields:
            value = self._value(f, form.editors[f.name])
            if f.type == "datetime" and value is not None:
                try:
                    value = read_time(value)
                except ValueError:
                    problems.append(
                        Issue("error", f.name, Note("cannot read the time {text}", text=value))
                    )
            rec[f.name] = value
        return rec, problems

    def _normalise_time(self, edit: QLineEdit) -> None:
        """Show the time as understood, so a misread date is seen before saving."""
        try:
            text = format_local(read_time(edit.text()))
        except ValueError:
            return
        if text != edit.text():
            edit.setText(text)

    # ------------------------------------------------------------ evacuation
    def _on_area_chosen(self, *_: object) -> None:
        """Put the area's latest figures in the form: the officer updates cumulative numbers."""
        form = self.forms["evacuation"]
        area = self._value(schema_for("evacuation").field("area"), form.editors["area"])
        if area == form.prefilled_area:
            return
        self.prefill_area(area)

    def prefill_area(self, area: str | None) -> None:
        """Fill the evacuation figures with ``area``'s report as of the form's time (blank if none)."""
        form = self.forms["evacuation"]
        rec, unreadable = self.record("evacuation")
        when = None if unreadable else rec.get("reported_at")  # a bad time: as of now
        with self._ws() as ws:
            last = as_of(ws, when).evacuation.get(area) if area else None
            if last is None and area and "storage_areas" in ws.keys():  # noqa: SIM118 - not a mapping
                names = set(ws.read("storage_areas", columns=["name"])["name"])
                last = {"area_kind": "storage_area"} if area in names else None
        for f in form.fields:
            if f.type in ("int", "real") or f.name == "area_kind":
                editor = form.editors[f.name]
                with QSignalBlocker(editor):
                    self._set_value(f, editor, (last or {}).get(f.name))
        form.prefilled_area = area

    # ------------------------------------------------------------ saving
    def save(self, accept_warnings: bool = False) -> int | None:
        """Check the record of the tab shown and write it; return its fid, or None if refused.

        ``accept_warnings`` accepts only the warnings already shown to the
        officer: new ones are shown first, so none is accepted unseen.
        """
        key = self.key
        form = self.form(key)
        rec, problems = self.record(key)
        try:
            with self._ws() as ws:
                issues = problems or check_entry(ws, key, rec)
                errors = [i for i in issues if i.level == "error"]
                warnings = [i for i in issues if i.level == "warning"]
                seen = {(key, i.field, str(i.message)) for i in warnings} <= self._shown_warnings
                if errors or (warnings and not (accept_warnings and seen)):
                    self._show_issues(form, errors + warnings)
                    return None
                fid = entry(
                    ws, key, rec, accept_warnings=bool(warnings), operator=self.operator
                )
        except TallyRejected as exc:  # the workspace changed between check and write
            self._show_issues(form, exc.issues)
            return None
        except Exception as exc:  # noqa: BLE001 - shown to the officer, nothing written
            self._clear_issues()
            from floodpost.ui.failures import describe_failure

            self._show_general(form, self.tr("Not saved: %1").replace("%1", describe_failure(exc)), ERROR_STYLE)
            return None
        self._after_save(key, rec, fid)
        return fid

    def _after_save(self, key: str, rec: dict[str, Any], fid: int) -> None:
        form = self.form(key)
        self._clear_issues()
        self.status_label.setText(
            self.tr("Saved: %1").replace("%1", describe(key, rec, self.lang))
        )
        kept = KEPT_FIELDS[key]
        for f in form.fields:
            if f.name in kept or f.type in ("enum", "datetime"):
                continue
            editor = form.editors[f.name]
            with QSignalBlocker(editor):
                self._set_value(f, editor, None)
        self.refresh_names()
        self.show_age()
        if key == "evacuation":
            self.prefill_area(rec.get("area"))
        nxt = form.after_save()
        nxt.setFocus()
        if isinstance(nxt, QComboBox) and nxt.lineEdit() is not None:
            nxt.lineEdit().selectAll()  # the next incident or recipient is typed over it
        self.saved.emit(key, fid)

    # ------------------------------------------------------------ issues
    def _show_issues(self, form: _Form, issues: list[Issue]) -> None:
        self._clear_issues()
        general: list[str] = []
        by_field: dict[str, list[tuple[str, str]]] = {}
        for issue in issues:
            text = _tr_note(issue.message)
            if issue.field is not None and issue.field in form.messages:
                by_field.setdefault(issue.field, []).append((issue.level, text))
            else:
                general.append(text)
        if self._view_time and "reported_at" in by_field:
            by_field["reported_at"].append(("warning", self.tr("F4 puts the map's time, %1.").replace(
                "%1", format_local(self._view_time))))
        for name, lines in by_field.items():
            label = form.messages[name]
            label.setProperty("plain", "\n".join(t for _, t in lines))
            levels = {lv for lv, _ in lines}
            if len(levels) == 1:  # all red or all amber
                label.setTextFormat(Qt.TextFormat.PlainText)
                label.setText(label.property("plain"))
                label.setStyleSheet(ERROR_STYLE if levels == {"error"} else WARNING_STYLE)
            else:  # errors in red, then the warnings in amber under them
                lines.sort(key=lambda line: line[0] != "error")
                label.setTextFormat(Qt.TextFormat.RichText)
                label.setText("<br>".join(
                    html.escape(t) if lv == "error" else f'<span style="color:{AMBER}">{html.escape(t)}</span>'
                    for lv, t in lines
                ))
                label.setStyleSheet(ERROR_STYLE)
            label.show()
        warnings = [i for i in issues if i.level == "warning"]
        errors = [i for i in issues if i.level == "error"]
        if general:
            self._show_general(form, "\n".join(general), ERROR_STYLE if errors else WARNING_STYLE)
        self._status_tells_issues = True
        if errors:
            self.status_label.setText(self.tr("Not saved: correct the fields in red."))
        else:
            self._shown_warnings = {(form.key, i.field, str(i.message)) for i in warnings}
            self.save_anyway_button.show()
            self.status_label.setText(
                self.tr("Not saved yet: check the warnings, then Save anyway (Ctrl+Shift+Enter).")
            )
        first = next((i.field for i in errors or warnings if i.field in form.editors), None)
        if first is not None:
            form.editors[first].setFocus()
        self._fit()

    def _fit(self) -> None:
        """Grow to show every message line (the window keeps the size the officer gave it otherwise)."""
        lay = self.layout()
        if lay is not None:
            lay.activate()
        need = self.sizeHint().height()
        if need > self.height():
            self.resize(self.width(), need)

    def _show_general(self, form: _Form, text: str, style: str) -> None:
        assert form.general is not None
        form.general.setText(text)
        form.general.setStyleSheet(style)
        form.general.show()

    def _clear_issues(self) -> None:
        self._shown_warnings = set()
        self.save_anyway_button.hide()
        if self._status_tells_issues:
            # "check the warnings, then Save anyway" with no warning or button left on screen
            self.status_label.clear()
            self._status_tells_issues = False
        for form in self.forms.values():
            for label in form.messages.values():
                label.clear()
                label.setProperty("plain", "")
                label.hide()
            if form.general is not None:
                form.general.clear()
                form.general.hide()

    @property
    def issues_shown(self) -> dict[str, str]:
        """Field name → message shown beside it on the tab shown (empty when all is well)."""
        return {n: lab.property("plain") for n, lab in self.form().messages.items() if lab.property("plain")}

    def _on_edit(self, *_: object) -> None:
        """A changed field makes the messages stale: what was accepted is no longer seen."""
        if self._shown_warnings or any(self.issues_shown.values()):
            self._clear_issues()

    def newest_report(self, key: str) -> str | None:
        """The newest ``reported_at`` of ``key`` at the map's moment (now while it shows now)."""
        at = self._view_time or now_storage()
        try:
            with self._ws() as ws:
                if key not in ws.keys():  # noqa: SIM118 - Workspace is not a mapping
                    return None
                return ws.latest_time(key, at)
        except Exception:  # noqa: BLE001 - an age is a hint; the entry itself must still work
            return None

    def show_age(self) -> None:
        """The tab's newest report and its age ("2小时前"), amber when older than the tally is due."""
        from floodpost.layers.output.pagetext import PageText
        from floodpost.layers.render.operations import age_text

        key = self.key
        latest = self.newest_report(key)
        if latest is None:
            self.age_label.setText(self.tr("No report in this tally yet"))
            self.age_label.setStyleSheet("color: #777;")
            return
        at = self._view_time or now_storage()
        age = figure_age(key, {key: latest}, at)
        assert age is not None
        text = (self.tr("Newest report: %1 (%2)").replace("%1", format_local(latest))
                .replace("%2", age_text(age.minutes, PageText.for_interface())))
        if age.stale and age.expected_hours:
            text += self.tr("; overdue, expected every %1 h").replace("%1", f"{age.expected_hours:g}")
        self.age_label.setText(text)
        self.age_label.setStyleSheet(f"color: {AMBER}; font-weight: bold;" if age.stale else "color: #555;")

    def _on_tab_change(self, index: int) -> None:
        self.show_age()
        self._clear_issues()
        self.forms[KEYS[index]].first().setFocus()

    # ------------------------------------------------------------ keyboard
    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        """Enter moves on, Ctrl+Enter saves, Ctrl+Shift+Enter saves anyway, Esc closes."""
        if _is_enter(event):
            mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            if mods == Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier:
                self.save(accept_warnings=True)
            elif mods == Qt.KeyboardModifier.ControlModifier:
                self.save()
            elif mods == Qt.KeyboardModifier.NoModifier:
                self.focusNextChild()
            event.accept()
            return
        super().keyPressEvent(event)
