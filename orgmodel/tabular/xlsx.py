"""Read a ledger workbook (.xlsx, .xlsm, .xls; Excel or WPS) into grids, with python-calamine.

calamine is the Rust reader that pandas uses as ``engine="calamine"``: it reads a sheet of
100,000 rows in about a second, where openpyxl takes many times longer and about 50 times
the file's size in memory (figures in ``benchmarks/RESULTS.md``).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ..core.findings import CellSource, Finding
from ..core.located import ReadResult
from ..core.text import os_error_text
from .layout import SETTINGS_SHEET
from .names import normal
from .reader import Grid, read_grids

SUFFIXES = (".xlsx", ".xlsm", ".xls")


def _grid(sheet) -> Grid:
    rows = sheet.to_python(skip_empty_area=False)
    merged = [(r0, c0, r1, c1) for (r0, c0), (r1, c1) in (sheet.merged_cell_ranges or [])]
    return Grid(sheet.name, [list(r) for r in rows], merged)


MAX_UNPACKED = 2_000_000_000  # bytes: a province's state is about 100 MB unpacked


def _unpacked_size(path: Path) -> str | None:
    """Why the workbook is refused before it is unpacked (a "zip bomb"), or None."""
    try:
        with zipfile.ZipFile(path) as z:
            total = sum(info.file_size for info in z.infolist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None  # not a zip (an old .xls, say): the reader says what it is
    if total > MAX_UNPACKED:
        return (f"工作簿解压后有 {total / 1e9:.1f} GB,超过上限 {MAX_UNPACKED / 1e9:.0f} GB;"
                f"这不像是台账,可能是损坏或恶意的文件")
    return None


def grids(path: Path, display: str) -> tuple[list[Grid], Finding | None]:
    """Every worksheet of the workbook as a grid, or a finding saying why it cannot be read."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum

    too_big = _unpacked_size(path)
    if too_big:
        return [], Finding("bad-file", too_big, CellSource(display, 0))
    try:
        book = CalamineWorkbook.from_path(str(path))
        try:
            names = [m.name for m in book.sheets_metadata if m.typ == SheetTypeEnum.WorkSheet]
            return [_grid(book.get_sheet_by_name(n)) for n in names], None
        finally:
            book.close()
    except OSError as exc:
        return [], Finding("unreadable", f"无法读取工作簿({os_error_text(exc)})", CellSource(display, 0))
    except Exception:  # noqa: BLE001 - calamine raises its own error types for every kind of bad file
        return [], Finding("bad-file", "无法读取工作簿:文件损坏、加密或不是 Excel 文件;"
                                       "请用 Excel 或 WPS 打开后另存为 .xlsx", CellSource(display, 0))


def read(path: Path, display: str) -> ReadResult:
    """The workbook's directives: every sheet the layout knows, the 说明 sheet as settings."""
    found, problem = grids(path, display)
    if problem is not None:
        return ReadResult([], [problem])
    settings = next((g for g in found if normal(g.name) == normal(SETTINGS_SHEET)), None)
    return read_grids([g for g in found if g is not settings], display, settings)
