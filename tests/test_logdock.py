"""The situation log dock: newest first, filters, readable changes, XLSX export, 50,000 rows."""

from __future__ import annotations

import json
import random
import threading
from datetime import datetime, timedelta

import openpyxl
import pytest
import shapely
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from floodpost import i18n
from floodpost.data.export.log import (
    HEADERS_ZH,
    change_rows,
    change_text,
    export_log_xlsx,
    filter_log,
)
from floodpost.data.schema import ALL, LOG_ACTIONS
from floodpost.data.store.gpkg import store as wsmod
from floodpost.data.timeutil import BEIJING, format_local, to_storage
from floodpost.data.workspace import Workspace
from floodpost.ui.docks.logdock import LogPanel, LogTableModel

T0 = datetime(2021, 7, 22, 8, 0, tzinfo=BEIJING)


@pytest.fixture(autouse=True)
def _no_leaked_export_threads():
    yield
    left = [t for t in threading.enumerate() if t.name == "floodpost-export" and t.is_alive()]
    assert not left, f"export threads left running: {left}"


@pytest.fixture
def clock(monkeypatch):
    """Every log entry ten minutes after the one before, from 08:00 Beijing time."""
    state = {"n": 0}

    def tick() -> str:
        t = T0 + timedelta(minutes=10 * state["n"])
        state["n"] += 1
        return to_storage(t)

    monkeypatch.setattr(wsmod, "now_storage", tick)
    return state


@pytest.fixture
def ws(tmp_path, clock):
    """Eight log entries, 08:00 … 09:10, by four operators."""
    w = Workspace.create(tmp_path / "w.gpkg")
    [hz] = w.insert(  # 08:10
        "hazards",
        [{"name": "东山滑坡", "hazard_type": "landslide", "persons": 97, "geometry": shapely.Point(114.1, 35.9)}],
        operator="王五",
    )
    w.insert(  # 08:20, one import entry
        "reservoirs",
        [
            {"name": "盘石头水库", "scale": "large", "geometry": shapely.Point(114.07, 35.83)},
            {"name": "汤河水库", "scale": "medium", "geometry": shapely.Point(114.3, 35.9)},
        ],
        operator="李四",
        source="county.xlsx",
    )
    w.update("hazards", hz, {"persons": 120, "hazard_type": "collapse"}, operator="王五")  # 08:30
    w.record_meeting("第1次会商", operator="张主任")  # 08:40
    w.insert(  # 08:50
        "works",
        [{"place": "卫河左堤", "dike_m": 1200.0, "sandbags": 50000, "reported_at": "2021-07-22 08:45"}],
        operator="李四",
    )
    w.delete("hazards", [hz], operator="赵六")  # 09:00
    w.record_meeting("第2次会商", operator="张主任")  # 09:10
    yield w
    w.close()


@pytest.fixture
def panel(qtbot, ws):
    p = LogPanel()
    qtbot.addWidget(p)
    p.set_workspace(ws)
    p.resize(900, 600)
    p.show()
    return p


@pytest.fixture
def english():
    i18n.set_language("en")
    yield
    i18n.set_language("en")


def _column(model: LogTableModel, col: int) -> list[str]:
    return [model.data(model.index(r, col)) for r in range(model.rowCount())]


def _pick(combo, text: str) -> None:
    i = combo.findText(text)
    assert i >= 0, (text, [combo.itemText(k) for k in range(combo.count())])
    combo.setCurrentIndex(i)


# ---------------------------------------------------------------- pure reading
def test_change_rows_speak_the_schema():
    rows = change_rows("hazards", '{"hazard_type": "landslide", "persons": 97}',
                       '{"hazard_type": "collapse", "persons": 120}', "zh")
    assert rows == [("灾害类型", "滑坡", "崩塌"), ("威胁人数 (人)", "97", "120")]
    en = change_rows("hazards", None, '{"hazard_type": "collapse", "county": null}', "en")
    assert en == [("Hazard type", "", "Rock fall / collapse")]
    assert change_text("reservoirs", '{"count": 2, "source": "a.xlsx"}') == "条数: 2\n数据来源: a.xlsx"
    assert change_rows(None, None, None) == []
    assert change_rows("hazards", "not json", None) == [("", "not json", "")]


def test_filter_log_without_qt(ws):
    log = ws.log_entries()
    assert filter_log(log, target="hazards").sum() == 3
    assert filter_log(log, target="").sum() == 3  # create and two meetings
    assert filter_log(log, operator="李四").sum() == 2
    assert filter_log(log, text="会商").sum() == 2
    mask = filter_log(log, start=datetime(2021, 7, 22, 8, 30), end=datetime(2021, 7, 22, 8, 50))
    assert list(log[mask]["summary"]) == ["地质灾害隐患点: 东山滑坡", "第1次会商"]


