"""The window through an outage (issue 17): a real server stopped and started under an open window.

The window opens the shared workspace with a local replica (in tmp_path);
the badge's timer polls the store on a worker thread (short intervals here).
Counts on the server are taken with our own SQL, never through the store.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import shapely
from PySide6.QtCore import Qt, QTimer

from floodpost.data.situation.tally import entry
from floodpost.data.timeutil import now_storage
from floodpost.data.transfer import copy_workspace
from floodpost.data.workspace import Workspace
from floodpost.ui.dialogs import conflict
from floodpost.ui.mainwindow import MainWindow

pytest.importorskip("floodpost.data.store.postgis", reason="the PostGIS back end is not merged into this branch yet")

PLACE = "离线录入的堤段"


def sql(url: str, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        return con.execute(statement, params).fetchall()


@pytest.fixture(autouse=True)
def _short_backoff(monkeypatch: pytest.MonkeyPatch) -> None:
    """The store's back-off in seconds, not minutes: the tests wait for it, not a duty officer."""
    from floodpost.data.store import replica

    monkeypatch.setattr(replica, "BACKOFF", (0.5, 1.0, 2.0))


@pytest.fixture
def shared(demo_path: Path, pg_url: str) -> str:
    copy_workspace(demo_path, pg_url)
    return pg_url


@pytest.fixture
def server_back(pg_cluster: Any) -> Any:
    """The cluster, started again at the end whatever the test did to it (other tests share it)."""
    yield pg_cluster
    try:
        sql(pg_cluster.url(), "SELECT 1")
    except Exception:  # noqa: BLE001 - stopped by the test: start it again
        pg_cluster.start()


def open_window(qtbot, location: str, replicas: Path) -> MainWindow:
    win = MainWindow()
    qtbot.addWidget(win)
    win.replica_dir = replicas
    win.poll_ms = 200
    win.resize(1200, 800)
    win.show()
    assert win.open_workspace(location)
    qtbot.waitUntil(lambda: not win.situation_pending, timeout=60000)
    return win


def placed(win: MainWindow) -> int:
    return int(win.dashboard.figures["sandbags_placed"].value.text().replace(",", ""))


def enter_tally(win: MainWindow, place: str, sandbags: int) -> int:
    """What the tally window does on Ctrl+Enter: write the record and say so (the window refreshes itself)."""
    win.tally_dialog()
    fid = entry(win.workspace, "works", {"place": place, "sandbags": sandbags, "reported_at": now_storage()},
                accept_warnings=True)
    win._tally.saved.emit("works", fid)
    return fid


