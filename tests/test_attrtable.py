"""The attribute table: every row, sorted by the model itself, selection by fid."""

from __future__ import annotations

from pathlib import Path

import pytest
import shapely
from PySide6.QtCore import QItemSelectionModel, Qt

from floodpost.data.workspace import Workspace
from floodpost.ui.docks.attrtable import AttributeTable


@pytest.fixture
def table(qtbot, tmp_path: Path):
    ws = Workspace.create(tmp_path / "t.gpkg")
    rows = [
        {"name": "东山", "town": "丙镇", "hazard_type": "landslide", "persons": 30},
        {"name": "西山", "town": "甲镇", "hazard_type": "collapse", "persons": None},
        {"name": "南山", "town": "乙镇", "hazard_type": "landslide", "persons": 200},
        {"name": "北山", "town": None, "hazard_type": "collapse", "persons": 5},
    ]
    for i, r in enumerate(rows):
        r["geometry"] = shapely.Point(114.0 + i / 100, 35.5)
    fids = ws.insert("hazards", rows)
    widget = AttributeTable()
    qtbot.addWidget(widget)
    widget.set_workspace(ws)
    widget.show_key("hazards")
    widget.show()
    qtbot.waitExposed(widget)
    yield widget, fids
    ws.close()


def _column(widget: AttributeTable, name: str) -> int:
    return [f.name for f in widget.model.schema.fields].index(name)


def _shown(widget: AttributeTable, name: str) -> list:
    m = widget.model
    c = _column(widget, name)
    return [m.data(m.index(r, c), Qt.ItemDataRole.EditRole) for r in range(m.rowCount())]


def test_rows_in_fid_order_until_a_header_is_clicked(table) -> None:
    widget, fids = table
    assert widget.model.fids == fids
    assert widget.view.horizontalHeader().sortIndicatorSection() == -1


def test_sorting_numbers_and_text_with_empty_cells_last(table) -> None:
    widget, _ = table
    col = _column(widget, "persons")
    widget.view.sortByColumn(col, Qt.SortOrder.AscendingOrder)
    assert _shown(widget, "persons") == [5, 30, 200, None]  # as numbers, not as text
    widget.view.sortByColumn(col, Qt.SortOrder.DescendingOrder)
    assert _shown(widget, "persons") == [200, 30, 5, None]
    widget.view.sortByColumn(_column(widget, "town"), Qt.SortOrder.AscendingOrder)
    names = _shown(widget, "town")
    assert names[-1] is None and names[:3] == sorted(names[:3])


def test_selection_follows_its_rows_through_a_sort_and_a_reload(table) -> None:
    widget, fids = table
    view = widget.view
    sel = view.selectionModel()
    sel.select(widget.model.index(2, 0), QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows)
    assert widget.selected_fids() == [fids[2]]
    col = _column(widget, "persons")
    view.sortByColumn(col, Qt.SortOrder.DescendingOrder)
    assert widget.selected_fids() == [fids[2]]  # the 200-person row, now first
    assert widget.model.fids[0] == fids[2]
    widget.reload()  # after an edit elsewhere: the officer's order stays
    assert _shown(widget, "persons") == [200, 30, 5, None]
