"""The situation "as of" any moment, derived from the records, never stored.

Tallies are records over time (DESIGN.md). How each table is read:

- ``evacuation`` rows are cumulative reports per area ("已转移 16,800 人 as of
  18:00"): the state of an area at T is its latest report at or before T.
  Two reports with the same time are a report and its correction; the one
  entered later (higher fid) wins.
- ``works`` rows are increments (today's dike metres, sandbags placed): the
  state at T is their sum up to T.
- ``material_tally`` rows are stock movements per depot and item: stock-in
  adds to the depot, dispatch and consumption take from it; a dispatch whose
  destination is another depot (a forward point) adds to that depot.
- ``forces`` count from their ``reported_at``; their status (and storage
  areas' status) at T is today's value with later edits undone through the
  before-values kept in ``situation_log``.

Late reports count at the time they report about, not the time they were
typed in, so an officer entering the night's sheets in the morning changes
the night's picture, as it should.

How it stays fast over a season (issue 16): the records are folded once in
time order into *steps* — sorted event times with the running sums after
each — so the totals at any moment are one binary search, the dashboard's
curves are the steps sampled at every report time (O(n log n) for the whole
timeline), and a new record is one more step (plus a shift of the sums after
it) instead of a re-read. Per-area reports, per-force edits and per-depot
stock keep their own small sorted lists for the moment's details.
"""

from __future__ import annotations

import bisect
import json
import threading
import weakref
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

import numpy as np
import pyarrow as pa

from floodpost.data import lazy
from floodpost.data.schema import MATERIAL_KINDS as _MATERIAL_KIND_CHOICES
from floodpost.data.schema import RECORD_TABLES, TIMED
from floodpost.data.situation import collector
from floodpost.data.situation.hydro import KEYS as WATER_KEYS
from floodpost.data.situation.hydro import Columns, Water, WaterFold
from floodpost.data.situation.operations import KEYS as OPERATION_KEYS
from floodpost.data.situation.operations import AckColumns, Operations, OperationsFold
from floodpost.data.timeutil import iso_local, now_storage, to_storage

pd = lazy.module("pandas")  # imported when first used: not on the way to a kept fold

STAGES = ("planned", "notified", "transferred", "sheltered", "returned")
WORK_FIELDS = ("dike_m", "sandbags", "earth_m3", "rescued")
MATERIAL_KINDS = tuple(c.code for c in _MATERIAL_KIND_CHOICES)
#: Record tables whose report times make the timeline.
RECORD_KEYS = TIMED
#: Force fields an edit may change that the situation shows.
FORCE_FIELDS = ("status", "personnel", "vehicles", "boats", "category")
#: New rows up to this many are folded in one by one; more and the table is folded again.
FOLD_IN_LIMIT = 2000
EVAC_COLUMNS = tuple(f"{s}_{u}" for u in ("persons", "households") for s in STAGES)
#: The columns the fold reads of the tables it only sums (the others it reads whole: a
#: moment shows each area's latest report and each force as recorded).
FOLD_COLUMNS = {
    "material_tally": ("depot", "destination", "item", "kind", "quantity", "reported_at"),
    "works": (*WORK_FIELDS, "reported_at"),
    # incidents: what their state and the map's label need, not their shapes or reporters
    "incidents": ("name", "kind", "severity", "county", "place", "threatened", "trapped", "reported_at"),
    "readings": ("station", "level", "flow", "storage", "rain", "source", "reported_at"),
    # answers: what the fold and the 叫应 lists read (a season's 30,000, each a record kept in the fold)
    "acknowledgements": ("warning", "recipient", "how", "by_person", "reported_at"),
}


@dataclass
class Situation:
    """Everything the dashboard, overlays, brief and ``info --at`` show for one moment."""

    at: str  # storage form (UTC, "...Z")
    evacuation: Mapping[str, dict[str, Any]] = field(default_factory=dict)  # area -> latest report
    works: dict[str, float] = field(default_factory=dict)
    materials: dict[str, dict[str, float]] = field(default_factory=dict)  # kind -> item -> quantity
    stock: dict[str, dict[str, float]] = field(default_factory=dict)  # depot -> item -> on hand
    forces: list[dict[str, Any]] = field(default_factory=list)  # forces reported by then
    storage_status: dict[str, str] = field(default_factory=dict)  # storage area name -> status
    #: incidents, forces sent to them, warnings and their recipients (see ``operations``)
    operations: Operations | None = field(default=None, compare=False)
    #: gauges against their levels, crossing events, rain (see ``hydro``)
    water: Water | None = field(default=None, compare=False)
    #: each timed table's newest report at or before the moment (stored text; absent: none yet),
    #: so every figure can say how old it is
    reported: dict[str, str] = field(default_factory=dict, compare=False)

    #: Sums the engine already holds for this moment (evacuation by stage and area
    #: kind, forces by category): ``totals`` takes them instead of looping again.
    sums: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    def totals(self) -> dict[str, Any]:
        """Nested numbers by category, the form of ``info --json`` and the brief."""
        persons = {s: 0 for s in STAGES}
        households = {s: 0 for s in STAGES}
        by_area: dict[str, dict[str, int]] = {}
        by_kind: dict[str, dict[str, int]] = defaultdict(lambda: {s: 0 for s in STAGES})
        keys = [f"{s}_persons" for s in STAGES]
        sums = self.sums
        stages = sums.get("stages") if sums is not None else None
        if stages is not None:
            # each area's latest report as the engine read it once (not 1,000 records a step), its
            # figures by stage made once per report too: shared by the moments, read them only
            by_area = {area: fact[2] for area, fact in sorted(stages.items())}
        else:
            for area, rec in sorted(self.evacuation.items()):
                got = [int(rec.get(k) or 0) for k in keys]
                by_area[area] = dict(zip(STAGES, got, strict=True))
                if sums is None:
                    kind = by_kind[rec.get("area_kind") or "other"]
                    for s, v in zip(STAGES, got, strict=True):
                        persons[s] += v
                        households[s] += int(rec.get(f"{s}_households") or 0)
                        kind[s] += v
        if sums is not None:
            persons, households = dict(sums["persons"]), dict(sums["households"])
            if stages is not None:
                kinds = {fact[1] for fact in stages.values()}
            else:
                kinds = {rec.get("area_kind") or "other" for rec in self.evacuation.values()}
            by_kind = {k: dict(sums["by_kind"][k]) for k in kinds}
            forces = {**sums["forces"], "by_category": {c: dict(v) for c, v in sums["by_category"].items()}}
        else:
            forces = {"teams": 0, "personnel": 0, "vehicles": 0, "boats": 0, "by_category": {}}
            for f in self.forces:
                if f.get("status") == "withdrawn":
                    continue
                cat = forces["by_category"].setdefault(f["category"], {"teams": 0, "personnel": 0})
                cat["teams"] += 1
                cat["personnel"] += int(f.get("personnel") or 0)
                forces["teams"] += 1
                for k in ("personnel", "vehicles", "boats"):
                    forces[k] += int(f.get(k) or 0)
        out = {
            "evacuation": {
                "persons": persons,
                "households": households,
                "by_area": by_area,
                # by name: the kinds were a set, so ``info --json`` listed them in a new order each run
                "by_area_kind": {k: by_kind[k] for k in sorted(by_kind)},
            },
            "forces": forces,
            "materials": {k: dict(sorted(v.items())) for k, v in self.materials.items()},
            "works": {k: _number(v) for k, v in self.works.items()},
            "storage_areas": dict(Counter(self.storage_status.values())),
        }
        if self.operations is not None:
            out.update(self.operations.totals(forces))
        if self.water is not None:
            out["water"] = self.water.totals()
        if self.reported:
            out["reported"] = dict(self.reported)
        return out


def _number(v: float) -> float | int:
    return int(v) if float(v).is_integer() else round(float(v), 3)


def _plain(v: Any) -> Any:
    """NaN/NA as None, numpy scalars as Python ones (records go to JSON and the brief)."""
    if v is None:
        return None
    if hasattr(v, "item"):
        v = v.item()
    try:
        return None if pd.isna(v) else v
    except (TypeError, ValueError):  # not a scalar
        return v


NO_TIME = np.iinfo(np.int64).min  # a missing report time: before every moment
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_MS = timedelta(milliseconds=1)


