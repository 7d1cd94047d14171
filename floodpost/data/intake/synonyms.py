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

_TOWNSHIP = ("乡镇", "乡镇街道", "乡镇（街道）", "乡（镇）", "乡（镇、街道）", "乡镇（办事处）", "所在乡镇",
             "所属乡镇", "所属乡镇（街道）", "乡镇名称", "镇", "乡", "街道", "township", "town")
_TRAPPED = ("被困人数", "被困人员", "被困群众", "被困", "trapped")
_THREATENED = ("威胁人数", "受威胁人数", "威胁人口", "威胁群众", "影响人数", "threatened")
_INCIDENT = ("险情名称", "险情", "所属险情", "险情点", "incident")

#: Extra headers per field name, valid in every layer that has the field.
FIELD_SYNONYMS: dict[str, tuple[str, ...]] = {
    "name": ("名称", "名字", "点位名称", "地点名称", "name", "title"),
    "county": ("县区", "县", "区县", "县市区", "所在县区", "所属县区", "所属县", "县（区）", "县（市、区）",
               "县(市、区)", "行政区", "county", "district"),
    "town": _TOWNSHIP,
    "township": _TOWNSHIP,
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
    "villages": {
        # 行政村 before 自然村: the administrative village is the one a warning is carried to
        "name": ("村名", "村名称", "行政村", "村（社区）", "村(居)", "村居", "行政村（社区）", "村庄名称",
                 "村庄", "社区", "村", "自然村", "村组"),
        "households": ("户数", "总户数", "户籍户数", "户"),
        "persons": ("人口", "总人口", "户籍人口", "常住人口", "人口数", "人数"),
        "head_person": ("村级责任人", "村支书", "村党支部书记", "村主任", "村委会主任", "包村干部",
                        "责任人", "村干部", "负责人", "联系人"),
        "head_phone": ("村级责任人电话", "村支书电话", "村主任电话", "包村干部电话", "责任人电话",
                       "责任人联系电话", *_PHONE),
    },
    "village_areas": {
        "name": ("范围名称", "村庄范围", "名称"),
        "village": ("村名", "行政村", "村（社区）", "村庄名称", "所属村庄", "村庄", "村", "自然村"),
    },
    "incidents": {
        "name": ("险情名称", "险情", "险情点", "险情点名称", "险情简述"),
        "kind": ("险情类型", "险情类别", "险情种类", "类型", "类别", "kind", "type"),
        "severity": ("险情等级", "险情级别", "等级", "级别", "severity"),
        # 位置 first; a sheet with both keeps 桩号 among the columns not imported
        "place": ("位置", "险情位置", "具体位置", "出险位置", "发生地点", "地点", "险情部位", "堤段", "桩号",
                  "place", "location"),
        "threatened": _THREATENED,
        "trapped": _TRAPPED,
        "reporter_person": ("报告人", "上报人", "报送人", "发现人", "报告人姓名", "信息报送人"),
        "reporter_phone": ("报告人电话", "上报人电话", "报告人联系电话", *_PHONE),
        # 报告时间 first: when both are given, the report is what the post knew and when
        "reported_at": ("报告时间", "上报时间", "报送时间", "发现时间", "出险时间", "发生时间"),
    },
    "incident_sections": {
        "name": ("堤段名称", "堤段", "名称"),
        "incident": _INCIDENT,
    },
    "incident_status": {
        "incident": _INCIDENT,
        "status": ("状态", "处置状态", "险情状态", "处置进展", "进展", "status"),
        "threatened": _THREATENED,
        "trapped": _TRAPPED,
        "rescued": ("已解救", "解救人数", "救出人数", "营救人数", "已救出", "解救", "rescued"),
        "reported_at": ("报告时间", "更新时间", "上报时间", "时间"),
        "note": ("处置情况", "处置措施", "进展情况", "备注"),
    },
    "dispatches": {
        "force": ("救援力量", "队伍名称", "救援队伍", "力量名称", "队伍", "派出力量", "派出单位", "单位", "force"),
        "incident": (*_INCIDENT, "任务地点", "增援地点", "前往地点"),
        "action": ("调派", "调派类型", "派出/撤回", "派出或撤回", "动作", "action"),
        "personnel": ("人数", "派出人数", "出动人数", "兵力", "人员", "personnel"),
        "vehicles": ("车辆", "出动车辆", "车辆数", "车辆（台）", "vehicles"),
        "boats": ("舟艇", "冲锋舟", "船只", "舟艇数", "boats"),
        "task": ("任务", "担负任务", "任务内容", "task"),
        "reported_at": ("调派时间", "派出时间", "出发时间", "出动时间", "报告时间", "时间"),
    },
    "warnings": {
        "name": ("预警名称", "预警标题", "预警", "标题", "名称"),
        "level": ("预警级别", "预警等级", "级别", "等级", "level"),
        "kind": ("预警类型", "预警种类", "灾种", "类型", "kind"),
        "text": ("预警内容", "预警信息", "内容", "正文", "text"),
        "issuer": ("发布单位", "发布机构", "发布部门", "签发单位", "issuer"),
        "recipients": ("发送对象", "接收对象", "发送范围", "预警对象", "接收单位", "发送至", "recipients"),
        "reported_at": ("发布时间", "签发时间", "发送时间", "issued"),
        "ends_at": ("解除时间", "结束时间", "有效期至", "ends"),
    },
    "acknowledgements": {
        "warning": ("预警名称", "预警", "warning"),
        "recipient": ("接收对象", "叫应对象", "接收单位", "被叫应对象", "recipient"),
        "how": ("应答方式", "叫应方式", "回复方式", "反馈方式", "方式", "how"),
        "by_person": ("应答人", "接听人", "回复人", "签收人", "反馈人"),
        "by_phone": ("应答人电话", "接听电话", "回复电话", *_PHONE),
        "reported_at": ("应答时间", "叫应时间", "回复时间", "签收时间", "反馈时间", "时间"),
    },
    "stations": {
        "name": ("站名", "测站名称", "站点名称", "测站名", "站点", "测站", "station"),
        "code": ("站码", "测站编码", "测站代码", "站号", "测站编号", "站点编码", "stcd", "code"),
        "kind": ("站类", "站点类型", "测站类型", "站型", "站别", "类型", "类别", "kind", "type"),
        "river": ("所属河流", "河流", "河名", "河流名称", "河系", "river"),
        "reservoir": ("所属水库", "水库", "水库名称", "reservoir"),
        "warning_level": ("警戒水位", "警戒", "警戒水位(m)"),
        "guaranteed_level": ("保证水位", "保证"),
        "flood_limit_level": ("汛限水位", "汛限"),
        "design_level": ("设计洪水位", "设计水位"),
        "check_level": ("校核洪水位", "校核水位"),
        "rise_rate": ("涨率告警", "涨率", "涨幅告警"),
        "report_hours": ("报汛间隔", "报汛时段", "报汛周期"),
    },
    "readings": {
        "station": ("站名", "测站名称", "站点名称", "测站名", "站点", "测站", "站", "station"),
        # 水位 of a reservoir is its 库水位; 水位 first so that a sheet with both keeps the plain one
        "level": ("水位", "库水位", "河道水位", "实时水位", "当前水位", "最新水位", "水位值", "level", "stage"),
        "flow": ("流量", "实时流量", "河道流量", "入库流量", "flow", "discharge"),
        "storage": ("蓄水量", "库容", "当前库容", "蓄量", "实时库容", "storage"),
        "rain": ("雨量", "时段雨量", "降雨量", "时段降雨量", "时段降水", "降水量", "rain", "rainfall"),
        "reported_at": ("观测时间", "时间", "监测时间", "测报时间", "报汛时间", "采集时间", "数据时间",
                        "观测日期", "time", "observed"),
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
VALUE_ALIASES["kind"].update({
    # incidents (险情类型)
    "管涌群": "piping", "翻砂鼓水": "piping", "渗漏": "seepage", "散浸": "seepage", "堤身渗水": "seepage",
    "漫顶": "overtopping", "漫堤": "overtopping", "洪水漫溢": "overtopping", "漫溢险情": "overtopping",
    "决堤": "breach", "溃堤": "breach", "溃口": "breach", "堤防决口": "breach",
    "塌岸": "bank_collapse", "坍岸": "bank_collapse", "岸坡坍塌": "bank_collapse", "堤防坍塌": "bank_collapse",
    "滑坡": "landslide", "泥石流": "landslide", "山体滑坡": "landslide", "山体崩塌": "landslide",
    "崩塌": "landslide",
    "道路冲毁": "road_cut", "交通中断": "road_cut", "道路塌方": "road_cut", "断路": "road_cut",
    "人员受困": "trapped", "群众被困": "trapped", "被困": "trapped",
    "城市内涝": "waterlogging", "积水": "waterlogging",
    # warnings (预警类型)
    "强降雨": "rain", "降雨": "rain", "暴雨预警": "rain", "洪水": "river", "河道": "river",
    "地灾": "geohazard", "地质灾害气象风险": "geohazard", "内涝": "waterlogging",
})
VALUE_ALIASES["kind"].update({
    # stations (站类): a 水位站 or 水文站 on a river reads the river
    "水位站": "river", "水文站": "river", "河道水文站": "river", "河道水位站": "river", "河道站": "river",
    "水库水文站": "reservoir", "水库水位站": "reservoir", "库区站": "reservoir", "水库": "reservoir",
    "雨量": "rain", "雨量监测站": "rain", "自动雨量站": "rain",
})
VALUE_ALIASES["severity"] = {
    "一般险情": "general", "较大险情": "large", "重大险情": "major", "特别重大险情": "extreme", "特大": "extreme",
    "ⅳ级": "general", "iv级": "general", "4级": "general", "四级": "general",
    "ⅲ级": "large", "iii级": "large", "3级": "large", "三级": "large",
    "ⅱ级": "major", "ii级": "major", "2级": "major", "二级": "major",
    "ⅰ级": "extreme", "i级": "extreme", "1级": "extreme", "一级": "extreme",
}
VALUE_ALIASES["level"] = {
    "蓝色": "blue", "蓝": "blue", "ⅳ级": "blue", "iv级": "blue", "4级": "blue", "四级": "blue",
    "黄色": "yellow", "黄": "yellow", "ⅲ级": "yellow", "iii级": "yellow", "3级": "yellow", "三级": "yellow",
    "橙色": "orange", "橙": "orange", "ⅱ级": "orange", "ii级": "orange", "2级": "orange", "二级": "orange",
    "红色": "red", "红": "red", "ⅰ级": "red", "i级": "red", "1级": "red", "一级": "red",
}
VALUE_ALIASES["status"].update({
    # incidents (处置状态)
    "新报告": "reported", "已上报": "reported", "上报": "reported", "待处置": "reported",
    "正在处置": "handling", "抢险中": "handling", "抢护中": "handling", "处置": "handling",
    "已控制": "controlled", "基本控制": "controlled", "得到控制": "controlled", "险情稳定": "controlled",
    "控制": "controlled",
    "已处置": "closed", "处置完毕": "closed", "已销号": "closed", "销号": "closed", "已解除": "closed",
    "解除": "closed", "结束": "closed",
})
VALUE_ALIASES["action"] = {
    "调派": "send", "出动": "send", "派遣": "send", "增援": "send", "前往": "send",
    "撤离": "recall", "返回": "recall", "收队": "recall", "撤出": "recall",
}
VALUE_ALIASES["how"] = {
    "打电话": "phone", "电话叫应": "phone", "座机": "phone", "手机": "phone", "卫星电话": "phone",
    "短信回复": "sms", "回短信": "sms",
    "对讲": "radio", "对讲机": "radio", "广播": "radio", "大喇叭": "radio", "电台": "radio",
    "面告": "in_person", "上门": "in_person", "入户": "in_person", "现场": "in_person",
    "无人接听": "no_answer", "未接通": "no_answer", "未接": "no_answer", "无应答": "no_answer",
    "关机": "no_answer", "未回复": "no_answer", "无法接通": "no_answer",
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
    for tail in ("水库", "类", "队伍", "预警"):
        if key.endswith(tail) and len(key) > len(tail):
            keys.add(key[: -len(tail)])
    for c in field.choices:
        if keys & {normalise(c.code), normalise(c.zh), normalise(c.en)}:
            return c.code
    for word, code in VALUE_ALIASES.get(field.name, {}).items():
        if normalise(word) in keys and field.choice(code) is not None:
            return code
    return value
