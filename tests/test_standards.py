"""Staffing standards (编制标准): dated formulas in the config, 应核 against 核定 in ``balance --by
standard``, the off-standard rule, the gaps a plan moves in ``simulate``, and ``allocate``."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pandas as pd
import pytest
from conftest import balance_json, run_cli, write_ledger
from hypothesis import given
from hypothesis import strategies as st

from orgmodel.answers.allocation import _fill
from orgmodel.core.config import ConfigError, load_config

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"

# A county with a school in the county seat and one in a 乡, a hospital, and a town: lines 1-15.
LEDGER = """\
- {date: 2010-01-01, op: open_division, code: C1, name: 青山县, level: 县}
- {date: 2010-01-01, op: open_division, code: T1, name: 东镇, level: 乡镇, kind: 镇, parent: C1, population: 62000, households: 9000}
- {date: 2010-01-01, op: open_division, code: T2, name: 西乡, level: 乡镇, kind: 乡, parent: C1}
- {date: 2010-01-01, op: open_pool, name: 收回编制池, kind: 收回, division: 青山县}
- {date: 2010-01-01, op: establish, name: 县第一小学, division: 青山县, category: 事业单位}
- {date: 2010-01-01, op: establish, name: 西乡中心小学, division: 西乡, category: 事业单位}
- {date: 2010-01-01, op: establish, name: 县人民医院, division: 青山县, category: 事业单位}
- {date: 2010-01-01, op: establish, name: 东镇党政办, division: 东镇, category: 党政机关}
- {date: 2010-01-02, op: approve, doc: 青编〔2010〕1号, body: 县第一小学, type: 事业编制, amount: 40}
- {date: 2010-01-02, op: approve, doc: 青编〔2010〕1号, body: 西乡中心小学, type: 事业编制, amount: 30}
- {date: 2010-01-02, op: approve, doc: 青编〔2010〕1号, body: 县人民医院, type: 事业编制, amount: 300}
- {date: 2010-01-02, op: approve, doc: 青编〔2010〕1号, body: 东镇党政办, type: 行政编制, amount: 30}
- {date: 2010-01-02, op: approve, doc: 青编〔2010〕1号, body: 收回编制池, type: 事业编制, amount: 20}
- {date: 2013-09-01, op: counts, body: 县第一小学, counts: {小学学生: 950}}
- {date: 2013-09-01, op: counts, body: 西乡中心小学, counts: {小学学生: 690}}
- {date: 2013-09-01, op: counts, body: 县人民医院, counts: {床位: 250}}
- {date: 2013-09-01, op: off_quota, division: 东镇, grids: 10}
"""

CONFIG = """\
standards:
  中小学教职工编制标准:
    measures: 事业编制
    where: {name_endings: [小学, 中学]}
    versions:
      - from: 2001-10-11
        doc: 国办发〔2001〕74号
        by_place:
          县: {ratio: {小学学生: 21}}
          乡: {ratio: {小学学生: 23}}
      - from: 2014-11-13
        doc: 中央编办发〔2014〕72号
        ratio: {小学学生: 19}
  综合医院编制标准:
    measures: 事业编制
    where: {name_endings: [医院]}
    versions:
      - from: 1978-12-01
        doc: 卫医字〔1978〕1689号
        confirmed: false
        bands: {driver: 床位, rows: [{below: 300, per_unit: [1.3, 1.4]}, {below: null, per_unit: [1.4, 1.5]}]}
  乡镇行政编制:
    measures: 行政编制
    for: division
    where: {level: [乡镇]}
    versions:
      - from: 2007-01-01
        doc: 江苏省乡镇机构编制标准(文号待核)
        confirmed: false
        bands: {driver: 人口, rows: [{below: 50000, value: 30}, {below: 70000, value: 35}, {below: null, value: 40}]}
  网格:
    measures: 网格
    for: division
    where: {level: [乡镇]}
    versions:
      - {from: 2014-06-01, doc: 滨州网格标准, ratio: {户数: [300, 500]}}
