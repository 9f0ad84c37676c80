"""Search as you type over a state's bodies and divisions: names, signboards, former names and
``区划/名称``, built once per state and answered by scanning one lowered string per name (a
province's 100,000 bodies take a few milliseconds). Words separated by spaces must all occur
(``青石 党政`` finds 青石镇's 党政办公室)."""

from __future__ import annotations

from dataclasses import dataclass

from ..state import State

MAX_QUERY = 100   # characters of a query worth searching for
MAX_HITS = 20


@dataclass(frozen=True)
class Hit:
    """A body or division found: where it leads, how it is named now, where it is (county and
    township, so that namesakes tell apart), what matched and how."""

    href: str
    name: str
    place: str
    matched: str
    how: str          # 名称, 牌子, 曾用名, 区划/名称, or 乡镇 / 县 for a division
    active: bool


class SearchIndex:
    """Every name, lowered, in one list: ``(text, kind, key, how, shown)``."""

    def __init__(self, state: State, division_pages: dict[str, str]):
        self.state, self.pages = state, division_pages
        self._places: dict[str, str] = {}
        rows = []
        for code in division_pages:
            d = state.divisions[code]
            rows.append((d.name.lower(), "division", code, d.level, d.name))
        for b in state.bodies.values():
            division = state.divisions[b.division].name
            rows.append((b.name.lower(), "body", b.id, "名称", b.name))
            rows.append((f"{division}/{b.name}".lower(), "body", b.id, "区划/名称", f"{division}/{b.name}"))
            if b.active:
                rows += [(s.lower(), "body", b.id, "牌子", s) for s in state.signboards(b)]
            rows += [(n.lower(), "body", b.id, "曾用名", n) for _, n in b.names[:-1] if n != b.name]
        self.rows = rows

    def place(self, code: str) -> str:
        """``西集县 沙百镇``: the divisions from below the jurisdiction down to ``code``."""
        found = self._places.get(code)
        if found is None:
            chain = [self.state.divisions[c].name for c in reversed(self.state.ancestors(code))]
            found = self._places[code] = " ".join(chain[1:] or chain)
        return found

    def find(self, query: str, limit: int = MAX_HITS) -> tuple[list[Hit], int]:
        """``(hits, how many were found)``: divisions and bodies whose names contain every word
        of ``query`` (case ignored), exact names first, then names that start with it, then the
        rest; active bodies before retired ones; one hit per body or division."""
        words = " ".join(query.split()).lower()[:MAX_QUERY].split()
        if not words:
            return [], 0
        whole = " ".join(words)
        found: dict[tuple, tuple] = {}
        for text, kind, key, how, shown in self.rows:
            if all(w in text for w in words):
                rank = 0 if text == whole else 1 if text.startswith(words[0]) else 2
                if (kind, key) not in found or rank < found[(kind, key)][0]:
                    found[(kind, key)] = (rank, how, shown)
        ordered = sorted(found.items(), key=self._order)
        return [self._hit(kind, key, how, shown) for (kind, key), (_, how, shown) in ordered[:limit]], len(found)

    def _order(self, item) -> tuple:
        (kind, key), (rank, _, _) = item
        if kind == "division":
            return (0, rank, 0, len(self.state.divisions[key].name), key)
        b = self.state.bodies[key]
        return (1, rank, not b.active, len(b.name), key)

    def _hit(self, kind: str, key, how: str, shown: str) -> Hit:
        if kind == "division":
            d = self.state.divisions[key]
            return Hit(self.pages[key], d.name, self.place(key), shown, how, True)
        b = self.state.bodies[key]
        return Hit(f"body-{b.id}.html", b.name, self.place(b.division), shown, how, b.active)
