"""The dashboard dock: headline figures with the change since the last meeting, and curves.

Every number and every point of every curve comes from the as-of engine
(``floodpost.data.situation``), so the dashboard, ``info --at`` and the
brief can never disagree. The engine runs in the window's worker thread
(``floodpost.ui.docks.situationworker``); this panel only shows what it is given,
and says "computing…" meanwhile. The curves mark the time the slider shows
and are framed on the records around it, so one far-off record (a test entry
typed at the wall clock years later) cannot squash them.

The operations come first (issue 18): incidents still uncontrolled (red when
any), personnel committed to incidents against those available, and the
warnings' recipients answered (已叫应 N/M) with those overdue (red when any).

Water (issue 19) leads when the workspace has gauges: stations over their
first threshold (超警 or 超汛限; red when any) and crossing alerts not yet
acknowledged. Every figure says how old its newest report is ("2小时前",
``floodpost.data.situation.freshness``), in amber with the report's time and
the expected interval in a tooltip when that is overdue: at 3 a.m. a nine-hour-old
materials figure must not read like a fresh one.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import (
    QEvent,
    QLineF,
    QMargins,
    QPoint,
    QRect,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent
from PySide6.QtWidgets import (
    QGraphicsItem,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLayoutItem,
    QSizePolicy,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from floodpost.data.schema import FORCE_CATEGORIES, WARNING_LEVELS
from floodpost.data.schema.symbology import SYMBOLOGY
from floodpost.data.situation import Timeline
from floodpost.data.situation.freshness import figure_age
from floodpost.data.timeutil import format_local, from_storage, now_storage, storage_ms
from floodpost.layers.output.pagetext import PageText
from floodpost.layers.render.operations import age_text

# Alarm colour: incidents still out of control, recipients overdue.
ALARM = "#c62828"
# A figure whose newest report is older than its expected interval.
STALE_AGE = "#b26a00"
WATER_PENS = {"over_warning": ALARM, "over_guaranteed": "#6a1b9a", "rising": "#1565c0"}
#: Each headline figure's source for its age (``freshness.FIGURE_SOURCES``).
FIGURE_AGE_SOURCE = {
    "over_warning": "water", "alerts": "water",
    "uncontrolled": "incidents", "committed": "dispatch", "answered": "warnings", "overdue": "warnings",
    "transferred": "evacuation", "sheltered": "evacuation", "returned": "evacuation",
    "personnel": "forces", "sandbags_dispatched": "materials", "sandbags_placed": "works",
}
INCIDENT_PENS = {"uncontrolled": ALARM, "controlled": "#59a14f", "closed": "#9e9e9e"}
ANSWER_PENS = {"recipients": "#4e79a7", "answered": "#59a14f", "overdue": ALARM}
COMMITTED_PEN = "#222222"
STAGE_PENS = {"transferred": "#f28e2b", "sheltered": "#59a14f", "returned": "#4e79a7"}
# The forces' curves in their map colours: the chart and the map name a category alike.
CATEGORY_PENS = tuple(SYMBOLOGY["forces"].classes[c.code].fill or "#555555" for c in FORCE_CATEGORIES)
LEVEL_CODES = tuple(c.code for c in WARNING_LEVELS)  # blue to red
# Records further apart than this make separate stretches of the chart's time axis.
FRAME_GAP_S = 7 * 24 * 3600
# A stretch with fewer records than this (and 2 % of them) is an outlier, not the flood.
FRAME_MIN_RECORDS = 3
# Plot height (pixels at the normal font) below which the charts go into tabs.
STACK_PLOT_MIN = 110
# Milliseconds a slider move may take before its figures are shown as stale.
STALE_AFTER_MS = 250


def _epoch(stored: str) -> float:
    dt = from_storage(stored)
    return dt.timestamp() if dt is not None else 0.0


def format_count(value: float, spacing: float, zh: bool) -> str:
    """Axis text for a count: 20万 / 1.5亿 in Chinese, 20k / 1.5M otherwise, never 2e+06."""
    big = abs(value) if value else 0.0
    units = ((1e8, "亿"), (1e4, "万")) if zh else ((1e6, "M"), (1e3, "k"))
    unit, suffix = 1.0, ""
    for u, s in units:
        if big >= u:
            unit, suffix = u, s
            break
    step = abs(spacing) / unit if spacing else 1.0
    decimals = 0 if step >= 1 or step <= 0 else min(3, max(0, -math.floor(math.log10(step) + 1e-9)))
    text = f"{value / unit:,.{decimals}f}"
    if decimals and "." in text:
        text = text.rstrip("0").rstrip(".")
    if text in ("-0", "0"):
        return "0"
    return text + suffix


class CountAxis(pg.AxisItem):
    """A value axis labelled in 万 (or k) instead of pyqtgraph's scientific notation."""

    def __init__(self, zh: bool, **kwargs: Any) -> None:
        super().__init__("left", **kwargs)
        self.zh = zh
        self.enableAutoSIPrefix(False)

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:  # noqa: N802
        return [format_count(v * scale, spacing * scale, self.zh) for v in values]


def frame_range(xs: list[float], shown: float | None) -> tuple[float, float, list[float]]:
    """The x range to show and the record times left outside it.

    Records form stretches separated by gaps of more than a week. With a time
    shown (``shown``), the chart frames the stretch holding the last record at
    or before it; for "now", the last stretch that is more than a stray entry.
    """
    if not xs:
        return 0.0, 1.0, []
    xs = sorted(xs)
    runs: list[list[float]] = [[xs[0]]]
    for a, b in zip(xs, xs[1:], strict=False):
        if b - a > FRAME_GAP_S:
            runs.append([])
        runs[-1].append(b)
    enough = max(FRAME_MIN_RECORDS, math.ceil(0.02 * len(xs)))
    if shown is None:
        solid = [r for r in runs if len(r) >= enough]
        run = solid[-1] if solid else max(runs, key=len)
    else:
        before = [r for r in runs if r[0] <= shown]
        run = before[-1] if before else runs[0]
    lo, hi = run[0], run[-1]
    if hi - lo < 3600:
        lo, hi = lo - 3600, hi + 3600
    outside = [x for x in xs if x < run[0] or x > run[-1]]
    return lo, hi, outside


