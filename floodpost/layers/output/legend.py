"""Legend entries and their swatches, drawn by the same symbol code as the map.

:func:`legend_entries` gives a layer's classes (the layer panel lists them
all); :func:`map_legend` gives what one map actually shows: the classes
present in each visible layer, the situation overlays (evacuation bars,
stock tags, force halos) and the boundaries of the basemap, so the press
page's legend explains every symbol on it.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen

from floodpost.data.schema import LAYERS
from floodpost.data.schema.symbology import BASEMAP, SWATCH_KIND, SYMBOLOGY, Symbol
from floodpost.layers.output.pagetext import PageText
from floodpost.layers.render.symbols import draw_marker, fill_brush_pen, line_pens

#: The overlays' own swatch kinds (drawn here, in the overlays' colours).
OVERLAY_KINDS = ("bar", "chip", "tag", "tag_empty", "tag_inconsistent", "halo", "halo_withdrawn")
#: The operations overlay's swatch kinds, each written ``kind:code`` in an entry
#: (drawn by :func:`floodpost.layers.render.operations.paint_swatch`).
OPERATION_KINDS = ("incident_status", "section", "dispatch", "warning_level", "unanswered")
#: The water overlay's swatch kinds, each written ``kind:code`` in an entry
#: (drawn by :func:`floodpost.layers.render.water.paint_swatch`).
WATER_KINDS = ("station_state", "rain", "rising")


@dataclass(frozen=True)
class LegendEntry:
    """One row of a legend: the symbol, how to draw it, and its label."""

    key: str
    code: str | None
    symbol: Symbol
    kind: str
    label: str


@dataclass(frozen=True)
class LegendGroup:
    """A heading (the layer's name) and its rows."""

    title: str
    entries: tuple[LegendEntry, ...]


def _swatch_kind(key: str) -> str:
    kind = SWATCH_KIND.get(key)
    if kind is not None:
        return kind
    geometry = str(getattr(LAYERS[key], "geometry", "") or "").lower()
    return "line" if "line" in geometry else "polygon" if "polygon" in geometry else "point"


def legend_entries(key: str, lang: str = "zh", text: PageText | None = None, *,
                   operations: bool = True) -> list[LegendEntry]:
    """The classes of one layer, labelled from the schema's enum labels.

    ``text`` gives the language of the few words not in the schema (a
    press page's own); None: the interface's. With ``operations`` the
    incidents and villages also list how the moment shown draws them
    (status rings, dispatch links, warning levels, the unanswered ring).
    """
    text = text or PageText.for_interface()
    sym = SYMBOLOGY[key]
    schema = LAYERS[key]
    kind = _swatch_kind(key)
    if not sym.classes:
        out = [LegendEntry(key, None, sym.default, kind, schema.label(lang))]
    else:
        field = schema.field(sym.field) if sym.field else None
        out = []
        for code, symbol in sym.classes.items():
            choice = field.choice(code) if field is not None else None
            label = (choice.zh if lang.startswith("zh") else choice.en) if choice else code
            out.append(LegendEntry(key, code, symbol, kind, label))
    if operations:
        out += operation_entries(key, text) + water_entries(key, text)
    return out


def water_entries(key: str, text: PageText, present: set[str] | None = None) -> list[LegendEntry]:
    """How the water overlay draws the gauges as of a moment (``present``: only these codes,
    written ``state:<state>``, ``rain:<lower bound>`` or ``rising``)."""
    from floodpost.data.schema.symbology import RAIN_RAMP

    if key != "stations":
        return []
    unit = text.translate("legend", "Rain 24 h: %1 mm")
    rows: list[tuple[str, str, str]] = [
        ("station_state", "over_check", text.translate("legend", "Over check level")),
        ("station_state", "over_guaranteed", text.translate("legend", "Over guaranteed (design) level")),
        ("station_state", "over_warning", text.translate("legend", "Over warning (flood-limit) level")),
        ("station_state", "normal", text.translate("legend", "Below warning level")),
        ("rising", "rising", text.translate("legend", "Rising fast")),
    ]
    for i, (lower, _) in enumerate(RAIN_RAMP):
        upper = RAIN_RAMP[i + 1][0] if i + 1 < len(RAIN_RAMP) else None
        # a plain "-": the PDF's text layer gave an en dash back as a figure dash (‒) and "～" as "〜"
        span = f"{lower:g}-{upper:g}" if upper is not None else f"≥{lower:g}"
        rows.append(("rain", f"{lower:g}", unit.replace("%1", span)))
    rows.append(("station_state", "no_reading", text.translate("legend", "No reading, or overdue")))
    out = []
    for kind, code, label in rows:
        full = "rising" if kind == "rising" else f"{'state' if kind == 'station_state' else kind}:{code}"
        if present is None or full in present:
            out.append(LegendEntry(key, code, Symbol(), f"{kind}:{code}", label))
    return out


def operation_entries(key: str, text: PageText, present: set[str] | None = None) -> list[LegendEntry]:
    """How the operations overlay draws ``key``'s features as of a moment (``present``: only these codes)."""
    from floodpost.data.schema import WARNING_LEVELS
    from floodpost.layers.model.operations import LEVELS

    rows: list[tuple[str, str, str]] = []
    if key == "incidents":
        rows = [
            ("incident_status", "uncontrolled", text.translate("legend", "Out of control")),
            ("incident_status", "controlled", text.translate("legend", "Under control")),
            ("incident_status", "closed", text.translate("legend", "Closed")),
            ("section", "muted", text.translate("legend", "Section under control")),
            ("dispatch", "full", text.translate("legend", "Sent, none left free")),
            ("dispatch", "free", text.translate("legend", "Sent, some still free")),
        ]
    elif key == "villages":
        choices = {c.code: c for c in WARNING_LEVELS}
        for level in reversed(LEVELS):
            c = choices[level]
            # the colour alone, as warnings are spoken of (红色预警); the legend stays narrow
            colour = (c.zh if text.zh else c.en).split("（")[0].split(" (")[0]
            label = text.translate("legend", "Warning: %1").replace("%1", colour)
            rows.append(("warning_level", level, label))
        rows.append(("unanswered", "unanswered", text.translate("legend", "Not answered in time")))
    return [LegendEntry(key, code, Symbol(), f"{kind}:{code}", label) for kind, code, label in rows
            if present is None or code in present]


def layer_classes(layer: Any) -> set[str] | None:
    """Class codes the layer's features carry (None: the layer is not classified)."""
    sym = layer.symbology
    table = layer.table
    if not sym.field or table is None or sym.field not in table:
        return None
    # once per version of the layer's data: the meeting view's legend asks at every slider step
    key = (getattr(layer, "data_token", None), getattr(layer, "version", None), id(table), sym.field)
    cached = getattr(layer, "_classes_cache", None)
    if cached is not None and cached[0] == key and key[0] is not None:
        return set(cached[1])
    found = set(map(str, table[sym.field].dropna().unique()))
    with contextlib.suppress(AttributeError):
        layer._classes_cache = (key, frozenset(found))
    return found


def map_legend(scene: Any, text: PageText) -> list[LegendGroup]:
    """Every symbol the map shows, grouped by layer, top of the map first.

    Only classes present in the data are listed; the situation overlays sit
    with the layer they belong to (bars with the storage areas, stock tags
    with the depots, halos with the forces), and the basemap's boundaries
    come last.
    """
    lang = text.lang
    overlays = {type(o).__name__: o for o in getattr(scene.painter, "overlays", [])}
    shown = [layer for layer in reversed(list(scene.layers)) if layer.visible and layer.count > 0]
    # an outline layer (a village's boundary, an incident's dike section) is one row in its
    # owner's group, not a group of its own: a press page has room for the legend it needs
    owners = {LAYERS[layer.key].outline_layer: layer.key for layer in shown
              if layer.key in LAYERS and LAYERS[layer.key].outline_layer}
    companions: dict[str, list[LegendEntry]] = {}
    groups = []
    for layer in shown:
        present = layer_classes(layer)
        entries = []
        for e in legend_entries(layer.key, lang, text, operations=False):
            if present is None or e.code is None or e.code in present:
                entries.append(e)
        entries += _overlay_entries(layer.key, overlays, text)
        if layer.key in owners and layer.key not in ("reservoir_areas",):
            companions[owners[layer.key]] = [
                LegendEntry(e.key, e.code, e.symbol, e.kind, layer.title(lang)) if e.code is None else e
                for e in entries]
            continue
        if entries:
            groups.append(LegendGroup(layer.title(lang), tuple(entries)))
    if companions:  # outline layers are drawn under their owners, so they come after them in the loop
        titles = {layer.title(lang): layer.key for layer in shown}
        groups = [LegendGroup(g.title, g.entries + tuple(companions.get(titles.get(g.title, ""), ())))
                  for g in groups]
    basemap = getattr(scene.painter, "basemap", None)
    vector = getattr(basemap, "vector", basemap)
    if vector is not None and hasattr(vector, "counties") and len(vector.counties):
        groups.append(LegendGroup(text.translate("legend", "Boundaries"), (
            LegendEntry("basemap", "city", Symbol(stroke=BASEMAP["city_stroke"], stroke_width=1.6), "boundary",
                        text.translate("legend", "City boundary")),
            LegendEntry("basemap", "county", Symbol(stroke=BASEMAP["county_stroke"], stroke_width=1.0, dash=(6, 3)),
                        "boundary", text.translate("legend", "County boundary")),
        )))
    return groups


def _overlay_entries(key: str, overlays: dict[str, Any], text: PageText) -> list[LegendEntry]:
    from floodpost.layers.render.overlays import STAGE_COLOURS, tag_kind

    out: list[LegendEntry] = []
    if key == "storage_areas" and getattr(overlays.get("EvacuationOverlay"), "bars", None):
        bars = overlays["EvacuationOverlay"].bars
        out.append(LegendEntry(key, "bar", Symbol(), "bar", text.translate("legend", "Evacuation (bar: persons planned)")))
        stages = [("transferred", text.translate("legend", "Transferred")), ("sheltered", text.translate("legend", "Sheltered")),
                  ("returned", text.translate("legend", "Returned home"))]
        for stage, label in stages:
            if stage == "transferred" or any(getattr(b, stage) > 0 for b in bars):
                out.append(LegendEntry(key, stage, Symbol(fill=STAGE_COLOURS[stage]), "chip", label))
    if key == "depots" and getattr(overlays.get("DepotOverlay"), "tags", None):
        kinds = {tag_kind(t.bags) for t in overlays["DepotOverlay"].tags}
        out.append(LegendEntry(key, "tag", Symbol(), "tag", text.translate("legend", "Sandbags on hand")))
        if "empty" in kinds:
            out.append(LegendEntry(key, "tag_empty", Symbol(), "tag_empty", text.translate("legend", "No sandbags left")))
        if "inconsistent" in kinds:
            out.append(LegendEntry(key, "tag_inconsistent", Symbol(), "tag_inconsistent",
                                   text.translate("legend", "Records disagree (more sent out than held)")))
    ops = overlays.get("OperationsOverlay")
    if key == "incidents" and ops is not None:
        shown = {m.style for m in ops.incidents} | {"full" if k.full else "free" for k in ops.links}
        if ops.sections:
            shown.add("muted")
        out += operation_entries(key, text, shown)
    if key == "villages" and ops is not None:
        shown = {p.level for p in ops.places if p.level} | ({"unanswered"} if any(p.overdue for p in ops.places) else set())
        out += operation_entries(key, text, shown)
    water = overlays.get("WaterOverlay")
    if key == "stations" and water is not None and water.marks:
        out += water_entries(key, text, water.codes())
    if key == "forces" and getattr(overlays.get("ForcesOverlay"), "items", None):
        items = overlays["ForcesOverlay"].items
        out.append(LegendEntry(key, "halo", Symbol(fill="#2e7d32"), "halo", text.translate("legend", "Circle size: personnel")))
        if any(i[4] == "withdrawn" for i in items):
            out.append(LegendEntry(key, "halo_withdrawn", Symbol(), "halo_withdrawn", text.translate("legend", "Withdrawn")))
    return out


def paint_swatch(
    painter: QPainter, rect: QRectF, symbol: Symbol, kind: str, scale: float = 1.0, vector: bool = False,
    text: PageText | None = None,
) -> None:
    """Draw one legend swatch into ``rect`` (device pixels)."""
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    c = rect.center()
    if kind.partition(":")[0] in OPERATION_KINDS:
        from floodpost.layers.render.operations import paint_swatch as paint_operation

        paint_operation(painter, rect, *kind.partition(":")[::2], scale)
    elif kind.partition(":")[0] in WATER_KINDS:
        from floodpost.layers.render.water import paint_swatch as paint_water

        paint_water(painter, rect, *kind.partition(":")[::2], scale)
    elif kind in OVERLAY_KINDS:
        _paint_overlay_swatch(painter, rect, symbol, kind, scale, vector, text)
    elif kind == "point":
        # Keep big markers inside the swatch box.
        fit = min(1.0, (min(rect.width(), rect.height()) - 2 * scale) / max(symbol.size * scale, 1))
        draw_marker(painter, symbol, c.x(), c.y(), scale * fit)
    elif kind in ("line", "boundary"):
        if kind == "boundary":  # a straight stretch of boundary
            path = QPainterPath(QPointF(rect.left() + 2 * scale, c.y()))
            path.lineTo(QPointF(rect.right() - 2 * scale, c.y()))
        else:
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


def _paint_overlay_swatch(painter: QPainter, rect: QRectF, symbol: Symbol, kind: str, scale: float,
                          vector: bool, text: PageText | None) -> None:
    from floodpost.layers.render.fonts import cjk_family
    from floodpost.layers.render.overlays import STAGE_COLOURS, halo_pen_brush, paint_tag
    from floodpost.layers.render.symbols import qcolor

    c = rect.center()
    h = min(rect.height() * 0.45, 9 * scale)
    if kind == "bar":
        bar = QRectF(rect.left() + 1 * scale, c.y() - h / 2, rect.width() - 2 * scale, h)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#d9d9d9"))
        painter.drawRect(bar)
        painter.setBrush(QColor(STAGE_COLOURS["transferred"]))
        painter.drawRect(QRectF(bar.left(), bar.top(), bar.width() * 0.7, bar.height()))
        painter.setBrush(QColor(STAGE_COLOURS["sheltered"]))
        painter.drawRect(QRectF(bar.left(), bar.top() + h * 0.45, bar.width() * 0.4, h * 0.55))
        painter.setPen(QPen(QColor("#333333"), max(1.0, scale)))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRect(bar)
    elif kind == "chip":
        painter.setPen(QPen(QColor("#333333"), max(0.5, 0.6 * scale)))
        painter.setBrush(qcolor(symbol.fill))
        painter.drawRect(QRectF(rect.left() + 3 * scale, c.y() - h / 2, rect.width() - 6 * scale, h))
    elif kind.startswith("tag"):
        from PySide6.QtGui import QFont

        font = QFont(cjk_family())
        font.setPixelSize(max(4, round(min(rect.height() * 0.55, 10 * scale))))
        painter.setFont(font)
        word = (text or PageText.for_interface()).translate("legend", "bags")
        paint_tag(painter, rect.adjusted(0, rect.height() * 0.12, 0, -rect.height() * 0.12), word,
                  {"tag": "stock", "tag_empty": "empty", "tag_inconsistent": "inconsistent"}[kind], scale, vector)
    else:  # halos: a small and a larger circle
        status = "withdrawn" if kind == "halo_withdrawn" else "on_duty"
        pen, brush = halo_pen_brush(qcolor(symbol.fill or "#444444"), status, scale)
        painter.setPen(pen)
        painter.setBrush(brush)
        r = min(rect.height() / 2 - scale, rect.width() / 3)
        painter.drawEllipse(QPointF(c.x(), c.y()), r, r)
        if kind == "halo":
            painter.drawEllipse(QPointF(rect.left() + r * 0.55 + scale, c.y() + r * 0.45), r * 0.5, r * 0.5)


def swatch_image(symbol: Symbol, kind: str, width: int = 28, height: int = 20, scale: float = 1.0) -> QImage:
    """A swatch as a transparent image, for icons in the layer panel."""
    img = QImage(int(width * scale), int(height * scale), QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(Qt.GlobalColor.transparent)
    p = QPainter(img)
    paint_swatch(p, QRectF(0, 0, img.width(), img.height()), symbol, kind, scale)
    p.end()
    return img
