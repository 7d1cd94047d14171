"""Time the shared workspace on PostgreSQL/PostGIS against the GeoPackage (issue 17).

    python benchmarks/shared.py [--json] [--url postgresql://…] [--workstations 8] [--rate 10] [--seconds 120]

``--url`` names a database this script may overwrite (its FloodPost tables
are replaced); without it a throwaway cluster is started on loopback in a
temporary folder, as the tests do (``tests/pg.py``), and removed afterwards.
Prints, in one run:

* ``open_first_frame_s``: the county-scale workspace (``gen_county.py``:
  100,000 polygons, 2,000 long rivers, 200,000 points) opened and its first
  frame painted (offscreen), from the GeoPackage and from PostGIS after a
  ``floodpost push`` of it; best of ``--runs``; ``open_ratio`` PostGIS / file
  (goal ≤ 2);
* ``push_s``: copying that workspace into the database;
* ``tally_round_trip_ms`` p50/p99: one tally record written and read back
  (goal < 100 ms);
* ``change_latency_s`` p50/p99: a record written by one client until another
  client, woken by its :meth:`~floodpost.data.store.Store.watch_fd` socket,
  has read it through ``drain_notifications`` and ``log_since`` (goal
  < 0.5 s / < 2 s);
* ``load``: ``--workstations`` processes each writing ``--rate`` tally records
  a second for ``--seconds``: records written vs counted in the database
  afterwards (goal: equal) and errors (goal: 0).

It needs the PostGIS back end (``floodpost.data.store.postgis``) and psycopg;
everything goes through the ``Store`` protocol.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import select
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a fresh clone
    sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from floodpost.data.timeutil import now_storage  # noqa: E402
from floodpost.data.workspace import Workspace, strip_password  # noqa: E402

SIZE = (1600, 1000)
TALLY = "material_tally"


def tally_record(who: str, n: int) -> dict[str, Any]:
    """One stock-in of sandbags, as a duty officer would enter it (valid for the schema)."""
    return {"depot": f"基准测试仓库 {who}", "item": "sandbag", "unit": "个", "quantity": float(n % 97 + 1),
            "kind": "stock_in", "reported_at": now_storage(), "source": "benchmark", "note": f"{who} #{n}"}


def percentile(values: list[float], q: float) -> float | None:
    """The ``q`` quantile (0–1) of ``values`` by nearest rank, None for none."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


