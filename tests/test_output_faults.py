"""Writing fails for real: a file size limit, a full disk, a read-only disk (issue 14, item 20).

Nothing is mocked. A child process with ``RLIMIT_FSIZE`` (and SIGXFSZ
ignored) gets real EFBIG errors from the kernel: those tests run everywhere.
A full tmpfs and a read-only bind mount need mount privileges: those tests
run where the kernel allows the mount and are skipped only when it refuses.
Each failure must end with one line naming the file and the cause, a
non-zero status, the previous file intact and no temporary file left.
"""

from __future__ import annotations

import contextlib
import csv
import errno
import hashlib
import os
import re
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import shapely

from floodpost.data.atomic import OutputError, atomic_output, atomic_outputs, write_failure
from floodpost.data.export import SHAPEFILE_PARTS, export_layer
from floodpost.data.export.log import export_log_xlsx
from floodpost.data.workspace import Workspace, WorkspaceError

EXPORTS = [".gpkg", ".geojson", ".xlsx", ".csv", ".shp", ".zip", ".kml", ".kmz"]


def run_cli(*args: str, fsize: int | None = None) -> subprocess.CompletedProcess[str]:
    """``floodpost ARGS`` in a child process, optionally under a file size limit."""

    def limit() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of death by signal
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))

    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("FLOODPOST_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "floodpost", *args], capture_output=True, text=True, timeout=600, env=env,
        preexec_fn=limit if fsize is not None else None,
    )


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def one_line(run: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a failed command (no traceback, no second error)."""
    assert run.returncode == 1, (run.returncode, run.stdout, run.stderr)
    lines = run.stderr.splitlines()
    assert len(lines) == 1, run.stderr
    assert "Traceback" not in run.stderr and run.stdout == ""
    return lines[0]


def old_files(target: Path) -> list[Path]:
    """What the previous export left at ``target``: a Shapefile is five files."""
    parts = SHAPEFILE_PARTS if target.suffix == ".shp" else (target.suffix,)
    out = [target.with_suffix(s) for s in parts]
    for p in out:
        p.write_bytes(b"old " + p.suffix.encode())
    return out


def assert_untouched(files: list[Path]) -> None:
    for p in files:
        assert p.read_bytes() == b"old " + p.suffix.encode(), p
    folder = files[0].parent
    left = sorted(p.name for p in folder.iterdir() if p.name != "lost+found")
    assert left == sorted(p.name for p in files), left  # no temporary file left behind


# ------------------------------------------------------------------ file size limit: runs everywhere
@pytest.mark.parametrize("suffix", [*EXPORTS, ".html"])
def test_size_limit_every_output_fails_whole_and_says_so(demo_master: Path, tmp_path: Path, suffix: str) -> None:
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / f"hazards{suffix}"
    files = old_files(target)
    if suffix == ".html":
        run = run_cli("web", str(demo_master), "-o", str(target), fsize=2048)
        command = "web"
    else:
        run = run_cli("export", str(demo_master), "--layer", "hazards", "-o", str(target), fsize=2048)
        command = "export"
    line = one_line(run)
    assert line == f"floodpost {command}: error: could not write {target}: file too large"
    assert_untouched(files)


def test_size_limit_import_names_the_workspace_not_the_input(demo_path: Path, tmp_path: Path) -> None:
    src = tmp_path / "many.csv"
    with open(src, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow(["名称", "灾害类型", "经度", "纬度", "备注"])
        for i in range(600):
            w.writerow([f"点{i}", "滑坡", 114 + i * 1e-4, 35.8, "备注" * 100])
    before = digest(demo_path)
    run = run_cli("import", str(demo_path), str(src), "--as", "hazards", fsize=demo_path.stat().st_size + 8192)
    line = one_line(run)
    assert line.startswith(f"floodpost import: error: cannot write the workspace {demo_path}: ")
    assert line.endswith("; nothing was changed") and "many.csv" not in line and "rollback" not in line
    assert digest(demo_path) == before
    with Workspace.open(demo_path) as ws:  # and it still opens and reads
        assert ws.count("hazards") > 0


def test_size_limit_replay_gif(demo_master: Path, tmp_path: Path) -> None:
    target = tmp_path / "replay.gif"
    target.write_bytes(b"old .gif")
    run = run_cli("replay", str(demo_master), "-o", str(target), "--size", "320x200", fsize=4096)
    assert one_line(run) == f"floodpost replay: error: could not write {target}: file too large"
    assert target.read_bytes() == b"old .gif" and [p.name for p in tmp_path.iterdir()] == ["replay.gif"]


@pytest.mark.parametrize("suffix", [".pdf", ".png"])
def test_size_limit_snapshot_never_says_wrote(demo_master: Path, tmp_path: Path, suffix: str) -> None:
    """Qt's PDF writer reports no error at all: the missing %%EOF gives the cut file away."""
    target = tmp_path / f"page{suffix}"
    target.write_bytes(b"old " + suffix.encode())
    run = run_cli("snapshot", str(demo_master), "-o", str(target), "--title", "测试", fsize=4096)
    want = f"floodpost snapshot: error: could not write {target}: file too large"
    if suffix == ".pdf":
        assert one_line(run) == want
    else:  # libpng prints its own "libpng error: Write Error" first (Qt's PNG writer, layers/layout.py)
        assert run.returncode == 1 and run.stderr.splitlines()[-1] == want
    assert target.read_bytes() == b"old " + suffix.encode()
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_brief_writer_is_atomic(tmp_path: Path) -> None:
    code = (
        "import resource, signal, sys\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))\n"
        "from floodpost.data.situation.brief import save_brief\n"
        "from floodpost.data.atomic import OutputError\n"
        "try:\n"
        "    save_brief('防汛态势简报\\n' + '一、群众转移安置。\\n' * 2000, sys.argv[1])\n"
        "except OutputError as exc:\n"
        "    print(exc)\n"
    )
    for name in ("brief.docx", "brief.txt"):
        target = tmp_path / name
        target.write_bytes(b"old")
        run = subprocess.run([sys.executable, "-c", code, str(target)], capture_output=True, text=True, timeout=120,
                             env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
        assert run.stdout.strip() == f"could not write {target}: file too large", run.stderr
        assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["brief.docx", "brief.txt"]


# ------------------------------------------------------------------ in-process: the helpers themselves
def test_check_trailer_catches_files_cut_short(tmp_path: Path) -> None:
    from floodpost.data.atomic import check_trailer

    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(b"%PDF-1.4\n" + b"x" * 5000 + b"\n%%EOF\n")
    check_trailer(pdf)
    pdf.write_bytes(pdf.read_bytes()[:4096])
    with pytest.raises(OSError, match="cut short"):
        check_trailer(pdf)
    with pytest.raises(OutputError, match=r"a\.png: the file written is cut short"), \
            atomic_output(tmp_path / "a.png") as tmp:
        tmp.write_bytes(b"\x89PNG\r\n\x1a\n" + b"x" * 100)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.pdf"]


def test_atomic_output_names_the_target_and_keeps_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "a.txt"
    target.write_text("old")
    with pytest.raises(OutputError) as err, atomic_output(target) as tmp:
        tmp.write_text("new")
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp))
    assert str(err.value) == f"could not write {target}: disk full"
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["a.txt"]
    with pytest.raises(OutputError, match="nothing was written"), atomic_output(tmp_path / "b.txt"):
        pass  # a writer that reports nothing and writes nothing (Qt's QPdfWriter) is caught
    with pytest.raises(InterruptedError), atomic_output(target) as tmp:
        tmp.write_text("half")
        raise InterruptedError("cancelled")  # a cancel is no failure to report
    assert target.read_text() == "old" and [p.name for p in tmp_path.iterdir()] == ["a.txt"]


