"""Sources that are not YAML files plug into the same pipeline: a reader registered by
suffix, and an origin that gives directives directly (as a store would). Locations print
themselves the way users know them."""

from __future__ import annotations

import datetime as dt

from conftest import run_cli

from orgmodel.core.directive import Directive
from orgmodel.core.findings import CellSource, RecordSource, Source
from orgmodel.core.located import Located, RawItem, ReadResult
from orgmodel.ledger import origins as ledger_module
from orgmodel.sources import READERS

COUNTY = "- {date: 2021-01-01, op: open_division, code: C1, name: 青山县, level: 县}\n"


def test_locations_print_themselves():
    assert str(Source("台账/2021.yaml", 12)) == "台账/2021.yaml:12"
    assert str(Source("台账/2021.yaml")) == "台账/2021.yaml"
    cell = CellSource("台账.xlsx", 17, "机构", "C")
    assert str(cell) == "台账.xlsx!机构!C17"
    assert str(cell.at("F")) == "台账.xlsx!机构!F17" and cell.at(None) is cell
    assert str(Source("a.yaml", 3).at(5)) == "a.yaml:5"
    record = RecordSource("office.db", 1234, cell)
    assert str(record) == "台账.xlsx!机构!C17(记录 1234)"
    assert str(record.at("D")) == "台账.xlsx!机构!D17(记录 1234)"
    assert str(RecordSource("office.db", 7)) == "office.db#记录7"


def table_reader(path, display):
    """A toy reader for ``.tbl`` files: one ``name,category`` row per line, a sheet called 机构."""
    items = []
    for row, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        name, category = line.split(",")
        raw = Located(date="2021-01-01", op="establish", name=name, division="青山县", category=category)
        raw.spot, raw.spots = "A", {"name": "A", "category": "B"}
        items.append(RawItem(raw, CellSource(display, row, "机构", "A")))
    return ReadResult(items, [])


def test_a_registered_reader_mixes_with_yaml_and_its_errors_name_the_cell(tmp_path, monkeypatch):
    monkeypatch.setitem(READERS, ".tbl", table_reader)
    (tmp_path / "a.yaml").write_text(COUNTY, encoding="utf-8")
    (tmp_path / "b.tbl").write_text("县委办,党政机关\n县文化馆,博物馆\n", encoding="utf-8")
    result = run_cli("check", tmp_path)
    assert result.exit_code == 1
    assert f"{tmp_path}/b.tbl!机构!B2: [取值无效]" in result.stdout, result.stdout
    assert "县文化馆" not in run_cli("balance", tmp_path, "--by", "body").stdout


class MemoryOrigin:
    """A toy store: directives already validated, each at a record number."""

    def __init__(self, path, display):
        self.config_path, self.files = None, [display]
        self.display = display

    def read(self, config):
        rows = [("open_division", {"code": "C1", "name": "青山县", "level": "县"}),
                ("establish", {"name": "县委办", "division": "青山县", "category": "党政机关"}),
                ("staff", {"body": "县委办", "actual": {"行政编制": 2}})]
        day = dt.date(2021, 1, 1)
        origin = Source("原台账.yaml", 40)
        return [Directive(day, op, f, RecordSource(self.display, n, origin.at(40 + n))) for n, (op, f) in enumerate(rows, 1)], []


def test_an_origin_that_is_not_a_file_feeds_every_command(monkeypatch):
    monkeypatch.setattr(ledger_module, "ORIGINS", [(lambda p: str(p).startswith("memory:"), MemoryOrigin)])
    result = run_cli("check", "memory:office")
    # 2 staff over 0 quota: the finding names where the directive was first read and its record
    assert "原台账.yaml:43(记录 3): [超编]" in result.stdout, result.stdout
    assert "县委办" in run_cli("balance", "memory:office", "--by", "body").stdout
