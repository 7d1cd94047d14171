"""Operations as of any moment: incidents (险情), forces sent to them, warnings and who answered.

The rules, each a plain reading of the records (the property tests recompute
them literally):

- **An incident** exists from its ``reported_at``. Its status at T is that of
  its latest ``incident_status`` record at or before T (ties: the one entered
  later), "reported" before any. Its persons threatened, trapped and rescued
  are the latest record at or before T that gives each figure, else the
  incident's own figure (rescued: 0). Status records name the incident.
- **A dispatch** record sends (or recalls) personnel, vehicles and boats of a
  force to an incident. What a force has at an incident at T is the running
  sum, in time order (ties: in order of entry), of its sends less its recalls
  made after the incident was last closed, each figure never below zero (a
  recall of more than is there brings everyone back; a later send counts in
  full), and nothing while the incident is closed: closing an incident brings
  its teams back, and a reopened incident starts from what is sent after the
  closing. A closing is a status record that holds at its time (a "closed"
  corrected at the same time is no closing). A force's committed personnel is
  the sum over incidents; a force is committed while it has anything out.
- **A warning** is named; its latest row at or before T is the warning as
  issued then (a re-issue under the same name, an upgrade, replaces the
  recipients and the level, and is answered anew). It is active until its
  ``ends_at``. A recipient has answered at T when an acknowledgement for the
  warning and recipient, other than "no answer", lies between the current
  row's issue time and T; each "no answer" in that span before the answer is
  an attempt. Unanswered for ``ANSWER_MINUTES`` or more it is overdue. The
  unanswered come first in the list, longest waiting first.

How it stays cheap: every incident, force, warning and recipient is an
*entity* whose contribution to the sums is a few steps in time; a new
record recomputes only the entities it touches (their old steps taken off,
the new ones put on), so the totals at any moment are one binary search and
the curves one sampling, as for the tallies.
"""

from __future__ import annotations

import bisect
import itertools
import operator
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from floodpost.data import recipients as rcp
from floodpost.data.schema import INCIDENT_KINDS, INCIDENT_STATUS, WARNING_LEVELS

STATUSES = tuple(c.code for c in INCIDENT_STATUS)
#: Statuses of an incident still out of control (what the chief asks first).
UNCONTROLLED = ("reported", "handling")
KINDS = tuple(c.code for c in INCIDENT_KINDS)
LEVELS = tuple(c.code for c in WARNING_LEVELS)
#: Minutes after a warning's issue a recipient that has not answered is overdue (叫应 time limit).
ANSWER_MINUTES = 30
#: Sets of warnings in force whose answers in order are kept (a season has about seventy)
ANSWERED_KEPT = 256
MINUTE_MS = 60_000
#: The record tables and layer this part of the fold reads.
KEYS = ("incidents", "incident_status", "dispatches", "warnings", "acknowledgements")
INCIDENT_FIGURES = ("threatened", "trapped", "rescued")
_INF = float("inf")
#: The order of a moment's answered: answer time, warning, recipient.
_ANSWER_ORDER = operator.itemgetter(0, 1, 2)
_TIME_FID = operator.itemgetter(0, 1)

# vector layouts of the entities' contributions
_I_WIDTH = len(STATUSES) + 1 + len(INCIDENT_FIGURES) + len(KINDS)  # one-hot status, uncontrolled, figures, kind
_F_WIDTH = 4  # personnel, vehicles, boats, committed (a force with anything out)
_W_WIDTH = 1 + len(LEVELS)  # active, one-hot level
_R_WIDTH = 4  # recipients, answered, unanswered, overdue
_R_NONE, _R_WAITING, _R_OVERDUE, _R_ANSWERED = (0, 0, 0, 0), (1, 0, 1, 0), (1, 0, 1, 1), (1, 1, 0, 0)


def _text(v: Any) -> str:
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return str(v).strip()


def _int(v: Any) -> int:
    try:
        f = float(v)
    except (TypeError, ValueError):
        return 0
    return int(f) if f == f else 0


def _figure(v: Any) -> int | None:
    if v is None or (isinstance(v, float) and v != v) or v == "":
        return None
    return _int(v)


class _Contrib:
    """Sums over entities whose values change at a few times each.

    While building, steps are collected and sorted once; afterwards an
    entity's change takes its old steps off and puts the new ones on.
    """

    def __init__(self, width: int) -> None:
        from floodpost.data.situation import Steps  # the tallies' steps: one structure for both

        self._steps_cls = Steps
        self.width = width
        self.entities: dict[Any, list[tuple[int, tuple[float, ...]]]] = {}
        self._pending: list[tuple[int, tuple[float, ...]]] | None = []
        self.steps = Steps.empty(width)
        #: entities' changes put in at once as arrays (``put_packed``); ``entities`` holds those set since
        self._packed: tuple[list[Any], np.ndarray, np.ndarray, np.ndarray] | None = None
        self._packed_index: dict[Any, int] | None = None

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "_packed_index": None}  # made again when first needed

    def put_packed(self, entities: list[Any], starts: np.ndarray, times: np.ndarray, deltas: np.ndarray,
                   index: dict[Any, int] | None = None) -> None:
        """Changes of many entities at once, in the build: entity ``i``'s are rows ``starts[i]`` to
        ``starts[i + 1]`` of ``times`` and ``deltas``. Kept as arrays, taken apart for an entity only
        when it changes (a season's 20,000 recipients made 86,000 tuples, 0.1 s of the cold open).
        ``index``, when given, is each entity's place in ``entities``."""
        self._packed = (entities, starts, times, np.asarray(deltas, dtype=np.float64).reshape(-1, self.width))
        self._packed_index = index

    def deltas(self, entity: Any) -> list[tuple[int, tuple[float, ...]]]:
        """The entity's changes (time order), however they were put in."""
        got = self.entities.get(entity)
        if got is not None or self._packed is None:
            return got or []
        if self._packed_index is None:
            self._packed_index = {e: i for i, e in enumerate(self._packed[0])}
        i = self._packed_index.get(entity)
        if i is None:
            return []
        _, starts, times, deltas = self._packed
        lo, hi = int(starts[i]), int(starts[i + 1])
        return [(t, tuple(d)) for t, d in zip(times[lo:hi].tolist(), deltas[lo:hi].tolist(), strict=True)]

    def _packed_rows(self) -> tuple[np.ndarray, np.ndarray]:
        """The packed changes of the entities not set since (``entities`` has theirs)."""
        if self._packed is None:
            return np.empty(0, dtype=np.int64), np.zeros((0, self.width))
        names, starts, times, deltas = self._packed
        if not self.entities:
            return times, deltas
        set_since = [i for i, e in enumerate(names) if e in self.entities]
        if not set_since:
            return times, deltas
        keep = np.ones(len(names), dtype=bool)
        keep[set_since] = False
        rows = np.repeat(keep, np.diff(starts))
        return times[rows], deltas[rows]

    def set(self, entity: Any, points: list[tuple[int, Any]]) -> None:
        """The entity's value from each point's time on (points in time order; zero before the first)."""
        deltas: list[tuple[int, tuple[float, ...]]] = []
        prev: Any = (0.0,) * self.width
        for t, v in points:  # plain numbers: a numpy array per point cost more than the sums
            values = v.tolist() if isinstance(v, np.ndarray) else v
            d = [a - b for a, b in zip(values, prev, strict=True)]
            if any(d):
                deltas.append((t, tuple(d)))
            prev = values
        self.set_deltas(entity, deltas)

    def set_deltas(self, entity: Any, deltas: list[tuple[int, tuple[float, ...]]]) -> None:
        """The entity's changes (time order, none zero): what :meth:`set` works out from its points."""
        old = self.deltas(entity)
        if self._pending is not None:
            self._pending.extend(deltas)
        else:
            # only what changed: a reading appended to a gauge's 500 changes its last step or two
            same = 0
            for a, b in zip(old, deltas, strict=False):
                if a != b:
                    break
                same += 1
            for t, d in old[same:]:
                self.steps.add(t, np.negative(d))
            for t, d in deltas[same:]:
                self.steps.add(t, np.asarray(d, dtype=np.float64))
        if deltas or self._packed is not None:  # (an empty list stands for a packed entity's changes gone)
            self.entities[entity] = deltas
        else:
            self.entities.pop(entity, None)

    def finish(self) -> None:
        """End of the build: the collected steps in time order, in one go."""
        pending = self._pending or []
        self._pending = None
        packed_times, packed_deltas = self._packed_rows()
        if not pending and not len(packed_times):
            return
        times = np.concatenate([np.fromiter((t for t, _ in pending), dtype=np.int64, count=len(pending)),
                                packed_times])
        deltas = np.concatenate([np.array([d for _, d in pending], dtype=np.float64).reshape(len(pending), self.width),
                                 packed_deltas])
        order = np.argsort(times, kind="stable")
        self.steps = self._steps_cls(times[order], deltas[order], self.width)

    def again(self) -> None:
        """Collect changes as in the build until :meth:`restep`: for one record that changes many
        entities (a warning to 1,000 villages), where a step at a time would shift the sums 6,000 times."""
        self._pending = []

    def restep(self) -> None:
        """The steps again from every entity's, in one sort."""
        self._pending = [e for deltas in self.entities.values() for e in deltas]
        self.steps = self._steps_cls.empty(self.width)
        self.finish()

    def at(self, t: int) -> np.ndarray:
        return self.steps.at(t)

    def sample(self, times: np.ndarray, ordered: bool = False) -> np.ndarray:
        return self.steps.sample(times, ordered)


