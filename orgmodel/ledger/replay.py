"""Replay sorted directives into a state from the start (the plain strategy; see
:mod:`orgmodel.ledger.checkpoints` for replays that start from a year end)."""

from __future__ import annotations

import datetime as dt

from ..core.collector import collector_paused
from ..core.config import Config
from ..core.directive import Directive
from ..ops import OPS
from ..reading.validate import Refused
from ..state import State


def replay(directives: list[Directive], config: Config, as_of: dt.date | None = None,
           refused: list[Refused] = (), consume: bool = False, trails: bool = False) -> State:
    """Apply sorted directives one by one through the state's door; each op updates it
    incrementally. ``refused`` are the creations that failed to read, so that references to
    what they would have created point at them; ``trails``: the state keeps every record's
    history (see :class:`~orgmodel.state.State`)."""
    state = fresh_state(config, refused, trails)
    last = directives[-1].date if directives else None
    with collector_paused():
        state.replay(directives, OPS, as_of, consume)
    state.finish(as_of or last)
    return state


def fresh_state(config: Config, refused: list[Refused] = (), trails: bool = False) -> State:
    """An empty state that knows which creations were refused while reading."""
    state = State(config, trails)
    for r in refused:
        state.note_refusal(r)
    return state
