"""How far the long step under way has come, for a person watching a command.

The library notes its steps and their counts (:func:`step`, :func:`advance`); it never prints.
A command on a terminal shows them: :class:`~orgmodel.commands.options.Heartbeat` reads
:func:`current` every few seconds and prints a line, so that no command sits silent while it
imports, replays or writes. Noting a step costs an attribute write: the hot loops call
:func:`advance` once per thousands of items."""

from __future__ import annotations

import time
from dataclasses import dataclass, field


@dataclass
class Step:
    """One step of a command: what it does, how many items it has done of how many (None:
    not known), and when it began (``time.monotonic``)."""

    label: str
    total: int | None = None
    unit: str = "条"
    done: int = 0
    started: float = field(default_factory=time.monotonic)

    def line(self, now: float) -> str:
        """``…正在写入数据库:120,000 / 933,262 条(已用 15 秒)``: what a terminal shows."""
        count = f":{self.done:,}" + (f" / {self.total:,}" if self.total else "") + f" {self.unit}" if self.done else ""
        return f"…{self.label}{count}(已用 {now - self.started:.0f} 秒)"


_current: Step | None = None


def step(label: str, total: int | None = None, unit: str = "条") -> None:
    """Begin a step (the one under way before it ends)."""
    global _current
    _current = Step(label, total, unit)


def advance(n: int = 1) -> None:
    """Count ``n`` more items of the step under way."""
    s = _current
    if s is not None:
        s.done += n


def advance_to(done: int) -> None:
    """The step under way has done ``done`` items."""
    s = _current
    if s is not None:
        s.done = done


def current() -> Step | None:
    return _current


def finish() -> None:
    """No step is under way any more."""
    global _current
    _current = None
