"""People: actual staff (实有), hiring plans (用编进人计划), hires (进人), departures
(减员, with 人走编收) and off-quota staff and grids (编外).

These record (hiring plans and hires leave an event, so simulations and pages show
them); whether a plan or a hire fits the vacancies is for the rule checks.
"""

from __future__ import annotations

from ..core.kinds import EventKind
from ..core.schema import Field, named
from ..figures.balance import gap
from ..state import BODY, DIVISION, POOL, Body, State
from .quota import owed
from .registry import op


def _where(state: State, body: Body) -> str:
    return f"{state.divisions[body.division].name}“{body.name}”"


@op("staff", "实有", phase="staff", fields={
    "body": Field("ref", True), "actual": Field("quota"), "leaders": Field("posts"),
})
def staff(state: State, d) -> None:
    body = state.require(d, "body", BODY)
    if body is not None:
        state.set_staff(d, body, d.fields.get("actual", {}), d.fields.get("leaders"))


@op("hiring_plan", "用编进人计划", phase="plans", aliases=("进人计划",), fields={
    "body": Field("ref", True), "type": Field("qtype", True), "amount": Field("count", True),
})
def hiring_plan(state: State, d) -> None:
    """Set the body's hiring plan for one quota type (replacing any earlier plan); the
    ``hiring_plan`` event names the body, type, amount and the vacancies at that date."""
    body = state.require(d, "body", BODY)
    if body is None:
        return
    t, n = d.fields["type"], d.fields["amount"]
    state.set_plan(d, body, t, n)
    vacant, _ = gap(body.approved.get(t, 0), body.actual.get(t, 0))
    state.event(d, EventKind.HIRING_PLAN, f"{_where(state, body)}下达用编进人计划:{t} {n} 名(现有空编 {vacant} 名)",
                [body.id], [body.division])


@op("hire", "进人", phase="hires", aliases=("招录", "招聘"), fields={
    "body": Field("ref", True), "type": Field("qtype", True), "count": Field("count", True),
})
def hire(state: State, d) -> None:
    """Add ``count`` people of a type; they use up the hiring plan as far as it goes.
    The ``hired`` event gives the count and actual staff before and after."""
    body = state.require(d, "body", BODY)
    if body is None:
        return
    t, n = d.fields["type"], d.fields["count"]
    had = body.actual.get(t, 0)
    state.hire(d, body, t, n)
    state.event(d, EventKind.HIRED, f"{_where(state, body)}进人:{t} {n} 名(实有 {had} → {had + n} 名)",
                [body.id], [body.division])


def _loan_return(state: State, d, body: Body, t: str, n: int) -> tuple | None:
    """``(pool, amount)``: how much of ``body``'s loaned quota of type ``t`` goes back to
    ``return_to_pool`` when ``n`` people leave (人走编收), at most what is owed. None with a
    finding when the pool is unknown, nothing is owed, or the body no longer holds the quota."""
    pool = state.require(d, "return_to_pool", POOL)
    if pool is None:
        return None
    have = owed(state, body, pool, t)
    if not have:
        state.error("bad-loan-return", f"“{state.reference(body)}”没有向“{pool.name}”借用未还的{t},不能人走编收", d, "return_to_pool", body)
        return None
    amount = min(n, have)
    if amount > body.approved.get(t, 0):
        state.error("insufficient-quota", f"“{state.reference(body)}”只有{t} {body.approved.get(t, 0)} 名,不能归还 {amount} 名", d, "return_to_pool", body)
        return None
    return pool, amount


@op("depart", "减员", phase="departures", aliases=("离岗", "人员减少"),
    needs_doc=lambda f: bool(f.get("return_to_pool")), fields={
        "body": Field("ref", True), "type": Field("qtype", True), "count": Field("count", True),
        "return_to_pool": Field("ref"),
    })
def depart(state: State, d) -> None:
    """Remove ``count`` people of a type; with ``return_to_pool`` their loaned quota goes back."""
    body = state.require(d, "body", BODY)
    if body is None:
        return
    t, n = d.fields["type"], d.fields["count"]
    have = body.actual.get(t, 0)
    if n > have:
        state.error("negative-staff", f"“{state.reference(body)}”{t}实有只有 {have} 人,不能减员 {n} 人", d, "count", body)
        return
    repay = None
    if "return_to_pool" in d.fields:
        repay = _loan_return(state, d, body, t, n)
        if repay is None:
            return
    state.depart(d, body, t, n)
    if repay and repay[1]:
        state.repay(d, body, repay[0], t, repay[1], "return_to_pool")