@dataclass
class AckColumns:
    """The acknowledgements as columns, in (report time, fid) order: the warnings and recipients they
    name as codes into their distinct values (-1: none), whether each is an answer (not "no answer"),
    and each row made only when looked at (``row(i)``). A season's 30,000 answers, a few of which a
    moment shows, were 30,000 dicts and as many names cleaned one by one (0.1 s of a cold open)."""

    warning_codes: np.ndarray
    warnings: list[Any]
    recipient_codes: np.ndarray
    recipients: list[Any]
    answer: np.ndarray  # bool
    ms: np.ndarray
    fid: np.ndarray
    row: Callable[[int], Mapping[str, Any]]

    @classmethod
    def of_rows(cls, rows: list[dict[str, Any]], ms: Sequence[int]) -> AckColumns:
        import pandas as pd

        def codes(column: str) -> tuple[np.ndarray, list[Any]]:
            got, values = pd.factorize(pd.Series([r.get(column) for r in rows], dtype=object))
            return np.asarray(got, dtype=np.int64), list(values)

        answer = np.array([r.get("how") != "no_answer" for r in rows], dtype=bool)
        return cls(*codes("warning"), *codes("recipient"), answer, np.asarray(ms, dtype=np.int64).reshape(-1),
                   np.array([int(r["fid"]) for r in rows], dtype=np.int64), rows.__getitem__)


class _Acks(dict):  # type: ignore[type-arg]
    """(warning, recipient) -> its acknowledgements [(ms, fid, row)] in (time, fid) order.

    Those of the build are kept as sorted arrays, and a pair's list is made
    when first asked for: a moment asks for the recipients of the warnings
    in force, not for the season's 19,000 pairs.
    """

    def __init__(self) -> None:
        super().__init__()
        self._index: dict[tuple[str, str], int] = {}
        self._packed: tuple[list[int], list[int], list[int], list[int], Callable[[int], Any], list[int]] | None = None

    def pack(self, index: dict[tuple[str, str], int], bounds: np.ndarray, ms: np.ndarray, fid: np.ndarray,
             rows: np.ndarray, row: Callable[[int], Any], answer: np.ndarray) -> None:
        """Pair ``index[pair]``'s acknowledgements are ``bounds[i]`` to ``bounds[i + 1]`` of ``ms``,
        ``fid``, ``rows`` (each made by ``row``) and ``answer`` (not "no answer")."""
        self._index = index
        # each acknowledgement's next answer at or after it (its own index if an answer; len: none after)
        n = len(answer)
        after = np.minimum.accumulate(np.where(answer, np.arange(n), n)[::-1])[::-1]
        # as lists: a pair's slices of them taken at once (numpy slices cost more than the few items)
        self._packed = (bounds.tolist(), ms.tolist(), fid.tolist(), rows.tolist(), row, after.tolist())

    def _unpack(self, pair: tuple[str, str]) -> list[tuple[int, int, Any]] | None:
        i = self._index.pop(pair, None) if self._packed is not None else None
        if i is None:
            return None
        bounds, ms, fid, rows, row, _ = self._packed  # type: ignore[misc]
        lo, hi = bounds[i], bounds[i + 1]
        got = [(t, f, row(k)) for t, f, k in zip(ms[lo:hi], fid[lo:hi], rows[lo:hi], strict=True)]
        dict.__setitem__(self, pair, got)
        return got

    def first_answer(self, pair: tuple[str, str], issued: int) -> tuple[tuple[int, Any] | None, list[int]]:
        """The first answer at or after ``issued`` (time, row) and the "no answer" times before it: of a
        pair still packed, without making its list (a moment's 7,000 recipients made 30 ms of them)."""
        return self.first_answers(pair[0], [pair[1]], issued)[0]

    def first_answers(self, name: str, keys: list[str], issued: int
                      ) -> list[tuple[tuple[int, Any] | None, list[int]]]:
        """:meth:`first_answer` of each recipient of ``keys`` to an issue of warning ``name``: of a pair
        still packed, a bisection to the issue and a look at the next answer after it."""
        out: list[tuple[tuple[int, Any] | None, list[int]]] = []
        if self._packed is None:
            return [self._first_in_list(dict.get(self, (name, key)), issued) for key in keys]
        bounds, ms, _, rows, row, after = self._packed
        index = self._index
        for key in keys:
            pair = (name, key)
            i = index.get(pair)
            if i is not None:
                hi = bounds[i + 1]
                s = bisect.bisect_left(ms, issued, bounds[i], hi)  # (time, fid) order: the first at or after
                j = after[s] if s < hi else hi
                out.append(((ms[j], row(rows[j])), ms[s:j]) if j < hi else (None, ms[s:hi]))
            else:
                out.append(self._first_in_list(dict.get(self, pair), issued))
        return out

    @staticmethod
    def _first_in_list(seq: list[tuple[int, int, Any]] | None, issued: int
                       ) -> tuple[tuple[int, Any] | None, list[int]]:
        tries: list[int] = []
        for at, _, ack in seq or ():
            if at < issued:
                continue
            if ack.get("how") == "no_answer":
                tries.append(at)
            else:
                return (at, ack), tries
        return None, tries

    def get(self, pair: tuple[str, str], default: Any = None) -> Any:  # type: ignore[override]
        got = dict.get(self, pair)
        if got is None:
            got = self._unpack(pair)
        return default if got is None else got

    def __missing__(self, pair: tuple[str, str]) -> list[tuple[int, int, Any]]:
        got = self._unpack(pair)
        if got is None:
            got = []
            dict.__setitem__(self, pair, got)
        return got

    def __contains__(self, pair: object) -> bool:
        return dict.__contains__(self, pair) or pair in self._index

    def __reduce__(self) -> Any:  # (pickled as a dict would lose the packed arrays)
        return (_Acks, (), self.__dict__, None, iter(dict.items(self)))


