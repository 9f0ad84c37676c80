"""Whether a database can be trusted: its hash chain, its batches' signatures, and its head
against what this clerk saw before.

Three anchors lie outside the file, because whoever can write the file can recompute a chain
that has no key:

- **signatures**: once a clerk's public key is registered (:mod:`orgmodel.store.keys`), every
  batch is signed with a registered key over its last record's hash, which chains every
  record before it. Rewriting any record breaks every later batch's signature, and a new
  signature needs a registered clerk's private key, which never leaves that clerk's profile;
- **the head on paper**: :func:`head_line` gives the record count, the last record's number
  and time and the head hash, for the office to keep on signed reports; ``verify --head``
  finds it in the chain and lists every record written after it;
- **the head this machine last found whole** (``heads/`` in the profile folder): ``check``,
  ``balance`` and every command that reads a database compare it (:func:`chain_findings`).
  The record it names must still carry the same hash; only the records after it are checked
  again (and their signatures), so this costs in proportion to what is new. The first time a
  database is read on a machine, the whole chain is checked.

Each record read for a figure is also checked on its own as it is read
(:class:`RowCheck`): its content against its hash and its links to its neighbours, so an
edit that leaves the hashes alone shows where it is, and the record does not count.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from ..core.findings import ERROR, Finding, RecordSource, Source
from ..core.profile import profile_dir, write_private
from ..core.text import local_time
from . import _COMPACT, GENESIS, HASHED, KEY_OP, REVERSE_OP, Store, batch_message, settings_digest
from .keys import fingerprint, parse_public, verify_signature

BATCH_COLUMNS = ("recorded_by", "recorded_at", "kind", "source", "note")
RULE = "chain-broken"
CHANGED = "bad-record"  # a record that is not what orgmodel wrote (not JSON, unknown op, a value no reader accepts)
TAMPER_RULES = frozenset({RULE, CHANGED})


@dataclass
class Report:
    """What :func:`scan` found: records checked, the last hash, problems (``(record or None,
    Chinese text)``), the keys in force at the end and the batches' signers."""

    count: int = 0
    head: str = GENESIS
    located: list[tuple[int | None, str]] = field(default_factory=list)
    keys: dict[int, tuple[str, str]] = field(default_factory=dict)
    signed: dict[str, int] = field(default_factory=dict)   # signer's name -> batches signed
    unsigned: int = 0                                      # batches written before any key was registered
    after: list[dict] = field(default_factory=list)        # the batches after a given head
    found_head: bool = True
    last_at: str | None = None

    @property
    def problems(self) -> list[str]:
        return [text for _, text in self.located]


def _resolve_head(store: Store, head: str) -> tuple[int, str] | None:
    """The record whose hash starts with ``head``, as ``(number, hash)``."""
    row = store.db.execute("SELECT id, hash FROM directives WHERE hash >= ? AND hash < ? ORDER BY id LIMIT 1",
                           (head, head + "g")).fetchone()
    return (row[0], row[1]) if row else None


