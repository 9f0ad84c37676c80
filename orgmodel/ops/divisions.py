"""Divisions (设立区划) and quota pools (设立编制池)."""

from __future__ import annotations

from ..core.kinds import LEVELS
from ..core.schema import Field, header_of, missing_text
from ..state import DIVISION, State
from .fields import POOL_KINDS, TOWNSHIP_KINDS
from .registry import op


@op("open_division", "设立区划", phase="divisions", creates=lambda f, c: [f["name"], f["code"]], fields={
    "code": Field("str", True), "name": Field("name", True),
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
        state.error("missing-field", f"{missing_text('kind', d)}:乡镇级区划须写明{'、'.join(TOWNSHIP_KINDS)}之一"
                    if header_of(d, "kind") else "乡镇级区划须注明 kind(镇、乡 或 街道)", d, "kind")
        return
    parent = None
    if "parent" in f:
        parent = state.require(d, "parent", DIVISION)
        if parent is None:
            return
        if LEVELS.index(parent.level) >= LEVELS.index(f["level"]):
            state.error("bad-parent", f"“{f['name']}”是{f['level']}级,上级区划“{parent.name}”是{parent.level}级;"
                                      f"上级区划的层级须高于本区划({'、'.join(LEVELS)} 由高到低)", d, "parent")
            return
    state.open_division(d, f["code"], f["name"], f["level"], f.get("kind"), parent,
                        f.get("population"), f.get("households"))


@op("open_pool", "设立编制池", phase="pools", creates=lambda f, c: [f["name"]], fields={
    "name": Field("name", True), "kind": Field("str", True, choices=tuple(POOL_KINDS)),
    "division": Field("ref", True), "purpose": Field("str"),
})
def open_pool(state: State, d) -> None:
    f = d.fields
    div = state.require(d, "division", DIVISION)
    if div is None:
        return
    if f["name"] in state.pools or state.name_in_use(f["name"]):
        what = "编制池" if f["name"] in state.pools else "机构或牌子"
        state.error("duplicate-name", f"名称“{f['name']}”已被{what}使用;编制池须另起名称", d, "name")
        return
    state.open_pool(d, f["name"], POOL_KINDS[f["kind"]], div, f.get("purpose"))
