"""The scenario report: a reorganisation's before and after, for the committee meeting.

Layout: ``OUT/index.html`` (the comparison) and ``OUT/after/`` (the balance pages of
the state after the scenario, which the comparison links to). Every figure comes from
the :class:`~orgmodel.scenario.Simulation` tables, themselves read from the balance tables.
"""

from __future__ import annotations

from pathlib import Path

from ..answers.orgchart import plan_charts as charts_of_plan
from ..answers.orgchart import touched_divisions
from ..answers.scenario import Simulation
from ..core.findings import SEVERITY_LABELS, Finding
from ..core.kinds import EVENT_ORDER
from . import charts
from .audit_report import finding_groups
from .balance_report import write_balance_report
from .orgchart_print import write_chart_html
from .orgchart_svg import chart_svg
from .render import environment, write_page
from .site import (
    INDEX_FILE,
    counties_link,
    county_codes,
    jurisdiction_name,
    records,
    search_config,
    search_file_names,
    town_file,
)

AFTER_DIR = "after"
CHART_FILE = "orgchart.html"  # the before/after charts of every division the plan touches, for print
CHARTS_SHOWN = 12             # divisions whose before/after charts the comparison page itself shows
CHARTS_PRINTED = 200          # divisions in orgchart.html (a plan for a whole province names thousands)


def plan_charts(sim) -> list[tuple]:
    """``(before, after)`` org charts of the divisions where the plan changed a body (the first
    :data:`CHARTS_PRINTED`), and how many divisions it changed."""
    codes = touched_divisions(sim)
    return charts_of_plan(sim, codes[:CHARTS_PRINTED]), len(codes)


def chart_pairs(pairs: list[tuple]) -> list[dict]:
    """The first :data:`CHARTS_SHOWN` pairs drawn for the comparison page."""
    return [{"division": b.title, "before": chart_svg(b), "after": chart_svg(a)} for b, a in pairs[:CHARTS_SHOWN]]


def change_groups(changes: list[dict]) -> list[dict]:
    """Changes grouped by kind, in the order of :data:`~orgmodel.kinds.EVENT_ORDER`."""
    kinds = sorted({c["kind"] for c in changes}, key=EVENT_ORDER.index)
    return [{"kind": k, "label": k.label, "rows": [c for c in changes if c["kind"] == k]} for k in kinds]


def forest(rows: list[dict], other: list[dict], other_side, changed: frozenset = frozenset()) -> list[dict]:
    """Tree rows nested under their parent (or leading) body and grouped by division
    (``[{division, nodes}]``); each node is marked ``only`` (absent on the other side),
    ``changed`` or ``same`` relative to ``other`` rows and the active bodies of ``other_side``
    (the other :class:`~orgmodel.snapshot.Snapshot`).
    ``changed`` holds ``(division, body)`` names whose quota or posts changed: those are
    ``changed`` even when nothing in the tree row differs."""
    others = {r["key"]: r for r in other}
    alive = other_side.active()
    keys = {r["key"] for r in rows}
    nodes = {r["key"]: {"row": r, "children": [], "status": _status(r, others, alive, changed)} for r in rows}
    groups: dict[str, list] = {}
    codes = {name: c for c, name in other_side.divisions.items()}  # divisions in code order: county, then townships
    for r in sorted(rows, key=lambda r: (codes.get(r["division"], r["division"]), r["body"])):
        up = next((k for k in (r["parent"], r["led_by"]) if k in keys and k != r["key"]), None)
        (nodes[up]["children"] if up else groups.setdefault(r["division"], [])).append(nodes[r["key"]])
    return [{"division": d, "nodes": n} for d, n in groups.items()]


def _status(row: dict, others: dict, alive: set, changed: frozenset) -> str:
    if row["key"] not in alive:
        return "only"
    if (row["key"] in others and others[row["key"]] != row) or (row["division"], row["body"]) in changed:
        return "changed"
    return "same"


def sankey_flows(flows: list[dict]) -> list[tuple]:
    """``(source, destination, amount, quota_type)`` with equal pairs summed."""
    sums: dict[tuple, int] = {}
    for f in flows:
        key = (f["source_label"], f["target_label"], f["quota_type"])
        sums[key] = sums.get(key, 0) + f["amount"]
    return [(s, d, n, t) for (s, d, t), n in sums.items()]


