"""Which rows the log's new entries name (floodpost.data.changes), on the GeoPackage back end."""

from __future__ import annotations

import shapely

from floodpost.data.changes import ROW_LIMIT, read_changes
from floodpost.data.timeutil import now_storage
from floodpost.data.workspace import Workspace


def test_the_rows_the_log_names_are_read_and_the_gone_ones_said(demo_path):
    with Workspace.open(demo_path) as ws:
        start = ws.log_max_fid()
        assert read_changes(ws, start).empty
        fids = ws.insert("hazards", [{"name": f"点{i}", "hazard_type": "landslide",
                                      "geometry": shapely.Point(114.1 + i / 100, 35.8)} for i in range(3)])
        one = ws.insert("works", [{"place": "大堤", "sandbags": 10, "reported_at": now_storage()}])[0]
        victim = int(ws.read("shelters").index[0])
        ws.update("shelters", victim, {"occupancy": 5})
        ws.delete_rows("hazards", fids[:2], summary="撤销")
        ws.record_meeting("会商")
        got = read_changes(ws, start)
        assert got.log_fid == ws.log_max_fid() and got.entries == 5 and got.meeting
        assert list(got.rows["hazards"].index) == [fids[2]] and got.gone["hazards"] == set(fids[:2])
        assert list(got.rows["works"].index) == [one] and "geometry" not in got.rows["works"]
        assert got.rows["shelters"].loc[victim, "occupancy"] == 5
        assert not got.full
        again = read_changes(ws, got.log_fid)
        assert again.empty and again.log_fid == got.log_fid


def test_a_big_import_is_read_whole(demo_path):
    with Workspace.open(demo_path) as ws:
        start = ws.log_max_fid()
        ws.insert("works", [{"place": f"堤{i}", "sandbags": 1, "reported_at": now_storage()} for i in range(ROW_LIMIT + 1)])
        got = read_changes(ws, start)
        assert got.full == {"works"} and "works" not in got.rows
