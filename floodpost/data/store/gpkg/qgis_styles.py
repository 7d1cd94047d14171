"""The FloodPost symbology as QGIS layer styles, stored in the workspace itself.

QGIS reads a GeoPackage layer's default style from the ``layer_styles``
table of the same file. Writing ours there (QML generated from
:mod:`floodpost.data.schema.symbology` and the schema's Chinese labels) means a GIS
officer who opens the workspace in QGIS sees the map FloodPost draws:
categorized by the class field with the same colours, sizes and shapes as
far as QGIS markers allow, names as labels, Chinese field aliases and
value maps. An SLD of the same classes goes beside it for other software.

No Qt here: this is text generation.
"""

from __future__ import annotations

import base64
import sqlite3
from xml.sax.saxutils import escape, quoteattr

from floodpost.data.schema import LAYERS, TableSchema
from floodpost.data.schema.symbology import (
    SWATCH_KIND,
    SYMBOLOGY,
    LabelStyle,
    Symbol,
    Symbology,
    parse_color,
)
from floodpost.data.store.gpkg import geopackage as gpkg

#: The name our rows carry in ``layer_styles`` (a user's own styles are left alone).
STYLE_NAME = "FloodPost"
OWNER = "floodpost"
#: The family FloodPost draws Chinese with (QGIS falls back to a CJK font it has).
FONT_FAMILY = "Noto Sans CJK SC"
#: QGIS version whose QML we write; 3.22 LTR reads it, and later versions too.
QGIS_VERSION = "3.22.16-Białowieża"

_MM_PER_PX = 25.4 / 96.0  # symbology sizes are pixels at 96 dpi

#: Our marker shapes and the QGIS simple-marker shapes that look like them.
_SIMPLE_SHAPES = {
    "circle": "circle",
    "square": "square",
    "triangle": "triangle",
    "diamond": "diamond",
    "pentagon": "pentagon",
    "hexagon": "hexagon",
    "star": "star",
    "cross": "cross_fill",
}

#: Shapes QGIS 3.22 has no simple marker for: an SVG path on a 20×20 box,
#: the outline ``floodpost.layers.render.symbols.marker_path`` draws.
_SVG_SHAPES = {
    "house": "M10 0 L20 9 L17.5 9 L17.5 18.5 L2.5 18.5 L2.5 9 L0 9 Z",
    "flag": "M2 0 L3.5 0 L3.5 20 L2 20 Z M3.5 0 L20 4.5 L3.5 9 Z",
}


def _mm(px: float) -> str:
    return f"{px * _MM_PER_PX:.3g}"


def _rgba(color: str | None) -> str:
    if color is None:
        return "0,0,0,0"
    r, g, b, a = parse_color(color)
    return f"{r},{g},{b},{a}"


def _options(props: dict[str, str]) -> str:
    """A symbol layer's properties as QGIS 3.22 writes them (an Option map)."""
    rows = "".join(f'<Option name={quoteattr(k)} value={quoteattr(v)} type="QString"/>' for k, v in props.items())
    return f'<Option type="Map">{rows}</Option>'


def _layer(cls: str, props: dict[str, str]) -> str:
    return f'<layer class="{cls}" pass="0" locked="0" enabled="1">{_options(props)}</layer>'


