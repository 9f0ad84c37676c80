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

This module is the flow walk; name lookup and Chinese labels live in
:mod:`orgmodel.holders`, the retired-body explanation in :mod:`orgmodel.retirement`
(both re-exported here).
"""

from __future__ import annotations

from collections import defaultdict, deque
from dataclasses import dataclass, field

from .holders import HIGHER, KIND_LABELS, find_holder, former_note, kind_label, name_at, node_label
from .retirement import RETIRING, Retirement, retirement
from .state import Flow, State

__all__ = [
    "HIGHER", "KIND_LABELS", "RETIRING", "Retirement", "Step", "Trace", "books", "find_holder",
    "former_note", "kind_label", "name_at", "node_label", "retirement", "trace",
]


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
