"""Editing: schema-driven forms and undoable changes to the workspace.

Every change (add, edit, move, delete, an import, a tally entry, a meeting
mark) is a ``QUndoCommand`` whose redo and undo each write one transaction
through the workspace, so each step is one ``situation_log`` entry and
undoing survives a restart: the file holds the undone state, not a flag. A
delete is undone by putting the feature back under its old fid, so earlier
steps still point at it; an import or a tally entry is undone by taking out
exactly its rows, and redone by putting the same rows back under the same fids.

An undo or redo the records do not allow (taking back a stock-in that later
dispatches drew on) is refused: nothing is written, the reason is told, and
the step leaves the stack (Qt drops a command that marks itself obsolete).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QUndoCommand
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from floodpost.data.schema import Field, TableSchema, schema_for
from floodpost.data.schema.validate import ValidationError, validate_record
from floodpost.ui.notes import tr_note

Changed = Callable[[str], None]
#: Told (step text, "undo" or "redo", the exception) when the records refuse a step.
Refused = Callable[[str, str, BaseException], None]
#: Asked (the step, the StaleEdit, the values it wanted to write, "undo" or "redo") when another
#: workstation changed the row first; returns the row version after writing over theirs, or None
#: when theirs stay (the step then leaves the stack).
Stale = Callable[[Any, Any, dict[str, Any], str], "int | None"]


#: The row version each feature had after this process's own latest write to it, per open workspace.
#: An undo or redo checks against it: a row this window itself put back (the undo of a delete) is
#: not "changed by someone else", a row another workstation changed since is.
_VERSIONS: weakref.WeakKeyDictionary[Any, dict[tuple[str, int], int]] = weakref.WeakKeyDictionary()


def note_versions(ws: Any, key: str, fids: Any) -> None:
    """Remember the rows' versions right after our own write to them."""
    try:
        known = _VERSIONS.setdefault(ws, {})
    except TypeError:  # a store that cannot be weakly referenced: undo then checks against the step's own
        return
    for fid in fids:
        version = ws.row_version(key, int(fid))
        if version is None:
            known.pop((key, int(fid)), None)
        else:
            known[(key, int(fid))] = int(version)


def known_version(ws: Any, key: str, fid: int, default: int | None) -> int | None:
    """The row's version after our own latest write to it (``default`` when we wrote none)."""
    try:
        return _VERSIONS.get(ws, {}).get((key, int(fid)), default)
    except TypeError:
        return default


def _plain(v: Any) -> Any:
    if v is None:
        return None
    try:
        if v != v:  # NaN / NA
            return None
    except (TypeError, ValueError):
        return None if str(v) == "<NA>" else v
    return v.item() if hasattr(v, "item") else v


class UpdateCommand(QUndoCommand):
    """Change some values (or the geometry) of one feature.

    With ``version`` (the row version the workspace had when the edit began,
    or after this step's last write) every write checks it (optimistic
    locking): when another workstation changed the row meanwhile, ``stale``
    is asked what to do (the conflict dialog), and the step either goes on
    over theirs or leaves the stack, nothing written — never a silent lost
    update. ``written`` says the window has written it already (after such
    a choice): the first redo only records it. ``old`` are the values an
    undo puts back (default: as stored now).
    """

    def __init__(self, ws: Any, key: str, fid: int, new: dict[str, Any], changed: Changed, text: str, *,
                 old: dict[str, Any] | None = None, version: int | None = None, written: bool = False,
                 stale: Stale | None = None, refused: Refused | None = None) -> None:
        super().__init__(text)
        self.ws, self.key, self.fid, self.new, self.changed = ws, key, fid, dict(new), changed
        if old is None:
            now = ws.feature(key, fid) or {}
            old = {k: now.get(k) for k in new}
        self.old = {k: _plain(old.get(k)) if k != "geometry" else old.get(k) for k in new}
        self.version = version
        self.stale, self.refused = stale, refused
        self._written = written

    def redo(self) -> None:
        if self._written:
            self._written = False
            self.changed(self.key)
            return
        self._write(self.new, "redo")

    def undo(self) -> None:
        self._write(self.old, "undo")

    def _write(self, values: dict[str, Any], what: str) -> None:
        from floodpost.data.workspace import StaleEdit

        expected = None if self.version is None else known_version(self.ws, self.key, self.fid, self.version)
        try:
            self.ws.update(self.key, self.fid, values, expected_version=expected)
        except StaleEdit as exc:
            if self.stale is None:
                raise
            version = self.stale(self, exc, values, what)
            if version is None:  # theirs kept (or the row is gone): the step leaves the stack
                self.setObsolete(True)
                self.changed(self.key)
                return
            note_versions(self.ws, self.key, [self.fid])
            self.version = version
            self.changed(self.key)
            return
        except Exception as exc:
            if self.refused is None:
                raise
            self.setObsolete(True)
            self.refused(self.text(), what, exc)
            return
        if self.version is not None:
            note_versions(self.ws, self.key, [self.fid])
            self.version = known_version(self.ws, self.key, self.fid, self.version)
        self.changed(self.key)


