"""Quota moves read off a state: the holder behind a flow's end, which moves cross levels
(跨层级调剂: the rules flag them, packs count them), and one row per move for tables."""

from __future__ import annotations

import weakref

import pandas as pd

from ..state import TOWNSHIP, Pool, State

TRANSFER_COLUMNS = ["date", "doc", "kind", "from_holder", "from_division", "from_level", "from_township", "to_holder",
                    "to_division", "to_level", "to_township", "quota_type", "amount", "cross_level", "approved_by"]

_MOVES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def holder_of(state: State, node):
    """The Body or Pool behind a flow's node key, or None (the level above, or nothing)."""
    if node is None:
        return None
    if node[0] == "body":
        return state.bodies.get(node[1])
    if node[0] == "pool":
        return state.pools.get(node[1])
    return None


def in_township(state: State, code: str, memo: dict[str, bool] | None = None) -> bool:
    """Whether division ``code`` is a township or lies below one (a village): what sits "in a
    township" for the moves into and out of townships (下沉, 上收). ``memo`` keeps the answers
    of one pass over many flows."""
    found = memo.get(code) if memo is not None else None
    if found is None:
        found = any(state.divisions[c].level == TOWNSHIP for c in state.ancestors(code))
        if memo is not None:
            memo[code] = found
    return found


def cross_level_moves(state: State) -> list:
    """``(flow, source holder, target holder)`` for every move between levels: one the op
    recorded as cross-level, or one between holders of divisions of different levels (quota
    going back into a pool counts only when the op said so). Found once per state version:
    two rules and the pack ask, and a province has 100,000 flows."""
    known = _MOVES.get(state)
    if known is not None and known[0] == state.version:
        return known[1]
    moves, divs = [], state.divisions
    for fl in state.flows:
        if fl.src is None or fl.dst is None:
            continue  # to or from the level above: not a move between two holders
        src, dst = holder_of(state, fl.src), holder_of(state, fl.dst)
        if src is None or dst is None:
            continue
        if fl.cross_level or (divs[src.division].level != divs[dst.division].level and not isinstance(dst, Pool)):
            moves.append((fl, src, dst))
    _MOVES[state] = (state.version, moves)
    return moves


def transfer_rows(state: State) -> pd.DataFrame:
    """One row per quota move of a non-zero amount, in journal order (:data:`TRANSFER_COLUMNS`):
    each end as a holder's name (``None`` for the level above), its division's code and level,
    whether it sits in a township (:func:`in_township`), and whether the move crosses levels as
    :func:`cross_level_moves` decides."""
    crossing = {fl.seq for fl, _, _ in cross_level_moves(state)}
    divs, rows, memo = state.divisions, [], {}
    for fl in state.flows:
        if not fl.amount:
            continue
        ends = []
        for node in (fl.src, fl.dst):
            h = holder_of(state, node)
            code = h.division if h is not None else (node[1] if node and node[0] == "higher" else None)
            placed = h is not None and code in divs
            ends += [state.reference(h) if h is not None else None, code,
                     divs[code].level if placed else None, placed and in_township(state, code, memo)]
        rows.append((fl.date, fl.doc, str(fl.kind), *ends, fl.quota_type, int(fl.amount), fl.seq in crossing,
                     fl.approval))
    return pd.DataFrame(rows, columns=TRANSFER_COLUMNS).astype(
        {"amount": "int64", "cross_level": bool, "from_township": bool, "to_township": bool})
