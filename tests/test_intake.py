"""Data intake on the files counties really send, built here byte by byte.

Every refusal must name the file, the row and the reason and leave the
workspace file exactly as it was.
"""

from __future__ import annotations

import csv
import hashlib
import shutil
import sqlite3
import tempfile
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import openpyxl
import pytest
import shapely
from pyproj import Transformer

from floodpost.cli import main
from floodpost.data.export import export_layer
from floodpost.data.intake import ImportCancelled, gcj02, import_file, prepare
from floodpost.data.intake.readers import sniff_encoding
from floodpost.data.schema.validate import ValidationError
from floodpost.data.workspace import Workspace

NAMES = ["淇河湾滑坡", "鹤山区黄庄塌陷", "石林镇崩塌", "纣王殿泥石流沟"]
KINDS = ["滑坡", "采煤沉陷区", "崩塌", "泥石流"]
CODES = ["landslide", "subsidence", "collapse", "debris_flow"]
LONLAT = [(114.052, 35.871), (114.166, 35.963), (114.011, 35.792), (113.987, 35.912)]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture
def ws_path(tmp_path: Path) -> Path:
    path = tmp_path / "ws.gpkg"
    Workspace.create(path).close()
    return path


def hazards_frame(crs: int = 4490) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"名称": NAMES, "类型": KINDS, "威胁人数": [12, 230, 45, 8], "责任人": ["张建国", "李秀英", "王强", "赵敏"],
         "联系电话": ["0392-1234567", "13800000001", "13800000002", "13800000003"]},
        geometry=[shapely.Point(x, y) for x, y in LONLAT], crs=crs,
    )


def imported(ws_path: Path, key: str = "hazards") -> gpd.GeoDataFrame:
    with Workspace.open(ws_path) as ws:
        return ws.read(key)


def refuse(ws_path: Path, path: Path, key: str = "hazards", **kw) -> ValidationError:
    """Import must fail with a located error and leave the workspace's bytes alone."""
    before = digest(ws_path)
    with Workspace.open(ws_path) as ws, pytest.raises(ValidationError) as info:
        import_file(ws, path, key, **kw)
    assert digest(ws_path) == before
    return info.value


# ------------------------------------------------------------------ encodings
def test_gbk_shapefile_without_cpg_reads_chinese(ws_path: Path, tmp_path: Path) -> None:
    shp = tmp_path / "隐患点.shp"
    hazards_frame().to_file(shp, encoding="gbk")
    shp.with_suffix(".cpg").unlink(missing_ok=True)
    assert NAMES[0].encode("gbk") in shp.with_suffix(".dbf").read_bytes()  # written as GBK bytes
    with Workspace.open(ws_path) as ws:
        report = import_file(ws, shp, "hazards")
    assert any("gb18030, detected" in n for n in report.notes)
    got = imported(ws_path)
    assert list(got["name"]) == NAMES
    assert list(got["hazard_type"]) == CODES
    assert list(got["resp_person"]) == ["张建国", "李秀英", "王强", "赵敏"]


def test_gb18030_with_cpg_936_and_utf8_override(ws_path: Path, tmp_path: Path) -> None:
    shp = tmp_path / "gb.shp"
    hazards_frame().to_file(shp, encoding="gb18030")
    shp.with_suffix(".cpg").write_text("936")
    with Workspace.open(ws_path) as ws:
        report = import_file(ws, shp, "hazards")
    assert any("936" in n for n in report.notes)
    assert list(imported(ws_path)["name"]) == NAMES
    # A wrong override is the user's word, but the result must not be silently mojibake:
    # GBK bytes are not UTF-8, so the names fail or differ - never equal by accident.
    utf = tmp_path / "utf.shp"
    hazards_frame().to_file(utf, encoding="utf-8")
    utf.with_suffix(".cpg").unlink(missing_ok=True)
    assert prepare(utf, "hazards").records[1]["name"] == NAMES[1]
    assert prepare(utf, "hazards", encoding="UTF-8").records[1]["name"] == NAMES[1]


