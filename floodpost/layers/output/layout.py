"""The composed map for press conferences and print: one page, drawn by the map's own painter.

Title, as-of subtitle, the map, a legend of the visible layers, a scale bar,
a north arrow, the headline figures and the footer (data source, producer,
the basemap's map review number 审图号 when set). The same ``compose``
draws the dialog's preview, the PNG and the vector PDF, so they agree.
QtGui only.
"""

from __future__ import annotations

import math
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QCoreApplication,
    QIODevice,
    QMarginsF,
    QPointF,
    QRectF,
    QSizeF,
    Qt,
)
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

from floodpost.layers.model.viewport import Viewport
from floodpost.layers.output.legend import LegendGroup, map_legend, paint_swatch
from floodpost.layers.output.pagetext import PageText
from floodpost.layers.render.fonts import (
    draw_text,
    draw_text_in,
    is_vector,
    map_font,
    metrics,
    text_width,
)

#: Output presets: (width mm or px, height, dpi); "screen" is pixels at 96 dpi.
PRESETS = {
    "screen": {"size_px": (1920, 1080), "dpi": 96},
    "a4": {"size_mm": (297.0, 210.0), "dpi": 300},
    "a3": {"size_mm": (420.0, 297.0), "dpi": 300},
}


@dataclass
class LayoutOptions:
    """What the page says; ``press`` keeps every personal name and phone off it.

    ``lang`` is the page's own language (``zh`` unless asked otherwise),
    whatever the interface's; ``illustrative`` prints the 示意数据 mark.
    """

    title: str = ""
    subtitle: str = ""  # e.g. 截至2021年7月25日8时（最新报告）
    source: str = ""
    producer: str = ""
    review_number: str = ""  # 审图号 of the basemap, shown when set
    press: bool = False
    #: (label, value) or (label, value, "更新于7月22日10时", overdue): see ``headline_figures``
    headline: list[tuple[Any, ...]] = field(default_factory=list)
    lang: str = "zh"
    illustrative: bool = False


@dataclass
class ComposedPage:
    """Where each part of the page went, the map's labels in page pixels, and what the user should know."""

    parts: dict[str, QRectF]
    labels: list[tuple[str, float, float]]  # text, left, baseline (page pixels)
    warnings: list[str]
    legend_pt: float = 0.0  # the legend's type size, in points
    map_stats: Any = None  # the map painter's RenderStats (labels and overlay items in map pixels)
    strings: list[str] = field(default_factory=list)  # the page's own lines of text (map labels aside), as drawn


#: The strings drawn on the page being composed (in this thread), in drawing order.
_STRINGS: ContextVar[list[str] | None] = ContextVar("page_strings", default=None)


def _put_in(painter: QPainter, rect: QRectF, align: Qt.AlignmentFlag, text: str, vector: bool) -> None:
    """One line of the page's own text, in ``rect``, remembered for :attr:`ComposedPage.strings`."""
    draw_text_in(painter, rect, align, text, vector)
    got = _STRINGS.get()
    if got is not None and text:
        got.append(text)


def _put_at(painter: QPainter, origin: QPointF, text: str, vector: bool) -> None:
    draw_text(painter, origin, text, vector)
    got = _STRINGS.get()
    if got is not None and text:
        got.append(text)


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


#: Each press figure's source for its age (``freshness.FIGURE_SOURCES``), in the order of the figures.
PRESS_FIGURE_SOURCES = ("evacuation", "evacuation", "forces", "materials")


def _short_when(stored: str, zh: bool) -> str:
    from floodpost.data.timeutil import from_storage

    dt = from_storage(stored)
    if dt is None:
        return ""
    if zh:
        return f"{dt.month}月{dt.day}日{dt.hour}时" + (f"{dt.minute}分" if dt.minute else "")
    return dt.strftime("%d %b %H:%M")


