"""The import wizard: file → preview and columns → coordinate system → report.

The officer sees the rows as they were read (so mojibake or a wrong header
row shows at once), can change what each column means, and gets either the
whole file in the workspace or nothing, with the row and the reason. Reading,
checking and writing run off the GUI thread with a progress bar and Cancel;
the write opens its own connection to the workspace file.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QSettings, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from floodpost.data.intake import ImportCancelled, Prepared, commit, plan_columns, prepare
from floodpost.data.readers import RawTable, read_any
from floodpost.data.schema import schema_for
from floodpost.data.validate import ValidationError
from floodpost.ui.notes import tr_note as _tr_note

SETTINGS_ORG = "FloodPost"
SETTINGS_APP = "FloodPost"
IMPORT_KEYS = (
    "hazards", "waterlogging", "reservoirs", "reservoir_areas", "rivers", "storage_areas", "forces", "depots",
    "shelters", "material_tally", "evacuation", "works",
)
FILE_FILTER = "*.shp *.zip *.gpkg *.geojson *.json *.kml *.kmz *.csv *.txt *.tsv *.xlsx *.xlsm *.xls *.ods"
PREVIEW_ROWS = 200


#: The data layer's report sentences, for lupdate; tr_note looks them up.
_NOTES = (
    QT_TRANSLATE_NOOP("intake", "text encoding {codec}, {why}"),
    QT_TRANSLATE_NOOP("intake", "as given"),
    QT_TRANSLATE_NOOP("intake", "from {cpg} ({text})"),
    QT_TRANSLATE_NOOP("intake", "detected (no .cpg)"),
    QT_TRANSLATE_NOOP("intake", "text encoding {codec}, as given"),
    QT_TRANSLATE_NOOP("intake", "text encoding {codec}, detected"),
    QT_TRANSLATE_NOOP("intake", "no .prj: the coordinate system is not given by the file"),
    QT_TRANSLATE_NOOP("intake", "read {member} from the zip"),
    QT_TRANSLATE_NOOP("intake", "layer {layer}"),
    QT_TRANSLATE_NOOP("intake", "sheet {sheet}"),
    QT_TRANSLATE_NOOP("intake", "header on row {row}; title rows above it skipped"),
    QT_TRANSLATE_NOOP("intake", "two header rows ({first}–{second}) joined"),
    QT_TRANSLATE_NOOP("intake", "totals rows not imported: {rows}"),
    QT_TRANSLATE_NOOP("intake", "note rows under the table not imported: {rows}"),
    QT_TRANSLATE_NOOP("intake", "the file says {file}; read as {crs} as told"),
    QT_TRANSLATE_NOOP("intake", "GCJ-02 (phone map apps), converted to CGCS2000"),
    QT_TRANSLATE_NOOP("intake", "{crs} as given"),
    QT_TRANSLATE_NOOP("intake", "{crs} from the file"),
    QT_TRANSLATE_NOOP(
        "intake",
        "no coordinate system given; degrees read as CGCS2000/WGS84 "
        "(if they come from a phone map app, import again with --crs gcj02)",
    ),
    QT_TRANSLATE_NOOP(
        "intake",
        "{crs} read as CGCS2000 without a datum shift (no official parameters); "
        "positions may be off by up to ~100 m",
    ),
    QT_TRANSLATE_NOOP("intake", "X/Y columns follow the surveying convention (X north); read as northing/easting"),
    QT_TRANSLATE_NOOP("intake", "{key} is a table without geometry; coordinate options ignored"),
    QT_TRANSLATE_NOOP("intake", "no report time column: rows are stamped with the time of import"),
    QT_TRANSLATE_NOOP("intake", "{n} invalid geometries repaired (self-intersections and the like)"),
    QT_TRANSLATE_NOOP("intake", "{n} outlines kept in {layer}; each is placed on the map as a point on its outline"),
)


def tr_note(note: object) -> str:
    """An intake sentence in the interface language."""
    return _tr_note(note, "intake")


def _mapping_key(key: str, path: Path) -> str:
    """Mappings are remembered per target and per source file name (counties resend them)."""
    return f"intake/mapping/{key}/{path.stem}"


class _Job(QThread):
    """Runs one step (read, prepare or commit) away from the GUI thread."""

    progressed = Signal(str, int, int)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()

    def __init__(self, work: Any, parent: Any = None) -> None:
        super().__init__(parent)
        self._work = work
        self._stop = threading.Event()

    def cancel(self) -> None:
        self._stop.set()

    def _progress(self, phase: str, done: int, total: int) -> bool:
        self.progressed.emit(phase, done, total)
        return not self._stop.is_set()

    def run(self) -> None:
        try:
            result = self._work(self._progress)
        except ImportCancelled:
            self.cancelled.emit()
        except ValidationError as exc:
            self.failed.emit(str(exc))
        except Exception as exc:  # noqa: BLE001 - every failure is told to the user
            self.failed.emit(f"{type(exc).__name__}: {exc}")
        else:
            self.succeeded.emit(result)


class FilePage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(self.tr("File and target layer"))
        self.setSubTitle(self.tr(
            "Shapefile (loose or zipped), GeoPackage, GeoJSON, KML/KMZ, CSV or Excel with coordinate columns."
        ))
        form = QFormLayout(self)
        row = QHBoxLayout()
        self.path = QLineEdit()
        self.path.setPlaceholderText(self.tr("Choose a file…"))
        browse = QPushButton(self.tr("&Browse…"))
        browse.clicked.connect(self._browse)
        row.addWidget(self.path)
        row.addWidget(browse)
        form.addRow(self.tr("File:"), row)
        self.key = QComboBox()
        for key in IMPORT_KEYS:
            s = schema_for(key)
            self.key.addItem(f"{s.zh}  ({key})", key)
        form.addRow(self.tr("Import into:"), self.key)
        self.encoding = QComboBox()
        self.encoding.addItem(self.tr("Detect automatically"), None)
        for enc in ("UTF-8", "GBK", "GB18030", "Big5"):
            self.encoding.addItem(enc, enc)
        form.addRow(self.tr("Text encoding:"), self.encoding)
        self.layer = QLineEdit()
        self.layer.setPlaceholderText(self.tr("only when the file has several layers or sheets"))
        form.addRow(self.tr("Layer or sheet:"), self.layer)
        self.status = QLabel()
        self.status.setWordWrap(True)
        form.addRow(self.status)
        self.path.textChanged.connect(self.completeChanged)
        self._job: _Job | None = None
        self._ready = False

    def _browse(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, self.tr("Import file"), self.path.text(), self.tr("Data files (%1)").replace("%1", FILE_FILTER)
        )
        if path:
            self.path.setText(path)

    def isComplete(self) -> bool:  # noqa: N802
        return bool(self.path.text().strip())

    def validatePage(self) -> bool:  # noqa: N802
        """Read the file off the GUI thread; stay on the page with the reason if it fails."""
        if self._ready:
            self._ready = False
            return True
        path = Path(self.path.text().strip())
        key = self.key.currentData()
        encoding = self.encoding.currentData()
        layer = self.layer.text().strip() or None
        schema = schema_for(key)
        self.status.setStyleSheet("")
        self.status.setText(self.tr("Reading %1…").replace("%1", path.name))
        self.w.button(QWizard.WizardButton.NextButton).setEnabled(False)

        def work(_progress: Any) -> RawTable:
            return read_any(path, schema=schema, layer=layer, encoding=encoding)

        def done(raw: RawTable) -> None:
            self.w.raw, self.w.key, self.w.path = raw, key, path
            self.w.options = {"encoding": encoding, "layer": layer}
            self.status.setText("")
            self._ready = True
            self.w.next()

        self._job = self.w.run_job(work, done, self._failed)
        return False

    def _failed(self, message: str) -> None:
        self.status.setStyleSheet("color: #b00020;")
        self.status.setText(message)
        self.w.button(QWizard.WizardButton.NextButton).setEnabled(True)


class ColumnsPage(QWizardPage):
    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(self.tr("Preview and columns"))
        self.setSubTitle(self.tr(
            "Check that the names read correctly and say which column holds what. "
            "Columns left at “not imported” are ignored."
        ))
        lay = QVBoxLayout(self)
        self.notes = QLabel()
        self.notes.setWordWrap(True)
        lay.addWidget(self.notes)
        split = QSplitter(Qt.Orientation.Vertical)
        self.preview = QTableWidget()
        self.preview.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        split.addWidget(self.preview)
        self.fields = QTableWidget()
        self.fields.setColumnCount(2)
        self.fields.setHorizontalHeaderLabels([self.tr("Field"), self.tr("Column in the file")])
        self.fields.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.fields.horizontalHeader().setStretchLastSection(True)
        self.fields.verticalHeader().hide()
        split.addWidget(self.fields)
        split.setSizes([260, 300])
        lay.addWidget(split)
        self.combos: dict[str, QComboBox] = {}

    def initializePage(self) -> None:  # noqa: N802
        raw, key = self.w.raw, self.w.key
        schema = schema_for(key)
        cols = raw.columns
        notes = [self.tr("%1 rows read from %2 (%3).").replace("%1", str(len(raw.frame)))
                 .replace("%2", raw.path.name).replace("%3", raw.format)] + [tr_note(n) for n in raw.notes]
        self.notes.setText("\n".join(notes))
        # Preview: the rows as read, with the file's own row numbers.
        n = min(PREVIEW_ROWS, len(raw.frame))
        self.preview.clear()
        self.preview.setColumnCount(len(cols))
        self.preview.setRowCount(n)
        self.preview.setHorizontalHeaderLabels(cols)
        self.preview.setVerticalHeaderLabels([str(raw.where(i)) for i in range(n)])
        for r in range(n):
            for c, col in enumerate(cols):
                v = raw.frame[col].iloc[r]
                if isinstance(v, float) and v.is_integer():
                    v = int(v)  # Excel stores every number as a float
                self.preview.setItem(r, c, QTableWidgetItem("" if v is None else str(v)))
        self.preview.resizeColumnsToContents()
        # Mapping: remembered for this file name, else suggested from the headers.
        mapping, lon, lat, _wkt = plan_columns(raw, schema)
        saved = QSettings(SETTINGS_ORG, SETTINGS_APP).value(_mapping_key(key, self.w.path))
        if saved:
            try:
                remembered = json.loads(str(saved))
                if all(c in cols for c in remembered.values() if c):
                    mapping = {f: c for f, c in remembered.items() if c and not f.startswith("@")}
                    lon = remembered.get("@lon") or lon
                    lat = remembered.get("@lat") or lat
            except (ValueError, AttributeError):
                pass
        rows: list[tuple[str, str, str | None]] = []
        if schema.is_spatial and raw.geometry is None:
            rows += [("@lon", self.tr("Longitude / easting"), lon), ("@lat", self.tr("Latitude / northing"), lat)]
        for f in schema.fields:
            label = f.label("zh" if self.w.lang.startswith("zh") else "en") + (" *" if f.required else "")
            rows.append((f.name, label, mapping.get(f.name)))
        self.fields.setRowCount(len(rows))
        self.combos.clear()
        for r, (fname, label, col) in enumerate(rows):
            item = QTableWidgetItem(label)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.fields.setItem(r, 0, item)
            combo = QComboBox()
            combo.addItem(self.tr("(not imported)"), None)
            for c in cols:
                combo.addItem(c, c)
            if col is not None:
                combo.setCurrentIndex(cols.index(col) + 1)
            self.fields.setCellWidget(r, 1, combo)
            self.combos[fname] = combo

    def choice(self) -> tuple[dict[str, str], str | None, str | None]:
        mapping = {f: c.currentData() for f, c in self.combos.items() if c.currentData() and not f.startswith("@")}
        lon = self.combos["@lon"].currentData() if "@lon" in self.combos else None
        lat = self.combos["@lat"].currentData() if "@lat" in self.combos else None
        return mapping, lon, lat

    def validatePage(self) -> bool:  # noqa: N802
        mapping, lon, lat = self.choice()
        used = [c for c in [*mapping.values(), lon, lat] if c]
        if len(used) != len(set(used)):
            self.notes.setText(self.tr("Each column can hold only one field."))
            self.notes.setStyleSheet("color: #b00020;")
            return False
        self.notes.setStyleSheet("")
        self.w.mapping, self.w.lon, self.w.lat = mapping, lon, lat
        remembered: dict[str, Any] = dict(mapping)
        remembered.update({"@lon": lon, "@lat": lat})
        QSettings(SETTINGS_ORG, SETTINGS_APP).setValue(
            _mapping_key(self.w.key, self.w.path), json.dumps(remembered, ensure_ascii=False)
        )
        return True


class CheckPage(QWizardPage):
    """Coordinate system, then every row checked before anything is written."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(self.tr("Coordinate system and check"))
        self.setSubTitle(self.tr("Every row is checked before anything is written. One bad row stops the import."))
        lay = QVBoxLayout(self)
        form = QFormLayout()
        self.file_crs = QLabel()
        form.addRow(self.tr("The file says:"), self.file_crs)
        self.crs = QComboBox()
        self.crs.setEditable(True)
        # Anything else is typed into the box as EPSG:nnnn.
        for code, text in (
            (None, self.tr("As the file says (or CGCS2000 degrees if it says nothing)")),
            ("EPSG:4490", self.tr("CGCS2000 longitude/latitude (EPSG:4490)")),
            ("EPSG:4326", self.tr("WGS84 longitude/latitude, GPS (EPSG:4326)")),
            ("gcj02", self.tr("GCJ-02 from phone map apps")),
            ("EPSG:4526", self.tr("CGCS2000 3° Gauss–Krüger zone 38, with zone number (EPSG:4526)")),
            ("EPSG:4546", self.tr("CGCS2000 3° Gauss–Krüger CM 114°E, no zone number (EPSG:4546)")),
            ("EPSG:4498", self.tr("CGCS2000 6° Gauss–Krüger zone 20 (EPSG:4498)")),
            ("EPSG:3857", self.tr("Web Mercator (EPSG:3857)")),
        ):
            self.crs.addItem(text, code)
        form.addRow(self.tr("Read coordinates as:"), self.crs)
        lay.addLayout(form)
        self.bar = QProgressBar()
        self.bar.setVisible(False)
        lay.addWidget(self.bar)
        self.result = QPlainTextEdit()
        self.result.setReadOnly(True)
        lay.addWidget(self.result)
        self._ready = False

    def initializePage(self) -> None:  # noqa: N802
        raw = self.w.raw
        schema = schema_for(self.w.key)
        if not schema.is_spatial:
            self.file_crs.setText(self.tr("(a table without geometry)"))
            self.crs.setEnabled(False)
        elif raw.crs is not None:
            self.file_crs.setText(str(raw.crs.name) + (f" (EPSG:{raw.crs.to_epsg()})" if raw.crs.to_epsg() else ""))
        else:
            self.file_crs.setText(self.tr("nothing — choose below if these are not CGCS2000/WGS84 degrees"))
        self.result.setPlainText("")
        self._ready = False

    def crs_text(self) -> str | None:
        i = self.crs.currentIndex()
        text = self.crs.currentText().strip()
        if i >= 0 and self.crs.itemText(i) == text:
            return self.crs.itemData(i)
        return text or None

    def validatePage(self) -> bool:  # noqa: N802
        if self._ready:
            self._ready = False
            return True
        w = self.w
        crs = self.crs_text() if self.crs.isEnabled() else None
        self.bar.setVisible(True)
        self.bar.setRange(0, 0)
        self.result.setStyleSheet("")
        self.result.setPlainText(self.tr("Checking every row…"))
        w.button(QWizard.WizardButton.NextButton).setEnabled(False)

        def work(progress: Any) -> Prepared:
            return prepare(w.path, w.key, raw=w.raw, mapping=w.mapping, lon=w.lon, lat=w.lat, crs=crs,
                           progress=progress, **w.options)

        def done(prepared: Prepared) -> None:
            w.prepared = prepared
            self.bar.setVisible(False)
            self._ready = True
            w.next()

        def failed(message: str) -> None:
            self.bar.setVisible(False)
            self.result.setStyleSheet("color: #b00020;")
            self.result.setPlainText(self.tr("Nothing was imported.") + "\n\n" + message)
            w.button(QWizard.WizardButton.NextButton).setEnabled(True)

        w.run_job(work, done, failed, bar=self.bar)
        return False


