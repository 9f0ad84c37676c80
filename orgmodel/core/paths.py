"""What kind of thing a path is, said in Chinese: only regular files are ever read.

A FIFO (named pipe) blocks whoever opens it until someone writes; a device such as
``/dev/zero`` never ends; a socket cannot be opened at all. A ledger folder may hold any of
them (a link named ``*.yaml`` pointing at a device, say), so every reader asks first.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path


def special(path: str | Path) -> str | None:
    """``None`` for a regular file, a folder or a path that is not there; otherwise what the
    path is (links followed), in Chinese: ``命名管道(FIFO)``, ``设备文件``, ``套接字``."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return None
    if stat.S_ISREG(mode) or stat.S_ISDIR(mode):
        return None
    if stat.S_ISFIFO(mode):
        return "命名管道(FIFO)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "设备文件"
    if stat.S_ISSOCK(mode):
        return "套接字"
    return "特殊文件"


def not_regular(path: str | Path) -> str | None:
    """Why ``path`` is not read, when it is a special file (see :func:`special`), in Chinese."""
    kind = special(path)
    return f"是{kind},不是普通文件,未读取" if kind else None
