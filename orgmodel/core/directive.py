"""Directives: the immutable, dated, sourced records a ledger is made of."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .findings import Source, reduce_by_fields


@dataclass(frozen=True, slots=True)
class Directive:
    """One dated change or assertion, as read from a source.

    ``fields`` holds the op-specific values after validation. ``spots`` holds, for the
    fields read somewhere other than where the directive starts, the reader's spot of
    that field (see :mod:`orgmodel.sources.located`), so findings can point at the value;
    a line is kept as its offset from the directive's own line (see :meth:`where`). It is
    None when every field sits where the directive starts (a one-line directive). Both
    ``fields`` and ``spots`` may be shared between directives: never change them.
    """

    date: dt.date
    op: str
    fields: dict[str, Any]
    source: Source
    doc: str | None = None
    note: str | None = None
    spots: dict[str, Any] | None = field(default=None, compare=False, repr=False)

    __reduce__ = reduce_by_fields

    def get(self, name: str, default=None):
        return self.fields.get(name, default)

    def where(self, name: str | None = None) -> Source:
        """The source of the whole directive, or of one of its fields."""
        if name and self.spots and name in self.spots:
            spot, base = self.spots[name], self.source.spot
            return self.source.at(spot + base if isinstance(spot, int) and isinstance(base, int) else spot)
        return self.source
