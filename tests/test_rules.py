"""Rule checks: each rule, broken by a small inline ledger, gives exactly the expected finding."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import networkx as nx
from hypothesis import given
from hypothesis import strategies as st
from ops_support import run

from orgmodel.core.findings import Source
from orgmodel.rules import RULES, run_rules

DOC = "doc: 青编〔2020〕1号"

# A clean county with one town (population 40,000: band 行政 30 / 事业 35): lines 1-13.
BASE = f"""\
- {{date: 2020-01-01, op: open_division, code: C1, name: 青山县, level: 县}}
- {{date: 2020-01-01, op: open_division, code: T1, name: 青山镇, level: 乡镇, kind: 镇, parent: C1, population: 40000}}
- {{date: 2020-01-01, op: open_pool, name: 收回编制池, kind: 收回, division: 青山县}}
- {{date: 2020-01-02, op: establish, name: 县委编办, division: 青山县, category: 党政机关, rank: 正科}}
- {{date: 2020-01-02, op: establish, name: 党政综合办公室, division: 青山镇, category: 党政机关, rank: 正科}}
- {{date: 2020-01-02, op: establish, name: 便民服务中心, division: 青山镇, category: 事业单位, class: 公益一类, rank: 副科}}
- {{date: 2020-01-03, op: approve, body: 县委编办, type: 行政编制, amount: 8, {DOC}}}
- {{date: 2020-01-03, op: approve, body: 党政综合办公室, type: 行政编制, amount: 30, {DOC}}}
- {{date: 2020-01-03, op: approve, body: 便民服务中心, type: 事业编制, amount: 35, {DOC}}}
- {{date: 2020-01-03, op: approve, body: 收回编制池, type: 事业编制, amount: 5, {DOC}}}
- {{date: 2020-01-04, op: leader_posts, body: 党政综合办公室, posts: {{正职: 1, 副职: 2}}, {DOC}}}
- {{date: 2020-01-05, op: staff, body: 党政综合办公室, actual: {{行政编制: 28}}, leaders: {{正职: 1, 副职: 2}}}}
- {{date: 2020-01-05, op: staff, body: 便民服务中心, actual: {{事业编制: 30}}}}
"""
BASE_LINES = BASE.count("\n")


def at(tmp_path: Path, extra_line: int) -> Source:
    """The source of the ``extra_line``-th (1-based) directive appended to BASE."""
    return Source(str(tmp_path / "ledger.yaml"), BASE_LINES + extra_line)


def base_at(tmp_path: Path, line: int) -> Source:
    return Source(str(tmp_path / "ledger.yaml"), line)


def state_of(tmp_path: Path, extra: str = "", config: str | None = None, as_of=None):
    """Write BASE + extra (and an optional config), load and replay; replay must be clean."""
    state, read_findings = run(tmp_path, extra, config, as_of, base=BASE)
    assert not read_findings and not state.findings, [f.format() for f in [*read_findings, *state.findings]]
    return state, state.config


def findings(tmp_path: Path, extra: str = "", config: str | None = None, as_of=None, mutate=None):
    state, cfg = state_of(tmp_path, extra, config, as_of)
    if mutate is not None:
        mutate(state)
    return run_rules(state, cfg)


def only(found, rule_id):
    """The single finding of ``found``; it must be of ``rule_id``."""
    assert [f.rule for f in found] == [rule_id], [f.format() for f in found]
    return found[0]


def body(state, name):
    return next(b for b in state.bodies.values() if b.name == name)


def test_clean_ledger_has_no_findings(tmp_path):
    assert findings(tmp_path) == []


def test_total_control_mismatch_is_traced_to_the_body(tmp_path):
    def bypass(state):  # an op that changes quota without a flow
        body(state, "党政综合办公室").approved["行政编制"] += 2

    f = only(findings(tmp_path, mutate=bypass), "total-control")
    assert (f.severity, f.body, f.source) == ("error", "党政综合办公室", base_at(tmp_path, 8))
    assert "40 名" in f.message and "38 名" in f.message and "+2" in f.message


def test_transfer_between_jurisdictions_breaks_total_control(tmp_path):
    extra = f"""\
    - {{date: 2020-02-01, op: open_division, code: C2, name: 红河县, level: 县}}
    - {{date: 2020-02-01, op: establish, name: 红河县委编办, division: 红河县, category: 党政机关}}
    - {{date: 2020-02-02, op: transfer, from: 县委编办, to: 红河县委编办, type: 行政编制, amount: 3, {DOC}}}
    """
    f = only(findings(tmp_path, extra), "total-control")
    assert (f.severity, f.body, f.source) == ("error", "红河县委编办", at(tmp_path, 3))
    assert "跨越了辖区" in f.message


def test_cross_level_transfer_is_a_warning_citing_the_basis(tmp_path):
    extra = f"- {{date: 2020-02-01, op: transfer, from: 收回编制池, to: 便民服务中心, type: 事业编制, amount: 2, {DOC}}}\n"
    f = only(findings(tmp_path, extra), "cross-level-transfer")
    assert (f.severity, f.body, f.source) == ("warning", "便民服务中心", at(tmp_path, 1))
    assert "厅字〔2007〕2号" in f.message and "2 名" in f.message


def test_cross_level_function_transfer_is_called_a_function_transfer(tmp_path):
    extra = f"- {{date: 2020-02-01, op: function_transfer, from: 县委编办, to: 党政综合办公室, quota: {{行政编制: 2}}, {DOC}}}\n"
    f = only(findings(tmp_path, extra), "cross-level-transfer")
    assert f.message.startswith("跨层级职责划转:青山县“县委编办”(县级)向青山镇“党政综合办公室”(乡镇级)随职责划转行政编制 2 名")
    assert "调剂行政编制" not in f.message


def test_type_purity(tmp_path):
    extra = f"- {{date: 2020-02-01, op: approve, body: 便民服务中心, type: 行政编制, amount: 2, {DOC}}}\n"
    f = only(findings(tmp_path, extra), "type-purity")
    assert (f.severity, f.body, f.source) == ("error", "便民服务中心", at(tmp_path, 1))
    assert "行政编制" in f.message and "事业编制、工勤编制" in f.message


def test_coordination_body_holds_no_quota_or_posts(tmp_path):
    extra = f"""\
    - {{date: 2020-02-01, op: establish, name: 平安建设领导小组, division: 青山县, category: 议事协调机构}}
    - {{date: 2020-02-02, op: transfer, from: 县委编办, to: 平安建设领导小组, type: 行政编制, amount: 1, {DOC}}}
    - {{date: 2020-02-03, op: leader_posts, body: 平安建设领导小组, posts: {{正职: 1}}, {DOC}}}
    """
    found = findings(tmp_path, extra)
    assert [(f.rule, f.severity, f.body, f.source) for f in found] == [
        ("coordination-quota", "error", "平安建设领导小组", at(tmp_path, 2)),
        ("coordination-quota", "error", "平安建设领导小组", at(tmp_path, 3)),
    ]


def test_no_coordination_body_in_a_township(tmp_path):
    extra = "- {date: 2020-02-01, op: establish, name: 乡村振兴领导小组, division: 青山镇, category: 议事协调机构}\n"
    f = only(findings(tmp_path, extra), "township-coordination")
    assert (f.severity, f.body, f.source) == ("error", "乡村振兴领导小组", at(tmp_path, 1))


def test_over_quota(tmp_path):
    extra = "- {date: 2020-02-01, op: staff, body: 便民服务中心, actual: {事业编制: 37}}\n"
    f = only(findings(tmp_path, extra), "over-quota")
    assert (f.severity, f.body, f.source) == ("error", "便民服务中心", at(tmp_path, 1))
    assert "超编 2 名" in f.message and "实有 37 名" in f.message and "核定 35 名" in f.message


def test_over_leader_posts(tmp_path):
    extra = "- {date: 2020-02-01, op: staff, body: 党政综合办公室, leaders: {副职: 3}}\n"
    f = only(findings(tmp_path, extra), "over-posts")
    assert (f.severity, f.body, f.source) == ("error", "党政综合办公室", at(tmp_path, 1))
    assert "副职超职数 1 名" in f.message


def test_over_rank_and_config_raises_the_cap(tmp_path):
    extra = "- {date: 2020-02-01, op: establish, name: 规划建设站, division: 青山镇, category: 事业单位, rank: 副处}\n"
    f = only(findings(tmp_path, extra), "over-rank")
    assert (f.severity, f.body, f.source) == ("error", "规划建设站", at(tmp_path, 1))
    assert "副处" in f.message and "正科" in f.message
    config = "max_rank_by_level: {乡镇: 副处, 县: 正处}\n"
    assert findings(tmp_path, extra, config) == []


def test_township_limits_by_kind_with_default_and_configured_caps(tmp_path):
    centres = ["党建服务中心", "综合治理中心", "农业综合服务中心", "文化服务站", "退役军人服务站"]
    extra = "".join(
        f"- {{date: 2020-02-01, op: establish, name: {n}, division: 青山镇, category: 事业单位}}\n" for n in centres)
    f = only(findings(tmp_path, extra), "township-limits")  # 6 centres, default 镇 limit 5
    assert (f.severity, f.body, f.source) == ("error", "退役军人服务站", at(tmp_path, 5))
    assert "6 个" in f.message and "限额 5 个" in f.message
    config = "township_limits: {镇: {offices: 7, centres: 6}}\n"
    assert findings(tmp_path, extra, config) == []


def test_township_limits_count_only_own_top_level_bodies(tmp_path):
    extra = """\
    - {date: 2020-02-01, op: establish, name: 经济发展办公室, division: 青山镇, category: 党政机关}
    - {date: 2020-02-01, op: establish, name: 综合办, division: 青山镇, category: 内设机构, parent: 党政综合办公室}
    - {date: 2020-02-01, op: establish, name: 市场监管所办公室, division: 青山镇, category: 派驻机构}
    """
    config = "township_limits: {镇: {offices: 2, centres: 5}}\n"
    assert findings(tmp_path, extra, config) == []


def test_quota_band_reports_towns_far_outside_and_respects_tolerance(tmp_path):
    extra = f"""\
    - {{date: 2020-02-01, op: open_division, code: T2, name: 白石镇, level: 乡镇, kind: 镇, parent: C1, population: 80000}}
    - {{date: 2020-02-02, op: establish, name: 白石镇党政办, division: 白石镇, category: 党政机关}}
    - {{date: 2020-02-03, op: transfer, from: 县委编办, to: 白石镇党政办, type: 行政编制, amount: 8, cross_level: true, {DOC}}}
    """
    found = sorted((f for f in findings(tmp_path, extra) if f.rule == "quota-band"), key=lambda f: f.message)
    # 行政编制 was last changed by the transfer; 事业编制 never was, so its finding is where the town was opened
    assert [(f.severity, f.body, f.source) for f in found] == [("info", "白石镇", at(tmp_path, 1)), ("info", "白石镇", at(tmp_path, 3))]
    assert "8 名" in found[0].message + found[1].message and "约 40 名" in found[0].message + found[1].message
    assert [f for f in findings(tmp_path, extra, "quota_band_tolerance: 1.0\n") if f.rule == "quota-band"] == []


def test_overdue_loan(tmp_path):
    extra = f"""\
    - {{date: 2020-02-01, op: open_pool, name: 周转池, kind: 周转, division: 青山县}}
    - {{date: 2020-02-01, op: approve, body: 周转池, type: 行政编制, amount: 3, {DOC}}}
    - {{date: 2020-02-02, op: transfer, from: 周转池, to: 县委编办, type: 行政编制, amount: 2, term_years: 1, {DOC}}}
    """
    assert findings(tmp_path, extra) == []
    f = only(findings(tmp_path, extra, as_of=dt.date(2021, 3, 1)), "overdue-loan")
    assert (f.severity, f.body, f.source) == ("warning", "县委编办", at(tmp_path, 3))
    assert "2021-02-02" in f.message and "2 名未还" in f.message
    returned = extra + f"- {{date: 2021-01-10, op: return_loan, body: 县委编办, pool: 周转池, type: 行政编制, {DOC}}}\n"
    assert findings(tmp_path, returned, as_of=dt.date(2021, 3, 1)) == []


def test_unique_names_reverifies_the_state(tmp_path):
    def clash(state):  # a signboard hung behind the name index's back
        b = body(state, "便民服务中心")
        state._graph.add_edge(b.node, ("signboard", b.id, "党政综合办公室"), key="carries")

    f = only(findings(tmp_path, mutate=clash), "unique-names")
    assert (f.severity, f.body, f.source) == ("error", "便民服务中心", base_at(tmp_path, 6))


def test_a_led_by_cycle_is_refused_at_the_directive_that_would_close_it(tmp_path):
    loop = """\