def scan(store: Store, head: str | None = None, start: int = 0, prev: str = GENESIS,
         keys: dict[int, tuple[str, str]] | None = None) -> Report:
    """Check the chain from the record after ``start`` (whose hash is ``prev``) to the end:
    every record's hash and link, and every batch's signature, with ``keys`` registered
    before it. ``head`` (a hash noted earlier) must be found, and the batches after it are
    listed in :attr:`Report.after`."""
    report = Report(keys=dict(keys or {}))
    report.count, report.head = start, prev
    settings = store.batch_settings()
    sigs = store.signatures()
    found_head = head is None
    head_at = None
    if head is not None:
        hit = _resolve_head(store, head)
        head_at = hit[0] if hit else None
        found_head = hit is not None
    seen_batches: set[int] = set()
    run = None  # the batch being read: [batch, first, last, last hash, recorded_by, recorded_at, kind, key records]
    # the hashed columns in their order, then what else is checked: one tuple per record, no dicts
    columns = ", ".join(f"b.{k}" if k in BATCH_COLUMNS else f"d.{k}" for k in HASHED[:-1])
    cursor = store.db.cursor()
    cursor.row_factory = None
    rows = cursor.execute(f"SELECT {columns}, d.prev_hash, d.hash, b.id FROM directives d "
                          "LEFT JOIN batches b ON b.id = d.batch WHERE d.id > ? ORDER BY d.id", (start,))
    expected = start
    encode, sha256 = _COMPACT, hashlib.sha256
    for row in rows:
        expected += 1
        rid, batch, op, body, recorded_by, recorded_at = row[0], row[1], row[3], row[5], row[11], row[12]
        row_prev, row_hash, batch_id = row[16], row[17], row[18]
        first_of_batch = batch not in seen_batches and (run is None or run[0] != batch)
        if run is not None and run[0] != batch:
            _finish(store, report, run, sigs, head_at)
            run = None
        seen_batches.add(batch)
        digest = settings.get(batch) if first_of_batch else None
        if rid != expected:
            report.located.append((rid, f"第 {rid} 号记录:记录号不连续(应为第 {expected} 号;有记录被删除或插入)"))
            expected = rid
        if batch_id is None:
            report.located.append((rid, f"第 {rid} 号记录:所属的批次 {batch} 不存在(记录是绕过 orgmodel 插入的)"))
        if row_prev != prev:
            report.located.append((rid, f"第 {rid} 号记录:链接的上一条哈希不符(记录被删除、插入或改动过)"))
        if sha256(f"{row_prev}\n{encode([*row[:16], digest])}".encode()).hexdigest() != row_hash:
            report.located.append((rid, f"第 {rid} 号记录:内容与其哈希不符(记录或其批次信息被改动过)"))
        prev = row_hash
        report.count = rid
        if run is None:
            run = [batch, rid, rid, prev, recorded_by, recorded_at, None, []]
        run[2], run[3] = rid, prev
        if op == KEY_OP:
            run[7].append((rid, body))
        report.last_at = recorded_at
    if run is not None:
        _finish(store, report, run, sigs, head_at)
    report.head = prev
    known = {r[0] for r in store.db.execute("SELECT id FROM batches")}
    report.located += [(None, f"第 {b} 批的签名没有对应的批次(签名是绕过 orgmodel 插入的)") for b in sigs if b not in known]
    lonely = store.db.execute("SELECT DISTINCT batch FROM settings s WHERE NOT EXISTS "
                              "(SELECT 1 FROM directives d WHERE d.batch = s.batch)").fetchall()
    report.located += [(None, f"批次 {r[0]} 有设置却没有记录(设置是绕过 orgmodel 插入的)") for r in lonely]
    report.found_head = found_head
    if not found_head:
        report.located.append((None, f"没有找到哈希为 {head} 的记录:记下它之后,有记录被删除或改写了(或记下的哈希有误)"))
    return report


def _finish(store: Store, report: Report, run: list, sigs: dict, head_at: int | None) -> None:
    """Check one batch's signature; register the keys it holds when it is genuine."""
    batch, first, last, last_hash, by, at, _kind, key_records = run
    if head_at is not None and first > head_at:
        report.after.append({"batch": batch, "first": first, "last": last, "by": by, "at": at,
                             "signer": None, "keys": [k for k, _ in key_records]})
    where = f"第 {batch} 批(第 {first}–{last} 号记录,记录人 {by})" if first != last else \
        f"第 {batch} 批(第 {first} 号记录,记录人 {by})"
    new_keys = {}
    for rid, body in key_records:
        try:
            data = json.loads(body)
            public = parse_public(data["public_key"])
            new_keys[rid] = (str(data["name"]), public)
        except (ValueError, KeyError, TypeError):
            public = None
        if public is None:
            report.located.append((rid, f"第 {rid} 号记录:公钥登记的内容无法读取(被改动过)"))
    new_keys = {k: v for k, v in new_keys.items() if v[1] is not None}
    sig = sigs.get(batch)
    trusted = report.keys or ({} if not new_keys else new_keys)  # the first key signs its own registration
    signer_name = None
    if sig is None:
        if report.keys:
            report.located.append((last, f"{where}没有签名:登记公钥之后每一批记录都由记录人签名,"
                                         f"这一批是绕过 orgmodel 写入的"))
        elif new_keys:
            report.located.append((last, f"{where}登记了公钥却没有签名(登记是绕过 orgmodel 写入的)"))
        else:
            report.unsigned += 1
    else:
        signer, signature = sig
        key = trusted.get(signer)
        if key is None:
            report.located.append((last, f"{where}的签名人(第 {signer} 号记录的公钥)不是此前登记的公钥"))
        elif not verify_signature(key[1], batch_message(batch, first, last, last_hash), signature):
            report.located.append((last, f"{where}的签名不符:签名之后记录被改动过,或签名是伪造的"))
        else:
            signer_name = key[0]
            report.signed[signer_name] = report.signed.get(signer_name, 0) + 1
            report.keys.update(new_keys)
    if report.after and report.after[-1]["batch"] == batch:
        report.after[-1]["signer"] = signer_name


