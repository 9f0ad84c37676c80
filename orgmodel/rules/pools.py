"""Pool loans (编制周转池): a loan has a term; an overdue one is a finding."""

from __future__ import annotations

from ..state import State
from .registry import flag, rule


@rule("overdue-loan", "周转编制逾期未还", "warning")
def overdue_loan(state: State, config):
    """No loan from a turnover pool is still outstanding after its due date (as of the
    state's date). The finding points at the loan, which set its amount and due date."""
    if state.as_of is None:
        return
    for ln in state.loans:
        if ln.outstanding <= 0 or ln.due is None or ln.due >= state.as_of:
            continue
        body = state.bodies.get(ln.body)
        name = state.reference(body) if body else str(ln.body)
        doc = f"(文号 {ln.doc})" if ln.doc else ""
        yield flag("overdue-loan",
                   f"“{name}”于 {ln.date} 从“{ln.pool}”借用{ln.quota_type} {ln.amount} 名{doc},"
                   f"应于 {ln.due} 归还,截至 {state.as_of} 仍有 {ln.outstanding} 名未还;应归还或办理续借",
                   ln.source, body or name)
