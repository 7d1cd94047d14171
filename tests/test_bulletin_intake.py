"""Hydrological bulletins (水情报表/雨情报表) and station lists, as the post receives them.

Each file is written here as a hydrology office sends it: GBK, the report
time in a title row and no time column, two title rows and a 合计 row,
station names with 站 and full-width spaces, DMS coordinates. They go in
through the command line's import, and the rows are read back.
"""

from __future__ import annotations

import csv
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from floodpost.cli import main
from floodpost.data.intake import prepare
from floodpost.data.intake.bulletin import station_key, title_time
from floodpost.data.workspace import Workspace

#: 2021年7月22日8时 Beijing time as stored (UTC)
Z8 = "2021-07-22T00:00:00.000Z"

STATIONS = [
    # 测站名称, 站码, 站点类型, 所属河流, 所属水库, 警戒水位, 保证水位, 汛限水位, 设计洪水位, 校核洪水位, 经度, 纬度
    ["淇门", "31004400", "水文站", "卫河", None, 66.5, 68.5, None, None, None, "114°18'36\"", "35°31'12\""],
    ["刘庄", "31004500", "河道站", "共产主义渠", None, 64.0, 66.0, None, None, None, 114.3520, 35.5930],
    ["盘石头", "31005100", "水库站", None, "盘石头水库", None, None, 248.0, 270.7, 275.0, 114.0650, 35.8420],
    ["鹤壁集", "31005900", "雨量站", None, None, None, None, None, None, None, 114.1890, 35.9520],
]
HEADER = ["测站名称", "站码", "站点类型", "所属河流", "所属水库", "警戒水位", "保证水位", "汛限水位",
          "设计洪水位", "校核洪水位", "经度", "纬度"]


