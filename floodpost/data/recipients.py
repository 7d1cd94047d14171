"""Who a warning is carried to (预警叫应): the recipients of one ``warnings`` row.

A warning goes down the chain 市 → 县 → 乡 → 村, or to the responsible persons
of chosen features. Each recipient is written as one key, and a warning's
``recipients`` cell holds its keys separated by "；" so that QGIS, a
spreadsheet and an officer all read the same list:

- ``淇县`` a county, ``淇县/北阳镇`` a township, ``淇县/北阳镇/油城村`` a village
  (a path: village names repeat across townships, the path does not);
- ``hazards:石林村滑坡`` the responsible person of a feature (``layer:name``).

Each recipient answers (or not) on its own: an ``acknowledgements`` row names
the warning and the recipient key.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: What separates recipients in a cell (the Chinese and the ASCII semicolon, a new line).
_SPLIT = re.compile(r"[；;\n\r]+")
SEPARATOR = "；"
#: Layers whose features a warning may go to (their responsible person answers).
FEATURE_LAYERS = ("hazards", "reservoirs", "waterlogging", "rivers", "storage_areas", "villages")


@dataclass(frozen=True)
class Recipient:
    """One parsed recipient key."""

    key: str
    kind: str  # "county", "township", "village" or "feature"
    county: str = ""
    township: str = ""
    village: str = ""
    layer: str = ""
    name: str = ""

    def covers(self, county: Any, township: Any = None, village: Any = None) -> bool:
        """Whether a warning to this recipient reaches a village at ``county/township/village``.

        A county's warning reaches all its townships and villages; a feature
        recipient covers no area.
        """
        if self.kind == "feature":
            return False
        if _text(county) != self.county:
            return False
        if self.kind == "county":
            return True
        if _text(township) != self.township:
            return False
        return self.kind == "township" or _text(village) == self.village


def _text(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return str(v).strip()


def split(cell: Any) -> list[str]:
    """The recipient keys of a ``recipients`` cell, in order, each once, blanks dropped."""
    return list(_split(_text(cell)))


@functools.lru_cache(maxsize=256)
def _split(text: str) -> tuple[str, ...]:
    # kept per cell: a season's warnings name a thousand villages each, and the tally window and the
    # engine split the same few dozen cells again after every entry
    out: dict[str, None] = {}
    for part in _SPLIT.split(text):
        key = normalise(part)
        if key:
            out[key] = None
    return tuple(out)


def join(keys: Iterable[str]) -> str:
    """A ``recipients`` cell from keys (each once, in order)."""
    return SEPARATOR.join(dict.fromkeys(k for k in (normalise(k) for k in keys) if k))


def normalise(key: str) -> str:
    """One key as stored: no spaces around its parts, "／" and "\\" read as "/"."""
    key = _text(key).replace("／", "/").replace("\\", "/").replace("：", ":")
    if ":" in key:
        layer, _, name = key.partition(":")
        return f"{layer.strip()}:{name.strip()}" if name.strip() else ""
    return "/".join(p.strip() for p in key.split("/") if p.strip())


@functools.lru_cache(maxsize=1 << 16)
def parse(key: str) -> Recipient:
    """What a key names; a path longer than three parts keeps its first three.

    Kept per key (``Recipient`` is frozen): a season's warnings name the same
    15,000 villages at every slider step.
    """
    key = normalise(key)
    if ":" in key:
        layer, _, name = key.partition(":")
        return Recipient(key, "feature", layer=layer, name=name)
    parts = key.split("/")
    if len(parts) == 1:
        return Recipient(key, "county", county=parts[0])
    if len(parts) == 2:
        return Recipient(key, "township", county=parts[0], township=parts[1])
    return Recipient(key, "village", county=parts[0], township=parts[1], village=parts[2])


def village_key(county: Any, township: Any, name: Any) -> str:
    """The key of a village (or of its township, or county, when the finer parts are missing)."""
    return normalise("/".join(p for p in (_text(county), _text(township), _text(name)) if p))


def feature_key(layer: str, name: Any) -> str:
    return f"{layer}:{_text(name)}"


def label(key: str, layer_names: Mapping[str, str] | None = None) -> str:
    """A key for people: ``淇县 北阳镇 油城村``, ``地质灾害隐患点：石林村滑坡``."""
    r = parse(key)
    if r.kind == "feature":
        layer = (layer_names or {}).get(r.layer, r.layer)
        return f"{layer}：{r.name}"
    return " ".join(p for p in (r.county, r.township, r.village) if p)


def villages_covered(keys: Iterable[str], villages: Iterable[tuple[Any, Any, Any]]) -> list[int]:
    """Indexes of the (county, township, name) villages that any of ``keys`` reaches."""
    parsed = [parse(k) for k in keys]
    areas = [r for r in parsed if r.kind != "feature"]
    return [i for i, (c, t, v) in enumerate(villages) if any(r.covers(c, t, v) for r in areas)]
