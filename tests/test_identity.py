"""Every row's identity: a uuid that survives copies and undo, a row version bumped by each update.

The GeoPackage's schema 3 and its migration; the identity tests run against
both back ends (the ``backend`` fixture in conftest).
"""

from __future__ import annotations

import sqlite3
import subprocess
from pathlib import Path

import pytest
import shapely

from floodpost.data.schema import ALL
from floodpost.data.situation.tally import restore_rows, rows_of, withdraw_rows
from floodpost.data.store.gpkg import store as gpkgstore
from floodpost.data.workspace import Workspace
from tests.tools import VALIDATOR, need_validator


def _as_schema_2(path: Path) -> None:
    """Take the identity columns out again, as a workspace written before schema 3 had none."""
    con = sqlite3.connect(path)
    con.execute("BEGIN")
    for key in ALL:
        con.execute(f'DROP INDEX IF EXISTS "{key}_uuid"')
        for col in ("uuid", "row_version"):
            if col in {r[1] for r in con.execute(f'PRAGMA table_info("{key}")')}:
                con.execute(f'ALTER TABLE "{key}" DROP COLUMN {col}')
    con.execute("UPDATE floodpost_meta SET value = '2' WHERE key = 'schema_version'")
    con.execute("COMMIT")
    con.close()


