"""The ledger: its origins (files, a database), loading into sorted directives, and
replay into a state, from the start or from a year-end checkpoint.

- :mod:`.origins`: where a ledger comes from (a folder or file, or a registered origin);
- :mod:`.loading`: :func:`load` and the :class:`Ledger` (sorted directives and findings);
- :mod:`.replay`: the plain replay from the start;
- :mod:`.checkpoints`: replays that start from the state of the last 31 December.
"""

from .loading import Ledger, load
from .origins import LedgerError, register_origin
from .replay import replay

__all__ = ["Ledger", "LedgerError", "load", "register_origin", "replay"]
