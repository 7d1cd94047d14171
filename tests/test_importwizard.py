"""The import wizard, driven as an officer would: file, columns, check, import."""

from __future__ import annotations

import csv
import hashlib
from pathlib import Path

import pytest
from PySide6.QtWidgets import QWizard

from floodpost.data.workspace import Workspace
from floodpost.ui.dialogs.importwizard import ImportWizard

ROWS = [
    ["鹤壁市地质灾害隐患点统计表"],
    ["序号", "隐患点名称", "灾害类型", "经度", "纬度", "威胁人数"],
    [1, "淇河湾滑坡", "滑坡", "114°03′07″", "35°52′15″", 12],
    [2, "黄庄塌陷", "采煤沉陷区", "114.166", "35.963", 230],
    ["", "合计", "", "", "", 242],
]


def write(path: Path, rows: list[list[object]]) -> Path:
    with open(path, "w", newline="", encoding="gbk") as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.fixture(autouse=True)
def _forget_mappings() -> None:
    """Remembered mappings live in QSettings, which outlives a test run."""
    from PySide6.QtCore import QSettings

    QSettings("FloodPost", "FloodPost").remove("intake")


@pytest.fixture
def ws_path(tmp_path: Path) -> Path:
    path = tmp_path / "ws.gpkg"
    Workspace.create(path).close()
    return path


def start(qtbot, ws_path: Path, source: Path) -> ImportWizard:
    wizard = ImportWizard(ws_path, lang="zh")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(source))
    wizard.file_page.key.setCurrentIndex(wizard.file_page.key.findData("hazards"))
    wizard.next()
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.columns_page, timeout=10_000)
    return wizard


def test_wizard_imports_a_county_sheet(qtbot, ws_path: Path, tmp_path: Path) -> None:
    wizard = start(qtbot, ws_path, write(tmp_path / "隐患点.csv", ROWS))
    page = wizard.columns_page
    assert page.preview.rowCount() == 2  # the totals row is not data
    assert page.preview.item(0, 1).text() == "淇河湾滑坡"  # GBK read as Chinese
    assert page.combos["name"].currentData() == "隐患点名称"
    assert page.combos["@lon"].currentData() == "经度"
    assert "totals rows not imported" in page.notes.text()
    wizard.next()
    assert wizard.currentPage() is wizard.check_page
    finished = []
    wizard.importFinished.connect(finished.append)
    wizard.next()
    # Checked, not written: the officer presses Import.
    qtbot.waitUntil(lambda: wizard.currentPage() is wizard.confirm_page, timeout=20_000)
    assert wizard.button(QWizard.WizardButton.NextButton).text() == "&Import"
    with Workspace.open(ws_path) as ws:
        assert ws.count("hazards") == 0
    wizard.next()
    qtbot.waitUntil(lambda: bool(finished), timeout=20_000)
    assert finished == [2]
    assert wizard.currentPage() is wizard.report_page
    assert "totals rows not imported" in wizard.report_page.report.toPlainText()
    assert wizard.button(QWizard.WizardButton.FinishButton).isEnabled()
    with Workspace.open(ws_path) as ws:
        got = ws.read("hazards")
    assert list(got["name"]) == ["淇河湾滑坡", "黄庄塌陷"]
    assert list(got["hazard_type"]) == ["landslide", "subsidence"]


def test_wizard_refuses_a_bad_row_and_writes_nothing(qtbot, ws_path: Path, tmp_path: Path) -> None:
    rows = [r[:] for r in ROWS]
    rows[3][2] = "火山"
    before = hashlib.sha256(ws_path.read_bytes()).hexdigest()
    wizard = start(qtbot, ws_path, write(tmp_path / "bad.csv", rows))
    wizard.next()
    wizard.next()
    page = wizard.check_page
    qtbot.waitUntil(lambda: "火山" in page.result.toPlainText(), timeout=20_000)
    assert wizard.currentPage() is page
    assert "row 4" in page.result.toPlainText()
    assert hashlib.sha256(ws_path.read_bytes()).hexdigest() == before


def test_wizard_remembers_an_edited_mapping(qtbot, ws_path: Path, tmp_path: Path) -> None:
    rows = [["点名", "种类", "lng", "lat"], ["甲", "滑坡", 114.0, 35.8]]
    source = write(tmp_path / "县报.csv", rows)
    wizard = start(qtbot, ws_path, source)
    page = wizard.columns_page
    assert page.combos["name"].currentData() is None  # 点名 is no known header
    page.combos["name"].setCurrentIndex(page.combos["name"].findData("点名"))
    page.combos["hazard_type"].setCurrentIndex(page.combos["hazard_type"].findData("种类"))
    wizard.next()
    assert wizard.currentPage() is wizard.check_page
    wizard.close()
    again = start(qtbot, ws_path, source)
    assert again.columns_page.combos["name"].currentData() == "点名"
    assert again.columns_page.combos["hazard_type"].currentData() == "种类"


def test_wizard_shows_unreadable_file(qtbot, ws_path: Path, tmp_path: Path) -> None:
    bad = tmp_path / "cut.kml"
    bad.write_text("<kml><Placemark><name>甲", "utf-8")
    wizard = ImportWizard(ws_path, lang="zh")
    qtbot.addWidget(wizard)
    wizard.show()
    wizard.file_page.path.setText(str(bad))
    wizard.next()
    qtbot.waitUntil(lambda: "not well-formed" in wizard.file_page.status.text(), timeout=10_000)
    assert wizard.currentPage() is wizard.file_page
