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


# -- a clerk's workbook: each mistake once, at its cell, and what follows from it points back --
def clerk_book(path: Path) -> Path:
    """The template's sheets under names offices use (机构设置, 核定编制, 實有人員), filled the
    way a clerk might: a township with a kind that does not exist, a pool with a misspelt
    kind, a body without its category, a quota and a posts cell in words, names that could
    never be referred to, and a transfer from the pool that was not opened."""
    sheets = {
        "说明": [["项目", "内容"], ["台账日期", "2024-01-01"], ["依据文号", "青编〔2024〕1号"]],
        "区划": [["区划代码", "区划名称", "层级", "乡镇类型", "上级区划"], ["370100", "青山县", "县", None, None],
                 ["370101", "东镇", "乡镇", "镇", "青山县"], ["370102", "西乡", "乡镇", "村", "青山县"]],
        "编制池": [["区划", "编制池名称", "池类型"], ["青山县", "县收回池", "回收"]],
        "机构设置": [["区划", "机构名称", "机构类别", "规格"], ["东镇", "党政办", "党政机关", "正科"],
                     ["东镇", "便民服务中心", None, None], ["西乡", "党政办", "党政机关", None],
                     ["东镇", "/", "党政机关", None], ["东镇", "-", "党政机关", None]],
        "核定编制": [["区划", "机构名称", "行政编制", "事业编制"], ["东镇", "党政办", "十", None],
                     ["东镇", "便民服务中心", None, 6], ["西乡", "党政办", 8, None]],
        "领导职数": [["区划", "机构名称", "正职", "副职"], ["东镇", "党政办", "一", None]],
        "實有人員": [["区划", "机构名称", "行政编制", "事业编制", "实配正职", "实配副职"], ["东镇", "党政办", 9, None, 1, None]],
        "变动记录": [["日期", "指令", "文号", "调出", "调入", "编制类型", "数量"],
                     ["2024-06-01", "调剂", "青编〔2024〕5号", "县收回池", "东镇/党政办", "行政编制", 1]],
    }
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
    book.save(path)
    return path


def test_a_clerks_mistakes_are_each_named_once_at_their_cell_and_what_follows_points_back(tmp_path):
    book = clerk_book(tmp_path / "台账.xlsx")
    result = run_cli("check", book)
    assert result.exit_code == 1
    lines = [ln.split("台账.xlsx!", 1)[1] for ln in result.output.splitlines() if "台账.xlsx!" in ln]
    # the mistakes, at their cells, in the sheet's own words
    assert "区划!D4: [取值无效] 乡镇类型“村”无效;应为 镇、乡、街道 之一" in lines
    assert "编制池!C2: [取值无效] 池类型“回收”无效;应为 收回、周转、专户 之一" in lines  # no English kinds offered
    assert "机构设置!C3: [缺少必填项] “机构类别”未填写(必填)" in lines  # at its own column, not the name's
    assert any(ln.startswith("机构设置!B5: [取值无效] 机构名称“/”含有“/”") for ln in lines)
    assert any(ln.startswith("机构设置!B6: [取值无效] 机构名称“-”只是一个横线") for ln in lines)
    assert "核定编制!C2: [数量有误] 行政编制应为非负整数,实为“十”(此行未读入)" in lines
    assert "领导职数!C2: [数量有误] 正职应为非负整数,实为“一”(此行未读入)" in lines
    # what follows from them names the cell to fix
    assert any(ln.startswith("机构设置!A4: [找不到区划] 区划“西乡”没有设立成功:设立它的 ") and "台账.xlsx!区划!D4 未读入" in ln
               for ln in lines)
    assert any(ln.startswith("核定编制!B3: [找不到机构] 机构“便民服务中心”没有设立成功") and "台账.xlsx!机构设置!C3 未读入" in ln
               for ln in lines)
    assert any(ln.startswith("变动记录!D2: [找不到编制池] 编制池“县收回池”没有设立成功") and "台账.xlsx!编制池!C2 未读入" in ln
               for ln in lines)
    over = next(ln for ln in lines if "[超编]" in ln)
    assert over.startswith("實有人員!C2: [超编] “党政办”行政编制超编 9 名:实有 9 名,核定 0 名")  # the 行政编制 cell
    assert over.endswith(";另:核定其行政编制的 " + str(book) + "!核定编制!C2 未读入、未计入(原因见该处),请先修正那一处")
    posts = next(ln for ln in lines if "[超职数配备领导]" in ln)
    assert posts.startswith("實有人員!E2: [超职数配备领导] “党政办”正职超职数 1 名")  # the 实配正职 cell
    assert "另:核定其正职职数的 " + str(book) + "!领导职数!C2 未读入" in posts
    # every line names a sheet the file has, and no field by its ledger key
    assert {ln.split("!", 1)[0] for ln in lines} <= {"区划", "编制池", "机构设置", "核定编制", "领导职数", "實有人員", "变动记录"}
    assert not re.search(r"\b(category|kind|amount|name|rank_order|approved_by)\b", result.output)
    # once each: the refused rows are not reported again as missing
    assert len(lines) == 13, "\n".join(lines)


