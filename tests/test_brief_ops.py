"""The brief's operations sections (险情, 力量调派, 预警叫应) against the hand-computed workspace of ops_workspace."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
import shapely
from ops_workspace import FORMULA_PLACE, HOSTILE_VILLAGE, PRIVATE, T1, T2, build_ops_workspace

from floodpost.cli import main
from floodpost.data.situation.brief import meeting_brief, save_brief
from floodpost.data.workspace import Workspace


@pytest.fixture(scope="module")
def ops_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_ops_workspace(tmp_path_factory.mktemp("ops") / "ops.gpkg")


def _brief(path: Path, at: str, press: bool = False) -> str:
    with Workspace.open(path) as ws:
        return meeting_brief(ws, at, press=press)


def test_brief_operations_at_eleven(ops_path: Path) -> None:
    lines = _brief(ops_path, T1).splitlines()
    assert lines[0] == "防汛态势简报（截至7月22日11时）"
    assert lines[2] == ("一、险情（最新报告7月22日11时）：共报告险情3处，其中未控制2处（已报告0处、处置中2处），已控制0处，已结束1处；"
                        "威胁群众500人，被困12人，已解救0人。")
    # the uncontrolled ones, oldest first, with the forces at them; the closed road is not listed
    assert lines[3] == ("    卫河堤防管涌（管涌，较大，浚县卫河左堤新镇段）：处置中，7月22日8时报告，已历时3小时；"
                        "现场力量：消防大队，40人。")
    assert lines[4] == (f"    {HOSTILE_VILLAGE}（人员被困，一般，淇县{FORMULA_PLACE}）：处置中，7月22日9时报告，"
                        "已历时2小时；现场力量：舟桥分队，60人。")
    assert lines[5] == "二、力量调派（最新报告7月22日9时30分）：已调派队伍2支、100人，车辆3台，舟艇10艘；可调派队伍0支、200人。"
    assert lines[6] == "三、预警叫应（最新报告7月22日10时5分）：生效预警2个（红色1个、橙色1个），已叫应3/5（60%），超过30分钟未叫应2个。"
    assert lines[7] == ("    暴雨红色预警第1号（红色（Ⅰ级），暴雨，7月22日8时发布）：已叫应2/3；"
                        "未叫应：浚县 新镇镇 东马庄村（已等待180分钟）。")
    assert lines[8] == ("    卫河橙色预警（橙色（Ⅱ级），河道洪水，7月22日10时发布）：已叫应1/2；"
                        "未叫应：地质灾害隐患点：石林村滑坡（已等待60分钟）。")
    assert lines[9].startswith("四、群众转移安置：")
    assert lines[-1].startswith("八、较上次会商（7月22日10时30分）变化：未控制险情减少1处；已叫应持平；已调派人员持平；")
    assert "鹤山道路中断" not in "\n".join(lines)


def test_brief_operations_at_five(ops_path: Path) -> None:
    text = _brief(ops_path, T2)
    assert ("一、险情（最新报告7月22日16时）：共报告险情3处，其中未控制0处（已报告0处、处置中0处），已控制2处，已结束1处；"
            "威胁群众500人，被困0人，已解救12人。\n二、") in text  # nothing left to list
    assert "二、力量调派（最新报告7月22日14时30分）：已调派队伍1支、60人，车辆0台，舟艇10艘；可调派队伍1支、240人。" in text
    assert "已叫应4/5（80%），超过30分钟未叫应1个。" in text
    assert "已叫应2/3；未叫应：浚县 新镇镇 东马庄村（已等待540分钟）。" in text
    assert "卫河橙色预警（橙色（Ⅱ级），河道洪水，7月22日10时发布）：已叫应2/2。" in text
    assert "未控制险情减少3处；已叫应增加1个；已调派人员减少40人；" in text


def test_brief_names_no_person_and_press_lists_no_one(ops_path: Path) -> None:
    for at in (T1, T2):
        for press in (False, True):
            text = _brief(ops_path, at, press)
            assert not [p for p in PRIVATE if p in text], (at, press)
            assert not re.search(r"1[3-9]\d{9}", text)
    press = _brief(ops_path, T1, press=True)
    assert "一、险情（最新报告7月22日11时）：共报告险情3处，其中未控制2处" in press
    assert "    卫河堤防管涌（管涌，较大，浚县卫河左堤新镇段）：处置中，7月22日8时报告，已历时3小时。" in press
    assert "二、预警叫应（最新报告7月22日10时5分）：生效预警2个（红色1个、橙色1个），已叫应3/5（60%）。" in press
    assert "暴雨红色预警第1号（红色（Ⅰ级），暴雨，7月22日8时发布）：已叫应2/3。" in press
    for gone in ("未叫应：", "东马庄村", "石林村", "现场力量", "消防大队", "力量调派", "已调派人员"):
        assert gone not in press


def test_docx_keeps_hostile_names_inert(ops_path: Path, tmp_path: Path) -> None:
    from docx import Document

    out = save_brief(_brief(ops_path, T1), tmp_path / "brief.docx")
    xml = zipfile.ZipFile(out).read("word/document.xml").decode()
    assert "<script>" not in xml and "&lt;script&gt;alert(1)&lt;/script&gt;" in xml
    paras = [p.text for p in Document(str(out)).paragraphs]
    assert any(p.startswith(HOSTILE_VILLAGE) and FORMULA_PLACE in p for p in paras)
    assert not any(p.startswith(("=", "+", "-", "@")) for p in paras)
    assert "instrText" not in xml and "fldSimple" not in xml  # no Word field anywhere


def test_control_characters_in_a_name_neither_break_lines_nor_the_docx(tmp_path: Path) -> None:
    path = tmp_path / "ws.gpkg"
    with Workspace.create(path) as ws:
        ws.insert("incidents", [{"name": "坏\x07名\x1b字\n换行", "kind": "piping", "severity": "general",
                                 "reported_at": "2021-07-22T08:00", "geometry": shapely.Point(114.3, 35.7)}])
        text = meeting_brief(ws, "2021-07-22T09:00")
    assert "    坏 名 字 换行（管涌，一般）：已报告，7月22日8时报告，已历时1小时；尚未调派力量。\n" in text
    from docx import Document

    out = save_brief(text, tmp_path / "b.docx")
    assert any("坏 名 字 换行" in p.text for p in Document(str(out)).paragraphs)


def test_brief_command_press(ops_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "press.txt"
    assert main(["brief", str(ops_path), "--at", T1, "--press", "-o", str(out)]) == 0
    assert "(press)" in capsys.readouterr().out
    assert out.read_text("utf-8-sig") == _brief(ops_path, T1, press=True)