def _marker_layer(s: Symbol) -> str:
    size = _mm(s.size)
    stroke = _rgba(s.stroke) if s.stroke else "0,0,0,0"
    width = _mm(s.stroke_width) if s.stroke and s.stroke_width > 0 else "0"
    if s.shape in _SVG_SHAPES:
        svg = (
            '<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20" viewBox="-1 -1 22 22">'
            f'<path d="{_SVG_SHAPES[s.shape]}" fill="param(fill) #808080" stroke="param(outline) #ffffff" '
            'stroke-width="param(outline-width) 1" stroke-linejoin="round"/></svg>'
        )
        return _layer("SvgMarker", {
            "name": "base64:" + base64.b64encode(svg.encode()).decode("ascii"),
            "size": size, "size_unit": "MM", "color": _rgba(s.fill or "#808080"),
            "outline_color": stroke, "outline_width": width, "outline_width_unit": "MM",
            "scale_method": "diameter", "angle": "0", "offset": "0,0", "offset_unit": "MM",
            "horizontal_anchor_point": "1", "vertical_anchor_point": "1", "fixedAspectRatio": "0",
        })
    return _layer("SimpleMarker", {
        "name": _SIMPLE_SHAPES.get(s.shape, "circle"),
        "color": _rgba(s.fill or "#808080"), "outline_color": stroke, "outline_style": "solid" if s.stroke else "no",
        "outline_width": width, "outline_width_unit": "MM", "size": size, "size_unit": "MM",
        "scale_method": "diameter", "angle": "0", "offset": "0,0", "offset_unit": "MM",
        "joinstyle": "round", "cap_style": "round",
        "horizontal_anchor_point": "1", "vertical_anchor_point": "1",
    })


def _dash(s: Symbol) -> dict[str, str]:
    if not s.dash:
        return {"use_custom_dash": "0", "customdash": "5;2", "customdash_unit": "MM"}
    return {"use_custom_dash": "1", "customdash": ";".join(_mm(d) for d in s.dash), "customdash_unit": "MM"}


def _line_layers(s: Symbol) -> str:
    out = ""
    if s.casing:  # the wider line under the stroke, as the painter draws it
        out += _layer("SimpleLine", {
            "line_color": _rgba(s.casing), "line_width": _mm(s.stroke_width + 2.5), "line_width_unit": "MM",
            "line_style": "solid", "capstyle": "round", "joinstyle": "round", "use_custom_dash": "0",
            "offset": "0", "offset_unit": "MM",
        })
    out += _layer("SimpleLine", {
        "line_color": _rgba(s.stroke), "line_width": _mm(s.stroke_width), "line_width_unit": "MM",
        "line_style": "solid", "capstyle": "flat" if s.dash else "round", "joinstyle": "round",
        "offset": "0", "offset_unit": "MM", **_dash(s),
    })
    return out


def _fill_layer(s: Symbol) -> str:
    return _layer("SimpleFill", {
        "color": _rgba(s.fill), "style": "solid" if s.fill else "no",
        "outline_color": _rgba(s.stroke), "outline_style": ("dash" if s.dash else "solid") if s.stroke else "no",
        "outline_width": _mm(s.stroke_width), "outline_width_unit": "MM",
        "joinstyle": "round", "offset": "0,0", "offset_unit": "MM",
    })


def _symbol(name: str, kind: str, s: Symbol) -> str:
    qtype = {"point": "marker", "line": "line", "polygon": "fill"}[kind]
    body = {"point": _marker_layer, "line": _line_layers, "polygon": _fill_layer}[kind](s)
    return (
        f'<symbol name={quoteattr(name)} type="{qtype}" alpha="1" clip_to_extent="1" force_rhr="0">'
        f"{body}</symbol>"
    )


#: The catch-all class of a categorized style. Not 其他: that is a real class of
#: some layers (a waterlogging spot's kind), and QGIS listed 其他 twice.
ELSE_LABEL = "未分类"


def _renderer(schema: TableSchema, sym: Symbology, kind: str) -> str:
    if not sym.classes or not sym.field:
        return (
            '<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0" referencescale="-1">'
            f"<symbols>{_symbol('0', kind, sym.default)}</symbols></renderer-v2>"
        )
    field = schema.field(sym.field)
    cats, symbols = [], []
    for i, (code, symbol) in enumerate(sym.classes.items()):
        choice = field.choice(code)
        label = choice.zh if choice else code
        cats.append(f'<category symbol="{i}" value={quoteattr(code)} label={quoteattr(label)} render="true"/>')
        symbols.append(_symbol(str(i), kind, symbol))
    # everything else (a code FloodPost does not know, or none) as FloodPost draws it
    n = len(sym.classes)
    cats.append(f'<category symbol="{n}" value="" label={quoteattr(ELSE_LABEL)} render="true"/>')
    symbols.append(_symbol(str(n), kind, sym.default))
    return (
        f'<renderer-v2 type="categorizedSymbol" attr={quoteattr(sym.field)} symbollevels="0" '
        'enableorderby="0" forceraster="0" referencescale="-1">'
        f'<categories>{"".join(cats)}</categories><symbols>{"".join(symbols)}</symbols>'
        f"<source-symbol>{_symbol('0', kind, sym.default)}</source-symbol>"
        "</renderer-v2>"
    )


