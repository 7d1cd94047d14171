"""Generate the "county scale" benchmark workspace (issue 3).

    python benchmarks/gen_county.py [-o benchmarks/data/county.gpkg] [--seed 3]

A FloodPost workspace around 114.3°E 35.7°N spanning about 100 km with

* 100,000 polygons of 24 vertices (irregular, star-shaped blobs, many of them
  50–500 m across) in ``storage_areas``,
* 2,000 meandering lines of 500 vertices (random walks a few tens of km
  long, 1,000,000 vertices in all) in ``rivers``,
* 200,000 points in ``hazards``, clustered like a real inventory (dense
  clusters on a uniform background).

Every feature has a short Chinese name so labels exist. The output is
deterministic for a given seed (numpy ``default_rng``); it is written through
``Workspace.insert`` (validated like any import), and each layer also gets the
standard GeoPackage R-tree index GDAL would write, so that QGIS, the baseline,
is measured at its best (``--no-rtree`` leaves it out).

``ensure_county()`` builds the file once and returns its path, for
``benchmarks/render.py``.
"""

from __future__ import annotations

import argparse
import sqlite3
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a fresh clone
    sys.path.insert(0, str(ROOT))

from floodpost.data.schema import (  # noqa: E402
    HAZARD_TYPES,
    RIVER_GRADES,
    STORAGE_STATUS,
)
from floodpost.data.workspace import Workspace  # noqa: E402

DEFAULT_PATH = ROOT / "benchmarks" / "data" / "county.gpkg"
DEFAULT_SEED = 3

CENTER = (114.3, 35.7)
BOX = (113.75, 35.25, 114.85, 36.15)  # minx, miny, maxx, maxy (degrees)
M_PER_DEG_LAT = 110_950.0
M_PER_DEG_LON = 111_320.0 * np.cos(np.radians(CENTER[1]))

N_POLYGONS = 100_000
POLYGON_VERTICES = 24
N_LINES = 2_000
LINE_VERTICES = 500
N_POINTS = 200_000

SOURCE = "benchmark: county scale (synthetic)"


# ---------------------------------------------------------------- geometry
def _uniform(rng: np.random.Generator, n: int, margin_m: float = 0.0) -> np.ndarray:
    """``n`` uniform (lon, lat) positions in the box, ``margin_m`` inside its edges."""
    mx, my = margin_m / M_PER_DEG_LON, margin_m / M_PER_DEG_LAT
    x = rng.uniform(BOX[0] + mx, BOX[2] - mx, n)
    y = rng.uniform(BOX[1] + my, BOX[3] - my, n)
    return np.column_stack([x, y])


def _clustered(
    rng: np.random.Generator, n: int, n_clusters: int, share: float, sigma_km: tuple[float, float]
) -> np.ndarray:
    """``n`` positions: ``share`` of them in Gaussian clusters, the rest uniform."""
    n_in = int(n * share)
    centres = _uniform(rng, n_clusters, margin_m=3000)
    # Cluster weights vary a lot, as in real inventories (a few huge hot spots).
    weights = rng.pareto(1.2, n_clusters) + 0.2
    weights /= weights.sum()
    which = rng.choice(n_clusters, n_in, p=weights)
    sigma_m = rng.uniform(sigma_km[0], sigma_km[1], n_clusters)[which] * 1000.0
    d = rng.standard_normal((n_in, 2)) * sigma_m[:, None]
    pts = centres[which] + np.column_stack([d[:, 0] / M_PER_DEG_LON, d[:, 1] / M_PER_DEG_LAT])
    pts = np.vstack([pts, _uniform(rng, n - n_in)])
    # Keep everything in the box, then shuffle so fids are not grouped by cluster.
    pts[:, 0] = np.clip(pts[:, 0], BOX[0], BOX[2])
    pts[:, 1] = np.clip(pts[:, 1], BOX[1], BOX[3])
    return pts[rng.permutation(n)]


