"""The command line: ``floodpost`` opens the GUI; subcommands run with no display.

Every failure ends with one line on stderr naming the problem and a
non-zero exit status, never a traceback: these commands run in scripts at
night as often as by hand.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from floodpost import __version__
from floodpost.data.formats import FORMATS as FILE_FORMATS
from floodpost.data.formats import writable_suffixes
from floodpost.data.schema import IMPORTABLE

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
    g.add_argument("workspace", nargs="?", help="workspace to open: a GeoPackage file or a shared one (postgresql://…, service=NAME)")

    d = sub.add_parser("demo", help="build the illustrative Hebi workspace")
    d.add_argument("-o", "--output", default="demo.gpkg", help="where to write it (default: demo.gpkg)")
    d.add_argument("--force", action="store_true", help="overwrite an existing file")

    i = sub.add_parser("info", help="layers, counts, extent and time span of a workspace")
    i.add_argument("workspace")
    i.add_argument("--json", action="store_true", help="print one JSON object")
    i.add_argument("--check", action="store_true",
                   help="also check every cell of the record tables and the log for damage (slower)")
    i.add_argument("--at", metavar="TIME",
                   help="totals as of this Beijing time, e.g. 2021-07-23T18:00 (default: now)")

    s = sub.add_parser("snapshot", help="render the map to a PNG with no display")
    s.add_argument("workspace")
    s.add_argument("-o", "--output", required=True, help="PNG file to write")
    s.add_argument("--size", type=_size, default=None, help="WxH in pixels (default 1600x1000, or the preset's)")
    s.add_argument(
        "--bounds", type=lambda t: tuple(float(v) for v in t.split(",")),
        help="lon0,lat0,lon1,lat1 to show instead of the full extent",
    )
    s.add_argument("--at", metavar="TIME", help="the situation as of this Beijing time (default: now)")
    s.add_argument("--title", help="compose a titled page (legend, scale bar, north arrow, key figures)")
    s.add_argument("--preset", choices=("screen", "a4", "a3"),
                   help="page: screen 1920x1080, or A4/A3 landscape at 300 dpi (default: a4 for PDF)")
    s.add_argument("--dpi", type=int, help="dots per inch of the page (default: the preset's)")
    s.add_argument("--press", action="store_true",
                   help="fit for publication: no names or phone numbers of persons, in the page or its metadata")
    s.add_argument("--source", default="", help="data source line of the page")
    s.add_argument("--producer", default="", help="producer line (the unit that made the map)")
    s.add_argument("--review-number", default="",
                   help="map review number (审图号) of the basemap, printed in the footer; "
                   "a map published in China needs one")
    s.add_argument("--lang", dest="page_lang", choices=("zh", "en"),
                   help="language of the composed page (default: Chinese, whatever the interface language)")
    rp = sub.add_parser("replay", help="the flood's course as an animated GIF (or MP4) of the press page")
    rp.add_argument("workspace")
    rp.add_argument("-o", "--output", required=True, help=".gif (or .mp4 with imageio-ffmpeg installed)")
    rp.add_argument("--from", dest="start", metavar="TIME", help="first moment (default: the first report)")
    rp.add_argument("--to", dest="end", metavar="TIME", help="last moment (default: the last report)")
    rp.add_argument("--size", type=_size, default=(1280, 720), help="WxH in pixels (default 1280x720)")
    rp.add_argument("--title", default="", help="title of every frame")
    rp.add_argument("--seconds", type=float, default=0.8, help="seconds per frame (default 0.8)")
    rp.add_argument("--lang", dest="page_lang", choices=("zh", "en"),
                    help="language of the frames (default: Chinese, whatever the interface language)")

    im = sub.add_parser(
        "import", help="import a file into a layer or table: all rows or none",
        description="Formats: " + ", ".join(f"{f.en} ({' '.join(f.suffixes)})" for f in FILE_FORMATS if f.read)
        + "; tables and spreadsheets with coordinate columns.",
    )
    im.add_argument("workspace")
    im.add_argument("file")
    im.add_argument("--as", dest="key", required=True, metavar="KEY",
                    help="layer key or table: " + ", ".join(IMPORT_KEYS))
    im.add_argument("--lon", metavar="COL", help="column with longitude (or easting)")
    im.add_argument("--lat", metavar="COL", help="column with latitude (or northing)")
    im.add_argument("--crs", metavar="CRS",
                    help="coordinate system when the file names none or names it wrongly: "
                    "EPSG:4490, EPSG:4526 … or gcj02 (phone map apps)")
    im.add_argument("--encoding", metavar="ENC", help="text encoding, e.g. GBK or UTF-8 (default: detected)")
    im.add_argument("--layer", metavar="NAME", help="layer of a GeoPackage or zip, or sheet of a workbook")
    im.add_argument("--create", action="store_true", help="create the workspace if it does not exist")
    im.add_argument("--set", dest="constants", action="append", default=[], metavar="FIELD=VALUE",
                    help="give every row this value (repeatable; Chinese, English or code, e.g. "
                    "--set status=在岗 --set county=淇县); replaces a column mapped to the field. "
                    "Required fields the file lacks take their defaults (forces status 在岗, "
                    "waterlogging kind 其他, report time the import time) and the report names the rows")
    im.add_argument("--unmatched", choices=("refuse", "skip"), default="refuse",
                    help="readings naming a station the stations layer lacks: refuse the whole file "
                    "(default) or import the known stations and report the others")

    ex = sub.add_parser("export", help="write a layer or table to a file; format from the suffix")
    ex.add_argument("workspace")
    ex.add_argument("--layer", dest="key", required=True, metavar="KEY")
    ex.add_argument("-o", "--output", required=True,
                    help="file to write: " + " ".join(writable_suffixes()))
    ex.add_argument("--encoding", default="UTF-8", help="Shapefile/CSV text encoding (default UTF-8; GBK for old software)")
    ex.add_argument("--press", action="store_true", help="leave out names and phone numbers of persons")

    br = sub.add_parser("brief", help="the meeting brief in Chinese, as .docx (A4) or .txt")
    br.add_argument("workspace")
    br.add_argument("--at", metavar="TIME", help="the situation as of this Beijing time (default: now)")
    br.add_argument("-o", "--output", required=True, help="file to write: .docx or .txt")
    br.add_argument("--press", action="store_true",
                    help="the press brief: incidents' counts and places and the warnings' answered share, "
                         "no forces per incident and no list of who has not answered")

    pu = sub.add_parser("push", help="copy a workspace into a shared one (a GeoPackage into PostgreSQL)",
                        description="Copies every layer, table and the situation log verbatim (same ids and "
                        "versions). The destination must be empty unless --force is given.")
    pu.add_argument("workspace", metavar="SOURCE", help="the workspace to copy, e.g. demo.gpkg")
    pu.add_argument("destination", metavar="DESTINATION", help="postgresql://USER@HOST/DATABASE or service=NAME")
    pu.add_argument("--force", action="store_true", help="replace a workspace already at the destination")

    pl = sub.add_parser("pull", help="copy a shared workspace into a GeoPackage (a laptop, an archive, a hand-over)")
    pl.add_argument("workspace", metavar="SOURCE", help="postgresql://USER@HOST/DATABASE or service=NAME")
    pl.add_argument("destination", metavar="OUT.gpkg", help="the GeoPackage to write")
    pl.add_argument("--force", action="store_true", help="overwrite an existing file")

    sv = sub.add_parser("server", help="set up the shared workspace on a PostgreSQL server")
    svs = sv.add_subparsers(dest="server_command", metavar="ACTION", required=True)
    si = svs.add_parser("init", help="create PostGIS, the tables, triggers and the three roles (run once, as the owner)")
    si.add_argument("workspace", metavar="LOCATION", help="postgresql://OWNER@HOST/DATABASE or service=NAME")

    w = sub.add_parser("web", help="write the map as one self-contained HTML file that opens offline")
    w.add_argument("workspace")
    w.add_argument("-o", "--output", required=True, help="HTML file to write")
    w.add_argument("--press", action="store_true",
                   help="fit for publication: no names or phone numbers of persons in the page")
    return p


#: What `floodpost import` may write to; the situation log is the app's own.
IMPORT_KEYS = IMPORTABLE


# ------------------------------------------------------------------ commands
def _open(location: str, reading: bool = False) -> Any:
    """Open a workspace by its location: a GeoPackage path or a shared one (passed on unchanged).

    ``reading``: a command that only reads leaves the rows another program wrote without their uuids
    (the next command that writes, or the window, gives them theirs): 1.8 s of a season's first
    ``info`` otherwise."""
    from floodpost.data.workspace import Workspace, is_shared_location

    if not is_shared_location(location) and not Path(location).exists():
        raise CommandError(f"{location}: no such workspace")
    ws = Workspace.open(location, uuids_later=reading)
    shown = _shown(location)  # the file as given, a server's location without password
    # a damaged feature or cell is left out and named; the command goes on with the rest
    ws.on_damage = lambda d: print(f"floodpost: warning: {shown}: {d}", file=sys.stderr)
    return ws


def cmd_demo(args: argparse.Namespace) -> int:
    from floodpost.data.demo import build_demo

    out = Path(args.output)
    if out.exists() and not args.force:
        raise CommandError(f"{out} exists; pass --force to overwrite it")
    build_demo(out, overwrite=args.force)
    print(f"wrote {out} (illustrative Hebi workspace)")
    return 0


def _info(ws: Any, at: str | None = None, check_all: bool = False) -> dict[str, Any]:
    from floodpost.data.situation import report, time_span
    from floodpost.data.timeutil import iso_local, parse_time

    info = ws.info(check_all)
    span = time_span(ws)  # the fold reads the records anyway; a season's min/max scans took a tenth of a second
    info["time_span"] = (
        {"start": iso_local(span[0]), "end": iso_local(span[1])} if span else None
    )
    if at is not None:
        try:
            parse_time(at)
        except ValueError as exc:
            raise CommandError(f"--at: {exc}") from None
    info.update(report(ws, at))
    return info


def cmd_info(args: argparse.Namespace) -> int:
    from floodpost.data.schema import ALL

    with _open(args.workspace, reading=True) as ws:
        info = _info(ws, args.at, args.check)
    if "path" in info:
        info["path"] = _shown(info["path"])
    if args.json:
        print(json.dumps(info, ensure_ascii=False, indent=2))
        return 0
    print(f"{_shown(info.get('path') or args.workspace)}  (schema version {info['schema_version']})")
    for group in ("layers", "tables"):
        for key, item in info[group].items():
            label = ALL[key].zh
            print(f"  {key:<15} {label:<10} {item['count']:>8}")
    if info.get("extent"):
        x0, y0, x1, y1 = info["extent"]
        print(f"  extent  {x0:.5f},{y0:.5f} – {x1:.5f},{y1:.5f} (EPSG:4490)")
    if info.get("time_span"):
        print(f"  records {info['time_span']['start']} – {info['time_span']['end']}")
    t = info["totals"]
    ev, fo = t["evacuation"]["persons"], t["forces"]
    print(f"  as of {info['at']}:")
    print(f"    persons transferred {ev['transferred']:,} / planned {ev['planned']:,}, "
          f"sheltered {ev['sheltered']:,}, returned {ev['returned']:,}")
    print(f"    forces {fo['teams']} teams, {fo['personnel']:,} personnel, {fo['boats']} boats")
    bags = t["materials"].get("dispatch", {}).get("sandbag", 0)
    print(f"    sandbags dispatched {bags:,}, placed {t['works'].get('sandbags', 0):,}")
    for line in _operations_text(t):
        print(f"    {line}")
    for line in _water_text(t, info.get("ages", {})):
        print(f"    {line}")
    return 0


def _water_text(t: dict[str, Any], ages: dict[str, Any]) -> list[str]:
    """``info``'s lines for the gauges: the count over warning, then each with its margin (``totals["water"]``)."""
    w = t.get("water")
    if not w or not (w.get("reporting") or w.get("over")):
        return []
    from floodpost.data.situation.hydro import margin_text
    from floodpost.data.timeutil import iso_local

    lines = [f"stations {w['reporting']} reporting, {w['over_warning']} over warning "
             f"({w['over_guaranteed']} over guaranteed/design, {w['over_check']} over check), "
             f"{w['rising']} rising fast, {w['stale']} stale; alerts not acknowledged {w['alerts_unacknowledged']}"]
    rain = w.get("rain_max_24h")
    if rain:
        lines[0] += f"; wettest 24 h: {rain['station']} {rain['mm']:g} mm"
    for o in w.get("over", []):
        flags = "".join((", rising fast" if o.get("rising") else "", ", stale" if o.get("stale") else ""))
        lines.append(f"  {o['station']} {o['level']:.2f} m, {margin_text(o['threshold'], o['margin'], 'en')}, "
                     f"{iso_local(o['observed_at']) if o.get('observed_at') else ''}{flags}")
    stale = [k for k, a in ages.items() if a.get("stale")]
    if stale:
        lines.append("overdue figures: " + ", ".join(f"{k} ({ages[k]['minutes'] / 60:.1f} h old)" for k in stale))
    return lines