def test_atomic_outputs_replace_all_parts_or_none(tmp_path: Path) -> None:
    targets = [tmp_path / f"x{s}" for s in (".shp", ".dbf")]
    for t in targets:
        t.write_text("old")
    with pytest.raises(OutputError, match=r"x\.shp: nothing was written"), atomic_outputs(targets) as stage:
        (stage / "x.shp").write_text("new")  # the .dbf never comes
    assert [t.read_text() for t in targets] == ["old", "old"]
    with atomic_outputs(targets) as stage:
        for t in targets:
            (stage / t.name).write_text("new")
    assert [t.read_text() for t in targets] == ["new", "new"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.dbf", "x.shp"]


def test_atomic_outputs_put_every_old_part_back_when_one_cannot_be_replaced(tmp_path: Path) -> None:
    targets = [tmp_path / f"x{s}" for s in (".shp", ".shx", ".dbf", ".prj")]
    for t in targets:
        t.write_text("old")
    locked = targets[2]
    if not (shutil.which("chattr") and _works(["chattr", "+i", str(locked)])):
        pytest.skip("chattr +i is refused here")
    try:
        with pytest.raises(OutputError, match=r"x\.shp: not permitted"), atomic_outputs(targets) as stage:
            for t in targets:
                (stage / t.name).write_text("new")
    finally:
        subprocess.run(["chattr", "-i", str(locked)], capture_output=True)
    assert [t.read_text() for t in targets] == ["old"] * 4  # the .shx already swapped went back
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(t.name for t in targets)


def test_write_failure_reads_the_cause_from_the_error_or_the_disk(tmp_path: Path) -> None:
    assert write_failure(tmp_path / "a", OSError(errno.EROFS, "x")).cause == "read-only file system"
    assert write_failure(tmp_path / "a", RuntimeError("database or disk is full")).cause == "disk full"
    # a library's words only when the disk is not to blame
    assert write_failure(tmp_path / "a", RuntimeError("Cannot write feature\nmore")).cause == "Cannot write feature"


# ------------------------------------------------------------------ a full disk: needs a tmpfs mount
@contextlib.contextmanager
def mounted(args: list[str], where: Path) -> Iterator[Path]:
    """``mount ARGS WHERE`` for the block; skipped where the kernel (or the sandbox) refuses."""
    if shutil.which("mount") is None:
        pytest.skip("no mount command")
    run = subprocess.run(["mount", *args, str(where)], capture_output=True, text=True)
    if run.returncode != 0:
        pytest.skip(f"cannot mount here: {run.stderr.strip() or run.returncode}")
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], capture_output=True)