- {date: 2020-02-01, op: reclassify, body: 党政综合办公室, led_by: 便民服务中心}
- {date: 2020-02-02, op: reclassify, body: 便民服务中心, led_by: 党政综合办公室}
"""
    state, _ = run(tmp_path, loop, None, None, base=BASE)
    (f,) = state.findings  # refused where the cycle would close, so the rule has nothing to find
    assert (f.rule, f.source) == ("hierarchy-cycle", at(tmp_path, 2))
    assert "会形成循环" in f.message
    assert not [r for r in run_rules(state, state.config) if r.rule == "acyclic-hierarchy"]


def test_abolished_body_holds_nothing(tmp_path):
    extra = f"""\
    - {{date: 2020-02-01, op: establish, name: 旧中心, division: 青山县, category: 事业单位, signboards: [旧牌子]}}
    - {{date: 2020-03-01, op: abolish, body: 旧中心, signboards_to: drop, {DOC}}}
    """
    assert findings(tmp_path, extra) == []

    def leftover(state):
        body(state, "旧中心").actual["事业编制"] = 2

    f = only(findings(tmp_path, extra, mutate=leftover), "abolished-holds")
    assert (f.severity, f.body, f.source) == ("error", "旧中心", at(tmp_path, 2))
    assert "实有事业编制 2 人" in f.message


def test_severity_override_and_disable(tmp_path):
    extra = "- {date: 2020-02-01, op: staff, body: 便民服务中心, actual: {事业编制: 37}}\n"
    f = only(findings(tmp_path, extra, "rules: {over-quota: {severity: warning}}\n"), "over-quota")
    assert f.severity == "warning"
    assert findings(tmp_path, extra, "rules: {over-quota: {enabled: false}}\n") == []


def test_a_bad_rules_section_makes_the_config_unusable(tmp_path):
    import pytest

    from orgmodel.core.config import ConfigError
    from orgmodel.ledger.loading import read_config

    path = tmp_path / "province.yaml"
    path.write_text("# 本省\nrules:\n  no-such-rule: {}\n  over-quota: {severity: fatal}\n", encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        read_config(path)
    lines = str(caught.value).splitlines()
    assert lines[0] == f"{path}:3: [配置有误] rules.no-such-rule: 未知的规则“no-such-rule”;规则见 docs/rules.md"
    assert lines[1] == f"{path}:4: [配置有误] rules.over-quota.severity: “fatal”无效;应为 error、warning 或 info"


def test_defaults_list_every_rule_with_its_default_severity():
    from orgmodel.core.config import load_config
    section = load_config().get("rules")
    assert {k: v["severity"] for k, v in section.items()} == {r.id: r.severity for r in RULES.values()}


def test_docs_describe_every_rule():
    text = (Path(__file__).parents[1] / "docs" / "rules.md").read_text(encoding="utf-8")
    for r in RULES.values():
        assert f"`{r.id}`" in text and r.title in text


def test_hiring_plan_within_vacancies(tmp_path):
    plan = "- {date: 2020-02-01, op: hiring_plan, body: 便民服务中心, type: 事业编制, amount: %d}\n"
    assert findings(tmp_path, plan % 5) == []
    f = only(findings(tmp_path, plan % 6), "plan-over-vacancy")
    assert (f.severity, f.body, f.source) == ("error", "便民服务中心", at(tmp_path, 1))
    assert "计划 6 名" in f.message and "空编 5 名" in f.message


def test_plan_on_an_over_quota_body_is_hiring_over_quota(tmp_path):
    extra = """\
    - {date: 2020-02-01, op: staff, body: 便民服务中心, actual: {事业编制: 36}}
    - {date: 2020-02-02, op: hiring_plan, body: 便民服务中心, type: 事业编制, amount: 2}
    """
    found = findings(tmp_path, extra)
    assert sorted((f.rule, f.severity, f.source) for f in found) == [
        ("hire-over-quota", "error", at(tmp_path, 2)),
        ("over-quota", "error", at(tmp_path, 1)),
    ]  # and no plan-over-vacancy: an over-quota body is hire-over-quota's case


def test_hire_beyond_vacancies_is_hiring_over_quota(tmp_path):
    hire = "- {date: 2020-02-01, op: hire, body: 便民服务中心, type: 事业编制, count: %d}\n"
    assert findings(tmp_path, hire % 5) == []
    found = findings(tmp_path, hire % 6)
    assert sorted(f.rule for f in found) == ["hire-over-quota", "over-quota"]
    assert all(f.source == at(tmp_path, 1) and f.body == "便民服务中心" for f in found)
    assert "超编 1 名" in found[0].message
    departed = hire % 6 + "- {date: 2020-03-01, op: depart, body: 便民服务中心, type: 事业编制, count: 1}\n"
    assert findings(tmp_path, departed) == []


def test_quota_band_counts_the_township_table_total_internal_units_included(tmp_path):
    """The band compares the figure the township table shows, so an internal unit's quota counts."""
    extra = f"""\
    - {{date: 2020-02-01, op: establish, name: 信访办, division: 青山镇, category: 内设机构, parent: 党政综合办公室}}
    - {{date: 2020-02-02, op: approve, body: 信访办, type: 行政编制, amount: 20, {DOC}}}
    """
    found = [f for f in findings(tmp_path, extra) if f.rule == "quota-band"]
    assert [(f.body, f.source) for f in found] == [("青山镇", at(tmp_path, 2))]
    assert "合计 50 名" in found[0].message


