"""Reshaping a body in place: reclassify (调整机构属性), move a signboard (移牌),
and transfer a function with its quota and people (职责划转, 编随事走、人随编走)."""

from __future__ import annotations

from ..findings import WARNING
from ..schema import Field
from ..state import Body, State
from .basic import add_signboard, drop_signboard, link_body
from .checks import descendants, duties_of, names_free
from .common import CATEGORIES, CLASSES, FUNDINGS, plural_quota
from .registry import op
from .restructure import Settlement, apply_settlement, describe, plan_alloc

NONE = ("无", "none", "空")
ATTR_LABELS = {"category": "机构类别", "class": "公益类别", "rank": "规格", "funding": "经费形式"}
LINK_FIELDS = {"parent": ("part_of", "上级机构"), "led_by": ("led_by", "主管机构"), "dispatched_from": ("dispatched_from", "派出机构")}


def _plan_links(state: State, d, body: Body) -> dict | None:
    """New link targets (a Body, or None to clear) for the link fields given; None on error."""
    out, ok = {}, True
    for fname, (kind, _) in LINK_FIELDS.items():
        if fname not in d.fields:
            continue
        ref = d.fields[fname]
        target = None if ref in NONE else state.resolve_body(ref, d, fname, body.division)
        if ref not in NONE and target is None:
            ok = False
        elif target is not None and target.id == body.id:
            state.error("hierarchy-cycle", f"“{body.name}”不能以自己为{LINK_FIELDS[fname][1]}", d, fname, body.name)
            ok = False
        elif target is not None and kind == "part_of" and target.id in descendants(state, body.id):
            state.error("hierarchy-cycle", f"“{target.name}”是“{body.name}”的下属机构,不能再作为它的上级(会形成循环)", d, fname, body.name)
            ok = False
        else:
            out[kind] = (fname, target)
    return out if ok else None


@op("reclassify", "调整机构属性", aliases=("调整", "机构属性调整"), rank=25, fields={
    "body": Field("ref", True), "category": Field("str", choices=CATEGORIES),
    "class": Field("str", choices=CLASSES + NONE), "rank": Field("str"),
    "funding": Field("str", choices=FUNDINGS), "parent": Field("ref"),
    "led_by": Field("ref"), "dispatched_from": Field("ref"),
})
def reclassify(state: State, d) -> None:
    """Change a body's category, 公益 class, rank, funding and links; graph edges follow."""
    f = d.fields
    body = state.resolve_body(f["body"], d, "body")
    if body is None:
        return
    if not any(k in f for k in (*ATTR_LABELS, *LINK_FIELDS)):
        state.error("missing-field", "调整机构属性须至少写明 category、class、rank、funding、parent、led_by 之一", d)
        return
    links = _plan_links(state, d, body)
    if links is None:
        return
    values = {"category": body.category, "class": body.klass, "rank": body.rank, "funding": body.funding}
    new = {k: (None if f[k] in NONE else f[k]) if k in f else v for k, v in values.items()}
    if new["category"] != "事业单位" and "class" not in f:
        new["class"] = None  # only public institutions have a 公益 class
    changes = [f"{ATTR_LABELS[k]} {values[k] or '无'}→{new[k] or '无'}" for k in values if new[k] != values[k]]
    for kind, (fname, target) in links.items():
        old = getattr(body, fname)
        if (target.id if target else None) != old:
            was = state.bodies[old].name if old else "无"
            changes.append(f"{LINK_FIELDS[fname][1]} {was}→{target.name if target else '无'}")
            link_body(state, body, kind, target)
    if not changes:
        state.error("no-change", f"“{body.name}”的属性没有变化", d, "body", body.name, WARNING)
        return
    body.category, body.klass, body.rank, body.funding = new["category"], new["class"], new["rank"], new["funding"]
    div = state.divisions[body.division]
    state.event(d, "reclassified", f"{div.name}“{body.name}”调整属性:{';'.join(changes)}", [body.id], [div.code])


