"""Read a ledger workbook (.xlsx, .xlsm, .xls; Excel or WPS) into grids, with python-calamine.

calamine is the Rust reader that pandas uses as ``engine="calamine"``: it reads a sheet of
100,000 rows in about a second, where openpyxl takes many times longer and about 50 times
the file's size in memory (figures in ``benchmarks/RESULTS.md``).
"""

from __future__ import annotations

from pathlib import Path

from ..core.findings import CellSource, Finding
from ..core.located import ReadResult
from ..core.text import os_error_text
from . import zipcheck
from .layout import SETTINGS_SHEET
from .names import normal
from .reader import Grid, read_grids

SUFFIXES = (".xlsx", ".xlsm", ".xls")


def _grid(sheet) -> Grid:
    rows = sheet.to_python(skip_empty_area=False)
    merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
    return Grid(sheet.name, [list(r) for r in rows], merged)


def _merged_area(grid: Grid) -> int:
    """Cells that filling the merged ranges would write (:meth:`Grid.filled`: each row of a
    range, within the sheet's rows, reaches out to the range's last column)."""
    height = len(grid.rows)
    return sum(max(0, min(r1, height - 1) - r0 + 1) * (c1 + 1) for r0, c0, r1, c1 in grid.merged)


def grids(path: Path, display: str, limits: zipcheck.Limits = zipcheck.LEDGER) -> tuple[list[Grid], Finding | None]:
    """Every worksheet of the workbook as a grid, or a finding saying why it cannot be read
    (``unreadable``: the command then stops with exit code 2). The file is inspected first
    (:mod:`.zipcheck`): nothing it holds reaches the reader unless its sizes are within ``limits``."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    refused = zipcheck.inspect(path, limits)
    if refused:
        return [], Finding("unreadable", refused, CellSource(display, 0))
    try:
        book = CalamineWorkbook.from_path(str(path))
        try:
            names = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
            found = []
            for n in names:
                grid = _grid(book.get_sheet_by_name(n))
                if _merged_area(grid) > limits.cells:
                    return [], Finding("unreadable", f"工作表“{n}”的合并单元格共覆盖超过 {limits.cells:,} 个单元格,"
                                                     f"不像是台账;请取消多余的合并后保存", CellSource(display, 0))
                found.append(grid)
            return found, None
        finally:
            book.close()
    except OSError as exc:
        return [], Finding("unreadable", f"无法读取工作簿({os_error_text(exc)})", CellSource(display, 0))
    except Exception:  # noqa: BLE001 - calamine raises its own error types for every kind of bad file
        return [], Finding("unreadable", "无法读取工作簿:文件损坏、加密或不是 Excel 文件;"
                                         "请用 Excel 或 WPS 打开后另存为 .xlsx", CellSource(display, 0))


def read(path: Path, display: str) -> ReadResult:
    """The workbook's directives: every sheet the layout knows, the 说明 sheet as settings."""
    found, problem = grids(path, display)
    if problem is not None:
        return ReadResult([], [problem])
    settings = next((g for g in found if normal(g.name) == normal(SETTINGS_SHEET)), None)
    return read_grids([g for g in found if g is not settings], display, settings)
