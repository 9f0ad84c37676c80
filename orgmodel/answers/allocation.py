"""Allocation by standard (按标准分配编制): where N quota from a pool should go, by what a
staffing standard implies for each body.

:func:`propose` reads one answer (a state and its standards table) and proposes, without
changing anything, how ``count`` quota of the standard's type held in a pool are spread over
the bodies the standard measures:

- only bodies in the pool's division or a division below it (a county's pool serves the county
  and its townships), whose drivers are recorded and that are below the top of their range
  (``implied_high``), take any;
- each unit goes to the body furthest below the bottom of its range (``implied_low``); once
  every body reaches its bottom, to the one with the most room to its top; ties go to the
  body listed first in the standards table;
- no body is taken above the top of its range, so the proposal may give fewer than asked:
  the rest stays in the pool (``left``).

:meth:`Proposal.plan_text` writes the proposal as a scenario file of 调剂 directives, to be
reviewed and simulated (``orgmodel simulate``) before anything is recorded.
"""

from __future__ import annotations

import datetime as dt
import heapq
from dataclasses import dataclass

import pandas as pd

from ..core.standards import GRIDS, standards_of
from ..figures.standards import UNRECORDED
from ..sources.flow_writer import flow
from ..state import State

ALLOCATION_COLUMNS = ["division", "body", "drivers", "implied", "before", "given", "after", "gap_before", "gap_after"]


class AllocationError(Exception):
    """The allocation cannot be proposed (an unknown standard or pool, too few quota): the message says why, in Chinese."""


@dataclass(frozen=True)
class Proposal:
    """A proposed allocation: per body what it has, what it is given and what it then has."""

    standard: str
    basis: str
    pool: str
    quota_type: str
    asked: int
    rows: pd.DataFrame              # ALLOCATION_COLUMNS plus ``ref`` (how a directive names the body)
    held: int                       # what the pool held

    @property
    def given(self) -> int:
        return int(self.rows["given"].sum()) if len(self.rows) else 0

    @property
    def left(self) -> int:
        """What was asked but no body can take without going above its standard."""
        return self.asked - self.given

    def plan_text(self, day: dt.date, doc: str) -> str:
        """The proposal as a scenario file: one 调剂 from the pool to each body given some."""
        lines = [f"name: {flow(f'按{self.standard}分配{self.pool}{self.quota_type} {self.given} 名(待审)')}",
                 f"description: {flow(self._description())}",
                 f"as_of: {day.isoformat()}",
                 "directives:"]
        for r in self.rows[self.rows["given"] > 0].to_dict("records"):
            lines.append(f"# {r['body']}:{r['drivers']},应核 {r['implied']},核定 {r['before']} → {r['after']}")
            lines.append("- " + flow({"date": day.isoformat(), "op": "transfer", "doc": doc, "from": self.pool,
                                      "to": r["ref"], "type": self.quota_type, "amount": int(r["given"])}))
        return "\n".join(lines) + "\n"

    def _description(self) -> str:
        text = (f"由 orgmodel allocate 按{self.standard}({self.basis})提出:从{self.pool}调剂{self.quota_type} "
                f"{self.given} 名给低于标准最多的机构,任何机构不超过标准上限")
        if self.left:
            text += f";另 {self.left} 名已无机构可在标准以内接收,留在编制池"
        return text + "。请审阅、模拟(orgmodel simulate)后报编委审定,文号以批准文件为准。"


def propose(state: State, table: pd.DataFrame, pool_name: str, count: int, standard_name: str) -> Proposal:
    """Propose how ``count`` quota of ``pool_name`` go to the bodies ``standard_name`` measures
    (see the module docstring); ``table`` is the state's standards table. Raises
    AllocationError with a Chinese message when the question cannot be answered."""
    standards = {s.name: s for s in standards_of(state.config)}
    std = standards.get(standard_name)
    if std is None:
        known = "、".join(standards) or "(配置中没有 standards)"
        raise AllocationError(f"未知的编制标准“{standard_name}”;配置中的标准:{known}(写法见 docs/standards.md)")
    if std.holder != "body" or std.measures == GRIDS:
        raise AllocationError(f"编制标准“{std.name}”衡量的是区划{'的网格' if std.measures == GRIDS else ''},"
                              f"编制只能调剂给机构;请选择衡量机构(for: body)的标准")
    version = std.in_force(state.day)
    if version is None:
        first = min(v.start for v in std.versions)
        raise AllocationError(f"编制标准“{std.name}”自 {first} 起施行,截至 {state.day} 尚未施行")
    pool = state.pools.get(pool_name)
    if pool is None or not pool.active:
        known = "、".join(p.name for p in state.pools.values() if p.active) or "(无)"
        raise AllocationError(f"找不到编制池“{pool_name}”;台账中的编制池:{known}")
    held = pool.approved.get(std.measures, 0)
    if count < 1:
        raise AllocationError(f"分配数量应为正整数,实为 {count}")
    if count > held:
        raise AllocationError(f"{pool.name}截至 {state.day} 只有{std.measures} {held} 名,不够分配 {count} 名")
    served = set(state.within(pool.division))
    rows = table[(table["standard"] == std.name) & (table["holder_kind"] == "body") & (table["verdict"] != UNRECORDED)
                 & table["division_code"].isin(served)]
    given = _fill(rows, count)
    out = []
    for r, n in zip(rows.to_dict("records"), given):
        low, high, before = int(r["implied_low"]), int(r["implied_high"]), int(r["approved"])
        after = before + n
        out.append((r["division"], r["holder"], r["drivers"], r["implied"], before, n, after,
                    _gap(before, low, high), _gap(after, low, high), state.reference(state.bodies[int(r["body_id"])])))
    df = pd.DataFrame(out, columns=[*ALLOCATION_COLUMNS, "ref"])
    df = df.sort_values(["given", "gap_before"], ascending=[False, True], kind="stable").reset_index(drop=True)
    return Proposal(std.name, version.basis, pool.name, std.measures, count, df, held)


def _gap(approved: int, low: int, high: int) -> int:
    return approved - low if approved < low else approved - high if approved > high else 0


def _fill(rows: pd.DataFrame, count: int) -> list[int]:
    """Units given to each row, one at a time to the row furthest below its low end, then to
    the one with most room to its high end; never above a row's high end."""
    given = [0] * len(rows)
    heap = []
    for i, (low, high, have) in enumerate(zip(rows["implied_low"], rows["implied_high"], rows["approved"])):
        if have < high:
            heap.append((-max(int(low) - int(have), 0), -(int(high) - int(have)), i, int(low), int(high), int(have)))
    heapq.heapify(heap)
    left = count
    while left and heap:
        _, _, i, low, high, have = heapq.heappop(heap)
        have += 1
        given[i] += 1
        left -= 1
        if have < high:
            heapq.heappush(heap, (-max(low - have, 0), -(high - have), i, low, high, have))
    return given
