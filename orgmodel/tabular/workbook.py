"""Writing formatted workbooks with XlsxWriter: what every sheet orgmodel writes has.

A :class:`Table` is a sheet's content (a title, headers, rows, and how to format its
columns); :func:`write_workbook` lays it out the way offices print: a title row with the
jurisdiction and date, a bold frozen header (one or two rows) with an autofilter, an
optional totals row, percent and count formats, over-quota cells in red, columns wide
enough for Chinese names, A4 landscape with the header rows repeated on every page and
"第 N 页 共 M 页" in the footer.

Every text cell is written as text (``write_string``), never as a formula, so a name
such as ``=WEBSERVICE(…)`` cannot run when the file is opened; codes stay text. The
file is a plain ZIP (never ZIP64), which WPS needs.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from ..core.outputs import atomic_path

PERCENT, COUNT, TEXT, DATE = "percent", "count", "text", "date"
MAX_WIDTH = 30  # wider text wraps: a long name takes two lines rather than half the page


@dataclass
class Table:
    """One sheet. ``columns`` are ``(header, kind)`` (kind: text, count, percent, date);
    ``groups`` optionally puts a second header row above: ``[(group title, first column,
    last column)]``; ``totals`` names the columns summed in a last row; ``alert`` names
    columns whose positive values are highlighted (超编); ``widths`` overrides widths."""

    name: str
    title: str
    columns: list[tuple[str, str]]
    rows: list[list]
    totals: list[int] = field(default_factory=list)
    alert: list[int] = field(default_factory=list)
    groups: list[tuple[str, int, int]] = field(default_factory=list)
    widths: dict[int, int] = field(default_factory=dict)
    note: str = ""
    hidden: bool = False
    validations: list = field(default_factory=list)  # [(column, rows, options)] for templates
    required: list[int] = field(default_factory=list)  # header cells marked as required (red)
    as_of: dt.date | None = None  # the date its figures stand at (its title says so; a CSV file gets a column)


def display_width(value) -> int:
    """Columns a value takes on screen: 2 for each wide (CJK) character, 1 for others."""
    if value is None:
        return 0
    text = str(value)
    if text.isascii():
        return len(text)
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def sheet_name(name: str) -> str:
    """A legal sheet name: at most 31 characters, none of ``[]:*?/\\``."""
    clean = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)
    return clean[:31] or "Sheet"


class _Formats:
    def __init__(self, book):
        add = book.add_format
        font = {"font_name": "宋体", "font_size": 10, "valign": "vcenter"}
        self.title = add({**font, "bold": True, "font_size": 14, "align": "center"})
        self.note = add({**font, "italic": True, "font_color": "#555555"})
        self.header = add({**font, "bold": True, "bg_color": "#D9E1F2", "border": 1, "align": "center",
                           "text_wrap": True})
        self.required = add({**font, "bold": True, "bg_color": "#D9E1F2", "border": 1, "align": "center",
                             "text_wrap": True, "font_color": "#C00000"})
        # Data cells have no borders of their own: the sheet prints its gridlines, which also
        # frame the blank cells (a province sheet has 200,000 of them; writing each costs time).
        self.text = add({**font, "num_format": "@", "text_wrap": True})
        self.count = add({**font, "num_format": "#,##0"})
        self.percent = add({**font, "num_format": "0.0%"})
        self.date = add({**font, "num_format": "yyyy-mm-dd"})
        self.total_label = add({**font, "bold": True, "border": 1, "top": 2})
        self.total = add({**font, "bold": True, "border": 1, "top": 2, "num_format": "#,##0"})
        self.alert = add({"bg_color": "#FFC7CE", "font_color": "#9C0006"})

    def of(self, kind: str):
        return {COUNT: self.count, PERCENT: self.percent, DATE: self.date}.get(kind, self.text)


def _write_cell(ws, r: int, c: int, value, kind: str, fmts: _Formats) -> None:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return
    if isinstance(value, bool):
        ws.write_string(r, c, "是" if value else "否", fmts.text)
    elif isinstance(value, (int, float)) and kind in (COUNT, PERCENT):
        ws.write_number(r, c, value, fmts.of(kind))
    elif isinstance(value, (dt.date, dt.datetime)):
        ws.write_datetime(r, c, dt.datetime(value.year, value.month, value.day), fmts.date)
    elif isinstance(value, (int, float)):
        ws.write_number(r, c, value, fmts.count)
    else:
        ws.write_string(r, c, str(value), fmts.text)  # text, never a formula


def write_table(book, table: Table, fmts: _Formats, signoff: list[str] | None = None) -> None:
    """Lay one table out on a new sheet (see the module docstring)."""
    ws = book.add_worksheet(sheet_name(table.name))
    ncols = max(len(table.columns), 1)
    r = 0
    if table.title:
        if ncols > 1:
            ws.merge_range(0, 0, 0, ncols - 1, table.title, fmts.title)
        else:
            ws.write_string(0, 0, table.title, fmts.title)
        ws.set_row(0, 24)
        r = 1
    if table.note:
        ws.write_string(r, 0, table.note, fmts.note)
        r += 1
    first_header = r
    if table.groups:
        grouped = set()
        for title, c0, c1 in table.groups:
            if c1 > c0:
                ws.merge_range(r, c0, r, c1, title, fmts.header)
            else:
                ws.write_string(r, c0, title, fmts.header)
            grouped.update(range(c0, c1 + 1))
        for c, (header, _) in enumerate(table.columns):
            if c not in grouped:  # a column outside every group spans both header rows
                ws.merge_range(r, c, r + 1, c, header, fmts.required if c in table.required else fmts.header)
        r += 1
    for c, (header, _) in enumerate(table.columns):
        if not table.groups or any(c0 <= c <= c1 for _, c0, c1 in table.groups):
            ws.write_string(r, c, header, fmts.required if c in table.required else fmts.header)
    header_row = r
    r += 1
    first_data = r
    widths = [display_width(h) + 2 for h, _ in table.columns]
    caps = [min(MAX_WIDTH, table.widths.get(c, MAX_WIDTH)) for c in range(ncols)]
    long_cells = []  # (row, column, width) of text wider than its column can be: it wraps
    for row in table.rows:
        for c, value in enumerate(row[:ncols]):
            kind = table.columns[c][1]
            _write_cell(ws, r, c, value, kind, fmts)
            if kind != PERCENT and value is not None:
                w = display_width(value) + 2
                widths[c] = max(widths[c], min(w, MAX_WIDTH))
                if w > caps[c]:
                    long_cells.append((r, c, w))
        r += 1
    last_data = r - 1
    final = [table.widths.get(c, max(w, 6)) for c, w in enumerate(widths)]
    _fit_rows(ws, long_cells, final)
    if table.totals and table.rows:
        ws.write_string(r, 0, "合计", fmts.total_label)
        for c in range(1, ncols):
            if c in table.totals:
                total = sum(v for v in (row[c] for row in table.rows) if isinstance(v, (int, float)) and not isinstance(v, bool))
                ws.write_number(r, c, total, fmts.total)
            else:
                ws.write_blank(r, c, None, fmts.total_label)
        r += 1
    for c in table.alert:
        if table.rows:
            ws.conditional_format(first_data, c, last_data, c, {"type": "cell", "criteria": ">", "value": 0,
                                                                 "format": fmts.alert})
    for c, rows, options in table.validations:
        ws.data_validation(first_data, c, first_data + rows - 1, c, options)
    for c, w in enumerate(final):  # text columns stay text where the clerk types more rows (codes!)
        ws.set_column(c, c, w, fmts.text if table.columns[c][1] == TEXT else None)
    ws.freeze_panes(header_row + 1, 0)
    if table.rows or table.validations:
        ws.autofilter(header_row, 0, max(last_data, header_row), ncols - 1)
    if signoff:
        r += 1
        for line in signoff:
            ws.write_string(r, 0, line, fmts.note)
            r += 1
    ws.set_landscape()
    ws.hide_gridlines(0)  # 0: gridlines on screen and on paper
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(first_header, header_row)
    ws.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.6)
    ws.set_header(f"&L&\"宋体\"&9{_escape(table.title)}")
    ws.set_footer("&C&\"宋体\"&9第 &P 页 共 &N 页")
    if table.hidden:
        ws.hide()


LINE_HEIGHT = 13.5  # points per line of 10-point 宋体


def _fit_rows(ws, long_cells: list[tuple[int, int, int]], widths: list[int]) -> None:
    """Give rows with wrapped text the height of their lines: not every spreadsheet program
    sizes them when it opens the file (LibreOffice keeps the default height and overprints)."""
    lines: dict[int, int] = {}
    for r, c, w in long_cells:
        lines[r] = max(lines.get(r, 1), math.ceil(w / max(widths[c] - 1, 1)))
    for r, n in lines.items():
        if n > 1:
            ws.set_row(r, LINE_HEIGHT * n)


def _escape(text: str) -> str:
    """Header/footer text with ``&`` doubled (a single one starts a control code)."""
    return text.replace("&", "&&")[:200]


def write_workbook(path: str | Path, tables: list[Table], signoff: list[str] | None = None,
                   created: dt.datetime | None = None) -> Path:
    """Write ``tables`` as one workbook at ``path`` (through a temporary file, then renamed).
    ``created`` fixes the file's creation date, which makes the bytes reproducible."""
    import xlsxwriter

    path = Path(path)
    with atomic_path(path) as tmp:
        book = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_urls": False,
                                              "use_zip64": False})
        book.set_properties({"created": created or dt.datetime.now(), "author": "orgmodel"})
        fmts = _Formats(book)
        for table in tables:
            write_table(book, table, fmts, signoff)
        book.close()
    return path
