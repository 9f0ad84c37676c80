"""Messages that a clerk can act on (issue 27, items 7 and 8): every kind of finding shown by
its Chinese name wherever a clerk reads it (the id kept for those who configure rules)."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import openpyxl
from conftest import COUNTY, run_cli, write_ledger

import orgmodel.rules  # noqa: F401 - registers the rules' titles
from orgmodel.core.titles import READING_TITLES, TITLES, title_of

REPO = Path(__file__).resolve().parents[1]
FINDING_ID = re.compile(r"^[a-z]+(-[a-z0-9]+)*$")
# calls whose first argument (a Reason's second) is a finding's id
MAKERS = {"Finding", "error", "problem", "flag", "declare", "rule", "Reason"}


def ids_in_code() -> dict[str, str]:
    """Every finding id written in orgmodel/ where a finding is made: ``{id: file}``."""
    found = {}
    for path in sorted((REPO / "orgmodel").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            f = node.func
            name = f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else None
            if name == "add" and isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in ("probs", "sub"):
                name = "Finding"  # schema.Problems.add(rule, message, …)
            if name not in MAKERS:
                continue
            pos = 1 if name == "Reason" else 0
            for arg in node.args[pos:pos + 1]:
                keys = {id(k) for d in ast.walk(arg) if isinstance(d, ast.Dict) for k in d.keys if k is not None}
                for c in ast.walk(arg):
                    if isinstance(c, ast.Constant) and isinstance(c.value, str) and FINDING_ID.match(c.value) \
                            and id(c) not in keys:
                        found.setdefault(c.value, str(path.relative_to(REPO)))
    return found


def test_every_kind_of_finding_has_a_chinese_name():
    found = ids_in_code()
    assert len(found) > 60  # the scan sees the ids (about 80 today)
    assert {k: v for k, v in found.items() if k not in TITLES} == {}
    assert all(re.search(r"[\u4e00-\u9fff]", t) and " " not in t and len(t) <= 16 for t in TITLES.values())


def test_the_ledger_format_lists_each_reading_finding_with_its_chinese_name():
    doc = (REPO / "docs" / "ledger-format.md").read_text(encoding="utf-8")
    section = doc[doc.index("## 13. 检查结果"):doc.index("## 14.")]
    rows = [ln for ln in section.splitlines() if ln.startswith("| `")]
    for rule, title in READING_TITLES.items():
        assert any(f"`{rule}`" in ln and title in ln for ln in rows), rule


def test_check_shows_the_rule_by_its_chinese_name_and_keeps_the_id_for_configuring(tmp_path):
    root = write_ledger(tmp_path, COUNTY + "- {date: 2021-03-01, op: staff, body: 东镇/党政办, actual: {行政编制: 9}}\n")
    text = run_cli("check", root)
    line = next(ln for ln in text.output.splitlines() if "超编" in ln)
    assert "ledger.yaml" in line and ": [超编] “东镇/党政办”行政编制超编" in line and "over-quota" not in text.output
    [record] = [r for r in json.loads(run_cli("check", root, "--format", "json").stdout) if r["rule"] == "over-quota"]
    assert record["title"] == "超编"
    csv = run_cli("check", root, "--format", "csv").stdout.lstrip("\ufeff").splitlines()
    assert csv[0] == "位置,规则,级别,说明,规则编号" and csv[1].split(",")[1] == "超编" and csv[1].endswith(",over-quota")


def test_the_exported_list_of_problems_and_the_audit_page_name_rules_in_chinese(tmp_path):
    root = write_ledger(tmp_path / "台账", COUNTY + "- {date: 2021-03-01, op: staff, body: 东镇/党政办, actual: {行政编制: 9}}\n")
    book = tmp_path / "导出.xlsx"
    assert run_cli("export", root, book).exit_code == 0
    sheet = openpyxl.load_workbook(book)["问题清单"]
    rows = [[c for c in r] for r in sheet.iter_rows(values_only=True)]
    header = next(r for r in rows if r and r[0] == "级别")
    row = next(r for r in rows if r and "超编" in str(r[3] or ""))
    assert row[header.index("规则")] == "超编" and row[header.index("规则编号")] == "over-quota"
    assert run_cli("report", "audit", root, "--out", tmp_path / "审计").exit_code == 1  # the page lists the errors
    page = (tmp_path / "审计" / "index.html").read_text(encoding="utf-8")
    shown = re.sub(r"<[^>]+>", " ", page)  # the text a reader sees, not the attributes
    assert ">超编<" in page and "over-quota" not in shown
    assert title_of("over-quota") == "超编" and title_of("no-such-kind") == "no-such-kind"
