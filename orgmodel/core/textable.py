"""Plain-text tables that line up Chinese text in a terminal (wide characters count as 2)."""

from __future__ import annotations

import unicodedata


def display_width(text: str) -> int:
    """Columns ``text`` takes in a terminal: East Asian wide and full-width characters take 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int, right: bool) -> str:
    gap = " " * (width - display_width(text))
    return gap + text if right else text + gap


def _cell(value) -> str:
    if value is None or type(value).__name__ == "NAType" or value != value:  # None, pandas' NA or NaN
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 1 else f"{value:,.1f}"
    return str(value)


def render_table(headers: list[str], rows: list[list], numeric: list[bool] | None = None) -> str:
    """Render rows under headers with columns aligned by display width; numbers right-aligned."""
    cells = [[_cell(v) for v in row] for row in rows]
    numeric = numeric or [False] * len(headers)
    widths = [display_width(h) for h in headers]
    for row in cells:
        widths = [max(w, display_width(c)) for w, c in zip(widths, row)]
    lines = ["  ".join(_pad(h, w, n) for h, w, n in zip(headers, widths, numeric)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(_pad(c, w, n) for c, w, n in zip(row, widths, numeric)).rstrip() for row in cells]
    return "\n".join(lines)
