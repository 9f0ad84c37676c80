"""Read UTF-8 YAML ledger files, keeping the line of every mapping and key.

A file holds a list of directives, or a mapping with a ``directives`` list
(scenario files also carry ``as_of``, ``name`` and ``description``).
"""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from ..core.findings import Finding, Source
from ..core.located import LinedList, Located, RawItem, ReadResult
from ..core.schema import MAX_EXPANDED, expanded_size
from ..core.sharing import Shared
from ..core.text import os_error_text
from .fast_flow import parse_lines
from .fast_items import items_of, unread_text

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


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
    except RecursionError:  # nesting the C parser allows but building the values does not
        line = next((i for i, s in enumerate(text.splitlines(), 1) if s.count("[") + s.count("{") > 40), 1)
        return None, [Finding("bad-yaml", f"YAML 格式错误:{NESTED_TOO_DEEP}", Source(display, line))]
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


NESTED_TOO_DEEP = "嵌套层次过深(括号或缩进层层套叠);一条指令的字段最多嵌套几层"

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
    "found duplicate anchor": "锚点(&)重复定义;请删除 & 号或改用文字",
    "expected alphabetic or numeric character": "& 或 * 后应是锚点名称;若这是文字,请给整个值加上双引号",
    "found invalid Unicode character escape code": "双引号中的 \\u 转义不是有效的字符(如单独的 \\ud800);请删除它,或直接写出该字",
    "found unknown escape character": "双引号中有无法识别的转义(反斜杠 \\);要写反斜杠本身请写两个 \\\\,或改用单引号",
    "found character that cannot start any token": "此处的字符(如 @、`、% 或不可见字符)不能作为值的开头;请给这个值加上双引号",
    "could not determine a constructor": "“=”“<<”或以“!”开头的值在 YAML 中有特殊含义;若这是文字,请加上双引号",
    "exceeded maximum nesting depth": NESTED_TOO_DEEP,
    "expected <block end>": "缩进不一致;同一层的各行应左对齐,列表项以“- ”开头",
    "expected a single document": "文件中有多个以“---”分隔的文档;台账文件只能有一个",
    "expected the node content": "此处缺少值,或括号、引号没有闭合",
    "expected URI": "以“!”开头的标签无法识别;若这是文字,请加上双引号",
    "while scanning a block scalar": "“|”或“>”开头的多行文字写法有误;其后应换行再写内容",
    "expected a comment or a line break": "此处应换行;值后面多了内容(注释须以“ #”开头,# 前要有空格)",
    "found unexpected ':'": "此处有多余的冒号;含冒号的值请加双引号",
    "could not find expected": "缺少应有的符号;请检查冒号、逗号和括号是否成对",
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
    if reason is None:  # a problem not in the table: say where, in Chinese, without the parser's English
        reason = "无法解析此处;请检查缩进、冒号、引号和括号"
    if unclosed and "nesting depth" not in problem and "escape code" not in problem:
        reason = "此行开始的括号或引号没有闭合;" + reason
    return line, reason


ENCODING_HINT = "文件不是 UTF-8 编码;请在编辑器中另存为 UTF-8"

# Limits that no real ledger file comes near (docs/ledger-format.md, 限制)
MAX_FILE = 512 * 1024 * 1024  # bytes in one file (a whole province is about 100 MB)
MAX_LINE = 100_000            # characters on one line
_RAW_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def _text_problem(text: str, display: str) -> Finding | None:
    """A problem with the file's text as a whole, found before parsing: a raw control
    character, or a line too long to be a directive. Reported at its own line."""
    bad = _RAW_CONTROL.search(text)
    if bad:
        line = text.count("\n", 0, bad.start()) + 1
        return Finding("bad-yaml", f"此行有不可见的控制字符(\\x{ord(bad.group()):02x});请删除它(常见于从网页或其他系统复制的文字)",
                       Source(display, line))
    if len(text) > MAX_LINE and max(map(len, text.splitlines())) > MAX_LINE:
        line = next(i for i, s in enumerate(text.splitlines(), 1) if len(s) > MAX_LINE)
        return Finding("bad-yaml", f"此行过长(超过 {MAX_LINE:,} 个字符);一条指令应写在一行或几行内",
                       Source(display, line))
    return None


