"""Workbooks and CSV files as ledgers: the template, reading the mess real files bring
(each problem named at its cell, nothing written), export, and the round trip."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import openpyxl
import pytest
from conftest import COUNTY, balance_json, run_cli, write_ledger

from orgmodel.tabular.csv_files import decode

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
SETTINGS = [["项目", "内容"], ["台账日期", "2024-01-01"], ["依据文号", "青编〔2024〕1号"]]
DIVISIONS = [["区划代码", "区划名称", "层级", "乡镇类型", "上级区划"],
             ["370100", "青山县", "县", None, None],
             ["370101", "东镇", "乡镇", "镇", "青山县"],
             ["370102", "西乡", "乡镇", "乡", "青山县"]]
BODIES = [["区划", "机构名称", "机构类别", "公益类别", "规格"],
          ["东镇", "党政办", "党政机关", None, "正科"],
          ["东镇", "便民服务中心", "事业单位", "公益一类", "股级"],
          ["西乡", "党政办", "党政机关", None, "正科"]]
QUOTA = [["区划", "机构名称", "行政编制", "事业编制"],
         ["东镇", "党政办", 10, None],
         ["东镇", "便民服务中心", None, 6],
         ["西乡", "党政办", 8, None]]


def make_xlsx(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> Path:
    """A workbook with the given sheets (rows of cell values) and merged ranges."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
        for rng in (merges or {}).get(name, []):
            ws.merge_cells(rng)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def county_book(path: Path, **replace) -> Path:
    """The small county as a workbook; keyword arguments replace whole sheets."""
    sheets = {"说明": SETTINGS, "区划": DIVISIONS, "机构": BODIES, "编制核定": QUOTA}
    sheets.update({k: v for k, v in replace.items() if v is not None})
    return make_xlsx(path, sheets)


def approved(records: list[dict]) -> dict[str, int]:
    """``{division/body/type: approved}`` from body balance records."""
    return {f"{r['division']}/{r['body']}/{r['quota_type']}": r["approved"] for r in records if r["approved"]}


def red(cell) -> bool:
    color = cell.font.color
    return color is not None and color.type == "rgb" and color.rgb.endswith("C00000")


def lines(result) -> list[str]:
    return [ln for ln in result.output.splitlines() if ln.strip()]


def refused_export(ledger: Path, tmp_path: Path, code: int = 1) -> None:
    """The ledger has errors, so export writes nothing at all (exit 2: a file of it cannot be read)."""
    out = tmp_path / "出" / "导出.xlsx"
    result = run_cli("export", ledger, out)
    assert result.exit_code == code, result.output
    assert ("未导出" if code == 1 else "无法读取(见上),未能进行") in result.output
    assert not out.exists() and not out.parent.exists()


# -- reading a well-formed workbook ------------------------------------------------------
def test_a_filled_workbook_is_a_ledger(tmp_path):
    book = county_book(tmp_path / "台账.xlsx")
    result = run_cli("check", book)
    assert result.exit_code == 0, result.output
    assert approved(balance_json(book, "--by", "body")) == {
        "东镇/党政办/行政编制": 10, "东镇/便民服务中心/事业编制": 6, "西乡/党政办/行政编制": 8}


def test_workbook_and_yaml_mix_in_one_folder(tmp_path):
    """The state comes from the workbook; a later transfer is a YAML directive."""
    county_book(tmp_path / "led" / "台账.xlsx")
    write_ledger(tmp_path / "led", """\
        - {date: 2024-06-01, op: transfer, from: 东镇/党政办, to: 西乡/党政办, type: 行政编制, amount: 2, doc: 青编〔2024〕5号}
        """, "2024.yaml")
    got = approved(balance_json(tmp_path / "led", "--by", "body"))
    assert got["东镇/党政办/行政编制"] == 8 and got["西乡/党政办/行政编制"] == 10


