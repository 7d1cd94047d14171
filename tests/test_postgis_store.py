"""The shared workspace on PostgreSQL/PostGIS: what only a server does.

Roles the server enforces (a raw psycopg connection as a viewer is refused
too), changes made outside FloodPost logged and announced by triggers, two
clients on one database (stale edits, dispatches from one stock), whole
workspace copies, and locations that never keep a password. The storage
contract both back ends share is tested in test_workspace, test_identity,
test_tally and test_situation through the ``backend`` fixture.
"""

from __future__ import annotations

import json
import select
import threading
import uuid
from typing import Any

import numpy as np
import pandas as pd
import pytest
import shapely

from floodpost.data.schema import ALL
from floodpost.data.situation.tally import TallyRejected, entry
from floodpost.data.store import ReadOnlyWorkspace, StaleEdit, StorageError, same_location
from floodpost.data.workspace import Workspace
from tests.pg import Cluster

POINT = shapely.Point(114.3, 35.7)
HAZARD = {"name": "东山滑坡", "hazard_type": "landslide", "persons": 97, "geometry": shapely.Point(114.1, 35.9)}


def _login(cluster: Cluster, url: str, group: str) -> str:
    """A login role in ``group`` (trust authentication on the test server); its URL for the same database."""
    name = f"u_{group.split('_')[-1]}_{uuid.uuid4().hex[:8]}"
    cluster.sql(f"CREATE ROLE {name} LOGIN IN ROLE {group}")
    return url.replace("postgresql://postgres@", f"postgresql://{name}@")


@pytest.fixture
def server(pg_cluster: Cluster, pg_url: str) -> str:
    """A database set up as ``floodpost server init`` does it, with two hazards."""
    from floodpost.data.store.postgis import init_server

    init_server(pg_url)
    init_server(pg_url)  # idempotent
    with Workspace.open(pg_url) as ws:
        ws.insert("hazards", [HAZARD, {**HAZARD, "name": "西山崩塌", "hazard_type": "collapse"}])
    return pg_url


def _wait_notified(ws: Any, timeout: float = 2.0) -> list[int]:
    """The log fids announced on the store's socket within ``timeout`` (select, as a Qt socket notifier would)."""
    fd = ws.watch_fd()
    got: list[int] = []
    ready, _, _ = select.select([fd], [], [], timeout)
    while ready:
        got += ws.drain_notifications()
        ready, _, _ = select.select([fd], [], [], 0.05)
    return got


# ---------------------------------------------------------------- roles
def test_a_viewer_reads_and_the_server_refuses_its_writes(pg_cluster: Cluster, server: str) -> None:
    import psycopg

    viewer = _login(pg_cluster, server, "floodpost_viewer")
    with psycopg.connect(viewer, autocommit=True) as con:  # the client bypassed: the server still says no
        assert con.execute("SELECT count(*) FROM hazards").fetchone()[0] == 2
        for sql in ("INSERT INTO hazards (name, hazard_type) VALUES ('x', 'landslide')",
                    "UPDATE hazards SET persons = 0", "DELETE FROM hazards",
                    "INSERT INTO situation_log (at, action) VALUES ('2021-07-22T00:00:00.000Z', 'meeting')"):
            with pytest.raises(psycopg.errors.InsufficientPrivilege):
                con.execute(sql)
    with Workspace.open(viewer) as ws:
        assert ws.count("hazards") == 2 and len(ws.read("hazards")) == 2
        assert ws.can_write() is False
        with pytest.raises(ReadOnlyWorkspace, match="may not write") as err:
            ws.insert("hazards", [HAZARD])
        assert "u_viewer_" in str(err.value) and ws.name in str(err.value)
        with pytest.raises(ReadOnlyWorkspace):
            ws.update("hazards", 1, {"persons": 1})
        with pytest.raises(ReadOnlyWorkspace):
            ws.record_meeting("第1次会商")
    with Workspace.open(server) as ws, Workspace.open(viewer) as screen:
        assert ws.count("hazards") == 2 and ws.can_write()
        screen.watch_fd()  # the meeting screen reads only, and is told of every change
        mark = ws.record_meeting("第1次会商")
        assert _wait_notified(screen) == [mark]


