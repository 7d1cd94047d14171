"""Edits through the window are undoable, logged, and their undo survives reopening."""

from __future__ import annotations

import shapely

from floodpost.data.workspace import Workspace
from floodpost.ui.dialogs.editing import DeleteCommand, InsertCommand
from floodpost.ui.mainwindow import MainWindow


def test_update_insert_delete_undo_redo_persist(qtbot, demo_path, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    refused: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a, **k: refused.append(text))
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.canvas.rendered, timeout=10000):
        assert win.open_workspace(demo_path)
    ws = win.workspace
    fid = int(ws.read("hazards").index[0])
    old_name = ws.feature("hazards", fid)["name"]
    win.edit_value("hazards", fid, "name", "新名字滑坡")
    assert ws.feature("hazards", fid)["name"] == "新名字滑坡"
    assert win.scene.layers["hazards"].frame.loc[fid, "name"] == "新名字滑坡"
    win.edit_value("hazards", fid, "persons", "-5")  # refused: below the minimum
    assert win.undo_stack.count() == 1 and "minimum" in refused[0]
    stack = win.undo_stack
    stack.push(InsertCommand(ws, "hazards", {"name": "新增点", "hazard_type": "landslide",
                                             "geometry": shapely.Point(114.1, 35.8)}, win._changed, "add"))
    new_fid = stack.command(1).fid
    stack.push(DeleteCommand(ws, "hazards", [fid], win._changed, "delete"))
    assert ws.feature("hazards", fid) is None
    stack.undo()  # the delete: back under the same fid, with the edited name
    assert ws.feature("hazards", fid)["name"] == "新名字滑坡"
    stack.undo()  # the insert
    assert ws.feature("hazards", new_fid) is None
    stack.undo()  # the rename
    assert ws.feature("hazards", fid)["name"] == old_name
    stack.redo()
    stack.redo()
    assert ws.feature("hazards", new_fid)["name"] == "新增点"  # redo restores the same fid
    win.close()
    with Workspace.open(demo_path) as again:
        assert again.feature("hazards", fid)["name"] == "新名字滑坡"
        assert again.feature("hazards", new_fid)["name"] == "新增点"
        actions = list(again.log_entries()["action"])[-8:]
    # rename, add, delete, restore, un-add, un-rename, re-rename, re-add: one entry each
    assert actions == ["update", "insert", "delete", "insert", "delete", "update", "update", "insert"]


def test_move_point_by_click(qtbot, demo_path):
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.canvas.rendered, timeout=10000):
        assert win.open_workspace(demo_path)
    fid = int(win.workspace.read("forces").index[0])
    win._current = ("forces", fid)
    win.start_move()
    assert win.canvas.property("editing")
    win._on_map_click(114.5, 35.7)
    g = win.workspace.feature("forces", fid)["geometry"]
    assert (round(g.x, 6), round(g.y, 6)) == (114.5, 35.7)
    assert not win.canvas.property("editing")
    win.undo_stack.undo()
    assert win.workspace.feature("forces", fid)["geometry"] != g
    win.close()


def _fill_and_accept(values):
    def fake_exec(form):
        for name, v in values.items():
            w = form.widgets[name]
            if hasattr(w, "findData"):
                w.setCurrentIndex(w.findData(v))
            else:
                w.setText(v)
        form._try_accept()
        return form.result()

    return fake_exec


def test_draw_an_area_vertex_by_vertex_then_move_it(qtbot, demo_path, monkeypatch):
    from floodpost.ui.dialogs.editing import FeatureForm

    monkeypatch.setattr(FeatureForm, "exec", _fill_and_accept({"name": "临时滞洪区", "status": "standby"}))
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    with qtbot.waitSignal(win.canvas.rendered, timeout=10000):
        assert win.open_workspace(demo_path)
    before = win.workspace.count("storage_areas")
    win.start_add("storage_areas")
    for lon, lat in ((114.40, 35.60), (114.45, 35.60), (114.45, 35.64)):
        win._on_map_click(lon, lat)
    win.remove_vertex()  # Backspace
    assert win.canvas.sketch == [(114.40, 35.60), (114.45, 35.60)]
    win.finish_sketch()  # two vertices are not an area: still drawing
    assert win._mode == ("draw", "storage_areas")
    win._on_map_click(114.42, 35.65)
    win.act_finish.trigger()  # Enter
    assert win.workspace.count("storage_areas") == before + 1
    fid = int(win.workspace.read("storage_areas").index.max())
    area = win.workspace.feature("storage_areas", fid)
    assert area["name"] == "临时滞洪区" and area["geometry"].area > 0
    win._current = ("storage_areas", fid)
    win.start_move()
    win._on_map_click(114.60, 35.70)
    moved = win.workspace.feature("storage_areas", fid)["geometry"]
    mid = moved.representative_point()
    assert (round(mid.x, 6), round(mid.y, 6)) == (114.6, 35.7)
    assert moved.area == area["geometry"].area or abs(moved.area - area["geometry"].area) < 1e-12
    win.undo_stack.undo()
    win.undo_stack.undo()
    assert win.workspace.count("storage_areas") == before
    win.close()
