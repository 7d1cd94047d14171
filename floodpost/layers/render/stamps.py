"""Small pictures drawn once and stamped: the overlays' many identical marks on screen.

A slider step over a season redraws hundreds of halos, status rings and
warned villages. Drawn one by one each is a few antialiased Qt calls (and
each call lets the other threads take Python's lock); stamped, it is one
``drawImage``. Pictures are kept per look and half-pixel offset, so a mark
lands within a quarter pixel of where it would be drawn. On paper (PDF,
SVG) and under a scaled page the marks stay vector: callers ask
:func:`may_stamp` first.
"""

from __future__ import annotations

import math
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from PySide6.QtCore import Qt
from PySide6.QtGui import QImage, QPainter

from floodpost.layers.render.fonts import is_vector

#: Pictures kept (look, half-pixel offset): a season's marks need a few hundred.
STAMP_CACHE = 4096
_stamps: OrderedDict[tuple[Hashable, float, float], tuple[QImage, int]] = OrderedDict()
_lock = threading.Lock()


def may_stamp(painter: QPainter) -> bool:
    """Stamping keeps the look only on a raster device drawn at its own pixels."""
    return not is_vector(painter) and painter.transform().isIdentity()


def stamp(painter: QPainter, key: Hashable, reach: float, draw: Callable[[QPainter, float, float], None],
          x: float, y: float) -> None:
    """Stamp the mark ``key`` centred on (x, y); ``draw(p, cx, cy)`` draws it centred on (cx, cy) the
    first time, within ``reach`` pixels of its centre."""
    ix, iy = math.floor(x), math.floor(y)
    fx, fy = round((x - ix) * 2) / 2, round((y - iy) * 2) / 2
    full = (key, fx, fy)
    hit = _stamps.get(full)  # one dict lookup is safe between threads; changes take the lock
    if hit is None:
        c = math.ceil(reach + 2)
        img = QImage(2 * c + 2, 2 * c + 2, QImage.Format.Format_ARGB32_Premultiplied)
        img.fill(Qt.GlobalColor.transparent)
        p = QPainter(img)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        draw(p, c + fx, c + fy)
        p.end()
        hit = (img, c)
        with _lock:
            _stamps[full] = hit
            while len(_stamps) > STAMP_CACHE:
                _stamps.popitem(last=False)
    img, c = hit
    painter.drawImage(ix - c, iy - c, img)
