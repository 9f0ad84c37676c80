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
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from .. import tabular  # noqa: F401  (registers the workbook and CSV readers)
from ..core.collector import collector_paused
from ..core.config import Config, load_config, load_config_text
from ..core.directive import Directive
from ..core.findings import ERROR, Finding
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

    def state(self, as_of: dt.date | None = None, consume: bool = False) -> State:
        """Replay every directive dated on or before ``as_of`` (all when None). With
        ``consume`` the ledger gives its directives up to the replay, which frees each one as
        it is applied: for a command that needs nothing of them afterwards (``check``), the
        peak memory is then the larger of the two, not their sum. Only the dates stay."""
        if self.history is not None and checkpoints.enabled():
            return checkpoints.replay(self.history, self.config, as_of, self.refused)
        if not consume or self.history is not None:
            return replay(self.directives, self.config, as_of, self.refused)
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

    def state_with(self, extra: list[Directive], as_of: dt.date | None = None) -> State:
        """What ``self.with_directives(extra).state(as_of)`` gives (see :meth:`plan_states`)."""
        return self.plan_states(extra, as_of)[1]

    def plan_states(self, extra: list[Directive], as_of: dt.date | None = None,
                    summarize: Callable[[State], T] | None = None) -> tuple[T | None, State]:
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
            state = self.state(as_of)
            summary = summarize(state)
            with collector_paused():
                state.replay(extra, OPS, as_of)
            state.finish(as_of or last)
            return summary, state
        if self.history is not None and checkpoints.enabled():
            base = summarize(self.state(as_of)) if summarize is not None else None
            return base, checkpoints.replay_with(self.history, self.config, as_of, extra, self.refused)
        directives = self.directives
        split = bisect.bisect_left(directives, extra[0].date, key=lambda d: d.date) if extra else len(directives)
        with collector_paused():
            shared = fresh_state(self.config, self.refused)
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
    if history is not None:  # read only as far as a replay needs
        directives, findings, count = None, [], history.count
    else:
        directives, findings = origin.read(config)
        directives.sort(key=sort_key)
        count = len(directives)
    if not count and not any(f.severity == ERROR for f in findings):
        files = "、".join(origin.files[:3]) + ("等" if len(origin.files) > 3 else "")
        raise LedgerError(f"{path}: 台账中没有任何指令({files} 为空或只有注释);请先写入指令,"
                          f"或用 orgmodel template 生成工作簿模板填写")
    return Ledger(directives, findings, config, str(path), list(origin.files), list(getattr(origin, "refused", [])),
                  history)

