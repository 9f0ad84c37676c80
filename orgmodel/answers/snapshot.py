"""Snapshots: what a simulation compares of one checked state, as plain data.

A :class:`Snapshot` holds, for every body of a checked state, what the before/after
comparisons of :mod:`orgmodel.scenario_diff` read: its balance and leader-post rows, its
attributes and tree row, how it was retired; per division its name and off-quota figures;
the township and total tables, the duty items, and the replay and rule findings. It keeps
no reference to the state, so:

- the base of a plan can be summarised and then the plan applied to the same state, which
  saves replaying (or loading) the base a second time;
- the base's snapshot can be remembered in the user's cache (it pickles small) and shared by
  every plan simulated on the same day (``compare``).

Bodies are named by :func:`body_key` (the directive that established them, their division
and first name), never by replay id, because plan directives interleaved with the base can
shift ids.
"""

from __future__ import annotations

import datetime as dt
import weakref
from dataclasses import dataclass, field
from typing import NamedTuple

import pandas as pd

from ..core.findings import Finding
from ..core.kinds import EventKind, Fact
from ..figures.balance import tables_of
from ..state import Body, State

MEASURES = ["approved", "actual", "vacant", "over"]
ATTRIBUTES = ["signboards", "category", "class", "rank", "funding", "led_by", "relations", "positions", "counts"]
# the body table's columns that hold them, in the same order
_ATTRIBUTE_COLUMNS = ["signboard_names", "category", "class", "rank", "funding", "led_by", "relations", "positions",
                      "counts_detail"]
TREE_FIELDS = ("key", "body", "division", "parent", "led_by", "category", "class", "signboards", "active")


_ESTABLISHED = (Fact.ESTABLISH, None)  # the fact key, made once: a province asks for 100,000 keys


def body_key(body: Body) -> str:
    """A replay-independent identity: establishing source, division and first name."""
    first = body.names[0][1] if body.names else body.name
    mark = body.facts.get(_ESTABLISHED)
    source = mark[1] if mark else None
    return f"{source or ''}#{body.division}#{first}"


_KEYS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def body_keys(state: State) -> dict[int, str]:
    """:func:`body_key` of every body of ``state`` by id, made once per state version (a
    province has 100,000 bodies, and several outputs ask for all of them)."""
    known = _KEYS.get(state)
    if known is None or known[0] != state.version:
        known = _KEYS[state] = (state.version, {b.id: body_key(b) for b in state.bodies.values()})
    return known[1]


class BodyInfo(NamedTuple):
    division: str
    name: str
    active: bool


@dataclass
class Snapshot:
    """One checked state as the comparisons read it (see the module docstring). Body rows are
    keyed by :func:`body_key`; ``bodies`` lists every body, retired ones too."""

    as_of: dt.date | None
    quota_types: tuple[str, ...]
    leader_kinds: tuple[str, ...]
    divisions: dict[str, str]                 # code -> name
    top_divisions: tuple[str, ...]            # codes of the jurisdictions (no parent)
    off_quota: dict[str, dict]                # code -> {grids, staff, of_whom, counts}
    off_quota_total: dict[str, int]           # the jurisdictions' off-quota staff and grids, rolled up
    bodies: dict[str, BodyInfo]
    retired: dict[str, str]                   # key of a retired body -> how it went (并入 / 分设 / 撤销)
    body_rows: pd.DataFrame                   # key, quota_type, approved, actual, vacant, over
    leader_rows: pd.DataFrame                 # key, post, approved, actual, vacant, over
    townships: pd.DataFrame
    totals: pd.DataFrame
    duties: dict[tuple[str, str], dict]       # (division code, item) -> the duty table's row
    tree_rows: dict[str, tuple]               # key -> the values of TREE_FIELDS (see tree_row)
    attributes: dict[str, tuple[str, ...]]    # active bodies only: key -> the values of ATTRIBUTES
    replay_findings: list[Finding] = field(default_factory=list)
    rule_findings: list[Finding] = field(default_factory=list)
    standard_rows: pd.DataFrame | None = None  # key, standard, holder, division, quota_type, implied, approved, gap, status

    def active(self) -> dict[str, BodyInfo]:
        """The active bodies by key (found once: every comparison asks, and a snapshot's
        bodies never change)."""
        found = self.__dict__.get("_active")
        if found is None:
            found = self.__dict__["_active"] = {k: b for k, b in self.bodies.items() if b.active}
        return found

    def __getstate__(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if k != "_active"}

    def division_name(self, code: str) -> str:
        return self.divisions.get(code, code)

    def tree_row(self, key: str) -> dict:
        """A body's row of the organisation tree: ``{key, body, division, parent, led_by,
        category, class, signboards, active}`` (``parent`` and ``led_by`` are keys)."""
        row = dict(zip(TREE_FIELDS, self.tree_rows[key]))
        row["signboards"] = list(row["signboards"])
        return row


