"""The blank roster workbook (``orgmodel template --roster``): a 说明 sheet with the roster's
date, the 花名册 sheet with red required headers, drop-downs and one example row, and the
hidden sheet of lists; the ID number column is text all the way down."""

from __future__ import annotations

from ..core.config import Config
from ..tabular.layout import SETTINGS_SHEET
from ..tabular.state_sheets import lists_table, sheet_table
from ..tabular.workbook import TEXT, Table
from .layout import ROSTER

GUIDE = [
    ["截至日期", ""], ["填报单位", ""], ["", ""],
    ["使用说明", "每行一名人员;红色表头为必填。填好后:orgmodel audit 台账 --roster 本文件"],
    ["身份证号", "按文本填写(本模板中已设为文本格式),18 位号码不会丢失末位"],
    ["所在单位", "写台账中的机构名称;各乡镇同名的机构写成“区划/机构名称”,或另填“所在区划”列"],
    ["人员状态", "在编人员计入实有;编外、借调、离退休、调出等不计入。已离编的人员填“离编时间”"],
    ["领导职务", "正职、副职(可带级别,如“副科级副职”),非领导职务不填"],
    ["岗位", "管理、专业技术、工勤技能;与性别、出生日期一起推算法定退休年龄"],
    ["多期花名册", "放在一个文件夹中,文件名写日期(如 2024-12-31.xlsx、2025-12-31.xlsx),可核对两期之间的人员变动"],
    ["个人信息", "花名册含姓名和身份证号,属于内部资料;orgmodel 的所有输出都部分隐藏身份证号,公开版只有人数"],
]


def roster_tables(config: Config) -> list[Table]:
    lists: dict[str, list[str]] = {}
    sheet = sheet_table(ROSTER, config, [], lists, examples=True)
    guide = Table(SETTINGS_SHEET, "", [("项目", TEXT), ("内容", TEXT)], GUIDE, widths={0: 14, 1: 90})
    return [guide, sheet, lists_table(lists)]
