"""Field kinds and the one generic validator that turns raw mappings into directives.

Each op declares its fields as ``{name: Field(kind, required)}``. Kinds:

- ``str``: a non-empty string (numbers are accepted and turned into strings);
- ``name``, ``names``: the name (or names) of what a directive creates: a division, a body,
  a pool, a signboard: a ``str`` that can be referred to later (see :func:`name_problem`);
- ``ref``: a reference to a body, pool or division by name (``镇名/机构名`` allowed);
- ``refs``: one reference or a list of them;
- ``count``: a whole number ≥ 0;
- ``number``: a whole or decimal number, a measure's value (400, 99.4), never summed;
- ``qtype``: a configured quota type;
- ``rank``: a rank (规格) of the configured ``rank_order``;
- ``quota``: a mapping ``{quota type: count}``;
- ``counts``: a mapping ``{any label: count}``;
- ``subcounts``: a mapping ``{label: {sub-label: count}}`` ("of whom": 网格员: {党员: 8800});
- ``bool``, ``date``, ``strs`` (list of strings), ``map`` (any mapping), ``any``;
- ``posts``: a mapping ``{正职/副职: count}``;
- ``alloc``: where things go: a holder name, or a list of ``{to, type?, amount?}``;
- a dict of Fields: a list of mappings, each validated against that sub-schema.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sys
from dataclasses import dataclass
from typing import Any

from .findings import CellSource, Finding, Source
from .located import spot_of, spots_of
from .sharing import Shared
from .text import escape_controls

DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")

# The Chinese names of ledger fields, for messages: "规格(rank)的值…" (fields whose meaning
# depends on the directive, such as ``to`` and ``from``, are left as written).
FIELD_LABELS = {
    "date": "日期", "doc": "文号", "note": "备注", "name": "名称", "body": "机构", "division": "区划",
    "code": "区划代码", "level": "层级", "kind": "类型", "parent": "上级", "population": "人口", "households": "户数",
    "category": "机构类别", "class": "公益类别", "rank": "规格", "funding": "经费形式", "led_by": "主管机构",
    "dispatched_from": "派出机构", "signboards": "牌子", "type": "编制类型", "amount": "数量", "actual": "实有",
    "leaders": "实配领导", "posts": "领导职数", "staff": "编外人员", "grids": "网格数", "of_whom": "其中",
    "counts": "统计数", "positions": "岗位", "lead": "牵头机构", "support": "配合机构", "approved_by": "批准文号",
    "quota": "编制", "quota_from": "编制来源", "purpose": "用途", "from": "调出", "to": "调入", "field": "断言项", "due": "归还日期", "term_years": "借用期限",
    "count": "人数", "pool": "编制池", "return_to_pool": "编制收回至", "cross_level": "跨层级",
    "sources": "被合并机构", "source": "原机构", "into": "并入(分设为)", "new": "新设机构", "keep_names": "原名保留为牌子",
    "keep_signboard": "原名保留为牌子", "quota_to": "编制去向", "staff_to": "人员去向", "signboards_to": "牌子去向",
    "duties_to": "责任事项去向", "children_to": "下属机构去向", "duties": "责任事项", "children": "下属机构",
    "drop_signboards": "摘除牌子", "drop_duties": "摘除责任事项", "drop_children": "摘除下属机构",
    "template": "模板", "bodies": "机构条目", "divisions": "区划", "within": "范围", "missing": "缺少时",
    "match_signboards": "按牌子对应", "take_signboards": "接挂牌子", "value": "数值", "unit": "单位", "time_limit": "处理时限", "closing_standard": "结案标准",
    "townships_of": "各乡镇所属区划", "until": "结束日期", "relation": "关系", "grid_kinds": "各类网格数",
}
# A field whose Chinese name depends on the directive it is in (``to`` is 调入 in a transfer).
LABELS_BY_OP = {"relation.to": "领导机关", "duty.category": "事项类别", "secondment.from": "派出机构", "secondment.to": "挂职机构"}


def field_label(key: str, op: str | None = None) -> str:
    """The Chinese name of field ``key`` of a directive of kind ``op`` (the key itself if it has none)."""
    return LABELS_BY_OP.get(f"{op}.{key}") or FIELD_LABELS.get(key, key)


def named(key: str, at=None) -> str:
    """How a message names field ``key``. Read from a sheet: the Chinese header of its column
    (``机构类别``), when ``at`` (the field's cell, or the directive, see :func:`cell_of`) knows
    it. Else, as a YAML ledger writes it: ``规格(rank)``, ``实有(actual.事业编制)``, else ``字段 key ``
    (a trailing space before the Chinese that follows)."""
    cell = cell_of(at, key) if at is not None and not isinstance(at, Source) else at
    header = cell.header() if isinstance(cell, CellSource) else None
    if header:
        return header
    label = FIELD_LABELS.get(str(key).split(".", 1)[0])
    return f"{label}({key})" if label else f"字段 {key} "


def missing_text(key: str, at=None) -> str:
    """What to say of required field ``key`` left out: “机构类别”未填写 for a sheet's blank cell
    (``at``: the cell, or the directive), 缺少必填字段 机构类别(category) for a YAML ledger."""
    cell = cell_of(at, key) if at is not None and not isinstance(at, Source) else at
    header = cell.header() if isinstance(cell, CellSource) else None
    return f"“{header}”未填写(必填)" if header else f"缺少必填字段 {named(key).strip()}"


def header_of(d, key: str) -> str | None:
    """The Chinese header of the column directive ``d``'s field ``key`` was read from (None
    when it was not read from a sheet)."""
    cell = cell_of(d, key)
    return cell.header() if isinstance(cell, CellSource) else None


def cell_of(d, key: str) -> Source | None:
    """The cell a directive's field ``key`` was read from: its own spot, else where the
    directive starts when the field is there; None when the reader never saw it."""
    spots = d.spots or {}
    if key in spots:
        return d.source.at(spots[key]) if isinstance(d.source, CellSource) else None
    return d.source if key in d.fields else None


def choices_shown(choices) -> str:
    """The values a field accepts, as a message lists them: the Chinese ones when there are
    any (a field that also takes English words, such as a pool's kind, lists those only)."""
    chinese = [c for c in choices if not str(c).isascii()]
    return "、".join(chinese or [str(c) for c in choices])


# Limits that no real ledger comes near; beyond them the value is refused with a finding
# (see docs/ledger-format.md, 限制). They keep figures inside what sums and dates can hold.
MAX_COUNT = 1_000_000_000       # a count (quota, people, population)
MIN_YEAR, MAX_YEAR = 1949, 2100  # a date
MAX_NAME = 200                   # characters in a name or reference
MAX_TEXT = 20_000                # characters in a note or other free text
MAX_FIELDS = 100                 # fields in one directive
MAX_EXPANDED = 10_000            # values in one directive once its YAML aliases (*) are expanded
_BAD_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\u202a-\u202e\u2066-\u2069]")
_LINE_BREAKS = re.compile(r"[\t\n\r\u2028\u2029]")


