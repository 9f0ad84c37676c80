"""Structure rules: coordination bodies, unique names, an acyclic hierarchy, and
abolished bodies that still hold something."""

from __future__ import annotations

import networkx as nx

from ..state import COORDINATION, TOWNSHIP, State
from .registry import flag, rule


@rule("coordination-quota", "议事协调机构不核定编制和领导职数")
def coordination_quota(state: State, config):
    """A coordination body (议事协调机构) holds no quota and no leader posts.

    Signboards need no check: a signboard is only a name carried by a body and has no
    quota book of its own, so it cannot hold quota by construction."""
    for b in state.active_bodies():
        if b.category != COORDINATION:
            continue
        for t, n in sorted(b.approved.items()):
            if n:
                yield flag("coordination-quota",
                           f"“{b.name}”是议事协调机构,不应核定编制,却有{t} {n} 名;应核减或划回实体机构、编制池",
                           b.source_of(f"approved:{t}"), b.name)
        posts = {k: n for k, n in b.posts.items() if n}
        if posts:
            shown = "、".join(f"{k} {n} 名" for k, n in posts.items())
            yield flag("coordination-quota",
                       f"“{b.name}”是议事协调机构,不应核定领导职数,却有{shown};应取消",
                       b.source_of("posts"), b.name)


@rule("township-coordination", "乡镇不设议事协调机构")
def township_coordination(state: State, config):
    """Townships (level 乡镇) have no coordination bodies (《地方议事协调机构管理办法(试行)》第四条)."""
    for b in state.active_bodies():
        div = state.divisions[b.division]
        if b.category == COORDINATION and div.level == TOWNSHIP:
            yield flag("township-coordination",
                       f"{div.name}设有议事协调机构“{b.name}”;乡镇(街道)不设议事协调机构"
                       f"(《地方议事协调机构管理办法(试行)》第四条),应撤销或由县级设立",
                       b.source_of("establish"), b.name)


@rule("unique-names", "名称不得重复")
def unique_names(state: State, config):
    """No two active bodies or signboards in one division share a name (re-verifies the state)."""
    seen: dict[tuple[str, str], int] = {}
    for b in sorted(state.active_bodies(), key=lambda x: x.id):
        for name in (b.name, *b.signboards):
            key = (b.division, name)
            owner = seen.get(key)
            if owner is None:
                seen[key] = b.id
                continue
            other = state.bodies[owner].name
            what = "同一机构重复使用" if owner == b.id else f"已被“{other}”使用"
            yield flag("unique-names",
                       f"名称“{name}”在{state.divisions[b.division].name}{what};同一区划内机构和牌子名称不得重复,应更名或摘牌",
                       b.source_of("establish"), b.name)


@rule("acyclic-hierarchy", "隶属关系不得成环")
def acyclic_hierarchy(state: State, config):
    """The part_of (上级机构) and led_by (领导机构) links of active bodies form no cycle."""
    g = nx.DiGraph()
    for b in state.active_bodies():
        for kind, target in (("parent", b.parent), ("led_by", b.led_by)):
            if target is not None:
                g.add_edge(b.id, target, kind=kind)
    for comp in nx.strongly_connected_components(g):
        if len(comp) == 1:
            (only,) = comp
            if not g.has_edge(only, only):
                continue
        cycle = nx.find_cycle(g.subgraph(comp))
        names = [state.bodies[u].name for u, _ in cycle]
        last = max(comp)
        kind = next(g.edges[u, v]["kind"] for u, v in cycle if u == last)
        yield flag("acyclic-hierarchy",
                   f"机构隶属、领导关系成环:{' → '.join([*names, names[0]])};应改正上级机构(parent)或领导机构(led_by)",
                   state.bodies[last].source_of(kind), state.bodies[last].name)


@rule("abolished-holds", "撤销机构不得留有编制人员")
def abolished_holds(state: State, config):
    """An abolished body holds no quota, staff or signboards, leads or supports no duty
    item, and has no active child body: everything went somewhere named."""
    duty_ids = set()
    for duty in state.duties.values():
        duty_ids.add(duty.lead)
        duty_ids.update(duty.support)
    children: dict[int, list[str]] = {}
    for b in state.active_bodies():
        if b.parent is not None and not state.bodies[b.parent].active:
            children.setdefault(b.parent, []).append(b.name)
    ended = _abolition_sources(state)
    for b in state.bodies.values():
        if b.active:
            continue
        left = [f"{t} {n} 名" for t, n in b.approved.items() if n]
        left += [f"实有{t} {n} 人" for t, n in b.actual.items() if n]
        left += [f"牌子“{s}”" for s in b.signboards]
        if b.id in duty_ids:
            left.append("责任事项")
        left += [f"下属机构“{c}”" for c in children.get(b.id, [])]
        if left:
            yield flag("abolished-holds",
                       f"“{b.name}”已于 {b.abolished} 撤销,仍留有{'、'.join(left)};应写明去向(承接机构或编制池)",
                       ended.get(b.id) or b.source_of("abolish"), b.name)


def _abolition_sources(state: State) -> dict[int, object]:
    """For each abolished body: the source of the last event on its abolition day."""
    out = {}
    for ev in state.events:
        for bid in ev.bodies:
            b = state.bodies.get(bid)
            if b is not None and not b.active and ev.date == b.abolished:
                out[bid] = ev.source
    return out
