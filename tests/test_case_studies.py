"""The three case studies in data/scenarios reproduce their articles' figures and simulate clean."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest
from conftest import run_cli

from orgmodel.ledger import load
from orgmodel.provenance import trace
from orgmodel.scenario import load_scenario, simulate

ROOT = Path(__file__).resolve().parents[1] / "data" / "scenarios"
CASES = ["tengzhou", "zhucheng", "neijiang"]


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
    towns = s.township_diff.groupby("quota_type")[["before_approved", "after_approved"]].sum()
    assert (towns["after_approved"] - towns["before_approved"]).to_dict() == {"事业编制": 138, "行政编制": 125}
    codes = {d.code for d in townships(s.after)}
    assert len(codes) == 13
    planned = sum(b.planned.get("行政编制", 0) for b in s.after.active_bodies() if b.division in codes)
    assert planned == 161
    posts = s.leader_diff
    assert int((posts["after_approved"] - posts["before_approved"]).sum()) == 70
    pool = s.after.pools["镇街专业人才事业编制专户"]
    assert pool.kind == "earmarked" and pool.approved["事业编制"] > 0


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
