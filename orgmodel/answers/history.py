"""A body's history (沿革): every directive that changed it, oldest first.

Offices keep these tables by hand, some back to the 1980s: when a body was set up, renamed,
given a signboard, had its quota approved, increased, cut or transferred, its leader posts
set, its people counted, merged or abolished, and under which document. Here they come from
the record's *trail*: the marks of the directives that changed it, which a state replayed
with ``trails`` keeps (:class:`~orgmodel.state.State`). Each entry says what changed for
this body: the structural change as the change lists word it, the quota that moved in or
out with where it came from or went, else the directive's fields.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from ..core.describe import fields_summary
from ..core.directive import Directive
from ..core.findings import Source
from ..core.labels import flow_end_label, name_at
from ..ops import OPS
from ..state import Body, Event, Flow, State

COLUMNS = ["date", "doc", "op", "name", "changes", "source"]
LABELS = {"date": "日期", "doc": "文号", "op": "指令", "name": "当时名称", "changes": "变动", "source": "来源"}


@dataclass(frozen=True)
class Entry:
    """One directive in a record's history."""

    date: dt.date
    doc: str
    op: str              # the directive's Chinese name (设立, 调剂 …)
    name: str            # the record's name on that day
    changes: tuple[str, ...]
    source: Source

    def record(self) -> dict:
        """The entry as plain values, one per column of :data:`COLUMNS`."""
        return {"date": self.date.isoformat(), "doc": self.doc, "op": self.op, "name": self.name,
                "changes": ";".join(self.changes), "source": str(self.source)}


@dataclass(frozen=True)
class History:
    """The history of one body, pool or division."""

    holder: object
    reference: str       # how it is named now (``区划/名称`` for a body)
    entries: tuple[Entry, ...]


def history(state: State, holder, directives_at: Callable[[list[tuple]], dict[Source, Directive]]) -> History:
    """The history of ``holder`` (a body, pool or division) in ``state``, which must have been
    replayed with trails. ``directives_at`` gives the directives of a list of marks ``(replay
    position, Source)`` by their source (see :meth:`orgmodel.ledger.Ledger.directives_at`)."""
    if not state.trails:
        raise ValueError("this state was replayed without trails; replay it with trails=True for a history")
    marks = holder.trail or []
    found = directives_at(marks)
    events = _events_of(state, holder)
    flows = _flows_of(state, holder)
    entries = []
    for _, source in marks:
        d = found.get(source)
        if d is None:  # a directive no longer to be found (the file changed since): say what is known
            continue
        changes = [e.text for e in events.get(source, ())]
        changes += [_flow_text(state, holder, f) for f in flows.get(source, ())]
        if not changes:
            changes = [fields_summary({k: v for k, v in d.fields.items() if k != "body"}, op=d.op) or OPS[d.op].label]
        name = name_at(holder, d.date) if isinstance(holder, Body) else holder.name
        entries.append(Entry(d.date, d.doc or "", OPS[d.op].label, name, tuple(changes), source))
    reference = state.reference(holder) if isinstance(holder, Body) else holder.name
    return History(holder, reference, tuple(entries))


def _events_of(state: State, holder) -> dict[Source, list[Event]]:
    """The structural changes that name ``holder``, by the source of their directive."""
    out: dict[Source, list[Event]] = {}
    if isinstance(holder, Body):
        for e in state.events:
            if holder.id in e.bodies:
                out.setdefault(e.source, []).append(e)
    return out


def _flows_of(state: State, holder) -> dict[Source, list[Flow]]:
    """The quota that moved into or out of ``holder``, by the source of its directive."""
    out: dict[Source, list[Flow]] = {}
    for f in state.flow_edges(holder.node):
        out.setdefault(f.source, []).append(f)
    return out


def _flow_text(state: State, holder, f: Flow) -> str:
    """``调剂:事业编制 +3(来自“青石镇/党政办公室”)`` or ``… −3(转至 …)``."""
    if f.dst == holder.node:
        return f"{f.kind.label}:{f.quota_type} +{f.amount}(来自“{flow_end_label(state, f.src, f.date)}”)"
    return f"{f.kind.label}:{f.quota_type} −{f.amount}(转至“{flow_end_label(state, f.dst, f.date)}”)"
