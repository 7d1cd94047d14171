"""Outputs written whole or not at all.

Every file FloodPost writes (press pages, exports, the web map, the brief,
log exports) is written to a hidden file beside its target, flushed to disk,
checked, and only then renamed over the target. A full disk or a read-only
folder leaves the old file (or no file) and one error naming the file and the
cause, never "wrote x.pdf" over zero bytes.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path

#: errno -> the cause, as a user reads it.
_CAUSES = {
    errno.ENOSPC: "disk full",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "read-only file system",
    errno.EACCES: "permission denied",
    errno.EPERM: "not permitted (file is read-only or immutable)",
    errno.ENOENT: "folder does not exist",
    errno.ENOTDIR: "folder does not exist",
    errno.EISDIR: "is a folder",
    errno.EFBIG: "file too large",
}


class OutputError(OSError):
    """A file could not be written; the message names the file and the cause."""

    def __init__(self, path: str | os.PathLike[str], cause: str) -> None:
        self.path = Path(path)
        self.cause = cause
        super().__init__(f"could not write {self.path}: {cause}")


def cause_of(exc: BaseException) -> str:
    """A short reason for an OS or library write error ("disk full", "read-only file system", …)."""
    code = getattr(exc, "errno", None)
    if code in _CAUSES:
        return _CAUSES[code]
    text = str(exc)
    low = text.lower()
    # sqlite3, GDAL and zipfile report some errno conditions in words only
    if "database or disk is full" in low or "no space left" in low:
        return "disk full"
    if "readonly" in low or "read-only" in low:
        return "read-only file system"
    if "permission denied" in low:
        return "permission denied"
    return text or type(exc).__name__


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def atomic_output(
    path: str | os.PathLike[str],
    *,
    verify: Callable[[Path], None] | None = None,
    allow_empty: bool = False,
) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; rename it over ``path`` once written and checked.

    The body writes the temporary file by whatever means (Qt, GDAL, zipfile).
    On leaving without error the file is flushed to disk, must not be empty
    (unless ``allow_empty``), passes ``verify`` if given, and replaces
    ``path`` in one rename. On any error the temporary file is removed, the
    target is untouched, and :class:`OutputError` names the target and cause.

    Examples
    --------
    >>> with atomic_output(tmp_path / "map.png") as tmp:  # doctest: +SKIP
    ...     image.save(str(tmp), "PNG")
    """
    target = Path(path)
    folder = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise OutputError(target, "is a folder")
    if not folder.is_dir():
        raise OutputError(target, "folder does not exist")
    tmp = folder / f".{target.stem}.{secrets.token_hex(4)}.part{target.suffix}"
    try:
        yield tmp
        if not tmp.exists():
            raise OutputError(target, "nothing was written")
        size = tmp.stat().st_size
        if size == 0 and not allow_empty:
            raise OutputError(target, "nothing was written (disk full?)")
        fd = os.open(tmp, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
        if verify is not None:
            verify(tmp)
        os.replace(tmp, target)
        _fsync_dir(folder)
    except OutputError:
        _remove(tmp)
        raise
    except OSError as exc:
        _remove(tmp)
        raise OutputError(target, cause_of(exc)) from exc
    except BaseException:
        _remove(tmp)
        raise


def _remove(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        tmp.unlink()


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all."""
    with atomic_output(path, allow_empty=not data) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
    return Path(path)
