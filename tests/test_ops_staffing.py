"""Hiring plans, hires and departures (人走编收), and the quota ops they meet:
transfers (cross-level flagged), pool loans with a term, 核增/核减 and leader posts."""

from __future__ import annotations

import datetime as dt

from ops_support import actual, approved, at, body, clean, pool, refused, run, total

from orgmodel.core.kinds import Fact
from orgmodel.figures.balance import body_balance, leader_balance

LOAN = "- {date: 2021-01-10, op: 调剂, from: 周转池, to: 东镇/综合治理中心, type: 事业编制, amount: 3, doc: x}\n"


def test_hiring_plan_and_hires_use_up_the_plan(tmp_path):
    state = clean(tmp_path, """\
- {date: 2021-02-01, op: 用编进人计划, body: 东镇/综合治理中心, type: 事业编制, amount: 3}
- {date: 2021-03-01, op: 进人, body: 东镇/综合治理中心, type: 事业编制, count: 2}
""")
    b = body(state, "东镇/综合治理中心")
    assert b.planned == {"事业编制": 1} and actual(state, "东镇/综合治理中心", "事业编制") == 2
    assert b.facts.source(Fact.PLAN, "事业编制") == at(tmp_path, 1)
    assert b.facts.source(Fact.ACTUAL, "事业编制") == at(tmp_path, 2)
    row = body_balance(state).query("body_id == @b.id").iloc[0]
    assert (row["approved"], row["actual"], row["vacant"]) == (5, 2, 3)


def test_hire_beyond_plan_and_vacancy_is_recorded_for_the_rules(tmp_path):
    state = clean(tmp_path, "- {date: 2021-03-01, op: hire, body: 东镇/综合治理中心, type: 事业编制, count: 7}\n")
    b = body(state, "东镇/综合治理中心")
    assert actual(state, "东镇/综合治理中心", "事业编制") == 7
    assert b.facts.source(Fact.HIRE, "事业编制") == at(tmp_path, 1)
    row = body_balance(state).query("body_id == @b.id").iloc[0]
    assert row["over"] == 2


def test_same_day_plan_comes_before_hire(tmp_path):
    state = clean(tmp_path, """\
- {date: 2021-03-01, op: hire, body: 东镇/综合治理中心, type: 事业编制, count: 1}
- {date: 2021-03-01, op: hiring_plan, body: 东镇/综合治理中心, type: 事业编制, amount: 2}
""")
    assert body(state, "东镇/综合治理中心").planned == {"事业编制": 1}


def test_depart_reduces_staff(tmp_path):
    state = clean(tmp_path, "- {date: 2021-03-01, op: 减员, body: 政法委, type: 行政编制, count: 4}\n")
    assert actual(state, "政法委", "行政编制") == 5 and approved(state, "政法委", "行政编制") == 10


def test_depart_with_return_to_pool_repays_the_loan(tmp_path):
    before = clean(tmp_path)
    state = clean(tmp_path, LOAN + """\
- {date: 2021-02-01, op: hire, body: 东镇/综合治理中心, type: 事业编制, count: 3}
- {date: 2022-05-01, op: depart, body: 东镇/综合治理中心, type: 事业编制, count: 2, return_to_pool: 周转池, doc: x}
""")
    loan = state.loans[0]
    assert (loan.amount, loan.returned, loan.outstanding) == (3, 2, 1)
    assert loan.due == dt.date(2024, 1, 10)
    assert pool(state, "周转池", "事业编制") == 9
    assert approved(state, "东镇/综合治理中心", "事业编制") == 6
    assert actual(state, "东镇/综合治理中心", "事业编制") == 1
    assert state.flows[-1].kind == "return"
    assert total(state, "事业编制") == total(before, "事业编制")


def test_staffing_misuses(tmp_path):
    refused(tmp_path, "- {date: 2021-03-01, op: depart, body: 政法委, type: 行政编制, count: 10}\n", "negative-staff")
    refused(tmp_path, "- {date: 2021-03-01, op: depart, body: 政法委, type: 行政编制, count: 1, return_to_pool: 周转池, doc: x}\n",
            "bad-loan-return")
    refused(tmp_path, "- {date: 2021-03-01, op: depart, body: 政法委, type: 行政编制, count: 1, return_to_pool: 无此池, doc: x}\n",
            "unknown-pool")
    refused(tmp_path, "- {date: 2021-03-01, op: hire, body: 无此机构, type: 行政编制, count: 1}\n", "unknown-body")
    refused(tmp_path, "- {date: 2021-03-01, op: hiring_plan, body: 无此机构, type: 行政编制, amount: 1}\n", "unknown-body")


