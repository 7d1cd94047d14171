"""Export a layer or table to the formats counties and other offices read.

GIS formats keep the schema's field names and stored codes, so that a round
trip through FloodPost gives back the same rows; spreadsheets (CSV, Excel)
get Chinese headers and labels for people, which import reads back through
the synonym table. Shapefiles get short field aliases, a ``.cpg`` and a
``.prj``; UTF-8 by default, GBK on request for old desktop software.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import pandas as pd
import shapely

from floodpost.data.readers import codec_name
from floodpost.data.schema import STORAGE_EPSG, TableSchema, schema_for
from floodpost.data.synonyms import SHP_ALIASES
from floodpost.data.timeutil import iso_local
from floodpost.data.validate import ValidationError

FORMATS = {
    ".gpkg": "GeoPackage",
    ".shp": "Shapefile",
    ".zip": "zipped Shapefile",
    ".geojson": "GeoJSON",
    ".json": "GeoJSON",
    ".kml": "KML",
    ".kmz": "KMZ",
    ".csv": "CSV",
    ".xlsx": "Excel",
}
TABLE_FORMATS = (".csv", ".xlsx", ".gpkg")


def _frame(ws: Any, key: str, press: bool) -> tuple[TableSchema, Any]:
    schema = schema_for(key)
    if key not in ws.keys():  # noqa: SIM118 - Workspace is not a mapping
        raise ValidationError(f"the workspace has no {key}")
    frame = ws.read(key)
    drop = schema.private_fields if press else []
    frame = frame.drop(columns=drop)
    for f in schema.fields:
        if f.type == "datetime" and f.name in frame:
            frame[f.name] = [iso_local(v) if isinstance(v, str) and v else None for v in frame[f.name]]
    return schema, frame


def _human(schema: TableSchema, frame: Any) -> pd.DataFrame:
    """Chinese headers with units, enum labels, longitude/latitude or WKT for geometry."""
    out = pd.DataFrame(index=frame.index)
    if schema.is_spatial:
        geoms = frame.geometry.values
        if all(g is not None and g.geom_type == "Point" for g in geoms):
            out["经度"] = [round(g.x, 7) for g in geoms]
            out["纬度"] = [round(g.y, 7) for g in geoms]
        else:
            out["WKT"] = shapely.to_wkt(geoms, rounding_precision=7)
    for f in schema.fields:
        if f.name not in frame:
            continue
        values = frame[f.name]
        if f.type == "enum":
            values = [f.display(v) if v is not None else None for v in values]
        elif f.type == "int":
            values = [None if pd.isna(v) else int(v) for v in values]
        out[f.label("zh")] = list(values)
    return out


def _write_kml(schema: TableSchema, frame: Any, lang: str = "zh") -> bytes:
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>',
        f"<name>{escape(schema.zh)}</name>",
    ]
    title = schema.title_field
    for _, row in frame.iterrows():
        lines.append("<Placemark>")
        lines.append(f"<name>{escape(str(row.get(title) or ''))}</name>")
        lines.append("<ExtendedData>")
        for f in schema.fields:
            if f.name not in frame.columns:
                continue
            v = row[f.name]
            if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
                continue
            lines.append(f'<Data name="{f.name}"><value>{escape(str(v))}</value></Data>')
        lines.append("</ExtendedData>")
        lines.append(_kml_geometry(row.geometry))
        lines.append("</Placemark>")
    lines.append("</Document></kml>")
    return "\n".join(lines).encode("utf-8")


def _coords(seq: Any) -> str:
    return " ".join(f"{x:.7f},{y:.7f}" for x, y in seq)


def _kml_geometry(g: Any) -> str:
    kind = g.geom_type
    if kind == "Point":
        return f"<Point><coordinates>{g.x:.7f},{g.y:.7f}</coordinates></Point>"
    if kind == "LineString":
        return f"<LineString><coordinates>{_coords(g.coords)}</coordinates></LineString>"
    if kind == "Polygon":
        inner = "".join(
            f"<innerBoundaryIs><LinearRing><coordinates>{_coords(r.coords)}</coordinates></LinearRing></innerBoundaryIs>"
            for r in g.interiors
        )
        return (
            "<Polygon><outerBoundaryIs><LinearRing><coordinates>"
            f"{_coords(g.exterior.coords)}</coordinates></LinearRing></outerBoundaryIs>{inner}</Polygon>"
        )
    return "<MultiGeometry>" + "".join(_kml_geometry(p) for p in g.geoms) + "</MultiGeometry>"


def export_layer(
    ws: Any, key: str, path: str | Path, *, encoding: str = "UTF-8", press: bool = False
) -> Path:
    """Write layer/table ``key`` to ``path``; the format comes from the suffix.

    The file appears whole or not at all: it is written beside the target
    and renamed into place.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ValidationError(
            f"unknown export format {suffix or '(none)'}; use one of {', '.join(FORMATS)}", source=path.name
        )
    schema, frame = _frame(ws, key, press)
    if not schema.is_spatial and suffix not in TABLE_FORMATS:
        raise ValidationError(
            f"{key} is a table without geometry; export it as {', '.join(TABLE_FORMATS)}", source=path.name
        )
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="floodpost-export-", dir=path.parent) as tmpdir:
        tmp = Path(tmpdir)
        if suffix == ".csv":
            out = tmp / path.name
            # A BOM so that Excel on a Chinese Windows opens UTF-8 as UTF-8.
            codec = codec_name(encoding)
            _human(schema, frame).to_csv(
                out, index=False, encoding="utf-8-sig" if codec == "utf-8" else codec
            )
            out.replace(path)
        elif suffix == ".xlsx":
            out = tmp / path.name
            _human(schema, frame).to_excel(out, index=False, sheet_name=schema.zh[:31], engine="openpyxl")
            out.replace(path)
        elif suffix in (".kml", ".kmz"):
            data = _write_kml(schema, frame)
            out = tmp / path.name
            if suffix == ".kml":
                out.write_bytes(data)
            else:
                with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
                    zf.writestr("doc.kml", data)
            out.replace(path)
        elif suffix in (".shp", ".zip"):
            _write_shapefile(schema, frame, tmp, path, encoding)
        else:
            out = tmp / path.name
            _write_ogr(schema, frame, out, suffix)
            out.replace(path)
    return path


