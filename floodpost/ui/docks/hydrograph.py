"""A station's hydrograph (过程线): its level against its thresholds, flow, rain, at the slider's time.

The data is the station's whole record from the water fold
(``situation.hydrograph``), computed by the window's situation worker so a
big workspace never holds up the GUI; the panel only draws. The level plot has
a dashed line at each threshold (coloured like the map's states: the first
tier orange, the second red, 校核 purple), flow on a right-hand axis, the
crossing events marked (▲ up, ▼ down) and a vertical line at the map's moment
that follows the slider. A station with rain gets a second plot under it:
a bar per reading (the rain of the period ending at it) and the running
accumulation on a right-hand axis. Times are Beijing time, as the dashboard's.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from floodpost.data.schema import THRESHOLDS
from floodpost.data.schema.symbology import STATION_STATE_COLOURS
from floodpost.data.situation.hydro import margin_text
from floodpost.data.timeutil import format_local, from_storage
from floodpost.i18n import lang_short
from floodpost.ui.docks.rowmodel import heading

# a threshold's line colour: the state a level over it is drawn in on the map
THRESHOLD_STATES = {"warning": "over_warning", "flood_limit": "over_warning", "guaranteed": "over_guaranteed",
                    "design": "over_guaranteed", "check": "over_check"}
LEVEL_COLOUR = "#0d47a1"
FLOW_COLOUR = "#00897b"
RAIN_COLOUR = "#29b6f6"
ACCUM_COLOUR = "#3949ab"
UP_COLOUR = "#c62828"
DOWN_COLOUR = "#2e7d32"
BEIJING = -8 * 3600
NEAR_M = 2.0  # a threshold this close over the highest level is framed with the levels  # pyqtgraph's DateAxisItem takes the offset west of UTC


def threshold_colour(code: str) -> str:
    return STATION_STATE_COLOURS[THRESHOLD_STATES.get(code, "over_warning")]


def _epoch(stored: str) -> float | None:
    dt = from_storage(stored) if stored else None
    return dt.timestamp() if dt is not None else None


def _plot(title: str) -> pg.PlotWidget:
    plot = pg.PlotWidget(axisItems={"bottom": pg.DateAxisItem(orientation="bottom", utcOffset=BEIJING)})
    plot.setMinimumHeight(80)
    plot.showGrid(x=True, y=True, alpha=0.2)
    plot.setMenuEnabled(False)
    plot.setLabel("left", title)
    return plot


def level_range(levels: np.ndarray, thresholds: dict[str, float]) -> tuple[float, float] | None:
    """The level axis: the levels, the first threshold, and the next one above if it is near.

    "Near": within the levels' span, and at least :data:`NEAR_M`. A reservoir's
    设计 is often tens of metres over its 汛限: framing every line would flatten
    the levels to a stroke (the header gives the margin to it).
    """
    ok = levels[np.isfinite(levels)]
    values = sorted(float(v) for v in thresholds.values())
    if not len(ok):
        return (values[0] - 1.0, values[-1] + 1.0) if values else None
    lo, hi = float(ok.min()), float(ok.max())
    near = max(NEAR_M, hi - lo)
    top = hi
    if values:
        lo, top = min(lo, values[0]), max(top, values[0])
        above = [v for v in values if v > hi]
        if above and above[0] - hi <= near:
            top = max(top, above[0])
    return lo, top


class _RightAxis:
    """A second y axis on the right of ``plot`` with its own view box, kept the same width as the plot's."""

    def __init__(self, plot: pg.PlotWidget, title: str, colour: str) -> None:
        self.item = plot.getPlotItem()
        self.view = pg.ViewBox()
        self.view.setZValue(10)  # its curve over the plot's bars
        self.item.showAxis("right")
        self.item.scene().addItem(self.view)
        axis = self.item.getAxis("right")
        axis.linkToView(self.view)
        axis.setLabel(title, color=colour)
        self.view.setXLink(self.item)
        self.item.getViewBox().sigResized.connect(self._fit)
        self._fit()

    def _fit(self) -> None:
        self.view.setGeometry(self.item.getViewBox().sceneBoundingRect())
        self.view.linkedViewChanged(self.item.getViewBox(), self.view.XAxis)

    def show(self, visible: bool) -> None:
        self.item.getAxis("right").setVisible(visible)
        self.view.setVisible(visible)


