"""Org charts (机构图) as data: which bodies a division's chart shows, what each box says,
and how a plan changed each body (for before/after charts).

A chart is built from the state (:func:`chart_of`) or from a simulation's snapshots
(:func:`before_after`); both give the same plain :class:`OrgChart`, which
``report.orgchart_layout`` lays out and ``report.orgchart_svg`` draws. Figures are read from
the balance tables (approved, actual, vacant, over), never computed here.

Which bodies: a township's chart shows the bodies of the township and of the divisions inside
it; any other division's chart shows the bodies of the division and of the divisions below it
that no township or lower county page claims, as the balance report's pages do.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..figures.balance import tables_of
from ..state import COORDINATION, COUNTY, DISPATCHED, INTERNAL, TOWNSHIP, State
from .snapshot import Snapshot

PAGE_LEVELS = ("省", "市", COUNTY)

PARTY = "党委部门"
GOVERNMENT = "政府部门"
ORGANS = "党政机关"
# the order of a chart's bands; a category not listed here follows them, in the order met
TOWN_ORGANS = "党政机构"  # a township's offices are not split into party and government ones
GROUP_ORDER = (PARTY, GOVERNMENT, ORGANS, TOWN_ORGANS, "群团机关", "参公单位", "事业单位", DISPATCHED, COORDINATION, INTERNAL)
# an organ named after a party committee (市委办公室, 县纪委监委机关, 镇党委 …), or one of the
# committee's own departments however it is prefixed (组织部, 宣传部, 政法委员会 …), is a party organ
_PARTY_NAME = re.compile(r"^(中共)?[^委]{0,8}?(市委|县委|区委|州委|盟委|旗委|党委|党工委|纪委|党组)"
                         r"|组织部|宣传部|统战部|统一战线工作部|政法委|机构编制委员会办公室|巡察|老干部局|党史|党校|机关工委|网信办")

# how a plan changed a body (before/after charts), with the words of the legend
STATUS_WORDS = {"new": "新设", "abolished": "撤销", "merged": "合并", "renamed": "更名", "moved": "调整隶属",
                "changed": "编制或职数变化"}


def group_of(category: str, name: str, township: bool = False) -> str:
    """The band a body is drawn in: its category, with 党政机关 split into 党委部门 (named
    after a party committee) and 政府部门, except in a township (党政机构)."""
    if category == ORGANS:
        return TOWN_ORGANS if township else PARTY if _PARTY_NAME.match(name) else GOVERNMENT
    return category or "其他机构"


def short_type(quota_type: str) -> str:
    """``行政编制`` → ``行政``; ``政法专项编制`` → ``政法专项``: the type as a box shows it."""
    return quota_type[:-2] if quota_type.endswith("编制") and len(quota_type) > 2 else quota_type


@dataclass(frozen=True)
class Count:
    """One figure of a box: a quota type (or a leader post kind) with its 核定, 实有, 空编, 超编."""

    label: str
    approved: int
    actual: int
    vacant: int
    over: int


@dataclass
class ChartBody:
    """One box of a chart. ``up`` is the key of the body it is drawn under (the one it is part
    of, else the one leading it), when that body is on the same chart."""

    key: str
    name: str
    group: str
    category: str
    signboards: tuple[str, ...] = ()
    up: str | None = None
    quota: tuple[Count, ...] = ()
    posts: tuple[Count, ...] = ()
    dispatched: bool = False
    status: str | None = None   # a key of STATUS_WORDS on before/after charts
    note: str = ""              # what the status refers to: the former name, where it went

    @property
    def coordination(self) -> bool:
        return self.category == COORDINATION

    @property
    def over(self) -> bool:
        return any(c.over for c in self.quota)


@dataclass
class OrgChart:
    """The bodies of one division's chart, in the order they are drawn."""

    division: str                 # code
    title: str                    # the division's name
    as_of: dt.date | None
    bodies: list[ChartBody]
    side: str = ""                # 改革前 / 改革后 on before/after charts
    statuses: tuple[str, ...] = field(default=())  # the statuses met, for the legend


