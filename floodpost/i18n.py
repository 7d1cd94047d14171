"""The interface language: Simplified Chinese on a zh locale or on request, else English.

Qt's translators carry the UI strings; the domain labels (layer and field
names, enum values) come in both languages from the schema, so both follow
the one language chosen here.
"""

from __future__ import annotations

import locale
import os

from PySide6.QtCore import QCoreApplication, QLocale, QTranslator

_lang = "en"
_translators: list[QTranslator] = []


def detect_language() -> str:
    """``zh_CN`` on a Chinese locale, ``en`` otherwise."""
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        value = os.environ.get(var, "")
        if value:
            return "zh_CN" if value.lower().startswith("zh") else "en"
    try:
        name = QLocale.system().name()
    except Exception:  # pragma: no cover - no Qt locale backend
        name = locale.getlocale()[0] or ""
    return "zh_CN" if name.lower().startswith("zh") else "en"


def qt_dialog_strings() -> tuple[str, ...]:
    """Strings of Qt's own file dialog that the qtbase_zh_CN.qm shipped with PySide6 lacks.

    Qt 6 moved their shortcut letters ("&Look in:"), so Qt's Chinese catalogue
    no longer matches them and the Open dialog said "Look in:" in a Chinese UI.
    Listed here, lupdate puts them into our own catalogue under Qt's contexts;
    our translator answers where Qt's has no entry. (Also used by the tests.)
    """
    return (  # spelled out: lupdate reads the calls
        QCoreApplication.translate("QFileDialog", "&Look in:"),
        QCoreApplication.translate("QFileDialog", "Files of &type:"),
        QCoreApplication.translate("QAbstractFileIconProvider", "Folder", "All other platforms"),
        QCoreApplication.translate("QAbstractFileIconProvider", "File Folder", "Match Windows Explorer"),
        QCoreApplication.translate("QAbstractFileIconProvider", "Drive"),
    )


def current_language() -> str:
    """The chosen language code, e.g. ``zh_CN`` or ``en``."""
    return _lang


def lang_short() -> str:
    """``zh`` or ``en``, the form the schema's label methods take."""
    return "zh" if _lang.startswith("zh") else "en"


def set_language(lang: str | None) -> str:
    """Choose the language and install the shipped translation into the running app.

    ``lang`` None means detect from the environment. Unknown languages fall
    back to English, which is the source language of the strings.
    """
    global _lang
    lang = lang or detect_language()
    lang = "zh_CN" if lang.lower().replace("-", "_").startswith("zh") else "en"
    _lang = lang
    app = QCoreApplication.instance()
    if app is None:
        return lang
    for t in _translators:
        app.removeTranslator(t)
    _translators.clear()
    if lang == "zh_CN":
        from floodpost.resources import asset_path

        t = QTranslator(app)
        if t.load(str(asset_path("translations", "floodpost_zh_CN.qm"))):
            app.installTranslator(t)
            _translators.append(t)
        # Qt's own buttons and dialogs (下一步, 取消 …) from the translations Qt ships.
        from PySide6.QtCore import QLibraryInfo

        qt = QTranslator(app)
        folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
        if qt.load("qtbase_zh_CN", folder):
            app.installTranslator(qt)
            _translators.append(qt)
    return lang
