"""Operations on the web page, as of one moment: the same styles as the desktop map's operations overlay.

Incidents get their status drawn into their marker (a red halo ring and a
bold permanent label while out of control, a green check ring once
controlled, grey once closed) and the age since the report; dike sections
show while out of control; a line joins each committed force to its
incident with the personnel sent; villages are filled by the highest
warning reaching them, with a dashed red ring on recipients not answered in
time (features named ``hazards:名称`` too). The colours come from
:mod:`floodpost.data.schema.symbology`; every piece of user text is escaped.
A press page names no person: who answered a call is left out, and the
dispatch task passes the redactor. Pure Python; never imports Qt.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

from floodpost.data import recipients as rcp
from floodpost.data.schema import WARNING_LEVELS
from floodpost.data.schema.symbology import (
    DISPATCH_LINKS,
    INCIDENT_STATUS_STYLE,
    SECTION_CONTROLLED,
    SYMBOLOGY,
    UNANSWERED_RING,
    WARNED_VILLAGE,
    WARNING_COLOURS,
    Symbol,
)
from floodpost.layers.model.operations import (
    LEVELS,
    STATUS_STYLE,
    feature_levels,
    late_recipients,
    ring_radius,
    village_levels,
)
from floodpost.layers.model.operations import text as _text

STATUS_ZH = {"reported": "已报告", "handling": "处置中", "controlled": "已控制", "closed": "已结束"}
LEVEL_ZH = {c.code: c.zh for c in WARNING_LEVELS}
HOW_ZH = {"phone": "电话", "sms": "短信", "radio": "对讲/广播", "in_person": "当面"}


def age_zh(minutes: float) -> str:
    """``刚刚``, ``25分钟前``, ``3小时前``, ``2天前`` (as the desktop map's labels in Chinese)."""
    m = max(0.0, float(minutes))
    if m < 1:
        return "刚刚"
    if m < 60:
        return f"{int(m)}分钟前"
    if m < 24 * 60:
        return f"{int(m // 60)}小时前"
    return f"{int(m // (24 * 60))}天前"


def _svg(body: str, side: int) -> str:
    h = side / 2
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{side}" height="{side}" '
            f'viewBox="{-h:g} {-h:g} {side} {side}" aria-hidden="true">{body}</svg>')


def _ring(r: float, symbol: Symbol, fill: bool = True) -> str:
    from floodpost.layers.output.webmap import _color

    stroke, sop = _color(symbol.stroke)
    f, fop = _color(symbol.fill) if fill and symbol.fill else ("none", 0.0)
    dash = f' stroke-dasharray="{" ".join(f"{d:g}" for d in symbol.dash)}"' if symbol.dash else ""
    return (f'<circle r="{r:.2f}" fill="{f}" fill-opacity="{fop:g}" stroke="{stroke}" stroke-opacity="{sop:g}" '
            f'stroke-width="{symbol.stroke_width:g}"{dash}/>')


def incident_svg(kind: Any, style: str, scale: float = 1.0) -> tuple[str, int]:
    """An incident's marker with its status: halo ring, check ring or grey shape."""
    from floodpost.layers.output.webmap import _marker_body

    sym = SYMBOLOGY["incidents"].symbol_for(kind)
    st = INCIDENT_STATUS_STYLE[style]
    if style == "closed":
        body, side = _marker_body(Symbol(fill=st.fill, stroke=st.stroke, stroke_width=st.stroke_width,
                                         shape=sym.shape, size=sym.size), scale)
        return _svg(body, side), side
    body, _ = _marker_body(sym, scale)
    r = ring_radius(sym, style, scale)
    side = int(r * 2 + st.stroke_width * 2 + 4)
    parts = [_ring(r, st), body]
    if style == "controlled":
        cx, cy, d = r * 0.72, -r * 0.72, 4.2 * scale
        stroke = st.stroke
        parts.append(f'<circle cx="{cx:.2f}" cy="{cy:.2f}" r="{d:.2f}" fill="#ffffff" stroke="{stroke}" stroke-width="1"/>')
        parts.append(f'<path d="M{cx - d * 0.5:.2f},{cy:.2f}L{cx - d * 0.12:.2f},{cy + d * 0.42:.2f}'
                     f'L{cx + d * 0.55:.2f},{cy - d * 0.4:.2f}" fill="none" stroke="{stroke}" stroke-width="1.6" '
                     'stroke-linecap="round" stroke-linejoin="round"/>')
        side = int(side + 2 * d)
    return _svg("".join(parts), side), side


