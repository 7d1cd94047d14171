"""The situation log dock (态势日志): every recorded change, newest first, filterable, exportable.

The table model is an adapter over the log as the workspace stores it: it
keeps the rows read from ``situation_log`` and the positions that pass the
filters, and formats only the cells Qt asks for, so 50,000 entries load and
filter without building 50,000 strings. Reading the log in words (labels,
before/after) and writing the XLSX live in :mod:`floodpost.data.export.log`.
"""

from __future__ import annotations

import html
import os
import threading
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QDateTime,
    QItemSelectionModel,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTime,
    QTimeZone,
    Signal,
)
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateTimeEdit,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QSplitter,
    QTableView,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from floodpost.data.export.log import (
    action_label,
    change_rows,
    export_log_xlsx,
    filter_log,
    log_times,
    target_label,
)
from floodpost.data.schema import ALL, LAYERS, TABLES
from floodpost.data.timeutil import BEIJING, format_local
from floodpost.data.workspace import Store, Where
from floodpost.i18n import lang_short

Index = QModelIndex | QPersistentModelIndex

_LOG_COLUMNS = TABLES["situation_log"].field_names


def _empty_log() -> pd.DataFrame:
    return pd.DataFrame({name: pd.Series(dtype=object) for name in _LOG_COLUMNS}, index=pd.Index([], dtype=np.int64, name="fid"))


def _present(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and value != value) and value is not pd.NA


