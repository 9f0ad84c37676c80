"""``orgmodel chart``, and the charts on the balance and scenario reports, as a clerk sees them."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from conftest import run_cli, write_ledger

from orgmodel.answers.book import Book

DOC = "doc: 青编〔2021〕1号"
LEDGER = f"""\
- {{date: 2021-01-01, op: open_division, code: "370100", name: 青山县, level: 县}}
- {{date: 2021-01-01, op: open_division, code: "370101", name: 东镇, level: 乡镇, kind: 镇, parent: 青山县}}
- {{date: 2021-01-01, op: open_pool, name: 收回编制池, kind: 收回, division: 青山县}}
- {{date: 2021-01-01, op: establish, name: 县委办公室, division: 青山县, category: 党政机关, signboards: [县委保密办公室]}}
- {{date: 2021-01-01, op: establish, name: 县教育局, division: 青山县, category: 党政机关}}
- {{date: 2021-01-01, op: establish, name: 县第一中学, division: 青山县, category: 事业单位, led_by: 县教育局}}
- {{date: 2021-01-01, op: establish, name: 县第二中学, division: 青山县, category: 事业单位, led_by: 县教育局}}
- {{date: 2021-01-01, op: establish, name: 县安全生产委员会, division: 青山县, category: 议事协调机构}}
- {{date: 2021-01-01, op: establish, name: 党政办, division: 东镇, category: 党政机关}}
- {{date: 2021-01-01, op: establish, name: 东镇派出所, division: 东镇, category: 派驻机构}}
- {{date: 2021-01-02, op: approve, body: 县委办公室, type: 行政编制, amount: 10, {DOC}}}
- {{date: 2021-01-02, op: approve, body: 县第一中学, type: 事业编制, amount: 80, {DOC}}}
- {{date: 2021-01-02, op: approve, body: 县第二中学, type: 事业编制, amount: 60, {DOC}}}
- {{date: 2021-01-02, op: approve, body: 党政办, type: 行政编制, amount: 8, {DOC}}}
- {{date: 2021-01-02, op: approve, body: 收回编制池, type: 事业编制, amount: 10, {DOC}}}
- {{date: 2021-01-03, op: staff, body: 县委办公室, actual: {{行政编制: 9}}}}
- {{date: 2021-01-03, op: staff, body: 县第一中学, actual: {{事业编制: 82}}}}
- {{date: 2021-01-03, op: staff, body: 党政办, actual: {{行政编制: 8}}}}
- {{date: 2021-01-03, op: leader_posts, body: 县委办公室, posts: {{正职: 1, 副职: 2}}, {DOC}}}
"""
PLAN = f"""\
name: 整合中学
as_of: 2021-12-31
directives:
  - date: 2021-06-01
    op: merge
    {DOC}
    sources: [县第一中学, 县第二中学]
    new: {{name: 县实验中学, division: 青山县, category: 事业单位, led_by: 县教育局}}
  - {{date: 2021-06-01, op: rename, body: 县委办公室, to: 县委办, keep_signboard: true}}
