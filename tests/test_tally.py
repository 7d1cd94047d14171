"""Tally entry rules against hand-made workspaces: refused, warned, written."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely

from floodpost.data.schema.validate import ValidationError
from floodpost.data.situation.tally import (
    Issue,
    TallyRejected,
    check_entry,
    describe,
    entry,
    read_time,
)
from floodpost.data.workspace import Workspace
from tests.conftest import fingerprint

DAY = "2021-07-22T"


def material(quantity: float, kind: str, hour: str, depot: str = "市仓库", item: str = "沙袋") -> dict:
    return {"depot": depot, "item": item, "quantity": quantity, "kind": kind, "reported_at": DAY + hour}


def evac(hour: str, **figures: int) -> dict:
    return {"area": "良相坡", "area_kind": "storage_area", "reported_at": DAY + hour, **figures}


@pytest.fixture
def ws_path(ws_location: Path) -> Path:
    path = ws_location
    with Workspace.create(path) as ws:
        ws.insert("depots", [{"name": "市仓库", "kind": "warehouse", "geometry": shapely.Point(114.3, 35.7)}])
        ws.insert("material_tally", [material(3000, "入库", "08:00")])
        ws.insert("evacuation", [evac("18:00", planned_persons=1000, notified_persons=900,
                                      transferred_persons=800, sheltered_persons=500,
                                      planned_households=300, transferred_households=240)])
    return path


@pytest.fixture
def ws(ws_path: Path):
    with Workspace.open(ws_path) as w:
        yield w


def errors(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.level == "error"]


def warnings_(issues: list[Issue]) -> list[Issue]:
    return [i for i in issues if i.level == "warning"]


# ------------------------------------------------------------------ materials
def test_dispatch_beyond_stock_is_refused_and_nothing_written(ws_path: Path) -> None:
    before = fingerprint(ws_path)
    with Workspace.open(ws_path) as ws:
        issues = check_entry(ws, "material_tally", material(5000, "调拨", "12:00"))
        assert [(i.level, i.field) for i in issues] == [("error", "quantity")]
        msg = issues[0].message
        assert str(msg) == "stock of 沙袋 at 市仓库 would fall below zero (on hand 3,000, taking 5,000)"
        assert msg.template.startswith("stock of {item} at {depot}")
        assert msg.values["on_hand"] == "3,000"
        with pytest.raises(TallyRejected) as exc:
            entry(ws, "material_tally", material(5000, "调拨", "12:00"))
        assert isinstance(exc.value, ValidationError)
        assert exc.value.column == "quantity"
        assert "would fall below zero" in str(exc.value)
    assert fingerprint(ws_path) == before


def test_consumption_counts_like_a_dispatch(ws: Workspace) -> None:
    assert errors(check_entry(ws, "material_tally", material(3001, "消耗", "12:00")))
    assert check_entry(ws, "material_tally", material(3000, "消耗", "12:00")) == []


def test_late_stock_in_before_the_dispatch_makes_it_valid(ws: Workspace) -> None:
    assert errors(check_entry(ws, "material_tally", material(5000, "调拨", "12:00")))
    # The 10:00 delivery is typed in after the fact; it counts at 10:00.
    entry(ws, "material_tally", material(2000, "入库", "10:00"))
    assert check_entry(ws, "material_tally", material(5000, "调拨", "12:00")) == []
    fid = entry(ws, "material_tally", material(5000, "调拨", "12:00"))
    row = ws.feature("material_tally", fid)
    assert row["kind"] == "dispatch" and row["quantity"] == 5000


def test_stock_in_after_the_dispatch_does_not_help(ws: Workspace) -> None:
    entry(ws, "material_tally", material(2000, "入库", "14:00"))
    assert errors(check_entry(ws, "material_tally", material(5000, "调拨", "12:00")))


def test_late_dispatch_may_not_empty_the_depot_under_a_later_one(ws: Workspace) -> None:
    entry(ws, "material_tally", material(2500, "调拨", "14:00"))
    issues = check_entry(ws, "material_tally", material(1000, "调拨", "10:00"))
    assert [(i.level, i.field) for i in issues] == [("error", "quantity")]
    assert issues[0].message.values["time"] == "14:00"
    assert check_entry(ws, "material_tally", material(500, "调拨", "10:00")) == []


def test_stock_is_per_depot_and_item(ws: Workspace) -> None:
    assert errors(check_entry(ws, "material_tally", material(10, "调拨", "12:00", item="救生衣")))
    issues = check_entry(ws, "material_tally", material(10, "调拨", "12:00", depot="淇县前置点"))
    assert [(i.level, i.field) for i in issues] == [("warning", "depot"), ("error", "quantity")]


def test_unknown_depot_warns_known_ones_do_not(ws: Workspace) -> None:
    issues = check_entry(ws, "material_tally", material(100, "入库", "12:00", depot="新仓库"))
    assert [(i.level, i.field) for i in issues] == [("warning", "depot")]
    with pytest.raises(TallyRejected):
        entry(ws, "material_tally", material(100, "入库", "12:00", depot="新仓库"))
    entry(ws, "material_tally", material(100, "入库", "12:00", depot="新仓库"), accept_warnings=True)
    # Seen in the tally now: no longer unknown.
    assert check_entry(ws, "material_tally", material(50, "调拨", "13:00", depot="新仓库")) == []


# ------------------------------------------------------------------ evacuation
def test_returned_above_transferred_is_refused(ws_path: Path) -> None:
    before = fingerprint(ws_path)
    rec = evac("20:00", planned_persons=1000, notified_persons=900, transferred_persons=800,
               sheltered_persons=500, returned_persons=850)
    with Workspace.open(ws_path) as ws:
        issues = check_entry(ws, "evacuation", rec)
        assert [(i.level, i.field) for i in errors(issues)] == [("error", "returned_persons")]
        assert str(errors(issues)[0].message) == "more returned than transferred (850 > 800)"
        with pytest.raises(TallyRejected):
            entry(ws, "evacuation", rec, accept_warnings=True)
    assert fingerprint(ws_path) == before


@pytest.mark.parametrize(
    ("figures", "field"),
    [
        ({"transferred_persons": 800, "sheltered_persons": 900}, "sheltered_persons"),
        ({"notified_persons": 900, "transferred_persons": 950}, "transferred_persons"),
        ({"transferred_households": 10, "returned_households": 11}, "returned_households"),
    ],
)
def test_funnel_errors(ws: Workspace, figures: dict, field: str) -> None:
    issues = check_entry(ws, "evacuation", evac("20:00", planned_persons=2000, **figures))
    assert [i.field for i in errors(issues)] == [field]


def test_more_transferred_than_planned_warns_and_can_be_accepted(ws: Workspace) -> None:
    rec = evac("20:00", planned_persons=1000, notified_persons=1200, transferred_persons=1100,
               sheltered_persons=500, planned_households=300, transferred_households=240)
    issues = check_entry(ws, "evacuation", rec)
    assert [(i.level, i.field) for i in issues] == [("warning", "transferred_persons")]
    assert str(issues[0].message) == "more transferred than planned (1,100 > 1,000)"
    n = ws.count("evacuation")
    with pytest.raises(TallyRejected) as exc:
        entry(ws, "evacuation", rec)
    assert [i.level for i in exc.value.issues] == ["warning"]
    assert ws.count("evacuation") == n
    fid = entry(ws, "evacuation", rec, accept_warnings=True, operator="值班员张")
    assert ws.feature("evacuation", fid)["transferred_persons"] == 1100
    log = ws.log_entries().iloc[-1]
    assert log["action"] == "insert" and log["feature_id"] == fid and log["operator"] == "值班员张"
    assert ws.count("evacuation") == n + 1


def test_lowered_figure_warns_against_the_earlier_report(ws: Workspace) -> None:
    rec = evac("20:00", planned_persons=1000, notified_persons=900, transferred_persons=700,
               sheltered_persons=500, planned_households=300, transferred_households=240)
    issues = check_entry(ws, "evacuation", rec)
    assert [(i.level, i.field) for i in issues] == [("warning", "transferred_persons")]
    assert str(issues[0].message) == "lower than the 18:00 report (800 then, 700 now)"
    assert issues[0].describe("evacuation") == (
        "Transferred persons: lower than the 18:00 report (800 then, 700 now)"
    )


def test_a_correction_at_the_same_time_is_not_lowered(ws: Workspace) -> None:
    rec = evac("18:00", planned_persons=1000, notified_persons=900, transferred_persons=700,
               sheltered_persons=500, planned_households=300, transferred_households=240)
    assert check_entry(ws, "evacuation", rec) == []


def test_blanked_figure_warns(ws: Workspace) -> None:
    rec = evac("20:00", planned_persons=1000, notified_persons=900, transferred_persons=800,
               planned_households=300, transferred_households=240)
    issues = check_entry(ws, "evacuation", rec)
    assert [(i.level, i.field) for i in issues] == [("warning", "sheltered_persons")]
    assert issues[0].message.template.startswith("left blank")


def test_late_report_above_the_next_one_warns(ws: Workspace) -> None:
    rec = evac("12:00", planned_persons=1000, notified_persons=900, transferred_persons=850,
               sheltered_persons=400, planned_households=300, transferred_households=200)
    issues = check_entry(ws, "evacuation", rec)
    assert [(i.level, i.field) for i in issues] == [("warning", "transferred_persons")]
    assert issues[0].message.values["time"] == "18:00"


def test_a_report_on_another_day_names_the_date(ws: Workspace) -> None:
    rec = {**evac("20:00", transferred_persons=700), "reported_at": "2021-07-23T08:00"}
    lowered = [i for i in check_entry(ws, "evacuation", rec) if i.field == "transferred_persons"]
    assert lowered[0].message.values["time"] == "2021-07-22 18:00"


# ------------------------------------------------------------------ works and schema
def test_a_million_sandbags_warns(ws: Workspace) -> None:
    rec = {"place": "卫河堤防", "sandbags": 2_000_000, "reported_at": DAY + "10:00"}
    issues = check_entry(ws, "works", rec)
    assert [(i.level, i.field) for i in issues] == [("warning", "sandbags")]
    assert check_entry(ws, "works", {**rec, "sandbags": 40_000}) == []
    fid = entry(ws, "works", rec, accept_warnings=True)
    assert ws.feature("works", fid)["sandbags"] == 2_000_000


def test_schema_errors_come_back_per_field(ws: Workspace) -> None:
    issues = check_entry(ws, "works", {"place": "", "sandbags": -5, "earth_m3": "abc",
                                       "reported_at": DAY + "10:00"})
    assert [(i.level, i.field) for i in issues] == [
        ("error", "place"), ("error", "sandbags"), ("error", "earth_m3")
    ]
    assert str(issues[1].message) == "must not be below 0"
    with pytest.raises(TallyRejected):
        entry(ws, "works", {"place": "x", "reported_at": "soon"})


def test_future_time_warns(ws: Workspace) -> None:
    rec = {"place": "卫河堤防", "sandbags": 100, "reported_at": DAY + "10:00"}
    issues = check_entry(ws, "works", rec, now=DAY + "08:00")
    assert [(i.level, i.field) for i in issues] == [("warning", "reported_at")]
    assert check_entry(ws, "works", rec, now=DAY + "09:50") == []


def test_entry_writes_one_log_entry(ws: Workspace) -> None:
    logs = len(ws.log_entries())
    fid = entry(ws, "material_tally", material(1200, "调拨", "12:00"))
    log = ws.log_entries()
    assert len(log) == logs + 1
    assert log.iloc[-1]["summary"] == "物资台账: 市仓库 沙袋 调拨 1,200"
    assert log.iloc[-1]["feature_id"] == fid


def test_entry_refuses_other_tables(ws: Workspace) -> None:
    with pytest.raises(ValueError, match="tally entry writes"):
        entry(ws, "hazards", {"name": "x"})


def test_describe() -> None:
    rec = {"depot": "市仓库", "item": "sandbag", "kind": "dispatch", "quantity": 40000.0}
    assert describe("material_tally", rec) == "市仓库 沙袋 调拨 40,000"
    assert describe("material_tally", rec, "en") == "市仓库 Sandbags Dispatch 40,000"
    assert describe("evacuation", {"area": "良相坡", "transferred_persons": 16800}) == "良相坡 已转移 16,800 人"
    assert describe("works", {"place": "卫河", "dike_m": 200.0, "sandbags": 3000}) == (
        "卫河 加固堤防 200 m 投放沙袋 3,000 袋"
    )


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        ("2021-07-22 18:00", "2021-07-22T10:00:00.000Z"),
        ("2021-07-22T18:00", "2021-07-22T10:00:00.000Z"),
        ("2021-07-22T10:00Z", "2021-07-22T10:00:00.000Z"),
        ("2021年7月22日18时", "2021-07-22T10:00:00.000Z"),
        ("7月22日18时30分", "2021-07-22T10:30:00.000Z"),
        ("7月22日 18:30", "2021-07-22T10:30:00.000Z"),
        ("12月31日8时", "2020-12-31T00:00:00.000Z"),  # last year's: reports are about the past
        ("7月24日8时", "2021-07-24T00:00:00.000Z"),  # a day ahead: a wrong clock, not last year
        ("8:30", "2021-07-23T00:30:00.000Z"),
        ("18:00", "2021-07-22T10:00:00.000Z"),  # the night sheet typed in the morning
        ("１８：３０", "2021-07-22T10:30:00.000Z"),
        ("9时", "2021-07-23T01:00:00.000Z"),
        ("9时10分", "2021-07-23T01:10:00.000Z"),  # within the slack of a fast clock
    ],
)
def test_read_time(text: str, stored: str) -> None:
    assert read_time(text, now="2021-07-23T09:00") == stored


@pytest.mark.parametrize("text", ["", "tomorrow", "13月1日", "25:00"])
def test_read_time_refuses(text: str) -> None:
    with pytest.raises(ValueError):
        read_time(text, now="2021-07-23T09:00")
