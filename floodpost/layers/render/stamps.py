"""Small pictures drawn once and stamped: the overlays' many identical marks on screen.

A slider step over a season redraws hundreds of halos, status rings and
warned villages. Drawn one by one each is a few antialiased Qt calls (and
each call lets the other threads take Python's lock). Stamped, each look is
drawn once, at its half-pixel offset, into a sheet of pictures; a
:class:`Stamps` batch then lays a frame's marks from the sheet in one
``drawPixmapFragments`` call, in the order they were added. The map's label
sprites are laid the same way from a sheet of their own. A mark lands within a quarter pixel of where it would be drawn.
On paper (PDF, SVG) and under a scaled page the marks stay vector: callers
ask :func:`may_stamp` first.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Hashable

import numpy as np
import shiboken6
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QImage, QPainter, QPixmap

from floodpost.layers.render.fonts import is_vector

#: Side of the sheet of pictures, in pixels (16 MB): a season's looks, halos of every size
#: included, take about a quarter of it. When it is full it is dropped and the looks drawn anew.
SHEET = 2048


def may_stamp(painter: QPainter) -> bool:
    """Stamping keeps the look only on a raster device drawn at its own pixels."""
    return not is_vector(painter) and painter.transform().isIdentity()


class _Sheet:
    """One sheet of pictures, packed in shelves, drawn straight into a pixmap.

    A pixmap, not an image: drawPixmapFragments wants one, and making one from
    an image after each new look would copy the whole sheet.
    """

    def __init__(self, lock: threading.Lock) -> None:
        self.lock = lock  # its _Sheets' lock: held while it is painted on or laid from
        self.pixmap = QPixmap(SHEET, SHEET)
        self.pixmap.fill(Qt.GlobalColor.transparent)
        self.x = self.y = self.row = 0

    def room(self, w: int, h: int) -> tuple[int, int] | None:
        """Where a ``w`` x ``h`` picture goes on this sheet, or None when it is full."""
        if self.x + w > SHEET:
            self.x, self.y, self.row = 0, self.y + self.row, 0
        if self.y + h > SHEET:
            return None
        at = (self.x, self.y)
        self.x += w
        self.row = max(self.row, h)
        return at


class _Sheets:
    """Every picture drawn so far: key -> (sheet, left, top, width, height, x offset, y offset).

    A mark's key is its look and half-pixel offset, its offsets those of its centre in the
    picture; a label's key is its text and style, its offsets those of its baseline origin.
    ``lock`` is held while a picture is drawn onto the sheet and while marks are
    laid from it, so no thread reads the pixmap while another paints on it.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sheet: _Sheet | None = None
        self.where: dict[Hashable, tuple[_Sheet, int, int, int, int, float, float]] = {}

    def find(self, key: Hashable, fx: float, fy: float, reach: float,
             draw: Callable[[QPainter, float, float], None]) -> tuple[_Sheet, int, int, int, int, float, float] | None:
        """A mark's place on the sheet, drawn there the first time; None: too big for a sheet."""
        full = (key, fx, fy)
        hit = self.where.get(full)  # one dict lookup is safe between threads; changes take the lock
        if hit is not None:
            return hit
        c = math.ceil(reach + 2)
        side = 2 * c + 2

        def paint(p: QPainter, left: int, top: int) -> None:
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            draw(p, left + c + fx, top + c + fy)

        return self._put(full, side, side, paint, c, c)

    def find_image(self, key: Hashable, make: Callable[[], tuple[QImage, float, float]]
                   ) -> tuple[_Sheet, int, int, int, int, float, float] | None:
        """A picture made by ``make`` (image, x and y of its origin in it), copied onto the sheet the
        first time; None: too big for a sheet."""
        hit = self.where.get(key)
        if hit is not None:
            return hit
        img, ox, oy = make()

        def paint(p: QPainter, left: int, top: int) -> None:
            p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Source)
            p.drawImage(left, top, img)

        return self._put(key, img.width(), img.height(), paint, ox, oy)

    def _put(self, full: Hashable, w: int, h: int, paint: Callable[[QPainter, int, int], None],
             ox: float, oy: float) -> tuple[_Sheet, int, int, int, int, float, float] | None:
        if w > SHEET // 4 or h > SHEET // 4 or w < 1 or h < 1:
            return None
        with self.lock:
            hit = self.where.get(full)
            if hit is not None:  # another thread drew it meanwhile
                return hit
            at = self.sheet.room(w, h) if self.sheet is not None else None
            if at is None:  # full: a new sheet (marks of the old one not yet laid keep it)
                self.sheet = _Sheet(self.lock)
                self.where.clear()
                at = self.sheet.room(w, h)
                assert at is not None
            p = QPainter(self.sheet.pixmap)
            p.setClipRect(at[0], at[1], w, h)
            paint(p, at[0], at[1])
            p.end()
            hit = (self.sheet, at[0], at[1], w, h, ox, oy)
            self.where[full] = hit
        return hit


