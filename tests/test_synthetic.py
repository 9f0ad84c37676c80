"""The province-scale synthetic generator, at a small scale."""

from __future__ import annotations

import pytest

from orgmodel.answers.checking import check
from orgmodel.figures.balance import body_balance, county_balance, pool_balance, total_balance, township_balance
from orgmodel.ledger import load
from orgmodel.sources.synthetic import Params, flow, generate


@pytest.fixture(scope="module")
def small(tmp_path_factory):
    out = tmp_path_factory.mktemp("province")
    counts = generate(out, Params(townships=20, seed=7))
    return out, counts


def test_small_province_loads_without_errors(small):
    out, counts = small
    ledger = load(out)
    assert len(ledger.directives) == counts["directives"] > 5000
    checked = check(ledger)
    findings, state = checked.findings, checked.state
    assert [f.format() for f in findings if f.severity == "error"] == []
    assert sum(1 for d in state.divisions.values() if d.level == "乡镇") == 20
    assert len(state.bodies) == counts["bodies"]
    assert any(not b.active for b in state.bodies.values())  # abolitions happened
    assert state.loans and any(ln.returned for ln in state.loans)


def test_small_province_balance_invariants(small):
    state = load(small[0]).state()
    bodies = body_balance(state)
    for df in (bodies, township_balance(state, bodies), county_balance(state, bodies)):
        assert ((df["approved"] - df["actual"]) == (df["vacant"] - df["over"])).all()
    assert ((bodies["vacant"] == 0) | (bodies["over"] == 0)).all()  # only a single body cannot be both
    towns = township_balance(state, bodies)
    own = bodies[(bodies["division_level"] == "乡镇") & ~bodies["dispatched"]]
    summed = own.groupby(["division_code", "quota_type"])["approved"].sum()
    for row in towns.itertuples():
        assert row.approved == summed.get((row.division_code, row.quota_type), 0)
    total = total_balance(state, bodies).set_index("quota_type")
    pools = pool_balance(state).groupby("quota_type")["amount"].sum()
    for t, row in total.iterrows():
        assert row["total"] == bodies[bodies["quota_type"] == t]["approved"].sum() + pools.get(t, 0)


def test_generation_is_deterministic(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    generate(a, Params(townships=10, seed=3))
    generate(b, Params(townships=10, seed=3))
    for path in a.iterdir():
        assert path.read_bytes() == (b / path.name).read_bytes()


def test_flow_quotes_only_what_yaml_would_misread():
    assert flow({"code": "329001", "date": "2020-01-01", "name": "青石镇"}) == '{code: "329001", date: 2020-01-01, name: 青石镇}'
    assert flow(["a: b", True, 3]) == '["a: b", true, 3]'
