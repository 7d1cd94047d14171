"""Export a layer or table to the formats counties and other offices read.

GIS formats keep the schema's field names and stored codes, so that a round
trip through FloodPost gives back the same rows, and carry the Chinese label
of every coded value in a column beside it (``status`` + ``status_zh``), so
that a county office opening the file in QGIS or Google Earth reads 待命
rather than ``standby``. Spreadsheets (CSV, Excel) get Chinese headers and
labels for people, which import reads back through the synonym table; their
cells never become formulas (:mod:`floodpost.data.sheets`).

What other software expects of each format:

- GeoPackage: version 1.2, which GDAL 3.x and QGIS 3.22 read without a
  warning (GDAL 3.12 writes 1.4 by default), with a spatial index;
- GeoJSON: RFC 7946 — WGS84 longitude/latitude, no ``crs`` member,
  counter-clockwise outer rings, seven decimals (about 1 cm);
- KML/KMZ: one ``<Style>`` per symbol class with the map's colours, a
  ``styleUrl`` per placemark; KMZ carries the marker icons;
- Shapefile: short field aliases, a ``.cpg`` and a ``.prj``; UTF-8 by
  default, GBK on request for old desktop software.

Every file is written beside its target and renamed into place only when
complete and read back (:mod:`floodpost.data.atomic`); a full disk or a
read-only folder leaves the old file and one error naming the file and the
cause. ``press=True`` applies the one redaction rule of press outputs
(:mod:`floodpost.data.export.redact`).
"""

from __future__ import annotations

import io
import json
import struct
import tempfile
import unicodedata
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

import pandas as pd
import shapely

from floodpost.data.atomic import OutputError, atomic_output, atomic_outputs, write_failure
from floodpost.data.export.redact import Redactor
from floodpost.data.formats import FORMATS as FILE_FORMATS
from floodpost.data.formats import writable_suffixes, writer_for
from floodpost.data.intake.readers import codec_name
from floodpost.data.intake.synonyms import SHP_ALIASES
from floodpost.data.schema import STORAGE_EPSG, TableSchema, schema_for
from floodpost.data.schema.symbology import SWATCH_KIND, SYMBOLOGY, Symbol, parse_color
from floodpost.data.schema.validate import ValidationError
from floodpost.data.sheets import verify_xlsx, write_csv, write_xlsx
from floodpost.data.timeutil import iso_local

#: Export suffixes and their format names (from the one format table).
FORMATS = {s: f.en for f in FILE_FORMATS if f.write for s in f.written_as}
TABLE_FORMATS = writable_suffixes(tables_only=True)

#: GeoPackage version of exports: the newest that GDAL 3.x and QGIS 3.22 accept without a warning.
GPKG_VERSION = "1.2"
#: Decimals of GeoJSON coordinates: 1e-7 degrees is about 1 cm.
GEOJSON_DECIMALS = 7
#: Suffix of the column that carries the Chinese label of a coded value.
LABEL_SUFFIX = "_zh"
#: Files of a Shapefile, the main one first.
SHAPEFILE_PARTS = (".shp", ".shx", ".dbf", ".prj", ".cpg")


def label_column(name: str, shapefile: bool = False) -> str:
    """The column beside coded field ``name`` holding its Chinese labels.

    ``status`` → ``status_zh``; in a Shapefile (10-byte names) the field's
    alias is cut to fit: ``hazard_type`` → ``haz_typ_zh``.

    Examples
    --------
    >>> label_column("status"), label_column("category", shapefile=True)
    ('status_zh', 'categor_zh')
    """
    base = SHP_ALIASES.get(name, name) if shapefile else name
    if shapefile:
        base = base[: 10 - len(LABEL_SUFFIX)]
    return base + LABEL_SUFFIX


def _frame(ws: Any, key: str, press: bool) -> tuple[TableSchema, Any]:
    schema = schema_for(key)
    if key not in ws.keys():  # noqa: SIM118 - Workspace is not a mapping
        raise ValidationError(f"the workspace has no {key}")
    frame = ws.read(key)
    if press:
        frame = Redactor.from_workspace(ws).frame(schema, frame)
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
            out[f.label("zh")] = [f.display(v) if v is not None else None for v in values]
        elif f.type == "int":  # 5, not 5.0, beside empty cells
            out[f.label("zh")] = pd.array([None if pd.isna(v) else int(v) for v in values], dtype="Int64")
        else:
            out[f.label("zh")] = list(values)
    return out


