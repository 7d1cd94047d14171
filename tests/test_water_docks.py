"""The hydrograph (过程线) and the alert list (越限告警): thresholds, the slider's time, acknowledgements.

The workspace and its crossings are worked out by hand in ``tests/water_workspace.py``.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import Qt

from floodpost.data.schema.symbology import STATION_STATE_COLOURS
from floodpost.data.situation import as_of, hydrograph
from floodpost.data.timeutil import from_storage
from floodpost.data.workspace import Workspace
from floodpost.ui.docks.alertdock import AlertPanel
from floodpost.ui.docks.hydrograph import HydrographPanel
from tests.water_workspace import RAIN, RESERVOIR, RIVER, bj, build_water_workspace


def epoch(stored: str) -> float:
    return from_storage(stored).timestamp()


@pytest.fixture
def ws_path(tmp_path: Path) -> Path:
    return build_water_workspace(tmp_path / "water.gpkg")


@pytest.fixture
def ws(ws_path: Path):
    with Workspace.open(ws_path) as w:
        yield w


def table(panel: AlertPanel) -> list[tuple[str, ...]]:
    m = panel.table.model()
    return [tuple(m.index(r, c).data() for c in range(m.columnCount())) for r in range(m.rowCount())]


def test_a_river_gauges_hydrograph_has_its_thresholds_crossings_and_the_moment(qtbot, ws, zh) -> None:
    panel = HydrographPanel(lang="zh")
    qtbot.addWidget(panel)
    panel.ask(RIVER)
    panel.show_data(RIVER, hydrograph(ws, RIVER), as_of(ws, bj("22 21:00")))
    lines = panel.threshold_lines
    assert {c: round(line.value(), 2) for c, line in lines.items()} == {"warning": 66.80, "guaranteed": 69.20}
    assert lines["warning"].label.toPlainText() == "警戒水位 66.80"
    assert lines["warning"].pen.color().name() == STATION_STATE_COLOURS["over_warning"]
    assert lines["guaranteed"].pen.color().name() == STATION_STATE_COLOURS["over_guaranteed"]
    xs, ys = panel.level_curve.getData()
    assert list(np.round(ys, 2)) == [65.90, 66.50, 67.10, 67.40, 66.60]
    # the crossings: up at 16:00 (67.10), down at 02:00 the next day (66.60)
    assert [(p.pos().x(), round(p.pos().y(), 2)) for p in panel.up_marks.points()] == [(epoch(bj("22 16:00")), 67.10)]
    assert [(p.pos().x(), round(p.pos().y(), 2)) for p in panel.down_marks.points()] == [(epoch(bj("23 02:00")), 66.60)]
    assert list(panel.flow_curve.getData()[1]) == [300.0, 450.0]
    assert not panel.rain_plot.isVisibleTo(panel) and panel.level_plot.isVisibleTo(panel)
    assert panel.header.text() == "淇门  卫河" and "超警0.60米" in panel.detail.text()
    panel.move_marker(bj("22 12:00"))
    assert panel.marker_time() == epoch(bj("22 12:00"))
    panel.move_marker(bj("22 18:00"))
    assert panel.marker_time() == epoch(bj("22 18:00"))


def test_a_rain_gauge_has_bars_and_the_running_accumulation(qtbot, ws) -> None:
    panel = HydrographPanel(lang="zh")
    qtbot.addWidget(panel)
    panel.ask(RAIN)
    panel.show_data(RAIN, hydrograph(ws, RAIN))
    assert panel.rain_plot.isVisibleTo(panel) and not panel.level_plot.isVisibleTo(panel)
    assert list(panel.rain_bars.opts["height"]) == [5.0, 12.5, 30.0, 8.0]
    xs, total = panel.accumulation()
    assert list(total) == [5.0, 17.5, 47.5, 55.5]
    assert list(xs) == [epoch(bj(f"22 {h}:00")) for h in ("08", "09", "10", "11")]
    # each bar ends at its reading (the rain of the period up to it)
    right = panel.rain_bars.opts["x"] + panel.rain_bars.opts["width"] / 2
    assert list(right) == list(xs)


def test_a_hidden_alert_list_counts_now_and_fills_its_rows_when_shown(qtbot, ws, zh) -> None:
    """Behind another tab the list does no work at a slider step but its count (the tab's title)."""
    panel = AlertPanel(lang="zh")
    qtbot.addWidget(panel)
    panel.set_workspace(ws)
    counts = []
    panel.countChanged.connect(counts.append)
    panel.show_water(as_of(ws, bj("22 17:00")).water, bj("22 17:00"))
    assert counts == [1] and panel.waiting == 1
    assert panel.table.model().rowCount() == 0, "no rows made while hidden"
    panel.show()
    assert [r[0] for r in table(panel)] == [RIVER, RESERVOIR]


def test_the_alert_list_puts_a_waiting_crossing_first_and_follows_the_moment(qtbot, ws, zh) -> None:
    panel = AlertPanel(lang="zh")
    qtbot.addWidget(panel)
    panel.show()  # a hidden list fills its rows when shown
    panel.set_workspace(ws)
    panel.show_water(as_of(ws, bj("22 10:30")).water, bj("22 10:30"))
    # 10:30: the reservoir is over 汛限 and nobody has acknowledged it yet (11:00)
    assert table(panel) == [(RESERVOIR, "盘石头水库", "汛限水位", "超过", "07-22 10:00", "245.60", "超汛限0.60米", "等待确认")]
    assert panel.waiting == 1
    panel.show_water(as_of(ws, bj("22 17:00")).water, bj("22 17:00"))
    rows = table(panel)
    assert [r[0] for r in rows] == [RIVER, RESERVOIR]
    assert rows[0] == (RIVER, "卫河", "警戒水位", "超过", "07-22 16:00", "67.10", "超警0.30米", "等待确认")
    assert rows[1][-1] == "值班员 07-22 11:00"
    assert panel.table.model().index(0, 0).data(Qt.ItemDataRole.ForegroundRole).color().name() == "#c62828"
    assert panel.header.text() == "待确认 1，越限 2"
    # the next day: the river is back under, its up alert still waits and stays first
    panel.show_water(as_of(ws, bj("23 03:00")).water, bj("23 03:00"))
    assert [(r[0], r[3]) for r in table(panel)] == [(RIVER, "超过"), (RIVER, "回落"), (RESERVOIR, "超过")]
    panel.only_waiting.setChecked(True)
    assert [(r[0], r[3]) for r in table(panel)] == [(RIVER, "超过")]


def test_acknowledging_writes_one_record_and_the_alert_stops_waiting(qtbot, ws, zh) -> None:
    panel = AlertPanel(lang="zh")
    qtbot.addWidget(panel)
    panel.show()  # a hidden list fills its rows when shown
    panel.set_workspace(ws)
    panel.operator = "李值班"
    panel.show_water(as_of(ws, bj("22 17:00")).water, bj("22 17:00"))
    panel.set_view_time(bj("22 17:00"))
    saved = []
    panel.saved.connect(lambda key, fid: saved.append((key, fid)))
    assert panel.select(RIVER)
    fid = panel.acknowledge_selected()
    assert saved == [("alert_acks", fid)]
    rows = ws.read("alert_acks", geometry=False)
    assert len(rows) == 2
    rec = ws.feature("alert_acks", fid)
    assert {k: rec[k] for k in ("station", "threshold", "direction", "event_at", "by", "reported_at")} == {
        "station": RIVER, "threshold": "warning", "direction": "up", "event_at": bj("22 16:00"), "by": "李值班",
        "reported_at": bj("22 17:00")}
    panel.show_water(as_of(ws, bj("22 17:00")).water, bj("22 17:00"))
    assert panel.waiting == 0 and table(panel)[0][-1] == "李值班 07-22 17:00"
    # an acknowledged alert (or a down crossing) needs none: nothing more written
    assert panel.select(RIVER) and not panel.ack_button.isEnabled()
    assert panel.acknowledge(panel.selected_event()) is None
    assert len(ws.read("alert_acks", geometry=False)) == 2


def test_the_window_hydrograph_follows_the_slider_and_an_acknowledgement_is_one_undo_step(
        qtbot, ws_path: Path, zh, monkeypatch) -> None:
    import threading

    import floodpost.data.situation as situation
    from floodpost.ui.docks.situationworker import THREAD_NAME
    from floodpost.ui.mainwindow import MainWindow

    threads = []
    real = situation.hydrograph

    def noted(ws, station):
        threads.append(threading.current_thread().name)
        return real(ws, station)

    monkeypatch.setattr(situation, "hydrograph", noted)

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.canvas.rendered, timeout=20_000):
        assert win.open_workspace(ws_path)
    qtbot.waitUntil(lambda: not win.situation_pending and bool(win.time_slider.times), timeout=20_000)
    assert win.alert_dock.windowTitle().startswith("越限告警")
    win.alert_dock.raise_()  # its tab chosen: behind another tab the list waits
    qtbot.waitUntil(win.alert_panel.in_view, timeout=5000)
    win.time_slider.set_time(bj("22 16:00"))
    qtbot.waitUntil(lambda: win.alert_panel.when == bj("22 16:00") and not win.situation_pending, timeout=20_000)
    assert win.alert_dock.windowTitle() == "越限告警 (1)"
    # double-click the alert: the station on the map, its hydrograph from the worker
    win.alert_panel.open_row(0)
    assert win._current is not None and win._current[0] == "stations"
    assert win.hydro_dock.isVisible() and win.hydro_panel.station == RIVER
    qtbot.waitUntil(lambda: win.hydro_panel.data is not None, timeout=20_000)
    assert round(win.hydro_panel.threshold_lines["warning"].value(), 2) == 66.80
    assert threads and set(threads) == {THREAD_NAME}  # read by the worker, never on the GUI thread
    assert win.hydro_panel.marker_time() == epoch(bj("22 16:00"))
    win.time_slider.set_time(bj("22 20:00"))
    assert win.hydro_panel.marker_time() == epoch(bj("22 20:00"))  # at once, before the figures
    qtbot.waitUntil(lambda: win.alert_panel.when == bj("22 20:00") and not win.situation_pending, timeout=20_000)
    # 确认: one alert_acks record, one undo step; undo takes it out
    assert win.alert_panel.select(RIVER)
    fid = win.alert_panel.acknowledge_selected()
    assert fid is not None and win.workspace.feature("alert_acks", fid)["reported_at"] == bj("22 20:00")
    assert win.undo_stack.count() == 1 and win.undo_stack.undoText() == f"确认告警 {RIVER}"
    qtbot.waitUntil(lambda: win.alert_panel.waiting == 0, timeout=20_000)
    assert win.alert_dock.windowTitle() == "越限告警"
    win.act_undo.trigger()
    assert win.workspace.feature("alert_acks", fid) is None
    assert len(win.workspace.read("alert_acks", geometry=False)) == 1
    qtbot.waitUntil(lambda: win.alert_panel.waiting == 1, timeout=20_000)
    # the identify panel's 过程线… on a station opens its chart
    win.identify.hydrographRequested.emit(RAIN)
    qtbot.waitUntil(lambda: win.hydro_panel.station == RAIN and win.hydro_panel.data is not None, timeout=20_000)
    assert list(win.hydro_panel.accumulation()[1]) == [5.0, 17.5, 47.5, 55.5]
    # Ctrl+Shift+H: the chart of the station shown in identify
    stations = win.workspace.read("stations", columns=["name"], geometry=False)
    win._current = ("stations", int(stations.index[list(stations["name"]).index(RESERVOIR)]))
    assert win.act_hydrograph.shortcut().toString() == "Ctrl+Shift+H"
    win.act_hydrograph.trigger()
    qtbot.waitUntil(lambda: win.hydro_panel.station == RESERVOIR and win.hydro_panel.data is not None,
                    timeout=20_000)
    assert win.act_alerts.shortcut().toString() == "Ctrl+Shift+J"
    win.close()