@op("signboard_move", "移牌", aliases=("移挂", "牌子移挂"), rank=20, fields={
    "name": Field("str", True), "from": Field("ref", True), "to": Field("ref", True),
})
def signboard_move(state: State, d) -> None:
    """Take signboard ``name`` off body ``from`` and hang it on body ``to``."""
    f = d.fields
    src, dst = state.resolve_body(f["from"], d, "from"), state.resolve_body(f["to"], d, "to")
    if src is None or dst is None:
        return
    name = f["name"]
    if name not in src.signboards:
        state.error("unknown-signboard", f"“{src.name}”没有“{name}”牌子;现有牌子:{'、'.join(src.signboards) or '无'}", d, "name", src.name)
        return
    if src.id == dst.id:
        state.error("bad-value", f"移牌的原机构与新机构相同(“{src.name}”)", d, "to", src.name)
        return
    if name == dst.name or not names_free(state, d, "to", dst.division, [name], {src.id}):
        if name == dst.name:
            state.error("duplicate-name", f"“{dst.name}”的名称就是“{name}”,不能再挂同名牌子", d, "to", dst.name)
        return
    drop_signboard(state, src, name)
    add_signboard(state, dst, name, d, "to")
    div = state.divisions[dst.division]
    state.event(d, "signboard_moved", f"“{name}”牌子由“{src.name}”移挂到{div.name}“{dst.name}”",
                [src.id, dst.id], sorted({src.division, dst.division}))


def _plan_duties(state: State, d, src: Body, dst: Body) -> list | None:
    """Duty keys named in ``duties`` that ``src`` leads; a name it does not lead is a finding."""
    led = duties_of(state, src.id, lead_only=True)
    by_name = {name: key for key, name in led.items()}
    out, ok = [], True
    for name in d.fields.get("duties", []):
        if name not in by_name:
            state.error("not-duty-lead", f"“{src.name}”不是责任事项“{name}”的牵头单位,不能划转;其牵头事项:{'、'.join(led.values()) or '无'}", d, "duties", src.name)
            ok = False
        else:
            out.append((by_name[name], dst))
    return out if ok else None


@op("function_transfer", "职责划转", aliases=("划转",), rank=42, needs_doc=True, fields={
    "from": Field("ref", True), "to": Field("ref", True),
    "quota": Field("quota"), "staff": Field("quota"), "duties": Field("strs"),
})
def function_transfer(state: State, d) -> None:
    """Move a function from one body to another with its quota, people and duty items."""
    f = d.fields
    src, dst = state.resolve_body(f["from"], d, "from"), state.resolve_body(f["to"], d, "to")
    if src is None or dst is None:
        return
    if src.id == dst.id:
        state.error("bad-value", f"职责划出与划入机构相同(“{src.name}”)", d, "to", src.name)
        return
    if not any(f.get(k) for k in ("quota", "staff", "duties")):
        state.error("missing-field", "职责划转须写明随转的 quota(编制)、staff(人员)或 duties(责任事项)", d)
        return
    what = f"“{src.name}”的"
    quota = plan_alloc(state, d, "quota", src.approved, _alloc(dst, f.get("quota", {})), what, partial=True)
    staff = plan_alloc(state, d, "staff", src.actual, _alloc(dst, f.get("staff", {})), what + "实有人员",
                       bodies_only=True, partial=True)
    duties = _plan_duties(state, d, src, dst)
    if quota is None or staff is None or duties is None:
        return
    plan = Settlement(src, quota, staff, [], duties, [])
    apply_settlement(state, d, plan, "function")
    _warn_left_over(state, d, src, {t for _, t, _ in quota})
    div = state.divisions[dst.division]
    state.event(d, "function_transferred", f"职责由“{src.name}”划转至{div.name}“{dst.name}”:{describe([plan]) or '无编制人员'}",
                [src.id, dst.id], sorted({src.division, dst.division}))


def _alloc(dst: Body, quota: dict) -> list[dict]:
    return [{"to": dst, "type": t, "amount": n} for t, n in quota.items()]


def _warn_left_over(state: State, d, src: Body, types: set) -> None:
    """人随编走: warn when moving quota of ``types`` leaves the giving body with more people than quota."""
    over = {t: n - src.approved.get(t, 0) for t, n in src.actual.items()
            if t in types and n > src.approved.get(t, 0)}
    if over:
        state.error("people-follow-quota", f"划转后“{src.name}”超编 {plural_quota(over)};人随编走,请用 staff 写明随编划转的人员", d, "staff", src.name, WARNING)
