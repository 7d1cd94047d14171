"""How old each figure is: the newest report behind it, against how often one is expected.

A headline figure ("已转移 12,345 人") is only as good as its newest report. At
3 a.m. in the third week an officer must see at a glance that the materials
figure is nine hours old while evacuation came in ten minutes ago. Each figure
names the timed tables it is made of; its age at a moment is the moment less
the newest report of those tables at or before it (``Situation.reported``),
and it is stale when that is longer than the tables' expected interval
(``TableSchema.report_hours``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any

from floodpost.data.schema import schema_for

#: Headline figure -> the tables its newest report is taken from.
FIGURE_SOURCES: dict[str, tuple[str, ...]] = {
    "evacuation": ("evacuation",),
    "forces": ("forces",),
    "materials": ("material_tally",),
    "works": ("works",),
    "incidents": ("incidents", "incident_status"),
    "dispatch": ("dispatches",),
    "warnings": ("warnings", "acknowledgements"),
    "water": ("readings",),
}


@dataclass(frozen=True)
class Age:
    """A figure's newest report and how old it is at the moment asked."""

    latest: str  # stored text
    minutes: float
    stale: bool
    expected_hours: float | None


def _ms(text: str) -> int:
    dt = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return int(dt.timestamp() * 1000)


def expected_hours(tables: tuple[str, ...]) -> float | None:
    """The shortest expected interval of ``tables`` (None: no report is expected)."""
    hours = [h for h in (schema_for(k).report_hours for k in tables) if h]
    return min(hours) if hours else None


def figure_age(figure: str, reported: dict[str, str], at: str, now: str | None = None) -> Age | None:
    """The age of ``figure`` at ``at`` from a moment's ``reported`` (None: no report yet).

    ``now``: when the moment is the live end, the wall clock (a figure keeps
    ageing after its last report); otherwise the age is measured at ``at``.
    """
    tables = FIGURE_SOURCES.get(figure, (figure,))
    times = [reported[k] for k in tables if reported.get(k)]
    if not times:
        return None
    latest = max(times, key=_ms)
    ref = _ms(now) if now else _ms(at)
    minutes = max(0.0, (ref - _ms(latest)) / 60_000)
    hours = expected_hours(tables)
    return Age(latest, minutes, hours is not None and minutes > hours * 60, hours)


def ages(reported: dict[str, str], at: str, now: str | None = None) -> dict[str, Age]:
    """Every headline figure's age that has a report by ``at``."""
    out = {}
    for figure in FIGURE_SOURCES:
        a = figure_age(figure, reported, at, now)
        if a is not None:
            out[figure] = a
    return out


def as_json(reported: dict[str, str], at: str, now: str | None = None) -> dict[str, Any]:
    """``info --json``'s ages: figure -> {latest, minutes, stale}."""
    return {k: {"latest": a.latest, "minutes": round(a.minutes, 1), "stale": a.stale,
                "expected_hours": a.expected_hours} for k, a in ages(reported, at, now).items()}
