"""Staffing standards (编制标准): dated formulas that say how much quota a body or a division
should have (应核) from a driver figure recorded on it (pupils, beds, population, households).

A province writes them in the ``standards:`` section of its configuration::

    standards:
      中小学教职工编制标准:
        measures: 事业编制                 # a quota type, or 网格 (grids, divisions only)
        for: body                          # body (default) or division
        where: {name_endings: [中学, 小学], category: [事业单位]}
        versions:                          # the version in force on a day: the latest ``from`` on or before it
          - from: 2014-11-13
            doc: 中央编办发〔2014〕72号
            ratio: {高中学生: 12.5, 初中学生: 13.5, 小学学生: 19}

A version's formula is one of:

- ``ratio: {driver: N}``: one unit per N of the driver (生师比 1:N); summed over the drivers
  recorded; N may be a range ``[a, b]``;
- ``per_unit: {driver: k}``: k units per one of the driver (1.3–1.4 staff per bed: ``[1.3, 1.4]``);
- ``bands: {driver: 人口, rows: [{below: 50000, value: 30}, …, {below: null, value: 40}]}``: the first
  row whose ``below`` is null or above the driver; a row gives ``value`` (a fixed figure or a range),
  ``per_unit`` or ``ratio`` (applied to the driver);
- ``by_place: {place: formula}``: per-class rules by where the holder sits: the township kind
  (镇, 乡, 街道) in a township, else the division level (市, 县 …); ``其他`` is the fallback.

Every formula gives a range ``(low, high)`` (equal for a point), rounded half up to whole
numbers. This module only reads the configuration; the figures are made in
:mod:`orgmodel.figures.standards`.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from .kinds import LEVELS
from .schema import shown

GRIDS = "网格"
FOR_KINDS = ("body", "division")
FORMULAS = ("ratio", "per_unit", "bands", "by_place")
WHERE_KEYS = ("level", "kind", "category", "class", "name_endings")
BODY_ONLY_WHERE = ("category", "class")
FALLBACK_PLACE = "其他"
DRIVER_ALIASES = {"population": "人口", "households": "户数"}
VERSION_KEYS = ("from", "doc", "confirmed", "note", *FORMULAS)

Problem = tuple[str, str]
Range = tuple[float, float]


@dataclass(frozen=True)
class Version:
    """One dated version of a standard: from when, by which document, and its formula."""

    start: dt.date
    doc: str
    formula: dict
    confirmed: bool = True
    note: str = ""

    @property
    def basis(self) -> str:
        """``中央编办发〔2014〕72号,2014-11-13 起施行``, with ``数值未核实`` when the figures are not confirmed."""
        return f"{self.doc},{self.start.isoformat()} 起施行{'' if self.confirmed else ';数值未核实'}"

    def drivers(self) -> list[str]:
        """Every driver the formula reads, in the order written."""
        return _drivers(self.formula)

    def implied(self, value_of, place: str | None) -> Range | None:
        """The range the formula gives for a holder whose driver figures ``value_of(name)``
        returns (None when not recorded) and which sits at ``place``; None when a driver it
        needs is not recorded or no rule covers the place."""
        return _evaluate(self.formula, value_of, place)


@dataclass(frozen=True)
class Standard:
    """A named standard: what it measures, for which holders, and its dated versions."""

    name: str
    measures: str
    holder: str
    where: dict
    versions: tuple[Version, ...]

    def in_force(self, day: dt.date | None) -> Version | None:
        """The version whose ``from`` is the latest on or before ``day`` (the latest when day is None)."""
        valid = [v for v in self.versions if day is None or v.start <= day]
        return max(valid, key=lambda v: v.start) if valid else None


def whole(x: float) -> int:
    """``x`` rounded half up (96.5 → 97): quota is whole."""
    return int(math.floor(x + 0.5 + 1e-9))


def standards_of(config) -> list[Standard]:
    """The standards of a configuration that passed :func:`check_standards`, in the order written."""
    out = []
    for name, spec in (config.get("standards") or {}).items():
        versions = tuple(Version(_date(v["from"]), str(v["doc"]), {k: v[k] for k in FORMULAS if k in v},
                                 bool(v.get("confirmed", True)), str(v.get("note") or ""))
                         for v in spec["versions"])
        out.append(Standard(str(name), str(spec["measures"]), spec.get("for", "body"), dict(spec.get("where") or {}),
                            versions))
    return out


def standard_named(config, name: str) -> Standard | None:
    return next((s for s in standards_of(config) if s.name == name), None)


# -- evaluation ------------------------------------------------------------------------
def _pair(x) -> Range:
    if isinstance(x, list):
        a, b = float(x[0]), float(x[1])
        return (min(a, b), max(a, b))
    return (float(x), float(x))


def _apply(kind: str, spec, value: float) -> Range:
    low, high = _pair(spec)
    if kind == "ratio":
        return (value / high, value / low)
    if kind == "per_unit":
        return (value * low, value * high)
    return (low, high)  # a fixed value


def _drivers(formula: dict) -> list[str]:
    out: list[str] = []
    for kind, spec in formula.items():
        if kind in ("ratio", "per_unit"):
            out += list(spec)
        elif kind == "bands":
            out.append(spec["driver"])
        elif kind == "by_place":
            for sub in spec.values():
                out += _drivers(sub)
    return list(dict.fromkeys(out))


def _evaluate(formula: dict, value_of, place: str | None) -> Range | None:
    kind, spec = next(iter(formula.items()))
    if kind == "by_place":
        sub = spec.get(place) if place in spec else spec.get(FALLBACK_PLACE)
        return None if sub is None else _evaluate(sub, value_of, place)
    if kind in ("ratio", "per_unit"):
        parts = [_apply(kind, n, v) for d, n in spec.items() if (v := value_of(d)) is not None]
        if not parts:
            return None
        return (sum(p[0] for p in parts), sum(p[1] for p in parts))
    value = value_of(spec["driver"])
    if value is None:
        return None
    for row in spec["rows"]:
        top = row.get("below")
        if top is None or value < top:
            how = next(k for k in ("value", "per_unit", "ratio") if k in row)
            return _apply(how, row[how], value)
    return None


# -- checking the configuration --------------------------------------------------------
def _date(x) -> dt.date:
    if isinstance(x, dt.datetime):
        return x.date()
    if isinstance(x, dt.date):
        return x
    return dt.date.fromisoformat(str(x))


def _is_date(x) -> bool:
    try:
        _date(x)
    except (TypeError, ValueError):
        return False
    return True


def _is_positive(x) -> bool:
    return isinstance(x, (int, float)) and not isinstance(x, bool) and 0 < x <= 1e9


def _number_or_range(key: str, x, what: str) -> list[Problem]:
    if _is_positive(x) or (isinstance(x, list) and len(x) == 2 and all(_is_positive(v) for v in x)):
        return []
    if isinstance(x, (int, float)) and not isinstance(x, bool) and x == 0 and what == "value":
        return []
    return [(key, f"应为正数或范围 [下限, 上限](如 19 或 [1.3, 1.4]),实为“{shown(x)}”")]


def _check_driver_map(key: str, spec, kind: str) -> list[Problem]:
    example = "{在校学生: 19}" if kind == "ratio" else "{床位: [1.3, 1.4]}"
    if not isinstance(spec, dict) or not spec:
        return [(key, f"应为“统计数名称: 数”的映射,如 {example}")]
    return [p for d, n in spec.items() for p in _number_or_range(f"{key}.{d}", n, kind)]


def _check_bands(key: str, spec) -> list[Problem]:
    if not isinstance(spec, dict) or not isinstance(spec.get("driver"), str) or not isinstance(spec.get("rows"), list) \
            or not spec["rows"]:
        return [(key, "应为 {driver: 统计数名称, rows: [{below: 上限, value: 数}, …, {below: null, value: 数}]}")]
    out = [(f"{key}.{k}", f"未知的设置“{k}”;可用 driver、rows") for k in spec if k not in ("driver", "rows")]
    last = None
    for i, row in enumerate(spec["rows"]):
        where = f"{key}.rows[{i}]"
        if not isinstance(row, dict):
            out.append((where, "应为映射,如 {below: 50000, value: 30}"))
            continue
        top = row.get("below", "missing")
        if top is not None and not _is_positive(top):
            out.append((where, "below 应为正数(本档上限,不含)或 null(不设上限)"))
        elif top is not None and last is not None and top <= last:
            out.append((f"{where}.below", f"各档 below 应从小到大排列;{shown(top)} 不大于上一档的 {shown(last)}"))
        elif top is None and i != len(spec["rows"]) - 1:
            out.append((f"{where}.below", "below: null(不设上限)只能写在最后一档"))
        last = top if _is_positive(top) else last
        hows = [k for k in ("value", "per_unit", "ratio") if k in row]
        if len(hows) != 1:
            out.append((where, "每档应写 value(固定数)、per_unit(每单位几名)、ratio(几单位一名)三者之一"))
        else:
            out += _number_or_range(f"{where}.{hows[0]}", row[hows[0]], hows[0])
        out += [(f"{where}.{k}", f"未知的设置“{k}”;可用 below、value、per_unit、ratio") for k in row
                if k not in ("below", "value", "per_unit", "ratio")]
    return out


def _check_formula(key: str, spec: dict, nested: bool = False) -> list[Problem]:
    kinds = [k for k in FORMULAS if k in spec]
    allowed = "、".join(k for k in FORMULAS if not (nested and k == "by_place"))
    if len(kinds) != 1:
        return [(key, f"应写且只写一种算法:{allowed}(见 docs/standards.md)")]
    kind = kinds[0]
    where = f"{key}.{kind}"
    if kind in ("ratio", "per_unit"):
        return _check_driver_map(where, spec[kind], kind)
    if kind == "bands":
        return _check_bands(where, spec[kind])
    if nested:
        return [(where, "by_place 内不能再写 by_place")]
    places = spec[kind]
    if not isinstance(places, dict) or not places:
        return [(where, "应为“地点: 算法”的映射,如 {县: {ratio: {小学学生: 21}}, 乡: {ratio: {小学学生: 23}}};地点为乡镇类别(镇、乡、街道)或层级")]
    valid = (*LEVELS, "镇", "乡", "街道", FALLBACK_PLACE)
    out = []
    for place, sub in places.items():
        if place not in valid:
            out.append((f"{where}.{place}", f"地点“{place}”无效;应为 {'、'.join(valid)} 之一"))
        elif not isinstance(sub, dict):
            out.append((f"{where}.{place}", "应为算法映射,如 {ratio: {小学学生: 21}}"))
        else:
            out += _check_formula(f"{where}.{place}", sub, nested=True)
    return out


def _check_where(key: str, where, holder: str) -> list[Problem]:
    if where is None:
        return []
    if not isinstance(where, dict):
        return [(key, "应为映射,如 {level: [县], name_endings: [中学, 小学]}")]
    out = []
    for k, v in where.items():
        if k not in WHERE_KEYS:
            out.append((f"{key}.{k}", f"未知的条件“{k}”;可用 {'、'.join(WHERE_KEYS)}"))
        elif not isinstance(v, list) or not v or not all(isinstance(x, str) and x.strip() for x in v):
            out.append((f"{key}.{k}", "应为非空的文字列表,如 [中学, 小学]"))
        elif holder == "division" and k in BODY_ONLY_WHERE:
            out.append((f"{key}.{k}", f"衡量区划的标准不能按机构的{'类别' if k == 'category' else '公益类别'}筛选"))
        elif k == "level":
            out += [(f"{key}.{k}", f"层级“{x}”无效;应为 {'、'.join(LEVELS)} 之一") for x in v if x not in LEVELS]
        elif k == "kind":
            out += [(f"{key}.{k}", f"乡镇类别“{x}”无效;应为 镇、乡、街道 之一") for x in v if x not in ("镇", "乡", "街道")]
    return out


def check_standards(key: str, value, quota_types) -> list[Problem]:
    """Every problem of a ``standards:`` section, at its key path, in Chinese."""
    if value is None or value == {}:
        return []
    if not isinstance(value, dict):
        return [(key, "应为“标准名称: {measures, for, where, versions}”的映射,见 docs/standards.md")]
    out: list[Problem] = []
    for name, spec in value.items():
        at = f"{key}.{name}"
        if not isinstance(spec, dict):
            out.append((at, "应为映射:{measures: 事业编制, where: {…}, versions: [{from, doc, ratio|per_unit|bands|by_place}]}"))
            continue
        out += [(f"{at}.{k}", f"未知的设置“{k}”;可用 measures、for、where、versions") for k in spec
                if k not in ("measures", "for", "where", "versions")]
        holder = spec.get("for", "body")
        if holder not in FOR_KINDS:
            out.append((f"{at}.for", f"“{shown(holder)}”无效;应为 body(衡量机构)或 division(衡量区划,如乡镇)"))
        measures = spec.get("measures")
        if measures is None:
            out.append((at, f"缺少 measures(衡量的编制类型,如 事业编制;或 {GRIDS})"))
        elif measures != GRIDS and measures not in quota_types:
            out.append((f"{at}.measures", f"“{shown(measures)}”无效;应为 {'、'.join(map(str, quota_types))} 或 {GRIDS}"))
        elif measures == GRIDS and holder != "division":
            out.append((f"{at}.measures", f"衡量{GRIDS}的标准须写 for: division(网格登记在区划上)"))
        out += _check_where(f"{at}.where", spec.get("where"), holder)
        versions = spec.get("versions")
        if not isinstance(versions, list) or not versions:
            out.append((at, "缺少 versions:至少一个版本 {from: 起用日期, doc: 文号, ratio|per_unit|bands|by_place: …}"))
            continue
        starts = []
        for i, v in enumerate(versions):
            vat = f"{at}.versions[{i}]"
            if not isinstance(v, dict):
                out.append((vat, "应为映射 {from: 2014-11-13, doc: 文号, ratio: {…}}"))
                continue
            out += [(f"{vat}.{k}", f"未知的设置“{k}”;可用 {'、'.join(VERSION_KEYS)}") for k in v if k not in VERSION_KEYS]
            if not _is_date(v.get("from")):
                out.append((f"{vat}.from" if "from" in v else vat, f"起用日期 from 应为 年-月-日,如 2014-11-13;实为“{shown(v.get('from'))}”"))
            elif _date(v["from"]) in starts:
                out.append((f"{vat}.from", f"两个版本的起用日期都是 {_date(v['from'])};每个版本应有不同的起用日期"))
            else:
                starts.append(_date(v["from"]))
            if not isinstance(v.get("doc"), str) or not v["doc"].strip():
                out.append((f"{vat}.doc" if "doc" in v else vat, "缺少文号 doc(如 中央编办发〔2014〕72号;文号未核实时写明并加 confirmed: false)"))
            if "confirmed" in v and not isinstance(v["confirmed"], bool):
                out.append((f"{vat}.confirmed", "应为 true 或 false(数值是否已核实)"))
            out += _check_formula(vat, {k: v[k] for k in FORMULAS if k in v})
    return out
