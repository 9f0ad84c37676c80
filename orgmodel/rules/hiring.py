"""Hiring within vacancies: 用编进人计划 never exceeds 空编, and no hiring into an
over-quota body (超编进人). Vacancies come from the balance tables."""

from __future__ import annotations

from ..core.kinds import Fact
from ..figures.balance import tables_of
from ..state import State
from .registry import QUOTA_PHASES, flag, refused_note, rule


@rule("plan-over-vacancy", "用编进人计划超空编")
def plan_over_vacancy(state: State, config):
    """A body's hiring plan of a type is no larger than its vacancies (核定 − 实有).
    Bodies already over quota are left to hire-over-quota."""
    tables = tables_of(state)
    for b in state.active_bodies():
        for t, planned in sorted(b.planned.items()):
            approved, actual, vacant, over = tables.figure(b.id, t)
            if planned > vacant and not over:
                yield flag("plan-over-vacancy",
                           f"“{state.reference(b)}”{t}用编进人计划 {planned} 名,超过空编 {vacant} 名(核定 {approved}、实有 {actual});"
                           f"计划应不超过 {vacant} 名{refused_note(state, b, QUOTA_PHASES, t)}",
                           b.facts.latest((Fact.PLAN, t), (Fact.APPROVED, t), (Fact.ACTUAL, t)), b)


@rule("hire-over-quota", "超编进人")
def hire_over_quota(state: State, config):
    """A body over quota in a type has no hiring plan left and did not get there by a hire
    (a hire being the latest change of its actual count of that type)."""
    df = tables_of(state).bodies
    over = df[df["over"] > 0]
    for i, t, approved, actual in zip(over["body_id"], over["quota_type"], over["approved"], over["actual"]):
        b = state.bodies[i]
        planned = b.planned.get(t, 0)
        hire = b.facts.mark(Fact.HIRE, t)
        hired = hire is not None and hire == b.facts.mark(Fact.ACTUAL, t)
        if not planned and not hired:
            continue
        what = f"仍有用编进人计划 {planned} 名" if planned else "仍在进人"
        source = (b.facts.latest((Fact.HIRE, t), (Fact.APPROVED, t)) if hired
                  else b.facts.latest((Fact.PLAN, t), (Fact.APPROVED, t), (Fact.ACTUAL, t)))
        yield flag("hire-over-quota",
                   f"“{state.reference(b)}”{t}已超编 {actual - approved} 名(核定 {approved}、实有 {actual}),{what};"
                   f"超编单位不得进人,应先消化超编{refused_note(state, b, QUOTA_PHASES, t)}",
                   source, b)