def shown(value, limit: int = 40) -> str:
    """A value as a message may quote it: short, one line, control characters escaped."""
    if isinstance(value, (dict, list, tuple, set)):
        kind = "映射" if isinstance(value, dict) else "列表"
        return f"一个{kind}(共 {len(value)} 项)"
    text = repr(value) if not isinstance(value, str) else value
    text = escape_controls(text)
    return text if len(text) <= limit else text[:limit] + f"…(共 {len(text)} 个字符)"


def text_problem(text: str, multiline: bool = False, limit: int = MAX_NAME) -> str | None:
    """Why ``text`` cannot be kept as a value (a control character, a broken character, too
    long), or None. Names must be one line; notes may have line breaks."""
    if _BAD_CHARS.search(text):
        return "含有控制字符或无效字符(可能是从别处复制时带入的);请删除后重新输入"
    if not multiline and _LINE_BREAKS.search(text):
        return "含有换行或制表符;名称须写在一行内"
    if len(text) > limit:
        return f"过长({len(text)} 个字符,上限 {limit})"
    return None


@dataclass(frozen=True)
class Field:
    kind: Any
    required: bool = False
    choices: tuple = ()


class Problems:
    """Collects findings for one directive (or one nested mapping) while its fields are
    validated: ``source`` is where it starts, ``spots`` the reader's spot of each key."""

    def __init__(self, source: Source, spots: dict):
        self.source, self.spots = source, spots
        self.findings: list[Finding] = []

    def add(self, rule: str, message: str, key: str | None = None, spot=None):
        """A finding at ``spot``, else at key ``key``, else where the directive starts."""
        where = self.source.at(spot if spot is not None else self.spots.get(key) if key else None)
        self.findings.append(Finding(rule, message, where))

    def named(self, key: str) -> str:
        """Field ``key`` as a message names it (see :func:`named`): its column's header when
        it was read from a sheet's cell, else ``规格(rank)``."""
        spot = self.spots.get(key)
        return named(key, self.source.at(spot) if spot is not None else None)

    def missing(self, key: str) -> str:
        """What to say of a required field left out: its cell left blank, or its key not written."""
        return missing_text(key, self.source.at(self.spots[key]) if key in self.spots else None)

    def nested(self, value, key: str) -> Problems:
        """Problems for a mapping found at ``key``: it starts where the reader says, else at the key."""
        return Problems(self.source.at(spot_of(value, self.spots.get(key))), spots_of(value))


