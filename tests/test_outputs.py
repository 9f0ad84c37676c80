"""No command destroys a clerk's file (issue 27): ``template``, ``export``, ``report`` and ``dump``
never write over what they read or over a ledger, and over another existing file only with
``--force``; what they write appears whole or not at all."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import COUNTY, run_cli, write_ledger

DOC = "doc: 青编〔2021〕1号"
LEDGER = COUNTY + f"- {{date: 2021-01-01, op: approve, body: 县委办, type: 行政编制, amount: 5, {DOC}}}\n"


def refused_with(result, words: str) -> None:
    assert result.exit_code == 2, result.output
    assert words in result.output, result.output


@pytest.fixture
def county(tmp_path) -> Path:
    return write_ledger(tmp_path / "led", LEDGER)


@pytest.fixture
def filled(tmp_path, county) -> Path:
    """A filled workbook ledger (the county exported as state)."""
    book = tmp_path / "已填.xlsx"
    assert run_cli("export", county, book, "--state").exit_code == 0
    return book


# -- template ------------------------------------------------------------------------------
def test_template_never_writes_over_a_filled_ledger_even_with_force(filled):
    """Before: ``orgmodel template 已填.xlsx`` overwrote it without a word."""
    before = filled.read_bytes()
    refused_with(run_cli("template", filled), "是一份已填写的台账(有 ")
    refused_with(run_cli("template", filled, "--force"), "为免覆盖,未写入")
    assert filled.read_bytes() == before
    assert run_cli("check", filled).exit_code == 0


def test_template_writes_over_another_existing_file_only_with_force(tmp_path):
    blank = tmp_path / "模板.xlsx"
    assert run_cli("template", blank).exit_code == 0
    refused_with(run_cli("template", blank), "模板.xlsx 已存在;为免覆盖,未写入。请换一个文件名,或加 --force 覆盖它")
    assert run_cli("template", blank, "--force").exit_code == 0  # a blank template holds no ledger
    assert [p.name for p in tmp_path.iterdir()] == ["模板.xlsx"]  # no temporary file left beside it


# -- export --------------------------------------------------------------------------------
def test_export_never_writes_over_its_own_ledger(filled):
    """Before: ``orgmodel export 台账.xlsx 台账.xlsx`` overwrote its source and exited 0."""
    before = filled.read_bytes()
    refused_with(run_cli("export", filled, filled), "是本命令读取的文件;为免覆盖,未写入")
    refused_with(run_cli("export", filled, filled, "--force"), "是本命令读取的文件")
    assert filled.read_bytes() == before


def test_export_never_writes_over_a_ledger_or_an_input(tmp_path, county, filled):
    before = filled.read_bytes()
    refused_with(run_cli("export", county, filled, "--force"), "是一份已填写的台账")
    assert filled.read_bytes() == before
    roster = tmp_path / "花名册.xlsx"
    assert run_cli("template", roster, "--roster").exit_code == 0
    blank = roster.read_bytes()
    refused_with(run_cli("export", county, roster, "--roster", roster, "--force"), "是本命令读取的文件")
    assert roster.read_bytes() == blank


def test_export_writes_over_an_existing_balance_workbook_only_with_force(tmp_path, county):
    out = tmp_path / "收支.xlsx"
    assert run_cli("export", county, out).exit_code == 0
    first = out.read_bytes()
    refused_with(run_cli("export", county, out), "收支.xlsx 已存在;为免覆盖,未写入。请换一个文件名,或加 --force 覆盖它")
    assert out.read_bytes() == first
    assert run_cli("export", county, out, "--force").exit_code == 0  # a balance workbook holds no ledger


def test_export_never_writes_into_the_ledger_folder_it_reads(county):
    refused_with(run_cli("export", county, county / "收支.xlsx"), "下次会被当作台账的一部分读入;未写入")
    refused_with(run_cli("export", county, county / "csv"), "写出的文件下次会被当作台账的一部分读入")
    assert sorted(p.name for p in county.iterdir()) == ["ledger.yaml"]


def test_export_csv_never_writes_over_a_csv_ledger_and_other_files_only_with_force(tmp_path, county):
    folder = tmp_path / "状态"
    assert run_cli("export", county, folder, "--state").exit_code == 0
    refused_with(run_cli("export", county, folder, "--state", "--force"), "是一份已填写的台账")
    balance = tmp_path / "收支"
    assert run_cli("export", county, balance).exit_code == 0
    refused_with(run_cli("export", county, balance), "中已有 ")
    assert run_cli("export", county, balance, "--force").exit_code == 0
    assert not [p for p in balance.iterdir() if p.name.startswith(".")]  # no temporary file left


# -- report ----------------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["balance", "audit"])
def test_report_never_replaces_the_folder_of_its_ledger_even_with_force(tmp_path, county, command):
    before = (county / "ledger.yaml").read_bytes()
    refused_with(run_cli("report", command, county, "--out", county, "--force"), "就是本命令读取的")
    refused_with(run_cli("report", command, county, "--out", tmp_path, "--force"), "写出报表会替换整个文件夹")
    assert (county / "ledger.yaml").read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["led"]


def test_report_never_replaces_a_folder_holding_its_scenario_or_roster(tmp_path, county):
    site = tmp_path / "site"
    site.mkdir()
    plan = site / "方案.yaml"
    plan.write_text(f"directives:\n- {{date: 2022-01-01, op: cut, from: 县委办, type: 行政编制, amount: 1, {DOC}}}\n",
                    encoding="utf-8")
    refused_with(run_cli("report", "scenario", county, plan, "--out", site, "--force"), "方案.yaml")
    assert plan.is_file()


def test_report_keeps_foreign_files_with_force(tmp_path, county):
    """The old rule stays: --force writes a site into a folder with other files, keeping them."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "说明.txt").write_text("我的笔记", encoding="utf-8")
    refused_with(run_cli("report", "balance", county, "--out", site), "不是 orgmodel 生成的文件")
    assert run_cli("report", "balance", county, "--out", site, "--force").exit_code == 0
    assert (site / "说明.txt").read_text(encoding="utf-8") == "我的笔记" and (site / "index.html").is_file()