def test_change_rows_are_directives_with_chinese_op_names(tmp_path):
    changes = [["日期", "指令", "文号", "调出", "调入", "编制类型", "数量"],
               ["2024-06-01", "调剂", "青编〔2024〕9号", "东镇/党政办", "西乡/党政办", "行政编制", "3名"]]
    book = make_xlsx(tmp_path / "台账.xlsx", {"说明": SETTINGS, "区划": DIVISIONS, "机构": BODIES,
                                               "编制核定": QUOTA, "变动记录": changes})
    got = approved(balance_json(book, "--by", "body"))
    assert got["东镇/党政办/行政编制"] == 7 and got["西乡/党政办/行政编制"] == 11
    before = approved(balance_json(book, "--by", "body", "--as-of", "2024-05-31"))
    assert before["东镇/党政办/行政编制"] == 10


def test_the_date_column_overrides_the_settings_date(tmp_path):
    quota = [QUOTA[0] + ["日期"], QUOTA[1] + ["2024-03-01"], QUOTA[2] + [None], QUOTA[3] + [None]]
    book = county_book(tmp_path / "台账.xlsx", 编制核定=quota)
    early = approved(balance_json(book, "--by", "body", "--as-of", "2024-02-01"))
    assert "东镇/党政办/行政编制" not in early and early["西乡/党政办/行政编制"] == 8


# -- mistakes are named at their cell, all in one pass -----------------------------------
def test_mistakes_name_their_cells_in_one_pass(tmp_path):
    bodies = [BODIES[0], ["东镇", "党政办", "党政机关", None, "正科级"], BODIES[2], ["北镇", "综治中心", "事业单位"]]
    quota = [QUOTA[0], QUOTA[1], ["东镇", "便民服务中心", None, "六个人"], QUOTA[3]]
    book = county_book(tmp_path / "台账.xlsx", 机构=bodies, 编制核定=quota)
    result = run_cli("check", book)
    assert result.exit_code == 1
    out = result.output
    assert "台账.xlsx!机构!E2: [取值无效] 规格“正科级”无效;应为 正部、副部" in out
    assert "台账.xlsx!机构!A4: [找不到区划] 未知的区划“北镇”" in out
    assert "台账.xlsx!编制核定!D3: [数量有误] 事业编制应为非负整数,实为“六个人”" in out
    # the refused establish makes the quota row for the same body fail; it is said once
    assert out.count("台账.xlsx!编制核定!B2: [找不到机构]") == 1
    refused_export(book, tmp_path)


def test_the_template_marks_its_own_mistakes_by_cell(tmp_path):
    """A clerk fills the template by hand, example rows left in place, with two mistakes."""
    tpl = tmp_path / "模板.xlsx"
    assert run_cli("template", tpl).exit_code == 0
    book = openpyxl.load_workbook(tpl)
    book["说明"]["B2"] = "2024年1月1日"
    book["说明"]["B3"] = "青编〔2024〕1号"
    for sheet, rows in (("区划", DIVISIONS[1:]), ("机构", BODIES[1:]), ("编制核定", QUOTA[1:])):
        ws = book[sheet]
        header = [c.value for c in ws[1]]
        for i, row in enumerate(rows):
            for name, value in zip(QUOTA[0] if sheet == "编制核定" else (DIVISIONS if sheet == "区划" else BODIES)[0],
                                   row):
                ws.cell(row=3 + i, column=header.index(name) + 1, value=value)
    ws = book["机构"]
    ws["C4"] = "事业机构"  # not a category
    book["编制核定"]["C3"] = "12名"  # 12名 is fine: a count with its unit
    filled = tmp_path / "填好.xlsx"
    book.save(filled)
    result = run_cli("check", filled)
    assert result.exit_code == 1
    errors = [ln for ln in lines(result) if "[" in ln]
    assert any("填好.xlsx!机构!C4: [取值无效] 机构类别“事业机构”无效;应为" in e for e in errors), errors
    assert not any("!区划!" in e or "!说明!" in e for e in errors), errors  # example rows were skipped


