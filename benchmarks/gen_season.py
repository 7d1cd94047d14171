"""Generate the "flood season" benchmark workspace (issue 16).

    python benchmarks/gen_season.py [-o benchmarks/data/season.gpkg] [--seed 16] [--scale 1.0]

The illustrative Hebi demo plus three weeks of records (21 July - 10 August
2021), as a city post receives them from five counties, dozens of townships
and every depot around the clock:

* 100,000 material movements (stock-in, dispatch, consumption; dispatches
  to forward points move stock there),
* 40,000 evacuation reports over 1,000 villages and townships (cumulative
  funnels: planned → notified → transferred → sheltered → returned),
* 20,000 engineering-works records,
* 2,000 force updates (status, personnel and vehicle changes logged with
  their before-values, as the window logs them) and 200 more teams,
* 200,000 situation-log entries in all: one per record as typed, the force
  updates, status changes of waterlogging spots, and two meetings a day;
* operations (issue 18): 400 incidents, 3,000 status records (reported →
  handling → controlled → closed, some reopened, figures as rescues go on),
  2,000 dispatches of the forces to them (sends and recalls), and 30 warnings
  (20 named, 10 of them re-issued as upgrades) to 1,000 villages each, with
  the villages' answers: most within the hour, some after a "no answer",
  some never;
* water and rain (issue 19): 100 gauges (40 river, 10 reservoir, 50 rain)
  reporting hourly for the three weeks, about 50,000 readings: levels
  rising in flood waves after the storms (about half the river gauges past
  警戒, some past 保证, a few reservoirs past 汛限), hourly rain bursts of
  up to several hundred millimetres, gauges silent for a day now and then,
  late and corrected readings; and the duty officers' acknowledgements of
  most up crossings. Readings are logged as the bulletins' imports (one
  entry per bulletin, a late reading its own), not one entry each.

Times are plausible: quiet nights, bursts in the two hours after each
consultation meeting (09:00 and 17:00). Three in a hundred evacuation
reports are corrected (a second report for the same time, entered later),
and one record in twenty is a late report (entered at the end, so a higher
fid, about a time long past). ``--scale 0.1`` gives a tenth of everything,
for quick checks.

Records are validated with the schema's own validator; they are then
written in bulk straight into the GeoPackage tables (one transaction per
table), because typing 160,000 entries one transaction at a time would
take longer than the benchmark itself. ``ensure_season()`` builds the file
once and returns its path.
"""

from __future__ import annotations

import argparse
import json
import math
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import shapely

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # run as a script from a fresh clone
    sys.path.insert(0, str(ROOT))

from floodpost.data.demo import build_demo  # noqa: E402
from floodpost.data.schema import MATERIAL_ITEMS, schema_for  # noqa: E402
from floodpost.data.schema.validate import validate_records  # noqa: E402
from floodpost.data.store.gpkg import geopackage as gpkg  # noqa: E402
from floodpost.data.timeutil import to_storage  # noqa: E402
from floodpost.data.workspace import Workspace  # noqa: E402

DEFAULT_PATH = ROOT / "benchmarks" / "data" / "season.gpkg"
DEFAULT_SEED = 16
SOURCE = "benchmark: flood season (synthetic)"
OPERATORS = ("值班员甲", "值班员乙", "物资组", "转移组", "工程组", "GIS席")

START = np.datetime64("2021-07-21T00:00")  # Beijing time, as officers type it
DAYS = 21
N_MATERIALS = 100_000
N_EVACUATION = 40_000
N_AREAS = 1_000
N_WORKS = 20_000
N_FORCE_UPDATES = 2_000
N_NEW_FORCES = 200
N_LOG = 200_000
N_INCIDENTS = 400
N_STATUS = 3_000
N_DISPATCHES = 2_000
N_WARNINGS = 30
N_WARNED_VILLAGES = 1_000
N_STATIONS = 100  # 40 river, 10 reservoir, 50 rain gauges, each reporting hourly
#: Bumped when the season's contents change: a file built before is built again.
CONTENTS = "water2"

COUNTIES = ("鹤山区", "山城区", "淇滨区", "浚县", "淇县")
_SYLLABLES = "东西南北前后大小新老王李张刘陈杨赵黄周吴庄河坡桥庙营屯寨集湾岗沟"


