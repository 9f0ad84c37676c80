"""Balance tables (pandas) as of the replayed date: the one source of every figure.

:func:`tables_of` gives the :class:`Tables` of a state, each table computed on first
use and once per state. Rules, reports, diffs and exports all read them.

Definitions, each made once here:

- ``vacant = max(approved - actual, 0)`` and ``over = max(actual - approved, 0)``
  (:func:`gap`), for every body and type, and for leader posts;
- aggregate rows (township, county, total) sum approved and actual, then take vacant and
  over of the sums; ``bodies_over`` counts the bodies that are over on their own, so an
  over-quota body is never hidden by a neighbour's vacancy;
- a township's **own** bodies are those sitting in the township itself that are not
  dispatched there by a county department (:func:`is_own`); its dispatched bodies are
  counted apart; of its own bodies, those that count against the township's limit on
  offices and centres are the top-level ones that are neither internal units nor
  coordination bodies (:func:`counts_toward_limits`).
"""

from __future__ import annotations

import weakref
from functools import cached_property

import pandas as pd

from .state import COORDINATION, COUNTY, INTERNAL, TOWNSHIP, Body, State

BODY_COLUMNS = [
    "county_code", "county", "division_code", "division", "division_level", "township_kind",
    "body_id", "body", "signboards", "category", "dispatched", "quota_type",
    "approved", "actual", "vacant", "over",
]
AGG_TAIL = ["approved", "actual", "vacant", "over", "bodies", "bodies_over", "pools", "total"]
VIEWS = ("body", "township", "county", "total", "leaders", "sinking")


# -- definitions ----------------------------------------------------------------------
def gap(approved: int, actual: int) -> tuple[int, int]:
    """``(vacant, over)`` of one figure: 空编 and 超编."""
    return max(approved - actual, 0), max(actual - approved, 0)


def with_gap(df: pd.DataFrame, approved="approved", actual="actual", prefix="") -> pd.DataFrame:
    """Add ``vacant`` and ``over`` columns computed from approved and actual (as :func:`gap`)."""
    diff = df[approved] - df[actual]
    df[prefix + "vacant"] = diff.clip(lower=0).astype(int)
    df[prefix + "over"] = (-diff).clip(lower=0).astype(int)
    return df


def is_own(state: State, body: Body) -> bool:
    """A body of its own division, not dispatched there (a township's own body when the division is one)."""
    return not state.is_dispatched(body)


def counts_toward_limits(state: State, body: Body) -> bool:
    """An own, top-level body that is neither an internal unit nor a coordination body:
    what a township's limit on offices and centres (机构限额) counts."""
    return (is_own(state, body) and state.parent(body) is None
            and body.category not in (INTERNAL, COORDINATION))


def own_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The rows of a body table that belong to townships' own bodies (see :func:`is_own`)."""
    return df[(df["division_level"] == TOWNSHIP) & ~df["dispatched"]]


def dispatched_rows(df: pd.DataFrame) -> pd.DataFrame:
    """The rows of a body table of bodies dispatched into townships."""
    return df[(df["division_level"] == TOWNSHIP) & df["dispatched"]]


