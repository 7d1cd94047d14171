"""Issue 17, the window's side: another workstation's changes on this screen, stale edits, a viewer's window.

Two stores on one GeoPackage file: the window works on one, wrapped in a
double that pushes like a server (tests/live_double.py); the "other
workstation" writes through the second and then sends the notification.
"""

from __future__ import annotations

import pytest
import shapely
from PySide6.QtWidgets import QMessageBox

from floodpost.data.situation import Engine
from floodpost.data.timeutil import now_storage
from floodpost.data.workspace import Workspace
from floodpost.layers.model import Layer
from floodpost.ui import mainwindow
from floodpost.ui.dialogs import conflict
from floodpost.ui.docks.attrtable import FeatureTableModel
from floodpost.ui.mainwindow import MainWindow
from tests.live_double import NotifyingStore

REAL_OPEN = Workspace.open


@pytest.fixture
def double(monkeypatch):
    """The window's workspace opens as a NotifyingStore; the test keeps it to play the server."""
    made: list[NotifyingStore] = []

    def fake_open(location, read_only=False, **kw):
        store = NotifyingStore(REAL_OPEN(location, read_only=read_only, **kw))
        made.append(store)
        return store

    monkeypatch.setattr(mainwindow.Workspace, "open", staticmethod(fake_open))
    return made


@pytest.fixture
def window(qtbot, demo_path, double):
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    assert win.open_workspace(demo_path)
    qtbot.waitUntil(lambda: not win.situation_pending, timeout=20000)
    yield win
    win.close()


@pytest.fixture
def other(demo_path):
    with REAL_OPEN(demo_path) as ws:
        yield ws


def _count_calls(monkeypatch, cls, name):
    calls: list[object] = []
    original = getattr(cls, name)

    def spy(self, *a, **k):
        calls.append(a)
        return original(self, *a, **k)

    monkeypatch.setattr(cls, name, spy)
    return calls


def test_a_tally_entry_elsewhere_shows_within_2s_without_a_full_reload(qtbot, window, other, double, monkeypatch):
    store = double[-1]
    assert window.live_badge.isVisibleTo(window) and window.live_badge.text() == window.tr("Connected")
    placed = window.dashboard.figures["sandbags_placed"].value.text()
    before = int(placed.replace(",", ""))
    reloads = _count_calls(monkeypatch, Layer, "reload")
    loads = _count_calls(monkeypatch, FeatureTableModel, "load")
    builds = _count_calls(monkeypatch, Engine, "_build")
    seen: list = []
    window.liveChanged.connect(seen.append)
    window.show_table()
    window.table.show_key("works")
    qtbot.waitUntil(lambda: window.table.model.key == "works", timeout=5000)
    loads.clear()
    rows = window.table.model.rowCount()

    fid = other.insert("works", [{"place": "淇河大堤", "sandbags": 5000, "reported_at": now_storage()}])[0]
    store.notify(other.log_max_fid())

    qtbot.waitUntil(lambda: window.dashboard.figures["sandbags_placed"].value.text() == f"{before + 5000:,}",
                    timeout=2000)
    assert seen and "works" in seen[-1].rows and fid in seen[-1].rows["works"].index
    assert not seen[-1].full  # the changed rows, read by fid
    assert reloads == [] and loads == []  # no layer or table read whole
    assert builds == []  # the fold caught up from the log; it was not built again
    assert window.table.model.rowCount() == rows + 1 and window.table.model.fids[-1] == fid
    assert store.drained == [other.log_max_fid()]


