"""Water and rain as of any moment: gauges against their levels, crossing events, rain totals.

The rules, each a plain reading of the records (the tests recompute them literally):

- **A reading** belongs to the station it names and holds from its
  ``reported_at``. Two readings of a station at the same time: the one entered
  later is the correction and the only one read. Readings may arrive in any
  order; they are always read in time order.
- **A level station's state** at T is that of its latest level at or before T,
  against its thresholds: a river gauge's 警戒 (warning) and 保证 (guaranteed),
  a reservoir gauge's 汛限 (flood-limit), 设计 (design) and 校核 (check). A
  level is over a threshold when it is *above* it (at the level itself it has
  reached, not exceeded it). The tiers: over the first threshold (超警 / 超汛限)
  is tier 1, over the second (超保 / 超设计) tier 2, over 校核 tier 3.
- **The margin** is the level less the highest threshold passed (or, below all,
  less the lowest: negative), as the bulletins say it: "超警0.42米".
- **Rising fast**: the rise from the level before, per hour, is at least the
  station's rate (default :data:`RISE_RATE`); it holds until the next level.
- **Stale**: no reading for longer than the station's interval (default
  :data:`REPORT_HOURS`); the last state is still shown, greyed, with its age.
- **Crossing events**: walking a station's levels in time order, each time a
  threshold is passed upwards ("up") or the level is back at or under it
  ("down"), at the time of the reading that shows it, with the level and margin.
  A station whose first reading is already over a threshold has an "up" there.
  Events are derived, never stale: a late reading that changes the story
  changes the events, on every workstation alike.
- **Alerts**: an up event is an alert until the duty officer acknowledges it
  (an ``alert_acks`` record naming the station, threshold, direction and the
  event's time); down events are listed, needing nobody's answer.
- **Rain**: a reading's ``rain`` fell in the period ending at its time; the
  accumulation over h hours at T sums the rain read in (T - h, T].

How it stays cheap: each station's readings are a sorted list; a new reading
recomputes that station only (its steps in the sums taken off and put on
again), so a moment is a binary search per station and the curves one sampling.
"""

from __future__ import annotations

import bisect
import functools
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import numpy as np

from floodpost.data.schema import THRESHOLDS

#: The record tables and layer this part of the fold reads.
KEYS = ("stations", "readings", "alert_acks")
#: A level rising this fast (m/h) or faster is "rising fast" unless the station says otherwise.
RISE_RATE = 0.3
#: A station with no reading for this long (h) is stale unless it says otherwise.
REPORT_HOURS = 6.0
#: The rain totals a moment gives (hours).
RAIN_HOURS = (1, 3, 6, 24)
HOUR_MS = 3_600_000
MINUTE_MS = 60_000

#: Thresholds by station kind, lowest tier first: (code, the station's field).
LEVELS_BY_KIND = {
    "river": (("warning", "warning_level"), ("guaranteed", "guaranteed_level")),
    "reservoir": (("flood_limit", "flood_limit_level"), ("design", "design_level"), ("check", "check_level")),
}
THRESHOLD_CODES = tuple(c.code for c in THRESHOLDS)
#: A moment's sums: stations reporting, over tier 1/2/3, rising fast, stale, alerts waiting.
SUM_NAMES = ("reporting", "over_warning", "over_guaranteed", "over_check", "rising", "stale")
STATES = ("normal", "over_warning", "over_guaranteed", "over_check")


def _float(v: Any) -> float | None:
    if v is None or v == "":
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _text(v: Any) -> str:
    return "" if v is None else str(v).strip()


