"""Merge, split, abolish, establish, reclassify, signboard move and function transfer:
their effect on the graph and on balances, and a clear finding for every misuse."""

from __future__ import annotations

from conftest import run_cli
from ops_support import BASE, actual, approved, at, body, clean, pool, refused, run, snapshot, total

from orgmodel.figures.balance import leader_balance

MERGE_NEW = """\
- date: 2021-03-01
  op: 合并
  doc: 滕编〔2021〕1号
  sources: [综合治理事务中心, 新居民服务管理办公室]
  new: {name: 社会治理综合服务中心, class: 公益一类, led_by: 政法委}
"""


# -- merge -------------------------------------------------------------------------------
def test_merge_into_new_body_moves_everything_and_conserves_total(tmp_path):
    before = clean(tmp_path)
    state = clean(tmp_path, MERGE_NEW)
    c = body(state, "社会治理综合服务中心")
    assert (c.category, c.klass, c.division) == ("事业单位", "公益一类", "C1")
    assert approved(state, "社会治理综合服务中心", "事业编制") == 11
    assert actual(state, "社会治理综合服务中心", "事业编制") == 9
    assert state.signboards(c) == ["矛盾调处中心"] and c.leaders == {"正职": 1}
    assert total(state, "事业编制") == total(before, "事业编制")
    old = [b for b in state.bodies.values() if b.name in ("综合治理事务中心", "新居民服务管理办公室")]
    assert all(not b.active and not any(b.approved.values()) and not any(b.actual.values()) for b in old)
    assert state.graph.has_edge(c.node, body(state, "政法委").node, key="led_by")
    assert state.parent(body(state, "信息科")) is c
    assert {d.lead for d in state.duties.values()} == {c.id}
    assert body(state, "矛盾调处中心") is c
    merged = [e for e in state.events if e.kind == "merged"]
    assert len(merged) == 1 and c.id in merged[0].bodies and "社会治理综合服务中心" in merged[0].text
    assert [f.kind for f in state.flows[-2:]] == ["merge", "merge"]


def test_tengzhou_centre_reaches_35_quota_and_4_posts(tmp_path):
    state = clean(tmp_path, MERGE_NEW + """\
- {date: 2021-03-01, op: 加挂, body: 社会治理综合服务中心, name: 网格化服务管理中心}
- {date: 2021-03-01, op: 调剂, from: 收回编制池, to: 社会治理综合服务中心, type: 事业编制, amount: 24, doc: 滕编〔2021〕1号}
- {date: 2021-03-01, op: 职数核定, body: 社会治理综合服务中心, posts: {正职: 1, 副职: 3}, doc: 滕编〔2021〕1号}
""")
    assert approved(state, "社会治理综合服务中心", "事业编制") == 35
    posts = leader_balance(state)
    assert int(posts[posts["body"] == "社会治理综合服务中心"]["approved"].sum()) == 4
    assert pool(state, "收回编制池", "事业编制") == 6
    assert "网格化服务管理中心" in state.signboards(body(state, "社会治理综合服务中心"))


def test_merge_into_existing_keeps_old_names_as_signboards(tmp_path):
    state = clean(tmp_path, """\
- {date: 2021-03-01, op: 整合, sources: [新居民服务管理办公室], into: 综合治理事务中心, keep_names: true, doc: x}
""")
    c = body(state, "综合治理事务中心")
    assert body(state, "新居民服务管理办公室") is c
    assert state.signboards(c) == ["矛盾调处中心", "新居民服务管理办公室"]
    assert approved(state, "综合治理事务中心", "事业编制") == 11


def test_merge_routes_part_of_the_quota_to_the_reclaim_pool(tmp_path):
    state = clean(tmp_path, MERGE_NEW + """\
  quota_to: [{to: 收回, type: 事业编制, amount: 2}]
""")
    assert approved(state, "社会治理综合服务中心", "事业编制") == 9
    assert pool(state, "收回编制池", "事业编制") == 32


