"""A plan's state comes from one replay of what it shares with the base: applied to the base
state itself once the base is summarised (a plan dated after the base), from the store via
year-end checkpoints, otherwise from an in-memory copy. Either way it is exactly the state a
replay of the base plus the plan from the start gives, and the base's summary is that of a
replay of the base alone."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from conftest import YEARS as LEDGER
from conftest import run_cli, write_ledger
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgmodel.answers.scenario import load_scenario
from orgmodel.figures.balance import tables_of
from orgmodel.ledger import load

STEPS = [  # what a plan may do; some of them fail on some days, which must fail the same way
    "{{date: {d}, op: transfer, from: 县委办, to: 东镇/党政办, type: 行政编制, amount: {n}, doc: 方案{i}}}",
    "{{date: {d}, op: transfer, from: 东镇/党政办, to: 县委办, type: 行政编制, amount: {n}, doc: 方案{i}}}",
    "{{date: {d}, op: staff, body: 县委办, actual: {{行政编制: {n}}}}}",
    "{{date: {d}, op: establish, name: 新中心{i}, division: 东镇, category: 事业单位, class: 公益一类, doc: 方案{i}}}",
    "{{date: {d}, op: rename, body: 东镇/党政办, to: 党政综合办{i}, doc: 方案{i}}}",
]
plans = st.lists(st.tuples(st.integers(0, len(STEPS) - 1), st.dates(dt.date(2021, 6, 1), dt.date(2027, 6, 30)),
                           st.integers(1, 12)), min_size=1, max_size=5)


def seen(state):
    tables = tables_of(state)
    return ([str(f) for f in state.findings], state.as_of, tables.bodies.to_dict("records"),
            tables.totals.to_dict("records"))


def plan_file(tmp_path, steps) -> str:
    lines = [STEPS[k].format(d=d, n=n, i=i) for i, (k, d, n) in enumerate(steps)]
    path = tmp_path / "方案.yaml"
    path.write_text("name: 方案\ndirectives:\n" + "".join(f"  - {line}\n" for line in lines), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory):
    folder = write_ledger(tmp_path_factory.mktemp("yaml") / "led", LEDGER)
    db = tmp_path_factory.mktemp("db") / "台账.db"
    assert run_cli("init", db).exit_code == 0 and run_cli("import", db, folder, "--by", "张三").exit_code == 0
    return folder, db


@settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plans, st.one_of(st.none(), st.dates(dt.date(2021, 1, 1), dt.date(2028, 1, 1))))
def test_a_plan_replayed_from_the_shared_days_equals_a_replay_from_the_start(ledgers, tmp_path, steps, as_of):
    for path in ledgers:
        led = load(path)
        extra = load_scenario(plan_file(tmp_path, steps), led.config).directives
        base, after = led.plan_states(extra, as_of, seen)
        assert seen(after) == seen(led.with_directives(extra).state(as_of))
        assert base == seen(led.state(as_of))
        assert seen(led.state_with(extra, as_of)) == seen(after)


# Days a walk may stop at: any day, or one on which the ledger changes or a checkpoint is taken
LEDGER_DAYS = [dt.date(2021, 1, 1), dt.date(2021, 12, 31), dt.date(2022, 3, 1), dt.date(2022, 12, 31),
               dt.date(2023, 5, 1), dt.date(2023, 12, 31), dt.date(2024, 2, 1)]
days = st.one_of(st.dates(dt.date(2020, 6, 1), dt.date(2027, 12, 31)), st.sampled_from(LEDGER_DAYS))


@settings(deadline=None, max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(days, max_size=4), st.one_of(st.none(), days), st.one_of(st.none(), plans), st.booleans())
def test_one_walk_stops_at_each_day_with_the_figures_of_a_fresh_replay_to_it(ledgers, tmp_path, stops, as_of, steps,
                                                                            trails):
    """``Ledger.walk`` replays once and stands still at each day: at every stop the state
    shows what a replay from the start to that day shows (its findings, balance tables and
    totals), with or without a plan's directives, from the files and from the store (whose
    walk starts at a year-end checkpoint)."""
    for path in ledgers:
        led = load(path)
        extra = load_scenario(plan_file(tmp_path, steps), led.config).directives if steps else []
        final = as_of or max(d for d in (led.last_date(), *(d.date for d in extra)) if d is not None)
        stops_ = sorted({d for d in stops if d <= final})  # the walk's contract: sorted, none after as_of
        walked = [seen(state) for state in led.walk(stops_, as_of, extra, trails)]  # seen before the walk moves on
        fresh = led.with_directives(extra)  # every directive in memory: a replay from the start, no checkpoint
        assert walked == [seen(fresh.state(day, trails=trails)) for day in (*stops_, as_of)], (path, stops_, as_of)


def test_a_replay_that_consumes_the_directives_finds_the_same(tmp_path):
    """``check`` frees each directive once applied (peak memory): the findings are the same."""
    from pathlib import Path

    from orgmodel.answers.checking import check

    demo = Path(__file__).resolve().parents[1] / "data" / "demo"
    kept, consumed = check(load(demo)), check(load(demo), consume=True)
    assert [str(f) for f in consumed.findings] == [str(f) for f in kept.findings]
    assert seen(consumed.state) == seen(kept.state)
    assert consumed.ledger.count == kept.ledger.count and consumed.ledger.last_date() == kept.ledger.last_date()
    with pytest.raises(RuntimeError):
        consumed.ledger.directives  # noqa: B018 - given up to the replay


def _keyless(rows: list[dict]) -> list[dict]:
    """Tree rows with the record number a store adds to a body's key dropped (a store's body
    was established by ``ledger.yaml:6(记录 6)``, the folder's by ``ledger.yaml:6``)."""
    def plain(key):
        return key if key is None else re.sub(r"\(记录 \d+\)", "", key)
    return [{**row, "key": plain(row["key"]), "parent": plain(row["parent"]), "led_by": plain(row["led_by"])}
            for row in rows]


