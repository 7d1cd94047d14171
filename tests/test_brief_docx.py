"""The meeting brief as a Chinese A4 Word file, and ``floodpost brief`` on the command line."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from tools import need_commands

from floodpost.cli import main
from floodpost.data.situation.brief import ITEM_UNITS, meeting_brief, save_brief
from floodpost.data.workspace import Workspace

AT = "2021-07-23T18:00"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _brief(demo_path: Path) -> str:
    with Workspace.open(demo_path) as ws:
        return meeting_brief(ws, AT)


def _xml(docx: Path, name: str):
    import xml.etree.ElementTree as ET

    with zipfile.ZipFile(docx) as z:
        return ET.fromstring(z.read(name))


def test_docx_is_a4_chinese_in_every_style(demo_path: Path, tmp_path: Path) -> None:
    out = save_brief(_brief(demo_path), tmp_path / "brief.docx")
    doc = _xml(out, "word/document.xml")
    size = doc.find(f".//{W}sectPr/{W}pgSz")
    assert (size.get(f"{W}w"), size.get(f"{W}h")) == ("11906", "16838")
    styles = _xml(out, "word/styles.xml")
    langs = styles.findall(f".//{W}lang")
    assert langs and all(la.get(f"{W}eastAsia") == "zh-CN" for la in langs)
    assert "ja-JP" not in zipfile.ZipFile(out).read("word/styles.xml").decode()
    assert "ja-JP" not in zipfile.ZipFile(out).read("word/settings.xml").decode()
    used = {p.find(f"{W}pPr/{W}pStyle").get(f"{W}val") for p in doc.iter(f"{W}p")
            if p.find(f"{W}pPr/{W}pStyle") is not None} | {"Normal"}
    by_id = {s.get(f"{W}styleId"): s for s in styles.findall(f"{W}style")}
    assert "Heading1" in used
    for sid in used:
        style = by_id[sid]
        fonts = style.find(f"{W}rPr/{W}rFonts")
        assert fonts is not None and fonts.get(f"{W}eastAsia") in ("宋体", "黑体"), sid
        assert fonts.get(f"{W}eastAsiaTheme") is None, sid  # a theme face would win over it
        assert style.find(f"{W}rPr/{W}lang").get(f"{W}eastAsia") == "zh-CN", sid
    default = styles.find(f"{W}docDefaults/{W}rPrDefault/{W}rPr")
    assert default.find(f"{W}rFonts").get(f"{W}eastAsia") == "宋体"
    assert default.find(f"{W}lang").get(f"{W}eastAsia") == "zh-CN"
    for style in styles.findall(f"{W}style"):
        fonts = style.find(f"{W}rPr/{W}rFonts")
        assert fonts is None or fonts.get(f"{W}eastAsiaTheme") is None, style.get(f"{W}styleId")


def test_per_area_lines_keep_their_indent(demo_path: Path, tmp_path: Path) -> None:
    text = _brief(demo_path)
    out = save_brief(text, tmp_path / "brief.docx")
    doc = _xml(out, "word/document.xml")
    indented = {"".join(t.text or "" for t in p.iter(f"{W}t")) for p in doc.iter(f"{W}p")
                if p.find(f"{W}pPr/{W}ind") is not None and int(p.find(f"{W}pPr/{W}ind").get(f"{W}left", 0)) > 0}
    sub = {line.strip() for line in text.splitlines() if line.startswith("    ")}
    top = {line.strip() for line in text.splitlines() if line.strip() and not line.startswith(" ")}
    assert sub and sub <= indented
    assert not (top & indented)


def test_material_figures_carry_units_and_sandbags_one_unit(demo_path: Path) -> None:
    text = _brief(demo_path)
    materials = next(line for line in text.splitlines() if line.startswith("三、"))
    for figure in re.findall(r"[\u4e00-\u9fff]+([\d,]+(?:\.\d)?)([^\d,，。]*)", materials):
        assert figure[1], f"a material figure without unit: {materials}"
    bag = ITEM_UNITS["sandbag"]
    sandbags = re.findall(r"沙袋(?:增加|减少)?([\d,]+)(\S)", text)
    assert len(sandbags) >= 3 and {u for _, u in sandbags} == {bag}, sandbags


def test_cli_brief_txt_and_docx(demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    txt = tmp_path / "brief.txt"
    assert main(["brief", str(demo_path), "--at", AT, "-o", str(txt)]) == 0
    assert txt.read_text("utf-8-sig") == _brief(demo_path)
    docx = tmp_path / "brief.docx"
    assert main(["brief", str(demo_path), "--at", AT, "-o", str(docx)]) == 0
    from docx import Document

    assert Document(str(docx)).paragraphs[0].text == _brief(demo_path).splitlines()[0]
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []  # no temp file left


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--at", AT, "-o", "{tmp}/brief.pdf"], "brief writes .docx or .txt"),
        (["--at", "next tuesday", "-o", "{tmp}/b.docx"], "--at"),
        (["-o", "{tmp}/no/such/folder/b.docx"], "folder does not exist"),
    ],
)
def test_cli_brief_fails_in_one_line(demo_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                     args: list[str], says: str) -> None:
    args = [a.replace("{tmp}", str(tmp_path)) for a in args]
    assert main(["brief", str(demo_path), *args]) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and says in err and "Traceback" not in err
    assert not list(tmp_path.glob("*.docx")) and not list(tmp_path.glob("*.pdf"))


def test_cli_brief_missing_workspace(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["brief", str(tmp_path / "none.gpkg"), "-o", str(tmp_path / "b.txt")]) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "none.gpkg" in err
    assert not (tmp_path / "b.txt").exists()


def test_libreoffice_reads_an_a4_page(demo_path: Path, tmp_path: Path) -> None:
    need_commands("libreoffice", "pdfinfo")  # LibreOffice and poppler check the page as a reader opens it
    out = save_brief(_brief(demo_path), tmp_path / "brief.docx")
    subprocess.run(["libreoffice", "--headless", f"-env:UserInstallation=file://{tmp_path}/lo",
                    "--convert-to", "pdf", "--outdir", str(tmp_path), str(out)],
                   check=True, capture_output=True, timeout=120)
    info = subprocess.run(["pdfinfo", str(tmp_path / "brief.pdf")], check=True, capture_output=True, text=True).stdout
    assert "(A4)" in info
    text = subprocess.run(["pdftotext", str(tmp_path / "brief.pdf"), "-"], check=True, capture_output=True,
                          text=True).stdout
    assert "1,453,000" in text.replace(" ", "")  # figures are not broken across lines
