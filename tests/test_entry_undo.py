"""What the duty officer enters: plausible figures, report times, one locked write, and undo.

The data rules are tried against hand-made workspaces; the race against two
real processes; undo and redo end to end on the real main window.
"""

from __future__ import annotations

import json
import multiprocessing as mp
from pathlib import Path

import pytest
import shapely

from floodpost.data.situation import as_of
from floodpost.data.situation.tally import (
    MATERIALS,
    TallyRejected,
    UndoRefused,
    check_entry,
    entry,
    restore_rows,
    rows_of,
    stock_conflict,
    withdraw_rows,
)
from floodpost.data.workspace import Where, Workspace

DAY = "2021-07-22T"


def material(quantity: float, kind: str, hour: str, depot: str = "市仓库", item: str = "沙袋", **more) -> dict:
    return {"depot": depot, "item": item, "quantity": quantity, "kind": kind, "reported_at": DAY + hour, **more}


def make_workspace(path: Path, stock: int = 3000) -> Path:
    with Workspace.create(path) as ws:
        ws.insert("depots", [
            {"name": "市仓库", "kind": "warehouse", "geometry": shapely.Point(114.3, 35.7)},
            {"name": "良相坡前置点", "kind": "front", "geometry": shapely.Point(114.4, 35.6)},
        ])
        ws.insert("storage_areas", [{
            "name": "良相坡", "status": "standby", "persons": 31000, "households": 9000,
            "geometry": shapely.Polygon([(114.3, 35.6), (114.4, 35.6), (114.4, 35.7), (114.3, 35.6)]),
        }])
        ws.insert("material_tally", [material(stock, "入库", "08:00")])
        ws.insert("evacuation", [{"area": "良相坡", "area_kind": "storage_area", "planned_persons": 20000,
                                  "reported_at": DAY + "18:00"}])
    return path


@pytest.fixture
def ws(tmp_path: Path):
    with Workspace.open(make_workspace(tmp_path / "ws.gpkg")) as w:
        yield w


def levels(issues) -> list[tuple[str, str | None]]:
    return [(i.level, i.field) for i in issues]


# ------------------------------------------------------------------ plausible figures
def test_ninety_nine_million_sandbags_are_refused_and_a_big_delivery_asks(ws: Workspace) -> None:
    issues = check_entry(ws, "material_tally", material(99_999_999, "入库", "12:00"))
    assert levels(issues) == [("error", "quantity")]
    assert "cannot be right" in str(issues[0].message)
    assert issues[0].message.values["limit"] == "10,000,000"
    with pytest.raises(TallyRejected):
        entry(ws, "material_tally", material(99_999_999, "入库", "12:00"), accept_warnings=True)
    front = "良相坡前置点"  # a known depot that never held sandbags: only the size is in question
    issues = check_entry(ws, "material_tally", material(400_000, "入库", "12:00", depot=front))
    assert levels(issues) == [("warning", "quantity")]
    assert str(issues[0].message) == (
        "400,000 袋 of 沙袋 in one movement is more than 300,000 袋; check the figure"
    )
    with pytest.raises(TallyRejected):
        entry(ws, "material_tally", material(400_000, "入库", "12:00", depot=front))
    fid = entry(ws, "material_tally", material(400_000, "入库", "12:00", depot=front), accept_warnings=True)
    assert ws.feature("material_tally", fid)["quantity"] == 400_000