def _text_width(value: Any) -> int:
    """Columns a value takes in a spreadsheet: Chinese characters count two."""
    text = "" if value is None or (isinstance(value, float) and value != value) else str(value)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _column_widths(human: pd.DataFrame, sample: int = 500) -> list[float]:
    """Excel column widths that show headers and typical values whole (at most 50)."""
    head = human.head(sample)
    return [
        min(50.0, 2.0 + max([_text_width(col), *(_text_width(v) for v in head[col])]))
        for col in human.columns
    ]


def _with_labels(schema: TableSchema, frame: Any, shapefile: bool = False) -> Any:
    """``frame`` with a Chinese label column after each coded column (GIS formats)."""
    out = frame.copy()
    for f in schema.fields:
        if f.type != "enum" or f.name not in out.columns:
            continue
        labels = [f.display(v) if v is not None and v == v else None for v in out[f.name]]
        out.insert(out.columns.get_loc(f.name) + 1, label_column(f.name, shapefile), labels)
    return out


# ------------------------------------------------------------------ KML
def kml_color(text: str | None, alpha: float = 1.0) -> str:
    """``#rrggbb[aa]`` as KML's ``aabbggrr``.

    Examples
    --------
    >>> kml_color("#d9480f"), kml_color("#c6dbef99")
    ('ff0f48d9', '99efdbc6')
    """
    if text is None:
        return "00000000"
    r, g, b, a = parse_color(text)
    return f"{round(a * alpha):02x}{b:02x}{g:02x}{r:02x}"


def _style_id(key: str, code: str | None) -> str:
    return f"{key}-{code or 'default'}"


def _kml_style(key: str, code: str | None, symbol: Symbol, icon: str | None) -> str:
    """One ``<Style>``: the icon in the class's fill, lines in its stroke, areas in its fill."""
    kind = SWATCH_KIND.get(key, "point")
    fill = symbol.fill or symbol.stroke or "#808080"
    icon_href = f"<Icon><href>{escape(icon)}</href></Icon>" if icon else ""
    icon_color = "ffffffff" if icon else kml_color(fill)  # an embedded icon has its own colours
    line = symbol.stroke if kind != "point" else fill
    width = symbol.stroke_width if kind != "point" else 1.5
    return (
        f'<Style id="{_style_id(key, code)}">'
        f"<IconStyle><color>{icon_color}</color><scale>{max(0.5, symbol.size / 16):.2f}</scale>{icon_href}</IconStyle>"
        "<LabelStyle><scale>0.8</scale></LabelStyle>"
        f"<LineStyle><color>{kml_color(line)}</color><width>{width:g}</width></LineStyle>"
        f"<PolyStyle><color>{kml_color(symbol.fill)}</color><fill>{int(symbol.fill is not None)}</fill>"
        "<outline>1</outline></PolyStyle>"
        "</Style>"
    )


def _kml_classes(key: str) -> list[tuple[str | None, Symbol]]:
    sym = SYMBOLOGY.get(key)
    if sym is None:
        return [(None, Symbol(fill="#808080"))]
    return [*sym.classes.items(), (None, sym.default)]


def _icon_name(key: str, code: str | None) -> str:
    return f"files/{_style_id(key, code)}.png"


def _write_kml(schema: TableSchema, frame: Any, icons: bool = False) -> bytes:
    """The KML document: styles first, then one placemark per feature.

    ``icons``: the styles point at ``files/<style>.png`` (packed into a KMZ
    by :func:`_icons`); a plain KML colours Google Earth's own icon instead.
    """
    key = schema.key
    sym = SYMBOLOGY.get(key)
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<kml xmlns="http://www.opengis.net/kml/2.2"><Document>',
        f"<name>{escape(schema.zh)}</name>",
    ]
    lines += [
        _kml_style(key, code, symbol, _icon_name(key, code) if icons and SWATCH_KIND.get(key) == "point" else None)
        for code, symbol in _kml_classes(key)
    ]
    fields = {f.name: f for f in schema.fields if f.name in frame.columns}
    title = schema.title_field
    for _, row in frame.iterrows():
        code = row.get(sym.field) if sym is not None and sym.field else None
        known = sym is not None and code is not None and str(code) in sym.classes
        lines.append("<Placemark>")
        lines.append(f"<name>{escape(str(row.get(title) or ''))}</name>")
        lines.append(f"<styleUrl>#{_style_id(key, str(code) if known else None)}</styleUrl>")
        lines.append("<ExtendedData>")
        for name in frame.columns:
            f = fields.get(name)
            if f is None and not name.endswith(LABEL_SUFFIX):
                continue
            v = row[name]
            if v is None or (isinstance(v, float) and v != v) or v is pd.NA:
                continue
            label = f.label("zh") if f is not None else fields[name[: -len(LABEL_SUFFIX)]].zh + "（中文）"
            lines.append(
                f"<Data name={quoteattr(name)}><displayName>{escape(label)}</displayName>"
                f"<value>{escape(str(v))}</value></Data>"
            )
        lines.append("</ExtendedData>")
        lines.append(_kml_geometry(row.geometry))
        lines.append("</Placemark>")
    lines.append("</Document></kml>")
    return "\n".join(lines).encode("utf-8")


