"""The sign-off block that printed reports and workbooks end with: 填报单位, 制表人, 审核人,
填报日期, filled from the config's ``signoff`` section or left blank to fill in by hand; for a
ledger database also 台账, its record count and head hash, so that a later rewrite of the
database shows against the signed paper (``orgmodel verify --head``)."""

from __future__ import annotations

from .config import Config

FIELDS = (("unit", "填报单位"), ("preparer", "制表人"), ("reviewer", "审核人"), ("date", "填报日期"))


def signoff_fields(config: Config | None, head: str | None = None) -> list[tuple[str, str]]:
    """``[(label, value)]`` in print order; a value not configured is "" (a line to sign on).
    ``head`` is a database's head line (:func:`orgmodel.store.trust.sign_off_text`), if any."""
    given = (config.get("signoff") if config is not None else None) or {}
    fields = [(label, str(given.get(key) or "")) for key, label in FIELDS]
    return fields + ([(HEAD_LABEL, head)] if head else [])


HEAD_LABEL = "台账"


def signoff_line(config: Config | None, head: str | None = None) -> str:
    """The block as one line of text, blanks drawn as underscores: for workbooks and CSV."""
    return "    ".join(f"{label}:{value or '_' * 12}" for label, value in signoff_fields(config, head))