def test_merge_across_levels_flags_the_flow_cross_level(tmp_path):
    state = clean(tmp_path, """\
- {date: 2021-03-01, op: merge, sources: [东镇/综合治理中心], into: 综合治理事务中心, doc: x}
""")
    assert approved(state, "综合治理事务中心", "事业编制") == 13
    assert state.flows[-1].kind == "merge" and state.flows[-1].cross_level


def test_merge_misuses_are_findings_and_change_nothing(tmp_path):
    refused(tmp_path, """\
- {date: 2021-03-01, op: merge, sources: [综合治理事务中心], into: 政法委, new: {name: X}, doc: x}
""", "missing-field")
    refused(tmp_path, """\
- {date: 2021-03-01, op: merge, sources: [综合治理事务中心, 政法委], into: 政法委, doc: x}
""", "bad-value")
    refused(tmp_path, """\
- date: 2021-03-01
  op: merge
  doc: x
  sources: [综合治理事务中心, 不存在中心]
  into: 政法委
""", "unknown-body", 4)
    refused(tmp_path, """\
- {date: 2021-03-01, op: merge, sources: [综合治理事务中心, 东镇/综合治理中心], new: {name: X中心}, doc: x}
""", "missing-field")
    refused(tmp_path, MERGE_NEW.replace("name: 社会治理综合服务中心", "name: 政法委"), "duplicate-name", 5)
    refused(tmp_path, MERGE_NEW + "  quota_to: [{to: 收回编制池, type: 事业编制, amount: 12}]\n", "insufficient-quota", 6)
    refused(tmp_path, MERGE_NEW + "  staff_to: [{to: 收回编制池, amount: 1}]\n", "unknown-body", 6)
    refused(tmp_path, """\
- {date: 2021-03-01, op: merge, sources: [南街道/党政办], into: 东镇/综合治理中心, keep_names: true, doc: x}
""", "duplicate-name")


def test_merge_without_document_is_a_load_finding(tmp_path):
    _, read = run(tmp_path, "- {date: 2021-03-01, op: merge, sources: [新居民服务管理办公室], into: 综合治理事务中心}\n")
    assert [f.rule for f in read] == ["missing-doc"] and read[0].source == at(tmp_path, 1)


def test_merging_an_abolished_body_is_refused(tmp_path):
    extra = """\
- {date: 2021-03-01, op: merge, sources: [新居民服务管理办公室], into: 综合治理事务中心, doc: x}
- {date: 2021-04-01, op: merge, sources: [新居民服务管理办公室], into: 政法委, doc: x}
"""
    state, _ = run(tmp_path, extra)
    assert [(f.rule, f.source) for f in state.findings] == [("abolished-body", at(tmp_path, 2))]


# -- split -------------------------------------------------------------------------------
SPLIT = """\
- date: 2021-03-01
  op: 分设
  doc: x
  source: 综合治理事务中心
  into:
    - {name: 综治服务中心, quota: {事业编制: 5}, staff: {事业编制: 4}, signboards: [矛盾调处中心], duties: [矛盾纠纷排查], children: [信息科]}
    - {name: 网格管理中心, class: 公益一类, quota: {事业编制: 3}, staff: {事业编制: 2}}
"""


def test_split_shares_quota_staff_and_items(tmp_path):
    before = clean(tmp_path)
    state = clean(tmp_path, SPLIT)
    a, b = body(state, "综治服务中心"), body(state, "网格管理中心")
    assert (approved(state, "综治服务中心", "事业编制"), actual(state, "综治服务中心", "事业编制")) == (5, 4)
    assert (approved(state, "网格管理中心", "事业编制"), actual(state, "网格管理中心", "事业编制")) == (3, 2)
    assert (a.klass, b.klass) == ("公益二类", "公益一类")
    assert state.signboards(a) == ["矛盾调处中心"] and state.parent(body(state, "信息科")) is a
    assert state.duties["C1/矛盾纠纷排查"].lead == a.id
    assert total(state, "事业编制") == total(before, "事业编制")
    assert state.find_body("综合治理事务中心")[0] is None
    ev = [e for e in state.events if e.kind == "split"]
    assert len(ev) == 1 and set(ev[0].bodies) >= {a.id, b.id}
    assert {f.kind for f in state.flows[-2:]} == {"split"}


