"""The fold kept on disk between one-shot commands (``situation.keep``): taken up only when it may be trusted.

Every answer from a kept fold must equal a fold built afresh: after nothing
changed, after a logged write, after another program's unlogged write (in
WAL mode too), with another workspace copied over the file, and with the
kept file damaged or made by other code.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from floodpost.cli import main
from floodpost.data import situation
from floodpost.data.situation import keep
from floodpost.data.workspace import Workspace
from tests.conftest import direct_sql

AT = "2021-07-22T21:00"


def _records(ws: Any, sandbags: int = 5000) -> None:
    ws.insert("evacuation", [
        {"area": "良相坡", "area_kind": "storage_area", "planned_persons": 1000, "transferred_persons": 100,
         "reported_at": "2021-07-22T08:00"},
        {"area": "良相坡", "area_kind": "storage_area", "planned_persons": 1000, "transferred_persons": 300,
         "reported_at": "2021-07-22T20:00"},
    ])
    ws.insert("material_tally", [
        {"depot": "市仓库", "item": "沙袋", "quantity": sandbags, "kind": "入库", "reported_at": "2021-07-22T08:00"},
        {"depot": "市仓库", "item": "沙袋", "quantity": 2000, "kind": "调拨", "reported_at": "2021-07-22T10:00"},
    ])


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[int]:
    """Counts the folds built from the whole workspace (a kept fold taken up builds none)."""
    monkeypatch.setenv("FLOODPOST_CACHE_DIR", str(tmp_path / "cache"))
    calls: list[int] = []
    real = situation.Engine._build

    def counted(self: Any) -> None:
        calls.append(1)
        real(self)

    monkeypatch.setattr(situation.Engine, "_build", counted)
    return calls


def _info(location: Any, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    capsys.readouterr()
    assert main(["info", os.fspath(location), "--json", "--at", AT]) == 0
    out = json.loads(capsys.readouterr().out)
    out.pop("path", None)
    return out


def _fresh(location: Any, builds: list[int]) -> dict[str, Any]:
    """The same answer from a fold built in this process, nothing kept or taken up (its build not counted)."""
    situation.keep_folds(False)
    n = len(builds)
    with Workspace.open(location) as ws:
        out = json.loads(json.dumps(situation.report(ws, AT), ensure_ascii=False))
    del builds[n:]
    return out


def _kept_files() -> list[Path]:
    return sorted(keep.cache_dir().glob("*.fold"))


@pytest.fixture
def ws_made(ws_location: Any) -> Any:
    with Workspace.create(ws_location) as ws:
        _records(ws)
    return ws_location


def _totals(info: dict[str, Any]) -> dict[str, Any]:
    return {k: info[k] for k in ("at", "totals", "ages")}


def test_a_second_info_takes_the_kept_fold_up(ws_made: Any, builds: list[int], capsys) -> None:
    first = _info(ws_made, capsys)
    assert builds == [1] and len(_kept_files()) == 1
    second = _info(ws_made, capsys)
    assert builds == [1], "nothing was written: the kept fold answers"
    assert second == first
    assert _totals(second) == _totals(_fresh(ws_made, builds))
    assert second["totals"]["materials"]["stock_in"]["sandbag"] == 5000


def test_a_logged_write_is_caught_up_not_folded_again(ws_made: Any, builds: list[int], capsys) -> None:
    _info(ws_made, capsys)
    with Workspace.open(ws_made) as ws:
        ws.insert("material_tally", [{"depot": "市仓库", "item": "沙袋", "quantity": 700, "kind": "入库",
                                      "reported_at": "2021-07-22T12:00"}])
        ws.insert("evacuation", [{"area": "良相坡", "area_kind": "storage_area", "planned_persons": 1000,
                                  "transferred_persons": 450, "reported_at": "2021-07-22T20:30"}])
    got = _info(ws_made, capsys)
    assert builds == [1], "two logged inserts: caught up through the log"
    assert got["totals"]["materials"]["stock_in"]["sandbag"] == 5700
    assert got["totals"]["evacuation"]["persons"]["transferred"] == 450
    assert _totals(got) == _totals(_fresh(ws_made, builds))
    assert _totals(_info(ws_made, capsys)) == _totals(got) and builds == [1]  # kept again after catching up


@pytest.mark.parametrize("wal", [False, True], ids=["rollback", "wal"])
def test_another_programs_write_is_never_missed(ws_made: Any, backend: str, wal: bool, builds: list[int],
                                                 capsys) -> None:
    """QGIS or sqlite3 changes a figure in place: no row added, no FloodPost log entry (a file), or the
    server's trigger logs it (a shared workspace). The answer shows the new figure either way."""
    if wal and backend != "gpkg":
        pytest.skip("WAL is a GeoPackage's journal mode")
    if wal:
        import sqlite3

        con = sqlite3.connect(os.fspath(ws_made))
        con.execute("PRAGMA journal_mode=WAL")  # as QGIS leaves a GeoPackage it edits
    _info(ws_made, capsys)
    if wal:
        with con:
            con.execute("UPDATE material_tally SET quantity = 4321 WHERE kind = 'stock_in'")
        got = _info(ws_made, capsys)  # while the other program still holds the file open, its change in the WAL
        con.close()
    else:
        direct_sql(ws_made, "UPDATE material_tally SET quantity = 4321 WHERE kind = 'stock_in'")
        got = _info(ws_made, capsys)
    assert got["totals"]["materials"]["stock_in"]["sandbag"] == 4321
    assert _totals(got) == _totals(_fresh(ws_made, builds))