def village_svg(level: str | None, overdue: bool, scale: float = 1.0) -> tuple[str, int]:
    """A village filled by its warning level (its own marker when none), with the dashed ring when late."""
    from floodpost.layers.output.webmap import _marker_body

    base = SYMBOLOGY["villages"].default
    sym = base if level is None else Symbol(fill=WARNING_COLOURS[level], stroke=WARNED_VILLAGE.stroke,
                                            stroke_width=WARNED_VILLAGE.stroke_width, size=WARNED_VILLAGE.size)
    body, side = _marker_body(sym, scale)
    if overdue:
        r = (sym.size / 2 + 4) * scale
        body += _ring(r, UNANSWERED_RING, fill=False)
        side = max(side, int(2 * r + 6))
    return _svg(body, side), side


def feature_svg(symbol: Symbol, level: str | None, overdue: bool) -> tuple[str, int]:
    """A warned feature (a hazard point…): its marker, a ring in the level's colour, the dashed ring when late."""
    from floodpost.layers.output.webmap import _marker_body

    body, side = _marker_body(symbol)
    parts = [body]
    if level is not None:
        r = symbol.size / 2 + 3
        parts.append(_ring(r, Symbol(stroke=WARNING_COLOURS[level], stroke_width=2.0), fill=False))
        side = max(side, int(2 * r + 6))
    if overdue:
        r = symbol.size / 2 + 7
        parts.append(_ring(r, UNANSWERED_RING, fill=False))
        side = max(side, int(2 * r + 6))
    return _svg("".join(parts), side), side


def _rows(popup: str, rows: list[tuple[str, str]]) -> str:
    """``popup`` with rows (label, value; both escaped here) added to its table."""
    cells = "".join(f"<tr><th>{html.escape(a)}</th><td>{html.escape(b)}</td></tr>" for a, b in rows if b)
    return popup.replace("</table></div>", cells + "</table></div>", 1) if cells else popup


@dataclass
class WebOperations:
    """What the page shows of the operations at its moment (filled by :func:`apply`)."""

    links: dict[str, Any] = field(default_factory=lambda: {"type": "FeatureCollection", "features": []})
    shown: dict[str, set[str]] = field(default_factory=dict)  # legend: layer key -> codes used


def keep_sections(frame: Any, situation: Any) -> Any:
    """The dike sections of the incidents reported by the moment."""
    known = {_text(i.get("name")) for i in situation.operations.incidents}
    if frame is None or not len(frame) or "incident" not in frame:
        return frame
    return frame[frame["incident"].map(lambda v: _text(v) in known)]


def style_sections(data: dict[str, Any], frame: Any, situation: Any, out: WebOperations) -> None:
    """Sections of incidents no longer out of control drawn thin and grey (the desktop overlay's style)."""
    from floodpost.layers.output.webmap import path_style

    if frame is None or not len(frame) or "incident" not in frame:
        return
    live = {_text(i.get("name")) for i in situation.operations.incidents if i.get("uncontrolled")}
    owner = {int(f): _text(v) for f, v in frame["incident"].items()}
    for f in data["features"]:
        p = f["properties"]
        if owner.get(int(p["fid"])) not in live:
            p["style"] = path_style(SECTION_CONTROLLED, "incident_sections")
            out.shown.setdefault("incidents", set()).add("muted")


def style_village_areas(data: dict[str, Any], frame: Any, situation: Any, out: WebOperations,
                        minutes: float) -> None:
    """Village outlines tinted by the warning reaching the village; dashed red when it is late to answer."""
    from floodpost.layers.output.webmap import path_style

    if frame is None or not len(frame) or "village" not in frame:
        return
    ops = situation.operations
    late = late_recipients(ops.recipients, minutes)
    rows = {int(fid): (r.get("county"), r.get("township"), r.get("village"))
            for fid, r in zip(frame.index, frame.to_dict("records"), strict=True)}
    levels = dict(zip(rows, village_levels(ops.warnings, list(rows.values())), strict=True))
    for f in data["features"]:
        fid = int(f["properties"]["fid"])
        level, overdue = levels.get(fid), rcp.village_key(*rows.get(fid, ("", "", ""))) in late
        if level is None and not overdue:
            continue
        colour = WARNING_COLOURS[level] if level else None
        sym = Symbol(fill=colour + "38" if colour else None, stroke=UNANSWERED_RING.stroke if overdue else colour,
                     stroke_width=2.0 if overdue else 1.5, dash=UNANSWERED_RING.dash if overdue else ())
        f["properties"]["style"] = path_style(sym, "village_areas")
        if level:
            out.shown.setdefault("villages", set()).add(level)
        if overdue:
            out.shown.setdefault("villages", set()).add("unanswered")