@dataclass
class Station:
    """One gauge: what it is measured against."""

    name: str
    kind: str
    fid: int | None = None
    river: str = ""
    reservoir: str = ""
    county: str = ""
    #: (threshold code, value), in ascending tiers; thresholds left blank are skipped
    levels: tuple[tuple[str, float], ...] = ()
    rise_rate: float = RISE_RATE
    report_hours: float = REPORT_HOURS

    @classmethod
    def of(cls, row: dict[str, Any]) -> Station:
        kind = _text(row.get("kind")) or "river"
        levels = []
        for code, fieldname in LEVELS_BY_KIND.get(kind, ()):
            v = _float(row.get(fieldname))
            if v is not None:
                levels.append((code, v))
        rate = _float(row.get("rise_rate"))
        hours = _float(row.get("report_hours"))
        fid = row.get("fid")
        return cls(_text(row.get("name")), kind, int(fid) if fid is not None else None,
                   _text(row.get("river")), _text(row.get("reservoir")), _text(row.get("county")),
                   tuple(levels), rate if rate else RISE_RATE, hours if hours else REPORT_HOURS)


@dataclass(frozen=True)
class Crossing:
    """A level passing one of the station's thresholds, up or down, at a reading's time."""

    station: str
    threshold: str
    direction: str  # "up" | "down"
    ms: int
    level: float
    value: float  # the threshold's level

    @property
    def margin(self) -> float:
        return round(self.level - self.value, 3)

    @property
    def key(self) -> tuple[str, str, str, int]:
        return (self.station, self.threshold, self.direction, self.ms)


def tier_of(levels: tuple[tuple[str, float], ...], level: float) -> int:
    """How many of the thresholds ``level`` is above (0 below all)."""
    return sum(1 for _, v in levels if level > v)


def margin_of(levels: tuple[tuple[str, float], ...], level: float) -> tuple[str | None, float | None]:
    """The threshold a margin is measured from and the margin: the highest passed, else the lowest."""
    if not levels:
        return None, None
    passed = [(c, v) for c, v in levels if level > v]
    code, value = passed[-1] if passed else levels[0]
    return code, round(level - value, 3)


def crossings(station: Station, levels: Iterable[tuple[int, float]]) -> list[Crossing]:
    """The crossing events of a station's levels in time order (the definition; one pass)."""
    out: list[Crossing] = []
    above = {code: False for code, _ in station.levels}
    for ms, level in levels:
        for code, value in station.levels:
            now = level > value
            if now != above[code]:
                out.append(Crossing(station.name, code, "up" if now else "down", ms, level, value))
                above[code] = now
    return out


def _crossings(station: Station, level_ms: list[int], level_v: list[float], above: np.ndarray) -> list[Crossing]:
    """:func:`crossings` from each level's comparison with each threshold (same events, same order)."""
    was = np.zeros_like(above)
    was[1:] = above[:-1]
    out = []
    for k, c in zip(*np.nonzero(above != was), strict=True):  # by reading, then by threshold
        code, value = station.levels[c]
        out.append(Crossing(station.name, code, "up" if above[k, c] else "down", level_ms[k], level_v[k], value))
    return out


