"""Small pictures drawn once and stamped: the overlays' many identical marks on screen.

A slider step over a season redraws hundreds of halos, status rings and
warned villages. Drawn one by one each is a few antialiased Qt calls (and
each call lets the other threads take Python's lock). Stamped, each look is
drawn once, at its half-pixel offset, into a sheet of pictures; a
:class:`Stamps` batch then lays a frame's marks from the sheet in one
``drawPixmapFragments`` call, in the order they were added. A mark lands within a quarter pixel of where it would be drawn.
On paper (PDF, SVG) and under a scaled page the marks stay vector: callers
ask :func:`may_stamp` first.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Hashable

import numpy as np
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPixmap

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

    def __init__(self) -> None:
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
    """Every look drawn so far: (look, half-pixel offset) -> (sheet, left, top, side).

    ``lock`` is held while a look is drawn onto the sheet and while marks are
    laid from it, so no thread reads the pixmap while another paints on it.
    """

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.sheet: _Sheet | None = None
        self.where: dict[tuple[Hashable, float, float], tuple[_Sheet, int, int, int]] = {}

    def find(self, key: Hashable, fx: float, fy: float, reach: float,
             draw: Callable[[QPainter, float, float], None]) -> tuple[_Sheet, int, int, int] | None:
        """The look's place on the sheet, drawn there the first time; None: too big for a sheet."""
        full = (key, fx, fy)
        hit = self.where.get(full)  # one dict lookup is safe between threads; changes take the lock
        if hit is not None:
            return hit
        c = math.ceil(reach + 2)
        side = 2 * c + 2
        if side > SHEET // 4:
            return None
        with self.lock:
            hit = self.where.get(full)
            if hit is not None:  # another thread drew it meanwhile
                return hit
            at = self.sheet.room(side, side) if self.sheet is not None else None
            if at is None:  # full: a new sheet (marks of the old one not yet laid keep it)
                self.sheet = _Sheet()
                self.where.clear()
                at = self.sheet.room(side, side)
                assert at is not None
            p = QPainter(self.sheet.pixmap)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            p.setClipRect(at[0], at[1], side, side)
            draw(p, at[0] + c + fx, at[1] + c + fy)
            p.end()
            hit = (self.sheet, at[0], at[1], side)
            self.where[full] = hit
        return hit


_sheets = _Sheets()


class Stamps:
    """A frame's marks, laid in the order they were added when flushed (or the ``with`` block ends)."""

    def __init__(self, painter: QPainter) -> None:
        self.painter = painter
        self._run: _Sheet | None = None
        self._rows: list[tuple[float, float, float, float, float]] = []  # centre x, y, left, top, side

    def __enter__(self) -> Stamps:
        return self

    def __exit__(self, *exc: object) -> None:
        self.flush()

    def add(self, key: Hashable, reach: float, draw: Callable[[QPainter, float, float], None],
            x: float, y: float) -> None:
        """Stamp the mark ``key`` centred on (x, y); ``draw(p, cx, cy)`` draws it centred on (cx, cy)
        the first time, within ``reach`` pixels of its centre."""
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
        sheet, left, top, side = hit
        if sheet is not self._run:
            self.flush()
            self._run = sheet
        c = (side - 2) // 2
        # the picture's top left at (ix - c, iy - c): its centre on whole pixels, so it is not resampled
        self._rows.append((ix - c + side / 2, iy - c + side / 2, left, top, side))

    def flush(self) -> None:
        """Lay the marks added since the last flush."""
        if not self._rows or self._run is None:
            self._rows.clear()
            return
        rows = np.asarray(self._rows, dtype=np.float64)
        frags = np.empty((len(rows), 10), dtype=np.float64)
        frags[:, 0:4] = rows[:, 0:4]
        frags[:, 4] = rows[:, 4]
        frags[:, 5] = rows[:, 4]
        frags[:, 6:8] = 1.0
        frags[:, 8] = 0.0
        frags[:, 9] = 1.0
        ptr = shiboken6.wrapInstance(frags.ctypes.data, QPainter.PixmapFragment)
        with _sheets.lock:
            self.painter.drawPixmapFragments(ptr, len(rows), self._run.pixmap)
        self._rows.clear()


def stamp(painter: QPainter, key: Hashable, reach: float, draw: Callable[[QPainter, float, float], None],
          x: float, y: float) -> None:
    """One mark stamped on its own (see :class:`Stamps` for many)."""
    with Stamps(painter) as marks:
        marks.add(key, reach, draw, x, y)
