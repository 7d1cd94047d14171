"""Coordinate text as counties send it: decimal, DMS, 度分秒, hemisphere letters.

County spreadsheets and CSVs write the same point a dozen ways ("114°18′30.5″E",
"东经114度18分30.5秒", "114 18.5", full-width digits from a Chinese IME), and
often with the longitude and latitude columns exchanged.  Everything here turns
one cell into decimal degrees or raises ``CoordinateError`` saying what is wrong
with which text, so a bad cell is refused at import instead of putting a
reservoir in the Indian Ocean.
"""

from __future__ import annotations

import datetime as _dt
import math
import re
import unicodedata
from decimal import Decimal
from numbers import Real
from typing import Any

from floodpost.data.notes import Note

__all__ = [
    "CoordinateError",
    "SwappedCoordinatesError",
    "looks_swapped",
    "parse_coordinate",
    "parse_pair",
]


class CoordinateError(ValueError):
    """A cell that is not a usable coordinate; the message names the text and the fault."""

    #: "lon" or "lat" when the fault is in that one cell of a pair (callers name its
    #: column from this, never from the wording); None when it is the pair as a whole.
    axis: str | None = None


class SwappedCoordinatesError(CoordinateError):
    """A lon/lat pair that only makes sense with the two columns exchanged."""


_AXES = (None, "lon", "lat")
_LAT_LETTERS = ("N", "S")
_LON_LETTERS = ("E", "W")
_NEGATIVE = ("S", "W")

# Characters that NFKC would mangle (º -> "o", ˚ and ´ -> space + combining mark)
# or leave as look-alikes of ASCII signs.
_PRE_NFKC = str.maketrans({"º": "°", "˚": "°", "´": "′", "−": "-", "–": "-"})

_CHINESE_PREFIX = re.compile(r"(东经|西经|北纬|南纬|東經|西經|北緯|南緯)[\s:]*")
_CHINESE_HEMISPHERE = {
    "东经": "E",
    "東經": "E",
    "西经": "W",
    "西經": "W",
    "北纬": "N",
    "北緯": "N",
    "南纬": "S",
    "南緯": "S",
}

# One number with what follows it: a unit mark, a colon, or whitespace.
# Seconds are tried before minutes so that a doubled prime ('' or ′′, which is
# also what NFKC makes of ″) reads as seconds.
_COMPONENT = re.compile(
    r"""
    (?P<sign>[+\-])?
    (?P<num>[0-9]+(?:\.[0-9]+)?)
    \s*
    (?:
        (?P<deg>°|度)
      | (?P<sec>[′'’‘]{2}|["″”“]|秒)
      | (?P<min>[′'’‘]|分)
    )?
    \s*
    (?P<colon>:)?
    \s*
    """,
    re.VERBOSE | re.ASCII,
)
_UNIT_NAMES = ("degrees", "minutes", "seconds")
#: The names above as sentences of their own, for translation.
_UNIT_NOTES = (Note("degrees"), Note("minutes"), Note("seconds"))
_DECIMAL_COMMA = re.compile(r"[0-9],[0-9]")


def looks_swapped(lon: float, lat: float) -> bool:
    """True when (lat, lon) would lie in China (:data:`CHINA_BOUNDS`) but (lon, lat) would not.

    Every point of interest to the post is in China, so a pair that only lands
    there with its columns exchanged was almost surely typed into the wrong ones.
    """
    return _in_china(lat, lon) and not _in_china(lon, lat)


def parse_coordinate(value: object, axis: str | None = None) -> float:
    """axis is "lon", "lat" or None. Returns decimal degrees.

    Accepts numbers and every text form counties use; the axis, when given,
    refuses hemisphere letters of the other axis and out-of-range values.
    """
    if axis not in _AXES:
        raise ValueError(f"axis must be 'lon', 'lat' or None, not {axis!r}")
    degrees, hemisphere, shown = _parse(value)
    _check_axis(degrees, hemisphere, axis, shown)
    return degrees


