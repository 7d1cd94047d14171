"""The command-line contract of DESIGN.md: demo, info, snapshot, and one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import shapely
from PySide6.QtGui import QColor, QImage

from floodpost.cli import main
from floodpost.data.schema.symbology import SYMBOLOGY
from floodpost.data.workspace import Workspace
from floodpost.layers.model.projection import to_mercator
from floodpost.layers.model.viewport import Viewport
from floodpost.layers.render.symbols import qcolor
from floodpost.layers.scene import MapScene


def run_cli(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "floodpost", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120
    )


def test_demo_info_snapshot_end_to_end(tmp_path):
    ws = tmp_path / "d.gpkg"
    r = run_cli("demo", "-o", str(ws))
    assert r.returncode == 0, r.stderr
    r = run_cli("info", str(ws), "--json")
    assert r.returncode == 0, r.stderr
    info = json.loads(r.stdout)
    assert set(info["layers"]) >= {"rivers", "reservoirs", "hazards", "waterlogging", "storage_areas"}
    assert info["layers"]["hazards"]["count"] >= 30
    assert info["time_span"]["start"].startswith("2021-07")
    png = tmp_path / "d.png"
    r = run_cli("snapshot", str(ws), "-o", str(png), "--size", "800x500")
    assert r.returncode == 0, r.stderr
    img = QImage(str(png))
    assert (img.width(), img.height()) == (800, 500)


def test_info_text(demo_path, capsys):
    assert main(["info", str(demo_path)]) == 0
    out = capsys.readouterr().out
    assert "hazards" in out and "地质灾害隐患点" in out


def test_snapshot_has_layer_colours_at_features(qapp, demo_path, tmp_path):
    png = tmp_path / "s.png"
    # Before the first evacuation report: no progress bars over the fills (test_overlays has those).
    assert main(["snapshot", str(demo_path), "-o", str(png), "--size", "1600x1000",
                 "--at", "2021-07-21T09:00"]) == 0
    img = QImage(str(png))
    assert img.width() == 1600
    colours = {img.pixel(x, y) for x in range(0, 1600, 23) for y in range(0, 1000, 23)}
    assert len(colours) > 30, "snapshot looks blank"
    # The same viewport the snapshot used: each layer's colour where its features are.
    with Workspace.open(demo_path) as ws:
        scene = MapScene.from_workspace(ws)
    vp = Viewport.for_lonlat(scene.full_extent(), 1600, 1000)

    def pixel(lon: float, lat: float) -> tuple[int, int]:
        px, py = vp.to_screen(*to_mercator(lon, lat))
        return round(float(px)), round(float(py))

    def near(lon: float, lat: float, colour: str, r: int = 3) -> bool:
        want = qcolor(colour)
        x, y = pixel(lon, lat)
        return any(
            _close(img.pixelColor(x + dx, y + dy), want)
            for dx in range(-r, r + 1) for dy in range(-r, r + 1)
        )

    # storage areas: most of the inside shows the (translucent) fill of its status
    for _, row in scene.layers["storage_areas"].frame.iterrows():
        fill = qcolor(SYMBOLOGY["storage_areas"].symbol_for(row["status"]).fill)
        inner = row.geometry.buffer(-0.004)
        x0, y0, x1, y1 = inner.bounds
        samples = [
            (x, y) for x in np.linspace(x0, x1, 12) for y in np.linspace(y0, y1, 12)
            if inner.contains(shapely.Point(x, y))
        ]
        ok = sum(_close(img.pixelColor(*pixel(x, y)), fill, blend=True) for x, y in samples)
        assert ok >= 0.5 * len(samples), (row["name"], ok, len(samples))
    # points: the marker colour of their class at their position
    for key in ("hazards", "waterlogging", "reservoirs"):
        frame = scene.layers[key].frame
        sym = SYMBOLOGY[key]
        pts = frame[frame.geometry.geom_type == "Point"]
        found = sum(near(g.x, g.y, sym.symbol_for(c).fill) for g, c in zip(pts.geometry, pts[sym.field], strict=True))
        assert found >= 0.8 * len(pts), (key, found, len(pts))
    # rivers: the stroke colour of their grade on their course
    rivers = scene.layers["rivers"].frame
    for _, row in rivers.iterrows():
        line = shapely.line_merge(row.geometry)
        hits = 0
        for f in np.linspace(0.1, 0.9, 9):
            pt = line.interpolate(f, normalized=True) if line.geom_type == "LineString" else line.geoms[0].interpolate(f, normalized=True)
            hits += near(pt.x, pt.y, SYMBOLOGY["rivers"].symbol_for(row["grade"]).stroke)
        # labels with halos may cover a short canal's course; long rivers show through
        assert hits >= (3 if row.geometry.length > 0.1 else 1), (row["name"], hits)


def _close(got: QColor, fill: QColor, blend: bool = False) -> bool:
    a = fill.alphaF() if blend else 1.0
    land = QColor("#f8f6f0")
    want = [fill.red() * a + land.red() * (1 - a), fill.green() * a + land.green() * (1 - a), fill.blue() * a + land.blue() * (1 - a)]
    return all(abs(g - w) < 40 for g, w in zip((got.red(), got.green(), got.blue()), want, strict=True))


def test_chinese_labels_are_real_glyphs(qapp):
    """A CJK string must render with a font that has its glyphs, not the missing-glyph box."""
    from PySide6.QtGui import QRawFont

    from floodpost.layers.render.fonts import cjk_family, map_font

    raw = QRawFont.fromFont(map_font(12))
    text = "鹤壁市淇滨区良相坡蓄滞洪区"
    assert all(raw.supportsCharacter(ord(ch)) for ch in text), cjk_family()
    glyphs = raw.glyphIndexesForString(text)
    assert 0 not in glyphs and len(set(glyphs)) == len(set(text))


@pytest.mark.parametrize(
    "args, message",
    [
        (["info", "nope.gpkg"], "no such workspace"),
        (["snapshot", "nope.gpkg", "-o", "x.png"], "no such workspace"),
        (["snapshot", "{ws}", "-o", "x.jpg"], ".png"),
        (["info", "{bad}"], "not a GeoPackage"),
    ],
)
def test_errors_are_one_line(tmp_path, demo_path, args, message, capsys, monkeypatch):
    bad = tmp_path / "bad.gpkg"
    bad.write_bytes(b"this is not sqlite" * 10)
    args = [a.format(ws=demo_path, bad=bad) for a in args]
    monkeypatch.chdir(tmp_path)
    code = main(args)
    err = capsys.readouterr().err.strip()
    assert code == 1
    assert message in err and len(err.splitlines()) == 1


def test_bad_size_is_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["snapshot", "w.gpkg", "-o", "x.png", "--size", "big"])
    assert exc.value.code == 2
    assert "1600x1000" in capsys.readouterr().err


def test_demo_refuses_to_overwrite(demo_path, capsys):
    assert main(["demo", "-o", str(demo_path)]) == 1
    assert "--force" in capsys.readouterr().err


def test_info_text_operations(tmp_path, capsys):
    """``info --at`` prints incidents, dispatch and warnings as ``--json``'s totals hold them (ops_workspace)."""
    from ops_workspace import T1, T2, build_ops_workspace

    ws = build_ops_workspace(tmp_path / "ops.gpkg")
    want = {
        T1: ["    incidents 3: 2 uncontrolled (reported 0, handling 2), controlled 0, closed 1; "
             "threatened 500, trapped 12, rescued 0",
             "    dispatch 2 teams, 100 personnel, 3 vehicles, 10 boats committed; available 0 teams, 200 personnel",
             "    warnings 2 active (red 1, orange 1); answered 3/5, overdue 2 (not answered after 30 min)"],
        T2: ["    incidents 3: 0 uncontrolled (reported 0, handling 0), controlled 2, closed 1; "
             "threatened 500, trapped 0, rescued 12",
             "    dispatch 1 teams, 60 personnel, 0 vehicles, 10 boats committed; available 1 teams, 240 personnel",
             "    warnings 2 active (red 1, orange 1); answered 4/5, overdue 1 (not answered after 30 min)"],
    }
    for at, lines in want.items():
        assert main(["info", str(ws), "--at", at]) == 0
        assert capsys.readouterr().out.splitlines()[-3:] == lines
    assert main(["info", str(ws), "--at", T1, "--json"]) == 0
    totals = json.loads(capsys.readouterr().out)["totals"]
    assert totals["incidents"]["uncontrolled"] == 2 and totals["incidents"]["by_status"]["closed"] == 1
    assert totals["dispatch"] == {"teams_committed": 2, "personnel_committed": 100, "vehicles_committed": 3,
                                  "boats_committed": 10, "teams_available": 0, "personnel_available": 200}
    assert {k: totals["warnings"][k] for k in ("active", "recipients", "answered", "overdue")} == {
        "active": 2, "recipients": 5, "answered": 3, "overdue": 2}


def test_info_json_is_the_same_in_every_process(demo_path, tmp_path):
    """``info --json`` prints the same text whatever Python's string hashing: the evacuation's area
    kinds were gathered in a set and printed in a new order by each process."""
    outs = set()
    for seed in ("1", "2", "3", "4"):
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONHASHSEED=seed,
                   FLOODPOST_CACHE_DIR=str(tmp_path / f"cache{seed}"))
        r = subprocess.run([sys.executable, "-m", "floodpost", "info", str(demo_path), "--json", "--at",
                            "2021-07-22T12:00"], capture_output=True, text=True, env=env, timeout=120)
        assert r.returncode == 0, r.stderr
        assert len(json.loads(r.stdout)["totals"]["evacuation"]["by_area_kind"]) >= 3
        outs.add(r.stdout)
    assert len(outs) == 1