def parse_date(value) -> dt.date | None:
    """Parse ``YYYY-MM-DD`` (or a date object); None when it is not a real date."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value if MIN_YEAR <= value.year <= MAX_YEAR else None
    return _date_of_text(str(value).strip())


@functools.lru_cache(maxsize=1 << 16)
def _date_of_text(text: str) -> dt.date | None:
    """One date object per distinct text: a million directives share a few thousand dates."""
    if not DATE_RE.match(text):
        return None
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return None
    return day if MIN_YEAR <= day.year <= MAX_YEAR else None


MAX_MEASURE = 10 ** 12


def _number(value, key, probs: Problems):
    """A measure's value: a whole or decimal number (400, 99.4, 0.27), never summed."""
    if isinstance(value, str) and re.fullmatch(r"\s*-?\d+(\.\d+)?\s*", value):
        value = float(value) if "." in value else int(value)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or abs(value) > MAX_MEASURE:
        probs.add("bad-value", f"{probs.named(key)}应为数(如 400 或 99.4),实为“{shown(value)}”", key)
        return None
    return value


def _count(value, key, probs: Problems):
    if isinstance(value, bool) or value is None:
        probs.add("bad-count", f"{probs.named(key)}应为非负整数,实为“{shown(value)}”", key)
        return None
    if isinstance(value, float):
        if not value.is_integer():
            probs.add("bad-count", f"{probs.named(key)}应为整数,实为 {value}(编制和人数不能有小数)", key)
            return None
        value = int(value)
    if isinstance(value, str):
        if not re.fullmatch(r"-?\d+", value.strip()):
            probs.add("bad-count", f"{probs.named(key)}应为非负整数,实为“{shown(value)}”", key)
            return None
        value = int(value)
    if not isinstance(value, int):
        probs.add("bad-count", f"{probs.named(key)}应为非负整数,实为“{shown(value)}”", key)
        return None
    if value < 0:
        probs.add("negative-count", f"{probs.named(key)}为负数 {value};数量不能小于 0", key)
        return None
    if value > MAX_COUNT:
        probs.add("bad-count", f"{probs.named(key)}为 {shown(value)},超过上限 {MAX_COUNT:,};请检查是否多写了数字", key)
        return None
    return value


def _str(value, key, probs: Problems):
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str) or not value.strip():
        probs.add("bad-value", f"{probs.named(key)}应为非空文字,实为“{shown(value)}”", key)
        return None
    problem = text_problem(value.strip())
    if problem:
        probs.add("bad-value", f"{probs.named(key)}“{shown(value)}”{problem}", key)
        return None
    return sys.intern(value.strip())  # names recur over millions of directives: keep one copy


_DASHES = frozenset("-－—–‐―_ ")


