"""Balance tables (pandas) as of the replayed date: the one source of every figure.

:func:`tables_of` gives the :class:`Tables` of a state, each table computed on first
use and once per state. Rules, reports, diffs and exports all read them.

Definitions, each made once here:

- ``vacant = max(approved - actual, 0)`` and ``over = max(actual - approved, 0)``
  (:func:`gap`), for every body and type, and for leader posts;
- aggregate rows (township, county, total) sum each body's approved, actual, vacant and
  over: quota does not pool across bodies, so one body's vacancy never hides another's
  excess, and ``approved − actual = vacant − over`` holds at every level; ``bodies_over``
  counts the bodies that are over;
- every active body has a row in the body table, one per quota type it holds or staffs,
  or one row without a type (``quota_type`` empty) when it has none;
- measures (指标: money per month, rates) are shown where they were recorded, never added up;
- off-quota staff, grids (by kind when recorded so) and named counts are recorded on any
  division (named counts on bodies too) and roll up through the division tree: a row shows the division's own
  figures and those of every division below it (:func:`off_quota_balance`);
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

from ..state import COORDINATION, COUNTY, DISPATCHED, INTERNAL, TOWNSHIP, Body, State
from .cross_level import cross_level_balance
from .hiring import hiring_plan_balance
from .standards import standard_balance

BODY_COLUMNS = [
    "county_code", "county", "division_code", "division", "division_level", "township_kind",
    "body_id", "body", "signboards", "signboard_names", "category", "class", "rank", "funding", "led_by", "relations",
    "dispatched", "positions", "counts_detail", "quota_type", "approved", "actual", "vacant", "over",
]
MEASURES = ["approved", "actual", "vacant", "over"]
OFF_QUOTA_TAIL = ["off_quota_staff", "grids"]
AGG_TAIL = [*MEASURES, "bodies", "bodies_over", "pools", "total", *OFF_QUOTA_TAIL]
VIEWS = ("body", "township", "county", "total", "leaders", "sinking", "off_quota", "standard", "cross_level", "hiring", "ranks", "measures", "earmarks", "secondments")
PERIOD_VIEWS = ("cross_level", "hiring")  # views over a period: they take a start date


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
def _counted(counts: dict[str, int]) -> str:
    """``信用工作岗位 1、网格 12`` for a table cell (empty when there is nothing)."""
    return "、".join(f"{k} {n}" for k, n in counts.items() if n)


def body_balance(state: State) -> pd.DataFrame:
    """One row per active body and quota type that it holds or staffs, and one row without a
    type for a body that holds and staffs none: every active body appears."""
    ctx = division_context(state)
    divs, bodies = state.divisions, state.bodies
    places = {code: (ctx[code][0], divs[ctx[code][0]].name, code, d.name, d.level, d.kind) for code, d in divs.items()}
    quota_types = state.config.quota_types
    ties = state.ties
    leaders: dict[int, str] = {}  # a county's leading body leads hundreds: named once

    def leader_named(leader: int) -> str:
        name = leaders.get(leader)
        if name is None:
            name = leaders[leader] = state.reference(bodies[leader])
        return name

    rows = []
    append = rows.append
    for b in state.active_bodies():
        _, leader, dispatcher, boards = ties(b)
        positions, counts = b.positions, b.counts
        head = (*places[b.division], b.id, b.name,
                len(boards), "、".join(boards) if boards else "", b.category, b.klass, b.rank, b.funding,
                leader_named(leader) if leader is not None else None,
                ";".join(f"{k} {v}" for k, v in b.relations.items()) if b.relations else "",
                b.category == DISPATCHED or dispatcher is not None,
                _counted(positions) if positions else "", _counted(counts) if counts else "")
        approved, actual = b.approved, b.actual
        empty = True
        for t in quota_types:
            ap, ac = approved.get(t, 0), actual.get(t, 0)
            if ap or ac:
                append((*head, t, ap, ac))
                empty = False
        if empty:
            append((*head, None, 0, 0))
    df = pd.DataFrame(rows, columns=BODY_COLUMNS[:-2])
    return with_gap(df.astype({"approved": int, "actual": int, "dispatched": bool}))


def post_rank(state: State, body: Body, kind: str) -> str | None:
    """The rank of a body's leader posts of ``kind``: the rank its approval named (增设副科级职数),
    else the body's own rank for the head (the first leader kind) and the rank below it for the
    others (a 正科 body's deputies are 副科); None when neither is known."""
    named = body.post_ranks.get(kind)
    if named is not None or not body.rank:
        return named
    kinds, order = state.config.leader_kinds, list(state.config.get("rank_order") or [])
    if not kinds or kind == kinds[0]:
        return body.rank
    at = order.index(body.rank) if body.rank in order else -1
    return order[at - 1] if at > 0 else None


def leader_balance(state: State) -> pd.DataFrame:
    """Leader posts per active body and kind (正职/副职): their rank (:func:`post_rank`),
    approved, actual, vacant, over."""
    rows = []
    kinds, divs = state.config.leader_kinds, state.divisions
    for b in state.active_bodies():
        posts, leaders = b.posts, b.leaders
        if not posts and not leaders:  # most bodies of a province: nothing to look up
            continue
        for k in kinds:
            ap, ac = posts.get(k, 0), leaders.get(k, 0)
            if ap or ac:
                rows.append((b.division, divs[b.division].name, b.id, b.name, k, post_rank(state, b, k), ap, ac))
    df = pd.DataFrame(rows, columns=["division_code", "division", "body_id", "body", "post", "post_rank", "approved",
                                     "actual"])
    return with_gap(df.astype({"approved": int, "actual": int}))


def leader_rank_balance(state: State, leaders: pd.DataFrame | None = None) -> pd.DataFrame:
    """Leader posts summed by the level of the division their body sits in and by rank
    (副科级职数 of the townships …): approved, actual, vacant and over summed body by body; posts
    of no known rank are summed under an empty rank."""
    df = leader_balance(state) if leaders is None else leaders
    levels = {code: d.level for code, d in state.divisions.items()}
    df = df.assign(division_level=df["division_code"].map(levels), post_rank=df["post_rank"].fillna(""))
    out = df.groupby(["division_level", "post_rank"])[MEASURES].sum().reset_index()
    order = {lv: i for i, lv in enumerate(("省", "市", "县", "乡镇", "村"))}
    ranks = {r: i for i, r in enumerate(reversed(list(state.config.get("rank_order") or [])))}
    out = out.assign(_l=out["division_level"].map(order), _r=out["post_rank"].map(ranks).fillna(99))
    return out.sort_values(["_l", "_r"]).drop(columns=["_l", "_r"]).reset_index(drop=True)


def _sum_by(df: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """Per ``keys``: the bodies' approved, actual, vacant and over summed, the number of bodies
    and of bodies over. Rows without a quota type (bodies holding none) are left out."""
    df = df[df["quota_type"].notna()] if "quota_type" in df.columns else df
    if df.empty:
        return pd.DataFrame(columns=[*keys, *MEASURES, "bodies", "bodies_over"])
    g = df.assign(is_over=df["over"] > 0).groupby(keys, sort=True)
    out = g[MEASURES].sum()
    out["bodies"] = g["body_id"].nunique()
    out["bodies_over"] = g["is_over"].sum().astype(int)
    return out.reset_index()


def township_balance(state: State, bodies: pd.DataFrame | None = None,
                     off_quota: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per township and type: own bodies, dispatched bodies (``dispatched_*``) and off-quota
    staff and grids (the township's and its villages', repeated on each type row). A township
    whose bodies hold no quota has one row without a type, so that it is never missing."""
    bodies = body_balance(state) if bodies is None else bodies
    off = (off_quota_balance(state) if off_quota is None else off_quota).set_index("division_code")
    keys = ["division_code", "quota_type"]
    own = _sum_by(own_rows(bodies), keys)
    sent = _sum_by(dispatched_rows(bodies), keys).rename(columns={
        "approved": "dispatched_approved", "actual": "dispatched_actual", "vacant": "dispatched_vacant",
        "over": "dispatched_over", "bodies": "dispatched_bodies", "bodies_over": "dispatched_bodies_over"})
    df = own.merge(sent, on=keys, how="outer")
    towns = [code for code, d in state.divisions.items() if d.level == TOWNSHIP]
    bare = sorted(set(towns) - set(df["division_code"]))
    if bare:  # townships whose bodies hold no quota
        df = pd.concat([df, pd.DataFrame({"division_code": bare, "quota_type": None})], ignore_index=True)
    int_cols = [c for c in df.columns if c not in keys]
    df[int_cols] = df[int_cols].fillna(0).astype(int)
    info = {
        code: (d.name, d.kind, state.divisions[d.parent].name if d.parent else "", d.population or 0,
               d.households or 0, int(off.at[code, "off_quota_staff"]), int(off.at[code, "grids"]))
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


def _add(into: dict, more: dict) -> None:
    for k, n in more.items():
        into[k] = into.get(k, 0) + n


def off_quota_detail(staff: dict[str, int], of_whom: dict[str, dict[str, int]]) -> str:
    """``网格员 14000(其中党员 8800)、城镇公益岗 461``."""
    parts = []
    for kind, n in staff.items():
        subs = "、".join(f"{s} {m}" for s, m in of_whom.get(kind, {}).items())
        parts.append(f"{kind} {n}" + (f"(其中{subs})" if subs else ""))
    return "、".join(parts)


OFF_QUOTA_COLUMNS = ["division_code", "division", "division_level", "parent", "population", "households",
                     "own_off_quota_staff", "own_off_quota_detail", "off_quota_staff", "off_quota_detail",
                     "own_grids", "grids", "households_per_grid", "own_counts_detail", "counts_detail", "grids_detail",
                     "measures_detail"]


def off_quota_balance(state: State) -> pd.DataFrame:
    """Per division: off-quota staff (of whom …), grids and named counts, its own and rolled up
    with every division below it (a division's named counts include its bodies'). Population
    and households are the division's own figures, or the sum of those below when it has none."""
    divs = state.divisions
    rolled = {code: {"staff": dict(d.off_quota), "of_whom": {k: dict(v) for k, v in d.of_whom.items()},
                     "grids": d.grids, "grid_kinds": dict(d.grid_kinds), "counts": dict(d.counts),
                     "population": 0, "households": 0}
              for code, d in divs.items()}
    for b in state.active_bodies():
        _add(rolled[b.division]["counts"], b.counts)
    own_counts = {code: dict(r["counts"]) for code, r in rolled.items()}  # the division's and its own bodies'
    for code in reversed(list(divs)):  # divisions open after their parents: children come first backwards
        d, r = divs[code], rolled[code]
        r["population"] = d.population or r["population"]
        r["households"] = d.households or r["households"]
        up = rolled.get(d.parent) if d.parent else None
        if up is not None:
            _add(up["staff"], r["staff"])
            for kind, subs in r["of_whom"].items():
                _add(up["of_whom"].setdefault(kind, {}), subs)
            _add(up["counts"], r["counts"])
            _add(up["grid_kinds"], r["grid_kinds"])
            for key in ("grids", "population", "households"):
                up[key] += r[key]
    rows = []
    for code, d in divs.items():
        r = rolled[code]
        grids, households = r["grids"], r["households"]
        rows.append((code, d.name, d.level, divs[d.parent].name if d.parent in divs else "",
                     r["population"] or None, households or None, sum(d.off_quota.values()),
                     off_quota_detail(d.off_quota, d.of_whom), sum(r["staff"].values()),
                     off_quota_detail(r["staff"], r["of_whom"]), d.grids, grids,
                     round(households / grids, 1) if grids and households else None,
                     _counted(own_counts[code]), _counted(r["counts"]), _counted(r["grid_kinds"]),
                     measures_text(d.measures)))
    return pd.DataFrame(rows, columns=OFF_QUOTA_COLUMNS)


def measures_text(measures: dict[str, tuple]) -> str:
    """``网格员补贴 400 元/人·月、办结率 99.4 %`` (empty when there is none)."""
    return "、".join(f"{name} {value:g} {unit}" if isinstance(value, float) else f"{name} {value} {unit}"
                    for name, (value, unit) in measures.items())


MEASURE_COLUMNS = ["division_code", "division", "body_id", "body", "measure", "value", "unit"]


def measure_balance(state: State) -> pd.DataFrame:
    """Every measure recorded (指标: money per month, rates, shares) with its unit, on the division or
    active body it was recorded on; measures are never added up the division tree."""
    divs = state.divisions
    rows = [(code, d.name, None, None, name, value, unit)
            for code, d in divs.items() for name, (value, unit) in d.measures.items()]
    rows += [(b.division, divs[b.division].name, b.id, b.name, name, value, unit)
             for b in state.active_bodies() if b.measures for name, (value, unit) in b.measures.items()]
    df = pd.DataFrame(rows, columns=MEASURE_COLUMNS)
    return df.astype({"value": object, "body_id": "Int64"})


EARMARK_COLUMNS = ["division_code", "division", "body_id", "body", "quota_type", "account", "purpose", "earmarked", "used"]


def earmark_balance(state: State) -> pd.DataFrame:
    """Per active body, quota type and earmarked account (专项编制专户): the quota from that account
    it holds and no hire has used yet (``earmarked``), and what hires have used (``used``). The
    earmark stays on the quota wherever it is transferred until a hire uses it."""
    rows = []
    for b in state.active_bodies():
        if not b.earmarks and not b.earmarks_used:
            continue
        for t in state.config.quota_types:
            left, used = b.earmarks.get(t, {}), b.earmarks_used.get(t, {})
            for account in dict.fromkeys([*left, *used]):
                pool = state.pools.get(account)
                rows.append((b.division, state.divisions[b.division].name, b.id, b.name, t, account,
                             (pool.purpose or "") if pool else "", left.get(account, 0), used.get(account, 0)))
    return pd.DataFrame(rows, columns=EARMARK_COLUMNS).astype({"earmarked": int, "used": int})


SECONDMENT_COLUMNS = ["home_division", "home_body", "host_division", "host_body", "quota_type", "people", "from_date",
                      "to_date", "home_id", "host_id"]


def secondment_balance(state: State) -> pd.DataFrame:
    """The secondments (挂职, 借调) under way on the state's day: who works where while staying in
    their own body's staff and quota (people move, quota stays)."""
    day, divs, bodies = state.day, state.divisions, state.bodies
    rows = []
    for s in state.secondments:
        if day is not None and s.until is not None and s.until < day:
            continue
        a, b = bodies[s.src], bodies[s.dst]
        rows.append((divs[a.division].name, a.name, divs[b.division].name, b.name, s.quota_type,
                     s.count, s.date.isoformat(), s.until.isoformat() if s.until else "", a.id, b.id))
    return pd.DataFrame(rows, columns=SECONDMENT_COLUMNS)


def township_profile(state: State, off_quota: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per township: kind, population, off-quota staff by kind, grids and households per grid
    (the township's own and its villages', rolled up), named counts."""
    off = off_quota_balance(state) if off_quota is None else off_quota
    kinds = {code: d.kind for code, d in state.divisions.items()}
    towns = off[off["division_level"] == TOWNSHIP]
    df = towns.assign(township_kind=towns["division_code"].map(kinds))
    return df[["division_code", "division", "township_kind", "population", "households", "off_quota_staff",
               "off_quota_detail", "grids", "households_per_grid", "counts_detail", "grids_detail",
               "measures_detail"]].reset_index(drop=True)


def township_leader_balance(state: State, leaders: pd.DataFrame | None = None) -> pd.DataFrame:
    """Leader posts summed over each township's own bodies, per post kind (vacant and over
    summed body by body, as for quota)."""
    df = leader_balance(state) if leaders is None else leaders
    if len(df):
        own = [state.divisions[c].level == TOWNSHIP and is_own(state, state.bodies[i])
               for c, i in zip(df["division_code"], df["body_id"])]
        df = df[own]
    return df.groupby(["division_code", "post"])[MEASURES].sum().reset_index()


def pool_balance(state: State) -> pd.DataFrame:
    """Quota held in each active pool, per type."""
    ctx = division_context(state)
    rows = [(p.name, p.kind, p.division, ctx[p.division][0], t, n)
            for p in state.pools.values() for t, n in p.approved.items() if n]
    return pd.DataFrame(rows, columns=["pool", "pool_kind", "division_code", "county_code", "quota_type", "amount"])


def county_balance(state: State, bodies: pd.DataFrame | None = None, pools: pd.DataFrame | None = None,
                   off_quota: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per county-level division and type: bodies' balance, pools, their total, and the
    off-quota staff and grids of the county and everything in it (repeated on each type row)."""
    bodies = body_balance(state) if bodies is None else bodies
    pools = pool_balance(state) if pools is None else pools
    off = (off_quota_balance(state) if off_quota is None else off_quota).set_index("division_code")
    df = _sum_by(bodies, ["county_code", "county", "quota_type"])
    in_pools = pools.groupby(["county_code", "quota_type"])["amount"].sum()
    seen = set(zip(df["county_code"], df["quota_type"]))
    pool_only = [(c, state.divisions[c].name, t, 0, 0, 0, 0, 0, 0) for (c, t), n in in_pools.items() if n and (c, t) not in seen]
    if pool_only:  # a county whose quota of a type sits only in pools still has a row
        df = pd.concat([df, pd.DataFrame(pool_only, columns=df.columns)], ignore_index=True)
    df["pools"] = [int(in_pools.get((c, t), 0)) for c, t in zip(df["county_code"], df["quota_type"])]
    df = df.astype({m: int for m in [*MEASURES, "bodies", "bodies_over"]})
    df["total"] = df["approved"] + df["pools"]
    for col in OFF_QUOTA_TAIL:
        df[col] = [int(off.at[c, col]) for c in df["county_code"]]
    df = df.rename(columns={"county": "division", "county_code": "division_code"})
    return sort_by_type(state, df[["division_code", "division", "quota_type", *AGG_TAIL]], ["division_code"])


def total_balance(state: State, bodies: pd.DataFrame | None = None, pools: pd.DataFrame | None = None,
                  off_quota: pd.DataFrame | None = None) -> pd.DataFrame:
    """Jurisdiction total per type: bodies' balance plus pools (``total``), and the
    jurisdiction's off-quota staff and grids (repeated on each type row)."""
    bodies = body_balance(state) if bodies is None else bodies
    pools = pool_balance(state) if pools is None else pools
    off = off_quota_balance(state) if off_quota is None else off_quota
    df = _sum_by(bodies.assign(scope="total"), ["scope", "quota_type"]).drop(columns="scope")
    in_pools = pools.groupby("quota_type")["amount"].sum()
    types = sorted(set(df["quota_type"]) | set(in_pools.index), key=list(state.config.quota_types).index)
    df = df.set_index("quota_type").reindex(types, fill_value=0).reset_index()
    df["pools"] = [int(in_pools.get(t, 0)) for t in df["quota_type"]]
    df = df.astype({m: int for m in [*MEASURES, "bodies", "bodies_over"]})
    df["total"] = df["approved"] + df["pools"]
    roots = [code for code, d in state.divisions.items() if d.parent is None]
    top = off[off["division_code"].isin(roots)]
    for col in OFF_QUOTA_TAIL:
        df[col] = int(top[col].sum())
    df.insert(0, "division", "、".join(state.divisions[c].name for c in roots) or "全辖区")
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


DUTY_COLUMNS = ["division_code", "division", "item", "item_category", "lead", "support", "time_limit", "closing_standard"]


def duty_balance(state: State) -> pd.DataFrame:
    """One row per duty item (责任事项): the division it belongs to (where it was recorded),
    category, lead body and supporting bodies (named so that they cannot be mistaken), time limit
    and closing standard, in the order the items were recorded."""
    rows = []
    for duty in state.duties.values():
        code = duty.division
        rows.append((code, state.divisions[code].name, duty.name, duty.category, state.reference(state.bodies[duty.lead]),
                     "、".join(state.reference(state.bodies[i]) for i in duty.support),
                     duty.time_limit or "", duty.closing_standard or ""))
    return pd.DataFrame(rows, columns=DUTY_COLUMNS)


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
    def secondments(self) -> pd.DataFrame:
        return secondment_balance(self.state)

    @cached_property
    def earmarks(self) -> pd.DataFrame:
        return earmark_balance(self.state)

    @cached_property
    def measures(self) -> pd.DataFrame:
        return measure_balance(self.state)

    @cached_property
    def leader_ranks(self) -> pd.DataFrame:
        return leader_rank_balance(self.state, self.leaders)

    @cached_property
    def township_leaders(self) -> pd.DataFrame:
        return township_leader_balance(self.state, self.leaders)

    @cached_property
    def townships(self) -> pd.DataFrame:
        return township_balance(self.state, self.bodies, self.off_quota)

    @cached_property
    def off_quota(self) -> pd.DataFrame:
        return off_quota_balance(self.state)

    @cached_property
    def profile(self) -> pd.DataFrame:
        return township_profile(self.state, self.off_quota)

    @cached_property
    def pools(self) -> pd.DataFrame:
        return pool_balance(self.state)

    @cached_property
    def duties(self) -> pd.DataFrame:
        return duty_balance(self.state)

    @cached_property
    def county(self) -> pd.DataFrame:
        return county_balance(self.state, self.bodies, self.pools, self.off_quota)

    @cached_property
    def totals(self) -> pd.DataFrame:
        return total_balance(self.state, self.bodies, self.pools, self.off_quota)

    @cached_property
    def sinking(self) -> pd.DataFrame:
        return sinking_ratio(self.state, self.bodies, self.totals)

    @cached_property
    def standards(self) -> pd.DataFrame:
        return standard_balance(self.state, self.bodies, self.off_quota)

    def cross_level(self, since=None) -> pd.DataFrame:
        """Cross-level moves into and out of townships since ``since`` (all when None), with their
        share of the townships' quota (:func:`orgmodel.figures.cross_level.cross_level_balance`)."""
        kept = self.__dict__.setdefault("_cross_level", {})
        if since not in kept:
            kept[since] = cross_level_balance(self.state, since)
        return kept[since]

    def hiring(self, since=None) -> pd.DataFrame:
        """Hiring plans issued since ``since``, by year and level
        (:func:`orgmodel.figures.hiring.hiring_plan_balance`)."""
        kept = self.__dict__.setdefault("_hiring", {})
        if since not in kept:
            kept[since] = hiring_plan_balance(self.state, since)
        return kept[since]

    @cached_property
    def _figures(self) -> dict[tuple[int, str], tuple[int, int, int, int]]:
        df = self.bodies
        return {(i, t): (ap, ac, v, o) for i, t, ap, ac, v, o in
                zip(df["body_id"], df["quota_type"], df["approved"], df["actual"], df["vacant"], df["over"])}

    def figure(self, body_id: int, quota_type: str) -> tuple[int, int, int, int]:
        """``(approved, actual, vacant, over)`` of one body and type (zeros when it has none)."""
        return self._figures.get((body_id, quota_type), (0, 0, 0, 0))

    def view(self, by: str, quota_type: str | None = None, since=None) -> pd.DataFrame:
        """The table named by ``by`` (one of :data:`VIEWS`), optionally of one quota type only;
        ``since`` starts the period of the cross-level view."""
        if by == "cross_level":
            df = self.cross_level(since)
            return df[df["quota_type"] == quota_type].reset_index(drop=True) if quota_type else df
        if by == "hiring":
            return self.hiring(since)
        df = {"body": self.bodies, "township": self.townships, "county": self.county, "total": self.totals,
              "leaders": self.leaders, "sinking": self.sinking, "off_quota": self.off_quota,
              "standard": self.standards, "ranks": self.leader_ranks,
              "measures": self.measures, "earmarks": self.earmarks,
              "secondments": self.secondments}[by]
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
