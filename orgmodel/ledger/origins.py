"""Where a ledger comes from: a folder or file of readable files, or a registered origin
that is not a file (the office's database, registered here)."""

from __future__ import annotations

import fnmatch
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ..core.config import LEDGER_CONFIG_NAME, Config
from ..core.directive import Directive
from ..core.findings import WARNING, Finding, Source
from ..core.paths import not_regular
from ..reading.validate import Refused, read_directives
from ..sources import READERS, fast_flow, scan
from ..store import Store, StoreError
from ..store.origin import StoreOrigin, claims_store


class LedgerError(Exception):
    """The input cannot be read at all (exit code 2)."""


class Origin(Protocol):
    """Where a ledger comes from. ``read`` gives its directives (unsorted) and findings;
    ``config_path`` is its own configuration file, if it has one; ``files`` names what was read."""

    config_path: Path | None
    files: list[str]

    def read(self, config: Config) -> tuple[list[Directive], list[Finding]]: ...


@dataclass
class FileOrigin:
    """A folder of ledger files (every readable file under it) or one ledger file (whose
    configuration is the orgmodel.yaml beside it, if any)."""

    path: Path
    display: str

    def __post_init__(self):
        root = self.path
        folder = root if root.is_dir() else root.parent  # a single file uses the config beside it
        self.config_path = folder / LEDGER_CONFIG_NAME if (folder / LEDGER_CONFIG_NAME).is_file() else None
        paths, self._skipped = scan(root, skip=[LEDGER_CONFIG_NAME])
        if (why := not_regular(folder / LEDGER_CONFIG_NAME)) is not None and root.is_dir():
            self._skipped.append((folder / LEDGER_CONFIG_NAME, why))
        kinds = "、".join(READERS)
        if (why := not_regular(root)) is not None:
            raise LedgerError(f"{self.display}: {why};台账须为文件或文件夹")
        if not paths and root.is_file():
            raise LedgerError(f"{self.display}: 不是台账文件;台账须为 {kinds} 文件(暂不支持直接读取 {root.suffix or '无扩展名'} 文件)")
        if not paths:
            raise LedgerError(f"{self.display}: 文件夹中没有台账文件({'、'.join('*' + k for k in READERS)})")
        self._files = [(p, str(p) if root.is_file() else str(Path(self.display) / p.relative_to(root))) for p in paths]
        self.files = [display for _, display in self._files]

    def read(self, config: Config) -> tuple[list[Directive], list[Finding]]:
        patterns = [str(p) for p in (config.get("ignore") or [])]
        files = [(p, shown) for p, shown in self._files if not _ignored(p, self.path, patterns)]
        self.files = [shown for _, shown in files]
        self.refused: list[Refused] = []
        directives, findings = read_directives(files, config, self.refused)
        fast_flow.forget()
        shown = self.display if self.path.is_file() else None
        for path, why in self._skipped:
            where = shown or str(Path(self.display) / path.relative_to(self.path))
            findings.append(Finding("skipped-path", why, Source(where, 0), WARNING))
        return directives, findings


def _ignored(path: Path, root: Path, patterns: list[str]) -> bool:
    """True when the config's ``ignore`` patterns (``*.xlsx``, ``备份/*``) match a file of the folder."""
    if not patterns or root.is_file():
        return False
    rel = path.relative_to(root).as_posix()
    return any(fnmatch.fnmatch(rel, p) or fnmatch.fnmatch(path.name, p) for p in patterns)


# (claims(path) -> bool, opener(path, display) -> Origin), tried in order before the file origin
ORIGINS: list[tuple[Callable[[Path], bool], Callable[[Path, str], Origin]]] = []


def register_origin(claims: Callable[[Path], bool], opener: Callable[[Path, str], Origin]) -> None:
    """Let ``opener`` read every path that ``claims`` accepts (a store file, say)."""
    ORIGINS.append((claims, opener))


def open_origin(path: str | Path) -> Origin:
    """The origin that reads ``path``; LedgerError when there is nothing to read there."""
    root = Path(path)
    for claims, opener in ORIGINS:  # first: an origin may be something other than a file
        if claims(root):
            try:
                return opener(root, str(path))
            except StoreError as exc:  # a database that cannot be opened
                raise LedgerError(str(exc)) from exc
    if not root.exists():
        raise LedgerError(f"{path}: 找不到台账文件或文件夹")
    return FileOrigin(root, str(path))


# The ledger database is an origin like any other.
register_origin(claims_store, StoreOrigin)


def stamp(path: str | Path, config_path: str | Path | None = None) -> str:
    """A cheap identity of what the ledger at ``path`` holds now: a database's head (its last
    record's hash chains every record before it), else the name, size and modification time
    of every ledger file and of the folder's configuration; and those of ``config_path``. It
    changes when the ledger does, so a long-lived reader (the workbench) knows to read again."""
    root = Path(path)
    parts: list[str] = []
    watched = [Path(config_path)] if config_path else []
    if claims_store(root):
        try:
            with Store(root) as store:
                parts.append(f"store:{store.last_record()}:{store.head()}")
        except StoreError as exc:
            parts.append(f"store-error:{exc}")
    elif root.exists():
        folder = root if root.is_dir() else root.parent
        watched += [*scan(root)[0], folder / LEDGER_CONFIG_NAME]
    for p in watched:
        try:
            st = p.stat()
        except OSError:
            continue
        parts.append(f"{p}:{st.st_size}:{st.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode("utf-8", "surrogatepass")).hexdigest()
