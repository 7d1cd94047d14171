"""The layer panel: a Qt view over the one LayerList, plus the legend.

The list model is an adapter (napari style): it reads and writes the
Layer objects directly and follows their events; it never keeps a copy.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import (
    QAbstractListModel,
    QModelIndex,
    QPersistentModelIndex,
    QRectF,
    QSize,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QIcon, QPainter, QPaintEvent, QPixmap
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

from floodpost.i18n import lang_short
from floodpost.layers.legend import legend_entries, paint_swatch, swatch_image
from floodpost.layers.model import Layer, LayerList

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
        if self.rowCount():
            self.dataChanged.emit(self.index(0), self.index(self.rowCount() - 1))

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
    """Swatches and class labels of the visible layers, top layer first."""

    ROW = 22
    SWATCH = QSize(30, 18)

    def __init__(self, layers: LayerList, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layers = layers
        layers.events.connect(self._changed)
        self._changed()

    def detach(self) -> None:
        self._layers.events.disconnect(self._changed)

    def _rows(self) -> list[tuple[str, Any]]:
        rows: list[tuple[str, Any]] = []
        for layer in reversed(list(self._layers)):
            if not layer.visible:
                continue
            rows.append(("title", layer.title(lang_short())))
            rows.extend(("entry", e) for e in legend_entries(layer.key, lang_short()))
        return rows

    def _changed(self, *args: Any) -> None:
        self.setMinimumHeight(len(self._rows()) * self.ROW + 8)
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(220, len(self._rows()) * self.ROW + 8)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.fillRect(self.rect(), self.palette().base())
        y = 4
        bold = QFont(self.font())
        bold.setBold(True)
        for kind, item in self._rows():
            if kind == "title":
                p.setFont(bold)
                p.setPen(self.palette().text().color())
                p.drawText(QRectF(6, y, self.width() - 12, self.ROW), Qt.AlignmentFlag.AlignVCenter, item)
            else:
                r = QRectF(16, y + (self.ROW - self.SWATCH.height()) / 2, self.SWATCH.width(), self.SWATCH.height())
                paint_swatch(p, r, item.symbol, item.kind)
                p.setFont(self.font())
                p.setPen(QColor(self.palette().text().color()))
                p.drawText(
                    QRectF(r.right() + 8, y, self.width() - r.right() - 12, self.ROW),
                    Qt.AlignmentFlag.AlignVCenter,
                    item.label,
                )
            y += self.ROW
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
