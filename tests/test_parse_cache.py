"""The per-file cache of validated directives changes nothing but the time it takes."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import COUNTY, write_ledger

from orgmodel.ledger import load
from orgmodel.reading import parse_cache
from orgmodel.reading import validate as ledger_module


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


def test_the_cache_keeps_within_its_budget_dropping_the_least_recently_used(tmp_path, cache, monkeypatch):
    """Every edit of a ledger file, every orgmodel upgrade and every simulated day leaves cache
    files behind; the folder is brought back within its budget, the files used last kept."""
    import os
    import time

    old = write_ledger(tmp_path / "old", COUNTY)
    recent = write_ledger(tmp_path / "recent", COUNTY.replace("县委办", "县政府办"))
    first = key(load(old))
    load(recent)
    entries = {p: p.stat().st_size for p in cache.rglob("*.pickle")}
    assert len(entries) == 2
    past = time.time() - 3600
    for p in entries:
        os.utime(p, (past, past))
    seen = _reads(monkeypatch)
    load(recent)  # a cache hit counts as use
    assert seen == []
    freed = parse_cache.prune(budget=max(entries.values()))
    assert freed > 0 and len(list(cache.rglob("*.pickle"))) == 1
    assert key(load(old)) == first and seen == ["ledger.yaml"]  # the old ledger's entry went first
    assert parse_cache.prune(budget=10**9) == 0


def test_the_budget_is_read_from_the_environment(monkeypatch):
    monkeypatch.setenv("ORGMODEL_CACHE_MAX_MB", "5")
    assert parse_cache.budget_bytes() == 5 * 2**20
    monkeypatch.setenv("ORGMODEL_CACHE_MAX_MB", "很多")
    assert parse_cache.budget_bytes() == parse_cache.DEFAULT_BUDGET_MB * 2**20


def test_pruning_deletes_only_orgmodels_own_files(tmp_path, cache):
    """The cache folder may be one the user named: nothing but orgmodel's own entries goes, a
    temporary file left by a killed write goes after a day, and what a command keeps stays."""
    import os
    import time

    root = write_ledger(tmp_path / "led", COUNTY)
    load(root)
    [entry] = cache.rglob("*.pickle")
    mine = cache / "我的文件" / "报表.xlsx"
    mine.parent.mkdir()
    mine.write_bytes(b"x" * 1000)
    (cache / "notes.pickle").write_bytes(b"x")
    stale, fresh = entry.parent / "tmp1.tmp", entry.parent / "tmp2.tmp"
    for tmp in (stale, fresh):
        tmp.write_bytes(b"x" * 100)
    day_ago = time.time() - 2 * 24 * 3600
    os.utime(stale, (day_ago, day_ago))
    assert parse_cache.prune(budget=0, keep=[entry]) == 100  # only the stale temporary file
    assert entry.exists() and fresh.exists() and not stale.exists()
    parse_cache.prune(budget=0)
    assert not entry.exists() and fresh.exists()  # a fresh temporary file may be a write under way
    assert mine.read_bytes() == b"x" * 1000 and (cache / "notes.pickle").exists()