class Framing:
    """:func:`frame_range` over one series' record times, its stretches found once.

    A slider step only moves the time shown: finding the stretch around it is
    a binary search into stretches computed when the curves came, not a sort
    and a walk over a season's 26,000 report times at every step.
    """

    def __init__(self, xs: list[float] | np.ndarray) -> None:
        x = np.sort(np.asarray(xs, dtype=np.float64))
        self.xs = x
        n = len(x)
        breaks = np.flatnonzero(np.diff(x) > FRAME_GAP_S) + 1 if n else np.empty(0, dtype=np.int64)
        self.starts = np.concatenate([[0], breaks]).astype(np.int64) if n else np.empty(0, dtype=np.int64)
        self.ends = np.concatenate([breaks, [n]]).astype(np.int64) if n else np.empty(0, dtype=np.int64)
        enough = max(FRAME_MIN_RECORDS, math.ceil(0.02 * n))
        sizes = self.ends - self.starts
        solid = np.flatnonzero(sizes >= enough)
        # for "now": the last solid stretch, else the longest (the first of equals, as max() picks)
        self.now_run = int(solid[-1]) if len(solid) else (int(np.argmax(sizes)) if n else 0)

    def frame(self, shown: float | None) -> tuple[float, float, int, float | None]:
        """(lo, hi, records outside, the one farthest off) as :func:`frame_range` finds them."""
        x = self.xs
        if not len(x):
            return 0.0, 1.0, 0, None
        if shown is None:
            k = self.now_run
        else:
            # the last stretch starting at or before ``shown``, else the first
            k = max(int(np.searchsorted(x[self.starts], shown, side="right")) - 1, 0)
        a, b = int(self.starts[k]), int(self.ends[k])
        r0, r1 = float(x[a]), float(x[b - 1])
        lo, hi = r0, r1
        if hi - lo < 3600:
            lo, hi = lo - 3600, hi + 3600
        # records before the stretch are below r0, after it above r1: strictly, as the stretches split
        below = int(np.searchsorted(x, r0, side="left"))
        above = len(x) - int(np.searchsorted(x, r1, side="right"))
        outside = below + above
        if not outside:
            return lo, hi, 0, None
        # the farthest from the frame is one of the two ends (the first of equals, in time order)
        cands = ([float(x[0])] if below else []) + ([float(x[-1])] if above else [])
        far = max(cands, key=lambda v: min(abs(v - lo), abs(v - hi)))
        return lo, hi, outside, far


# ------------------------------------------------------------------ widgets
def _style(label: QLabel, css: str) -> None:
    """Set a style sheet only when it changes: each one set restyles the label, at every slider step."""
    if label.styleSheet() != css:
        label.setStyleSheet(css)


#: Qt's QWIDGETSIZE_MAX: no largest size
_UNBOUNDED = (1 << 24) - 1


