"""A fast path for ledger files written one flow-style directive per line.

Province ledgers hold about a million directives, mostly machine-written as
``- {date: 2021-03-01, op: transfer, from: …, to: …, type: 事业编制, amount: 2}``.
PyYAML builds a node object per scalar and takes ~100 µs a directive; this parser
splits each line with one regex and takes a fraction of that.

It is exact or it declines: :func:`parse_line` declines a line outside the simple
subset (anchors, tags, single quotes, block structure …), and
:mod:`~orgmodel.sources.fast_items` uses it item by item in files that mix one-line and
block items. Plain scalars are resolved with PyYAML's own resolver (once per distinct
token and file, :class:`Tokens`), so ``10`` is an int, ``true`` a bool and ``2.5`` a
float exactly as the YAML reader would give.
"""

from __future__ import annotations

import json
import re

import yaml

from ..core.located import LinedList, Located

_SPLIT = re.compile(r'("(?:[^"\\\n]|\\.)*"|[{}\[\],]|:(?= ))')
# Conservative: anything that could make YAML read a plain scalar differently declines.
_PLAIN_BAD = re.compile(r"""[:?#'"\\]|^[&*!|>%@`]|^-(?!\d)""")
_RESOLVER_FIRST = frozenset(k for k in yaml.SafeLoader.yaml_implicit_resolvers if k)


_STRUCTURE = frozenset("{}[],:")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ufeff\ufffe\uffff\u2028\u2029]")  # PyYAML refuses or reads them its own way
ODD_SPACE = re.compile(r"[^\S \t\n\r]")  # whitespace to Python (U+3000, U+00A0 …) that YAML reads as text


class Decline(Exception):
    """The text is outside the fast subset; read it with the full YAML parser."""


def _resolve_plain(text: str):
    """A plain scalar's value under YAML's implicit typing (timestamps stay text)."""
    node = yaml.ScalarNode(yaml.resolver.BaseResolver.DEFAULT_SCALAR_TAG, text)
    tag = yaml.SafeLoader.resolve(_RESOLVER, yaml.ScalarNode, text, (True, False))
    if tag.endswith(":timestamp") or tag.endswith(":str"):
        return text
    if tag not in _PLAIN_TAGS:  # ``=`` (value) and ``<<`` (merge): PyYAML decides what they mean
        raise Decline
    node.tag = tag
    return _CONSTRUCTOR.construct_object(node)


_PLAIN_TAGS = frozenset(f"tag:yaml.org,2002:{t}" for t in ("int", "float", "bool", "null"))
_RESOLVER = yaml.SafeLoader("")
_CONSTRUCTOR = yaml.SafeLoader("")


def _scalar(token: str):
    """A token's value."""
    if token.startswith('"'):
        if _SURROGATE_ESCAPE.search(token):
            raise Decline  # JSON joins a \ud83d\ude00 pair into one character; PyYAML refuses it
        try:
            return json.loads(token)
        except ValueError as exc:  # a YAML-only escape: let PyYAML decide
            raise Decline from exc
    text = token.strip()
    if not text:
        return None
    if _PLAIN_BAD.search(text):
        raise Decline
    # every implicit type of YAML 1.1 (int, float, bool, null, timestamp …) is spelt in ASCII
    return _resolve_plain(text) if text[0] in _RESOLVER_FIRST and text.isascii() else text


class Tokens(dict):
    """One file's tokens and their values, each distinct token resolved once.

    A table per file, not per process: keys, ops, dates and types repeat within a file, while
    a province holds millions of distinct document numbers and references. A table of all of
    them would cost more to look up, the larger the ledger, than resolving them again saves
    (a bounded cache evicts the tokens that do repeat), and reading would no longer scale
    linearly with the ledger."""

    __slots__ = ()

    def __missing__(self, token: str):
        value = self[token] = _scalar(token)
        return value


def forget() -> None:
    """Kept for callers that drop the reader's caches once a ledger is read: the token tables
    are per file now, so there is nothing left to drop."""


