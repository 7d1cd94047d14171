"""Situation overlays drawn over the layers: how far each area's evacuation has got.

An overlay is built from an as-of :class:`~floodpost.data.situation.Situation`
and painted by the same painter as the map (canvas, snapshot, print), so the
picture at a time T is the same everywhere. QtGui only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QFontMetricsF, QPainter, QPen

from floodpost.layers.model.projection import to_mercator
from floodpost.layers.model.viewport import Viewport
from floodpost.layers.output.pagetext import PageText
from floodpost.layers.render.fonts import cjk_family, draw_text_in, is_vector
from floodpost.layers.render.painter import LABEL_PAD, Placement
from floodpost.layers.render.stamps import Stamps, may_stamp

#: Stage colours of the evacuation bar, in the order the funnel fills.
STAGE_COLOURS = {
    "transferred": "#f28e2b",  # 已转移
    "sheltered": "#59a14f",  # 已安置 (part of the transferred)
    "returned": "#4e79a7",  # 已回迁
}
BAR_W, BAR_H = 86.0, 9.0
BAR_GAP = 12.0  # from the area's label point down to the bar, at least


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
        return cls.from_anchors(situation, area_anchors(areas_frame))

    @classmethod
    def from_anchors(cls, situation: Any, anchors: dict[str, tuple[float, float, float]]) -> EvacuationOverlay:
        """Bars for the evacuation areas with an anchor (:func:`area_anchors`; the map keeps them per layer)."""
        bars = []
        if not anchors:
            return cls(bars)
        evacuation = situation.evacuation
        for area in evacuation:  # only the areas with a bar are read (a season's moment has a thousand)
            if area not in anchors:
                continue
            rec = evacuation[area]
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

    def plan(self, viewport: Viewport, scale: float = 1.0, page_text: PageText | None = None) -> _BarsPlan:
        """Where the bars go in this view: under each area's label point, reserved before any label."""
        text = page_text or PageText.for_interface()
        font = QFont(cjk_family())
        font.setPixelSize(max(1, round(11 * scale)))  # in proportion: a page drawn small is the same page
        fm = QFontMetricsF(font)
        items: list[tuple[EvacuationBar, float, float, float, bool]] = []
        # Just under the area's name (centred on the same point), so that both keep their place.
        half = _area_label_half(scale) + LABEL_PAD * scale
        gap = max(BAR_GAP * scale, half)
        if self.bars:
            px, py = _screen(viewport, [(b.lon, b.lat) for b in self.bars])
            h = BAR_H * scale
            # Pixels per degree of longitude here, to fit each bar inside its area.
            x0, _ = viewport.to_screen(*to_mercator(np.array([0.0]), np.array([0.0])))
            x1, _ = viewport.to_screen(*to_mercator(np.array([1.0]), np.array([0.0])))
            px_per_deg = float(x1[0] - x0[0])
            for bar, x, y in zip(self.bars, px, py, strict=True):
                area_px = bar.width_deg * px_per_deg
                w = BAR_W * scale if area_px <= 0 else min(BAR_W * scale, max(24 * scale, 0.6 * area_px))
                full = w >= BAR_W * scale  # room for the figure under the bar
                left, top = float(x) - w / 2, float(y) + gap
                if left > viewport.width or top > viewport.height or left + w < 0 or top + h < 0:
                    continue
                items.append((bar, left, float(y), w, full))
        return _BarsPlan(items, gap, half, font, fm, scale, text)

    def paint(self, painter: QPainter, viewport: Viewport, scale: float = 1.0) -> int:
        """Draw the bars on their own (the map painter places them with the labels); returns how many."""
        plan = self.plan(viewport, scale)
        _place_alone(plan.placements, viewport, scale)
        plan.paint(painter, is_vector(painter))
        return len(plan.items)


def area_anchors(areas_frame: Any) -> dict[str, tuple[float, float, float]]:
    """Each named area's bar anchor: a point on its surface and its east-west extent.

    Of several areas with one name, the last with a shape counts.
    """
    anchors: dict[str, tuple[float, float, float]] = {}
    if areas_frame is None or len(areas_frame) == 0:
        return anchors
    for name, geom in zip(areas_frame["name"], areas_frame.geometry, strict=True):
        if geom is not None and not geom.is_empty:
            p = shapely.point_on_surface(geom)
            b = geom.bounds
            anchors[str(name)] = (p.x, p.y, b[2] - b[0])
    return anchors


