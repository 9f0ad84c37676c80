"""Structure rules: coordination bodies, unique names, an acyclic hierarchy, and
abolished bodies that still hold something."""

from __future__ import annotations

from collections import defaultdict

import networkx as nx

from ..core.kinds import Fact
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
                           f"“{state.reference(b)}”是议事协调机构,不应核定编制,却有{t} {n} 名;应核减或划回实体机构、编制池",
                           b.facts.latest((Fact.APPROVED, t), Fact.CATEGORY), b)
        posts = {k: n for k, n in b.posts.items() if n}
        if posts:
            shown = "、".join(f"{k} {n} 名" for k, n in posts.items())
            yield flag("coordination-quota",
                       f"“{state.reference(b)}”是议事协调机构,不应核定领导职数,却有{shown};应取消",
                       b.facts.latest(Fact.POSTS, Fact.CATEGORY), b)


@rule("township-coordination", "乡镇不设议事协调机构")
def township_coordination(state: State, config):
    """Townships (level 乡镇) have no coordination bodies (《地方议事协调机构管理办法(试行)》第四条)."""
    for b in state.active_bodies():
        div = state.divisions[b.division]
        if b.category == COORDINATION and div.level == TOWNSHIP:
            yield flag("township-coordination",
                       f"{div.name}设有议事协调机构“{b.name}”;乡镇(街道)不设议事协调机构"
                       f"(《地方议事协调机构管理办法(试行)》第四条),应撤销或由县级设立",
                       b.facts.latest(Fact.CATEGORY), b)


@rule("coordination-limit", "议事协调机构限额")
def coordination_limit(state: State, config):
    """Each division of a level with a limit in config ``coordination_limits`` (``{县: 20}``) has at
    most that many active coordination bodies sitting in it (在限额内设置议事协调机构). Reported
    once per division, at the last directive that set one up there (or made a body one)."""
    limits = config.get("coordination_limits") or {}
    if not limits:
        return
    found: dict[str, list] = {}
    for b in state.active_bodies():
        if b.category == COORDINATION and state.divisions[b.division].level in limits:
            found.setdefault(b.division, []).append(b)
    for code, bodies in sorted(found.items()):
        div = state.divisions[code]
        cap = limits[div.level]
        if len(bodies) <= cap:
            continue
        latest = max(bodies, key=lambda b: b.facts.latest_mark(Fact.CATEGORY)[0])
        names = "、".join(b.name for b in bodies)
        yield flag("coordination-limit",
                   f"{div.name}设有议事协调机构 {len(bodies)} 个,超过{div.level}级限额 {cap} 个(超出 {len(bodies) - cap} 个):"
                   f"{names};应撤销或合并到 {cap} 个以内",
                   latest.facts.latest(Fact.CATEGORY), latest)


@rule("unique-names", "名称不得重复")
def unique_names(state: State, config):
    """No two active bodies or signboards in one division share a name (re-verifies the state)."""
    seen: dict[tuple[str, str], int] = {}
    for b in state.active_bodies():  # bodies are kept in the order of their ids
        for name in (b.name, *state.signboards(b)):
            key = (b.division, name)
            owner = seen.get(key)
            if owner is None:
                seen[key] = b.id
                continue
            other = state.bodies[owner].name
            what = "同一机构重复使用" if owner == b.id else f"已被“{other}”使用"
            yield flag("unique-names",
                       f"名称“{name}”在{state.divisions[b.division].name}{what};同一区划内机构和牌子名称不得重复,应更名或摘牌",
                       b.facts.latest(Fact.NAME), b)


HIERARCHY = {"part_of": Fact.PARENT, "led_by": Fact.LED_BY}