def parse_pair(lon: object, lat: object) -> tuple[float, float]:
    """Parse a lon/lat pair; refuse out-of-range values, hemisphere letters on the wrong axis,
    and pairs that are evidently swapped (see below) with SwappedCoordinatesError whose message
    hints that the longitude and latitude columns look exchanged.

    The swap test runs before the range checks: a latitude of 114.3 is far more
    likely a longitude in the wrong column than a typo.
    """
    x, x_hemisphere, x_shown = _blamed("lon", _parse, lon)
    y, y_hemisphere, y_shown = _blamed("lat", _parse, lat)
    if x_hemisphere in _LAT_LETTERS and y_hemisphere in _LON_LETTERS:
        raise SwappedCoordinatesError(
            Note("longitude {lon} is marked {lon_h} and latitude {lat} is marked {lat_h}: "
                 "the longitude and latitude columns look exchanged",
                 lon=x_shown, lon_h=x_hemisphere, lat=y_shown, lat_h=y_hemisphere)
        )
    if looks_swapped(x, y):
        raise SwappedCoordinatesError(
            Note("longitude {lon} and latitude {lat} lie in China only when exchanged: "
                 "the longitude and latitude columns look exchanged", lon=x_shown, lat=y_shown)
        )
    _blamed("lon", _check_axis, x, x_hemisphere, "lon", x_shown)
    _blamed("lat", _check_axis, y, y_hemisphere, "lat", y_shown)
    return x, y


def _blamed(axis: str, func: Any, *args: Any) -> Any:
    """Call func; a CoordinateError it raises is marked as the fault of the axis cell."""
    try:
        return func(*args)
    except CoordinateError as exc:
        exc.axis = axis
        raise


#: Where China lies, in degrees (with a margin): a coordinate outside it is in the wrong system,
#: or its columns are swapped. The one box every plausibility check uses.
CHINA_BOUNDS = (73.0, 3.0, 136.0, 54.0)


def _in_china(lon: float, lat: float) -> bool:
    return CHINA_BOUNDS[0] <= lon <= CHINA_BOUNDS[2] and CHINA_BOUNDS[1] <= lat <= CHINA_BOUNDS[3]


def _check_axis(degrees: float, hemisphere: str | None, axis: str | None, shown: str) -> None:
    if axis == "lon" and hemisphere in _LAT_LETTERS:
        raise CoordinateError(
            Note("{text} has hemisphere {h}, which belongs to a latitude, not a longitude", text=shown, h=hemisphere)
        )
    if axis == "lat" and hemisphere in _LON_LETTERS:
        raise CoordinateError(
            Note("{text} has hemisphere {h}, which belongs to a longitude, not a latitude", text=shown, h=hemisphere)
        )
    if axis is None and hemisphere is not None:
        axis = "lat" if hemisphere in _LAT_LETTERS else "lon"
    if axis == "lat" and abs(degrees) > 90.0:
        raise CoordinateError(Note("{text} is {degrees} degrees, outside the latitude range -90..90",
                                   text=shown, degrees=f"{degrees:g}"))
    if axis == "lon" and abs(degrees) > 180.0:
        raise CoordinateError(
            Note("{text} is {degrees} degrees, outside the longitude range -180..180",
                 text=shown, degrees=f"{degrees:g}")
        )
    if abs(degrees) > 180.0:
        raise CoordinateError(Note("{text} is {degrees} degrees, outside -180..180", text=shown, degrees=f"{degrees:g}"))


def _shown(value: object) -> str:
    """repr for messages, cut short so a pasted paragraph does not flood the log."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _parse(value: object) -> tuple[float, str | None, str]:
    """Return (degrees, hemisphere letter or None, repr for messages); no range checks."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        raise CoordinateError(Note("empty coordinate ({text})", text=repr(value)))
    if isinstance(value, str):
        degrees, hemisphere = _parse_text(value)
        return degrees, hemisphere, _shown(value)
    if isinstance(value, bool):
        raise CoordinateError(Note("{text} is not a coordinate", text=_shown(value)))
    if isinstance(value, (Real, Decimal)):
        try:
            degrees = float(value)
        except (OverflowError, ValueError) as exc:
            raise CoordinateError(Note("{text} is not a coordinate", text=_shown(value))) from exc
        if math.isnan(degrees):
            raise CoordinateError(Note("empty coordinate ({text})", text=repr(value)))
        if math.isinf(degrees):
            raise CoordinateError(Note("{text} is not a finite number", text=repr(value)))
        return degrees, None, repr(degrees)
    # Excel turns a typed "114:18:30" into a duration and "22:30:15" into a
    # time of day; spreadsheet readers hand those back as timedelta / time.
    if isinstance(value, _dt.timedelta):
        return value.total_seconds() / 3600.0, None, repr(str(value))
    if isinstance(value, _dt.time):
        seconds = value.second + value.microsecond / 1e6
        degrees = value.hour + value.minute / 60.0 + seconds / 3600.0
        return degrees, None, repr(value.isoformat())
    raise CoordinateError(Note("{text} is not a coordinate", text=_shown(value)))


