"""A directive's fields in a line of Chinese, for history tables and the store's log:
``调出 栖澜市收回编制池;调入 市企业服务中心;编制类型 事业编制;数量 6``."""

from __future__ import annotations

import datetime as dt

from .schema import FIELD_LABELS

# fields every directive has, shown in columns of their own rather than in the summary
COMMON = ("date", "op", "doc", "note")
MAX_SUMMARY = 80


def shown_value(value) -> str:
    """One field value as a clerk reads it: 是/否, ``正职 1、副职 2``, a list joined by 、."""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return "、".join(f"{k} {shown_value(v)}" for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return "、".join(shown_value(v) for v in value)
    return str(value)


def fields_summary(fields: dict, limit: int = MAX_SUMMARY) -> str:
    """``fields`` (a directive's, or a stored record's raw mapping) without the common ones,
    each as ``中文名 值``, joined by ;, cut at ``limit`` characters with …."""
    parts = [f"{FIELD_LABELS.get(k, k)} {shown_value(v)}" for k, v in fields.items() if k not in COMMON]
    text = ";".join(parts)
    return text if len(text) <= limit else text[:limit] + "…"
