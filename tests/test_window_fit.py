"""The window on a small screen, off the GUI thread, and on the big screen (issue 14: 12, 14, 17, 22).

Figures are computed in a worker thread: the window and the map come first.
The window fits a 1366×768 laptop; chart legends sit beside the plots and list
every series; axes read 万; meeting view enlarges the map and charts, shows the
legend and what Alt+1…9 jump to; Esc clears what is identified; Ctrl+C in the
terminal closes the window.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from floodpost.data.schema.symbology import SYMBOLOGY
from floodpost.data.situation import as_of, report_times
from floodpost.data.workspace import Workspace
from floodpost.ui.docks.dashboard import Framing, format_count, frame_range
from floodpost.ui.mainwindow import MainWindow
from floodpost.ui.window import scale_text

ROOT = Path(__file__).resolve().parents[1]


def _gen_tallies():
    spec = importlib.util.spec_from_file_location("gen_tallies", ROOT / "benchmarks" / "gen_tallies.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


@pytest.fixture
def window(qtbot):
    QSettings("FloodPost", "FloodPost").remove("bookmarks")
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1366, 768)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()


def _open(qtbot, win, path) -> None:
    with qtbot.waitSignals([win.canvas.rendered, win.situationReady], timeout=20000):
        assert win.open_workspace(path)


# ------------------------------------------------------------------ plain functions
def test_counts_read_in_wan_not_scientific():
    assert format_count(2_000_000, 500_000, zh=True) == "200万"
    assert format_count(15_000, 5_000, zh=True) == "1.5万"
    assert format_count(250_000_000, 50_000_000, zh=True) == "2.5亿"
    assert format_count(800, 200, zh=True) == "800"
    assert format_count(0, 500_000, zh=True) == "0"
    assert format_count(2_000_000, 500_000, zh=False) == "2M"
    assert "e+" not in format_count(2e6, 1e6, zh=True)


def test_status_bar_scale_has_two_significant_figures():
    assert scale_text(382_001, zh=True) == "1:38万"
    assert scale_text(382_001, zh=False) == "1:380,000"
    assert scale_text(5_234, zh=True) == "1:5,200"
    assert scale_text(1_549_000, zh=True) == "1:150万"


def test_frame_leaves_a_far_off_record_outside():
    day = 86400.0
    flood = [1626825600 + i * 3600 for i in range(120)]  # five days of July 2021
    stray = 1796083200.0  # December 2026, a test entry at the wall clock
    lo, hi, outside = frame_range([*flood, stray], None)
    assert (lo, hi) == (flood[0], flood[-1]) and outside == [stray]
    lo, hi, outside = frame_range([*flood, stray], flood[50])
    assert hi - lo < 6 * day and outside == [stray]
    lo, hi, _ = frame_range([*flood, stray], stray + 10)  # the user slid to it: it is shown
    assert lo <= stray <= hi


def test_framing_found_once_frames_as_frame_range_does():
    """The stretches a slider step looks up are those ``frame_range`` walks to, on any record times."""
    import random

    rng = random.Random(16)
    day = 86400.0
    for _ in range(200):
        xs = []
        for _ in range(rng.randint(1, 5)):  # a few stretches, some a stray entry or two
            start = rng.uniform(0, 400) * day
            xs += [start + rng.uniform(0, rng.choice([0.0, 0.01, 2.0, 6.0])) * day for _ in range(rng.choice([1, 2, 3, 40]))]
        rng.shuffle(xs)
        framing = Framing(xs)
        for shown in [None, *(rng.uniform(-10, 420) * day for _ in range(6)), *rng.sample(xs, min(3, len(xs)))]:
            lo, hi, outside = frame_range(xs, shown)
            far = max(outside, key=lambda x: min(abs(x - lo), abs(x - hi))) if outside else None
            assert framing.frame(shown) == (lo, hi, len(outside), far)


# ------------------------------------------------------------------ symbols
def test_point_symbols_differ_by_shape_not_only_colour():
    from floodpost.layers.output.webmap import marker_svg

    forces = SYMBOLOGY["forces"].classes
    assert len({s.shape for s in forces.values()}) == len(forces) == 7
    hazards = SYMBOLOGY["hazards"].classes
    assert len({s.shape for s in hazards.values()}) == len(hazards)
    depot_shapes = {s.shape for s in SYMBOLOGY["depots"].classes.values()}
    assert hazards["subsidence"].shape not in depot_shapes
    looks = [(s.shape, s.fill) for key in ("forces", "hazards", "depots") for s in SYMBOLOGY[key].classes.values()]
    assert len(looks) == len(set(looks))
    for key in ("forces", "hazards", "depots"):
        for sym in SYMBOLOGY[key].classes.values():
            assert "<svg" in marker_svg(sym)[0]  # the web map draws every shape used


# ------------------------------------------------------------------ the worker thread
def test_window_and_map_come_before_the_figures(qtbot, window, demo_path, monkeypatch):
    """The engine is held on an Event: the map still paints; the dashboard says it is computing."""
    import floodpost.data.situation as situation
    import floodpost.ui.docks.situationworker as sw

    gate = threading.Event()
    real_moment, real_series = sw.compute_moment, situation.series

    def held_moment(ws, when):
        gate.wait(20)
        return real_moment(ws, when)

    def held_series(ws, times=None):
        gate.wait(20)
        return real_series(ws, times)

    monkeypatch.setattr(sw, "compute_moment", held_moment)
    monkeypatch.setattr(situation, "series", held_series)
    try:
        with qtbot.waitSignal(window.canvas.rendered, timeout=10000):
            assert window.open_workspace(demo_path)
        assert window.isVisible() and window.canvas._image is not None
        assert window.situation_pending
        assert window.dashboard.figures["transferred"].value.text() == "–"
        qtbot.waitUntil(lambda: window.dashboard.status.isVisible(), timeout=5000)
        assert window.dashboard.status.text() in ("Computing the curves…", "曲线计算中…") or "…" in window.dashboard.status.text()
        with qtbot.waitSignal(window.situationReady, timeout=20000):
            gate.set()
    finally:
        gate.set()
    with Workspace.open(demo_path) as ws:
        want = as_of(ws).totals()["evacuation"]["persons"]["transferred"]
        times = report_times(ws)
    assert window.dashboard.figures["transferred"].value.text() == f"{want:,}"
    assert len(window.dashboard.curve_data("evac:transferred")[0]) == len(times)
    assert not window.dashboard.status.isVisible()


def test_a_newer_time_supersedes_an_older_one(qtbot, window, demo_path, monkeypatch):
    import floodpost.ui.docks.situationworker as sw

    _open(qtbot, window, demo_path)
    with Workspace.open(demo_path) as ws:
        times = report_times(ws)
        early, late = times[5], times[-3]
        want = as_of(ws, late).totals()["evacuation"]["persons"]["transferred"]
    gate = threading.Event()
    real = sw.compute_moment
    asked: list[str] = []

    def held(ws, when):
        asked.append(when)
        gate.wait(20)
        return real(ws, when)

    monkeypatch.setattr(sw, "compute_moment", held)
    try:
        window.time_slider.set_time(early)
        qtbot.waitUntil(lambda: asked == [early], timeout=5000)  # in hand, held
        window.time_slider.set_time(times[10])
        window.time_slider.set_time(late)  # supersedes times[10] before it starts
        with qtbot.waitSignal(window.situationReady, timeout=20000):
            gate.set()
    finally:
        gate.set()
    assert asked == [early, late]
    assert window.dashboard.figures["transferred"].value.text() == f"{want:,}"
    assert window.brief.when == late


def test_closing_while_the_curves_are_computed_leaves_nothing_running(qtbot, tmp_path):
    path = _gen_tallies().build_tallies(tmp_path / "tallies.gpkg", count=800)
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.canvas.rendered, timeout=20000):
        assert win.open_workspace(path)
    worker = win._situation
    assert worker is not None and worker.alive
    win.close()
    assert not worker.alive
    assert not [t for t in threading.enumerate() if t.name == "floodpost-situation"]


def test_after_an_edit_the_figures_follow(qtbot, window, demo_path):
    _open(qtbot, window, demo_path)
    before = window.dashboard.figures["sandbags_dispatched"].value.text()
    with qtbot.waitSignal(window.situationReady, timeout=20000):
        window.workspace.insert("material_tally", [{
            "depot": "鹤壁市防汛物资仓库", "item": "sandbag", "unit": "袋", "quantity": 1000,
            "kind": "dispatch", "reported_at": "2021-07-25T12:00:00"}])
        window._changed("material_tally")
    after = window.dashboard.figures["sandbags_dispatched"].value.text()
    assert int(after.replace(",", "")) == int(before.replace(",", "")) + 1000


def test_one_far_off_record_does_not_squash_the_curves(qtbot, window, demo_path):
    from floodpost.data.timeutil import now_storage

    with Workspace.open(demo_path) as ws:
        ws.insert("material_tally", [{
            "depot": "鹤壁市防汛物资仓库", "item": "sandbag", "unit": "袋", "quantity": 1,
            "kind": "stock_in", "reported_at": now_storage(), "note": "test entry"}])
    _open(qtbot, window, demo_path)
    lo, hi = window.dashboard.x_range()
    assert hi - lo < 10 * 86400  # the five flood days, not 2021–2026
    note = window.dashboard.evac.note
    assert note.isVisible() or not note.isHidden()
    assert "1" in note.text()


# ------------------------------------------------------------------ charts and legends
def test_chart_legends_list_every_series_outside_the_plot(qtbot, window, demo_path):
    from floodpost import i18n
    from floodpost.data.schema import FORCE_CATEGORIES

    _open(qtbot, window, demo_path)
    dash = window.dashboard
    zh = i18n.lang_short() == "zh"
    assert dash.force.legend.labels() == [c.zh if zh else c.en for c in FORCE_CATEGORIES] + [
        "调派至险情" if zh else "at incidents"]
    assert len(dash.evac.legend.labels()) == 3 and len(dash.mat.legend.labels()) == 3
    assert len(dash.incidents.legend.labels()) == 3 and len(dash.answers.legend.labels()) == 3
    for chart in dash.all_charts:
        assert chart.plot.plotItem.legend is None  # nothing drawn over the curves
        if chart.isVisible():
            plot, legend = chart.plot.geometry(), chart.legend.geometry()
            assert not plot.intersects(legend) and legend.top() >= plot.bottom()
            assert all(e.isVisible() for e in chart.legend.entries)


def test_esc_clears_the_highlight_and_the_identify_panel(qtbot, window, demo_path):
    from floodpost.layers.model.identify import Hit

    _open(qtbot, window, demo_path)
    fid = int(window.scene.layers["hazards"].frame.index[0])
    window._on_features_clicked([Hit("hazards", fid, 0.0)])
    assert window.identify.current() is not None and window.canvas._highlight_src == ("hazards", fid)
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
    assert window.identify.current() is None
    assert window.canvas._highlight_src is None and window._current is None
    # In meeting view the first Esc clears, the second leaves.
    window.toggle_meeting_view(True)
    window._on_features_clicked([Hit("hazards", fid, 0.0)])
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
    assert window.act_meeting_view.isChecked() and window.identify.current() is None
    assert window.dashboard.isVisible()  # the figures again, not an empty identify panel
    qtbot.keyClick(window.canvas, Qt.Key.Key_Escape)
    assert not window.act_meeting_view.isChecked()


def test_meeting_view_big_map_labels_legend_and_bookmark_strip(qtbot, window, demo_path):
    _open(qtbot, window, demo_path)
    window.toggle_meeting_view(True)
    assert window.canvas.symbol_scale > 1
    assert not window.menuBar().isVisible() and not window.timing.isVisible()
    assert window.legend_dock.isVisible() and window.meeting_legend.isVisible()
    assert window.bookmark_bar.isVisible()
    from PySide6.QtWidgets import QToolButton

    buttons = [b.text() for b in window.bookmark_bar.findChildren(QToolButton) if b.text().startswith("Alt+")]
    names = [m.name for m in window.bookmarks()[:9]]
    assert buttons == [f"Alt+{i + 1} {n}" for i, n in enumerate(names)]
    with qtbot.waitSignal(window.canvas.rendered, timeout=10000):
        window.canvas.request_render()
    window.toggle_meeting_view(False)
    assert window.canvas.symbol_scale == 1
    assert window.menuBar().isVisible() and window.timing.isVisible()
    assert not window.legend_dock.isVisible() and not window.bookmark_bar.isVisible()


def test_storage_area_bookmark_holds_every_area_with_room(qtbot, window, demo_path):
    _open(qtbot, window, demo_path)
    marks = window.bookmarks()
    assert marks[1].name in ("All storage areas", "全部蓄滞洪区")
    x0, y0, x1, y1 = marks[1].bounds
    areas = window.scene.layers["storage_areas"].frame
    bx0, by0, bx1, by1 = areas.total_bounds
    assert x0 < bx0 and y0 < by0 and x1 > bx1 and y1 > by1
    assert (bx0 - x0) > 0.05 * (bx1 - bx0)
    window.go_bookmark(marks[1].name)
    vx0, vy0, vx1, vy1 = window.canvas.viewport.lonlat_extent
    assert vx0 <= bx0 and vy0 <= by0 and vx1 >= bx1 and vy1 >= by1


def test_restored_geometry_never_larger_than_the_screen(qtbot):
    big = MainWindow()
    qtbot.addWidget(big)
    big.resize(4000, 3000)
    settings = QSettings("FloodPost", "FloodPost")
    settings.setValue("geometry", big.saveGeometry())
    big.close()
    win = MainWindow()
    qtbot.addWidget(win)
    avail = win.screen().availableGeometry()
    assert win.width() <= avail.width() and win.height() <= avail.height()  # a fresh window fits
    win.restore_state()
    assert win.width() <= avail.width() and win.height() <= avail.height()
    settings.remove("geometry")
    win.close()


def test_file_dialog_speaks_chinese(qtbot):
    from PySide6.QtWidgets import QFileDialog, QLabel

    from floodpost import i18n

    before = i18n.current_language()
    i18n.set_language("zh_CN")
    try:
        dlg = QFileDialog(None, "打开工作区", str(ROOT), "*.gpkg")
        dlg.setOption(QFileDialog.Option.DontUseNativeDialog, True)
        qtbot.addWidget(dlg)
        dlg.show()
        texts = [w.text() for w in dlg.findChildren(QLabel) if w.text()]
        assert any("查找范围" in t for t in texts) and any("文件类型" in t for t in texts), texts
        assert not [t for t in texts if "Look in" in t or "Files of" in t]
        assert all(t != s for t, s in zip(i18n.qt_dialog_strings(), ("&Look in:", "Files of &type:"), strict=False))
        dlg.close()
    finally:
        i18n.set_language(before)


# ------------------------------------------------------------------ the real start, in a subprocess
_PROBE = textwrap.dedent("""
    import json, sys
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QToolButton
    app = QApplication(sys.argv[:1])
    from floodpost.ui import app as start
    from floodpost.ui.mainwindow import MainWindow
    out = {}

    def rect(w):
        g = w.geometry(); tl = w.mapTo(win, w.rect().topLeft()) if w is not win else g.topLeft()
        return [tl.x(), tl.y(), g.width(), g.height()]

    def measure():
        global win
        win = next(w for w in app.topLevelWidgets() if isinstance(w, MainWindow))
        if win.workspace is None or win.situation_pending or win.canvas._image is None:
            QTimer.singleShot(100, measure)
            return
        scr = win.screen().availableGeometry()
        f = win.frameGeometry()
        out["screen"] = [scr.x(), scr.y(), scr.width(), scr.height()]
        out["frame"] = [f.x(), f.y(), f.width(), f.height()]
        out["window"] = [win.width(), win.height()]
        g = win.geometry()
        out["geometry"] = [g.x(), g.y(), g.width(), g.height(), win.isMaximized()]
        bar = win.time_slider.parentWidget()
        out["slider"] = rect(bar) + [bar.isVisible()]
        out["status"] = rect(win.statusBar()) + [win.statusBar().isVisible()]
        out["canvas"] = rect(win.canvas)
        out["docks"] = {d.objectName(): rect(d) for d in (win.layer_dock, win.dashboard_dock) if d.isVisible()}
        win.toggle_meeting_view(True)
        app.processEvents()
        d = win.dashboard
        out["meeting_window"] = [win.width(), win.height()]
        out["meeting_plots"] = [c.plot.height() for c in d.all_charts if c.plot.isVisible()]
        out["meeting_legend"] = [win.legend_dock.isVisible(), win.meeting_legend.width(),
                                 win.meeting_legend.needed_width(win.meeting_legend.height())]
        out["meeting_menu"] = win.menuBar().isVisible()
        out["strip"] = [b.text() for b in win.bookmark_bar.findChildren(QToolButton) if b.isVisible()]
        out["force_legend"] = d.force.legend.labels()
        print("PROBE " + json.dumps(out, ensure_ascii=False), flush=True)
        app.closeAllWindows()
        app.exit(0)

    QTimer.singleShot(200, measure)
    sys.exit(start.run(sys.argv[1], lang="zh_CN"))
