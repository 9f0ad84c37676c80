"""Rendering for the scenario commands: before/after tables, comparison tables and the
JSON shapes of ``simulate``, ``compare`` and ``trace``, and the Chinese provenance tree.
"""

from __future__ import annotations

import json

import click
import pandas as pd

from ..answers.scenario_diff import STANDARD_VALUES
from ..core.findings import sort_findings
from ..core.kinds import event_label
from ..core.labels import label
from ..core.textable import render_table
from .options import echo_frame, records, summary_line

MEASURES = ["approved", "actual", "vacant", "over"]
EXTRA_LABELS = {"status": "变化", "former_name": "原名称", "measure": "指标", "base": "现状"}


def _arrow(b, a) -> str:
    b, a = ("—" if v is None else v for v in (b, a))
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
        "off_quota_total": sim.off_quota_total,
        "attribute_changes": sim.attribute_changes,
        "duty_changes": sim.duty_changes,
        "standard_diff": nested(sim.standard_diff, ["standard", "division", "holder", "quota_type"], STANDARD_VALUES),
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
        click.echo(f"  {c['date']} [{event_label(c['kind'])}] {c['text']}{doc}")
    if not sim.changes:
        click.echo("  (无)")
    for title, df, keys, values in [
        ("二、机构编制(前 → 后)", sim.balance_diff, ["division", "body", "status", "quota_type"], MEASURES),
        ("三、领导职数(前 → 后)", sim.leader_diff, ["division", "body", "post"], MEASURES),
    ]:
        click.echo(f"\n{title}")
        click.echo(before_after_table(df, keys, values) if len(df) else "  (无变化)")
    click.echo("\n四、乡镇(街道)编制、编外人员和网格(前 → 后)")
    if len(sim.township_diff):
        click.echo(before_after_table(sim.township_diff, ["division", "quota_type"], [*MEASURES, "grids", "off_quota_staff"]))
    for line in off_quota_lines(sim.off_quota):
        click.echo(line)
    if not len(sim.township_diff) and not sim.off_quota:
        click.echo("  (无变化)")
    click.echo("\n五、全辖区总量(前 → 后)")
    click.echo(before_after_table(sim.totals, ["quota_type"], [*MEASURES, "pools", "total"]) if len(sim.totals) else "  (无变化)")
    b, a = sim.off_quota_total["before"], sim.off_quota_total["after"]
    if b != a:
        click.echo(f"  编外人员 {_arrow(b['off_quota_staff'], a['off_quota_staff'])},网格 {_arrow(b['grids'], a['grids'])}(全辖区)")
    click.echo("\n六、机构属性和岗位(前 → 后)")
    for line in attribute_lines(sim.attribute_changes):
        click.echo(line)
    if not sim.attribute_changes:
        click.echo("  (无变化)")
    click.echo("\n七、责任事项")
    for line in duty_lines(sim.duty_changes):
        click.echo(line)
    if not sim.duty_changes:
        click.echo("  (无变化)")
    click.echo("\n八、编制标准对照(应核 / 核定 / 差额,前 → 后)")
    if len(sim.standard_diff):
        click.echo(before_after_table(sim.standard_diff, ["standard", "holder", "quota_type"], STANDARD_VALUES))
    else:
        click.echo("  (无变化)")
    click.echo("\n九、问题(方案引起)")
    for f in sort_findings(sim.findings):
        click.echo(f.format())
    click.echo(summary_line(sim.findings))
    if sim.inherited:
        click.echo(f"\n台账原有问题:{summary_line(sim.inherited)}(不计入本方案;运行 orgmodel check 查看)")


def _counts_text(counts: dict) -> str:
    return "、".join(f"{k} {n}" for k, n in counts.items()) or "无"


def attribute_lines(rows: list[dict]) -> list[str]:
    """One line per changed attribute: ``东镇“党政办公室” 岗位:无 → 信用工作岗位 1``."""
    return [f"  {r['division']}“{r['body']}” {r['label']}:{_arrow(r['before'] or '无', r['after'] or '无')}"
            for r in rows]


def duty_lines(rows: list[dict]) -> list[str]:
    """One line per duty item added, dropped or moved: ``[调整] 东镇 矛盾纠纷排查:牵头 甲 → 牵头 乙``."""
    return [f"  [{r['change']}] {r['division']} {r['item']}:{_arrow(r['before_text'], r['after_text'])}" for r in rows]