# -- the mess real files bring -----------------------------------------------------------
def test_title_rows_traditional_headers_and_aliases(tmp_path):
    """A title above the header, traditional characters, and the offices' own header words."""
    bodies = [["青山縣機構名錄"], [], ["序號", "所屬區劃", "單位名稱", "單位性質", "機構規格"],
              [1, "东镇", "党政办", "党政机关", "正科"], [2, "东镇", "便民服务中心", "事业单位", "股级"],
              [3, "西乡", "党政办", "党政机关", "正科"]]
    quota = [["核定编制情况表"], ["乡镇", "单位", "核定行政编制数", "核定事业编制数"],
             ["东镇", "党政办", 10, None], ["东镇", "便民服务中心", None, 6], ["西乡", "党政办", 8, None]]
    book = make_xlsx(tmp_path / "台账.xlsx", {"说明": SETTINGS, "行政区划": DIVISIONS, "機構": bodies, "編制": quota})
    result = run_cli("check", book)
    assert result.exit_code == 0, result.output
    assert approved(balance_json(book, "--by", "body")) == {
        "东镇/党政办/行政编制": 10, "东镇/便民服务中心/事业编制": 6, "西乡/党政办/行政编制": 8}


def test_merged_cells_and_two_row_headers(tmp_path):
    """区划 merged down its bodies; 核定编制 merged across two quota-type columns."""
    quota = [["区划", "机构名称", "核定编制", None], [None, None, "行政编制", "事业编制"],
             ["东镇", "党政办", 10, None], [None, "便民服务中心", None, 6], ["西乡", "党政办", 8, None]]
    bodies = [BODIES[0], ["东镇", "党政办", "党政机关", None, "正科"], [None, "便民服务中心", "事业单位", "公益一类", "股级"],
              BODIES[3]]
    book = make_xlsx(tmp_path / "台账.xlsx", {"说明": SETTINGS, "区划": DIVISIONS, "机构": bodies, "编制核定": quota},
                     {"编制核定": ["C1:D1", "A1:A2", "B1:B2", "A3:A4"], "机构": ["A2:A3"]})
    result = run_cli("check", book)
    assert result.exit_code == 0, result.output
    assert approved(balance_json(book, "--by", "body"))["东镇/便民服务中心/事业编制"] == 6


def test_extra_columns_blank_rows_lone_cells_and_totals(tmp_path):
    quota = [QUOTA[0] + ["联系人"], [], QUOTA[1] + ["张三"], [None, None, None, None, None],
             ["此行仅有一格"], QUOTA[2], QUOTA[3], ["合计", None, 18, 6], [], [], []]
    book = county_book(tmp_path / "台账.xlsx", 编制核定=quota)
    result = run_cli("check", book)
    assert result.exit_code == 0, result.output
    assert "台账.xlsx!编制核定!E1: [未使用的列] 警告:本表不使用这些列,已忽略:E 列“联系人”" in result.output
    assert "台账.xlsx!编制核定!A5: [只有一格的行] 警告:此行只有一个单元格有内容(“此行仅有一格”)" in result.output
    assert sum(balance_json(book, "--by", "body")[i]["approved"] for i in range(3)) == 24  # 合计 not counted


@pytest.mark.parametrize("cell", ["１０", " 10 ", "10名", "10.0", "１０人", 10.0])
def test_numbers_written_as_text_full_width_or_with_units(tmp_path, cell):
    quota = [QUOTA[0], ["东镇", "党政办", cell, None], QUOTA[2], QUOTA[3]]
    book = county_book(tmp_path / "台账.xlsx", 编制核定=quota)
    assert approved(balance_json(book, "--by", "body"))["东镇/党政办/行政编制"] == 10


@pytest.mark.parametrize("cell", [dt.datetime(2021, 3, 1), 44256, "2021/3/1", "2021年3月1日", "2021-03-01",
                                  "2021.3.1", "20210301"])
def test_dates_in_every_form_excel_writes(tmp_path, cell):
    settings = [["项目", "内容"], ["台账日期", cell]]
    book = county_book(tmp_path / "台账.xlsx", 说明=settings)
    assert balance_json(book, "--by", "body", "--as-of", "2021-03-01")
    assert not balance_json(book, "--by", "body", "--as-of", "2021-02-28")


def test_a_bad_date_is_named_at_its_cell(tmp_path):
    quota = [QUOTA[0] + ["日期"], QUOTA[1] + ["2021年13月1日"], QUOTA[2], QUOTA[3]]
    book = county_book(tmp_path / "台账.xlsx", 编制核定=quota)
    result = run_cli("check", book)
    assert result.exit_code == 1
    assert "台账.xlsx!编制核定!E2: [日期有误]" in result.output
    refused_export(book, tmp_path)


