"""A gauge's reading typed by the duty officer (水雨情 tab): the checks, then one undoable step."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely

from floodpost.data.situation import as_of
from floodpost.data.situation.tally import TallyRejected, check_entry, entry
from floodpost.data.workspace import Workspace
from floodpost.ui.dialogs.tallyentry import KEYS, TallyEntryDialog

NOW = "2021-07-23T00:00:00Z"


def station(ws: Workspace, at: str, name: str) -> dict:
    """The station's state as of ``at``."""
    return next(s for s in as_of(ws, at).water.stations if s["station"] == name)  # 'now' for the checks: 2021-07-23 08:00 Beijing


@pytest.fixture
def ws_path(tmp_path: Path) -> Path:
    path = tmp_path / "water.gpkg"
    with Workspace.create(path) as ws:
        ws.insert("stations", [
            {"name": "淇门", "kind": "river", "river": "卫河", "warning_level": 66.5, "guaranteed_level": 68.5,
             "geometry": shapely.Point(114.31, 35.52)},
            {"name": "鹤壁集", "kind": "rain", "geometry": shapely.Point(114.19, 35.95)},
        ])
        # 2021-07-22 08:00 and 14:00 Beijing
        ws.insert("readings", [{"station": "淇门", "reported_at": "2021-07-22T00:00:00Z", "level": 66.2},
                               {"station": "淇门", "reported_at": "2021-07-22T06:00:00Z", "level": 66.8}])
    return path


def issues(ws_path: Path, rec: dict) -> list[tuple[str, str | None, str]]:
    with Workspace.open(ws_path) as ws:
        return [(i.level, i.field, str(i.message)) for i in check_entry(ws, "readings", rec, now=NOW)]


def test_unknown_station_is_refused_with_its_name(ws_path: Path) -> None:
    got = issues(ws_path, {"station": "老关嘴", "reported_at": "2021-07-22 15:00", "level": 70.1})
    assert got == [("error", "station", "老关嘴 is not a station on the map (not in the stations layer)")]
    with Workspace.open(ws_path) as ws, pytest.raises(TallyRejected):
        entry(ws, "readings", {"station": "老关嘴", "reported_at": "2021-07-22 15:00", "level": 70.1}, now=NOW)
    with Workspace.open(ws_path) as ws:
        assert ws.count("readings") == 2


def test_a_reading_says_something(ws_path: Path) -> None:
    got = issues(ws_path, {"station": "淇门", "reported_at": "2021-07-22 15:00"})
    assert got == [("error", "level", "a reading needs a water level, flow, storage or rain")]


def test_a_jump_of_more_than_3_m_within_an_hour_is_a_warning(ws_path: Path) -> None:
    # 14:30 is 30 min after the 14:00 reading of 66.8 m: 70.2 is 3.4 m off
    got = issues(ws_path, {"station": "淇门", "reported_at": "2021-07-22 14:30", "level": 70.2})
    assert got == [("warning", "level", "70.2 m is 3.4 m from the 14:00 reading of 淇门 (66.8 m); check the figure")]
    assert issues(ws_path, {"station": "淇门", "reported_at": "2021-07-22 14:30", "level": 69.7}) == []
    # two hours later the same rise is no jump within an hour
    assert issues(ws_path, {"station": "淇门", "reported_at": "2021-07-22 16:00", "level": 70.2}) == []
    with Workspace.open(ws_path) as ws:
        with pytest.raises(TallyRejected):
            entry(ws, "readings", {"station": "淇门", "reported_at": "2021-07-22 14:30", "level": 70.2}, now=NOW)
        fid = entry(ws, "readings", {"station": "淇门站", "reported_at": "2021-07-22 14:30", "level": 70.2},
                    accept_warnings=True, now=NOW)
        # 淇门站 is stored as the layer's 淇门, so the station shows it
        assert ws.feature("readings", fid)["station"] == "淇门"
        assert station(ws, "2021-07-22T07:00:00Z", "淇门")["level"] == 70.2


def test_a_reading_days_behind_the_latest_is_a_warning(ws_path: Path) -> None:
    got = issues(ws_path, {"station": "淇门", "reported_at": "2021-07-20 14:00", "level": 65.0})
    assert got == [("warning", "reported_at",
                    "2021-07-20 14:00 is 2 days before the latest reading of 淇门 (2021-07-22 14:00); "
                    "is the date right?")]


def test_a_reading_entered_and_undone_from_the_window(qtbot, ws_path: Path, zh) -> None:
    from floodpost.ui.mainwindow import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.canvas.rendered, timeout=20_000):
        assert win.open_workspace(ws_path)
    qtbot.waitUntil(lambda: not win.situation_pending, timeout=20_000)
    win.tally_dialog()
    dlg: TallyEntryDialog = win._tally
    dlg.set_key("readings")
    assert dlg.tabs.tabText(KEYS.index("readings")) == "水雨情"
    combo = dlg.editor("station")
    assert [combo.itemText(i) for i in range(combo.count())] == ["淇门", "鹤壁集"]
    combo.setEditText("淇门")
    dlg.editor("reported_at").setText("2021-07-22 15:00")
    dlg.editor("level").setText("67.05")
    dlg.editor("flow").setText("1,320")
    assert dlg.save() is not None
    ws = win.workspace
    at = "2021-07-22T07:30:00Z"
    state = station(ws, at, "淇门")
    assert (state["level"], state["flow"], state["state"]) == (67.05, 1320.0, "over_warning")
    assert win.undo_stack.count() == 1
    win.undo_stack.undo()
    assert ws.count("readings") == 2
    assert station(ws, at, "淇门")["level"] == 66.8
    win.undo_stack.redo()
    assert station(ws, at, "淇门")["level"] == 67.05
    # an unknown station: its sentence beside the field, nothing written
    combo.setEditText("老关嘴")
    dlg.editor("level").setText("70")
    assert dlg.save() is None
    assert dlg.issues_shown["station"] == "老关嘴 不是地图上的测站（测站图层中没有）"
    assert ws.count("readings") == 3
    win.close()
