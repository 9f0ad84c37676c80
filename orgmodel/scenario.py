"""Scenarios: a base ledger plus extra directives, simulated without touching the base.

A scenario file is YAML: a mapping with ``name``, ``description``, ``as_of`` (date) and
``directives: [...]`` in the ledger's own directive format (read by the same reader, so
every directive and finding has file:line).

API (also used by the report pages)::

    scenario = load_scenario(path, config)      # Scenario; raises ScenarioError if unreadable
    sim = simulate(ledger, scenario, as_of=None)  # Simulation; never writes anything

``Simulation`` holds plain data only:

- ``scenario`` (name, description, as_of, directives, path) and ``as_of``, the date simulated;
- ``before`` / ``after``: the replayed :class:`~orgmodel.state.State` objects;
- ``changes``: list of ``{date, kind, text, doc, source, bodies, divisions}`` for every
  event the scenario's directives caused (created, abolished, renamed, merged, split,
  signboard_added, …); ``bodies`` are names, ``divisions`` are division names;
- ``balance_diff``: DataFrame, one row per body and quota type whose figures changed,
  bodies that appear or disappear included: ``division_code, division, body, former_name,
  status, quota_type`` then ``before_approved, before_actual, before_vacant, before_over``
  and the same four with ``after_``;
- ``leader_diff``: the same for leader posts (``post`` instead of ``quota_type``);
- ``township_diff``: DataFrame per township and type with the same before/after columns
  plus ``before_grids``/``after_grids`` and ``before_off_quota``/``after_off_quota``;
- ``totals``: DataFrame per quota type: before/after approved, actual, vacant, over,
  pools and total (bodies plus pools);
- ``off_quota``: list of ``{division_code, division, before: {grids, staff}, after: {...}}``
  for divisions whose grids or off-quota staff changed;
- ``flows``: list of ``{date, doc, kind, kind_label, source_label, target_label,
  quota_type, amount, cross_level, source}`` – the scenario's quota movements, for a
  Sankey diagram (``source_label`` "上级" means the higher level);
- ``tree_before`` / ``tree_after``: lists of ``{key, body, division, parent, led_by,
  category, class, signboards, active}`` for the changed bodies and their parent /
  led_by ancestors, for a before/after organisation tree (``parent`` and ``led_by`` are
  keys of other rows, or None);
- ``findings``: scenario read findings, replay findings caused by the scenario, and the
  rule findings of the after state (when ``orgmodel.rules`` exists).

``orgmodel.commands.simulate_cmds.simulation_json(sim)`` turns a Simulation into the
JSON-ready dict that ``orgmodel simulate --format json`` prints. Quota provenance of any
body in ``sim.after`` comes from :func:`orgmodel.provenance.trace`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from .config import Config
from .directive import Directive
from .findings import Finding, Source
from .ledger import Ledger, read_directives
from .scenario_diff import balance_diff, body_key, flow_records, leader_diff, off_quota_diff, totals_diff, township_diff, trees
from .schema import parse_date
from .sources.yaml_reader import read_mapping
from .state import State

HEADER_KEYS = ("name", "description", "as_of", "directives")


class ScenarioError(Exception):
    """The scenario file cannot be read at all (exit code 2)."""


@dataclass
class Scenario:
    """A named set of directives to apply on top of a base ledger."""

    name: str
    description: str
    as_of: dt.date | None
    directives: list[Directive]
    findings: list[Finding]
    path: str

    def last_date(self) -> dt.date | None:
        return max((d.date for d in self.directives), default=None)


@dataclass
class Simulation:
    """Before and after states of a scenario and what differs (plain data, see module doc)."""

    scenario: Scenario
    as_of: dt.date | None
    before: State
    after: State
    changes: list[dict]
    balance_diff: pd.DataFrame
    leader_diff: pd.DataFrame
    township_diff: pd.DataFrame
    totals: pd.DataFrame
    off_quota: list[dict]
    flows: list[dict]
    tree_before: list[dict]
    tree_after: list[dict]
    findings: list[Finding] = field(default_factory=list)


def load_scenario(path: str | Path, config: Config) -> Scenario:
    """Read a scenario file; every problem is a finding, an unreadable path raises ScenarioError."""
    p = Path(path)
    if not p.is_file():
        raise ScenarioError(f"{path}: 找不到方案文件")
    display = str(path)
    header, findings = read_mapping(p, display)
    header = header or {}
    lines = getattr(header, "lines", {})
    for key in header:
        if key not in HEADER_KEYS:
            findings.append(Finding("unknown-field", f"方案文件中未知字段“{key}”;可用字段:{'、'.join(HEADER_KEYS)}",
                                    Source(display, lines.get(key, 1)), "warning"))
    as_of = None
    if header.get("as_of") is not None:
        as_of = parse_date(header["as_of"])
        if as_of is None:
            findings.append(Finding("bad-date", f"方案的 as_of 日期“{header['as_of']}”无效;格式应为 YYYY-MM-DD",
                                    Source(display, lines.get("as_of", 1))))
    directives, problems = ([], []) if findings and not header else read_directives([(p, display)], config)
    return Scenario(str(header.get("name") or p.stem), str(header.get("description") or ""), as_of,
                    directives, findings + problems, display)


def scenario_as_of(ledger: Ledger, scenario: Scenario, as_of: dt.date | None = None) -> dt.date | None:
    """The simulation date: explicit, else the scenario's, else the latest directive date."""
    if as_of is not None:
        return as_of
    if scenario.as_of is not None:
        return scenario.as_of
    dates = [d for d in (ledger.last_date(), scenario.last_date()) if d is not None]
    return max(dates, default=None)


