"""Duty items (责任事项) with their lead and supporting bodies."""

from __future__ import annotations

from ..core.schema import Field
from ..state import BODY, DIVISION, TOWNSHIP, State
from .registry import op


@op("duty", "责任事项", phase="duties", fields={
    "name": Field("str", True), "category": Field("str"),
    "lead": Field("ref", True), "support": Field("refs"),
    "time_limit": Field("str"), "closing_standard": Field("str"), "townships_of": Field("ref"),
})
def duty(state: State, d) -> None:
    """One duty item with its lead and supporting bodies (and its time limit and closing
    standard); with ``townships_of``, the same item in every township of that division, the
    bodies named within each township (a list that applies to every township)."""
    f = d.fields
    extra = (f.get("time_limit"), f.get("closing_standard"))
    if "townships_of" in f:
        _in_every_township(state, d, extra)
        return
    lead = state.require(d, "lead", BODY)
    support = [state.require(d, "support", BODY, ref=r) for r in f.get("support", [])]
    if lead is None or any(s is None for s in support):
        return
    state.add_duty(d, f["name"], f.get("category"), lead, support, *extra)


def _in_every_township(state: State, d, extra: tuple) -> None:
    """The item in each township below ``townships_of``; every township must have the bodies
    named, else nothing is recorded and the townships lacking them are listed."""
    f = d.fields
    top = state.require(d, "townships_of", DIVISION)
    if top is None:
        return
    towns = [state.divisions[c] for c in state.within(top.code) if state.divisions[c].level == TOWNSHIP]
    names = [f["lead"], *f.get("support", [])]
    found, lacking = [], []
    for town in towns:
        bodies = [state.body_named(town.code, n) for n in names]
        if any(b is None or not b.active for b in bodies):
            lacking.append(f"{town.name}(缺{'、'.join(n for n, b in zip(names, bodies) if b is None or not b.active)})")
        else:
            found.append(bodies)
    if not towns:
        state.error("bad-value", f"“{top.name}”下没有乡镇(街道);townships_of 应写县级区划", d, "townships_of", top)
    elif lacking:
        state.error("unknown-body", f"责任事项“{f['name']}”要设在{top.name}的每个乡镇(街道),但 {len(lacking)} 个没有所写机构:"
                    f"{'、'.join(lacking[:10])}{' 等' if len(lacking) > 10 else ''};未登记任何一个", d, "lead", top)
    else:
        for lead, *support in found:
            state.add_duty(d, f["name"], f.get("category"), lead, support, *extra)


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
