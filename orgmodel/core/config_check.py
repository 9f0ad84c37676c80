"""Check a province's configuration file the way a ledger is checked: every problem at its
line, in Chinese, all in one pass.

Each top-level key has a checker that says what is wrong with its value (or nothing); a
key the defaults do not have is a problem too, since a misspelt key would otherwise be
ignored without a word.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import yaml

from .kinds import LEVELS
from .schema import shown
from .standards import check_standards

SEVERITIES = ("error", "warning", "info")
MAX_NUMBER = 1_000_000_000


def key_lines(text: str) -> dict[str, int]:
    """``{"rules.over-quota.severity": line}`` for every mapping key of the YAML text."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return {}
    out: dict[str, int] = {}
    stack = [(root, "")]
    while stack:
        node, prefix = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                path = f"{prefix}.{k.value}" if prefix else str(k.value)
                out[path] = k.start_mark.line + 1
                stack.append((v, path))
        elif isinstance(node, yaml.SequenceNode):
            for i, v in enumerate(node.value):
                path = f"{prefix}[{i}]"
                out[path] = v.start_mark.line + 1
                stack.append((v, path))
    return out


Problem = tuple[str, str]  # (key path, Chinese message)


def _is_text(v) -> bool:
    return isinstance(v, str) and bool(v.strip())


def _is_count(v, low: int = 0, high: int = MAX_NUMBER) -> bool:
    return isinstance(v, int) and not isinstance(v, bool) and low <= v <= high


def _texts(key: str, value, allowed=None, non_empty: bool = True) -> list[Problem]:
    if not isinstance(value, list) or (non_empty and not value):
        return [(key, f"应为{'非空' if non_empty else ''}列表,例如 [行政编制, 事业编制]")]
    out = [(f"{key}[{i}]", "应为文字") for i, v in enumerate(value) if not _is_text(v)]
    if allowed is not None:
        out += [(f"{key}[{i}]", f"“{shown(v)}”无效;应为 {'、'.join(allowed)} 之一")
                for i, v in enumerate(value) if _is_text(v) and v not in allowed]
    dups = sorted({v for v in value if isinstance(v, str) and value.count(v) > 1})
    out += [(key, f"“{v}”写了不止一次") for v in dups]
    return out


def _mapping(key: str, value, example: str) -> list[Problem] | None:
    return None if isinstance(value, dict) else [(key, f"应为映射,例如 {example}")]


def check_config(data: dict, known: dict, keys=None, rule_ids: Collection[str] | None = None) -> list[Problem]:
    """Every problem with the ``keys`` (all when None) of ``data`` (the defaults with the
    user's keys over them); ``known`` are the defaults, whose keys are the only ones allowed.
    ``rule_ids`` are the rules a ``rules:`` section may name: the caller takes them from the
    rule registry (the configuration sits below the rules and does not import them); when
    None, the ids are not checked (a configuration stored in a database was checked when it
    was imported)."""
    qtypes = data.get("quota_types") if isinstance(data.get("quota_types"), list) else []
    ranks = data.get("rank_order") if isinstance(data.get("rank_order"), list) else []
    checkers: dict[str, Callable[[str, object], list[Problem]]] = {
        "ignore": lambda k, v: _texts(k, v, non_empty=False),
        "quota_types": _texts,
        "leader_kinds": _texts,
        "rank_order": _texts,
        "type_purity": lambda k, v: _mapping(k, v, "{党政机关: [行政编制]}") or [
            p for cat, types in v.items() for p in _texts(f"{k}.{cat}", types, qtypes, non_empty=False)],
        "max_rank_by_level": lambda k, v: _mapping(k, v, "{乡镇: 正科}") or [
            (f"{k}.{lv}", f"“{shown(r)}”无效;应为 {'、'.join(map(str, ranks))} 之一") for lv, r in v.items() if r not in ranks] + [
            (f"{k}.{lv}", f"层级“{lv}”无效;应为 {'、'.join(LEVELS)} 之一") for lv in v if lv not in LEVELS],
        "township_limits": _township_limits,
        "coordination_limits": lambda k, v: _mapping(k, v, "{县: 20, 市: 30}") or [
            (f"{k}.{lv}", f"层级“{lv}”无效;应为 {'、'.join(LEVELS)} 之一") for lv in v if lv not in LEVELS] + [
            (f"{k}.{lv}", f"应为 0 到 1000 的整数,实为“{shown(n)}”") for lv, n in v.items() if lv in LEVELS and not _is_count(n, 0, 1000)],
        "township_body_suffixes": lambda k, v: _mapping(k, v, "{offices: [办公室], centres: [中心]}") or [
            p for part in ("offices", "centres") for p in _texts(f"{k}.{part}", v.get(part))],
        "quota_bands": lambda k, v: _quota_bands(k, v, qtypes),
        "quota_band_tolerance": lambda k, v: [] if isinstance(v, (int, float)) and not isinstance(v, bool)
        and 0 <= v <= 10 else [(k, f"应为 0 到 10 之间的数(如 0.5 表示上下浮动 50%),实为“{shown(v)}”")],
        "loan_term_years": lambda k, v: [] if _is_count(v, 1, 50) else [(k, f"应为 1 到 50 之间的整数(年),实为“{shown(v)}”")],
        "grid_size": _grid_size,
        "rules": lambda k, v: _rules(k, v, rule_ids),
        "standards": lambda k, v: check_standards(k, v, qtypes),
        "templates": _templates,
        "signoff": lambda k, v: _mapping(k, v, "{unit: 青山县委编办, preparer: 张三}") or [
            (f"{k}.{f}", "未知的签字栏项目;可用 unit(填报单位)、preparer(制表人)、reviewer(审核人)、date(填报日期)")
            for f in v if f not in ("unit", "preparer", "reviewer", "date")] + [
            (f"{k}.{f}", "应为文字") for f, x in v.items() if isinstance(x, (dict, list))],
    }
    out: list[Problem] = []
    for key in (data if keys is None else keys):
        value = data.get(key)
        if key not in known:
            out.append((str(key), f"未知的配置项“{key}”;可用的配置项:{'、'.join(known)}"))
            continue
        check = checkers.get(key)
        if check is not None:
            out.extend(check(key, value))
    return out