def _labeling(label: LabelStyle | None, schema: TableSchema, kind: str) -> str:
    if label is None or label.field not in schema.field_names:
        return ""
    placement = {"point": "6", "line": "3", "polygon": "1"}[kind]  # cartographic, curved, over centroid
    scale = (
        f'scaleVisibility="1" scaleMin="{label.max_scale:.0f}" scaleMax="0"'
        if label.max_scale < 1e11 else 'scaleVisibility="0" scaleMin="0" scaleMax="0"'
    )
    return (
        '<labeling type="simple"><settings calloutType="simple">'
        f'<text-style fieldName={quoteattr(label.field)} isExpression="0" fontFamily="{FONT_FAMILY}" '
        f'fontSize="{label.size:g}" fontSizeUnit="Point" fontWeight="{75 if label.bold else 50}" '
        f'textColor="{_rgba(label.color)}" textOpacity="1" namedStyle="{"Bold" if label.bold else "Regular"}" '
        'multilineHeight="1" blendMode="0" previewBkgrdColor="255,255,255,255">'
        f'<text-buffer bufferDraw="{1 if label.halo else 0}" bufferSize="0.7" bufferSizeUnits="MM" '
        f'bufferColor="{_rgba(label.halo or "#ffffff")}" bufferOpacity="1" bufferJoinStyle="128" '
        'bufferNoFill="1" bufferBlendMode="0"/>'
        "</text-style>"
        '<text-format wrapChar="" multilineAlign="0" placeDirectionSymbol="0" formatNumbers="0"/>'
        f'<placement placement="{placement}" dist="1" distUnits="MM" offsetType="0" priority="{min(10, max(0, round(label.priority / 10)))}" '
        'placementFlags="10" centroidInside="1" fitInPolygonOnly="0" repeatDistance="0" overrunDistance="0" '
        'maxCurvedCharAngleIn="25" maxCurvedCharAngleOut="-25"/>'
        f'<rendering {scale} obstacle="1" obstacleType="1" displayAll="0" upsidedownLabels="0" '
        'labelPerPart="0" mergeLines="1" fontMinPixelSize="3" fontMaxPixelSize="10000" limitNumLabels="0" '
        'maxNumLabels="2000" drawLabels="1" zIndex="0"/>'
        "</settings></labeling>"
    )


def _fields(schema: TableSchema) -> str:
    """Chinese aliases (with units) and value maps of the coded fields, for QGIS's forms and tables."""
    configs, aliases = [], ['<alias field="fid" index="0" name="要素编号"/>']
    for i, f in enumerate(schema.fields, start=2):
        aliases.append(f'<alias field={quoteattr(f.name)} index="{i}" name={quoteattr(f.label("zh"))}/>')
        if f.type != "enum":
            continue
        pairs = "".join(
            f'<Option type="Map"><Option name={quoteattr(c.zh)} value={quoteattr(c.code)} type="QString"/></Option>'
            for c in f.choices
        )
        configs.append(
            f'<field name={quoteattr(f.name)} configurationFlags="None"><editWidget type="ValueMap"><config>'
            f'<Option type="Map"><Option name="map" type="List">{pairs}</Option></Option>'
            "</config></editWidget></field>"
        )
    return f'<fieldConfiguration>{"".join(configs)}</fieldConfiguration><aliases>{"".join(aliases)}</aliases>'


