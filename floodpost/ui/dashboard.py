"""The dashboard dock: headline figures with the change since the last meeting, and curves.

Every number and every point of every curve comes from the as-of engine
(``floodpost.data.situation``), so the dashboard, ``info --at`` and the
brief can never disagree. The curves mark the time the slider shows.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QGridLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from floodpost.data.schema import FORCE_CATEGORIES
from floodpost.data.situation import as_of, delta, last_meeting, timeline
from floodpost.data.timeutil import format_local, from_storage

STAGE_PENS = {"transferred": "#f28e2b", "sheltered": "#59a14f", "returned": "#4e79a7"}
CATEGORY_PENS = ("#1b7837", "#d62728", "#ff7f0e", "#9467bd", "#8c564b", "#1f3a93", "#e377c2")


def _epoch(stored: str) -> float:
    dt = from_storage(stored)
    return dt.timestamp() if dt is not None else 0.0


class _Figure(QWidget):
    """One headline: big number, small label, change since the last meeting."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 2, 4, 2)
        lay.setSpacing(0)
        self.value = QLabel("–")
        self._big_font()
        self.caption = QLabel(label)
        self.change = QLabel("")
        for w in (self.value, self.caption, self.change):
            w.setAlignment(Qt.AlignmentFlag.AlignLeft)
            lay.addWidget(w)

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

    def show_number(self, value: float, change: float | None, since: str) -> None:
        self.value.setText(f"{value:,.0f}")
        if change is None:
            self.change.setText("")
        else:
            sign = "+" if change >= 0 else "−"
            self.change.setText(f"{sign}{abs(change):,.0f} {since}")
            self.change.setStyleSheet("color: #b35806;" if change > 0 else "color: #555;")


class DashboardPanel(QWidget):
    """Headline figures and three charts; ``set_workspace`` then ``set_time``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        pg.setConfigOptions(antialias=True, background="w", foreground="#333")
        # New figures must never widen the dock and squeeze the map.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.ws: Any = None
        self.series: dict[str, Any] = {"times": [], "totals": []}
        lay = QVBoxLayout(self)
        grid = QGridLayout()
        self.figures = {
            "transferred": _Figure(self.tr("persons transferred")),
            "sheltered": _Figure(self.tr("persons sheltered")),
            "returned": _Figure(self.tr("persons returned")),
            "personnel": _Figure(self.tr("rescue personnel")),
            "sandbags_dispatched": _Figure(self.tr("sandbags dispatched")),
            "sandbags_placed": _Figure(self.tr("sandbags placed")),
        }
        for i, w in enumerate(self.figures.values()):
            grid.addWidget(w, i // 2, i % 2)
        lay.addLayout(grid)
        self.meeting = QLabel("")
        lay.addWidget(self.meeting)
        axis = {"bottom": pg.DateAxisItem(orientation="bottom", utcOffset=-8 * 3600)}
        self.evac_plot = pg.PlotWidget(title=self.tr("Evacuation (persons)"), axisItems=dict(axis))
        self.mat_plot = pg.PlotWidget(
            title=self.tr("Sandbags, cumulative"),
            axisItems={"bottom": pg.DateAxisItem(orientation="bottom", utcOffset=-8 * 3600)},
        )
        self.force_plot = pg.PlotWidget(
            title=self.tr("Personnel deployed by category"),
            axisItems={"bottom": pg.DateAxisItem(orientation="bottom", utcOffset=-8 * 3600)},
        )
        self.curves: dict[str, Any] = {}
        for plot in (self.evac_plot, self.mat_plot, self.force_plot):
            plot.setMinimumHeight(90)
            plot.addLegend(offset=(5, 5))
            plot.showGrid(x=True, y=True, alpha=0.2)
            lay.addWidget(plot, 1)
        names = {"transferred": self.tr("transferred"), "sheltered": self.tr("sheltered"),
                 "returned": self.tr("returned")}
        for stage, pen in STAGE_PENS.items():
            self.curves[f"evac:{stage}"] = self.evac_plot.plot(name=names[stage], pen=pg.mkPen(pen, width=2), stepMode=None)
        self.curves["mat:dispatch"] = self.mat_plot.plot(name=self.tr("dispatched"), pen=pg.mkPen("#e15759", width=2))
        self.curves["mat:consumed"] = self.mat_plot.plot(name=self.tr("used (tally)"), pen=pg.mkPen("#b07aa1", width=2))
        self.curves["mat:placed"] = self.mat_plot.plot(name=self.tr("placed (works)"), pen=pg.mkPen("#76b7b2", width=2))
        from floodpost import i18n

        zh = i18n.lang_short() == "zh"
        for c, pen in zip(FORCE_CATEGORIES, CATEGORY_PENS, strict=True):
            self.curves[f"force:{c.code}"] = self.force_plot.plot(name=c.zh if zh else c.en, pen=pg.mkPen(pen, width=2))
        self.markers = [pg.InfiniteLine(angle=90, pen=pg.mkPen("#888", style=Qt.PenStyle.DashLine))
                        for _ in range(3)]
        for plot, m in zip((self.evac_plot, self.mat_plot, self.force_plot), self.markers, strict=True):
            plot.addItem(m)
            m.setVisible(False)

    # ------------------------------------------------------------ data
    def set_workspace(self, ws: Any) -> None:
        """Recompute the curves from the records (after opening or any change)."""
        self.ws = ws
        self.series = timeline(ws) if ws is not None else {"times": [], "totals": []}
        xs = [_epoch(t) for t in self.series["times"]]
        tot = self.series["totals"]
        for stage in STAGE_PENS:
            self.curves[f"evac:{stage}"].setData(xs, [t["evacuation"]["persons"][stage] for t in tot])
        self.curves["mat:dispatch"].setData(xs, [t["materials"].get("dispatch", {}).get("sandbag", 0) for t in tot])
        self.curves["mat:consumed"].setData(xs, [t["materials"].get("consumed", {}).get("sandbag", 0) for t in tot])
        self.curves["mat:placed"].setData(xs, [t["works"].get("sandbags", 0) for t in tot])
        for c in FORCE_CATEGORIES:
            self.curves[f"force:{c.code}"].setData(
                xs, [t["forces"]["by_category"].get(c.code, {}).get("personnel", 0) for t in tot]
            )
        self.set_time("")

    def curve_data(self, name: str) -> tuple[list[float], list[float]]:
        """The points a curve shows (for tests and the brief)."""
        x, y = self.curves[name].getData()
        return ([] if x is None else list(x)), ([] if y is None else list(y))

    def set_time(self, stored: str) -> None:
        """Headlines as of ``stored`` ("" for now), with the change since the meeting before it."""
        if self.ws is None:
            return
        sit = as_of(self.ws, stored or None)
        totals = sit.totals()
        meeting = last_meeting(self.ws, sit.at)
        change = delta(as_of(self.ws, meeting).totals(), totals) if meeting else None
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
        if meeting:
            self.meeting.setText(self.tr("Last consultation meeting: %1").replace("%1", format_local(meeting)))
        else:
            self.meeting.setText(self.tr("No consultation meeting marked yet (Ctrl+M marks one)."))
        x = _epoch(stored) if stored else (_epoch(self.series["times"][-1]) if self.series["times"] else None)
        for m in self.markers:
            m.setVisible(x is not None and bool(stored))
            if x is not None:
                m.setValue(x)


def _dig(tree: Any, path: tuple[str, ...]) -> float:
    for p in path:
        if not isinstance(tree, dict):
            return 0.0
        tree = tree.get(p, 0)
    return float(tree or 0)

