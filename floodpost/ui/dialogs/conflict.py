"""The choice after a stale edit: another workstation changed (or deleted) the row since this edit began.

Never a silent lost update (issue 17): the officer sees their values and
the edited ones side by side and chooses — keep theirs (drop this edit),
overwrite (write this edit over theirs), or keep both (this edit as a new
copy of the feature). When the row was deleted meanwhile: restore this
version as a new feature, or drop it. The dialog only asks; the window
writes what was chosen (:meth:`floodpost.ui.window.editing.EditingMixin`).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from floodpost.data.schema import TableSchema

#: The choices, as :attr:`ConflictDialog.choice` holds them.
THEIRS, OVERWRITE, BOTH, RESTORE, DROP = "theirs", "overwrite", "both", "restore", "drop"


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if hasattr(a, "equals_exact") and hasattr(b, "equals_exact"):
        try:
            return bool(a.equals_exact(b, 1e-9))
        except Exception:  # noqa: BLE001 - different kinds of shape
            return False
    try:
        return bool(a == b)
    except (TypeError, ValueError):
        return str(a) == str(b)


def _missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        return bool(v != v)
    except (TypeError, ValueError):
        return False


class ConflictDialog(QDialog):
    """Their values and mine, side by side, and the buttons that decide.

    ``theirs`` is the row as it is now (None: deleted), ``base`` the row as
    it was when this edit began, ``mine`` the edited values. ``allow_copy``
    False leaves "keep both" out (an undo or redo has no copy to keep).
    """

    def __init__(self, schema: TableSchema, theirs: dict[str, Any] | None, base: dict[str, Any] | None,
                 mine: dict[str, Any], parent: QWidget | None = None, *, lang: str = "zh",
                 allow_copy: bool = True, postpone: bool = False) -> None:
        super().__init__(parent)
        self.schema, self.lang = schema, lang
        self.theirs, self.base, self.mine = theirs, dict(base or {}), dict(mine)
        self.deleted = theirs is None
        self.choice: str | None = None
        # Closed without a choice: ``ask`` returns "" (decided later: a change queued offline stays queued).
        self.postpone = postpone
        self.setWindowTitle(self.tr("Edit conflict"))
        lay = QVBoxLayout(self)
        head = QLabel(self.tr("This record was deleted at another workstation") if self.deleted
                      else self.tr("This record was changed at another workstation"))
        font = QFont(head.font())
        font.setPointSizeF(font.pointSizeF() * 1.25)
        font.setBold(True)
        head.setFont(font)
        lay.addWidget(head)
        title = (theirs or self.base).get(schema.title_field) if schema.title_field else None
        what = f"{schema.label(lang)} {title or ''}".strip()
        self.explain = QLabel(
            (self.tr("%1 was deleted while you were editing it. Restore your version as a new record, or drop your edit?")
             if self.deleted else
             self.tr("%1 was changed while you were editing it. Nothing is saved until you choose.")).replace("%1", what))
        self.explain.setWordWrap(True)
        lay.addWidget(self.explain)
        self.table = QTableWidget(0, 3, self)
        self.table.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Theirs (now)"), self.tr("Mine")])
        self.table.verticalHeader().hide()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self._fill()
        lay.addWidget(self.table)
        row = QHBoxLayout()
        row.addStretch(1)
        self.buttons: dict[str, QPushButton] = {}
        if self.deleted:
            self._button(row, RESTORE, self.tr("Restore mine as a new record"),
                         self.tr("Add your version of the record again, as a new feature"))
            self._button(row, DROP, self.tr("Drop my edit"), self.tr("Leave it deleted; your edit is not saved"))
        else:
            self._button(row, THEIRS, self.tr("Keep theirs"), self.tr("Drop your edit and show their values"))
            self._button(row, OVERWRITE, self.tr("Overwrite"), self.tr("Save your values over theirs (the log keeps theirs)"))
            if allow_copy:
                self._button(row, BOTH, self.tr("Keep both"),
                             self.tr("Keep theirs and add your version as a new copy of the feature"))
        lay.addLayout(row)
        self.resize(640, 360)

    def _button(self, row: QHBoxLayout, choice: str, text: str, tip: str) -> None:
        b = QPushButton(text, self)
        b.setToolTip(tip)
        b.setAutoDefault(False)
        b.clicked.connect(lambda: self.choose(choice))
        row.addWidget(b)
        self.buttons[choice] = b

    def _text(self, name: str, value: Any) -> str:
        if _missing(value):
            return "—"
        if name == "geometry":
            return _shape_text(value)
        try:
            return str(self.schema.field(name).display(value, self.lang))
        except (KeyError, ValueError, TypeError):
            return str(value)

    def _label(self, name: str) -> str:
        if name == "geometry":
            return self.tr("Location / shape")
        try:
            return self.schema.field(name).label(self.lang)
        except KeyError:
            return name

    def _fill(self) -> None:
        """The fields either side changed, the edited ones first; differences marked."""
        theirs = self.theirs or {}
        names = list(self.mine)
        for f in [*self.schema.field_names, "geometry"]:
            if f not in names and f in theirs and not _same(theirs.get(f), self.base.get(f)):
                names.append(f)  # they changed it, I did not: shown so the choice is made knowing it
        for name in names:
            mine = self.mine.get(name, self.base.get(name))
            their = theirs.get(name) if not self.deleted else None
            r = self.table.rowCount()
            self.table.insertRow(r)
            self.table.setItem(r, 0, QTableWidgetItem(self._label(name)))
            a = QTableWidgetItem(self.tr("(deleted)") if self.deleted else self._text(name, their))
            b = QTableWidgetItem(self._text(name, mine))
            if not self.deleted and not _same(their, mine):
                for item in (a, b):
                    item.setBackground(QBrush(QColor("#fff3cd")))
                    f = item.font()
                    f.setBold(True)
                    item.setFont(f)
            self.table.setItem(r, 1, a)
            self.table.setItem(r, 2, b)

    def shown(self) -> list[tuple[str, str, str]]:
        """(field, theirs, mine) as shown, row by row (tests read what the officer reads)."""
        return [tuple(self.table.item(r, c).text() for c in range(3)) for r in range(self.table.rowCount())]  # type: ignore[misc]

    def choose(self, choice: str) -> None:
        """Decide (a button, or a test) and close."""
        self.choice = choice
        self.accept()

    def ask(self) -> str:
        """Show the dialog and wait; closing it without a choice keeps theirs (or drops a deleted row's edit)."""
        self.exec()
        if self.choice is None and self.postpone:
            return ""
        return self.choice or (DROP if self.deleted else THEIRS)

    def keyPressEvent(self, event: Any) -> None:  # noqa: N802
        if event.key() == Qt.Key.Key_Escape:
            self.reject()
            return
        super().keyPressEvent(event)


def _shape_text(g: Any) -> str:
    """A shape in a few words: a point's coordinates, else its kind and size."""
    try:
        if g.geom_type == "Point":
            return f"{g.x:.5f}°E, {g.y:.5f}°N"
        c = g.centroid
        return f"{g.geom_type} · {c.x:.5f}°E, {c.y:.5f}°N"
    except AttributeError:
        return str(g)
