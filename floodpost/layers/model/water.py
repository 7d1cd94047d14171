"""What the map shows of a gauge at a moment, as plain data: one reading for the painter and the web page.

A level gauge (river, reservoir) is filled by its state against its
thresholds; a rain gauge by its rain of the last 24 hours on the ramp; a
gauge with no reading, or whose latest is older than its interval, is grey
(its last figure is no longer the situation). No Qt here:
:mod:`floodpost.layers.render.water` paints these and
:mod:`floodpost.layers.output.webwater` writes them into the web page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from floodpost.data.schema.symbology import (
    RAIN_RAMP,
    STATION_STATE_COLOURS,
    SYMBOLOGY,
    Symbol,
    rain_colour,
)

#: Level states in the legend's order (grey last).
STATE_ORDER = ("over_check", "over_guaranteed", "over_warning", "normal", "no_reading")


def rain_class(mm: float) -> str:
    """The ramp class of ``mm`` of rain in 24 h: its lower bound as text (``"0"``, ``"10"``, … ``"250"``)."""
    code = RAIN_RAMP[0][0]
    for lower, _ in RAIN_RAMP:
        if mm >= lower:
            code = lower
    return f"{code:g}"


@dataclass(frozen=True)
class StationMark:
    """One gauge at the moment: where, what kind, how it is filled, and what its label says."""

    lon: float
    lat: float
    name: str
    kind: str  # river / reservoir / rain
    state: str  # normal / over_warning / over_guaranteed / over_check / no_reading
    grey: bool  # no reading, or older than the station's interval
    rising: bool
    tier: int
    threshold: str | None
    margin: float | None
    level: float | None
    rain24: float
    age_min: float | None

    @classmethod
    def of(cls, state: dict[str, Any], lon: float, lat: float) -> StationMark:
        """The mark of a station state dict (:meth:`floodpost.data.situation.hydro.WaterFold.station_state`)."""
        grey = state.get("observed_ms") is None or bool(state.get("stale")) or state.get("state") == "no_reading"
        return cls(lon, lat, str(state.get("station") or ""), str(state.get("kind") or "river"),
                   str(state.get("state") or "no_reading"), grey, bool(state.get("rising")) and not grey,
                   int(state.get("tier") or 0), state.get("threshold"), state.get("margin"), state.get("level"),
                   float((state.get("rain") or {}).get(24) or 0.0), state.get("age_min"))

    @property
    def rain_gauge(self) -> bool:
        return self.kind == "rain"

    @property
    def over(self) -> bool:
        """Over its first threshold at its latest level (shown red in the label, even when the gauge is grey)."""
        return not self.rain_gauge and self.tier > 0

    @property
    def fill(self) -> str:
        """The fill of the kind's shape: grey, the rain ramp's colour, or the level state's."""
        if self.grey:
            return STATION_STATE_COLOURS["no_reading"]
        if self.rain_gauge:
            return rain_colour(self.rain24)
        return STATION_STATE_COLOURS.get(self.state, STATION_STATE_COLOURS["no_reading"])

    @property
    def code(self) -> str:
        """The legend row the mark falls in: ``state:<state>``, ``rain:<lower bound>`` or ``state:no_reading``."""
        if self.grey:
            return "state:no_reading"
        if self.rain_gauge:
            return f"rain:{rain_class(self.rain24)}"
        return f"state:{self.state}"

    @property
    def label_style(self) -> str:
        """Which of ``STATION_LABELS`` the label takes: ``over``, ``normal`` or ``stale``."""
        if self.grey:
            return "stale"
        return "over" if self.over else "normal"

    @property
    def symbol(self) -> Symbol:
        """The kind's shape and size, filled as of the moment."""
        base = SYMBOLOGY["stations"].symbol_for(self.kind)
        return Symbol(fill=self.fill, stroke=base.stroke, stroke_width=base.stroke_width, shape=base.shape,
                      size=base.size)


def ring_radius(symbol: Symbol, scale: float = 1.0) -> float:
    """Radius of the rising-fast ring around a gauge's marker (pixels at ``scale``)."""
    return (symbol.size / 2 + 4.0) * scale
