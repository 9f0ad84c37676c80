"""The bundled demo ledger (栖澜市) and the ``orgmodel demo`` command."""

from __future__ import annotations

import importlib.util
import json
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from click.testing import CliRunner

from cli import main
from orgmodel.answers.checking import check
from orgmodel.commands.demo import find_demo_ledger
from orgmodel.figures.balance import body_balance, township_balance
from orgmodel.ledger import load

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"


@pytest.fixture(scope="module")
def demo_ledger():
    return load(DEMO)


@pytest.fixture(scope="module")
def demo_state(demo_ledger):
    checked = check(demo_ledger)
    return checked.findings, checked.state


def test_demo_command_writes_every_output(tmp_path):
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["demo", "--out", str(out)])
    assert result.exit_code == 0, result.output
    names = {"balance-body.csv", "balance-township.csv", "balance-county.csv", "balance-total.csv",
             "balance.json", "findings.txt", "balance.xlsx"}
    assert names <= {p.name for p in out.iterdir()}
    for name in names:
        assert str(out / name) in result.output
    assert "已写出" in result.output
    assert (out / "balance-total.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    total = pd.read_csv(out / "balance-total.csv", encoding="utf-8-sig")
    assert {"编制类型", "核定", "实有", "空编", "超编", "编制总量"} <= set(total.columns)
    views = json.loads((out / "balance.json").read_text(encoding="utf-8"))["views"]
    assert {"body", "township", "county", "total"} <= set(views)
    sheets = pd.read_excel(out / "balance.xlsx", sheet_name=None, header=1, engine="calamine")
    assert {"机构编制", "乡镇(街道)编制", "县(市、区)编制", "全辖区总量", "公示表"} <= set(sheets)
    assert "核定" in sheets["机构编制"].columns


def test_demo_ledger_is_found_from_any_directory(tmp_path):
    """From elsewhere the demo is the installed copy (pip data files) or the repository's."""
    found = find_demo_ledger(tmp_path)
    assert {p.name: p.read_bytes() for p in found.iterdir()} == {p.name: p.read_bytes() for p in DEMO.iterdir()}
    assert find_demo_ledger(ROOT) == ROOT / "data" / "demo"


def test_demo_ledger_has_no_errors(demo_state):
    findings, _ = demo_state
    errors = [f.format() for f in findings if f.severity == "error"]
    assert errors == []


def test_demo_regenerates_byte_identical(tmp_path):
    spec = importlib.util.spec_from_file_location("make_demo", ROOT / "scripts" / "make_demo.py")
    make_demo = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(make_demo)
    make_demo.write(tmp_path)
    shipped = sorted(p.name for p in DEMO.iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) == shipped
    for name in shipped:
        assert (tmp_path / name).read_bytes() == (DEMO / name).read_bytes(), name


def test_demo_meets_the_size_and_shape_of_a_county(demo_state):
    _, state = demo_state
    kinds = Counter(d.kind for d in state.divisions.values() if d.level == "乡镇")
    assert sum(kinds.values()) >= 15 and kinds["街道"] >= 3 and kinds["乡"] == 2
    county = Counter(b.category for b in state.active_bodies() if state.divisions[b.division].level == "县")
    assert 35 <= county["党政机关"] <= 50
    assert 130 <= county["事业单位"] <= 170
    assert county["议事协调机构"] >= 1
    assert any(state.is_dispatched(b) for b in state.active_bodies())
    assert state.duties and any(state.signboards(b) for b in state.active_bodies())
    assert len(state.pools) == 3 and state.loans


def test_demo_bodies_mostly_vacant_a_few_over(demo_state):
    _, state = demo_state
    bodies = body_balance(state)
    per_body = bodies.groupby("body_id")[["vacant", "over"]].sum()
    over = int((per_body["over"] > 0).sum())
    assert 2 <= over <= 10
    assert (per_body["vacant"] > 0).sum() > len(per_body) / 2
    towns = township_balance(state, bodies)
    admin = towns[towns["quota_type"] == "行政编制"]["approved"]
    assert admin.between(30, 45).all()


def test_demo_writes_nothing_when_the_ledger_cannot_be_read(tmp_path, monkeypatch):
    monkeypatch.setattr("orgmodel.commands.demo.find_demo_ledger", lambda: tmp_path / "missing")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["demo", "--out", str(out)])
    assert result.exit_code == 2
    assert "找不到" in result.output
    assert not out.exists()
