"""The 叫应 list (预警叫应): who has not answered an active warning yet, longest waiting first.

It shows the moment the map shows (the time slider): the window hands it
each moment its worker thread computes (``show_moment``), so opening, a
slider move, an answer recorded here and another workstation's change all
refresh it with no work on the GUI thread. The rows are those of
``situation.as_of(ws, T).operations.recipients``; "overdue" is the engine's
rule (not answered ``N`` minutes after the issue) with the officer's ``N``
(kept in the settings). While the map shows now the waiting times follow the
clock.

Recording an answer (or a call nobody took) writes one ``acknowledgements``
record; ``saved`` tells the window, which makes it one undoable step.
"""

from __future__ import annotations

import bisect
import time
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from floodpost.data import recipients as rcp
from floodpost.data.schema import ALL, ANSWER_WAYS, WARNING_LEVELS
from floodpost.data.situation.operations import ANSWER_MINUTES, MINUTE_MS
from floodpost.data.situation.tally import TallyRejected, check_entry, entry, read_time
from floodpost.data.timeutil import format_local, now_storage, parse_time
from floodpost.i18n import lang_short
from floodpost.ui.dialogs.warning import level_icon
from floodpost.ui.docks.rowmodel import Row, RowsModel, ShownLater, fit_columns, heading, rows_view
from floodpost.ui.notes import tr_note
from floodpost.ui.settings import settings

SETTING_MINUTES = "acks/answer_minutes"
OVERDUE = QColor("#c62828")
ANSWERED = QColor("#8a8a8a")


def _ms(stored: str) -> int:
    return int(parse_time(stored).timestamp() * 1000)


class AnswerDialog(QDialog):
    """How a recipient answered: the way, by whom (name, phone) and when."""

    def __init__(self, warning: str, recipient: str, when: str, parent: QWidget | None = None,
                 lang: str | None = None) -> None:
        super().__init__(parent)
        lang = lang or lang_short()
        self.setWindowTitle(self.tr("Record answer"))
        form = QFormLayout(self)
        form.addRow(self.tr("Warning"), QLabel(warning, self))
        form.addRow(self.tr("Recipient"), QLabel(rcp.label(recipient, _layer_names(lang)), self))
        self.how = QComboBox(self)
        for c in ANSWER_WAYS:
            if c.code != "no_answer":
                self.how.addItem(c.zh if lang == "zh" else c.en, c.code)
        self.person = QLineEdit(self)
        self.phone = QLineEdit(self)
        self.when = QLineEdit(format_local(when), self)
        schema = ALL["acknowledgements"]
        form.addRow(schema.field("how").label(lang), self.how)
        form.addRow(schema.field("by_person").label(lang), self.person)
        form.addRow(schema.field("by_phone").label(lang), self.phone)
        form.addRow(schema.field("reported_at").label(lang), self.when)
        self.message = QLabel(self)
        self.message.setWordWrap(True)
        self.message.setStyleSheet("QLabel { color: #b00020; }")
        self.message.hide()
        form.addRow(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)
        self.setMinimumWidth(380)

    def values(self) -> dict[str, Any]:
        return {"how": self.how.currentData(), "by_person": self.person.text().strip() or None,
                "by_phone": self.phone.text().strip() or None, "reported_at": self.when.text().strip()}

    def show_error(self, text: str) -> None:
        self.message.setText(text)
        self.message.show()


def _layer_names(lang: str) -> dict[str, str]:
    return {k: (s.zh if lang == "zh" else s.en) for k, s in ALL.items()}