"""
SVG = "{http://www.w3.org/2000/svg}"


def boxes(svg_text: str) -> dict[str, ET.Element]:
    root = ET.fromstring(svg_text.split("?>", 1)[-1])
    return {"".join("".join(t.itertext()) for t in g.iter(f"{SVG}text") if t.get("class") == "n"): g
            for g in root.iter(f"{SVG}g") if g.get("data-key")}


def ledger(tmp_path: Path) -> Path:
    return write_ledger(tmp_path / "ledger", LEDGER)


def test_county_chart_as_svg_shows_every_body_once_grouped_and_marked(tmp_path):
    out = tmp_path / "县.svg"
    res = run_cli("chart", ledger(tmp_path), "--out", out)
    assert res.exit_code == 0, res.output
    assert "青山县 5 个机构" in res.output
    drawn = boxes(out.read_text(encoding="utf-8"))
    assert set(drawn) == {"县委办公室", "县教育局", "县第一中学", "县第二中学", "县安全生产委员会"}
    assert "over" in drawn["县第一中学"].get("class").split()       # 实有 82 > 核定 80: red
    assert "coord" in drawn["县安全生产委员会"].get("class").split()
    text = out.read_text(encoding="utf-8")
    assert "党委部门" in text and "政府部门" in text and "议事协调机构" in text
    assert "牌子:县委保密办公室" in text and "行政 核10 实9" in text and "空1" in text and "职数 正1/0 副2/0" in text


def test_the_schools_hang_under_the_bureau_that_leads_them(tmp_path):
    book = Book(ledger(tmp_path))
    chart = book.answer().chart("青山县")
    up = {b.name: b.up for b in chart.bodies}
    keys = {b.key: b.name for b in chart.bodies}
    assert keys[up["县第一中学"]] == "县教育局" and keys[up["县第二中学"]] == "县教育局"
    assert len(chart.bodies) == 5  # the township's bodies are on its own chart


def test_township_chart_has_its_own_and_dispatched_bodies(tmp_path):
    out = tmp_path / "东镇.svg"
    res = run_cli("chart", ledger(tmp_path), "--division", "东镇", "--out", out)
    assert res.exit_code == 0, res.output
    drawn = boxes(out.read_text(encoding="utf-8"))
    assert set(drawn) == {"党政办", "东镇派出所"}
    assert "disp" in drawn["东镇派出所"].get("class").split()


def test_printable_html_has_an_index_page_numbers_and_the_sign_off(tmp_path):
    out = tmp_path / "县.html"
    res = run_cli("chart", ledger(tmp_path), "--paper", "A4", "--out", out)
    assert res.exit_code == 0, res.output
    html = out.read_text(encoding="utf-8")
    assert "size: A4 landscape" in html and "目录" in html
    pages = re.findall(r'<section class="sheet[^"]*"', html)
    total = len(pages)
    assert f"第 1 页 共 {total} 页" in html and f"第 {total} 页 共 {total} 页" in html
    assert html.count("填报单位") == total and html.count("截至 2021-01-03") >= total


def test_bad_division_suffix_and_existing_file_are_refused_in_chinese(tmp_path):
    root = ledger(tmp_path)
    res = run_cli("chart", root, "--division", "西镇", "--out", tmp_path / "x.svg")
    assert res.exit_code == 2 and "找不到区划“西镇”" in res.output
    res = run_cli("chart", root, "--out", tmp_path / "x.png")
    assert res.exit_code == 2 and ".svg 或 .html" in res.output
    (tmp_path / "old.svg").write_text("旧图", encoding="utf-8")
    res = run_cli("chart", root, "--out", tmp_path / "old.svg")
    assert res.exit_code == 2 and "已存在" in res.output
    assert (tmp_path / "old.svg").read_text(encoding="utf-8") == "旧图"
    assert run_cli("chart", root, "--out", tmp_path / "old.svg", "--force").exit_code == 0
    res = run_cli("chart", root, "--out", root / "ledger.yaml", "--force")
    assert res.exit_code == 2


def test_before_and_after_colour_merged_renamed_and_new_bodies(tmp_path):
    root = ledger(tmp_path)
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    out = tmp_path / "前后.svg"
    res = run_cli("chart", root, "--scenario", plan, "--out", out)
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    assert "青山县 机构图(改革前)" in text and "青山县 机构图(改革后)" in text
    before, after = text.split("机构图(改革后)", 1)
    b, a = boxes(_inner(text, 0)), boxes(_inner(text, 1))
    assert "merged" in b["县第一中学"].get("class").split() and "merged" in b["县第二中学"].get("class").split()
    assert "renamed" in b["县委办公室"].get("class").split() and "renamed" in a["县委办"].get("class").split()
    assert "merged" in a["县实验中学"].get("class").split()  # it took the two schools in
    assert "县第一中学" not in a and "县实验中学" not in b
    assert "并入县实验中学" in before and "原名县委办公室" in after
    assert "合并" in after and "更名" in after  # the legend


def _inner(text: str, i: int) -> str:
    """The i-th chart of a before/after SVG file (each is an <svg> inside the outer one)."""
    parts = re.findall(r'<svg x="0".*?</svg>', text, re.S)
    return parts[i]


def test_balance_report_pages_carry_their_charts_linking_to_the_rows(tmp_path):
    root = ledger(tmp_path)
    out = tmp_path / "报表"
    res = run_cli("report", "balance", root, "--out", out)
    assert res.exit_code == 0, res.output
    town = (out / "town-370101.html").read_text(encoding="utf-8")
    county = (out / "county-370100.html").read_text(encoding="utf-8")
    assert "东镇 机构图" in town and set(boxes(_svg(town))) == {"党政办", "东镇派出所"}
    assert len(boxes(_svg(county))) == 5
    for key in re.findall(r'<a href="#b(\d+)">', town):
        assert f'id="b{key}"' in town  # each box links to its body's row


def _svg(page: str) -> str:
    return re.search(r"<svg .*?</svg>", page, re.S).group()


def test_scenario_report_draws_before_after_and_writes_a_printable_file(tmp_path):
    root = ledger(tmp_path)
    plan = tmp_path / "plan.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    out = tmp_path / "方案"
    res = run_cli("report", "scenario", root, plan, "--out", out)
    assert res.exit_code in (0, 1), res.output
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "改革前后机构图" in page and "青山县 机构图(改革前)" in page and 'href="orgchart.html"' in page
    printed = (out / "orgchart.html").read_text(encoding="utf-8")
    assert "整合中学 改革前后机构图" in printed and "填报单位" in printed


def test_organs_are_split_into_party_and_government_departments_except_in_townships():
    from orgmodel.answers.orgchart import group_of

    party = ["县委办公室", "组织部", "县纪委监委机关", "政法委员会", "县委机构编制委员会办公室", "中共青山县委宣传部"]
    government = ["县人民政府办公室", "县发展和改革委员会", "县卫生健康委员会", "县教育局", "县公安局"]
    assert {group_of("党政机关", n) for n in party} == {"党委部门"}
    assert {group_of("党政机关", n) for n in government} == {"政府部门"}
    assert group_of("党政机关", "党政办公室", township=True) == "党政机构"
    assert group_of("事业单位", "县委党校") == "事业单位"


def test_tengzhou_before_and_after_mark_the_merge_and_every_township_rename():
    from orgmodel.answers.orgchart import before_after, touched_divisions

    base = Path(__file__).resolve().parents[1] / "data" / "scenarios" / "tengzhou"
    sim = Book(base / "base").simulate(base / "scenario.yaml")
    pairs = {sim.after.divisions[c].name: before_after(sim, c) for c in touched_divisions(sim)}
    before, after = pairs.pop("滕州市")
    was = {b.name: b for b in before.bodies}
    now = {b.name: b for b in after.bodies}
    assert was["综合治理事务中心"].status == "merged" and was["新居民服务管理办公室"].status == "merged"
    centre = now["社会治理综合服务中心"]
    assert centre.status == "merged" and "网格化服务管理中心" in centre.signboards
    assert now["市委政法委"].key == centre.up  # led by the political-legal committee
    assert ("事业编制", 35) in {(c.label, c.approved) for c in centre.quota}
    assert pairs  # every township's 综合治理中心 is renamed
    for town, (b, a) in pairs.items():
        assert [x.status for x in b.bodies if x.name == "综合治理中心"] == ["renamed"], town
        assert [x.note for x in a.bodies if x.name == "社会治理综合服务中心"] == ["原名综合治理中心"], town
