"""A damaged workspace: one bad feature or cell is named and left out; a bad file says what is wrong.

Each fault is made for real in a copy of the demo (a blob cut with raw
sqlite3, a lock held by another connection, a table dropped, a version
overwritten) and the commands a duty officer runs are run against it.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely

from floodpost.cli import main
from floodpost.data.store.gpkg import geopackage as gpkg
from floodpost.data.store.gpkg import read_geometry
from floodpost.data.workspace import Damage, Workspace, WorkspaceError


def raw(path: Path) -> sqlite3.Connection:
    """A plain sqlite3 connection that can write spatial tables (their R-tree triggers call ST_ functions)."""
    con = sqlite3.connect(path)
    gpkg.register_functions(con)
    return con


def cut_blob(path: Path, key: str, fid: int, keep: int | None = None, drop: int | None = None) -> None:
    con = raw(path)
    if keep is not None:
        con.execute(f'UPDATE "{key}" SET geom = substr(geom, 1, ?) WHERE fid = ?', (keep, fid))
    else:
        con.execute(f'UPDATE "{key}" SET geom = substr(geom, 1, length(geom) - ?) WHERE fid = ?', (drop, fid))
    con.commit()
    con.close()


def cli(*args: str) -> tuple[int, str, str]:
    r = subprocess.run([sys.executable, "-m", "floodpost", *args], capture_output=True, text=True, timeout=300)
    return r.returncode, r.stdout, r.stderr


@pytest.fixture
def damaged(demo_path: Path) -> Path:
    """The demo with a truncated hazard point, a truncated storage area and three bad cells."""
    cut_blob(demo_path, "hazards", 3, keep=20)
    cut_blob(demo_path, "storage_areas", 2, drop=30)
    con = raw(demo_path)
    con.execute("UPDATE hazards SET persons = '很多' WHERE fid = 5")
    con.execute("UPDATE hazards SET name = CAST(X'E9BDE9E6' AS TEXT) WHERE fid = 6")  # not UTF-8
    con.execute("UPDATE forces SET reported_at = '昨天下午' WHERE fid = 2")
    con.commit()
    con.close()
    return demo_path


# ------------------------------------------------------------------ damaged features and cells
def test_read_leaves_out_the_bad_feature_and_names_it(damaged):
    with Workspace.open(damaged) as ws:
        seen: list[Damage] = []
        ws.on_damage = seen.append
        hazards = ws.read("hazards")
        areas = ws.read("storage_areas")
        again = ws.read("hazards")  # reported once
        forces = ws.read("forces")
    assert 3 not in hazards.index and len(hazards) == 39 and len(again) == 39
    assert 2 not in areas.index and len(areas) == 4
    problems = {(d.key, d.fid, d.column): d.problem for d in seen}
    assert "cut short" in problems[("hazards", 3, None)]
    assert "cut short" in problems[("storage_areas", 2, None)]
    assert "not a whole number" in problems[("hazards", 5, "persons")]
    assert "UTF-8" in problems[("hazards", 6, "name")]
    assert "not a time" in problems[("forces", 2, "reported_at")]
    assert len(seen) == len(problems)
    assert hazards.loc[5, "persons"] is pd_na() and hazards.loc[6, "name"].startswith("\ufffd")
    assert forces.loc[2, "reported_at"] is None or forces.loc[2, "reported_at"] != forces.loc[2, "reported_at"]
    assert str(seen[0]).startswith(f"{seen[0].key} feature {seen[0].fid}")


def pd_na():
    import pandas as pd

    return pd.NA


def test_the_damaged_feature_can_still_be_found_and_deleted(damaged):
    with Workspace.open(damaged) as ws:
        rec = ws.feature("hazards", 3)
        assert rec is not None and rec["geometry"] is None and rec["name"]
        ws.delete("hazards", [3])
        assert ws.check() == [d for d in ws.damage]
    with Workspace.open(damaged) as ws:
        assert all(d.fid != 3 or d.key != "hazards" for d in ws.check())


def test_check_finds_every_fault_without_drawing(damaged):
    with Workspace.open(damaged) as ws:
        found = {(d.key, d.fid, d.column) for d in ws.check()}
    assert {("hazards", 3, None), ("storage_areas", 2, None), ("hazards", 5, "persons"),
            ("forces", 2, "reported_at")} <= found


@pytest.mark.parametrize(
    "make, why",
    [
        (lambda g: b"XX" + g[2:], "not a GeoPackage geometry"),
        (lambda g: g[:6], "cut short"),
        (lambda g: g[:40] + g[40:41] + b"\x63\x00\x00\x00" + g[45:], "unknown geometry type"),
    ],
    ids=["no-header", "header-only", "bad-type"],
)
def test_each_kind_of_bad_blob_is_named(demo_path, make, why):
    con = raw(demo_path)
    blob = con.execute("SELECT geom FROM storage_areas WHERE fid = 1").fetchone()[0]
    con.execute("UPDATE storage_areas SET geom = ? WHERE fid = 1", (make(blob),))
    con.commit()
    con.close()
    with Workspace.open(demo_path) as ws:
        frame = ws.read("storage_areas")
        assert 1 not in frame.index and len(frame) == 4
        [d] = [d for d in ws.damage if d.key == "storage_areas"]
        assert why in d.problem


def test_a_ring_that_does_not_close_is_caught_by_the_fast_parser(demo_path):
    """The numpy WKB walk would read it; GEOS would refuse it later, when identify builds the shape."""
    con = raw(demo_path)
    blob = con.execute("SELECT geom FROM storage_areas WHERE fid = 4").fetchone()[0]
    cut = bytearray(blob)
    cut[-16:] = np.array([114.0, 35.0]).tobytes()  # the ring's last point no longer repeats its first
    con.execute("UPDATE storage_areas SET geom = ? WHERE fid = 4", (bytes(cut),))
    con.commit()
    con.close()
    with Workspace.open(demo_path) as ws:
        got = ws.read_shapes("storage_areas", ["name"])
        assert got is not None
        table, shapes = got
        assert 4 not in table.index and len(shapes) == 4
        assert all(g is not None for g in shapes.geometries())  # nothing GEOS refuses is left in
        [d] = ws.damage
        assert (d.key, d.fid) == ("storage_areas", 4) and "does not close" in d.problem
    fids, shapes = read_geometry(demo_path, "storage_areas")  # the render helper's read
    assert list(fids) == [1, 2, 3, 4, 5] and shapes.types[3] == -1


def test_big_layer_path_tolerates_a_bad_feature(demo_path):
    from floodpost.layers.model import LayerList

    cut_blob(demo_path, "hazards", 3, drop=4)
    with Workspace.open(demo_path) as ws:
        layers = LayerList.from_workspace(ws, lean_above=0)  # every layer read lean, through GDAL's Arrow reader
        hazards = layers["hazards"]
        assert hazards.count == 39 and 3 not in hazards.table.index
        assert hazards.shapes is not None and len(hazards.shapes) == 39
        assert any(d.key == "hazards" and d.fid == 3 for d in ws.damage)
        assert hazards.record(3)["geometry"] is None  # identify still finds its attributes


def test_window_opens_a_damaged_workspace_and_says_what_is_wrong(qtbot, damaged):
    from floodpost.ui.mainwindow import MainWindow

    win = MainWindow()
    qtbot.addWidget(win)
    assert win.open_workspace(damaged)
    assert win.scene.layers["hazards"].count == 39
    box = win.damage_box
    assert box.isVisible() and not box.isModal()
    assert "第 3 号要素" in box.detailedText() or "feature 3" in box.detailedText()
    box.close()


@pytest.mark.parametrize("command", ["info", "snapshot", "web", "export"])
def test_commands_name_the_bad_feature_and_do_the_rest(damaged, tmp_path, command):
    args = {
        "info": ["info", str(damaged), "--json"],
        "snapshot": ["snapshot", str(damaged), "-o", str(tmp_path / "m.png"), "--size", "400x300"],
        "web": ["web", str(damaged), "-o", str(tmp_path / "m.html")],
        "export": ["export", str(damaged), "--layer", "hazards", "-o", str(tmp_path / "h.geojson")],
    }[command]
    code, out, err = cli(*args)
    assert code == 0, err
    assert "Traceback" not in err
    assert f"warning: {damaged}: hazards feature 3: the geometry is cut short" in err
    if command != "export":
        assert "storage_areas feature 2" in err
    if command == "info":
        info = json.loads(out)
        assert {(d["layer"], d["fid"]) for d in info["damaged"]} >= {("hazards", 3), ("storage_areas", 2)}
        assert info["time_span"]["end"].startswith("2021-07")  # the bad time is not the span's end
    if command == "export":
        features = json.loads((tmp_path / "h.geojson").read_text(encoding="utf-8"))["features"]
        assert len(features) == 39
        assert 3 not in {f["properties"].get("fid") for f in features}
    if command == "web":
        assert (tmp_path / "m.html").stat().st_size > 10000


# ------------------------------------------------------------------ a file that cannot be opened
def test_a_locked_workspace_says_so(demo_path, capsys):
    holder = sqlite3.connect(demo_path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        assert main(["info", str(demo_path)]) == 1
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = capsys.readouterr().err
    assert f"{demo_path} is locked by another program (database is locked); close it there or try again" in err
    assert "not a GeoPackage" not in err


@pytest.mark.parametrize("command", ["info", "snapshot", "web", "export"])
def test_a_dropped_table_is_named(demo_path, tmp_path, command):
    con = sqlite3.connect(demo_path)
    con.execute("DROP TABLE hazards")
    con.commit()
    con.close()
    args = {
        "info": ["info", str(demo_path)],
        "snapshot": ["snapshot", str(demo_path), "-o", str(tmp_path / "m.png")],
        "web": ["web", str(demo_path), "-o", str(tmp_path / "m.html")],
        "export": ["export", str(demo_path), "--layer", "rivers", "-o", str(tmp_path / "r.geojson")],
    }[command]
    code, _, err = cli(*args)
    assert code == 1
    assert err.strip().splitlines() == [
        f"floodpost {command}: error: {demo_path}: table hazards is listed in gpkg_contents but missing; "
        "the workspace is damaged — restore it from a backup "
        "(the other layers can still be copied out with QGIS or ogr2ogr)"
    ]
    assert "UNIQUE constraint" not in err


@pytest.mark.parametrize("command", ["info", "snapshot"])
def test_an_unknown_schema_version_is_named(demo_path, tmp_path, command):
    con = sqlite3.connect(demo_path)
    con.execute("UPDATE floodpost_meta SET value = 'x' WHERE key = 'schema_version'")
    con.commit()
    con.close()
    args = ["info", str(demo_path)] if command == "info" else ["snapshot", str(demo_path), "-o", str(tmp_path / "m.png")]
    code, _, err = cli(*args)
    assert code == 1
    assert err.strip() == f"floodpost {command}: error: {demo_path}: unknown FloodPost schema version 'x'"


def test_window_refuses_a_dropped_table_with_the_reason(qtbot, demo_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    from floodpost.ui.mainwindow import MainWindow

    con = sqlite3.connect(demo_path)
    con.execute("DROP TABLE forces")
    con.commit()
    con.close()
    said: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: said.append(text))
    win = MainWindow()
    qtbot.addWidget(win)
    assert not win.open_workspace(demo_path)
    assert "table forces is listed in gpkg_contents but missing" in said[0]


def test_writes_still_work_around_a_damaged_feature(damaged):
    with Workspace.open(damaged) as ws:
        [fid] = ws.insert("hazards", [{"name": "新点", "hazard_type": "滑坡", "geometry": shapely.Point(114.1, 35.8)}])
        ws.update("hazards", fid, {"persons": 12})
        assert ws.read("hazards").loc[fid, "persons"] == 12
    with pytest.raises(WorkspaceError):
        Workspace.open(damaged.with_suffix(".missing"))


# ------------------------------------------------------------------ kill -9 and a second writer, on the new paths
PAUSE_IN = """
import sys, time
from floodpost.data.store.gpkg import geopackage as gpkg
from floodpost.data.workspace import Workspace
target = getattr(gpkg, sys.argv[2])
def paused(*args, **kwargs):
    target(*args, **kwargs)
    print("inside", flush=True)
    time.sleep(60)  # the parent kills us here, inside the transaction
