"""A table's rows worked out only when the view draws them.

The 叫应 list of a season's warning has 15,000 recipients and the alert list
hundreds of crossings, both redone at every slider step: an item per cell
for every row took seconds on the GUI thread. A :class:`RowsModel` holds a
row count and a function that makes one row; the view asks for the few
dozen rows it shows, and each is made once per moment.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, Qt
from PySide6.QtGui import QBrush, QFont, QIcon
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QLabel, QTableView, QWidget


@dataclass
class Row:
    """One row as shown: its texts, colour, bold columns, tooltips, right-aligned columns and icons."""

    texts: list[str]
    brush: QBrush | None = None
    bold: frozenset[int] = frozenset()
    tips: dict[int, str] = field(default_factory=dict)
    right: frozenset[int] = frozenset()
    icons: dict[int, QIcon] = field(default_factory=dict)


_R = Qt.ItemDataRole
_RIGHT = int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)


class RowsModel(QAbstractTableModel):
    """``heads`` as columns, ``make(i)`` as row ``i`` (asked only for rows in view, kept until :meth:`show`)."""

    def __init__(self, heads: list[str], make: Callable[[int], Row], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.heads = heads
        self.make = make
        self.count = 0
        self._rows: dict[int, Row] = {}
        self._bold: QFont | None = None

    def show(self, count: int) -> None:
        """``count`` rows, all made anew when next drawn.

        Told to the view as rows added or taken away and the rest changed, not as a reset: a reset made
        the view start over (6 ms a slider step, on the demo too) and lost its scroll position. The
        selection stays on its row number: the panel selects its row again, or clears it.
        """
        old = self.count
        self._rows = {}
        if count > old:
            self.beginInsertRows(QModelIndex(), old, count - 1)
            self.count = count
            self.endInsertRows()
        elif count < old:
            self.beginRemoveRows(QModelIndex(), count, old - 1)
            self.count = count
            self.endRemoveRows()
        if min(old, count) and self.heads:
            self.dataChanged.emit(self.index(0, 0), self.index(min(old, count) - 1, len(self.heads) - 1))

    def row(self, i: int) -> Row:
        got = self._rows.get(i)
        if got is None:
            got = self._rows[i] = self.make(i)
        return got

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else self.count

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self.heads)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _R.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == _R.DisplayRole and 0 <= section < len(self.heads):
            return self.heads[section]
        return None

    def data(self, index: QModelIndex, role: int = _R.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.count:
            return None
        if role not in (_R.DisplayRole, _R.ForegroundRole, _R.FontRole, _R.DecorationRole, _R.ToolTipRole,
                        _R.TextAlignmentRole):
            return None
        r, c = self.row(index.row()), index.column()
        if role == _R.DisplayRole:
            return r.texts[c]
        if role == _R.ForegroundRole:
            return r.brush
        if role == _R.FontRole:
            if c not in r.bold:
                return None
            if self._bold is None:
                self._bold = QFont()
                self._bold.setBold(True)
            return self._bold
        if role == _R.DecorationRole:
            return r.icons.get(c)
        if role == _R.TextAlignmentRole:
            return _RIGHT if c in r.right else None
        return r.tips.get(c)


def fit_columns(view: Any, model: RowsModel, keep: tuple[int, ...] = ()) -> None:
    """Columns sized to their contents when rows first come (and when the view had none), not at every
    moment: sizing to contents asks every shown cell of every column again on each reset."""
    if model.count and not getattr(view, "_fitted", False):
        widths = {c: view.columnWidth(c) for c in keep}
        view.resizeColumnsToContents()
        for c, w in widths.items():
            view.setColumnWidth(c, w)
        view._fitted = True
    elif not model.count:
        view._fitted = False


def rows_view(parent: QWidget, model: RowsModel, activated: Callable[[int], Any],
              selected: Callable[..., Any]) -> QTableView:
    """A read-only list of ``model``'s rows, one selected at a time: ``activated(row)`` on a double-click,
    ``selected()`` when the selection changes. Columns are sized by :func:`fit_columns`."""
    view = QTableView(parent)
    view.setModel(model)
    view.verticalHeader().hide()
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setWordWrap(False)
    head = view.horizontalHeader()
    head.setResizeContentsPrecision(40)  # a season's 15,000 recipients: widths from the first rows
    head.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
    head.setStretchLastSection(True)
    view.doubleClicked.connect(lambda index: activated(index.row()))
    view.selectionModel().selectionChanged.connect(selected)
    return view


class ShownLater:
    """A panel that leaves its rows for when it is shown: behind another tab it does no work at a
    slider step. Sets ``_stale`` instead of rendering; ``render`` clears it.

    A dock behind another tab keeps its widget "visible" to Qt; the window tells the panel through
    :meth:`set_in_front` (its dock's ``visibilityChanged``) when its tab is chosen or left.
    """

    _stale = False
    _in_front = True

    def in_view(self) -> bool:
        """Shown, and its dock's tab (if tabbed) the one in front."""
        return self.isVisible() and self._in_front  # type: ignore[attr-defined]

    def set_in_front(self, shown: bool) -> None:
        self._in_front = bool(shown)
        if self._stale and self.in_view():
            self.render()  # type: ignore[attr-defined]

    def render_when_shown(self) -> None:
        if self.in_view():
            self.render()  # type: ignore[attr-defined]
        else:
            self._stale = True

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)  # type: ignore[misc]
        if self._stale and self._in_front:
            self.render()  # type: ignore[attr-defined]


def heading(parent: QWidget) -> QLabel:
    """A panel's one-line summary above its list or chart: bold, a little larger, wrapped."""
    label = QLabel(parent)
    font = QFont(label.font())
    font.setBold(True)
    font.setPointSizeF(font.pointSizeF() * 1.15)
    label.setFont(font)
    label.setWordWrap(True)
    return label
