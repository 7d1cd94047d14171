"""Prepare offline tiles: fetch an area of a licensed tile source into an MBTiles file.

The post does this before the storm, while the network works, so the
basemap is there when it does not. The dialog makes the officer see the
size of the job before it starts, runs it off the GUI thread with a
progress bar and a Cancel button, and resumes a file that already exists.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSignalBlocker, QThread, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from floodpost.data.tiles import (
    DEFAULT_TILE_BYTES,
    MAX_TILES,
    MAX_ZOOM,
    DownloadResult,
    MBTilesError,
    TileDownloadError,
    TileEstimate,
    TileJobTooLarge,
    download_tiles,
    estimate,
)

#: The area shown when the caller has no map view to offer (Hebi city).
DEFAULT_BOUNDS = (113.95, 35.40, 114.75, 36.05)
#: Most requests a second the dialog allows: polite to the post's own server too.
MAX_RATE = 50.0


def human_size(n: float) -> str:
    """Bytes as ``12.3 MB``; units are the same in Chinese."""
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n:.1f} GB"  # pragma: no cover - loop always returns


class _Job(QThread):
    """Runs one blocking call (estimate or download) off the GUI thread.

    The call gets a ``progress(done, total)`` that reports to the GUI and
    answers False once Cancel was pressed.
    """

    progressed = Signal(int, int)

    def __init__(self, call: Callable[[Callable[[int, int], bool]], Any]) -> None:
        super().__init__()
        self._call = call
        self.cancel = threading.Event()
        self.result: Any = None
        self.error: BaseException | None = None

    def _progress(self, done: int, total: int) -> bool:
        self.progressed.emit(done, total)
        return not self.cancel.is_set()

    def run(self) -> None:
        try:
            self.result = self._call(self._progress)
        except Exception as exc:  # noqa: BLE001 - reported in the dialog
            self.error = exc


class PrepareTilesDialog(QDialog):
    """ "Prepare offline tiles": URL, area, zoom range and file, then Estimate, then Start.

    Parameters
    ----------
    bounds
        lon/lat (west, south, east, north) to fetch; the caller passes the
        current map view (``canvas.viewport.lonlat_extent``).
    output
        The MBTiles file suggested; the officer may choose another.
    url
        A tile URL template to start from.
    """

    estimateReady = Signal(object)  # TileEstimate
    downloadFinished = Signal(object)  # DownloadResult
    jobFailed = Signal(str)

    def __init__(
        self,
        bounds: Sequence[float] | None = None,
        parent: QWidget | None = None,
        *,
        output: str | Path | None = None,
        url: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Prepare offline tiles"))
        self.tile_estimate: TileEstimate | None = None
        self.result: DownloadResult | None = None
        self._job: _Job | None = None
        self._job_kind = ""
        self._build(tuple(bounds) if bounds is not None else DEFAULT_BOUNDS, url, output)
        self._update_state()

    # ------------------------------------------------------------ building
    def _build(self, bounds: Sequence[float], url: str, output: str | Path | None) -> None:
        self.notice = QLabel(
            self.tr(
                "Use only tile sources the post is licensed to cache: its own tile server, "
                "or 天地图 (Tianditu) with the post's own token. Public OpenStreetMap tiles "
                "forbid bulk download and must not be fetched here. Downloading needs the "
                "network; the map shows the finished file with no network at all."
            ),
            self,
        )
        self.notice.setWordWrap(True)
        self.notice.setFrameShape(QFrame.Shape.StyledPanel)
        self.notice.setStyleSheet("QLabel { background: #fff6d5; padding: 6px; }")

        self.url_edit = QLineEdit(url, self)
        self.url_edit.setPlaceholderText("https://tiles.example.gov.cn/{z}/{x}/{y}.png")
        self.url_edit.setToolTip(
            self.tr("Use {z}, {x} and {y} ({-y} for TMS rows); {s} picks one of the subdomains.")
        )
        self.subdomains_edit = QLineEdit("abc", self)
        self.subdomains_edit.setToolTip(
            self.tr("Letters or digits put in place of {s}, e.g. 01234567 for Tianditu.")
        )

        area = QWidget(self)
        grid = QGridLayout(area)
        grid.setContentsMargins(0, 0, 0, 0)
        self.west = self._coord(-180, 180, bounds[0])
        self.south = self._coord(-85.05, 85.05, bounds[1])
        self.east = self._coord(-180, 180, bounds[2])
        self.north = self._coord(-85.05, 85.05, bounds[3])
        for i, (text, box) in enumerate(
            [
                (self.tr("West"), self.west),
                (self.tr("South"), self.south),
                (self.tr("East"), self.east),
                (self.tr("North"), self.north),
            ]
        ):
            grid.addWidget(QLabel(text, area), i // 2, (i % 2) * 2)
            grid.addWidget(box, i // 2, (i % 2) * 2 + 1)

        zooms = QWidget(self)
        zl = QHBoxLayout(zooms)
        zl.setContentsMargins(0, 0, 0, 0)
        self.zmin = QSpinBox(zooms)
        self.zmax = QSpinBox(zooms)
        for box, value in ((self.zmin, 8), (self.zmax, 14)):
            box.setRange(0, MAX_ZOOM)
            box.setValue(value)
        zl.addWidget(QLabel(self.tr("from"), zooms))
        zl.addWidget(self.zmin)
        zl.addWidget(QLabel(self.tr("to"), zooms))
        zl.addWidget(self.zmax)
        zl.addStretch(1)

        self.rate = QDoubleSpinBox(self)
        self.rate.setRange(0.5, MAX_RATE)
        self.rate.setDecimals(1)
        self.rate.setValue(4.0)
        self.rate.setToolTip(
            self.tr("Requests per second; keep it low so the tile server is not overloaded.")
        )

        out = QWidget(self)
        ol = QHBoxLayout(out)
        ol.setContentsMargins(0, 0, 0, 0)
        self.output_edit = QLineEdit(str(output) if output else "", out)
        self.browse_button = QPushButton(self.tr("Browse…"), out)
        self.browse_button.clicked.connect(self._browse)
        ol.addWidget(self.output_edit, 1)
        ol.addWidget(self.browse_button)

        form = QFormLayout()
        form.addRow(self.tr("Tile URL"), self.url_edit)
        form.addRow(self.tr("Subdomains"), self.subdomains_edit)
        form.addRow(self.tr("Area (lon/lat)"), area)
        form.addRow(self.tr("Zoom levels"), zooms)
        form.addRow(self.tr("Requests per second"), self.rate)
        form.addRow(self.tr("Output file"), out)

        self.estimate_label = QLabel(self.tr("Press Estimate to see the size of the job."), self)
        self.estimate_label.setWordWrap(True)
        self.resume_label = QLabel(self)
        self.resume_label.setWordWrap(True)
        self.progress = QProgressBar(self)
        self.progress.setRange(0, 1)
        self.progress.setValue(0)
        self.status_label = QLabel(self)
        self.status_label.setWordWrap(True)
        self.error_label = QLabel(self)
        self.error_label.setWordWrap(True)
        self.error_label.setStyleSheet("QLabel { color: #b00020; }")

        self.buttons = QDialogButtonBox(self)
        self.estimate_button = self.buttons.addButton(
            self.tr("Estimate"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.start_button = self.buttons.addButton(
            self.tr("Start"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.cancel_button = self.buttons.addButton(
            self.tr("Cancel"), QDialogButtonBox.ButtonRole.ActionRole
        )
        self.close_button = self.buttons.addButton(
            self.tr("Close"), QDialogButtonBox.ButtonRole.RejectRole
        )
        for b in (self.estimate_button, self.start_button, self.cancel_button, self.close_button):
            b.setAutoDefault(False)
        self.estimate_button.clicked.connect(self.start_estimate)
        self.start_button.clicked.connect(self.start_download)
        self.cancel_button.clicked.connect(self.cancel)
        self.close_button.clicked.connect(self.reject)

        lay = QVBoxLayout(self)
        lay.addWidget(self.notice)
        lay.addLayout(form)
        lay.addWidget(self.estimate_label)
        lay.addWidget(self.resume_label)
        lay.addWidget(self.progress)
        lay.addWidget(self.status_label)
        lay.addWidget(self.error_label)
        lay.addWidget(self.buttons)
        self.resize(640, self.sizeHint().height())

        for edit in (self.url_edit, self.subdomains_edit, self.output_edit):
            edit.textChanged.connect(self._on_params_change)
        for box in (self.west, self.south, self.east, self.north, self.zmin, self.zmax, self.rate):
            box.valueChanged.connect(self._on_params_change)

    def _coord(self, lo: float, hi: float, value: float) -> QDoubleSpinBox:
        box = QDoubleSpinBox(self)
        box.setDecimals(5)
        box.setRange(lo, hi)
        box.setSingleStep(0.01)
        box.setValue(float(value))
        return box

    # ------------------------------------------------------------ parameters
    def bbox(self) -> tuple[float, float, float, float]:
        """The area to fetch, lon/lat (west, south, east, north)."""
        return (self.west.value(), self.south.value(), self.east.value(), self.north.value())

    def output_path(self) -> Path | None:
        text = self.output_edit.text().strip()
        if not text:
            return None
        path = Path(text).expanduser()
        return path if path.suffix else path.with_suffix(".mbtiles")

    def _subdomains(self) -> str:
        return self.subdomains_edit.text().strip() or "abc"

    def _problem(self, need_output: bool) -> str | None:
        """What keeps the job from starting, in words, or None."""
        url = self.url_edit.text().strip()
        if not url:
            return self.tr("Enter the tile URL.")
        if not url.lower().startswith(("http://", "https://")):
            return self.tr("The tile URL must start with http:// or https://.")
        if "{z}" not in url or "{x}" not in url or ("{y}" not in url and "{-y}" not in url):
            return self.tr("The tile URL needs {z}, {x} and {y} (or {-y}).")
        w, s, e, n = self.bbox()
        if not (w < e and s < n):
            return self.tr("The area needs West < East and South < North.")
        if self.zmin.value() > self.zmax.value():
            return self.tr("The first zoom level is above the last.")
        if need_output:
            path = self.output_path()
            if path is None:
                return self.tr("Choose the output file.")
            if not path.parent.is_dir():
                return self.tr("The folder %1 does not exist.").replace("%1", str(path.parent))
        return None

    def _on_params_change(self, *_: object) -> None:
        if self.tile_estimate is not None:
            self.tile_estimate = None
            self.estimate_label.setText(self.tr("The job changed; press Estimate again."))
        self.error_label.clear()
        self._update_state()

    def _update_state(self) -> None:
        running = self._job is not None
        for w in (
            self.url_edit,
            self.subdomains_edit,
            self.west,
            self.south,
            self.east,
            self.north,
            self.zmin,
            self.zmax,
            self.rate,
            self.output_edit,
            self.browse_button,
        ):
            w.setEnabled(not running)
        self.estimate_button.setEnabled(not running)
        ready = self.tile_estimate is not None and not self.tile_estimate.too_large
        self.start_button.setEnabled(not running and ready and self._problem(True) is None)
        self.cancel_button.setEnabled(running)
        path = self.output_path()
        if path is not None and path.exists():
            self.resume_label.setText(
                self.tr(
                    "%1 exists: the tiles already in it are kept and only the missing ones are fetched."
                ).replace("%1", path.name)
            )
        else:
            self.resume_label.clear()

    def _browse(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self,
            self.tr("Save the tile cache as"),
            self.output_edit.text() or "basemap.mbtiles",
            self.tr("MBTiles files (*.mbtiles)"),
            options=QFileDialog.Option.DontConfirmOverwrite,
        )
        if path:
            self.output_edit.setText(path)

    # ------------------------------------------------------------ jobs
    def _run(self, kind: str, call: Callable[[Callable[[int, int], bool]], Any]) -> None:
        self.error_label.clear()
        job = _Job(call)
        job.progressed.connect(self._on_progress)
        job.finished.connect(self._on_job_finished)
        self._job = job
        self._job_kind = kind
        self._update_state()
        job.start()

    def _job_fields(self) -> tuple[str, tuple[float, float, float, float], int, int]:
        """URL template, area and zoom range as the fields show them now."""
        return self.url_edit.text().strip(), self.bbox(), self.zmin.value(), self.zmax.value()

    def start_estimate(self) -> None:
        """Count the tiles and measure a few of them, off the GUI thread."""
        problem = self._problem(False)
        if problem:
            self.error_label.setText(problem)
            return
        url, box, z0, z1 = self._job_fields()
        subs, rate = self._subdomains(), self.rate.value()
        self.estimate_label.setText(self.tr("Estimating…"))

        def call(progress: Callable[[int, int], bool]) -> TileEstimate:
            return estimate(
                url,
                box,
                z0,
                z1,
                subdomains=subs,
                rate_limit=rate,
                timeout=10.0,
                cancelled=lambda: not progress(0, 0),
            )

        self._run("estimate", call)

    def start_download(self) -> None:
        """Fetch the tiles into the output file, off the GUI thread; resumes an existing file."""
        problem = self._problem(True)
        if problem or self.tile_estimate is None:
            self.error_label.setText(problem or self.tr("Press Estimate first."))
            return
        url, box, z0, z1 = self._job_fields()
        subs, rate, path = self._subdomains(), self.rate.value(), self.output_path()
        with QSignalBlocker(self.output_edit):  # the suffix added is not a new job
            self.output_edit.setText(str(path))
        self.progress.setRange(0, max(1, self.tile_estimate.tiles))
        self.progress.setValue(0)
        self.status_label.setText(self.tr("Starting…"))

        def call(progress: Callable[[int, int], bool]) -> DownloadResult:
            return download_tiles(
                url, box, z0, z1, path, rate_limit=rate, subdomains=subs, progress=progress
            )

        self._run("download", call)

    def cancel(self) -> None:
        """Stop the running job; tiles fetched so far stay in the file."""
        if self._job is not None:
            self._job.cancel.set()
            self.status_label.setText(self.tr("Cancelling…"))

    @property
    def busy(self) -> bool:
        return self._job is not None

    def _on_progress(self, done: int, total: int) -> None:
        if self._job_kind != "download" or total <= 0:
            return
        self.progress.setRange(0, total)
        self.progress.setValue(done)
        self.status_label.setText(
            self.tr("%1 of %2 tiles").replace("%1", f"{done:,}").replace("%2", f"{total:,}")
        )

    def _on_job_finished(self) -> None:
        job, kind = self._job, self._job_kind
        self._job = None
        self._job_kind = ""
        if job is None:
            return
        job.wait()
        if job.error is not None:
            message = self._describe(job.error, kind)
            if kind == "estimate":
                self.estimate_label.setText(self.tr("No estimate."))
            self.error_label.setText(message)
            self.status_label.clear()
            self._update_state()
            self.jobFailed.emit(message)
            return
        if kind == "estimate":
            self._show_estimate(job.result)
        else:
            self._show_result(job.result)

    def _show_estimate(self, est: TileEstimate | None) -> None:
        if est is None:
            return
        if est.sampled:
            text = self.tr("%1 tiles, about %2 (measured on %3 sample tiles).")
            text = text.replace("%3", str(est.sampled))
        else:
            text = self.tr(
                "%1 tiles, about %2 (assumed %3 a tile: no sample tile could be fetched)."
            )
            text = text.replace("%3", human_size(DEFAULT_TILE_BYTES))
        self.estimate_label.setText(
            text.replace("%1", f"{est.tiles:,}").replace("%2", human_size(est.bytes))
        )
        if est.too_large:
            self.error_label.setText(
                self.tr(
                    "%1 tiles is more than one job may fetch (%2). Choose a smaller area or fewer zoom levels."
                )
                .replace("%1", f"{est.tiles:,}")
                .replace("%2", f"{MAX_TILES:,}")
            )
        self.tile_estimate = est
        self._update_state()
        self.estimateReady.emit(est)

    def _show_result(self, result: DownloadResult) -> None:
        self.result = result
        self.progress.setRange(0, max(1, result.total))
        self.progress.setValue(result.done)
        if result.cancelled:
            text = self.tr(
                "Cancelled after %1 of %2 tiles; what was fetched is kept. Start again to resume."
            )
            text = text.replace("%1", f"{result.done:,}").replace("%2", f"{result.total:,}")
        else:
            text = (
                self.tr(
                    "Done: %1 tiles fetched, %2 already in the file, %3 not on the server, %4 failed."
                )
                .replace("%1", f"{result.fetched:,}")
                .replace("%2", f"{result.skipped:,}")
                .replace("%3", f"{result.missing:,}")
                .replace("%4", f"{result.failed:,}")
            )
        self.status_label.setText(text)
        if result.failed and not result.cancelled:
            self.error_label.setText(
                self.tr("Some tiles failed (%1). Start again later to fetch them.").replace(
                    "%1", "; ".join(result.errors[:3])
                )
            )
        self._update_state()
        self.downloadFinished.emit(result)

    def _describe(self, exc: BaseException, kind: str) -> str:
        """The failure in the officer's language; the technical detail follows in English."""
        if isinstance(exc, TileJobTooLarge):
            return (
                self.tr(
                    "%1 tiles is more than one job may fetch (%2). Choose a smaller area or fewer zoom levels."
                )
                .replace("%1", f"{exc.count:,}")
                .replace("%2", f"{exc.limit:,}")
            )
        if isinstance(exc, MBTilesError):
            return self.tr("Cannot write the tile file: %1").replace("%1", str(exc))
        detail = str(exc) if isinstance(exc, TileDownloadError) else f"{type(exc).__name__}: {exc}"
        if kind == "estimate":
            return self.tr("The estimate failed: %1").replace("%1", detail)
        if isinstance(exc, TileDownloadError):
            return self.tr("The download stopped: %1").replace("%1", detail)
        return self.tr("The download failed: %1").replace("%1", detail)

    # ------------------------------------------------------------ closing
    def shutdown(self) -> None:
        """Cancel a running job and wait for its thread, so none outlives the dialog."""
        job = self._job
        if job is not None:
            job.cancel.set()
            job.wait()
            self._on_job_finished()

    def done(self, result: int) -> None:
        self.shutdown()
        super().done(result)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802
        self.shutdown()
        super().closeEvent(event)
