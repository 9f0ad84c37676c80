"""Hiring plans (用编进人计划), hires (进人) and departures (减员, with 人走编收).

These ops record (each leaves an event, so simulations and pages show it); whether a
plan or a hire fits the vacancies is for the rule checks.
"""

from __future__ import annotations

from ..schema import Field
from ..state import Body, State
from .registry import op


@op("hiring_plan", "用编进人计划", aliases=("进人计划",), rank=61, fields={
    "body": Field("ref", True), "type": Field("qtype", True), "amount": Field("count", True),
})
def hiring_plan(state: State, d) -> None:
    """Set the body's hiring plan for one quota type (replacing any earlier plan); the
    ``hiring_plan`` event names the body, type, amount and the vacancies at that date."""
    body = state.resolve_body(d.fields["body"], d, "body")
    if body is None:
        return
    t, n = d.fields["type"], d.fields["amount"]
    body.planned[t] = n
    body.sources[f"plan:{t}"] = d.source
    vacant = max(body.approved.get(t, 0) - body.actual.get(t, 0), 0)
    state.event(d, "hiring_plan", f"{_where(state, body)}下达用编进人计划:{t} {n} 名(现有空编 {vacant} 名)",
                [body.id], [body.division])


def _where(state: State, body: Body) -> str:
    return f"{state.divisions[body.division].name}“{body.name}”"


@op("hire", "进人", aliases=("招录", "招聘"), rank=63, fields={
    "body": Field("ref", True), "type": Field("qtype", True), "count": Field("count", True),
})
def hire(state: State, d) -> None:
    """Add ``count`` people of a type; they use up the hiring plan as far as it goes.
    The ``hired`` event gives the count and actual staff before and after."""
    body = state.resolve_body(d.fields["body"], d, "body")
    if body is None:
        return
    t, n = d.fields["type"], d.fields["count"]
    had = body.actual.get(t, 0)
    body.actual[t] = had + n
    state.event(d, "hired", f"{_where(state, body)}进人:{t} {n} 名(实有 {had} → {had + n} 名)",
                [body.id], [body.division])
    used = min(n, body.planned.get(t, 0))
    if t in body.planned:
        body.planned[t] -= used
    body.sources[f"actual:{t}"] = d.source
    body.sources[f"hire:{t}"] = d.source


def plan_loan_return(state: State, d, body: Body, pool_name: str, t: str, n: int) -> list | None:
    """Which open loans of ``body`` from ``pool_name`` take back ``n`` of type ``t`` (人走编收).

    Returns ``[(loan, amount)]`` (at most what is owed), or None with a finding when the
    pool is unknown, nothing is owed, or the body no longer holds the quota.
    """
    pool = state.pools.get(pool_name)
    if pool is None:
        state.error("unknown-pool", f"找不到编制池“{pool_name}”", d, "return_to_pool")
        return None
    loans = [ln for ln in state.loans if ln.body == body.id and ln.pool == pool.name
             and ln.quota_type == t and ln.outstanding]
    if not loans:
        state.error("bad-loan-return", f"“{body.name}”没有向“{pool.name}”借用未还的{t},不能人走编收", d, "return_to_pool", body.name)
        return None
    left, out = n, []
    for ln in loans:
        paid = min(left, ln.outstanding)
        if paid:
            out.append((ln, paid))
            left -= paid
    amount = n - left
    if amount > body.approved.get(t, 0):
        state.error("insufficient-quota", f"“{body.name}”只有{t} {body.approved.get(t, 0)} 名,不能归还 {amount} 名", d, "return_to_pool", body.name)
        return None
    return out


@op("depart", "减员", aliases=("离岗", "人员减少"), rank=64,
    needs_doc=lambda f: bool(f.get("return_to_pool")), fields={
        "body": Field("ref", True), "type": Field("qtype", True), "count": Field("count", True),
        "return_to_pool": Field("ref"),
    })
def depart(state: State, d) -> None:
    """Remove ``count`` people of a type; with ``return_to_pool`` their loaned quota goes back."""
    body = state.resolve_body(d.fields["body"], d, "body")
    if body is None:
        return
    t, n = d.fields["type"], d.fields["count"]
    have = body.actual.get(t, 0)
    if n > have:
        state.error("negative-staff", f"“{body.name}”{t}实有只有 {have} 人,不能减员 {n} 人", d, "count", body.name)
        return
    repay = []
    if "return_to_pool" in d.fields:
        repay = plan_loan_return(state, d, body, d.fields["return_to_pool"], t, n)
        if repay is None:
            return
    body.actual[t] = have - n
    body.sources[f"actual:{t}"] = d.source
    amount = sum(paid for _, paid in repay)
    if amount:
        state.move_quota(body, state.pools[d.fields["return_to_pool"]], t, amount, d, "return", "return_to_pool")
    for ln, paid in repay:
        ln.returned += paid
