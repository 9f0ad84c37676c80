"""Abolishing bodies, with everything they hold accounted for.

The helpers here (:func:`plan_alloc`, :func:`plan_settlement`, :func:`plan_settlements`,
:func:`apply_settlement`, :func:`retire_body`) are the one mechanism that abolish,
merge, split, function transfer and templates use, so nothing a body holds can vanish
silently. Ops plan first (reading the state, reporting findings) and apply only a
complete plan, so a refused directive changes nothing. :func:`plan_alloc` lives in
:mod:`orgmodel.ops.alloc` and is re-exported here.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..schema import Field
from ..state import Body, State
from .alloc import RECLAIM, plan_alloc, reclaim_pool, resolve_target
from .basic import add_signboard, drop_signboard, link_body
from .checks import children_of, descendants, duties_of, names_free
from .quota import is_cross_level
from .registry import op
from .summary import describe, targets

__all__ = [
    "DROP", "RECLAIM", "Settlement", "abolish", "apply_settlement", "describe", "plan_alloc", "plan_settlement",
    "plan_settlements", "reclaim_pool", "resolve_target", "retire_body", "spread", "targets",
]

DROP = ("drop", "摘除", "撤销", "取消", "none")


@dataclass
class Settlement:
    """Where the things a body gives up go: each list pairs an item with its new holder.

    ``quota`` and ``staff`` hold ``(target, type, n)``; ``signboards`` ``(name, Body|None)``;
    ``duties`` ``(duty key, Body|None)``; ``children`` ``(body id, Body|None)``. None means
    dropped explicitly (a duty the body led is deleted, a child becomes top-level).
    ``leaders_to`` receives the body's filled leader posts (merge).
    """

    body: Body
    quota: list = field(default_factory=list)
    staff: list = field(default_factory=list)
    signboards: list = field(default_factory=list)
    duties: list = field(default_factory=list)
    children: list = field(default_factory=list)
    leaders_to: Body | None = None


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


def spread(moves: list[tuple], bodies: list[Body], book: str) -> dict[int, list]:
    """Share pooled moves ``[(target, type, n)]`` out over the bodies that hold the pool, in order."""
    left = {b.id: dict(getattr(b, book)) for b in bodies}
    out: dict[int, list] = {b.id: [] for b in bodies}
    for target, t, n in moves:
        for b in bodies:
            take = min(n, left[b.id].get(t, 0))
            if take:
                out[b.id].append((target, t, take))
                left[b.id][t] -= take
                n -= take
    return out


def _check_links(state: State, d, bodies: list[Body], plans: list[Settlement]) -> bool:
    """No target is one of the retiring bodies; no child moves under its own descendant."""
    ids = {b.id for b in bodies}
    for s in plans:
        for target in [t for t, _, _ in s.quota + s.staff] + [t for _, t in s.signboards + s.duties + s.children]:
            if isinstance(target, Body) and target.id in ids:
                state.error("bad-value", f"“{target.name}”正被撤并,不能接收编制、人员、牌子、事项或下属机构", d,
                            _field_of(d, target.name), target.name)
                return False
        for child, target in s.children:
            if target is not None and (target.id == child or target.id in descendants(state, child)):
                state.error("hierarchy-cycle", f"“{state.bodies[child].name}”不能隶属于自己或自己的下属机构“{target.name}”", d, "children_to")
                return False
    return True


def _field_of(d, name: str) -> str | None:
    """The routing field of ``d`` that mentions ``name``, for pointing a finding at it."""
    for fname in ("staff_to", "quota_to", "signboards_to", "duties_to", "children_to"):
        if name in str(d.fields.get(fname, "")):
            return fname
    return None


def plan_settlements(state: State, d, bodies: list[Body], default: Body | None = None,
                     quota_alloc=None, staff_alloc=None) -> list[Settlement] | None:
    """Plan where the quota, staff, signboards, duties and children of ``bodies`` go.

    Quota and staff are pooled over ``bodies``, routed by ``quota_to``/``staff_to`` (or
    the given allocations) and the rest goes to ``default`` (the merge target).
    Signboards, duties and children go to ``signboards_to``/``duties_to``/``children_to``
    or ``default``. Returns one Settlement per body, or None with findings when anything
    would be left unaccounted, misrouted, or would clash by name.
    """
    quota_alloc = list(quota_alloc if quota_alloc is not None else d.fields.get("quota_to") or [])
    staff_alloc = list(staff_alloc if staff_alloc is not None else d.fields.get("staff_to") or [])
    if default is not None:
        quota_alloc.append({"to": default})
        staff_alloc.append({"to": default})
    names = "、".join(f"“{b.name}”" for b in bodies)
    near = bodies[0].division
    pooled_q = _pool(bodies, "approved")
    pooled_s = _pool(bodies, "actual")
    quota = plan_alloc(state, d, "quota_to", pooled_q, quota_alloc, f"{names}的", near=near)
    staff = plan_alloc(state, d, "staff_to", pooled_s, staff_alloc, f"{names}的实有人员", bodies_only=True)
    boards = [(b, n) for b in bodies for n in b.signboards]
    duties = {b.id: duties_of(state, b.id) for b in bodies}
    ids = {b.id for b in bodies}
    skip = ids | ({default.id} if default is not None else set())  # the receiver is re-parented by merge
    kids = {b.id: [c for c in children_of(state, b) if c not in skip] for b in bodies}
    to_boards = _successor(state, d, "signboards_to", bool(boards), f"{names}的牌子", default)
    to_duties = _successor(state, d, "duties_to", any(duties.values()), f"{names}的责任事项", default)
    to_kids = _successor(state, d, "children_to", any(kids.values()), f"{names}的下属机构", default)
    if quota is None or staff is None or False in (to_boards, to_duties, to_kids):
        return None
    if to_boards is not None and not names_free(state, d, "signboards_to", to_boards.division,
                                                [n for _, n in boards], ids):
        return None
    q_by, s_by = spread(quota, bodies, "approved"), spread(staff, bodies, "actual")
    plans = [Settlement(b, q_by[b.id], s_by[b.id], [(n, to_boards) for n in b.signboards],
                        [(k, to_duties) for k in duties[b.id]], [(c, to_kids) for c in kids[b.id]])
             for b in bodies]
    return plans if _check_links(state, d, bodies, plans) else None


def _pool(bodies: list[Body], book: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for b in bodies:
        for t, n in getattr(b, book).items():
            out[t] = out.get(t, 0) + n
    return out


def plan_settlement(state: State, d, body: Body, default: Body | None = None,
                    quota_alloc=None, staff_alloc=None) -> Settlement | None:
    """Plan where one body's things go (see :func:`plan_settlements`)."""
    plans = plan_settlements(state, d, [body], default, quota_alloc, staff_alloc)
    return plans[0] if plans else None