class ChartError(ValueError):
    """The division asked for does not exist (the message is Chinese and names the choices)."""


def page_owner(state: State, code: str) -> str:
    """The division whose chart (and report page) shows the bodies of division ``code``: its
    township, else the nearest county-, city- or province-level division, else its root."""
    chain = state.ancestors(code)
    town = next((c for c in chain if state.divisions[c].level == TOWNSHIP), None)
    if town is not None:
        return town
    return next((c for c in chain if state.divisions[c].level in PAGE_LEVELS), chain[-1])


def division_code(state: State, ref: str | None) -> str:
    """The code of the division named ``ref`` (a code or a name); the root when ``ref`` is None.
    Raises :class:`ChartError` saying which divisions there are."""
    divs = state.divisions
    if ref is None:
        roots = [c for c, d in divs.items() if d.parent is None]
        if len(roots) == 1:
            return roots[0]
        raise ChartError(f"台账有 {len(roots)} 个顶级区划,请用 --division 指定其一:"
                         + "、".join(divs[c].name for c in roots[:10]))
    ref = ref.strip()
    if ref in divs:
        return ref
    named = [c for c, d in divs.items() if d.name == ref]
    if len(named) == 1:
        return named[0]
    if len(named) > 1:
        raise ChartError(f"区划名称“{ref}”有 {len(named)} 个({'、'.join(named[:10])}),请改用区划代码")
    near = [d.name for d in divs.values() if ref in d.name or d.name in ref][:10]
    hint = f";相近的有:{'、'.join(near)}" if near else ";请用 balance --by township 查看区划名称"
    raise ChartError(f"找不到区划“{ref}”(可写区划名称或代码){hint}")


def members(state: State, code: str, owners: dict[str, str] | None = None) -> list:
    """The active bodies of ``code``'s chart, oldest first (see the module docstring).
    ``owners`` is :func:`page_owner` of every division, when the caller has it."""
    owner = owners.get if owners is not None else (lambda c: page_owner(state, c))
    inside = [c for c in state.within(code) if owner(c) == code] or [code]
    bodies = [b for c in inside for b in state.bodies_in(c) if b.active]
    return sorted(bodies, key=lambda b: b.id)


def _counts(rows: dict, order) -> tuple[Count, ...]:
    out = []
    for item in order:
        r = rows.get(item)
        if r and (r["approved"] or r["actual"]):
            out.append(Count(item, int(r["approved"]), int(r["actual"]), int(r["vacant"]), int(r["over"])))
    return tuple(out)


def figures_by_body(df, item: str) -> dict[int, dict[str, dict]]:
    """``{body id: {quota type or post: {approved, actual, vacant, over}}}`` of a balance table."""
    out: dict[int, dict[str, dict]] = {}
    cols = ["body_id", item, "approved", "actual", "vacant", "over"]
    for bid, it, ap, ac, va, ov in df[cols].itertuples(index=False, name=None):
        if isinstance(it, str):
            out.setdefault(bid, {})[it] = {"approved": ap, "actual": ac, "vacant": va, "over": ov}
    return out


