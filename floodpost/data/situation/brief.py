"""The meeting brief: the situation in Simplified Chinese sentences, for the chair.

Every figure comes from the as-of engine, so the brief, the dashboard and
``info --at`` agree. The brief names areas, units and depots, never persons:
the incidents by name, kind and place, the forces at them by unit, the
warnings' recipients by area or feature (``recipients.label``), never a
reporter, a village lead or whoever answered the call. The press brief
(``press=True``) gives the incidents' counts and places and the warnings'
count and answered share only, with no list of who has not answered.
The 水雨情 section (issue 19) gives the gauges over their first threshold with
their margins, those rising fast, the wettest gauge's 24 h rain and (not for
the press) the crossing alerts nobody has acknowledged. Every section says the
time of its newest report, and 已超过N小时未更新 when that is older than the
table's expected interval (``freshness``): a figure nine hours old is not read
out as the situation now.
The Word file is an A4 Chinese document (zh-CN language tags and a Chinese
face in every style), because Word picks the face for Chinese text from the
language tag: a Letter page tagged ja-JP comes out with a Japanese heading.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from floodpost.data import recipients as rcp
from floodpost.data.atomic import atomic_output
from floodpost.data.schema import (
    ALL,
    FORCE_CATEGORIES,
    INCIDENT_KINDS,
    INCIDENT_SEVERITY,
    INCIDENT_STATUS,
    MATERIAL_ITEMS,
    STORAGE_STATUS,
    THRESHOLDS,
    WARNING_KINDS,
    WARNING_LEVELS,
)
from floodpost.data.situation import as_of, since_meeting
from floodpost.data.situation.freshness import figure_age
from floodpost.data.situation.hydro import margin_text
from floodpost.data.timeutil import from_storage

#: The counting word of each material in the brief. Records may say 个, 条 or 袋
#: for one sandbag; the brief counts each item in one unit throughout (沙袋 in 袋,
#: as the works table counts the sandbags placed).
ITEM_UNITS = {
    "sandbag": "袋", "woven_bag": "条", "geotextile": "平方米", "life_jacket": "件",
    "assault_boat": "艘", "pump": "台", "tent": "顶", "quilt": "床", "folding_bed": "张",
    "emergency_light": "盏", "water": "箱", "instant_noodles": "箱", "other": "件",
}
#: Indent of the lines under a numbered section (one per area), in the text and in Word.
SUB_INDENT = "    "


def _when(stored: str) -> str:
    dt = from_storage(stored)
    if dt is None:
        return ""
    return f"{dt.month}月{dt.day}日{dt.hour}时" + (f"{dt.minute}分" if dt.minute else "")


def _n(v: float) -> str:
    """Exact figures (the chair compares them with the county sheets), grouped by thousands."""
    v = float(v)
    return f"{v:,.0f}" if v.is_integer() else f"{v:,.1f}"


def _signed(v: float, unit: str) -> str:
    return ("增加" if v > 0 else "减少") + _n(abs(v)) + unit if v else "持平"


#: Unanswered recipients the brief names per warning, longest waiting first (the rest are counted).
LATE_NAMED = 20


def _clean(v: Any) -> str:
    """A name as one line of plain text: no line breaks or control characters from a record."""
    if v is None or (isinstance(v, float) and v != v):
        return ""
    return " ".join("".join(ch if ch.isprintable() else " " for ch in str(v)).split())


def _zh(choices: Any, code: Any) -> str:
    return next((c.zh for c in choices if c.code == code), _clean(code))


def _minutes(m: float) -> str:
    """A duration for the chair: 45分钟, 3小时, 3小时20分钟, 1天3小时."""
    m = int(max(0.0, m))
    if m < 60:
        return f"{m}分钟"
    d, rest = divmod(m, 24 * 60)
    h, mm = divmod(rest, 60)
    if d:
        return f"{d}天" + (f"{h}小时" if h else "")
    return f"{h}小时" + (f"{mm}分钟" if mm else "")


def _place(inc: dict[str, Any]) -> str:
    return "".join(p for p in (_clean(inc.get("county")), _clean(inc.get("place"))) if p)


def operations_lines(sit: Any, t: dict[str, Any], press: bool = False) -> list[str]:
    """The 险情, 力量调派 and 预警叫应 sections (unnumbered), each sub-line indented.

    Press: the incidents' counts and places, the warnings' count and answered
    share; no forces at each incident and no list of who has not answered.
    """
    ops = sit.operations
    inc_t, dis, war = t["incidents"], t["dispatch"], t["warnings"]
    by = inc_t["by_status"]
    out: list[str] = []
    if inc_t["total"]:
        out.append(
            f"险情：共报告险情{inc_t['total']}处，其中未控制{inc_t['uncontrolled']}处"
            f"（已报告{by.get('reported', 0)}处、处置中{by.get('handling', 0)}处），"
            f"已控制{by.get('controlled', 0)}处，已结束{by.get('closed', 0)}处；"
            f"威胁群众{_n(inc_t['threatened'])}人，被困{_n(inc_t['trapped'])}人，已解救{_n(inc_t['rescued'])}人。"
        )
    else:
        out.append("险情：暂无险情报告。")
    for inc in (ops.incidents if ops is not None else []):
        if not inc.get("uncontrolled"):
            continue
        what = "，".join(p for p in (_zh(INCIDENT_KINDS, inc.get("kind")),
                                     _zh(INCIDENT_SEVERITY, inc.get("severity")), _place(inc)) if p)
        line = (f"{SUB_INDENT}{_clean(inc.get('name'))}（{what}）：{_zh(INCIDENT_STATUS, inc.get('status'))}，"
                f"{_when(inc.get('reported_at') or '')}报告，已历时{_minutes(inc.get('age_min', 0))}")
        if not press:
            forces = "、".join(_clean(f) for f in inc.get("forces", []))
            line += (f"；现场力量：{forces}，{_n(inc.get('personnel_on_site', 0))}人" if forces
                     else "；尚未调派力量")
        out.append(line + "。")
    if not press:
        out.append(
            f"力量调派：已调派队伍{dis['teams_committed']}支、{_n(dis['personnel_committed'])}人，"
            f"车辆{_n(dis['vehicles_committed'])}台，舟艇{_n(dis['boats_committed'])}艘；"
            f"可调派队伍{dis.get('teams_available', 0)}支、{_n(dis.get('personnel_available', 0))}人。"
        )
    if war["active"]:
        levels = "、".join(f"{_level_colour(lv)}{n}个" for lv, n in sorted(
            war["by_level"].items(), key=lambda kv: -_LEVEL_ORDER.get(kv[0], 0)))
        share = f"（{war['answered'] / war['recipients'] * 100:.0f}%）" if war["recipients"] else ""
        line = (f"预警叫应：生效预警{war['active']}个（{levels}），"
                f"已叫应{war['answered']}/{war['recipients']}{share}")
        if not press:
            line += f"，超过{war['answer_minutes']}分钟未叫应{war['overdue']}个"
        out.append(line + "。")
    else:
        out.append("预警叫应：暂无生效预警。")
    if ops is None:
        return out
    waiting: dict[str, list[dict[str, Any]]] = {}
    for r in ops.recipients:  # the unanswered come first (the engine's order): a season lists 10,000 in all
        if r.get("answered_ms") is not None:
            break
        waiting.setdefault(r["warning"], []).append(r)
    layer_names = {k: s.zh for k, s in ALL.items()}
    for w in sorted(ops.warnings, key=lambda w: (-_LEVEL_ORDER.get(w.get("level"), 0), w.get("issued_ms", 0))):
        line = (f"{SUB_INDENT}{_clean(w.get('name'))}（{_zh(WARNING_LEVELS, w.get('level'))}，"
                f"{_zh(WARNING_KINDS, w.get('kind'))}，{_when(w.get('reported_at') or '')}发布）："
                f"已叫应{w['answered']}/{w['total']}")
        late = waiting.get(w.get("name"), [])
        if late and not press:
            # the longest waiting by name; a county's warning to 15,000 villages is a number, not a page of names
            late = sorted(late, key=lambda r: -float(r.get("waiting_min") or 0))
            names = "；".join(f"{_clean(rcp.label(r['recipient'], layer_names))}（已等待{int(r['waiting_min'])}分钟）"
                             for r in late[:LATE_NAMED])
            more = f"等共{len(late)}个" if len(late) > LATE_NAMED else ""
            line += f"；未叫应：{names}{more}"
        out.append(line + "。")
    return out


def water_lines(sit: Any, t: dict[str, Any], press: bool = False) -> list[str]:
    """The 水雨情 section (unnumbered): gauges over warning with their margins, rising fast, the wettest
    gauge, alerts waiting; nothing in a workspace without gauges.

    Press: no list of the alerts the duty officers have not acknowledged.
    """
    w = t.get("water")
    water = getattr(sit, "water", None)
    if not w or not (w.get("reporting") or w.get("over")):
        return []
    line = f"水雨情：报汛站点{w['reporting']}个，超警戒（汛限）水位站点{w['over_warning']}个"
    if w.get("over_guaranteed"):
        line += f"，其中超保证（设计）水位{w['over_guaranteed']}个"
    if w.get("over_check"):
        line += f"，超校核水位{w['over_check']}个"
    line += f"；涨势较快站点{w['rising']}个"
    rain = w.get("rain_max_24h")
    if rain and rain.get("mm"):
        line += f"；24小时最大降雨量{_clean(rain['station'])}{_n(rain['mm'])}毫米"
    if not press:
        line += f"；未确认告警{w['alerts_unacknowledged']}条"
    if w.get("stale"):
        line += f"；{w['stale']}个站点超时未报"
    out = [line + "。"]
    states = {st.get("station"): st for st in (water.stations if water is not None else [])}

    def gauge(o: dict[str, Any]) -> str:
        rate = states.get(o["station"], {}).get("rate")
        text = (f"{SUB_INDENT}{_clean(o['station'])} {o['level']:.2f}米，{margin_text(o['threshold'], o['margin'])}，"
                f"{_when(o.get('observed_at') or '')}")
        if o.get("rising"):
            text += f"，涨势较快（{rate:.2f}米/小时）" if rate is not None else "，涨势较快"
        if o.get("stale"):
            text += "，超时未报"
        return text + "。"

    out += [gauge(o) for o in w.get("over", [])]
    # rising fast while still under the first threshold: the next to cross
    for st in states.values():
        if st.get("rising") and not st.get("tier") and st.get("level") is not None:
            out.append(gauge({**st, "observed_at": st.get("observed_at")}))
    if not press and water is not None:
        waiting = [e for e in water.events if e.get("direction") == "up" and not e.get("acknowledged")]
        if waiting:
            out.append(f"{SUB_INDENT}未确认告警：" + "；".join(
                f"{_clean(e['station'])}超{_zh(THRESHOLDS, e['threshold'])}（{_when(e.get('at') or '')}）"
                for e in waiting) + "。")
    return out


#: Each section's figure for its age (``freshness.FIGURE_SOURCES``), by the section's name.
SECTION_FIGURES = {
    "险情": "incidents", "力量调派": "dispatch", "预警叫应": "warnings", "水雨情": "water",
    "群众转移安置": "evacuation", "救援力量": "forces", "物资调拨": "materials", "工程抢险": "works",
}


def freshness_text(sit: Any, figure: str, now: str | None = None) -> str:
    """"最新报告7月22日10时", and "，已超过N小时未更新" when overdue; "" before any report."""
    age = figure_age(figure, getattr(sit, "reported", {}) or {}, sit.at, now)
    if age is None:
        return ""
    text = f"最新报告{_when(age.latest)}"
    if age.stale:
        text += f"，已超过{max(1, int(age.minutes // 60))}小时未更新"
    return text


def _with_age(line: str, sit: Any) -> str:
    """A section's first line with its newest report's time after its name: ``群众转移安置（最新报告…）：…``."""
    name, sep, rest = line.partition("：")
    figure = SECTION_FIGURES.get(name)
    fresh = freshness_text(sit, figure) if sep and figure else ""
    return f"{name}（{fresh}）：{rest}" if fresh else line


#: Warning levels from the least to the most severe (the brief lists the most severe first).
_LEVEL_ORDER = {c.code: i for i, c in enumerate(WARNING_LEVELS)}


def _level_colour(code: str) -> str:
    """红色 of 红色（Ⅰ级）: the colour alone, as a count reads it (红色1个)."""
    return _zh(WARNING_LEVELS, code).split("（")[0]


NUMERALS = "一二三四五六七八九十"


def meeting_brief(ws: Any, when: Any = None, parts: tuple[Any, dict[str, Any], str | None, Any] | None = None,
                  press: bool = False) -> str:
    """The brief as of ``when`` (None: now), with the change since the last marked meeting.

    ``parts``: (situation, its totals, last meeting, change since it) when the
    caller has them already (the window's worker computes them for the
    dashboard too). ``press``: fit for publication (see the module's note).
    The operations come first: what is still out of control and whether every
    warned area answered are the chair's first questions.
    """
    if parts is None:
        sit = as_of(ws, when)
        t = sit.totals()
        meeting, d = since_meeting(ws, sit, t)
    else:
        sit, t, meeting, d = parts
    sections: list[str] = []  # each a first line, sub-lines after it indented
    if "incidents" in t:
        sections.extend(operations_lines(sit, t, press))
    sections.extend(water_lines(sit, t, press))
    ev = t["evacuation"]
    p = ev["persons"]
    sections.append(
        f"群众转移安置：计划转移{_n(p['planned'])}人，已通知{_n(p['notified'])}人，"
        f"已转移{_n(p['transferred'])}人，已安置{_n(p['sheltered'])}人，已回迁{_n(p['returned'])}人。"
    )
    storage = {a: v for a, v in ev["by_area"].items()
               if sit.evacuation.get(a, {}).get("area_kind") == "storage_area"}
    for area, v in storage.items():
        status = sit.storage_status.get(area)
        label = next((c.zh for c in STORAGE_STATUS if c.code == status), "")
        share = f"（{v['transferred'] / v['planned'] * 100:.0f}%）" if v["planned"] else ""
        sections.append(
            f"{SUB_INDENT}{area}{('，' + label) if label else ''}：计划转移{_n(v['planned'])}人，"
            f"已转移{_n(v['transferred'])}人{share}，已安置{_n(v['sheltered'])}人，已回迁{_n(v['returned'])}人。"
        )
    fo = t["forces"]
    cats = "，".join(
        f"{c.zh}{fo['by_category'][c.code]['teams']}支{_n(fo['by_category'][c.code]['personnel'])}人"
        for c in FORCE_CATEGORIES if c.code in fo["by_category"]
    )
    sections.append(
        f"救援力量：在位队伍{fo['teams']}支、{_n(fo['personnel'])}人，车辆{_n(fo['vehicles'])}台，"
        f"舟艇{_n(fo['boats'])}艘" + (f"。其中{cats}。" if cats else "。")
    )
    items = {c.code: c.zh for c in MATERIAL_ITEMS}
    dispatched = t["materials"].get("dispatch", {})
    if dispatched:
        stuff = "，".join(
            f"{items.get(k, k)}{_n(v)}{ITEM_UNITS.get(k, '')}"
            for k, v in sorted(dispatched.items(), key=lambda kv: -kv[1])
        )
        sections.append(f"物资调拨：累计调拨{stuff}。")
    else:
        sections.append("物资调拨：暂无调拨记录。")
    w = t["works"]
    bag = ITEM_UNITS["sandbag"]
    sections.append(
        f"工程抢险：加固堤防{_n(w.get('dike_m', 0))}米，投放沙袋{_n(w.get('sandbags', 0))}{bag}，"
        f"完成土方{_n(w.get('earth_m3', 0))}立方米，解救被困群众{_n(w.get('rescued', 0))}人。"
    )
    if meeting and d is not None:
        dp = d["evacuation"]["persons"]
        ops = ""
        if "incidents" in d:
            ops = (f"未控制险情{_signed(d['incidents']['uncontrolled'], '处')}；"
                   f"已叫应{_signed(d['warnings']['answered'], '个')}；")
            if not press:
                ops += f"已调派人员{_signed(d['dispatch']['personnel_committed'], '人')}；"
        if (t.get("water") or {}).get("reporting") and "water" in d:
            ops = f"超警站点{_signed(d['water']['over_warning'], '个')}；" + ops
        sections.append(
            f"较上次会商（{_when(meeting)}）变化：{ops}已转移{_signed(dp['transferred'], '人')}，"
            f"已安置{_signed(dp['sheltered'], '人')}，已回迁{_signed(dp['returned'], '人')}；"
            f"救援人员{_signed(d['forces']['personnel'], '人')}；"
            f"调拨沙袋{_signed(d['materials'].get('dispatch', {}).get('sandbag', 0), bag)}；"
            f"投放沙袋{_signed(d['works'].get('sandbags', 0), bag)}。"
        )
    else:
        sections.append("尚未标记会商，无法计算较上次会商的变化。")
    lines = [f"防汛态势简报（截至{_when(sit.at)}）", ""]
    k = 0
    for line in sections:
        if line.startswith(SUB_INDENT):
            lines.append(line)
        else:
            lines.append(f"{NUMERALS[k] if k < len(NUMERALS) else k + 1}、{_with_age(line, sit)}")
            k += 1
    return "\n".join(lines) + "\n"


def save_brief(text: str, path: str | Path, title: str = "防汛态势简报") -> Path:
    """Write the brief as .txt (UTF-8 with BOM for Notepad) or .docx, whole or not at all."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in (".txt", ".docx"):
        raise ValueError(f"{path.name}: the brief is saved as .txt or .docx")
    with atomic_output(path) as tmp:
        if suffix == ".docx":
            _docx(text, title).save(str(tmp))
        else:
            tmp.write_text(text, encoding="utf-8-sig")
    return path


# ------------------------------------------------------------------ Word
#: Faces Word on a Chinese system has; elsewhere the zh-CN tag picks a Chinese fallback.
BODY_FACE = "宋体"
HEADING_FACE = "黑体"
LATIN_FACE = "Times New Roman"
LANG = "zh-CN"
#: Language of Latin runs (figures): Chinese rules there would break 1,453,000 across lines.
LATIN_LANG = "en-US"
#: A4 in twentieths of a point (Word's unit), and the margins of a Chinese Word default page.
A4_TWIPS = (11906, 16838)
MARGINS_CM = (2.54, 3.18)  # top/bottom, left/right


def _docx(text: str, title: str) -> Any:
    """The brief as a python-docx Document: A4, zh-CN, Chinese faces, sub-lines indented."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt, RGBColor, Twips

    doc = Document()
    for section in doc.sections:
        section.page_width, section.page_height = Twips(A4_TWIPS[0]), Twips(A4_TWIPS[1])
        section.top_margin = section.bottom_margin = Cm(MARGINS_CM[0])
        section.left_margin = section.right_margin = Cm(MARGINS_CM[1])
    _chinese_styles(doc)
    doc.styles["Normal"].font.size = Pt(12)
    heading = doc.styles["Heading 1"]
    heading.font.size = Pt(16)
    heading.font.color.rgb = RGBColor(0, 0, 0)
    first, *rest = text.strip("\n").splitlines()
    h = doc.add_heading(_xml_safe(first.strip()), level=1)
    h.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in rest:
        if not line.strip():
            continue
        para = doc.add_paragraph(_xml_safe(line.strip()))
        depth = (len(line) - len(line.lstrip(" \u3000"))) // len(SUB_INDENT)
        if depth:
            # Two characters per level, the Chinese indent, as the text file shows it.
            para.paragraph_format.left_indent = Pt(12 * 2 * depth)
    doc.core_properties.title = title
    doc.core_properties.author = ""
    doc.core_properties.language = LANG
    return doc


def _xml_safe(text: str) -> str:
    """Text Word can hold: a record's control characters would make python-docx refuse the whole file.

    Markup and formulas (``<script>``, ``=cmd|…``) need nothing: a Word run is
    text, escaped by the XML writer, never read as markup or a formula.
    """
    return "".join(ch for ch in text if ch in "\t\n" or (ord(ch) >= 0x20 and not 0xD800 <= ord(ch) <= 0xDFFF
                                                         and ch not in "\ufffe\uffff"))


def _chinese_styles(doc: Any) -> None:
    """zh-CN language and explicit Chinese faces in the defaults and every style.

    The template's styles name theme fonts (``w:eastAsiaTheme``), which win
    over explicit faces and resolve through the document's theme language;
    they are replaced, so no style can fall back to a Japanese face.
    """
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def set_run_props(rpr: Any, face: str) -> None:
        fonts = rpr.get_or_add_rFonts()  # in its place among the run properties
        for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
            fonts.attrib.pop(qn(attr), None)
        fonts.set(qn("w:ascii"), LATIN_FACE)
        fonts.set(qn("w:hAnsi"), LATIN_FACE)
        fonts.set(qn("w:eastAsia"), face)
        fonts.set(qn("w:cs"), LATIN_FACE)
        lang = rpr.find(qn("w:lang"))
        if lang is None:  # the last of the properties the template uses
            lang = OxmlElement("w:lang")
            rpr.append(lang)
        lang.set(qn("w:val"), LATIN_LANG)
        lang.set(qn("w:eastAsia"), LANG)

    styles = doc.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault"))
    rpr = rpr_default.find(qn("w:rPr"))
    set_run_props(rpr, BODY_FACE)
    for style in styles.findall(qn("w:style")):
        name = (style.find(qn("w:name")).get(qn("w:val")) or "").lower()
        face = HEADING_FACE if name.startswith(("heading", "title", "subtitle")) else BODY_FACE
        if style.get(qn("w:type")) in ("paragraph", "character") and style.find(qn("w:rPr")) is None:
            style.append(OxmlElement("w:rPr"))
        for rpr in style.iter(qn("w:rPr")):  # table styles carry more, per table part
            set_run_props(rpr, face)
    theme_lang = doc.settings.element.find(qn("w:themeFontLang"))
    if theme_lang is not None:
        theme_lang.set(qn("w:val"), LATIN_LANG)
        theme_lang.set(qn("w:eastAsia"), LANG)
