"""Reading the files counties send into one raw table, before any mapping.

Each reader returns a :class:`RawTable`: the columns as the file has them,
geometries if the file carries any, the file's coordinate system, and the
row number a person would look for in the file when a row is refused.
Readers decide the text encoding and find the header row; what they decided
goes into ``notes`` for the import report.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import shutil
import struct
import tempfile
import warnings
import xml.etree.ElementTree as ET
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely

from floodpost.data.formats import FORMATS, by_suffix, readable_suffixes
from floodpost.data.intake.synonyms import header_score, normalise
from floodpost.data.notes import Note
from floodpost.data.schema import TableSchema
from floodpost.data.schema.validate import ValidationError
from floodpost.data.sheets import unguard

SPREADSHEET_SUFFIXES = next(f for f in FORMATS if f.key == "xlsx").suffixes
TEXT_SUFFIXES = next(f for f in FORMATS if f.key == "csv").suffixes
SUFFIXES = readable_suffixes()
GIS_SUFFIXES = tuple(s for s in SUFFIXES if s not in SPREADSHEET_SUFFIXES + TEXT_SUFFIXES)

#: Rows that sum up the rows above them; never data.
_TOTALS = re.compile(r"^(全市|全县|全区|全省|总|共)?(合计|总计|小计|累计|共计|汇总|总数)$|^(total|sum|subtotal|grandtotal)$"
                     r"|^(全市|全县|全区)?(平均|最大|最小|最高|最低)值?$|^(average|mean|max|min|maximum|minimum)$")
_TOTAL_HINT = re.compile(r"[计总均最]|total|sum|average|mean|max|min", re.I)
#: Lines under a table: notes, who filled it in, who checked it.
_FOOTER = re.compile(r"^(注|备注|说明|填报|填表|制表|审核|审批|统计|负责人|联系人|数据来源|单位[:：])")


@dataclass
class RawTable:
    """A file's rows as read: attribute columns, optional geometry and CRS."""

    path: Path
    format: str
    frame: pd.DataFrame
    geometry: np.ndarray | None = None
    crs: Any = None  # pyproj.CRS or None when the file does not say
    row_numbers: list[int] = field(default_factory=list)
    row_label: str = "row"
    encoding: str | None = None
    layer: str | None = None
    notes: list[str] = field(default_factory=list)
    #: the file's row numbers of rows that are not data (totals, notes under the table)
    skipped: list[int] = field(default_factory=list)
    #: (row number, text) of the title rows above the header and the note rows under the
    #: table: where a bulletin gives its report time (鹤壁市水情报表 2021年7月22日8时)
    titles: list[tuple[int, str]] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]

    def where(self, i: int) -> int:
        """The row number a person sees in the file for data row ``i``."""
        return self.row_numbers[i] if i < len(self.row_numbers) else i + 1


def _fail(path: Path, reason: str, row: int | None = None) -> ValidationError:
    return ValidationError(reason, source=path.name, row=row)


# ----------------------------------------------------------------- encodings
_CPG = {
    "936": "gb18030", "cp936": "gb18030", "gbk": "gb18030", "gb2312": "gb18030",
    "gb18030": "gb18030", "54936": "gb18030", "utf-8": "utf-8", "utf8": "utf-8",
    "65001": "utf-8", "950": "big5", "big5": "big5", "1252": "cp1252", "ansi 1252": "cp1252",
    "88591": "latin-1", "iso-8859-1": "latin-1", "iso88591": "latin-1",
}


def codec_name(name: str) -> str:
    """A Python codec for an encoding name as .cpg files and users write it.

    GBK and GB2312 are read as GB18030, their superset, so that rarer
    characters in village names never fail.
    """
    key = name.strip().lower().replace("_", "-")
    if key.startswith("cp") and key[2:] in _CPG:
        key = key[2:]
    if key in _CPG:
        return _CPG[key]
    try:
        codec = codecs.lookup(key).name
    except LookupError:
        raise ValueError(Note("unknown text encoding '{name}'", name=name)) from None
    return "gb18030" if codec in ("gbk", "gb2312") else codec


