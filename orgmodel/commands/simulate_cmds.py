"""``simulate``, ``compare`` and ``trace``: reorganisation scenarios and quota provenance."""

from __future__ import annotations

import json
import sys

import click
import pandas as pd

from ..balance import total_balance, township_balance
from ..findings import Finding, has_errors, sort_findings
from ..labels import label
from ..provenance import find_holder
from ..provenance import trace as trace_holder
from ..scenario import ScenarioError, load_scenario, scenario_as_of
from ..scenario import simulate as run_simulation
from ..textable import render_table
from .options import (
    EXIT_UNREADABLE,
    as_of_option,
    config_option,
    echo_frame,
    exit_for,
    format_option,
    open_ledger,
    records,
    summary_line,
)

MEASURES = ["approved", "actual", "vacant", "over"]
EXTRA_LABELS = {"status": "变化", "former_name": "原名称", "measure": "指标"}
CHANGE_LABELS = {"created": "新设", "abolished": "撤销", "renamed": "更名", "merged": "合并", "split": "分设",
                 "signboard_added": "加挂牌子", "signboard_removed": "摘除牌子", "signboard_moved": "牌子移挂",
                 "reclassified": "调整属性", "function_transferred": "职责划转", "template_applied": "统一设置",
                 "hiring_plan": "用编进人计划", "hired": "进人"}


def open_scenario(path: str, config):
    """Load a scenario, turning an unreadable file into exit code 2."""
    try:
        return load_scenario(path, config)
    except ScenarioError as exc:
        click.echo(f"错误:{exc}", err=True)
        sys.exit(EXIT_UNREADABLE)


def _arrow(b, a) -> str:
    return str(a) if b == a else f"{b} → {a}"


def before_after_table(df: pd.DataFrame, keys: list[str], values: list[str]) -> str:
    """Render before_/after_ column pairs as ``b → a`` cells under Chinese headers."""
    rows = [[*(r[k] for k in keys), *(_arrow(r[f"before_{v}"], r[f"after_{v}"]) for v in values)]
            for r in df.to_dict("records")]
    return render_table([EXTRA_LABELS.get(c) or label(c) for c in keys + values], rows, [False] * len(keys) + [True] * len(values))


def nested(df: pd.DataFrame, keys: list[str], values: list[str]) -> list[dict]:
    """Rows as ``{keys..., before: {values}, after: {values}}`` (the simulate JSON shape)."""
    out = []
    for r in records(df):
        row = {k: r[k] for k in keys}
        for side in ("before", "after"):
            row[side] = {v: r[f"{side}_{v}"] for v in values}
        out.append(row)
    return out


def simulation_json(sim) -> dict:
    body_keys = ["division", "body", "former_name", "status", "quota_type"]
    return {
        "scenario": {"name": sim.scenario.name, "description": sim.scenario.description,
                     "as_of": sim.as_of.isoformat() if sim.as_of else None, "path": sim.scenario.path},
        "changes": sim.changes,
        "balance_diff": nested(sim.balance_diff, body_keys, MEASURES),
        "leader_diff": nested(sim.leader_diff, [*body_keys[:-1], "post"], MEASURES),
        "township_diff": nested(sim.township_diff, ["division", "quota_type"], [*MEASURES, "grids", "off_quota_staff"]),
        "totals": nested(sim.totals, ["quota_type"], [*MEASURES, "pools", "total"]),
        "off_quota": sim.off_quota,
        "flows": sim.flows,
        "tree": {"before": sim.tree_before, "after": sim.tree_after},
        "findings": [f.to_record() for f in sort_findings(sim.findings)],
        "inherited_findings": [f.to_record() for f in sort_findings(sim.inherited)],
    }


def echo_simulation(sim) -> None:
    click.echo(f"方案:{sim.scenario.name}(模拟日期 {sim.as_of})")
    if sim.scenario.description:
        click.echo(sim.scenario.description)
    click.echo("\n一、机构变化")
    for c in sim.changes:
        doc = f"({c['doc']})" if c["doc"] else ""
        click.echo(f"  {c['date']} [{CHANGE_LABELS.get(c['kind'], c['kind'])}] {c['text']}{doc}")
    if not sim.changes:
        click.echo("  (无)")
    sections = [
        ("二、机构编制(前 → 后)", sim.balance_diff, ["division", "body", "status", "quota_type"], MEASURES),
        ("三、领导职数(前 → 后)", sim.leader_diff, ["division", "body", "post"], MEASURES),
        ("四、乡镇(街道)编制(前 → 后)", sim.township_diff, ["division", "quota_type"], [*MEASURES, "grids", "off_quota_staff"]),
        ("五、全辖区总量(前 → 后)", sim.totals, ["quota_type"], [*MEASURES, "pools", "total"]),
    ]
    for title, df, keys, values in sections:
        click.echo(f"\n{title}")
        click.echo(before_after_table(df, keys, values) if len(df) else "  (无变化)")
    for row in sim.off_quota:
        click.echo(f"  编外:{row['division']} 网格 {_arrow(row['before']['grids'], row['after']['grids'])},"
                   f"编外人员 {_arrow(sum(row['before']['staff'].values()), sum(row['after']['staff'].values()))}")
    click.echo("\n六、问题(方案引起)")
    for f in sort_findings(sim.findings):
        click.echo(f.format())
    click.echo(summary_line(sim.findings))
    if sim.inherited:
        click.echo(f"\n台账原有问题:{summary_line(sim.inherited)}(不计入本方案;运行 orgmodel check 查看)")


