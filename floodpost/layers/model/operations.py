"""What the map shows of the operations at a moment, as plain data: one reading for the painter and the web page.

Which warning level reaches a village (a county's warning reaches all its
villages, a township's its own, a village's itself: :meth:`Recipient.covers`),
which recipients are late to answer, and how an incident's status is drawn.
No Qt here: :mod:`floodpost.layers.render.operations` paints these and
:mod:`floodpost.layers.output.webops` writes them into the web page.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from floodpost.data import recipients as rcp
from floodpost.data.schema.symbology import Symbol

#: Warning levels, lowest first (a village shows the highest reaching it).
LEVELS = ("blue", "yellow", "orange", "red")
#: How an incident's status is drawn: out of control, controlled, closed.
STATUS_STYLE = {"reported": "uncontrolled", "handling": "uncontrolled", "controlled": "controlled", "closed": "closed"}


def text(v: Any) -> str:
    """A cell as text: blank for missing values, stripped."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return str(v).strip()


def level_rank(level: Any) -> int:
    """0 (blue) to 3 (red); -1 for no level."""
    return LEVELS.index(level) if level in LEVELS else -1


def village_levels(warnings: list[dict[str, Any]], villages: list[tuple[Any, Any, Any]]) -> list[str | None]:
    """The highest level of ``warnings`` reaching each (county, township, name) village (None: none)."""
    reach = VillageReach(villages)
    best = np.full(len(villages), -1, dtype=np.int8)
    for w in warnings:
        np.maximum(best, reach.ranks(w), out=best)
    return [LEVELS[r] if r >= 0 else None for r in best.tolist()]


class VillageReach:
    """The villages of a list indexed once by the areas that reach them (their county, township and
    themselves), so a warning's reach is one lookup per recipient rather than a look at every village
    for each warning in force (a season's first moment: 5.6 ms, now 1.3)."""

    def __init__(self, villages: Sequence[tuple[Any, Any, Any]]) -> None:
        at: dict[tuple[str, ...], list[int]] = defaultdict(list)
        for i, (c, t, v) in enumerate(villages):
            c, t, v = text(c), text(t), text(v)
            at[(c,)].append(i)
            at[(c, t)].append(i)
            at[(c, t, v)].append(i)
        self.size = len(villages)
        self._at = {path: np.array(ix, dtype=np.int64) for path, ix in at.items()}

    def ranks(self, warning: Mapping[str, Any]) -> np.ndarray:
        """Each village's rank of the warning's level (:func:`level_rank`) where it reaches, -1 elsewhere."""
        out = np.full(self.size, -1, dtype=np.int8)
        rank = level_rank(warning.get("level"))
        if rank >= 0:
            hit = [ix for key in warning.get("recipients") or () if (ix := self._at.get(_area_path(key))) is not None]
            if hit:
                out[np.concatenate(hit)] = rank
        return out


@functools.lru_cache(maxsize=1 << 17)
def _area_path(key: str) -> tuple[str, ...] | None:
    """(county[, township[, village]]) a recipient key names, None for a feature: parsed once per key, not
    once per key at every slider step (a season's warnings name 15,000 villages)."""
    r = rcp.parse(key)
    if r.kind == "feature":
        return None
    return (r.county,) if r.kind == "county" else (r.county, r.township) if r.kind == "township" \
        else (r.county, r.township, r.village)


#: id of a warning's recipients list -> (the list, its feature recipients): see ``feature_keys``
_FEATURE_KEYS: dict[int, tuple[Any, tuple[str, ...]]] = {}


def feature_keys(recipients: Any) -> tuple[str, ...]:
    """The feature recipients (``hazards:名称``) of a warning's recipients, found once per list.

    The engine hands a warning's same list at every moment: a slider step over a
    season looked through 30,000 keys three times for the few dozen features.
    The list is kept with its answer, so its id is not taken by another meanwhile.
    """
    got = _FEATURE_KEYS.get(id(recipients))
    if got is not None and got[0] is recipients:
        return got[1]
    keys = tuple(k for k in recipients if ":" in k)
    if len(_FEATURE_KEYS) > 4096:
        _FEATURE_KEYS.clear()
    _FEATURE_KEYS[id(recipients)] = (recipients, keys)
    return keys


def feature_levels(warnings: list[dict[str, Any]], layer: str | None = None) -> dict[str, str]:
    """The highest level of the warnings sent to each feature recipient (``hazards:名称``), of ``layer`` if given."""
    best: dict[str, int] = {}
    for w in warnings:
        rank = level_rank(w.get("level"))
        if rank < 0:
            continue
        for key in feature_keys(w.get("recipients") or ()):
            if layer is None or key.startswith(f"{layer}:"):
                best[key] = max(best.get(key, -1), rank)
    return {k: LEVELS[r] for k, r in best.items()}


def late_recipients(recipients: list[dict[str, Any]], minutes: float) -> dict[str, dict[str, Any]]:
    """Recipients of active warnings not answered ``minutes`` after the issue, by key (the longest wait).

    ``recipients`` in the engine's order: the unanswered first, longest waiting first. The walk stops at
    the first that is answered or not yet late (a season's moment lists 10,000 recipients, most answered).
    """
    out: dict[str, dict[str, Any]] = {}
    for r in recipients:
        if r.get("answered_ms") is not None or float(r.get("waiting_min") or 0) < minutes:
            break
        key = str(r["recipient"])
        if key not in out or float(r["waiting_min"]) > float(out[key]["waiting_min"]):
            out[key] = r
    return out


def ring_radius(symbol: Symbol, style: str, scale: float = 1.0) -> float:
    """Radius of an incident's status ring around its marker (pixels at ``scale``)."""
    return (symbol.size / 2 + (6.0 if style == "uncontrolled" else 4.0)) * scale
