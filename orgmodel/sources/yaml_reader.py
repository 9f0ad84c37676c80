"""Read UTF-8 YAML ledger files, keeping the line of every mapping and key.

A file holds a list of directives, or a mapping with a ``directives`` list
(scenario files also carry ``as_of``, ``name`` and ``description``).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from ..findings import Finding, Source

_Base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LinedDict(dict):
    """A dict that remembers the line it started on and the line of each key's value."""

    line: int = 0
    lines: dict


class _Loader(_Base):
    """Safe loader that keeps lines and leaves dates as text, so bad dates become findings."""


def _construct_map(loader, node):
    data = LinedDict()
    data.line = node.start_mark.line + 1
    data.lines = {}
    yield data
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            data[key] = loader.construct_object(value_node, deep=True)
        except TypeError:  # unhashable key: keep going, validation reports it
            continue
        data.lines[key] = key_node.start_mark.line + 1


def _construct_str(loader, node):
    return loader.construct_scalar(node)


_Loader.add_constructor("tag:yaml.org,2002:map", _construct_map)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_str)


def load_text(text: str, display: str):
    """Parse YAML text; return (document, findings). Malformed YAML gives one finding at its line."""
    try:
        return yaml.load(text, Loader=_Loader), []
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, [Finding("bad-yaml", f"YAML 格式错误:{problem};请检查缩进、冒号和引号", Source(display, line))]


def read(path: Path, display: str):
    """Read one YAML ledger file into raw directive items ``(mapping, file, line)``."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        line = path.read_bytes()[: exc.start].count(b"\n") + 1
        return [], [Finding("bad-encoding", "文件不是 UTF-8 编码;请在编辑器中另存为 UTF-8", Source(display, line))]
    doc, findings = load_text(text, display)
    if findings or doc is None:
        return [], findings
    items = doc.get("directives") if isinstance(doc, dict) else doc
    if not isinstance(items, list):
        where = Source(display, getattr(doc, "line", 1))
        return [], [Finding("bad-file", "文件应为指令列表,或含 directives 列表的映射", where)]
    return [(raw, display, getattr(raw, "line", 1)) for raw in items], []


def read_mapping(path: Path, display: str):
    """Read a YAML file whose top level is a mapping (scenario headers); None on failure."""
    try:
        doc, findings = load_text(path.read_text(encoding="utf-8"), display)
    except UnicodeDecodeError:
        return None, [Finding("bad-encoding", "文件不是 UTF-8 编码;请在编辑器中另存为 UTF-8", Source(display, 1))]
    return (doc if isinstance(doc, dict) else None), findings
