"""The key the levels share to match people across packs without being able to read them:
an ID number becomes HMAC-SHA256(key, number) in a pack. Whoever holds the key can test a
known number against a pack, so the key is kept like a password and handed only between the
establishment offices that exchange packs; a pack records only the key's fingerprint."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from pathlib import Path

from ..core.text import os_error_text

KEY_BYTES = 32
_HEADER = "# orgmodel 共享密钥(各级机构编制部门之间交换数据包时共用;请像密码一样保管,不要随数据包发送)"


class PackKeyError(Exception):
    """The shared key cannot be used (a Chinese message says why and what would be right)."""


def new_key_text() -> str:
    """A fresh key as the text of a key file."""
    return f"{_HEADER}\n{secrets.token_hex(KEY_BYTES)}\n"


def read_key(path: str | Path) -> bytes:
    """The key in the file at ``path``: its one line of 64 hexadecimal digits (lines starting
    with # are comments)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        why = os_error_text(exc) if isinstance(exc, OSError) else "不是 UTF-8 文本"
        raise PackKeyError(f"无法读取共享密钥文件 {path}({why})") from exc
    lines = [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.strip().startswith("#")]
    if len(lines) != 1:
        raise PackKeyError(f"共享密钥文件 {path} 应只有一行 {KEY_BYTES * 2} 位十六进制数字(# 开头的行为说明),"
                        f"实有 {len(lines)} 行;请用 orgmodel pack-key 生成")
    try:
        key = bytes.fromhex(lines[0])
    except ValueError:
        key = b""
    if len(key) != KEY_BYTES:
        raise PackKeyError(f"共享密钥文件 {path} 的密钥应为 {KEY_BYTES * 2} 位十六进制数字;请用 orgmodel pack-key 生成,"
                        f"或向上级机构编制部门索取")
    return key


def fingerprint(key: bytes) -> str:
    """What a pack records of its key: enough to tell two keys apart, nothing to test numbers with."""
    return hashlib.sha256(b"orgmodel-pack-key\0" + key).hexdigest()[:16]


def person_hash(key: bytes, id_number: str) -> str:
    """The keyed hash of an ID number (upper-cased, spaces removed), as packs carry it."""
    number = "".join(id_number.split()).upper()
    return hmac.new(key, number.encode("ascii", "replace"), hashlib.sha256).hexdigest()
