"""Reading one cell as what its column holds, the way real workbooks write it.

Counts come as numbers, as text, with full-width digits, with spaces or thousands
separators, or as ``12名``; dates as Excel serial numbers, date cells, ``2021/3/1`` or
``2021年3月1日``; division codes as numbers, or in CSV as ``3.30999E+11`` (which has lost its
last digits). Each reader returns ``(value, None)`` or ``(None, what is wrong)`` in Chinese.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata

from .layout import CODE, COUNT, DATE, IDNO, NAMES, REF, TEXT

EXCEL_EPOCH = dt.date(1899, 12, 30)  # serial 1 is 1900-01-01 (Excel's leap-year bug included)
_UNITS = re.compile(r"(名|人|个|户|块|项|处|家|所)$")
_DATE_FORMS = (
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T].*)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def blank(value) -> bool:
    """True for an empty cell (None, "", or only spaces)."""
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and math.isnan(value))


def text(value) -> tuple[str | None, str | None]:
    """A text cell: trimmed (full-width spaces too); control characters refused."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, (dt.datetime, dt.date)):
        value = value.isoformat()[:10]
    s = str(value).strip().strip("\u3000").strip()
    if len(s) > 1 and s[0] == "'" and s[1] in "=+-@\t\r":  # written as text by a CSV export: the apostrophe is not part of it
        s = s[1:]
    if _CONTROL.search(s):
        return None, "含有控制字符(如换行以外的不可见字符);请删除后重新输入"
    return s, None


def count(value) -> tuple[int | None, str | None]:
    """A whole number ≥ 0 from a number or a text such as ``12``, ``12``, ``1,234`` or ``12名``."""
    if isinstance(value, bool):
        return None, f"应为非负整数,实为 {value}"
    if isinstance(value, int):
        return (value, None) if value >= 0 else (None, f"为负数 {value};数量不能小于 0")
    if isinstance(value, float):
        if not value.is_integer():
            return None, f"应为整数,实为 {value}(编制和人数不能有小数)"
        return count(int(value))
    s = unicodedata.normalize("NFKC", str(value)).strip().replace(",", "").replace(" ", "")
    s = _UNITS.sub("", s)
    if re.fullmatch(r"-?\d+", s):
        return count(int(s))
    if re.fullmatch(r"-?\d+\.0+", s):
        return count(int(float(s)))
    return None, f"应为非负整数,实为“{value}”"


def date(value) -> tuple[dt.date | None, str | None]:
    """A date from a date cell, an Excel serial number or a text in any of the usual forms."""
    if isinstance(value, dt.datetime):
        return value.date(), None
    if isinstance(value, dt.date):
        return value, None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 1 <= value < 2958466 and float(value).is_integer():  # up to 9999-12-31
            return EXCEL_EPOCH + dt.timedelta(days=int(value)), None
        return None, f"“{value}”无效;应为 2024-03-01 这样的日期"
    s = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")
    for form in _DATE_FORMS:
        m = form.match(s)
        if m:
            try:
                return dt.date(int(m[1]), int(m[2]), int(m[3])), None
            except ValueError:
                return None, f"“{value}”不存在;请检查年月日"
    return None, f"“{value}”无效;应写成 2024-03-01、2024/3/1 或 2024年3月1日"


def code(value) -> tuple[str | None, str | None]:
    """A division code as text: digits kept as written. A number that Excel shows in
    scientific notation has lost digits when it reaches a CSV (``3.30999E+11``): refused."""
    if isinstance(value, bool):
        return None, f"应为数字,实为 {value}"
    if isinstance(value, int):
        return str(value), None
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value)), None
        return None, f"“{value}”不是整数"
    s = unicodedata.normalize("NFKC", str(value)).strip()
    if re.fullmatch(r"\d+(\.\d+)?[eE]\+?\d+", s):
        return None, (f"“{s}”是科学计数法,末位数字已丢失;请在 Excel 中把这一列设为“文本”格式,"
                      f"重新输入完整代码后再保存")
    if re.fullmatch(r"\d+\.0+", s):
        s = s.split(".")[0]
    if not re.fullmatch(r"[0-9A-Za-z_-]+", s):
        return None, f"“{s}”应只含数字"
    return s, None


def id_number(value) -> tuple[str | None, str | None]:
    """An ID number as text (a final x upper-cased). Excel keeps only 15 significant digits of
    a number, so an 18-digit ID stored as a number has lost its last digits: refused."""
    if isinstance(value, bool):
        return None, f"应为身份证号,实为 {value}"
    if isinstance(value, (int, float)):
        digits = str(int(value)) if float(value).is_integer() else str(value)
        if len(digits) > 15:
            shown = digits[:6] + "*" * (len(digits) - 10) + digits[-4:]  # an ID number is never shown whole
            return None, (f"“{shown}”是以数字保存的身份证号,Excel 只保留 15 位有效数字,末几位已丢失;"
                          f"请把这一列设为“文本”格式,重新输入完整号码")
        return digits, None
    s = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")
    if s.startswith("'"):
        s = s[1:]
    if re.fullmatch(r"\d+(\.\d+)?[eE]\+?\d+", s):
        return None, (f"“{s}”是科学计数法,末几位已丢失;请把这一列设为“文本”格式,重新输入完整号码")
    return text(s.upper())  # its form and check digit are the roster audit's to judge


def split_names(value) -> tuple[list[str] | None, str | None]:
    """A cell listing names, separated by 、 , ; or line breaks."""
    s, problem = text(str(value).replace("\n", "、"))
    if problem:
        return None, problem
    return [p.strip() for p in re.split(r"[、,,;;]+", s) if p.strip()], None


READERS = {TEXT: text, REF: text, COUNT: count, DATE: date, CODE: code, NAMES: split_names, IDNO: id_number}


def read_cell(kind: str, value) -> tuple[object, str | None]:
    """The cell's value as its column's kind says."""
    return READERS[kind](value)
