"""The composed map for press conferences and print: one page, drawn by the map's own painter.

Title, as-of subtitle, the map, a legend of the visible layers, a scale bar,
a north arrow, the headline figures and the footer (data source, producer,
the basemap's map review number 审图号 when set). The same ``compose``
draws the dialog's preview, the PNG and the vector PDF, so they agree.
QtGui only.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QMarginsF, QPointF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QImage,
    QPageLayout,
    QPageSize,
    QPainter,
    QPainterPath,
    QPdfWriter,
    QPen,
)

from floodpost.layers.fonts import map_font
from floodpost.layers.legend import legend_entries, paint_swatch
from floodpost.layers.viewport import Viewport

#: Output presets: (width mm or px, height, dpi); "screen" is pixels at 96 dpi.
PRESETS = {
    "screen": {"size_px": (1920, 1080), "dpi": 96},
    "a4": {"size_mm": (297.0, 210.0), "dpi": 300},
    "a3": {"size_mm": (420.0, 297.0), "dpi": 300},
}


@dataclass
class LayoutOptions:
    """What the page says; ``press`` keeps every personal name and phone off it."""

    title: str = ""
    subtitle: str = ""  # e.g. 截至2021年7月23日18时; filled from the as-of time if empty
    source: str = ""
    producer: str = ""
    review_number: str = ""  # 审图号 of the basemap, shown when set
    press: bool = False
    headline: list[tuple[str, str]] = field(default_factory=list)  # (label, value)


def page_pixels(preset: str, size: tuple[int, int] | None = None, dpi: int | None = None) -> tuple[int, int, int]:
    """(width, height, dpi) in device pixels for a preset or an explicit size."""
    p = PRESETS[preset]
    d = int(dpi or p["dpi"])
    if size is not None:
        return size[0], size[1], d
    if "size_px" in p:
        return p["size_px"][0], p["size_px"][1], d
    w_mm, h_mm = p["size_mm"]
    return round(w_mm / 25.4 * d), round(h_mm / 25.4 * d), d


def headline_figures(totals: dict[str, Any]) -> list[tuple[str, str]]:
    """The press panel: persons transferred and sheltered, forces and personnel, sandbags."""
    ev = totals["evacuation"]["persons"]
    fo = totals["forces"]
    bags = totals["materials"].get("dispatch", {}).get("sandbag", 0)
    return [
        (QCoreApplication.translate("layout", "Persons transferred"), f"{ev['transferred']:,}"),
        (QCoreApplication.translate("layout", "Persons sheltered"), f"{ev['sheltered']:,}"),
        (QCoreApplication.translate("layout", "Rescue teams / personnel"), f"{fo['teams']:,} / {fo['personnel']:,}"),
        (QCoreApplication.translate("layout", "Sandbags dispatched"), f"{bags:,.0f}"),
    ]


def compose(painter: QPainter, page: QRectF, scene: Any, bounds: tuple[float, float, float, float],
            options: LayoutOptions, scale: float) -> dict[str, QRectF]:
    """Draw the whole page into ``page`` (device pixels); returns where each part went."""
    u = scale  # one "point" of the layout in device pixels at 96 dpi
    m = 24 * u
    painter.save()
    painter.fillRect(page, QColor("#ffffff"))
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    parts: dict[str, QRectF] = {}
    # Title and subtitle.
    title_font = map_font(22, bold=True, scale=u)
    sub_font = map_font(12, scale=u)
    painter.setFont(title_font)
    painter.setPen(QColor("#102a43"))
    th = painter.fontMetrics().height()
    parts["title"] = QRectF(page.left() + m, page.top() + m, page.width() - 2 * m, th)
    painter.drawText(parts["title"], Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, options.title)
    painter.setFont(sub_font)
    painter.setPen(QColor("#334e68"))
    sh = painter.fontMetrics().height()
    parts["subtitle"] = QRectF(parts["title"].left(), parts["title"].bottom() + 4 * u, parts["title"].width(), sh)
    painter.drawText(parts["subtitle"], Qt.AlignmentFlag.AlignHCenter, options.subtitle)
    # Footer.
    foot_font = map_font(8.5, scale=u)
    painter.setFont(foot_font)
    fh = painter.fontMetrics().height()
    foot = QRectF(page.left() + m, page.bottom() - m - fh, page.width() - 2 * m, fh)
    left = "  ".join(t for t in (
        QCoreApplication.translate("layout", "Data: %1").replace("%1", options.source) if options.source else "",
        QCoreApplication.translate("layout", "Made by: %1").replace("%1", options.producer) if options.producer else "",
    ) if t)
    right = QCoreApplication.translate("layout", "Map review number: %1").replace("%1", options.review_number) if options.review_number else ""
    painter.setPen(QColor("#486581"))
    painter.drawText(foot, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, left)
    painter.drawText(foot, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, right)
    parts["footer"] = foot
    # Side panel: headline figures, then the legend.
    top = parts["subtitle"].bottom() + 14 * u
    side_w = max(230 * u, page.width() * 0.2)
    side = QRectF(page.right() - m - side_w, top, side_w, foot.top() - 10 * u - top)
    map_rect = QRectF(page.left() + m, top, side.left() - 14 * u - (page.left() + m), side.height())
    parts["map"] = map_rect
    y = _paint_headline(painter, side, options.headline, u)
    parts["headline"] = QRectF(side.left(), side.top(), side.width(), y - side.top())
    parts["legend"] = _paint_legend(painter, QRectF(side.left(), y + 12 * u, side.width(), side.bottom() - y - 12 * u),
                                    scene, u)
    # The map, by the canvas's painter, clipped to its frame.
    vp = Viewport.for_lonlat(bounds, max(1, int(map_rect.width())), max(1, int(map_rect.height())), 96 * u)
    painter.save()
    painter.translate(map_rect.topLeft())
    painter.setClipRect(QRectF(0, 0, map_rect.width(), map_rect.height()))
    scene.painter.paint(painter, vp, [lyr for lyr in scene.layers], scale=u)
    painter.restore()
    painter.setPen(QPen(QColor("#243b53"), 1.2 * u))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRect(map_rect)
    parts["scalebar"] = _paint_scale_bar(painter, map_rect, vp, u)
    parts["north"] = _paint_north(painter, map_rect, u)
    painter.restore()
    return parts


def _paint_headline(painter: QPainter, rect: QRectF, items: list[tuple[str, str]], u: float) -> float:
    y = rect.top()
    if not items:
        return y
    painter.setPen(QColor("#102a43"))
    painter.setFont(map_font(11, bold=True, scale=u))
    painter.drawText(QRectF(rect.left(), y, rect.width(), 20 * u), Qt.AlignmentFlag.AlignLeft, QCoreApplication.translate("layout", "Key figures"))
    y += 22 * u
    for label, value in items:
        painter.setFont(map_font(16, bold=True, scale=u))
        painter.setPen(QColor("#b35806"))
        vh = painter.fontMetrics().height()
        painter.drawText(QRectF(rect.left(), y, rect.width(), vh), Qt.AlignmentFlag.AlignLeft, value)
        y += vh
        painter.setFont(map_font(9, scale=u))
        painter.setPen(QColor("#334e68"))
        lh = painter.fontMetrics().height()
        painter.drawText(QRectF(rect.left(), y, rect.width(), lh), Qt.AlignmentFlag.AlignLeft, label)
        y += lh + 6 * u
    return y


def _paint_legend(painter: QPainter, rect: QRectF, scene: Any, u: float) -> QRectF:
    from floodpost import i18n

    lang = i18n.lang_short()
    painter.setPen(QColor("#102a43"))
    painter.setFont(map_font(11, bold=True, scale=u))
    y = rect.top()
    painter.drawText(QRectF(rect.left(), y, rect.width(), 20 * u), Qt.AlignmentFlag.AlignLeft, QCoreApplication.translate("layout", "Legend"))
    y += 22 * u
    font = map_font(9, scale=u)
    row = max(16 * u, font.pixelSize() * 1.6 if font.pixelSize() > 0 else 16 * u)
    col_w = rect.width() / 2
    col = 0
    start_y = y
    for layer in reversed(list(scene.layers)):  # top of the map first
        if not layer.visible or layer.count == 0:
            continue
        entries = legend_entries(layer.key, lang)
        present = None
        sym = layer.symbology
        table = layer.table
        if sym.field and table is not None and sym.field in table:
            present = set(map(str, table[sym.field].dropna().unique()))
        entries = [e for e in entries if present is None or e.code is None or e.code in present or e.code == "polygon"]
        needed = row * (len(entries) + 1)
        if y + needed > rect.bottom() and col == 0:
            col, y = 1, start_y
        if y + needed > rect.bottom():
            break
        x = rect.left() + col * col_w
        painter.setFont(map_font(9.5, bold=True, scale=u))
        painter.setPen(QColor("#243b53"))
        painter.drawText(QRectF(x, y, col_w, row), Qt.AlignmentFlag.AlignVCenter, layer.title(lang))
        y += row
        painter.setFont(font)
        for e in entries:
            paint_swatch(painter, QRectF(x + 2 * u, y + 1 * u, 22 * u, row - 2 * u), e.symbol, e.kind, u)
            painter.setPen(QColor("#243b53"))
            painter.drawText(QRectF(x + 28 * u, y, col_w - 30 * u, row), Qt.AlignmentFlag.AlignVCenter, e.label)
            y += row
    return QRectF(rect.left(), rect.top(), rect.width(), (y if col == 0 else rect.bottom()) - rect.top())


def _nice(metres: float) -> float:
    exp = 10 ** math.floor(math.log10(max(metres, 1e-6)))
    for f in (5, 2, 1):
        if f * exp <= metres:
            return f * exp
    return exp


def _paint_scale_bar(painter: QPainter, map_rect: QRectF, vp: Viewport, u: float) -> QRectF:
    from floodpost.layers.projection import ground_resolution

    m_per_px = ground_resolution(vp.resolution, vp.cy)
    length_m = _nice(m_per_px * map_rect.width() * 0.2)
    px = length_m / m_per_px
    x0, y0 = map_rect.left() + 16 * u, map_rect.bottom() - 18 * u
    box = QRectF(x0 - 6 * u, y0 - 22 * u, px + 12 * u + 60 * u, 34 * u)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(255, 255, 255, 220))
    painter.drawRect(box)
    painter.setPen(QPen(QColor("#102a43"), 1.2 * u))
    half = px / 2
    painter.setBrush(QColor("#102a43"))
    painter.drawRect(QRectF(x0, y0 - 5 * u, half, 5 * u))
    painter.setBrush(QColor("#ffffff"))
    painter.drawRect(QRectF(x0 + half, y0 - 5 * u, half, 5 * u))
    painter.setFont(map_font(8.5, scale=u))
    label = f"{length_m / 1000:g} km" if length_m >= 1000 else f"{length_m:g} m"
    painter.drawText(QPointF(x0, y0 - 8 * u), "0")
    painter.drawText(QPointF(x0 + px + 4 * u, y0), label)
    return box


def _paint_north(painter: QPainter, map_rect: QRectF, u: float) -> QRectF:
    cx, top = map_rect.right() - 30 * u, map_rect.top() + 14 * u
    h = 34 * u
    path = QPainterPath(QPointF(cx, top))
    path.lineTo(QPointF(cx + 10 * u, top + h))
    path.lineTo(QPointF(cx, top + h * 0.72))
    path.lineTo(QPointF(cx - 10 * u, top + h))
    path.closeSubpath()
    painter.setPen(QPen(QColor("#102a43"), 1.0 * u))
    painter.setBrush(QColor("#102a43"))
    painter.drawPath(path)
    painter.setFont(map_font(10, bold=True, scale=u))
    painter.drawText(QRectF(cx - 12 * u, top + h, 24 * u, 16 * u), Qt.AlignmentFlag.AlignHCenter, "N")
    return QRectF(cx - 12 * u, top, 24 * u, h + 16 * u)


def render_png(scene: Any, bounds: tuple[float, float, float, float], options: LayoutOptions,
               out: str | Path, size: tuple[int, int], dpi: int) -> QImage:
    """The page as a PNG with its dpi recorded; no personal metadata in press mode."""
    img = QImage(size[0], size[1], QImage.Format.Format_ARGB32_Premultiplied)
    dpm = round(dpi / 0.0254)
    img.setDotsPerMeterX(dpm)
    img.setDotsPerMeterY(dpm)
    p = QPainter(img)
    try:
        compose(p, QRectF(0, 0, size[0], size[1]), scene, bounds, options, dpi / 96.0)
    finally:
        p.end()
    img.setText("Title", options.title)
    img.setText("Software", "FloodPost")
    if not options.press and options.producer:
        img.setText("Author", options.producer)
    if not img.save(str(out), "PNG"):
        raise OSError(f"could not write {out}")
    return img


def render_pdf(scene: Any, bounds: tuple[float, float, float, float], options: LayoutOptions,
               out: str | Path, size_mm: tuple[float, float], dpi: int) -> None:
    """A vector PDF of the page (text stays text); no author in press mode."""
    writer = QPdfWriter(str(out))
    writer.setResolution(dpi)
    w, h = size_mm
    writer.setPageSize(QPageSize(QSizeF(min(w, h), max(w, h)), QPageSize.Unit.Millimeter))
    writer.setPageOrientation(QPageLayout.Orientation.Landscape if w > h else QPageLayout.Orientation.Portrait)
    writer.setPageMargins(QMarginsF(0, 0, 0, 0))
    writer.setTitle(options.title)
    writer.setCreator("FloodPost")
    if not options.press and options.producer:
        writer.setAuthor(options.producer)
    p = QPainter(writer)
    try:
        rect = QRectF(0, 0, writer.width(), writer.height())
        compose(p, rect, scene, bounds, options, dpi / 96.0)
    finally:
        p.end()
