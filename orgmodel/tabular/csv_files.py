"""Read a ledger table saved as CSV: one file per sheet, named after the sheet (机构.csv).

Excel on Chinese Windows saves CSV as GBK; newer Excel and WPS offer UTF-8 with a BOM;
other systems export UTF-8 or GB18030. The encoding is decided from the bytes: a BOM, else
strict UTF-8, else strict GB18030 (which contains GBK). Text that decodes but reads as
nonsense (mostly characters outside the common set) is refused with a message that says
how to save the file. The folder's 说明.csv, if any, gives the state sheets their date.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import replace
from pathlib import Path

from ..core.findings import CellSource, Finding
from ..core.located import ReadResult
from ..core.text import os_error_text
from .layout import SETTINGS_SHEET, sheet_named
from .names import normal
from .reader import Grid, read_grids
from .zipcheck import LEDGER

SUFFIXES = (".csv",)
SAVE_AS = "请在 Excel 中“另存为”并选择“CSV UTF-8(逗号分隔)”,或在 WPS 中另存为 UTF-8 编码的 CSV"


def decode(data: bytes) -> tuple[str | None, str]:
    """``(text, encoding name)``; text is None when the encoding cannot be decided."""
    for bom, name in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(name), name
            except UnicodeDecodeError:
                return None, name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None, "unknown"
    return (text, "gb18030") if _plausible_chinese(text) else (None, "unknown")


def _plausible_chinese(text: str) -> bool:
    """False when most Chinese characters of a GB18030 reading fall outside GB2312's 6,763
    common ones: the bytes were some other encoding (Big5, say) and decoded into nonsense."""
    cjk = [ch for ch in text if "\u3400" <= ch <= "\u9fff" or "\ue000" <= ch <= "\uf8ff"]
    if not cjk:
        return True
    rare = 0
    for ch in cjk:
        try:
            ch.encode("gb2312")
        except UnicodeEncodeError:
            rare += 1
    return rare <= 0.3 * len(cjk)


def sheet_name_of(path: Path) -> str:
    """The sheet a CSV file stands for: its name, or a part of it (台账-机构.csv → 机构)."""
    stem = path.stem
    if sheet_named(stem) is not None or normal(stem) == normal(SETTINGS_SHEET):
        return stem
    for sep in ("-", "_", " ", "—", "·"):
        for part in reversed(stem.split(sep)):
            if sheet_named(part) is not None or normal(part) == normal(SETTINGS_SHEET):
                return part
    return stem


MAX_BYTES = 256 * 2**20  # a ledger's CSV file (a province's whole state is 21 MB of CSV)
MAX_LINES = LEDGER.rows  # a ledger's CSV file: as many rows as one sheet of a workbook


def grid_of(path: Path, display: str, max_bytes: int = MAX_BYTES,
            max_lines: int = MAX_LINES) -> tuple[Grid | None, Finding | None]:
    """The CSV file as one grid (its encoding detected), or a finding saying why it cannot be
    read (``unreadable``: the command stops with exit code 2): over ``max_bytes``, or over
    ``max_lines`` lines (counted before anything is built from them)."""
    try:
        size = path.stat().st_size
        if size > max_bytes:
            return None, Finding("unreadable", f"文件有 {size / 2**20:,.0f} MB,超过上限 {max_bytes // 2**20:,} MB;"
                                               f"请把表分成几个文件", CellSource(display, 0))
        data = path.read_bytes()
    except OSError as exc:
        return None, Finding("unreadable", f"无法读取文件:{os_error_text(exc)}", CellSource(display, 0))
    lines = data.count(b"\n")
    if lines > max_lines:
        return None, Finding("unreadable", f"文件有 {lines:,} 行,超过上限 {max_lines:,} 行;请把表分成几个文件",
                             CellSource(display, 0))
    text, _ = decode(data)
    if text is None:
        return None, Finding("bad-encoding", f"无法判断文件编码(不是 UTF-8,也不像 GBK/GB18030);{SAVE_AS}", CellSource(display, 0))
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return Grid(sheet_name_of(path), rows), None


def _settings_file(path: Path) -> Path | None:
    for other in sorted(path.parent.glob("*.csv")):
        if not other.is_file():  # a FIFO named 说明.csv would block the read
            continue
        if normal(sheet_name_of(other)) == normal(SETTINGS_SHEET):
            return other
    return None


def read(path: Path, display: str) -> ReadResult:
    """One CSV file's directives (the 说明 file itself gives none)."""
    if normal(sheet_name_of(path)) == normal(SETTINGS_SHEET):
        return ReadResult([], [])
    grid, problem = grid_of(path, display)
    if grid is None:
        return ReadResult([], [problem])
    settings_path = _settings_file(path)
    settings, settings_display = None, None
    if settings_path is not None:
        settings_display = str(Path(display).parent / settings_path.name)
        settings, problem = grid_of(settings_path, settings_display)
        if problem is not None:
            return ReadResult([], [problem])
    result = read_grids([grid], display, settings, settings_display)
    # a CSV file is one sheet: its cells are named file!C17 rather than file!sheet!C17
    return ReadResult([item._replace(source=_no_sheet(item.source)) for item in result.items],
                      [f if f.source is None else _finding_without_sheet(f) for f in result.findings])


def _no_sheet(source):
    return source if not isinstance(source, CellSource) else replace(source, sheet="", sheet_no=0)


def _finding_without_sheet(f: Finding) -> Finding:
    return replace(f, source=_no_sheet(f.source))
