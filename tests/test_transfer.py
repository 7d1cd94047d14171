"""Whole-workspace copies: GpkgStore.dump/load and copy_workspace (push/pull between any two back ends)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import shapely

from floodpost.data.transfer import TransferError, copy_workspace
from floodpost.data.workspace import StorageError, Workspace


def _same_frames(a: pd.DataFrame, b: pd.DataFrame) -> None:
    assert list(a.index) == list(b.index)
    assert list(a.columns) == list(b.columns)
    for col in a.columns:
        if col == "geometry":
            assert all(
                (x is None and y is None) or shapely.equals_exact(x, y, 0) for x, y in zip(a[col], b[col], strict=True)
            ), col
        else:
            pd.testing.assert_series_equal(a[col], b[col], check_names=False, obj=col)


def test_dump_has_identity_and_every_field(demo_path: Path) -> None:
    with Workspace.open(demo_path) as ws:
        hazards = ws.dump("hazards")
        assert hazards.index.name == "fid"
        assert {"uuid", "row_version", "geometry", "name"} <= set(hazards.columns)
        assert hazards.crs.to_epsg() == 4490
        assert hazards["uuid"].notna().all() and (hazards["row_version"] >= 1).all()
        log = ws.dump("situation_log")
        assert "row_version" not in log.columns
        assert {"uuid", "at", "operator", "action", "before", "after"} <= set(log.columns)
        assert len(log) == ws.count("situation_log")


def test_gpkg_to_gpkg_copy_is_value_for_value(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "copy.gpkg"
    with Workspace.open(demo_path) as ws:  # a version bumped by an edit must travel too
        fid = int(ws.read("hazards").index[0])
        ws.update("hazards", fid, {"note": "巡查加密"}, operator="test")
    seen: list[tuple[str, int, int]] = []
    report = copy_workspace(demo_path, out, progress=lambda k, d, t: seen.append((k, d, t)))
    assert seen[-1][1] == seen[-1][2] == len(report.counts)
    with Workspace.open(demo_path) as a, Workspace.open(out) as b:
        assert a.keys() == b.keys()
        for key in a.keys():  # noqa: SIM118 - a Store, not a dict
            _same_frames(a.dump(key), b.dump(key))
        assert b.row_version("hazards", fid) == a.row_version("hazards", fid) == 2
        assert b.extent() == pytest.approx(a.extent())
        for key in ("hazards", "storage_areas"):
            assert b.extent(key) == pytest.approx(a.extent(key))
        # the copy is a working workspace: the R-tree finds the features, and new rows get new fids
        x0, y0, x1, y1 = a.extent("hazards")
        assert len(b.read_geometry("hazards")[0]) == a.count("hazards")
        new = b.insert("hazards", [{"name": "新隐患", "hazard_type": "滑坡",
                                    "geometry": shapely.Point((x0 + x1) / 2, (y0 + y1) / 2)}], operator="t")
        assert new[0] > a.max_fid("hazards")
        assert b.log_max_fid() > a.log_max_fid()  # the insert logged after the copied entries
    assert report.counts["situation_log"] == len(Workspace.open(demo_path).dump("situation_log"))


def test_load_writes_no_log_entry_and_refuses_a_full_table(demo_path: Path, tmp_path: Path) -> None:
    with Workspace.open(demo_path) as src, Workspace.create(tmp_path / "t.gpkg") as dst:
        before = dst.log_max_fid()
        dst.load("shelters", src.dump("shelters"))
        assert dst.log_max_fid() == before
        assert dst.count("shelters") == src.count("shelters")
        with pytest.raises(StorageError, match="not empty"):
            dst.load("shelters", src.dump("shelters"))


def test_an_existing_destination_file_is_refused_and_kept(demo_path: Path, tmp_path: Path) -> None:
    out = tmp_path / "there.gpkg"
    out.write_bytes(b"keep me")
    with pytest.raises(TransferError, match="already exists"):
        copy_workspace(demo_path, out)
    assert out.read_bytes() == b"keep me"
    with pytest.raises(TransferError, match="no such workspace"):
        copy_workspace(tmp_path / "missing.gpkg", tmp_path / "x.gpkg")
    assert not (tmp_path / "x.gpkg").exists()


def test_a_failed_copy_leaves_the_destination_as_it_was(demo_path: Path, tmp_path: Path, monkeypatch) -> None:
    out = tmp_path / "old.gpkg"
    out.write_bytes(b"the old file")
    from floodpost.data.store.gpkg.store import GpkgStore

    def broken(self, key, frame):  # noqa: ANN001, ANN202
        if key == "forces":
            raise StorageError("disk trouble")
        return real(self, key, frame)

    real = GpkgStore.load
    monkeypatch.setattr(GpkgStore, "load", broken)
    with pytest.raises(StorageError, match="disk trouble"):
        copy_workspace(demo_path, out, overwrite=True)
    assert out.read_bytes() == b"the old file"
    assert not [p.name for p in tmp_path.iterdir() if ".part" in p.name]  # no half copy left beside it
