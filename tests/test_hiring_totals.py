"""Hiring plans add up by year and level (``balance --by hiring``), though each body's standing plan
is replaced by the next one: "近三年…用编进人计划161名,占…总计划的80%以上"."""

from __future__ import annotations

import json

from conftest import run_cli, write_ledger

DOC = "doc: 青编〔2021〕1号"
LEDGER = f"""\
- {{date: 2021-01-01, op: open_division, code: C1, name: 青山县, level: 县}}
- {{date: 2021-01-01, op: open_division, code: T1, name: 东镇, level: 乡镇, kind: 镇, parent: C1}}
- {{date: 2021-01-01, op: establish, name: 县委办, division: 青山县, category: 党政机关}}
- {{date: 2021-01-01, op: establish, name: 党政办, division: 东镇, category: 党政机关}}
- {{date: 2021-01-01, op: establish, name: 便民服务中心, division: 东镇, category: 事业单位}}
- {{date: 2021-01-02, op: approve, body: 县委办, type: 行政编制, amount: 10, {DOC}}}
- {{date: 2021-01-02, op: approve, body: 党政办, type: 行政编制, amount: 10, {DOC}}}
- {{date: 2021-01-02, op: approve, body: 便民服务中心, type: 事业编制, amount: 10, {DOC}}}
- {{date: 2021-03-01, op: hiring_plan, body: 党政办, type: 行政编制, amount: 4}}
- {{date: 2021-03-01, op: hiring_plan, body: 便民服务中心, type: 事业编制, amount: 2}}
- {{date: 2021-03-01, op: hiring_plan, body: 县委办, type: 行政编制, amount: 2}}
- {{date: 2022-03-01, op: hiring_plan, body: 党政办, type: 行政编制, amount: 3}}
"""


def rows(root, *args):
    result = run_cli("balance", root, "--by", "hiring", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return {(r["year"], r["division_level"]): r for r in json.loads(result.stdout)}


def test_plans_add_up_by_year_and_level_though_the_next_replaces_the_standing_one(tmp_path):
    root = write_ledger(tmp_path / "县", LEDGER)
    out = rows(root)
    assert out[("2021", "乡镇")]["places"] == 6 and out[("2021", "乡镇")]["places_detail"] == "行政编制 4、事业编制 2"
    assert out[("2021", "县")]["places"] == 2 and out[("2021", "乡镇")]["share"] == 0.75
    assert out[("2022", "乡镇")]["places"] == 3 and out[("2022", "乡镇")]["share"] == 1
    period = out[("合计", "乡镇")]
    assert (period["plans"], period["places"], period["share"]) == (3, 9, round(9 / 11, 4))
    later = rows(root, "--since", "2022-01-01")
    assert list(later) == [("2022", "乡镇"), ("合计", "乡镇")]
    text = run_cli("balance", root, "--by", "进人计划").stdout
    assert "年度" in text and "计划进人" in text and "81.82%" in text
