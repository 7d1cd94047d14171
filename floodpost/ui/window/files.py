"""Files and dialogs: open, demo, import, export, images, tiles, tally entry, log, press page, web map, replay."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QMessageBox,
)

from floodpost.data.workspace import same_location
from floodpost.layers.scene import MapScene
from floodpost.ui.settings import SETTINGS_APP, SETTINGS_ORG


class FilesMixin:
    """Methods of the main window (see :mod:`floodpost.ui.window`)."""

    def _refused(self, text: str, what: str, exc: BaseException) -> None:
        """An undo or redo the records do not allow: say why (without blocking), nothing was written."""
        from floodpost.data.workspace import ReadOnlyWorkspace, StaleEdit
        from floodpost.ui.failures import describe_failure
        from floodpost.ui.notes import tr_error

        reason = describe_failure(exc) if isinstance(exc, (ReadOnlyWorkspace, StaleEdit)) else tr_error(exc, "tally")
        head = (QCoreApplication.translate("MainWindow", "Cannot undo “%1”") if what == "undo" else QCoreApplication.translate("MainWindow", "Cannot redo “%1”")).replace("%1", text)
        body = QCoreApplication.translate("MainWindow", "%1\n\nNothing was changed; the step is no longer on the undo list.").replace("%1", reason)
        self.statusBar().showMessage(f"{head} — {reason}", 15000)
        box = QMessageBox(QMessageBox.Icon.Warning, QCoreApplication.translate("MainWindow", "Not undone") if what == "undo" else QCoreApplication.translate("MainWindow", "Not redone"),
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
            if self.open_workspace(self.connect_location()):
                self.canvas.set_viewport(view)

    def connect_location(self) -> str:
        """The open workspace's location for another connection (a reload, the import wizard, a replay).

        As it was opened: a shared workspace's ``location`` holds no password,
        and one typed in the connect dialog is needed again (kept in memory only).
        """
        assert self.workspace is not None
        opened = getattr(self, "opened_as", None)
        return opened if opened and same_location(opened, self.workspace.location) else self.workspace.location

    def open_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, QCoreApplication.translate("MainWindow", "Open workspace"), "", QCoreApplication.translate("MainWindow", "FloodPost workspaces (*.gpkg)")
        )
        if path:
            self.open_workspace(path)

    def connect_dialog(self) -> None:
        """文件 → 连接共享工作空间…: open a shared workspace on the post's PostgreSQL server."""
        from floodpost.ui.dialogs.connect import ConnectDialog

        dialog = ConnectDialog(self)
        if dialog.exec() != ConnectDialog.DialogCode.Accepted:
            return
        if self.open_workspace(dialog.location()):
            dialog.remember()

    def demo_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, QCoreApplication.translate("MainWindow", "Save the demo workspace as"), "demo.gpkg", QCoreApplication.translate("MainWindow", "FloodPost workspaces (*.gpkg)")
        )
        if not path:
            return
        from floodpost.data.demo import build_demo

        if self._busy(QCoreApplication.translate("MainWindow", "Cannot build the demo"), lambda: build_demo(path, overwrite=True), path):
            self.open_workspace(path)

    def import_dialog(self) -> None:
        """Open the import wizard on the current workspace; reload the map when it wrote."""
        from floodpost import i18n
        from floodpost.ui.dialogs.importwizard import ImportWizard

        if self.workspace is None:
            QMessageBox.information(self, QCoreApplication.translate("MainWindow", "Import data"), QCoreApplication.translate("MainWindow", "Open a workspace first."))
            return
        wizard = ImportWizard(self.connect_location(), self, lang=i18n.lang_short())
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
        text = QCoreApplication.translate("MainWindow", "Import %1 rows into %2").replace("%1", str(len(fids))).replace("%2", schema.label(self._lang()))
        summary = f"导入 {schema.zh}: {len(fids)} 条 ← {source}"
        self.undo_stack.push(RowsCommand(self.workspace, key, list(fids), self._changed, self._refused, text, summary))
        self._changed(key)
        self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "Imported %1 rows").replace("%1", str(len(fids))), 8000)

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
        text = QCoreApplication.translate("MainWindow", "Tally entry: %1").replace("%1", describe(key, rec, self._lang()))
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
        label, ok = QInputDialog.getItem(self, QCoreApplication.translate("MainWindow", "Export layer"), QCoreApplication.translate("MainWindow", "Layer or table:"), labels, start, False)
        if not ok:
            return
        key = keys[labels.index(label)]
        path, _ = QFileDialog.getSaveFileName(
            self, QCoreApplication.translate("MainWindow", "Export %1 as").replace("%1", ALL[key].zh), f"{key}.gpkg",
            dialog_filter("write", i18n.lang_short(), tables_only=not ALL[key].is_spatial),
        )
        if not path:
            return
        # the same question as the web map; an exchange with a county keeps names (default No)
        press = QMessageBox.question(
            self, QCoreApplication.translate("MainWindow", "Export layer"),
            QCoreApplication.translate("MainWindow", "For publication (no names or phone numbers of persons)?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No,
        ) == QMessageBox.StandardButton.Yes
        if self._busy(QCoreApplication.translate("MainWindow", "Cannot export"), lambda: export_layer(self.workspace, key, path, press=press)):
            self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "Saved %1").replace("%1", path), 5000)

    def save_image_dialog(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, QCoreApplication.translate("MainWindow", "Save map image"), "map.png", QCoreApplication.translate("MainWindow", "PNG images (*.png)"))
        if not path:
            return
        img, _ = self.scene.render(self.canvas.viewport)
        if not img.save(path):
            QMessageBox.critical(self, QCoreApplication.translate("MainWindow", "Cannot save image"), path)
        else:
            self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "Saved %1").replace("%1", path), 5000)

    # ------------------------------------------------------------ basemap
    def add_tiles(self, path: str | Path) -> bool:
        """Put an MBTiles cache under the map; say why not if the file is unusable."""
        from floodpost.data.tiles import MBTilesError
        from floodpost.layers.basemap.mbtiles import MBTilesBasemap

        try:
            raster = MBTilesBasemap(path)
        except (MBTilesError, OSError) as exc:
            QMessageBox.critical(self, QCoreApplication.translate("MainWindow", "Cannot use tile basemap"), str(exc))
            return False
        self.scene.painter.basemap.set_raster(raster)
        QSettings(SETTINGS_ORG, SETTINGS_APP).setValue("tile_basemap", str(Path(path).resolve()))
        self.canvas.request_render()
        self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "Tile basemap: %1").replace("%1", str(path)), 5000)
        return True

    def remove_tiles(self) -> None:
        self.scene.painter.basemap.set_raster(None)
        QSettings(SETTINGS_ORG, SETTINGS_APP).remove("tile_basemap")
        self.canvas.request_render()

    def add_tiles_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, QCoreApplication.translate("MainWindow", "Add tile basemap"), "", QCoreApplication.translate("MainWindow", "MBTiles tile caches (*.mbtiles)")
        )
        if path:
            self.add_tiles(path)

    def prepare_tiles_dialog(self) -> None:
        from floodpost.ui.dialogs.tiledialog import PrepareTilesDialog

        dlg = PrepareTilesDialog(self.canvas.viewport.lonlat_extent, self)
        dlg.downloadFinished.connect(lambda result: self.add_tiles(result.path) if result.fetched or result.skipped else None)
        dlg.open()

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
        situation = scene.show_situation(self.workspace, when, answer_minutes=self.ack_panel.minutes.value())
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
        path, _ = QFileDialog.getSaveFileName(self, QCoreApplication.translate("MainWindow", "Offline HTML map"), "map.html", QCoreApplication.translate("MainWindow", "HTML (*.html)"))
        if not path:
            return
        press = QMessageBox.question(
            self, QCoreApplication.translate("MainWindow", "Offline HTML map"),
            QCoreApplication.translate("MainWindow", "For publication (no names or phone numbers of persons)?"),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes,
        ) == QMessageBox.StandardButton.Yes
        if self._busy(QCoreApplication.translate("MainWindow", "Cannot export"), lambda: build_web_map(self.workspace, path, press=press)):
            self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "Saved %1").replace("%1", path), 5000)

    def replay_dialog(self) -> None:
        from floodpost.data.situation import report_times
        from floodpost.ui.dialogs.replaydialog import ReplayDialog

        if self.workspace is None:
            return
        times = report_times(self.workspace)
        if not times:
            QMessageBox.information(self, QCoreApplication.translate("MainWindow", "Replay"), QCoreApplication.translate("MainWindow", "The workspace has no reports to replay."))
            return
        self._replay = ReplayDialog(self.connect_location(), times, parent=self)  # frames in Chinese unless chosen
        self._replay.open()
