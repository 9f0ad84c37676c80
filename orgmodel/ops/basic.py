"""Opening records, approvals, staff counts, leader posts, off-quota staff, duties, assertions."""

from __future__ import annotations

from ..schema import Field
from ..state import Body, Division, Duty, Pool, State
from .checks import draws_available, names_free
from .common import BODY_ATTRS, LEVELS, POOL_KINDS, QUOTA_SOURCE, TOWNSHIP_KINDS, plural_quota
from .registry import op


@op("open_division", "设立区划", rank=0, fields={
    "code": Field("str", True), "name": Field("str", True),
    "level": Field("str", True, choices=LEVELS), "kind": Field("str", choices=TOWNSHIP_KINDS),
    "parent": Field("ref"), "population": Field("count"), "households": Field("count"),
})
def open_division(state: State, d) -> None:
    f = d.fields
    if f["code"] in state.divisions:
        other = state.divisions[f["code"]]
        state.error("duplicate-division", f"区划代码 {f['code']} 已被“{other.name}”使用;每个区划的代码必须唯一", d, "code")
        return
    if f["level"] == "乡镇" and "kind" not in f:
        state.error("missing-field", "乡镇级区划须注明 kind(镇、乡 或 街道)", d, "kind")
        return
    parent = None
    if "parent" in f:
        parent = state.resolve_division(f["parent"], d, "parent")
        if parent is None:
            return
    state.add_division(Division(
        f["code"], f["name"], f["level"], f.get("kind"), parent.code if parent else None,
        f.get("population"), f.get("households"), d.date, source=d.source,
    ))


@op("open_pool", "设立编制池", rank=5, fields={
    "name": Field("str", True), "kind": Field("str", True, choices=tuple(POOL_KINDS)),
    "division": Field("ref", True), "purpose": Field("str"),
})
def open_pool(state: State, d) -> None:
    f = d.fields
    div = state.resolve_division(f["division"], d, "division")
    if div is None:
        return
    if f["name"] in state.pools or f["name"] in state.by_name:
        what = "编制池" if f["name"] in state.pools else "机构或牌子"
        state.error("duplicate-name", f"名称“{f['name']}”已被{what}使用;编制池须另起名称", d, "name")
        return
    pool = Pool(f["name"], POOL_KINDS[f["kind"]], div.code, f.get("purpose"))
    state.pools[pool.name] = pool
    state.graph.add_node(pool.node, kind="pool")
    state.graph.add_edge(pool.node, div.node, kind="in")


def link_body(state: State, body: Body, kind: str, target: Body | None) -> None:
    """Set one of the parent / led_by / dispatched_from links, keeping graph edges in step."""
    attr = {"part_of": "parent", "led_by": "led_by", "dispatched_from": "dispatched_from"}[kind]
    old = getattr(body, attr)
    if old is not None and state.graph.has_edge(body.node, ("body", old), key=kind):
        state.graph.remove_edge(body.node, ("body", old), key=kind)
    setattr(body, attr, target.id if target else None)
    if target is not None:
        state.graph.add_edge(body.node, target.node, key=kind, kind=kind)


def resolve_links(state: State, d, context: str) -> dict | None:
    """Resolve parent / led_by / dispatched_from refs; None if any is unknown."""
    links, ok = {}, True
    for field, kind in (("parent", "part_of"), ("led_by", "led_by"), ("dispatched_from", "dispatched_from")):
        if field in d.fields:
            target = state.resolve_body(d.fields[field], d, field, context)
            ok = ok and target is not None
            links[kind] = target
    return links if ok else None


@op("establish", "设立", aliases=("组建",), rank=10, fields={
    "name": Field("str", True), "division": Field("ref", True), **BODY_ATTRS,
    "signboards": Field("strs"), "quota_from": Field(QUOTA_SOURCE),
}, needs_doc=lambda f: bool(f.get("quota_from")))
def establish(state: State, d) -> None:
    f = d.fields
    div = state.resolve_division(f["division"], d, "division")
    if div is None:
        return
    if "category" not in f:
        state.error("missing-field", "设立机构须注明 category(机构类别)", d)
        return
    links = resolve_links(state, d, div.code)
    sources = [(state.resolve_holder(s["from"], d, "quota_from"), s) for s in f.get("quota_from", [])]
    if links is None or any(h is None for h, _ in sources):
        return
    if not draws_available(state, d, "quota_from", [(h, s["type"], s["amount"]) for h, s in sources]):
        return
    if not names_free(state, d, "name", div.code, [f["name"], *f.get("signboards", [])]):
        return
    body = Body(state.new_body_id(), f["name"], div.code, f["category"], f.get("class"),
                f.get("rank"), f.get("funding"), established=d.date)
    body.names.append((d.date, body.name))
    body.sources["establish"] = d.source
    if not state.claim_name(div.code, body.name, body.id, d, "name"):
        return
    state.bodies[body.id] = body
    state.graph.add_node(body.node, kind="body")
    state.graph.add_edge(body.node, div.node, key="in", kind="in")
    for kind, target in links.items():
        link_body(state, body, kind, target)
    for name in f.get("signboards", []):
        add_signboard(state, body, name, d, "signboards")
    moved: dict[str, int] = {}
    for holder, s in sources:
        if state.move_quota(holder, body, s["type"], s["amount"], d, "establish", "quota_from"):
            moved[s["type"]] = moved.get(s["type"], 0) + s["amount"]
    extra = f",划入{plural_quota(moved)}" if moved else ""
    state.event(d, "created", f"设立{div.name}“{body.name}”{extra}", [body.id], [div.code])


