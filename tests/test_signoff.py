"""Printed pages are ready to sign: page numbers, jurisdiction and date on every page, and the
sign-off block (填报单位, 制表人, 审核人, 填报日期) from config or blank."""

from __future__ import annotations

import shutil
import subprocess

import openpyxl
import pytest
from conftest import COUNTY, run_cli, write_ledger

DOC = "doc: 青编〔2021〕1号"
LEDGER = COUNTY + f"- {{date: 2021-01-01, op: approve, body: 东镇/党政办, type: 行政编制, amount: 10, {DOC}}}\n"
SIGNOFF = "signoff: {unit: 青山县委编办, preparer: 王芳}\n"


def test_report_pages_end_with_the_sign_off_block(tmp_path):
    root = write_ledger(tmp_path / "led", LEDGER)
    (root / "orgmodel.yaml").write_text(SIGNOFF, encoding="utf-8")
    assert run_cli("report", "balance", root, "--out", tmp_path / "site").exit_code == 0
    page = (tmp_path / "site" / "town-370101.html").read_text(encoding="utf-8")
    assert "填报单位:<span class=\"signoff-line\">青山县委编办</span>" in page
    assert "审核人:<span class=\"signoff-line\"></span>" in page  # blank: signed by hand
    assert 'counter(page) " 页 共 " counter(pages)' in page and '"青山县 · 截至 2021-01-01"' in page


def test_the_exported_workbook_ends_with_the_sign_off_line(tmp_path):
    root = write_ledger(tmp_path / "led", LEDGER)
    (root / "orgmodel.yaml").write_text(SIGNOFF, encoding="utf-8")
    out = tmp_path / "导出.xlsx"
    assert run_cli("export", root, out).exit_code == 0
    ws = openpyxl.load_workbook(out)["机构编制"]
    last = ws.cell(row=ws.max_row, column=1).value
    assert last.startswith("填报单位:青山县委编办") and "制表人:王芳" in last and "审核人:____" in last


def test_a_bad_sign_off_section_is_a_config_problem(tmp_path):
    root = write_ledger(tmp_path / "led", LEDGER)
    (root / "orgmodel.yaml").write_text("signoff: {checker: 某人}\n", encoding="utf-8")
    result = run_cli("check", root)
    assert result.exit_code == 2 and "[配置有误] signoff.checker: 未知的签字栏项目" in result.output


@pytest.mark.skipif(not shutil.which("chromium") or not shutil.which("pdftotext"), reason="needs Debian chromium and poppler-utils")
def test_a_printed_township_page_has_page_numbers_and_the_sign_off_block(tmp_path):
    root = write_ledger(tmp_path / "led", LEDGER)
    (root / "orgmodel.yaml").write_text(SIGNOFF, encoding="utf-8")
    assert run_cli("report", "balance", root, "--out", tmp_path / "site").exit_code == 0
    pdf = tmp_path / "town.pdf"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={tmp_path / 'c'}",
                    "--no-pdf-header-footer", f"--print-to-pdf={pdf}", str(tmp_path / "site" / "town-370101.html")],
                   check=True, capture_output=True, timeout=120)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.count("\f") or 1
    flat = "".join(text.split())
    assert "青山县·截至2021-01-01" in flat and f"第1页共{pages}页" in flat and f"第{pages}页共{pages}页" in flat
    assert "填报单位:" in text and "青山县委编办" in text and "审核人:" in text


def test_what_rests_on_a_database_signs_off_its_head(tmp_path):
    """Reports, exports and the workbench's pages of a database carry its record count and head
    hash beside the signatures, so that a later rewrite shows against the signed paper."""
    root = write_ledger(tmp_path / "led", LEDGER)
    db = tmp_path / "台账.db"
    assert run_cli("init", db).exit_code == 0 and run_cli("import", db, root, "--by", "张三").exit_code == 0
    verified = run_cli("verify", db).output
    head = verified.split("哈希 ")[1][:12]
    assert run_cli("report", "balance", db, "--out", tmp_path / "site").exit_code == 0
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "台账:<span class=\"signoff-line\">" in page and head in page
    assert run_cli("export", db, tmp_path / "导出.xlsx").exit_code == 0
    ws = openpyxl.load_workbook(tmp_path / "导出.xlsx")["机构编制"]
    assert head in ws.cell(row=ws.max_row, column=1).value
    from orgmodel.answers.book import Book
    from orgmodel.web import create_app

    town = create_app(Book(db)).test_client().get("/at/latest/town-370101.html").get_data(as_text=True)
    assert head in town
    files = run_cli("report", "balance", root, "--out", tmp_path / "files")
    assert files.exit_code == 0 and "台账:" not in (tmp_path / "files" / "index.html").read_text(encoding="utf-8")