def test_division_codes_in_scientific_notation_are_refused_at_the_cell(tmp_path):
    folder = tmp_path / "csv"
    folder.mkdir()
    (folder / "说明.csv").write_text("项目,内容\n台账日期,2024-01-01\n", encoding="utf-8")
    (folder / "区划.csv").write_text("区划代码,区划名称,层级,乡镇类型,上级区划\n3.30999E+11,青山县,县,,\n"
                                    "330999001000,东镇,乡镇,镇,青山县\n", encoding="utf-8")
    result = run_cli("check", folder)
    assert result.exit_code == 1
    assert "区划.csv!A2: [取值无效] 区划代码“3.30999E+11”是科学计数法,末位数字已丢失" in result.output
    assert "“文本”格式" in result.output
    refused_export(folder, tmp_path)


def test_the_template_keeps_twelve_digit_codes_as_text(tmp_path):
    tpl = tmp_path / "模板.xlsx"
    run_cli("template", tpl)
    ws = openpyxl.load_workbook(tpl)["区划"]
    assert ws["A2"].number_format == "@" and isinstance(ws["A2"].value, str)
    assert ws.column_dimensions["A"].number_format == "@"  # rows the clerk adds below are text too
    assert ws.column_dimensions["F"].number_format == "General"  # 人口 is a number


def test_rows_that_refer_to_a_refused_body_point_at_its_row(tmp_path):
    """A body refused for a bad cell is not reported again as missing wherever it is used:
    those rows say which row to fix (and a misspelt township gets a suggestion)."""
    bodies = [BODIES[0], ["东镇", "党政办", "党政机关", None, "正科级"], BODIES[2], ["西村", "党政办", "党政机关"]]
    book = county_book(tmp_path / "台账.xlsx", 机构=bodies)
    out = run_cli("check", book).output
    assert "台账.xlsx!编制核定!B2: [找不到机构] 机构“党政办”没有设立成功:设立它的 " in out
    assert "台账.xlsx!机构!E2 未读入(原因见该处);请先修正那一处" in out  # the cell to fix, not the row's name
    assert "台账.xlsx!机构!A4: [找不到区划] 未知的区划“西村”" in out and "是否是“西乡”?" in out
    assert "找不到" not in out.split("编制核定!B2: [找不到机构]", 1)[1].splitlines()[0]


def test_a_body_refused_during_replay_is_named_where_it_is_used(ledger):
    root = ledger(COUNTY + """\
- {date: 2021-02-01, op: establish, name: 综治中心, division: 东镇, category: 事业单位, class: 公益一类, led_by: 无此机构}
- {date: 2021-03-01, op: approve, body: 东镇/综治中心, type: 事业编制, amount: 3, doc: 青编〔2021〕2号}
""")
    out = run_cli("check", root).output
    assert "ledger.yaml:10: [找不到机构] 机构“综治中心”没有设立成功:设立它的 " in out and "ledger.yaml:9 未读入" in out


def test_a_misspelt_township_in_a_reference_is_named_at_its_own_cell(tmp_path):
    quota = [QUOTA[0], QUOTA[1], QUOTA[2], ["西镇", "党政办", 8, None]]
    out = run_cli("check", county_book(tmp_path / "台账.xlsx", 编制核定=quota)).output
    assert "台账.xlsx!编制核定!A4: [找不到区划] 未知的区划“西镇”" in out


def test_an_edited_example_row_is_read_with_a_warning(tmp_path):
    tpl = tmp_path / "模板.xlsx"
    run_cli("template", tpl)
    book = openpyxl.load_workbook(tpl)
    book["说明"]["B2"], book["说明"]["B3"] = "2024-01-01", "青编〔2024〕1号"
    for row in (["990100", "青山县", "县"], ["990101", "东溪镇", "乡镇", "镇", "青山县"]):
        book["区划"].append(row)
    book["机构"]["B2"] = "综治中心"  # the example row, overwritten; its 备注 still says 示例
    book["机构"]["C2"] = "事业单位"
    book["机构"]["D2"] = "公益一类"
    filled = tmp_path / "填好.xlsx"
    book.save(filled)
    result = run_cli("check", filled)
    assert "填好.xlsx!机构!L2: [示例行] 警告:此行的备注仍是模板的“示例行”说明,但内容已改写,已作为数据读入" in result.output
    bodies = {r["body"] for r in balance_json(filled, "--by", "body")}
    assert "综治中心" in bodies and "党政办公室" not in bodies


