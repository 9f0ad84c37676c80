"""Every rule's finding points at the last directive that changed the figure it is about,
not at the line where the body was first set up."""

from __future__ import annotations

import pytest
from test_rules import findings as rule_findings

from orgmodel.core.findings import Source
from orgmodel.rules import RULES

DOC = "doc: 青编〔2020〕9号"


def corrupt_name(state):
    """A signboard hung behind the name index's back (no directive can do this)."""
    b = next(b for b in state.active_bodies() if b.name == "便民中心")
    state._graph.add_edge(b.node, ("signboard", b.id, "党政综合办公室"), key="carries")


def corrupt_retired(state):
    """Quota put back on an abolished body (no directive can do this)."""
    next(b for b in state.bodies.values() if not b.active).approved["事业编制"] = 1


def corrupt_cycle(state):
    """A led_by link closing a cycle (the reclassify that would close it is refused)."""
    hub = next(b for b in state.active_bodies() if b.name == "便民服务中心")
    office = next(b for b in state.active_bodies() if b.name == "党政综合办公室")
    state._graph.add_edge(hub.node, office.node, key="led_by")


def corrupt_books(state):
    """Quota that did not come by a flow."""
    next(b for b in state.bodies.values() if b.name == "县委编办").approved["行政编制"] += 1


# rule -> (directives appended to test_rules.BASE, line (1-based, within them) the finding must point at,
#          config, a corruption applied to the state before the rules run)
CASES = {
    "over-quota": (f"- {{date: 2020-02-01, op: cut, from: 党政综合办公室, type: 行政编制, amount: 3, {DOC}}}\n", 1, None, None),
    "over-posts": (f"- {{date: 2020-02-01, op: leader_posts, body: 党政综合办公室, posts: {{副职: 1}}, {DOC}}}\n", 1, None, None),
    "over-rank": ("- {date: 2020-02-01, op: reclassify, body: 便民服务中心, rank: 正处}\n", 1, None, None),
    "township-limits": ("- {date: 2020-02-01, op: establish, name: 社会事务中心, division: 青山镇, category: 党政机关}\n"
                        "- {date: 2020-03-01, op: rename, body: 社会事务中心, to: 社会事务办}\n",
                        2, "township_limits: {镇: {offices: 1, centres: 5}}\n", None),
    "quota-band": ("- {date: 2020-02-01, op: establish, name: 综治中心, division: 青山镇, category: 事业单位}\n"
                   f"- {{date: 2020-03-01, op: approve, body: 综治中心, type: 事业编制, amount: 30, {DOC}}}\n", 2, None, None),
    "coordination-quota": ("- {date: 2020-02-01, op: reclassify, body: 便民服务中心, category: 议事协调机构}\n", 1, None, None),
    "township-coordination": ("- {date: 2020-02-01, op: reclassify, body: 便民服务中心, category: 议事协调机构}\n", 1, None, None),
    "unique-names": ("- {date: 2020-02-01, op: rename, body: 便民服务中心, to: 便民中心}\n", 1, None, corrupt_name),
    "acyclic-hierarchy": ("- {date: 2020-02-01, op: reclassify, body: 党政综合办公室, led_by: 便民服务中心}\n", 1, None,
                          corrupt_cycle),
    "abolished-holds": ("- {date: 2020-02-01, op: establish, name: 综治中心, division: 青山镇, category: 事业单位}\n"
                        f"- {{date: 2020-03-01, op: abolish, body: 便民服务中心, quota_to: 收回, staff_to: 综治中心, {DOC}}}\n",
                        2, None, corrupt_retired),
    "total-control": (f"- {{date: 2020-02-01, op: approve, body: 县委编办, type: 行政编制, amount: 10, {DOC}}}\n", 1, None, corrupt_books),
    "cross-level-transfer": (f"- {{date: 2020-02-01, op: transfer, from: 县委编办, to: 党政综合办公室, type: 行政编制, amount: 2, {DOC}}}\n",
                             1, None, None),
    "cross-level-approved": ("- {date: 2020-02-01, op: transfer, from: 县委编办, to: 党政综合办公室, type: 行政编制, amount: 2, "
                             "approved_by: 省编办〔2020〕3号, doc: 青编〔2020〕9号}\n", 1, None, None),
    "grid-size": ("- {date: 2020-02-01, op: off_quota, division: 青山镇, grids: 30}\n"
                  "- {date: 2020-03-01, op: off_quota, division: 青山镇, grids: 10}\n", 2, None, None),
    "overdue-loan": ("- {date: 2020-02-01, op: open_pool, name: 周转池, kind: 周转, division: 青山县}\n"
                     f"- {{date: 2020-02-01, op: approve, body: 周转池, type: 行政编制, amount: 3, {DOC}}}\n"
                     f"- {{date: 2020-02-02, op: transfer, from: 周转池, to: 县委编办, type: 行政编制, amount: 3, term_years: 1, {DOC}}}\n"
                     f"- {{date: 2020-06-01, op: return_loan, body: 县委编办, pool: 周转池, type: 行政编制, amount: 1, {DOC}}}\n"
                     "- {date: 2022-01-01, op: staff, body: 县委编办, actual: {行政编制: 8}}\n",  # the ledger runs past the due date
                     3, None, None),  # the loan set the amount and the due date; a partial return does not move it
    "type-purity": ("- {date: 2020-02-01, op: reclassify, body: 便民服务中心, category: 党政机关}\n", 1, None, None),
    "plan-over-vacancy": ("- {date: 2020-02-01, op: hiring_plan, body: 便民服务中心, type: 事业编制, amount: 5}\n"
                          "- {date: 2020-03-01, op: staff, body: 便民服务中心, actual: {事业编制: 32}}\n", 2, None, None),
    "hire-over-quota": ("- {date: 2020-02-01, op: hiring_plan, body: 便民服务中心, type: 事业编制, amount: 10}\n"
                        "- {date: 2020-03-01, op: hire, body: 便民服务中心, type: 事业编制, count: 8}\n", 2, None, None),
}


def test_every_rule_has_a_location_case():
    assert set(CASES) == set(RULES)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_finding_points_at_the_last_directive_that_changed_the_figure(tmp_path, rule_id):
    extra, line, config, corruption = CASES[rule_id]
    found = [f for f in rule_findings(tmp_path, extra, config, as_of=None, mutate=corruption) if f.rule == rule_id]
    assert found, f"{rule_id} found nothing"
    base_lines = 13
    assert {f.source for f in found} == {Source(str(tmp_path / "ledger.yaml"), base_lines + line)}, [f.format() for f in found]