class _Figure(QWidget):
    """One headline: big number, small label, change since the last meeting."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 1, 4, 1)  # a pixel a row: a laptop's meeting view has none to spare
        lay.setSpacing(0)
        self.value = QLabel("–")
        self._big_font()
        self.caption = QLabel(label)
        self.change = QLabel("")
        # how old the newest report is: beside the number, where a line of its own would cost every
        # row of figures a line of the charts' height (a laptop's meeting view has none to give)
        self.age = QLabel("")
        self.alarm = False
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.setSpacing(6)
        top.addWidget(self.value, 0, Qt.AlignmentFlag.AlignBottom)
        top.addWidget(self.age, 0, Qt.AlignmentFlag.AlignBottom)
        top.addStretch(1)
        lay.addLayout(top)
        for w in (self.value, self.caption, self.change, self.age):
            w.setAlignment(Qt.AlignmentFlag.AlignLeft)
        for w in (self.caption, self.change):
            lay.addWidget(w)
        self._held = (0, 0)

    def hold(self) -> None:
        """Keep the size the figure has needed since the last ``release``: a new number or age then lays
        out this figure alone. Sized to each text, the figures' grid and the whole window were laid out
        again and the figures resized at every slider step (5 ms)."""
        hint = self.layout().sizeHint()
        held = (max(hint.width(), self._held[0]), max(hint.height(), self._held[1]))
        if held != self._held or self.minimumSize() != self.maximumSize():  # (shown again: Qt reset its least size)
            self._held = held
            self.setFixedSize(*held)

    def event(self, event: QEvent) -> bool:
        done = super().event(event)
        # laid out again (a text, or a style that came into force since: the age in bold): grow to it
        if event.type() == QEvent.Type.LayoutRequest and self._held != (0, 0):
            self.hold()
        return done

    def release(self) -> None:
        """Sized to its texts again (the panel's width or font changed)."""
        if self._held != (0, 0):
            self._held = (0, 0)
            self.setMinimumSize(0, 0)
            self.setMaximumSize(_UNBOUNDED, _UNBOUNDED)

    def _big_font(self) -> None:
        f = QFont(self.font())
        f.setPointSizeF(f.pointSizeF() * 1.5)
        f.setBold(True)
        self.value.setFont(f)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        """The number stays half again the size of the caption, also in meeting view."""
        if event.type() == QEvent.Type.FontChange:
            self._big_font()
        super().changeEvent(event)

    def set_stale(self, stale: bool) -> None:
        """Grey the number while a newer one is being computed; red when it calls for action."""
        _style(self.value, "color: #9a9a9a;" if stale else (f"color: {ALARM};" if self.alarm else ""))

    def show_number(self, value: float, change: float | None, since: str, alarm: bool = False,
                    text: str | None = None, worse_up: bool = True) -> None:
        """``value`` (or ``text`` for it), red with ``alarm``; the change is orange when it goes the worse way."""
        self.alarm = alarm
        self.set_stale(False)
        self.value.setText(text if text is not None else f"{value:,.0f}")
        if change is None:
            self.change.setText("")
        else:
            sign = "+" if change >= 0 else "−"
            self.change.setText(f"{sign}{abs(change):,.0f} {since}")
            worse = change > 0 if worse_up else change < 0
            _style(self.change, "color: #b35806;" if worse else "color: #555;")

    def show_age(self, text: str, stale: bool, tip: str) -> None:
        """The newest report's age ("2小时前"), amber when overdue; ``tip`` says when it was and what is expected."""
        self.age.setText(text)
        _style(self.age, f"color: {STALE_AGE}; font-weight: bold;" if stale else "color: #777;")
        self.age.setToolTip(tip)


class FlowLayout(QLayout):
    """Items left to right, wrapping to the next row: a legend that never hides an entry."""

    def __init__(self, parent: QWidget | None = None, spacing: int = 10) -> None:
        super().__init__(parent)
        self._items: list[QLayoutItem] = []
        self._gap = spacing
        self._height: tuple[int, int] | None = None  # (width, height) until an item changes
        self.setContentsMargins(QMargins(0, 0, 0, 0))

    def addItem(self, item: QLayoutItem) -> None:  # noqa: N802
        self._items.append(item)
        self.invalidate()

    def invalidate(self) -> None:
        self._height = None
        super().invalidate()

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, i: int) -> QLayoutItem | None:  # noqa: N802
        return self._items[i] if 0 <= i < len(self._items) else None

    def takeAt(self, i: int) -> QLayoutItem | None:  # noqa: N802
        self._height = None
        return self._items.pop(i) if 0 <= i < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:  # noqa: N802
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        # asked again and again at each figure's new text (a slider step asked 25 times), for the same
        # width and items: worked out once until the items change (Qt invalidates the layout then)
        if self._height is None or self._height[0] != width:
            self._height = (width, self._place(QRect(0, 0, width, 0), move=False))
        return self._height[1]

    def setGeometry(self, rect: QRect) -> None:  # noqa: N802
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:  # noqa: N802
        return self.minimumSize()

    def minimumSize(self) -> QSize:  # noqa: N802
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _place(self, rect: QRect, move: bool) -> int:
        x, y, row = rect.x(), rect.y(), 0
        for item in self._items:
            hint = item.sizeHint()
            if x + hint.width() > rect.right() + 1 and x > rect.x():
                x, y, row = rect.x(), y + row + 2, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + self._gap
            row = max(row, hint.height())
        return y + row - rect.y()