def chart_of(state: State, code: str, quota: dict | None = None, posts: dict | None = None,
             owners: dict[str, str] | None = None) -> OrgChart:
    """The chart of division ``code`` as the state stands. ``quota`` and ``posts`` are the
    body and leader tables keyed by body id (``report.site.Lookups`` or :func:`figures_by_body`),
    given when the caller has them already; otherwise they are read from the state's tables."""
    if quota is None or posts is None:
        tables = tables_of(state)
        quota = figures_by_body(tables.bodies, "quota_type") if quota is None else quota
        posts = figures_by_body(tables.leaders, "post") if posts is None else posts
    types, kinds = state.config.quota_types, state.config.leader_kinds
    bodies = members(state, code, owners)
    on_chart = {b.id for b in bodies}
    divs = state.divisions
    town = divs[code].level == TOWNSHIP
    out = []
    for b in bodies:
        parent, leader, dispatcher, boards = state.ties(b)
        up = parent if parent in on_chart else leader if leader in on_chart else None
        group = group_of(b.category, b.name, town)
        if b.division != code and divs[b.division].level != COUNTY:
            group = divs[b.division].name  # a village's (or a development zone's) bodies: a band of its own
        out.append(ChartBody(
            str(b.id), b.name, group, b.category, tuple(boards), None if up is None else str(up),
            _counts(quota.get(b.id, {}), types), _counts(posts.get(b.id, {}), kinds),
            b.category == DISPATCHED or dispatcher is not None))
    return OrgChart(code, divs[code].name, state.as_of, out)


# -- before and after ------------------------------------------------------------------
def _snapshot_counts(df, item: str) -> dict[str, dict[str, dict]]:
    out: dict[str, dict[str, dict]] = {}
    for key, it, ap, ac, va, ov in df[["key", item, "approved", "actual", "vacant", "over"]].itertuples(index=False, name=None):
        if isinstance(it, str):
            out.setdefault(key, {})[it] = {"approved": ap, "actual": ac, "vacant": va, "over": ov}
    return out


class _Side:
    """One snapshot as charts read it, indexed once: its active bodies by the division whose
    chart shows them, and its figures by body key."""

    def __init__(self, snap: Snapshot, owners: dict[str, str]):
        self.snap = snap
        self.members: dict[str, list[str]] = {}
        for k, info in snap.bodies.items():
            if info.active:
                self.members.setdefault(owners.get(info.division, info.division), []).append(k)
        self.quota = _snapshot_counts(snap.body_rows, "quota_type")
        self.posts = _snapshot_counts(snap.leader_rows, "post")

    def chart(self, state: State, code: str, dispatched: dict[str, bool]) -> OrgChart:
        """The chart of division ``code``; the division tree is read from ``state`` (the state
        after the plan: plans do not remove divisions)."""
        snap = self.snap
        rows = [snap.tree_row(k) for k in self.members.get(code, [])]
        keys = {r["key"] for r in rows}
        town = code in state.divisions and state.divisions[code].level == TOWNSHIP
        out = []
        for r in rows:
            up = r["parent"] if r["parent"] in keys else r["led_by"] if r["led_by"] in keys else None
            div = snap.bodies[r["key"]].division
            group = group_of(r["category"], r["body"], town)
            if div != code and div in state.divisions and state.divisions[div].level != COUNTY:
                group = r["division"]
            out.append(ChartBody(r["key"], r["body"], group, r["category"], tuple(r["signboards"]), up,
                                 _counts(self.quota.get(r["key"], {}), snap.quota_types),
                                 _counts(self.posts.get(r["key"], {}), snap.leader_kinds),
                                 dispatched.get(r["key"], r["category"] == DISPATCHED)))
        return OrgChart(code, state.divisions[code].name if code in state.divisions else code, snap.as_of, out)


def before_after(sim, code: str) -> tuple[OrgChart, OrgChart]:
    """The charts of division ``code`` before and after the plan of simulation ``sim`` (see
    :func:`plan_charts`)."""
    return plan_charts(sim, [code])[0]