def _sum_deltas(station: Station, ms: np.ndarray, has_level: np.ndarray, level_ms: np.ndarray,
                level_v: np.ndarray, above: np.ndarray) -> list[tuple[int, tuple[float, ...]]]:
    """A station's changes to the sums (``SUM_NAMES``) at its readings' times: reporting from its first
    reading, its tier and rising fast from each level on, stale a millisecond past its interval."""
    n = len(ms)
    tier = above.sum(axis=1)
    rising = np.zeros(len(level_ms), dtype=bool)
    if len(level_ms) > 1:
        hours = (level_ms[1:] - level_ms[:-1]) / HOUR_MS
        with np.errstate(divide="ignore", invalid="ignore"):
            rate = np.where(hours > 0, (level_v[1:] - level_v[:-1]) / hours, 0.0)
        fast = rate >= station.rise_rate
        # :func:`_rate` rounds to 1e-9 m/h: where that can tip the comparison, it decides
        near = np.flatnonzero(np.abs(rate - station.rise_rate) < 1e-6)
        for j in near.tolist():
            fast[j] = _rate(int(level_ms[j]), float(level_v[j]), int(level_ms[j + 1]),
                            float(level_v[j + 1])) >= station.rise_rate
        rising[1:] = fast
    last = np.cumsum(has_level) - 1  # each reading's latest level (-1: none yet)
    known = last >= 0
    at = np.where(known, last, 0)
    tier_now = np.where(known, tier[at] if len(tier) else 0, 0)
    vectors = np.zeros((n, len(SUM_NAMES)), dtype=np.float64)
    vectors[:, 0] = 1.0
    vectors[:, 1] = tier_now >= 1
    vectors[:, 2] = tier_now >= 2
    vectors[:, 3] = tier_now >= 3
    vectors[:, 4] = known & (rising[at] if len(rising) else False)
    stale_ms = int(station.report_hours * HOUR_MS)
    gone = np.ones(n, dtype=bool)  # silent longer than the interval before the next reading (or none)
    gone[:-1] = ms[1:] - ms[:-1] > stale_ms + 1
    times = np.empty(2 * n, dtype=np.int64)  # each reading's point, then its stale point if it goes stale
    times[0::2], times[1::2] = ms, ms + stale_ms + 1
    points = np.repeat(vectors, 2, axis=0)
    points[1::2, 5] = 1.0
    keep = np.ones(2 * n, dtype=bool)
    keep[1::2] = gone
    times, points = times[keep], points[keep]
    change = np.diff(points, axis=0, prepend=np.zeros((1, points.shape[1])))
    moved = change.any(axis=1)
    return list(zip(times[moved].tolist(), map(tuple, change[moved].tolist()), strict=True))


#: A station's readings as columns, in (ms, fid) order: times, fids; level, flow, storage and rain as
#: floats (NaN: not given); sources as texts.
Columns = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray, list[str]]


@dataclass
class _Series:
    """One station's readings, in time order, a same-time correction replacing the earlier entry."""

    #: (ms, fid, level, flow, storage, rain, source) sorted by (ms, fid)
    rows: list[tuple[int, int, float | None, float | None, float | None, float | None, str]] = field(
        default_factory=list)
    #: the readings as a build read them (:data:`Columns`), in place of ``rows`` until one is entered:
    #: a season's 50,000 readings made into tuples, then each gauge's back into arrays, took 40 ms
    columns: Columns | None = None
    # derived, kept in step with rows by _derive
    level_ms: list[int] = field(default_factory=list)
    level_v: list[float] = field(default_factory=list)
    rain_ms: list[int] = field(default_factory=list)
    rain_cum: list[float] = field(default_factory=list)  # running sum after each rain reading
    last_ms: list[int] = field(default_factory=list)  # every reading's time (any figure)
    #: for each effective row, the latest (flow, storage) given at or before it: a moment is one lookup
    carried: list[tuple[float | None, float | None]] = field(default_factory=list)
    events: list[Crossing] = field(default_factory=list)

    def put(self, row: tuple[Any, ...]) -> None:
        if self.columns is not None:
            ms, fid, *figures, sources = self.columns
            self.rows = list(zip(ms.tolist(), fid.tolist(), *map(_given, figures), sources, strict=True))
            self.columns = None
        bisect.insort(self.rows, row, key=lambda e: (e[0], e[1]))

    def effective(self) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """(ms, level, flow, storage, rain) with one row per time, the one entered last (NaN: not given)."""
        if self.columns is not None:
            ms, _, level, flow, storage, rain, _ = self.columns
            last = np.ones(len(ms), dtype=bool)
            last[:-1] = ms[1:] != ms[:-1]
            return ms[last], level[last], flow[last], storage[last], rain[last]
        out: list[tuple[Any, ...]] = []
        for r in self.rows:
            if out and out[-1][0] == r[0]:
                out[-1] = r
            else:
                out.append(r)
        cols = list(zip(*out, strict=True)) if out else [()] * 7
        # None reads as NaN
        return (np.array(cols[0], dtype=np.int64), *(np.array(cols[i], dtype=np.float64) for i in (2, 3, 4, 5)))


