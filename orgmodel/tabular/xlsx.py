"""Read a ledger workbook (.xlsx, .xlsm, .xls; Excel or WPS) into grids, with python-calamine.

calamine is the Rust reader that pandas uses as ``engine="calamine"``: it reads a sheet of
100,000 rows in about a second, where openpyxl takes many times longer and about 50 times
the file's size in memory (figures in ``benchmarks/RESULTS.md``).
"""

from __future__ import annotations

from pathlib import Path

from ..findings import CellSource, Finding
from ..sources.located import ReadResult
from .headers import normal
from .layout import SETTINGS_SHEET
from .reader import Grid, read_grids

SUFFIXES = (".xlsx", ".xlsm", ".xls")


def _grid(sheet) -> Grid:
    rows = sheet.to_python(skip_empty_area=False)
    merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
    return Grid(sheet.name, [list(r) for r in rows], merged)


def read(path: Path, display: str) -> ReadResult:
    """The workbook's directives: every sheet the layout knows, the 说明 sheet as settings."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    try:
        book = CalamineWorkbook.from_path(str(path))
        try:
            names = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
            grids = [_grid(book.get_sheet_by_name(n)) for n in names]
        finally:
            book.close()
    except Exception as exc:  # calamine raises its own error types for every kind of bad file
        why = str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__
        return ReadResult([], [Finding("bad-file", f"无法读取工作簿:文件损坏、加密或不是 Excel 文件(详情:{why});"
                                                   f"请用 Excel 或 WPS 打开后另存为 .xlsx", CellSource(display, 0))])
    settings = next((g for g in grids if normal(g.name) == normal(SETTINGS_SHEET)), None)
    return read_grids([g for g in grids if g is not settings], display, settings)