def read(path: Path, display: str) -> ReadResult:
    """Read one YAML ledger or scenario file (see :mod:`orgmodel.sources.located` for the
    contract). A file holds a list of directives, or a mapping with a ``directives`` list
    whose other keys are the file's header."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE:
            return ReadResult([], [Finding("unreadable", f"文件有 {size / 1e6:,.0f} MB,超过上限 {MAX_FILE // 2**20} MB;"
                                                       f"请把台账分成几个文件", Source(display, 0))])
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        return ReadResult([], [Finding("bad-encoding", ENCODING_HINT, Source(display, line))])
    except OSError as exc:
        return ReadResult([], [Finding("unreadable", f"无法读取文件({os_error_text(exc)})", Source(display, 0))])
    return parse_text(text, display)


def _item_by_item(text: str, display: str) -> list[RawItem] | None:
    """The items of a plain list file, each read by a fast path when one can, and the others
    by PyYAML in one call on their own lines; None (read the whole file with PyYAML) when the
    file cannot be split, or those items are not read cleanly (so errors are told as they
    always were)."""
    items = items_of(text)
    if not items or all(item.value is None for item in items):
        return None
    values = [item.value for item in items]
    starts = [item.first for item in items]
    unread = [i for i, item in enumerate(items) if item.value is None]
    if unread:
        doc, findings = load_text(unread_text(items), display)
        if findings or not isinstance(doc, list) or len(doc) != len(unread):
            return None
        for i, value, line in zip(unread, doc, doc.item_lines):
            values[i], starts[i] = value, line  # where the item's value starts, as the whole file's reading says
    return [RawItem(value, _source(display, getattr(value, "spot", None) or line)) for value, line in zip(values, starts)]


_LINES = Shared(1 << 20)


def _source(display: str, line: int) -> Source:
    """The source of an item at ``line``: one int object per line number over all files (a
    province ledger keeps millions of sources, and ints above 256 are not shared by Python)."""
    return Source(display, _LINES(line, line))


def parse_text(text: str, display: str, fast: bool = True) -> ReadResult:
    """The items of a ledger or scenario file's text; with ``fast`` the one-line fast path is
    tried first (it gives what PyYAML gives, or declines)."""
    problem = _text_problem(text, display)
    if problem is not None:
        return ReadResult([], [problem])
    if fast:
        whole = parse_lines(text)
        if whole is not None:
            return ReadResult([RawItem(raw, _source(display, raw.spot)) for raw in whole], [])
        one_by_one = _item_by_item(text, display)
        if one_by_one is not None:
            return ReadResult(one_by_one, [])
    doc, findings = load_text(text, display)
    if findings or doc is None:
        return ReadResult([], findings)
    header = doc if isinstance(doc, dict) else None
    items = doc.get("directives") if header is not None else doc
    where = Source(display, getattr(doc, "spot", None) or 1)
    if not isinstance(items, list):
        return ReadResult([], [Finding("bad-file", "文件应为指令列表,或含 directives 列表的映射", where)], header, where)
    starts = getattr(items, "item_lines", [])
    out, findings = [], []
    aliased = "&" in text and "*" in text  # only aliases can make a small file expand
    for i, raw in enumerate(items):
        source = _source(display, getattr(raw, "spot", None) or (starts[i] if i < len(starts) else 1))
        if aliased and expanded_size(raw, MAX_EXPANDED) > MAX_EXPANDED:
            findings.append(Finding("bad-directive", f"此指令经别名(*)展开后超过 {MAX_EXPANDED:,} 个值,不像是台账内容;"
                                                     f"请删除别名,直接写出各字段", source))
            continue
        out.append(RawItem(raw, source))
    head = {k: v for k, v in header.items() if k != "directives"} if header is not None else {}
    if aliased and expanded_size(head, MAX_EXPANDED) > MAX_EXPANDED:
        return ReadResult([], [Finding("bad-file", "文件头经别名(*)展开后过大;请删除别名", where)])
    return ReadResult(out, findings, header, where)
