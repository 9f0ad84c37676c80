"""A cache of validated directives per ledger file, so that a YAML ledger kept in git does
not pay the parse on every command: only files whose bytes changed are read again.

An entry is keyed by the file's content hash, the name it is shown by, the configuration
and orgmodel's version, and lives in the user's cache folder (never inside the ledger):
``$ORGMODEL_CACHE_DIR``, else ``%LOCALAPPDATA%\\orgmodel\\cache`` on Windows, else
``$XDG_CACHE_HOME/orgmodel`` or ``~/.cache/orgmodel``. It is an optimisation only: an entry
that cannot be read is ignored (and replaced), a folder that cannot be written is not used,
and ``ORGMODEL_CACHE=0`` turns it off. Results are the same with or without it.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import os
import pickle
import tempfile
from pathlib import Path

from . import __version__
from .config import Config

FORMAT = 1  # bump when what is cached changes shape


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
    package = Path(__file__).parent
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
    """The cached value for ``key``, or None (missing, unreadable or corrupt: all the same)."""
    folder = cache_dir()
    if folder is None:
        return None
    try:
        with open(folder / key[:2] / f"{key}.pickle", "rb") as fh:
            return pickle.load(fh)  # noqa: S301 - our own files, in the user's own cache folder
    except Exception:  # noqa: BLE001 - a bad entry is a miss
        return None


def put(key: str, value) -> None:
    """Store ``value`` (written to a temporary file, then renamed); failures are ignored."""
    folder = cache_dir()
    if folder is not None:
        write_atomically(folder / key[:2] / f"{key}.pickle", value)


def write_atomically(path: Path, value, header: bytes = b"") -> None:
    """Write ``header`` then ``value`` pickled to ``path`` through a temporary file renamed
    into place, so that a reader never sees half a file; failures are ignored."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    except Exception:  # noqa: BLE001 - the cache is an optimisation only
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(header)
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except Exception:  # noqa: BLE001 - the cache is an optimisation only
        with contextlib.suppress(OSError):
            os.unlink(tmp)