@op("off_quota", "编外", phase="off_quota", fields={
    "division": Field("ref", True), "staff": Field("counts"), "of_whom": Field("subcounts"), "grids": Field("count"),
    "grid_kinds": Field("counts"),
})
def off_quota(state: State, d) -> None:
    """Record a division's off-quota staff by kind, of whom (``of_whom: {网格员: {党员: 8800}}``), and its
    grids: a number, or by kind (``grid_kinds: {基础网格: 1792, 专属网格: 244}``, the grids being their sum)."""
    div = state.require(d, "division", DIVISION)
    if div is None:
        return
    staff, of_whom = d.fields.get("staff", {}), d.fields.get("of_whom", {})
    ok = True
    for kind, subs in of_whom.items():
        whole = staff.get(kind, div.off_quota.get(kind))
        if whole is None:
            state.error("bad-value", f"{named('of_whom', d)}中的“{kind}”不是已登记的编外人员类别;请先在{named('staff', d)}中写明{kind}人数",
                        d, "of_whom", div)
            ok = False
        for sub, n in subs.items():
            if whole is not None and n > whole:
                state.error("bad-value", f"{kind}共 {whole} 人,其中{sub} {n} 人多于总数", d, "of_whom", div)
                ok = False
    kinds, grids = d.fields.get("grid_kinds"), d.fields.get("grids")
    if kinds and grids is not None:
        whole = sum({**div.grid_kinds, **kinds}.values())
        if grids != whole:
            state.error("bad-value", f"{named('grids', d)} {grids} 个与各类网格合计 {whole} 个不符;写明各类网格时可不写网格数",
                        d, "grids", div)
            ok = False
    if ok:
        state.set_off_quota(d, div, staff, grids, of_whom, kinds)


@op("counts", "统计数", aliases=("计数",), phase="off_quota", fields={
    "division": Field("ref"), "body": Field("ref"), "counts": Field("counts", True),
})
def counts(state: State, d) -> None:
    """Named counts that are not people, on a division or a body (网格党支部 6900, 教学现场 110)."""
    holder = _division_or_body(state, d, "统计数")
    if holder is not None:
        state.set_counts(d, holder, d.fields["counts"])


def _division_or_body(state: State, d, what: str):
    """The division or the body a directive of ``what`` is recorded on (it names exactly one of
    them), or None with the finding said."""
    f = d.fields
    if ("division" in f) == ("body" in f):
        state.error("missing-field", f"{what}须写明 division(区划)或 body(机构)二者之一", d)
        return None
    return state.require(d, "division", DIVISION) if "division" in f else state.require(d, "body", BODY)


@op("secondment", "挂职", phase="hires", aliases=("借调", "抽调", "双向挂职"), fields={
    "from": Field("ref", True), "to": Field("ref", True), "type": Field("qtype", True), "count": Field("count", True),
    "until": Field("date"),
})
def secondment(state: State, d) -> None:
    """People go to work at another body for a while (挂职, 借调, 抽调骨干力量) and stay in their own
    body's staff and quota; ``until`` ends it. No more can go than the body has of that type, less
    those already seconded on that day."""
    f = d.fields
    src = state.require(d, "from", BODY)
    dst = state.require(d, "to", BODY)
    if src is None or dst is None:
        return
    t, n, until = f["type"], f["count"], f.get("until")
    if until is not None and until < d.date:
        state.error("bad-date", f"挂职结束日期 {until} 早于开始日期 {d.date}", d, "until", src)
        return
    free = src.actual.get(t, 0) - state.seconded_out(src, t, d.date)
    if n > free:
        state.error("negative-staff", f"“{state.reference(src)}”{t}实有 {src.actual.get(t, 0)} 人,其中已挂职在外 "
                    f"{src.actual.get(t, 0) - free} 人,不能再派出 {n} 人", d, "count", src)
        return
    state.second(d, src, dst, t, n, until)


@op("measure", "指标", phase="off_quota", aliases=("计量指标",), fields={
    "division": Field("ref"), "body": Field("ref"), "name": Field("str", True), "value": Field("number", True),
    "unit": Field("str", True),
})
def measure(state: State, d) -> None:
    """A measure with its unit on a division or a body (补贴 400 元/人·月, 办结率 99.4 %, 奖励资金
    300 万元): shown where it was recorded, never added up the division tree."""
    f = d.fields
    holder = _division_or_body(state, d, "指标")
    if holder is not None:
        state.set_measure(d, holder, f["name"], f["value"], f["unit"])


@op("positions", "设岗", aliases=("岗位",), phase="posts", fields={
    "body": Field("ref", True), "positions": Field("counts", True),
})
def positions(state: State, d) -> None:
    """Posts (岗位) inside a body, by name and count (信用工作岗位: 1); 0 removes a post."""
    body = state.require(d, "body", BODY)
    if body is not None:
        state.set_positions(d, body, d.fields["positions"])
