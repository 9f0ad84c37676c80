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
from pathlib import Path

from ..core.findings import Finding
from ..figures.balance import Tables, tables_of
from ..ledger.loading import Ledger, load
from ..rules import run_rules
from ..state import State


@dataclass
class Checked:
    """A ledger replayed to a date, with every finding: reading, replay, and the rules."""

    ledger: Ledger
    state: State
    read_findings: list[Finding]
    replay_findings: list[Finding]
    rule_findings: list[Finding] = field(default_factory=list)
    roster_findings: list[Finding] = field(default_factory=list)
    # in-post people per (body id, quota type) from a roster: the tables' 实有 then comes from them
    roster_counts: dict[tuple[int, str], int] | None = None

    @property
    def findings(self) -> list[Finding]:
        return [*self.read_findings, *self.replay_findings, *self.rule_findings, *self.roster_findings]

    @property
    def ledger_findings(self) -> list[Finding]:
        """What reading and replaying found (the rules aside)."""
        return [*self.read_findings, *self.replay_findings]

    @property
    def tables(self) -> Tables:
        """The balance tables; with a roster, :class:`~orgmodel.roster.balance.RosterTables`
        (实有 from the roster, the ledger's 实有 beside it)."""
        if self.roster_counts is None:
            return tables_of(self.state)
        if getattr(self, "_roster_tables", None) is None:
            from ..roster.balance import RosterTables

            self._roster_tables = RosterTables(self.state, self.roster_counts)
        return self._roster_tables

    @property
    def as_of(self) -> dt.date | None:
        return self.state.as_of


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