def test_the_example_row_is_skipped_wherever_it_is_left(tmp_path):
    """The template's example row, left in place with its note, moved below the data, or left
    without its note and copied down, is not read as data (which would bury the real problems
    under follow-on errors); rows that only share some example values are data."""
    tpl = tmp_path / "模板.xlsx"
    assert run_cli("template", tpl).exit_code == 0
    book = openpyxl.load_workbook(tpl)
    book["说明"]["B2"], book["说明"]["B3"] = "2024-01-01", "青编〔2024〕1号"
    divisions = book["区划"]
    example = [c.value for c in divisions[2]]
    divisions.delete_rows(2)
    for row in (["370100", "青山县", "县"], ["370101", "东溪镇", "乡镇", "镇", "青山县"]):
        divisions.append(row)
    divisions.append(example)  # below the data, note and all
    bodies = book["机构"]
    example = [c.value for c in bodies[2]][:-1]  # the 备注 with its 示例 note cleared
    bodies.delete_rows(2)
    bodies.append(["东溪镇", "综治中心", "事业单位", "公益一类"])
    for _ in range(3):
        bodies.append(example)
    filled = tmp_path / "填好.xlsx"
    book.save(filled)
    result = run_cli("check", filled)
    assert result.exit_code == 0, result.output
    warning = next(ln for ln in result.output.splitlines() if "[示例行]" in ln)
    assert warning.startswith(f"{filled}!机构!A3: [示例行] 警告:此行各格都是模板示例行的内容") and "第 4、5 行也是(共 3 行)" in warning
    bodies_read = {r["body"] for r in json.loads(run_cli("balance", filled, "--by", "body", "--format", "json").stdout)}
    assert "综治中心" in bodies_read and "党政办公室" not in bodies_read


def test_a_reference_dated_before_what_it_names_says_so(tmp_path):
    root = write_ledger(tmp_path, """\
- {date: 2020-01-01, op: open_division, code: "1", name: 青山县, level: 县}
- {date: 2021-01-01, op: open_division, code: "11", name: 东镇, level: 乡镇, kind: 镇, parent: 青山县}
- {date: 2021-01-01, op: establish, name: 党政办, division: 东镇, category: 党政机关}
- {date: 2020-07-01, op: signboard_add, body: 东镇/党政办, name: 人大办}
""")
    out = run_cli("check", root).output
    assert "ledger.yaml:4: [找不到区划] 找不到“东镇”:它到 2021-01-01 才由“设立区划”指令" in out
    assert "晚于本指令的日期 2020-07-01;请核对这两处的日期" in out


def test_what_follows_from_a_skipped_example_row_points_back_to_it(tmp_path):
    """A clerk whose own row happens to repeat the template's example (its note deleted) is told,
    at each row that refers to it, that the row it refers to was skipped, and where; a namesake
    made later in another township is not offered as the cause."""
    tpl = tmp_path / "模板.xlsx"
    assert run_cli("template", tpl).exit_code == 0
    book = openpyxl.load_workbook(tpl)
    book["说明"]["B2"], book["说明"]["B3"] = "2024-01-01", "青编〔2024〕1号"
    divisions = book["区划"]
    divisions.delete_rows(2)
    for row in (["370100", "青山县", "县"], ["370101", "东溪镇", "乡镇", "镇", "青山县"],
                ["370102", "西岭乡", "乡镇", "乡", "青山县", None, None, "2024-06-01"]):
        divisions.append(row)
    bodies = book["机构"]
    bodies["L2"] = None  # the example's note deleted: the row is the example row left in place
    bodies.append(["西岭乡", "党政办公室", "党政机关", None, "正科", None, None, None, None, None, "2024-06-01"])
    staff = book["实有人员"]
    staff.delete_rows(2)
    staff.append(["东溪镇", "党政办公室", 6])
    filled = tmp_path / "填好.xlsx"
    book.save(filled)
    lines = run_cli("check", filled).output.splitlines()
    assert any(ln.startswith(f"{filled}!机构!A2: [示例行]") for ln in lines)
    follow = next(ln for ln in lines if ln.startswith(f"{filled}!实有人员!B2: "))
    assert f"机构“党政办公室”没有设立成功:设立它的 {filled}!机构!A2 未读入(原因见该处)" in follow
    assert "2024-06-01" not in follow  # 西岭乡's 党政办公室, opened later, is not this one


def test_a_namesake_made_later_in_another_division_is_not_the_cause(tmp_path):
    root = write_ledger(tmp_path, """\
- {date: 2020-01-01, op: open_division, code: "1", name: 青山县, level: 县}
- {date: 2020-01-01, op: open_division, code: "11", name: 东镇, level: 乡镇, kind: 镇, parent: 青山县}
- {date: 2020-01-01, op: open_division, code: "12", name: 西乡, level: 乡镇, kind: 乡, parent: 青山县}
- {date: 2020-07-01, op: signboard_add, body: 东镇/党政办, name: 人大办}
- {date: 2021-01-01, op: establish, name: 党政办, division: 西乡, category: 党政机关}
- {date: 2021-01-01, op: establish, name: 综治办, division: "11", category: 党政机关}
- {date: 2020-07-01, op: signboard_add, body: 东镇/综治办, name: 平安办}
""")
    out = run_cli("check", root).output
    line4 = next(ln for ln in out.splitlines() if "ledger.yaml:4:" in ln)
    assert "在东镇找不到机构或牌子“党政办”" in line4 and "2021-01-01" not in line4
    line7 = next(ln for ln in out.splitlines() if "ledger.yaml:7:" in ln)
    assert "它到 2021-01-01 才由“设立”指令" in line7  # the same division, by its code