def _ms(v: Any) -> int:
    """A stored time as milliseconds since 1970 UTC, how the engine compares times.

    FloodPost stores every time as UTC text (``2021-07-22T02:00:00.000Z``);
    text another program wrote without a zone is UTC too, as GeoPackage
    says. Missing or unreadable times sort before every moment.
    """
    if not isinstance(v, str) or not v:
        return int(NO_TIME)
    try:
        dt = datetime.fromisoformat(v.replace("Z", "+00:00"))
    except ValueError:
        return int(NO_TIME)
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=timezone.utc)
    return (dt - _EPOCH) // _MS


def _texts(ms: np.ndarray) -> list[str]:
    """Milliseconds back to stored text (``...T02:00:00.000Z``); missing as ""."""
    if not len(ms):
        return []
    dt = np.asarray(ms, dtype=np.int64).astype("datetime64[ms]")
    out = np.char.add(np.datetime_as_string(dt, unit="ms"), "Z")
    out[np.asarray(ms) == NO_TIME] = ""
    return out.tolist()


# ---------------------------------------------------------------- steps
class Steps:
    """A vector quantity that changes at event times; the value at T sums the changes up to T.

    ``times`` are sorted milliseconds (ties allowed); ``cum[i]`` is the running
    sum after event ``i``. A moment is one binary search; a new event is an
    insert and one vector add over the events after it.
    """

    __slots__ = ("times", "cum", "width")

    def __init__(self, times: Any, deltas: np.ndarray, width: int) -> None:
        self.width = width
        self.times = np.asarray(times, dtype=np.int64).reshape(-1)
        d = np.asarray(deltas, dtype=np.float64).reshape(len(self.times), width)
        self.cum = np.cumsum(d, axis=0)

    @classmethod
    def empty(cls, width: int) -> Steps:
        return cls(np.empty(0, dtype=np.int64), np.zeros((0, width)), width)

    def __len__(self) -> int:
        return len(self.times)

    def at(self, t: int) -> np.ndarray:
        """The value at ``t`` (zeros before the first event)."""
        i = int(np.searchsorted(self.times, t, side="right")) - 1
        return self.cum[i] if i >= 0 else np.zeros(self.width)

    def first(self) -> int | None:
        return int(self.times[0]) if len(self.times) else None

    def sample(self, times: np.ndarray, ordered: bool = False) -> np.ndarray:
        """Values at each of ``times``; ``ordered``: ``times`` ascend (a timeline's report times)."""
        if not len(self.times):
            return np.zeros((len(times), self.width))
        if ordered and len(times) > 8 * len(self.times):
            # each time's count of events at or before it, from where each event falls among the times:
            # a season's 26,000 report times searched for in each of 50 curves took 12 ms
            at = np.searchsorted(times, self.times, side="left")
            idx = np.cumsum(np.bincount(at, minlength=len(times) + 1)[:len(times)]) - 1
        else:
            idx = np.searchsorted(self.times, times, side="right") - 1
        out = self.cum[np.maximum(idx, 0)]
        out[idx < 0] = 0.0
        return out

    def add(self, t: int, delta: np.ndarray) -> None:
        """One more event at ``t``: later sums move by ``delta`` (a late report shifts the rest)."""
        pos = int(np.searchsorted(self.times, t, side="right"))
        base = self.cum[pos - 1] if pos > 0 else np.zeros(self.width)
        self.times = np.insert(self.times, pos, t)
        self.cum = np.insert(self.cum, pos, base + delta, axis=0)
        if pos + 1 < len(self.times):
            self.cum[pos + 1:] += delta


def _first_seen_codes(codes: np.ndarray, values: list[Any]) -> tuple[np.ndarray, list[Any]]:
    """``codes`` (-1: missing) renumbered in the order their values first appear, and those values: as
    ``pd.factorize`` gives them, from Arrow's codes without a Python object per row."""
    seen = codes >= 0
    used, first = np.unique(codes[seen], return_index=True)
    in_order = used[np.argsort(first, kind="stable")]
    renumber = np.full(len(values) + 1, -1, dtype=np.int64)  # (the last for -1)
    renumber[in_order] = np.arange(len(in_order))
    return renumber[codes], [values[i] for i in in_order.tolist()]


def _steps_by_key(keys: Any, times: np.ndarray, values: np.ndarray, width: int = 1) -> dict[Any, Steps]:
    """One ``Steps`` per key, from events already in time order (the order kept per key)."""
    codes, uniques = pd.factorize(pd.Series(keys, dtype=object), sort=False)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(uniques) + 1))
    out = {}
    for k, key in enumerate(uniques):
        idx = order[bounds[k]:bounds[k + 1]]
        out[key] = Steps(times[idx], values[idx], width)
    return out


def _steps_by_code(codes: np.ndarray, key: Any, times: np.ndarray, values: np.ndarray) -> dict[Any, Steps]:
    """One scalar ``Steps`` per integer code (``key(code)`` names it), events in time order kept per code."""
    codes = np.asarray(codes, dtype=np.int64)
    if not len(codes):
        return {}
    order = np.argsort(codes, kind="stable")
    sorted_codes = codes[order]
    starts = np.flatnonzero(np.r_[True, sorted_codes[1:] != sorted_codes[:-1]])
    ends = np.r_[starts[1:], len(codes)]
    out = {}
    for a, b in zip(starts.tolist(), ends.tolist(), strict=True):
        idx = order[a:b]
        out[key(int(sorted_codes[a]))] = Steps(times[idx], values[idx], 1)
    return out


class _Table:
    """A record table's columns (Arrow) with its rows in (report time, fid) order.

    Columns become Python lists only when asked for (the evacuation reports
    need every column for the moment's records, the material movements only
    a few); numbers come out as float arrays with missing values as 0.
    """

    def __init__(self, table: pa.Table, fid_column: str = "fid") -> None:
        self.arrow = table
        n = table.num_rows
        fid = table.column(fid_column).to_numpy().astype(np.int64) if n else np.empty(0, dtype=np.int64)
        ms = _ms_column(table.column("reported_at")) if "reported_at" in table.column_names else \
            np.full(n, NO_TIME, dtype=np.int64)
        order = np.lexsort((fid, ms)) if n else np.empty(0, dtype=np.int64)
        self.fid = fid[order]
        self.ms = ms[order]
        self.order = order
        self.columns = [c for c in table.column_names if c != fid_column]
        self._lists: dict[str, list[Any]] = {}

    @classmethod
    def empty(cls) -> _Table:
        return cls(pa.table({"fid": pa.array([], pa.int64())}))

    def __len__(self) -> int:
        return len(self.fid)

    def values(self, column: str) -> list[Any]:
        """A column as Python values in row order (None for missing; times as stored text)."""
        got = self._lists.get(column)
        if got is None:
            if column not in self.columns:
                got = [None] * len(self)
            else:
                col = self.arrow.column(column).take(pa.array(self.order, pa.int64()))
                got = _texts(_ms_column(col)) if pa.types.is_timestamp(col.type) else col.to_pylist()
                if pa.types.is_timestamp(col.type):
                    got = [t or None for t in got]
            self._lists[column] = got
        return got

    def value(self, column: str, i: int) -> Any:
        """Row ``i``'s value of ``column``, as :meth:`values` gives it."""
        got = self._lists.get(column)
        if got is not None:
            return got[i]
        if column == "reported_at" and column in self.columns:  # the times are at hand: one row's text
            return _texts(self.ms[i:i + 1])[0] or None
        return self.values(column)[i]

    def row(self, i: int) -> _Row:
        """Row ``i`` as :meth:`rows` gives it, read when looked at."""
        return _Row(self, i)

    def codes(self, column: str) -> tuple[np.ndarray, list[Any]]:
        """A text column as integer codes in row order (-1 for missing) and the values they stand for.

        Arrow's dictionary encoding: no Python object per row (a season's
        100,000 movements name a few dozen depots and items).
        """
        if column not in self.columns or not len(self):
            return np.full(len(self), -1, dtype=np.int64), []
        enc = self.arrow.column(column).combine_chunks().dictionary_encode()
        idx = enc.indices.to_numpy(zero_copy_only=False)
        codes = np.where(np.isnan(idx), -1, idx).astype(np.int64) if idx.dtype.kind == "f" else idx.astype(np.int64)
        return codes[self.order], enc.dictionary.to_pylist()

    def per_row(self, column: str, f: Callable[[Any], Any], dtype: Any = object) -> np.ndarray:
        """``f`` of each row's value of a text column (None where missing), worked out once per distinct
        value (:meth:`codes`): a season's 40,000 rows name a few dozen kinds or a thousand areas."""
        codes, values = self.codes(column)
        return np.array([f(v) for v in [*values, None]], dtype=dtype)[codes]  # (-1, missing: the last)

    def number(self, column: str) -> np.ndarray:
        """A column as floats, missing (and unreadable) values as 0."""
        if column not in self.columns or not len(self):
            return np.zeros(len(self))
        col = self.arrow.column(column)
        if pa.types.is_integer(col.type) or pa.types.is_floating(col.type):
            arr = col.to_numpy(zero_copy_only=False).astype(np.float64)
        else:
            arr = pd.to_numeric(pd.Series(col.to_pylist(), dtype=object), errors="coerce").to_numpy(np.float64)
        arr = arr[self.order]
        arr[~np.isfinite(arr)] = 0.0
        return arr

    def floats(self, column: str) -> np.ndarray:
        """A column of numbers as floats, NaN where missing, not finite or not a number."""
        if column not in self.columns or not len(self):
            return np.full(len(self), np.nan)
        col = self.arrow.column(column)
        if not (pa.types.is_integer(col.type) or pa.types.is_floating(col.type)):
            from floodpost.data.situation.hydro import _float

            return np.array([_float(v) for v in self.values(column)], dtype=np.float64)  # None reads as NaN
        arr = col.to_numpy(zero_copy_only=False).astype(np.float64)[self.order]
        arr[~np.isfinite(arr)] = np.nan
        return arr

    def rows_at(self, idx: list[int]) -> list[dict[str, Any]]:
        """The rows at ``idx`` (row order), as :meth:`rows` gives them, taken from the columns as read:
        a moment's thousand latest reports of 40,000 without every column made Python values first
        (50 ms, the first moment after a cold open)."""
        if not idx:
            return []
        take = pa.array(self.order[idx], pa.int64())
        lists: list[list[Any]] = [self.fid[idx].tolist()]
        for c in self.columns:
            col = self.arrow.column(c).take(take)
            lists.append([t or None for t in _texts(_ms_column(col))] if pa.types.is_timestamp(col.type)
                         else col.to_pylist())
        names = ["fid", *self.columns]
        return [dict(zip(names, values, strict=True)) for values in zip(*lists, strict=True)]

    def rows(self) -> list[dict[str, Any]]:
        names = ["fid", *self.columns]
        lists = [self.fid.tolist(), *(self.values(c) for c in self.columns)]
        return [dict(zip(names, values, strict=True)) for values in zip(*lists, strict=True)]


