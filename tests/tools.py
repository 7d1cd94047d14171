"""Other people's tools the tests check our files with (GDAL's validator, QGIS, poppler, LibreOffice, Chromium).

Locally a missing tool skips the check and says how to install it; in CI
(``CI`` set), where ``scripts/test-deps.sh`` installs every one of them, a
missing tool fails the test: a check that silently never runs checks nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from functools import cache
from pathlib import Path

import pytest

SYSTEM_PYTHON = Path("/usr/bin/python3")
VALIDATOR = Path("/usr/lib/python3/dist-packages/osgeo_utils/samples/validate_gpkg.py")


def need(present: bool, what: str) -> None:
    """Skip (locally) or fail (in CI) when ``what`` is not installed."""
    if present:
        return
    hint = f"{what} is not installed (sh scripts/test-deps.sh installs it)"
    if os.environ.get("CI"):
        pytest.fail(f"{hint}; CI installs it, so this check must run")
    else:
        pytest.skip(hint)


def need_commands(*names: str) -> None:
    missing = [n for n in names if shutil.which(n) is None]
    need(not missing, ", ".join(missing))


@cache
def system_has(module: str) -> bool:
    """Whether the system Python (Debian's, where python3-gdal and python3-qgis live) imports ``module``."""
    if not SYSTEM_PYTHON.exists():
        return False
    r = subprocess.run([str(SYSTEM_PYTHON), "-c", f"import {module}"], capture_output=True, timeout=120)
    return r.returncode == 0


def need_validator() -> None:
    need(VALIDATOR.exists() and SYSTEM_PYTHON.exists(), "GDAL's validate_gpkg.py (python3-gdal)")


def need_qgis() -> None:
    need(system_has("qgis.core"), "PyQGIS (qgis, python3-qgis)")