def _write_ogr(schema: TableSchema, frame: Any, out: Path, suffix: str) -> None:
    import pyogrio

    if schema.is_spatial:
        gdf = frame.reset_index(drop=True)
        gdf = gdf.set_crs(STORAGE_EPSG, allow_override=True)
        if suffix in (".geojson", ".json"):
            gdf = gdf.to_crs(4326)  # RFC 7946 GeoJSON is WGS84 by definition
        kwargs: dict[str, Any] = {}
        if suffix == ".gpkg":
            kwargs["layer"] = schema.key
        if suffix in (".geojson", ".json"):
            kwargs["driver"] = "GeoJSON"
        for f in schema.fields:
            if f.type == "int" and f.name in gdf:
                gdf[f.name] = gdf[f.name].astype("Int64")
        pyogrio.write_dataframe(gdf, out, **kwargs)
    else:
        import geopandas as gpd

        gdf = gpd.GeoDataFrame(frame.reset_index(drop=True))
        pyogrio.write_dataframe(gdf, out, layer=schema.key, driver="GPKG")


def _write_shapefile(schema: TableSchema, frame: Any, tmp: Path, path: Path, encoding: str) -> None:
    import pyogrio

    codec = codec_name(encoding)
    cpg = {"utf-8": "UTF-8", "gb18030": "GBK"}.get(codec, encoding.upper())
    write_codec = "gbk" if codec == "gb18030" else codec
    gdf = frame.reset_index(drop=True).rename(columns=SHP_ALIASES)
    gdf = gdf.set_crs(STORAGE_EPSG, allow_override=True)
    for f in schema.fields:
        name = SHP_ALIASES.get(f.name, f.name)
        if f.type == "int" and name in gdf:
            gdf[name] = gdf[name].astype("Int64")
    stem = path.stem
    # Shapefiles hold one geometry type: reservoirs mix points and polygons.
    kinds = {g.geom_type.replace("Multi", "") for g in gdf.geometry}
    if len(kinds) > 1:
        raise ValidationError(
            f"{schema.key} mixes {' and '.join(sorted(kinds))} geometries, which one Shapefile cannot hold; "
            "export it as GeoPackage, GeoJSON or KML",
            source=path.name,
        )
    target = tmp / f"{stem}.shp"
    try:
        pyogrio.write_dataframe(gdf, target, driver="ESRI Shapefile", encoding=write_codec)
    except UnicodeEncodeError as exc:
        raise ValidationError(f"some text cannot be written in {encoding} ({exc.reason})", source=path.name) from None
    (tmp / f"{stem}.cpg").write_text(cpg, encoding="ascii")
    parts = sorted(p for p in tmp.iterdir() if p.stem == stem)
    if path.suffix.lower() == ".zip":
        out = tmp / "out.zip"
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
            for p in parts:
                zf.write(p, p.name)
        out.replace(path)
    else:
        for p in parts:
            p.replace(path.with_suffix(p.suffix))