def test_a_reservoirs_levels_are_framed_with_the_thresholds_near_them(qtbot, ws) -> None:
    from floodpost.ui.docks.hydrograph import level_range

    panel = HydrographPanel(lang="zh")
    qtbot.addWidget(panel)
    panel.ask(RESERVOIR)
    panel.show_data(RESERVOIR, hydrograph(ws, RESERVOIR))
    assert {c: round(v.value(), 1) for c, v in panel.threshold_lines.items()} == {
        "flood_limit": 245.0, "design": 270.7, "check": 275.0}
    # levels 244.5 and 245.6: the axis reaches 汛限, not 设计 25 m higher
    assert level_range(np.array([244.5, 245.6]), {"flood_limit": 245.0, "design": 270.7, "check": 275.0}) == (
        244.5, 245.6)
    lo, hi = panel.level_plot.getPlotItem().getViewBox().viewRange()[1]
    assert 244.0 < lo < 244.5 and 245.6 < hi < 246.5
    # a river gauge below 警戒 shows it; 保证 1.8 m over the highest level too, 5 m over not
    assert level_range(np.array([65.9, 66.5]), {"warning": 66.8, "guaranteed": 69.2}) == (65.9, 66.8)
    assert level_range(np.array([65.9, 67.4]), {"warning": 66.8, "guaranteed": 69.2}) == (65.9, 69.2)
    assert level_range(np.array([65.9, 67.4]), {"warning": 66.8, "guaranteed": 72.4}) == (65.9, 67.4)