class InsertCommand(QUndoCommand):
    """Add one feature; undo deletes it, redo puts it back under the same fid.

    ``fid`` given: the window inserted it already (a copy kept after a
    conflict); the first redo only records it.
    """

    def __init__(self, ws: Any, key: str, values: dict[str, Any], changed: Changed, text: str,
                 fid: int | None = None) -> None:
        super().__init__(text)
        self.ws, self.key, self.values, self.changed = ws, key, dict(values), changed
        self.fid: int | None = fid
        self._written = fid is not None

    def redo(self) -> None:
        if self._written:
            self._written = False
        elif self.fid is None:
            self.fid = self.ws.insert(self.key, [self.values])[0]
        else:
            self.ws.restore(self.key, self.fid, self.values)
        note_versions(self.ws, self.key, [self.fid])
        self.changed(self.key)

    def undo(self) -> None:
        self.ws.delete(self.key, [self.fid])
        self.changed(self.key)


class DeleteCommand(QUndoCommand):
    """Delete features; undo restores each under its old fid."""

    def __init__(self, ws: Any, key: str, fids: list[int], changed: Changed, text: str) -> None:
        super().__init__(text)
        self.ws, self.key, self.fids, self.changed = ws, key, list(fids), changed
        schema = schema_for(key)
        self.records = {}
        for fid in self.fids:
            rec = ws.feature(key, fid) or {}
            keep = {f: _plain(rec.get(f)) for f in schema.field_names}
            if schema.is_spatial:
                keep["geometry"] = rec.get("geometry")
            self.records[fid] = keep

    def redo(self) -> None:
        self.ws.delete(self.key, self.fids)
        self.changed(self.key)

    def undo(self) -> None:
        for fid in self.fids:
            self.ws.restore(self.key, fid, self.records[fid])
        note_versions(self.ws, self.key, self.fids)
        self.changed(self.key)


class _WrittenCommand(QUndoCommand):
    """A step whose undo and redo write; a refusal is told and drops the step (nothing written)."""

    def __init__(self, ws: Any, key: str, changed: Changed, refused: Refused, text: str) -> None:
        super().__init__(text)
        self.ws, self.key, self.changed, self.refused = ws, key, changed, refused
        self._written = True  # written before it reached the stack: the first redo only records it

    def redo(self) -> None:
        if self._written:
            self._written = False
            return
        self._run("redo", self._redo)

    def undo(self) -> None:
        self._run("undo", self._undo)

    def _run(self, what: str, work: Callable[[], None]) -> None:
        try:
            work()
        except Exception as exc:  # noqa: BLE001 - the officer is told why; the file is unchanged
            self.setObsolete(True)
            self.refused(self.text(), what, exc)
            return
        self.changed(self.key)

    def _undo(self) -> None:  # pragma: no cover - every step overrides
        raise NotImplementedError

    def _redo(self) -> None:  # pragma: no cover
        raise NotImplementedError


class RowsCommand(_WrittenCommand):
    """Rows already written (one tally entry, or every row of one import) as one step.

    Undo takes out exactly those rows in one logged transaction (refused if
    a depot's stock would go below zero); redo puts the same rows back under
    the same fids.
    """

    def __init__(self, ws: Any, key: str, fids: list[int], changed: Changed, refused: Refused,
                 text: str, summary: str) -> None:
        super().__init__(ws, key, changed, refused, text)
        self.fids = [int(f) for f in fids]
        self.summary = summary
        self.records: list[dict[str, Any]] = []

    def _undo(self) -> None:
        from floodpost.data.situation.tally import rows_of, withdraw_rows

        self.records = rows_of(self.ws, self.key, self.fids)
        withdraw_rows(self.ws, self.key, self.fids, summary=f"撤销 {self.summary}")

    def _redo(self) -> None:
        from floodpost.data.situation.tally import restore_rows

        restore_rows(self.ws, self.key, self.records, summary=f"重做 {self.summary}")


