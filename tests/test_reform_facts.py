"""Facts the reform articles state can be written down, and every one shows up again in the
outputs: named findings, duty items, off-quota "of whom" counts and named counts, posts
(岗位), cross-level approvals, template items with quota, the same-day order explained."""

from __future__ import annotations

import json

from conftest import run_cli, write_ledger

DOC = "doc: 岱编〔2024〕1号"
BASE = f"""\
- {{date: 2024-01-01, op: open_division, code: "370911", name: 岱岳区, level: 县}}
- {{date: 2024-01-01, op: open_division, code: "370911001", name: 粥店街道, level: 乡镇, kind: 街道, parent: 岱岳区, households: 12000}}
- {{date: 2024-01-01, op: open_division, code: "370911002", name: 满庄镇, level: 乡镇, kind: 镇, parent: 岱岳区, households: 9000}}
- {{date: 2024-01-01, op: open_pool, name: 岱岳区收回编制池, kind: 收回, division: 岱岳区}}
- {{date: 2024-01-01, op: approve, body: 岱岳区收回编制池, type: 事业编制, amount: 30, {DOC}}}
- {{date: 2024-01-01, op: establish, name: 区委组织部, division: 岱岳区, category: 党政机关}}
- {{date: 2024-01-01, op: establish, name: 区社会治理服务中心, division: 岱岳区, category: 事业单位, class: 公益二类}}
- {{date: 2024-01-01, op: establish, name: 党政办公室, division: 粥店街道, category: 党政机关, signboards: [综治中心]}}
- {{date: 2024-01-01, op: establish, name: 党政办公室, division: 满庄镇, category: 党政机关}}
- {{date: 2024-01-01, op: establish, name: 综合行政执法办公室, division: 粥店街道, category: 党政机关}}
- {{date: 2024-01-01, op: establish, name: 综合行政执法办公室, division: 满庄镇, category: 党政机关}}
- {{date: 2024-01-02, op: approve, body: 粥店街道/综合行政执法办公室, type: 行政编制, amount: 5, {DOC}}}
- {{date: 2024-01-02, op: approve, body: 满庄镇/综合行政执法办公室, type: 行政编制, amount: 5, {DOC}}}
- {{date: 2024-01-03, op: staff, body: 粥店街道/综合行政执法办公室, actual: {{行政编制: 6}}}}
- {{date: 2024-01-04, op: duty, name: 矛盾纠纷排查, category: 平安建设, lead: 粥店街道/党政办公室, support: [区社会治理服务中心]}}
"""
CONFIG = "rules: {over-quota: {severity: warning}}\n"


def ledger(tmp_path, extra: str = "", config: str = CONFIG):
    root = write_ledger(tmp_path / "led", BASE + extra)
    write_ledger(root, config, "orgmodel.yaml")
    return root


def test_findings_name_a_body_that_every_township_has_by_its_township(tmp_path):
    root = ledger(tmp_path)
    text = run_cli("check", root).stdout
    assert "“粥店街道/综合行政执法办公室”行政编制超编 1 名" in text, text
    records = json.loads(run_cli("check", root, "--format", "json").stdout)
    (over,) = [r for r in records if r["rule"] == "over-quota"]
    assert over["body"] == "粥店街道/综合行政执法办公室"
    assert run_cli("report", "audit", root, "--out", tmp_path / "audit").exit_code == 0
    page = (tmp_path / "audit" / "index.html").read_text(encoding="utf-8")
    assert "<td>粥店街道/综合行政执法办公室</td>" in page and "“粥店街道/综合行政执法办公室”" in page
    # a name only one body has stays plain
    assert "“区委组织部”" not in text


def test_duties_command_lists_items_with_category_lead_and_support(tmp_path):
    root = ledger(tmp_path)
    rows = json.loads(run_cli("duties", root, "--format", "json").stdout)
    assert rows == [{"division_code": "370911001", "division": "粥店街道", "item": "矛盾纠纷排查", "item_category": "平安建设",
                     "lead": "粥店街道/党政办公室", "support": "区社会治理服务中心", "time_limit": "", "closing_standard": ""}]
    assert "矛盾纠纷排查" in run_cli("duties", root, "--body", "区社会治理服务中心").stdout
    assert "矛盾纠纷排查" not in run_cli("duties", root, "--body", "区委组织部").stdout
    table = run_cli("duties", root).stdout
    assert "事项类别" in table and "牵头(主体责任)" in table and "配合" in table


