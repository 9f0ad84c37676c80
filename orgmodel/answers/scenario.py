"""Scenarios: a base ledger plus extra directives, simulated without touching the base.

A scenario file is YAML: a mapping with ``name``, ``description``, ``as_of`` (date) and
``directives: [...]`` in the ledger's own directive format (read by the same reader, so
every directive and finding has file:line).

API (also used by the report pages)::

    scenario = load_scenario(path, config)      # Scenario; raises ScenarioError if unreadable
    sim = simulate(ledger, scenario, as_of=None)  # Simulation; never writes anything

``Simulation`` holds plain data only:

- ``scenario`` (name, description, as_of, directives, path) and ``as_of``, the date simulated;
- ``before``: the :class:`~orgmodel.snapshot.Snapshot` of the base on that day (the base
  state itself is not kept: the plan may have been applied to it);
- ``after``: the replayed :class:`~orgmodel.state.State` with the plan, and ``after_snapshot``;
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
- ``off_quota``: list of ``{division_code, division, before: {grids, staff, of_whom, counts},
  after: {...}}`` for divisions whose own grids, off-quota staff or named counts changed;
- ``off_quota_total``: ``{before: {off_quota_staff, grids}, after: {...}}`` for the jurisdiction;
- ``attribute_changes``: list of ``{division_code, division, body, attribute, label, before,
  after}``, one per descriptive attribute of an active body (signboards, category, class,
  rank, funding, led_by, positions, named counts) that differs; a new body lists only its
  signboards, positions and named counts;
- ``duty_changes``: list of ``{division, item, change, before, after}`` for duty items added
  (新增), dropped (取消) or whose category, lead or support changed (调整);
- ``flows``: list of ``{date, doc, kind, kind_label, source_label, target_label,
  quota_type, amount, cross_level, source}`` – the scenario's quota movements, for a
  Sankey diagram (``source_label`` "上级" means the higher level);
- ``tree_before`` / ``tree_after``: lists of ``{key, body, division, parent, led_by,
  category, class, signboards, active}`` for the changed bodies and their parent /
  led_by ancestors, for a before/after organisation tree (``parent`` and ``led_by`` are
  keys of other rows, or None);
- ``findings``: what the plan causes: scenario read findings, replay findings from the
  scenario's directives or new to the base's, and rule findings of the after state that
  the before state does not have (compared by rule, severity, body and message);
- ``inherited``: the ledger's own problems still present after the plan: the base's read
  findings and the replay and rule findings the before state already had.

``orgmodel.commands.simulate_render.simulation_json(sim)`` turns a Simulation into the
JSON-ready dict that ``orgmodel simulate --format json`` prints. Quota provenance of any
body in ``sim.after`` comes from :func:`orgmodel.provenance.trace`.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from ..core.config import Config
from ..core.directive import Directive
from ..core.findings import Finding, Source
from ..core.paths import not_regular
from ..core.schema import parse_date
from ..ledger.loading import Ledger
from ..reading.validate import validate
from ..sources import READERS, read_file, readable
from ..state import State
from .checking import Checked, check_state
from .scenario_diff import (
    attribute_diff,
    balance_diff,
    duty_diff,
    flow_records,
    leader_diff,
    off_quota_diff,
    off_quota_totals,
    plan_keys,
    standard_diff,
    totals_diff,
    township_diff,
    trees,
)
from .snapshot import Snapshot, body_key, snapshot

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
    before: Snapshot
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
    inherited: list[Finding] = field(default_factory=list)
    duty_changes: list[dict] = field(default_factory=list)
    off_quota_total: dict = field(default_factory=dict)
    checked_after: Checked | None = None   # the base plus the scenario, checked
    after_snapshot: Snapshot | None = None
    attribute_changes: list[dict] = field(default_factory=list)
    standard_diff: pd.DataFrame = field(default_factory=pd.DataFrame)


def load_scenario(path: str | Path, config: Config) -> Scenario:
    """Read a scenario file with the reader for its file type; every problem is a finding,
    an unreadable path raises ScenarioError."""
    p = Path(path)
    if p.is_dir():
        raise ScenarioError(f"{path}: 是文件夹;方案须为单个文件(如 方案.yaml)")
    if (why := not_regular(p)) is not None:
        raise ScenarioError(f"{path}: {why};方案须为文件(如 方案.yaml)")
    if not p.is_file():
        raise ScenarioError(f"{path}: 找不到方案文件")
    if not readable(p):
        raise ScenarioError(f"{path}: 不是方案文件;方案文件须为 {'、'.join(READERS)} 文件")
    display = str(path)
    result = read_file(p, display)
    header = result.header or {}
    spots = getattr(header, "spots", {})
    where = result.where or Source(display, 1)
    findings = list(result.findings)
    for key in header:
        if key not in HEADER_KEYS:
            findings.append(Finding("unknown-field", f"方案文件中未知字段“{key}”;可用字段:{'、'.join(HEADER_KEYS)}",
                                    where.at(spots.get(key)), "warning"))
    as_of = None
    if header.get("as_of") is not None:
        as_of = parse_date(header["as_of"])
        if as_of is None:
            findings.append(Finding("bad-date", f"方案的 as_of 日期“{header['as_of']}”无效;格式应为 YYYY-MM-DD",
                                    where.at(spots.get("as_of"))))
    directives: list[Directive] = []
    validate(result.items, config, directives, findings)
    if not result.items and not result.findings:
        findings.append(Finding("bad-file", "方案文件中没有任何指令(文件为空或只有注释);请按台账格式说明第 15 节写出方案的指令",
                                where))
    return Scenario(str(header.get("name") or p.stem), str(header.get("description") or ""), as_of,
                    directives, findings, display)


def scenario_as_of(ledger: Ledger, scenario: Scenario, as_of: dt.date | None = None) -> dt.date | None:
    """The simulation date: explicit, else the scenario's, else the latest directive date."""
    if as_of is not None:
        return as_of
    if scenario.as_of is not None:
        return scenario.as_of
    dates = [d for d in (ledger.last_date(), scenario.last_date()) if d is not None]
    return max(dates, default=None)


