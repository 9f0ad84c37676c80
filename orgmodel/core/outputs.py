"""Writing an output whole or not at all: through a temporary file in the same folder, renamed
into place, so a run stopped at any moment leaves the old file or the new one, never half of
one. Where a command may write at all is decided in :mod:`orgmodel.ledger.outputs`."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

from .text import os_error_text


class OutputError(Exception):
    """The output cannot be written there (a Chinese message says why and what to do)."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


# Read once: the process's umask, which a file written in place would have been created under
UMASK = _umask()


@contextlib.contextmanager
def atomic_path(path: str | Path, private: bool = False) -> Iterator[Path]:
    """A temporary path beside ``path`` to write to; renamed to ``path`` when the block ends
    without an error, removed otherwise. A link at ``path`` is replaced, never written through.
    The file gets the permissions a file created in place would have (others in the office can
    read a report or workbook as the umask allows), or only its owner's when ``private``."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        os.close(fd)
    except OSError as exc:
        raise OutputError(f"无法在 {path.parent} 中写入({os_error_text(exc)})") from exc
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        os.chmod(tmp_path, 0o600 if private else 0o666 & ~UMASK)
        os.replace(tmp_path, path)
    except OSError as exc:
        raise OutputError(f"写入 {path} 时出错({os_error_text(exc)});原有文件未改动") from exc
    finally:
        with contextlib.suppress(OSError):
            tmp_path.unlink()


def atomic_write(path: str | Path, write: Callable[[Path], object], private: bool = False) -> Path:
    """Call ``write(tmp)`` to write the file at a temporary path, then put it at ``path``
    (readable by its owner only when ``private``)."""
    with atomic_path(path, private) as tmp:
        write(tmp)
    return Path(path)
