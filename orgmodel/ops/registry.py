"""The op registry: every directive kind, its fields, its same-day rank and its effect.

An op module registers a handler with :func:`op`. The loader validates raw directives
against the registered fields; replay calls ``apply(state, directive)``. The handler
validates what the state must confirm (names, holders, amounts), plans the whole
effect, and only then calls the state's methods, so a refused directive changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from ..core.schema import Field

COMMON_FIELDS = ("date", "op", "doc", "note")  # fields every directive may have, besides its op's

# The same-day order: directives of one date are applied phase by phase (lower rank first),
# so that, say, a body is set up before quota is approved for it, and balance assertions
# see the end of the day. Each op names its phase; docs/ledger-format.md §8–9 shows the ranks.
SAME_DAY_PHASES: dict[str, int] = {
    "divisions": 0,      # open_division
    "pools": 5,          # open_pool
    "bodies": 10,        # establish
    "merges": 15,        # merge
    "splits": 16,        # split
    "names": 20,         # rename, signboards
    "attributes": 25,    # reclassify
    "quota": 30,         # approve, increase, cut
    "posts": 35,         # leader_posts
    "transfers": 40,     # transfer, return_loan
    "functions": 42,     # function_transfer
    "templates": 55,     # apply_template
    "staff": 60,         # staff
    "plans": 61,         # hiring_plan
    "hires": 63,         # hire
    "departures": 64,    # depart
    "off_quota": 65,     # off_quota
    "duties": 70,        # duty
    "abolitions": 80,    # abolish
    "assertions": 90,    # assert
}


@dataclass(frozen=True)
class OpSpec:
    """What one directive kind looks like and does."""

    name: str
    label: str
    phase: str
    fields: dict[str, Field]
    apply: Callable
    needs_doc: bool | Callable[[dict], bool]
    aliases: tuple[str, ...] = ()
    creates: Callable[[dict, object], list[str]] | None = None

    @property
    def rank(self) -> int:
        """The op's place in the same-day order (the rank of its phase)."""
        return SAME_DAY_PHASES[self.phase]

    def doc_required(self, fields: dict) -> bool:
        return self.needs_doc(fields) if callable(self.needs_doc) else bool(self.needs_doc)

    def created_names(self, d, config) -> list[str]:
        """The names of the bodies (or signboards) directive ``d`` of this kind brings into being."""
        return self.creates(d.fields, config) if self.creates else []


OPS: dict[str, OpSpec] = {}
ALIASES: dict[str, str] = {}


def op(name: str, label: str, *, phase: str, fields: dict[str, Field], needs_doc=False, aliases=(), creates=None):
    """Register ``fn(state, directive)`` as the handler of op ``name``.

    ``label`` is the Chinese name; it and ``aliases`` may be used as ``op:`` in a ledger.
    ``phase`` (a key of :data:`SAME_DAY_PHASES`) places it in the same-day order.
    ``creates(fields, config)`` names what a directive brings into being, so that a
    directive earlier the same day that refers to it can be told why it is not there yet.
    """
    if phase not in SAME_DAY_PHASES:
        raise ValueError(f"op {name}: unknown same-day phase {phase!r}")

    def register(fn):
        OPS[name] = OpSpec(name, label, phase, fields, fn, needs_doc, tuple(aliases), creates)
        for alias in (name, label, *aliases):
            ALIASES[alias] = name
        return fn

    return register


def lookup(name: str) -> OpSpec | None:
    """The spec for an op name (in any letter case) or any of its Chinese aliases."""
    text = str(name).strip()
    canonical = ALIASES.get(text) or ALIASES.get(text.lower())
    return OPS.get(canonical) if canonical else None
