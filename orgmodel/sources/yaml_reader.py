"""Read UTF-8 YAML ledger files, keeping the line of every mapping and key.

A file holds a list of directives, or a mapping with a ``directives`` list
(scenario files also carry ``as_of``, ``name`` and ``description``).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..findings import Finding, Source
from .fast_flow import parse_lines
from .located import Located, RawItem, ReadResult

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LinedList(list):
    """A list that remembers the line each of its items starts on."""

    item_lines: list


class _Loader(_Base):
    """Safe loader that keeps lines and leaves dates as text, so bad dates become findings."""


def _construct_map(loader, node):
    """A Located mapping whose spots are line numbers; a repeated key is listed in
    ``duplicates`` [(key, line)] (the later value wins)."""
    data = Located()
    data.spot, data.spots = node.start_mark.line + 1, {}
    yield data
    own = sum(k.tag != "tag:yaml.org,2002:merge" for k, _ in node.value)
    loader.flatten_mapping(node)  # honour ``<<: *anchor``: merged keys come first, own keys override
    first_own, seen = len(node.value) - own, set()
    for i, (key_node, value_node) in enumerate(node.value):
        key = loader.construct_object(key_node, deep=True)
        try:
            data[key] = loader.construct_object(value_node, deep=True)
        except TypeError:  # unhashable key: keep going, validation reports it
            continue
        if i >= first_own:
            if key in seen:
                data.duplicates = [*data.duplicates, (key, key_node.start_mark.line + 1)]
            seen.add(key)
        data.spots[key] = key_node.start_mark.line + 1


def _construct_seq(loader, node):
    data = LinedList()
    data.item_lines = [item.start_mark.line + 1 for item in node.value]
    yield data
    data.extend(loader.construct_object(item, deep=True) for item in node.value)


def _construct_str(loader, node):
    return loader.construct_scalar(node)


# A line break folded (``>``) between two Chinese characters or full-width marks becomes a
# space in YAML; in Chinese text that space is a typo, so it is taken out again.
_FOLDED_GAP = re.compile(r"(?<=[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef,;:!?)]) (?=[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef(])")


def _construct_text(loader, node):
    value = loader.construct_scalar(node)
    return _FOLDED_GAP.sub("", value) if node.style == ">" else value


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_str)
_Loader.add_constructor("tag:yaml.org,2002:str", _construct_text)


def load_text(text: str, display: str):
    """Parse YAML text; return (document, findings). Malformed YAML gives one finding at its line.

    An unclosed bracket or quote is reported where it opens (the parser only notices
    it later); any other error where the parser stopped.
    """
    try:
        return yaml.load(text, Loader=_Loader), []
    except yaml.YAMLError as exc:
        problem_mark = getattr(exc, "problem_mark", None)
        context_mark = getattr(exc, "context_mark", None)
        context = getattr(exc, "context", None) or ""
        unclosed = context_mark is not None and ("flow" in context or "quoted" in context)
        mark = context_mark if unclosed or problem_mark is None else problem_mark
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        line, hint = _likely_cause(text, line, problem, unclosed)
        return None, [Finding("bad-yaml", f"YAML 格式错误:{hint}", Source(display, line))]


# PyYAML's problems in the words of a clerk editing the file.
_PROBLEMS = {
    "found character '\\t' that cannot start any token": "行首有制表符(Tab);缩进只能用空格",
    "found a tab character": "缩进中有制表符(Tab);缩进只能用空格",
    "mapping values are not allowed": "此处不能出现“键: 值”;通常是缩进不对,或值里有未加引号的冒号(含冒号的值请加双引号)",
    "could not find expected ':'": "缺少冒号;每个字段应写成“字段名: 值”(半角冒号,后面加一个空格)",
    "did not find expected '-' indicator": "列表项没有对齐;每条指令应以“- ”开头,且与上一条对齐",
    "did not find expected key": "缩进不一致;同一条指令的各字段应左对齐",
    "did not find expected node content": "此处缺少值,或括号、引号没有闭合",
    "did not find expected ',' or '}'": "花括号 { } 中的字段之间应以半角逗号“,”分隔,并以“}”结束",
    "did not find expected ',' or ']'": "方括号 [ ] 中的各项之间应以半角逗号“,”分隔,并以“]”结束",
    "found unexpected end of stream": "文件意外结束;括号或引号没有闭合",
    "found undefined alias": "引用了未定义的别名(*);请删除 * 号或改用文字",
}


_TYPED_WRONG = {
    "：": "此行有全角冒号“：”;请改为半角冒号“:”,后面加一个空格",
    "，": "此行有全角逗号“，”;花括号和方括号中的分隔符须为半角逗号“,”",
    "\t": "此行有制表符(Tab);缩进只能用空格",
}


def _likely_cause(text: str, line: int, problem: str, unclosed: bool) -> tuple[int, str]:
    """A plain Chinese reason for a YAML error, and the line most likely at fault.

    Full-width punctuation typed by an input method is the commonest cause, and the
    parser only notices it a line later; so the line in question and the one before
    are searched for it first."""
    lines = text.splitlines()
    for at in (line, line - 1):
        if 1 <= at <= len(lines):
            for ch, message in _TYPED_WRONG.items():
                if ch in lines[at - 1]:
                    return at, message
    reason = next((cn for en, cn in _PROBLEMS.items() if problem.startswith(en) or en in problem), None)
    if reason is None:
        reason = f"{problem};请检查缩进、冒号和引号"
    if unclosed:
        reason = "此行开始的括号或引号没有闭合;" + reason
    return line, reason


ENCODING_HINT = "文件不是 UTF-8 编码;请在编辑器中另存为 UTF-8"


def read(path: Path, display: str) -> ReadResult:
    """Read one YAML ledger or scenario file (see :mod:`orgmodel.sources.located` for the
    contract). A file holds a list of directives, or a mapping with a ``directives`` list
    whose other keys are the file's header."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        return ReadResult([], [Finding("bad-encoding", ENCODING_HINT, Source(display, line))])
    except OSError as exc:
        return ReadResult([], [Finding("unreadable", f"无法读取文件({exc.strerror})", Source(display, 0))])
    fast = parse_lines(text)
    if fast is not None:
        return ReadResult([RawItem(raw, Source(display, raw.spot)) for raw in fast], [])
    doc, findings = load_text(text, display)
    if findings or doc is None:
        return ReadResult([], findings)
    header = doc if isinstance(doc, dict) else None
    items = doc.get("directives") if header is not None else doc
    where = Source(display, getattr(doc, "spot", None) or 1)
    if not isinstance(items, list):
        return ReadResult([], [Finding("bad-file", "文件应为指令列表,或含 directives 列表的映射", where)], header, where)
    starts = getattr(items, "item_lines", [])
    return ReadResult([RawItem(raw, Source(display, getattr(raw, "spot", None) or (starts[i] if i < len(starts) else 1)))
                       for i, raw in enumerate(items)], [], header, where)