""")


def _env(tmp_path: Path, platform: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(QT_QPA_PLATFORM=platform, XDG_CONFIG_HOME=str(tmp_path / "config"),
               XDG_DATA_HOME=str(tmp_path / "data"), FLOODPOST_RENDER_HELPER="0", PYTHONPATH=str(ROOT))
    return env


def test_laptop_screen_1366x768(tmp_path, demo_path):
    """The real start on a 1366×768 screen: everything inside it, nothing over anything."""
    screen = tmp_path / "screen.json"
    screen.write_text(json.dumps({"screens": [{"name": "laptop", "x": 0, "y": 0, "width": 1366,
                                               "height": 768, "logicalDpi": 96}]}))
    proc = subprocess.run([sys.executable, "-c", _PROBE, str(demo_path)], capture_output=True, text=True,
                          timeout=120, env=_env(tmp_path, f"offscreen:configfile={screen}"))
    line = next((x for x in proc.stdout.splitlines() if x.startswith("PROBE ")), None)
    assert line, proc.stderr[-2000:]
    got = json.loads(line[6:])
    sx, sy, sw, sh = got["screen"]
    assert (sw, sh) == (1366, 768)
    gx, gy, gw, gh, maximized = got["geometry"]
    # A maximized window's frame is the window manager's to fit; a normal one's must fit whole.
    fx, fy, fw, fh = [gx, gy, gw, gh] if maximized else got["frame"]
    assert fx >= sx and fy >= sy and fx + fw <= sx + sw and fy + fh <= sy + sh, got
    ww, wh = got["window"]
    for name in ("slider", "status"):
        x, y, w, h, visible = got[name]
        assert visible and y >= 0 and y + h <= wh and x + w <= ww, (name, got[name], got["window"])
    cx, cy, cw, ch = got["canvas"]
    assert cw >= 500 and ch >= 400
    boxes = [got["canvas"], *got["docks"].values()]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1:]:
            overlap_w = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
            overlap_h = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
            assert overlap_w <= 0 or overlap_h <= 0, (a, b)
    assert got["meeting_window"] == [1366, 768]
    assert got["meeting_plots"] and min(got["meeting_plots"]) >= 150, got["meeting_plots"]
    shown, width, needed = got["meeting_legend"]
    assert shown and width >= needed - 2
    assert not got["meeting_menu"]
    assert got["strip"][:2] == ["Alt+1 全图", "Alt+2 全部蓄滞洪区"] and len(got["strip"]) == 9
    assert len(got["force_legend"]) == 8  # seven categories and the personnel sent to incidents


def test_ctrl_c_in_the_terminal_closes_the_window(tmp_path, demo_path):
    conf = tmp_path / "config" / "FloodPost" / "FloodPost.conf"
    proc = subprocess.Popen([sys.executable, "-m", "floodpost", "gui", str(demo_path)],
                            env=_env(tmp_path, "offscreen"), stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and not (conf.exists() and "last_workspace" in conf.read_text()):
            assert proc.poll() is None, proc.stderr.read().decode()[-2000:]
            time.sleep(0.2)
        assert conf.exists(), "the window never opened the workspace"
        proc.send_signal(signal.SIGINT)
        code = proc.wait(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    assert code == 128 + signal.SIGINT
    assert "Traceback" not in proc.stderr.read().decode()
    assert "geometry" in conf.read_text()  # closed as Quit closes it: the layout was saved


_SESSIONS = textwrap.dedent("""
    import sys, time
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication, QTabBar
    app = QApplication(sys.argv[:1])
    from floodpost.ui.mainwindow import MainWindow

    def spin(t):
        end = time.time() + t
        while time.time() < end:
            app.processEvents()
            time.sleep(0.01)

    for run in range(2):  # the second restores what the first saved
        win = MainWindow()
        win.restore_state()
        win.showMaximized()
        spin(0.2)
        win.open_workspace(sys.argv[1])
        spin(1.0)
        bars = [b for b in win.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly)
                if b.isVisible() and b.geometry().intersects(win.rect())]
        print("BARS", run, [b.count() for b in bars], flush=True)
        win.show_table()
        win.show_log()
        spin(0.2)
        bars = [b for b in win.findChildren(QTabBar, options=Qt.FindChildOption.FindDirectChildrenOnly)
                if b.isVisible() and b.geometry().intersects(win.rect())]
        print("TABS", run, sorted(b.count() for b in bars), flush=True)
        win.table_dock.hide()
        win.log_dock.hide()
        win.close()
        spin(0.2)
""")


def test_restored_docks_leave_no_stray_tab_bar(tmp_path, demo_path):
    """Qt's restoreState left a one-tab bar (态势日志) over the menu at (0, 0)."""
    proc = subprocess.run([sys.executable, "-c", _SESSIONS, str(demo_path)], capture_output=True, text=True,
                          timeout=120, env=_env(tmp_path, "offscreen"))
    lines = [x.split(" ", 2) for x in proc.stdout.splitlines() if x.startswith(("BARS", "TABS"))]
    assert len(lines) == 4, proc.stderr[-2000:]
    for kind, _run, counts in lines:
        counts = json.loads(counts)
        if kind == "BARS":
            assert all(c >= 2 for c in counts), lines  # no one-tab bar in the window
        else:
            assert counts.count(2) == 1 and counts.count(5) == 1, lines  # table+log, identify+dashboard+brief+叫应+越限告警
