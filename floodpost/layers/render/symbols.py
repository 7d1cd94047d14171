"""Marker shapes, pens and brushes from the plain-data symbology (QtGui only).

The map, the legend swatches and the composer all call these, so a symbol
looks the same wherever it appears.
"""

from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import shiboken6
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPainterPath, QPen, QPolygonF

from floodpost.data.schema.symbology import Symbol, parse_color, shape_rings


def qcolor(text: str | None, opacity: float = 1.0) -> QColor:
    if text is None:
        return QColor(0, 0, 0, 0)
    r, g, b, a = parse_color(text)
    return QColor(r, g, b, int(round(a * opacity)))


def qpolygonf(xy: np.ndarray) -> QPolygonF:
    """A QPolygonF filled from an (n, 2) float64 array without a Python loop."""
    n = len(xy)
    poly = QPolygonF()
    if n == 0:
        return poly
    poly.resize(n)
    buf = shiboken6.VoidPtr(poly.data(), n * 16, True)
    np.frombuffer(buf, dtype=np.float64).reshape(n, 2)[:] = xy
    return poly


@lru_cache(maxsize=256)
def marker_path(shape: str, size: float) -> QPainterPath:
    """The outline of a marker of ``size`` pixels, centred on the origin (the shapes of the symbology)."""
    r = size / 2.0
    path = QPainterPath()
    if shape == "circle":
        path.addEllipse(QPointF(0, 0), r, r)
        return path
    for ring in shape_rings(shape, r):
        path.addPolygon(QPolygonF([QPointF(x, y) for x, y in ring]))
        path.closeSubpath()
    return path


def marker_pen(symbol: Symbol, scale: float = 1.0, opacity: float = 1.0) -> QPen:
    if symbol.stroke is None or symbol.stroke_width <= 0:
        return QPen(Qt.PenStyle.NoPen)
    pen = QPen(qcolor(symbol.stroke, opacity), symbol.stroke_width * scale)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return pen


def draw_marker(painter: QPainter, symbol: Symbol, x: float, y: float, scale: float = 1.0, opacity: float = 1.0) -> None:
    """Draw one marker; used for legends and single symbols, not for bulk points."""
    painter.save()
    painter.translate(x, y)
    painter.setPen(marker_pen(symbol, scale, opacity))
    painter.setBrush(QBrush(qcolor(symbol.fill or "#808080", opacity)))
    painter.drawPath(marker_path(symbol.shape, symbol.size * scale))
    painter.restore()


def marker_image(symbol: Symbol, scale: float = 1.0) -> QImage:
    """The marker rendered once, for stamping many points in one call."""
    size = symbol.size * scale
    pad = symbol.stroke_width * scale + 2
    side = int(math.ceil(size + 2 * pad))
    img = QImage(side, side, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    draw_marker(p, symbol, side / 2, side / 2, scale)
    p.end()
    return img


def line_pens(symbol: Symbol, scale: float = 1.0, opacity: float = 1.0) -> tuple[QPen | None, QPen]:
    """(casing pen or None, stroke pen) for a line symbol; widths in device pixels."""
    pen = QPen(qcolor(symbol.stroke, opacity), symbol.stroke_width * scale)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    if symbol.dash:
        pen.setDashPattern([d / max(symbol.stroke_width, 0.1) for d in symbol.dash])
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    casing = None
    if symbol.casing:
        casing = QPen(qcolor(symbol.casing, opacity * 0.9), symbol.stroke_width * scale + 2.5 * scale)
        casing.setCapStyle(Qt.PenCapStyle.RoundCap)
        casing.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    return casing, pen


def fill_brush_pen(symbol: Symbol, scale: float = 1.0, opacity: float = 1.0) -> tuple[QBrush, QPen]:
    brush = QBrush(qcolor(symbol.fill, opacity)) if symbol.fill else QBrush(Qt.BrushStyle.NoBrush)
    if symbol.stroke:
        pen = QPen(qcolor(symbol.stroke, opacity), symbol.stroke_width * scale)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        if symbol.dash:
            pen.setDashPattern([d / max(symbol.stroke_width, 0.1) for d in symbol.dash])
    else:
        pen = QPen(Qt.PenStyle.NoPen)
    return brush, pen
