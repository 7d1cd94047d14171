"""Preparing offline tiles against a tile server the tests run on loopback.

The server counts every request, answers 404 for some tiles and 503 once
for another, so completion, politeness, cancel and resume are all checked
by what the server saw, not by what the client says it did.
"""

from __future__ import annotations

import itertools
import sqlite3
import struct
import threading
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from floodpost.data.tiles import (
    DEFAULT_TILE_BYTES,
    MBTilesReader,
    TileDownloadError,
    TileJobTooLarge,
    count_tiles,
    download_tiles,
    estimate,
    flip_y,
    tiles_for_bbox,
)

#: Around Hebi; zoom 8–12 is 64 tiles, 8–11 is 22.
BBOX = (114.0, 35.5, 114.5, 35.9)
FAST = {"rate_limit": 1000.0, "backoff": 0.01, "timeout": 5.0}


def png_bytes(rgb: tuple[int, int, int], size: int = 64) -> bytes:
    """A solid-colour PNG written by hand, so the server needs no Qt."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    raw = b"".join(b"\x00" + bytes(rgb) * size for _ in range(size))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw, 9))
        + chunk(b"IEND", b"")
    )


def tile_data(z: int, x: int, y: int) -> bytes:
    """Each tile unique (and of slightly different sizes) so a swapped row is caught."""
    return png_bytes(((x * 37) % 256, (y * 59) % 256, z * 10), size=48 + (x + y) % 5 * 8)


@dataclass
class TileServer:
    """What the loopback server serves and what it saw."""

    url: str = ""
    missing: set[tuple[int, int, int]] = field(default_factory=set)
    forbid: bool = False
    flaky: dict[tuple[int, int, int], int] = field(default_factory=dict)
    log: list[tuple[float, str, str, tuple[int, int, int] | None, int]] = field(
        default_factory=list
    )
    lock: threading.Lock = field(default_factory=threading.Lock)

    def tiles(self, status: int | None = 200) -> list[tuple[int, int, int]]:
        with self.lock:
            return [
                t for _, _, _, t, s in self.log if t is not None and (status is None or s == status)
            ]

    @property
    def count(self) -> int:
        with self.lock:
            return len(self.log)


def _handler(state: TileServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep the test output clean
            pass

        def _answer(
            self, status: int, body: bytes = b"", kind: str = "image/png", extra=None
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            parts = self.path.strip("/").split("/")
            route, ua = parts[0], self.headers.get("User-Agent", "")
            tile = None
            status = 200
            try:
                if route == "sub":
                    parts = parts[1:]  # /sub/<s>/z/x/y.png
                z, x, y = int(parts[1]), int(parts[2]), int(parts[3].split(".")[0])
                if route == "tms":
                    y = flip_y(z, y)
                tile = (z, x, y)
            except (IndexError, ValueError):
                status = 400
            with state.lock:
                if status == 200 and (route == "forbidden" or state.forbid):
                    status = 403
                elif status == 200 and route == "html":
                    status = 299  # marker: a 200 answer with a web page
                elif tile in state.missing:
                    status = 404
                elif tile in state.flaky and state.flaky[tile] > 0:
                    state.flaky[tile] -= 1
                    status = 503
                state.log.append((time.monotonic(), self.path, ua, tile, status))
            if status == 200:
                self._answer(200, tile_data(*tile))
            elif status == 299:
                self._answer(200, b"<html><body>invalid key</body></html>", "text/html")
            elif status == 503:
                self._answer(503, b"busy", "text/plain", {"Retry-After": "0"})
            else:
                self._answer(status, b"no", "text/plain")

    return Handler


@pytest.fixture
def server(monkeypatch) -> Iterator[TileServer]:
    for var in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"):
        monkeypatch.delenv(var, raising=False)
    state = TileServer()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    httpd.daemon_threads = True
    thread = threading.Thread(
        target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, name="tile-server"
    )
    thread.start()
    state.url = f"http://127.0.0.1:{httpd.server_address[1]}"
    try:
        yield state
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


def stored(path: Path) -> dict[tuple[int, int, int], bytes]:
    """Every tile in an MBTiles file by XYZ address, read with plain SQL (TMS rows)."""
    con = sqlite3.connect(path)
    try:
        assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        return {
            (z, x, flip_y(z, row)): bytes(data)
            for z, x, row, data in con.execute(
                "SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles"
            )
        }
    finally:
        con.close()


# ------------------------------------------------------------------ the download
def test_download_completes_with_404s_and_a_503(server, tmp_path):
    all_tiles = list(tiles_for_bbox(BBOX, 8, 12))
    assert len(all_tiles) == 64
    server.missing = {all_tiles[10], all_tiles[40]}
    server.flaky = {all_tiles[20]: 1}
    out = tmp_path / "hebi.mbtiles"
    seen: list[tuple[int, int]] = []
    result = download_tiles(
        server.url + "/xyz/{z}/{x}/{y}.png",
        BBOX,
        8,
        12,
        out,
        name="Hebi test",
        progress=lambda d, t: seen.append((d, t)) or True,
        **FAST,
    )
    assert (result.total, result.fetched, result.missing, result.failed) == (64, 62, 2, 0)
    assert result.complete and not result.cancelled
    assert server.count == 65 == result.requests  # 64 tiles + one retry after the 503
    assert server.tiles(503) == [all_tiles[20]]
    assert seen[-1] == (64, 64) and all(t == 64 for _, t in seen)
    assert all(ua == "FloodPost/0.1 (offline cache)" for _, _, ua, _, _ in server.log)
    tiles = stored(out)
    assert set(tiles) == set(all_tiles) - server.missing
    assert all(tiles[t] == tile_data(*t) for t in tiles)
    with MBTilesReader(out) as r:
        assert (r.name, r.format, r.minzoom, r.maxzoom, r.scheme) == (
            "Hebi test",
            "png",
            8,
            12,
            "tms",
        )
        assert r.bounds == pytest.approx(BBOX)
        z, x, y = all_tiles[30]
        assert r.tile(z, x, y) == tile_data(z, x, y)


def test_tms_and_subdomain_templates(server, tmp_path):
    out = tmp_path / "tms.mbtiles"
    result = download_tiles(server.url + "/tms/{z}/{x}/{-y}.png", BBOX, 10, 11, out, **FAST)
    assert result.fetched == 20
    tiles = stored(out)
    assert all(tiles[t] == tile_data(*t) for t in tiles)  # {-y} flipped on the way out and back
    first = server.count
    out2 = tmp_path / "sub.mbtiles"
    download_tiles(
        server.url + "/sub/{s}/{z}/{x}/{y}.png", BBOX, 10, 11, out2, subdomains="t01", **FAST
    )
    paths = [p for _, p, _, _, _ in server.log[first:]]
    used = {p.split("/")[2] for p in paths}
    assert used == {"t", "0", "1"}
    # the same tile always goes to the same subdomain, so server caches stay warm
    for p in paths:
        _, _, s, z, x, y = p.split("/")
        assert s == "t01"[(int(x) + int(y.split(".")[0])) % 3]
    assert stored(out2) == tiles


def test_rate_limit_is_respected(server, tmp_path):
    rate = 40.0
    result = download_tiles(
        server.url + "/xyz/{z}/{x}/{y}.png", BBOX, 8, 11, tmp_path / "slow.mbtiles", rate_limit=rate
    )
    assert result.fetched == 22
    times = [t for t, _, _, _, _ in server.log]
    achieved = (len(times) - 1) / (times[-1] - times[0])
    print(f"rate limit {rate}/s: achieved {achieved:.2f}/s over {len(times)} requests")
    assert achieved <= rate * 1.05
    assert achieved >= rate * 0.5  # polite, not needlessly slow
    # never faster than the limit over any stretch of requests: one interval of slack for the jitter of
    # their arrival (two requests 17 ms apart at 40/s when the one before came late, on a loaded machine);
    # a burst of three or more at once still fails
    for i, j in itertools.combinations(range(len(times)), 2):
        assert times[j] - times[i] >= (j - i - 1) / rate * 0.95, (i, j, times[j] - times[i])


def test_cancel_keeps_a_consistent_file_and_resume_fetches_only_the_rest(server, tmp_path):
    all_tiles = list(tiles_for_bbox(BBOX, 8, 12))
    server.missing = {all_tiles[3]}
    out = tmp_path / "resume.mbtiles"
    url = server.url + "/xyz/{z}/{x}/{y}.png"
    result = download_tiles(
        url, BBOX, 8, 12, out, progress=lambda done, total: done < 25, batch=7, **FAST
    )
    assert result.cancelled and not result.complete
    assert result.done == 25 and result.fetched == 24 and result.missing == 1
    first = server.tiles(None)
    assert len(first) == 25
    tiles = stored(out)
    assert set(tiles) == set(first) - server.missing
    assert all(tiles[t] == tile_data(*t) for t in tiles)
    with MBTilesReader(out) as r:  # a valid cache already
        assert r.format == "png" and (r.minzoom, r.maxzoom) == (8, 12)

    before = server.count
    again = download_tiles(url, BBOX, 8, 12, out, **FAST)
    assert again.complete
    assert (again.skipped, again.fetched, again.missing) == (25, 39, 0)
    second = server.tiles(None)[len(first) :]
    assert server.count - before == 39
    assert not set(second) & set(first)  # nothing asked twice, the 404 included
    assert set(stored(out)) == set(all_tiles) - server.missing

    # a third run has nothing left to do and makes no request
    third = download_tiles(url, BBOX, 8, 12, out, **FAST)
    assert third.skipped == 64 and third.fetched == 0 and server.count == before + 39


def test_persistent_server_errors_are_retried_then_left_for_a_resume(server, tmp_path):
    all_tiles = list(tiles_for_bbox(BBOX, 8, 10))
    server.flaky = {all_tiles[2]: 3}
    out = tmp_path / "flaky.mbtiles"
    url = server.url + "/xyz/{z}/{x}/{y}.png"
    result = download_tiles(url, BBOX, 8, 10, out, retries=2, rate_limit=1000.0, backoff=0.01)
    assert result.failed == 1 and result.fetched == len(all_tiles) - 1 and not result.complete
    assert "HTTP 503" in result.errors[0]
    assert server.tiles(503) == [all_tiles[2]] * 3
    again = download_tiles(url, BBOX, 8, 10, out, **FAST)
    assert again.fetched == 1 and again.complete


def test_unreachable_server_counts_failures(tmp_path):
    import socket

    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()  # nothing listens there now
    result = download_tiles(
        f"http://127.0.0.1:{port}/{{z}}/{{x}}/{{y}}.png",
        BBOX,
        8,
        9,
        tmp_path / "none.mbtiles",
        retries=1,
        **{k: v for k, v in FAST.items()},
    )
    assert result.failed == 2 and result.fetched == 0


def test_refusals(server, tmp_path):
    with pytest.raises(TileJobTooLarge, match="200,000") as info:
        download_tiles(
            server.url + "/xyz/{z}/{x}/{y}.png", (100, 20, 125, 45), 5, 13, tmp_path / "big.mbtiles"
        )
    assert info.value.count > 200_000
    assert server.count == 0 and not (tmp_path / "big.mbtiles").exists()
    # force goes past a (here tiny) limit
    r = download_tiles(
        server.url + "/xyz/{z}/{x}/{y}.png",
        BBOX,
        8,
        10,
        tmp_path / "f.mbtiles",
        max_tiles=3,
        force=True,
        **FAST,
    )
    assert r.fetched == 6
    with pytest.raises(TileDownloadError, match="refused access .HTTP 403"):
        download_tiles(
            server.url + "/forbidden/{z}/{x}/{y}.png", BBOX, 8, 10, tmp_path / "no.mbtiles", **FAST
        )
    with pytest.raises(TileDownloadError, match="not a tile image"):
        download_tiles(
            server.url + "/html/{z}/{x}/{y}.png", BBOX, 8, 10, tmp_path / "h.mbtiles", **FAST
        )
    for bad in ("ftp://x/{z}/{x}/{y}", "http://x/{z}/{x}", "http://x/{z}/{x}/{y}/{q}"):
        with pytest.raises(TileDownloadError):
            download_tiles(bad, BBOX, 8, 10, tmp_path / "bad.mbtiles")


def test_estimate(server):
    url = server.url + "/xyz/{z}/{x}/{y}.png"
    est = estimate(url, BBOX, 8, 12, rate_limit=1000.0)
    assert est.tiles == 64 == count_tiles(BBOX, 8, 12)
    sampled = server.tiles()
    assert est.sampled == len(sampled) == 5
    assert all(z == 12 for z, _, _ in sampled)  # the deepest level holds most of the job
    mean = sum(len(tile_data(*t)) for t in sampled) / len(sampled)
    assert est.tile_bytes == round(mean)
    assert est.bytes == 64 * est.tile_bytes
    assert not est.too_large
    # no sample: the default size and no request at all
    before = server.count
    est0 = estimate(url, (100, 20, 125, 45), 5, 13, sample=0)
    assert server.count == before
    assert est0.tile_bytes == DEFAULT_TILE_BYTES and est0.too_large and est0.sampled == 0
    # a server with nothing: falls back to the default
    server.missing = set(tiles_for_bbox(BBOX, 8, 12))
    assert estimate(url, BBOX, 8, 12, rate_limit=1000.0).tile_bytes == DEFAULT_TILE_BYTES


# ------------------------------------------------------------------ the dialog
@pytest.fixture
def dialog(qtbot, server, tmp_path):
    from floodpost.ui.dialogs.tiledialog import PrepareTilesDialog

    dlg = PrepareTilesDialog(BBOX, output=tmp_path / "dialog")  # the suffix is added
    qtbot.addWidget(dlg)
    dlg.url_edit.setText(server.url + "/xyz/{z}/{x}/{y}.png")
    dlg.rate.setValue(50.0)
    dlg.zmin.setValue(8)
    dlg.zmax.setValue(11)
    dlg.show()
    return dlg


def test_dialog_estimates_then_downloads(qtbot, dialog, server, tmp_path):
    assert dialog.bbox() == pytest.approx(BBOX)
    assert "OpenStreetMap" in dialog.notice.text()
    assert not dialog.start_button.isEnabled()  # no estimate yet
    with qtbot.waitSignal(dialog.estimateReady, timeout=10000) as sig:
        qtbot.mouseClick(dialog.estimate_button, _left())
    assert sig.args[0].tiles == 22
    assert "22" in dialog.estimate_label.text()
    assert dialog.start_button.isEnabled()
    with qtbot.waitSignal(dialog.downloadFinished, timeout=20000) as sig:
        qtbot.mouseClick(dialog.start_button, _left())
    result = sig.args[0]
    assert result.complete and result.fetched == 22
    assert not dialog.busy and dialog.progress.value() == 22
    assert len(stored(tmp_path / "dialog.mbtiles")) == 22
    assert "22" in dialog.status_label.text()
    # the file now exists: the dialog says it will resume
    assert "dialog.mbtiles" in dialog.resume_label.text()
    # changing the job asks for a new estimate
    dialog.zmax.setValue(12)
    assert not dialog.start_button.isEnabled()


def test_dialog_cancel_keeps_what_was_fetched(qtbot, dialog, server, tmp_path):
    dialog.zmax.setValue(13)  # 208 tiles at 50/s: seconds, unless cancelled
    with qtbot.waitSignal(dialog.estimateReady, timeout=10000):
        dialog.start_estimate()
    dialog.start_download()
    assert dialog.busy and dialog.cancel_button.isEnabled() and not dialog.start_button.isEnabled()
    qtbot.waitUntil(lambda: dialog.progress.value() >= 3, timeout=10000)
    with qtbot.waitSignal(dialog.downloadFinished, timeout=10000) as sig:
        qtbot.mouseClick(dialog.cancel_button, _left())
    result = sig.args[0]
    assert result.cancelled and 3 <= result.fetched < 208
    assert not dialog.busy and dialog.start_button.isEnabled()
    assert len(stored(tmp_path / "dialog.mbtiles")) == result.fetched
    assert (
        server.count <= result.fetched + 5 + 1
    )  # the estimate's samples and at most one in flight


def test_dialog_shows_errors_and_stops_its_thread_on_close(qtbot, dialog, server):
    dialog.url_edit.setText("tiles.example/{z}/{x}/{y}.png")
    dialog.start_estimate()
    assert "http://" in dialog.error_label.text() and not dialog.busy
    # a refused token shows up at the estimate already
    dialog.url_edit.setText(server.url + "/forbidden/{z}/{x}/{y}.png")
    with qtbot.waitSignal(dialog.jobFailed, timeout=10000) as sig:
        dialog.start_estimate()
    assert "403" in sig.args[0] and "403" in dialog.error_label.text()
    assert not dialog.start_button.isEnabled()
    # and during the download
    dialog.url_edit.setText(server.url + "/xyz/{z}/{x}/{y}.png")
    with qtbot.waitSignal(dialog.estimateReady, timeout=10000):
        dialog.start_estimate()
    assert dialog.error_label.text() == ""
    server.forbid = True
    with qtbot.waitSignal(dialog.jobFailed, timeout=10000) as sig:
        dialog.start_download()
    assert "403" in dialog.error_label.text() and not dialog.busy
    # closing while a job runs cancels it and waits for the thread
    server.forbid = False
    dialog.zmax.setValue(13)
    with qtbot.waitSignal(dialog.estimateReady, timeout=10000):
        dialog.start_estimate()
    dialog.start_download()
    qtbot.waitUntil(lambda: dialog.progress.value() >= 1, timeout=10000)
    dialog.close()
    assert not dialog.busy and dialog.result is not None and dialog.result.cancelled


def _left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton
