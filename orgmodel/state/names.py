"""The name index of a state: who holds each name (a body's name or one of its
signboards) in each division, and which bodies gave a name up.

Owned by :class:`~orgmodel.state.State`; everyone else asks the state's resolver.
"""

from __future__ import annotations

import difflib
import heapq
from collections import Counter
from collections.abc import Callable
from types import MappingProxyType

DIVISIONS = "\x00divisions"  # the scope of division names in NameHints


class NameHints:
    """The names a "did you mean" hint chooses from, per scope (a division's code for body
    names, :data:`DIVISIONS` for division names). A scope of a few dozen names is compared in
    full, as ``difflib.get_close_matches`` does. In a larger one a hint compares the mistyped
    name only with a short list: the names one letter away from it (a letter mistyped, added
    or left out: found by looking up the name with each letter left out), else those that share
    most of its characters (an index by character, rarest character first, within a budget).
    Each hint then costs about the same in a county as in a sheet of a million rows. Names are
    only ever added; a caller passes ``accept`` to keep those that still qualify."""

    SMALL = 64        # a scope this small is compared in full
    BUDGET = 500      # entries of the character index looked at per hint
    SHORTLIST = 16    # names of the character index compared in full
    DELETIONS = 100_000  # scopes up to this many names also get the index of names less a letter

    def __init__(self):
        self._names: dict[str, list[str]] = {}      # scope -> its names, in the order they came
        self._seen: dict[str, set[str]] = {}
        self._index: dict[str, _ScopeIndex] = {}    # built for a scope when a hint is asked there
        self._memo: dict[str, dict[str, str | None]] = {}  # scope -> name -> hint, until the scope grows

    def add(self, scope: str, name: str) -> None:
        seen = self._seen.setdefault(scope, set())
        if name in seen:
            return
        seen.add(name)
        names = self._names.setdefault(scope, [])
        names.append(name)
        index = self._index.get(scope)
        if index is not None:
            index.add(name)
        self._memo.pop(scope, None)

    def changed(self, scope: str) -> None:
        """A name of ``scope`` stopped qualifying (a body abolished or renamed): forget its hints."""
        self._memo.pop(scope, None)

    def best(self, scope: str, name: str, accept: Callable[[str], bool], cutoff: float = 0.5) -> str | None:
        """The name of ``scope`` closest to ``name`` (difflib's ratio at least ``cutoff``) among
        those ``accept`` keeps, or None. ``accept`` must give the same answers until a name is added."""
        names = self._names.get(scope)
        if not names:
            return None
        memo = self._memo.setdefault(scope, {})
        if name in memo:
            return memo[name]
        if len(names) <= self.SMALL:
            shortlist = [n for n in names if accept(n)]
        else:
            index = self._index.get(scope)
            if index is None:
                index = self._index[scope] = _ScopeIndex(len(names) <= self.DELETIONS)
                for n in names:
                    index.add(n)
            shortlist = [n for n in index.near(name) if accept(n)]
            if not shortlist:
                shortlist = [n for n in index.sharing(name, self.BUDGET, self.SHORTLIST) if accept(n)]
        close = difflib.get_close_matches(name, shortlist, n=1, cutoff=cutoff)
        memo[name] = found = close[0] if close else None
        return found


