"""Hiring plans added up by year and level (用编进人计划):
"近三年…用编进人计划161名,占…总计划的80%以上".

Definitions, made once here:

- every ``hiring_plan`` directive issues a plan (:class:`orgmodel.state.records.PlanIssued`); a body's
  standing plan is replaced by the next one, but each plan issued counts in the year it is dated;
- the **level** of a plan is the level of the division its body sits in (县, 乡镇 …);
- the period runs from ``since`` (inclusive; the ledger's start when None) to the day the state
  stands at; the rows are one per year and level, then one per level for the whole period
  (``year`` 合计);
- ``share`` is the places of a row over all places of its year (or of the period), every level
  and quota type together.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..core.kinds import LEVELS
from ..state import State

HIRING_COLUMNS = ["year", "division_level", "plans", "places", "places_detail", "share"]
PERIOD = "合计"


def hiring_plan_balance(state: State, since: dt.date | None = None) -> pd.DataFrame:
    """Plans issued per year and level, and per level over the period (see the module docstring)."""
    sums: dict[tuple[str, str], dict] = {}
    for plan in state.plans:
        if since is not None and plan.date < since:
            continue
        body = state.bodies[plan.body]
        level = state.divisions[body.division].level
        for year in (str(plan.date.year), PERIOD):
            row = sums.setdefault((year, level), {"plans": 0, "places": 0, "types": {}})
            row["plans"] += 1
            row["places"] += plan.amount
            row["types"][plan.quota_type] = row["types"].get(plan.quota_type, 0) + plan.amount
    totals: dict[str, int] = {}
    for (year, _), row in sums.items():
        totals[year] = totals.get(year, 0) + row["places"]
    levels = {lv: i for i, lv in enumerate(LEVELS)}
    types = {t: i for i, t in enumerate(state.config.quota_types)}
    rows = []
    for (year, level), row in sorted(sums.items(), key=lambda kv: (kv[0][0] == PERIOD, kv[0][0], levels.get(kv[0][1], 99))):
        detail = "、".join(f"{t} {n}" for t, n in sorted(row["types"].items(), key=lambda kv: types.get(kv[0], 99)))
        rows.append((year, level, row["plans"], row["places"], detail,
                     round(row["places"] / totals[year], 4) if totals[year] else None))
    return pd.DataFrame(rows, columns=HIRING_COLUMNS)
