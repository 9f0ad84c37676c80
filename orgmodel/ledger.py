"""Load a ledger: read every source, validate, sort, and replay on demand.

Pipeline: an *origin* (a folder or file of readable files, or a source that is not a
file) gives directives and the findings met reading them → sort → replay as of a date
(:func:`replay`). Every problem is a finding; only an input that cannot be read at all
(a missing path, a folder with no ledger file) raises :class:`LedgerError`.

Origins are registered: :func:`register_origin` lets a source that is not a folder of
files (the office's store) plug in beside the built-in one, which reads files with the
readers of :mod:`orgmodel.sources`.
"""

from __future__ import annotations

import bisect
import datetime as dt
import fnmatch
import gc
import heapq
import pickle
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol, TypeVar

from . import (
    checkpoints,
    parse_cache,
    tabular,  # noqa: F401  (registers the workbook and CSV readers)
)
from .checkpoints import History
from .config import LEDGER_CONFIG_NAME, Config, load_config, load_config_text
from .directive import Directive
from .findings import ERROR, WARNING, Finding, Source
from .ops import OPS
from .ops.registry import lookup
from .parse import build_directive, sort_key
from .sources import READERS, fast_flow, read_file, scan
from .sources.located import RawItem
from .state import State

T = TypeVar("T")


class LedgerError(Exception):
    """The input cannot be read at all (exit code 2)."""


