"""No network at run time: the app, a snapshot and an MBTiles basemap never open a connection.

Every Python-level connection attempt (``socket.connect``/``connect_ex``,
``socket.create_connection`` and name lookups) is recorded and refused;
local AF_UNIX sockets stay allowed. The explicit tile download is the one
exception and is tested on loopback in ``test_tiles_download.py``.
"""

from __future__ import annotations

import socket
import sqlite3
import sys
from pathlib import Path

import pytest

from floodpost import i18n


@pytest.fixture
def no_network(monkeypatch) -> list[tuple[str, object]]:
    """Refuse and record every attempt to reach another machine (or this one over IP)."""
    attempts: list[tuple[str, object]] = []
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex

    def refuse(kind: str, address: object) -> OSError:
        attempts.append((kind, address))
        return OSError(f"network access blocked by test_no_network: {kind} {address!r}")

    def connect(self: socket.socket, address: object) -> None:
        if self.family == getattr(socket, "AF_UNIX", None):
            return real_connect(self, address)
        raise refuse("connect", address)

    def connect_ex(self: socket.socket, address: object) -> int:
        if self.family == getattr(socket, "AF_UNIX", None):
            return real_connect_ex(self, address)
        raise refuse("connect_ex", address)

    def create_connection(address: object, *args: object, **kwargs: object) -> socket.socket:
        raise refuse("create_connection", address)

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> list:
        raise refuse("getaddrinfo", host)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "create_connection", create_connection)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return attempts


@pytest.fixture
def keep_language():
    before = i18n.current_language()
    yield
    i18n.set_language(before)


def test_the_blocker_blocks_ip_and_allows_unix_sockets(no_network, tmp_path):
    with (
        socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s,
        pytest.raises(OSError, match="blocked"),
    ):
        s.connect(("127.0.0.1", 9))
    with pytest.raises(OSError, match="blocked"):
        socket.create_connection(("example.org", 80))
    import urllib.request

    with pytest.raises(OSError):
        urllib.request.urlopen("http://tiles.example.org/0/0/0.png", timeout=1)
    assert [k for k, _ in no_network][:2] == ["connect", "create_connection"]
    no_network.clear()
    if hasattr(socket, "AF_UNIX"):
        path = str(tmp_path / "s.sock")
        with socket.socket(socket.AF_UNIX) as server, socket.socket(socket.AF_UNIX) as client:
            server.bind(path)
            server.listen(1)
            client.connect(path)
    assert no_network == []


def _tiny_mbtiles(path: Path) -> Path:
    """One blue zoom-8 tile south-west of Hebi, written with plain SQL."""
    from PySide6.QtCore import QBuffer, QByteArray, QIODevice
    from PySide6.QtGui import QColor, QImage

    img = QImage(256, 256, QImage.Format.Format_RGB32)
    img.fill(QColor("#2060c0"))
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    img.save(buf, "PNG")
    buf.close()
    con = sqlite3.connect(path)
    con.executescript(
        "CREATE TABLE metadata (name TEXT, value TEXT);"
        "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB);"
    )
    con.executemany(
        "INSERT INTO metadata VALUES (?, ?)",
        [
            ("name", "hebi"),
            ("format", "png"),
            ("minzoom", "8"),
            ("maxzoom", "8"),
            ("bounds", "112.5,34.3,113.9,35.5"),
        ],
    )
    # zoom-8 tile x=208, y=101 (XYZ), just south-west of Hebi; TMS row = 255 - 101
    con.execute("INSERT INTO tiles VALUES (8, 208, 154, ?)", (bytes(data.data()),))
    con.commit()
    con.close()
    return path


def test_cli_and_main_window_make_no_connection(qtbot, qapp, tmp_path, no_network, keep_language):
    from floodpost.cli import main
    from floodpost.ui.mainwindow import MainWindow

    ws = tmp_path / "demo.gpkg"
    png = tmp_path / "snap.png"
    assert main(["demo", "-o", str(ws)]) == 0
    assert main(["snapshot", str(ws), "-o", str(png), "--size", "800x500"]) == 0
    assert png.stat().st_size > 1000

    win = MainWindow()
    qtbot.addWidget(win)
    win.resize(1000, 700)
    win.show()
    qtbot.waitExposed(win)
    with qtbot.waitSignal(win.canvas.rendered, timeout=20000):
        assert win.open_workspace(ws)
    qtbot.waitUntil(lambda: not win.canvas.busy, timeout=20000)
    win.close()
    assert no_network == []
    assert "PySide6.QtNetwork" not in sys.modules


def test_mbtiles_basemap_renders_offline(qapp, tmp_path, demo_master, no_network):
    from floodpost.data.workspace import Workspace
    from floodpost.layers.basemap.mbtiles import MBTilesBasemap
    from floodpost.layers.model.viewport import Viewport
    from floodpost.layers.scene import MapScene

    basemap = MBTilesBasemap(_tiny_mbtiles(tmp_path / "hebi.mbtiles"))
    with Workspace.open(demo_master) as ws:
        scene = MapScene.from_workspace(ws, basemap)
        img, _ = scene.render(Viewport.for_lonlat((113.0, 34.5, 113.5, 35.0), 400, 300))
    c = img.pixelColor(200, 150)
    assert (c.red(), c.green(), c.blue()) == (0x20, 0x60, 0xC0)
    assert no_network == []
