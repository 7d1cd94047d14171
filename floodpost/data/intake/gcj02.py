"""GCJ-02 ("Mars coordinates") to and from WGS84, vectorised with numpy.

Phone map apps (高德, 腾讯) and the Amap boundary data give GCJ-02, which is
WGS84 with a deliberate, position-dependent offset of up to ~700 m. The
workspace stores CGCS2000 (EPSG:4490), equal to WGS84 at map scale, so
anything in GCJ-02 goes through :func:`gcj02_to_wgs84` before it is stored.

The forward formula is the widely published one on the Krasovsky ellipsoid;
it is only applied inside a rough box around China, as the apps do.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import shapely
from numpy.typing import ArrayLike, NDArray

#: Krasovsky 1940 semi-major axis and eccentricity squared, as the formula uses.
A = 6378245.0
EE = 0.00669342162296594323

#: Box outside which coordinates are not offset (lon_min, lat_min, lon_max, lat_max): part of
#: the GCJ-02 formula as phone map apps apply it, so tighter than the plausibility check's
#: :data:`floodpost.data.intake.coordtext.CHINA_BOUNDS` on purpose.
CHINA_BOX = (73.66, 3.86, 135.05, 53.55)

_TOLERANCE = 1e-9  # degrees, ~0.1 mm
_MAX_ITER = 30


def in_china(lon: ArrayLike, lat: ArrayLike) -> NDArray[np.bool_]:
    """True where a point lies in the box where GCJ-02 offsets apply."""
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    return (x > CHINA_BOX[0]) & (x < CHINA_BOX[2]) & (y > CHINA_BOX[1]) & (y < CHINA_BOX[3])


def _offset(lon: NDArray[np.float64], lat: NDArray[np.float64]) -> tuple[NDArray, NDArray]:
    """The GCJ-02 shift (dlon, dlat) in degrees at WGS84 (lon, lat), everywhere."""
    x = lon - 105.0
    y = lat - 35.0
    pi = np.pi
    sq = np.sqrt(np.abs(x))
    common = (20.0 * np.sin(6.0 * x * pi) + 20.0 * np.sin(2.0 * x * pi)) * 2.0 / 3.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sq + common
    dlat += (20.0 * np.sin(y * pi) + 40.0 * np.sin(y / 3.0 * pi)) * 2.0 / 3.0
    dlat += (160.0 * np.sin(y / 12.0 * pi) + 320.0 * np.sin(y * pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sq + common
    dlon += (20.0 * np.sin(x * pi) + 40.0 * np.sin(x / 3.0 * pi)) * 2.0 / 3.0
    dlon += (150.0 * np.sin(x / 12.0 * pi) + 300.0 * np.sin(x / 30.0 * pi)) * 2.0 / 3.0
    rad = lat / 180.0 * pi
    magic = 1.0 - EE * np.sin(rad) ** 2
    sqrt_magic = np.sqrt(magic)
    dlat = (dlat * 180.0) / ((A * (1.0 - EE)) / (magic * sqrt_magic) * pi)
    dlon = (dlon * 180.0) / (A / sqrt_magic * np.cos(rad) * pi)
    return dlon, dlat


def _result(lon: NDArray, lat: NDArray, scalar: bool) -> tuple[Any, Any]:
    if scalar:
        return float(lon), float(lat)
    return lon, lat


def wgs84_to_gcj02(lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]:
    """Shift WGS84 to GCJ-02 (to compare with phone-app coordinates or tests).

    Scalars give floats, arrays give arrays of the broadcast shape; points
    outside China are returned unchanged.
    """
    x = np.asarray(lon, dtype=float)
    y = np.asarray(lat, dtype=float)
    scalar = x.ndim == 0 and y.ndim == 0
    x, y = np.broadcast_arrays(x, y)
    inside = in_china(x, y)
    ox = x.copy()
    oy = y.copy()
    dlon, dlat = _offset(x[inside], y[inside])
    ox[inside] += dlon
    oy[inside] += dlat
    return _result(ox, oy, scalar)


def gcj02_to_wgs84(lon: ArrayLike, lat: ArrayLike) -> tuple[Any, Any]:
    """Undo GCJ-02 so app coordinates can be stored as CGCS2000/WGS84.

    The forward shift has no closed inverse, so iterate the fixed point
    ``w = g - offset(w)`` until it moves less than 1e-9 degrees (a few
    steps; the shift varies slowly), which is far below a metre.
    """
    gx = np.asarray(lon, dtype=float)
    gy = np.asarray(lat, dtype=float)
    scalar = gx.ndim == 0 and gy.ndim == 0
    gx, gy = np.broadcast_arrays(gx, gy)
    inside = in_china(gx, gy)
    tx = gx[inside]
    ty = gy[inside]
    wx = tx.copy()
    wy = ty.copy()
    for _ in range(_MAX_ITER):
        dlon, dlat = _offset(wx, wy)
        nx = tx - dlon
        ny = ty - dlat
        change = max(np.abs(nx - wx).max(initial=0.0), np.abs(ny - wy).max(initial=0.0))
        wx, wy = nx, ny
        if change < _TOLERANCE:
            break
    ox = gx.copy()
    oy = gy.copy()
    ox[inside] = wx
    oy[inside] = wy
    return _result(ox, oy, scalar)


def gcj02_to_wgs84_geometry(geoms: Any) -> Any:
    """Convert shapely geometries (one or an array) from GCJ-02 to WGS84 coordinates."""

    def _convert(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        x, y = gcj02_to_wgs84(coords[:, 0], coords[:, 1])
        return np.column_stack([x, y])

    return shapely.transform(geoms, _convert)