class _Row(Mapping[str, Any]):
    """A table's row as :meth:`_Table.rows` gives it, each value read when looked at (a fold keeps a
    season's 30,000 answers, a moment shows a few)."""

    __slots__ = ("_table", "_i")

    def __init__(self, table: _Table, i: int) -> None:
        self._table = table
        self._i = i

    def __getitem__(self, key: str) -> Any:
        if key == "fid":
            return int(self._table.fid[self._i])
        if key not in self._table.columns:
            raise KeyError(key)
        return self._table.value(key, self._i)

    def get(self, key: str, default: Any = None) -> Any:  # (Mapping's goes through a KeyError)
        if key == "fid":
            return int(self._table.fid[self._i])
        return self._table.value(key, self._i) if key in self._table.columns else default

    def __iter__(self) -> Iterator[str]:
        return iter(["fid", *self._table.columns])

    def __len__(self) -> int:
        return 1 + len(self._table.columns)

    def __repr__(self) -> str:
        return repr(dict(self))


def _operations_fold(tables: dict[str, _Table]) -> OperationsFold:
    """The operations fold of the tables as read: the answers as columns, their rows read when shown."""
    acks = tables["acknowledgements"]
    answer = acks.per_row("how", lambda how: how != "no_answer", bool)
    columns = AckColumns(*acks.codes("warning"), *acks.codes("recipient"), answer, acks.ms, acks.fid, acks.row)
    return OperationsFold({k: tables[k].rows() for k in OPERATION_KEYS if k != "acknowledgements"}, _ms,
                          {k: tables[k].ms.tolist() for k in OPERATION_KEYS}, columns)


def _union_sorted(arrays: list[np.ndarray]) -> np.ndarray:
    """The distinct values of sorted arrays (a table's report times are in order): a stable sort merges
    the runs as they are, where ``np.unique`` sorted 250,000 times from scratch (20 ms of a cold open)."""
    got = np.sort(np.concatenate(arrays), kind="stable") if arrays else np.empty(0, dtype=np.int64)
    return got[np.r_[True, got[1:] != got[:-1]]] if len(got) else got


def _ms_column(col: Any) -> np.ndarray:
    """Milliseconds of an Arrow column of times (timestamps as GDAL reads them, or stored text)."""
    if pa.types.is_timestamp(col.type):
        arr = col.cast(pa.timestamp("ms", tz="UTC")).to_numpy(zero_copy_only=False).astype("datetime64[ms]")
        out = arr.astype(np.int64)
        out[np.isnat(arr)] = NO_TIME
        return out
    return np.fromiter((_ms(v) for v in col.to_pylist()), dtype=np.int64, count=len(col))


# ---------------------------------------------------------------- the source of records
class _Source:
    """What the engine reads from a workspace, in one place: all of it through the storage protocol."""

    def __init__(self, ws: Any) -> None:
        # weakly: the engines are kept by workspace in a WeakKeyDictionary, whose values must not keep
        # their keys (a closed workspace's fold, half a gigabyte on a season, would stay for good)
        self._ws = weakref.ref(ws)

    @property
    def ws(self) -> Any:
        ws = self._ws()
        if ws is None:
            raise RuntimeError("the workspace of this fold was closed")
        return ws

    def keys(self) -> set[str]:
        return set(self.ws.keys())

    def token(self) -> tuple[Any, ...]:
        """Changes whenever anything was written, by this connection or another process."""
        return self.ws.change_token()

    def table(self, key: str) -> _Table:
        """A whole record table, oldest report first, with the columns the fold reads.

        Through GDAL's Arrow stream: 100,000 movements in 0.08 s rather than
        0.4 s row by row. Movements and works are summed, never shown one by
        one: their notes, sources and places stay unread.
        """
        if key not in self.keys():
            return _Table.empty()
        columns = FOLD_COLUMNS.get(key)
        table = self.ws.read_arrow(key, columns)
        if table is not None:
            return _Table(table)
        frame = self.ws.read(key, geometry=False, columns=columns)  # GDAL refused, or inside a transaction: row by row
        data = {"fid": pa.array(frame.index.to_numpy(dtype=np.int64))}
        for c in frame.columns:
            col = frame[c]
            data[c] = pa.array(col.astype(object).where(col.notna(), None).tolist())
        return _Table(pa.table(data))

    def rows(self, key: str, first: int, last: int) -> list[dict[str, Any]]:
        """The rows ``first``..``last`` by fid as plain dicts (a tally entry, an import): no frame for a row."""
        return self.ws.rows(key, first, last)

    def max_fid(self, key: str) -> int:
        return self.ws.max_fid(key)

    def depot_names(self) -> set[str]:
        if "depots" not in self.keys():
            return set()
        return {str(n) for n in self.ws.read("depots", columns=["name"], geometry=False)["name"] if n is not None}

    def stations(self) -> list[dict[str, Any]]:
        """The gauges' names, kinds and thresholds (never their shapes), in fid order."""
        if "stations" not in self.keys():
            return []
        frame = self.ws.read("stations", geometry=False)
        rows = []
        for fid, rec in zip(frame.index, frame.to_dict("records"), strict=True):
            rows.append({"fid": int(fid), **{k: _plain(v) for k, v in rec.items()}})
        return rows

    def areas(self) -> dict[int, tuple[str, Any]]:
        """Storage areas' (name, status) by fid: names and statuses only, never 100,000 shapes."""
        if "storage_areas" not in self.keys():
            return {}
        frame = self.ws.read("storage_areas", columns=["name", "status"], geometry=False)
        return {int(fid): (name, _plain(status))
                for fid, name, status in zip(frame.index, frame["name"], frame["status"], strict=True)}

    def edits(self, target: str) -> list[tuple[int, int, dict[str, Any]]]:
        """(logged at, feature fid, before-values) of every logged update of ``target``, oldest first."""
        out = []
        for at, fid, before in self.ws.log_edits(target):
            try:
                old = json.loads(before) if before else None
            except ValueError:
                old = None
            if isinstance(old, dict) and fid is not None:
                out.append((_ms(at), int(fid), old))
        out.sort(key=lambda e: e[0])  # stable: equal times stay in log order
        return out

    def log_fid(self) -> int:
        return self.ws.log_max_fid()

    def log_since(self, fid: int) -> list[tuple[int, str, str | None, int | None, str | None]]:
        """(log fid, action, target, feature fid, after) of the entries after ``fid``."""
        return self.ws.log_since(fid)

    def meetings(self) -> list[str]:
        """Times of the consultation meetings marked (and not withdrawn), oldest first."""
        if "situation_log" not in self.keys():
            return []
        return [at for _, at, _ in self.ws.meetings()]

    def last_meeting(self, before: str | None) -> str | None:
        if "situation_log" not in self.keys():
            return None
        marks = self.ws.meetings(before)
        return max(at for _, at, _ in marks) if marks else None