def test_split_may_give_a_part_the_old_name(tmp_path):
    state = clean(tmp_path, SPLIT.replace("name: 综治服务中心", "name: 综合治理事务中心"))
    assert approved(state, "综合治理事务中心", "事业编制") == 5


def test_split_misuses(tmp_path):
    refused(tmp_path, SPLIT.replace("quota: {事业编制: 3}", "quota: {事业编制: 2}"), "split-shares", 5)
    hits = refused(tmp_path, SPLIT.replace("staff: {事业编制: 2}", "staff: {事业编制: 5}"), "split-shares", 5)
    assert "多分 3 名" in hits[0].message
    refused(tmp_path, SPLIT.replace("signboards: [矛盾调处中心], ", ""), "unaccounted", 5)
    refused(tmp_path, SPLIT.replace("duties: [矛盾纠纷排查]", "duties: [无此事项]"), "bad-value", 5)
    refused(tmp_path, SPLIT.replace("children: [信息科]", "children: []"), "unaccounted", 5)
    refused(tmp_path, SPLIT.replace("name: 网格管理中心", "name: 政法委"), "duplicate-name", 5)
    refused(tmp_path, SPLIT.replace("name: 网格管理中心", "name: 综治服务中心"), "duplicate-name", 5)
    one = "\n".join(SPLIT.splitlines()[:-1]) + "\n"
    refused(tmp_path, one, "bad-value", 5)


def test_split_drop_signboards_frees_the_name(tmp_path):
    extra = SPLIT.replace("signboards: [矛盾调处中心], ", "") + "  drop_signboards: true\n"
    state = clean(tmp_path, extra)
    assert state.find_body("矛盾调处中心")[0] is None


# -- abolish -----------------------------------------------------------------------------
def test_abolish_accounts_for_everything(tmp_path):
    state = clean(tmp_path, """\
- date: 2021-03-01
  op: 撤销
  doc: x
  body: 综合治理事务中心
  quota_to: 收回
  staff_to: 新居民服务管理办公室
  signboards_to: drop
  duties_to: 政法委
  children_to: 政法委
""")
    assert pool(state, "收回编制池", "事业编制") == 38
    assert actual(state, "新居民服务管理办公室", "事业编制") == 9
    assert state.duties["C1/矛盾纠纷排查"].lead == body(state, "政法委").id
    assert state.duties["C1/矛盾纠纷排查"].support == []
    assert state.parent(body(state, "信息科")) is body(state, "政法委")
    assert state.find_body("矛盾调处中心")[0] is None
    assert state.events[-1].kind == "abolished" and "收回编制池" in state.events[-1].text


def test_abolish_misuses(tmp_path):
    full = """\
- date: 2021-03-01
  op: 撤销
  doc: x
  body: 综合治理事务中心
  quota_to: 收回
  staff_to: 新居民服务管理办公室
  signboards_to: drop
  duties_to: 政法委
  children_to: 政法委
"""
    refused(tmp_path, full.replace("  quota_to: 收回\n", ""), "unaccounted")
    refused(tmp_path, full.replace("  staff_to: 新居民服务管理办公室\n", ""), "unaccounted")
    refused(tmp_path, full.replace("staff_to: 新居民服务管理办公室", "staff_to: 收回编制池"), "unknown-body", 6)
    refused(tmp_path, full.replace("  signboards_to: drop\n", ""), "unaccounted")
    refused(tmp_path, full.replace("  duties_to: 政法委\n", ""), "unaccounted")
    refused(tmp_path, full.replace("children_to: 政法委", "children_to: 信息科"), "hierarchy-cycle", 9)
    refused(tmp_path, full.replace("quota_to: 收回", "quota_to: [{to: 政法委, amount: 9}]"), "insufficient-quota", 5)


