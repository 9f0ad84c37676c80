"""Shared helpers for the op tests: a small county ledger, replay, snapshots of the state.

Use with ``from ops_support import BASE, run, ...``.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

from orgmodel.core.findings import Source
from orgmodel.figures.balance import body_balance, pool_balance, total_balance
from orgmodel.ledger import load

DOC = "doc: 青编〔2021〕1号"

# A county (青山县) with a town, a township and a subdistrict, two pools and a few bodies.
BASE = f"""\
- {{date: 2020-01-01, op: open_division, code: C1, name: 青山县, level: 县}}
- {{date: 2020-01-01, op: open_division, code: T1, name: 东镇, level: 乡镇, kind: 镇, parent: C1}}
- {{date: 2020-01-01, op: open_division, code: T2, name: 西乡, level: 乡镇, kind: 乡, parent: C1}}
- {{date: 2020-01-01, op: open_division, code: T3, name: 南街道, level: 乡镇, kind: 街道, parent: C1}}
- {{date: 2020-01-01, op: open_pool, name: 收回编制池, kind: 收回, division: 青山县}}
- {{date: 2020-01-01, op: open_pool, name: 周转池, kind: 周转, division: 青山县}}
- {{date: 2020-01-02, op: establish, name: 政法委, division: 青山县, category: 党政机关, rank: 正科}}
- {{date: 2020-01-02, op: establish, name: 综合治理事务中心, division: 青山县, category: 事业单位, class: 公益二类, signboards: [矛盾调处中心]}}
- {{date: 2020-01-02, op: establish, name: 新居民服务管理办公室, division: 青山县, category: 事业单位, class: 公益二类}}
- {{date: 2020-01-02, op: establish, name: 信息科, division: 青山县, category: 内设机构, parent: 综合治理事务中心}}
- {{date: 2020-01-02, op: establish, name: 党政办, division: 东镇, category: 党政机关}}
- {{date: 2020-01-02, op: establish, name: 综合治理中心, division: 东镇, category: 事业单位, class: 公益一类}}
- {{date: 2020-01-02, op: establish, name: 综治办, division: 东镇, category: 党政机关}}
- {{date: 2020-01-02, op: establish, name: 综合治理中心, division: 西乡, category: 事业单位, class: 公益一类}}
- {{date: 2020-01-02, op: establish, name: 党政办, division: 南街道, category: 党政机关}}
- {{date: 2020-01-03, op: approve, body: 政法委, type: 行政编制, amount: 10, {DOC}}}
- {{date: 2020-01-03, op: approve, body: 综合治理事务中心, type: 事业编制, amount: 8, {DOC}}}
- {{date: 2020-01-03, op: approve, body: 新居民服务管理办公室, type: 事业编制, amount: 3, {DOC}}}
- {{date: 2020-01-03, op: approve, body: 收回编制池, type: 事业编制, amount: 30, {DOC}}}
- {{date: 2020-01-03, op: approve, body: 周转池, type: 事业编制, amount: 10, {DOC}}}
- {{date: 2020-01-03, op: approve, body: 东镇/综合治理中心, type: 事业编制, amount: 5, {DOC}}}
- {{date: 2020-01-03, op: approve, body: 东镇/党政办, type: 行政编制, amount: 12, {DOC}}}
- {{date: 2020-01-03, op: approve, body: 综治办, type: 行政编制, amount: 3, {DOC}}}
- {{date: 2020-01-03, op: approve, body: 西乡/综合治理中心, type: 事业编制, amount: 4, {DOC}}}
- {{date: 2020-01-05, op: staff, body: 综合治理事务中心, actual: {{事业编制: 6}}, leaders: {{正职: 1}}}}
- {{date: 2020-01-05, op: staff, body: 新居民服务管理办公室, actual: {{事业编制: 3}}}}
- {{date: 2020-01-05, op: staff, body: 政法委, actual: {{行政编制: 9}}}}
- {{date: 2020-01-05, op: staff, body: 东镇/党政办, actual: {{行政编制: 10}}}}
- {{date: 2020-01-06, op: duty, name: 矛盾纠纷排查, lead: 综合治理事务中心, support: [政法委]}}
- {{date: 2020-01-06, op: duty, name: 流动人口登记, lead: 新居民服务管理办公室}}
"""
BASE_LINES = BASE.count("\n")


def run(tmp_path: Path, extra: str = "", config: str | None = None, as_of=None, base: str = BASE):
    """Write ``base`` + ``extra`` (dedented), load and replay: returns (state, load findings)."""
    path = tmp_path / "ledger.yaml"
    path.write_text(base + textwrap.dedent(extra), encoding="utf-8")
    cfg = None
    if config is not None:
        cfg = tmp_path / "province.yaml"
        cfg.write_text(textwrap.dedent(config), encoding="utf-8")
    led = load(path, cfg)
    return led.state(as_of), led.findings


def clean(tmp_path: Path, extra: str = "", config: str | None = None):
    """Like :func:`run`, asserting no load or replay finding at all."""
    state, read = run(tmp_path, extra, config)
    problems = [f.format() for f in [*read, *state.findings]]
    assert not problems, problems
    return state


def at(tmp_path: Path, extra_line: int) -> Source:
    """The source of line ``extra_line`` (1-based) of the text appended to BASE."""
    return Source(str(tmp_path / "ledger.yaml"), BASE_LINES + extra_line)


def body(state, ref: str):
    """The active body named ``ref`` (``区划/名称`` allowed)."""
    found, why = state.find_body(ref)
    assert found is not None, why
    return found


def approved(state, ref: str, qtype: str) -> int:
    """Approved quota of ``ref`` from the body balance table (0 when the body has none)."""
    df = body_balance(state)
    b = body(state, ref)
    rows = df[(df["body_id"] == b.id) & (df["quota_type"] == qtype)]
    return int(rows["approved"].sum())


def actual(state, ref: str, qtype: str) -> int:
    df = body_balance(state)
    b = body(state, ref)
    rows = df[(df["body_id"] == b.id) & (df["quota_type"] == qtype)]
    return int(rows["actual"].sum())


def pool(state, name: str, qtype: str) -> int:
    df = pool_balance(state)
    return int(df[(df["pool"] == name) & (df["quota_type"] == qtype)]["amount"].sum())


def total(state, qtype: str) -> int:
    """Jurisdiction total (bodies + pools) of one type, from the total balance table."""
    df = total_balance(state)
    rows = df[df["quota_type"] == qtype]
    return int(rows["total"].sum())


def snapshot(state) -> dict:
    """Everything a directive could change, except findings, in comparable form."""
    def link(b, kind):
        other = state.linked(b, kind)
        return other.id if other else None

    bodies = {b.id: (b.name, b.division, b.category, b.klass, b.rank, b.funding, link(b, "part_of"), link(b, "led_by"),
                     tuple(state.signboards(b)), tuple(sorted(b.approved.items())), tuple(sorted(b.actual.items())),
                     tuple(sorted(b.planned.items())), tuple(sorted(b.leaders.items())), b.active)
              for b in state.bodies.values()}
    return {
        "bodies": bodies,
        "pools": {p.name: tuple(sorted(p.approved.items())) for p in state.pools.values()},
        "duties": {k: (d.lead, tuple(d.support)) for k, d in state.duties.items()},
        "loans": [(ln.body, ln.amount, ln.returned) for ln in state.loans],
        "names": dict(state.names),
        "flows": len(state.flows),
        "events": len(state.events),
        "edges": sorted(map(str, state.graph.edges(keys=True))),
    }


def refused(tmp_path: Path, extra: str, rule: str, line: int = 1, config: str | None = None):
    """Replaying BASE + ``extra`` gives a ``rule`` finding at extra line ``line`` and changes nothing.

    ``extra`` must be a single directive (the state is compared with BASE alone).
    Returns the matching findings.
    """
    base_state, _ = run(tmp_path, "", config)
    state, read = run(tmp_path, extra, config)
    assert not read, [f.format() for f in read]
    hits = [f for f in state.findings if f.rule == rule]
    assert hits, [f.format() for f in state.findings]
    assert hits[0].source == at(tmp_path, line), [f.format() for f in state.findings]
    assert snapshot(state) == snapshot(base_state)
    return hits
