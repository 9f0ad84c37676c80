"""The scenario report: a reorganisation's before and after, for the committee meeting.

Layout: ``OUT/index.html`` (the comparison) and ``OUT/after/`` (the balance pages of
the state after the scenario, which the comparison links to). Every figure comes from
the :class:`~orgmodel.scenario.Simulation` tables, themselves read from the balance tables.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..findings import SEVERITY_LABELS, Finding
from ..scenario_diff import body_key
from . import charts
from .audit_report import directive_at, finding_groups
from .balance_report import write_balance_report
from .render import environment, write_page
from .site import (
    EVENT_LABELS,
    INDEX_FILE,
    counties_link,
    county_codes,
    jurisdiction_name,
    linked_index,
    records,
    town_file,
)

AFTER_DIR = "after"
CHANGE_ORDER = ["created", "abolished", "renamed", "merged", "split", "function_transferred", "reclassified",
                "signboard_added", "signboard_removed", "signboard_moved", "template_applied",
                "hiring_plan", "hired"]


def change_groups(changes: list[dict]) -> list[dict]:
    """Changes grouped by kind (created, abolished, renamed, merged, split, signboards…)."""
    kinds = sorted({c["kind"] for c in changes},
                   key=lambda k: (CHANGE_ORDER.index(k) if k in CHANGE_ORDER else 99, k))
    return [{"kind": k, "label": EVENT_LABELS.get(k, k), "rows": [c for c in changes if c["kind"] == k]}
            for k in kinds]


def forest(rows: list[dict], other: list[dict], other_state, changed: frozenset = frozenset()) -> list[dict]:
    """Tree rows nested under their parent (or leading) body and grouped by division
    (``[{division, nodes}]``); each node is marked ``only`` (absent on the other side),
    ``changed`` or ``same`` relative to ``other`` rows and ``other_state``'s active bodies.
    ``changed`` holds ``(division, body)`` names whose quota or posts changed: those are
    ``changed`` even when nothing in the tree row differs."""
    others = {r["key"]: r for r in other}
    alive = {body_key(b) for b in other_state.active_bodies()}
    keys = {r["key"] for r in rows}
    nodes = {r["key"]: {"row": r, "children": [], "status": _status(r, others, alive, changed)} for r in rows}
    groups: dict[str, list] = {}
    codes = {d.name: c for c, d in other_state.divisions.items()}  # divisions in code order: county, then townships
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


def _after_groups(after, findings: list[Finding], directives: dict) -> list[dict]:
    """Finding groups whose links point at the after-state pages in ``after/``."""
    groups = finding_groups(after, findings, directives)
    for g in groups:
        for item in g["rows"]:
            item["href"] = f"{AFTER_DIR}/{item['href'].split('/', 1)[1]}" if item["href"] else None
    return groups


def scenario_context(ledger, sim, findings: list[Finding]) -> dict:
    """Everything the scenario page shows, from the simulation's tables."""
    after = sim.after
    town_pages = {c: f"{AFTER_DIR}/{town_file(c)}" for c, d in after.divisions.items() if d.level == "乡镇"}
    directives = directive_at(ledger.with_directives(sim.scenario.directives))
    groups, inherited = (_after_groups(after, fs, directives) for fs in (findings, sim.inherited))
    counts = {sev: sum(f.severity == sev for f in findings) for sev in SEVERITY_LABELS}
    inherited_counts = {sev: sum(f.severity == sev for f in sim.inherited) for sev in SEVERITY_LABELS}
    balance_changed = frozenset((r["division"], r["body"]) for df in (sim.balance_diff, sim.leader_diff)
                                for r in df[["division", "body"]].to_dict("records"))
    return {
        "scenario": sim.scenario, "totals": records(sim.totals), "townships": records(sim.township_diff),
        "bodies": records(sim.balance_diff), "leaders": records(sim.leader_diff), "off_quota": sim.off_quota,
        "changes": change_groups(sim.changes), "change_count": len(sim.changes), "groups": groups,
        "counts": counts, "labels": SEVERITY_LABELS, "town_pages": town_pages,
        "inherited_groups": inherited, "inherited_counts": inherited_counts, "inherited_total": len(sim.inherited),
        "sankey": charts.sankey(sankey_flows(sim.flows)), "flows": sim.flows,
        "tree_before": forest(sim.tree_before, sim.tree_after, sim.after, balance_changed),
        "tree_after": forest(sim.tree_after, sim.tree_before, sim.before, balance_changed),
    }


def write_scenario_report(ledger, scenario_path: str | Path, out: str | Path, as_of: dt.date | None = None,
                          templates: str | Path | None = None) -> tuple[list[Path], list[Finding]]:
    """Simulate ``scenario_path`` on ``ledger`` and write ``OUT/index.html`` plus ``OUT/after/``.

    Raises FileNotFoundError when the scenario file cannot be read; returns the paths
    written (the comparison first) and the simulation's findings.
    """
    from ..scenario import ScenarioError, load_scenario, simulate

    try:
        scenario = load_scenario(scenario_path, ledger.config)
    except ScenarioError as exc:
        raise FileNotFoundError(str(exc)) from exc
    sim = simulate(ledger, scenario, as_of)
    out = Path(out)
    title = f"{scenario.name}(方案实施后)"
    after = write_balance_report(ledger, out / AFTER_DIR, state=sim.after, templates=templates, title=title,
                                 extra_links=[{"href": f"../{INDEX_FILE}", "label": "方案对比"}])
    root = jurisdiction_name(sim.after)
    towns = [{"file": f"{AFTER_DIR}/{town_file(c)}", "name": d.name}
             for c, d in sorted(sim.after.divisions.items()) if d.level == "乡镇"]
    page = write_page(environment(templates), "scenario.html", out / INDEX_FILE, page="scenario",
                      jurisdiction=root, as_of=sim.as_of, public=False, towns=towns,
                      search=linked_index(sim.after, AFTER_DIR),
                      index_file=f"{AFTER_DIR}/{INDEX_FILE}", county_file=counties_link(county_codes(sim.after), f"{AFTER_DIR}/"),
                      extra_links=[{"href": INDEX_FILE, "label": "方案对比"}],
                      **scenario_context(ledger, sim, sim.findings))
    return [page, *after], sim.findings
