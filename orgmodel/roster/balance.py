"""Balance tables whose 实有 comes from the roster: per body and type, the in-post people of the
roster replace the ledger's recorded 实有, vacancies and excess follow from them, and every
view shows the ledger's figure beside it (``ledger_actual``) with the difference."""

from __future__ import annotations

from functools import cached_property

import pandas as pd

from ..figures.balance import Tables, body_balance, sort_by_type, tables_of, with_gap
from ..state import State

KEYS = {"body": ["body_id", "quota_type"], "township": ["division_code", "quota_type"],
        "county": ["division_code", "quota_type"], "total": ["quota_type"]}


class RosterTables(Tables):
    """:class:`~orgmodel.balance.Tables` with the roster's counts as 实有."""

    def __init__(self, state: State, roster: dict[tuple[int, str], int]):
        super().__init__(state)
        self.roster = roster

    @cached_property
    def bodies(self) -> pd.DataFrame:
        df = body_balance(self.state)
        have = set(zip(df["body_id"], df["quota_type"]))
        extra = []
        for (body_id, t), n in self.roster.items():  # a type the roster has and the ledger does not
            if n and (body_id, t) not in have:
                row = df[df["body_id"] == body_id].iloc[0].copy()
                row["quota_type"], row["approved"], row["actual"] = t, 0, 0
                extra.append(row)
        if extra:
            df = pd.concat([df, pd.DataFrame(extra)], ignore_index=True)
            df = df[~(df["quota_type"].isna() & df["body_id"].isin({r["body_id"] for r in extra}))]
            df = sort_by_type(self.state, df.reset_index(drop=True), ["county_code", "division_code", "body_id"])
        df = df.astype({"approved": int})
        df["actual"] = [self.roster.get((i, t), 0) if t is not None else 0 for i, t in zip(df["body_id"], df["quota_type"])]
        return with_gap(df.astype({"actual": int}))

    @cached_property
    def townships(self) -> pd.DataFrame:
        return self._beside(super().townships, "township")

    @cached_property
    def county(self) -> pd.DataFrame:
        return self._beside(super().county, "county")

    @cached_property
    def totals(self) -> pd.DataFrame:
        return self._beside(super().totals, "total")

    def view(self, by: str, quota_type: str | None = None, since=None) -> pd.DataFrame:
        df = super().view(by, quota_type, since)
        return self._beside(df, by) if by == "body" else df

    def _beside(self, df: pd.DataFrame, by: str) -> pd.DataFrame:
        """``df`` with the ledger's 实有 (``ledger_actual``) and the difference after 实有."""
        keys = KEYS[by]
        base = tables_of(self.state)
        ledger = {"body": base.bodies, "township": base.townships, "county": base.county, "total": base.totals}[by]
        ledger = ledger[[*keys, "actual"]].rename(columns={"actual": "ledger_actual"})
        out = df.merge(ledger, on=keys, how="left")
        out["ledger_actual"] = out["ledger_actual"].fillna(0).astype(int)
        out["difference"] = out["actual"] - out["ledger_actual"]
        at = list(out.columns).index("actual") + 1
        ordered = [*list(out.columns)[:at], "ledger_actual", "difference"]
        return out[ordered + [c for c in out.columns if c not in ordered]]
