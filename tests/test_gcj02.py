"""GCJ-02 <-> WGS84: the published forward formula and its iterative inverse."""

from __future__ import annotations

import math

import numpy as np
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from floodpost.data.intake.gcj02 import gcj02_to_wgs84, gcj02_to_wgs84_geometry, wgs84_to_gcj02


@pytest.mark.parametrize(
    ("wgs", "gcj"),
    [
        # Tiananmen, as quoted with most implementations of the formula
        ((116.397128, 39.916527), (116.403375, 39.917927)),
        # Beijing railway station (R package geoChina's documented example)
        ((116.42079, 39.90105), (116.42703, 39.90245)),
    ],
)
def test_forward_known_values(wgs: tuple[float, float], gcj: tuple[float, float]) -> None:
    lon, lat = wgs84_to_gcj02(*wgs)
    assert lon == pytest.approx(gcj[0], abs=1e-5)
    assert lat == pytest.approx(gcj[1], abs=1e-5)


def test_forward_exact_value_of_the_formula() -> None:
    # pinned so a refactor cannot silently change the numbers
    lon, lat = wgs84_to_gcj02(116.397128, 39.916527)
    assert lon == pytest.approx(116.40337249402477, abs=1e-10)
    assert lat == pytest.approx(39.91793074924595, abs=1e-10)


def test_scalars_give_floats_and_arrays_keep_their_shape() -> None:
    lon, lat = gcj02_to_wgs84(114.3, 35.7)
    assert isinstance(lon, float) and isinstance(lat, float)
    grid_lon, grid_lat = np.meshgrid(np.linspace(114.0, 114.7, 4), np.linspace(35.4, 36.0, 3))
    out_lon, out_lat = wgs84_to_gcj02(grid_lon, grid_lat)
    assert out_lon.shape == out_lat.shape == (3, 4)
    back_lon, back_lat = gcj02_to_wgs84(out_lon, out_lat)
    assert back_lon.shape == (3, 4)
    # broadcasting a scalar latitude against a vector of longitudes
    lon_v, lat_v = wgs84_to_gcj02([114.1, 114.2], 35.8)
    assert lon_v.shape == lat_v.shape == (2,)


def test_round_trip_on_a_grid_over_china() -> None:
    lon, lat = np.meshgrid(np.linspace(74.0, 134.5, 121), np.linspace(4.5, 53.0, 98))
    back_lon, back_lat = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert np.abs(back_lon - lon).max() < 1e-7
    assert np.abs(back_lat - lat).max() < 1e-7


def test_offset_in_hebi_is_a_few_hundred_metres() -> None:
    lon, lat = wgs84_to_gcj02(114.3, 35.75)
    dx = (lon - 114.3) * 111_320 * math.cos(math.radians(35.75))
    dy = (lat - 35.75) * 110_570
    assert 200 < math.hypot(dx, dy) < 800


@pytest.mark.parametrize(
    ("lon", "lat"),
    [(-0.1276, 51.5072), (139.6917, 35.6895), (151.2093, -33.8688), (2.35, 48.85), (100.5, 1.0)],
)
def test_outside_china_unchanged(lon: float, lat: float) -> None:
    assert wgs84_to_gcj02(lon, lat) == (lon, lat)
    assert gcj02_to_wgs84(lon, lat) == (lon, lat)


def test_nan_passes_through() -> None:
    lon, lat = gcj02_to_wgs84(np.array([np.nan, 114.3]), np.array([35.0, 35.7]))
    assert np.isnan(lon[0]) and lat[0] == 35.0
    assert lon[1] == pytest.approx(114.3 - 0.006, abs=0.002)


def test_geometry_helper_converts_every_vertex() -> None:
    gcj = np.array(
        [
            shapely.Point(114.30, 35.75),
            shapely.Polygon([(114.0, 35.5), (114.1, 35.5), (114.1, 35.6), (114.0, 35.5)]),
            None,
        ],
        dtype=object,
    )
    out = gcj02_to_wgs84_geometry(gcj)
    assert out[2] is None
    x, y = gcj02_to_wgs84(114.30, 35.75)
    assert out[0].x == pytest.approx(x) and out[0].y == pytest.approx(y)
    src = shapely.get_coordinates(gcj[1])
    exp = np.column_stack(gcj02_to_wgs84(src[:, 0], src[:, 1]))
    np.testing.assert_allclose(shapely.get_coordinates(out[1]), exp)
    single = gcj02_to_wgs84_geometry(shapely.Point(114.30, 35.75))
    assert single.x == pytest.approx(x)


@settings(max_examples=300, deadline=None)
@given(
    lon=st.floats(min_value=74.0, max_value=134.5, allow_nan=False),
    lat=st.floats(min_value=4.5, max_value=53.0, allow_nan=False),
)
def test_round_trip_property(lon: float, lat: float) -> None:
    g_lon, g_lat = wgs84_to_gcj02(lon, lat)
    assert abs(g_lon - lon) < 0.02 and abs(g_lat - lat) < 0.02  # offset < ~2 km
    w_lon, w_lat = gcj02_to_wgs84(g_lon, g_lat)
    assert abs(w_lon - lon) < 1e-7
    assert abs(w_lat - lat) < 1e-7