class _ScopeIndex:
    """One larger scope's names by character and, unless it is huge, with each letter left out."""

    def __init__(self, deletions: bool):
        self.chars: dict[str, list[str]] = {}
        self.less: dict[str, list[str]] | None = {} if deletions else None  # the name less one letter -> names

    def add(self, name: str) -> None:
        for ch in set(name):
            self.chars.setdefault(ch, []).append(name)
        if self.less is not None:
            self.less.setdefault(name, []).append(name)
            for variant in {name[:i] + name[i + 1:] for i in range(len(name))}:
                self.less.setdefault(variant, []).append(name)

    def near(self, name: str) -> list[str]:
        """The names one letter away: mistyped, added or left out (and some two away)."""
        if self.less is None:
            return []
        out: dict[str, None] = {}
        for variant in {name, *(name[:i] + name[i + 1:] for i in range(len(name)))}:
            out.update(dict.fromkeys(self.less.get(variant, ())[:50]))
        return list(out)

    def sharing(self, name: str, budget: int, size: int) -> list[str]:
        """The ``size`` names sharing most characters with ``name`` among the first ``budget``
        entries of its characters' lists, rarest character first."""
        postings = sorted((self.chars[ch] for ch in set(name) if ch in self.chars), key=len)
        shared: Counter = Counter()
        looked = 0
        for names in postings:
            if looked >= budget:
                break
            shared.update(names[:budget - looked])
            looked += len(names)
        return [n for n, _ in heapq.nsmallest(size, shared.items(),
                                              key=lambda kv: (-kv[1], abs(len(kv[0]) - len(name)), kv[0]))]


class NameIndex:
    """Current names per division, every holder of a name across divisions, and former holders."""

    __slots__ = ("_owner", "_holders", "_former", "_divisions", "owner_of", "_hints")

    def __init__(self):
        self._owner: dict[tuple[str, str], int] = {}    # (division, name) -> body id
        self._holders: dict[str, set[int]] = {}         # name -> ids of bodies using it now
        self._former: dict[str, list[int]] = {}         # name -> ids of bodies that gave it up
        self._divisions: dict[str, list[str]] = {}      # division name -> codes
        self.owner_of = self._owner.get                  # owner_of((division, name)): the fast form of owner()
        self._hints: NameHints | None = None             # built when a hint is first asked for

    def __getstate__(self):
        return self._owner, self._holders, self._former, self._divisions

    def __setstate__(self, state) -> None:
        self._owner, self._holders, self._former, self._divisions = state
        self.owner_of = self._owner.get
        self._hints = None

    def hints(self) -> NameHints:
        """The index of names for "did you mean" hints (every name used now or before, and
        every division's name), kept up to date from when it is first asked for."""
        if self._hints is None:
            hints = NameHints()
            for name in self._divisions:
                hints.add(DIVISIONS, name)
            for division, name in self._owner:
                hints.add(division, name)
            self._hints = hints
        return self._hints

    # -- divisions -------------------------------------------------------------
    def add_division(self, name: str, code: str) -> None:
        self._divisions.setdefault(name, []).append(code)
        if self._hints is not None:
            self._hints.add(DIVISIONS, name)

    def division_codes(self, name: str) -> list[str]:
        return self._divisions.get(name, [])

    # -- body names and signboards ----------------------------------------------
    def owner(self, division: str, name: str) -> int | None:
        """The body using ``name`` (as its name or a signboard) in ``division``, if any."""
        return self._owner.get((division, name))

    def owners(self) -> MappingProxyType:
        """A read-only view of every current name: ``{(division, name): body id}``."""
        return MappingProxyType(self._owner)

    def holders(self, name: str) -> set[int]:
        """Ids of the bodies using ``name`` now, in any division."""
        return self._holders.get(name, set())

    def in_use(self, name: str) -> bool:
        return name in self._holders

    def former(self, name: str) -> list[int]:
        """Ids of the bodies that gave ``name`` up (renamed, unhung or retired), oldest first."""
        return self._former.get(name, [])

    def claim(self, division: str, name: str, body_id: int) -> None:
        self._owner[(division, name)] = body_id
        self._holders.setdefault(name, set()).add(body_id)
        if self._hints is not None:
            self._hints.add(division, name)

    def release(self, division: str, name: str, body_id: int, remember: bool = True) -> None:
        """Free ``name`` in ``division``; with ``remember`` the body is kept as a former holder."""
        if self._owner.get((division, name)) == body_id:
            del self._owner[(division, name)]
        ids = self._holders.get(name)
        if ids is not None:
            ids.discard(body_id)
            if not ids:
                del self._holders[name]
        if remember:
            self._former.setdefault(name, []).append(body_id)
        if self._hints is not None:
            self._hints.changed(division)