def _given(values: np.ndarray) -> list[float | None]:
    """Floats as the rows hold them: None where not given (NaN)."""
    out = values.astype(object)
    out[np.isnan(values)] = None
    return out.tolist()


def _carried(values: np.ndarray) -> list[float | None]:
    """Each row's latest value given at or before it (None before the first)."""
    at = np.maximum.accumulate(np.where(np.isnan(values), -1, np.arange(len(values))))
    return _given(np.where(at >= 0, values[np.maximum(at, 0)], np.nan))


@dataclass
class Water:
    """Water and rain at one moment (``at`` in ms)."""

    at: int
    sums: np.ndarray
    #: every station with its state (details only): name, kind, level, tier, state, margin, …
    stations: list[dict[str, Any]] = field(default_factory=list)
    #: the stations over their first threshold, highest tier and margin first (always filled)
    over: list[dict[str, Any]] = field(default_factory=list)
    #: crossing events up to the moment, newest first, with their acknowledgement (details only)
    events: list[dict[str, Any]] = field(default_factory=list)
    #: up events not acknowledged by the moment
    unacknowledged: int = 0
    #: the wettest station's rain in the last 24 h: (name, mm)
    rain_max: tuple[str, float] | None = None
    #: the newest reading at or before the moment (ms), of any station
    latest_ms: int | None = None

    def totals(self) -> dict[str, Any]:
        """``info --json``'s water figures: counts, the stations over warning, alerts, the wettest gauge."""
        s = self.sums
        out: dict[str, Any] = {name: int(s[i]) for i, name in enumerate(SUM_NAMES)}
        out["over"] = [{k: o[k] for k in ("station", "kind", "river", "reservoir", "level", "threshold",
                                            "margin", "tier", "observed_at", "rising", "stale")} for o in self.over]
        out["alerts_unacknowledged"] = self.unacknowledged
        if self.rain_max is not None:
            out["rain_max_24h"] = {"station": self.rain_max[0], "mm": self.rain_max[1]}
        return out