def check_after(ledger: Ledger, scenarios: list[Scenario], as_of: dt.date | None = None, rules: bool = True) -> Checked:
    """The ledger with the directives of ``scenarios`` added, checked as of ``as_of`` (else the
    latest of the scenarios' dates, else the latest directive date): the state after the
    plans, without touching the ledger. The scenarios' own read findings, and their directives
    dated after the day checked, are among the findings."""
    if as_of is None:
        days = [scenario_as_of(ledger, sc) for sc in scenarios]
        as_of = max((day for day in days if day is not None), default=None)
    checked = check_state(ledger, ledger.state_with([d for sc in scenarios for d in sc.directives], as_of), rules)
    extra = [f for sc in scenarios for f in (*sc.findings, *late_findings(sc, checked.as_of))]
    return replace(checked, read_findings=[*checked.read_findings, *extra])


def late_findings(scenario: Scenario, as_of: dt.date) -> list[Finding]:
    return [Finding("scenario-after-as-of", f"方案指令日期 {d.date} 晚于模拟日期 {as_of},不会生效;请调整日期或 as_of",
                    d.where("date"))
            for d in scenario.directives if as_of is not None and d.date > as_of]


def finding_key(f: Finding) -> tuple:
    """What makes two findings "the same problem" across before and after: the source is
    left out, since a plan touching a body may move the line a rule points at."""
    return f.rule, f.severity, f.body, f.message


def split_findings(before: list[Finding], after: list[Finding],
                   files: frozenset[str] = frozenset()) -> tuple[list[Finding], list[Finding]]:
    """``(caused, inherited)``: findings of ``after`` that sit in one of ``files`` (the
    scenario's) or have no match in ``before`` are caused; the rest, matched one for one
    by :func:`finding_key`, were already there."""
    old = Counter(finding_key(f) for f in before)
    caused, inherited = [], []
    for f in after:
        key = finding_key(f)
        if (f.source is None or f.source.file not in files) and old[key] > 0:
            old[key] -= 1
            inherited.append(f)
        else:
            caused.append(f)
    return caused, inherited


def _changes(after: State, sources: set) -> list[dict]:
    div = after.divisions
    return [{"date": e.date.isoformat(), "kind": e.kind, "text": e.text, "doc": e.doc, "source": str(e.source),
             "bodies": [after.bodies[b].name for b in e.bodies if b in after.bodies],
             "divisions": [div[c].name for c in e.divisions if c in div]}
            for e in after.events if e.source in sources]


BASE_SNAPSHOT = "base-snapshot"


def base_snapshot(ledger: Ledger, state: State) -> Snapshot:
    """The snapshot of the base ``state`` checked with the rules (see :func:`simulate`)."""
    checked = check_state(ledger, state)
    return snapshot(state, checked.replay_findings, checked.rule_findings)


def simulate(ledger: Ledger, scenario: Scenario, as_of: dt.date | None = None,
             base: Snapshot | None = None) -> Simulation:
    """Check the base with and without the scenario's directives and describe the difference.

    Neither the ledger nor any file is changed. ``base`` may be the base's snapshot on the
    simulation day already taken (compare shares it between scenarios); a store remembers it
    in the user's cache, keyed by the records dated up to that day, so that the next plan
    simulated on the same day neither replays nor checks the base again.
    """
    day = scenario_as_of(ledger, scenario, as_of)
    if base is None or base.as_of != day:
        base = ledger.recall(BASE_SNAPSHOT, day)
        if base is not None and base.as_of != day:
            base = None
    fresh, after_state = ledger.plan_states(scenario.directives, day,
                                            None if base is not None else lambda st: base_snapshot(ledger, st))
    if base is None:
        base = fresh
        ledger.remember(BASE_SNAPSHOT, day, base)
    after = check_state(ledger, after_state)
    a = snapshot(after_state, after.replay_findings, after.rule_findings)
    sources = {d.source for d in scenario.directives}
    files = {scenario.path} | {s.file for s in sources}
    replay_caused, replay_inherited = split_findings(base.replay_findings, after.replay_findings, frozenset(files))
    rules_caused, rules_inherited = split_findings(base.rule_findings, after.rule_findings)
    findings = [*scenario.findings, *late_findings(scenario, day), *replay_caused, *rules_caused]
    tree_before, tree_after = trees(base, a, plan_keys(after_state, sources))
    return Simulation(
        scenario, day, base, after_state, _changes(after_state, sources),
        balance_diff(base, a), leader_diff(base, a), township_diff(base, a),
        totals_diff(base, a), off_quota_diff(base, a), flow_records(after_state, sources),
        tree_before, tree_after, findings, [*ledger.findings, *replay_inherited, *rules_inherited],
        duty_diff(base, a), off_quota_totals(base, a), after, a, attribute_diff(base, a), standard_diff(base, a))


__all__ = ["Scenario", "ScenarioError", "Simulation", "body_key", "finding_key", "load_scenario", "scenario_as_of",
           "simulate", "split_findings"]