def qml(key: str) -> str:
    """The QGIS style (QML) of layer ``key``: renderer, labels, aliases and value maps."""
    schema = LAYERS[key]
    sym = SYMBOLOGY[key]
    kind = SWATCH_KIND[key]
    labeling = _labeling(sym.label, schema, kind)
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        f'<qgis version="{QGIS_VERSION}" styleCategories="AllStyleCategories" '
        f'labelsEnabled="{1 if labeling else 0}" hasScaleBasedVisibilityFlag="0" minScale="100000000" maxScale="0" '
        'simplifyDrawingHints="1" simplifyAlgorithm="0" simplifyDrawingTol="1" simplifyLocal="1" simplifyMaxScale="1" '
        'readOnly="0" symbologyReferenceScale="-1">'
        f"{_renderer(schema, sym, kind)}{labeling}"
        f"{_fields(schema)}"
        f'<previewExpression>{escape(chr(34) + schema.title_field + chr(34))}</previewExpression>'
        f'<layerGeometryType>{ {"point": 0, "line": 1, "polygon": 2}[kind] }</layerGeometryType>'
        "</qgis>\n"
    )


# ---------------------------------------------------------------- SLD
_SLD_MARKS = {"circle": "circle", "square": "square", "triangle": "triangle", "star": "star", "cross": "cross"}


def _sld_css(name: str, value: str) -> str:
    return f'<se:SvgParameter name="{name}">{escape(value)}</se:SvgParameter>'


def _sld_color(color: str) -> tuple[str, str]:
    r, g, b, a = parse_color(color)
    return f"#{r:02x}{g:02x}{b:02x}", f"{a / 255:.2f}"


def _sld_symbolizer(kind: str, s: Symbol) -> str:
    stroke = ""
    if s.stroke:
        c, o = _sld_color(s.stroke)
        stroke = (
            f'<se:Stroke>{_sld_css("stroke", c)}{_sld_css("stroke-opacity", o)}'
            f'{_sld_css("stroke-width", f"{s.stroke_width:g}")}'
            f'{_sld_css("stroke-dasharray", " ".join(f"{d:g}" for d in s.dash)) if s.dash else ""}</se:Stroke>'
        )
    fill = ""
    if s.fill:
        c, o = _sld_color(s.fill)
        fill = f'<se:Fill>{_sld_css("fill", c)}{_sld_css("fill-opacity", o)}</se:Fill>'
    if kind == "point":
        mark = _SLD_MARKS.get(s.shape, "circle")
        return (
            f"<se:PointSymbolizer><se:Graphic><se:Mark><se:WellKnownName>{mark}</se:WellKnownName>"
            f"{fill}{stroke}</se:Mark><se:Size>{s.size:g}</se:Size></se:Graphic></se:PointSymbolizer>"
        )
    if kind == "line":
        casing = ""
        if s.casing:
            c, o = _sld_color(s.casing)
            casing = (
                f'<se:LineSymbolizer><se:Stroke>{_sld_css("stroke", c)}{_sld_css("stroke-opacity", o)}'
                f'{_sld_css("stroke-width", f"{s.stroke_width + 2.5:g}")}</se:Stroke></se:LineSymbolizer>'
            )
        return f"{casing}<se:LineSymbolizer>{stroke}</se:LineSymbolizer>"
    return f"<se:PolygonSymbolizer>{fill}{stroke}</se:PolygonSymbolizer>"