def _outputs(sim) -> tuple:
    """What a user reads of a simulation, with findings by rule and message (a store's
    findings point at records, a folder's at lines)."""
    frames = (sim.balance_diff, sim.leader_diff, sim.township_diff, sim.totals)
    return (sim.as_of, [f.to_dict("records") for f in frames], sim.attribute_changes, sim.duty_changes,
            sim.off_quota, sim.off_quota_total, _keyless(sim.tree_before), _keyless(sim.tree_after),
            sim.changes and len(sim.changes),
            sorted((f.rule, f.message) for f in sim.findings), sorted((f.rule, f.message) for f in sim.inherited))


def _from_scratch(led, scenario):
    """The same simulation from two replays from the start, with nothing shared or remembered."""
    from orgmodel.answers.checking import check_state
    from orgmodel.answers.scenario import base_snapshot, scenario_as_of, simulate
    from orgmodel.answers.snapshot import snapshot

    day = scenario_as_of(led, scenario)
    plain = load(led.root) if led.history is None else led
    base = base_snapshot(plain, plain.with_directives([]).state(day))
    sim = simulate(led, scenario, day, base=base)
    after = plain.with_directives(scenario.directives).state(day)
    checked = check_state(plain, after)
    return sim, snapshot(after, checked.replay_findings, checked.rule_findings)


@settings(deadline=None, max_examples=8, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plans)
def test_a_simulation_is_the_same_however_its_base_was_had(ledgers, tmp_path, steps):
    """Applied to the summarised base itself, remembered by the store, or replayed twice from
    the start: a simulation shows the same figures, changes and findings."""
    from orgmodel.answers.scenario import simulate

    folder, db = ledgers
    path = plan_file(tmp_path, steps)
    results = []
    for where in (folder, db, db):  # the store's second run recalls the base it remembered
        led = load(where)
        results.append(_outputs(simulate(led, load_scenario(path, led.config))))
    assert results[0] == results[1] == results[2]
    led = load(folder)
    sim, after = _from_scratch(led, load_scenario(path, led.config))
    assert _outputs(sim) == results[0]
    assert sim.after_snapshot.body_rows.equals(after.body_rows)
    assert sim.after_snapshot.tree_rows == after.tree_rows and sim.after_snapshot.attributes == after.attributes