# ---------------------------------------------------------------- the panel
def test_rows_newest_first(panel, ws, english):
    m = panel.model
    assert m.rowCount() == 8 == m.total
    assert _column(m, m.SUMMARY)[0] == "第2次会商"
    assert _column(m, m.SUMMARY)[-1].startswith("workspace created")
    times = _column(m, m.TIME)
    assert times == sorted(times, reverse=True)
    assert times[0] == format_local(to_storage(T0 + timedelta(minutes=70)), seconds=True) == "2021-07-22 09:10:00"
    assert _column(m, m.OPERATOR)[:3] == ["张主任", "赵六", "李四"]
    assert _column(m, m.ACTION)[:3] == ["Consultation meeting", "Deleted", "Added"]
    assert _column(m, m.TARGET)[:3] == ["", "Geological hazard points", "Engineering works"]
    assert m.data(m.index(0, 0), Qt.ItemDataRole.FontRole).bold()  # meetings stand out
    assert "8 entries" in panel.status.text()


def test_labels_follow_the_language(panel, qapp):
    i18n.set_language("zh_CN")
    try:
        m = panel.model
        assert _column(m, m.ACTION)[:3] == ["会商", "删除", "新增"]
        assert _column(m, m.TARGET)[1:3] == ["地质灾害隐患点", "工程抢险"]
    finally:
        i18n.set_language("en")


def test_layer_filter(panel, english):
    m = panel.model
    _pick(panel.layer_combo, ALL["hazards"].en)
    assert m.rowCount() == 3
    assert set(_column(m, m.TARGET)) == {"Geological hazard points"}
    assert _column(m, m.ACTION) == ["Deleted", "Changed", "Added"]
    assert "Showing 3 of 8 entries" in panel.status.text()
    _pick(panel.layer_combo, "No layer (meetings, workspace)")
    assert _column(m, m.SUMMARY)[:2] == ["第2次会商", "第1次会商"] and m.rowCount() == 3
    _pick(panel.layer_combo, "All layers")
    assert m.rowCount() == 8
    keys = panel._targets[1:]
    assert keys == ["reservoirs", "hazards", "works", ""]


def test_operator_filter_combines_with_layer(panel, english):
    m = panel.model
    assert [panel.operator_combo.itemText(i) for i in range(panel.operator_combo.count())][0] == "All operators"
    _pick(panel.operator_combo, "李四")
    assert m.rowCount() == 2 and set(_column(m, m.OPERATOR)) == {"李四"}
    _pick(panel.layer_combo, ALL["works"].en)
    assert m.rowCount() == 1 and _column(m, m.ACTION) == ["Added"]
    _pick(panel.operator_combo, "王五")
    assert m.rowCount() == 0
    assert not panel.export_button.isEnabled()


def test_text_search(panel, qtbot):
    m = panel.model
    panel.search.setText("会商")
    assert _column(m, m.SUMMARY) == ["第2次会商", "第1次会商"]
    panel.search.clear()
    qtbot.keyClicks(panel.search, "WORKSPACE")  # filtered as typed; case does not matter
    assert m.rowCount() == 1
    panel.search.clear()
    assert m.rowCount() == 8


def test_time_filter(panel):
    m = panel.model
    # off by default, the edits show the whole span in Beijing time
    assert panel.start_edit.dateTime().toString("yyyy-MM-dd HH:mm") == "2021-07-22 08:00"
    assert panel.end_edit.dateTime().toString("yyyy-MM-dd HH:mm") == "2021-07-22 09:10"
    assert not panel.start_edit.isEnabled()
    panel.use_time.setChecked(True)
    assert m.rowCount() == 8  # the whole span, its last minute included
    from floodpost.ui.docks.logdock import _wall_clock

    panel.start_edit.setDateTime(_wall_clock(datetime(2021, 7, 22, 8, 30)))
    panel.end_edit.setDateTime(_wall_clock(datetime(2021, 7, 22, 8, 50)))
    assert _column(m, m.TIME) == ["2021-07-22 08:50:00", "2021-07-22 08:40:00", "2021-07-22 08:30:00"]
    panel.use_time.setChecked(False)
    assert m.rowCount() == 8


def test_detail_and_tooltip_show_before_and_after(panel, english):
    m = panel.model
    row = _column(m, m.ACTION).index("Changed")
    panel.view.selectRow(row)
    text = panel.detail.toPlainText()
    assert "Hazard type" in text and "Landslide" in text and "Rock fall / collapse" in text
    assert "Threatened persons (人)" in text and "97" in text and "120" in text
    assert "王五" in text
    tip = m.data(m.index(row, m.SUMMARY), Qt.ItemDataRole.ToolTipRole)
    assert "Before" in tip and "After" in tip and "120" in tip
    imp = _column(m, m.ACTION).index("Imported")
    panel.view.selectRow(imp)
    assert "Rows" in panel.detail.toPlainText() and "county.xlsx" in panel.detail.toPlainText()


