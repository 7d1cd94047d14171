"""The illustrative Hebi demo: real boundaries, plausible and labelled data."""

from __future__ import annotations

import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import shapely

from floodpost.data.boundaries import city_boundary, county_boundaries
from floodpost.data.demo import build_demo, demo_records
from floodpost.data.schema import ALL, HAZARD_TYPES, LAYERS, TABLES
from floodpost.data.timeutil import from_storage
from floodpost.data.workspace import Workspace, WorkspaceError

MINIMA = {
    "rivers": 5,
    "reservoirs": 7,
    "reservoir_areas": 1,
    "storage_areas": 5,
    "hazards": 35,
    "waterlogging": 22,
    "forces": 12,
    "depots": 6,
    "shelters": 8,
    "material_tally": 15,
    "evacuation": 15,
    "works": 15,
    "villages": 80,
    "incidents": 12,
    "incident_status": 30,
    "dispatches": 20,
    "warnings": 3,
    "acknowledgements": 150,
    "stations": 20,
    "readings": 1500,
    "alert_acks": 5,
}
#: kept by the layer above them (a village drawn as its boundary, an incident on a dike section)
OUTLINES = {"village_areas": 15, "incident_sections": 4}
COUNTIES = {"鹤山区", "山城区", "淇滨区", "浚县", "淇县"}
FAKE_PHONE = re.compile(r"^(0392-555\d{4}|1390392\d{4})$")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.gpkg"
    assert build_demo(path) == path
    return path


@pytest.fixture
def ws(demo: Path):
    with Workspace.open(demo) as w:
        yield w


@pytest.fixture(scope="module")
def counties() -> dict[str, shapely.Geometry]:
    frame = county_boundaries()
    return dict(zip(frame["name"], frame.geometry, strict=True))


# ------------------------------------------------------------------ boundaries
def test_county_boundaries_asset() -> None:
    frame = county_boundaries()
    assert len(frame) == 5
    assert set(frame["name"]) == COUNTIES
    assert set(frame["adcode"].astype(str)) == {"410602", "410603", "410611", "410621", "410622"}
    assert frame.crs.to_epsg() == 4490
    assert frame.geometry.is_valid.all()
    minx, miny, maxx, maxy = frame.total_bounds
    assert 113.9 <= minx < maxx <= 114.8
    assert 35.4 <= miny < maxy <= 36.1
    # neighbours share their borders: no overlaps between counties
    geoms = list(frame.geometry)
    for i, a in enumerate(geoms):
        for b in geoms[i + 1 :]:
            assert a.intersection(b).area < 1e-6


def test_city_boundary_is_the_union_of_the_counties() -> None:
    city = city_boundary()
    assert len(city) == 1 and city["name"].iloc[0] == "鹤壁市"
    assert city.crs.to_epsg() == 4490
    union = shapely.union_all(county_boundaries().geometry.values)
    assert city.geometry.iloc[0].symmetric_difference(union).area < 1e-5


def test_boundary_files_are_small() -> None:
    from floodpost.resources import asset_path

    for name in ("hebi_counties.geojson", "hebi_city.geojson"):
        assert asset_path("boundaries", name).stat().st_size < 300_000
    assert asset_path("boundaries", "ATTRIBUTION.md").is_file()


def test_boundaries_are_a_copy() -> None:
    a = county_boundaries()
    a["name"] = "x"
    assert set(county_boundaries()["name"]) == COUNTIES


# ------------------------------------------------------------------ the workspace
def test_build_refuses_to_overwrite_unless_asked(tmp_path: Path) -> None:
    path = tmp_path / "d.gpkg"
    build_demo(path)
    with pytest.raises(WorkspaceError):
        build_demo(path)
    assert build_demo(path, overwrite=True) == path
    with Workspace.open(path) as w:
        assert w.count("hazards") >= MINIMA["hazards"]


def test_every_layer_key_present_with_minimum_counts(ws: Workspace) -> None:
    assert set(ws.keys()) == set(ALL)
    for key, minimum in {**MINIMA, **OUTLINES}.items():
        assert ws.count(key) >= minimum, key


def test_one_log_entry_per_layer_by_demo(ws: Workspace) -> None:
    log = ws.log_entries()
    # a layer of one row (the one reservoir area) is logged as an insert
    imports = log[log["action"].isin(["import", "insert"])]
    assert sorted(imports["target"]) == sorted(MINIMA)
    assert (imports["operator"] == "demo").all()


def test_every_row_is_labelled_illustrative(ws: Workspace) -> None:
    for key in [*LAYERS, *TABLES]:
        if key == "situation_log":
            continue
        frame = ws.read(key)
        assert len(frame), key
        # a table with no source (the alert acknowledgements) says so in its note
        mark = frame["source"] if "source" in frame else frame["note"]
        assert mark.str.contains("illustrative").all(), key


