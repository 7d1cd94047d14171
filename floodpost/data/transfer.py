"""Copying a whole workspace from one location to another: ``floodpost push`` and ``floodpost pull``.

A post loads its GeoPackage into the shared PostgreSQL workspace once (push)
and copies the shared one back into a file for a laptop, an archive or a
hand-over (pull). Both are the same operation through the
:class:`~floodpost.data.store.Store` protocol only, so any back end copies to
any other: every table is dumped and loaded verbatim (same fids, uuids, row
versions and log entries, so a copy can later be synced row by row), and the
counts are compared afterwards.

A GeoPackage destination is written to a hidden file beside it and renamed
over it only when the copy is complete and checked: a failure leaves the
destination as it was. A shared destination cannot be swapped like that; it
must be empty before (checked first), and a failure says which tables were
copied so far.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from floodpost.data.store import (
    StorageError,
    Store,
    create_store,
    is_shared_location,
    open_store,
    same_location,
    strip_password,
)

#: ``progress(key, done, total)``: ``done`` of ``total`` tables copied, ``key`` the one being copied.
Progress = Callable[[str, int, int], Any]


class TransferError(StorageError):
    """A workspace could not be copied; the message names the source or destination (without password) and why."""


@dataclass
class TransferReport:
    """What a copy did: rows per table, source and destination as they may be shown."""

    source: str
    destination: str
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def rows(self) -> int:
        return sum(self.counts.values())

    def lines(self) -> list[str]:
        """One line per table and a total, for the command line."""
        out = [f"  {k:<15} {n:>8}" for k, n in self.counts.items()]
        out.append(f"copied {self.rows} rows in {len(self.counts)} tables: {self.source} → {self.destination}")
        return out


def copy_workspace(src_location: str | os.PathLike[str], dst_location: str | os.PathLike[str], *,
                   progress: Progress | None = None, overwrite: bool = False) -> TransferReport:
    """Copy every layer, table and the log of the workspace at ``src_location`` to ``dst_location``.

    The destination is created (``overwrite`` replaces an existing file or a
    shared workspace already there); without ``overwrite`` an existing
    GeoPackage or a shared workspace holding rows is refused. After loading,
    every table's count is compared with the source's. Raises
    :class:`TransferError` with a one-line reason.
    """
    src, dst = os.fspath(src_location), os.fspath(dst_location)
    shown_src, shown_dst = strip_password(src), strip_password(dst)
    if same_location(src, dst):
        raise TransferError(f"{shown_src}: source and destination are the same workspace")
    if not is_shared_location(src) and not Path(src).is_file():
        raise TransferError(f"{shown_src}: no such workspace")
    report = TransferReport(shown_src, shown_dst)
    with open_store(src) as source:
        if is_shared_location(dst):
            _to_server(source, dst, report, progress, overwrite)
        else:
            _to_file(source, Path(dst), report, progress, overwrite)
    return report


def _to_file(source: Store, dst: Path, report: TransferReport, progress: Progress | None, overwrite: bool) -> None:
    """Into a GeoPackage: a hidden file beside ``dst``, renamed over it only when complete and checked
    (:func:`~floodpost.data.atomic.atomic_output`); any failure leaves ``dst`` as it was."""
    from floodpost.data.atomic import atomic_output

    if dst.exists() and not overwrite:
        raise TransferError(f"{dst} already exists; choose another file or pass --force to replace it")
    with atomic_output(dst) as tmp, create_store(tmp) as target:
        _copy_tables(source, target, report, progress)


def _to_server(source: Store, dst: str, report: TransferReport, progress: Progress | None, overwrite: bool) -> None:
    """Into a shared workspace: created (or replaced with ``overwrite``), refused if it holds rows."""
    try:
        target = create_store(dst, overwrite=overwrite)
    except StorageError as exc:
        if overwrite or "already" not in str(exc):
            raise
        target = open_store(dst)  # an empty workspace made by ``floodpost server init`` is fine
    with target:
        full = [k for k in target.keys() if  # noqa: SIM118 - a Store
                 k != "situation_log" and target.count(k)]
        if full:
            raise TransferError(
                f"{report.destination} is not empty ({', '.join(f'{k} {target.count(k)}' for k in full[:4])}); "
                "pull it first if it matters, or pass --force to replace it")
        if not target.can_write():
            raise TransferError(f"{report.destination}: this login may not write there")
        try:
            _copy_tables(source, target, report, progress)
        except Exception as exc:
            done = ", ".join(report.counts) or "none"
            raise TransferError(
                f"{report.destination}: copy stopped ({strip_password(str(exc)).splitlines()[0] if str(exc) else type(exc).__name__}); "
                f"tables copied: {done}; run again with --force to start over") from exc


def _copy_tables(source: Store, target: Store, report: TransferReport, progress: Progress | None) -> None:
    """Dump every table of ``source`` and load it into ``target`` (log last), then compare the counts."""
    have = set(target.keys())  # noqa: SIM118 - a Store, not a dict
    present = source.keys()  # noqa: SIM118
    keys = [k for k in present if k != "situation_log"]
    if "situation_log" in present:
        keys.append("situation_log")  # last: a failure before it leaves no log claiming rows that are not there
    missing = [k for k in keys if k not in have]
    if missing:
        raise TransferError(f"{report.destination} has no table {', '.join(missing)} (an older FloodPost?)")
    for i, key in enumerate(keys):
        if progress is not None:
            progress(key, i, len(keys))
        frame = _missing_as_none(source.dump(key))
        target.load(key, frame)
        report.counts[key] = len(frame)
    if progress is not None:
        progress("", len(keys), len(keys))
    wrong = [f"{k} {target.count(k)} of {n}" for k, n in report.counts.items() if target.count(k) != n]
    if wrong:
        raise TransferError(f"{report.destination}: counts differ after the copy: {', '.join(wrong)}")


def _missing_as_none(frame: Any) -> Any:
    """Text columns with None for a missing cell, not NaN: pandas' text dtype reads an empty cell as NaN,
    and a back end that binds it as text would store the word "nan"."""
    import pandas as pd

    out = frame
    for col in frame.columns:
        if col == "geometry" or pd.api.types.is_numeric_dtype(frame[col].dtype):
            continue
        series = frame[col]
        if series.isna().any() or not pd.api.types.is_object_dtype(series.dtype):
            if out is frame:
                out = frame.copy()
            values = series.astype(object).to_numpy(copy=True)
            values[series.isna().to_numpy()] = None
            out[col] = pd.Series(values, index=frame.index, dtype=object)
    return out


__all__ = ["Progress", "TransferError", "TransferReport", "copy_workspace"]
