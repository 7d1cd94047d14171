"""MBTiles basemaps from files the tests write: row order, formats, upscaling, broken files."""

from __future__ import annotations

import functools
import sqlite3
import threading
from pathlib import Path

import pytest
from PySide6.QtCore import QBuffer, QByteArray, QIODevice
from PySide6.QtGui import QColor, QImage, QImageReader, QPainter

from floodpost.data.tiles import (
    MBTilesError,
    MBTilesReader,
    MBTilesWriter,
    count_tiles,
    flip_y,
    lonlat_to_tile,
    tile_bounds_lonlat,
    tile_bounds_mercator,
    tile_format,
    tile_range,
    tile_to_lonlat,
    tiles_for_bbox,
)
from floodpost.layers.basemap.mbtiles import RESOLUTION_Z0, MBTilesBasemap, zoom_for_resolution
from floodpost.layers.model.viewport import Viewport

ZOOMS = (1, 2, 3)
#: JPEG blurs solid colours a little.
TOLERANCE = {"png": 0, "jpg": 10, "webp": 10}


def colour(z: int, x: int, y: int) -> tuple[int, int, int]:
    """A colour unique to each tile of a zoom level, and different between levels."""
    return (20 + 30 * x, 20 + 30 * y, 40 + 70 * (z - 1))


@functools.lru_cache(maxsize=512)
def encode(rgb: tuple[int, int, int], fmt: str) -> bytes:
    img = QImage(256, 256, QImage.Format.Format_RGB32)
    img.fill(QColor(*rgb))
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    assert img.save(buf, {"jpg": "JPEG", "png": "PNG", "webp": "WEBP"}[fmt], 95)
    buf.close()
    return bytes(data.data())


def write_mbtiles(
    path: Path,
    *,
    scheme: str = "tms",
    fmt: str = "png",
    zooms: tuple[int, ...] = ZOOMS,
    skip: set[tuple[int, int, int]] = frozenset(),
    metadata: dict[str, str] | None = None,
) -> Path:
    """A world cache written with plain SQL, so the reader is checked against the spec, not the writer."""
    con = sqlite3.connect(path)
    con.executescript(
        "CREATE TABLE metadata (name TEXT, value TEXT);"
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);"
        "CREATE UNIQUE INDEX tile_index ON tiles (zoom_level, tile_column, tile_row);"
    )
    md = {"name": path.stem, "format": fmt, "minzoom": str(min(zooms)), "maxzoom": str(max(zooms))}
    if scheme == "xyz":
        md["scheme"] = "xyz"
    md.update(metadata or {})
    con.executemany(
        "INSERT INTO metadata VALUES (?, ?)", [(k, v) for k, v in md.items() if v is not None]
    )
    for z in zooms:
        for x in range(1 << z):
            for y in range(1 << z):
                if (z, x, y) in skip:
                    continue
                row = y if scheme == "xyz" else (1 << z) - 1 - y
                con.execute(
                    "INSERT INTO tiles VALUES (?, ?, ?, ?)",
                    (z, x, row, encode(colour(z, x, y), fmt)),
                )
    con.commit()
    con.close()
    return path


def tile_view(z: int, x: int, y: int, *, zoom: float | None = None, size: int = 256) -> Viewport:
    """A view centred on tile (z, x, y), at the resolution of zoom level ``zoom`` (default z)."""
    x0, y0, x1, y1 = tile_bounds_mercator(z, x, y)
    res = RESOLUTION_Z0 / 2 ** (z if zoom is None else zoom)
    return Viewport((x0 + x1) / 2, (y0 + y1) / 2, res, size, size)


