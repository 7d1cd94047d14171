"""GDAL reads of the workspace never drop this process's write lock (two copies of SQLite in one process).

GDAL links its own SQLite. POSIX locks belong to the process, so GDAL
closing its handle on the file releases the lock a transaction of ours
holds, and another program could write in the middle of it. Every GDAL
read waits for our write transactions on the same file to end.
"""

from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

from floodpost.data.workspace import Workspace

PROBE = """
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], timeout=0.2, isolation_level=None)
try:
    con.execute("BEGIN IMMEDIATE")
    print("wrote")
    con.execute("ROLLBACK")
except sqlite3.OperationalError as exc:
    print(exc)
"""


def _another_program_tries_to_write(path: Path) -> str:
    return subprocess.run([sys.executable, "-c", PROBE, str(path)], capture_output=True, text=True,
                          timeout=60).stdout.strip()


def _row(hour: int) -> dict:
    return {"depot": "市仓库", "item": "sandbag", "quantity": 10, "kind": "stock_in",
            "reported_at": f"2021-07-22T{hour:02d}:00"}


def test_a_gdal_read_waits_for_our_transaction(tmp_path: Path) -> None:
    path = tmp_path / "ws.gpkg"
    with Workspace.create(path) as ws:
        ws.insert("material_tally", [_row(8)])
    writer, reader = Workspace.open(path), Workspace.open(path)
    got: list = []
    try:
        with writer.transaction() as c:
            c.execute("UPDATE material_tally SET quantity = 20")
            thread = threading.Thread(target=lambda: got.append(reader.read_arrow("material_tally")))
            thread.start()
            thread.join(timeout=2)
            # the GDAL read is held back, so our lock holds: another program cannot write now
            assert thread.is_alive()
            assert "locked" in _another_program_tries_to_write(path)
        thread.join(timeout=30)
        assert not thread.is_alive()
        table = got[0]
        assert table is not None and table.column("quantity").to_pylist() == [20.0]
        assert _another_program_tries_to_write(path) == "wrote"
        assert reader._con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        writer.close()
        reader.close()


def test_inside_our_own_transaction_gdal_is_not_used(tmp_path: Path) -> None:
    path = tmp_path / "ws.gpkg"
    with Workspace.create(path) as ws:
        ws.insert("material_tally", [_row(8)])
        with ws.transaction():
            assert ws.read_arrow("material_tally") is None
            assert "locked" in _another_program_tries_to_write(path)
        assert ws.read_arrow("material_tally").num_rows == 1


def test_a_file_in_wal_mode_is_read_through_our_sqlite_alone(tmp_path: Path) -> None:
    """QGIS leaves a GeoPackage it edited in WAL mode. GDAL's SQLite, closing what it takes for the
    file's last connection, truncates the shared memory ours has mapped: the process crashed (SIGBUS)
    at our next read. In WAL mode GDAL does not read the file; our own reads give the same rows."""
    import sqlite3

    path = tmp_path / "ws.gpkg"
    with Workspace.create(path) as ws:
        ws.insert("material_tally", [_row(8), _row(9)])
        assert ws.read_arrow("material_tally").num_rows == 2
        before = ws.read("material_tally")
    con = sqlite3.connect(path)
    assert con.execute("PRAGMA journal_mode=WAL").fetchone()[0] == "wal"
    con.close()
    with Workspace.open(path) as ws:
        assert ws.read_arrow("material_tally") is None
        after = ws.read("material_tally")
        assert after["quantity"].tolist() == before["quantity"].tolist()
        assert list(after.index) == list(before.index)
