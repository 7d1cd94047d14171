"""Villages, incidents and the operations records from the files counties really send.

Each file is written here as a county office makes it (a title row, a
totals row, GBK without a .cpg, DMS coordinates, Chinese words for the
codes) and goes in through the command line's import, with no mapping by
hand; the rows are then read back from the workspace.
"""

from __future__ import annotations

import csv
from pathlib import Path

import geopandas as gpd
import openpyxl
import pytest
import shapely

from floodpost.cli import main
from floodpost.data import situation
from floodpost.data.workspace import Workspace


@pytest.fixture
def ws_path(tmp_path: Path) -> Path:
    path = tmp_path / "ws.gpkg"
    Workspace.create(path).close()
    return path


def read(ws_path: Path, key: str) -> gpd.GeoDataFrame:
    with Workspace.open(ws_path) as ws:
        return ws.read(key)


def cli_import(ws_path: Path, path: Path, key: str, capsys: pytest.CaptureFixture[str]) -> str:
    code = main(["import", str(ws_path), str(path), "--as", key])
    out = capsys.readouterr()
    assert code == 0, out.err
    return out.out


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh).writerows(rows)
    return path


# ------------------------------------------------------------------ villages
VILLAGES = [
    # 县（区）, 所属乡镇, 村名, 户数, 人口, 村支书, 联系电话, 经度, 纬度
    ["浚县", "新镇镇", "彭村", "1,260户", 4410, "刘建国", "13903921001", 114.392, 35.601],
    ["浚县", "新镇镇", "刘寨村", 835, "2,940人", "王秀英", "0392-5551002", 114.371, 35.611],
    ["浚县", "小河镇", "白固村", 512, 1790, "张卫东", "13903921003", 114.462, 35.640],
    ["淇滨区", "钜桥镇", "岗坡村", 610, 2150, "赵海燕", "13903921004", 114.332, 35.668],
    ["浚县", "卫溪街道", "东关社区", 2300, 7800, "孙立新", "13903921005", 114.566, 35.668],
]