class LogTableModel(QAbstractTableModel):
    """The situation log, newest first, showing only the entries that pass the filter.

    Newest first means the reverse of the order of recording (``fid``): the
    log is append-only, so that order holds even if a workstation's clock
    was set back.
    """

    TIME, OPERATOR, ACTION, TARGET, SUMMARY = range(5)

    def __init__(self, parent: Any = None) -> None:
        super().__init__(parent)
        self._frame = _empty_log()
        self._times = log_times(self._frame)
        self._cols: dict[str, np.ndarray] = {}
        self._fids = np.empty(0, dtype=np.int64)
        self._rows = np.empty(0, dtype=np.int64)
        self._filter: dict[str, Any] = {}
        self._bold: QFont | None = None
        #: fid -> {"before": …, "after": …} for lists read without them (a season's log)
        self.details: Any = None
        self._take(self._frame)

    # ------------------------------------------------------------ data
    def _take(self, frame: pd.DataFrame) -> None:
        self._frame = frame
        self._times = log_times(frame)
        none = np.full(len(frame), None, dtype=object)
        self._cols = {name: frame[name].to_numpy(dtype=object) if name in frame else none for name in _LOG_COLUMNS}
        self._fids = frame.index.to_numpy(dtype=np.int64)

    def set_log(self, frame: pd.DataFrame | None) -> None:
        """Show these log rows (as ``Workspace.log_entries`` gives them, oldest first)."""
        self.beginResetModel()
        self._take(_empty_log() if frame is None else frame.sort_index(ascending=False))
        self._rows = self._filtered()
        self.endResetModel()

    def add_entries(self, frame: pd.DataFrame) -> None:
        """Put newly recorded rows (oldest first) on top, keeping the filter."""
        if frame.empty:
            return
        self.beginResetModel()
        self._take(pd.concat([frame.sort_index(ascending=False), self._frame]))
        self._rows = self._filtered()
        self.endResetModel()

    def set_filter(
        self,
        *,
        start: datetime | None = None,
        end: datetime | None = None,
        target: str | None = None,
        operator: str | None = None,
        text: str = "",
    ) -> None:
        """Show only the entries that pass; see :func:`floodpost.data.export.log.filter_log`."""
        self.beginResetModel()
        self._filter = {"start": start, "end": end, "target": target, "operator": operator, "text": text}
        self._rows = self._filtered()
        self.endResetModel()

    def _filtered(self) -> np.ndarray:
        mask = filter_log(self._frame, times=self._times, **self._filter)
        return np.flatnonzero(mask)

    # ------------------------------------------------------------ queries
    @property
    def total(self) -> int:
        """How many entries the log holds, filtered or not."""
        return len(self._frame)

    def last_fid(self) -> int:
        """The newest log row read so far (0 when none)."""
        return int(self._fids[0]) if len(self._fids) else 0

    def log(self) -> pd.DataFrame:
        """Every log row read, newest first."""
        return self._frame

    def shown(self) -> pd.DataFrame:
        """The log rows that pass the filter, newest first (what the table shows)."""
        return self._frame.iloc[self._rows]

    def entry(self, row: int) -> dict[str, Any]:
        """The stored values of one shown row, ``fid`` included (before/after fetched if the list lacks them)."""
        i = int(self._rows[row])
        rec = {name: self._cols[name][i] for name in _LOG_COLUMNS}
        rec = {k: (v if _present(v) else None) for k, v in rec.items()}
        rec["fid"] = int(self._fids[i])
        if "before" not in self._frame and self.details is not None:
            rec.update(self.details(rec["fid"]))
        return rec

    def row_of(self, fid: int) -> int:
        """The shown row of log entry ``fid``, or -1."""
        hits = np.flatnonzero(self._fids[self._rows] == fid)
        return int(hits[0]) if len(hits) else -1

    def operators(self) -> list[str]:
        """Distinct operators in the log, sorted."""
        col = self._frame["operator"]
        return sorted({str(v) for v in col.dropna().unique() if str(v)})

    def targets(self) -> list[str]:
        """Distinct layer keys and tables in the log, in schema order; ``""`` if some have none."""
        col = self._frame["target"]
        present = {str(v) for v in col.dropna().unique()}
        known = [k for k in ALL if k in present]
        out = known + sorted(present - set(known) - {""})
        if col.isna().any() or "" in present:
            out.append("")
        return out

    def entry_html(self, row: int) -> str:
        """One shown entry as a small HTML page: who did what, then before/after per field."""
        entry = self.entry(row)
        lang = lang_short()
        esc = html.escape
        head = [
            format_local(entry.get("at"), seconds=True),
            entry.get("operator") or "",
            action_label(entry.get("action"), lang),
            target_label(entry.get("target"), lang),
        ]
        if entry.get("feature_id") is not None:
            head.append(f"#{entry['feature_id']}")
        parts = [f"<p><b>{esc(' · '.join(h for h in head if h))}</b></p>"]
        if entry.get("summary"):
            parts.append(f"<p>{esc(str(entry['summary']))}</p>")
        rows = change_rows(entry.get("target"), entry.get("before"), entry.get("after"), lang)
        if rows:
            has_before = any(r[1] for r in rows)
            has_after = any(r[2] for r in rows)
            cells = [self.tr("Field")]
            if has_before:
                cells.append(self.tr("Before"))
            if has_after:
                cells.append(self.tr("After"))
            out = ["<table cellspacing='0' cellpadding='3' border='1' style='border-collapse:collapse'>"]
            out.append("<tr>" + "".join(f"<th align='left'>{esc(c)}</th>" for c in cells) + "</tr>")
            for label, old, new in rows:
                changed = has_before and has_after and old != new
                tds = [f"<td>{esc(label)}</td>"]
                if has_before:
                    tds.append(f"<td>{esc(old)}</td>")
                if has_after:
                    text = f"<b>{esc(new)}</b>" if changed else esc(new)
                    tds.append(f"<td>{text}</td>")
                out.append("<tr>" + "".join(tds) + "</tr>")
            out.append("</table>")
            parts.append("".join(out))
        return "".join(parts)

    # ------------------------------------------------------------ Qt model
    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: N802, B008
        return 0 if parent.isValid() else 5

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:  # noqa: N802
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return (self.tr("Time"), self.tr("Operator"), self.tr("Action"), self.tr("Layer"), self.tr("Summary"))[section]

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        i = int(self._rows[index.row()])
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            lang = lang_short()
            if col == self.TIME:
                at = self._cols["at"][i]
                try:
                    return format_local(at, seconds=True)
                except ValueError:
                    return str(at)
            if col == self.OPERATOR:
                value = self._cols["operator"][i]
                return str(value) if _present(value) else ""
            if col == self.ACTION:
                return action_label(self._cols["action"][i], lang)
            if col == self.TARGET:
                return target_label(self._cols["target"][i], lang)
            if col == self.SUMMARY:
                value = self._cols["summary"][i]
                return str(value) if _present(value) else ""
            return None
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.entry_html(index.row())
        if role == Qt.ItemDataRole.FontRole and self._cols["action"][i] == "meeting":
            # meetings are the anchors of "what changed since the last meeting"
            if self._bold is None:
                self._bold = QFont()
                self._bold.setBold(True)
            return self._bold
        if role == Qt.ItemDataRole.UserRole:
            return int(self._fids[i])
        return None


