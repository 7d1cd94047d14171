"""Operations as of the moment shown: incidents by status, forces sent to them, villages by warning.

Drawn by the one map painter (canvas, snapshot, print, press page) from the
as-of :class:`~floodpost.data.situation.Situation`'s ``operations``:

- each incident over its kind's marker: a red halo ring while out of control
  (reported, handling), a green ring with a check once controlled, the kind's
  shape in grey once closed; its label gives the name and the age since the
  report at T ("3小时前"), bold red while out of control, muted once
  controlled, none once closed;
- a line from each committed force to its incident with the personnel sent
  ("30人"): solid when the force has nobody left, dashed while people are free;
- villages filled by the highest level of the active warnings reaching them
  (a county's warning reaches all its villages, a township's its own), and a
  dashed red ring on direct recipients (villages, or features named
  ``hazards:名称``) not answered after N minutes.

The colours are plain data in :mod:`floodpost.data.schema.symbology`, which
the web page reads too. QtGui only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from PySide6.QtCore import QLineF, QPointF, QRectF, Qt
from PySide6.QtGui import QPainter, QPainterPath, QPen, QPolygonF

from floodpost.data import recipients as rcp
from floodpost.data.schema.symbology import (
    DISPATCH_LABEL,
    DISPATCH_LINKS,
    INCIDENT_LABELS,
    INCIDENT_STATUS_STYLE,
    SECTION_CONTROLLED,
    SYMBOLOGY,
    UNANSWERED_RING,
    WARNED_VILLAGE,
    WARNING_COLOURS,
    Symbol,
)
from floodpost.layers.model.operations import (
    LEVELS,
    STATUS_STYLE,
    VillageReach,
    feature_levels,
    late_recipients,
    ring_radius,
)
from floodpost.layers.model.operations import text as _text
from floodpost.layers.model.projection import to_mercator
from floodpost.layers.model.viewport import Viewport
from floodpost.layers.output.pagetext import PageText
from floodpost.layers.render.painter import Phrase, Placement, label_batch
from floodpost.layers.render.stamps import Stamps, may_stamp
from floodpost.layers.render.symbols import draw_marker, line_pens, qcolor, qpolygonf


def age_text(minutes: float, text: PageText) -> str:
    """The age of a report at the moment shown: ``刚刚``, ``25分钟前``, ``3小时前``, ``2天前``."""
    m = max(0.0, float(minutes))
    if m < 1:
        return text.translate("overlay", "just now")
    if m < 60:
        return text.translate("overlay", "%1 min ago").replace("%1", str(int(m)))
    if m < 24 * 60:
        return text.translate("overlay", "%1 h ago").replace("%1", str(int(m // 60)))
    return text.translate("overlay", "%1 d ago").replace("%1", str(int(m // (24 * 60))))


def personnel_text(n: int, text: PageText) -> str:
    """``30人``: the personnel a force sent."""
    return text.translate("overlay", "%1 people").replace("%1", f"{int(n):,}")


@dataclass(frozen=True)
class IncidentMark:
    """One incident at the moment: where, what kind, its status and age."""

    lon: float
    lat: float
    name: str
    kind: str
    status: str  # reported / handling / controlled / closed
    age_min: float

    @property
    def style(self) -> str:
        return STATUS_STYLE.get(self.status, "uncontrolled")

    @property
    def symbol(self) -> Symbol:
        return SYMBOLOGY["incidents"].symbol_for(self.kind)


@dataclass(frozen=True)
class DispatchLink:
    """A force committed to an incident at the moment: from, to, how many, and whether it has anyone left."""

    force: str
    incident: str
    lon0: float
    lat0: float
    lon1: float
    lat1: float
    personnel: int
    full: bool


@dataclass(frozen=True)
class WarnedPlace:
    """A village (or a warned feature) at the moment: the highest warning level reaching it and whether it
    is a direct recipient not answered within the time limit."""

    lon: float
    lat: float
    level: str | None
    overdue: bool
    village: bool = True
    size: float = 10.0


@dataclass
class Places:
    """Where things are on the map, for the overlay: read from the layers by the scene, once per change."""

    incidents: dict[int, tuple[float, float]] = field(default_factory=dict)  # fid -> lon/lat
    forces: dict[str, tuple[float, float]] = field(default_factory=dict)  # name -> lon/lat
    villages: list[tuple[float, float, str, str, str]] = field(default_factory=list)  # lon, lat, county, township, name
    features: dict[str, tuple[float, float]] = field(default_factory=dict)  # recipient key -> lon/lat
    sections: dict[str, list[np.ndarray]] = field(default_factory=dict)  # incident name -> lon/lat lines
    #: village outlines: (county, township, village, lon/lat rings)
    village_areas: list[tuple[str, str, str, list[np.ndarray]]] = field(default_factory=list)


class OperationsOverlay:
    """Incidents, dispatch links and warned villages of one moment (see the module's docstring).

    ``layers`` maps ``incidents`` and ``villages`` to their map layers: a
    hidden layer hides its part of the overlay, and a layer's labels switch
    turns the incidents' labels off.
    """

    #: Drawn the same whatever the label placement decides, and its ``plan`` can leave its labels
    #: out: the render helper process may draw it while the render thread places the labels (see
    #: :mod:`floodpost.layers.render.helper`). The season's links, outlines and rings are half a frame.
    drawn_apart = True

    def __init__(self, incidents: list[IncidentMark], links: list[DispatchLink], places: list[WarnedPlace],
                 layers: Mapping[str, Any] | None = None, sections: list[np.ndarray] | None = None,
                 areas: list[tuple[str | None, bool, list[np.ndarray]]] | None = None) -> None:
        self.incidents, self.links, self.places = incidents, links, places
        self.layers = dict(layers or {})
        #: warned village outlines: (level, overdue, lon/lat rings), tinted in the level's colour
        self.areas = list(areas or [])
        #: lon/lat lines of the dike sections of incidents controlled or closed (drawn thin and grey;
        #: those out of control are the incident_sections layer's thick red)
        self.sections = list(sections or [])

    @classmethod
    def from_situation(cls, situation: Any, where: Places, *, minutes: float | None = None,
                       layers: Mapping[str, Any] | None = None) -> OperationsOverlay:
        """The overlay of ``situation``'s moment; ``minutes``: the answer time limit (default the engine's)."""
        from floodpost.data.situation.operations import ANSWER_MINUTES

        ops = getattr(situation, "operations", None)
        if ops is None:
            return cls([], [], [], layers)
        limit = ANSWER_MINUTES if minutes is None else minutes
        incidents = []
        by_name: dict[str, tuple[float, float]] = {}
        for inc in ops.incidents:
            xy = where.incidents.get(int(inc["fid"]))
            if xy is None:
                continue
            name = _text(inc.get("name"))
            by_name.setdefault(name, xy)
            incidents.append(IncidentMark(xy[0], xy[1], name, str(inc.get("kind") or "other"),
                                          str(inc.get("status") or "reported"), float(inc.get("age_min") or 0)))
        strength = {str(f.get("name")): int(f.get("personnel") or 0) for f in situation.forces}
        links = []
        for d in ops.dispatches:
            a, b = where.forces.get(str(d["force"])), by_name.get(str(d["incident"]))
            if a is None or b is None or not d.get("personnel"):
                continue
            sent = ops.committed.get(str(d["force"]), {}).get("personnel", 0)
            full = sent >= strength.get(str(d["force"]), 0)
            links.append(DispatchLink(str(d["force"]), str(d["incident"]), a[0], a[1], b[0], b[1],
                                      int(d["personnel"]), full))
        late = late_recipients(ops.recipients, limit)
        levels, area_levels = _levels(ops.warnings, where)
        marks = []
        keys = where.__dict__.get("_village_keys")
        if keys is None or len(keys) != len(where.villages):  # the villages' keys, once per reading of the places
            keys = where.__dict__["_village_keys"] = [rcp.village_key(c, t, n) for _, _, c, t, n in where.villages]
        for (lon, lat, _, _, _), level, key in zip(where.villages, levels, keys, strict=True):
            overdue = key in late
            if level is not None or overdue:
                marks.append(WarnedPlace(lon, lat, level, overdue))
        for key, level in feature_levels(ops.warnings).items():
            xy = where.features.get(key)
            if xy is not None:
                marks.append(WarnedPlace(xy[0], xy[1], level, key in late, village=False, size=_feature_size(key)))
        done = [line for m in incidents if m.style != "uncontrolled" for line in where.sections.get(m.name, [])]
        areas = []
        if where.village_areas:
            akeys = where.__dict__.get("_area_keys")
            if akeys is None or len(akeys) != len(where.village_areas):
                akeys = where.__dict__["_area_keys"] = [rcp.village_key(c, t, v) for c, t, v, _ in where.village_areas]
            for (_, _, _, rings), level, key in zip(where.village_areas, area_levels, akeys, strict=True):
                overdue = key in late
                if level is not None or overdue:
                    areas.append((level, overdue, rings))
        return cls(incidents, links, marks, layers, done, areas)

    def _shown(self, key: str) -> bool:
        layer = self.layers.get(key)
        return layer is None or bool(layer.visible)

    def _labelled(self, key: str) -> bool:
        layer = self.layers.get(key)
        return layer is None or bool(layer.visible and layer.labels)

    def plan(self, viewport: Viewport, scale: float = 1.0, page_text: PageText | None = None,
             labels: bool = True) -> _OpsPlan:
        """This frame's plan; without ``labels`` it only draws (the render helper's part)."""
        return _OpsPlan(self, viewport, scale, page_text or PageText.for_interface(), labels)

    def paint(self, painter: QPainter, viewport: Viewport, scale: float = 1.0) -> int:
        """Draw the overlay on its own (no labels); returns how many items were drawn."""
        from floodpost.layers.render.fonts import is_vector

        return self.plan(viewport, scale, labels=False).draw(painter, is_vector(painter))


def village_reach(where: Places) -> tuple[VillageReach, VillageReach]:
    """The villages and the village outlines indexed by the areas that reach them, once per ``Places``
    (the scene reads ahead: before the first moment)."""
    got = where.__dict__.get("_village_reach")
    if got is None:
        got = where.__dict__["_village_reach"] = (VillageReach([(c, t, n) for _, _, c, t, n in where.villages]),
                                                  VillageReach([(c, t, n) for c, t, n, _ in where.village_areas]))
    return got


def _levels(warnings: list[dict[str, Any]], where: Places) -> tuple[list[str | None], list[str | None]]:
    """Each village's (and village outline's) warning level: the highest of the warnings in force, each
    warning's reach worked out once (a season's warnings name 15,000 villages; a slider step that
    changes the warnings in force looks up only the new ones)."""
    cache: dict[tuple[Any, ...], tuple[np.ndarray, np.ndarray, Any]] = where.__dict__.setdefault("_warning_ranks", {})
    if len(cache) > 512:  # warnings made anew at each call (not the engine's): keep it small
        cache.clear()
    best_v = np.full(len(where.villages), -1, dtype=np.int8)
    best_a = np.full(len(where.village_areas), -1, dtype=np.int8)
    for w in warnings:
        # the engine hands a warning's same recipients list at every moment: its identity (the list
        # kept with the answer, so the id is not reused) spares a tuple of 1,000 keys per warning a step
        recipients = w.get("recipients") or ()
        key = (w.get("name"), w.get("fid"), w.get("issued_ms"), w.get("level"), id(recipients))
        got = cache.get(key)
        if got is None or got[2] is not recipients:
            villages, areas = village_reach(where)
            got = cache[key] = (villages.ranks(w), areas.ranks(w), recipients)
        np.maximum(best_v, got[0], out=best_v)
        np.maximum(best_a, got[1], out=best_a)
    return ([LEVELS[r] if r >= 0 else None for r in best_v.tolist()],
            [LEVELS[r] if r >= 0 else None for r in best_a.tolist()])


def _feature_size(key: str) -> float:
    layer = rcp.parse(key).layer
    sym = SYMBOLOGY.get(layer)
    return max((s.size for s in [*sym.classes.values(), sym.default]), default=12.0) if sym else 12.0


def _screen(viewport: Viewport, lonlat: list[tuple[float, float]]) -> tuple[np.ndarray, np.ndarray]:
    xy = np.asarray(lonlat, dtype=float).reshape(-1, 2)
    return viewport.to_screen(*to_mercator(xy[:, 0], xy[:, 1]))


class _OpsPlan:
    """One frame of the overlay: its labels join the placement pass; it reserves no boxes."""

    placements: list[Placement] = []

    def __init__(self, overlay: OperationsOverlay, viewport: Viewport, scale: float, text: PageText,
                 labels: bool = True) -> None:
        self.overlay, self.viewport, self.scale, self.text = overlay, viewport, scale, text
        self.labels = []
        if not labels:
            return
        inc = [m for m in overlay.incidents if m.style != "closed"] if overlay._labelled("incidents") else []
        for style in ("uncontrolled", "controlled"):
            marks = [m for m in inc if m.style == style]
            if not marks:
                continue
            x, y = _screen(viewport, [(m.lon, m.lat) for m in marks])
            offset = np.array([ring_radius(m.symbol, style, scale) + 2 * scale for m in marks])
            texts = [Phrase(m.name, age_text(m.age_min, text)) for m in marks]
            self.labels.append(label_batch(texts, x, y, INCIDENT_LABELS[style], point_offset=offset))
        links = overlay.links if overlay._shown("incidents") else []
        if links and overlay._labelled("incidents"):
            x0, y0 = _screen(viewport, [(k.lon0, k.lat0) for k in links])
            x1, y1 = _screen(viewport, [(k.lon1, k.lat1) for k in links])
            self.labels.append(label_batch([personnel_text(k.personnel, text) for k in links],
                                           (x0 + x1) / 2, (y0 + y1) / 2, DISPATCH_LABEL))

    def paint(self, painter: QPainter, vector: bool) -> int:
        self.draw(painter, vector)
        return 0

    def draw(self, painter: QPainter, vector: bool) -> int:
        ov, vp, s = self.overlay, self.viewport, self.scale
        drawn = 0
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        m = 40 * s

        def inside(x: float, y: float) -> bool:
            return -m <= x <= vp.width + m and -m <= y <= vp.height + m

        if ov.areas and ov._shown("villages"):
            # every outline's corners projected at once, each ring's polygon filled from its slice
            rings_all = [ring for _, _, rings in ov.areas for ring in rings]
            ends = np.cumsum([len(ring) for ring in rings_all]).tolist()
            corners = np.concatenate(rings_all) if rings_all else np.empty((0, 2))
            screen = np.column_stack(vp.to_screen(*to_mercator(corners[:, 0], corners[:, 1])))
            at = 0
            for level, overdue, rings in ov.areas:
                path = QPainterPath()
                for _ in rings:
                    path.addPolygon(qpolygonf(screen[(ends[at - 1] if at else 0) : ends[at]]))
                    at += 1
                colour = WARNING_COLOURS[level] if level else UNANSWERED_RING.stroke
                painter.setBrush(qcolor(colour + "38") if level else Qt.BrushStyle.NoBrush)
                if overdue:
                    _, pen = line_pens(UNANSWERED_RING, s)
                else:
                    pen = QPen(qcolor(colour), 1.5 * s)
                painter.setPen(pen)
                painter.drawPath(path)
                drawn += 1
        places = [p for p in ov.places if ov._shown("villages" if p.village else "incidents")]
        stamps = Stamps(painter) if may_stamp(painter) else None
        if places:
            px, py = _screen(vp, [(p.lon, p.lat) for p in places])
            for p, x, y in zip(places, px.tolist(), py.tolist(), strict=True):
                if not inside(x, y):
                    continue
                drawn += 1
                if stamps is not None:
                    reach = (p.size / 2 + 7 + 2) * s
                    stamps.add(("place", p.level, p.overdue, p.village, p.size, s), reach,
                               lambda q, cx, cy, p=p: paint_place(q, p, cx, cy, s), x, y)
                else:
                    paint_place(painter, p, x, y, s)
            if stamps is not None:
                stamps.flush()
        if ov.sections and ov._shown("incident_sections"):
            _, pen = line_pens(SECTION_CONTROLLED, s)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            for line in ov.sections:
                painter.drawPolyline(qpolygonf(np.column_stack(vp.to_screen(*to_mercator(line[:, 0], line[:, 1])))))
                drawn += 1
        links = ov.links if ov._shown("incidents") else []
        if links:
            drawn += paint_links(painter, vp, links, s)
        incidents = ov.incidents if ov._shown("incidents") else []
        if incidents:
            px, py = _screen(vp, [(i.lon, i.lat) for i in incidents])
            for mark, x, y in zip(incidents, px.tolist(), py.tolist(), strict=True):
                if not inside(x, y):
                    continue
                if stamps is not None:
                    sym, style = mark.symbol, mark.style
                    stamps.add(("status", sym, style, s), ring_radius(sym, style, s) + 5 * s,
                               lambda q, cx, cy, sym=sym, style=style: paint_status(q, sym, style, cx, cy, s), x, y)
                else:
                    paint_status(painter, mark.symbol, mark.style, x, y, s)
                drawn += 1
            if stamps is not None:
                stamps.flush()
        painter.restore()
        return drawn


def paint_place(painter: QPainter, p: WarnedPlace, x: float, y: float, scale: float = 1.0) -> None:
    """A warned village (filled in its level's colour) or feature (ringed), and its ring if not answered."""
    if p.level is not None and p.village:
        sym = Symbol(fill=WARNING_COLOURS[p.level], stroke=WARNED_VILLAGE.stroke,
                     stroke_width=WARNED_VILLAGE.stroke_width, shape=WARNED_VILLAGE.shape,
                     size=WARNED_VILLAGE.size)
        draw_marker(painter, sym, x, y, scale)
    elif p.level is not None:  # a warned feature: a ring in the level's colour
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(qcolor(WARNING_COLOURS[p.level]), 2.0 * scale))
        r = (p.size / 2 + 3) * scale
        painter.drawEllipse(QPointF(x, y), r, r)
    if p.overdue:
        paint_unanswered_ring(painter, x, y, (p.size / 2 + (4 if p.village else 7)) * scale, scale)