def _icons(key: str) -> dict[str, bytes]:
    """PNG marker icons of a point layer's classes, drawn like the map's markers (KMZ only)."""
    if SWATCH_KIND.get(key) != "point":
        return {}
    from PIL import Image, ImageDraw

    from floodpost.data.schema.symbology import shape_rings

    out = {}
    for code, symbol in _kml_classes(key):
        side, ss = 32, 4  # drawn four times larger, then reduced: smooth edges
        big = Image.new("RGBA", (side * ss, side * ss), (0, 0, 0, 0))
        draw = ImageDraw.Draw(big)
        r = (side / 2 - 2) * ss
        c = side * ss / 2
        fill = parse_color(symbol.fill or "#808080")
        stroke = parse_color(symbol.stroke) if symbol.stroke else None
        width = max(1, round(symbol.stroke_width * ss * 1.5)) if stroke else 0
        if symbol.shape == "circle":
            draw.ellipse((c - r, c - r, c + r, c + r), fill=fill, outline=stroke, width=width)
        else:
            for ring in shape_rings(symbol.shape, r):
                draw.polygon([(c + x, c + y) for x, y in ring], fill=fill, outline=stroke, width=width)
        buf = io.BytesIO()
        big.resize((side, side), Image.Resampling.LANCZOS).save(buf, "PNG")
        out[_icon_name(key, code)] = buf.getvalue()
    return out


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


