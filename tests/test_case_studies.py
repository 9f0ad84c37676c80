"""The five case studies in data/scenarios reproduce their articles' figures and simulate clean."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

import pytest
from conftest import run_cli

from orgmodel.answers.scenario import load_scenario, simulate
from orgmodel.figures.provenance import trace
from orgmodel.ledger import load

ROOT = Path(__file__).resolve().parents[1] / "data" / "scenarios"
CASES = ["tengzhou", "zhucheng", "neijiang", "daiyue", "binzhou"]


@cache
def sim(case: str):
    ledger = load(ROOT / case / "base")
    return simulate(ledger, load_scenario(ROOT / case / "scenario.yaml", ledger.config))


def townships(state):
    return [d for d in state.divisions.values() if d.level == "乡镇"]


def bodies_in(state, code):
    return {b.name: b for b in state.active_bodies() if b.division == code}


@pytest.mark.parametrize("case", CASES)
def test_simulate_runs_clean(case):
    result = run_cli("simulate", ROOT / case / "base", ROOT / case / "scenario.yaml")
    assert result.exit_code == 0, result.output
    assert not [f for f in sim(case).findings if f.severity == "error"]
    assert (ROOT / case / "README.md").is_file()


# -- Tengzhou (seed 000) ---------------------------------------------------------------

def test_tengzhou_centre_has_35_quota_4_posts_24_of_them_reclaimed():
    after = sim("tengzhou").after
    centre, _ = after.find_by_any_name("滕州市/社会治理综合服务中心")
    assert centre.approved["事业编制"] == 35
    assert sum(centre.posts.values()) == 4
    assert (centre.category, centre.klass) == ("事业单位", "公益一类")
    assert after.leader(centre).name == "市委政法委"
    assert after.signboards(centre) == ["网格化服务管理中心"]
    t = trace(after, centre)
    assert t.ok
    steps = t.roots["事业编制"]
    assert sum(s.amount for s in steps if s.flow.src == ("pool", "滕州市收回事业编制")) == 24
    assert sum(s.amount for s in steps if s.flow.kind == "merge") == 11
    merged = {after.bodies[s.flow.src[1]].name for s in steps if s.flow.kind == "merge"}
    assert merged == {"综合治理事务中心", "新居民服务管理办公室"}
    assert not any(b.active for n in merged for b in after.former_holders(n))
    status = dict(zip(sim("tengzhou").balance_diff["body"], sim("tengzhou").balance_diff["status"]))
    assert status == {"综合治理事务中心": "并入", "新居民服务管理办公室": "并入", "社会治理综合服务中心": "新设"}


def test_tengzhou_grid_kinds_as_balance_and_the_report_show_them(tmp_path):
    base, plan = ROOT / "tengzhou" / "base", ROOT / "tengzhou" / "scenario.yaml"
    rows = json.loads(run_cli("balance", base, "--scenario", plan, "--by", "off_quota", "--format", "json").stdout)
    city = next(r for r in rows if r["division"] == "滕州市")
    assert (city["grids"], city["grids_detail"]) == (2036, "基础网格 1792、专属网格 244")
    assert run_cli("report", "scenario", base, plan, "--out", tmp_path / "方案").exit_code == 0
    pages = "".join(p.read_text("utf-8") for p in (tmp_path / "方案" / "after").glob("*.html"))
    assert "个(基础网格 1792、专属网格 244)" in pages


def test_tengzhou_every_township_centre_renamed_with_signboard_and_grids():
    s = sim("tengzhou")
    for div in townships(s.after):
        names = bodies_in(s.after, div.code)
        assert "综合治理中心" not in names
        assert s.after.signboards(names["社会治理综合服务中心"]) == ["网格化服务管理中心"]
    city = s.after.divisions["370481"]
    assert city.grids == 1792 + 244
    assert (city.off_quota["网格员"], city.off_quota["网格长"]) == (1792, 1208)


# -- Zhucheng (seed 001) ---------------------------------------------------------------

def test_zhucheng_quota_increases_hiring_plans_and_leader_posts():
    s = sim("zhucheng")
    increased: dict[str, int] = {}  # 核增 (not the earmarked account's quota moved down later)
    for f in s.flows:
        if f["kind"] == "increase":
            increased[f["quota_type"]] = increased.get(f["quota_type"], 0) + f["amount"]
    assert increased == {"事业编制": 138, "行政编制": 125}
    towns = s.township_diff.groupby("quota_type")[["before_approved", "after_approved"]].sum()
    assert (towns["after_approved"] - towns["before_approved"]).to_dict() == {"事业编制": 138 + 3, "行政编制": 125}
    codes = {d.code for d in townships(s.after)}
    assert len(codes) == 13
    planned = sum(b.planned.get("行政编制", 0) for b in s.after.active_bodies() if b.division in codes)
    assert planned == 161
    posts = s.leader_diff
    assert int((posts["after_approved"] - posts["before_approved"]).sum()) == 70
    pool = s.after.pools["镇街专业人才事业编制专户"]
    assert pool.kind == "earmarked" and pool.approved["事业编制"] > 0


def test_zhucheng_161_plans_over_three_years_are_over_80_percent_as_balance_and_the_report_show_them(tmp_path):
    base, plan = ROOT / "zhucheng" / "base", ROOT / "zhucheng" / "scenario.yaml"
    rows = json.loads(run_cli("balance", base, "--scenario", plan, "--by", "进人计划", "--format", "json").stdout)
    towns = {r["year"]: r for r in rows if r["division_level"] == "乡镇"}
    assert sorted(towns) == ["2019", "2020", "2021", "合计"]
    assert sum(towns[y]["places"] for y in ("2019", "2020", "2021")) == towns["合计"]["places"] == 161
    assert towns["合计"]["share"] > 0.8
    assert run_cli("report", "scenario", base, plan, "--out", tmp_path / "方案").exit_code == 0
    after = (tmp_path / "方案" / "after" / "index.html").read_text("utf-8")
    assert 'data-fig="hiring|合计|乡镇|places" data-v="161"' in after and "85.64%" in after


def test_zhucheng_renamed_offices_stay_and_drop_investment_and_tax_duties(tmp_path):
    out = simulated_json("zhucheng")
    dropped = [(c["division"], c["item"]) for c in out["duty_changes"] if c["after"] is None]
    streets = ("密州街道", "龙都街道", "舜王街道")
    assert sorted(dropped) == sorted((s, item) for s in streets for item in ("招商引资", "协税护税"))
    kept = [r for r in out["balance_diff"] if r["body"] == "优化营商环境办公室"]
    assert not [r for r in kept if r["status"] == "撤销"]  # the offices stay, renamed
    base, plan = ROOT / "zhucheng" / "base", ROOT / "zhucheng" / "scenario.yaml"
    assert run_cli("report", "scenario", base, plan, "--out", tmp_path / "方案").exit_code == 0
    page = (tmp_path / "方案" / "index.html").read_text("utf-8")
    assert "责任事项变化(6 项)" in page and "协税护税" in page


def test_zhucheng_70_deputy_section_posts_added_as_balance_and_the_report_show_them(tmp_path):
    base, plan = ROOT / "zhucheng" / "base", ROOT / "zhucheng" / "scenario.yaml"

    def ranks(*args):
        rows = json.loads(run_cli("balance", base, *args, "--by", "职级", "--format", "json").stdout)
        return {(r["division_level"], r["post_rank"]): r["approved"] for r in rows}

    before, after = ranks(), ranks("--scenario", plan)
    assert after.get(("乡镇", "副科"), 0) - before.get(("乡镇", "副科"), 0) == 70
    assert run_cli("report", "scenario", base, plan, "--out", tmp_path / "方案").exit_code == 0
    page = (tmp_path / "方案" / "after" / "index.html").read_text("utf-8")
    assert "领导职数(按层级、职级)" in page and 'data-fig="ranks|乡镇|副科|approved" data-v="70"' in page


def test_zhucheng_coordination_body_set_up_within_the_limit(tmp_path):
    base, plan = ROOT / "zhucheng" / "base", ROOT / "zhucheng" / "scenario.yaml"
    rows = json.loads(run_cli("balance", base, "--scenario", plan, "--format", "json").stdout)
    assert sorted(r["body"] for r in rows if r["category"] == "议事协调机构") == [
        "市乡村振兴工作领导小组", "市基层治理工作领导小组", "市安全生产委员会"]
    found = json.loads(run_cli("check", base, "--scenario", plan, "--format", "json").stdout)
    assert not [f for f in found if f["rule"] == "coordination-limit"]
    one_more = tmp_path / "再设一个.yaml"
    one_more.write_text("name: 超限额\ndirectives:\n- {date: 2022-03-01, op: establish, name: 市河长制工作领导小组, "
                        "division: 诸城市, category: 议事协调机构}\n", encoding="utf-8")
    result = run_cli("check", base, "--scenario", plan, "--scenario", one_more)
    assert result.exit_code == 1 and "[议事协调机构限额]" in result.output and "超过县级限额 3 个" in result.output


def test_zhucheng_template_signboards_and_street_renames():
    after = sim("zhucheng").after
    for div in townships(after):
        names = bodies_in(after, div.code)
        assert len([n for n in names if n.endswith("办公室")]) == 7
        assert len([n for n in names if n.endswith("中心")]) <= 5
        assert "党员教育中心" in after.signboards(names["党群服务中心"])
        assert "乡村振兴服务中心" in after.signboards(names["农业农村服务中心"])
        street = div.kind == "街道"
        assert ("优化营商环境办公室" in names) == street
        assert ("经济发展办公室" in names) == (not street)
    assert len([d for d in townships(after) if d.kind == "街道"]) == 3


# -- Neijiang Shizhong (seed 004) -----------------------------------------------------

def test_neijiang_103_moved_down_are_27_percent_of_township_quota():
    s = sim("neijiang")
    down = sum(f["amount"] for f in s.flows if f["cross_level"] and f["quota_type"] == "事业编制")
    assert down == 103
    codes = {d.code for d in townships(s.after)}
    total = sum(b.approved.get("事业编制", 0) for b in s.after.active_bodies() if b.division in codes)
    assert round(down / total * 100) == 27
    centre, _ = s.after.find_by_any_name("社会治安综合治理中心")
    assert centre.approved == {"事业编制": 5}
    assert s.after.leader(centre).name == "区委政法委"


def test_neijiang_103_and_27_percent_as_balance_and_the_scenario_report_show_them(tmp_path):
    base, plan = ROOT / "neijiang" / "base", ROOT / "neijiang" / "scenario.yaml"
    rows = json.loads(run_cli("balance", base, "--scenario", plan, "--by", "跨层级", "--format", "json").stdout)
    (down,) = rows
    assert (down["quota_type"], down["direction"], down["amount"], down["township_total"]) == ("事业编制", "下沉", 103, 381)
    assert round(down["share"] * 100) == 27
    assert run_cli("report", "scenario", base, plan, "--out", tmp_path / "方案").exit_code == 0
    after = (tmp_path / "方案" / "after" / "index.html").read_text("utf-8")
    assert "跨层级调剂" in after and 'data-v="103">103</td>' in after and "27.03%" in after


def test_neijiang_template_and_grids():
    after = sim("neijiang").after
    expected = {"镇": (7, 4), "街道": (4, 3)}
    grids = workers_a = workers_b = 0
    for div in townships(after):
        names = bodies_in(after, div.code)
        counts = (len([n for n in names if n.endswith("办公室")]), len([n for n in names if n.endswith("中心")]))
        assert counts == expected[div.kind]
        grids += div.grids
        workers_a += div.off_quota["网格员A岗"]
        workers_b += div.off_quota["网格员B岗"]
    assert (grids, workers_a, workers_b, workers_a + workers_b) == (199, 147, 400, 547)
    assert sum(d.grids for d in townships(after) if d.kind == "街道") == 92


def test_neijiang_and_tengzhou_lists_are_recorded_as_named_counts():
    assert sim("neijiang").after.divisions["511002"].counts == {"网格党支部": 204, "居民自治管理委员会": 103}
    assert sim("tengzhou").after.divisions["370481"].counts["网格事项"] == 168


# -- Daiyue (seed 002) ----------------------------------------------------------------

def test_daiyue_eleven_party_education_centres_hold_88_from_the_district_pool():
    s = sim("daiyue")
    new = s.balance_diff[(s.balance_diff["body"] == "党员教育中心") & (s.balance_diff["status"] == "新设")]
    assert len(new) == 11 and int(new["after_approved"].sum()) == 88
    flows = [f for f in s.flows if f["target_label"].endswith("党员教育中心")]
    assert sum(f["amount"] for f in flows) == 88
    assert all(f["cross_level"] and f["approved_by"] for f in flows)
    assert {f["source_label"] for f in flows} == {"岱岳区收回编制池"}
    assert not [f for f in s.findings if f.rule == "cross-level-transfer"]


def test_daiyue_signboard_credit_centre_positions_and_counts():
    s = sim("daiyue")
    after = s.after
    centre, _ = after.find_by_any_name("区社会治理服务中心")
    assert after.signboards(centre) == ["“一站式”矛盾调处服务中心"]
    assert centre.counts == {"矛调服务职责任务": 244}
    education, _ = after.find_by_any_name("区委党员教育中心")
    assert education.counts == {"区级党员教育平台": 1, "镇街党校": 11, "教学现场": 110}
    for div in townships(after):
        names = bodies_in(after, div.code)
        assert "社会治理服务中心" in names and "综合治理中心" not in names
        assert names["党政办公室"].positions == {"信用工作岗位": 1}
    assert len(townships(after)) == 11
    credit, _ = after.find_by_any_name("岱岳区社会信用中心")
    assert credit.category == "事业单位" and credit.counts == {"信用体系建设职责任务": 90}
    group, _ = after.find_by_any_name("岱岳区社会信用体系建设领导小组")
    assert group.category == "议事协调机构"
    assert after.divisions["370911"].off_quota == {"城市社区工作者": 90, "城镇公益岗": 461}
    duties = {(c["item"], c["change"]) for c in s.duty_changes}
    assert duties == {("党员教育管理服务", "调整"), ("信用体系建设", "新增")}
    positions = [r for r in s.attribute_changes if r["label"] == "岗位"]
    assert len(positions) == 11


# -- Binzhou (seed 003) ---------------------------------------------------------------

def test_binzhou_every_centre_at_three_levels_becomes_class_one():
    s = sim("binzhou")
    centres = [b for b in s.after.active_bodies() if b.name == "网格化服务管理中心"]
    levels = {s.after.divisions[b.division].level for b in centres}
    assert levels == {"市", "县", "乡镇"}
    assert {b.klass for b in centres} == {"公益一类"}
    assert {b.klass for b in load(ROOT / "binzhou" / "base").state(s.as_of).active_bodies() if b.name == "网格化服务管理中心"} == {"公益二类"}
    changed = [r for r in s.attribute_changes if r["label"] == "公益类别"]
    assert len(changed) == len(centres) == 1 + 7 + 14


def test_binzhou_grids_workers_party_members_and_branches():
    s = sim("binzhou")
    city = s.after.divisions["371600"]
    assert (city.grids, city.off_quota["网格员"], city.of_whom["网格员"]["党员"]) == (7800, 14000, 8800)
    assert city.counts["网格党支部"] == 6900
    assert s.off_quota_total["after"] == {"off_quota_staff": 14000, "grids": 7800}


def simulated_json(case: str) -> dict:
    result = run_cli("simulate", ROOT / case / "base", ROOT / case / "scenario.yaml", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_daiyue_figures_as_the_simulate_output_shows_them():
    out = simulated_json("daiyue")
    new = [r for r in out["balance_diff"] if r["body"] == "党员教育中心" and r["status"] == "新设"]
    assert len(new) == 11 and sum(r["after"]["approved"] for r in new) == 88
    boards = [c["text"] for c in out["changes"] if c["kind"] == "signboard_added"]
    assert boards == ["岱岳区“区社会治理服务中心”加挂““一站式”矛盾调处服务中心”牌子"]
    (district,) = [r for r in out["off_quota"] if r["division"] == "岱岳区"]
    assert district["after"]["staff"] == {"城市社区工作者": 90, "城镇公益岗": 461}
    text = run_cli("simulate", ROOT / "daiyue" / "base", ROOT / "daiyue" / "scenario.yaml").stdout
    assert "城市社区工作者 90、城镇公益岗 461" in text and "教学现场 110" in text


def test_binzhou_figures_as_the_simulate_and_balance_outputs_show_them():
    out = simulated_json("binzhou")
    classes = [r for r in out["attribute_changes"] if r["label"] == "公益类别"]
    assert len(classes) == 22 and {(r["before"], r["after"]) for r in classes} == {("公益二类", "公益一类")}
    base, plan = ROOT / "binzhou" / "base", ROOT / "binzhou" / "scenario.yaml"
    rows = json.loads(run_cli("balance", base, "--scenario", plan, "--by", "off_quota", "--format", "json").stdout)
    city = next(r for r in rows if r["division"] == "滨州市")
    assert (city["grids"], city["off_quota_staff"]) == (7800, 14000)
    assert city["off_quota_detail"] == "网格员 14000(其中党员 8800)"
    assert "网格党支部 6900" in city["counts_detail"]
    body_rows = json.loads(run_cli("balance", base, "--scenario", plan, "--by", "body", "--format", "json").stdout)
    centres = [r for r in body_rows if r["body"] == "网格化服务管理中心"]
    assert len(centres) == 22 and {r["class"] for r in centres} == {"公益一类"}


def measures_of(case: str, division: str) -> dict:
    base, plan = ROOT / case / "base", ROOT / case / "scenario.yaml"
    rows = json.loads(run_cli("balance", base, "--scenario", plan, "--by", "指标", "--format", "json").stdout)
    return {r["measure"]: (r["value"], r["unit"]) for r in rows if r["division"] == division and r["body"] is None}


@pytest.mark.parametrize("case, division, expected", [
    ("tengzhou", "滕州市", {"城市社区兼职网格员绩效奖补": (400, "元/人·月"), "农村兼职网格员绩效奖补": (200, "元/人·月"),
                           "基层治理专项奖励资金": (300, "万元")}),
    ("binzhou", "滨州市", {"社会治理及民生服务事项办结率": (99.4, "%"), "涉疫情矛盾纠纷化解率": (100, "%")}),
])
def test_allowances_funds_and_rates_are_recorded_with_their_units_and_shown_where_recorded(case, division, expected,
                                                                                          tmp_path):
    assert measures_of(case, division) == expected
    base, plan = ROOT / case / "base", ROOT / case / "scenario.yaml"
    assert run_cli("report", "scenario", base, plan, "--out", tmp_path / "方案").exit_code == 0
    pages = "".join(p.read_text("utf-8") for p in (tmp_path / "方案" / "after").glob("*.html"))
    first, (value, unit) = next(iter(expected.items()))
    assert f"指标(本级,不逐级相加):{first} {value:g} {unit}" in pages


def test_tengzhou_grid_items_with_time_limits_are_listed_in_every_township_by_one_directive(tmp_path):
    out = simulated_json("tengzhou")
    added = [c for c in out["duty_changes"] if c["item"] == "矛盾纠纷排查化解" and c["before"] is None]
    towns = townships(sim("tengzhou").after)
    assert len(added) == len(towns) == 4
    assert {c["after"]["time_limit"] for c in added} == {"3 个工作日"}
    assert {c["after"]["lead"].split("/")[-1] for c in added} == {"社会治理综合服务中心"}
    base, plan = ROOT / "tengzhou" / "base", ROOT / "tengzhou" / "scenario.yaml"
    assert run_cli("report", "scenario", base, plan, "--out", tmp_path / "方案").exit_code == 0
    town_pages = [p.read_text("utf-8") for p in (tmp_path / "方案" / "after").glob("town-*.html")]
    assert len(town_pages) == 4 and all("<td>3 个工作日</td><td>当事人达成调解协议或依法导入诉讼程序</td>" in p
                                       for p in town_pages)


def test_zhucheng_earmarked_quota_keeps_its_purpose_until_hires_use_it(tmp_path):
    base, plan = ROOT / "zhucheng" / "base", ROOT / "zhucheng" / "scenario.yaml"
    rows = json.loads(run_cli("balance", base, "--scenario", plan, "--by", "专项编制", "--format", "json").stdout)
    assert [(r["division"], r["body"], r["account"], r["earmarked"], r["used"]) for r in rows] == [
        ("昌城镇", "农业农村服务中心", "镇街专业人才事业编制专户", 1, 2)]
    assert rows[0]["purpose"].startswith("专项用于")
    assert run_cli("report", "scenario", base, plan, "--out", tmp_path / "方案").exit_code == 0
    page = next(p.read_text("utf-8") for p in (tmp_path / "方案" / "after").glob("town-*.html")
                if "<h2>专项编制(专户)</h2>" in p.read_text("utf-8"))
    assert f'data-fig="earmark|{rows[0]["body_id"]}|事业编制|earmarked" data-v="1"' in page


def test_zhucheng_two_way_secondments_move_people_not_quota(tmp_path):
    base, plan = ROOT / "zhucheng" / "base", ROOT / "zhucheng" / "scenario.yaml"
    rows = json.loads(run_cli("balance", base, "--scenario", plan, "--by", "挂职", "--format", "json").stdout)
    assert sorted((r["home_division"], r["host_division"], r["people"]) for r in rows) == [
        ("昌城镇", "诸城市", 1), ("诸城市", "密州街道", 2)]
    diff = simulated_json("zhucheng")["balance_diff"]
    assert not [r for r in diff if r["body"] in ("市人力资源和社会保障局", "市委办公室")]  # their quota and staff unchanged
    assert run_cli("report", "scenario", base, plan, "--out", tmp_path / "方案").exit_code == 0
    pages = {p.name: p.read_text("utf-8") for p in (tmp_path / "方案" / "after").glob("*.html")}
    shown = [name for name, text in pages.items() if "挂职、借调人员(" in text]
    assert len(shown) == 3  # the county page (both) and the two townships' pages


def test_tengzhou_centre_is_directly_under_the_party_committee_and_led_through_its_political_legal_commission(tmp_path):
    base, plan = ROOT / "tengzhou" / "base", ROOT / "tengzhou" / "scenario.yaml"
    rows = json.loads(run_cli("balance", base, "--scenario", plan, "--format", "json").stdout)
    centre = next(r for r in rows if r["body"] == "社会治理综合服务中心" and r["division"] == "滕州市")
    assert centre["led_by"] == "市委政法委" and centre["relations"] == "直属 市委;归口领导 市委政法委"
    changes = simulated_json("tengzhou")["attribute_changes"]
    assert any(c["label"] == "其他领导关系" and c["after"] == "直属 市委;归口领导 市委政法委" for c in changes)
    assert run_cli("report", "scenario", base, plan, "--out", tmp_path / "方案").exit_code == 0
    pages = "".join(p.read_text("utf-8") for p in (tmp_path / "方案" / "after").glob("county-*.html"))
    assert "(直属 市委;归口领导 市委政法委)" in pages