def fill(folder: Path) -> None:
    """Fill the file system of ``folder`` to the last byte (unbuffered: every byte that fits)."""
    for name, block in (("filler", 65536), ("filler2", 1)):
        fd = os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            with contextlib.suppress(OSError):
                while os.write(fd, b"\0" * block):
                    pass
        finally:
            os.close(fd)
    probe = os.statvfs(folder)
    assert probe.f_bfree == 0, "the file system did not fill"


@pytest.fixture
def full_disk(tmp_path: Path) -> Iterator[Path]:
    where = tmp_path / "full"
    where.mkdir()
    # room for a copy of the demo (1.4 MB with its gauges' readings); the tests fill the rest
    with mounted(["-t", "tmpfs", "-o", "size=4m", "tmpfs"], where):
        yield where


@pytest.mark.parametrize("suffix", [*EXPORTS, ".html"])
def test_full_disk_every_output(demo_master: Path, full_disk: Path, suffix: str) -> None:
    target = full_disk / f"hazards{suffix}"
    files = old_files(target)
    fill(full_disk)
    files += [full_disk / "filler", full_disk / "filler2"]
    filler = [(p, p.stat().st_size) for p in files[-2:]]
    if suffix == ".html":
        run, command = run_cli("web", str(demo_master), "-o", str(target), "--press"), "web"
    else:
        run, command = run_cli("export", str(demo_master), "--layer", "hazards", "-o", str(target)), "export"
    assert one_line(run) == f"floodpost {command}: error: could not write {target}: disk full"
    for p in files[:-2]:
        assert p.read_bytes() == b"old " + p.suffix.encode(), p
    assert [(p, p.stat().st_size) for p in files[-2:]] == filler
    assert sorted(p.name for p in full_disk.iterdir()) == sorted(p.name for p in files)