def test_staffing_field_errors_are_load_findings(tmp_path):
    _, read = run(tmp_path, """\
- {date: 2021-03-01, op: hire, body: 政法委, type: 行政编制, count: -1}
- {date: 2021-03-01, op: depart, body: 政法委, type: 编外, count: 1}
- {date: 2021-03-01, op: depart, body: 政法委, type: 行政编制, count: 1, return_to_pool: 周转池}
""")
    assert [(f.rule, f.source) for f in read] == [
        ("negative-count", at(tmp_path, 1)), ("unknown-quota-type", at(tmp_path, 2)), ("missing-doc", at(tmp_path, 3))]


def test_depart_of_loaned_body_that_lost_the_quota_is_refused(tmp_path):
    extra = LOAN + """\
- {date: 2021-02-01, op: hire, body: 东镇/综合治理中心, type: 事业编制, count: 3}
- {date: 2021-03-01, op: transfer, from: 东镇/综合治理中心, to: 收回编制池, type: 事业编制, amount: 7, doc: x}
- {date: 2022-05-01, op: depart, body: 东镇/综合治理中心, type: 事业编制, count: 3, return_to_pool: 周转池, doc: x}
"""
    state, _ = run(tmp_path, extra)
    assert [(f.rule, f.source) for f in state.findings] == [("insufficient-quota", at(tmp_path, 4))]
    assert actual(state, "东镇/综合治理中心", "事业编制") == 3


# -- quota ops from issue 3 ----------------------------------------------------------------
def test_cross_level_transfer_is_flagged_and_same_level_is_not(tmp_path):
    state = clean(tmp_path, """\
- {date: 2021-03-01, op: 调剂, from: 收回编制池, to: 东镇/综合治理中心, type: 事业编制, amount: 2, doc: x}
- {date: 2021-03-01, op: 调剂, from: 收回编制池, to: 综合治理事务中心, type: 事业编制, amount: 2, doc: x}
""")
    assert [f.cross_level for f in state.flows[-2:]] == [True, False]
    flows = [e[2]["flow"] for e in state.graph.edges(data=True) if "flow" in e[2]]
    assert len([f for f in flows if f.kind == "transfer" and f.cross_level]) == 1


def test_loan_term_and_return(tmp_path):
    state = clean(tmp_path, """\
- {date: 2021-01-10, op: transfer, from: 周转池, to: 政法委, type: 事业编制, amount: 2, term_years: 2, doc: x}
- {date: 2021-06-01, op: 归还周转编制, body: 政法委, pool: 周转池, type: 事业编制, doc: x}
""")
    loan = state.loans[0]
    assert loan.due == dt.date(2023, 1, 10) and loan.outstanding == 0
    assert pool(state, "周转池", "事业编制") == 10


def test_increase_and_cut_change_the_total(tmp_path):
    before = clean(tmp_path)
    state = clean(tmp_path, """\
- {date: 2021-03-01, op: 核增, to: 收回编制池, type: 事业编制, amount: 5, doc: x}
- {date: 2021-03-02, op: 核减, from: 政法委, type: 行政编制, amount: 1, doc: x}
""")
    assert total(state, "事业编制") == total(before, "事业编制") + 5
    assert total(state, "行政编制") == total(before, "行政编制") - 1
    assert [(f.src, f.dst) for f in state.flows[-2:]] == [(None, ("pool", "收回编制池")), (body(state, "政法委").node, None)]


def test_quota_op_misuses(tmp_path):
    refused(tmp_path, "- {date: 2021-03-01, op: 核减, from: 政法委, type: 行政编制, amount: 11, doc: x}\n", "insufficient-quota")
    refused(tmp_path, "- {date: 2021-03-01, op: 调剂, from: 政法委, to: 政法委, type: 行政编制, amount: 1, doc: x}\n", "bad-value")
    refused(tmp_path, "- {date: 2021-03-01, op: 调剂, from: 周转池, to: 政法委, type: 事业编制, amount: 11, doc: x}\n",
            "insufficient-quota")
    refused(tmp_path, "- {date: 2021-03-01, op: 归还周转编制, body: 政法委, pool: 周转池, type: 事业编制, amount: 1, doc: x}\n",
            "bad-loan-return")


def test_leader_posts(tmp_path):
    state = clean(tmp_path, "- {date: 2021-03-01, op: 职数核定, body: 政法委, posts: {正职: 1, 副职: 2}, doc: x}\n")
    lb = leader_balance(state)
    assert lb[lb["body"] == "政法委"].set_index("post")["approved"].to_dict() == {"正职": 1, "副职": 2}