def render(basemap: MBTilesBasemap, viewport: Viewport) -> QImage:
    img = QImage(viewport.width, viewport.height, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(QColor("#ffffff"))
    p = QPainter(img)
    try:
        basemap.paint(None, p, viewport)
    finally:
        p.end()
    return img


def assert_colour(
    img: QImage, px: float, py: float, rgb: tuple[int, int, int], tol: int = 0
) -> None:
    c = img.pixelColor(int(px), int(py))
    got = (c.red(), c.green(), c.blue())
    assert all(abs(a - b) <= tol for a, b in zip(got, rgb, strict=True)), (
        f"pixel ({px}, {py}) is {got}, expected {rgb}"
    )


# ------------------------------------------------------------------ tile maths (no Qt)
def test_tile_maths_known_values():
    assert lonlat_to_tile(0.0, 0.0, 0) == (0, 0)
    assert lonlat_to_tile(0.001, 0.001, 1) == (1, 0)
    assert lonlat_to_tile(-0.001, -0.001, 1) == (0, 1)
    # Hebi at zoom 10: x = 1024 (114.3 + 180) / 360, y = 1024 (1 - asinh(tan 35.7°) / pi) / 2
    assert lonlat_to_tile(114.3, 35.7, 10) == (837, 403)
    assert tile_to_lonlat(0, 0, 0) == pytest.approx((-180.0, 85.0511287798))
    assert tile_to_lonlat(1, 1, 1) == pytest.approx((0.0, 0.0), abs=1e-9)
    w, s, e, n = tile_bounds_lonlat(10, 837, 403)
    assert w <= 114.3 <= e and s <= 35.7 <= n
    assert tile_bounds_mercator(0, 0, 0) == pytest.approx(
        (-20037508.34, -20037508.34, 20037508.34, 20037508.34)
    )
    assert flip_y(3, 0) == 7 and flip_y(3, flip_y(3, 5)) == 5
    # clamped outside the Mercator world
    assert lonlat_to_tile(180.0, -90.0, 2) == (3, 3)


def test_tiles_for_bbox_and_count_agree():
    bbox = (113.95, 35.40, 114.75, 36.05)
    tiles = list(tiles_for_bbox(bbox, 8, 12))
    assert len(tiles) == count_tiles(bbox, 8, 12) == len(set(tiles))
    for z, x, y in tiles:
        w, s, e, n = tile_bounds_lonlat(z, x, y)
        assert w < bbox[2] and e > bbox[0] and s < bbox[3] and n > bbox[1]
    # a box ending exactly on a tile edge does not take the next tile
    assert tile_range((0.0, 0.0, 180.0, 85.0), 1) == (1, 0, 1, 0)
    assert count_tiles((-180, -85.06, 180, 85.06), 0, 3) == 1 + 4 + 16 + 64
    with pytest.raises(ValueError, match="west < east"):
        count_tiles((114.0, 35.0, 113.0, 36.0), 0, 3)
    with pytest.raises(ValueError, match="above maximum zoom"):
        count_tiles((113.0, 35.0, 114.0, 36.0), 5, 3)


def test_tile_format_magic_bytes(qapp):
    assert tile_format(encode((1, 2, 3), "png")) == "png"
    assert tile_format(encode((1, 2, 3), "jpg")) == "jpg"
    assert tile_format(b"RIFF\x00\x00\x00\x00WEBPVP8 ") == "webp"
    assert tile_format(b"<html>no</html>") is None


# ------------------------------------------------------------------ reading files
def test_reader_flips_tms_rows_and_not_xyz(qapp, tmp_path):
    tms = MBTilesReader(write_mbtiles(tmp_path / "tms.mbtiles", zooms=(2,)))
    xyz = MBTilesReader(write_mbtiles(tmp_path / "xyz.mbtiles", zooms=(2,), scheme="xyz"))
    assert tms.scheme == "tms" and xyz.scheme == "xyz"
    for x, y in [(0, 0), (3, 0), (1, 2), (2, 3)]:
        expected = encode(colour(2, x, y), "png")
        assert tms.tile(2, x, y) == expected
        assert xyz.tile(2, x, y) == expected
    assert tms.tile(2, 4, 0) is None and tms.tile(5, 0, 0) is None
    tms.close()
    xyz.close()


def test_reader_metadata_and_detected_zooms(qapp, tmp_path):
    path = write_mbtiles(
        tmp_path / "bare.mbtiles",
        zooms=(1, 2),
        metadata={"minzoom": None, "maxzoom": None, "format": None},
    )
    with MBTilesReader(path) as r:
        assert (r.minzoom, r.maxzoom) == (1, 2)
        assert r.format == "png"
        assert r.name == "bare"
        assert r.bounds == pytest.approx((-180, -85.0511287798, 180, 85.0511287798))
    path = write_mbtiles(
        tmp_path / "meta.mbtiles", zooms=(1,), metadata={"bounds": "113.9,35.4,114.8,36.1"}
    )
    with MBTilesReader(path) as r:
        assert r.bounds == pytest.approx((113.9, 35.4, 114.8, 36.1))


def test_reader_opens_read_only(qapp, tmp_path):
    path = write_mbtiles(tmp_path / "ro.mbtiles", zooms=(1,))
    before = path.read_bytes()
    with MBTilesReader(path) as r, pytest.raises(sqlite3.OperationalError, match="readonly"):
        r._con.execute("DELETE FROM tiles")
    assert path.read_bytes() == before


def test_writer_stores_standard_tms_rows(qapp, tmp_path):
    path = tmp_path / "w.mbtiles"
    with MBTilesWriter(path) as w:
        w.set_metadata(name="w", format="png", minzoom=3, maxzoom=3)
        w.put(3, 1, 0, b"north")
        w.put_missing(3, 2, 0)
        w.commit()
        assert w.known() == {(3, 1, 0), (3, 2, 0)}
    con = sqlite3.connect(path)
    assert con.execute("SELECT zoom_level, tile_column, tile_row FROM tiles").fetchall() == [
        (3, 1, 7)
    ]
    assert con.execute("SELECT name FROM sqlite_master WHERE name = 'tile_index'").fetchone()
    con.close()
    with MBTilesReader(path) as r:
        assert r.tile(3, 1, 0) == b"north"


@pytest.mark.parametrize("kind", ["truncated", "garbage", "not_mbtiles", "absent"])
def test_broken_files_raise_a_clear_error(qapp, tmp_path, kind):
    path = tmp_path / f"{kind}.mbtiles"
    if kind == "truncated":
        write_mbtiles(path)
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    elif kind == "garbage":
        path.write_bytes(b"\x89PNG this is not a tile cache" * 100)
    elif kind == "not_mbtiles":
        con = sqlite3.connect(path)
        con.execute("CREATE TABLE features (id INTEGER)")
        con.commit()
        con.close()
    with pytest.raises(MBTilesError) as info:
        MBTilesBasemap(path)
    message = str(info.value)
    assert str(path) in message
    assert {
        "truncated": "truncated",
        "garbage": "not an MBTiles",
        "not_mbtiles": "not an MBTiles",
        "absent": "no such file",
    }[kind] in message


def test_writer_refuses_to_overwrite_other_databases(tmp_path):
    path = tmp_path / "workspace.gpkg"
    con = sqlite3.connect(path)
    con.execute("CREATE TABLE gpkg_contents (table_name TEXT)")
    con.commit()
    con.close()
    with pytest.raises(MBTilesError, match="not an MBTiles"):
        MBTilesWriter(path)


# ------------------------------------------------------------------ painting
@pytest.mark.parametrize("scheme", ["tms", "xyz"])
@pytest.mark.parametrize("fmt", ["png", "jpg"])
def test_tiles_land_where_they_belong(qapp, tmp_path, scheme, fmt):
    basemap = MBTilesBasemap(write_mbtiles(tmp_path / f"{scheme}.mbtiles", scheme=scheme, fmt=fmt))
    tol = TOLERANCE[fmt]
    # One view of the whole world at zoom 2: every tile's centre has its own colour.
    vp = Viewport(0.0, 0.0, RESOLUTION_Z0 / 4, 1024, 1024)
    assert basemap.zoom_for(vp) == 2
    img = render(basemap, vp)
    for x in range(4):
        for y in range(4):
            assert_colour(img, 128 + 256 * x, 128 + 256 * y, colour(2, x, y), tol)
    # Single tiles at zoom 3, far from the equator's symmetry.
    for x, y in [(0, 0), (6, 1), (2, 7)]:
        img = render(basemap, tile_view(3, x, y))
        assert_colour(img, 128, 128, colour(3, x, y), tol)
        assert_colour(img, 5, 5, colour(3, x, y), tol)
        assert_colour(img, 250, 250, colour(3, x, y), tol)


def test_zoom_beyond_the_cache_enlarges_the_deepest_tile(qapp, tmp_path):
    basemap = MBTilesBasemap(write_mbtiles(tmp_path / "deep.mbtiles"))
    assert basemap.maxzoom == 3
    # At zoom 9 a 256-pixel view sits inside one zoom-3 tile.
    img = render(basemap, tile_view(3, 5, 2, zoom=9))
    assert basemap.zoom_for(tile_view(3, 5, 2, zoom=9)) == 3
    for px, py in [(0, 0), (128, 128), (255, 255)]:
        assert_colour(img, px, py, colour(3, 5, 2))
    # Straddling the corner of four zoom-3 tiles at zoom 6: each quadrant shows its own tile.
    x0, y0, x1, y1 = tile_bounds_mercator(3, 5, 2)
    vp = Viewport(x1, y0, RESOLUTION_Z0 / 2**6, 256, 256)
    img = render(basemap, vp)
    assert_colour(img, 64, 64, colour(3, 5, 2))
    assert_colour(img, 192, 64, colour(3, 6, 2))
    assert_colour(img, 64, 192, colour(3, 5, 3))
    assert_colour(img, 192, 192, colour(3, 6, 3))


def test_holes_are_filled_from_the_parent_tile(qapp, tmp_path):
    basemap = MBTilesBasemap(write_mbtiles(tmp_path / "holes.mbtiles", skip={(3, 6, 1)}))
    img = render(basemap, tile_view(3, 6, 1))
    assert_colour(img, 128, 128, colour(2, 3, 0))
    # its neighbours are still the zoom-3 tiles
    img = render(basemap, tile_view(3, 5, 1))
    assert_colour(img, 128, 128, colour(3, 5, 1))


def test_zoomed_out_of_the_cache_draws_the_shallowest_tiles(qapp, tmp_path):
    basemap = MBTilesBasemap(write_mbtiles(tmp_path / "shallow.mbtiles", zooms=(2, 3)))
    vp = Viewport(0.0, 0.0, RESOLUTION_Z0, 256, 256)  # zoom 0
    assert basemap.zoom_for(vp) == 2
    img = render(basemap, vp)
    assert_colour(img, 32, 32, colour(2, 0, 0))
    assert_colour(img, 224, 224, colour(2, 3, 3))


def test_webp_tiles_when_qt_can_read_them(qapp, tmp_path):
    formats = {bytes(f.data()).decode() for f in QImageReader.supportedImageFormats()}
    basemap = MBTilesBasemap(write_mbtiles(tmp_path / "webp.mbtiles", fmt="webp", zooms=(2,)))
    if "webp" not in formats:
        # a Qt build without the WebP plugin must say so and skip the tiles, not crash
        assert not basemap.decodable
        render(basemap, tile_view(2, 1, 3))
        return
    assert basemap.decodable
    img = render(basemap, tile_view(2, 1, 3))
    assert_colour(img, 128, 128, colour(2, 1, 3), TOLERANCE["webp"])


def test_undecodable_format_is_skipped_without_a_crash(qapp, tmp_path):
    basemap = MBTilesBasemap(write_mbtiles(tmp_path / "odd.mbtiles", zooms=(2,)))
    basemap.decodable = False  # as on a Qt build lacking the format's plugin
    img = render(basemap, tile_view(2, 1, 1))
    bg = QColor(basemap.background_color)
    assert_colour(img, 128, 128, (bg.red(), bg.green(), bg.blue()))
    path = write_mbtiles(tmp_path / "bad.mbtiles", zooms=(2,))
    con = sqlite3.connect(path)
    con.execute("UPDATE tiles SET tile_data = ?", (b"\x89PNG\r\n\x1a\n broken",))
    con.commit()
    con.close()
    broken = MBTilesBasemap(path)
    render(broken, tile_view(2, 1, 1))
    assert broken.errors >= 1


def test_background_opacity_and_bounds(qapp, tmp_path):
    path = write_mbtiles(tmp_path / "o.mbtiles", zooms=(2,), metadata={"bounds": "100,20,130,45"})
    basemap = MBTilesBasemap(path, opacity=0.5)
    assert basemap.bounds() == pytest.approx((100, 20, 130, 45))
    img = QImage(256, 256, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(QColor("#000000"))
    p = QPainter(img)
    basemap.paint(None, p, tile_view(2, 3, 1), background=False)
    p.end()
    r, g, b = colour(2, 3, 1)
    assert_colour(img, 128, 128, (r // 2, g // 2, b // 2), 2)
    with pytest.raises(ValueError, match="opacity must be between 0.0 and 1.0; got 1.5"):
        basemap.opacity = 1.5
    # tiles outside the metadata bounds are not drawn
    img = render(basemap, tile_view(2, 0, 0))
    bg = QColor(basemap.background_color)
    assert_colour(img, 128, 128, (bg.red(), bg.green(), bg.blue()))


def test_paints_from_a_worker_thread_and_through_the_map_painter(qapp, tmp_path):
    from floodpost.layers.render.painter import MapPainter

    basemap = MBTilesBasemap(write_mbtiles(tmp_path / "t.mbtiles"), cache_size=16)
    results: dict[tuple[int, int], QImage] = {}

    def work() -> None:
        for x, y in [(0, 0), (7, 7), (3, 4), (0, 0)]:
            results[(x, y)] = render(basemap, tile_view(3, x, y))

    threads = [threading.Thread(target=work, name=f"tile-test-{i}") for i in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    for (x, y), img in results.items():
        assert_colour(img, 128, 128, colour(3, x, y))
    img = MapPainter(basemap).render_image(tile_view(3, 4, 2), [])
    assert_colour(img, 128, 128, colour(3, 4, 2))


def test_zoom_for_resolution_matches_tile_levels():
    for z in range(0, 20):
        assert zoom_for_resolution(RESOLUTION_Z0 / 2**z) == pytest.approx(z)