# ---------------------------------------------------------------- times
def _hour_weights() -> np.ndarray:
    """Relative report rate per hour of the day: quiet nights, bursts after 09:00 and 17:00 meetings."""
    w = np.full(24, 1.0)
    w[0:6] = 0.25
    w[6:8] = 0.7
    w[9:11] = 3.0
    w[17:19] = 2.6
    w[22:24] = 0.5
    return w / w.sum()


def _times(rng: np.random.Generator, n: int, first_day: float = 0.0) -> np.ndarray:
    """``n`` report times (minute resolution, Beijing time) over the season, in no particular order.

    The flood peaks in the first week: days are drawn with a falling weight.
    """
    days = np.arange(DAYS)
    dw = np.exp(-days / 8.0) * (days >= first_day)
    dw /= dw.sum()
    day = rng.choice(DAYS, size=n, p=dw)
    hour = rng.choice(24, size=n, p=_hour_weights())
    minute = rng.integers(0, 60, size=n)
    offset = (day * 24 + hour) * 60 + minute
    return START + offset.astype("timedelta64[m]")


def _stored(t: np.datetime64) -> str:
    return to_storage(str(t))


def _place_name(rng: np.random.Generator, suffix: str) -> str:
    a, b = rng.choice(list(_SYLLABLES), 2)
    return f"{a}{b}{suffix}"


# ---------------------------------------------------------------- records
def _areas(rng: np.random.Generator, n: int) -> list[tuple[str, str, int]]:
    """(name, kind, planned persons): 1 township in 20, the rest villages; names unique."""
    out, seen = [], set()
    while len(out) < n:
        county = COUNTIES[int(rng.integers(0, len(COUNTIES)))]
        town = _place_name(rng, "镇")
        township = rng.random() < 0.05
        name = f"{county}{town}" if township else f"{county}{town}{_place_name(rng, '村')}"
        if name in seen:
            continue
        seen.add(name)
        planned = int(rng.integers(3000, 16000)) if township else int(rng.integers(120, 2600))
        out.append((name, "township" if township else "village", planned))
    return out


def evacuation_records(rng: np.random.Generator, n: int, n_areas: int) -> list[dict[str, Any]]:
    """Cumulative funnel reports: each area's figures only grow, returns come late in the season."""
    areas = _areas(rng, n_areas)
    per_area = rng.multinomial(n, np.full(len(areas), 1 / len(areas)))
    rows: list[dict[str, Any]] = []
    for (name, kind, planned), k in zip(areas, per_area, strict=True):
        if k == 0:
            continue
        start_day = float(rng.uniform(0, 6))
        times = np.sort(_times(rng, int(k), first_day=start_day))
        progress = np.sort(rng.uniform(0, 1, int(k)))
        per_household = float(rng.uniform(2.8, 3.8))
        for t, p in zip(times, progress, strict=True):
            notified = planned if p > 0.15 else int(planned * p / 0.15)
            transferred = int(min(planned, planned * min(1.0, p * 1.3)))
            sheltered = int(transferred * float(rng.uniform(0.3, 0.55)))
            returned = int(transferred * max(0.0, (p - 0.7) / 0.3)) if p > 0.7 else 0
            sheltered = min(sheltered, transferred - returned)
            row: dict[str, Any] = {"area": name, "area_kind": kind}
            for stage, persons in (("planned", planned), ("notified", notified), ("transferred", transferred),
                                   ("sheltered", sheltered), ("returned", returned)):
                row[f"{stage}_persons"] = persons
                row[f"{stage}_households"] = round(persons / per_household)
            row.update(reported_at=_stored(t), source=SOURCE, note="累计数")
            rows.append(row)
    return rows


