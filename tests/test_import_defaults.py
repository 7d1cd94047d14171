"""County files that lack a required column: schema defaults, constants, and reasons in Chinese.

Real files are built here: a force list as CSV and XLSX without a status
column, a KMZ of waterlogging spots with only a name and a description, a
GBK CSV with a title row; the command line and the wizard import them.
"""

from __future__ import annotations

import ast
import csv
import io
import zipfile
from pathlib import Path

import openpyxl
import pytest

from floodpost.cli import main
from floodpost.data.intake import import_file, prepare
from floodpost.data.schema import ALL, NOW
from floodpost.data.schema.validate import ValidationError
from floodpost.data.workspace import Workspace

FORCES = [
    ["队伍名称", "力量类别", "人数", "经度", "纬度"],
    ["淇县消防救援大队", "消防救援", 45, 114.20, 35.61],
    ["淇县基干民兵连", "基干民兵", 60, 114.19, 35.60],
    ["蓝天救援队", "社会救援力量", 22, 114.21, 35.62],
]


@pytest.fixture(autouse=True)
def _forget_mappings() -> None:
    from PySide6.QtCore import QSettings

    QSettings("FloodPost", "FloodPost").remove("intake")


@pytest.fixture
def ws_path(tmp_path: Path) -> Path:
    path = tmp_path / "ws.gpkg"
    Workspace.create(path).close()
    return path


def forces_csv(path: Path, rows: list[list[object]] = FORCES, encoding: str = "utf-8") -> Path:
    with open(path, "w", newline="", encoding=encoding) as fh:
        csv.writer(fh).writerows(rows)
    return path


def forces_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    sheet = wb.active
    sheet.append(["淇县防汛救援力量统计表（2021年7月）"])
    for row in FORCES:
        sheet.append(row)
    sheet.append(["合计", None, 127])
    wb.save(path)
    return path


def waterlogging_kmz(path: Path) -> Path:
    """What a tablet app exports: placemarks with a name and a description, nothing else."""
    spots = [("华夏南路下穿隧道", "雨后积水约0.8米", 114.297, 35.747), ("淇滨大道涵洞", "低洼易涝", 114.281, 35.731),
             ("黎阳路低洼段", "", 114.560, 35.670)]
    marks = "".join(
        f"<Placemark><name>{n}</name><description>{d}</description>"
        f"<Point><coordinates>{x},{y},0</coordinates></Point></Placemark>"
        for n, d, x, y in spots
    )
    kml = ('<?xml version="1.0" encoding="UTF-8"?><kml xmlns="http://www.opengis.net/kml/2.2">'
           f"<Document><name>易涝点</name>{marks}</Document></kml>")
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("doc.kml", kml.encode("utf-8"))
    path.write_bytes(buf.getvalue())
    return path


# ------------------------------------------------------------------ the schema
def test_defaults_are_declared_only_where_an_officer_would_accept_them() -> None:
    defaults = {
        (key, f.name): f.default for key, s in ALL.items() for f in s.fields if f.default is not None
    }
    assert defaults[("forces", "status")] == "on_duty"
    assert defaults[("waterlogging", "kind")] == "other"
    assert defaults[("forces", "reported_at")] == NOW
    # Never guessed: what a thing is, its name, and which way material moves.
    for key, name in [("reservoirs", "scale"), ("hazards", "hazard_type"), ("forces", "category"),
                      ("material_tally", "kind"), ("material_tally", "item"), ("hazards", "name")]:
        assert (key, name) not in defaults
    for (key, name), value in defaults.items():
        f = ALL[key].field(name)
        assert f.required, (key, name)
        assert value == NOW or f.type != "enum" or f.choice(value) is not None


