"""What another workstation changed: the log's new entries turned into the rows to show again.

A shared workspace pushes "the log has new entries"; every screen must then
show the change within seconds without reading whole layers again (a
county's layer takes seconds to read, a change touches one row). The log
says, per entry, which table and which rows: an insert or update names its
feature, an import its fid span, a delete of many its fids in the
before-values. :func:`read_changes` reads exactly those rows, through the
:class:`~floodpost.data.store.Store` protocol only, so it works the same on a
GeoPackage and on a server. Where the log cannot say which rows (an entry of
an unknown kind, a bulk change too big to be worth it row by row) the table
is marked for a full read instead: never a silent miss.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from floodpost.data.schema import ALL
from floodpost.data.store import Store, fids_in

#: More changed rows of one table than this in one catch-up: read the table whole.
ROW_LIMIT = 2000
#: Log actions on the log itself (meeting marks taken out and put back).
_MEETING_ACTIONS = ("meeting", "withdraw", "restore")


@dataclass
class Changes:
    """The rows to show again after the log entries up to ``log_fid``."""

    log_fid: int
    #: changed or new rows by key, read by fid with every column (a GeoDataFrame for layers)
    rows: dict[str, Any] = field(default_factory=dict)
    #: fids that are gone, by key
    gone: dict[str, set[int]] = field(default_factory=dict)
    #: keys to read whole (the log could not say which rows, or too many)
    full: set[str] = field(default_factory=set)
    #: a meeting was marked, withdrawn or put back
    meeting: bool = False
    #: how many log entries this covers
    entries: int = 0

    @property
    def keys(self) -> set[str]:
        """Every table this touches."""
        return set(self.rows) | set(self.gone) | self.full

    @property
    def empty(self) -> bool:
        return not self.keys and not self.meeting


def _json(text: Any) -> dict[str, Any]:
    if isinstance(text, dict):
        return text
    if not text:
        return {}
    try:
        value = json.loads(text)
    except (TypeError, ValueError):
        return {}
    return value if isinstance(value, dict) else {}


def touched_rows(store: Store, entries: list[tuple[int, str, str | None, int | None, str | None]]
                 ) -> tuple[dict[str, set[int]], set[str], bool]:
    """(fids touched by key, keys to read whole, meeting marked) of some log entries (``Store.log_since``)."""
    touched: dict[str, set[int]] = defaultdict(set)
    full: set[str] = set()
    meeting = False
    for log_fid, action, target, fid, after in entries:
        if action in _MEETING_ACTIONS or target == "situation_log":
            meeting = True
            continue
        if action == "create" or target is None:
            continue
        if target not in ALL:
            continue  # a table this version does not know: nothing of it is shown
        extra = _json(after)
        outlines = extra.get("outlines")
        if isinstance(outlines, dict) and outlines.get("layer") in ALL:
            touched[outlines["layer"]].update(int(f) for f in outlines.get("fids") or ())
        if fid is not None and action in ("insert", "update", "delete"):
            touched[target].add(int(fid))
        elif action == "import" and extra.get("first_fid") is not None and extra.get("last_fid") is not None:
            lo, hi = int(extra["first_fid"]), int(extra["last_fid"])
            if hi - lo + 1 > ROW_LIMIT:
                full.add(target)
            else:
                touched[target].update(range(lo, hi + 1))
        elif action == "delete":
            fids = _json(store.log_values(log_fid).get("before")).get("fids")
            if isinstance(fids, list):
                touched[target].update(int(f) for f in fids)
            else:
                full.add(target)
        else:
            full.add(target)
    for key, fids in touched.items():
        if len(fids) > ROW_LIMIT:
            full.add(key)
    return {k: v for k, v in touched.items() if k not in full}, full, meeting


def read_changes(store: Store, since: int) -> Changes:
    """The rows changed by the log entries after log fid ``since``, read by fid (for a worker thread)."""
    entries = store.log_since(int(since))
    if not entries:
        return Changes(int(since))
    touched, full, meeting = touched_rows(store, entries)
    out = Changes(int(entries[-1][0]), full=full, meeting=meeting, entries=len(entries))
    have = set(store.keys())
    for key, fids in touched.items():
        if key not in have:
            continue
        ordered = sorted(fids)
        rows = store.read(key, [fids_in(ordered)]) if ordered else None
        present = set() if rows is None else {int(f) for f in rows.index}
        if rows is not None and len(rows):
            out.rows[key] = rows
        gone = set(ordered) - present
        if gone:
            out.gone[key] = gone
    return out


__all__ = ["ROW_LIMIT", "Changes", "read_changes", "touched_rows"]