def write_csv(path: Path, rows: list[list[object]], encoding: str = "utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh).writerows(rows)
    return path


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(args)
    out = capsys.readouterr()
    return code, out.out, out.err


@pytest.fixture
def ws_path(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """A workspace with four stations, imported from a GBK station list with DMS coordinates."""
    path = tmp_path / "ws.gpkg"
    Workspace.create(path).close()
    src = write_csv(tmp_path / "测站一览表.csv", [["鹤壁市水文站点一览表"], HEADER, *STATIONS], "gbk")
    code, out, err = run(["import", str(path), str(src), "--as", "stations"], capsys)
    assert code == 0, err
    return path


def readings(ws_path: Path) -> list[dict[str, object]]:
    with Workspace.open(ws_path) as ws:
        frame = ws.read("readings", geometry=False)
    return sorted(frame.to_dict("records"), key=lambda r: (r["station"], r["reported_at"]))


def test_station_list_with_kinds_thresholds_and_dms(ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        frame = ws.read("stations")
    by = {r["name"]: r for r in frame.to_dict("records")}
    assert [by[n]["kind"] for n in ("淇门", "刘庄", "盘石头", "鹤壁集")] == ["river", "river", "reservoir", "rain"]
    assert by["淇门"]["code"] == "31004400"
    assert by["淇门"]["river"] == "卫河" and by["盘石头"]["reservoir"] == "盘石头水库"
    assert (by["淇门"]["warning_level"], by["淇门"]["guaranteed_level"]) == (66.5, 68.5)
    assert (by["盘石头"]["flood_limit_level"], by["盘石头"]["design_level"], by["盘石头"]["check_level"]) == (
        248.0, 270.7, 275.0)
    # 114°18'36" = 114.31, 35°31'12" = 35.52
    g = by["淇门"]["geometry"]
    assert g.x == pytest.approx(114.31, abs=1e-6) and g.y == pytest.approx(35.52, abs=1e-6)


def test_gbk_bulletin_with_the_time_in_the_title(ws_path: Path, tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    src = write_csv(tmp_path / "水情.csv", [
        ["鹤壁市水情报表 2021年7月22日8时"],
        ["站名", "水位(m)", "流量(m3/s)", "蓄水量(万m3)", "备注"],
        ["淇门站", "67.12", "1,250", None, "超警"],
        ["刘　庄", 63.4, 310, None, None],           # a full-width space inside the name
        ["盘石头站", 251.36, None, "29,870", None],
    ], "gbk")
    code, out, err = run(["import", str(ws_path), str(src), "--as", "readings"], capsys)
    assert code == 0, err
    assert "imported 3 rows" in out
    assert "observation time 2021-07-22 08:00 read from the title (row 1" in out
    assert "3 station names written differently" in out
    rows = readings(ws_path)
    assert [(r["station"], r["reported_at"], r["level"]) for r in rows] == [
        ("刘庄", Z8, 63.4),
        ("淇门", Z8, 67.12),
        ("盘石头", Z8, 251.36),
    ]
    assert rows[1]["flow"] == 1250 and rows[2]["storage"] == 29870
    assert rows[1]["source"] == "水情.csv"


def test_xlsx_with_two_title_rows_a_period_and_a_totals_row(ws_path: Path, tmp_path: Path,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    """A rain report: the period 7月21日8时至22日8时 ends at 22日8时, the time of its 时段雨量."""
    book = openpyxl.Workbook()
    sheet = book.active
    for row in (
        ["鹤壁市雨情报表"],
        ["时段：2021年7月21日8时至22日8时", None, "鹤壁市水文局"],
        ["站点", "时段雨量(mm)", "水位"],
        ["鹤壁集", 312.5, None],
        ["淇门", 188, 66.9],
        [None, None, None],
        ["合计", 500.5, None],
        ["最大", 312.5, None],
    ):
        sheet.append(row)
    src = tmp_path / "雨情.xlsx"
    book.save(src)
    code, out, err = run(["import", str(ws_path), str(src), "--as", "readings"], capsys)
    assert code == 0, err
    assert "imported 2 rows" in out
    assert "rows skipped (not data): 2 (7–8)" in out
    rows = readings(ws_path)
    assert [(r["station"], r["reported_at"], r["rain"], None if pd.isna(r["level"]) else r["level"])
            for r in rows] == [
        ("淇门", Z8, 188.0, 66.9),
        ("鹤壁集", Z8, 312.5, None),
    ]


def test_unknown_stations_refused_or_skipped(ws_path: Path, tmp_path: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    src = write_csv(tmp_path / "水情0722.csv", [
        ["水情报表", "2021年7月22日08:00"],
        ["站名", "站码", "水位"],
        ["淇门", None, 67.3],
        ["老关嘴", None, 70.1],
        ["某某站", None, 12.0],
        ["卫河刘庄", "31004500", 63.9],   # no such name, but the code is 刘庄's
    ])
    code, out, err = run(["import", str(ws_path), str(src), "--as", "readings"], capsys)
    assert code != 0
    assert "水情0722.csv" in err and "2 rows name stations the stations layer does not have" in err
    assert "老关嘴 (4), 某某站 (5)" in err
    with Workspace.open(ws_path) as ws:
        assert ws.count("readings") == 0

    code, out, err = run(["import", str(ws_path), str(src), "--as", "readings", "--unmatched", "skip"], capsys)
    assert code == 0, err
    assert "imported 2 rows" in out
    assert "2 rows of stations not in the stations layer not imported (老关嘴, 某某站)" in out
    assert [(r["station"], r["level"]) for r in readings(ws_path)] == [("刘庄", 63.9), ("淇门", 67.3)]


def test_a_bulletin_with_no_time_is_refused_and_nothing_written(ws_path: Path, tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    src = write_csv(tmp_path / "水情.csv", [["鹤壁市水情报表"], ["站名", "水位"], ["淇门", 67.1]])
    code, out, err = run(["import", str(ws_path), str(src), "--as", "readings"], capsys)
    assert code != 0
    assert "水情.csv" in err and "no observation time" in err
    # a date without a year anywhere: refused, not guessed
    src = write_csv(tmp_path / "水情报表.csv", [["水情报表 7月22日8时"], ["站名", "水位"], ["淇门", 67.1]])
    code, out, err = run(["import", str(ws_path), str(src), "--as", "readings"], capsys)
    assert code != 0
    assert "without a year" in err
    # a time column with a blank cell and no title time: that row is named
    src = write_csv(tmp_path / "逐时.csv", [["站名", "观测时间", "水位"], ["淇门", "2021-07-22 08:00", 67.1],
                                          ["刘庄", None, 63.0]])
    code, out, err = run(["import", str(ws_path), str(src), "--as", "readings"], capsys)
    assert code != 0
    assert "row 3" in err and "no observation time in this row" in err
    with Workspace.open(ws_path) as ws:
        assert ws.count("readings") == 0


def test_year_from_the_file_name_and_own_times_kept(ws_path: Path, tmp_path: Path) -> None:
    src = write_csv(tmp_path / "2021年水情.csv", [
        ["水情报表 7月22日14时"], ["站名", "时间", "水位"],
        ["淇门", "2021-07-22 11:00", 67.0], ["刘庄", None, 63.2],
    ])
    p = prepare(src, "readings")
    assert [(r["station"], r["reported_at"]) for r in p.records] == [
        ("淇门", "2021-07-22T03:00:00.000Z"), ("刘庄", "2021-07-22T06:00:00.000Z")]


@pytest.mark.parametrize(("title", "iso"), [
    ("鹤壁市水情报表 2021年7月22日8时", "2021-07-22T08:00:00"),
    ("2021年7月22日08:00", "2021-07-22T08:00:00"),
    ("2021年7月22日8时30分", "2021-07-22T08:30:00"),
    ("２０２１年７月２２日２０时", "2021-07-22T20:00:00"),
    ("2021年7月21日8时至22日8时", "2021-07-22T08:00:00"),
    ("2021年7月21日24时", "2021-07-22T00:00:00"),
    ("2021-07-22 14:00", "2021-07-22T14:00:00"),
])
def test_title_times(title: str, iso: str) -> None:
    assert title_time([(1, title)]) == (iso, 1, title)


def test_station_key() -> None:
    assert station_key("淇门站") == station_key(" 淇 门 ") == station_key("淇门")
    assert station_key("站") == "站"
    assert station_key("盘石头") != station_key("盘石")


def test_wizard_asks_what_to_do_with_unknown_stations(qtbot, ws_path: Path, tmp_path: Path, zh) -> None:
    """The confirm page shows the unknown names; Import stays off until the officer leaves them out."""
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QWizard

    from floodpost.ui.dialogs.importwizard import ImportWizard

    QSettings("FloodPost", "FloodPost").remove("intake")
    src = write_csv(tmp_path / "水情.csv", [
        ["鹤壁市水情报表 2021年7月22日8时"], ["站名", "水位"],
        ["淇门站", 67.12], ["老关嘴", 70.1], ["刘庄", 63.4],
    ], "gbk")
    wizard = ImportWizard(ws_path, lang="zh")
    qtbot.addWidget(wizard)
    wizard.resize(760, 560)
    wizard.show()
    wizard.file_page.path.setText(str(src))
    wizard.file_page.key.setCurrentIndex(wizard.file_page.key.findData("readings"))
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.columns_page, timeout=10_000)
    wizard.next()
    wizard.next()
    page = wizard.confirm_page
    qtbot.waitUntil(lambda: wizard.currentPage() is page, timeout=20_000)
    assert page.unmatched_box.isVisible()
    assert "老关嘴 (4)" in page.unmatched_label.text()
    assert "观测时间 2021-07-22 08:00 取自标题（第 1 行" in page.report.toPlainText()
    assert not wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    page.skip_radio.setChecked(True)
    assert wizard.button(QWizard.WizardButton.NextButton).isEnabled()
    if shots := __import__("os").environ.get("FLOODPOST_SHOTS"):
        wizard.grab().save(str(Path(shots) / "wizard_unmatched.png"))
    finished: list[int] = []
    wizard.importFinished.connect(finished.append)
    wizard.next()
    qtbot.waitUntil(lambda: bool(finished), timeout=20_000)
    assert finished == [2]
    assert "老关嘴" in wizard.report_page.report.toPlainText()
    assert [(r["station"], r["level"]) for r in readings(ws_path)] == [("刘庄", 63.4), ("淇门", 67.12)]
