"""Data intake: any county file into a layer or table, all of it or none of it.

``prepare`` reads the file, maps its columns, builds and checks geometry in
CGCS2000, and validates every row; it writes nothing. ``commit`` writes the
prepared rows in one transaction. Between the two the import wizard shows
the preview and the report; the CLI calls both in a row. A refusal is a
:class:`ValidationError` naming the file, the row, the column and why.
"""

from __future__ import annotations

import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from floodpost.data.intake import gcj02
from floodpost.data.intake.coordtext import CHINA_BOUNDS, CoordinateError, parse_pair
from floodpost.data.intake.readers import RawTable, read_any
from floodpost.data.intake.synonyms import (
    LAT_SYNONYMS,
    LON_SYNONYMS,
    PAIR_SYNONYMS,
    WKT_SYNONYMS,
    enum_alias,
    find_column,
    suggest_mapping,
)
from floodpost.data.notes import Note
from floodpost.data.schema import LAYERS, NOW, STORAGE_EPSG, Field, TableSchema, schema_for
from floodpost.data.schema.validate import ValidationError, coerce_value, reason_of, validate_record
from floodpost.data.timeutil import now_storage

#: Words spreadsheets put in a number cell to mean "nothing".
_NONE_WORDS = {"-", "—", "——", "/", "无", "暂无", "n/a", "na", "null", "none", "--"}
_NUMBER_UNIT = re.compile(
    r"^([-+]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)\s*(人|户|米|m|km|台|艘|辆|袋|个|座|处|条|m3|m³|万m³|立方米|名)?$"
)

#: "4万", "4.5万袋": counts written in ten-thousands.
_WAN = re.compile(r"^([-+]?\d+(?:\.\d+)?)万(?:人|户|袋|条|个|m³|m3|立方米|元)?$")

#: progress(phase, done, total) -> False to cancel. Phases: "validate", "write".
Progress = Callable[[str, int, int], bool]


class ImportCancelled(InterruptedError):
    """The user cancelled; nothing was written."""


@dataclass
class CrsChoice:
    """The coordinate system to read a file in: an EPSG/proj string, or ``gcj02``."""

    text: str | None = None

    @property
    def is_gcj02(self) -> bool:
        return (self.text or "").strip().lower() in ("gcj02", "gcj-02", "gcj")

    def crs(self) -> Any:
        from pyproj import CRS

        if self.is_gcj02:
            return CRS.from_epsg(4326)
        text = (self.text or "").strip()
        if text.isdigit():
            text = f"EPSG:{text}"
        try:
            return CRS.from_user_input(text)
        except Exception:
            raise ValueError(Note(
                "unknown coordinate system '{crs}'; give an EPSG code such as "
                "EPSG:4490 (CGCS2000), EPSG:4326 (WGS84), EPSG:4526 (CGCS2000 3° zone 38) or gcj02",
                crs=self.text,
            )) from None


@dataclass
class Prepared:
    """Validated rows ready to write, and what the import will say about them."""

    key: str
    source: str
    records: list[dict[str, Any]]
    raw: RawTable
    mapping: dict[str, str]
    lon: str | None = None
    lat: str | None = None
    crs_note: str = ""
    notes: list[str] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)
    repaired: list[str] = field(default_factory=list)
    #: field -> the file's row numbers whose value came from the field's schema default
    defaults: dict[str, list[int]] = field(default_factory=dict)
    #: field -> the stored value every row got from a constant (``--set``)
    constants: dict[str, Any] = field(default_factory=dict)
    #: (row, name) of readings naming a station the stations layer lacks (see intake.bulletin)
    unmatched: list[tuple[int, str]] = field(default_factory=list)

    @property
    def skipped(self) -> list[int]:
        """The file's rows that are not data (totals, notes under the table)."""
        return list(getattr(self.raw, "skipped", []))


@dataclass
class ImportReport:
    """What an import did, for the CLI's lines and the wizard's last page."""

    key: str
    source: str
    count: int
    seconds: float
    crs_note: str
    notes: list[str]
    ignored: list[str]
    repaired: list[str]
    fids: list[int] = field(default_factory=list)
    defaults: dict[str, list[int]] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)
    skipped: list[int] = field(default_factory=list)
    unmatched: list[tuple[int, str]] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [f"imported {self.count} rows into {self.key} from {self.source} in {self.seconds:.1f} s"]
        if self.crs_note:
            out.append(f"coordinates: {self.crs_note}")
        out += [str(n) for n in default_lines(self.key, self.defaults, self.constants, self.count)]
        if self.skipped:
            out.append(f"rows skipped (not data): {len(self.skipped)} ({row_ranges(self.skipped)})")
        out += [f"note: {n}" for n in self.notes]
        if self.repaired:
            out.append(f"repaired geometries: {len(self.repaired)}")
            out += [f"  {r}" for r in self.repaired[:20]]
            if len(self.repaired) > 20:
                out.append(f"  … and {len(self.repaired) - 20} more")
        if self.ignored:
            out.append("columns not imported: " + ", ".join(self.ignored))
        return out


