"""Total control (编制总量控制) and cross-level transfers (跨层级调剂)."""

from __future__ import annotations

from collections import defaultdict

from ..provenance import kind_label
from ..state import Body, Pool, State
from .registry import flag, rule

CROSS_LEVEL_BASIS = "厅字〔2007〕2号"
# flow kind -> (what the move is called, the verb before "<type> N 名")
MOVE_WORDS = {
    "transfer": ("调剂", "调剂"), "loan": ("周转借用", "借出"), "return": ("归还周转编制", "归还"),
    "function": ("职责划转", "随职责划转"), "function_transfer": ("职责划转", "随职责划转"),
    "merge": ("合并", "随合并划转"), "split": ("分设", "随分设划转"), "abolish": ("撤销划转", "随撤销划转"),
    "establish": ("组建划入", "划入"), "template": ("统一设置", "随统一设置划转"),
}


def move_words(kind: str | None) -> tuple[str, str]:
    """The Chinese name and verb of a quota move of this flow kind (调剂, 职责划转…)."""
    return MOVE_WORDS.get(kind) or (kind_label(kind), "划转")


def holder_of(state: State, node):
    """The Body or Pool behind a flow's node key, or None."""
    if node is None:
        return None
    if node[0] == "body":
        return state.bodies.get(node[1])
    if node[0] == "pool":
        return state.pools.get(node[1])
    return None


def root_map(state: State) -> dict[str, str]:
    """For every division code: the code of its top division (its jurisdiction)."""
    return {code: state.ancestors(code)[-1] for code in state.divisions}


def _holders(state: State):
    yield from state.bodies.values()
    yield from state.pools.values()


def _flow_books(state: State, roots: dict[str, str]):
    """Net of flows per (node, type); higher-level net per (root, type); cross-root flows;
    the source of the last flow per (node, type)."""
    net: dict[tuple, int] = defaultdict(int)
    last: dict[tuple, object] = {}
    higher: dict[tuple, int] = defaultdict(int)
    crossing = []
    for fl in state.flows:
        src, dst = holder_of(state, fl.src), holder_of(state, fl.dst)
        if src is not None:
            net[(fl.src, fl.quota_type)] -= fl.amount
            last[(fl.src, fl.quota_type)] = fl.source
        if dst is not None:
            net[(fl.dst, fl.quota_type)] += fl.amount
            last[(fl.dst, fl.quota_type)] = fl.source
        if src is None or dst is None:
            side, sign = (dst, 1) if src is None else (src, -1)
            if side is not None:
                higher[(roots[side.division], fl.quota_type)] += sign * fl.amount
        elif roots[src.division] != roots[dst.division]:
            crossing.append((fl, src, dst))
            higher[(roots[src.division], fl.quota_type)] -= fl.amount
            higher[(roots[dst.division], fl.quota_type)] += fl.amount
    return net, higher, crossing, last


@rule("total-control", "编制总量控制")
def total_control(state: State, config):
    """Each jurisdiction's total of each type (bodies + pools) equals the net of the
    higher level's 核定/核增/核减; quota moved between jurisdictions is reported."""
    roots = root_map(state)
    net, higher, crossing, last = _flow_books(state, roots)
    for fl, src, dst in crossing:
        a, b = state.divisions[roots[src.division]].name, state.divisions[roots[dst.division]].name
        yield flag("total-control",
                   f"“{src.label}”({a})向“{dst.label}”({b}){move_words(fl.kind)[1]}{fl.quota_type} {fl.amount} 名,"
                   f"跨越了辖区;"
                   f"辖区总量只能经上级核增、核减改变,应由上级分别核减、核增",
                   fl.source, dst.label)
    flowed: dict[tuple, set] = defaultdict(set)
    for node, t in net:
        flowed[node].add(t)
    held: dict[tuple, int] = defaultdict(int)
    culprits: dict[tuple, list] = defaultdict(list)
    for h in _holders(state):
        root = roots[h.division]
        for t, n in h.approved.items():
            held[(root, t)] += n
        for t in set(h.approved) | flowed.get(h.node, set()):
            if h.approved.get(t, 0) != net.get((h.node, t), 0):
                culprits[(root, t)].append(h)
    for key in sorted(set(held) | set(higher)):
        have, want = held.get(key, 0), higher.get(key, 0)
        if have == want:
            continue
        root, t = key
        yield _mismatch(state, root, t, have, want, culprits.get(key, []), net, last)


def _mismatch(state: State, root: str, t: str, have: int, want: int, culprits: list, net: dict, last: dict):
    """One finding for a jurisdiction's unbalanced type, at the first holder whose books disagree."""
    name = state.divisions[root].name
    detail = ""
    source, body = None, None
    if culprits:
        h = culprits[0]
        shown = "、".join(f"“{c.label}”核定 {c.approved.get(t, 0)} 名而核定、调剂记录合计 {net.get((c.node, t), 0)} 名"
                         for c in culprits[:3])
        more = f"等 {len(culprits)} 处" if len(culprits) > 3 else ""
        detail = f";账实不符:{shown}{more}"
        source = h.source_of(f"approved:{t}") if isinstance(h, Body) else last.get((h.node, t))
        body = h.label
    return flag("total-control",
                f"{name}{t}总量为 {have} 名(机构与编制池合计),而上级核定、核增、核减净额为 {want} 名,"
                f"相差 {have - want:+d} 名;总量只能经上级核增、核减改变{detail}",
                source, body)


@rule("cross-level-transfer", "跨层级调剂", "warning")
def cross_level_transfer(state: State, config):
    """Every quota move between levels (for example 县 → 乡镇) is flagged: it needs the
    higher level's approval. Quota going back into a pool (收回, 归还) is flagged only
    when the op recorded the move as cross-level."""
    for fl in state.flows:
        src, dst = holder_of(state, fl.src), holder_of(state, fl.dst)
        if src is None or dst is None:
            continue
        a, b = state.divisions[src.division], state.divisions[dst.division]
        if not (fl.cross_level or (a.level != b.level and not isinstance(dst, Pool))):
            continue
        doc = f"(文号 {fl.doc})" if fl.doc else ""
        name, verb = move_words(fl.kind)
        yield flag("cross-level-transfer",
                   f"跨层级{name}:{a.name}“{src.label}”({a.level}级)向{b.name}“{dst.label}”({b.level}级)"
                   f"{verb}{fl.quota_type} {fl.amount} 名{doc};跨层级调剂须报上级机构编制部门审批({CROSS_LEVEL_BASIS})",
                   fl.source, dst.label)
