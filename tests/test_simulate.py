"""``orgmodel simulate`` / ``compare``: what a scenario changes, its findings, and a base left untouched."""

from __future__ import annotations

import hashlib
import json
import textwrap
from pathlib import Path

from conftest import run_cli

from orgmodel.answers.scenario import load_scenario, simulate
from orgmodel.ledger import load

DOC = "doc: 青编〔2021〕1号"

BASE = f"""\
- {{date: 2021-01-01, op: open_division, code: "370100", name: 青山县, level: 县}}
- {{date: 2021-01-01, op: open_division, code: "370101", name: 东镇, level: 乡镇, kind: 镇, parent: 青山县}}
- {{date: 2021-01-01, op: open_pool, name: 收回编制池, kind: 收回, division: 青山县}}
- {{date: 2021-01-01, op: establish, name: 县委政法委, division: 青山县, category: 党政机关}}
- {{date: 2021-01-01, op: establish, name: 综治中心, division: 青山县, category: 事业单位, class: 公益一类}}
- {{date: 2021-01-01, op: establish, name: 综合治理中心, division: 东镇, category: 事业单位, class: 公益一类}}
- {{date: 2021-01-02, op: approve, body: 综治中心, type: 事业编制, amount: 6, {DOC}}}
- {{date: 2021-01-02, op: approve, body: 收回编制池, type: 事业编制, amount: 10, {DOC}}}
- {{date: 2021-01-02, op: approve, body: 综合治理中心, type: 事业编制, amount: 5, {DOC}}}
- {{date: 2021-01-03, op: staff, body: 综治中心, actual: {{事业编制: 6}}}}
"""

GOOD = f"""\
name: 组建社会治理中心
description: 测试方案
as_of: 2021-12-31
directives:
  - {{date: 2021-06-01, op: rename, body: 综治中心, to: 社会治理中心, keep_signboard: true}}
  - {{date: 2021-06-01, op: transfer, from: 收回编制池, to: 社会治理中心, type: 事业编制, amount: 4, {DOC}}}
  - {{date: 2021-06-01, op: leader_posts, body: 社会治理中心, posts: {{正职: 1, 副职: 1}}, {DOC}}}
  - {{date: 2021-06-01, op: signboard_add, body: 东镇/综合治理中心, name: 网格化服务管理中心}}
"""

BAD = f"""\
name: 错误方案
as_of: 2021-12-31
directives:
  - {{date: 2021-06-01, op: transfer, from: 收回编制池, to: 综治中心, type: 事业编制, amount: 40, {DOC}}}
  - {{date: 2021-06-01, op: rename, body: 不存在的中心, to: 新中心}}
  - {{date: 2022-03-01, op: transfer, from: 收回编制池, to: 综治中心, type: 事业编制, amount: 1, {DOC}}}
  - {{date: 2021-06-01, op: transfer, to: 综治中心, type: 事业编制, amount: 1, {DOC}}}
"""


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def setup(tmp_path: Path, scenario: str = GOOD) -> tuple[Path, Path]:
    base = tmp_path / "base"
    write(base / "ledger.yaml", BASE)
    return base, write(tmp_path / "scenario.yaml", scenario)