def _on_cycles(state: State) -> set:
    """The nodes of active bodies that can lie on a cycle of part_of / led_by links: what is
    left after repeatedly dropping every body with no link out or no link in (usually nothing,
    which one walk along the links tells without the peeling)."""
    succ: dict[tuple, list] = defaultdict(list)
    for b, _, target in state.hierarchy_links():
        if target.active:
            succ[b.node].append(target.node)
    if not _has_cycle(succ):
        return set()
    links = {(u, v) for u, vs in succ.items() for v in vs}
    succ, pred = defaultdict(list), defaultdict(list)
    for u, v in links:
        succ[u].append(v)
        pred[v].append(u)
    outs = {n: len(vs) for n, vs in succ.items()}
    ins = {n: len(us) for n, us in pred.items()}
    todo = [n for n in {*succ, *pred} if n not in outs or n not in ins]
    dropped = set(todo)
    while todo:  # dropping a body takes a link away from each of its neighbours
        n = todo.pop()
        for v in succ.get(n, ()):
            ins[v] -= 1
            if not ins[v] and v not in dropped:
                dropped.add(v)
                todo.append(v)
        for u in pred.get(n, ()):
            outs[u] -= 1
            if not outs[u] and u not in dropped:
                dropped.add(u)
                todo.append(u)
    return {*succ, *pred} - dropped


def _has_cycle(succ: dict[tuple, list]) -> bool:
    """Whether following the links of ``succ`` can come back to where it started (a depth-first
    walk without recursion: a chain of links can be as long as a province has bodies)."""
    seen: dict[tuple, bool] = {}  # node -> still on the walk's path
    for start in succ:
        if start in seen:
            continue
        seen[start] = True
        path = [(start, iter(succ[start]))]
        while path:
            node, ahead = path[-1]
            for v in ahead:
                on_path = seen.get(v)
                if on_path:
                    return True
                if on_path is None:
                    seen[v] = True
                    path.append((v, iter(succ.get(v, ()))))
                    break
            else:
                seen[node] = False
                path.pop()
    return False


@rule("acyclic-hierarchy", "隶属关系不得成环")
def acyclic_hierarchy(state: State, config):
    """The part_of (上级机构) and led_by (领导机构) links of active bodies form no cycle.
    The finding points at the link made last in the cycle."""
    nodes = _on_cycles(state)
    if not nodes:
        return
    links = nx.MultiDiGraph()  # the links among those bodies alone: a view of the whole graph would visit every node
    links.add_nodes_from(n for n in state.graph if n in nodes)
    links.add_edges_from((b.node, target.node, kind) for b, kind, target in state.hierarchy_links()
                         if b.node in nodes and target.node in nodes)
    for comp in nx.strongly_connected_components(links):
        (first, *rest) = comp
        if not rest and not links.has_edge(first, first):
            continue
        cycle = nx.find_cycle(links.subgraph(comp))
        bodies = [state.bodies[u[1]] for u, *_ in cycle]
        marks = [(state.bodies[u[1]].facts.latest_mark(HIERARCHY[k]), state.bodies[u[1]]) for u, _, k in cycle]
        (_, source), closer = max(marks, key=lambda m: m[0][0])
        names = [state.reference(b) for b in bodies]
        yield flag("acyclic-hierarchy",
                   f"机构隶属、领导关系成环:{' → '.join([*names, names[0]])};应改正上级机构(parent)或领导机构(led_by)",
                   source, closer)


@rule("abolished-holds", "撤销机构不得留有编制人员")
def abolished_holds(state: State, config):
    """An abolished body holds no quota, staff or signboards, leads or supports no duty
    item, and has no active child body: everything went somewhere named."""
    for b in state.bodies.values():
        if b.active:
            continue
        left = [f"{t} {n} 名" for t, n in b.approved.items() if n]
        left += [f"实有{t} {n} 人" for t, n in b.actual.items() if n]
        left += [f"牌子“{s}”" for s in state.signboards(b)]
        if state.has_duties(b):
            left.append("责任事项")
        left += [f"下属机构“{c.name}”" for c in state.children(b)]
        if left:
            yield flag("abolished-holds",
                       f"“{state.reference(b)}”已于 {b.abolished} 撤销,仍留有{'、'.join(left)};应写明去向(承接机构或编制池)",
                       b.facts.latest(Fact.ABOLISH), b)
