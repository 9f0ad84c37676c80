"""Quota: approval (核定), increase (核增) and cut (核减) by the higher level, transfers
(调剂) between bodies and pools, and turnover-pool loans and their return."""

from __future__ import annotations

from ..core.kinds import FlowKind
from ..core.schema import Field
from ..state import BODY, HOLDER, POOL, Body, Pool, State
from .fields import add_years
from .planning import is_cross_level
from .registry import op


@op("approve", "核定", phase="quota", needs_doc=True, fields={
    "body": Field("ref", True), "type": Field("qtype", True), "amount": Field("count", True),
})
def approve(state: State, d) -> None:
    """Set a holder's approved quota of a type: the difference comes from or goes to the higher level."""
    holder = state.require(d, "body", HOLDER)
    if holder is None:
        return
    t, new = d.fields["type"], d.fields["amount"]
    old = holder.approved.get(t, 0)
    if new >= old:
        state.move_quota(None, holder, t, new - old, d, FlowKind.APPROVE)
    else:
        state.move_quota(holder, None, t, old - new, d, FlowKind.APPROVE)


MAX_TERM_YEARS = 50


def _some(state: State, d, label: str) -> bool:
    """False (with a finding) when the directive moves no quota at all: 0 is a typo, not a change."""
    if d.fields.get("amount") == 0:
        state.error("bad-count", f"数量为 0,这条“{label}”不起作用;请写明名额,或删除本条", d, "amount")
        return False
    return True


@op("increase", "核增", phase="quota", needs_doc=True, fields={
    "to": Field("ref", True), "type": Field("qtype", True), "amount": Field("count", True),
})
def increase(state: State, d) -> None:
    if not _some(state, d, "核增"):
        return
    holder = state.require(d, "to", HOLDER)
    if holder is not None:
        state.move_quota(None, holder, d.fields["type"], d.fields["amount"], d, FlowKind.INCREASE)


@op("cut", "核减", phase="quota", needs_doc=True, fields={
    "from": Field("ref", True), "type": Field("qtype", True), "amount": Field("count", True),
})
def cut(state: State, d) -> None:
    if not _some(state, d, "核减"):
        return
    holder = state.require(d, "from", HOLDER)
    if holder is not None:
        state.move_quota(holder, None, d.fields["type"], d.fields["amount"], d, FlowKind.CUT)


@op("transfer", "调剂", phase="transfers", needs_doc=True, fields={
    "from": Field("ref", True), "to": Field("ref", True),
    "type": Field("qtype", True), "amount": Field("count", True),
    "cross_level": Field("bool"), "due": Field("date"), "term_years": Field("count"), "approved_by": Field("str"),
})
def transfer(state: State, d) -> None:
    """Move quota between holders; from a turnover pool to a body it is a loan with a due date."""
    f = d.fields
    if not _some(state, d, "调剂"):
        return
    if f.get("term_years") is not None and not 1 <= f["term_years"] <= MAX_TERM_YEARS:
        state.error("bad-value", f"借用期限 term_years 为 {f['term_years']} 年;应为 1 到 {MAX_TERM_YEARS} 年", d, "term_years")
        return
    if f.get("due") is not None and f["due"] <= d.date:
        state.error("bad-date", f"归还日期 due({f['due']})不晚于调剂日期({d.date});归还须在借出之后", d, "due")
        return
    src, dst = state.require(d, "from", HOLDER), state.require(d, "to", HOLDER)
    if src is None or dst is None:
        return
    if src is dst:
        state.error("bad-value", f"调出方与调入方相同(“{state.reference(src)}”)", d, "to", src)
        return
    cross = f.get("cross_level", False) or is_cross_level(state, src, dst)
    if isinstance(src, Pool) and src.kind == "turnover" and isinstance(dst, Body):
        due = f.get("due") or add_years(d.date, f.get("term_years", state.config.get("loan_term_years", 3)))
        state.lend(d, src, dst, f["type"], f["amount"], due, cross)
    else:
        state.move_quota(src, dst, f["type"], f["amount"], d, FlowKind.TRANSFER, cross_level=cross)


def owed(state: State, body: Body, pool: Pool, qtype: str) -> int:
    """What ``body`` still owes ``pool`` of ``qtype``."""
    return sum(ln.outstanding for ln in state.open_loans(body, pool, qtype))


@op("return_loan", "归还周转编制", phase="transfers", aliases=("归还",), needs_doc=True, fields={
    "body": Field("ref", True), "pool": Field("ref", True),
    "type": Field("qtype", True), "amount": Field("count"),
})
def return_loan(state: State, d) -> None:
    """Return loaned quota to its turnover pool (all that is owed when no amount is given)."""
    f = d.fields
    body, pool = state.require(d, "body", BODY), state.require(d, "pool", POOL)
    if body is None or pool is None:
        return
    have = owed(state, body, pool, f["type"])
    amount = f.get("amount", have)
    if amount > have:
        state.error("bad-loan-return", f"“{state.reference(body)}”向“{pool.name}”借用的{f['type']}未还只有 {have} 名,不能归还 {amount} 名", d, "amount", body)
        return
    state.repay(d, body, pool, f["type"], amount)
