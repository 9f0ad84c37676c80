"""Abolishing bodies, with everything they hold accounted for.

The helpers here (:func:`plan_alloc`, :func:`plan_settlement`, :func:`apply_settlement`,
:func:`retire_body`) are the one mechanism that merge, split and function transfer
also use, so nothing a body holds can vanish silently.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..schema import Field
from ..state import Body, State
from .basic import add_signboard, drop_signboard, link_body
from .common import plural_quota
from .registry import op

DROP = ("drop", "摘除", "撤销", "取消")


def plan_alloc(state: State, d, field_name: str, holdings: dict[str, int], alloc: list[dict],
               what: str, bodies_only: bool = False) -> list[tuple] | None:
    """Split ``holdings`` ({type: n}) over the entries of an allocation list.

    An entry's ``to`` is a name, or a Body/Pool object when a caller routes things itself.
    Entries with an amount are served first; an entry with a type but no amount takes
    the rest of that type, an entry with neither takes the rest of everything.
    Returns ``[(holder, type, n)]``, or None after reporting every problem (an
    unknown target, an entry asking for more than is left, anything left over).
    """
    left = {t: n for t, n in holdings.items() if n}
    moves, ok = [], True
    ordered = sorted(alloc, key=lambda e: "amount" not in e)
    for entry in ordered:
        target = entry["to"]
        if isinstance(target, str):
            target = (state.resolve_body(target, d, field_name) if bodies_only
                      else state.resolve_holder(target, d, field_name))
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
            moves.append((target, t, entry["amount"]))
            left[t] -= entry["amount"]
        else:
            for t in [entry["type"]] if "type" in entry else list(left):
                if left.get(t):
                    moves.append((target, t, left[t]))
                    left[t] = 0
    rest = {t: n for t, n in left.items() if n}
    if ok and rest:
        state.error("unaccounted", f"{what}{plural_quota(rest)} 没有去向;请在 {field_name} 中写明去向(机构或编制池)", d, field_name)
        ok = False
    return moves if ok else None


@dataclass
class Settlement:
    """Where everything a retiring body holds goes."""

    body: Body
    quota: list = field(default_factory=list)
    staff: list = field(default_factory=list)
    signboards_to: Body | None = None
    duties_to: Body | None = None
    children_to: Body | None = None
    duties: list = field(default_factory=list)
    children: list = field(default_factory=list)


def _successor(state: State, d, fname: str, needed: bool, what: str, default: Body | None):
    """Resolve a successor field: a body, DROP (returns None), or the default; False on error."""
    ref = d.fields.get(fname)
    if ref is None:
        if needed and default is None:
            state.error("unaccounted", f"{what}没有去向;请用 {fname} 写明承接机构,或写 {fname}: drop 明确摘除", d, fname)
            return False
        return default
    if ref in DROP:
        return None
    target = state.resolve_body(ref, d, fname)
    return target if target is not None else False


def plan_settlement(state: State, d, body: Body, default: Body | None = None,
                    quota_alloc=None, staff_alloc=None) -> Settlement | None:
    """Plan where ``body``'s quota, staff, signboards, duties and children go.

    ``default`` receives whatever the directive does not route elsewhere (the merge
    target). Returns None, with findings, when anything would be left unaccounted.
    """
    s = Settlement(body)
    quota_alloc = quota_alloc if quota_alloc is not None else d.fields.get("quota_to")
    staff_alloc = staff_alloc if staff_alloc is not None else d.fields.get("staff_to")
    if default is not None:
        quota_alloc = (quota_alloc or []) + [{"to": default}]
        staff_alloc = (staff_alloc or []) + [{"to": default}]
    s.quota = plan_alloc(state, d, "quota_to", body.approved, quota_alloc or [], f"“{body.name}”的")
    s.staff = plan_alloc(state, d, "staff_to", body.actual, staff_alloc or [], f"“{body.name}”的实有人员", bodies_only=True)
    s.duties = [k for k, duty in state.duties.items() if duty.lead == body.id or body.id in duty.support]
    s.children = [u for u, _, k in state.graph.in_edges(body.node, keys=True) if k == "part_of"]
    s.signboards_to = _successor(state, d, "signboards_to", bool(body.signboards), f"“{body.name}”的牌子", default)
    s.duties_to = _successor(state, d, "duties_to", bool(s.duties), f"“{body.name}”的责任事项", default)
    s.children_to = _successor(state, d, "children_to", bool(s.children), f"“{body.name}”的下属机构", default)
    if s.quota is None or s.staff is None or False in (s.signboards_to, s.duties_to, s.children_to):
        return None
    for target in [t for t, _, _ in s.quota + s.staff] + [s.signboards_to, s.duties_to, s.children_to]:
        if target is body:
            state.error("bad-value", f"“{body.name}”不能把编制、人员或牌子交给自己", d)
            return None
    return s


def apply_settlement(state: State, d, s: Settlement, kind: str) -> None:
    """Carry out a planned settlement; the body ends up holding nothing."""
    body = s.body
    for target, t, n in s.quota:
        state.move_quota(body, target, t, n, d, kind)
    for target, t, n in s.staff:
        body.actual[t] -= n
        target.actual[t] = target.actual.get(t, 0) + n
    for name in list(body.signboards):
        drop_signboard(state, body, name)
        if s.signboards_to is not None:
            add_signboard(state, s.signboards_to, name, d, "signboards_to")
    for key in s.duties:
        duty = state.duties[key]
        if s.duties_to is None:
            del state.duties[key]
            continue
        if duty.lead == body.id:
            duty.lead = s.duties_to.id
        duty.support = [s.duties_to.id if x == body.id else x for x in duty.support]
    for child in s.children:
        link_body(state, state.bodies[child[1]], "part_of", s.children_to)


def retire_body(state: State, body: Body, d) -> None:
    """Mark ``body`` abolished: its name is freed but kept in the history."""
    body.active = False
    body.abolished = d.date
    state.release_name(body.division, body.name, body.id)
    state.former.setdefault(body.name, []).append(body.id)
    state.graph.nodes[body.node]["active"] = False


@op("abolish", "撤销", rank=80, needs_doc=True, fields={
    "body": Field("ref", True), "quota_to": Field("alloc"), "staff_to": Field("alloc"),
    "signboards_to": Field("ref"), "duties_to": Field("ref"), "children_to": Field("ref"),
})
def abolish(state: State, d) -> None:
    body = state.resolve_body(d.fields["body"], d, "body")
    if body is None:
        return
    plan = plan_settlement(state, d, body)
    if plan is None:
        return
    held = dict(body.approved)
    apply_settlement(state, d, plan, "abolish")
    retire_body(state, body, d)
    div = state.divisions[body.division]
    state.event(d, "abolished", f"撤销{div.name}“{body.name}”,编制{plural_quota(held)}按文件划转", [body.id], [div.code])