def make_polygons(rng: np.random.Generator, n: int = N_POLYGONS, k: int = POLYGON_VERTICES) -> np.ndarray:
    """``n`` valid star-shaped blobs of ``k`` vertices each.

    The radius is a positive function of a strictly increasing angle, so the
    ring is star-shaped around its centre and can never cross itself.
    """
    centres = _clustered(rng, n, n_clusters=400, share=0.5, sigma_km=(1.0, 6.0))
    # Diameter: log-normal with median ~160 m, most between 50 and 500 m,
    # a long tail up to ~3 km (big polders).
    diameter = np.clip(rng.lognormal(np.log(160.0), 0.75, n), 20.0, 3000.0)
    r0 = diameter / 2.0
    # Irregular but increasing angles.
    steps = rng.uniform(0.5, 1.5, (n, k))
    theta = np.cumsum(steps, axis=1)
    theta = (theta - theta[:, :1]) / theta[:, -1:] * (2 * np.pi * (k - 1) / k)
    theta += rng.uniform(0, 2 * np.pi, (n, 1))
    # Radius: a few low harmonics (lobes, elongation) plus vertex noise.
    r = np.ones((n, k))
    for h, amp in ((2, 0.25), (3, 0.18), (5, 0.10)):
        a = rng.uniform(0, amp, (n, 1))
        ph = rng.uniform(0, 2 * np.pi, (n, 1))
        r += a * np.cos(h * theta + ph)
    r += rng.uniform(-0.12, 0.12, (n, k))
    r = np.clip(r, 0.25, None) * r0[:, None]
    dx = r * np.cos(theta) / M_PER_DEG_LON
    dy = r * np.sin(theta) / M_PER_DEG_LAT
    ring = np.empty((n, k + 1, 2))
    ring[:, :k, 0] = centres[:, :1] + dx
    ring[:, :k, 1] = centres[:, 1:] + dy
    ring[:, k] = ring[:, 0]
    return shapely.polygons(ring)


def make_lines(rng: np.random.Generator, n: int = N_LINES, k: int = LINE_VERTICES) -> np.ndarray:
    """``n`` meandering lines of ``k`` vertices, 8–60 km long, like rivers and canals.

    Each line keeps a general direction (which itself drifts slowly) and
    meanders around it: the deviation from that direction is a bounded,
    strongly correlated random walk. The general course is placed so that it
    fits in the box.
    """
    length_m = rng.uniform(8_000.0, 60_000.0, n)
    step = length_m / (k - 1)
    base = rng.uniform(0, 2 * np.pi, n)
    # Middle of the straight course, chosen so that the course fits in the box.
    half_w = (BOX[2] - BOX[0]) / 2 * M_PER_DEG_LON
    half_h = (BOX[3] - BOX[1]) / 2 * M_PER_DEG_LAT
    room_x = np.maximum(half_w - 0.5 * length_m * np.abs(np.cos(base)) - 2000, 0)
    room_y = np.maximum(half_h - 0.5 * length_m * np.abs(np.sin(base)) - 2000, 0)
    mid_x = rng.uniform(-1, 1, n) * room_x
    mid_y = rng.uniform(-1, 1, n) * room_y
    dev = rng.normal(0, 0.3, n)
    drift = np.zeros(n)
    dxs = np.empty((n, k))
    dys = np.empty((n, k))
    dxs[:, 0] = dys[:, 0] = 0.0
    for i in range(1, k):
        dev = np.clip(0.98 * dev + rng.normal(0.0, 0.06, n), -1.3, 1.3)
        drift = 0.995 * drift + rng.normal(0.0, 0.004, n)
        heading = base + drift + dev
        dxs[:, i] = step * np.cos(heading)
        dys[:, i] = step * np.sin(heading)
    xs = np.cumsum(dxs, axis=1)
    ys = np.cumsum(dys, axis=1)
    # Centre each line's course on its chosen middle.
    xs += (mid_x - 0.5 * (xs[:, 0] + xs[:, -1]))[:, None]
    ys += (mid_y - 0.5 * (ys[:, 0] + ys[:, -1]))[:, None]
    coords = np.stack([xs / M_PER_DEG_LON + CENTER[0], ys / M_PER_DEG_LAT + CENTER[1]], axis=-1)
    return shapely.linestrings(coords)


def make_points(rng: np.random.Generator, n: int = N_POINTS) -> np.ndarray:
    """``n`` points: 70 % in ~300 clusters (0.3–4 km), 30 % uniform background."""
    pts = _clustered(rng, n, n_clusters=300, share=0.7, sigma_km=(0.3, 4.0))
    return shapely.points(pts)


# ---------------------------------------------------------------- attributes
def _codes(rng: np.random.Generator, choices: Any, n: int, p: list[float]) -> np.ndarray:
    return rng.choice(np.array([c.code for c in choices]), n, p=p)