def name_problem(text: str) -> str | None:
    """Why ``text`` cannot be the name of a division, body, pool or signboard: a name must be
    found again by later rows and directives, and opened safely in a spreadsheet."""
    if "/" in text or "／" in text:
        return "含有“/”;“/”用于分隔“区划/名称”,名称中不能有,请改用其他字符(如“、”或“和”)"
    if set(text) <= _DASHES:
        return "只是一个横线,不像是名称;没有名称时请留空,有名称时请写出全称"
    if text[0] in "=+@-":
        return f"以“{text[0]}”开头,电子表格会把它当作公式;请去掉开头的“{text[0]}”"
    return None


def _name(value, key, probs: Problems):
    text = _str(value, key, probs)
    if text is not None and (problem := name_problem(text)):
        probs.add("bad-value", f"{probs.named(key)}“{shown(text)}”{problem}", key)
        return None
    return text


def _qtype(value, key, probs: Problems, quota_types):
    text = _str(value, key, probs)
    if text is not None and text not in quota_types:
        probs.add(
            "unknown-quota-type",
            f"未知的编制类型“{text}”;可用类型:{'、'.join(quota_types)}(可在配置文件 quota_types 中增加)",
            key,
        )
        return None
    return text


def _mapping_of_counts(value, key, probs, allowed=None, what="编制类型"):
    if not isinstance(value, dict):
        probs.add("bad-value", f"{probs.named(key)}应为“类型: 数量”的映射,实为“{shown(value)}”", key)
        return None
    out = {}
    sub_spots = spots_of(value)
    ok = True
    for k, at in getattr(value, "duplicates", ()):
        probs.add("duplicate-field", f"{probs.named(key)}中的“{k}”写了不止一次;请只保留一个", spot=at)
        ok = False
    for k, v in value.items():
        spot = sub_spots.get(k, probs.spots.get(key))
        sub = Problems(probs.source, {f"{key}.{k}": spot} if spot is not None else {})
        label = _str(k, f"{key}.{k}", sub)
        if label is not None and allowed is not None and label not in allowed:
            sub.add("unknown-quota-type" if what == "编制类型" else "bad-value",
                    f"未知的{what}“{label}”;可用:{'、'.join(allowed)}", f"{key}.{k}")
            label = None
        n = _count(v, f"{key}.{k}", sub)
        probs.findings.extend(sub.findings)
        if label is None or n is None:
            ok = False
        else:
            out[label] = n
    return shared_counts(out) if ok else None


_COUNTS = Shared(1 << 16)


def shared_counts(counts: dict) -> dict:
    """One dict object for every equal count map read (a province ledger repeats a few
    thousand of them over millions of directives). Validated fields are read-only: the
    state copies what it keeps, so sharing is safe and saves a dict per directive."""
    return _COUNTS(tuple(counts.items()), counts)


ALLOC = {}  # filled below: the sub-schema of an allocation entry


