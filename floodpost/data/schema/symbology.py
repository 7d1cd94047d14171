"""Symbology as plain data: one registry entry per layer kind.

It lives beside the schema (no Qt here) because the map painter, the web
map and the QGIS styles stored in the workspace all read it.

The painter, the legend swatches and the HTML export all read these
entries, so the map, its legend and the web page never disagree.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Symbol:
    """How one class of features looks.

    Sizes and widths are in pixels at 96 dpi; colours are ``#rrggbb`` or
    ``#rrggbbaa``. Points use ``shape``/``size``; lines ``stroke``; polygons
    ``fill`` and ``stroke``.
    """

    fill: str | None = None
    stroke: str | None = "#ffffff"
    stroke_width: float = 1.0
    shape: str = "circle"
    size: float = 10.0
    dash: tuple[float, ...] = ()
    casing: str | None = None  # a wider line under the stroke, for rivers on fills


@dataclass(frozen=True)
class LabelStyle:
    field: str = "name"
    size: float = 9.0  # points
    color: str = "#202020"
    halo: str = "#ffffff"
    bold: bool = False
    priority: int = 0  # higher wins collisions
    max_scale: float = 1e12  # labels shown when the scale denominator is below this


@dataclass(frozen=True)
class Symbology:
    """Classify features by ``field`` (an enum code) into symbols."""

    field: str | None
    classes: dict[str, Symbol]
    default: Symbol
    label: LabelStyle | None = field(default_factory=LabelStyle)
    size_field: str | None = None  # reserved: proportional symbols

    def symbol_for(self, code: Any) -> Symbol:
        return self.classes.get(str(code), self.default) if code is not None else self.default


SHAPES = ("circle", "square", "triangle", "diamond", "pentagon", "hexagon", "star", "house", "cross", "flag")

_STORAGE = {
    "standby": Symbol(fill="#c6dbef99", stroke="#4a7fb0", stroke_width=1.5, dash=(5, 3)),
    "ordered": Symbol(fill="#fdd49eaa", stroke="#d7801a", stroke_width=1.8),
    "evacuating": Symbol(fill="#fc8d59aa", stroke="#c0392b", stroke_width=2.0),
    "flooding": Symbol(fill="#2c7fb8b3", stroke="#08306b", stroke_width=2.0),
    "receding": Symbol(fill="#7fcdbbaa", stroke="#1d6f6a", stroke_width=1.8),
    "returning": Symbol(fill="#a1d99baa", stroke="#2f7d32", stroke_width=1.8),
    "closed": Symbol(fill="#d9d9d988", stroke="#7f7f7f", stroke_width=1.2),
}
_RIVERS = {
    "main": Symbol(stroke="#1f6fb2", stroke_width=4.0, casing="#ffffff"),
    "trib1": Symbol(stroke="#2f86c9", stroke_width=2.8, casing="#ffffff"),
    "trib2": Symbol(stroke="#5aa6dc", stroke_width=1.8),
    "canal": Symbol(stroke="#1b9aaa", stroke_width=2.6, dash=(8, 3), casing="#ffffff"),
}
_RESERVOIRS = {
    "large": Symbol(fill="#1565c0", stroke="#ffffff", stroke_width=1.5, size=22),
    "medium": Symbol(fill="#1e88e5", stroke="#ffffff", stroke_width=1.5, size=16),
    "small1": Symbol(fill="#42a5f5", stroke="#ffffff", stroke_width=1.2, size=12),
    "small2": Symbol(fill="#64b5f6", stroke="#ffffff", stroke_width=1.0, size=9),
}
# Hazard types differ by shape; subsidence (a hole) is a dark disc with a warning ring,
# nothing like a depot's square.
_HAZARDS = {
    "landslide": Symbol(fill="#d9480f", stroke="#ffffff", shape="triangle", size=13),
    "collapse": Symbol(fill="#8c510a", stroke="#ffffff", shape="diamond", size=13),
    "debris_flow": Symbol(fill="#7b3294", stroke="#ffffff", shape="pentagon", size=13),
    "subsidence": Symbol(fill="#3a3a3a", stroke="#fdd835", stroke_width=2.0, shape="circle", size=12),
}
_WATERLOGGING = {
    "underpass": Symbol(fill="#0097a7", stroke="#ffffff", shape="hexagon", size=12),
    "culvert": Symbol(fill="#00838f", stroke="#ffffff", shape="diamond", size=11),
    "low_road": Symbol(fill="#26c6da", stroke="#006064", shape="circle", size=10),
    "low_area": Symbol(fill="#4dd0e1", stroke="#006064", shape="square", size=10),
    "other": Symbol(fill="#80deea", stroke="#006064", shape="circle", size=9),
}
# Seven categories, seven shapes: on a projector red and pink, navy and purple
# look alike, so the colour is never the only difference.
_FORCES = {
    "army": Symbol(fill="#2e7d32", stroke="#ffffff", shape="star", size=16),
    "fire": Symbol(fill="#d50000", stroke="#ffffff", shape="flag", size=16),
    "professional": Symbol(fill="#ef6c00", stroke="#ffffff", shape="pentagon", size=15),
    "social": Symbol(fill="#8e24aa", stroke="#ffffff", shape="hexagon", size=14),
    "militia": Symbol(fill="#827717", stroke="#ffffff", shape="triangle", size=14),
    "police": Symbol(fill="#1a237e", stroke="#ffffff", shape="diamond", size=15),
    "volunteer": Symbol(fill="#ec407a", stroke="#ffffff", shape="circle", size=12),
}
_DEPOTS = {
    "warehouse": Symbol(fill="#795548", stroke="#ffffff", shape="square", size=13),
    "front": Symbol(fill="#a1887f", stroke="#ffffff", shape="square", size=10),
}
# Incidents: one shape per kind, in alarm colours; their status as of the slider's
# moment (uncontrolled, controlled, closed) is drawn over these by the situation overlay.
_INCIDENTS = {
    "piping": Symbol(fill="#c62828", stroke="#ffffff", stroke_width=1.5, shape="circle", size=15),
    "seepage": Symbol(fill="#1976d2", stroke="#ffffff", stroke_width=1.5, shape="hexagon", size=15),
    "overtopping": Symbol(fill="#0d47a1", stroke="#ffffff", stroke_width=1.5, shape="square", size=15),
    "breach": Symbol(fill="#b71c1c", stroke="#ffeb3b", stroke_width=2.0, shape="star", size=19),
    "bank_collapse": Symbol(fill="#6d4c41", stroke="#ffffff", stroke_width=1.5, shape="diamond", size=16),
    "landslide": Symbol(fill="#e65100", stroke="#ffffff", stroke_width=1.5, shape="triangle", size=16),
    "road_cut": Symbol(fill="#424242", stroke="#ffffff", stroke_width=1.5, shape="cross", size=16),
    "trapped": Symbol(fill="#d81b60", stroke="#ffffff", stroke_width=1.5, shape="flag", size=17),
    "waterlogging": Symbol(fill="#00838f", stroke="#ffffff", stroke_width=1.5, shape="pentagon", size=15),
    "other": Symbol(fill="#8e24aa", stroke="#ffffff", stroke_width=1.5, shape="house", size=14),
}
# Gauges by kind (the shape stays when the state colours them): a river gauge a
# triangle standing on the water, a reservoir gauge a square, a rain gauge a drop-round disc.
_STATIONS = {
    "river": Symbol(fill="#1565c0", stroke="#ffffff", stroke_width=1.2, shape="triangle", size=13),
    "reservoir": Symbol(fill="#0277bd", stroke="#ffffff", stroke_width=1.2, shape="square", size=12),
    "rain": Symbol(fill="#4fc3f7", stroke="#01579b", stroke_width=1.2, shape="circle", size=10),
}

#: Registry: layer key -> symbology. Adding a layer kind is one entry here.
SYMBOLOGY: dict[str, Symbology] = {
    "storage_areas": Symbology(
        "status", _STORAGE, _STORAGE["standby"],
        LabelStyle(size=11, bold=True, color="#0b3d6b", priority=90),
    ),
    "rivers": Symbology(
        "grade", _RIVERS, _RIVERS["trib2"],
        LabelStyle(size=9.5, color="#0d47a1", priority=70),
    ),
    "reservoirs": Symbology(
        "scale", _RESERVOIRS, _RESERVOIRS["small2"],
        LabelStyle(size=9.5, color="#0d47a1", priority=80),
    ),
    # water surfaces under the reservoir points, which carry the names
    "reservoir_areas": Symbology(
        None, {}, Symbol(fill="#64b5f6cc", stroke="#1565c0", stroke_width=1.2), label=None,
    ),
    "hazards": Symbology("hazard_type", _HAZARDS, _HAZARDS["landslide"], LabelStyle(priority=50)),
    "waterlogging": Symbology("kind", _WATERLOGGING, _WATERLOGGING["other"], LabelStyle(priority=45)),
    "forces": Symbology("category", _FORCES, _FORCES["volunteer"], LabelStyle(priority=60)),
    "depots": Symbology("kind", _DEPOTS, _DEPOTS["warehouse"], LabelStyle(priority=55)),
    "shelters": Symbology(
        None, {}, Symbol(fill="#43a047", stroke="#ffffff", shape="house", size=13),
        LabelStyle(priority=40),
    ),
    # villages are many and small; warnings colour them as of the slider's moment
    "villages": Symbology(
        None, {}, Symbol(fill="#fafafa", stroke="#546e7a", stroke_width=1.2, shape="circle", size=7),
        LabelStyle(size=8, color="#37474f", priority=20, max_scale=150_000),
    ),
    "village_areas": Symbology(
        None, {}, Symbol(fill="#eceff133", stroke="#90a4ae", stroke_width=0.8, dash=(3, 2)), label=None,
    ),
    "incidents": Symbology(
        "kind", _INCIDENTS, _INCIDENTS["other"], LabelStyle(size=9.5, bold=True, color="#b71c1c", priority=88),
    ),
    "incident_sections": Symbology(
        None, {}, Symbol(stroke="#e53935", stroke_width=5.0, casing="#ffffff"), label=None,
    ),
    "stations": Symbology(
        "kind", _STATIONS, _STATIONS["river"], LabelStyle(size=8.5, color="#0d47a1", priority=75),
    ),
}

# Water and rain as of the slider's moment, drawn over the gauges by the water overlay
# (desktop, snapshot, print) and into the web page: one set of colours for all.
#: A level gauge's state: the fill of its shape.
STATION_STATE_COLOURS = {
    "normal": "#1565c0",         # below every threshold
    "over_warning": "#fb8c00",   # 超警戒 / 超汛限
    "over_guaranteed": "#d50000",  # 超保证 / 超设计
    "over_check": "#6a1b9a",     # 超校核 (a reservoir above its check level)
    "no_reading": "#b0bec5",     # no reading yet, or older than the station's interval
}
#: Rain gauges by the rain of the last 24 h (China's 24-hour categories, mm): lower bounds and fills.
RAIN_RAMP = (
    (0.0, "#e1f5fe"),     # 无雨/小雨
    (10.0, "#81d4fa"),    # 中雨
    (25.0, "#29b6f6"),    # 大雨
    (50.0, "#1e88e5"),    # 暴雨
    (100.0, "#3949ab"),   # 大暴雨
    (250.0, "#8e24aa"),   # 特大暴雨
)
#: A level rising faster than the station's rate: an arrow ring.
RISING_RING = Symbol(fill=None, stroke="#d50000", stroke_width=2.0)
#: The margin label ("超警0.42米"), red when over a threshold.
STATION_LABELS = {
    "over": LabelStyle(size=9.0, bold=True, color="#b71c1c", priority=86),
    "normal": LabelStyle(size=8.5, color="#0d47a1", priority=75),
    "stale": LabelStyle(size=8.0, color="#78909c", priority=40),
}


def rain_colour(mm: float) -> str:
    """The ramp's fill for ``mm`` of rain in 24 h."""
    colour = RAIN_RAMP[0][1]
    for lower, fill in RAIN_RAMP:
        if mm >= lower:
            colour = fill
    return colour

