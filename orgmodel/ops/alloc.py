"""Allocation lists: splitting what a holder gives up (``{type: n}``) over the entries of
a ``quota_to``/``staff_to`` list, resolving each target (a body, a pool, or ``收回``, the
nearest reclaimed-quota pool). Planning only: it reports findings and moves nothing.
"""

from __future__ import annotations

from ..state import State
from .common import plural_quota

RECLAIM = ("收回", "reclaim", "收回编制池")


def reclaim_pool(state: State, division: str):
    """The nearest reclaimed-quota pool (收回编制池) at ``division`` or above, or None."""
    for code in state.ancestors(division):
        pools = [p for p in state.pools.values() if p.kind == "reclaimed" and p.division == code and p.active]
        if pools:
            return pools[0]
    return None


def resolve_target(state: State, d, field_name: str, ref, near: str | None, bodies_only: bool):
    """An allocation target: a Body/Pool object, ``收回`` (the nearest reclaim pool), a pool or a body."""
    if not isinstance(ref, str):
        return ref
    if ref in RECLAIM and not bodies_only:
        pool = reclaim_pool(state, near) if near else None
        if pool is None:
            state.error("unknown-pool", f"{field_name}: 本级及上级没有收回编制池;请先用 open_pool 设立(kind: 收回),或写明去向", d, field_name)
        return pool
    return state.resolve_body(ref, d, field_name) if bodies_only else state.resolve_holder(ref, d, field_name)


def plan_alloc(state: State, d, field_name: str, holdings: dict[str, int], alloc: list[dict],
               what: str, bodies_only: bool = False, near: str | None = None,
               partial: bool = False) -> list[tuple] | None:
    """Split ``holdings`` ({type: n}) over the entries of an allocation list.

    An entry's ``to`` is a name, ``收回`` (the nearest reclaim pool above division ``near``),
    or a Body/Pool object when a caller routes things itself. Entries with an amount are
    served first; an entry with a type but no amount takes the rest of that type, an entry
    with neither takes the rest of everything. Returns ``[(holder, type, n)]``, or None
    after reporting every problem (an unknown target, an entry asking for more than is
    left, anything left over unless ``partial``).
    """
    left = {t: n for t, n in holdings.items() if n}
    moves, ok = [], True
    ordered = sorted(alloc, key=lambda e: "amount" not in e)
    for entry in ordered:
        target = resolve_target(state, d, field_name, entry["to"], near, bodies_only)
        if target is None:
            ok = False
            continue
        if "amount" in entry:
            t = entry.get("type") or (next(iter(left)) if len(left) == 1 else None)
            if t is None:
                state.error("bad-value", f"{field_name} 中给出了数量却没有注明 type(编制类型)", d, field_name)
                ok = False
                continue
            if entry["amount"] > left.get(t, 0):
                state.error("insufficient-quota", f"{field_name}:要分出{what}{t} {entry['amount']} 名,但只剩 {left.get(t, 0)} 名", d, field_name)
                ok = False
                continue
            if entry["amount"]:
                moves.append((target, t, entry["amount"]))
            left[t] = left.get(t, 0) - entry["amount"]
        else:
            for t in [entry["type"]] if "type" in entry else list(left):
                if left.get(t):
                    moves.append((target, t, left[t]))
                    left[t] = 0
    rest = {t: n for t, n in left.items() if n}
    if ok and rest and not partial:
        where = "承接的机构(人员只能安置到机构)" if bodies_only else "机构、编制池,或 收回"
        state.error("unaccounted", f"{what}{plural_quota(rest)} 没有去向;请在 {field_name} 中写明去向({where})", d, field_name)
        ok = False
    return moves if ok else None
