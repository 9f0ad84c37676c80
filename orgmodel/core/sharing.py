"""One object for each distinct value read: a province ledger holds millions of directives but
only a few thousand distinct count maps, field layouts and line numbers."""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any


class Shared:
    """Hands out the first object seen for each key, so equal values become one object.

    Only for values nobody changes (validated fields are read-only). Holds at most ``limit``
    keys: when full it starts again, which costs only some sharing, never a wrong value."""

    def __init__(self, limit: int):
        self._known: dict[Hashable, Any] = {}
        self._limit = limit

    def __call__(self, key: Hashable, value):
        found = self._known.get(key)
        if found is None:
            if len(self._known) >= self._limit:
                self._known.clear()
            found = self._known[key] = value
        return found
