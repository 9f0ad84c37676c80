"""Renames and signboards (加挂 / 摘牌)."""

from __future__ import annotations

from ..schema import Field
from ..state import State
from .basic import add_signboard, drop_signboard
from .registry import op


@op("rename", "更名", rank=20, fields={
    "body": Field("ref", True), "to": Field("str", True), "keep_signboard": Field("bool"),
})
def rename(state: State, d) -> None:
    body = state.resolve_body(d.fields["body"], d, "body")
    if body is None:
        return
    old, new = body.name, d.fields["to"]
    if new == old:
        state.error("bad-value", f"新名称与原名称相同(“{old}”)", d, "to", old)
        return
    if new in body.signboards:  # promoting a signboard to the name frees it first
        drop_signboard(state, body, new)
    if not state.claim_name(body.division, new, body.id, d, "to"):
        return
    state.release_name(body.division, old, body.id)
    state.former.setdefault(old, []).append(body.id)
    body.name = new
    body.names.append((d.date, new))
    kept = ""
    if d.fields.get("keep_signboard"):
        add_signboard(state, body, old, d, "keep_signboard")
        kept = ",原名保留为牌子"
    div = state.divisions[body.division]
    state.event(d, "renamed", f"{div.name}“{old}”更名为“{new}”{kept}", [body.id], [div.code])


@op("signboard_add", "加挂", aliases=("加挂牌子",), rank=20, fields={
    "body": Field("ref", True), "name": Field("str", True),
})
def signboard_add(state: State, d) -> None:
    body = state.resolve_body(d.fields["body"], d, "body")
    if body is not None and add_signboard(state, body, d.fields["name"], d, "name"):
        div = state.divisions[body.division]
        state.event(d, "signboard_added", f"{div.name}“{body.name}”加挂“{d.fields['name']}”牌子", [body.id], [div.code])


@op("signboard_remove", "摘牌", aliases=("摘除牌子",), rank=20, fields={
    "body": Field("ref", True), "name": Field("str", True),
})
def signboard_remove(state: State, d) -> None:
    body = state.resolve_body(d.fields["body"], d, "body")
    if body is None:
        return
    name = d.fields["name"]
    if name not in body.signboards:
        state.error("unknown-signboard", f"“{body.name}”没有“{name}”牌子;现有牌子:{'、'.join(body.signboards) or '无'}", d, "name", body.name)
        return
    drop_signboard(state, body, name)
    div = state.divisions[body.division]
    state.event(d, "signboard_removed", f"{div.name}“{body.name}”摘除“{name}”牌子", [body.id], [div.code])
