"""Operations from the window: an incident's status, a force sent, a warning answered, an incident
reported on the map, and the identify panel's buttons, driven as the duty officer does."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from floodpost.data.situation import as_of
from floodpost.data.timeutil import format_local
from floodpost.data.workspace import Workspace
from floodpost.layers.model.identify import Hit
from floodpost.ui.dialogs.tallyentry import KEYS, TallyEntryDialog
from floodpost.ui.map.identify import age_text

DAY = "2021-07-22T"  # stored times are UTC: 02:00Z is 10:00 in Beijing
CTRL = Qt.KeyboardModifier.ControlModifier
INCIDENT = "卫河左堤管涌"
FORCE = "消防救援支队"
WARNING = "暴雨橙色预警"


def make_workspace(path: Path) -> Path:
    with Workspace.create(path) as ws:
        ws.insert("forces", [{"name": FORCE, "category": "fire", "personnel": 50, "vehicles": 6, "boats": 4,
                              "status": "on_duty", "reported_at": DAY + "00:00Z",
                              "geometry": shapely.Point(114.30, 35.70)}])
        ws.insert("incidents", [{"name": INCIDENT, "kind": "piping", "severity": "large", "county": "浚县",
                                 "threatened": 300, "reported_at": DAY + "01:00Z",
                                 "geometry": shapely.Point(114.55, 35.67)}])
        ws.insert("warnings", [{"name": WARNING, "level": "orange", "kind": "rain", "issuer": "市防指",
                                "recipients": "浚县；浚县/新镇镇；浚县/新镇镇/刘寨村",
                                "reported_at": DAY + "00:30Z"}])
    return path


@pytest.fixture
def ws_path(tmp_path: Path) -> Path:
    return make_workspace(tmp_path / "ops.gpkg")


def _window(qtbot, path: Path):
    from floodpost.ui.mainwindow import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.canvas.rendered, timeout=20_000):
        assert win.open_workspace(path)
    qtbot.waitUntil(lambda: not win.situation_pending, timeout=20_000)
    return win


def _choose(combo, code: str) -> None:
    i = combo.findData(code)
    assert i >= 0, code
    combo.setCurrentIndex(i)


def test_the_new_tabs_offer_the_workspaces_names(qtbot, ws_path: Path, zh) -> None:
    dlg = TallyEntryDialog(ws_path, lang="zh")
    qtbot.addWidget(dlg)
    assert KEYS[3:6] == ("incident_status", "dispatches", "acknowledgements")
    assert [dlg.tabs.tabText(i) for i in range(dlg.tabs.count())][3:6] == ["险情处置", "力量调派", "预警叫应"]

    def items(key: str, name: str) -> list[str]:
        combo = dlg.editor(name, key)
        return [combo.itemText(i) for i in range(combo.count())]

    assert items("incident_status", "incident") == [INCIDENT]
    assert items("dispatches", "force") == [FORCE]
    assert items("dispatches", "incident") == [INCIDENT]
    assert items("acknowledgements", "warning") == [WARNING]
    dlg.editor("warning", "acknowledgements").setEditText(WARNING)
    assert items("acknowledgements", "recipient") == ["浚县", "浚县/新镇镇", "浚县/新镇镇/刘寨村"]


def test_a_status_typed_and_saved_with_ctrl_enter(qtbot, ws_path: Path) -> None:
    dlg = TallyEntryDialog(ws_path, lang="zh", key="incident_status")
    qtbot.addWidget(dlg)
    with qtbot.waitActive(dlg):
        dlg.show()
        dlg.activateWindow()
    assert QApplication.focusWidget().objectName() == "incident_status.incident"
    dlg.editor("incident").setEditText(INCIDENT)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert QApplication.focusWidget().objectName() == "incident_status.status"  # the focus order is the form's
    _choose(dlg.editor("status"), "handling")
    dlg.editor("rescued").setText("12")
    dlg.editor("reported_at").setText("2021-07-22 11:00")
    with qtbot.waitSignal(dlg.saved):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, CTRL)
    with Workspace.open(ws_path) as ws:
        inc = as_of(ws, DAY + "03:30Z").operations.incidents[0]
        assert (inc["name"], inc["status"], inc["rescued"], inc["threatened"]) == (INCIDENT, "handling", 12, 300)
        assert as_of(ws, DAY + "02:30Z").operations.incidents[0]["status"] == "reported"  # before 11:00
    # the incident stays for the next entry, the figures are cleared, the cursor is on the incident
    assert dlg.editor("incident").currentText() == INCIDENT and dlg.editor("rescued").text() == ""
    assert QApplication.focusWidget().objectName() == "incident_status.incident"


def test_a_missing_force_is_an_error_on_its_field_and_nothing_is_written(qtbot, ws_path: Path, zh) -> None:
    dlg = TallyEntryDialog(ws_path, lang="zh", key="dispatches")
    qtbot.addWidget(dlg)
    dlg.editor("incident").setEditText(INCIDENT)
    dlg.editor("personnel").setText("20")
    assert dlg.save() is None
    assert dlg.issues_shown == {"force": "必填"}
    with Workspace.open(ws_path) as ws:
        assert ws.count("dispatches") == 0


def test_status_dispatch_and_answer_each_one_undoable_step(qtbot, ws_path: Path) -> None:
    win = _window(qtbot, ws_path)
    win.tally_dialog()
    dlg = win._tally
    ws = win.workspace
    at = DAY + "05:00Z"

    dlg.set_key("incident_status")
    dlg.editor("incident").setEditText(INCIDENT)
    _choose(dlg.editor("status"), "handling")
    dlg.editor("reported_at").setText("2021-07-22 11:00")
    assert dlg.save() is not None

    dlg.set_key("dispatches")
    dlg.editor("force").setEditText(FORCE)
    dlg.editor("incident").setEditText(INCIDENT)
    dlg.editor("personnel").setText("20")
    dlg.editor("boats").setText("2")
    dlg.editor("task").setText("抢堵管涌")
    dlg.editor("reported_at").setText("2021-07-22 11:30")
    assert dlg.save() is not None

    dlg.set_key("acknowledgements")
    dlg.editor("warning").setEditText(WARNING)
    dlg.editor("recipient").setEditText("浚县/新镇镇")
    _choose(dlg.editor("how"), "phone")
    dlg.editor("by_person").setText("王镇长")
    dlg.editor("reported_at").setText("2021-07-22 08:50")
    assert dlg.save() is not None
    assert win.undo_stack.count() == 3

    def figures() -> tuple:
        ops = as_of(ws, at).operations
        inc = ops.incidents[0]
        answered = {r["recipient"] for r in ops.recipients if r["answered_ms"] is not None}
        return inc["status"], inc["forces"], inc["personnel_on_site"], ops.committed.get(FORCE), answered

    done = ("handling", [FORCE], 20, {"personnel": 20, "vehicles": 0, "boats": 2}, {"浚县/新镇镇"})
    assert figures() == done
    win.undo_stack.undo()
    assert figures() == done[:4] + (set(),)
    win.undo_stack.undo()
    assert figures() == ("handling", [], 0, None, set())
    win.undo_stack.undo()
    assert figures() == ("reported", [], 0, None, set())
    assert (ws.count("incident_status"), ws.count("dispatches"), ws.count("acknowledgements")) == (0, 0, 0)
    for _ in range(3):
        win.undo_stack.redo()
    assert figures() == done
    win.close()


def test_identify_shows_the_moment_and_its_buttons_open_the_right_tab(qtbot, ws_path: Path, zh) -> None:
    with Workspace.open(ws_path) as ws:
        ws.insert("dispatches", [{"force": FORCE, "incident": INCIDENT, "action": "send", "personnel": 15,
                                  "reported_at": DAY + "02:00Z"}])
        ws.insert("incident_status", [{"incident": INCIDENT, "status": "handling", "reported_at": DAY + "02:00Z"}])
    win = _window(qtbot, ws_path)
    with qtbot.waitSignal(win.situationReady, timeout=20_000):
        win.time_slider.set_time(DAY + "03:00Z")
    moment = win.time_slider.current
    assert moment == DAY + "02:00:00.000Z" or moment.startswith(DAY + "02:00")  # the last report at or before
    panel = win.identify
    inc_fid = int(win.workspace.read("incidents").index[0])
    force_fid = int(win.workspace.read("forces").index[0])

    panel.show_hits([Hit("incidents", inc_fid, 0.0)])
    rows = dict(line.split(": ", 1) for line in panel.text().splitlines()[1:])
    assert rows["状态"] == "处置中"
    assert rows["报告至今"] == "1 小时 0 分钟"  # reported 01:00Z, the map at 02:00Z
    assert rows["在场力量"] == FORCE and rows["在场人数"] == "15"
    assert panel.update_status.isVisible() and panel.send_forces.isVisible() and not panel.send_force.isVisible()

    panel.update_status.click()
    dlg = win._tally
    assert dlg.isVisible() and dlg.key == "incident_status"
    assert dlg.editor("incident").currentText() == INCIDENT
    assert dlg.editor("status").currentData() == "handling"  # as the map shows it
    assert dlg.editor("reported_at").text() == format_local(moment)
    assert dlg.focusWidget() is dlg.editor("status")  # the window's cursor, where the officer types next

    panel.send_forces.click()
    assert dlg.key == "dispatches"
    assert dlg.editor("incident").currentText() == INCIDENT and dlg.editor("force").currentText() == ""

    panel.show_hits([Hit("forces", force_fid, 0.0)])
    rows = dict(line.split(": ", 1) for line in panel.text().splitlines()[1:])
    assert (rows["已调派人数"], rows["可调派人数"], rows[f"在 {INCIDENT}"]) == ("15", "35", "15 人")
    assert panel.send_force.isVisible() and not panel.update_status.isVisible()
    dlg.editor("personnel").setText("20")
    panel.send_force.click()
    assert dlg.key == "dispatches" and dlg.editor("force").currentText() == FORCE
    # a new entry: the incident and figures of the last one are not carried over, the cursor is on the incident
    assert dlg.editor("incident").currentText() == "" and dlg.editor("personnel").text() == ""
    assert dlg.focusWidget() is dlg.editor("incident")
    win.close()


def _fill_and_accept(values):
    def fake_exec(form):
        for name, v in values.items():
            w = form.widgets[name]
            if hasattr(w, "findData"):
                w.setCurrentIndex(w.findData(v))
            else:
                w.setText(v)
        form._try_accept()
        return form.result()

    return fake_exec


def test_an_incident_reported_on_the_map_is_in_the_situation(qtbot, ws_path: Path, monkeypatch) -> None:
    from floodpost.ui.dialogs.editing import FeatureForm

    monkeypatch.setattr(FeatureForm, "exec", _fill_and_accept({"name": "共渠右堤渗水", "kind": "seepage"}))
    win = _window(qtbot, ws_path)
    with qtbot.waitSignal(win.situationReady, timeout=20_000):
        win.time_slider.set_time(DAY + "01:00Z")
    moment = win.time_slider.current
    assert moment.startswith(DAY + "01:00")
    win.start_add("incidents", shape="point")
    win._on_map_click(114.40, 35.60)
    ws = win.workspace
    assert ws.count("incidents") == 2
    fid = int(ws.read("incidents").index.max())
    row = ws.feature("incidents", fid)
    assert row["reported_at"].startswith(DAY + "01:00")  # the map's moment, not the clock's
    names = [i["name"] for i in as_of(ws, DAY + "01:30Z").operations.incidents]
    assert names == [INCIDENT, "共渠右堤渗水"]
    assert [i["name"] for i in as_of(ws, DAY + "00:30Z").operations.incidents] == []
    win.undo_stack.undo()
    assert ws.count("incidents") == 1
    win.close()


def test_a_dike_section_is_drawn_as_a_line_kept_with_its_point(qtbot, ws_path: Path, monkeypatch) -> None:
    from floodpost.ui.dialogs.editing import FeatureForm

    monkeypatch.setattr(FeatureForm, "exec", _fill_and_accept({"name": "卫河右堤漫溢段", "kind": "overtopping"}))
    win = _window(qtbot, ws_path)
    asked = []
    monkeypatch.setattr(win, "choose_add_shape", lambda schema: asked.append(schema.key) or "line")
    win.start_add("incidents")
    assert asked == ["incidents"] and win._mode == ("draw", "incidents") and not win.canvas.sketch_closed
    for lon, lat in ((114.50, 35.60), (114.52, 35.60), (114.52, 35.64)):
        win._on_map_click(lon, lat)
    win.finish_sketch()
    ws = win.workspace
    assert (ws.count("incidents"), ws.count("incident_sections")) == (2, 1)
    fid = int(ws.read("incidents").index.max())
    point = ws.feature("incidents", fid)["geometry"]
    assert point.geom_type == "Point"
    # halfway along the line (0.06 long): 0.03 from the start is 0.01 up its second leg
    assert (round(point.x, 6), round(point.y, 6)) == (114.52, 35.61)
    section = ws.read("incident_sections").iloc[0]
    assert section["incident"] == "卫河右堤漫溢段" and section.geometry.length == pytest.approx(0.06)
    assert win.undo_stack.count() == 1  # one step
    win.undo_stack.undo()
    assert (ws.count("incidents"), ws.count("incident_sections")) == (1, 0)
    win.undo_stack.redo()
    assert (ws.count("incidents"), ws.count("incident_sections")) == (2, 1)
    win.close()


def test_age_reads_in_minutes_hours_and_days(zh) -> None:
    assert [age_text(m) for m in (0, 59.9, 60, 135, 1500)] == [
        "0 分钟", "59 分钟", "1 小时 0 分钟", "2 小时 15 分钟", "1 天 1 小时",
    ]