# -- the head this machine last found whole -----------------------------------------------
def point_path(path: Path) -> Path:
    """Where this machine keeps the head it last found whole for the database at ``path``."""
    who = hashlib.sha256(str(Path(path).resolve()).encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return profile_dir() / "heads" / f"{who}.json"


def remembered(path: Path) -> dict | None:
    """The last point this machine found the chain of the database at ``path`` whole:
    ``{"through", "head", "at", "keys"}``, or None."""
    try:
        data = json.loads(point_path(path).read_text(encoding="utf-8"))
        if not (isinstance(data, dict) and isinstance(data.get("through"), int) and isinstance(data.get("head"), str)):
            return None
        data["keys"] = {int(k): (str(v[0]), str(v[1])) for k, v in (data.get("keys") or {}).items()}
        return data
    except (OSError, ValueError, TypeError, IndexError, AttributeError):
        return None


def remember(path: Path, through: int, head: str, keys: dict[int, tuple[str, str]]) -> None:
    """Note that the chain of ``path`` was found whole up to record ``through`` (hash ``head``)."""
    data = {"path": str(Path(path).resolve()), "through": through, "head": head,
            "at": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
            "keys": {str(k): list(v) for k, v in keys.items()}}
    try:
        write_private(point_path(path), json.dumps(data, ensure_ascii=False, indent=1).encode("utf-8"))
    except OSError:
        pass  # a profile that cannot be written: the chain is checked whole next time


def forget(path: Path) -> None:
    try:
        os.unlink(point_path(path))
    except OSError:
        pass


def check_against_memory(store: Store, path: Path) -> tuple[list[tuple[int | None, str]], bool]:
    """``(problems, checked whole)``: the chain of ``store`` against the head this machine last
    found whole (only the records after it are read), or the whole chain the first time. A
    chain found whole is remembered at its new head."""
    point = remembered(path)
    last = store.last_record()
    if point is not None and point["through"] <= last:
        row = store.db.execute("SELECT hash FROM directives WHERE id = ?", (point["through"],)).fetchone() \
            if point["through"] else None
        known = row[0] if row else (GENESIS if point["through"] == 0 else None)
        if known == point["head"]:
            report = scan(store, start=point["through"], prev=point["head"], keys=point["keys"])
            if not report.located and report.count != point["through"]:
                remember(path, report.count, report.head, report.keys)
            return report.located, False
    if point is not None:
        when = local_time(point.get("at"))
        if point["through"] > last:
            text = (f"本机上次({when})核对时此数据库有 {point['through']} 条记录,现在只有 {last} 条:记录被删除了,"
                    f"或数据库换成了另一个文件")
        else:
            text = (f"第 {point['through']} 号记录的哈希与本机上次({when})核对时不同:数据库此后被改写过,"
                    f"或换成了另一个文件")
        return [(None, text + ";请用 orgmodel verify 数据库 --head 记下的哈希 核对(核对无误后此提示消失)")], False
    report = scan(store)
    if not report.located:
        remember(path, report.count, report.head, report.keys)
    return report.located, True


def chain_findings(store: Store, path: Path, display: str) -> tuple[list[Finding], bool]:
    """The chain problems of a database read as a ledger, as findings (see
    :func:`check_against_memory`), and whether the whole chain was checked just now."""
    located, whole = check_against_memory(store, path)
    out = []
    for rid, text in located:
        source = RecordSource(display, rid) if rid else Source(display, 0)
        out.append(Finding(RULE, f"{text};在此之后读出的数字不可信", source, ERROR))
    return out, whole


def note_written(path: Path, batch, keys_added: dict[int, tuple[str, str]] | None = None) -> None:
    """After this process wrote ``batch`` on top of a head this machine had found whole (or
    into an empty database), remember the new head: no need to read it again."""
    point = remembered(path)
    if batch.first == 1 and batch.prev == GENESIS:
        known = {}
    elif point is not None and point["through"] == batch.first - 1 and point["head"] == batch.prev:
        known = point["keys"]
    else:
        return
    remember(path, batch.last, batch.head, {**known, **(keys_added or {})})


# -- checking each record as it is read -------------------------------------------------------
class RowCheck:
    """Checks the rows of :meth:`Store.effective_checked` one by one: content against hash,
    links to the records before and after it. ``problems(row)`` gives ``(exclude, text)``
    pairs: a record whose content or hash was changed does not count."""

    def __init__(self, store: Store):
        self.settings = store.batch_settings()
        self._at: tuple[int, ...] | None = None  # where the hashed columns are in a row

    def problems(self, row) -> list[tuple[bool, str]]:
        if self._at is None:
            names = row.keys()
            self._at = tuple(names.index(k) for k in (*HASHED[:-1], "prev_hash", "hash", "batch_id", "p_hash",
                                                       "p_batch", "n_prev", "n_id"))
        at = self._at
        values = [row[i] for i in at[:16]]
        rid, batch = values[0], values[1]
        prev_hash, own, batch_id, p_hash, p_batch, n_prev, n_id = (row[i] for i in at[16:])
        out = []
        first_of_batch = p_batch != batch  # batches are written whole, in record order
        values.append(self.settings.get(batch) if first_of_batch else None)
        if batch_id is None:
            out.append((True, f"第 {rid} 号记录所属的批次 {batch} 不存在(记录是绕过 orgmodel 插入的)"))
        elif hashlib.sha256(f"{prev_hash}\n{_COMPACT(values)}".encode()).hexdigest() != own:
            out.append((True, f"第 {rid} 号记录的内容与其哈希不符(在 orgmodel 之外被改动过)"))
        elif n_id is not None and n_prev != own:
            out.append((True, f"第 {rid} 号记录的哈希与第 {rid + 1} 号记录链接的不符(记录连同哈希被改动过)"))
        if prev_hash != (GENESIS if rid == 1 else p_hash):
            out.append((False, f"第 {rid} 号记录之前的记录被删除、插入或改动过(链接的上一条哈希不符)"))
        return out


def head_line(store: Store, display: str | None = None) -> str:
    """The line the office keeps on paper, on signed reports and exports: how many records
    the database holds, its last record's number and time, and the head hash."""
    row = store.db.execute("SELECT d.id, d.hash, b.recorded_at FROM directives d LEFT JOIN batches b ON b.id = d.batch "
                           "ORDER BY d.id DESC LIMIT 1").fetchone()
    name = display or store.path.name
    if row is None:
        return f"台账数据库 {name}:尚无记录"
    at = local_time(row[2])
    return f"台账数据库 {name}:共 {row[0]} 条记录,最后一条为第 {row[0]} 号(记录于 {at}),哈希 {row[1][:12]}"


def sign_off_text(path: str | Path) -> str | None:
    """:func:`head_line` for the database at ``path`` (None when it is not one), for a report
    or export to print beside its sign-off block."""
    from . import StoreError, is_store

    p = Path(path)
    if not (p.is_file() and is_store(p)):
        return None
    try:
        with Store(p) as store:
            return head_line(store, p.name)
    except StoreError:
        return None


def describe_keys(keys: dict[int, tuple[str, str]]) -> list[str]:
    return [f"{name}:指纹 {fingerprint(public)}(第 {rid} 号记录登记)" for rid, (name, public) in sorted(keys.items())]


__all__ = ["RULE", "Report", "RowCheck", "chain_findings", "check_against_memory", "describe_keys", "head_line",
           "note_written", "remember", "remembered", "scan", "settings_digest", "sign_off_text", "REVERSE_OP"]