def test_simulate_reports_duty_items_added_moved_and_dropped(tmp_path):
    root = ledger(tmp_path)
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"""\
name: 事项调整
directives:
- {{date: 2024-05-01, op: duty, name: 信用体系建设, category: 社会信用, lead: 满庄镇/党政办公室}}
- {{date: 2024-05-01, op: function_transfer, from: 粥店街道/党政办公室, to: 区社会治理服务中心, duties: [矛盾纠纷排查], {DOC}}}
""", encoding="utf-8")
    sim = json.loads(run_cli("simulate", root, plan, "--format", "json").stdout)
    changes = {(c["item"], c["change"]): c for c in sim["duty_changes"]}
    assert set(changes) == {("信用体系建设", "新增"), ("矛盾纠纷排查", "调整")}
    assert changes[("矛盾纠纷排查", "调整")]["after"]["lead"] == "区社会治理服务中心"
    text = run_cli("simulate", root, plan).stdout
    assert "七、责任事项" in text and "[调整] 粥店街道 矛盾纠纷排查:牵头 粥店街道/党政办公室" in text
    assert run_cli("report", "scenario", root, plan, "--out", tmp_path / "sc").exit_code == 0
    page = (tmp_path / "sc" / "index.html").read_text(encoding="utf-8")
    assert "责任事项变化(2 项)" in page and "信用体系建设" in page


def test_simulate_lists_a_township_whose_only_change_is_off_quota(tmp_path):
    root = ledger(tmp_path)
    plan = tmp_path / "plan.yaml"
    plan.write_text("name: 网格\ndirectives:\n- {date: 2024-05-01, op: off_quota, division: 满庄镇, staff: {网格员: 20}, grids: 20}\n",
                    encoding="utf-8")
    sim = json.loads(run_cli("simulate", root, plan, "--format", "json").stdout)
    (row,) = [r for r in sim["township_diff"] if r["division"] == "满庄镇"]
    assert (row["before"]["grids"], row["after"]["grids"], row["after"]["off_quota_staff"]) == (0, 20, 20)
    text = run_cli("simulate", root, plan).stdout
    section = text.split("四、")[1].split("五、")[0]
    assert "(无变化)" not in section and "满庄镇" in section and "0 → 20" in section


def test_of_whom_and_named_counts_roll_up_and_show(tmp_path):
    root = ledger(tmp_path, """\
- {date: 2024-02-01, op: off_quota, division: 粥店街道, staff: {网格员: 30}, of_whom: {网格员: {党员: 18}}, grids: 30}
- {date: 2024-02-01, op: off_quota, division: 满庄镇, staff: {网格员: 20}, of_whom: {网格员: {党员: 12}}, grids: 20}
- {date: 2024-02-01, op: counts, division: 粥店街道, counts: {网格党支部: 25}}
- {date: 2024-02-01, op: counts, division: 满庄镇, counts: {网格党支部: 15}}
- {date: 2024-02-01, op: counts, body: 区委组织部, counts: {教学现场: 110}}
""")
    off = {r["division"]: r for r in json.loads(run_cli("balance", root, "--by", "off_quota", "--format", "json").stdout)}
    assert off["岱岳区"]["off_quota_detail"] == "网格员 50(其中党员 30)"
    assert off["岱岳区"]["counts_detail"] == "教学现场 110、网格党支部 40"  # its own bodies' first, then below
    assert off["粥店街道"]["counts_detail"] == "网格党支部 25"
    assert run_cli("report", "balance", root, "--out", tmp_path / "site").exit_code == 0
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "网格员 50(其中党员 30)" in index and "教学现场 110、网格党支部 40" in index
    town = (tmp_path / "site" / "town-370911001.html").read_text(encoding="utf-8")
    assert "网格员 30(其中党员 18)" in town and "网格党支部 25" in town


def test_a_countys_own_off_quota_breakdown_shows_beside_the_rolled_up_one(tmp_path):
    root = ledger(tmp_path, """\
- {date: 2024-02-01, op: off_quota, division: 岱岳区, staff: {网格员: 100}, of_whom: {网格员: {党员: 60}}}
- {date: 2024-02-01, op: counts, division: 岱岳区, counts: {网格党支部: 5}}
- {date: 2024-02-01, op: off_quota, division: 满庄镇, staff: {网格员: 20}, of_whom: {网格员: {党员: 12}}, grids: 20}
""")
    off = {r["division"]: r for r in json.loads(run_cli("balance", root, "--by", "off_quota", "--format", "json").stdout)}
    county = off["岱岳区"]
    assert county["own_off_quota_detail"] == "网格员 100(其中党员 60)" and county["own_counts_detail"] == "网格党支部 5"
    assert county["off_quota_detail"] == "网格员 120(其中党员 72)"
    assert "本级编外构成" in run_cli("balance", root, "--by", "off_quota").stdout
    assert run_cli("report", "balance", root, "--out", tmp_path / "site").exit_code == 0
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "其中本级:编外人员" in index and "网格员 100(其中党员 60)" in index and "网格党支部 5" in index
    plan = tmp_path / "plan.yaml"
    plan.write_text("name: 编外\ndirectives:\n- {date: 2024-05-01, op: off_quota, division: 岱岳区, staff: {网格员: 110}}\n",
                    encoding="utf-8")
    assert "编外(本级):岱岳区" in run_cli("simulate", root, plan).stdout


