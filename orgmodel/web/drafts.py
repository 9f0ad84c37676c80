"""Drafts: plans that clerks are writing, kept apart from the ledger of record.

A draft is a named, ordered list of raw directives (``{field: value}``, as a YAML ledger
writes them) with its author and the times it was made and last changed. Drafts live in a
SQLite file of their own (``台账.drafts.db`` beside the ledger, or ``--drafts``), never in
the store: they are not records, the hash chain does not cover them, and a ledger of files
stays untouched. The file is made when the first draft is saved.

Every change is one transaction, and each carries the version it was made from: a clerk
saving over a change made meanwhile in another window is told so instead of losing it.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import threading
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    name TEXT NOT NULL,
    description TEXT NOT NULL DEFAULT '',
    as_of TEXT,
    author TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 1,
    directives TEXT NOT NULL DEFAULT '[]'
);
"""
# What approval adds to a draft (columns added to a file made before approval existed).
FLOW_COLUMNS = {"status": "TEXT NOT NULL DEFAULT '草稿'", "submitted_by": "TEXT", "submitted_at": "TEXT",
                "approved_by": "TEXT", "approved_at": "TEXT", "comment": "TEXT", "committed": "TEXT"}
# 草稿 → 已提交 (经办) → 已批准 (审核) → 已入账 (审核, with the 文号); 已提交 or 已批准 → 已退回 (审核, with a comment)
EDITABLE = ("草稿", "已退回")
MAX_DIRECTIVES = 2_000  # directives in one draft (a county's whole reform is a few hundred)
MAX_DRAFTS = 10_000


class DraftError(Exception):
    """A change that cannot be made (a Chinese message says why)."""


@dataclass
class Draft:
    id: int
    name: str
    description: str
    as_of: str | None
    author: str
    created: str
    updated: str
    version: int
    directives: list[dict] = field(default_factory=list)
    status: str = "草稿"
    submitted_by: str | None = None
    submitted_at: str | None = None
    approved_by: str | None = None
    approved_at: str | None = None
    comment: str | None = None
    committed: str | None = None

    @property
    def editable(self) -> bool:
        return self.status in EDITABLE


def drafts_path_of(ledger: str | Path) -> Path:
    """Where a ledger's drafts are kept by default: ``台账.drafts.db`` beside it."""
    p = Path(ledger)
    stem = p.stem if p.suffix else p.name
    return p.parent / f"{stem}.drafts.db"


def local_now() -> str:
    """The time now, local with its offset (as the store records times)."""
    return dt.datetime.now().astimezone().isoformat(sep=" ", timespec="seconds")


def connect(path: Path, schema: str, create: bool) -> sqlite3.Connection | None:
    """A connection to the workbench's own file at ``path`` (drafts, accounts, the audit trail)
    with ``schema`` in place, waiting for a colleague's write rather than failing; None when the
    file does not exist and ``create`` is False."""
    if not create and not path.exists():
        return None
    conn = sqlite3.connect(path, timeout=10)
    conn.execute("PRAGMA busy_timeout = 10000")
    conn.executescript(schema)
    return conn


class Drafts:
    """The drafts in one SQLite file (see the module docstring). ``clock`` gives the times
    recorded (tests fix it)."""

    def __init__(self, path: str | Path, clock: Callable[[], str] = local_now):
        self.path = Path(path)
        self.clock = clock
        self._lock = threading.Lock()

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        conn = connect(self.path, SCHEMA, create)
        if conn is None:
            return None
        have = {r[1] for r in conn.execute("PRAGMA table_info(drafts)")}
        for name, kind in FLOW_COLUMNS.items():
            if name not in have:
                conn.execute(f"ALTER TABLE drafts ADD COLUMN {name} {kind}")
        conn.row_factory = sqlite3.Row
        return conn

    def list(self) -> list[Draft]:
        """Every draft, the latest changed first (without their directives' text parsed)."""
        conn = self._connect(False)
        if conn is None:
            return []
        with closing(conn):
            rows = conn.execute("SELECT * FROM drafts ORDER BY updated DESC, id DESC").fetchall()
        return [_draft(r) for r in rows]

    def get(self, draft_id: int) -> Draft | None:
        conn = self._connect(False)
        if conn is None:
            return None
        with closing(conn):
            row = conn.execute("SELECT * FROM drafts WHERE id = ?", (draft_id,)).fetchone()
        return _draft(row) if row else None

    def create(self, name: str, author: str, description: str = "", as_of: str | None = None,
               directives: list[dict] | None = None) -> Draft:
        directives = directives or []
        if len(directives) > MAX_DIRECTIVES:
            raise DraftError(f"方案有 {len(directives)} 条指令,超过上限 {MAX_DIRECTIVES}")
        now = self.clock()
        with self._lock, closing(self._connect(True)) as conn, conn:
            (count,) = conn.execute("SELECT count(*) FROM drafts").fetchone()
            if count >= MAX_DRAFTS:
                raise DraftError(f"草稿已有 {count} 份,达到上限;请先删除不用的草稿")
            cur = conn.execute("INSERT INTO drafts (name, description, as_of, author, created, updated, directives) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?)",
                               (name, description, as_of, author, now, now, json.dumps(directives, ensure_ascii=False)))
            new_id = cur.lastrowid
        return self.get(new_id)

    def change(self, draft_id: int, version: int, how: Callable[[Draft], None]) -> Draft:
        """Apply ``how`` to the draft as stored, if it is still at ``version``; save it as the
        next version. DraftError when it is gone or was changed meanwhile."""
        with self._lock:
            conn = self._connect(False)
            if conn is None:
                raise DraftError(f"没有编号为 {draft_id} 的草稿")
            with closing(conn), conn:
                row = conn.execute("SELECT * FROM drafts WHERE id = ?", (draft_id,)).fetchone()
                if row is None:
                    raise DraftError(f"没有编号为 {draft_id} 的草稿(可能已被删除)")
                draft = _draft(row)
                if draft.version != version:
                    raise DraftError(f"草稿“{draft.name}”已在别处被修改(第 {draft.version} 版,此页面是第 {version} 版);"
                                     "请重新打开草稿后再改")
                how(draft)
                if len(draft.directives) > MAX_DIRECTIVES:
                    raise DraftError(f"方案有 {len(draft.directives)} 条指令,超过上限 {MAX_DIRECTIVES}")
                draft.updated, draft.version = self.clock(), draft.version + 1
                conn.execute("UPDATE drafts SET name = ?, description = ?, as_of = ?, updated = ?, version = ?, "
                             "directives = ?, status = ?, submitted_by = ?, submitted_at = ?, approved_by = ?, "
                             "approved_at = ?, comment = ?, committed = ? WHERE id = ?",
                             (draft.name, draft.description, draft.as_of, draft.updated, draft.version,
                              json.dumps(draft.directives, ensure_ascii=False), draft.status, draft.submitted_by,
                              draft.submitted_at, draft.approved_by, draft.approved_at, draft.comment, draft.committed,
                              draft_id))
        return draft

    def delete(self, draft_id: int) -> None:
        conn = self._connect(False)
        if conn is None:
            return
        with self._lock, closing(conn), conn:
            conn.execute("DELETE FROM drafts WHERE id = ?", (draft_id,))


def _draft(row) -> Draft:
    values = {k: row[k] for k in row.keys()}
    values["directives"] = json.loads(values["directives"])
    return Draft(**values)
