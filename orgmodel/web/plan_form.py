"""Forms for directives, generated from the op registry: every kind of directive gets its form
from its field specs (``ops.registry.OPS``), with Chinese labels (``core.schema.FIELD_LABELS``),
help, and a control chosen by the field's kind (:data:`CONTROLS`). A new kind registered
with ``@op`` therefore has a form without any page code; a field kind with no control is
an error (:class:`NoControl`), which the tests run over the whole registry.

A filled form becomes a raw directive (``{field: value}``, as a YAML ledger writes it) that
is validated by the readers' own validation (:func:`~orgmodel.reading.parse.build_directive`).
Every field of the form is located by its *path* (``quota_to.0.to``): the raw mapping is a
:class:`~orgmodel.core.located.Located` whose spots are those paths, and the directive's
source is a :class:`DraftSource` that keeps the path, so every finding comes back at the
field it is about.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..core.config import Config
from ..core.findings import Finding, Source, reduce_by_fields
from ..core.located import Located, RawItem
from ..core.schema import FIELD_LABELS, Field, choices_shown, field_label, text_problem
from ..ops.registry import OPS, OpSpec, lookup
from ..reading.parse import build_directive

# The control that enters a value of each field kind (a dict kind, a sub-schema, is "rows").
CONTROLS = {
    "str": "text", "name": "text", "ref": "ref", "refs": "list", "names": "list", "strs": "list",
    "count": "count", "number": "number", "qtype": "select", "rank": "select", "bool": "bool", "date": "date",
    "quota": "fixed", "posts": "fixed", "counts": "pairs", "subcounts": "yaml", "map": "yaml", "any": "yaml",
    "alloc": "rows",
}
# What each kind of field takes, said once (a field's own words, where it needs them, are in FIELD_HELP).
KIND_HELP = {
    "ref": "机构、编制池或区划的名称(输入时列出匹配的名称);同名机构写“区划/名称”",
    "refs": "机构名称,多个用顿号“、”分隔;同名机构写“区划/名称”",
    "names": "名称,多个用顿号“、”分隔;名称中不能有“/”",
    "strs": "多项用顿号“、”分隔",
    "name": "新的名称;不能含“/”,不能以 = + @ - 开头",
    "count": "非负整数",
    "number": "数,可带小数,如 400 或 99.4",
    "qtype": "编制类型",
    "rank": "机构规格",
    "bool": "不选表示按默认处理",
    "date": "YYYY-MM-DD",
    "quota": "各编制类型的数量,不涉及的留空",
    "posts": "各类领导职数,不涉及的留空",
    "counts": "每行一个类别和数量",
    "subcounts": "写成“类别: {其中类别: 数量}”,如 网格员: {党员: 8800}",
    "map": "写成“字段: 值”,多个用逗号分隔",
    "any": "写成“字段: 值”",
}
FIELD_HELP = {
    "date": "指令生效的日期,格式 YYYY-MM-DD",
    "doc": "批准文件的文号,如 青编〔2024〕3号;改变编制的指令必须填写",
    "note": "内部备注,不进入公开的报表",
    "approved_by": "跨层级调剂等需要上级批准时,上级的批准文号",
    "merge.into": "并入的现有机构;新设机构时改填“新设机构”",
    "split.into": "分设出的各机构,每行一个:名称,以及分去的编制、人员、责任事项和下属机构",
    "new": "整合后新设的机构;并入现有机构时留空",
    "quota_to": "编制去向;不填时全部转入新机构(或并入的机构)",
    "staff_to": "人员去向;不填时随编制走",
    "keep_names": "原机构名称保留为新机构的牌子",
    "cross_level": "调出和调入不在同一层级时选“是”",
    "due": "周转编制的归还日期",
    "term_years": "借用年限",
    "missing": "某个区划没有来源机构时:新建、跳过或报错",
    "relation.relation": "与主管机构并存的领导关系,如 直属、归口领导",
    "relation.to": "台账中的机构(同名机构写“区划/名称”),或台账外的领导机关名称,如 市委;写“无”表示取消这一关系",
    "duty.name": "责任事项的名称,如 矛盾纠纷排查化解",
    "duty.category": "事项的类别,如 网格事项、属地管理事项",
    "duty.lead": "主体责任机构;填了“各乡镇所属区划”时写各乡镇中的机构名称,如 社会治理综合服务中心",
    "measure.division": "指标记在区划上时填写;区划和机构二者填一",
    "measure.body": "指标记在机构上时填写;区划和机构二者填一",
    "duty.townships_of": "填县级区划时,同一事项设在其每个乡镇(街道),牵头和配合机构按名称在各乡镇中找",
    "time_limit": "事项的处理时限,如 3 个工作日",
    "closing_standard": "事项办结的标准,如 当事人达成调解协议",
    "grid_kinds": "每行一类网格和个数,如 基础网格 1792;写了各类网格时网格数可不填(为其合计)",
    "measure.name": "指标的名称,如 农村兼职网格员绩效奖补",
    "measure.value": "指标的数值,可带小数,如 400 或 99.4;指标不逐级相加",
    "unit": "数值的单位,如 元/人·月、%、万元",
    "leader_posts.rank": "批准文件写明职数规格时填写(如 增设副科级职数);不填时随机构规格",
    "secondment.until": "挂职结束的日期;不填表示尚未结束",
    "drop_duty.duties": "该机构牵头或配合的事项名称,多个用顿号“、”分隔",
}
# A field whose meaning depends on what it holds: people (a count per quota type) vs 编外人员.
LABELS_BY_KIND = {("staff", "quota"): "人员"}
REPEAT_ROWS = 1          # blank rows offered below the filled ones of a list of mappings
MIN_ROWS = {"pairs": 3}  # rows a table of pairs always shows
LIST_SPLIT = re.compile(r"[、,,;;\n]+")
YAML_LIMIT = 5_000       # characters of a value typed as YAML text
COMMON_BEFORE = ("date", "doc")
COMMON_AFTER = ("note",)
COMMON_SPECS = {"date": Field("date", True), "doc": Field("str"), "note": Field("str")}
DIRECTIVE_LEVEL = {"missing-doc": "doc"}  # findings added without a field that are about one


class NoControl(Exception):
    """A field kind that no control can enter (a kind added to the schema without one here)."""


@dataclass(frozen=True, slots=True)
class DraftSource(Source):
    """Where a directive of a draft is: the draft (``file``), its place in the plan (``line``,
    from 1) and the field (``field``, a path such as ``quota_to.0.to``; empty: the directive)."""

    field: str = ""

    __reduce__ = reduce_by_fields

    def __str__(self) -> str:
        where = f"{self.file} 第 {self.line} 条"
        return f"{where} {path_label(self.field)}" if self.field else where

    def at(self, spot) -> DraftSource:
        return self if spot is None else DraftSource(self.file, self.line, str(spot))

    @property
    def spot(self):
        return self.field or None


@dataclass
class FormField:
    """One field of a form: its ``path`` (the input's name), label, help, control, whether it
    is required, its choices ``[(value, shown)]`` and the value shown; a list of mappings has
    ``rows`` (each a list of FormField), a mapping of fixed keys ``parts``."""

    path: str
    key: str
    label: str
    help: str
    control: str
    required: bool
    choices: list = field(default_factory=list)
    value: Any = ""
    rows: list = field(default_factory=list)
    parts: list = field(default_factory=list)


def label_of(key: str) -> str:
    return FIELD_LABELS.get(key, key)


def path_label(path: str) -> str:
    """``编制去向 第 1 行 调入`` for ``quota_to.0.to``."""
    out = []
    for part in path.split("."):
        out.append(f"第 {int(part) + 1} 行" if part.isdigit() else label_of(part))
    return " ".join(out)


def control_of(spec: Field) -> str:
    if isinstance(spec.kind, dict):
        return "rows"
    control = CONTROLS.get(spec.kind) if isinstance(spec.kind, str) else None
    if control is None:
        raise NoControl(f"字段类型 {spec.kind!r} 没有对应的表单控件;请在 web/plan_form.py 的 CONTROLS 中增加")
    return control


def sub_schema(spec: Field) -> dict[str, Field]:
    from ..core.schema import ALLOC

    return ALLOC if spec.kind == "alloc" else spec.kind


def choices_of(spec: Field, config: Config) -> list[tuple[str, str]]:
    if spec.kind == "qtype":
        return [(t, t) for t in config.quota_types]
    if spec.kind == "rank":
        return [(r, r) for r in reversed(list(config.get("rank_order") or []))]
    if spec.choices:
        chinese = [c for c in spec.choices if not str(c).isascii()] or list(spec.choices)
        return [(c, c) for c in chinese]
    return []


def form_fields(spec: OpSpec, config: Config, raw: dict | None = None) -> list[FormField]:
    """The form of op ``spec``: the date and 文号, its own fields, then the note, each filled
    from ``raw`` (a raw directive being edited) when given."""
    raw = raw or {}
    out = [_field("date", COMMON_SPECS["date"], raw.get("date"), config, "", spec.name)]
    doc = _field("doc", COMMON_SPECS["doc"], raw.get("doc"), config, "", spec.name)
    doc.required = spec.needs_doc is True
    out.append(doc)
    out += [_field(key, f, raw.get(key), config, "", spec.name) for key, f in spec.fields.items()]
    note = _field("note", COMMON_SPECS["note"], raw.get("note"), config, "", spec.name)
    note.control = "textarea"
    out.append(note)
    return out


def _field(key: str, spec: Field, value, config: Config, prefix: str, op: str) -> FormField:
    path = f"{prefix}{key}"
    control = control_of(spec)
    kind = spec.kind if isinstance(spec.kind, str) else "rows"
    help_text = FIELD_HELP.get(f"{op}.{key}") or FIELD_HELP.get(key) or KIND_HELP.get(kind, "")
    if spec.choices and not help_text:
        help_text = f"{choices_shown(spec.choices)} 之一"
    label = LABELS_BY_KIND.get((key, kind)) or field_label(key, op)
    f = FormField(path, key, label, help_text, control, spec.required, choices_of(spec, config))
    if control == "rows":
        schema = sub_schema(spec)
        items = value if isinstance(value, list) else [value] if isinstance(value, dict) else [{"to": value}] if isinstance(value, str) else []
        items = [i for i in items if isinstance(i, dict)]
        count = len(items) + REPEAT_ROWS
        f.rows = [[_field(k, s, (items[i] if i < len(items) else {}).get(k), config, f"{path}.{i}.", op)
                   for k, s in schema.items()] for i in range(count)]
    elif control == "fixed":
        keys = config.quota_types if spec.kind == "quota" else config.leader_kinds
        given = value if isinstance(value, dict) else {}
        f.parts = [(k, f"{path}.{k}", _shown(given.get(k))) for k in keys]
        f.parts += [(str(k), f"{path}.{k}", _shown(v)) for k, v in given.items() if k not in keys]
    elif control == "pairs":
        given = list(value.items()) if isinstance(value, dict) else []
        count = max(MIN_ROWS["pairs"], len(given) + 1)
        f.rows = [(f"{path}.k.{i}", f"{path}.v.{i}", *(map(_shown, given[i]) if i < len(given) else ("", "")))
                  for i in range(count)]
    elif control == "list":
        f.value = "、".join(_shown(v) for v in value) if isinstance(value, list) else _shown(value)
    elif control == "yaml":
        f.value = "" if value is None else _yaml_text(value)
    elif control == "bool":
        f.value = "" if value is None else "是" if value is True else "否" if value is False else _shown(value)
    else:
        f.value = _shown(value)
    return f


def _shown(value) -> str:
    return "" if value is None else str(value)


def _yaml_text(value) -> str:
    from ..sources.flow_writer import flow

    text = flow(value)
    return text[1:-1] if isinstance(value, dict) and text.startswith("{") else text


# -- a filled form back into a raw directive -------------------------------------------
def raw_of(spec: OpSpec, form, config: Config) -> tuple[dict, dict[str, str]]:
    """``(raw directive, problems {path: message})`` from a submitted form (a mapping of
    input names to text). Blank inputs are left out; what the controls themselves cannot
    read (YAML text that is not YAML) is a problem at its path. Values are as a YAML ledger
    writes them: the readers' validation then judges them."""
    problems: dict[str, str] = {}
    raw: dict[str, Any] = {"date": _value("date", COMMON_SPECS["date"], form, problems, ""), "op": spec.name,
                           "doc": _value("doc", COMMON_SPECS["doc"], form, problems, ""),
                           "note": _text(form, "note", multiline=True)}
    for key, f in spec.fields.items():
        raw[key] = _value(key, f, form, problems, "")
    raw = {k: v for k, v in raw.items() if v is not None}
    return raw, problems


def _text(form, path: str, multiline: bool = False) -> str | None:
    value = form.get(path)
    if value is None:
        return None
    text = str(value)  # (a request is at most 6 MB: the validation says how long it is)
    text = text.strip() if not multiline else text.strip("\n ")
    return text or None


def _value(key: str, spec: Field, form, problems: dict, prefix: str):
    path = f"{prefix}{key}"
    control = control_of(spec)
    if control == "rows":
        schema = sub_schema(spec)
        rows = []
        for i in _indexes(form, rf"{re.escape(path)}\.(\d+)\."):
            row = {k: _value(k, s, form, problems, f"{path}.{i}.") for k, s in schema.items()}
            row = {k: v for k, v in row.items() if v is not None}
            if row:
                rows.append(_located(row, f"{path}.{i}", schema))
        return rows or None
    if control == "fixed":
        found = {}
        for name in form:
            if name.startswith(f"{path}.") and name.count(".") == path.count(".") + 1:
                text = _text(form, name)
                if text is not None:
                    found[name[len(path) + 1:]] = _number(text)
        return _located(found, path, {k: None for k in found}) if found else None
    if control == "pairs":
        found, spots = {}, {}
        for i in _indexes(form, rf"{re.escape(path)}\.[kv]\.(\d+)"):
            k, v = _text(form, f"{path}.k.{i}"), _text(form, f"{path}.v.{i}")
            if k is not None or v is not None:
                if k is None:
                    problems[f"{path}.k.{i}"] = "请填写类别"
                elif why := hostile(k):
                    problems[f"{path}.k.{i}"] = why
                elif k in found:
                    problems[f"{path}.k.{i}"] = f"类别“{k[:40]}”与上面的一行重复;每个类别只写一行"
                else:
                    found[k] = _number(v) if v is not None else None
                    spots[k] = f"{path}.k.{i}" if text_problem(k) else f"{path}.v.{i}"
        if not found:
            return None
        out = Located(found)
        out.spot, out.spots = path, spots
        return out
    text = _text(form, path)
    if text is None:
        return None
    if control == "list":
        items = [p.strip() for p in LIST_SPLIT.split(text) if p.strip()]
        why = next((w for w in map(hostile, items) if w), None)
        if why:
            problems[path] = why
            return None
        return items or None
    if control == "count":
        return _number(text)
    if control == "number":
        return _decimal(text)
    if control == "bool":
        return {"是": True, "否": False}.get(text, text)
    if control == "yaml":
        return _yaml_value(text, path, problems)
    if why := hostile(text):
        problems[path] = why
        return None
    return text


def hostile(text: str) -> str | None:
    """Why a one-line value typed in a form is refused before validation: what a spreadsheet
    would run as a formula, or markup. (The readers' validation judges everything else.)"""
    if text[0] in "=+@":
        return f"以“{text[0]}”开头,电子表格会把它当作公式;请去掉开头的“{text[0]}”"
    if "<" in text or ">" in text:
        return "含有“<”或“>”;名称、文号和引用中不能有尖括号"
    return None


def _indexes(form, pattern: str) -> list[int]:
    """The row numbers the form's inputs carry after ``pattern``'s prefix, in order (at most a few hundred)."""
    found = {int(m.group(1)) for name in form if (m := re.match(pattern, name)) and len(m.group(1)) <= 3}
    return sorted(found)


def _number(text: str | None):
    return int(text) if text is not None and re.fullmatch(r"\d{1,12}", text) else text


def _decimal(text: str):
    """A typed measure as a number (``99.4`` a float, ``400`` an int); anything else stays text
    for the validation to refuse at its field."""
    if re.fullmatch(r"-?\d{1,13}", text):
        return int(text)
    if re.fullmatch(r"-?\d{1,13}\.\d{1,12}", text):
        return float(text)
    return text


def _yaml_value(text: str, path: str, problems: dict):
    if len(text) > YAML_LIMIT:
        problems[path] = f"过长({len(text)} 个字符,上限 {YAML_LIMIT})"
        return None
    body = text if text.lstrip().startswith("{") else "{" + text + "}"
    try:
        value = yaml.safe_load(body)
    except yaml.YAMLError:
        problems[path] = f"写法有误;应写成“类别: 数量”,多个用逗号分隔,如 {KIND_HELP['subcounts']}"
        return None
    if not isinstance(value, dict):
        problems[path] = "应写成“类别: 数量”"
        return None
    return value


def _located(value: dict, path: str, schema) -> Located:
    out = Located(value)
    out.spot = path
    out.spots = {k: f"{path}.{k}" for k in [*schema, *value]}
    return out


def _top_located(raw: dict, spec: OpSpec) -> Located:
    out = Located(raw)
    out.spots = {k: k for k in [*spec.fields, "date", "op", "doc", "note"]}
    return out


# -- validation -----------------------------------------------------------------------
def check(raw: dict, config: Config, draft: str = "方案", position: int = 1):
    """``(directive or None, findings)``: ``raw`` validated as the readers validate, every
    finding located at its field's path (its source a :class:`DraftSource`)."""
    spec = lookup(raw.get("op", ""))
    located = _top_located(raw, spec) if spec else Located(raw)
    return build_directive(RawItem(located, DraftSource(draft, position)), config)


def field_errors(findings: list[Finding]) -> dict[str, list[str]]:
    """``{path: [messages]}`` of the errors among ``findings`` ("" for the directive as a whole)."""
    out: dict[str, list[str]] = {}
    for f in findings:
        if f.severity != "error":
            continue
        path = f.source.field if isinstance(f.source, DraftSource) else ""
        path = path or DIRECTIVE_LEVEL.get(f.rule, "")
        out.setdefault(path, []).append(f.message)
    return out


def plain(value):
    """A validated or located value as plain JSON data (dates as text), for keeping in a draft."""
    import datetime as dt

    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()[:10]
    return value


def kinds() -> list[OpSpec]:
    """Every directive kind, in the same-day order."""
    return sorted(OPS.values(), key=lambda s: (s.rank, s.name))


def paths_of(fields: list[FormField]) -> list[str]:
    """Every input path of a form (for tests and for the errors each may show)."""
    out = []
    for f in fields:
        out.append(f.path)
        for row in f.rows:
            if isinstance(row, list):
                out += paths_of(row)
            else:
                out += [row[0], row[1]]
        out += [p for _, p, _ in f.parts]
    return out


def inputs_of(fields: list[FormField]) -> list[str]:
    """The name of every input of a form (what a browser sends)."""
    out = []
    for f in fields:
        if f.control == "rows":
            for row in f.rows:
                out += inputs_of(row)
        elif f.control == "pairs":
            out += [p for row in f.rows for p in row[:2]]
        elif f.control == "fixed":
            out += [p for _, p, _ in f.parts]
        else:
            out.append(f.path)
    return out