def _wall_clock(dt: datetime) -> QDateTime:
    """A Beijing time as a QDateTime whose fields read the same (kept in UTC, no DST gaps)."""
    return QDateTime(QDate(dt.year, dt.month, dt.day), QTime(dt.hour, dt.minute), QTimeZone.utc())


def _from_wall_clock(q: QDateTime) -> datetime:
    """The naive Beijing time shown by an edit made with :func:`_wall_clock`."""
    d, t = q.date(), q.time()
    return datetime(d.year(), d.month(), d.day(), t.hour(), t.minute())


_CANCELLED = "cancelled"


class _ExportJob(QObject):
    """One XLSX export in a worker thread; reports back through queued signals."""

    progressed = Signal(int, int)
    #: (path, error): error is "" on success, ``_CANCELLED`` when cancelled
    done = Signal(str, str)

    def __init__(self, frame: pd.DataFrame, path: str, reader: Any = None) -> None:
        super().__init__()
        self.frame = frame
        self.path = path
        self.reader = reader  # opens the workspace in the thread, for before/after the list lacks
        self.cancelled = False
        self.thread = threading.Thread(target=self._run, name="floodpost-export")

    def start(self) -> None:
        self.thread.start()

    def _progress(self, done: int, total: int) -> bool:
        self.progressed.emit(done, total)
        return not self.cancelled

    def _run(self) -> None:
        try:
            frame = self.frame
            if "before" not in frame and self.reader is not None:
                ws = self.reader()
                try:
                    values = ws.read("situation_log", columns=["before", "after"])
                finally:
                    ws.close()
                frame = frame.join(values, how="left")
            written = export_log_xlsx(frame, self.path, progress=self._progress)
        except InterruptedError:
            self.done.emit(self.path, _CANCELLED)
        except Exception as exc:  # noqa: BLE001 - told to the user on the GUI thread
            from floodpost.ui.failures import describe_failure

            self.done.emit(self.path, describe_failure(exc))
        else:
            self.done.emit(str(written), "")