# ----------------------------------------------------------------- mapping
def plan_columns(
    raw: RawTable, schema: TableSchema, *, lon: str | None = None, lat: str | None = None,
    mapping: dict[str, str] | None = None,
) -> tuple[dict[str, str], str | None, str | None, str | None]:
    """(field→column mapping, lon column, lat column, WKT column) for a raw table."""
    cols = raw.columns
    for given, what in ((lon, "--lon"), (lat, "--lat")):
        if given is not None and given not in cols:
            raise ValidationError(
                Note("{option}: no column '{column}'; the columns are {columns}",
                     option=what, column=given, columns=", ".join(cols)),
                source=raw.path.name,
            )
    wkt = None
    if schema.is_spatial and raw.geometry is None:
        lon = lon or find_column(cols, LON_SYNONYMS)
        lat = lat or find_column(cols, LAT_SYNONYMS)
        pair = find_column(cols, PAIR_SYNONYMS) if lon is None and lat is None else None
        if pair is not None:
            lon, lat = _split_pair_column(raw, pair)
        elif lon is None or lat is None:
            wkt = find_column(cols, WKT_SYNONYMS)
    if mapping is None:
        rest = [c for c in cols if c not in (lon, lat, wkt)]
        mapping = suggest_mapping(rest, schema)
    else:
        unknown = [c for c in mapping.values() if c not in cols]
        if unknown:
            raise ValidationError(
                Note("mapped column(s) {columns} not in the file", columns=", ".join(unknown)), source=raw.path.name
            )
    return dict(mapping), lon, lat, wkt


def _split_pair_column(raw: RawTable, col: str) -> tuple[str, str]:
    """Split a "lon, lat" column into two, so each half is parsed and located like any other."""
    lon, lat = f"{col} [lon]", f"{col} [lat]"
    if lon not in raw.frame.columns:
        xs, ys = [], []
        for v in raw.frame[col].tolist():
            parts = [p for p in re.split(r"[,，;；\s]+", str(v).strip()) if p] if v is not None else []
            if len(parts) == 2:
                xs.append(parts[0])
                ys.append(parts[1])
            else:
                xs.append(v)  # the parser says what is wrong with it
                ys.append(None)
        raw.frame[lon] = xs
        raw.frame[lat] = ys
    return lon, lat


def missing_required(
    schema: TableSchema, mapping: dict[str, str], constants: dict[str, Any] | None = None
) -> list[str]:
    """Required fields with no column, no constant and no schema default: the import cannot fill them."""
    constants = constants or {}
    return [
        f.name for f in schema.fields
        if f.required and f.name not in mapping and f.name not in constants and f.default is None
    ]


def default_value(f: Field, stamp: str) -> Any:
    """The stored value a field's schema default gives (``stamp``: the time of the import)."""
    return stamp if f.default == NOW else f.default


def constant_value(schema: TableSchema, name: str, value: Any, source: str | None = None) -> Any:
    """A constant typed for a field (``--set status=在岗``, Chinese, English or code) in storage form."""
    try:
        f = schema.field(name)
    except KeyError:
        raise ValidationError(
            Note("{key} has no field '{field}'; its fields are {fields}",
                 key=schema.key, field=name, fields=", ".join(schema.field_names)),
            source=source,
        ) from None
    if f.name == "source" and value in (None, ""):
        return None
    try:
        return coerce_value(f, _clean_value(f, value))
    except ValueError as exc:
        reason = exc.args[0] if exc.args else str(exc)
        raise ValidationError(
            Note("the value {value} given for {field}: {reason}", value=str(value), field=f.zh, reason=reason),
            source=source,
        ) from None


def row_ranges(rows: list[int], limit: int = 12) -> str:
    """``3–7, 9, 12`` for people: runs joined, at most ``limit`` pieces then ``…``."""
    pieces: list[str] = []
    start = prev = None
    for r in sorted(set(rows)):
        if prev is not None and r == prev + 1:
            prev = r
            continue
        if start is not None:
            pieces.append(str(start) if start == prev else f"{start}–{prev}")
        start = prev = r
    if start is not None:
        pieces.append(str(start) if start == prev else f"{start}–{prev}")
    if len(pieces) > limit:
        pieces = [*pieces[:limit], "…"]
    return ", ".join(pieces)


