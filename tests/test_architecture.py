"""The arrow points one way: data knows no Qt, layers know no widgets (DESIGN.md)."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import floodpost.data
import floodpost.layers


def _modules(pkg) -> list[str]:
    return [f"{pkg.__name__}.{m.name}" for m in pkgutil.iter_modules(pkg.__path__)]


def _loaded_after_import(modules: list[str]) -> set[str]:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + "print('\\n'.join(sorted(sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_data_imports_no_qt():
    loaded = _loaded_after_import(_modules(floodpost.data))
    assert not {m for m in loaded if m.startswith(("PySide6", "pyqtgraph", "shiboken6"))}


def test_layers_import_no_widgets():
    loaded = _loaded_after_import(_modules(floodpost.layers))
    assert "PySide6.QtGui" in loaded
    assert "PySide6.QtWidgets" not in loaded
