"""Column headers and enumeration values as counties write them.

County sheets say 经度, X坐标 or lng; 责任人 or 负责人; 小一型 or 小(1)型.
These tables map what people write onto the schema, so that an import needs
no hand mapping in the common case. Every schema field also answers to its
own name, its Chinese and English labels and its Shapefile alias.
"""

from __future__ import annotations

import re
import unicodedata

from floodpost.data.schema import Field, TableSchema

#: Shapefile field names are at most 10 bytes; these aliases are what
#: export writes and import reads back. Fields not listed fit as they are.
SHP_ALIASES: dict[str, str] = {
    "resp_person": "resp_pers",
    "warning_level": "warn_level",
    "guaranteed_level": "guar_level",
    "flood_limit_level": "flood_lim",
    "hazard_type": "haz_type",
    "monitor_person": "mon_person",
    "monitor_phone": "mon_phone",
    "admin_person": "adm_person",
    "admin_phone": "adm_phone",
    "tech_person": "tec_person",
    "tech_phone": "tec_phone",
    "patrol_person": "pat_person",
    "patrol_phone": "pat_phone",
    "contact_person": "con_person",
    "contact_phone": "con_phone",
    "manager_person": "mgr_person",
    "manager_phone": "mgr_phone",
    "reported_at": "reported",
}

_PERSON = ("责任人", "负责人", "责任人姓名", "联系人")
_PHONE = ("联系电话", "电话", "手机", "手机号", "手机号码", "联系方式", "电话号码", "phone", "tel", "mobile")

#: Extra headers per field name, valid in every layer that has the field.
FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("名称", "名字", "点位名称", "地点名称", "name", "title"),
    "county": ("县区", "县", "区县", "县市区", "所在县区", "所属县区", "所属县", "县（市、区）",
               "县(市、区)", "行政区", "county", "district"),
    "town": ("乡镇", "乡镇街道", "乡镇（街道）", "所在乡镇", "镇", "township", "town"),
    "resp_person": _PERSON + ("责任人姓名", "responsible"),
    "resp_phone": _PHONE + ("责任人电话", "责任人联系电话"),
    "resp_unit": ("责任单位", "主管单位", "管理单位", "unit"),
    "households": ("户数", "户"),
    "persons": ("人数", "人口", "人"),
    "capacity": ("库容", "容量"),
    "status": ("状态", "当前状态", "status"),
    "source": ("数据来源", "来源", "source"),
    "note": ("备注", "说明", "附注", "note", "notes", "remark", "remarks", "comment", "描述", "description"),
    "reported_at": ("报告时间", "上报时间", "填报时间", "统计时间", "时间", "日期", "报送时间",
                    "reported", "time", "date", "datetime"),
}