class _Swatch(QWidget):
    """A short thick line in a curve's colour."""

    def __init__(self, color: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.color = QColor(color)

    def sizeHint(self) -> QSize:  # noqa: N802
        h = self.fontMetrics().height()
        return QSize(int(h * 1.3), h)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        p = QPainter(self)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        pen = p.pen()
        pen.setColor(self.color)
        pen.setWidthF(max(2.0, self.height() / 6))
        p.setPen(pen)
        y = self.height() / 2
        p.drawLine(2, int(y), self.width() - 2, int(y))
        p.end()


class _LegendEntry(QWidget):
    def __init__(self, color: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QGridLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.setHorizontalSpacing(3)
        self.swatch = _Swatch(color, self)
        self.label = QLabel(text, self)
        lay.addWidget(self.swatch, 0, 0)
        lay.addWidget(self.label, 0, 1)


class ChartLegend(QWidget):
    """Every series of one chart, beside (under) the plot, never over the curves."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.flow = FlowLayout(self)
        self.entries: list[_LegendEntry] = []
        sp = QSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        sp.setHeightForWidth(True)
        self.setSizePolicy(sp)

    def add(self, color: str, text: str) -> None:
        entry = _LegendEntry(color, text, self)
        self.flow.addWidget(entry)
        self.entries.append(entry)

    def labels(self) -> list[str]:
        return [e.label.text() for e in self.entries]

    def hasHeightForWidth(self) -> bool:  # noqa: N802
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return self.flow.heightForWidth(width)


class MeetingMarks(pg.GraphicsObject):
    """Every meeting's line on a chart, one item: a season's 42 meetings as InfiniteLines cost 10 ms of
    Python on each paint of the dashboard, and a slider step paints it."""

    def __init__(self, pen: Any) -> None:
        super().__init__()
        self._pen = pen
        self._xs = np.empty(0)
        self.setZValue(-10)  # under the curves

    def set_positions(self, xs: list[float]) -> None:
        self.prepareGeometryChange()
        self._xs = np.sort(np.asarray(xs, dtype=float))
        self.update()

    def positions(self) -> list[float]:
        return self._xs.tolist()

    def viewRangeChanged(self) -> None:  # noqa: N802 - pyqtgraph's hook: the lines span the view
        self.prepareGeometryChange()

    def boundingRect(self) -> QRectF:  # noqa: N802
        vb = self.getViewBox()
        if vb is None or not len(self._xs):
            return QRectF()
        return QRectF(vb.viewRect())

    def paint(self, painter: QPainter, *args: Any) -> None:
        view = self.boundingRect()
        if view.isEmpty():
            return
        lo, hi = np.searchsorted(self._xs, [view.left(), view.right()])
        painter.setPen(self._pen)
        painter.drawLines([QLineF(x, view.top(), x, view.bottom()) for x in self._xs[lo:hi].tolist()])


class Chart(QWidget):
    """A titled plot, its legend below it, and a note on records left off the time axis."""

    def __init__(self, title: str, zh: bool, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(title, self)
        f = self.title.font()
        f.setBold(True)
        self.title.setFont(f)
        self.plot = pg.PlotWidget(
            axisItems={"bottom": pg.DateAxisItem(orientation="bottom", utcOffset=-8 * 3600),
                       "left": CountAxis(zh)},
        )
        self.plot.setMinimumHeight(50)
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.plot.setMenuEnabled(False)
        vb = self.plot.getViewBox()
        vb.setAutoVisible(y=True)  # the y range follows what the framed x range shows
        self.legend = ChartLegend(self)
        self.note = QLabel("", self)
        self.note.setWordWrap(True)
        self.note.setStyleSheet("color: #7a5200;")
        self.note.hide()
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 2, 0, 2)
        lay.setSpacing(2)
        lay.addWidget(self.title)
        lay.addWidget(self.plot, 1)
        lay.addWidget(self.legend)
        lay.addWidget(self.note)
        self.curves: list[Any] = []
        self.marker = pg.InfiniteLine(angle=90, pen=pg.mkPen("#888", style=Qt.PenStyle.DashLine))
        self.marker.setVisible(False)
        # the x range is framed by the dashboard and the y range by the curves: the marker moving at
        # every slider step did not change them, only made the view work out its auto range again
        self.plot.addItem(self.marker, ignoreBounds=True)
        # the axes (and their grid) kept as pictures while their range holds: each repaint for a
        # moved marker replayed every tick label (a third of the GUI thread's time in a drag)
        for side in ("left", "bottom"):
            self.plot.getAxis(side).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.meetings = MeetingMarks(pg.mkPen(QColor(192, 57, 43, 90), width=1))
        self.plot.addItem(self.meetings, ignoreBounds=True)
        #: the x range last set by the dashboard's framing (a hand zoom changes the view's)
        self.framed_x: tuple[float, ...] = ()

    def set_meetings(self, xs: list[float]) -> None:
        """Thin red lines at the consultation meetings (epoch seconds), under the curves."""
        self.meetings.set_positions(xs)

    def add_curve(self, name: str, color: str, step: bool = False) -> Any:
        """A curve; ``step``: a count that holds until the next report (incidents, recipients).

        pyqtgraph's "right" step holds each value from its own time to the next; "left" drew it
        over the interval before its time, one report early."""
        curve = self.plot.plot(name=name, pen=pg.mkPen(color, width=2), stepMode="right" if step else None)
        # a season has tens of thousands of report times: draw what is in view, a few per pixel
        curve.setClipToView(True)
        curve.setDownsampling(auto=True, method="peak")
        curve.setSkipFiniteCheck(True)
        # Kept as a picture between changes of data or axes: a slider step moves the marker
        # only, and every curve of a season (26,000 points) was drawn again under it.
        curve.curve.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.curves.append((curve, color))
        self.legend.add(color, name)
        return curve

    def stack_height(self) -> int:
        """Height this chart needs to be read when stacked with the others."""
        scale = self.font().pointSizeF() / max(QFont().pointSizeF(), 1.0)
        w = max(self.width(), 200)
        return int(self.title.sizeHint().height() + STACK_PLOT_MIN * scale + self.legend.heightForWidth(w) + 8)

    def apply_font(self) -> None:
        """Axis labels and curve widths follow the panel's font (larger in meeting view)."""
        font = QFont(self.font())
        font.setPointSizeF(max(7.0, font.pointSizeF() * 0.9))
        for name in ("left", "bottom"):
            axis = self.plot.getAxis(name)
            axis.setTickFont(font)
        scale = self.font().pointSizeF() / max(QFont().pointSizeF(), 1.0)
        for curve, color in self.curves:
            curve.setPen(pg.mkPen(color, width=2 * scale))
        bold = QFont(self.font())
        bold.setBold(True)
        self.title.setFont(bold)


class ChartArea(QWidget):
    """The three charts stacked while each gets a readable height, else one per tab."""

    def __init__(self, charts: list[Chart], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.all = list(charts)
        self.charts = charts
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self._lay = QVBoxLayout(self)
        self._lay.setContentsMargins(0, 0, 0, 0)
        # The dock decides the height; the charts never push the window past the screen.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.setMinimumHeight(120)
        self.mode = ""
        self._arrange("stack")

    def _arrange(self, mode: str) -> None:
        """Every chart stacked or one per tab; those left out hidden in place (``set_shown``)."""
        if mode == self.mode:
            return
        current = self.tabs.currentIndex()
        for chart in self.all:
            chart.setParent(None)
        while self._lay.count():
            self._lay.takeAt(0)
        self.tabs.clear()
        if mode == "stack":
            self.tabs.hide()
            for chart in self.all:
                chart.title.show()
                self._lay.addWidget(chart, 1)
                chart.setVisible(chart in self.charts)
        else:
            for i, chart in enumerate(self.all):
                chart.title.hide()
                self.tabs.addTab(chart, chart.title.text())
                self.tabs.setTabVisible(i, chart in self.charts)
            self.tabs.setCurrentIndex(max(current, 0))
            self._lay.addWidget(self.tabs)
            self.tabs.show()
        self.mode = mode

    def set_shown(self, chart: Chart, shown: bool) -> None:
        """Show ``chart`` or leave it out (the gauges' chart in a workspace without gauges): hidden where
        it is. Taking every chart out and putting them back laid out and resized each (30 ms at the
        first moment of a workspace with gauges)."""
        if (chart in self.charts) == shown:
            return
        self.charts = [c for c in self.all if c is not chart and c in self.charts or (c is chart and shown)]
        if self.mode == "stack":
            chart.setVisible(shown)
        elif self.mode:
            self.tabs.setTabVisible(self.all.index(chart), shown)
        self.fit()

    def fit(self) -> None:
        need = sum(c.stack_height() for c in self.charts)
        self._arrange("stack" if self.height() >= need else "tabs")

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.fit()


class DashboardPanel(QWidget):
    """Headline figures and three charts, shown from the worker's results.

    ``show_moment`` and ``show_series`` take what
    :class:`~floodpost.ui.docks.situationworker.SituationWorker` computed;
    ``set_time`` asks the window for the figures at another time.
    """

    # The figures as of this stored time are wanted ("" for now); the window computes them.
    refreshRequested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from floodpost import i18n

        pg.setConfigOptions(antialias=True, background="w", foreground="#333")
        # New figures must never widen the dock and squeeze the map.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.series: Timeline = Timeline([], {})
        self._xs: np.ndarray | list[float] = []  # the report times as epoch seconds, once per series
        self._framing = Framing([])
        self._framed: tuple[Any, ...] | None = None  # what the charts were last framed on
        self.shown = ""
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.setSpacing(2)  # a laptop's meeting view: every pixel between the rows is one the charts lack
        grid = QGridLayout()
        grid.setVerticalSpacing(0)
        self.figures = {
            # 险情, 力量, 预警叫应: what the chair asks first
            "uncontrolled": _Figure(self.tr("uncontrolled incidents")),
            "committed": _Figure(self.tr("personnel at incidents")),
            "answered": _Figure(self.tr("recipients answered")),
            "overdue": _Figure(self.tr("not answered in time")),
            "transferred": _Figure(self.tr("persons transferred")),
            "sheltered": _Figure(self.tr("persons sheltered")),
            "returned": _Figure(self.tr("persons returned")),
            "personnel": _Figure(self.tr("rescue personnel")),
            "sandbags_dispatched": _Figure(self.tr("sandbags dispatched (bags)")),
            "sandbags_placed": _Figure(self.tr("sandbags placed (bags)")),
            # 水情: first on screen, shown once the workspace has gauges
            "over_warning": _Figure(self.tr("stations over warning")),
            "alerts": _Figure(self.tr("alerts not acknowledged")),
        }
        self.figures["over_warning"].setToolTip(
            self.tr("Gauges over their warning level (rivers) or flood-limit level (reservoirs)"))
        ops_grid = QGridLayout()
        ops_grid.setVerticalSpacing(0)
        #: (grid, its figures, columns it may have): water, the operations block, then the tallies
        f = self.figures
        ops = [f[k] for k in ("uncontrolled", "committed", "answered", "overdue")]
        tallies = [f[k] for k in ("transferred", "sheltered", "returned", "personnel", "sandbags_dispatched",
                                  "sandbags_placed")]
        self.water_figures = [f["over_warning"], f["alerts"]]
        # water and operations in one grid, three a row where they fit: a laptop's meeting view keeps
        # the rows it had before the gauges (six figures two a row squeezed the charts under 150 px)
        self._grids = [(ops_grid, [*self.water_figures, *ops], (2, 3, 4)), (grid, tallies, (2, 3))]
        self._water_shown = False  # the water figures take no cell until there are gauges
        for w in self.water_figures:
            w.hide()
        self._reflow(2)
        lay.addLayout(ops_grid)
        # the incidents by status, the forces available, the warnings by level: under the four
        # (in the box layout, which gives a wrapped label the height its width needs; a grid did not)
        self.ops_detail = QLabel("")
        self.ops_detail.setWordWrap(True)
        self.ops_detail.setStyleSheet("color: #444;")
        self.ops_detail.setContentsMargins(4, 0, 4, 4)
        lay.addWidget(self.ops_detail)
        lay.addLayout(grid)
        self.meeting = QLabel("")
        self.meeting.setWordWrap(True)
        lay.addWidget(self.meeting)
        self.status = QLabel("")
        self.status.setStyleSheet("color: #1565c0;")
        lay.addWidget(self.status)
        zh = self._zh = i18n.lang_short() == "zh"
        self.incidents = Chart(self.tr("Incidents"), zh)
        self.answers = Chart(self.tr("Warning recipients answered"), zh)
        self.evac = Chart(self.tr("Evacuation (persons)"), zh)
        self.mat = Chart(self.tr("Sandbags, cumulative (bags)"), zh)
        self.force = Chart(self.tr("Personnel deployed by category"), zh)
        self.water = Chart(self.tr("Stations over warning"), zh)
        self.all_charts = [self.water, self.incidents, self.answers, self.evac, self.mat, self.force]
        self.charts = ChartArea(self.all_charts, self)
        self.charts.set_shown(self.water, False)  # until a moment with gauges
        lay.addWidget(self.charts, 1)
        # the names the tests and older callers use
        self.evac_plot, self.mat_plot, self.force_plot = self.evac.plot, self.mat.plot, self.force.plot
        self.curves: dict[str, Any] = {}
        names = {"transferred": self.tr("transferred"), "sheltered": self.tr("sheltered"),
                 "returned": self.tr("returned")}
        for stage, pen in STAGE_PENS.items():
            self.curves[f"evac:{stage}"] = self.evac.add_curve(names[stage], pen)
        self.curves["mat:dispatch"] = self.mat.add_curve(self.tr("dispatched"), "#e15759")
        self.curves["mat:consumed"] = self.mat.add_curve(self.tr("used (tally)"), "#b07aa1")
        self.curves["mat:placed"] = self.mat.add_curve(self.tr("placed (works)"), "#76b7b2")
        for c, pen in zip(FORCE_CATEGORIES, CATEGORY_PENS, strict=True):
            self.curves[f"force:{c.code}"] = self.force.add_curve(c.zh if zh else c.en, pen)
        self.curves["force:committed"] = self.force.add_curve(self.tr("at incidents"), COMMITTED_PEN, step=True)
        names = {"uncontrolled": self.tr("uncontrolled"), "controlled": self.tr("under control"),
                 "closed": self.tr("closed")}
        for key, pen in INCIDENT_PENS.items():
            self.curves[f"ops:{key}"] = self.incidents.add_curve(names[key], pen, step=True)
        names = {"recipients": self.tr("recipients"), "answered": self.tr("answered"),
                 "overdue": self.tr("overdue")}
        for key, pen in ANSWER_PENS.items():
            self.curves[f"warn:{key}"] = self.answers.add_curve(names[key], pen, step=True)
        names = {"over_warning": self.tr("over warning"), "over_guaranteed": self.tr("over guaranteed"),
                 "rising": self.tr("rising fast")}
        for key, pen in WATER_PENS.items():
            self.curves[f"water:{key}"] = self.water.add_curve(names[key], pen, step=True)
        self.markers = [ch.marker for ch in self.all_charts]
        self._stale = QTimer(self)
        self._stale.setSingleShot(True)
        self._stale.timeout.connect(self._mark_stale)
        self._series_busy = False
        self._moment_busy = False
        for chart in self.all_charts:
            chart.apply_font()

    # ------------------------------------------------------------ state from the window
    def clear(self) -> None:
        """No workspace: dashes and empty curves."""
        self.series = Timeline([], {})
        self._xs = []
        self._framing = Framing([])
        self._framed = None
        for curve in self.curves.values():
            curve.setData([], [])
        for f in self.figures.values():
            f.alarm = False
            f.set_stale(False)
            f.value.setText("–")
            f.change.setText("")
            f.show_age("", False, "")
        self.ops_detail.setText("")
        self.meeting.setText("")
        self.set_busy(moment=False, series=False)

    def set_busy(self, moment: bool | None = None, series: bool | None = None, progress: str = "") -> None:
        """Say "computing…" while the worker has the figures or the curves in hand."""
        if moment is not None:
            self._moment_busy = moment
            if moment:
                self._stale.start(STALE_AFTER_MS)
            else:
                self._stale.stop()
        if series is not None:
            self._series_busy = series
        if self._series_busy:
            text = self.tr("Computing the curves…") + (f" {progress}" if progress else "")
        elif self._moment_busy and self._stale_shown:
            text = self.tr("Computing…")
        else:
            text = ""
        self.status.setText(text)
        self.status.setVisible(bool(text))

    _stale_shown = False

    def _mark_stale(self) -> None:
        self._stale_shown = True
        for f in self.figures.values():
            f.set_stale(True)
        self.set_busy()

    def set_time(self, stored: str) -> None:
        """Ask for the figures as of ``stored`` ("" for now); they arrive through ``show_moment``."""
        self.move_marker(stored)
        self.refreshRequested.emit(stored)

    def set_meetings(self, meetings: list[str]) -> None:
        """Mark the consultation meetings (stored times) on every chart's time axis."""
        xs = [_epoch(m) for m in meetings]
        for chart in self.all_charts:
            chart.set_meetings(xs)

    def move_marker(self, stored: str) -> None:
        """The dashed line at the time shown, and the charts framed around it; at once."""
        self.shown = stored
        x = _epoch(stored) if stored else None
        for m in self.markers:
            m.setVisible(x is not None)
            if x is not None:
                m.setValue(x)
        self._frame()

    def show_moment(self, moment: Any) -> None:
        """Headlines as of the moment, with the change since the meeting before it."""
        self._stale.stop()
        self._stale_shown = False
        totals, change = moment.totals, moment.change
        since = self.tr("since the meeting")
        values = {
            "transferred": ("evacuation", "persons", "transferred"),
            "sheltered": ("evacuation", "persons", "sheltered"),
            "returned": ("evacuation", "persons", "returned"),
            "personnel": ("forces", "personnel"),
            "sandbags_dispatched": ("materials", "dispatch", "sandbag"),
            "sandbags_placed": ("works", "sandbags"),
        }
        for key, path in values.items():
            self.figures[key].show_number(_dig(totals, path), _dig(change, path) if change else None, since)
        self._show_operations(totals, change, since)
        self._show_water(totals, change, since)
        sit = getattr(moment, "situation", None)
        at = getattr(sit, "at", "") or ""
        # at the live end a figure keeps ageing after its last report: measured against the wall clock
        self.show_ages(totals.get("reported", {}), at, now_storage() if not moment.when else None)
        for f in self.figures.values():
            # the new texts' sizes now: the row of number and age kept its old size until the event
            # loop came round, and the grid put three a row where two fit (a figure over the next)
            f.layout().activate()
        self._reflow()  # the change lines are longer now: fewer a row if they no longer fit
        for f in self.figures.values():
            f.hold()
        if moment.meeting:
            self.meeting.setText(self.tr("Last consultation meeting: %1").replace("%1", format_local(moment.meeting)))
        else:
            self.meeting.setText(self.tr("No consultation meeting marked yet (Ctrl+M marks one)."))
        self.set_busy(moment=False)

    def _show_water(self, totals: dict[str, Any], change: dict[str, Any] | None, since: str) -> None:
        """超警站点 (tier 1 and over: over 警戒 or 汛限) and alerts waiting, once there are gauges."""
        water = totals.get("water")
        shown = bool(water) and bool(water.get("reporting") or water.get("over") or water.get("stale"))
        if shown != self._water_shown:
            self._water_shown = shown
            for w in self.water_figures:
                w.setVisible(shown)
            self._reflow(force=True)
        self.charts.set_shown(self.water, shown)
        if not water:
            return
        n = int(water.get("over_warning", 0))
        ch = (lambda *p: _dig(change, p)) if change else (lambda *p: None)
        self.figures["over_warning"].show_number(n, ch("water", "over_warning"), since, alarm=n > 0)
        k = int(water.get("alerts_unacknowledged", 0))
        self.figures["alerts"].show_number(k, ch("water", "alerts_unacknowledged"), since, alarm=k > 0)

    def show_ages(self, reported: dict[str, str], at: str, now: str | None = None) -> None:
        """Each figure's newest report's age at ``at`` (or ``now``: the live end), amber when overdue."""
        text = PageText.for_interface()
        for key, figure in FIGURE_AGE_SOURCE.items():
            f = self.figures[key]
            age = figure_age(figure, reported, at, now) if at else None
            if age is None:
                f.show_age(self.tr("no report yet") if at else "", False, "")
                continue
            tip = self.tr("Newest report: %1").replace("%1", format_local(age.latest))
            if age.expected_hours:
                tip += "\n" + self.tr("Expected every %1 h").replace("%1", f"{age.expected_hours:g}")
            f.show_age(age_text(age.minutes, text), age.stale, tip)

    def _show_operations(self, totals: dict[str, Any], change: dict[str, Any] | None, since: str) -> None:
        """险情, 力量 and 预警叫应 headlines and their breakdown (``info --json``'s totals)."""
        inc, dis, war = (totals.get(k, {}) for k in ("incidents", "dispatch", "warnings"))
        by = inc.get("by_status", {})

        def ch(*path: str) -> float | None:
            return _dig(change, path) if change else None

        n = int(inc.get("uncontrolled", 0))
        self.figures["uncontrolled"].show_number(n, ch("incidents", "uncontrolled"), since, alarm=n > 0)
        self.figures["committed"].show_number(_dig(dis, ("personnel_committed",)),
                                              ch("dispatch", "personnel_committed"), since)
        answered, total = int(war.get("answered", 0)), int(war.get("recipients", 0))
        self.figures["answered"].show_number(answered, ch("warnings", "answered"), since,
                                             text=f"{answered:,}/{total:,}", worse_up=False)
        k = int(war.get("overdue", 0))
        f = self.figures["overdue"]
        f.show_number(k, ch("warnings", "overdue"), since, alarm=k > 0)
        minutes = str(war.get("answer_minutes", 30))
        f.setToolTip(self.tr("Recipients that have not answered %1 minutes after the warning").replace("%1", minutes))
        levels = war.get("by_level", {})
        names = {c.code: (c.zh.split("（")[0] if self._zh else c.en.split(" (")[0].lower()) for c in WARNING_LEVELS}
        per_level = self.tr(", ").join(
            self.tr("%1 %2", "warning level, count").replace("%1", names.get(lv, lv)).replace("%2", str(levels[lv]))
            for lv in reversed(LEVEL_CODES) if levels.get(lv))
        lines = [
            self.tr("Incidents %1: reported %2, being handled %3, under control %4, closed %5")
            .replace("%1", str(inc.get("total", 0))).replace("%2", str(by.get("reported", 0)))
            .replace("%3", str(by.get("handling", 0))).replace("%4", str(by.get("controlled", 0)))
            .replace("%5", str(by.get("closed", 0))),
            self.tr("Persons threatened %1, trapped %2, rescued %3")
            .replace("%1", f"{inc.get('threatened', 0):,}").replace("%2", f"{inc.get('trapped', 0):,}")
            .replace("%3", f"{inc.get('rescued', 0):,}"),
            self.tr("Teams at incidents %1; available: %2 teams, %3 personnel")
            .replace("%1", str(dis.get("teams_committed", 0))).replace("%2", str(dis.get("teams_available", 0)))
            .replace("%3", f"{dis.get('personnel_available', 0):,}"),
            (self.tr("Active warnings %1 (%2)").replace("%2", per_level) if per_level
             else self.tr("Active warnings %1")).replace("%1", str(war.get("active", 0)))
            + self.tr("; answers due in %1 min").replace("%1", minutes),
        ]
        self.ops_detail.setText("\n".join(lines))
        self._fit_detail()

    def _reflow(self, cols: int | None = None, force: bool = False) -> None:
        """As many figures a row as fit side by side, in whole rows: the four operations figures two or
        four a row, the six tallies two or three. Ten figures two a row leave a laptop's meeting view
        no room for the charts."""
        width = self.width() - 8
        for grid, all_figures, choices in self._grids:
            # hidden ones leave no hole
            figures = [f for f in all_figures if self._water_shown or f not in self.water_figures]
            if not figures:
                continue
            if cols is not None:
                n = cols
            else:
                # (a held figure keeps the width it has needed: ``_Figure.hold``)
                cell = max(max(f.sizeHint().width(), f.minimumWidth()) for f in figures) + 8
                n = max((c for c in choices if c * cell <= width), default=choices[0])
            placed = (n, len(figures))
            if grid.property("placed") == placed and not force:
                continue
            grid.setProperty("placed", placed)
            for f in all_figures:
                grid.removeWidget(f)
            for i, f in enumerate(figures):
                grid.addWidget(f, i // n, i % n)
            for c in range(max(choices)):
                grid.setColumnStretch(c, 1 if c < n else 0)

    def _fit_detail(self) -> None:
        """Show the breakdown only while the charts keep a readable height (a laptop in meeting view has not
        the room for both; the four headlines stay, the brief has the breakdown)."""
        if not self.ops_detail.text():
            self.ops_detail.hide()
            return
        spacing = max(self.layout().spacing(), 0)
        cost = self.ops_detail.heightForWidth(max(self.width(), 1)) + spacing
        room = self.charts.height() + (cost if self.ops_detail.isVisible() else 0)  # with it hidden
        # what the charts need changes with the panel's width and font, not with the moment shown
        key = (self.width(), self.font().pointSizeF(), len(self.charts.charts))
        if getattr(self, "_need", (None, 0))[0] != key:
            self._need = (key, max(c.stack_height() for c in self.charts.charts)
                          + self.charts.tabs.tabBar().sizeHint().height())
        need = self._need[1]
        show = room - cost >= need
        if show != self.ops_detail.isVisible():
            self.ops_detail.setVisible(show)
            self.layout().activate()  # the charts get the room now, not at the next event

    def resizeEvent(self, event: Any) -> None:  # noqa: N802
        super().resizeEvent(event)
        if event.oldSize().width() != event.size().width():
            for f in self.figures.values():
                f.release()
        self._reflow()
        self._fit_detail()

    def show_series(self, series: Any) -> None:
        """The curves at every report time (a :class:`floodpost.data.situation.Timeline`)."""
        self.series = series
        ms = series.ms if len(series.ms) == len(series.times) else storage_ms(series.times)
        # one array for every curve: a list was made into an array by each of 23 curves (12 ms)
        xs = self._xs = np.asarray(ms, dtype=np.float64) / 1000.0
        self._framing = Framing(xs)
        self._framed = None
        self._frame()  # before the data: each curve thins what is in view once, not again for the frame
        for stage in STAGE_PENS:
            self.curves[f"evac:{stage}"].setData(xs, series.get("evacuation", "persons", stage))
        self.curves["mat:dispatch"].setData(xs, series.get("materials", "dispatch", "sandbag"))
        self.curves["mat:consumed"].setData(xs, series.get("materials", "consumed", "sandbag"))
        self.curves["mat:placed"].setData(xs, series.get("works", "sandbags"))
        for c in FORCE_CATEGORIES:
            self.curves[f"force:{c.code}"].setData(xs, series.get("forces", "by_category", c.code, "personnel"))
        self.curves["force:committed"].setData(xs, series.get("dispatch", "personnel_committed"))
        self.curves["ops:uncontrolled"].setData(xs, series.get("incidents", "uncontrolled"))
        for key in ("controlled", "closed"):
            self.curves[f"ops:{key}"].setData(xs, series.get("incidents", "by_status", key))
        for key in ANSWER_PENS:
            self.curves[f"warn:{key}"].setData(xs, series.get("warnings", key))
        for key in WATER_PENS:
            self.curves[f"water:{key}"].setData(xs, series.get("water", key))
        self.set_busy(series=False)

    def _frame(self) -> None:
        """Frame every chart's time axis on the stretch of records around the time shown.

        Only when the frame changes: a slider step within the flood moves the
        marker and leaves the axes (and the curves drawn on them) as they are.
        """
        if not len(self._xs):
            return
        lo, hi, outside, far = self._framing.frame(_epoch(self.shown) if self.shown else None)
        if self._framed == (lo, hi, outside, far) and all(self._as_framed(c) for c in self.all_charts):
            return
        self._framed = (lo, hi, outside, far)
        if outside:
            text = (self.tr("%1 report time(s) outside this time axis, e.g. %2")
                    .replace("%1", str(outside))
                    .replace("%2", format_local(_from_epoch(far))))
        else:
            text = ""
        for chart in self.all_charts:
            chart.plot.setXRange(lo, hi, padding=0.02)
            vb = chart.plot.getViewBox()
            vb.enableAutoRange(axis=pg.ViewBox.YAxis)
            chart.note.setText(text)
            chart.note.setVisible(bool(text))
            chart.framed_x = tuple(vb.viewRange()[0])

    @staticmethod
    def _as_framed(chart: Chart) -> bool:
        """The chart still shows the range it was framed on (not zoomed or panned by hand since)."""
        vb = chart.plot.getViewBox()
        return tuple(vb.viewRange()[0]) == chart.framed_x and bool(vb.autoRangeEnabled()[1])

    def curve_data(self, name: str) -> tuple[list[float], list[float]]:
        """The points of a curve, every report time (drawn clipped to the view and thinned per pixel)."""
        curve = self.curves[name]
        x, y = curve.xData, curve.yData
        return ([] if x is None else list(x)), ([] if y is None else list(y))

    def x_range(self) -> tuple[float, float]:
        """The time range the charts show (epoch seconds)."""
        (lo, hi), _ = self.evac_plot.getViewBox().viewRange()
        return lo, hi

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802
        if event.type() == QEvent.Type.FontChange:
            for f in self.figures.values():
                f.release()
            self._reflow()
            for chart in self.all_charts:
                chart.apply_font()
            self.charts.fit()
        super().changeEvent(event)


def _from_epoch(x: float) -> str:
    from datetime import datetime, timezone

    return datetime.fromtimestamp(x, tz=timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.000Z")


def _dig(tree: Any, path: tuple[str, ...]) -> float:
    for p in path:
        if not isinstance(tree, dict):
            return 0.0
        tree = tree.get(p, 0)
    return float(tree or 0)
