"""Quota transfers (调剂) between bodies and pools, and turnover-pool loans."""

from __future__ import annotations

from ..schema import Field
from ..state import Body, Loan, Pool, State
from .common import add_years
from .registry import op


def holder_level(state: State, holder) -> str:
    return state.divisions[holder.division].level


def is_cross_level(state: State, src, dst) -> bool:
    """A move between holders whose divisions sit at different levels (县 → 乡镇, say)."""
    return holder_level(state, src) != holder_level(state, dst)


@op("transfer", "调剂", rank=40, needs_doc=True, fields={
    "from": Field("ref", True), "to": Field("ref", True),
    "type": Field("qtype", True), "amount": Field("count", True),
    "cross_level": Field("bool"), "due": Field("date"), "term_years": Field("count"),
})
def transfer(state: State, d) -> None:
    f = d.fields
    src = state.resolve_holder(f["from"], d, "from")
    dst = state.resolve_holder(f["to"], d, "to")
    if src is None or dst is None:
        return
    if src is dst:
        state.error("bad-value", f"调出方与调入方相同(“{src.label}”)", d, "to", src.label)
        return
    cross = f.get("cross_level", False) or is_cross_level(state, src, dst)
    kind = "loan" if isinstance(src, Pool) and src.kind == "turnover" and isinstance(dst, Body) else "transfer"
    if not state.move_quota(src, dst, f["type"], f["amount"], d, kind, cross_level=cross):
        return
    if kind == "loan":
        due = f.get("due") or add_years(d.date, f.get("term_years", state.config.get("loan_term_years", 3)))
        state.loans.append(Loan(len(state.loans) + 1, src.name, dst.id, f["type"], f["amount"], d.date, due, d.doc, d.source))


@op("return_loan", "归还周转编制", aliases=("归还",), rank=40, needs_doc=True, fields={
    "body": Field("ref", True), "pool": Field("ref", True),
    "type": Field("qtype", True), "amount": Field("count"),
})
def return_loan(state: State, d) -> None:
    f = d.fields
    body = state.resolve_body(f["body"], d, "body")
    pool = state.pools.get(f["pool"])
    if pool is None:
        state.error("unknown-pool", f"找不到编制池“{f['pool']}”", d, "pool")
    if body is None or pool is None:
        return
    open_loans = [ln for ln in state.loans if ln.body == body.id and ln.pool == pool.name
                  and ln.quota_type == f["type"] and ln.outstanding]
    owed = sum(ln.outstanding for ln in open_loans)
    amount = f.get("amount", owed)
    if amount > owed:
        state.error("bad-loan-return", f"“{body.name}”向“{pool.name}”借用的{f['type']}未还只有 {owed} 名,不能归还 {amount} 名", d, "amount", body.name)
        return
    if not state.move_quota(body, pool, f["type"], amount, d, "return"):
        return
    for ln in open_loans:
        paid = min(amount, ln.outstanding)
        ln.returned += paid
        amount -= paid
