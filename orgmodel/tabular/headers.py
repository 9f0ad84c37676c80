"""Finding a table's header and mapping its columns to a sheet layout's fields.

Real files put the header anywhere in the first rows, split it over two rows under a
merged group cell (核定编制 over 行政编制 | 事业编制 …), write it in traditional characters,
mark required columns with ``*`` or (必填), and add columns of their own. :func:`locate`
finds the header row (and a second header row below it), :func:`~orgmodel.tabular.names.normal` makes
headers comparable, and every column the layout does not know is reported once, by name.
"""

from __future__ import annotations

from dataclasses import dataclass

from .layout import Column
from .names import normal

IGNORED = {"序号", "编号", "序", "no", "no."}  # serial-number columns: read past without a word


@dataclass
class HeaderMap:
    """Where the header is and what each column means: ``row`` is the last header row
    (0-based), ``fields`` maps a column index to a layout key, ``extra`` lists the headers
    of columns that mean nothing here, by column index."""

    row: int
    fields: dict[int, str]
    extra: dict[int, str]


def _lookup(columns: list[Column]) -> dict[str, str]:
    table = {}
    for col in columns:
        for name in (col.header, *col.aliases):
            table.setdefault(normal(name), col.key)
    return table


def _filled(row: list, merged_right: dict[tuple[int, int], int], r: int) -> list:
    """A header row with each merged group's text repeated over the columns it spans."""
    out = list(row)
    for c in range(len(out)):
        span = merged_right.get((r, c))
        if span and out[c] not in (None, ""):
            for k in range(c + 1, min(span + 1, len(out))):
                if out[k] in (None, ""):
                    out[k] = out[c]
    return out


def locate(grid: list[list], columns: list[Column], merged_right: dict[tuple[int, int], int] | None = None,
           scan: int = 12) -> HeaderMap | None:
    """The header among the first ``scan`` rows: the row (or pair of rows) whose cells name the
    most of ``columns``. None when no row names a required column."""
    table = _lookup(columns)
    required = {c.key for c in columns if c.required}
    merged_right = merged_right or {}
    best: tuple[tuple, HeaderMap] | None = None
    for r in range(min(scan, len(grid))):
        top = _filled(grid[r], merged_right, r)
        below = _filled(grid[r + 1], merged_right, r + 1) if r + 1 < len(grid) else []
        for rows in ((top,), (top, below)) if below else ((top,),):
            fields, extra = {}, {}
            width = max(len(x) for x in rows)
            for c in range(width):
                parts = [normal(x[c]) if c < len(x) else "" for x in rows]
                key = _match(parts, table)
                if key is not None and key not in fields.values():
                    fields[c] = key
                elif any(parts) and parts[-1] not in IGNORED:
                    extra[c] = "/".join(p for p in dict.fromkeys(parts) if p)
            # most fields named, required ones counting double; then a one-row header; then the first
            rank = (len(fields) + 2 * len(required & set(fields.values())), -len(rows), -r)
            if required & set(fields.values()) and (best is None or rank > best[0]):
                best = (rank, HeaderMap(r + len(rows) - 1, fields, extra))
    return best[1] if best else None


def _match(parts: list[str], table: dict[str, str]) -> str | None:
    """The key a column's header cells name: the lower cell, the two joined, or the upper cell."""
    parts = [p for p in parts if p]
    if not parts:
        return None
    tries = [parts[-1], "".join(parts), parts[0]] if len(parts) > 1 else [parts[0]]
    for t in tries:
        if t in table:
            return table[t]
    return None


def column_letter(index: int) -> str:
    """Spreadsheet column letters for a 0-based column index (0 → A, 26 → AA)."""
    out = ""
    n = index + 1
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out
