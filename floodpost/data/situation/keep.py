"""The situation's fold kept on disk between processes.

``floodpost info --at`` on a season's workspace spent seconds folding half
a million records that had not changed since the last call. A fold kept
here is taken up again when the workspace's stamp says nothing was written
since; when something was, the fold catches up through the log as a running
window does, and is built again when the log cannot explain the change.

A kept fold is a local cache, never the workspace: it lives in the user's
cache folder (``$XDG_CACHE_HOME/floodpost/folds``, or ``FLOODPOST_CACHE_DIR``),
one file per workspace, written whole to a new file and renamed. It is
thrown away, never trusted, when the code that made it differs from this
code, when it was made from another workspace's history, or when it cannot
be read. The newest few are kept; older ones are deleted.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
import time
from pathlib import Path
from typing import Any

from floodpost.data.situation import collector

#: Kept folds beyond this many (least recently used first) are deleted.
KEEP = 6
#: A kept fold used again within this many seconds is not marked used again (the order of use is by the hour).
USE_MARK_S = 3600
_FORMAT = 1
_CODE: str | None = None


def cache_dir() -> Path:
    """Where kept folds live: a local cache, safe to delete at any time."""
    own = os.environ.get("FLOODPOST_CACHE_DIR")
    if own:
        return Path(own) / "folds"
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "floodpost" / "folds"


def code_version() -> str:
    """A digest of the fold's own source: a kept fold from other code is never taken up."""
    global _CODE
    if _CODE is None:
        h = hashlib.sha256(str(_FORMAT).encode())
        data = Path(__file__).resolve().parents[1]
        # the fold's code and the schema it reads (kinds, stages, thresholds)
        for p in sorted([*(data / "situation").glob("*.py"), *(data / "schema").glob("*.py"),
                         data / "recipients.py", data / "timeutil.py"]):
            h.update(p.name.encode())
            h.update(p.read_bytes())
        _CODE = h.hexdigest()[:24]
    return _CODE


def stamp(ws: Any) -> tuple[Any, ...] | None:
    """The workspace's stamp (``Store.fold_stamp``), or None where a store keeps no folds (a replica)."""
    fn = getattr(ws, "fold_stamp", None)
    if fn is None:
        return None
    try:
        return tuple(fn())
    except Exception:  # noqa: BLE001 - no stamp, no kept fold: the fold is built as before
        return None


def _path(st: tuple[Any, ...]) -> Path:
    # the stamp's first part names the workspace (the file's real path, the database)
    return cache_dir() / (hashlib.sha256(str(st[0]).encode()).hexdigest()[:32] + ".fold")


def load(ws: Any, st: tuple[Any, ...] | None) -> tuple[Any, tuple[Any, ...]] | None:
    """(the engine's kept state, the stamp it was made at), when it may be taken up for ``ws``."""
    if st is None:
        return None
    try:
        return _load(ws, st)
    except Exception:  # noqa: BLE001 - missing, truncated, from another version of Python: build anew
        return None


def _load(ws: Any, st: tuple[Any, ...]) -> tuple[Any, tuple[Any, ...]] | None:
    path = _path(st)
    if not path.exists():
        return None
    with open(path, "rb") as f:
        data = f.read()
        used = os.fstat(f.fileno()).st_mtime
    with collector.building():  # a season's fold is a few hundred thousand small objects: 0.44 s with the collector, 0.26 s without
        kept = pickle.loads(data)
    if time.time() - used > USE_MARK_S:  # the least recently used go first (marking a 50 MB file took 0.09 s)
        os.utime(path)
    if not isinstance(kept, dict) or kept.get("format") != _FORMAT or kept.get("code") != code_version():
        return None
    old = kept.get("stamp")
    if not isinstance(old, tuple) or len(old) != len(st) or old[0] != st[0]:
        return None
    # made from this workspace's history: its newest log entry then is still there, the same entry
    log_fid, log_uuid = kept.get("log") or (None, None)
    if log_fid and getattr(ws, "log_uuid", lambda fid: None)(log_fid) != log_uuid:
        return None
    return kept["engine"], old


def save(ws: Any, st: tuple[Any, ...] | None, state: dict[str, Any], log_fid: int) -> None:
    """Keep ``state`` (made from what ``ws`` held at stamp ``st`` or later) for the next process."""
    if st is None:
        return
    try:
        _save(ws, st, state, log_fid)
    except Exception:  # noqa: BLE001 - a full or read-only cache folder costs speed, never an answer
        return


def _save(ws: Any, st: tuple[Any, ...], state: dict[str, Any], log_fid: int) -> None:
    folder = cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    uuid = getattr(ws, "log_uuid", lambda fid: None)(log_fid) if log_fid else None
    kept = {"format": _FORMAT, "code": code_version(), "stamp": st, "log": (log_fid, uuid), "engine": state}
    fd, tmp = tempfile.mkstemp(dir=folder, suffix=".part")
    try:
        with os.fdopen(fd, "wb") as f:
            pickle.dump(kept, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, _path(st))
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _prune(folder)


def _prune(folder: Path) -> None:
    files = []
    for p in folder.glob("*.fold"):
        try:
            files.append((p.stat().st_mtime_ns, p))
        except OSError:
            continue
    for _, p in sorted(files, reverse=True)[KEEP:]:
        p.unlink(missing_ok=True)
    for p in folder.glob("*.part"):  # a process killed while writing one
        try:
            if p.stat().st_mtime < time.time() - 3600:
                p.unlink(missing_ok=True)
        except OSError:
            continue
