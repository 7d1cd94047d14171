"""Times as the post speaks them (Beijing time) and as GeoPackage stores them (UTC).

GeoPackage's DATETIME is ISO 8601 in UTC with a ``Z``; officers read and type
Beijing time (UTC+8, no daylight saving). Every conversion goes through here.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

BEIJING = timezone(timedelta(hours=8), "CST")


def parse_time(value: Any) -> datetime:
    """Parse a time given by a person or a file; naive times are Beijing time.

    Accepts ISO 8601 (``2021-07-22T10:00``, ``2021-07-22 10:00:00+08:00``,
    ``...Z``), a datetime, or a pandas Timestamp.
    """
    if isinstance(value, datetime):
        dt = value
    elif hasattr(value, "to_pydatetime"):
        dt = value.to_pydatetime()
    else:
        text = str(value).strip()
        if not text:
            raise ValueError("empty time")
        text = text.replace("Z", "+00:00").replace("/", "-")
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"cannot read time {value!r}; write it like 2021-07-22T10:00"
            ) from None
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=BEIJING)
    return dt


def to_storage(value: Any) -> str:
    """Return the GeoPackage DATETIME text (UTC, millisecond, ``Z``) for a time."""
    dt = parse_time(value).astimezone(timezone.utc)
    return dt.strftime("%Y-%m-%dT%H:%M:%S.") + f"{dt.microsecond // 1000:03d}Z"


def from_storage(text: str | None) -> datetime | None:
    """Return a Beijing-time datetime for a stored DATETIME text."""
    if text is None or text == "":
        return None
    return parse_time(text).astimezone(BEIJING)


def format_local(value: Any, seconds: bool = False) -> str:
    """Format a stored or given time as Beijing time for people to read."""
    if value is None or value == "":
        return ""
    dt = parse_time(value).astimezone(BEIJING)
    return dt.strftime("%Y-%m-%d %H:%M:%S" if seconds else "%Y-%m-%d %H:%M")


def iso_local(value: Any) -> str:
    """ISO 8601 with the +08:00 offset, for JSON output."""
    return parse_time(value).astimezone(BEIJING).isoformat(timespec="seconds")


def now_storage() -> str:
    return to_storage(datetime.now(timezone.utc))


def storage_ms(texts: Any) -> Any:
    """Stored times (UTC text) as int64 milliseconds since 1970, all at once (a season's 50,000 in a few ms).

    Stored text is UTC, with or without its ``Z`` (GeoPackage's rule);
    anything that is not a time reads as the smallest int64, which sorts first.
    """
    import numpy as np

    arr = np.asarray(list(texts), dtype=object)
    out = np.full(len(arr), np.iinfo(np.int64).min, dtype=np.int64)
    if not len(arr):
        return out
    canonical = np.fromiter((isinstance(t, str) and len(t) == 24 and t[-1] == "Z" for t in arr), dtype=bool,
                            count=len(arr))
    if canonical.any():
        out[canonical] = np.array([t[:-1] for t in arr[canonical]], dtype="U23").astype("datetime64[ms]").astype(np.int64)
    for i in np.flatnonzero(~canonical).tolist():
        t = arr[i]
        if not isinstance(t, str) or not t:
            continue
        try:
            dt = datetime.fromisoformat(t.replace("Z", "+00:00"))
        except ValueError:
            continue
        if dt.tzinfo is None:
            dt = dt.replace(tzinfo=timezone.utc)
        out[i] = int(dt.timestamp() * 1000)
    return out
