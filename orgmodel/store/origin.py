"""The store as a ledger origin: every command that takes a LEDGER reads a database file.

Each effective record (not a correction, not reversed) is read back as the raw mapping it
was stored from and validated like any file's item, so replay from the store gives what
the source files gave. Its location is the record, with the place it was first read from:
``台账.xlsx!机构!C17(记录 1234)``.
"""

from __future__ import annotations

from pathlib import Path

from ..config import Config
from ..directive import Directive
from ..findings import Finding, RecordSource
from ..ledger import read_records, register_origin
from ..sources.located import RawItem
from . import Store, StoreError, is_store, origin_of, raw_of

CONFIG_SETTING = "config"  # the ledger's orgmodel.yaml, as text


class StoreOrigin:
    """A ledger database, read as a ledger."""

    def __init__(self, path: Path, display: str):
        self.path, self.display = path, display
        self.config_path = None
        self.files = [display]
        try:
            with Store(path) as store:
                self.config_text = store.settings().get(CONFIG_SETTING)
        except StoreError as exc:
            from ..ledger import LedgerError

            raise LedgerError(str(exc)) from exc
        self.refused = []

    def read(self, config: Config) -> tuple[list[Directive], list[Finding]]:
        with Store(self.path) as store:
            items = [RawItem(raw_of(row["body"]), RecordSource(self.display, row["id"], origin_of(row)))
                     for row in store.effective()]
        return read_records(items, config, self.refused)


register_origin(lambda p: p.is_file() and is_store(p), StoreOrigin)