def sld(key: str) -> str:
    """The same classes as a Styled Layer Descriptor (SE 1.1), for software that reads SLD."""
    schema = LAYERS[key]
    sym = SYMBOLOGY[key]
    kind = SWATCH_KIND[key]
    rules = []
    if sym.classes and sym.field:
        field = schema.field(sym.field)
        for code, symbol in sym.classes.items():
            choice = field.choice(code)
            rules.append(
                f"<se:Rule><se:Name>{escape(choice.zh if choice else code)}</se:Name>"
                f"<ogc:Filter><ogc:PropertyIsEqualTo><ogc:PropertyName>{escape(sym.field)}</ogc:PropertyName>"
                f"<ogc:Literal>{escape(code)}</ogc:Literal></ogc:PropertyIsEqualTo></ogc:Filter>"
                f"{_sld_symbolizer(kind, symbol)}</se:Rule>"
            )
        rules.append(f"<se:Rule><se:Name>{ELSE_LABEL}</se:Name><se:ElseFilter/>{_sld_symbolizer(kind, sym.default)}</se:Rule>")
    else:
        rules.append(f"<se:Rule><se:Name>{escape(schema.zh)}</se:Name>{_sld_symbolizer(kind, sym.default)}</se:Rule>")
    if sym.label is not None and sym.label.field in schema.field_names:
        c, _ = _sld_color(sym.label.color)
        halo = ""
        if sym.label.halo:
            h, _ = _sld_color(sym.label.halo)
            halo = f'<se:Halo><se:Radius>2</se:Radius><se:Fill>{_sld_css("fill", h)}</se:Fill></se:Halo>'
        rules.append(
            f"<se:Rule><se:TextSymbolizer><se:Label><ogc:PropertyName>{escape(sym.label.field)}</ogc:PropertyName>"
            f'</se:Label><se:Font>{_sld_css("font-family", FONT_FAMILY)}'
            f'{_sld_css("font-size", f"{sym.label.size * 96 / 72:.0f}")}'
            f'{_sld_css("font-weight", "bold" if sym.label.bold else "normal")}</se:Font>'
            f'{halo}<se:Fill>{_sld_css("fill", c)}</se:Fill></se:TextSymbolizer></se:Rule>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<StyledLayerDescriptor xmlns="http://www.opengis.net/sld" xmlns:ogc="http://www.opengis.net/ogc" '
        'xmlns:se="http://www.opengis.net/se" xmlns:xlink="http://www.w3.org/1999/xlink" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" version="1.1.0" '
        'xsi:schemaLocation="http://www.opengis.net/sld http://schemas.opengis.net/sld/1.1.0/StyledLayerDescriptor.xsd">'
        f"<NamedLayer><se:Name>{escape(key)}</se:Name><UserStyle><se:Name>{STYLE_NAME}</se:Name>"
        f'<se:FeatureTypeStyle>{"".join(rules)}</se:FeatureTypeStyle></UserStyle></NamedLayer>'
        "</StyledLayerDescriptor>\n"
    )


# ---------------------------------------------------------------- storage
def _spatial_keys(con: sqlite3.Connection) -> list[str]:
    """Our layer keys that this file has as feature tables."""
    present = {r[0] for r in con.execute("SELECT table_name FROM gpkg_contents WHERE data_type = 'features'")}
    return [k for k, s in LAYERS.items() if s.is_spatial and k in present]


def missing(con: sqlite3.Connection) -> list[str]:
    """Layers with no style at all in ``layer_styles`` (a user's own style counts)."""
    keys = _spatial_keys(con)
    if not con.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='layer_styles'").fetchone():
        return keys
    styled = {r[0] for r in con.execute("SELECT DISTINCT f_table_name FROM layer_styles")}
    return [k for k in keys if k not in styled]


def write_missing(con: sqlite3.Connection) -> list[str]:
    """Store the FloodPost style of every layer that has none, as its default; the keys written.

    Call inside a transaction. Styles a user saved from QGIS are kept:
    only layers with no style at all get ours.
    """
    gpkg.ensure_layer_styles(con)
    keys = missing(con)
    con.executemany(
        'INSERT INTO layer_styles (f_table_catalog, f_table_schema, f_table_name, f_geometry_column, '
        '"styleName", "styleQML", "styleSLD", "useAsDefault", description, owner, ui) '
        "VALUES ('', '', ?, 'geom', ?, ?, ?, 1, ?, ?, NULL)",
        [
            (key, STYLE_NAME, qml(key), sld(key), f"FloodPost 符号：{LAYERS[key].zh}", OWNER)
            for key in keys
        ],
    )
    return keys