class AckPanel(ShownLater, QWidget):
    """The recipients of the active warnings at the map's moment, unanswered and longest waiting first.

    Signals
    -------
    saved(key, fid)
        An ``acknowledgements`` record was written (the window makes it one undoable step).
    featureRequested(key, fid)
        Double-click on a village or feature recipient: zoom the map to it.
    extentRequested(bounds)
        Double-click on a county or township: its villages' (or boundary's) extent, lon/lat.
    """

    saved = Signal(str, int)
    featureRequested = Signal(str, int)
    extentRequested = Signal(object)

    COLUMNS = ("warning", "level", "recipient", "waiting", "attempts", "answer")

    def __init__(self, parent: QWidget | None = None, lang: str | None = None) -> None:
        super().__init__(parent)
        self.lang = lang or lang_short()
        self.ws: Any = None
        self.operator: str | None = None
        self.view_time = ""  # the map's moment ("" for now)
        self.ops: Any = None  # floodpost.data.situation.operations.Operations shown
        self.when = ""  # the moment the rows are for ("" now)
        self.rows: list[dict[str, Any]] = []  # as shown, in order
        self._levels = {c.code: (c.zh if self.lang == "zh" else c.en) for c in WARNING_LEVELS}
        self._ways = {c.code: (c.zh if self.lang == "zh" else c.en) for c in ANSWER_WAYS}
        self._names = _layer_names(self.lang)

        self.header = heading(self)
        self.only_open = QCheckBox(self.tr("Unanswered only"), self)
        self.minutes = QSpinBox(self)
        self.minutes.setRange(1, 24 * 60)
        self.minutes.setSuffix(self.tr(" min"))
        self.minutes.setToolTip(self.tr("A recipient that has not answered this many minutes after the issue is overdue"))
        self.minutes.setValue(int(settings().value(SETTING_MINUTES, ANSWER_MINUTES, type=int) or ANSWER_MINUTES))
        controls = QHBoxLayout()
        controls.addWidget(self.only_open)
        controls.addStretch(1)
        controls.addWidget(QLabel(self.tr("Overdue after"), self))
        controls.addWidget(self.minutes)

        self.model = RowsModel([
            self.tr("Warning"), self.tr("Level"), self.tr("Recipient"), self.tr("Waiting (min)"),
            self.tr("Attempts"), self.tr("Answer"),
        ], self._row, self)
        self._answered = QBrush(ANSWERED)
        self._overdue = QBrush(OVERDUE)
        self._t = 0
        self._limit = ANSWER_MINUTES * MINUTE_MS
        self.table = rows_view(self, self.model, self.zoom_to, self._update_buttons)
        # a long warning name is cut short (the whole in its tooltip): the dock is narrow
        self.table.setColumnWidth(0, self.fontMetrics().horizontalAdvance("暴雨橙色预警（第1") + 12)
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)

        self.answer_button = QPushButton(self.tr("Record &answer…"), self)
        self.no_answer_button = QPushButton(self.tr("Record &no answer"), self)
        self.no_answer_button.setToolTip(self.tr("The call was not taken: one more attempt, still unanswered"))
        self.answer_button.clicked.connect(self.answer_dialog)
        self.no_answer_button.clicked.connect(self.record_no_answer)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.answer_button)
        buttons.addWidget(self.no_answer_button)
        buttons.addStretch(1)

        lay = QVBoxLayout(self)
        lay.addWidget(self.header)
        lay.addLayout(controls)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)
        lay.addWidget(self.status)
        self.only_open.toggled.connect(self.render)
        self.minutes.valueChanged.connect(self._on_minutes_change)
        # while the map shows now, the waiting times move with the clock
        self._clock = QTimer(self)
        self._clock.setInterval(30_000)
        self._clock.timeout.connect(self._on_clock)
        self._clock.start()
        self.render()

    # ------------------------------------------------------------ input
    def set_workspace(self, ws: Any) -> None:
        self.ws = ws
        self.ops = None
        self.render()

    def set_view_time(self, stored: str) -> None:
        """The map's moment: the default time of an answer recorded now."""
        self.view_time = stored or ""

    def show_moment(self, moment: Any) -> None:
        """A moment computed by the window's worker (``floodpost.ui.docks.situationworker.Moment``)."""
        self.show_operations(getattr(moment.situation, "operations", None), moment.when)

    def show_operations(self, ops: Any, when: str = "") -> None:
        """The operations of one moment (``situation.as_of(ws, T).operations``); ``when`` "" for now.

        A hidden list (its dock behind another tab) is filled when it is shown, not at every slider step.
        """
        self.ops = ops
        self.when = when or ""
        self.render_when_shown()

    def clear(self) -> None:
        self.ops = None
        self.render()

    def _on_minutes_change(self, value: int) -> None:
        settings().setValue(SETTING_MINUTES, int(value))
        self.render()

    def _on_clock(self) -> None:
        if self.ops is not None and not self.when and self.isVisible():
            self.render()

    # ------------------------------------------------------------ the rows
    def at_ms(self) -> int:
        """The moment the waiting times are counted to: the moment shown, or the clock for now."""
        if self.ops is None:
            return 0
        return max(int(self.ops.at), int(time.time() * 1000)) if not self.when else int(self.ops.at)

    def recipients(self) -> list[dict[str, Any]]:
        """The moment's recipients with waiting and overdue for the officer's N, unanswered first."""
        t, limit = self.at_ms(), self.minutes.value() * MINUTE_MS
        out = []
        for r in self._ordered():
            r = dict(r)
            open_ = r.get("answered_ms") is None
            r["waiting_min"] = max(0.0, (t - r["issued_ms"]) / MINUTE_MS) if open_ else 0.0
            r["overdue"] = open_ and t - r["issued_ms"] >= limit
            out.append(r)
        return out

    def _ordered(self) -> list[dict[str, Any]]:
        """The recipients unanswered first, longest waiting first, as the engine lists them.

        Waiting is the moment less the issue, so the longest waiting are the earliest issued whatever the clock.
        """
        if self.ops is None:
            return []
        return self.ops.recipients  # the engine's order (``operations``), made in the worker thread

    def counts(self) -> tuple[int, int, int]:
        """(answered, recipients, overdue) at the moment shown."""
        rows = self._ordered()
        t, limit = self.at_ms(), self.minutes.value() * MINUTE_MS
        waiting = self._waiting(rows)
        # the unanswered longest waiting first: the overdue are where they begin
        overdue = bisect.bisect_left(rows, True, hi=waiting, key=lambda r: t - r["issued_ms"] < limit)
        return len(rows) - waiting, len(rows), overdue

    @staticmethod
    def _waiting(rows: list[dict[str, Any]]) -> int:
        """How many are unanswered: they come first (a search, not a walk over a season's 10,000)."""
        return bisect.bisect_left(rows, True, key=lambda r: r["answered_ms"] is not None)

    def render(self, *_: object) -> None:
        """The rows of the moment: the model holds the recipients and draws only the rows in view."""
        self._stale = False
        keep = self.selected()
        answered, total, overdue = self.counts()
        if self.ops is None:
            self.header.setText(self.tr("No workspace") if self.ws is None else self.tr("Computing…"))
        elif not total:
            self.header.setText(self.tr("No active warning"))
        else:
            self.header.setText(self.tr("Answered %1/%2, overdue %3").replace("%1", str(answered))
                                .replace("%2", str(total)).replace("%3", str(overdue)))
            self.header.setStyleSheet(f"QLabel {{ color: {OVERDUE.name()}; }}" if overdue else "")
        if self.ops is None or not total:
            self.header.setStyleSheet("")
        rows = self._ordered()
        if self.only_open.isChecked():
            rows = rows[: self._waiting(rows)]
        self.rows = rows
        self._t, self._limit = self.at_ms(), self.minutes.value() * MINUTE_MS
        self.model.show(len(rows))
        fit_columns(self.table, self.model, keep=(0,))
        self.table.clearSelection()  # the rows are new: the kept one is found again below
        if keep is not None:
            for i, r in enumerate(self.rows):
                if (r["warning"], r["recipient"]) == keep:
                    self.table.selectRow(i)
                    break
        self._update_buttons()

    def _row(self, i: int) -> Row:
        """Row ``i`` as shown: made only when the view draws it."""
        r = self.rows[i]
        done = r["answered_ms"] is not None
        overdue = not done and self._t - r["issued_ms"] >= self._limit
        if done:
            delay = max(0.0, (r["answered_ms"] - r["issued_ms"]) / MINUTE_MS)
            ack = r.get("ack") or {}
            parts = [self._ways.get(ack.get("how"), str(ack.get("how") or "")),
                     _short_time(ack.get("reported_at"), r["issued_ms"]), str(ack.get("by_person") or "")]
            answer = " · ".join(x for x in parts if x)
            waiting = f"{delay:.0f}"
        else:
            answer = self.tr("not answered")
            waiting = f"{max(0.0, (self._t - r['issued_ms']) / MINUTE_MS):.0f}"
        level = self._levels.get(r.get("level"), str(r.get("level") or ""))
        texts = [r["warning"], level.split("（")[0].split(" (")[0],
                 rcp.label(r["recipient"], self._names), waiting, str(r.get("attempts") or 0), answer]
        tips = {0: texts[0], 1: level, 2: texts[2]}
        if done:
            tips[5] = self.tr("Answered %1 min after the issue").replace("%1", waiting)
        return Row(texts, self._answered if done else self._overdue if overdue else None,
                   frozenset({3}) if overdue else frozenset(), tips, frozenset({3, 4}),
                   {1: level_icon(str(r.get("level")))})

    def selected(self) -> tuple[str, str] | None:
        """(warning, recipient) of the selected row."""
        rows = self.table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.rows):
            return None
        r = self.rows[rows[0].row()]
        return r["warning"], r["recipient"]

    def select(self, warning: str, recipient: str) -> bool:
        if self._stale:  # asked while hidden: the rows of the moment first
            self.render()
        for i, r in enumerate(self.rows):
            if (r["warning"], r["recipient"]) == (warning, rcp.normalise(recipient)):
                self.table.selectRow(i)
                return True
        return False

    def _update_buttons(self) -> None:
        can = self.ws is not None and self.selected() is not None and self.ws.can_write()
        self.answer_button.setEnabled(can)
        self.no_answer_button.setEnabled(can)

    # ------------------------------------------------------------ writing
    def default_time(self) -> str:
        """An answer's time: the map's moment when it shows the past, else now."""
        return self.view_time or now_storage()

    def answer_dialog(self) -> int | None:
        """Ask how the selected recipient answered, then write it."""
        pick = self.selected()
        if pick is None or self.ws is None:
            return None
        dlg = AnswerDialog(pick[0], pick[1], self.default_time(), self, lang=self.lang)
        while dlg.exec() == QDialog.DialogCode.Accepted:
            fid, problem = self._write(pick[0], pick[1], dlg.values())
            if fid is not None:
                return fid
            dlg.show_error(problem)
        return None

    def record_answer(self, warning: str, recipient: str, how: str = "phone", *, by_person: str | None = None,
                      by_phone: str | None = None, when: str | None = None) -> int | None:
        """Write one answer (``how`` "no_answer": a call not taken); its fid, or None (the reason in ``status``)."""
        fid, problem = self._write(warning, recipient, {"how": how, "by_person": by_person, "by_phone": by_phone,
                                                        "reported_at": when or self.default_time()})
        if fid is None:
            self._say(problem, error=True)
        return fid

    def record_no_answer(self) -> int | None:
        pick = self.selected()
        if pick is None:
            return None
        return self.record_answer(pick[0], pick[1], "no_answer")

    def _write(self, warning: str, recipient: str, values: dict[str, Any]) -> tuple[int | None, str]:
        rec = {"warning": warning, "recipient": recipient, **{k: v for k, v in values.items() if v}}
        try:
            rec["reported_at"] = read_time(str(values.get("reported_at") or ""))
        except ValueError:
            return None, self.tr("Cannot read the time %1").replace("%1", str(values.get("reported_at") or ""))
        issues = [i for i in check_entry(self.ws, "acknowledgements", rec) if i.level == "error"]
        if issues:
            return None, "; ".join(tr_note(i.message, "tally") for i in issues)
        try:
            fid = entry(self.ws, "acknowledgements", rec, accept_warnings=True, operator=self.operator)
        except TallyRejected as exc:
            return None, "; ".join(tr_note(i.message, "tally") for i in exc.issues)
        except Exception as exc:  # noqa: BLE001 - told, nothing written
            from floodpost.ui.failures import describe_failure

            return None, self.tr("Not saved: %1").replace("%1", describe_failure(exc))
        label = rcp.label(recipient, self._names)
        self._say(self.tr("No answer recorded: %1").replace("%1", label) if values.get("how") == "no_answer"
                  else self.tr("Answer recorded: %1").replace("%1", label))
        self.saved.emit("acknowledgements", fid)
        return fid, ""

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("QLabel { color: #b00020; }" if error else "")

    # ------------------------------------------------------------ zoom
    def _zoom_county(self, county: str) -> None:
        bounds = _county_bounds(county)
        if bounds is not None:
            self.extentRequested.emit(bounds)

    def zoom_to(self, row: int) -> None:
        """The map to the recipient of ``row``: its village or feature, or its township's or county's villages."""
        if self.ws is None or not 0 <= row < len(self.rows):
            return
        from floodpost.data.workspace import Where

        r = rcp.parse(self.rows[row]["recipient"])
        keys = self.ws.keys()
        if r.kind == "feature":
            if r.layer in keys:
                found = self.ws.read(r.layer, [Where("name", "=", r.name)], columns=["name"], geometry=False)
                if len(found):
                    self.featureRequested.emit(r.layer, int(found.index[0]))
            return
        frame = None
        if "villages" in keys:
            frame = self.ws.read("villages", [Where("county", "=", r.county)], columns=["name", "township", "county"])
        if r.kind == "county" and (frame is None or not len(frame)):
            self._zoom_county(r.county)  # a county with no villages entered: its boundary
            return
        if frame is None:
            return
        if r.kind != "county":
            frame = frame[frame["township"] == r.township]
        if r.kind == "village":
            frame = frame[frame["name"] == r.village]
            if len(frame):
                self.featureRequested.emit("villages", int(frame.index[0]))
            return
        if len(frame):
            self.extentRequested.emit(tuple(float(v) for v in frame.total_bounds))


def _county_bounds(county: str) -> tuple[float, float, float, float] | None:
    from floodpost.data.boundaries import county_boundaries

    frame = county_boundaries()
    frame = frame[frame["name"] == county]
    return tuple(float(v) for v in frame.total_bounds) if len(frame) else None  # type: ignore[return-value]


def _short_time(stored: Any, issued_ms: int) -> str:
    """An answer's time: ``08:20`` on the day of the issue, ``07-21 08:20`` after it."""
    if not stored:
        return ""
    full = format_local(stored)
    same_day = full[:10] == format_local(_iso(issued_ms))[:10]
    return full[11:] if same_day else full[5:]


def _iso(ms: int) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(ms / 1000, timezone.utc).isoformat()
