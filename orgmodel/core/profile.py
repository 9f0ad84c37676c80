"""The user's profile folder: what orgmodel keeps for one clerk on one machine that is not a
cache, and that must not be deleted to save space.

- ``keys/``: the clerk's signing key (Ed25519), created by ``orgmodel key new``;
- ``cache.key``: a secret that seals every file orgmodel writes in its cache folder
  (:mod:`orgmodel.reading.sealed`), so that a cache file orgmodel did not write for this
  user is never believed, nor unpickled;
- ``heads/``: for each database this user has checked, the last head the chain was found
  whole at (:mod:`orgmodel.store.trust`).

The folder is ``$ORGMODEL_PROFILE_DIR``, else ``%APPDATA%\\orgmodel`` on Windows, else
``$XDG_CONFIG_HOME/orgmodel`` or ``~/.config/orgmodel``. Only its owner should be able to
write it (files are created readable by the owner alone).
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
from pathlib import Path

SECRET_NAME = "cache.key"


def profile_dir() -> Path:
    if os.environ.get("ORGMODEL_PROFILE_DIR"):
        return Path(os.environ["ORGMODEL_PROFILE_DIR"])
    if os.name == "nt" and os.environ.get("APPDATA"):
        return Path(os.environ["APPDATA"]) / "orgmodel"
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "orgmodel"


def write_private(path: Path, data: bytes, exclusive: bool = False) -> None:
    """Write ``data`` to ``path`` readable by its owner alone, through a temporary file renamed
    into place (with ``exclusive``, FileExistsError if ``path`` exists; never replaced)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        os.chmod(path.parent, 0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o600)
        if exclusive:
            try:
                os.link(tmp, path)  # fails if path exists: a second process never replaces the first's file
            except FileExistsError:
                raise
            except OSError:  # a file system without hard links
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
            os.unlink(tmp)
        else:
            os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


_SECRET: dict[Path, bytes] = {}


def cache_secret() -> bytes | None:
    """The secret that seals this user's cache files (made on first use), or None when the
    profile folder cannot be read or written: then nothing is cached."""
    path = profile_dir() / SECRET_NAME
    if path in _SECRET:
        return _SECRET[path]
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        try:
            write_private(path, secrets.token_bytes(32), exclusive=True)
        except FileExistsError:
            pass
        except OSError:
            return None
        try:
            data = path.read_bytes()
        except OSError:
            return None
    except OSError:
        return None
    if len(data) < 32:
        return None  # damaged: no cache rather than a guessable key
    _SECRET[path] = data
    return data
