"""The arrow points one way: data knows no Qt, layers know no widgets (DESIGN.md)."""

from __future__ import annotations

import pkgutil
import re
import subprocess
import sys
from pathlib import Path

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


ROOT = Path(__file__).resolve().parents[1]


def test_the_import_contracts_hold():
    """import-linter's contracts in pyproject.toml (function-level imports included)."""
    exe = Path(sys.executable).with_name("lint-imports")
    run = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert "0 broken" in run.stdout


def test_a_forbidden_import_breaks_a_contract(tmp_path):
    """The contracts can fail: a layers module that imports the storage back end is caught."""
    bad = ROOT / "floodpost" / "layers" / "_contract_probe.py"
    bad.write_text("def f():\n    from floodpost.data.store.gpkg import GpkgStore\n    return GpkgStore\n")
    try:
        exe = Path(sys.executable).with_name("lint-imports")
        run = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True, timeout=300)
    finally:
        bad.unlink()
    assert run.returncode != 0
    assert "floodpost.layers._contract_probe -> floodpost.data.store.gpkg" in run.stdout


def test_nothing_outside_the_store_touches_sqlite_or_a_connection():
    """The storage seam: no sqlite3 or psycopg, no private connection, no workspace file path outside
    floodpost/data/store."""
    pattern = re.compile(r"\bsqlite3\b|\bpsycopg\b|\._con\b|\b(ws|workspace|store)\.path\b|_insert_valid")
    offenders = []
    for path in (ROOT / "floodpost").rglob("*.py"):
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("floodpost/data/store/"):
            continue
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line) and not line.lstrip().startswith("#"):
                offenders.append(f"{rel}:{n}: {line.strip()}")
    assert not offenders, "\n".join(offenders)


def test_every_package_is_installed():
    """pyproject lists packages one by one: a new subpackage must be on the list, or `pip install .` drops it."""
    import tomllib

    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {p.parent.relative_to(ROOT).as_posix().replace("/", ".") for p in (ROOT / "floodpost").rglob("__init__.py")}
    assert found <= listed, f"missing from pyproject's packages: {sorted(found - listed)}"