# -- establish ---------------------------------------------------------------------------
def test_establish_from_pool_records_establish_flow(tmp_path):
    state = clean(tmp_path, """\
- {date: 2021-03-01, op: 组建, name: 社会信用中心, division: 青山县, category: 事业单位, quota_from: [{from: 收回编制池, type: 事业编制, amount: 4}], doc: x}
""")
    assert approved(state, "社会信用中心", "事业编制") == 4 and pool(state, "收回编制池", "事业编制") == 26
    assert state.flows[-1].kind == "establish" and state.events[-1].kind == "created"


def test_establish_refuses_before_creating_anything(tmp_path):
    refused(tmp_path, """\
- date: 2021-03-01
  op: establish
  name: 社会信用中心
  division: 青山县
  category: 事业单位
  quota_from: [{from: 收回编制池, type: 事业编制, amount: 20}, {from: 收回编制池, type: 事业编制, amount: 20}]
  doc: x
""", "insufficient-quota", 6)
    refused(tmp_path, """\
- {date: 2021-03-01, op: establish, name: 社会信用中心, division: 青山县, category: 事业单位, signboards: [政法委]}
""", "duplicate-name")


# -- reclassify ----------------------------------------------------------------------------
def test_reclassify_changes_attributes_and_edges(tmp_path):
    state = clean(tmp_path, """\
- {date: 2021-03-01, op: 调整机构属性, body: 综合治理事务中心, class: 公益一类, rank: 副科, funding: 全额拨款, led_by: 政法委}
- {date: 2021-03-02, op: reclassify, body: 新居民服务管理办公室, category: 参公单位, parent: 政法委}
- {date: 2021-03-03, op: reclassify, body: 综合治理事务中心, led_by: 无}
""")
    a, b = body(state, "综合治理事务中心"), body(state, "新居民服务管理办公室")
    assert (a.klass, a.rank, a.funding, state.leader(a)) == ("公益一类", "副科", "全额拨款", None)
    assert not any(k == "led_by" for _, _, k in state.graph.out_edges(a.node, keys=True))
    assert (b.category, b.klass, state.parent(b)) == ("参公单位", None, body(state, "政法委"))
    assert state.graph.has_edge(b.node, body(state, "政法委").node, key="part_of")
    assert [e.kind for e in state.events[-3:]] == ["reclassified"] * 3
    assert "公益二类→公益一类" in state.events[-3].text


def test_reclassify_misuses(tmp_path):
    refused(tmp_path, "- {date: 2021-03-01, op: reclassify, body: 综合治理事务中心, parent: 信息科}\n", "hierarchy-cycle")
    refused(tmp_path, "- {date: 2021-03-01, op: reclassify, body: 政法委, led_by: 政法委}\n", "hierarchy-cycle")
    refused(tmp_path, "- {date: 2021-03-01, op: reclassify, body: 政法委}\n", "missing-field")
    refused(tmp_path, "- {date: 2021-03-01, op: reclassify, body: 政法委, led_by: 无此机构}\n", "unknown-body")
    refused(tmp_path, "- {date: 2021-03-01, op: reclassify, body: 政法委, rank: 正科}\n", "no-change")


# -- signboard move ------------------------------------------------------------------------
def test_signboard_move(tmp_path):
    state = clean(tmp_path, "- {date: 2021-03-01, op: 移牌, name: 矛盾调处中心, from: 综合治理事务中心, to: 政法委}\n")
    assert body(state, "矛盾调处中心") is body(state, "政法委")
    assert state.signboards(body(state, "综合治理事务中心")) == []
    assert state.events[-1].kind == "signboard_moved"