def _operations_text(t: dict[str, Any]) -> list[str]:
    """``info``'s lines for incidents, dispatch and warnings (the figures of ``--json``'s totals)."""
    if "incidents" not in t:
        return []
    inc, dis, war = t["incidents"], t["dispatch"], t["warnings"]
    by = inc["by_status"]
    from floodpost.data.situation.operations import LEVELS

    # the most severe first: red, orange, yellow, blue
    levels = ", ".join(f"{lv} {war['by_level'][lv]}" for lv in reversed(LEVELS) if war["by_level"].get(lv))
    return [
        f"incidents {inc['total']}: {inc['uncontrolled']} uncontrolled (reported {by.get('reported', 0)}, "
        f"handling {by.get('handling', 0)}), controlled {by.get('controlled', 0)}, closed {by.get('closed', 0)}; "
        f"threatened {inc['threatened']:,}, trapped {inc['trapped']:,}, rescued {inc['rescued']:,}",
        f"dispatch {dis['teams_committed']} teams, {dis['personnel_committed']:,} personnel, "
        f"{dis['vehicles_committed']} vehicles, {dis['boats_committed']} boats committed; "
        f"available {dis.get('teams_available', 0)} teams, {dis.get('personnel_available', 0):,} personnel",
        f"warnings {war['active']} active" + (f" ({levels})" if levels else "")
        + f"; answered {war['answered']}/{war['recipients']}, "
        f"overdue {war['overdue']} (not answered after {war['answer_minutes']} min)",
    ]


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
    if out.suffix.lower() not in (".png", ".pdf"):
        raise CommandError(f"{out}: snapshot writes .png or .pdf files")
    if args.dpi is not None and not 36 <= args.dpi <= 1200:
        raise CommandError(f"--dpi {args.dpi}: use 36 to 1200")
    if not out.parent.exists():
        raise CommandError(f"{out.parent}: no such folder")
    if args.at is not None:
        from floodpost.data.timeutil import parse_time

        try:
            parse_time(args.at)
        except ValueError as exc:
            raise CommandError(f"--at: {exc}") from None
    app = _qt_app()
    from floodpost import i18n
    from floodpost.layers.render.fonts import FontError
    from floodpost.layers.scene import snapshot

    i18n.set_language(args.lang)
    from floodpost.data.atomic import atomic_output

    try:
        # atomic: Qt's PDF writer reports no errors, so a full disk must not end in "wrote"
        with _open(args.workspace, reading=True) as ws, atomic_output(out) as tmp:
            composed = bool(args.title or args.press or args.preset or out.suffix.lower() == ".pdf")
            if composed:
                from floodpost.layers.scene import compose_snapshot

                page = compose_snapshot(
                    ws, tmp, preset=args.preset, size=args.size,
                    dpi=args.dpi, title=args.title, at=args.at, press=args.press, bounds=args.bounds,
                    source=args.source, producer=args.producer, review_number=args.review_number,
                    lang=_page_lang(args),
                )
                for warning in page.warnings:
                    print(f"floodpost snapshot: note: {warning}", file=sys.stderr)
                if args.press and not args.review_number.strip():
                    print("floodpost snapshot: note: a map published in China needs the map review number "
                          "(审图号) of its basemap; pass --review-number", file=sys.stderr)
            else:
                snapshot(ws, tmp, args.size or (1600, 1000), bounds=args.bounds, at=args.at)
    except FontError as exc:
        raise CommandError(str(exc)) from None
    del app
    print(f"wrote {out}")
    return 0


