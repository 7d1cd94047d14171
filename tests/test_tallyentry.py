"""The tally entry dialog driven from the keyboard, as the duty officer does."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import shapely
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent
from PySide6.QtWidgets import QApplication, QComboBox, QLineEdit, QWidget

import floodpost.data.situation.tally as tally
from floodpost.data.workspace import Workspace
from floodpost.ui.dialogs.tallyentry import _NOTES, ERROR_STYLE, WARNING_STYLE, TallyEntryDialog

DAY = "2021-07-22T"
CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


@pytest.fixture
def ws_path(tmp_path: Path) -> Path:
    path = tmp_path / "ws.gpkg"
    with Workspace.create(path) as ws:
        ws.insert("depots", [{"name": "市仓库", "kind": "warehouse", "geometry": shapely.Point(114.3, 35.7)}])
        ws.insert("material_tally", [{"depot": "市仓库", "item": "沙袋", "quantity": 3000,
                                      "kind": "入库", "reported_at": DAY + "08:00"}])
        ws.insert("evacuation", [{"area": "良相坡", "area_kind": "storage_area",
                                  "planned_households": 300, "planned_persons": 1000,
                                  "notified_households": 280, "notified_persons": 950,
                                  "transferred_households": 240, "transferred_persons": 800,
                                  "reported_at": DAY + "18:00"}])
    return path


@pytest.fixture
def dialog(qtbot, ws_path: Path) -> TallyEntryDialog:
    dlg = TallyEntryDialog(ws_path, lang="zh", operator="值班员")
    qtbot.addWidget(dlg)
    with qtbot.waitActive(dlg):
        dlg.show()
        dlg.activateWindow()
    return dlg


def type_text(qtbot, widget: QWidget, text: str) -> None:
    """Type like the officer: ASCII as key presses, Chinese as committed by the input method."""
    for ch in text:
        if ch.isascii():
            qtbot.keyClicks(widget, ch)
        else:
            event = QInputMethodEvent("", [])
            event.setCommitString(ch)
            QApplication.sendEvent(widget, event)


def focused() -> str:
    widget = QApplication.focusWidget()
    return widget.objectName() if widget is not None else ""


def replace_text(qtbot, edit: QLineEdit, text: str) -> None:
    edit.setFocus()
    qtbot.keyClick(edit, Qt.Key.Key_A, CTRL)
    type_text(qtbot, edit, text)


def rows(path: Path, key: str):
    with Workspace.open(path) as ws:
        return ws.read(key)


def test_material_typed_and_saved_with_ctrl_enter(qtbot, dialog: TallyEntryDialog, ws_path: Path) -> None:
    assert focused() == "material_tally.depot"
    type_text(qtbot, QApplication.focusWidget(), "市仓库")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert focused() == "material_tally.item"
    type_text(qtbot, QApplication.focusWidget(), "沙")
    assert dialog.editor("item").currentText() == "沙袋"
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # unit left empty
    assert focused() == "material_tally.quantity"
    type_text(qtbot, QApplication.focusWidget(), "1,200")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    type_text(qtbot, QApplication.focusWidget(), "调")
    assert dialog.editor("kind").currentText() == "调拨"
    replace_text(qtbot, dialog.editor("reported_at"), "2021年7月22日12时")
    with qtbot.waitSignal(dialog.saved) as blocker:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return, CTRL)
    key, fid = blocker.args
    assert key == "material_tally"
    row = rows(ws_path, "material_tally").loc[fid]
    assert (row["depot"], row["item"], row["kind"], row["quantity"]) == ("市仓库", "sandbag", "dispatch", 1200)
    assert row["reported_at"] == "2021-07-22T04:00:00.000Z"
    assert dialog.status_label.text() == "Saved: 市仓库 沙袋 调拨 1,200"
    # Ready for the next line of the sheet: place and time kept, numbers cleared.
    assert dialog.editor("depot").currentText() == "市仓库"
    assert dialog.editor("reported_at").text() == "2021-07-22 12:00"
    assert dialog.editor("quantity").text() == ""
    assert focused() == "material_tally.quantity"
    type_text(qtbot, QApplication.focusWidget(), "4万")
    dialog.editor("kind").setCurrentIndex(0)  # 入库
    with qtbot.waitSignal(dialog.saved) as blocker:
        qtbot.keyClick(dialog.editor("quantity"), Qt.Key.Key_Enter, CTRL | Qt.KeyboardModifier.KeypadModifier)
    assert rows(ws_path, "material_tally").loc[blocker.args[1], "quantity"] == 40000
    with Workspace.open(ws_path) as ws:
        assert ws.log_entries().iloc[-1]["operator"] == "值班员"


def test_impossible_dispatch_shows_inline_error_and_writes_nothing(
    qtbot, dialog: TallyEntryDialog, ws_path: Path
) -> None:
    before = ws_path.read_bytes()
    dialog.editor("depot").setEditText("市仓库")
    dialog.editor("kind").setCurrentIndex(1)  # 调拨
    replace_text(qtbot, dialog.editor("reported_at"), "2021-07-22 12:00")
    quantity = dialog.editor("quantity")
    replace_text(qtbot, quantity, "5000")
    with qtbot.assertNotEmitted(dialog.saved):
        qtbot.keyClick(quantity, Qt.Key.Key_Return, CTRL)
    shown = dialog.issues_shown
    assert list(shown) == ["quantity"]
    assert "would fall below zero (on hand 3,000, taking 5,000)" in shown["quantity"]
    assert dialog.form().messages["quantity"].styleSheet() == ERROR_STYLE
    assert not dialog.save_anyway_button.isVisible()
    # Not even "Save anyway" writes an impossible record.
    with qtbot.assertNotEmitted(dialog.saved):
        qtbot.keyClick(quantity, Qt.Key.Key_Return, CTRL_SHIFT)
    assert ws_path.read_bytes() == before
    # Correcting the figure clears the message and saves.
    replace_text(qtbot, quantity, "3000")
    assert dialog.issues_shown == {}
    with qtbot.waitSignal(dialog.saved):
        dialog.save_button.click()


def test_bad_number_and_time_are_shown_on_their_fields(qtbot, dialog: TallyEntryDialog, ws_path: Path) -> None:
    before = ws_path.read_bytes()
    dialog.set_key("works")
    dialog.editor("place").setEditText("卫河堤防")
    replace_text(qtbot, dialog.editor("sandbags"), "abc")
    with qtbot.assertNotEmitted(dialog.saved):
        qtbot.keyClick(dialog.editor("sandbags"), Qt.Key.Key_Return, CTRL)
    assert dialog.issues_shown == {"sandbags": "abc is not a number"}
    replace_text(qtbot, dialog.editor("sandbags"), "2000")
    replace_text(qtbot, dialog.editor("reported_at"), "yesterday")
    with qtbot.assertNotEmitted(dialog.saved):
        qtbot.keyClick(dialog.editor("sandbags"), Qt.Key.Key_Return, CTRL)
    assert dialog.issues_shown == {"reported_at": "cannot read the time yesterday"}
    assert ws_path.read_bytes() == before


def test_area_prefills_and_a_warning_needs_the_second_shortcut(
    qtbot, dialog: TallyEntryDialog, ws_path: Path
) -> None:
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab, CTRL)  # next tab
    assert dialog.key == "evacuation"
    assert focused() == "evacuation.area"
    type_text(qtbot, QApplication.focusWidget(), "良相坡")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    # The area's last report is in the form, to be updated.
    assert dialog.editor("transferred_persons").text() == "800"
    assert dialog.editor("planned_persons").text() == "1,000"
    assert dialog.editor("area_kind").currentData() == "storage_area"
    replace_text(qtbot, dialog.editor("reported_at"), "2021-07-22 20:00")
    notified = dialog.editor("notified_persons")
    transferred = dialog.editor("transferred_persons")
    replace_text(qtbot, notified, "1,300")
    replace_text(qtbot, transferred, "1,200")
    count = len(rows(ws_path, "evacuation"))
    with qtbot.assertNotEmitted(dialog.saved):
        qtbot.keyClick(transferred, Qt.Key.Key_Return, CTRL)
    assert dialog.issues_shown == {"transferred_persons": "more transferred than planned (1,200 > 1,000)"}
    assert dialog.form().messages["transferred_persons"].styleSheet() == WARNING_STYLE
    assert dialog.save_anyway_button.isVisible()
    assert len(rows(ws_path, "evacuation")) == count
    with qtbot.waitSignal(dialog.saved) as blocker:
        qtbot.keyClick(transferred, Qt.Key.Key_Return, CTRL_SHIFT)
    saved = rows(ws_path, "evacuation").loc[blocker.args[1]]
    assert saved["transferred_persons"] == 1200 and saved["planned_persons"] == 1000
    assert saved["transferred_households"] == 240  # carried over from the 18:00 report
    assert dialog.issues_shown == {}
    assert dialog.status_label.text() == "Saved: 良相坡 已转移 1,200 人"
    # Cumulative figures: the form now shows the report just saved.
    assert dialog.editor("transferred_persons").text() == "1,200"
    assert focused() == "evacuation.planned_households"


def test_save_anyway_accepts_only_warnings_already_seen(qtbot, dialog: TallyEntryDialog, ws_path: Path) -> None:
    dialog.set_key("evacuation")
    area = dialog.editor("area")
    assert isinstance(area, QComboBox)
    area.setEditText("良相坡")
    area.lineEdit().editingFinished.emit()
    replace_text(qtbot, dialog.editor("reported_at"), "2021-07-22 20:00")
    replace_text(qtbot, dialog.editor("transferred_persons"), "700")
    with qtbot.assertNotEmitted(dialog.saved):
        qtbot.keyClick(dialog.editor("transferred_persons"), Qt.Key.Key_Return, CTRL_SHIFT)
    assert dialog.issues_shown == {"transferred_persons": "lower than the 18:00 report (800 then, 700 now)"}
    replace_text(qtbot, dialog.editor("returned_persons"), "10")  # an edit: the warnings are stale
    assert dialog.issues_shown == {}
    with qtbot.assertNotEmitted(dialog.saved):
        qtbot.keyClick(dialog.editor("returned_persons"), Qt.Key.Key_Return, CTRL_SHIFT)
    with qtbot.waitSignal(dialog.saved):
        dialog.save_anyway_button.click()


def test_names_are_offered_and_escape_closes(qtbot, dialog: TallyEntryDialog) -> None:
    depot = dialog.editor("depot")
    assert [depot.itemText(i) for i in range(depot.count())] == ["市仓库"]
    area = dialog.editor("area", "evacuation")
    assert [area.itemText(i) for i in range(area.count())] == ["良相坡"]
    qtbot.keyClick(dialog.editor("quantity"), Qt.Key.Key_Escape)
    assert not dialog.isVisible()


def test_open_workspace_is_used_as_given(qtbot, ws_path: Path) -> None:
    with Workspace.open(ws_path) as ws:
        dlg = TallyEntryDialog(ws, key="works", lang="en")
        qtbot.addWidget(dlg)
        assert dlg.key == "works"
        dlg.editor("place").setEditText("卫河堤防")
        dlg.editor("sandbags").setText("2,000")
        dlg.editor("reported_at").setText("2021-07-22 10:00")
        with qtbot.waitSignal(dlg.saved) as blocker:
            dlg.save()
        assert ws.feature("works", blocker.args[1])["sandbags"] == 2000
        assert dlg.editor("sandbags").text() == ""
        assert dlg.editor("place").currentText() == "卫河堤防"


def test_every_note_of_the_data_layer_is_marked_for_translation() -> None:
    tree = ast.parse(Path(tally.__file__).read_text(encoding="utf-8"))
    templates = {
        node.args[0].value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Note"
        and isinstance(node.args[0], ast.Constant)
    }
    templates |= {t for *_, t in tally._FUNNEL}
    templates |= {t for pair in tally._TOO_MANY.values() for t in pair}
    assert templates and templates <= set(_NOTES)


def test_each_tab_says_how_old_its_newest_report_is(qtbot, tmp_path: Path) -> None:
    """The evacuation tally at 10:00 (newest 07:30, 2 h due: overdue) and at 12:00 (just reported)."""
    from water_figures_workspace import T1, T2, build_water_workspace

    from floodpost.data.timeutil import to_storage

    path = build_water_workspace(tmp_path / "water.gpkg")
    dlg = TallyEntryDialog(path, key="evacuation", lang="en")
    qtbot.addWidget(dlg)
    dlg.set_view_time(to_storage(T1))
    assert dlg.age_label.text() == "Newest report: 2021-07-22 07:30 (2 h ago); overdue, expected every 2 h"
    assert AMBER_BOLD in dlg.age_label.styleSheet()
    dlg.set_view_time(to_storage(T2))
    assert dlg.age_label.text() == "Newest report: 2021-07-22 12:00 (just now)"
    assert AMBER_BOLD not in dlg.age_label.styleSheet()
    dlg.set_key("works")
    assert dlg.age_label.text() == "No report in this tally yet"


AMBER_BOLD = "font-weight: bold"
