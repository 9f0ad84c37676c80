"""What readers produce: mappings that remember where they were read, and raw items.

The reader contract. A reader is a function ``read(path, display) -> ReadResult``:

- ``items``: one :class:`RawItem` per directive, in file order. Its ``value`` should be
  a :class:`Located` mapping (anything else is reported as a bad directive) and its
  ``source`` is where the directive starts.
- ``findings``: problems met while reading (bad encoding, malformed syntax …), each
  with its location.
- ``header``: the file's own settings when it has any (a scenario's name, date and
  description), else None; ``where`` is the file's own location, from which the
  header's keys are located (``where.at(header.spots[key])``).

A :class:`Located` mapping records a *spot* for itself and for its keys: whatever the
reader's kind of :class:`~orgmodel.findings.Source` needs to point at one field (a line
number for text files, a column letter for a table row). A key with no spot of its own
sits where the mapping starts (a one-line directive needs none). ``Source.at(spot)``
turns a spot into a location, so validation never needs to know which reader was used.
Values that are mappings or lists of mappings are Located too, with spots of their own.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any, NamedTuple

from .findings import Finding, Source


class Located(dict):
    """A dict that remembers where it started (``spot``), where each key was (``spots``)
    and which keys were given more than once (``duplicates``: ``[(key, spot)]``, the
    later value wins). Readers set the attributes they know; the defaults say "nothing
    known". (No ``__init__``: readers make a million of these, and a plain dict's
    constructor is what keeps that cheap.)"""

    spot = None
    spots: Mapping = MappingProxyType({})
    duplicates: Sequence = ()
    refused = None  # a reader that could not read all of it: where its problem is (see reading.validate)


class LinedList(list):
    """A list from a reader that remembers the spot each of its items starts at."""

    item_lines: list


class RawItem(NamedTuple):
    """One directive as read, before validation."""

    value: Any
    source: Source


class ReadResult(NamedTuple):
    """What a reader gives for one file (see the module docstring)."""

    items: list[RawItem]
    findings: list[Finding]
    header: Located | None = None
    where: Source | None = None


def spots_of(value) -> dict:
    """The per-key spots of a mapping from a reader (empty for a plain dict)."""
    return value.spots if isinstance(value, Located) else {}


def spot_of(value, default=None):
    """Where a mapping from a reader started, or ``default``."""
    spot = value.spot if isinstance(value, Located) else None
    return default if spot is None else spot
