"""Year-end checkpoints: a replay from the database that starts at the last 31 December gives
exactly what a replay from the start gives, on any day, after any later change."""

from __future__ import annotations

import datetime as dt
import os
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import COUNTY, YEARS, run_cli, write_ledger
from hypothesis import given
from hypothesis import strategies as st

from orgmodel.answers.checking import check
from orgmodel.core.findings import CellSource, RecordSource, Source
from orgmodel.figures.balance import tables_of
from orgmodel.ledger import load
from orgmodel.reading import parse_cache
from orgmodel.store.origin import StoreHistory

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"
DOC = "doc: 青编〔2021〕1号"


@contextmanager
def checkpoints(on: bool):
    saved = os.environ.get("ORGMODEL_CHECKPOINTS")
    os.environ["ORGMODEL_CHECKPOINTS"] = "1" if on else "0"
    try:
        yield
    finally:
        if saved is None:
            del os.environ["ORGMODEL_CHECKPOINTS"]
        else:
            os.environ["ORGMODEL_CHECKPOINTS"] = saved


def outcome(db: Path, as_of: dt.date | None, on: bool):
    """What a user sees of the ledger on ``as_of``: every finding, and the balance tables."""
    with checkpoints(on):
        checked = check(load(db), as_of)
    tables = tables_of(checked.state)
    return ([str(f) for f in checked.findings], tables.bodies.to_dict("records"),
            tables.townships.to_dict("records"), tables.leaders.to_dict("records"), tables.totals.to_dict("records"))


def database(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "台账.db"
    assert run_cli("init", path).exit_code == 0
    assert run_cli("import", path, write_ledger(tmp_path / "led", text), "--by", "张三").exit_code == 0
    return path


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    run_cli("init", path)
    assert run_cli("import", path, DEMO, "--by", "张三").exit_code == 0
    return path


@given(st.one_of(st.none(), st.dates(dt.date(2019, 6, 1), dt.date(2026, 6, 30))))
def test_the_demo_from_its_checkpoints_equals_a_replay_from_the_start(demo_db, as_of):
    assert outcome(demo_db, as_of, on=True) == outcome(demo_db, as_of, on=False)


def test_a_second_run_reads_only_the_records_after_the_year_end(tmp_path, monkeypatch):
    db = database(tmp_path, YEARS)
    first = outcome(db, None, on=True)  # takes the checkpoint of 2023-12-31
    read = []
    monkeypatch.setattr(StoreHistory, "all", lambda self: read.append("all") or [])
    monkeypatch.setattr(StoreHistory, "after", lambda self, day, until=None, _after=StoreHistory.after: read.append(day)
                        or _after(self, day, until))
    assert outcome(db, None, on=True) == first
    assert read == [dt.date(2023, 12, 31)]


def test_a_back_dated_commit_takes_the_checkpoint_again(tmp_path):
    db = database(tmp_path, YEARS)
    before = outcome(db, None, on=True)
    plan = tmp_path / "补录.yaml"
    plan.write_text("name: 补录\ndirectives:\n"
                    f"  - {{date: 2022-06-01, op: staff, body: 东镇/党政办, actual: {{行政编制: 12}}, {DOC}}}\n",
                    encoding="utf-8")
    assert run_cli("commit", db, plan, "--by", "李四").exit_code == 0
    after = outcome(db, None, on=True)
    assert after == outcome(db, None, on=False) and after != before


def test_a_correction_of_an_old_record_is_seen_through_the_checkpoint(tmp_path):
    db = database(tmp_path, YEARS)
    outcome(db, None, on=True)
    record = len(COUNTY.splitlines()) + 4  # the 2022 transfer
    assert run_cli("correct", db, str(record), "--by", "李四", "--doc", "青编〔2024〕9号").exit_code == 0
    assert outcome(db, None, on=True) == outcome(db, None, on=False)


def test_a_damaged_checkpoint_is_ignored(tmp_path):
    db = database(tmp_path, YEARS)
    expected = outcome(db, None, on=True)
    files = list((parse_cache.cache_dir() / "checkpoints").rglob("2023-12-31.state"))
    assert files
    for path in files:
        data = path.read_bytes()
        path.write_bytes(data[: len(data) // 2])
    assert outcome(db, None, on=True) == expected


_texts = st.text(max_size=12)
_lines = st.integers(0, 10**7)
_plain = st.builds(Source, _texts, _lines)
_cells = st.builds(CellSource, _texts, _lines, _texts, _texts, st.integers(0, 99), st.integers(0, 9))
_records = st.builds(RecordSource, _texts, _lines, st.one_of(st.none(), _plain, _cells))


@given(st.lists(st.one_of(_plain, _cells, _records), max_size=8))
def test_every_kind_of_source_comes_back_from_a_checkpoint_as_it_went_in(sources):
    """Sources pickle by their fields (a checkpoint holds millions): each comes back equal, of
    its own kind, printing the same and still frozen, and one shared source stays shared."""
    import dataclasses
    import pickle

    back = pickle.loads(pickle.dumps([*sources, *sources], pickle.HIGHEST_PROTOCOL))
    assert back[:len(sources)] == sources
    for old, new in zip(sources, back, strict=False):
        assert type(new) is type(old) and str(new) == str(old) and hash(new) == hash(old)
        assert type(getattr(new, "origin", None)) is type(getattr(old, "origin", None))
        with pytest.raises(dataclasses.FrozenInstanceError):
            new.line = 1
    assert all(a is b for a, b in zip(back[:len(sources)], back[len(sources):], strict=True))