def test_an_editor_writes_but_the_log_is_append_only(pg_cluster: Cluster, server: str) -> None:
    import psycopg

    editor = _login(pg_cluster, server, "floodpost_editor")
    admin = _login(pg_cluster, server, "floodpost_admin")
    with Workspace.open(editor) as ws:
        assert ws.can_write()
        [fid] = ws.insert("hazards", [{**HAZARD, "name": "南山"}], operator="值班员")
        ws.update("hazards", fid, {"persons": 5})
        values = {k: v for k, v in ws.feature("hazards", fid).items() if k != "fid"}
        ws.delete("hazards", [fid])
        assert ws.restore("hazards", fid, values) == fid  # the undo: same fid, and an editor may do it
        mark = ws.record_meeting("第1次会商")
        ws.withdraw_meeting(mark)
        assert list(ws.log_entries()["action"])[-6:] == ["insert", "update", "delete", "insert", "meeting", "withdraw"]
        assert ws.meetings() == []
    for url in (editor, admin):
        with psycopg.connect(url, autocommit=True) as con:
            for sql in ("UPDATE situation_log SET summary = 'x'", "DELETE FROM situation_log",
                        "TRUNCATE situation_log"):
                with pytest.raises(psycopg.errors.InsufficientPrivilege):
                    con.execute(sql)


# ---------------------------------------------------------------- changes made outside FloodPost
def test_a_direct_update_is_logged_and_announced(pg_cluster: Cluster, server: str) -> None:
    import psycopg

    editor = _login(pg_cluster, server, "floodpost_editor")
    with Workspace.open(server) as ws:
        assert ws.drain_notifications() == [] or True  # starts listening
        ws.watch_fd()
        version = ws.row_version("hazards", 1)
        token = ws.change_token()
        last = ws.log_max_fid()
        with psycopg.connect(editor, autocommit=True) as qgis:  # QGIS editing the table
            qgis.execute("UPDATE hazards SET persons = 120, geom = ST_SetSRID(ST_MakePoint(114.2, 35.8), 4490)"
                         " WHERE fid = 1")
            qgis.execute("INSERT INTO hazards (name, hazard_type, geom) VALUES"
                         " ('外来点', 'collapse', ST_SetSRID(ST_MakePoint(114, 35), 4490))")
            qgis.execute("DELETE FROM hazards WHERE fid = 2")
        fids = _wait_notified(ws)
        entries = ws.log_since(last)
        assert fids == [e[0] for e in entries] and len(fids) == 3
        assert [e[1] for e in entries] == ["update", "insert", "delete"]
        assert ws.change_token() != token
        assert ws.row_version("hazards", 1) == version + 1  # the server bumps it
        log = ws.log_entries().loc[fids]
        assert set(log["operator"]) == {editor.split("//")[1].split("@")[0]}
        upd = ws.log_values(fids[0])
        before, after = json.loads(upd["before"]), json.loads(upd["after"])
        assert before["persons"] == 97 and after["persons"] == 120
        assert shapely.from_wkt(after["geometry"]).equals(shapely.Point(114.2, 35.8))
        assert log.iloc[0]["summary"] == "地质灾害隐患点: 东山滑坡" and log.iloc[0]["target"] == "hazards"
        new = ws.feature("hazards", entries[1][3])
        assert new["name"] == "外来点" and ws.identity("hazards").loc[entries[1][3], "row_version"] == 1
        added = json.loads(entries[1][4])
        assert added["uuid"] == ws.identity("hazards").loc[entries[1][3], "uuid"] and added["name"] == "外来点"
        gone = json.loads(ws.log_values(fids[2])["before"])
        assert gone["name"] == "西山崩塌" and len(gone["uuid"]) == 36
        # the situation engine and the undo read these like FloodPost's own entries
        assert ws.log_edits("hazards")[-1][1] == 1
    import socket

    with psycopg.connect(server) as con:  # who wrote, from where: the database user and the workstation
        rows = con.execute("SELECT action, db_user, workstation FROM situation_log ORDER BY fid").fetchall()
    assert rows[-1][1].startswith("u_editor_") and rows[-1][2] == "127.0.0.1"  # QGIS: its client address
    assert rows[1] == ("import", "postgres", f"floodpost@{socket.gethostname()}"[:63])  # FloodPost names itself