def test_phones_are_visibly_fake(ws: Workspace) -> None:
    seen = 0
    for key, schema in LAYERS.items():
        frame = ws.read(key)
        for f in schema.fields:
            if f.type == "phone":
                values = frame[f.name].dropna()
                seen += len(values)
                assert values.map(lambda v: bool(FAKE_PHONE.match(v))).all(), (key, f.name)
    assert seen > 100


def test_hazards_in_the_western_hills(ws: Workspace, counties) -> None:
    hazards = ws.read("hazards")
    assert {c.code for c in HAZARD_TYPES} == set(hazards["hazard_type"])
    hills = shapely.union_all([counties[c] for c in ("鹤山区", "山城区", "淇县", "淇滨区")])
    for geom in hazards.geometry:
        assert hills.contains(geom)
        assert geom.x < 114.2
    subsidence = hazards[hazards["hazard_type"] == "subsidence"]
    assert subsidence["name"].str.contains("采煤沉陷区").any()
    assert (subsidence["county"] == "鹤山区").any()
    assert (hazards["persons"] >= hazards["households"]).all()
    assert hazards["town"].notna().all() and hazards["monitor_phone"].notna().all()


def test_hazards_lie_in_their_stated_county(ws: Workspace, counties) -> None:
    for county, geom in zip(ws.read("hazards")["county"], ws.read("hazards").geometry, strict=True):
        assert counties[county].contains(geom)


def test_waterlogging_inside_the_city(ws: Workspace, counties) -> None:
    spots = ws.read("waterlogging")
    city = shapely.union(counties["淇滨区"], counties["山城区"])
    assert all(city.contains(g) for g in spots.geometry)
    assert {"underpass", "culvert", "low_road", "low_area"} <= set(spots["kind"])
    assert (spots["max_depth"] > 0).all() and spots["pumps"].notna().all()


def test_everything_inside_hebi(ws: Workspace) -> None:
    city = city_boundary().geometry.iloc[0].buffer(1e-6)
    for key in LAYERS:
        for geom in ws.read(key).geometry:
            assert city.covers(geom), key


def test_rivers(ws: Workspace) -> None:
    rivers = ws.read("rivers").set_index("name")
    assert {"卫河", "淇河", "共产主义渠"} <= set(rivers.index)
    assert rivers.loc["卫河", "grade"] == "main"
    assert rivers.loc["共产主义渠", "grade"] == "canal"
    assert (rivers.geometry.geom_type == "MultiLineString").all()
    assert (rivers["guaranteed_level"] > rivers["warning_level"]).all()
    assert rivers["resp_person"].notna().all()
    # the 淇河 flows from the western hills into the 卫河 in 浚县
    qi = rivers.loc["淇河"].geometry
    assert qi.bounds[0] < 114.05
    assert qi.distance(rivers.loc["卫河"].geometry) < 1e-9


def test_reservoirs(ws: Workspace, counties) -> None:
    res = ws.read("reservoirs").set_index("name")
    pan = res.loc["盘石头水库"]
    assert pan["scale"] == "large" and pan["capacity"] == 60800
    # every reservoir is a point (one geometry type per table); the large one's lake is a reservoir area
    assert set(res.geometry.geom_type) == {"Point"} and len(res) == 9
    assert pan.geometry.distance(shapely.Point(114.07, 35.83)) < 0.02
    areas = ws.read("reservoir_areas")
    assert list(areas["reservoir"]) == ["盘石头水库"]
    assert areas.geometry.iloc[0].geom_type == "MultiPolygon" and areas.geometry.iloc[0].contains(pan.geometry)
    assert set(res.drop(index="盘石头水库")["scale"]) <= {"medium", "small1", "small2"}
    for prefix in ("admin", "tech", "patrol"):
        assert res[f"{prefix}_person"].notna().all() and res[f"{prefix}_phone"].notna().all()
    for county, geom in zip(res["county"], res.geometry, strict=True):
        assert counties[county].contains(geom.representative_point())


def test_storage_areas(ws: Workspace, counties) -> None:
    areas = ws.read("storage_areas").set_index("name")
    assert set(areas.index) == {"良相坡", "共渠西", "长虹渠", "白寺坡", "小滩坡"}
    assert areas.loc["良相坡", "persons"] == 31000
    assert {"evacuating", "flooding", "standby", "ordered"} <= set(areas["status"])
    assert (areas["area_km2"] > 5).all() and (areas["capacity"] > 0).all()
    south_east = shapely.union(counties["浚县"], counties["淇县"]).union(counties["淇滨区"])
    geoms = list(areas.geometry)
    for i, g in enumerate(geoms):
        assert g.is_valid and south_east.buffer(1e-6).covers(g)
        for other in geoms[i + 1 :]:
            assert g.intersection(other).area < 1e-8
    assert areas.loc["良相坡"].geometry.contains(shapely.Point(114.40, 35.62)) or (
        areas.loc["良相坡"].geometry.distance(shapely.Point(114.40, 35.62)) < 0.02
    )