def storage_records(rng: np.random.Generator, geoms: np.ndarray) -> list[dict[str, Any]]:
    n = len(geoms)
    status = _codes(rng, STORAGE_STATUS, n, [0.40, 0.12, 0.10, 0.12, 0.10, 0.08, 0.08])
    area = shapely.area(geoms) * M_PER_DEG_LON * M_PER_DEG_LAT / 1e6
    persons = rng.integers(0, 3000, n)
    return [
        {
            "name": f"蓄洪区{i + 1}",
            "status": str(status[i]),
            "area_km2": round(float(area[i]), 4),
            "persons": int(persons[i]),
            "households": int(persons[i] // 3),
            "source": SOURCE,
            "geometry": g,
        }
        for i, g in enumerate(geoms)
    ]


def river_records(rng: np.random.Generator, geoms: np.ndarray) -> list[dict[str, Any]]:
    grade = _codes(rng, RIVER_GRADES, len(geoms), [0.05, 0.25, 0.55, 0.15])
    return [
        {"name": f"河流{i + 1}", "grade": str(grade[i]), "source": SOURCE, "geometry": g}
        for i, g in enumerate(geoms)
    ]


def hazard_records(rng: np.random.Generator, geoms: np.ndarray) -> list[dict[str, Any]]:
    n = len(geoms)
    kind = _codes(rng, HAZARD_TYPES, n, [0.45, 0.25, 0.15, 0.15])
    persons = rng.integers(0, 500, n)
    return [
        {
            "name": f"隐患点{i + 1}",
            "hazard_type": str(kind[i]),
            "persons": int(persons[i]),
            "households": int(persons[i] // 3),
            "source": SOURCE,
            "geometry": g,
        }
        for i, g in enumerate(geoms)
    ]


def _insert(ws: Workspace, key: str, records: list[dict[str, Any]]) -> list[int]:
    """Validate and store through the ordinary ``Workspace.insert`` (about 20 s
    for all three layers, so no validation bypass is needed)."""
    return ws.insert(key, records, source=SOURCE, summary=f"county-scale benchmark: {key}")


# ---------------------------------------------------------------- spatial index
_RTREE_TRIGGERS = {
    "insert": "AFTER INSERT ON \"{t}\" WHEN (new.\"{c}\" NOT NULL AND NOT ST_IsEmpty(NEW.\"{c}\")) "
    "BEGIN INSERT OR REPLACE INTO \"rtree_{t}_{c}\" VALUES (NEW.\"{i}\", ST_MinX(NEW.\"{c}\"), "
    "ST_MaxX(NEW.\"{c}\"), ST_MinY(NEW.\"{c}\"), ST_MaxY(NEW.\"{c}\")); END",
    "update1": "AFTER UPDATE OF \"{c}\" ON \"{t}\" WHEN OLD.\"{i}\" = NEW.\"{i}\" AND "
    "(NEW.\"{c}\" NOTNULL AND NOT ST_IsEmpty(NEW.\"{c}\")) BEGIN INSERT OR REPLACE INTO "
    "\"rtree_{t}_{c}\" VALUES (NEW.\"{i}\", ST_MinX(NEW.\"{c}\"), ST_MaxX(NEW.\"{c}\"), "
    "ST_MinY(NEW.\"{c}\"), ST_MaxY(NEW.\"{c}\")); END",
    "update2": "AFTER UPDATE OF \"{c}\" ON \"{t}\" WHEN OLD.\"{i}\" = NEW.\"{i}\" AND "
    "(NEW.\"{c}\" IS NULL OR ST_IsEmpty(NEW.\"{c}\")) BEGIN DELETE FROM \"rtree_{t}_{c}\" "
    "WHERE id = OLD.\"{i}\"; END",
    "update3": "AFTER UPDATE ON \"{t}\" WHEN OLD.\"{i}\" != NEW.\"{i}\" AND "
    "(NEW.\"{c}\" NOTNULL AND NOT ST_IsEmpty(NEW.\"{c}\")) BEGIN DELETE FROM \"rtree_{t}_{c}\" "
    "WHERE id = OLD.\"{i}\"; INSERT OR REPLACE INTO \"rtree_{t}_{c}\" VALUES (NEW.\"{i}\", "
    "ST_MinX(NEW.\"{c}\"), ST_MaxX(NEW.\"{c}\"), ST_MinY(NEW.\"{c}\"), ST_MaxY(NEW.\"{c}\")); END",
    "update4": "AFTER UPDATE ON \"{t}\" WHEN OLD.\"{i}\" != NEW.\"{i}\" AND "
    "(NEW.\"{c}\" IS NULL OR ST_IsEmpty(NEW.\"{c}\")) BEGIN DELETE FROM \"rtree_{t}_{c}\" "
    "WHERE id IN (OLD.\"{i}\", NEW.\"{i}\"); END",
    "delete": "AFTER DELETE ON \"{t}\" WHEN old.\"{c}\" NOT NULL BEGIN DELETE FROM "
    "\"rtree_{t}_{c}\" WHERE id = OLD.\"{i}\"; END",
}


def add_rtree(
    ws: Workspace, key: str, fids: list[int], geoms: np.ndarray,
    column: str = "geom", fid: str = "fid",
) -> None:
    """Add the standard GeoPackage R-tree index (what GDAL writes) to one layer.

    FloodPost itself does not need it; it is there so GDAL/QGIS — the
    baseline of the benchmark — get the spatial index they would have on any
    GeoPackage written by GDAL. It is bulk-loaded from the bounds of the
    geometries just inserted (``fids``, ``geoms``); the standard triggers keep
    it current on later edits, calling ``ST_MinX`` and friends, which every
    workspace connection registers (``gpkg.register_functions``).
    """
    t, c, i = key, column, fid
    b = shapely.bounds(geoms)
    rows = zip(fids, b[:, 0].tolist(), b[:, 2].tolist(), b[:, 1].tolist(), b[:, 3].tolist(), strict=True)
    with ws.transaction() as con:
        con.execute(
            "CREATE TABLE IF NOT EXISTS gpkg_extensions (table_name TEXT, column_name TEXT,"
            " extension_name TEXT NOT NULL, definition TEXT NOT NULL, scope TEXT NOT NULL,"
            " CONSTRAINT ge_tce UNIQUE (table_name, column_name, extension_name))"
        )
        con.execute(
            "INSERT OR IGNORE INTO gpkg_extensions VALUES (?, ?, 'gpkg_rtree_index',"
            " 'http://www.geopackage.org/spec120/#extension_rtree', 'write-only')",
            (t, c),
        )
        con.execute(
            f'CREATE VIRTUAL TABLE IF NOT EXISTS "rtree_{t}_{c}" USING rtree(id, minx, maxx, miny, maxy)'
        )
        con.executemany(f'INSERT OR REPLACE INTO "rtree_{t}_{c}" VALUES (?,?,?,?,?)', rows)
        for name, body in _RTREE_TRIGGERS.items():
            con.execute(
                f'CREATE TRIGGER IF NOT EXISTS "rtree_{t}_{c}_{name}" '
                + body.format(t=t, c=c, i=i)
            )


# ---------------------------------------------------------------- building
def build(
    path: str | Path = DEFAULT_PATH,
    seed: int = DEFAULT_SEED,
    *,
    rtree: bool = True,
    log: Callable[[str], None] = print,
) -> Path:
    """Write the county-scale workspace to ``path`` (replacing it); return the path.

    The file is built beside ``path`` and renamed into place when complete,
    so an interrupted run never leaves a half-built workspace behind.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    for p in (tmp, Path(f"{tmp}-journal")):
        p.unlink(missing_ok=True)
    t_start = time.perf_counter()
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()
    geoms = {
        "storage_areas": make_polygons(rng),
        "rivers": make_lines(rng),
        "hazards": make_points(rng),
    }
    layers = {
        "storage_areas": storage_records(rng, geoms["storage_areas"]),
        "rivers": river_records(rng, geoms["rivers"]),
        "hazards": hazard_records(rng, geoms["hazards"]),
    }
    log(f"generated geometry and attributes in {time.perf_counter() - t0:.1f} s")
    ws = Workspace.create(tmp)
    try:
        # Bulk load: FULL sync buys nothing for a file rebuilt from a seed
        # and renamed into place only when complete.
        ws._con.execute("PRAGMA synchronous = OFF")
        for key, records in layers.items():
            t0 = time.perf_counter()
            fids = _insert(ws, key, records)
            log(f"  {key:14s} {len(records):>7,} features  {time.perf_counter() - t0:5.1f} s")
            if rtree:
                add_rtree(ws, key, fids, geoms[key])
        ws._con.execute("PRAGMA synchronous = FULL")
    finally:
        ws.close()
    con = sqlite3.connect(tmp)
    try:
        con.execute("ANALYZE")
    finally:
        con.close()
    tmp.replace(path)
    size = path.stat().st_size
    log(
        f"wrote {path} ({size / 1e6:.1f} MB) in {time.perf_counter() - t_start:.1f} s"
        f" (seed {seed})"
    )
    return path


def ensure_county(path: str | Path | None = None, seed: int = DEFAULT_SEED) -> Path:
    """Return the county-scale workspace, building it first if it does not exist."""
    p = Path(path) if path is not None else DEFAULT_PATH
    if not p.is_file():
        build(p, seed, log=lambda s: print(s, file=sys.stderr))
    return p


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("-o", "--output", type=Path, default=DEFAULT_PATH)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument(
        "--no-rtree", dest="rtree", action="store_false",
        help="leave out the GeoPackage R-tree indexes (QGIS/GDAL then scan every feature)",
    )
    args = ap.parse_args(argv)
    build(args.output, args.seed, rtree=args.rtree)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
