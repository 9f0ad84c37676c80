"""Ledger sources: readers, one per file type, registered by file suffix.

Every reader keeps the contract of :mod:`orgmodel.sources.located`: it turns one file
into raw items (a located mapping and the :class:`~orgmodel.findings.Source` where it
starts), findings, and the file's header if it has one. A new file type plugs in with
:func:`register_reader`; sources that are not files (a store) plug in one level up, as
an origin of :mod:`orgmodel.ledger`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path

from . import yaml_reader
from .located import Located, RawItem, ReadResult

Reader = Callable[[Path, str], ReadResult]

READERS: dict[str, Reader] = {}


def register_reader(suffixes: Iterable[str], reader: Reader) -> None:
    """Read files ending in any of ``suffixes`` (``.yaml``, any letter case) with ``reader``."""
    for suffix in suffixes:
        READERS[suffix.lower()] = reader


register_reader((".yaml", ".yml"), yaml_reader.read)


def readable(path: Path) -> bool:
    """True when a reader is registered for ``path``'s suffix."""
    return path.suffix.lower() in READERS


def ledger_files(root: Path, skip: Iterable[str] = ()) -> list[Path]:
    """Every readable ledger file under ``root`` (or ``root`` itself), in a stable order."""
    skip = set(skip)
    if root.is_file():
        return [root] if readable(root) else []
    return sorted(
        p for p in root.rglob("*")
        if p.is_file() and readable(p) and p.name not in skip and not p.name.startswith("~$")  # Excel's lock files
        and not any(part.startswith(".") for part in p.relative_to(root).parts)
    )


def read_file(path: Path, display: str) -> ReadResult:
    """Read one file with the reader registered for its suffix."""
    return READERS[path.suffix.lower()](path, display)


__all__ = ["READERS", "Located", "RawItem", "ReadResult", "ledger_files", "read_file", "readable", "register_reader"]