def _page_lang(args: argparse.Namespace) -> str:
    """The press page's language: the command's --lang, else the global --lang if given, else Chinese.

    Never the locale's: a Chinese-titled page on an English machine stays Chinese.
    """
    chosen = getattr(args, "page_lang", None)
    if chosen:
        return chosen
    return "en" if (args.lang or "").lower().startswith("en") else "zh"


def _progress_printer(unit: str = "rows") -> Any:
    """A progress line on stderr when a person is watching, nothing in scripts."""
    if not sys.stderr.isatty():
        return None
    last = [0.0]

    def show(phase: str, done: int, total: int) -> bool:
        import time

        now = time.monotonic()
        if now - last[0] > 0.2 or done == total:
            last[0] = now
            word = {"validate": "checking", "write": "writing"}.get(phase, phase)
            print(f"\r{word} {done}/{total} {unit}", end="", file=sys.stderr, flush=True)
            if done == total:
                print(file=sys.stderr)
        return True

    return show


def _constants(items: Sequence[str]) -> dict[str, str]:
    """``--set FIELD=VALUE`` options as a mapping; the value may hold ``=`` itself."""
    out: dict[str, str] = {}
    for item in items:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise CommandError(f"--set {item}: write it as FIELD=VALUE, e.g. --set status=在岗")
        if name.strip() in out:
            raise CommandError(f"--set {name.strip()}: given twice")
        out[name.strip()] = value.strip()
    return out


