"""Shared fixtures: offscreen Qt, a demo workspace built once, no leaked threads."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# No render helper process per window; tests/test_helper.py turns it on where it is the subject.
os.environ.setdefault("FLOODPOST_RENDER_HELPER", "0")


@pytest.fixture(scope="session", autouse=True)
def _isolated_settings(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep tests away from the user's settings and data folders."""
    home = tmp_path_factory.mktemp("home")
    os.environ["XDG_CONFIG_HOME"] = str(home / "config")
    os.environ["XDG_DATA_HOME"] = str(home / "data")
    from PySide6.QtCore import QStandardPaths

    QStandardPaths.setTestModeEnabled(True)


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from floodpost.data.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.gpkg"
    build_demo(path)
    return path


@pytest.fixture
def demo_path(demo_master: Path, tmp_path: Path) -> Path:
    """A private copy of the demo workspace that a test may change."""
    path = tmp_path / "demo.gpkg"
    shutil.copy(demo_master, path)
    return path


@pytest.fixture(autouse=True)
def _no_leaked_render_threads():
    """Fail a test that leaves a render thread running (napari's habit)."""
    yield
    left = [t for t in threading.enumerate() if t.name == "floodpost-render" and t.is_alive()]
    assert not left, f"render threads left running: {left}"