def _insort(seq: list[tuple[Any, ...]], item: tuple[Any, ...]) -> None:
    bisect.insort(seq, item, key=_TIME_FID)


def _latest(seq: list[tuple[Any, ...]], t: float) -> int:
    """Index of the last (time, fid, ...) entry at or before ``t``, or -1."""
    return bisect.bisect_right(seq, t, key=lambda e: e[0]) - 1


@dataclass
class Operations:
    """The operations part of one moment: what the map, the lists and the brief show."""

    at: int  # ms
    incidents: list[dict[str, Any]] = field(default_factory=list)
    dispatches: list[dict[str, Any]] = field(default_factory=list)
    committed: dict[str, dict[str, int]] = field(default_factory=dict)  # force -> personnel/vehicles/boats
    warnings: list[dict[str, Any]] = field(default_factory=list)
    recipients: list[dict[str, Any]] = field(default_factory=list)
    #: the sums from the steps: incidents, forces committed, warnings, recipients
    sums: dict[str, Any] = field(default_factory=dict)

    def totals(self, forces: dict[str, Any] | None = None) -> dict[str, Any]:
        """``info --json``'s incidents, dispatch and warnings; ``forces`` (the moment's force totals)
        gives the available teams and personnel."""
        s = self.sums
        inc = s["incidents"]
        out_i = {
            "total": int(sum(inc[: len(STATUSES)])),
            "by_status": {st: int(inc[i]) for i, st in enumerate(STATUSES)},
            "uncontrolled": int(inc[len(STATUSES)]),
            "by_kind": {k: int(inc[len(STATUSES) + 4 + i]) for i, k in enumerate(KINDS)
                        if inc[len(STATUSES) + 4 + i]},
            **{f: int(inc[len(STATUSES) + 1 + i]) for i, f in enumerate(INCIDENT_FIGURES)},
        }
        f = s["forces"]
        out_d: dict[str, int] = {
            "teams_committed": int(f[3]),
            "personnel_committed": int(f[0]),
            "vehicles_committed": int(f[1]),
            "boats_committed": int(f[2]),
        }
        if forces is not None:
            out_d["teams_available"] = max(0, int(forces.get("teams", 0)) - out_d["teams_committed"])
            out_d["personnel_available"] = max(0, int(forces.get("personnel", 0)) - out_d["personnel_committed"])
        w, r = s["warnings"], s["recipients"]
        out_w = {
            "active": int(w[0]),
            "by_level": {lv: int(w[1 + i]) for i, lv in enumerate(LEVELS) if w[1 + i]},
            "recipients": int(r[0]),
            "answered": int(r[1]),
            "unanswered": int(r[2]),
            "overdue": int(r[3]),
            "answer_minutes": ANSWER_MINUTES,
        }
        return {"incidents": out_i, "dispatch": out_d, "warnings": out_w}