def test_units_count_and_ten_thousands_are_stored_in_the_items_unit(ws: Workspace) -> None:
    # 4万条 is 40,000 bags: within bounds, stored as 40,000 条 so stock sums one unit.
    fid = entry(ws, "material_tally", material(4, "入库", "12:00", unit="万条"))
    row = ws.feature("material_tally", fid)
    assert (row["quantity"], row["unit"]) == (40_000, "条")
    # 50万条 of sandbags at once asks; 1,200 tonnes is a unit sandbags are not counted in.
    assert levels(check_entry(ws, "material_tally", material(50, "入库", "12:00", unit="万条"))) == [
        ("warning", "quantity")
    ]
    issues = check_entry(ws, "material_tally", material(1200, "入库", "12:00", unit="吨"))
    assert levels(issues) == [("warning", "unit")]
    assert "袋" in issues[0].message.values["units"]
    # A roll of geotextile is a known unit that cannot be sized: no question.
    assert check_entry(ws, "material_tally", material(30, "入库", "12:00", item="土工布", unit="卷")) == []
    # Half a boat is no boat.
    issues = check_entry(ws, "material_tally", material(2.5, "入库", "12:00", item="冲锋舟"))
    assert levels(issues) == [("error", "quantity")]
    assert str(issues[0].message) == "冲锋舟 is counted in whole 艘: 2.5"
    assert MATERIALS["assault_boat"].doubtful < MATERIALS["sandbag"].doubtful


def test_a_delivery_twenty_times_what_the_depot_ever_held_asks(ws: Workspace) -> None:
    assert check_entry(ws, "material_tally", material(50_000, "入库", "12:00")) == []
    issues = check_entry(ws, "material_tally", material(80_000, "入库", "12:00"))
    assert levels(issues) == [("warning", "quantity")]
    assert issues[0].message.values["most"] == "3,000"


def test_evacuation_beyond_the_areas_population_asks(ws: Workspace) -> None:
    rec = {"area": "良相坡", "planned_persons": 20000, "notified_persons": 35000,
           "reported_at": DAY + "20:00"}
    issues = check_entry(ws, "evacuation", rec)
    assert levels(issues) == [("warning", "notified_persons")]
    assert str(issues[0].message) == "more than the 31,000 人 living in 良相坡 (35,000)"
    huge = {"area": "某县", "planned_persons": 30_000_000, "reported_at": DAY + "20:00"}
    assert levels(check_entry(ws, "evacuation", huge)) == [("error", "planned_persons")]
    crowded = {"area": "某村", "planned_households": 10, "planned_persons": 400, "reported_at": DAY + "20:00"}
    issues = check_entry(ws, "evacuation", crowded)
    assert levels(issues) == [("warning", "planned_persons")]
    assert "more than 10 to a household" in str(issues[0].message)


def test_works_figures_have_bounds(ws: Workspace) -> None:
    rec = {"place": "卫河堤防", "dike_m": 2_000_000, "rescued": 20_000, "reported_at": DAY + "10:00"}
    assert levels(check_entry(ws, "works", rec)) == [("error", "dike_m"), ("warning", "rescued")]


# ------------------------------------------------------------------ report times
def test_a_time_far_after_the_workspace_asks_with_the_reason(ws: Workspace) -> None:
    rec = {"place": "卫河堤防", "sandbags": 100, "reported_at": "2026-12-04 10:00"}
    issues = check_entry(ws, "works", rec, now="2026-12-04 10:05")
    assert levels(issues) == [("warning", "reported_at")]
    msg = issues[0].message
    assert msg.template.startswith("{time} is {days} days after the latest report")
    assert msg.values["latest"] == "2021-07-22 18:00"
    with pytest.raises(TallyRejected):
        entry(ws, "works", rec, now="2026-12-04 10:05")
    # Within two days of the reports, and before them by less, nothing to ask.
    assert check_entry(ws, "works", {**rec, "reported_at": "2021-07-24 12:00"}, now="2026-12-04") == []
    assert check_entry(ws, "works", {**rec, "reported_at": "2021-07-21 12:00"}, now="2026-12-04") == []
    early = check_entry(ws, "works", {**rec, "reported_at": "2021-06-01 12:00"}, now="2026-12-04")
    assert early[0].message.template.startswith("{time} is {days} days before the first report")


def test_an_empty_workspace_has_no_span_to_warn_about(tmp_path: Path) -> None:
    with Workspace.create(tmp_path / "empty.gpkg") as ws:
        rec = {"place": "卫河堤防", "sandbags": 100, "reported_at": "2026-12-04 10:00"}
        assert check_entry(ws, "works", rec, now="2026-12-04 10:05") == []