# -- dump ------------------------------------------------------------------------------------
def test_dump_never_writes_over_its_database_or_into_a_full_folder(tmp_path, county):
    db = tmp_path / "台账.db"
    assert run_cli("init", db).exit_code == 0
    assert run_cli("import", db, county, "--by", "张三").exit_code == 0
    before = db.read_bytes()
    refused_with(run_cli("dump", db, db), "就是要导出的数据库,不是文件夹;为免覆盖,未写入")
    assert db.read_bytes() == before
    refused_with(run_cli("dump", db, county), "不是空文件夹")
    out = tmp_path / "备份"
    assert run_cli("dump", db, out).exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["2021.yaml", "records.tsv"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # the staging folder is gone
    empty = tmp_path / "空"
    empty.mkdir()
    assert run_cli("dump", db, empty).exit_code == 0 and (empty / "2021.yaml").is_file()


def test_template_and_export_never_write_over_a_database(tmp_path, county):
    db = tmp_path / "台账.xlsx"  # a database, whatever its name says
    assert run_cli("init", db).exit_code == 0
    assert run_cli("import", db, county, "--by", "张三").exit_code == 0
    before = db.read_bytes()
    refused_with(run_cli("template", db, "--force"), "是台账数据库;为免覆盖,未写入")
    refused_with(run_cli("export", county, db, "--force"), "是台账数据库")
    assert db.read_bytes() == before


# -- whole or nothing ---------------------------------------------------------------------------
def test_a_workbook_that_fails_halfway_leaves_the_old_file_and_no_temporary(tmp_path, county, monkeypatch):
    from orgmodel.tabular import workbook

    out = tmp_path / "收支.xlsx"
    assert run_cli("export", county, out).exit_code == 0
    first = out.read_bytes()

    def broken(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(workbook, "write_table", broken)
    result = run_cli("export", county, out, "--force")
    assert result.exit_code == 2 and "错误" in result.output
    assert out.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == ["led", "收支.xlsx"]