# ------------------------------------------------------------------ files without a status column
@pytest.mark.parametrize("maker", [forces_csv, forces_xlsx])
def test_a_force_list_without_status_imports_with_the_default(ws_path: Path, tmp_path: Path, maker) -> None:
    source = maker(tmp_path / ("力量.csv" if maker is forces_csv else "力量.xlsx"))
    with Workspace.open(ws_path) as ws:
        report = import_file(ws, source, "forces")
        got = ws.read("forces")
    assert report.count == 3
    assert list(got["status"]) == ["on_duty"] * 3
    assert got["reported_at"].notna().all()
    assert report.defaults["status"] == report.defaults["reported_at"]
    lines = "\n".join(report.lines())
    assert "状态 (status): no value in the file; every row got the default 在岗" in lines
    assert "报告时间 (reported_at): no value in the file; every row stamped with the time of import" in lines
    if maker is forces_xlsx:
        assert report.defaults["status"] == [3, 4, 5]  # the sheet's own row numbers
        assert report.skipped == [6]
        assert "rows skipped (not data): 1 (6)" in lines


def test_blank_cells_of_a_required_field_get_the_default_and_are_named(ws_path: Path, tmp_path: Path) -> None:
    rows = [FORCES[0] + ["状态"]] + [r + [s] for r, s in zip(FORCES[1:], ["机动", "", "待命"], strict=True)]
    with Workspace.open(ws_path) as ws:
        report = import_file(ws, forces_csv(tmp_path / "f.csv", rows), "forces")
        assert list(ws.read("forces")["status"]) == ["mobile", "on_duty", "standby"]
    assert report.defaults["status"] == [3]
    assert "状态 (status): blank in 1 rows (3), which got the default 在岗" in report.lines()


def test_a_kmz_of_spots_with_only_name_and_description(ws_path: Path, tmp_path: Path) -> None:
    source = waterlogging_kmz(tmp_path / "易涝点.kmz")
    with Workspace.open(ws_path) as ws:
        report = import_file(ws, source, "waterlogging")
        got = ws.read("waterlogging")
    assert list(got["name"]) == ["华夏南路下穿隧道", "淇滨大道涵洞", "黎阳路低洼段"]
    assert list(got["kind"]) == ["other"] * 3
    assert list(got["note"])[:2] == ["雨后积水约0.8米", "低洼易涝"]  # the description is kept
    assert report.defaults == {"kind": [1, 2, 3]}


def test_gbk_csv_with_a_title_row_and_a_constant(ws_path: Path, tmp_path: Path) -> None:
    source = forces_csv(tmp_path / "gbk.csv", [["淇县救援力量（截至7月22日）"], *FORCES], encoding="gbk")
    with Workspace.open(ws_path) as ws:
        report = import_file(ws, source, "forces", constants={"status": "机动", "task": "巡堤查险",
                                                              "reported_at": "2021-07-22 18:00"})
        got = ws.read("forces")
    assert list(got["name"])[0] == "淇县消防救援大队"
    assert set(got["status"]) == {"mobile"} and set(got["task"]) == {"巡堤查险"}
    assert set(got["reported_at"]) == {"2021-07-22T10:00:00.000Z"}
    assert report.defaults == {}  # a constant is not a default
    assert "状态 (status) set to 机动 for every row (constant)" in report.lines()


def test_a_constant_replaces_a_mapped_column_and_bad_constants_are_refused(ws_path: Path, tmp_path: Path) -> None:
    rows = [FORCES[0] + ["状态"]] + [r + ["火山"] for r in FORCES[1:]]
    source = forces_csv(tmp_path / "f.csv", rows)
    prepared = prepare(source, "forces", constants={"status": "standby"})
    assert {r["status"] for r in prepared.records} == {"standby"}
    assert any("the constant replaces column 状态" in str(n) for n in prepared.notes)
    with pytest.raises(ValidationError) as exc:
        prepare(source, "forces", constants={"status": "火山"})
    assert str(exc.value) == "f.csv: the value 火山 given for 状态: '火山' is not one of 待命、机动、在岗、撤离"
    with pytest.raises(ValidationError, match="forces has no field 'county'"):
        prepare(source, "forces", constants={"county": "淇县"})


