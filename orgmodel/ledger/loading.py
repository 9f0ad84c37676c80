"""Load a ledger: read every source, validate, sort, and replay on demand.

Pipeline: an *origin* (a folder or file of readable files, or a source that is not a
file) gives directives and the findings met reading them → sort → replay as of a date
(:func:`~orgmodel.ledger.replay.replay`). Every problem is a finding; only an input that cannot be read at all
(a missing path, a folder with no ledger file) raises :class:`LedgerError`.

Origins are registered (:mod:`orgmodel.ledger.origins`): ``register_origin`` lets a source that is not a folder of
files (the office's store) plug in beside the built-in one, which reads files with the
readers of :mod:`orgmodel.sources`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import pickle
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from .. import tabular  # noqa: F401  (registers the workbook and CSV readers)
from ..core.collector import collector_paused
from ..core.config import Config, load_config, load_config_text
from ..core.directive import Directive
from ..core.findings import ERROR, Finding, RecordSource, Source
from ..ops import OPS
from ..reading.parse import sort_key
from ..reading.validate import Refused
from ..rules import RULES
from ..state import State
from . import checkpoints
from .checkpoints import History
from .origins import LedgerError, open_origin
from .replay import fresh_state, replay

T = TypeVar("T")


class Ledger:
    """Sorted directives plus the findings met while reading them.

    A ledger read from a :class:`~orgmodel.checkpoints.History` (the store) reads its
    directives only when they are asked for: a replay starts from a year-end checkpoint and
    needs only those after it."""

    def __init__(self, directives: list[Directive] | None, findings: list[Finding], config: Config, root: str = "",
                 files: list[str] | None = None, refused: list[Refused] | None = None, history: History | None = None):
        if directives is None and history is None:
            raise ValueError("a ledger needs its directives or a history to read them from")
        self._directives = directives
        self.findings, self.config, self.root = findings, config, root
        self.files = files if files is not None else []
        self.refused = refused if refused is not None else []  # creations refused while reading
        self.history = history
        self._by_source: dict[Source, Directive] | None = None  # see directives_at
        self._notes: dict[Source, str] | None = None            # see notes_at

    @property
    def directives(self) -> list[Directive]:
        if self._directives is None:
            if self.history is None:
                raise RuntimeError("this ledger's directives were consumed by state(consume=True)")
            self._directives = self.history.all()
        return self._directives

    @property
    def count(self) -> int:
        """How many directives there are (without reading them)."""
        if self._directives is not None:
            return len(self._directives)
        return self.history.count if self.history is not None else self._count

    def state(self, as_of: dt.date | None = None, consume: bool = False, trails: bool = False) -> State:
        """Replay every directive dated on or before ``as_of`` (all when None). With
        ``consume`` the ledger gives its directives up to the replay, which frees each one as
        it is applied: for a command that needs nothing of them afterwards (``check``), the
        peak memory is then the larger of the two, not their sum. Only the dates stay. With
        ``trails`` the state keeps every record's history."""
        if self.history is not None and checkpoints.enabled():
            return checkpoints.replay(self.history, self.config, as_of, self.refused, trails)
        if not consume or self.history is not None or trails:
            return replay(self.directives, self.config, as_of, self.refused, trails=trails)
        directives = self.directives
        self._dates = (directives[0].date, directives[-1].date) if directives else (None, None)
        self._count, self._directives = len(directives), None
        return replay(directives, self.config, as_of, self.refused, consume=True)

    def first_date(self) -> dt.date | None:
        if self._directives is None:
            return self.history.first_date if self.history is not None else self._dates[0]
        return self.directives[0].date if self.directives else None

    def last_date(self) -> dt.date | None:
        if self._directives is None:
            return self.history.last_date if self.history is not None else self._dates[1]
        return self.directives[-1].date if self.directives else None

    def state_with(self, extra: list[Directive], as_of: dt.date | None = None, trails: bool = False) -> State:
        """What ``self.with_directives(extra).state(as_of)`` gives (see :meth:`plan_states`)."""
        return self.plan_states(extra, as_of, trails=trails)[1]

    def walk(self, days: Sequence[dt.date], as_of: dt.date | None = None, extra: Sequence[Directive] = (),
             trails: bool = False) -> Iterator[State]:
        """One replay of the ledger (with ``extra`` added) that stands still at each of
        ``days`` (sorted, none after ``as_of``) and then at ``as_of``: it yields the same state
        each time, moved forward, so a caller must take what it reads at one stop before it
        asks for the next. The first stop is :meth:`state_with` (checkpoints, shared days)."""
        extra = sorted(extra, key=sort_key)
        stops = [*days, as_of]
        first = stops[0]
        state = self.state_with(extra, first, trails) if extra else self.state(first, trails=trails)
        yield state
        if len(stops) == 1:
            return
        later = [d for d in extra if d.date > first]
        known = len(self.refused)
        after = self._after(first, as_of)
        for r in self.refused[known:]:  # creations refused among the records read just now
            state.note_refusal(r)
        rest = list(heapq.merge(after, later, key=sort_key)) if later else after
        last = rest[-1].date if rest else first
        pos = 0
        for day in stops[1:]:
            end = len(rest) if day is None else bisect.bisect_right(rest, day, lo=pos, key=lambda d: d.date)
            with collector_paused():
                state.replay(rest[pos:end], OPS, day)
            pos = end
            state.finish(day or last)
            yield state

    def directives_at(self, marks: Sequence[tuple[int, Source]]) -> dict[Source, Directive]:
        """The directives that replay marked ``(position, Source)`` (a record's trail), by
        source, as far as they are still found. From a store only those records are read; from
        files the position finds each one, else an index of sources built once."""
        if self._directives is None and self.history is not None:
            ids = {s.line for _, s in marks if isinstance(s, RecordSource)}
            found = self.history.at(ids)
            return {s: found[s.line] for _, s in marks if isinstance(s, RecordSource) and s.line in found}
        directives, out = self.directives, {}
        for seq, source in marks:
            d = directives[seq - 1] if 0 < seq <= len(directives) else None
            if d is None or d.source != source:
                if self._by_source is None:
                    self._by_source = {x.source: x for x in directives}
                d = self._by_source.get(source)
            if d is not None:
                out[source] = d
        return out

    def notes_at(self, sources) -> dict[Source, str]:
        """The internal notes (备注) of the directives read at ``sources``, for those that have
        one. From a store only those records are read."""
        wanted = set(sources)
        if self._directives is None and self.history is not None:
            ids = {s.line for s in wanted if isinstance(s, RecordSource)}
            found = self.history.at(ids)
            return {s: found[s.line].note for s in wanted
                    if isinstance(s, RecordSource) and s.line in found and found[s.line].note}
        if self._notes is None:
            self._notes = {d.source: d.note for d in self.directives if d.note}
        return {s: self._notes[s] for s in wanted if s in self._notes}

    def _after(self, day: dt.date, until: dt.date | None = None) -> list[Directive]:
        """The directives dated after ``day`` (and on or before ``until``, when given), sorted;
        from the store without reading the rest."""
        if self._directives is None and self.history is not None:
            return self.history.after(day, until)
        directives = self.directives
        end = len(directives) if until is None else bisect.bisect_right(directives, until, key=lambda d: d.date)
        return directives[bisect.bisect_right(directives, day, key=lambda d: d.date):end]

    def plan_states(self, extra: list[Directive], as_of: dt.date | None = None,
                    summarize: Callable[[State], T] | None = None, trails: bool = False) -> tuple[T | None, State]:
        """``(summarize(base), after)``: ``summarize`` of the state as of ``as_of`` (None when no
        ``summarize`` is given), and the state with ``extra`` added, the same as
        ``with_directives(extra).state(as_of)`` gives. The base is replayed once:

        - when every directive of the base up to ``as_of`` is dated before the first of
          ``extra``, ``extra`` is applied to the base state itself once ``summarize`` has read
          it (so ``summarize`` must keep no reference to the state);
        - otherwise the days before the first of ``extra`` are shared: from the store, both
          states start from year-end checkpoints; else they are replayed once and copied."""
        extra = sorted(extra, key=sort_key)
        last = max((d for d in (self.last_date(), extra[-1].date if extra else None) if d is not None), default=None)
        if summarize is not None and (not extra or self._all_before(extra[0].date, as_of)):
            state = self.state(as_of, trails=trails)
            summary = summarize(state)
            with collector_paused():
                state.replay(extra, OPS, as_of)
            state.finish(as_of or last)
            return summary, state
        if self.history is not None and checkpoints.enabled():
            base = summarize(self.state(as_of, trails=trails)) if summarize is not None else None
            return base, checkpoints.replay_with(self.history, self.config, as_of, extra, self.refused, trails)
        directives = self.directives
        split = bisect.bisect_left(directives, extra[0].date, key=lambda d: d.date) if extra else len(directives)
        with collector_paused():
            shared = fresh_state(self.config, self.refused, trails)
            shared.replay(directives[:split], OPS, as_of)
            # a copy of the days both share; pickling is how checkpoints copy a state too
            after = pickle.loads(pickle.dumps(shared, pickle.HIGHEST_PROTOCOL)) if summarize is not None else shared
            after.replay(list(heapq.merge(directives[split:], extra, key=sort_key)), OPS, as_of)
        after.finish(as_of or last)
        if summarize is None:
            return None, after
        with collector_paused():
            shared.replay(directives[split:], OPS, as_of)
        shared.finish(as_of or (directives[-1].date if directives else None))
        return summarize(shared), after

    def recall(self, kind: str, day: dt.date | None):
        """What :meth:`remember` kept of ``kind`` for this ledger as of ``day``, if the
        directives dated up to ``day`` are still the same; None otherwise, and always for a
        ledger read from files (only a store can name its directives up to a day cheaply)."""
        if day is None or self.history is None or not checkpoints.enabled() or self.refused:
            return None
        return checkpoints.recall(self.history, self.config, kind, day)

    def remember(self, kind: str, day: dt.date | None, value) -> None:
        """Keep ``value``, which must depend only on the state as of ``day``, for :meth:`recall`."""
        if day is not None and self.history is not None and checkpoints.enabled() and not self.refused:
            checkpoints.remember(self.history, self.config, kind, day, value)

    def _all_before(self, day: dt.date, as_of: dt.date | None) -> bool:
        """True when no directive dated on or after ``day`` is applied in a replay as of ``as_of``."""
        last = self.last_date()
        return last is None or last < day or (as_of is not None and as_of < day)

    def with_directives(self, extra: list[Directive]) -> Ledger:
        """A new ledger of these directives plus ``extra``; this one is not changed."""
        merged = sorted([*self.directives, *extra], key=sort_key)
        return Ledger(merged, list(self.findings), self.config, self.root, list(self.files), list(self.refused))


