"""Finding a font that has Chinese glyphs, so no output ever shows tofu boxes;
and drawing text so that a PDF's text layer says what the page says."""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QGlyphRun,
    QPaintEngine,
    QPainter,
    QPainterPath,
    QRawFont,
)

PREFERRED = (
    "Noto Sans CJK SC",
    "Noto Sans SC",
    "Source Han Sans SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "Droid Sans Fallback",
)

_PROBE = "鹤壁蓄滞洪区"


class FontError(RuntimeError):
    """No font with Chinese glyphs is installed."""


def _has_cjk(family: str) -> bool:
    raw = QRawFont.fromFont(QFont(family, 12))
    return raw.isValid() and all(raw.supportsCharacter(ord(ch)) for ch in _PROBE)


@cache
def cjk_family() -> str:
    """The family used for all map and layout text; raises FontError if none.

    Needs a QGuiApplication.
    """
    families = set(QFontDatabase.families())
    for name in PREFERRED:
        if name in families and _has_cjk(name):
            return name
    for name in sorted(families):
        if QFontDatabase.writingSystems(name) and QFontDatabase.WritingSystem.SimplifiedChinese in QFontDatabase.writingSystems(name) and _has_cjk(name):
            return name
    raise FontError(
        "no font with Chinese glyphs found; install one (Debian: apt-get install fonts-noto-cjk)"
    )


def map_font(point_size: float, bold: bool = False, scale: float = 1.0) -> QFont:
    """The CJK font at ``point_size`` (at 96 dpi) times ``scale`` device pixels per pixel.

    Pixel sizes keep text the same on screen, in images and in PDFs whatever
    the paint device's own dpi says.
    """
    font = QFont(cjk_family())
    font.setPixelSize(max(1, round(point_size * 96 / 72 * scale)))
    font.setBold(bold)
    font.setStyleStrategy(QFont.StyleStrategy.PreferAntialias)
    return font


@cache
def metrics(point_size: float, bold: bool = False, scale: float = 1.0) -> QFontMetricsF:
    return QFontMetricsF(map_font(point_size, bold, scale))


# ------------------------------------------------------------------ text for vector output
def is_vector(painter: QPainter) -> bool:
    """Whether ``painter`` writes a vector file (PDF, SVG): text stays text, symbols stay paths."""
    engine = painter.paintEngine()
    return engine is not None and engine.type() in (QPaintEngine.Type.Pdf, QPaintEngine.Type.SVG)


_RAW: dict[tuple[str, int, bool], QRawFont] = {}


def _raw(font: QFont) -> QRawFont:
    key = (font.family(), font.pixelSize(), font.bold())
    raw = _RAW.get(key)
    if raw is None:
        raw = QRawFont.fromFont(font)
        _RAW[key] = raw
    return raw


def glyph_run(text: str, font: QFont) -> QGlyphRun | None:
    """``text`` as the font's own glyphs, one per character, straight from its character map.

    Qt's PDF writer can only tell a copying reader which character a glyph
    stands for when the glyph is in the font's character map; shaping
    swaps some for variants it cannot name (Noto CJK's Latin digits after
    ``locl``), which then come out of the PDF as control characters. None
    when the font lacks a character (then Qt's own fallback draws it).
    """
    if not text:
        return None
    raw = _raw(font)
    if not raw.isValid():
        return None
    glyphs = raw.glyphIndexesForString(text)
    if len(glyphs) != len(text) or not all(glyphs):
        return None
    x = 0.0
    positions = []
    for adv in raw.advancesForGlyphIndexes(glyphs):
        positions.append(QPointF(x, 0.0))
        x += adv.x()
    run = QGlyphRun()
    run.setRawFont(raw)
    run.setGlyphIndexes(glyphs)
    run.setPositions(positions)
    return run


def text_width(text: str, font: QFont, vector: bool = False) -> float:
    """Advance of ``text`` as :func:`draw_text` draws it."""
    if vector:
        run = glyph_run(text, font)
        if run is not None:
            raw = run.rawFont()
            return float(sum(a.x() for a in raw.advancesForGlyphIndexes(run.glyphIndexes())))
    return QFontMetricsF(font).horizontalAdvance(text)


def draw_text(painter: QPainter, origin: QPointF, text: str, vector: bool = False) -> None:
    """Draw ``text`` with its baseline starting at ``origin`` in the painter's font and pen.

    On a vector device each character is drawn as its mapped glyph (see
    :func:`glyph_run`), so the PDF's text extracts exactly; on screen and
    in images Qt's shaped text is drawn, as before.
    """
    if vector:
        run = glyph_run(text, painter.font())
        if run is not None:
            painter.drawGlyphRun(origin, run)
            return
    painter.drawText(origin, text)


def draw_text_in(painter: QPainter, rect: QRectF, align: Qt.AlignmentFlag, text: str, vector: bool = False) -> float:
    """``painter.drawText(rect, align, text)`` for one line; returns the text's width.

    On a vector device the line is placed as Qt places it (left, centre or
    right; top, middle or bottom of the line box) and drawn by
    :func:`draw_text`.
    """
    font = painter.font()
    if not vector:
        painter.drawText(rect, align, text)
        return QFontMetricsF(font).horizontalAdvance(text)
    fm = QFontMetricsF(font)
    w = text_width(text, font, True)
    if align & Qt.AlignmentFlag.AlignHCenter:
        x = rect.left() + (rect.width() - w) / 2
    elif align & Qt.AlignmentFlag.AlignRight:
        x = rect.right() - w
    else:
        x = rect.left()
    if align & Qt.AlignmentFlag.AlignVCenter:
        top = rect.top() + (rect.height() - fm.height()) / 2
    elif align & Qt.AlignmentFlag.AlignBottom:
        top = rect.bottom() - fm.height()
    else:
        top = rect.top()
    draw_text(painter, QPointF(x, top + fm.ascent()), text, True)
    return w


def text_path(text: str, font: QFont, origin: QPointF) -> QPainterPath:
    """The outlines of ``text`` as :func:`draw_text` draws it on a vector device, for halos."""
    run = glyph_run(text, font)
    path = QPainterPath()
    if run is None:
        path.addText(origin, font, text)
        return path
    raw = run.rawFont()
    for glyph, pos in zip(run.glyphIndexes(), run.positions(), strict=True):
        path.addPath(raw.pathForGlyph(glyph).translated(origin + pos))
    return path