# ------------------------------------------------------------------ two writers
def _dispatcher(path: str, attempts: int, barrier, results) -> None:
    with Workspace.open(path) as ws:
        barrier.wait()
        ok, refused, other = 0, [], []
        for _ in range(attempts):
            try:
                entry(ws, "material_tally", material(1, "调拨", "12:00"))
                ok += 1
            except TallyRejected as exc:
                refused.append(str(exc))
            except Exception as exc:  # noqa: BLE001 - reported to the test
                other.append(f"{type(exc).__name__}: {exc}")
        results.put((ok, refused, other))


def test_two_processes_dispatching_the_last_sandbags_never_overdraw(tmp_path: Path) -> None:
    """The check and the write are one locked transaction: 60 bags, 90 tries of one, 60 go."""
    path = make_workspace(tmp_path / "race.gpkg", stock=60)
    ctx = mp.get_context("spawn")
    barrier, results = ctx.Barrier(2), ctx.Queue()
    procs = [ctx.Process(target=_dispatcher, args=(str(path), 45, barrier, results)) for _ in range(2)]
    for p in procs:
        p.start()
    got = [results.get(timeout=300) for _ in procs]
    for p in procs:
        p.join(timeout=60)
    assert [p.exitcode for p in procs] == [0, 0]
    assert [o for _, _, other in got for o in other] == []
    assert sum(ok for ok, _, _ in got) == 60
    refused = [r for _, rs, _ in got for r in rs]
    assert len(refused) == 30
    assert all("stock of 沙袋 at 市仓库 would fall below zero (on hand 0, taking 1)" in r for r in refused)
    with Workspace.open(path) as ws:
        assert as_of(ws).stock["市仓库"]["sandbag"] == 0
        assert ws.count("material_tally") == 61


# ------------------------------------------------------------------ undo in the data layer
def test_withdraw_and_restore_rows_are_one_logged_step_each(ws: Workspace) -> None:
    fid = entry(ws, "material_tally", material(1000, "调拨", "12:00", destination="良相坡前置点"))
    saved = rows_of(ws, "material_tally", [fid])
    logs = len(ws.log_entries())
    withdraw_rows(ws, "material_tally", [fid], summary="撤销: 调拨")
    assert ws.feature("material_tally", fid) is None
    log = ws.log_entries()
    assert len(log) == logs + 1 and log.iloc[-1]["action"] == "delete"
    assert json.loads(log.iloc[-1]["before"])["quantity"] == 1000
    restore_rows(ws, "material_tally", saved, summary="重做: 调拨")
    assert ws.feature("material_tally", fid)["destination"] == "良相坡前置点"
    assert ws.log_entries().iloc[-1]["action"] == "insert"


def test_undoing_a_stock_in_that_later_dispatches_used_is_refused(ws: Workspace) -> None:
    stock_in = entry(ws, "material_tally", material(500, "入库", "10:00"))
    entry(ws, "material_tally", material(3200, "调拨", "12:00", destination="良相坡前置点"))
    problem = stock_conflict(ws, removed=[stock_in])
    assert str(problem) == "沙袋 at 市仓库 would fall below zero at 2021-07-22 12:00 (-200)"
    before = len(ws.log_entries())
    with pytest.raises(UndoRefused) as exc:
        withdraw_rows(ws, "material_tally", [stock_in], summary="撤销")
    assert exc.value.note.values["reason"] is problem or str(exc.value.reason) == str(problem)
    assert ws.feature("material_tally", stock_in) is not None
    assert len(ws.log_entries()) == before
    # A dispatch into a forward point that then used it: taking the dispatch back would overdraw there.
    entry(ws, "material_tally", material(2000, "消耗", "14:00", depot="良相坡前置点"))
    dispatch = int(ws.read("material_tally", [Where("kind", "=", "dispatch")]).index[-1])
    assert "良相坡前置点" in str(stock_conflict(ws, removed=[dispatch]))


def test_a_depot_already_short_does_not_block_unrelated_undo(ws: Workspace) -> None:
    # Records that arrived short (a county file, say) are what they are; only changes that make it worse are refused.
    ws.insert("material_tally", [material(10, "调拨", "09:00", item="冲锋舟")])
    fid = entry(ws, "material_tally", material(100, "调拨", "12:00"))
    assert stock_conflict(ws, removed=[fid]) is None
    withdraw_rows(ws, "material_tally", [fid], summary="撤销")


