"""Validate what readers read into directives, every problem a finding, and read the
files of a ledger through the user's cache of validated files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core import progress
from ..core.collector import collector_paused
from ..core.config import Config
from ..core.directive import Directive
from ..core.findings import ERROR, Finding, Source
from ..core.located import RawItem
from ..ops.registry import lookup
from ..sources import read_file
from . import parse_cache
from .parse import build_directive


@dataclass(frozen=True)
class Refused:
    """A directive (or a sheet's row) that could not be read: what it would have created
    (``name`` in ``division``, a name or code as written), or, when ``creates`` is False, the
    body or pool ``name`` it would have changed; ``op`` is its kind, ``about`` the quota types
    or leader post kinds it concerns (empty: any), ``source`` where its problem is. A later
    finding that follows from it (a reference to what it would have created, a body over
    quota for want of its approval) names that place."""

    name: str
    division: str | None
    source: Source
    op: str = ""
    about: tuple[str, ...] = ()
    creates: bool = True


CREATING_OPS = {"establish", "open_division", "open_pool"}
CHANGED_FIELDS = ("body", "to")  # the fields naming what a directive changes (a transfer: what it gives to)


def validate(items: list[RawItem], config: Config, directives: list[Directive], findings: list[Finding],
             refused: list[Refused] | None = None) -> None:
    """Validate raw items into ``directives``, adding every problem to ``findings`` and what
    each directive that cannot be read would have created or changed to ``refused``. An item
    its reader already refused (a sheet's row with a cell that cannot be read, whose finding
    the reader gave) only adds to ``refused``."""
    for item in items:
        flagged = getattr(item.value, "refused", None)
        if flagged is not None:
            if refused is not None:
                refused.extend(refusals(item, flagged))
            continue
        directive, problems = build_directive(item, config)
        findings.extend(problems)
        if directive is not None:
            directives.append(directive)
        elif refused is not None:
            where = next((f.source for f in problems if f.severity == ERROR and f.source is not None), item.source)
            refused.extend(refusals(item, where))


def refused_creation(item: RawItem) -> Refused | None:
    """What a refused creation (establish, open_division, open_pool) would have created, if it is one."""
    return next((r for r in refusals(item, item.source) if r.creates), None)


def refusals(item: RawItem, where: Source) -> list[Refused]:
    """What the refused ``item`` would have created or changed, its problem at ``where``."""
    raw = item.value
    spec = lookup(raw.get("op")) if isinstance(raw, dict) and isinstance(raw.get("op"), str) else None
    if spec is None:
        return []
    if spec.name in CREATING_OPS:
        name, division = raw.get("name"), raw.get("division")
        if not isinstance(name, str) or not name.strip():
            return []
        out = [Refused(name.strip(), division if isinstance(division, str) else None, where, spec.name)]
        code = raw.get("code")
        if spec.name == "open_division" and isinstance(code, (str, int)) and not isinstance(code, bool):
            out.append(Refused(str(code).strip(), None, where, spec.name))
        return out
    about = _about(raw)
    out = []
    for key in CHANGED_FIELDS:
        ref = raw.get(key)
        if isinstance(ref, str) and ref.strip():
            division, _, name = ref.strip().rpartition("/")
            out.append(Refused(name, division or None, where, spec.name, about, creates=False))
    return out


def _about(raw: dict) -> tuple[str, ...]:
    """The quota types or leader post kinds a raw directive concerns (empty: not said, or any)."""
    qtype = raw.get("type")
    if isinstance(qtype, str):
        return (qtype.strip(),)
    for key in ("posts", "actual", "leaders"):
        value = raw.get(key)
        if isinstance(value, dict):
            return tuple(str(k) for k in value)
    return ()


def read_directives(files: list[tuple[Path, str]], config: Config,
                    refused: list[Refused] | None = None) -> tuple[list[Directive], list[Finding]]:
    """Read and validate every file; return unsorted directives and all findings (and add
    the creations that failed to ``refused``)."""
    directives, findings = [], []
    fingerprint = parse_cache.config_fingerprint(config) if parse_cache.cache_dir() is not None else ""
    progress.step("正在读取台账文件", len(files), "个文件")
    with collector_paused():
        for path, display in files:
            progress.advance()
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