def cmd_import(args: argparse.Namespace) -> int:
    from floodpost.data.atomic import OutputError
    from floodpost.data.intake import import_file
    from floodpost.data.workspace import Workspace, WorkspaceError

    if args.key not in IMPORT_KEYS:
        raise CommandError(f"--as {args.key}: not a layer or table to import into; use one of {', '.join(IMPORT_KEYS)}")
    from floodpost.data.workspace import is_shared_location

    constants = _constants(args.constants)
    location = args.workspace
    if not is_shared_location(location) and not Path(location).exists():
        if not args.create:
            raise CommandError(f"{location}: no such workspace (pass --create to make a new one)")
        Path(location).parent.mkdir(parents=True, exist_ok=True)
        Workspace.create(location).close()
    from floodpost.data.schema.validate import ValidationError

    with _open(location) as ws:
        try:
            report = import_file(
                ws, args.file, args.key, lon=args.lon, lat=args.lat, crs=args.crs,
                encoding=args.encoding, layer=args.layer, progress=_progress_printer(),
                constants=constants, unmatched=args.unmatched,
            )
        except (ValidationError, WorkspaceError, OutputError, KeyboardInterrupt):
            raise  # a workspace that cannot be written is not the imported file's fault
        except Exception as exc:  # noqa: BLE001 - a damaged file must never print a traceback
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            raise CommandError(
                f"{Path(args.file).name}: cannot import ({type(exc).__name__}{': ' + first if first else ''});"
                " nothing was written"
            ) from None
    for line in report.lines():
        print(line)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from floodpost.data.export import export_layer

    with _open(args.workspace) as ws:
        out = export_layer(ws, args.key, args.output, encoding=args.encoding, press=args.press)
    print(f"wrote {out}" + (" (press: no names or phone numbers)" if args.press else ""))
    return 0


