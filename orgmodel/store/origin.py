"""The store as a ledger origin: every command that takes a LEDGER reads a database file.

Each effective record (not a correction, not reversed) is read back as the raw mapping it
was stored from and validated like any file's item, so replay from the store gives what
the source files gave. Its location is the record, with the place it was first read from:
``台账.xlsx!机构!C17(记录 1234)``.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import sys
from pathlib import Path

from ..core.collector import collector_paused
from ..core.config import Config
from ..core.directive import Directive
from ..core.findings import Finding, RecordSource
from ..core.located import RawItem
from ..core.schema import ALLOC, parse_date, shared_counts
from ..ops import OPS
from ..reading import parse_cache
from ..reading.parse import sort_key
from ..reading.validate import read_records
from . import Store, is_store, origin_of, raw_of

CONFIG_SETTING = "config"  # the ledger's orgmodel.yaml, as text


class StoreOrigin:
    """A ledger database, read as a ledger."""

    def __init__(self, path: Path, display: str):
        self.path, self.display = path, display
        self.config_path = None
        self.files = [display]
        with Store(path) as store:  # StoreError when it cannot be opened
            self.config_text = store.settings().get(CONFIG_SETTING)
        self.refused = []

    def history(self, config: Config) -> StoreHistory | None:
        """The records as a history read on demand, when they can be rebuilt without being
        validated again: under the configuration stored with them (else None: :meth:`read`)."""
        return StoreHistory(self.path, self.display) if self._same_config(config) else None

    def read(self, config: Config) -> tuple[list[Directive], list[Finding]]:
        """The effective records as directives, validated again under ``config`` (which is
        not the one they were recorded under: ``--config`` with other quota types, say)."""
        with Store(self.path) as store, collector_paused():
            rows = store.effective()
            items = [RawItem(raw_of(row["body"]), RecordSource(self.display, row["id"], origin_of(row))) for row in rows]
        return read_records(items, config, self.refused)

    def _same_config(self, config: Config) -> bool:
        from ..core.config import load_config_text

        stored = load_config_text(self.config_text, self.display) if self.config_text else None
        return (stored.data if stored is not None else _defaults()) == config.data



class StoreHistory:
    """The effective records of a database as they stood when it was opened (records are
    only appended, so ``id <= through`` is a snapshot), rebuilt into directives on demand:
    they were validated when they were recorded. See :class:`orgmodel.checkpoints.History`."""

    def __init__(self, path: Path, display: str):
        self.path, self.display = path, display
        with Store(path) as store:
            store.db.execute("BEGIN")  # one snapshot: the head and the last record it covers
            self.through, self.head = store.last_record(), store.head()
        self.identity = f"{path.resolve()}|{display}"
        self.count, self.first_date, self.last_date = self._summary()
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

    def after(self, day: dt.date) -> list[Directive]:
        if self._all is not None:
            return [d for d in self._all if d.date > day]
        return self._rebuilt(after=day)

    def at(self, ids) -> dict[int, Directive]:
        """The directives of the records numbered ``ids``, by number (a history names a few)."""
        with Store(self.path) as store:
            return {row["id"]: rebuilt(row, self.display) for row in store.records(ids)}

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
        else it is computed and remembered. A cached text that ``read`` refuses (None) is damaged
        and computed again."""
        folder = parse_cache.cache_dir()
        path = None
        if folder is not None:
            who = hashlib.sha256(self.identity.encode("utf-8", "surrogatepass")).hexdigest()[:32]
            path = folder / "prefix-keys" / who / f"{self.through}-{self.head[:32]}-{name}.key"
            with contextlib.suppress(OSError, UnicodeDecodeError):
                known = read(path.read_text(encoding="ascii").strip())
                if known is not None:
                    parse_cache.used(path)
                    return known
        with Store(self.path) as store:
            text = compute(store)
        if path is not None:
            with contextlib.suppress(OSError):
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp")
                tmp.write_text(text, encoding="ascii")
                os.replace(tmp, path)
                parse_cache.written(path)
        return read(text)

    def _rebuilt(self, after: dt.date | None = None) -> list[Directive]:
        with Store(self.path) as store, collector_paused():
            out = [rebuilt(row, self.display) for row in store.effective(self.through, after)]
        out.sort(key=sort_key)
        return out


def _summary_of(text: str) -> tuple[int, dt.date | None, dt.date | None] | None:
    """``count first last`` as remembered (``-`` for the dates of an empty store), or None."""
    parts = text.split(" ")
    if len(parts) != 3 or not parts[0].isdigit():
        return None
    first, last = (None if p == "-" else parse_date(p) for p in parts[1:])
    if any(p != "-" and d is None for p, d in zip(parts[1:], (first, last), strict=True)):
        return None
    return int(parts[0]), first, last


def rebuilt(row, display: str) -> Directive:
    """A stored record as the directive it was validated into."""
    data = json.loads(row["body"])
    spec = OPS[data["op"]]
    return Directive(date=parse_date(data["date"]), op=data["op"],
                     fields=typed(data.get("fields", {}), spec.fields),
                     source=RecordSource(display, row["id"], origin_of(row)),
                     doc=data.get("doc"), note=data.get("note"))


def _defaults() -> dict:
    from ..core.config import load_config

    return load_config().data


def typed(fields: dict, schema: dict) -> dict:
    """Stored (JSON) field values back in the types validation gave them: dates as dates,
    nested entries (allocations, template bodies, quota sources) field by field."""
    out = {}
    for key, value in fields.items():
        spec = schema.get(key)
        kind = spec.kind if spec is not None else None
        if kind == "alloc":
            kind = ALLOC
        if kind == "date" and isinstance(value, str):
            value = parse_date(value)
        elif kind in ("str", "ref") and isinstance(value, str):
            value = sys.intern(value)  # as validation keeps them: one copy of each name
        elif kind in ("quota", "posts", "counts") and isinstance(value, dict):
            value = shared_counts(value)
        elif isinstance(kind, dict) and isinstance(value, list):
            value = [typed(v, kind) if isinstance(v, dict) else v for v in value]
        out[key] = value
    return out



def claims_store(path: Path) -> bool:
    """True for a path that is a ledger database (read by :class:`StoreOrigin`)."""
    return path.is_file() and is_store(path)
