"""The office's ledger of record: a SQLite database that keeps every change.

Records are only ever appended, in batches (an import, a commit of a scenario, a
correction) that say who recorded them, when, and from where. A correction (冲正) is a
record that reverses an earlier one by number; replay leaves both out. Each record carries
a SHA-256 hash chained to the record before it (over its canonical form, its batch's who
and when, and the previous hash), so any change made behind orgmodel's back shows in
:func:`orgmodel.store.trust.scan` (``orgmodel verify``). Writes take SQLite's write lock for the whole batch (``BEGIN
IMMEDIATE``), so a batch lands whole or not at all, and two clerks committing at once land
one after the other, or the second is told the database is busy after a bounded wait.

:mod:`orgmodel.store.origin` plugs the store into the ledger loader, so every command that
takes a LEDGER takes a database file too.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ..core import progress
from ..core.directive import Directive
from ..core.failpoints import reach
from ..core.findings import CellSource, RecordSource, Source
from .schema import MIGRATIONS, MIGRATIONS_TABLE, SCHEMA_VERSION

SQLITE_MAGIC = b"SQLite format 3\x00"
# how long a writer waits for another clerk's write to finish (ORGMODEL_BUSY_SECONDS overrides it)
BUSY_SECONDS = float(os.environ.get("ORGMODEL_BUSY_SECONDS", "10"))
GENESIS = "0" * 64
REVERSE_OP = "冲正"
KEY_OP = "登记公钥"  # a record that registers a clerk's public key (not a directive; never replayed)
INSERT_CHUNK = 1000  # records written per statement of a batch (a fail point, store.inserted, follows each)


class StoreError(Exception):
    """The database cannot be used (a Chinese message says why and what to do)."""


class StoreBusy(StoreError):
    """Another process holds the write lock longer than :data:`BUSY_SECONDS`."""


class StoreChanged(StoreError):
    """Records were added after the caller checked its batch against the ledger."""


def is_store(path: Path) -> bool:
    """True when ``path`` is an SQLite database file (by its first bytes).

    The bytes are read only while this process has no connection open on that file: closing
    any descriptor of a database file drops every lock the process's connections hold on it
    (POSIX advisory locks), and another clerk's commit could then be lost when this process
    closes its last connection. While a connection is open (:class:`Store` counts them), the
    file is a database already."""
    p = Path(path)
    try:
        key = _file_key(p)
    except OSError:
        return False
    with _OPEN_LOCK:
        if _OPEN.get(key):
            return True
        try:
            with open(p, "rb") as fh:
                return fh.read(16) == SQLITE_MAGIC
        except OSError:
            return False


# Connections this process has open, per database file ((device, inode) -> count): see is_store.
_OPEN: dict[tuple[int, int], int] = {}
_OPEN_LOCK = threading.Lock()


def _file_key(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_dev, st.st_ino


# -- the canonical form ------------------------------------------------------------------
def _plain(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return value


def canonical_body(d: Directive) -> str:
    """A directive as compact JSON (fields in the order written): what is stored, hashed and read back."""
    body = {"date": d.date.isoformat(), "op": d.op, "fields": _plain(d.fields)}
    if d.doc is not None:
        body["doc"] = d.doc
    if d.note is not None:
        body["note"] = d.note
    # keys keep the order they were written in: it is the order lists and breakdowns are shown in
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"))


class BadBody(ValueError):
    """A stored body that is not a directive as orgmodel stores one (says why, in Chinese)."""


def raw_of(body: str) -> dict:
    """The stored body as the raw mapping the validator reads (as a reader would give it);
    BadBody when it is not the JSON object orgmodel stores."""
    try:
        data = json.loads(body)
    except (ValueError, TypeError) as exc:
        raise BadBody("内容不是有效的 JSON") from exc
    if not isinstance(data, dict) or not isinstance(data.get("fields", {}), dict):
        raise BadBody("内容不是 orgmodel 保存的指令格式")
    raw = {"date": data.get("date"), "op": data.get("op"), **data.get("fields", {})}
    for key in ("doc", "note"):
        if key in data:
            raw[key] = data[key]
    return raw


def _origin_columns(source: Source) -> tuple:
    if isinstance(source, RecordSource):
        source = source.origin or Source(source.file, 0)
    if isinstance(source, CellSource):
        return source.file, source.line, source.sheet, source.column
    return source.file, source.line, None, None


def origin_of(row) -> Source | None:
    """Where a stored record was first read from."""
    file, line, sheet, column = row["origin_file"], row["origin_line"], row["origin_sheet"], row["origin_column"]
    if file is None:
        return None
    if sheet is not None or column is not None:
        return CellSource(file, line or 0, sheet or "", column or "")
    return Source(file, line or 0)


def settings_digest(settings: dict[str, str]) -> str | None:
    """A digest of the settings stored with a batch (its config), chained with its first record."""
    if not settings:
        return None
    return hashlib.sha256(json.dumps(sorted(settings.items()), ensure_ascii=False).encode()).hexdigest()


HASHED = ("id", "batch", "date", "op", "doc", "body", "origin_file", "origin_line", "origin_sheet", "origin_column",
          "reverses", "recorded_by", "recorded_at", "kind", "source", "note", "settings")
_COMPACT = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode  # one encoder, not one per record


def chain_hash(prev: str, row) -> str:
    """The hash of one record: SHA-256 over the previous hash and the record's canonical form
    (with its batch's who, when and kind, and, on a batch's first record, its settings)."""
    text = _COMPACT([row.get(k) for k in HASHED])
    return hashlib.sha256(f"{prev}\n{text}".encode()).hexdigest()


def batch_message(batch: int, first: int, last: int, head: str) -> bytes:
    """What a batch's signature covers: its number, first and last record, and its last
    record's hash (which chains every record before it)."""
    return f"orgmodel-batch 1\n{batch}\n{first}\n{last}\n{head}".encode()


