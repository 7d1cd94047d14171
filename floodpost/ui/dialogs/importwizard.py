"""The import wizard: file → preview and columns → coordinate system → report.

The officer sees the rows as they were read (so mojibake or a wrong header
row shows at once), can change what each column means, and gets either the
whole file in the workspace or nothing, with the row and the reason. Reading,
checking and writing run off the GUI thread with a progress bar and Cancel;
the write opens its own connection to the workspace file.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QSettings, Qt, QThread, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
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
    QRadioButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from floodpost.data.formats import readable_suffixes
from floodpost.data.intake import (
    ImportCancelled,
    Prepared,
    commit,
    constant_value,
    default_lines,
    missing_required,
    plan_columns,
    prepare,
    stock_warning,
)
from floodpost.data.intake.bulletin import match_stations, settle_unmatched, unmatched_text
from floodpost.data.intake.readers import RawTable, read_any
from floodpost.data.schema import IMPORTABLE, NOW, schema_for
from floodpost.data.schema.validate import ValidationError
from floodpost.ui.notes import tr_error
from floodpost.ui.notes import tr_note as _tr_note
from floodpost.ui.settings import SETTINGS_APP, SETTINGS_ORG

IMPORT_KEYS = IMPORTABLE
FILE_FILTER = " ".join(f"*{s}" for s in readable_suffixes())
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
    QT_TRANSLATE_NOOP("intake", "{n} invalid geometries repaired (self-intersections and the like)"),
    QT_TRANSLATE_NOOP("intake", "after this import the records do not add up: {problem}"),
    QT_TRANSLATE_NOOP("intake", '; eastings carry 3° zone {zone}: CGCS2000 would be EPSG:{epsg}'),
    QT_TRANSLATE_NOOP("intake", '; eastings carry 6° zone {zone}: CGCS2000 would be EPSG:{epsg}'),
    QT_TRANSLATE_NOOP("intake", '; eastings near 500 000 m: a Gauss–Krüger system by central meridian (EPSG:4534–4554)'),
    QT_TRANSLATE_NOOP("intake", 'invalid geometry ({reason})'),
    QT_TRANSLATE_NOOP("intake", '{field} set to {value} for every row (constant)'),
    QT_TRANSLATE_NOOP("intake", 'lon {lon}, lat {lat}'),
    QT_TRANSLATE_NOOP("intake", 'no finite position'),
    QT_TRANSLATE_NOOP("intake", 'lies outside China ({where}) when read as {crs}; is the coordinate system right?'),
    QT_TRANSLATE_NOOP("intake", 'the row has no geometry'),
    QT_TRANSLATE_NOOP("intake", 'the geometry is empty'),
    QT_TRANSLATE_NOOP("intake", 'a {kind} does not fit layer {key} (it takes {allowed})'),
    QT_TRANSLATE_NOOP("intake", 'the file has no data rows'),
    QT_TRANSLATE_NOOP("intake", 'no column for required field(s) {fields}; the columns are {columns}; map a column or set a constant (--set FIELD=VALUE)'),
    QT_TRANSLATE_NOOP("intake", "{option}: no column '{column}'; the columns are {columns}"),
    QT_TRANSLATE_NOOP("intake", 'mapped column(s) {columns} not in the file'),
    QT_TRANSLATE_NOOP("intake", "{key} has no field '{field}'; its fields are {fields}"),
    QT_TRANSLATE_NOOP("intake", 'the value {value} given for {field}: {reason}'),
    QT_TRANSLATE_NOOP("intake", 'coordinate is not a number'),
    QT_TRANSLATE_NOOP("intake", "'{text}' is not a grid coordinate in metres"),
    QT_TRANSLATE_NOOP("intake", 'a MultiPoint of {n} points does not fit layer {key} (one point per row)'),
    QT_TRANSLATE_NOOP("intake", 'invalid polygon ({reason}) that cannot be repaired'),
    QT_TRANSLATE_NOOP("intake", 'invalid polygon ({reason}); repairing it would change its shape, so it is refused'),
    QT_TRANSLATE_NOOP("intake", 'invalid polygon ({reason}); repaired it would be several parts'),
    QT_TRANSLATE_NOOP("intake", '{field}: the constant replaces column {column}'),
    QT_TRANSLATE_NOOP("intake", "unknown coordinate system '{crs}'; give an EPSG code such as EPSG:4490 (CGCS2000), EPSG:4326 (WGS84), EPSG:4526 (CGCS2000 3° zone 38) or gcj02"),
    QT_TRANSLATE_NOOP("intake", '{field}: no value in the file; every row stamped with the time of import'),
    QT_TRANSLATE_NOOP("intake", '{field}: blank in {n} rows ({rows}), stamped with the time of import'),
    QT_TRANSLATE_NOOP("intake", '{field}: no value in the file; every row got the default {value}'),
    QT_TRANSLATE_NOOP("intake", '{field}: blank in {n} rows ({rows}), which got the default {value}'),
    QT_TRANSLATE_NOOP("intake", 'not WKT geometry ({reason})'),
    QT_TRANSLATE_NOOP("intake", 'the coordinates are not degrees and the file names no coordinate system{hint}; give it (--crs, e.g. --crs EPSG:4526)'),
    QT_TRANSLATE_NOOP("intake", 'no geometry: the file has no longitude/latitude columns (经度/纬度, lon/lat, x/y) and no WKT column; the columns are {columns} (use --lon/--lat)'),
    QT_TRANSLATE_NOOP("intake", '{reason} (field {field})'),
    QT_TRANSLATE_NOOP("intake", 'cannot read the file ({reason}); is it complete and not damaged?'),
    QT_TRANSLATE_NOOP("intake", 'the workbook has no data'),
    QT_TRANSLATE_NOOP("intake", 'the .dbf file with the attributes is missing'),
    QT_TRANSLATE_NOOP("intake", 'the attribute text is neither UTF-8 nor GBK; name the encoding (--encoding)'),
    QT_TRANSLATE_NOOP("intake", 'the file has no geometry column'),
    QT_TRANSLATE_NOOP("intake", 'the .shp file is missing'),
    QT_TRANSLATE_NOOP("intake", 'the .shp file is truncated (shorter than its header)'),
    QT_TRANSLATE_NOOP("intake", 'this is not a Shapefile (.shp header is wrong)'),
    QT_TRANSLATE_NOOP("intake", 'the .shp file is truncated: {size} of {declared} bytes'),
    QT_TRANSLATE_NOOP("intake", 'the .dbf file is truncated'),
    QT_TRANSLATE_NOOP("intake", 'the .dbf file is truncated: {have} of {nrec} records'),
    QT_TRANSLATE_NOOP("intake", 'the .dbf has {records} records but the .shp {shapes} shapes; the files do not belong together'),
    QT_TRANSLATE_NOOP("intake", 'the zip holds no Shapefile, KML, GeoJSON or GeoPackage'),
    QT_TRANSLATE_NOOP("intake", 'the zip holds several layers ({layers}); name one (--layer)'),
    QT_TRANSLATE_NOOP("intake", 'the KML has no placemarks'),
    QT_TRANSLATE_NOOP("intake", 'the sheet is empty'),
    QT_TRANSLATE_NOOP("intake", 'the file is empty'),
    QT_TRANSLATE_NOOP("intake", 'the text is neither UTF-8 nor GBK; name the encoding (--encoding)'),
    QT_TRANSLATE_NOOP("intake", 'no such file'),
    QT_TRANSLATE_NOOP("intake", "unknown text encoding '{name}'"),
    QT_TRANSLATE_NOOP("intake", 'cannot open the zip file ({reason})'),
    QT_TRANSLATE_NOOP("intake", "the GeoPackage has no layer '{layer}' (it has {layers})"),
    QT_TRANSLATE_NOOP("intake", 'the KML is not well-formed XML ({reason}); is the file complete?'),
    QT_TRANSLATE_NOOP("intake", 'the KMZ is damaged ({reason})'),
    QT_TRANSLATE_NOOP("intake", 'the text is not {codec} (line {line}); name the encoding (--encoding)'),
    QT_TRANSLATE_NOOP("intake", 'cannot read the CSV ({reason})'),
    QT_TRANSLATE_NOOP("intake", 'cannot open the workbook ({reason}); is it complete?'),
    QT_TRANSLATE_NOOP("intake", "the workbook has no sheet '{sheet}' (it has {sheets})"),
    QT_TRANSLATE_NOOP("intake", 'text is not {codec}; name the encoding (--encoding)'),
    QT_TRANSLATE_NOOP("intake", 'the name of column {number} is not {codec}; name the encoding (--encoding)'),
    QT_TRANSLATE_NOOP("intake", 'the zip file is damaged ({reason})'),
    QT_TRANSLATE_NOOP("intake", 'the KMZ holds no KML document'),
    QT_TRANSLATE_NOOP("intake", "cannot read sheet '{sheet}' ({reason})"),
    QT_TRANSLATE_NOOP("intake", 'the GeoPackage has no layer with geometry'),
    QT_TRANSLATE_NOOP("intake", 'the GeoPackage has several layers ({layers}); name one (--layer)'),
    QT_TRANSLATE_NOOP("intake", 'unknown file type {suffix}; FloodPost reads {suffixes}'),
    QT_TRANSLATE_NOOP("intake", 'degrees'),
    QT_TRANSLATE_NOOP("intake", 'minutes'),
    QT_TRANSLATE_NOOP("intake", 'seconds'),
    QT_TRANSLATE_NOOP("intake", '{text} is not a coordinate'),
    QT_TRANSLATE_NOOP("intake", 'longitude {lon} is marked {lon_h} and latitude {lat} is marked {lat_h}: the longitude and latitude columns look exchanged'),
    QT_TRANSLATE_NOOP("intake", 'longitude {lon} and latitude {lat} lie in China only when exchanged: the longitude and latitude columns look exchanged'),
    QT_TRANSLATE_NOOP("intake", '{text} has hemisphere {h}, which belongs to a latitude, not a longitude'),
    QT_TRANSLATE_NOOP("intake", '{text} has hemisphere {h}, which belongs to a longitude, not a latitude'),
    QT_TRANSLATE_NOOP("intake", '{text} is {degrees} degrees, outside the latitude range -90..90'),
    QT_TRANSLATE_NOOP("intake", '{text} is {degrees} degrees, outside the longitude range -180..180'),
    QT_TRANSLATE_NOOP("intake", '{text} is {degrees} degrees, outside -180..180'),
    QT_TRANSLATE_NOOP("intake", 'empty coordinate ({text})'),
    QT_TRANSLATE_NOOP("intake", '{text} contains a comma; give one coordinate per cell, with a dot for decimals'),
    QT_TRANSLATE_NOOP("intake", '{text} is not a coordinate (more than degrees, minutes, seconds)'),
    QT_TRANSLATE_NOOP("intake", '{text} is not a finite number'),
    QT_TRANSLATE_NOOP("intake", '{text} uses a comma as the decimal separator; write {example}'),
    QT_TRANSLATE_NOOP("intake", '{text} gives the hemisphere twice'),
    QT_TRANSLATE_NOOP("intake", '{text} has both a minus sign and hemisphere {h}; use one of them'),
    QT_TRANSLATE_NOOP("intake", '{text} is not a coordinate ({unit} where {name} belong)'),
    QT_TRANSLATE_NOOP("intake", '{text} has negative {name} (-{number})'),
    QT_TRANSLATE_NOOP("intake", '{text} has fractional {name} followed by {next}'),
    QT_TRANSLATE_NOOP("intake", '{text} has {number} {name} (must be below 60)'),
    QT_TRANSLATE_NOOP("intake", "{n} outlines kept in {layer}; each is placed on the map as a point on its outline"),
    # bulletins (floodpost.data.intake.bulletin)
    QT_TRANSLATE_NOOP(
        "intake",
        "no observation time: the file has no time column (观测时间, 时间) and no title row with a date and hour "
        "such as 2021年7月22日8时; add one or set it (--set reported_at=TIME)",
    ),
    QT_TRANSLATE_NOOP("intake", "no observation time in this row, and the title gives no report time"),
    QT_TRANSLATE_NOOP(
        "intake",
        "observation time {time} read from the title (row {row}: {title}) and given to {n} rows without a time "
        "of their own",
    ),
    QT_TRANSLATE_NOOP(
        "intake",
        "the title (row {row}: {title}) gives the report time without a year, and no year is written anywhere "
        "else; add the year to the title",
    ),
    QT_TRANSLATE_NOOP(
        "intake",
        "{n} station names written differently from the stations layer (站, spaces, full-width) stored under "
        "the layer's names",
    ),
    QT_TRANSLATE_NOOP("intake", "unknown choice '{choice}' for unmatched stations; use refuse or skip"),
    QT_TRANSLATE_NOOP(
        "intake",
        "{n} rows name stations the stations layer does not have: {rows}; add the stations or import the known "
        "ones only (--unmatched skip); nothing was written",
    ),
    QT_TRANSLATE_NOOP("intake", "{n} rows of stations not in the stations layer not imported ({names}): {rows}"),
    QT_TRANSLATE_NOOP("intake", "no row names a station of the stations layer; nothing was written"),
)

#: Validation reasons (floodpost.data.schema.validate) and where they happened.
_VALIDATE_NOTES = (
    QT_TRANSLATE_NOOP("validate", "'{text}' is not one of {allowed}"),
    QT_TRANSLATE_NOOP("validate", '{number} is below the minimum {minimum}'),
    QT_TRANSLATE_NOOP("validate", '{number} is above the maximum {maximum}'),
    QT_TRANSLATE_NOOP("validate", 'geometry is missing'),
    QT_TRANSLATE_NOOP("validate", 'geometry is empty'),
    QT_TRANSLATE_NOOP("validate", 'a {kind} does not fit layer {key} ({allowed})'),
    QT_TRANSLATE_NOOP("validate", 'invalid geometry: {reason}'),
    QT_TRANSLATE_NOOP("validate", 'unknown field(s) {names} for {key}'),
    QT_TRANSLATE_NOOP("validate", 'required value is missing'),
    QT_TRANSLATE_NOOP("validate", "'{text}' is not a phone number"),
    QT_TRANSLATE_NOOP("validate", "'{text}' is not a whole number"),
    QT_TRANSLATE_NOOP("validate", "'{text}' is not a finite number"),
    QT_TRANSLATE_NOOP("validate", "'{text}' is not a number"),
    QT_TRANSLATE_NOOP("validate", "cannot read the time '{text}'; write it like 2021-07-22 10:00"),
    QT_TRANSLATE_NOOP("validate", "{source}, row {row}, column '{column}': {reason}"),
    QT_TRANSLATE_NOOP("validate", '{source}, row {row}: {reason}'),
    QT_TRANSLATE_NOOP("validate", "{source}, column '{column}': {reason}"),
    QT_TRANSLATE_NOOP("validate", '{source}: {reason}'),
    QT_TRANSLATE_NOOP("validate", "row {row}, column '{column}': {reason}"),
    QT_TRANSLATE_NOOP("validate", 'row {row}: {reason}'),
    QT_TRANSLATE_NOOP("validate", "column '{column}': {reason}"),
)


def tr_note(note: object) -> str:
    """An intake sentence in the interface language."""
    return _tr_note(note, "intake")


def error_text(exc: BaseException) -> str:
    """Why a step failed, in the interface language: a refusal's located reason, else the error's type and text."""
    from floodpost.data.workspace import ReadOnlyWorkspace

    if isinstance(exc, ValidationError):
        return tr_error(exc, "intake")
    if isinstance(exc, ReadOnlyWorkspace):
        from floodpost.ui.failures import read_only_text

        return read_only_text()
    return f"{type(exc).__name__}: {tr_error(exc, 'intake')}"


def _mapping_key(key: str, path: Path) -> str:
    """Mappings are remembered per target and per source file name (counties resend them)."""
    return f"intake/mapping/{key}/{path.stem}"


class _Job(QThread):
    """Runs one step (read, prepare or commit) away from the GUI thread."""

    progressed = Signal(str, int, int)
    succeeded = Signal(object)
    failed = Signal(object)  # the exception: its message is translated on the GUI thread
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
        except Exception as exc:  # noqa: BLE001 - every failure is told to the user
            self.failed.emit(exc)
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


#: The combo entry that makes a field one value for every row.
CONSTANT = "@constant"


class ColumnsPage(QWizardPage):
    """The rows as read, and for each field: a column, its default, or one value for every row.

    Next stays disabled while a required field has none of them (the
    import would refuse every row); the line under the table says which.
    """

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(self.tr("Preview and columns"))
        self.setSubTitle(self.tr(
            "Check that the names read correctly and say which column holds what. "
            "Columns left at “not imported” are ignored; a field can also take one value for every row."
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
        self.fields.setColumnCount(3)
        self.fields.setHorizontalHeaderLabels(
            [self.tr("Field"), self.tr("Column in the file"), self.tr("Value for every row")]
        )
        self.fields.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        self.fields.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.fields.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.fields.verticalHeader().hide()
        split.addWidget(self.fields)
        split.setSizes([180, 380])
        lay.addWidget(split)
        self.missing = QLabel()
        self.missing.setWordWrap(True)
        self.missing.setStyleSheet("color: #b00020;")
        lay.addWidget(self.missing)
        self.combos: dict[str, QComboBox] = {}
        self.values: dict[str, QWidget] = {}

    def initializePage(self) -> None:  # noqa: N802
        raw, key = self.w.raw, self.w.key
        schema = schema_for(key)
        lang = "zh" if self.w.lang.startswith("zh") else "en"
        cols = raw.columns
        notes = [self.tr("%1 rows read from %2 (%3).").replace("%1", str(len(raw.frame)))
                 .replace("%2", raw.path.name).replace("%3", raw.format)] + [tr_note(n) for n in raw.notes]
        self.notes.setText("\n".join(notes))
        self.notes.setStyleSheet("")
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
        constants: dict[str, Any] = {}
        saved = QSettings(SETTINGS_ORG, SETTINGS_APP).value(_mapping_key(key, self.w.path))
        if saved:
            try:
                remembered = json.loads(str(saved))
                if all(c in cols for f, c in remembered.items() if c and not f.startswith("#")):
                    mapping = {f: c for f, c in remembered.items() if c and f[0] not in "@#"}
                    constants = {f[1:]: v for f, v in remembered.items() if f.startswith("#")}
                    lon = remembered.get("@lon") or lon
                    lat = remembered.get("@lat") or lat
            except (ValueError, AttributeError):
                pass
        rows: list[tuple[str, str, str | None]] = []
        if schema.is_spatial and raw.geometry is None:
            rows += [("@lon", self.tr("Longitude / easting"), lon), ("@lat", self.tr("Latitude / northing"), lat)]
        for f in schema.fields:
            label = f.label(lang) + (" *" if f.required else "")
            rows.append((f.name, label, mapping.get(f.name)))
        self.fields.setRowCount(len(rows))
        self.combos.clear()
        self.values.clear()
        for r, (fname, label, col) in enumerate(rows):
            item = QTableWidgetItem(label)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)
            self.fields.setItem(r, 0, item)
            combo = QComboBox()
            combo.setObjectName(f"column.{fname}")
            combo.addItem(self._unmapped_text(schema, fname, lang), None)
            for c in cols:
                combo.addItem(c, c)
            if not fname.startswith("@"):
                combo.addItem(self.tr("(one value for every row →)"), CONSTANT)
                value = self._value_editor(schema.field(fname), lang, constants.get(fname))
                # The view shows its cell widgets whenever it lays them out: the holder
                # is what it shows, the editor inside shows only for one value per row.
                holder = QWidget()
                box = QHBoxLayout(holder)
                box.setContentsMargins(0, 0, 0, 0)
                box.addWidget(value)
                value.setVisible(False)
                self.fields.setCellWidget(r, 2, holder)
                self.values[fname] = value
            if fname in constants:
                combo.setCurrentIndex(combo.findData(CONSTANT))
                self.values[fname].setVisible(True)
            elif col is not None:
                combo.setCurrentIndex(cols.index(col) + 1)
            combo.currentIndexChanged.connect(lambda _i, f=fname: self._on_choice(f))
            self.fields.setCellWidget(r, 1, combo)
            self.combos[fname] = combo
        self._update_missing()

    def _unmapped_text(self, schema: Any, fname: str, lang: str) -> str:
        """What the field gets with no column: nothing, or its default (said so)."""
        if fname.startswith("@"):
            return self.tr("(not imported)")
        f = schema.field(fname)
        if f.default is None:
            return self.tr("(not imported)")
        if f.default == NOW:
            return self.tr("(default: the time of import)")
        return self.tr("(default: %1)").replace("%1", f.display(f.default, lang))

    def _value_editor(self, f: Any, lang: str, value: Any) -> QWidget:
        if f.type == "enum":
            combo = QComboBox()
            for c in f.choices:
                combo.addItem(c.zh if lang == "zh" else c.en, c.code)
            if value is not None:
                combo.setCurrentIndex(max(0, combo.findData(value)))
            combo.currentIndexChanged.connect(self._update_missing)
            return combo
        edit = QLineEdit()
        if value is not None:
            edit.setText(str(value))
        edit.setPlaceholderText(f.unit or ("2021-07-22 18:00" if f.type == "datetime" else ""))
        edit.textChanged.connect(self._update_missing)
        return edit

    def _on_choice(self, fname: str) -> None:
        if fname in self.values:
            on = self.combos[fname].currentData() == CONSTANT
            self.values[fname].setVisible(on)
            if on:
                self.values[fname].setFocus()
        self._update_missing()

    def constant_text(self, fname: str) -> Any:
        w = self.values[fname]
        if isinstance(w, QComboBox):
            return w.currentData()
        assert isinstance(w, QLineEdit)
        return w.text().strip()

    def choice(self) -> tuple[dict[str, str], str | None, str | None, dict[str, Any]]:
        """(field → column, lon column, lat column, field → value typed for every row)."""
        mapping, constants = {}, {}
        for f, c in self.combos.items():
            data = c.currentData()
            if f.startswith("@") or not data:
                continue
            if data == CONSTANT:
                constants[f] = self.constant_text(f)
            else:
                mapping[f] = data
        lon = self.combos["@lon"].currentData() if "@lon" in self.combos else None
        lat = self.combos["@lat"].currentData() if "@lat" in self.combos else None
        return mapping, lon, lat, constants

    def missing_fields(self) -> list[str]:
        """Required fields that neither a column, a value for every row nor a default would fill."""
        mapping, _lon, _lat, constants = self.choice()
        given = {f: v for f, v in constants.items() if v not in (None, "")}
        return missing_required(schema_for(self.w.key), mapping, given)

    def _update_missing(self, *_: object) -> None:
        missing = self.missing_fields()
        if missing:
            schema = schema_for(self.w.key)
            lang = "zh" if self.w.lang.startswith("zh") else "en"
            names = "、".join(schema.field(m).label(lang) for m in missing)
            self.missing.setText(self.tr("Required, choose a column or one value for every row: %1").replace("%1", names))
        else:
            self.missing.setText("")
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        return bool(self.combos) and not self.missing_fields()

    def validatePage(self) -> bool:  # noqa: N802
        if self.missing_fields():  # Next is disabled too; this holds for every way of going on
            self._update_missing()
            return False
        mapping, lon, lat, constants = self.choice()
        used = [c for c in [*mapping.values(), lon, lat] if c]
        if len(used) != len(set(used)):
            self.notes.setText(self.tr("Each column can hold only one field."))
            self.notes.setStyleSheet("color: #b00020;")
            return False
        schema = schema_for(self.w.key)
        fixed = {f: v for f, v in constants.items() if v not in (None, "")}
        for fname, value in fixed.items():
            try:
                constant_value(schema, fname, value)
            except ValidationError as exc:
                self.notes.setText(tr_error(exc, "intake"))
                self.notes.setStyleSheet("color: #b00020;")
                self.values[fname].setFocus()
                return False
        self.notes.setStyleSheet("")
        self.w.mapping, self.w.lon, self.w.lat, self.w.constants = mapping, lon, lat, fixed
        remembered: dict[str, Any] = dict(mapping)
        remembered.update({"@lon": lon, "@lat": lat})
        remembered.update({f"#{f}": v for f, v in fixed.items()})
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
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("&Check"))
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
        """Check every row off the GUI thread; stay on the page with the reason if one is bad."""
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

        location = w.location

        def work(progress: Any) -> Prepared:
            from floodpost.data.workspace import Workspace

            prepared = prepare(w.path, w.key, raw=w.raw, mapping=w.mapping, lon=w.lon, lat=w.lat, crs=crs,
                               constants=w.constants, progress=progress, **w.options)
            with Workspace.open(location) as ws:
                warning = stock_warning(ws, prepared)
                # readings: the layer's spelling of each station; the unknown ones the next page asks about
                prepared.unmatched = match_stations(ws, prepared)
            if warning is not None:
                prepared.notes.insert(0, warning)
            return prepared

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


def _report_lines(p: Prepared) -> list[str]:
    """What the import gives the rows beyond the file, and what it leaves out, in the interface language."""
    lines = [tr_note(n) for n in default_lines(p.key, p.defaults, p.constants, len(p.records))]
    if p.skipped:  # which rows, and why, the reader's notes below say
        lines.append(QCoreApplication.translate("ImportWizard", "Rows skipped (not data): %1")
                     .replace("%1", str(len(p.skipped))))
    if p.crs_note:
        lines.append(QCoreApplication.translate("ImportWizard", "Coordinates: %1").replace("%1", tr_note(p.crs_note)))
    lines += [tr_note(n) for n in p.notes]
    lines += p.repaired
    if p.ignored:
        lines.append(QCoreApplication.translate("ImportWizard", "Columns not imported: %1").replace("%1", ", ".join(p.ignored)))
    return lines


class ConfirmPage(QWizardPage):
    """Every row checked; what the import will do; nothing is written until “Import” is pressed.

    A bulletin naming stations the stations layer lacks asks here: refuse the
    whole file (the default; Import stays disabled), or import the rows of
    known stations and report the others.
    """

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(self.tr("Ready to import"))
        self.setSubTitle(self.tr("Every row passed the checks. Nothing is written until you press Import."))
        self.setButtonText(QWizard.WizardButton.NextButton, self.tr("&Import"))
        lay = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        lay.addWidget(self.summary)
        self.unmatched_box = QWidget()
        box = QVBoxLayout(self.unmatched_box)
        box.setContentsMargins(0, 0, 0, 0)
        self.unmatched_label = QLabel()
        self.unmatched_label.setWordWrap(True)
        self.unmatched_label.setStyleSheet("QLabel { color: #8a5a00; background: #fff4ce; padding: 4px; }")
        box.addWidget(self.unmatched_label)
        self.refuse_radio = QRadioButton(self.tr("Refuse the whole file: nothing is imported"))
        self.skip_radio = QRadioButton()
        self.refuse_radio.setObjectName("unmatched.refuse")
        self.skip_radio.setObjectName("unmatched.skip")
        self.refuse_radio.setChecked(True)
        self.unmatched_group = QButtonGroup(self)
        for b in (self.refuse_radio, self.skip_radio):
            self.unmatched_group.addButton(b)
            box.addWidget(b)
            b.toggled.connect(self._on_unmatched_choice)
        lay.addWidget(self.unmatched_box)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        lay.addWidget(self.report)
        self.bar = QProgressBar()
        self.bar.setVisible(False)
        lay.addWidget(self.bar)
        self._ready = False

    def initializePage(self) -> None:  # noqa: N802
        p = self.w.prepared
        lang = "zh" if self.w.lang.startswith("zh") else "en"
        self._ready = False
        self.bar.setVisible(False)
        self.summary.setStyleSheet("")
        self.summary.setText(self.tr("%1 rows of %2 are ready to import into %3.")
                             .replace("%1", str(len(p.records))).replace("%2", p.source)
                             .replace("%3", schema_for(p.key).label(lang)))
        self.report.setStyleSheet("")
        self.report.setPlainText("\n".join(_report_lines(p)))
        self.unmatched_box.setVisible(bool(p.unmatched))
        if p.unmatched:
            known = len(p.records) - len(p.unmatched)
            self.unmatched_label.setText(
                self.tr("%1 rows name stations the stations layer does not have: %2")
                .replace("%1", str(len(p.unmatched))).replace("%2", unmatched_text(p.unmatched, limit=30)))
            self.skip_radio.setText(self.tr("Import the %1 rows of known stations and leave these out")
                                    .replace("%1", str(known)))
            self.skip_radio.setEnabled(known > 0)
            self.refuse_radio.setChecked(True)
        self._on_unmatched_choice()

    def unmatched_choice(self) -> str:
        """``refuse`` or ``skip``: what to do with rows of stations the layer lacks."""
        return "skip" if self.skip_radio.isChecked() else "refuse"

    def _on_unmatched_choice(self, *_: object) -> None:
        p = self.w.prepared
        if p is None or not p.unmatched:
            return
        if self.unmatched_choice() == "refuse":
            self.summary.setText(self.tr("Nothing will be imported while the file is refused; "
                                         "add the stations, or choose to leave their rows out."))
        else:
            self.summary.setText(self.tr("%1 rows of %2 will be imported; %3 rows of unknown stations are left out.")
                                 .replace("%1", str(len(p.records) - len(p.unmatched))).replace("%2", p.source)
                                 .replace("%3", str(len(p.unmatched))))
        self.completeChanged.emit()

    def isComplete(self) -> bool:  # noqa: N802
        p = self.w.prepared
        return p is None or not p.unmatched or self.unmatched_choice() == "skip"

    def validatePage(self) -> bool:  # noqa: N802
        """Write all the rows in one transaction off the GUI thread; Cancel rolls it back."""
        if self._ready:
            self._ready = False
            return True
        w = self.w
        p = w.prepared
        if p.unmatched:
            if self.unmatched_choice() != "skip":
                return False
            p = dataclasses.replace(p, records=list(p.records), notes=list(p.notes))
            try:
                settle_unmatched(p, p.unmatched, "skip")
            except ValidationError as exc:
                self.report.setStyleSheet("color: #b00020;")
                self.report.setPlainText(error_text(exc))
                return False
        location = w.location
        w.button(QWizard.WizardButton.NextButton).setEnabled(False)
        w.button(QWizard.WizardButton.BackButton).setEnabled(False)
        self.summary.setText(self.tr("Writing %1 rows…").replace("%1", str(len(p.records))))

        def work(progress: Any) -> list[int]:
            from floodpost.data.workspace import Workspace

            with Workspace.open(location) as ws:
                return commit(ws, p, progress=progress)

        def done(fids: list[int]) -> None:
            w.prepared = p  # the report says which rows were left out
            w.fids = list(fids)
            w.imported_count = len(fids)
            self.bar.setVisible(False)
            self._ready = True
            w.next()
            w.importFinished.emit(len(fids))
            w.imported.emit(p.key, list(fids), p.source)

        def failed(message: str) -> None:
            self.bar.setVisible(False)
            self.summary.setText(self.tr("Nothing was imported."))
            self.summary.setStyleSheet("color: #b00020;")
            self.report.setStyleSheet("color: #b00020;")
            self.report.setPlainText(message)
            w.button(QWizard.WizardButton.BackButton).setEnabled(True)

        w.run_job(work, done, failed, bar=self.bar)
        return False


class ReportPage(QWizardPage):
    """What was written: rows imported, the values given to rows, rows skipped. Only 完成 is left."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self.w = wizard
        self.setTitle(self.tr("Imported"))
        lay = QVBoxLayout(self)
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        font = self.summary.font()
        font.setBold(True)
        self.summary.setFont(font)
        lay.addWidget(self.summary)
        self.report = QPlainTextEdit()
        self.report.setReadOnly(True)
        lay.addWidget(self.report)
        self.undo_hint = QLabel(self.tr("Edit → Undo (Ctrl+Z) takes the whole import back out."))
        self.undo_hint.setWordWrap(True)
        lay.addWidget(self.undo_hint)
        self.setFinalPage(True)

    def initializePage(self) -> None:  # noqa: N802
        w = self.w
        p = w.prepared
        lang = "zh" if w.lang.startswith("zh") else "en"
        self.summary.setText(self.tr("Imported %1 rows into %2.").replace("%1", str(w.imported_count))
                             .replace("%2", schema_for(p.key).label(lang)))
        self.report.setPlainText("\n".join(_report_lines(p)))


