"""The layer panel: a Qt view over the one LayerList, plus the legend.

The list model is an adapter (napari style): it reads and writes the
Layer objects directly and follows their events; it never keeps a copy.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QEvent,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QFontMetrics, QIcon, QPainter, QPaintEvent, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QScrollArea,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from floodpost.data.schema import LAYERS
from floodpost.i18n import lang_short
from floodpost.layers.model import Layer, LayerList
from floodpost.layers.output.legend import (
    OPERATION_KINDS,
    WATER_KINDS,
    LegendEntry,
    layer_classes,
    legend_entries,
    paint_swatch,
    swatch_image,
)

Index = QModelIndex | QPersistentModelIndex


class LayerListModel(QAbstractListModel):
    """Rows top to bottom (row 0 is the layer drawn last)."""

    def __init__(self, layers: LayerList, parent: Any = None) -> None:
        super().__init__(parent)
        self._layers = layers
        self._icons: dict[str, QIcon] = {}
        layers.events.inserted.connect(self._reset)
        layers.events.removed.connect(self._reset)
        layers.events.moved.connect(self._reset)
        layers.events.child_event.connect(self._on_child_event)

    def detach(self) -> None:
        self._layers.events.inserted.disconnect(self._reset)
        self._layers.events.removed.disconnect(self._reset)
        self._layers.events.moved.disconnect(self._reset)
        self._layers.events.child_event.disconnect(self._on_child_event)

    def _reset(self, *args: Any) -> None:
        self.beginResetModel()
        self.endResetModel()

    def _on_child_event(self, *args: Any) -> None:
        n = self.rowCount()
        if not n:
            return
        # the layer that changed, when the event says (a slider step changes the forces' count only)
        path = getattr(args[0], "path", None) if args else None
        index = getattr(path[0], "index", None) if path else None
        if index is not None and 0 <= index < n:
            row = self.index(n - 1 - index)
            self.dataChanged.emit(row, row)
        else:
            self.dataChanged.emit(self.index(0), self.index(n - 1))

    def layer(self, row: int) -> Layer:
        return self._layers[len(self._layers) - 1 - row]

    def row_of(self, key: str) -> int:
        for row in range(self.rowCount()):
            if self.layer(row).key == key:
                return row
        return -1

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._layers)

    def flags(self, index: Index) -> Qt.ItemFlag:
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemIsUserCheckable
        )

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        layer = self.layer(index.row())
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{layer.title(lang_short())}  ({layer.count})"
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if layer.visible else Qt.CheckState.Unchecked
        if role == Qt.ItemDataRole.DecorationRole:
            icon = self._icons.get(layer.key)
            if icon is None:
                entry = legend_entries(layer.key, lang_short())[0]
                icon = QIcon(QPixmap.fromImage(swatch_image(entry.symbol, entry.kind)))
                self._icons[layer.key] = icon
            return icon
        if role == Qt.ItemDataRole.ToolTipRole:
            return layer.key
        return None

    def setData(self, index: Index, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if index.isValid() and role == Qt.ItemDataRole.CheckStateRole:
            checked = value in (Qt.CheckState.Checked, Qt.CheckState.Checked.value, 2, True)
            self.layer(index.row()).visible = bool(checked)
            return True
        return False

    def move(self, row: int, delta: int) -> int:
        """Move the layer at ``row`` up (delta -1) or down (+1); return its new row."""
        new = row + delta
        if not (0 <= row < self.rowCount() and 0 <= new < self.rowCount()):
            return row
        n = len(self._layers)
        src = n - 1 - row
        dst = n - 1 - new
        # EventedList.move(src, dest) inserts before dest; moving up means a later slot.
        self._layers.move(src, dst + 1 if dst > src else dst)
        return new


class LegendView(QWidget):
    """Swatches and class labels of the visible layers, top layer first.

    In the layer panel it is one column in a scroll area. With ``flow`` (the
    meeting view's legend, which may not scroll) the rows fill as many columns
    as its height needs, and it asks for the width they take.
    """

    ROW = 22
    SWATCH = QSize(30, 18)
    # Flowed: the width the columns need at the height given (the dock sizes itself to it).
    widthWanted = Signal(int)

    def __init__(self, layers: LayerList, parent: QWidget | None = None, flow: bool = False) -> None:
        super().__init__(parent)
        self._layers = layers
        self.flow = flow
        #: the gauges' legend rows the moment uses (``state:…``, ``rain:…``, ``rising``); None: all of them
        self.water_codes: set[str] | None = None
        self._stale = False
        layers.events.connect(self._changed)
        self._changed()

    def detach(self) -> None:
        self._layers.events.disconnect(self._changed)

    def set_water_codes(self, codes: set[str] | None) -> None:
        """The moment changed: only the gauges' looks it uses (the meeting view's legend may not scroll)."""
        if codes != self.water_codes:
            self.water_codes = codes
            if self.isVisible():
                self._changed()
            else:  # the meeting view is closed: laid out when it opens, not at every slider step
                self._stale = True

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._stale:
            self._stale = False
            self._changed()

    def set_layers(self, layers: LayerList) -> None:
        """Follow another workspace's layers."""
        self.detach()
        self._layers = layers
        layers.events.connect(self._changed)
        self._changed()

    def _rows(self) -> list[tuple[str, Any]]:
        """Title and entries of each visible layer. Flowed (the meeting view, which may not scroll),
        only the classes the data holds, and an outline layer's row in its owner's group."""
        rows: list[tuple[str, Any]] = []
        layers = [layer for layer in reversed(list(self._layers)) if layer.visible]
        owners = {LAYERS[la.key].outline_layer for la in layers if la.key in LAYERS} if self.flow else set()
        companions: dict[str, list[tuple[str, Any]]] = {}
        for layer in layers:
            entries = legend_entries(layer.key, lang_short())
            if self.flow:
                present = layer_classes(layer)
                entries = [e for e in entries if present is None or e.code is None or e.code in present
                           or e.kind.startswith(OPERATION_KINDS + WATER_KINDS)]
                if self.water_codes is not None:  # the gauges' looks the moment uses, as on the printed page
                    entries = [e for e in entries if not e.kind.startswith(WATER_KINDS)
                               or ("rising" if e.kind.startswith("rising") else
                                   f"{'state' if e.kind.startswith('station_state') else 'rain'}:{e.code}")
                               in self.water_codes]
                rain = [e for e in entries if e.kind.startswith("rain:")]
                if len(rain) > 1:  # the 24 h classes as one row: the meeting view's legend may not scroll
                    at = entries.index(rain[0])
                    entries = [e for e in entries if not e.kind.startswith("rain:")]
                    entries.insert(at, LegendEntry(layer.key, "50", rain[0].symbol, "rain:50", QCoreApplication.translate(
                        "LegendView", "Rain 24 h (darker: more)")))
            if layer.key in owners and layer.key != "reservoir_areas":
                owner = next(la.key for la in layers if la.key in LAYERS and LAYERS[la.key].outline_layer == layer.key)
                companions[owner] = [("entry", e) for e in entries]
                continue
            rows.append(("title", layer.title(lang_short())))
            rows.extend(("entry", e) for e in entries)
        if companions:  # outlines are drawn under their owners, so met after them: each row joins its owner's group
            out: list[tuple[str, Any]] = []
            titles = {la.title(lang_short()): la.key for la in layers}
            current = None
            for kind, item in rows:
                if kind == "title":
                    if current in companions:
                        out.extend(companions.pop(current))
                    current = titles.get(item)
                out.append((kind, item))
            if current in companions:
                out.extend(companions.pop(current))
            rows = out
        return rows

    def row_height(self) -> int:
        return max(self.ROW, self.fontMetrics().height() + 6)

    def _swatch(self) -> QSize:
        k = self.row_height() / self.ROW
        return QSize(round(self.SWATCH.width() * k), round(self.SWATCH.height() * k))

    def column_width(self) -> int:
        """Width of one column: the longest label beside its swatch."""
        bold = QFont(self.font())
        bold.setBold(True)
        wide = QFontMetrics(bold)
        widths = [wide.horizontalAdvance(item) + 12 if kind == "title"
                  else 16 + self._swatch().width() + 8 + self.fontMetrics().horizontalAdvance(item.label) + 8
                  for kind, item in self._rows()]
        return max(widths, default=120)

    def _columns(self, rows: list[tuple[str, Any]], height: int) -> list[list[tuple[str, Any]]]:
        """Rows split into columns of the given height; a layer title never ends a column."""
        per = max(2, (height - 8) // self.row_height())
        cols: list[list[tuple[str, Any]]] = [[]]
        for row in rows:
            if len(cols[-1]) >= per or (row[0] == "title" and len(cols[-1]) >= per - 1 and cols[-1]):
                cols.append([])
            cols[-1].append(row)
        return cols

    def needed_width(self, height: int) -> int:
        """Width the flowed legend takes at ``height``."""
        return len(self._columns(self._rows(), height)) * self.column_width() + 4

    def _changed(self, *args: Any) -> None:
        signal = getattr(args[0], "signal", None) if args else None
        if getattr(signal, "name", None) == "version":
            return  # new data, same classes (a slider step refilters the forces): nothing to redraw here
        if self.flow:
            self.setMinimumHeight(self.row_height() * 4)
            self.setMinimumWidth(self.column_width())
            self.widthWanted.emit(self.needed_width(self.height()))
        else:
            self.setMinimumHeight(len(self._rows()) * self.row_height() + 8)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(220, len(self._rows()) * self.row_height() + 8)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.FontChange:
            self._changed()
        super().changeEvent(event)

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        if self.flow and event.size().height() != event.oldSize().height():
            # Columns follow the height; the width they need follows the columns, never the reverse.
            self.widthWanted.emit(self.needed_width(self.height()))

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), self.palette().base())
        bold = QFont(self.font())
        bold.setBold(True)
        rows = self._rows()
        row_h = self.row_height()
        sw = self._swatch()
        cols = self._columns(rows, self.height()) if self.flow else [rows]
        col_w = self.column_width() if self.flow else self.width()
        for c, col in enumerate(cols):
            x0 = c * col_w
            y = 4
            for kind, item in col:
                if kind == "title":
                    p.setFont(bold)
                    p.setPen(self.palette().text().color())
                    p.drawText(QRectF(x0 + 6, y, col_w - 12, row_h), Qt.AlignmentFlag.AlignVCenter, item)
                else:
                    r = QRectF(x0 + 16, y + (row_h - sw.height()) / 2, sw.width(), sw.height())
                    paint_swatch(p, r, item.symbol, item.kind, sw.height() / self.SWATCH.height())
                    p.setFont(self.font())
                    p.setPen(QColor(self.palette().text().color()))
                    p.drawText(
                        QRectF(r.right() + 8, y, x0 + col_w - r.right() - 12, row_h),
                        Qt.AlignmentFlag.AlignVCenter,
                        item.label,
                    )
                y += row_h
        p.end()


