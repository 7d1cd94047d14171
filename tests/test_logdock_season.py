"""The log dock with a season's log: read in a worker thread, values fetched per entry, exported whole."""

from __future__ import annotations

import json
import sqlite3
import uuid
from pathlib import Path

import openpyxl

from floodpost.data.store.gpkg import geopackage as gpkg
from floodpost.data.workspace import Workspace
from floodpost.ui.docks.logdock import LogPanel


def _season_log(path: Path, n: int = 30_000) -> None:
    with Workspace.create(path):
        pass
    con = sqlite3.connect(path)
    gpkg.register_functions(con)
    with con:
        con.executemany(
            "INSERT INTO situation_log (uuid, at, operator, action, target, feature_id, summary, before, after)"
            " VALUES (?,?,?,?,?,?,?,?,?)",
            [(str(uuid.uuid4()), f"2021-07-{22 + i // 10000:02d}T{(i // 600) % 24:02d}:{i % 60:02d}:00.000Z", "值班员", "update",
              "waterlogging", i % 50 + 1, f"城市易涝点: {i}", json.dumps({"status": "normal"}),
              json.dumps({"status": "ponding"})) for i in range(n)],
        )
    con.close()


def test_a_season_log_is_read_off_the_gui_thread_and_opened_per_entry(qtbot, tmp_path: Path) -> None:
    path = tmp_path / "season.gpkg"
    _season_log(path)
    ws = Workspace.open(path)
    panel = LogPanel()
    qtbot.addWidget(panel)
    try:
        panel.set_workspace(ws, reader=lambda: Workspace.open(path))
        assert not panel.loading and panel.model.total == 0  # hidden: nothing read at opening
        panel.show()
        assert panel.loading  # shown: read in a thread, the window goes on meanwhile
        qtbot.waitUntil(lambda: not panel.loading and panel.model.total > 0, timeout=30000)
        total = ws.count("situation_log")
        assert panel.model.total == total > 30_000
        assert "before" not in panel.model.log()  # heads only in the list
        top = panel.model.entry(0)  # newest first: its values read when shown
        assert json.loads(top["after"]) == {"status": "ponding"}
        assert "Ponding" in panel.model.entry_html(0) or "积水" in panel.model.entry_html(0)
        # a new entry while the panel is open is added, not the whole log read again
        ws.record_meeting("第二天会商")
        panel.refresh()
        assert panel.model.total == total + 1 and not panel.loading
        # the export carries the values the list left out
        panel.search.setText("城市易涝点: 29999")
        out = tmp_path / "log.xlsx"
        with qtbot.waitSignal(panel.exported, timeout=60000):
            assert panel.export_xlsx(out)
        rows = list(openpyxl.load_workbook(out).active.iter_rows(values_only=True))
        assert len(rows) == 2 and any("积水" in str(v) or "ponding" in str(v) for v in rows[1])
    finally:
        panel.wait_loaded(30)
        panel.set_workspace(None)
        ws.close()