def test_sniff_encoding() -> None:
    text = "鹤壁市淇滨区大赉店镇"
    assert sniff_encoding(text.encode("utf-8")) == "utf-8"
    assert sniff_encoding(text.encode("gbk")) == "gb18030"
    assert sniff_encoding(text.encode("utf-8")[:-1]) == "utf-8"  # cut mid-character
    assert sniff_encoding(b"\xef\xbb\xbfname") == "utf-8-sig"


# ------------------------------------------------------------------ spreadsheets
def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_csv_gbk_dms_title_and_totals_rows(ws_path: Path, tmp_path: Path) -> None:
    rows = [
        ["鹤壁市地质灾害隐患点一览表", "", "", "", ""],
        ["填报单位：鹤山区自然资源局", "", "", "", ""],
        ["序号", "隐患点名称", "灾害类型", "东经", "北纬", "威胁人数(人)"],
        [1, NAMES[0], KINDS[0], "114°03′07.2″E", "35°52′15.6″N", "12"],
        [2, NAMES[1], KINDS[1], "114 09 57.6", "35 57 46.8", "230人"],
        [3, NAMES[2], KINDS[2], "114.011", "35.792", "45"],
        ["", "合  计", "", "", "", "287"],
        ["注：坐标为CGCS2000"],
    ]
    path = write_csv(tmp_path / "隐患点.csv", rows, "gbk")
    with Workspace.open(ws_path) as ws:
        report = import_file(ws, path, "hazards")
    assert report.count == 3
    assert any("totals rows not imported: 7" in n for n in report.notes)
    got = imported(ws_path)
    assert list(got["name"]) == NAMES[:3]
    assert list(got["persons"]) == [12, 230, 45]
    assert got.geometry.iloc[0].x == pytest.approx(114 + 3 / 60 + 7.2 / 3600, abs=1e-9)
    assert got.geometry.iloc[1].y == pytest.approx(35 + 57 / 60 + 46.8 / 3600, abs=1e-9)


