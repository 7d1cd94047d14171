"""The view onto the map: centre and resolution in Mercator metres, size in pixels.

Plain Python so the canvas, snapshots and printing share the exact same
arithmetic; a viewport is immutable and cheap, so a render thread can hold
its own copy while the user keeps dragging.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from floodpost.layers.model.projection import ground_resolution, to_lonlat, to_mercator

#: Screen pixel size assumed for scale denominators (96 dpi).
SCREEN_DPI = 96.0
MIN_RESOLUTION = 0.05  # m/px: about 1:200
MAX_RESOLUTION = 20000.0  # m/px: the whole country and more


@dataclass(frozen=True)
class Viewport:
    """``cx, cy``: centre in Mercator metres; ``resolution``: metres per pixel."""

    cx: float
    cy: float
    resolution: float
    width: int
    height: int
    dpi: float = SCREEN_DPI

    # ----------------------------------------------------------- geometry
    @property
    def extent(self) -> tuple[float, float, float, float]:
        """(minx, miny, maxx, maxy) in Mercator metres."""
        hw = self.width * self.resolution / 2
        hh = self.height * self.resolution / 2
        return (self.cx - hw, self.cy - hh, self.cx + hw, self.cy + hh)

    @property
    def lonlat_extent(self) -> tuple[float, float, float, float]:
        x0, y0, x1, y1 = self.extent
        lon0, lat0 = to_lonlat(x0, y0)
        lon1, lat1 = to_lonlat(x1, y1)
        return (float(lon0), float(lat0), float(lon1), float(lat1))

    def to_screen(self, x: np.ndarray | float, y: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        """Mercator metres to pixel coordinates (origin top-left, y down)."""
        px = (np.asarray(x) - self.cx) / self.resolution + self.width / 2
        py = (self.cy - np.asarray(y)) / self.resolution + self.height / 2
        return px, py

    def to_map(self, px: np.ndarray | float, py: np.ndarray | float) -> tuple[np.ndarray, np.ndarray]:
        """Pixel coordinates to Mercator metres."""
        x = (np.asarray(px) - self.width / 2) * self.resolution + self.cx
        y = self.cy - (np.asarray(py) - self.height / 2) * self.resolution
        return x, y

    def lonlat_at(self, px: float, py: float) -> tuple[float, float]:
        x, y = self.to_map(px, py)
        lon, lat = to_lonlat(x, y)
        return float(lon), float(lat)

    def transform(self) -> tuple[float, float, float, float]:
        """(sx, sy, dx, dy) with screen = map * s + d, for a painter transform."""
        s = 1.0 / self.resolution
        return (s, -s, self.width / 2 - self.cx * s, self.height / 2 + self.cy * s)

    @property
    def scale_denominator(self) -> float:
        """Map scale 1:N on the ground at the view centre."""
        metres_per_pixel = ground_resolution(self.resolution, self.cy)
        return metres_per_pixel / (0.0254 / self.dpi)

    # ----------------------------------------------------------- changes
    def resized(self, width: int, height: int) -> Viewport:
        return replace(self, width=max(1, int(width)), height=max(1, int(height)))

    def rows(self, top: int, bottom: int) -> Viewport:
        """Rows ``top``..``bottom`` of this view as a view of their own, pixel for pixel."""
        h = bottom - top
        return replace(self, cy=self.cy + (self.height / 2 - top - h / 2) * self.resolution, height=h)

    def panned(self, dx_px: float, dy_px: float) -> Viewport:
        """The view after dragging the map by (dx, dy) pixels."""
        return replace(
            self, cx=self.cx - dx_px * self.resolution, cy=self.cy + dy_px * self.resolution
        )

    def zoomed(self, factor: float, anchor: tuple[float, float] | None = None) -> Viewport:
        """Zoom in by ``factor`` (>1 in), keeping the map point under ``anchor`` fixed."""
        res = float(np.clip(self.resolution / factor, MIN_RESOLUTION, MAX_RESOLUTION))
        if anchor is None:
            return replace(self, resolution=res)
        ax, ay = self.to_map(*anchor)
        k = res / self.resolution
        return replace(
            self,
            resolution=res,
            cx=float(ax + (self.cx - ax) * k),
            cy=float(ay + (self.cy - ay) * k),
        )

    def fitted(self, bounds: tuple[float, float, float, float], margin: float = 0.05) -> Viewport:
        """The view showing Mercator ``bounds`` whole, with a margin."""
        x0, y0, x1, y1 = bounds
        w = max(x1 - x0, 1.0)
        h = max(y1 - y0, 1.0)
        res = max(w / self.width, h / self.height) * (1 + 2 * margin)
        res = float(np.clip(res, MIN_RESOLUTION, MAX_RESOLUTION))
        return replace(self, cx=(x0 + x1) / 2, cy=(y0 + y1) / 2, resolution=res)

    def fitted_lonlat(self, bounds: tuple[float, float, float, float], margin: float = 0.05) -> Viewport:
        x0, y0 = to_mercator(bounds[0], bounds[1])
        x1, y1 = to_mercator(bounds[2], bounds[3])
        return self.fitted((float(x0), float(y0), float(x1), float(y1)), margin)

    @classmethod
    def for_lonlat(
        cls, bounds: tuple[float, float, float, float], width: int, height: int, dpi: float = SCREEN_DPI
    ) -> Viewport:
        return cls(0.0, 0.0, 1.0, width, height, dpi).fitted_lonlat(bounds)