def test_features_added_changed_and_deleted_elsewhere_show_on_the_map_and_table(qtbot, window, other, double, monkeypatch):
    store = double[-1]
    reloads = _count_calls(monkeypatch, Layer, "reload")
    window.show_log()
    qtbot.waitUntil(lambda: not window.log_panel.loading, timeout=10000)
    window.show_table()
    window.table.show_key("hazards")
    loads = _count_calls(monkeypatch, FeatureTableModel, "load")
    layer = window.scene.layers["hazards"]
    count = layer.count

    fid = other.insert("hazards", [{"name": "新滑坡点", "hazard_type": "landslide",
                                    "geometry": shapely.Point(114.2, 35.9)}])[0]
    store.notify(other.log_max_fid())
    qtbot.waitUntil(lambda: fid in window.scene.layers["hazards"].frame.index, timeout=2000)
    assert window.scene.layers["hazards"].count == count + 1
    assert fid in window.table.model.fids
    from floodpost.layers.model.identify import Hit

    window.identify.show_hits([Hit("hazards", fid, 0.0)])

    other.update("hazards", fid, {"name": "改名的滑坡点"})
    store.notify(other.log_max_fid())
    qtbot.waitUntil(lambda: window.scene.layers["hazards"].frame.loc[fid, "name"] == "改名的滑坡点", timeout=2000)
    row = window.table.model.fids.index(fid)
    assert window.table.model.columns["name"][row] == "改名的滑坡点"
    assert window.identify.title.text().startswith("改名的滑坡点")  # the feature shown is shown anew

    other.delete("hazards", [fid])
    store.notify(other.log_max_fid())
    qtbot.waitUntil(lambda: fid not in window.scene.layers["hazards"].frame.index, timeout=2000)
    assert fid not in window.table.model.fids
    assert window.identify.current() is None
    assert reloads == [] and loads == []
    assert window.log_panel.model.last_fid() == other.log_max_fid()  # the log lists the three entries


def test_a_lost_server_is_said_plainly_and_the_last_state_stays(qtbot, window, double):
    store = double[-1]
    count = window.scene.layers["hazards"].count
    store.reads_fail = True
    store.hang_up()
    qtbot.waitUntil(lambda: window._live_lost, timeout=2000)
    assert window.live_badge.text().startswith(window.tr("Disconnected"))
    assert not window._live_notifier.isEnabled()  # a dead socket does not spin the window
    window._live_contact -= 180
    window._show_badge()
    assert "3" in window.live_badge.text()
    assert window.scene.layers["hazards"].count == count  # the last state is still shown
    window._live_retry_now()  # still down: still said so, nothing raised
    assert window._live_lost


def _stale_setup(window, other, choice):
    """The window starts editing a hazard; the other workstation renames it first."""
    ws = window.workspace
    fid = int(ws.read("hazards").index[0])
    original = ws.feature("hazards", fid)
    window._note_edit_start("hazards", fid)  # the cell editor opened
    other.update("hazards", fid, {"name": "对方改的名字", "persons": 77})
    shown: list = []

    def chooser(dialog):
        shown.append(dialog)
        assert dialog.windowTitle()
        return choice

    window.choose_conflict = chooser
    return ws, fid, original, shown


def test_stale_edit_keep_theirs(qtbot, window, other):
    ws, fid, _original, shown = _stale_setup(window, other, conflict.THEIRS)
    steps = window.undo_stack.count()
    window.edit_value("hazards", fid, "name", "我改的名字")
    assert len(shown) == 1
    rows = {r[0]: r[1:] for r in shown[0].shown()}
    assert ("对方改的名字", "我改的名字") in rows.values()
    assert ws.feature("hazards", fid)["name"] == "对方改的名字"
    assert window.undo_stack.count() == steps  # nothing happened, nothing to undo
    assert window.scene.layers["hazards"].frame.loc[fid, "name"] == "对方改的名字"


def test_stale_edit_overwrite_and_its_undo(qtbot, window, other):
    ws, fid, _original, shown = _stale_setup(window, other, conflict.OVERWRITE)
    steps = window.undo_stack.count()
    window.edit_value("hazards", fid, "name", "我改的名字")
    assert len(shown) == 1
    rec = ws.feature("hazards", fid)
    assert rec["name"] == "我改的名字" and rec["persons"] == 77  # their other change stays
    assert window.undo_stack.count() == steps + 1
    window.undo_stack.undo()  # puts back what was there before the overwrite: theirs
    assert ws.feature("hazards", fid)["name"] == "对方改的名字"
    window.undo_stack.redo()
    assert ws.feature("hazards", fid)["name"] == "我改的名字"
    log = ws.log_entries()
    assert list(log["action"])[-4:] == ["update", "update", "update", "update"]  # theirs, mine, undo, redo


def test_stale_edit_keep_both(qtbot, window, other):
    ws, fid, original, shown = _stale_setup(window, other, conflict.BOTH)
    before = set(ws.read("hazards").index)
    window.edit_value("hazards", fid, "name", "我改的名字")
    assert len(shown) == 1
    assert ws.feature("hazards", fid)["name"] == "对方改的名字"
    new = set(ws.read("hazards").index) - before
    assert len(new) == 1
    copy = ws.feature("hazards", new.pop())
    assert copy["name"] == "我改的名字" and copy["hazard_type"] == original["hazard_type"]
    assert copy["geometry"].equals(original["geometry"])
    window.undo_stack.undo()  # the copy goes; theirs stays
    assert set(ws.read("hazards").index) == before