def validate_value(spec: Field, value, key: str, probs: Problems, config) -> Any:
    """Check one raw value against its field spec; return the clean value or None."""
    kind = spec.kind
    quota_types = config.quota_types
    if kind == "alloc":
        kind = ALLOC
        if isinstance(value, str):
            value = [{"to": value}]
    if isinstance(kind, dict):
        items = value if isinstance(value, list) else [value]
        out = []
        for item in items:
            if not isinstance(item, dict):
                probs.add("bad-value", f"{probs.named(key)}的每一项应为映射,实为“{shown(item)}”", key)
                return None
            sub = probs.nested(item, key)
            clean = validate_fields(kind, item, sub, config)
            probs.findings.extend(sub.findings)
            if sub.findings:
                return None
            out.append(clean)
        return out
    if kind == "count":
        return _count(value, key, probs)
    if kind == "number":
        return _number(value, key, probs)
    if kind in ("str", "ref"):
        text = _str(value, key, probs)
        if text is not None and spec.choices and text not in spec.choices:
            probs.add("bad-value", f"{probs.named(key)}“{text}”无效;应为 {choices_shown(spec.choices)} 之一", key)
            return None
        return text
    if kind == "name":
        return _name(value, key, probs)
    if kind in ("refs", "strs", "names"):
        items = value if isinstance(value, list) else [value]
        out = [(_name if kind == "names" else _str)(v, key, probs) for v in items]
        for v in out:
            if v and "，" in v:
                probs.add("bad-value", f"{probs.named(key)}中的“{v}”含全角逗号“，”;多个名称之间请用半角逗号“,”分隔", key)
                return None
        return None if any(v is None for v in out) else out
    if kind == "qtype":
        return _qtype(value, key, probs, quota_types)
    if kind == "rank":
        text = _str(value, key, probs)
        ranks = list(config.get("rank_order") or [])
        if text is not None and ranks and text not in ranks:
            probs.add("bad-value", f"{probs.named(key)}“{text}”无效;应为 {'、'.join(reversed(ranks))} 之一", key)
            return None
        return text
    if kind == "quota":
        return _mapping_of_counts(value, key, probs, quota_types)
    if kind == "posts":
        return _mapping_of_counts(value, key, probs, config.leader_kinds, "领导职数类别")
    if kind == "counts":
        return _mapping_of_counts(value, key, probs)
    if kind == "subcounts":
        if not isinstance(value, dict):
            probs.add("bad-value", f"{probs.named(key)}应为“类别: {{其中: 数量}}”的映射,例如 网格员: {{党员: 8800}},实为“{shown(value)}”", key)
            return None
        out, ok = {}, True
        for label, inner in value.items():
            name = _str(label, key, probs)
            sub = probs.nested(inner, key)
            counts = _mapping_of_counts(inner, f"{key}.{label}", sub, what="类别")
            probs.findings.extend(sub.findings)
            ok = ok and name is not None and counts is not None
            if ok:
                out[name] = counts
        return out if ok else None
    if kind == "bool":
        if not isinstance(value, bool):
            probs.add("bad-value", f"{probs.named(key)}应为 true 或 false,实为“{shown(value)}”", key)
            return None
        return value
    if kind == "date":
        d = parse_date(value)
        if d is None:
            probs.add("bad-date", f"{probs.named(key)}的日期“{shown(value)}”无效;应为 {MIN_YEAR}–{MAX_YEAR} 年间真实存在的日期,"
                      f"格式 YYYY-MM-DD", key)
        return d
    if kind == "map":
        if not isinstance(value, dict):
            probs.add("bad-value", f"{probs.named(key)}应为映射,实为“{shown(value)}”", key)
            return None
        return dict(value)
    return value


def validate_fields(schema: dict[str, Field], raw: dict, probs: Problems, config, common=()) -> dict:
    """Validate every field of ``raw`` against ``schema``; unknown and missing fields are findings.
    ``common`` names the fields every directive may have besides these, for the hint."""
    clean: dict[str, Any] = {}
    for key in raw:
        if key not in schema:
            known = "、".join(named(k).strip() for k in [*schema, *common]) or "(无)"
            if isinstance(key, str) and "：" in key:
                head = key.split("：", 1)[0]
                probs.add("unknown-field", f"“{key}”中有全角冒号“：”;请改为半角冒号加空格,例如“{head}: …”", key)
                continue
            what = f"此指令不用{probs.named(key)}字段" if str(key) in FIELD_LABELS else f"未知字段“{key}”"
            probs.add("unknown-field", f"{what};此处可用字段:{known}", key)
    for key, spec in schema.items():
        if key not in raw or raw[key] is None:
            if spec.required:
                probs.add("missing-field", probs.missing(key), key)
            continue
        value = validate_value(spec, raw[key], key, probs, config)
        if value is not None:
            clean[key] = value
    return clean


ALLOC.update({
    "to": Field("ref", True),
    "type": Field("qtype"),
    "amount": Field("count"),
})


def expanded_size(value, budget: int) -> int:
    """How many values ``value`` holds with every alias expanded, counting up to ``budget``
    (a few aliases of aliases expand into billions: "billion laughs")."""
    total, stack = 0, [value]
    while stack and total <= budget:
        v = stack.pop()
        total += 1
        if isinstance(v, dict):
            stack.extend(v.values())
            stack.extend(v.keys())
        elif isinstance(v, list):
            stack.extend(v)
    return total
