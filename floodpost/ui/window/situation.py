"""The situation off the GUI thread: the worker's moments and curves, the slider's time, meetings."""

from __future__ import annotations

import contextlib
from typing import Any

from PySide6.QtCore import QCoreApplication

from floodpost.ui.docks.situationworker import SituationWorker, connect_queued


class SituationMixin:
    """Methods of the main window (see :mod:`floodpost.ui.window`)."""

    # ------------------------------------------------------------ situation (worker thread)
    def _refresh_situation(self) -> None:
        """Slider stops, dashboard curves, figures, brief and the map's time after opening or a change."""
        ws = self.workspace
        if ws is None:
            self._stop_situation()
            self.time_slider.set_times([])
            self.dashboard.clear()
            self.brief.show_text("")
            self.ack_panel.clear()
            self.alert_panel.clear()
            return
        if self._situation is None:
            worker = SituationWorker(ws.reader, self)
            connect_queued(worker.timesReady, self._on_times)
            connect_queued(worker.momentReady, self._on_moment)
            connect_queued(worker.seriesReady, self._on_series)
            connect_queued(worker.hydrographReady, self._on_hydrograph)
            connect_queued(worker.failed, self._on_situation_failed)
            worker.brief_wanted = self.brief.in_view()
            self._situation = worker
            self.canvas.rendered.connect(self._read_places_ahead)
        self.brief.ws = ws  # the dock's Refresh asks again
        self.dashboard.move_marker(self.time_slider.current)
        self._moment_gen = self._series_gen = self._situation.refresh(self.time_slider.current)
        self._moment_done = self._series_done = False
        self.dashboard.set_busy(moment=True, series=True)
        self._ask_hydrograph()  # the station's readings may have changed

    def _read_places_ahead(self, *_args: Any) -> None:
        """After an opening's first frame, where the operations are drawn (``MapScene.read_ahead``):
        read while the worker folds the records, not after its first moment (25 ms of a season's
        cold open)."""
        with contextlib.suppress(RuntimeError, TypeError):
            self.canvas.rendered.disconnect(self._read_places_ahead)
        if self.workspace is not None:
            with contextlib.suppress(Exception):  # reading ahead only saves time: the moment reads again
                self.scene.read_ahead(self.workspace)

    def _ask_moment(self, stored: str) -> None:
        """The figures as of ``stored`` ("" for now), from the worker."""
        if self._situation is None:
            return
        self._moment_gen = self._situation.moment(stored)
        self._moment_done = False
        self.dashboard.set_busy(moment=True)

    def _stop_situation(self) -> None:
        """End the worker and its connection; its late results are dropped by generation."""
        if self._situation is not None:
            self._situation.stop()
            self._situation.deleteLater()
            self._situation = None
        self._moment_done = self._series_done = True

    @property
    def situation_pending(self) -> bool:
        """Figures or curves asked for and not yet shown."""
        return not (self._moment_done and self._series_done)

    def _ready(self) -> None:
        if not self.situation_pending:
            self.situationReady.emit()

    def _on_times(self, gen: int, stops: tuple[list[str], list[str], Any]) -> None:
        if gen == self._series_gen and self._situation is not None:
            times, meetings, ms = stops
            self.time_slider.set_times(times, meetings, ms)
            self.dashboard.set_meetings(meetings)

    def _on_moment(self, gen: int, moment: Any) -> None:
        if gen != self._moment_gen or self._situation is None or self.workspace is None:
            return  # superseded, or from a workspace closed since
        self._shown_moment = moment
        self._show_on_map(moment)
        self.dashboard.show_moment(moment)
        self.identify.set_situation(moment.situation)
        self.brief.when = moment.when
        self.brief.show_moment(moment)
        self.ack_panel.show_moment(moment)
        self.alert_panel.show_moment(moment)
        self.hydro_panel.show_moment(moment)
        self._moment_done = True
        self._ready()

    def _show_on_map(self, moment: Any) -> None:
        """The moment on the map, with the 叫应 list's minutes for the unanswered rings."""
        with self.canvas.batched():  # one frame for the step, asked for before the figures are set
            try:
                self.scene.show_situation(self.workspace, moment.when or None, situation=moment.situation,
                                          answer_minutes=self.ack_panel.minutes.value())
            except Exception as exc:  # noqa: BLE001 - keep the window usable, say why
                self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "Cannot show that time: %1").replace("%1", str(exc)), 8000)
                return
        water = next((o for o in self.scene.painter.overlays if type(o).__name__ == "WaterOverlay"), None)
        self.meeting_legend.set_water_codes(water.codes() if water is not None and water.marks else None)

    def _on_brief_shown(self, shown: bool) -> None:
        """The worker writes each moment's brief ahead only while its dock is in front."""
        if self._situation is not None:
            self._situation.brief_wanted = shown

    def _on_answer_minutes(self, _value: int) -> None:
        """The officer's answer limit changed: the map's rings follow at once."""
        moment = getattr(self, "_shown_moment", None)
        if moment is not None and self.workspace is not None and self._situation is not None:
            self._show_on_map(moment)

    def _on_series(self, gen: int, series: Any) -> None:
        if gen != self._series_gen or self._situation is None:
            return
        self.dashboard.show_series(series)
        self._series_done = True
        self._ready()

    def _on_situation_failed(self, gen: int, message: str) -> None:
        if gen not in (self._moment_gen, self._series_gen):
            return
        self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "Cannot compute the situation: %1").replace("%1", message), 10000)
        if gen == self._moment_gen:
            self._moment_done = True
        if gen == self._series_gen:
            self._series_done = True
        self.dashboard.set_busy(moment=not self._moment_done, series=not self._series_done)
        self._ready()

    def show_time(self, stored: str) -> None:
        """Map overlays, dashboard and brief as of ``stored`` (a stored time, "" for now).

        The curves' marker moves at once; the figures follow from the worker.
        """
        if self.workspace is None:
            return
        self.dashboard.move_marker(stored)
        self.hydro_panel.move_marker(stored)
        self._ask_moment(stored)

    def mark_meeting_dialog(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        from floodpost.data.timeutil import format_local, now_storage

        if self.workspace is None:
            return
        default = QCoreApplication.translate("MainWindow", "Consultation meeting %1").replace("%1", format_local(now_storage()))
        title, ok = QInputDialog.getText(self, QCoreApplication.translate("MainWindow", "Mark consultation meeting"), QCoreApplication.translate("MainWindow", "Meeting:"), text=default)
        if not ok:
            return
        self.mark_meeting(title.strip() or default)

    def mark_meeting(self, title: str) -> bool:
        """Record a consultation meeting as one undoable step (undo takes the mark back out)."""
        from floodpost.ui.dialogs.editing import MeetingCommand

        if self.workspace is None or not self._may_write():
            return False
        text = QCoreApplication.translate("MainWindow", "Mark meeting %1").replace("%1", title)
        count = self.undo_stack.count()
        self.undo_stack.push(MeetingCommand(self.workspace, title, self._meeting_changed, self._refused, text))
        if self.undo_stack.count() == count:  # refused: already told
            return False
        self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "Meeting recorded: %1").replace("%1", title), 5000)
        return True

    def _meeting_changed(self, _key: str = "") -> None:
        self.dashboard.set_time(self.time_slider.current)
        self.brief.refresh()
        self.log_panel.refresh()
        self._live_own_write()
