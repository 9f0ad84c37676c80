"""Accounts of the workbench: who may log in, with which role, and the audit trail of what
they did (logins, failed logins, submissions, approvals, returns, commits, corrections,
accounts made or changed).

They live in the workbench's own file (the drafts file, beside the ledger), never in the
store. Passwords are kept only as a memory-hard hash (``hashlib.scrypt``, a random salt per
account); a name that fails to log in :data:`MAX_FAILURES` times in a row is locked for a
while that doubles with each further failure (the clock is injected, so tests never wait).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
import threading
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from ..core.schema import name_problem, text_problem
from .drafts import connect, local_now

ROLE_NAMES = ("查阅", "经办", "审核", "管理员")
SCHEMA = """
CREATE TABLE IF NOT EXISTS accounts (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    hash TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    created TEXT NOT NULL,
    created_by TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS login_failures (
    name TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    locked_until REAL NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    address TEXT NOT NULL DEFAULT ''
);
"""
SCRYPT = {"n": 2 ** 14, "r": 8, "p": 1}   # about 16 MB and 50 ms a hash: cheap for a login, dear for a guesser
MIN_PASSWORD = 8
MAX_PASSWORD = 200
MAX_FAILURES = 5        # failed logins in a row before a name is locked
LOCK_SECONDS = 60       # the first lock; each further failure doubles it (at most a day)


class AccountError(Exception):
    """An account that cannot be made or changed (a Chinese message says why)."""


@dataclass(frozen=True)
class Account:
    name: str
    role: str
    active: bool
    created: str
    created_by: str


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, maxmem=64 * 1024 * 1024, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${salt.hex()}${digest.hex()}"


def password_matches(stored: str, password: str) -> bool:
    try:
        kind, n, r, p, salt, digest = stored.split("$")
        if kind != "scrypt":
            return False
        got = hashlib.scrypt(password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32,
                             maxmem=64 * 1024 * 1024)
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got.hex(), digest)


def password_problem(password: str) -> str | None:
    if len(password) < MIN_PASSWORD:
        return f"密码至少 {MIN_PASSWORD} 个字符"
    if len(password) > MAX_PASSWORD:
        return f"密码过长(上限 {MAX_PASSWORD} 个字符)"
    if text_problem(password, False, MAX_PASSWORD):
        return "密码中不能有控制字符、换行或制表符"
    return None


def account_name_problem(name: str) -> str | None:
    if not name:
        return "请填写账号名"
    return text_problem(name, False, 50) or name_problem(name) or ("账号名中不能有空格" if " " in name else None)


class Accounts:
    """The accounts and the audit trail in ``path`` (see the module docstring)."""

    def __init__(self, path: str | Path, clock: Callable[[], float] = time.time, now: Callable[[], str] = local_now):
        self.path = Path(path)
        self.clock, self.now = clock, now
        self._lock = threading.Lock()

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        return connect(self.path, SCHEMA, create)

    def exist(self) -> bool:
        """True once any account has been made (the workbench then asks everyone to log in)."""
        conn = self._connect(False)
        if conn is None:
            return False
        with closing(conn):
            return conn.execute("SELECT count(*) FROM accounts").fetchone()[0] > 0

    def list(self) -> list[Account]:
        conn = self._connect(False)
        if conn is None:
            return []
        with closing(conn):
            rows = conn.execute("SELECT name, role, active, created, created_by FROM accounts ORDER BY name").fetchall()
        return [Account(r[0], r[1], bool(r[2]), r[3], r[4]) for r in rows]

    def get(self, name: str) -> Account | None:
        return next((a for a in self.list() if a.name == name), None)

    def add(self, name: str, role: str, password: str, by: str) -> Account:
        problem = account_name_problem(name) or (None if role in ROLE_NAMES else f"角色应为 {'、'.join(ROLE_NAMES)} 之一") \
            or password_problem(password)
        if problem:
            raise AccountError(problem)
        with self._lock, closing(self._connect(True)) as conn, conn:
            if conn.execute("SELECT 1 FROM accounts WHERE name = ?", (name,)).fetchone():
                raise AccountError(f"账号“{name}”已存在")
            conn.execute("INSERT INTO accounts VALUES (?, ?, ?, 1, ?, ?)", (name, role, hash_password(password), self.now(), by))
        self.record(by, "新建账号", f"{name}({role})")
        return self.get(name)

    def change(self, name: str, by: str, role: str | None = None, active: bool | None = None,
               password: str | None = None) -> None:
        if role is not None and role not in ROLE_NAMES:
            raise AccountError(f"角色应为 {'、'.join(ROLE_NAMES)} 之一")
        if password is not None and (problem := password_problem(password)):
            raise AccountError(problem)
        with self._lock, closing(self._connect(True)) as conn, conn:
            if not conn.execute("SELECT 1 FROM accounts WHERE name = ?", (name,)).fetchone():
                raise AccountError(f"没有账号“{name}”")
            if role is not None:
                conn.execute("UPDATE accounts SET role = ? WHERE name = ?", (role, name))
            if active is not None:
                conn.execute("UPDATE accounts SET active = ? WHERE name = ?", (int(active), name))
            if password is not None:
                conn.execute("UPDATE accounts SET hash = ? WHERE name = ?", (hash_password(password), name))
                conn.execute("DELETE FROM login_failures WHERE name = ?", (name,))
        said = [w for w, on in ((f"角色改为{role}", role), ("停用" if active is False else "启用", active is not None),
                                ("重设密码", password)) if on]
        self.record(by, "修改账号", f"{name}:{'、'.join(said)}")

    def login(self, name: str, password: str, address: str = "") -> tuple[Account | None, str | None]:
        """``(account, None)`` when ``name`` and ``password`` match an active account, else
        ``(None, why)``; every attempt is in the audit trail, and failures lock the name."""
        name = name.strip()[:50]
        now = self.clock()
        with self._lock, closing(self._connect(True)) as conn, conn:
            row = conn.execute("SELECT count, locked_until FROM login_failures WHERE name = ?", (name,)).fetchone()
            if row and row[1] > now:
                wait = int(row[1] - now) + 1
                why = f"登录失败次数过多,账号“{name}”已暂时锁定;请 {wait} 秒后再试"
                conn.execute("INSERT INTO audit (at, user, action, detail, address) VALUES (?, ?, ?, ?, ?)",
                             (self.now(), name, "登录被拒", "锁定期间", address))
                return None, why
            found = conn.execute("SELECT hash, active FROM accounts WHERE name = ?", (name,)).fetchone()
            ok = found is not None and bool(found[1]) and password_matches(found[0], password[:MAX_PASSWORD])
            if ok:
                conn.execute("DELETE FROM login_failures WHERE name = ?", (name,))
            else:
                count = (row[0] if row else 0) + 1
                locked = now + min(LOCK_SECONDS * 2 ** (count - MAX_FAILURES), 86_400) if count >= MAX_FAILURES else 0
                conn.execute("INSERT OR REPLACE INTO login_failures VALUES (?, ?, ?)", (name, count, locked))
            conn.execute("INSERT INTO audit (at, user, action, detail, address) VALUES (?, ?, ?, ?, ?)",
                         (self.now(), name, "登录" if ok else "登录失败", "", address))
        if not ok:
            return None, "账号或密码不对,或账号已停用"
        return self.get(name), None

    def record(self, user: str, action: str, detail: str = "", address: str = "") -> None:
        """Add a line to the audit trail."""
        with self._lock, closing(self._connect(True)) as conn, conn:
            conn.execute("INSERT INTO audit (at, user, action, detail, address) VALUES (?, ?, ?, ?, ?)",
                         (self.now(), user, action, detail[:2000], address[:100]))

    def trail(self, limit: int = 500) -> list[dict]:
        """The audit trail, newest first."""
        conn = self._connect(False)
        if conn is None:
            return []
        with closing(conn):
            rows = conn.execute("SELECT id, at, user, action, detail, address FROM audit ORDER BY id DESC LIMIT ?",
                                (limit,)).fetchall()
        return [dict(zip(("id", "at", "user", "action", "detail", "address"), r)) for r in rows]
