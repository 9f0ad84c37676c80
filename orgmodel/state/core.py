"""The replayed state's core: its records, graph, journals, and the door every change goes through.

:class:`StateCore` holds the data; the mixins in :mod:`.bodies`, :mod:`.books`,
:mod:`.duties` and :mod:`.resolve` add the changes and questions of one subject each,
and :class:`orgmodel.state.State` combines them. Everything is private: readers get
read-only views (``state.bodies``, ``state.flows`` …) and writers call methods.

The graph (a networkx MultiDiGraph) is the model of how things relate. Nodes are
``("division", code)``, ``("body", id)``, ``("pool", name)``, ``("signboard", body id,
name)`` and ``("higher", root code)`` (the level above a jurisdiction). Edge keys:

- ``"in"``: body, pool or division → the division it sits in;
- ``"part_of"``, ``"led_by"``, ``"dispatched_from"``: body → body;
- ``"carries"``: body → one of its signboards;
- ``"succeeded_by"``: a retired body → a body that took over what it held (``how``: the event);
- an integer: a quota flow, keyed by its place in the journal (``flow``: the :class:`Flow`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import MappingProxyType

import networkx as nx

from ..core import progress
from ..core.config import Config
from ..core.directive import Directive
from ..core.findings import ERROR, Finding, Source
from ..core.kinds import EventKind, Fact
from .names import NameIndex
from .records import Body, Division, Duty, Event, Flow, Loan, Mark, PlanIssued, Pool, Secondment, StaffMove, subject_of


class ListView(Sequence):
    """A read-only view of a list that the state keeps growing."""

    __slots__ = ("_items",)

    def __init__(self, items: list):
        self._items = items

    def __getitem__(self, i):
        return self._items[i]

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator:
        return iter(self._items)

    def __eq__(self, other) -> bool:
        if isinstance(other, ListView):
            other = other._items
        return isinstance(other, (list, tuple)) and self._items == list(other)

    __hash__ = None

    def __repr__(self) -> str:
        return f"ListView({self._items!r})"


class _Handler:
    """A bare handler function as an op for :meth:`StateCore.replay`."""

    def __init__(self, fn: Callable):
        self.apply, self.label = fn, ""

    def created_names(self, d, config) -> list[str]:
        return []


def _no_trail(record, mark=None) -> None:
    """``_touch`` of a state that keeps no trails."""


class StateCore:
    """Records, graph, journals, name index, and the replay position."""

    def __init__(self, config: Config, trails: bool = False):
        self.config = config
        # With ``trails``, every division, body and pool keeps the marks of the directives that
        # changed it (its history, 沿革: see _note_in_trail). Off by default: a province's trails cost
        # about a tenth more replay time and memory, which only a history needs.
        self.trails = trails
        self._graph = nx.MultiDiGraph()
        # The graph's own adjacency dicts ({u: {v: {key: data}}}), read directly on hot paths:
        # networkx's public views build a wrapper per lookup, which costs more than the lookup.
        self._out = self._graph._succ
        self._in = self._graph._pred
        self._divisions: dict[str, Division] = {}
        self._bodies: dict[int, Body] = {}
        self._pools: dict[str, Pool] = {}
        self._loans: list[Loan] = []
        self._open_loans: dict[tuple[int, str, str], list[Loan]] = {}
        self._duties: dict[str, Duty] = {}
        self._duty_keys: dict[int, dict[str, int]] = {}
        self._duty_order: dict[str, int] = {}
        self._duty_next = 0
        self._flows: list[Flow] = []
        self._events: list[Event] = []
        self._moves: list[StaffMove] = []
        self._plans: list[PlanIssued] = []
        self._secondments: list[Secondment] = []
        self._findings: list[Finding] = []
        self._names = NameIndex()
        self._roots: dict[str, str] = {}  # division code -> the code of its jurisdiction (top division)
        self._next_id = 1
        self._seq = 0
        self._at = 0                     # position of the directive being applied in the replay
        self._day_plan: dict = {}        # see _names_made_later
        self._directives: list | None = None
        self._ops: Mapping = {}
        self._refused: dict[str, list] = {}  # name -> [(division as written or None, where, op)] of refused creations
        self._refused_changes: dict[str, list] = {}  # name -> [(division or None, op, about, where)] of refused changes
        self.as_of: dt.date | None = None
        self.last_day: dt.date | None = None  # the date of the last directive applied
        self._open_views()

    def _open_views(self) -> None:
        """The read-only views over the records, live (see the module docstring)."""
        self._touch = self._note_in_trail if self.trails else _no_trail
        self.graph = nx.freeze(nx.graphviews.generic_graph_view(self._graph))
        self.divisions = MappingProxyType(self._divisions)
        self.bodies = MappingProxyType(self._bodies)
        self.pools = MappingProxyType(self._pools)
        self.duties = MappingProxyType(self._duties)
        self.loans = ListView(self._loans)
        self.flows = ListView(self._flows)
        self.events = ListView(self._events)
        self.staff_moves = ListView(self._moves)
        self.plans = ListView(self._plans)
        self.secondments = ListView(self._secondments)
        self.findings = ListView(self._findings)
        self.names = self._names.owners()  # {(division, name): body id}, names and signboards in use

    _VIEWS = ("graph", "divisions", "bodies", "pools", "duties", "loans", "flows", "events", "staff_moves", "plans", "secondments",
              "findings",
              "names", "_touch")

    def __getstate__(self) -> dict:
        """The records without their views and without the replay in progress: a checkpoint
        (see :mod:`orgmodel.checkpoints`) is pickled between two replays."""
        data = {k: v for k, v in self.__dict__.items() if k not in self._VIEWS}
        data.update(_ops={}, _directives=None, _day_plan={})
        return data

    def __setstate__(self, data: dict) -> None:
        self.__dict__.update(data)
        self.__dict__.setdefault("last_day", None)  # checkpoints written before these were kept
        self.__dict__.setdefault("_plans", [])
        self.__dict__.setdefault("_secondments", [])
        self._open_views()

    @property
    def version(self) -> int:
        """Changes with every applied directive: derived tables are valid for one version."""
        return self._seq

    # -- applying directives ----------------------------------------------------
    def apply(self, d: Directive, handler: Callable) -> None:
        """Apply one directive with its op's ``handler(state, d)`` (see :meth:`replay`)."""
        self.replay([d], {d.op: _Handler(handler)})

    def replay(self, directives, ops: Mapping, as_of: dt.date | None = None, consume: bool = False) -> None:
        """Apply sorted directives dated on or before ``as_of`` (all when None), each with its
        op in ``ops`` (``apply(state, d)``, ``label``, ``created_names(d, config)``). A bug in an
        op must not hide the rest of the ledger, so it becomes an ``internal-error`` finding at
        the directive instead of a traceback. With ``consume``, each applied directive's place in
        the list is emptied, so that what only the list held is freed as the replay goes
        (the caller no longer needs the list: a replay looks ahead, never back)."""
        directives = directives if isinstance(directives, list) else list(directives)
        self._ops, self._directives = ops, directives
        self._day_plan = self._names_made_later(directives, ops)
        for i, d in enumerate(directives):
            if as_of is not None and d.date > as_of:
                break
            if not i & 0x3FFF:
                progress.advance_to(i)
            self._seq += 1
            self._at = i
            found = len(self._findings)
            try:
                ops[d.op].apply(self, d)
            except Exception as exc:  # noqa: BLE001 - reported as a finding with its location
                self.error("internal-error", f"处理此指令时发生内部错误({type(exc).__name__}: {exc});请把此行和台账发给维护人员", d)
            if len(self._findings) > found:
                self._note_if_refused(d, ops[d.op], found)
            self.last_day = d.date
            if consume:
                directives[i] = None
        if consume:
            self._directives = None

    def note_refused(self, name: str, division: str | None, source: Source, op: str = "") -> None:
        """Remember that the directive at ``source`` (of kind ``op``), which would have created
        ``name`` (in ``division``, a name or code as written), was refused: a later reference to
        ``name`` is then told to look there, rather than to create what the ledger already tries
        to create."""
        self._refused.setdefault(name, []).append((division, source, op))

    def note_refusal(self, r) -> None:
        """Remember a directive refused while reading (a :class:`~orgmodel.reading.validate.Refused`):
        what it would have created, or the body or pool it would have changed."""
        if r.creates:
            self.note_refused(r.name, r.division, r.source, r.op)
        else:
            self._refused_changes.setdefault(r.name, []).append((r.division, r.op, tuple(r.about), r.source))

    def _note_if_refused(self, d: Directive, op, found: int) -> None:
        """The directive ``d`` was refused when a finding from ``found`` on is an error: note
        what it would have created, and the bodies and pools it would have changed."""
        errors = [f for f in self._findings[found:] if f.severity == ERROR]
        if not errors:
            return
        where = errors[0].source or d.source
        if getattr(op, "creates", None):
            division = d.fields.get("division")
            for name in op.created_names(d, self.config):
                self.note_refused(name, division if isinstance(division, str) else None, where, d.op)
        about = (d.fields["type"],) if isinstance(d.fields.get("type"), str) else tuple(
            next((d.fields[k] for k in ("posts", "actual", "leaders") if isinstance(d.fields.get(k), dict)), ()))
        for key in ("body", "to"):
            ref = d.fields.get(key)
            if isinstance(ref, str):
                division, _, name = ref.rpartition("/")
                self._refused_changes.setdefault(name, []).append((division or None, d.op, about, where))

    def refused_at(self, name: str, where: Division | None = None) -> tuple[Source, str] | None:
        """Where a refused directive that would have created ``name`` (in ``where``) is, and its
        kind (``establish``, ``open_pool`` …), if any."""
        for division, source, op in self._refused.get(name, ()):
            if where is None or division is None or division in (where.code, where.name):
                return source, op
        return None

    def refused_changes(self, names, division: Division | None = None) -> list[tuple[str, tuple, Source]]:
        """``[(op, about, where)]`` of the refused directives that would have changed the body or
        pool called any of ``names`` (in ``division``), oldest first."""
        out = []
        for name in names:
            for div, op, about, source in self._refused_changes.get(name, ()):
                if division is None or div is None or div in (division.code, division.name):
                    out.append((op, about, source))
        return out

    def _names_made_later(self, directives: list[Directive], ops: Mapping) -> dict:
        """``{name: [position, …]}``: where in the replay each name is brought into being, so that
        a directive that refers to it before that (earlier the same day, or on an earlier date)
        can be told why it is missing."""
        makers = {name: op for name, op in ops.items() if getattr(op, "creates", None)}
        out: dict[str, list[int]] = {}
        for i, d in enumerate(directives):
            if d.op in makers:
                for name in makers[d.op].created_names(d, self.config):
                    out.setdefault(name, []).append(i)
        return out

    def _made_later(self, name: str, fits=lambda made: True) -> Directive | None:
        """The first directive later in the replay (the same day or a later one) that brings
        ``name`` into being and ``fits``, if any."""
        if self._directives is None:
            return None
        later = (self._directives[i] for i in self._day_plan.get(name, ()) if i > self._at)
        return next((d for d in later if d is not None and fits(d)), None)

    def finish(self, as_of: dt.date | None) -> None:
        """Replay is over: record the date the state stands at."""
        self.as_of = as_of

    @property
    def day(self) -> dt.date | None:
        """The day the state stands at: the as-of date, else the date of the last directive applied."""
        return self.as_of or self.last_day

    def _mark(self, d: Directive) -> Mark:
        return (self._seq, d.source)

    def _note_in_trail(self, record, mark: Mark | None = None) -> None:
        """``_touch`` of a state that keeps trails: note in ``record``'s trail that the directive
        being applied changed it. A trail holds the marks ``(replay position, Source)`` of every
        directive that changed a division, body or pool, oldest first, once each; a body's
        history (沿革) is read from it."""
        trail = record.trail
        if trail is None:
            record.trail = [mark or (self._seq, self._directives[self._at].source)]
        elif trail[-1][0] != self._seq:
            trail.append(mark or (self._seq, self._directives[self._at].source))

    # -- findings and events ----------------------------------------------------
    def error(self, rule: str, message: str, d: Directive, field: str | None = None,
              subject=None, severity: str = ERROR, division: str | None = None) -> None:
        """A finding at ``d`` (or one of its fields). ``subject`` is what it concerns: a
        body (its name and id are kept), a division, or a name as written. The division it
        concerns is ``division``, else the subject's, else the one a resolver's
        :class:`Reason` names, else the one the directive's own references point at, so
        that outputs can place the finding without looking names up again."""
        name, ids, divisions = subject_of(subject)
        if isinstance(subject, Body):
            name = self.reference(subject)  # so that it cannot be mistaken for a namesake elsewhere
        division = division or getattr(message, "division", None)
        if not divisions:
            divisions = (division,) if division else self._divisions_named_by(d)
        part = getattr(message, "part", None)
        if part and field and d.spots and f"{field}/{part}" in d.spots:  # a reader placed that part apart
            field = f"{field}/{part}"
        self._findings.append(Finding(rule, str(message), d.where(field), severity, name, ids, divisions))

    def event(self, d: Directive, kind: EventKind, text: str, bodies=(), divisions=()) -> None:
        kind = kind if type(kind) is EventKind else EventKind(kind)
        self._events.append(Event(d.date, kind, text, d.doc, d.source, tuple(bodies), tuple(divisions)))

    # -- divisions and pools ----------------------------------------------------
    def open_division(self, d: Directive, code: str, name: str, level: str, kind: str | None,
                      parent: Division | None, population: int | None, households: int | None) -> Division:
        div = Division(code, name, level, kind, parent.code if parent else None, population, households, d.date)
        div.facts[(Fact.OPENED, None)] = mark = self._mark(d)
        self._touch(div, mark)
        self._divisions[code] = div
        self._roots[code] = self._roots[parent.code] if parent is not None else code
        self._names.add_division(name, code)
        self._graph.add_node(div.node)
        if parent is not None:
            self._graph.add_edge(div.node, parent.node, key="in")
        return div

    def open_pool(self, d: Directive, name: str, kind: str, division: Division, purpose: str | None) -> Pool:
        pool = Pool(name, kind, division.code, purpose)
        self._touch(pool)
        self._pools[name] = pool
        self._graph.add_node(pool.node)
        self._graph.add_edge(pool.node, division.node, key="in")
        return pool

    def pools_at(self, code: str) -> list[Pool]:
        """The pools of division ``code``, in the order they were opened."""
        pred = self._in[("division", code)]
        return [self._pools[u[1]] for u, keys in pred.items() if u[0] == "pool" and "in" in keys]

    def active_bodies(self):
        return (b for b in self._bodies.values() if b.active)

    def ancestors(self, code: str) -> list[str]:
        """Codes of ``code`` and its ancestors, nearest first."""
        seen = []
        while code is not None and code not in seen:
            seen.append(code)
            div = self._divisions.get(code)
            code = div.parent if div else None
        return seen

    def root_of(self, code: str) -> str:
        """The top division (the jurisdiction) that ``code`` belongs to."""
        return self._roots[code]

    def within(self, code: str) -> list[str]:
        """Codes of ``code`` and every division below it, in the order the graph reaches them."""
        out, todo = [code], [code]
        while todo:
            node = ("division", todo.pop())
            for u, keys in self._in[node].items():
                if u[0] == "division" and "in" in keys:
                    out.append(u[1])
                    todo.append(u[1])
        return out

    def bodies_in(self, code: str) -> list[Body]:
        """Every body (active or not) sitting directly in division ``code``, oldest first."""
        pred = self._in[("division", code)]
        return [self._bodies[u[1]] for u, keys in pred.items() if u[0] == "body" and "in" in keys]

    # -- names ------------------------------------------------------------------
    def body_named(self, division: str, name: str) -> Body | None:
        """The body using ``name`` (its name or a signboard) in ``division`` now."""
        owner = self._names.owner(division, name)
        return None if owner is None else self._bodies[owner]

    def name_in_use(self, name: str) -> bool:
        """True when some body in any division uses ``name`` now."""
        return self._names.in_use(name)

    def former_holders(self, name: str) -> list[Body]:
        """The bodies that gave ``name`` up (renamed away, unhung or retired), oldest first."""
        return [self._bodies[i] for i in self._names.former(name)]

    def _name_free(self, division: str, name: str, body_id: int | None, d: Directive, field: str | None) -> bool:
        """True when ``name`` can be claimed in ``division`` (for body ``body_id``); a clash is a finding.

        Pool names are global and references try pools first, so a body or signboard
        may not take a pool's name either."""
        if name in self._pools:
            self.error("duplicate-name", f"名称“{name}”已是编制池的名称;机构、牌子与编制池不得同名", d, field, name,
                       division=division)
            return False
        owner = self._names.owner(division, name)
        if owner is not None and owner != body_id:
            other = self._bodies[owner]
            what = "机构名称" if other.name == name else f"“{other.name}”的牌子"
            self.error("duplicate-name", f"名称“{name}”在{self._divisions[division].name}已被{what}使用;机构和牌子名称在同一区划内不得重复",
                       d, field, name, division=division)
            return False
        return True

    def _claim(self, division: str, name: str, body: Body, d: Directive, field: str | None) -> bool:
        """Reserve ``name`` in ``division`` for ``body``; a clash is a finding."""
        if not self._name_free(division, name, body.id, d, field):
            return False
        self._names.claim(division, name, body.id)
        return True

    # -- the graph's questions ----------------------------------------------------
    def _linked(self, node, key: str):
        """The node that ``node``'s ``key`` edge points at, or None."""
        for v, keys in self._out[node].items():
            if key in keys:
                return v
        return None

    def flow_edges(self, node) -> list[Flow]:
        """Every flow into or out of ``node`` (a holder or a higher level), in journal order."""
        g = self._graph
        flows = [data["flow"] for _, _, data in g.in_edges(node, data=True) if "flow" in data]
        flows += [data["flow"] for _, _, data in g.out_edges(node, data=True) if "flow" in data]
        return sorted(flows, key=lambda f: f.seq)
