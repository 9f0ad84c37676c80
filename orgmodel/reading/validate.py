"""Validate what readers read into directives, every problem a finding, and read the
files of a ledger through the user's cache of validated files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..core.collector import collector_paused
from ..core.config import Config
from ..core.directive import Directive
from ..core.findings import Finding, Source
from ..core.located import RawItem
from ..ops.registry import lookup
from ..sources import read_file
from . import parse_cache
from .parse import build_directive


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
        elif refused is not None and (r := refused_creation(item)) is not None:
            refused.append(r)


def refused_creation(item: RawItem) -> Refused | None:
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