def snapshot(state: State, replay_findings: list[Finding] = (), rule_findings: list[Finding] = ()) -> Snapshot:
    """The snapshot of ``state`` with the findings it was checked with. The state is only read."""
    keys = body_keys(state)
    tables = tables_of(state)
    config = state.config
    off = tables.off_quota
    tops = tuple(c for c, d in state.divisions.items() if d.parent is None)
    top = off[off["division_code"].isin(tops)]
    return Snapshot(
        as_of=state.as_of, quota_types=tuple(config.quota_types), leader_kinds=tuple(config.leader_kinds),
        divisions={c: d.name for c, d in state.divisions.items()}, top_divisions=tops,
        off_quota={c: off_quota_of(d) for c, d in state.divisions.items()},
        off_quota_total={"off_quota_staff": int(top["off_quota_staff"].sum()), "grids": int(top["grids"].sum())},
        bodies={keys[b.id]: BodyInfo(b.division, b.name, b.active) for b in state.bodies.values()},
        retired=_retired(state, keys),
        body_rows=_keyed(tables.bodies, keys, "quota_type"), leader_rows=_keyed(tables.leaders, keys, "post"),
        townships=tables.townships.copy(), totals=tables.totals.copy(),
        duties={(r["division_code"], r["item"]): r for r in tables.duties.to_dict("records")},
        tree_rows=_tree_rows(state, keys), attributes=_attributes(tables.bodies, keys),
        replay_findings=list(replay_findings), rule_findings=list(rule_findings),
        standard_rows=_standard_rows(tables.standards, keys))


STANDARD_FIELDS = ["key", "standard", "division", "holder", "quota_type", "implied", "approved", "gap", "verdict"]


def _standard_rows(df: pd.DataFrame, keys: dict[int, str]) -> pd.DataFrame:
    """The standards table keyed by holder: a body by :func:`body_key`, a division by its code."""
    key = [keys[int(i)] if kind == "body" else f"division#{code}"
           for kind, i, code in zip(df["holder_kind"], df["body_id"], df["division_code"])]
    return df.assign(key=key)[STANDARD_FIELDS].reset_index(drop=True)


def off_quota_of(div) -> dict:
    """A division's own grids (by kind), off-quota staff (of whom …), named counts and measures."""
    return {"grids": div.grids, "grid_kinds": dict(div.grid_kinds), "staff": dict(div.off_quota),
            "of_whom": {k: dict(v) for k, v in div.of_whom.items()}, "counts": dict(div.counts),
            "measures": {k: list(v) for k, v in div.measures.items()}}


def _keyed(df: pd.DataFrame, keys: dict[int, str], item: str) -> pd.DataFrame:
    out = df[["body_id", item, *MEASURES]].copy()
    out.insert(0, "key", out.pop("body_id").map(keys))
    return out.reset_index(drop=True)


def _retired(state: State, keys: dict[int, str]) -> dict[str, str]:
    out = {}
    for b in state.bodies.values():
        if not b.active:
            how = next((how for _, how in state.successors(b)), EventKind.ABOLISHED)
            out[keys[b.id]] = how.status_label
    return out


def counted(counts: dict[str, int]) -> str:
    """``信用工作岗位 1、网格 12`` (empty when there is nothing)."""
    return "、".join(f"{k} {n}" for k, n in counts.items() if n)


def _attributes(body_table: pd.DataFrame, keys: dict[int, str]) -> dict[str, tuple[str, ...]]:
    """Every active body's attributes, from its first row of the body table (every active
    body has one), so that they are worded exactly as the tables word them."""
    first = body_table.drop_duplicates("body_id")
    columns = [first[c].to_numpy(dtype=object, copy=True) for c in _ATTRIBUTE_COLUMNS]  # blanks are filled in below
    for values in columns:
        values[pd.isna(values)] = ""
    return dict(zip(map(keys.__getitem__, first["body_id"].tolist()), zip(*columns)))


def _tree_rows(state: State, keys: dict[int, str]) -> dict[str, tuple]:
    names = {c: d.name for c, d in state.divisions.items()}
    rows = {}
    for b in state.bodies.values():
        parent, leader, _, boards = state.ties(b)
        key = keys[b.id]
        rows[key] = (key, b.name, names[b.division], None if parent is None else keys.get(parent),
                     None if leader is None else keys.get(leader), b.category, b.klass, tuple(boards), b.active)
    return rows


__all__ = ["ATTRIBUTES", "MEASURES", "TREE_FIELDS", "BodyInfo", "Snapshot", "body_key", "body_keys", "counted", "off_quota_of",
           "snapshot"]
