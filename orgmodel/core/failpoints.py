"""Named fail points: moments at which a test has the process die, exactly as a kill would.

The kill tests run a command with ``ORGMODEL_FAILPOINT=name`` (the first time the point is
reached) or ``name:n`` (the n-th time), and :func:`reach` then kills the process with
SIGKILL (on Windows, ``os._exit(137)``): no ``finally`` block, no ``atexit`` hook, no
buffered write runs, as when the machine or a clerk kills it. So a test decides when to kill
from what the process has done, never from a clock, and the same moment is hit on an idle
machine and on a loaded one. The variable is read once, at import; when it is unset a point
costs one comparison. Not a user feature: nothing documents it to users.

The points, in the order a run reaches them:

| point | where | what is done when it is reached |
|---|---|---|
| ``publish.staging`` | ``report/publish.py`` | the staging folder beside ``--out`` exists, empty |
| ``publish.page`` | ``report/render.py`` | one more page is written into the staging folder (``:n``: the n-th page) |
| ``publish.staged`` | ``report/publish.py`` | the whole site and its manifest are staged; ``--out`` is untouched |
| ``publish.aside`` | ``report/publish.py`` | the old site is moved aside and the new one is not yet in place (``--out`` is missing) |
| ``publish.swapped`` | ``report/publish.py`` | the new site is at ``--out``; the old one, aside, is not yet removed |
| ``store.batch`` | ``store/__init__.py`` | inside a batch's transaction (an import, a commit, a correction, a key), its batch row is written, no record yet |
| ``store.inserted`` | ``store/__init__.py`` | inside the transaction, one more chunk of :data:`~orgmodel.store.INSERT_CHUNK` records is written (``:n``: the n-th chunk) |
| ``store.commit`` | ``store/__init__.py`` | a write transaction (a batch with its records, settings and signature; a migration) is done; ``COMMIT`` is next |
| ``store.committed`` | ``store/__init__.py`` | ``COMMIT`` returned: the batch is in the file; the command has not said so, nor noted the new head |

``tests/test_publish.py`` and ``tests/test_store.py`` kill at each of them and hold the
invariants: the old site or the new one; a batch whole or absent, and the chain verifying.
"""

from __future__ import annotations

import os
import signal

ENV = "ORGMODEL_FAILPOINT"


def _parse(spec: str | None) -> tuple[str | None, int]:
    if not spec:
        return None, 0
    name, _, count = spec.partition(":")
    return name.strip() or None, int(count) if count.strip().isdigit() and int(count) > 0 else 1


_NAME, _AT = _parse(os.environ.get(ENV))
_seen = 0


def reach(name: str) -> None:
    """The process is at point ``name``: die here when the environment names it (at this count)."""
    if name != _NAME:
        return
    global _seen
    _seen += 1
    if _seen == _AT:
        die()


def die() -> None:
    """End the process as SIGKILL would: nothing of Python's shutdown runs."""
    kill = getattr(signal, "SIGKILL", None)
    if kill is not None:
        os.kill(os.getpid(), kill)
    os._exit(137)  # Windows has no SIGKILL (and should the signal not end us, do not go on)


__all__ = ["ENV", "reach"]