def test_a_schema_2_workspace_gets_a_uuid_on_every_row_when_opened(demo_path: Path) -> None:
    _as_schema_2(demo_path)
    with Workspace.open(demo_path) as ws:
        assert ws.schema_version == gpkgstore.SCHEMA_VERSION == 5
        seen: set[str] = set()
        keys = ws.keys()
        for key in keys:
            ids = ws.identity(key)
            assert len(ids) == ws.count(key)
            assert ids["uuid"].notna().all() and ids["uuid"].str.len().eq(36).all(), key
            seen |= set(ids["uuid"])
            if key != "situation_log":
                assert (ids["row_version"] == 1).all()
        assert len(seen) == sum(ws.count(k) for k in keys)  # unique across the workspace
        log = ws.log_entries()
        assert "uuid" in log.iloc[-1]["summary"] and log.iloc[-1]["action"] == "migrate"
    need_validator()
    r = subprocess.run(["/usr/bin/python3", str(VALIDATOR), str(demo_path)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_rows_added_by_another_program_get_a_uuid_on_the_next_open(demo_path: Path) -> None:
    con = sqlite3.connect(demo_path)
    con.execute("INSERT INTO works (place, reported_at) VALUES ('外来', '2021-07-22T02:00:00.000Z')")
    con.commit()
    con.close()
    with Workspace.open(demo_path) as ws:
        assert ws.identity("works")["uuid"].notna().all()


def test_updates_bump_the_row_version_and_undo_keeps_the_uuid(ws_location: Path) -> None:
    with Workspace.create(ws_location) as ws:
        [fid] = ws.insert("hazards", [{"name": "东山", "hazard_type": "landslide",
                                       "geometry": shapely.Point(114.1, 35.9)}])
        first = ws.identity("hazards").loc[fid]
        ws.update("hazards", fid, {"name": "东山滑坡"})
        ws.update("hazards", fid, {"geometry": shapely.Point(114.2, 35.9)})
        assert ws.identity("hazards").loc[fid, "row_version"] == first["row_version"] + 2
        values = ws.feature("hazards", fid)
        ws.delete("hazards", [fid])
        ws.restore("hazards", fid, {k: v for k, v in values.items() if k != "fid"})
        assert ws.identity("hazards").loc[fid, "uuid"] == first["uuid"]
        # many rows at once (a tally entry's or an import's undo and redo)
        fids = ws.insert("works", [{"place": f"堤{i}", "reported_at": "2021-07-22T02:00"} for i in range(3)])
        uuids = ws.identity("works")["uuid"].to_dict()
        saved = rows_of(ws, "works", fids)
        withdraw_rows(ws, "works", fids, summary="撤销")
        assert ws.count("works") == 0
        restore_rows(ws, "works", saved, summary="重做")
        assert ws.identity("works")["uuid"].to_dict() == uuids
        assert "uuid" not in ws.read("works").columns and "uuid" not in ws.rows("works", 1, 3)[0]


def test_a_stale_edit_is_refused_with_the_current_row(ws_location, backend):
    """Two workstations edit the same feature: the second, made on the old version, gets the choice."""
    from floodpost.data.store import StaleEdit
    from floodpost.data.workspace import Workspace

    path = ws_location
    from shapely.geometry import Point
    with Workspace.create(path) as ws:
        (fid,) = ws.insert("hazards", [{"name": "甲", "hazard_type": "landslide", "geometry": Point(114, 35)}])
    with Workspace.open(path) as a, Workspace.open(path) as b:
        va, vb = a.row_version("hazards", fid), b.row_version("hazards", fid)
        assert va == vb == 1
        a.update("hazards", fid, {"name": "乙"}, expected_version=va)
        assert b.row_version("hazards", fid) == 2
        with pytest.raises(StaleEdit) as err:
            b.update("hazards", fid, {"name": "丙"}, expected_version=vb)
        assert err.value.current["name"] == "乙" and err.value.current_version == 2
        assert b.feature("hazards", fid)["name"] == "乙"  # nothing written, nothing lost
        b.update("hazards", fid, {"name": "丙"}, expected_version=err.value.current_version)  # overwrite, knowingly
        assert a.feature("hazards", fid)["name"] == "丙" and a.row_version("hazards", fid) == 3
        a.delete("hazards", [fid])
        with pytest.raises(StaleEdit) as err:
            b.update("hazards", fid, {"name": "丁"}, expected_version=3)
        assert err.value.current is None
        if backend == "gpkg":  # a file pushes nothing; a server's notifications: tests/test_postgis_store.py
            assert a.watch_fd() is None and a.drain_notifications() == []


def test_many_rows_added_by_another_program_get_random_uuids_at_once(demo_path: Path) -> None:
    """A season's records written by another program are given their uuids by SQLite in one statement
    per table (each a random version 4 UUID), their index built again after, and stay unique."""
    import uuid

    n = gpkgstore._REINDEX_ROWS + 2000
    con = sqlite3.connect(demo_path)
    con.executemany("INSERT INTO works (place, reported_at) VALUES (?, '2021-07-22T02:00:00.000Z')",
                    [(f"外来{i}",) for i in range(n)])
    con.commit()
    con.close()
    with Workspace.open(demo_path) as ws:
        ids = ws.identity("works")
        assert len(ids) == ws.count("works") >= n
        parsed = [uuid.UUID(u) for u in ids["uuid"]]
        assert all(p.version == 4 and p.variant == uuid.RFC_4122 and str(p) == u
                   for p, u in zip(parsed, ids["uuid"], strict=True))
        assert ids["uuid"].is_unique
        log = ws.log_entries()
        assert f"{n} 条记录补上 uuid" in log.iloc[-1]["summary"]
    con = sqlite3.connect(demo_path)
    assert con.execute("SELECT sql FROM sqlite_master WHERE name = 'works_uuid'").fetchone()[0].startswith(
        "CREATE UNIQUE INDEX")
    con.close()


def _written_elsewhere(path: Path, n: int = 50) -> None:
    con = sqlite3.connect(path)
    con.executemany("INSERT INTO works (place, reported_at) VALUES (?, '2021-07-22T02:00:00.000Z')",
                    [(f"外来{i}",) for i in range(n)])
    con.commit()
    con.close()


def test_an_open_with_uuids_later_leaves_them_for_the_next(demo_path: Path) -> None:
    """``uuids_later`` (the window, its readers) opens at once; the next plain open gives the rows theirs."""
    _written_elsewhere(demo_path)
    with Workspace.open(demo_path, uuids_later=True) as ws:
        assert ws.lacks_uuids()
        assert ws.identity("works")["uuid"].isna().sum() == 50
        with ws.reader() as reader:  # a worker thread's connection does not fill them either
            assert reader.lacks_uuids()
    with Workspace.open(demo_path) as ws:
        assert not ws.lacks_uuids()
        assert ws.identity("works")["uuid"].notna().all()


def test_the_window_gives_the_rows_their_uuids_after_showing_the_workspace(qtbot, demo_path: Path) -> None:
    """A workspace another program wrote opens without waiting for its rows' uuids; once its situation
    is shown they are given theirs in the background, and the window goes on as before."""
    from floodpost.ui.mainwindow import MainWindow

    _written_elsewhere(demo_path)
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    try:
        assert win.open_workspace(demo_path)
        with Workspace.open(demo_path, uuids_later=True) as ws:
            assert ws.lacks_uuids()  # not yet: the window opened without them
        with qtbot.waitSignal(win.uuidsFilled, timeout=20000):
            pass
        with Workspace.open(demo_path, uuids_later=True) as ws:
            assert not ws.lacks_uuids()
            assert "50 条记录补上 uuid" in ws.log_entries().iloc[-1]["summary"]
        qtbot.waitUntil(lambda: not win.situation_pending, timeout=20000)
        with qtbot.waitSignal(win.situationReady, timeout=20000):
            win.time_slider.set_time(win.time_slider.times[3])
        assert win.workspace.identity("works")["uuid"].notna().all()
    finally:
        win.close()
