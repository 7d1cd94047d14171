"""Issuing a warning (发布预警) from the window: the recipients picked in the tree, one undoable record."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely

from floodpost.data.workspace import Workspace
from floodpost.ui.dialogs.warning import WarningDialog

VILLAGES = [
    ("油城村", "北阳镇", "淇县", 114.20, 35.60),
    ("石佛寺村", "北阳镇", "淇县", 114.21, 35.61),
    ("西岗村", "西岗镇", "淇县", 114.15, 35.65),
    ("良相村", "王庄镇", "浚县", 114.50, 35.60),
    ("前叩村", "王庄镇", "浚县", 114.52, 35.62),
]


def make_workspace(path: Path) -> Path:
    with Workspace.create(path) as ws:
        ws.insert("villages", [{"name": n, "township": t, "county": c, "geometry": shapely.Point(x, y)}
                               for n, t, c, x, y in VILLAGES])
        ws.insert("villages", [{"name": "无乡村", "county": "淇县", "geometry": shapely.Point(114.3, 35.7)}])
        ws.insert("hazards", [
            {"name": "石林村滑坡", "hazard_type": "landslide", "county": "淇县", "geometry": shapely.Point(114.1, 35.7)},
            {"name": "黄洞崩塌", "hazard_type": "collapse", "county": "淇县", "geometry": shapely.Point(114.05, 35.72)},
            {"name": "屯子滑坡", "hazard_type": "landslide", "county": "浚县", "geometry": shapely.Point(114.4, 35.6)},
        ])
        ws.insert("reservoirs", [{"name": "夺丰水库", "scale": "medium", "county": "淇县",
                                  "geometry": shapely.Point(114.0, 35.7)}])
        ws.insert("evacuation", [{"area": "良相坡", "area_kind": "storage_area", "planned_persons": 100,
                                  "reported_at": "2021-07-20T00:00:00.000Z"}])
    return path


@pytest.fixture
def ws_path(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "ws.gpkg")


@pytest.fixture
def ws(ws_path: Path):
    with Workspace.open(ws_path) as w:
        yield w


def _dialog(qtbot, ws, **kw) -> WarningDialog:
    dlg = WarningDialog(ws, **kw)
    qtbot.addWidget(dlg)
    dlg.show()
    return dlg


def _window(qtbot, path: Path):
    from floodpost.ui.mainwindow import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.canvas.rendered, timeout=20_000):
        assert win.open_workspace(path)
    qtbot.waitUntil(lambda: not win.situation_pending, timeout=20_000)
    return win


def test_two_villages_and_a_county_are_one_record_undone_and_redone(qtbot, ws_path: Path, zh) -> None:
    win = _window(qtbot, ws_path)
    assert win.act_warning.shortcut().toString() == "Ctrl+Shift+W"
    win.warning_dialog()
    dlg = win._warning
    assert dlg.name_edit.text() == "暴雨橙色预警（第1号）"
    dlg.set_level("red")
    assert dlg.name_edit.text() == "暴雨红色预警（第1号）"  # follows the level until the officer types one
    dlg.check("淇县/北阳镇/油城村")
    dlg.check("淇县/北阳镇/石佛寺村")
    dlg.check("浚县")
    # both villages of 北阳镇 checked one by one: the township shows checked, the villages are what is stored
    assert dlg.recipient_keys() == ["浚县", "淇县/北阳镇/油城村", "淇县/北阳镇/石佛寺村"]
    assert dlg.count_label.text() == "共 3 个接收对象：县区 1、乡镇 0、村 2、责任人 0；覆盖村庄 4 个"
    dlg.text_edit.setPlainText("预计未来6小时降雨量将达100毫米以上")
    dlg.issuer_edit.setText("鹤壁市防汛抗旱指挥部")
    dlg.issued_edit.setText("2021-07-20 16:00")
    with qtbot.waitSignal(win.undo_stack.indexChanged, timeout=10_000):
        fid = dlg.save()
    assert fid is not None
    ws = win.workspace
    rows = ws.read("warnings", geometry=False)
    assert len(rows) == 1
    row = rows.iloc[0]
    assert (row["name"], row["level"], row["kind"], row["issuer"]) == ("暴雨红色预警（第1号）", "red", "rain",
                                                                      "鹤壁市防汛抗旱指挥部")
    assert row["recipients"] == "浚县；淇县/北阳镇/油城村；淇县/北阳镇/石佛寺村"
    assert row["reported_at"] == "2021-07-20T08:00:00.000Z"  # 16:00 Beijing time
    assert win.undo_stack.count() == 1
    assert win.undo_stack.undoText() == "发布预警 暴雨红色预警（第1号）"
    # the 叫应 dock follows (now: the warning is active, nobody has answered)
    qtbot.waitUntil(lambda: win.ack_panel.counts() == (0, 3, 3), timeout=20_000)

    win.act_undo.trigger()
    assert len(ws.read("warnings", geometry=False)) == 0
    qtbot.waitUntil(lambda: win.ack_panel.counts() == (0, 0, 0), timeout=20_000)
    win.act_redo.trigger()
    again = ws.read("warnings", geometry=False)
    assert list(again.index) == [fid] and again.iloc[0]["recipients"] == row["recipients"]
    qtbot.waitUntil(lambda: not win.situation_pending, timeout=20_000)
    win.close()


def test_a_picked_county_with_a_village_taken_off_is_stored_as_the_rest(qtbot, ws) -> None:
    dlg = _dialog(qtbot, ws, lang="zh")
    dlg.check("淇县")
    assert dlg.recipient_keys() == ["淇县"]
    assert dlg.item("淇县/北阳镇/油城村").checkState(0).name == "Checked"
    dlg.check("淇县/北阳镇/油城村", False)
    assert dlg.item("淇县").checkState(0).name == "PartiallyChecked"
    assert dlg.item("淇县/北阳镇").checkState(0).name == "PartiallyChecked"
    # the rest of 淇县, coarsest first: the whole of 西岗镇, and the village left of 北阳镇
    assert dlg.recipient_keys() == ["淇县/北阳镇/石佛寺村", "淇县/西岗镇"]
    dlg.check("淇县", False)
    assert dlg.recipient_keys() == []
    # every village of a township checked one by one: the villages, not the township
    dlg.check("浚县/王庄镇/良相村")
    dlg.check("浚县/王庄镇/前叩村")
    assert dlg.item("浚县").checkState(0).name == "Checked"
    assert dlg.recipient_keys() == ["浚县/王庄镇/前叩村", "浚县/王庄镇/良相村"]
    # a village without a township is not offered (its key would read as a township)
    assert dlg.item("淇县/无乡村") is None and dlg.skipped == 1
    # the shipped county boundaries are offered even without villages
    assert dlg.item("鹤山区") is not None


def test_responsible_persons_of_features_in_the_counties_reached(qtbot, ws) -> None:
    dlg = _dialog(qtbot, ws, lang="zh")
    dlg.check("淇县/西岗镇/西岗村")
    dlg.feature_checks["hazards"].setChecked(True)
    assert dlg.recipient_keys() == ["淇县/西岗镇/西岗村", "hazards:石林村滑坡", "hazards:黄洞崩塌"]
    dlg.feature_checks["reservoirs"].setChecked(True)
    assert dlg.recipient_keys()[-1] == "reservoirs:夺丰水库"
    dlg.check("浚县/王庄镇")
    assert "hazards:屯子滑坡" in dlg.recipient_keys() and len(dlg.recipient_keys()) == 6
    assert dlg.feature_checks["hazards"].text() == "Responsible persons of the hazard points in these counties (3)"


def test_errors_are_named_and_nothing_is_written(qtbot, ws, zh) -> None:
    dlg = _dialog(qtbot, ws)
    dlg.issued_edit.setText("2021-07-20 16:00")
    assert dlg.save() is None
    assert dlg.issues_shown["recipients"] == "没有发送对象：请勾选县区、乡镇或村"
    dlg.check("浚县")
    dlg.ends_edit.setText("2021-07-20 15:00")
    assert dlg.save() is None
    assert dlg.issues_shown == {"ends_at": "须晚于发布时间 2021-07-20 16:00"}
    dlg.ends_edit.setText("明天")
    assert dlg.save() is None
    assert "明天" in dlg.issues_shown["ends_at"]
    dlg.ends_edit.clear()
    dlg.name_edit.clear()
    assert dlg.save() is None
    assert set(dlg.issues_shown) == {"name"}
    assert len(ws.read("warnings", geometry=False)) == 0


def test_the_same_name_again_asks_first_and_the_map_time_is_offered(qtbot, ws, zh) -> None:
    ws.insert("warnings", [{"name": "暴雨橙色预警（第1号）", "level": "orange", "kind": "rain", "recipients": "浚县",
                            "reported_at": "2021-07-20T06:00:00.000Z"}])
    dlg = _dialog(qtbot, ws, view_time="2021-07-20T09:00:00.000Z")
    assert dlg.issued_edit.text() == "2021-07-20 17:00"  # the map shows the past: its moment
    assert dlg.name_edit.text() == "暴雨橙色预警（第2号）"
    dlg.issued_edit.setText("2021-07-20 18:00")
    dlg.map_time_button.click()
    assert dlg.issued_edit.text() == "2021-07-20 17:00"
    dlg.name_edit.setText("暴雨橙色预警（第1号）")
    dlg.check("淇县")
    assert dlg.save() is None
    assert dlg.issues_shown["name"].startswith("同名预警已于 2021-07-20 14:00 发布")
    assert dlg.save_anyway_button.isVisible()
    fid = dlg.save(accept_warnings=True)
    assert fid is not None
    assert len(ws.read("warnings", geometry=False)) == 2