def test_of_whom_larger_than_the_whole_is_refused(tmp_path):
    root = ledger(tmp_path, "- {date: 2024-02-01, op: off_quota, division: 满庄镇, staff: {网格员: 20}, of_whom: {网格员: {党员: 25}}}\n")
    result = run_cli("check", root)
    assert result.exit_code == 1 and "网格员共 20 人,其中党员 25 人多于总数" in result.stdout


def test_positions_inside_a_body_show_in_the_body_table_and_pages(tmp_path):
    root = ledger(tmp_path, "- {date: 2024-02-01, op: 设岗, body: 满庄镇/党政办公室, positions: {信用工作岗位: 1}}\n")
    rows = json.loads(run_cli("balance", root, "--by", "body", "--format", "json").stdout)
    assert next(r for r in rows if r["division"] == "满庄镇" and r["body"] == "党政办公室")["positions"] == "信用工作岗位 1"
    assert run_cli("report", "balance", root, "--out", tmp_path / "site").exit_code == 0
    assert "岗位:信用工作岗位 1" in (tmp_path / "site" / "town-370911002.html").read_text(encoding="utf-8")


def test_simulate_shows_every_changed_attribute_position_and_named_count(tmp_path):
    root = ledger(tmp_path)
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"""\
name: 属性
directives:
- {{date: 2024-05-01, op: reclassify, body: 区社会治理服务中心, class: 公益一类, {DOC}}}
- {{date: 2024-05-01, op: signboard_add, body: 区社会治理服务中心, name: 矛盾调处中心, {DOC}}}
- {{date: 2024-05-01, op: positions, body: 满庄镇/党政办公室, positions: {{信用工作岗位: 1}}}}
- {{date: 2024-05-01, op: counts, body: 区委组织部, counts: {{教学现场: 110}}}}
""", encoding="utf-8")
    sim = json.loads(run_cli("simulate", root, plan, "--format", "json").stdout)
    got = {(r["body"], r["label"]): (r["before"], r["after"]) for r in sim["attribute_changes"]}
    assert got == {("区社会治理服务中心", "公益类别"): ("公益二类", "公益一类"),
                   ("区社会治理服务中心", "牌子"): ("", "矛盾调处中心"),
                   ("党政办公室", "岗位"): ("", "信用工作岗位 1"),
                   ("区委组织部", "其他统计数"): ("", "教学现场 110")}
    section = run_cli("simulate", root, plan).stdout.split("六、")[1].split("七、")[0]
    assert "满庄镇“党政办公室” 岗位:无 → 信用工作岗位 1" in section
    assert "岱岳区“区委组织部” 其他统计数:无 → 教学现场 110" in section
    assert run_cli("report", "scenario", root, plan, "--out", tmp_path / "sc").exit_code == 0
    page = (tmp_path / "sc" / "index.html").read_text(encoding="utf-8")
    assert "机构属性和岗位变化(4 项)" in page and "信用工作岗位 1" in page and "教学现场 110" in page


def test_simulate_shows_a_signboard_taken_over_by_a_new_body_on_both_bodies(tmp_path):
    root = ledger(tmp_path)
    plan = tmp_path / "plan.yaml"
    plan.write_text(f"""\
name: 接牌
directives:
- {{date: 2024-05-01, op: apply_template, kind: [街道], {DOC},
   bodies: [{{name: 综治服务中心, category: 事业单位, class: 公益一类, take_signboards: [综治中心]}}]}}
""", encoding="utf-8")
    sim = json.loads(run_cli("simulate", root, plan, "--format", "json").stdout)
    boards = {r["body"]: (r["before"], r["after"]) for r in sim["attribute_changes"] if r["label"] == "牌子"}
    assert boards == {"党政办公室": ("综治中心", ""), "综治服务中心": ("", "综治中心")}