class Ledger:
    """Sorted directives plus the findings met while reading them.

    A ledger read from a :class:`~orgmodel.checkpoints.History` (the store) reads its
    directives only when they are asked for: a replay starts from a year-end checkpoint and
    needs only those after it."""

    def __init__(self, directives: list[Directive] | None, findings: list[Finding], config: Config, root: str = "",
                 files: list[str] | None = None, refused: list[Refused] | None = None, history: History | None = None):
        if directives is None and history is None:
            raise ValueError("a ledger needs its directives or a history to read them from")
        self._directives = directives
        self.findings, self.config, self.root = findings, config, root
        self.files = files if files is not None else []
        self.refused = refused if refused is not None else []  # creations refused while reading
        self.history = history

    @property
    def directives(self) -> list[Directive]:
        if self._directives is None:
            if self.history is None:
                raise RuntimeError("this ledger's directives were consumed by state(consume=True)")
            self._directives = self.history.all()
        return self._directives

    @property
    def count(self) -> int:
        """How many directives there are (without reading them)."""
        if self._directives is not None:
            return len(self._directives)
        return self.history.count if self.history is not None else self._count

    def state(self, as_of: dt.date | None = None, consume: bool = False) -> State:
        """Replay every directive dated on or before ``as_of`` (all when None). With
        ``consume`` the ledger gives its directives up to the replay, which frees each one as
        it is applied: for a command that needs nothing of them afterwards (``check``), the
        peak memory is then the larger of the two, not their sum. Only the dates stay."""
        if self.history is not None and checkpoints.enabled():
            return checkpoints.replay(self.history, self.config, as_of, self.refused)
        if not consume or self.history is not None:
            return replay(self.directives, self.config, as_of, self.refused)
        directives = self.directives
        self._dates = (directives[0].date, directives[-1].date) if directives else (None, None)
        self._count, self._directives = len(directives), None
        return replay(directives, self.config, as_of, self.refused, consume=True)

    def first_date(self) -> dt.date | None:
        if self._directives is None:
            return self.history.first_date if self.history is not None else self._dates[0]
        return self.directives[0].date if self.directives else None

    def last_date(self) -> dt.date | None:
        if self._directives is None:
            return self.history.last_date if self.history is not None else self._dates[1]
        return self.directives[-1].date if self.directives else None

    def state_with(self, extra: list[Directive], as_of: dt.date | None = None) -> State:
        """What ``self.with_directives(extra).state(as_of)`` gives (see :meth:`plan_states`)."""
        return self.plan_states(extra, as_of)[1]

    def plan_states(self, extra: list[Directive], as_of: dt.date | None = None,
                    summarize: Callable[[State], T] | None = None) -> tuple[T | None, State]:
        """``(summarize(base), after)``: ``summarize`` of the state as of ``as_of`` (None when no
        ``summarize`` is given), and the state with ``extra`` added, the same as
        ``with_directives(extra).state(as_of)`` gives. The base is replayed once:

        - when every directive of the base up to ``as_of`` is dated before the first of
          ``extra``, ``extra`` is applied to the base state itself once ``summarize`` has read
          it (so ``summarize`` must keep no reference to the state);
        - otherwise the days before the first of ``extra`` are shared: from the store, both
          states start from year-end checkpoints; else they are replayed once and copied."""
        extra = sorted(extra, key=sort_key)
        last = max((d for d in (self.last_date(), extra[-1].date if extra else None) if d is not None), default=None)
        if summarize is not None and (not extra or self._all_before(extra[0].date, as_of)):
            state = self.state(as_of)
            summary = summarize(state)
            with collector_paused():
                state.replay(extra, OPS, as_of)
            state.finish(as_of or last)
            return summary, state
        if self.history is not None and checkpoints.enabled():
            base = summarize(self.state(as_of)) if summarize is not None else None
            return base, checkpoints.replay_with(self.history, self.config, as_of, extra, self.refused)
        directives = self.directives
        split = bisect.bisect_left(directives, extra[0].date, key=lambda d: d.date) if extra else len(directives)
        with collector_paused():
            shared = _fresh_state(self.config, self.refused)
            shared.replay(directives[:split], OPS, as_of)
            # a copy of the days both share; pickling is how checkpoints copy a state too
            after = pickle.loads(pickle.dumps(shared, pickle.HIGHEST_PROTOCOL)) if summarize is not None else shared
            after.replay(list(heapq.merge(directives[split:], extra, key=sort_key)), OPS, as_of)
        after.finish(as_of or last)
        if summarize is None:
            return None, after
        with collector_paused():
            shared.replay(directives[split:], OPS, as_of)
        shared.finish(as_of or (directives[-1].date if directives else None))
        return summarize(shared), after

    def recall(self, kind: str, day: dt.date | None):
        """What :meth:`remember` kept of ``kind`` for this ledger as of ``day``, if the
        directives dated up to ``day`` are still the same; None otherwise, and always for a
        ledger read from files (only a store can name its directives up to a day cheaply)."""
        if day is None or self.history is None or not checkpoints.enabled() or self.refused:
            return None
        return checkpoints.recall(self.history, self.config, kind, day)

    def remember(self, kind: str, day: dt.date | None, value) -> None:
        """Keep ``value``, which must depend only on the state as of ``day``, for :meth:`recall`."""
        if day is not None and self.history is not None and checkpoints.enabled() and not self.refused:
            checkpoints.remember(self.history, self.config, kind, day, value)

    def _all_before(self, day: dt.date, as_of: dt.date | None) -> bool:
        """True when no directive dated on or after ``day`` is applied in a replay as of ``as_of``."""
        last = self.last_date()
        return last is None or last < day or (as_of is not None and as_of < day)

    def with_directives(self, extra: list[Directive]) -> Ledger:
        """A new ledger of these directives plus ``extra``; this one is not changed."""
        merged = sorted([*self.directives, *extra], key=sort_key)
        return Ledger(merged, list(self.findings), self.config, self.root, list(self.files), list(self.refused))


def replay(directives: list[Directive], config: Config, as_of: dt.date | None = None,
           refused: list[Refused] = (), consume: bool = False) -> State:
    """Apply sorted directives one by one through the state's door; each op updates it
    incrementally. ``refused`` are the creations that failed to read, so that references to
    what they would have created point at them."""
    state = _fresh_state(config, refused)
    last = directives[-1].date if directives else None
    with collector_paused():
        state.replay(directives, OPS, as_of, consume)
    state.finish(as_of or last)
    return state


def _fresh_state(config: Config, refused: list[Refused] = ()) -> State:
    """An empty state that knows which creations were refused while reading."""
    state = State(config)
    for r in refused:
        state.note_refused(r.name, r.division, r.source)
    return state