setattr(gpkg, sys.argv[2], paused)
if sys.argv[3] == "open":
    Workspace.open(sys.argv[1])
else:
    import shapely
    ws = Workspace.open(sys.argv[1])
    ws.insert("hazards", [{"name": f"p{i}", "hazard_type": "landslide", "geometry": shapely.Point(114 + i / 1e5, 35.9)}
                          for i in range(5000)])
"""


def kill_inside(path: Path, function: str, what: str) -> None:
    proc = subprocess.Popen([sys.executable, "-c", PAUSE_IN, str(path), function, what],
                            stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "inside"
    finally:
        proc.kill()
        proc.wait()


def test_killed_during_the_upgrade_the_file_stays_old_and_upgrades_next_time(tmp_path):
    from test_gpkg_exchange import assert_index_matches, make_schema_1

    path = tmp_path / "old.gpkg"
    make_schema_1(path)
    kill_inside(path, "create_rtree", "open")
    con = sqlite3.connect(path)
    assert con.execute("SELECT value FROM floodpost_meta").fetchone() == ("1",)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    con.close()
    with Workspace.open(path) as ws:
        assert ws.schema_version == 5
        assert (ws.log_entries()["action"] == "migrate").sum() == 1
        assert set(ws.read("reservoirs").geometry.geom_type) == {"Point"}
    assert_index_matches(path)


def test_killed_during_a_packed_index_build_nothing_is_half_written(tmp_path):
    from test_gpkg_exchange import assert_index_matches

    path = tmp_path / "k.gpkg"
    Workspace.create(path).close()
    kill_inside(path, "pack_rtree", "insert")
    with Workspace.open(path) as ws:
        assert ws.count("hazards") == 0
        assert list(ws.log_entries()["action"]) == ["create"]
    assert_index_matches(path)


WRITER = """
import sys, shapely
from floodpost.data.workspace import Workspace
ws = Workspace.open(sys.argv[1])
k = int(sys.argv[2])
for round in range(3):
    ws.insert("hazards", [{"name": f"w{k}-{round}-{i}", "hazard_type": "landslide",
                           "geometry": shapely.Point(114 + k / 10 + i / 1e5, 35.5 + round / 10)} for i in range(2500)])
    ws.insert("hazards", [{"name": f"w{k}-{round}", "hazard_type": "collapse", "geometry": shapely.Point(114.5, 35.6)}])
