"""Splitting a body (分设): A into B, C, … with named shares.

The shares must account exactly for A's quota and staff; each of A's signboards, duty
items and child bodies must be given to one part or dropped explicitly
(``drop_signboards``/``drop_duties``/``drop_children``). A is retired.
"""

from __future__ import annotations

from dataclasses import replace

from ...core.kinds import EventKind, FlowKind
from ...core.schema import Field
from ...state import BODY, State
from ..planning import NEW_BODY, create_body, defaults_from, names_free, plan_body
from ..registry import op
from .settlement import Settlement, apply_settlement, describe, plan_alloc

PART = {**NEW_BODY, "quota": Field("quota"), "staff": Field("quota"),
        "duties": Field("strs"), "children": Field("refs")}


def check_shares(state: State, d, held: dict, parts: list[dict], key: str, what: str) -> bool:
    """The parts' ``key`` shares add up to ``held`` exactly, type by type."""
    given: dict[str, int] = {}
    for p in parts:
        for t, n in p.get(key, {}).items():
            given[t] = given.get(t, 0) + n
    ok = True
    for t in sorted(set(given) | set(held), key=str):
        have, share = held.get(t, 0), given.get(t, 0)
        if have != share:
            diff = f"少分 {have - share} 名" if share < have else f"多分 {share - have} 名"
            state.error("split-shares", f"分设的{what}份额合计与原机构不符:{t} 原有 {have} 名,分出 {share} 名({diff})", d, "into")
            ok = False
    return ok


def assign(state: State, d, items: dict, parts: list[tuple], key: str, drop: bool, what: str) -> list | None:
    """Pair each of ``items`` ({item: label}) with the part that lists it, or None (dropped).

    A listed item A does not have, an item listed twice, or an item left out without
    ``drop_<key>`` is a finding.
    """
    label_to_item = {label: item for item, label in items.items()}
    owner: dict = {}
    ok = True
    for spec, nb in parts:
        for label in spec.get(key, []):
            if label not in label_to_item:
                state.error("bad-value", f"into.{key}: 原机构没有{what}“{label}”", d, "into", label)
                ok = False
            elif label_to_item[label] in owner:
                state.error("bad-value", f"into.{key}: {what}“{label}”被分给了不止一个新机构", d, "into", label)
                ok = False
            else:
                owner[label_to_item[label]] = nb
    left = [label for item, label in items.items() if item not in owner]
    if ok and left and not drop:
        state.error("unaccounted", f"{what}“{'、'.join(left)}”没有分给任何新机构;请在 into 的 {key} 中写明,或写 drop_{key}: true 明确摘除", d, "into")
        ok = False
    return [(item, owner.get(item)) for item in items] if ok else None


@op("split", "分设", phase="splits", aliases=("拆分",), needs_doc=True,
    creates=lambda f, c: [p["name"] for p in f["into"]], fields={
    "source": Field("ref", True), "into": Field(PART, True),
    "drop_signboards": Field("bool"), "drop_duties": Field("bool"), "drop_children": Field("bool"),
    "approved_by": Field("str"),
})
def split(state: State, d) -> None:
    """Split ``source`` into the bodies listed in ``into``, each with its share."""
    f = d.fields
    a = state.require(d, "source", BODY)
    if a is None:
        return
    specs = f["into"]
    if len(specs) < 2:
        state.error("bad-value", "分设至少要分成两个机构;只改名请用 rename", d, "into")
        return
    defaults = defaults_from(state, [a])
    parts = [(s, plan_body(state, d, "into", s, defaults)) for s in specs]
    if any(nb is None for _, nb in parts):
        return
    ok = check_shares(state, d, a.approved, specs, "quota", "编制")
    ok = check_shares(state, d, a.actual, specs, "staff", "实有人员") and ok
    for div in {nb.body.division for _, nb in parts}:
        names = [n for _, nb in parts if nb.body.division == div for n in [nb.body.name, *nb.signboards]]
        ok = names_free(state, d, "into", div, names, {a.id}) and ok
    boards_of_a = state.signboards(a)
    kids = {c.id: c.name for c in state.children(a)}
    taken = {nb.body.name for _, nb in parts}  # a signboard that becomes a part's name is accounted for
    boards = assign(state, d, {n: n for n in boards_of_a if n not in taken}, parts, "signboards",
                    f.get("drop_signboards", False), "牌子")
    duties = assign(state, d, state.duties_of(a), parts, "duties", f.get("drop_duties", False), "责任事项")
    children = assign(state, d, kids, parts, "children", f.get("drop_children", False), "下属机构")
    if not ok or None in (boards, duties, children):
        return
    quota = plan_alloc(state, d, "into", a.approved, _alloc(parts, "quota"), f"“{a.name}”的")
    staff = plan_alloc(state, d, "into", a.actual, _alloc(parts, "staff"), f"“{a.name}”的实有人员", bodies_only=True)
    if quota is None or staff is None:
        return
    # a moved signboard is hung by the settlement, not when the part is set up
    made_from = [replace(nb, signboards=[n for n in nb.signboards if n not in boards_of_a]) for _, nb in parts]
    boards += [(n, None) for n in boards_of_a if n in taken]
    plan = Settlement(a, quota, staff, [(n, nb and nb.body) for n, nb in boards],
                      [(k, nb and nb.body) for k, nb in duties], [(c, nb and nb.body) for c, nb in children])
    state.retire(d, a)
    state.free_signboard_names(a)  # before the parts claim theirs
    made = [create_body(state, d, nb, "into") for nb in made_from]
    for b in made:
        state.succeed(a, b, EventKind.SPLIT)
    apply_settlement(state, d, plan, FlowKind.SPLIT, EventKind.SPLIT)
    div = state.divisions[a.division]
    names = "、".join(f"“{b.name}”" for b in made)
    detail = describe([plan])
    if any(a.posts.values()) or any(a.leaders.values()):
        detail += (";" if detail else "") + "原领导职数和在任领导由各新机构另行核定、配备"
    state.event(d, EventKind.SPLIT, f"{div.name}“{a.name}”分设为{names}" + (f":{detail}" if detail else ""),
                [a.id, *(b.id for b in made)], sorted({a.division, *(b.division for b in made)}))


def _alloc(parts: list[tuple], key: str) -> list[dict]:
    return [{"to": nb.body, "type": t, "amount": n} for s, nb in parts for t, n in s.get(key, {}).items()]
