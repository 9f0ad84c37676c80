"""Search as you type over a state's bodies: names, signboards, former names and
``区划/名称``, built once per state and answered by scanning one lowered string per name
(a province's 100,000 bodies take a few milliseconds)."""

from __future__ import annotations

from dataclasses import dataclass

from ..state import State

MAX_QUERY = 100   # characters of a query worth searching for
MAX_HITS = 20


@dataclass(frozen=True)
class Hit:
    """A body found: its id, how it is named now, in which division, what matched and how."""

    body_id: int
    name: str
    division: str
    matched: str
    how: str          # 名称, 牌子, 曾用名 or 区划/名称
    active: bool


class SearchIndex:
    """Every body's names, lowered, in one list: ``(text, body id, how)``."""

    def __init__(self, state: State):
        self.state = state
        rows = []
        for b in state.bodies.values():
            division = state.divisions[b.division].name
            rows.append((b.name.lower(), b.id, "名称", b.name))
            rows.append((f"{division}/{b.name}".lower(), b.id, "区划/名称", f"{division}/{b.name}"))
            if b.active:
                rows += [(s.lower(), b.id, "牌子", s) for s in state.signboards(b)]
            rows += [(n.lower(), b.id, "曾用名", n) for _, n in b.names[:-1] if n != b.name]
        self.rows = rows

    def find(self, query: str, limit: int = MAX_HITS) -> list[Hit]:
        """Bodies whose names contain ``query`` (case ignored): exact names first, then names
        that start with it, then the rest; active bodies before retired ones; one hit per body."""
        q = " ".join(query.split()).lower()[:MAX_QUERY]
        if not q:
            return []
        found: dict[int, tuple] = {}
        for text, body_id, how, shown in self.rows:
            if q in text:
                rank = 0 if text == q else 1 if text.startswith(q) else 2
                if body_id not in found or rank < found[body_id][0]:
                    found[body_id] = (rank, how, shown)
        bodies = self.state.bodies
        order = sorted(found.items(), key=lambda kv: (not bodies[kv[0]].active, kv[1][0], len(bodies[kv[0]].name), kv[0]))
        out = []
        for body_id, (_, how, shown) in order[:limit]:
            b = bodies[body_id]
            out.append(Hit(body_id, b.name, self.state.divisions[b.division].name, shown, how, b.active))
        return out