def sniff_encoding(data: bytes) -> str:
    """UTF-8 or GB18030 for text that has no declared encoding.

    Chinese in GBK is almost never valid UTF-8, and Chinese in UTF-8 is
    valid GB18030 only by accident of byte values; strict UTF-8 first is
    the reliable order. ``data`` may be cut anywhere.
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3 and exc.reason == "unexpected end of data":
            return "utf-8"  # a character cut by the sample's end
    try:
        data.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:
            return "gb18030"
    return "latin-1"


def _dbf_sample(dbf: Path, limit: int = 4 << 20) -> bytes:
    with open(dbf, "rb") as fh:
        head = fh.read(32)
        if len(head) < 32:
            return b""
        header_len, record_len = struct.unpack("<HH", head[8:12])
        fh.seek(header_len)
        data = fh.read(limit)
    if record_len > 0:
        data = data[: (len(data) // record_len) * record_len]
    return data


def _dbf_field_names(dbf: Path) -> list[bytes]:
    with open(dbf, "rb") as fh:
        head = fh.read(32)
        header_len = struct.unpack("<H", head[8:10])[0] if len(head) >= 10 else 32
        fh.seek(32)
        desc = fh.read(max(0, header_len - 33))
    return [desc[i : i + 11].split(b"\0")[0] for i in range(0, len(desc) - 31, 32)]


def shapefile_encoding(shp: Path, override: str | None = None) -> tuple[str, str]:
    """(codec, why) for a Shapefile's attributes: the override, the .cpg, or a sniff."""
    if override:
        return codec_name(override), Note("as given")
    for cpg in (shp.with_suffix(".cpg"), shp.with_suffix(".CPG")):
        if cpg.exists():
            text = cpg.read_text("ascii", errors="replace").strip()
            try:
                return codec_name(text), Note("from {cpg} ({text})", cpg=cpg.name, text=text)
            except ValueError:
                pass
    dbf = next((p for p in (shp.with_suffix(".dbf"), shp.with_suffix(".DBF")) if p.exists()), None)
    if dbf is None:
        raise _fail(shp, Note("the .dbf file with the attributes is missing"))
    # Field names are cut at 10 bytes, often inside a UTF-8 character; each is
    # sniffed on its own so that a cut never counts against UTF-8.
    votes = [sniff_encoding(n) for n in _dbf_field_names(dbf) if any(b > 0x7F for b in n)]
    sample = _dbf_sample(dbf)
    if any(b > 0x7F for b in sample[: 1 << 20]) or not votes:
        votes.append(sniff_encoding(sample))
    codec = "utf-8" if all(v == "utf-8" for v in votes) else (
        "gb18030" if all(v in ("utf-8", "gb18030") for v in votes) else "latin-1")
    if codec == "latin-1":
        raise _fail(
            shp, Note("the attribute text is neither UTF-8 nor GBK; name the encoding (--encoding)")
        )
    return codec, Note("detected (no .cpg)")


# ---------------------------------------------------------------- GIS formats
def _gis_error(path: Path, exc: Exception) -> ValidationError:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return _fail(path, Note("cannot read the file ({reason}); is it complete and not damaged?", reason=text))


def _from_geodataframe(path: Path, fmt: str, gdf: Any, **kw: Any) -> RawTable:
    geoms = np.asarray(gdf.geometry.values, dtype=object) if gdf.geometry is not None else None
    frame = pd.DataFrame(gdf.drop(columns=gdf.geometry.name)).reset_index(drop=True)
    frame = frame.astype(object).where(frame.notna(), None)
    return RawTable(
        path=path, format=fmt, frame=frame, geometry=geoms, crs=gdf.crs,
        row_numbers=list(range(1, len(frame) + 1)), row_label="feature", **kw,
    )


def _read_ogr(path: Path, fmt: str, *, layer: str | None = None, encoding: str | None = None,
              notes: list[str] | None = None, display: Path | None = None) -> RawTable:
    import pyogrio

    shown = display or path
    try:
        with warnings.catch_warnings():  # GDAL's chatter; real faults raise below
            warnings.simplefilter("ignore", RuntimeWarning)
            gdf = pyogrio.read_dataframe(path, layer=layer, encoding=encoding)
    except Exception as exc:  # pyogrio raises several GDAL error types
        raise _gis_error(shown, exc) from None
    if len(gdf.columns) == 0 or gdf.geometry is None:
        raise _fail(shown, Note("the file has no geometry column"))
    return _from_geodataframe(shown, fmt, gdf, encoding=encoding, layer=layer, notes=notes or [])


