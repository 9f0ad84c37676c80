"""One object per ledger: it opens a ledger once and answers every question about it.

In the manner of fava's ``FavaLedger``, a :class:`Book` opens a ledger (a folder of YAML, a
workbook, a folder of CSV files, or a database) with its configuration, and answers for a
question (an as-of date, plans laid over the ledger, a real-name roster) with an
:class:`Answer`: the state, its tables and every finding, and on that the trace, history and
duties of a body, the roster's audit and forecast. The command line and the workbench are two
faces of it: each turns requests into calls and answers into text or pages.

- **One replay per question.** The book chooses how to replay: from a year-end checkpoint
  of a database, along one walk that stops at each roster snapshot's day (so the roster is
  audited on the very state the balance is taken from), with plans merged in.
- **Cached and read-only.** Answers, scenarios and simulations are kept per question (a few
  at a time: a province's state is large) and never changed once given.
- **Fresh.** :meth:`Book.refresh` compares a cheap stamp of the source (the files' sizes and
  times, a database's head) and reads the ledger again when it changed.

Errors: opening raises :class:`~orgmodel.ledger.LedgerError` or
:class:`~orgmodel.core.config.ConfigError`; a plan that cannot be read,
:class:`~orgmodel.answers.scenario.ScenarioError`; a roster,
:class:`~orgmodel.roster.RosterError`. Everything else a ledger holds is a finding.
"""

from __future__ import annotations

import datetime as dt
import gc
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from ..core import progress as steps
from ..core.findings import Finding, has_errors
from ..figures.provenance import Trace, trace
from ..ledger import Ledger, load
from ..ledger.origins import stamp
from ..roster import Reconciled, Reconciliation, dated_snapshots, latest_date
from ..roster.forecast import by_township, forecast
from ..rules import run_rules
from ..state import Body
from .checking import Checked, distinct
from .history import History, history
from .orgchart import OrgChart, chart_of, division_code
from .scenario import Scenario, Simulation, late_findings, load_scenario, scenario_as_of, simulate

Progress = Callable[[str], None]


@dataclass(frozen=True)
class Question:
    """What an answer is for: the day, the plans (scenario files) laid over the ledger, the
    roster, whether the rules run, whether people are named only by row (``public``), and
    whether records keep their trails (for histories)."""

    as_of: dt.date | None = None
    plans: tuple[str, ...] = ()
    roster: str | None = None
    rules: bool = True
    public: bool = False
    trails: bool = False


@dataclass(frozen=True)
class Answer:
    """The ledger as of a day, with plans and a roster: every figure and finding of it."""

    question: Question
    checked: Checked
    reconciled: Reconciled | None = None

    # -- what every output reads ------------------------------------------------------
    @property
    def ledger(self) -> Ledger:
        return self.checked.ledger

    @property
    def state(self):
        return self.checked.state

    @property
    def tables(self):
        return self.checked.tables

    @property
    def as_of(self) -> dt.date | None:
        return self.checked.as_of

    @property
    def findings(self) -> list[Finding]:
        """Reading, replay, rules, and what reading the roster found."""
        return self.checked.findings

    @property
    def ledger_findings(self) -> list[Finding]:
        """What reading and replaying the ledger found (no rules, no roster)."""
        return self.checked.ledger_findings

    @property
    def roster_findings(self) -> list[Finding]:
        """What reconciling the roster found (its reading problems, the latest audit, the movements)."""
        return self.reconciled.findings if self.reconciled is not None else []

    def refusal(self, rule_errors: bool = False) -> list[Finding] | None:
        """The findings that forbid writing an output from this answer (a published report,
        an export, an import), or None when it may be written: any error in reading,
        replaying or reading the roster, and with ``rule_errors`` any rule's error too."""
        blocking = self.checked.blocking(rule_errors)
        return blocking if has_errors(blocking) else None

    # -- questions about one thing --------------------------------------------------------
    def find(self, ref: str):
        """``(body, pool or None, why)``: what ``ref`` names (a name, ``区划/名称``, a signboard or
        a former name), and how it was found or why nothing was."""
        return self.state.find_by_any_name(ref)

    def find_body(self, ref: str):
        """``(body or None, why)``: the active body ``ref`` names (name, ``区划/名称`` or signboard)."""
        return self.state.find_body(ref)

    def trace(self, holder) -> Trace:
        """Where ``holder``'s approved quota came from (:func:`orgmodel.figures.provenance.trace`)."""
        return trace(self.state, holder)

    def history(self, holder) -> History:
        """``holder``'s history (沿革); the answer must have been asked with ``trails``."""
        plans = self._plan_directives

        def directives_at(marks):
            found = self.ledger.directives_at(marks)
            missing = [s for _, s in marks if s not in found]
            return {**found, **{s: plans[s] for s in missing if s in plans}}

        return history(self.state, holder, directives_at)

    @cached_property
    def _plan_directives(self) -> dict:
        return {d.source: d for d in self.checked.plan_directives}

    def duties(self, body: Body | None = None) -> pd.DataFrame:
        """The duty items (责任事项), only those ``body`` leads or supports when given."""
        df = self.tables.duties
        if body is None:
            return df
        state = self.state
        keys = state.duties_of(body)
        mine = {(state.duties[k].name, state.bodies[state.duties[k].lead].division) for k in keys}
        return df[[(i, c) in mine for i, c in zip(df["item"], df["division_code"])]].reset_index(drop=True)

    def chart(self, division: str | None = None) -> OrgChart:
        """The org chart (机构图) of ``division`` (a name or code; the root when None) as the
        state stands. Raises :class:`~orgmodel.answers.orgchart.ChartError` for a division
        that does not exist."""
        return chart_of(self.state, division_code(self.state, division))

    def forecast(self, years: int, by: str = "township", public: bool = False) -> pd.DataFrame:
        """Vacancies as people reach retirement age over ``years``, per township or body."""
        latest = self.reconciled.latest
        table = forecast(latest, years)
        if by == "township":
            table = by_township(latest.state, table)
        if public:
            table = table.drop(columns=[c for c in ("body_id",) if c in table.columns])
        return table


