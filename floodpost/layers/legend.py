"""Legend entries and their swatches, drawn by the same symbol code as the map."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QImage, QPainter, QPainterPath

from floodpost.data.schema import LAYERS
from floodpost.data.symbology import SWATCH_KIND, SYMBOLOGY, Symbol
from floodpost.layers.symbols import draw_marker, fill_brush_pen, line_pens


@dataclass(frozen=True)
class LegendEntry:
    """One row of a legend: the symbol, how to draw it, and its label."""

    key: str
    code: str | None
    symbol: Symbol
    kind: str
    label: str


def legend_entries(key: str, lang: str = "zh") -> list[LegendEntry]:
    """The classes of one layer, labelled from the schema's enum labels."""
    sym = SYMBOLOGY[key]
    schema = LAYERS[key]
    kind = SWATCH_KIND[key]
    if not sym.classes:
        return [LegendEntry(key, None, sym.default, kind, schema.label(lang))]
    field = schema.field(sym.field) if sym.field else None
    out = []
    for code, symbol in sym.classes.items():
        choice = field.choice(code) if field is not None else None
        label = (choice.zh if lang.startswith("zh") else choice.en) if choice else code
        out.append(LegendEntry(key, code, symbol, kind, label))
    return out


def paint_swatch(
    painter: QPainter, rect: QRectF, symbol: Symbol, kind: str, scale: float = 1.0
) -> None:
    """Draw one legend swatch into ``rect`` (device pixels)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    c = rect.center()
    if kind == "point":
        # Keep big markers inside the swatch box.
        fit = min(1.0, (min(rect.width(), rect.height()) - 2 * scale) / max(symbol.size * scale, 1))
        draw_marker(painter, symbol, c.x(), c.y(), scale * fit)
    elif kind == "line":
        path = QPainterPath(QPointF(rect.left() + 2 * scale, c.y() + rect.height() * 0.2))
        path.cubicTo(
            QPointF(c.x() - rect.width() * 0.15, c.y() - rect.height() * 0.45),
            QPointF(c.x() + rect.width() * 0.15, c.y() + rect.height() * 0.45),
            QPointF(rect.right() - 2 * scale, c.y() - rect.height() * 0.2),
        )
        casing, pen = line_pens(symbol, scale)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        if casing is not None:
            painter.setPen(casing)
            painter.drawPath(path)
        painter.setPen(pen)
        painter.drawPath(path)
    else:
        brush, pen = fill_brush_pen(symbol, scale)
        painter.setBrush(brush)
        painter.setPen(pen)
        m = 2 * scale
        painter.drawRect(rect.adjusted(m, m + rect.height() * 0.1, -m, -m - rect.height() * 0.1))
    painter.restore()


def swatch_image(symbol: Symbol, kind: str, width: int = 28, height: int = 20, scale: float = 1.0) -> QImage:
    """A swatch as a transparent image, for icons in the layer panel."""
    img = QImage(int(width * scale), int(height * scale), QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    paint_swatch(p, QRectF(0, 0, img.width(), img.height()), symbol, kind, scale)
    p.end()
    return img