def test_a_cross_level_transfer_citing_the_higher_levels_approval_is_reported_as_approved(tmp_path):
    root = ledger(tmp_path, """\
- {date: 2024-03-01, op: transfer, from: 岱岳区收回编制池, to: 粥店街道/党政办公室, type: 事业编制, amount: 1, doc: 岱编〔2024〕5号}
- {date: 2024-03-01, op: transfer, from: 岱岳区收回编制池, to: 满庄镇/党政办公室, type: 事业编制, amount: 1, approved_by: 泰编办〔2024〕2号, doc: 岱编〔2024〕6号}
""", config=CONFIG + "type_purity: {}\n")
    records = json.loads(run_cli("check", root, "--format", "json").stdout)
    rules = {(r["rule"], r["severity"], r["body"]) for r in records if "cross-level" in r["rule"]}
    assert rules == {("cross-level-transfer", "warning", "粥店街道/党政办公室"),
                     ("cross-level-approved", "info", "满庄镇/党政办公室")}
    approved = next(r for r in records if r["rule"] == "cross-level-approved")
    assert "泰编办〔2024〕2号" in approved["message"]
    assert run_cli("report", "balance", root, "--out", tmp_path / "site").exit_code == 0
    assert "(跨层级,经 泰编办〔2024〕2号 批准)" in (tmp_path / "site" / "town-370911002.html").read_text(encoding="utf-8")


def test_template_from_matches_body_names_not_signboards(tmp_path):
    """粥店街道's 党政办公室 carries a 综治中心 signboard: a template item for the centre must not take it."""
    root = ledger(tmp_path, f"""\
- {{date: 2024-04-01, op: apply_template, divisions: [粥店街道], {DOC},
   bodies: [{{name: 综合治理中心, from: [综治中心], category: 事业单位, class: 公益一类}}]}}
""")
    result = run_cli("check", root)
    assert "名称“综合治理中心”" not in result.stdout
    rows = json.loads(run_cli("balance", root, "--by", "body", "--format", "json").stdout)
    office = next(r for r in rows if r["division"] == "粥店街道" and r["body"] == "党政办公室")
    assert office["category"] == "党政机关"
    assert any(r["body"] == "综合治理中心" and r["category"] == "事业单位" for r in rows)
    assert "[模板对应到牌子] 警告:粥店街道“党政办公室”挂有“综治中心”牌子" in result.stdout
    assert "match_signboards: true" in result.stdout


def test_template_items_carry_quota_posts_positions_and_a_signboard_taken_over(tmp_path):
    root = ledger(tmp_path, f"""\
- date: 2024-04-01
  op: apply_template
  {DOC}
  kind: [镇, 街道]
  approved_by: 泰编办〔2024〕3号
  bodies:
    - {{name: 党员教育中心, category: 事业单位, class: 公益一类, quota: {{事业编制: 8}}, quota_from: 收回, posts: {{正职: 1}},
       take_signboards: [综治中心]}}
- {{date: 2024-04-01, op: apply_template, kind: [镇, 街道], missing: 跳过, {DOC},
   bodies: [{{name: 党政办公室, positions: {{信用工作岗位: 1}}}}]}}
""")
    result = run_cli("check", root)
    assert result.exit_code == 0, result.stdout
    rows = json.loads(run_cli("balance", root, "--by", "body", "--format", "json").stdout)
    centres = [r for r in rows if r["body"] == "党员教育中心"]
    assert [(r["division"], r["approved"], r["quota_type"]) for r in centres] == [("粥店街道", 8, "事业编制"), ("满庄镇", 8, "事业编制")]
    assert next(r for r in centres if r["division"] == "粥店街道")["signboard_names"] == "综治中心"
    pool = json.loads(run_cli("balance", root, "--by", "total", "--format", "json").stdout)
    assert next(r for r in pool if r["quota_type"] == "事业编制")["pools"] == 14  # 30 − 2 × 8
    leaders = json.loads(run_cli("balance", root, "--by", "leaders", "--format", "json").stdout)
    assert [(r["division"], r["approved"]) for r in leaders if r["body"] == "党员教育中心"] == [("粥店街道", 1), ("满庄镇", 1)]
    offices = [r for r in rows if r["body"] == "党政办公室"]
    assert {r["positions"] for r in offices} == {"信用工作岗位 1"}
    assert "cross-level-transfer" not in result.stdout


def test_template_quota_beyond_what_the_pool_holds_is_refused_whole(tmp_path):
    root = ledger(tmp_path, f"""\
- {{date: 2024-04-01, op: apply_template, kind: [镇, 街道], {DOC},
   bodies: [{{name: 党员教育中心, category: 事业单位, quota: {{事业编制: 20}}, quota_from: 收回}}]}}
""")
    result = run_cli("check", root)
    assert result.exit_code == 1 and "[编制不足]" in result.stdout and "不能调出 40 名" in result.stdout
    assert "党员教育中心" not in run_cli("balance", root, "--by", "body").stdout