def read_config(path: str | Path | None) -> Config:
    """The configuration at ``path`` (the defaults when None), its ``rules:`` section checked
    against the registered rules; ConfigError with every problem at its line."""
    return load_config(path, RULES)


def load(path: str | Path, config_path: str | Path | None = None) -> Ledger:
    """Load the ledger at ``path`` (a folder of ledger files, one file, or a registered origin).

    The configuration is ``config_path`` if given, else the origin's own (``orgmodel.yaml``
    in the folder) if present, else the shipped defaults.
    """
    origin = open_origin(path)
    text = getattr(origin, "config_text", None)  # a store keeps the ledger's config inside it
    if config_path is None and text is not None:
        config = load_config_text(text, f"{path}(配置)", RULES)
    else:
        config = read_config(config_path if config_path is not None else origin.config_path)
    history = origin.history(config) if hasattr(origin, "history") else None
    if history is not None:  # read only as far as a replay needs; what is wrong with a record shows as it is read
        directives, findings, count = None, history.findings, history.count
    else:
        directives, findings = origin.read(config)
        directives.sort(key=sort_key)
        count = len(directives)
    if not count and not any(f.severity == ERROR for f in findings):
        files = "、".join(origin.files[:3]) + ("等" if len(origin.files) > 3 else "")
        raise LedgerError(f"{path}: 台账中没有任何指令({files} 为空或只有注释);请先写入指令,"
                          f"或用 orgmodel template 生成工作簿模板填写")
    refused = history.refused if history is not None else list(getattr(origin, "refused", []))
    return Ledger(directives, findings, config, str(path), list(origin.files), refused, history)