"""


@pytest.fixture
def county(tmp_path):
    root = write_ledger(tmp_path / "县", LEDGER)
    (root / "orgmodel.yaml").write_text(CONFIG, encoding="utf-8")
    return root


def rows_by(records, holder, standard=None):
    return next(r for r in records if r["holder"] == holder and (standard is None or r["standard"] == standard))


def test_balance_by_standard_gives_implied_approved_and_gap_with_the_version_in_force(county):
    now = balance_json(county, "--by", "standard", "--as-of", "2015-01-01")
    school = rows_by(now, "县第一小学")
    assert (school["implied"], school["approved"], school["gap"], school["verdict"]) == ("50", 40, -10, "低于标准")
    assert school["drivers"] == "小学学生 950" and school["basis"].startswith("中央编办发〔2014〕72号,2014-11-13")
    hospital = rows_by(now, "县人民医院")  # 250 beds × 1.3–1.4
    assert (hospital["implied_low"], hospital["implied_high"], hospital["gap"]) == (325, 350, -25)
    assert "数值未核实" in hospital["basis"]
    town = rows_by(now, "东镇", "乡镇行政编制")  # 62,000 people: the 50–70k band
    assert (town["implied"], town["approved"], town["gap"], town["verdict"]) == ("35", 30, -5, "低于标准")
    grids = rows_by(now, "东镇", "网格")  # 9,000 households at 300–500 a grid: 18–30 grids
    assert (grids["implied"], grids["approved"], grids["gap"]) == ("18–30", 10, -8)
    assert rows_by(now, "西乡", "乡镇行政编制")["verdict"] == "未登记"  # no population recorded
    assert all(r["as_of"] == "2015-01-01" for r in now)

    before = balance_json(county, "--by", "标准", "--as-of", "2014-01-01")  # the 2001 standard, per place
    assert rows_by(before, "县第一小学")["implied"] == "45"   # 950 / 21 in the county seat
    assert rows_by(before, "西乡中心小学")["implied"] == "30"  # 690 / 23 in a 乡
    assert rows_by(before, "西乡中心小学")["verdict"] == "符合标准"
    assert not [r for r in before if r["standard"] == "网格"]  # not yet in force


def test_text_table_is_chinese_and_hides_internal_columns(county):
    out = run_cli("balance", county, "--by", "standard").stdout
    assert "应核" in out and "差额(核定−应核)" in out and "低于标准" in out and "body_id" not in out


def test_off_standard_rule_flags_at_the_last_change_and_its_severity_is_configurable(county):
    found = json.loads(run_cli("check", county, "--as-of", "2015-01-01", "--format", "json").stdout)
    mine = [f for f in found if f["rule"] == "off-standard"]
    school = next(f for f in mine if "县第一小学" in f["message"])
    assert school["severity"] == "warning" and school["source"].endswith("ledger.yaml:14")
    assert "应核 50 名,低于标准 10 名" in school["message"]
    assert not any("西乡" in f["message"] and "行政编制" in f["message"] for f in mine)  # drivers not recorded
    assert run_cli("check", county, "--as-of", "2015-01-01").exit_code == 0  # warnings only
    (county / "orgmodel.yaml").write_text(CONFIG + "rules: {off-standard: {severity: error}}\n", encoding="utf-8")
    result = run_cli("check", county, "--as-of", "2015-01-01")
    assert result.exit_code == 1 and "[偏离编制标准]" in result.output and "共 5 个错误" in result.output


@pytest.mark.parametrize("bad, where, words", [
    ("standards: {学校: {measures: 教师编制, versions: [{from: 2014-11-13, doc: X, ratio: {学生: 19}}]}}", 1, "教师编制"),
    ("standards:\n  学校:\n    measures: 事业编制\n    versions:\n      - {from: 2014年, doc: X, ratio: {学生: 19}}\n", 5,
     "起用日期"),
    ("standards:\n  学校:\n    measures: 事业编制\n    versions:\n      - from: 2014-11-13\n        ratio: {学生: 0}\n", 6,
     "应为正数"),
    ("standards:\n  学校:\n    measures: 事业编制\n    versions:\n      - {from: 2014-11-13, doc: X}\n", 5, "只写一种算法"),
    ("standards:\n  网格:\n    measures: 网格\n    versions: [{from: 2020-01-01, doc: X, ratio: {户数: 400}}]\n", 3,
     "for: division"),
    ("standards:\n  医院:\n    measures: 事业编制\n    versions:\n      - from: 1978-12-01\n        doc: X\n        bands:\n"
     "          driver: 床位\n          rows: [{below: null, value: 1}, {below: 300, value: 2}]\n", 9, "最后一档"),
    ("standards:\n  乡镇:\n    measures: 行政编制\n    for: division\n    where: {category: [党政机关]}\n"
     "    versions: [{from: 2007-01-01, doc: X, ratio: {人口: 1500}}]\n", 5, "不能按机构"),
])
def test_bad_standards_are_refused_at_their_line_in_chinese(tmp_path, bad, where, words):
    path = tmp_path / "orgmodel.yaml"
    path.write_text(bad, encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    text = str(exc.value)
    assert f"{path}:{where}: [配置有误] standards." in text and words in text, text


def test_a_date_that_does_not_exist_is_refused_at_its_line(tmp_path):
    path = tmp_path / "orgmodel.yaml"
    path.write_text("standards:\n  学校:\n    measures: 事业编制\n    versions:\n"
                    "      - {from: 2014-13-01, doc: X, ratio: {学生: 19}}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=f"{path}:5: .*日期“2014-13-01”不存在"):
        load_config(path)


def test_every_problem_of_a_standard_is_listed_in_one_pass(tmp_path):
    path = tmp_path / "orgmodel.yaml"
    path.write_text(textwrap.dedent("""\
        standards:
          学校:
            measures: 教师编制
            holder: body
            versions:
              - {from: 2014-11-13, ratio: {学生: -1}}
        """), encoding="utf-8")
    with pytest.raises(ConfigError) as exc:
        load_config(path)
    text = str(exc.value)
    assert "教师编制" in text and "未知的设置“holder”" in text and "缺少文号" in text and "应为正数" in text
    assert "4 处问题" in text


def test_simulate_shows_how_a_plan_moves_each_gap(county, tmp_path):
    plan = tmp_path / "方案.yaml"
    plan.write_text("name: 补小学\ndirectives:\n- {date: 2015-02-01, op: transfer, doc: 青编〔2015〕1号, from: 收回编制池, "
                    "to: 县第一小学, type: 事业编制, amount: 10}\n", encoding="utf-8")
    out = json.loads(run_cli("simulate", county, plan, "--format", "json").stdout)
    (row,) = [r for r in out["standard_diff"] if r["holder"] == "县第一小学"]
    assert row["before"] == {"implied": "50", "approved": 40, "gap": -10, "verdict": "低于标准"}
    assert row["after"] == {"implied": "50", "approved": 50, "gap": 0, "verdict": "符合标准"}
    text = run_cli("simulate", county, plan).stdout
    assert "八、编制标准对照" in text and "-10 → 0" in text


def test_allocate_writes_a_plan_that_fills_the_furthest_below_and_never_changes_the_ledger(county, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    before = sorted((p.name, p.read_bytes()) for p in county.iterdir())
    result = run_cli("allocate", county, "--from", "收回编制池", "--count", "20", "--standard", "中小学教职工编制标准",
                     "--as-of", "2015-01-01", "--format", "json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    given = {r["body"]: r["given"] for r in out["rows"]}
    # 县第一小学 is 10 below (40 of 950/19 = 50), 西乡中心小学 6 below (30 of 690/19 = 36): 16 fill both, 4 stay
    assert given == {"县第一小学": 10, "西乡中心小学": 6}
    assert (out["asked"], out["given"], out["left"]) == (20, 16, 4)
    plan = Path(out["plan"])
    assert plan == (tmp_path / "分配方案.yaml").resolve() and "doc: 待定" in plan.read_text("utf-8")
    assert sorted((p.name, p.read_bytes()) for p in county.iterdir()) == before
    sim = run_cli("simulate", county, plan, "--format", "json")
    assert sim.exit_code == 0, sim.output
    sim = json.loads(sim.stdout)
    assert not [f for f in sim["findings"] if f["severity"] == "error"]
    after = {r["holder"]: r["after"]["gap"] for r in sim["standard_diff"]}
    assert after == {"县第一小学": 0, "西乡中心小学": 0}


@pytest.mark.parametrize("change, words", [
    ({"--standard": "幼儿园"}, "未知的编制标准“幼儿园”"),
    ({"--standard": "网格"}, "编制只能调剂给机构"),
    ({"--from": "周转池"}, "找不到编制池“周转池”"),
    ({"--count": "21"}, "只有事业编制 20 名"),
    ({"--as-of": "2000-01-01"}, "尚未施行"),
])
def test_allocate_refuses_what_cannot_be_allocated_in_chinese(county, tmp_path, monkeypatch, change, words):
    monkeypatch.chdir(tmp_path)
    args = {"--from": "收回编制池", "--count": "5", "--standard": "中小学教职工编制标准", "--as-of": "2015-01-01", **change}
    result = run_cli("allocate", county, *[x for kv in args.items() for x in kv])
    assert result.exit_code == 2 and words in result.output, result.output
    assert not (tmp_path / "分配方案.yaml").exists()


def test_allocate_on_the_demo_gives_a_plan_simulate_accepts_with_no_new_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = run_cli("allocate", DEMO, "--from", "栖澜市收回编制池", "--count", "20", "--standard", "中小学教职工编制标准",
                     "--format", "json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["given"] == 20 and all(r["gap_after"] <= 0 for r in out["rows"])
    sim = run_cli("simulate", DEMO, out["plan"], "--format", "json")
    assert sim.exit_code == 0, sim.output
    found = json.loads(sim.stdout)["findings"]
    assert not [f for f in found if f["severity"] == "error"]
    moved = json.loads(sim.stdout)["standard_diff"]
    assert sum(r["after"]["approved"] - r["before"]["approved"] for r in moved) == 20


@st.composite
def bodies(draw):
    n = draw(st.integers(0, 8))
    rows = []
    for _ in range(n):
        low = draw(st.integers(0, 60))
        high = low + draw(st.integers(0, 10))
        rows.append((low, high, draw(st.integers(0, 80))))
    return pd.DataFrame(rows, columns=["implied_low", "implied_high", "approved"])


@given(bodies(), st.integers(1, 200))
def test_fill_conserves_quota_and_never_takes_a_body_above_its_standard(rows, count):
    given_ = _fill(rows, count)
    room = sum(max(h - a, 0) for h, a in zip(rows["implied_high"], rows["approved"]))
    assert sum(given_) == min(count, room)  # nothing lost: what is not given stays in the pool
    for g, high, have in zip(given_, rows["implied_high"], rows["approved"]):
        assert g >= 0 and (g == 0 or have + g <= high)
    # the furthest below their low end are served first: nobody is left further below its low
    # end than another body that was given more than it needed to reach its own
    short = [max(lo - (a + g), 0) for g, lo, a in zip(given_, rows["implied_low"], rows["approved"])]
    over_low = [g > max(lo - a, 0) for g, lo, a in zip(given_, rows["implied_low"], rows["approved"])]
    assert not (any(over_low) and any(short))


@given(st.lists(st.integers(0, 6), min_size=1, max_size=4), st.integers(1, 12))
@pytest.mark.filterwarnings("ignore")
def test_allocated_plans_conserve_every_total_when_replayed(tmp_path_factory, pupils_by_school, count):
    """Replayed through simulate, the proposal moves exactly what it gives out of the pool and
    into the bodies, leaves the jurisdiction's total as it was, and takes no body above its standard."""
    tmp = tmp_path_factory.mktemp("alloc")
    schools = "".join(
        f"- {{date: 2020-01-01, op: establish, name: 第{i}小学, division: 青山县, category: 事业单位}}\n"
        f"- {{date: 2020-01-02, op: approve, doc: 青编〔2020〕1号, body: 第{i}小学, type: 事业编制, amount: 10}}\n"
        f"- {{date: 2020-01-03, op: counts, body: 第{i}小学, counts: {{小学学生: {190 + 19 * p}}}}}\n"
        for i, p in enumerate(pupils_by_school))
    root = write_ledger(tmp / "县", "- {date: 2020-01-01, op: open_division, code: C1, name: 青山县, level: 县}\n"
                        "- {date: 2020-01-01, op: open_pool, name: 收回编制池, kind: 收回, division: 青山县}\n"
                        "- {date: 2020-01-02, op: approve, doc: 青编〔2020〕1号, body: 收回编制池, type: 事业编制, amount: 12}\n"
                        + schools)
    (root / "orgmodel.yaml").write_text("standards: {小学: {measures: 事业编制, where: {name_endings: [小学]}, versions: "
                                        "[{from: 2014-11-13, doc: X, ratio: {小学学生: 19}}]}}\n", encoding="utf-8")
    out = json.loads(run_cli("allocate", root, "--from", "收回编制池", "--count", count, "--standard", "小学",
                             "--out", tmp / "p.yaml", "--format", "json").stdout or "null") \
        if sum(pupils_by_school) else None
    if out is None:  # nobody below its standard: nothing proposed, nothing written
        assert run_cli("allocate", root, "--from", "收回编制池", "--count", count, "--standard", "小学",
                       "--out", tmp / "p.yaml").exit_code == 2 and not (tmp / "p.yaml").exists()
        return
    assert out["given"] == min(count, sum(pupils_by_school))
    sim = json.loads(run_cli("simulate", root, tmp / "p.yaml", "--format", "json").stdout)
    (total,) = [t for t in sim["totals"] if t["quota_type"] == "事业编制"] or [None]
    if total is not None:
        assert total["before"]["total"] == total["after"]["total"]
        assert total["after"]["pools"] == 12 - out["given"]
    assert all(r["after"]["gap"] == 0 or r["after"]["verdict"] == "低于标准" for r in sim["standard_diff"])
    assert sum(r["after"]["approved"] - r["before"]["approved"] for r in sim["standard_diff"]) == out["given"]