# Operations as of the slider's moment, drawn over the layers by the operations overlay
# (desktop) and into the web page: one set of colours for both.
#: Incident status: a red halo ring while out of control, a green ring once controlled,
#: the kind's shape in grey once closed.
INCIDENT_STATUS_STYLE = {
    "uncontrolled": Symbol(fill="#ff17443d", stroke="#d50000", stroke_width=2.5),
    "controlled": Symbol(fill=None, stroke="#2e7d32", stroke_width=2.0),
    "closed": Symbol(fill="#9e9e9e", stroke="#ffffff", stroke_width=1.0),
}
#: A dike section once its incident is controlled or closed (thick red while out of control: the layer's own).
SECTION_CONTROLLED = Symbol(stroke="#8d9e8b", stroke_width=2.0, dash=(4, 3))
#: Incident labels by status (closed incidents carry none): the name and the age since the report.
INCIDENT_LABELS = {
    "uncontrolled": LabelStyle(size=9.5, bold=True, color="#b71c1c", priority=88),
    "controlled": LabelStyle(size=8.5, color="#33691e", priority=58),
}
#: A force sent to an incident: solid when the force has nobody left, dashed while people are free.
DISPATCH_LINKS = {
    "full": Symbol(stroke="#4a148c", stroke_width=2.6, casing="#ffffff"),
    "free": Symbol(stroke="#7b1fa2", stroke_width=2.0, dash=(6, 3), casing="#ffffff"),
}
#: The personnel sent, on the link ("30人").
DISPATCH_LABEL = LabelStyle(size=8, bold=True, color="#4a148c", priority=58)
#: Village fill by the highest active warning reaching it (预警级别 IV-I).
WARNING_COLOURS = {"blue": "#1e88e5", "yellow": "#fdd835", "orange": "#fb8c00", "red": "#e53935"}
#: The village marker under a warning (its fill is the level's colour).
WARNED_VILLAGE = Symbol(fill="#e53935", stroke="#37474f", stroke_width=1.0, shape="circle", size=10)
#: A direct recipient not answered after the time limit (叫应超时): a dashed red ring.
UNANSWERED_RING = Symbol(fill=None, stroke="#d50000", stroke_width=2.0, dash=(3, 2))