def _after_groups(after, findings: list[Finding]) -> list[dict]:
    """Finding groups whose links point at the after-state pages in ``after/``."""
    groups = finding_groups(after, findings)
    for g in groups:
        for item in g["rows"]:
            item["href"] = f"{AFTER_DIR}/{item['href'].split('/', 1)[1]}" if item["href"] else None
    return groups


def scenario_context(sim, findings: list[Finding], planned: tuple | None = None) -> dict:
    """Everything the scenario page shows, from the simulation's tables (``planned``: what
    :func:`plan_charts` gives, when the caller has it)."""
    pairs, touched = plan_charts(sim) if planned is None else planned
    after = sim.after
    town_pages = {c: f"{AFTER_DIR}/{town_file(c)}" for c, d in after.divisions.items() if d.level == "乡镇"}
    groups, inherited = (_after_groups(after, fs) for fs in (findings, sim.inherited))
    counts = {sev: sum(f.severity == sev for f in findings) for sev in SEVERITY_LABELS}
    inherited_counts = {sev: sum(f.severity == sev for f in sim.inherited) for sev in SEVERITY_LABELS}
    balance_changed = frozenset((r["division"], r["body"]) for df in (sim.balance_diff, sim.leader_diff)
                                for r in df[["division", "body"]].to_dict("records"))
    return {
        "scenario": sim.scenario, "totals": records(sim.totals), "townships": records(sim.township_diff),
        "bodies": records(sim.balance_diff), "leaders": records(sim.leader_diff), "off_quota": sim.off_quota,
        "off_quota_total": sim.off_quota_total, "duty_changes": sim.duty_changes,
        "attribute_changes": sim.attribute_changes, "changes": change_groups(sim.changes), "change_count": len(sim.changes), "groups": groups,
        "counts": counts, "labels": SEVERITY_LABELS, "town_pages": town_pages,
        "inherited_groups": inherited, "inherited_counts": inherited_counts, "inherited_total": len(sim.inherited),
        "sankey": charts.sankey(sankey_flows(sim.flows)), "flows": sim.flows,
        "tree_before": forest(sim.tree_before, sim.tree_after, sim.after_snapshot, balance_changed),
        "tree_after": forest(sim.tree_after, sim.tree_before, sim.before, balance_changed),
        "orgcharts": chart_pairs(pairs), "orgchart_count": touched, "orgchart_printed": len(pairs),
        "orgchart_file": CHART_FILE,
    }


def write_scenario_report(sim: Simulation, out: str | Path,
                          templates: str | Path | None = None) -> tuple[list[Path], list[Finding]]:
    """Write a simulation as ``OUT/index.html`` (the comparison) plus ``OUT/after/`` (the
    balance pages after the plan). Returns the paths written (the comparison first) and
    the simulation's findings."""
    scenario = sim.scenario
    out = Path(out)
    title = f"{scenario.name}(方案实施后)"
    after = write_balance_report(sim.checked_after, out / AFTER_DIR, templates=templates, title=title,
                                 extra_links=[{"href": f"../{INDEX_FILE}", "label": "方案对比"}])
    planned = plan_charts(sim)
    charts = [c for pair in planned[0] for c in pair]
    printed = [write_chart_html(charts, out / CHART_FILE, config=sim.after.config, templates=templates,
                                 title=f"{scenario.name} 改革前后机构图")] if charts else []
    root = jurisdiction_name(sim.after)
    towns = [{"file": f"{AFTER_DIR}/{town_file(c)}", "name": d.name}
             for c, d in sorted(sim.after.divisions.items()) if d.level == "乡镇"]
    page = write_page(environment(templates, sim.after.config), "scenario.html", out / INDEX_FILE, page="scenario",
                      jurisdiction=root, as_of=sim.as_of, public=False, towns=towns,
                      search=search_config(search_file_names(sim.after), AFTER_DIR),
                      index_file=f"{AFTER_DIR}/{INDEX_FILE}", county_file=counties_link(county_codes(sim.after), f"{AFTER_DIR}/"),
                      extra_links=[{"href": INDEX_FILE, "label": "方案对比"}],
                      **scenario_context(sim, sim.findings, planned))
    return [page, *printed, *after], sim.findings