class ImportWizard(QWizard):
    """File to workspace in five steps; nothing is written before “Import”; Cancel stops a running step.

    Signals
    -------
    imported(key, fids, source)
        After the rows are written (the main window makes it one undoable step).
    importFinished(count)
        The same moment, just the number of rows.
    """

    importFinished = Signal(int)
    imported = Signal(str, object, str)

    def __init__(self, location: str | Path, parent: QWidget | None = None, lang: str = "zh") -> None:
        super().__init__(parent)
        #: the workspace imported into, opened on the wizard's own connection (its thread writes)
        self.location = str(location)
        self.lang = lang
        self.raw: RawTable | None = None
        self.key = ""
        self.path = Path()
        self.options: dict[str, Any] = {}
        self.mapping: dict[str, str] = {}
        self.lon: str | None = None
        self.lat: str | None = None
        self.constants: dict[str, Any] = {}
        self.prepared: Prepared | None = None
        self.imported_count = 0
        self.fids: list[int] = []
        self.job: _Job | None = None
        self.setWindowTitle(self.tr("Import data"))
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        # Once rows are written, going back would only import them twice.
        # Once rows are written, going back would only import them twice, and cancelling
        # would cancel nothing: the last page says what was done and offers only 完成.
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, True)
        self.file_page = FilePage(self)
        self.columns_page = ColumnsPage(self)
        self.check_page = CheckPage(self)
        self.confirm_page = ConfirmPage(self)
        self.report_page = ReportPage(self)
        for page in (self.file_page, self.columns_page, self.check_page, self.confirm_page, self.report_page):
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
        job.failed.connect(lambda exc: failed(error_text(exc)))
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
