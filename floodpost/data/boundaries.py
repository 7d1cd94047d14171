"""The city and county boundaries shipped with FloodPost (the offline basemap and the demo).

Real outlines of Hebi (鹤壁市), approximate and not an official boundary (see
assets/boundaries/ATTRIBUTION.md), read from the package's own files.
"""

from __future__ import annotations

from functools import cache

import geopandas as gpd

from floodpost.data.schema import STORAGE_EPSG
from floodpost.resources import asset_path


@cache
def _read_asset(name: str) -> gpd.GeoDataFrame:
    frame = gpd.read_file(asset_path("boundaries", name))
    return frame.set_crs(STORAGE_EPSG, allow_override=True)


def county_boundaries() -> gpd.GeoDataFrame:
    """The five counties of Hebi (name, adcode), EPSG:4490, from the shipped asset.

    Read from disk (no network); a copy, so callers may change it freely.
    """
    return _read_asset("hebi_counties.geojson").copy()


def city_boundary() -> gpd.GeoDataFrame:
    """The outline of Hebi city (one row: 鹤壁市, 410600), EPSG:4490."""
    return _read_asset("hebi_city.geojson").copy()