def default_lines(key: str, defaults: dict[str, list[int]], constants: dict[str, Any], count: int) -> list[Note]:
    """What the report says about values the file did not give: constants, then defaults by rows."""
    schema = schema_for(key)
    out: list[Note] = []
    for name, value in constants.items():
        f = schema.field(name)
        out.append(Note("{field} set to {value} for every row (constant)",
                        field=f"{f.zh} ({name})", value=f.display(value, "zh") or ""))
    for name, rows in defaults.items():
        if not rows:
            continue
        f = schema.field(name)
        shown = f.display(f.default, "zh") if f.default != NOW else f.display(None)
        field_text = f"{f.zh} ({name})"
        if f.default == NOW:
            if len(rows) == count:
                out.append(Note("{field}: no value in the file; every row stamped with the time of import",
                                field=field_text))
            else:
                out.append(Note("{field}: blank in {n} rows ({rows}), stamped with the time of import",
                                field=field_text, n=len(rows), rows=row_ranges(rows)))
        elif len(rows) == count:
            out.append(Note("{field}: no value in the file; every row got the default {value}",
                            field=field_text, value=shown))
        else:
            out.append(Note("{field}: blank in {n} rows ({rows}), which got the default {value}",
                            field=field_text, n=len(rows), rows=row_ranges(rows), value=shown))
    return out


# ---------------------------------------------------------------- values
def _clean_value(f: Any, value: Any) -> Any:
    """What a person meant by a cell: ``1,200人`` is 1200, ``—`` is nothing, 小一型 is small1."""
    if value is None:
        return None
    if isinstance(value, float) and value != value:
        return None
    if isinstance(value, bool):
        return int(value) if f.type in ("int", "real") else str(value)
    if isinstance(value, str):
        text = value.strip()
        if f.type in ("int", "real", "enum", "phone", "datetime"):
            text = unicodedata.normalize("NFKC", text).strip()
        if not text:
            return None
        if f.type in ("int", "real"):
            if text.lower() in _NONE_WORDS:
                return None
            compact = text.replace(" ", "")
            m = _WAN.match(compact)
            if m:
                if f.unit.startswith("万"):
                    return m.group(1)  # 1200万 in a 万m³ field is 1200 of its unit
                value = float(m.group(1)) * 10_000  # 4万 sandbags are 40000
                return str(int(value)) if value.is_integer() else str(value)
            m = _NUMBER_UNIT.match(compact)
            if m:
                return m.group(1).replace(",", "")
        if f.type == "enum":
            return enum_alias(f, text)
        if f.type == "datetime":
            return _chinese_time(text)
        return text
    if f.type in ("text",) and isinstance(value, float) and value.is_integer():
        return str(int(value))
    return value


_CN_TIME = re.compile(
    r"^(\d{4})[年./\-](\d{1,2})[月./\-](\d{1,2})日?\s*(?:(\d{1,2})(?:[时点:：](\d{1,2})?(?:分|[:：](\d{1,2})秒?)?)?)?$"
)


def _chinese_time(text: str) -> str:
    """``2021年7月22日18时``, ``2021.7.22 18:30`` and ISO all become ISO text."""
    m = _CN_TIME.match(text.replace("时许", "时").replace("分许", "分"))
    if not m:
        return text
    y, mo, d, h, mi, s = (int(v) if v else 0 for v in m.groups())
    return f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}"


# --------------------------------------------------------------- geometry
def _points_from_columns(raw: RawTable, lon: str, lat: str, projected: bool) -> np.ndarray:
    """Points from coordinate columns; plain numbers take a vectorised path, text the parser."""
    import pandas as pd

    xs = raw.frame[lon].tolist()
    ys = raw.frame[lat].tolist()
    fx = np.array(pd.to_numeric(pd.Series(xs, dtype=object), errors="coerce"), dtype=float)
    fy = np.array(pd.to_numeric(pd.Series(ys, dtype=object), errors="coerce"), dtype=float)
    plain = np.isfinite(fx) & np.isfinite(fy)
    if not projected:
        # Plain numbers outside the degree ranges or evidently swapped go through
        # the parser too, which refuses them with the reason.
        inside = (np.abs(fx) <= 180) & (np.abs(fy) <= 90)
        swapped = (fy >= 73) & (fy <= 136) & (fx >= 3) & (fx <= 54) & ~((fx >= 73) & (fx <= 136) & (fy >= 3) & (fy <= 54))
        plain &= inside & ~swapped
    for i in np.flatnonzero(~plain):
        x, y = xs[i], ys[i]
        try:
            if projected:
                px, py = _metres(x, "lon"), _metres(y, "lat")
            else:
                px, py = parse_pair(x, y)
        except CoordinateError as exc:
            col = {"lon": lon, "lat": lat}.get(exc.axis or "", f"{lon}/{lat}")
            raise ValidationError(reason_of(exc), source=raw.path.name, row=raw.where(int(i)), column=col) from None
        if not (np.isfinite(px) and np.isfinite(py)):
            raise ValidationError(Note("coordinate is not a number"), source=raw.path.name, row=raw.where(int(i)), column=lon)
        fx[i], fy[i] = px, py
    return np.asarray(shapely.points(fx, fy), dtype=object)


