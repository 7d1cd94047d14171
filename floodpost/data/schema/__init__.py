"""The domain schema: every layer key and table, its fields, units and labels.

This module is the single source of truth that storage, validation, forms,
the identify panel and the exports all read. Enumerations are stored as
stable English codes; their Chinese and English labels live here.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any, Literal

FieldType = Literal["text", "int", "real", "enum", "datetime", "phone"]

#: CGCS2000 geographic, the national standard; equal to WGS84 at map scale.
STORAGE_EPSG = 4490

#: ``Field.default`` meaning "the time of the write" (an import stamps its rows with it).
NOW = "@now"


@dataclass(frozen=True)
class Choice:
    """One value of an enumeration: stored code and its two labels."""

    code: str
    zh: str
    en: str


@dataclass(frozen=True)
class Field:
    """One attribute of a layer or table.

    ``private`` marks personal data (names and phones of responsible
    persons) that press outputs must never show.

    ``default`` is the stored value an import gives a required field when
    the file has no column for it, or leaves its cell blank (:data:`NOW`:
    the time of the import). Only fields where a duty officer would accept
    the guess have one: a force list without a status is on duty, a
    waterlogging spot of no stated kind is "other"; a reservoir's scale or
    a hazard's type is never guessed.
    """

    name: str
    type: FieldType
    zh: str
    en: str
    unit: str = ""
    required: bool = False
    choices: tuple[Choice, ...] = ()
    minimum: float | None = None
    maximum: float | None = None
    private: bool = False
    default: Any = None

    def label(self, lang: str = "zh") -> str:
        """Return the field label in ``lang`` with its unit, e.g. ``库容 (万m³)``."""
        text = self.zh if lang.startswith("zh") else self.en
        return f"{text} ({self.unit})" if self.unit else text

    def choice(self, code: str | None) -> Choice | None:
        """Return the choice stored as ``code``, or None."""
        for c in self.choices:
            if c.code == code:
                return c
        return None

    def display(self, value: Any, lang: str = "zh") -> str:
        """Format a stored value for people: enum labels, no 'None', no '.0'."""
        if value is None or (isinstance(value, float) and value != value):
            return ""
        if self.type == "enum":
            c = self.choice(str(value))
            if c is not None:
                return c.zh if lang.startswith("zh") else c.en
            return str(value)
        if self.type == "int":
            try:
                return f"{int(value):,}"
            except (TypeError, ValueError):
                return str(value)
        if self.type == "real":
            try:
                v = float(value)
            except (TypeError, ValueError):
                return str(value)
            return f"{v:,.2f}".rstrip("0").rstrip(".")
        if self.type == "datetime":
            from floodpost.data.timeutil import format_local

            return format_local(value)
        return str(value)

    @property
    def sql_type(self) -> str:
        """The GeoPackage column type."""
        return {
            "text": "TEXT",
            "phone": "TEXT",
            "enum": "TEXT",
            "int": "INTEGER",
            "real": "REAL",
            "datetime": "DATETIME",
        }[self.type]


@dataclass(frozen=True)
class TableSchema:
    """A layer (with geometry) or a plain table of the workspace."""

    key: str
    zh: str
    en: str
    fields: tuple[Field, ...]
    geometry: str | None = None  # GeoPackage geometry type name, None for tables
    allowed_geometries: tuple[str, ...] = ()
    title_field: str = "name"
    #: For a point layer: the polygon layer where outlines offered to this
    #: layer are kept (the feature itself is stored as a point on the outline).
    #: One geometry type per table is what QGIS and GDAL expect.
    outline_layer: str | None = None
    #: For such an outline layer: the field naming the feature an outline belongs to.
    owner_field: str | None = None
    #: A tally: rows are records over time (movements, reports, works), entered
    #: one by one in the tally window and folded by the situation engine.
    is_record: bool = False
    #: Whether ``floodpost import`` and the import wizard may write it (not the log).
    importable: bool = True
    #: For a timed table: how often a report is expected (hours). A figure whose latest
    #: report is older is shown as stale (its age in amber) on the screen, the meeting
    #: view and the press page. None: no interval is expected (a warning is issued when needed).
    report_hours: float | None = None

    @property
    def is_spatial(self) -> bool:
        return self.geometry is not None

    def label(self, lang: str = "zh") -> str:
        return self.zh if lang.startswith("zh") else self.en

    def field(self, name: str) -> Field:
        for f in self.fields:
            if f.name == name:
                return f
        raise KeyError(f"{self.key} has no field {name!r}")

    @cached_property
    def field_names(self) -> list[str]:
        return [f.name for f in self.fields]

    @property
    def private_fields(self) -> list[str]:
        return [f.name for f in self.fields if f.private]


def _choices(*items: tuple[str, str, str]) -> tuple[Choice, ...]:
    return tuple(Choice(*i) for i in items)


# ---------------------------------------------------------------- enumerations
RIVER_GRADES = _choices(
    ("main", "干流", "Main river"),
    ("trib1", "一级支流", "Primary tributary"),
    ("trib2", "二级支流", "Secondary tributary"),
    ("canal", "人工渠道", "Canal"),
)
RESERVOIR_SCALES = _choices(
    ("large", "大型", "Large"),
    ("medium", "中型", "Medium"),
    ("small1", "小(1)型", "Small (I)"),
    ("small2", "小(2)型", "Small (II)"),
)
HAZARD_TYPES = _choices(
    ("landslide", "滑坡", "Landslide"),
    ("collapse", "崩塌", "Rock fall / collapse"),
    ("debris_flow", "泥石流", "Debris flow"),
    ("subsidence", "地面塌陷", "Ground subsidence"),
)
WATERLOGGING_KINDS = _choices(
    ("underpass", "下穿隧道", "Underpass"),
    ("culvert", "涵洞", "Culvert"),
    ("low_road", "低洼路段", "Low-lying road"),
    ("low_area", "低洼小区", "Low-lying estate"),
    ("other", "其他", "Other"),
)
WATERLOGGING_STATUS = _choices(
    ("normal", "正常", "Normal"),
    ("ponding", "积水", "Ponding"),
    ("closed", "封闭管制", "Closed"),
)
STORAGE_STATUS = _choices(
    ("standby", "待命", "Standby"),
    ("ordered", "启用", "Ordered"),
    ("evacuating", "转移中", "Evacuating"),
    ("flooding", "分洪", "Flooding"),
    ("receding", "退水", "Receding"),
    ("returning", "回迁", "Returning"),
    ("closed", "关闭", "Closed"),
)
FORCE_CATEGORIES = _choices(
    ("army", "部队官兵", "Armed forces"),
    ("fire", "消防救援", "Fire & rescue"),
    ("professional", "专业救援队", "Professional rescue team"),
    ("social", "社会救援力量", "Civil rescue team"),
    ("militia", "基干民兵", "Militia"),
    ("police", "公安干警", "Police"),
    ("volunteer", "志愿者", "Volunteers"),
)
FORCE_STATUS = _choices(
    ("standby", "待命", "Standby"),
    ("mobile", "机动", "Mobile"),
    ("on_duty", "在岗", "On duty"),
    ("withdrawn", "撤离", "Withdrawn"),
)
DEPOT_KINDS = _choices(
    ("warehouse", "仓库", "Warehouse"),
    ("front", "前置点", "Forward point"),
)
MATERIAL_ITEMS = _choices(
    ("sandbag", "沙袋", "Sandbags"),
    ("woven_bag", "编织袋", "Woven bags"),
    ("geotextile", "土工布", "Geotextile"),
    ("life_jacket", "救生衣", "Life jackets"),
    ("assault_boat", "冲锋舟", "Assault boats"),
    ("pump", "水泵", "Pumps"),
    ("tent", "帐篷", "Tents"),
    ("quilt", "棉被", "Quilts"),
    ("folding_bed", "折叠床", "Folding beds"),
    ("emergency_light", "应急灯", "Emergency lights"),
    ("water", "饮用水", "Drinking water"),
    ("instant_noodles", "方便面", "Instant noodles"),
    ("other", "其他", "Other"),
)
MATERIAL_KINDS = _choices(
    ("stock_in", "入库", "Stock-in"),
    ("dispatch", "调拨", "Dispatch"),
    ("consumed", "消耗", "Consumed"),
)
AREA_KINDS = _choices(
    ("storage_area", "蓄滞洪区", "Flood-storage area"),
    ("township", "乡镇", "Township"),
    ("village", "村", "Village"),
)
INCIDENT_KINDS = _choices(
    ("piping", "管涌", "Piping"),
    ("seepage", "渗水", "Seepage"),
    ("overtopping", "漫溢", "Overtopping"),
    ("breach", "决口", "Breach"),
    ("bank_collapse", "崩岸", "Bank collapse"),
    ("landslide", "滑坡/泥石流", "Landslide / debris flow"),
    ("road_cut", "道路中断", "Road cut"),
    ("trapped", "人员被困", "People trapped"),
    ("waterlogging", "内涝", "Waterlogging"),
    ("other", "其他", "Other"),
)
INCIDENT_SEVERITY = _choices(
    ("general", "一般", "General (IV)"),
    ("large", "较大", "Large (III)"),
    ("major", "重大", "Major (II)"),
    ("extreme", "特别重大", "Extremely serious (I)"),
)
INCIDENT_STATUS = _choices(
    ("reported", "已报告", "Reported"),
    ("handling", "处置中", "Being handled"),
    ("controlled", "已控制", "Under control"),
    ("closed", "已结束", "Closed"),
)
DISPATCH_ACTIONS = _choices(
    ("send", "派出", "Sent"),
    ("recall", "撤回", "Recalled"),
)
WARNING_LEVELS = _choices(
    ("blue", "蓝色（Ⅳ级）", "Blue (IV)"),
    ("yellow", "黄色（Ⅲ级）", "Yellow (III)"),
    ("orange", "橙色（Ⅱ级）", "Orange (II)"),
    ("red", "红色（Ⅰ级）", "Red (I)"),
)
WARNING_KINDS = _choices(
    ("rain", "暴雨", "Rainstorm"),
    ("river", "河道洪水", "River flood"),
    ("reservoir", "水库", "Reservoir"),
    ("geohazard", "地质灾害", "Geological hazard"),
    ("waterlogging", "城市内涝", "Urban waterlogging"),
)
ANSWER_WAYS = _choices(
    ("phone", "电话", "Phone"),
    ("sms", "短信", "SMS"),
    ("radio", "对讲/广播", "Radio"),
    ("in_person", "当面", "In person"),
    ("no_answer", "未应答", "No answer"),
)
STATION_KINDS = _choices(
    ("river", "河道站", "River gauge"),
    ("reservoir", "水库站", "Reservoir gauge"),
    ("rain", "雨量站", "Rain gauge"),
)
#: The levels a gauge is read against: a river's 警戒/保证, a reservoir's 汛限/设计/校核.
THRESHOLDS = _choices(
    ("warning", "警戒水位", "Warning level"),
    ("guaranteed", "保证水位", "Guaranteed level"),
    ("flood_limit", "汛限水位", "Flood-limit level"),
    ("design", "设计洪水位", "Design flood level"),
    ("check", "校核洪水位", "Check flood level"),
)
DIRECTIONS = _choices(
    ("up", "超过", "Rose above"),
    ("down", "回落", "Fell below"),
)
LOG_ACTIONS = _choices(
    ("insert", "新增", "Added"),
    ("update", "修改", "Changed"),
    ("delete", "删除", "Deleted"),
    ("import", "导入", "Imported"),
    ("meeting", "会商", "Consultation meeting"),
    ("create", "创建", "Created"),
    ("migrate", "升级", "Workspace upgraded"),
    ("withdraw", "撤销会商标记", "Meeting mark withdrawn"),
    ("restore", "恢复会商标记", "Meeting mark restored"),
)

# ------------------------------------------------------------- common fields
_NAME = Field("name", "text", "名称", "Name", required=True)
_COUNTY = Field("county", "text", "县区", "County")
_SOURCE = Field("source", "text", "数据来源", "Source")
_NOTE = Field("note", "text", "备注", "Note")


def _person(prefix: str, zh: str, en: str) -> tuple[Field, Field]:
    return (
        Field(f"{prefix}_person", "text", f"{zh}", f"{en}", private=True),
        Field(f"{prefix}_phone", "phone", f"{zh}电话", f"{en} phone", private=True),
    )


_RESP = (
    *_person("resp", "责任人", "Responsible person"),
    Field("resp_unit", "text", "责任单位", "Responsible unit"),
)
_REPORTED = Field("reported_at", "datetime", "报告时间", "Reported at", required=True, default=NOW)

LAYERS: dict[str, TableSchema] = {}
TABLES: dict[str, TableSchema] = {}


def _register(target: dict[str, TableSchema], schema: TableSchema) -> None:
    target[schema.key] = schema


_register(
    LAYERS,
    TableSchema(
        "storage_areas",
        "蓄滞洪区",
        "Flood-storage areas",
        (
            _NAME,
            _COUNTY,
            Field("area_km2", "real", "面积", "Area", "km²", minimum=0),
            Field("capacity", "real", "蓄洪容量", "Storage capacity", "亿m³", minimum=0),
            Field("households", "int", "区内户数", "Households inside", "户", minimum=0),
            Field("persons", "int", "区内人口", "Persons inside", "人", minimum=0),
            Field(
                "status", "enum", "启用状态", "Activation status",
                required=True, choices=STORAGE_STATUS, default="standby",
            ),
            *_RESP,
            _SOURCE,
            _NOTE,
        ),
        geometry="MULTIPOLYGON",
        allowed_geometries=("Polygon", "MultiPolygon"),
    ),
)
_register(
    LAYERS,
    TableSchema(
        "rivers",
        "河流",
        "Rivers",
        (
            _NAME,
            Field("grade", "enum", "河流等级", "Grade", choices=RIVER_GRADES),
            _COUNTY,
            Field("warning_level", "real", "警戒水位", "Warning level", "m"),
            Field("guaranteed_level", "real", "保证水位", "Guaranteed level", "m"),
            *_RESP,
            _SOURCE,
            _NOTE,
        ),
        geometry="MULTILINESTRING",
        allowed_geometries=("LineString", "MultiLineString"),
    ),
)
_register(
    LAYERS,
    TableSchema(
        "reservoirs",
        "水库",
        "Reservoirs",
        (
            _NAME,
            Field("scale", "enum", "规模", "Scale", required=True, choices=RESERVOIR_SCALES),
            _COUNTY,
            Field("capacity", "real", "总库容", "Total capacity", "万m³", minimum=0),
            Field("flood_limit_level", "real", "汛限水位", "Flood-limit level", "m"),
            *_person("admin", "行政责任人", "Administrative lead"),
            *_person("tech", "技术责任人", "Technical lead"),
            *_person("patrol", "巡查责任人", "Patrol lead"),
            _SOURCE,
            _NOTE,
        ),
        geometry="POINT",
        # a polygon offered here is stored as a point on it plus its outline in reservoir_areas
        allowed_geometries=("Point", "Polygon", "MultiPolygon"),
        outline_layer="reservoir_areas",
    ),
)
_register(
    LAYERS,
    TableSchema(
        "reservoir_areas",
        "水库水面",
        "Reservoir water surfaces",
        (
            _NAME,
            Field("reservoir", "text", "所属水库", "Reservoir"),
            _COUNTY,
            _SOURCE,
            _NOTE,
        ),
        geometry="MULTIPOLYGON",
        allowed_geometries=("Polygon", "MultiPolygon"),
        owner_field="reservoir",
    ),
)
_register(
    LAYERS,
    TableSchema(
        "hazards",
        "地质灾害隐患点",
        "Geological hazard points",
        (
            _NAME,
            Field(
                "hazard_type", "enum", "灾害类型", "Hazard type",
                required=True, choices=HAZARD_TYPES,
            ),
            _COUNTY,
            Field("town", "text", "乡镇", "Township"),
            Field("households", "int", "威胁户数", "Threatened households", "户", minimum=0),
            Field("persons", "int", "威胁人数", "Threatened persons", "人", minimum=0),
            *_person("monitor", "监测人", "Monitor"),
            *_RESP,
            _SOURCE,
            _NOTE,
        ),
        geometry="POINT",
        allowed_geometries=("Point",),
    ),
)
_register(
    LAYERS,
    TableSchema(
        "waterlogging",
        "城市易涝点",
        "Urban waterlogging spots",
        (
            _NAME,
            Field("kind", "enum", "类型", "Kind", required=True, choices=WATERLOGGING_KINDS, default="other"),
            _COUNTY,
            Field("max_depth", "real", "最大积水深度", "Worst depth", "m", minimum=0, maximum=20),
            Field("pumps", "int", "排涝泵", "Pumps", "台", minimum=0),
            Field("status", "enum", "状态", "Status", choices=WATERLOGGING_STATUS),
            *_RESP,
            _SOURCE,
            _NOTE,
        ),
        geometry="POINT",
        allowed_geometries=("Point",),
    ),
)
_register(
    LAYERS,
    TableSchema(
        "forces",
        "救援力量",
        "Rescue forces",
        (
            Field("name", "text", "队伍名称", "Unit", required=True),
            Field(
                "category", "enum", "力量类别", "Category",
                required=True, choices=FORCE_CATEGORIES,
            ),
            Field("personnel", "int", "人数", "Personnel", "人", minimum=0),
            Field("vehicles", "int", "车辆", "Vehicles", "台", minimum=0),
            Field("boats", "int", "舟艇", "Boats", "艘", minimum=0),
            Field("task", "text", "任务", "Task"),
            Field("status", "enum", "状态", "Status", required=True, choices=FORCE_STATUS, default="on_duty"),
            *_person("contact", "带队负责人", "Team leader"),
            _REPORTED,
            _SOURCE,
            _NOTE,
        ),
        geometry="POINT",
        allowed_geometries=("Point",),
        report_hours=12,
    ),
)
_register(
    LAYERS,
    TableSchema(
        "depots",
        "物资储备点",
        "Material depots",
        (
            _NAME,
            Field("kind", "enum", "类型", "Kind", required=True, choices=DEPOT_KINDS, default="warehouse"),
            _COUNTY,
            *_person("manager", "管理人", "Manager"),
            _SOURCE,
            _NOTE,
        ),
        geometry="POINT",
        allowed_geometries=("Point",),
    ),
)
_register(
    LAYERS,
    TableSchema(
        "shelters",
        "安置点",
        "Shelters",
        (
            _NAME,
            _COUNTY,
            Field("capacity", "int", "容纳人数", "Capacity", "人", minimum=0),
            Field("occupancy", "int", "已安置", "Occupancy", "人", minimum=0),
            *_person("manager", "管理人", "Manager"),
            _SOURCE,
            _NOTE,
        ),
        geometry="POINT",
        allowed_geometries=("Point",),
    ),
)

_register(
    TABLES,
    TableSchema(
        "material_tally",
        "物资台账",
        "Material tally",
        (
            Field("depot", "text", "储备点", "Depot", required=True),
            Field("item", "enum", "物资", "Item", required=True, choices=MATERIAL_ITEMS),
            Field("unit", "text", "单位", "Unit"),
            Field("quantity", "real", "数量", "Quantity", required=True, minimum=0),
            Field("kind", "enum", "类别", "Kind", required=True, choices=MATERIAL_KINDS),
            Field("destination", "text", "去向", "Destination"),
            _REPORTED,
            _SOURCE,
            _NOTE,
        ),
        title_field="depot",
        is_record=True,
        report_hours=6,
    ),
)
_register(
    TABLES,
    TableSchema(
        "evacuation",
        "群众转移",
        "Evacuation",
        (
            Field("area", "text", "区域", "Area", required=True),
            Field("area_kind", "enum", "区域类型", "Area kind", choices=AREA_KINDS),
            *(
                Field(f"{stage}_{unit}", "int", f"{zh}{uzh}", f"{en} {uen}", uzh, minimum=0)
                for stage, zh, en in (
                    ("planned", "计划转移", "Planned"),
                    ("notified", "已通知", "Notified"),
                    ("transferred", "已转移", "Transferred"),
                    ("sheltered", "已安置", "Sheltered"),
                    ("returned", "已回迁", "Returned"),
                )
                for unit, uzh, uen in (("households", "户", "households"), ("persons", "人", "persons"))
            ),
            _REPORTED,
            _SOURCE,
            _NOTE,
        ),
        title_field="area",
        is_record=True,
        report_hours=2,
    ),
)
_register(
    TABLES,
    TableSchema(
        "works",
        "工程抢险",
        "Engineering works",
        (
            Field("place", "text", "地点", "Place", required=True),
            Field("dike_m", "real", "加固堤防", "Dike reinforced", "m", minimum=0),
            Field("sandbags", "int", "投放沙袋", "Sandbags placed", "袋", minimum=0),
            Field("earth_m3", "real", "土方", "Earth moved", "m³", minimum=0),
            Field("rescued", "int", "解救被困群众", "Trapped people rescued", "人", minimum=0),
            _REPORTED,
            _SOURCE,
            _NOTE,
        ),
        title_field="place",
        is_record=True,
        report_hours=6,
    ),
)
_register(
    LAYERS,
    TableSchema(
        "villages",
        "村庄/社区",
        "Villages",
        (
            _NAME,
            Field("township", "text", "乡镇（街道）", "Township"),
            _COUNTY,
            Field("households", "int", "户数", "Households", "户", minimum=0),
            Field("persons", "int", "人口", "Persons", "人", minimum=0),
            # the person a warning is carried to and who answers it (叫应)
            *_person("head", "村级责任人", "Village lead"),
            _SOURCE,
            _NOTE,
        ),
        geometry="POINT",
        # a village drawn as its boundary is stored as a point on it plus the outline in village_areas
        allowed_geometries=("Point", "Polygon", "MultiPolygon"),
        outline_layer="village_areas",
    ),
)
_register(
    LAYERS,
    TableSchema(
        "village_areas",
        "村庄范围",
        "Village boundaries",
        (
            _NAME,
            Field("village", "text", "所属村庄", "Village"),
            Field("township", "text", "乡镇（街道）", "Township"),
            _COUNTY,
            _SOURCE,
            _NOTE,
        ),
        geometry="MULTIPOLYGON",
        allowed_geometries=("Polygon", "MultiPolygon"),
        owner_field="village",
    ),
)
_register(
    LAYERS,
    TableSchema(
        "incidents",
        "险情",
        "Incidents",
        (
            Field("name", "text", "险情名称", "Incident", required=True),
            Field("kind", "enum", "险情类型", "Kind", required=True, choices=INCIDENT_KINDS),
            Field(
                "severity", "enum", "险情等级", "Severity",
                required=True, choices=INCIDENT_SEVERITY, default="general",
            ),
            _COUNTY,
            Field("place", "text", "位置", "Place"),
            Field("threatened", "int", "威胁人数", "Persons threatened", "人", minimum=0),
            Field("trapped", "int", "被困人数", "Persons trapped", "人", minimum=0),
            *_person("reporter", "报告人", "Reported by"),
            _REPORTED,
            _SOURCE,
            _NOTE,
        ),
        geometry="POINT",
        # a dike section (a line) is stored as a point on it plus the line in incident_sections
        allowed_geometries=("Point", "LineString", "MultiLineString"),
        outline_layer="incident_sections",
    ),
)
_register(
    LAYERS,
    TableSchema(
        "incident_sections",
        "险情堤段",
        "Incident dike sections",
        (
            _NAME,
            Field("incident", "text", "所属险情", "Incident"),
            _COUNTY,
            _SOURCE,
            _NOTE,
        ),
        geometry="MULTILINESTRING",
        allowed_geometries=("LineString", "MultiLineString"),
        owner_field="incident",
    ),
)

_register(
    TABLES,
    TableSchema(
        "incident_status",
        "险情处置",
        "Incident status",
        (
            Field("incident", "text", "险情", "Incident", required=True),
            Field("status", "enum", "状态", "Status", required=True, choices=INCIDENT_STATUS),
            Field("threatened", "int", "威胁人数", "Persons threatened", "人", minimum=0),
            Field("trapped", "int", "被困人数", "Persons trapped", "人", minimum=0),
            Field("rescued", "int", "已解救", "Persons rescued", "人", minimum=0),
            _REPORTED,
            _SOURCE,
            _NOTE,
        ),
        title_field="incident",
        is_record=True,
        report_hours=2,
    ),
)
_register(
    TABLES,
    TableSchema(
        "dispatches",
        "力量调派",
        "Dispatches",
        (
            Field("force", "text", "救援力量", "Force", required=True),
            Field("incident", "text", "险情", "Incident", required=True),
            Field("action", "enum", "调派", "Action", required=True, choices=DISPATCH_ACTIONS, default="send"),
            Field("personnel", "int", "人数", "Personnel", "人", required=True, minimum=0),
            Field("vehicles", "int", "车辆", "Vehicles", "台", minimum=0),
            Field("boats", "int", "舟艇", "Boats", "艘", minimum=0),
            Field("task", "text", "任务", "Task"),
            _REPORTED,
            _SOURCE,
            _NOTE,
        ),
        title_field="force",
        is_record=True,
    ),
)
_register(
    TABLES,
    TableSchema(
        "warnings",
        "预警",
        "Warnings",
        (
            Field("name", "text", "预警名称", "Warning", required=True),
            Field("level", "enum", "预警级别", "Level", required=True, choices=WARNING_LEVELS),
            Field("kind", "enum", "预警类型", "Kind", required=True, choices=WARNING_KINDS),
            Field("text", "text", "预警内容", "Text"),
            Field("issuer", "text", "发布单位", "Issued by"),
            # one per recipient, separated by "；": 县 / 县/乡镇 / 县/乡镇/村, or layer:name for
            # the responsible persons of a feature (hazards:名称)
            Field("recipients", "text", "发送对象", "Recipients", required=True),
            Field("reported_at", "datetime", "发布时间", "Issued at", required=True, default=NOW),
            Field("ends_at", "datetime", "解除时间", "Lifted at"),
            _SOURCE,
            _NOTE,
        ),
        is_record=True,
    ),
)
_register(
    TABLES,
    TableSchema(
        "acknowledgements",
        "预警叫应",
        "Warning acknowledgements",
        (
            Field("warning", "text", "预警", "Warning", required=True),
            Field("recipient", "text", "接收对象", "Recipient", required=True),
            Field("how", "enum", "应答方式", "Answered by", required=True, choices=ANSWER_WAYS, default="phone"),
            *_person("by", "应答人", "Answered by whom"),
            Field("reported_at", "datetime", "应答时间", "Answered at", required=True, default=NOW),
            _SOURCE,
            _NOTE,
        ),
        title_field="recipient",
        is_record=True,
    ),
)
_register(
    LAYERS,
    TableSchema(
        "stations",
        "水文/水位/雨量站",
        "Gauging stations",
        (
            Field("name", "text", "站名", "Station", required=True),
            Field("code", "text", "测站编码", "Station code"),
            Field("kind", "enum", "站类", "Kind", required=True, choices=STATION_KINDS),
            Field("river", "text", "所属河流", "River"),
            Field("reservoir", "text", "所属水库", "Reservoir"),
            _COUNTY,
            Field("warning_level", "real", "警戒水位", "Warning level", "m"),
            Field("guaranteed_level", "real", "保证水位", "Guaranteed level", "m"),
            Field("flood_limit_level", "real", "汛限水位", "Flood-limit level", "m"),
            Field("design_level", "real", "设计洪水位", "Design flood level", "m"),
            Field("check_level", "real", "校核洪水位", "Check flood level", "m"),
            # blank: the defaults of floodpost.data.situation.hydro (0.3 m/h; 6 h)
            Field("rise_rate", "real", "涨率告警", "Fast-rise rate", "m/h", minimum=0),
            Field("report_hours", "real", "报汛间隔", "Reporting interval", "h", minimum=0),
            *_RESP,
            _SOURCE,
            _NOTE,
        ),
        geometry="POINT",
        allowed_geometries=("Point",),
    ),
)
_register(
    TABLES,
    TableSchema(
        "readings",
        "水雨情",
        "Readings",
        (
            Field("station", "text", "站名", "Station", required=True),
            Field("reported_at", "datetime", "观测时间", "Observed at", required=True, default=NOW),
            Field("level", "real", "水位", "Water level", "m", minimum=-100, maximum=9000),
            Field("flow", "real", "流量", "Flow", "m³/s", minimum=0),
            Field("storage", "real", "蓄水量", "Storage", "万m³", minimum=0),
            # the rain fallen in the period ending at the observation time (时段雨量)
            Field("rain", "real", "时段雨量", "Rain in the period", "mm", minimum=0, maximum=2000),
            _SOURCE,
            _NOTE,
        ),
        title_field="station",
        is_record=True,
        report_hours=6,
    ),
)
_register(
    TABLES,
    TableSchema(
        "alert_acks",
        "告警确认",
        "Alert acknowledgements",
        (
            Field("station", "text", "站名", "Station", required=True),
            Field("threshold", "enum", "特征水位", "Threshold", required=True, choices=THRESHOLDS),
            Field("direction", "enum", "方向", "Direction", required=True, choices=DIRECTIONS),
            # the crossing acknowledged: its time (the first reading over or back under the level)
            Field("event_at", "datetime", "越限时间", "Crossed at", required=True),
            Field("by", "text", "确认人", "Acknowledged by", private=True),
            Field("reported_at", "datetime", "确认时间", "Acknowledged at", required=True, default=NOW),
            _NOTE,
        ),
        title_field="station",
        is_record=True,
    ),
)
_register(
    TABLES,
    TableSchema(
        "situation_log",
        "态势日志",
        "Situation log",
        (
            Field("at", "datetime", "时间", "When", required=True),
            Field("operator", "text", "操作员", "Operator", private=True),
            Field("action", "enum", "操作", "Action", required=True, choices=LOG_ACTIONS),
            Field("target", "text", "对象", "Target"),
            Field("feature_id", "int", "要素编号", "Feature id"),
            Field("summary", "text", "摘要", "Summary"),
            Field("before", "text", "修改前", "Before"),
            Field("after", "text", "修改后", "After"),
        ),
        title_field="summary",
        importable=False,
    ),
)

ALL: dict[str, TableSchema] = {**LAYERS, **TABLES}

#: The tallies: records over time, entered in the tally window.
RECORD_TABLES: tuple[str, ...] = tuple(k for k, s in TABLES.items() if s.is_record)
#: Everything with a report time (the tallies and the rescue forces): the situation's timeline.
TIMED: tuple[str, ...] = (*RECORD_TABLES, *(k for k, s in LAYERS.items() if "reported_at" in s.field_names))
#: What an import may write to, layers first (the situation log is the program's own).
IMPORTABLE: tuple[str, ...] = tuple(k for k, s in ALL.items() if s.importable)

#: Drawing order, bottom to top.
LAYER_ORDER: tuple[str, ...] = (
    "storage_areas",
    "village_areas",
    "rivers",
    "incident_sections",
    "reservoir_areas",
    "reservoirs",
    "villages",
    "waterlogging",
    "hazards",
    "depots",
    "shelters",
    "forces",
    "stations",
    "incidents",
)


def schema_for(key: str) -> TableSchema:
    """Return the schema of a layer key or table, naming the known keys if not."""
    try:
        return ALL[key]
    except KeyError:
        known = ", ".join(ALL)
        raise KeyError(f"unknown layer key {key!r}; known keys: {known}") from None
