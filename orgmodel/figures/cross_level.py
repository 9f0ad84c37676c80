"""Cross-level moves of quota into and out of townships over a period (跨层级调剂下沉), with their
share of the townships' quota: "跨层级调剂事业编制103名,下沉比例占乡镇街道事业编制总数的27%".

Definitions, made once here:

- a **cross-level move** is a flow of quota between two holders (bodies or pools) of which exactly
  one sits in a township (the township itself or a village below it); quota approved by or
  returned to the level above is not a move between holders;
- **下沉** (down) moves go into a township, **上收** (up) moves come out of one;
- the period runs from ``since`` (inclusive; the ledger's start when None) to the day the state
  stands at; every flow of the state is on or before that day;
- ``township_total`` is the approved quota of that type held on that day by the bodies sitting in
  townships (the townships themselves and the villages below them; bodies a county department
  dispatched there apart), and ``share`` the moved amount over it. This is not 下沉比例 (:func:`orgmodel.figures.balance.sinking_ratio`), which is the share of
  the jurisdiction's total that sits in townships.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd

from ..state import State
from .flows import holder_of, in_township

CROSS_LEVEL_COLUMNS = ["quota_type", "direction", "since", "transfers", "amount", "township_total", "share"]
DOWN, UP = "下沉", "上收"


def cross_level_balance(state: State, since: dt.date | None = None) -> pd.DataFrame:
    """Per quota type and direction (下沉, 上收): moves, amount, the townships' approved total of
    that type and the share (see the module docstring)."""
    memo: dict[str, bool] = {}
    township_totals: dict[str, int] = {}
    for b in state.active_bodies():
        if in_township(state, b.division, memo) and not state.is_dispatched(b):
            for t, n in b.approved.items():
                township_totals[t] = township_totals.get(t, 0) + n
    sums: dict[tuple[str, str], list[int]] = {}
    for fl in state.flows:
        if since is not None and fl.date < since:
            continue
        a, b = holder_of(state, fl.src), holder_of(state, fl.dst)
        if a is None or b is None:
            continue
        into, out_of = in_township(state, b.division, memo), in_township(state, a.division, memo)
        if into == out_of:
            continue
        row = sums.setdefault((fl.quota_type, DOWN if into else UP), [0, 0])
        row[0] += 1
        row[1] += fl.amount
    order = {t: i for i, t in enumerate(state.config.quota_types)}
    rows = []
    for (t, direction), (moves, amount) in sorted(sums.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0][1] != DOWN)):
        total = int(township_totals.get(t, 0))
        rows.append((t, direction, since.isoformat() if since else "", moves, amount, total,
                     round(amount / total, 4) if total else None))
    return pd.DataFrame(rows, columns=CROSS_LEVEL_COLUMNS)
