"""The demo city's own reform plan (data/scenarios/qilan-2026) reproduces its README's figures,
simulates without errors, leaves the demo ledger untouched, and is the scenario ``orgmodel demo`` shows."""

from __future__ import annotations

import hashlib
import re
from functools import cache
from pathlib import Path

from conftest import run_cli

from orgmodel.answers.scenario import load_scenario, simulate
from orgmodel.figures.balance import sinking_ratio, township_balance
from orgmodel.figures.provenance import trace
from orgmodel.ledger import load
from orgmodel.report.demo_pages import demo_scenario

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"
PLAN = ROOT / "data" / "scenarios" / "qilan-2026"
CENTRE = "市企业服务中心"
SINKING_TOWNS = ["青石镇", "柳塘镇", "白沙镇", "桃源镇", "云溪镇", "松林镇"]


@cache
def sim():
    ledger = load(DEMO)
    return simulate(ledger, load_scenario(PLAN / "scenario.yaml", ledger.config))


@cache
def base_state():
    """The demo ledger replayed to the simulation day (a simulation keeps only its snapshot)."""
    return load(DEMO).state(sim().as_of)


def body(state, ref):
    holder, why = state.find_by_any_name(ref)
    assert holder is not None, why
    return holder


def town_totals(state) -> dict[str, int]:
    df = township_balance(state)
    return df.groupby("quota_type")["approved"].sum().to_dict()