"""


def test_two_writers_at_once_keep_the_index_whole(tmp_path):
    from test_gpkg_exchange import assert_index_matches

    path = tmp_path / "c.gpkg"
    Workspace.create(path).close()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(path), str(k)]) for k in (1, 2)]
    assert [p.wait(timeout=300) for p in procs] == [0, 0]
    with Workspace.open(path) as ws:
        assert ws.count("hazards") == 2 * 3 * 2501
    assert_index_matches(path)


def test_gdal_is_not_asked_to_read_inside_our_transaction(demo_path):
    """GDAL's own SQLite would release this process's locks on the file when it closes it."""
    with Workspace.open(demo_path) as ws:
        assert ws.read_shapes("hazards", ["name"]) is not None
        with ws.transaction():
            assert ws.read_shapes("hazards", ["name"]) is None  # the caller reads through sqlite instead
            probe = subprocess.run(
                [sys.executable, "-c",
                 "import sqlite3, sys\n"
                 "o = sqlite3.connect(sys.argv[1], timeout=0.2, isolation_level=None)\n"
                 "try:\n    o.execute('BEGIN IMMEDIATE'); print('got it')\n"
                 "except sqlite3.OperationalError as e:\n    print(e)\n", str(demo_path)],
                capture_output=True, text=True, timeout=60,
            )
            assert probe.stdout.strip() == "database is locked"  # still ours


def test_info_checks_the_layers_and_with_check_every_table(damaged):
    """A season's records take a second to scan: ``info`` checks the layers, ``info --check`` everything."""
    con = raw(damaged)
    con.execute("UPDATE material_tally SET quantity = '一千' WHERE fid = 4")
    con.commit()
    con.close()
    code, out, _ = cli("info", str(damaged), "--json")
    assert code == 0
    plain = {(d["layer"], d["fid"]) for d in json.loads(out)["damaged"]}
    code, out, _ = cli("info", str(damaged), "--json", "--check")
    assert code == 0
    full = {(d["layer"], d["fid"]) for d in json.loads(out)["damaged"]}
    assert ("hazards", 3) in plain and ("material_tally", 4) not in plain
    assert ("material_tally", 4) in full and plain < full
