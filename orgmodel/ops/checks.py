"""Pre-checks that let an op plan first and apply second, so a refused directive changes nothing.

These helpers only read the state and report findings; they never mutate it.
"""

from __future__ import annotations

from ..state import State


def names_free(state: State, d, field: str | None, division: str, names, owners=()) -> bool:
    """True when every name in ``names`` can be claimed in ``division``.

    A name is free when nobody holds it or one of ``owners`` (body ids that give it up
    or keep it) does. A name listed twice is also a finding. Reports every clash.
    An item of ``names`` may be a ``(name, field)`` pair to point its finding at that field.
    """
    ok, seen = True, set()
    for item in names:
        name, at = item if isinstance(item, tuple) else (item, field)
        if name in seen:
            state.error("duplicate-name", f"名称“{name}”在本指令中用了不止一次;机构和牌子名称在同一区划内不得重复", d, at, name)
            ok = False
            continue
        seen.add(name)
        owner = state.names.get((division, name))
        if owner is not None and owner not in owners:
            other = state.bodies[owner]
            what = "机构名称" if other.name == name else f"“{other.name}”的牌子"
            state.error("duplicate-name", f"名称“{name}”在{state.divisions[division].name}已被{what}使用;机构和牌子名称在同一区划内不得重复", d, at, name)
            ok = False
    return ok


def draws_available(state: State, d, field: str, draws) -> bool:
    """True when every holder can give what ``draws`` ([(holder, type, amount)]) asks of it in total."""
    totals: dict[tuple, list] = {}
    for holder, t, n in draws:
        entry = totals.setdefault((id(holder), t), [holder, 0])
        entry[1] += n
    ok = True
    for (_, t), (holder, n) in totals.items():
        held = holder.approved.get(t, 0)
        if n > held:
            state.error("insufficient-quota", f"“{holder.label}”只有{t} {held} 名,不能调出 {n} 名(差 {n - held} 名)", d, field, holder.label)
            ok = False
    return ok


def descendants(state: State, body_id: int) -> set[int]:
    """Ids of every body below ``body_id`` along part_of edges (its children, their children …)."""
    out, todo = set(), [body_id]
    while todo:
        node = ("body", todo.pop())
        for u, _, k in state.graph.in_edges(node, keys=True):
            if k == "part_of" and u[1] not in out:
                out.add(u[1])
                todo.append(u[1])
    return out


def duties_of(state: State, body_id: int, lead_only: bool = False) -> dict[str, str]:
    """Duty keys that involve ``body_id`` (as lead, or also as support), mapped to the duty name."""
    return {k: duty.name for k, duty in state.duties.items()
            if duty.lead == body_id or (not lead_only and body_id in duty.support)}


def children_of(state: State, body) -> list[int]:
    """Ids of the active bodies whose parent is ``body``."""
    return [u[1] for u, _, k in state.graph.in_edges(body.node, keys=True)
            if k == "part_of" and state.bodies[u[1]].active]
