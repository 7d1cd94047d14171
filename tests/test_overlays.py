"""Evacuation bars follow the as-of engine, in the snapshot as on the canvas."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtGui import QImage

from floodpost.cli import main
from floodpost.data.situation import as_of
from floodpost.data.workspace import Workspace
from floodpost.layers.model.projection import to_mercator
from floodpost.layers.model.viewport import Viewport
from floodpost.layers.render.overlays import BAR_H, BAR_W, STAGE_COLOURS
from floodpost.layers.scene import MapScene

EARLY, LATE = "2021-07-22T12:00", "2021-07-24T21:00"
BOUNDS = (114.35, 35.55, 114.75, 35.8)


def test_bars_carry_the_engines_figures(qapp, demo_path: Path) -> None:
    with Workspace.open(demo_path) as ws:
        scene = MapScene.from_workspace(ws)
        situation = scene.show_situation(ws, LATE)
        expected = as_of(ws, LATE).evacuation
    from floodpost.layers.render.overlays import EvacuationOverlay

    bars = {b.name: b for b in next(o for o in scene.painter.overlays if isinstance(o, EvacuationOverlay)).bars}
    assert set(bars) == {"良相坡", "共渠西", "白寺坡", "长虹渠", "小滩坡"}
    for name, bar in bars.items():
        assert bar.transferred == expected[name]["transferred_persons"]
        assert bar.planned == expected[name]["planned_persons"]
    assert situation.at.startswith("2021-07-24T13:00")
    # Forces reported after the time are not on the map.
    forces = scene.layers.get("forces").frame
    assert (forces["reported_at"] <= situation.at).all() and len(forces) > 0


def _bar_pixel(path: Path, lon: float, lat: float, share: float) -> tuple[int, int, int]:
    img = QImage(str(path))
    vp = Viewport.for_lonlat(BOUNDS, img.width(), img.height())
    x, y = vp.to_screen(*to_mercator(np.array([lon]), np.array([lat])))
    px = int(x[0] - BAR_W / 2 + BAR_W * share)
    py = int(y[0] + 12 + BAR_H * 0.2)  # the upper part: transferred (or returned) only
    c = img.pixelColor(px, py)
    return c.red(), c.green(), c.blue()


def test_snapshots_at_two_times_differ_in_the_bars(qapp, demo_path: Path, tmp_path: Path) -> None:
    import shapely

    with Workspace.open(demo_path) as ws:
        areas = ws.read("storage_areas")
    geom = areas[areas["name"] == "良相坡"].geometry.iloc[0]
    anchor = shapely.point_on_surface(geom)
    outs = {}
    for label, at in (("early", EARLY), ("late", LATE)):
        out = tmp_path / f"{label}.png"
        assert main(["snapshot", str(demo_path), "-o", str(out), "--size", "1400x900", "--at", at,
                     "--bounds", ",".join(map(str, BOUNDS))]) == 0
        outs[label] = out
    # 良相坡: 3,200 of 31,000 moved at noon on the 22nd, 29,300 by the 24th's evening.
    early = _bar_pixel(outs["early"], anchor.x, anchor.y, 0.5)
    late = _bar_pixel(outs["late"], anchor.x, anchor.y, 0.5)
    orange = tuple(int(STAGE_COLOURS["transferred"][i:i + 2], 16) for i in (1, 3, 5))
    assert early == (0xd9, 0xd9, 0xd9)
    assert late == orange
    assert main(["snapshot", str(demo_path), "-o", str(tmp_path / "x.png"), "--at", "noon"]) == 1


def test_forces_and_depot_overlays_follow_the_records(qapp, demo_path: Path) -> None:
    from floodpost.layers.render.overlays import DepotOverlay, ForcesOverlay

    with Workspace.open(demo_path) as ws:
        scene = MapScene.from_workspace(ws)
        situation = scene.show_situation(ws, LATE)
    forces, depots = (next(o for o in scene.painter.overlays if isinstance(o, t)) for t in (ForcesOverlay, DepotOverlay))
    assert len(forces.items) == len(situation.forces)
    assert ForcesOverlay.radius(1000) > ForcesOverlay.radius(100) > ForcesOverlay.radius(0)
    tags = {round(t[2]) for t in depots.tags}
    assert tags == {round(v["sandbag"]) for v in situation.stock.values() if "sandbag" in v}
    # A dispatch to a forward point moves stock there: no depot is below zero.
    assert min(tags) >= 0


def test_halos_sit_on_the_forces_shown_at_each_step(qapp, demo_path: Path) -> None:
    """The forces' points are found once per reading and picked at each step: the same as the
    points of the layer as the step filters it, early in the flood (few forces) and late."""
    from floodpost.data.situation import report_times
    from floodpost.layers.render.overlays import force_places

    with Workspace.open(demo_path) as ws:
        scene = MapScene.from_workspace(ws)
        times = report_times(ws)
        counts = []
        for at in (times[3], times[len(times) // 2], LATE, times[5]):
            scene.show_situation(ws, at)
            forces = scene.layers.get("forces")
            want = force_places(forces.frame)
            got = scene._force_places(forces)
            assert got == want and list(got) == list(want)
            counts.append(len(got))
        assert "forces_stored" in scene._anchor_cache
        assert max(counts) > 0 and len(set(counts)) > 1


def test_storage_fill_shows_status_as_it_was(qapp, demo_path: Path) -> None:
    with Workspace.open(demo_path) as ws:
        fid = int(ws.read("storage_areas").index[0])
        ws.update("storage_areas", fid, {"status": "closed"})  # logged now
        scene = MapScene.from_workspace(ws)
        scene.show_situation(ws, LATE)
        before = scene.layers["storage_areas"].frame.loc[fid, "status"]
        scene.show_situation(ws, None)
        now = scene.layers["storage_areas"].frame.loc[fid, "status"]
    assert before != "closed" and now == "closed"


def test_force_halos_show_the_status_at_the_time_shown(qapp, tmp_path: Path) -> None:
    """A team withdrawn today was on duty in July 2021: the halo at that time says so."""
    import shapely

    path = tmp_path / "ws.gpkg"
    with Workspace.create(path) as ws:
        fid = ws.insert("forces", [{"name": "消防大队", "category": "fire", "personnel": 100, "status": "on_duty",
                                    "reported_at": "2021-07-22T09:00", "geometry": shapely.Point(114.3, 35.7)}])[0]
        ws.update("forces", fid, {"status": "withdrawn", "personnel": 40})  # logged now, long after
        scene = MapScene.from_workspace(ws)
        scene.show_situation(ws, EARLY)
        then = scene.painter.overlays[0].items
        scene.show_situation(ws, None)
        now = scene.painter.overlays[0].items
    assert [(i[2], i[4]) for i in then] == [(100, "on_duty")]
    assert [(i[2], i[4]) for i in now] == [(40, "withdrawn")]
