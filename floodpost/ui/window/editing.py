"""Editing on the map: identify, add, move, edit and delete features, each one undoable step; Esc."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QMessageBox,
)

from floodpost.data.schema import TIMED
from floodpost.data.workspace import StaleEdit


@dataclass
class EditStart:
    """A feature as it was when an edit of it began: its row version and its values.

    The version goes with the write (``expected_version``), so another
    workstation's change made meanwhile is found, not overwritten; the values
    are what undo puts back and what a kept copy is made from.
    """

    key: str
    fid: int
    version: int | None
    record: dict[str, Any] = field(default_factory=dict)


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

    def open_tally_entry(self, key: str, values: dict[str, Any]) -> None:
        """The tally window on ``key``'s tab with ``values`` filled in and the map's time (identify's buttons)."""
        self.tally_dialog()
        if self._tally is not None:
            self._tally.prefill(key, dict(values))
            self._tally.activateWindow()

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
        self._live_own_write()

    def _push(self, command: Any) -> bool:
        """Run a command (its redo writes); on refusal say why and keep nothing."""
        if not self._may_write():
            return False
        try:
            self.undo_stack.push(command)
        except Exception as exc:  # noqa: BLE001 - validation and storage errors are told
            self._not_saved(exc)
            return False
        return True

    def _may_write(self) -> bool:
        """False (and the officer told why) when this account may not write the workspace."""
        if self.workspace is not None and not self.workspace.can_write():
            from floodpost.ui.failures import read_only_text

            self.statusBar().showMessage(read_only_text(), 8000)
            QMessageBox.warning(self, QCoreApplication.translate("MainWindow", "Not saved"), read_only_text())
            return False
        return True

    def _not_saved(self, exc: BaseException) -> None:
        from floodpost.ui.failures import describe_failure

        QMessageBox.warning(self, QCoreApplication.translate("MainWindow", "Not saved"), describe_failure(exc))

    # ------------------------------------------------------------ edits that know where they started
    def begin_edit(self, key: str, fid: int) -> EditStart:
        """Note the row's version and values now: the edit of it starts here.

        The version is read first: a change that lands between the two reads
        then shows as a conflict, and can never slip through unnoticed.
        """
        ws = self.workspace
        version = ws.row_version(key, int(fid))
        record = ws.feature(key, int(fid)) or {}
        return EditStart(key, int(fid), version, dict(record))

    def _note_edit_start(self, key: str, fid: int) -> None:
        """A cell editor of the attribute table opened on a row."""
        if self.workspace is not None:
            self._edit_starts[(key, int(fid))] = self.begin_edit(key, fid)

    def save_edit(self, start: EditStart, values: dict[str, Any], text: str) -> bool:
        """Write an edit that began at ``start``; another workstation's change meanwhile brings the choice.

        What is done goes on the undo stack as what happened: an update
        (over theirs when so chosen, undo then puts theirs back), a new copy,
        or nothing.
        """
        from floodpost.ui.dialogs.editing import UpdateCommand, note_versions

        ws = self.workspace
        if ws is None or not self._may_write():
            return False
        key, fid = start.key, start.fid
        try:
            ws.update(key, fid, values, expected_version=start.version)
        except StaleEdit as exc:
            return self._stale_edit(exc, start, values, text)
        except Exception as exc:  # noqa: BLE001 - validation and storage errors are told
            self._not_saved(exc)
            return False
        note_versions(ws, key, [fid])
        old = {k: start.record.get(k) for k in values}
        self.undo_stack.push(UpdateCommand(ws, key, fid, values, self._changed, text, old=old,
                                           version=ws.row_version(key, fid), written=True,
                                           stale=self._stale_step, refused=self._refused))
        return True

    def choose_conflict(self, dialog: Any) -> str:
        """Show the conflict dialog and return the choice (tests put a chooser of their own here)."""
        return dialog.ask()

    def _ask_conflict(self, exc: StaleEdit, key: str, mine: dict[str, Any], base: dict[str, Any] | None,
                      allow_copy: bool = True) -> str:
        from floodpost import i18n
        from floodpost.data.schema import schema_for
        from floodpost.ui.dialogs.conflict import ConflictDialog

        dialog = ConflictDialog(schema_for(key), exc.current, base, mine, self, lang=i18n.lang_short(),
                                allow_copy=allow_copy)
        self.conflict_dialog = dialog
        try:
            return self.choose_conflict(dialog)
        finally:
            dialog.deleteLater()

    def _stale_edit(self, exc: StaleEdit, start: EditStart, values: dict[str, Any], text: str) -> bool:
        """Another workstation changed (or deleted) the row since ``start``: ask, then do what was chosen."""
        from floodpost.data.schema import schema_for
        from floodpost.ui.dialogs import conflict
        from floodpost.ui.dialogs.editing import InsertCommand, UpdateCommand, note_versions

        ws = self.workspace
        key, fid = start.key, start.fid
        choice = self._ask_conflict(exc, key, values, start.record)
        if choice == conflict.OVERWRITE and exc.current is not None:
            theirs = exc.current
            try:
                ws.update(key, fid, values, expected_version=exc.current_version)
            except StaleEdit as again:  # a third change meanwhile: ask again, showing that one
                return self._stale_edit(again, start, values, text)
            except Exception as err:  # noqa: BLE001 - told
                self._not_saved(err)
                return False
            note_versions(ws, key, [fid])
            self.undo_stack.push(UpdateCommand(
                ws, key, fid, values, self._changed,
                QCoreApplication.translate("MainWindow", "%1 (over another workstation's change)").replace("%1", text),
                old={k: theirs.get(k) for k in values}, version=ws.row_version(key, fid), written=True,
                stale=self._stale_step, refused=self._refused))
            return True
        if choice in (conflict.BOTH, conflict.RESTORE):
            schema = schema_for(key)
            record = copy_values(schema, start.record, values)
            try:
                new_fid = ws.insert(key, [record])[0]
            except Exception as err:  # noqa: BLE001 - told
                self._not_saved(err)
                return False
            what = (QCoreApplication.translate("MainWindow", "Restore %1 as a new record") if choice == conflict.RESTORE
                    else QCoreApplication.translate("MainWindow", "Keep my version of %1 as a copy"))
            self.undo_stack.push(InsertCommand(ws, key, record, self._changed,
                                               what.replace("%1", f"{schema.zh} {fid}"), fid=new_fid))
            self.statusBar().showMessage(
                QCoreApplication.translate("MainWindow", "Your version was saved as a new record (%1)")
                .replace("%1", f"{schema.zh} {new_fid}"), 10000)
            return True
        self._changed(key)  # theirs, as they are now
        self.statusBar().showMessage(QCoreApplication.translate(
            "MainWindow", "Your edit was not saved; the record shows the other workstation's values"), 10000)
        return False

    def _stale_step(self, command: Any, exc: StaleEdit, values: dict[str, Any], what: str) -> int | None:
        """An undo or redo met another workstation's change: overwrite it, or drop the step (returns None)."""
        from floodpost.ui.dialogs import conflict

        ws = self.workspace
        if exc.current is None:
            self._refused(command.text(), what, exc)
            return None
        choice = self._ask_conflict(exc, command.key, values, exc.current, allow_copy=False)
        if choice != conflict.OVERWRITE:
            self.statusBar().showMessage(QCoreApplication.translate(
                "MainWindow", "Kept the other workstation's values; the step is no longer on the undo list"), 10000)
            return None
        try:
            ws.update(command.key, command.fid, values, expected_version=exc.current_version)
        except StaleEdit as again:
            return self._stale_step(command, again, values, what)
        except Exception as err:  # noqa: BLE001 - told
            self._refused(command.text(), what, err)
            return None
        return ws.row_version(command.key, command.fid)

    def edit_value(self, key: str, fid: int, field: str, value: Any) -> None:
        from floodpost.data.schema import schema_for
        from floodpost.data.schema.validate import ValidationError, validate_record

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
        start = self._edit_starts.pop((key, int(fid)), None) or self.begin_edit(key, fid)
        self.save_edit(start, clean, text)

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
        from floodpost.ui.dialogs.editing import FeatureForm, InsertCommand

        if self.workspace is None:
            return
        schema = schema_for(key)
        if fid < 0 and schema.is_spatial and geometry is None:
            self.start_add(key)  # the geometry first, from the map
            return
        start = self.begin_edit(key, fid) if fid >= 0 else None
        initial = start.record if start is not None else {"geometry": geometry, **self._new_defaults(schema)}
        form = FeatureForm(schema, initial, self, lang=i18n.lang_short())
        if form.exec() != FeatureForm.DialogCode.Accepted:
            return
        values = form.values()
        if start is not None:
            text = QCoreApplication.translate("MainWindow", "Edit %1").replace("%1", f"{schema.zh} {fid}")
            self.save_edit(start, values, text)
        else:
            text = QCoreApplication.translate("MainWindow", "Add %1").replace("%1", schema.zh)
            g = values.get("geometry")
            if schema.outline_layer and g is not None and g.geom_type != "Point":
                self._add_outlined(schema, values, text)
            else:
                self._push(InsertCommand(self.workspace, key, values, self._changed, text))

    def _new_defaults(self, schema: Any) -> dict[str, Any]:
        """What a new feature's form starts with: a report time of the map's moment (now while it shows now)."""
        from floodpost.data.schema import NOW
        from floodpost.data.timeutil import format_local, now_storage

        out: dict[str, Any] = {}
        for f in schema.fields:
            if f.type == "datetime" and f.default == NOW:
                out[f.name] = format_local(self.time_slider.current or now_storage())
        return out

    def _add_outlined(self, schema: Any, values: dict[str, Any], text: str) -> bool:
        """A feature drawn as its line or area: the point where its symbol goes and the outline, one step.

        The layer keeps one geometry type (a point); the drawn shape goes to
        its outline layer naming it, as an import does. Two rows, so two
        inserts in one macro: undo takes out both, redo puts both back.
        """
        from floodpost.data.schema import LAYERS
        from floodpost.data.schema.validate import ValidationError, validate_record
        from floodpost.ui.dialogs.editing import InsertCommand

        ws = self.workspace
        if ws is None or not self._may_write():
            return False
        oschema = LAYERS[schema.outline_layer]
        shape = values["geometry"]
        outline = {f: values.get(f) for f in oschema.field_names if f in schema.field_names and f != "note"}
        if oschema.owner_field:
            outline[oschema.owner_field] = values.get(schema.title_field)
        outline["geometry"] = shape
        point = {**values, "geometry": anchor(shape)}
        try:
            outline = validate_record(oschema, outline, source=oschema.key)
        except ValidationError as exc:
            self._not_saved(exc)
            return False
        count = self.undo_stack.count()
        self.undo_stack.beginMacro(text)
        try:
            self.undo_stack.push(InsertCommand(ws, oschema.key, outline, self._changed, text))
            self.undo_stack.push(InsertCommand(ws, schema.key, point, self._changed, text))
        except Exception as exc:  # noqa: BLE001 - told; what was written of the step is taken back
            self.undo_stack.endMacro()
            if self.undo_stack.count() > count:
                self.undo_stack.undo()
            self._not_saved(exc)
            return False
        self.undo_stack.endMacro()
        return True

    def choose_add_shape(self, schema: Any) -> str | None:
        """Ask whether a new feature of a layer kept with outlines is a point or drawn ("point", "line",
        "area"; None: cancelled). A menu at the cursor, so the keyboard answers it too (tests replace it)."""
        from PySide6.QtGui import QCursor
        from PySide6.QtWidgets import QMenu

        from floodpost import i18n
        from floodpost.data.schema import LAYERS

        lang = i18n.lang_short()
        outline = LAYERS[schema.outline_layer]
        drawn = "area" if "Polygon" in outline.allowed_geometries else "line"
        menu = QMenu(self)
        point = menu.addAction(QCoreApplication.translate("MainWindow", "%1: a point").replace("%1", schema.label(lang)))
        tip = (QCoreApplication.translate("MainWindow", "%1: draw the area") if drawn == "area"
               else QCoreApplication.translate("MainWindow", "%1: draw the line"))
        shaped = menu.addAction(tip.replace("%1", outline.label(lang)))
        menu.setActiveAction(point)
        chosen = menu.exec(QCursor.pos())
        menu.deleteLater()
        return "point" if chosen is point else drawn if chosen is shaped else None

    def start_add(self, key: str | None = None, shape: str | None = None) -> None:
        """Add a feature: a click for a point, vertices for a line or area.

        A layer that keeps lines or areas as outlines (an incident along a dike
        section, a village's boundary) asks which, unless ``shape`` says.
        """
        from floodpost.data.schema import LAYERS, schema_for

        if self.workspace is None:
            return
        if not isinstance(key, str):
            layer = self.layer_panel.current_layer()
            key = layer.key if layer is not None else None
        if key is None:
            QMessageBox.information(self, QCoreApplication.translate("MainWindow", "Add feature"), QCoreApplication.translate("MainWindow", "Select a layer in the layer panel first."))
            return
        schema = schema_for(key)
        if schema.outline_layer and shape is None:
            shape = self.choose_add_shape(schema)
            if shape is None:
                return
        if "Point" in schema.allowed_geometries and shape in (None, "point"):
            self._set_mode(("add", key))
            self.statusBar().showMessage(
                QCoreApplication.translate("MainWindow", "Click on the map to place the new %1 (Esc cancels)").replace("%1", schema.zh))
            return
        self.canvas.sketch = []
        drawn = LAYERS[schema.outline_layer].allowed_geometries if schema.outline_layer else schema.allowed_geometries
        self.canvas.sketch_closed = "Polygon" in drawn
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
        key, fid = self._current
        self._move_start = self.begin_edit(key, fid)  # the move starts here: its version goes with the write
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
            start = self._move_start
            if start is None or (start.key, start.fid) != (key, fid):
                start = self.begin_edit(key, fid)
            self._move_start = None
            old = (self.workspace.feature(key, fid) or start.record).get("geometry")
            if old is None:
                return
            if old.geom_type == "Point":
                moved = point
            else:  # lines and areas move whole, their middle to the click
                anchor = old.representative_point()
                moved = translate(old, lon - anchor.x, lat - anchor.y)
            text = QCoreApplication.translate("MainWindow", "Move %1").replace("%1", f"{schema_for(key).zh} {fid}")
            self.save_edit(start, {"geometry": moved}, text)

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


def anchor(shape: Any) -> Any:
    """Where a feature kept as a point sits on its drawn shape: inside an area, halfway along a line
    (on its longest part), as an import puts it."""
    import shapely

    parts = list(getattr(shape, "geoms", [shape]))
    if shape.geom_type.endswith("LineString"):
        longest = max(parts, key=lambda g: g.length)
        return longest.interpolate(0.5, normalized=True)
    return shape.representative_point() if not shape.is_empty else shapely.Point()


def copy_values(schema: Any, record: dict[str, Any], values: dict[str, Any]) -> dict[str, Any]:
    """A whole feature for a new copy: the record as the edit began, with the edited values."""
    from floodpost.ui.dialogs.editing import _plain

    out = {f: _plain(record.get(f)) for f in schema.field_names}
    if schema.is_spatial:
        out["geometry"] = record.get("geometry")
    out.update(values)
    return {k: v for k, v in out.items() if v is not None}
