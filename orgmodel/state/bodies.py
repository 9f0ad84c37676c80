"""Bodies: setting up and retiring them, names and signboards, links and attributes.

Links (上级机构, 领导机构, 派出机构), signboards and lineage are edges of the graph, so
the questions about them (``parent``, ``signboards``, ``children`` …) are asked here.
"""

from __future__ import annotations

from ..core.directive import Directive
from ..core.kinds import EventKind, Fact
from .core import StateCore
from .records import BODY_ATTRIBUTES, BODY_LINKS, DISPATCHED, Body

LINK_FACTS = {f.key: f.fact for f in BODY_LINKS.values()}          # edge kind -> fact
ATTRIBUTE_FACTS = {f.key: f.fact for f in BODY_ATTRIBUTES.values()}  # Body attribute -> fact

# Enum members cost a descriptor lookup each time; the hot paths use these module constants.
_ABOLISH = Fact.ABOLISH
_ESTABLISH = Fact.ESTABLISH
_NAME = Fact.NAME


class BodyChanges(StateCore):
    # -- questions ----------------------------------------------------------------
    def signboards(self, body: Body) -> list[str]:
        """The signboards ``body`` carries, in the order they were hung."""
        return [v[2] for v in self._out[body.node] if v[0] == "signboard"]

    def linked(self, body: Body, kind: str) -> Body | None:
        """The body that ``body`` is ``part_of``, ``led_by`` or ``dispatched_from``, or None."""
        v = self._linked(body.node, kind)
        return None if v is None else self._bodies[v[1]]

    def parent(self, body: Body) -> Body | None:
        return self.linked(body, "part_of")

    def leader(self, body: Body) -> Body | None:
        return self.linked(body, "led_by")

    def dispatcher(self, body: Body) -> Body | None:
        return self.linked(body, "dispatched_from")

    def ties(self, body: Body) -> tuple[int | None, int | None, int | None, list[str]]:
        """``(part_of, led_by, dispatched_from, signboards)``: the ids of the bodies ``body`` is
        linked to (None where it has no such link) and its signboards, from one look at its
        edges (what :meth:`parent`, :meth:`leader`, :meth:`dispatcher` and :meth:`signboards`
        give one by one; a table of every body asks for all four)."""
        parent = leader = dispatcher = None
        boards = []
        for v, keys in self._out[body.node].items():
            kind = v[0]
            if kind == "signboard":
                boards.append(v[2])
            elif kind == "body":
                if parent is None and "part_of" in keys:
                    parent = v[1]
                if leader is None and "led_by" in keys:
                    leader = v[1]
                if dispatcher is None and "dispatched_from" in keys:
                    dispatcher = v[1]
        return parent, leader, dispatcher, boards

    def is_dispatched(self, body: Body) -> bool:
        """A county department's station in a township: dispatched from a body, or of that category."""
        return body.category == DISPATCHED or self._linked(body.node, "dispatched_from") is not None

    def children(self, body: Body, active: bool = True) -> list[Body]:
        """The bodies that are part of ``body`` (only active ones unless ``active`` is False)."""
        kids = [self._bodies[u[1]] for u, keys in self._in[body.node].items() if "part_of" in keys]
        return [b for b in kids if b.active or not active]

    def below(self, body: Body) -> set[int]:
        """Ids of every body below ``body`` along part_of edges (its children, their children …)."""
        out, todo = set(), [body.node]
        while todo:
            for u, keys in self._in[todo.pop()].items():
                if "part_of" in keys and u[1] not in out:
                    out.add(u[1])
                    todo.append(u)
        return out

    def hierarchy_links(self):
        """``(body, kind, target)`` for every part_of and led_by link of an active body."""
        bodies, out = self._bodies, self._out
        for b in bodies.values():
            if b.active:
                for v, keys in out[b.node].items():
                    if v[0] == "body":
                        if "part_of" in keys:
                            yield b, "part_of", bodies[v[1]]
                        if "led_by" in keys:
                            yield b, "led_by", bodies[v[1]]

    def successors(self, body: Body) -> list[tuple[Body, EventKind]]:
        """The bodies that took over what a retired ``body`` held, with how it was retired."""
        return [(self._bodies[v[1]], keys["succeeded_by"]["how"])
                for v, keys in self._out[body.node].items() if "succeeded_by" in keys]

    def predecessors(self, body: Body) -> list[Body]:
        """The retired bodies whose quota or functions ``body`` took over (merged or split into it)."""
        return [self._bodies[u[1]] for u, keys in self._in[body.node].items() if "succeeded_by" in keys]

    def _next_body_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    # -- changes --------------------------------------------------------------------
    def add_body(self, d: Directive, body: Body, links: dict | None = None, signboards=(),
                 field: str | None = None, signboards_field: str | None = None) -> Body | None:
        """Set up a planned body (a record with id 0): the one way a body comes to exist.
        It gets the next id, its name, links and signboards. Its names must have been
        checked free; a clash found now is a finding and nothing is added (None)."""
        if not self._name_free(body.division, body.name, None, d, field):
            return None
        body.id = self._next_body_id()
        body.node = ("body", body.id)
        body.established = d.date
        self._claim(body.division, body.name, body, d, field)
        body.names.append((d.date, body.name))
        body.facts[(_ESTABLISH, None)] = mark = self._mark(d)
        self._touch(body, mark)
        self._bodies[body.id] = body
        self._graph.add_node(body.node)
        self._graph.add_edge(body.node, self._divisions[body.division].node, key="in")
        for kind, target in (links or {}).items():
            self.link(d, body, kind, target, note=False)
        for board in signboards:
            self.hang(d, body, board, signboards_field or field)
        return body

    def link(self, d: Directive, body: Body, kind: str, target: Body | None, note: bool = True) -> None:
        """Point ``body``'s ``part_of`` / ``led_by`` / ``dispatched_from`` link at ``target`` (None clears it)."""
        old = self._linked(body.node, kind)
        if old is not None:
            self._graph.remove_edge(body.node, old, key=kind)
        if target is not None:
            self._graph.add_edge(body.node, target.node, key=kind)
        if note:
            body.facts[(LINK_FACTS[kind], None)] = mark = self._mark(d)
            self._touch(body, mark)

    def set_attributes(self, d: Directive, body: Body, **values) -> None:
        """Change ``category``, ``klass``, ``rank`` or ``funding``; each change is remembered."""
        for attr, value in values.items():
            if getattr(body, attr) != value:
                setattr(body, attr, value)
                body.facts[(ATTRIBUTE_FACTS[attr], None)] = mark = self._mark(d)
                self._touch(body, mark)

    def rename(self, d: Directive, body: Body, new: str, field: str = "to") -> bool:
        """Give ``body`` the name ``new`` (a signboard of that name is taken down first);
        the old name is kept in its history. False, with a finding, on a clash."""
        old = body.name
        if new in self.signboards(body):
            self.unhang(body, new)
        if not self._claim(body.division, new, body, d, field):
            return False
        self._names.release(body.division, old, body.id)
        body.name = new
        body.names.append((d.date, new))
        body.facts[(_NAME, None)] = mark = self._mark(d)
        self._touch(body, mark)
        return True

    def hang(self, d: Directive, body: Body, name: str, field: str | None) -> bool:
        """Hang signboard ``name`` on ``body``; a clash in the division is a finding."""
        if name == body.name or name in self.signboards(body):
            self.error("duplicate-name", f"“{body.name}”已有名称或牌子“{name}”", d, field, body)
            return False
        if not self._claim(body.division, name, body, d, field):
            return False
        node = ("signboard", body.id, name)
        self._graph.add_node(node)
        self._graph.add_edge(body.node, node, key="carries")
        self._touch(body)
        return True

    def unhang(self, body: Body, name: str) -> None:
        """Take signboard ``name`` down; its name is freed and remembered as a former name."""
        self._names.release(body.division, name, body.id)
        self._graph.remove_node(("signboard", body.id, name))
        self._touch(body)

    def free_signboard_names(self, body: Body) -> None:
        """Free the names of a retired body's signboards before others claim them (split)."""
        for name in self.signboards(body):
            self._names.release(body.division, name, body.id, remember=False)

    def retire(self, d: Directive, body: Body) -> None:
        """Mark ``body`` abolished: its name is freed but kept in the history."""
        body.active = False
        body.abolished = d.date
        body.facts[(_ABOLISH, None)] = mark = self._mark(d)
        self._touch(body, mark)
        self._names.release(body.division, body.name, body.id)

    def succeed(self, retired: Body, successor: Body, how: EventKind) -> None:
        """Record that ``successor`` took over (some of) what ``retired`` held."""
        if successor is not retired:
            self._graph.add_edge(retired.node, successor.node, key="succeeded_by", how=EventKind(how))