class OperationsFold:
    """The fold of incidents, dispatches, warnings and acknowledgements; kept current record by record."""

    def __init__(self, tables: dict[str, list[dict[str, Any]]], ms: Callable[[Any], int],
                 times: dict[str, list[int]] | None = None, acks: AckColumns | None = None) -> None:
        """``times``, when given, are each table's rows' report times (ms), as the table read them: a
        season's 35,000 rows without their times parsed again from text. ``acks``, when given, are the
        acknowledgements (else read from ``tables``)."""
        self._ms = ms
        #: incident fid -> (report ms, row); names -> fids
        self.incidents: dict[int, tuple[int, dict[str, Any]]] = {}
        self.by_name: dict[str, list[int]] = defaultdict(list)
        #: incident name -> [(ms, fid, row)] status records in time order
        self.status: dict[str, list[tuple[int, int, dict[str, Any]]]] = defaultdict(list)
        #: incident name -> times of its closings (closed records not corrected at the same time)
        self.closings: dict[str, list[int]] = {}
        #: (force, incident) -> [(ms, fid, (personnel, vehicles, boats) signed, row)]
        self.pairs: dict[tuple[str, str], list[tuple[int, int, tuple[int, int, int], dict[str, Any]]]] = \
            defaultdict(list)
        self.force_pairs: dict[str, set[str]] = defaultdict(set)  # force -> incidents
        self.incident_forces: dict[str, set[str]] = defaultdict(set)  # incident -> forces
        #: warning name -> [(ms, fid, row, recipient keys, ends ms, the keys as a set)]
        self.warnings: dict[str, list[tuple[int, int, dict[str, Any], list[str], float, frozenset[str]]]] = \
            defaultdict(list)
        #: (warning, recipient) -> [(ms, fid, row)] acknowledgements
        self.acks = _Acks()
        #: (warning, recipient) -> issue ms -> (its first answer, the unanswered calls before it): see ``_answer``
        self._answers: dict[tuple[str, str], dict[int, tuple[Any, list[int]]]] = {}
        #: (warning, issue ms, fid) -> its recipients' answers, in its order (``_issue_answers``)
        self._by_issue: dict[tuple[str, int, int], tuple[list[Any], list[Any], list[int], np.ndarray]] = {}
        #: (warning, issue ms, fid) -> its answered recipients as a moment lists them (``_answered_in_order``)
        self._issue_rows: dict[tuple[str, int, int], list[tuple[int, str, str, dict[str, Any]]]] = {}
        #: the issues in force -> their answers in order (``_answered_in_order``)
        self._answered: dict[tuple[Any, ...], tuple[list[dict[str, Any]], list[int]]] = {}
        #: (incident fid, index of its status record in force) -> its state (``incident_state``)
        self._states: dict[tuple[int, int], dict[str, Any]] = {}
        #: recipient keys as written -> as stored; recipients cells -> keys (1,000 answers name a few keys)
        self._key_of: dict[str, str] = {}
        self._keys_of: dict[str, list[str]] = {}
        #: (force, incident) -> (times, (personnel, vehicles, boats) from each time on)
        self.pair_lines: dict[tuple[str, str], tuple[list[int], list[tuple[int, int, int]]]] = {}
        #: bumped whenever a pair's line is worked out again (``_pairs_flat`` follows it)
        self._lines_version = 0
        self.incident_sums = _Contrib(_I_WIDTH)
        self.force_sums = _Contrib(_F_WIDTH)
        self.warning_sums = _Contrib(_W_WIDTH)
        self.recipient_sums = _Contrib(_R_WIDTH)
        def rows(key: str) -> Iterable[tuple[dict[str, Any], int]]:
            got = tables.get(key, [])
            given = (times or {}).get(key)
            return zip(got, given if given is not None else [ms(r.get("reported_at")) for r in got], strict=True)

        for r, t in rows("incidents"):
            self._put_incident(r, t)
        for r, t in rows("incident_status"):
            self._put_status(r, t)
        for r, t in rows("dispatches"):
            self._put_dispatch(r, t)
        for r, t in rows("warnings"):
            self._put_warning(r, t)
        if acks is None:
            got = tables.get("acknowledgements", [])
            acks = AckColumns.of_rows(got, [t for _, t in rows("acknowledgements")])
        answers = self._put_acks(acks)
        for name in self.status:
            self._closings(name)
        for fid in self.incidents:
            self._incident_entity(fid)
        for force in self.force_pairs:
            self._force_entity(force)
        for name in self.warnings:
            self._warning_entity(name)
        self._all_recipient_entities(answers)
        for c in (self.incident_sums, self.force_sums, self.warning_sums, self.recipient_sums):
            c.finish()

    def __getstate__(self) -> dict[str, Any]:
        # kept on disk without what each moment looks up again (``situation.keep``)
        return {**self.__dict__, "_answers": {}, "_by_issue": {}, "_issue_rows": {}, "_answered": {}, "_states": {},
                "_incident_order": None, "_pairs_flat_kept": None}

    # ------------------------------------------------------------ putting records in
    def _time(self, r: dict[str, Any], t: int | None) -> int:
        """``t``, or the record's report time read from its text (a record entered one by one)."""
        return self._ms(r.get("reported_at")) if t is None else t

    def _put_incident(self, r: dict[str, Any], t: int | None = None) -> None:
        fid = int(r["fid"])
        self.incidents[fid] = (self._time(r, t), r)
        self.by_name[_text(r.get("name"))].append(fid)
        self._incident_order = None

    def _put_status(self, r: dict[str, Any], t: int | None = None) -> str:
        name = _text(r.get("incident"))
        _insort(self.status[name], (self._time(r, t), int(r["fid"]), r))
        self._states.clear()  # the indexes of the records after it moved
        return name

    def _closings(self, name: str) -> None:
        """The times the incident was closed: a "closed" that holds at its time (not corrected then)."""
        seq = self.status.get(name, [])
        self.closings[name] = [e[0] for k, e in enumerate(seq) if e[2].get("status") == "closed"
                               and (k + 1 == len(seq) or seq[k + 1][0] != e[0])]

    def _put_dispatch(self, r: dict[str, Any], t: int | None = None) -> str:
        force, incident = _text(r.get("force")), _text(r.get("incident"))
        sign = -1 if r.get("action") == "recall" else 1
        amounts = (sign * _int(r.get("personnel")), sign * _int(r.get("vehicles")), sign * _int(r.get("boats")))
        _insort(self.pairs[(force, incident)], (self._time(r, t), int(r["fid"]), amounts, r))
        self.force_pairs[force].add(incident)
        self.incident_forces[incident].add(force)
        return force

    def _put_warning(self, r: dict[str, Any], t: int | None = None) -> str:
        name = _text(r.get("name"))
        ends = r.get("ends_at")
        end_ms = float(self._ms(ends)) if ends else _INF
        cell = _text(r.get("recipients"))
        keys = self._keys_of.get(cell)
        if keys is None:
            keys = self._keys_of[cell] = rcp.split(cell)
        row = (self._time(r, t), int(r["fid"]), r, keys, end_ms, frozenset(keys))
        self._forget_answers()
        _insort(self.warnings[name], row)
        return name

    def _forget_answers(self) -> None:
        """A warning or an answer entered: the issues' answers in order are worked out again."""
        self._by_issue.clear()
        self._issue_rows.clear()
        self._answered.clear()

    def _put_ack(self, r: dict[str, Any]) -> tuple[str, str]:
        pair = (_text(r.get("warning")), self._recipient_key(r.get("recipient")))
        _insort(self.acks[pair], (self._ms(r.get("reported_at")), int(r["fid"]), r))
        self._answers.pop(pair, None)
        self._forget_answers()
        return pair

    def _recipient_key(self, raw: Any) -> str:
        key = self._key_of.get(raw)
        if key is None:
            key = self._key_of[raw] = rcp.normalise(_text(raw))
        return key

    def _put_acks(self, columns: AckColumns) -> tuple[Callable[[tuple[str, str]], int], np.ndarray, np.ndarray]:
        """Every acknowledgement at once (the build): each distinct warning and recipient name cleaned
        once, the rows grouped by pair with one sort and kept as arrays (``_Acks``). Gives the answers
        (those other than "no answer"), for the recipients' steps: a pair's number (``number(pair)``,
        -1 for a pair with none), and each answer's pair number and time."""
        # the names as cleaned (-1, no name, is the last), equal ones after cleaning made one
        names = [_text(v) for v in columns.warnings] + [_text(None)]
        keys = [self._recipient_key(v) for v in columns.recipients] + [self._recipient_key(None)]
        name_ids: dict[str, int] = {}
        key_ids: dict[str, int] = {}
        w = np.array([name_ids.setdefault(n, len(name_ids)) for n in names], dtype=np.int64)[columns.warning_codes]
        k = np.array([key_ids.setdefault(x, len(key_ids)) for x in keys], dtype=np.int64)[columns.recipient_codes]
        width = max(len(key_ids), 1)
        pair = w * width + k
        order = np.argsort(pair, kind="stable")  # the rows are in (time, fid) order: so is each pair's
        grouped = pair[order]
        starts = np.flatnonzero(np.r_[True, grouped[1:] != grouped[:-1]]) if len(grouped) else grouped
        name_of, key_of = list(name_ids), list(key_ids)
        index = {(name_of[p // width], key_of[p % width]): i for i, p in enumerate(grouped[starts].tolist())}
        self.acks.pack(index, np.r_[starts, len(grouped)].astype(np.int64), np.asarray(columns.ms)[order],
                       np.asarray(columns.fid)[order], order, columns.row, np.asarray(columns.answer)[order])

        def number(p: tuple[str, str]) -> int:
            a, b = name_ids.get(p[0]), key_ids.get(p[1])
            return -1 if a is None or b is None else a * width + b

        return number, pair[columns.answer], np.asarray(columns.ms)[columns.answer]

    def add(self, key: str, r: dict[str, Any]) -> bool:
        """One new record (or incident), its entities recomputed; False for what only a rebuild explains."""
        if key == "incidents":
            if int(r["fid"]) in self.incidents:
                return False
            self._put_incident(r)
            self._incident_entity(int(r["fid"]))
        elif key == "incident_status":
            name = self._put_status(r)
            self._closings(name)
            for fid in self.by_name.get(name, []):
                self._incident_entity(fid)
            for force in self.incident_forces.get(name, ()):
                self._force_entity(force)
        elif key == "dispatches":
            self._force_entity(self._put_dispatch(r))
        elif key == "warnings":
            name = self._put_warning(r)
            self._warning_entity(name)
            self.recipient_sums.again()
            for _, keys in self._recipients({name: self.warnings[name]}):
                self._recipient_entities(name, keys)
            self.recipient_sums.restep()
        elif key == "acknowledgements":
            name, key = self._put_ack(r)
            self._recipient_entities(name, [key])
        else:
            return False
        return True

    # ------------------------------------------------------------ the state of one entity at T
    def incident_state(self, fid: int, t: float) -> dict[str, Any] | None:
        """The incident's status and figures at ``t``: the same from one status record to the next, so
        worked out once per record (until a status is entered). Shared: read it, do not change it."""
        t0, row = self.incidents[fid]
        if t0 > t:
            return None
        seq = self.status.get(_text(row.get("name")), [])
        i = _latest(seq, t)
        got = self._states.get((fid, i))
        if got is None:
            got = self._states[(fid, i)] = self._state(fid, seq, i)
        return got

    def _state(self, fid: int, seq: list[tuple[int, int, dict[str, Any]]], i: int) -> dict[str, Any]:
        t0, row = self.incidents[fid]
        status = seq[i][2].get("status") if i >= 0 else "reported"
        status = status if status in STATUSES else "reported"
        figures = {"threatened": _figure(row.get("threatened")) or 0,
                   "trapped": _figure(row.get("trapped")) or 0, "rescued": 0}
        for f in INCIDENT_FIGURES:
            for j in range(i, -1, -1):
                v = _figure(seq[j][2].get(f))
                if v is not None:
                    figures[f] = v
                    break
        return {"status": status, "status_ms": seq[i][0] if i >= 0 else t0, **figures}

    def _incident_entity(self, fid: int) -> None:
        """The incident's counts in the sums from its report and each later status time on: its states
        worked out in one walk over its status records (``_state`` walks back from one record, for
        each) and kept for the moments."""
        t0, row = self.incidents[fid]
        seq = self.status.get(_text(row.get("name")), [])
        figures = {"threatened": _figure(row.get("threatened")) or 0,
                   "trapped": _figure(row.get("trapped")) or 0, "rescued": 0}
        states = [{"status": "reported", "status_ms": t0, **figures}]  # before any record, then after each
        for i, (t, _, r) in enumerate(seq):
            for f in INCIDENT_FIGURES:
                v = _figure(r.get(f))
                if v is not None:
                    figures[f] = v
            status = r.get("status")
            states.append({"status": status if status in STATUSES else "reported", "status_ms": t, **figures})
            self._states[(fid, i)] = states[-1]
        self._states[(fid, -1)] = states[0]
        kind = row.get("kind")
        kind_at = len(STATUSES) + 4 + (KINDS.index(kind) if kind in KINDS else KINDS.index("other"))
        points: list[tuple[int, list[float]]] = []
        k = 0
        for t in sorted({t0, *(e[0] for e in seq if e[0] > t0)}):
            while k < len(seq) and seq[k][0] <= t:  # the last record at or before t holds
                k += 1
            s = states[k]
            v = [0.0] * _I_WIDTH
            v[STATUSES.index(s["status"])] = 1.0
            v[len(STATUSES)] = 1.0 if s["status"] in UNCONTROLLED else 0.0
            for i, f in enumerate(INCIDENT_FIGURES):
                v[len(STATUSES) + 1 + i] = float(s[f])
            v[kind_at] = 1.0
            points.append((t, v))
        self.incident_sums.set(("i", fid), points)

    def _since(self, incident: str, t: float) -> float | None:
        """When the incident was last closed at or before ``t`` (-inf if never); None while it is closed."""
        status = self.status.get(incident, [])
        i = _latest(status, t)
        if i >= 0 and status[i][2].get("status") == "closed":
            return None
        closings = self.closings.get(incident, [])
        j = bisect.bisect_right(closings, t) - 1
        return closings[j] if j >= 0 else -_INF

    def pair_amounts(self, force: str, incident: str, t: float) -> tuple[int, int, int]:
        """What ``force`` has at ``incident`` at ``t`` (personnel, vehicles, boats)."""
        line = self.pair_lines.get((force, incident))
        if line is None:
            line = self.pair_lines[(force, incident)] = self._pair_line(force, incident)
        k = bisect.bisect_right(line[0], t) - 1
        return line[1][k] if k >= 0 else (0, 0, 0)

    def _pair_line(self, force: str, incident: str) -> tuple[list[int], list[tuple[int, int, int]]]:
        """What ``force`` has at ``incident`` from each of its records' and the incident's status times
        on: one sweep in time order (a closing empties it; records at a closing's time are before it)."""
        seq = self.pairs.get((force, incident), [])
        status = self.status.get(incident, [])
        closings = set(self.closings.get(incident, []))
        times = sorted({e[0] for e in seq} | {e[0] for e in status})
        out_v: list[tuple[int, int, int]] = []
        p = v = b = 0
        i = j = 0
        closed = False
        for t in times:
            while j < len(status) and status[j][0] <= t:  # (time, fid) order: the last at t holds
                closed = status[j][2].get("status") == "closed"
                j += 1
            if t in closings:
                p = v = b = 0
                while i < len(seq) and seq[i][0] <= t:
                    i += 1
            while i < len(seq) and seq[i][0] <= t:  # a running sum: a recall takes back at most what is there
                d = seq[i][2]
                p, v, b = max(0, p + d[0]), max(0, v + d[1]), max(0, b + d[2])
                i += 1
            out_v.append((0, 0, 0) if closed else (p, v, b))
        return times, out_v

    def last_send(self, force: str, incident: str, t: float) -> dict[str, Any] | None:
        """The latest send of ``force`` to ``incident`` still counting at ``t`` (its task and time)."""
        since = self._since(incident, t)
        if since is None:
            return None
        seq = self.pairs.get((force, incident), [])
        for e in reversed(seq[: _latest(seq, t) + 1]):
            if e[0] <= since:
                break
            if e[3].get("action") != "recall":
                return e[3]
        return None

    def _force_entity(self, force: str) -> None:
        """The force's sums: its pairs' lines (one per incident) added up where any of them changes."""
        events: list[tuple[int, int, int, int]] = []
        self._lines_version = getattr(self, "_lines_version", 0) + 1
        for incident in self.force_pairs.get(force, ()):
            line = self.pair_lines[(force, incident)] = self._pair_line(force, incident)
            prev = (0, 0, 0)
            for t, a in zip(*line, strict=True):
                if a != prev:
                    events.append((t, a[0] - prev[0], a[1] - prev[1], a[2] - prev[2]))
                    prev = a
        events.sort(key=lambda e: e[0])
        points: list[tuple[int, tuple[int, int, int, int]]] = []
        p = v = b = 0
        last = len(events) - 1
        for k, (t, dp, dv, db) in enumerate(events):
            p, v, b = p + dp, v + dv, b + db
            if k < last and events[k + 1][0] == t:
                continue
            points.append((t, (p, v, b, 1 if (p or v or b) else 0)))
        self.force_sums.set(("f", force), points)

    def warning_row(self, name: str, t: float
                    ) -> tuple[int, int, dict[str, Any], list[str], float, frozenset[str]] | None:
        """The warning as issued at ``t`` (its latest row), or None if not issued yet or lifted."""
        seq = self.warnings.get(name, [])
        i = _latest(seq, t)
        if i < 0 or seq[i][4] <= t:
            return None
        return seq[i]

    def _warning_vector(self, name: str, t: float) -> np.ndarray:
        v = np.zeros(_W_WIDTH)
        row = self.warning_row(name, t)
        if row is not None:
            v[0] = 1
            level = row[2].get("level")
            if level in LEVELS:
                v[1 + LEVELS.index(level)] = 1
        return v

    def _warning_entity(self, name: str) -> None:
        seq = self.warnings.get(name, [])
        times = sorted({e[0] for e in seq} | {int(e[4]) for e in seq if e[4] != _INF})
        self.warning_sums.set(("w", name), [(t, self._warning_vector(name, t)) for t in times])

    def recipient_state(self, name: str, key: str, t: float, minutes: int = ANSWER_MINUTES
                        ) -> dict[str, Any] | None:
        """A recipient of an active warning at ``t``: answered when, how, waiting how long."""
        row = self.warning_row(name, t)
        if row is None or key not in row[5]:
            return None
        issued = row[0]
        answered, attempts = self._answer(name, key, issued, t)
        waiting = 0.0 if answered is not None else max(0.0, (t - issued) / MINUTE_MS)
        return {
            "issued_ms": issued,
            "answered_ms": answered[0] if answered else None,
            "ack": answered[1] if answered else None,
            "attempts": attempts,
            "waiting_min": waiting,
            "overdue": answered is None and t - issued >= minutes * MINUTE_MS,
        }

    def _answer(self, name: str, key: str, issued: int, t: float) -> tuple[tuple[int, dict[str, Any]] | None, int]:
        """The first answer between the issue and ``t`` (time and row), and the "no answer"s before it.

        The first answer after an issue and the calls before it do not depend
        on ``t``: worked out once per recipient and issue (until an answer to
        it is entered), then each moment is a comparison and a bisection.
        """
        per = self._answers.get((name, key))
        if per is None:
            per = self._answers[(name, key)] = {}
        got = per.get(issued)
        if got is None:
            got = per[issued] = self.acks.first_answer((name, key), issued)
        first, tries = got
        if first is not None and first[0] <= t:
            return first, len(tries)
        return None, bisect.bisect_right(tries, t)

    def _issue_answers(self, name: str, row: Any) -> tuple[list[Any], list[Any], list[int], np.ndarray]:
        """One issue of a warning's recipients with their first answers (``_answer``): by recipient, the
        answered by (answer time, recipient), those answer times, and each recipient's first answer time
        (inf: none). The same at every moment until an answer is entered, so a moment takes the answered
        as a prefix and finds the rest with one comparison (not a walk over 10,000 recipients)."""
        got = self._by_issue.get((name, row[0], row[1]))
        if got is None:
            keys = sorted(set(row[3]))
            by_key = []
            for key, found in zip(keys, self.acks.first_answers(name, keys, row[0]), strict=True):
                self._answers.setdefault((name, key), {})[row[0]] = found  # as ``_answer`` keeps them
                by_key.append((key, *found))
            by_answer = sorted((e for e in by_key if e[1] is not None), key=lambda e: (e[1][0], e[0]))
            first_ms = np.array([_INF if e[1] is None else e[1][0] for e in by_key], dtype=np.float64)
            got = (by_key, by_answer, [e[1][0] for e in by_answer], first_ms)
            self._by_issue[(name, row[0], row[1])] = got
        return got

    def _answered_in_order(self, active: list[tuple[int, str, Any]]) -> tuple[list[dict[str, Any]], list[int]]:
        """Every answer to the issues in force, by (answer time, warning, recipient), and those times: the
        same at every moment until the warnings in force change or an answer is entered, so a moment's
        answered are a prefix. The dicts are shared by the moments: read them, do not change them."""
        sig = tuple((name, row[0], row[1]) for _, name, row in active)
        got = self._answered.get(sig)
        if got is None:
            lists = [self._answered_rows(name, row) for _, name, row in active]
            # each list is in order: the sort merges the runs (in C, where heapq.merge stepped in Python)
            merged = sorted(itertools.chain.from_iterable(lists), key=_ANSWER_ORDER)
            if len(self._answered) > ANSWERED_KEPT:  # warnings made anew at every call (not a fold's): bounded
                self._answered.clear()
            got = self._answered[sig] = ([e[3] for e in merged], [e[0] for e in merged])
        return got

    def _answered_rows(self, name: str, row: Any) -> list[tuple[int, str, str, dict[str, Any]]]:
        """An issue's answered as a moment lists them: once per issue, not per moment."""
        rows = self._issue_rows.get((name, row[0], row[1]))
        if rows is None:
            issued, level, kind = row[0], row[2].get("level"), row[2].get("kind")
            by_answer = self._issue_answers(name, row)[1]
            rows = self._issue_rows[(name, row[0], row[1])] = [(first[0], name, key, {
                "warning": name, "recipient": key, "level": level, "kind": kind, "issued_ms": issued,
                "answered_ms": first[0], "ack": first[1], "attempts": len(tries), "waiting_min": 0.0,
                "overdue": False}) for key, first, tries in by_answer]
        return rows

    def warm(self) -> Iterator[None]:
        """Each issue's answers worked out ahead (``Engine.warm``), one issue per step; then the answers
        in order of every set of warnings in force the season has (a slider moved across a season
        met a new set at most steps: 6,000 answers merged, 1-2 ms)."""
        for name, seq in list(self.warnings.items()):
            for row in list(seq):
                self._answered_rows(name, row)
                yield
        changes = sorted({e[0] for seq in self.warnings.values() for e in seq}
                         | {int(e[4]) for seq in self.warnings.values() for e in seq if e[4] != _INF})
        for t in changes[:ANSWERED_KEPT]:
            self._answered_in_order(self._active(t))
            yield

    def _active(self, t: float) -> list[tuple[int, str, Any]]:
        """The warnings in force at ``t`` as (issue time, name, row), earliest issued first."""
        active = []
        for name in self.warnings:
            row = self.warning_row(name, t)
            if row is not None:
                active.append((row[0], name, row))
        active.sort(key=lambda a: (a[0], a[1]))
        return active

    def _recipient_entities(self, name: str, keys: Iterable[str]) -> None:
        """Recipients' counts in the sums, each worked out from the warning's rows and the recipient's
        answers in one walk: each row holds from its issue to the next row (or its end), in which the
        recipient is unanswered, overdue after ``ANSWER_MINUTES``, and answered from its first answer
        on. The rows' spans are worked out once for all the warning's recipients (a season's warnings
        have 20,000)."""
        late = ANSWER_MINUTES * MINUTE_MS
        spans = self._spans(name)
        acks_of, put = self.acks.get, self.recipient_sums.set_deltas
        for key in keys:
            acks = acks_of((name, key), ())
            points: list[tuple[float, tuple[int, int, int, int]]] = []
            for start, stop, named in spans:
                if key not in named:
                    points.append((start, _R_NONE))
                    continue
                first = None
                for at, _, ack in acks:
                    if at >= start and ack.get("how") != "no_answer":
                        first = at
                        break
                points.append((start, _R_WAITING))
                if (first is None or first > start + late) and start + late < stop:
                    points.append((start + late, _R_OVERDUE))
                if first is not None and first < stop:
                    points.append((first, _R_ANSWERED))
                if stop != _INF:
                    points.append((stop, _R_NONE))
            deltas: list[tuple[int, tuple[float, ...]]] = []
            prev = _R_NONE
            last = len(points) - 1
            for k, (t, v) in enumerate(points):
                if k < last and points[k + 1][0] == t:
                    continue  # the last point at a time holds
                if v != prev:
                    deltas.append((int(t), (v[0] - prev[0], v[1] - prev[1], v[2] - prev[2], v[3] - prev[3])))
                    prev = v
            put((name, key), deltas)

    def _spans(self, name: str) -> list[tuple[int, float, frozenset[str]]]:
        """(issue, end, the keys it names) of the warning's rows that hold: each from its issue to the
        next row or its end."""
        seq = self.warnings.get(name, [])
        spans: list[tuple[int, float, frozenset[str]]] = []
        n = len(seq)
        for i, e in enumerate(seq):
            start = e[0]
            nxt = seq[i + 1][0] if i + 1 < n else _INF
            if nxt == start:
                continue  # replaced at its own time: never holds
            stop = min(nxt, e[4])
            spans.append((start, stop, e[5] if stop > start else frozenset()))
        return spans

    def _all_recipient_entities(self, answers: tuple[Callable[[tuple[str, str]], int], np.ndarray, np.ndarray]
                                ) -> None:
        """:meth:`_recipient_entities` of every warning's recipients at once, with arrays (the build):
        ``answers`` are the acknowledgements other than "no answer", as ``_put_acks`` gives them. The
        same walk, each step a column: a recipient's points in each row's span (waiting from the issue,
        overdue, answered, none at the end), the last point at a time holding, the changes between
        them. A season's 20,000 recipients took 0.11 s one by one."""
        late = ANSWER_MINUTES * MINUTE_MS
        never = np.iinfo(np.int64).max  # no answer, no end
        names: list[tuple[str, str]] = []  # the recipients (warning, recipient key), each an entity
        index: dict[tuple[str, str], int] = {}
        cols: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []  # entity, start, stop, named
        for name, keys in self._recipients(self.warnings):
            spans = self._spans(name)
            if not keys or not spans:
                continue
            base = len(names)
            local = {k: i for i, k in enumerate(keys)}
            index.update(((name, k), base + i) for k, i in local.items())
            names.extend((name, k) for k in keys)
            named = np.zeros((len(keys), len(spans)), dtype=bool)  # (recipient, span): in that row's list
            for j, (_, _, keyset) in enumerate(spans):
                named[[local[k] for k in keyset], j] = True
            starts = np.array([sp[0] for sp in spans], dtype=np.int64)
            stops = np.array([never if sp[1] == _INF else int(sp[1]) for sp in spans], dtype=np.int64)
            shape = named.shape
            cols.append((np.repeat(np.arange(base, base + len(keys), dtype=np.int64), len(spans)),
                         np.broadcast_to(starts, shape).ravel(), np.broadcast_to(stops, shape).ravel(),
                         named.ravel()))
        if not cols:
            return
        entity, start, stop, named = (np.concatenate(c) for c in zip(*cols, strict=True))
        # the first answer at or after each row's issue: the answers by (recipient, time) as one sorted key
        number, a_pair, a_time = answers
        numbers = np.array([number(pair) for pair in names], dtype=np.int64)  # each recipient's pair, -1: none
        by_number = np.argsort(numbers)
        pos = np.minimum(np.searchsorted(numbers[by_number], a_pair), len(names) - 1)
        named_in = numbers[by_number][pos] == a_pair  # (an answer from someone no row names)
        a_entity, a_time = by_number[pos][named_in], np.asarray(a_time, dtype=np.int64)[named_in]
        first = np.full(len(entity), never, dtype=np.int64)
        if len(a_entity):
            t0 = int(min(a_time.min(), start.min()))
            width = int(max(a_time.max(), start.max())) - t0 + 2
            if len(names) * width >= 2 ** 62:  # times too far apart for one key: one by one
                for name, keys in self._recipients(self.warnings):
                    self._recipient_entities(name, keys)
                return
            akey = a_entity * width + (a_time - t0)
            akey.sort()
            pos = np.searchsorted(akey, entity * width + (start - t0), side="left")
            found = pos < len(akey)
            at = akey[np.minimum(pos, len(akey) - 1)]
            found &= at // width == entity
            first[found] = at[found] % width + t0
        # four points per (recipient, span): waiting or none at the issue, overdue, answered, none at the end
        due = start + late
        t = np.stack([start, due, first, stop], axis=1).ravel()
        v = np.stack([named.astype(np.int64), np.full(len(entity), 2), np.full(len(entity), 3),
                      np.zeros(len(entity), dtype=np.int64)], axis=1).ravel()
        shown = np.stack([np.ones(len(entity), dtype=bool), named & (first > due) & (due < stop),
                          named & (first < stop), named & (stop != never)], axis=1).ravel()
        e = np.repeat(entity, 4)[shown]
        t, v = t[shown], v[shown]
        holds = np.ones(len(e), dtype=bool)  # the last point at a time holds
        holds[:-1] = (e[1:] != e[:-1]) | (t[1:] != t[:-1])
        e, t, v = e[holds], t[holds], v[holds]
        prev = np.zeros(len(v), dtype=np.int64)
        prev[1:] = np.where(e[1:] == e[:-1], v[:-1], 0)
        values = np.array([_R_NONE, _R_WAITING, _R_OVERDUE, _R_ANSWERED], dtype=np.float64)
        d = values[v] - values[prev]
        changed = d.any(axis=1)
        e, t, d = e[changed], t[changed], d[changed]
        self.recipient_sums.put_packed(names, np.searchsorted(e, np.arange(len(names) + 1)), t, d, index)

    @staticmethod
    def _recipients(warnings: dict[str, list[Any]]) -> Iterable[tuple[str, list[str]]]:
        """Each warning's recipients, in the order its rows name them."""
        for name, seq in warnings.items():
            keys: dict[str, None] = {}
            for e in seq:
                keys.update(dict.fromkeys(e[3]))
            yield name, list(keys)

    # ------------------------------------------------------------ a moment
    def sums(self, t: int) -> dict[str, np.ndarray]:
        return {"incidents": self.incident_sums.at(t), "forces": self.force_sums.at(t),
                "warnings": self.warning_sums.at(t), "recipients": self.recipient_sums.at(t)}

    def at(self, t: int, details: bool = True, minutes: int = ANSWER_MINUTES) -> Operations:
        """The moment ``t`` (ms): with ``details`` the incidents, dispatches and recipients one by one."""
        ops = Operations(at=t, sums=self.sums(t))
        if not details:
            return ops
        committed: dict[str, dict[str, int]] = {}
        by_incident: dict[str, list[str]] = defaultdict(list)
        men_at: dict[str, int] = defaultdict(int)
        # by incident, then force; only the pairs with something at ``t`` (pair_amounts of every pair at
        # once: a season's 1,500 pairs, a tenth of them holding anything at a moment)
        order, held, amounts = self._pairs_at(t)
        for i, (p, v, b) in zip(held, amounts, strict=True):
            force, incident = order[i]
            last = self.last_send(force, incident, t) or {}
            ops.dispatches.append({"force": force, "incident": incident, "personnel": p, "vehicles": v,
                                   "boats": b, "task": last.get("task"),
                                   "since": last.get("reported_at")})
            c = committed.setdefault(force, {"personnel": 0, "vehicles": 0, "boats": 0})
            c["personnel"] += p
            c["vehicles"] += v
            c["boats"] += b
            by_incident[incident].append(force)
            men_at[incident] += p
        ops.committed = committed
        # in order of report, kept while no incident is put in; those reported after ``t`` come last
        order = getattr(self, "_incident_order", None)
        if order is None:
            order = self._incident_order = sorted(self.incidents, key=lambda f: (self.incidents[f][0], f))
        for fid in order:
            s = self.incident_state(fid, t)
            if s is None:
                break
            t0, row = self.incidents[fid]
            name = _text(row.get("name"))
            ops.incidents.append({
                **row, **s,
                "uncontrolled": s["status"] in UNCONTROLLED,
                "age_min": max(0.0, (t - t0) / MINUTE_MS),
                "forces": sorted(by_incident.get(name, [])),
                "personnel_on_site": men_at.get(name, 0),
            })
        # unanswered first, longest waiting (earliest issued) first, then by warning and recipient; then the
        # answered by answer time, warning and recipient: made in that order, not sorted at every moment
        active = self._active(t)
        for issued, name, row in active:
            level, kind = row[2].get("level"), row[2].get("kind")
            waited = max(0.0, (t - issued) / MINUTE_MS)
            late = t - issued >= minutes * MINUTE_MS
            by_key, _, answer_times, first_ms = self._issue_answers(name, row)
            append = ops.recipients.append
            for i in np.flatnonzero(first_ms > t).tolist():  # recipient_state's figures, the warning looked up once
                key, _, tries = by_key[i]
                append({"warning": name, "recipient": key, "level": level, "kind": kind, "issued_ms": issued,
                        "answered_ms": None, "ack": None, "attempts": bisect.bisect_right(tries, t) if tries else 0,
                        "waiting_min": waited, "overdue": late})
            n = bisect.bisect_right(answer_times, t)
            # the recipients' list is the fold's own, the same object at every moment (the map works out
            # each list's reach once): read it, do not change it
            ops.warnings.append({**row[2], "recipients": row[3], "issued_ms": row[0],
                                 "answered": n, "total": len(row[3])})
        answered, times = self._answered_in_order(active)
        ops.recipients.extend(answered[: bisect.bisect_right(times, t)])
        # in order of issue (not of entry: a fresh fold and one caught up list them alike)
        ops.warnings.sort(key=lambda w: (w["issued_ms"], str(w.get("name"))))
        return ops

    def _pairs_at(self, t: int) -> tuple[list[tuple[str, str]], list[int], list[list[int]]]:
        """The pairs by incident then force, which of them hold anything at ``t``, and what each holds."""
        flat = self._pairs_flat()
        order, starts, keys, amounts, span, t0 = flat
        if not len(keys):
            return order, [], []
        n = len(order)
        rel = min(max(int(t) - t0 + 1, 0), span - 1)
        j = np.searchsorted(keys, np.arange(n, dtype=np.int64) * span + rel, side="right") - 1
        got = amounts[np.maximum(j, 0)]
        held = np.flatnonzero((j >= starts) & got.any(axis=1))
        return order, held.tolist(), got[held].tolist()

    def _pairs_flat(self) -> tuple[list[tuple[str, str]], np.ndarray, np.ndarray, np.ndarray, int, int]:
        """Every pair's line in one sorted array, keyed (pair, time): one search finds each pair's amounts
        at a moment. Made again when a pair is added or a line worked out again."""
        stamp = (len(self.pairs), getattr(self, "_lines_version", 0))
        got = getattr(self, "_pairs_flat_kept", None)
        if got is not None and got[0] == stamp:
            return got[1]
        order = sorted(self.pairs, key=lambda p: (p[1], p[0]))
        lines = []
        for pair in order:
            line = self.pair_lines.get(pair)
            if line is None:
                line = self.pair_lines[pair] = self._pair_line(*pair)
            lines.append(line)
        lens = np.fromiter((len(line[0]) for line in lines), dtype=np.int64, count=len(lines))
        times = np.fromiter(itertools.chain.from_iterable(line[0] for line in lines), dtype=np.int64,
                            count=int(lens.sum()))
        amounts = np.array(list(itertools.chain.from_iterable(line[1] for line in lines)),
                           dtype=np.int64).reshape(-1, 3)
        starts = np.concatenate([[0], np.cumsum(lens)[:-1]]).astype(np.int64) if len(lens) else lens
        t0 = int(times.min()) if len(times) else 0
        span = (int(times.max()) - t0 + 2) if len(times) else 2
        # each pair's times in its own stretch of the keys, in order: (pair, time) sorted as one array
        keys = np.repeat(np.arange(len(order), dtype=np.int64), lens) * span + (times - t0 + 1)
        flat = (order, starts, keys, amounts, span, t0)
        self._pairs_flat_kept = (stamp, flat)
        return flat

    def series(self, times: np.ndarray, ordered: bool = False) -> dict[tuple[str, ...], np.ndarray]:
        """Curves at ``times`` (``ordered``: ascending): incidents by status and uncontrolled, forces
        committed, recipients answered."""
        out: dict[tuple[str, ...], np.ndarray] = {}
        inc = self.incident_sums.sample(times, ordered)
        for i, s in enumerate(STATUSES):
            out[("incidents", "by_status", s)] = inc[:, i]
        out[("incidents", "uncontrolled")] = inc[:, len(STATUSES)]
        for i, f in enumerate(INCIDENT_FIGURES):
            out[("incidents", f)] = inc[:, len(STATUSES) + 1 + i]
        f = self.force_sums.sample(times, ordered)
        for i, k in enumerate(("personnel_committed", "vehicles_committed", "boats_committed", "teams_committed")):
            out[("dispatch", k)] = f[:, i]
        w = self.warning_sums.sample(times, ordered)
        out[("warnings", "active")] = w[:, 0]
        r = self.recipient_sums.sample(times, ordered)
        for i, k in enumerate(("recipients", "answered", "unanswered", "overdue")):
            out[("warnings", k)] = r[:, i]
        return out
