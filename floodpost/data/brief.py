"""The meeting brief: the situation in Simplified Chinese sentences, for the chair.

Every figure comes from the as-of engine, so the brief, the dashboard and
``info --at`` agree. The brief names areas, units and depots, never persons.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from floodpost.data.atomic import atomic_output
from floodpost.data.schema import FORCE_CATEGORIES, MATERIAL_ITEMS, STORAGE_STATUS
from floodpost.data.situation import as_of, delta, last_meeting
from floodpost.data.timeutil import from_storage


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


def meeting_brief(ws: Any, when: Any = None) -> str:
    """The brief as of ``when`` (None: now), with the change since the last marked meeting."""
    sit = as_of(ws, when)
    t = sit.totals()
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
            f"    {area}{('，' + label) if label else ''}：计划转移{_n(v['planned'])}人，"
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
        stuff = "，".join(f"{items.get(k, k)}{_n(v)}" for k, v in sorted(dispatched.items(), key=lambda kv: -kv[1]))
        lines.append(f"三、物资调拨：累计调拨{stuff}。")
    else:
        lines.append("三、物资调拨：暂无调拨记录。")
    w = t["works"]
    lines.append(
        f"四、工程抢险：加固堤防{_n(w.get('dike_m', 0))}米，投放沙袋{_n(w.get('sandbags', 0))}袋，"
        f"完成土方{_n(w.get('earth_m3', 0))}立方米，解救被困群众{_n(w.get('rescued', 0))}人。"
    )
    meeting = last_meeting(ws, sit.at)
    if meeting:
        d = delta(as_of(ws, meeting).totals(), t)
        dp = d["evacuation"]["persons"]
        lines.append(
            f"五、较上次会商（{_when(meeting)}）变化：已转移{_signed(dp['transferred'], '人')}，"
            f"已安置{_signed(dp['sheltered'], '人')}，已回迁{_signed(dp['returned'], '人')}；"
            f"救援人员{_signed(d['forces']['personnel'], '人')}；"
            f"调拨沙袋{_signed(d['materials'].get('dispatch', {}).get('sandbag', 0), '条')}；"
            f"投放沙袋{_signed(d['works'].get('sandbags', 0), '袋')}。"
        )
    else:
        lines.append("五、尚未标记会商，无法计算较上次会商的变化。")
    return "\n".join(lines) + "\n"


def save_brief(text: str, path: str | Path, title: str = "防汛态势简报") -> Path:
    """Write the brief as .txt (UTF-8 with BOM for Notepad) or .docx; atomic."""
    path = Path(path)
    if path.suffix.lower() not in (".docx", ".txt"):
        raise ValueError(f"{path.name}: the brief is saved as .txt or .docx")
    with atomic_output(path) as tmp:  # whole or not at all; a full disk is named, never "wrote"
        if path.suffix.lower() == ".docx":
            from docx import Document
            from docx.oxml.ns import qn
            from docx.shared import Pt

            doc = Document()
            style = doc.styles["Normal"]
            style.font.name = "SimSun"
            style.element.rPr.rFonts.set(qn("w:eastAsia"), "宋体")  # Chinese text in a Chinese face
            style.font.size = Pt(12)
            first, *rest = text.strip().splitlines()
            doc.add_heading(first, level=1)
            for line in rest:
                if line.strip():
                    doc.add_paragraph(line.strip())
            doc.core_properties.title = title
            doc.core_properties.author = ""
            doc.save(str(tmp))
        else:
            tmp.write_text(text, encoding="utf-8-sig")
    return path
