"""Refresh the Simplified Chinese translation after UI strings change.

    python scripts/update_translations.py          # lupdate + lrelease, list untranslated
    python scripts/update_translations.py --check  # exit 1 if anything is untranslated

The .ts file is the source of truth (edit it with pyside6-linguist or by
hand); the compiled .qm next to it ships in the package.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TS = ROOT / "assets" / "translations" / "floodpost_zh_CN.ts"
QM = TS.with_suffix(".qm")


def tool(name: str) -> str:
    exe = shutil.which(name) or str(Path(sys.executable).with_name(name))
    if not Path(exe).exists():
        raise SystemExit(f"{name} not found; it comes with PySide6-Essentials")
    return exe


def sources() -> list[str]:
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "floodpost").rglob("*.py"))


def lupdate(ts: Path) -> None:
    subprocess.run(
        [tool("pyside6-lupdate"), "-no-obsolete", "-locations", "none", *sources(), "-ts", str(ts)],
        cwd=ROOT, check=True, capture_output=True,
    )


def untranslated(ts: Path) -> list[tuple[str, str]]:
    """(context, source) of every message without a finished translation."""
    out = []
    for ctx in ET.parse(ts).getroot().iter("context"):
        name = ctx.findtext("name")
        for msg in ctx.iter("message"):
            tr = msg.find("translation")
            if tr is None or tr.get("type") in ("unfinished", "vanished", "obsolete") or not (tr.text or "").strip():
                out.append((name or "", msg.findtext("source") or ""))
    return out


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    lupdate(TS)
    missing = untranslated(TS)
    for ctx, src in missing:
        print(f"untranslated: [{ctx}] {src!r}")
    subprocess.run([tool("pyside6-lrelease"), str(TS), "-qm", str(QM)], check=True, capture_output=True)
    print(f"{TS.name}: {len(missing)} untranslated; wrote {QM.name}")
    return 1 if (missing and args.check) else 0


if __name__ == "__main__":
    sys.exit(main())
