"""Exports as other people's tools read them (issue 14, items 10, 19 and 21).

GDAL's GeoPackage validator, RFC 7946 read by shapely, KML read by GDAL,
spreadsheets read by openpyxl and LibreOffice, the press web map read by
headless Chromium. The tools are external programs: a test that needs one
is skipped where it is not installed, never faked.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import shutil
import sqlite3
import subprocess
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import openpyxl
import pyogrio
import pytest
import shapely
from hypothesis import given
from hypothesis import strategies as st
from tools import need, need_validator

from floodpost.data.atomic import OutputError
from floodpost.data.export import GPKG_VERSION, export_layer, kml_color, label_column
from floodpost.data.export.log import export_log_xlsx
from floodpost.data.export.redact import MASK, Redactor, mask_text
from floodpost.data.intake import import_file
from floodpost.data.schema import LAYERS
from floodpost.data.schema.symbology import SYMBOLOGY
from floodpost.data.sheets import XLSX_CELL_LIMIT, csv_cell, unguard
from floodpost.data.workspace import Workspace
from floodpost.layers.output.webmap import build_web_map

VALIDATOR = Path("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py")
SYSTEM_PYTHON = Path("/usr/bin/python3")
KML_NS = {"k": "http://www.opengis.net/kml/2.2"}
#: LibreOffice's CSV filter: comma, double quote, UTF-8 (76), from line 1.
LO_CSV = "csv:Text - txt - csv (StarCalc):44,34,76,1"

INJECTION = "=cmd|' /C calc'!A0"
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=\"document.title='pwned'\">"
NOTE = "联系人王小明 1391234xxxx，另见0392-5551234"
PERSONAL = ("王小明", "1391234", "5551234")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory: pytest.TempPathFactory, demo_master: Path) -> Path:
    """The demo plus hostile and personal text, and a clockwise polygon with a hole."""
    path = tmp_path_factory.mktemp("hostile") / "ws.gpkg"
    shutil.copy(demo_master, path)
    cw = shapely.Polygon(
        [(114.1, 35.7), (114.1, 35.8), (114.2, 35.8), (114.2, 35.7)],
        [[(114.12, 35.72), (114.18, 35.72), (114.18, 35.78), (114.12, 35.78)]],
    )
    assert not cw.exterior.is_ccw  # the test means something only if the source is clockwise
    with Workspace.open(path) as ws:
        ws.insert("hazards", [
            {"name": INJECTION, "hazard_type": "collapse", "town": "-5+3", "county": "@SUM(1,2)",
             "persons": 5, "note": NOTE, "resp_person": "赵铁柱", "resp_phone": "13700001111",
             "geometry": shapely.Point(114.1, 35.9)},
            {"name": SCRIPT, "hazard_type": "landslide", "note": IMG + "请赵铁柱核实",
             "geometry": shapely.Point(114.12, 35.91)},
        ])
        ws.insert("storage_areas", [{"name": "顺时针区", "status": "flooding", "geometry": cw}])
    return path


def _soffice() -> str:
    exe = shutil.which("libreoffice") or shutil.which("soffice")
    need(exe is not None, "LibreOffice")
    return exe


def lo_convert(src: Path, target: str, outdir: Path, infilter: str | None = None) -> Path:
    """Convert ``src`` with headless LibreOffice (its own profile, so parallel runs do not clash)."""
    outdir.mkdir(parents=True, exist_ok=True)
    cmd = [_soffice(), f"-env:UserInstallation={(outdir / 'lo-profile').as_uri()}", "--headless"]
    if infilter:
        cmd.append(f"--infilter={infilter}")
    cmd += ["--convert-to", target, "--outdir", str(outdir), str(src)]
    subprocess.run(cmd, check=True, capture_output=True, timeout=300)
    out = outdir / f"{src.stem}.{target.split(':')[0]}"
    assert out.exists(), f"LibreOffice wrote no {out.name}"
    return out


# ------------------------------------------------------------------ item 10: GeoPackage
@pytest.mark.parametrize("key", ["hazards", "storage_areas", "material_tally"])
def test_geopackage_export_is_version_1_2_and_passes_gdals_validator(hostile: Path, tmp_path: Path, key: str) -> None:
    out = tmp_path / f"{key}.gpkg"
    with Workspace.open(hostile) as ws:
        export_layer(ws, key, out)
        n = ws.count(key)
    con = sqlite3.connect(out)
    try:
        assert con.execute("PRAGMA application_id").fetchone()[0] == 0x47504B47  # "GPKG"
        assert GPKG_VERSION == "1.2" and con.execute("PRAGMA user_version").fetchone()[0] == 10200
        if LAYERS.get(key):
            assert con.execute(
                "SELECT count(*) FROM gpkg_extensions WHERE extension_name='gpkg_rtree_index'"
            ).fetchone()[0] == 1
    finally:
        con.close()
    assert pyogrio.read_info(out, layer=key)["features"] == n
    need_validator()
    run = subprocess.run([str(SYSTEM_PYTHON), str(VALIDATOR), str(out)], capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Req" not in run.stdout + run.stderr


# ------------------------------------------------------------------ item 10: GeoJSON
def test_geojson_follows_rfc_7946(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "areas.geojson"
    with Workspace.open(hostile) as ws:
        export_layer(ws, "storage_areas", out)
        want = ws.read("storage_areas")
    text = out.read_text("utf-8")
    doc = json.loads(text)
    assert "crs" not in doc
    assert len(doc["features"]) == len(want)
    rings = 0
    for feature, original in zip(doc["features"], want.geometry, strict=True):
        geom = shapely.geometry.shape(feature["geometry"])
        for poly in getattr(geom, "geoms", [geom]):
            assert poly.exterior.is_ccw, feature["properties"]["name"]
            assert all(not r.is_ccw for r in poly.interiors), feature["properties"]["name"]
            rings += 1 + len(poly.interiors)
        x0, y0, x1, y1 = geom.bounds
        assert 73 < x0 <= x1 < 136 and 3 < y0 <= y1 < 54  # longitude first, WGS84 degrees
        assert geom.equals_exact(original, 1e-6) or geom.normalize().equals_exact(original.normalize(), 1e-6)
    assert rings > len(want)  # the hole was there to be checked
    decimals = {len(d) for d in re.findall(r"-?\d+\.(\d+)", json.dumps([f["geometry"] for f in doc["features"]]))}
    assert max(decimals) <= 7


# ------------------------------------------------------------------ item 10: labels beside codes
@pytest.mark.parametrize("suffix", [".gpkg", ".shp", ".geojson", ".kml"])
def test_gis_formats_carry_chinese_labels_beside_codes(hostile: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"hazards{suffix}"
    with Workspace.open(hostile) as ws:
        export_layer(ws, "hazards", out)
        want = ws.read("hazards")
    got = pyogrio.read_dataframe(out)
    code_col = "haz_type" if suffix == ".shp" else "hazard_type"
    label_col = label_column("hazard_type", shapefile=suffix == ".shp")
    assert len(label_col) <= 10 or suffix != ".shp"
    field = LAYERS["hazards"].field("hazard_type")
    assert list(got[code_col]) == list(want["hazard_type"])  # codes unchanged: round trips stay exact
    assert list(got[label_col]) == [field.display(v) for v in want["hazard_type"]]
    assert "崩塌" in set(got[label_col])
    # our own import reads the codes back and leaves the label column out of the workspace
    target = tmp_path / "back.gpkg"
    Workspace.create(target).close()
    with Workspace.open(target) as ws:
        import_file(ws, out, "hazards")
        back = ws.read("hazards")
    assert list(back["hazard_type"]) == list(want["hazard_type"])
    assert list(back["name"]) == list(want["name"])
    assert not [c for c in back.columns if c.endswith("_zh")]


# ------------------------------------------------------------------ item 10: KML styles
def test_kml_carries_the_map_colours(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "hazards.kml"
    with Workspace.open(hostile) as ws:
        export_layer(ws, "hazards", out)
        want = ws.read("hazards")
    root = ET.parse(out).getroot()
    styles = {s.get("id"): s for s in root.iter(f"{{{KML_NS['k']}}}Style")}
    sym = SYMBOLOGY["hazards"]
    for code, symbol in sym.classes.items():
        style = styles[f"hazards-{code}"]
        color = style.find("k:IconStyle/k:color", KML_NS).text
        assert color == kml_color(symbol.fill)
        assert re.fullmatch(r"[0-9a-f]{8}", color)
    assert kml_color("#d9480f") == "ff0f48d9"  # KML is aabbggrr
    marks = root.findall(".//k:Placemark", KML_NS)
    assert len(marks) == len(want)
    for mark, code in zip(marks, want["hazard_type"], strict=True):
        url = mark.find("k:styleUrl", KML_NS).text
        assert url == f"#hazards-{code}" and url[1:] in styles
    # GDAL reads the document and resolves the styles
    ogrinfo = shutil.which("ogrinfo")
    need(ogrinfo is not None, "ogrinfo (gdal-bin)")
    summary = subprocess.run([ogrinfo, "-al", "-so", str(out)], capture_output=True, text=True, timeout=120)
    assert summary.returncode == 0, summary.stderr
    assert f"Feature Count: {len(want)}" in summary.stdout
    full = subprocess.run([ogrinfo, "-al", str(out)], capture_output=True, text=True, timeout=120).stdout
    assert "Style = @hazards-landslide" in full and "hazard_type_zh (String) = 滑坡" in full


def test_polygon_kml_styles_and_kmz_icons(hostile: Path, tmp_path: Path) -> None:
    from PIL import Image

    with Workspace.open(hostile) as ws:
        export_layer(ws, "storage_areas", tmp_path / "areas.kml")
        export_layer(ws, "hazards", tmp_path / "hazards.kmz")
    root = ET.parse(tmp_path / "areas.kml").getroot()
    style = next(s for s in root.iter(f"{{{KML_NS['k']}}}Style") if s.get("id") == "storage_areas-flooding")
    flooding = SYMBOLOGY["storage_areas"].classes["flooding"]
    assert style.find("k:PolyStyle/k:color", KML_NS).text == kml_color(flooding.fill)
    assert style.find("k:LineStyle/k:color", KML_NS).text == kml_color(flooding.stroke)
    with zipfile.ZipFile(tmp_path / "hazards.kmz") as zf:
        doc = ET.fromstring(zf.read("doc.kml"))
        for s in doc.iter(f"{{{KML_NS['k']}}}Style"):
            href = s.find("k:IconStyle/k:Icon/k:href", KML_NS).text
            icon = Image.open(io.BytesIO(zf.read(href))).convert("RGBA")
            code = s.get("id").split("-", 1)[1]
            symbol = SYMBOLOGY["hazards"].classes.get(code, SYMBOLOGY["hazards"].default)
            r, g, b, a = icon.getpixel((16, 18))  # the middle of the marker: its fill colour
            want = tuple(int(symbol.fill[i:i + 2], 16) for i in (1, 3, 5))
            assert a == 255 and max(abs(r - want[0]), abs(g - want[1]), abs(b - want[2])) < 12, code


# ------------------------------------------------------------------ item 19: formula injection
@given(st.text(max_size=12))
def test_csv_guard_round_trips_every_text(text: str) -> None:
    guarded = csv_cell(text)
    assert unguard(guarded) == text
    assert not (isinstance(guarded, str) and guarded.startswith(("=", "+", "-", "@", "\t", "\r")))


def test_csv_guard_keeps_numbers_numbers() -> None:
    assert csv_cell(-5) == -5 and csv_cell(-2.5) == -2.5
    assert csv_cell("-5+3") == "'-5+3" and csv_cell("\tx") == "'\tx" and csv_cell("\rx") == "'\rx"
    assert csv_cell("东山滑坡") == "东山滑坡"


def _csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))


def test_csv_export_neutralises_formulas(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "hazards.csv"
    with Workspace.open(hostile) as ws:
        export_layer(ws, "hazards", out)
    rows = _csv_rows(out)
    header, body = rows[0], rows[1:]
    row = next(r for r in body if INJECTION in r[header.index("名称")])
    assert row[header.index("名称")] == "'" + INJECTION
    assert row[header.index("乡镇")] == "'-5+3"
    assert row[header.index("县区")] == "'@SUM(1,2)"
    assert row[header.index("威胁人数 (人)")] == "5"  # a number stays a number
    assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for r in rows for c in r)
    # LibreOffice opens it: the cell is text, not a formula
    book = lo_convert(out, "xlsx", tmp_path / "lo", infilter="CSV:44,34,76,1")
    cells = [c for r in openpyxl.load_workbook(book).active.iter_rows() for c in r]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert "'" + INJECTION in [c.value for c in cells]
    # and FloodPost's own import gives the text back as it was
    target = tmp_path / "back.gpkg"
    Workspace.create(target).close()
    with Workspace.open(target) as ws:
        import_file(ws, out, "hazards")
        names = list(ws.read("hazards")["name"])
    assert INJECTION in names


def test_xlsx_export_has_no_formula_cells(hostile: Path, tmp_path: Path) -> None:
    out = tmp_path / "hazards.xlsx"
    with Workspace.open(hostile) as ws:
        export_layer(ws, "hazards", out)
    sheet = openpyxl.load_workbook(out).active
    cells = [c for r in sheet.iter_rows() for c in r]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    hit = next(c for c in cells if c.value == INJECTION)
    assert hit.data_type == "s" and hit.quotePrefix  # shown and kept as text, as Excel stores '=…
    assert next(c for c in cells if c.value == "-5+3").data_type == "s"
    assert any(c.value == 5 and c.data_type == "n" for c in cells)
    # LibreOffice reads the same text back out, not a computed value or an error
    text = lo_convert(out, LO_CSV, tmp_path / "lo")
    values = [c for r in _csv_rows(text) for c in r]
    assert INJECTION in values and "-5+3" in values and "@SUM(1,2)" in values


def test_gis_formats_store_the_text_unchanged(hostile: Path, tmp_path: Path) -> None:
    with Workspace.open(hostile) as ws:
        for suffix in (".gpkg", ".geojson", ".kml"):
            export_layer(ws, "hazards", tmp_path / f"h{suffix}")
    for suffix in (".gpkg", ".geojson", ".kml"):
        got = pyogrio.read_dataframe(tmp_path / f"h{suffix}")
        names = got["Name" if suffix == ".kml" else "name"].tolist()
        assert INJECTION in names and SCRIPT in names, suffix


def test_log_export_neutralises_formulas(hostile: Path, tmp_path: Path) -> None:
    ws_path = tmp_path / "ws.gpkg"
    shutil.copy(hostile, ws_path)
    with Workspace.open(ws_path) as ws:
        ws.record_meeting(INJECTION, operator="+值班员")
        ws.record_meeting("@SUM(1,2)", operator="-1")
        frame = ws.log_entries()
    out = export_log_xlsx(frame, tmp_path / "log.xlsx")
    cells = [c for r in openpyxl.load_workbook(out).active.iter_rows() for c in r]
    assert not [c.coordinate for c in cells if c.data_type == "f"]
    assert {INJECTION, "+值班员", "@SUM(1,2)", "-1"} <= {c.value for c in cells}
    text = lo_convert(out, LO_CSV, tmp_path / "lo")
    values = [c for r in _csv_rows(text) for c in r]
    assert INJECTION in values and "@SUM(1,2)" in values


# ------------------------------------------------------------------ item 20: Excel's cell limit
def test_xlsx_cell_over_the_limit_is_reported_not_cut(hostile: Path, tmp_path: Path) -> None:
    ws_path = tmp_path / "ws.gpkg"
    shutil.copy(hostile, ws_path)
    with Workspace.open(ws_path) as ws:
        ws.insert("hazards", [{"name": "长备注", "hazard_type": "landslide", "note": "长" * 40000,
                               "geometry": shapely.Point(114.2, 35.8)}])
        n = ws.count("hazards")
        out = tmp_path / "hazards.xlsx"
        out.write_bytes(b"old")
        with pytest.raises(OutputError) as err:
            export_layer(ws, "hazards", out)
        export_layer(ws, "hazards", tmp_path / "hazards.csv")  # CSV has no such limit
    msg = str(err.value)
    assert str(out) in msg and f"row {n + 1}," in msg and "(备注)" in msg and "40,000" in msg
    assert f"{XLSX_CELL_LIMIT:,}" in msg
    assert out.read_bytes() == b"old" and sorted(p.name for p in tmp_path.iterdir()) == [
        "hazards.csv", "hazards.xlsx", "ws.gpkg"]
    assert "长" * 40000 in (tmp_path / "hazards.csv").read_text("utf-8-sig")


def test_log_export_reports_long_text_and_says_when_it_shortens_a_geometry(tmp_path: Path) -> None:
    ws = Workspace.create(tmp_path / "ws.gpkg")
    ring = [(114 + 0.1 * math.cos(i * math.tau / 3200), 35 + 0.1 * math.sin(i * math.tau / 3200))
            for i in range(3200)]
    ws.insert("storage_areas", [{"name": "大区", "status": "standby", "geometry": shapely.Polygon(ring)}])
    out = export_log_xlsx(ws.log_entries(), tmp_path / "log.xlsx")
    cells = [c.value for r in openpyxl.load_workbook(out).active.iter_rows() for c in r if isinstance(c.value, str)]
    cut = [c for c in cells if "几何坐标共" in c]
    assert cut and all(len(c) <= XLSX_CELL_LIMIT for c in cells)
    ws.record_meeting("长" * 40000)
    with pytest.raises(OutputError) as err:
        export_log_xlsx(ws.log_entries(), tmp_path / "log2.xlsx")
    assert "log2.xlsx" in str(err.value) and "column F (摘要)" in str(err.value)
    assert not (tmp_path / "log2.xlsx").exists()
    ws.close()


# ------------------------------------------------------------------ item 21: one redaction rule
@pytest.mark.parametrize(("text", "gone"), [
    ("联系人王小明 1391234xxxx", ("王小明", "1391234")),
    ("责任人：张三，电话：13903921234", ("张三", "13903921234")),
    ("请拨打0392-555xxxx或（0392）5551234", ("555xxxx", "5551234")),
    ("带队负责人欧阳明电话139 1234 5678", ("欧阳明", "1234 5678")),
    ("+86 139-1234-5678", ("1234-5678",)),
    ("监测员：李四", ("李四",)),
    ("管理人王五（手机1390392xxxx）", ("王五", "1390392")),
    ("身份证410603199001011234", ("410603199001011234",)),
])
def test_mask_text_masks_phones_and_cued_names(text: str, gone: tuple[str, ...]) -> None:
    masked = mask_text(text)
    assert MASK in masked
    for g in gone:
        assert g not in masked


@pytest.mark.parametrize("text", [
    "负责人员已到位，转移群众1,200人", "2021-07-23 18:00 水位 73.2 m", "坐标114.05,35.87",
    "热线12345", "责任人单位：市水利局", "=cmd|' /C calc'!A0",
])
def test_mask_text_leaves_ordinary_text(text: str) -> None:
    assert mask_text(text) == text


def test_redactor_masks_known_private_values_anywhere() -> None:
    r = Redactor(["赵铁柱", "x"])  # one-character values are not words to hunt for
    assert r("请赵铁柱核实") == f"请{MASK}核实"
    assert r("x 轴") == "x 轴" and r(5) == 5


@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".geojson", ".kml", ".gpkg"])
def test_press_export_has_no_names_or_phones(hostile: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"hazards{suffix}"
    with Workspace.open(hostile) as ws:
        export_layer(ws, "hazards", out, press=True)
        private = [str(v) for f in LAYERS["hazards"].private_fields for v in ws.read("hazards")[f].dropna()]
    if suffix == ".xlsx":
        text = "\n".join(str(c.value) for r in openpyxl.load_workbook(out).active.iter_rows() for c in r)
        text += lo_convert(out, LO_CSV, tmp_path / "lo").read_text("utf-8")
    elif suffix == ".gpkg":
        text = pyogrio.read_dataframe(out).to_csv()
    else:
        text = out.read_text("utf-8-sig")
    assert private and "赵铁柱" in private
    for word in (*PERSONAL, "赵铁柱", *private):
        assert word not in text, word
    assert "联系人" in text and MASK in text  # the cue stays, the name goes
    got = pyogrio.read_dataframe(out) if suffix in (".geojson", ".gpkg") else None
    if got is not None:
        assert not set(LAYERS["hazards"].private_fields) & set(got.columns)


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        exe = shutil.which(name)
        if exe:
            return exe
    need(False, "Chromium")
    return ""


#: Put into a copy of the page: catch alert(), then put every popup and tooltip into the DOM
#: the way Leaflet does when a user clicks (innerHTML), so that hostile text gets its chance.
_PROBE_HEAD = """<script>window.alert = function (m) {
  document.documentElement.setAttribute("data-alerts", (document.documentElement.getAttribute("data-alerts") || "") + "|" + m);
};</script>"""
_PROBE_TAIL = """<script>window.addEventListener("load", function () {
  var box = document.createElement("div"); box.id = "fp-probe"; document.body.appendChild(box);
  var n = 0;
  %(map)s.eachLayer(function (l) {
    var parts = [l.getPopup && l.getPopup(), l.getTooltip && l.getTooltip()];
    parts.forEach(function (p) { if (p) { var d = document.createElement("div"); d.innerHTML = p.getContent(); box.appendChild(d); n++; } });
  });
  box.setAttribute("data-probed", n);
});</script>"""


def test_press_web_map_in_chromium(hostile: Path, tmp_path: Path) -> None:
    with Workspace.open(hostile) as ws:
        page = build_web_map(ws, tmp_path / "press.html", press=True, title="鹤壁市防汛态势图")
    html = page.read_text("utf-8")
    for word in (*PERSONAL, "赵铁柱"):
        assert word not in html, word
    mapvar = re.search(r"var (map_[0-9a-f]+) = L\.map", html).group(1)
    probed = html.replace("<head>", "<head>" + _PROBE_HEAD, 1).replace(
        "</body>", _PROBE_TAIL % {"map": mapvar} + "</body>", 1)
    probe = tmp_path / "probe.html"
    probe.write_text(probed, "utf-8")
    run = subprocess.run(
        [_chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         f"--user-data-dir={tmp_path / 'chrome'}", "--virtual-time-budget=8000", "--dump-dom", probe.as_uri()],
        capture_output=True, text=True, timeout=180,
    )
    dom = run.stdout
    assert "data-probed=" in dom, run.stderr[-2000:]
    assert int(re.search(r'data-probed="(\d+)"', dom).group(1)) > 100  # every feature's popup and tooltip
    assert not re.search(r"<html[^>]*data-alerts", dom)  # alert(1) never ran
    assert "<title>鹤壁市防汛态势图</title>" in dom and "pwned" not in dom.split("</title>")[0]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom  # shown as text
    assert '<img src="x"' not in dom and "&lt;img src=x" in dom
    for word in (*PERSONAL, "赵铁柱"):
        assert word not in dom, word
    assert "联系人" + MASK in dom


def test_window_export_asks_and_redacts_for_publication(qtbot, hostile: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

    from floodpost.ui.mainwindow import MainWindow

    ws_path = tmp_path / "ws.gpkg"
    shutil.copy(hostile, ws_path)
    target = tmp_path / "press.csv"
    asked: list[str] = []

    def pick(*a: object, **k: object) -> tuple[str, bool]:
        labels = a[3]
        return next(x for x in labels if x.endswith("(hazards)")), True

    def question(*a: object, **k: object) -> QMessageBox.StandardButton:
        asked.append(str(a[2]))
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QInputDialog, "getItem", pick)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: pytest.fail(str(a)))
    win = MainWindow()
    qtbot.addWidget(win)
    assert win.open_workspace(ws_path)
    win.export_dialog()
    text = target.read_text("utf-8-sig")
    assert asked and "publication" in asked[0]
    assert "联系人" + MASK in text and "'" + INJECTION in text
    for word in (*PERSONAL, "赵铁柱"):
        assert word not in text