@click.command()
@click.argument("ledger")
@click.argument("scenario")
@as_of_option
@config_option
@format_option("table", "json")
def simulate(ledger, scenario, as_of, config_path, fmt):
    """模拟改革方案:台账 + 方案指令,列出变化和方案引起的问题,不改动台账。

    台账原有的问题只计数(运行 orgmodel check 查看)。方案引起错误时退出码 1,无法读取 2。"""
    led = open_ledger(ledger, config_path)
    sim = run_simulation(led, open_scenario(scenario, led.config), as_of)
    if fmt == "json":
        click.echo(json.dumps(simulation_json(sim), ensure_ascii=False, indent=2))
    else:
        echo_simulation(sim)
    sys.exit(exit_for(sim.findings))


def _long(df: pd.DataFrame, keys: list[str], values: list[str], name: str) -> pd.Series:
    return df.set_index(keys)[values].rename_axis(columns="measure").stack().rename(name)


def compare_frames(sims, names) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Totals and per-township balance of the base and each scenario, one column each."""
    base = sims[0].before
    tot = [_long(total_balance(base), ["quota_type"], [*MEASURES, "pools", "total"], "现状")]
    town = [_long(township_balance(base), ["division", "quota_type"], MEASURES, "现状")]
    for sim, name in zip(sims, names):
        tot.append(_long(total_balance(sim.after), ["quota_type"], [*MEASURES, "pools", "total"], name))
        town.append(_long(township_balance(sim.after), ["division", "quota_type"], MEASURES, name))
    frames = []
    for parts in (tot, town):
        df = pd.concat(parts, axis=1).fillna(0).astype(int).reset_index()
        df["measure"] = df["measure"].map(label)
        frames.append(df.rename(columns=EXTRA_LABELS))
    return frames[0], frames[1]


@click.command()
@click.argument("ledger")
@click.argument("scenarios", nargs=-1, required=True)
@as_of_option
@config_option
@format_option("table", "csv", "json")
def compare(ledger, scenarios, as_of, config_path, fmt):
    """比较多个方案:现状与各方案的全辖区总量和各乡镇编制并列显示。"""
    led = open_ledger(ledger, config_path)
    sims = []
    for path in scenarios:  # scenarios simulated on the same day share one replay of the base
        base = next((s.before for s in sims), None)
        sims.append(run_simulation(led, open_scenario(path, led.config), as_of, base=base))
    names = [s.scenario.name if [x.scenario.name for x in sims].count(s.scenario.name) == 1 else s.scenario.path
             for s in sims]
    totals, towns = compare_frames(sims, names)
    findings: list[Finding] = [f for s in sims for f in s.findings]
    if fmt == "json":
        click.echo(json.dumps({"scenarios": names, "totals": records(totals), "townships": records(towns),
                               "findings": {n: [f.to_record() for f in sort_findings(s.findings)]
                                            for n, s in zip(names, sims)}}, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        both = pd.concat([totals.assign(division="全辖区"), towns])
        echo_frame(both[["division", "quota_type", "指标", "现状", *names]], "csv")
    else:
        click.echo("全辖区总量")
        echo_frame(totals, "table")
        click.echo("\n各乡镇(街道)")
        echo_frame(towns, "table")
        for name, sim in zip(names, sims):
            click.echo(f"\n{name}:{summary_line(sim.findings)}")
    sys.exit(1 if has_errors(findings) else 0)


def trace_lines(t) -> list[str]:
    """The provenance tree in Chinese, one step per line, then the check line."""
    holder = t.holder
    div = t.state.divisions.get(holder.division)
    lines = [f"{div.name if div else ''}“{holder.name}”编制来源(截至 {t.state.as_of})"]
    former = [n for _, n in getattr(holder, "names", [])[:-1]]
    if former:
        lines.append(f"曾用名:{'、'.join(former)}")
    for r in t.records():
        pad = "  " * (r["depth"] + 1) + ("└ " if r["depth"] else "")
        if r["date"] is None:
            lines.append(f"{pad}{r['quota_type']} {r['amount']} 名:无来源记录")
            continue
        cross = "(跨层级)" if r["cross_level"] else ""
        lines.append(f"{pad}{r['date']} {r['doc'] or '无文号'} [{r['kind_label']}{cross}] "
                     f"{r['from']} → {r['to']} {r['quota_type']} {r['amount']} 名  ({r['source']})")
    for qt in sorted(set(t.approved) | set(t.roots)):
        got, want = t.traced(qt), t.approved.get(qt, 0)
        mark = "一致" if got == want else f"不一致,差 {want - got} 名"
        lines.append(f"核对:{qt} 追溯合计 {got} 名,核定 {want} 名,{mark}")
    if not t.approved:
        lines.append("核对:当前无核定编制")
    return lines


@click.command()
@click.argument("ledger")
@click.argument("body")
@click.option("--scenario", "scenario_path", default=None, help="在台账加上此方案后的状态中追溯")
@as_of_option
@config_option
@format_option("table", "json")
def trace(ledger, body, scenario_path, as_of, config_path, fmt):
    """追溯编制来源:某机构(或编制池)现有核定编制经哪些调剂、合并、编制池和文件而来。"""
    led = open_ledger(ledger, config_path)
    if scenario_path:  # only the after state is needed: no base replay, diffs or rules
        sc = open_scenario(scenario_path, led.config)
        state = led.with_directives(sc.directives).state(scenario_as_of(led, sc, as_of))
    else:
        state = led.state(as_of)
    holder, why = find_holder(state, body)
    if holder is None:
        click.echo(f"错误:{why}", err=True)
        sys.exit(1)
    t = trace_holder(state, holder)
    if fmt == "json":
        click.echo(json.dumps({"body": holder.name, "as_of": str(state.as_of), "approved": t.approved,
                               "traced": {q: t.traced(q) for q in t.roots}, "ok": t.ok, "steps": t.records()},
                              ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(trace_lines(t)))
    sys.exit(0 if t.ok else 1)
