"""The PostGIS back end against the GeoPackage, on the same rows: writes, whole-layer reads, a tally entry,
and how soon another client hears of a change.

Needs a database it may fill (PostGIS available; it is made a workspace,
``--overwrite`` replaces one already there)::

    createdb bench && python benchmarks/postgis_store.py postgresql://localhost/bench --json

Figures are medians (and the worst of the latencies), in seconds unless named ms.
"""

from __future__ import annotations

import argparse
import json
import select
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import shapely

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from floodpost.data.situation.tally import entry  # noqa: E402
from floodpost.data.workspace import Workspace  # noqa: E402


def _polygons(n: int) -> Any:
    rng = np.random.default_rng(1)
    cx, cy = rng.uniform(114.0, 114.6, n), rng.uniform(35.5, 35.9, n)
    ang = np.linspace(0, 2 * np.pi, 24, endpoint=False)
    ring = np.stack([cx[:, None] + 0.002 * np.cos(ang), cy[:, None] + 0.002 * np.sin(ang)], -1)
    return shapely.polygons(np.concatenate([ring, ring[:, :1]], 1))


def _timed(fn: Any, repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def measure(location: Any, rows: list[dict[str, Any]], overwrite: bool) -> dict[str, float]:
    out: dict[str, float] = {}
    with Workspace.create(location, overwrite=overwrite) as ws:
        t = time.perf_counter()
        ws.insert("storage_areas", rows)
        out["insert_s"] = time.perf_counter() - t
        ws.insert("depots", [{"name": "市仓库", "kind": "warehouse", "geometry": shapely.Point(114.3, 35.7)}])
        ws.insert("material_tally", [{"depot": "市仓库", "item": "沙袋", "quantity": 1e6, "kind": "入库",
                                      "reported_at": "2021-07-22T08:00"}])

    def first_frame() -> None:  # what the map reads of a big layer before it draws
        with Workspace.open(location) as w:
            w.read_shapes("storage_areas", ["name", "status"])

    out["open_and_shapes_s"] = _timed(first_frame)
    with Workspace.open(location) as ws:
        out["read_all_s"] = _timed(lambda: ws.read("storage_areas"))
        entry(ws, "material_tally", {"depot": "市仓库", "item": "沙袋", "quantity": 1, "kind": "调拨",
                                     "reported_at": "2021-07-22T12:00"}, accept_warnings=True)  # the fold, built once
        lat = []
        for _ in range(50):
            t = time.perf_counter()
            entry(ws, "material_tally", {"depot": "市仓库", "item": "沙袋", "quantity": 10, "kind": "调拨",
                                         "reported_at": "2021-07-22T12:00"}, accept_warnings=True)
            lat.append(time.perf_counter() - t)
        out["tally_entry_p50_ms"] = statistics.median(lat) * 1000
        out["tally_entry_max_ms"] = max(lat) * 1000
    return out


def notify_latency(location: str, n: int = 100) -> dict[str, float]:
    """A write on one client until the other's socket says so and the entry is read."""
    lat = []
    with Workspace.open(location) as a, Workspace.open(location) as b:
        fd = b.watch_fd()
        for _ in range(n):
            t = time.perf_counter()
            a.insert("works", [{"place": "卫河", "reported_at": "2021-07-22T08:00"}])
            got: list[int] = []
            while not got:
                select.select([fd], [], [], 2)
                got = b.drain_notifications()
            b.log_since(got[0] - 1)
            lat.append(time.perf_counter() - t)
    lat.sort()
    return {"notify_p50_ms": lat[len(lat) // 2] * 1000, "notify_p99_ms": lat[int(len(lat) * 0.99) - 1] * 1000}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("url", help="postgresql://… of a database to fill")
    p.add_argument("--rows", type=int, default=100_000, help="storage area polygons (default 100,000)")
    p.add_argument("--overwrite", action="store_true", help="replace a workspace already in the database")
    p.add_argument("--json", action="store_true")
    args = p.parse_args(argv)
    g = _polygons(args.rows)
    rows = [{"name": f"区{i}", "status": "standby", "geometry": g[i]} for i in range(args.rows)]
    with tempfile.TemporaryDirectory() as tmp:
        result = {"rows": args.rows, "gpkg": measure(Path(tmp) / "bench.gpkg", rows, False),
                  "postgis": measure(args.url, rows, args.overwrite)}
    result["postgis"].update(notify_latency(args.url))
    if args.json:
        print(json.dumps(result, indent=2))
    else:
        for k in result["gpkg"]:
            print(f"{k:22} gpkg {result['gpkg'][k]:10.3f}   postgis {result['postgis'][k]:10.3f}")
        print(f"notify p50 {result['postgis']['notify_p50_ms']:.1f} ms, p99 {result['postgis']['notify_p99_ms']:.1f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
