"""A cache of validated directives per ledger file, so that a YAML ledger kept in git does
not pay the parse on every command: only files whose bytes changed are read again.

An entry is keyed by the file's content hash, the name it is shown by, the configuration
and orgmodel's version, and lives in the user's cache folder (never inside the ledger):
``$ORGMODEL_CACHE_DIR``, else ``%LOCALAPPDATA%\\orgmodel\\cache`` on Windows, else
``$XDG_CACHE_HOME/orgmodel`` or ``~/.cache/orgmodel``. It is an optimisation only: an entry
that cannot be read is ignored (and replaced), a folder that cannot be written is not used,
and ``ORGMODEL_CACHE=0`` turns it off. Results are the same with or without it.

The folder also holds the store's year-end checkpoints and remembered snapshots
(:mod:`orgmodel.checkpoints`), and it is kept within a size budget: once a command has
written to it, the least recently used files are deleted until the folder holds at most
``$ORGMODEL_CACHE_MAX_MB`` megabytes (2,048 by default). A file read counts as used.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import json
import os
import time
from pathlib import Path

from .. import __version__
from ..core.config import Config
from . import sealed

FORMAT = 1  # bump when what is cached changes shape
DEFAULT_BUDGET_MB = 2048  # a province's checkpoint is about 100 MB, its parse entries 40 MB


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is off."""
    if os.environ.get("ORGMODEL_CACHE", "1") == "0":
        return None
    if os.environ.get("ORGMODEL_CACHE_DIR"):
        return Path(os.environ["ORGMODEL_CACHE_DIR"])
    if os.name == "nt" and os.environ.get("LOCALAPPDATA"):
        return Path(os.environ["LOCALAPPDATA"]) / "orgmodel" / "cache"
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "orgmodel"


def config_fingerprint(config: Config) -> str:
    """The configuration's identity (its values in their written order)."""
    return hashlib.sha256(json.dumps(config.data, ensure_ascii=False, default=str).encode()).hexdigest()


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """orgmodel's own source and the YAML parser's version: a changed reader or validator
    (an edited checkout, another release) never reuses what an older one cached."""
    import yaml

    h = hashlib.sha256(f"{__version__}|{yaml.__version__}|{getattr(yaml, '__with_libyaml__', False)}".encode())
    package = Path(__file__).parents[1]  # the whole orgmodel package
    for path in sorted(package.rglob("*.py")):
        h.update(path.relative_to(package).as_posix().encode())
        h.update(path.read_bytes())
    return h.hexdigest()


def key_of(data: bytes, display: str, fingerprint: str) -> str:
    h = hashlib.sha256()
    for part in (str(FORMAT), code_fingerprint(), display, fingerprint):
        h.update(part.encode("utf-8", "surrogatepass") + b"\0")
    h.update(data)
    return h.hexdigest()


def get(key: str):
    """The cached value for ``key``, or None (missing, unreadable, corrupt, or not sealed by
    orgmodel for this user: all the same; see :mod:`orgmodel.reading.sealed`)."""
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / key[:2] / f"{key}.pickle"
    value = read_value(path)
    if value is None:
        return None
    used(path)
    return value


def put(key: str, value) -> None:
    """Store ``value`` (written to a temporary file, then renamed); failures are ignored."""
    folder = cache_dir()
    if folder is not None:
        write_atomically(folder / key[:2] / f"{key}.pickle", value)


def sealed_name(path: Path) -> str:
    """What a cache file is sealed under: its place in the cache folder (so an entry copied
    over another, of another ledger, day or kind, is refused)."""
    folder = cache_dir()
    try:
        return Path(path).relative_to(folder).as_posix() if folder is not None else Path(path).name
    except ValueError:
        return Path(path).name


def write_atomically(path: Path, value, header: bytes = b"") -> None:
    """Write ``header`` then ``value`` pickled to ``path``, sealed for this user, through a
    temporary file renamed into place, so that a reader never sees half a file; failures are
    ignored."""
    if sealed.write(path, sealed_name(path), header, value):
        written(path)


