"""One table of file formats: readers, writers, the command line and the dialogs agree with it."""

from __future__ import annotations

from floodpost.cli import build_parser
from floodpost.data.export import WRITERS
from floodpost.data.formats import FORMATS, by_suffix, dialog_filter, readable_suffixes, writer_for
from floodpost.data.intake.readers import READERS, SUFFIXES


def test_every_format_has_its_reader_and_writer():
    assert {f.key for f in FORMATS if f.read} == set(READERS)
    assert {f.key for f in FORMATS if f.write} == set(WRITERS)
    assert set(SUFFIXES) == set(readable_suffixes())


def test_suffixes_are_read_in_any_case_and_written_only_as_themselves():
    assert by_suffix(".SHP").key == "shapefile"
    assert writer_for(".json").key == "geojson"
    assert writer_for(".xls") is None  # read, never written: an .xls named file would hold xlsx
    assert writer_for(".txt") is None


def test_the_command_line_and_the_dialogs_list_the_same_formats():
    help_text = build_parser().format_help()
    sub = build_parser()._subparsers._group_actions[0].choices  # noqa: SLF001
    assert ".kmz" in sub["import"].description and ".ods" in sub["import"].description
    export_help = sub["export"].format_help()
    for f in FORMATS:
        assert all(s in export_help for s in f.written_as)
    assert "import" in help_text
    read = dialog_filter("read", "en")
    assert all(f"*{s}" in read for s in readable_suffixes())
    tables = dialog_filter("write", "zh", tables_only=True)
    assert "*.csv" in tables and "*.shp" not in tables


def test_every_basemap_is_a_basemap(qapp):
    from floodpost.layers.basemap import Basemap, BasemapStack, VectorBasemap
    from floodpost.layers.basemap.mbtiles import MBTilesBasemap
    from floodpost.layers.scene import default_basemap

    assert isinstance(default_basemap(), Basemap)
    for cls in (BasemapStack, VectorBasemap, MBTilesBasemap):
        assert callable(cls.paint) and callable(cls.bounds)