def test_own_writes_are_logged_once_and_announced(server: str) -> None:
    with Workspace.open(server) as a, Workspace.open(server) as b:
        b.watch_fd()
        last = a.log_max_fid()
        a.update("hazards", 1, {"persons": 3}, operator="甲")
        a.insert("works", [{"place": "卫河", "reported_at": "2021-07-22T08:00"}], operator="甲")
        got = _wait_notified(b)
        assert got == [last + 1, last + 2]
        assert [e[1] for e in b.log_since(last)] == ["update", "insert"]  # not twice: the trigger skips ours


# ---------------------------------------------------------------- two clients
def test_desks_dispatching_from_one_stock_at_once_never_overdraw(server: str) -> None:
    with Workspace.open(server) as ws:
        ws.insert("depots", [{"name": "市仓库", "kind": "warehouse", "geometry": POINT}])
        ws.insert("material_tally", [{"depot": "市仓库", "item": "沙袋", "quantity": 300, "kind": "入库",
                                      "reported_at": "2021-07-22T08:00"}])
    written: list[int] = []
    refused: list[int] = []
    errors: list[BaseException] = []

    def desk(n: int) -> None:
        try:
            with Workspace.open(server) as ws:
                for _ in range(15):
                    try:
                        entry(ws, "material_tally", {"depot": "市仓库", "item": "沙袋", "quantity": 10, "kind": "调拨",
                                                     "reported_at": "2021-07-22T12:00"},
                              accept_warnings=True, operator=f"desk{n}")
                        written.append(n)
                    except TallyRejected:
                        refused.append(n)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=desk, args=(n,)) for n in (0, 1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert not errors, errors
    assert len(written) == 30 and len(refused) == 15
    with Workspace.open(server) as ws:
        rows = ws.read("material_tally")
        taken = rows.loc[rows["kind"] == "dispatch", "quantity"].sum()
        assert taken == 300 and len(rows) == 31


def test_a_stale_edit_from_another_client(server: str) -> None:
    with Workspace.open(server) as a, Workspace.open(server) as b:
        v = b.row_version("hazards", 1)
        a.update("hazards", 1, {"persons": 1}, expected_version=a.row_version("hazards", 1))
        with pytest.raises(StaleEdit) as err:
            b.update("hazards", 1, {"persons": 2}, expected_version=v)
        assert err.value.current["persons"] == 1 and err.value.current_version == v + 1
        assert b.feature("hazards", 1)["persons"] == 1


def test_a_dropped_connection_is_opened_again_for_the_next_read(pg_cluster: Cluster, server: str) -> None:
    with Workspace.open(server) as ws:
        assert ws.count("hazards") == 2
        pg_cluster.sql(f"SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{server.rsplit('/', 1)[1]}'"
                       " AND pid <> pg_backend_pid()")
        assert ws.count("hazards") == 2  # read again on a new connection
        ws.update("hazards", 1, {"persons": 4})
        assert ws.feature("hazards", 1)["persons"] == 4


def test_the_server_restarted_mid_session_loses_and_duplicates_nothing(pg_cluster: Cluster, server: str) -> None:
    record = {"place": "卫河", "sandbags": 100, "reported_at": "2021-07-22T08:00"}
    with Workspace.open(server) as ws, Workspace.open(server) as screen:
        screen.watch_fd()
        ws.insert("works", [record])
        assert len(_wait_notified(screen)) == 1
        pg_cluster.restart()
        assert ws.count("works") == 1  # the dropped connection is opened again
        ws.insert("works", [record])  # the write after the restart: written once
        with pytest.raises(StorageError, match="watch_fd"):
            screen.drain_notifications()  # told the live connection went, and given a new one
        screen.watch_fd()
        ws.insert("works", [record])
        assert len(_wait_notified(screen)) == 1
        assert screen.count("works") == 3 and screen.read("works")["sandbags"].sum() == 300
        assert list(screen.log_entries()["action"]) == ["create", "import", "insert", "insert", "insert"]


# ---------------------------------------------------------------- whole-workspace copies
def _dump(ws: Any, key: str) -> Any:
    """A workspace's rows as stored: ``dump`` where the back end has it, else built from ``read`` and
    ``identity`` (the GeoPackage's dump is written in another branch; this stands in until it lands)."""
    if hasattr(type(ws), "dump"):
        return ws.dump(key)
    frame = ws.read(key)
    ids = ws.identity(key)
    cols = [*ALL[key].field_names, *ids.columns]
    out = pd.concat([pd.DataFrame(frame.drop(columns="geometry") if "geometry" in frame else frame), ids], axis=1)
    out = out[cols]
    if "geometry" in frame:
        import geopandas as gpd

        return gpd.GeoDataFrame(out, geometry=frame.geometry, crs=frame.crs)
    return out


def _norm(frame: Any) -> Any:
    """A dump by fid, columns in name order (a dump may give the fid as a column or as the index)."""
    if "fid" in frame.columns:
        frame = frame.set_index("fid")
    return frame[sorted(frame.columns)]


def _same(a: Any, b: Any, key: str) -> None:
    a, b = _norm(a), _norm(b)
    assert list(a.index) == list(b.index), key
    assert list(a.columns) == list(b.columns), key
    for c in a.columns:
        if c == "geometry":
            assert a.crs.to_epsg() == b.crs.to_epsg() == 4490
            assert all(x is None and y is None or x.equals_exact(y, 0) for x, y in zip(a[c], b[c], strict=True)), key
            continue
        left = a[c].astype(object).where(a[c].notna(), None).tolist()
        right = b[c].astype(object).where(b[c].notna(), None).tolist()
        assert left == right, (key, c)


def test_dump_and_load_copy_a_workspace_value_for_value(demo_path: Any, pg_cluster: Cluster) -> None:
    """GeoPackage dump → PostGIS load → PostGIS dump, equal; and PostGIS → PostGIS again."""
    first, second = pg_cluster.new_database(), pg_cluster.new_database()
    with Workspace.open(demo_path) as src, Workspace.create(first) as dst:
        dumps = {key: _dump(src, key) for key in list(src.keys())}
        for key, frame in dumps.items():
            dst.load(key, frame)
        for key, frame in dumps.items():
            _same(frame, dst.dump(key), key)
        assert dst.log_max_fid() == src.log_max_fid()
        with Workspace.create(second) as again:
            keys = list(dst.keys())
            for key in keys:
                again.load(key, dst.dump(key))
            for key in keys:
                _same(dst.dump(key), again.dump(key), key)
        # the copy carries on: new rows take fids after the copied ones, and are logged after the copied log
        top = dst.max_fid("hazards")
        [fid] = dst.insert("hazards", [HAZARD])
        assert fid == top + 1 and dst.log_max_fid() == src.log_max_fid() + 1
        with pytest.raises(StorageError, match="not empty"):
            dst.load("hazards", dumps["hazards"])


# ---------------------------------------------------------------- locations
def test_a_location_never_keeps_a_password(pg_cluster: Cluster, pg_url: str) -> None:
    from floodpost.data.store.postgis import redact

    assert redact("postgresql://duty:s3cret@gis/flood?sslmode=require") == "postgresql://duty@gis/flood?sslmode=require"
    assert "s3cret" not in redact("postgresql://gis/flood?password=s3cret&sslmode=require")
    assert "s3cret" not in redact("service=flood password=s3cret")
    secret = pg_url.replace("postgresql://postgres@", "postgresql://postgres:s3cret@")  # trust: any password
    with Workspace.create(secret) as ws:
        assert "s3cret" not in ws.location and "s3cret" not in repr(ws) and ws.location == pg_url
        with ws.reader() as r:
            assert r.count("hazards") == 0
    assert same_location(secret, pg_url) and not same_location(pg_url, pg_url + "x")


def test_a_service_name_opens_the_workspace(pg_cluster: Cluster, pg_url: str, tmp_path: Any,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """``service=NAME``: where the server is and who connects live in libpq's service file, not in FloodPost."""
    database = pg_url.rsplit("/", 1)[1]
    services = tmp_path / "pg_service.conf"
    services.write_text(f"[flood]\nhost=127.0.0.1\nport={pg_cluster.port}\ndbname={database}\nuser=postgres\n")
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    with Workspace.create("service=flood") as ws:
        ws.insert("hazards", [HAZARD])
        assert ws.location == "service=flood" and ws.name == "service flood"
    with Workspace.open("service=flood") as ws, Workspace.open(pg_url) as same:
        assert ws.count("hazards") == same.count("hazards") == 1


def test_connection_problems_name_the_server_and_the_cause(pg_cluster: Cluster, pg_url: str) -> None:
    missing = pg_url.rsplit("/", 1)[0] + "/no_such_db"
    with pytest.raises(StorageError, match="no such database") as err:
        Workspace.open(missing)
    assert "no_such_db" in str(err.value) and "127.0.0.1" in str(err.value)
    with pytest.raises(StorageError, match="cannot connect"):
        Workspace.open("postgresql://postgres:pw@127.0.0.1:1/flood")
    with pytest.raises(StorageError, match="not a FloodPost workspace"):
        Workspace.open(pg_url)
    with pytest.raises(StorageError, match="already holds"):
        Workspace.create(pg_url).close()
        Workspace.create(pg_url)


def test_a_login_without_a_floodpost_role_is_told_so(pg_cluster: Cluster, server: str) -> None:
    nobody = f"u_nobody_{uuid.uuid4().hex[:8]}"
    pg_cluster.sql(f"CREATE ROLE {nobody} LOGIN")
    with pytest.raises(StorageError, match="permission denied.*ask the administrator"):
        Workspace.open(server.replace("postgresql://postgres@", f"postgresql://{nobody}@"))


def test_layers_are_typed_and_indexed_on_the_server(server: str) -> None:
    import psycopg

    with psycopg.connect(server) as con:
        kinds = dict(con.execute("SELECT f_table_name, type FROM geometry_columns WHERE srid = 4490").fetchall())
        indexes = {r[0] for r in con.execute("SELECT indexname FROM pg_indexes WHERE schemaname = 'public'")}
    assert kinds["hazards"] == "POINT" and kinds["storage_areas"] == "MULTIPOLYGON" and kinds["rivers"] == "MULTILINESTRING"
    assert {"hazards_geom", "situation_log_action_at", "material_tally_reported_at", "hazards_uuid"} <= indexes
    with Workspace.open(server) as ws:
        frame = ws.read("hazards")
        assert frame.crs.to_epsg() == 4490 and frame.index.name == "fid"
        assert np.asarray(ws.read_geometry("hazards")[0]).tolist() == [1, 2]


def test_load_writes_a_missing_text_cell_as_null(pg_url: str) -> None:
    """pandas gives NaN for an empty text cell; the server must store NULL, not the word 'nan'."""
    import psycopg

    frame = pd.DataFrame({"fid": [1, 2], "name": ["甲", "乙"], "county": pd.array(["淇县", None], dtype="str"), "note": pd.array([None, "备注"], dtype="str"),
                          "capacity": pd.array([100, None], dtype="Int64")})
    import geopandas as gpd

    frame = gpd.GeoDataFrame(frame, geometry=[shapely.Point(114, 35), shapely.Point(114.1, 35.1)], crs=4490)
    with Workspace.create(pg_url) as ws:
        ws.load("shelters", frame)
        assert ws.feature("shelters", 2)["county"] is None and ws.feature("shelters", 1)["note"] is None
    with psycopg.connect(pg_url) as con:
        assert con.execute("SELECT count(*) FROM shelters WHERE county = 'nan' OR note = 'nan'").fetchone()[0] == 0