def off_quota_lines(rows: list[dict]) -> list[str]:
    """One line per division whose own off-quota staff, grids or named counts changed."""
    lines = []
    for row in rows:
        b, a = row["before"], row["after"]
        parts = [f"网格 {_arrow(b['grids'], a['grids'])}",
                 f"编外人员 {_arrow(sum(b['staff'].values()), sum(a['staff'].values()))}"]
        if b["staff"] != a["staff"] or b["of_whom"] != a["of_whom"]:
            parts.append(f"构成 {_arrow(row['before_text'], row['after_text'])}")
        if b.get("grid_kinds") != a.get("grid_kinds"):
            parts.append(f"网格构成 {_arrow(_counts_text(b.get('grid_kinds', {})), _counts_text(a.get('grid_kinds', {})))}")
        if b.get("measures", {}) != a.get("measures", {}):
            shown = [", ".join(f"{k} {v[0]} {v[1]}" for k, v in side.get("measures", {}).items()) or "无" for side in (b, a)]
            parts.append(f"指标 {_arrow(*shown)}")
        if b["counts"] != a["counts"]:
            parts.append(f"其他统计数 {_arrow(_counts_text(b['counts']), _counts_text(a['counts']))}")
        lines.append(f"  编外(本级):{row['division']} " + ",".join(parts))
    return lines


def side_records(df: pd.DataFrame, names: list[str]) -> list[dict]:
    """JSON rows with English keys: the row's keys, ``metric``, ``base`` and
    ``scenarios: [{scenario, value}]``."""
    out = []
    for r in records(df):
        row = {k: v for k, v in r.items() if k not in ("measure", "base", *names)}
        row.update(metric=r["measure"], base=r["base"],
                   scenarios=[{"scenario": n, "value": r[n]} for n in names])
        out.append(row)
    return out


def chinese(df: pd.DataFrame) -> pd.DataFrame:
    """A compare frame for table/CSV: Chinese measure names and headers."""
    return df.assign(measure=df["measure"].map(label)).rename(columns=EXTRA_LABELS)


def scenario_record(name: str, sim) -> dict:
    return {"scenario": name, "path": sim.scenario.path,
            "errors": sum(f.severity == "error" for f in sim.findings),
            "warnings": sum(f.severity == "warning" for f in sim.findings),
            "findings": [f.to_record() for f in sort_findings(sim.findings)]}


def echo_comparison(names: list[str], sims: list, totals: pd.DataFrame, towns: pd.DataFrame,
                    bodies: pd.DataFrame, fmt: str) -> None:
    """Print the side-by-side comparison of ``sims`` (labelled ``names``) as JSON, CSV or tables."""
    if fmt == "json":
        click.echo(json.dumps({"scenarios": [scenario_record(n, s) for n, s in zip(names, sims)],
                               "totals": side_records(totals, names), "townships": side_records(towns, names),
                               "bodies": side_records(bodies, names)}, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        both = pd.concat([totals.assign(division="全辖区"), towns, bodies]).fillna({"body": ""})
        echo_frame(chinese(both[["division", "body", "quota_type", "measure", "base", *names]]), "csv")
    else:
        for title, df, empty in (("全辖区总量", totals, "(无)"), ("各乡镇(街道)", towns, "(无)"),
                                 ("有变化的机构", bodies, "(无变化)")):
            click.echo(title)
            if len(df):
                echo_frame(chinese(df), "text")
            else:
                click.echo(f"  {empty}")
            click.echo("")
        for name, sim in zip(names, sims):
            click.echo(f"{name}:{summary_line(sim.findings)}")
            for f in sort_findings(sim.findings):
                click.echo(f"  {f.format()}")


def trace_json(t, note: str | None = None) -> dict:
    """The ``trace --format json`` shape: holder, date, note, retirement, check figures and steps."""
    state = t.state
    gone = t.retired.record(state) if t.retired else None
    types = sorted(set(t.approved) | set(t.roots))
    return {"body": t.holder.name, "as_of": str(state.as_of), "note": note, "retired": gone,
            "approved": t.approved, "traced": {q: t.traced(q) for q in t.roots}, "ok": t.ok,
            "received": {q: t.moved(q)[0] for q in types}, "given": {q: t.moved(q)[1] for q in types},
            "steps": t.records(), "outflows": t.outflow_records()}