class LogPanel(QWidget):
    """The situation log of one workspace: table, filters, detail and XLSX export.

    Call :meth:`set_workspace` when a workspace is opened or closed and
    :meth:`refresh` after every change; refresh reads only the entries added
    since the last read, since the log is append-only.
    """

    #: a row about a map feature was double-clicked: (layer key, fid)
    featureRequested = Signal(str, int)
    #: the shown rows were written to this XLSX file
    exported = Signal(str)
    #: an export failed (the message) or was cancelled ("cancelled")
    exportFailed = Signal(str)
    #: the log's heads read in the worker thread (generation, frame or error text)
    _loaded = Signal(int, object)

    def __init__(self, workspace: Store | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace: Store | None = None
        self._targets: list[str | None] = [None]
        self._operators: list[str | None] = [None]
        self._export: _ExportJob | None = None
        self._reader: Any = None  # opens the workspace for a worker thread
        self._loading: threading.Thread | None = None
        self._load_gen = 0
        self._refresh_after_load = False
        self._want_load = False  # a workspace's log not read yet (waits for the panel to be shown)
        self.model = LogTableModel(self)
        self.model.details = self._details
        self._loaded.connect(self._on_loaded, Qt.ConnectionType.QueuedConnection)

        self.use_time = QCheckBox(self.tr("Time"), self)
        self.use_time.setToolTip(self.tr("Show only the entries between the two times (Beijing time)"))
        self.start_edit = self._time_edit(self.tr("From this time (inclusive)"))
        self.end_edit = self._time_edit(self.tr("Up to the end of this minute"))
        self.use_time.toggled.connect(self._on_use_time_change)
        self.layer_combo = QComboBox(self)
        self.layer_combo.setToolTip(self.tr("Only the entries about this layer or table"))
        self.layer_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.operator_combo = QComboBox(self)
        self.operator_combo.setToolTip(self.tr("Only the entries made by this operator"))
        self.operator_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText(self.tr("Search the summary…"))
        self.search.setClearButtonEnabled(True)
        self.export_button = QPushButton(self.tr("Export XLSX…"), self)
        self.export_button.setToolTip(self.tr("Save the entries shown as an Excel workbook"))
        self.export_button.clicked.connect(self._on_export_button)
        self.status = QLabel(self)

        self.view = QTableView(self)
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        rows = self.view.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        rows.setDefaultSectionSize(self.fontMetrics().height() + 6)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        em = self.fontMetrics().horizontalAdvance("0")
        for col, chars in ((0, 21), (1, 10), (2, 12), (3, 16)):
            self.view.setColumnWidth(col, em * chars)
        self.view.selectionModel().currentRowChanged.connect(self._on_current_change)
        self.view.doubleClicked.connect(self._on_double_click)
        self.detail = QTextBrowser(self)
        self.detail.setOpenLinks(False)

        times = QHBoxLayout()
        times.addWidget(self.use_time)
        times.addWidget(QLabel(self.tr("from"), self))
        times.addWidget(self.start_edit)
        times.addWidget(QLabel(self.tr("to"), self))
        times.addWidget(self.end_edit)
        times.addStretch(1)
        times.addWidget(self.status)
        others = QHBoxLayout()
        others.addWidget(QLabel(self.tr("Layer"), self))
        others.addWidget(self.layer_combo)
        others.addWidget(QLabel(self.tr("Operator"), self))
        others.addWidget(self.operator_combo)
        others.addWidget(self.search, 1)
        others.addWidget(self.export_button)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.addWidget(self.view)
        split.addWidget(self.detail)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(4, 4, 4, 4)
        lay.addLayout(times)
        lay.addLayout(others)
        lay.addWidget(split, 1)

        self.layer_combo.currentIndexChanged.connect(self._apply_filter)
        self.operator_combo.currentIndexChanged.connect(self._apply_filter)
        self.search.textChanged.connect(self._apply_filter)
        self.start_edit.dateTimeChanged.connect(self._on_time_change)
        self.end_edit.dateTimeChanged.connect(self._on_time_change)
        self._on_use_time_change(False)
        self.set_workspace(workspace)

    def _time_edit(self, tip: str) -> QDateTimeEdit:
        edit = QDateTimeEdit(self)
        edit.setTimeZone(QTimeZone.utc())  # the fields are Beijing wall-clock time
        edit.setDisplayFormat("yyyy-MM-dd HH:mm")
        edit.setCalendarPopup(True)
        edit.setToolTip(tip)
        return edit

    # ------------------------------------------------------------ public
    def set_workspace(self, workspace: Store | None, reader: Any = None) -> None:
        """Show the log of ``workspace`` (None empties the panel); filters start open.

        With ``reader`` (opens the workspace again, for a thread), a log is read
        in a worker thread and the list fills when it is in: a season's log of
        hundreds of thousands of entries never holds up the window.
        """
        self.workspace = workspace
        self._reader = reader
        self._load_gen += 1
        for w in (self.use_time, self.layer_combo, self.operator_combo, self.search):
            w.blockSignals(True)
        self.use_time.setChecked(False)
        self.search.clear()
        self.layer_combo.clear()
        self.operator_combo.clear()
        for w in (self.use_time, self.layer_combo, self.operator_combo, self.search):
            w.blockSignals(False)
        self._on_use_time_change(False, apply=False)
        self.model.set_filter()
        self.model.set_log(None)
        self._want_load = workspace is not None
        if workspace is not None and (reader is None or self.isVisible()):
            self._load()
        self._after_read()

    def showEvent(self, event: Any) -> None:  # noqa: N802 - Qt's name
        """A log read in a worker thread is read when the panel is first shown, not at every opening."""
        super().showEvent(event)
        if self._want_load and self._loading is None and self.workspace is not None:
            self._load()

    def _load(self) -> None:
        """Read the whole log's heads: in a worker thread when a reader is given, else here."""
        self._want_load = False
        if self._reader is None:
            self.model.set_log(self.workspace.log_heads())
            return
        gen, reader = self._load_gen, self._reader

        def run() -> None:
            try:
                ws = reader()
                try:
                    frame: Any = ws.log_heads()
                finally:
                    ws.close()
            except Exception as exc:  # noqa: BLE001 - told to the user on the GUI thread
                frame = str(exc) or type(exc).__name__
            self._loaded.emit(gen, frame)

        self.status.setText(self.tr("Reading the log…"))
        self._loading = threading.Thread(target=run, name="floodpost-log", daemon=True)
        self._loading.start()

    def _on_loaded(self, gen: int, frame: Any) -> None:
        if self._loading is not None:
            self._loading.join()
            self._loading = None
        if gen != self._load_gen or self.workspace is None:
            return  # another workspace since
        if isinstance(frame, str):
            self.status.setText(self.tr("Cannot read the log: %1").replace("%1", frame))
            return
        keep = self._current_fid()
        self.model.set_log(frame)
        self._after_read(keep)
        if self._refresh_after_load:
            self._refresh_after_load = False
            self.refresh()

    @property
    def loading(self) -> bool:
        """Whether the log is still being read."""
        return self._loading is not None

    def wait_loaded(self, timeout: float | None = None) -> None:
        """Block until a log being read is in (tests, quitting)."""
        if self._loading is not None:
            self._loading.join(timeout)

    def _details(self, fid: int) -> dict[str, Any]:
        """The before/after of one entry, read when it is shown."""
        if self.workspace is None:
            return {}
        return self.workspace.log_values(fid)

    def refresh(self) -> None:
        """Read the entries recorded since the last read (all of them if the log was rewritten)."""
        ws = self.workspace
        if ws is None:
            return
        if self._loading is not None:
            self._refresh_after_load = True  # the read in hand may have missed them
            return
        if self._want_load:
            return  # not read yet: the first read, when shown, takes everything
        keep = self._current_fid()
        last = self.model.last_fid()
        new = ws.log_heads(since=last)
        if ws.count("situation_log") != self.model.total + len(new):
            self._load()
            if self._loading is not None:
                return
        else:
            self.model.add_entries(new)
        self._after_read(keep)

    def export_xlsx(self, path: str | os.PathLike[str] | None = None) -> bool:
        """Write the rows shown (after the filters) to an XLSX file; ask where if no ``path``.

        The file is written in a worker thread (openpyxl needs seconds for a
        whole log), with progress in the status line and the button turned
        into "Cancel export". Returns True when the export started; it ends
        with :attr:`exported` or :attr:`exportFailed`, errors shown to the user.
        """
        if self._export is not None:
            return False
        if path is None:
            stamp = datetime.now(BEIJING).strftime("%Y%m%d_%H%M")
            name = self.tr("situation_log")
            start = str(Path.home() / f"{name}_{stamp}.xlsx")
            chosen, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export the situation log"), start, self.tr("Excel workbook (*.xlsx)")
            )
            if not chosen:
                return False
            path = chosen if chosen.lower().endswith(".xlsx") else chosen + ".xlsx"
        shown = self.model.shown()
        if "before" not in shown and self._reader is None and self.workspace is not None:
            shown = shown.join(self.workspace.read("situation_log", columns=["before", "after"]), how="left")
        job = _ExportJob(shown, str(path), self._reader)
        job.progressed.connect(self._on_export_progress)
        job.done.connect(self._on_export_done)
        self._export = job
        self.export_button.setText(self.tr("Cancel export"))
        self.export_button.setEnabled(True)
        job.start()
        return True

    def cancel_export(self) -> None:
        """Stop a running export; nothing is written and the old file stays."""
        if self._export is not None:
            self._export.cancelled = True

    def wait_for_export(self, timeout: float | None = None) -> bool:
        """Block until a running export's thread has ended (e.g. before quitting); True if none runs."""
        job = self._export
        if job is None:
            return True
        job.thread.join(timeout)
        return not job.thread.is_alive()

    @property
    def exporting(self) -> bool:
        """Whether an export is running."""
        return self._export is not None

    def filter_values(self) -> dict[str, Any]:
        """The filter as chosen in the controls, in the terms of ``LogTableModel.set_filter``."""
        values: dict[str, Any] = {
            "target": self._targets[max(self.layer_combo.currentIndex(), 0)],
            "operator": self._operators[max(self.operator_combo.currentIndex(), 0)],
            "text": self.search.text().strip(),
        }
        if self.use_time.isChecked():
            values["start"] = _from_wall_clock(self.start_edit.dateTime())
            # the edits show minutes, so "to 10:05" means up to 10:05:59.999
            values["end"] = _from_wall_clock(self.end_edit.dateTime()) + timedelta(minutes=1)
        return values

    # ------------------------------------------------------------ internals
    def _after_read(self, keep: int | None = None) -> None:
        """Bring the choices and the time span up to date with the log, keeping the user's picks."""
        lang = lang_short()
        self._fill(
            self.layer_combo,
            self._targets,
            [None, *self.model.targets()],
            lambda t: self.tr("All layers") if t is None else (target_label(t, lang) or self.tr("No layer (meetings, workspace)")),
        )
        self._fill(
            self.operator_combo,
            self._operators,
            [None, *self.model.operators()],
            lambda o: self.tr("All operators") if o is None else o,
        )
        if not self.use_time.isChecked():
            self._show_span()
        self._apply_filter(keep=keep)

    def _fill(self, combo: QComboBox, values: list[str | None], new: list[str | None], label: Any) -> None:
        current = values[combo.currentIndex()] if 0 <= combo.currentIndex() < len(values) else None
        combo.blockSignals(True)
        combo.clear()
        values[:] = new
        for v in new:
            combo.addItem(label(v))
        combo.setCurrentIndex(new.index(current) if current in new else 0)
        combo.blockSignals(False)

    def _show_span(self) -> None:
        """Put the whole span of the log into the time edits (Beijing time, whole minutes)."""
        times = log_times(self.model.log()).dropna()
        if times.empty:
            now = datetime.now(BEIJING)
            lo = hi = now
        else:
            lo = times.min().tz_convert(BEIJING).to_pydatetime()
            hi = times.max().tz_convert(BEIJING).to_pydatetime()
        for edit, value in ((self.start_edit, lo), (self.end_edit, hi)):
            edit.blockSignals(True)
            edit.setDateTime(_wall_clock(value))
            edit.blockSignals(False)

    def _apply_filter(self, *args: Any, keep: int | None = None) -> None:
        if keep is None:
            keep = self._current_fid()
        self.model.set_filter(**self.filter_values())
        self._show_status()
        row = self.model.row_of(keep) if keep is not None else -1
        if row >= 0:
            self.view.selectionModel().setCurrentIndex(
                self.model.index(row, 0),
                QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
            )
        else:
            self._show_detail(-1)

    def _show_status(self) -> None:
        shown, total = self.model.rowCount(), self.model.total
        if self._export is not None:
            return  # the export shows its progress until it ends
        if shown == total:
            self.status.setText(self.tr("%1 entries").replace("%1", f"{total:,}"))
        else:
            self.status.setText(
                self.tr("Showing %1 of %2 entries").replace("%1", f"{shown:,}").replace("%2", f"{total:,}")
            )
        self.export_button.setEnabled(self.workspace is not None and shown > 0)

    def _on_export_button(self) -> None:
        if self._export is not None:
            self.cancel_export()
        else:
            self.export_xlsx()

    def _on_export_progress(self, done: int, total: int) -> None:
        percent = 100 * done // max(total, 1)
        self.status.setText(self.tr("Exporting… %1%").replace("%1", str(percent)))

    def _on_export_done(self, path: str, error: str) -> None:
        job, self._export = self._export, None
        if job is not None:
            job.thread.join()
        self.export_button.setText(self.tr("Export XLSX…"))
        self._show_status()
        if error == _CANCELLED:
            self.status.setText(self.tr("Export cancelled"))
            self.exportFailed.emit(error)
        elif error:
            QMessageBox.critical(self, self.tr("Cannot export the situation log"), f"{path}\n\n{error}")
            self.exportFailed.emit(error)
        else:
            self.exported.emit(path)

    def _current_fid(self) -> int | None:
        i = self.view.currentIndex()
        return self.model.entry(i.row())["fid"] if i.isValid() else None

    def _on_use_time_change(self, on: bool, apply: bool = True) -> None:
        self.start_edit.setEnabled(on)
        self.end_edit.setEnabled(on)
        if not on:
            self._show_span()
        if apply:
            self._apply_filter()

    def _on_time_change(self, *args: Any) -> None:
        if self.use_time.isChecked():
            self._apply_filter()

    def _on_current_change(self, current: QModelIndex, previous: QModelIndex) -> None:
        self._show_detail(current.row() if current.isValid() else -1)

    def _show_detail(self, row: int) -> None:
        if 0 <= row < self.model.rowCount():
            self.detail.setHtml(self.model.entry_html(row))
        else:
            self.detail.setPlainText(self.tr("Select an entry to see what it changed."))

    def _on_double_click(self, index: QModelIndex) -> None:
        rec = self.model.entry(index.row())
        key, fid = rec["target"], rec["feature_id"]
        if self.workspace is None or key not in LAYERS or fid is None:
            return
        # deleted since: nothing to show on the map
        if not self.workspace.read(key, [Where("fid", "=", int(fid))], columns=[]).empty:
            self.featureRequested.emit(key, int(fid))
