"""The name index of a state: who holds each name (a body's name or one of its
signboards) in each division, and which bodies gave a name up.

Owned by :class:`~orgmodel.state.State`; everyone else asks the state's resolver.
"""

from __future__ import annotations

from types import MappingProxyType


class NameIndex:
    """Current names per division, every holder of a name across divisions, and former holders."""

    __slots__ = ("_owner", "_holders", "_former", "_divisions", "owner_of")

    def __init__(self):
        self._owner: dict[tuple[str, str], int] = {}    # (division, name) -> body id
        self._holders: dict[str, set[int]] = {}         # name -> ids of bodies using it now
        self._former: dict[str, list[int]] = {}         # name -> ids of bodies that gave it up
        self._divisions: dict[str, list[str]] = {}      # division name -> codes
        self.owner_of = self._owner.get                  # owner_of((division, name)): the fast form of owner()

    # -- divisions -------------------------------------------------------------
    def add_division(self, name: str, code: str) -> None:
        self._divisions.setdefault(name, []).append(code)

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