def material_records(rng: np.random.Generator, n: int, depots: list[str], fronts: list[str]) -> list[dict[str, Any]]:
    """Stock-in to the warehouses, dispatches (a third of them to forward points) and use on site."""
    items = [c.code for c in MATERIAL_ITEMS]
    weights = np.array([30, 12, 6, 6, 2, 3, 4, 4, 3, 3, 8, 8, 2], dtype=float)[: len(items)]
    weights /= weights.sum()
    units = {"sandbag": "袋", "woven_bag": "条", "geotextile": "平方米", "life_jacket": "件",
             "assault_boat": "艘", "pump": "台", "tent": "顶", "quilt": "床", "folding_bed": "张",
             "emergency_light": "盏", "water": "箱", "instant_noodles": "箱", "other": "件"}
    times = _times(rng, n)
    kind = rng.choice(["stock_in", "dispatch", "consumed"], size=n, p=[0.3, 0.5, 0.2])
    item = rng.choice(items, size=n, p=weights)
    depot_i = rng.integers(0, len(depots), size=n)
    rows = []
    for t, k, it, d in zip(times, kind, item, depot_i, strict=True):
        big = it in ("sandbag", "woven_bag", "geotextile")
        qty = float(rng.integers(200, 20000) if big else rng.integers(1, 400))
        if k == "stock_in":
            qty *= 2.5
        dest = None
        if k == "dispatch":
            dest = fronts[int(rng.integers(0, len(fronts)))] if rng.random() < 0.35 else _place_name(rng, "堤段")
        rows.append({
            "depot": depots[int(d)], "item": str(it), "unit": units.get(str(it), "件"), "quantity": round(qty),
            "kind": str(k), "destination": dest, "reported_at": _stored(t), "source": SOURCE, "note": None,
        })
    return rows


def works_records(rng: np.random.Generator, n: int) -> list[dict[str, Any]]:
    places = [f"{_place_name(rng, '河')}{_place_name(rng, '段')}堤防" for _ in range(300)]
    times = _times(rng, n)
    rows = []
    for t in times:
        rows.append({
            "place": places[int(rng.integers(0, len(places)))],
            "dike_m": round(float(rng.uniform(20, 600)), -1),
            "sandbags": int(rng.integers(0, 8000)),
            "earth_m3": round(float(rng.uniform(0, 3000)), -1),
            "rescued": int(rng.integers(0, 30) * (rng.random() < 0.15)),
            "reported_at": _stored(t), "source": SOURCE, "note": "新增",
        })
    return rows


def force_records(rng: np.random.Generator, n: int, template: dict[str, Any]) -> list[dict[str, Any]]:
    cats = ["army", "fire", "professional", "social", "militia", "police", "volunteer"]
    times = _times(rng, n)
    rows = []
    for i, t in enumerate(times):
        lon = 114.05 + float(rng.uniform(0, 0.6))
        lat = 35.5 + float(rng.uniform(0, 0.45))
        rows.append({
            **template,
            "name": f"增援队伍{i + 1:03d}", "category": cats[int(rng.integers(0, len(cats)))],
            "personnel": int(rng.integers(10, 400)), "vehicles": int(rng.integers(0, 20)),
            "boats": int(rng.integers(0, 8)), "task": "抢险支援",
            "status": str(rng.choice(["standby", "mobile", "on_duty"])),
            "contact_person": None, "contact_phone": None,
            "reported_at": _stored(t), "source": SOURCE, "note": None,
            "geometry": shapely.Point(lon, lat),
        })
    return rows


def incident_records(rng: np.random.Generator, n: int, template: dict[str, Any]) -> list[dict[str, Any]]:
    kinds = ["piping", "seepage", "overtopping", "breach", "bank_collapse", "landslide", "road_cut", "trapped",
             "waterlogging", "other"]
    times = _times(rng, n)
    rows = []
    for i, t in enumerate(times):
        rows.append({
            **template,
            "name": f"{_place_name(rng, '段')}险情{i + 1:03d}", "kind": kinds[int(rng.integers(0, len(kinds)))],
            "severity": str(rng.choice(["general", "large", "major", "extreme"], p=[0.6, 0.25, 0.12, 0.03])),
            "county": COUNTIES[int(rng.integers(0, len(COUNTIES)))],
            "threatened": int(rng.integers(0, 3000)), "trapped": int(rng.integers(0, 60) * (rng.random() < 0.3)),
            "reported_at": _stored(t), "source": SOURCE, "note": None,
            "geometry": shapely.Point(114.05 + float(rng.uniform(0, 0.6)), 35.5 + float(rng.uniform(0, 0.45))),
        })
    return rows


def status_records(rng: np.random.Generator, n: int, incidents: list[tuple[str, str, int]]) -> list[dict[str, Any]]:
    """Each incident's course: handling within hours, controlled, closed; one in ten reopened."""
    per = rng.multinomial(n, np.full(len(incidents), 1 / len(incidents)))
    rows = []
    for (name, at, trapped), k in zip(incidents, per, strict=True):
        t = np.datetime64(at.replace("Z", ""), "m") + np.timedelta64(8 * 60, "m")  # stored UTC → Beijing
        rescued = 0
        course = ["handling"] * max(1, int(k) - 2) + ["controlled", "closed"]
        if rng.random() < 0.1:
            course[-1:] = ["closed", "handling", "closed"]
        for st in course[: int(k)]:
            t = t + np.timedelta64(int(rng.integers(20, 600)), "m")
            rescued = min(trapped, rescued + int(rng.integers(0, 10)))
            rows.append({"incident": name, "status": st, "rescued": rescued if trapped else None,
                         "reported_at": _stored(t), "source": SOURCE, "note": None})
    return rows


