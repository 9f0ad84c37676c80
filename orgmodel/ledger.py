"""Load a ledger: read every source file, validate, sort, and replay on demand.

Pipeline: read (pluggable per file type) → validate into directives → sort →
replay as of a date. Every problem is a finding; only an unreadable input
(a missing path, a folder with no ledger file) raises :class:`LedgerError`.
"""

from __future__ import annotations

import datetime as dt
import gc
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .config import LEDGER_CONFIG_NAME, Config, load_config
from .directive import Directive
from .findings import Finding
from .ops import OPS
from .parse import build_directive, sort_key
from .sources import ledger_files, read_file
from .state import State


class LedgerError(Exception):
    """The input cannot be read at all (exit code 2)."""


@dataclass
class Ledger:
    """Sorted directives plus the findings met while reading them."""

    directives: list[Directive]
    findings: list[Finding]
    config: Config
    root: str = ""
    files: list[str] = field(default_factory=list)

    def state(self, as_of: dt.date | None = None) -> State:
        """Replay every directive dated on or before ``as_of`` (all when None)."""
        return replay(self.directives, self.config, as_of)

    def last_date(self) -> dt.date | None:
        return self.directives[-1].date if self.directives else None

    def with_directives(self, extra: list[Directive]) -> Ledger:
        """A new ledger of these directives plus ``extra``; this one is not changed."""
        merged = sorted([*self.directives, *extra], key=sort_key)
        return Ledger(merged, list(self.findings), self.config, self.root, list(self.files))


def replay(directives: list[Directive], config: Config, as_of: dt.date | None = None) -> State:
    """Apply sorted directives one by one; each op updates the state incrementally."""
    state = State(config)
    with gc_paused():
        for d in directives:
            if as_of is not None and d.date > as_of:
                break
            apply_one(state, d)
    state.as_of = as_of or (directives[-1].date if directives else None)
    return state


@contextmanager
def gc_paused():
    """Pause the cyclic garbage collector: reading builds millions of small acyclic
    objects, and collections triggered by them would otherwise cost a third of the time."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()  # what was built is long-lived: keep later collections from rescanning it
        if was_enabled:
            gc.enable()


def apply_one(state: State, d: Directive) -> None:
    """Apply one directive. A bug in an op handler must not hide the rest of the ledger,
    so it becomes an ``internal-error`` finding at the directive instead of a traceback."""
    try:
        OPS[d.op].apply(state, d)
    except Exception as exc:  # noqa: BLE001 - reported as a finding with its location
        state.error("internal-error", f"处理此指令时发生内部错误({type(exc).__name__}: {exc});请把此行和台账发给维护人员", d)


def read_directives(files: list[tuple[Path, str]], config: Config) -> tuple[list[Directive], list[Finding]]:
    """Read and validate every file; return unsorted directives and all findings."""
    directives, findings = [], []
    with gc_paused():
        _read_into(files, config, directives, findings)
    return directives, findings


def _read_into(files, config, directives, findings) -> None:
    for path, display in files:
        items, problems = read_file(path, display)
        findings.extend(problems)
        for raw, file, line in items:
            directive, problems = build_directive(raw, file, line, config)
            findings.extend(problems)
            if directive is not None:
                directives.append(directive)


def load(path: str | Path, config_path: str | Path | None = None) -> Ledger:
    """Load the ledger at ``path`` (a folder of YAML files, or one file).

    The configuration is ``config_path`` if given, else ``orgmodel.yaml`` in the
    folder if present, else the shipped defaults.
    """
    root = Path(path)
    if not root.exists():
        raise LedgerError(f"{path}: 找不到台账文件或文件夹")
    if config_path is None and root.is_dir() and (root / LEDGER_CONFIG_NAME).exists():
        config_path = root / LEDGER_CONFIG_NAME
    config = load_config(config_path)
    paths = ledger_files(root, skip=[LEDGER_CONFIG_NAME])
    if not paths and root.is_file():
        raise LedgerError(f"{path}: 不是台账文件;台账须为 .yaml 或 .yml 文件(暂不支持直接读取 {root.suffix or '无扩展名'} 文件)")
    if not paths:
        raise LedgerError(f"{path}: 文件夹中没有台账文件(*.yaml、*.yml)")
    files = [(p, str(p) if root.is_file() else str(Path(path) / p.relative_to(root))) for p in paths]
    directives, findings = read_directives(files, config)
    directives.sort(key=sort_key)
    return Ledger(directives, findings, config, str(path), [f for _, f in files])
