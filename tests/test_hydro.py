"""Water and rain as of a moment against hand-computed figures, from the rules in ``situation/hydro.py``.

Small workspaces on both back ends, readings entered one by one (late ones
and same-time corrections among them); every figure below is worked out by
hand from the module's docstring, not from its code.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
import shapely

from floodpost.cli import main
from floodpost.data import situation
from floodpost.data.situation import as_of, crossing_events, series
from floodpost.data.situation.freshness import figure_age
from floodpost.data.situation.hydro import margin_text
from floodpost.data.timeutil import to_storage
from floodpost.data.workspace import Workspace

DAY = "2021-07-22T"
P = shapely.Point(114.3, 35.7)
QM, LZ, PST, XC = "卫河淇门", "共渠刘庄", "盘石头水库", "新村雨量站"


def t(hour: str, day: str = DAY) -> str:
    """A Beijing time of the day as stored."""
    return to_storage(day + hour)


def reading(station: str, hour: str, level: float | None = None, day: str = DAY, **more: Any) -> dict[str, Any]:
    return {"station": station, "reported_at": day + hour, "level": level, **more}


def put(ws: Workspace, *rows: dict[str, Any], key: str = "readings") -> None:
    for r in rows:  # one entry each, as the tally window writes them
        ws.insert(key, [r])


def ack(station: str, threshold: str, direction: str, event: str, hour: str) -> dict[str, Any]:
    return {"station": station, "threshold": threshold, "direction": direction, "event_at": DAY + event,
            "by": "值班员", "reported_at": DAY + hour}


def events(ws: Workspace) -> list[tuple[str, str, str, str, float, float]]:
    """Every crossing: (station, threshold, direction, time as stored, level, margin), in time order."""
    return [(e.station, e.threshold, e.direction, situation.hydro.stored_text(e.ms), e.level, e.margin)
            for e in crossing_events(ws)]


def state(ws: Workspace, name: str, hour: str, day: str = DAY) -> dict[str, Any]:
    got = [s for s in as_of(ws, day + hour).water.stations if s["station"] == name]
    assert len(got) == 1
    return got[0]


def sums(ws: Workspace, hour: str, day: str = DAY) -> dict[str, Any]:
    return as_of(ws, day + hour).totals()["water"]


@pytest.fixture
def ws(ws_location: Any) -> Any:
    with Workspace.create(ws_location) as w:
        w.insert("stations", [
            {"name": QM, "kind": "river", "river": "卫河", "warning_level": 66.0, "guaranteed_level": 67.5,
             "geometry": P},  # the default rate (0.3 m/h) and interval (6 h)
            {"name": LZ, "kind": "river", "river": "共产主义渠", "warning_level": 70.0, "guaranteed_level": 71.0,
             "rise_rate": 0.5, "report_hours": 2, "geometry": P},
            {"name": PST, "kind": "reservoir", "reservoir": "盘石头", "flood_limit_level": 245.0,
             "design_level": 254.0, "check_level": 257.0, "geometry": P},
            {"name": XC, "kind": "rain", "geometry": P},
        ])
        yield w


# ---------------------------------------------------------------- crossing events
def test_crossings_up_down_late_reading_and_correction(ws: Workspace) -> None:
    put(ws, reading(QM, "02:00", 65.50), reading(QM, "04:00", 66.20),
        reading(QM, "05:00", 65.90),  # over at 04:00, back under at 05:00
        reading(QM, "08:00", 66.00))  # at the warning level: reached, not exceeded
    assert events(ws) == [(QM, "warning", "up", t("04:00"), 66.2, 0.2),
                          (QM, "warning", "down", t("05:00"), 65.9, -0.1)]
    put(ws, reading(QM, "10:00", 67.60))
    assert events(ws)[2:] == [(QM, "warning", "up", t("10:00"), 67.6, 1.6),
                              (QM, "guaranteed", "up", t("10:00"), 67.6, 0.1)]
    put(ws, reading(QM, "09:00", 66.80))  # entered late, about 09:00: the warning was passed then
    assert events(ws)[2:] == [(QM, "warning", "up", t("09:00"), 66.8, 0.8),
                              (QM, "guaranteed", "up", t("10:00"), 67.6, 0.1)]
    put(ws, reading(QM, "10:00", 67.40))  # the 10:00 reading corrected: never over guaranteed
    put(ws, reading(QM, "12:00", 65.80))
    assert events(ws) == [(QM, "warning", "up", t("04:00"), 66.2, 0.2),
                          (QM, "warning", "down", t("05:00"), 65.9, -0.1),
                          (QM, "warning", "up", t("09:00"), 66.8, 0.8),
                          (QM, "warning", "down", t("12:00"), 65.8, -0.2)]
    # the moment's list: waiting alerts newest first, then the rest newest first; up to the moment only
    got = [(e["threshold"], e["direction"], e["at"], e["margin"], e["acknowledged"])
           for e in as_of(ws, DAY + "10:30").water.events]
    assert got == [("warning", "up", t("09:00"), 0.8, False), ("warning", "up", t("04:00"), 0.2, False),
                   ("warning", "down", t("05:00"), -0.1, False)]
    assert as_of(ws, DAY + "10:30").water.unacknowledged == 2
    assert as_of(ws, DAY + "04:59").water.unacknowledged == 1
    assert as_of(ws, DAY + "03:59").water.unacknowledged == 0
    chart = situation.hydrograph(ws, QM)  # one point per time: the correction's
    assert chart["level"].tolist() == [65.5, 66.2, 65.9, 66.0, 66.8, 67.4, 65.8]
    assert [(e.threshold, e.direction) for e in chart["events"]] == [
        ("warning", "up"), ("warning", "down"), ("warning", "up"), ("warning", "down")]
    assert chart["thresholds"] == {"warning": 66.0, "guaranteed": 67.5}
    assert [e.ms for e in crossing_events(ws, DAY + "09:00")] == [
        situation._ms(t("04:00")), situation._ms(t("05:00")), situation._ms(t("09:00"))]


def test_readings_out_of_order_give_the_same_events(ws: Workspace) -> None:
    """The same records entered in a muddled order: the events are read in time order."""
    put(ws, reading(QM, "12:00", 65.80), reading(QM, "10:00", 67.60), reading(QM, "02:00", 65.50),
        reading(QM, "09:00", 66.80), reading(QM, "05:00", 65.90), reading(QM, "10:00", 67.40),
        reading(QM, "08:00", 66.00), reading(QM, "04:00", 66.20))
    assert events(ws) == [(QM, "warning", "up", t("04:00"), 66.2, 0.2),
                          (QM, "warning", "down", t("05:00"), 65.9, -0.1),
                          (QM, "warning", "up", t("09:00"), 66.8, 0.8),
                          (QM, "warning", "down", t("12:00"), 65.8, -0.2)]
    assert state(ws, QM, "10:00")["level"] == 67.4  # the correction, entered after the 67.60


def test_first_reading_already_over(ws: Workspace) -> None:
    put(ws, reading(LZ, "00:00", 71.20), reading(LZ, "01:00", 70.60))
    assert events(ws) == [(LZ, "warning", "up", t("00:00"), 71.2, 1.2),
                          (LZ, "guaranteed", "up", t("00:00"), 71.2, 0.2),
                          (LZ, "guaranteed", "down", t("01:00"), 70.6, -0.4)]
    s = state(ws, LZ, "00:30")
    assert (s["tier"], s["state"], s["threshold"], s["margin"]) == (2, "over_guaranteed", "guaranteed", 0.2)
    s = state(ws, LZ, "01:00")
    assert (s["tier"], s["state"], s["threshold"], s["margin"]) == (1, "over_warning", "warning", 0.6)
    assert state(ws, LZ, "23:59", day="2021-07-21T")["state"] == "no_reading"


def test_reservoir_three_tiers(ws: Workspace) -> None:
    put(ws, reading(PST, "00:00", 244.00), reading(PST, "02:00", 245.50), reading(PST, "04:00", 254.30),
        reading(PST, "06:00", 257.20), reading(PST, "08:00", 253.00))
    want = {"01:00": (0, "normal", "flood_limit", -1.0), "02:00": (1, "over_warning", "flood_limit", 0.5),
            "05:59": (2, "over_guaranteed", "design", 0.3), "06:00": (3, "over_check", "check", 0.2),
            "08:00": (1, "over_warning", "flood_limit", 8.0)}
    for hour, w in want.items():
        s = state(ws, PST, hour)
        assert (s["tier"], s["state"], s["threshold"], s["margin"]) == w, hour
    tiers = {h: (sums(ws, h)["over_warning"], sums(ws, h)["over_guaranteed"], sums(ws, h)["over_check"])
             for h in ("01:00", "02:00", "04:00", "06:00", "08:00")}
    assert tiers == {"01:00": (0, 0, 0), "02:00": (1, 0, 0), "04:00": (1, 1, 0), "06:00": (1, 1, 1),
                     "08:00": (1, 0, 0)}
    assert events(ws) == [(PST, "flood_limit", "up", t("02:00"), 245.5, 0.5),
                          (PST, "design", "up", t("04:00"), 254.3, 0.3),
                          (PST, "check", "up", t("06:00"), 257.2, 0.2),
                          (PST, "design", "down", t("08:00"), 253.0, -1.0),
                          (PST, "check", "down", t("08:00"), 253.0, -4.0)]
    over = sums(ws, "06:00")["over"]
    assert [(o["station"], o["tier"], o["threshold"], o["margin"]) for o in over] == [(PST, 3, "check", 0.2)]


# ---------------------------------------------------------------- states, margins, rising, stale
def test_states_and_margins(ws: Workspace) -> None:
    put(ws, reading(QM, "02:00", 65.50), reading(QM, "04:00", 66.42, flow=820.0), reading(QM, "08:00", 66.00),
        reading(QM, "09:00", 67.75), reading(LZ, "04:00", 70.30))
    s = state(ws, QM, "03:00")
    assert (s["level"], s["state"], s["threshold"], s["margin"], s["observed_at"]) == (
        65.5, "normal", "warning", -0.5, t("02:00"))
    s = state(ws, QM, "04:00")
    assert (s["state"], s["margin"], s["flow"]) == ("over_warning", 0.42, 820.0)
    assert margin_text(s["threshold"], s["margin"]) == "超警0.42米"
    assert margin_text(s["threshold"], s["margin"], "en") == "0.42 m over warning"
    assert margin_text("warning", -0.3) == "低于警戒0.30米"
    s = state(ws, QM, "08:00")
    assert (s["state"], s["tier"], s["margin"], s["flow"]) == ("normal", 0, 0.0, 820.0)  # the last flow given
    s = state(ws, QM, "09:00")
    assert (s["state"], s["threshold"], s["margin"]) == ("over_guaranteed", "guaranteed", 0.25)
    # the stations over warning: highest tier first, then the greater margin
    over = sums(ws, "09:00")["over"]
    assert [(o["station"], o["tier"], o["margin"]) for o in over] == [(QM, 2, 0.25), (LZ, 1, 0.3)]
    assert sums(ws, "03:00")["over"] == []
    assert (sums(ws, "09:00")["reporting"], sums(ws, "03:00")["reporting"]) == (2, 1)


def test_a_same_time_correction_is_the_only_entry_read(ws: Workspace) -> None:
    put(ws, reading(QM, "01:00", 65.00, flow=100.0), reading(QM, "02:00", 66.30, flow=120.0, rain=8.0),
        reading(QM, "02:00", 66.10))  # the 02:00 sheet corrected: no flow, no rain on it
    s = state(ws, QM, "03:00")
    assert (s["level"], s["flow"], s["margin"], s["rain"][24]) == (66.1, 100.0, 0.1, 0.0)


def test_rising_at_and_just_below_the_rate(ws: Workspace) -> None:
    put(ws, reading(QM, "00:00", 66.00), reading(QM, "01:00", 66.30),  # 0.30 m/h: the default rate
        reading(QM, "02:00", 66.59),  # 0.29 m/h
        reading(QM, "02:30", 66.74),  # 0.15 m in half an hour: 0.30 m/h
        reading(LZ, "00:00", 70.00), reading(LZ, "01:00", 70.50),  # its own rate, 0.5 m/h
        reading(LZ, "02:00", 70.99))
    want = {"00:30": (False, False), "01:00": (True, True), "01:59": (True, True), "02:00": (False, False),
            "02:30": (True, False)}
    for hour, (qm, lz) in want.items():
        assert (state(ws, QM, hour)["rising"], state(ws, LZ, hour)["rising"]) == (qm, lz), hour
        assert sums(ws, hour)["rising"] == qm + lz, hour
    assert state(ws, QM, "01:00")["rate"] == 0.3
    assert state(ws, LZ, "02:00")["rate"] == 0.49


def test_stale_at_and_just_after_the_interval(ws: Workspace) -> None:
    put(ws, reading(LZ, "02:00", 69.00), reading(QM, "02:30", 65.00))  # LZ every 2 h, QM every 6 h (default)
    want = {"04:00": (False, False), "04:01": (True, False), "08:30": (True, False), "08:31": (True, True)}
    for hour, (lz, qm) in want.items():
        assert (state(ws, LZ, hour)["stale"], state(ws, QM, hour)["stale"]) == (lz, qm), hour
        assert sums(ws, hour)["stale"] == lz + qm, hour
    assert state(ws, LZ, "04:01")["age_min"] == 121.0
    assert state(ws, LZ, "04:01")["level"] == 69.0  # the last state still shown
    put(ws, reading(LZ, "05:00", 69.10))
    assert (state(ws, LZ, "05:00")["stale"], sums(ws, "05:00")["stale"], sums(ws, "04:30")["stale"]) == (
        False, 0, 1)
    curve = series(ws, [t("04:00"), t("04:01"), t("05:00"), t("07:00"), t("07:01"), t("08:31")])
    assert curve.get("water", "stale").tolist() == [0, 1, 0, 0, 1, 2]


def test_rain_totals_at_the_window_edges(ws: Workspace) -> None:
    put(ws, reading(XC, "00:00", rain=5.0), reading(XC, "01:00", rain=10.0), reading(XC, "03:00", rain=20.0),
        reading(XC, "06:00", rain=7.5), reading(XC, "23:00", rain=1.0))
    # the total over h hours at T sums the rain read in (T - h, T]
    assert state(ws, XC, "06:00")["rain"] == {1: 7.5, 3: 7.5, 6: 37.5, 24: 42.5}
    assert state(ws, XC, "05:59")["rain"] == {1: 0.0, 3: 20.0, 6: 35.0, 24: 35.0}
    assert state(ws, XC, "23:00")["rain"] == {1: 1.0, 3: 1.0, 6: 1.0, 24: 43.5}
    assert state(ws, XC, "00:00", day="2021-07-23T")["rain"] == {1: 0.0, 3: 1.0, 6: 1.0, 24: 38.5}
    assert state(ws, XC, "00:00")["state"] == "normal"
    assert sums(ws, "06:00")["rain_max_24h"] == {"station": XC, "mm": 42.5}
    put(ws, reading(XC, "03:00", rain=25.0))  # the 03:00 total corrected
    assert state(ws, XC, "06:00")["rain"] == {1: 7.5, 3: 7.5, 6: 42.5, 24: 47.5}
    assert "rain_max_24h" not in sums(ws, "23:59", day="2021-07-21T")


# ---------------------------------------------------------------- alerts
def test_acknowledgements_and_an_event_moved_by_a_late_reading(ws: Workspace) -> None:
    put(ws, reading(QM, "02:00", 65.50), reading(QM, "04:00", 66.20), reading(QM, "05:00", 65.90),
        reading(QM, "10:00", 67.00))
    put(ws, ack(QM, "warning", "up", "04:00", "04:30"), key="alert_acks")
    got = {h: as_of(ws, DAY + h).water.unacknowledged for h in ("03:00", "04:00", "04:29", "04:30", "11:00")}
    assert got == {"03:00": 0, "04:00": 1, "04:29": 1, "04:30": 0, "11:00": 1}
    first = [e for e in as_of(ws, DAY + "04:30").water.events if e["at"] == t("04:00")][0]
    assert first["acknowledged"] and first["ack"]["by"] == "值班员"
    assert not [e for e in as_of(ws, DAY + "04:29").water.events if e["at"] == t("04:00")][0]["acknowledged"]
    put(ws, ack(QM, "warning", "up", "10:00", "10:10"), key="alert_acks")
    assert as_of(ws, DAY + "10:20").water.unacknowledged == 0
    assert as_of(ws, DAY + "10:20").totals()["water"]["alerts_unacknowledged"] == 0
    # a late reading: the warning was passed at 09:00, not 10:00; the 10:10 answer named the 10:00 event
    put(ws, reading(QM, "09:00", 66.50))
    w = as_of(ws, DAY + "10:20").water
    assert w.unacknowledged == 1
    assert [(e["direction"], e["at"], e["acknowledged"]) for e in w.events] == [
        ("up", t("09:00"), False), ("down", t("05:00"), False), ("up", t("04:00"), True)]
    assert series(ws, [t("04:15"), t("04:45"), t("09:30"), t("10:20")]).get(
        "water", "alerts_unacknowledged").tolist() == [1, 0, 1, 1]
    put(ws, ack(QM, "warning", "up", "09:00", "10:30"), key="alert_acks")
    assert [as_of(ws, DAY + h).water.unacknowledged for h in ("10:29", "10:30")] == [1, 0]


# ---------------------------------------------------------------- info, reported, freshness
def test_info_json_at_lists_the_stations_over_warning(ws: Workspace, ws_location: Any,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    put(ws, reading(QM, "02:00", 65.50), reading(QM, "10:00", 66.42), reading(PST, "10:00", 244.0))
    ws.close()

    def info(at: str) -> dict[str, Any]:
        assert main(["info", str(ws_location), "--json", "--at", at]) == 0
        return json.loads(capsys.readouterr().out)["totals"]["water"]

    late, early = info("2021-07-22T10:30"), info("2021-07-22T09:00")
    assert [(o["station"], o["level"], o["threshold"], o["margin"], o["observed_at"]) for o in late["over"]] == [
        (QM, 66.42, "warning", 0.42, t("10:00"))]
    assert (late["over_warning"], late["reporting"], late["alerts_unacknowledged"]) == (1, 2, 1)
    assert early["over"] == [] and (early["over_warning"], early["reporting"]) == (0, 1)


def test_reported_and_figure_age(ws: Workspace) -> None:
    put(ws, reading(QM, "04:00", 65.50))
    assert as_of(ws, DAY + "03:59").reported == {}
    put(ws, reading(QM, "02:00", 65.00))  # late: caught up into the moments before 04:00
    put(ws, ack(QM, "warning", "up", "01:00", "05:00"), key="alert_acks")
    assert "readings" not in as_of(ws, DAY + "01:59").reported
    assert as_of(ws, DAY + "02:00").reported["readings"] == t("02:00")
    assert as_of(ws, DAY + "03:59").reported["readings"] == t("02:00")
    assert as_of(ws, DAY + "04:00").reported == {"readings": t("04:00")}
    assert as_of(ws, DAY + "05:00").reported == {"readings": t("04:00"), "alert_acks": t("05:00")}
    assert figure_age("water", as_of(ws, DAY + "01:59").reported, t("01:59")) is None
    for hour, minutes, stale in (("04:00", 0.0, False), ("10:00", 360.0, False), ("10:01", 361.0, True)):
        sit = as_of(ws, DAY + hour)
        age = figure_age("water", sit.reported, sit.at)
        assert (age.latest, age.minutes, age.stale, age.expected_hours) == (t("04:00"), minutes, stale, 6), hour
    sit = as_of(ws, DAY + "05:00")
    age = figure_age("water", sit.reported, sit.at, now=t("11:00"))  # the live end keeps ageing
    assert (age.minutes, age.stale) == (420.0, True)


def test_a_reading_is_folded_in_not_refolded(ws: Workspace) -> None:
    put(ws, reading(QM, "02:00", 65.50))
    assert state(ws, QM, "03:00")["level"] == 65.5
    fold = situation.engine(ws).water
    put(ws, reading(QM, "04:00", 66.20), reading(QM, "01:00", 65.10))
    put(ws, ack(QM, "warning", "up", "04:00", "04:30"), key="alert_acks")
    assert as_of(ws, DAY + "04:10").water.unacknowledged == 1
    assert situation.engine(ws).water is fold  # the new records taken in, the gauges not folded again
    fresh = situation.Engine(situation._Source(ws))
    fresh.refresh()
    for hour in ("01:00", "04:10", "05:00"):
        ms = situation._ms(t(hour))
        assert fresh.water.at(ms).totals() == fold.at(ms).totals(), hour
        assert fresh.water.at(ms).events == fold.at(ms).events, hour


def test_a_station_added_or_its_level_changed_reads_its_readings_again(ws: Workspace) -> None:
    """Thresholds are the station's: a new gauge, or a warning level corrected, changes every moment."""
    put(ws, reading("合河", "02:00", 70.50), reading("合河", "04:00", 71.20), reading(QM, "04:00", 66.20))
    assert [s["station"] for s in as_of(ws, DAY + "05:00").water.stations if s["station"] == "合河"] == []
    assert sums(ws, "05:00")["reporting"] == 1  # readings of a name no station has: kept, not counted
    ws.insert("stations", [{"name": "合河", "kind": "river", "warning_level": 71.0, "geometry": P}])
    assert sums(ws, "05:00")["reporting"] == 2
    assert [e[:4] for e in events(ws) if e[0] == "合河"] == [("合河", "warning", "up", t("04:00"))]
    fid = int(ws.read("stations", geometry=False).index[0])  # 卫河淇门, the first drawn
    ws.update("stations", fid, {"warning_level": 66.50})
    assert [e for e in events(ws) if e[0] == QM] == []
    s = state(ws, QM, "05:00")
    assert (s["state"], s["margin"]) == ("normal", -0.3)
    chart = situation.hydrograph(ws, "合河")
    assert chart["ms"].tolist() == [situation._ms(t("02:00")), situation._ms(t("04:00"))]
    assert chart["level"].tolist() == [70.5, 71.2] and chart["thresholds"] == {"warning": 71.0}