def test_findings_are_listed_sheet_by_sheet_in_workbook_order(tmp_path):
    bodies = [BODIES[0], ["东镇", "党政办", "党政机关", None, "正科级"], BODIES[2], BODIES[3]]
    quota = [QUOTA[0], QUOTA[1], ["东镇", "便民服务中心", None, "六"], QUOTA[3]]
    book = county_book(tmp_path / "台账.xlsx", 机构=bodies, 编制核定=quota)
    located = [ln.split(": [", 1)[0].split("!", 1)[1] for ln in lines(run_cli("check", book)) if ": [" in ln]
    assert located == sorted(located, key=lambda s: (["机构", "编制核定"].index(s.split("!")[0]),
                                                     int(s.split("!")[1][1:])))


def test_a_missing_required_column_is_named(tmp_path):
    bodies = [["区划", "机构名称", "规格"], ["东镇", "党政办", "正科"]]
    book = county_book(tmp_path / "台账.xlsx", 机构=bodies)
    result = run_cli("check", book)
    assert result.exit_code == 1
    assert "台账.xlsx!机构!A1: [表头有误] 表头缺少必填列:机构类别" in result.output


def test_a_control_character_in_a_cell_is_refused_and_not_echoed(tmp_path):
    folder = csv_county(tmp_path / "csv", "utf-8", body_name="党政办\x07\x1b[31m")
    result = run_cli("check", folder)
    assert result.exit_code == 1
    assert "机构.csv!B4: [取值无效]" in result.output and "控制字符" in result.output
    assert "\x07" not in result.output and "\x1b" not in result.output


def test_a_csv_export_apostrophe_before_a_formula_character_is_dropped(tmp_path):
    """The apostrophe a CSV export puts before =, +, - or @ is not part of the value; a name
    that then starts as a formula is refused at its cell, with the reason."""
    folder = csv_county(tmp_path / "csv", "utf-8", body_name="'+党政办")
    assert "机构.csv!B4: [取值无效] 机构名称“+党政办”以“+”开头,电子表格会把它当作公式" in run_cli("check", folder).output


# -- CSV encodings -----------------------------------------------------------------------
def csv_county(folder: Path, encoding: str, body_name: str = "党政办") -> Path:
    """The county as a folder of CSV files in ``encoding`` (BOM included for utf-8-sig)."""
    folder.mkdir(parents=True, exist_ok=True)
    tables = {"说明": SETTINGS, "区划": DIVISIONS, "机构": BODIES, "编制核定": QUOTA}
    for name, rows in tables.items():
        text = "\r\n".join(",".join("" if v is None else str(v) for v in row) for row in rows) + "\r\n"
        text = text.replace("西乡,党政办", f"西乡,{body_name}")
        (folder / f"{name}.csv").write_bytes(text.encode(encoding))
    return folder


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk", "gb18030"])
def test_csv_folders_in_every_encoding(tmp_path, encoding):
    folder = csv_county(tmp_path / encoding, encoding)
    assert run_cli("check", folder).exit_code == 0
    assert approved(balance_json(folder, "--by", "body"))["西乡/党政办/行政编制"] == 8


def test_gb18030_reads_a_rare_character_that_gbk_lacks(tmp_path):
    with pytest.raises(UnicodeEncodeError):
        "䶮".encode("gbk")
    folder = csv_county(tmp_path / "csv", "gb18030", body_name="䶮山党政办")
    assert approved(balance_json(folder, "--by", "body"))["西乡/䶮山党政办/行政编制"] == 8


def test_a_csv_whose_encoding_cannot_be_decided_is_refused(tmp_path):
    folder = csv_county(tmp_path / "csv", "utf-8")
    (folder / "机构.csv").write_bytes("區劃,機構名稱,機構類別\n東鎮,黨政辦,黨政機關\n".encode("big5"))  # Big5: neither UTF-8 nor GB
    result = run_cli("check", folder)
    assert result.exit_code != 0, result.output
    assert "机构.csv: [编码无法识别]" in result.output and "另存为" in result.output and "UTF-8" in result.output
    refused_export(folder, tmp_path, code=2)  # README, 退出码: a file that cannot be read is exit 2


