"""应核 against 核定: what each staffing standard implies for a body or division, what it has
approved, and the gap.

Definitions, made once here:

- a standard's version in force is the one whose ``from`` is the latest on or before the day
  the state stands at (:meth:`orgmodel.core.standards.Standard.in_force`);
- a **body**'s driver figures are its named counts (``counts``); a **division**'s are its own
  named counts, and for 人口 and 户数 its population and households (its own, or those of the
  divisions below it, as in the off-quota table) when no count of that name is recorded;
- what a body **has** is its approved quota of the type the standard measures; what a division
  has is the approved quota of its own bodies sitting in it (not dispatched there), or its
  grids (its own and its villages') for a standard of 网格;
- the standard implies a range ``implied_low``–``implied_high`` (equal for a point);
  ``gap = approved − implied_high`` above it, ``approved − implied_low`` below it, 0 within:
  negative is a shortfall (缺编), positive an excess;
- a holder that matches the standard's ``where`` but has none of its drivers recorded has a row
  with the status 未登记 and no figures, so that an office sees what is missing.
"""

from __future__ import annotations

import pandas as pd

from ..core.standards import DRIVER_ALIASES, GRIDS, Standard, standards_of, whole
from ..state import TOWNSHIP, State

STANDARD_COLUMNS = ["standard", "basis", "holder_kind", "division_code", "division", "body_id", "holder",
                    "quota_type", "drivers", "implied_low", "implied_high", "implied", "approved", "gap", "verdict"]
BELOW, ABOVE, WITHIN, UNRECORDED = "低于标准", "高于标准", "符合标准", "未登记"


def place_of(state: State, code: str) -> str:
    """Where a holder sits, for per-place rules: the township kind in a township, else the level."""
    div = state.divisions[code]
    return div.kind if div.level == TOWNSHIP and div.kind else div.level


def _matches(where: dict, name: str, level: str, kind: str | None, body=None) -> bool:
    if "level" in where and level not in where["level"]:
        return False
    if "kind" in where and kind not in where["kind"]:
        return False
    if "name_endings" in where and not name.endswith(tuple(where["name_endings"])):
        return False
    if body is not None:
        if "category" in where and body.category not in where["category"]:
            return False
        if "class" in where and body.klass not in where["class"]:
            return False
    return True


def gap_of(approved: int, low: int, high: int) -> int:
    """Approved minus the nearest end of the range: negative below it, positive above, 0 within."""
    return approved - low if approved < low else approved - high if approved > high else 0


def _row(std: Standard, version, kind: str, code: str, division: str, body_id, holder: str, drivers: dict,
         found, approved: int) -> tuple:
    text = "、".join(f"{k} {v:g}" for k, v in drivers.items())
    if found is None:
        names = version.drivers()
        missing = names[0] if len(names) == 1 else f"({'、'.join(names)} 任一)"
        return (std.name, version.basis, kind, code, division, body_id, holder, std.measures, text or f"未登记{missing}",
                None, None, "", approved, None, UNRECORDED)
    low, high = whole(found[0]), whole(found[1])
    g = gap_of(approved, low, high)
    status = BELOW if g < 0 else ABOVE if g > 0 else WITHIN
    return (std.name, version.basis, kind, code, division, body_id, holder, std.measures, text, low, high,
            str(low) if low == high else f"{low}–{high}", approved, g, status)


def standard_balance(state: State, bodies: pd.DataFrame, off_quota: pd.DataFrame) -> pd.DataFrame:
    """One row per standard in force and holder (body or division) it measures: drivers,
    the implied range, approved and the gap (see the module docstring)."""
    standards = standards_of(state.config)
    rows = []
    if standards:
        day = state.day
        divs = state.divisions
        own = bodies[~bodies["dispatched"] & bodies["quota_type"].notna()]
        own_totals = own.groupby(["division_code", "quota_type"])["approved"].sum().to_dict()
        rolled = off_quota.set_index("division_code")
        for std in standards:
            version = std.in_force(day)
            if version is None:
                continue
            names = version.drivers()
            if std.holder == "body":
                for b in state.active_bodies():
                    div = divs[b.division]
                    if not _matches(std.where, b.name, div.level, div.kind, b):
                        continue
                    drivers = {n: b.counts[n] for n in names if n in b.counts}
                    found = version.implied(drivers.get, place_of(state, b.division))
                    rows.append(_row(std, version, "body", b.division, div.name, b.id, state.reference(b), drivers,
                                     found, b.approved.get(std.measures, 0)))
            else:
                for code, div in divs.items():
                    if not _matches(std.where, div.name, div.level, div.kind):
                        continue
                    drivers = {n: v for n in names if (v := _division_driver(div, n, rolled, code)) is not None}
                    found = version.implied(drivers.get, place_of(state, code))
                    approved = (int(rolled.at[code, "grids"]) if std.measures == GRIDS
                                else int(own_totals.get((code, std.measures), 0)))
                    rows.append(_row(std, version, "division", code, div.name, None, div.name, drivers, found, approved))
    df = pd.DataFrame(rows, columns=STANDARD_COLUMNS)
    return df.astype({"approved": int, "implied_low": "Int64", "implied_high": "Int64", "gap": "Int64"})


def _division_driver(div, name: str, rolled: pd.DataFrame, code: str):
    """A division's driver figure: its own count of that name, else its population or households."""
    if name in div.counts:
        return div.counts[name]
    column = {"人口": "population", "户数": "households"}.get(DRIVER_ALIASES.get(name, name))
    if column is None:
        return None
    value = rolled.at[code, column]
    return int(value) if pd.notna(value) and value else None
