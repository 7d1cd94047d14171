"""Attribute tables: every layer and record table as an editable Qt model/view table.

Edits are not written here: the table asks (``editRequested``), the main
window checks and turns the request into an undoable command, and the
table is refreshed from the workspace after it is written.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStyledItemDelegate,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from floodpost.data.schema import ALL, TableSchema, schema_for

Index = QModelIndex | QPersistentModelIndex


class FeatureTableModel(QAbstractTableModel):
    """One layer or table of the workspace; rows by fid, columns by schema field."""

    editRequested = Signal(str, int, str, object)
    #: a cell editor opened on (key, fid): the window notes the row's version the edit starts from
    editStarted = Signal(str, int)

    def __init__(self, parent: Any = None, lang: str = "zh") -> None:
        super().__init__(parent)
        self.lang = lang
        self.key = ""
        #: a read-only workspace (a viewer's role): no cell is editable
        self.read_only = False
        self.schema: TableSchema | None = None
        self.fids: list[int] = []
        #: stored values by field, one list per column (None for missing)
        self.columns: dict[str, list[Any]] = {}

    def load(self, ws: Any, key: str) -> None:
        self.beginResetModel()
        self.key = key
        self.schema = schema_for(key)
        # attributes only: the table never shows the shapes
        frame = ws.read(key, geometry=False) if ws is not None and key in ws.keys() else None  # noqa: SIM118
        if frame is None:
            self.fids, self.columns = [], {}
        else:
            self.fids = frame.index.tolist()
            self.columns = {
                f.name: [None if _missing(v) else v for v in frame[f.name].astype(object).tolist()]
                for f in self.schema.fields
            }
        self.endResetModel()

    def update_rows(self, key: str, rows: Any, gone: Any = ()) -> bool:
        """Show rows another workstation changed (read by fid), add new ones, drop ``gone``; no full read.

        A pushed change touches a few rows; reading the whole layer again
        for each would stall the window on a county's 100,000 rows. New rows
        go to the end (the officer's sort order is kept for the rest).
        Returns False when this model shows another key.
        """
        if key != self.key or self.schema is None:
            return False
        gone = {int(f) for f in gone}
        if rows is not None:
            gone -= {int(f) for f in rows.index}
        row_of = {f: i for i, f in enumerate(self.fids)}
        for fid in sorted((row_of[f] for f in gone if f in row_of), reverse=True):
            self.beginRemoveRows(QModelIndex(), fid, fid)
            del self.fids[fid]
            for col in self.columns.values():
                del col[fid]
            self.endRemoveRows()
        if rows is None or not len(rows):
            return True
        row_of = {f: i for i, f in enumerate(self.fids)}
        names = [f.name for f in self.schema.fields]
        last = len(names) - 1
        for fid, rec in zip(rows.index.tolist(), rows[names].astype(object).itertuples(index=False), strict=True):
            values = [None if _missing(v) else v for v in rec]
            i = row_of.get(int(fid))
            if i is None:
                n = len(self.fids)
                self.beginInsertRows(QModelIndex(), n, n)
                self.fids.append(int(fid))
                for name, v in zip(names, values, strict=True):
                    self.columns.setdefault(name, []).append(v)
                self.endInsertRows()
            else:
                for name, v in zip(names, values, strict=True):
                    self.columns[name][i] = v
                self.dataChanged.emit(self.index(i, 0), self.index(i, last))
        return True

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Order the rows by one field's stored values, empty cells last either way.

        Done here in one Python sort: a sorting proxy over a county's
        100,000 rows asks ``data`` a million times and took 20 seconds.
        """
        if self.schema is None or not self.fids or not 0 <= column < len(self.schema.fields):
            return
        values = self.columns[self.schema.fields[column].name]
        present = [i for i, v in enumerate(values) if v is not None]
        missing = [i for i, v in enumerate(values) if v is None]
        numeric = all(isinstance(values[i], (int, float)) for i in present)
        key = (lambda i: values[i]) if numeric else (lambda i: str(values[i]))
        present.sort(key=key, reverse=order == Qt.SortOrder.DescendingOrder)
        new_order = present + missing
        self.layoutAboutToBeChanged.emit()
        row_of = {old: new for new, old in enumerate(new_order)}
        persistent = self.persistentIndexList()
        self.fids = [self.fids[i] for i in new_order]
        self.columns = {name: [col[i] for i in new_order] for name, col in self.columns.items()}
        self.changePersistentIndexList(
            persistent, [self.index(row_of[i.row()], i.column()) for i in persistent]
        )
        self.layoutChanged.emit()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.fids)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() or self.schema is None else len(self.schema.fields)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if role != Qt.ItemDataRole.DisplayRole or self.schema is None:
            return None
        if orientation == Qt.Orientation.Horizontal:
            return self.schema.fields[section].label(self.lang)
        return str(self.fids[section])

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or self.schema is None:
            return None
        f = self.schema.fields[index.column()]
        value = self.columns[f.name][index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f.display(value, self.lang)
        if role == Qt.ItemDataRole.EditRole:
            return value
        if role == Qt.ItemDataRole.UserRole:  # sorting by the stored value
            return value if value is not None else ""
        if role == Qt.ItemDataRole.TextAlignmentRole and f.type in ("int", "real"):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def flags(self, index: Index) -> Qt.ItemFlag:
        base = super().flags(index)
        if self.key == "situation_log" or self.read_only:
            return base  # the log is append-only; a viewer writes nothing
        return base | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or self.schema is None:
            return False
        f = self.schema.fields[index.column()]
        old = self.columns[f.name][index.row()]
        if (value in ("", None) and old is None) or value == old:
            return False
        self.editRequested.emit(self.key, self.fids[index.row()], f.name, None if value == "" else value)
        return False  # shown after the workspace has it


def _missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        return bool(v != v)
    except (TypeError, ValueError):
        return True


class _Delegate(QStyledItemDelegate):
    """Enumerations are edited from their list, everything else as text."""

    def __init__(self, model: FeatureTableModel, parent: Any = None) -> None:
        super().__init__(parent)
        self.model = model

    def _field(self, index: Index) -> Any:
        src = index.model().mapToSource(index) if hasattr(index.model(), "mapToSource") else index
        return self.model.schema.fields[src.column()] if self.model.schema else None

    def createEditor(self, parent: QWidget, option: Any, index: Index) -> QWidget:  # noqa: N802
        f = self._field(index)
        src = index.model().mapToSource(index) if hasattr(index.model(), "mapToSource") else index
        if 0 <= src.row() < len(self.model.fids):  # the edit starts now: the window notes the row's version
            self.model.editStarted.emit(self.model.key, int(self.model.fids[src.row()]))
        if f is not None and f.type == "enum":
            combo = QComboBox(parent)
            if not f.required:
                combo.addItem("", None)
            for c in f.choices:
                combo.addItem(c.zh if self.model.lang == "zh" else c.en, c.code)
            return combo
        return super().createEditor(parent, option, index)

    def setEditorData(self, editor: QWidget, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            editor.setCurrentIndex(max(0, editor.findData(index.data(Qt.ItemDataRole.EditRole))))
            return
        value = index.data(Qt.ItemDataRole.EditRole)
        editor.setProperty("text", "" if value is None else str(value))

    def setModelData(self, editor: QWidget, model: Any, index: Index) -> None:  # noqa: N802
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentData(), Qt.ItemDataRole.EditRole)
        else:
            model.setData(index, editor.property("text"), Qt.ItemDataRole.EditRole)


class AttributeTable(QWidget):
    """Choose a layer or table, read and edit its rows; asks the window for every write."""

    editRequested = Signal(str, int, str, object)
    editStarted = Signal(str, int)
    deleteRequested = Signal(str, list)
    formRequested = Signal(str, int)  # fid -1: a new record
    zoomRequested = Signal(str, int)

    def __init__(self, parent: QWidget | None = None, lang: str = "zh") -> None:
        super().__init__(parent)
        self.ws: Any = None
        lay = QVBoxLayout(self)
        top = QHBoxLayout()
        self.layer = QComboBox()
        for key, schema in ALL.items():
            self.layer.addItem(schema.label(lang), key)
        top.addWidget(QLabel(self.tr("Layer or table:")))
        top.addWidget(self.layer)
        self.count = QLabel("")
        top.addWidget(self.count, 1)
        self.add_btn = QPushButton(self.tr("&New…"))
        self.edit_btn = QPushButton(self.tr("&Edit…"))
        self.delete_btn = QPushButton(self.tr("&Delete"))
        self.zoom_btn = QPushButton(self.tr("&Show on map"))
        for b in (self.add_btn, self.edit_btn, self.delete_btn, self.zoom_btn):
            top.addWidget(b)
        lay.addLayout(top)
        self.model = FeatureTableModel(self, lang)
        self.view = QTableView()
        self.view.setModel(self.model)
        # sizing columns from every row of a 100,000-row layer would stall the window
        self.view.horizontalHeader().setResizeContentsPrecision(200)
        self._stale = False
        self.view.setSortingEnabled(True)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # fid order
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setItemDelegate(_Delegate(self.model, self.view))
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        lay.addWidget(self.view)
        self.model.editRequested.connect(self.editRequested)
        self.model.editStarted.connect(self.editStarted)
        self._read_only_reason = ""
        self.layer.currentIndexChanged.connect(lambda _i: self.reload())
        self.add_btn.clicked.connect(lambda: self.formRequested.emit(self.key, -1))
        self.edit_btn.clicked.connect(self._edit)
        self.delete_btn.clicked.connect(self._delete)
        self.zoom_btn.clicked.connect(self._zoom)
        self.view.doubleClicked.connect(lambda _i: None)

    @property
    def key(self) -> str:
        return str(self.layer.currentData())

    def set_workspace(self, ws: Any) -> None:
        """Show ``ws``; a hidden table reads it only when it is first shown."""
        self.ws = ws
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event: Any) -> None:  # noqa: N802
        if self._stale:
            self._stale = False
            self.reload()
        super().showEvent(event)

    def show_key(self, key: str) -> None:
        i = self.layer.findData(key)
        if i >= 0:
            self.layer.setCurrentIndex(i)

    def reload(self, key: str | None = None) -> None:
        """Re-read the shown layer (all of it, or only when ``key`` is the one shown)."""
        if key is not None and key != self.key:
            return
        self.model.load(self.ws, self.key)
        header = self.view.horizontalHeader()
        if header.sortIndicatorSection() >= 0:  # keep the order the officer chose
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        self.count.setText(self.tr("%1 rows").replace("%1", str(self.model.rowCount())))
        read_only = self.key == "situation_log" or self.model.read_only
        for b in (self.add_btn, self.edit_btn, self.delete_btn):
            b.setEnabled(not read_only and self.ws is not None)
            b.setToolTip(self._read_only_reason if self.model.read_only else "")
        self.zoom_btn.setEnabled(schema_for(self.key).is_spatial)
        self.view.resizeColumnsToContents()

    def set_read_only(self, read_only: bool, reason: str = "") -> None:
        """A workspace this account may not write: no cell editor, no New/Edit/Delete (``reason`` as their tip)."""
        self.model.read_only = read_only
        self._read_only_reason = reason
        for b in (self.add_btn, self.edit_btn, self.delete_btn):
            b.setEnabled(not read_only and self.key != "situation_log")
            b.setToolTip(reason if read_only else "")

    def update_rows(self, key: str, rows: Any, gone: Any = ()) -> None:
        """Rows another workstation changed (see :meth:`FeatureTableModel.update_rows`); the count follows."""
        if self.model.update_rows(key, rows, gone):
            self.count.setText(self.tr("%1 rows").replace("%1", str(self.model.rowCount())))

    def selected_fids(self) -> list[int]:
        rows = {i.row() for i in self.view.selectionModel().selectedRows()}
        return [self.model.fids[r] for r in sorted(rows)]

    def _edit(self) -> None:
        fids = self.selected_fids()
        if fids:
            self.formRequested.emit(self.key, fids[0])

    def _delete(self) -> None:
        fids = self.selected_fids()
        if fids:
            self.deleteRequested.emit(self.key, fids)

    def _zoom(self) -> None:
        fids = self.selected_fids()
        if fids:
            self.zoomRequested.emit(self.key, fids[0])
