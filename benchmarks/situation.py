"""Time the as-of engine on the demo and on a flood season of records (issue 16).

    python benchmarks/situation.py [--json] [--scale 1.0] [--no-gui] [--runs 5] [--only water]

Builds ``benchmarks/data/season.gpkg`` once (``gen_season.py``: the demo plus
100,000 material movements, 40,000 evacuation reports, 20,000 works records,
2,000 force updates, 200,000 log entries) and prints, for the demo and the
season:

* ``timeline_s``: a fresh engine folds every record and gives the
  dashboard's curves at every report time (median of ``--runs``),
* ``as_of_ms``: one moment's situation, median over 50 moments,
* ``append_ms``: one new tally entry written and reflected in the totals
  (the engine folds it in; the write itself not counted); ``append_moment_ms``
  the whole moment after it, with every list (what the window computes next),
* ``info_at_s``: ``floodpost info WS --json --at T`` as a whole process, median
  over five moments, each taking up the fold the first call kept on disk
  (``info_at_cold_s``: that first call, which folds every record and keeps it),
* ``slider_step_ms`` (GUI, offscreen): one step of the time slider until the
  user sees the moment everywhere — dashboard figures, brief, and the map
  painted again with the moment's layers and overlays — median over 30 steps
  (``slider_step_p90_ms`` the 90th percentile; ``slider_figures_ms`` up to the
  figures, brief and overlays handed to the map, before it has painted them,
  which is what this figure measured until 2026-12-04),
* ``slider_near_step_ms`` (GUI): the same, median over up to 30 steps to nearby moments (40
  report times apart, from the middle of the record), as the keyboard's hour and report steps move;
  the 30 steps above jump across the whole flood, each to a moment nothing has seen yet,
* ``drag_s``, ``drag_frames_per_s``, ``drag_stall_p95_ms`` (GUI): the slider dragged
  from end to end, 180 moves asked every 16 ms; how long the drag took as the event
  loop let it, the map's frames shown per second meanwhile, and the 95th percentile
  of the event loop's waits (a 5 ms beat),
* ``open_first_frame_s`` / ``open_dashboard_s`` (GUI; ``_cold`` the first window,
  which folds every record, the others a second window taking its fold up): the window opening
  the workspace, to its first painted map and to its dashboard filled,
* ``open_situation_frame_s`` (likewise): to the first map drawn with the situation on it,
* ``open_written_elsewhere_s``: ``Workspace.open`` of a copy whose rows have no uuid, as a program
  other than FloodPost writes them (``open_written_elsewhere_rows``), which that open gives them once;
  ``open_again_s`` the next open,
* ``peak_rss_mb`` of this process (both workspaces' folds, the season's several times over),
  ``window_peak_rss_mb`` of the window's process.

Operations (issue 18; the season has 400 incidents, 3,000 status records,
2,000 dispatches, 30 warnings to 1,000 villages each and their answers):

* ``ops_read_s`` / ``ops_build_s``: the five operations tables read, and
  their fold built from them (median of ``--runs``),
* ``ops_as_of_ms``: one moment's operations with every incident, dispatch
  and recipient listed (the unanswered list), median over 50 moments;
  ``ops_totals_ms`` the same moment's sums only,
* ``ops_append_ms``: one new status record, dispatch or answer written and
  reflected in the totals (folded in, the write not counted), median of 30.

Water and rain (issue 19; the season has 100 gauges reporting hourly, about
50,000 readings, and the acknowledgements of most up crossings):

* ``water_read_s`` / ``water_build_s``: the stations and the two tables
  read, and the water fold built from them (every gauge's readings sorted,
  its crossings and its steps in the sums), median of ``--runs``,
* ``water_as_of_ms``: one moment with every gauge's state and every event
  listed, median over 50 moments; ``water_totals_ms`` the sums and the
  gauges over their thresholds only,
* ``water_append_ms``: one reading written and reflected in the totals (a
  gauge taken past its guaranteed level at the newest time; folded in, the
  write not counted), median of 30,
* ``hydrograph_ms``: one gauge's whole record for its chart, median over
  30 gauges.

``baseline_moment_ms`` recomputes one moment from the records the way the
engine did before it was folded (every row read and filtered per moment); the
``ratio_*`` figures compare with it in the same process.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from gen_season import DEFAULT_PATH, as_written_elsewhere, ensure_season  # noqa: E402

from floodpost.data import situation  # noqa: E402
from floodpost.data.demo import build_demo  # noqa: E402
from floodpost.data.timeutil import now_storage  # noqa: E402
from floodpost.data.workspace import Workspace  # noqa: E402


def _median(xs: list[float]) -> float:
    return float(statistics.median(xs)) if xs else float("nan")


def baseline_moment(ws: Any, at: str) -> dict[str, Any]:
    """One moment the old way: read every record, keep those reported by ``at``, fold them."""
    rows = {k: ws.read(k, geometry=False) for k in ("evacuation", "works", "material_tally", "forces")}
    ev = rows["evacuation"]
    ev = ev[ev["reported_at"] <= at].reset_index().sort_values(["reported_at", "fid"])
    latest = ev.groupby("area").tail(1)
    works = rows["works"]
    works = works[works["reported_at"] <= at]
    mats = rows["material_tally"]
    mats = mats[mats["reported_at"] <= at]
    forces = rows["forces"]
    forces = forces[forces["reported_at"] <= at]
    return {
        "transferred": int(latest["transferred_persons"].fillna(0).sum()),
        "sandbags": float(works["sandbags"].fillna(0).sum()),
        "moves": float(mats["quantity"].sum()),
        "teams": len(forces),
    }


def _appended(ws: Any, moments: list[float]) -> float:
    """Seconds until the totals show a record just written (the engine folds it in; the write not
    counted); the whole moment with its lists (what the window computes next) goes into ``moments``."""
    from floodpost.data import situation

    t0 = time.perf_counter()
    situation.engine(ws).totals(now_storage())
    t1 = time.perf_counter()
    situation.as_of(ws).totals()
    moments.append(time.perf_counter() - t1)
    return t1 - t0


def _put_appends(out: dict[str, Any], name: str, appends: list[float]) -> None:
    global moments_after
    out[f"{name}_ms"] = round(_median(appends) * 1000, 2) if appends else None
    out[f"{name}_moment_ms"] = round(_median(moments_after) * 1000, 2) if moments_after else None
    moments_after = []


#: the whole moments timed after each append (``_appended``)
moments_after: list[float] = []


def measure_data(path: Path, runs: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    fold = []
    for _ in range(runs):
        with Workspace.open(path) as ws:
            t0 = time.perf_counter()
            times = situation.report_times(ws)
            situation.series(ws)
            fold.append(time.perf_counter() - t0)
    out["timeline_s"] = round(_median(fold), 3)
    out["report_times"] = len(times)
    rng = np.random.default_rng(1)
    moments = [times[int(i)] for i in rng.integers(0, len(times), 50)]
    with Workspace.open(path) as ws:
        situation.as_of(ws, moments[0])  # the first moment builds the fold and its rows
        took = []
        for t in moments:
            t0 = time.perf_counter()
            situation.as_of(ws, t).totals()
            took.append(time.perf_counter() - t0)
        out["as_of_ms"] = round(_median(took) * 1000, 2)
        base = []
        for t in moments[:5]:
            t0 = time.perf_counter()
            baseline_moment(ws, t)
            base.append(time.perf_counter() - t0)
        out["baseline_moment_ms"] = round(_median(base) * 1000, 1)
        out["ratio_as_of"] = round(out["as_of_ms"] / out["baseline_moment_ms"], 4)
        # a whole timeline the old way: one recomputation per report time
        out["baseline_timeline_s_estimate"] = round(out["baseline_moment_ms"] * len(times) / 1000, 1)
        out["ratio_timeline"] = round(out["timeline_s"] / max(out["baseline_timeline_s_estimate"], 1e-9), 5)
        appends = []
        depot = str(ws.read("depots", columns=["name"], geometry=False)["name"].iloc[0])
        for i in range(20):
            ws.insert("material_tally", [{"depot": depot, "item": "sandbag", "quantity": 10 + i, "kind": "stock_in",
                                          "reported_at": times[int(rng.integers(0, len(times)))]}],
                      operator="benchmark")
            appends.append(_appended(ws, moments_after))
        _put_appends(out, "append", appends)
    return out


def measure_operations(path: Path, runs: int) -> dict[str, Any]:
    """The operations part of the fold: build, one moment, one record appended."""
    from floodpost.data.situation.operations import KEYS

    out: dict[str, Any] = {}
    reads, builds = [], []
    for _ in range(runs):
        with Workspace.open(path) as ws:
            src = situation._Source(ws)
            t0 = time.perf_counter()
            tables = {k: src.table(k) for k in KEYS}
            t1 = time.perf_counter()
            situation._operations_fold(tables)
            builds.append(time.perf_counter() - t1)
            reads.append(t1 - t0)
    out["ops_read_s"] = round(_median(reads), 3)
    out["ops_build_s"] = round(_median(builds), 3)
    out["ops_records"] = {k: len(t) for k, t in tables.items()}
    with Workspace.open(path) as ws:
        times = situation.report_times(ws)
        rng = np.random.default_rng(18)
        moments = [situation._ms(times[int(i)]) for i in rng.integers(0, len(times), 50)]
        eng = situation.engine(ws)
        full, sums = [], []
        for t in moments:
            t0 = time.perf_counter()
            eng.ops.at(t)
            full.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            eng.ops.at(t, details=False).totals()
            sums.append(time.perf_counter() - t0)
        out["ops_as_of_ms"] = round(_median(full) * 1000, 2)
        out["ops_totals_ms"] = round(_median(sums) * 1000, 3)
        out["ops_recipients_listed_max"] = max(len(eng.ops.at(t).recipients) for t in moments)
        incidents = [str(n) for n in ws.read("incidents", columns=["name"], geometry=False)["name"]]
        forces = [str(n) for n in ws.read("forces", columns=["name"], geometry=False)["name"]]
        warned = ws.read("warnings", columns=["name", "recipients"], geometry=False)
        appends = []
        for i in range(30 if incidents and forces else 0):  # the demo has no operations yet
            at = times[int(rng.integers(0, len(times)))]
            if i % 3 == 0:
                key, row = "incident_status", {"incident": incidents[i % len(incidents)], "status": "handling",
                                               "reported_at": at}
            elif i % 3 == 1:
                key, row = "dispatches", {"force": forces[i % len(forces)], "incident": incidents[i % len(incidents)],
                                          "action": "send", "personnel": 5, "reported_at": at}
            else:
                w = warned.iloc[i % len(warned)] if len(warned) else None
                if w is None:
                    continue
                key, row = "acknowledgements", {"warning": w["name"], "recipient": (keys := str(w["recipients"]).split("；"))[i % len(keys)],
                                                "how": "phone", "reported_at": at}
            before = situation.engine(ws).ops
            ws.insert(key, [row], operator="benchmark")
            appends.append(_appended(ws, moments_after))
            assert situation.engine(ws).ops is before, "an appended record folded the operations again"
        _put_appends(out, "ops_append", appends)
    return out


def measure_water(path: Path, runs: int) -> dict[str, Any]:
    """The water part of the fold: build, one moment, one reading appended, a hydrograph."""
    from floodpost.data.situation.hydro import KEYS

    out: dict[str, Any] = {}
    reads, builds = [], []
    for _ in range(runs):
        with Workspace.open(path) as ws:
            src = situation._Source(ws)
            t0 = time.perf_counter()
            stations = src.stations()
            tables = {k: src.table(k) for k in KEYS if k != "stations"}
            t1 = time.perf_counter()
            situation._water_fold(stations, tables)  # as the engine builds it: readings from their columns
            builds.append(time.perf_counter() - t1)
            reads.append(t1 - t0)
    out["water_read_s"] = round(_median(reads), 3)
    out["water_build_s"] = round(_median(builds), 3)
    out["water_records"] = {"stations": len(stations), **{k: len(t) for k, t in tables.items()}}
    with Workspace.open(path) as ws:
        times = situation.report_times(ws)
        rng = np.random.default_rng(19)
        moments = [situation._ms(times[int(i)]) for i in rng.integers(0, len(times), 50)]
        eng = situation.engine(ws)
        full, sums = [], []
        for t in moments:
            t0 = time.perf_counter()
            eng.water.at(t)
            full.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            eng.water.at(t, details=False).totals()
            sums.append(time.perf_counter() - t0)
        out["water_as_of_ms"] = round(_median(full) * 1000, 2)
        out["water_totals_ms"] = round(_median(sums) * 1000, 3)
        out["water_events"] = len(eng.water.events())
        out["water_over_max"] = max(len(eng.water.at(t, details=False).over) for t in moments)
        rivers = [s for s in stations if s.get("kind") == "river" and s.get("guaranteed_level") is not None]
        graphs = []
        for s in rivers[:30]:
            t0 = time.perf_counter()
            situation.hydrograph(ws, s["name"])
            graphs.append(time.perf_counter() - t0)
        out["hydrograph_ms"] = round(_median(graphs) * 1000, 2)
        appends = []
        for i in range(30 if rivers else 0):
            s = rivers[i % len(rivers)]
            at = times[-1]
            before = situation.engine(ws).water
            ws.insert("readings", [{"station": s["name"], "reported_at": at, "level": s["guaranteed_level"] + 0.5 + i}],
                      operator="benchmark")
            appends.append(_appended(ws, moments_after))
            water = situation.engine(ws).totals(now_storage())["water"]
            assert any(o["station"] == s["name"] and o["tier"] >= 2 for o in water["over"]), "the reading is not seen"
            assert situation.engine(ws).water is before, "an appended reading folded the gauges again"
        _put_appends(out, "water_append", appends)
    return out


def measure_first_open(path: Path, tmp: Path) -> dict[str, Any]:
    """The first open of the workspace as another program wrote it: every row without its uuid, which
    the open gives it (once; the window waits for it)."""
    copy = tmp / f"elsewhere-{path.name}"
    shutil.copy(path, copy)
    rows = as_written_elsewhere(copy)
    t0 = time.perf_counter()
    Workspace.open(copy).close()
    took = time.perf_counter() - t0
    t0 = time.perf_counter()
    Workspace.open(copy).close()
    again = time.perf_counter() - t0
    copy.unlink()
    return {"open_written_elsewhere_s": round(took, 3), "open_written_elsewhere_rows": rows,
            "open_again_s": round(again, 3)}


def measure_info(path: Path, ats: list[str], cache: Path) -> dict[str, float]:
    """``info --json --at`` as whole processes: the first with no fold kept on disk (it folds every record
    and keeps the fold), then one at each of ``ats`` taking that fold up. Sources are byte-compiled first,
    as an installation has them (this machine's PYTHONDONTWRITEBYTECODE would compile them in every process)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(QT_QPA_PLATFORM="offscreen", FLOODPOST_CACHE_DIR=str(cache))
    shutil.rmtree(cache, ignore_errors=True)
    exe = [sys.executable, "-m", "floodpost.cli", "info", str(path), "--json", "--at"]
    subprocess.run([sys.executable, "-m", "floodpost.cli", "--help"], check=True, capture_output=True, env=env)

    def once(at: str) -> float:
        t0 = time.perf_counter()
        subprocess.run([*exe, at], check=True, capture_output=True, env=env)
        return time.perf_counter() - t0

    cold = once(ats[0])
    warm = [once(at) for at in ats]
    return {"info_at_cold_s": round(cold, 3), "info_at_s": round(_median(warm), 3),
            "info_at_max_s": round(max(warm), 3)}


def measure_gui(path: Path, cache: Path) -> dict[str, Any] | None:
    """The window on ``path``, offscreen: open to first frame and to dashboard, slider steps."""
    code = f"""
import json, statistics, sys, time
t_start = time.perf_counter()
from PySide6.QtWidgets import QApplication
from floodpost import i18n
app = QApplication.instance() or QApplication(sys.argv)
from floodpost.ui.app import tune_collector
tune_collector()  # as ``floodpost gui`` does
i18n.set_language('zh_CN')
from floodpost.ui.mainwindow import MainWindow
win = MainWindow()
win.resize(1366, 768)
win.show()
first = {{}}
drawn_at = []
win.canvas.rendered.connect(lambda *a: drawn_at.append(time.perf_counter()))
t0 = time.perf_counter()
win.open_workspace({str(path)!r})
opened = time.perf_counter()
deadline = time.perf_counter() + 120
def filled():
    return not win.situation_pending
show_situation = win.scene.show_situation
def shown_on_map(*a, **k):  # the first moment put on the map
    first.setdefault('moment', time.perf_counter())
    return show_situation(*a, **k)
win.scene.show_situation = shown_on_map
def situation_drawn():  # a frame of the map drawn after the first moment was put on it
    return 'moment' in first and any(f > first['moment'] for f in drawn_at)
while (not drawn_at or not filled() or not situation_drawn()) and time.perf_counter() < deadline:
    if filled() and 'dash' not in first:
        app.processEvents()  # the layout the figures' new texts asked for: the dashboard as drawn
        first['dash'] = time.perf_counter()
    app.processEvents()
    time.sleep(0.002)
first['frame'] = drawn_at[0] if drawn_at else float('nan')
dash = first.get('dash', time.perf_counter())
situation_frame = next((f for f in drawn_at if f > first.get('moment', float('inf'))), float('nan'))
times = win.time_slider.times
# Wait as the event loop does, asleep until an event comes (the worker's figures, the
# map's frame); a loop spinning processEvents would take Python's lock from both threads.
from PySide6.QtCore import QEventLoop, QTimer
tick = QTimer(); tick.start(20)  # wakes the wait up now and then whatever happens
wait = QEventLoop.ProcessEventsFlag.WaitForMoreEvents
steps, figures, near = [], [], []
frames = []
win.canvas.rendered.connect(lambda *a: frames.append(time.perf_counter()))
def step_to(t):  # (to the figures, to the map painted with the moment's layers and overlays) of one step
    settle = time.perf_counter() + 5
    while win.canvas.busy and time.perf_counter() < settle:  # each step starts from a settled window
        app.processEvents()
    s0 = time.perf_counter()
    win.time_slider.set_time(t)
    while time.perf_counter() - s0 < 10:
        app.processEvents(wait)
        if not win.situation_pending:
            break
    s1 = time.perf_counter()
    while time.perf_counter() - s0 < 10 and not (frames and frames[-1] > s1):
        app.processEvents(wait)
    return s1 - s0, (frames[-1] if frames else float('nan')) - s0
if times:
    for t in [times[int(i * (len(times) - 1) / 29)] for i in range(30)]:
        fig, step = step_to(t)
        figures.append(fig)
        steps.append(step)
    # Steps to nearby moments, as the keyboard's hour and report steps make them: up to 30 steps of
    # 40 report times from the middle of the record (the steps above jump across the whole flood,
    # each to a moment no cache has seen).
    for t in times[len(times) // 2::40][:30]:
        if t != win.time_slider.current:
            near.append(step_to(t)[1])
# A drag from end to end: the slider moved 180 times, every 16 ms (a mouse at 60 Hz), as the
# event loop lets it; the map's frames shown meanwhile, and the longest waits of the event loop.
s = win.time_slider.slider
lo, hi = s.minimum(), s.maximum()
vals = [lo + (hi - lo) * i // 179 for i in range(180)]
ticks = []
beat = QTimer(); beat.timeout.connect(lambda: ticks.append(time.perf_counter())); beat.start(5)
mover = QTimer(); at = [0]
def move():
    if at[0] < len(vals):
        s.setValue(vals[at[0]]); at[0] += 1
mover.timeout.connect(move)
shown = []  # every frame put on screen, also those of an earlier step shown while the newest is drawn
win.canvas.frameShown.connect(lambda: shown.append(time.perf_counter()))
d0 = time.perf_counter(); mover.start(16)
while at[0] < len(vals) and time.perf_counter() - d0 < 120:
    app.processEvents(wait)
d1 = time.perf_counter()
mover.stop(); beat.stop()
drawn = [f for f in shown if f <= d1]
gaps = sorted(b - a for a, b in zip(ticks, ticks[1:]) if a >= d0)
print(json.dumps({{
    'drag_s': round(d1 - d0, 2),
    'drag_frames_per_s': round(len(drawn) / (d1 - d0), 1),
    'drag_stall_p95_ms': round(gaps[int(0.95 * (len(gaps) - 1))] * 1000) if gaps else None,
    'open_returned_s': round(opened - t0, 3),
    'open_first_frame_s': round(first.get('frame', float('nan')) - t0, 3),
    'open_dashboard_s': round(dash - t0, 3),
    'open_situation_frame_s': round(situation_frame - t0, 3),
    'slider_step_ms': round(statistics.median(steps) * 1000, 1) if steps else None,
    'slider_step_p90_ms': round(sorted(steps)[int(0.9 * (len(steps) - 1))] * 1000, 1) if steps else None,
    'slider_figures_ms': round(statistics.median(figures) * 1000, 1) if figures else None,
    'slider_near_step_ms': round(statistics.median(near) * 1000, 1) if near else None,
    # VmHWM, not ru_maxrss: Linux carries a parent's ru_maxrss over into the child it execs
    'window_peak_rss_mb': round(int(next(l for l in open('/proc/self/status') if l.startswith('VmHWM')).split()[1]) / 1024),
}}))
win.close()
"""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env.update(QT_QPA_PLATFORM="offscreen", FLOODPOST_CACHE_DIR=str(cache))
    got = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=600)
    if got.returncode != 0:
        print(got.stderr[-2000:], file=sys.stderr)
        return None
    return json.loads(got.stdout.strip().splitlines()[-1])


