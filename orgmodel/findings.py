"""Findings: problems found while reading, replaying or checking a ledger.

Errors are values: every stage returns findings instead of raising, so one
pass collects every problem.
"""

from __future__ import annotations

from dataclasses import dataclass

ERROR = "error"
WARNING = "warning"
INFO = "info"

SEVERITY_LABELS = {ERROR: "错误", WARNING: "警告", INFO: "提示"}
SEVERITY_ORDER = {ERROR: 0, WARNING: 1, INFO: 2}


@dataclass(frozen=True, order=True, slots=True)
class Source:
    """Where a directive or value was read from: a file and a 1-based line (or a cell)."""

    file: str
    line: int = 0

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True)
class Finding:
    """One problem: a rule id, a severity, a plain Chinese message, and where it is."""

    rule: str
    message: str
    source: Source | None = None
    severity: str = ERROR
    body: str | None = None

    def format(self) -> str:
        """Render as ``file:line: [rule] message`` for terminals and logs; a warning's or a
        note's message starts with 警告: or 提示: so it is not mistaken for an error."""
        where = f"{self.source}: " if self.source else ""
        level = "" if self.severity == ERROR else f"{SEVERITY_LABELS.get(self.severity, self.severity)}:"
        return f"{where}[{self.rule}] {level}{self.message}"

    def to_record(self) -> dict:
        return {
            "rule": self.rule,
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
            f.source.line if f.source else 0,
            SEVERITY_ORDER.get(f.severity, 9),
            f.rule,
            f.message,
        ),
    )