def _metres(value: Any, axis: str) -> float:
    try:
        return float(unicodedata.normalize("NFKC", str(value)).replace(",", "").strip())
    except ValueError:
        exc = CoordinateError(Note("'{text}' is not a grid coordinate in metres", text=str(value)))
        exc.axis = axis
        raise exc from None


def _looks_like_metres(raw: RawTable, lon: str, lat: str) -> bool:
    """Plain numbers far beyond degrees: grid coordinates in metres, not lon/lat."""
    big = 0
    sample = list(zip(raw.frame[lon].tolist()[:200], raw.frame[lat].tolist()[:200], strict=True))
    for x, y in sample:
        try:
            fx, fy = float(str(x).replace(",", "")), float(str(y).replace(",", ""))
        except ValueError:
            continue
        big += abs(fx) > 1000 and abs(fy) > 1000
    return big > 0 and big >= len(sample) // 2


def _wkt_geometries(raw: RawTable, col: str) -> np.ndarray:
    out = np.empty(len(raw.frame), dtype=object)
    for i, text in enumerate(raw.frame[col].tolist()):
        if text is None:
            out[i] = None
            continue
        try:
            out[i] = shapely.from_wkt(str(text))
        except shapely.errors.GEOSException as exc:
            raise ValidationError(Note("not WKT geometry ({reason})", reason=str(exc)), source=raw.path.name, row=raw.where(i), column=col) from None
    return out


