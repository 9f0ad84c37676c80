"""Statutory retirement age (法定退休年龄), from the rules in ``retirement.yaml``.

The gradual raising that the 2024 decision of the NPC Standing Committee brings in from
2025-01-01 works by month of birth. A person whose retirement month under the old age
(birth month + the original age) falls before the decision's first month keeps the old
age. From that month on, each ``months_per_step`` months of such original retirement months
add one more month, up to the target age: for men (60 → 63) the first four birth months of
1965 retire at 60 and 1 month, the next four at 60 and 2 months, and those born in
September 1976 or later at 63; women cadres (55 → 58) likewise from January 1970 to
September 1981; women workers (50 → 55), one month every two, from January 1975 to
November 1984.
"""

from __future__ import annotations

import calendar
import datetime as dt
import functools
from dataclasses import dataclass
from pathlib import Path

import yaml

RULES_FILE = Path(__file__).with_name("retirement.yaml")
WORKER_POSTS = ("工勤技能", "工勤")


@dataclass(frozen=True)
class Group:
    name: str
    sex: str
    posts: tuple[str, ...]
    original_age: int
    target_age: int
    months_per_step: int


@dataclass(frozen=True)
class Rules:
    source: str
    in_force: dt.date
    groups: tuple[Group, ...]


@functools.lru_cache(maxsize=1)
def rules() -> Rules:
    data = yaml.safe_load(RULES_FILE.read_text(encoding="utf-8"))
    day = data["in_force"]
    day = day if isinstance(day, dt.date) else dt.date.fromisoformat(str(day))
    groups = tuple(Group(g["name"], g["sex"], tuple(g.get("posts") or ()), int(g["original_age"]), int(g["target_age"]),
                         int(g["months_per_step"])) for g in data["groups"])
    return Rules(" ".join(str(data["source"]).split()), day, groups)


@functools.lru_cache(maxsize=4096)
def group_of(sex: str | None, post: str | None, quota_type: str | None) -> Group | None:
    """The rule group of a person: by sex, and for women by post (a worker's post, or a
    工勤编制 with no post given, is the one whose original age was 50)."""
    candidates = [g for g in rules().groups if g.sex == sex]
    if len(candidates) <= 1:
        return candidates[0] if candidates else None
    worker = (post in WORKER_POSTS) if post else (quota_type or "").startswith("工勤")
    for g in candidates:
        if worker == any(p in WORKER_POSTS for p in g.posts):
            return g
    return candidates[0]


def _add_months(day: dt.date, months: int) -> dt.date:
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def delay_months(birth: dt.date, group: Group) -> int:
    """How many months the group's rule adds to the original age for someone born on ``birth``."""
    start = rules().in_force
    original = _add_months(birth, group.original_age * 12)
    since = (original.year - start.year) * 12 + original.month - start.month
    if since < 0:
        return 0
    return min(since // group.months_per_step + 1, (group.target_age - group.original_age) * 12)


@functools.lru_cache(maxsize=100_000)
def retirement_date(birth: dt.date, group: Group) -> dt.date:
    """The day someone born on ``birth`` reaches the statutory retirement age."""
    return _add_months(birth, group.original_age * 12 + delay_months(birth, group))


def age_text(birth: dt.date, group: Group) -> str:
    """The statutory age in words: ``60 周岁 3 个月``."""
    months = delay_months(birth, group)
    years, rest = divmod(group.original_age * 12 + months, 12)
    return f"{years} 周岁" + (f" {rest} 个月" if rest else "")
