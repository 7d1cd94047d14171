"""Gauges as of the moment shown: levels against their thresholds, rain on its ramp, stale gauges grey.

Drawn by the one map painter (canvas, snapshot, print, meeting view, press
page) from the as-of :class:`~floodpost.data.situation.Situation`'s ``water``:

- a level gauge (river, reservoir) keeps its kind's shape, filled by its
  state: below warning, over warning (汛限), over guaranteed (设计), over
  check; a red ring with an up arrow while it rises faster than its rate;
  labelled with its name and, when over, the margin ("淇门 超警0.42米") in
  bold red;
- a rain gauge filled by its rain of the last 24 hours on the ramp, labelled
  "鹤壁 85毫米" when it rained;
- a gauge with no reading, or whose latest is older than its interval, grey,
  labelled with the age of that reading ("6小时前").

The gauges carry no person, so the press page draws them as they are. The
colours are plain data in :mod:`floodpost.data.schema.symbology`, which the
web page reads too. QtGui only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPen

from floodpost.data.schema.symbology import (
    RAIN_RAMP,
    RISING_RING,
    STATION_LABELS,
    STATION_STATE_COLOURS,
    SYMBOLOGY,
    Symbol,
)
from floodpost.data.situation.hydro import margin_text
from floodpost.layers.model.projection import to_mercator
from floodpost.layers.model.viewport import Viewport
from floodpost.layers.model.water import StationMark, ring_radius
from floodpost.layers.output.pagetext import PageText
from floodpost.layers.render.operations import age_text
from floodpost.layers.render.painter import Phrase, Placement, label_batch
from floodpost.layers.render.stamps import Stamps, may_stamp
from floodpost.layers.render.symbols import draw_marker, qcolor


def rain_text(mm: float, text: PageText) -> str:
    """``85毫米``: a rain total."""
    return text.translate("overlay", "%1 mm").replace("%1", f"{round(float(mm), 1):g}")


def station_label(mark: StationMark, text: PageText) -> str:
    """A gauge's label at the moment: name and margin when over, rain when it rained, age when grey."""
    parts = [mark.name]
    if mark.over:
        parts.append(margin_text(mark.threshold, mark.margin, text.lang))
    if mark.grey:
        if mark.age_min is not None:
            parts.append(age_text(mark.age_min, text))
    elif mark.rain_gauge and mark.rain24 > 0:
        parts.append(rain_text(mark.rain24, text))
    return Phrase(mark.name, " ".join(p for p in parts[1:] if p))


class WaterOverlay:
    """The gauges of one moment (see the module's docstring).

    ``layers`` maps ``stations`` to its map layer: a hidden layer hides the
    overlay, and the layer's labels switch turns the gauges' labels off.
    """

    def __init__(self, marks: list[StationMark], layers: Mapping[str, Any] | None = None) -> None:
        self.marks = marks
        self.layers = dict(layers or {})

    @classmethod
    def from_situation(cls, situation: Any, where: Mapping[int, tuple[float, float]], *,
                       layers: Mapping[str, Any] | None = None) -> WaterOverlay:
        """The overlay of ``situation``'s moment; ``where``: each station's point by fid."""
        water = getattr(situation, "water", None)
        marks = []
        for state in (water.stations if water is not None else []):
            fid = state.get("fid")
            xy = where.get(int(fid)) if fid is not None else None
            if xy is not None:
                marks.append(StationMark.of(state, xy[0], xy[1]))
        return cls(marks, layers)

    def codes(self) -> set[str]:
        """The legend rows the moment uses (``state:…``, ``rain:…``, ``rising``)."""
        return {m.code for m in self.marks} | ({"rising"} if any(m.rising for m in self.marks) else set())

    def _shown(self) -> bool:
        layer = self.layers.get("stations")
        return layer is None or bool(layer.visible)

    def _labelled(self) -> bool:
        layer = self.layers.get("stations")
        return layer is None or bool(layer.visible and layer.labels)

    def plan(self, viewport: Viewport, scale: float = 1.0, page_text: PageText | None = None) -> _WaterPlan:
        return _WaterPlan(self, viewport, scale, page_text or PageText.for_interface())

    def paint(self, painter: QPainter, viewport: Viewport, scale: float = 1.0) -> int:
        """Draw the gauges on their own (no labels); returns how many were drawn."""
        from floodpost.layers.render.fonts import is_vector

        return self.plan(viewport, scale).draw(painter, is_vector(painter))


def _screen(viewport: Viewport, marks: list[StationMark]) -> tuple[np.ndarray, np.ndarray]:
    xy = np.asarray([(m.lon, m.lat) for m in marks], dtype=float).reshape(-1, 2)
    return viewport.to_screen(*to_mercator(xy[:, 0], xy[:, 1]))