def test_refresh_reads_new_entries_and_keeps_the_selection(panel, ws, qtbot):
    m = panel.model
    _pick(panel.layer_combo, ALL["hazards"].label(i18n.lang_short()))
    panel.view.selectRow(1)
    kept = m.entry(1)["fid"]
    ws.insert("shelters", [{"name": "新镇中学", "capacity": 2000, "geometry": shapely.Point(114.5, 35.5)}],
              operator="值班员")
    ws.insert("hazards", [{"name": "西岭崩塌", "hazard_type": "collapse", "geometry": shapely.Point(114.2, 35.9)}],
              operator="值班员")
    panel.refresh()
    assert m.total == 10 and m.rowCount() == 4
    assert m.entry(0)["summary"] == "地质灾害隐患点: 西岭崩塌"
    assert m.entry(panel.view.currentIndex().row())["fid"] == kept
    assert panel.operator_combo.findText("值班员") >= 0
    assert "shelters" in panel._targets
    panel.refresh()  # nothing new: nothing changes
    assert m.total == 10


def test_double_click_asks_for_a_feature_that_still_exists(panel, qtbot, ws):
    m = panel.model
    seen = []
    panel.featureRequested.connect(lambda key, fid: seen.append((key, fid)))
    row = [m.entry(r)["action"] for r in range(m.rowCount())].index("update")
    panel._on_double_click(m.index(row, 0))  # that hazard was deleted since
    assert seen == []
    [fid] = ws.insert("hazards", [{"name": "西岭崩塌", "hazard_type": "collapse",
                                   "geometry": shapely.Point(114.2, 35.9)}])
    panel.refresh()
    with qtbot.waitSignal(panel.featureRequested) as sig:
        panel._on_double_click(m.index(0, 0))
    assert sig.args == ["hazards", fid]


def test_export_writes_exactly_the_filtered_rows(panel, tmp_path, qtbot):
    _pick(panel.layer_combo, ALL["hazards"].label(i18n.lang_short()))
    out = tmp_path / "out" / "日志.xlsx"
    out.parent.mkdir()
    out.write_bytes(b"old")
    with qtbot.waitSignal(panel.exported, timeout=20000) as sig:
        assert panel.export_xlsx(out)
        assert panel.exporting and not panel.export_xlsx(out)  # one at a time
    assert sig.args == [str(out)] and not panel.exporting
    assert panel.export_button.text() == "Export XLSX…"
    assert [p.name for p in out.parent.iterdir()] == ["日志.xlsx"]  # no temporary file left
    sheet = openpyxl.load_workbook(out).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == HEADERS_ZH
    body = rows[1:]
    assert len(body) == 3
    assert [r[2] for r in body] == ["删除", "修改", "新增"]
    assert {r[3] for r in body} == {"地质灾害隐患点"}
    assert [r[1] for r in body] == ["赵六", "王五", "王五"]
    assert all(r[4] == 1 for r in body)
    assert body[0][0] == datetime(2021, 7, 22, 9, 0)  # Beijing time, as Excel dates
    assert body[1][6] == "灾害类型: 滑坡\n威胁人数 (人): 97"
    assert body[1][7] == "灾害类型: 崩塌\n威胁人数 (人): 120"
    assert body[2][6] is None and "名称: 东山滑坡" in body[2][7]


def test_export_error_is_shown_and_writes_nothing(panel, qtbot, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: shown.append(a))
    target = tmp_path / "missing" / "log.xlsx"
    with qtbot.waitSignal(panel.exportFailed, timeout=20000):
        assert panel.export_xlsx(target)
    assert shown and str(target) in shown[0][2]
    assert not target.parent.exists()


def test_export_can_be_cancelled_and_keeps_the_old_file(panel, qtbot, tmp_path, monkeypatch):
    import floodpost.data.export.log as lx

    out = tmp_path / "out" / "log.xlsx"
    out.parent.mkdir()
    out.write_bytes(b"old")
    started = threading.Event()
    release = threading.Event()
    real = lx._write_workbook

    def slow(frame, fh, lang, progress):
        started.set()
        release.wait(10)
        return real(frame, fh, lang, progress)  # its first progress call hears "cancel"

    monkeypatch.setattr(lx, "_write_workbook", slow)
    with qtbot.waitSignal(panel.exportFailed, timeout=20000) as sig:
        assert panel.export_xlsx(out)
        assert started.wait(10)
        assert panel.export_button.text() == "Cancel export"
        panel.export_button.click()
        release.set()
    assert sig.args == ["cancelled"]
    assert out.read_bytes() == b"old" and [p.name for p in out.parent.iterdir()] == ["log.xlsx"]
    assert panel.status.text() == "Export cancelled"


