"""Files counties really send, imported and published as a user would (QA of issue 14).

Each test here was written for a fault found by using the product on files it
had never seen; it fails without the fix it names.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from floodpost.cli import main
from floodpost.data.workspace import Workspace


@pytest.fixture
def ws_path(tmp_path: Path) -> Path:
    path = tmp_path / "ws.gpkg"
    Workspace.create(path).close()
    return path


@pytest.mark.parametrize(
    ("lon", "lat", "column", "reason"),
    [
        ("114.05", "", "纬度", "empty coordinate"),
        ("114.05", "abc", "纬度", "'abc' is not a coordinate"),
        ("", "35.70", "经度", "empty coordinate"),
        # the reason mentions "latitude", but the fault is in the longitude cell
        ("35.7N", "35.70", "经度", "belongs to a latitude"),
    ],
)
def test_coordinate_error_names_the_cell_at_fault(
    ws_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], lon: str, lat: str, column: str, reason: str
) -> None:
    """The refusal names the column of the bad cell, not whichever the wording happens to mention."""
    src = tmp_path / "点.csv"
    src.write_text(f"名称,灾害类型,经度,纬度\n甲,滑坡,114.05,35.70\n乙,滑坡,{lon},{lat}\n", encoding="utf-8")
    before = ws_path.read_bytes()
    assert main(["import", str(ws_path), str(src), "--as", "hazards"]) != 0
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert f"点.csv, row 3, column '{column}'" in err
    assert reason in err
    assert ws_path.read_bytes() == before


def test_grid_metres_error_names_the_northing_column(
    ws_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = tmp_path / "gk.csv"
    src.write_text("名称,灾害类型,X,Y\n甲,滑坡,38523000.5,3950000.2\n乙,滑坡,38523100.0,三九五\n", encoding="utf-8")
    assert main(["import", str(ws_path), str(src), "--as", "hazards", "--lon", "X", "--lat", "Y",
                 "--crs", "EPSG:4526"]) != 0
    err = capsys.readouterr().err
    assert "gk.csv, row 3, column 'Y'" in err


@pytest.mark.parametrize("key", ["waterlogging", "rivers", "hazards", "forces", "depots", "storage_areas"])
def test_qgis_legend_names_each_class_once(key: str) -> None:
    """QGIS showed 其他 twice in the waterlogging legend: the kind 其他 and the catch-all."""
    import xml.etree.ElementTree as ET

    from floodpost.data.store.gpkg import qgis_styles

    root = ET.fromstring(qgis_styles.qml(key).split("\n", 1)[1])
    labels = [c.get("label") for c in root.find("renderer-v2/categories")]
    assert len(labels) == len(set(labels)), labels
    names = [n.text for n in ET.fromstring(qgis_styles.sld(key)).iter("{http://www.opengis.net/se}Name")]
    assert names.count("其他") <= 1, names


def test_tally_status_line_forgets_warnings_once_the_figure_is_corrected(qtbot, tmp_path: Path) -> None:
    """Seen under Xvfb: after 5,000,000 sandbags was corrected, the warning and the Save-anyway
    button went, but the line still said "check the warnings, then Save anyway"."""
    import shapely
    from PySide6.QtCore import Qt

    from floodpost.ui.dialogs.tallyentry import TallyEntryDialog

    path = tmp_path / "ws.gpkg"
    with Workspace.create(path) as ws:
        ws.insert("depots", [{"name": "市仓库", "kind": "warehouse", "geometry": shapely.Point(114.3, 35.7)}])
        ws.insert("material_tally", [{"depot": "市仓库", "item": "沙袋", "quantity": 3000,
                                      "kind": "入库", "reported_at": "2021-07-22T08:00"}])
    dlg = TallyEntryDialog(path, lang="zh", operator="值班员")
    qtbot.addWidget(dlg)
    dlg.show()
    dlg.editor("depot").setEditText("市仓库")
    dlg.editor("reported_at").setText("2021-07-22 12:00")
    quantity = dlg.editor("quantity")
    quantity.setText("5000000")
    assert dlg.save() is None
    assert dlg.save_anyway_button.isVisibleTo(dlg)
    assert "Ctrl+Shift+Enter" in dlg.status_label.text()
    quantity.setFocus()
    qtbot.keyClick(quantity, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(quantity, "5000")
    assert not dlg.save_anyway_button.isVisibleTo(dlg)
    assert dlg.status_label.text() == ""
    assert dlg.save() is not None
    assert dlg.status_label.text().startswith("Saved") or "已保存" in dlg.status_label.text()


def _zip_with_raw_names(path: Path, members: dict[str, bytes], encoding: str) -> Path:
    """A zip whose names are stored in ``encoding`` without the UTF-8 flag, as Windows
    (GBK) and Info-ZIP on Linux (UTF-8) write them."""
    import zipfile

    class RawName(zipfile.ZipInfo):
        def _encodeFilenameFlags(self) -> tuple[bytes, int]:  # noqa: N802 - zipfile's name
            return self.filename.encode(encoding), self.flag_bits & ~0x800

    with zipfile.ZipFile(path, "w") as zf:
        for name, data in members.items():
            zf.writestr(RawName(name), data)
    return path


@pytest.mark.parametrize("encoding", ["gbk", "utf-8"])
def test_zip_member_names_in_chinese_are_read_as_written(
    ws_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], encoding: str
) -> None:
    import zipfile

    import geopandas as gpd
    import pyogrio
    from shapely.geometry import Point

    members: dict[str, bytes] = {}
    for stem, kind in (("隐患点", "滑坡"), ("塌陷区", "地面塌陷")):
        frame = gpd.GeoDataFrame({"名称": [f"{stem}一号"], "灾害类型": [kind]},
                                 geometry=[Point(114.05, 35.7)], crs="EPSG:4490")
        pyogrio.write_dataframe(frame, tmp_path / f"{stem}.shp", encoding="GBK")
        for part in sorted(tmp_path.glob(f"{stem}.*")):
            members[part.name] = part.read_bytes()
    src = _zip_with_raw_names(tmp_path / "县里发来的.zip", members, encoding)
    with zipfile.ZipFile(src) as zf:
        assert not any(i.flag_bits & 0x800 for i in zf.infolist())

    assert main(["import", str(ws_path), str(src), "--as", "hazards"]) != 0
    err = capsys.readouterr().err
    assert "隐患点" in err and "塌陷区" in err  # the layers named as the county named them
    assert main(["import", str(ws_path), str(src), "--as", "hazards", "--layer", "塌陷区"]) == 0
    assert "read 塌陷区.shp from the zip" in capsys.readouterr().out
    with Workspace.open(ws_path) as ws:
        assert list(ws.read("hazards")["name"]) == ["塌陷区一号"]


def test_a_cpg_that_lies_is_refused_on_the_header_not_on_field1(
    ws_path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """GBK names and values with a .cpg saying UTF-8: the names used to be decoded with
    errors ignored, became field1, field2 …, and the refusal blamed "row 1, column 'field1'"."""
    import geopandas as gpd
    import pyogrio
    from shapely.geometry import Point

    frame = gpd.GeoDataFrame({"名称": ["大河涧滑坡"], "灾害类型": ["滑坡"]},
                             geometry=[Point(114.05, 35.75)], crs="EPSG:4490")
    shp = tmp_path / "隐患点.shp"
    pyogrio.write_dataframe(frame, shp, encoding="GBK")
    shp.with_suffix(".cpg").write_text("UTF-8")
    before = ws_path.read_bytes()
    assert main(["import", str(ws_path), str(shp), "--as", "hazards"]) != 0
    err = capsys.readouterr().err.strip()
    assert err.endswith("隐患点.shp: the name of column 1 is not utf-8; name the encoding (--encoding)")
    assert "field1" not in err
    assert ws_path.read_bytes() == before
    assert main(["import", str(ws_path), str(shp), "--as", "hazards", "--encoding", "GBK"]) == 0
