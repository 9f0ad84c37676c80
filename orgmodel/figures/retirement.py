"""The abolished-body explanation: for a retired body, the event that retired it
(abolished, merged or split) and the quota flows that left it then."""

from __future__ import annotations

from dataclasses import dataclass

from ..core.kinds import EventKind
from ..core.labels import flow_end_label
from ..state import Body, Flow, State


@dataclass
class Retirement:
    """How a body was retired: the event (abolished / merged / split) and the quota flows out of it."""

    date: object
    doc: str | None
    kind: EventKind
    text: str
    source: object
    outflows: list[Flow]

    def record(self, state: State) -> dict:
        """JSON-ready: ``{date, doc, kind, kind_label, text, source, quota_to: [{to, quota_type, amount, kind_label}]}``."""
        return {"date": self.date.isoformat(), "doc": self.doc, "kind": self.kind, "kind_label": self.kind.retired_label,
                "text": self.text, "source": str(self.source),
                "quota_to": [{"to": flow_end_label(state, f.dst, f.date), "quota_type": f.quota_type, "amount": f.amount,
                              "kind_label": f.kind.label} for f in self.outflows]}


def retirement(state: State, holder) -> Retirement | None:
    """For a retired body: the event that retired it and the quota flows it caused out of the body."""
    if not isinstance(holder, Body) or holder.active:
        return None
    events = [e for e in state.events if e.kind.retires and holder.id in e.bodies and e.date == holder.abolished]
    if not events:
        return None
    e = events[-1]
    out = [f for f in state.flow_edges(holder.node)
           if f.src == holder.node and f.source == e.source and f.date == e.date and f.amount]
    return Retirement(e.date, e.doc, e.kind, e.text, e.source, out)