def key_message(name: str, public: str) -> str:
    """The body of a key registration record."""
    return json.dumps({"name": name, "public_key": public}, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class Batch:
    """What one write added: its batch number and its first and last record numbers."""

    id: int
    first: int
    last: int
    prev: str = ""   # the chain's head before the batch
    head: str = ""   # its last record's hash

    @property
    def count(self) -> int:
        return self.last - self.first + 1 if self.last >= self.first else 0


class Store:
    """One ledger database (see the module docstring)."""

    def __init__(self, path: str | Path, create: bool = False):
        self.path = Path(path)
        if not create and not self.path.exists():
            raise StoreError(f"{path}: 找不到数据库文件;新建请用 orgmodel init")
        if create and self.path.exists() and self.path.stat().st_size > 0:
            raise StoreError(f"{path}: 文件已存在;请换一个文件名,或直接使用它")
        if not create and not is_store(self.path):
            raise StoreError(f"{path}: 不是 orgmodel 数据库(不是 SQLite 文件)")
        try:
            with _OPEN_LOCK:  # no header read of this file while the connection opens (see is_store)
                self.db = sqlite3.connect(str(self.path), timeout=BUSY_SECONDS, isolation_level=None)
                self._key = _file_key(self.path)
                _OPEN[self._key] = _OPEN.get(self._key, 0) + 1
            self.db.row_factory = sqlite3.Row
            self._refuse_foreign()
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._abandon()
            raise _store_error(exc, self.path) from exc
        except BaseException:
            self._abandon()
            raise

    def _abandon(self) -> None:
        """Close a connection that failed to open fully."""
        if getattr(self, "db", None) is not None:
            self.close()

    def close(self) -> None:
        with _OPEN_LOCK:
            self.db.close()
            key = getattr(self, "_key", None)
            if key is not None and _OPEN.get(key):
                _OPEN[key] -= 1
                if not _OPEN[key]:
                    del _OPEN[key]
            self._key = None

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- schema ----------------------------------------------------------------------
    def version(self) -> int:
        row = self.db.execute("SELECT MAX(version) FROM schema_migrations").fetchone()
        return row[0] or 0

    def _refuse_foreign(self) -> None:
        """Someone else's SQLite file is never added to (nor switched to WAL)."""
        tables = {r[0] for r in self.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if tables and "schema_migrations" not in tables:
            self.db.close()
            raise StoreError(f"{self.path}: 这是一个 SQLite 数据库,但不是 orgmodel 的台账数据库;未作任何改动")

    def _migrate(self) -> None:
        self.db.execute(MIGRATIONS_TABLE)
        have = self.version()
        if have > SCHEMA_VERSION:
            raise StoreError(f"{self.path}: 此数据库由较新版本的 orgmodel 建立(数据库架构第 {have} 版,本程序只支持到第 "
                             f"{SCHEMA_VERSION} 版);请升级 orgmodel 后再用,数据库未作任何改动")
        for number, description, statements in MIGRATIONS:
            if number <= have:
                continue
            with self._writing():
                for sql in statements:
                    self.db.execute(sql)
                self.db.execute("INSERT INTO schema_migrations (version, description, applied_at) VALUES (?, ?, ?)",
                                (number, description, _now()))

    # -- writing ---------------------------------------------------------------------
    def _writing(self):
        return _Transaction(self)

    def last_record(self) -> int:
        """The number of the newest record (0 when there is none)."""
        return self._next_id() - 1

    def append(self, kind: str, by: str, source: str, directives: list[Directive], settings: dict | None = None,
               note: str | None = None, checked_at: int | None = None, signer=None) -> Batch:
        """Append ``directives`` as one batch (all or nothing); ``settings`` (the ledger's config
        text, say) are stored with it. With ``checked_at`` (the newest record when the caller
        checked the batch against the ledger), refuse with StoreChanged if records came since.
        ``signer`` (a :class:`~orgmodel.store.keys.ClerkKey`) signs the batch; once a key is
        registered, every batch must be signed by a registered key."""
        with self._writing():
            if checked_at is not None and self.last_record() != checked_at:
                raise StoreChanged(f"{self.path}: 检查期间有同事写入了新的记录(第 {checked_at + 1} 号起)")
            signed_by = self._signer_record(signer)
            batch, at = self._new_batch(kind, by, source, note)
            prev, first = self._last_hash(), self._next_id()
            rows = []
            digest = settings_digest(settings or {})
            progress.step("正在计算每条记录的哈希", len(directives))
            for n, d in enumerate(directives):
                if not n & 0x3FFF:
                    progress.advance_to(n)
                row = {"id": first + n, "batch": batch, "date": d.date.isoformat(), "op": d.op, "doc": d.doc,
                       "body": canonical_body(d), "reverses": None, "recorded_by": by, "recorded_at": at, "kind": kind,
                       "source": source, "note": note, "settings": digest if n == 0 else None}
                row["origin_file"], row["origin_line"], row["origin_sheet"], row["origin_column"] = _origin_columns(d.source)
                row["prev_hash"], row["hash"] = prev, chain_hash(prev, row)
                prev = row["hash"]
                rows.append(row)
            progress.step("正在写入数据库", len(rows))
            for start in range(0, len(rows), INSERT_CHUNK):
                self.db.executemany(INSERT, rows[start:start + INSERT_CHUNK])
                progress.advance(min(INSERT_CHUNK, len(rows) - start))
                reach("store.inserted")
            for name, value in (settings or {}).items():
                self.db.execute("INSERT INTO settings (batch, name, value) VALUES (?, ?, ?)", (batch, name, value))
            head = self._sign(signer, signed_by, batch, first, first + len(rows) - 1, prev)
        return Batch(batch, first, first + len(rows) - 1, rows[0]["prev_hash"] if rows else prev, head)

    # -- keys and signatures -----------------------------------------------------------
    def keys(self, through: int | None = None) -> dict[int, tuple[str, str]]:
        """The registered public keys: ``{record number: (name, public key hex)}`` (as stored;
        :mod:`orgmodel.store.trust` says whether the registrations are genuine)."""
        out = {}
        for row in self.db.execute("SELECT id, body FROM directives WHERE op = ? AND id <= ? ORDER BY id",
                                   (KEY_OP, self._through(through))):
            try:
                data = json.loads(row["body"])
                out[row["id"]] = (str(data["name"]), str(data["public_key"]))
            except (ValueError, KeyError, TypeError):
                continue
        return out

    def signatures(self) -> dict[int, tuple[int, str]]:
        """``{batch: (signer's key record, signature hex)}``."""
        return {r[0]: (r[1], r[2]) for r in self.db.execute("SELECT batch, signer, signature FROM signatures")}

    def _signer_record(self, signer) -> int | None:
        """The record that registered ``signer``'s key (None: unsigned, or the key this batch
        registers); StoreError when the store needs a signature this signer cannot give."""
        keys = self.keys()
        if not keys:
            return None
        if signer is None:
            raise StoreError(f"{self.path}: 此台账已登记记录人的公钥,每批记录须由记录人签名;本机没有您的签名密钥。"
                             f"请先用 orgmodel key new 生成密钥,并请已登记的同事用 orgmodel key register 登记;本次没有写入任何内容")
        found = [n for n, (_, public) in keys.items() if public == signer.public]
        if not found:
            raise StoreError(f"{self.path}: 您的公钥(指纹 {signer.fingerprint})尚未在此台账登记,不能签名写入;请已登记的同事用 "
                             f"orgmodel key register 登记它;本次没有写入任何内容")
        return found[0]

    def _sign(self, signer, signed_by: int | None, batch: int, first: int, last: int, prev: str) -> str:
        """Sign the batch just written (inside its transaction); return its head."""
        head = self._last_hash() if last >= first else prev
        if signer is not None and signed_by is not None and last >= first:
            self.db.execute("INSERT INTO signatures (batch, signer, signature) VALUES (?, ?, ?)",
                            (batch, signed_by, signer.sign(batch_message(batch, first, last, head))))
        return head

    def register_key(self, name: str, public: str, by: str, signer, checked_at: int | None = None) -> Batch:
        """Register ``public`` (hex) as ``name``'s key: a one-record batch signed by ``signer``,
        who must hold a registered key, or, when none is registered yet, the key itself."""
        with self._writing():
            if checked_at is not None and self.last_record() != checked_at:
                raise StoreChanged(f"{self.path}: 检查期间有同事写入了新的记录(第 {checked_at + 1} 号起)")
            keys = self.keys()
            if any(p == public for _, p in keys.values()):
                raise StoreError(f"这把公钥已经登记过了(登记为“{next(n for n, p in keys.values() if p == public)}”)")
            if not keys and public != signer.public:
                raise StoreError("此台账还没有登记任何公钥:第一把须是您自己的(orgmodel key register 数据库 --by 您的姓名),"
                                 "之后由您登记同事的公钥")
            signed_by = self._signer_record(signer)
            batch, at = self._new_batch("commit", by, KEY_OP, None)
            row = {"id": self._next_id(), "batch": batch, "date": at[:10], "op": KEY_OP, "doc": None,
                   "body": key_message(name, public), "reverses": None, "origin_file": None, "origin_line": None,
                   "origin_sheet": None, "origin_column": None, "recorded_by": by, "recorded_at": at, "kind": "commit",
                   "source": KEY_OP, "note": None}
            prev = self._last_hash()
            row["prev_hash"], row["hash"] = prev, chain_hash(prev, row)
            self.db.execute(INSERT, row)
            reach("store.inserted")
            if signed_by is None:  # the first key: its own registration, signed by itself
                signed_by = row["id"]
            head = self._sign(signer, signed_by, batch, row["id"], row["id"], prev)
        return Batch(batch, row["id"], row["id"], prev, head)

    def reverse(self, record: int, by: str, doc: str, reason: str | None = None, checked_at: int | None = None,
                signer=None) -> Batch:
        """Append a correction (冲正) that takes record ``record`` out of the ledger."""
        with self._writing():
            target = self.db.execute("SELECT id, op, reverses FROM directives WHERE id = ?", (record,)).fetchone()
            if target is None:
                raise StoreError(f"没有第 {record} 号记录;请用 orgmodel log 查看记录号")
            if target["reverses"] is not None:
                raise StoreError(f"第 {record} 号记录本身是冲正记录,不能再冲正")
            if target["op"] == KEY_OP:
                raise StoreError(f"第 {record} 号记录是公钥登记,不能冲正")
            done = self.db.execute("SELECT id FROM directives WHERE reverses = ?", (record,)).fetchone()
            if done is not None:
                raise StoreError(f"第 {record} 号记录已由第 {done['id']} 号记录冲正")
            if checked_at is not None and self.last_record() != checked_at:
                raise StoreChanged(f"{self.path}: 检查期间有同事写入了新的记录(第 {checked_at + 1} 号起)")
            signed_by = self._signer_record(signer)
            source = f"冲正第 {record} 号记录"
            batch, at = self._new_batch("correct", by, source, reason)
            body = json.dumps({"reverses": record, "reason": reason or ""}, ensure_ascii=False, sort_keys=True,
                              separators=(",", ":"))
            row = {"id": self._next_id(), "batch": batch, "date": at[:10], "op": REVERSE_OP, "doc": doc, "body": body,
                   "reverses": record, "origin_file": None, "origin_line": None, "origin_sheet": None,
                   "origin_column": None, "recorded_by": by, "recorded_at": at, "kind": "correct", "source": source,
                   "note": reason}
            prev = self._last_hash()
            row["prev_hash"], row["hash"] = prev, chain_hash(prev, row)
            self.db.execute(INSERT, row)
            reach("store.inserted")
            head = self._sign(signer, signed_by, batch, row["id"], row["id"], prev)
        return Batch(batch, row["id"], row["id"], prev, head)

    def _new_batch(self, kind: str, by: str, source: str, note: str | None) -> tuple[int, str]:
        at = _now()
        cur = self.db.execute("INSERT INTO batches (kind, recorded_by, recorded_at, source, note) VALUES (?, ?, ?, ?, ?)",
                              (kind, by, at, source, note))
        reach("store.batch")
        return cur.lastrowid, at

    def head(self) -> str:
        """The newest record's hash (the chain's head), or the genesis value of an empty store."""
        return self._last_hash()

    def _last_hash(self) -> str:
        row = self.db.execute("SELECT hash FROM directives ORDER BY id DESC LIMIT 1").fetchone()
        return row["hash"] if row else GENESIS

    def _next_id(self) -> int:
        return self.db.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM directives").fetchone()[0]

    # -- reading ---------------------------------------------------------------------
    def settings(self) -> dict[str, str]:
        """The latest value of each setting."""
        rows = self.db.execute("SELECT name, value FROM settings s WHERE EXISTS "
                               "(SELECT 1 FROM directives d WHERE d.batch = s.batch) ORDER BY id").fetchall()
        return {r["name"]: r["value"] for r in rows}

    # the records replay uses: not corrections, not reversed (by a correction up to record :through)
    _EFFECTIVE = """FROM directives d WHERE d.id <= :through AND d.reverses IS NULL AND d.op <> '登记公钥'
                    AND NOT EXISTS (SELECT 1 FROM directives c WHERE c.reverses = d.id AND c.id <= :through)"""

    def effective(self, through: int | None = None, after: dt.date | None = None,
                  until: dt.date | None = None) -> Iterator[sqlite3.Row]:
        """The records replay uses, in record order, as the ledger stood at record ``through``
        (the newest when None), only those dated after ``after`` and on or before ``until`` when given."""
        return self.db.execute(f"SELECT d.* {self._EFFECTIVE}{_dated(after, until)} ORDER BY d.id",
                               {"through": self._through(through), "after": after and after.isoformat(),
                                "until": until and until.isoformat()})

    def effective_checked(self, through: int | None = None, after: dt.date | None = None,
                          until: dt.date | None = None) -> Iterator[sqlite3.Row]:
        """:meth:`effective`, each row with what checking it against the chain needs: its
        batch's who, when, kind, source and note (``batch_id`` None when the batch is missing),
        the hash and batch of the record before it (``p_hash``, ``p_batch``) and the link the
        record after it holds (``n_prev``, ``n_id``), within record ``through``."""
        dated = _dated(after, until)
        return self.db.execute(
            "SELECT d.*, b.id AS batch_id, b.recorded_by, b.recorded_at, b.kind, b.source, b.note, "
            "p.hash AS p_hash, p.batch AS p_batch, n.prev_hash AS n_prev, n.id AS n_id "
            "FROM directives d LEFT JOIN batches b ON b.id = d.batch "
            "LEFT JOIN directives p ON p.id = d.id - 1 "
            "LEFT JOIN directives n ON n.id = d.id + 1 AND n.id <= :through "
            f"WHERE d.id <= :through AND d.reverses IS NULL AND d.op <> '登记公钥' "
            "AND NOT EXISTS (SELECT 1 FROM directives c WHERE c.reverses = d.id AND c.id <= :through)"
            f"{dated} ORDER BY d.id",
            {"through": self._through(through), "after": after and after.isoformat(), "until": until and until.isoformat()})

    def batch_settings(self) -> dict[int, str]:
        """``{batch: digest of its settings}`` for the batches that have settings, as stored."""
        settings: dict[int, dict[str, str]] = {}
        for r in self.db.execute("SELECT batch, name, value FROM settings ORDER BY id"):
            settings.setdefault(r["batch"], {})[r["name"]] = r["value"]
        return {b: settings_digest(v) for b, v in settings.items()}

    def effective_summary(self, through: int | None = None) -> tuple[int, dt.date | None, dt.date | None]:
        """``(count, first date, last date)`` of the effective records up to record ``through``
        (a date that is not one, written behind orgmodel's back, is left out: that record is
        refused when it is read)."""
        from ..core.schema import MAX_YEAR, MIN_YEAR

        dated = (f"CASE WHEN d.date GLOB '{'[0-9]' * 4}-[0-9][0-9]-[0-9][0-9]' AND d.date BETWEEN "
                 f"'{MIN_YEAR:04d}-01-01' AND '{MAX_YEAR:04d}-12-31' THEN d.date END")
        n, first, last = self.db.execute(f"SELECT COUNT(*), MIN({dated}), MAX({dated}) {self._EFFECTIVE}",
                                         {"through": self._through(through)}).fetchone()
        return n, _day(first), _day(last)

    def prefix_digest(self, day: dt.date, through: int | None = None) -> str:
        """The identity of the effective records dated on or before ``day`` (up to record
        ``through``): a SHA-256 over their hashes in record order. It changes exactly when a
        record of that period is added or reversed, so a state replayed to ``day`` can be reused
        while it holds."""
        h = hashlib.sha256()
        for (row_hash,) in self.db.execute(f"SELECT d.hash {self._EFFECTIVE} AND d.date <= :day ORDER BY d.id",
                                           {"through": self._through(through), "day": day.isoformat()}):
            h.update(row_hash.encode())
        return h.hexdigest()

    def records(self, ids) -> list[sqlite3.Row]:
        """The records numbered ``ids`` (those that exist), in record order."""
        wanted = sorted({int(i) for i in ids})
        rows: list[sqlite3.Row] = []
        for start in range(0, len(wanted), 500):  # SQLite limits the parameters of one statement
            part = wanted[start:start + 500]
            rows += self.db.execute(f"SELECT * FROM directives WHERE id IN ({','.join('?' * len(part))}) ORDER BY id",
                                    part).fetchall()
        return rows

    def _through(self, through: int | None) -> int:
        return self.last_record() if through is None else through

    def history(self, since: dt.date | None = None, doc: str | None = None, containing: str | None = None,
                ids=None, newest: int | None = None, reversing=None) -> list[sqlite3.Row]:
        """Every record with its batch's who, when and source, in record order; only those dated
        on or after ``since``, under ``doc``, whose stored text contains ``containing`` (or that
        are corrections), numbered ``ids``, or reversing one of ``reversing``, when given, and
        only the ``newest`` so many (the filters run in SQLite)."""
        where, args = [], {}
        if since is not None:
            where.append("d.date >= :since")
            args["since"] = since.isoformat()
        if doc is not None:
            where.append("d.doc = :doc")
            args["doc"] = doc
        if containing is not None:
            where.append("(instr(d.body, :containing) > 0 OR d.reverses IS NOT NULL)")
            args["containing"] = containing
        if ids is not None:
            where.append(f"d.id IN ({','.join(str(int(i)) for i in ids) or 'NULL'})")
        if reversing is not None:
            where.append(f"d.reverses IN ({','.join(str(int(i)) for i in reversing) or 'NULL'})")
        return self.db.execute(f"""SELECT d.*, b.id AS batch_id, b.recorded_by, b.recorded_at, b.kind, b.source, b.note,
                                  (SELECT c.id FROM directives c WHERE c.reverses = d.id) AS reversed_by
                                  FROM directives d LEFT JOIN batches b ON b.id = d.batch
                                  {'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY d.id DESC
                                  {'LIMIT ' + str(int(newest)) if newest else ''}""", args).fetchall()[::-1]


INSERT = """INSERT INTO directives (id, batch, date, op, doc, body, origin_file, origin_line, origin_sheet, origin_column,
            reverses, prev_hash, hash) VALUES (:id, :batch, :date, :op, :doc, :body, :origin_file, :origin_line,
            :origin_sheet, :origin_column, :reverses, :prev_hash, :hash)"""


def _dated(after: dt.date | None, until: dt.date | None) -> str:
    """The SQL that keeps records dated after ``after`` and on or before ``until`` (each when given)."""
    return (" AND d.date > :after" if after is not None else "") + (" AND d.date <= :until" if until is not None else "")


class _Transaction:
    """``BEGIN IMMEDIATE`` … ``COMMIT``, or ``ROLLBACK`` on any error: a batch is whole or absent."""

    def __init__(self, store: Store):
        self.store = store

    def __enter__(self):
        try:
            self.store.db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as exc:
            raise _store_error(exc, self.store.path) from exc
        return self

    def __exit__(self, kind, exc, tb):
        db = self.store.db
        if kind is None:
            try:
                reach("store.commit")
                db.execute("COMMIT")
                reach("store.committed")
                return False
            except sqlite3.OperationalError as commit_exc:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise _store_error(commit_exc, self.store.path) from commit_exc
        if db.in_transaction:  # SQLite may have rolled back by itself (a full disk, say)
            db.execute("ROLLBACK")
        if isinstance(exc, sqlite3.DatabaseError):
            raise _store_error(exc, self.store.path) from exc
        return False


def _store_error(exc: sqlite3.DatabaseError, path: Path) -> StoreError:
    text = str(exc)
    if "locked" in text or "busy" in text:
        return StoreBusy(f"{path}: 数据库正忙(另一位同事正在写入,已等待 {BUSY_SECONDS} 秒);请稍后再试,本次没有写入任何内容")
    if "not a database" in text or "malformed" in text or "decode" in text:
        return StoreError(f"{path}: {DAMAGED}")
    if "unable to open" in text:
        return StoreError(f"{path}: 无法打开或新建数据库文件(所在文件夹不存在,或没有权限)")
    if "readonly" in text or "read-only" in text:
        return StoreError(f"{path}: 数据库文件是只读的(或所在文件夹不能写入);请检查文件权限,本次没有写入任何内容")
    if "disk is full" in text:
        return StoreError(f"{path}: 磁盘已满,无法写入;请清理磁盘后重试,本次没有写入任何内容")
    if "只能追加" in text:
        return StoreError(f"{path}: 台账记录只能追加,不能修改或删除;更正请用 orgmodel correct")
    return StoreError(f"{path}: 数据库操作失败({type(exc).__name__});本次没有写入任何内容")


DAMAGED = "数据库文件已损坏或不是 orgmodel 数据库;请用备份(orgmodel dump 的结果或数据库文件的副本)恢复"


def damage_message(exc: sqlite3.DatabaseError) -> str:
    """What a database error met while reading says to a clerk (Chinese, no path): the file is
    damaged (SQLite finds its pages malformed, or text that is not UTF-8), or busy, or else."""
    return str(_store_error(exc, Path("台账数据库"))).split(": ", 1)[1]


def _day(text: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _now() -> str:
    return dt.datetime.now().astimezone().isoformat(timespec="seconds")


__all__ = ["Batch", "KEY_OP", "REVERSE_OP", "Store", "StoreBusy", "StoreError", "canonical_body", "damage_message",
           "is_store", "origin_of", "raw_of"]