def test_the_window_works_through_an_outage_and_sends_once(qtbot, shared: str, server_back: Any,
                                                            tmp_path: Path) -> None:
    replicas = tmp_path / "replicas"
    win = open_window(qtbot, shared, replicas)
    assert win.live_badge.isVisibleTo(win) and win.live_badge.text() == win.tr("Connected")
    assert any(replicas.glob("replica-*.gpkg"))
    viewer = open_window(qtbot, shared, tmp_path / "viewer-replicas")  # a second workstation
    before = placed(win)
    view = win.canvas.viewport
    moment = win.time_slider.times[len(win.time_slider.times) // 2]
    win.time_slider.set_time(moment)

    server_back.stop()
    qtbot.waitUntil(lambda: win.live_badge.text().startswith(win.tr("Offline")), timeout=60000)
    assert win.act_reconnect.isEnabled()
    qtbot.waitUntil(lambda: not win.situation_pending, timeout=60000)
    assert win.time_slider.current == moment and win.canvas.viewport == view  # re-read from the replica, kept
    win.time_slider.go_now()

    enter_tally(win, PLACE, 700)
    qtbot.waitUntil(lambda: placed(win) == before + 700, timeout=60000)  # shown at once, from the replica
    qtbot.waitUntil(lambda: "1" in win.live_badge.text() and win.tr("%1 to send").replace("%1", "1") in
                    win.live_badge.text(), timeout=60000)
    assert win.canvas.viewport == view

    # closed and opened again while the server is still down: the entry is still there, still queued
    win.close()
    win = open_window(qtbot, shared, replicas)
    qtbot.waitUntil(lambda: win.tr("%1 to send").replace("%1", "1") in win.live_badge.text(), timeout=60000)
    assert win.live_badge.text().startswith(win.tr("Offline"))
    assert placed(win) == before + 700

    # this window tries again only when told (below): its back-off timer must not replay the entry
    # before the other workstation has been checked, however slow the machine
    win._live_timer.stop()
    win._live_timer.timeout.disconnect()
    server_back.start()
    # the other workstation is back first (its badge's own reconnection), and watches the server again
    qtbot.mouseClick(viewer.live_badge, Qt.MouseButton.LeftButton)  # a click on the badge reconnects now
    qtbot.waitUntil(lambda: viewer.live_badge.text() == viewer.tr("Connected"), timeout=60000)
    qtbot.waitUntil(lambda: not viewer.situation_pending and not viewer.live_pending, timeout=60000)
    assert placed(viewer) == before
    live: list[Any] = []
    viewer.liveChanged.connect(live.append)

    win.reconnect_now()  # 文件 → 立即重新连接 (the timer would get there after its back-off)
    qtbot.waitUntil(lambda: win.live_badge.text() == win.tr("Connected"), timeout=60000)
    assert win._replica_state.queued == 0 and win._replica_state.online
    assert sql(shared, "SELECT count(*) FROM works WHERE place = %s", (PLACE,)) == [(1,)]
    qtbot.waitUntil(lambda: not win.situation_pending, timeout=60000)
    assert placed(win) == before + 700
    # the replayed record reaches the other screen as a live update (no re-read there)
    qtbot.waitUntil(lambda: placed(viewer) == before + 700, timeout=60000)
    assert any("works" in changes.keys for changes in live)
    assert sql(shared, "SELECT count(*) FROM works WHERE place = %s", (PLACE,)) == [(1,)]
    viewer.close()
    win.close()


def test_a_conflict_found_in_the_replay_is_asked_and_may_be_postponed(qtbot, shared: str, server_back: Any,
                                                                       tmp_path: Path) -> None:
    win = open_window(qtbot, shared, tmp_path / "replicas")
    hazard = int(win.workspace.read("hazards").index[0])
    server_back.stop()
    qtbot.waitUntil(lambda: win.live_badge.text().startswith(win.tr("Offline")), timeout=60000)
    qtbot.waitUntil(lambda: not win.situation_pending, timeout=60000)
    version = win.workspace.row_version("hazards", hazard)
    win.workspace.update("hazards", hazard, {"persons": 99}, expected_version=version)
    server_back.start()
    with Workspace.open(shared) as other:  # another desk changes the same row meanwhile
        other.update("hazards", hazard, {"persons": 15})

    asked: list[Any] = []

    def later(dialog: Any) -> str:  # closed without a choice
        asked.append(dialog)
        return ""

    win.choose_conflict = later
    win.reconnect_now()
    qtbot.waitUntil(lambda: bool(asked), timeout=60000)
    assert asked[0].theirs["persons"] == 15 and asked[0].mine["persons"] == 99
    qtbot.waitUntil(lambda: win.tr("%1 conflicts").replace("%1", "1") in win.live_badge.text(), timeout=60000)
    assert win.act_sync_conflicts.isEnabled()
    assert sql(shared, "SELECT persons FROM hazards WHERE fid = %s", (hazard,)) == [(15,)]

    win.choose_conflict = lambda dialog: conflict.OVERWRITE  # 文件 → 同步冲突…: mine this time
    assert win.resolve_replica_conflicts() == 1
    assert sql(shared, "SELECT persons FROM hazards WHERE fid = %s", (hazard,)) == [(99,)]
    assert win.live_badge.text() == win.tr("Connected")
    qtbot.waitUntil(lambda: win.scene.layers["hazards"].frame.loc[hazard, "persons"] == 99, timeout=60000)
    win.close()


def test_features_edits_and_a_meeting_mark_offline_show_at_once_and_arrive_once(qtbot, shared: str, server_back: Any, tmp_path: Path) -> None:
    win = open_window(qtbot, shared, tmp_path / "replicas")
    server_back.stop()
    qtbot.waitUntil(lambda: win.live_badge.text().startswith(win.tr("Offline")), timeout=60000)
    qtbot.waitUntil(lambda: not win.situation_pending, timeout=60000)
    fid = win.workspace.insert("hazards", [{"name": "离线新增", "hazard_type": "collapse",
                                            "geometry": shapely.Point(114.3, 35.8)}])[0]
    win._changed("hazards")  # the window's own-write refresh (what the add tool's command calls)
    assert win.scene.layers["hazards"].frame.loc[fid, "name"] == "离线新增"
    other = int(win.scene.layers["hazards"].frame.index[0])
    assert win.save_edit(win.begin_edit("hazards", other), {"persons": 42}, "edit")  # the form's path
    assert win.scene.layers["hazards"].frame.loc[other, "persons"] == 42
    assert win.mark_meeting("离线会商")
    qtbot.waitUntil(lambda: win.tr("%1 to send").replace("%1", "3") in win.live_badge.text(), timeout=60000)
    server_back.start()  # no click: the badge's timer finds the server after its back-off
    qtbot.waitUntil(lambda: win.live_badge.text() == win.tr("Connected"), timeout=60000)
    assert sql(shared, "SELECT count(*) FROM hazards WHERE name = %s", ("离线新增",)) == [(1,)]
    assert sql(shared, "SELECT count(*) FROM hazards WHERE persons = 42") == [(1,)]
    assert sql(shared, "SELECT count(*) FROM situation_log WHERE action = 'meeting' AND summary LIKE %s",
               ("%离线会商%",)) == [(1,)]
    qtbot.waitUntil(lambda: "离线新增" in set(win.scene.layers["hazards"].frame["name"]), timeout=60000)
    win.close()


def test_the_conflict_dialog_closed_without_a_choice_postpones(qtbot) -> None:
    from floodpost.data.schema import schema_for

    dialog = conflict.ConflictDialog(schema_for("hazards"), {"name": "甲", "persons": 15}, None,
                                     {"name": "甲", "persons": 99}, lang="zh", postpone=True)
    qtbot.addWidget(dialog)
    QTimer.singleShot(0, dialog.reject)
    assert dialog.ask() == ""
    plain = conflict.ConflictDialog(schema_for("hazards"), {"name": "甲"}, None, {"name": "乙"}, lang="zh")
    qtbot.addWidget(plain)
    QTimer.singleShot(0, plain.reject)
    assert plain.ask() == conflict.THEIRS  # an edit in hand: closing keeps theirs, as before


def test_the_guard_holds_one_lock_around_the_store(tmp_path: Path) -> None:
    import threading

    from floodpost.ui.window.outage import StoreGuard, replicated

    with Workspace.create(tmp_path / "w.gpkg") as store:
        guard = StoreGuard(store)
        assert not replicated(guard) and guard.count("hazards") == 0
        entered = threading.Event()
        done: list[int] = []

        def other() -> None:
            entered.set()
            done.append(guard.count("hazards"))  # waits for the transaction below

        with guard.transaction():
            t = threading.Thread(target=other)
            t.start()
            entered.wait(5)
            t.join(0.3)
            assert done == []  # still waiting: the store is never used by two threads at once
        t.join(5)
        assert done == [0]
        guard.on_damage = print
        assert store.on_damage is print
