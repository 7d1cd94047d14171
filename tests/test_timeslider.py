"""The time slider as a time axis: a season of report times, keyboard steps, meeting marks."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from floodpost.data.timeutil import storage_ms, to_storage
from floodpost.ui.docks.timeslider import TimeSlider

START = np.datetime64("2021-07-21T00:00")


def _season(n: int = 50_000, days: int = 21, seed: int = 4) -> list[str]:
    rng = np.random.default_rng(seed)
    seconds = np.unique(rng.integers(0, days * 86400, n))
    return [to_storage(str(START + np.timedelta64(int(x), "s")) + "Z") for x in seconds]


def _slider(qtbot, times, meetings=()):
    s = TimeSlider()
    qtbot.addWidget(s)
    s.resize(900, 40)
    s.set_times(times, list(meetings))
    return s


def test_a_season_of_report_times_is_a_time_axis(qtbot):
    times = _season()
    assert len(times) > 49_000
    s = _slider(qtbot, times)
    # one step per minute of the flood plus "now", not one per report
    assert 20 * 1440 < s.slider.maximum() <= 21 * 1440 + 1 < len(times)
    seen = []
    s.timeChanged.connect(seen.append)
    s.slider.setValue(s.slider.maximum() // 2)
    mid = s.current
    assert mid in times and seen == [mid]
    # dragging within one report's stretch says nothing new
    s.slider.setValue(s.slider.value())
    assert seen == [mid]


def test_the_shown_time_is_the_last_report_before_the_slider(qtbot):
    times = [to_storage(t) for t in ("2021-07-22 08:00", "2021-07-22 20:00", "2021-07-23 08:00")]
    s = _slider(qtbot, times)
    s.set_time(to_storage("2021-07-22 14:30"))
    assert s.current == times[0]
    s.set_time(times[1])
    assert s.current == times[1]


def test_keys_step_by_hour_report_and_day(qtbot):
    times = [to_storage(t) for t in ("2021-07-22 08:00", "2021-07-22 08:40", "2021-07-22 11:00",
                                     "2021-07-23 12:00", "2021-07-25 08:00")]
    s = _slider(qtbot, times)
    s.set_time(times[0])
    s.slider.setFocus()
    qtbot.keyClick(s.slider, Qt.Key.Key_Right)  # an hour: past 08:40
    assert s.current == times[1]
    qtbot.keyClick(s.slider, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)  # the next report
    assert s.current == times[2]
    qtbot.keyClick(s.slider, Qt.Key.Key_PageUp)  # a day
    assert s.current == times[3] or s.current == times[2]
    s.set_time(times[2])
    qtbot.keyClick(s.slider, Qt.Key.Key_PageUp)
    assert s.current == times[2]  # 11:00 + 24 h = 11:00 next day, before the 12:00 report
    qtbot.keyClick(s.slider, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(s.slider, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert s.current == times[4]
    qtbot.keyClick(s.slider, Qt.Key.Key_Right, Qt.KeyboardModifier.ControlModifier)
    assert s.current == ""  # past the last report: now
    qtbot.keyClick(s.slider, Qt.Key.Key_Left, Qt.KeyboardModifier.ControlModifier)
    assert s.current == times[4]


def test_meetings_are_marked_on_the_groove(qtbot):
    times = [to_storage(f"2021-07-{d} {h:02d}:00") for d in (22, 23, 24) for h in (8, 20)]
    meetings = [to_storage("2021-07-23 09:00"), to_storage("2021-07-24 09:00")]
    s = _slider(qtbot, times, meetings)
    assert len(s.slider.marks) == 2
    assert 0 < s.slider.marks[0] < s.slider.marks[1] < s.slider.maximum()
    s.slider.show()
    img = s.slider.grab().toImage()
    reds = sum(1 for x in range(img.width()) for y in range(img.height())
               if (c := img.pixelColor(x, y)).red() > 150 and c.green() < 90 and c.blue() < 90)
    assert reds >= 4  # two marks, drawn at the top and bottom of the groove


def test_a_time_asked_before_the_stops_arrive_is_shown_once_they_do(qtbot):
    s = TimeSlider()
    qtbot.addWidget(s)
    times = [to_storage(t) for t in ("2021-07-22 08:00", "2021-07-22 20:00")]
    seen = []
    s.timeChanged.connect(seen.append)
    s.set_time(times[1])
    assert s.current == ""
    s.set_times(times)
    assert s.current == times[1] and seen == [times[1]]


def test_a_stray_report_years_later_does_not_squeeze_the_flood(qtbot):
    """A test entry saved at today's date: the flood keeps the groove, the entry stays reachable."""
    flood = [to_storage(f"2021-07-{d} {h:02d}:00") for d in range(21, 26) for h in range(0, 24, 2)]
    stray = to_storage("2026-12-04 10:00")
    s = _slider(qtbot, [*flood, stray])
    flood_steps = s._position(storage_ms([flood[-1]])[0])  # noqa: SLF001
    assert flood_steps / s.slider.maximum() > 0.9
    s.set_time(flood[-1])
    assert s.current == flood[-1]
    s.step_report(+1)
    assert s.current == stray
    s.step_report(+1)
    assert s.current == ""


def test_times_given_with_their_milliseconds_are_the_same_stops(qapp) -> None:
    """The worker hands the slider the report times with their milliseconds (not read back from text):
    the same stops either way, and milliseconds that do not match the times are not taken."""
    times = ["2021-07-20T00:00:00.000Z", "2021-07-20T06:30:00.000Z", "2021-07-21T12:00:00.000Z"]
    a, b, c = TimeSlider(), TimeSlider(), TimeSlider()
    a.set_times(times)
    b.set_times(times, [], storage_ms(times))
    c.set_times(times, [], np.array([1, 2], dtype=np.int64))  # wrong length: read from the text
    assert a._ms == b._ms == c._ms and a.slider.maximum() == b.slider.maximum()
    for s in (a, b):
        s.set_time(times[1])
        assert s.current == times[1]