@contextmanager
def collector_paused():
    """Pause the cyclic garbage collector while reading or replaying: they build millions
    of small acyclic objects, and collections triggered by them would otherwise cost a
    third of the time. The collector's state is restored afterwards."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


@dataclass(frozen=True)
class Refused:
    """A directive that would have created ``name`` (in ``division``) but could not be read."""

    name: str
    division: str | None
    source: Source


CREATING_OPS = {"establish", "open_division", "open_pool"}


def validate(items: list[RawItem], config: Config, directives: list[Directive], findings: list[Finding],
             refused: list[Refused] | None = None) -> None:
    """Validate raw items into ``directives``, adding every problem to ``findings`` and each
    refused creation (establish, open_division, open_pool) to ``refused``."""
    for item in items:
        directive, problems = build_directive(item, config)
        findings.extend(problems)
        if directive is not None:
            directives.append(directive)
        elif refused is not None and (r := _refused_creation(item)) is not None:
            refused.append(r)


def _refused_creation(item: RawItem) -> Refused | None:
    raw = item.value
    spec = lookup(raw.get("op")) if isinstance(raw, dict) and raw.get("op") is not None else None
    if spec is None or spec.name not in CREATING_OPS:
        return None
    name, division = raw.get("name"), raw.get("division")
    if not isinstance(name, str):
        return None
    return Refused(name, division if isinstance(division, str) else None, item.source)


def read_directives(files: list[tuple[Path, str]], config: Config,
                    refused: list[Refused] | None = None) -> tuple[list[Directive], list[Finding]]:
    """Read and validate every file; return unsorted directives and all findings (and add
    the creations that failed to ``refused``)."""
    directives, findings = [], []
    fingerprint = parse_cache.config_fingerprint(config) if parse_cache.cache_dir() is not None else ""
    with collector_paused():
        for path, display in files:
            key = _cache_key(path, display, fingerprint)
            cached = parse_cache.get(key) if key else None
            if cached is None:
                result = read_file(path, display)
                mine_d, mine_f, mine_r = [], list(result.findings), []
                validate(result.items, config, mine_d, mine_f, mine_r)
                cached = (mine_d, mine_f, mine_r)
                if key:
                    parse_cache.put(key, cached)
            directives.extend(cached[0])
            findings.extend(cached[1])
            if refused is not None:
                refused.extend(cached[2])
    return directives, findings


def _cache_key(path: Path, display: str, fingerprint: str) -> str | None:
    """The cache key of one file's validated directives (None: do not cache it)."""
    if not fingerprint:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None  # the reader reports it
    return parse_cache.key_of(data, display, fingerprint)


def read_records(items: list[RawItem], config: Config, refused: list[Refused] | None = None
                 ) -> tuple[list[Directive], list[Finding]]:
    """Validate items that an origin (a store) read; return unsorted directives and findings."""
    directives, findings = [], []
    with collector_paused():
        validate(items, config, directives, findings, refused)
    return directives, findings


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
        kinds = "、".join(READERS)
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
            return opener(root, str(path))
    if not root.exists():
        raise LedgerError(f"{path}: 找不到台账文件或文件夹")
    return FileOrigin(root, str(path))


def load(path: str | Path, config_path: str | Path | None = None) -> Ledger:
    """Load the ledger at ``path`` (a folder of ledger files, one file, or a registered origin).

    The configuration is ``config_path`` if given, else the origin's own (``orgmodel.yaml``
    in the folder) if present, else the shipped defaults.
    """
    origin = open_origin(path)
    text = getattr(origin, "config_text", None)  # a store keeps the ledger's config inside it
    if config_path is None and text is not None:
        config = load_config_text(text, f"{path}(配置)")
    else:
        config = load_config(config_path if config_path is not None else origin.config_path)
    history = origin.history(config) if hasattr(origin, "history") else None
    if history is not None:  # read only as far as a replay needs
        directives, findings, count = None, [], history.count
    else:
        directives, findings = origin.read(config)
        directives.sort(key=sort_key)
        count = len(directives)
    if not count and not any(f.severity == ERROR for f in findings):
        files = "、".join(origin.files[:3]) + ("等" if len(origin.files) > 3 else "")
        raise LedgerError(f"{path}: 台账中没有任何指令({files} 为空或只有注释);请先写入指令,"
                          f"或用 orgmodel template 生成工作簿模板填写")
    return Ledger(directives, findings, config, str(path), list(origin.files), list(getattr(origin, "refused", [])),
                  history)


# The ledger database plugs in as an origin (it needs the loader above, hence at the end).
from .store import origin as _store_origin  # noqa: E402,F401