@pytest.mark.parametrize("choice", [conflict.RESTORE, conflict.DROP])
def test_stale_edit_of_a_row_deleted_elsewhere(qtbot, window, other, choice):
    ws = window.workspace
    fid = int(ws.read("hazards").index[0])
    window._note_edit_start("hazards", fid)
    other.delete("hazards", [fid])
    shown: list = []
    window.choose_conflict = lambda d: (shown.append(d), choice)[1]
    before = set(ws.read("hazards").index)
    window.edit_value("hazards", fid, "name", "我改的名字")
    assert len(shown) == 1 and shown[0].deleted and set(shown[0].buttons) == {conflict.RESTORE, conflict.DROP}
    new = set(ws.read("hazards").index) - before
    if choice == conflict.RESTORE:
        assert len(new) == 1 and ws.feature("hazards", new.pop())["name"] == "我改的名字"
    else:
        assert not new and ws.feature("hazards", fid) is None


def test_form_and_move_take_the_version_from_when_they_began(qtbot, window, other, monkeypatch):
    ws = window.workspace
    fid = int(ws.read("forces").index[0])
    window._current = ("forces", fid)
    window.start_move()
    other.update("forces", fid, {"task": "对方的任务"})
    shown: list = []
    window.choose_conflict = lambda d: (shown.append(d), conflict.THEIRS)[1]
    window._on_map_click(114.5, 35.7)
    assert len(shown) == 1  # the move met their change: asked, not written over
    g = ws.feature("forces", fid)["geometry"]
    assert (round(g.x, 6), round(g.y, 6)) != (114.5, 35.7)


def test_a_viewer_cannot_edit_and_is_told_why(qtbot, demo_path, double, monkeypatch):
    from floodpost.ui.failures import read_only_text

    real = mainwindow.Workspace.open

    def viewer(location, read_only=False, **kw):
        store = real(location, read_only=read_only, **kw)
        store.writable = False
        return store

    monkeypatch.setattr(mainwindow.Workspace, "open", staticmethod(viewer))
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a, **k: told.append(text))
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    assert win.open_workspace(demo_path)
    for act in (win.act_add, win.act_move, win.act_edit, win.act_delete, win.act_tally, win.act_import, win.act_meeting):
        assert not act.isEnabled()
        assert act.toolTip() == read_only_text()
    assert win.access_label.isVisibleTo(win)
    assert not win.table.add_btn.isEnabled()
    fid = int(win.workspace.read("hazards").index[0])
    name = win.workspace.feature("hazards", fid)["name"]
    win.edit_value("hazards", fid, "name", "不该保存")
    assert told == [read_only_text()]
    assert win.workspace.feature("hazards", fid)["name"] == name
    assert not win.mark_meeting("会商")
    win.close()


def test_a_refused_write_from_the_server_is_a_clear_message(qtbot, window, monkeypatch):
    from floodpost.data.workspace import ReadOnlyWorkspace
    from floodpost.ui.failures import read_only_text

    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text, *a, **k: told.append(text))
    store = window.workspace

    def refuse(*a, **k):
        raise ReadOnlyWorkspace("permission denied for table hazards")

    monkeypatch.setattr(store._inner, "update", refuse)
    fid = int(store.read("hazards").index[0])
    window.edit_value("hazards", fid, "name", "x")
    assert told == [read_only_text()]


def test_the_badge_comes_back_with_the_server_and_catches_up(qtbot, window, other, double):
    store = double[-1]
    store.reads_fail = True
    store.hang_up()
    qtbot.waitUntil(lambda: window._live_lost, timeout=2000)
    fid = other.insert("hazards", [{"name": "断线时新增", "hazard_type": "collapse",
                                    "geometry": shapely.Point(114.3, 35.8)}])[0]
    store.reconnect()
    window._live_retry_now()  # what the back-off timer does
    qtbot.waitUntil(lambda: not window._live_lost, timeout=2000)
    assert window.live_badge.text() == window.tr("Connected")
    qtbot.waitUntil(lambda: fid in window.scene.layers["hazards"].frame.index, timeout=2000)
    assert window._live_notifier.isEnabled() and window._live_notifier.socket() == store.watch_fd()
    other.update("hazards", fid, {"name": "重连后改名"})
    store.notify(other.log_max_fid())  # the new socket is watched
    qtbot.waitUntil(lambda: window.scene.layers["hazards"].frame.loc[fid, "name"] == "重连后改名", timeout=2000)


