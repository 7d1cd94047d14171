"""Time slider, dashboard and meeting mark, driven through the main window."""

from __future__ import annotations

import time

import pytest

from floodpost.data.situation import as_of, report_times
from floodpost.data.workspace import Workspace
from floodpost.ui.mainwindow import MainWindow


def _opened(qtbot, path, size=(1200, 800)) -> MainWindow:
    """A window shown with ``path`` open: its first frame drawn and its figures in (from the worker)."""
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(*size)
    win.show()
    qtbot.waitExposed(win)
    with qtbot.waitSignals([win.canvas.rendered, win.situationReady], timeout=20000):
        assert win.open_workspace(path)
    return win


@pytest.fixture
def window(qtbot, demo_path):
    win = _opened(qtbot, demo_path, (1400, 900))
    yield win
    win.close()


def test_dashboard_curves_equal_the_engine(window, demo_path):
    dash = window.dashboard
    with Workspace.open(demo_path) as ws:
        times = report_times(ws)
        checks = [times[3], times[len(times) // 2], times[-1]]
        want = {t: as_of(ws, t).totals() for t in checks}
    x, y = dash.curve_data("evac:transferred")
    assert len(x) == len(times)
    for t in checks:
        i = times.index(t)
        assert y[i] == want[t]["evacuation"]["persons"]["transferred"]
        assert dash.curve_data("mat:dispatch")[1][i] == want[t]["materials"].get("dispatch", {}).get("sandbag", 0)
        assert dash.curve_data("force:army")[1][i] == want[t]["forces"]["by_category"].get("army", {}).get("personnel", 0)


def test_slider_moves_map_and_headlines(qtbot, window, demo_path):
    slider = window.time_slider
    forces_now = window.scene.layers["forces"].count
    with Workspace.open(demo_path) as ws:
        times = report_times(ws)
        t = next(t for t in times if t >= "2021-07-22T00:00:00.000Z")  # 良相坡's first report
        early = as_of(ws, t)
    slider.set_time(t)
    qtbot.waitUntil(lambda: window.scene.layers["forces"].count < forces_now, timeout=5000)
    assert window.scene.layers["forces"].count == len(early.forces)
    assert window.dashboard.figures["transferred"].value.text() == f"{early.totals()['evacuation']['persons']['transferred']:,}"
    bars = {b.name: b.transferred for b in window.scene.painter.overlays[-1].bars}
    assert bars["良相坡"] == early.evacuation["良相坡"]["transferred_persons"] == 3200
    slider.go_now()
    qtbot.waitUntil(lambda: window.scene.layers["forces"].count == forces_now, timeout=5000)
    assert slider.current == ""


def test_meeting_mark_resets_the_change(qtbot, window, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("第9次会商", True))
    with qtbot.waitSignal(window.situationReady, timeout=10000):
        window.mark_meeting_dialog()
    assert window.dashboard.figures["transferred"].change.text().startswith("+0")
    assert window.workspace.log_entries()["summary"].iloc[-1] == "第9次会商"


def test_operations_figures_at_two_times(qtbot, tmp_path):
    """险情, 力量 and 预警叫应 headlines and curves against ops_workspace's hand-computed figures."""
    from ops_workspace import T1, T2, build_ops_workspace

    from floodpost.data.timeutil import to_storage

    path = build_ops_workspace(tmp_path / "ops.gpkg")
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    dash = win.dashboard
    with qtbot.waitSignal(win.situationReady, timeout=10000):
        assert win.open_workspace(str(path))
    qtbot.waitUntil(lambda: len(dash.curve_data("ops:uncontrolled")[0]) > 0, timeout=10000)
    want = {
        T1: {"uncontrolled": ("2", "−1"), "committed": ("100", "+0"), "answered": ("3/5", "+0"),
             "overdue": ("2", "+0")},
        T2: {"uncontrolled": ("0", "−3"), "committed": ("60", "−40"), "answered": ("4/5", "+1"),
             "overdue": ("1", "−1")},
    }
    details = {
        T1: ["Incidents 3: reported 0, being handled 2, under control 0, closed 1",
             "Persons threatened 500, trapped 12, rescued 0",
             "Teams at incidents 2; available: 0 teams, 200 personnel",
             "Active warnings 2 (red 1, orange 1); answers due in 30 min"],
        T2: ["Incidents 3: reported 0, being handled 0, under control 2, closed 1",
             "Persons threatened 500, trapped 0, rescued 12",
             "Teams at incidents 1; available: 1 teams, 240 personnel",
             "Active warnings 2 (red 1, orange 1); answers due in 30 min"],
    }
    for t in (T1, T2):
        win.time_slider.set_time(to_storage(t))
        qtbot.waitUntil(lambda t=t: dash.figures["answered"].value.text() == want[t]["answered"][0], timeout=5000)
        for key, (value, change) in want[t].items():
            f = dash.figures[key]
            assert f.value.text() == value, (t, key)
            assert f.change.text().startswith(change + " "), (t, key, f.change.text())
        assert dash.ops_detail.text().splitlines() == details[t]
        # red while anything is out of control or overdue, plain otherwise
        assert ("#c62828" in dash.figures["uncontrolled"].value.styleSheet()) == (t == T1)
        assert "#c62828" in dash.figures["overdue"].value.styleSheet()
        assert "#c62828" not in dash.figures["answered"].value.styleSheet()
    assert dash.figures["overdue"].caption.text() == "not answered in time"
    assert "30 minutes" in dash.figures["overdue"].toolTip()
    # the curves at each report time: 11:00 (the road closed) and 16:00 (the village under control)
    with Workspace.open(path) as ws:
        times = report_times(ws)
    i11, i16 = times.index(to_storage(T1)), times.index(to_storage("2021-07-22T16:00"))
    i10 = times.index(to_storage("2021-07-22T10:00"))
    curve = {k: dash.curve_data(k)[1] for k in ("ops:uncontrolled", "ops:controlled", "ops:closed",
                                                "warn:recipients", "warn:answered", "warn:overdue",
                                                "force:committed")}
    assert [curve["ops:uncontrolled"][i] for i in (i10, i11, i16)] == [3, 2, 0]
    assert [curve["ops:controlled"][i] for i in (i10, i11, i16)] == [0, 0, 2]
    assert [curve["ops:closed"][i] for i in (i10, i11, i16)] == [0, 1, 1]
    assert [curve["warn:recipients"][i] for i in (i10, i11, i16)] == [5, 5, 5]
    assert [curve["warn:answered"][i] for i in (i10, i11, i16)] == [2, 3, 4]
    assert [curve["force:committed"][i] for i in (i10, i11, i16)] == [100, 100, 60]
    assert curve["warn:overdue"][i11] == 2
    win.close()


def test_water_figures_and_ages_at_two_times(qtbot, tmp_path):
    """超警站点 and the age of each figure against water_workspace's hand-computed ones."""
    from water_figures_workspace import T1, T2, build_water_workspace

    from floodpost.data.situation import series
    from floodpost.data.timeutil import to_storage

    path = build_water_workspace(tmp_path / "water.gpkg")
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    dash = win.dashboard
    with qtbot.waitSignal(win.situationReady, timeout=10000):
        assert win.open_workspace(str(path))
    qtbot.waitUntil(lambda: len(dash.curve_data("water:over_warning")[0]) > 0, timeout=10000)
    want = {T1: ("2", "+1", "1", "2 h ago", True), T2: ("1", "+0", "1", "just now", False)}
    for t, (over, change, alerts, evac_age, stale) in want.items():
        win.time_slider.set_time(to_storage(t))
        qtbot.waitUntil(lambda over=over: dash.figures["over_warning"].value.text() == over, timeout=5000)
        f = dash.figures["over_warning"]
        assert f.isVisible() and "#c62828" in f.value.styleSheet()
        assert f.change.text().startswith(change + " ")
        assert dash.figures["alerts"].value.text() == alerts
        ev = dash.figures["transferred"]
        assert ev.age.text() == evac_age
        assert ("#b26a00" in ev.age.styleSheet()) == stale, t
        assert "Expected every 2 h" in ev.age.toolTip()
        assert dash.figures["over_warning"].age.text() == "just now"
        assert dash.figures["personnel"].age.text() == "no report yet"
    with Workspace.open(path) as ws:
        s = series(ws)
    assert dash.curve_data("water:over_warning")[1] == list(s.get("water", "over_warning"))
    # no gauges: neither the water figures nor their chart
    assert dash.water in dash.charts.charts
    dash.show_moment(type("M", (), {"when": "", "totals": {"evacuation": {}}, "change": None, "meeting": None,
                                    "situation": None})())
    assert not dash.figures["over_warning"].isVisible() and dash.water not in dash.charts.charts


def test_a_reopened_workspace_starts_from_its_kept_fold(qtbot, demo_path, tmp_path, monkeypatch):
    """Closing the window keeps its fold on disk; reopening takes it up and catches up what was written
    meanwhile (a tally from another desk) instead of folding every record again."""
    from floodpost.data import situation

    monkeypatch.setenv("FLOODPOST_CACHE_DIR", str(tmp_path / "cache"))
    builds: list[int] = []
    real = situation.Engine._build
    monkeypatch.setattr(situation.Engine, "_build", lambda self: (builds.append(1), real(self))[1])

    def opened() -> MainWindow:
        win = _opened(qtbot, demo_path)
        qtbot.waitUntil(lambda: not win.situation_pending, timeout=20000)
        return win

    win = opened()
    win.close()
    assert builds == [1] and list((tmp_path / "cache" / "folds").glob("*.fold"))
    with Workspace.open(demo_path) as ws:
        ws.insert("material_tally", [{"depot": "鹤壁市防汛物资仓库", "item": "sandbag", "quantity": 12345,
                                      "kind": "dispatch", "reported_at": "2021-07-25T23:59"}])
    win = opened()
    try:
        assert builds == [1], "taken up and caught up, not folded again"
        win.time_slider.set_time(win.time_slider.times[-1])
        with Workspace.open(demo_path) as ws:
            situation.keep_folds(False)
            want = situation.as_of(ws, win.time_slider.times[-1]).totals()
        assert builds == [1, 1]  # the fresh fold just made to compare with
        qtbot.waitUntil(lambda: not win.situation_pending, timeout=20000)
        got = win.dashboard.curve_data("mat:dispatch")[1][-1]
        assert got == want["materials"]["dispatch"]["sandbag"]
    finally:
        win.close()


def test_the_fold_is_kept_once_the_officer_pauses(qtbot, demo_path, tmp_path, monkeypatch):
    """The first fold is written to disk while the window stays open, but only after a pause with
    nothing asked (writing it while the curves are drawn stalled them), and a step puts it off."""
    import floodpost.ui.docks.situationworker as sw

    monkeypatch.setenv("FLOODPOST_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setattr(sw, "KEEP_AFTER_S", 0.6)
    kept: list[float] = []
    real = sw._keep
    monkeypatch.setattr(sw, "_keep", lambda ws: (kept.append(time.monotonic()), real(ws)))
    win = _opened(qtbot, demo_path)
    try:
        shown = time.monotonic()
        with qtbot.waitSignal(win.situationReady, timeout=10000):
            stepped = time.monotonic()
            win.time_slider.set_time(win.time_slider.times[3])
        qtbot.waitUntil(lambda: bool(list((tmp_path / "cache" / "folds").glob("*.fold"))), timeout=10000)
        assert kept[0] >= shown + 0.6 and kept[0] >= stepped + 0.6  # after the pause, counted from the step
        qtbot.wait(800)
        assert len(kept) == 1  # once
    finally:
        win.close()


def test_a_stopped_workers_results_never_match_the_next_ones(qapp, demo_path):
    """A result a worker queued before it was stopped (a reopening) carries a generation the next worker
    never asks for: each worker counted from 1, so a late moment of the old workspace could pass."""
    from floodpost.ui.docks.situationworker import SituationWorker

    gens = []
    for _ in range(2):
        worker = SituationWorker(lambda: Workspace.open(demo_path))
        gens.append(worker.refresh(""))
        worker.stop()
    assert gens[1] > gens[0]


def test_the_worker_works_ahead_in_pieces_and_a_step_goes_first(qtbot, demo_path, monkeypatch):
    """Once the curves are drawn the worker works the fold out ahead (the meetings' totals, the warnings'
    answers), a piece at a time: a slider step asked meanwhile is served before the pieces left."""
    import floodpost.data.situation as situation
    import floodpost.ui.docks.situationworker as sw

    monkeypatch.setattr(sw, "WARM_AFTER_S", 0.2)
    pieces: list[tuple[str, float]] = []
    real = situation.warm_up

    def slow(ws):
        for _ in real(ws):
            pieces.append(("real", time.monotonic()))
            yield
        for _ in range(40):
            time.sleep(0.05)
            pieces.append(("slow", time.monotonic()))
            yield

    monkeypatch.setattr(situation, "warm_up", slow)
    win = _opened(qtbot, demo_path)
    try:
        qtbot.waitUntil(lambda: any(k == "slow" for k, _ in pieces), timeout=10000)
        assert sum(k == "real" for k, _ in pieces) >= len(situation.meetings(win.workspace))
        with qtbot.waitSignal(win.situationReady, timeout=10000):
            win.time_slider.set_time(win.time_slider.times[3])
        served = time.monotonic()
        assert sum(k == "slow" for k, _ in pieces) < 40  # not after the whole of it
        qtbot.waitUntil(lambda: sum(k == "slow" for k, _ in pieces) == 40, timeout=10000)
        assert pieces[-1][1] > served
    finally:
        win.close()


def test_meeting_lines_are_drawn_where_the_meetings_are(qtbot):
    """All of a chart's meeting lines are one item; each is drawn at its time, over the whole height."""
    import numpy as np

    from floodpost.ui.docks.dashboard import Chart

    chart = Chart("会商", True)
    qtbot.addWidget(chart)
    chart.resize(600, 320)
    chart.show()
    qtbot.waitExposed(chart)
    day = 86400.0
    t0 = 1.6e9
    curve = chart.add_curve("a", "#1f77b4")
    xs = np.linspace(t0, t0 + 10 * day, 200)
    curve.setData(xs, np.linspace(0, 100, 200))
    meetings = [t0 + d * day for d in (1, 3, 7)]
    chart.set_meetings(meetings)
    assert chart.meetings.positions() == meetings

    def red_columns(lo: float, hi: float) -> list[float]:
        """The view x of the meeting-red pixels, on three rows across the plot (the widget shows its scene 1:1)."""
        from PySide6.QtCore import QPointF

        chart.plot.setXRange(lo, hi, padding=0)
        qtbot.wait(50)
        img = chart.plot.grab().toImage()
        vb = chart.plot.getViewBox()
        rect = vb.sceneBoundingRect()
        left, right = int(rect.left()) + 2, int(rect.right()) - 2
        rows = []
        for frac in (0.25, 0.5, 0.75):  # the lines cross the plot from top to bottom
            y = int(rect.top() + rect.height() * frac)
            rows.append([x for x in range(left, right)
                         if (c := img.pixelColor(x, y)).red() > c.green() + 25 and c.red() > c.blue() + 25])
        assert rows[0] == rows[1] == rows[2]
        return [vb.mapSceneToView(QPointF(x, rect.center().y())).x() for x in rows[0]]

    def clusters(points: list[float]) -> list[float]:
        out: list[list[float]] = []
        for p in sorted(points):
            if out and p - out[-1][-1] < day / 4:
                out[-1].append(p)
            else:
                out.append([p])
        return [sum(c) / len(c) for c in out]

    seen = clusters(red_columns(t0, t0 + 10 * day))
    assert len(seen) == 3 and all(abs(a - b) < day / 10 for a, b in zip(seen, meetings, strict=True))
    seen = clusters(red_columns(t0 + 2 * day, t0 + 5 * day))  # zoomed: only the meeting in view
    assert len(seen) == 1 and abs(seen[0] - meetings[1]) < day / 20


def test_figures_keep_their_size_but_never_cut_their_text(qtbot, window, demo_path):
    """A figure keeps the size it has needed (a new number lays out that figure alone), grows when its
    text or style asks for more (the age in bold once overdue), and starts anew when the panel narrows."""
    figures = window.dashboard.figures.values()
    with Workspace.open(demo_path) as ws:
        times = report_times(ws)
    for t in (times[2], times[len(times) // 2], ""):
        window.time_slider.set_time(t) if t else window.time_slider.go_now()
        qtbot.waitUntil(lambda: not window.situation_pending, timeout=5000)
        qtbot.wait(50)
        for f in figures:
            if f.isVisible():
                hint = f.layout().sizeHint()
                assert f.width() >= hint.width() and f.height() >= hint.height(), f.caption.text()
                assert f.minimumSize() == f.maximumSize()  # held: a new text does not lay out the panel
    window.dashboard.resize(window.dashboard.width() - 40, window.dashboard.height())
    qtbot.wait(50)
    assert all(f.minimumSize() != f.maximumSize() for f in figures)  # the panel narrowed: sized anew


def test_figures_never_overlap(qtbot, window):
    """However long a number and its age get, the figures a row holds fit side by side: the grid counts
    the width a figure holds from a longer number before (it fails without that; a season's
    5,997/7,092 answered was drawn over its neighbour)."""
    import copy

    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QDockWidget

    dash = window.dashboard
    dock = dash
    while not isinstance(dock, QDockWidget):
        dock = dock.parentWidget()
    qtbot.waitUntil(lambda: not window.situation_pending, timeout=5000)
    for width in (420, 520, 640):
        window.resizeDocks([dock], [width], Qt.Orientation.Horizontal)
        qtbot.wait(50)
        for answered, total in ((None, None), (5_997, 7_092), (123_456, 234_567), (None, None)):
            moment = copy.copy(window._shown_moment)
            moment.totals = copy.deepcopy(moment.totals)
            if answered is not None:
                moment.totals["warnings"].update(answered=answered, recipients=total)
                moment.totals["dispatch"]["personnel_committed"] = total
            dash.show_moment(moment)
            qtbot.wait(50)
            shown = [f for f in dash.figures.values() if f.isVisible()]
            if 2 * (max(max(f.layout().sizeHint().width(), f.minimumWidth()) for f in shown) + 8) > dash.width() - 8:
                continue  # not even two fit side by side: the panel is too narrow for these numbers
            boxes = [f.geometry().translated(f.parentWidget().mapTo(dash, f.pos()) - f.pos()) for f in shown]
            for i, a in enumerate(boxes):
                for j in range(i):
                    assert not a.intersects(boxes[j]), (width, total, shown[i].caption.text(),
                                                        shown[j].caption.text())
