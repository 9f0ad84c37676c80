"""The plain records the replayed state holds: divisions, bodies, pools, loans, duties,
quota flows and structural events, plus the domain constants they use.

They carry data and small derived properties only; :class:`~orgmodel.state.State`
owns them and keeps the graph, name indexes and quota books consistent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

TOWNSHIP = "乡镇"
COUNTY = "县"
DISPATCHED = "派驻机构"
COORDINATION = "议事协调机构"


class Reason(str):
    """A Chinese message saying why a name resolved to nothing, with the finding's rule id."""

    def __new__(cls, text: str, rule: str):
        obj = super().__new__(cls, text)
        obj.rule = rule
        return obj


@dataclass
class Division:
    code: str
    name: str
    level: str
    kind: str | None = None
    parent: str | None = None
    population: int | None = None
    households: int | None = None
    opened: dt.date | None = None
    off_quota: dict[str, int] = field(default_factory=dict)
    grids: int = 0
    source: object = None  # the open_division directive, for findings about the division

    @property
    def node(self):
        return ("division", self.code)


@dataclass
class Body:
    id: int
    name: str
    division: str
    category: str
    klass: str | None = None
    rank: str | None = None
    funding: str | None = None
    parent: int | None = None
    led_by: int | None = None
    dispatched_from: int | None = None
    signboards: list[str] = field(default_factory=list)
    names: list[tuple[dt.date, str]] = field(default_factory=list)
    approved: dict[str, int] = field(default_factory=dict)
    actual: dict[str, int] = field(default_factory=dict)
    posts: dict[str, int] = field(default_factory=dict)
    leaders: dict[str, int] = field(default_factory=dict)
    planned: dict[str, int] = field(default_factory=dict)
    active: bool = True
    established: dt.date | None = None
    abolished: dt.date | None = None
    # Where each figure was last set, for findings: keys "establish", "approved:<type>",
    # "actual:<type>", "posts", "leaders", "plan:<type>".
    sources: dict[str, object] = field(default_factory=dict)

    @property
    def node(self):
        return ("body", self.id)

    def source_of(self, key: str):
        """The directive source that last set ``key``, falling back to the establishing one."""
        return self.sources.get(key) or self.sources.get("establish")

    @property
    def dispatched(self) -> bool:
        return self.dispatched_from is not None or self.category == DISPATCHED

    @property
    def label(self) -> str:
        return self.name


@dataclass
class Pool:
    name: str
    kind: str
    division: str
    purpose: str | None = None
    approved: dict[str, int] = field(default_factory=dict)
    active: bool = True

    @property
    def node(self):
        return ("pool", self.name)

    @property
    def label(self) -> str:
        return self.name


@dataclass
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
    source: object
    returned: int = 0

    @property
    def outstanding(self) -> int:
        return self.amount - self.returned


@dataclass
class Duty:
    name: str
    category: str | None
    lead: int
    support: list[int]
    source: object


@dataclass(frozen=True)
class Flow:
    """One movement of quota, for provenance: from ``src`` to ``dst`` (node keys; None = higher level)."""

    date: dt.date
    doc: str | None
    source: object
    kind: str
    src: tuple | None
    dst: tuple | None
    quota_type: str
    amount: int
    cross_level: bool = False


@dataclass(frozen=True)
class Event:
    """A structural change worth showing: created, abolished, renamed, merged, split, signboards…"""

    date: dt.date
    kind: str
    text: str
    doc: str | None
    source: object
    bodies: tuple[int, ...] = ()
    divisions: tuple[str, ...] = ()
