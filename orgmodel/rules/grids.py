"""Grid size (网格规模): a township's grids are about the size the province sets, by
households or by people per grid (300–500 户 or about 1,000 人 in Binzhou's standard)."""

from __future__ import annotations

from ..core.kinds import Fact
from ..figures.balance import tables_of
from ..state import TOWNSHIP, State
from .registry import flag, rule


def _band(spec) -> tuple[float | None, float | None]:
    spec = spec or {}
    return spec.get("min"), spec.get("max")


@rule("grid-size", "网格规模", "info")
def grid_size(state: State, config):
    """For every township with grids: households per grid (else people per grid, when the
    township has no household count) lie within config ``grid_size`` (``households: {min, max}``,
    ``population: {min, max}``). Grids and households are the township's own and its villages'.
    The finding points at the last directive that set the grids or the households."""
    sizes = config.get("grid_size") or {}
    by_households, by_people = _band(sizes.get("households")), _band(sizes.get("population"))
    off = tables_of(state).off_quota
    for row in off[off["division_level"] == TOWNSHIP].itertuples():
        if not row.grids:
            continue
        if row.households and any(by_households):
            per, (low, high), unit = row.households / row.grids, by_households, "户"
        elif row.population and any(by_people):
            per, (low, high), unit = row.population / row.grids, by_people, "人"
        else:
            continue
        if (low is None or per >= low) and (high is None or per <= high):
            continue
        div = state.divisions[row.division_code]
        wanted = f"{low:g}–{high:g}" if low is not None and high is not None else f"不少于 {low:g}" if low is not None else f"不超过 {high:g}"
        side = "过小" if low is not None and per < low else "过大"
        marks = [m for code in state.within(div.code) for m in (state.divisions[code].facts.mark(Fact.OFF_QUOTA),
                                                                state.divisions[code].facts.mark(Fact.OPENED)) if m]
        yield flag("grid-size",
                   f"{div.name}网格 {row.grids} 个,平均每格 {per:.0f} {unit},网格{side};按规定每个网格 {wanted} {unit},"
                   f"请调整网格划分或复核户数、网格数",
                   max(marks, key=lambda m: m[0])[1] if marks else None, div)