def paint_links(painter: QPainter, vp: Viewport, links: list[DispatchLink], scale: float = 1.0) -> int:
    """The dispatch links of a moment, off the force's marker and the incident's ring: see :func:`draw_links`."""
    x0, y0 = _screen(vp, [(k.lon0, k.lat0) for k in links])
    x1, y1 = _screen(vp, [(k.lon1, k.lat1) for k in links])
    gap0 = 9 * scale  # off the force's marker
    gap1 = ring_radius(SYMBOLOGY["incidents"].symbol_for(None), "uncontrolled", scale)
    dx, dy = x1 - x0, y1 - y0
    length = np.hypot(dx, dy)
    keep = length > gap0 + gap1
    if not keep.any():
        return 0
    full = np.array([k.full for k in links], dtype=bool)[keep]
    x0, y0, dx, dy, length = x0[keep], y0[keep], dx[keep], dy[keep], length[keep]
    ux, uy = dx / length, dy / length
    a = np.column_stack([x0 + ux * gap0, y0 + uy * gap0])
    b = np.column_stack([x0 + dx - ux * gap1, y0 + dy - uy * gap1])
    draw_links(painter, a, b, full, scale)
    return len(full)


def draw_links(painter: QPainter, a: np.ndarray, b: np.ndarray, full: np.ndarray, scale: float = 1.0) -> None:
    """Links from the points ``a`` to ``b`` (n x 2 pixels), solid where ``full``, dashed where not, with an
    arrow head at ``b``: a few Qt calls for all, every casing under every line (one call a link took 13 ms
    of a season's frame, and let the other threads take Python's lock at every call)."""
    d = b - a
    length = np.hypot(d[:, 0], d[:, 1])
    safe = np.where(length > 0, length, 1.0)
    ux, uy = d[:, 0] / safe, d[:, 1] / safe
    h = 7 * scale
    heads = np.stack([b, b - np.column_stack([ux * h + uy * h * 0.5, uy * h - ux * h * 0.5]),
                      b - np.column_stack([ux * h - uy * h * 0.5, uy * h + ux * h * 0.5])], axis=1)
    painter.save()
    painter.setBrush(Qt.BrushStyle.NoBrush)
    kinds = [(kind, full == (kind == "full")) for kind in ("free", "full")]
    lines = {kind: [QLineF(*ab) for ab in np.hstack([a[sel], b[sel]]).tolist()] for kind, sel in kinds}
    for kind, _ in kinds:  # every casing under every line
        casing, _pen = link_pens(kind, scale)
        if casing is not None and lines[kind]:
            painter.setPen(casing)
            painter.drawLines(lines[kind])
    for kind, sel in kinds:
        if not lines[kind]:
            continue
        _casing, pen = link_pens(kind, scale)
        painter.setPen(pen)
        painter.drawLines(lines[kind])
        colour = qcolor(DISPATCH_LINKS[kind].stroke)
        path = QPainterPath()
        for tri in heads[sel & (length > 0)].tolist():
            path.addPolygon(QPolygonF([QPointF(px, py) for px, py in tri]))
            path.closeSubpath()
        painter.setPen(QPen(colour, 1.0 * scale))
        painter.setBrush(colour)
        painter.drawPath(path)
        painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.restore()