def cmd_web(args: argparse.Namespace) -> int:
    from floodpost.layers.output.webmap import build_web_map

    out = Path(args.output)
    if out.suffix.lower() not in (".html", ".htm"):
        raise CommandError(f"{out}: web writes .html files")
    with _open(args.workspace, reading=True) as ws:
        build_web_map(ws, out, press=args.press)
    print(f"wrote {out}" + (" (press: no names or phone numbers)" if args.press else ""))
    return 0


def cmd_brief(args: argparse.Namespace) -> int:
    """The brief the 会商简报 dock shows, written whole or not at all."""
    from floodpost.data.situation.brief import meeting_brief, save_brief
    from floodpost.data.timeutil import parse_time

    out = Path(args.output)
    if out.suffix.lower() not in (".docx", ".txt"):
        raise CommandError(f"{out}: brief writes .docx or .txt files")
    if args.at is not None:
        try:
            parse_time(args.at)
        except ValueError as exc:
            raise CommandError(f"--at: {exc}") from None
    with _open(args.workspace, reading=True) as ws:
        text = meeting_brief(ws, args.at, press=args.press)
    save_brief(text, out)
    print(f"wrote {out}" + (" (press)" if args.press else ""))
    return 0


def cmd_replay(args: argparse.Namespace) -> int:
    from floodpost.data.timeutil import parse_time, to_storage

    out = Path(args.output)
    times = {}
    for name in ("start", "end"):
        value = getattr(args, name)
        if value is not None:
            try:
                times[name] = to_storage(parse_time(value))
            except ValueError as exc:
                raise CommandError(f"--{'from' if name == 'start' else 'to'}: {exc}") from None
    app = _qt_app()
    from floodpost import i18n
    from floodpost.layers.output.replay import write_replay
    from floodpost.layers.render.fonts import FontError

    i18n.set_language(args.lang)
    try:
        with _open(args.workspace) as ws:
            write_replay(ws, out, start=times.get("start"), end=times.get("end"), size=args.size,
                         title=args.title, seconds_per_frame=args.seconds, progress=_frame_printer(),
                         lang=_page_lang(args))
    except FontError as exc:
        raise CommandError(str(exc)) from None
    del app
    print(f"wrote {out}")
    return 0