def digests(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_simulation_api_reports_changes_diff_flows_and_tree(tmp_path):
    base, sc = setup(tmp_path)
    ledger = load(base)
    sim = simulate(ledger, load_scenario(sc, ledger.config))
    assert str(sim.as_of) == "2021-12-31"
    assert {c["kind"] for c in sim.changes} == {"renamed", "signboard_added"}
    row = sim.balance_diff.set_index("body").loc["社会治理中心"]
    assert (row["former_name"], row["status"], row["before_approved"], row["after_approved"]) == ("综治中心", "更名", 6, 10)
    assert (row["before_vacant"], row["after_vacant"]) == (0, 4)
    tot = sim.totals.set_index("quota_type").loc["事业编制"]
    assert (tot["before_total"], tot["after_total"], tot["before_pools"], tot["after_pools"]) == (21, 21, 10, 6)
    assert sim.flows == [{"date": "2021-06-01", "doc": "青编〔2021〕1号", "kind": "transfer", "kind_label": "调剂",
                          "source_label": "收回编制池", "target_label": "社会治理中心", "quota_type": "事业编制",
                          "amount": 4, "cross_level": False, "approved_by": None, "source": f"{sc}:6"}]
    assert set(sim.leader_diff["post"]) == {"正职", "副职"}
    assert {r["body"] for r in sim.tree_after} == {"社会治理中心", "综合治理中心"}
    assert {r["body"] for r in sim.tree_before} == {"综治中心", "综合治理中心"}


def test_simulate_json_shape(tmp_path):
    base, sc = setup(tmp_path)
    result = run_cli("simulate", base, sc, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"changes", "balance_diff", "township_diff", "totals", "findings", "flows", "tree"} <= set(data)
    row = next(r for r in data["balance_diff"] if r["body"] == "社会治理中心")
    assert row["division"] == "青山县" and row["quota_type"] == "事业编制"
    assert row["before"] == {"approved": 6, "actual": 6, "vacant": 0, "over": 0}
    assert row["after"] == {"approved": 10, "actual": 6, "vacant": 4, "over": 0}
    assert all({"rule", "severity", "message", "source"} <= set(f) for f in data["findings"])
    assert not [f for f in data["findings"] if f["severity"] == "error"]


def test_simulate_table_lists_changes_and_before_after(tmp_path):
    base, sc = setup(tmp_path)
    result = run_cli("simulate", base, sc)
    assert result.exit_code == 0, result.output
    assert "“综治中心”更名为“社会治理中心”" in result.stdout
    assert "6 → 10" in result.stdout
    assert "未发现问题" in result.stdout or "0 个错误" in result.stdout


def test_scenario_with_errors_exits_1_and_lists_every_error_with_file_line(tmp_path):
    base, sc = setup(tmp_path, BAD)
    result = run_cli("simulate", base, sc)
    assert result.exit_code == 1, result.output
    out = result.stdout
    assert f"{sc}:4: [编制不足]" in out
    assert f"{sc}:5: [找不到机构]" in out
    assert f"{sc}:6: [晚于模拟日期]" in out
    assert f"{sc}:7: [缺少必填项]" in out
    assert "Traceback" not in result.output


def test_base_files_are_byte_identical_after_simulate_and_compare(tmp_path):
    base, sc = setup(tmp_path)
    bad = write(tmp_path / "bad.yaml", BAD)
    before = digests(base)
    run_cli("simulate", base, sc, "--format", "json")
    run_cli("simulate", base, bad)
    run_cli("compare", base, sc, bad)
    run_cli("trace", base, "社会治理中心", "--scenario", sc)
    assert digests(base) == before
    assert sorted(p.name for p in base.rglob("*")) == ["ledger.yaml"]


def test_unreadable_scenario_exits_2(tmp_path):
    base, _ = setup(tmp_path)
    result = run_cli("simulate", base, tmp_path / "missing.yaml")
    assert result.exit_code == 2
    assert "找不到方案文件" in result.output


def test_scenario_directive_breaking_a_later_base_directive_is_reported(tmp_path):
    base, _ = setup(tmp_path)
    write(base / "later.yaml", f"- {{date: 2021-09-01, op: transfer, from: 收回编制池, to: 综治中心, type: 事业编制, amount: 8, {DOC}}}\n")
    sc = write(tmp_path / "s.yaml", f"directives:\n  - {{date: 2021-06-01, op: transfer, from: 收回编制池, to: 东镇/综合治理中心, type: 事业编制, amount: 5, {DOC}}}\n")
    ledger = load(base)
    sim = simulate(ledger, load_scenario(sc, ledger.config))
    assert str(sim.as_of) == "2021-09-01"
    assert [f.rule for f in sim.findings if f.severity == "error"] == ["insufficient-quota"]
    assert sim.findings[0].source.file.endswith("later.yaml")


def test_compare_puts_base_and_scenarios_side_by_side(tmp_path):
    base, sc = setup(tmp_path)
    other = write(tmp_path / "other.yaml", f"""\
        name: 方案乙
        directives:
          - {{date: 2021-06-01, op: transfer, from: 收回编制池, to: 东镇/综合治理中心, type: 事业编制, amount: 3, {DOC}}}
        """)
    result = run_cli("compare", base, sc, other, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert [s["scenario"] for s in data["scenarios"]] == ["组建社会治理中心", "方案乙"]

    def values(row):
        return (row["base"], *(v["value"] for v in row["scenarios"]))
    pools = next(r for r in data["totals"] if r["quota_type"] == "事业编制" and r["metric"] == "pools")
    assert values(pools) == (10, 6, 7)
    town = next(r for r in data["townships"] if r["division"] == "东镇" and r["metric"] == "approved")
    assert values(town) == (5, 5, 8)
    table = run_cli("compare", base, sc, other)
    assert "全辖区总量" in table.stdout and "方案乙" in table.stdout
    csv = run_cli("compare", base, sc, other, "--format", "csv")
    assert csv.stdout.lstrip("\ufeff").splitlines()[0] == "区划,机构,编制类型,指标,现状,组建社会治理中心,方案乙"


def _ascii_keys(value) -> bool:
    if isinstance(value, dict):
        return all(k.isascii() and _ascii_keys(v) for k, v in value.items())
    return all(_ascii_keys(v) for v in value) if isinstance(value, list) else True


MERGE = f"""\
name: 合并方案
directives:
  - {{date: 2021-06-01, op: merge, sources: [综治中心], into: 县委政法委, {DOC}}}
"""


def test_compare_lists_changed_county_bodies_side_by_side(tmp_path):
    base, sc = setup(tmp_path)
    merge = write(tmp_path / "merge.yaml", MERGE)
    data = json.loads(run_cli("compare", base, sc, merge, "--format", "json").stdout)
    assert _ascii_keys(data), "JSON keys must all be English"
    rows = {(r["body"], r["metric"]): (r["base"], *(v["value"] for v in r["scenarios"])) for r in data["bodies"]}
    # 综治中心 is renamed in one plan (matched across replays) and merged away in the other.
    assert rows[("综治中心", "approved")] == (6, 10, 0)
    assert rows[("综治中心", "actual")] == (6, 6, 0)
    assert rows[("县委政法委", "approved")] == (0, 0, 6)
    assert all(r["division"] == "青山县" and r["quota_type"] == "事业编制" for r in data["bodies"])
    table = run_cli("compare", base, sc, merge).stdout
    section = table[table.index("有变化的机构"):]
    assert "县委政法委" in section and "机构" in section and "合并方案" in section
    assert any("综治中心" in x and "核定" in x and x.split()[-3:] == ["6", "10", "0"] for x in section.splitlines())


def test_compare_lists_each_scenarios_errors_with_file_line(tmp_path):
    base, sc = setup(tmp_path)
    bad = write(tmp_path / "bad.yaml", BAD)
    result = run_cli("compare", base, sc, bad)
    assert result.exit_code == 1
    out = result.stdout
    listed = out[out.index("错误方案:共"):]
    assert f"{bad}:4: [编制不足]" in listed and f"{bad}:5: [找不到机构]" in listed
    assert f"{bad}:7: [缺少必填项]" in listed
    data = json.loads(run_cli("compare", base, sc, bad, "--format", "json").stdout)
    wrong = data["scenarios"][1]
    assert wrong["scenario"] == "错误方案" and wrong["errors"] == 4
    assert [f["source"] for f in wrong["findings"] if f["rule"] == "unknown-body"] == [f"{bad}:5"]


OVER_BASE = BASE + "- {date: 2021-01-03, op: staff, body: 东镇/综合治理中心, actual: {事业编制: 7}}\n"


def test_base_errors_are_inherited_and_only_the_plans_errors_fail(tmp_path):
    base = tmp_path / "base"
    write(base / "ledger.yaml", OVER_BASE)
    harmless = write(tmp_path / "good.yaml", GOOD)
    result = run_cli("simulate", base, harmless, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert not [f for f in data["findings"] if f["rule"] == "over-quota"]
    inherited = [f for f in data["inherited_findings"] if f["rule"] == "over-quota"]
    assert len(inherited) == 1 and inherited[0]["severity"] == "error" and inherited[0]["body"] == "综合治理中心"
    table = run_cli("simulate", base, harmless)
    assert table.exit_code == 0 and "台账原有问题:共 1 个错误" in table.stdout and "orgmodel check" in table.stdout
    assert "[超编]" not in table.stdout

    causing = write(tmp_path / "over.yaml", f"""\
        as_of: 2021-12-31
        directives:
          - {{date: 2021-06-01, op: cut, from: 综治中心, type: 事业编制, amount: 2, {DOC}}}
        """)
    result = run_cli("simulate", base, causing, "--format", "json")
    assert result.exit_code == 1, result.output
    data = json.loads(result.stdout)
    caused = [f for f in data["findings"] if f["rule"] == "over-quota"]
    assert [f["body"] for f in caused] == ["综治中心"]
    assert [f["body"] for f in data["inherited_findings"] if f["rule"] == "over-quota"] == ["综合治理中心"]


def test_a_plan_that_fixes_a_base_error_inherits_nothing_of_it(tmp_path):
    base = tmp_path / "base"
    write(base / "ledger.yaml", OVER_BASE)
    fix = write(tmp_path / "fix.yaml", f"""\
        directives:
          - {{date: 2021-06-01, op: increase, to: 东镇/综合治理中心, type: 事业编制, amount: 2, {DOC}}}
        """)
    ledger = load(base)
    sim = simulate(ledger, load_scenario(fix, ledger.config))
    assert not [f for f in sim.findings + sim.inherited if f.rule == "over-quota"]


def test_hiring_plans_and_hires_are_listed_as_changes(tmp_path):
    base, sc = setup(tmp_path, """\
        as_of: 2021-12-31
        directives:
          - {date: 2021-06-01, op: hiring_plan, body: 东镇/综合治理中心, type: 事业编制, amount: 3}
          - {date: 2021-07-01, op: hire, body: 东镇/综合治理中心, type: 事业编制, count: 2}
        """)
    ledger = load(base)
    sim = simulate(ledger, load_scenario(sc, ledger.config))
    assert [(c["kind"], c["text"]) for c in sim.changes] == [
        ("hiring_plan", "东镇“综合治理中心”下达用编进人计划:事业编制 3 名(现有空编 5 名)"),
        ("hired", "东镇“综合治理中心”进人:事业编制 2 名(实有 0 → 2 名)")]
    table = run_cli("simulate", base, sc)
    assert table.exit_code == 0, table.output
    assert "[用编进人计划] 东镇“综合治理中心”" in table.stdout and "[进人] 东镇“综合治理中心”" in table.stdout
    run_cli("report", "scenario", base, sc, "--out", tmp_path / "page")
    page = (tmp_path / "page" / "index.html").read_text(encoding="utf-8")
    assert "用编进人计划</span> 1 项" in page and "进人</span> 1 项" in page


def test_compare_the_same_plan_twice_gives_two_columns(tmp_path):
    from orgmodel.commands.simulate_cmds import column_names

    assert column_names(["甲", "甲", "乙"], ["a.yaml", "b.yaml", "c.yaml"]) == ["a.yaml", "b.yaml", "乙"]
    assert column_names(["甲", "甲"], ["a.yaml", "a.yaml"]) == ["a.yaml(1)", "a.yaml(2)"]


def test_compare_shows_a_body_both_plans_create_on_one_row(tmp_path):
    base, _ = setup(tmp_path)
    plan = """\
name: {name}
as_of: 2021-12-31
directives:
  - {{date: 2021-06-01, op: establish, name: 党员教育中心, division: 东镇, category: 事业单位,
     quota_from: [{{from: 收回编制池, type: 事业编制, amount: {n}}}], {doc}}}
"""
    a = write(tmp_path / "a.yaml", plan.format(name="甲", n=4, doc=DOC))
    b = write(tmp_path / "b.yaml", plan.format(name="乙", n=3, doc=DOC))
    data = json.loads(run_cli("compare", base, a, b, "--format", "json").stdout)
    rows = [r for r in data["bodies"] if r["body"] == "党员教育中心" and r["metric"] == "approved"]
    assert [(r["base"], *(v["value"] for v in r["scenarios"])) for r in rows] == [(0, 4, 3)]
