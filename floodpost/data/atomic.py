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
import shutil
from collections.abc import Callable, Iterator, Sequence
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


def _known_cause(exc: BaseException) -> str | None:
    """The cause when the error (or one it was raised from) says it, else None."""
    seen: set[int] = set()
    e: BaseException | None = exc
    while e is not None and id(e) not in seen:
        seen.add(id(e))
        code = getattr(e, "errno", None)
        if code in _CAUSES:
            return _CAUSES[code]
        low = str(e).lower()
        # SQLite, GDAL and zipfile report some errno conditions in words only
        # (libxml2, under openpyxl, says IO_ENOSPC / IO_EFBIG)
        if "database or disk is full" in low or "no space left" in low or "disk full" in low or "io_enospc" in low:
            return "disk full"
        if "file too large" in low or "io_efbig" in low:
            return "file too large"
        if "readonly" in low or "read-only" in low:
            return "read-only file system"
        if "permission denied" in low:
            return "permission denied"
        e = e.__cause__  # not __context__: an error handled earlier says nothing about this one
    return None


def cause_of(exc: BaseException) -> str:
    """A short reason for an OS or library write error ("disk full", "read-only file system", …)."""
    known = _known_cause(exc)
    if known is not None:
        return known
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def probe_folder(folder: Path) -> str | None:
    """Why ``folder`` takes no more data (read-only, full, size limit), or None if it does."""
    try:
        st = os.statvfs(folder)
    except OSError as exc:
        return cause_of(exc)
    if st.f_flag & os.ST_RDONLY:
        return "read-only file system"
    free = st.f_bfree if hasattr(os, "geteuid") and os.geteuid() == 0 else st.f_bavail
    if free == 0:
        return "disk full"
    probe = folder / f".floodpost-probe-{secrets.token_hex(4)}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            block = memoryview(b"\0" * 65536)
            while block:  # a short write is how a nearly full disk first answers
                block = block[os.write(fd, block):]
            os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as exc:
        return cause_of(exc)
    finally:
        _remove(probe)
    return None


def write_failure(
    path: str | os.PathLike[str], exc: BaseException, tmp: str | os.PathLike[str] | None = None
) -> OutputError:
    """The :class:`OutputError` for a library that failed to write ``path``.

    GDAL and openpyxl often report a full disk as a consequence ("no such
    table: gpkg_contents", "Cannot write feature"); when the error does not
    name an OS cause, the folder is probed (read-only? full? a file size
    limit?) so that the user reads "disk full", and the library's own words
    only when the disk is not to blame. ``tmp`` is the temporary file the
    library was writing: its name is no cause to show the user.
    """
    if isinstance(exc, OutputError):
        return exc
    target = Path(path)
    cause = _known_cause(exc)
    if cause is None:
        folder = target.parent if str(target.parent) else Path(".")
        cause = probe_folder(folder) or cause_of(exc)
        if tmp is not None and str(tmp) in cause:  # "could not write .x.part.png" says nothing more
            cause = "the writer failed before the file was complete"
    return OutputError(target, cause)


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
    (unless ``allow_empty``), must end as a complete PDF, PNG, GIF or zip
    does (:func:`check_trailer`), passes ``verify`` if given, and replaces
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
        if not tmp.exists() or (tmp.stat().st_size == 0 and not allow_empty):
            # Qt's writers report no errors: find out why the file is missing or empty
            raise OutputError(target, probe_folder(folder) or "nothing was written")
        _fsync_file(tmp)
        check_trailer(tmp, target.suffix)
        if verify is not None:
            verify(tmp)
        os.replace(tmp, target)
        _fsync_dir(folder)
    except OutputError as exc:
        _remove(tmp)
        if exc.path == tmp:  # the body named the temporary file: name the target instead
            raise OutputError(target, exc.cause) from exc
        raise
    except InterruptedError:  # cancelled by the user: an OSError, but no failure to report
        _remove(tmp)
        raise
    except OSError as exc:
        _remove(tmp)
        raise write_failure(target, exc, tmp) from exc
    except BaseException:
        _remove(tmp)
        raise