def age_line(figure: str, reported: dict[str, str], at: str, text: PageText, now: str | None = None) -> tuple[str, bool]:
    """("更新于7月22日10时", overdue) for a figure at ``at``; ("", False) before its first report."""
    from floodpost.data.situation.freshness import figure_age

    age = figure_age(figure, reported, at, now)
    if age is None:
        return "", False
    when = _short_when(age.latest, text.zh)
    line = (text.translate("layout", "Updated %1 (overdue)") if age.stale
            else text.translate("layout", "Updated %1"))
    return line.replace("%1", when), age.stale


def headline_figures(totals: dict[str, Any], lang: str | PageText = "zh",
                     operations: bool | None = None, at: str | None = None,
                     now: str | None = None) -> list[tuple[Any, ...]]:
    """The press panel: persons transferred and sheltered, forces and personnel, sandbags; once
    there are any, incidents uncontrolled of all reported, and the share of the recipients of the
    warnings in force that answered.

    Counts only: who reported an incident or answered a call never reaches a press page.
    ``operations`` True or False shows the operations figures or not whatever the moment holds
    (a replay decides once, so its frames keep one layout). Once a workspace has gauges, the
    stations over warning (超警 or 超汛限).

    With ``at`` (the moment's stored time; ``now`` for the live end) each figure also says when
    its newest report came and whether that is overdue: (label, value, "更新于7月22日10时", overdue).
    """
    text = lang if isinstance(lang, PageText) else PageText(lang)
    ev = totals["evacuation"]["persons"]
    fo = totals["forces"]
    bags = totals["materials"].get("dispatch", {}).get("sandbag", 0)
    out = [
        (text.translate("layout", "Persons transferred"), f"{ev['transferred']:,}"),
        (text.translate("layout", "Persons sheltered"), f"{ev['sheltered']:,}"),
        (text.translate("layout", "Rescue teams / personnel"), f"{fo['teams']:,} / {fo['personnel']:,}"),
        (text.translate("layout", "Sandbags dispatched"), f"{bags:,.0f}"),
    ]
    inc, war = totals.get("incidents"), totals.get("warnings")
    # Only once there is an incident or a warning: a page of the evacuation alone keeps its legend room.
    if operations is None:
        operations = inc is not None and war is not None and bool(inc["total"] or war["active"])
    if operations and inc is not None and war is not None:
        share = f"{war['answered'] / war['recipients'] * 100:.0f}%" if war["recipients"] else "0 / 0"
        out += [
            (text.translate("layout", "Incidents uncontrolled / reported"), f"{inc['uncontrolled']:,} / {inc['total']:,}"),
            (text.translate("layout", "Answered, of %1 warnings in force").replace("%1", f"{war['active']:,}"), share),
        ]
    sources = list(PRESS_FIGURE_SOURCES) + ["incidents", "warnings"][: len(out) - len(PRESS_FIGURE_SOURCES)]
    water = totals.get("water")
    if water and (water.get("reporting") or water.get("over")):
        out.append((text.translate("layout", "Stations over warning"), f"{int(water.get('over_warning', 0)):,}"))
        sources.append("water")
    if at is None:
        return out
    reported = totals.get("reported", {})
    return [(label, value, *age_line(src, reported, at, text, now)) for (label, value), src in zip(out, sources,
                                                                                                 strict=True)]


def compose(painter: QPainter, page: QRectF, scene: Any, bounds: tuple[float, float, float, float],
            options: LayoutOptions, scale: float) -> ComposedPage:
    """Draw the whole page into ``page`` (device pixels).

    The language is the page's own (``options.lang``). On a PDF the map's
    labels and symbols are text and paths (the painter's vector mode) and
    every string is drawn as glyphs that extract exactly.
    """
    strings: list[str] = []
    token = _STRINGS.set(strings)
    try:
        page = _compose(painter, page, scene, bounds, options, scale)
    finally:
        _STRINGS.reset(token)
    page.strings = strings
    return page


@dataclass
class PageContext:
    """What the page's elements share while the page is composed: where things went, what to warn about."""

    painter: QPainter
    page: QRectF
    scene: Any
    bounds: tuple[float, float, float, float]
    options: LayoutOptions
    u: float  # one "point" of the layout in device pixels at 96 dpi
    text: PageText
    vector: bool
    parts: dict[str, QRectF] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    labels: list[tuple[str, float, float]] = field(default_factory=list)
    fit: Any = None  # the legend as fitted into the side panel
    side: QRectF = field(default_factory=QRectF)
    viewport: Any = None
    stats: Any = None

    @property
    def margin(self) -> float:
        return 24 * self.u


