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
