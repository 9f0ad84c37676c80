"""Transferring a function (职责划转) with its quota, people and duty items
(编随事走、人随编走)."""

from __future__ import annotations

from ...core.findings import WARNING
from ...core.kinds import EventKind, FlowKind
from ...core.schema import Field
from ...state import BODY, Body, State
from ..fields import plural_quota
from ..registry import op
from .settlement import Settlement, apply_settlement, describe, plan_alloc


def _plan_duties(state: State, d, src: Body, dst: Body) -> list | None:
    """Duty keys named in ``duties`` that ``src`` leads; a name it does not lead is a finding."""
    led = state.duties_of(src, lead_only=True)
    by_name = {name: key for key, name in led.items()}
    out, ok = [], True
    for name in d.fields.get("duties", []):
        if name not in by_name:
            state.error("not-duty-lead", f"“{state.reference(src)}”不是责任事项“{name}”的牵头单位,不能划转;其牵头事项:{'、'.join(led.values()) or '无'}", d, "duties", src)
            ok = False
        else:
            out.append((by_name[name], dst))
    return out if ok else None


@op("function_transfer", "职责划转", phase="functions", aliases=("划转",), needs_doc=True, fields={
    "from": Field("ref", True), "to": Field("ref", True),
    "quota": Field("quota"), "staff": Field("quota"), "duties": Field("strs"), "approved_by": Field("str"),
})
def function_transfer(state: State, d) -> None:
    """Move a function from one body to another with its quota, people and duty items."""
    f = d.fields
    src, dst = state.require(d, "from", BODY), state.require(d, "to", BODY)
    if src is None or dst is None:
        return
    if src.id == dst.id:
        state.error("bad-value", f"职责划出与划入机构相同(“{state.reference(src)}”)", d, "to", src)
        return
    if not any(f.get(k) for k in ("quota", "staff", "duties")):
        state.error("missing-field", "职责划转须写明随转的 quota(编制)、staff(人员)或 duties(责任事项)", d)
        return
    what = f"“{src.name}”的"
    quota = plan_alloc(state, d, "quota", src.approved, _alloc(dst, f.get("quota", {})), what, partial=True)
    staff = plan_alloc(state, d, "staff", src.actual, _alloc(dst, f.get("staff", {})), what + "实有人员",
                       bodies_only=True, partial=True)
    duties = _plan_duties(state, d, src, dst)
    if quota is None or staff is None or duties is None:
        return
    plan = Settlement(src, quota, staff, [], duties, [])
    apply_settlement(state, d, plan, FlowKind.FUNCTION)
    _warn_left_over(state, d, src, {t for _, t, _ in quota})
    div = state.divisions[dst.division]
    state.event(d, EventKind.FUNCTION_TRANSFERRED, f"职责由“{src.name}”划转至{div.name}“{dst.name}”:{describe([plan]) or '无编制人员'}",
                [src.id, dst.id], sorted({src.division, dst.division}))


def _alloc(dst: Body, quota: dict) -> list[dict]:
    return [{"to": dst, "type": t, "amount": n} for t, n in quota.items()]


def _warn_left_over(state: State, d, src: Body, types: set) -> None:
    """人随编走: warn when moving quota of ``types`` leaves the giving body with more people than quota."""
    over = {t: n - src.approved.get(t, 0) for t, n in src.actual.items()
            if t in types and n > src.approved.get(t, 0)}
    if over:
        state.error("people-follow-quota", f"划转后“{state.reference(src)}”超编 {plural_quota(over)};人随编走,请用 staff 写明随编划转的人员", d, "staff", src, WARNING)
