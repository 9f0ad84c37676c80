"""Text as users see it: control characters made visible, so that a name can never forge a
line of output or reach a terminal raw."""

from __future__ import annotations

import datetime as dt
import errno
import re

CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff\u202a-\u202e\u2066-\u2069\u2028\u2029]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def escape_controls(text: str) -> str:
    """``text`` with control characters, lone surrogates and direction overrides written as
    visible escapes (``\\n``, ``\\x07``, ``\\u202e``); other text is unchanged."""
    def one(m):
        ch = m.group()
        return _NAMED.get(ch) or (f"\\x{ord(ch):02x}" if ord(ch) < 256 else f"\\u{ord(ch):04x}")
    return CONTROL_CHARS.sub(one, text)


_OS_ERRORS = {
    errno.EACCES: "没有权限", errno.EPERM: "没有权限", errno.ENOENT: "文件或文件夹不存在",
    errno.EISDIR: "这是一个文件夹,不是文件", errno.ENOTDIR: "路径中有一段不是文件夹", errno.ELOOP: "符号链接形成了循环",
    errno.ENAMETOOLONG: "文件名或路径过长", errno.ENOSPC: "磁盘空间不足", errno.EROFS: "磁盘只读,不能写入",
    errno.EEXIST: "文件已存在", errno.EBUSY: "文件正被占用", errno.EMFILE: "打开的文件过多", errno.EIO: "磁盘读写错误",
}


def os_error_text(exc: OSError) -> str:
    """An operating-system error in Chinese, with its code kept for whoever looks it up."""
    code = exc.errno
    name = errno.errorcode.get(code, "") if code else ""
    reason = _OS_ERRORS.get(code, "操作系统报告错误")
    return f"{reason}({name})" if name else reason


# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value) -> str:
    """A CSV cell that no spreadsheet runs as a formula: text starting with =, +, -, @, a tab
    or a CR gets a leading apostrophe (numbers are written as numbers by the caller)."""
    s = "" if value is None else str(value)
    return "'" + s if s.startswith(FORMULA_START) else s


def formula_safe(df):
    """The DataFrame with every text cell made :func:`safe_text` (numbers left alone)."""
    text = [c for c in df.columns if df[c].dtype == object or str(df[c].dtype) in ("string", "str")]
    return df.assign(**{c: df[c].map(lambda v: safe_text(v) if isinstance(v, str) else v) for c in text})


def local_time(stamp) -> str:
    """A recorded time (ISO 8601 with its offset, as the store keeps it, in UTC) as a clerk
    reads it: in this computer's time zone, to the minute, with the offset, so that the hour
    is never mistaken (``2026-12-07 23:51+08:00``). Text that is not such a time (a record
    edited behind orgmodel's back) is shown as it is."""
    text = "" if stamp is None else str(stamp)
    try:
        when = dt.datetime.fromisoformat(text)
    except ValueError:
        return escape_controls(text)
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)  # the store writes UTC
    return when.astimezone().isoformat(sep=" ", timespec="minutes")
