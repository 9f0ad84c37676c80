"""The replayed state: a networkx graph of divisions, bodies, signboards and pools,
plus the quota books and name indexes that replay keeps up to date incrementally.

Nodes are keyed ``("division", code)``, ``("body", id)``, ``("pool", name)`` and
``("signboard", body_id, name)``. Edge ``kind`` is one of ``in`` (body or division
→ its division), ``part_of`` (body → parent body), ``led_by``, ``dispatched_from``,
``carries`` (body → signboard) and ``transfer`` (holder → holder, with amount,
quota_type, date, doc and flow kind).

The record dataclasses live in :mod:`orgmodel.records` and are re-exported here.
"""

from __future__ import annotations

import datetime as dt

import networkx as nx

from .config import Config
from .directive import Directive
from .findings import ERROR, Finding
from .records import (
    COORDINATION,
    COUNTY,
    DISPATCHED,
    TOWNSHIP,
    Body,
    Division,
    Duty,
    Event,
    Flow,
    Loan,
    Pool,
    Reason,
)

__all__ = [
    "COORDINATION", "COUNTY", "DISPATCHED", "TOWNSHIP",
    "Body", "Division", "Duty", "Event", "Flow", "Loan", "Pool", "Reason", "State",
]


class State:
    """Everything known as of the last replayed directive."""

    def __init__(self, config: Config):
        self.config = config
        self.graph = nx.MultiDiGraph()
        self.divisions: dict[str, Division] = {}
        self.division_names: dict[str, list[str]] = {}
        self.bodies: dict[int, Body] = {}
        self.pools: dict[str, Pool] = {}
        self.loans: list[Loan] = []
        self.duties: dict[str, Duty] = {}
        self.flows: list[Flow] = []
        self.events: list[Event] = []
        self.findings: list[Finding] = []
        self.names: dict[tuple[str, str], int] = {}
        self.by_name: dict[str, set[int]] = {}
        self.former: dict[str, list[int]] = {}
        self.as_of: dt.date | None = None
        self._next_id = 1

    # -- findings and events -------------------------------------------------
    def error(self, rule: str, message: str, d: Directive, field: str | None = None,
              body: str | None = None, severity: str = ERROR) -> None:
        self.findings.append(Finding(rule, message, d.where(field), severity, body))

    def event(self, d: Directive, kind: str, text: str, bodies=(), divisions=()) -> None:
        self.events.append(Event(d.date, kind, text, d.doc, d.source, tuple(bodies), tuple(divisions)))

    # -- divisions -----------------------------------------------------------
    def add_division(self, div: Division) -> None:
        self.divisions[div.code] = div
        self.division_names.setdefault(div.name, []).append(div.code)
        self.graph.add_node(div.node, kind="division")
        if div.parent:
            self.graph.add_edge(div.node, ("division", div.parent), kind="in")

    def find_division(self, ref: str) -> tuple[Division | None, str | None]:
        """Division by code or unique name; (None, reason) when not found or ambiguous."""
        if ref in self.divisions:
            return self.divisions[ref], None
        codes = self.division_names.get(ref, [])
        if len(codes) == 1:
            return self.divisions[codes[0]], None
        if codes:
            return None, f"区划名称“{ref}”不唯一(代码 {'、'.join(codes)}),请改用区划代码"
        return None, f"未知的区划“{ref}”;请先用 open_division 设立该区划"

    def resolve_division(self, ref: str, d: Directive, field: str) -> Division | None:
        div, why = self.find_division(ref)
        if div is None:
            self.error("unknown-division", why, d, field)
        return div

    # -- names ---------------------------------------------------------------
    def name_owner(self, division: str, name: str) -> int | None:
        return self.names.get((division, name))

    def claim_name(self, division: str, name: str, body_id: int, d: Directive, field: str) -> bool:
        """Reserve ``name`` in ``division`` for a body or signboard; a clash is a finding.

        Pool names are global and references try pools first, so a body or signboard
        may not take a pool's name either."""
        if name in self.pools:
            self.error("duplicate-name", f"名称“{name}”已是编制池的名称;机构、牌子与编制池不得同名", d, field, name)
            return False
        owner = self.names.get((division, name))
        if owner is not None and owner != body_id:
            other = self.bodies[owner]
            what = "机构名称" if other.name == name else f"“{other.name}”的牌子"
            self.error("duplicate-name", f"名称“{name}”在{self.divisions[division].name}已被{what}使用;机构和牌子名称在同一区划内不得重复", d, field, name)
            return False
        self.names[(division, name)] = body_id
        self.by_name.setdefault(name, set()).add(body_id)
        return True

    def release_name(self, division: str, name: str, body_id: int) -> None:
        if self.names.get((division, name)) == body_id:
            del self.names[(division, name)]
        ids = self.by_name.get(name)
        if ids is not None:
            ids.discard(body_id)
            if not ids:
                del self.by_name[name]

    def find_body(self, ref: str, context: str | None = None) -> tuple[Body | None, str | None]:
        """Body by name or signboard (``区划/名称`` qualifies); (None, reason) when not found."""
        if "/" in ref:
            div_ref, name = ref.rsplit("/", 1)
            div, why = self.find_division(div_ref)
            if div is None:
                return None, why
            owner = self.names.get((div.code, name))
            if owner is not None:
                return self.bodies[owner], None
            return None, self._missing_body(name, div.name)
        if context is not None and (context, ref) in self.names:
            return self.bodies[self.names[(context, ref)]], None
        ids = self.by_name.get(ref)
        if ids and len(ids) == 1:
            return self.bodies[next(iter(ids))], None
        if ids:
            where = "、".join(sorted(self.divisions[self.bodies[i].division].name for i in ids))
            return None, Reason(f"名称“{ref}”不唯一(在 {where} 都有),请写成“区划/名称”", "ambiguous-name")
        return None, self._missing_body(ref)

    def _missing_body(self, name: str, where: str | None = None) -> Reason:
        """Why ``name`` names no body now: abolished, renamed away, or simply unknown."""
        former = [self.bodies[i] for i in self.former.get(name, [])]
        gone = [b for b in former if not b.active]
        if gone and len(gone) == len(former):
            b = gone[-1]
            return Reason(f"机构“{name}”已于 {b.abolished} 撤销,不能再对其操作", "abolished-body")
        renamed = [b for b in former if b.active and b.name != name and any(n == name for _, n in b.names)]
        unhung = [b for b in former if b.active and name not in b.signboards and b.name != name]
        if unhung and not renamed:
            b = unhung[-1]
            return Reason(f"“{name}”曾是“{b.name}”的牌子,已摘除;请改用机构名称“{b.name}”", "unknown-body")
        if renamed:
            b = renamed[-1]
            when = next((day for day, n in reversed(b.names) if n == b.name), "")
            div = self.divisions[b.division].name
            return Reason(f"“{name}”是{div}“{b.name}”的曾用名({when} 更名),请改用现名“{b.name}”", "unknown-body")
        scope = f"在{where}" if where else ""
        return Reason(f"{scope}找不到机构或牌子“{name}”;请检查名称,或先用“设立”(establish)指令设立该机构", "unknown-body")

    def resolve_body(self, ref: str, d: Directive, field: str, context: str | None = None) -> Body | None:
        body, why = self.find_body(ref, context)
        if body is None:
            rule = getattr(why, "rule", "unknown-body")
            self.error(rule, why, d, field, ref)
        return body

    def resolve_holder(self, ref: str, d: Directive, field: str):
        """A pool (by its name) or a body; None with a finding when neither."""
        pool = self.pools.get(ref)
        if pool is not None:
            return pool
        return self.resolve_body(ref, d, field)

    def new_body_id(self) -> int:
        self._next_id += 1
        return self._next_id - 1

    # -- quota ---------------------------------------------------------------
    def move_quota(self, src, dst, qtype: str, amount: int, d: Directive, kind: str,
                   field: str = "amount", cross_level: bool = False) -> bool:
        """Move ``amount`` of ``qtype`` from holder ``src`` to ``dst`` (either may be None for
        the higher level). Refuses, with a finding, to take more than ``src`` holds."""
        if src is not None:
            held = src.approved.get(qtype, 0)
            if amount > held:
                self.error("insufficient-quota", f"“{src.label}”只有{qtype} {held} 名,不能调出 {amount} 名(差 {amount - held} 名)", d, field, src.label)
                return False
            src.approved[qtype] = held - amount
        if dst is not None:
            dst.approved[qtype] = dst.approved.get(qtype, 0) + amount
        for holder in (src, dst):
            if isinstance(holder, Body):
                holder.sources[f"approved:{qtype}"] = d.source
        flow = Flow(d.date, d.doc, d.source, kind, src.node if src else None, dst.node if dst else None, qtype, amount, cross_level)
        self.flows.append(flow)
        if src is not None and dst is not None and amount:
            self.graph.add_edge(src.node, dst.node, kind="transfer", flow=kind, amount=amount,
                                quota_type=qtype, date=d.date, doc=d.doc, cross_level=cross_level)
        return True

    # -- lookups used by tables and rules -------------------------------------
    def active_bodies(self):
        return (b for b in self.bodies.values() if b.active)

    def ancestors(self, code: str):
        """Codes of ``code`` and its ancestors, nearest first."""
        seen = []
        while code is not None and code not in seen:
            seen.append(code)
            code = self.divisions[code].parent if code in self.divisions else None
        return seen