def test_the_example_standards_load_and_each_is_in_force_today():
    from orgmodel.core.standards import standards_of

    config = load_config(Path(__file__).resolve().parents[1] / "docs" / "example-standards.yaml")
    found = {s.name: s for s in standards_of(config)}
    assert len(found) == 5 and all(s.in_force(None) for s in found.values())
    teachers = found["中小学教职工编制标准"]
    old = teachers.in_force(__import__("datetime").date(2010, 1, 1))
    assert old.doc == "国办发〔2001〕74号" and old.implied({"小学学生": 230}.get, "乡") == (10.0, 10.0)
    assert not found["综合医院编制标准"].versions[0].confirmed


def test_the_report_lists_off_standard_rows_on_the_index_and_each_on_its_own_page(county, tmp_path):
    from orgmodel.report.site import county_file, town_file

    out = tmp_path / "报表"
    assert run_cli("report", "balance", county, "--out", out, "--as-of", "2015-01-01").exit_code == 0
    index = (out / "index.html").read_text("utf-8")
    assert "编制标准对照:低于或高于标准的 5 个" in index and "县人民医院" in index
    town = (out / town_file("T1")).read_text("utf-8")
    assert "<h2>编制标准对照</h2>" in town and "乡镇行政编制" in town and "18–30" in town
    assert "县第一小学" not in town  # a county school is on the county page
    seat = (out / county_file("C1")).read_text("utf-8")
    assert "<h2>编制标准对照</h2>" in seat and "县第一小学" in seat and "小学学生 950" in seat
    west = (out / town_file("T2")).read_text("utf-8")
    assert "西乡中心小学" in west and "未登记人口" in west
