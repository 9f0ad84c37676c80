"""Write values as flow-style YAML that the readers give back unchanged.

Used by the synthetic ledgers and by ``orgmodel dump``: mappings ``{k: v}``, lists
``[a, b]``, and text left plain only when YAML cannot misread it (a number, a boolean, a
special character, a value tag such as ``=`` or ``<<``, a control character or padding
all make it double-quoted; JSON's escapes are YAML's too). Dates stay plain: the readers
keep them as text.
"""

from __future__ import annotations

import json
import re

_SPECIAL = set(":,[]{}#&*!|>'\"%@`?=<\\")
_PLAIN_RISK = re.compile(r"^[-+.\d]|^(true|false|null|yes|no|on|off|y|n|~)$", re.I)
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff\ufeff]")


def flow(value) -> str:
    """One value as flow-style YAML (see the module docstring)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{flow(str(k))}: {flow(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(flow(v) for v in value) + "]"
    text = str(value)
    risky = (not text or text != text.strip() or any(c in _SPECIAL for c in text) or _UNPRINTABLE.search(text)
             or (_PLAIN_RISK.match(text) and not _DATE.match(text)))
    return json.dumps(text, ensure_ascii=False) if risky else text