def test_a_finding_caused_by_the_same_day_order_says_so_and_names_the_later_directive(tmp_path):
    root = ledger(tmp_path, f"""\
- {{date: 2024-04-01, op: apply_template, kind: [镇, 街道], {DOC}, bodies: [{{name: 党员教育中心, category: 事业单位}}]}}
- {{date: 2024-04-01, op: approve, body: 满庄镇/党员教育中心, type: 事业编制, amount: 8, {DOC}}}
""")
    result = run_cli("check", root)
    line = next(x for x in result.stdout.splitlines() if "[同日顺序]" in x)
    assert line.startswith(f"{root}/ledger.yaml:17:")
    assert "同一天排在后面的“统一设置”指令" in line and f"{root}/ledger.yaml:16" in line


def test_grid_size_rule_reports_townships_whose_grids_are_too_large(tmp_path):
    root = ledger(tmp_path, "- {date: 2024-02-01, op: off_quota, division: 粥店街道, grids: 10}\n")
    records = json.loads(run_cli("check", root, "--format", "json").stdout)
    (grid,) = [r for r in records if r["rule"] == "grid-size"]
    assert grid["severity"] == "info" and "平均每格 1200 户" in grid["message"] and "300–500" in grid["message"]
    quiet = ledger(tmp_path / "b", "- {date: 2024-02-01, op: off_quota, division: 粥店街道, grids: 30}\n")
    assert not [r for r in json.loads(run_cli("check", quiet, "--format", "json").stdout) if r["rule"] == "grid-size"]


def test_an_unknown_field_hint_lists_the_common_fields_too(tmp_path):
    root = ledger(tmp_path, "- {date: 2024-02-01, op: off_quota, division: 满庄镇, grids: 3, 备注: 多写了逗号}\n")
    line = next(x for x in run_cli("check", root).stdout.splitlines() if "[未知字段]" in x)
    assert "doc" in line and "note" in line and "grids" in line


def test_folded_chinese_lines_join_without_a_space(tmp_path):
    root = ledger(tmp_path)
    plan = tmp_path / "plan.yaml"
    plan.write_text("name: 方案\ndescription: >-\n  第一行写到这里,\n  第二行接着写。\ndirectives: []\n", encoding="utf-8")
    assert "第一行写到这里,第二行接着写。" in run_cli("simulate", root, plan).stdout


def test_a_body_that_stays_drops_a_duty_it_leads_and_one_it_supports(tmp_path):
    extra = ("- {date: 2024-02-01, op: duty, name: 协税护税, lead: 满庄镇/党政办公室, support: [区社会治理服务中心]}\n"
             "- {date: 2024-03-01, op: 取消事项, doc: 岱编〔2024〕5号, body: 区社会治理服务中心, duties: [矛盾纠纷排查, 协税护税]}\n"
             "- {date: 2024-03-01, op: 取消事项, doc: 岱编〔2024〕5号, body: 满庄镇/党政办公室, duties: [协税护税]}\n")
    root = ledger(tmp_path, extra)
    assert run_cli("check", root).exit_code == 0
    items = json.loads(run_cli("duties", root, "--format", "json").stdout)
    assert [(d["item"], d["lead"], d["support"]) for d in items] == [("矛盾纠纷排查", "粥店街道/党政办公室", "")]
    assert json.loads(run_cli("duties", root, "--as-of", "2024-02-15", "--format", "json").stdout)[1]["item"] == "协税护税"
    history = json.loads(run_cli("history", root, "区社会治理服务中心", "--format", "json").stdout)
    assert any(e["op"] == "取消事项" for e in history["entries"])


def test_dropping_a_duty_the_body_does_not_have_changes_nothing_and_says_which_it_has(tmp_path):
    extra = "- {date: 2024-03-01, op: 取消事项, doc: 岱编〔2024〕5号, body: 区社会治理服务中心, duties: [矛盾纠纷排查, 招商引资]}\n"
    root = ledger(tmp_path, extra)
    result = run_cli("check", root)
    assert result.exit_code == 1 and "[找不到事项]" in result.output
    assert "没有责任事项“招商引资”" in result.output and "其牵头或配合的事项:矛盾纠纷排查" in result.output
    items = json.loads(run_cli("duties", root, "--format", "json").stdout)
    assert items[0]["support"] == "区社会治理服务中心"  # the whole directive was refused