def test_decode_prefers_a_bom_then_utf8_then_gb18030():
    assert decode("\ufeff机构".encode("utf-8"))[1] == "utf-8-sig"
    assert decode("机构".encode())[1] == "utf-8"
    assert decode("机构".encode("gbk")) == ("机构", "gb18030")
    assert decode(b"\xff\xfe\xfd")[0] is None


# -- the template ------------------------------------------------------------------------
def test_the_template_has_every_sheet_marked_and_with_drop_downs(tmp_path):
    tpl = tmp_path / "模板.xlsx"
    result = run_cli("template", tpl)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tpl)
    assert {"说明", "区划", "机构", "牌子", "编制核定", "领导职数", "实有人员", "编外与网格", "责任清单", "编制池",
            "变动记录"} <= set(book.sheetnames)
    assert book["_lists"].sheet_state == "hidden"
    bodies = book["机构"]
    assert bodies.freeze_panes == "A2"
    headers = {c.value: c for c in bodies[1]}
    assert red(headers["机构名称"]) and not red(headers["规格"])  # required columns have red headers
    rules = {str(v.sqref).split(":")[0]: v.formula1 for v in bodies.data_validations.dataValidation}
    category = next(f for ref, f in rules.items() if ref.startswith("C"))
    assert "党政机关" in category
    names = next(f for ref, f in rules.items() if ref.startswith("G"))  # 上级机构: names from a range
    assert "机构" in names and "$B$" in names
    quota_refs = {str(v.sqref)[0]: v.formula1 for v in book["编制核定"].data_validations.dataValidation}
    assert quota_refs["A"].startswith("区划!$B$") and quota_refs["B"].startswith("机构!$B$")
    changes = book["变动记录"]
    op_rule = next(v.formula1 for v in changes.data_validations.dataValidation if str(v.sqref).startswith("B"))
    assert "调剂" in op_rule and "设立" in op_rule
    lists = book["_lists"]
    assert "指令" in [c.value for c in lists[1]]  # every enumeration is also listed on the hidden sheet
    assert bodies["L2"].value.startswith("示例")


def test_the_template_is_a_plain_zip_without_zip64(tmp_path):
    tpl = tmp_path / "模板.xlsx"
    run_cli("template", tpl)
    data = tpl.read_bytes()
    assert b"PK\x06\x06" not in data and b"PK\x06\x07" not in data  # ZIP64 end records
    with zipfile.ZipFile(tpl) as z:
        assert all(b"\x01\x00" not in info.extra[:2] for info in z.infolist())


def test_the_blank_template_is_an_empty_ledger(tmp_path):
    """Its example rows are skipped, so it holds no directive: exit 2, saying what to do."""
    tpl = tmp_path / "模板.xlsx"
    run_cli("template", tpl)
    result = run_cli("check", tpl)
    assert result.exit_code == 2 and "台账中没有任何指令" in result.output and "orgmodel template" in result.output


# -- export ------------------------------------------------------------------------------
@pytest.fixture
def county(tmp_path):
    return write_ledger(tmp_path / "led", COUNTY + """\
- {date: 2021-01-01, op: approve, body: 东镇/党政办, type: 行政编制, amount: 10, doc: 青编〔2021〕1号}
- {date: 2021-01-01, op: approve, body: 便民服务中心, type: 事业编制, amount: 6, doc: 青编〔2021〕1号}
- {date: 2021-01-01, op: staff, body: 东镇/党政办, actual: {行政编制: 12}}
- {date: 2021-01-01, op: establish, name: 综合服务中心, division: 西乡, category: 事业单位, class: 公益一类}
- {date: 2021-01-01, op: approve, body: 综合服务中心, type: 事业编制, amount: 2, doc: 青编〔2021〕1号}
- {date: 2021-01-01, op: off_quota, division: 西乡, staff: {"=WEBSERVICE(\\"x.invalid\\")": 3}}
""")


