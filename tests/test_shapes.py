"""Flat shapes parsed from WKB with numpy: the same as through shapely, or a refusal."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import shapely
from shapely import wkt

from floodpost.data.shapes import Shapes, gpkg_wkb

MIXED = [
    "POINT (114.1 35.7)",
    "LINESTRING (0 0, 1 1, 2 0)",
    "POLYGON ((0 0, 4 0, 4 4, 0 4, 0 0), (1 1, 2 1, 2 2, 1 1))",
    None,
    "POINT EMPTY",
    "MULTIPOINT ((1 1), (2 2))",
    "MULTILINESTRING ((0 0, 1 1), (2 2, 3 3, 4 4))",
    "MULTIPOLYGON (((0 0, 1 0, 1 1, 0 0)), ((5 5, 6 5, 6 6, 5 5), (5.1 5.1, 5.2 5.1, 5.2 5.2, 5.1 5.1)))",
    "POLYGON EMPTY",
    "MULTIPOLYGON EMPTY",
    "LINESTRING EMPTY",
    "MULTIPOINT ((3 3))",
]


def _geoms(texts: list[str | None]) -> np.ndarray:
    out = np.empty(len(texts), dtype=object)
    out[:] = [None if t is None else wkt.loads(t) for t in texts]
    return out


def _random_geoms(seed: int, n: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(n):
        kind = rng.integers(0, 6)
        c = rng.uniform(-180, 180, 2)
        if kind == 0:
            out.append(shapely.Point(c))
        elif kind == 1:
            out.append(shapely.LineString(c + rng.normal(0, 1, (int(rng.integers(2, 40)), 2))))
        elif kind == 2:
            out.append(shapely.Point(c).buffer(float(rng.uniform(0.1, 2)), int(rng.integers(1, 8))))
        elif kind == 3:
            shell = shapely.Point(c).buffer(3.0)
            holes = [shapely.Point(c + rng.uniform(-1.5, 1.5, 2)).buffer(0.2) for _ in range(rng.integers(1, 4))]
            out.append(shell.difference(shapely.union_all(holes)))
        elif kind == 4:
            out.append(shapely.MultiLineString([c + rng.normal(0, 1, (5, 2)) for _ in range(rng.integers(1, 5))]))
        else:
            out.append(shapely.MultiPolygon([shapely.Point(c + 10 * i).buffer(1.0) for i in range(rng.integers(1, 6))]))
    arr = np.empty(n, dtype=object)
    arr[:] = out
    return arr


@pytest.mark.parametrize("geoms", [_geoms(MIXED), _random_geoms(1, 300)], ids=["edge cases", "random"])
def test_wkb_parse_matches_shapely(geoms: np.ndarray) -> None:
    want = Shapes.from_geometries(geoms)
    got = Shapes.from_wkb_array([None if g is None else shapely.to_wkb(g) for g in geoms])
    assert got._wkb is not None  # numpy parsed it, no fallback
    assert got.equals(want)
    back = got.geometries()
    for g, b in zip(geoms, back, strict=True):
        if g is None:
            assert b is None
        else:
            assert shapely.equals_exact(g, b, 0) or (shapely.is_empty(g) and shapely.is_empty(b))


def test_bare_shapes_rebuild_their_features() -> None:
    """Shapes sent to another process keep no geometries or WKB; features come back from the arrays."""
    geoms = np.concatenate([_geoms(MIXED), _random_geoms(4, 60)])
    back = Shapes.from_geometries(geoms).bare().geometries()
    for g, b in zip(geoms, back, strict=True):
        if g is None or shapely.is_empty(g):
            assert b is None
        else:
            assert shapely.equals_exact(g, b, 0), (g.wkt, b.wkt)


def test_parts_rebuild_as_simple_geometries() -> None:
    s = Shapes.from_geometries(_geoms(MIXED))
    parts = s.rings_of(np.arange(len(s.part_kind)))
    assert [p.geom_type for p in parts] == [
        "Point", "LineString", "Polygon", "Point", "Point", "LineString", "LineString", "Polygon", "Polygon", "Point",
    ]
    assert len(parts[2].interiors) == 1 and len(parts[8].interiors) == 1


@pytest.mark.parametrize(
    "wkb",
    [
        shapely.to_wkb(shapely.Point(1, 2, 3)),  # Z
        shapely.to_wkb(shapely.Point(1, 2), byte_order=0),  # big-endian
        shapely.to_wkb(shapely.GeometryCollection([shapely.Point(1, 2)])),
    ],
    ids=["z", "big-endian", "collection"],
)
def test_what_numpy_does_not_parse_goes_to_shapely(wkb: bytes) -> None:
    assert Shapes.from_wkb(wkb, np.array([0]), np.array([len(wkb)])) is None
    shapes = Shapes.from_wkb_array([wkb])  # the fallback
    assert shapes.types[0] >= 0 and len(shapes.coords) == 1


def test_truncated_wkb_is_refused_not_misread() -> None:
    wkb = shapely.to_wkb(shapely.LineString([(0, 0), (1, 1), (2, 2)]))
    for cut in (3, 9, len(wkb) - 1):
        assert Shapes.from_wkb(wkb[:cut], np.array([0]), np.array([cut])) is None


def test_take_reorders_and_marks_missing() -> None:
    geoms = _random_geoms(2, 40)
    s = Shapes.from_geometries(geoms)
    idx = np.array([5, -1, 0, 39, 5])
    t = s.take(idx)
    want_geoms = np.array([geoms[5], None, geoms[0], geoms[39], geoms[5]], dtype=object)
    assert t.equals(Shapes.from_geometries(want_geoms))
    assert t.geometries()[1] is None


def test_geopackage_headers_are_stripped() -> None:
    from floodpost.data.store.gpkg import geopackage as gpkg

    geoms = _geoms(["POINT (1 2)", "LINESTRING (0 0, 1 1)", None])
    blobs = gpkg.encode(geoms, 4490)
    buf, starts, ends, empty = gpkg_wkb(blobs)
    s = Shapes.from_wkb(buf, starts, ends)
    assert s is not None and s.equals(Shapes.from_geometries(geoms))
    assert not empty.any()


def test_bounds_skip_nan() -> None:
    s = Shapes.from_geometries(_geoms(["POINT (1 2)", "POINT (5 -3)"]))
    assert s.bounds() == (1.0, -3.0, 5.0, 2.0)
    assert Shapes.from_geometries(_geoms([None])).bounds() is None
    # from the parts' boxes once they are known: the same
    mixed = Shapes.from_geometries(_random_geoms(4, 200))
    before = mixed.bounds()
    mixed.part_bounds()
    assert mixed.bounds() == before == tuple(shapely.total_bounds(_random_geoms(4, 200)))


def test_points_only_layers_parse_alike() -> None:
    """A layer of plain points takes a shortcut; it must give what the general walk gives."""
    rng = np.random.default_rng(3)
    xy = rng.uniform(-180, 180, (500, 2))
    geoms = np.empty(502, dtype=object)
    geoms[:500] = shapely.points(xy)
    geoms[500] = None
    geoms[501] = shapely.Point(1, 2)
    want = Shapes.from_geometries(geoms)
    got = Shapes.from_wkb_array([None if g is None else shapely.to_wkb(g) for g in geoms])
    assert got._wkb is not None and got.equals(want)
    # with a POINT EMPTY among them the general walk answers, alike
    geoms[10] = wkt.loads("POINT EMPTY")
    got = Shapes.from_wkb_array([None if g is None else shapely.to_wkb(g) for g in geoms])
    assert got.equals(Shapes.from_geometries(geoms))
    # not back to back (padding between them): read one by one, alike
    blobs = [shapely.to_wkb(g) for g in geoms[:500]]
    buf = b"".join(w + b"\0\0\0" for w in blobs)
    starts = np.arange(500) * 24
    got = Shapes.from_wkb(buf, starts, starts + 21)
    assert got is not None and got.equals(Shapes.from_geometries(geoms[:500]))


@pytest.mark.parametrize("layout", ["back to back", "with gaps", "overlapping"])
def test_run_bounds_match_a_plain_loop(layout: str) -> None:
    from floodpost.data.shapes import run_bounds

    rng = np.random.default_rng(6)
    count = rng.integers(1, 12, 400)
    count[[3, 399]] = 0  # runs of nothing, the last one among them
    start = np.cumsum(count) - count
    size = int(count.sum())  # back to back, the last run reaching the end
    if layout == "with gaps":
        start = start + np.arange(400) * 3
        size = int(start[-1] + count[-1])
    elif layout == "overlapping":
        start = rng.integers(0, size - 12, 400)
        start[-1] = size - count[-1]
    coords = rng.uniform(-10, 10, (size, 2))
    coords[[5, 77, 78, size - 1]] = np.nan  # empty points inside runs, and at the very end
    coords[400:410] = np.nan  # runs of nothing but NaN
    got = run_bounds(coords, start, count)
    want = np.full((400, 4), np.nan)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN runs
        for i, (a, n) in enumerate(zip(start, count, strict=True)):
            if n:
                want[i] = [*np.nanmin(coords[a : a + n], axis=0), *np.nanmax(coords[a : a + n], axis=0)]
    assert np.array_equal(got, want, equal_nan=True)


@pytest.mark.parametrize("multi", [False, True], ids=["polygons", "multipolygons"])
def test_polygon_layers_without_holes_parse_alike(multi: bool) -> None:
    """Polygons of one ring each take a shortcut; anything else among them sends all down the general walk."""
    rng = np.random.default_rng(4)
    polys = [shapely.Point(c).buffer(float(rng.uniform(0.01, 0.5)), int(rng.integers(1, 6)))
             for c in rng.uniform(-170, 170, (400, 2))]
    geoms = np.empty(402, dtype=object)
    geoms[:400] = [shapely.MultiPolygon([p]) for p in polys] if multi else polys
    geoms[400] = None
    geoms[401] = geoms[0]

    def parsed(g: np.ndarray) -> Shapes:
        got = Shapes.from_wkb_array([None if x is None else shapely.to_wkb(x) for x in g])
        assert got._wkb is not None
        return got

    assert parsed(geoms).equals(Shapes.from_geometries(geoms))
    odd = geoms.copy()
    holed = shapely.Point(0, 0).buffer(2).difference(shapely.Point(0, 0).buffer(1))
    odd[7] = shapely.MultiPolygon([polys[7], shapely.Point(100, 10).buffer(1)]) if multi else holed
    assert parsed(odd).equals(Shapes.from_geometries(odd))
    if multi:
        odd[7] = shapely.MultiPolygon([holed])
        assert parsed(odd).equals(Shapes.from_geometries(odd))
