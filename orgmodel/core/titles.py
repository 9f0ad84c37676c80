"""The Chinese name of every kind of finding: one table for every output.

A finding's ``rule`` is an id (``over-quota``, ``unknown-body``): it stays in JSON and in a
column of CSV files and workbooks, for those who configure rules. Everything a clerk reads
(``check``'s lines, pages, workbooks) shows the Chinese name instead: :func:`title_of`.

The rules of the registry (:mod:`orgmodel.rules.registry`) add their titles here when they
register; the ids below are the problems found while reading files, validating directives,
replaying them and checking a store, which are not rules (they cannot be switched off).
"""

from __future__ import annotations

# Problems of reading, validating and replaying (docs/ledger-format.md §13), of workbooks
# and CSV tables (docs/tables.md), of scenarios, of the store and of the config.
READING_TITLES: dict[str, str] = {
    # reading files
    "bad-yaml": "YAML格式错误", "bad-encoding": "编码无法识别", "unreadable": "文件无法读取",
    "skipped-path": "未读取的路径", "bad-file": "文件内容不对", "bad-directive": "指令写法有误",
    # workbooks and CSV tables
    "bad-header": "表头有误", "extra-column": "未使用的列", "lone-cell": "只有一格的行", "example-row": "示例行",
    "unknown-sheet": "不认识的工作表", "missing-date": "缺少台账日期", "too-many-rows": "行数超过上限",
    # validating each directive
    "missing-field": "缺少必填项", "unknown-op": "未知指令", "unknown-field": "未知字段", "duplicate-field": "字段重复",
    "bad-date": "日期有误", "bad-count": "数量有误", "negative-count": "数量为负", "unknown-quota-type": "未知编制类型",
    "bad-value": "取值无效", "missing-doc": "缺少文号",
    # replaying
    "unknown-division": "找不到区划", "unknown-body": "找不到机构", "same-day-order": "同日顺序",
    "ambiguous-name": "名称不唯一", "abolished-body": "机构已撤销", "unknown-pool": "找不到编制池",
    "unknown-signboard": "找不到牌子", "duplicate-name": "重名", "duplicate-division": "区划代码重复",
    "insufficient-quota": "编制不足", "unaccounted": "去向未写明", "balance-assertion": "余额不符",
    "bad-loan-return": "归还多于借用", "hierarchy-cycle": "隶属关系成环", "bad-parent": "上级有误",
    "split-shares": "分设份额不符", "negative-staff": "减员多于实有", "not-duty-lead": "非牵头单位", "unknown-duty": "找不到事项",
    "people-follow-quota": "人员未随编划转", "no-change": "没有变化", "unknown-template": "找不到模板",
    "bad-template": "模板有误", "template-missing": "模板无对应机构", "template-signboard": "模板对应到牌子",
    # scenarios, config, the store, the program itself
    "scenario-after-as-of": "晚于模拟日期", "config": "配置有误", "chain-broken": "记录链断开",
    "bad-record": "记录被改动", "internal-error": "内部错误",
}

TITLES: dict[str, str] = dict(READING_TITLES)


def register_title(finding_id: str, title: str) -> None:
    """Give ``finding_id`` (a rule of the registry) its Chinese name."""
    if TITLES.get(finding_id, title) != title:
        raise ValueError(f"finding id {finding_id} has two titles: {TITLES[finding_id]} and {title}")
    TITLES[finding_id] = title


def title_of(finding_id: str) -> str:
    """The Chinese name of a kind of finding (the id itself when it has none)."""
    return TITLES.get(finding_id, finding_id)
