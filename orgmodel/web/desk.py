"""What the workbench keeps of the ledger: for each day asked, a :class:`Sheet` with the
book's answer and what pages derive from it once (the report's site model, the search index,
every finding with the rules), so that after the first page of a day each later page only
selects and renders.

The book is asked again at every request (:meth:`Desk.sheet`): when the ledger's files or
the database changed, the book reads it again and the sheets of the old ledger are dropped.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from functools import cached_property
from pathlib import Path

from ..answers.book import Answer, Book
from ..core.findings import Finding
from ..ledger.origins import claims_store
from ..report.balance_report import BalanceSite
from ..report.site import county_file, page_of, town_file
from ..roster import RosterError
from ..rules import run_rules
from .search import SearchIndex

PAGES_KEPT = 200  # rendered pages kept per day (a province's overview is about 4 MB)


class Sheet:
    """One answer of the book and everything the pages read from it (computed on first use)."""

    def __init__(self, answer: Answer, roster_note: str | None = None):
        self.answer = answer
        self.state = answer.state
        self.roster_note = roster_note  # why the roster is not used for this day, if it is not
        self._lock = threading.Lock()
        self._pages: OrderedDict[str, bytes] = OrderedDict()  # rendered pages, see page()
        self._extras: threading.Thread | None = None           # see start_extras()
        self._ready = {"entries": threading.Event(), "findings": threading.Event()}

    @cached_property
    def site(self) -> BalanceSite:
        return BalanceSite(self.answer.checked, notes_on_demand=True)

    @cached_property
    def search(self) -> SearchIndex:
        return SearchIndex(self.state, {code: name for name, (_, code) in self.pages.items()})

    @cached_property
    def rule_findings(self) -> list[Finding]:
        """What the rules find (run here: the pages' answer is asked without them, for speed)."""
        answer = self.answer
        return answer.checked.rule_findings if answer.question.rules else run_rules(self.state, answer.ledger.config)

    @cached_property
    def findings(self) -> list[Finding]:
        """Every finding: reading, replay, the rules, and the roster's."""
        return [*self.answer.ledger_findings, *self.rule_findings, *self.answer.roster_findings]

    @property
    def checked(self):
        """The answer's :class:`~orgmodel.answers.checking.Checked` with the rules' findings, as
        the commands' (what a download writes)."""
        return replace(self.answer.checked, rule_findings=self.rule_findings)

    @cached_property
    def pages(self) -> dict[str, tuple[str, str]]:
        """``{page file: ("town" | "county", division code)}`` for every balance page."""
        out = {town_file(t["code"]): ("town", t["code"]) for t in self.site.towns}
        out.update({county_file(code): ("county", code) for code in self.site.codes})
        return out

    def page_of(self, code: str) -> str:
        """The page that lists the bodies of division ``code``."""
        return page_of(self.state, code)

    def page(self, name: str, render: Callable[[], bytes]) -> bytes:
        """The page ``name`` as rendered once by ``render`` (the answer does not change; the
        last :data:`PAGES_KEPT` pages are kept)."""
        found = self._pages.get(name)
        if found is None:
            found = render()
            with self._lock:
                self._pages[name] = found
                while len(self._pages) > PAGES_KEPT:
                    self._pages.popitem(last=False)
        return found

    def warm(self) -> None:
        """Build what every page reads, under a lock (several requests may arrive at once)."""
        with self._lock:
            _ = self.pages, self.search, self.site.counties

    def start_extras(self) -> None:
        """Begin building, in the background, what only some pages read: the townships' change
        lists, then every finding with the rules. A clerk reads the first page meanwhile."""
        with self._lock:
            if self._extras is None:
                self._extras = threading.Thread(target=self._build_extras, name="orgmodel-extras", daemon=True)
                self._extras.start()

    def extras(self, what: str) -> None:
        """Wait until ``what`` (``"entries"`` or ``"findings"``) is built (see :meth:`start_extras`)."""
        self.start_extras()
        self._ready[what].wait()

    def _build_extras(self) -> None:
        try:
            _ = self.site.touched
        finally:
            self._ready["entries"].set()
        try:
            _ = self.findings
        finally:
            self._ready["findings"].set()


class Desk:
    """The workbench's hold on a :class:`Book`: sheets per day, dropped when the ledger changes."""

    def __init__(self, book: Book, roster: str | None = None, keep: int | None = None):
        self.book, self.roster = book, roster
        self.keep = book.keep if keep is None else keep
        self._sheets: dict[tuple, Sheet] = {}
        self._lock = threading.RLock()

    def sheet(self, as_of: dt.date | None) -> Sheet:
        """The sheet of ``as_of`` (the ledger's latest day when None), of the ledger as it is now."""
        with self._lock:
            self.book.refresh()
            note = None
            try:
                answer = self.book.answer(as_of, roster=self.roster, rules=False, trails=True)
            except RosterError as exc:  # no roster of that day: the ledger's own 实有
                note = f"花名册未用于此日期:{exc}"
                answer = self.book.answer(as_of, rules=False, trails=True)
            key = (self.book.stamp, answer.question)
            sheet = self._sheets.get(key)
            if sheet is None or sheet.answer is not answer:
                sheet = self._sheets[key] = Sheet(answer, note)
                for old in [k for k in self._sheets if k[0] != self.book.stamp][: len(self._sheets)]:
                    del self._sheets[old]
                while len(self._sheets) > self.keep:
                    del self._sheets[next(iter(self._sheets))]
        sheet.warm()
        sheet.start_extras()
        return sheet

    @property
    def is_store(self) -> bool:
        """True when the ledger is a database (which keeps a log of who recorded what)."""
        return claims_store(Path(self.book.path))