#: Headers whose meaning depends on the layer.
LAYER_SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    "rivers": {
        "name": ("河流名称", "河名", "河道名称", "河流"),
        "grade": ("等级", "河流等级", "河道等级", "级别"),
    },
    "reservoirs": {
        "name": ("水库名称", "水库"),
        "scale": ("规模", "工程规模", "水库规模", "类型", "等级", "型"),
        "capacity": ("总库容", "库容", "总库容（万立方米）", "总库容万m3"),
        "flood_limit_level": ("汛限水位",),
        "admin_person": ("行政责任人", "行政责任人姓名"),
        "admin_phone": ("行政责任人电话", "行政责任人联系电话"),
        "tech_person": ("技术责任人", "技术责任人姓名"),
        "tech_phone": ("技术责任人电话", "技术责任人联系电话"),
        "patrol_person": ("巡查责任人", "巡查责任人姓名"),
        "patrol_phone": ("巡查责任人电话", "巡查责任人联系电话"),
    },
    "reservoir_areas": {
        "name": ("水面名称", "范围名称", "水库水面"),
        "reservoir": ("水库名称", "所属水库", "水库", "reservoir"),
    },
    "hazards": {
        "name": ("隐患点名称", "灾害点名称", "隐患点", "地灾点名称"),
        "hazard_type": ("灾害类型", "隐患类型", "灾种", "类型", "类别", "type"),
        "households": ("威胁户数", "受威胁户数", "威胁户", "户数"),
        "persons": ("威胁人数", "受威胁人数", "威胁人口", "人数"),
        "monitor_person": ("监测人", "监测员", "群测群防员", "监测责任人"),
        "monitor_phone": ("监测人电话", "监测员电话", "监测人联系电话"),
    },
    "waterlogging": {
        "name": ("易涝点名称", "积水点名称", "易涝点", "积水点"),
        "kind": ("类型", "易涝点类型", "类别", "kind", "type"),
        "max_depth": ("最大积水深度", "积水深度", "最大水深", "水深"),
        "pumps": ("排涝泵", "水泵", "泵", "排涝设备", "泵数量"),
    },
    "storage_areas": {
        "name": ("蓄滞洪区名称", "蓄滞洪区", "蓄洪区"),
        "area_km2": ("面积", "总面积", "area"),
        "capacity": ("蓄洪容量", "蓄洪量", "容积", "设计蓄洪量"),
        "households": ("区内户数", "户数", "区内居民户数"),
        "persons": ("区内人口", "人口", "区内人数", "人数"),
        "status": ("启用状态", "状态", "运用状态"),
    },
    "forces": {
        "name": ("队伍名称", "队伍", "救援队伍", "单位名称", "力量名称", "单位", "unit"),
        "category": ("力量类别", "类别", "队伍类别", "类型", "category", "type"),
        "personnel": ("人数", "兵力", "人员", "出动人数", "人员数量", "personnel"),
        "vehicles": ("车辆", "车辆数", "车辆（台）", "vehicles"),
        "boats": ("舟艇", "船只", "舟艇数", "冲锋舟", "boats"),
        "task": ("任务", "担负任务", "task"),
        "status": ("状态", "当前状态"),
        "contact_person": ("带队负责人", "带队人", "带队领导", "负责人", "联系人"),
        "contact_phone": _PHONE + ("带队负责人电话",),
    },
    "depots": {
        "name": ("储备点名称", "仓库名称", "储备库", "仓库", "储备点"),
        "kind": ("类型", "类别", "kind"),
        "manager_person": ("管理人", "负责人", "保管员", "联系人"),
        "manager_phone": _PHONE + ("管理人电话",),
    },
    "shelters": {
        "name": ("安置点名称", "安置点", "避难场所", "避险场所"),
        "capacity": ("容纳人数", "可容纳人数", "容量", "设计容量"),
        "occupancy": ("已安置", "已安置人数", "安置人数", "现安置人数", "在住人数"),
        "manager_person": ("管理人", "负责人", "联系人"),
        "manager_phone": _PHONE + ("管理人电话",),
    },
    "material_tally": {
        "depot": ("储备点", "仓库", "储备库", "物资储备点", "调出单位", "单位名称", "depot"),
        "item": ("物资", "物资名称", "品名", "物资品种", "名称", "item"),
        "unit": ("单位", "计量单位", "unit"),
        "quantity": ("数量", "quantity", "qty"),
        "kind": ("类别", "出入库", "出入库类别", "类型", "操作", "kind"),
        "destination": ("去向", "调往", "调入单位", "目的地", "使用地点", "destination"),
    },
    "evacuation": {
        "area": ("区域", "地点", "转移区域", "乡镇", "村", "蓄滞洪区", "乡镇（村）", "area"),
        "area_kind": ("区域类型", "类型"),
    },
    "works": {
        "place": ("地点", "位置", "工程地点", "抢险地点", "place"),
        "dike_m": ("加固堤防", "堤防加固", "加固堤防长度", "加固堤坝", "dike"),
        "sandbags": ("投放沙袋", "沙袋", "使用沙袋", "沙袋数"),
        "earth_m3": ("土方", "土方量", "抢险土方", "earth"),
        "rescued": ("解救被困群众", "解救群众", "救援群众", "解救", "营救人数", "rescued"),
    },
}

_STAGES = {
    "planned": ("计划转移", "应转移", "需转移", "计划"),
    "notified": ("已通知", "通知"),
    "transferred": ("已转移", "实际转移", "转移"),
    "sheltered": ("已安置", "安置", "集中安置"),
    "returned": ("已回迁", "已返回", "回迁", "返回"),
}
for _stage, _words in _STAGES.items():
    for _w in _words:
        LAYER_SYNONYMS["evacuation"].setdefault(f"{_stage}_households", ())
        LAYER_SYNONYMS["evacuation"].setdefault(f"{_stage}_persons", ())
        LAYER_SYNONYMS["evacuation"][f"{_stage}_households"] += (f"{_w}户", f"{_w}户数")
        LAYER_SYNONYMS["evacuation"][f"{_stage}_persons"] += (f"{_w}人", f"{_w}人数", f"{_w}人口")

