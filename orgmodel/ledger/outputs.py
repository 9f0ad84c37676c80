"""Where a command may write: never over what it reads, never over a ledger, and over any other
existing file only when told (``--force``). Files are written whole or not at all.

The rules (README, 输出文件):

- A file the command reads (the ledger and each of its files, the configuration, scenario
  files, the roster) is never written over, nor a folder holding one of them replaced.
- A ledger is never written over, ``--force`` or not: a ledger database, or a workbook or CSV
  file holding directives (a blank template or a balance workbook holds none).
- A file the ledger folder would read (``.xlsx``, ``.csv``, ``.yaml``) is never written into a
  ledger folder the command reads: the next command would read it as part of the ledger.
- Any other existing file is written over only with ``--force``.

The output itself is written whole (:mod:`orgmodel.core.outputs`).
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

from .. import tabular  # noqa: F401  (registers the workbook and CSV readers, to see what a file holds)
from ..core.config import LEDGER_CONFIG_NAME
from ..core.outputs import OutputError
from ..sources import read_file
from ..store import is_store

LEDGER_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".csv", ".yaml", ".yml")


def _same(a: Path, b: Path) -> bool:
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def _inside(path: Path, folder: Path) -> bool:
    """True when ``path`` is ``folder`` or lies under it (links resolved)."""
    try:
        p, f = path.resolve(), folder.resolve()
    except (OSError, RuntimeError):
        return False
    return p == f or f in p.parents


def _shown(p: Path) -> str:
    return str(p)


def read_paths(ledger: str | Path | None = None, config: str | Path | None = None,
               others: Iterable[str | Path | None] = ()) -> list[Path]:
    """What a command reads, as paths: the ledger (file or folder; beside a single file, the
    ``orgmodel.yaml`` it takes its configuration from), the configuration, and ``others``
    (scenario files, the roster, a templates folder)."""
    out: list[Path] = []
    if ledger is not None:
        root = Path(ledger)
        out.append(root)
        folder = root if root.is_dir() else root.parent
        out.append(folder / LEDGER_CONFIG_NAME)
    out += [Path(p) for p in (config, *others) if p is not None]
    return out


def _ledger_held(path: Path) -> str | None:
    """What ledger ``path`` holds (Chinese), or None: a ledger database, or a workbook or CSV
    file with directives."""
    if not path.is_file():
        return None
    if is_store(path):
        return "是台账数据库"
    suffix = path.suffix.lower()
    if suffix not in (".xlsx", ".xlsm", ".csv"):
        return None
    try:
        result = read_file(path, str(path))
    except Exception:  # noqa: BLE001 - a file that cannot be read holds no ledger we could lose
        return None
    if result.items:
        return f"是一份已填写的台账(有 {len(result.items):,} 条记录)"
    return None


def check_file(out: str | Path, reads: Iterable[Path], force: bool = False) -> Path:
    """Stop (OutputError) unless the file ``out`` may be written; return it as a Path."""
    path = Path(out)
    reads = list(reads)
    if path.is_dir():
        raise OutputError(f"{_shown(path)} 是一个文件夹;请给出要写出的文件名")
    for r in reads:
        if _same(path, r) or (not path.exists() and path.resolve() == r.resolve()):
            raise OutputError(f"{_shown(path)} 是本命令读取的文件;为免覆盖,未写入。请换一个输出文件名")
    if path.suffix.lower() in LEDGER_SUFFIXES:
        for r in reads:
            if r.is_dir() and _inside(path.parent, r):
                raise OutputError(f"{_shown(path)} 在本命令读取的台账文件夹 {_shown(r)} 中,下次会被当作台账的一部分读入;"
                                  f"未写入。请写到台账文件夹以外")
    if path.exists() or path.is_symlink():
        held = _ledger_held(path)
        if held:
            raise OutputError(f"{_shown(path)} {held};为免覆盖,未写入。请换一个文件名;"
                              f"确实不再需要它时,请先把它移走或删除")
        if not force:
            raise OutputError(f"{_shown(path)} 已存在;为免覆盖,未写入。请换一个文件名,或加 --force 覆盖它")
    return path


def check_folder(out: str | Path, reads: Iterable[Path]) -> Path:
    """Stop (OutputError) when the folder ``out`` is, holds or lies in what the command reads
    such that writing there would replace or pollute it; return it as a Path."""
    folder = Path(out)
    for r in reads:
        if not (r.exists() or r.is_symlink()):
            continue
        if _same(folder, r):
            raise OutputError(f"输出文件夹 {_shown(folder)} 就是本命令读取的 {_shown(r)};为免覆盖,未写入。请换一个文件夹")
        if _inside(r, folder):
            raise OutputError(f"输出文件夹 {_shown(folder)} 中有本命令读取的 {_shown(r)};写出报表会替换整个文件夹,"
                              f"为免覆盖,未写入。请换一个文件夹")
    if folder.is_file():
        held = _ledger_held(folder)
        raise OutputError(f"{_shown(folder)} 是一个文件{'(' + held + ')' if held else ''},不是文件夹;请换一个文件夹")
    return folder


def check_folder_files(folder: Path, names: Iterable[str], reads: Iterable[Path], force: bool = False) -> None:
    """:func:`check_file` for each file ``names`` would write in ``folder`` (a CSV folder), and
    the folder itself must not lie in a ledger folder the command reads."""
    reads = list(reads)
    if folder.is_file() or folder.is_symlink():
        raise OutputError(f"{_shown(folder)} 是一个文件,不是文件夹;请换一个文件夹(不存在时会新建)")
    for r in reads:
        if r.is_dir() and _inside(folder, r):
            raise OutputError(f"输出文件夹 {_shown(folder)} 在本命令读取的台账文件夹 {_shown(r)} 中,写出的文件下次会被当作"
                              f"台账的一部分读入;未写入。请写到台账文件夹以外")
    names = list(names)
    for n in names:
        check_file(folder / n, reads, force=True)  # never an input, never a ledger
    existing = [folder / n for n in names if (folder / n).exists()]
    if existing and not force:
        shown = "、".join(p.name for p in existing[:3]) + (f" 等 {len(existing)} 个" if len(existing) > 3 else "")
        raise OutputError(f"{_shown(folder)} 中已有 {shown};为免覆盖,未写入。请换一个文件夹,或加 --force 覆盖")
