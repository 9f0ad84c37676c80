"""Year-end checkpoints: a replay that starts from the state on the last 31 December.

A ledger whose origin can name its directives by date (a :class:`History`, which the store
provides) is replayed from the state it stood at on the last 31 December on or before the
day asked for, and only the directives after that day are applied. The checkpoint is taken
the first time a replay passes that year end and is used while the directives dated up to
it are the same (:meth:`History.prefix_key`): a change recorded for this year leaves last
year's checkpoint valid, a back-dated one makes the next replay take it again.

Checkpoints live in the user's cache folder (:func:`orgmodel.parse_cache.cache_dir`), never
in the ledger. A checkpoint is the state pickled with what was wrong with the records it
covers, sealed with a secret from the user's profile folder and bound to its own name there
(:mod:`orgmodel.reading.sealed`): a file orgmodel did not write for this user, for this
ledger, configuration, day and kind, is refused before it is read, and what is read is
unpickled by a restricted unpickler that builds only orgmodel's data classes. One is kept
per year end, ledger and configuration (a newer one replaces it). An entry that cannot be
read is ignored; results are the same with or without checkpoints
(``ORGMODEL_CHECKPOINTS=0`` turns them off; a test compares both).
"""

from __future__ import annotations

import bisect
import datetime as dt
import hashlib
import heapq
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Protocol

from ..core.collector import collector_paused
from ..core.config import Config
from ..core.directive import Directive
from ..ops import OPS
from ..reading import parse_cache
from ..reading.parse import sort_key
from ..state import State
from .replay import fresh_state
from .replay import replay as replay_from_start

FORMAT = b"orgmodel-checkpoint 2\n"


class History(Protocol):
    """A ledger's directives by date, read only as far as a replay needs them."""

    identity: str                 # which ledger this is (a database's path and the name it is shown by)
    count: int
    first_date: dt.date | None
    last_date: dt.date | None

    def all(self) -> list[Directive]:
        """Every directive, sorted."""

    def after(self, day: dt.date, until: dt.date | None = None) -> list[Directive]:
        """The directives dated after ``day`` (and on or before ``until``, when given), sorted."""

    def prefix_key(self, day: dt.date) -> str:
        """The identity of the directives dated on or before ``day``."""

    def at(self, ids) -> dict[int, Directive]:
        """The directives of the records numbered ``ids`` (their sources' ``line``), by number."""

    def problems_upto(self, day: dt.date) -> list:
        """What was wrong with the records dated up to ``day`` (for a checkpoint to keep)."""

    def add_problems(self, entries) -> list:
        """Take back what a checkpoint kept; return the refused creations new to the history."""


def enabled() -> bool:
    return os.environ.get("ORGMODEL_CHECKPOINTS", "1") != "0" and parse_cache.cache_dir() is not None


def year_end_on_or_before(day: dt.date) -> dt.date:
    return day if (day.month, day.day) == (12, 31) else dt.date(day.year - 1, 12, 31)


def replay(history: History, config: Config, as_of: dt.date | None, refused=(), trails: bool = False) -> State:
    """The state of ``history`` as of ``as_of`` (every directive when None): from the
    checkpoint of the last year end before it when there is a valid one, otherwise replayed
    from the start, taking that checkpoint on the way. A state with ``trails`` (records'
    histories) has checkpoints of its own."""
    return replay_with(history, config, as_of, [], refused, trails)


def replay_with(history: History, config: Config, as_of: dt.date | None, extra: list[Directive],
                refused=(), trails: bool = False) -> State:
    """The state of ``history`` with the sorted directives ``extra`` added, as of ``as_of``:
    from the checkpoint of the last year end before the first of ``extra`` (taking it on the
    way when there is none), so only the days from there on are replayed."""
    last = max((d for d in (history.last_date, extra[-1].date if extra else None) if d is not None), default=None)
    day = as_of or last
    if extra and day is not None:
        day = min(day, extra[0].date - dt.timedelta(days=1))
    end = year_end_on_or_before(day) if day is not None else None
    if end is None or history.first_date is None or end < history.first_date:
        directives = sorted([*history.all(), *extra], key=sort_key) if extra else history.all()
        return replay_from_start(directives, config, as_of, refused, trails=trails)
    path = _path(history, config, end, "trails" if trails else "state")
    key = history.prefix_key(end)
    with collector_paused():
        kept = _read(path, key, tuple)
        state = kept[0] if kept is not None and len(kept) == 2 and isinstance(kept[0], State) else None
        if state is not None:
            state.config = config
            history.add_problems(kept[1])  # what was wrong with the records it covers
            known = len(history.refused)
            rest = history.after(end, as_of)  # what a replay as of ``as_of`` applies, no more
            for r in history.refused[known:]:  # creations refused after the year end
                state.note_refusal(r)
        else:
            directives = history.all()
            state = fresh_state(config, refused, trails)
            state.replay(directives, OPS, end)  # stops before the first directive after the year end
            parse_cache.write_atomically(path, (state, history.problems_upto(end)), FORMAT + key.encode() + b"\n")
            rest = directives[_first_after(directives, end):]
        state.replay(list(heapq.merge(rest, extra, key=sort_key)) if extra else rest, OPS, as_of)
    state.finish(as_of or last)
    return state


def _first_after(directives: Sequence[Directive], day: dt.date) -> int:
    return bisect.bisect_right(directives, day, key=lambda d: d.date)


def recall(history: History, config: Config, kind: str, day: dt.date):
    """What :func:`remember` kept of ``kind`` for the directives dated up to ``day``, else None."""
    return _read(_path(history, config, day, kind), history.prefix_key(day), object)


def remember(history: History, config: Config, kind: str, day: dt.date, value) -> None:
    """Keep ``value``, derived from the directives dated up to ``day`` alone (a summary of the
    state on that day), in the user's cache beside the checkpoints, for :func:`recall`."""
    parse_cache.write_atomically(_path(history, config, day, kind), value,
                                 FORMAT + history.prefix_key(day).encode() + b"\n")


def _path(history: History, config: Config, end: dt.date, kind: str = "state") -> Path:
    """One file per ledger, configuration, orgmodel code, day and kind."""
    h = hashlib.sha256()
    for part in (FORMAT.decode(), parse_cache.code_fingerprint(), parse_cache.config_fingerprint(config), history.identity):
        h.update(part.encode("utf-8", "surrogatepass") + b"\0")
    return parse_cache.cache_dir() / "checkpoints" / h.hexdigest()[:40] / f"{end.isoformat()}.{kind}"


def _read(path: Path, key: str, kind: type = State):
    """The checkpoint (or other ``kind`` of object) at ``path`` if orgmodel sealed it there for
    this user and it was taken of the same directives, else None."""
    value = parse_cache.read_value(path, FORMAT + key.encode() + b"\n")
    if not isinstance(value, kind):
        return None
    parse_cache.used(path)
    return value