def test_xlsx_of_villages_with_title_blank_and_totals_rows(
    ws_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    wb = openpyxl.Workbook()
    sh = wb.active
    sh.append(["鹤壁市蓄滞洪区内村庄基本情况统计表"])
    sh.merge_cells("A1:J1")
    sh.append([])
    sh.append(["序号", "县（区）", "所属乡镇", "村名", "户数", "人口", "村支书", "联系电话", "经度", "纬度"])
    for i, row in enumerate(VILLAGES, start=1):
        sh.append([i, *row])
    sh.append(["合计", None, None, None, 5517, 19090, None, None, None, None])
    path = tmp_path / "蓄滞洪区村庄.xlsx"
    wb.save(path)
    out = cli_import(ws_path, path, "villages", capsys)
    assert "imported 5 rows into villages" in out
    assert "rows skipped (not data): 1 (9)" in out  # the 合计 row, on the sheet's row 9
    got = read(ws_path, "villages")
    assert list(got["name"]) == [r[2] for r in VILLAGES]
    assert list(got["township"]) == [r[1] for r in VILLAGES]
    assert list(got["county"]) == [r[0] for r in VILLAGES]
    assert list(got["households"]) == [1260, 835, 512, 610, 2300]
    assert list(got["persons"]) == [4410, 2940, 1790, 2150, 7800]
    assert list(got["head_person"]) == [r[5] for r in VILLAGES]
    assert list(got["head_phone"]) == [r[6] for r in VILLAGES]
    assert got.geometry.iloc[0].x == pytest.approx(114.392) and got.geometry.iloc[0].y == pytest.approx(35.601)
    assert (got["source"] == path.name).all()


def village_polygons() -> gpd.GeoDataFrame:
    def square(x: float, y: float, r: float = 0.004) -> shapely.Polygon:
        return shapely.Polygon([(x - r, y - r), (x + r, y - r), (x + r, y + r), (x - r, y + r)])

    return gpd.GeoDataFrame(
        {
            "村名": ["彭村", "齐营村", "汤固村"],
            "所属乡镇": ["新镇镇", "新镇镇", "小河镇"],
            "县区": ["浚县", "浚县", "浚县"],
            "户数": [1260, 480, 655],
            "人口": [4410, 1650, 2300],
            "村主任": ["刘建国", "马红梅", "郭振华"],
            "手机": ["13903921001", "13903921011", "13903921012"],
        },
        geometry=[square(114.392, 35.601), square(114.415, 35.622), square(114.470, 35.640)],
        crs=4490,
    )


def test_gbk_shapefile_of_village_outlines_without_cpg(
    ws_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    shp = tmp_path / "村庄范围.shp"
    frame = village_polygons()
    frame.to_file(shp, encoding="gbk")
    shp.with_suffix(".cpg").unlink(missing_ok=True)
    dbf = shp.with_suffix(".dbf").read_bytes()
    assert "齐营村".encode("gbk") in dbf and "所属乡镇".encode("gbk") in dbf  # GBK names and values
    out = cli_import(ws_path, shp, "villages", capsys)
    assert "imported 3 rows into villages" in out
    assert "gb18030, detected" in out
    assert "3 outlines kept in village_areas" in out
    got = read(ws_path, "villages")
    assert list(got["name"]) == ["彭村", "齐营村", "汤固村"]
    assert list(got["township"]) == ["新镇镇", "新镇镇", "小河镇"]
    assert list(got["head_person"]) == ["刘建国", "马红梅", "郭振华"]
    assert list(got["persons"]) == [4410, 1650, 2300]
    assert set(got.geometry.geom_type) == {"Point"}
    areas = read(ws_path, "village_areas")
    assert list(areas["village"]) == ["彭村", "齐营村", "汤固村"]
    assert list(areas["township"]) == ["新镇镇", "新镇镇", "小河镇"]
    for outline, original, point in zip(areas.geometry, frame.geometry, got.geometry, strict=True):
        assert outline.symmetric_difference(original).area < 1e-12  # the outline kept as drawn
        assert outline.contains(point)  # the village sits on it


# ------------------------------------------------------------------ incidents
def test_csv_of_incidents_with_dms_coordinates(
    ws_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [
        ["浚县防汛抗旱指挥部险情统计表（截至7月22日20时）"],
        ["序号", "险情名称", "险情类型", "险情等级", "县（区）", "位置", "东经", "北纬", "发现时间", "报告时间",
         "报告人", "联系电话", "被困人数"],
        [1, "卫河新镇段左堤管涌", "管涌", "Ⅱ级", "浚县", "卫河左堤K31+350", "114°20′42.0″", "35°35′09.6″",
         "2021年7月22日10时05分", "2021年7月22日10时20分", "刘建国", "13903921001", ""],
        [2, "卫河彭村段决口", "决堤", "特别重大", "浚县", "卫河左堤K37+600", "114 23 42", "35 35 16.8",
         "2021-07-22 18:30", "2021-07-22 18:40", "王秀英", "13903921002", "420人"],
        [3, "黄洞乡南山村山体滑坡", "山体滑坡", "较大险情", "淇县", "黄洞乡南山村后山", "114°02′24″E", "35°40′12″N",
         "2021.7.22 5:10", "2021.7.22 5:20", "张卫东", "0392-5551003", 3],
        [4, "良相坡群众被困", "群众被困", "一般", "浚县", "良相坡蓄滞洪区", "114°25′12″", "35°37′48″",
         "", "2021/7/23 7:30", "赵海燕", "13903921004", 180],
        ["合计", "", "", "", "", "", "", "", "", "", "", "", "603"],
    ]
    path = write_csv(tmp_path / "险情.csv", rows, "gbk")
    out = cli_import(ws_path, path, "incidents", capsys)
    assert "imported 4 rows into incidents" in out
    got = read(ws_path, "incidents")
    assert list(got["kind"]) == ["piping", "breach", "landslide", "trapped"]
    assert list(got["severity"]) == ["major", "extreme", "large", "general"]
    assert list(got["county"]) == ["浚县", "浚县", "淇县", "浚县"]
    assert got["place"].iloc[0] == "卫河左堤K31+350"
    assert list(got["trapped"].fillna(-1)) == [-1, 420, 3, 180]
    assert list(got["reporter_person"]) == ["刘建国", "王秀英", "张卫东", "赵海燕"]
    # the report time, not the discovery time, is when the post learnt of it (Beijing time, stored UTC)
    assert list(got["reported_at"]) == ["2021-07-22T02:20:00.000Z", "2021-07-22T10:40:00.000Z",
                                        "2021-07-21T21:20:00.000Z", "2021-07-22T23:30:00.000Z"]
    assert got.geometry.iloc[0].x == pytest.approx(114 + 20 / 60 + 42 / 3600, abs=1e-9)
    assert got.geometry.iloc[0].y == pytest.approx(35 + 35 / 60 + 9.6 / 3600, abs=1e-9)
    assert got.geometry.iloc[2].x == pytest.approx(114.04, abs=1e-9)
    assert "发现时间" in out  # named among the columns not imported


def test_incident_with_only_a_stake_number_and_discovery_time(ws_path: Path, tmp_path: Path,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    rows = [["险情", "类别", "桩号", "经度", "纬度", "发现时间"],
            ["共渠左堤漫溢", "漫顶", "K46+000—K47+200", 114.575, 35.728, "2021-07-22 21:30"]]
    cli_import(ws_path, write_csv(tmp_path / "险情2.csv", rows), "incidents", capsys)
    got = read(ws_path, "incidents")
    assert (got["name"].iloc[0], got["kind"].iloc[0], got["place"].iloc[0]) == (
        "共渠左堤漫溢", "overtopping", "K46+000—K47+200")
    assert got["severity"].iloc[0] == "general"  # not given: the schema's default
    assert got["reported_at"].iloc[0] == "2021-07-22T13:30:00.000Z"


# ------------------------------------------------------------------ the record tables
def test_status_dispatch_warning_and_answers_sheets_fold_as_counted(
    ws_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A county's four sheets in, then the figures at 12:00 and 13:00 as counted by hand."""
    incidents = [["险情名称", "险情类型", "经度", "纬度", "报告时间", "威胁人数"],
                 ["卫河新镇段左堤管涌", "管涌", 114.345, 35.586, "2021-07-22 10:20", 3200]]
    cli_import(ws_path, write_csv(tmp_path / "i.csv", incidents), "incidents", capsys)
    status = [["险情名称", "处置状态", "已解救", "报告时间", "处置情况"],
              ["卫河新镇段左堤管涌", "抢险中", "", "2021年7月22日10时50分", "先期处置"],
              ["卫河新镇段左堤管涌", "基本控制", 0, "2021年7月22日12时30分", "反滤围井"]]
    cli_import(ws_path, write_csv(tmp_path / "s.csv", status, "gbk"), "incident_status", capsys)
    forces = [["队伍名称", "类别", "人数", "经度", "纬度", "报告时间"],
              ["浚县基干民兵", "民兵", 600, 114.446, 35.630, "2021-07-22 09:00"]]
    cli_import(ws_path, write_csv(tmp_path / "f.csv", forces), "forces", capsys)
    wb = openpyxl.Workbook()
    sh = wb.active
    sh.append(["力量调派登记表"])
    sh.append(["队伍名称", "险情", "调派", "派出人数", "车辆", "任务", "派出时间"])
    sh.append(["浚县基干民兵", "卫河新镇段左堤管涌", "派出", 200, 6, "围井压渗", "2021-07-22 11:00"])
    sh.append(["浚县基干民兵", "卫河新镇段左堤管涌", "收队", 80, 2, None, "2021-07-22 12:40"])
    sh.append(["合计", None, None, 280, 8, None, None])
    path = tmp_path / "调派.xlsx"
    wb.save(path)
    cli_import(ws_path, path, "dispatches", capsys)
    warnings = [["预警名称", "预警级别", "预警类型", "发布单位", "发送对象", "发布时间"],
                ["暴雨预警", "红色预警", "暴雨", "鹤壁市防汛抗旱指挥部办公室",
                 "浚县；浚县/新镇镇/彭村；浚县/新镇镇/刘寨村", "2021年7月22日11时30分"]]
    cli_import(ws_path, write_csv(tmp_path / "w.csv", warnings, "gbk"), "warnings", capsys)
    answers = [["预警名称", "接收对象", "应答方式", "应答人", "联系电话", "应答时间"],
               ["暴雨预警", "浚县", "电话", "李值班", "0392-5551000", "2021-07-22 11:34"],
               ["暴雨预警", "浚县/新镇镇/彭村", "无人接听", "", "", "2021-07-22 11:45"],
               ["暴雨预警", "浚县/新镇镇/彭村", "大喇叭", "刘建国", "", "2021-07-22 12:20"],
               ["暴雨预警", "浚县/新镇镇/刘寨村", "未接通", "", "", "2021-07-22 11:50"]]
    cli_import(ws_path, write_csv(tmp_path / "a.csv", answers), "acknowledgements", capsys)
    assert list(read(ws_path, "dispatches")["action"]) == ["send", "recall"]
    assert list(read(ws_path, "acknowledgements")["how"]) == ["phone", "no_answer", "radio", "no_answer"]
    assert read(ws_path, "warnings")["level"].iloc[0] == "red"
    assert list(read(ws_path, "incident_status")["status"]) == ["handling", "controlled"]

    with Workspace.open(ws_path) as ws:
        noon = situation.as_of(ws, "2021-07-22 12:00").totals()
        one = situation.as_of(ws, "2021-07-22 13:00").totals()
    assert noon["incidents"]["by_status"]["handling"] == 1 and noon["incidents"]["uncontrolled"] == 1
    assert noon["dispatch"]["personnel_committed"] == 200 and noon["dispatch"]["vehicles_committed"] == 6
    assert noon["dispatch"]["personnel_available"] == 400
    # 12:00: 浚县 answered; 彭村 only "no answer" so far; 刘寨村 not reached; both waiting 30 min: overdue
    assert (noon["warnings"]["recipients"], noon["warnings"]["answered"], noon["warnings"]["overdue"]) == (3, 1, 2)
    assert one["incidents"]["by_status"]["controlled"] == 1 and one["incidents"]["uncontrolled"] == 0
    assert one["dispatch"]["personnel_committed"] == 120
    assert (one["warnings"]["answered"], one["warnings"]["unanswered"]) == (2, 1)
