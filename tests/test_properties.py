"""Property tests (hypothesis): transfers conserve every type's total; overdraws change nothing."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import yaml
from conftest import COUNTY
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orgmodel.core.config import load_config
from orgmodel.core.findings import Source
from orgmodel.core.located import RawItem
from orgmodel.figures.balance import total_balance
from orgmodel.ledger import replay
from orgmodel.reading.parse import build_directive, sort_key

CONFIG = load_config()
HOLDERS = ["县委办", "东镇/党政办", "西乡/党政办", "便民服务中心", "收回编制池", "周转池"]
TYPES = ["行政编制", "事业编制"]
START = {(h, t): 3 + 2 * i + j for i, h in enumerate(HOLDERS) for j, t in enumerate(TYPES)}


def _directives(raws, file="prop.yaml", first_line=1):
    out = []
    for i, raw in enumerate(raws):
        d, problems = build_directive(RawItem(raw, Source(file, first_line + i)), CONFIG)
        assert d is not None and not problems, problems
        out.append(d)
    return out


BASE = _directives(yaml.safe_load(COUNTY) + [
    {"date": "2021-01-01", "op": "open_pool", "name": "周转池", "kind": "周转", "division": "青山县"}] + [
    {"date": "2021-01-02", "op": "approve", "body": h, "type": t, "amount": n, "doc": "青编〔2021〕1号"}
    for (h, t), n in START.items()
])
FIRST_DAY = dt.date(2021, 2, 1)


def _transfer(src, dst, t, amount, step):
    day = (FIRST_DAY + dt.timedelta(days=step)).isoformat()
    return {"date": day, "op": "transfer", "from": src, "to": dst, "type": t, "amount": amount, "doc": f"青编〔2021〕{step}号"}


def _holdings(state):
    held = Counter()
    for b in state.active_bodies():
        key = b.name if b.name in HOLDERS else f"{state.divisions[b.division].name}/{b.name}"
        for t, n in b.approved.items():
            held[(key, t)] += n
    for p in state.pools.values():
        for t, n in p.approved.items():
            held[(p.name, t)] += n
    return held


def _totals(held):
    out = Counter()
    for (_, t), n in held.items():
        out[t] += n
    return out


@st.composite
def transfer_runs(draw, overdraw_chance):
    """A list of (raw transfer, valid?) plus the holdings a correct replay must end with."""
    model = Counter(START)
    steps = []
    for step in range(draw(st.integers(1, 25))):
        src, dst = draw(st.lists(st.sampled_from(HOLDERS), min_size=2, max_size=2, unique=True))
        t = draw(st.sampled_from(TYPES))
        held = model[(src, t)]
        overdraw = overdraw_chance and draw(st.integers(0, 99)) < overdraw_chance
        if not overdraw and held == 0:
            continue  # nothing to move: a transfer of 0 is refused as a typo
        amount = draw(st.integers(held + 1, held + 10)) if overdraw else draw(st.integers(1, held))
        steps.append((_transfer(src, dst, t, amount, step), not overdraw))
        if not overdraw:
            model[(src, t)] -= amount
            model[(dst, t)] += amount
    return steps, +model


def _replay(steps):
    extra = _directives([raw for raw, _ in steps], "transfers.yaml")
    return replay(sorted(BASE + extra, key=sort_key), CONFIG)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transfer_runs(overdraw_chance=0))
def test_valid_transfers_conserve_every_total(run):
    steps, expected = run
    state = _replay(steps)
    assert state.findings == []
    held = _holdings(state)
    assert +held == expected
    assert _totals(held) == _totals(Counter(START))
    table = total_balance(state).set_index("quota_type")["total"].to_dict()
    assert table == dict(_totals(Counter(START)))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(transfer_runs(overdraw_chance=30))
def test_overdraws_are_refused_and_change_nothing(run):
    steps, expected = run
    state = _replay(steps)
    refused = [i + 1 for i, (_, ok) in enumerate(steps) if not ok]
    assert [(f.rule, f.source.file, f.source.line) for f in state.findings] == [
        ("insufficient-quota", "transfers.yaml", line) for line in refused]
    assert +_holdings(state) == expected
    assert _totals(_holdings(state)) == _totals(Counter(START))


# -- robustness: no directive, however wrong, makes replay or the tables raise ------------

NAMES = [*HOLDERS, "党政办", "无此机构", "青山县", "东镇", "370101", "drop", "收回", "新机构"]
VALUES = st.one_of(
    st.sampled_from(NAMES), st.integers(-2, 12), st.sampled_from([2.5, True, None, "", "事业编制", "2021-05-01"]),
    st.lists(st.sampled_from(NAMES), max_size=2),
    st.dictionaries(st.sampled_from(["行政编制", "事业编制", "正职", "网格员", "乱写"]), st.integers(-1, 5), max_size=2),
    st.lists(st.fixed_dictionaries({"to": st.sampled_from(NAMES), "from": st.sampled_from(NAMES),
                                    "name": st.sampled_from(NAMES), "type": st.sampled_from(TYPES),
                                    "amount": st.integers(0, 6)}), max_size=2),
)


@st.composite
def any_directive(draw):
    from orgmodel.ops import OPS

    spec = draw(st.sampled_from(sorted(OPS)))
    raw = {"date": draw(st.sampled_from(["2021-02-01", "2021-03-01", "2021-02-30"])), "op": spec, "doc": "青编〔2021〕9号"}
    for name, field in OPS[spec].fields.items():
        if field.required or draw(st.booleans()):
            raw[name] = draw(VALUES)
    return raw


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(any_directive(), min_size=1, max_size=6))
def test_no_directive_makes_replay_or_tables_raise(raws):
    from orgmodel.figures.balance import VIEWS, balance_view

    extra = []
    for i, raw in enumerate(raws):
        d, _ = build_directive(RawItem(raw, Source("fuzz.yaml", i + 1)), CONFIG)
        if d is not None:
            extra.append(d)
    state = replay(sorted(BASE + extra, key=sort_key), CONFIG)
    for by in VIEWS:
        balance_view(state, by)
    assert all(f.source is not None for f in state.findings)
    try:
        from orgmodel.rules import run_rules
    except ImportError:
        return
    run_rules(state, CONFIG)