class HydrographPanel(QWidget):
    """One station's record as a chart, the map's moment marked on it.

    The window names the station (:meth:`ask`), asks its worker for the
    data and hands it to :meth:`show_data`; each moment to :meth:`show_moment`.
    """

    def __init__(self, parent: QWidget | None = None, lang: str | None = None) -> None:
        super().__init__(parent)
        self.lang = lang or lang_short()
        pg.setConfigOptions(antialias=True, background="w", foreground="#333")
        self.station = ""  # the station shown (or asked for)
        self.data: dict[str, Any] | None = None
        self.state: dict[str, Any] | None = None  # its state at the moment shown (the window's Situation)
        self.shown = ""  # the moment's stored time ("" now)
        self._now = ""  # the stored time of "now" when shown
        self._names = {c.code: (c.zh if self.lang == "zh" else c.en) for c in THRESHOLDS}

        self.header = heading(self)
        self.detail = QLabel(self)
        self.detail.setWordWrap(True)

        self.level_plot = _plot(self.tr("Water level (m)"))
        self.flow_axis = _RightAxis(self.level_plot, self.tr("Flow (m³/s)"), FLOW_COLOUR)
        self.level_curve = self.level_plot.plot(pen=pg.mkPen(LEVEL_COLOUR, width=2), symbol="o", symbolSize=4,
                                                symbolBrush=LEVEL_COLOUR, symbolPen=None)
        self.flow_curve = pg.PlotDataItem(pen=pg.mkPen(FLOW_COLOUR, width=1.5, style=Qt.PenStyle.DashDotLine))
        self.flow_axis.view.addItem(self.flow_curve)
        self.up_marks = pg.ScatterPlotItem(symbol="t1", size=12, brush=pg.mkBrush(UP_COLOUR), pen=pg.mkPen("w"))
        self.down_marks = pg.ScatterPlotItem(symbol="t", size=12, brush=pg.mkBrush(DOWN_COLOUR), pen=pg.mkPen("w"))
        self.level_plot.addItem(self.up_marks)
        self.level_plot.addItem(self.down_marks)
        # threshold code -> its horizontal line
        self.threshold_lines: dict[str, pg.InfiniteLine] = {}

        self.rain_plot = _plot(self.tr("Rain (mm)"))
        self.accum_axis = _RightAxis(self.rain_plot, self.tr("Accumulated (mm)"), ACCUM_COLOUR)
        self.rain_bars = pg.BarGraphItem(x=[], height=[], width=1.0, brush=RAIN_COLOUR, pen=pg.mkPen("#0288d1"))
        self.rain_plot.addItem(self.rain_bars)
        self.accum_curve = pg.PlotDataItem(pen=pg.mkPen(ACCUM_COLOUR, width=2), stepMode=None)
        self.accum_axis.view.addItem(self.accum_curve)
        self.rain_plot.getPlotItem().getViewBox().setMouseEnabled(y=False)

        # the map's moment on each plot
        self.markers = []
        for plot in (self.level_plot, self.rain_plot):
            m = pg.InfiniteLine(angle=90, pen=pg.mkPen("#555", width=1.5, style=Qt.PenStyle.DashLine))
            m.setVisible(False)
            m.setZValue(20)
            plot.addItem(m, ignoreBounds=True)
            self.markers.append(m)
        self.marker = self.markers[0]

        self.empty = QLabel(self)
        self.empty.setWordWrap(True)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addWidget(self.header)
        lay.addWidget(self.detail)
        lay.addWidget(self.empty, 1)
        lay.addWidget(self.level_plot, 3)
        lay.addWidget(self.rain_plot, 2)
        self._render()

    # ------------------------------------------------------------ input
    def ask(self, station: str) -> None:
        """The station wanted (its data follows from the window's worker)."""
        if station != self.station:
            self.data = self.state = None  # the last station's, until the new one's arrive
        self.station = station
        self._render()

    def clear(self) -> None:
        self.station, self.data, self.state = "", None, None
        self._render()

    def show_data(self, station: str, data: dict[str, Any], situation: Any = None) -> None:
        """``situation.hydrograph(ws, station)``; ``situation`` (optional) gives its state at the moment."""
        self.station = station
        self.data = data
        if situation is not None:
            self._take_state(situation)
        self._render()

    def show_moment(self, moment: Any) -> None:
        """A moment of the window's worker: the marker and the station's state follow it."""
        self._take_state(moment.situation)
        self._now = str(getattr(moment.situation, "at", "") or "")  # "now" is the moment it was computed
        self.move_marker(moment.when)
        self._header()

    def move_marker(self, stored: str) -> None:
        """The vertical line at the map's moment ("" for now: the clock)."""
        self.shown = stored or ""
        x = _epoch(stored or self._now)
        for m in self.markers:
            m.setVisible(x is not None)
            if x is not None:
                m.setValue(x)

    def marker_time(self) -> float | None:
        """The marker's time (epoch seconds), None hidden."""
        return float(self.marker.value()) if self.marker.isVisible() else None

    def _take_state(self, situation: Any) -> None:
        water = getattr(situation, "water", None)
        self.state = next((s for s in (getattr(water, "stations", None) or []) if s.get("station") == self.station),
                          None)

    # ------------------------------------------------------------ drawing
    def _render(self) -> None:
        self._header()
        data = self.data
        has = data is not None and len(data["ms"]) > 0
        self.empty.setVisible(not has)
        if not self.station:
            self.empty.setText(self.tr("Choose a station: Hydrograph… in the identify panel, or double-click an alert."))
        elif data is None:
            self.empty.setText(self.tr("Reading %1…").replace("%1", self.station))
        else:
            self.empty.setText(self.tr("%1 has no readings").replace("%1", self.station))
        if not has:
            self.level_plot.hide()
            self.rain_plot.hide()
            return
        x = data["ms"].astype(np.float64) / 1000.0
        level, flow, rain = data["level"], data["flow"], data["rain"]
        with_level = bool(np.isfinite(level).any()) or bool(data["thresholds"])
        with_rain = bool(np.isfinite(rain).any())
        self.level_plot.setVisible(with_level)
        self.rain_plot.setVisible(with_rain)
        # the level: points with a level only, joined
        ok = np.isfinite(level)
        self.level_curve.setData(x[ok], level[ok])
        fok = np.isfinite(flow)
        self.flow_curve.setData(x[fok], flow[fok])
        self.flow_axis.show(bool(fok.any()))
        if fok.any():
            self.flow_axis.view.setYRange(0.0, float(np.max(flow[fok])) * 1.1, padding=0)
        for line in self.threshold_lines.values():
            self.level_plot.removeItem(line)
        self.threshold_lines = {}
        top = max(data["thresholds"].values(), default=None)
        for code, value in data["thresholds"].items():
            colour = threshold_colour(code)
            # a label above its line, the highest's under it (it may be the plot's top edge)
            anchor = (0, 0) if value == top else (0, 1)
            line = pg.InfiniteLine(
                pos=float(value), angle=0, pen=pg.mkPen(colour, width=1.5, style=Qt.PenStyle.DashLine),
                label=f"{self._names.get(code, code)} {float(value):.2f}",
                labelOpts={"position": 0.04, "color": colour, "anchors": [anchor, anchor]},
            )
            self.level_plot.addItem(line, ignoreBounds=True)  # framed by level_range()
            self.threshold_lines[code] = line
        ups = [e for e in data["events"] if e.direction == "up"]
        downs = [e for e in data["events"] if e.direction == "down"]
        self.up_marks.setData([e.ms / 1000.0 for e in ups], [e.level for e in ups])
        self.down_marks.setData([e.ms / 1000.0 for e in downs], [e.level for e in downs])
        if with_rain:
            rok = np.isfinite(rain)
            rx, rv = x[rok], rain[rok]
            width = float(np.min(np.diff(rx))) * 0.8 if len(rx) > 1 else 3600.0 * 0.8
            # a bar covers the period that ends at its reading
            self.rain_bars.setOpts(x=rx - width / 2, height=rv, width=width)
            total = np.cumsum(rv)
            self.accum_curve.setData(rx, total)
            self.accum_axis.view.setYRange(0.0, max(float(total[-1]), 1.0) * 1.05, padding=0)
        # one time axis for both plots when both are shown; a rain gauge's own otherwise
        self.rain_plot.setXLink(self.level_plot if with_level else None)
        self.level_plot.enableAutoRange()
        span = level_range(level, data["thresholds"])
        if span is not None:
            self.level_plot.setYRange(*span, padding=0.08)
        self.rain_plot.enableAutoRange(axis=pg.ViewBox.YAxis if with_level else None)
        self.move_marker(self.shown)

    def accumulation(self) -> tuple[np.ndarray, np.ndarray]:
        """The running accumulation as drawn (epoch seconds, mm)."""
        xs, ys = self.accum_curve.getData()
        return (np.asarray(xs if xs is not None else []), np.asarray(ys if ys is not None else []))

    def _header(self) -> None:
        if not self.station:
            self.header.setText(self.tr("Hydrograph"))
            self.detail.setText("")
            return
        s = self.state or {}
        where = s.get("river") or s.get("reservoir") or ""
        self.header.setText(f"{self.station}  {where}".strip())
        parts = []
        if s.get("level") is not None:
            parts.append(self.tr("Level %1 m").replace("%1", f"{float(s['level']):.2f}"))
            text = margin_text(s.get("threshold"), s.get("margin"), self.lang)
            if text:
                parts.append(text)
        if s.get("flow") is not None:
            parts.append(self.tr("Flow %1 m³/s").replace("%1", f"{float(s['flow']):g}"))
        rain = s.get("rain") or {}
        if rain.get(24):
            parts.append(self.tr("Rain 24 h %1 mm").replace("%1", f"{float(rain[24]):g}"))
        if s.get("observed_at"):
            parts.append(self.tr("observed %1").replace("%1", format_local(s["observed_at"])))
        self.detail.setText("  ·  ".join(parts))
        colour = STATION_STATE_COLOURS.get(str(s.get("state")), "")
        self.header.setStyleSheet(f"QLabel {{ color: {colour}; }}" if s.get("tier") else "")
