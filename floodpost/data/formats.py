"""The file formats FloodPost reads and writes, in one table.

Each format's suffixes, its name in both languages, and whether it is
imported, exported and can hold a plain table. The readers
(:data:`floodpost.data.intake.readers.READERS`) and the exporter
(:data:`floodpost.data.export.WRITERS`) register one function per format
key; the command line's help and the file dialogs' filters are made from
this table. A new format is one row here and one function there.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FileFormat:
    """One format: ``key`` names its reader/writer; the first suffix is the one a writer uses."""

    key: str
    suffixes: tuple[str, ...]
    en: str
    zh: str
    read: bool = True
    write: bool = True
    #: whether a table without geometry (a tally, the log) can be written in it
    tables: bool = False
    #: the suffixes a writer takes (default: the first one)
    writes: tuple[str, ...] = ()

    @property
    def written_as(self) -> tuple[str, ...]:
        return self.writes or self.suffixes[:1]

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang.startswith("zh") else self.en


#: Every format, in the order dialogs list them.
FORMATS: tuple[FileFormat, ...] = (
    FileFormat("gpkg", (".gpkg",), "GeoPackage", "GeoPackage", tables=True),
    FileFormat("shapefile", (".shp",), "Shapefile", "Shapefile"),
    FileFormat("zip", (".zip",), "Zipped Shapefile", "Shapefile 压缩包"),
    FileFormat("geojson", (".geojson", ".json"), "GeoJSON", "GeoJSON", writes=(".geojson", ".json")),
    FileFormat("kml", (".kml",), "KML", "KML"),
    FileFormat("kmz", (".kmz",), "KMZ", "KMZ"),
    FileFormat("csv", (".csv", ".txt", ".tsv"), "CSV / text", "CSV / 文本", tables=True),
    FileFormat("xlsx", (".xlsx", ".xlsm", ".xls", ".ods"), "Excel", "Excel 表格", tables=True),
)

_BY_SUFFIX = {s: f for f in FORMATS for s in f.suffixes}


def by_suffix(suffix: str) -> FileFormat | None:
    """The format of a file suffix (``.SHP`` as ``.shp``), or None."""
    return _BY_SUFFIX.get(suffix.lower())


def readable_suffixes() -> tuple[str, ...]:
    return tuple(s for f in FORMATS if f.read for s in f.suffixes)


def writable_suffixes(tables_only: bool = False) -> tuple[str, ...]:
    """The suffixes an export writes; only those that hold a plain table if asked."""
    return tuple(s for f in FORMATS if f.write and (f.tables or not tables_only) for s in f.written_as)


def writer_for(suffix: str) -> FileFormat | None:
    """The format an export to ``suffix`` writes, or None (``.xls`` is read, never written)."""
    f = by_suffix(suffix)
    return f if f is not None and f.write and suffix.lower() in f.written_as else None


def dialog_filter(kind: str, lang: str = "zh", tables_only: bool = False) -> str:
    """A Qt file-dialog filter: every readable suffix in one entry (``"read"``), or one entry per writer (``"write"``)."""
    if kind == "read":
        patterns = " ".join(f"*{s}" for s in readable_suffixes())
        return ("数据文件" if lang.startswith("zh") else "Data files") + f" ({patterns})"
    return ";;".join(
        f"{f.label(lang)} (*{f.suffixes[0]})" for f in FORMATS if f.write and (f.tables or not tables_only)
    )


__all__ = ["FORMATS", "FileFormat", "by_suffix", "dialog_filter", "readable_suffixes", "writable_suffixes",
           "writer_for"]