BASEMAP = {
    "background": "#e8eef3",
    "land": "#f8f6f0",
    "county_stroke": "#8d8d8d",
    "city_stroke": "#5f6b73",
    "county_label": "#7a7a7a",
}

def parse_color(text: str) -> tuple[int, int, int, int]:
    """``#rrggbb[aa]`` to an (r, g, b, a) tuple."""
    t = text.lstrip("#")
    r, g, b = int(t[0:2], 16), int(t[2:4], 16), int(t[4:6], 16)
    a = int(t[6:8], 16) if len(t) == 8 else 255
    return r, g, b, a


#: What each layer key draws, for legends (desktop and HTML) to choose the swatch.
SWATCH_KIND = {
    "storage_areas": "polygon",
    "rivers": "line",
    "reservoirs": "point",
    "reservoir_areas": "polygon",
    "hazards": "point",
    "waterlogging": "point",
    "forces": "point",
    "depots": "point",
    "shelters": "point",
    "villages": "point",
    "village_areas": "polygon",
    "incidents": "point",
    "incident_sections": "line",
    "stations": "point",
}


def _regular(n: int, r: float, start: float = -math.pi / 2) -> list[tuple[float, float]]:
    return [
        (r * math.cos(start + 2 * math.pi * i / n), r * math.sin(start + 2 * math.pi * i / n))
        for i in range(n)
    ]


