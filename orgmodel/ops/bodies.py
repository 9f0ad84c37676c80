"""Bodies: setting them up (设立), abolishing them (撤销) and changing their attributes
and links (调整机构属性)."""

from __future__ import annotations

from ..core.findings import WARNING
from ..core.kinds import EventKind, FlowKind
from ..core.schema import Field, header_of, missing_text
from ..state import BODY, DIVISION, HOLDER, Body, State
from .fields import ATTRIBUTES, BODY_ATTRS, CATEGORIES, CLASSES, FUNDINGS, LINKS, NONE, QUOTA_SOURCE, plural_quota
from .planning import draws_available, leads_back, names_free, resolve_links
from .registry import op
from .restructure.settlement import apply_settlement, describe, plan_settlement


@op("establish", "设立", phase="bodies", aliases=("组建",), creates=lambda f, c: [f["name"]], fields={
    "name": Field("name", True), "division": Field("ref", True), **BODY_ATTRS,
    "signboards": Field("names"), "quota_from": Field(QUOTA_SOURCE), "approved_by": Field("str"),
}, needs_doc=lambda f: bool(f.get("quota_from")))
def establish(state: State, d) -> None:
    f = d.fields
    div = state.require(d, "division", DIVISION)
    if div is None:
        return
    if "category" not in f:
        state.error("missing-field", missing_text("category", d)
                    if header_of(d, "category") else "设立机构须注明 category(机构类别)", d, "category")
        return
    links = resolve_links(state, d, div.code)
    sources = [(state.require(d, "quota_from", HOLDER, ref=s["from"]), s) for s in f.get("quota_from", [])]
    if links is None or any(h is None for h, _ in sources):
        return
    if not draws_available(state, d, "quota_from", [(h, s["type"], s["amount"]) for h, s in sources]):
        return
    if not names_free(state, d, "name", div.code, [f["name"], *f.get("signboards", [])]):
        return
    planned = Body(0, f["name"], div.code, f["category"], f.get("class"), f.get("rank"), f.get("funding"))
    body = state.add_body(d, planned, links, f.get("signboards", []), "name", "signboards")
    if body is None:
        return
    moved: dict[str, int] = {}
    for holder, s in sources:
        if state.move_quota(holder, body, s["type"], s["amount"], d, FlowKind.ESTABLISH, "quota_from"):
            moved[s["type"]] = moved.get(s["type"], 0) + s["amount"]
    extra = f",划入{plural_quota(moved)}" if moved else ""
    state.event(d, EventKind.CREATED, f"设立{div.name}“{body.name}”{extra}", [body.id], [div.code])


@op("abolish", "撤销", phase="abolitions", needs_doc=True, fields={
    "body": Field("ref", True), "quota_to": Field("alloc"), "staff_to": Field("alloc"),
    "signboards_to": Field("ref"), "duties_to": Field("ref"), "children_to": Field("ref"), "approved_by": Field("str"),
})
def abolish(state: State, d) -> None:
    """Abolish a body: quota to named holders or 收回, staff to named bodies, the rest named or dropped."""
    body = state.require(d, "body", BODY)
    if body is None:
        return
    plan = plan_settlement(state, d, body)
    if plan is None:
        return
    apply_settlement(state, d, plan, FlowKind.ABOLISH, EventKind.ABOLISHED)
    state.retire(d, body)
    div = state.divisions[body.division]
    detail = describe([plan])
    state.event(d, EventKind.ABOLISHED, f"撤销{div.name}“{body.name}”" + (f":{detail}" if detail else ""),
                [body.id, *{t.id for t in plan.targets()}], [div.code])


def _plan_links(state: State, d, body: Body) -> dict | None:
    """New link targets (a Body, or None to clear) for the link fields given; None on error."""
    out, ok = {}, True
    for fname, link in LINKS.items():
        kind, label = link.key, link.label
        if fname not in d.fields:
            continue
        ref = d.fields[fname]
        target = None if ref in NONE else state.require(d, fname, BODY, body.division)
        if ref not in NONE and target is None:
            ok = False
        elif target is not None and target.id == body.id:
            state.error("hierarchy-cycle", f"“{state.reference(body)}”不能以自己为{label}", d, fname, body)
            ok = False
        elif target is not None and kind == "part_of" and target.id in state.below(body):
            state.error("hierarchy-cycle", f"“{state.reference(target)}”是“{state.reference(body)}”的下属机构,不能再作为它的上级(会形成循环)", d, fname, body)
            ok = False
        elif target is not None and kind != "part_of" and leads_back(state, target, body, kind):
            state.error("hierarchy-cycle", f"“{state.reference(target)}”的{label}一路向上会回到“{state.reference(body)}”;"
                                           f"以它为{label}会形成循环", d, fname, body)
            ok = False
        else:
            out[kind] = (fname, target)
    return out if ok else None


@op("reclassify", "调整机构属性", phase="attributes", aliases=("调整", "机构属性调整"), fields={
    "body": Field("ref", True), "category": Field("str", choices=CATEGORIES),
    "class": Field("str", choices=CLASSES + NONE), "rank": Field("rank"),
    "funding": Field("str", choices=FUNDINGS), **{name: Field("ref") for name in LINKS},
})
def reclassify(state: State, d) -> None:
    """Change a body's category, 公益 class, rank, funding and links."""
    f = d.fields
    body = state.require(d, "body", BODY)
    if body is None:
        return
    if not any(k in f for k in (*ATTRIBUTES, *LINKS)):
        state.error("missing-field", "调整机构属性须至少写明 category、class、rank、funding、parent、led_by 之一", d)
        return
    links = _plan_links(state, d, body)
    if links is None:
        return
    values = {k: getattr(body, spec.key) for k, spec in ATTRIBUTES.items()}
    new = {k: (None if f[k] in NONE else f[k]) if k in f else v for k, v in values.items()}
    if new["category"] != "事业单位" and "class" not in f:
        new["class"] = None  # only public institutions have a 公益 class
    changes = [f"{ATTRIBUTES[k].label} {values[k] or '无'}→{new[k] or '无'}" for k in values if new[k] != values[k]]
    relinks = []
    for kind, (fname, target) in links.items():
        old = state.linked(body, kind)
        if target is not old:
            changes.append(f"{LINKS[fname].label} {old.name if old else '无'}→{target.name if target else '无'}")
            relinks.append((kind, target))
    if not changes:
        state.error("no-change", f"“{state.reference(body)}”的属性没有变化", d, "body", body, WARNING)
        return
    for kind, target in relinks:
        state.link(d, body, kind, target)
    state.set_attributes(d, body, **{spec.key: new[k] for k, spec in ATTRIBUTES.items()})
    div = state.divisions[body.division]
    state.event(d, EventKind.RECLASSIFIED, f"{div.name}“{body.name}”调整属性:{';'.join(changes)}", [body.id], [div.code])


@op("relation", "领导关系", phase="attributes", aliases=("管理关系",), fields={
    "body": Field("ref", True), "relation": Field("str", True), "to": Field("str", True),
})
def relation(state: State, d) -> None:
    """A leading relation beside the body's 主管 (``led_by``): 直属 (directly under 市委, which need
    not be a body of the ledger), 归口 (managed through 市委政法委) …; a body of the ledger named
    in ``to`` is written so that it cannot be mistaken; ``to: 无`` ends the relation."""
    body = state.require(d, "body", BODY)
    if body is None:
        return
    whom = d.fields["to"]
    if whom in NONE:
        state.relate(d, body, d.fields["relation"], None)
        return
    other, _ = state.find_body(whom)
    state.relate(d, body, d.fields["relation"], state.reference(other) if other is not None else whom)
