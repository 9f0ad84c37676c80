"""Settlement: where everything a body gives up goes, planned in full before anything moves.

This is the one mechanism that abolish, merge, split, function transfer and templates
use, so nothing a body holds can vanish silently. :func:`plan_alloc` splits quota or
staff over a ``quota_to``/``staff_to`` list; :func:`plan_settlements` plans the quota,
staff, signboards, duty items and child bodies of the bodies given up; :func:`apply_settlement`
carries a complete plan out through the state's methods; :func:`describe` says in
Chinese where things went.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from ...core.kinds import EventKind, FlowKind
from ...state import BODY, HOLDER, Body, State
from ..fields import plural_quota
from ..planning import is_cross_level, names_free

RECLAIM = ("收回", "reclaim", "收回编制池")
DROP = ("drop", "摘除", "撤销", "取消", "none")


@dataclass(frozen=True)
class Settlement:
    """Where the things a body gives up go: each list pairs an item with its new holder.

    ``quota`` and ``staff`` hold ``(target, type, n)``; ``signboards`` ``(name, Body|None)``;
    ``duties`` ``(duty key, Body|None)``; ``children`` ``(body id, Body|None)``. None means
    dropped explicitly (a duty the body led is deleted, a child becomes top-level).
    ``leaders_to`` receives the body's leaders in post, posts (岗位) and named counts (merge).
    """

    body: Body
    quota: list = field(default_factory=list)
    staff: list = field(default_factory=list)
    signboards: list = field(default_factory=list)
    duties: list = field(default_factory=list)
    children: list = field(default_factory=list)
    leaders_to: Body | None = None

    def with_leaders_to(self, receiver: Body) -> Settlement:
        return replace(self, leaders_to=receiver)

    def targets(self) -> list[Body]:
        """The bodies this settlement gives anything to."""
        return [t for t, _, _ in self.quota + self.staff if isinstance(t, Body)] + \
            [t for _, t in self.signboards + self.duties + self.children if t is not None]


# -- allocation lists --------------------------------------------------------------------
def reclaim_pool(state: State, division: str):
    """The nearest reclaimed-quota pool (收回编制池) at ``division`` or above, or None."""
    for code in state.ancestors(division):
        pools = [p for p in state.pools_at(code) if p.kind == "reclaimed" and p.active]
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
    return state.require(d, field_name, BODY if bodies_only else HOLDER, ref=ref)


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
    for entry in sorted(alloc, key=lambda e: "amount" not in e):
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


# -- settlements ---------------------------------------------------------------------------
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
    target = state.require(d, fname, BODY)
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
                state.error("bad-value", f"“{state.reference(target)}”正被撤并,不能接收编制、人员、牌子、事项或下属机构", d,
                            _field_of(d, target.name), target)
                return False
        for child, target in s.children:
            if target is not None and (target.id == child or target.id in state.below(state.bodies[child])):
                state.error("hierarchy-cycle", f"“{state.bodies[child].name}”不能隶属于自己或自己的下属机构“{state.reference(target)}”", d, "children_to")
                return False
    return True


def _field_of(d, name: str) -> str | None:
    """The routing field of ``d`` that mentions ``name``, for pointing a finding at it."""
    for fname in ("staff_to", "quota_to", "signboards_to", "duties_to", "children_to"):
        if name in str(d.fields.get(fname, "")):
            return fname
    return None


def _pool(bodies: list[Body], book: str) -> dict[str, int]:
    out: dict[str, int] = {}
    for b in bodies:
        for t, n in getattr(b, book).items():
            out[t] = out.get(t, 0) + n
    return out


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
    quota = plan_alloc(state, d, "quota_to", _pool(bodies, "approved"), quota_alloc, f"{names}的", near=near)
    staff = plan_alloc(state, d, "staff_to", _pool(bodies, "actual"), staff_alloc, f"{names}的实有人员", bodies_only=True)
    boards = {b.id: state.signboards(b) for b in bodies}
    duties = {b.id: state.duties_of(b) for b in bodies}
    ids = {b.id for b in bodies}
    skip = ids | ({default.id} if default is not None else set())  # the receiver is re-parented by merge
    kids = {b.id: [c.id for c in state.children(b) if c.id not in skip] for b in bodies}
    to_boards = _successor(state, d, "signboards_to", any(boards.values()), f"{names}的牌子", default)
    to_duties = _successor(state, d, "duties_to", any(duties.values()), f"{names}的责任事项", default)
    to_kids = _successor(state, d, "children_to", any(kids.values()), f"{names}的下属机构", default)
    if quota is None or staff is None or False in (to_boards, to_duties, to_kids):
        return None
    if to_boards is not None and not names_free(state, d, "signboards_to", to_boards.division,
                                                [n for b in bodies for n in boards[b.id]], ids):
        return None
    q_by, s_by = spread(quota, bodies, "approved"), spread(staff, bodies, "actual")
    plans = [Settlement(b, q_by[b.id], s_by[b.id], [(n, to_boards) for n in boards[b.id]],
                        [(k, to_duties) for k in duties[b.id]], [(c, to_kids) for c in kids[b.id]])
             for b in bodies]
    return plans if _check_links(state, d, bodies, plans) else None


def plan_settlement(state: State, d, body: Body, default: Body | None = None,
                    quota_alloc=None, staff_alloc=None) -> Settlement | None:
    """Plan where one body's things go (see :func:`plan_settlements`)."""
    plans = plan_settlements(state, d, [body], default, quota_alloc, staff_alloc)
    return plans[0] if plans else None


def apply_settlement(state: State, d, s: Settlement, kind: FlowKind, retiring: EventKind | None = None) -> None:
    """Carry out a planned settlement; quota moves are flows of ``kind``. When the body is
    being retired (``retiring``: how), every body it gives something to succeeds it."""
    body = s.body
    for target, t, n in s.quota:
        state.move_quota(body, target, t, n, d, kind, "quota_to", is_cross_level(state, body, target))
    for target, t, n in s.staff:
        state.move_staff(d, body, target, t, n)
    for name, target in s.signboards:
        state.unhang(body, name)
        if target is not None:
            state.hang(d, target, name, "signboards_to")
    for key, target in s.duties:
        state.move_duty(key, body, target)
    for child, target in s.children:
        state.link(d, state.bodies[child], "part_of", target)
    if s.leaders_to is not None:
        state.hand_over(d, body, s.leaders_to)
    if retiring is not None:
        for target in dict.fromkeys([*s.targets(), *([s.leaders_to] if s.leaders_to else [])]):
            state.succeed(body, target, retiring)


def describe(plans: list[Settlement]) -> str:
    """Chinese summary of where settled things went, for event texts."""
    def name(x):
        return "摘除" if x is None else x.label
    parts = []
    for what, items in (("编制", [(t, ty, n) for s in plans for t, ty, n in s.quota]),
                        ("人员", [(t, ty, n) for s in plans for t, ty, n in s.staff])):
        dest: dict[str, dict] = {}
        for t, ty, n in items:
            dest.setdefault(name(t), {}).setdefault(ty, 0)
            dest[name(t)][ty] += n
        parts += [f"{what}({plural_quota(q)})→“{k}”" for k, q in dest.items()]
    for what, unit, attr in (("牌子", "块", "signboards"), ("责任事项", "项", "duties"), ("下属机构", "个", "children")):
        counts: dict[str, int] = {}
        for s in plans:
            for _, t in getattr(s, attr):
                counts[name(t)] = counts.get(name(t), 0) + 1
        parts += [f"{what} {n} {unit}→{k if k == '摘除' else '“' + k + '”'}" for k, n in counts.items()]
    return ";".join(parts)