def _title(c: PageContext) -> None:
    p, m = c.painter, c.margin
    p.setFont(map_font(22, bold=True, scale=c.u))
    p.setPen(QColor("#102a43"))
    c.parts["title"] = QRectF(c.page.left() + m, c.page.top() + m, c.page.width() - 2 * m, p.fontMetrics().height())
    _put_in(p, c.parts["title"], Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignVCenter, c.options.title, c.vector)


def _subtitle(c: PageContext) -> None:
    p, title = c.painter, c.parts["title"]
    p.setFont(map_font(12, scale=c.u))
    p.setPen(QColor("#334e68"))
    c.parts["subtitle"] = QRectF(title.left(), title.bottom() + 4 * c.u, title.width(), p.fontMetrics().height())
    _put_in(p, c.parts["subtitle"], Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, c.options.subtitle,
            c.vector)


def _illustrative_mark(c: PageContext) -> None:
    if c.options.illustrative:
        c.parts["illustrative"] = _paint_stamp(c.painter, QPointF(c.page.right() - c.margin, c.page.top() + c.margin),
                                               c.text.translate("layout", "Illustrative data, not records"), c.u,
                                               c.vector)


def _footer(c: PageContext) -> None:
    p, m, o, text = c.painter, c.margin, c.options, c.text
    p.setFont(map_font(8.5, scale=c.u))
    fh = p.fontMetrics().height()
    foot = QRectF(c.page.left() + m, c.page.bottom() - m - fh, c.page.width() - 2 * m, fh)
    left = "  ".join(t for t in (
        text.translate("layout", "Data: %1").replace("%1", o.source) if o.source else "",
        text.translate("layout", "Made by: %1").replace("%1", o.producer) if o.producer else "",
    ) if t)
    right = text.translate("layout", "Map review number: %1").replace("%1", o.review_number) if o.review_number else ""
    p.setPen(QColor("#486581"))
    _put_in(p, foot, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, left, c.vector)
    _put_in(p, foot, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, right, c.vector)
    c.parts["footer"] = foot


def _panels(c: PageContext) -> None:
    """Share the page between the map and the side panel, as wide as the legend needs (draws nothing)."""
    u, m = c.u, c.margin
    top = c.parts["subtitle"].bottom() + 14 * u
    bottom = c.parts["footer"].top() - 10 * u
    groups = map_legend(c.scene, c.text)
    base = max(230 * u, c.page.width() * 0.2)
    panels = []
    for width in (base, base * 1.2, base * 1.4, base * 1.6, base * 1.8):
        head_h = _headline_height(c.painter, c.options.headline, width, u, c.vector, c.text)
        panels.append((width, bottom - top - head_h - 12 * u))
    width, c.fit = _fit_legend(groups, panels, u, c.vector)
    if not c.fit.fits:
        c.warnings.append(QCoreApplication.translate(
            "layout", "The legend is set in %1 pt type to fit; a larger page would be easier to read.").replace(
                "%1", f"{c.fit.pt:g}"))
    c.side = QRectF(c.page.right() - m - width, top, width, bottom - top)
    map_rect = QRectF(c.page.left() + m, top, c.side.left() - 14 * u - (c.page.left() + m), c.side.height())
    # Whole device pixels: the map is drawn exactly as a plain snapshot of its size would be.
    c.parts["map"] = QRectF(round(map_rect.left()), round(map_rect.top()), int(map_rect.width()),
                            int(map_rect.height()))


def _headline(c: PageContext) -> None:
    y = _paint_headline(c.painter, c.side, c.options.headline, c.u, c.vector, c.text)
    c.parts["headline"] = QRectF(c.side.left(), c.side.top(), c.side.width(), y - c.side.top())