class MeetingCommand(_WrittenCommand):
    """Mark a consultation meeting; undo takes the mark out of the log, redo puts the same mark back."""

    def __init__(self, ws: Any, title: str, changed: Changed, refused: Refused, text: str) -> None:
        super().__init__(ws, "situation_log", changed, refused, text)
        self._written = False
        self.title = title
        self.fid: int | None = None
        self.mark: dict[str, Any] | None = None

    def _redo(self) -> None:
        if self.mark is None:
            self.fid = self.ws.record_meeting(self.title)
        else:
            self.ws.restore_meeting(self.mark)

    def _undo(self) -> None:
        assert self.fid is not None
        self.mark = self.ws.withdraw_meeting(self.fid)


# ------------------------------------------------------------------ form
class FeatureForm(QDialog):
    """A form from the schema: required fields marked, enums as lists, checked before saving.

    Nothing is written here; ``values()`` returns the validated record for
    the caller to turn into an undoable command.
    """

    def __init__(self, schema: TableSchema, initial: dict[str, Any] | None = None,
                 parent: QWidget | None = None, lang: str = "zh") -> None:
        super().__init__(parent)
        self.schema, self.lang = schema, lang
        self.setWindowTitle(schema.label(lang))
        self.setMinimumWidth(440)
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.widgets: dict[str, QWidget] = {}
        self.errors: dict[str, QLabel] = {}
        initial = initial or {}
        for f in schema.fields:
            w = self._widget(f, initial.get(f.name))
            label = f.label(lang) + (" *" if f.required else "")
            err = QLabel("")
            err.setStyleSheet("color: #b00020;")
            err.setVisible(False)
            box = QVBoxLayout()
            box.setContentsMargins(0, 0, 0, 0)
            box.addWidget(w)
            box.addWidget(err)
            holder = QWidget()
            holder.setLayout(box)
            form.addRow(label, holder)
            self.widgets[f.name] = w
            self.errors[f.name] = err
        lay.addLayout(form)
        self.message = QLabel("")
        self.message.setStyleSheet("color: #b00020;")
        lay.addWidget(self.message)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self._try_accept)
        buttons.rejected.connect(self.reject)
        lay.addWidget(buttons)
        self._geometry = initial.get("geometry")
        self._values: dict[str, Any] = {}

    def _widget(self, f: Field, value: Any) -> QWidget:
        value = _plain(value)
        if f.type == "enum":
            combo = QComboBox()
            if not f.required:
                combo.addItem("", None)
            for c in f.choices:
                combo.addItem(c.zh if self.lang == "zh" else c.en, c.code)
            if value is not None:
                combo.setCurrentIndex(max(0, combo.findData(value)))
            return combo
        edit = QLineEdit()
        if value is not None:
            edit.setText(f.display(value, self.lang).replace(",", "") if f.type in ("int", "real") else str(value))
        if f.unit:
            edit.setPlaceholderText(f.unit)
        return edit

    def raw(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, w in self.widgets.items():
            if isinstance(w, QComboBox):
                out[name] = w.currentData()
            else:
                text = w.text().strip()
                out[name] = text or None
        if self.schema.is_spatial:
            out["geometry"] = self._geometry
        return out

    def _try_accept(self) -> None:
        for e in self.errors.values():
            e.setVisible(False)
        try:
            self._values = validate_record(self.schema, self.raw(), source=self.schema.zh)
        except ValidationError as exc:
            reason = tr_note(exc.reason, "validate")
            target = self.errors.get(exc.column or "")
            if target is not None:
                target.setText(reason)
                target.setVisible(True)
                self.widgets[exc.column].setFocus()
            else:
                self.message.setText(reason)
            return
        self.accept()

    def values(self) -> dict[str, Any]:
        return dict(self._values)