def keep_reported(frame: Any, at: str) -> Any:
    """The rows reported at or before ``at`` (a missing time: never shown as of a moment)."""
    if frame is None or not len(frame) or "reported_at" not in frame:
        return frame
    return frame[frame["reported_at"].map(lambda t: isinstance(t, str) and t <= at)]


def decorate(key: str, data: dict[str, Any], frame: Any, situation: Any, out: WebOperations, *,
             press: bool, minutes: float) -> None:
    """Put the moment's operations into the GeoJSON of layer ``key`` (icons, labels, popup rows)."""
    ops = situation.operations
    feats = data["features"]
    if key == "incident_sections":
        style_sections(data, frame, situation, out)
    elif key == "village_areas":
        style_village_areas(data, frame, situation, out, minutes)
    elif key == "incidents":
        state = {int(i["fid"]): i for i in ops.incidents}
        for f in feats:
            p = f["properties"]
            inc = state.get(int(p["fid"]))
            if inc is None or f["geometry"]["type"] != "Point":
                continue
            style = STATUS_STYLE.get(str(inc.get("status")), "uncontrolled")
            out.shown.setdefault(key, set()).add(style)
            svg, side = incident_svg(inc.get("kind"), style)
            p.update(_icon=svg, _size=side)
            age = age_zh(float(inc.get("age_min") or 0))
            if style != "closed":
                name = p.get("_tip") or ""  # escaped already
                p["_label"] = f"{name} {html.escape(age)}".strip()
                p["_labelClass"] = f"fp-label-{style}"
            forces = "、".join(_text(x) for x in inc.get("forces") or [])
            p["_popup"] = _rows(p["_popup"], [
                ("状态", STATUS_ZH.get(str(inc.get("status")), "")),
                ("报告至今", age),
                ("在场力量", forces),
                ("在场人数", f"{int(inc.get('personnel_on_site') or 0)}人" if inc.get("personnel_on_site") else ""),
            ])
    elif key in ("villages", *rcp.FEATURE_LAYERS):
        late = late_recipients(ops.recipients, minutes)
        answered = {str(r["recipient"]): r for r in ops.recipients if r.get("answered_ms") is not None}
        names = frame["name"].to_dict() if "name" in frame else {}
        villages = key == "villages"
        if villages:
            rows = {int(fid): (r.get("county"), r.get("township"), r.get("name"))
                    for fid, r in zip(frame.index, frame.to_dict("records"), strict=True)}
            levels = dict(zip(rows, village_levels(ops.warnings, list(rows.values())), strict=True))
        else:
            feature_level = feature_levels(ops.warnings, key)
            if not feature_level:
                return
        sym = SYMBOLOGY[key]
        for f in feats:
            p = f["properties"]
            fid = int(p["fid"])
            if villages:
                c, t, n = rows.get(fid, ("", "", ""))
                rkey = rcp.village_key(c, t, n)
                level = levels.get(fid)
            else:
                rkey = rcp.feature_key(key, names.get(fid))
                level = feature_level.get(rkey)
            overdue = rkey in late
            if level is None and not overdue:
                continue
            if level is not None:
                out.shown.setdefault("villages", set()).add(level)
            if overdue:
                out.shown.setdefault("villages", set()).add("unanswered")
            if f["geometry"]["type"] == "Point":
                if villages:
                    svg, side = village_svg(level, overdue)
                else:
                    frow = frame.loc[fid] if fid in frame.index else {}
                    svg, side = feature_svg(sym.symbol_for(frow.get(sym.field)) if sym.field else sym.default,
                                            level, overdue)
                p.update(_icon=svg, _size=side)
            rows_out = [("预警", LEVEL_ZH.get(level, "") if level else "")]
            if overdue:
                rows_out.append(("叫应", f"未叫应（已等待{int(float(late[rkey]['waiting_min']))}分钟）"))
            elif rkey in answered:
                a = answered[rkey]
                ack = a.get("ack") or {}
                how = HOW_ZH.get(str(ack.get("how")), "")
                who = "" if press else _text(ack.get("by_person"))
                rows_out.append(("叫应", "已叫应" + (f"（{how}{'，' + who if who else ''}）" if how or who else "")))
            p["_popup"] = _rows(p["_popup"], rows_out)