def _frame_printer() -> Any:
    show = _progress_printer("frames")
    return None if show is None else (lambda done, total: show("drawing", done, total))


def _shown(location: str) -> str:
    """A location as it may be printed: never with a password."""
    from floodpost.data.workspace import strip_password

    return strip_password(str(location))


def _copy(args: argparse.Namespace, verb: str) -> int:
    from floodpost.data.transfer import copy_workspace

    def show(key: str, done: int, total: int) -> None:
        if sys.stderr.isatty():
            end = "\n" if done == total else ""
            print(f"\r{verb} {done}/{total} tables {key:<15}", end=end, file=sys.stderr, flush=True)

    report = copy_workspace(args.workspace, args.destination, progress=show, overwrite=args.force)
    for line in report.lines():
        print(line)
    return 0


def cmd_push(args: argparse.Namespace) -> int:
    """A workspace into a shared one (usually a GeoPackage into PostgreSQL), verbatim."""
    from floodpost.data.workspace import is_shared_location

    if not is_shared_location(args.destination):
        print(f"floodpost push: note: {_shown(args.destination)} is a file, not a server; copying anyway",
              file=sys.stderr)
    return _copy(args, "pushing")


def cmd_pull(args: argparse.Namespace) -> int:
    """A shared workspace into a GeoPackage file, written whole or not at all."""
    from floodpost.data.workspace import is_shared_location

    if is_shared_location(args.destination):
        raise CommandError(f"{_shown(args.destination)}: pull writes a GeoPackage file; use push to copy into a server")
    if Path(args.destination).suffix.lower() != ".gpkg":
        raise CommandError(f"{args.destination}: pull writes a GeoPackage (.gpkg) file")
    return _copy(args, "pulling")


