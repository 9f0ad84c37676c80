"""Quota provenance: where a body's (or pool's) approved quota came from.

Every quota movement is a :class:`~orgmodel.state.Flow` in ``state.flows`` (transfers,
merges, splits, establish-from-pool, function transfers, pool loans, approvals from the
higher level). Tracing replays those flows as a book per holder and quota type.

**Allocation rule (FIFO).** Quota is fungible, so which units leave is a convention:
an outgoing flow always takes the units that arrived *earliest* (first in, first out).
What a holder still holds are therefore its latest arrivals. Units of each flow are
numbered ``0..amount-1``; a holder's book is a queue of segments ``(flow, first unit,
count)``. Tracing a segment walks back through the segments its flow took from its
source, until it reaches a flow from the higher level (核定/核增), the earliest record.
Amounts are conserved at every step, so the roots of a trace sum to the holder's
approved quota whenever every change went through ``State.move_quota``.

API::

    t = trace(state, body_or_pool)       # Trace
    t.roots[quota_type] -> [Step]         # Step(flow, amount, children)
    t.approved, t.traced(type), t.ok     # the check
    t.records()                          # flat list of dicts with depth, for tables/JSON
    holder, why = find_holder(state, "name or 区划/name or former name")
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field

from .ops import OPS
from .state import Body, Flow, State

HIGHER = "上级"
KIND_LABELS = {
    "approve": "核定", "increase": "核增", "cut": "核减", "transfer": "调剂", "loan": "周转借用",
    "return": "归还周转", "establish": "组建划入", "abolish": "撤销划转", "merge": "合并", "split": "分设",
    "function": "职责划转", "function_transfer": "职责划转", "template": "统一设置", "unrecorded": "无来源记录",
}


def kind_label(kind: str | None) -> str:
    """Chinese name of a flow kind (the op's label when the kind is an op name)."""
    if kind in KIND_LABELS:
        return KIND_LABELS[kind]
    return OPS[kind].label if kind in OPS else str(kind)


def name_at(body: Body, date=None) -> str:
    """The body's name on ``date`` (its latest name when date is None)."""
    name = body.name
    if date is not None and body.names:
        earlier = [n for d, n in body.names if d <= date]
        name = earlier[-1] if earlier else body.names[0][1]
    return name


def node_label(state: State, node, date=None) -> str:
    """A readable label for a flow end: 上级, a pool name, or a body's name on ``date``
    (qualified as ``区划/名称`` when several bodies ever had that name)."""
    if node is None:
        return HIGHER
    if node[0] != "body":
        return str(node[1])
    body = state.bodies[node[1]]
    name = name_at(body, date)
    # bodies that ever had this name: it is current (by_name) or was given up (former)
    maybe = state.by_name.get(name, set()) | set(state.former.get(name, ()))
    holders = {i for i in maybe if any(n == name for _, n in state.bodies[i].names)}
    return f"{state.divisions[body.division].name}/{name}" if len(holders) > 1 else name


@dataclass
class Step:
    """``amount`` units that arrived by ``flow`` (None: no record of where they came from)."""

    flow: Flow | None
    amount: int
    children: list[Step] = field(default_factory=list)


def _take(queue: deque, n: int) -> list[tuple]:
    """Remove ``n`` units from the front of a book; ``(None, 0, k)`` marks a shortfall."""
    out = []
    while n and queue:
        seg = queue[0]
        k = min(n, seg[2])
        out.append((seg[0], seg[1], k))
        seg[1] += k
        seg[2] -= k
        n -= k
        if not seg[2]:
            queue.popleft()
    if n:
        out.append((None, 0, n))
    return out


def books(flows: list[Flow]) -> tuple[dict, dict]:
    """Replay flows FIFO: remaining segments per (node, type), and what each flow took."""
    held: dict = defaultdict(deque)
    taken: dict[int, list[tuple]] = {}
    for i, f in enumerate(flows):
        if f.src is not None:
            taken[i] = _take(held[(f.src, f.quota_type)], f.amount)
        if f.dst is not None and f.amount:
            held[(f.dst, f.quota_type)].append([i, 0, f.amount])
    return held, taken


def _merge(steps: list[Step]) -> list[Step]:
    """Join sibling steps that come from the same flow."""
    out: list[Step] = []
    for s in steps:
        if out and s.flow is not None and out[-1].flow is s.flow:
            out[-1].amount += s.amount
            out[-1].children = _merge(out[-1].children + s.children)
        else:
            out.append(s)
    return out


def _expand(flows, taken, i, start: int, count: int) -> Step:
    """The step for units ``[start, start+count)`` of flow ``i``, traced back to the earliest record."""
    f, children, pos = flows[i], [], 0
    for j, s, k in taken.get(i, []):
        lo, hi = max(start, pos), min(start + count, pos + k)
        if lo < hi:
            children.append(Step(None, hi - lo) if j is None else _expand(flows, taken, j, s + lo - pos, hi - lo))
        pos += k
    return Step(f, count, _merge(children))


RETIRING = {"abolished": "撤销", "merged": "合并", "split": "分设"}


@dataclass
class Retirement:
    """How a body was retired: the event (abolished / merged / split) and the quota flows out of it."""

    date: object
    doc: str | None
    kind: str
    text: str
    source: object
    outflows: list[Flow]

    def record(self, state: State) -> dict:
        """JSON-ready: ``{date, doc, kind, kind_label, text, source, quota_to: [{to, quota_type, amount, kind_label}]}``."""
        return {"date": self.date.isoformat(), "doc": self.doc, "kind": self.kind, "kind_label": RETIRING[self.kind],
                "text": self.text, "source": str(self.source),
                "quota_to": [{"to": node_label(state, f.dst, f.date), "quota_type": f.quota_type, "amount": f.amount,
                              "kind_label": kind_label(f.kind)} for f in self.outflows]}


def retirement(state: State, holder) -> Retirement | None:
    """For a retired body: the event that retired it and the quota flows it caused out of the body."""
    if not isinstance(holder, Body) or holder.active:
        return None
    events = [e for e in state.events if e.kind in RETIRING and holder.id in e.bodies and e.date == holder.abolished]
    if not events:
        return None
    e = events[-1]
    out = [f for f in state.flows if f.src == holder.node and f.source == e.source and f.date == e.date and f.amount]
    return Retirement(e.date, e.doc, e.kind, e.text, e.source, out)


@dataclass
class Trace:
    """Provenance of one holder's approved quota, per quota type. For a retired body
    (``retired`` set) it is the quota held just before retirement, which left by ``retired.outflows``."""

    state: State
    holder: object
    roots: dict[str, list[Step]]
    retired: Retirement | None = None

    @property
    def approved(self) -> dict[str, int]:
        """Approved quota now, or for a retired body what left it at retirement, per type."""
        if self.retired is None:
            return {t: n for t, n in self.holder.approved.items() if n}
        out: dict[str, int] = {}
        for f in self.retired.outflows:
            out[f.quota_type] = out.get(f.quota_type, 0) + f.amount
        return out

    def traced(self, quota_type: str) -> int:
        return sum(s.amount for s in self.roots.get(quota_type, []) if s.flow is not None)

    @property
    def ok(self) -> bool:
        """True when the traced amounts equal the approved quota for every type."""
        types = set(self.approved) | set(self.roots)
        return all(self.traced(t) == self.approved.get(t, 0) for t in types)

    def records(self) -> list[dict]:
        """Every step, depth first, as ``{depth, quota_type, date, doc, kind, kind_label,
        from, to, amount, cross_level, source}``."""
        out: list[dict] = []
        for t, steps in self.roots.items():
            for s in steps:
                self._walk(s, t, 0, out)
        return out

    def _walk(self, step: Step, qtype: str, depth: int, out: list) -> None:
        f = step.flow
        out.append({
            "depth": depth, "quota_type": qtype, "amount": step.amount,
            "date": f.date.isoformat() if f else None, "doc": f.doc if f else None,
            "kind": f.kind if f else "unrecorded", "kind_label": kind_label(f.kind if f else "unrecorded"),
            "from": node_label(self.state, f.src, f.date) if f else None,
            "to": node_label(self.state, f.dst, f.date) if f else None,
            "cross_level": bool(f and f.cross_level), "source": str(f.source) if f else None,
        })
        for c in step.children:
            self._walk(c, qtype, depth + 1, out)


def trace(state: State, holder) -> Trace:
    """Where ``holder``'s (a Body or Pool) current approved quota came from, per type,
    with every unit accounted for under the FIFO rule described in the module doc.
    For a retired body: where the quota it held just before retirement came from."""
    gone = retirement(state, holder)
    flows = state.flows
    if gone is not None and gone.outflows:  # replay the books up to the first flow out at retirement
        first = gone.outflows[0]
        flows = flows[:next(i for i, f in enumerate(flows) if f is first)]
    held, taken = books(flows)
    order = {t: i for i, t in enumerate(state.config.quota_types)}
    roots = {}
    for (node, t), queue in held.items():
        if node == holder.node and queue:
            roots[t] = _merge([_expand(flows, taken, i, s, k) for i, s, k in queue])
    return Trace(state, holder, dict(sorted(roots.items(), key=lambda kv: order.get(kv[0], 99))), gone)


def _in_use(state: State, ref: str) -> bool:
    """True when ``ref`` (``名称`` or ``区划/名称``) is a current name or signboard of some body."""
    if "/" not in ref:
        return ref in state.by_name
    div, _ = state.find_division(ref.rsplit("/", 1)[0])
    return div is not None and (div.code, ref.rsplit("/", 1)[1]) in state.names


def _former_holder(state: State, ref: str):
    """The body that gave up the name in ``ref`` (renamed away or retired); (None, None) when none,
    (None, reason) when bodies in several divisions did."""
    div_ref, _, name = ref.rpartition("/")
    div = state.find_division(div_ref)[0] if div_ref else None
    if div_ref and div is None:
        return None, None
    ids = list(dict.fromkeys(state.former.get(name, [])))
    found = [state.bodies[i] for i in ids if div is None or state.bodies[i].division == div.code]
    if len({b.division for b in found}) > 1:
        where = "、".join(sorted({state.divisions[b.division].name for b in found}))
        return None, f"曾用名“{name}”不唯一(在 {where} 都有),请写成“区划/名称”"
    return (found[-1], None) if found else (None, None)


def former_note(state: State, body: Body, ref: str) -> str | None:
    """Chinese note when ``ref`` is a former name of ``body``: what the body is called now
    (None for a retired body asked for by its last name: the trace says it was retired)."""
    name = ref.rsplit("/", 1)[-1]
    div = state.divisions[body.division].name
    if body.active:
        return f"“{name}”是{div}“{body.name}”的曾用名,该机构现名“{body.name}”"
    if body.name == name:
        return None
    return f"“{name}”是{div}“{body.name}”的曾用名,该机构已于 {body.abolished} 撤销"


def find_holder(state: State, ref: str):
    """Resolve ``ref`` like the ledger does on the state's date: a pool, else a body by name,
    signboard or ``区划/名称`` (ambiguity gives (None, reason)). Only a name no body uses now
    falls back to former names (renamed or retired bodies); then the second value is a
    Chinese note saying which body it was and what it is called now. Returns
    ``(holder, None)``, ``(holder, note)`` or ``(None, reason)``."""
    if ref in state.pools:
        return state.pools[ref], None
    body, why = state.find_body(ref)
    if body is not None or _in_use(state, ref):
        return body, why
    former, problem = _former_holder(state, ref)
    if former is None:
        return None, problem or why
    return former, former_note(state, former, ref)
