"""Finding a font that has Chinese glyphs, so no output ever shows tofu boxes."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QFont, QFontDatabase, QFontMetricsF, QRawFont

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