def dispatch_records(rng: np.random.Generator, n: int, incidents: list[tuple[str, str, int]],
                     forces: list[str]) -> list[dict[str, Any]]:
    """Sends of part of a team to an incident after its report; a quarter recalls of an earlier send."""
    rows: list[dict[str, Any]] = []
    sent: list[dict[str, Any]] = []
    for _ in range(n):
        if sent and rng.random() < 0.25:
            s = sent[int(rng.integers(0, len(sent)))]
            t = np.datetime64(s["reported_at"].replace("Z", ""), "m") + np.timedelta64(8 * 60, "m")
            t = t + np.timedelta64(int(rng.integers(60, 2000)), "m")
            rows.append({**s, "action": "recall", "personnel": max(1, s["personnel"] // 2), "task": None,
                         "reported_at": _stored(t)})
            continue
        name, at, _ = incidents[int(rng.integers(0, len(incidents)))]
        t = np.datetime64(at.replace("Z", ""), "m") + np.timedelta64(8 * 60 + int(rng.integers(10, 300)), "m")
        row = {"force": forces[int(rng.integers(0, len(forces)))], "incident": name, "action": "send",
               "personnel": int(rng.integers(5, 40)), "vehicles": int(rng.integers(0, 4)),
               "boats": int(rng.integers(0, 3)), "task": "抢险", "reported_at": _stored(t), "source": SOURCE,
               "note": None}
        rows.append(row)
        sent.append(row)
    return rows


def warning_records(rng: np.random.Generator, n: int, n_villages: int) -> tuple[list[dict[str, Any]],
                                                                              list[dict[str, Any]]]:
    """Warnings to the villages (a third of them re-issues of an earlier name, upgraded) and the answers."""
    from floodpost.data import recipients as rcp

    villages: list[str] = []
    seen: set[str] = set()
    while len(villages) < n_villages:
        key = rcp.village_key(COUNTIES[int(rng.integers(0, len(COUNTIES)))], _place_name(rng, "镇"),
                              _place_name(rng, "村"))
        if key not in seen:
            seen.add(key)
            villages.append(key)
    levels = ["blue", "yellow", "orange", "red"]
    warnings: list[dict[str, Any]] = []
    acks: list[dict[str, Any]] = []
    times = np.sort(_times(rng, n))
    named = max(1, n * 2 // 3)
    for i, t in enumerate(times):
        if i < named:
            name, level = f"预警{i + 1:02d}号", int(rng.integers(0, 3))
        else:  # a re-issue of an earlier warning, one level up
            j = int(rng.integers(0, named))
            name, level = warnings[j]["name"], min(3, levels.index(warnings[j]["level"]) + 1)
            t = max(t, np.datetime64(warnings[j]["reported_at"].replace("Z", ""), "m")
                    + np.timedelta64(8 * 60 + 30, "m"))
        ends = t + np.timedelta64(int(rng.integers(12, 72)) * 60, "m") if rng.random() < 0.5 else None
        warnings.append({"name": name, "level": levels[level], "kind": str(rng.choice(["rain", "river", "geohazard"])),
                         "text": "请做好防范", "issuer": "市防指", "recipients": rcp.join(villages),
                         "reported_at": _stored(t), "ends_at": _stored(ends) if ends is not None else None,
                         "source": SOURCE, "note": None})
        for key in villages:
            r = rng.random()
            if r < 0.1:
                continue  # never answered
            after = t + np.timedelta64(int(rng.exponential(20)) + 1, "m")
            if r < 0.25:  # a call nobody took first
                acks.append({"warning": name, "recipient": key, "how": "no_answer", "reported_at": _stored(after),
                             "source": SOURCE})
                if r < 0.15:
                    continue
                after = after + np.timedelta64(int(rng.integers(10, 90)), "m")
            acks.append({"warning": name, "recipient": key, "how": str(rng.choice(["phone", "sms", "radio"])),
                         "reported_at": _stored(after), "source": SOURCE})
    return warnings, acks


def _wave(hours: np.ndarray, start: float, peak_after: float) -> np.ndarray:
    """A flood wave's shape, 0 before ``start``, 1 at its peak ``peak_after`` hours later, then a long tail."""
    x = np.clip((hours - start) / peak_after, 0.0, None)
    return x**3 * np.exp(3.0 * (1.0 - x))


def station_records(rng: np.random.Generator, n: int, template: dict[str, Any]) -> list[dict[str, Any]]:
    """``n`` gauges: two in five on rivers, one in ten at reservoirs, half rain gauges; thresholds plausible."""
    rows = []
    kinds = ["river"] * (n * 2 // 5) + ["reservoir"] * max(1, n // 10)
    kinds += ["rain"] * (n - len(kinds))
    for i, kind in enumerate(kinds):
        row = {**template, "name": f"{_place_name(rng, '')}{i + 1:03d}站", "code": f"3169{i + 1:04d}", "kind": kind,
               "county": COUNTIES[int(rng.integers(0, len(COUNTIES)))], "source": SOURCE,
               "geometry": shapely.Point(114.05 + float(rng.uniform(0, 0.6)), 35.5 + float(rng.uniform(0, 0.45)))}
        if kind == "river":
            warning = round(float(rng.uniform(55, 110)), 2)
            row.update(river=f"{_place_name(rng, '河')}", warning_level=warning,
                       guaranteed_level=round(warning + float(rng.uniform(1.5, 2.5)), 2))
        elif kind == "reservoir":
            limit = round(float(rng.uniform(120, 260)), 2)
            design = round(limit + float(rng.uniform(3, 6)), 2)
            row.update(reservoir=f"{_place_name(rng, '')}水库", flood_limit_level=limit, design_level=design,
                       check_level=round(design + float(rng.uniform(1, 3)), 2))
        rows.append(row)
    return rows


def reading_records(rng: np.random.Generator, stations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Hourly readings of every gauge over the season.

    Rain comes in a storm in the first three days and two or three smaller
    ones later; levels rise in a wave some hours after each (river gauges
    first below warning, then half of them past it and one in six past
    their guaranteed level). One gauge in ten is silent for 12-36 hours once,
    and one hour in a hundred is missing anywhere.
    """
    hours = np.arange(DAYS * 24, dtype=float)
    storms = [(float(rng.uniform(20, 60)), float(rng.uniform(4, 8)), 1.0)]
    for _ in range(int(rng.integers(2, 4))):
        storms.append((float(rng.uniform(120, DAYS * 24 - 48)), float(rng.uniform(3, 6)), float(rng.uniform(0.1, 0.3))))
    rows: list[dict[str, Any]] = []
    for st in stations:
        kind = st["kind"]
        keep = rng.random(len(hours)) >= 0.01
        if rng.random() < 0.1:
            a = int(rng.integers(0, len(hours) - 36))
            keep[a:a + int(rng.integers(12, 37))] = False
        if kind == "rain":
            total = float(rng.uniform(150, 700))
            mm = np.zeros(len(hours))
            for centre, spread, share in storms:
                c = centre + float(rng.normal(0, 3))
                edges = np.concatenate([hours - 1, hours[-1:]])
                cdf = 0.5 * (1 + np.vectorize(math.erf)((edges - c) / (spread * math.sqrt(2))))
                mm += total * share * np.diff(cdf)
            mm *= rng.lognormal(0.0, 0.4, len(hours))
            values = {"rain": np.round(np.where(mm < 0.05, 0.0, mm), 1)}
        else:
            if kind == "river":
                base_threshold, top = st["warning_level"], st["guaranteed_level"]
            else:
                base_threshold, top = st["flood_limit_level"], st["design_level"]
            start = base_threshold - float(rng.uniform(1.5, 3.5))
            u = rng.random()
            if u < 0.5:  # stays below
                peak = start + (base_threshold - start) * float(rng.uniform(0.5, 0.97))
            elif u < 0.83:  # past the first threshold
                peak = base_threshold + (top - base_threshold) * float(rng.uniform(0.05, 0.9))
            else:  # past the second
                peak = top + float(rng.uniform(0.05, 0.8))
            shape = np.zeros(len(hours))
            for centre, _spread, share in storms:
                lag = float(rng.uniform(6, 48))
                shape = np.maximum(shape, min(1.0, share * 2.5) * _wave(hours, centre, lag))
            level = start + (peak - start) * shape + rng.normal(0, 0.01, len(hours))
            values = {"level": np.round(level, 2)}
            if kind == "river":
                values["flow"] = np.round(30 * np.clip(level - start + 0.5, 0, None) ** 1.6, 0)
            else:
                values["storage"] = np.round(800 + (level - start) * 120, 0)
                values["flow"] = np.round(np.clip(level - base_threshold + 1, 0.2, None) * 8, 1)
        for h in np.flatnonzero(keep):
            t = START + np.timedelta64(int(h), "h")
            row = {"station": st["name"], "reported_at": _stored(t), "source": SOURCE, "note": None}
            for k, v in values.items():
                row[k] = float(v[h])
            rows.append(row)
    return rows


def _reading_corrections(rng: np.random.Generator, rows: list[dict[str, Any]], share: float = 0.005
                         ) -> list[dict[str, Any]]:
    """A second reading for the same gauge and time, entered later (the level misread by a few centimetres)."""
    out = []
    for r in rows:
        if r.get("level") is not None and rng.random() < share:
            out.append({**r, "level": round(r["level"] + float(rng.choice([-0.05, 0.05])), 2), "note": "更正"})
    return out


def alert_ack_records(rng: np.random.Generator, stations: list[dict[str, Any]], readings: list[dict[str, Any]]
                      ) -> list[dict[str, Any]]:
    """The duty officers' acknowledgements of four in five up crossings, most within the hour."""
    from floodpost.data.situation.hydro import Station, crossings

    levels: dict[str, dict[str, float]] = {}
    for r in readings:  # in the order entered: a correction (entered later) replaces its reading
        if r.get("level") is not None:
            levels.setdefault(r["station"], {})[r["reported_at"]] = r["level"]
    rows = []
    for st in stations:
        series = sorted(levels.get(st["name"], {}).items())
        for ev in crossings(Station.of(st), [(i, v) for i, (_, v) in enumerate(series)]):
            if ev.direction != "up" or rng.random() >= 0.8:
                continue
            at = series[ev.ms][0]
            t = np.datetime64(at.replace("Z", ""), "m") + np.timedelta64(8 * 60 + int(rng.exponential(25)) + 1, "m")
            rows.append({"station": st["name"], "threshold": ev.threshold, "direction": "up", "event_at": at,
                         "by": OPERATORS[int(rng.integers(0, len(OPERATORS)))], "reported_at": _stored(t),
                         "note": None})
    return rows


# ---------------------------------------------------------------- writing
def _late(rng: np.random.Generator, rows: list[dict[str, Any]], share: float = 0.05) -> list[dict[str, Any]]:
    """Most rows in report order; ``share`` of them entered at the end (late reports: higher fids)."""
    rows = sorted(rows, key=lambda r: r["reported_at"])
    late = rng.random(len(rows)) < share
    return [r for r, x in zip(rows, late, strict=True) if not x] + [r for r, x in zip(rows, late, strict=True) if x]


def _corrections(rng: np.random.Generator, rows: list[dict[str, Any]], share: float = 0.03) -> list[dict[str, Any]]:
    """A second report for the same area and time, entered later: the correction wins."""
    out = []
    for r in rows:
        if rng.random() < share:
            c = dict(r)
            c["transferred_persons"] = min(c["planned_persons"], int(c["transferred_persons"] * 1.02) + 1)
            c["note"] = "更正"
            out.append(c)
    return out


def _write(con: sqlite3.Connection, key: str, rows: list[dict[str, Any]], operator_of: Any) -> list[tuple]:
    """Insert validated rows in one go; return their log entries (at, operator, action, target, fid, summary, after)."""
    schema = schema_for(key)
    clean = validate_records(schema, rows, source=SOURCE)
    cols = schema.field_names
    names = ", ".join(f'"{c}"' for c in cols)
    sql = f'INSERT INTO "{key}" ({names}) VALUES ({", ".join("?" * len(cols))})'
    log = []
    cur = con.cursor()
    for i, r in enumerate(clean):
        cur.execute(sql, [r.get(c) for c in cols])
        fid = cur.lastrowid
        # as typed: logged at (or after, for late reports) its report time
        log.append((r["reported_at"], operator_of(i), "insert", key, fid,
                    f"{schema.zh}: {r.get(schema.title_field) or ''}", None,
                    json.dumps({c: r.get(c) for c in cols}, ensure_ascii=False)))
    return log


def _bulletins(entries: list[tuple]) -> list[tuple]:
    """Readings come in bulletins: one import entry for each run of readings of one time, as the import logs it."""
    out: list[tuple] = []
    run: list[tuple] = []
    for e in [*entries, None]:
        if run and (e is None or e[0] != run[0][0]):
            first, last = run[0][4], run[-1][4]
            out.append((run[0][0], "水情组", "import", "readings", None, f"水雨情: 报表 {len(run)} 条", None,
                        json.dumps({"first_fid": first, "last_fid": last, "rows": len(run)})))
            run = []
        if e is not None:
            run.append(e)
    return out


def build_season(path: Path, seed: int = DEFAULT_SEED, scale: float = 1.0, verbose: bool = True) -> Path:
    rng = np.random.default_rng(seed)
    t0 = time.perf_counter()

    def say(msg: str) -> None:
        if verbose:
            print(f"[{time.perf_counter() - t0:6.1f}s] {msg}", flush=True)

    path.parent.mkdir(parents=True, exist_ok=True)
    build_demo(path, overwrite=True)
    say(f"demo written to {path}")
    ws = Workspace.open(path)
    try:
        depots = ws.read("depots")
        names = [str(n) for n in depots["name"]]
        fronts = [str(n) for n, k in zip(depots["name"], depots["kind"], strict=True) if k == "front"]
        forces = ws.read("forces")
        template = {c: None for c in schema_for("forces").field_names}
        new_forces = force_records(rng, max(1, int(N_NEW_FORCES * scale)), template)
        ws.insert("forces", new_forces, operator="增援调度", summary=f"增援队伍 {len(new_forces)} 支", source=SOURCE)
        forces = ws.read("forces")
        template = {c: None for c in schema_for("incidents").field_names}
        incidents = incident_records(rng, max(1, int(N_INCIDENTS * scale)), template)
        ws.insert("incidents", incidents, operator="值班员甲", summary=f"险情 {len(incidents)} 处", source=SOURCE)
        say(f"{len(incidents):,} incidents")
        template = {c: None for c in schema_for("stations").field_names}
        gauges = station_records(rng, max(5, int(N_STATIONS * scale)), template)
        ws.insert("stations", gauges, operator="GIS席", summary=f"测站 {len(gauges)} 个", source=SOURCE)
        say(f"{len(gauges):,} gauges")
    finally:
        ws.close()
    operator_of = lambda i: OPERATORS[i % len(OPERATORS)]  # noqa: E731
    evac = evacuation_records(rng, int(N_EVACUATION * scale), max(10, int(N_AREAS * scale)))
    evac = _late(rng, evac) + _corrections(rng, evac)
    say(f"{len(evac):,} evacuation reports")
    mats = _late(rng, material_records(rng, int(N_MATERIALS * scale), names, fronts))
    say(f"{len(mats):,} material movements")
    works = _late(rng, works_records(rng, int(N_WORKS * scale)))
    say(f"{len(works):,} works records")
    about = [(r["name"], r["reported_at"], r["trapped"]) for r in incidents]
    status = _late(rng, status_records(rng, int(N_STATUS * scale), about))
    dispatches = _late(rng, dispatch_records(rng, int(N_DISPATCHES * scale), about,
                                             [str(n) for n in forces["name"]]))
    warns, acks = warning_records(rng, max(1, int(N_WARNINGS * scale)), max(10, int(N_WARNED_VILLAGES * scale)))
    acks = _late(rng, acks)
    readings = _late(rng, reading_records(rng, gauges))
    readings += _reading_corrections(rng, readings)
    alert_acks = alert_ack_records(rng, gauges, readings)
    say(f"water: {len(readings):,} readings, {len(alert_acks):,} alert acknowledgements")
    say(f"operations: {len(status):,} status records, {len(dispatches):,} dispatches, {len(warns)} warnings, "
        f"{len(acks):,} answers")
    con = sqlite3.connect(path)
    gpkg.register_functions(con)
    log: list[tuple] = []
    with con:
        for key, rows in (("evacuation", evac), ("material_tally", mats), ("works", works),
                          ("incident_status", status), ("dispatches", dispatches), ("warnings", warns),
                          ("acknowledgements", acks), ("readings", readings), ("alert_acks", alert_acks)):
            entries = _write(con, key, rows, operator_of)
            log += _bulletins(entries) if key == "readings" else entries
            say(f"{key}: {len(rows):,} rows")
        # force updates, logged with their before-values at plausible times
        n_up = int(N_FORCE_UPDATES * scale)
        fids = forces.index.to_numpy()
        state = {int(f): {"status": s, "personnel": int(p or 0)}
                 for f, s, p in zip(fids, forces["status"], forces["personnel"], strict=True)}
        reported = dict(zip(fids.tolist(), forces["reported_at"], strict=True))
        times = np.sort(_times(rng, n_up))
        for t in times:
            at = _stored(t)
            ready = [f for f in fids.tolist() if str(reported[f]) <= at]  # reported by then
            if not ready:
                continue
            fid = int(ready[int(rng.integers(0, len(ready)))])
            old = state[fid]
            new = {"status": str(rng.choice(["standby", "mobile", "on_duty", "withdrawn"], p=[0.2, 0.3, 0.4, 0.1])),
                   "personnel": max(5, old["personnel"] + int(rng.integers(-40, 60)))}
            con.execute('UPDATE forces SET status = ?, personnel = ? WHERE fid = ?', (new["status"], new["personnel"], fid))
            log.append((at, operator_of(fid), "update", "forces", fid, f"救援力量: {fid}",
                        json.dumps(old, ensure_ascii=False), json.dumps(new, ensure_ascii=False)))
            state[fid] = new
        say(f"force updates: {sum(1 for e in log if e[2] == 'update'):,}")
        # meetings twice a day
        for day in range(DAYS):
            for hour in (9, 17):
                at = _stored(START + np.timedelta64((day * 24 + hour) * 60, "m"))
                log.append((at, "会商", "meeting", None, None, f"防汛会商 第{day + 1}天{hour}时", None, None))
        # the rest: waterlogging spots opening and closing, as the GIS desk edits them
        spots = [int(f) for f, in con.execute("SELECT fid FROM waterlogging")]
        rest = max(0, int(N_LOG * scale) - len(log))
        for t in _times(rng, rest):
            fid = spots[int(rng.integers(0, len(spots)))]
            a, b = rng.choice(["normal", "ponding", "closed"], 2, replace=False)
            log.append((_stored(t), "GIS席", "update", "waterlogging", fid, f"城市易涝点: {fid}",
                        json.dumps({"status": str(a)}), json.dumps({"status": str(b)})))
        log.sort(key=lambda e: e[0])
        con.executemany(
            "INSERT INTO situation_log (at, operator, action, target, feature_id, summary, before, after)"
            " VALUES (?,?,?,?,?,?,?,?)", log)
        say(f"situation_log: {len(log):,} entries")
    con.close()
    return path


def as_written_elsewhere(path: Path) -> int:
    """Take every row's uuid out again, as a program other than FloodPost (GDAL, a county's script) leaves
    the rows it writes; the next open gives them theirs. Returns how many rows."""
    con = sqlite3.connect(path)
    gpkg.register_functions(con)  # the GeoPackage's triggers name its SQL functions
    rows = 0
    for (key,) in con.execute("SELECT table_name FROM gpkg_contents").fetchall():
        if "uuid" in {r[1] for r in con.execute(f'PRAGMA table_info("{key}")')}:
            rows += con.execute(f'UPDATE "{key}" SET uuid = NULL').rowcount
    con.commit()
    con.close()
    return rows


def ensure_season(path: Path = DEFAULT_PATH, seed: int = DEFAULT_SEED, scale: float = 1.0) -> Path:
    """The season workspace, built once per (path, seed, scale)."""
    stamp = path.with_suffix(".built")
    want = f"{seed} {scale} {CONTENTS}"
    if path.exists() and stamp.exists() and stamp.read_text() == want:
        return path
    build_season(path, seed, scale)
    stamp.write_text(want)
    return path


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("-o", "--output", type=Path, default=DEFAULT_PATH)
    p.add_argument("--seed", type=int, default=DEFAULT_SEED)
    p.add_argument("--scale", type=float, default=1.0, help="fraction of the full season (default 1)")
    args = p.parse_args(argv)
    build_season(args.output, args.seed, args.scale)
    args.output.with_suffix(".built").write_text(f"{args.seed} {args.scale} {CONTENTS}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
