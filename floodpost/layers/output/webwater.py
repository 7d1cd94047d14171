"""Gauges on the web page, as of one moment: the same looks as the desktop map's water overlay.

A level gauge keeps its kind's shape filled by its state against its
thresholds (with the red rising ring and arrow while it rises fast), a rain
gauge is filled by its 24-hour rain on the ramp, a gauge with no reading or
an overdue one is grey. A gauge over a threshold carries a permanent bold
label with its margin ("淇门 超警0.42米"); every gauge's popup gives its
level, margin, time of reading and its age, and its rain totals. The colours
come from :mod:`floodpost.data.schema.symbology`; every piece of user text is
escaped (the names come from the layer's own escaped tooltips, so a press
page's redaction holds). Pure Python; never imports Qt.
"""

from __future__ import annotations

import html
from typing import Any

from floodpost.data.schema.symbology import RAIN_RAMP, RISING_RING
from floodpost.data.situation.hydro import RAIN_HOURS, margin_text
from floodpost.layers.model.water import StationMark, ring_radius
from floodpost.layers.output.webops import _ring, _rows, _svg, age_zh

#: The legend rows of the gauges, in the desktop legend's order: (code, label).
LEGEND_ZH = (
    ("state:over_check", "超校核水位"),
    ("state:over_guaranteed", "超保证（设计）水位"),
    ("state:over_warning", "超警戒（汛限）水位"),
    ("state:normal", "低于警戒水位"),
    ("rising", "水位快速上涨"),
    *((f"rain:{lo:g}", f"24小时雨量{lo:g}-{RAIN_RAMP[i + 1][0]:g}毫米" if i + 1 < len(RAIN_RAMP)
       else f"24小时雨量≥{lo:g}毫米") for i, (lo, _) in enumerate(RAIN_RAMP)),
    ("state:no_reading", "无数据或逾期未报"),
)


def _figure(v: Any, unit: str, digits: int = 2) -> str:
    return "" if v is None else f"{float(v):,.{digits}f}".rstrip("0").rstrip(".") + unit


def station_svg(mark: StationMark) -> tuple[str, int]:
    """A gauge's marker filled as of the moment, with the rising ring and its arrow."""
    from floodpost.layers.output.webmap import _marker_body

    body, side = _marker_body(mark.symbol)
    if not mark.rising:
        return _svg(body, side), side
    r = ring_radius(mark.symbol)
    cx, cy, d = r * 0.72, -r * 0.72, 4.4
    arrow = (f"M{cx:.2f},{cy - d * 0.7:.2f}L{cx + d * 0.55:.2f},{cy + d * 0.05:.2f}L{cx + d * 0.2:.2f},"
             f"{cy + d * 0.05:.2f}L{cx + d * 0.2:.2f},{cy + d * 0.6:.2f}L{cx - d * 0.2:.2f},{cy + d * 0.6:.2f}"
             f"L{cx - d * 0.2:.2f},{cy + d * 0.05:.2f}L{cx - d * 0.55:.2f},{cy + d * 0.05:.2f}Z")
    parts = [body, _ring(r, RISING_RING, fill=False),
             f'<circle cx="{cx:.2f}" cy="{cy:.2f}" r="{d:.2f}" fill="#ffffff" stroke="{RISING_RING.stroke}" '
             'stroke-width="1"/>', f'<path d="{arrow}" fill="{RISING_RING.stroke}"/>']
    side = int(2 * (r + d) + 6)
    return _svg("".join(parts), side), side


def decorate(data: dict[str, Any], situation: Any, shown: dict[str, set[str]]) -> None:
    """Put the moment's gauge states into the stations' GeoJSON (icons, labels, popup rows)."""
    from floodpost.data.timeutil import format_local

    water = getattr(situation, "water", None)
    if water is None:
        return
    states = {int(s["fid"]): s for s in water.stations if s.get("fid") is not None}
    for f in data["features"]:
        p = f["properties"]
        state = states.get(int(p["fid"]))
        if state is None or f["geometry"]["type"] != "Point":
            continue
        mark = StationMark.of(state, 0.0, 0.0)
        shown.setdefault("stations", set()).add(mark.code)
        if mark.rising:
            shown["stations"].add("rising")
        svg, side = station_svg(mark)
        p.update(_icon=svg, _size=side)
        name = p.get("_tip") or ""  # escaped (and redacted on a press page) already
        margin = margin_text(mark.threshold, mark.margin) if mark.level is not None else ""
        words = []
        if mark.over:
            words.append(margin)
        if mark.grey and mark.age_min is not None:
            words.append(age_zh(mark.age_min))
        elif mark.rain_gauge and mark.rain24 > 0:
            words.append(_figure(mark.rain24, "毫米", 1))
        text = " ".join([name, *(html.escape(w) for w in words if w)]).strip()
        p["_tip"] = text
        if mark.over and not mark.grey:
            p["_label"], p["_labelClass"] = text, "fp-label-over"
        if mark.grey:
            status = "无数据" if mark.age_min is None else "逾期未报"
        elif mark.rain_gauge:
            status = ""
        else:
            status = "水位快速上涨" if mark.rising else ""
        rain = state.get("rain") or {}
        totals = "，".join(f"{h}小时{_figure(rain.get(h) or 0.0, '毫米', 1)}" for h in RAIN_HOURS)
        p["_popup"] = _rows(p["_popup"], [
            ("状态", status),
            ("水位", "" if mark.level is None else f"{float(mark.level):.2f}米"),
            ("距特征水位", margin),
            ("涨率", _figure(state.get("rate"), "米/小时") if state.get("rate") is not None else ""),
            ("流量", _figure(state.get("flow"), "立方米/秒", 1)),
            ("蓄水量", _figure(state.get("storage"), "万立方米", 1)),
            ("观测时间", format_local(state.get("observed_at")) if state.get("observed_at") else ""),
            ("报告至今", age_zh(mark.age_min) if mark.age_min is not None else ""),
            ("降雨", totals if any(rain.get(h) for h in RAIN_HOURS) or mark.rain_gauge else ""),
        ])


def legend_rows(shown: set[str] | None) -> list[tuple[str, str]]:
    """(swatch SVG, label) for the gauge looks the page uses."""
    if not shown:
        return []
    rows = []
    for code, label in LEGEND_ZH:
        if code not in shown:
            continue
        kind, _, value = code.partition(":")
        if kind == "rain":
            sample = _sample("rain", "normal", rain24=float(value))
        elif kind == "rising":
            sample = _sample("river", "normal", rising=True)
        else:
            sample = _sample("river", value)
        svg, side = station_svg(sample)
        k = min(1.0, 17 / max(side, 1))
        small = svg.replace(f'width="{side}" height="{side}"', f'width="{side * k:.1f}" height="{side * k:.1f}"', 1)
        rows.append((f'<span class="fp-sw">{small}</span>', html.escape(label)))
    return rows


def _sample(kind: str, state: str, *, rain24: float = 0.0, rising: bool = False) -> StationMark:
    """A gauge of ``kind`` in ``state``, for a legend swatch."""
    return StationMark(0.0, 0.0, "", kind, state, state == "no_reading", rising, 0, None, None, None, rain24, None)
