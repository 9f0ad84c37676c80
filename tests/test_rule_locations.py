"""Every rule's finding points at the last directive that changed the figure it is about,
not at the line where the body was first set up; every roster rule's at the roster cell it
is about (or at the directive or file, for the two that concern those)."""

from __future__ import annotations

import json

import pytest
from conftest import run_cli, write_ledger
from test_roster import MORE, person_id, roster_csv
from test_rules import findings as rule_findings

from orgmodel.core.findings import Source
from orgmodel.rules import ROSTER, RULES, STATE, rules_of

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
    "coordination-limit": ("- {date: 2020-02-01, op: establish, name: 县安全生产委员会, division: 青山县, category: 议事协调机构}\n"
                           "- {date: 2020-03-01, op: reclassify, body: 县委编办, category: 议事协调机构}\n", 2,
                           "coordination_limits: {县: 1}\n", None),
    "off-standard": ("- {date: 2020-02-01, op: counts, body: 便民服务中心, counts: {服务人口: 3500}}\n"
                     f"- {{date: 2020-03-01, op: cut, from: 便民服务中心, type: 事业编制, amount: 5, {DOC}}}\n", 2,
                     "standards: {便民服务: {measures: 事业编制, where: {name_endings: [服务中心]}, versions: "
                     "[{from: 2019-01-01, doc: 青编〔2019〕1号, ratio: {服务人口: 100}}]}}\n", None),
    "standard-driver-name": ("- {date: 2020-02-01, op: counts, body: 便民服务中心, counts: {服务人口: 3500}}\n"
                             "- {date: 2020-03-01, op: counts, body: 便民服务中心, counts: {服务人数: 3500}}\n", 2,
                             "standards: {便民服务: {measures: 事业编制, where: {name_endings: [服务中心]}, versions: "
                             "[{from: 2019-01-01, doc: 青编〔2019〕1号, ratio: {服务对象: 100}}]}}\n", None),
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
    assert set(CASES) == {r.id for r in rules_of(STATE)}
    assert set(ROSTER_CASES) == {r.id for r in rules_of(ROSTER)}
    assert set(CASES) | set(ROSTER_CASES) == set(RULES)


@pytest.mark.parametrize("rule_id", sorted(CASES))
def test_finding_points_at_the_last_directive_that_changed_the_figure(tmp_path, rule_id):
    extra, line, config, corruption = CASES[rule_id]
    found = [f for f in rule_findings(tmp_path, extra, config, as_of=None, mutate=corruption) if f.rule == rule_id]
    assert found, f"{rule_id} found nothing"
    base_lines = 13
    assert {f.source for f in found} == {Source(str(tmp_path / "ledger.yaml"), base_lines + line)}, [f.format() for f in found]


# The roster rules, all found in one roster folder audited against test_roster.MORE and the
# lines below (19-24). Rows of 2022-12-31.csv (row 1 is the header): each person is there
# for the problem named beside them; a few problems bring others with them (a person in a
# body with no quota of their type is also over quota there, and entered over it).
ROSTER_LEDGER = MORE + """\
- {date: 2021-01-01, op: approve, body: 县委办, type: 行政编制, amount: 6, doc: 青编〔2021〕1号}
- {date: 2021-01-01, op: staff, body: 县委办, actual: {行政编制: 6}}
- {date: 2021-01-01, op: establish, name: 综治中心, division: 东镇, category: 事业单位, class: 公益一类}
- {date: 2021-01-01, op: approve, body: 综治中心, type: 事业编制, amount: 3, doc: 青编〔2021〕1号}
- {date: 2021-01-01, op: staff, body: 综治中心, actual: {事业编制: 2}}
- {date: 2022-03-01, op: depart, body: 县委办, type: 行政编制, count: 2}
"""
ROSTER_CASES = {
    "roster-over-posts": {"I3"},                    # a second 正职 where one is approved
    "roster-id-birth": {"D4"},
    "roster-signboard": {"E4"},
    "roster-id-sex": {"B5"},
    "roster-former-name": {"E5"},
    "roster-coordination": {"E6"},
    "roster-unknown-body": {"E7"},
    "roster-entry-before-body": {"K8"},
    "roster-entry-date": {"K9"},
    "roster-possible-duplicate": {"A11"},
    "roster-bad-id": {"C12"},
    "roster-mixed-type": {"G12"},
    "roster-abolished-body": {"E13"},
    "roster-unknown-type": {"G14"},
    "roster-duplicate-id": {"C15"},
    "roster-repeated-row": {"C16"},
    "roster-past-retirement": {"D17"},
    "roster-no-basis": {"M17"},                     # the blank 控编单号
    # the first person beyond the quota: 党政办 (row 18), and bodies with none of the type
    "roster-over-quota": {"E5", "E6", "E8", "E12", "E18"},
    "roster-entry-over-quota": {"K5", "K6", "K8", "K12", "K18"},
    # the first person counted; 综治中心 has nobody on the roster: its staff directive
    "roster-ledger-mismatch": {"E5", "E6", "E8", "E9", "E12", "E15", "ledger.yaml:23"},
    # leaving 旧站 (abolished) and 党政办 with no depart, entering 新中心 with no hire
    "roster-unrecorded-movement": {"2021-12-31.csv!E13", "2021-12-31.csv!E19", "E8"},
    "roster-movement-missing": {"ledger.yaml:24"},  # two departures recorded, one person left
    "roster-date": {"说明.csv"},                     # a file without a date in a folder of dated ones
}


