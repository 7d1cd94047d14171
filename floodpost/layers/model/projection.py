"""Display projection: spherical Web Mercator, conformal, so 35.7°N is not squashed.

Vectorised numpy formulas; no pyproj at paint time. The same projection as
XYZ tile caches, so MBTiles basemaps line up without resampling.
"""

from __future__ import annotations

import numpy as np

from floodpost.data.tiles.maths import MAX_LAT, R  # one Web Mercator for the map and the tiles


def to_mercator(lon: np.ndarray | float, lat: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Project lon/lat degrees (CGCS2000 ≈ WGS84) to Web Mercator metres."""
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.clip(np.asarray(lat, dtype=np.float64), -MAX_LAT, MAX_LAT)
    x = np.radians(lon) * R
    y = np.log(np.tan(np.pi / 4 + np.radians(lat) / 2)) * R
    return x, y


def to_lonlat(x: np.ndarray | float, y: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of :func:`to_mercator`."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    lon = np.degrees(x / R)
    lat = np.degrees(2 * np.arctan(np.exp(y / R)) - np.pi / 2)
    return lon, lat


def project_coords(coords: np.ndarray) -> np.ndarray:
    """Project an (n, 2) lon/lat array to an (n, 2) Mercator array."""
    x, y = to_mercator(coords[:, 0], coords[:, 1])
    return np.column_stack([x, y])


def ground_resolution(resolution: float, y: float) -> float:
    """Metres on the ground per pixel, for a Mercator resolution at northing ``y``."""
    _, lat = to_lonlat(0.0, y)
    return float(resolution * np.cos(np.radians(lat)))
