"""Hiring within vacancies: 用编进人计划 never exceeds 空编, and no hiring into an
over-quota body (超编进人).

These read ``Body.planned`` ({type: places}) and the sources ``plan:<type>`` and
``hire:<type>`` that the hiring_plan / hire / depart ops fill.
"""

from __future__ import annotations

from ..state import State
from .registry import flag, rule


@rule("plan-over-vacancy", "用编进人计划超空编")
def plan_over_vacancy(state: State, config):
    """A body's hiring plan of a type is no larger than its vacancies (核定 − 实有).
    Bodies already over quota are left to hire-over-quota."""
    for b in state.active_bodies():
        for t, planned in sorted(b.planned.items()):
            approved, actual = b.approved.get(t, 0), b.actual.get(t, 0)
            vacant = max(approved - actual, 0)
            if planned > vacant and actual <= approved:
                yield flag("plan-over-vacancy",
                           f"“{b.name}”{t}用编进人计划 {planned} 名,超过空编 {vacant} 名(核定 {approved}、实有 {actual});"
                           f"计划应不超过 {vacant} 名",
                           b.source_of(f"plan:{t}"), b.name)


@rule("hire-over-quota", "超编进人")
def hire_over_quota(state: State, config):
    """A body over quota in a type has no hiring plan left and did not get there by a hire
    (a hire being the latest change of its actual count of that type)."""
    for b in state.active_bodies():
        for t, actual in sorted(b.actual.items()):
            approved = b.approved.get(t, 0)
            if actual <= approved:
                continue
            planned = b.planned.get(t, 0)
            # A hire counts while it is the latest change of the actual count.
            hired = b.sources.get(f"hire:{t}") is not None and b.sources.get(f"hire:{t}") == b.sources.get(f"actual:{t}")
            if not planned and not hired:
                continue
            what = f"仍有用编进人计划 {planned} 名" if planned else "仍在进人"
            key = f"hire:{t}" if hired else f"plan:{t}"
            yield flag("hire-over-quota",
                       f"“{b.name}”{t}已超编 {actual - approved} 名(核定 {approved}、实有 {actual}),{what};"
                       f"超编单位不得进人,应先消化超编",
                       b.source_of(key), b.name)
