"""Ledger sources: readers, one per file type, registered by file suffix.

Every reader keeps the contract of :mod:`orgmodel.sources.located`: it turns one file
into raw items (a located mapping and the :class:`~orgmodel.findings.Source` where it
starts), findings, and the file's header if it has one. A new file type plugs in with
:func:`register_reader`; sources that are not files (a store) plug in one level up, as
an origin of :mod:`orgmodel.ledger`.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Callable, Iterable
from pathlib import Path

from ..core.located import Located, RawItem, ReadResult
from ..core.paths import not_regular
from ..core.text import os_error_text
from . import yaml_reader

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
    return scan(root, skip)[0]


def scan(root: Path, skip: Iterable[str] = ()) -> tuple[list[Path], list[tuple[Path, str]]]:
    """``(files, skipped)``: every readable ledger file under ``root`` (or ``root`` itself) in a
    stable order, and each path that looks like part of the ledger but is not read, with why
    (in Chinese): only regular files are read (FIFOs, devices and sockets are skipped). Hidden files and folders (``.git``) and Excel's ``~$`` lock files are passed
    over without a word; symbolic links to folders are not followed."""
    skip = set(skip)
    if root.is_file():
        return ([root] if readable(root) else []), []
    if (why := not_regular(root)) is not None:
        return [], [(root, why)]
    files, skipped = [], []

    def unreadable(exc: OSError) -> None:
        skipped.append((Path(exc.filename or root), f"无法读取此文件夹({os_error_text(exc)})"))

    for folder, dirs, names in os.walk(root, onerror=unreadable):
        here = Path(folder)
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for d in list(dirs):
            if (here / d).is_symlink():
                skipped.append((here / d, "是指向文件夹的符号链接,未读取;请把文件放进台账文件夹"))
                dirs.remove(d)
        for name in sorted(names):
            path = here / name
            if name.startswith(".") or name.startswith("~$") or not readable(path):
                continue
            if name in skip:
                if here != root:
                    skipped.append((path, f"子文件夹中的 {name} 不作为配置读取;配置文件须放在台账文件夹的最上层"))
                continue
            try:
                path.stat()
            except OSError as exc:
                skipped.append((path, f"无法读取({_link_problem(path, exc)})"))
                continue
            if (why := not_regular(path)) is not None:  # a FIFO would block the read, a device never end
                skipped.append((path, why))
                continue
            if not os.access(path, os.R_OK):
                skipped.append((path, "无法读取(没有读取权限)"))
                continue
            files.append(path)
    return sorted(files), skipped


def _link_problem(path: Path, exc: OSError) -> str:
    if path.is_symlink():
        return "符号链接形成了循环" if exc.errno == errno.ELOOP else "符号链接指向的文件不存在"
    return os_error_text(exc)


def read_file(path: Path, display: str) -> ReadResult:
    """Read one file with the reader registered for its suffix."""
    return READERS[path.suffix.lower()](path, display)


__all__ = ["READERS", "Located", "RawItem", "ReadResult", "ledger_files", "read_file", "readable", "register_reader",
           "scan"]
