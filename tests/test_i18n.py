"""Every UI string has a shipped Simplified Chinese translation, and it is used."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication

from floodpost import i18n

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "update_translations.py"


def _script():
    spec = importlib.util.spec_from_file_location("update_translations", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def test_ts_covers_every_string_in_the_source(tmp_path):
    mod = _script()
    ts = tmp_path / "check.ts"
    shutil.copy(mod.TS, ts)
    mod.lupdate(ts)
    missing = mod.untranslated(ts)
    assert not missing, f"untranslated UI strings (run scripts/update_translations.py): {missing}"


def test_shipped_qm_is_compiled_from_the_ts(tmp_path):
    mod = _script()
    qm = tmp_path / "x.qm"
    subprocess.run([mod.tool("pyside6-lrelease"), str(mod.TS), "-qm", str(qm)], check=True, capture_output=True)
    assert qm.read_bytes() == mod.QM.read_bytes(), "run scripts/update_translations.py"


def test_language_detection(monkeypatch):
    for var in ("LC_ALL", "LC_MESSAGES", "LANG", "LANGUAGE"):
        monkeypatch.delenv(var, raising=False)
    monkeypatch.setenv("LANG", "zh_CN.UTF-8")
    assert i18n.detect_language() == "zh_CN"
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    assert i18n.detect_language() == "en"


def test_chinese_window(qtbot, zh):
    from floodpost.ui.mainwindow import MainWindow

    assert QCoreApplication.translate("MainWindow", "Layers") == "图层"
    win = MainWindow()
    qtbot.addWidget(win)
    menus = [a.text() for a in win.menuBar().actions()]
    assert menus == ["文件(&F)", "编辑(&E)", "视图(&V)", "底图(&B)", "帮助(&H)"]
    assert win.layer_dock.windowTitle() == "图层"
    assert i18n.lang_short() == "zh"


def test_lang_option_reaches_the_gui(monkeypatch):
    import floodpost.cli as cli

    seen = {}
    monkeypatch.setattr("floodpost.ui.app.run", lambda ws=None, lang=None: seen.update(ws=ws, lang=lang) or 0)
    assert cli.main(["--lang", "zh_CN"]) == 0
    assert seen == {"ws": None, "lang": "zh_CN"}
    assert sys.modules["floodpost.ui.app"]