def _check_shapefile(shp: Path, shown: Path) -> None:
    """Refuse a Shapefile whose .shp is shorter than its header says (a cut copy)."""
    if not shp.exists():
        raise _fail(shown, Note("the .shp file is missing"))
    size = shp.stat().st_size
    if size < 100:
        raise _fail(shown, Note("the .shp file is truncated (shorter than its header)"))
    with open(shp, "rb") as fh:
        head = fh.read(28)
    code, = struct.unpack(">i", head[:4])
    declared = struct.unpack(">i", head[24:28])[0] * 2
    if code != 9994:
        raise _fail(shown, Note("this is not a Shapefile (.shp header is wrong)"))
    if declared > size:
        raise _fail(shown, Note("the .shp file is truncated: {size} of {declared} bytes", size=size, declared=declared))
    if not any(shp.with_suffix(s).exists() for s in (".dbf", ".DBF")):
        raise _fail(shown, Note("the .dbf file with the attributes is missing"))


def read_dbf(dbf: Path, codec: str, shown: Path) -> pd.DataFrame:
    """The attribute table of a Shapefile, decoded by us.

    GDAL and pyogrio fail outright on a UTF-8 field name cut at 10 bytes
    inside a character, which is how many tools write Chinese names; here a
    cut character is dropped and the rest of the name kept.
    """
    data = dbf.read_bytes()
    if len(data) < 32:
        raise _fail(shown, Note("the .dbf file is truncated"))
    nrec, header_len, record_len = struct.unpack("<IHH", data[4:12])
    fields: list[tuple[str, str, int, int, int]] = []
    pos, offset = 32, 1
    while pos + 32 <= header_len and data[pos] != 0x0D:
        raw_name = data[pos : pos + 11].split(b"\0")[0]
        ftype = chr(data[pos + 11])
        flen, fdec = data[pos + 16], data[pos + 17]
        name = _dbf_name(raw_name, codec, shown, len(fields) + 1)
        fields.append((name, ftype, offset, flen, fdec))
        offset += flen
        pos += 32
    if header_len + nrec * record_len > len(data):
        have = max(0, (len(data) - header_len) // max(record_len, 1))
        raise _fail(shown, Note("the .dbf file is truncated: {have} of {nrec} records", have=have, nrec=nrec))
    columns: dict[str, list[Any]] = {}
    for name, *_ in fields:
        base, n = name, 2
        while name in columns:
            name, n = f"{base}_{n}", n + 1
        columns[name] = []
    names = list(columns)
    for r in range(nrec):
        rec = data[header_len + r * record_len : header_len + (r + 1) * record_len]
        for (_, ftype, off, flen, fdec), name in zip(fields, names, strict=True):
            cell = rec[off : off + flen]
            columns[name].append(_dbf_value(cell, ftype, fdec, codec, shown, r + 1, name))
    return pd.DataFrame(columns, dtype=object)


def _dbf_name(raw: bytes, codec: str, shown: Path, number: int) -> str:
    """A column name; only a character cut by the 10-byte limit is dropped.

    Names decoded with errors ignored turned a GBK header read as UTF-8 (a wrong
    .cpg) into field1, field2 …, and the refusal then blamed "column 'field1'".
    """
    try:
        name = raw.decode(codec)
    except UnicodeDecodeError as exc:
        if not (exc.start >= len(raw) - 3 and exc.reason == "unexpected end of data"):
            raise _fail(shown, Note("the name of column {number} is not {codec}; name the encoding (--encoding)",
                                    number=number, codec=codec)) from None
        name = raw[: exc.start].decode(codec)
    return name.strip() or f"field{number}"


def _dbf_value(cell: bytes, ftype: str, fdec: int, codec: str, shown: Path, row: int, col: str) -> Any:
    if ftype in "CV":
        text = cell.rstrip(b"\0 ").lstrip(b" ")
        if not text:
            return None
        try:
            return text.decode(codec)
        except UnicodeDecodeError as exc:
            if exc.start >= len(text) - 3 and exc.reason == "unexpected end of data":
                return text[: exc.start].decode(codec)  # cut by the field width
            raise ValidationError(
                Note("text is not {codec}; name the encoding (--encoding)", codec=codec), source=shown.name, row=row, column=col
            ) from None
    text = cell.strip(b"\0 ").decode("ascii", errors="replace")
    if not text or set(text) <= {"*", "?"}:
        return None
    if ftype in "NF":
        try:
            value = float(text)
        except ValueError:
            return text
        return int(value) if fdec == 0 and "." not in text and "e" not in text.lower() else value
    if ftype == "D":
        return f"{text[:4]}-{text[4:6]}-{text[6:8]}" if len(text) == 8 and text.isdigit() else None
    if ftype == "L":
        return text[:1].upper() in ("T", "Y") if text[:1] not in ("?",) else None
    return text


def read_shapefile(shp: Path, *, encoding: str | None = None, shown: Path | None = None) -> RawTable:
    import pyogrio

    shown = shown or shp
    _check_shapefile(shp, shown)
    codec, why = shapefile_encoding(shp, encoding)
    notes = [Note("text encoding {codec}, {why}", codec=codec, why=why)]
    # Geometry and .prj through GDAL, from a folder without the .dbf so that
    # GDAL never decodes the field names (see read_dbf).
    with tempfile.TemporaryDirectory(prefix="floodpost-shp-") as tmp:
        for ext in (".shp", ".shx", ".prj", ".SHP", ".SHX", ".PRJ"):
            src = shp.with_suffix(ext)
            if src.exists():
                dst = Path(tmp) / ("geom" + ext.lower())
                try:
                    dst.symlink_to(src.resolve())
                except OSError:
                    shutil.copyfile(src, dst)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                gdf = pyogrio.read_dataframe(Path(tmp) / "geom.shp")
        except Exception as exc:
            raise _gis_error(shown, exc) from None
    dbf = next(p for p in (shp.with_suffix(".dbf"), shp.with_suffix(".DBF")) if p.exists())
    frame = read_dbf(dbf, codec, shown)
    if len(frame) != len(gdf):
        raise _fail(shown, Note("the .dbf has {records} records but the .shp {shapes} shapes; the files do not belong together",
                              records=len(frame), shapes=len(gdf)))
    frame = frame.where(frame.notna(), None)
    table = RawTable(
        path=shown, format="Shapefile", frame=frame,
        geometry=np.asarray(gdf.geometry.values, dtype=object), crs=gdf.crs,
        row_numbers=list(range(1, len(frame) + 1)), row_label="feature", encoding=codec, notes=notes,
    )
    if table.crs is None:
        notes.append(Note("no .prj: the coordinate system is not given by the file"))
    return table


def _zip_names(zf: zipfile.ZipFile) -> dict[str, str]:
    """Member name as the county wrote it → name in the zip.

    Without the zip's UTF-8 flag Python reads names as CP437, but a zip made on
    a Chinese Windows holds GBK names there, and Info-ZIP on Linux UTF-8 ones:
    隐患点.shp came out as "ΘÜÉµéúτé╣.shp" in the report and never matched --layer.
    """
    names: dict[str, str] = {}
    for info in zf.infolist():
        name = info.filename
        if not info.flag_bits & 0x800:
            try:
                raw = name.encode("cp437")
            except UnicodeEncodeError:
                raw = b""
            for enc in ("utf-8", "gb18030"):
                try:
                    name = raw.decode(enc) if raw else name
                    break
                except UnicodeDecodeError:
                    continue
        names[name] = info.filename
    return names


def read_zip(path: Path, *, layer: str | None = None, encoding: str | None = None,
             workdir: Path | None = None) -> RawTable:
    """A zipped Shapefile (or a KML/GeoJSON inside a zip), as counties mail them."""
    try:
        zf = zipfile.ZipFile(path)
        real = _zip_names(zf)
        names = [n for n in real if not n.endswith("/") and "__MACOSX" not in n]
    except (zipfile.BadZipFile, OSError) as exc:
        raise _fail(path, Note("cannot open the zip file ({reason})", reason=str(exc))) from None
    shps = [n for n in names if n.lower().endswith(".shp")]
    others = [n for n in names if n.lower().endswith((".kml", ".geojson", ".json", ".gpkg"))]
    pick = shps or others
    if layer:
        pick = [n for n in pick if Path(n).stem == layer] or pick
    if not pick:
        raise _fail(path, Note("the zip holds no Shapefile, KML, GeoJSON or GeoPackage"))
    if len(pick) > 1:
        listed = ", ".join(Path(n).stem for n in pick)
        raise _fail(path, Note("the zip holds several layers ({layers}); name one (--layer)", layers=listed))
    member = pick[0]
    # Everything is read into memory, so the unpacked copy goes as soon as it is read.
    with tempfile.TemporaryDirectory(prefix="floodpost-zip-", dir=workdir) as tmpname:
        tmp = Path(tmpname)
        stem = member[: -len(Path(member).suffix)]
        try:
            for n in names:
                if n == member or (shps and n.startswith(stem + ".")):
                    target = tmp / ("data" + n[len(stem):] if n != member else "data" + Path(member).suffix.lower())
                    target.write_bytes(zf.read(real[n]))
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise _fail(path, Note("the zip file is damaged ({reason})", reason=str(exc))) from None
        inner = tmp / ("data" + Path(member).suffix.lower())
        # Extensions keep their case as zipped; Shapefile siblings are found case-insensitively.
        for p in tmp.iterdir():
            if p.suffix != p.suffix.lower():
                p.rename(p.with_suffix(p.suffix.lower()))
        table = read_any(inner, layer=None, encoding=encoding, display=path)
    table.notes.insert(0, Note("read {member} from the zip", member=member))
    return table


def read_gpkg(path: Path, *, layer: str | None = None, key: str | None = None,
              want_geometry: bool = True) -> RawTable:
    import pyogrio

    try:
        layers = [(str(n), str(g)) for n, g in pyogrio.list_layers(path)]
    except Exception as exc:
        raise _gis_error(path, exc) from None
    spatial = [n for n, g in layers if g and g != "None"]
    if not want_geometry:
        spatial = [n for n, _ in layers if not n.startswith(("gpkg_", "rtree_", "situation_log"))]
    if layer is None:
        if key and key in spatial:
            layer = key
        elif len(spatial) == 1:
            layer = spatial[0]
        elif not spatial:
            raise _fail(path, Note("the GeoPackage has no layer with geometry"))
        else:
            raise _fail(path, Note("the GeoPackage has several layers ({layers}); name one (--layer)", layers=", ".join(spatial)))
    elif layer not in [n for n, _ in layers]:
        raise _fail(path, Note("the GeoPackage has no layer '{layer}' (it has {layers})", layer=layer,
                                layers=", ".join(n for n, _ in layers)))
    if want_geometry:
        table = _read_ogr(path, "GeoPackage", layer=layer)
    else:
        try:
            df = pyogrio.read_dataframe(path, layer=layer, read_geometry=False)
        except Exception as exc:
            raise _gis_error(path, exc) from None
        frame = pd.DataFrame(df).reset_index(drop=True).astype(object)
        frame = frame.where(frame.notna(), None)
        table = RawTable(path=path, format="GeoPackage", frame=frame,
                         row_numbers=list(range(1, len(frame) + 1)))
    table.layer = layer
    table.notes.append(Note("layer {layer}", layer=layer))
    return table


# ------------------------------------------------------------------------ KML
def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _kml_coords(text: str | None) -> list[tuple[float, float]]:
    out = []
    for tok in (text or "").split():
        parts = tok.split(",")
        if len(parts) >= 2:
            out.append((float(parts[0]), float(parts[1])))
    return out


def _kml_geometry(el: ET.Element) -> shapely.Geometry | None:
    tag = _local(el.tag)
    if tag == "Point":
        c = _kml_coords(_find_text(el, "coordinates"))
        return shapely.Point(c[0]) if c else None
    if tag == "LineString":
        c = _kml_coords(_find_text(el, "coordinates"))
        return shapely.LineString(c) if len(c) >= 2 else None
    if tag == "Polygon":
        shell: list[tuple[float, float]] = []
        holes = []
        for child in el:
            ctag = _local(child.tag)
            for ring in child.iter():
                if _local(ring.tag) == "coordinates":
                    if ctag == "outerBoundaryIs":
                        shell = _kml_coords(ring.text)
                    elif ctag == "innerBoundaryIs":
                        holes.append(_kml_coords(ring.text))
        return shapely.Polygon(shell, holes) if len(shell) >= 3 else None
    if tag in ("MultiGeometry", "MultiTrack"):
        parts = [g for g in (_kml_geometry(c) for c in el) if g is not None]
        if not parts:
            return None
        kinds = {p.geom_type for p in parts}
        if kinds == {"Point"}:
            return shapely.MultiPoint(parts)
        if kinds == {"LineString"}:
            return shapely.MultiLineString(parts)
        if kinds == {"Polygon"}:
            return shapely.MultiPolygon(parts)
        return shapely.GeometryCollection(parts)
    if tag == "Track":
        pts = [tuple(float(v) for v in (w.text or "").split()[:2]) for w in el if _local(w.tag) == "coord"]
        return shapely.LineString(pts) if len(pts) >= 2 else None
    return None


def _find_text(el: ET.Element, name: str) -> str | None:
    for child in el.iter():
        if _local(child.tag) == name:
            return child.text
    return None


_TD = re.compile(r"<t[dh][^>]*>(.*?)</t[dh]>", re.S | re.I)
_TR = re.compile(r"<tr[^>]*>(.*?)</tr>", re.S | re.I)
_TAGS = re.compile(r"<[^>]+>")


def _description_pairs(html: str) -> dict[str, str]:
    """Attribute tables that ArcGIS and tablets write into a placemark's description."""
    out: dict[str, str] = {}
    for row in _TR.findall(html or ""):
        cells = [_TAGS.sub("", c).strip() for c in _TD.findall(row)]
        if len(cells) == 2 and cells[0]:
            out[cells[0]] = cells[1]
    return out


def read_kml_bytes(data: bytes, path: Path, fmt: str = "KML") -> RawTable:
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        raise _fail(path, Note("the KML is not well-formed XML ({reason}); is the file complete?", reason=str(exc))) from None
    rows: list[dict[str, Any]] = []
    geoms: list[Any] = []

    def walk(el: ET.Element, folder: str | None) -> None:
        for child in el:
            tag = _local(child.tag)
            if tag in ("Folder", "Document"):
                name = next((c.text for c in child if _local(c.tag) == "name"), None)
                walk(child, (name or "").strip() or folder)
            elif tag == "Placemark":
                rec: dict[str, Any] = {}
                geom = None
                for c in child:
                    ctag = _local(c.tag)
                    if ctag == "name":
                        rec["name"] = (c.text or "").strip()
                    elif ctag == "description":
                        desc = (c.text or "").strip()
                        pairs = _description_pairs(desc)
                        if pairs:
                            for k, v in pairs.items():
                                rec.setdefault(k, v)
                        else:
                            rec["description"] = desc
                    elif ctag == "ExtendedData":
                        for d in c.iter():
                            dtag = _local(d.tag)
                            if dtag == "Data":
                                val = next((v.text for v in d if _local(v.tag) == "value"), None)
                                rec[d.get("name", "")] = val
                            elif dtag == "SimpleData":
                                rec[d.get("name", "")] = d.text
                    else:
                        g = _kml_geometry(c)
                        if g is not None:
                            geom = g
                if folder:
                    rec.setdefault("folder", folder)
                rows.append(rec)
                geoms.append(geom)

    walk(root, None)
    if not rows:
        raise _fail(path, Note("the KML has no placemarks"))
    frame = pd.DataFrame(rows).astype(object)
    frame = frame.where(frame.notna(), None)
    from pyproj import CRS

    return RawTable(
        path=path, format=fmt, frame=frame, geometry=np.array(geoms, dtype=object),
        crs=CRS.from_epsg(4326), row_numbers=list(range(1, len(rows) + 1)),
        row_label="placemark", encoding="utf-8",
    )


def read_kmz(path: Path) -> RawTable:
    try:
        with zipfile.ZipFile(path) as zf:
            kmls = [n for n in zf.namelist() if n.lower().endswith(".kml")]
            if not kmls:
                raise _fail(path, Note("the KMZ holds no KML document"))
            main = "doc.kml" if "doc.kml" in kmls else kmls[0]
            data = zf.read(main)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise _fail(path, Note("the KMZ is damaged ({reason})", reason=str(exc))) from None
    return read_kml_bytes(data, path, "KMZ")


# --------------------------------------------------------------- tables (CSV/Excel)
def _blank(v: Any) -> bool:
    if v is None or v == "":
        return True
    if isinstance(v, float) and v != v:
        return True
    return isinstance(v, str) and v.strip() == ""


def _is_number(v: Any) -> bool:
    if isinstance(v, (int, float)) and not isinstance(v, bool):
        return True
    try:
        float(str(v).replace(",", ""))
        return True
    except ValueError:
        return False


def tabulate(rows: list[list[Any]], path: Path, fmt: str, schema: TableSchema | None,
             *, first_row: int = 1, encoding: str | None = None,
             merged: list[tuple[int, int, int, int]] | None = None) -> RawTable:
    """Find the header among title rows, join two-row headers, drop totals and footers."""
    width = max((len(r) for r in rows), default=0)
    rows = [list(r) + [None] * (width - len(r)) for r in rows]
    for r0, c0, r1, c1 in merged or []:
        # A merged header cell speaks for every column it spans.
        if r0 < len(rows) and r1 > r0 and c1 == c0:
            continue
        if r0 < len(rows) and r0 < 30:
            for c in range(c0 + 1, min(c1 + 1, width)):
                if _blank(rows[r0][c]):
                    rows[r0][c] = rows[r0][c0]
    nonblank = [i for i, r in enumerate(rows) if any(not _blank(v) for v in r)]
    if not nonblank:
        raise _fail(path, Note("the sheet is empty"))
    scan = nonblank[:20]

    def score(i: int) -> int:
        return header_score(rows[i], schema) if schema is not None else 0

    best = max(scan, key=lambda i: (score(i), -i))
    if score(best) == 0:
        # No known header anywhere: the first row with two or more filled cells.
        best = next((i for i in scan if sum(not _blank(v) for v in rows[i]) >= 2), scan[0])
    header = [None if _blank(v) else str(v).strip() for v in rows[best]]
    notes: list[str] = []
    skipped_above = [i for i in nonblank if i < best]
    if skipped_above:
        notes.append(Note("header on row {row}; title rows above it skipped", row=best + first_row))
    start = best + 1
    # A second header row (户 | 人 under a merged 计划转移) joins onto the first.
    if start < len(rows) and schema is not None:
        sub = rows[start]
        filled = [v for v in sub if not _blank(v)]
        if filled and not any(_is_number(v) for v in filled):
            parent, joined = None, []
            for h, s in zip(header, sub, strict=True):
                parent = h if h is not None else parent
                if _blank(s):
                    joined.append(h)
                else:
                    joined.append(f"{parent or ''}{str(s).strip()}")
            if header_score(joined, schema) > header_score(header, schema):
                header = joined
                start += 1
                notes.append(Note("two header rows ({first}–{second}) joined", first=best + first_row, second=best + first_row + 1))
    names: list[str] = []
    for ci, h in enumerate(header):
        name = h or f"column {ci + 1}"
        base, n = name, 2
        while name in names:
            name = f"{base}_{n}"
            n += 1
        names.append(name)
    data: list[list[Any]] = []
    numbers: list[int] = []
    totals: list[int] = []
    footers: list[int] = []
    for i in range(start, len(rows)):
        r = rows[i]
        filled = [v for v in r if not _blank(v)]
        if not filled:
            continue
        words = [normalise(v) for v in r[:4] if isinstance(v, str) and _TOTAL_HINT.search(v)]
        if words and any(_TOTALS.match(w) for w in words):
            totals.append(i + first_row)
            continue
        if len(filled) == 1 and isinstance(filled[0], str) and _FOOTER.match(normalise(filled[0])):
            footers.append(i + first_row)
            continue
        data.append(r)
        numbers.append(i + first_row)
    if totals:
        notes.append(Note("totals rows not imported: {rows}", rows=", ".join(map(str, totals))))
    if footers:
        notes.append(Note("note rows under the table not imported: {rows}", rows=", ".join(map(str, footers))))
    keep = [ci for ci, n in enumerate(names) if header[ci] is not None or any(not _blank(r[ci]) for r in data)]
    frame = pd.DataFrame([[r[ci] for ci in keep] for r in data], columns=[names[ci] for ci in keep], dtype=object)
    frame = frame.where(frame.notna(), None)
    titles = [(i + first_row, " ".join(str(v).strip() for v in rows[i] if not _blank(v)))
              for i in skipped_above]
    titles += [(n, " ".join(str(v).strip() for v in rows[n - first_row] if not _blank(v))) for n in footers]
    return RawTable(path=path, format=fmt, frame=frame, row_numbers=numbers, encoding=encoding, notes=notes,
                    skipped=sorted(totals + footers), titles=titles)


def read_csv(path: Path, schema: TableSchema | None, *, encoding: str | None = None) -> RawTable:
    data = path.read_bytes()
    if not data.strip():
        raise _fail(path, Note("the file is empty"))
    codec = codec_name(encoding) if encoding else sniff_encoding(data[: 4 << 20])
    if codec == "latin-1" and not encoding:
        raise _fail(path, Note("the text is neither UTF-8 nor GBK; name the encoding (--encoding)"))
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise _fail(path, Note("the text is not {codec} (line {line}); name the encoding (--encoding)", codec=codec, line=line)) from None
    text = text.lstrip("\ufeff")
    sample = "\n".join(text.splitlines()[:30])
    counts = {d: sample.count(d) for d in (",", "\t", ";", "|")}
    delim = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    try:
        # unguard: the apostrophe our CSV export puts before "=…" (sheets.csv_cell) comes off again
        rows = [[unguard(c) for c in r] for r in csv.reader(io.StringIO(text), delimiter=delim)]
    except csv.Error as exc:
        raise _fail(path, Note("cannot read the CSV ({reason})", reason=str(exc))) from None
    table = tabulate(rows, path, "CSV", schema, encoding=codec)
    table.notes.insert(0, Note("text encoding {codec}, as given", codec=codec) if encoding else Note("text encoding {codec}, detected", codec=codec))
    return table


def read_spreadsheet(path: Path, schema: TableSchema | None, *, sheet: str | None = None) -> RawTable:
    try:
        from python_calamine import CalamineWorkbook

        wb = CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        raise _fail(path, Note("cannot open the workbook ({reason}); is it complete?",
                                reason=str(exc).splitlines()[0] if str(exc) else str(exc))) from None
    names = list(wb.sheet_names)
    if sheet is not None:
        if sheet not in names:
            raise _fail(path, Note("the workbook has no sheet '{sheet}' (it has {sheets})", sheet=sheet, sheets=", ".join(names)))
        chosen = [sheet]
    else:
        chosen = names
    for name in chosen:
        try:
            ws = wb.get_sheet_by_name(name)
            rows = ws.to_python(skip_empty_area=False)
        except Exception as exc:
            raise _fail(path, Note("cannot read sheet '{sheet}' ({reason})", sheet=name, reason=str(exc))) from None
        if not any(any(not _blank(v) for v in r) for r in rows):
            continue
        merged = []
        try:
            for (r0, c0), (r1, c1) in ws.merged_cell_ranges or []:
                merged.append((r0, c0, r1, c1))
        except Exception:
            merged = []
        rows = [[None if (isinstance(v, str) and v == "") else v for v in r] for r in rows]
        table = tabulate(rows, path, "Excel", schema, merged=merged)
        table.layer = name
        if len(names) > 1:
            table.notes.insert(0, Note("sheet {sheet}", sheet=name))
        return table
    raise _fail(path, Note("the workbook has no data"))


# ------------------------------------------------------------------- dispatch
def read_any(path: str | Path, *, schema: TableSchema | None = None, layer: str | None = None,
             encoding: str | None = None, display: Path | None = None) -> RawTable:
    """Read any supported file; the format comes from the suffix (and a zip's contents)."""
    path = Path(path)
    shown = display or path
    if not path.exists():
        raise _fail(shown, Note("no such file"))
    if path.stat().st_size == 0:
        raise _fail(shown, Note("the file is empty"))
    suffix = path.suffix.lower()
    fmt = by_suffix(suffix)
    if fmt is None or not fmt.read:
        raise _fail(shown, Note("unknown file type {suffix}; FloodPost reads {suffixes}", suffix=suffix or "(none)",
                               suffixes=", ".join(SUFFIXES)))
    table = READERS[fmt.key](path, shown, schema, layer, encoding)
    if fmt.key == "zip":
        return table  # names its member itself
    table.path = shown
    return table


#: One reader per format family (keys of :data:`floodpost.data.formats.FORMATS`):
#: (path, the name to show, schema, layer or sheet, encoding) -> RawTable.
READERS: dict[str, Callable[[Path, Path, TableSchema | None, str | None, str | None], RawTable]] = {
    "shapefile": lambda p, shown, schema, layer, enc: read_shapefile(p, encoding=enc, shown=shown),
    "zip": lambda p, shown, schema, layer, enc: read_zip(p, layer=layer, encoding=enc),
    "gpkg": lambda p, shown, schema, layer, enc: read_gpkg(
        p, layer=layer, key=schema.key if schema else None, want_geometry=schema is None or schema.is_spatial),
    "geojson": lambda p, shown, schema, layer, enc: _read_ogr(p, "GeoJSON", display=shown),
    "kml": lambda p, shown, schema, layer, enc: read_kml_bytes(p.read_bytes(), shown),
    "kmz": lambda p, shown, schema, layer, enc: read_kmz(p),
    "csv": lambda p, shown, schema, layer, enc: read_csv(p, schema, encoding=enc),
    "xlsx": lambda p, shown, schema, layer, enc: read_spreadsheet(p, schema, sheet=layer),
}