def test_xlsx_two_row_header_for_evacuation(ws_path: Path, tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    sh = wb.active
    sh.append(["浚县群众转移安置情况统计表（截至7月23日18时）"])
    sh.merge_cells("A1:H1")
    sh.append(["区域", "计划转移", None, "已转移", None, "已安置", None, "报告时间"])
    sh.merge_cells("B2:C2")
    sh.merge_cells("D2:E2")
    sh.merge_cells("F2:G2")
    sh.append([None, "户", "人", "户", "人", "户", "人", None])
    sh.append(["良相坡", 9800, 31000, 5200, 16800, 4100, 12000, "2021年7月23日18时"])
    sh.append(["长虹渠", 3000, 9000, 3000, 9000, 2500, 7600, "2021-07-23 18:00"])
    sh.append(["合计", 12800, 40000, 8200, 25800, 6600, 19600, None])
    path = tmp_path / "转移.xlsx"
    wb.save(path)
    with Workspace.open(ws_path) as ws:
        report = import_file(ws, path, "evacuation")
    assert report.count == 2
    got = imported(ws_path, "evacuation")
    assert list(got["transferred_persons"]) == [16800, 9000]
    assert list(got["planned_households"]) == [9800, 3000]
    assert list(got["sheltered_persons"]) == [12000, 7600]
    assert got["reported_at"].iloc[0] == "2021-07-23T10:00:00.000Z"


def test_swapped_lon_lat_refused_with_hint(ws_path: Path, tmp_path: Path) -> None:
    rows = [["名称", "类型", "经度", "纬度"], [NAMES[0], "滑坡", 35.87, 114.05]]
    err = refuse(ws_path, write_csv(tmp_path / "swap.csv", rows))
    assert err.row == 2 and "exchanged" in str(err)


def test_bad_row_aborts_everything(ws_path: Path, tmp_path: Path) -> None:
    rows = [["名称", "类型", "经度", "纬度", "威胁人数"]]
    rows += [[f"点{i}", "滑坡", 114.0 + i / 1000, 35.8, i] for i in range(50)]
    rows[31][1] = "火山"  # not a hazard type
    err = refuse(ws_path, write_csv(tmp_path / "bad.csv", rows))
    assert (err.source, err.row, err.column) == ("bad.csv", 32, "类型")
    assert "火山" in str(err)
    rows[31][1] = "滑坡"
    rows[40][4] = "-3"
    err = refuse(ws_path, write_csv(tmp_path / "bad.csv", rows))
    assert (err.row, err.column) == (41, "威胁人数") and "minimum" in err.reason


def test_missing_required_column_named(ws_path: Path, tmp_path: Path) -> None:
    rows = [["名称", "经度", "纬度"], ["甲", 114.0, 35.8]]
    err = refuse(ws_path, write_csv(tmp_path / "x.csv", rows))
    assert "灾害类型" in str(err) and "hazard_type" in str(err)


def test_outside_china_refused(ws_path: Path, tmp_path: Path) -> None:
    rows = [["名称", "类型", "经度", "纬度"], ["甲", "滑坡", 14.0, 35.8]]
    err = refuse(ws_path, write_csv(tmp_path / "x.csv", rows))
    assert err.row == 2 and "outside China" in str(err)


# ------------------------------------------------------------------ coordinate systems
def test_gauss_kruger_prj_is_honoured(ws_path: Path, tmp_path: Path) -> None:
    shp = tmp_path / "gk.shp"
    hazards_frame().to_crs(4526).to_file(shp, encoding="utf-8")
    assert "Gauss" in shp.with_suffix(".prj").read_text() or "GK" in shp.with_suffix(".prj").read_text()
    with Workspace.open(ws_path) as ws:
        import_file(ws, shp, "hazards")
    got = imported(ws_path)
    for g, (x, y) in zip(got.geometry, LONLAT, strict=True):
        assert g.x == pytest.approx(x, abs=1e-8) and g.y == pytest.approx(y, abs=1e-8)


def test_grid_coordinates_without_crs_get_a_hint_then_import(ws_path: Path, tmp_path: Path) -> None:
    tr = Transformer.from_crs(4490, 4526, always_xy=True)
    rows = [["名称", "类型", "X坐标", "Y坐标"]]
    for name, kind, (lon, lat) in zip(NAMES, KINDS, LONLAT, strict=True):
        e, n = tr.transform(lon, lat)
        rows.append([name, kind, round(n, 3), round(e, 3)])  # surveyors: X is north
    path = write_csv(tmp_path / "gk.csv", rows)
    err = refuse(ws_path, path, lon="Y坐标", lat="X坐标")
    assert "EPSG:4526" in str(err)
    with Workspace.open(ws_path) as ws:
        report = import_file(ws, path, "hazards", crs="EPSG:4526")
    assert any("surveying convention" in n for n in report.notes)
    got = imported(ws_path)
    assert got.geometry.iloc[2].x == pytest.approx(LONLAT[2][0], abs=1e-7)
    assert got.geometry.iloc[2].y == pytest.approx(LONLAT[2][1], abs=1e-7)


def test_gcj02_points_land_on_their_wgs84_truth(ws_path: Path, tmp_path: Path) -> None:
    lon, lat = np.array(LONLAT).T
    glon, glat = gcj02.wgs84_to_gcj02(lon, lat)
    rows = [["名称", "类型", "lng", "lat"]] + [
        [n, k, f"{x:.8f}", f"{y:.8f}"] for n, k, x, y in zip(NAMES, KINDS, glon, glat, strict=True)
    ]
    path = write_csv(tmp_path / "phone.csv", rows)
    with Workspace.open(ws_path) as ws:
        report = import_file(ws, path, "hazards", crs="gcj02")
    assert "GCJ-02" in report.crs_note
    got = imported(ws_path)
    metres = np.hypot((got.geometry.x - lon) * 111_320 * np.cos(np.radians(lat)), (got.geometry.y - lat) * 110_540)
    assert metres.max() < 0.05  # well under 1 m (the text keeps 8 decimals)


# ------------------------------------------------------------------ geometry
def storage_frame(geom: shapely.Geometry) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"name": ["共渠西"], "status": ["待命"]}, geometry=[geom], crs=4490)


