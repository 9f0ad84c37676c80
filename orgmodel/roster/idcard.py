"""Citizen ID numbers (GB 11643-1999): the check digit, the birth date and sex they carry,
and the masked form every output shows."""

from __future__ import annotations

import datetime as dt
import functools
import operator
import re

WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"  # the check character for sum(digit × weight) mod 11
_ZERO = 48 * sum(WEIGHTS)


def check_digit(first17: str) -> str:
    """The 18th character of an ID number whose first 17 digits are ``first17``."""
    if first17.isascii():  # digits as their code points, less 48 (ord "0") times the weights' sum
        return CHECK[(sum(map(operator.mul, first17.encode(), WEIGHTS)) - _ZERO) % 11]
    return CHECK[sum(map(operator.mul, map(int, first17), WEIGHTS)) % 11]


_OLD_FORM = re.compile(r"\d{15}")
_FORM = re.compile(r"\d{17}[\dX]")


def problems(number: str) -> list[str]:
    """What is wrong with ``number`` as an ID number, in Chinese (empty when nothing is)."""
    if _OLD_FORM.fullmatch(number):
        return [] if birth_of(number) else ["第 7–12 位的出生日期不存在"]
    if not _FORM.fullmatch(number):
        return [f"应为 18 位(末位可为 X),实为 {len(number)} 位“{number}”" if len(number) != 18
                else "只能含数字,末位可为 X"]
    out = []
    born = birth_of(number)
    if born is None:
        out.append(f"第 7–14 位的出生日期“{number[6:14]}”不存在")
    expected = check_digit(number[:17])
    if number[17] != expected:
        out.append(f"校验位应为“{expected}”,实为“{number[17]}”(按 GB 11643 计算),号码可能录错")
    return out


def birth_of(number: str) -> dt.date | None:
    """The birth date an ID number carries (15-digit numbers are of the 1900s), or None."""
    return _date_of(number[6:14] if len(number) == 18 else "19" + number[6:12])


@functools.lru_cache(maxsize=100_000)  # a roster of millions has some tens of thousands of birth dates
def _date_of(digits: str) -> dt.date | None:
    try:
        day = dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        return None
    return day if dt.date(1900, 1, 1) <= day else None


def sex_of(number: str) -> str | None:
    """男 or 女 from the sequence digit (odd for men), or None when the number is malformed."""
    digit = number[16] if len(number) == 18 else number[-1] if len(number) == 15 else ""
    return ("男" if int(digit) % 2 else "女") if digit.isdigit() else None


def mask(number: str | None) -> str:
    """The number as outputs show it: the first 6 and last 4 characters (``330102********1234``)."""
    if not number:
        return ""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]
