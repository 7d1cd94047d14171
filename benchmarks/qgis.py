"""Run the QGIS baseline (``qgis_baseline.py``) from FloodPost's venv.

PyQGIS lives in the system python (Debian's ``python3-qgis``), so the
baseline runs as a subprocess of ``/usr/bin/python3``::

    from qgis import run_qgis_baseline   # with benchmarks/ on sys.path, as render.py does
    qgis = run_qgis_baseline(Path("benchmarks/data/county.gpkg"))
    if qgis is None:
        ...  # QGIS not installed or failed: the reason was logged

The result is the script's JSON object: ``name``, ``full_s``, ``zoom_s``,
``load_s``, ``first_frame_s`` and per case (``polygons``, ``lines``,
``points``, ``all``) ``full_s``/``zoom_s`` plus the ``parallel_*`` variants.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SYSTEM_PYTHON = "/usr/bin/python3"
SCRIPT = Path(__file__).resolve().with_name("qgis_baseline.py")

#: Why the last call returned None (also logged as a warning).
last_error: str | None = None


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.pop("PYTHONPATH", None)  # the venv's packages must not shadow the system's
    env.pop("PYTHONHOME", None)
    env.pop("VIRTUAL_ENV", None)
    env.pop("QT_PLUGIN_PATH", None)  # PySide6's plugins would break PyQt5/QGIS
    return env


def _fail(reason: str) -> None:
    global last_error
    last_error = reason
    log.warning("QGIS baseline unavailable: %s", reason)


def qgis_available(python: str = SYSTEM_PYTHON) -> tuple[bool, str]:
    """Whether ``python`` can import ``qgis.core``, and if not, why."""
    if not Path(python).is_file():
        return False, f"{python} not found"
    try:
        proc = subprocess.run(
            [python, "-c", "import qgis.core"],
            capture_output=True, text=True, timeout=120, env=_env(), cwd="/",
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, f"{python} -c 'import qgis.core' failed: {exc}"
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["(no message)"])[-1]
        return False, (
            f"PyQGIS not importable from {python} ({tail}); "
            "install it with: apt-get install qgis python3-qgis"
        )
    return True, ""


def run_qgis_baseline(
    gpkg: Path,
    size: tuple[int, int] = (1920, 1080),
    timeout: float = 600,
    *,
    repeat: int = 3,
    parallel: bool = True,
    categorized: bool = False,
    png: Path | None = None,
    python: str = SYSTEM_PYTHON,
) -> dict[str, Any] | None:
    """Render ``gpkg`` with QGIS in a subprocess and return its timings, or None.

    None means QGIS is not installed or the run failed; the reason is logged
    and kept in ``benchmarks.qgis.last_error``.
    """
    global last_error
    last_error = None
    gpkg = Path(gpkg)
    if not gpkg.is_file():
        _fail(f"{gpkg}: no such file")
        return None
    ok, why = qgis_available(python)
    if not ok:
        _fail(why)
        return None
    cmd = [
        python, str(SCRIPT), str(gpkg.resolve()),
        "--size", f"{size[0]}x{size[1]}", "--repeat", str(repeat), "--json",
    ]
    if not parallel:
        cmd.append("--no-parallel")
    if categorized:
        cmd.append("--categorized")
    if png is not None:
        cmd += ["--png", str(Path(png).resolve())]
    try:
        # cwd "/": benchmarks/qgis.py (this file) must not shadow the qgis package.
        proc = subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, env=_env(), cwd="/"
        )
    except subprocess.TimeoutExpired:
        _fail(f"QGIS baseline took more than {timeout:g} s")
        return None
    except OSError as exc:
        _fail(f"could not start {python}: {exc}")
        return None
    # QGIS may chatter on stdout; the result is the last line that is a JSON object.
    for line in reversed(proc.stdout.splitlines()):
        line = line.strip()
        if line.startswith("{"):
            try:
                result = json.loads(line)
            except json.JSONDecodeError:
                continue
            if proc.returncode != 0:  # e.g. a crash in QGIS's teardown, after the result
                result["exit_code"] = proc.returncode
            return result
    tail = (proc.stderr.strip().splitlines() or ["(no message)"])[-1]
    _fail(f"QGIS baseline exited with code {proc.returncode} and no result: {tail}")
    return None


if __name__ == "__main__":  # python benchmarks/qgis.py [county.gpkg]
    import sys

    logging.basicConfig(level=logging.INFO)
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else SCRIPT.with_name("data") / "county.gpkg"
    res = run_qgis_baseline(target)
    print(json.dumps(res if res is not None else {"error": last_error}, indent=2))