def test_bow_tie_polygon_repaired_with_note(ws_path: Path, tmp_path: Path) -> None:
    bow = shapely.Polygon([(114.0, 35.6), (114.1, 35.7), (114.1, 35.6), (114.0, 35.7), (114.0, 35.6)])
    assert not bow.is_valid
    path = tmp_path / "bow.geojson"
    storage_frame(bow).to_file(path)
    with Workspace.open(ws_path) as ws:
        report = import_file(ws, path, "storage_areas")
    assert len(report.repaired) == 1 and "Self-intersection" in report.repaired[0]
    g = imported(ws_path, "storage_areas").geometry.iloc[0]
    assert g.is_valid and g.area == pytest.approx(0.005, rel=1e-9)


def test_polygon_that_repair_would_mangle_is_refused(ws_path: Path, tmp_path: Path) -> None:
    # A long zero-width spike: repair would cut off 1.5 km of the outline.
    spike = shapely.Polygon([(114.0, 35.6), (114.01, 35.6), (114.01, 35.61), (114.005, 35.61),
                             (114.005, 35.65), (114.005, 35.61), (114.0, 35.61)])
    assert not spike.is_valid
    path = tmp_path / "spike.geojson"
    storage_frame(spike).to_file(path)
    err = refuse(ws_path, path, "storage_areas")
    assert err.row == 1 and "refused" in str(err)


def test_wrong_and_empty_geometries_refused(ws_path: Path, tmp_path: Path) -> None:
    path = tmp_path / "line.geojson"
    gpd.GeoDataFrame({"名称": ["甲"], "类型": ["滑坡"]}, geometry=[shapely.LineString([(114, 35.8), (114.1, 35.9)])],
                     crs=4490).to_file(path)
    assert "does not fit layer hazards" in str(refuse(ws_path, path))
    empty = tmp_path / "empty.csv"
    write_csv(empty, [["名称", "类型", "经度", "纬度"], ["甲", "滑坡", 114.0, 35.8], ["乙", "滑坡", "", ""]])
    err = refuse(ws_path, empty)
    assert err.row == 3 and "empty" in str(err)