#: Coordinate columns of spreadsheets and CSVs.
LON_SYNONYMS = ("经度", "东经", "lon", "lng", "long", "longitude", "x", "x坐标", "经度e", "经度（e）")
LAT_SYNONYMS = ("纬度", "北纬", "lat", "latitude", "y", "y坐标", "纬度n", "纬度（n）")
#: One column holding "114.05, 35.87" (as copied from a map app).
PAIR_SYNONYMS = ("经纬度", "坐标", "经纬度坐标", "位置坐标", "坐标位置", "gps坐标", "定位", "lonlat", "lnglat",
                 "location", "coordinates")
WKT_SYNONYMS = ("wkt", "geometry", "geom", "几何", "shape", "the_geom")

_PARENS = re.compile(r"[（(\[【][^）)\]】]*[）)\]】]")
_SPACE = re.compile(r"[\s_\-:：*＊·.]+")


def normalise(text: object) -> str:
    """The comparison form of a header: width-folded, lower case, no spaces or punctuation."""
    s = unicodedata.normalize("NFKC", str(text)).strip().lower()
    return _SPACE.sub("", s)


def header_keys(text: object) -> list[str]:
    """Forms of a header to look up, most specific first.

    ``计划转移(户)`` must not match 人, so the form with the bracket contents
    inlined comes before the form with the bracket dropped.
    """
    full = normalise(text)
    inlined = normalise(re.sub(r"[（(\[【）)\]】]", "", unicodedata.normalize("NFKC", str(text))))
    stripped = normalise(_PARENS.sub("", unicodedata.normalize("NFKC", str(text))))
    keys = []
    for k in (full, inlined, stripped):
        if k and k not in keys:
            keys.append(k)
    return keys


def field_headers(schema: TableSchema) -> dict[str, list[str]]:
    """Normalised headers each field of ``schema`` answers to, most specific first."""
    out: dict[str, list[str]] = {}
    layer_extra = LAYER_SYNONYMS.get(schema.key, {})
    for f in schema.fields:
        # f.name[:10] is how GDAL cuts a long name into a Shapefile.
        words: list[str] = [f.name, f.name[:10], f.zh, f.en, f.label("zh"), f.label("en")]
        if f.name in SHP_ALIASES:
            words.append(SHP_ALIASES[f.name])
        words += layer_extra.get(f.name, ())
        words += FIELD_SYNONYMS.get(f.name, ())
        seen: list[str] = []
        for w in words:
            for k in header_keys(w):
                if k not in seen:
                    seen.append(k)
        out[f.name] = seen
    return out


def _rank(keys: list[str], table: list[str]) -> int | None:
    for k in keys:
        if k in table:
            return table.index(k)
    return None


def suggest_mapping(columns: list[str], schema: TableSchema) -> dict[str, str]:
    """Map schema fields to source columns: {field name: column}.

    Each column serves one field. Where several columns could serve a field,
    the one matching an earlier (more specific) synonym wins; where a column
    could serve several fields, the field for which it is the more specific
    synonym wins. Exact field names always win.
    """
    table = field_headers(schema)
    candidates: list[tuple[int, int, str, str]] = []
    for ci, col in enumerate(columns):
        keys = header_keys(col)
        for fname, words in table.items():
            r = _rank(keys, words)
            if r is not None:
                exact = 0 if keys[0] in (fname, SHP_ALIASES.get(fname, "")) else 1
                candidates.append((exact * 1000 + r, ci, fname, col))
    candidates.sort()
    mapping: dict[str, str] = {}
    used: set[str] = set()
    for _score, _ci, fname, col in candidates:
        if fname in mapping or col in used:
            continue
        mapping[fname] = col
        used.add(col)
    return mapping


def find_column(columns: list[str], synonyms: tuple[str, ...]) -> str | None:
    """The first column whose header is one of ``synonyms`` (in synonym order)."""
    table = [normalise(s) for s in synonyms]
    best: tuple[int, str] | None = None
    for col in columns:
        r = _rank(header_keys(col), table)
        if r is not None and (best is None or r < best[0]):
            best = (r, col)
    return best[1] if best else None


def header_score(cells: list[object], schema: TableSchema) -> int:
    """How many cells of a row read as headers for ``schema`` (to find the header row)."""
    table = field_headers(schema)
    known = {k for words in table.values() for k in words}
    known |= {normalise(s) for s in LON_SYNONYMS + LAT_SYNONYMS + WKT_SYNONYMS}
    score = 0
    for c in cells:
        if c is None or str(c).strip() == "":
            continue
        if any(k in known for k in header_keys(c)):
            score += 1
    return score