def _area_label_half(scale: float) -> float:
    """Half the line height of a storage area's name, which is centred on the bar's anchor."""
    from floodpost.data.schema.symbology import SYMBOLOGY
    from floodpost.layers.render.fonts import metrics

    style = SYMBOLOGY["storage_areas"].label
    return metrics(style.size, style.bold, scale).height() / 2 if style is not None else 0.0


class _BarsPlan:
    """The bars of one frame, placed with the labels: under the area's name, else above it, else lower.

    A bar is never left out (it is data): with no free place it takes the first.
    """

    def __init__(self, items: list[tuple[EvacuationBar, float, float, float, bool]], gap: float, half: float,
                 font: QFont, fm: QFontMetricsF, scale: float, text: PageText) -> None:
        self.font, self.fm, self.scale, self.text = font, fm, scale, text
        h = BAR_H * scale
        self.candidates: list[list[QRectF]] = []
        boxes = []
        for bar, left, y, w, full in items:
            below = h + 2 * scale + (fm.height() if full else 0)  # the bar, its white ground and its figure
            tops = (y + gap, y - half - below, y + half + gap + 2 * scale)
            frames = [QRectF(left, t, w, h) for t in tops]
            self.candidates.append(frames)
            boxes.append([self._box(bar, f, full) for f in frames])
        self.items = [(bar, full) for bar, _, _, _, full in items]
        self.placements = [Placement(np.array(boxes).reshape(len(items), -1, 4), BAR_PRIORITY, force=True)] \
            if items else []

    def _box(self, bar: EvacuationBar, frame: QRectF, full: bool) -> tuple[float, float, float, float]:
        s = self.scale
        # the white ground's top margin may lie under the name's halo; the rest is the bar's
        r = frame.adjusted(-2 * s, 0, 2 * s, 2 * s + (self.fm.height() if full else 0))
        if full:  # the figure may be wider than the bar
            w = self.fm.horizontalAdvance(self._figure(bar))
            grow = max(0.0, (w - r.width()) / 2)
            r.adjust(-grow, 0, grow, 0)
        return r.left(), r.top(), r.right(), r.bottom()

    def _figure(self, bar: EvacuationBar) -> str:
        share = min(1.0, bar.transferred / bar.planned)
        return self.text.translate("overlay", "moved %1%").replace("%1", f"{share * 100:.0f}")

    def paint(self, painter: QPainter, vector: bool) -> int:
        if not self.items:
            return 0
        s = self.scale
        painter.save()
        painter.setFont(self.font)
        fm = self.fm
        chosen = self.placements[0].chosen.tolist()
        for (bar, full), frames, c in zip(self.items, self.candidates, chosen, strict=True):
            frame = frames[max(c, 0)]
            left, top, w, h = frame.left(), frame.top(), frame.width(), frame.height()
            painter.setPen(Qt.PenStyle.NoPen)
            if full:
                painter.setBrush(QColor(255, 255, 255, 230))
                painter.drawRect(frame.adjusted(-2 * s, -2 * s, 2 * s, 2 * s + fm.height()))
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
            painter.setPen(QPen(QColor("#333333"), max(1.0, s)))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(frame)
            if not full:
                continue
            painter.setPen(QColor("#222222"))
            draw_text_in(painter, QRectF(left - 20 * s, top + h + s, w + 40 * s, fm.height()),
                         Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, self._figure(bar), vector)
        painter.restore()
        return 0


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

    @classmethod
    def from_situation(cls, situation: Any, frame: Any) -> ForcesOverlay:
        """Halos of the forces reported by the moment, with personnel and status as they were then."""
        return cls.from_places(situation, force_places(frame))

    @classmethod
    def from_places(cls, situation: Any, where: dict[int, tuple[float, float]]) -> ForcesOverlay:
        """Halos of the moment's forces at their places (:func:`force_places`; the map keeps them per frame)."""
        if not where:
            return cls([])
        items = []
        for f in situation.forces:
            xy = where.get(int(f["fid"]))
            if xy is None:
                continue
            men = f.get("personnel")
            n = 0 if men is None or men != men else int(men)
            items.append((xy[0], xy[1], n, str(f.get("category")), str(f.get("status"))))
        return cls(items)


    @staticmethod
    def radius(personnel: Any, scale: float = 1.0) -> Any:
        """Area grows with personnel: 100 people ≈ 10 px, 1,000 ≈ 25 px (of a number, or of an array)."""
        return (5.0 + 0.6 * np.sqrt(np.maximum(personnel, 0))) * scale

    def plan(self, viewport: Viewport, scale: float = 1.0, page_text: PageText | None = None) -> _HalosPlan:
        """Halos lie under the labels and reserve nothing."""
        return _HalosPlan(self, viewport, scale)

    def paint(self, painter: QPainter, viewport: Viewport, scale: float = 1.0) -> int:
        return self.plan(viewport, scale).draw(painter)