def _parse_text(original: str) -> tuple[float, str | None]:
    shown = _shown(original)
    text = unicodedata.normalize("NFKC", original.translate(_PRE_NFKC)).strip()
    if not text:
        raise CoordinateError(Note("empty coordinate ({text})", text=shown))
    if "," in text:
        if _DECIMAL_COMMA.search(text) and "." not in text:
            example = _DECIMAL_COMMA.sub(lambda m: m.group(0).replace(",", "."), text)
            raise CoordinateError(
                Note("{text} uses a comma as the decimal separator; write {example}", text=shown, example=repr(example))
            )
        raise CoordinateError(
            Note("{text} contains a comma; give one coordinate per cell, with a dot for decimals", text=shown)
        )

    hemisphere = None
    prefix = _CHINESE_PREFIX.match(text)
    if prefix:
        hemisphere = _CHINESE_HEMISPHERE[prefix.group(1)]
        text = text[prefix.end() :]
    if text[:1].upper() in ("N", "S", "E", "W"):
        if hemisphere is not None:
            raise CoordinateError(Note("{text} gives the hemisphere twice", text=shown))
        hemisphere = text[0].upper()
        text = text[1:].lstrip()
    if text[-1:].upper() in ("N", "S", "E", "W"):
        if hemisphere is not None:
            _parse_magnitude(text[:-1].rstrip(), shown)  # "nan" is not a coordinate at all
            raise CoordinateError(Note("{text} gives the hemisphere twice", text=shown))
        hemisphere = text[-1].upper()
        text = text[:-1].rstrip()

    negative = False
    if text[:1] in ("-", "+"):
        negative = text[0] == "-"
        text = text[1:].lstrip()
        if negative and hemisphere is not None:
            raise CoordinateError(
                Note("{text} has both a minus sign and hemisphere {h}; use one of them", text=shown, h=hemisphere)
            )
    magnitude = _parse_magnitude(text, shown)
    if negative or hemisphere in _NEGATIVE:
        magnitude = -magnitude
    return magnitude, hemisphere


def _parse_magnitude(text: str, shown: str) -> float:
    """Unsigned degrees from "114.3", "114°18′30.5″", "114 18.5", "114:18:30" and kin."""
    parts: list[re.Match[str]] = []
    pos = 0
    while pos < len(text):
        match = _COMPONENT.match(text, pos)
        if match is None:
            raise CoordinateError(Note("{text} is not a coordinate", text=shown))
        if parts and parts[-1].end() == parts[-1].end("num"):
            # two numbers with nothing between them, e.g. "114-18"
            raise CoordinateError(Note("{text} is not a coordinate", text=shown))
        parts.append(match)
        pos = match.end()
    if not parts:
        raise CoordinateError(Note("{text} is not a coordinate", text=shown))
    if len(parts) > 3:
        raise CoordinateError(Note("{text} is not a coordinate (more than degrees, minutes, seconds)", text=shown))

    total = 0.0
    for index, part in enumerate(parts):
        name = _UNIT_NAMES[index]
        unit = next((u for u in ("deg", "min", "sec") if part.group(u)), None)
        if unit is not None and unit != name[:3]:
            raise CoordinateError(
                Note("{text} is not a coordinate ({unit} where {name} belong)", text=shown,
                     unit=Note(_UNIT_NAMES[("deg", "min", "sec").index(unit)]), name=Note(name))
            )
        if part.group("colon") and (unit is not None or index == len(parts) - 1):
            raise CoordinateError(Note("{text} is not a coordinate", text=shown))
        number = part.group("num")
        if part.group("sign"):
            if index == 0 or part.group("sign") == "+":
                raise CoordinateError(Note("{text} is not a coordinate", text=shown))
            raise CoordinateError(Note("{text} has negative {name} (-{number})", text=shown, name=Note(name), number=number))
        if "." in number and index < len(parts) - 1:
            raise CoordinateError(
                Note("{text} has fractional {name} followed by {next}", text=shown, name=Note(name),
                     next=Note(_UNIT_NAMES[index + 1]))
            )
        amount = float(number)
        if index > 0 and amount >= 60.0:
            raise CoordinateError(Note("{text} has {number} {name} (must be below 60)", text=shown, number=number, name=Note(name)))
        total += amount / 60.0**index
    return total
