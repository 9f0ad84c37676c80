"""Type purity (编制类型不混用): a body holds only the quota types its category allows."""

from __future__ import annotations

from ..core.kinds import Fact
from ..state import State
from .registry import flag, rule


@rule("type-purity", "编制类型不得混用")
def type_purity(state: State, config):
    """An active body holds (approved) or staffs (actual) only the types that config
    ``type_purity`` allows for its category; categories not listed are not checked."""
    allowed = {cat: list(types) for cat, types in (config.get("type_purity") or {}).items()}
    for b in state.active_bodies():
        ok = allowed.get(b.category)
        if ok is None:
            continue
        used = {t for book in (b.approved, b.actual) for t, n in book.items() if n and t not in ok}
        for t in sorted(used):
            book = Fact.APPROVED if b.approved.get(t) else Fact.ACTUAL
            yield flag("type-purity",
                       f"“{state.reference(b)}”是{b.category},却有{t}(核定 {b.approved.get(t, 0)} 名、实有 {b.actual.get(t, 0)} 名);"
                       f"{b.category}只能使用{'、'.join(ok)},编制类型不得混用或擅自转换",
                       b.facts.latest((book, t), Fact.CATEGORY), b)
