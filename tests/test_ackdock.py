"""The 叫应 dock: who has not answered, longest waiting first, at the map's moment; answers recorded."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt

from floodpost.data.situation import as_of
from floodpost.data.workspace import Workspace
from floodpost.ui.docks.ackdock import SETTING_MINUTES, AckPanel
from floodpost.ui.settings import settings
from tests.test_warning_dialog import make_workspace

W1 = "暴雨橙色预警（第1号）"
W2 = "河道洪水红色预警（第1号）"
YOU, SHI, XUN, LIANG = "淇县/北阳镇/油城村", "淇县/北阳镇/石佛寺村", "浚县", "浚县/王庄镇/良相村"


def bj(hhmm: str) -> str:
    """Stored (UTC) time of 2021-07-20 hh:mm Beijing time."""
    h, m = (int(x) for x in hhmm.split(":"))
    return f"2021-07-20T{h - 8:02d}:{m:02d}:00.000Z"


def add_warnings(ws) -> None:
    ws.insert("warnings", [
        {"name": W1, "level": "orange", "kind": "rain", "recipients": f"{YOU}；{SHI}；{XUN}",
         "reported_at": bj("08:00")},
        {"name": W2, "level": "red", "kind": "river", "recipients": LIANG, "reported_at": bj("08:15"),
         "ends_at": bj("10:00")},
    ])
    ws.insert("acknowledgements", [
        {"warning": W1, "recipient": SHI, "how": "phone", "by_person": "王五", "reported_at": bj("08:20")},
        {"warning": W1, "recipient": YOU, "how": "no_answer", "reported_at": bj("08:10")},
        {"warning": W1, "recipient": YOU, "how": "no_answer", "reported_at": bj("08:25")},
        {"warning": W1, "recipient": XUN, "how": "sms", "reported_at": bj("08:50")},
    ])


@pytest.fixture
def ws_path(tmp_path: Path) -> Path:
    path = make_workspace(tmp_path / "ws.gpkg")
    with Workspace.open(path) as ws:
        add_warnings(ws)
    return path


@pytest.fixture
def panel(qtbot, ws_path: Path, zh):
    settings().setValue(SETTING_MINUTES, 30)
    with Workspace.open(ws_path) as ws:
        p = AckPanel(lang="zh")
        qtbot.addWidget(p)
        p.set_workspace(ws)
        p.show()
        yield p


def show(panel: AckPanel, hhmm: str) -> None:
    panel.show_operations(as_of(panel.ws, bj(hhmm)).operations, bj(hhmm))


def table(panel: AckPanel) -> list[tuple[str, ...]]:
    m = panel.table.model()
    return [tuple(m.index(r, c).data() for c in range(m.columnCount())) for r in range(m.rowCount())]


def colour(panel: AckPanel, row: int) -> str:
    brush = panel.table.model().index(row, 2).data(Qt.ItemDataRole.ForegroundRole)
    return brush.color().name() if brush is not None else panel.table.palette().text().color().name()


def test_the_unanswered_come_first_longest_waiting_first_at_two_times(panel: AckPanel) -> None:
    show(panel, "08:40")
    assert [panel.table.model().headerData(c, Qt.Orientation.Horizontal) for c in range(6)] == [
        "预警", "级别", "接收对象", "等待（分钟）", "尝试次数", "应答"]
    assert table(panel) == [
        (W1, "橙色", "浚县", "40", "0", "未应答"),
        (W1, "橙色", "淇县 北阳镇 油城村", "40", "2", "未应答"),
        (W2, "红色", "浚县 王庄镇 良相村", "25", "0", "未应答"),
        (W1, "橙色", "淇县 北阳镇 石佛寺村", "20", "0", "电话 · 08:20 · 王五"),
    ]
    assert panel.header.text() == "已叫应 1/4，超时 2"
    assert [colour(panel, r) for r in range(4)] == ["#c62828", "#c62828", "#000000", "#8a8a8a"]

    show(panel, "09:00")
    assert [(r[2], r[3], r[5]) for r in table(panel)] == [
        ("淇县 北阳镇 油城村", "60", "未应答"),
        ("浚县 王庄镇 良相村", "45", "未应答"),
        ("淇县 北阳镇 石佛寺村", "20", "电话 · 08:20 · 王五"),
        ("浚县", "50", "短信 · 08:50"),
    ]
    assert panel.header.text() == "已叫应 2/4，超时 2"
    panel.only_open.setChecked(True)
    assert [r[2] for r in table(panel)] == ["淇县 北阳镇 油城村", "浚县 王庄镇 良相村"]

    show(panel, "10:30")  # the river warning was lifted at 10:00
    assert [r[0] for r in table(panel)] == [W1]
    assert panel.header.text() == "已叫应 2/3，超时 1"


def test_n_decides_what_is_overdue_and_is_kept(panel: AckPanel) -> None:
    show(panel, "08:40")
    panel.minutes.setValue(20)
    assert panel.header.text() == "已叫应 1/4，超时 3"
    assert colour(panel, 2) == "#c62828"
    panel.minutes.setValue(45)
    assert panel.header.text() == "已叫应 1/4，超时 0"
    assert settings().value(SETTING_MINUTES, type=int) == 45
    again = AckPanel(lang="zh")
    assert again.minutes.value() == 45
    again.deleteLater()


def test_an_answer_recorded_moves_the_recipient_to_the_answered(panel: AckPanel) -> None:
    show(panel, "08:40")
    got = []
    panel.saved.connect(lambda key, fid: got.append((key, fid)))
    assert panel.record_answer(W2, LIANG, "phone", by_person="赵六", when="2021-07-20 08:10") is None
    # the tally's own rule (floodpost.data.situation.tally), the same for every way an answer comes in
    assert panel.status.text() == "“河道洪水红色预警（第1号）”08:15 才发布，发布前的应答不计"
    assert panel.select(W2, LIANG)
    panel.view_time = bj("08:40")  # the map's moment is the answer's default time
    assert panel.record_no_answer() is not None
    fid = panel.record_answer(W2, LIANG, "radio", by_person="赵六")
    assert [k for k, _ in got] == ["acknowledgements", "acknowledgements"] and got[1][1] == fid
    row = panel.ws.feature("acknowledgements", fid)
    assert (row["warning"], row["recipient"], row["how"], row["by_person"], row["reported_at"]) == (
        W2, LIANG, "radio", "赵六", bj("08:40"))
    show(panel, "08:45")
    assert table(panel)[-1] == (W2, "红色", "浚县 王庄镇 良相村", "25", "1",
                               "对讲/广播 · 08:40 · 赵六")
    assert panel.header.text() == "已叫应 2/4，超时 2"
    assert panel.status.text() == "已记录应答：浚县 王庄镇 良相村"


def _opened(qtbot: Any, ws_path: Path) -> Any:
    """The window on the workspace, answer limit 30 minutes, its figures and curves shown."""
    from floodpost.ui.mainwindow import MainWindow

    settings().setValue(SETTING_MINUTES, 30)
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.canvas.rendered, timeout=20_000):
        assert win.open_workspace(ws_path)
    qtbot.waitUntil(lambda: not win.situation_pending and bool(win.time_slider.times), timeout=20_000)
    return win


def test_the_dock_follows_the_slider_and_an_answer_is_one_undoable_step(qtbot, ws_path: Path, zh) -> None:
    win = _opened(qtbot, ws_path)
    assert win.ack_dock.windowTitle() == "预警叫应"
    win.ack_dock.raise_()  # its tab chosen: behind another tab the list waits
    panel = win.ack_panel
    qtbot.waitUntil(panel.in_view, timeout=5000)
    win.time_slider.set_time(bj("08:30"))  # the slider stops at the last report: 08:25
    qtbot.waitUntil(lambda: panel.when == bj("08:25") and not win.situation_pending, timeout=20_000)
    assert panel.header.text() == "已叫应 1/4，超时 0"
    assert [(r[2], r[3]) for r in table(panel)][:3] == [
        ("浚县", "25"), ("淇县 北阳镇 油城村", "25"), ("浚县 王庄镇 良相村", "10")]
    assert panel.select(W2, LIANG)
    fid = panel.record_answer(W2, LIANG, "phone")
    assert panel.ws.feature("acknowledgements", fid)["reported_at"] == bj("08:25")
    assert win.undo_stack.count() == 1 and win.undo_stack.undoText() == f"记录应答 {LIANG}"
    qtbot.waitUntil(lambda: panel.counts() == (2, 4, 0), timeout=20_000)
    assert table(panel)[-1][2] == "浚县 王庄镇 良相村"
    win.act_undo.trigger()
    assert panel.ws.feature("acknowledgements", fid) is None
    qtbot.waitUntil(lambda: panel.counts() == (1, 4, 0), timeout=20_000)
    # double-click a village: the map goes there
    seen = []
    panel.featureRequested.connect(lambda key, f: seen.append((key, f)))
    row = next(i for i, r in enumerate(panel.rows) if r["recipient"] == YOU)
    panel.zoom_to(row)
    assert seen == [("villages", 1)] and win._current == ("villages", 1)
    qtbot.waitUntil(lambda: not win.situation_pending, timeout=20_000)
    # the map's unanswered rings follow the list's minutes: 20 minutes rings 浚县 and 油城村, 60 none
    panel.minutes.setValue(20)
    ops = next(o for o in win.scene.painter.overlays if type(o).__name__ == "OperationsOverlay")
    assert win.scene.answer_minutes == 20 and sum(p.overdue for p in ops.places) >= 1
    panel.minutes.setValue(60)
    ops = next(o for o in win.scene.painter.overlays if type(o).__name__ == "OperationsOverlay")
    assert win.scene.answer_minutes == 60 and sum(p.overdue for p in ops.places) == 0
    win.close()


def test_the_answer_dialog_writes_what_was_typed_and_tells_a_bad_time(qtbot, panel: AckPanel, monkeypatch) -> None:
    from PySide6.QtWidgets import QDialog

    from floodpost.ui.docks.ackdock import AnswerDialog

    show(panel, "08:40")
    assert panel.select(W1, YOU)
    typed = iter([("sms", "李四", "13800000000", "昨天"), ("sms", "李四", "13800000000", "2021-07-20 08:42")])
    errors = []

    def fake_exec(dlg: AnswerDialog) -> int:
        if errors is not None and dlg.message.text():
            errors.append(dlg.message.text())
        try:
            how, person, phone, when = next(typed)
        except StopIteration:
            return QDialog.DialogCode.Rejected
        dlg.how.setCurrentIndex(dlg.how.findData(how))
        dlg.person.setText(person)
        dlg.phone.setText(phone)
        dlg.when.setText(when)
        return QDialog.DialogCode.Accepted

    monkeypatch.setattr(AnswerDialog, "exec", fake_exec)
    fid = panel.answer_dialog()
    assert errors == ["无法识别时间 昨天"]
    row = panel.ws.feature("acknowledgements", fid)
    assert (row["warning"], row["recipient"], row["how"], row["by_person"], row["by_phone"], row["reported_at"]) == (
        W1, YOU, "sms", "李四", "13800000000", bj("08:42"))


def test_double_click_goes_to_the_village_the_feature_or_the_county(qtbot, panel: AckPanel) -> None:
    panel.ws.insert("warnings", [{"name": "地灾预警", "level": "yellow", "kind": "geohazard",
                                  "recipients": "hazards:屯子滑坡；鹤山区", "reported_at": bj("08:30")}])
    show(panel, "08:40")
    features, extents = [], []
    panel.featureRequested.connect(lambda key, fid: features.append((key, fid)))
    panel.extentRequested.connect(extents.append)
    rows = {r["recipient"]: i for i, r in enumerate(panel.rows)}
    assert rcp_label(panel, rows["hazards:屯子滑坡"]) == "地质灾害隐患点：屯子滑坡"
    index = panel.table.model().index(rows[LIANG], 2)
    panel.table.scrollTo(index)
    rect = panel.table.visualRect(index)
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    panel.zoom_to(rows["hazards:屯子滑坡"])
    assert features == [("villages", 4), ("hazards", 3)]
    panel.zoom_to(rows[XUN])  # a county: its villages
    panel.zoom_to(rows["鹤山区"])  # a county with no village entered: its boundary
    assert extents[0] == pytest.approx((114.50, 35.60, 114.52, 35.62))
    x0, y0, x1, y1 = extents[1]
    assert 114.0 < x0 < x1 < 114.4 and 35.8 < y0 < y1 < 36.1  # 鹤山区 lies in the north-west


def rcp_label(panel: AckPanel, row: int) -> str:
    return panel.table.model().index(row, 2).data()


def test_a_list_behind_another_tab_waits_for_its_tab(qtbot, ws_path: Path, zh) -> None:
    """Qt keeps a dock behind another tab "visible": the list learns from its dock that it is behind,
    does no work at a slider step, and shows the moment when its tab is chosen."""
    win = _opened(qtbot, ws_path)
    win.dashboard_dock.raise_()
    panel = win.ack_panel
    qtbot.waitUntil(lambda: not panel.in_view(), timeout=5000)
    assert panel.isVisible()  # what Qt says of a dock behind a tab
    rendered: list[int] = []
    real = panel.render
    panel.render = lambda *a: (rendered.append(1), real(*a))
    win.time_slider.set_time(bj("08:30"))
    qtbot.waitUntil(lambda: panel.when == bj("08:25") and not win.situation_pending, timeout=20_000)
    assert rendered == [] and panel._stale
    win.ack_dock.raise_()
    qtbot.waitUntil(lambda: rendered == [1], timeout=5000)
    assert panel.header.text() == "已叫应 1/4，超时 0"
    win.close()
