"""Checking a ledger: the one library call that reads, replays and runs the rules.

Every command, report, simulation and test goes through :func:`check` (or
:func:`check_path`), in the manner of beancount's ``loader.load``::

    checked = check_path("data/demo", as_of=date(2023, 12, 31))
    checked.state          # the replayed State
    checked.findings       # reading + replay + rule findings
    checked.tables         # the balance tables of that state (computed on first use)
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from ..core.findings import Finding
from ..figures.balance import Tables, tables_of
from ..ledger.loading import Ledger, load
from ..roster.balance import RosterTables
from ..rules import run_rules
from ..state import State


@dataclass(frozen=True)
class Checked:
    """A ledger replayed to a date, with every finding: reading, replay, the rules and, with a
    roster, what reading the roster found. Read-only: what differs is a new Checked."""

    ledger: Ledger
    state: State
    read_findings: list[Finding]
    replay_findings: list[Finding]
    rule_findings: list[Finding] = field(default_factory=list)
    roster_findings: list[Finding] = field(default_factory=list)
    # in-post people per (body id, quota type) from a roster: the tables' 实有 then comes from them
    roster_counts: dict[tuple[int, str], int] | None = None
    plan_directives: tuple = ()  # the directives of the plans laid over the ledger, if any

    @property
    def findings(self) -> list[Finding]:
        return [*self.read_findings, *self.replay_findings, *self.rule_findings, *self.roster_findings]

    @property
    def ledger_findings(self) -> list[Finding]:
        """What reading and replaying found (the rules aside)."""
        return [*self.read_findings, *self.replay_findings]

    @cached_property
    def tables(self) -> Tables:
        """The balance tables; with a roster, :class:`~orgmodel.roster.balance.RosterTables`
        (实有 from the roster, the ledger's 实有 beside it)."""
        if self.roster_counts is None:
            return tables_of(self.state)
        return RosterTables(self.state, self.roster_counts)

    @property
    def as_of(self) -> dt.date | None:
        return self.state.as_of

    def blocking(self, rule_errors: bool = False) -> list[Finding]:
        """The findings that stop an output resting on this ledger (a published report, an
        export, an import): when any of them is an error, nothing may be written. Reading,
        replay and roster-reading findings always count; the rules' only with ``rule_errors``
        (over quota is a fact a report shows, not a reason to refuse it)."""
        return [*self.ledger_findings, *self.roster_findings, *(self.rule_findings if rule_errors else ())]


def check(ledger: Ledger, as_of: dt.date | None = None, rules: bool = True, consume: bool = False) -> Checked:
    """Replay ``ledger`` as of ``as_of`` (all of it when None) and, with ``rules``, run the rule
    checks (``consume``: see :meth:`Ledger.state`)."""
    return check_state(ledger, ledger.state(as_of, consume), rules)


def check_state(ledger: Ledger, state: State, rules: bool = True) -> Checked:
    """``state`` (replayed from ``ledger``, perhaps with more directives) with the ledger's
    reading findings, its replay findings and, with ``rules``, the rule checks."""
    found = run_rules(state, ledger.config) if rules else []
    return Checked(ledger, state, list(ledger.findings), distinct(state.findings), found)


def distinct(findings) -> list[Finding]:
    """The findings without repeats: one table row can stand for several directives (one per
    quota type), and when all of them are refused for the same reason the user hears it once."""
    seen, out = set(), []
    for f in findings:
        key = (str(f.source), f.rule, f.message, f.severity)
        if key not in seen:
            seen.add(key)
            out.append(f)
    return out


def check_path(path: str | Path, config_path: str | Path | None = None, as_of: dt.date | None = None,
               rules: bool = True) -> Checked:
    """Load the ledger at ``path`` and :func:`check` it (raises LedgerError or ConfigError
    when it cannot be read at all)."""
    return check(load(path, config_path), as_of, rules)
