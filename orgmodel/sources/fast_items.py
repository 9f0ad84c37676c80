"""Split a ledger file into its top-level items and read the simple ones without PyYAML.

Clerks write a directive per line (``- {date: …, op: …}``) or in block style::

    - date: 2021-03-01
      op: staff
      body: 东镇/党政办
      actual:
        行政编制: 3
      signboards:
      - 网格化服务管理中心

PyYAML builds a node object per scalar and a loader per call. :func:`items_of` splits a
file into items; a one-line item takes :mod:`~orgmodel.sources.fast_flow`'s path and a
block item takes :func:`block_item`, which reads the subset above: keys at one indentation
per mapping, each with a scalar or one-line flow value on its own line, a nested mapping,
or a list of scalars or of such mappings; comments and blank lines anywhere. Like the flow path it is exact or
it declines (anything else: multi-line scalars, quoted keys, block scalars, nested lists,
a repeated key …), and the item then goes to PyYAML: all such items of a file in one call,
on their own lines (:func:`unread_text`). A property test holds
both paths to PyYAML's reading of the whole file, values and every line.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from ..core.located import LinedList, Located
from .fast_flow import MAX_DEPTH, MAX_LINE, ODD_SPACE, Decline, Tokens, one_line, parse_line


class Item(NamedTuple):
    """One top-level item of a file."""

    first: int     # the line it starts on
    last: int      # its last line, trailing comment and blank lines included
    text: str      # its exact text (line breaks and all) when no fast path read it, else ""
    value: object  # what a fast path read, or None


def items_of(text: str) -> list[Item] | None:
    """The file's top-level list items in order, each read by a fast path when one can. None
    when the file is not a plain list of items that can be read one by one: anchors (``&``,
    which aliases in other items may use), document markers, or anything at the left margin
    other than ``-`` items, comments and blank lines."""
    if "&" in text:
        return None
    lines = text.splitlines(keepends=True)
    out: list[Item] = []
    start, known = None, Tokens()
    for number, raw in enumerate(lines, 1):
        if raw[0] in " #" or _blank(raw):
            continue  # inside an item, or a comment or blank line between items
        if not (raw.startswith("- ") or raw.rstrip("\r\n") == "-"):
            return None  # a key, a document marker (--- ...), a directive (%YAML), a tab, an odd space
        if start is not None:
            out.append(_item(lines, start, number - 1, known))
        start = number
    if start is not None:
        out.append(_item(lines, start, len(lines), known))
    return out


def unread_text(items: list[Item]) -> str:
    """One YAML text of the items no fast path read, each on its own lines, so that PyYAML
    reads them all in one call and its lines are the file's. The other items' lines become
    ``#`` comments, not blank lines: a blank line would lengthen a ``|+`` scalar before it."""
    parts = ["\n" * (items[0].first - 1)] if items else []
    for item in items:
        parts.append(item.text if item.value is None else "#\n" * (item.last - item.first + 1))
    return "".join(parts)


def _blank(raw: str) -> bool:
    """A line of spaces alone (what YAML and Python call blank differ: tabs, full-width spaces)."""
    return not raw.rstrip("\r\n").strip(" ")


def _item(lines: list[str], first: int, last: int, known: Tokens) -> Item:
    """Lines ``first``..``last`` (1-based, inclusive, with their line breaks) as one item, read
    when a fast path can. The fast paths read it without its trailing blank and comment lines;
    PyYAML, when they decline, gets every line (a block scalar's text may look like a comment)."""
    end = last
    while end > first and (_blank(lines[end - 1]) or lines[end - 1].lstrip(" ").startswith("#")):
        end -= 1  # trailing blank and comment lines belong to no item
    own = [line.rstrip("\r\n") for line in lines[first - 1:end]]
    if any(ODD_SPACE.search(line) for line in own):
        value = None  # Python and YAML disagree on what is a space: PyYAML decides
    elif end == first:
        value = one_line(own[0], first, known)
    else:
        value = block_item(own, first, known)
    if value is not None:
        return Item(first, last, "", value)
    return Item(first, last, "".join(lines[first - 1:last]), None)


class _Line(NamedTuple):
    number: int
    indent: int
    text: str   # without the indentation


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\ufeff\ufffe\uffff\u2028\u2029]")
_QUOTED = re.compile(r'"(?:[^"\\]|\\.)*"')
_SINGLE = re.compile(r"'(?:[^']|'')*'")
_COMMENT = re.compile(r" #")  # entries hold no tabs (see _CONTROL) and no other spaces (ODD_SPACE)
_FLOW_END = re.compile(r"[}\]] +#")
_NOT_PLAIN_START = frozenset(",[]{}")  # flow indicators cannot start a plain scalar


