"""The store's log: who recorded what, when, under which document, and what reversed what.

:func:`log` gives one row per record, oldest first, filtered by body, date and document, as
``orgmodel log`` prints it and the workbench shows it.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

from ..core.describe import fields_summary
from ..core.text import local_time
from ..ops import OPS
from . import KEY_OP, REVERSE_OP, BadBody, Store, origin_of, raw_of

COLUMNS = ["记录号", "日期", "指令", "内容", "文号", "记录人", "记录时间", "状态", "来源", "说明"]


def log(path: str | Path, body: str | None = None, since: dt.date | None = None, doc: str | None = None,
        newest: int | None = None, records=None) -> pd.DataFrame:
    """The records of the database at ``path``, only those that name ``body`` (its name, or
    ``区划/名称``; a correction of such a record too), dated on or after ``since``, or under
    ``doc``, and only the ``newest`` so many when given. ``records`` (numbers) takes the place
    of ``body``: exactly those records and their corrections (a body's history names them).
    StoreError when the database cannot be opened."""
    if records is not None:
        with Store(path) as store:
            rows = sorted([*store.history(since, doc, ids=records), *store.history(since, doc, reversing=records)],
                          key=lambda r: r["id"])
        return _frame(rows, newest)
    bare = body.rsplit("/", 1)[-1] if body else None
    with Store(path) as store:
        rows = store.history(since, doc, bare, newest=None if body else newest)
        about = set()
        if body:
            about = {r["id"] for r in rows if r["op"] not in (REVERSE_OP, KEY_OP) and _names(r, body)}
            # a correction shows when what it reverses names the body, wherever that record is
            reversed_ids = {r["reverses"] for r in rows if r["reverses"] and r["reverses"] not in about}
            about |= {r["id"] for r in store.history(ids=reversed_ids) if r["op"] != KEY_OP and _names(r, body)}
    return _frame([r for r in rows if not body or r["id"] in about or r["reverses"] in about], newest)


def _frame(rows, newest: int | None = None) -> pd.DataFrame:
    """The log's table of ``rows`` (the last ``newest`` of them when given)."""
    out = []
    for r in rows[-newest:] if newest else rows:
        label = REVERSE_OP if r["op"] == REVERSE_OP else (OPS[r["op"]].label if r["op"] in OPS else r["op"])
        status = f"冲正第 {r['reverses']} 号" if r["reverses"] else (f"已被第 {r['reversed_by']} 号冲正" if r["reversed_by"] else "")
        where = origin_of(r)
        out.append({"记录号": r["id"], "日期": r["date"], "指令": label, "内容": summary(r["op"], r["body"]),
                    "文号": r["doc"] or "", "记录人": r["recorded_by"], "记录时间": local_time(r["recorded_at"]), "状态": status,
                    "来源": str(where) if where else r["source"], "说明": r["note"] or ""})
    return pd.DataFrame(out, columns=COLUMNS)


def _names(row, ref: str) -> bool:
    """True when the record ``row`` names ``ref``. A ``区划/名称`` names a record that writes it
    so, or that writes the bare name with that division (``division: 东镇``); a bare name names
    every record that writes it, in any division."""
    fields = _fields(row["body"])
    if "/" not in ref:
        return mentions(fields, ref)
    division, bare = ref.rsplit("/", 1)
    return mentions(fields, ref, bare=False) or (fields.get("division") == division and mentions(fields, bare))


def mentions(value, ref: str, bare: bool = True) -> bool:
    """True when a stored value names ``ref``: the same text or, with ``bare``, the same bare
    name (``东镇/党政办`` and ``党政办`` name each other)."""
    if not bare:
        if isinstance(value, str):
            return value == ref
        if isinstance(value, dict):
            return any(mentions(v, ref, False) for v in value.values())
        if isinstance(value, list):
            return any(mentions(v, ref, False) for v in value)
        return False
    bare = ref.rsplit("/", 1)[-1]
    if isinstance(value, str):
        return value == ref or value == bare or value.rsplit("/", 1)[-1] == bare
    if isinstance(value, dict):
        return any(mentions(v, ref) for v in value.values())
    if isinstance(value, list):
        return any(mentions(v, ref) for v in value)
    return False


def _fields(body: str) -> dict:
    try:
        data = json.loads(body)
    except ValueError:
        return {}
    fields = data.get("fields") if isinstance(data, dict) else None
    return fields if isinstance(fields, dict) else {}


def summary(op: str, body: str) -> str:
    """What a record says, in a line: a correction's reason, a registered key's owner and
    fingerprint, else the directive's fields."""
    try:
        if op == REVERSE_OP:
            return str(json.loads(body).get("reason") or "")
        if op == KEY_OP:
            from .keys import fingerprint

            data = json.loads(body)
            return f"{data['name']} 的公钥,指纹 {fingerprint(data['public_key'])}"
        return fields_summary(raw_of(body))
    except (BadBody, ValueError, KeyError, TypeError, AttributeError):
        return "(内容无法读取:记录在 orgmodel 之外被改动过)"
