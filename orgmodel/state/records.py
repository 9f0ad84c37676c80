"""The plain records the replayed state holds: divisions, bodies, pools, loans, duties,
quota flows and structural events, plus the domain constants they use.

A record holds what a thing *is*: its identity, attributes and books. How things
*relate* (placement, links between bodies, signboards, quota flows, lineage) is held by
the state's graph. Records are read by everyone but written only by
:class:`~orgmodel.state.State`, which keeps them, its indexes and its graph consistent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import NamedTuple

from ..core.findings import Source
from ..core.kinds import EventKind, Fact, FlowKind

TOWNSHIP = "乡镇"
COUNTY = "县"
DISPATCHED = "派驻机构"
COORDINATION = "议事协调机构"
INTERNAL = "内设机构"

Mark = tuple[int, Source]  # (replay position of the directive, its source)


class BodyField(NamedTuple):
    """One of a body's attributes or links as a ledger names it: the field in a directive,
    the attribute of :class:`Body` (or the graph edge kind of a link), its Chinese name,
    and the fact that remembers its last change."""

    field: str
    key: str
    label: str
    fact: Fact


BODY_ATTRIBUTES = {f.field: f for f in (
    BodyField("category", "category", "机构类别", Fact.CATEGORY),
    BodyField("class", "klass", "公益类别", Fact.CLASS),
    BodyField("rank", "rank", "规格", Fact.RANK),
    BodyField("funding", "funding", "经费形式", Fact.FUNDING),
)}
BODY_LINKS = {f.field: f for f in (
    BodyField("parent", "part_of", "上级机构", Fact.PARENT),
    BodyField("led_by", "led_by", "主管机构", Fact.LED_BY),
    BodyField("dispatched_from", "dispatched_from", "派出机构", Fact.DISPATCHED_FROM),
)}


_FACT_KEYS: dict[tuple, tuple] = {}  # one tuple per (Fact, qualifier) ever pickled: a few dozen


class Facts(dict):
    """Where each fact of a record was last set: ``{(Fact, quota type or None): Mark}``.

    Written by the state only; the position in a mark lets a rule take the latest of
    several facts (the figure "over quota" is made by whichever of 核定 and 实有 changed last)."""

    __slots__ = ()

    def __reduce__(self):
        # A key is made afresh by every write, so a checkpoint would hold (and rebuild) one
        # tuple per fact of every record; pickled through one shared tuple per key instead.
        keys = _FACT_KEYS
        return Facts, (), None, None, ((keys.setdefault(k, k), v) for k, v in self.items())

    def mark(self, fact: Fact, qualifier: str | None = None) -> Mark | None:
        return self.get((fact, qualifier))

    def source(self, fact: Fact, qualifier: str | None = None, fallback: Fact | None = Fact.ESTABLISH) -> Source | None:
        """The source that last set the fact, else that of ``fallback`` (the body's setting up)."""
        mark = self.get((fact, qualifier)) or (self.get((fallback, None)) if fallback else None)
        return mark[1] if mark else None

    def latest_mark(self, *keys) -> Mark | None:
        """The mark of the most recent of several facts; each key is a Fact or ``(Fact, qualifier)``.
        Falls back to the establishing mark when none of them was ever set."""
        marks = [self.get(k if isinstance(k, tuple) else (k, None)) for k in keys]
        marks = [m for m in marks if m is not None]
        if not marks:
            return self.get((Fact.ESTABLISH, None))
        return max(marks, key=lambda m: m[0])

    def of_kind(self, fact, kind: str):
        """The key of ``fact`` for one kind (正职, 副职) when the directive that last set the fact
        gave that kind its own place (a sheet's cell), else the fact's own key."""
        whole, own = self.get((fact, None)), self.get((fact, kind))
        return (fact, kind) if own is not None and whole is not None and own[0] == whole[0] else (fact, None)

    def latest(self, *keys) -> Source | None:
        """The source of the most recent of several facts (see :meth:`latest_mark`)."""
        mark = self.latest_mark(*keys)
        return mark[1] if mark else None


def subject_of(subject) -> tuple[str | None, tuple[int, ...], tuple[str, ...]]:
    """What a finding concerns, as ``(name shown, body ids, division codes)``: from a body,
    a pool, a division, a name as written, or a resolver's :class:`Reason`."""
    if isinstance(subject, Body):
        return subject.name, (subject.id,), (subject.division,)
    if isinstance(subject, Pool):  # a pool is placed by what the directive names, not by its division
        return subject.name, (), ()
    if isinstance(subject, Division):
        return subject.name, (), (subject.code,)
    if subject is None:
        return None, (), ()
    division = getattr(subject, "division", None)
    return str(subject), (), (division,) if division else ()


class Reason(str):
    """A Chinese message saying why a reference resolved to nothing, with the finding's rule
    id and, when known, the division the reference was looked up in."""

    def __new__(cls, text: str, rule: str, division: str | None = None, part: str | None = None):
        obj = super().__new__(cls, text)
        obj.rule = rule
        obj.division = division
        obj.part = part  # which part of a ``区划/名称`` reference is wrong ("division"), if known
        return obj


@dataclass(eq=False)
class Division:
    code: str
    name: str
    level: str
    kind: str | None = None
    parent: str | None = None
    population: int | None = None
    households: int | None = None
    opened: dt.date | None = None
    off_quota: dict[str, int] = field(default_factory=dict)           # off-quota staff by kind
    of_whom: dict[str, dict[str, int]] = field(default_factory=dict)  # of those: {kind: {sub-kind: n}}
    grids: int = 0
    grid_kinds: dict[str, int] = field(default_factory=dict)          # grids by kind (基础网格, 专属网格); sum = grids
    counts: dict[str, int] = field(default_factory=dict)              # named counts that are not people
    measures: dict[str, tuple] = field(default_factory=dict)          # name -> (value, unit): never summed
    facts: Facts = field(default_factory=Facts, repr=False)
    trail: list | None = field(default=None, repr=False, compare=False)  # see StateCore._touch
    # This division's node in the state's graph: one tuple per division, since every edge and
    # flow that names the division keeps it (millions at province scale); a plain attribute,
    # because the hot paths of the rules and tables read it millions of times.
    node: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        self.node = ("division", self.code)


@dataclass(eq=False)
class Body:
    """A public body: identity, attributes and books. Its links, signboards and place in
    the division tree are edges of the state's graph (ask the state)."""

    id: int
    name: str
    division: str
    category: str
    klass: str | None = None
    rank: str | None = None
    funding: str | None = None
    names: list[tuple[dt.date, str]] = field(default_factory=list)
    approved: dict[str, int] = field(default_factory=dict)
    actual: dict[str, int] = field(default_factory=dict)
    posts: dict[str, int] = field(default_factory=dict)
    leaders: dict[str, int] = field(default_factory=dict)
    planned: dict[str, int] = field(default_factory=dict)
    positions: dict[str, int] = field(default_factory=dict)  # posts inside the body (岗位): {name: count}
    post_ranks: dict[str, str] = field(default_factory=dict)  # leader posts' rank by kind (副科级职数), when approved so
    counts: dict[str, int] = field(default_factory=dict)     # named counts that are not people
    measures: dict[str, tuple] = field(default_factory=dict)  # name -> (value, unit): never summed
    # quota from an earmarked account (专户) not yet used by a hire, and used: {type: {account: n}}
    earmarks: dict[str, dict[str, int]] = field(default_factory=dict)
    earmarks_used: dict[str, dict[str, int]] = field(default_factory=dict)
    # leading relations beside led_by (主管): {relation: whom}, as 直属: 市委, 归口: 市委政法委
    relations: dict[str, str] = field(default_factory=dict)
    active: bool = True
    established: dt.date | None = None
    abolished: dt.date | None = None
    facts: Facts = field(default_factory=Facts, repr=False)
    trail: list | None = field(default=None, repr=False, compare=False)  # see StateCore._touch
    # This body's node in the state's graph (see Division.node); State.add_body makes it
    # again when it gives the body its id.
    node: tuple = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        self.node = ("body", self.id)

    @property
    def label(self) -> str:
        return self.name


@dataclass(eq=False)
class Pool:
    name: str
    kind: str
    division: str
    purpose: str | None = None
    approved: dict[str, int] = field(default_factory=dict)
    active: bool = True
    facts: Facts = field(default_factory=Facts, repr=False)
    trail: list | None = field(default=None, repr=False, compare=False)  # see StateCore._touch

    @property
    def node(self):
        return ("pool", self.name)

    @property
    def label(self) -> str:
        return self.name


class PlanIssued(NamedTuple):
    """A hiring plan (用编进人计划) issued to a body: each one is kept, so that plans add up by year
    and level even though a body's standing plan is replaced by the next."""

    date: dt.date
    source: Source
    body: int
    quota_type: str
    amount: int


class Secondment(NamedTuple):
    """People seconded (挂职, 借调, 抽调) from one body to another for a while: they work at ``dst``
    while they stay in ``src``'s staff and quota."""

    date: dt.date
    until: dt.date | None
    source: Source
    src: int
    dst: int
    quota_type: str
    count: int


class StaffMove(NamedTuple):
    """People entering (``hire``: ``src`` None), leaving (``depart``: ``dst`` None) or moving
    between bodies with their quota or function (``move``), as the ledger records them."""

    date: dt.date
    source: Source
    kind: str
    src: int | None
    dst: int | None
    quota_type: str
    count: int


@dataclass(eq=False)
class Loan:
    """Quota lent from a turnover pool to a body, due back by ``due``."""

    id: int
    pool: str
    body: int
    quota_type: str
    amount: int
    date: dt.date
    due: dt.date | None
    doc: str | None
    source: Source
    returned: int = 0

    @property
    def outstanding(self) -> int:
        return self.amount - self.returned


@dataclass(eq=False)
class Duty:
    """A duty item (责任事项) of a division: its lead body and supporting bodies."""

    key: str
    name: str
    category: str | None
    lead: int
    support: list[int]
    source: Source
    division: str = ""  # the division it belongs to: the lead's when it was recorded
    time_limit: str | None = None        # 处理时限, as the list words it (3 个工作日)
    closing_standard: str | None = None  # 结案标准


@dataclass(frozen=True)
class Flow:
    """One movement of quota, for provenance: from ``src`` to ``dst`` (node keys; None = the
    higher level). ``seq`` is its place in the state's journal of flows."""

    date: dt.date
    doc: str | None
    source: Source
    kind: FlowKind
    src: tuple | None
    dst: tuple | None
    quota_type: str
    amount: int
    cross_level: bool = False
    seq: int = 0
    approval: str | None = None  # the higher level's approval of a cross-level move (its 文号)


@dataclass(frozen=True)
class Event:
    """A structural change worth showing: created, abolished, renamed, merged, split, signboards…"""

    date: dt.date
    kind: EventKind
    text: str
    doc: str | None
    source: Source
    bodies: tuple[int, ...] = ()
    divisions: tuple[str, ...] = ()