# ---------------------------------------------------------------- the parts of the fold
class _Evacuation:
    """Latest report per area: per-area sorted reports, and the totals as steps."""

    def __init__(self, table: _Table) -> None:
        self.table = table
        n = len(table)
        v = np.trunc(np.column_stack([table.number(c) for c in EVAC_COLUMNS])) if n else np.zeros((0, 10))
        codes, areas = _first_seen_codes(*table.codes("area"))
        kinds = table.per_row("area_kind", lambda k: k or "other")
        # each report's predecessor for the same area (rows are in time order, ties by fid)
        order = np.argsort(codes, kind="stable")
        prev = np.full(n, -1, dtype=np.int64)
        same = codes[order][1:] == codes[order][:-1]
        prev[order[1:][same]] = order[:-1][same]
        has = prev >= 0
        pv = np.zeros_like(v)
        pv[has] = v[prev[has]]
        self.totals = Steps(table.ms, v - pv, 10)
        # by area kind: a report adds to its kind and takes its predecessor from the predecessor's
        pos = np.concatenate([np.arange(n), np.flatnonzero(has)])
        keys = np.concatenate([kinds, kinds[prev[has]]])
        vals = np.concatenate([v[:, :5], -v[prev[has], :5]])
        times = np.concatenate([table.ms, table.ms[has]])
        ev = np.argsort(pos, kind="stable")
        self.kinds = _steps_by_key(keys[ev], times[ev], vals[ev], 5)
        bounds = np.searchsorted(codes[order], np.arange(len(areas) + 1))
        #: per area: report times and rows (an index into the table, or a row added since)
        self.area_times: dict[str, list[int]] = {}
        self.area_rows: dict[str, list[Any]] = {}
        for k, area in enumerate(areas):
            idx = order[bounds[k]:bounds[k + 1]]
            self.area_times[area] = table.ms[idx].tolist()
            self.area_rows[area] = idx.tolist()
        self._dicts: dict[int, dict[str, Any]] = {}
        self._facts: dict[int, _Fact] = {}  # row -> (persons by stage, area kind, persons by stage name)
        #: each row's persons by stage and area kind, for the totals without a dict per row
        self._persons = v[:, :5].astype(np.int64)
        self._kinds = kinds

    def __getstate__(self) -> dict[str, Any]:
        # kept on disk without the rows made into dicts for the moments shown (``keep``)
        return {**self.__dict__, "_dicts": {}, "_facts": {}}

    def add(self, r: dict[str, Any]) -> None:
        """A report entered now: it holds from its time until the area's next report."""
        area = r["area"]
        t = _ms(r.get("reported_at"))
        times = self.area_times.setdefault(area, [])
        rows = self.area_rows.setdefault(area, [])
        pos = bisect.bisect_right(times, t)  # after equal times: the newest entry wins a tie
        prev = self._row(rows[pos - 1]) if pos > 0 else None
        nxt = times[pos] if pos < len(times) else None
        v = _evac_vector(r)
        pv = _evac_vector(prev) if prev is not None else np.zeros(10)
        self.totals.add(t, v - pv)
        if nxt is not None:
            self.totals.add(nxt, pv - v)
        self._kind_add(t, _kind(r), v[:5])
        if prev is not None:
            self._kind_add(t, _kind(prev), -pv[:5])
        if nxt is not None:
            self._kind_add(nxt, _kind(r), -v[:5])
            if prev is not None:
                self._kind_add(nxt, _kind(prev), pv[:5])
        times.insert(pos, t)
        rows.insert(pos, r)

    def _kind_add(self, t: int, kind: str, v: np.ndarray) -> None:
        if kind not in self.kinds:
            self.kinds[kind] = Steps.empty(5)
        self.kinds[kind].add(t, v)

    def _row(self, handle: Any) -> dict[str, Any]:
        if isinstance(handle, dict):
            return handle
        got = self._dicts.get(handle)
        if got is None:
            got = self._dicts[handle] = self.table.rows_at([handle])[0]
        return got

    def _rows(self, handles: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """:meth:`_row` of each area's handle, those not made yet read together."""
        dicts = self._dicts
        missing = [h for h in handles.values() if not isinstance(h, dict) and h not in dicts]
        if missing:
            dicts.update(zip(missing, self.table.rows_at(missing), strict=True))
        return {area: h if isinstance(h, dict) else dicts[h] for area, h in handles.items()}

    def stages_at(self, t: int, rows: bool = True) -> tuple[Mapping[str, dict[str, Any]], dict[str, _Fact]]:
        """The areas' latest reports at ``t`` (left out unless ``rows``) and each one's persons by
        stage and area kind, worked out once per report rather than at every moment asked."""
        handles: dict[str, Any] = {}
        stages: dict[str, _Fact] = {}
        facts = self._facts
        for area, times in self.area_times.items():
            i = bisect.bisect_right(times, t) - 1
            if i < 0:
                continue
            handle = self.area_rows[area][i]
            if isinstance(handle, dict):  # a report entered since the fold was built
                got = _fact([int(handle.get(f"{s}_persons") or 0) for s in STAGES], handle.get("area_kind") or "other")
            else:
                got = facts.get(handle)
                if got is None:
                    got = facts[handle] = _fact(self._persons[handle].tolist(), self._kinds[handle])
            stages[area] = got
            handles[area] = handle
        return (_AreaRows(self, handles) if rows else {}), stages


class _AreaRows(Mapping):
    """A moment's latest report per area, each made a record when it is read: a slider step reads a
    handful (the storage areas' bars), the brief all of them, and a season has a thousand areas
    (a step made 300 new records of them, 1.4 ms). Read a few, and each is read alone; read many or
    all, and they are read together."""

    __slots__ = ("_evacuation", "_handles", "_alone")
    #: records read one at a time before the rest are read together
    ALONE = 8

    def __init__(self, evacuation: _Evacuation, handles: dict[str, Any]) -> None:
        self._evacuation, self._handles, self._alone = evacuation, handles, 0

    def __getitem__(self, area: str) -> dict[str, Any]:
        handle = self._handles[area]
        evacuation = self._evacuation
        if not isinstance(handle, dict) and handle not in evacuation._dicts:
            self._alone += 1
            if self._alone > self.ALONE:
                evacuation._rows(self._handles)
        return evacuation._row(handle)

    def __iter__(self) -> Iterator[str]:
        return iter(self._handles)

    def __len__(self) -> int:
        return len(self._handles)

    def __contains__(self, area: object) -> bool:
        return area in self._handles

    def items(self) -> Any:
        self._evacuation._rows(self._handles)  # every record: read together
        return super().items()

    def values(self) -> Any:
        self._evacuation._rows(self._handles)
        return super().values()

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self)} areas)"


#: an area's report as a moment's totals read it: persons by stage, area kind, and by stage name
_Fact = tuple[list[int], str, dict[str, int]]


def _fact(persons: list[int], kind: str) -> _Fact:
    return persons, kind, dict(zip(STAGES, persons, strict=True))


def _evac_vector(r: dict[str, Any]) -> np.ndarray:
    return np.array([int(r.get(c) or 0) for c in EVAC_COLUMNS], dtype=np.float64)


def _kind(r: dict[str, Any]) -> str:
    return r.get("area_kind") or "other"


class _Works:
    def __init__(self, table: _Table) -> None:
        values = np.column_stack([table.number(f) for f in WORK_FIELDS]) if len(table) else np.zeros((0, 4))
        self.steps = Steps(table.ms, values, 4)

    def add(self, r: dict[str, Any]) -> None:
        self.steps.add(_ms(r.get("reported_at")), np.array([float(r.get(f) or 0) for f in WORK_FIELDS]))

    def at(self, t: int) -> dict[str, float]:
        v = self.steps.at(t)
        return {f: float(v[i]) for i, f in enumerate(WORK_FIELDS)}