def test_forces_cover_every_category(ws: Workspace) -> None:
    forces = ws.read("forces")
    field = ALL["forces"].field("category")
    assert {c.code for c in field.choices} == set(forces["category"])
    assert (forces["personnel"] > 0).all()
    days = {from_storage(t).date().isoformat() for t in forces["reported_at"]}
    assert days <= {"2021-07-22", "2021-07-23", "2021-07-24"}


def test_depots_and_shelters(ws: Workspace) -> None:
    depots = ws.read("depots")
    assert {"warehouse", "front"} == set(depots["kind"])
    assert "鹤壁市防汛物资仓库" in set(depots["name"])
    shelters = ws.read("shelters")
    assert (shelters["occupancy"] <= shelters["capacity"]).all()
    flooded = shapely.union_all(ws.read("storage_areas").geometry.values)
    assert not any(flooded.contains(g) for g in shelters.geometry)


def test_tallies_are_records_over_several_days(ws: Workspace) -> None:
    first, last = (from_storage(t) for t in ws.time_span())
    assert last - first >= timedelta(days=3)
    for key in ("material_tally", "evacuation", "works"):
        frame = ws.read(key)
        assert len(frame) >= 15, key
        days = {from_storage(t).date() for t in frame["reported_at"]}
        assert len(days) >= 3, key


def test_material_tally_style(ws: Workspace) -> None:
    tally = ws.read("material_tally")
    assert {"stock_in", "dispatch", "consumed"} == set(tally["kind"])
    sandbags = tally[(tally["item"] == "sandbag") & (tally["kind"] == "dispatch")]
    assert ((sandbags["depot"] == "鹤壁市防汛物资仓库") & (sandbags["quantity"] == 40000)).any()


def test_evacuation_funnel_is_cumulative(ws: Workspace) -> None:
    evac = ws.read("evacuation")
    for unit in ("persons", "households"):
        assert (evac[f"notified_{unit}"] <= evac[f"planned_{unit}"]).all()
        assert (evac[f"transferred_{unit}"] <= evac[f"notified_{unit}"]).all()
        assert (evac[f"sheltered_{unit}"] <= evac[f"transferred_{unit}"]).all()
        assert (evac[f"returned_{unit}"] <= evac[f"transferred_{unit}"]).all()
    lxp = evac[evac["area"] == "良相坡"].sort_values("reported_at")
    assert lxp["transferred_persons"].is_monotonic_increasing
    assert 16800 in set(lxp["transferred_persons"])
    assert (evac["returned_persons"] > 0).any()
    # the storage-area rows plan for exactly the people living in the area
    areas = ws.read("storage_areas").set_index("name")
    for _, row in evac[evac["area_kind"] == "storage_area"].iterrows():
        assert row["planned_persons"] == areas.loc[row["area"], "persons"]
        assert row["planned_households"] == areas.loc[row["area"], "households"]


def test_records_are_deterministic() -> None:
    a, b = demo_records(), demo_records()
    for key in a:
        for ra, rb in zip(a[key], b[key], strict=True):
            assert {k: v for k, v in ra.items() if k != "geometry"} == {
                k: v for k, v in rb.items() if k != "geometry"
            }
            if "geometry" in ra:
                assert ra["geometry"].equals_exact(rb["geometry"], 0)