def test_leader_posts_carry_the_rank_their_approval_names_else_the_bodys(tmp_path):
    extra = ("- {date: 2024-02-01, op: reclassify, body: 区委组织部, rank: 正科}\n"
             f"- {{date: 2024-02-01, op: leader_posts, body: 区委组织部, posts: {{正职: 1, 副职: 3}}, {DOC}}}\n"
             f"- {{date: 2024-02-01, op: leader_posts, body: 粥店街道/综合行政执法办公室, posts: {{正职: 1}}, rank: 副科, {DOC}}}\n"
             f"- {{date: 2024-02-01, op: leader_posts, body: 满庄镇/综合行政执法办公室, posts: {{正职: 1}}, rank: 副科, {DOC}}}\n")
    root = ledger(tmp_path, extra)
    rows = json.loads(run_cli("balance", root, "--by", "leaders", "--format", "json").stdout)
    assert {(r["body"], r["post"]): r["post_rank"] for r in rows} == {
        ("区委组织部", "正职"): "正科", ("区委组织部", "副职"): "副科",
        ("综合行政执法办公室", "正职"): "副科"}
    ranks = json.loads(run_cli("balance", root, "--by", "职级", "--format", "json").stdout)
    assert {(r["division_level"], r["post_rank"]): r["approved"] for r in ranks} == {
        ("县", "正科"): 1, ("县", "副科"): 3, ("乡镇", "副科"): 2}
    bad = ledger(tmp_path / "bad", f"- {{date: 2024-02-01, op: leader_posts, body: 区委组织部, posts: {{正职: 1}}, rank: 副县, {DOC}}}\n")
    result = run_cli("check", bad)
    assert result.exit_code == 1 and "rank" in result.output and "副县" in result.output


def test_grids_by_kind_add_up_roll_up_and_a_wrong_total_is_refused(tmp_path):
    extra = ("- {date: 2024-02-01, op: off_quota, division: 粥店街道, grid_kinds: {基础网格: 30, 专属网格: 4}}\n"
             "- {date: 2024-02-01, op: off_quota, division: 满庄镇, grid_kinds: {基础网格: 20}}\n"
             "- {date: 2024-03-01, op: off_quota, division: 满庄镇, grid_kinds: {专属网格: 2}}\n")
    root = ledger(tmp_path, extra)
    rows = {r["division"]: r for r in json.loads(run_cli("balance", root, "--by", "off_quota", "--format", "json").stdout)}
    assert (rows["满庄镇"]["grids"], rows["满庄镇"]["grids_detail"]) == (22, "基础网格 20、专属网格 2")
    assert (rows["岱岳区"]["grids"], rows["岱岳区"]["grids_detail"]) == (56, "基础网格 50、专属网格 6")
    bad = ledger(tmp_path / "bad", "- {date: 2024-02-01, op: off_quota, division: 满庄镇, grids: 25, grid_kinds: {基础网格: 20}}\n")
    result = run_cli("check", bad)
    assert result.exit_code == 1 and "网格数(grids) 25 个与各类网格合计 20 个不符" in result.output


def test_a_limit_on_county_coordination_bodies_is_checked_and_its_config_too(tmp_path):
    extra = ("- {date: 2024-02-01, op: establish, name: 区安全生产委员会, division: 岱岳区, category: 议事协调机构}\n"
             "- {date: 2024-03-01, op: establish, name: 区河长制领导小组, division: 岱岳区, category: 议事协调机构}\n")
    root = ledger(tmp_path, extra, CONFIG + "coordination_limits: {县: 1}\n")
    out = run_cli("check", root).output
    assert "[议事协调机构限额]" in out and "岱岳区设有议事协调机构 2 个,超过县级限额 1 个" in out and "ledger.yaml:17:" in out
    assert "[议事协调机构限额]" not in run_cli("check", ledger(tmp_path / "ok", extra, CONFIG + "coordination_limits: {县: 2}\n")).output
    bad = run_cli("check", ledger(tmp_path / "bad", extra, CONFIG + "coordination_limits: {县级: 2, 市: -1}\n"))
    assert bad.exit_code == 2 and "层级“县级”无效" in bad.output and "coordination_limits.市: 应为 0 到 1000 的整数" in bad.output


