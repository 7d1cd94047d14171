"""The one redaction rule of every press output: no personal names, no phone numbers.

``--press`` promises that nothing published names a responsible person or
carries a phone number (DESIGN.md). Private fields of the schema are easy to
drop; the leak is free text: a note "联系人王小明 1391234xxxx" typed by a duty
officer. Every press output — the layer export, the web map, the press page,
the replay and the brief — masks text through :class:`Redactor`, so they
cannot disagree about what is private:

1. the schema's private fields are dropped (:meth:`Redactor.frame`);
2. phone numbers are masked wherever they stand: mobiles (also written
   ``139-1234-5678``, ``+86 139…`` or partly masked ``1391234xxxx``) and
   landlines with an area code (``0392-5551234``, ``(0392)555xxxx``), and any
   number after a phone cue (电话、手机、联系方式、Tel); identity card
   numbers too;
3. a name after a person cue (联系人、责任人、负责人、监测人、带队…) is masked;
4. any value of a private field of the workspace (a responsible person's
   name, a phone) is masked wherever free text repeats it.

Masks are ``＊＊＊``; the cue words stay, so "联系人＊＊＊ ＊＊＊" still reads.
Pure Python; no Qt.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from floodpost.data.schema import ALL, TableSchema

#: What a masked name or number becomes.
MASK = "＊＊＊"

# A digit or a masking character (x, X, *, ＊, ×) inside a phone number.
_D = r"[0-9xX*＊×]"
_SEP = r"[-\s－—]?"

#: Mobile numbers: 1[3-9]x xxxx xxxx, optionally +86 and separators, partly masked allowed.
_MOBILE = rf"(?:(?:\+|＋)?86{_SEP})?1[3-9]\d{_SEP}{_D}{{4}}{_SEP}{_D}{{4}}"
#: Landlines with an area code: 0392-5551234, (0392)555xxxx, 0392 5551234, 010-12345678.
_LANDLINE = rf"(?:[(（]0\d{{2,3}}[)）]\s?|0\d{{2,3}}{_SEP})[2-9]\d{{2}}{_D}{{4,5}}(?:{_SEP}\d{{1,4}})?"
#: Service numbers like 400-123-4567 are public; not masked.
PHONE_RE = re.compile(rf"(?<![0-9A-Za-z])(?:{_MOBILE}|{_LANDLINE})(?![0-9A-Za-z])")

#: Resident identity card numbers (18 characters with a birth date inside).
ID_CARD_RE = re.compile(r"(?<![0-9A-Za-z])\d{6}(?:19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[0-9Xx](?![0-9A-Za-z])")

#: Words after which a number is a phone number, whatever its form.
_PHONE_CUES = (
    r"(?:联系电话|电话号码|电话|手机号码|手机号|手机|联系方式|座机|(?<![A-Za-z])(?:tel|phone|mobile|cell))"
)
_CUED_NUMBER_RE = re.compile(
    rf"({_PHONE_CUES}\s*(?:[:：为是]\s*)?)((?:(?:\+|＋)?\d)[0-9xX*＊×\-－\s()（）]{{4,}}[0-9xX*＊×])",
    re.IGNORECASE,
)

#: Words after which a name follows (roles of persons; longer cues first).
PERSON_CUES = (
    "带队负责人", "行政责任人", "技术责任人", "巡查责任人", "包保责任人", "群测群防员",
    "联系人", "联络人", "责任人", "负责人", "带队人", "带队", "监测人", "监测员", "巡查人",
    "巡查员", "管理人", "管理员", "保管员", "值班人", "值班员", "包保人", "网格员", "信息员",
    "户主", "姓名", "村支书", "支书", "书记", "村主任", "主任", "村长", "队长", "站长", "所长",
    "乡长", "镇长", "县长", "局长",
)

#: Common Chinese surnames (compound ones first); a cue followed by one of them starts a name.
_COMPOUND_SURNAMES = (
    "欧阳", "司马", "诸葛", "上官", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "长孙",
    "宇文", "司徒", "夏侯", "端木", "独孤", "南宫", "西门", "闻人", "轩辕",
)
_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏"
    "魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘"
    "祝包宁尚符舒阮柯纪梅童凌毕季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟"
    "艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞"
    "姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)
# Characters that end a name early: a name is never followed into these words.
_NOT_IN_NAME = "已在和与及等的了电手联负同先女称说将正到为是于由从向对把被给"
_NAME = (
    rf"(?:{'|'.join(_COMPOUND_SURNAMES)}|[{_SURNAMES}])"
    rf"[\u4e00-\u9fff](?<![{_NOT_IN_NAME}])(?:[\u4e00-\u9fff](?<![{_NOT_IN_NAME}]))?"
)
_CUED_NAME_RE = re.compile(
    rf"((?:{'|'.join(PERSON_CUES)})\s*(?:[:：]\s*|为|是)?)({_NAME})"
)


def mask_text(text: str, known: re.Pattern[str] | None = None) -> str:
    """``text`` with phone numbers, cued names and ``known`` private values masked.

    Examples
    --------
    >>> mask_text("联系人王小明 1391234xxxx，值班电话0392-5551234")
    '联系人＊＊＊ ＊＊＊，值班电话＊＊＊'
    >>> mask_text("负责人已到位，转移群众1,200人")
    '负责人已到位，转移群众1,200人'
    """
    if not text:
        return text
    if known is not None:
        text = known.sub(MASK, text)
    text = _CUED_NUMBER_RE.sub(lambda m: m.group(1) + MASK, text)
    text = PHONE_RE.sub(MASK, text)
    text = ID_CARD_RE.sub(MASK, text)
    return _CUED_NAME_RE.sub(lambda m: m.group(1) + MASK, text)


class Redactor:
    """Masks free text and drops private fields for press outputs.

    Build one per output from the workspace (:meth:`from_workspace`) so
    that a responsible person's name recorded in one layer is masked in the
    notes of every layer. ``Redactor()`` with no values still masks phone
    numbers and cued names.

    Examples
    --------
    >>> r = Redactor(["张三"])
    >>> r("请张三核实，手机13912345678")
    '请＊＊＊核实，手机＊＊＊'
    """

    def __init__(self, known_values: Iterable[Any] = ()) -> None:
        words = sorted(
            {str(v).strip() for v in known_values if v is not None and len(str(v).strip()) >= 2},
            key=len, reverse=True,
        )
        self._known = re.compile("|".join(re.escape(w) for w in words)) if words else None

    def __call__(self, text: Any) -> Any:
        """Mask one value; anything that is not text passes unchanged."""
        if not isinstance(text, str):
            return text
        return mask_text(text, self._known)

    @classmethod
    def from_frames(cls, frames: Mapping[str, Any]) -> Redactor:
        """A redactor knowing the private values of ``{key: frame}`` (layers or tables)."""
        return cls(private_values(frames))

    @classmethod
    def from_workspace(cls, ws: Any) -> Redactor:
        """A redactor knowing every private value recorded in the workspace."""
        frames = {}
        for key in ws.keys():  # noqa: SIM118 - Workspace is not a mapping
            schema = ALL.get(key)
            if schema is not None and schema.private_fields:
                frames[key] = ws.read(key, columns=schema.private_fields, geometry=False)
        return cls.from_frames(frames)

    def frame(self, schema: TableSchema, frame: Any) -> Any:
        """A copy of ``frame`` without private fields and with every text field masked."""
        out = frame.drop(columns=[c for c in schema.private_fields if c in frame.columns])
        for f in schema.fields:
            if f.name in out.columns and f.type in ("text", "phone"):
                out[f.name] = [self(v) for v in out[f.name]]
        return out


def private_values(frames: Mapping[str, Any]) -> list[str]:
    """Every value of a private field in ``{key: frame}``: the words press outputs must not show."""
    out: list[str] = []
    for key, frame in frames.items():
        schema = ALL.get(key)
        if schema is None:
            continue
        for name in schema.private_fields:
            if name in frame.columns:
                out += [str(v) for v in frame[name] if v is not None and v == v]
    return out


def redact_text(text: Any, ws: Any = None) -> Any:
    """Mask one text for publication; with ``ws``, also the workspace's private values.

    For a single string (a page title, a subtitle). Outputs with many
    texts build one :class:`Redactor` instead.
    """
    redactor = Redactor.from_workspace(ws) if ws is not None else Redactor()
    return redactor(text)