def digest(folder: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_simulate_exits_0_with_only_cross_level_warnings_and_base_untouched():
    before = digest(DEMO)
    result = run_cli("simulate", DEMO, PLAN / "scenario.yaml")
    assert result.exit_code == 0, result.output
    assert digest(DEMO) == before
    assert "市企业服务中心" in result.output and "新设" in result.output and "撤销" in result.output
    assert not [f for f in sim().findings if f.severity == "error"]
    mine = sim().findings  # only what the plan causes; the base's own warnings are inherited
    assert len(mine) == 7 and {f.rule for f in mine} == {"cross-level-transfer"}
    assert all("qilan-2026" in f.source.file for f in mine)
    assert sim().inherited and not {f.source.file for f in sim().inherited if f.source} & {f.source.file for f in mine}
    assert "共 0 个错误,7 个警告" in result.output and "台账原有问题" in result.output
    assert (PLAN / "README.md").is_file()


def test_new_centre_has_20_quota_from_two_merged_bodies_and_6_reclaimed():
    after = sim().after
    centre = body(after, CENTRE)
    assert (centre.category, centre.klass, centre.rank) == ("事业单位", "公益一类", "副科")
    assert after.leader(centre).name == "市工业和信息化局"
    assert after.signboards(centre) == ["市民营经济发展服务中心"]
    assert centre.approved["事业编制"] == 20 and centre.actual["事业编制"] == 18
    assert centre.posts == {"正职": 1, "副职": 2} and centre.leaders == {"正职": 1, "副职": 2}
    t = trace(after, centre)
    assert t.ok
    came = {}
    for step in t.roots["事业编制"]:
        src = step.flow.src
        name = src[1] if src[0] == "pool" else after.bodies[src[1]].name
        came[(step.flow.kind, name)] = came.get((step.flow.kind, name), 0) + step.amount
    assert came == {("merge", "市中小企业服务中心"): 8, ("merge", "市工业经济运行监测中心"): 6,
                    ("transfer", "栖澜市收回编制池"): 6}
    for name in ("市中小企业服务中心", "市工业经济运行监测中心", "市农村饮水安全管理所"):
        (old,) = after.former_holders(name)
        assert not old.active and not any(old.approved.values()) and not any(old.actual.values())


def test_abolition_pools_and_loan_return_figures():
    s = sim()
    water = body(s.after, "市水利工程管理处")
    assert (water.approved["事业编制"], water.actual["事业编制"]) == (35, 35)
    pools = {side: {n: p.approved.get("事业编制", 0) for n, p in st.pools.items()}
             for side, st in (("before", base_state()), ("after", s.after))}
    assert (pools["before"]["栖澜市收回编制池"], pools["after"]["栖澜市收回编制池"]) == (24, 7)
    assert (pools["before"]["栖澜市编制周转池"], pools["after"]["栖澜市编制周转池"]) == (16, 20)
    hospital = body(s.after, "市中医医院")
    assert (hospital.approved["事业编制"], hospital.actual["事业编制"]) == (262, 262)


def test_townships_gain_12_institutional_quota_across_levels_and_totals_hold():
    s = sim()
    before, after = town_totals(base_state()), town_totals(s.after)
    assert (before["事业编制"], after["事业编制"]) == (778, 790)
    assert (before["行政编制"], after["行政编制"]) == (653, 655)
    assert round(12 / after["事业编制"] * 100, 1) == 1.5
    ratio = {st: sinking_ratio(x).set_index("quota_type")["ratio"]["事业编制"] for st, x in (("b", base_state()), ("a", s.after))}
    assert (round(ratio["b"] * 100, 2), round(ratio["a"] * 100, 2)) == (14.10, 14.31)
    down = [f for f in s.after.flows if f.cross_level and f.date.year == 2026]
    assert sum(f.amount for f in down if f.kind == "transfer") == 12
    assert {s.after.divisions[s.after.bodies[f.dst[1]].division].name for f in down if f.kind == "transfer"} == set(SINKING_TOWNS)
    totals = s.totals.set_index("quota_type")
    assert (totals["before_total"] == totals["after_total"]).all()
    assert totals["after_total"].to_dict() == {"行政编制": 1430, "政法专项编制": 655, "事业编制": 5519, "工勤编制": 133}


def test_function_transfer_moves_quota_and_people_down_to_qingshi():
    after = sim().after
    bureau, office = body(after, "市自然资源和规划局"), body(after, "青石镇/自然资源和规划建设办公室")
    assert (bureau.approved["行政编制"], bureau.actual["行政编制"]) == (16, 14)
    assert (office.approved["行政编制"], office.actual["行政编制"]) == (6, 6)
    (flow,) = [f for f in after.flows if f.kind == "function"]
    assert (flow.amount, flow.cross_level, flow.src, flow.dst) == (2, True, bureau.node, office.node)


def test_every_township_service_centre_carries_the_party_service_signboard():
    after = sim().after
    towns = [d for d in after.divisions.values() if d.level == "乡镇"]
    assert len(towns) == 18
    for d in towns:
        (centre,) = [b for b in after.active_bodies() if b.division == d.code and b.name == "便民服务中心"]
        assert "党群服务中心" in after.signboards(centre)


def test_demo_picks_this_plan_and_its_page_names_the_new_centre(tmp_path):
    assert demo_scenario(DEMO) == (DEMO, PLAN / "scenario.yaml")
    before = digest(DEMO)
    result = run_cli("demo", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert "qilan-2026" in result.output
    page = (tmp_path / "scenario" / "index.html").read_text(encoding="utf-8")
    assert CENTRE in page and "栖澜市 2026 年机构编制优化调整方案" in page
    assert digest(DEMO) == before


def test_demo_falls_back_when_the_plan_folder_is_missing(tmp_path):
    demo = tmp_path / "data" / "demo"
    demo.mkdir(parents=True)
    assert demo_scenario(demo) is None
    other = tmp_path / "data" / "scenarios" / "tengzhou"
    (other / "base").mkdir(parents=True)
    (other / "scenario.yaml").write_text("name: x\ndirectives: []\n", encoding="utf-8")
    assert demo_scenario(demo) == (other / "base", other / "scenario.yaml")


def test_scenario_page_marks_quota_changes_lists_hiring_and_keeps_paths_whole(tmp_path):
    result = run_cli("report", "scenario", DEMO, PLAN / "scenario.yaml", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    # only its quota changed (the abolished unit's quota and people went to it): marked in both trees
    assert len(re.findall(r'<li class="chg-changed">\s*<strong>市水利工程管理处</strong>', page)) == 2
    assert "用编进人计划</span> 1 项" in page and "栖澜市“市企业服务中心”进人:事业编制 6 名" in page
    # file paths in source cells break only after "/", never inside a name
    parts = str(PLAN / "scenario.yaml:39").split("/")
    cell = "<wbr>".join(f"<span>{p}/</span>" for p in parts[:-1]) + f"<wbr><span>{parts[-1]}</span>"
    assert f'<td class="note src">{cell}</td>' in page
    plan, inherited = page.split('<details class="inherited">')
    assert "<summary><h2>台账原有问题</h2>" in inherited and "警告 39 条、提示 16 条" in inherited
    assert plan.count('class="finding"') == 7