def test_export_writes_a_printable_workbook(county, tmp_path):
    out = tmp_path / "导出.xlsx"
    result = run_cli("export", county, out)
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(out)
    assert {"机构编制", "乡镇(街道)编制", "县(市、区)编制", "全辖区总量", "领导职数", "编制池", "编外与网格",
            "下沉比例", "问题清单", "公示表"} <= set(book.sheetnames)
    ws = book["机构编制"]
    assert "青山县" in ws["A1"].value and "2021-01-01" in ws["A1"].value
    assert ws.freeze_panes == "A3" and ws.auto_filter.ref.startswith("A2")
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.print_title_rows == "$2:$2"  # the header row repeats; the title is in the page header
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    header = [c.value for c in ws[2]]
    last = next([c.value for c in row] for row in ws.iter_rows() if row[0].value == "合计")
    assert last[header.index("核定")] == 18
    assert ws.cell(row=ws.max_row, column=1).value.startswith("填报单位:")  # the sign-off line ends the sheet
    county_sheet = book["县(市、区)编制"]
    county_header = [c.value for c in county_sheet[2]]
    county_total = next([c.value for c in row] for row in county_sheet.iter_rows() if row[0].value == "合计")
    assert county_total[county_header.index("核定")] == 18
    assert county_total[county_header.index("机构数")] is None  # a body with two types is in two rows
    over = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[header.index("超编")]]
    assert over and ws.conditional_formatting  # 东镇党政办 is over quota, and it shows red
    sinking = book["下沉比例"]
    ratio_col = [c.value for c in sinking[2]].index("下沉比例") + 1
    assert sinking.cell(row=3, column=ratio_col).number_format.endswith("%")


def test_export_writes_formula_like_names_as_text(county, tmp_path):
    """A name cannot look like a formula (it is refused); free text that can, a kind of
    off-quota staff, is written as text."""
    out = tmp_path / "导出.xlsx"
    run_cli("export", county, out)
    ws = openpyxl.load_workbook(out)["编外与网格"]
    cells = [c for row in ws.iter_rows() for c in row if str(c.value or "").startswith("=WEBSERVICE")]
    assert cells and all(c.data_type == "s" for c in cells)
    folder = tmp_path / "csv"
    run_cli("export", county, folder)
    text = (folder / "编外与网格.csv").read_text(encoding="utf-8-sig")
    assert "'=WEBSERVICE" in text and "\n=WEBSERVICE" not in text and ",=WEBSERVICE" not in text


def test_export_csv_is_utf8_with_bom_and_crlf_or_gbk_on_request(county, tmp_path):
    folder = tmp_path / "csv"
    assert run_cli("export", county, folder).exit_code == 0
    data = (folder / "机构编制.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf") and b"\r\n" in data and b"\n" not in data.replace(b"\r\n", b"")
    gbk = tmp_path / "gbk"
    assert run_cli("export", county, gbk, "--encoding", "gbk").exit_code == 0
    assert "便民服务中心" in (gbk / "机构编制.csv").read_bytes().decode("gbk")


def test_export_to_gbk_refuses_a_character_gbk_lacks_and_writes_nothing(tmp_path):
    led = write_ledger(tmp_path / "led", COUNTY + "- {date: 2021-01-01, op: establish, name: 䶮山站, division: 西乡, "
                       "category: 事业单位, class: 公益一类}\n")
    out = tmp_path / "gbk"
    result = run_cli("export", led, out, "--encoding", "gbk")
    assert result.exit_code == 2 and "gb18030" in result.output
    assert not out.exists() or not any(out.iterdir())
    assert run_cli("export", led, tmp_path / "gb18030", "--encoding", "gb18030").exit_code == 0


def test_the_public_listing_has_counts_and_no_locations(county, tmp_path):
    out = tmp_path / "公示.xlsx"
    run_cli("export", county, out, "--public")
    book = openpyxl.load_workbook(out)
    ws = book["公示表"]
    top = [c.value for c in ws[2]] + [c.value for c in ws[3]]
    assert {"单位名称", "其他名称", "级别", "领导职数", "内设机构", "主要职责", "编制数", "实有数"} <= set(top)
    found = [c.value for row in book["问题清单"].iter_rows() for c in row if c.value]
    assert not any("led/" in str(v) or ".yaml" in str(v) for v in found)