_sheets = _Sheets()
#: The labels' sprites have their own sheet: a season's drag brings new ones at every
#: step, and filling the marks' sheet would make every mark be drawn again.
_label_sheets = _Sheets()


def _round(v: float) -> int:
    """As Qt places an image drawn at a fractional point: to the nearest pixel, halves away from zero."""
    return math.floor(v + 0.5) if v >= 0 else -math.floor(-v + 0.5)


class Stamps:
    """A frame's marks and sprites, laid in the order they were added when flushed (or the ``with``
    block ends): one ``drawPixmapFragments`` call for a run of pictures from one sheet."""

    def __init__(self, painter: QPainter) -> None:
        self.painter = painter
        self._run: _Sheet | None = None
        self._rows: list[tuple[float, float, float, float, float, float]] = []  # centre x, y, left, top, w, h

    def __enter__(self) -> Stamps:
        return self

    def __exit__(self, *exc: object) -> None:
        self.flush()

    def add(self, key: Hashable, reach: float, draw: Callable[[QPainter, float, float], None],
            x: float, y: float, whole: bool = False) -> None:
        """Stamp the mark ``key`` centred on (x, y); ``draw(p, cx, cy)`` draws it centred on (cx, cy)
        the first time, within ``reach`` pixels of its centre. To half a pixel, or with ``whole``
        to the nearest pixel: one picture instead of four for a mark whose looks vary a lot."""
        if whole:
            ix, iy, fx, fy = _round(x), _round(y), 0.0, 0.0
        else:
            ix, iy = math.floor(x), math.floor(y)
            fx, fy = round((x - ix) * 2) / 2, round((y - iy) * 2) / 2
        hit = _sheets.find(key, fx, fy, reach, draw)
        if hit is None:  # too big for a sheet: drawn as it is, after the marks before it
            self.flush()
            self.painter.save()
            self.painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            draw(self.painter, x, y)
            self.painter.restore()
            return
        # the picture's top left at (ix - c, iy - c): on whole pixels, so it is not resampled
        self._lay(hit, ix - hit[5], iy - hit[6])

    def add_image(self, key: Hashable, make: Callable[[], tuple[QImage, float, float]], x: float, y: float) -> None:
        """The picture ``key`` (``make()``: image and its origin in it, the first time) with its
        origin at (x, y), placed on whole pixels as ``drawImage`` places it."""
        hit = _label_sheets.find_image(key, make)
        if hit is None:  # too big for a sheet
            self.flush()
            img, ox, oy = make()
            self.painter.drawImage(QPointF(x - ox, y - oy), img)
            return
        self._lay(hit, _round(x - hit[5]), _round(y - hit[6]))

    def _lay(self, hit: tuple[_Sheet, int, int, int, int, float, float], left: float, top: float) -> None:
        sheet, sx, sy, w, h = hit[:5]
        if sheet is not self._run:
            self.flush()
            self._run = sheet
        self._rows.append((left + w / 2, top + h / 2, sx, sy, w, h))

    def flush(self) -> None:
        """Lay the pictures added since the last flush."""
        if not self._rows or self._run is None:
            self._rows.clear()
            return
        rows = np.asarray(self._rows, dtype=np.float64)
        frags = np.empty((len(rows), 10), dtype=np.float64)
        frags[:, 0:6] = rows
        frags[:, 6:8] = 1.0
        frags[:, 8] = 0.0
        frags[:, 9] = 1.0
        ptr = shiboken6.wrapInstance(frags.ctypes.data, QPainter.PixmapFragment)
        with self._run.lock:
            self.painter.drawPixmapFragments(ptr, len(rows), self._run.pixmap)
        self._rows.clear()
