"""Water in the window: the alert list (越限告警) and a station's hydrograph (过程线).

Both follow the slider through the window's situation worker: the alert list
takes each moment, the hydrograph its marker at once and its data (a
station's whole record) from the worker, asked again after every change so
another workstation's readings appear as they come.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence

from floodpost.ui.docks.alertdock import AlertPanel
from floodpost.ui.docks.hydrograph import HydrographPanel


class WaterMixin:
    """Methods of the main window (see :mod:`floodpost.ui.window`)."""

    def _water_init(self) -> None:
        """The two docks, next to the 叫应 list (alerts) and under the map (the hydrograph)."""
        from floodpost import i18n

        self._hydro_gen = 0
        self.alert_panel = AlertPanel(self, lang=i18n.lang_short())
        self.alert_dock = self._dock(QCoreApplication.translate("MainWindow", "Gauge alerts"), "alerts", self.alert_panel,
                                     Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.ack_dock, self.alert_dock)
        self.alert_panel.saved.connect(self._after_alert_ack)
        self.alert_panel.stationRequested.connect(self.go_to_station)
        self.alert_panel.countChanged.connect(self._on_alert_count)
        self.hydro_panel = HydrographPanel(self, lang=i18n.lang_short())
        self.hydro_dock = self._dock(QCoreApplication.translate("MainWindow", "Hydrograph"), "hydrograph", self.hydro_panel,
                                     Qt.DockWidgetArea.BottomDockWidgetArea)
        self.hydro_dock.hide()
        self.identify.hydrographRequested.connect(self.open_hydrograph)

    def _water_actions(self) -> None:
        """Ctrl+Shift+J the alert list, Ctrl+Shift+H the hydrograph of the station shown in identify."""
        self.act_alerts = self.alert_dock.toggleViewAction()
        self.act_alerts.setShortcut(QKeySequence("Ctrl+Shift+J"))
        self.act_hydrograph = self._action(
            QCoreApplication.translate("MainWindow", "&Hydrograph"), self.hydrograph_of_current, QKeySequence("Ctrl+Shift+H"),
            QCoreApplication.translate("MainWindow", "Levels, flow and rain of the station shown in the identify panel, with its thresholds"),
        )

    # ------------------------------------------------------------ the hydrograph
    def open_hydrograph(self, station: str) -> None:
        """The station's hydrograph in its dock; the data from the worker."""
        self.hydro_dock.show()
        self.hydro_dock.raise_()
        self.hydro_dock.setWindowTitle(QCoreApplication.translate("MainWindow", "Hydrograph: %1").replace("%1", station))
        self.hydro_panel.ask(station)
        moment = getattr(self, "_shown_moment", None)
        if moment is not None:
            self.hydro_panel.show_moment(moment)
        else:
            self.hydro_panel.move_marker(self.time_slider.current)
        self._ask_hydrograph()

    def hydrograph_of_current(self) -> None:
        """The hydrograph of the station shown in identify (else the dock with what it showed)."""
        current = getattr(self, "_current", None)
        if current is not None and current[0] == "stations" and self.workspace is not None:
            rec = self.workspace.feature("stations", current[1]) or {}
            if rec.get("name"):
                self.open_hydrograph(str(rec["name"]))
                return
        self.hydro_dock.show()
        self.hydro_dock.raise_()

    def _ask_hydrograph(self) -> None:
        station = self.hydro_panel.station
        if station and self._situation is not None and self.workspace is not None:
            self._hydro_gen = self._situation.hydrograph(station)

    def _on_hydrograph(self, gen: int, station: str, data: Any) -> None:
        if gen != self._hydro_gen or station != self.hydro_panel.station or self.workspace is None:
            return  # superseded, or another station since
        moment = getattr(self, "_shown_moment", None)
        self.hydro_panel.show_data(station, data, moment.situation if moment is not None else None)

    def go_to_station(self, station: str) -> None:
        """An alert double-clicked: the station on the map and its hydrograph."""
        moment = getattr(self, "_shown_moment", None)
        water = getattr(moment.situation, "water", None) if moment is not None else None
        fid = next((s.get("fid") for s in (getattr(water, "stations", None) or []) if s.get("station") == station),
                   None)
        if fid is not None:
            self.zoom_to_feature("stations", int(fid))
        self.open_hydrograph(station)

    # ------------------------------------------------------------ the alert list
    def _on_alert_count(self, waiting: int) -> None:
        title = QCoreApplication.translate("MainWindow", "Gauge alerts")
        self.alert_dock.setWindowTitle(f"{title} ({waiting})" if waiting else title)
        if waiting:
            self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "%1 gauge alerts waiting").replace("%1", str(waiting)), 8000)

    def _after_alert_ack(self, key: str, fid: int) -> None:
        """An acknowledgement written by the alert list: one undoable step, the picture refreshed."""
        from floodpost.data.schema import schema_for
        from floodpost.data.situation.tally import describe
        from floodpost.ui.dialogs.editing import RowsCommand

        if self.workspace is None:
            return
        rec = self.workspace.feature(key, fid) or {}
        what = QCoreApplication.translate("MainWindow", "Acknowledge alert %1").replace("%1", str(rec.get("station")))
        summary = f"{schema_for(key).zh}: {describe(key, rec)}"
        self.undo_stack.push(RowsCommand(self.workspace, key, [fid], self._changed, self._refused, what, summary))
        self._changed(key)
