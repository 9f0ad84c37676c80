"""Event kinds and flow kinds have one Chinese label table, and everything replay emits is in it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from orgmodel.answers.checking import check
from orgmodel.answers.scenario import load_scenario, simulate
from orgmodel.core.kinds import EVENT_WORDS, FLOW_WORDS, RETIRING_WORDS, EventKind, FlowKind
from orgmodel.ledger import load

ROOT = Path(__file__).resolve().parents[1]
CHINESE = re.compile(r"^[\u4e00-\u9fff]+$")


def test_every_kind_has_a_chinese_label():
    assert set(EVENT_WORDS) == set(EventKind) and set(FLOW_WORDS) == set(FlowKind)
    assert set(RETIRING_WORDS) == {EventKind.ABOLISHED, EventKind.MERGED, EventKind.SPLIT}
    for kind in EventKind:
        assert CHINESE.match(kind.label), kind
        if kind.retires:
            assert all(CHINESE.match(w) for w in (kind.retired_label, kind.status_label, kind.retired_verb)), kind
    for kind in FlowKind:
        assert all(CHINESE.match(w) for w in (kind.label, kind.move_name, kind.verb)), kind


@pytest.mark.parametrize("case", ["tengzhou", "zhucheng", "neijiang", "qilan-2026"])
def test_everything_emitted_by_the_case_studies_is_a_kind(case):
    folder = ROOT / "data" / "scenarios" / case
    base = folder / "base" if (folder / "base").is_dir() else ROOT / "data" / "demo"
    ledger = load(base)
    sim = simulate(ledger, load_scenario(folder / "scenario.yaml", ledger.config))
    after = sim.after
    assert after.events and after.flows
    # a kind unknown to the tables would surface as an internal error while replaying
    assert not [f for f in sim.checked_after.findings if f.rule == "internal-error"]
    assert all(isinstance(e.kind, EventKind) for e in after.events)
    assert all(isinstance(f.kind, FlowKind) for f in after.flows)


def test_the_demo_emits_only_known_kinds():
    checked = check(load(ROOT / "data" / "demo"))
    state = checked.state
    assert not [f for f in checked.findings if f.rule == "internal-error"]
    assert {type(e.kind) for e in state.events} == {EventKind}
    assert {type(f.kind) for f in state.flows} == {FlowKind}
