"""A directive's fields in a line of Chinese, for history tables and the store's log:
``调出 栖澜市收回编制池;调入 市企业服务中心;编制类型 事业编制;数量 6``."""

from __future__ import annotations

import datetime as dt

from .schema import FIELD_LABELS, field_label

# fields every directive has, shown in columns of their own rather than in the summary
COMMON = ("date", "op", "doc", "note")
MAX_SUMMARY = 80


# Values a ledger may write in English, as a clerk reads them (an assertion's field, a pool's kind)
VALUE_WORDS = {"approved": "核定", "actual": "实有", "reclaimed": "收回", "turnover": "周转", "earmarked": "专户"}


def shown_value(value) -> str:
    """One field value as a clerk reads it: 是/否, ``正职 1、副职 2``, a list joined by 、, the
    fields of a nested mapping (a merge's new body) by their Chinese names, English words
    of the ledger's own (``actual``, ``reclaimed``) in Chinese."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return "、".join(f"{FIELD_LABELS.get(k, k)} {shown_value(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "、".join(shown_value(v) for v in value)
    return VALUE_WORDS.get(value, str(value)) if isinstance(value, str) else str(value)


def fields_summary(fields: dict, limit: int = MAX_SUMMARY, op: str | None = None) -> str:
    """``fields`` (a directive's, or a stored record's raw mapping) without the common ones,
    each as ``中文名 值`` (the name the field has in a directive of kind ``op``, or of the
    mapping's own ``op``), joined by ;, cut at ``limit`` characters with …."""
    op = op or fields.get("op")
    parts = [f"{field_label(k, op)} {shown_value(v)}" for k, v in fields.items() if k not in COMMON]
    text = ";".join(parts)
    return text if len(text) <= limit else text[:limit] + "…"
