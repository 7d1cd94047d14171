"""The window on a shared workspace: opened by connection, titled and remembered without a password (issue 17).

Needs the PostGIS back end (another branch until merged: skipped before, never after).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from floodpost.data.transfer import copy_workspace
from floodpost.ui.mainwindow import MainWindow
from floodpost.ui.settings import SETTINGS_APP, SETTINGS_ORG

pytest.importorskip("floodpost.data.store.postgis", reason="the PostGIS back end is not merged into this branch yet")


def test_the_window_opens_a_shared_workspace_and_keeps_no_password(qtbot, demo_path: Path, pg_url: str) -> None:
    copy_workspace(demo_path, pg_url)
    # the test server trusts loopback, so the password is never asked for: it must only never be kept
    typed = pg_url.replace("postgres@", "postgres:s3cret@", 1)
    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1200, 800)
    win.show()
    qtbot.waitExposed(win)
    with qtbot.waitSignal(win.canvas.rendered, timeout=20000):
        assert win.open_workspace(typed)
    database = pg_url.rsplit("/", 1)[1]
    assert win.windowTitle() == f"FloodPost — {database} @ 127.0.0.1"
    assert "s3cret" not in win.statusBar().currentMessage()
    assert QSettings(SETTINGS_ORG, SETTINGS_APP).value("last_workspace") == pg_url
    assert win.connect_location() == typed  # another connection of this window may need it again
    assert win.workspace is not None and win.workspace.count("hazards") > 0
    win.reload()
    assert win.workspace.location == pg_url
    win.close()
