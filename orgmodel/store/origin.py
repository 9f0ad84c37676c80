"""The store as a ledger origin: every command that takes a LEDGER reads a database file.

Each effective record (not a correction, not reversed, not a key registration) is read back
as the raw mapping it was stored from and validated again, like any file's item, by the same
code as the readers (:func:`orgmodel.reading.parse.build_directive`), so replay from the store
gives what the source files gave, and a record changed behind orgmodel's back is a located
finding, never a crash or a figure. Each record is also checked against the hash chain as it
is read (:class:`orgmodel.store.trust.RowCheck`), and the chain against the head this machine
last found whole (:func:`orgmodel.store.trust.chain_findings`). A record's location is the
record, with the place it was first read from: ``台账.xlsx!机构!C17(记录 1234)``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

from ..core.collector import collector_paused
from ..core.config import Config
from ..core.directive import Directive
from ..core.findings import ERROR, Finding, RecordSource
from ..core.located import RawItem
from ..core.schema import parse_date
from ..reading import parse_cache
from ..reading.parse import build_directive, sort_key
from ..reading.validate import Refused, read_records, refused_creation
from . import KEY_OP, REVERSE_OP, BadBody, Store, is_store, origin_of, raw_of, trust

CONFIG_SETTING = "config"  # the ledger's orgmodel.yaml, as text
CHANGED = trust.CHANGED


class StoreOrigin:
    """A ledger database, read as a ledger."""

    def __init__(self, path: Path, display: str):
        self.path, self.display = path, display
        self.config_path = None
        self.files = [display]
        with Store(path) as store:  # StoreError when it cannot be opened
            self.config_text = store.settings().get(CONFIG_SETTING)
            self.chain_findings, self.checked_whole = trust.chain_findings(store, path, display)
        self.refused = []

    def history(self, config: Config) -> StoreHistory | None:
        """The records as a history read on demand, under the configuration stored with them
        (else None: :meth:`read`)."""
        if not self._same_config(config):
            return None
        return StoreHistory(self.path, self.display, config, self.chain_findings, self.checked_whole)

    def read(self, config: Config) -> tuple[list[Directive], list[Finding]]:
        """The effective records as directives, validated again under ``config`` (which is
        not the one they were recorded under: ``--config`` with other quota types, say)."""
        findings = list(self.chain_findings)
        items = []
        with Store(self.path) as store, collector_paused():
            check = trust.RowCheck(store)
            for row in store.effective_checked():
                item, problems = raw_item(row, self.display, check)
                findings += problems
                if item is not None:
                    items.append(item)
        directives, more = read_records(items, config, self.refused)
        return directives, findings + more

    def _same_config(self, config: Config) -> bool:
        from ..core.config import load_config_text

        stored = load_config_text(self.config_text, self.display) if self.config_text else None
        return (stored.data if stored is not None else _defaults()) == config.data


def raw_item(row, display: str, check: trust.RowCheck | None) -> tuple[RawItem | None, list[Finding]]:
    """A stored record as the raw item it was read from, with the problems that keep it out
    (None): it does not match the chain (``check``), or it is not what orgmodel stores."""
    source = RecordSource(display, row["id"], origin_of(row))
    found, keep = [], True
    for exclude, text in (check.problems(row) if check is not None else ()):
        found.append(Finding(trust.RULE, text + (";这条记录未计入" if exclude else ""), source, ERROR))
        keep = keep and not exclude
    try:
        raw = raw_of(row["body"])
    except BadBody as exc:
        found.append(Finding(CHANGED, f"第 {row['id']} 号记录的{exc}(在 orgmodel 之外被改动过);这条记录未计入", source, ERROR))
        return None, found
    if (str(raw.get("date")), raw.get("op"), raw.get("doc")) != (row["date"], row["op"], row["doc"]):
        found.append(Finding(CHANGED, f"第 {row['id']} 号记录的日期、指令或文号与其内容不一致(在 orgmodel 之外被改动过);"
                                      f"这条记录未计入", source, ERROR))
        return None, found
    return (RawItem(raw, source) if keep else None), found


class StoreHistory:
    """The effective records of a database as they stood when it was opened (records are
    only appended, so ``id <= through`` is a snapshot), read into directives on demand and
    validated again as they are read. See :class:`orgmodel.ledger.checkpoints.History`.

    ``findings`` and ``refused`` grow as records are read (a ledger shares both lists): what
    is wrong with a record, and the creations that could not be read. A checkpoint keeps
    those of the records it covers (:meth:`problems_upto`, :meth:`add_problems`)."""

    def __init__(self, path: Path, display: str, config: Config, findings=(), checked_whole: bool = False):
        self.path, self.display, self.config = path, display, config
        with Store(path) as store:
            store.db.execute("BEGIN")  # one snapshot: the head and the last record it covers
            self.through, self.head = store.last_record(), store.head()
        self.identity = f"{path.resolve()}|{display}"
        self.count, self.first_date, self.last_date = self._summary()
        self.findings: list[Finding] = list(findings)
        self.refused: list[Refused] = []
        self._bad: dict[int, tuple[str, list[Finding], Refused | None]] = {}  # record -> (date, findings, refused)
        self._checked_whole = checked_whole  # the whole chain was checked by this process just now
        self._all: list[Directive] | None = None
        self._prefix_keys: dict[dt.date, str] = {}

    def _summary(self) -> tuple[int, dt.date | None, dt.date | None]:
        """``(count, first date, last date)`` of the effective records: remembered per head like
        the prefix digests (counting them takes 1.2 s at province scale)."""
        def compute(store):
            return " ".join("-" if v is None else str(v) for v in store.effective_summary(self.through))

        return self._remembered("summary", compute, _summary_of)

    def all(self) -> list[Directive]:
        if self._all is None:
            # not cached: rebuilding from the rows (8 s for a province) is faster than unpickling (9.5 s)
            self._all = self._rebuilt()
        return self._all

    def after(self, day: dt.date, until: dt.date | None = None) -> list[Directive]:
        if self._all is not None:
            return [d for d in self._all if d.date > day and (until is None or d.date <= until)]
        return self._rebuilt(after=day, until=until)

    def at(self, ids) -> dict[int, Directive]:
        """The directives of the records numbered ``ids``, by number (a history names a few)."""
        out = {}
        with Store(self.path) as store, collector_paused():
            for row in store.records(ids):
                if row["op"] in (KEY_OP, REVERSE_OP):
                    continue
                item, _ = raw_item(row, self.display, None)
                d = build_directive(item, self.config)[0] if item is not None else None
                if d is not None:
                    out[row["id"]] = d
        return out

    def problems_upto(self, day: dt.date) -> list[tuple]:
        """What was wrong with the records dated up to ``day`` that were read (for a checkpoint
        to keep): ``[(record, date, findings, refused)]``."""
        return [(rid, date, found, refused) for rid, (date, found, refused) in sorted(self._bad.items())
                if date <= day.isoformat()]

    def add_problems(self, entries) -> list[Refused]:
        """Add what a checkpoint kept (:meth:`problems_upto`); return the refused creations new here."""
        new = []
        for rid, date, found, refused in entries:
            if rid not in self._bad:
                self._note(rid, date, list(found), refused)
                if refused is not None:
                    new.append(refused)
        return new

    def _note(self, rid: int, date: str, found: list[Finding], refused: Refused | None) -> None:
        self._bad[rid] = (date, found, refused)
        self.findings.extend(found)
        if refused is not None:
            self.refused.append(refused)

    def prefix_key(self, day: dt.date) -> str:
        if day not in self._prefix_keys:  # a simulation asks twice: for the base and for the plan
            self._prefix_keys[day] = self._remembered_key(day)
        return self._prefix_keys[day]

    def _remembered_key(self, day: dt.date) -> str:
        """The digest of the records dated up to ``day`` (see :meth:`_remembered`)."""
        return self._remembered(day.isoformat(), lambda store: store.prefix_digest(day, self.through),
                                lambda text: text if len(text) == 64 else None)

    def _remembered(self, name: str, compute, read):
        """``read(compute(store))``, where ``compute`` gives a one-line text about the records up
        to the head: the text comes from the user's cache when this store had the same head then
        (the head's hash chains every record before it, so the same head means the same records),
        else it is computed and remembered. A cached text that ``read`` refuses (None), or one
        not sealed by orgmodel for this user, is computed again."""
        folder = parse_cache.cache_dir()
        path = None
        if folder is not None:
            who = hashlib.sha256(self.identity.encode("utf-8", "surrogatepass")).hexdigest()[:32]
            path = folder / "prefix-keys" / who / f"{self.through}-{self.head[:32]}-{name}.key"
            text = parse_cache.read_text(path)
            if text is not None:
                known = read(text.strip())
                if known is not None:
                    parse_cache.used(path)
                    return known
        with Store(self.path) as store:
            text = compute(store)
        if path is not None:
            parse_cache.write_text(path, text)
        return read(text)

    def _rebuilt(self, after: dt.date | None = None, until: dt.date | None = None) -> list[Directive]:
        """The records (dated after ``after``) validated again into directives, sorted; each is
        checked against the chain unless this process has just checked the whole chain."""
        out = []
        config, display, seen = self.config, self.display, self._bad
        with Store(self.path) as store, collector_paused():
            check = None if self._checked_whole else trust.RowCheck(store)
            rows = (store.effective(self.through, after, until) if check is None
                    else store.effective_checked(self.through, after, until))
            for row in rows:
                item, found = raw_item(row, display, check)
                refused = None
                if item is not None:
                    d, problems = build_directive(item, config)
                    if d is not None:
                        out.append(d)
                    else:
                        refused = refused_creation(item)
                        found += problems
                        found.append(Finding(CHANGED, f"第 {row['id']} 号记录写入时已通过检查,现在读回却有以上问题:它在 orgmodel "
                                                      f"之外被改动过,这条记录未计入;请用 orgmodel verify 核对",
                                             item.source, ERROR))
                if found and row["id"] not in seen:
                    self._note(row["id"], row["date"], found, refused)
        out.sort(key=sort_key)
        return out


def _summary_of(text: str) -> tuple[int, dt.date | None, dt.date | None] | None:
    """``count first last`` as remembered (``-`` for the dates of an empty store), or None. A
    date no reader accepts (year 9999, written behind orgmodel's back) counts as none: that
    record is refused when it is read."""
    parts = text.split(" ")
    if len(parts) != 3 or not parts[0].isdigit():
        return None
    first, last = (None if p == "-" else parse_date(p) for p in parts[1:])
    return int(parts[0]), first, last


def _defaults() -> dict:
    from ..core.config import load_config

    return load_config().data


def claims_store(path: Path) -> bool:
    """True for a path that is a ledger database (read by :class:`StoreOrigin`)."""
    return path.is_file() and is_store(path)
