"""Quota provenance: where a body's (or pool's) approved quota came from, walked along
the transfer edges of the state's graph.

Every quota movement is a :class:`~orgmodel.state.Flow` on an edge between two holders
(or a holder and the higher level): transfers, merges, splits, establish-from-pool,
function transfers, pool loans, approvals from the higher level.

**Allocation rule (FIFO).** Quota is fungible, so which units leave is a convention:
an outgoing flow always takes the units that arrived *earliest* (first in, first out).
What a holder still holds are therefore its latest arrivals. Units of each flow are
numbered ``0..amount-1``; a holder's book is a queue of segments ``(flow, first unit,
count)``, built from that holder's own edges in journal order. Tracing a segment walks
back to the flow's source holder, whose book says which of its segments the flow took,
until it reaches a flow from the higher level (核定/核增), the earliest record. Only the
holders on the way are visited. Amounts are conserved at every step, so the roots of a
trace sum to the holder's approved quota whenever every change was a flow.

API::

    t = trace(state, body_or_pool)       # Trace
    t.roots[quota_type] -> [Step]         # Step(flow, amount, children)
    t.approved, t.traced(type), t.ok     # the check
    t.records()                          # flat list of dicts with depth, for tables/JSON
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field

from ..core.kinds import FlowKind
from ..core.labels import flow_end_label
from ..state import Flow, State
from .retirement import Retirement, retirement

__all__ = ["Step", "Trace", "trace"]


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


class Books:
    """The FIFO books of the holders a trace visits, each built once from its own edges."""

    def __init__(self, state: State):
        self.state = state
        self.taken: dict[int, list[tuple]] = {}   # flow seq -> segments (flow seq, first unit, count) it took
        self._done: set = set()

    def book(self, node, before: int | None = None) -> dict[str, deque]:
        """Replay ``node``'s flows (those before journal position ``before`` only, if given):
        what it still holds per type; what each of its outgoing flows took is kept."""
        held: dict[str, deque] = defaultdict(deque)
        for f in self.state.flow_edges(node):
            if before is not None and f.seq >= before:
                break
            if f.src == node:
                self.taken[f.seq] = _take(held[f.quota_type], f.amount)
            if f.dst == node:
                held[f.quota_type].append([f.seq, 0, f.amount])
        if before is None:
            self._done.add(node)
        return held

    def took(self, seq: int) -> list[tuple]:
        """The segments flow ``seq`` took from its source (nothing for a flow from the higher level)."""
        f = self.state.flows[seq]
        if f.src is None:
            return []
        if f.src not in self._done:
            self.book(f.src)
        return self.taken.get(seq, [])

    def expand(self, seq: int, start: int, count: int) -> Step:
        """The step for units ``[start, start+count)`` of flow ``seq``, traced back to the earliest record."""
        children, pos = [], 0
        for j, s, k in self.took(seq):
            lo, hi = max(start, pos), min(start + count, pos + k)
            if lo < hi:
                children.append(Step(None, hi - lo) if j is None else self.expand(j, s + lo - pos, hi - lo))
            pos += k
        return Step(self.state.flows[seq], count, _merge(children))


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


@dataclass
class Trace:
    """Provenance of one holder's approved quota, per quota type. For a retired body
    (``retired`` set) it is the quota held just before retirement, which left by ``retired.outflows``."""

    state: State
    holder: object
    roots: dict[str, list[Step]]
    retired: Retirement | None = None
    flows: list[Flow] = field(default_factory=list)  # every flow into or out of the holder (up to retirement)

    def moved(self, quota_type: str) -> tuple[int, int]:
        """``(received, given)``: what came into the holder of a type, and what left it,
        so that received − given is what it holds (or held just before retirement)."""
        node = self.holder.node
        got = sum(f.amount for f in self.flows if f.dst == node and f.quota_type == quota_type)
        gave = sum(f.amount for f in self.flows if f.src == node and f.quota_type == quota_type)
        return got, gave

    def outflow_records(self) -> list[dict]:
        """What left the holder, as ``{date, doc, kind, kind_label, to, quota_type, amount, source}``."""
        node = self.holder.node
        return [{"date": f.date.isoformat(), "doc": f.doc, "kind": f.kind, "kind_label": f.kind.label,
                 "to": flow_end_label(self.state, f.dst, f.date), "quota_type": f.quota_type, "amount": f.amount,
                 "source": str(f.source)} for f in self.flows if f.src == node and f.amount]

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
        kind = f.kind if f else FlowKind.UNRECORDED
        out.append({
            "depth": depth, "quota_type": qtype, "amount": step.amount,
            "date": f.date.isoformat() if f else None, "doc": f.doc if f else None,
            "kind": kind, "kind_label": kind.label,
            "from": flow_end_label(self.state, f.src, f.date) if f else None,
            "to": flow_end_label(self.state, f.dst, f.date) if f else None,
            "cross_level": bool(f and f.cross_level), "approved_by": f.approval if f else None,
            "source": str(f.source) if f else None,
        })
        for c in step.children:
            self._walk(c, qtype, depth + 1, out)


def trace(state: State, holder) -> Trace:
    """Where ``holder``'s (a Body or Pool) current approved quota came from, per type,
    with every unit accounted for under the FIFO rule described in the module doc.
    For a retired body: where the quota it held just before retirement came from."""
    gone = retirement(state, holder)
    before = gone.outflows[0].seq if gone is not None and gone.outflows else None
    books = Books(state)
    held = books.book(holder.node, before)
    order = {t: i for i, t in enumerate(state.config.quota_types)}
    roots = {t: _merge([books.expand(i, s, k) for i, s, k in queue]) for t, queue in held.items() if queue}
    flows = [f for f in state.flow_edges(holder.node) if before is None or f.seq < before]
    return Trace(state, holder, dict(sorted(roots.items(), key=lambda kv: order.get(kv[0], 99))), gone, flows)