def cmd_server(args: argparse.Namespace) -> int:
    """``server init``: the schema, triggers and roles of a shared workspace, once per database."""
    from floodpost.data.workspace import init_server

    init_server(args.workspace)
    print(f"{_shown(args.workspace)}: ready for FloodPost (roles floodpost_viewer, floodpost_editor, floodpost_admin); "
          "load a workspace with 'floodpost push WS.gpkg LOCATION'")
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    from floodpost.ui.app import run

    return run(getattr(args, "workspace", None), lang=args.lang)


COMMANDS = {
    "demo": cmd_demo,
    "info": cmd_info,
    "snapshot": cmd_snapshot,
    "gui": cmd_gui,
    "import": cmd_import,
    "export": cmd_export,
    "web": cmd_web,
    "brief": cmd_brief,
    "replay": cmd_replay,
    "push": cmd_push,
    "pull": cmd_pull,
    "server": cmd_server,
}


def error_line(exc: BaseException) -> str:
    """One line saying what went wrong, for a person reading a terminal or a log.

    A file that could not be written names the file and the cause ("disk
    full", "read-only file system"); an OS error names its file; anything
    else gives its first line only, so that a script's log never fills with
    a library's multi-line report.
    """
    from floodpost.data.atomic import OutputError, cause_of
    from floodpost.data.workspace import StorageError

    if isinstance(exc, OutputError):
        text = str(exc)
    elif isinstance(exc, OSError) and exc.filename:
        text = f"{exc.filename}: {cause_of(exc)}"
    elif isinstance(exc, KeyError) and exc.args:
        text = str(exc.args[0])
    else:
        text = str(exc).strip() or type(exc).__name__
        if not isinstance(exc, (CommandError, OSError, ValueError, KeyError, RuntimeError, StorageError)):
            text = f"{type(exc).__name__}: {text}"
    from floodpost.data.workspace import strip_password

    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return strip_password(lines[0]) if lines else type(exc).__name__


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``floodpost`` script; returns the exit status.

    Every failure is one line on stderr and a non-zero status; no traceback
    (set ``FLOODPOST_DEBUG=1`` to see one).
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    command = args.command or "gui"
    keeps = command != "gui"  # one-shot commands take a season's fold up from disk rather than fold it again
    if keeps:
        from floodpost.data.situation import keep_folds

        keep_folds(True)
    try:
        return COMMANDS[command](args)
    except KeyboardInterrupt:
        print("floodpost: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # noqa: BLE001 - the contract: one line, never a traceback
        if os.environ.get("FLOODPOST_DEBUG"):
            raise
        msg = error_line(exc)
        if "database is locked" in str(exc) and getattr(args, "workspace", None) and args.workspace not in msg:
            msg = _shown(f"{args.workspace} is locked by another program ({exc}); close it there or try again")
        print(f"floodpost {command}: error: {msg}", file=sys.stderr)
        return EXIT_FAILED
    finally:
        if keeps:
            keep_folds(False)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