# -- round trip --------------------------------------------------------------------------
def without_ids(records: list[dict]) -> list[dict]:
    """Records without the internal body numbers (which follow the order bodies were read in)."""
    return [{k: v for k, v in r.items() if k != "body_id"} for r in records]


def _round_trip(ledger: Path, tmp_path: Path, as_of: str) -> None:
    exported = tmp_path / "状态.xlsx"
    result = run_cli("export", ledger, exported, "--state", "--as-of", as_of)
    assert result.exit_code == 0, result.output
    for view in ("body", "township", "county", "total"):
        want = without_ids(balance_json(ledger, "--by", view, "--as-of", as_of))
        got = without_ids(balance_json(exported, "--by", view, "--as-of", as_of))
        assert got == want, view
    csv_folder = tmp_path / "状态csv"
    assert run_cli("export", ledger, csv_folder, "--state", "--as-of", as_of, "--encoding", "gb18030").exit_code == 0
    assert without_ids(balance_json(csv_folder, "--by", "body", "--as-of", as_of)) == without_ids(
        balance_json(ledger, "--by", "body", "--as-of", as_of))


def test_round_trip_of_a_synthetic_county(tmp_path):
    from orgmodel.sources.synthetic import Params, generate

    ledger = tmp_path / "县"
    generate(ledger, Params(townships=20))
    last = max(ln.split("date: ", 1)[1][:10] for p in ledger.rglob("*.yaml") for ln in p.read_text("utf-8").splitlines()
               if "date: " in ln)
    _round_trip(ledger, tmp_path, last)


def test_round_trip_of_the_demo(tmp_path):
    _round_trip(DEMO, tmp_path, "2025-12-31")


def test_the_demo_workbook_gives_the_demo_balance():
    book = DEMO / "栖澜市台账.xlsx"
    for view in ("body", "township", "total"):
        assert without_ids(balance_json(book, "--by", view)) == without_ids(
            balance_json(DEMO, "--by", view, "--as-of", "2025-12-31")), view


@pytest.mark.skipif(not shutil.which("soffice") or not shutil.which("pdftotext"),
                    reason="LibreOffice (libreoffice-calc-nogui) and poppler-utils are installed by .ci/run")
def test_the_export_prints_on_a4_landscape_with_title_header_and_page_numbers(tmp_path):
    """LibreOffice prints the demo's export: every page A4 landscape, the sheet's title in the
    page header, the column headers repeated, and 第 N 页 共 M 页 in the footer."""
    book = tmp_path / "导出.xlsx"
    assert run_cli("export", DEMO, book).exit_code == 0
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path), str(book)],
                   check=True, capture_output=True, timeout=180, env={**os.environ, "HOME": str(tmp_path)})
    pdf = tmp_path / "导出.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))
    assert pages > 2 and re.search(r"Page size:\s+841\.\d+ x 595\.\d+ pts \(A4\)", info)
    second = subprocess.run(["pdftotext", "-f", "2", "-l", "2", "-layout", str(pdf), "-"], capture_output=True,
                            text=True, check=True).stdout
    assert "机构编制收支表(截至 2025-12-31)" in second  # the title, from the page header
    assert "核定" in second and "超编" in second  # the header row, repeated
    assert f"第 2 页 共 {pages} 页" in second


def test_docs_list_every_sheet_column_and_alias():
    from orgmodel.core.config import load_config
    from orgmodel.ops import OPS
    from orgmodel.tabular.layout import SHEETS, columns

    doc = (DEMO.parents[1] / "docs" / "tables.md").read_text(encoding="utf-8")
    for sheet in SHEETS:
        assert f"### {sheet.name}" in doc
        section = doc.split(f"### {sheet.name}\n", 1)[1].split("### ", 1)[0]
        for col in columns(sheet, load_config()):
            row = next((ln for ln in section.splitlines() if ln.startswith(f"| {col.header} |")), None)
            assert row is not None, (sheet.name, col.header)
            assert all(a in row for a in col.aliases), (sheet.name, col.header)
    assert all(f"{spec.label}({key})" in doc for key, spec in OPS.items())
