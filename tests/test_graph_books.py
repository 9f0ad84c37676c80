"""The graph is the model: walked on its own, it agrees with the books, on the demo and on
a synthetic province."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from orgmodel.ledger import load
from orgmodel.sources.synthetic import Params, generate

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"


@pytest.fixture(scope="module")
def demo_state():
    return load(DEMO).state()


@pytest.fixture(scope="module")
def province_state(tmp_path_factory):
    out = tmp_path_factory.mktemp("province")
    generate(out, Params(townships=40, seed=3))
    return load(out).state()


def graph_net(state) -> dict[tuple, int]:
    """Per (node, quota type): the amounts on flow edges into the node minus those out of it."""
    net: dict[tuple, int] = defaultdict(int)
    for u, v, data in state.graph.edges(data=True):
        if "flow" in data:
            f = data["flow"]
            net[(u, f.quota_type)] -= f.amount
            net[(v, f.quota_type)] += f.amount
    return net


def holders(state):
    yield from state.bodies.values()
    yield from state.pools.values()


def check_graph_agrees_with_books(state) -> int:
    net = graph_net(state)
    flowed: dict[tuple, set] = defaultdict(set)
    for node, t in net:
        flowed[node].add(t)
    checked = 0
    for h in holders(state):
        for t in set(h.approved) | flowed[h.node]:
            assert h.approved.get(t, 0) == net.get((h.node, t), 0), (h.label, t)
            checked += 1
    # what the level above each jurisdiction gave, net, is what the jurisdiction holds
    held: dict[tuple, int] = defaultdict(int)
    for h in holders(state):
        for t, n in h.approved.items():
            held[(("higher", state.root_of(h.division)), t)] += n
    higher = {k: -v for k, v in net.items() if k[0][0] == "higher"}
    assert {k: v for k, v in held.items() if v} == {k: v for k, v in higher.items() if v}
    # placement: every body, pool and division (but the roots) sits in exactly one division
    for node in state.graph.nodes:
        ins = [v for v, keys in state.graph.succ[node].items() if "in" in keys]
        if node[0] in ("body", "pool"):
            assert len(ins) == 1 and ins[0][0] == "division", node
        if node[0] == "division":
            assert len(ins) == (0 if state.divisions[node[1]].parent is None else 1), node
    # signboards: each node hangs on the body it names, and the name index agrees
    for node in state.graph.nodes:
        if node[0] == "signboard":
            carriers = [u for u, keys in state.graph.pred[node].items() if "carries" in keys]
            assert carriers == [("body", node[1])], node
            body = state.bodies[node[1]]
            if body.active:
                assert state.body_named(body.division, node[2]) is body
    return checked


def test_demo_graph_agrees_with_books(demo_state):
    assert check_graph_agrees_with_books(demo_state) > 300


def test_province_graph_agrees_with_books(province_state):
    assert check_graph_agrees_with_books(province_state) > 1000


LINEAGE = """\
- {date: 2021-01-01, op: merge, sources: [综合治理事务中心, 新居民服务管理办公室], new: {name: 社会治理中心, division: 青山县}, doc: 青编〔2021〕2号}
- date: 2021-02-01
  op: split
  doc: 青编〔2021〕3号
  source: 东镇/综合治理中心
  into:
    - {name: 综治中心, quota: {事业编制: 3}}
    - {name: 网格中心, quota: {事业编制: 2}}
- {date: 2021-03-01, op: abolish, body: 综治办, quota_to: 东镇/党政办, doc: 青编〔2021〕4号}
"""


def test_lineage_leads_from_every_retired_body_to_its_successors(tmp_path):
    from ops_support import clean

    state = clean(tmp_path, LINEAGE)
    lineage = {b.name: sorted((s.name, how) for s, how in state.successors(b)) for b in state.bodies.values() if not b.active}
    assert lineage == {
        "综合治理事务中心": [("社会治理中心", "merged")], "新居民服务管理办公室": [("社会治理中心", "merged")],
        "综合治理中心": [("综治中心", "split"), ("网格中心", "split")], "综治办": [("党政办", "abolished")]}
    assert check_graph_agrees_with_books(state) > 10