def block_item(lines: list[str], first: int, known: Tokens) -> Located | None:
    """The mapping of a block item written on ``lines`` (the first at line ``first`` and
    starting with ``- ``) when it is in the simple subset; None to leave it to PyYAML."""
    head = lines[0]
    if not head.startswith("- ") or head[2:3] in (" ", "") or any(len(s) > MAX_LINE for s in lines):
        return None
    entries = [_Line(first, 2, head[2:])]
    for number, raw in enumerate(lines[1:], first + 1):
        text = raw.lstrip(" ")
        if not text or text.startswith("#"):
            continue  # blank and comment lines may sit anywhere
        entries.append(_Line(number, len(raw) - len(text), text))
    if any(_CONTROL.search(e.text) for e in entries):
        return None
    try:
        value, end = _mapping(entries, 0, known)
    except (Decline, IndexError):
        return None
    return value if end == len(entries) else None


def _mapping(entries: list[_Line], i: int, known: Tokens, depth: int = 0) -> tuple[Located, int]:
    """The block mapping whose first key is ``entries[i]``; (it, the index after it). Deeper
    nesting than :data:`~orgmodel.sources.fast_flow.MAX_DEPTH` is left to PyYAML, which reports it."""
    if depth > MAX_DEPTH:
        raise Decline
    indent = entries[i].indent
    out = Located()
    out.spot, out.spots = entries[i].number, {}
    while i < len(entries) and entries[i].indent == indent:
        number, _, text = entries[i]
        key_text, colon, rest = text.partition(": ")
        if not colon:
            if not text.endswith(":"):
                raise Decline  # a list item here, or a scalar running on over lines
            key_text, rest = text[:-1], ""
        if not key_text.strip() or key_text[0] in _NOT_PLAIN_START or key_text[0] == "-":
            raise Decline
        key = known[key_text]
        if key in out:
            raise Decline  # the YAML reader notes the repeated key, and validation reports it
        out.spots[key] = number
        rest = rest.strip()
        i += 1
        if rest and not rest.startswith("#"):
            out[key] = _inline(rest, number, known)
        elif i < len(entries) and entries[i].indent > indent:
            nested = entries[i]
            out[key], i = (_sequence if _is_item(nested.text) else _mapping)(entries, i, known, depth + 1)
        elif i < len(entries) and entries[i].indent == indent and _is_item(entries[i].text):
            out[key], i = _sequence(entries, i, known, depth + 1)  # a list may sit at its key's own indentation
        else:
            out[key] = None
    return out, i


def _is_item(text: str) -> bool:
    return text == "-" or text.startswith("- ")


def _sequence(entries: list[_Line], i: int, known: Tokens, depth: int) -> tuple[LinedList, int]:
    """A block list of scalars, one-line flow values and mappings starting at ``entries[i]``
    (``entries`` is the item's own list: a mapping's first line is rewritten in place)."""
    indent = entries[i].indent
    out = LinedList()
    out.item_lines = []
    while i < len(entries) and entries[i].indent == indent and _is_item(entries[i].text):
        number, _, text = entries[i]
        rest = text[2:]
        if not rest.strip() or rest[0] == " " or rest.startswith("#"):
            raise Decline  # an item spread over the next lines
        if rest[0] not in "{[\"'" and (": " in rest or rest.rstrip().endswith(":")):
            # a mapping as a list item: its first key on the ``- `` line, the others below it
            entries[i] = _Line(number, indent + 2, rest)
            value, i = _mapping(entries, i, known, depth + 1)
        else:
            value, i = _inline(rest.strip(), number, known), i + 1
        out.append(value)
        out.item_lines.append(number)
    if i < len(entries) and entries[i].indent > indent:
        raise Decline
    return out, i


def _inline(text: str, number: int, known: Tokens):
    """The value written after ``key: `` or ``- ``: a one-line flow collection, a quoted or a
    plain scalar, with any trailing comment cut off."""
    first = text[0]
    if first in "{[":
        closing = "}" if first == "{" else "]"
        if not text.endswith(closing):
            m = _FLOW_END.search(text)
            if m is None:
                raise Decline
            text = text[: m.start() + 1]
        return parse_line(text, number, known)
    if first == '"':
        return known[_quoted(_QUOTED, text)]
    if first == "'":
        return _quoted(_SINGLE, text)[1:-1].replace("''", "'")
    if first in _NOT_PLAIN_START:
        raise Decline
    m = _COMMENT.search(text)
    return known[text[: m.start()] if m else text]


def _quoted(pattern: re.Pattern, text: str) -> str:
    """The quoted scalar at the start of ``text``, which must be followed by nothing but a comment."""
    m = pattern.match(text)
    if m is None:
        raise Decline
    after = text[m.end():]
    if after.strip(" ") and not re.match(r" +#", after):
        raise Decline
    return m.group()
