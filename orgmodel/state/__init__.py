"""The replayed state: records, a graph of how they relate, and the books.

:class:`State` is the one door to them. Readers get read-only views (``bodies``,
``divisions``, ``pools``, ``duties``, ``loans``, ``flows``, ``events``, ``findings``,
``graph``) and questions (``signboards(body)``, ``parent(body)``, ``find(ref)`` …);
ops change the state only through its methods, which keep the records, the name and
duty indexes, the graph and the fact marks consistent with each other.
"""

from __future__ import annotations

from .bodies import BodyChanges
from .books import Books
from .duties import DutyBooks
from .records import (
    BODY_ATTRIBUTES,
    BODY_LINKS,
    COORDINATION,
    COUNTY,
    DISPATCHED,
    INTERNAL,
    TOWNSHIP,
    Body,
    Division,
    Duty,
    Event,
    Facts,
    Flow,
    Loan,
    Pool,
    Reason,
)
from .resolve import BODY, DIVISION, HOLDER, POOL, Resolver


class State(BodyChanges, Books, DutyBooks, Resolver):
    """Everything known as of the last replayed directive (see the package docstring)."""


__all__ = [
    "BODY", "BODY_ATTRIBUTES", "BODY_LINKS", "COORDINATION", "COUNTY", "DISPATCHED", "DIVISION", "HOLDER", "INTERNAL", "POOL", "TOWNSHIP",
    "Body", "Division", "Duty", "Event", "Facts", "Flow", "Loan", "Pool", "Reason", "State",
]