def test_data_package_does_not_import_qt() -> None:
    code = (
        "import floodpost.data.demo, floodpost.data.intake.gcj02, sys; "
        "assert not any(m.startswith('PySide6') for m in sys.modules), "
        "[m for m in sys.modules if m.startswith('PySide6')]"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ------------------------------------------------------------------ operations (issue 18)
STORAGE_NAMES = ("良相坡", "共渠西", "白寺坡", "长虹渠", "小滩坡")
REAL_TOWNSHIPS = {
    "浚县": {"新镇镇", "小河镇", "白寺镇", "王庄镇", "浚州街道", "黎阳街道", "卫溪街道", "屯子镇", "善堂镇", "卫贤镇"},
    "淇滨区": {"钜桥镇", "大赉店镇", "金山街道", "上峪乡", "大河涧乡"},
    "淇县": {"高村镇", "北阳镇", "西岗镇", "庙口镇", "黄洞乡", "朝歌街道"},
    "鹤山区": {"姬家山乡", "鹤壁集镇", "中山路街道", "九矿广场街道"},
}


def test_villages_fill_the_storage_areas(ws: Workspace, counties) -> None:
    villages = ws.read("villages")
    areas = ws.read("storage_areas").set_index("name")
    assert 60 <= len(villages) <= 120
    # village keys (county/township/name) are unique: the warning chain addresses them
    assert not villages.duplicated(["county", "township", "name"]).any()
    for name in STORAGE_NAMES:
        inside = villages[[areas.loc[name].geometry.contains(g) for g in villages.geometry]]
        assert len(inside) >= 5, name
        # the people living in a storage area are the people of its villages
        assert inside["households"].sum() == areas.loc[name, "households"], name
        assert inside["persons"].sum() == areas.loc[name, "persons"], name
    for county, town, geom in zip(villages["county"], villages["township"], villages.geometry, strict=True):
        assert counties[county].contains(geom), (county, town)
        assert town in REAL_TOWNSHIPS[county], (county, town)
    ratio = villages["persons"] / villages["households"]
    assert ratio.between(2.8, 4.2).all()
    assert villages["head_person"].notna().all() and villages["head_phone"].notna().all()
    assert "岗坡村" in set(villages[villages["township"] == "钜桥镇"]["name"])  # the evacuation table's village


def test_some_villages_are_drawn_as_their_outline(ws: Workspace) -> None:
    villages = ws.read("villages").set_index("name")
    outlines = ws.read("village_areas")
    assert 15 <= len(outlines) < len(villages)
    assert set(outlines.geometry.geom_type) == {"MultiPolygon"}
    for owner, township, geom in zip(outlines["village"], outlines["township"], outlines.geometry, strict=True):
        assert geom.is_valid and geom.contains(villages.loc[owner].geometry)
        assert township == villages.loc[owner, "township"]
    geoms = list(outlines.geometry)
    for i, g in enumerate(geoms):
        for other in geoms[i + 1:]:
            assert not g.intersects(other)


def test_incidents_on_the_dikes_and_in_the_hills(ws: Workspace) -> None:
    incidents = ws.read("incidents").set_index("name")
    rivers = ws.read("rivers").set_index("name")
    dikes = shapely.union(rivers.loc["卫河"].geometry, rivers.loc["共产主义渠"].geometry)
    dike_kinds = {"piping", "seepage", "overtopping", "breach", "bank_collapse"}
    assert dike_kinds | {"landslide", "road_cut", "trapped"} <= set(incidents["kind"])
    assert 12 <= len(incidents) <= 20
    on_dike = incidents[incidents["kind"].isin(dike_kinds)]
    for geom in on_dike.geometry:
        assert geom.distance(dikes) < 0.0025  # on a dike, beside the river's line
    hills = incidents[incidents["kind"].isin(["landslide", "road_cut"])]
    assert set(hills["county"]) <= {"淇县", "鹤山区", "淇滨区"} and (hills.geometry.x < 114.2).all()
    # dike sections: lines along the dike, each naming its incident, which sits on it
    sections = ws.read("incident_sections")
    assert set(sections.geometry.geom_type) == {"MultiLineString"} and len(sections) >= 4
    for owner, geom in zip(sections["incident"], sections.geometry, strict=True):
        assert incidents.loc[owner, "kind"] in dike_kinds
        assert geom.distance(incidents.loc[owner].geometry) < 1e-6
        vertices = shapely.points(shapely.get_coordinates(geom))
        assert shapely.distance(vertices, dikes).max() < 0.0025  # the whole section is along a dike
    first, last = ws.time_span()
    assert (incidents["reported_at"] >= first).all() and (incidents["reported_at"] <= last).all()
    status = ws.read("incident_status")
    assert set(status["incident"]) <= set(incidents.index)
    assert (status["reported_at"] <= last).all()
    for name, rows in status.groupby("incident"):
        assert (rows["reported_at"] > incidents.loc[name, "reported_at"]).all(), name


def _ms(text: str) -> int:
    from floodpost.data.timeutil import storage_ms

    return int(storage_ms([text])[0])


def test_operations_at_noon_on_the_22nd(ws: Workspace) -> None:
    """Hand-counted from the demo's tables: what the chief sees at 2021-07-22 12:00."""
    from floodpost.data import situation

    t = situation.as_of(ws, "2021-07-22 12:00").totals()
    inc = t["incidents"]
    assert inc["total"] == 8
    assert inc["by_status"] == {"reported": 1, "handling": 6, "controlled": 1, "closed": 0}
    assert inc["uncontrolled"] == 7
    # threatened: 0+46+120+12+3200+12800+5600 (+6 in the tunnel); trapped 3+7+12+6, of them rescued 3 and 6
    assert (inc["threatened"], inc["trapped"], inc["rescued"]) == (21784, 28, 9)
    d = t["dispatch"]
    # the 矿山救护大队 30+40+20 in the hills, 浚县 firemen 60 and police 40 at the old town's dike
    assert (d["teams_committed"], d["personnel_committed"], d["vehicles_committed"]) == (3, 190, 30)
    assert d["personnel_available"] == 126 + 90 + 140 - 190


def test_operations_at_the_end(ws: Workspace) -> None:
    """At the demo's last report: the breach and 屯子 controlled, 小河 piping handled, 善堂 seepage unchecked."""
    from floodpost.data import situation

    sit = situation.as_of(ws, "2021-07-25 18:00")
    inc = sit.totals()["incidents"]
    assert inc["total"] == 16
    assert inc["by_status"] == {"reported": 1, "handling": 1, "controlled": 2, "closed": 12}
    assert inc["trapped"] == inc["rescued"] == 3 + 7 + 12 + 6 + 420 + 65 + 180  # everyone trapped is out
    uncontrolled = {i["name"] for i in sit.operations.incidents if i["uncontrolled"]}
    assert uncontrolled == {"卫河小河段管涌群", "卫河善堂段渗水"}
    d = sit.totals()["dispatch"]
    # 决口: 解放军 300-200, 武警 200, 舟桥 180-120, 安能 60, 省消防 80; 小河: 解放军 200, 省消防 100;
    # 屯子: 民兵 100, 义工 120
    assert d["personnel_committed"] == 100 + 200 + 60 + 60 + 80 + 200 + 100 + 100 + 120
    assert d["teams_committed"] == 7
    assert d["boats_committed"] == 4 + 4 + 8 + 2 + 8 + 8


def test_no_force_sends_more_than_it_has(ws: Workspace) -> None:
    from floodpost.data import situation

    forces = ws.read("forces").set_index("name")
    dispatches = ws.read("dispatches")
    assert {"send", "recall"} == set(dispatches["action"])
    assert set(dispatches["force"]) <= set(forces.index)
    assert not set(dispatches["force"]) & set(forces[forces["status"] == "withdrawn"].index)
    for _, row in dispatches.iterrows():
        assert row["reported_at"] >= forces.loc[row["force"], "reported_at"], row["force"]
    for when in sorted(set(dispatches["reported_at"])):
        committed = situation.as_of(ws, from_storage(when)).operations.committed
        for force, c in committed.items():
            for k in ("personnel", "vehicles", "boats"):
                assert c[k] <= forces.loc[force, k], (when, force, k)


def test_warning_rounds_and_who_answered(ws: Workspace) -> None:
    from floodpost.data import recipients as rcp

    warnings = ws.read("warnings").sort_values("reported_at")
    assert list(zip(warnings["name"], warnings["level"], warnings["kind"], strict=True)) == [
        ("鹤壁市暴雨预警", "orange", "rain"),
        ("鹤壁市地质灾害气象风险预警", "orange", "geohazard"),
        ("鹤壁市暴雨预警", "red", "rain"),  # the upgrade: same warning, re-issued red
    ]
    villages = ws.read("villages")
    areas = shapely.union_all(ws.read("storage_areas").geometry.values)
    inside = {rcp.village_key(c, t, n) for c, t, n, g in
              zip(villages["county"], villages["township"], villages["name"], villages.geometry, strict=True)
              if areas.contains(g)}
    rain1, geo, rain2 = (rcp.split(r) for r in warnings["recipients"])
    assert set(COUNTIES) <= set(rain1) and inside <= set(rain1)
    assert set(rain1) < set(rain2)  # the red round reaches the villages around the areas too
    assert set(rain2) - set(COUNTIES) - inside  # ... and some outside them
    assert set(geo) == {rcp.feature_key("hazards", n) for n in ws.read("hazards")["name"]}
    assert (warnings.loc[warnings["kind"] == "rain", "issuer"] == "鹤壁市防汛抗旱指挥部办公室").all()

    acks = ws.read("acknowledgements")
    assert {"phone", "sms", "radio", "no_answer"} <= set(acks["how"])
    issued = {(r["name"], r["reported_at"]): rcp.split(r["recipients"]) for _, r in warnings.iterrows()}
    late = never = 0
    for (name, at), keys in issued.items():
        mine = acks[(acks["warning"] == name) & (acks["reported_at"] >= at)]
        if name == "鹤壁市暴雨预警" and at == warnings["reported_at"].iloc[0]:
            mine = mine[mine["reported_at"] < warnings["reported_at"].iloc[2]]
        for key in keys:
            answers = mine[(mine["recipient"] == key) & (mine["how"] != "no_answer")]
            if answers.empty:
                never += 1
            elif (_ms(answers["reported_at"].min()) - _ms(at)) > 30 * 60_000:
                late += 1
    total = sum(len(k) for k in issued.values())
    assert 0 < never < total * 0.15 and 0 < late < total * 0.3
    assert set(acks["recipient"]) <= {k for keys in issued.values() for k in keys}
    answered = acks[acks["how"] != "no_answer"]
    assert answered["by_person"].notna().all()
    assert acks[acks["how"] == "no_answer"]["by_person"].isna().all()


def test_unanswered_at_noon_on_the_22nd_recomputed(ws: Workspace) -> None:
    """The engine's 已叫应 N/M against a plain count over the tables."""
    from floodpost.data import recipients as rcp
    from floodpost.data import situation
    from floodpost.data.timeutil import to_storage

    at = "2021-07-22 12:00"
    t = to_storage(at)
    t_ms = _ms(t)
    warnings = ws.read("warnings")
    acks = ws.read("acknowledgements")
    current = warnings[warnings["reported_at"] <= t].sort_values("reported_at").groupby("name").tail(1)
    current = current[current["ends_at"].isna() | (current["ends_at"] > t)]
    total = answered = overdue = 0
    for _, w in current.iterrows():
        for key in rcp.split(w["recipients"]):
            total += 1
            got = acks[(acks["warning"] == w["name"]) & (acks["recipient"] == key) & (acks["how"] != "no_answer")
                       & (acks["reported_at"] >= w["reported_at"]) & (acks["reported_at"] <= t)]
            if len(got):
                answered += 1
            elif t_ms - _ms(w["reported_at"]) >= 30 * 60_000:
                overdue += 1
    got = situation.as_of(ws, at).totals()["warnings"]
    assert total == 5 + 59 + 28 + 40  # counties, villages in and around the areas (red round), hazard points
    assert (got["recipients"], got["answered"], got["overdue"]) == (total, answered, overdue)
    assert got["by_level"] == {"orange": 1, "red": 1}


# ------------------------------------------------------------------ water and rain (issue 19)
RIVER_GAUGES = {"淇门": "卫河", "新镇": "卫河", "浚县": "卫河", "盐土庄": "卫河", "钜桥": "共产主义渠",
                "刘庄": "共产主义渠", "新村": "淇河", "淇滨": "淇河", "高村": "淇河", "鹿楼": "汤河"}
LEVELS = {"river": ("warning_level", "guaranteed_level"),
          "reservoir": ("flood_limit_level", "design_level", "check_level")}


def test_gauges_on_their_rivers_at_their_reservoirs_and_in_the_hills(ws: Workspace, counties) -> None:
    stations = ws.read("stations").set_index("name")
    assert stations["kind"].value_counts().to_dict() == {"rain": 12, "river": 10, "reservoir": 4}
    assert not stations["code"].duplicated().any()
    rivers = ws.read("rivers").set_index("name")
    for name, river in RIVER_GAUGES.items():
        s = stations.loc[name]
        assert s["kind"] == "river" and s["river"] == river, name
        assert s.geometry.distance(rivers.loc[river].geometry) < 2e-5, name  # on the river's line
        assert s["warning_level"] < s["guaranteed_level"] <= s["warning_level"] + 3, name
    reservoirs = ws.read("reservoirs").set_index("name")
    for name, s in stations[stations["kind"] == "reservoir"].iterrows():
        assert s["reservoir"] == name
        assert s["flood_limit_level"] == reservoirs.loc[name, "flood_limit_level"]  # the reservoir's own 汛限
        assert s["flood_limit_level"] < s["design_level"] < s["check_level"]
        assert 0 < s.geometry.distance(reservoirs.loc[name].geometry) < 0.006  # beside its symbol
    rain = stations[stations["kind"] == "rain"]
    assert rain[[*LEVELS["river"], *LEVELS["reservoir"]]].isna().all().all()
    assert (rain.geometry.x < 114.15).sum() >= 6  # most of them in the western hills
    assert set(rain["county"]) == COUNTIES
    for name, county, geom in zip(stations.index, stations["county"], stations.geometry, strict=True):
        assert counties[county].contains(geom), name


def test_readings_are_the_bulletins_of_17_to_25_july(ws: Workspace) -> None:
    readings = ws.read("readings")
    stations = ws.read("stations").set_index("name")
    assert 1500 <= len(readings) <= 3000  # the demo is built once per test session: kept small
    assert set(readings["station"]) == set(stations.index)
    # 17 July 08:00 to 25 July 18:00, Beijing time: the demo's last report is the works' of the 25th
    assert readings["reported_at"].min() == "2021-07-17T00:00:00.000Z"
    assert readings["reported_at"].max() == "2021-07-25T10:00:00.000Z" == ws.time_span()[1]
    kind = readings["station"].map(stations["kind"])
    level = readings[kind != "rain"]
    assert level["level"].notna().all() and level["rain"].isna().all()
    assert readings.loc[kind == "rain", "level"].isna().all()
    assert level.loc[kind == "reservoir", "storage"].notna().all()
    # hourly through the storm (20 July 08:00 to 23 July 08:00), every 6 hours before and after
    storm = readings[(kind == "rain") & (readings["reported_at"] >= "2021-07-20T00:00:00.000Z")
                     & (readings["reported_at"] <= "2021-07-23T00:00:00.000Z")]
    per_gauge = storm.groupby("station").size()
    assert (per_gauge.drop("姬家山") == 73).all()
    assert per_gauge["姬家山"] == 73 - 26  # silent from 22 July 03:00 to 23 July 04:00
    # the levels stay in a plausible band about each gauge's thresholds
    for name, rows in level.groupby("station"):
        s = stations.loc[name]
        low = s["warning_level"] if s["kind"] == "river" else s["flood_limit_level"]
        assert low - 4 < rows["level"].min() and rows["level"].max() < low + 5, name


def _beijing(ms: int) -> str:
    from floodpost.data.situation.hydro import stored_text

    return from_storage(stored_text(ms)).strftime("%d %H:%M")


def test_crossing_events_as_the_curves_give_them(ws: Workspace) -> None:
    """Worked out by hand from the demo's curves (straight lines between given levels, read every 2 h)."""
    from floodpost.data import situation

    got = [(e.station, e.threshold, e.direction, _beijing(e.ms), e.margin) for e in situation.crossing_events(ws)]
    assert got == [
        ("盘石头水库", "flood_limit", "up", "22 00:00", 0.17),  # 244.30 + 1.30 × 4/6
        ("新镇", "warning", "up", "22 04:00", 0.13),  # 65.60 + 1.30 × 2/6 = 66.03 > 65.90
        ("鹿楼", "warning", "up", "22 04:00", 0.12),  # the flash flood ...
        ("刘庄", "warning", "up", "22 06:00", 0.07),
        ("淇门", "warning", "up", "22 06:00", 0.30),
        ("钜桥", "warning", "up", "22 06:00", 0.60),
        ("鹿楼", "warning", "down", "22 06:00", -0.14),  # ... back under before the 08:00 bulletin
        ("新村", "warning", "up", "22 08:00", 0.13),
        ("浚县", "warning", "up", "22 10:00", 0.10),
        ("淇滨", "warning", "up", "22 10:00", 0.08),
        ("新镇", "guaranteed", "up", "22 16:00", 0.08),  # the breach downstream at 18:40
        ("刘庄", "guaranteed", "up", "22 18:00", 0.02),  # 漫溢 at 刘庄 at 21:30
        ("盐土庄", "warning", "up", "23 10:00", 0.03),
        ("新村", "warning", "down", "23 16:00", -0.03),
        ("淇滨", "warning", "down", "23 18:00", -0.05),
        ("新镇", "guaranteed", "down", "24 00:00", -0.03),
        ("刘庄", "guaranteed", "down", "24 04:00", -0.01),
        ("钜桥", "warning", "down", "24 06:00", -0.07),
    ]
    # at both bulletins around it (02:00 and 08:00) 鹿楼 is under 警戒: only the 2-hourly reports catch it
    readings = ws.read("readings")
    lulou = readings[readings["station"] == "鹿楼"].set_index("reported_at")["level"]
    assert lulou["2021-07-21T18:00:00.000Z"] < 92.0 < lulou["2021-07-21T20:00:00.000Z"]
    assert lulou["2021-07-22T00:00:00.000Z"] < 92.0
    # every up event is acknowledged once, except the two left waiting
    acks = ws.read("alert_acks")
    ups = {(e.station, e.threshold) for e in situation.crossing_events(ws) if e.direction == "up"}
    assert set(zip(acks["station"], acks["threshold"], strict=True)) == ups - {("鹿楼", "warning"),
                                                                                ("盐土庄", "warning")}
    assert (acks["reported_at"] > acks["event_at"]).all() and acks["by"].notna().all()


def _water_by_hand(ws: Workspace, at: str) -> dict:
    """A moment's water figures recomputed from the tables with pandas, the rules read literally."""
    from floodpost.data.timeutil import to_storage

    t = to_storage(at)
    t_ms = _ms(t)
    stations = ws.read("stations").set_index("name")
    readings = ws.read("readings")
    readings = readings[readings["reported_at"] <= t]
    over, stale, rain = [], [], {}
    for name, rows in readings.sort_values("reported_at").groupby("station"):
        s = stations.loc[name]
        if t_ms - _ms(rows["reported_at"].iloc[-1]) > 6 * 3_600_000:
            stale.append(name)
        if s["kind"] == "rain":
            window = rows[rows["reported_at"] > to_storage(from_storage(t) - timedelta(hours=24))]
            rain[name] = round(float(window["rain"].sum()), 1)
            continue
        level = rows["level"].iloc[-1]
        passed = [f for f in LEVELS[s["kind"]] if level > s[f]]
        if passed:
            over.append((name, len(passed), round(level - s[passed[-1]], 2)))
    acks = ws.read("alert_acks")
    return {"over": over, "stale": stale, "rain": rain, "acked": set(acks.loc[acks["reported_at"] <= t, "station"])}


def test_water_at_noon_on_the_22nd(ws: Workspace) -> None:
    """At 2021-07-22 12:00: the rivers past 警戒, 盘石头 past 汛限, one hill gauge silent, two alerts waiting."""
    from floodpost.data import situation

    water = situation.as_of(ws, "2021-07-22 12:00").totals()["water"]
    assert water["reporting"] == 26
    # 新镇 66.90 + 1.10 × 4/6 = 67.63 (警戒 65.90), 刘庄 65.20 + 0.90 × 2/6 = 65.50 (64.20), 钜桥 68.50 (67.30),
    # 淇门 67.90 (66.80), 新村 96.98 (96.50), 淇滨 88.50 (88.20), 浚县 63.78 (63.50); 盘石头 246.90 (汛限 245.00)
    assert [(o["station"], o["threshold"], o["margin"]) for o in water["over"]] == [
        ("盘石头水库", "flood_limit", 1.90), ("新镇", "warning", 1.73), ("刘庄", "warning", 1.30),
        ("钜桥", "warning", 1.20), ("淇门", "warning", 1.10), ("新村", "warning", 0.48),
        ("淇滨", "warning", 0.30), ("浚县", "warning", 0.28)]
    assert (water["over_warning"], water["over_guaranteed"], water["over_check"]) == (8, 0, 0)
    assert water["rising"] == 0
    assert water["stale"] == 1  # 姬家山, silent since 02:00
    assert water["alerts_unacknowledged"] == 2  # 鹿楼's flash flood, never; 淇滨's, acknowledged at 12:05
    assert water["rain_max_24h"] == {"station": "黄洞", "mm": 580.9}
    hand = _water_by_hand(ws, "2021-07-22 12:00")
    assert sorted((o["station"], o["tier"], o["margin"]) for o in water["over"]) == sorted(hand["over"])
    assert hand["stale"] == ["姬家山"]
    wettest = max(hand["rain"], key=hand["rain"].get)
    assert (wettest, hand["rain"][wettest]) == ("黄洞", 580.9)
    assert sorted(hand["rain"].values())[0] == 260.5  # every gauge past 250 mm in 24 hours (浚县城关 the least)
    assert hand["acked"] == {"盘石头水库", "新镇", "淇门", "钜桥", "刘庄", "新村", "浚县"}


def test_water_in_the_evening_of_the_22nd_and_at_the_end(ws: Workspace) -> None:
    from floodpost.data import situation
    from floodpost.data.situation.hydro import margin_text

    evening = situation.as_of(ws, "2021-07-22 18:00").totals()["water"]
    assert (evening["over_warning"], evening["over_guaranteed"]) == (8, 2)
    assert [margin_text(o["threshold"], o["margin"]) for o in evening["over"][:2]] == ["超保0.35米", "超保0.02米"]
    assert [o["station"] for o in evening["over"][:2]] == ["新镇", "刘庄"]
    end = situation.as_of(ws, "2021-07-25 18:00").totals()["water"]
    # 卫河 slow to fall: 盐土庄 still rising to its peak, 新镇 and 刘庄 back under 保证, 钜桥, 新村, 淇滨 under 警戒
    assert [(o["station"], o["margin"]) for o in end["over"]] == [
        ("盘石头水库", 4.0), ("盐土庄", 2.0), ("浚县", 1.3), ("刘庄", 0.9), ("新镇", 0.7), ("淇门", 0.15)]
    assert (end["over_guaranteed"], end["stale"], end["alerts_unacknowledged"]) == (0, 0, 2)
    assert "rain_max_24h" not in end  # not a drop in the last day
    hand = _water_by_hand(ws, "2021-07-25 18:00")
    assert sorted((o["station"], o["tier"], o["margin"]) for o in end["over"]) == sorted(hand["over"])