def shape_rings(shape: str, r: float) -> list[list[tuple[float, float]]]:
    """The outline of a marker of radius ``r`` centred on the origin: one list of rings per shape.

    The one definition of the marker shapes: the desktop painter, the web map
    and the KMZ icons all draw these (a circle is drawn as a circle).
    """
    if shape == "square":
        s = r * 0.9
        return [[(-s, -s), (s, -s), (s, s), (-s, s)]]
    if shape == "triangle":
        return [[(0, -r), (r * 0.95, r * 0.75), (-r * 0.95, r * 0.75)]]
    if shape == "diamond":
        return [[(0, -r), (r * 0.8, 0), (0, r), (-r * 0.8, 0)]]
    if shape == "pentagon":
        return [_regular(5, r)]
    if shape == "hexagon":
        return [_regular(6, r, 0.0)]
    if shape == "star":
        pts = []
        for i in range(10):
            rr = r if i % 2 == 0 else r * 0.45
            a = -math.pi / 2 + math.pi * i / 5
            pts.append((rr * math.cos(a), rr * math.sin(a)))
        return [pts]
    if shape == "house":
        return [[
            (0, -r), (r, -r * 0.1), (r * 0.75, -r * 0.1), (r * 0.75, r * 0.85),
            (-r * 0.75, r * 0.85), (-r * 0.75, -r * 0.1), (-r, -r * 0.1),
        ]]
    if shape == "cross":
        w = r * 0.35
        return [[
            (-w, -r), (w, -r), (w, -w), (r, -w), (r, w), (w, w),
            (w, r), (-w, r), (-w, w), (-r, w), (-r, -w), (-w, -w),
        ]]
    if shape == "flag":
        return [
            [(-r * 0.8, -r), (-r * 0.65, -r), (-r * 0.65, r), (-r * 0.8, r)],
            [(-r * 0.65, -r), (r, -r * 0.55), (-r * 0.65, -r * 0.1)],
        ]
    raise ValueError(f"unknown marker shape {shape!r}")
