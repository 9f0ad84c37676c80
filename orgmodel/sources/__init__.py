"""Ledger sources: pluggable readers that all yield the same raw directives.

A reader is a function ``read(path) -> (items, findings)`` where each item is
``(raw_mapping, file, line)``. Readers are picked by file suffix, so an Excel,
CSV or SQLite reader plugs in by registering its suffixes here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from ..findings import Finding
from . import yaml_reader

RawItem = tuple[object, str, int]
Reader = Callable[[Path, str], tuple[list[RawItem], list[Finding]]]

READERS: dict[str, Reader] = {
    ".yaml": yaml_reader.read,
    ".yml": yaml_reader.read,
}


def ledger_files(root: Path, skip: Iterable[str] = ()) -> list[Path]:
    """Every readable ledger file under ``root`` (or ``root`` itself), in a stable order."""
    skip = set(skip)
    if root.is_file():
        return [root] if root.suffix.lower() in READERS else []
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and p.suffix.lower() in READERS and p.name not in skip
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def read_file(path: Path, display: str) -> tuple[list[RawItem], list[Finding]]:
    """Read one file with the reader registered for its suffix."""
    return READERS[path.suffix.lower()](path, display)