@dataclass
class _Opened:
    ledger: Ledger
    stamp: str


class Book:
    """One ledger and its answers (see the module docstring).

    ``progress`` hears a line of Chinese at each long step (reading, replaying, reconciling);
    ``keep`` is how many answers are cached at once."""

    def __init__(self, path: str | Path, config_path: str | Path | None = None, *,
                 progress: Progress | None = None, keep: int = 2):
        self.path, self.config_path = str(path), config_path
        self.progress = progress or (lambda message: None)
        self.keep = keep
        self._lock = threading.RLock()
        self._opened: _Opened | None = None
        self._answers: OrderedDict[tuple, Answer] = OrderedDict()
        self._scenarios: dict[tuple, Scenario] = {}
        self._simulations: OrderedDict[tuple, Simulation] = OrderedDict()
        self._open()

    # -- the ledger ----------------------------------------------------------------
    def _open(self) -> _Opened:
        start = time.perf_counter()
        self.progress(f"正在读取台账 {self.path}")
        now = stamp(self.path, self.config_path)
        led = load(self.path, self.config_path)
        self.progress(f"已读入 {led.count:,} 条指令(用时 {time.perf_counter() - start:.1f} 秒)")
        self._opened = _Opened(led, now)
        self._answers.clear()
        self._simulations.clear()
        return self._opened

    @property
    def ledger(self) -> Ledger:
        with self._lock:
            return (self._opened or self._open()).ledger

    @property
    def config(self):
        return self.ledger.config

    @property
    def stamp(self) -> str:
        """The stamp of the ledger the answers come from (see :func:`orgmodel.ledger.origins.stamp`)."""
        return self._opened.stamp if self._opened else ""

    def refresh(self) -> bool:
        """Read the ledger again if its source changed since it was read; True when it did."""
        with self._lock:
            if self._opened is not None and stamp(self.path, self.config_path) == self._opened.stamp:
                return False
            self._open()
            return True

    # -- answers ---------------------------------------------------------------------
    def answer(self, as_of: dt.date | None = None, plans: Sequence[str] = (), roster: str | None = None, *,
               rules: bool = True, public: bool = False, trails: bool = False, consume: bool = False) -> Answer:
        """The answer to one question (cached). ``consume``: the caller asks nothing more of
        this book's directives (``check``), which the replay then frees as it goes; the ledger
        is read again if asked later."""
        q = Question(as_of, tuple(str(p) for p in plans), None if roster is None else str(roster), rules, public, trails)
        with self._lock:
            key = (self.stamp, q)
            if key in self._answers:
                self._answers.move_to_end(key)
                return self._answers[key]
            found = self._compute(q, consume)
            if consume:
                self._opened = None  # its directives are gone
            else:
                self._answers[key] = found
                while len(self._answers) > self.keep:
                    self._answers.popitem(last=False)
            return found

    def _compute(self, q: Question, consume: bool) -> Answer:
        led = self.ledger
        plans = [self.scenario(p) for p in q.plans]
        as_of = q.as_of
        if as_of is None and q.roster is not None:
            as_of = latest_date(q.roster)
        if as_of is None and plans:
            as_of = max((d for d in (scenario_as_of(led, sc) for sc in plans) if d is not None), default=None)
        extra = [d for sc in plans for d in sc.directives]
        rec = None
        stops: list[dt.date] = []
        if q.roster is not None:
            self.progress(f"正在读取并核对花名册 {q.roster}")
            roster, snapshots = dated_snapshots(q.roster, as_of)
            rec = Reconciliation(roster, snapshots, as_of or led.last_date(), led.first_date(), q.public)
            final = as_of or max((d for d in (led.last_date(), extra[-1].date if extra else None) if d), default=None)
            stops = [d for d in rec.days if final is None or d < final]
        start = time.perf_counter()
        self.progress("正在重放台账" + ("并检查规则" if q.rules else ""))
        steps.step("正在重放台账", led.count)
        if consume and not (extra or rec or q.trails):
            state = led.state(as_of, consume=True)
        else:
            for state in led.walk(stops, as_of, extra, q.trails):
                if rec is not None:
                    rec.feed(state)
        if q.rules:
            steps.step("正在检查规则")
        found = run_rules(state, led.config) if q.rules else []
        late = [f for sc in plans for f in (*sc.findings, *late_findings(sc, state.as_of))]
        reconciled = rec.result() if rec is not None else None
        checked = Checked(led, state, [*led.findings, *late], distinct(state.findings), found,
                          list(reconciled.roster.findings) if reconciled else [],
                          reconciled.latest.roster_counts() if reconciled and reconciled.audits else None,
                          tuple(extra))
        self.progress(f"重放{'和检查' if q.rules else ''}完成(用时 {time.perf_counter() - start:.1f} 秒)")
        if gc.isenabled():
            # A state is millions of objects built with the collector paused: left young, every
            # collection would walk them all (a province's tables then take 5 s instead of 0.4 s).
            # One full collection now moves them to the oldest generation and counts them as old, so
            # the next full one waits until a quarter as many again are made. (The command line pauses the
            # collector for the whole command and freezes what it built instead.)
            gc.collect()
        return Answer(q, checked, reconciled)

    # -- plans -----------------------------------------------------------------------
    def scenario(self, path: str | Path) -> Scenario:
        """The plan in the scenario file at ``path``, read once while the file is unchanged."""
        p = Path(path)
        try:
            st = p.stat()
            key = (str(path), st.st_size, st.st_mtime_ns, self.stamp)
        except OSError:
            key = None
        if key is not None and key in self._scenarios:
            return self._scenarios[key]
        plan = load_scenario(path, self.config)
        if key is not None:
            self._scenarios[key] = plan
        return plan

    def simulate(self, plan: str | Path | Scenario, as_of: dt.date | None = None) -> Simulation:
        """The plan simulated on the ledger (cached); plans on the same day share one check of the base."""
        sc = plan if isinstance(plan, Scenario) else self.scenario(plan)
        with self._lock:
            key = (self.stamp, sc.path, id(sc), as_of)
            if key in self._simulations:
                return self._simulations[key]
            base = next((s.before for s in self._simulations.values()), None)
            sim = simulate(self.ledger, sc, as_of, base=base)
            self._simulations[key] = sim
            while len(self._simulations) > max(self.keep, 4):
                self._simulations.popitem(last=False)
            return sim

    def compare(self, plans: Sequence[str | Path], as_of: dt.date | None = None) -> list[Simulation]:
        """Each plan simulated on the same day, sharing one check of the base."""
        return [self.simulate(p, as_of) for p in plans]

    # -- the database ----------------------------------------------------------------
    def sign_off(self) -> str | None:
        """The line a published report or export prints beside its sign-off block when the
        ledger is a database: its record count, last record and head hash, to be compared
        later with ``orgmodel verify --head`` (None for a ledger of files)."""
        from ..store.trust import sign_off_text

        return sign_off_text(self.path)

    def correction_errors(self, record: int) -> list[Finding]:
        """The errors the ledger would newly have if record ``record`` of the database were
        reversed (its effects gone); empty when there are none or it is not an effective record."""
        from ..core.findings import RecordSource

        led = self.ledger
        before = self.answer()
        kept = [d for d in led.directives if not (isinstance(d.source, RecordSource) and d.source.line == record)]
        if len(kept) == len(led.directives):
            return []
        without = Ledger(kept, list(led.findings), led.config, led.root, list(led.files), list(led.refused))
        state = without.state()
        after = [*without.findings, *distinct(state.findings), *run_rules(state, led.config)]
        old = {(f.rule, f.message) for f in before.findings if f.severity == "error"}
        return [f for f in after if f.severity == "error" and (f.rule, f.message) not in old]