def sort_by_type(state: State, df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Sort by ``keys`` then by quota type in configured order."""
    order = {t: i for i, t in enumerate(state.config.quota_types)}
    df = df.assign(_t=df["quota_type"].map(order)).sort_values([*keys, "_t"])
    return df.drop(columns="_t").reset_index(drop=True)


def division_context(state: State) -> dict[str, tuple]:
    """For each division code: (county code, township code or None)."""
    out = {}
    for code in state.divisions:
        chain = state.ancestors(code)
        county = next((c for c in chain if state.divisions[c].level == COUNTY), code)
        township = code if state.divisions[code].level == TOWNSHIP else None
        out[code] = (county, township)
    return out


# -- the tables ------------------------------------------------------------------------
def body_balance(state: State) -> pd.DataFrame:
    """One row per active body and quota type that it holds or staffs."""
    ctx = division_context(state)
    divs = state.divisions
    rows = []
    for b in state.active_bodies():
        county, _ = ctx[b.division]
        div = divs[b.division]
        boards, sent = None, None
        for t in state.config.quota_types:
            ap, ac = b.approved.get(t, 0), b.actual.get(t, 0)
            if ap or ac:
                if boards is None:
                    boards, sent = len(state.signboards(b)), state.is_dispatched(b)
                rows.append((county, divs[county].name, b.division, div.name, div.level, div.kind,
                             b.id, b.name, boards, b.category, sent, t, ap, ac))
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
    keys = ["division_code", "quota_type"]
    own = _sum_by(own_rows(bodies), keys)
    sent = _sum_by(dispatched_rows(bodies), keys).rename(columns={
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


def township_leader_balance(state: State, leaders: pd.DataFrame | None = None) -> pd.DataFrame:
    """Leader posts summed over each township's own bodies, per post kind."""
    df = leader_balance(state) if leaders is None else leaders
    if len(df):
        own = [state.divisions[c].level == TOWNSHIP and is_own(state, state.bodies[i])
               for c, i in zip(df["division_code"], df["body_id"])]
        df = df[own]
    sums = df.groupby(["division_code", "post"])[["approved", "actual"]].sum().reset_index()
    return with_gap(sums)


def pool_balance(state: State) -> pd.DataFrame:
    """Quota held in each active pool, per type."""
    ctx = division_context(state)
    rows = [(p.name, p.kind, p.division, ctx[p.division][0], t, n)
            for p in state.pools.values() for t, n in p.approved.items() if n]
    return pd.DataFrame(rows, columns=["pool", "pool_kind", "division_code", "county_code", "quota_type", "amount"])


def county_balance(state: State, bodies: pd.DataFrame | None = None, pools: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per county-level division and type: bodies' balance, pools, and their total."""
    bodies = body_balance(state) if bodies is None else bodies
    pools = pool_balance(state) if pools is None else pools
    df = _sum_by(bodies, ["county_code", "county", "quota_type"])
    in_pools = pools.groupby(["county_code", "quota_type"])["amount"].sum()
    seen = set(zip(df["county_code"], df["quota_type"]))
    pool_only = [(c, state.divisions[c].name, t, 0, 0, 0, 0) for (c, t), n in in_pools.items() if n and (c, t) not in seen]
    if pool_only:  # a county whose quota of a type sits only in pools still has a row
        df = pd.concat([df, pd.DataFrame(pool_only, columns=df.columns)], ignore_index=True)
    df["pools"] = [int(in_pools.get((c, t), 0)) for c, t in zip(df["county_code"], df["quota_type"])]
    df = with_gap(df.astype({"approved": int, "actual": int, "bodies": int, "bodies_over": int}))
    df["total"] = df["approved"] + df["pools"]
    df = df.rename(columns={"county": "division", "county_code": "division_code"})
    return sort_by_type(state, df[["division_code", "division", "quota_type", *AGG_TAIL]], ["division_code"])


def total_balance(state: State, bodies: pd.DataFrame | None = None, pools: pd.DataFrame | None = None) -> pd.DataFrame:
    """Jurisdiction total per type: bodies' balance plus pools (``total``)."""
    bodies = body_balance(state) if bodies is None else bodies
    pools = pool_balance(state) if pools is None else pools
    df = _sum_by(bodies.assign(scope="total"), ["scope", "quota_type"]).drop(columns="scope")
    in_pools = pools.groupby("quota_type")["amount"].sum()
    types = sorted(set(df["quota_type"]) | set(in_pools.index), key=list(state.config.quota_types).index)
    df = df.set_index("quota_type").reindex(types, fill_value=0).reset_index()
    df["pools"] = [int(in_pools.get(t, 0)) for t in df["quota_type"]]
    df = with_gap(df.astype({"approved": int, "actual": int, "bodies": int, "bodies_over": int}))
    df["total"] = df["approved"] + df["pools"]
    roots = [d.name for d in state.divisions.values() if d.parent is None]
    df.insert(0, "division", "、".join(roots) or "全辖区")
    return df[["division", "quota_type", *AGG_TAIL]]


def sinking_ratio(state: State, bodies: pd.DataFrame | None = None, totals: pd.DataFrame | None = None) -> pd.DataFrame:
    """下沉比例 per type: township bodies' approved quota over the jurisdiction total."""
    bodies = body_balance(state) if bodies is None else bodies
    totals = total_balance(state, bodies) if totals is None else totals
    total = totals.set_index("quota_type")["total"]
    own = own_rows(bodies).groupby("quota_type")["approved"].sum()
    sent = dispatched_rows(bodies).groupby("quota_type")["approved"].sum()
    rows = []
    for t, n in total.items():
        o, s = int(own.get(t, 0)), int(sent.get(t, 0))
        rows.append((t, o, s, int(n), round(o / n, 4) if n else 0.0, round((o + s) / n, 4) if n else 0.0))
    return pd.DataFrame(rows, columns=["quota_type", "township_approved", "dispatched_approved",
                                       "total", "ratio", "ratio_with_dispatched"])


class Tables:
    """Every balance table of one state, each computed on first use and kept.

    Get them with :func:`tables_of`, which keeps one ``Tables`` per state and version."""

    def __init__(self, state: State):
        self._state = weakref.ref(state)  # the state owns its tables, not the other way round
        self.version = state.version

    @property
    def state(self) -> State:
        return self._state()

    @cached_property
    def bodies(self) -> pd.DataFrame:
        return body_balance(self.state)

    @cached_property
    def leaders(self) -> pd.DataFrame:
        return leader_balance(self.state)

    @cached_property
    def township_leaders(self) -> pd.DataFrame:
        return township_leader_balance(self.state, self.leaders)

    @cached_property
    def townships(self) -> pd.DataFrame:
        return township_balance(self.state, self.bodies)

    @cached_property
    def profile(self) -> pd.DataFrame:
        return township_profile(self.state)

    @cached_property
    def pools(self) -> pd.DataFrame:
        return pool_balance(self.state)

    @cached_property
    def county(self) -> pd.DataFrame:
        return county_balance(self.state, self.bodies, self.pools)

    @cached_property
    def totals(self) -> pd.DataFrame:
        return total_balance(self.state, self.bodies, self.pools)

    @cached_property
    def sinking(self) -> pd.DataFrame:
        return sinking_ratio(self.state, self.bodies, self.totals)

    @cached_property
    def _figures(self) -> dict[tuple[int, str], tuple[int, int, int, int]]:
        df = self.bodies
        return {(i, t): (ap, ac, v, o) for i, t, ap, ac, v, o in
                zip(df["body_id"], df["quota_type"], df["approved"], df["actual"], df["vacant"], df["over"])}

    def figure(self, body_id: int, quota_type: str) -> tuple[int, int, int, int]:
        """``(approved, actual, vacant, over)`` of one body and type (zeros when it has none)."""
        return self._figures.get((body_id, quota_type), (0, 0, 0, 0))

    def view(self, by: str, quota_type: str | None = None) -> pd.DataFrame:
        """The table named by ``by`` (one of :data:`VIEWS`), optionally of one quota type only."""
        df = {"body": self.bodies, "township": self.townships, "county": self.county, "total": self.totals,
              "leaders": self.leaders, "sinking": self.sinking}[by]
        if quota_type and "quota_type" in df.columns:
            df = df[df["quota_type"] == quota_type].reset_index(drop=True)
        return df

    def own_establishments(self) -> dict[str, list[Body]]:
        """Per township code: its bodies that count against its limits (:func:`counts_toward_limits`)."""
        out: dict[str, list[Body]] = {}
        state = self.state
        for b in state.active_bodies():
            if state.divisions[b.division].level == TOWNSHIP and counts_toward_limits(state, b):
                out.setdefault(b.division, []).append(b)
        return out


_TABLES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def tables_of(state: State) -> Tables:
    """The tables of ``state`` as it stands: made once, remade only after the state changed."""
    tables = _TABLES.get(state)
    if tables is None or tables.version != state.version:
        tables = _TABLES[state] = Tables(state)
    return tables


def balance_view(state: State, by: str, quota_type: str | None = None) -> pd.DataFrame:
    """The named balance view, optionally filtered to one quota type."""
    return tables_of(state).view(by, quota_type)
