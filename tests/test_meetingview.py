"""Meeting view for the big screen and the named views that go with it."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from floodpost.ui.mainwindow import MainWindow


@pytest.fixture
def window(qtbot, demo_path):
    from PySide6.QtCore import QSettings

    QSettings("FloodPost", "FloodPost").remove("bookmarks")
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1400, 900)
    win.show()
    with qtbot.waitSignal(win.canvas.rendered, timeout=10000):
        assert win.open_workspace(demo_path)
    yield win
    win.close()


def test_meeting_view_full_screen_large_type_and_back(qtbot, window):
    size = window.dashboard.font().pointSizeF()
    window.act_meeting_view.trigger()
    assert window.act_meeting_view.isChecked()
    assert window.windowState() & Qt.WindowState.WindowFullScreen
    assert not window.layer_dock.isVisible() and window.dashboard_dock.isVisible()
    # half again as large on a big screen; less on a short one, never below a fifth larger
    fit = min(1.0, window.screen().geometry().height() / 1080)
    assert window.dashboard.font().pointSizeF() == pytest.approx(size * max(1.2, 1.5 * fit))
    qtbot.keyClick(window, Qt.Key.Key_Escape)
    assert not window.act_meeting_view.isChecked()
    assert window.dashboard.font().pointSizeF() == pytest.approx(size)
    assert window.layer_dock.isVisible()


def test_bookmarks_storage_areas_counties_and_saved(qtbot, window, monkeypatch):
    names = [m.name for m in window.bookmarks()]
    assert {"良相坡", "共渠西", "浚县", "淇滨区"} <= set(names)
    assert window.go_bookmark("良相坡")
    lon0, lat0, lon1, lat1 = window.canvas.viewport.lonlat_extent
    assert lon0 < 114.5 < lon1 and lon1 - lon0 < 0.5
    from PySide6.QtWidgets import QInputDialog

    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("浚县古城", True))
    window.add_bookmark_dialog()
    assert "浚县古城" in [m.name for m in window.bookmarks()]
    shortcuts = [a.shortcut().toString() for a in window._bookmark_actions]
    assert shortcuts[:3] == ["Alt+1", "Alt+2", "Alt+3"]
    window.go_bookmark(window.bookmarks()[0].name)  # the whole map again
    assert window.canvas.viewport.lonlat_extent[2] - window.canvas.viewport.lonlat_extent[0] > 0.5