@pytest.fixture(scope="module")
def roster_found(tmp_path_factory):
    """``{rule: {place}}`` of ``orgmodel audit`` on the roster folder described above: a place
    is a cell of 2022-12-31.csv (``E6``), of another file (``2021-12-31.csv!E13``), a ledger
    line (``ledger.yaml:23``) or a file."""
    tmp = tmp_path_factory.mktemp("roster-locations")
    ledger = write_ledger(tmp / "led", ROSTER_LEDGER)
    ids = [person_id(f"1980-0{m}-0{m}", m % 2 == 1, m) for m in range(1, 10)]
    twin_a, twin_b = person_id("1983-03-03", True, 7), person_id("1983-03-03", True, 8)
    late, gone, old, spare = (person_id(d, True, n) for d, n in
                              (("1984-04-04", 11), ("1986-06-06", 12), ("1950-05-05", 13), ("1988-08-08", 15)))
    bad = late[:17] + ("0" if late[17] != "0" else "1")
    rows = [
        f"王一,男,{ids[0]},1980-01-01,县委办,,行政编制,在编,正职,管理,2021-01-01,文1,KB1",
        f"王二,女,{ids[1]},1980-02-02,县委办,,行政编制,在编,正职,管理,2021-01-01,文2,KB2",        # 3
        f"王三,男,{ids[2]},1980-03-04,县保密办,,行政编制,在编,,管理,2021-01-01,文3,KB3",          # 4: birth, signboard
        f"王四,男,{ids[3]},1980-04-04,党政办,西乡,行政编制,在编,,管理,2021-01-01,文4,KB4",        # 5: sex, former name
        f"王五,男,{ids[4]},1980-05-05,安委会,,行政编制,在编,,管理,2021-01-01,文5,KB5",            # 6: 议事协调机构
        f"王六,女,{ids[5]},1980-06-06,不存在的局,,行政编制,在编,,管理,2021-01-01,文6,KB6",        # 7
        f"王七,男,{ids[6]},1980-07-07,新中心,东镇,事业编制,在编,,管理,2021-03-01,文7,KB7",        # 8: before set up
        f"王八,女,{ids[7]},1980-08-08,便民服务中心,东镇,事业编制,在编,,管理,2023-05-01,文8,KB8",   # 9: after the date
        f"李同,男,{twin_a},1983-03-03,便民服务中心,东镇,事业编制,在编,,管理,2021-01-01,文9,KB9",
        f"李同,男,{twin_b},1983-03-03,县委办,,行政编制,在编,,管理,2021-01-01,文10,KB10",          # 11
        f"李坏,男,{bad},1984-04-04,便民服务中心,东镇,行政编制,在编,,管理,2021-01-01,文11,KB11",    # 12: ID, type
        f"李旧,男,{gone},1986-06-06,旧站,西乡,事业编制,在编,,管理,2021-01-01,文12,KB12",          # 13: abolished
        f"李空,男,{spare},1988-08-08,党政办,东镇,,在编,,管理,2021-01-01,文13,KB13",               # 14: no type
        f"王一,男,{ids[0]},1980-01-01,党政办,东镇,行政编制,在编,,管理,2021-01-01,文1,KB1",         # 15: in two bodies
        f"王一,男,{ids[0]},1980-01-01,党政办,东镇,行政编制,在编,,管理,2021-01-01,文1,KB1",         # 16: twice in one
        f"李老,男,{old},1950-05-05,党政办,东镇,行政编制,在编,,管理,2021-02-01,文14,",              # 17: retired, no 控编单号
        f"李新,男,{late},1984-04-04,党政办,东镇,行政编制,在编,,管理,2021-03-01,文15,KB15",          # 18: the third of two
    ]
    leavers = [f"李走,男,{person_id('1987-07-07', True, 14)},1987-07-07,党政办,东镇,行政编制,在编,,管理,2021-01-01,文16,KB16",
               f"李离,男,{person_id('1989-09-09', True, 16)},1989-09-09,县委办,,行政编制,在编,,管理,2021-01-01,文17,KB17"]
    folder = tmp / "花名册"
    folder.mkdir()
    roster_csv(folder / "2021-12-31.csv", rows + leavers)
    roster_csv(folder / "2022-12-31.csv", rows)
    roster_csv(folder / "说明.csv", rows[:1])
    result = run_cli("audit", ledger, "--roster", folder, "--format", "json")
    assert result.exit_code == 1, result.output
    found: dict[str, set[str]] = {}
    for f in json.loads(result.stdout)["findings"]:
        place = f["source"].replace(f"{folder}/", "").replace(f"{ledger}/", "").removeprefix("2022-12-31.csv!")
        found.setdefault(f["rule"], set()).add(place)
    return found


@pytest.mark.parametrize("rule_id", sorted(ROSTER_CASES))
def test_a_roster_finding_points_at_the_cell_it_is_about(roster_found, rule_id):
    assert roster_found.get(rule_id) == ROSTER_CASES[rule_id]


def test_the_roster_case_finds_nothing_but_roster_rules(roster_found):
    assert set(roster_found) == set(ROSTER_CASES)
