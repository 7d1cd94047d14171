"""Time slider, dashboard and meeting mark, driven through the main window."""

from __future__ import annotations

import pytest

from floodpost.data.situation import as_of, report_times
from floodpost.data.workspace import Workspace
from floodpost.ui.mainwindow import MainWindow


@pytest.fixture
def window(qtbot, demo_path):
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    qtbot.waitExposed(win)
    with qtbot.waitSignals([win.canvas.rendered, win.situationReady], timeout=10000):
        assert win.open_workspace(demo_path)  # the figures come from the worker thread
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
