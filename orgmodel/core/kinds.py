"""The kinds of things replay records, each with its Chinese words, in one table per kind.

- :class:`EventKind`: structural changes shown in change lists (设立, 撤销, 更名 …);
- :class:`FlowKind`: the ways quota moves (核定, 调剂, 随合并划转 …);
- :class:`Fact`: the figures and attributes of a body whose last change is remembered,
  so that a finding points at the directive that made the figure;
- :data:`LEVELS`: the levels of divisions, highest first.

The kinds are string enums: they compare and serialise as their English value, which is
what JSON output carries; people see the Chinese words from these tables only.
"""

from __future__ import annotations

from enum import StrEnum

LEVELS = ("省", "市", "县", "乡镇", "村")  # levels of divisions, highest first

class EventKind(StrEnum):
    CREATED = "created"
    ABOLISHED = "abolished"
    RENAMED = "renamed"
    MERGED = "merged"
    SPLIT = "split"
    FUNCTION_TRANSFERRED = "function_transferred"
    RECLASSIFIED = "reclassified"
    SIGNBOARD_ADDED = "signboard_added"
    SIGNBOARD_REMOVED = "signboard_removed"
    SIGNBOARD_MOVED = "signboard_moved"
    TEMPLATE_APPLIED = "template_applied"
    HIRING_PLAN = "hiring_plan"
    HIRED = "hired"

    @property
    def label(self) -> str:
        """The change's Chinese name in change lists (设立, 整合 …)."""
        return EVENT_WORDS[self][0]

    @property
    def retires(self) -> bool:
        """True for the kinds that end a body: abolished, merged, split."""
        return self in RETIRING_WORDS

    @property
    def retired_label(self) -> str:
        """How a body ended by this event was retired (撤销 / 合并 / 分设)."""
        return RETIRING_WORDS[self][0]

    @property
    def status_label(self) -> str:
        """A retired body's status in a before/after table (撤销 / 并入 / 分设)."""
        return RETIRING_WORDS[self][1]

    @property
    def retired_verb(self) -> str:
        """How a body was retired, in a sentence (撤销 / 因合并撤销 / 因分设撤销)."""
        return RETIRING_WORDS[self][2]


# kind -> (its label in change lists,)
EVENT_WORDS: dict[EventKind, tuple[str, ...]] = {
    EventKind.CREATED: ("设立",),
    EventKind.ABOLISHED: ("撤销",),
    EventKind.RENAMED: ("更名",),
    EventKind.MERGED: ("整合",),
    EventKind.SPLIT: ("分设",),
    EventKind.SIGNBOARD_ADDED: ("加挂牌子",),
    EventKind.SIGNBOARD_REMOVED: ("摘除牌子",),
    EventKind.SIGNBOARD_MOVED: ("牌子转移",),
    EventKind.RECLASSIFIED: ("调整属性",),
    EventKind.FUNCTION_TRANSFERRED: ("职责划转",),
    EventKind.TEMPLATE_APPLIED: ("统一设置",),
    EventKind.HIRING_PLAN: ("用编进人计划",),
    EventKind.HIRED: ("进人",),
}

# the kinds that retire a body -> (how it was retired, its status after, how, in a sentence)
RETIRING_WORDS: dict[EventKind, tuple[str, str, str]] = {
    EventKind.ABOLISHED: ("撤销", "撤销", "撤销"),
    EventKind.MERGED: ("合并", "并入", "因合并撤销"),
    EventKind.SPLIT: ("分设", "分设", "因分设撤销"),
}

# The order change lists are grouped in: the order the kinds are declared in.
EVENT_ORDER = list(EventKind)


class FlowKind(StrEnum):
    APPROVE = "approve"
    INCREASE = "increase"
    CUT = "cut"
    TRANSFER = "transfer"
    LOAN = "loan"
    RETURN = "return"
    ESTABLISH = "establish"
    ABOLISH = "abolish"
    MERGE = "merge"
    SPLIT = "split"
    FUNCTION = "function"
    UNRECORDED = "unrecorded"  # not a move: units a trace finds no record for

    @property
    def label(self) -> str:
        """The move's Chinese name in traces and change lists (核定, 调剂 …)."""
        return FLOW_WORDS[self][0]

    @property
    def move_name(self) -> str:
        """What a move of this kind is called in a finding (调剂, 归还周转编制 …)."""
        return FLOW_WORDS[self][1]

    @property
    def verb(self) -> str:
        """The verb before "<type> N 名" in a finding (调剂, 随合并划转 …)."""
        return FLOW_WORDS[self][2]


# kind -> (label, name in findings, verb in findings)
FLOW_WORDS: dict[FlowKind, tuple[str, str, str]] = {
    FlowKind.APPROVE: ("核定", "核定", "划转"),
    FlowKind.INCREASE: ("核增", "核增", "划转"),
    FlowKind.CUT: ("核减", "核减", "划转"),
    FlowKind.TRANSFER: ("调剂", "调剂", "调剂"),
    FlowKind.LOAN: ("周转借用", "周转借用", "借出"),
    FlowKind.RETURN: ("归还周转", "归还周转编制", "归还"),
    FlowKind.ESTABLISH: ("组建划入", "组建划入", "划入"),
    FlowKind.ABOLISH: ("撤销划转", "撤销划转", "随撤销划转"),
    FlowKind.MERGE: ("合并", "合并", "随合并划转"),
    FlowKind.SPLIT: ("分设", "分设", "随分设划转"),
    FlowKind.FUNCTION: ("职责划转", "职责划转", "随职责划转"),
    FlowKind.UNRECORDED: ("无来源记录", "无来源记录", "划转"),
}


class Fact(StrEnum):
    """A figure or attribute of a body, pool or division whose last change is remembered."""

    ESTABLISH = "establish"      # the body was set up (the fallback for every other fact)
    NAME = "name"
    CATEGORY = "category"
    CLASS = "class"
    RANK = "rank"
    FUNDING = "funding"
    PARENT = "parent"
    LED_BY = "led_by"
    DISPATCHED_FROM = "dispatched_from"
    APPROVED = "approved"        # per quota type
    ACTUAL = "actual"            # per quota type
    HIRE = "hire"                # per quota type: the last hire
    OVER = "over"                # per quota type: the last change that left the body over quota or more so
    PLAN = "plan"                # per quota type
    POSTS = "posts"
    LEADERS = "leaders"
    ABOLISH = "abolish"
    OPENED = "opened"            # a division was opened
    OFF_QUOTA = "off_quota"      # a division's off-quota staff or grids
    COUNTS = "counts"            # named counts of a division or body (网格党支部, 教学现场 …)
    POSITIONS = "positions"      # a body's posts (岗位)


def event_label(kind) -> str:
    """Chinese name of an event kind (the value itself when it is not one)."""
    try:
        return EventKind(kind).label
    except ValueError:
        return str(kind)
