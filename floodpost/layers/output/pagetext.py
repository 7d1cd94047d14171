"""The language of a press page, independent of the window's language.

The press page is Chinese unless asked otherwise, whatever language the
interface or the machine's locale uses; so the page reads its strings from a
translator of its own that is never installed in the application. The live
canvas uses :meth:`PageText.interface`, which follows the installed one.
QtCore only.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QCoreApplication, QTranslator

LANGS = ("zh", "en")


def page_lang(lang: str | None) -> str:
    """``zh`` or ``en`` from any spelling (``zh_CN``, ``zh-CN``, ``en_US``…); None is Chinese."""
    if lang is None:
        return "zh"
    low = lang.strip().lower().replace("-", "_")
    if low.startswith("zh"):
        return "zh"
    if low.startswith("en"):
        return "en"
    raise ValueError(f"page language must be zh or en; got {lang!r}")


@cache
def _translator(lang: str) -> QTranslator | None:
    if lang != "zh":
        return None  # English is the source language of the strings
    from floodpost.resources import asset_path

    t = QTranslator()
    if not t.load(str(asset_path("translations", "floodpost_zh_CN.qm"))):
        raise RuntimeError("the Chinese translation (floodpost_zh_CN.qm) is missing from the package")
    return t


class PageText:
    """Strings of one page in one language: ``translate(context, text)`` as Qt's, but page-local.

    The method is called ``translate`` so that lupdate collects the strings.
    """

    def __init__(self, lang: str | None = "zh", *, interface: bool = False) -> None:
        self.interface = interface
        if interface:
            from floodpost.i18n import lang_short

            self.lang = lang_short()
            self._tr = None
        else:
            self.lang = page_lang(lang)
            self._tr = _translator(self.lang)

    @classmethod
    def for_interface(cls) -> PageText:
        """Strings in the window's language, through the application's installed translator."""
        return cls(interface=True)

    @property
    def zh(self) -> bool:
        return self.lang == "zh"

    def translate(self, context: str, text: str) -> str:
        """``text`` in the page's language (the source text when there is no translation)."""
        if self.interface:
            return QCoreApplication.translate(context, text)
        if self._tr is None:
            return text
        return self._tr.translate(context, text) or text