#: The moments ``info --at`` is timed at: the season's first days, its peak, its end.
INFO_ATS = ["2021-07-19T08:00", "2021-07-22T12:00", "2021-07-24T12:00", "2021-07-30T20:00", "2021-08-10T08:00"]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--scale", type=float, default=1.0, help="size of the season (default the full one)")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--no-gui", action="store_true", help="leave out the window's figures")
    p.add_argument("--only", choices=("water",), help="only these figures (with the season's build)")
    args = p.parse_args(argv)
    season = DEFAULT_PATH if args.scale == 1.0 else DEFAULT_PATH.with_name(f"season-{args.scale:g}.gpkg")
    ensure_season(season, scale=args.scale)
    tmp = Path(tempfile.mkdtemp(prefix="floodpost-bench-"))
    try:
        demo = build_demo(tmp / "demo.gpkg")
        work = tmp / "season.gpkg"
        shutil.copy(season, work)  # appends go to a copy
        result: dict[str, Any] = {}
        for name, path in (("demo", demo), ("season", work)):
            if args.only == "water":  # the water figures and the whole moment they are part of
                fig = measure_water(path, args.runs)
                fig.update(measure_info(path, INFO_ATS, tmp / "cache"))
                result[name] = fig
                continue
            fig = measure_data(path, args.runs)
            fig.update(measure_operations(path, args.runs))
            fig.update(measure_water(path, args.runs))
            fig.update(measure_info(path, INFO_ATS, tmp / "cache"))
            fig.update(measure_first_open(path, tmp))
            if not args.no_gui:
                # the first window folds every record and keeps the fold; the second takes it up
                cold = measure_gui(path, tmp / "gui-cache") or {}
                fig.update({f"{k}_cold": v for k, v in cold.items() if k.startswith("open")})
                fig.update(measure_gui(path, tmp / "gui-cache") or {"gui": "failed"})
            result[name] = fig
        result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        if args.json:
            print(json.dumps(result, indent=1))
        else:
            for name in ("demo", "season"):
                print(f"{name}:")
                for k, v in result[name].items():
                    print(f"  {k:28s} {v}")
            print(f"peak RSS (this process): {result['peak_rss_mb']} MB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
