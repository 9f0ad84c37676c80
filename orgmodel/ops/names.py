"""Names and signboards: renaming (更名), hanging (加挂), taking down (摘牌) and moving (移牌) signboards."""

from __future__ import annotations

from ..core.kinds import EventKind
from ..core.schema import Field
from ..state import BODY, State
from .planning import names_free
from .registry import op


@op("rename", "更名", phase="names", creates=lambda f, c: [f["to"]], fields={
    "body": Field("ref", True), "to": Field("name", True), "keep_signboard": Field("bool"),
})
def rename(state: State, d) -> None:
    body = state.require(d, "body", BODY)
    if body is None:
        return
    old, new = body.name, d.fields["to"]
    if new == old:
        state.error("bad-value", f"新名称与原名称相同(“{old}”)", d, "to", old)
        return
    if not state.rename(d, body, new):
        return
    kept = ""
    if d.fields.get("keep_signboard"):
        state.hang(d, body, old, "keep_signboard")
        kept = ",原名保留为牌子"
    div = state.divisions[body.division]
    state.event(d, EventKind.RENAMED, f"{div.name}“{old}”更名为“{new}”{kept}", [body.id], [div.code])


@op("signboard_add", "加挂", phase="names", aliases=("加挂牌子",), fields={
    "body": Field("ref", True), "name": Field("name", True),
})
def signboard_add(state: State, d) -> None:
    body = state.require(d, "body", BODY)
    if body is not None and state.hang(d, body, d.fields["name"], "name"):
        div = state.divisions[body.division]
        state.event(d, EventKind.SIGNBOARD_ADDED, f"{div.name}“{body.name}”加挂“{d.fields['name']}”牌子", [body.id], [div.code])


def _carried(state: State, d, body, name: str) -> bool:
    """True when ``body`` carries signboard ``name``; otherwise a finding listing what it carries."""
    boards = state.signboards(body)
    if name in boards:
        return True
    state.error("unknown-signboard", f"“{state.reference(body)}”没有“{name}”牌子;现有牌子:{'、'.join(boards) or '无'}", d, "name", body)
    return False


@op("signboard_remove", "摘牌", phase="names", aliases=("摘除牌子",), fields={
    "body": Field("ref", True), "name": Field("str", True),
})
def signboard_remove(state: State, d) -> None:
    body = state.require(d, "body", BODY)
    if body is None or not _carried(state, d, body, d.fields["name"]):
        return
    name = d.fields["name"]
    state.unhang(body, name)
    div = state.divisions[body.division]
    state.event(d, EventKind.SIGNBOARD_REMOVED, f"{div.name}“{body.name}”摘除“{name}”牌子", [body.id], [div.code])


@op("signboard_move", "移牌", phase="names", aliases=("移挂", "牌子移挂"), fields={
    "name": Field("str", True), "from": Field("ref", True), "to": Field("ref", True),
})
def signboard_move(state: State, d) -> None:
    """Take signboard ``name`` off body ``from`` and hang it on body ``to``."""
    f = d.fields
    src, dst = state.require(d, "from", BODY), state.require(d, "to", BODY)
    if src is None or dst is None:
        return
    name = f["name"]
    if not _carried(state, d, src, name):
        return
    if src.id == dst.id:
        state.error("bad-value", f"移牌的原机构与新机构相同(“{state.reference(src)}”)", d, "to", src)
        return
    if name == dst.name:
        state.error("duplicate-name", f"“{state.reference(dst)}”的名称就是“{name}”,不能再挂同名牌子", d, "to", dst)
        return
    if not names_free(state, d, "to", dst.division, [name], {src.id}):
        return
    state.unhang(src, name)
    state.hang(d, dst, name, "to")
    div = state.divisions[dst.division]
    state.event(d, EventKind.SIGNBOARD_MOVED, f"“{name}”牌子由“{src.name}”移挂到{div.name}“{dst.name}”",
                [src.id, dst.id], sorted({src.division, dst.division}))