# ------------------------------------------------------------------ undo on the real window
def _window(qtbot, path: Path):
    from floodpost.ui.mainwindow import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.canvas.rendered, timeout=20_000):
        assert win.open_workspace(path)
    return win


def _log(path: Path):
    with Workspace.open(path) as other:  # a second connection: what is in the file
        return other.log_entries()


def test_an_import_is_one_step_undone_and_redone_with_the_same_rows(qtbot, tmp_path: Path) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QWizard

    QSettings("FloodPost", "FloodPost").remove("intake")
    path = make_workspace(tmp_path / "ws.gpkg")
    source = tmp_path / "淇县力量.csv"
    source.write_text("队伍名称,力量类别,人数,经度,纬度\n淇县消防救援大队,消防救援,45,114.20,35.61\n"
                      "淇县基干民兵连,基干民兵,60,114.19,35.60\n", encoding="utf-8")
    win = _window(qtbot, path)
    assert not win.act_undo.isEnabled()
    win.import_dialog()
    wizard = win._wizard
    wizard.file_page.path.setText(str(source))
    wizard.file_page.key.setCurrentIndex(wizard.file_page.key.findData("forces"))
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.columns_page, timeout=10_000)
    assert wizard.columns_page.isComplete()  # status has its default
    wizard.next()
    wizard.next()  # 检查
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.confirm_page, timeout=20_000)
    assert win.workspace.count("forces") == 0  # nothing before 导入
    with qtbot.waitSignal(wizard.imported, timeout=20_000) as blocker:
        wizard.next()  # 导入
    key, fids, _source = blocker.args
    assert (key, len(fids)) == ("forces", 2)
    assert wizard.currentPage() is wizard.report_page
    assert not wizard.button(QWizard.WizardButton.CancelButton).isVisible()
    assert "Writing" not in wizard.report_page.summary.text()
    assert "on_duty" not in wizard.report_page.report.toPlainText()
    assert "在岗" in wizard.report_page.report.toPlainText()
    wizard.button(QWizard.WizardButton.FinishButton).click()
    ws = win.workspace
    assert sorted(ws.read("forces").index) == sorted(fids)
    assert set(ws.read("forces")["status"]) == {"on_duty"}
    assert win.act_undo.isEnabled() and win.undo_stack.count() == 1
    assert len(win.scene.layers["forces"].frame) == 2
    before = ws.read("forces")
    log_before = len(_log(path))

    win.act_undo.trigger()
    assert ws.count("forces") == 0
    assert len(win.scene.layers["forces"].frame) == 0
    log = _log(path)
    assert len(log) == log_before + 1
    last = log.iloc[-1]
    assert last["action"] == "delete" and last["target"] == "forces"
    assert last["summary"].startswith("撤销 导入 救援力量: 2 条")
    assert json.loads(last["before"])["fids"] == sorted(fids)

    win.act_redo.trigger()
    after = ws.read("forces")
    assert list(after.index) == list(before.index)
    assert after.drop(columns="geometry").equals(before.drop(columns="geometry"))
    assert list(after.geometry) == list(before.geometry)
    log = _log(path)
    assert len(log) == log_before + 2
    assert log.iloc[-1]["action"] == "import" and log.iloc[-1]["summary"].startswith("重做 导入")
    win.close()


