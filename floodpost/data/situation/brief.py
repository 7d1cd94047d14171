"""The meeting brief: the situation in Simplified Chinese sentences, for the chair.

Every figure comes from the as-of engine, so the brief, the dashboard and
``info --at`` agree. The brief names areas, units and depots, never persons.
The Word file is an A4 Chinese document (zh-CN language tags and a Chinese
face in every style), because Word picks the face for Chinese text from the
language tag: a Letter page tagged ja-JP comes out with a Japanese heading.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from floodpost.data.atomic import atomic_output
from floodpost.data.schema import FORCE_CATEGORIES, MATERIAL_ITEMS, STORAGE_STATUS
from floodpost.data.situation import as_of, since_meeting
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


def meeting_brief(ws: Any, when: Any = None, parts: tuple[Any, dict[str, Any], str | None, Any] | None = None) -> str:
    """The brief as of ``when`` (None: now), with the change since the last marked meeting.

    ``parts``: (situation, its totals, last meeting, change since it) when the
    caller has them already (the window's worker computes them for the
    dashboard too).
    """
    if parts is None:
        sit = as_of(ws, when)
        t = sit.totals()
        meeting, d = since_meeting(ws, sit, t)
    else:
        sit, t, meeting, d = parts
    ev = t["evacuation"]
    p = ev["persons"]
    lines = [f"防汛态势简报（截至{_when(sit.at)}）", ""]
    lines.append(
        f"一、群众转移安置：计划转移{_n(p['planned'])}人，已通知{_n(p['notified'])}人，"
        f"已转移{_n(p['transferred'])}人，已安置{_n(p['sheltered'])}人，已回迁{_n(p['returned'])}人。"
    )
    storage = {a: v for a, v in ev["by_area"].items()
               if sit.evacuation.get(a, {}).get("area_kind") == "storage_area"}
    for area, v in storage.items():
        status = sit.storage_status.get(area)
        label = next((c.zh for c in STORAGE_STATUS if c.code == status), "")
        share = f"（{v['transferred'] / v['planned'] * 100:.0f}%）" if v["planned"] else ""
        lines.append(
            f"{SUB_INDENT}{area}{('，' + label) if label else ''}：计划转移{_n(v['planned'])}人，"
            f"已转移{_n(v['transferred'])}人{share}，已安置{_n(v['sheltered'])}人，已回迁{_n(v['returned'])}人。"
        )
    fo = t["forces"]
    cats = "，".join(
        f"{c.zh}{fo['by_category'][c.code]['teams']}支{_n(fo['by_category'][c.code]['personnel'])}人"
        for c in FORCE_CATEGORIES if c.code in fo["by_category"]
    )
    lines.append(
        f"二、救援力量：在位队伍{fo['teams']}支、{_n(fo['personnel'])}人，车辆{_n(fo['vehicles'])}台，"
        f"舟艇{_n(fo['boats'])}艘" + (f"。其中{cats}。" if cats else "。")
    )
    items = {c.code: c.zh for c in MATERIAL_ITEMS}
    dispatched = t["materials"].get("dispatch", {})
    if dispatched:
        stuff = "，".join(
            f"{items.get(k, k)}{_n(v)}{ITEM_UNITS.get(k, '')}"
            for k, v in sorted(dispatched.items(), key=lambda kv: -kv[1])
        )
        lines.append(f"三、物资调拨：累计调拨{stuff}。")
    else:
        lines.append("三、物资调拨：暂无调拨记录。")
    w = t["works"]
    bag = ITEM_UNITS["sandbag"]
    lines.append(
        f"四、工程抢险：加固堤防{_n(w.get('dike_m', 0))}米，投放沙袋{_n(w.get('sandbags', 0))}{bag}，"
        f"完成土方{_n(w.get('earth_m3', 0))}立方米，解救被困群众{_n(w.get('rescued', 0))}人。"
    )
    if meeting and d is not None:
        dp = d["evacuation"]["persons"]
        lines.append(
            f"五、较上次会商（{_when(meeting)}）变化：已转移{_signed(dp['transferred'], '人')}，"
            f"已安置{_signed(dp['sheltered'], '人')}，已回迁{_signed(dp['returned'], '人')}；"
            f"救援人员{_signed(d['forces']['personnel'], '人')}；"
            f"调拨沙袋{_signed(d['materials'].get('dispatch', {}).get('sandbag', 0), bag)}；"
            f"投放沙袋{_signed(d['works'].get('sandbags', 0), bag)}。"
        )
    else:
        lines.append("五、尚未标记会商，无法计算较上次会商的变化。")
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
    h = doc.add_heading(first.strip(), level=1)
    h.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for line in rest:
        if not line.strip():
            continue
        para = doc.add_paragraph(line.strip())
        depth = (len(line) - len(line.lstrip(" \u3000"))) // len(SUB_INDENT)
        if depth:
            # Two characters per level, the Chinese indent, as the text file shows it.
            para.paragraph_format.left_indent = Pt(12 * 2 * depth)
    doc.core_properties.title = title
    doc.core_properties.author = ""
    doc.core_properties.language = LANG
    return doc


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