class WaterFold:
    """The fold of stations, readings and alert acknowledgements; kept current reading by reading."""

    def __init__(self, stations: list[dict[str, Any]], tables: dict[str, list[dict[str, Any]]],
                 ms: Callable[[Any], int], readings: dict[str, Columns] | None = None) -> None:
        """``readings``, when given, replaces ``tables["readings"]``: each station's readings (by its
        name as cleaned) as :data:`Columns`, from the table's columns (a season's 50,000 readings
        without a dict, or a look at their names, each)."""
        from floodpost.data.situation.operations import _Contrib

        self._ms = ms
        self.stations: dict[str, Station] = {}
        for row in stations:
            st = Station.of(row)
            if st.name and st.name not in self.stations:  # a name twice: the first drawn is the gauge
                self.stations[st.name] = st
        self.series: dict[str, _Series] = {}
        #: event key -> acknowledgements (ms, fid, row), in time order
        self.acks: dict[tuple[str, str, str, int], list[tuple[int, int, dict[str, Any]]]] = {}
        self.sums = _Contrib(len(SUM_NAMES))
        self.alerts = _Contrib(1)
        if readings is None:
            for r in tables.get("readings", []):
                self._put_reading(r, sort=False)
            for series in self.series.values():  # one sort per gauge, not an insert per reading
                series.rows.sort(key=lambda e: (e[0], e[1]))
        else:
            for name, columns in readings.items():
                self.series[name] = _Series(columns=columns)
        for r in tables.get("alert_acks", []):
            self._put_ack(r)
        for name in self.series:
            self._derive(name)
        self.sums.finish()
        self.alerts.finish()

    # ------------------------------------------------------------ records in
    def _put_reading(self, r: dict[str, Any], sort: bool = True) -> str:
        name = _text(r.get("station"))
        t = self._ms(r.get("reported_at"))
        row = (t, int(r.get("fid") or 0), _float(r.get("level")), _float(r.get("flow")), _float(r.get("storage")),
               _float(r.get("rain")), _text(r.get("source")))
        series = self.series.setdefault(name, _Series())
        if sort:
            series.put(row)
        else:
            series.rows.append(row)
        return name

    def _put_ack(self, r: dict[str, Any]) -> tuple[str, str, str, int]:
        key = (_text(r.get("station")), _text(r.get("threshold")), _text(r.get("direction")),
               self._ms(r.get("event_at")))
        seq = self.acks.setdefault(key, [])
        bisect.insort(seq, (self._ms(r.get("reported_at")), int(r.get("fid") or 0), r), key=lambda e: (e[0], e[1]))
        return key

    def add(self, key: str, r: dict[str, Any]) -> bool:
        """Fold one new record in; False when only a rebuild can take it (a station's own change)."""
        if key == "readings":
            self._derive(self._put_reading(r))
        elif key == "alert_acks":
            ack = self._put_ack(r)
            series = self.series.get(ack[0])
            if series is not None:
                self._alert_steps(ack[0], series)
        else:
            return False
        return True

    # ------------------------------------------------------------ a station's derived steps
    def _derive(self, name: str) -> None:
        """A station's lists for the moments, its crossings and its steps in the sums, worked out with
        arrays: a season's 126 gauges and 50,000 readings took 0.29 s one reading at a time."""
        series = self.series[name]
        station = self.stations.get(name)
        ms, level, flow, storage, rain = series.effective()
        series.last_ms = ms.tolist()
        series.carried = list(zip(_carried(flow), _carried(storage), strict=True))
        has_level = ~np.isnan(level)
        level_ms, level_v = ms[has_level], level[has_level]
        series.level_ms, series.level_v = level_ms.tolist(), level_v.tolist()
        has_rain = ~np.isnan(rain)
        series.rain_ms = ms[has_rain].tolist()
        series.rain_cum = np.cumsum(rain[has_rain]).tolist()  # in order, as a running sum: the same sums
        if station is None:  # readings of a name no station has: kept, shown as unmatched, not counted
            series.events = []
            self.sums.set(name, [])
            self.alerts.set(name, [])
            return
        thresholds = np.array([v for _, v in station.levels], dtype=np.float64)
        above = level_v[:, None] > thresholds[None, :]  # each level against each threshold
        series.events = _crossings(station, series.level_ms, series.level_v, above)
        self.sums.set_deltas(name, _sum_deltas(station, ms, has_level, level_ms, level_v, above))
        self._alert_steps(name, series)

    def _alert_steps(self, name: str, series: _Series) -> None:
        points: list[tuple[int, tuple[float, ...]]] = []
        deltas: list[tuple[int, float]] = []
        for ev in series.events:
            if ev.direction != "up":
                continue
            deltas.append((ev.ms, 1.0))
            acked = self.acks.get(ev.key)
            if acked:
                deltas.append((max(acked[0][0], ev.ms), -1.0))
        deltas.sort()
        running = 0.0
        for t, d in deltas:
            running += d
            if points and points[-1][0] == t:
                points[-1] = (t, (running,))
            else:
                points.append((t, (running,)))
        self.alerts.set(name, points)

    # ------------------------------------------------------------ a moment
    def station_state(self, name: str, t: int) -> dict[str, Any] | None:
        """A station at ``t``: its latest level and what it means, its rain totals and age; None unknown."""
        station = self.stations.get(name)
        if station is None:
            return None
        series = self.series.get(name) or _Series()
        out: dict[str, Any] = {
            "station": name, "fid": station.fid, "kind": station.kind, "river": station.river,
            "reservoir": station.reservoir, "county": station.county,
            "thresholds": dict(station.levels), "level": None, "flow": None, "storage": None,
            "observed_at": None, "observed_ms": None, "age_min": None, "tier": 0, "state": "no_reading",
            "threshold": None, "margin": None, "rising": False, "rate": None, "stale": True,
            "rain": {h: 0.0 for h in RAIN_HOURS},
        }
        i = bisect.bisect_right(series.last_ms, t) - 1
        if i < 0:
            return out
        last = series.last_ms[i]
        out["observed_ms"] = last
        out["observed_at"] = stored_text(last)
        out["age_min"] = max(0.0, (t - last) / MINUTE_MS)
        out["stale"] = t - last > station.report_hours * HOUR_MS
        out["flow"], out["storage"] = series.carried[i]  # the latest reading giving each (corrected entries unread)
        j = bisect.bisect_right(series.level_ms, t) - 1
        if j >= 0:
            level = series.level_v[j]
            tier = tier_of(station.levels, level)
            out["level"] = level
            out["level_ms"] = series.level_ms[j]
            out["tier"] = tier
            out["state"] = STATES[min(tier, 3)] if station.levels else "normal"
            out["threshold"], out["margin"] = margin_of(station.levels, level)
            if j > 0:
                rate = _rate(series.level_ms[j - 1], series.level_v[j - 1], series.level_ms[j], level)
                out["rate"] = round(rate, 3)
                out["rising"] = rate >= station.rise_rate
        elif station.kind != "rain":
            out["state"] = "no_reading"
        else:
            out["state"] = "normal"
        for h in RAIN_HOURS:
            out["rain"][h] = self._rain(series, t, h)
        return out

    @staticmethod
    def _rain(series: _Series, t: int, hours: float) -> float:
        hi = bisect.bisect_right(series.rain_ms, t) - 1
        if hi < 0:
            return 0.0
        lo = bisect.bisect_right(series.rain_ms, t - int(hours * HOUR_MS)) - 1
        total = series.rain_cum[hi] - (series.rain_cum[lo] if lo >= 0 else 0.0)
        return round(total, 1)

    def events(self, t: int | None = None) -> list[Crossing]:
        """Every crossing up to ``t`` (all without), in time order."""
        out = [e for s in self.series.values() for e in s.events if t is None or e.ms <= t]
        out.sort(key=lambda e: (e.ms, e.station, THRESHOLD_CODES.index(e.threshold), e.direction))
        return out

    def acknowledgement(self, event: Crossing, t: int) -> dict[str, Any] | None:
        """The first acknowledgement of ``event`` at or before ``t``."""
        for ms, _, row in self.acks.get(event.key, []):
            if ms <= t:
                return {**row, "ack_ms": ms}
        return None

    def at(self, t: int, details: bool = True) -> Water:
        """The moment ``t`` (ms). The stations over warning are always listed (they are few)."""
        water = Water(at=t, sums=self.sums.at(t), unacknowledged=int(round(self.alerts.at(t)[0])))
        latest = None
        rain_max: tuple[str, float] | None = None
        for name in sorted(self.stations):
            series = self.series.get(name)
            if series is None:
                if details:
                    water.stations.append(self.station_state(name, t))
                continue
            i = bisect.bisect_right(series.last_ms, t) - 1
            if i < 0 and not details:
                continue
            if i >= 0:
                latest = max(latest or series.last_ms[i], series.last_ms[i])
            j = bisect.bisect_right(series.level_ms, t) - 1
            over = j >= 0 and tier_of(self.stations[name].levels, series.level_v[j]) > 0
            wet = bool(series.rain_ms) and series.rain_ms[0] <= t
            if not (details or over or wet):
                continue
            state = self.station_state(name, t)
            if state is None:
                continue
            if details:
                water.stations.append(state)
            if state["tier"] > 0:
                water.over.append(state)
            mm = state["rain"][24]
            if mm > 0 and (rain_max is None or mm > rain_max[1]):
                rain_max = (name, mm)
        water.over.sort(key=lambda s: (-s["tier"], -(s["margin"] or 0.0), s["station"]))
        water.rain_max = rain_max
        water.latest_ms = latest
        if details:
            for ev in reversed(self.events(t)):
                ack = self.acknowledgement(ev, t)
                water.events.append({
                    "station": ev.station, "threshold": ev.threshold, "direction": ev.direction, "ms": ev.ms,
                    "at": stored_text(ev.ms),
                    "level": ev.level, "value": ev.value, "margin": ev.margin,
                    "acknowledged": ack is not None, "ack": ack,
                })
            # waiting alerts first (newest first), then the rest newest first
            water.events.sort(key=lambda e: (not (e["direction"] == "up" and not e["acknowledged"]), -e["ms"]))
        return water

    def hydrograph(self, name: str) -> dict[str, Any]:
        """A station's whole record for its chart: times (ms) and levels, flows, rain; its thresholds."""
        series = self.series.get(name) or _Series()
        ms, level, flow, storage, rain = series.effective()
        station = self.stations.get(name)
        return {
            "ms": ms, "level": level, "flow": flow, "storage": storage, "rain": rain,
            "thresholds": dict(station.levels) if station else {},
            "events": list(series.events),
        }

    def unmatched(self) -> list[str]:
        """Station names readings give that no station has (an import's report, the identify panel)."""
        return sorted(n for n in self.series if n not in self.stations)

    def series_at(self, times: np.ndarray, ordered: bool = False) -> dict[tuple[str, ...], np.ndarray]:
        """Curves at ``times`` (``ordered``: ascending): stations over each tier, rising, stale; alerts waiting."""
        out: dict[tuple[str, ...], np.ndarray] = {}
        s = self.sums.sample(times, ordered)
        for i, k in enumerate(SUM_NAMES):
            out[("water", k)] = s[:, i]
        out[("water", "alerts_unacknowledged")] = self.alerts.sample(times, ordered)[:, 0]
        return out


