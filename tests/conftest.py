"""Shared fixtures: offscreen Qt, a demo workspace built once, no leaked threads."""

from __future__ import annotations

import os
import shutil
import threading
from pathlib import Path
from typing import Any

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
    os.environ["XDG_CACHE_HOME"] = str(home / "cache")  # the folds one-shot commands keep
    try:  # the data tests run without Qt too (the data package never imports it)
        from PySide6.QtCore import QStandardPaths
    except ImportError:
        return
    QStandardPaths.setTestModeEnabled(True)


@pytest.fixture
def zh(qapp):
    """The interface in Chinese, as the post runs it; English again after."""
    from floodpost import i18n

    i18n.set_language("zh_CN")
    yield
    i18n.set_language("en")


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
    left = [t for t in threading.enumerate() if t.name in ("floodpost-render", "floodpost-situation") and t.is_alive()]
    assert not left, f"render threads left running: {left}"


def synthetic_layers(seed: int, polygons: int, lines: int, points: int, labels: bool = False) -> Any:
    """Storage areas, rivers (random walks of 200 vertices) and hazard points around Hebi, in memory."""
    import geopandas as gpd
    import numpy as np
    import shapely

    from floodpost.layers.model import Layer, LayerList

    rng = np.random.default_rng(seed)
    n, m, k = polygons, lines, points
    cx, cy = rng.uniform(114.0, 114.6, n), rng.uniform(35.5, 35.9, n)
    r = rng.lognormal(np.log(0.002), 0.7, n)
    ang = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    rr = r[:, None] * (1 + 0.25 * rng.uniform(-1, 1, (n, 24)))
    ring = np.stack([cx[:, None] + rr * np.cos(ang) * 1.23, cy[:, None] + rr * np.sin(ang)], -1)
    polys = shapely.polygons(np.concatenate([ring, ring[:, :1]], 1))
    status = rng.choice(["standby", "ordered", "flooding", "closed"], n)
    walk = rng.normal(0, 0.002, (m, 200, 2)).cumsum(1) + np.stack(
        [rng.uniform(114.0, 114.6, m), rng.uniform(35.5, 35.9, m)], -1
    )[:, None, :]
    pts = shapely.points(rng.uniform(114.0, 114.6, k), rng.uniform(35.5, 35.9, k))

    def frame(geoms: Any, **cols: Any) -> Any:
        return gpd.GeoDataFrame(cols, geometry=list(geoms), crs=4490, index=np.arange(1, len(geoms) + 1))

    return LayerList([
        Layer("storage_areas", frame(polys, name=["x"] * n, status=status), labels=labels),
        Layer("rivers", frame(shapely.linestrings(walk), name=["r"] * m, grade=rng.choice(["trib1", "trib2"], m)),
              labels=labels),
        Layer("hazards", frame(pts, name=["h"] * k, hazard_type=rng.choice(["landslide", "collapse"], k)),
              labels=labels),
    ])


from tests.pg import pg_cluster, pg_url  # noqa: E402,F401 - the PostgreSQL server's fixtures, for every test file

# ---------------------------------------------------------------- both storage back ends

BACKENDS = ("gpkg", "postgis")


@pytest.fixture(params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each storage back end in turn: the storage and situation tests run against both."""
    return str(request.param)


@pytest.fixture
def ws_location(backend: str, request: pytest.FixtureRequest, tmp_path: Path) -> Any:
    """Where a new workspace of the back end goes: a GeoPackage path, or an empty PostGIS database."""
    if backend == "gpkg":
        return tmp_path / "ws.gpkg"
    return request.getfixturevalue("pg_url")


def direct_sql(location: Any, sql: str) -> None:
    """Another program's write straight into the tables (sqlite3, QGIS, psql): no FloodPost in between."""
    text = os.fspath(location)
    if text.startswith(("postgresql://", "postgres://")):
        import psycopg

        with psycopg.connect(text, autocommit=True) as con:
            con.execute(sql)
        return
    import sqlite3

    con = sqlite3.connect(text)
    with con:
        con.execute(sql)
    con.close()


def fingerprint(location: Any) -> Any:
    """What a workspace holds, to compare before and after a refused write (a file's bytes; a database's rows)."""
    text = os.fspath(location)
    if not text.startswith(("postgresql://", "postgres://")):
        return Path(text).read_bytes()
    from floodpost.data.workspace import Workspace

    with Workspace.open(text) as ws:
        out = {}
        for key in list(ws.keys()):
            frame = ws.read(key)
            if hasattr(frame, "geometry"):
                wkt = list(frame.geometry.to_wkt())
                frame = __import__("pandas").DataFrame(frame.drop(columns="geometry"))
                frame = frame.assign(geometry=wkt)
            out[key] = frame.astype(object).where(frame.notna(), None).to_dict("split")
        return out
