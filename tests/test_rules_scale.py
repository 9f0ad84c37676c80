"""Rules on a large state built through the state's own methods: every over-quota body is
found once, and nothing else fires. (How long they take is measured by benchmarks/, not here.)"""

from __future__ import annotations

import datetime as dt

from orgmodel.core.config import load_config
from orgmodel.core.directive import Directive
from orgmodel.core.findings import Source
from orgmodel.core.kinds import FlowKind
from orgmodel.rules import run_rules
from orgmodel.state import Body, State

DAY = dt.date(2020, 1, 1)


def synthetic_state(townships: int, per_town: int = 50) -> State:
    """Townships of ``per_town`` bodies each, every body approved by a flow; every fifth body over quota."""
    state = State(load_config())
    n = 0

    def directive():
        nonlocal n
        n += 1
        return Directive(DAY, "establish", {}, Source("big.yaml", n), doc="文")

    province = state.open_division(directive(), "P", "省", "省", None, None, None, None)
    county = state.open_division(directive(), "C", "县", "县", None, province, None, None)
    for t in range(townships):
        town = state.open_division(directive(), f"T{t}", f"镇{t}", "乡镇", "镇", county, 45000, None)
        for k in range(per_town):
            d = directive()
            qtype = "事业编制" if k % 2 else "行政编制"
            b = state.add_body(d, Body(0, f"机构{k}站", town.code, "事业单位" if k % 2 else "党政机关", rank="副科"))
            state.move_quota(None, b, qtype, 10, d, FlowKind.APPROVE)
            state.set_staff(d, b, {qtype: 11 if k % 5 == 0 else 9}, None)
    state.finish(dt.date(2024, 1, 1))
    return state


def test_rules_find_every_over_quota_body_on_twenty_thousand_bodies():
    state = synthetic_state(400)
    found = run_rules(state, state.config)
    assert len(state.bodies) == 20_000
    assert {f.rule for f in found} == {"over-quota", "quota-band"}
    over = [f for f in found if f.rule == "over-quota"]
    assert len(over) == 4_000 and len({f.subjects for f in over}) == 4_000