def _late_findings(scenario: Scenario, as_of: dt.date) -> list[Finding]:
    return [Finding("scenario-after-as-of", f"方案指令日期 {d.date} 晚于模拟日期 {as_of},不会生效;请调整日期或 as_of",
                    d.where("date"))
            for d in scenario.directives if as_of is not None and d.date > as_of]


def _rule_findings(state: State, config: Config) -> list[Finding]:
    try:
        from .rules import run_rules
    except ImportError:  # rules are optional until that module lands
        return []
    return list(run_rules(state, config))


def _caused_findings(before: State, after: State, files: set[str]) -> list[Finding]:
    """Replay findings of the after state that come from the scenario or are new to the base."""
    old = Counter(before.findings)
    out = []
    for f in after.findings:
        if f.source is not None and f.source.file in files:
            out.append(f)
        elif old[f] > 0:
            old[f] -= 1
        else:
            out.append(f)
    return out


def _changes(after: State, sources: set) -> list[dict]:
    div = after.divisions
    return [{"date": e.date.isoformat(), "kind": e.kind, "text": e.text, "doc": e.doc, "source": str(e.source),
             "bodies": [after.bodies[b].name for b in e.bodies if b in after.bodies],
             "divisions": [div[c].name for c in e.divisions if c in div]}
            for e in after.events if e.source in sources]


def simulate(ledger: Ledger, scenario: Scenario, as_of: dt.date | None = None) -> Simulation:
    """Replay the base with and without the scenario's directives and describe the difference.

    Neither the ledger object nor any file is changed.
    """
    day = scenario_as_of(ledger, scenario, as_of)
    before = ledger.state(day)
    after = ledger.with_directives(scenario.directives).state(day)
    sources = {d.source for d in scenario.directives}
    files = {scenario.path} | {s.file for s in sources}
    findings = [*scenario.findings, *_late_findings(scenario, day),
                *_caused_findings(before, after, files), *_rule_findings(after, ledger.config)]
    tree_before, tree_after = trees(before, after, sources)
    return Simulation(
        scenario, day, before, after, _changes(after, sources),
        balance_diff(before, after), leader_diff(before, after), township_diff(before, after),
        totals_diff(before, after), off_quota_diff(before, after), flow_records(after, sources),
        tree_before, tree_after, findings)


__all__ = ["Scenario", "ScenarioError", "Simulation", "body_key", "load_scenario", "scenario_as_of", "simulate"]