def _grid_zone_hint(x: np.ndarray, y: np.ndarray) -> str:
    """A hint naming the Gauss–Krüger system that zone-prefixed eastings point to."""
    east = np.nanmedian(x)
    zone = int(east // 1_000_000)
    if 25 <= zone <= 45:
        return Note("; eastings carry 3° zone {zone}: CGCS2000 would be EPSG:{epsg}", zone=zone, epsg=4513 + zone - 25)
    if 13 <= zone <= 23:
        return Note("; eastings carry 6° zone {zone}: CGCS2000 would be EPSG:{epsg}", zone=zone, epsg=4491 + zone - 13)
    if 100_000 < east < 900_000 and 0 < np.nanmedian(y) < 6_500_000:
        return Note("; eastings near 500 000 m: a Gauss–Krüger system by central meridian (EPSG:4534–4554)")
    return ""


def _looks_geographic(bounds: np.ndarray) -> bool:
    return bool(bounds[0] >= -180 and bounds[2] <= 180 and bounds[1] >= -90 and bounds[3] <= 90)


def _to_storage(
    raw: RawTable, geoms: np.ndarray, choice: CrsChoice, from_columns: bool
) -> tuple[np.ndarray, Note, list[str]]:
    """Geometries in CGCS2000 degrees, and how the coordinate system was decided."""
    from pyproj import CRS, Transformer

    notes: list[str] = []
    present = np.array([g is not None and not g.is_empty for g in geoms])
    bounds = shapely.total_bounds(geoms[present]) if present.any() else np.array([114.0, 35.0, 114.0, 35.0])
    file_crs = raw.crs
    if choice.text:
        try:
            src = choice.crs()
        except ValueError as exc:
            raise ValidationError(reason_of(exc), source=raw.path.name) from None
        label = "GCJ-02" if choice.is_gcj02 else _crs_label(src)
        if file_crs is not None and not choice.is_gcj02 and CRS(file_crs) != src:
            notes.append(Note("the file says {file}; read as {crs} as told", file=_crs_label(CRS(file_crs)), crs=label))
        how = (
            Note("GCJ-02 (phone map apps), converted to CGCS2000", crs="GCJ-02")
            if choice.is_gcj02 else Note("{crs} as given", crs=label)
        )
    elif file_crs is not None:
        src = CRS(file_crs)
        how = Note("{crs} from the file", crs=_crs_label(src))
    elif _looks_geographic(bounds):
        src = CRS.from_epsg(STORAGE_EPSG)
        how = Note(
            "no coordinate system given; degrees read as CGCS2000/WGS84 "
            "(if they come from a phone map app, import again with --crs gcj02)"
        )
    else:
        xs = shapely.get_coordinates(geoms[present])
        hint = _grid_zone_hint(xs[:, 0], xs[:, 1]) if len(xs) else ""
        raise ValidationError(
            Note("the coordinates are not degrees and the file names no coordinate system"
                 "{hint}; give it (--crs, e.g. --crs EPSG:4526)", hint=hint),
            source=raw.path.name,
        )
    if choice.is_gcj02:
        out = gcj02.gcj02_to_wgs84_geometry(geoms)
    elif src.equals(CRS.from_epsg(STORAGE_EPSG)) or src.to_epsg() in (4490, 4326, 4610, 4214):
        if src.to_epsg() in (4610, 4214):
            notes.append(Note(
                "{crs} read as CGCS2000 without a datum shift (no official parameters); "
                "positions may be off by up to ~100 m", crs=_crs_label(src),
            ))
        out = geoms
    else:
        if from_columns and src.is_projected:
            xy = shapely.get_coordinates(geoms[present])
            if len(xy) and _swapped_grid(src, xy):
                geoms = shapely.transform(geoms, lambda c: c[:, ::-1])
                notes.append(Note("X/Y columns follow the surveying convention (X north); read as northing/easting"))
        base = src.geodetic_crs
        if base is not None and base.to_epsg() in (4610, 4214):
            notes.append(Note(
                "{crs} read as CGCS2000 without a datum shift (no official parameters); "
                "positions may be off by up to ~100 m", crs=base.name,
            ))
        tr = Transformer.from_crs(src, CRS.from_epsg(STORAGE_EPSG), always_xy=True)
        out = shapely.transform(geoms, lambda c: np.column_stack(tr.transform(c[:, 0], c[:, 1])))
    _check_in_china(raw, out, how)
    return np.asarray(out, dtype=object), how, notes


def _swapped_grid(src: Any, xy: np.ndarray) -> bool:
    """True when 'x' holds northings and 'y' eastings, as Chinese surveyors write them."""
    from pyproj import CRS, Transformer

    tr = Transformer.from_crs(src, CRS.from_epsg(4490), always_xy=True)
    x, y = float(np.median(xy[:, 0])), float(np.median(xy[:, 1]))
    lon, lat = tr.transform(x, y)
    slon, slat = tr.transform(y, x)
    inside = CHINA_BOUNDS[0] <= lon <= CHINA_BOUNDS[2] and CHINA_BOUNDS[1] <= lat <= CHINA_BOUNDS[3]
    sinside = CHINA_BOUNDS[0] <= slon <= CHINA_BOUNDS[2] and CHINA_BOUNDS[1] <= slat <= CHINA_BOUNDS[3]
    return (not inside) and sinside


def _crs_label(crs: Any) -> str:
    epsg = crs.to_epsg()
    return f"{crs.name} (EPSG:{epsg})" if epsg else crs.name


def _check_in_china(raw: RawTable, geoms: np.ndarray, how: str) -> None:
    b = shapely.bounds(np.asarray(geoms, dtype=object))
    x0, y0, x1, y1 = CHINA_BOUNDS
    with np.errstate(invalid="ignore"):
        ok = (b[:, 0] >= x0) & (b[:, 2] <= x1) & (b[:, 1] >= y0) & (b[:, 3] <= y1)
    if not ok.all():
        ok |= np.array([g is None or g.is_empty for g in geoms])
    bad = np.flatnonzero(~ok)
    if len(bad):
        i = int(bad[0])
        where = (
            Note("lon {lon}, lat {lat}", lon=f"{b[i, 0]:.4f}", lat=f"{b[i, 1]:.4f}")
            if np.all(np.isfinite(b[i])) else Note("no finite position")
        )
        system = getattr(how, "values", {}).get("crs") or "CGCS2000/WGS84"
        raise ValidationError(
            Note("lies outside China ({where}) when read as {crs}; is the coordinate system right?",
                 where=where, crs=system),
            source=raw.path.name, row=raw.where(i), column="geometry",
        )


def _fit_geometry(schema: TableSchema, g: Any) -> tuple[Any, str | None]:
    """The geometry in the layer's shape, repaired if need be; (geometry, repair note)."""
    if g is None:
        raise ValueError(Note("the row has no geometry"))
    if g.is_empty:
        raise ValueError(Note("the geometry is empty"))
    if shapely.get_coordinate_dimension(g) > 2:
        g = shapely.force_2d(g)
    kind = g.geom_type
    if kind == "MultiPoint" and "Point" in schema.allowed_geometries and "MultiPoint" not in schema.allowed_geometries:
        if len(g.geoms) != 1:
            raise ValueError(Note("a MultiPoint of {n} points does not fit layer {key} (one point per row)",
                                  n=len(g.geoms), key=schema.key))
        g = g.geoms[0]
    elif kind == "GeometryCollection":
        parts = [p for p in g.geoms if p.geom_type in schema.allowed_geometries]
        if len(parts) == 1 and len(g.geoms) == 1:
            g = parts[0]
    if g.geom_type not in schema.allowed_geometries:
        allowed = ", ".join(schema.allowed_geometries)
        raise ValueError(Note("a {kind} does not fit layer {key} (it takes {allowed})",
                              kind=g.geom_type, key=schema.key, allowed=allowed))
    if g.is_valid:
        return g, None
    reason = shapely.is_valid_reason(g)
    if g.geom_type in ("Polygon", "MultiPolygon"):
        fixed = shapely.make_valid(g)
        polys = [p for p in getattr(fixed, "geoms", [fixed]) if p.geom_type in ("Polygon", "MultiPolygon")]
        if not polys:
            raise ValueError(Note("invalid polygon ({reason}) that cannot be repaired", reason=reason))
        fixed = shapely.union_all(polys)
        if fixed.geom_type == "Polygon" and schema.geometry == "MULTIPOLYGON":
            fixed = shapely.MultiPolygon([fixed])
        # Repair may move no boundary by more than 1% of the feature's size.
        minx, miny, maxx, maxy = g.bounds
        size = max(maxx - minx, maxy - miny) or 1e-9
        moved = shapely.hausdorff_distance(g.boundary, fixed.boundary)
        if not np.isfinite(moved) or moved > 0.01 * size or fixed.is_empty:
            raise ValueError(Note("invalid polygon ({reason}); repairing it would change its shape, so it is refused",
                                  reason=reason))
        if fixed.geom_type == "MultiPolygon" and "MultiPolygon" not in schema.allowed_geometries:
            raise ValueError(Note("invalid polygon ({reason}); repaired it would be several parts", reason=reason))
        return fixed, reason
    raise ValueError(Note("invalid geometry ({reason})", reason=reason))


_TYPE_IDS = {"Point": 0, "LineString": 1, "Polygon": 3, "MultiPoint": 4, "MultiLineString": 5, "MultiPolygon": 6}


def _type_ids(schema: TableSchema) -> list[int]:
    return [_TYPE_IDS[t] for t in schema.allowed_geometries if t in _TYPE_IDS]


def _as_multi(schema: TableSchema, g: Any) -> Any:
    if g.geom_type == "Polygon" and schema.geometry == "MULTIPOLYGON":
        return shapely.MultiPolygon([g])
    if g.geom_type == "LineString" and schema.geometry == "MULTILINESTRING":
        return shapely.MultiLineString([g])
    return g


# ------------------------------------------------------------------ prepare
def prepare(
    path: str | Path,
    key: str,
    *,
    lon: str | None = None,
    lat: str | None = None,
    crs: str | None = None,
    encoding: str | None = None,
    layer: str | None = None,
    mapping: dict[str, str] | None = None,
    raw: RawTable | None = None,
    progress: Progress | None = None,
    constants: dict[str, Any] | None = None,
) -> Prepared:
    """Read, map, convert and validate a file for layer/table ``key``; write nothing.

    ``constants`` gives fields one value for every row (``--set
    status=在岗``; Chinese labels, English labels or codes), replacing a
    column mapped to the same field. Required fields with neither a column
    nor a constant take their schema default (:attr:`Field.default`), and
    so do their blank cells; :attr:`Prepared.defaults` lists the rows.
    """
    try:
        schema = schema_for(key)
    except KeyError as exc:
        raise ValidationError(str(exc.args[0])) from None
    path = Path(path)
    if raw is None:
        raw = read_any(path, schema=schema, layer=layer, encoding=encoding)
    src = raw.path.name
    if len(raw.frame) == 0:
        raise ValidationError(Note("the file has no data rows"), source=src)
    mapping, lon, lat, wkt = plan_columns(raw, schema, lon=lon, lat=lat, mapping=mapping)
    fixed = {name: constant_value(schema, name, v, src) for name, v in (constants or {}).items()}
    notes = list(raw.notes)
    for name in fixed:
        if name in mapping:
            notes.append(Note("{field}: the constant replaces column {column}",
                              field=schema.field(name).zh, column=mapping.pop(name)))
    missing = missing_required(schema, mapping, fixed)
    if missing:
        labels = ", ".join(f"{schema.field(m).zh} ({m})" for m in missing)
        raise ValidationError(
            Note("no column for required field(s) {fields}; the columns are {columns}; "
                 "map a column or set a constant (--set FIELD=VALUE)",
                 fields=labels, columns=", ".join(raw.columns)),
            source=src,
        )
    choice = CrsChoice(crs)
    geoms = None
    crs_note = ""
    repaired: list[str] = []
    if schema.is_spatial:
        if raw.geometry is not None:
            geoms = raw.geometry
            from_columns = False
        elif lon is not None and lat is not None:
            projected = False
            if choice.text and not choice.is_gcj02:
                try:
                    projected = bool(choice.crs().is_projected)
                except ValueError as exc:
                    raise ValidationError(reason_of(exc), source=src) from None
            elif not choice.text:
                projected = _looks_like_metres(raw, lon, lat)
            geoms = _points_from_columns(raw, lon, lat, projected)
            from_columns = True
        elif wkt is not None:
            geoms = _wkt_geometries(raw, wkt)
            from_columns = False
        else:
            raise ValidationError(
                Note("no geometry: the file has no longitude/latitude columns (经度/纬度, lon/lat, x/y) "
                     "and no WKT column; the columns are {columns} (use --lon/--lat)",
                     columns=", ".join(raw.columns)),
                source=src,
            )
        for i, g in enumerate(geoms):
            if g is None or (hasattr(g, "is_empty") and g.is_empty):
                raise ValidationError(
                    Note("the row has no geometry") if g is None else Note("the geometry is empty"),
                    source=src, row=raw.where(i), column="geometry",
                )
        geoms, crs_note, crs_notes = _to_storage(raw, np.asarray(geoms, dtype=object), choice, from_columns)
        notes += crs_notes
        geoms = shapely.force_2d(geoms)
        # Simple, valid geometries of an allowed type need no look one by one.
        simple = shapely.is_valid(geoms) & np.isin(shapely.get_type_id(geoms), _type_ids(schema))
    elif crs or lon or lat:
        notes.append(Note("{key} is a table without geometry; coordinate options ignored", key=key))
    used = set(mapping.values()) | {c for c in (lon, lat, wkt) if c}
    used |= {c[: -len(" [lon]")] for c in (lon,) if c and c.endswith(" [lon]")}
    ignored = [c for c in raw.columns if c not in used]
    has_source = "source" in mapping or "source" in fixed
    stamp = now_storage()
    defaults = {
        f.name: default_value(f, stamp) for f in schema.fields
        if f.required and f.default is not None and f.name not in fixed
    }
    bulletin_time = _bulletin_time(raw, schema, mapping, fixed)
    if bulletin_time is not None:
        defaults.pop("reported_at", None)
    defaulted: dict[str, list[int]] = {name: [] for name in defaults}
    timed_by_title = 0
    columns = {fname: raw.frame[col].tolist() for fname, col in mapping.items()}
    fields = {f.name: f for f in schema.fields}
    records: list[dict[str, Any]] = []
    total = len(raw.frame)
    step = max(1, min(5000, total // 50 or 1))
    caches: dict[str, dict[Any, Any]] = {fname: {} for fname in columns}
    for i in range(total):
        rec: dict[str, Any] = {}
        for fname, values in columns.items():
            v = values[i]
            cache = caches[fname]
            try:
                rec[fname] = cache[v]
            except (KeyError, TypeError):
                rec[fname] = _clean_value(fields[fname], v)
                if len(cache) < 10_000 and isinstance(v, (str, int, float)):
                    cache[v] = rec[fname]
        rec.update(fixed)
        if not has_source or rec.get("source") in (None, ""):
            rec["source"] = src
        row = raw.where(i)
        if bulletin_time is not None and _blank(rec.get("reported_at")):
            if not bulletin_time[0]:
                raise ValidationError(
                    Note("no observation time in this row, and the title gives no report time"),
                    source=src, row=row, column=mapping.get("reported_at"),
                )
            rec["reported_at"] = bulletin_time[0]
            timed_by_title += 1
        for fname, value in defaults.items():
            if _blank(rec.get(fname)):
                rec[fname] = value
                defaulted[fname].append(row)
        if geoms is not None:
            g = geoms[i]
            if not simple[i]:
                try:
                    g, note = _fit_geometry(schema, g)
                except ValueError as exc:
                    raise ValidationError(reason_of(exc), source=src, row=row, column="geometry") from None
                if note:
                    repaired.append(f"{raw.row_label} {row}: {note}")
            rec["geometry"] = _as_multi(schema, g)
        try:
            clean = validate_record(schema, rec, source=src, row=row, check_geometry=False)
        except ValidationError as exc:
            # Name the file's column, not ours, so the user can find the cell.
            if exc.column in mapping:
                exc = ValidationError(
                    Note("{reason} (field {field})", reason=exc.reason, field=fields[exc.column].zh),
                    source=src, row=row, column=mapping[exc.column],
                )
            raise exc from None
        records.append(clean)
        if progress is not None and (i + 1) % step == 0 and progress("validate", i + 1, total) is False:
            raise ImportCancelled("import cancelled; nothing was written")
    if progress is not None:
        progress("validate", total, total)
    if timed_by_title:
        notes.append(Note("observation time {time} read from the title (row {row}: {title}) and given to "
                          "{n} rows without a time of their own",
                          time=bulletin_time[0].replace("T", " ")[:16], row=bulletin_time[1],
                          title=bulletin_time[2], n=timed_by_title))
    if repaired:
        notes.append(Note("{n} invalid geometries repaired (self-intersections and the like)", n=len(repaired)))
    if schema.outline_layer and records:
        kept = LAYERS[schema.outline_layer].allowed_geometries
        outlined = sum(1 for r in records if r["geometry"].geom_type in kept)
        if outlined:
            notes.append(Note("{n} outlines kept in {layer}; each is placed on the map as a point on its outline",
                              n=outlined, layer=schema.outline_layer))
    return Prepared(
        key=key, source=src, records=records, raw=raw, mapping=mapping, lon=lon, lat=lat,
        crs_note=crs_note, notes=notes, ignored=ignored, repaired=repaired,
        defaults={k: v for k, v in defaulted.items() if v}, constants=fixed,
    )


def _bulletin_time(raw: RawTable, schema: TableSchema, mapping: dict[str, str],
                   fixed: dict[str, Any]) -> tuple[str, int, str] | None:
    """For readings: the report time of a bulletin's title, ("", 0, "") when it has none but a time column.

    A reading without a time is refused rather than stamped with the time of
    import (the default of other tables): its time is what it says.
    """
    from floodpost.data.intake.bulletin import title_time

    if schema.key != "readings" or "reported_at" in fixed:
        return None
    try:
        found = title_time(raw.titles, raw.path.name)
    except ValidationError as exc:
        raise ValidationError(exc.reason, source=raw.path.name) from None
    if found is not None:
        return found
    if "reported_at" not in mapping:
        raise ValidationError(
            Note("no observation time: the file has no time column (观测时间, 时间) and no title row with "
                 "a date and hour such as 2021年7月22日8时; add one or set it (--set reported_at=TIME)"),
            source=raw.path.name,
        )
    return "", 0, ""


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and value != value) or (
        isinstance(value, str) and not value.strip()
    )


def commit(ws: Any, prepared: Prepared, *, progress: Progress | None = None,
           operator: str | None = None) -> list[int]:
    """Write prepared rows in one transaction; cancelling rolls everything back."""
    def tick(done: int, total: int) -> bool:
        return True if progress is None else progress("write", done, total) is not False

    try:
        return ws.insert(prepared.key, prepared.records, operator=operator, source=prepared.source,
                         progress=tick, validated=True)
    except InterruptedError:
        raise ImportCancelled("import cancelled; nothing was written") from None


def stock_warning(ws: Any, prepared: Prepared) -> Note | None:
    """For a material tally: a depot the imported movements would leave below zero, said, not refused.

    A county's ledger may lack the stock-ins recorded elsewhere, so the
    import goes ahead; the report says where the records do not add up.
    """
    if prepared.key != "material_tally":
        return None
    from floodpost.data.situation.tally import stock_conflict

    problem = stock_conflict(ws, added=prepared.records)
    if problem is None:
        return None
    return Note("after this import the records do not add up: {problem}", problem=problem)


def import_file(
    ws: Any,
    path: str | Path,
    key: str,
    *,
    progress: Progress | None = None,
    operator: str | None = None,
    **options: Any,
) -> ImportReport:
    """Prepare and commit in one call (the CLI's path).

    ``unmatched`` (readings): ``refuse`` (default) refuses a file naming a
    station the stations layer lacks; ``skip`` imports the others and reports those.
    """
    from floodpost.data.intake.bulletin import match_stations, settle_unmatched

    t0 = time.perf_counter()
    unmatched = options.pop("unmatched", None) or "refuse"
    prepared = prepare(path, key, progress=progress, **options)
    settle_unmatched(prepared, match_stations(ws, prepared), unmatched)
    warning = stock_warning(ws, prepared)
    if warning is not None:
        prepared.notes.append(warning)
    fids = commit(ws, prepared, progress=progress, operator=operator)
    return ImportReport(
        key=key, source=prepared.source, count=len(fids), seconds=time.perf_counter() - t0,
        crs_note=prepared.crs_note, notes=prepared.notes, ignored=prepared.ignored,
        repaired=prepared.repaired, fids=fids, defaults=prepared.defaults,
        constants=prepared.constants, skipped=prepared.skipped, unmatched=prepared.unmatched,
    )
