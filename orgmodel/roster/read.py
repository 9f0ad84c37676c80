"""Read a roster (花名册): one workbook or CSV file, or a folder of dated snapshots
(``花名册/2024-12-31.xlsx``, ``花名册/2025-12-31.csv``), through the ledger workbook's readers,
so a cell that cannot be read is a finding at ``file!sheet!cell`` and its row is left out.

A snapshot's date is the one in its file name, else the 说明 sheet's 截至日期, else the
date the caller gives (``--as-of``)."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..core.findings import CellSource, Finding
from ..core.paths import not_regular
from ..rules import severity_of
from ..tabular import csv_files, xlsx, zipcheck
from ..tabular.layout import LISTS_SHEET, SETTINGS_SHEET
from ..tabular.names import normal
from ..tabular.reader import Grid, SheetOutput, data_rows, read_settings
from .layout import IN_POST, ROSTER, SHEET_NAMES

SUFFIXES = (*xlsx.SUFFIXES, *csv_files.SUFFIXES)
_DATE_IN_NAME = re.compile(r"((?:19|20)\d{2})[-年._]?(\d{1,2})[-月._]?(\d{1,2})日?")
MAX_FILES = 200
MAX_PEOPLE = 5_000_000  # rows of one roster file (a province has about 1.2 million)
MAX_CSV_BYTES = 2048 * 2**20  # a province's roster is 195 MB of CSV


class RosterError(Exception):
    """The roster cannot be read at all (exit code 2)."""


@dataclass(eq=False, slots=True)
class Person:
    """One row of a roster: the values read (by the layout's keys) and where each cell is."""

    display: str
    sheet: str
    row: int
    values: dict
    columns: dict = field(default_factory=dict)  # key -> column letter, from the sheet's header
    in_post: bool = field(init=False)  # holds quota (人员状态 在编 or left blank) and has not left

    def __post_init__(self):
        self.in_post = self.values.get("status", IN_POST) == IN_POST and self.values.get("left") is None

    def get(self, key: str, default=None):
        return self.values.get(key, default)

    def at(self, key: str | None = None) -> CellSource:
        """The cell of column ``key`` in this row (filled or left blank), or the row's first
        filled cell when the sheet has no such column."""
        letter = self.columns.get(key) or next((self.columns[k] for k in self.values if k in self.columns), "A")
        return CellSource(self.display, self.row, self.sheet, letter)


@dataclass
class Snapshot:
    """A roster as of one day."""

    date: dt.date | None
    display: str
    people: list[Person] = field(default_factory=list)


@dataclass
class Roster:
    snapshots: list[Snapshot]
    findings: list[Finding]

    @property
    def latest(self) -> Snapshot:
        return self.snapshots[-1]


def read_roster(path: str | Path, as_of: dt.date | None = None) -> Roster:
    """Every snapshot at ``path`` (a file, or a folder of dated files), oldest first."""
    root = Path(path)
    if not root.exists():
        raise RosterError(f"{path}: 找不到花名册文件或文件夹")
    if (why := not_regular(root)) is not None:
        raise RosterError(f"{path}: {why};花名册须为文件或文件夹")
    if root.is_dir():
        files = sorted(p for p in root.iterdir() if p.is_file() and p.suffix.lower() in SUFFIXES
                       and not p.name.startswith(("~$", ".")))
        if not files:
            raise RosterError(f"{path}: 文件夹中没有花名册文件({'、'.join('*' + s for s in SUFFIXES)})")
        if len(files) > MAX_FILES:
            raise RosterError(f"{path}: 有 {len(files)} 个文件,超过 {MAX_FILES} 个;每个文件应为某一日期的花名册")
        shown = [(p, str(Path(str(path)) / p.name)) for p in files]
    elif root.suffix.lower() in SUFFIXES:
        shown = [(root, str(path))]
    else:
        raise RosterError(f"{path}: 花名册须为 {'、'.join(SUFFIXES)} 文件或这些文件的文件夹")
    snapshots, findings = [], []
    for p, display in shown:
        snap, found = _snapshot(p, display, as_of if len(shown) == 1 else None)
        findings += found
        if snap is not None:
            snapshots.append(snap)
    dated = [s for s in snapshots if s.date is not None]
    if len(shown) > 1:
        for s in snapshots:
            if s.date is None:
                findings.append(Finding("roster-date", "文件名中没有日期;文件夹中的每个花名册须以日期命名,如 2024-12-31.xlsx",
                                        CellSource(s.display, 0), severity_of("roster-date")))
        snapshots = dated
        days = [s.date for s in snapshots]
        for day in {d for d in days if days.count(d) > 1}:
            twins = "、".join(s.display for s in snapshots if s.date == day)
            findings.append(Finding("roster-date", f"{twins} 的日期都是 {day};同一日期只能有一份花名册",
                                    CellSource(twins.split("、")[0], 0), severity_of("roster-date")))
    snapshots.sort(key=lambda s: s.date or dt.date.min)
    return Roster(snapshots, findings)


def date_in_name(name: str) -> dt.date | None:
    m = _DATE_IN_NAME.search(name)
    if not m:
        return None
    try:
        return dt.date(int(m[1]), int(m[2]), int(m[3]))
    except ValueError:
        return None


def _snapshot(path: Path, display: str, as_of: dt.date | None) -> tuple[Snapshot | None, list[Finding]]:
    if path.suffix.lower() in csv_files.SUFFIXES:
        grid, problem = csv_files.grid_of(path, display, MAX_CSV_BYTES, MAX_PEOPLE + 100)
        if grid is not None:
            grid.name = ""  # a CSV file is one sheet: its cells are file!C17
        grids = [grid] if grid is not None else []
    else:
        grids, problem = xlsx.grids(path, display, zipcheck.ROSTER)
    if problem is not None:
        return None, [problem]
    out = SheetOutput(display)
    settings = next((g for g in grids if normal(g.name) == normal(SETTINGS_SHEET)), None)
    day = date_in_name(path.stem)
    if settings is not None:
        found = read_settings(settings, out).date
        day = day or found
    sheet = _roster_sheet(grids)
    if sheet is None:
        return None, [*out.findings, Finding("bad-header", "找不到花名册工作表;请把人员表命名为“花名册”", CellSource(display, 0))]
    name = "" if path.suffix.lower() in csv_files.SUFFIXES else sheet.name
    rows = data_rows(sheet, ROSTER, out, MAX_PEOPLE)
    columns = out.columns.get(sheet.name, {})
    people = [Person(display, name, r.number, r.values, columns) for r in rows]
    return Snapshot(day or as_of, display, people), out.findings


def _roster_sheet(grids: list[Grid]) -> Grid | None:
    """The roster's sheet: one named as a roster, else the first that is not 说明 or the lists."""
    named = [g for g in grids if any(normal(g.name) == normal(n) for n in SHEET_NAMES)]
    if named:
        return named[0]
    rest = [g for g in grids if normal(g.name) not in (normal(SETTINGS_SHEET), normal(LISTS_SHEET))]
    return rest[0] if rest else None