def plan_charts(sim, codes: list[str]) -> list[tuple[OrgChart, OrgChart]]:
    """For each division of ``codes``, its charts before and after the plan of simulation
    ``sim``, each body marked with how the plan changed it: new (新设), abolished (撤销), merged
    (合并: the bodies merged away before, the body they went into after), renamed (更名), moved
    (调整隶属: another leading or parent body, or another division), changed (编制或职数变化).
    What every chart needs of the simulation is indexed once, so a plan touching every
    township of a province costs one pass over its bodies, not one per township."""
    from .snapshot import body_keys

    after_state = sim.after
    keys = body_keys(after_state)
    owners = {c: page_owner(after_state, c) for c in after_state.divisions}
    dispatched = {keys[b.id]: after_state.is_dispatched(b) for b in after_state.bodies.values()}
    sides = _Side(sim.before, owners), _Side(sim.after_snapshot, owners)
    b_rows, a_rows = sim.before.tree_rows, sim.after_snapshot.tree_rows
    b_alive, a_alive = sim.before.active(), sim.after_snapshot.active()
    changed = {(r["division"], r["body"]) for df in (sim.balance_diff, sim.leader_diff)
               for r in df[["division", "body"]].to_dict("records")}
    merged_into: dict[str, str] = {}   # key of a body merged away -> the body it went into
    took_in: dict[str, str] = {}       # key of a body that took others in -> their names
    for b in after_state.bodies.values():
        if not b.active:
            for succ, how in after_state.successors(b):
                if how.status_label == "并入":
                    merged_into[keys[b.id]] = succ.name
                    took = took_in.get(keys[succ.id])
                    took_in[keys[succ.id]] = f"{took}、{b.name}" if took else b.name
    out = []
    for code in codes:
        before, after = (side.chart(after_state, code, dispatched) for side in sides)
        for body in before.bodies:
            k = body.key
            if k not in a_alive:
                if k in merged_into:
                    body.status, body.note = "merged", f"并入{merged_into[k]}"
                else:
                    how = sim.after_snapshot.retired.get(k, "撤销")
                    body.status, body.note = ("merged", how) if how != "撤销" else ("abolished", "")
            elif (r := a_rows.get(k)) is not None and r[1] != b_rows[k][1]:
                body.status, body.note = "renamed", f"更名为{r[1]}"
            elif _moved(b_rows[k], a_rows.get(k)):
                body.status = "moved"
            elif (b_rows[k][2], b_rows[k][1]) in changed:
                body.status = "changed"
        for body in after.bodies:
            k = body.key
            if k not in b_alive:
                body.status, body.note = ("merged", f"由{took_in[k]}合并") if k in took_in else ("new", "")
            elif (r := b_rows.get(k)) is not None and r[1] != a_rows[k][1]:
                body.status, body.note = "renamed", f"原名{r[1]}"
            elif _moved(b_rows.get(k), a_rows[k]):
                body.status = "moved"
            elif (a_rows[k][2], a_rows[k][1]) in changed:
                body.status = "changed"
        for chart, side in ((before, "改革前"), (after, "改革后")):
            chart.side = side
            chart.statuses = tuple(s for s in STATUS_WORDS if any(b.status == s for b in chart.bodies))
        out.append((before, after))
    return out


def _moved(old: tuple | None, new: tuple | None) -> bool:
    """Another division, parent or leading body (tree rows: key, body, division, parent, led_by …)."""
    return old is not None and new is not None and (old[2], old[3], old[4]) != (new[2], new[3], new[4])


def touched_divisions(sim) -> list[str]:
    """The chart divisions (codes, in code order) where the plan changed a body: those a
    scenario report draws before/after charts for."""
    state = sim.after
    owners = {c: page_owner(state, c) for c in state.divisions}
    keys = {r["key"] for r in (*sim.tree_before, *sim.tree_after)}
    codes = {owners[info.division] for snap in (sim.before, sim.after_snapshot) for k in keys
             if (info := snap.bodies.get(k)) is not None and info.division in owners}
    codes |= {owners[c] for c in set(sim.balance_diff["division_code"]) | set(sim.leader_diff["division_code"])
              if c in owners}
    return sorted(codes)


__all__ = ["STATUS_WORDS", "ChartBody", "ChartError", "Count", "OrgChart", "before_after", "chart_of", "plan_charts",
           "division_code", "group_of", "members", "page_owner", "short_type", "touched_divisions"]