def add_signboard(state: State, body: Body, name: str, d, field: str) -> bool:
    """Hang signboard ``name`` on ``body``; a clash in the division is a finding."""
    if name in body.signboards or name == body.name:
        state.error("duplicate-name", f"“{body.name}”已有名称或牌子“{name}”", d, field, body.name)
        return False
    if not state.claim_name(body.division, name, body.id, d, field):
        return False
    body.signboards.append(name)
    state.graph.add_node(("signboard", body.id, name), kind="signboard", name=name)
    state.graph.add_edge(body.node, ("signboard", body.id, name), kind="carries")
    return True


def drop_signboard(state: State, body: Body, name: str) -> None:
    body.signboards.remove(name)
    state.release_name(body.division, name, body.id)
    state.former.setdefault(name, []).append(body.id)
    state.graph.remove_node(("signboard", body.id, name))


@op("approve", "核定", rank=30, needs_doc=True, fields={
    "body": Field("ref", True), "type": Field("qtype", True), "amount": Field("count", True),
})
def approve(state: State, d) -> None:
    holder = state.resolve_holder(d.fields["body"], d, "body")
    if holder is None:
        return
    t, new = d.fields["type"], d.fields["amount"]
    old = holder.approved.get(t, 0)
    if new >= old:
        state.move_quota(None, holder, t, new - old, d, "approve")
    else:
        state.move_quota(holder, None, t, old - new, d, "approve")


@op("increase", "核增", rank=30, needs_doc=True, fields={
    "to": Field("ref", True), "type": Field("qtype", True), "amount": Field("count", True),
})
def increase(state: State, d) -> None:
    holder = state.resolve_holder(d.fields["to"], d, "to")
    if holder is not None:
        state.move_quota(None, holder, d.fields["type"], d.fields["amount"], d, "increase")


@op("cut", "核减", rank=30, needs_doc=True, fields={
    "from": Field("ref", True), "type": Field("qtype", True), "amount": Field("count", True),
})
def cut(state: State, d) -> None:
    holder = state.resolve_holder(d.fields["from"], d, "from")
    if holder is not None:
        state.move_quota(holder, None, d.fields["type"], d.fields["amount"], d, "cut")


@op("staff", "实有", rank=60, fields={
    "body": Field("ref", True), "actual": Field("quota"), "leaders": Field("posts"),
})
def staff(state: State, d) -> None:
    body = state.resolve_body(d.fields["body"], d, "body")
    if body is None:
        return
    body.actual.update(d.fields.get("actual", {}))
    body.leaders.update(d.fields.get("leaders", {}))
    for t in d.fields.get("actual", {}):
        body.sources[f"actual:{t}"] = d.source
    if "leaders" in d.fields:
        body.sources["leaders"] = d.source


@op("leader_posts", "职数核定", aliases=("领导职数",), rank=35, needs_doc=True, fields={
    "body": Field("ref", True), "posts": Field("posts", True),
})
def leader_posts(state: State, d) -> None:
    body = state.resolve_body(d.fields["body"], d, "body")
    if body is not None:
        body.posts.update(d.fields["posts"])
        body.sources["posts"] = d.source


@op("off_quota", "编外", rank=65, fields={
    "division": Field("ref", True), "staff": Field("counts"), "grids": Field("count"),
})
def off_quota(state: State, d) -> None:
    div = state.resolve_division(d.fields["division"], d, "division")
    if div is None:
        return
    div.off_quota.update(d.fields.get("staff", {}))
    if "grids" in d.fields:
        div.grids = d.fields["grids"]


@op("duty", "责任事项", rank=70, fields={
    "name": Field("str", True), "category": Field("str"),
    "lead": Field("ref", True), "support": Field("refs"),
})
def duty(state: State, d) -> None:
    lead = state.resolve_body(d.fields["lead"], d, "lead")
    support = [state.resolve_body(r, d, "support") for r in d.fields.get("support", [])]
    if lead is None or any(s is None for s in support):
        return
    key = f"{lead.division}/{d.fields['name']}"
    state.duties[key] = Duty(d.fields["name"], d.fields.get("category"), lead.id, [s.id for s in support], d.source)


@op("assert", "断言", aliases=("balance",), rank=90, fields={
    "body": Field("ref", True), "type": Field("qtype", True), "amount": Field("count", True),
    "field": Field("str", choices=("approved", "actual", "核定", "实有")),
})
def assert_balance(state: State, d) -> None:
    holder = state.resolve_holder(d.fields["body"], d, "body")
    if holder is None:
        return
    which = d.fields.get("field", "approved")
    actual_side = which in ("actual", "实有")
    if actual_side and not isinstance(holder, Body):
        state.error("bad-value", "编制池没有实有人数,只能断言核定数", d, "field")
        return
    book = holder.actual if actual_side else holder.approved
    t, want = d.fields["type"], d.fields["amount"]
    have = book.get(t, 0)
    if have != want:
        label = "实有" if actual_side else "核定"
        state.error("balance-assertion",
                    f"断言“{holder.label}”{d.date} {t}{label}数为 {want},实为 {have}(相差 {have - want:+d})",
                    d, "amount", holder.label)