@functools.lru_cache(maxsize=1 << 16)
def stored_text(ms: int) -> str:
    """Milliseconds as the workspace stores a time (UTC text, ``...T02:00:00.000Z``)."""
    dt = datetime.fromtimestamp(ms / 1000, tz=timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def _rate(t0: int, v0: float, t1: int, v1: float) -> float:
    """Metres per hour from (t0, v0) to (t1, v1); 0 for readings at one time."""
    if t1 <= t0:
        return 0.0
    # rounded: 66.00 -> 66.30 in an hour is 0.3 m/h (at the rate), not 0.29999999999999716
    return round((v1 - v0) / ((t1 - t0) / HOUR_MS), 9)


def margin_text(threshold: str | None, margin: float | None, lang: str = "zh") -> str:
    """The margin as the bulletins say it: "超警0.42米", "低于汛限0.30米" (English: "0.42 m over warning")."""
    if threshold is None or margin is None:
        return ""
    short_zh = {"warning": "警", "guaranteed": "保", "flood_limit": "汛限", "design": "设计", "check": "校核"}
    short_en = {"warning": "warning", "guaranteed": "guaranteed", "flood_limit": "flood limit",
                "design": "design", "check": "check"}
    m = abs(margin)
    if lang.startswith("zh"):
        base = short_zh.get(threshold, threshold)
        if margin > 0:
            return f"超{base}{m:.2f}米"
        if margin == 0:
            return f"平{base}"
        full = {"warning": "警戒", "guaranteed": "保证"}.get(threshold, base)
        return f"低于{full}{m:.2f}米"
    base = short_en.get(threshold, threshold)
    if margin > 0:
        return f"{m:.2f} m over {base}"
    if margin == 0:
        return f"at {base}"
    return f"{m:.2f} m below {base}"