def link_pens(kind: str, scale: float = 1.0) -> tuple[QPen | None, QPen]:
    """Casing and pen of a dispatch link (``full`` or ``free``)."""
    casing, pen = line_pens(DISPATCH_LINKS[kind], scale)
    # flat ends: a straight line with round caps leaves Qt's fast antialiased path (5-10 times slower; a
    # season's 200 links took 100 ms of every frame); the head covers the incident's end
    for p in (casing, pen):
        if p is not None:
            p.setCapStyle(Qt.PenCapStyle.FlatCap)
    if casing is not None:
        # an opaque casing: a translucent wide line is stroked as a path and filled, five times slower
        # (the season's 270 links: 30 ms a frame against 6)
        colour = casing.color()
        colour.setAlpha(255)
        casing.setColor(colour)
    return casing, pen


def paint_status(painter: QPainter, symbol: Symbol, style: str, x: float, y: float, scale: float = 1.0) -> None:
    """An incident's status over its marker at (x, y): halo ring, check ring or grey shape (legends too)."""
    st = INCIDENT_STATUS_STYLE[style]
    painter.save()
    if style == "closed":
        draw_marker(painter, Symbol(fill=st.fill, stroke=st.stroke, stroke_width=st.stroke_width,
                                    shape=symbol.shape, size=symbol.size), x, y, scale)
        painter.restore()
        return
    r = ring_radius(symbol, style, scale)
    painter.setPen(QPen(qcolor(st.stroke), st.stroke_width * scale))
    painter.setBrush(qcolor(st.fill) if st.fill else Qt.BrushStyle.NoBrush)
    if style == "uncontrolled":
        # the halo under the marker's colours would hide it: a ring of light red around it, drawn as a
        # circle with a pen as wide as the ring (a path subtracted from another cost more than the frame's rest)
        inner = symbol.size / 2 * scale
        if st.fill and r > inner:
            painter.setPen(QPen(qcolor(st.fill), r - inner))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(QPointF(x, y), (r + inner) / 2, (r + inner) / 2)
        painter.setPen(QPen(qcolor(st.stroke), st.stroke_width * scale))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawEllipse(QPointF(x, y), r, r)
    else:
        painter.drawEllipse(QPointF(x, y), r, r)
        # a check mark on a white disc at the ring's upper right
        cx, cy = x + r * 0.72, y - r * 0.72
        d = 4.2 * scale
        painter.setPen(QPen(qcolor(st.stroke), 1.0 * scale))
        painter.setBrush(qcolor("#ffffff"))
        painter.drawEllipse(QPointF(cx, cy), d, d)
        pen = QPen(qcolor(st.stroke), 1.6 * scale)
        pen.setCapStyle(Qt.PenCapStyle.RoundCap)
        pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
        painter.setPen(pen)
        tick = QPainterPath(QPointF(cx - d * 0.5, cy))
        tick.lineTo(QPointF(cx - d * 0.12, cy + d * 0.42))
        tick.lineTo(QPointF(cx + d * 0.55, cy - d * 0.4))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(tick)
    painter.restore()


