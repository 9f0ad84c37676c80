"""The sign-off block that printed reports and workbooks end with: 填报单位, 制表人, 审核人,
填报日期, filled from the config's ``signoff`` section or left blank to fill in by hand."""

from __future__ import annotations

from .config import Config

FIELDS = (("unit", "填报单位"), ("preparer", "制表人"), ("reviewer", "审核人"), ("date", "填报日期"))


def signoff_fields(config: Config | None) -> list[tuple[str, str]]:
    """``[(label, value)]`` in print order; a value not configured is "" (a line to sign on)."""
    given = (config.get("signoff") if config is not None else None) or {}
    return [(label, str(given.get(key) or "")) for key, label in FIELDS]


def signoff_line(config: Config | None) -> str:
    """The block as one line of text, blanks drawn as underscores: for workbooks and CSV."""
    return "    ".join(f"{label}:{value or '_' * 12}" for label, value in signoff_fields(config))
