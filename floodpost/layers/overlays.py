"""Situation overlays drawn over the layers: how far each area's evacuation has got.

An overlay is built from an as-of :class:`~floodpost.data.situation.Situation`
and painted by the same painter as the map (canvas, snapshot, print), so the
picture at a time T is the same everywhere. QtGui only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from PySide6.QtCore import QCoreApplication, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPen

from floodpost.layers.fonts import cjk_family
from floodpost.layers.projection import to_mercator
from floodpost.layers.viewport import Viewport

#: Stage colours of the evacuation bar, in the order the funnel fills.
STAGE_COLOURS = {
    "transferred": "#f28e2b",  # 已转移
    "sheltered": "#59a14f",  # 已安置 (part of the transferred)
    "returned": "#4e79a7",  # 已回迁
}
BAR_W, BAR_H = 86.0, 9.0


def _screen(viewport: Viewport, lonlat: list[tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    """Pixel positions of lon/lat anchors in ``viewport``."""
    xy = np.asarray(lonlat, dtype=float).reshape(-1, 2)
    return viewport.to_screen(*to_mercator(xy[:, 0], xy[:, 1]))


@dataclass(frozen=True)
class EvacuationBar:
    """One area's funnel at a point: planned, transferred, sheltered, returned persons."""

    name: str
    lon: float
    lat: float
    planned: int
    transferred: int
    sheltered: int
    returned: int
    width_deg: float = 0.0  # the area's east-west extent: small areas get a small bar


class EvacuationOverlay:
    """Progress bars on the storage areas (and any area with a polygon of that name)."""

    def __init__(self, bars: list[EvacuationBar]) -> None:
        self.bars = bars

    @classmethod
    def from_situation(cls, situation: Any, areas_frame: Any) -> EvacuationOverlay:
        """Bars for every evacuation area that has a storage-area polygon of the same name."""
        bars = []
        if areas_frame is None or len(areas_frame) == 0:
            return cls(bars)
        anchors = {}
        for name, geom in zip(areas_frame["name"], areas_frame.geometry, strict=True):
            if geom is not None and not geom.is_empty:
                p = shapely.point_on_surface(geom)
                b = geom.bounds
                anchors[str(name)] = (p.x, p.y, b[2] - b[0])
        for area, rec in situation.evacuation.items():
            if area not in anchors:
                continue
            planned = int(rec.get("planned_persons") or 0)
            if planned <= 0:
                continue
            lon, lat, width = anchors[area]
            bars.append(EvacuationBar(
                area, lon, lat, planned,
                int(rec.get("transferred_persons") or 0),
                int(rec.get("sheltered_persons") or 0),
                int(rec.get("returned_persons") or 0),
                width,
            ))
        return cls(bars)

    def paint(self, painter: QPainter, viewport: Viewport, scale: float = 1.0) -> int:
        """Draw the bars under each area's label point; returns how many were drawn."""
        if not self.bars:
            return 0
        px, py = _screen(viewport, [(b.lon, b.lat) for b in self.bars])
        font = QFont(cjk_family())
        font.setPixelSize(max(8, round(11 * scale)))
        painter.save()
        painter.setFont(font)
        fm = QFontMetricsF(font)
        h = BAR_H * scale
        # Pixels per degree of longitude here, to fit each bar inside its area.
        x0, _ = viewport.to_screen(*to_mercator(np.array([0.0]), np.array([0.0])))
        x1, _ = viewport.to_screen(*to_mercator(np.array([1.0]), np.array([0.0])))
        px_per_deg = float(x1[0] - x0[0])
        drawn = 0
        for bar, x, y in zip(self.bars, px, py, strict=True):
            area_px = bar.width_deg * px_per_deg
            w = BAR_W * scale if area_px <= 0 else min(BAR_W * scale, max(24 * scale, 0.6 * area_px))
            full = w >= BAR_W * scale  # room for the figure under the bar
            left, top = float(x) - w / 2, float(y) + 12 * scale
            if left > viewport.width or top > viewport.height or left + w < 0 or top + h < 0:
                continue
            frame = QRectF(left, top, w, h)
            painter.setPen(Qt.PenStyle.NoPen)
            if full:
                painter.setBrush(QColor(255, 255, 255, 230))
                painter.drawRect(frame.adjusted(-2 * scale, -2 * scale, 2 * scale, 2 * scale + fm.height()))
            painter.setBrush(QColor("#d9d9d9"))
            painter.drawRect(frame)
            share = min(1.0, bar.transferred / bar.planned)
            painter.setBrush(QColor(STAGE_COLOURS["transferred"]))
            painter.drawRect(QRectF(left, top, w * share, h))
            sheltered = min(share, bar.sheltered / bar.planned)
            painter.setBrush(QColor(STAGE_COLOURS["sheltered"]))
            painter.drawRect(QRectF(left, top + h * 0.45, w * sheltered, h * 0.55))
            if bar.returned:
                back = min(1.0, bar.returned / bar.planned)
                painter.setBrush(QColor(STAGE_COLOURS["returned"]))
                painter.drawRect(QRectF(left, top, w * back, h * 0.45))
            painter.setPen(QPen(QColor("#333333"), max(1.0, scale)))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(frame)
            drawn += 1
            if not full:
                continue
            text = QCoreApplication.translate("overlay", "moved %1%").replace("%1", f"{share * 100:.0f}")
            painter.setPen(QColor("#222222"))
            painter.drawText(QRectF(left - 20 * scale, top + h + scale, w + 40 * scale, fm.height()),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, text)
        painter.restore()
        return drawn