def test_a_tally_entry_is_one_step_undone_and_redone(qtbot, tmp_path: Path) -> None:
    path = make_workspace(tmp_path / "ws.gpkg")
    win = _window(qtbot, path)
    win.tally_dialog()
    dlg = win._tally
    dlg.editor("depot").setEditText("市仓库")
    dlg.editor("item").setCurrentIndex(dlg.editor("item").findData("sandbag"))
    dlg.editor("kind").setCurrentIndex(dlg.editor("kind").findData("dispatch"))
    dlg.editor("quantity").setText("1200")
    dlg.editor("reported_at").setText("2021-07-22 12:00")
    with qtbot.waitSignal(dlg.saved) as blocker:
        assert dlg.save() is not None
    fid = blocker.args[1]
    ws = win.workspace
    assert win.undo_stack.count() == 1 and win.act_undo.isEnabled()
    assert as_of(ws).stock["市仓库"]["sandbag"] == 1800
    row = ws.feature("material_tally", fid)
    n = len(_log(path))

    win.act_undo.trigger()
    assert ws.feature("material_tally", fid) is None
    assert as_of(ws).stock["市仓库"]["sandbag"] == 3000
    log = _log(path)
    assert len(log) == n + 1
    assert (log.iloc[-1]["action"], log.iloc[-1]["feature_id"]) == ("delete", fid)
    assert log.iloc[-1]["summary"] == "撤销 物资台账: 市仓库 沙袋 调拨 1,200"

    win.act_redo.trigger()
    again = ws.feature("material_tally", fid)
    assert {k: again[k] for k in ("depot", "item", "kind", "quantity", "reported_at")} == {
        k: row[k] for k in ("depot", "item", "kind", "quantity", "reported_at")
    }
    log = _log(path)
    assert len(log) == n + 2
    assert (log.iloc[-1]["action"], log.iloc[-1]["feature_id"]) == ("insert", fid)
    win.close()


def test_a_meeting_mark_is_one_step_undone_and_redone(qtbot, tmp_path: Path) -> None:
    from floodpost.data.situation import last_meeting

    path = make_workspace(tmp_path / "ws.gpkg")
    win = _window(qtbot, path)
    ws = win.workspace
    assert last_meeting(ws) is None
    assert win.mark_meeting("第一次会商")
    mark = ws.log_entries().iloc[-1]
    assert mark["action"] == "meeting" and mark["summary"] == "第一次会商"
    at, fid = mark["at"], int(ws.log_entries().index[-1])
    assert last_meeting(ws) == at and win.act_undo.isEnabled()
    n = len(_log(path))

    win.act_undo.trigger()
    assert last_meeting(ws) is None
    log = _log(path)
    assert log.loc[fid, "action"] == "meeting"  # the log is append-only: the mark stays…
    assert len(log) == n + 1  # …and one entry withdraws it, with the whole mark
    assert (log.iloc[-1]["action"], log.iloc[-1]["target"], log.iloc[-1]["feature_id"]) == (
        "withdraw", "situation_log", fid
    )
    assert json.loads(log.iloc[-1]["before"])["summary"] == "第一次会商"
    assert ws.meetings() == []

    win.act_redo.trigger()
    assert last_meeting(ws) == at  # the same mark, at its own time
    log = _log(path)
    assert log.loc[fid, "summary"] == "第一次会商" and log.loc[fid, "action"] == "meeting"
    assert log.iloc[-1]["action"] == "restore" and log.iloc[-1]["feature_id"] == fid
    assert [m[0] for m in ws.meetings()] == [fid]
    assert len(log) == n + 2
    win.close()


def test_an_undo_the_stock_forbids_is_refused_and_told(qtbot, tmp_path: Path) -> None:
    path = make_workspace(tmp_path / "ws.gpkg", stock=0)
    win = _window(qtbot, path)
    win.tally_dialog()
    dlg = win._tally
    dlg.editor("depot").setEditText("市仓库")
    dlg.editor("quantity").setText("500")
    dlg.editor("reported_at").setText("2021-07-22 10:00")
    with qtbot.waitSignal(dlg.saved) as blocker:
        dlg.save()  # 入库 500
    stock_in = blocker.args[1]
    with Workspace.open(path) as other:  # another workstation dispatches them
        entry(other, "material_tally", material(400, "调拨", "12:00"))
    before = path.read_bytes()
    win.act_undo.trigger()
    assert win.workspace.feature("material_tally", stock_in) is not None
    assert path.read_bytes() == before
    assert win.undo_stack.count() == 0  # the step is gone, not half-undone
    assert "would fall below zero at 2021-07-22 12:00 (-400)" in win.refusal.informativeText()
    assert "would fall below zero" in win.statusBar().currentMessage()
    win.refusal.close()
    win.close()