def test_measures_keep_their_unit_stay_where_recorded_and_are_never_added_up(tmp_path):
    extra = ("- {date: 2024-02-01, op: 指标, division: 粥店街道, name: 兼职网格员绩效奖补, value: 400, unit: 元/人·月}\n"
             "- {date: 2024-02-01, op: 指标, division: 满庄镇, name: 兼职网格员绩效奖补, value: 200, unit: 元/人·月}\n"
             "- {date: 2024-02-01, op: 指标, body: 区社会治理服务中心, name: 办结率, value: \"99.4\", unit: \"%\"}\n")
    root = ledger(tmp_path, extra)
    rows = json.loads(run_cli("balance", root, "--by", "measures", "--format", "json").stdout)
    assert [(r["division"], r["body"], r["measure"], r["value"], r["unit"]) for r in rows] == [
        ("粥店街道", None, "兼职网格员绩效奖补", 400, "元/人·月"), ("满庄镇", None, "兼职网格员绩效奖补", 200, "元/人·月"),
        ("岱岳区", "区社会治理服务中心", "办结率", 99.4, "%")]
    off = {r["division"]: r for r in json.loads(run_cli("balance", root, "--by", "off_quota", "--format", "json").stdout)}
    assert off["满庄镇"]["measures_detail"] == "兼职网格员绩效奖补 200 元/人·月"
    assert off["岱岳区"]["measures_detail"] == ""  # not 600 元: a rate or an allowance does not add up
    bad = ledger(tmp_path / "bad", "- {date: 2024-02-01, op: 指标, division: 满庄镇, name: 奖补, value: 四百, unit: 元}\n")
    result = run_cli("check", bad)
    assert result.exit_code == 1 and "数值(value)应为数(如 400 或 99.4),实为“四百”" in result.output


def test_a_duty_item_keeps_its_time_limit_and_closing_standard(tmp_path):
    extra = ("- {date: 2024-02-01, op: duty, name: 占道经营处置, category: 网格事项, lead: 粥店街道/综合行政执法办公室, "
             "time_limit: 2 个工作日, closing_standard: 现场清理完毕并经网格员复核}\n")
    root = ledger(tmp_path, extra)
    item = next(d for d in json.loads(run_cli("duties", root, "--format", "json").stdout) if d["item"] == "占道经营处置")
    assert (item["time_limit"], item["closing_standard"]) == ("2 个工作日", "现场清理完毕并经网格员复核")
    out = tmp_path / "报表"
    assert run_cli("report", "balance", root, "--out", out).exit_code == 0
    page = next(p.read_text("utf-8") for p in out.glob("town-*.html") if "占道经营处置" in p.read_text("utf-8"))
    assert "<th data-col=\"4\">处理时限</th>" in page and "<td>2 个工作日</td><td>现场清理完毕并经网格员复核</td>" in page


def test_one_directive_lists_an_item_in_every_township_or_none_when_one_lacks_the_body(tmp_path):
    extra = ("- {date: 2024-02-01, op: duty, name: 违法建设巡查, category: 属地管理, townships_of: 岱岳区, "
             "lead: 综合行政执法办公室, support: [党政办公室], time_limit: 24 小时}\n")
    root = ledger(tmp_path, extra)
    items = [d for d in json.loads(run_cli("duties", root, "--format", "json").stdout) if d["item"] == "违法建设巡查"]
    assert sorted((d["division"], d["lead"], d["support"]) for d in items) == [
        ("满庄镇", "满庄镇/综合行政执法办公室", "满庄镇/党政办公室"),
        ("粥店街道", "粥店街道/综合行政执法办公室", "粥店街道/党政办公室")]
    lacking = ledger(tmp_path / "lacking", "- {date: 2024-02-01, op: duty, name: 河道巡查, townships_of: 岱岳区, lead: 综合行政执法办公室, "
                     "support: [水利站]}\n")
    result = run_cli("check", lacking)
    assert result.exit_code == 1 and "2 个没有所写机构:粥店街道(缺水利站)、满庄镇(缺水利站);未登记任何一个" in result.output
    assert not [d for d in json.loads(run_cli("duties", lacking, "--format", "json").stdout) if d["item"] == "河道巡查"]