def _legend(c: PageContext) -> None:
    y = c.parts["headline"].bottom()
    c.parts["legend"] = _paint_legend(
        c.painter, QRectF(c.side.left(), y + 12 * c.u, c.side.width(), c.side.bottom() - y - 12 * c.u),
        c.fit, c.u, c.vector, c.text)


def _map(c: PageContext) -> None:
    """The map, by the canvas's painter, clipped to its frame, and the frame."""
    p, u, map_rect = c.painter, c.u, c.parts["map"]
    c.viewport = Viewport.for_lonlat(c.bounds, max(1, int(map_rect.width())), max(1, int(map_rect.height())), 96 * u)
    p.save()
    p.translate(map_rect.topLeft())
    p.setClipRect(QRectF(0, 0, map_rect.width(), map_rect.height()))
    c.stats = c.scene.painter.paint(p, c.viewport, list(c.scene.layers), scale=u, page_text=c.text)
    p.restore()
    if c.stats.hidden:
        c.warnings.append(QCoreApplication.translate(
            "layout", "%1 stock tags found no room on the map and are left out.").replace("%1", str(c.stats.hidden)))
    c.labels = [(t, x + map_rect.left(), yb + map_rect.top()) for t, _, x, yb in c.stats.placed]
    p.setPen(QPen(QColor("#243b53"), 1.2 * u))
    p.setBrush(Qt.BrushStyle.NoBrush)
    p.drawRect(map_rect)


def _scale_bar(c: PageContext) -> None:
    c.parts["scalebar"] = _paint_scale_bar(c.painter, c.parts["map"], c.viewport, c.u, c.vector)


def _north_arrow(c: PageContext) -> None:
    c.parts["north"] = _paint_north(c.painter, c.parts["map"], c.u, c.vector)


#: The page, element by element, in the order they are placed and drawn. Each is a small
#: painter of its own part that records where it went in ``parts``; a new element on the
#: page is one function here (placed after the elements whose places it needs).
PAGE_ELEMENTS: tuple[Callable[[PageContext], None], ...] = (
    _title, _subtitle, _illustrative_mark, _footer, _panels, _headline, _legend, _map, _scale_bar, _north_arrow,
)


def _compose(painter: QPainter, page: QRectF, scene: Any, bounds: tuple[float, float, float, float],
             options: LayoutOptions, scale: float) -> ComposedPage:
    c = PageContext(painter, page, scene, bounds, options, scale, PageText(options.lang), is_vector(painter))
    painter.save()
    painter.fillRect(page, QColor("#ffffff"))
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing, True)
    for element in PAGE_ELEMENTS:
        element(c)
    painter.restore()
    return ComposedPage(c.parts, c.labels, c.warnings, c.fit.pt, c.stats)


def _paint_stamp(painter: QPainter, top_right: QPointF, label: str, u: float, vector: bool) -> QRectF:
    """The 示意数据 mark: a red outlined box in the page's top right corner."""
    painter.setFont(map_font(11, bold=True, scale=u))
    fm = painter.fontMetrics()
    w = text_width(label, painter.font(), vector) + 16 * u
    h = fm.height() + 8 * u
    rect = QRectF(top_right.x() - w, top_right.y(), w, h)
    painter.setPen(QPen(QColor("#c62828"), 1.6 * u))
    painter.setBrush(QColor(255, 255, 255))
    painter.drawRoundedRect(rect, 3 * u, 3 * u)
    painter.setPen(QColor("#c62828"))
    _put_in(painter, rect, Qt.AlignmentFlag.AlignCenter, label, vector)
    return rect


NOTE_PT = 7.5


def _notes(items: list[tuple[Any, ...]]) -> bool:
    """Whether any figure carries its age line."""
    return any(len(it) > 2 and it[2] for it in items)


def _note_spot(item: tuple[Any, ...], cell_w: float, lines: int, u: float, vector: bool) -> str:
    """Where a figure's age line goes: beside its number, beside its one-line label, or "below" on a
    line of its own (a legend already at its smallest type on an A4 press page has no height to give)."""
    if len(item) < 3 or not item[2]:
        return ""
    note = text_width(item[2], map_font(NOTE_PT, scale=u), vector) + 8 * u
    if text_width(item[1], map_font(16, True, u), vector) + note <= cell_w - 4 * u:
        return "value"
    label_font = map_font(9, scale=u)
    if (lines == 1 or _wrap(item[0], label_font, cell_w - 8 * u, vector) == [item[0]]) and \
            text_width(item[0], label_font, vector) + note <= cell_w - 4 * u:
        return "label"
    return "below"