def force_places(frame: Any) -> dict[int, tuple[float, float]]:
    """Each force's point by fid (forces without one are left out)."""
    if frame is None or len(frame) == 0:
        return {}
    return {int(f): (g.x, g.y) for f, g in zip(frame.index, frame.geometry, strict=True)
            if g is not None and not g.is_empty}


class _HalosPlan:
    placements: list[Placement] = []

    def __init__(self, overlay: ForcesOverlay, viewport: Viewport, scale: float) -> None:
        self.overlay, self.viewport, self.scale = overlay, viewport, scale

    def paint(self, painter: QPainter, vector: bool) -> int:
        self.draw(painter)
        return 0

    def draw(self, painter: QPainter) -> int:
        from floodpost.data.schema.symbology import SYMBOLOGY
        from floodpost.layers.render.symbols import qcolor

        items, viewport, scale = self.overlay.items, self.viewport, self.scale
        if not items:
            return 0
        px, py = _screen(viewport, [(i[0], i[1]) for i in items])
        painter.save()
        sym = SYMBOLOGY["forces"]
        # On screen, each halo is stamped from a small picture drawn once (a season's
        # hundreds of antialiased ellipses took a quarter of a slider step); on paper
        # and under a scaled page they stay ellipses.
        marks = Stamps(painter) if may_stamp(painter) else None
        drawn = 0
        # radii and culling for all at once (ForcesOverlay.radius); a season has hundreds of halos
        rad = ForcesOverlay.radius(np.array([i[2] for i in items], dtype=float), scale)
        seen = np.flatnonzero((px + rad >= 0) & (py + rad >= 0) & (px - rad <= viewport.width)
                              & (py - rad <= viewport.height)).tolist()
        fills: dict[str, str] = {}
        for k, x, y, r in zip(seen, px[seen].tolist(), py[seen].tolist(), rad[seen].tolist(), strict=True):
            _, _, _, cat, status = items[k]
            fill = fills.get(cat)
            if fill is None:
                fill = fills[cat] = sym.symbol_for(cat).fill or "#444444"
            if marks is not None:
                _stamp_halo(marks, fill, status, scale, r, x, y)
            else:
                pen, brush = halo_pen_brush(qcolor(fill), status, scale)
                painter.setPen(pen)
                painter.setBrush(brush)
                painter.drawEllipse(QRectF(x - r, y - r, 2 * r, 2 * r))
            drawn += 1
        if marks is not None:
            marks.flush()
        painter.restore()
        return drawn


def _stamp_halo(marks: Stamps, fill: str, status: str, scale: float, r: float, x: float, y: float) -> None:
    """One halo centred on (x, y), stamped from its picture (the radius to half a pixel, the centre to a
    pixel: personnel change at every step, and pictures per exact radius and half-pixel place were drawn
    anew for a quarter of the halos, 85 µs each)."""
    from floodpost.layers.render.symbols import qcolor

    r = round(r * 2) / 2

    def draw(p: QPainter, cx: float, cy: float) -> None:
        pen, brush = halo_pen_brush(qcolor(fill), status, scale)
        p.setPen(pen)
        p.setBrush(brush)
        p.drawEllipse(QRectF(cx - r, cy - r, 2 * r, 2 * r))

    marks.add(("halo", fill, status, scale, r), r + 2 * scale, draw, x, y, whole=True)


