"""Coordinate text from county spreadsheets: every accepted form, every refusal."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from floodpost.data.intake.coordtext import (
    CoordinateError,
    SwappedCoordinatesError,
    looks_swapped,
    parse_coordinate,
    parse_pair,
)

DMS = 114 + 18 / 60 + 30.5 / 3600  # 114°18′30.5″
DM = 114 + 18.5 / 60  # 114°18.5′
LAT = 35 + 42 / 60  # 35°42′


@pytest.mark.parametrize(
    ("value", "axis", "expected"),
    [
        # numbers as spreadsheet readers hand them over
        (114, None, 114.0),
        (114.2875, "lon", 114.2875),
        (-35.5, "lat", -35.5),
        (np.float64(35.7), "lat", 35.7),
        (np.int32(114), "lon", 114.0),
        (Decimal("114.2875"), "lon", 114.2875),
        # decimal text
        ("114.2875", None, 114.2875),
        ("-35.5", "lat", -35.5),
        ("+35.5", "lat", 35.5),
        ("114.2875°", "lon", 114.2875),
        ("114.2875度", "lon", 114.2875),
        ("  114.2875\t", None, 114.2875),
        ("114", None, 114.0),
        # degrees, minutes, seconds
        ("114°18′30.5″", "lon", DMS),
        ("114°18'30.5\"", "lon", DMS),
        ("114° 18' 30.5\"", "lon", DMS),
        ("114°18’30.5”", "lon", DMS),
        ("114°18'30.5''", "lon", DMS),
        ("114°18′30.5′′", "lon", DMS),
        ("114度18分30.5秒", "lon", DMS),
        ("114 18 30.5", "lon", DMS),
        ("114:18:30.5", "lon", DMS),
        ("114°18′30.5″E", "lon", DMS),
        ("114º18′30.5″", "lon", DMS),  # masculine ordinal typed for a degree sign
        # degrees and decimal minutes
        ("114 18.5", "lon", DM),
        ("114°18.5′", "lon", DM),
        ("114度18.5分", "lon", DM),
        ("114:18.5", "lon", DM),
        # hemisphere letters before or after, any case, with or without spaces
        ("N35°42′", "lat", LAT),
        ("35°42′N", "lat", LAT),
        ("35°42′ N", "lat", LAT),
        ("n 35°42′", "lat", LAT),
        ("35.7 n", "lat", 35.7),
        ("35.7s", "lat", -35.7),
        ("S35°42′", None, -LAT),
        ("W 114.5", "lon", -114.5),
        ("e114.5", "lon", 114.5),
        # Chinese hemisphere prefixes
        ("东经114°18′30.5″", "lon", DMS),
        ("东经 114度18分30.5秒", "lon", DMS),
        ("北纬35°42′", "lat", LAT),
        ("南纬35.7", "lat", -35.7),
        ("西经114.5", "lon", -114.5),
        ("北纬：35.7", "lat", 35.7),  # full-width colon after the prefix
        # full width, as a Chinese input method types it
        ("１１４．２８", "lon", 114.28),
        ("１１４°１８′３０．５″", "lon", DMS),
        ("－３５．５", "lat", -35.5),
        ("Ｎ３５．７", "lat", 35.7),
        ("−35.5", "lat", -35.5),  # U+2212 minus sign
        # the ends of the ranges are coordinates
        ("180", "lon", 180.0),
        ("-90", "lat", -90.0),
        ("S90", None, -90.0),
        # Excel turns typed "114:18:30" into a duration and "22:30:15" into a time
        (dt.timedelta(hours=114, minutes=18, seconds=30.5), "lon", DMS),
        (dt.time(22, 30, 15), "lat", 22 + 30 / 60 + 15 / 3600),
    ],
)
def test_accepted_forms(value: object, axis: str | None, expected: float) -> None:
    result = parse_coordinate(value, axis)
    assert isinstance(result, float)
    assert result == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    ("value", "axis", "message"),
    [
        # empty cells
        (None, None, "empty"),
        (float("nan"), "lon", "empty"),
        (np.float64("nan"), "lat", "empty"),
        ("", None, "empty"),
        ("   ", "lat", "empty"),
        ("\u3000", "lat", "empty"),  # ideographic space
        # not coordinates at all
        ("abc", None, "'abc' is not a coordinate"),
        ("114.2.3", None, "'114.2.3' is not a coordinate"),
        ("12°34′56″78", None, "'12°34′56″78' is not a coordinate"),
        ("114-18-30", None, "is not a coordinate"),
        ("114°:18", None, "is not a coordinate"),
        ("114:", None, "is not a coordinate"),
        ("°", None, "is not a coordinate"),
        ("N", "lat", "is not a coordinate"),
        ("--35", "lat", "is not a coordinate"),
        ("nan", None, "is not a coordinate"),
        ("1e5", None, "is not a coordinate"),
        ("114°30″", "lon", "seconds where minutes belong"),
        ("114′", "lon", "minutes where degrees belong"),
        (True, None, "is not a coordinate"),
        ([114, 35], None, "is not a coordinate"),
        (dt.datetime(2024, 7, 1, 8, 0), None, "is not a coordinate"),
        (float("inf"), None, "not a finite number"),
        (10**400, None, "is not a coordinate"),
        # minutes and seconds out of range
        ("114°61′", "lon", "'114°61′' has 61 minutes (must be below 60)"),
        ("114°60′", "lon", "has 60 minutes (must be below 60)"),
        ("114 18 60", "lon", "has 60 seconds (must be below 60)"),
        ("114°18′75.5″", "lon", "has 75.5 seconds (must be below 60)"),
        ("114 60.5", "lon", "has 60.5 minutes (must be below 60)"),
        ("114°-18′", "lon", "'114°-18′' has negative minutes"),
        ("114°18′-30″", "lon", "has negative seconds"),
        # fractions only in the last part
        ("114.5°30′", "lon", "fractional degrees followed by minutes"),
        ("114°18.5′30″", "lon", "fractional minutes followed by seconds"),
        # hemisphere on the wrong axis, twice, or with a minus sign
        ("N35.7", "lon", "'N35.7' has hemisphere N, which belongs to a latitude"),
        ("35.7s", "lon", "hemisphere S, which belongs to a latitude"),
        ("E114.3", "lat", "'E114.3' has hemisphere E, which belongs to a longitude"),
        ("西经114.3", "lat", "hemisphere W, which belongs to a longitude"),
        ("N35.7N", None, "gives the hemisphere twice"),
        ("北纬N35.7", None, "gives the hemisphere twice"),
        ("-35.7S", None, "'-35.7S' has both a minus sign and hemisphere S"),
        ("W-114.3", None, "has both a minus sign and hemisphere W"),
        # out of range
        ("90.5", "lat", "'90.5' is 90.5 degrees, outside the latitude range -90..90"),
        (-91, "lat", "outside the latitude range"),
        ("180°0′1″", "lon", "outside the longitude range -180..180"),
        ("-181", "lon", "outside the longitude range"),
        ("N114.3", None, "outside the latitude range"),  # the letter says latitude
        ("200", None, "outside -180..180"),
        # decimal comma, explained
        ("114,28", "lon", "'114,28' uses a comma as the decimal separator; write '114.28'"),
        ("３５，７", "lat", "comma as the decimal separator; write '35.7'"),
        ("114.28, 35.70", None, "contains a comma; give one coordinate per cell"),
    ],
)
def test_refusals(value: object, axis: str | None, message: str) -> None:
    with pytest.raises(CoordinateError) as info:
        parse_coordinate(value, axis)
    assert message in str(info.value)


def test_errors_are_value_errors_and_swaps_are_coordinate_errors() -> None:
    assert issubclass(CoordinateError, ValueError)
    assert issubclass(SwappedCoordinatesError, CoordinateError)


def test_unknown_axis_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="axis") as info:
        parse_coordinate("114.3", "x")
    assert not isinstance(info.value, CoordinateError)


def test_long_text_is_cut_short_in_the_message() -> None:
    with pytest.raises(CoordinateError) as info:
        parse_coordinate("x" * 500)
    assert len(str(info.value)) < 100


@pytest.mark.parametrize(
    ("lon", "lat", "expected"),
    [
        (35.7, 114.3, True),  # Hebi with its columns exchanged
        (114.3, 35.7, False),
        (10.0, 20.0, False),
        (-35.7, -114.3, False),
        (math.nan, 114.3, False),
    ],
)
def test_looks_swapped(lon: float, lat: float, expected: bool) -> None:
    assert looks_swapped(lon, lat) is expected


def test_parse_pair_accepts_every_form() -> None:
    assert parse_pair("东经114°18′30.5″", "北纬35°42′") == pytest.approx((DMS, LAT), abs=1e-9)
    assert parse_pair(114.3, "35.7") == (114.3, 35.7)
    assert parse_pair("W 70.5", "S 33.4") == (-70.5, -33.4)  # Santiago is not swapped


@pytest.mark.parametrize(
    ("lon", "lat", "error", "message"),
    [
        (35.7, 114.3, SwappedCoordinatesError, "longitude and latitude columns look exchanged"),
        ("35°42′", "114°18′", SwappedCoordinatesError, "look exchanged"),
        ("N35.7", "E114.3", SwappedCoordinatesError, "look exchanged"),
        ("N10", "W20", SwappedCoordinatesError, "look exchanged"),  # the letters say so
        ("N35.7", 35.7, CoordinateError, "belongs to a latitude, not a longitude"),
        (114.3, "E35.7", CoordinateError, "belongs to a longitude, not a latitude"),
        (0.0, 100.0, CoordinateError, "outside the latitude range"),
        (190.0, 35.7, CoordinateError, "outside the longitude range"),
        ("", 35.7, CoordinateError, "empty"),
        (114.3, "abc", CoordinateError, "'abc' is not a coordinate"),
    ],
)
def test_parse_pair_refusals(
    lon: object, lat: object, error: type[CoordinateError], message: str
) -> None:
    with pytest.raises(error) as info:
        parse_pair(lon, lat)
    assert message in str(info.value)
    if error is CoordinateError:
        assert not isinstance(info.value, SwappedCoordinatesError)


# --- round trips through every style a county might use ---------------------

PRIMES = [("′", "″"), ("'", '"'), ("'", "''"), ("’", "”"), ("′", "′′")]


@st.composite
def formatted_coordinates(draw: st.DrawFn) -> tuple[str, str, float]:
    """(text, axis, the value the text stands for after its rounding)."""
    axis = draw(st.sampled_from(["lon", "lat"]))
    limit = 180.0 if axis == "lon" else 90.0
    value = draw(st.floats(-limit, limit, allow_nan=False))
    style = draw(st.sampled_from(["symbols", "chinese", "spaces", "colons", "minutes", "decimal"]))
    places = draw(st.integers(0, 4))
    magnitude = abs(value)

    if style == "decimal":
        text = f"{magnitude:.{places + 4}f}"
        body = text + draw(st.sampled_from(["", "°", "度"]))
        expected = float(text)
    elif style == "minutes":
        degrees = int(magnitude)
        minutes = f"{(magnitude - degrees) * 60:.{places}f}"
        if float(minutes) >= 60:
            degrees, minutes = degrees + 1, f"{0:.{places}f}"
        prime = draw(st.sampled_from(["′", "'", "’"]))
        body = draw(
            st.sampled_from(
                [
                    f"{degrees}°{minutes}{prime}",
                    f"{degrees}° {minutes}{prime}",
                    f"{degrees} {minutes}",
                    f"{degrees}:{minutes}",
                    f"{degrees}度{minutes}分",
                ]
            )
        )
        expected = degrees + float(minutes) / 60
    else:
        degrees = int(magnitude)
        minutes = int((magnitude - degrees) * 60)
        seconds = f"{((magnitude - degrees) * 60 - minutes) * 60:.{places}f}"
        if float(seconds) >= 60:
            seconds, minutes = f"{0:.{places}f}", minutes + 1
        if minutes >= 60:
            minutes, degrees = 0, degrees + 1
        if style == "symbols":
            prime, double = draw(st.sampled_from(PRIMES))
            gap = draw(st.sampled_from(["", " "]))
            body = f"{degrees}°{gap}{minutes}{prime}{gap}{seconds}{double}"
        elif style == "chinese":
            body = f"{degrees}度{minutes}分{seconds}秒"
        elif style == "spaces":
            body = f"{degrees} {minutes} {seconds}"
        else:
            body = f"{degrees}:{minutes}:{seconds}"
        expected = degrees + minutes / 60 + float(seconds) / 3600

    negative = value < 0
    letter = {"lon": "WE", "lat": "SN"}[axis][0 if negative else 1]
    chinese = {"lon": ("西经", "东经"), "lat": ("南纬", "北纬")}[axis][0 if negative else 1]
    marker = draw(st.sampled_from(["sign", "before", "after", "chinese"]))
    if marker == "sign":
        text = ("-" if negative else draw(st.sampled_from(["", "+"]))) + body
    elif marker == "chinese":
        text = chinese + draw(st.sampled_from(["", " "])) + body
    else:
        if draw(st.booleans()):
            letter = letter.lower()
        gap = draw(st.sampled_from(["", " "]))
        text = f"{letter}{gap}{body}" if marker == "before" else f"{body}{gap}{letter}"
    return text, axis, -expected if negative else expected


@settings(max_examples=250, deadline=None)
@given(case=formatted_coordinates(), with_axis=st.booleans())
def test_formatted_coordinates_round_trip(case: tuple[str, str, float], with_axis: bool) -> None:
    text, axis, expected = case
    assert abs(parse_coordinate(text, axis if with_axis else None) - expected) < 1e-6


@settings(max_examples=150, deadline=None)
@given(case=formatted_coordinates())
def test_full_width_text_round_trips_too(case: tuple[str, str, float]) -> None:
    text, axis, expected = case
    wide = "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)
    assert abs(parse_coordinate(wide, axis) - expected) < 1e-6


# --- swapped columns -----------------------------------------------------------

in_china = st.tuples(st.floats(73.0, 136.0), st.floats(3.0, 54.0))


@settings(max_examples=200, deadline=None)
@given(point=in_china, as_text=st.booleans())
def test_pairs_in_china_are_refused_when_exchanged(
    point: tuple[float, float], as_text: bool
) -> None:
    lon, lat = point
    # China's latitudes end well below its longitudes start, so no in-China
    # point is also in China with its columns exchanged
    assert looks_swapped(lat, lon)
    a, b = (repr(lon), repr(lat)) if as_text else (lon, lat)
    with pytest.raises(SwappedCoordinatesError, match="columns look exchanged"):
        parse_pair(b, a)
    assert parse_pair(a, b) == (lon, lat)


# --- nothing but CoordinateError escapes ---------------------------------------

COORDINATE_ALPHABET = "0123456789.,:;-+− \t°º′″'\"’”NSEWnsewe度分秒东经西北纬南０１．，："


@settings(max_examples=250, deadline=None)
@given(
    text=st.one_of(st.text(), st.text(alphabet=COORDINATE_ALPHABET, max_size=20)),
    axis=st.sampled_from([None, "lon", "lat"]),
)
def test_arbitrary_text_only_ever_raises_coordinate_error(text: str, axis: str | None) -> None:
    try:
        result = parse_coordinate(text, axis)
    except CoordinateError:
        return
    assert math.isfinite(result)
    assert abs(result) <= (90.0 if axis == "lat" else 180.0)


@settings(max_examples=150, deadline=None)
@given(
    lon=st.one_of(st.text(), st.floats(), st.integers(), st.none()),
    lat=st.one_of(st.text(), st.floats(), st.integers(), st.none()),
)
def test_arbitrary_pairs_only_ever_raise_coordinate_error(lon: object, lat: object) -> None:
    try:
        x, y = parse_pair(lon, lat)
    except CoordinateError:
        return
    assert abs(x) <= 180.0 and abs(y) <= 90.0
    assert not looks_swapped(x, y)