def _note_rows(items: list[tuple[Any, ...]], per_row: int, width: float, lines: int, u: float,
               vector: bool) -> list[float]:
    """The height the age lines add to each row of figures (none where they fit beside)."""
    nh = metrics(NOTE_PT, False, u).height()
    cell_w = width / per_row
    rows = [0.0] * ((len(items) + per_row - 1) // per_row)
    for i, it in enumerate(items):
        if _note_spot(it, cell_w, lines, u, vector) == "below":
            rows[i // per_row] = nh
    return rows


def _headline_cells(items: list[tuple[Any, ...]], width: float, u: float, vector: bool) -> tuple[int, int]:
    """(figures a row, lines a label takes): three a row when there are more than four figures and
    each value, label (in at most two lines) and age line fits a third of the panel; else two a row
    on the same terms (English labels are long); else one a row on one line. Fewer rows of
    figures leave the legend its type size when the operations and gauges add figures."""
    if not items:
        return 1, 1
    value_font, label_font = map_font(16, True, u), map_font(9, scale=u)
    note_font = map_font(NOTE_PT, scale=u)
    for per_row in ((3, 2) if len(items) > 4 else (2,)):
        cell = width / per_row - 8 * u
        if all(text_width(it[1], value_font, vector) <= cell for it in items) and all(
                text_width(it[2], note_font, vector) <= cell for it in items if len(it) > 2):
            wrapped = [_wrap(it[0], label_font, cell, vector) for it in items]
            if all(w is not None for w in wrapped):
                return per_row, max(len(w or ()) for w in wrapped)
    return 1, 1


def _headline_height(painter: QPainter, items: list[tuple[Any, ...]], width: float, u: float, vector: bool,
                     text: PageText) -> float:
    if not items:
        return 0.0
    per_row, lines = _headline_cells(items, width, u, vector)
    rows = (len(items) + per_row - 1) // per_row
    cell = metrics(16, True, u).height() + lines * metrics(9, False, u).height() + 6 * u
    return 22 * u + rows * cell + sum(_note_rows(items, per_row, width, lines, u, vector))


def _paint_headline(painter: QPainter, rect: QRectF, items: list[tuple[Any, ...]], u: float, vector: bool,
                    text: PageText) -> float:
    y = rect.top()
    if not items:
        return y
    painter.setPen(QColor("#102a43"))
    painter.setFont(map_font(11, bold=True, scale=u))
    _put_in(painter, QRectF(rect.left(), y, rect.width(), 20 * u), Qt.AlignmentFlag.AlignLeft,
                 text.translate("layout", "Key figures"), vector)
    y += 22 * u
    per_row, lines = _headline_cells(items, rect.width(), u, vector)
    cell_w = rect.width() / per_row
    vh = metrics(16, True, u).height()
    lh = metrics(9, False, u).height()
    label_font = map_font(9, scale=u)
    extra = _note_rows(items, per_row, rect.width(), lines, u, vector)
    tops = [y + r * (vh + lines * lh + 6 * u) + sum(extra[:r]) for r in range(len(extra))]
    note_font, value_font = map_font(NOTE_PT, scale=u), map_font(16, bold=True, scale=u)
    for i, item in enumerate(items):
        label, value = item[0], item[1]
        x = rect.left() + (i % per_row) * cell_w
        yy = tops[i // per_row]
        painter.setFont(map_font(16, bold=True, scale=u))
        painter.setPen(QColor("#b35806"))
        _put_in(painter, QRectF(x, yy, cell_w, vh), Qt.AlignmentFlag.AlignLeft, value, vector)
        painter.setFont(label_font)
        painter.setPen(QColor("#334e68"))
        parts = (_wrap(label, label_font, cell_w - 8 * u, vector) if lines > 1 else None) or [label]
        for k, part in enumerate(parts):
            _put_in(painter, QRectF(x, yy + vh + k * lh, cell_w, lh), Qt.AlignmentFlag.AlignLeft, part, vector)
        if len(item) > 2 and item[2]:
            # when its newest report came; amber when that is older than the reports are due
            painter.setFont(note_font)
            painter.setPen(QColor("#b26a00" if item[3] else "#627d98"))
            spot = _note_spot(item, cell_w, lines, u, vector)
            if spot == "value":  # beside the number, at its foot
                left = x + text_width(value, value_font, vector) + 8 * u
                box = QRectF(left, yy, x + cell_w - left, vh * 0.92)
            elif spot == "label":
                left = x + text_width(label, label_font, vector) + 8 * u
                box = QRectF(left, yy + vh, x + cell_w - left, lh * 0.95)
            else:  # on a line of its own under the label
                box = QRectF(x, yy + vh + lines * lh, cell_w, extra[i // per_row])
            _put_in(painter, box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignBottom, item[2], vector)
    rows = (len(items) + per_row - 1) // per_row
    return y + rows * (vh + lines * lh + 6 * u) + sum(extra)


@dataclass
class _LegendFit:
    """One way of setting the legend: type size, columns, row height and what goes in each column."""

    pt: float
    columns: list[list[tuple[str, Any]]]
    col_w: float
    row: float
    fits: bool


#: Type sizes tried for the legend, largest first, before columns are added or the panel widened.
LEGEND_SIZES = (9.0, 8.5, 8.0, 7.5, 7.0, 6.5)


def _legend_geometry(pt: float, u: float) -> tuple[float, float, float]:
    """(row height, swatch width, gap) of a legend set in ``pt``."""
    row = metrics(pt, False, u).height() * 1.25
    return row, max(row * 1.5, 18 * u * pt / 9), 5 * u * pt / 9


def _wrap(label: str, font: Any, width: float, vector: bool) -> list[str] | None:
    """``label`` in lines no wider than ``width``, or None.

    Broken at spaces, or before a parenthesis (``转移进度条`` / ``（全长为…）``);
    never inside a word or a run of Chinese characters.
    """
    if text_width(label, font, vector) <= width:
        return [label]
    words = [w for w in re.split(r"(?<= )|(?=[（(])", label) if w]
    if len(words) < 2:
        return None
    lines = [words[0]]
    for word in words[1:]:
        trial = lines[-1] + word
        if text_width(trial.rstrip(), font, vector) <= width:
            lines[-1] = trial
        else:
            lines.append(word)
    lines = [line.rstrip() for line in lines]
    if len(lines) > 2 or any(text_width(line, font, vector) > width for line in lines):
        return None
    return lines


#: Legend settings worked out, by legend, panels, scale and device: a replay's sixty pages have one legend,
#: and fitting it took a sixth of each page's time.
_LEGEND_FITS: OrderedDict[tuple[Any, ...], tuple[float, _LegendFit]] = OrderedDict()
_LEGEND_FITS_LOCK = threading.Lock()


def _fit_legend(groups: list[LegendGroup], panels: list[tuple[float, float]], u: float,
                vector: bool) -> tuple[float, _LegendFit]:
    """:func:`_fit_legend_anew`, once per legend, panels, scale and device (the setting is only read)."""
    key = (tuple(groups), tuple(tuple(p) for p in panels), u, vector)
    with _LEGEND_FITS_LOCK:
        hit = _LEGEND_FITS.get(key)
    if hit is None:
        hit = _fit_legend_anew(groups, panels, u, vector)
        with _LEGEND_FITS_LOCK:
            _LEGEND_FITS[key] = hit
            while len(_LEGEND_FITS) > 32:
                _LEGEND_FITS.popitem(last=False)
    return hit


def _fit_legend_anew(groups: list[LegendGroup], panels: list[tuple[float, float]], u: float,
                     vector: bool) -> tuple[float, _LegendFit]:
    """(panel width, setting): the largest type, then the narrowest panel, then the fewest columns
    in which every entry fits whole.

    ``panels`` are the (width, height) the legend may have. Nothing is
    left out and no entry is cut (a long English entry may take two
    lines): when even the smallest size does not fit, the type shrinks
    further until it does, and the caller warns.
    """

    def attempt(pt: float, width: float, height: float, cols: int) -> _LegendFit | None:
        row, sw, gap = _legend_geometry(pt, u)
        col_w = width / cols
        title_font, font = map_font(pt + 0.5, True, u), map_font(pt, False, u)
        rows: list[tuple[str, Any]] = []
        for g in groups:
            if text_width(g.title, title_font, vector) > col_w - 4 * u:
                return None
            rows.append(("title", g))
            for e in g.entries:
                lines = _wrap(e.label, font, col_w - sw - gap - 4 * u, vector)
                if lines is None:
                    return None
                rows.append(("entry", (e, lines)))
                rows += [("more", None)] * (len(lines) - 1)
        per_col = int(height // row) - 1  # the heading "Legend" takes one row
        if per_col < 2:
            return None
        columns: list[list[tuple[str, Any]]] = [[]]
        i = 0
        while i < len(rows):
            kind, item = rows[i]
            span = 1 + (len(item[1]) - 1 if kind == "entry" else 0)
            room = per_col - len(columns[-1])
            # a heading never ends a column, and a wrapped entry stays together
            if span > room or (kind == "title" and room <= 1 and i + 1 < len(rows)):
                columns.append([])
            columns[-1] += rows[i:i + span]
            i += span
        if len(columns) > cols:
            return None
        return _LegendFit(pt, columns, col_w, row, True)

    for pt in LEGEND_SIZES:
        for width, height in panels:
            for cols in (2, 3, 4):
                got = attempt(pt, width, height, cols)
                if got is not None:
                    return width, got
    width, height = panels[-1]
    pt = LEGEND_SIZES[-1]
    while pt > 2.0:
        pt -= 0.25
        for cols in (2, 3):
            got = attempt(pt, width, height, cols)
            if got is not None:
                got.fits = False
                return width, got
    # A page too small even for that: three columns as tall as they need (the caller warns).
    n = sum(1 + len(g.entries) * 2 for g in groups)
    row, _, _ = _legend_geometry(pt, u)
    got = attempt(pt, width, row * (n // 3 + 3), 3) or _LegendFit(pt, [], width, row, False)
    got.fits = False
    return width, got


def _paint_legend(painter: QPainter, rect: QRectF, fit: _LegendFit, u: float, vector: bool,
                  text: PageText) -> QRectF:
    painter.setPen(QColor("#102a43"))
    painter.setFont(map_font(11, bold=True, scale=u))
    _put_in(painter, QRectF(rect.left(), rect.top(), rect.width(), fit.row), Qt.AlignmentFlag.AlignLeft
                 | Qt.AlignmentFlag.AlignVCenter, text.translate("layout", "Legend"), vector)
    row, sw, gap = _legend_geometry(fit.pt, u)
    title_font, font = map_font(fit.pt + 0.5, True, u), map_font(fit.pt, False, u)
    bottom = rect.top()
    for c, column in enumerate(fit.columns):
        x = rect.left() + c * fit.col_w
        y = rect.top() + row
        for kind, item in column:
            cell = QRectF(x, y, fit.col_w, row)
            if kind == "title":
                painter.setFont(title_font)
                painter.setPen(QColor("#243b53"))
                _put_in(painter, cell, Qt.AlignmentFlag.AlignVCenter, item.title, vector)
            elif kind == "entry":
                entry, lines = item
                paint_swatch(painter, QRectF(x + 2 * u, y + 1.5 * u, sw - 2 * u, row - 3 * u), entry.symbol,
                             entry.kind, u * min(1.0, fit.pt / 9), vector, text)
                painter.setFont(font)
                painter.setPen(QColor("#243b53"))
                for i, line in enumerate(lines):
                    _put_in(painter, QRectF(x + sw + gap, y + i * row, fit.col_w - sw - gap, row),
                                 Qt.AlignmentFlag.AlignVCenter, line, vector)
            y += row
        bottom = max(bottom, y)
    return QRectF(rect.left(), rect.top(), rect.width(), bottom - rect.top())


def _nice(metres: float) -> float:
    exp = 10 ** math.floor(math.log10(max(metres, 1e-6)))
    for f in (5, 2, 1):
        if f * exp <= metres:
            return f * exp
    return exp


def _paint_scale_bar(painter: QPainter, map_rect: QRectF, vp: Viewport, u: float, vector: bool) -> QRectF:
    from floodpost.layers.model.projection import ground_resolution

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
    _put_at(painter, QPointF(x0, y0 - 8 * u), "0", vector)
    _put_at(painter, QPointF(x0 + px + 4 * u, y0), label, vector)
    return box


def _paint_north(painter: QPainter, map_rect: QRectF, u: float, vector: bool) -> QRectF:
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
    _put_in(painter, QRectF(cx - 12 * u, top + h, 24 * u, 16 * u), Qt.AlignmentFlag.AlignHCenter, "N", vector)
    return QRectF(cx - 12 * u, top, 24 * u, h + 16 * u)


def render_png(scene: Any, bounds: tuple[float, float, float, float], options: LayoutOptions,
               out: str | Path, size: tuple[int, int], dpi: int) -> ComposedPage:
    """The page as a PNG with its dpi recorded; no personal metadata in press mode. Written whole or not at all."""
    from floodpost.data.atomic import OutputError, atomic_output

    img = QImage(size[0], size[1], QImage.Format.Format_ARGB32_Premultiplied)
    dpm = round(dpi / 0.0254)
    img.setDotsPerMeterX(dpm)
    img.setDotsPerMeterY(dpm)
    p = QPainter(img)
    try:
        page = compose(p, QRectF(0, 0, size[0], size[1]), scene, bounds, options, dpi / 96.0)
    finally:
        p.end()
    img.setText("Title", options.title)
    img.setText("Software", "FloodPost")
    if not options.press and options.producer:
        img.setText("Author", options.producer)
    # encoded in memory, written by Python: a full disk is an OSError naming its cause,
    # and libpng never prints its own "Write Error" on the way
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not img.save(buf, "PNG"):
        raise OutputError(out, "the PNG encoder failed")
    buf.close()
    with atomic_output(out) as tmp, open(tmp, "wb") as fh:
        fh.write(data.data())
    return page


def render_pdf(scene: Any, bounds: tuple[float, float, float, float], options: LayoutOptions,
               out: str | Path, size_mm: tuple[float, float], dpi: int) -> ComposedPage:
    """A vector PDF of the page: text stays text that copies exactly, symbols stay paths.

    No author in press mode. Qt writes the page; :func:`~floodpost.layers.output.pdftext.fix_text_layer`
    then corrects what the text layer says each glyph is and names the font subsets as subsets.
    Written whole or not at all.
    """
    from floodpost.data.atomic import OutputError, atomic_output, check_trailer, write_failure
    from floodpost.layers.output.pdftext import fix_text_layer
    from floodpost.layers.render.fonts import cjk_family

    def verify(path: Path) -> None:
        import pypdf

        try:
            if len(pypdf.PdfReader(str(path)).pages) != 1:
                raise OutputError(out, "the PDF came out without its page")
        except pypdf.errors.PdfReadError as exc:
            raise OutputError(out, f"the PDF came out damaged ({exc}; disk full?)") from None

    with atomic_output(out, verify=verify) as tmp:
        raw = tmp.with_name(tmp.name + ".qt")
        try:
            writer = QPdfWriter(str(raw))
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
                page = compose(p, rect, scene, bounds, options, dpi / 96.0)
            finally:
                p.end()
            del writer
            if not raw.exists() or raw.stat().st_size == 0:
                raise OutputError(out, "nothing was written (disk full?)")
            try:
                check_trailer(raw, ".pdf")  # Qt's writer says nothing when the disk stops it
            except OSError as exc:
                raise write_failure(out, exc, raw) from None
            family = cjk_family()
            fix_text_layer(raw, tmp, [(family, False), (family, True)])
        finally:
            raw.unlink(missing_ok=True)
    return page