def halo_pen_brush(colour: QColor, status: str, scale: float = 1.0) -> tuple[QPen, QBrush]:
    """Pen and fill of a force's halo: its colour, fainter on standby; a dashed grey ring once withdrawn."""
    if status == "withdrawn":
        return QPen(QColor("#777777"), 1.2 * scale, Qt.PenStyle.DashLine), QBrush(Qt.BrushStyle.NoBrush)
    fill = QColor(colour)
    fill.setAlpha(60 if status == "on_duty" else 30)
    return QPen(colour, 1.5 * scale), QBrush(fill)


class StockTag(NamedTuple):
    """One depot's sandbags on hand, as the records give them."""

    lon: float
    lat: float
    bags: float
    marker: float = 13.0  # the depot marker's size, to keep the tag off it

    @property
    def inconsistent(self) -> bool:
        """More went out than came in: the records disagree, and the map says so."""
        return self.bags < 0


def stock_tag_text(bags: float, text: PageText) -> str:
    """``沙袋 26.0万``; for a pile the records make negative, ``沙袋 账目不符：超调拨2,260``.

    A negative pile is never printed: it is a bookkeeping error (a dispatch
    entered twice, a stock-in missing), and the press page must not show it
    as a quantity.
    """
    if bags < 0:
        return text.translate("overlay", "sandbags: records disagree, %1 over-dispatched").replace(
            "%1", f"{-bags:,.0f}")
    # 万 (ten thousand) is how Chinese counts sandbags; English gets the digits.
    amount = f"{bags / 10000:.1f}万" if text.zh and bags >= 10000 else f"{bags:,.0f}"
    return text.translate("overlay", "sandbags %1").replace("%1", amount)


#: Tag colours: (outline, fill, text); the inconsistent tag is outlined in red.
TAG_COLOURS = {
    "stock": ("#6d4c41", QColor(255, 248, 225, 235), "#3e2723"),
    "empty": ("#6d4c41", QColor(255, 205, 210, 235), "#3e2723"),
    "inconsistent": ("#d32f2f", QColor(255, 255, 255, 240), "#b71c1c"),
}


def tag_kind(bags: float) -> str:
    return "inconsistent" if bags < 0 else ("stock" if bags > 0 else "empty")


def paint_tag(painter: QPainter, rect: QRectF, text: str, kind: str, scale: float, vector: bool) -> None:
    """One stock tag: a box with its figure (legend swatches draw it too)."""
    outline, fill, ink = TAG_COLOURS[kind]
    painter.setPen(QPen(QColor(outline), max(1.0, scale) * (1.6 if kind == "inconsistent" else 1.0)))
    painter.setBrush(fill)
    painter.drawRect(rect)
    painter.setPen(QColor(ink))
    draw_text_in(painter, rect, Qt.AlignmentFlag.AlignCenter, text, vector)