class ForcesOverlay:
    """A halo around each rescue force sized by its personnel, in its category's colour.

    Withdrawn teams get a dashed grey ring: still on the map, clearly not in action.
    """

    def __init__(self, items: list[tuple[float, float, int, str, str]]) -> None:
        self.items = items  # lon, lat, personnel, category, status

    @classmethod
    def from_frame(cls, frame: Any) -> ForcesOverlay:
        items = []
        if frame is None or len(frame) == 0 or "personnel" not in frame:
            return cls(items)
        for g, men, cat, status in zip(frame.geometry, frame["personnel"], frame["category"], frame["status"], strict=True):
            if g is None or g.is_empty:
                continue
            n = 0 if men is None or men != men else int(men)
            items.append((g.x, g.y, n, str(cat), str(status)))
        return cls(items)

    @staticmethod
    def radius(personnel: int, scale: float = 1.0) -> float:
        """Area grows with personnel: 100 people ≈ 10 px, 1,000 ≈ 25 px."""
        return (5.0 + 0.6 * float(np.sqrt(max(personnel, 0)))) * scale

    def paint(self, painter: QPainter, viewport: Viewport, scale: float = 1.0) -> int:
        from floodpost.data.symbology import SYMBOLOGY
        from floodpost.layers.symbols import qcolor

        if not self.items:
            return 0
        px, py = _screen(viewport, [(i[0], i[1]) for i in self.items])
        painter.save()
        sym = SYMBOLOGY["forces"]
        drawn = 0
        for (_, _, men, cat, status), x, y in zip(self.items, px, py, strict=True):
            r = self.radius(men, scale)
            if x + r < 0 or y + r < 0 or x - r > viewport.width or y - r > viewport.height:
                continue
            if status == "withdrawn":
                pen = QPen(QColor("#777777"), 1.2 * scale, Qt.PenStyle.DashLine)
                painter.setBrush(Qt.BrushStyle.NoBrush)
            else:
                colour = qcolor(sym.symbol_for(cat).fill or "#444444")
                pen = QPen(colour, 1.5 * scale)
                fill = QColor(colour)
                fill.setAlpha(60 if status == "on_duty" else 30)
                painter.setBrush(fill)
            painter.setPen(pen)
            painter.drawEllipse(QRectF(float(x) - r, float(y) - r, 2 * r, 2 * r))
            drawn += 1
        painter.restore()
        return drawn


class DepotOverlay:
    """Each depot's sandbags on hand, as a small tag beside it."""

    def __init__(self, tags: list[tuple[float, float, float]]) -> None:
        self.tags = tags  # lon, lat, sandbags on hand

    @classmethod
    def from_situation(cls, situation: Any, depots_frame: Any) -> DepotOverlay:
        tags = []
        if depots_frame is None or len(depots_frame) == 0:
            return cls(tags)
        for name, g in zip(depots_frame["name"], depots_frame.geometry, strict=True):
            bags = situation.stock.get(str(name), {}).get("sandbag")
            if bags is None or g is None or g.is_empty:
                continue
            tags.append((g.x, g.y, float(bags)))
        return cls(tags)

    def paint(self, painter: QPainter, viewport: Viewport, scale: float = 1.0) -> int:
        if not self.tags:
            return 0
        px, py = _screen(viewport, [(t[0], t[1]) for t in self.tags])
        font = QFont(cjk_family())
        font.setPixelSize(max(8, round(10 * scale)))
        painter.save()
        painter.setFont(font)
        fm = QFontMetricsF(font)
        from floodpost.i18n import lang_short

        zh = lang_short() == "zh"
        for (_, _, bags), x, y in zip(self.tags, px, py, strict=True):
            # 万 (ten thousand) is how Chinese counts sandbags; English gets the digits.
            amount = f"{bags / 10000:.1f}万" if zh and abs(bags) >= 10000 else f"{bags:,.0f}"
            text = QCoreApplication.translate("overlay", "sandbags %1").replace("%1", amount)
            w = fm.horizontalAdvance(text) + 6 * scale
            rect = QRectF(float(x) - w / 2, float(y) - 22 * scale - fm.height(), w, fm.height() + 2 * scale)
            painter.setPen(QPen(QColor("#6d4c41"), max(1.0, scale)))
            painter.setBrush(QColor(255, 248, 225, 235) if bags > 0 else QColor(255, 205, 210, 235))
            painter.drawRect(rect)
            painter.setPen(QColor("#3e2723"))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        painter.restore()
        return len(self.tags)
