"""Forecast of vacancies: as in-post people reach the statutory retirement age, their quota
frees. For each of the next N years after the roster's date, per body and type: who retires
that year and the vacancies at its end, beside the hiring plan already set (用编进人计划), so
an office can set next year's plan against what will be free."""

from __future__ import annotations

import pandas as pd

from ..figures.balance import sort_by_type
from . import idcard, retire
from .audit import Audit

KEYS = ["division_code", "division", "body_id", "body", "quota_type"]


def retirement_year(p) -> int | None:
    """The year ``p`` reaches the statutory retirement age (None when birth or sex is unknown)."""
    number = p.get("id_number") or ""
    valid = not idcard.problems(number)
    birth = p.get("birth") or (idcard.birth_of(number) if valid else None)
    sex = p.get("sex") or (idcard.sex_of(number) if valid else None)
    group = retire.group_of(sex, p.get("post"), p.get("quota_type")) if birth and sex else None
    return retire.retirement_date(birth, group).year if group else None


def forecast(audit: Audit, years: int) -> pd.DataFrame:
    """Per body and type: approved, in post, vacant now, the hiring plan, and for each year
    ``Y`` of the next ``years``: ``retire_Y`` (people reaching retirement age that year) and
    ``vacant_Y`` (vacancies at its end if nobody else enters or leaves)."""
    state, first = audit.state, audit.as_of.year + 1
    span = list(range(first, first + years))
    leaving: dict[tuple[int, str], dict[int, int]] = {}
    for p in audit.snapshot.people:
        body = audit.placed.get(id(p))
        if body is None or not p.in_post:
            continue
        year = retirement_year(p)
        if year is not None:
            year = max(year, first)  # already past the age: frees at the first year
            if year <= span[-1]:
                per = leaving.setdefault((body.id, p.get("quota_type")), {})
                per[year] = per.get(year, 0) + 1
    rows = []
    for r in audit.counts.itertuples(index=False):
        out = [r.division_code, r.division, r.body_id, r.body, r.quota_type, r.approved, r.roster,
               max(r.approved - r.roster, 0), state.bodies[r.body_id].planned.get(r.quota_type, 0)]
        per, gone = leaving.get((r.body_id, r.quota_type), {}), 0
        for y in span:
            gone += per.get(y, 0)
            out += [per.get(y, 0), max(r.approved - (r.roster - gone), 0)]
        rows.append(out)
    columns = [*KEYS, "approved", "roster", "vacant", "planned"]
    for y in span:
        columns += [f"retire_{y}", f"vacant_{y}"]
    return pd.DataFrame(rows, columns=columns)


def by_township(state, df: pd.DataFrame) -> pd.DataFrame:
    """The forecast summed per division and type (the bodies of each division)."""
    measures = [c for c in df.columns if c not in KEYS]
    out = df.groupby(["division_code", "division", "quota_type"], sort=True)[measures].sum().reset_index()
    return sort_by_type(state, out, ["division_code"])
