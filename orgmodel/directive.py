"""Directives: the immutable, dated, sourced records a ledger is made of."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .findings import Source


@dataclass(frozen=True, slots=True)
class Directive:
    """One dated change or assertion, as read from a source.

    ``fields`` holds the op-specific values after validation; ``lines`` maps each
    field name to the line it was read from, so findings can point at the value.
    """

    date: dt.date
    op: str
    fields: dict[str, Any]
    source: Source
    doc: str | None = None
    note: str | None = None
    lines: dict[str, int] = field(default_factory=dict, compare=False, repr=False)

    def get(self, name: str, default=None):
        return self.fields.get(name, default)

    def where(self, name: str | None = None) -> Source:
        """The source of the whole directive, or of one of its fields."""
        if name and name in self.lines:
            return Source(self.source.file, self.lines[name])
        return self.source