def test_a_required_field_with_no_default_still_refuses_and_says_how_to_fix_it(tmp_path: Path) -> None:
    rows = [["队伍名称", "人数", "经度", "纬度"], ["甲队", 5, 114.2, 35.6]]
    with pytest.raises(ValidationError) as exc:
        prepare(forces_csv(tmp_path / "f.csv", rows), "forces")
    assert "no column for required field(s) 力量类别 (category)" in str(exc.value)
    assert "--set FIELD=VALUE" in str(exc.value)
    prepared = prepare(tmp_path / "f.csv", "forces", constants={"category": "志愿者"})
    assert prepared.records[0]["category"] == "volunteer"


# ------------------------------------------------------------------ the command line
def test_cli_set_is_repeatable_and_says_what_rows_got(ws_path: Path, tmp_path: Path, capsys) -> None:
    source = forces_csv(tmp_path / "f.csv")
    assert main(["import", str(ws_path), str(source), "--as", "forces", "--set", "status=撤离",
                 "--set", "task=转移群众"]) == 0
    out = capsys.readouterr().out
    assert "状态 (status) set to 撤离 for every row (constant)" in out
    with Workspace.open(ws_path) as ws:
        assert set(ws.read("forces")["status"]) == {"withdrawn"}
    assert main(["import", str(ws_path), str(source), "--as", "forces"]) == 0
    assert "every row got the default 在岗" in capsys.readouterr().out
    before = ws_path.read_bytes()
    assert main(["import", str(ws_path), str(source), "--as", "forces", "--set", "status"]) != 0
    assert "write it as FIELD=VALUE" in capsys.readouterr().err
    assert main(["import", str(ws_path), str(source), "--as", "forces", "--set", "status=火山"]) != 0
    assert "'火山' is not one of" in capsys.readouterr().err
    assert ws_path.read_bytes() == before


# ------------------------------------------------------------------ Chinese in the wizard
def _zh(qapp):
    from floodpost import i18n

    i18n.set_language("zh_CN")
    return i18n


def test_validation_reasons_are_chinese_in_the_chinese_wizard(qtbot, qapp, ws_path: Path, tmp_path: Path) -> None:
    from floodpost.ui.dialogs.importwizard import ImportWizard

    i18n = _zh(qapp)
    try:
        rows = [["鹤壁市地质灾害隐患点统计表"], ["隐患点名称", "灾害类型", "经度", "纬度"],
                ["淇河湾滑坡", "滑坡", 114.05, 35.87], ["黄庄塌陷", "火山", 114.166, 35.963]]
        source = tmp_path / "隐患点.csv"
        with open(source, "w", newline="", encoding="gbk") as fh:
            csv.writer(fh).writerows(rows)
        wizard = ImportWizard(ws_path, lang="zh")
        qtbot.addWidget(wizard)
        wizard.show()
        wizard.file_page.path.setText(str(source))
        wizard.file_page.key.setCurrentIndex(wizard.file_page.key.findData("hazards"))
        wizard.next()
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.columns_page, timeout=10_000)
        wizard.next()
        assert wizard.button(wizard.WizardButton.NextButton).text() == "检查(&C)"
        wizard.next()
        qtbot.waitUntil(lambda: "火山" in wizard.check_page.result.toPlainText(), timeout=20_000)
        text = wizard.check_page.result.toPlainText()
        assert "隐患点.csv 第 4 行“灾害类型”列：“火山”不是以下取值之一：滑坡、崩塌、泥石流、地面塌陷" in text
        assert "is not one of" not in text and "row" not in text
    finally:
        i18n.set_language("en")


