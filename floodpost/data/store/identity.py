"""Row identity that survives copying a workspace between back ends, shared by both of them.

Every row carries a ``uuid`` besides its fid (fids are local: a row copied
to a shared server, or queued offline, keeps its uuid), and every row but a
log entry a ``row_version`` bumped on each update, so a stale edit can be
told from a fresh one. Both are storage-level columns: not schema fields,
so forms, exports and the identify panel never show them.

The log keeps the uuid of what it deletes, so the undo of a deletion puts
the row back under the same uuid (:func:`deleted_uuids`).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable, Sequence
from typing import Any

#: The storage-level columns of a table: ``uuid`` everywhere, ``row_version`` wherever rows are updated.
IDENTITY_COLUMNS = ("uuid", "row_version")


def identity_columns(key: str) -> tuple[str, ...]:
    """The storage-level columns of one table (the log is append-only: no row version)."""
    return ("uuid",) if key == "situation_log" else IDENTITY_COLUMNS


def new_uuids(n: int) -> list[str]:
    """``n`` fresh random (version 4) UUIDs as text."""
    return [str(uuid.uuid4()) for _ in range(n)]


def deleted_uuids(entries: Iterable[tuple[int | None, Any]], fids: Sequence[int]) -> dict[int, str]:
    """The uuids the newest logged deletions recorded for ``fids`` (fid → uuid; absent when unknown).

    ``entries`` are (feature fid, before JSON) of deletions, newest first: one
    row's deletion keeps ``{"uuid": …}``, many rows' ``{"fids": […], "uuids": […]}``.
    """
    wanted = {int(f) for f in fids}
    out: dict[int, str] = {}
    for fid, before in entries:
        if not wanted - set(out):
            break
        try:
            old = json.loads(before) if before else None
        except (TypeError, ValueError):
            continue
        if not isinstance(old, dict):
            continue
        if fid is not None and "uuid" in old:
            f = int(fid)
            if f in wanted and f not in out and old["uuid"]:
                out[f] = str(old["uuid"])
        elif isinstance(old.get("fids"), list) and isinstance(old.get("uuids"), list):
            for f, u in zip(old["fids"], old["uuids"], strict=False):
                if f in wanted and f not in out and u:
                    out[int(f)] = str(u)
    return out


def insert_entry(schema: Any, records: Sequence[dict[str, Any]], fids: Sequence[int], uuids: Sequence[str],
                 summary: str | None, source: str | None, outlines: tuple[str, Sequence[int], str] | None,
                 ) -> tuple[str, int | None, str, dict[str, Any]] | None:
    """The log entry of an insert, the same in every back end: (action, feature fid, summary, after).

    One row is an ``insert`` with its values (so it can be undone); many rows
    one ``import`` with their fid range. ``outlines`` is (outline layer key,
    its new fids, its Chinese name) when polygons went to an outline layer.
    """
    total = len(records)
    if not total:
        return None
    extra: dict[str, Any] = {}
    note = ""
    if outlines:
        layer, ofids, zh = outlines
        extra = {"outlines": {"layer": layer, "fids": list(ofids)}}
        note = f"；{len(ofids)} 个范围存入{zh}"
    if total == 1:
        after = {k: v for k, v in records[0].items() if k != "geometry"}
        if schema.is_spatial:
            after["geometry"] = records[0]["geometry"].wkt
        after["uuid"] = uuids[0]
        text = (summary or f"{schema.zh}: {records[0].get(schema.title_field) or ''}") + note
        return "insert", fids[0], text, {**after, **extra}
    text = summary or f"{schema.zh}: {total} 条"
    if source:
        text += f" ← {source}"
    return "import", None, text + note, {"count": total, "first_fid": fids[0], "last_fid": fids[-1],
                                         "source": source, **extra}


__all__ = ["IDENTITY_COLUMNS", "deleted_uuids", "identity_columns", "insert_entry", "new_uuids"]