MAX_DEPTH = 16  # deeper flow nesting is left to PyYAML, which reports it
MAX_LINE = 100_000  # characters; a longer line is left to the YAML reader's own limit
_OPEN = frozenset("{[")


def _value(tokens: list[str], i: int, line: int, known: Tokens, depth: int = 0):
    """Parse the value starting at ``tokens[i]``; return (value, next index)."""
    if depth > MAX_DEPTH:
        raise Decline
    tok = tokens[i]
    if tok == "{":
        out = Located()
        out.spot = line  # every key is on this line: no per-key spots needed
        i += 1
        tok = tokens[i]
        while tok != "}":
            if tok in _STRUCTURE or tokens[i + 1] != ":":
                raise Decline
            key = known[tok]
            if key in out:
                raise Decline
            tok = tokens[i + 2]
            if tok == "," or tok == "}":
                out[key], i = None, i + 2
            elif tok in _OPEN:
                out[key], i = _value(tokens, i + 2, line, known, depth + 1)
            elif tok in _STRUCTURE or depth >= MAX_DEPTH:
                raise Decline
            else:
                out[key], i = known[tok], i + 3
            tok = tokens[i]
            if tok == ",":
                i += 1
                tok = tokens[i]
            elif tok != "}":
                raise Decline
        return out, i + 1
    if tok == "[":
        items = LinedList()
        i += 1
        while tokens[i] != "]":
            value, i = _value(tokens, i, line, known, depth + 1)
            items.append(value)
            if tokens[i] == ",":
                i += 1
            elif tokens[i] != "]":
                raise Decline
        items.item_lines = [line] * len(items)
        return items, i + 1
    if tok in _STRUCTURE:
        raise Decline
    return known[tok], i + 1


def parse_line(body: str, line: int, known: Tokens | None = None):
    """One flow collection on one line (without the leading ``- ``); Decline if not simple.
    ``known`` is the file's token table."""
    tokens = list(filter(str.strip, _SPLIT.split(body)))
    if not tokens or tokens[0] not in _OPEN:
        raise Decline
    tokens.append("\0")
    try:
        value, end = _value(tokens, 0, line, Tokens() if known is None else known)
    except IndexError as exc:
        raise Decline from exc
    if end != len(tokens) - 1:
        raise Decline
    return value


def parse_lines(text: str):
    """The directives of a file made only of ``- {…}`` lines, comments and blanks; None otherwise."""
    if _CONTROL.search(text) or ODD_SPACE.search(text):
        return None  # rare: the item-by-item path or PyYAML reads it
    items, known = [], Tokens()
    try:
        for number, raw in enumerate(text.splitlines(), 1):
            if raw.startswith("- {") and raw.endswith("}") and len(raw) <= MAX_LINE:
                items.append(parse_line(raw[2:], number, known))
                continue
            stripped = raw.strip(" ")  # a tab is no blank to YAML
            if stripped and not stripped.startswith("#"):
                if not raw.startswith("- {") or not stripped.endswith("}") or len(raw) > MAX_LINE:
                    return None
                items.append(parse_line(raw[2:], number, known))
    except Decline:
        return None
    return items or None


_TRAILING_COMMENT = re.compile(r"\}[ \t]+#[^\n]*$")


def one_line(raw: str, number: int, known: Tokens | None = None):
    """The item of a ``- {…}`` line (a trailing ``# comment`` allowed), or None to leave it to
    PyYAML. ``known`` is the file's token table."""
    if not raw.startswith("- {") or len(raw) > MAX_LINE or _CONTROL.search(raw) or ODD_SPACE.search(raw):
        return None
    body = raw[2:].rstrip(" \t")
    if not body.endswith("}"):
        m = _TRAILING_COMMENT.search(body)
        if m is None:
            return None
        body = body[: m.start() + 1]
    try:
        return parse_line(body, number, known)
    except Decline:
        return None
