"""Time a 200,000-point import from CSV, Excel-free GeoPackage and Shapefile.

    python benchmarks/intake.py [--rows N] [--json]

Prints seconds per phase (read+validate, write) and rows per second for each
format, as one JSON object with --json. Files go to benchmarks/data/ (ignored).
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import shapely

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from floodpost.data.intake import commit, prepare  # noqa: E402
from floodpost.data.workspace import Workspace  # noqa: E402

KINDS = ["滑坡", "崩塌", "泥石流", "地面塌陷"]


def build(rows: int, folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(7)
    lon = 113.7 + rng.random(rows) * 1.2
    lat = 35.2 + rng.random(rows) * 1.0
    names = [f"隐患点{i:06d}" for i in range(rows)]
    kinds = [KINDS[i % 4] for i in range(rows)]
    persons = rng.integers(0, 500, rows)
    out = {}
    p = folder / f"points_{rows}.csv"
    if not p.exists():
        with open(p, "w", newline="", encoding="gbk") as fh:
            w = csv.writer(fh)
            w.writerow(["鹤壁市地质灾害隐患点台账"])
            w.writerow(["序号", "隐患点名称", "灾害类型", "经度", "纬度", "威胁人数", "责任人", "联系电话"])
            for i in range(rows):
                w.writerow([i + 1, names[i], kinds[i], f"{lon[i]:.6f}", f"{lat[i]:.6f}", int(persons[i]),
                            "王建军", "13800000000"])
            w.writerow(["", "合计", "", "", "", int(persons.sum()), "", ""])
    out["csv"] = p
    gdf = gpd.GeoDataFrame(
        {"name": names, "hazard_type": kinds, "persons": persons},
        geometry=shapely.points(lon, lat), crs=4490,
    )
    p = folder / f"points_{rows}.gpkg"
    if not p.exists():
        gdf.to_file(p, layer="hazards")
    out["gpkg"] = p
    p = folder / f"points_{rows}.shp"
    if not p.exists():
        gdf.to_file(p, encoding="gbk")
        p.with_suffix(".cpg").unlink(missing_ok=True)
    out["shp"] = p
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=200_000)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    files = build(args.rows, HERE / "data")
    result: dict[str, dict[str, float]] = {}
    for fmt, path in files.items():
        ws_path = HERE / "data" / f"intake_{fmt}.gpkg"
        Workspace.create(ws_path, overwrite=True).close()
        with Workspace.open(ws_path) as ws:
            t0 = time.perf_counter()
            prepared = prepare(path, "hazards")
            t1 = time.perf_counter()
            commit(ws, prepared)
            t2 = time.perf_counter()
            assert ws.count("hazards") == args.rows
        result[fmt] = {
            "prepare_s": round(t1 - t0, 2),
            "write_s": round(t2 - t1, 2),
            "total_s": round(t2 - t0, 2),
            "rows_per_s": round(args.rows / (t2 - t0)),
        }
    if args.json:
        print(json.dumps({"rows": args.rows, "formats": result}))
    else:
        for fmt, r in result.items():
            print(f"{fmt:5} {args.rows} rows: prepare {r['prepare_s']:.2f} s, write {r['write_s']:.2f} s, "
                  f"total {r['total_s']:.2f} s ({r['rows_per_s']}/s)")


if __name__ == "__main__":
    main()
