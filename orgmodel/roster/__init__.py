"""The real-name roster (实名制): people read from workbooks, reconciled with the ledger.

- :mod:`.layout`: the roster sheet's columns; :mod:`.read`: files and dated snapshots to people;
- :mod:`.idcard`: ID numbers (check digit, birth date, sex, masking); :mod:`.retire`: the
  statutory retirement age, from the rules in ``retirement.yaml``;
- :mod:`.audit`: one snapshot against the ledger on its date; :mod:`.movements`: what changed
  between snapshots, matched to directives; :mod:`.forecast`: vacancies as people retire;
- :mod:`.balance`: balance tables whose 实有 comes from the roster.

:func:`reconcile` runs them all for a command.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

import pandas as pd

from ..core.findings import Finding
from ..core.titles import title_of
from ..rules import settle
from .audit import Audit, audit
from .movements import Movements, movements
from .read import Roster, RosterError, read_roster


@dataclass
class Reconciled:
    """A roster reconciled with a ledger: reading findings, one audit per snapshot (oldest
    first) and the movements between consecutive snapshots."""

    roster: Roster
    audits: list[Audit]
    movements: list[Movements]

    @property
    def latest(self) -> Audit:
        return self.audits[-1]

    @property
    def findings(self) -> list[Finding]:
        """What a user acts on: reading problems, the latest snapshot's audit, every movement's."""
        return [*self.roster.findings, *self.latest.findings, *(f for m in self.movements for f in m.findings)]


def dated_snapshots(path, as_of: dt.date | None = None) -> tuple[Roster, list]:
    """The roster at ``path`` and its snapshots dated on or before ``as_of`` (undated ones
    too); RosterError when none can be read or none lists anybody."""
    roster = read_roster(path, as_of)
    snapshots = [s for s in roster.snapshots if as_of is None or s.date is None or s.date <= as_of]
    if not snapshots:
        raise RosterError(f"{path}: 没有可核对的花名册" + (f"(截至 {as_of})" if as_of else "")
                          + "".join(f";{f.format()}" for f in roster.findings[:3]))
    if not any(s.people for s in snapshots):
        raise RosterError(f"{path}: 花名册中没有人员记录(模板的示例行不计);"
                          + ("".join(f"{f.format()};" for f in roster.findings[:3]) or "请在“花名册”表中每行填写一名人员"))
    return roster, snapshots


def latest_date(path) -> dt.date | None:
    """The latest date of the roster's snapshots (None when none is dated)."""
    dated = [s.date for s in read_roster(path).snapshots if s.date is not None]
    return max(dated) if dated else None


class Reconciliation:
    """A roster reconciled along one replay of the ledger: the replay stops at each day in
    :attr:`days` and hands its state to :meth:`feed`, which audits the snapshots of that day
    and the movements since the one before. Only the latest audit keeps its state; the
    earlier ones keep what they found (the state has moved on)."""

    def __init__(self, roster: Roster, snapshots: list, default_day: dt.date | None,
                 ledger_start: dt.date | None, public: bool = False):
        self.roster, self.public, self.ledger_start = roster, public, ledger_start
        self.by_day: dict = {}
        for snap in snapshots:
            self.by_day.setdefault(snap.date or default_day, []).append(snap)
        self.days = sorted(d for d in self.by_day if d is not None)
        self.audits: list[Audit] = []
        self.moves: list[Movements] = []
        self.config = None  # the ledger's, once a state is fed

    def feed(self, state) -> None:
        """Audit the snapshots dated ``state.as_of`` against ``state``."""
        self.config = state.config
        for snap in self.by_day.get(state.as_of, ()):
            now = audit(state, snap, state.as_of, self.ledger_start, self.public)
            if self.audits:
                self.moves.append(movements(self.audits[-1], now, self.public))
                self.audits[-1] = replace(self.audits[-1], state=None)
            self.audits.append(now)

    def result(self) -> Reconciled:
        """The audits and movements, with the roster's reading findings under the ledger
        config's ``rules:`` section (as the audits' are)."""
        roster = self.roster
        if self.config is not None:
            roster = replace(roster, findings=settle(roster.findings, self.config))
        return Reconciled(roster, self.audits, self.moves)


def reconcile(ledger, path, as_of: dt.date | None = None, public: bool = False) -> Reconciled:
    """Read the roster at ``path`` and reconcile each of its snapshots dated on or before
    ``as_of`` with ``ledger`` replayed to the snapshot's date, in one replay (RosterError when
    none can be read)."""
    roster, snapshots = dated_snapshots(path, as_of)
    rec = Reconciliation(roster, snapshots, as_of or ledger.last_date(), ledger.first_date(), public)
    for state in ledger.walk(rec.days[:-1], rec.days[-1]):
        rec.feed(state)
    return rec.result()


def public_summary(findings: list[Finding], state) -> pd.DataFrame:
    """Counts only: per problem kind and division, how many findings (no names, no ID numbers)."""
    rows = {}
    for f in findings:
        code = f.divisions[0] if f.divisions else ""
        key = (f.rule, code)
        rows[key] = rows.get(key, 0) + 1
    out = [{"rule": title_of(rule), "division_code": code,
            "division": state.divisions[code].name if code in state.divisions else "", "count": n}
           for (rule, code), n in sorted(rows.items(), key=lambda kv: (kv[0][1], kv[0][0]))]
    return pd.DataFrame(out, columns=["rule", "division_code", "division", "count"])


__all__ = ["Audit", "Reconciled", "Reconciliation", "RosterError", "dated_snapshots", "latest_date", "public_summary",
           "reconcile", "read_roster"]
