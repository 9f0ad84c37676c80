"""Property test: random sequences of restructuring and staffing ops keep the books straight.

Each step draws an op and its arguments from the *current* state (so most steps are
valid), builds it through ``orgmodel.parse.build_directive`` and applies it the way
``ledger.replay`` does. After every step:

- each type's jurisdiction total (bodies + pools) equals what the higher level gave
  (核定/核增 minus 核减): transfers, merges, splits, abolitions, function transfers,
  establishment from pools and loan returns conserve it;
- no abolished body holds quota or staff;
- the name index matches the active bodies' names and signboards exactly;
- the body hierarchy is acyclic (reclassify may try to make a cycle);
- a step that reports an error changed nothing;
- ``trace`` of every active body accounts for all of its approved quota.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import networkx as nx
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ops_support import BASE, snapshot

from orgmodel.core.config import load_config
from orgmodel.core.findings import ERROR, Source
from orgmodel.core.located import RawItem
from orgmodel.figures.balance import total_balance
from orgmodel.figures.provenance import trace
from orgmodel.ledger import replay
from orgmodel.ops import OPS
from orgmodel.reading.parse import build_directive
from orgmodel.sources.yaml_reader import load_text

CONFIG = load_config()
TYPES = ("行政编制", "事业编制")
# apply_template draws an inline one-entry template over every township.
KINDS = ("transfer", "merge", "split", "abolish", "rename", "signboard_add", "signboard_remove",
         "signboard_move", "function_transfer", "establish", "hire", "depart", "increase", "cut",
         "reclassify", "apply_template")


def _base_state():
    raws, problems = load_text(BASE, "base.yaml")
    assert not problems
    directives = []
    for raw in raws:
        d, found = build_directive(RawItem(raw, Source("base.yaml", raw.spot)), CONFIG)
        assert d is not None and not found
        directives.append(d)
    return directives


BASE_DIRECTIVES = _base_state()


def ref(state, b) -> str:
    return f"{b.division}/{b.name}"


def expected_totals(state) -> Counter:
    """What the higher level gave, per type: flows from None minus flows to None."""
    out = Counter()
    for f in state.flows:
        if f.src is None:
            out[f.quota_type] += f.amount
        if f.dst is None:
            out[f.quota_type] -= f.amount
    return out


def held_totals(state) -> Counter:
    out = Counter()
    for holder in [*state.active_bodies(), *state.pools.values()]:
        for t, n in holder.approved.items():
            out[t] += n
    return out


def check_invariants(state) -> None:
    assert +held_totals(state) == +expected_totals(state)
    for b in state.bodies.values():
        if not b.active:
            assert not any(b.approved.values()) and not any(b.actual.values()), b
        assert all(n >= 0 for n in [*b.approved.values(), *b.actual.values()]), b
    index = {(b.division, n): b.id for b in state.active_bodies() for n in [b.name, *state.signboards(b)]}
    assert len(index) == sum(1 + len(state.signboards(b)) for b in state.active_bodies())
    assert state.names == index
    tree = nx.DiGraph([(b.id, state.parent(b).id) for b in state.active_bodies() if state.parent(b) is not None])
    assert nx.is_directed_acyclic_graph(tree)


def draw_directive(data, state, step: int, fresh) -> dict:
    """A raw directive of a random kind with arguments drawn from the live state."""
    bodies = sorted(state.active_bodies(), key=lambda b: b.id)
    holders = [*bodies, *state.pools.values()]
    pick = lambda xs: data.draw(st.sampled_from(xs))  # noqa: E731
    label = lambda h: h.name if h.name in state.pools else ref(state, h)  # noqa: E731
    kind = data.draw(st.sampled_from(KINDS))
    raw = {"date": (dt.date(2021, 1, 1) + dt.timedelta(days=step)).isoformat(), "op": kind, "doc": f"青编〔2021〕{step}号"}
    b, other = pick(bodies), pick(bodies)
    t = pick(TYPES)
    if kind == "transfer":
        src, dst = pick(holders), pick(holders)
        raw.update({"from": label(src), "to": label(dst), "type": t, "amount": data.draw(st.integers(0, max(src.approved.get(t, 0), 1)))})
    elif kind == "merge":
        sources = [b] + ([other] if other is not b and data.draw(st.booleans()) else [])
        raw.update({"sources": [ref(state, s) for s in sources], "keep_names": data.draw(st.booleans())})
        into = pick(bodies)
        if data.draw(st.booleans()) and into not in sources:
            raw["into"] = ref(state, into)
        else:
            raw["new"] = {"name": fresh("合并机构"), "division": b.division, "category": b.category}
    elif kind == "split":
        raw.update({"source": ref(state, b), "drop_signboards": True, "drop_duties": True, "drop_children": True})
        parts = [{"name": fresh("分设机构"), "quota": {}, "staff": {}}, {"name": fresh("分设机构"), "quota": {}, "staff": {}}]
        for book, key in ((b.approved, "quota"), (b.actual, "staff")):
            for qt, n in book.items():
                k = data.draw(st.integers(0, n))
                parts[0][key][qt], parts[1][key][qt] = k, n - k
        raw["into"] = parts
    elif kind == "abolish":
        raw.update({"body": ref(state, b), "quota_to": "收回", "staff_to": ref(state, other),
                    "signboards_to": "drop", "duties_to": "drop", "children_to": "drop"})
    elif kind == "rename":
        raw.update({"body": ref(state, b), "to": pick([fresh("更名机构"), other.name]), "keep_signboard": data.draw(st.booleans())})
    elif kind == "signboard_add":
        raw.update({"body": ref(state, b), "name": pick([fresh("牌子"), other.name])})
    elif kind == "signboard_remove":
        raw.update({"body": ref(state, b), "name": pick(state.signboards(b) or ["无此牌"])})
    elif kind == "signboard_move":
        raw.update({"name": pick(state.signboards(b) or ["无此牌"]), "from": ref(state, b), "to": ref(state, other)})
    elif kind == "function_transfer":
        raw.update({"from": ref(state, b), "to": ref(state, other),
                    "quota": {t: data.draw(st.integers(0, b.approved.get(t, 0) + 1))},
                    "staff": {t: data.draw(st.integers(0, b.actual.get(t, 0)))}})
    elif kind == "establish":
        raw.update({"name": fresh("新设机构"), "division": b.division, "category": "事业单位",
                    "quota_from": [{"from": "收回编制池", "type": "事业编制", "amount": data.draw(st.integers(1, 12))}]})
    elif kind == "reclassify":
        raw.update({"body": ref(state, b), "parent": pick([ref(state, other), "无"]), "class": pick(["公益一类", "公益二类"])})
    elif kind == "apply_template":
        entry = {"name": pick([fresh("统一机构"), other.name]), "from": [b.name], "category": "事业单位"}
        if data.draw(st.booleans()):
            entry["signboards"] = [pick([fresh("统一牌子"), other.name])]
        raw.update({"kind": ["镇", "乡", "街道"], "bodies": [entry], "missing": pick(["跳过", "新建"]),
                    "keep_names": data.draw(st.booleans())})
    elif kind in ("hire", "depart"):
        raw.update({"body": ref(state, b), "type": t, "count": data.draw(st.integers(1, 4))})
    elif kind == "increase":
        raw.update({"to": label(pick(holders)), "type": t, "amount": data.draw(st.integers(1, 5))})
    else:
        raw.update({"from": label(pick(holders)), "type": t, "amount": data.draw(st.integers(1, 5))})
    return raw


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_operation_sequences_keep_the_books(data):
    state = replay(BASE_DIRECTIVES, CONFIG)
    check_invariants(state)
    counter = iter(range(10_000))

    def fresh(prefix):
        return f"{prefix}{next(counter)}"

    applied = 0
    for step in range(data.draw(st.integers(1, 14))):
        raw = draw_directive(data, state, step, fresh)
        d, problems = build_directive(RawItem(raw, Source("prop.yaml", step + 1)), CONFIG)
        assert d is not None, (raw, [p.format() for p in problems])
        before, seen = snapshot(state), len(state.findings)
        state.apply(d, OPS[d.op].apply)
        new = state.findings[seen:]
        if any(f.severity == ERROR for f in new):
            assert snapshot(state) == before, (raw, [f.format() for f in new])
            assert all(f.source.file == "prop.yaml" and f.source.line == step + 1 for f in new)
        else:
            applied += 1
        check_invariants(state)
    totals = total_balance(state).set_index("quota_type")["total"]
    expected = expected_totals(state)
    assert all(int(totals.get(t, 0)) == expected[t] for t in TYPES)
    for b in state.active_bodies():
        tr = trace(state, b)
        assert tr.ok, (b.name, b.approved)


def test_sequence_generator_mostly_builds_valid_steps():
    """Guard against a generator that only ever produces refusals."""
    kinds = Counter()

    @settings(max_examples=30, deadline=None, database=None)
    @given(st.data())
    def run(data):
        state = replay(BASE_DIRECTIVES, CONFIG)
        counter = iter(range(10_000))
        for step in range(8):
            raw = draw_directive(data, state, step, lambda p: f"{p}{next(counter)}")
            d, _ = build_directive(RawItem(raw, Source("prop.yaml", step + 1)), CONFIG)
            seen = len(state.findings)
            state.apply(d, OPS[d.op].apply)
            kinds["ok" if len(state.findings) == seen else "refused"] += 1

    run()
    assert kinds["ok"] > kinds["refused"] / 2, kinds
