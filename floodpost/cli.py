"""The command line: ``floodpost`` opens the GUI; subcommands run with no display.

Every failure ends with one line on stderr naming the problem and a
non-zero exit status, never a traceback: these commands run in scripts at
night as often as by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from floodpost import __version__

#: Exit status for bad input or a failed command (argparse uses 2 for usage).
EXIT_FAILED = 1


class CommandError(Exception):
    """A failure the user can act on; printed as one line."""


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"size must look like 1600x1000; got {text!r}") from None
    if not (16 <= w <= 20000 and 16 <= h <= 20000):
        raise argparse.ArgumentTypeError(f"size must be between 16 and 20000 pixels a side; got {text!r}")
    return w, h


def build_parser() -> argparse.ArgumentParser:
    """The argument parser; kept separate so tests and docs can inspect it."""
    p = argparse.ArgumentParser(
        prog="floodpost",
        description="Desktop GIS for a flood-control command post. With no command, opens the map window.",
    )
    p.add_argument("--version", action="version", version=f"floodpost {__version__}")
    p.add_argument("--lang", help="interface language: zh_CN or en (default: from the locale)")
    sub = p.add_subparsers(dest="command", metavar="COMMAND")

    g = sub.add_parser("gui", help="open the map window (the default)")
    g.add_argument("workspace", nargs="?", help="GeoPackage workspace to open")

    d = sub.add_parser("demo", help="build the illustrative Hebi workspace")
    d.add_argument("-o", "--output", default="demo.gpkg", help="where to write it (default: demo.gpkg)")
    d.add_argument("--force", action="store_true", help="overwrite an existing file")

    i = sub.add_parser("info", help="layers, counts, extent and time span of a workspace")
    i.add_argument("workspace")
    i.add_argument("--json", action="store_true", help="print one JSON object")

    s = sub.add_parser("snapshot", help="render the map to a PNG with no display")
    s.add_argument("workspace")
    s.add_argument("-o", "--output", required=True, help="PNG file to write")
    s.add_argument("--size", type=_size, default=(1600, 1000), help="WxH in pixels (default 1600x1000)")
    s.add_argument(
        "--bounds", type=lambda t: tuple(float(v) for v in t.split(",")),
        help="lon0,lat0,lon1,lat1 to show instead of the full extent",
    )
    return p


# ------------------------------------------------------------------ commands
def _open(path: str) -> Any:
    from floodpost.data.workspace import Workspace

    if not Path(path).exists():
        raise CommandError(f"{path}: no such workspace")
    return Workspace.open(path)


def cmd_demo(args: argparse.Namespace) -> int:
    from floodpost.data.demo import build_demo

    out = Path(args.output)
    if out.exists() and not args.force:
        raise CommandError(f"{out} exists; pass --force to overwrite it")
    build_demo(out, overwrite=args.force)
    print(f"wrote {out} (illustrative Hebi workspace)")
    return 0


def _info(ws: Any) -> dict[str, Any]:
    from floodpost.data.timeutil import iso_local

    info = ws.info()
    span = ws.time_span()
    info["time_span"] = (
        {"start": iso_local(span[0]), "end": iso_local(span[1])} if span else None
    )
    return info


def cmd_info(args: argparse.Namespace) -> int:
    from floodpost.data.schema import ALL

    with _open(args.workspace) as ws:
        info = _info(ws)
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    print(f"{info['path']}  (schema version {info['schema_version']})")
    for group in ("layers", "tables"):
        for key, item in info[group].items():
            label = ALL[key].zh
            print(f"  {key:<15} {label:<10} {item['count']:>8}")
    if info.get("extent"):
        x0, y0, x1, y1 = info["extent"]
        print(f"  extent  {x0:.5f},{y0:.5f} – {x1:.5f},{y1:.5f} (EPSG:4490)")
    if info.get("time_span"):
        print(f"  records {info['time_span']['start']} – {info['time_span']['end']}")
    return 0


def _qt_app() -> Any:
    """A GUI application for painting, offscreen when there is no display."""
    if not os.environ.get("QT_QPA_PLATFORM") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ) and sys.platform.startswith("linux"):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    from PySide6.QtGui import QGuiApplication

    return QGuiApplication.instance() or QGuiApplication(["floodpost"])


def cmd_snapshot(args: argparse.Namespace) -> int:
    out = Path(args.output)
    if out.suffix.lower() != ".png":
        raise CommandError(f"{out}: snapshot writes .png files")
    if not out.parent.exists():
        raise CommandError(f"{out.parent}: no such folder")
    app = _qt_app()
    from floodpost import i18n
    from floodpost.layers.fonts import FontError
    from floodpost.layers.scene import snapshot

    i18n.set_language(args.lang)
    try:
        with _open(args.workspace) as ws:
            snapshot(ws, out, args.size, bounds=args.bounds)
    except FontError as exc:
        raise CommandError(str(exc)) from None
    del app
    print(f"wrote {out} ({args.size[0]}x{args.size[1]})")
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    from floodpost.ui.app import run

    return run(getattr(args, "workspace", None), lang=args.lang)


COMMANDS = {"demo": cmd_demo, "info": cmd_info, "snapshot": cmd_snapshot, "gui": cmd_gui}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``floodpost`` script; returns the exit status."""
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "gui"
    try:
        return COMMANDS[command](args)
    except KeyboardInterrupt:
        print("floodpost: interrupted", file=sys.stderr)
        return 130
    except (CommandError, OSError, ValueError, KeyError, RuntimeError, sqlite3.Error) as exc:
        msg = exc.args[0] if isinstance(exc, KeyError) and exc.args else exc
        print(f"floodpost {command}: error: {msg}", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
