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
    QSortFilterProxyModel,
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

    def __init__(self, parent: Any = None, lang: str = "zh") -> None:
        super().__init__(parent)
        self.lang = lang
        self.key = ""
        self.schema: TableSchema | None = None
        self.fids: list[int] = []
        self.rows: list[dict[str, Any]] = []

    def load(self, ws: Any, key: str) -> None:
        self.beginResetModel()
        self.key = key
        self.schema = schema_for(key)
        frame = ws.read(key) if ws is not None and key in ws.keys() else None  # noqa: SIM118
        if frame is None:
            self.fids, self.rows = [], []
        else:
            cols = [f.name for f in self.schema.fields]
            self.fids = [int(f) for f in frame.index]
            records = frame[cols].astype(object).to_dict("records")
            self.rows = [{k: (None if _missing(v) else v) for k, v in r.items()} for r in records]
        self.endResetModel()

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self.rows)

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
        value = self.rows[index.row()].get(f.name)
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
        if self.key == "situation_log":
            return base  # the log is append-only
        return base | Qt.ItemFlag.ItemIsEditable

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.EditRole or self.schema is None:
            return False
        f = self.schema.fields[index.column()]
        old = self.rows[index.row()].get(f.name)
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
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(Qt.ItemDataRole.UserRole)
        self.view = QTableView()
        self.view.setModel(self.proxy)
        # sizing columns from every row of a 100,000-row layer would stall the window
        self.view.horizontalHeader().setResizeContentsPrecision(200)
        self._stale = False
        self.view.setSortingEnabled(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setItemDelegate(_Delegate(self.model, self.view))
        self.view.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        lay.addWidget(self.view)
        self.model.editRequested.connect(self.editRequested)
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
        self.count.setText(self.tr("%1 rows").replace("%1", str(self.model.rowCount())))
        read_only = self.key == "situation_log"
        for b in (self.add_btn, self.edit_btn, self.delete_btn):
            b.setEnabled(not read_only and self.ws is not None)
        self.zoom_btn.setEnabled(schema_for(self.key).is_spatial)
        self.view.resizeColumnsToContents()

    def selected_fids(self) -> list[int]:
        rows = {self.proxy.mapToSource(i).row() for i in self.view.selectionModel().selectedRows()}
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