def test_full_disk_import_names_the_workspace(demo_master: Path, full_disk: Path, tmp_path: Path) -> None:
    ws = full_disk / "ws.gpkg"
    shutil.copy(demo_master, ws)
    src = tmp_path / "one.csv"
    src.write_text("名称,灾害类型,经度,纬度\n东山滑坡,滑坡,114.1,35.9\n", encoding="utf-8")
    fill(full_disk)
    before = digest(ws)
    line = one_line(run_cli("import", str(ws), str(src), "--as", "hazards"))
    assert line == f"floodpost import: error: cannot write the workspace {ws}: disk full; nothing was changed"
    assert digest(ws) == before


def test_full_disk_workspace_transaction_and_log_export(demo_master: Path, full_disk: Path) -> None:
    path = full_disk / "ws.gpkg"
    shutil.copy(demo_master, path)
    with Workspace.open(path) as ws:
        n = ws.count("hazards")
        fill(full_disk)
        with pytest.raises(WorkspaceError) as err:
            ws.insert("hazards", [{"name": f"点{i}", "hazard_type": "landslide", "note": "备注" * 200,
                                   "geometry": shapely.Point(114.1, 35.9)} for i in range(300)])
        assert str(err.value) == f"cannot write the workspace {path}: disk full; nothing was changed"
        assert ws.count("hazards") == n  # rolled back, and the connection still works
        (full_disk / "filler").unlink()  # room again: the same workspace takes the write
        ws.insert("hazards", [{"name": "东山滑坡", "hazard_type": "landslide", "geometry": shapely.Point(114.1, 35.9)}])
        assert ws.count("hazards") == n + 1
        fill(full_disk)
        out = full_disk / "log.xlsx"
        with pytest.raises(OutputError) as err:
            export_log_xlsx(ws.log_entries(), out)
        assert str(err.value) == f"could not write {out}: disk full" and not out.exists()
        with pytest.raises(OutputError, match="disk full"):
            export_layer(ws, "hazards", full_disk / "h.shp")
        assert not list(full_disk.glob("h.*")) and not list(full_disk.glob(".*"))


# ------------------------------------------------------------------ a read-only disk
def _works(*cmds: list[str]) -> bool:
    return all(subprocess.run(c, capture_output=True).returncode == 0 for c in cmds)


