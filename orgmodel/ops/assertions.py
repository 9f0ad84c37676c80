"""Balance assertions (断言): the ledger states what a figure must be on a date."""

from __future__ import annotations

from ..core.schema import Field
from ..state import HOLDER, Body, State
from .registry import op


@op("assert", "断言", phase="assertions", aliases=("balance",), fields={
    "body": Field("ref", True), "type": Field("qtype", True), "amount": Field("count", True),
    "field": Field("str", choices=("approved", "actual", "核定", "实有")),
})
def assert_balance(state: State, d) -> None:
    holder = state.require(d, "body", HOLDER)
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
                    f"断言“{state.reference(holder)}”{d.date} {t}{label}数为 {want},实为 {have}(相差 {have - want:+d})",
                    d, "amount", holder)
