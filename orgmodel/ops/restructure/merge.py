"""Merging bodies (合并 / 整合): A, B, … into an existing or a new body C.

C receives quota, staff, leaders in post, signboards, duty items and child bodies
unless ``quota_to``/``staff_to``/``signboards_to``/``duties_to``/``children_to`` route
them elsewhere; ``keep_names`` keeps the old names as C's signboards. The sources are
retired. The whole merge is planned before anything changes.
"""

from __future__ import annotations

from dataclasses import dataclass

from ...core.kinds import EventKind, FlowKind
from ...core.schema import Field
from ...state import BODY, Body, State
from ..planning import NEW_BODY, NewBody, create_body, defaults_from, names_free, plan_body
from ..registry import op
from .settlement import DROP, apply_settlement, describe, plan_settlements


@dataclass(frozen=True)
class MergePlan:
    sources: list[Body]
    target: Body | None
    new: NewBody | None
    plans: list
    kept: list[str]


def resolve_sources(state: State, d, fname: str) -> list[Body] | None:
    """Resolve a list of distinct body references; None with findings on any problem."""
    bodies = [state.require(d, fname, BODY, ref=r) for r in d.fields[fname]]
    if any(b is None for b in bodies):
        return None
    if len({b.id for b in bodies}) < len(bodies):
        state.error("bad-value", f"{fname} 中同一机构出现了不止一次", d, fname)
        return None
    return bodies


def plan_merge(state: State, d, sources: list[Body], target: Body | None, new: NewBody | None,
               keep_names: bool) -> MergePlan | None:
    """Check names and plan the settlement of every source into ``target`` (or the new body)."""
    receiver = target or new.body
    ids = {b.id for b in sources}
    kept = [b.name for b in sources if keep_names and b.name != receiver.name]
    # every name the merge claims, per division, checked together so that two of them cannot clash
    claims = {receiver.division: [(n, "keep_names") for n in kept]}
    if new is not None:
        claims[receiver.division] = [(n, "new") for n in [new.body.name, *new.signboards]] + claims[receiver.division]
    boards = [n for b in sources for n in state.signboards(b)]
    routed = d.fields.get("signboards_to")
    if routed is None:
        claims[receiver.division] += [(n, "sources") for n in boards]
    elif routed not in DROP:
        holder = state.require(d, "signboards_to", BODY)
        if holder is None:
            return None
        claims.setdefault(holder.division, []).extend((n, "signboards_to") for n in boards)
    if not all([names_free(state, d, "sources", div, names, ids) for div, names in claims.items()]):
        return None
    plans = plan_settlements(state, d, sources, default=receiver)
    if plans is None:
        return None
    return MergePlan(sources, target, new, [s.with_leaders_to(receiver) for s in plans], kept)


def apply_merge(state: State, d, plan: MergePlan) -> Body:
    """Carry out a merge plan; returns the receiving body."""
    for b in plan.sources:
        state.retire(d, b)
        state.free_signboard_names(b)  # the new body may take one of them (the settlement takes them down)
    receiver = plan.target or create_body(state, d, plan.new, "new")
    for s in plan.plans:
        apply_settlement(state, d, s, FlowKind.MERGE, EventKind.MERGED)
    ids = {b.id for b in plan.sources}
    parent = state.parent(receiver)
    if parent is not None and parent.id in ids:  # a source was C's parent: C moves up to that parent's place
        state.link(d, receiver, "part_of", state.parent(parent))
    for name in plan.kept:
        state.hang(d, receiver, name, "keep_names")
    return receiver


def merge_event(state: State, d, plan: MergePlan, receiver: Body) -> None:
    div = state.divisions[receiver.division]
    olds = "、".join(f"“{b.name}”" for b in plan.sources)
    how = "新设" if plan.new is not None else "并入"
    kept = f",原名“{'、'.join(plan.kept)}”保留为牌子" if plan.kept else ""
    detail = describe(plan.plans)
    if any(any(b.posts.values()) for b in plan.sources):
        detail += (";" if detail else "") + "原领导职数随撤并核销,由职数核定重新核定"
    text = f"{div.name}{olds}{how}“{receiver.name}”{kept}" + (f":{detail}" if detail else "")
    divisions = sorted({b.division for b in plan.sources} | {receiver.division})
    state.event(d, EventKind.MERGED, text, [*(b.id for b in plan.sources), receiver.id], divisions)


@op("merge", "合并", phase="merges", aliases=("整合",), needs_doc=True,
    creates=lambda f, c: [n["name"] for n in f.get("new", [])], fields={
    "sources": Field("refs", True), "into": Field("ref"), "new": Field(NEW_BODY),
    "keep_names": Field("bool"), "quota_to": Field("alloc"), "staff_to": Field("alloc"),
    "signboards_to": Field("ref"), "duties_to": Field("ref"), "children_to": Field("ref"), "approved_by": Field("str"),
})
def merge(state: State, d) -> None:
    """Merge ``sources`` into ``into`` (an existing body) or a ``new`` one."""
    f = d.fields
    if ("into" in f) == ("new" in f):
        state.error("missing-field", "合并须写明 into(并入的现有机构)或 new(新设机构)二者之一", d, "into" if "into" in f else None)
        return
    sources = resolve_sources(state, d, "sources")
    if sources is None:
        return
    target, new = None, None
    if "into" in f:
        target = state.require(d, "into", BODY)
        if target is None:
            return
        if target.id in {b.id for b in sources}:
            state.error("bad-value", f"“{state.reference(target)}”既是被合并机构又是并入机构", d, "into", target)
            return
    else:
        if len(f["new"]) != 1:
            state.error("bad-value", "new 只能描述一个新设机构", d, "new")
            return
        new = plan_body(state, d, "new", f["new"][0], defaults_from(state, sources))
        if new is None:
            return
    plan = plan_merge(state, d, sources, target, new, f.get("keep_names", False))
    if plan is None:
        return
    receiver = apply_merge(state, d, plan)
    merge_event(state, d, plan, receiver)