class LayerPanel(QWidget):
    """Visibility, order, opacity and labels of the layers, with the legend below."""

    zoomToLayer = Signal(str)

    def __init__(self, layers: LayerList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layers = layers
        self.model = LayerListModel(layers, self)
        self.view = QListView(self)
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setIconSize(QSize(28, 20))
        # every row is one line with its swatch: a count changed at a slider step does not make the
        # view ask every row's size again (270 calls into the model a step)
        self.view.setUniformItemSizes(True)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.view.customContextMenuRequested.connect(self._menu)
        self.view.doubleClicked.connect(lambda i: self.zoomToLayer.emit(self.model.layer(i.row()).key))
        self.view.selectionModel().currentChanged.connect(self._on_current_change)

        self.up = self._button("▲", self.tr("Move the layer up (drawn later)"), lambda: self._move(-1))
        self.down = self._button("▼", self.tr("Move the layer down"), lambda: self._move(1))
        self.zoom = self._button("⌖", self.tr("Zoom to the layer"), self._zoom)
        self.labels = QCheckBox(self.tr("Labels"), self)
        self.labels.toggled.connect(self._on_labels_toggled)
        buttons = QHBoxLayout()
        for w in (self.up, self.down, self.zoom):
            buttons.addWidget(w)
        buttons.addStretch(1)
        buttons.addWidget(self.labels)

        self.opacity = QSlider(Qt.Orientation.Horizontal, self)
        self.opacity.setRange(0, 100)
        self.opacity.setToolTip(self.tr("Opacity of the selected layer"))
        self.opacity.valueChanged.connect(self._on_opacity_slider)
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Opacity"), self))
        row.addWidget(self.opacity, 1)

        self.legend = LegendView(layers, self)
        scroll = QScrollArea(self)
        scroll.setWidget(self.legend)
        scroll.setWidgetResizable(True)
        legend_title = QLabel(self.tr("Legend"), self)
        f = legend_title.font()
        f.setBold(True)
        legend_title.setFont(f)

        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.view, 2)
        lay.addLayout(buttons)
        lay.addLayout(row)
        lay.addWidget(legend_title)
        lay.addWidget(scroll, 3)
        layers.events.child_event.connect(self._on_layer_event)
        if self.model.rowCount():
            self.view.setCurrentIndex(self.model.index(0))

    def detach(self) -> None:
        """Stop following the layer list (before it is replaced)."""
        self.layers.events.child_event.disconnect(self._on_layer_event)
        self.model.detach()
        self.legend.detach()

    def _button(self, text: str, tip: str, slot: Any) -> QToolButton:
        b = QToolButton(self)
        b.setText(text)
        b.setToolTip(tip)
        b.clicked.connect(slot)
        return b

    def current_layer(self) -> Layer | None:
        i = self.view.currentIndex()
        return self.model.layer(i.row()) if i.isValid() else None

    def select(self, key: str) -> None:
        row = self.model.row_of(key)
        if row >= 0:
            self.view.setCurrentIndex(self.model.index(row))

    def _move(self, delta: int) -> None:
        layer = self.current_layer()
        if layer is None:
            return
        self.model.move(self.view.currentIndex().row(), delta)
        self.select(layer.key)

    def _zoom(self) -> None:
        layer = self.current_layer()
        if layer is not None:
            self.zoomToLayer.emit(layer.key)

    def _push(self, layer: Layer | None) -> None:
        """Show the layer's values in the controls without writing them back."""
        for w in (self.opacity, self.labels):
            w.blockSignals(True)
        self.opacity.setEnabled(layer is not None)
        self.labels.setEnabled(layer is not None)
        if layer is not None:
            self.opacity.setValue(round(layer.opacity * 100))
            self.labels.setChecked(layer.labels)
        for w in (self.opacity, self.labels):
            w.blockSignals(False)

    def _on_current_change(self, current: QModelIndex, previous: QModelIndex) -> None:
        self._push(self.current_layer())

    def _on_layer_event(self, *args: Any) -> None:
        self._push(self.current_layer())

    def _on_opacity_slider(self, value: int) -> None:
        layer = self.current_layer()
        if layer is not None:
            layer.set_opacity(value / 100)

    def _on_labels_toggled(self, on: bool) -> None:
        layer = self.current_layer()
        if layer is not None:
            layer.labels = on

    def _menu(self, pos: Any) -> None:
        i = self.view.indexAt(pos)
        if not i.isValid():
            return
        layer = self.model.layer(i.row())
        menu = QMenu(self)
        menu.addAction(self.tr("Zoom to layer"), lambda: self.zoomToLayer.emit(layer.key))
        act = menu.addAction(self.tr("Show labels"))
        act.setCheckable(True)
        act.setChecked(layer.labels)
        act.toggled.connect(lambda on: setattr(layer, "labels", on))
        menu.exec(self.view.viewport().mapToGlobal(pos))