def test_earmarked_quota_keeps_its_purpose_where_it_goes_until_a_hire_uses_it(tmp_path):
    extra = ("- {date: 2024-02-01, op: open_pool, name: 人才专户, kind: 专户, division: 岱岳区, purpose: 引进急需人才}\n"
             f"- {{date: 2024-02-01, op: transfer, from: 岱岳区收回编制池, to: 人才专户, type: 事业编制, amount: 6, {DOC}}}\n"
             "- {date: 2024-02-01, op: establish, name: 区检验检测中心, division: 岱岳区, category: 事业单位}\n"
             f"- {{date: 2024-03-01, op: transfer, from: 人才专户, to: 区社会治理服务中心, type: 事业编制, amount: 4, {DOC}}}\n"
             f"- {{date: 2024-03-01, op: transfer, from: 岱岳区收回编制池, to: 区社会治理服务中心, type: 事业编制, amount: 2, {DOC}}}\n"
             f"- {{date: 2024-04-01, op: transfer, from: 区社会治理服务中心, to: 区检验检测中心, type: 事业编制, amount: 1, {DOC}}}\n"
             "- {date: 2024-05-01, op: hire, body: 区社会治理服务中心, type: 事业编制, count: 2}\n"
             f"- {{date: 2024-06-01, op: cut, from: 区社会治理服务中心, type: 事业编制, amount: 1, {DOC}}}\n")
    root = ledger(tmp_path, extra)
    assert run_cli("check", root).exit_code == 0

    def marks(day):
        rows = json.loads(run_cli("balance", root, "--by", "earmarks", "--as-of", day, "--format", "json").stdout)
        return {r["body"]: (r["earmarked"], r["used"], r["purpose"]) for r in rows}

    # quota moved on from the centre takes its earmark first; a hire uses it; a cut takes the rest away
    assert marks("2024-04-01") == {"区社会治理服务中心": (3, 0, "引进急需人才"), "区检验检测中心": (1, 0, "引进急需人才")}
    assert marks("2024-05-01") == {"区社会治理服务中心": (1, 2, "引进急需人才"), "区检验检测中心": (1, 0, "引进急需人才")}
    assert marks("2024-06-01") == {"区社会治理服务中心": (0, 2, "引进急需人才"), "区检验检测中心": (1, 0, "引进急需人才")}


def test_seconded_people_work_elsewhere_while_quota_and_staff_stay(tmp_path):
    extra = ("- {date: 2024-01-05, op: staff, body: 满庄镇/综合行政执法办公室, actual: {行政编制: 4}}\n"
             "- {date: 2024-02-01, op: 挂职, from: 粥店街道/综合行政执法办公室, to: 区委组织部, type: 行政编制, count: 2, "
             "until: 2024-12-31}\n"
             "- {date: 2024-03-01, op: 借调, from: 满庄镇/综合行政执法办公室, to: 区委组织部, type: 行政编制, count: 1}\n")
    root = ledger(tmp_path, extra)
    assert run_cli("check", root).exit_code == 0
    rows = json.loads(run_cli("balance", root, "--by", "secondments", "--as-of", "2024-06-30", "--format", "json").stdout)
    assert [(r["home_division"], r["home_body"], r["host_body"], r["people"], r["to_date"]) for r in rows] == [
        ("粥店街道", "综合行政执法办公室", "区委组织部", 2, "2024-12-31"), ("满庄镇", "综合行政执法办公室", "区委组织部", 1, "")]
    later = json.loads(run_cli("balance", root, "--by", "secondments", "--as-of", "2025-01-01", "--format", "json").stdout)
    assert [r["people"] for r in later] == [1]  # the first one has ended
    bodies = json.loads(run_cli("balance", root, "--format", "json", "--as-of", "2024-06-30").stdout)
    home = next(r for r in bodies if r["body"] == "综合行政执法办公室" and r["division"] == "粥店街道")
    assert (home["approved"], home["actual"]) == (5, 6)  # people move, quota stays
    too_many = ledger(tmp_path / "many", extra + "- {date: 2024-04-01, op: 挂职, from: 满庄镇/综合行政执法办公室, "
                      "to: 区委组织部, type: 行政编制, count: 4}\n")
    result = run_cli("check", too_many)
    assert result.exit_code == 1 and "行政编制实有 4 人,其中已挂职在外 1 人,不能再派出 4 人" in result.output


def test_a_body_has_leading_relations_beside_its_main_one_and_a_relation_ends_with_none(tmp_path):
    extra = ("- {date: 2024-02-01, op: 领导关系, body: 区社会治理服务中心, relation: 直属, to: 区委}\n"
             "- {date: 2024-02-01, op: 领导关系, body: 区社会治理服务中心, relation: 归口领导, to: 党政办公室}\n"
             "- {date: 2024-02-01, op: 领导关系, body: 区社会治理服务中心, relation: 业务指导, to: 区委组织部}\n"
             "- {date: 2024-03-01, op: 领导关系, body: 区社会治理服务中心, relation: 业务指导, to: 无}\n")
    root = ledger(tmp_path, extra)

    def relations(day):
        rows = json.loads(run_cli("balance", root, "--as-of", day, "--format", "json").stdout)
        return next(r["relations"] for r in rows if r["body"] == "区社会治理服务中心")

    # 党政办公室 is in two townships: the name as written is kept (not a body of the ledger by itself)
    assert relations("2024-02-01") == "直属 区委;归口领导 党政办公室;业务指导 区委组织部"
    assert relations("2024-03-01") == "直属 区委;归口领导 党政办公室"
