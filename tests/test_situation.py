"""The as-of engine against hand-computed figures, late and corrected reports included."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import shapely

from floodpost.cli import main
from floodpost.data.situation import as_of, delta, report
from floodpost.data.workspace import Workspace
from tests.conftest import direct_sql

DAY = "2021-07-22T"


def evac(area: str, hour: str, transferred: int, sheltered: int = 0) -> dict:
    return {"area": area, "area_kind": "storage_area", "planned_persons": 1000,
            "transferred_persons": transferred, "sheltered_persons": sheltered,
            "reported_at": DAY + hour}


@pytest.fixture
def ws_path(ws_location: Path) -> Path:
    path = ws_location
    with Workspace.create(path) as ws:
        ws.insert("evacuation", [evac("良相坡", "08:00", 100), evac("良相坡", "20:00", 300, 120),
                                 evac("共渠西", "10:00", 50)])
        # Entered later: a late report about 14:00 and a correction of the 20:00 report.
        ws.insert("evacuation", [evac("良相坡", "14:00", 200)])
        ws.insert("evacuation", [evac("良相坡", "20:00", 350, 150)])
        ws.insert("works", [{"place": "卫河堤防", "sandbags": 1000, "dike_m": 200, "reported_at": DAY + "10:00"},
                            {"place": "卫河堤防", "sandbags": 2000, "dike_m": 50.5, "reported_at": DAY + "18:00"}])
        ws.insert("material_tally", [
            {"depot": "市仓库", "item": "沙袋", "quantity": 5000, "kind": "入库", "reported_at": DAY + "08:00"},
            {"depot": "市仓库", "item": "沙袋", "quantity": 2000, "kind": "调拨", "reported_at": DAY + "10:00"},
            {"depot": "市仓库", "item": "沙袋", "quantity": 500, "kind": "消耗", "reported_at": DAY + "16:00"},
        ])
        point = shapely.Point(114.5, 35.6)
        fids = ws.insert("forces", [
            {"name": "消防大队", "category": "fire", "personnel": 100, "status": "on_duty",
             "reported_at": DAY + "09:00", "geometry": point},
            {"name": "舟桥分队", "category": "army", "personnel": 200, "boats": 30, "status": "mobile",
             "reported_at": DAY + "13:00", "geometry": point},
        ])
        ws.update("forces", fids[0], {"status": "withdrawn"})  # logged now, after every report
    return path


def test_evacuation_latest_report_per_area(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        at = {h: as_of(ws, DAY + h).totals()["evacuation"]["persons"]["transferred"] for h in ("07:00", "12:00", "15:00", "21:00")}
        by_area = as_of(ws, DAY + "21:00").totals()["evacuation"]["by_area"]
    assert at == {"07:00": 0, "12:00": 150, "15:00": 250, "21:00": 400}
    assert by_area["良相坡"]["transferred"] == 350 and by_area["良相坡"]["sheltered"] == 150


def test_works_materials_and_stock(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        noon, evening = as_of(ws, DAY + "12:00"), as_of(ws, DAY + "19:00")
    assert noon.totals()["works"] == {"dike_m": 200, "sandbags": 1000, "earth_m3": 0, "rescued": 0}
    assert evening.totals()["works"]["dike_m"] == 250.5
    assert noon.totals()["materials"]["dispatch"] == {"sandbag": 2000}
    assert noon.stock == {"市仓库": {"sandbag": 3000}}
    assert evening.stock == {"市仓库": {"sandbag": 2500}}
    assert evening.totals()["materials"]["consumed"] == {"sandbag": 500}


def test_forces_by_report_time_and_status_as_it_was(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        morning = as_of(ws, DAY + "10:00").totals()["forces"]
        afternoon = as_of(ws, DAY + "14:00").totals()["forces"]
        now = as_of(ws).totals()["forces"]
    assert (morning["teams"], morning["personnel"]) == (1, 100)
    assert (afternoon["teams"], afternoon["personnel"], afternoon["boats"]) == (2, 300, 30)
    assert afternoon["by_category"] == {"fire": {"teams": 1, "personnel": 100}, "army": {"teams": 1, "personnel": 200}}
    assert (now["teams"], now["personnel"]) == (1, 200)  # the fire team has withdrawn since


def test_delta_and_meeting(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        d = delta(as_of(ws, DAY + "12:00").totals(), as_of(ws, DAY + "21:00").totals())
        assert d["evacuation"]["persons"]["transferred"] == 250
        assert d["works"]["sandbags"] == 2000
        assert "since_last_meeting" not in report(ws)
        ws.record_meeting("第3次会商")
        out = report(ws)
    assert out["since_last_meeting"]["delta"]["evacuation"]["persons"]["transferred"] == 0


def test_the_change_since_a_meeting_worked_out_ahead_follows_the_records(ws_path: Path) -> None:
    """The meetings' totals kept (and worked out ahead by the window's worker) are those of the records
    now: a late report from before a meeting changes what changed since it."""
    from floodpost.data.situation import _without_areas, since_meeting, warm_up
    from floodpost.data.timeutil import to_storage

    def change(ws: Workspace, at: str) -> tuple[str | None, dict | None]:
        return since_meeting(ws, as_of(ws, at))

    def by_hand(ws: Workspace, at: str, meeting: str) -> dict:
        return delta(_without_areas(as_of(ws, meeting).totals()), _without_areas(as_of(ws, at).totals()))

    with Workspace.open(ws_path) as ws:
        ws.record_meeting("第1次会商", at=DAY + "09:00")
        ws.record_meeting("第2次会商", at=DAY + "15:00")
        assert len(list(warm_up(ws))) >= 2
        meeting, got = change(ws, DAY + "21:00")
        assert meeting == to_storage(DAY + "15:00")
        assert got == by_hand(ws, DAY + "21:00", meeting)
        assert got["evacuation"]["persons"]["transferred"] == 150  # 250 at the meeting, 400 at 21:00
        # a report from 12:00 entered late: the 15:00 meeting's own figures change
        ws.insert("evacuation", [evac("共渠西", "12:00", 80)])
        meeting, got = change(ws, DAY + "21:00")
        assert got == by_hand(ws, DAY + "21:00", meeting)
        assert got["evacuation"]["persons"]["transferred"] == 150
        assert as_of(ws, meeting).totals()["evacuation"]["persons"]["transferred"] == 280
        meeting, got = change(ws, DAY + "12:00")
        assert meeting == to_storage(DAY + "09:00") and got == by_hand(ws, DAY + "12:00", meeting)


def test_info_json_at_two_times_only_grows_with_records(demo_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def info(at: str) -> dict:
        assert main(["info", str(demo_path), "--json", "--at", at]) == 0
        return json.loads(capsys.readouterr().out)

    early, late = info("2021-07-22T12:00"), info("2021-07-24T12:00")
    assert early["time_span"]["start"].startswith("2021-07-17")  # the first gauge bulletins
    assert early["at"] == "2021-07-22T12:00:00+08:00"
    e, lt = early["totals"]["evacuation"]["persons"], late["totals"]["evacuation"]["persons"]
    assert lt["transferred"] > e["transferred"] > 0
    assert late["totals"]["works"]["sandbags"] > early["totals"]["works"]["sandbags"]
    assert late["totals"]["forces"]["personnel"] >= early["totals"]["forces"]["personnel"]
    with Workspace.open(demo_path) as ws:
        rows = ws.read("evacuation")
    # Hand check: the latest report per area at or before the time, summed.
    cut = "2021-07-24T04:00:00.000Z"
    latest = rows[rows["reported_at"] <= cut].sort_values(["reported_at"]).groupby("area").tail(1)
    assert lt["transferred"] == int(latest["transferred_persons"].sum())
    assert main(["info", str(demo_path), "--at", "tomorrow"]) == 1


def test_situation_is_read_again_after_any_write(ws_path: Path) -> None:
    """The records are kept between calls, but never past a write (ours or another process's)."""
    with Workspace.open(ws_path) as ws:
        first = as_of(ws, DAY + "23:00")
        assert as_of(ws, DAY + "23:00").evacuation == first.evacuation
        ws.insert("evacuation", [evac("共渠西", "21:00", 80)])
        assert as_of(ws, DAY + "23:00").evacuation["共渠西"]["transferred_persons"] == 80
        # another process's write, straight into the table
        direct_sql(ws_path, "UPDATE evacuation SET transferred_persons = 90 WHERE transferred_persons = 80")
        assert as_of(ws, DAY + "23:00").evacuation["共渠西"]["transferred_persons"] == 90
        areas_before = as_of(ws).storage_status
        ws.insert("storage_areas", [{"name": "崔家桥", "status": "standby",
                                     "geometry": shapely.Point(114.3, 35.5).buffer(0.01)}])
        assert as_of(ws).storage_status == {**areas_before, "崔家桥": "standby"}


def test_storage_area_status_as_it_was_before_later_edits(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        square = shapely.Point(114.3, 35.5).buffer(0.01)
        a, _ = ws.insert("storage_areas", [{"name": "良相坡", "status": "standby", "geometry": square},
                                           {"name": "共渠西", "status": "standby", "geometry": square}])
        ws.update("storage_areas", a, {"status": "evacuating"})
        ws.update("storage_areas", a, {"status": "flooding"})
        assert as_of(ws).storage_status == {"良相坡": "flooding", "共渠西": "standby"}
        # both edits were logged after 2021: then, the area was as first entered
        assert as_of(ws, DAY + "12:00").storage_status == {"良相坡": "standby", "共渠西": "standby"}


def test_a_shared_storage_area_name_shows_the_last_areas_status_as_it_was(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        square = shapely.Point(114.3, 35.5).buffer(0.01)
        first, last = ws.insert("storage_areas", [{"name": "良相坡", "status": "standby", "geometry": square},
                                                  {"name": "良相坡", "status": "ordered", "geometry": square}])
        ws.update("storage_areas", first, {"status": "flooding"})  # the hidden one: the name still shows the last
        assert as_of(ws).storage_status == {"良相坡": "ordered"}
        assert as_of(ws, DAY + "12:00").storage_status == {"良相坡": "ordered"}
        ws.update("storage_areas", last, {"status": "evacuating"})
        assert as_of(ws).storage_status == {"良相坡": "evacuating"}
        assert as_of(ws, DAY + "12:00").storage_status == {"良相坡": "ordered"}


def test_a_moments_area_records_are_made_when_read(demo_master: Path) -> None:
    """A moment's latest report per area is read as a mapping: a few records read alone make only
    those (a slider step reads the storage areas' bars of a thousand areas), and reading them all
    gives the same records as reading them one by one, in the areas' order."""
    from floodpost.data import situation

    with Workspace.open(demo_master) as ws:
        times = situation.report_times(ws)
        sit = as_of(ws, times[len(times) // 2])
        fold = situation.engine(ws).evacuation
        fold._dicts.clear()
        areas = list(sit.evacuation)
        assert len(areas) > 3 and len(sit.evacuation) == len(areas) and areas[0] in sit.evacuation
        first = sit.evacuation[areas[0]]
        assert first["area"] == areas[0] and len(fold._dicts) == 1  # only that one made
        assert sit.evacuation.get("no such area") is None
        alone = {a: dict(sit.evacuation[a]) for a in areas}
        together = as_of(ws, times[len(times) // 2]).evacuation
        fold._dicts.clear()
        assert list(together.items()) == list(alone.items()) and together == alone
        assert all(r["reported_at"] <= times[len(times) // 2] for r in alone.values())