# ------------------------------------------------------------ enumeration values
#: Values people write for enumeration codes, beyond the codes and labels.
VALUE_ALIASES: dict[str, dict[str, str]] = {
    "hazard_type": {
        "危岩": "collapse", "危岩体": "collapse", "崩塌危岩": "collapse", "崩塌(危岩)": "collapse",
        "塌陷": "subsidence", "采煤沉陷区": "subsidence", "采煤塌陷": "subsidence",
        "采空塌陷": "subsidence", "采空区塌陷": "subsidence", "岩溶塌陷": "subsidence",
        "地面沉陷": "subsidence", "沉陷区": "subsidence",
        "山体滑坡": "landslide", "滑坡体": "landslide",
        "泥石流沟": "debris_flow",
    },
    "scale": {
        "大型": "large", "大(1)型": "large", "大(2)型": "large", "大一型": "large",
        "大二型": "large", "大ⅰ型": "large", "大ⅱ型": "large", "大(一)型": "large",
        "大(二)型": "large", "中": "medium",
        "小一型": "small1", "小1型": "small1", "小ⅰ型": "small1", "小(一)型": "small1",
        "小i型": "small1", "小二型": "small2", "小2型": "small2", "小ⅱ型": "small2",
        "小(二)型": "small2", "小ii型": "small2",
    },
    "category": {
        "部队": "army", "解放军": "army", "武警": "army", "驻军": "army", "军队": "army",
        "部队官兵": "army", "解放军和武警部队": "army",
        "消防": "fire", "消防救援队伍": "fire", "消防救援队": "fire", "消防队": "fire",
        "专业救援": "professional", "专业队伍": "professional", "专业救援队伍": "professional",
        "社会救援": "social", "社会力量": "social", "社会救援队": "social",
        "社会应急力量": "social", "民兵": "militia", "民兵应急分队": "militia",
        "公安": "police", "警察": "police", "民警": "police", "公安民警": "police",
        "志愿者队伍": "volunteer", "志愿服务队": "volunteer",
    },
    "kind": {
        "入库": "stock_in", "调入": "stock_in", "采购入库": "stock_in",
        "调拨": "dispatch", "调出": "dispatch", "出库": "dispatch", "下拨": "dispatch",
        "消耗": "consumed", "使用": "consumed", "已使用": "consumed",
        "下穿": "underpass", "下穿通道": "underpass", "下穿立交": "underpass",
        "立交桥下": "underpass", "涵洞": "culvert", "桥涵": "culvert",
        "低洼路段": "low_road", "道路": "low_road", "低洼道路": "low_road",
        "小区": "low_area", "低洼小区": "low_area", "仓库": "warehouse",
        "储备库": "warehouse", "前置点": "front", "前置储备点": "front",
    },
    "status": {
        "待命中": "standby", "执行任务": "on_duty", "任务中": "on_duty", "在岗": "on_duty",
        "已撤离": "withdrawn", "撤回": "withdrawn", "已启用": "ordered",
        "分洪中": "flooding", "已关闭": "closed",
    },
    "grade": {"干流": "main", "一级": "trib1", "二级": "trib2", "渠道": "canal", "人工河": "canal"},
    "area_kind": {"蓄洪区": "storage_area", "滞洪区": "storage_area", "镇": "township",
                  "街道": "township", "乡": "township", "行政村": "village", "社区": "village"},
}
VALUE_ALIASES["item"] = {
    "砂袋": "sandbag", "麻袋": "sandbag", "草袋": "sandbag", "土工袋": "sandbag",
    "冲锋艇": "assault_boat", "橡皮艇": "assault_boat", "舟艇": "assault_boat",
    "排水泵": "pump", "抽水泵": "pump", "救生圈": "life_jacket", "被子": "quilt",
    "矿泉水": "water", "瓶装水": "water", "照明灯": "emergency_light",
}


def enum_alias(field: Field, value: object) -> object:
    """The schema code a person's word for an enumeration value stands for, else the value.

    Width and spacing do not matter (``小（1）型`` is ``小(1)型``); a trailing
    水库/类 is ignored. Unknown words pass through for validation to refuse.
    """
    if value is None or not isinstance(value, str) or not field.choices:
        return value
    key = normalise(value)
    keys = {key}
    for tail in ("水库", "类", "队伍"):
        if key.endswith(tail) and len(key) > len(tail):
            keys.add(key[: -len(tail)])
    for c in field.choices:
        if keys & {normalise(c.code), normalise(c.zh), normalise(c.en)}:
            return c.code
    for word, code in VALUE_ALIASES.get(field.name, {}).items():
        if normalise(word) in keys and field.choice(code) is not None:
            return code
    return value