def test_the_config_example_in_the_rules_doc_is_read_as_written(tmp_path):
    import re

    from orgmodel.core.config import load_config
    text = (Path(__file__).parents[1] / "docs" / "rules.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```yaml\n(.*?)```", text, re.S)
    path = tmp_path / "orgmodel.yaml"
    path.write_text(block, encoding="utf-8")
    config = load_config(path)
    assert config.get("grid_size") == {"households": {"min": 300, "max": 500}, "population": {"min": 800, "max": 1200}}
    assert config.get("township_limits")["街道"] == {"offices": 4, "centres": 3}
    assert not [f for f in findings(tmp_path, config=block) if f.rule == "config"]


class _Linked:
    """A stand-in for an active body in :func:`_on_cycles`: only its node is read."""

    active = True

    def __init__(self, i: int):
        self.node = ("body", i)


class _Links:
    def __init__(self, pairs):
        self.pairs = pairs

    def hierarchy_links(self):
        return iter(self.pairs)


@given(st.lists(st.tuples(st.integers(0, 7), st.integers(0, 7), st.sampled_from(["part_of", "led_by"])), max_size=20))
def test_the_bodies_kept_for_the_cycle_search_are_exactly_the_closed_core(edges):
    """Every body on a cycle is kept; every body kept has a link in and a link out among those
    kept; and nothing more is kept (the largest such set, found by a plain fixpoint)."""
    from orgmodel.rules.structure import _on_cycles

    bodies = {i: _Linked(i) for i in range(8)}
    kept = _on_cycles(_Links([(bodies[u], kind, bodies[v]) for u, v, kind in edges]))
    g = nx.DiGraph([(bodies[u].node, bodies[v].node) for u, v, _ in edges])
    assert {n for cycle in nx.simple_cycles(g) for n in cycle} <= kept
    core = set(g)
    while drop := {n for n in core if not set(g.successors(n)) & core or not set(g.predecessors(n)) & core}:
        core -= drop
    assert kept == core
