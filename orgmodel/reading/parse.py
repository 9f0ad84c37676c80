"""Turn raw items (from any reader) into validated directives plus findings."""

from __future__ import annotations

import sys

from ..core.config import Config
from ..core.directive import Directive
from ..core.findings import Finding
from ..core.located import RawItem, spots_of
from ..core.schema import (
    MAX_FIELDS,
    MAX_NAME,
    MAX_TEXT,
    MAX_YEAR,
    MIN_YEAR,
    Problems,
    parse_date,
    shown,
    text_problem,
    validate_fields,
)
from ..core.sharing import Shared
from ..ops import OPS, lookup
from ..ops.registry import COMMON_FIELDS


def build_directive(item: RawItem, config: Config) -> tuple[Directive | None, list[Finding]]:
    """Validate one raw item against its op's fields.

    Returns the directive (None when it cannot be used) and every problem found, each
    located through the item's source and the reader's spots.
    """
    raw, source = item
    spots = spots_of(raw)
    probs = Problems(source, spots)
    if not isinstance(raw, dict):
        probs.add("bad-directive", f"每条指令应为映射(键: 值),实为{'列表' if isinstance(raw, list) else '空' if raw is None else f'“{raw}”'}")
        return None, probs.findings
    for key, at in getattr(raw, "duplicates", ()):
        probs.add("duplicate-field", f"字段 {key} 写了不止一次;请只保留一个", spot=at)
    op_name = raw.get("op")
    spec = lookup(op_name) if op_name is not None else None
    if op_name is None:
        typed = next((k for k in raw if isinstance(k, str) and k.startswith("op：")), None)
        if typed:  # `op：设立` typed with a Chinese input method
            probs.add("missing-field", f"“{typed}”中有全角冒号“：”;请改为半角冒号加空格,例如 op: …", typed)
        else:
            probs.add("missing-field", "缺少必填字段 op(指令类型)")
    elif spec is None:
        known = "、".join(f"{s.name}({s.label})" for s in sorted(OPS.values(), key=lambda s: s.rank))
        probs.add("unknown-op", f"未知的指令类型“{op_name}”;可用:{known}", "op")
    date = None
    if raw.get("date") is None:
        probs.add("missing-field", "缺少必填字段 date(日期)")
    else:
        date = parse_date(raw["date"])
        if date is None:
            probs.add("bad-date", f"日期“{shown(raw['date'])}”无效;应为 {MIN_YEAR}–{MAX_YEAR} 年间真实存在的日期,"
                      f"格式 YYYY-MM-DD", "date")
    if len(raw) > MAX_FIELDS:
        probs.add("bad-directive", f"此指令有 {len(raw)} 个字段,超过上限 {MAX_FIELDS};请检查是否误把多条指令写在了一起")
        return None, probs.findings
    doc = raw.get("doc")
    doc = str(doc).strip() if doc is not None and not isinstance(doc, (dict, list)) and str(doc).strip() else doc
    if doc is not None and (problem := _text_field(doc, False, MAX_NAME)):
        probs.add("bad-value", f"文号(doc){problem}", "doc")
    note = raw.get("note")
    if note is not None and (problem := _text_field(note, True, MAX_TEXT)):
        probs.add("bad-value", f"备注(note){problem}", "note")
    if spec is None:
        return None, probs.findings
    body = {k: v for k, v in raw.items() if k not in COMMON_FIELDS}
    fields = validate_fields(spec.fields, body, probs, config, common=("doc", "note"))
    if spec.doc_required(fields) and not doc:
        probs.add("missing-doc", f"“{spec.label}”会改变编制,必须注明文号(doc),例如 doc: 青编〔2021〕12号")
    if probs.findings or date is None:
        return None, probs.findings
    directive = Directive(date=date, op=spec.name, fields=fields, source=source, doc=doc,
                          note=None if note is None else str(note), spots=own_spots(spots, source.spot))
    return directive, probs.findings


_SPOTS = Shared(1 << 16)


def own_spots(spots: dict, base) -> dict | None:
    """A directive's :attr:`~orgmodel.directive.Directive.spots`: the fields read somewhere
    other than ``base`` (where the directive starts), a line as its offset from ``base`` when
    both are lines. Block-style items repeat a few layouts over millions of directives, so
    equal maps are one shared dict (read-only, like every validated value)."""
    if not spots:
        return None
    lines = isinstance(base, int)
    own = {sys.intern(k) if isinstance(k, str) else k: s - base if lines and isinstance(s, int) else s
           for k, s in spots.items() if s != base}
    return _SPOTS(tuple(own.items()), own) if own else None


def _text_field(value, multiline: bool, limit: int) -> str | None:
    """Why a free-text field (doc, note) cannot be kept, or None."""
    if isinstance(value, (dict, list)):
        return f"应为文字,实为{shown(value)}"
    return text_problem(str(value), multiline, limit)


def sort_key(d: Directive):
    """Total order: date, then the op's same-day rank, then where the directive was read."""
    return (d.date, OPS[d.op].rank, *d.source.order)