class DepotOverlay:
    """Each depot's sandbags on hand, as a small tag beside it, placed with the labels."""

    def __init__(self, tags: list[StockTag]) -> None:
        self.tags = tags

    @classmethod
    def from_situation(cls, situation: Any, depots_frame: Any) -> DepotOverlay:
        from floodpost.data.schema.symbology import SYMBOLOGY

        tags: list[StockTag] = []
        if depots_frame is None or len(depots_frame) == 0:
            return cls(tags)
        sym = SYMBOLOGY["depots"]
        kinds = depots_frame["kind"] if "kind" in depots_frame else [None] * len(depots_frame)
        for name, kind, g in zip(depots_frame["name"], kinds, depots_frame.geometry, strict=True):
            bags = situation.stock.get(str(name), {}).get("sandbag")
            if bags is None or g is None or g.is_empty:
                continue
            tags.append(StockTag(g.x, g.y, float(bags), sym.symbol_for(kind).size))
        return cls(tags)

    def plan(self, viewport: Viewport, scale: float = 1.0, page_text: PageText | None = None) -> _TagsPlan:
        """Each tag's candidate places around its depot, nearest first, for the placement pass."""
        text = page_text or PageText.for_interface()
        font = QFont(cjk_family())
        font.setPixelSize(max(1, round(10 * scale)))
        fm = QFontMetricsF(font)
        items = []
        boxes = []
        if self.tags:
            px, py = _screen(viewport, [(t.lon, t.lat) for t in self.tags])
            for tag, x, y in zip(self.tags, px.tolist(), py.tolist(), strict=True):
                label = stock_tag_text(tag.bags, text)
                w = fm.horizontalAdvance(label) + 6 * scale
                h = fm.height() + 2 * scale
                items.append((tag, label, x, y, w, h))
                boxes.append(_tag_candidates(x, y, w, h, tag.marker * scale / 2, scale))
        return _TagsPlan(items, np.array(boxes, dtype=float).reshape(len(items), 2 * NEAR_CANDIDATES, 4), font, scale)

    def paint(self, painter: QPainter, viewport: Viewport, scale: float = 1.0) -> int:
        """Draw the tags on their own, kept off each other; returns how many were drawn."""
        plan = self.plan(viewport, scale)
        _place_alone(plan.placements, viewport, scale)
        hidden = plan.paint(painter, is_vector(painter))
        return len(plan.items) - hidden


#: Tags take their place among the labels just below the storage areas' names.
TAG_PRIORITY = 85
BAR_PRIORITY = 89  # after the storage areas' names (90), before every other label


def _tag_candidates(x: float, y: float, w: float, h: float, r: float, scale: float) -> list[list[float]]:
    """Boxes beside a depot marker of radius ``r``: above, right, left, below, the four corners; then
    the same ring farther out (drawn with a leader line)."""
    out = []
    for far in (0.0, 1.0):
        g = (3 + 16 * far) * scale + r * far
        d = r + g
        for left, top in (
            (x - w / 2, y - d - h), (x + d, y - h / 2), (x - d - w, y - h / 2), (x - w / 2, y + d),
            (x + 0.7 * d, y - 0.7 * d - h), (x - 0.7 * d - w, y - 0.7 * d - h),
            (x + 0.7 * d, y + 0.7 * d), (x - 0.7 * d - w, y + 0.7 * d),
        ):
            out.append([left, top, left + w, top + h])
    return out


NEAR_CANDIDATES = 8


class _TagsPlan:
    def __init__(self, items: list[tuple[StockTag, str, float, float, float, float]], boxes: np.ndarray,
                 font: QFont, scale: float) -> None:
        self.items, self.font, self.scale = items, font, scale
        self.placements = [Placement(boxes, TAG_PRIORITY)] if items else []

    def paint(self, painter: QPainter, vector: bool) -> int:
        """Draw the placed tags; returns how many found no room (left out, never drawn over another)."""
        if not self.items:
            return 0
        place = self.placements[0]
        painter.save()
        painter.setFont(self.font)
        hidden = 0
        for (tag, label, x, y, _, _), c, box in zip(self.items, place.chosen.tolist(), place.boxes, strict=True):
            if c < 0:
                hidden += 1
                continue
            x0, y0, x1, y1 = box[c]
            rect = QRectF(x0, y0, x1 - x0, y1 - y0)
            if c >= NEAR_CANDIDATES:  # far out: a leader line back to the depot
                painter.setPen(QPen(QColor(TAG_COLOURS[tag_kind(tag.bags)][0]), max(1.0, self.scale)))
                end = QPointF(min(max(x, x0), x1), min(max(y, y0), y1))
                painter.drawLine(QPointF(x, y), end)
            paint_tag(painter, rect, label, tag_kind(tag.bags), self.scale, vector)
        painter.restore()
        return hidden


def _place_alone(placements: list[Placement], viewport: Viewport, scale: float) -> None:
    """Place an overlay's items among themselves only (when it is drawn outside the map painter)."""
    from floodpost.layers.render.painter import MapPainter

    MapPainter().place_labels([], viewport, scale, placements)