def apply_settlement(state: State, d, s: Settlement, kind: str) -> None:
    """Carry out a planned settlement; quota moves are recorded as flows of ``kind``."""
    body = s.body
    for target, t, n in s.quota:
        state.move_quota(body, target, t, n, d, kind, "quota_to", is_cross_level(state, body, target))
    for target, t, n in s.staff:
        body.actual[t] -= n
        target.actual[t] = target.actual.get(t, 0) + n
        target.sources[f"actual:{t}"] = d.source
    for name, target in s.signboards:
        drop_signboard(state, body, name)
        if target is not None:
            add_signboard(state, target, name, d, "signboards_to")
    for key, target in s.duties:
        _move_duty(state, key, body.id, target)
    for child, target in s.children:
        link_body(state, state.bodies[child], "part_of", target)
    if s.leaders_to is not None:
        for k, n in body.leaders.items():
            s.leaders_to.leaders[k] = s.leaders_to.leaders.get(k, 0) + n
        body.leaders = {}


def _move_duty(state: State, key: str, old: int, target: Body | None) -> None:
    duty = state.duties[key]
    if target is None:
        if duty.lead == old:
            del state.duties[key]
        else:
            duty.support = [x for x in duty.support if x != old]
        return
    if duty.lead == old:
        duty.lead = target.id
    support = [target.id if x == old else x for x in duty.support]
    duty.support = [x for i, x in enumerate(support) if x != duty.lead and x not in support[:i]]


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
    """Abolish a body: quota to named holders or 收回, staff to named bodies, the rest named or dropped."""
    body = state.resolve_body(d.fields["body"], d, "body")
    if body is None:
        return
    plan = plan_settlement(state, d, body)
    if plan is None:
        return
    apply_settlement(state, d, plan, "abolish")
    retire_body(state, body, d)
    div = state.divisions[body.division]
    detail = describe([plan])
    state.event(d, "abolished", f"撤销{div.name}“{body.name}”" + (f":{detail}" if detail else ""),
                [body.id, *{t.id for t in targets(plan)}], [div.code])
