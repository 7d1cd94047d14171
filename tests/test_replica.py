"""Working through an outage (issue 17): the replica, the outbox, reconnecting and replaying exactly once.

A real server (tests/pg.py) is stopped mid-session and started again; counts
are taken with our own SQL on the server, never through the store under test.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import shapely

from floodpost.data.store import StaleEdit, StorageError, Store, create_store, open_store
from floodpost.data.store.replica import BACKOFF, ReplicatedStore
from floodpost.data.workspace import Workspace


class Clock:
    """A clock the test moves (the back-off and refresh waits without sleeping)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now

    def later(self, seconds: float = 120.0) -> None:
        self.now += seconds


def sql(url: str, statement: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    import psycopg

    with psycopg.connect(url, autocommit=True) as con:
        return con.execute(statement, params).fetchall()


@pytest.fixture
def shared(pg_url: str) -> str:
    """A shared workspace with one hazard and one works record on the server."""
    with create_store(pg_url) as ws:
        ws.insert("hazards", [{"name": "东山滑坡", "hazard_type": "滑坡", "persons": 12,
                               "geometry": shapely.Point(114.1, 35.9)}])
        ws.insert("works", [{"place": "卫河左堤", "sandbags": 100, "reported_at": "2021-07-23 12:00"}])
    return pg_url


@pytest.fixture
def server_back(pg_cluster: Any) -> Any:
    """The cluster, started again at the end whatever the test did to it (other tests share it)."""
    yield pg_cluster
    try:
        sql(pg_cluster.url(), "SELECT 1")
    except Exception:  # noqa: BLE001 - stopped by the test: start it again
        pg_cluster.start()


def open_rs(url: str, folder: Path, clock: Clock, workstation: str = "desk-3") -> ReplicatedStore:
    return ReplicatedStore.open(url, folder, workstation=workstation, clock=clock, refresh_every=5.0)


def test_outage_queue_survives_restart_and_replays_exactly_once(shared: str, server_back: Any, tmp_path: Path) -> None:
    clock = Clock()
    folder = tmp_path / "replicas"
    rs = open_rs(shared, folder, clock)
    assert rs.connection_state().online and rs.replica_path.exists()
    hazard = int(rs.read("hazards").index[0])
    version = rs.row_version("hazards", hazard)
    rs.insert("works", [{"place": "在线", "sandbags": 5, "reported_at": "2021-07-23 13:00"}])
    clock.later()
    state = rs.poll()  # the replica catches up with the online write
    assert state.online and state.queued == 0
    before = rs.read("hazards")

    server_back.stop()
    # typed during the outage: the first write finds the server gone and is queued, not lost
    rs.insert("works", [{"place": "离线一", "sandbags": 30, "reported_at": "2021-07-23 14:00"}])
    state = rs.connection_state()
    assert not state.online and state.queued == 1 and state.last_contact is not None
    assert "server" in (state.problem or "")
    rs.insert("works", [{"place": "离线二", "sandbags": 7, "reported_at": "2021-07-23 14:05"},
                        {"place": "离线三", "sandbags": 8, "reported_at": "2021-07-23 14:06"}])
    rs.update("hazards", hazard, {"persons": 40}, expected_version=version)
    rs.record_meeting("离线会商")
    # offline reads show the last state and what was typed since
    offline = rs.read("hazards")
    assert list(offline.index) == list(before.index) and offline.loc[hazard, "persons"] == 40
    assert set(rs.read("works")["place"]) == {"卫河左堤", "在线", "离线一", "离线二", "离线三"}
    assert rs.poll().queued == 4
    rs.close()

    # the workstation is closed and opened again while the server is still down
    rs = open_rs(shared, folder, clock)
    state = rs.connection_state()
    assert not state.online and state.queued == 4
    assert rs.read("hazards").loc[hazard, "persons"] == 40
    assert not rs.try_reconnect()  # the back-off has not elapsed
    clock.later(BACKOFF[0])
    assert not rs.try_reconnect()  # due, but the server is still down: the wait doubles
    assert rs.connection_state().retry_in == BACKOFF[1]

    server_back.start()
    clock.later(BACKOFF[1])
    state = rs.poll()
    assert state.online and state.queued == 0 and state.conflicts == 0
    for _ in range(2):  # polling again sends nothing twice
        clock.later()
        rs.poll()
    counts = dict(sql(shared, "SELECT place, count(*) FROM works GROUP BY place"))
    assert counts == {"卫河左堤": 1, "在线": 1, "离线一": 1, "离线二": 1, "离线三": 1}
    assert sql(shared, "SELECT persons, row_version FROM hazards WHERE fid = %s", (hazard,)) == [(40, version + 1)]
    late = sql(shared, "SELECT action, target, summary, workstation FROM situation_log"
                       " WHERE summary LIKE %s ORDER BY fid", ("%迟到：desk-3 离线录入于 %",))
    assert [(a, t) for a, t, _, _ in late] == [("insert", "works"), ("import", "works"), ("update", "hazards"),
                                              ("meeting", None)]
    assert all(w.startswith("floodpost@") for *_, w in late)
    assert sql(shared, "SELECT count(*) FROM situation_log WHERE summary = '在线' OR summary LIKE %s",
               ("%在线%迟到%",)) == [(0,)]  # the online write is not marked late
    # the replica was refreshed from the server: its rows are the server's, fid for fid
    assert list(rs.read("works").index) == [r[0] for r in sql(shared, "SELECT fid FROM works ORDER BY fid")]
    assert rs.log_max_fid() == sql(shared, "SELECT max(fid) FROM situation_log")[0][0]
    rs.close()


def test_replay_cut_after_the_server_commit_does_not_duplicate(shared: str, server_back: Any, tmp_path: Path,
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    clock = Clock()
    folder = tmp_path / "replicas"
    rs = open_rs(shared, folder, clock)
    server_back.stop()
    rs.insert("works", [{"place": "断电", "sandbags": 1, "reported_at": "2021-07-23 15:00"}])
    rs.insert("works", [{"place": "断电二", "sandbags": 2, "reported_at": "2021-07-23 15:01"}])
    server_back.start()

    def crash(self: ReplicatedStore, seq: int) -> None:
        raise KeyboardInterrupt("the workstation lost power after the server committed")

    monkeypatch.setattr(ReplicatedStore, "_done", crash)
    clock.later()
    with pytest.raises(KeyboardInterrupt):
        rs.poll()
    assert sql(shared, "SELECT count(*) FROM works WHERE place = '断电'") == [(1,)]
    rs.close()
    monkeypatch.undo()

    rs = open_rs(shared, folder, clock)  # the server answers: the outbox is sent on open
    state = rs.connection_state()
    assert state.online and state.queued == 0 and state.conflicts == 0
    assert dict(sql(shared, "SELECT place, count(*) FROM works WHERE place LIKE '断电%%' GROUP BY place")) == {
        "断电": 1, "断电二": 1}
    rs.close()


def test_insert_with_uuids_is_stored_once(shared: str) -> None:
    """The server side of exactly-once: rows sent again under their uuids are not written again."""
    with open_store(shared) as ws:
        row = {"place": "重发", "sandbags": 3, "reported_at": "2021-07-23 16:00"}
        first = ws.insert("works", [row], uuids=["0b7f3c2e-5a51-4c39-9d39-2d0a3e0f0c11"])
        again = ws.insert("works", [row], uuids=["0b7f3c2e-5a51-4c39-9d39-2d0a3e0f0c11"])
        assert first == again
    assert sql(shared, "SELECT count(*) FROM works WHERE place = '重发'") == [(1,)]


def test_offline_edit_of_a_row_changed_meanwhile_is_a_conflict(shared: str, server_back: Any, tmp_path: Path) -> None:
    clock = Clock()
    rs = open_rs(shared, tmp_path / "replicas", clock)
    hazard = int(rs.read("hazards").index[0])
    version = rs.row_version("hazards", hazard)
    server_back.stop()
    rs.update("hazards", hazard, {"persons": 99, "note": "离线核实"}, expected_version=version)
    rs.update("hazards", hazard, {"persons": 100}, expected_version=version + 1)  # a second edit on top of it
    server_back.start()
    with open_store(shared) as other:  # someone else edits it before this desk is back
        other.update("hazards", hazard, {"persons": 15}, expected_version=version)
    clock.later()
    state = rs.poll()
    assert state.online and state.queued == 0 and state.conflicts == 2
    # theirs is on the server, untouched by the queued edits
    assert sql(shared, "SELECT persons, note FROM hazards WHERE fid = %s", (hazard,)) == [(15, None)]
    found = rs.conflicts()
    assert [c.values.get("persons") for c in found] == [99, 100]
    err = found[0].error
    assert isinstance(err, StaleEdit) and err.current is not None and err.current["persons"] == 15
    assert err.current_version == version + 1 and err.fid == hazard
    assert found[0].workstation == "desk-3" and found[0].entered_at
    # the conflicts survive a restart of the workstation
    rs.close()
    rs = open_rs(shared, tmp_path / "replicas", clock)
    found = rs.conflicts()
    assert len(found) == 2
    rs.resolve(found[0], "mine")  # overwrite theirs with what was typed offline
    rs.resolve(found[1], "theirs")  # and drop the second edit
    assert sql(shared, "SELECT persons, note FROM hazards WHERE fid = %s", (hazard,)) == [(99, "离线核实")]
    assert rs.conflicts() == [] and rs.connection_state().conflicts == 0
    assert rs.read("hazards").loc[hazard, "persons"] == 99
    rs.close()


def test_offline_delete_of_a_row_edited_meanwhile_is_a_conflict(shared: str, server_back: Any,
                                                                  tmp_path: Path) -> None:
    clock = Clock()
    rs = open_rs(shared, tmp_path / "replicas", clock)
    hazard = int(rs.read("hazards").index[0])
    server_back.stop()
    rs.delete("hazards", [hazard])
    assert rs.read("hazards").empty
    server_back.start()
    with open_store(shared) as other:
        other.update("hazards", hazard, {"persons": 3})
    clock.later()
    state = rs.poll()
    assert state.conflicts == 1
    assert sql(shared, "SELECT count(*) FROM hazards") == [(1,)]  # their edit is not deleted silently
    rs.resolve(rs.conflicts()[0], "mine")
    assert sql(shared, "SELECT count(*) FROM hazards") == [(0,)]
    rs.close()


def test_no_server_and_no_replica_says_so(pg_url: str, pg_cluster: Any, tmp_path: Path) -> None:
    url = pg_cluster.url("postgres").replace(f":{pg_cluster.port}/", ":1/")  # nobody listens on port 1
    with pytest.raises(StorageError, match="no local replica"):
        ReplicatedStore.open(url, tmp_path / "replicas")


def test_workspace_open_with_a_replica_folder(shared: str, tmp_path: Path) -> None:
    with Workspace.open(shared, replica_dir=tmp_path / "replicas") as ws:
        assert isinstance(ws, ReplicatedStore)
        assert ws.count("hazards") == 1 and ws.connection_state().online
        assert ws.location == shared
        assert isinstance(ws, Store)  # the storage protocol, as the window expects it
    with Workspace.open(shared) as ws:  # without a folder: the plain store
        assert not isinstance(ws, ReplicatedStore)


def test_replica_catches_up_with_every_kind_of_change(demo_path: Path, pg_url: str, tmp_path: Path) -> None:
    """Others' inserts, edits, deletions, imports, undone imports, meetings and a QGIS-style direct edit
    reach the replica value for value (fids, uuids, row versions, the log), its R-trees kept."""
    import sqlite3

    from floodpost.data.store.gpkg import GpkgStore
    from tests.conftest import direct_sql
    from tests.test_postgis_store import _same

    with Workspace.open(demo_path) as src, Workspace.create(pg_url) as dst:
        for key in list(src.keys()):
            dst.load(key, src.dump(key))
    clock = Clock()
    rs = open_rs(pg_url, tmp_path / "replicas", clock)
    with open_store(pg_url) as other:
        other.insert("hazards", [{"name": "新增滑坡", "hazard_type": "滑坡", "geometry": shapely.Point(114.2, 35.8)}])
        first = int(other.read("reservoirs").index[0])
        other.update("reservoirs", first, {"note": "已核实", "geometry": shapely.Point(114.3, 35.7)})
        other.delete("shelters", [int(other.read("shelters").index[-1])])
        fids = other.insert("works", [{"place": f"堤段{i}", "sandbags": i, "reported_at": "2021-07-24 08:00"}
                                      for i in range(3)])
        other.delete_rows("works", fids[:2], summary="撤销导入")
        other.record_meeting("第二次会商")
    direct_sql(pg_url, "UPDATE hazards SET persons = 77 WHERE fid = (SELECT min(fid) FROM hazards)")
    clock.later()
    assert rs.poll().online
    rs.close()
    with open_store(pg_url) as server, GpkgStore.open(tmp_path / "replicas" / rs.replica_path.name) as replica:
        for key in list(server.keys()):
            _same(server.dump(key), replica.dump(key), key)
    con = sqlite3.connect(rs.replica_path)
    for key in ("hazards", "reservoirs", "shelters"):
        rtree = con.execute(f'SELECT count(*) FROM "rtree_{key}_geom"').fetchone()[0]
        rows = con.execute(f'SELECT count(*) FROM "{key}" WHERE geom IS NOT NULL').fetchone()[0]
        assert rtree == rows, key
    con.close()


def test_online_the_wrapper_writes_as_the_server_does(shared: str, tmp_path: Path) -> None:
    """Online: stale edits raise at once, desks dispatching from one stock through their replicated stores
    never overdraw (the server's advisory lock is kept), undo/redo of rows work, nothing is queued."""
    import threading

    from floodpost.data.situation.tally import TallyRejected, entry

    with open_rs(shared, tmp_path / "a", Clock()) as a, open_store(shared) as b:
        hazard = int(a.read("hazards").index[0])
        v = a.row_version("hazards", hazard)
        b.update("hazards", hazard, {"persons": 1}, expected_version=v)
        with pytest.raises(StaleEdit):
            a.update("hazards", hazard, {"persons": 2}, expected_version=v)
        fids = a.insert("works", [{"place": f"堤{i}", "reported_at": "2021-07-23 12:00"} for i in range(2)])
        rows = [a.feature("works", f) for f in fids]
        a.delete_rows("works", fids, summary="撤销")
        a.restore_rows("works", fids, [{k: v for k, v in r.items() if k != "fid"} for r in rows], summary="重做")
        assert sql(shared, "SELECT count(*) FROM works WHERE place LIKE '堤_'") == [(2,)]
        a.insert("depots", [{"name": "市仓库", "kind": "warehouse", "geometry": shapely.Point(114.3, 35.7)}])
        a.insert("material_tally", [{"depot": "市仓库", "item": "沙袋", "quantity": 100, "kind": "入库",
                                     "reported_at": "2021-07-22T08:00"}])
        assert a.connection_state().queued == 0
    written: list[int] = []
    errors: list[BaseException] = []

    def desk(n: int) -> None:
        try:
            with open_rs(shared, tmp_path / f"desk{n}", Clock()) as ws:
                for _ in range(8):
                    try:
                        entry(ws, "material_tally", {"depot": "市仓库", "item": "沙袋", "quantity": 10, "kind": "调拨",
                                                     "reported_at": "2021-07-22T12:00"}, accept_warnings=True)
                        written.append(n)
                    except TallyRejected:
                        pass
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=desk, args=(n,)) for n in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert len(written) == 10
    assert sql(shared, "SELECT sum(quantity) FROM material_tally WHERE kind = 'dispatch'") == [(100,)]


def test_an_online_write_whose_answer_was_lost_arrives_once(shared: str, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    """The server committed, the answer never came back (the cable pulled at that moment): the write is
    queued under the same entry uuid, and the replay sees the server has it."""
    from contextlib import contextmanager

    from floodpost.data.store.postgis import PostgisStore

    real = PostgisStore.queued_entry

    @contextmanager
    def lost_answer(self: PostgisStore, entry_uuid: str, note: str = "") -> Any:
        with real(self, entry_uuid, note) as con:
            yield con
        self._con.close()  # committed; then the connection is gone before the client hears of it
        raise StorageError(f"{self.name}: lost the server (server closed the connection unexpectedly); "
                           "the change was not confirmed")

    clock = Clock()
    rs = open_rs(shared, tmp_path / "replicas", clock)
    sql(shared, "SELECT nextval(pg_get_serial_sequence('works', 'fid'))")  # a rolled-back insert's gap
    monkeypatch.setattr(PostgisStore, "queued_entry", lost_answer)
    rs.insert("works", [{"place": "应答丢失", "sandbags": 9, "reported_at": "2021-07-23 17:00"}])
    monkeypatch.undo()
    state = rs.connection_state()
    assert not state.online and state.queued == 1
    assert "应答丢失" in set(rs.read("works")["place"])  # shown from the replica meanwhile
    with open_store(shared) as other:  # the server's fids move on: the replica's guess is not the server's
        other.insert("works", [{"place": "别人", "reported_at": "2021-07-23 17:01"}])
    clock.later()
    assert rs.poll().online and rs.connection_state().queued == 0
    assert sql(shared, "SELECT count(*) FROM works WHERE place = '应答丢失'") == [(1,)]
    rs.close()
    from floodpost.data.store.gpkg import GpkgStore

    with GpkgStore.open(rs.replica_path) as replica:  # the replica holds the server's row, once
        places = replica.read("works")["place"]
        assert list(places).count("应答丢失") == 1
        assert sorted(places.index) == [r[0] for r in sql(shared, "SELECT fid FROM works ORDER BY fid")]


def test_an_offline_edit_of_a_row_deleted_meanwhile_can_be_kept(shared: str, server_back: Any, tmp_path: Path) -> None:
    clock = Clock()
    rs = open_rs(shared, tmp_path / "replicas", clock)
    hazard = int(rs.read("hazards").index[0])
    server_back.stop()
    rs.update("hazards", hazard, {"persons": 55})
    server_back.start()
    with open_store(shared) as other:
        other.delete("hazards", [hazard])
    clock.later()
    assert rs.poll().conflicts == 1
    (conflict,) = rs.conflicts()
    assert isinstance(conflict.error, StaleEdit) and conflict.error.current is None
    assert conflict.mine is not None and conflict.mine["name"] == "东山滑坡"
    rs.resolve(conflict, "restore")  # the dialog's word: put it back as this desk had it, with the edit
    assert sql(shared, "SELECT name, persons, ST_AsText(geom) FROM hazards") == [("东山滑坡", 55, "POINT(114.1 35.9)")]
    assert rs.connection_state().conflicts == 0
    rs.close()


def test_connections_give_up_in_seconds_on_a_silent_lan() -> None:
    """A dead switch drops packets without refusing: the replicated store's connections carry libpq
    timeouts (connect, keepalives, TCP user timeout) unless the location sets its own."""
    from psycopg.conninfo import conninfo_to_dict

    from floodpost.data.store.replica import with_timeouts

    got = conninfo_to_dict(with_timeouts("postgresql://duty@gis-server/flood?connect_timeout=10"))
    assert got["connect_timeout"] == "10" and got["tcp_user_timeout"] == "5000" and got["keepalives"] == "1"
    assert got["host"] == "gis-server" and got["dbname"] == "flood" and got["user"] == "duty"


def test_a_change_committed_after_a_later_one_still_reaches_the_replica(shared: str, tmp_path: Path) -> None:
    """Log fids are drawn at insert and seen at commit: an entry numbered before another but committed
    after the refresh that saw the other is picked up by the next refresh (it looks back)."""
    from floodpost.data.store.gpkg import GpkgStore

    clock = Clock()
    rs = open_rs(shared, tmp_path / "replicas", clock)
    with open_store(shared) as slow, open_store(shared) as quick:
        with slow.transaction():
            slow.insert("hazards", [{"name": "慢提交", "hazard_type": "滑坡", "geometry": shapely.Point(114, 35)}])
            quick.insert("hazards", [{"name": "快提交", "hazard_type": "崩塌", "geometry": shapely.Point(114, 35.1)}])
            clock.later()
            rs.poll()  # sees the quick one (the higher log fid) only
        clock.later()
        rs.poll()
    rs.close()
    with GpkgStore.open(rs.replica_path) as replica:
        assert {"慢提交", "快提交"} <= set(replica.read("hazards")["name"])
        assert replica.log_max_fid() == sql(shared, "SELECT max(fid) FROM situation_log")[0][0]
        assert replica.count("situation_log") == sql(shared, "SELECT count(*) FROM situation_log")[0][0]


def test_an_unreadable_replica_is_set_aside_and_copied_again(shared: str, tmp_path: Path) -> None:
    folder = tmp_path / "replicas"
    with open_rs(shared, folder, Clock()) as rs:
        path = rs.replica_path
    path.write_bytes(b"not a GeoPackage any more" * 100)
    with open_rs(shared, folder, Clock()) as rs:
        assert rs.connection_state().online and rs.set_aside is not None and rs.set_aside.exists()
        assert rs.set_aside.read_bytes().startswith(b"not a GeoPackage")
    from floodpost.data.store.gpkg import GpkgStore

    with GpkgStore.open(path) as replica:
        assert replica.count("hazards") == 1


def test_a_viewer_queues_nothing(shared: str, pg_cluster: Any, server_back: Any, tmp_path: Path) -> None:
    """A viewer login keeps its replica (the meeting screen goes on showing the picture) but may not
    write, online or offline: nothing is queued that the server would refuse anyway."""
    import uuid

    from floodpost.data.store import ReadOnlyWorkspace
    from floodpost.data.store.postgis import init_server

    init_server(shared)
    name = f"u_viewer_{uuid.uuid4().hex[:8]}"
    pg_cluster.sql(f"CREATE ROLE {name} LOGIN IN ROLE floodpost_viewer")
    url = shared.replace("postgresql://postgres@", f"postgresql://{name}@")
    clock = Clock()
    rs = open_rs(url, tmp_path / "replicas", clock)
    assert not rs.can_write() and rs.count("hazards") == 1
    with pytest.raises(ReadOnlyWorkspace):
        rs.insert("works", [{"place": "屏幕", "reported_at": "2021-07-23 12:00"}])
    server_back.stop()
    assert rs.count("hazards") == 1 and not rs.connection_state().online
    with pytest.raises(ReadOnlyWorkspace):
        rs.insert("works", [{"place": "屏幕", "reported_at": "2021-07-23 12:00"}])
    assert rs.connection_state().queued == 0
    rs.close()
