"""Editing on the map: identify, add, move, edit and delete features, each one undoable step; Esc."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QMessageBox,
)

from floodpost.data.schema import TIMED


class EditingMixin:
    """Methods of the main window (see :mod:`floodpost.ui.window`)."""

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
            QMessageBox.warning(self, QCoreApplication.translate("MainWindow", "Not saved"), str(exc))
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

            QMessageBox.warning(self, QCoreApplication.translate("MainWindow", "Not saved"), tr_error(exc, "validate"))
            return
        text = QCoreApplication.translate("MainWindow", "Edit %1 of %2").replace("%1", schema.field(field).zh).replace("%2", f"{schema.zh} {fid}")
        self._push(UpdateCommand(self.workspace, key, fid, clean, self._changed, text))

    def delete_features(self, key: str, fids: list) -> None:
        from floodpost.data.schema import schema_for
        from floodpost.ui.dialogs.editing import DeleteCommand

        if self.workspace is None or not fids:
            return
        schema = schema_for(key)
        answer = QMessageBox.question(
            self, QCoreApplication.translate("MainWindow", "Delete"),
            QCoreApplication.translate("MainWindow", "Delete %1 row(s) of %2? Undo (Ctrl+Z) brings them back.").replace("%1", str(len(fids))).replace("%2", schema.zh),
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        text = QCoreApplication.translate("MainWindow", "Delete %1 row(s) of %2").replace("%1", str(len(fids))).replace("%2", schema.zh)
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
            text = QCoreApplication.translate("MainWindow", "Edit %1").replace("%1", f"{schema.zh} {fid}")
            self._push(UpdateCommand(self.workspace, key, fid, values, self._changed, text))
        else:
            text = QCoreApplication.translate("MainWindow", "Add %1").replace("%1", schema.zh)
            self._push(InsertCommand(self.workspace, key, values, self._changed, text))

    def start_add(self, key: str | None = None) -> None:
        from floodpost.data.schema import schema_for

        if self.workspace is None:
            return
        if not isinstance(key, str):
            layer = self.layer_panel.current_layer()
            key = layer.key if layer is not None else None
        if key is None:
            QMessageBox.information(self, QCoreApplication.translate("MainWindow", "Add feature"), QCoreApplication.translate("MainWindow", "Select a layer in the layer panel first."))
            return
        schema = schema_for(key)
        if "Point" in schema.allowed_geometries:
            self._set_mode(("add", key))
            self.statusBar().showMessage(
                QCoreApplication.translate("MainWindow", "Click on the map to place the new %1 (Esc cancels)").replace("%1", schema.zh))
            return
        self.canvas.sketch = []
        self.canvas.sketch_closed = "Polygon" in schema.allowed_geometries
        self._set_mode(("draw", key))
        self.statusBar().showMessage(
            QCoreApplication.translate("MainWindow", "Click the vertices of the new %1; Enter finishes, Backspace removes a vertex, Esc cancels")
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
            self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "At least %1 vertices are needed").replace("%1", str(need)), 5000)
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
            QMessageBox.information(self, QCoreApplication.translate("MainWindow", "Move feature"), QCoreApplication.translate("MainWindow", "Click a feature on the map first."))
            return
        key, _fid = self._current
        self._set_mode(("move", key))
        what = QCoreApplication.translate("MainWindow", "the point") if "Point" in schema_for(key).allowed_geometries else QCoreApplication.translate("MainWindow", "the middle of the feature")
        self.statusBar().showMessage(QCoreApplication.translate("MainWindow", "Click where %1 should be (Esc cancels)").replace("%1", what))

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
            text = QCoreApplication.translate("MainWindow", "Move %1").replace("%1", f"{schema_for(key).zh} {fid}")
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