def test_an_undo_against_a_change_elsewhere_asks_and_keeps_the_stack_consistent(qtbot, window, other):
    ws = window.workspace
    fid = int(ws.read("hazards").index[0])
    window.edit_value("hazards", fid, "name", "我的名字")
    assert window.undo_stack.count() == 1
    other.update("hazards", fid, {"name": "对方后来改的"})
    asked: list = []
    window.choose_conflict = lambda d: (asked.append(d), conflict.THEIRS)[1]
    window.undo_stack.undo()
    assert len(asked) == 1 and conflict.BOTH not in asked[0].buttons  # an undo has no copy to keep
    assert ws.feature("hazards", fid)["name"] == "对方后来改的"  # theirs stays
    assert window.undo_stack.count() == 0  # the step left the stack: nothing to redo over theirs
    window.edit_value("hazards", fid, "name", "再改一次")
    other.update("hazards", fid, {"name": "对方又改"})
    window.choose_conflict = lambda d: conflict.OVERWRITE
    window.undo_stack.undo()  # overwrite: the undo goes through over theirs
    assert ws.feature("hazards", fid)["name"] == "对方后来改的"
    assert window.undo_stack.canRedo()


def test_a_file_changed_by_another_program_shows_when_the_window_is_activated(qtbot, demo_path, monkeypatch):
    win = MainWindow()
    qtbot.addWidget(win)
    win.show()
    assert win.open_workspace(demo_path)
    assert win.workspace.watch_fd() is None and not win.live_badge.isVisibleTo(win)
    with REAL_OPEN(demo_path) as other:
        fid = other.insert("hazards", [{"name": "另一进程新增", "hazard_type": "landslide",
                                        "geometry": shapely.Point(114.2, 35.7)}])[0]
    reloads = _count_calls(monkeypatch, Layer, "reload")
    win._live_check_file()  # what activating the window does
    qtbot.waitUntil(lambda: fid in win.scene.layers["hazards"].frame.index, timeout=2000)
    assert reloads == []
    before = win._live_gen
    win._live_check_file()  # nothing changed since: no read at all
    assert win._live_gen == before
    win.close()


def test_the_form_writes_against_the_version_it_opened_with(qtbot, window, other, monkeypatch):
    """The form shows every field; saving it must not write back over a change made while it was open."""
    from floodpost.ui.dialogs.editing import FeatureForm

    ws = window.workspace
    fid = int(ws.read("hazards").index[0])

    def fill_while_they_edit(form):
        other.update("hazards", fid, {"persons": 999})  # meanwhile, at the other workstation
        form.widgets["name"].setText("表单里的名字")
        form._try_accept()
        return form.result()

    monkeypatch.setattr(FeatureForm, "exec", fill_while_they_edit)
    shown: list = []
    window.choose_conflict = lambda d: (shown.append(d), conflict.OVERWRITE)[1]
    window.feature_form("hazards", fid)
    assert len(shown) == 1
    rows = {r[0]: r[1:] for r in shown[0].shown()}
    assert any(theirs == "999" for theirs, _mine in rows.values())  # their change is in plain sight
    assert ws.feature("hazards", fid)["name"] == "表单里的名字"


def test_a_layer_takes_rows_in_place():
    import geopandas as gpd

    frame = gpd.GeoDataFrame({"name": ["a", "b", "c"]}, geometry=[shapely.Point(i, i) for i in range(3)],
                             crs="EPSG:4490", index=[1, 2, 3])
    frame.index.name = "fid"
    layer = Layer("hazards", frame)
    version = layer.version
    rows = gpd.GeoDataFrame({"name": ["B", "d"]}, geometry=[shapely.Point(9, 9), shapely.Point(4, 4)],
                            crs="EPSG:4490", index=[2, 4])
    assert layer.apply_rows(rows, gone=[3])
    assert list(layer.frame.index) == [1, 2, 4] and list(layer.frame["name"]) == ["a", "B", "d"]
    assert layer.frame.geometry.loc[2].equals(shapely.Point(9, 9)) and layer.version == version + 1