def _township_limits(key: str, value) -> list[Problem]:
    bad = _mapping(key, value, "{镇: {offices: 7, centres: 5}}")
    if bad:
        return bad
    out = []
    for kind, limits in value.items():
        if not isinstance(limits, dict):
            out.append((f"{key}.{kind}", f"应为 {{offices: 办公室限额, centres: 中心限额}},实为“{shown(limits)}”"))
            continue
        for part in ("offices", "centres"):
            if not _is_count(limits.get(part), 0, 1000):
                out.append((f"{key}.{kind}.{part}" if part in limits else f"{key}.{kind}", f"{part} 应为 0 到 1000 的整数"))
    return out


def _quota_bands(key: str, value, qtypes) -> list[Problem]:
    if not isinstance(value, list) or not value:
        return [(key, "应为列表,每项如 {max_population: 50000, 行政编制: 30, 事业编制: 35}")]
    out = []
    for i, band in enumerate(value):
        where = f"{key}[{i}]"
        if not isinstance(band, dict):
            out.append((where, "应为映射,如 {max_population: 50000, 行政编制: 30}"))
            continue
        top = band.get("max_population")
        if top is not None and not _is_count(top):
            out.append((f"{where}.max_population", "应为人口数(整数)或 null(不设上限)"))
        for t, n in band.items():
            if t == "max_population":
                continue
            if t not in qtypes:
                out.append((f"{where}.{t}", f"未知的编制类型“{t}”;应为 {'、'.join(map(str, qtypes))} 之一"))
            elif not _is_count(n):
                out.append((f"{where}.{t}", f"应为非负整数,实为“{shown(n)}”"))
    return out


def _grid_size(key: str, value) -> list[Problem]:
    bad = _mapping(key, value, "{households: {min: 300, max: 500}}")
    if bad:
        return bad
    out = []
    for part, span in value.items():
        if part not in ("households", "population"):
            out.append((f"{key}.{part}", "应为 households 或 population"))
        elif not isinstance(span, dict) or not _is_count(span.get("min")) or not _is_count(span.get("max")):
            out.append((f"{key}.{part}", "应为 {min: 整数, max: 整数}"))
        elif span["min"] > span["max"]:
            out.append((f"{key}.{part}", f"min({span['min']})大于 max({span['max']})"))
    return out


def _rules(key: str, value, rule_ids: Collection[str] | None) -> list[Problem]:
    bad = _mapping(key, value, "{overdue-loan: {severity: error}}")
    if bad:
        return bad
    out = []
    for rid, setting in value.items():
        where = f"{key}.{rid}"
        if rule_ids is not None and rid not in rule_ids:
            out.append((where, f"未知的规则“{rid}”;规则见 docs/rules.md"))
        elif not isinstance(setting, dict):
            out.append((where, "应为 {severity: error|warning|info, enabled: true|false}"))
        else:
            if "severity" in setting and setting["severity"] not in SEVERITIES:
                out.append((f"{where}.severity", f"“{shown(setting['severity'])}”无效;应为 error、warning 或 info"))
            if "enabled" in setting and not isinstance(setting["enabled"], bool):
                out.append((f"{where}.enabled", "应为 true 或 false"))
            out += [(f"{where}.{k}", f"未知的设置“{k}”;可用 severity、enabled") for k in setting
                    if k not in ("severity", "enabled")]
    return out


def _templates(key: str, value) -> list[Problem]:
    bad = _mapping(key, value, "{7办4中心: {kind: [镇, 乡], bodies: [...]}}")
    if bad:
        return bad
    out = []
    for name, tpl in value.items():
        where = f"{key}.{name}"
        if not isinstance(tpl, dict) or not isinstance(tpl.get("bodies"), list):
            out.append((where, "应为 {kind: [镇, 乡], bodies: [{name: 机构名称, category: 机构类别}, …]}"))
            continue
        for i, entry in enumerate(tpl["bodies"]):
            if not isinstance(entry, dict) or not _is_text(entry.get("name")):
                out.append((f"{where}.bodies[{i}]", "每个机构应为映射,至少写明 name"))
    return out
