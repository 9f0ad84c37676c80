"""The op registry: every directive kind, its fields, its same-day rank and its effect.

An op module registers handlers with :func:`op`. The loader validates raw
directives against the registered schema; replay calls ``apply``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..schema import Field

COMMON_FIELDS = ("date", "op", "doc", "note")


@dataclass(frozen=True)
class OpSpec:
    """What one directive kind looks like and does."""

    name: str
    label: str
    fields: dict[str, Field]
    apply: Callable
    rank: int
    needs_doc: bool | Callable[[dict], bool]
    aliases: tuple[str, ...] = ()

    def doc_required(self, fields: dict) -> bool:
        return self.needs_doc(fields) if callable(self.needs_doc) else bool(self.needs_doc)


OPS: dict[str, OpSpec] = {}
ALIASES: dict[str, str] = {}


def op(name: str, label: str, *, rank: int, fields: dict[str, Field], needs_doc=False, aliases=()):
    """Register ``fn(state, directive)`` as the handler of op ``name``.

    ``label`` is the Chinese name; it and ``aliases`` may be used as ``op:`` in a ledger.
    ``rank`` orders directives of the same date (lower first).
    """

    def register(fn):
        spec = OpSpec(name, label, fields, fn, rank, needs_doc, tuple(aliases))
        OPS[name] = spec
        for alias in (name, label, *aliases):
            ALIASES[alias] = name
        return fn

    return register


def lookup(name: str) -> OpSpec | None:
    """The spec for an op name (in any letter case) or any of its Chinese aliases."""
    text = str(name).strip()
    canonical = ALIASES.get(text) or ALIASES.get(text.lower())
    return OPS.get(canonical) if canonical else None
