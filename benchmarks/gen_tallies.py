"""A workspace with a season's worth of tally records (issue 14, item 12).

    python benchmarks/gen_tallies.py [-o /tmp/tallies.gpkg] [--count 8000] [--seed 14]
    python benchmarks/gen_tallies.py --time-window [-o ...]   # also time opening it in the window

The illustrative demo plus ``count`` material movements (stock-in, dispatch,
consumption) spread over the flood days, 21 July 00:00 to 25 July 24:00, at
the demo's depots, every few minutes apart, so that the slider has thousands
of stops and the dashboard's curves thousands of points. Stock never goes
negative: a depot is restocked before it dispatches more than it holds.

``build_tallies(path, count)`` is what the tests call with a small count.
``--time-window`` opens the result in the main window and prints the time
to the window shown, to the map painted and to the dashboard filled.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a fresh clone
    sys.path.insert(0, str(ROOT))

from floodpost.data.demo import build_demo  # noqa: E402
from floodpost.data.workspace import Workspace  # noqa: E402

DEFAULT_PATH = Path("/tmp/floodpost-tallies.gpkg")
DEFAULT_COUNT = 8000
DEFAULT_SEED = 14
#: Items and their units, as the demo writes them; sandbags dominate as they do in a flood.
ITEMS = (("sandbag", "条", 0.55), ("woven_bag", "条", 0.15), ("life_jacket", "件", 0.1),
         ("geotextile", "平方米", 0.08), ("tent", "顶", 0.06), ("pump", "台", 0.06))
START = np.datetime64("2021-07-21T00:00")
MINUTES = 5 * 24 * 60  # the five flood days


def tally_records(depots: list[str], count: int, seed: int = DEFAULT_SEED) -> list[dict]:
    """``count`` material movements over the flood days, oldest first; stock never negative."""
    rng = np.random.default_rng(seed)
    minutes = np.sort(rng.integers(0, MINUTES, count))
    names = [i[0] for i in ITEMS]
    units = {i[0]: i[1] for i in ITEMS}
    p = np.array([i[2] for i in ITEMS])
    items = rng.choice(len(ITEMS), count, p=p / p.sum())
    stock: dict[tuple[str, str], float] = {}
    out = []
    for m, i in zip(minutes, items, strict=True):
        item = names[i]
        depot = depots[int(rng.integers(0, len(depots)))]
        qty = float(rng.integers(1, 50) * (100 if item in ("sandbag", "woven_bag") else 1))
        kind = str(rng.choice(["stock_in", "dispatch", "consumed"], p=[0.3, 0.45, 0.25]))
        have = stock.get((depot, item), 0.0)
        if kind != "stock_in" and have < qty:
            kind = "stock_in"
        stock[(depot, item)] = have + qty if kind == "stock_in" else have - qty
        when = (START + np.timedelta64(int(m), "m")).astype(str)
        out.append({
            "depot": depot, "item": item, "unit": units[item], "quantity": qty, "kind": kind,
            "destination": "抢险现场" if kind != "stock_in" else None,
            "reported_at": f"{when}:00", "source": "benchmark", "note": None,
        })
    return out


def build_tallies(path: str | Path, count: int = DEFAULT_COUNT, seed: int = DEFAULT_SEED) -> Path:
    """The demo at ``path`` (overwritten) plus ``count`` material records in one insert."""
    build_demo(path, overwrite=True)
    with Workspace.open(path) as ws:
        depots = [str(n) for n in ws.read("depots", columns=["name"])["name"]]
        ws.insert("material_tally", tally_records(depots, count, seed),
                  operator="benchmark", summary=f"benchmark: {count} material records", source="benchmark")
    return Path(path)


def time_window(path: Path) -> dict[str, float]:
    """Seconds from asking the window to open ``path`` to shown / map painted / dashboard filled."""
    from PySide6.QtWidgets import QApplication

    from floodpost.ui.mainwindow import MainWindow

    app = QApplication.instance() or QApplication([])
    marks: dict[str, float] = {}
    t0 = time.perf_counter()
    win = MainWindow()
    win.resize(1366, 768)
    win.show()
    app.processEvents()
    marks["window shown"] = time.perf_counter() - t0
    win.canvas.rendered.connect(lambda _s: marks.setdefault("map painted", time.perf_counter() - t0))
    ready = getattr(win, "situationReady", None)
    show_moment = getattr(win.dashboard, "show_moment", None)
    if show_moment is not None:

        def figures(moment):  # noqa: ANN001, ANN202
            marks.setdefault("headline figures shown", time.perf_counter() - t0)
            return show_moment(moment)

        win.dashboard.show_moment = figures
    if ready is not None:
        ready.connect(lambda: marks.setdefault("dashboard filled", time.perf_counter() - t0))
    win.open_workspace(path)
    marks.setdefault("open_workspace returned", time.perf_counter() - t0)
    if ready is None:  # the old window filled the dashboard inside open_workspace
        marks.setdefault("dashboard filled", marks["open_workspace returned"])
        marks.setdefault("headline figures shown", marks["open_workspace returned"])
    deadline = time.perf_counter() + 120
    while ("map painted" not in marks or "dashboard filled" not in marks) and time.perf_counter() < deadline:
        app.processEvents()
        time.sleep(0.005)
    win.close()
    return marks


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", type=Path, default=DEFAULT_PATH)
    ap.add_argument("--count", type=int, default=DEFAULT_COUNT)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--time-window", action="store_true", help="open it in the window and print timings")
    ap.add_argument("--reuse", action="store_true", help="keep an existing output file")
    args = ap.parse_args(argv)
    if not (args.reuse and args.output.is_file()):
        t = time.perf_counter()
        build_tallies(args.output, args.count, args.seed)
        print(f"wrote {args.output}: demo + {args.count} material records in {time.perf_counter() - t:.1f} s")
    if args.time_window:
        for name, s in sorted(time_window(args.output).items(), key=lambda kv: kv[1]):
            print(f"{name:>24}: {s:6.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
