"""Balance tables (pandas) as of the replayed date: the one thing every output reads.

For every row: ``vacant = max(approved - actual, 0)`` and ``over = max(actual - approved, 0)``.
Aggregate rows (township, county, total) sum approved and actual, then take vacant
and over of the sums; ``bodies_over`` counts the bodies that are over on their own,
so an over-quota body is never hidden by a neighbour's vacancy.
"""

from __future__ import annotations

import pandas as pd

from .state import COUNTY, TOWNSHIP, State

BODY_COLUMNS = [
    "county_code", "county", "division_code", "division", "division_level", "township_kind",
    "body_id", "body", "signboards", "category", "dispatched", "quota_type",
    "approved", "actual", "vacant", "over",
]


AGG_TAIL = ["approved", "actual", "vacant", "over", "bodies", "bodies_over", "pools", "total"]


def sort_by_type(state: State, df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sort by ``keys`` then by quota type in configured order."""
    order = {t: i for i, t in enumerate(state.config.quota_types)}
    df = df.assign(_t=df["quota_type"].map(order)).sort_values([*keys, "_t"])
    return df.drop(columns="_t").reset_index(drop=True)


def with_gap(df: pd.DataFrame, approved="approved", actual="actual", prefix="") -> pd.DataFrame:
    """Add ``vacant`` and ``over`` columns computed from approved and actual."""
    diff = df[approved] - df[actual]
    df[prefix + "vacant"] = diff.clip(lower=0).astype(int)
    df[prefix + "over"] = (-diff).clip(lower=0).astype(int)
    return df


def division_context(state: State) -> dict[str, tuple]:
    """For each division code: (county code, township code or None)."""
    out = {}
    for code in state.divisions:
        chain = state.ancestors(code)
        county = next((c for c in chain if state.divisions[c].level == COUNTY), code)
        township = code if state.divisions[code].level == TOWNSHIP else None
        out[code] = (county, township)
    return out


def body_balance(state: State) -> pd.DataFrame:
    """One row per active body and quota type that it holds or staffs."""
    ctx = division_context(state)
    divs = state.divisions
    rows = []
    for b in state.active_bodies():
        county, _ = ctx[b.division]
        div = divs[b.division]
        for t in state.config.quota_types:
            ap, ac = b.approved.get(t, 0), b.actual.get(t, 0)
            if ap or ac:
                rows.append((county, divs[county].name, b.division, div.name, div.level, div.kind,
                             b.id, b.name, len(b.signboards), b.category, b.dispatched, t, ap, ac))
    df = pd.DataFrame(rows, columns=BODY_COLUMNS[:-2])
    return with_gap(df.astype({"approved": int, "actual": int, "dispatched": bool}))


def leader_balance(state: State) -> pd.DataFrame:
    """Leader posts per active body and kind (正职/副职): approved, actual, vacant, over."""
    rows = []
    for b in state.active_bodies():
        for k in state.config.leader_kinds:
            ap, ac = b.posts.get(k, 0), b.leaders.get(k, 0)
            if ap or ac:
                rows.append((b.division, state.divisions[b.division].name, b.id, b.name, k, ap, ac))
    df = pd.DataFrame(rows, columns=["division_code", "division", "body_id", "body", "post", "approved", "actual"])
    return with_gap(df.astype({"approved": int, "actual": int}))


def _sum_by(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    if df.empty:
        return pd.DataFrame(columns=[*keys, "approved", "actual", "bodies", "bodies_over"])
    g = df.assign(is_over=df["over"] > 0).groupby(keys, sort=True)
    out = g[["approved", "actual"]].sum()
    out["bodies"] = g["body_id"].nunique()
    out["bodies_over"] = g["is_over"].sum().astype(int)
    return out.reset_index()


def township_balance(state: State, bodies: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per township and type: own bodies, dispatched bodies (``dispatched_*``) and
    off-quota staff and grids (per township, repeated on each type row)."""
    bodies = body_balance(state) if bodies is None else bodies
    towns = bodies[bodies["division_level"] == TOWNSHIP]
    keys = ["division_code", "quota_type"]
    own = _sum_by(towns[~towns["dispatched"]], keys)
    sent = _sum_by(towns[towns["dispatched"]], keys).rename(columns={
        "approved": "dispatched_approved", "actual": "dispatched_actual",
        "bodies": "dispatched_bodies", "bodies_over": "dispatched_bodies_over"})
    df = own.merge(sent, on=keys, how="outer").fillna(0)
    int_cols = [c for c in df.columns if c not in keys]
    df[int_cols] = df[int_cols].astype(int)
    df = with_gap(df)
    df = with_gap(df, "dispatched_approved", "dispatched_actual", "dispatched_")
    info = {
        code: (d.name, d.kind, state.divisions[d.parent].name if d.parent else "", d.population or 0,
               d.households or 0, sum(d.off_quota.values()), d.grids)
        for code, d in state.divisions.items() if d.level == TOWNSHIP
    }
    cols = ["division", "township_kind", "parent", "population", "households", "off_quota_staff", "grids"]
    extra = pd.DataFrame([info[c] for c in df["division_code"]], columns=cols, index=df.index)
    df = pd.concat([df, extra], axis=1)
    df["households_per_grid"] = [round(h / g, 1) if g else None for h, g in zip(df["households"], df["grids"])]
    order = ["division_code", "division", "township_kind", "parent", "quota_type",
             "approved", "actual", "vacant", "over", "bodies", "bodies_over",
             "dispatched_approved", "dispatched_actual", "dispatched_vacant", "dispatched_over",
             "dispatched_bodies", "population", "households", "off_quota_staff", "grids", "households_per_grid"]
    return sort_by_type(state, df[order], ["division_code"])


def township_profile(state: State) -> pd.DataFrame:
    """Per township: kind, population, off-quota staff by kind, grids and households per grid."""
    rows = []
    for code, d in state.divisions.items():
        if d.level != TOWNSHIP:
            continue
        hpg = round(d.households / d.grids, 1) if d.grids and d.households else None
        detail = "、".join(f"{k} {n}" for k, n in d.off_quota.items())
        rows.append((code, d.name, d.kind, d.population, d.households, sum(d.off_quota.values()), detail, d.grids, hpg))
    return pd.DataFrame(rows, columns=["division_code", "division", "township_kind", "population", "households",
                                       "off_quota_staff", "off_quota_detail", "grids", "households_per_grid"])


def pool_balance(state: State) -> pd.DataFrame:
    """Quota held in each active pool, per type."""
    ctx = division_context(state)
    rows = [(p.name, p.kind, p.division, ctx[p.division][0], t, n)
            for p in state.pools.values() for t, n in p.approved.items() if n]
    return pd.DataFrame(rows, columns=["pool", "pool_kind", "division_code", "county_code", "quota_type", "amount"])


def county_balance(state: State, bodies: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per county-level division and type: bodies' balance, pools, and their total."""
    bodies = body_balance(state) if bodies is None else bodies
    df = _sum_by(bodies, ["county_code", "county", "quota_type"])
    pools = pool_balance(state).groupby(["county_code", "quota_type"])["amount"].sum()
    seen = set(zip(df["county_code"], df["quota_type"]))
    pool_only = [(c, state.divisions[c].name, t, 0, 0, 0, 0) for (c, t), n in pools.items() if n and (c, t) not in seen]
    if pool_only:  # a county whose quota of a type sits only in pools still has a row
        df = pd.concat([df, pd.DataFrame(pool_only, columns=df.columns)], ignore_index=True)
    df["pools"] = [int(pools.get((c, t), 0)) for c, t in zip(df["county_code"], df["quota_type"])]
    df = with_gap(df.astype({"approved": int, "actual": int, "bodies": int, "bodies_over": int}))
    df["total"] = df["approved"] + df["pools"]
    df = df.rename(columns={"county": "division", "county_code": "division_code"})
    return sort_by_type(state, df[["division_code", "division", "quota_type", *AGG_TAIL]], ["division_code"])


def total_balance(state: State, bodies: pd.DataFrame | None = None) -> pd.DataFrame:
    """Jurisdiction total per type: bodies' balance plus pools (``total``)."""
    bodies = body_balance(state) if bodies is None else bodies
    df = _sum_by(bodies.assign(scope="total"), ["scope", "quota_type"]).drop(columns="scope")
    pools = pool_balance(state).groupby("quota_type")["amount"].sum()
    types = sorted(set(df["quota_type"]) | set(pools.index), key=list(state.config.quota_types).index)
    df = df.set_index("quota_type").reindex(types, fill_value=0).reset_index()
    df["pools"] = [int(pools.get(t, 0)) for t in df["quota_type"]]
    df = with_gap(df.astype({"approved": int, "actual": int, "bodies": int, "bodies_over": int}))
    df["total"] = df["approved"] + df["pools"]
    roots = [d.name for d in state.divisions.values() if d.parent is None]
    df.insert(0, "division", "、".join(roots) or "全辖区")
    return df[["division", "quota_type", *AGG_TAIL]]


def sinking_ratio(state: State, bodies: pd.DataFrame | None = None) -> pd.DataFrame:
    """下沉比例 per type: township bodies' approved quota over the jurisdiction total."""
    bodies = body_balance(state) if bodies is None else bodies
    totals = total_balance(state, bodies).set_index("quota_type")["total"]
    towns = bodies[bodies["division_level"] == TOWNSHIP]
    own = towns[~towns["dispatched"]].groupby("quota_type")["approved"].sum()
    sent = towns[towns["dispatched"]].groupby("quota_type")["approved"].sum()
    rows = []
    for t, total in totals.items():
        o, s = int(own.get(t, 0)), int(sent.get(t, 0))
        rows.append((t, o, s, int(total), round(o / total, 4) if total else 0.0,
                     round((o + s) / total, 4) if total else 0.0))
    return pd.DataFrame(rows, columns=["quota_type", "township_approved", "dispatched_approved",
                                       "total", "ratio", "ratio_with_dispatched"])


VIEWS = {
    "body": lambda s: body_balance(s),
    "township": lambda s: township_balance(s),
    "county": lambda s: county_balance(s),
    "total": lambda s: total_balance(s),
    "leaders": lambda s: leader_balance(s),
    "sinking": lambda s: sinking_ratio(s),
}


def balance_view(state: State, by: str, quota_type: str | None = None) -> pd.DataFrame:
    """The named balance view, optionally filtered to one quota type."""
    df = VIEWS[by](state)
    if quota_type and "quota_type" in df.columns:
        df = df[df["quota_type"] == quota_type].reset_index(drop=True)
    return df