def test_another_workspace_copied_over_the_file(tmp_path: Path, builds: list[int], capsys) -> None:
    """A restored backup at the same path: its log is another history, so the kept fold is not taken up."""
    a, b = tmp_path / "ws.gpkg", tmp_path / "other.gpkg"
    with Workspace.create(a) as ws:
        _records(ws)
    with Workspace.create(b) as ws:
        _records(ws, sandbags=900)
        _records(ws, sandbags=100)  # a longer log than the first's
    assert _info(a, capsys)["totals"]["materials"]["stock_in"]["sandbag"] == 5000
    shutil.copy(b, a)
    got = _info(a, capsys)
    assert got["totals"]["materials"]["stock_in"]["sandbag"] == 1000
    assert builds == [1, 1]


def test_a_damaged_or_foreign_kept_fold_is_thrown_away(ws_made: Any, builds: list[int], capsys,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    first = _info(ws_made, capsys)
    (kept,) = _kept_files()
    kept.write_bytes(kept.read_bytes()[:1000])  # a process killed while writing, a full disk
    assert _info(ws_made, capsys) == first and builds == [1, 1]
    monkeypatch.setattr(keep, "_CODE", "made by other code")
    assert _info(ws_made, capsys) == first and builds == [1, 1, 1]
    kept.write_bytes(b"not a fold at all")
    assert _info(ws_made, capsys) == first and builds == [1, 1, 1, 1]


def test_no_cache_folder_costs_speed_never_an_answer(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     capsys) -> None:
    path = tmp_path / "ws.gpkg"
    with Workspace.create(path) as ws:
        _records(ws)
    blocker = tmp_path / "a file"
    blocker.write_text("x")
    monkeypatch.setenv("FLOODPOST_CACHE_DIR", str(blocker))  # its folds folder cannot be made
    first = _info(path, capsys)
    assert first["totals"]["materials"]["stock_in"]["sandbag"] == 5000
    assert _info(path, capsys) == first


def test_only_the_newest_kept_folds_stay(tmp_path: Path, builds: list[int], capsys,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keep, "KEEP", 2)
    paths = []
    for i in range(3):
        p = tmp_path / f"ws{i}.gpkg"
        with Workspace.create(p) as ws:
            _records(ws)
        paths.append(p)
        _info(p, capsys)
    assert len(_kept_files()) == 2
    _info(paths[2], capsys)
    assert builds == [1, 1, 1], "the newest is still kept"
    _info(paths[0], capsys)
    assert builds == [1, 1, 1, 1], "the oldest was deleted"


def test_the_window_and_the_tests_keep_nothing(ws_made: Any, builds: list[int]) -> None:
    """Only one-shot commands keep folds: a running window keeps its fold in memory."""
    with Workspace.open(ws_made) as ws:
        situation.report(ws, AT)
    assert not _kept_files()


def test_the_curves_are_kept_with_the_fold_until_it_changes(ws_made: Any, builds: list[int],
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The dashboard's curves come with a kept fold (a season's window drew them 0.17 s sooner), and any
    change to the fold, in this process or caught up from the log, draws them anew."""
    def fresh_series() -> situation.Timeline:
        situation.keep_folds(False)
        with Workspace.open(ws_made) as ws:
            return situation.series(ws)

    situation.keep_folds(True)
    with Workspace.open(ws_made) as ws:
        first = situation.series(ws)
        assert situation.series(ws) is first  # kept, not drawn again
        situation.keep_fold(ws)
    want = fresh_series()
    real = situation.Engine.series
    drawn: list[int] = []

    def counted(self: Any, times: Any = None) -> Any:
        if self._series_kept is None or times is not None:
            drawn.append(1)
        return real(self, times)

    monkeypatch.setattr(situation.Engine, "series", counted)
    situation.keep_folds(True)
    with Workspace.open(ws_made) as ws:
        assert situation.take_up(ws)
        got = situation.series(ws)
        assert drawn == [] and got.times == want.times
        assert all((got.values[k] == want.values[k]).all() for k in want.values)
        _records(ws, sandbags=7000)  # a write: the fold catches up, the curves are drawn again
        later = situation.series(ws)
        assert drawn == [1] and later is not got
        assert later.times == fresh_series().times
        assert later.get("materials", "stock_in", "sandbag")[-1] == fresh_series().get("materials", "stock_in", "sandbag")[-1]
    situation.keep_folds(False)
