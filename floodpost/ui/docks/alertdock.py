"""The alert list (越限告警): gauges crossing their thresholds, waiting alerts first, at the map's moment.

Like the 叫应 list (``ackdock``) it shows the moment the map shows: the window
hands it each moment its worker computes (``show_moment``), so a slider move,
an acknowledgement here and another workstation's change all refresh it with
no work on the GUI thread. The rows are ``situation.as_of(ws, T).water.events``
in the engine's order: up-crossings nobody has acknowledged by T first (red),
then the rest newest first.

确认 (acknowledge) writes one ``alert_acks`` record for the selected up event;
``saved`` tells the window, which makes it one undoable step. Double-click
asks for the station on the map and its hydrograph (``stationRequested``).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from floodpost.data.schema import DIRECTIONS, THRESHOLDS
from floodpost.data.situation.hydro import margin_text, stored_text
from floodpost.data.situation.tally import TallyRejected, check_entry, entry
from floodpost.data.timeutil import format_local, now_storage
from floodpost.data.workspace import default_operator
from floodpost.i18n import lang_short
from floodpost.ui.docks.rowmodel import Row, RowsModel, ShownLater, fit_columns, heading, rows_view
from floodpost.ui.notes import tr_note

WAITING = QColor("#c62828")
DONE = QColor("#8a8a8a")


def waiting(event: dict[str, Any]) -> bool:
    """An up-crossing nobody has acknowledged yet: an alert still waiting."""
    return event.get("direction") == "up" and not event.get("acknowledged")


class AlertPanel(ShownLater, QWidget):
    """The crossing events up to the map's moment, waiting alerts first.

    Signals
    -------
    saved(key, fid)
        An ``alert_acks`` record was written (the window makes it one undoable step).
    stationRequested(name)
        Double-click: the station on the map and its hydrograph.
    countChanged(waiting)
        The number of alerts waiting at the moment shown changed (the dock's title).
    """

    saved = Signal(str, int)
    stationRequested = Signal(str)
    countChanged = Signal(int)

    COLUMNS = ("station", "where", "threshold", "direction", "at", "level", "margin", "ack")

    def __init__(self, parent: QWidget | None = None, lang: str | None = None) -> None:
        super().__init__(parent)
        self.lang = lang or lang_short()
        self.ws: Any = None
        self.operator: str | None = None
        self.view_time = ""  # the map's moment ("" for now)
        self.water: Any = None  # floodpost.data.situation.hydro.Water shown
        self.when = ""
        self.rows: list[dict[str, Any]] = []
        self.waiting = 0
        self._where: dict[str, str] = {}
        self._thresholds = {c.code: (c.zh if self.lang == "zh" else c.en) for c in THRESHOLDS}
        self._directions = {c.code: (c.zh if self.lang == "zh" else c.en) for c in DIRECTIONS}

        self.header = heading(self)
        self.only_waiting = QCheckBox(self.tr("Waiting only"), self)
        controls = QHBoxLayout()
        controls.addWidget(self.only_waiting)
        controls.addStretch(1)

        self.model = RowsModel([
            self.tr("Station"), self.tr("River / reservoir"), self.tr("Threshold"), self.tr("Crossing"),
            self.tr("Time"), self.tr("Level (m)"), self.tr("Margin"), self.tr("Acknowledged"),
        ], self._row, self)
        self._waiting_brush, self._done_brush = QBrush(WAITING), QBrush(DONE)
        self.table = rows_view(self, self.model, self.open_row, self._update_buttons)

        self.ack_button = QPushButton(self.tr("&Acknowledge"), self)
        self.ack_button.setToolTip(self.tr("The duty officer has seen this crossing: it stops waiting"))
        self.ack_button.clicked.connect(self.acknowledge_selected)
        self.chart_button = QPushButton(self.tr("&Hydrograph…"), self)
        self.chart_button.clicked.connect(lambda: self.open_row(self.table.currentIndex().row()))
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.ack_button)
        buttons.addWidget(self.chart_button)
        buttons.addStretch(1)

        lay = QVBoxLayout(self)
        lay.addWidget(self.header)
        lay.addLayout(controls)
        lay.addWidget(self.table, 1)
        lay.addLayout(buttons)
        lay.addWidget(self.status)
        self.only_waiting.toggled.connect(self.render)
        self.render()

    # ------------------------------------------------------------ input
    def set_workspace(self, ws: Any) -> None:
        self.ws = ws
        self.water = None
        self.render()

    def set_view_time(self, stored: str) -> None:
        """The map's moment: the time of an acknowledgement given now."""
        self.view_time = stored or ""

    def show_moment(self, moment: Any) -> None:
        """A moment computed by the window's worker (``situationworker.Moment``)."""
        self.show_water(getattr(moment.situation, "water", None), moment.when)

    def show_water(self, water: Any, when: str = "") -> None:
        """The water of one moment (``situation.as_of(ws, T).water``); ``when`` "" for now."""
        self.water = water
        self.when = when or ""
        self._where = {s["station"]: (s.get("river") or s.get("reservoir") or "")
                       for s in (getattr(water, "stations", None) or [])}
        self.render_when_shown()
        if self._stale:  # behind another tab: the count for its title now, the rows when it is shown
            self._count(sum(waiting(e) for e in (getattr(water, "events", None) or [])))

    def _count(self, count: int) -> None:
        if count != self.waiting:
            self.waiting = count
            self.countChanged.emit(count)

    def clear(self) -> None:
        self.water = None
        self.render()

    # ------------------------------------------------------------ the rows
    def events(self) -> list[dict[str, Any]]:
        """The moment's crossing events, waiting alerts first (newest first), then the rest newest first."""
        if self.water is None:
            return []
        out = list(self.water.events)
        out.sort(key=lambda e: (not waiting(e), -int(e["ms"])))
        return out

    def render(self, *_: object) -> None:
        self._stale = False
        keep = self.selected()
        all_rows = self.events()
        count = sum(waiting(e) for e in all_rows)
        if self.water is None:
            self.header.setText(self.tr("No workspace") if self.ws is None else self.tr("Computing…"))
        elif not all_rows:
            self.header.setText(self.tr("No crossing"))
        else:
            self.header.setText(self.tr("Waiting %1, crossings %2").replace("%1", str(count))
                                .replace("%2", str(len(all_rows))))
        self.header.setStyleSheet(f"QLabel {{ color: {WAITING.name()}; }}" if count else "")
        self.rows = [e for e in all_rows if waiting(e) or not self.only_waiting.isChecked()]
        self.model.show(len(self.rows))
        fit_columns(self.table, self.model, keep=())
        self.table.clearSelection()  # the rows are new: the kept one is found again below
        if keep is not None:
            for i, e in enumerate(self.rows):
                if _key(e) == keep:
                    self.table.selectRow(i)
                    break
        self._update_buttons()
        self._count(count)

    def _row(self, i: int) -> Row:
        """Row ``i`` as shown: made only when the view draws it."""
        e = self.rows[i]
        ack = e.get("ack") or {}
        acked = ""
        if e.get("acknowledged"):
            acked = " ".join(p for p in (str(ack.get("by") or ""),
                                         format_local(ack.get("reported_at") or stored_text(ack["ack_ms"]))[5:]
                                         if (ack.get("reported_at") or ack.get("ack_ms")) else "") if p)
        elif e["direction"] == "up":
            acked = self.tr("waiting")
        texts = [
            e["station"], self._where.get(e["station"], ""), self._thresholds.get(e["threshold"], e["threshold"]),
            self._directions.get(e["direction"], e["direction"]), format_local(e["at"])[5:],
            f"{float(e['level']):.2f}", margin_text(e["threshold"], e["margin"], self.lang), acked,
        ]
        alert = waiting(e)
        brush = (self._waiting_brush if alert
                 else self._done_brush if e["direction"] == "down" or e.get("acknowledged") else None)
        return Row(texts, brush, frozenset({0, 6}) if alert else frozenset(), {4: format_local(e["at"])},
                   frozenset({5}))

    def selected(self) -> tuple[str, str, str, int] | None:
        """(station, threshold, direction, ms) of the selected row."""
        rows = self.table.selectionModel().selectedRows()
        if not rows or not 0 <= rows[0].row() < len(self.rows):
            return None
        return _key(self.rows[rows[0].row()])

    def selected_event(self) -> dict[str, Any] | None:
        key = self.selected()
        return next((e for e in self.rows if _key(e) == key), None) if key is not None else None

    def select(self, station: str, threshold: str | None = None, direction: str = "up") -> bool:
        """Select the newest row of ``station`` (of that threshold and direction when given)."""
        if self._stale:  # asked while hidden: the rows of the moment first
            self.render()
        for i, e in enumerate(self.rows):
            if e["station"] == station and threshold in (None, e["threshold"]) and e["direction"] == direction:
                self.table.selectRow(i)
                return True
        return False

    def _update_buttons(self) -> None:
        e = self.selected_event()
        self.ack_button.setEnabled(self.ws is not None and e is not None and waiting(e) and self.ws.can_write())
        self.chart_button.setEnabled(e is not None)

    # ------------------------------------------------------------ writing
    def default_time(self) -> str:
        """An acknowledgement's time: the map's moment when it shows the past, else now (as the tally window)."""
        return self.view_time or now_storage()

    def acknowledge_selected(self) -> int | None:
        e = self.selected_event()
        return self.acknowledge(e) if e is not None else None

    def acknowledge(self, event: dict[str, Any], when: str | None = None) -> int | None:
        """Write one ``alert_acks`` record for ``event``; its fid, or None (the reason in ``status``)."""
        if self.ws is None:
            return None
        if not waiting(event):
            self._say(self.tr("Only a crossing upwards not yet acknowledged needs an acknowledgement"), error=True)
            return None
        rec = {"station": event["station"], "threshold": event["threshold"], "direction": event["direction"],
               "event_at": event["at"], "by": self.operator or default_operator(),
               "reported_at": when or self.default_time()}
        issues = [i for i in check_entry(self.ws, "alert_acks", rec) if i.level == "error"]
        try:
            if issues:
                raise TallyRejected("alert_acks", issues)
            fid = entry(self.ws, "alert_acks", rec, accept_warnings=True, operator=self.operator)
        except TallyRejected as exc:
            self._say("; ".join(tr_note(i.message, "tally") for i in exc.issues), error=True)
            return None
        except Exception as exc:  # noqa: BLE001 - told, nothing written
            from floodpost.ui.failures import describe_failure

            self._say(self.tr("Not saved: %1").replace("%1", describe_failure(exc)), error=True)
            return None
        what = f"{event['station']} {margin_text(event['threshold'], event['margin'], self.lang)}"
        self._say(self.tr("Acknowledged: %1").replace("%1", what))
        self.saved.emit("alert_acks", fid)
        return fid

    def _say(self, text: str, error: bool = False) -> None:
        self.status.setText(text)
        self.status.setStyleSheet("QLabel { color: #b00020; }" if error else "")

    # ------------------------------------------------------------ open
    def open_row(self, row: int) -> None:
        if 0 <= row < len(self.rows):
            self.stationRequested.emit(self.rows[row]["station"])


def _key(e: dict[str, Any]) -> tuple[str, str, str, int]:
    return (e["station"], e["threshold"], e["direction"], int(e["ms"]))
