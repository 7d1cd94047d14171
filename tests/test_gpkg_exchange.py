"""The workspace as other GIS software sees it: one geometry type per table, R-trees, QGIS styles.

What QGIS 3.22 and GDAL 3.6 found (issue 14, items 8, 9 and 11): ``reservoirs``
mixed points and a polygon, so QGIS showed 1 of 9 reservoirs; no spatial
index; no stored style. Where the system's GDAL validator and PyQGIS are
installed, the tests run them on the file as a user would.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import struct
import subprocess
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pyogrio
import pytest
import shapely
from tools import need_qgis, need_validator

from floodpost.cli import main
from floodpost.data.schema import LAYER_ORDER, LAYERS, STORAGE_EPSG
from floodpost.data.schema.symbology import SWATCH_KIND, SYMBOLOGY, parse_color
from floodpost.data.store.gpkg import geopackage as gpkg
from floodpost.data.store.gpkg import qgis_styles
from floodpost.data.store.gpkg import store as wsmod
from floodpost.data.workspace import Workspace

SYSTEM_PYTHON = "/usr/bin/python3"
VALIDATOR = Path("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py")
SPATIAL = [k for k, s in LAYERS.items() if s.is_spatial]


def _system_has(module: str) -> bool:
    if not Path(SYSTEM_PYTHON).exists():
        return False
    r = subprocess.run([SYSTEM_PYTHON, "-c", f"import {module}"], capture_output=True, timeout=120)
    return r.returncode == 0


def validate(path: Path) -> str:
    """GDAL's GeoPackage validator on ``path``: its output, asserting it found no error."""
    need_validator()
    r = subprocess.run([SYSTEM_PYTHON, str(VALIDATOR), str(path)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout + r.stderr
    return r.stdout + r.stderr


def wkb_types(con: sqlite3.Connection, key: str) -> set[int]:
    out = set()
    for (blob,) in con.execute(f'SELECT geom FROM "{key}" WHERE geom IS NOT NULL'):
        env = (blob[3] >> 1) & 0b111
        at = 8 + (0, 32, 48, 48, 64)[env]
        order = "<" if blob[at] == 1 else ">"
        out.add(struct.unpack(order + "I", blob[at + 1 : at + 5])[0])
    return out


# ------------------------------------------------------------------ item 8: one geometry type per table
def test_every_layer_holds_one_geometry_type(demo_path):
    con = sqlite3.connect(demo_path)
    declared = dict(con.execute("SELECT table_name, geometry_type_name FROM gpkg_geometry_columns"))
    assert declared["reservoirs"] == "POINT" and declared["reservoir_areas"] == "MULTIPOLYGON"
    wkb_code = {"POINT": 1, "MULTILINESTRING": 5, "MULTIPOLYGON": 6}
    for key in SPATIAL:
        sql_type = {r[1]: r[2] for r in con.execute(f'PRAGMA table_info("{key}")')}["geom"]
        assert sql_type == declared[key] == LAYERS[key].geometry, key
        assert wkb_types(con, key) <= {wkb_code[declared[key]]}, key
    # GDAL (and so QGIS) sees nine reservoir points
    info = pyogrio.read_info(demo_path, layer="reservoirs")
    assert info["geometry_type"] == "Point" and info["features"] == 9
    assert pyogrio.read_info(demo_path, layer="reservoir_areas")["geometry_type"] == "MultiPolygon"


def test_reservoir_areas_sit_under_the_reservoirs_and_draw_from_the_registry():
    order = list(LAYER_ORDER)
    assert order.index("reservoir_areas") == order.index("reservoirs") - 1
    assert SYMBOLOGY["reservoir_areas"].default.fill  # an ordinary symbology entry
    assert LAYERS["reservoir_areas"].label("zh") == "水库水面"
    import floodpost.data.schema.symbology as sym

    assert not hasattr(sym, "RESERVOIR_POLYGON")
    for path in ("floodpost/layers/render/painter.py", "floodpost/layers/output/legend.py", "floodpost/layers/output/webmap.py"):
        text = (Path(__file__).parent.parent / path).read_text(encoding="utf-8")
        assert '"reservoirs"' not in text, f"{path} still special-cases reservoirs"


def test_legend_lists_the_water_surfaces_once(qapp):
    from floodpost.layers.output.legend import legend_entries

    res = legend_entries("reservoirs")
    assert [e.kind for e in res] == ["point"] * 4
    areas = legend_entries("reservoir_areas")
    assert [(e.kind, e.label) for e in areas] == [("polygon", "水库水面")]


def test_importing_polygons_as_reservoirs_keeps_a_point_and_the_outline(demo_path, tmp_path, capsys):
    src = tmp_path / "res.geojson"
    lake = shapely.Polygon([(114.2, 35.7), (114.22, 35.7), (114.22, 35.72), (114.2, 35.72)])
    src.write_text(json.dumps({"type": "FeatureCollection", "features": [
        {"type": "Feature", "properties": {"水库名称": "测试一水库", "规模": "中型", "总库容": 500},
         "geometry": shapely.geometry.mapping(lake)},
        {"type": "Feature", "properties": {"水库名称": "测试二水库", "规模": "小(1)型", "总库容": 50},
         "geometry": {"type": "Point", "coordinates": [114.25, 35.75]}},
    ]}, ensure_ascii=False), encoding="utf-8")
    assert main(["import", str(demo_path), str(src), "--as", "reservoirs"]) == 0
    out = capsys.readouterr().out
    assert "1 outlines kept in reservoir_areas" in out
    with Workspace.open(demo_path) as ws:
        res = ws.read("reservoirs").set_index("name")
        areas = ws.read("reservoir_areas").set_index("reservoir")
        log = ws.log_entries().iloc[-1]
    one = res.loc["测试一水库"]
    assert one.geometry.geom_type == "Point" and lake.contains(one.geometry)
    assert one["scale"] == "medium" and one["capacity"] == 500
    assert areas.loc["测试一水库"].geometry.equals(shapely.MultiPolygon([lake]))
    assert areas.loc["测试一水库", "source"] == "res.geojson"
    assert "测试二水库" not in areas.index
    after = json.loads(log["after"])
    assert after["outlines"]["layer"] == "reservoir_areas" and len(after["outlines"]["fids"]) == 1
    validate(demo_path)


def test_reservoir_and_its_outline_are_one_transaction(tmp_path):
    ws = Workspace.create(tmp_path / "w.gpkg")
    lake = shapely.Polygon([(114.2, 35.7), (114.22, 35.7), (114.22, 35.72), (114.2, 35.72)])
    bad = {"name": "坏水库", "scale": "巨型", "geometry": shapely.Point(114.3, 35.8)}
    with pytest.raises(Exception, match="巨型"):
        ws.insert("reservoirs", [{"name": "甲水库", "scale": "中型", "geometry": lake}, bad])
    assert ws.count("reservoirs") == ws.count("reservoir_areas") == 0
    [fid] = ws.insert("reservoirs", [{"name": "甲水库", "scale": "中型", "geometry": lake}])
    assert ws.count("reservoir_areas") == 1
    with pytest.raises(ValueError, match="reservoir_areas"):
        ws.update("reservoirs", fid, {"geometry": lake.buffer(0.01)})
    ws.update("reservoirs", fid, {"geometry": shapely.Point(114.21, 35.71)})
    ws.close()


# ------------------------------------------------------------------ migration from schema 1
def make_schema_1(path: Path) -> None:
    """Turn a fresh workspace into what FloodPost wrote before schema 2.

    reservoirs in one GEOMETRY column (eight points and a polygon), no
    reservoir_areas, no R-trees, no gpkg_extensions, no layer_styles; plus
    what GDAL leaves in a file QGIS edited (a feature-count trigger) and a
    deleted reservoir, whose fid must not be given out again.
    """
    from floodpost.data.demo import demo_records

    records = demo_records()
    ws = Workspace.create(path)
    ws.insert("hazards", records["hazards"])
    points = records["reservoirs"]
    ws.insert("reservoirs", points + [{**points[0], "name": "已删除水库"}])
    ws.delete("reservoirs", [10])
    ws.close()
    lake = records["reservoir_areas"][0]["geometry"].geoms[0]
    con = sqlite3.connect(path, isolation_level=None)
    gpkg.register_functions(con)
    con.execute("BEGIN")
    for key in SPATIAL:
        gpkg.drop_rtree(con, key)
    con.execute("DROP TABLE gpkg_extensions")
    con.execute("DROP TABLE layer_styles")
    con.execute("DELETE FROM gpkg_contents WHERE table_name IN ('layer_styles', 'reservoir_areas')")
    con.execute("DELETE FROM gpkg_geometry_columns WHERE table_name = 'reservoir_areas'")
    con.execute("DROP TABLE reservoir_areas")
    con.execute("DELETE FROM sqlite_sequence WHERE name = 'reservoir_areas'")
    wsmod._declare_geometry(con, "reservoirs", "GEOMETRY")
    con.execute("UPDATE reservoirs SET geom = ? WHERE fid = 1", (gpkg.encode([lake], STORAGE_EPSG)[0],))
    con.execute("CREATE TABLE gpkg_ogr_contents (table_name TEXT NOT NULL PRIMARY KEY, feature_count INTEGER)")
    con.execute("INSERT INTO gpkg_ogr_contents VALUES ('reservoirs', 9)")
    con.execute(
        'CREATE TRIGGER "trigger_insert_feature_count_reservoirs" AFTER INSERT ON "reservoirs" BEGIN '
        "UPDATE gpkg_ogr_contents SET feature_count = feature_count + 1 WHERE lower(table_name) = lower('reservoirs'); END"
    )
    con.execute("UPDATE floodpost_meta SET value = '1' WHERE key = 'schema_version'")
    con.execute("COMMIT")
    con.close()


@pytest.fixture
def old_path(tmp_path) -> Path:
    path = tmp_path / "old.gpkg"
    make_schema_1(path)
    con = sqlite3.connect(path)
    assert con.execute("SELECT geometry_type_name FROM gpkg_geometry_columns WHERE table_name='reservoirs'").fetchone() == ("GEOMETRY",)
    assert wkb_types(con, "reservoirs") == {1, 3}
    con.close()
    return path


def test_schema_1_workspace_is_migrated_on_open(old_path):
    with Workspace.open(old_path) as ws:
        assert ws.schema_version == wsmod.SCHEMA_VERSION == 5
        res = ws.read("reservoirs")
        areas = ws.read("reservoir_areas")
        log = ws.log_entries()
        fid = ws.insert("reservoirs", [{"name": "新水库", "scale": "小(2)型", "geometry": shapely.Point(114.1, 35.9)}])
    assert len(res) == 9 and set(res.geometry.geom_type) == {"Point"}
    pan = res.loc[1]
    assert pan["name"] == "盘石头水库" and pan["scale"] == "large"  # every attribute kept
    [area] = areas.itertuples()
    assert area.reservoir == "盘石头水库" and area.geometry.geom_type == "MultiPolygon"
    assert area.geometry.contains(pan.geometry)  # shapely.point_on_surface
    migrated = log[log["action"] == "migrate"]
    assert len(migrated) == 1
    assert "盘石头水库" in migrated.iloc[0]["summary"] and "reservoir_areas" in migrated.iloc[0]["summary"]
    assert fid == [11]  # the deleted reservoir's fid 10 is not given out again
    con = sqlite3.connect(old_path)
    assert {r[1]: r[2] for r in con.execute('PRAGMA table_info("reservoirs")')}["geom"] == "POINT"
    assert wkb_types(con, "reservoirs") == {1}
    # GDAL's feature-count trigger survived the rebuild, and counted the new reservoir
    assert con.execute("SELECT feature_count FROM gpkg_ogr_contents").fetchone() == (10,)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    for key in SPATIAL:
        assert gpkg.has_rtree(con, key), key
        assert con.execute(f"SELECT rtreecheck('{gpkg.rtree_name(key)}')").fetchone() == ("ok",)
    assert not qgis_styles.missing(con)
    con.close()
    validate(old_path)


def test_a_failed_migration_leaves_the_file_as_it_was(old_path, monkeypatch):
    before = old_path.read_bytes()

    def broken(*args, **kwargs):
        raise sqlite3.OperationalError("simulated failure half way")

    monkeypatch.setattr(gpkg, "create_rtree", broken)
    with pytest.raises(wsmod.WorkspaceError, match="cannot be upgraded.*half way.*unchanged"):
        Workspace.open(old_path)
    assert old_path.read_bytes() == before
    monkeypatch.undo()
    with Workspace.open(old_path) as ws:
        assert ws.schema_version == 5


def test_two_windows_opening_an_old_workspace_migrate_it_once(old_path):
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def open_it() -> None:
        start.wait()
        try:
            Workspace.open(old_path).close()
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=open_it) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    with Workspace.open(old_path) as ws:
        log = ws.log_entries()
        assert (log["action"] == "migrate").sum() == 1
        assert ws.count("reservoir_areas") == 1


# ------------------------------------------------------------------ item 9: spatial index
def rtree_rows(con: sqlite3.Connection, key: str) -> dict[int, tuple[float, ...]]:
    return {r[0]: r[1:] for r in con.execute(f'SELECT id, minx, maxx, miny, maxy FROM "{gpkg.rtree_name(key)}"')}


def assert_index_matches(path: Path) -> None:
    """Every non-empty geometry is in its layer's R-tree with a box that holds it, and nothing else is."""
    con = sqlite3.connect(path)
    for key in SPATIAL:
        rows = con.execute(f'SELECT fid, geom FROM "{key}"').fetchall()
        geoms = gpkg.decode([r[1] for r in rows])
        want = {fid for (fid, _), g in zip(rows, geoms, strict=True) if g is not None and not g.is_empty}
        index = rtree_rows(con, key)
        assert set(index) == want, key
        for (fid, _), g in zip(rows, geoms, strict=True):
            if fid in index:
                x0, y0, x1, y1 = g.bounds
                minx, maxx, miny, maxy = index[fid]
                assert minx <= x0 and maxx >= x1 and miny <= y0 and maxy >= y1, (key, fid)
                assert max(x0 - minx, maxx - x1, y0 - miny, maxy - y1) < 3e-5, (key, fid)  # float32, rounded outwards
        assert con.execute(f"SELECT rtreecheck('{gpkg.rtree_name(key)}')").fetchone() == ("ok",)
    con.close()


def test_every_layer_has_a_declared_rtree(demo_path):
    con = sqlite3.connect(demo_path)
    ext = con.execute(
        "SELECT table_name, column_name, definition, scope FROM gpkg_extensions WHERE extension_name='gpkg_rtree_index'"
    ).fetchall()
    assert sorted(ext) == sorted((k, "geom", gpkg.RTREE_DEFINITION, "write-only") for k in SPATIAL)
    triggers = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='trigger'")}
    for key in SPATIAL:
        r = gpkg.rtree_name(key)
        assert {f"{r}_{s}" for s in ("insert", "update1", "update2", "update3", "update4", "delete")} <= triggers
    con.close()
    assert_index_matches(demo_path)
    # GDAL sees the index: a bounding-box filter is answered from it
    assert pyogrio.read_info(demo_path, layer="hazards")["capabilities"]["fast_spatial_filter"]


def test_index_follows_our_edits_small_and_bulk(tmp_path):
    path = tmp_path / "w.gpkg"
    ws = Workspace.create(path)
    rng = np.random.default_rng(3)
    n = wsmod.BULK_INDEX_ROWS + 500  # filled in bulk, not by the trigger
    pts = shapely.points(114 + rng.random(n), 35.5 + rng.random(n) * 0.5)
    fids = ws.insert("hazards", [{"name": f"点{i}", "hazard_type": "滑坡", "geometry": p} for i, p in enumerate(pts)])
    few = ws.insert("hazards", [{"name": "单点", "hazard_type": "崩塌", "geometry": shapely.Point(114.5, 35.7)}])
    ws.update("hazards", fids[0], {"geometry": shapely.Point(113.9, 35.4)})
    ws.delete("hazards", fids[1:10])
    ws.restore("hazards", fids[1], {"name": "恢复", "hazard_type": "滑坡", "geometry": shapely.Point(114.2, 35.6)})
    ws.insert("storage_areas", [{"name": "区", "status": "待命", "geometry": shapely.box(114, 35, 114.1, 35.1)}])
    ws.close()
    assert_index_matches(path)
    con = sqlite3.connect(path)
    assert rtree_rows(con, "hazards")[fids[0]][0] == pytest.approx(113.9, abs=3e-5)
    assert few[0] in rtree_rows(con, "hazards")
    con.close()


def test_packed_index_of_big_imports_answers_as_sqlite_would(tmp_path):
    """Big imports build the R-tree packed (written into its shadow tables); it must find every feature."""
    path = tmp_path / "w.gpkg"
    ws = Workspace.create(path)
    rng = np.random.default_rng(8)

    def batch(n: int) -> list[dict]:
        x, y, w = 114 + rng.random(n), 35.5 + rng.random(n) * 0.5, rng.random(n) * 0.01
        return [{"name": f"区{i}", "status": "待命", "geometry": shapely.box(a, b, a + c, b + c)}
                for i, (a, b, c) in enumerate(zip(x, y, w, strict=True))]

    ws.insert("storage_areas", batch(5000))  # packed: the index was empty
    ws.insert("storage_areas", batch(3000))  # fewer than indexed: inserted one by one
    ws.delete("storage_areas", [5, 6, 7])  # triggers on the packed tree
    ws.insert("storage_areas", batch(9000))  # more than indexed: everything packed again
    frame = ws.read("storage_areas")
    ws.close()
    assert_index_matches(path)
    con = sqlite3.connect(path)
    bounds = shapely.bounds(frame.geometry.to_numpy())
    for _ in range(100):
        qx, qy = 114 + rng.random(), 35.5 + rng.random() * 0.5
        got = {r[0] for r in con.execute(
            'SELECT id FROM "rtree_storage_areas_geom" WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?',
            (qx, qx + 0.03, qy, qy + 0.03))}
        want = set(frame.index[(bounds[:, 2] >= qx) & (bounds[:, 0] <= qx + 0.03)
                               & (bounds[:, 3] >= qy) & (bounds[:, 1] <= qy + 0.03)])
        assert want <= got and len(got - want) <= 2  # float32 boxes may add a neighbour, never lose one
    con.close()
    # and GDAL's spatial filter, which reads the tree, finds the same features
    got = pyogrio.read_dataframe(path, layer="storage_areas", bbox=(114.2, 35.6, 114.3, 35.7), fid_as_index=True)
    want = frame.index[(bounds[:, 2] >= 114.2) & (bounds[:, 0] <= 114.3) & (bounds[:, 3] >= 35.6) & (bounds[:, 1] <= 35.7)]
    assert set(got.index) == set(want)
    # an index made afresh for a big layer (the migration's case) is packed too
    con = sqlite3.connect(path)
    gpkg.register_functions(con)
    with con:
        gpkg.create_rtree(con, "storage_areas")
    con.close()
    assert_index_matches(path)


def test_index_follows_edits_by_other_software(demo_path, tmp_path):
    # GDAL (as QGIS) appends features with its own ST_ functions
    import geopandas as gpd

    extra = gpd.GeoDataFrame(
        {"name": ["GDAL点"], "hazard_type": ["landslide"]}, geometry=[shapely.Point(114.3, 35.9)], crs=4490
    )
    pyogrio.write_dataframe(extra, demo_path, layer="hazards", driver="GPKG", append=True)
    # a plain sqlite3 program with our functions registered
    con = sqlite3.connect(demo_path)
    gpkg.register_functions(con)
    con.execute("UPDATE hazards SET geom = ? WHERE fid = 1", (gpkg.encode([shapely.Point(114.01, 35.51)], 4490)[0],))
    con.execute("UPDATE hazards SET fid = 1000 WHERE fid = 2")
    con.execute("UPDATE hazards SET geom = NULL WHERE fid = 3")
    con.execute("DELETE FROM hazards WHERE fid = 4")
    con.commit()
    con.close()
    assert_index_matches(demo_path)
    with Workspace.open(demo_path) as ws:  # and the file is still ours
        assert "GDAL点" in set(ws.read("hazards")["name"])


def test_st_functions_never_fail_a_write():
    con = sqlite3.connect(":memory:")
    gpkg.register_functions(con)
    for blob in (b"GP", b"junk junk junk", gpkg.encode([shapely.Point()], 4490)[0],
                 gpkg.encode([shapely.box(0, 0, 1, 1)], 4490)[0][:20]):
        assert con.execute("SELECT ST_IsEmpty(?), ST_MinX(?)", (blob, blob)).fetchone()[0] in (0, 1)
    point = gpkg.encode([shapely.Point(3, 4)], 4490)[0]
    assert con.execute("SELECT ST_IsEmpty(?), ST_MinX(?), ST_MaxY(?)", (point,) * 3).fetchone() == (0, 3.0, 4.0)


# ------------------------------------------------------------------ item 11: styles QGIS reads
#: layer_styles as QGIS 3.22 creates it through GDAL (read back from a file QGIS saved a style to)
QGIS_LAYER_STYLES = [
    ("id", "INTEGER"), ("f_table_catalog", "TEXT(256)"), ("f_table_schema", "TEXT(256)"),
    ("f_table_name", "TEXT(256)"), ("f_geometry_column", "TEXT(256)"), ("styleName", "TEXT(30)"),
    ("styleQML", "TEXT"), ("styleSLD", "TEXT"), ("useAsDefault", "BOOLEAN"), ("description", "TEXT"),
    ("owner", "TEXT(30)"), ("ui", "TEXT(30)"), ("update_time", "DATETIME"),
]


def test_layer_styles_is_the_table_qgis_reads(demo_path):
    con = sqlite3.connect(demo_path)
    assert [(r[1], r[2]) for r in con.execute('PRAGMA table_info("layer_styles")')] == QGIS_LAYER_STYLES
    assert con.execute("SELECT data_type, identifier FROM gpkg_contents WHERE table_name='layer_styles'").fetchone() == (
        "attributes", "layer_styles")
    rows = con.execute(
        "SELECT f_table_name, f_geometry_column, styleName, useAsDefault, f_table_catalog, f_table_schema, styleQML, styleSLD"
        " FROM layer_styles"
    ).fetchall()
    con.close()
    assert sorted(r[0] for r in rows) == sorted(SPATIAL)
    for _key, column, name, default, catalog, schema, qml, sld in rows:
        assert (column, name, default, catalog, schema) == ("geom", "FloodPost", 1, "", "")
        ET.fromstring(qml.split("\n", 1)[1])  # well-formed after the DOCTYPE line
        ET.fromstring(sld.split("\n", 1)[1])


def _qml_colour(symbol: ET.Element) -> str:
    layer = symbol.find("layer")
    opts = {o.get("name"): o.get("value") for o in layer.find("Option")}
    return opts.get("color") or opts.get("line_color")


@pytest.mark.parametrize("key", SPATIAL)
def test_qml_is_categorized_on_the_class_field_with_our_colours(key):
    root = ET.fromstring(qgis_styles.qml(key).split("\n", 1)[1])
    sym = SYMBOLOGY[key]
    renderer = root.find("renderer-v2")
    if not sym.classes:
        assert renderer.get("type") == "singleSymbol"
        return
    assert renderer.get("type") == "categorizedSymbol" and renderer.get("attr") == sym.field
    field = LAYERS[key].field(sym.field)
    symbols = {s.get("name"): s for s in renderer.find("symbols")}
    cats = renderer.find("categories")
    for code, symbol in sym.classes.items():
        [cat] = [c for c in cats if c.get("value") == code]
        assert cat.get("label") == field.choice(code).zh
        # the first symbol layer: a marker's or fill's colour, or a river's casing under its stroke
        want = (symbol.casing or symbol.stroke) if SWATCH_KIND[key] == "line" else symbol.fill
        r, g, b, a = parse_color(want)
        assert _qml_colour(symbols[cat.get("symbol")]) == f"{r},{g},{b},{a}", (key, code)
    if sym.label is not None:
        text = root.find("labeling/settings/text-style")
        assert text.get("fieldName") == sym.label.field
    aliases = {a.get("field"): a.get("name") for a in root.find("aliases")}
    assert aliases["name"].startswith(LAYERS[key].field("name").zh)


def test_a_style_saved_in_qgis_is_kept(demo_path):
    con = sqlite3.connect(demo_path)
    con.execute("DELETE FROM layer_styles WHERE f_table_name = 'hazards'")
    con.execute(
        "INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, styleName,"
        " styleQML, styleSLD, useAsDefault) VALUES ('', '', 'hazards', 'geom', '我的样式', '<qgis/>', '', 1)"
    )
    con.execute("DELETE FROM layer_styles WHERE f_table_name = 'rivers'")
    con.commit()
    con.close()
    Workspace.open(demo_path).close()
    con = sqlite3.connect(demo_path)
    names = con.execute("SELECT f_table_name, styleName FROM layer_styles WHERE f_table_name IN ('hazards', 'rivers')").fetchall()
    con.close()
    assert sorted(names) == [("hazards", "我的样式"), ("rivers", "FloodPost")]


# ------------------------------------------------------------------ third-party tools on the file
def test_gdal_validator_passes_a_fresh_demo(demo_path):
    validate(demo_path)


QGIS_SCRIPT = r"""
import json, sys
from qgis.core import (QgsApplication, QgsVectorLayer, QgsProject, QgsMapSettings, QgsMapRendererParallelJob,
                       QgsRectangle, QgsCoordinateReferenceSystem, QgsCoordinateTransform, QgsWkbTypes, QgsRenderContext)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor
path, keys, png = sys.argv[1], sys.argv[2].split(","), sys.argv[3]
app = QgsApplication([], False); app.initQgis()
out, layers = {}, []
for key in keys:
    l = QgsVectorLayer(f"{path}|layername={key}", key, "ogr")
    r = l.renderer()
    cats = {c.value(): [c.label(), c.symbol().color().name(QColor.HexArgb)] for c in r.categories()} \
        if r.type() == "categorizedSymbol" else {}
    out[key] = {"valid": l.isValid(), "count": l.featureCount(), "geometry": QgsWkbTypes.displayString(l.wkbType()),
                "renderer": r.type(), "attr": r.classAttribute() if cats else None, "categories": cats,
                "labels": l.labelsEnabled(), "index": int(l.dataProvider().hasSpatialIndex())}
    layers.append(l)
    QgsProject.instance().addMapLayer(l)
s = QgsMapSettings()
s.setLayers(list(reversed(layers)))
s.setDestinationCrs(QgsCoordinateReferenceSystem("EPSG:3857"))
ext = QgsRectangle()
for l in layers:
    if l.featureCount():
        ext.combineExtentWith(QgsCoordinateTransform(l.crs(), s.destinationCrs(), QgsProject.instance()).transformBoundingBox(l.extent()))
ext.scale(1.05)
s.setExtent(ext); s.setOutputSize(QSize(1200, 900)); s.setBackgroundColor(QColor("#ffffff"))
job = QgsMapRendererParallelJob(s); job.start(); job.waitForFinished()
job.renderedImage().save(png)
print(json.dumps(out), flush=True)
import os
os._exit(0)  # QGIS may crash tearing itself down at interpreter exit; the work is done
"""


def test_qgis_opens_the_demo_styled_with_all_nine_reservoirs(qapp, demo_path, tmp_path):
    need_qgis()
    script = tmp_path / "q.py"
    script.write_text(QGIS_SCRIPT, encoding="utf-8")
    png = tmp_path / "qgis.png"
    r = subprocess.run(
        [SYSTEM_PYTHON, str(script), str(demo_path), ",".join(LAYER_ORDER), str(png)],
        capture_output=True, text=True, timeout=300,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path), "XDG_RUNTIME_DIR": str(tmp_path)},
    )
    assert r.returncode == 0, r.stderr
    seen = json.loads(r.stdout.strip().splitlines()[-1])
    with Workspace.open(demo_path) as ws:
        counts = {k: ws.count(k) for k in LAYER_ORDER}
    for key in LAYER_ORDER:
        got = seen[key]
        assert got["valid"] and got["count"] == counts[key] and got["index"] == 2, (key, got)
        sym = SYMBOLOGY[key]
        if sym.classes:
            assert got["renderer"] == "categorizedSymbol" and got["attr"] == sym.field
            field = LAYERS[key].field(sym.field)
            for code, symbol in sym.classes.items():
                label, colour = got["categories"][code]
                assert label == field.choice(code).zh
                if symbol.fill and key != "rivers":
                    r_, g, b, a = parse_color(symbol.fill)
                    assert colour == f"#{a:02x}{r_:02x}{g:02x}{b:02x}", (key, code)
        else:
            assert got["renderer"] == "singleSymbol"
    assert seen["reservoirs"]["geometry"] == "Point" and seen["reservoirs"]["count"] == 9
    # the large reservoir's blue is on QGIS's picture
    from PySide6.QtGui import QColor, QImage

    img = QImage(str(png)).convertToFormat(QImage.Format.Format_RGB32)
    arr = np.frombuffer(img.constBits(), dtype=np.uint8).reshape(img.height(), img.bytesPerLine() // 4, 4).copy()
    c = QColor(SYMBOLOGY["reservoirs"].classes["large"].fill)
    hit = (abs(arr[..., 2].astype(int) - c.red()) < 8) & (abs(arr[..., 1].astype(int) - c.green()) < 8) & (
        abs(arr[..., 0].astype(int) - c.blue()) < 8)
    assert hit.sum() > 20


def test_copy_of_a_migrated_workspace_passes_the_validator(old_path, tmp_path):
    Workspace.open(old_path).close()
    copy = tmp_path / "copy.gpkg"
    shutil.copy(old_path, copy)
    validate(copy)