# ------------------------------------------------------------------ the server
@contextlib.contextmanager
def throwaway_database() -> Iterator[str]:
    """A cluster on loopback in a temporary folder (as ``tests/pg.py`` starts one), a database in it; its URL."""
    import os
    import shutil
    import subprocess

    from tests.pg import SUPERUSER, Cluster, _free_port, _run_as, server_bin

    bindir = server_bin()
    if bindir is None:
        raise SystemExit("no PostgreSQL with PostGIS here (apt install postgresql postgis); or pass --url")
    as_user = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="floodpost-bench-pg-"))
    if as_user:
        shutil.chown(folder, as_user, as_user)
    data = folder / "data"
    r = _run_as(as_user, [str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "-A", "trust", "-E", "UTF8",
                          "--locale=C.UTF-8", "--no-sync"])
    if r.returncode:
        shutil.rmtree(folder, ignore_errors=True)
        raise SystemExit(f"initdb failed: {r.stderr or r.stdout}")
    port = _free_port()
    # fsync stays on: the figures are for a real server, not a test one
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=100"
    r = _run_as(as_user, [str(bindir / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(folder / "log"),
                          "-w", "-t", "60", "start"])
    if r.returncode:
        shutil.rmtree(folder, ignore_errors=True)
        raise SystemExit(f"the server did not start: {r.stderr or r.stdout}")
    try:
        cluster = Cluster(port, folder)
        cluster.sql("CREATE DATABASE floodpost_bench")
        cluster.sql("CREATE EXTENSION IF NOT EXISTS postgis", "floodpost_bench")
        yield cluster.url("floodpost_bench")
    finally:
        subprocess.run((["runuser", "-u", as_user, "--"] if as_user else [])
                       + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True, timeout=120)
        shutil.rmtree(folder, ignore_errors=True)


def prepare(url: str, county: Path) -> float:
    """Set the database up (``server init``) and push the county workspace into it; seconds taken by the push."""
    from floodpost.data.transfer import copy_workspace
    from floodpost.data.workspace import init_server

    init_server(url)
    t0 = time.perf_counter()
    copy_workspace(county, url, overwrite=True)
    return time.perf_counter() - t0


# ------------------------------------------------------------------ figures
def open_first_frame(location: str | Path) -> float:
    """Seconds from opening ``location`` to its first painted frame of the whole extent (the window's path)."""
    from floodpost.layers.model.viewport import Viewport
    from floodpost.layers.scene import MapScene

    t0 = time.perf_counter()
    ws = Workspace.open(location)
    try:
        scene = MapScene.from_workspace(ws)
        scene.render(Viewport.for_lonlat(scene.full_extent(), *SIZE))
        return time.perf_counter() - t0
    finally:
        ws.close()


def open_figures(county: Path, url: str, runs: int) -> dict[str, Any]:
    """Best-of-``runs`` open to first frame of the file and of the database, alternating, in one process."""
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication.instance() or QGuiApplication(["shared-bench"])
    from floodpost.ui.app import warm_up

    warm_up()
    file_s, server_s = [], []
    for _ in range(runs):
        file_s.append(open_first_frame(county))
        server_s.append(open_first_frame(url))
    del app
    best_file, best_server = min(file_s), min(server_s)
    return {"gpkg_s": round(best_file, 3), "postgis_s": round(best_server, 3),
            "open_ratio": round(best_server / best_file, 2) if best_file else None}


def round_trips(url: str, n: int = 50) -> dict[str, Any]:
    """One tally record written and read back, ``n`` times: p50/p99 in ms."""
    times = []
    with Workspace.open(url) as ws:
        for i in range(n):
            t0 = time.perf_counter()
            fid = ws.insert(TALLY, [tally_record("round-trip", i)], operator="benchmark")[0]
            if ws.feature(TALLY, fid) is None:
                raise RuntimeError(f"{TALLY} #{fid} written but not read back")
            times.append((time.perf_counter() - t0) * 1000)
    return {"p50": round(percentile(times, 0.5) or 0, 1), "p99": round(percentile(times, 0.99) or 0, 1), "n": n}


def change_latency(url: str, n: int = 100, timeout: float = 5.0) -> dict[str, Any]:
    """A record written by client A until client B, woken by its socket, has read the log entry: p50/p99 in s."""
    latencies: list[float] = []
    missed = 0
    with Workspace.open(url) as writer, Workspace.open(url) as watcher:
        fd = watcher.watch_fd()
        if fd is None:
            raise RuntimeError(f"{strip_password(url)}: this back end pushes no changes (watch_fd() is None)")
        watcher.drain_notifications()
        seen = watcher.log_max_fid()
        for i in range(n):
            t0 = time.perf_counter()
            writer.insert(TALLY, [tally_record("latency", i)], operator="benchmark-a")
            got = False
            while not got and time.perf_counter() - t0 < timeout:
                ready, _, _ = select.select([fd], [], [], max(0.0, timeout - (time.perf_counter() - t0)))
                if not ready:
                    break
                if watcher.drain_notifications():
                    new = watcher.log_since(seen)  # what the window re-reads: the changed rows only
                    if new:
                        seen = max(int(e[0]) for e in new)
                        got = any(e[2] == TALLY for e in new)
            if got:
                latencies.append(time.perf_counter() - t0)
            else:
                missed += 1
                seen = watcher.log_max_fid()
            time.sleep(0.02)  # one change at a time, as people make them
    return {"p50": _r(percentile(latencies, 0.5)), "p99": _r(percentile(latencies, 0.99)), "n": n, "missed": missed}


def _r(value: float | None, digits: int = 4) -> float | None:
    return None if value is None else round(value, digits)


def _workstation(url: str, who: str, rate: float, seconds: float, out: Any) -> None:
    """One simulated workstation (its own process and connection): ``rate`` tally entries a second, paced."""
    written, errors = 0, []
    try:
        with Workspace.open(url) as ws:
            start = time.perf_counter()
            n = 0
            while True:
                due = start + n / rate
                now = time.perf_counter()
                if due - start >= seconds:
                    break
                if due > now:
                    time.sleep(due - now)
                try:
                    ws.insert(TALLY, [tally_record(who, n)], operator=who)
                    written += 1
                except Exception as exc:  # noqa: BLE001 - counted and reported, the run goes on
                    errors.append(f"{type(exc).__name__}: {strip_password(str(exc)).splitlines()[0] if str(exc) else ''}")
                n += 1
    except Exception as exc:  # noqa: BLE001 - a workstation that cannot connect is an error too
        errors.append(f"{type(exc).__name__}: {strip_password(str(exc))}")
    out.put((who, written, errors))


def load_run(url: str, workstations: int, rate: float, seconds: float) -> dict[str, Any]:
    """``workstations`` processes writing at ``rate`` each for ``seconds``; written vs counted, errors."""
    with Workspace.open(url) as ws:
        before = ws.count(TALLY)
    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    procs = [ctx.Process(target=_workstation, args=(url, f"ws{i + 1}", rate, seconds, out), daemon=True)
             for i in range(workstations)]
    t0 = time.perf_counter()
    for p in procs:
        p.start()
    results = [out.get(timeout=seconds + 300) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    elapsed = time.perf_counter() - t0
    with Workspace.open(url) as ws:
        counted = ws.count(TALLY) - before
    written = sum(r[1] for r in results)
    errors = [e for r in results for e in r[2]]
    return {"workstations": workstations, "rate_per_s": rate, "seconds": seconds, "elapsed_s": round(elapsed, 1),
            "written": written, "counted": counted, "equal": written == counted,
            "errors": len(errors), "error_samples": errors[:5]}


def run(url: str, args: argparse.Namespace, log: Callable[[str], None]) -> dict[str, Any]:
    from gen_county import ensure_county

    county = ensure_county()
    log(f"pushing {county.name} into {strip_password(url)} …")
    result: dict[str, Any] = {"server": strip_password(url), "push_s": round(prepare(url, county), 2)}
    log("open to first frame …")
    result["open_first_frame_s"] = open_figures(county, url, args.runs)
    log("tally round trips …")
    result["tally_round_trip_ms"] = round_trips(url)
    log("change latency …")
    result["change_latency_s"] = change_latency(url)
    log(f"load: {args.workstations} workstations × {args.rate}/s × {args.seconds:g} s …")
    result["load"] = load_run(url, args.workstations, args.rate, args.seconds)
    result["goals"] = {"open_ratio": "<= 2", "tally_round_trip_ms.p50": "< 100",
                       "change_latency_s": "p50 < 0.5, p99 < 2", "load": "written == counted, errors 0"}
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--url", help="a database this may overwrite (default: a throwaway local cluster)")
    ap.add_argument("--json", action="store_true", help="print one JSON object")
    ap.add_argument("--workstations", type=int, default=8, help="simulated workstations in the load run (default 8)")
    ap.add_argument("--rate", type=float, default=10.0, help="records a second per workstation (default 10)")
    ap.add_argument("--seconds", type=float, default=120.0, help="length of the load run (default 120)")
    ap.add_argument("--runs", type=int, default=3, help="opens of each workspace; the best counts (default 3)")
    args = ap.parse_args(argv)

    def log(text: str) -> None:
        print(text, file=sys.stderr, flush=True)

    if args.url:
        result = run(args.url, args, log)
    else:
        with throwaway_database() as url:
            result = run(url, args, log)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=2))
    else:
        o, t, c, ld = result["open_first_frame_s"], result["tally_round_trip_ms"], result["change_latency_s"], result["load"]
        print(f"open to first frame: GeoPackage {o['gpkg_s']} s, PostGIS {o['postgis_s']} s (×{o['open_ratio']})")
        print(f"push of the county workspace: {result['push_s']} s")
        print(f"tally round trip: p50 {t['p50']} ms, p99 {t['p99']} ms")
        print(f"change to the other client: p50 {c['p50']} s, p99 {c['p99']} s ({c['missed']} missed of {c['n']})")
        print(f"load: {ld['written']} written, {ld['counted']} counted, {ld['errors']} errors "
              f"({ld['workstations']} workstations, {ld['rate_per_s']}/s, {ld['seconds']:g} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