class _WaterPlan:
    """One frame of the overlay: its labels join the placement pass; it reserves no boxes."""

    placements: list[Placement] = []

    def __init__(self, overlay: WaterOverlay, viewport: Viewport, scale: float, text: PageText) -> None:
        self.overlay, self.viewport, self.scale, self.text = overlay, viewport, scale, text
        self.labels = []
        marks = overlay.marks if overlay._labelled() else []
        for style in ("over", "normal", "stale"):
            batch = [m for m in marks if m.label_style == style]
            if not batch:
                continue
            x, y = _screen(viewport, batch)
            offset = np.array([(ring_radius(m.symbol, scale) if m.rising else m.symbol.size / 2 * scale) + 2 * scale
                               for m in batch])
            self.labels.append(label_batch([station_label(m, text) for m in batch], x, y, STATION_LABELS[style],
                                           point_offset=offset))

    def paint(self, painter: QPainter, vector: bool) -> int:
        self.draw(painter, vector)
        return 0

    def draw(self, painter: QPainter, vector: bool) -> int:
        ov, vp, s = self.overlay, self.viewport, self.scale
        if not ov.marks or not ov._shown():
            return 0
        drawn = 0
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        m = 40 * s
        # grey gauges under the live ones, the rising last (their rings over a neighbour)
        marks = sorted(ov.marks, key=lambda k: (not k.grey, k.tier, k.rising))
        px, py = _screen(vp, marks)
        stamps = Stamps(painter) if may_stamp(painter) else None
        for mark, x, y in zip(marks, px.tolist(), py.tolist(), strict=True):
            if not (-m <= x <= vp.width + m and -m <= y <= vp.height + m):
                continue
            if stamps is not None:  # a gauge's look is its symbol and ring: drawn once, stamped every frame
                sym, rising = mark.symbol, mark.rising
                stamps.add(("gauge", sym, rising, s), ring_radius(sym, s) + 6 * s,
                           lambda q, cx, cy, sym=sym, rising=rising: paint_gauge(q, sym, rising, cx, cy, s), x, y)
            else:
                paint_gauge(painter, mark.symbol, mark.rising, x, y, s)
            drawn += 1
        if stamps is not None:
            stamps.flush()
        painter.restore()
        return drawn


def paint_gauge(painter: QPainter, symbol: Symbol, rising: bool, x: float, y: float, scale: float = 1.0) -> None:
    """A gauge's marker at (x, y), ringed while rising fast."""
    draw_marker(painter, symbol, x, y, scale)
    if rising:
        paint_rising(painter, x, y, ring_radius(symbol, scale), scale)


def paint_rising(painter: QPainter, x: float, y: float, r: float, scale: float = 1.0) -> None:
    """The rising-fast ring around a gauge at (x, y), with a small up arrow on a white disc at its upper right."""
    sym = RISING_RING
    painter.save()
    painter.setPen(QPen(qcolor(sym.stroke), sym.stroke_width * scale))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(QPointF(x, y), r, r)
    cx, cy, d = x + r * 0.72, y - r * 0.72, 4.4 * scale
    painter.setPen(QPen(qcolor(sym.stroke), 1.0 * scale))
    painter.setBrush(qcolor("#ffffff"))
    painter.drawEllipse(QPointF(cx, cy), d, d)
    arrow = QPainterPath(QPointF(cx, cy - d * 0.7))
    arrow.lineTo(QPointF(cx + d * 0.55, cy + d * 0.05))
    arrow.lineTo(QPointF(cx + d * 0.2, cy + d * 0.05))
    arrow.lineTo(QPointF(cx + d * 0.2, cy + d * 0.6))
    arrow.lineTo(QPointF(cx - d * 0.2, cy + d * 0.6))
    arrow.lineTo(QPointF(cx - d * 0.2, cy + d * 0.05))
    arrow.lineTo(QPointF(cx - d * 0.55, cy + d * 0.05))
    arrow.closeSubpath()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(qcolor(sym.stroke))
    painter.drawPath(arrow)
    painter.restore()


def paint_swatch(painter: QPainter, rect: QRectF, kind: str, code: str | None, scale: float = 1.0) -> None:
    """The legend swatch of one gauge entry (``kind`` from :data:`SWATCH_KINDS`)."""
    c = rect.center()
    river = SYMBOLOGY["stations"].symbol_for("river")
    rain = SYMBOLOGY["stations"].symbol_for("rain")
    if kind == "station_state":
        sym = Symbol(fill=STATION_STATE_COLOURS.get(str(code), STATION_STATE_COLOURS["no_reading"]),
                     stroke=river.stroke, stroke_width=river.stroke_width, shape=river.shape, size=river.size)
        draw_marker(painter, sym, c.x(), c.y(), scale)
    elif kind == "rain":
        fill = dict((f"{lo:g}", colour) for lo, colour in RAIN_RAMP).get(str(code), RAIN_RAMP[0][1])
        draw_marker(painter, Symbol(fill=fill, stroke=rain.stroke, stroke_width=rain.stroke_width,
                                    shape=rain.shape, size=rain.size + 2), c.x(), c.y(), scale)
    elif kind == "rising":
        fit = min(1.0, (rect.height() - 2 * scale) / (2 * ring_radius(river) + 2))
        draw_marker(painter, river, c.x(), c.y(), scale * fit)
        paint_rising(painter, c.x(), c.y(), ring_radius(river, scale * fit), scale * fit)


#: The legend swatch kinds drawn by :func:`paint_swatch`.
SWATCH_KINDS = ("station_state", "rain", "rising")