# ------------------------------------------------------------------ entry point
def export_layer(
    ws: Any, key: str, path: str | Path, *, encoding: str = "UTF-8", press: bool = False
) -> Path:
    """Write layer/table ``key`` to ``path``; the format comes from the suffix.

    The file appears whole or not at all: it is written beside the target,
    read back, and renamed into place; on failure the previous file stays
    and :class:`~floodpost.data.atomic.OutputError` names the file and the
    cause. ``press`` drops private fields and masks names and phone
    numbers in free text (:class:`~floodpost.data.export.redact.Redactor`).

    Examples
    --------
    >>> export_layer(ws, "hazards", "隐患点.shp", encoding="GBK")  # doctest: +SKIP
    """
    path = Path(path)
    suffix = path.suffix.lower()
    fmt = writer_for(suffix)
    if fmt is None:
        raise ValidationError(
            f"unknown export format {suffix or '(none)'}; use one of {', '.join(FORMATS)}", source=path.name
        )
    schema, frame = _frame(ws, key, press)
    if not schema.is_spatial and not fmt.tables:
        raise ValidationError(
            f"{key} is a table without geometry; export it as {', '.join(TABLE_FORMATS)}", source=path.name
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise write_failure(path, exc) from exc
    WRITERS[fmt.key](schema, frame, path, encoding)
    return path


def _export_xlsx(schema: TableSchema, frame: Any, path: Path, encoding: str) -> None:
    human = _human(schema, frame)
    with atomic_output(path, verify=verify_xlsx) as tmp:
        write_xlsx(tmp, schema.zh, list(human.columns), human.itertuples(index=False), shown=path,
                   widths=_column_widths(human))


def _export_csv(schema: TableSchema, frame: Any, path: Path, encoding: str) -> None:
    human = _human(schema, frame)
    codec = codec_name(encoding)
    with atomic_output(path) as tmp:
        try:
            write_csv(tmp, list(human.columns), human.itertuples(index=False),
                      encoding="utf-8-sig" if codec == "utf-8" else codec)
        except UnicodeEncodeError as exc:
            raise ValidationError(f"some text cannot be written in {encoding} ({exc.reason})", source=path.name) from None


def _export_kml(schema: TableSchema, frame: Any, path: Path, suffix: str) -> None:
    def parses(tmp: Path) -> None:
        data = tmp.read_bytes()
        if suffix == ".kmz":
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                data = zf.read("doc.kml")
        try:
            ET.fromstring(data)
        except ET.ParseError as exc:
            raise OSError(f"the KML written does not read back ({exc})") from exc

    with atomic_output(path, verify=parses) as tmp:
        if suffix == ".kml":
            tmp.write_bytes(_write_kml(schema, frame))
        else:
            with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
                zf.writestr("doc.kml", _write_kml(schema, frame, icons=True))
                for name, png in _icons(schema.key).items():
                    zf.writestr(name, png)


def _ogr_frame(schema: TableSchema, frame: Any, shapefile: bool = False) -> Any:
    """The GeoDataFrame GDAL writes: labels beside codes, nullable integers, EPSG:4490."""
    import geopandas as gpd

    gdf = _with_labels(schema, frame.reset_index(drop=True), shapefile)
    if schema.is_spatial:
        gdf = gpd.GeoDataFrame(gdf, geometry="geometry").set_crs(STORAGE_EPSG, allow_override=True)
    else:
        gdf = gpd.GeoDataFrame(gdf)
    for f in schema.fields:
        if f.type == "int" and f.name in gdf:
            gdf[f.name] = gdf[f.name].astype("Int64")
    return gdf


def _ogr_write(gdf: Any, out: Path, shown: Path, **kwargs: Any) -> None:
    """``pyogrio.write_dataframe``, its failures reported against the file the user named."""
    import pyogrio

    try:
        pyogrio.write_dataframe(gdf, out, **kwargs)
    except (ValidationError, UnicodeEncodeError):
        raise
    except Exception as exc:  # noqa: BLE001 - GDAL says "Cannot write feature" for a full disk
        raise write_failure(shown, exc) from exc


def _count_check(n: int, layer: str | None = None) -> Any:
    def verify(tmp: Path) -> None:
        import pyogrio

        try:
            got = pyogrio.read_info(tmp, layer=layer)["features"]
        except Exception as exc:  # noqa: BLE001 - any reader failure means a damaged file
            raise OSError(f"the file written does not read back ({exc})") from exc
        if got != n:
            raise OSError(f"{got} of {n} features read back")

    return verify


def _export_ogr(schema: TableSchema, frame: Any, path: Path, suffix: str) -> None:
    gdf = _ogr_frame(schema, frame)
    if suffix == ".gpkg":
        with atomic_output(path, verify=_count_check(len(gdf), schema.key)) as tmp:
            _ogr_write(gdf, tmp, path, layer=schema.key, driver="GPKG",
                       dataset_options={"VERSION": GPKG_VERSION})
        return

    def geojson_ok(tmp: Path) -> None:
        try:
            doc = json.loads(tmp.read_bytes())
        except ValueError as exc:
            raise OSError(f"the GeoJSON written does not read back ({exc})") from exc
        if len(doc.get("features", ())) != len(gdf):
            raise OSError(f"{len(doc.get('features', ()))} of {len(gdf)} features read back")

    gdf = gdf.to_crs(4326)  # RFC 7946: WGS84 longitude/latitude, by definition
    with atomic_output(path, verify=geojson_ok) as tmp:
        _ogr_write(gdf, tmp, path, driver="GeoJSON",
                   layer_options={"RFC7946": "YES", "COORDINATE_PRECISION": str(GEOJSON_DECIMALS),
                                  "WRITE_NAME": "NO"})


def _shapefile_gdf(schema: TableSchema, frame: Any, path: Path) -> Any:
    gdf = _ogr_frame(schema, frame, shapefile=True).rename(columns=SHP_ALIASES)
    # Shapefiles hold one geometry type: reservoirs mix points and polygons.
    kinds = {g.geom_type.replace("Multi", "") for g in gdf.geometry}
    if len(kinds) > 1:
        raise ValidationError(
            f"{schema.key} mixes {' and '.join(sorted(kinds))} geometries, which one Shapefile cannot hold; "
            "export it as GeoPackage, GeoJSON or KML",
            source=path.name,
        )
    return gdf


def _write_shapefile_parts(gdf: Any, folder: Path, stem: str, shown: Path, encoding: str) -> None:
    """The .shp, .shx, .dbf, .prj and .cpg of ``gdf`` in ``folder``."""
    codec = codec_name(encoding)
    cpg = {"utf-8": "UTF-8", "gb18030": "GBK"}.get(codec, encoding.upper())
    write_codec = "gbk" if codec == "gb18030" else codec
    try:
        _ogr_write(gdf, folder / f"{stem}.shp", shown, driver="ESRI Shapefile", encoding=write_codec)
    except UnicodeEncodeError as exc:
        raise ValidationError(f"some text cannot be written in {encoding} ({exc.reason})", source=shown.name) from None
    (folder / f"{stem}.cpg").write_text(cpg, encoding="ascii")


def _verify_shapefile(folder: Path, stem: str, n: int) -> None:
    """Raise OSError unless the parts hold ``n`` features whole.

    GDAL does not notice when a .dbf write fails (a full disk, a file size
    limit) and still reports success; the sizes the headers promise are
    checked against the files instead.
    """
    for suffix in (".shp", ".shx"):
        part = folder / f"{stem}{suffix}"
        with open(part, "rb") as fh:
            head = fh.read(100)
        size = part.stat().st_size
        if len(head) < 100 or struct.unpack(">i", head[24:28])[0] * 2 != size:
            raise OSError(f"{part.name} is cut short ({size:,} bytes)")
    if (folder / f"{stem}.shx").stat().st_size != 100 + 8 * n:
        raise OSError(f"{stem}.shx does not index {n} features")
    dbf = folder / f"{stem}.dbf"
    with open(dbf, "rb") as fh:
        head = fh.read(12)
    records, header_len, record_len = struct.unpack("<IHH", head[4:12]) if len(head) == 12 else (-1, 0, 0)
    if records != n or header_len <= 32 or record_len < 1 or dbf.stat().st_size < header_len + records * record_len:
        raise OSError(f"{dbf.name} is cut short ({dbf.stat().st_size:,} bytes)")
    _count_check(n)(folder / f"{stem}.shp")


def _export_shapefile(schema: TableSchema, frame: Any, path: Path, encoding: str) -> None:
    gdf = _shapefile_gdf(schema, frame, path)
    targets = [path.with_suffix(s) for s in SHAPEFILE_PARTS]
    with atomic_outputs(targets, verify=lambda d: _verify_shapefile(d, path.stem, len(gdf))) as stage:
        _write_shapefile_parts(gdf, stage, path.stem, path, encoding)


def _export_zipped_shapefile(schema: TableSchema, frame: Any, path: Path, encoding: str) -> None:
    gdf = _shapefile_gdf(schema, frame, path)

    def complete(tmp: Path) -> None:
        try:
            with zipfile.ZipFile(tmp) as zf:
                bad = zf.testzip()
                names = set(zf.namelist())
        except (zipfile.BadZipFile, OSError) as exc:
            raise OSError(f"the zip written does not read back ({exc})") from exc
        want = {f"{path.stem}{s}" for s in SHAPEFILE_PARTS}
        if bad is not None or not want <= names:
            raise OSError("the zip written is incomplete")

    with (
        atomic_output(path, verify=complete) as tmp,
        tempfile.TemporaryDirectory(prefix=".floodpost-", dir=path.parent) as scratch,
    ):
        folder = Path(scratch)
        _write_shapefile_parts(gdf, folder, path.stem, path, encoding)
        _verify_shapefile(folder, path.stem, len(gdf))
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_DEFLATED) as zf:
            for s in SHAPEFILE_PARTS:
                zf.write(folder / f"{path.stem}{s}", f"{path.stem}{s}")


#: One writer per format key of :data:`floodpost.data.formats.FORMATS`: (schema, frame, path, encoding).
WRITERS: dict[str, Callable[[TableSchema, Any, Path, str], None]] = {
    "gpkg": lambda schema, frame, path, enc: _export_ogr(schema, frame, path, ".gpkg"),
    "geojson": lambda schema, frame, path, enc: _export_ogr(schema, frame, path, path.suffix.lower()),
    "shapefile": _export_shapefile,
    "zip": _export_zipped_shapefile,
    "kml": lambda schema, frame, path, enc: _export_kml(schema, _with_labels(schema, frame), path, ".kml"),
    "kmz": lambda schema, frame, path, enc: _export_kml(schema, _with_labels(schema, frame), path, ".kmz"),
    "csv": _export_csv,
    "xlsx": _export_xlsx,
}

__all__ = ["FORMATS", "GPKG_VERSION", "WRITERS", "OutputError", "export_layer", "kml_color", "label_column"]