class _Materials:
    """Movements summed per (kind, item), and stock per (depot, item)."""

    def __init__(self, table: _Table, depots: set[str]) -> None:
        n = len(table)
        # keys as small integers (a season's 100,000 movements: hashing tuples took a quarter second)
        d_code, d_names = table.codes("depot")
        t_code, t_names = table.codes("destination")
        item_code, items = table.codes("item")
        kind_code, kinds = table.codes("kind")
        self.depots = set(depots) | {d for d in d_names if d is not None}
        q = table.number("quantity")
        width = max(len(items), 1)
        self.moves = _steps_by_code(kind_code * width + item_code, lambda c: (kinds[c // width], items[c % width]),
                                    table.ms, q)
        stock_in = kinds.index("stock_in") if "stock_in" in kinds else -2
        signed = np.where(kind_code == stock_in, q, -q)
        # one numbering for depots and destinations
        names = list(dict.fromkeys([*d_names, *t_names]))
        at = {nm: i for i, nm in enumerate(names)}
        d_map = np.array([at[nm] for nm in d_names] or [0], dtype=np.int64)
        t_map = np.array([at[nm] for nm in t_names] or [0], dtype=np.int64)
        d_all = np.where(d_code >= 0, d_map[np.maximum(d_code, 0)], -1)
        t_all = np.where(t_code >= 0, t_map[np.maximum(t_code, 0)], -1)
        # A dispatch to another depot (a forward point) moves the stock there.
        known = np.array([nm in self.depots for nm in names] or [False], dtype=bool)
        dispatch = kinds.index("dispatch") if "dispatch" in kinds else -2
        m = np.flatnonzero((kind_code == dispatch) & (t_all >= 0) & known[np.maximum(t_all, 0)] & (t_all != d_all))
        codes = np.concatenate([d_all * width + item_code, t_all[m] * width + item_code[m]])
        pos = np.concatenate([np.arange(n), m])
        ev = np.argsort(pos, kind="stable")  # per depot and item, in the rows' order
        self.stock = _steps_by_code(codes[ev], lambda c: (names[c // width], items[c % width]),
                                    np.concatenate([table.ms, table.ms[m]])[ev], np.concatenate([signed, q[m]])[ev])

    def _stock_events(self, r: dict[str, Any], q: float) -> list[tuple[tuple[str, str], float]]:
        out = [((r["depot"], r["item"]), q if r["kind"] == "stock_in" else -q)]
        # A dispatch to another depot (a forward point) moves the stock there.
        if r["kind"] == "dispatch" and r.get("destination") in self.depots and r["destination"] != r["depot"]:
            out.append(((r["destination"], r["item"]), q))
        return out

    def knows(self, r: dict[str, Any]) -> bool:
        """False when the row names a depot never seen: earlier dispatches to it become transfers."""
        return r["depot"] in self.depots

    def add(self, r: dict[str, Any]) -> None:
        t = _ms(r.get("reported_at"))
        q = float(r.get("quantity") or 0)
        self.moves.setdefault((r["kind"], r["item"]), Steps.empty(1)).add(t, np.array([q]))
        for key, signed in self._stock_events(r, q):
            self.stock.setdefault(key, Steps.empty(1)).add(t, np.array([signed]))

    def at(self, t: int, stock: bool = True) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
        materials: dict[str, dict[str, float]] = {k: {} for k in MATERIAL_KINDS}
        for (kind, item), s in self.moves.items():
            if s.first() is not None and s.first() <= t:
                materials.setdefault(kind, {})[item] = _number(s.at(t)[0])
        on_hand: dict[str, dict[str, float]] = {}
        if not stock:
            return materials, on_hand
        for (depot, item), s in self.stock.items():
            if s.first() is not None and s.first() <= t:
                on_hand.setdefault(depot, {})[item] = _number(s.at(t)[0])
        return materials, on_hand


class _Forces:
    """Each force from its report time, its values as they were between its logged edits."""

    def __init__(self, table: _Table, edits: list[tuple[int, int, dict[str, Any]]]) -> None:
        rows = table.rows()
        by_fid: dict[int, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
        for at, fid, old in edits:
            by_fid[fid].append((at, old))
        #: per force: its row, and (segment start times, values from each start) oldest first
        self.forces: list[tuple[int, dict[str, Any], list[int], list[dict[str, Any]]]] = []
        events: list[tuple[int, dict[str, Any] | None, dict[str, Any] | None]] = []
        for r, t0 in zip(rows, table.ms.tolist(), strict=True):
            starts, values = _segments(r, by_fid.get(r["fid"], []))
            self.forces.append((t0, r, starts, values))
            i = bisect.bisect_right(starts, t0) - 1
            events.append((t0, None, values[i]))
            for j in range(i + 1, len(starts)):
                events.append((starts[j], values[j - 1], values[j]))
        cats = sorted({str(v.get("category")) for _, _, _, vs in self.forces for v in vs})
        self.categories = {c: i for i, c in enumerate(cats)}
        events.sort(key=lambda e: e[0])
        width = 4 + 2 * len(cats)
        # each value (a force between two edits) is one before one event and after the next:
        # its vector is worked out once, the events take differences of rows
        rows: dict[int, int] = {}
        values: list[dict[str, Any]] = []

        def row(v: dict[str, Any] | None) -> int:
            if v is None:
                return -1  # the zero row at the end
            i = rows.get(id(v))
            if i is None:
                i = rows[id(v)] = len(values)
                values.append(v)
            return i

        new_rows = np.array([row(e[2]) for e in events], dtype=np.int64)
        old_rows = np.array([row(e[1]) for e in events], dtype=np.int64)
        vectors = np.zeros((len(values) + 1, width))
        for i, v in enumerate(values):
            self._vector_into(vectors[i], v)
        deltas = vectors[new_rows] - vectors[old_rows] if len(events) else np.zeros((0, width))
        self.steps = Steps([e[0] for e in events], deltas, width)

    def _vector_into(self, out: np.ndarray, v: dict[str, Any]) -> None:
        """What one force adds to the sums (teams, personnel, vehicles, boats, per category), into ``out`` (zeros)."""
        if v.get("status") == "withdrawn":
            return
        men = int(v.get("personnel") or 0)
        out[:4] = (1, men, int(v.get("vehicles") or 0), int(v.get("boats") or 0))
        c = self.categories[str(v.get("category"))]
        out[4 + 2 * c] = 1
        out[5 + 2 * c] = men

    def at(self, t: int) -> list[dict[str, Any]]:
        out = []
        for t0, r, starts, values in self.forces:
            if t0 > t:
                continue
            v = values[bisect.bisect_right(starts, t) - 1]
            row = dict(r)
            row.update(v)
            out.append(row)
        return out


def _segments(row: dict[str, Any], edits: list[tuple[int, dict[str, Any]]]) -> tuple[list[int], list[dict[str, Any]]]:
    """Start times and values of a feature between its edits (``edits`` oldest first).

    Walking back from today's values, each edit's before-values are what the
    feature had until that edit: the same as undoing the later edits newest
    first, as the log keeps them.
    """
    current = {f: row.get(f) for f in FORCE_FIELDS}
    starts, values = [int(NO_TIME)], [current]
    if not edits:
        return starts, values
    groups: list[tuple[int, list[dict[str, Any]]]] = []
    for at, old in edits:
        if groups and groups[-1][0] == at:
            groups[-1][1].append(old)
        else:
            groups.append((at, [old]))
    seq = [current]
    for _, olds in reversed(groups):
        v = dict(seq[-1])
        for old in reversed(olds):  # of equal times, the earliest entry's before-value stays
            for f in FORCE_FIELDS:
                if f in old:
                    v[f] = old[f]
        seq.append(v)
    seq.reverse()  # seq[0]: before every edit; seq[k]: after the k-th group
    return [int(NO_TIME)] + [g[0] for g in groups], seq


class _Storage:
    """Storage areas' status by name as it was: stored status with later edits undone."""

    def __init__(self, areas: dict[int, tuple[str, Any]], edits: list[tuple[int, int, dict[str, Any]]]) -> None:
        self.status = {name: status for name, status in areas.values()}
        shown = {name: fid for fid, (name, _) in areas.items()}  # several areas may share a name: the last one's
        by_fid: dict[int, list[tuple[int, dict[str, Any]]]] = defaultdict(list)
        for at, fid, old in edits:
            if fid in areas and "status" in old and shown[areas[fid][0]] == fid:
                by_fid[fid].append((at, {"status": old["status"]}))
        self.edited: list[tuple[str, list[int], list[Any]]] = []
        for fid, es in by_fid.items():
            name, status = areas[fid]
            starts, values = _segments({"status": status}, es)
            self.edited.append((name, starts, [v["status"] for v in values]))

    def at(self, t: int) -> dict[str, Any]:
        status = dict(self.status)
        for name, starts, values in self.edited:
            status[name] = values[bisect.bisect_right(starts, t) - 1]
        return status


# ---------------------------------------------------------------- the engine
def _readings_by_station(rt: _Table) -> dict[str, Columns]:
    """Each station's readings (by its name as cleaned) as columns (``hydro.Columns``), in the table's
    (ms, fid) order: the names cleaned once per name, the rows grouped by one sort."""
    from floodpost.data.situation.hydro import _text

    if not len(rt):
        return {}
    cleaned: dict[str, int] = {}
    station = rt.per_row("station", lambda v: cleaned.setdefault(_text(v), len(cleaned)), np.int64)
    order = np.argsort(station, kind="stable")  # by station, each in the table's order
    bounds = np.searchsorted(station[order], np.arange(len(cleaned) + 1)).tolist()
    ms, fid = rt.ms[order], rt.fid[order]
    figures = [rt.floats(c)[order] for c in ("level", "flow", "storage", "rain")]
    sources = rt.per_row("source", _text)[order].tolist()
    out: dict[str, Columns] = {}
    for name, k in cleaned.items():
        a, b = bounds[k], bounds[k + 1]
        if b > a:
            out[name] = (ms[a:b], fid[a:b], *(f[a:b] for f in figures), sources[a:b])
    return out


def _water_fold(stations: list[dict[str, Any]], tables: dict[str, _Table]) -> WaterFold:
    """The gauges' fold, its readings straight from the table's columns."""
    readings = _readings_by_station(tables.get("readings") or _Table.empty())
    others = {k: t.rows() for k, t in tables.items() if k in WATER_KEYS and k not in ("readings", "stations")}
    return WaterFold(stations, others, _ms, readings)


class Engine:
    """The fold of one workspace's records, kept current by the log's new entries."""

    def __init__(self, source: _Source) -> None:
        self.source = source
        self.lock = threading.RLock()
        self.token: tuple[Any, ...] | None = None
        self.log_fid = 0
        self.max_fids: dict[str, int] = {}
        #: distinct report times (ms), and their stored text once asked for
        self.times = np.empty(0, dtype=np.int64)
        self._texts: list[str] | None = None
        self._totals: dict[tuple[Any, str], dict[str, Any]] = {}
        #: the meetings' totals without the areas (``meeting_totals``), for the fold of ``token``
        self._at_meetings: dict[str, dict[str, Any]] = {}
        self._at_meetings_token: Any = None
        #: each timed table's report times (ms, sorted): the age of its figures at any moment
        self.key_times: dict[str, np.ndarray] = {}
        #: the curves at every report time, until the fold changes (kept on disk with it: a window
        #: opening a season from a kept fold drew its curves 0.17 s sooner)
        self._series_kept: Timeline | None = None

        #: a kept fold taken up from disk: (the stamp it was made at, the workspace's stamp now)
        self._from_disk: tuple[Any, Any] | None = None
        #: whether this fold is kept on disk (``keep``), the workspace's stamp before its last read,
        #: and whether it changed since it was last kept
        self.keeping = False
        self._stamp: Any = None
        self.changed = False

    # -- kept on disk between processes (``keep``)
    _TRANSIENT = ("source", "lock", "token", "_totals", "_at_meetings", "_at_meetings_token", "_from_disk",
                  "keeping", "_stamp", "changed")

    def __getstate__(self) -> dict[str, Any]:
        return {k: v for k, v in self.__dict__.items() if k not in self._TRANSIENT}

    def take_up(self) -> bool:
        """Keep this fold on disk from now on, and start from the one kept for this workspace if it may be trusted."""
        from floodpost.data.situation import keep

        with self.lock:
            self.keeping = True
            stamp = keep.stamp(self.source.ws)  # before anything is read
            if self.token is not None:
                return False
            got = keep.load(self.source.ws, stamp)
            if got is None:
                return False
            state, made_at = got
            self.__dict__.update(state)
            self._texts = None
            self._from_disk = (made_at, stamp)
            self._stamp = made_at
            return True

    def keep(self) -> None:
        """Keep the fold on disk for the next process, if it changed since it was last kept."""
        from floodpost.data.situation import keep

        with self.lock:
            if not (self.keeping and self.changed and self.token is not None):
                return
            keep.save(self.source.ws, self._stamp, self.__getstate__(), self.log_fid)
            self.changed = False

    # -- building
    def refresh(self) -> None:
        """Bring the fold up to date: nothing if nothing changed, the new records if only some were added."""
        with self.lock:
            token = self.source.token()
            if token == self.token:
                return
            if self.keeping:
                from floodpost.data.situation import keep

                # the stamp before the token and the records: a write meanwhile shows next time
                self._stamp = keep.stamp(self.source.ws)
                token = self.source.token()
            if self.token is None and self._from_disk is not None:
                made_at, now = self._from_disk
                self._from_disk = None
                # kept from an earlier process: as it is when nothing was written since, else caught up by the log
                if made_at != now and not self._catch_up():
                    self._build()
                self.changed = made_at != now
                self._stamp = now
            elif self.token is None or not self._catch_up():
                self._build()
                self.changed = True
            else:
                self.changed = True
            if self.changed:
                self._series_kept = None
            # the token read first: a write meanwhile is seen (and caught up) next time
            self.token = token

    def _build(self) -> None:
        with collector.building():  # a cold open spent 90 ms in collections that freed nothing
            self._build_all()

    def _build_all(self) -> None:
        src = self.source
        self.log_fid = src.log_fid()
        # GDAL reads without Python's lock: the four tables at once
        with ThreadPoolExecutor(max_workers=len(RECORD_KEYS), thread_name_prefix="floodpost-fold") as pool:
            tables = dict(zip(RECORD_KEYS, pool.map(src.table, RECORD_KEYS), strict=True))
        self.max_fids, self.key_times, self.times = {}, {}, np.empty(0, dtype=np.int64)
        self._take(tables)
        self.evacuation = _Evacuation(tables["evacuation"])
        self.works = _Works(tables["works"])
        self.materials = _Materials(tables["material_tally"], src.depot_names())
        self.forces = _Forces(tables["forces"], src.edits("forces"))
        self.storage = _Storage(src.areas(), src.edits("storage_areas"))
        self.ops = _operations_fold(tables)
        self.water = _water_fold(src.stations(), tables)

    def _catch_up(self) -> bool:
        """Apply the log's new entries; False when only a rebuild can explain the change."""
        src = self.source
        entries = src.log_since(self.log_fid)
        if not entries:
            return False  # written without a log entry (another program): read everything again
        added: dict[str, list[tuple[int, int]]] = defaultdict(list)
        rebuild: set[str] = set()
        for _, action, target, fid, after in entries:
            if action in ("meeting", "create"):
                continue
            if (target in RECORD_TABLES or target in OPERATION_KEYS) and action in ("insert", "import"):
                span = _fid_span(fid, after)
                if span is None:
                    return False
                added[target].append(span)
            elif target in RECORD_KEYS or target in ("storage_areas", "stations"):
                rebuild.add(target)
            elif target == "depots":
                rebuild.add("material_tally")
        for key, spans in added.items():
            if sum(hi - lo + 1 for lo, hi in spans) > FOLD_IN_LIMIT:
                rebuild.add(key)  # a big import: one fold of the table beats many inserts
            if key in rebuild:
                continue
            new = [r for lo, hi in spans for r in src.rows(key, lo, hi)]
            if len({r["fid"] for r in new}) != sum(hi - lo + 1 for lo, hi in spans):
                return False
            # written while the build read: already folded (a build reads the log's end before the tables)
            new = [r for r in new if r["fid"] > self.max_fids.get(key, 0)]
            for r in new:
                if not self._add(key, r):
                    rebuild.add(key)
                    break
            else:
                self.max_fids[key] = max([self.max_fids.get(key, 0), *(r["fid"] for r in new)])
                for r in new:
                    self._add_time(_ms(r.get("reported_at")), key)
        for key in rebuild:
            self._rebuild(key)
        # every record table must be as the fold believes, else something wrote around the log
        for key in RECORD_KEYS:
            if src.max_fid(key) != self.max_fids.get(key, 0):
                return False
        self.log_fid = entries[-1][0]
        return True

    def _add(self, key: str, r: dict[str, Any]) -> bool:
        if key == "evacuation":
            self.evacuation.add(r)
        elif key == "works":
            self.works.add(r)
        elif key == "material_tally":
            if not self.materials.knows(r):
                return False
            self.materials.add(r)
        elif key in WATER_KEYS:
            return self.water.add(key, r)
        elif key in OPERATION_KEYS:
            if key in FOLD_COLUMNS:  # a layer's row as the build reads it (not its shape or reporter)
                r = {k: v for k, v in r.items() if k == "fid" or k in FOLD_COLUMNS[key]}
            return self.ops.add(key, r)
        return True

    def _rebuild(self, key: str) -> None:
        src = self.source
        if key == "storage_areas":
            self.storage = _Storage(src.areas(), src.edits("storage_areas"))
            return
        if key in WATER_KEYS:  # a station's levels changed, or a reading corrected: the gauges again
            tables = {k: src.table(k) for k in WATER_KEYS if k != "stations"}
            self._take(tables)
            self.water = _water_fold(src.stations(), tables)
            return
        if key in OPERATION_KEYS:  # small tables that refer to each other: the part folded again whole
            tables = {k: src.table(k) for k in OPERATION_KEYS}
            self._take(tables)
            self.ops = _operations_fold(tables)
            return
        table = src.table(key)
        self._take({key: table})
        if key == "evacuation":
            self.evacuation = _Evacuation(table)
        elif key == "works":
            self.works = _Works(table)
        elif key == "material_tally":
            self.materials = _Materials(table, src.depot_names())
        elif key == "forces":
            self.forces = _Forces(table, src.edits("forces"))

    def _take(self, tables: dict[str, _Table]) -> None:
        """What the fold keeps of tables read (again): each one's last fid and report times, and the
        report times of all."""
        for k, t in tables.items():
            self.max_fids[k] = int(t.fid.max()) if len(t) else 0
            self.key_times[k] = t.ms[t.ms != NO_TIME]
        self._set_times(_union_sorted([self.times, *(t.ms for t in tables.values())]))

    def _set_times(self, times: np.ndarray) -> None:
        times = np.asarray(times, dtype=np.int64)
        self.times = times[times != NO_TIME]
        self._texts = None

    def _add_time(self, t: int, key: str | None = None) -> None:
        if key is not None and t != NO_TIME:
            kt = self.key_times.get(key, np.empty(0, dtype=np.int64))
            self.key_times[key] = np.insert(kt, int(np.searchsorted(kt, t, side="right")), t)
        i = int(np.searchsorted(self.times, t))
        if t != NO_TIME and (i == len(self.times) or self.times[i] != t):
            self.times = np.insert(self.times, i, t)
            self._texts = None

    # -- answers
    def time_span(self) -> tuple[str, str] | None:
        """The first and last report times (stored text): two of them, not a season's 26,000 as text."""
        with self.lock:
            if not len(self.times):
                return None
            first, last = _texts(self.times[[0, -1]])
            return first, last

    def report_times(self) -> list[str]:
        with self.lock:
            if self._texts is None:
                self._texts = _texts(self.times)
            return list(self._texts)

    def totals(self, at: str) -> dict[str, Any]:
        """``situation(at).totals()``, kept for the last few moments asked (a meeting's totals
        are the base of every "since the meeting" figure while the slider moves).

        Only what the totals read is looked up: not the areas' records, the
        forces one by one or the depots' stock.
        """
        with self.lock:
            key = (self.token, at)
            hit = self._totals.get(key)
            if hit is None:
                hit = self.situation(at, details=False).totals()
                if len(self._totals) >= 16:
                    self._totals.pop(next(iter(self._totals)))
                self._totals[key] = hit
            return hit

    def meeting_totals(self, at: str) -> dict[str, Any]:
        """``totals(at)`` without the areas, kept for every meeting asked while the fold holds: the base of
        "since the meeting" at each slider step. A season has dozens of meetings, and a slider jumping
        across it asked for a new one at nearly every step (5 ms each)."""
        with self.lock:
            if self._at_meetings_token != self.token:
                self._at_meetings = {}
                self._at_meetings_token = self.token
            hit = self._at_meetings.get(at)
            if hit is None:
                hit = self._at_meetings[at] = _without_areas(self.situation(at, details=False).totals())
            return hit

    def warm(self) -> Iterator[None]:
        """Work out ahead, one small piece per step, what slider steps would otherwise each work out
        the first time: the meetings' totals and the warnings' answers (a fifth of a second on a
        season, in the worker while the officer reads the map)."""
        with self.lock:
            meetings = self.source.meetings()
        for at in meetings:
            self.meeting_totals(at)
            yield
        with self.lock:
            pieces = self.ops.warm()
        while True:
            with self.lock:  # the fold is the worker's, but a piece must not see it half caught up
                if next(pieces, StopIteration) is StopIteration:
                    return
            yield

    def situation(self, at: str, details: bool = True) -> Situation:
        """The moment ``at`` (stored text): one binary search per area, depot item and force.

        Without ``details`` the moment has only what :meth:`Situation.totals`
        reads (no area records, forces or stock): for the engine's own totals.
        """
        t = _ms(at)
        with self.lock:
            sit = Situation(at=at)
            sit.evacuation, stages = self.evacuation.stages_at(t, rows=details)
            sit.works = self.works.at(t)
            sit.materials, sit.stock = self.materials.at(t, stock=details)
            sit.forces = self.forces.at(t) if details else []
            sit.storage_status = self.storage.at(t)
            sit.operations = self.ops.at(t, details=details)
            sit.water = self.water.at(t, details=details)
            sit.reported = self.reported_at(t)
            sit.sums = self._sums(t)
            sit.sums["stages"] = stages
            return sit

    def reported_at(self, t: int) -> dict[str, str]:
        """Each timed table's newest report at or before ``t`` (stored text), for the age of its figures."""
        out: dict[str, str] = {}
        for key, kt in self.key_times.items():
            i = int(np.searchsorted(kt, t, side="right")) - 1
            if i >= 0:
                out[key] = _texts(kt[i:i + 1])[0]
        return out

    def _sums(self, t: int) -> dict[str, Any]:
        """The moment's sums from the steps (whole numbers, so exactly the loop's)."""
        ev = self.evacuation.totals.at(t)
        persons = {s: int(ev[i]) for i, s in enumerate(STAGES)}
        households = {s: int(ev[5 + i]) for i, s in enumerate(STAGES)}
        by_kind = {}
        for kind, steps in sorted(self.evacuation.kinds.items(), key=lambda kv: str(kv[0])):  # the same order every run
            v = steps.at(t)
            by_kind[kind] = {s: int(v[i]) for i, s in enumerate(STAGES)}
        f = self.forces.steps.at(t)
        forces = {"teams": int(f[0]), "personnel": int(f[1]), "vehicles": int(f[2]), "boats": int(f[3])}
        by_category = {}
        for c, i in sorted(self.forces.categories.items()):
            if f[4 + 2 * i] > 0:  # a category counts while a team of it is not withdrawn
                by_category[c] = {"teams": int(f[4 + 2 * i]), "personnel": int(f[5 + 2 * i])}
        return {"persons": persons, "households": households, "by_kind": by_kind,
                "forces": forces, "by_category": by_category}

    def series(self, times: list[str] | None = None) -> Timeline:
        """The dashboard's curves at every report time (or at ``times``)."""
        with self.lock:
            if times is None:
                if self._series_kept is not None:
                    return self._series_kept  # shared between callers: read it, do not change it
                ts, g = self.report_times(), self.times
            else:
                ts, g = list(times), np.array([_ms(t) for t in times], dtype=np.int64)
            values: dict[tuple[str, ...], np.ndarray] = {}
            ordered = times is None  # the fold's report times ascend
            evac = self.evacuation.totals.sample(g, ordered)
            for i, s in enumerate(STAGES):
                values[("evacuation", "persons", s)] = evac[:, i]
                values[("evacuation", "households", s)] = evac[:, 5 + i]
            for kind, steps in self.evacuation.kinds.items():
                v = steps.sample(g, ordered)
                for i, s in enumerate(STAGES):
                    values[("evacuation", "by_area_kind", kind, s)] = v[:, i]
            w = self.works.steps.sample(g, ordered)
            for i, f in enumerate(WORK_FIELDS):
                values[("works", f)] = w[:, i]
            for (kind, item), steps in self.materials.moves.items():
                values[("materials", kind, item)] = steps.sample(g, ordered)[:, 0]
            f = self.forces.steps.sample(g, ordered)
            for i, k in enumerate(("teams", "personnel", "vehicles", "boats")):
                values[("forces", k)] = f[:, i]
            for c, i in self.forces.categories.items():
                values[("forces", "by_category", c, "teams")] = f[:, 4 + 2 * i]
                values[("forces", "by_category", c, "personnel")] = f[:, 5 + 2 * i]
            values.update(self.ops.series(np.asarray(g, dtype=np.int64), ordered))
            values.update(self.water.series_at(np.asarray(g, dtype=np.int64), ordered))
            got = Timeline(ts, values, np.asarray(g, dtype=np.int64))
            if times is None:
                self._series_kept = got
                self.changed = self.changed or self.keeping  # kept on disk with the fold next time
            return got


def _fid_span(fid: int | None, after: str | None) -> tuple[int, int] | None:
    """The fids one log entry added: its feature id, or an import's first..last."""
    if fid is not None:
        return int(fid), int(fid)
    try:
        a = json.loads(after) if after else None
    except ValueError:
        return None
    if isinstance(a, dict) and isinstance(a.get("first_fid"), int) and isinstance(a.get("last_fid"), int):
        return a["first_fid"], a["last_fid"]
    return None


@dataclass
class Timeline:
    """Curves over the report times: ``values[path]`` is one number per time.

    ``path`` follows :meth:`Situation.totals`, e.g. ``("evacuation", "persons",
    "transferred")`` or ``("materials", "dispatch", "sandbag")``; a path with no
    records reads as zeros.
    """

    times: list[str]
    values: dict[tuple[str, ...], np.ndarray]
    #: the same times as milliseconds since 1970 (UTC), for axes
    ms: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))

    def get(self, *path: str) -> np.ndarray:
        got = self.values.get(tuple(path))
        return got if got is not None else np.zeros(len(self.times))


_ENGINES: weakref.WeakKeyDictionary[Any, Engine] = weakref.WeakKeyDictionary()
_ENGINES_LOCK = threading.Lock()


_KEEP = False


def keep_folds(on: bool = True) -> None:
    """Take folds up from disk and keep them there (``keep``): for one-shot commands such as
    ``info --at``, which would otherwise fold a whole season for one moment."""
    global _KEEP
    _KEEP = on


def engine(ws: Any) -> Engine:
    """The workspace's fold, brought up to date (built on first use, then kept per workspace object)."""
    with _ENGINES_LOCK:
        eng = _ENGINES.get(ws)
        if eng is None:
            eng = Engine(_Source(ws))
            if _KEEP:
                eng.take_up()
            _ENGINES[ws] = eng
    eng.refresh()
    if _KEEP:
        eng.keep()
    return eng


def warm_up(ws: Any) -> Iterator[None]:
    """``Engine.warm`` for ``ws``'s fold: step it while nothing else is asked for."""
    return engine(ws).warm()


def take_up(ws: Any) -> bool:
    """Start ``ws``'s fold from the one kept on disk (if it may be trusted) and keep it there from now on;
    :func:`keep_fold` writes it. For a window's worker: a season reopens without folding again."""
    with _ENGINES_LOCK:
        eng = _ENGINES.get(ws)
        if eng is None:
            eng = _ENGINES[ws] = Engine(_Source(ws))
    return eng.take_up()


def keep_fold(ws: Any) -> None:
    """Write ``ws``'s fold to disk if it changed since it was taken up or last kept (see :func:`take_up`)."""
    eng = _ENGINES.get(ws)
    if eng is not None:
        eng.keep()


# ---------------------------------------------------------------- public API
def as_of(ws: Any, when: Any = None) -> Situation:
    """The situation at ``when`` (any time ``parse_time`` reads; None means now)."""
    at = to_storage(when) if when is not None else now_storage()
    return engine(ws).situation(at)


def forces_at(ws: Any, when: Any) -> list[dict[str, Any]]:
    """``as_of(ws, when).forces`` without folding the whole workspace when it has no fold yet: the forces
    and their logged edits alone. A tally window's first dispatch check on a season folded half a million
    records on the GUI thread for a list of two hundred teams."""
    at = to_storage(when)
    with _ENGINES_LOCK:
        built = _ENGINES.get(ws)
    if built is not None:
        return engine(ws).situation(at).forces
    src = _Source(ws)
    return _Forces(src.table("forces"), src.edits("forces")).at(_ms(at))


def delta(a: Any, b: Any) -> Any:
    """``b - a`` for nested totals; keys missing on one side count as zero."""
    if isinstance(a, dict) or isinstance(b, dict):
        a = a if isinstance(a, dict) else {}
        b = b if isinstance(b, dict) else {}
        return {k: delta(a.get(k, 0), b.get(k, 0)) for k in dict.fromkeys([*a, *b])}
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return _number(b - a)
    return b


def last_meeting(ws: Any, before: str | None = None) -> str | None:
    """Time of the last consultation meeting marked in the log (at or before ``before``)."""
    return _Source(ws).last_meeting(before)


def meetings(ws: Any) -> list[str]:
    """Times of every consultation meeting marked in the log, oldest first (the slider marks them)."""
    return _Source(ws).meetings()


def since_meeting(ws: Any, sit: Situation, totals: dict[str, Any] | None = None) -> tuple[str | None, dict[str, Any] | None]:
    """The last meeting at or before the moment of ``sit``, and what changed since (``delta`` of the totals).

    Per area the change is left out: the headline figures and the brief read
    the sums, and a season's thousand areas would make every slider step pay
    for it.
    """
    meeting = last_meeting(ws, sit.at)
    if meeting is None:
        return None, None
    now = sit.totals() if totals is None else totals
    return meeting, delta(engine(ws).meeting_totals(meeting), _without_areas(now))


def _without_areas(totals: dict[str, Any]) -> dict[str, Any]:
    ev = {k: v for k, v in totals["evacuation"].items() if k != "by_area"}
    return {**totals, "evacuation": ev}


def report(ws: Any, when: Any = None) -> dict[str, Any]:
    """``info --json --at``: the moment, its totals and the change since the last meeting."""
    at = to_storage(when) if when is not None else now_storage()
    sit = engine(ws).situation(at, details=False)  # the totals only: no list of who has not answered
    totals = sit.totals()
    from floodpost.data.situation.freshness import as_json

    # each headline figure's newest report, its age at the moment and whether it is overdue
    out: dict[str, Any] = {"at": iso_local(sit.at), "totals": totals, "ages": as_json(sit.reported, sit.at)}
    meeting = last_meeting(ws, sit.at)
    if meeting is not None:
        out["since_last_meeting"] = {
            "meeting_at": iso_local(meeting),
            "delta": delta(engine(ws).totals(meeting), totals),
        }
    return out


def time_span(ws: Any) -> tuple[str, str] | None:
    """The first and last report times of the record tables (storage form), or None without any."""
    return engine(ws).time_span()


def report_times(ws: Any) -> list[str]:
    """Every distinct ``reported_at`` of the record tables and forces, in order (storage form)."""
    return engine(ws).report_times()


def report_times_ms(ws: Any) -> np.ndarray:
    """:func:`report_times` as milliseconds (a season's 26,000 texts need not be read back)."""
    eng = engine(ws)
    with eng.lock:
        return eng.times.copy()


def hydrograph(ws: Any, station: str) -> dict[str, Any]:
    """A station's whole record for its chart (times in ms, levels, flows, storage, rain; its
    thresholds and crossing events): see :meth:`hydro.WaterFold.hydrograph`."""
    eng = engine(ws)
    with eng.lock:
        return eng.water.hydrograph(station)


def crossing_events(ws: Any, until: Any = None) -> list[Any]:
    """Every crossing event (``hydro.Crossing``) up to ``until`` (all without), in time order."""
    eng = engine(ws)
    with eng.lock:
        return eng.water.events(None if until is None else _ms(to_storage(until)))


def series(ws: Any, times: list[str] | None = None) -> Timeline:
    """The dashboard's curves at every report time: one pass over the fold, not one moment at a time."""
    return engine(ws).series(times)


def timeline(ws: Any, times: list[str] | None = None) -> dict[str, Any]:
    """Full totals at each of ``times`` (default every report time), each equal to ``as_of``'s.

    For a few moments (the brief, replay frames); curves over a whole season
    come from :func:`series`.
    """
    eng = engine(ws)
    times = report_times(ws) if times is None else times
    return {"times": times, "totals": [eng.situation(t).totals() for t in times]}