def paint_link(painter: QPainter, a: QPointF, b: QPointF, full: bool, scale: float = 1.0) -> None:
    """A dispatch link from a force (``a``) to its incident (``b``), with an arrow head at the incident."""
    draw_links(painter, np.array([[a.x(), a.y()]]), np.array([[b.x(), b.y()]]), np.array([full]), scale)


def paint_unanswered_ring(painter: QPainter, x: float, y: float, r: float, scale: float = 1.0) -> None:
    """The dashed red ring of a recipient not answered in time."""
    sym = UNANSWERED_RING
    _, pen = line_pens(sym, scale)
    painter.save()
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(QPointF(x, y), r, r)
    painter.restore()


def paint_swatch(painter: QPainter, rect: QRectF, kind: str, code: str | None, scale: float = 1.0) -> None:
    """The legend swatch of one operations entry (``kind`` from :data:`SWATCH_KINDS`)."""
    c = rect.center()
    if kind == "incident_status":
        base = SYMBOLOGY["incidents"].symbol_for("other")
        fit = min(1.0, (rect.height() - 2 * scale) / (2 * ring_radius(base, str(code), scale) + 2 * scale))
        small = Symbol(fill="#757575", stroke=base.stroke, stroke_width=base.stroke_width, shape="circle",
                       size=base.size)
        if code != "closed":
            draw_marker(painter, small, c.x(), c.y(), scale * fit)
        paint_status(painter, small, str(code), c.x(), c.y(), scale * fit)
    elif kind == "section":
        _, pen = line_pens(SECTION_CONTROLLED, scale)
        painter.setPen(pen)
        painter.drawLine(QPointF(rect.left() + 2 * scale, c.y()), QPointF(rect.right() - 2 * scale, c.y()))
    elif kind == "dispatch":
        paint_link(painter, QPointF(rect.left() + 2 * scale, c.y()), QPointF(rect.right() - 2 * scale, c.y()),
                   code == "full", scale)
    elif kind == "warning_level":
        sym = Symbol(fill=WARNING_COLOURS[str(code)], stroke=WARNED_VILLAGE.stroke,
                     stroke_width=WARNED_VILLAGE.stroke_width, size=WARNED_VILLAGE.size)
        draw_marker(painter, sym, c.x(), c.y(), scale)
    elif kind == "unanswered":
        draw_marker(painter, SYMBOLOGY["villages"].default, c.x(), c.y(), scale)
        paint_unanswered_ring(painter, c.x(), c.y(), min(rect.height() / 2 - scale, 8 * scale), scale)


#: The legend swatch kinds drawn by :func:`paint_swatch`.
SWATCH_KINDS = ("incident_status", "section", "dispatch", "warning_level", "unanswered")