def dispatch_links(situation: Any, frames: dict[str, Any], out: WebOperations, scrub: Any = None) -> None:
    """Lines from each committed force to its incident, and a "30人" label at the middle of each."""
    from floodpost.layers.output.webmap import _rounded, path_style

    ops = situation.operations
    scrub = scrub or (lambda t: t)
    forces, incidents = frames.get("forces"), frames.get("incidents")
    if forces is None or incidents is None or not len(forces) or not len(incidents):
        return
    where_f = {}
    for n, g in zip(forces["name"].tolist(), forces.geometry, strict=True):
        if g is not None and not g.is_empty:
            where_f.setdefault(_text(n), g)
    where_i = {}
    for n, g in zip(incidents["name"].tolist(), incidents.geometry, strict=True):
        if g is not None and not g.is_empty:
            where_i.setdefault(_text(n), g)
    strength = {_text(f.get("name")): int(f.get("personnel") or 0) for f in situation.forces}
    import shapely

    feats = out.links["features"]
    for d in ops.dispatches:
        a, b = where_f.get(_text(d["force"])), where_i.get(_text(d["incident"]))
        if a is None or b is None or not d.get("personnel"):
            continue
        full = ops.committed.get(_text(d["force"]), {}).get("personnel", 0) >= strength.get(_text(d["force"]), 0)
        code = "full" if full else "free"
        out.shown.setdefault("incidents", set()).add(code)
        line = shapely.LineString([(a.x, a.y), (b.x, b.y)])
        tip = scrub(f"{_text(d['force'])} → {_text(d['incident'])}：{int(d['personnel'])}人")
        task = scrub(_text(d.get("task")))
        popup = (f'<div class="fp-popup"><div class="fp-popup-layer">力量调派</div>'
                 f'<div class="fp-popup-title">{html.escape(tip)}</div>'
                 + (f"<table><tr><th>任务</th><td>{html.escape(task)}</td></tr></table>" if task else "")
                 + "</div>")
        feats.append({"type": "Feature", "geometry": _rounded(line),
                      "properties": {"style": path_style(DISPATCH_LINKS[code], "dispatch"), "_tip": html.escape(tip),
                                     "_popup": popup}})
        mid = line.interpolate(0.5, normalized=True)
        label = f"<span>{int(d['personnel'])}人</span>"
        feats.append({"type": "Feature", "geometry": _rounded(mid),
                      "properties": {"_icon": label, "_size": 0, "_w": 1, "_h": 1, "_class": "fp-link-label"}})


def operation_legend_rows(key: str, shown: set[str] | None) -> list[tuple[str, str]]:
    """(swatch SVG, label) for the operations styles of ``key`` that the page uses."""
    if not shown:
        return []
    rows: list[tuple[str, str]] = []

    def sw(svg: str, side: int) -> str:
        k = min(1.0, 17 / max(side, 1))
        small = svg.replace(f'width="{side}" height="{side}"', f'width="{side * k:.1f}" height="{side * k:.1f}"', 1)
        return f'<span class="fp-sw">{small}</span>'

    if key == "incidents":
        for style, label in (("uncontrolled", "未控制"), ("controlled", "已控制"), ("closed", "已结束")):
            if style in shown:
                svg, side = incident_svg("other", style)
                rows.append((sw(svg, side), label))
        if "muted" in shown:
            s = SECTION_CONTROLLED
            dash = " ".join(f"{d:g}" for d in s.dash)
            rows.append(('<span class="fp-sw"><svg xmlns="http://www.w3.org/2000/svg" width="28" height="18" '
                         f'viewBox="0 0 28 18" aria-hidden="true"><path d="M2,9 L26,9" stroke="{s.stroke}" '
                         f'stroke-width="{s.stroke_width:g}" stroke-dasharray="{dash}"/></svg></span>', "已控制险情堤段"))
        for code, label in (("full", "调派：无余员"), ("free", "调派：尚有余员")):
            if code in shown:
                s = DISPATCH_LINKS[code]
                dash = f' stroke-dasharray="{" ".join(f"{d:g}" for d in s.dash)}"' if s.dash else ""
                rows.append(('<span class="fp-sw"><svg xmlns="http://www.w3.org/2000/svg" width="28" height="18" '
                             f'viewBox="0 0 28 18" aria-hidden="true"><path d="M2,9 L24,9" stroke="{s.stroke}" '
                             f'stroke-width="{s.stroke_width:g}"{dash}/><path d="M26,9 L20,6 L20,12 Z" '
                             f'fill="{s.stroke}"/></svg></span>', label))
    elif key == "villages":
        for level in reversed(LEVELS):
            if level in shown:
                svg, side = village_svg(level, False)
                rows.append((sw(svg, side), html.escape(f"{LEVEL_ZH[level]}预警")))
        if "unanswered" in shown:
            svg, side = village_svg(None, True)
            rows.append((sw(svg, side), "预警超时未叫应"))
    return rows
