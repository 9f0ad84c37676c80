"""Total control (编制总量控制) and cross-level transfers (跨层级调剂)."""

from __future__ import annotations

from collections import defaultdict

from ..core.findings import CellSource
from ..core.kinds import Fact, FlowKind
from ..figures.flows import cross_level_moves, holder_of
from ..state import Body, State
from .registry import flag, rule

CROSS_LEVEL_BASIS = "厅字〔2007〕2号"


def _holders(state: State):
    yield from state.bodies.values()
    yield from state.pools.values()


def _flow_books(state: State):
    """From the flow edges of the graph: the net per (holder node, type); what each
    jurisdiction should hold per (root, type) (what the level above gave it, plus quota moved
    in from other jurisdictions, minus quota moved out); and the moves between jurisdictions."""
    net: dict[tuple, int] = defaultdict(int)
    expected: dict[tuple, int] = defaultdict(int)
    crossing = []
    roots: dict[tuple, str] = {}  # holder node -> its jurisdiction, looked up once per holder

    def root(node) -> str:
        found = roots.get(node)
        if found is None:
            found = roots[node] = state.root_of(holder_of(state, node).division)
        return found

    for u, v, fl in state.quota_edges():
        t, n = fl.quota_type, fl.amount
        higher_u, higher_v = u[0] == "higher", v[0] == "higher"
        if higher_u:
            expected[(u[1], t)] += n
        else:
            net[(u, t)] -= n
        if higher_v:
            expected[(v[1], t)] -= n
        else:
            net[(v, t)] += n
        if not higher_u and not higher_v:
            a, b = root(u), root(v)
            if a != b:
                crossing.append((fl, holder_of(state, u), holder_of(state, v)))
                expected[(a, t)] -= n
                expected[(b, t)] += n
    crossing.sort(key=lambda c: c[0].seq)
    return net, expected, crossing


@rule("total-control", "编制总量控制")
def total_control(state: State, config):
    """Each jurisdiction's total of each type (bodies + pools) equals the net of the
    higher level's 核定/核增/核减 (the flow edges from the level above it); quota moved
    between jurisdictions is reported."""
    net, higher, crossing = _flow_books(state)
    for fl, src, dst in crossing:
        a, b = state.divisions[state.root_of(src.division)].name, state.divisions[state.root_of(dst.division)].name
        yield flag("total-control",
                   f"“{state.reference(src)}”({a})向“{state.reference(dst)}”({b}){FlowKind(fl.kind).verb}{fl.quota_type} {fl.amount} 名,"
                   f"跨越了辖区;"
                   f"辖区总量只能经上级核增、核减改变,应由上级分别核减、核增",
                   fl.source, dst)
    # types a holder's flows moved that its book does not list at all (move_quota always
    # lists them, so this is empty unless a book was changed behind the journal's back)
    unlisted: dict[tuple, list] = defaultdict(list)
    for (node, t), n in net.items():
        if n:
            h = holder_of(state, node)
            if h is not None and t not in h.approved:
                unlisted[node].append(t)
    held: dict[tuple, int] = defaultdict(int)
    culprits: dict[tuple, list] = defaultdict(list)
    for h in _holders(state):
        approved, node = h.approved, h.node
        if not approved and node not in unlisted:
            continue
        root = state.root_of(h.division)
        for t, n in approved.items():
            held[(root, t)] += n
            if n != net.get((node, t), 0):
                culprits[(root, t)].append(h)
        for t in unlisted.get(node, ()):
            culprits[(root, t)].append(h)
    for key in sorted(set(held) | set(higher)):
        have, want = held.get(key, 0), higher.get(key, 0)
        if have == want:
            continue
        root, t = key
        yield _mismatch(state, root, t, have, want, culprits.get(key, []), net)


def _mismatch(state: State, root: str, t: str, have: int, want: int, culprits: list, net: dict):
    """One finding for a jurisdiction's unbalanced type, at the first holder whose books disagree."""
    name = state.divisions[root].name
    detail = ""
    source, subject = None, None
    if culprits:
        h = culprits[0]
        shown = "、".join(f"“{state.reference(c)}”核定 {c.approved.get(t, 0)} 名而核定、调剂记录合计 {net.get((c.node, t), 0)} 名"
                         for c in culprits[:3])
        more = f"等 {len(culprits)} 处" if len(culprits) > 3 else ""
        detail = f";账实不符:{shown}{more}"
        fallback = Fact.ESTABLISH if isinstance(h, Body) else None
        source, subject = h.facts.source(Fact.APPROVED, t, fallback), h
    return flag("total-control",
                f"{name}{t}总量为 {have} 名(机构与编制池合计),而上级核定、核增、核减净额为 {want} 名,"
                f"相差 {have - want:+d} 名;总量只能经上级核增、核减改变{detail}",
                source, subject)


def _move_text(state: State, fl, src, dst) -> str:
    a, b = state.divisions[src.division], state.divisions[dst.division]
    doc = f"(文号 {fl.doc})" if fl.doc else ""
    kind = FlowKind(fl.kind)
    return (f"跨层级{kind.move_name}:{a.name}“{src.label}”({a.level}级)向{b.name}“{dst.label}”({b.level}级)"
            f"{kind.verb}{fl.quota_type} {fl.amount} 名{doc}")


@rule("cross-level-transfer", "跨层级调剂", "warning")
def cross_level_transfer(state: State, config):
    """Every quota move between levels (for example 县 → 乡镇) that does not cite the higher
    level's approval (``approved_by``) is flagged: it needs that approval. Quota going back
    into a pool (收回, 归还) is flagged only when the op recorded the move as cross-level."""
    for fl, src, dst in cross_level_moves(state):
        if not fl.approval:
            yield flag("cross-level-transfer",
                       f"{_move_text(state, fl, src, dst)};跨层级调剂须报上级机构编制部门审批({CROSS_LEVEL_BASIS}),"
                       + ("已批准的请在“上级批准文号”列写明批准文号" if isinstance(fl.source, CellSource)
                          else "已批准的请用 approved_by 写明批准文号"),
                       fl.source, dst)


@rule("cross-level-approved", "跨层级调剂(已经上级批准)", "info")
def cross_level_approved(state: State, config):
    """A move between levels that cites the higher level's approval (``approved_by``) is listed
    with that approval, so an audit can see every cross-level move and its basis."""
    for fl, src, dst in cross_level_moves(state):
        if fl.approval:
            yield flag("cross-level-approved",
                       f"{_move_text(state, fl, src, dst)};已经上级机构编制部门批准(批准文号 {fl.approval})",
                       fl.source, dst)