def test_signboard_move_misuses(tmp_path):
    refused(tmp_path, "- {date: 2021-03-01, op: 移牌, name: 无此牌, from: 综合治理事务中心, to: 政法委}\n", "unknown-signboard")
    refused(tmp_path, "- {date: 2021-03-01, op: 移牌, name: 矛盾调处中心, from: 综合治理事务中心, to: 矛盾调处中心}\n", "bad-value")
    first = "- {date: 2021-03-01, op: 加挂, body: 西乡/综合治理中心, name: 综治办}\n"
    move = "- {date: 2021-03-02, op: 移牌, name: 综治办, from: 西乡/综合治理中心, to: 东镇/综合治理中心}\n"
    one, _ = run(tmp_path, first)
    two, _ = run(tmp_path, first + move)
    assert [(f.rule, f.source) for f in two.findings] == [("duplicate-name", at(tmp_path, 2))]
    assert snapshot(one) == snapshot(two)


# -- function transfer ---------------------------------------------------------------------
FT = """\
- date: 2021-03-01
  op: 职责划转
  doc: x
  from: 综合治理事务中心
  to: 东镇/综合治理中心
  quota: {事业编制: 2}
  staff: {事业编制: 2}
  duties: [矛盾纠纷排查]
"""


def test_function_transfer_moves_quota_people_and_duties(tmp_path):
    before = clean(tmp_path)
    state = clean(tmp_path, FT)
    assert approved(state, "综合治理事务中心", "事业编制") == 6 and actual(state, "综合治理事务中心", "事业编制") == 4
    assert approved(state, "东镇/综合治理中心", "事业编制") == 7 and actual(state, "东镇/综合治理中心", "事业编制") == 2
    assert state.duties["C1/矛盾纠纷排查"].lead == body(state, "东镇/综合治理中心").id
    assert state.flows[-1].kind == "function" and state.flows[-1].cross_level
    assert total(state, "事业编制") == total(before, "事业编制")
    assert state.events[-1].kind == "function_transferred"


def test_function_transfer_misuses(tmp_path):
    refused(tmp_path, FT.replace("quota: {事业编制: 2}", "quota: {事业编制: 9}"), "insufficient-quota", 6)
    refused(tmp_path, FT.replace("staff: {事业编制: 2}", "staff: {事业编制: 7}"), "insufficient-quota", 7)
    refused(tmp_path, FT.replace("[矛盾纠纷排查]", "[流动人口登记]"), "not-duty-lead", 8)
    refused(tmp_path, FT.replace("to: 东镇/综合治理中心", "to: 矛盾调处中心"), "bad-value", 5)
    refused(tmp_path, "- {date: 2021-03-01, op: 职责划转, from: 政法委, to: 综治办, doc: x}\n", "missing-field")


def test_function_transfer_without_people_warns_when_giver_ends_over_quota(tmp_path):
    state, _ = run(tmp_path, "- {date: 2021-03-01, op: 划转, from: 政法委, to: 综治办, quota: {行政编制: 3}, doc: x}\n")
    assert [(f.rule, f.severity) for f in state.findings] == [("people-follow-quota", "warning")]
    assert approved(state, "政法委", "行政编制") == 7


def test_merging_a_parent_into_its_child_moves_the_child_up(tmp_path):
    state = clean(tmp_path, """\
- {date: 2021-03-01, op: merge, sources: [综合治理事务中心], into: 信息科, doc: x}
""")
    child = body(state, "信息科")
    assert state.parent(child) is None and approved(state, "信息科", "事业编制") == 8
    assert not any(k == "part_of" for _, _, k in state.graph.out_edges(child.node, keys=True))


def test_check_command_reports_a_bad_merge_with_file_and_line(tmp_path):
    path = tmp_path / "ledger.yaml"
    path.write_text(BASE + MERGE_NEW.replace("name: 社会治理综合服务中心", "name: 政法委"), encoding="utf-8")
    result = run_cli("check", path)
    assert result.exit_code == 1, result.output
    assert f"{path}:{BASE.count(chr(10)) + 5}: [重名]" in result.output
    assert "Traceback" not in result.output


def test_abolish_cannot_hand_staff_to_itself(tmp_path):
    refused(tmp_path, """\
- date: 2021-03-01
  op: abolish
  doc: x
  body: 新居民服务管理办公室
  quota_to: 收回
  staff_to: 新居民服务管理办公室
  duties_to: drop
""", "bad-value", 6)