def write_text(path: Path, text: str) -> None:
    """Write ``text`` to ``path``, sealed like every cache file; failures are ignored."""
    if sealed.write(path, sealed_name(path), data=text.encode("utf-8")):
        written(path)


def read_text(path: Path) -> str | None:
    """The text :func:`write_text` wrote at ``path``, or None."""
    data = sealed.read_bytes(path, sealed_name(path))
    try:
        return None if data is None else data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def read_value(path: Path, header: bytes = b""):
    """The value :func:`write_atomically` wrote at ``path`` after ``header``, or None (not
    there, not sealed for this user, another header, or holding what only orgmodel's
    restricted unpickler refuses)."""
    fh = sealed.open_sealed(path, sealed_name(path))
    if fh is None:
        return None
    try:
        with fh:
            if header and fh.read(len(header)) != header:
                return None
            return sealed.load(fh)
    except Exception:  # noqa: BLE001 - a bad entry is a miss
        return None


def used(path: Path) -> None:
    """Mark a cache file as just used, so that the budget keeps it longest."""
    with contextlib.suppress(OSError):
        os.utime(path)


_WRITTEN: dict[Path, set[Path]] = {}  # cache folder -> what this process wrote there


def written(path: Path) -> None:
    """Note that ``path`` was written to the cache: its folder is brought within its budget
    once, when the process ends (a ledger read writes one entry per file), and what this
    process wrote is kept."""
    folder = cache_dir()
    if folder is None:
        return
    if not _WRITTEN:
        atexit.register(_prune_written)
    _WRITTEN.setdefault(folder, set()).add(Path(path))


def _prune_written() -> None:
    for folder, keep in _WRITTEN.items():
        prune(folder=folder, keep=keep)


def budget_bytes() -> int:
    """The cache folder's size budget (``$ORGMODEL_CACHE_MAX_MB``, else the default)."""
    try:
        mb = int(os.environ.get("ORGMODEL_CACHE_MAX_MB", DEFAULT_BUDGET_MB))
    except ValueError:
        mb = DEFAULT_BUDGET_MB
    return max(mb, 0) * 2**20


# What orgmodel writes in its cache folder; nothing else there is ever deleted (the folder
# may be one the user named, and hold other files).
OWN_FILES = ("[0-9a-f][0-9a-f]/*.pickle", "[0-9a-f][0-9a-f]/*.tmp", "checkpoints/*/*.*", "prefix-keys/*/*.key",
             "prefix-keys/*/*.tmp")
STALE_TMP = 24 * 3600  # seconds: a temporary file this old was left by a write that was killed


def prune(budget: int | None = None, folder: Path | None = None, keep=()) -> int:
    """Delete the least recently used of orgmodel's own files in the cache folder (``folder``,
    else :func:`cache_dir`) until they hold at most ``budget`` bytes (:func:`budget_bytes`
    when None), never one of ``keep``; also delete temporary files left by killed writes,
    and folders left empty. Returns how many bytes were freed."""
    folder = cache_dir() if folder is None else folder
    if folder is None or not folder.is_dir():
        return 0
    limit = budget_bytes() if budget is None else budget
    keep = {Path(p) for p in keep}
    files, freed, now = [], 0, time.time()
    for pattern in OWN_FILES:
        for path in folder.glob(pattern):
            with contextlib.suppress(OSError):
                st = path.stat()
                if path.suffix == ".tmp":
                    if now - st.st_mtime > STALE_TMP:
                        path.unlink()
                        freed += st.st_size
                elif path.is_file():
                    files.append((st.st_mtime, st.st_size, path))
    total = sum(size for _, size, _ in files)
    for _, size, path in sorted(files, key=lambda f: f[0]):
        if total <= limit:
            break
        if path in keep:
            continue
        with contextlib.suppress(OSError):
            path.unlink()
            freed += size
            total -= size
            with contextlib.suppress(OSError):
                path.parent.rmdir()  # only when it is now empty
    return freed
