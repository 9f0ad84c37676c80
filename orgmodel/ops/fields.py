"""Field specs, enumerations and small helpers that several ops share."""

from __future__ import annotations

import datetime as dt

from ..core.schema import Field
from ..state import BODY_ATTRIBUTES, BODY_LINKS

CATEGORIES = ("党政机关", "事业单位", "参公单位", "派驻机构", "议事协调机构", "内设机构")
CLASSES = ("公益一类", "公益二类", "生产经营类")
FUNDINGS = ("全额拨款", "差额拨款", "自收自支")
TOWNSHIP_KINDS = ("镇", "乡", "街道")
POOL_KINDS = {"收回": "reclaimed", "周转": "turnover", "专户": "earmarked",
              "reclaimed": "reclaimed", "turnover": "turnover", "earmarked": "earmarked"}
NONE = ("无", "none", "空")  # "clear this attribute or link"

# A body's attributes and its links to other bodies, by ledger field (see state.records.BodyField)
ATTRIBUTES = BODY_ATTRIBUTES
LINKS = BODY_LINKS

BODY_ATTRS = {
    "category": Field("str", choices=CATEGORIES),
    "class": Field("str", choices=CLASSES),
    "rank": Field("rank"),
    "funding": Field("str", choices=FUNDINGS),
    **{name: Field("ref") for name in LINKS},
}

QUOTA_SOURCE = {
    "from": Field("ref", True),
    "type": Field("qtype", True),
    "amount": Field("count", True),
}


def add_years(day: dt.date, years: int) -> dt.date:
    """The same calendar day ``years`` later (28 Feb for 29 Feb in a non-leap year)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def plural_quota(quota: dict[str, int]) -> str:
    """``事业编制 3 名、工勤编制 1 名`` for messages and change lists."""
    return "、".join(f"{t} {n} 名" for t, n in quota.items() if n) or "无"
