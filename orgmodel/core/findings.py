"""Findings, and the locations they point at.

Errors are values: every stage returns findings instead of raising, so one pass
collects every problem. A finding's :class:`Source` says where the problem is, in
the form users know: ``file:line`` for text files, ``file!sheet!cell`` for
workbooks, and a store record with the place it was first read from.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace

from .text import escape_controls
from .titles import title_of

ERROR = "error"
WARNING = "warning"
INFO = "info"

SEVERITY_LABELS = {ERROR: "错误", WARNING: "警告", INFO: "提示"}
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def reduce_by_fields(self):
    """``__reduce__`` for a frozen, slotted dataclass: rebuilt from its fields in order. The
    default pickling of such classes looks the fields up again for every object, which is
    most of the time it takes to read a checkpoint (millions of sources)."""
    cls = type(self)
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in fields(cls))
    return cls, tuple(getattr(self, n) for n in names)


@dataclass(frozen=True, slots=True)
class Source:
    """A place in a text file: ``file`` and a 1-based ``line`` (0 means the whole file).

    Every kind of location has a ``file`` (what holds it) and a ``line`` (its position
    there), which is what findings are grouped and sorted by; it prints itself the way
    users know, and :meth:`at` gives the location of one field of the item it starts.
    """

    file: str
    line: int = 0

    __reduce__ = reduce_by_fields

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file

    @property
    def spot(self):
        """This location's own spot in its reader's terms (here: the line)."""
        return self.line

    def at(self, spot) -> Source:
        """The location of a field whose reader recorded ``spot`` (here: its line)."""
        return self if spot is None or spot == self.line else Source(self.file, spot)

    @property
    def order(self) -> tuple:
        """Sort key: file, then position within it."""
        return (self.file, self.line, "")

    @property
    def place(self) -> tuple:
        """Where it is within its file, for listing findings in reading order."""
        return (0, self.line, 0, "")


@dataclass(frozen=True, slots=True)
class CellSource(Source):
    """A cell of a workbook or CSV table: ``file!sheet!C17`` (``line`` is the row).

    ``seq`` is the item's place in the reader's own order when that is not the row order (a
    reader puts a parent division's row before its children's); 0 means the row.
    ``headers`` maps the sheet's column letters to the Chinese names of their columns (one
    mapping per sheet, shared), so that a message can name a field as the sheet does
    (机构类别, not ``category``); it plays no part in comparing locations."""

    sheet: str = ""
    column: str = ""
    seq: int = 0
    sheet_no: int = 0  # the sheet's place in its workbook
    headers: Mapping[str, str] | None = field(default=None, compare=False, repr=False)

    def __str__(self) -> str:
        place = f"{self.column}{self.line}" if self.line else self.column
        return "!".join(p for p in (self.file, self.sheet, place) if p)

    @property
    def spot(self):
        return self.column

    def at(self, spot) -> CellSource:
        """The cell of a field in the same row: ``spot`` is its column letter."""
        return self if spot is None or spot == self.column else replace(self, column=spot)

    def header(self, column: str | None = None) -> str | None:
        """The Chinese name of the column ``column`` (this cell's own when None), if known."""
        return self.headers.get(column or self.column) if self.headers else None

    @property
    def order(self) -> tuple:
        return (self.file, self.seq or self.line, f"{self.sheet}!{self.column}")

    @property
    def place(self) -> tuple:
        """Sheet by sheet in workbook order, then row, then column (B before AA)."""
        return (self.sheet_no, self.line, len(self.column), self.column)


@dataclass(frozen=True, slots=True)
class RecordSource(Source):
    """A record of a store (``file`` is the store, ``line`` the record number), with the
    place the directive was first read from, if known."""

    origin: Source | None = None

    def __str__(self) -> str:
        return f"{self.origin}(记录 {self.line})" if self.origin else f"{self.file}#记录{self.line}"

    @property
    def spot(self):
        return None if self.origin is None else self.origin.spot

    def at(self, spot) -> RecordSource:
        return self if self.origin is None else replace(self, origin=self.origin.at(spot))


@dataclass(frozen=True)
class Finding:
    """One problem: a rule id, a severity, a plain Chinese message, and where it is.

    ``body`` is the name shown for what the finding concerns; ``subjects`` holds the ids
    of the bodies it concerns and ``divisions`` the division codes, so outputs can link
    a finding to its page without looking a name up again.
    """

    rule: str
    message: str
    source: Source | None = None
    severity: str = ERROR
    body: str | None = None
    subjects: tuple[int, ...] = ()
    divisions: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        """The Chinese name of the finding's kind (its rule's title), as clerks read it."""
        return title_of(self.rule)

    def format(self) -> str:
        """Render as ``file:line: [超编] message`` for terminals and logs: the kind by its
        Chinese name (the id is in JSON and CSV); a warning's or a note's message starts with
        警告: or 提示: so it is not mistaken for an error."""
        where = f"{self.source}: " if self.source else ""
        level = "" if self.severity == ERROR else f"{SEVERITY_LABELS.get(self.severity, self.severity)}:"
        return escape_controls(f"{where}[{self.title}] {level}{self.message}")  # one finding, one line

    def to_record(self) -> dict:
        return {
            "rule": self.rule,
            "title": self.title,
            "severity": self.severity,
            "message": self.message,
            "source": str(self.source) if self.source else None,
            "body": self.body,
        }


def has_errors(findings) -> bool:
    """True when any finding is an error."""
    return any(f.severity == ERROR for f in findings)


def sort_findings(findings) -> list[Finding]:
    """Order findings by file, line, then rule, so output is deterministic."""
    return sorted(
        findings,
        key=lambda f: (
            f.source.file if f.source else "",
            f.source.place if f.source else (0, 0, 0, ""),
            SEVERITY_ORDER.get(f.severity, 9),
            f.rule,
            f.message,
        ),
    )
