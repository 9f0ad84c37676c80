"""Rules stay linear: a province-sized state is checked in well under a few seconds."""

from __future__ import annotations

import datetime as dt
import time

from orgmodel.config import load_config
from orgmodel.findings import Source
from orgmodel.rules import run_rules
from orgmodel.state import Body, Division, Flow, State


def synthetic_state(townships: int, per_town: int = 50) -> State:
    """Townships of ``per_town`` bodies each, every body approved by a flow; every fifth body over quota."""
    state = State(load_config())
    state.add_division(Division("P", "省", "省"))
    state.add_division(Division("C", "县", "县", parent="P"))
    n = 0
    for t in range(townships):
        code = f"T{t}"
        state.add_division(Division(code, f"镇{t}", "乡镇", kind="镇", parent="C", population=45000))
        for k in range(per_town):
            n += 1
            qtype = "事业编制" if k % 2 else "行政编制"
            b = Body(n, f"机构{k}站", code, "事业单位" if k % 2 else "党政机关", rank="副科")
            b.approved[qtype], b.actual[qtype] = 10, 11 if k % 5 == 0 else 9
            b.sources["establish"] = Source("big.yaml", n)
            state.bodies[n] = b
            state.flows.append(Flow(dt.date(2020, 1, 1), "文", Source("big.yaml", n), "approve", None, b.node, qtype, 10))
    state.as_of = dt.date(2024, 1, 1)
    return state


def test_rules_scale_linearly_on_twenty_thousand_bodies():
    state = synthetic_state(400)
    start = time.perf_counter()
    found = run_rules(state, state.config)
    elapsed = time.perf_counter() - start
    assert len(state.bodies) == 20_000
    assert {f.rule for f in found} == {"over-quota", "quota-band"}
    assert sum(f.rule == "over-quota" for f in found) == 4_000
    assert elapsed < 5, f"rules took {elapsed:.1f}s on 20,000 bodies"