#: How a complete file of each kind ends: (bytes to look at, what must be among them).
#: Writers that report no errors (Qt's PDF and PNG writers, GDAL's Shapefile) leave a
#: file cut short on a full disk; its missing trailer gives it away.
_TRAILERS: dict[str, tuple[int, bytes]] = {
    ".pdf": (2048, b"%%EOF"),
    ".png": (12, b"IEND\xaeB`\x82"),
    ".gif": (1, b";"),
    ".zip": (65557, b"PK\x05\x06"),
    ".xlsx": (65557, b"PK\x05\x06"),
    ".docx": (65557, b"PK\x05\x06"),
    ".kmz": (65557, b"PK\x05\x06"),
}


def check_trailer(path: Path, suffix: str | None = None) -> None:
    """Raise OSError if a PDF, PNG, GIF or zip-based file does not end as a complete one does."""
    want = _TRAILERS.get((suffix or path.suffix).lower())
    if want is None:
        return
    tail, mark = want
    size = path.stat().st_size
    with open(path, "rb") as fh:
        fh.seek(max(0, size - tail))
        end = fh.read()
    if mark not in end:
        raise OSError(f"the file written is cut short ({size:,} bytes, no end marker)")


def _remove(tmp: Path) -> None:
    with contextlib.suppress(OSError):
        tmp.unlink()


def _swap_in(stage: Path, targets: list[Path]) -> None:
    """Rename the staged files over ``targets``; if one rename fails, put every old file back."""
    moved: list[tuple[Path, bool]] = []  # (target, had an old file)
    try:
        for t in targets:
            had = t.exists()
            if had:
                os.replace(t, stage / f"{t.name}.old")
            moved.append((t, had))
            os.replace(stage / t.name, t)
    except OSError:
        for t, had in reversed(moved):
            with contextlib.suppress(OSError):
                if had:
                    os.replace(stage / f"{t.name}.old", t)
                elif t.exists():
                    t.unlink()
        raise


def _fsync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


@contextlib.contextmanager
def atomic_outputs(
    paths: Sequence[str | os.PathLike[str]],
    *,
    verify: Callable[[Path], None] | None = None,
) -> Iterator[Path]:
    """Yield a hidden folder beside ``paths``; move the files written there over them when all are done.

    For outputs that are several files (a Shapefile's .shp, .shx, .dbf,
    .prj and .cpg): the body writes each target's *name* into the folder.
    Every file must then exist and be non-empty; all are flushed, ``verify``
    gets the folder, and only then is each renamed over its target, the
    first path last (the file a reader opens first). On any error nothing
    at the targets changes and :class:`OutputError` names the first path
    (the file the user asked for).
    """
    targets = [Path(p) for p in paths]
    main = targets[0]
    folder = main.parent if str(main.parent) else Path(".")
    if not folder.is_dir():
        raise OutputError(main, "folder does not exist")
    for t in targets:
        if t.is_dir():
            raise OutputError(t, "is a folder")
    stage = folder / f".{main.stem}.{secrets.token_hex(4)}.part"
    try:
        stage.mkdir()
        yield stage
        for t in targets:
            part = stage / t.name
            if not part.is_file() or part.stat().st_size == 0:
                raise OutputError(main, probe_folder(folder) or f"nothing was written to {t.name}")
            _fsync_file(part)
        if verify is not None:
            verify(stage)
        _swap_in(stage, [*targets[1:], main])
        _fsync_dir(folder)
    except (OutputError, InterruptedError):
        raise
    except OSError as exc:
        raise write_failure(main, exc) from exc
    finally:
        shutil.rmtree(stage, ignore_errors=True)


def write_bytes(path: str | os.PathLike[str], data: bytes) -> Path:
    """Write ``data`` to ``path`` whole or not at all."""
    with atomic_output(path, allow_empty=not data) as tmp, open(tmp, "wb") as fh:
        fh.write(data)
    return Path(path)