def test_the_wizard_blocks_a_required_field_without_column_then_takes_a_value(
    qtbot, qapp, ws_path: Path, tmp_path: Path
) -> None:
    from PySide6.QtWidgets import QWizard

    from floodpost.ui.dialogs.importwizard import CONSTANT, ImportWizard

    i18n = _zh(qapp)
    try:
        rows = [["队伍名称", "人数", "经度", "纬度"], ["甲队", 5, 114.2, 35.6], ["乙队", 8, 114.3, 35.7]]
        wizard = ImportWizard(ws_path, lang="zh")
        qtbot.addWidget(wizard)
        wizard.show()
        wizard.file_page.path.setText(str(forces_csv(tmp_path / "队伍.csv", rows)))
        wizard.file_page.key.setCurrentIndex(wizard.file_page.key.findData("forces"))
        wizard.next()
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.columns_page, timeout=10_000)
        page = wizard.columns_page
        next_button = wizard.button(QWizard.WizardButton.NextButton)
        assert not page.isComplete() and not next_button.isEnabled()
        assert "力量类别" in page.missing.text() and "状态" not in page.missing.text()
        assert page.combos["status"].currentText() == "（默认：在岗）"
        wizard.next()
        assert wizard.currentPage() is page  # no way past it
        category = page.combos["category"]
        category.setCurrentIndex(category.findData(CONSTANT))
        page.values["category"].setCurrentIndex(page.values["category"].findData("volunteer"))
        assert page.isComplete() and next_button.isEnabled() and page.missing.text() == ""
        wizard.next()
        wizard.next()
        qtbot.waitUntil(lambda: wizard.currentPage() is wizard.confirm_page, timeout=20_000)
        shown = wizard.confirm_page.report.toPlainText()
        assert "力量类别 (category)：所有行设为 志愿者（常量）" in shown
        assert "状态 (status)：文件中无此值；所有行取默认值“在岗”" in shown
        assert next_button.text() == "导入(&I)"
        with qtbot.waitSignal(wizard.imported, timeout=20_000):
            wizard.next()
        assert wizard.report_page.summary.text() == "已向救援力量导入 2 行。"
        assert not wizard.button(QWizard.WizardButton.CancelButton).isVisible()
        assert wizard.button(QWizard.WizardButton.FinishButton).text() == "完成(&F)"
        with Workspace.open(ws_path) as ws:
            got = ws.read("forces")
        assert set(got["category"]) == {"volunteer"} and set(got["status"]) == {"on_duty"}
    finally:
        i18n.set_language("en")


def test_every_note_the_wizard_shows_is_marked_for_translation() -> None:
    import floodpost.data.intake as intake
    import floodpost.data.intake.bulletin as bulletin
    import floodpost.data.intake.coordtext as coordtext
    import floodpost.data.intake.readers as readers
    import floodpost.data.schema.validate as validate
    from floodpost.ui.dialogs.importwizard import _NOTES, _VALIDATE_NOTES

    def templates(module) -> set[str]:
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        return {
            node.args[0].value for node in ast.walk(tree)
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Note"
            and node.args and isinstance(node.args[0], ast.Constant)
        }

    assert templates(intake) | templates(readers) | templates(coordtext) | templates(bulletin) <= set(_NOTES)
    assert templates(validate) | set(validate.WHERE_TEMPLATES) <= set(_VALIDATE_NOTES)


def test_a_ledger_that_overdraws_a_depot_is_imported_and_said(ws_path: Path, tmp_path: Path) -> None:
    """A county's dispatches without their stock-ins: the rows go in, the report says where stock runs out."""
    source = tmp_path / "调拨.csv"
    source.write_text("储备点,物资,数量,类别,报告时间\n浚县仓库,沙袋,500,入库,2021-07-22 08:00\n"
                      "浚县仓库,沙袋,800,调拨,2021-07-22 12:00\n", encoding="utf-8")
    with Workspace.open(ws_path) as ws:
        report = import_file(ws, source, "material_tally")
        assert ws.count("material_tally") == 2
    assert any(line == "note: after this import the records do not add up: "
               "沙袋 at 浚县仓库 would fall below zero at 2021-07-22 12:00 (-300)" for line in report.lines())
