"""Workspace storage: schema round trip, one transaction per action, the situation log."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys

import pytest
import shapely

from floodpost.data.schema import ALL, LAYERS, TABLES
from floodpost.data.schema.validate import ValidationError
from floodpost.data.store.gpkg import store as wsmod
from floodpost.data.workspace import Workspace, WorkspaceError
from tests.conftest import fingerprint

SAMPLES = {
    "storage_areas": {"name": "良相坡", "status": "启用", "persons": 31000, "area_km2": 98.5,
                      "geometry": shapely.box(114.3, 35.6, 114.4, 35.65)},
    "rivers": {"name": "卫河", "grade": "main", "warning_level": 62.5,
               "geometry": shapely.LineString([(114.3, 35.5), (114.6, 35.8)])},
    "reservoirs": {"name": "盘石头水库", "scale": "大型", "capacity": 60800,
                   "admin_person": "张三", "admin_phone": "0392-5550001",
                   "geometry": shapely.Point(114.07, 35.83)},
    "hazards": {"name": "东山滑坡", "hazard_type": "Landslide", "persons": 97,
                "resp_person": "李四", "resp_phone": "13903920001", "geometry": shapely.Point(114.1, 35.9)},
    "waterlogging": {"name": "九州路下穿", "kind": "underpass", "max_depth": 1.2,
                     "geometry": shapely.Point(114.29, 35.74)},
    "forces": {"name": "消防救援支队", "category": "fire", "status": "on_duty", "personnel": 120,
               "reported_at": "2021-07-22 08:00", "geometry": shapely.Point(114.55, 35.67)},
    "depots": {"name": "市防汛物资仓库", "kind": "warehouse", "geometry": shapely.Point(114.29, 35.75)},
    "shelters": {"name": "新镇中学", "capacity": 2000, "occupancy": 850, "geometry": shapely.Point(114.5, 35.5)},
    "material_tally": {"depot": "市防汛物资仓库", "item": "沙袋", "quantity": 40000, "kind": "dispatch",
                       "reported_at": "2021-07-22T10:00:00+08:00"},
    "evacuation": {"area": "良相坡", "area_kind": "storage_area", "planned_persons": 31000,
                   "transferred_persons": 16800, "reported_at": "2021-07-23 18:00"},
    "works": {"place": "卫河左堤", "dike_m": 1200.0, "sandbags": 50000, "reported_at": "2021-07-23 12:00"},
}


@pytest.fixture
def ws(ws_location):
    """A new workspace of each back end (the storage contract is the same)."""
    w = Workspace.create(ws_location)
    yield w
    w.close()


@pytest.fixture
def gpkg_ws(tmp_path):
    """A new GeoPackage workspace, for what only a file has (GDAL reads it, its bytes)."""
    w = Workspace.create(tmp_path / "w.gpkg")
    yield w
    w.close()


def test_every_key_round_trips(ws):
    for key, rec in SAMPLES.items():
        [fid] = ws.insert(key, [rec], operator="值班员")
        back = ws.feature(key, fid)
        for name, value in rec.items():
            if name == "geometry":
                geom = value if value.geom_type == "Point" else shapely.multipolygons([value]) if value.geom_type == "Polygon" else shapely.multilinestrings([value])
                assert back["geometry"].equals(geom), key
            elif name == "reported_at":
                assert back[name].endswith("Z")
            elif ALL[key].field(name).type == "enum":
                assert ALL[key].field(name).choice(back[name]) is not None, (key, name, back[name])
            else:
                assert back[name] == value, (key, name)
    ws.close()
    again = Workspace.open(ws.location)
    assert again.keys() == list(ALL)
    assert all(again.count(k) == 1 for k in SAMPLES)
    # enums stored as stable codes, whichever language they were typed in
    assert again.feature("hazards", 1)["hazard_type"] == "landslide"
    assert again.feature("storage_areas", 1)["status"] == "ordered"
    assert again.read("hazards").crs.to_epsg() == 4490
    again.close()


def test_gdal_sees_every_layer(gpkg_ws):
    ws = gpkg_ws
    pyogrio = pytest.importorskip("pyogrio")
    ws.insert("hazards", [SAMPLES["hazards"]])
    names = {row[0] for row in pyogrio.list_layers(ws.path)}
    assert set(LAYERS) | set(TABLES) <= names
    frame = pyogrio.read_dataframe(ws.path, layer="hazards")
    assert frame.loc[0, "name"] == "东山滑坡" and frame.crs.to_epsg() == 4490


def test_every_write_is_logged_with_before_and_after(ws):
    [fid] = ws.insert("hazards", [SAMPLES["hazards"]], operator="王五")
    ws.update("hazards", fid, {"persons": 120}, operator="王五")
    ws.delete("hazards", [fid], operator="赵六")
    ws.record_meeting("第3次会商")
    log = ws.log_entries()
    rows = log[log["action"] != "create"]
    assert list(rows["action"]) == ["insert", "update", "delete", "meeting"]
    assert list(rows["operator"])[:3] == ["王五", "王五", "赵六"]
    upd = rows.iloc[1]
    assert json.loads(upd["before"]) == {"persons": 97} and json.loads(upd["after"]) == {"persons": 120}
    assert json.loads(rows.iloc[2]["before"])["name"] == "东山滑坡"
    assert all(at.endswith("Z") for at in rows["at"])


def test_bulk_insert_is_one_log_entry(ws):
    rows = [dict(SAMPLES["hazards"], name=f"点{i}", geometry=shapely.Point(114 + i / 1000, 35.9)) for i in range(50)]
    fids = ws.insert("hazards", rows, source="county.xlsx")
    assert len(fids) == 50
    log = ws.log_entries()
    assert list(log["action"]) == ["create", "import"]
    assert json.loads(log.iloc[-1]["after"])["count"] == 50


def test_bad_row_writes_nothing(ws):
    ws.insert("hazards", [SAMPLES["hazards"]])
    before = fingerprint(ws.location)
    rows = [SAMPLES["hazards"], dict(SAMPLES["hazards"], hazard_type="volcano")]
    with pytest.raises(ValidationError) as exc:
        ws.insert("hazards", rows, source="bad.csv")
    assert "row" in str(exc.value) and "hazard_type" in str(exc.value) and "bad.csv" in str(exc.value)
    with pytest.raises(ValidationError):
        ws.insert("waterlogging", [dict(SAMPLES["waterlogging"], max_depth=-1)])
    with pytest.raises(ValidationError):
        ws.insert("hazards", [dict(SAMPLES["hazards"], geometry=shapely.LineString([(0, 0), (1, 1)]))])
    assert fingerprint(ws.location) == before
    assert ws.count("hazards") == 1


def test_cancel_rolls_back(ws):
    rows = [dict(SAMPLES["hazards"], geometry=shapely.Point(114 + i / 1e5, 35.9)) for i in range(12000)]
    seen = []

    def progress(done: int, total: int) -> bool:
        seen.append(done)
        return done < 10000

    with pytest.raises(InterruptedError):
        ws.insert("hazards", rows, progress=progress)
    assert ws.count("hazards") == 0
    assert seen[0] == 5000 and seen[-1] == 10000
    assert list(ws.log_entries()["action"]) == ["create"]


KILLER = """
import sys, time, shapely
from floodpost.data.workspace import Workspace
ws = Workspace.open(sys.argv[1])
rows = [{"name": f"p{i}", "hazard_type": "landslide", "geometry": shapely.Point(114 + i / 1e6, 35.9)}
        for i in range(20000)]
