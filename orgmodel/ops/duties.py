"""Duty items (责任事项) with their lead and supporting bodies."""

from __future__ import annotations

from ..core.schema import Field
from ..state import BODY, State
from .registry import op


@op("duty", "责任事项", phase="duties", fields={
    "name": Field("str", True), "category": Field("str"),
    "lead": Field("ref", True), "support": Field("refs"),
})
def duty(state: State, d) -> None:
    lead = state.require(d, "lead", BODY)
    support = [state.require(d, "support", BODY, ref=r) for r in d.fields.get("support", [])]
    if lead is None or any(s is None for s in support):
        return
    state.add_duty(d, d.fields["name"], d.fields.get("category"), lead, support)


@op("drop_duty", "取消事项", phase="duties", needs_doc=True, aliases=("取消责任事项", "取消工作任务"), fields={
    "body": Field("ref", True), "duties": Field("strs", True),
})
def drop_duty(state: State, d) -> None:
    """The body stays and no longer has the named duty items: an item it leads ends, and from an
    item it supports it is taken off. Every name is checked before anything changes."""
    body = state.require(d, "body", BODY)
    if body is None:
        return
    held = state.duties_of(body)
    by_name = {name: key for key, name in held.items()}
    missing = [name for name in d.fields["duties"] if name not in by_name]
    if missing:
        state.error("unknown-duty", f"“{state.reference(body)}”没有责任事项“{'”“'.join(missing)}”,不能取消;"
                    f"其牵头或配合的事项:{'、'.join(held.values()) or '无'}", d, "duties", body)
        return
    for name in dict.fromkeys(d.fields["duties"]):
        state.move_duty(by_name[name], body, None)