@pytest.fixture(params=["mount", "chattr", "chmod"])
def read_only(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    """A folder to make read-only, and how: a read-only bind mount, ``chattr +i`` or ``chmod``.

    Each way runs where this machine allows it and is skipped where the
    kernel refuses it (``chmod`` does not stop root, so root skips it).
    """
    how = request.param
    where = tmp_path / "ro"
    where.mkdir()
    probe = tmp_path / "probe"
    probe.mkdir()
    if how == "mount":
        if not (shutil.which("mount") and _works(["mount", "--bind", str(probe), str(probe)])):
            pytest.skip("bind mounts are refused here")
        ok = _works(["mount", "-o", "remount,bind,ro", str(probe)])
        subprocess.run(["umount", "-l", str(probe)], capture_output=True)
        if not ok:
            pytest.skip("read-only remounts are refused here")
    elif how == "chattr":
        if not (shutil.which("chattr") and _works(["chattr", "+i", str(probe)])):
            pytest.skip("chattr +i is refused here (not root, or the file system has no such flag)")
        subprocess.run(["chattr", "-i", str(probe)], capture_output=True)
    elif os.geteuid() == 0:
        pytest.skip("chmod does not stop root")
    return where, how


def make_read_only(where: Path, how: str) -> contextlib.AbstractContextManager[None]:
    @contextlib.contextmanager
    def go() -> Iterator[None]:
        files = [where, *where.iterdir()]
        if how == "mount":
            subprocess.run(["mount", "--bind", str(where), str(where)], check=True)
            try:
                subprocess.run(["mount", "-o", "remount,bind,ro", str(where)], check=True)
                yield
            finally:
                subprocess.run(["umount", "-l", str(where)], capture_output=True)
        elif how == "chattr":
            subprocess.run(["chattr", "+i", *map(str, files)], check=True, capture_output=True)
            try:
                yield
            finally:
                subprocess.run(["chattr", "-i", *map(str, files)], capture_output=True)
        else:
            for f in files:
                f.chmod(0o555 if f.is_dir() else 0o444)
            try:
                yield
            finally:
                for f in files:
                    f.chmod(0o755 if f.is_dir() else 0o644)

    return go()


CAUSES = {
    "mount": "read-only file system",
    "chattr": "not permitted (file is read-only or immutable)",
    "chmod": "permission denied",
}


def test_read_only_workspace_is_named_not_the_input(read_only: tuple[Path, str], demo_master: Path,
                                                     tmp_path: Path) -> None:
    where, how = read_only
    ws = where / "ws.gpkg"
    shutil.copy(demo_master, ws)
    src = tmp_path / "in.csv"
    src.write_text("名称,灾害类型,经度,纬度\n东山滑坡,滑坡,114.1,35.9\n", encoding="utf-8")
    before = digest(ws)
    with make_read_only(where, how):
        line = one_line(run_cli("import", str(ws), str(src), "--as", "hazards"))
    assert line.startswith(f"floodpost import: error: cannot write the workspace {ws}: "), line
    assert re.search(r"read-only|readonly|locked", line) and "in.csv" not in line
    assert digest(ws) == before


@pytest.mark.parametrize("suffix", [".gpkg", ".shp", ".xlsx", ".html"])
def test_read_only_folder_every_output(read_only: tuple[Path, str], demo_master: Path, suffix: str) -> None:
    where, how = read_only
    target = where / f"hazards{suffix}"
    files = old_files(target)
    with make_read_only(where, how):
        if suffix == ".html":
            run, command = run_cli("web", str(demo_master), "-o", str(target)), "web"
        else:
            run, command = run_cli("export", str(demo_master), "--layer", "hazards", "-o", str(target)), "export"
        line = one_line(run)
    assert line == f"floodpost {command}: error: could not write {target}: {CAUSES[how]}"
    for p in files:
        assert p.read_bytes() == b"old " + p.suffix.encode()
    assert sorted(p.name for p in where.iterdir()) == sorted(p.name for p in files)


# ------------------------------------------------------------------ the window tells it in its language
def test_export_dialog_names_file_and_cause_in_chinese(qtbot, demo_path: Path, tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox

    from floodpost import i18n
    from floodpost.ui.mainwindow import MainWindow

    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the folder should be")
    target = blocker / "hazards.gpkg"
    shown: list[tuple] = []
    monkeypatch.setattr(QInputDialog, "getItem", lambda *a, **k: (a[3][a[4]], True))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    monkeypatch.setattr(QMessageBox, "critical", lambda *a: shown.append(a))
    i18n.set_language("zh_CN")
    try:
        win = MainWindow()
        qtbot.addWidget(win)
        assert win.open_workspace(demo_path)
        win.export_dialog()
    finally:
        i18n.set_language("en")
    assert shown, "no error was shown"
    text = shown[0][2]
    assert text == f"无法写入 {target}：文件夹不存在", text