def progress(done, total):
    print(done, flush=True)
    time.sleep(30)  # 5,000 rows written inside the open transaction: the parent kills us here
    return True
ws.insert("hazards", rows, progress=progress)
"""


def test_killed_process_leaves_no_half_write(tmp_path):
    path = tmp_path / "k.gpkg"
    Workspace.create(path).close()
    proc = subprocess.Popen([sys.executable, "-c", KILLER, str(path)], stdout=subprocess.PIPE, text=True)
    # wait until the transaction is well under way, then kill -9
    line = proc.stdout.readline()
    assert line.strip() == "5000"
    proc.kill()
    proc.wait()
    with Workspace.open(path) as w:
        assert w.count("hazards") == 0
        assert list(w.log_entries()["action"]) == ["create"]
        assert w._con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_open_refuses_what_is_not_a_workspace(tmp_path):
    junk = tmp_path / "junk.gpkg"
    junk.write_bytes(b"\0" * 4096)
    with pytest.raises(WorkspaceError, match="not a GeoPackage"):
        Workspace.open(junk)
    plain = tmp_path / "plain.gpkg"
    sqlite3.connect(plain).execute("CREATE TABLE gpkg_contents (table_name TEXT)").connection.close()
    with pytest.raises(WorkspaceError, match="not a FloodPost workspace"):
        Workspace.open(plain)
    with pytest.raises(WorkspaceError, match="no such"):
        Workspace.open(tmp_path / "missing.gpkg")


def test_migration_hook_runs_and_adds_missing_columns(tmp_path, monkeypatch):
    path = tmp_path / "old.gpkg"
    Workspace.create(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE floodpost_meta SET value='0' WHERE key='schema_version'")
    con.execute('ALTER TABLE "shelters" DROP COLUMN "occupancy"')
    con.commit()
    con.close()
    ran = []
    monkeypatch.setitem(wsmod.MIGRATIONS, 0, lambda c: ran.append(0))
    with Workspace.open(path) as w:
        assert ran == [0]
        assert w.schema_version == wsmod.SCHEMA_VERSION
        assert "occupancy" in w._columns("shelters")


def test_newer_workspace_is_refused(tmp_path):
    path = tmp_path / "new.gpkg"
    Workspace.create(path).close()
    con = sqlite3.connect(path)
    con.execute("UPDATE floodpost_meta SET value='99' WHERE key='schema_version'")
    con.commit()
    con.close()
    with pytest.raises(WorkspaceError, match="newer FloodPost"):
        Workspace.open(path)


def test_read_selected_columns(ws):
    ws.insert("hazards", [SAMPLES["hazards"], {**SAMPLES["hazards"], "name": "西山崩塌", "persons": None}])
    full = ws.read("hazards")
    lean = ws.read("hazards", columns=["persons", "name"])
    assert list(lean.columns) == ["name", "persons", "geometry"]  # schema order
    assert lean.index.equals(full.index) and lean.index.name == "fid"
    assert lean["persons"].dtype == full["persons"].dtype == "Int64"
    assert lean["persons"].isna().tolist() == [False, True]
    assert lean.geometry.geom_equals(full.geometry).all()
    assert list(ws.read("hazards", columns=[]).columns) == ["geometry"]
    with pytest.raises(KeyError):
        ws.read("hazards", columns=["nonsense"])


def test_blobs_decode_to_what_was_encoded():
    """One decoder of GeoPackage blobs (numpy headers, points built directly, the rest through shapely)."""
    from floodpost.data.store.gpkg import geopackage as gpkg

    geoms = [
        shapely.Point(114.1, 35.2), None, shapely.Polygon(), shapely.MultiPoint([(0, 0), (1, 1)]),
        shapely.box(0, 0, 1, 1), shapely.Polygon([(0, 0), (4, 0), (4, 4), (0, 4)], [[(1, 1), (2, 1), (2, 2), (1, 1)]]),
        shapely.LineString([(0, 0), (1, 1), (2, 0)]), shapely.Point(), shapely.LineString(),
        shapely.MultiPolygon([shapely.box(0, 0, 1, 1), shapely.box(2, 2, 3, 3)]), shapely.Point(3, 4),
    ]
    got = gpkg.decode(gpkg.encode(geoms, 4490))
    for a, b in zip(geoms, got, strict=True):
        if a is None:
            assert b is None
        else:
            assert a.geom_type == b.geom_type and (a.is_empty and b.is_empty or a.equals_exact(b, 0))
    with pytest.raises(ValueError):
        gpkg.decode([b"XX" + bytes(30)])