def test_export_keeps_text_as_text(tmp_path, ws):
    ws.record_meeting("=HYPERLINK(\"http://x\")\x07")
    path = export_log_xlsx(ws.log_entries(), tmp_path / "a.xlsx")
    sheet = openpyxl.load_workbook(path).active
    cell = sheet.cell(row=sheet.max_row, column=6)
    assert cell.data_type == "s" and cell.value == '=HYPERLINK("http://x")'


def test_no_workspace(panel):
    panel.set_workspace(None)
    assert panel.model.rowCount() == 0
    assert not panel.export_button.isEnabled()
    panel.refresh()
    assert panel.model.rowCount() == 0


# ---------------------------------------------------------------- 50,000 rows
def test_fifty_thousand_entries_load_and_filter(qtbot, tmp_path):
    ws = Workspace.create(tmp_path / "big.gpkg")
    rng = random.Random(7)
    operators = ["王五", "李四", "赵六", "张主任", "值班员"]
    targets = ["hazards", "forces", "evacuation", "works", None]
    actions = [c.code for c in LOG_ACTIONS]
    start = datetime(2021, 7, 20, 0, 0, tzinfo=BEIJING)
    rows = []
    for i in range(50_000):
        target = targets[i % len(targets)]
        action = "meeting" if target is None else rng.choice(actions[:4])
        rows.append((
            to_storage(start + timedelta(seconds=20 * i)),
            operators[i % len(operators)],
            action,
            target,
            None if target is None else i,
            f"第{i}次会商" if target is None else f"{ALL[target].zh}: 条目{i}",
            json.dumps({"note": f"旧{i}"}, ensure_ascii=False) if action == "update" else None,
            json.dumps({"note": f"新{i}"}, ensure_ascii=False) if action in ("update", "insert") else None,
        ))
    with ws.transaction() as c:
        c.executemany(
            "INSERT INTO situation_log (at, operator, action, target, feature_id, summary, before, after)"
            " VALUES (?,?,?,?,?,?,?,?)",
            rows,
        )
    panel = LogPanel(ws)
    qtbot.addWidget(panel)
    panel.show()
    m = panel.model
    assert m.rowCount() == 50_001  # and the "created" entry
    assert m.entry(0)["summary"] == rows[-1][5]
    assert m.data(m.index(0, m.TIME)) == format_local(rows[-1][0], seconds=True)
    _pick(panel.layer_combo, ALL["forces"].label(i18n.lang_short()))
    assert m.rowCount() == 10_000
    _pick(panel.operator_combo, "李四")  # i % 5 == 1: exactly the forces rows
    assert m.rowCount() == 10_000
    _pick(panel.operator_combo, "王五")
    assert m.rowCount() == 0
    _pick(panel.operator_combo, panel.operator_combo.itemText(0))
    _pick(panel.layer_combo, panel.layer_combo.itemText(0))
    panel.search.setText("条目4999")  # 4999 is a meeting; 49990 … 49999 but the meetings
    assert m.rowCount() == sum("条目4999" in r[5] for r in rows) == 8
    panel.search.clear()
    from floodpost.ui.docks.logdock import _wall_clock

    panel.use_time.setChecked(True)
    panel.start_edit.setDateTime(_wall_clock(datetime(2021, 7, 21, 0, 0)))
    panel.end_edit.setDateTime(_wall_clock(datetime(2021, 7, 21, 0, 59)))  # one hour, 3 entries a minute
    assert m.rowCount() == 180
    hour = [r for r in rows if "2021-07-20T16:00" <= r[0] < "2021-07-20T17:00"]  # UTC
    assert [m.entry(r)["summary"] for r in range(m.rowCount())] == [r[5] for r in reversed(hour)]
    row = [m.entry(r)["action"] for r in range(m.rowCount())].index("update")
    panel.view.selectRow(row)
    assert "旧" in panel.detail.toPlainText() and "新" in panel.detail.toPlainText()
    out = tmp_path / "hour.xlsx"
    with qtbot.waitSignal(panel.exported, timeout=60000):
        assert panel.export_xlsx(out)
    sheet = openpyxl.load_workbook(out, read_only=True).active
    assert [r[5] for r in sheet.iter_rows(min_row=2, values_only=True)] == [r[5] for r in reversed(hour)]
    ws.close()