class ReportPage(QWizardPage):
    """Writes in one transaction and says what happened."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(self.tr("Import"))
        lay = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.bar = QProgressBar()
        lay.addWidget(self.bar)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        lay.addWidget(self.report)
        self._done = False
        self.setFinalPage(True)

    def initializePage(self) -> None:  # noqa: N802
        w = self.w
        p = w.prepared
        self._done = False
        self.summary.setText(self.tr("Writing %1 rows into %2…").replace("%1", str(len(p.records)))
                             .replace("%2", schema_for(p.key).zh))
        self.report.setPlainText("")
        w.button(QWizard.WizardButton.FinishButton).setEnabled(False)
        w.button(QWizard.WizardButton.BackButton).setEnabled(False)
        ws_path = w.workspace_path

        def work(progress: Any) -> list[int]:
            from floodpost.data.workspace import Workspace

            with Workspace.open(ws_path) as ws:
                return commit(ws, p, progress=progress)

        def done(fids: list[int]) -> None:
            self._done = True
            w.imported = len(fids)
            self.summary.setText(self.tr("Imported %1 rows into %2.").replace("%1", str(len(fids)))
                                 .replace("%2", schema_for(p.key).zh))
            lines = []
            if p.crs_note:
                lines.append(self.tr("Coordinates: %1").replace("%1", tr_note(p.crs_note)))
            lines += [tr_note(n) for n in p.notes]
            lines += p.repaired
            if p.ignored:
                lines.append(self.tr("Columns not imported: %1").replace("%1", ", ".join(p.ignored)))
            self.report.setPlainText("\n".join(lines))
            w.button(QWizard.WizardButton.FinishButton).setEnabled(True)
            w.importFinished.emit(len(fids))

        def failed(message: str) -> None:
            self.summary.setText(self.tr("Nothing was imported."))
            self.report.setStyleSheet("color: #b00020;")
            self.report.setPlainText(message)
            w.button(QWizard.WizardButton.BackButton).setEnabled(True)

        def cancelled() -> None:
            self.summary.setText(self.tr("Cancelled; nothing was imported."))
            w.button(QWizard.WizardButton.BackButton).setEnabled(True)

        w.run_job(work, done, failed, bar=self.bar, on_cancel=cancelled)

    def isComplete(self) -> bool:  # noqa: N802
        return self._done


class ImportWizard(QWizard):
    """File to workspace in four steps; Cancel stops a running step and writes nothing."""

    importFinished = Signal(int)

    def __init__(self, workspace_path: str | Path, parent: QWidget | None = None, lang: str = "zh") -> None:
        super().__init__(parent)
        self.workspace_path = Path(workspace_path)
        self.lang = lang
        self.raw: RawTable | None = None
        self.key = ""
        self.path = Path()
        self.options: dict[str, Any] = {}
        self.mapping: dict[str, str] = {}
        self.lon: str | None = None
        self.lat: str | None = None
        self.prepared: Prepared | None = None
        self.imported = 0
        self.job: _Job | None = None
        self.setWindowTitle(self.tr("Import data"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        # Once rows are written, going back would only import them twice.
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.file_page = FilePage(self)
        self.columns_page = ColumnsPage(self)
        self.check_page = CheckPage(self)
        self.report_page = ReportPage(self)
        for page in (self.file_page, self.columns_page, self.check_page, self.report_page):
            self.addPage(page)
        self.resize(900, 680)

    def run_job(self, work: Any, done: Any, failed: Any, *, bar: QProgressBar | None = None,
                on_cancel: Any = None) -> _Job:
        job = _Job(work, self)
        self.job = job
        if bar is not None:
            bar.setVisible(True)
            bar.setRange(0, 0)

            def show(phase: str, n: int, total: int) -> None:
                bar.setRange(0, max(total, 1))
                bar.setValue(n)
                bar.setFormat(
                    self.tr("checking %v of %m rows") if phase == "validate" else self.tr("writing %v of %m rows")
                )

            job.progressed.connect(show)
        job.succeeded.connect(done)
        job.failed.connect(failed)
        job.cancelled.connect(on_cancel or (lambda: failed(self.tr("Cancelled; nothing was imported."))))
        job.finished.connect(lambda: setattr(self, "job", None) if self.job is job else None)
        job.start()
        return job

    def reject(self) -> None:
        """Cancel stops a running step (its transaction rolls back) before closing."""
        if self.job is not None and self.job.isRunning():
            self.job.cancel()
            self.job.wait()
        super().reject()

    def done(self, result: int) -> None:
        if self.job is not None and self.job.isRunning():
            self.job.cancel()
            self.job.wait()
        super().done(result)
