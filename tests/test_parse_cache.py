"""The per-file cache of validated directives changes nothing but the time it takes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import COUNTY, write_ledger

from orgmodel import ledger as ledger_module
from orgmodel import parse_cache
from orgmodel.ledger import load


@pytest.fixture
def cache(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("ORGMODEL_CACHE_DIR", str(folder))
    monkeypatch.delenv("ORGMODEL_CACHE", raising=False)
    return folder


def _reads(monkeypatch) -> list[str]:
    seen = []
    real = ledger_module.read_file

    def counting(path, display):
        seen.append(Path(path).name)
        return real(path, display)

    monkeypatch.setattr(ledger_module, "read_file", counting)
    return seen


def key(led):
    return [(d.date, d.op, d.fields, d.doc, d.note, str(d.source)) for d in led.directives], \
        [f.format() for f in led.findings]


def test_only_changed_files_are_read_again_and_results_are_the_same(tmp_path, cache, monkeypatch):
    root = write_ledger(tmp_path / "led", COUNTY, "a.yaml")
    write_ledger(root, "- {date: 2021-02-01, op: staff, body: 县委办, actual: {行政编制: 1}}\n", "b.yaml")
    seen = _reads(monkeypatch)
    first = key(load(root))
    assert sorted(seen) == ["a.yaml", "b.yaml"]
    seen.clear()
    assert key(load(root)) == first and seen == []  # both from the cache
    write_ledger(root, "- {date: 2021-02-01, op: staff, body: 无此机构, actual: {行政编制: 1}}\n", "b.yaml")
    changed = key(load(root))
    assert seen == ["b.yaml"] and changed != first
    monkeypatch.setenv("ORGMODEL_CACHE", "0")
    assert key(load(root)) == changed  # the same without the cache


def test_a_corrupt_entry_is_ignored(tmp_path, cache, monkeypatch):
    root = write_ledger(tmp_path / "led", COUNTY)
    first = key(load(root))
    for entry in cache.rglob("*.pickle"):
        entry.write_bytes(b"not a pickle")
    seen = _reads(monkeypatch)
    assert key(load(root)) == first and seen == ["ledger.yaml"]


def test_the_cache_lives_outside_the_ledger(tmp_path, cache):
    root = write_ledger(tmp_path / "led", COUNTY)
    load(root)
    assert sorted(p.name for p in root.iterdir()) == ["ledger.yaml"]
    assert list(cache.rglob("*.pickle"))
    assert parse_cache.cache_dir() == cache