# ------------------------------------------------------------------ damaged files
def test_truncated_geopackage_gets_a_clear_error(ws_path: Path, tmp_path: Path, demo_master: Path) -> None:
    cut = tmp_path / "cut.gpkg"
    data = demo_master.read_bytes()
    cut.write_bytes(data[: len(data) // 3])
    err = refuse(ws_path, cut)
    assert err.source == "cut.gpkg" and "cannot read" in str(err)


def test_truncated_shapefile_and_kml(ws_path: Path, tmp_path: Path) -> None:
    shp = tmp_path / "cut.shp"
    hazards_frame().to_file(shp, encoding="utf-8")
    shp.write_bytes(shp.read_bytes()[:150])
    assert "truncated" in str(refuse(ws_path, shp))
    kml = tmp_path / "cut.kml"
    kml.write_text('<?xml version="1.0"?><kml><Document><Placemark><name>甲</name><Point><coord', "utf-8")
    assert "not well-formed" in str(refuse(ws_path, kml))
    junk = tmp_path / "junk.xlsx"
    junk.write_bytes(b"PK\x03\x04 not really a workbook")
    assert "cannot open the workbook" in str(refuse(ws_path, junk))


# ------------------------------------------------------------------ KMZ from a tablet
def test_kmz_with_extended_data_and_description_table(ws_path: Path, tmp_path: Path) -> None:
    kml = f"""<?xml version="1.0" encoding="UTF-8"?>
<kml xmlns="http://www.opengis.net/kml/2.2"><Document><Folder><name>巡查</name>
<Placemark><name>{NAMES[0]}</name>
 <ExtendedData><Data name="类型"><value>滑坡</value></Data><Data name="威胁人数"><value>12</value></Data></ExtendedData>
 <Point><coordinates>114.052,35.871,0</coordinates></Point></Placemark>
<Placemark><name>{NAMES[2]}</name>
 <description><![CDATA[<table><tr><td>类型</td><td>崩塌</td></tr><tr><td>威胁人数</td><td>45</td></tr></table>]]></description>
 <Point><coordinates>114.011,35.792</coordinates></Point></Placemark>
</Folder></Document></kml>"""
    path = tmp_path / "巡查.kmz"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("doc.kml", kml.encode("utf-8"))
    with Workspace.open(ws_path) as ws:
        import_file(ws, path, "hazards")
    got = imported(ws_path)
    assert list(got["hazard_type"]) == ["landslide", "collapse"]
    assert list(got["persons"]) == [12, 45]


# ------------------------------------------------------------------ round trips
SPATIAL = ["hazards", "rivers", "storage_areas", "forces", "shelters"]
FORMATS = [".gpkg", ".shp", ".zip", ".geojson", ".kml", ".kmz", ".csv", ".xlsx"]


@pytest.mark.parametrize("suffix", FORMATS)
@pytest.mark.parametrize("key", SPATIAL)
def test_round_trip_through_every_format(demo_master: Path, tmp_path: Path, key: str, suffix: str) -> None:
    out = tmp_path / f"{key}{suffix}"
    with Workspace.open(demo_master) as ws:
        export_layer(ws, key, out)
        want = ws.read(key)
    target = tmp_path / "new.gpkg"
    Workspace.create(target).close()
    with Workspace.open(target) as ws:
        import_file(ws, out, key)
        got = ws.read(key)
    assert len(got) == len(want)
    for f in want.columns:
        if f in ("geometry", "source"):
            continue
        a = [None if v is None or v != v else v for v in want[f].astype(object)]
        b = [None if v is None or v != v else v for v in got[f].astype(object)]
        assert a == b, f
    for g0, g1 in zip(want.geometry, got.geometry, strict=True):
        assert g0.equals_exact(g1, tolerance=1e-6) or g0.normalize().equals_exact(g1.normalize(), 1e-6)


def test_zipped_shapefile_leaves_nothing_unpacked(demo_master: Path, tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))
    out = tmp_path / "hazards.zip"
    with Workspace.open(demo_master) as ws:
        export_layer(ws, "hazards", out)
        want = len(ws.read("hazards"))
    target = tmp_path / "new.gpkg"
    Workspace.create(target).close()
    with Workspace.open(target) as ws:
        import_file(ws, out, "hazards")
        assert len(ws.read("hazards")) == want
    broken = tmp_path / "broken.zip"
    broken.write_bytes(out.read_bytes()[: out.stat().st_size // 2])
    with Workspace.open(target) as ws, pytest.raises(ValidationError):
        import_file(ws, broken, "hazards")
    assert list(scratch.iterdir()) == []


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".gpkg"])
def test_tables_round_trip(demo_master: Path, tmp_path: Path, suffix: str) -> None:
    for key in ("material_tally", "evacuation", "works"):
        out = tmp_path / f"{key}{suffix}"
        with Workspace.open(demo_master) as ws:
            export_layer(ws, key, out)
            want = ws.read(key)
        target = tmp_path / f"{key}-new.gpkg"
        Workspace.create(target).close()
        with Workspace.open(target) as ws:
            import_file(ws, out, key)
            got = ws.read(key)
        cols = [c for c in want.columns if c != "source"]
        assert want[cols].reset_index(drop=True).equals(got[cols].reset_index(drop=True)), key


def test_gbk_shapefile_export_for_old_software(demo_master: Path, tmp_path: Path) -> None:
    out = tmp_path / "hazards.shp"
    with Workspace.open(demo_master) as ws:
        export_layer(ws, "hazards", out, encoding="GBK")
        names = list(ws.read("hazards")["name"])
    assert out.with_suffix(".cpg").read_text() == "GBK"
    assert names[0].encode("gbk") in out.with_suffix(".dbf").read_bytes()
    assert [r["name"] for r in prepare(out, "hazards").records] == names


def test_press_export_has_no_persons_or_phones(demo_master: Path, tmp_path: Path) -> None:
    out = tmp_path / "hazards.csv"
    with Workspace.open(demo_master) as ws:
        export_layer(ws, "hazards", out, press=True)
        frame = ws.read("hazards")
    text = out.read_text("utf-8-sig")
    for v in list(frame["resp_phone"].dropna()) + list(frame["resp_person"].dropna()):
        assert str(v) not in text


# ------------------------------------------------------------------ large files and cancel
def test_cancel_leaves_workspace_unchanged(ws_path: Path, tmp_path: Path) -> None:
    n = 20_000
    rng = np.random.default_rng(1)
    gdf = gpd.GeoDataFrame(
        {"name": [f"点{i}" for i in range(n)], "hazard_type": ["landslide"] * n},
        geometry=shapely.points(114 + rng.random(n) * 0.5, 35.5 + rng.random(n) * 0.5), crs=4490,
    )
    path = tmp_path / "many.gpkg"
    gdf.to_file(path, layer="hazards")
    before = digest(ws_path)
    seen: list[tuple[str, int]] = []

    def stop_while_writing(phase: str, done: int, total: int) -> bool:
        seen.append((phase, done))
        return not (phase == "write" and done >= 10_000)

    with Workspace.open(ws_path) as ws, pytest.raises(ImportCancelled):
        import_file(ws, path, "hazards", progress=stop_while_writing)
    assert digest(ws_path) == before
    assert ("validate", n) in seen and any(p == "write" for p, _ in seen)
    with Workspace.open(ws_path) as ws:
        assert ws.count("hazards") == 0
        report = import_file(ws, path, "hazards")
        assert report.count == n and ws.count("hazards") == n


# ------------------------------------------------------------------ command line
def test_cli_import_and_export(ws_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    rows = [["名称", "类型", "经度", "纬度"], [NAMES[0], KINDS[0], "114°3′7.2″", "35°52′15.6″"]]
    path = write_csv(tmp_path / "a.csv", rows)
    assert main(["import", str(ws_path), str(path), "--as", "hazards"]) == 0
    assert "imported 1 rows into hazards" in capsys.readouterr().out
    bad = write_csv(tmp_path / "b.csv", [["名称", "类型", "经度", "纬度"], ["乙", "火山", 114.0, 35.8]])
    assert main(["import", str(ws_path), str(bad), "--as", "hazards"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "b.csv, row 2, column '类型'" in err
    assert main(["import", str(ws_path), str(path), "--as", "situation_log"]) == 1
    assert main(["import", str(tmp_path / "none.gpkg"), str(path), "--as", "hazards"]) == 1
    out = tmp_path / "out.kmz"
    assert main(["export", str(ws_path), "--layer", "hazards", "-o", str(out)]) == 0
    assert zipfile.ZipFile(out).read("doc.kml").decode().count("<Placemark>") == 1


def test_import_is_one_log_entry(ws_path: Path, tmp_path: Path) -> None:
    rows = [["名称", "类型", "经度", "纬度"]] + [[f"点{i}", "滑坡", 114.0, 35.8] for i in range(3)]
    path = write_csv(tmp_path / "a.csv", rows)
    with Workspace.open(ws_path) as ws:
        import_file(ws, path, "hazards")
        log = ws.log_entries()
    assert list(log["action"]) [-1] == "import" and "a.csv" in log["summary"].iloc[-1]
    con = sqlite3.connect(ws_path)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    con.close()


def test_same_file_twice_is_fine_and_copy_is_untouched(ws_path: Path, tmp_path: Path) -> None:
    shp = tmp_path / "a.shp"
    hazards_frame().to_file(shp, encoding="utf-8")
    copy = tmp_path / "copy"
    shutil.copytree(tmp_path, copy, ignore=shutil.ignore_patterns("copy", "*.gpkg"))
    with Workspace.open(ws_path) as ws:
        import_file(ws, shp, "hazards")
        import_file(ws, shp, "hazards")
        assert ws.count("hazards") == 8
    assert digest(shp) == digest(copy / "a.shp")


def test_one_column_with_both_coordinates_and_phone_pairs(ws_path: Path, tmp_path: Path) -> None:
    rows = [["名称", "类型", "经纬度", "联系电话", "上报时间"],
            ["甲", "滑坡", "114.052, 35.871", "13800000001/0392-2345678", "2021/7/22 18:00"],
            ["乙", "崩塌", "114°00′39.6″，35°47′31.2″", "13800000002", "2021年7月22日18时30分"]]
    with Workspace.open(ws_path) as ws:
        report = import_file(ws, write_csv(tmp_path / "pair.csv", rows), "hazards")
    assert report.ignored == ["上报时间"]  # hazards have no report time
    got = imported(ws_path)
    assert got.geometry.iloc[0].x == pytest.approx(114.052) and got.geometry.iloc[1].y == pytest.approx(35.792)
    assert got["resp_phone"].iloc[0] == "13800000001/0392-2345678"
    bad = [rows[0], ["丙", "滑坡", "114.05", "", ""]]
    err = refuse(ws_path, write_csv(tmp_path / "bad.csv", bad))
    assert err.row == 2 and "经纬度" in str(err.column)


def test_ten_thousands_and_units_in_number_cells(ws_path: Path, tmp_path: Path) -> None:
    rows = [["物资调拨台账"], ["储备点", "物资名称", "单位", "数量", "出入库", "去向", "时间"],
            ["市防汛物资仓库", "沙袋", "条", "4万", "调出", "浚县", "2021/7/22 10:00"],
            ["市防汛物资仓库", "编织袋", "条", "2.5万条", "入库", "", "2021/7/21 10:00"],
            ["市防汛物资仓库", "冲锋舟", "艘", "5艘", "调拨", "浚县古城", "2021年7月23日8时"]]
    with Workspace.open(ws_path) as ws:
        import_file(ws, write_csv(tmp_path / "tally.csv", rows), "material_tally")
    got = imported(ws_path, "material_tally")
    assert list(got["quantity"]) == [40000, 25000, 5]
    assert list(got["kind"]) == ["dispatch", "stock_in", "dispatch"]
    assert list(got["item"]) == ["sandbag", "woven_bag", "assault_boat"]
    res = [["水库名称", "规模", "总库容（万m³）", "经度", "纬度"], ["盘石头", "大（1）型", "6.08亿", 114.09, 35.85],
           ["夺丰", "中型水库", "1200万", 114.1, 35.6]]
    err = refuse(ws_path, write_csv(tmp_path / "res.csv", res), "reservoirs")
    assert err.row == 2 and "6.08亿" in str(err)
    res[1][2] = "60800"
    with Workspace.open(ws_path) as ws:
        import_file(ws, write_csv(tmp_path / "res.csv", res), "reservoirs")
    got = imported(ws_path, "reservoirs")
    assert list(got["capacity"]) == [60800, 1200] and list(got["scale"]) == ["large", "medium"]


@pytest.mark.parametrize("suffix", FORMATS)
def test_cut_files_give_located_errors_not_tracebacks(demo_master: Path, tmp_path: Path, suffix: str) -> None:
    """Files cut short in transfer: refused with a reason, or whole rows read; never a crash."""
    src = tmp_path / "src"
    src.mkdir()
    with Workspace.open(demo_master) as ws:
        export_layer(ws, "hazards", src / f"hazards{suffix}")
    main_file = src / f"hazards{suffix}"
    data = main_file.read_bytes()
    ws_path = tmp_path / "ws.gpkg"
    Workspace.create(ws_path).close()
    for fraction in (0.05, 0.5, 0.93):
        case = tmp_path / f"cut{int(fraction * 100)}"
        shutil.copytree(src, case)
        (case / main_file.name).write_bytes(data[: int(len(data) * fraction)])
        before = digest(ws_path)
        with Workspace.open(ws_path) as ws:
            try:
                import_file(ws, case / main_file.name, "hazards")
            except ValidationError as exc:
                assert exc.source and exc.reason
                assert digest(ws_path) == before
