"""HTML reports: every figure equals `orgmodel balance --format json`; names are escaped; --public hides notes."""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from conftest import run_cli, search_entries, write_ledger

EVIL = "<script>alert(1)<script>"  # a name cannot hold "/" (it is refused), so no "</script>" either

# A county with a street (over-quota office, a renamed centre with signboards, a dispatched
# police station, grids, a duty) and a town whose institution is named like a script tag.
LEDGER = """\
- {date: 2020-01-01, op: open_division, code: "370481", name: 滕州市, level: 县}
- {date: 2020-01-01, op: open_division, code: "370481001", name: 荆河街道, level: 乡镇, kind: 街道, parent: "370481", population: 80000, households: 30000}
- {date: 2020-01-01, op: open_division, code: "370481100", name: 木石镇, level: 乡镇, kind: 镇, parent: "370481", population: 45000, households: 15000}
- {date: 2020-01-01, op: open_pool, name: 市收回编制池, kind: 收回, division: 滕州市}
- {date: 2020-01-01, op: increase, to: 市收回编制池, type: 事业编制, amount: 30, doc: 枣编〔2020〕1号}
- {date: 2020-01-02, op: establish, name: 市委政法委, division: 滕州市, category: 党政机关, rank: 正科}
- {date: 2020-01-02, op: approve, body: 市委政法委, type: 行政编制, amount: 12, doc: 滕编〔2020〕2号, note: 内部备注甲}
- {date: 2020-01-02, op: establish, name: 市公安局, division: 滕州市, category: 党政机关, rank: 正科}
- {date: 2020-01-02, op: approve, body: 市公安局, type: 政法专项编制, amount: 100, doc: 滕编〔2020〕2号}
- {date: 2020-01-03, op: establish, name: 荆河派出所, division: 荆河街道, category: 派驻机构, dispatched_from: 市公安局}
- {date: 2020-01-03, op: transfer, from: 市公安局, to: 荆河派出所, type: 政法专项编制, amount: 15, doc: 滕编〔2020〕3号}
- {date: 2020-01-03, op: establish, name: 党政综合办公室, division: 荆河街道, category: 党政机关, rank: 正科, signboards: [党建工作办公室, 人大工作室]}
- {date: 2020-01-03, op: approve, body: 荆河街道/党政综合办公室, type: 行政编制, amount: 10, doc: 滕编〔2020〕4号}
- {date: 2020-01-03, op: leader_posts, body: 荆河街道/党政综合办公室, posts: {正职: 1, 副职: 2}, doc: 滕编〔2020〕4号}
- {date: 2020-01-03, op: establish, name: 综合治理中心, division: 荆河街道, category: 事业单位, class: 公益一类, rank: 股级}
- {date: 2020-01-03, op: approve, body: 荆河街道/综合治理中心, type: 事业编制, amount: 8, doc: 滕编〔2020〕4号}
- {date: 2020-01-03, op: establish, name: "<script>alert(1)<script>", division: 木石镇, category: 事业单位, class: 公益二类, signboards: [测试牌子]}
- {date: 2020-01-03, op: approve, body: 测试牌子, type: 事业编制, amount: 5, doc: 滕编〔2020〕5号}
- {date: 2020-01-03, op: establish, name: 党政综合办公室, division: 木石镇, category: 党政机关, rank: 正科}
- {date: 2020-01-03, op: approve, body: 木石镇/党政综合办公室, type: 行政编制, amount: 9, doc: 滕编〔2020〕5号}
- {date: 2021-03-01, op: staff, body: 荆河街道/党政综合办公室, actual: {行政编制: 12}, leaders: {正职: 1, 副职: 3}}
- {date: 2021-03-01, op: staff, body: 荆河街道/综合治理中心, actual: {事业编制: 5}}
- {date: 2021-03-01, op: staff, body: 荆河派出所, actual: {政法专项编制: 14}}
- {date: 2021-03-01, op: staff, body: 木石镇/党政综合办公室, actual: {行政编制: 9}}
- {date: 2021-03-01, op: staff, body: 测试牌子, actual: {事业编制: 6}}
- {date: 2021-05-01, op: rename, body: 荆河街道/综合治理中心, to: 社会治理综合服务中心, keep_signboard: true, doc: 滕编〔2021〕7号, note: 秘密备注乙}
- {date: 2021-05-01, op: signboard_add, body: 荆河街道/社会治理综合服务中心, name: 网格化服务管理中心, doc: 滕编〔2021〕7号}
- {date: 2021-05-02, op: off_quota, division: 荆河街道, staff: {网格员: 60}, grids: 60}
- {date: 2021-05-02, op: duty, name: 网格化服务管理, category: 社会治理, lead: 荆河街道/社会治理综合服务中心, support: [荆河派出所]}
"""

SCENARIO = """\
name: 木石镇机构调整
as_of: 2021-12-31
directives:
- {date: 2021-06-01, op: establish, name: 便民服务中心, division: 木石镇, category: 事业单位, class: 公益一类,
   quota_from: [{from: 市收回编制池, type: 事业编制, amount: 6}], doc: 滕编〔2021〕9号}
- {date: 2021-06-01, op: signboard_add, body: 木石镇/便民服务中心, name: 退役军人服务站, doc: 滕编〔2021〕9号}
"""

FIG = re.compile(r'data-fig="([^"]*)" data-v="([^"]*)"')


def views(ledger: Path) -> dict[str, list[dict]]:
    """Every balance view as `orgmodel balance --by VIEW --format json` prints it."""
    out = {}
    for by in ("body", "township", "county", "total", "leaders", "sinking", "off_quota", "cross_level", "hiring", "ranks", "earmarks"):
        res = run_cli("balance", ledger, "--by", by, "--format", "json")
        out[by] = json.loads(res.stdout)
    return out


KEYS = {"body": ("body", "body_id", "quota_type"), "leader": ("leaders", "body_id", "post"),
        "town": ("township", "division_code", "quota_type"), "county": ("county", "division_code", "quota_type"),
        "total": ("total", None, "quota_type"), "sinking": ("sinking", None, "quota_type"),
        "off_quota": ("off_quota", "division_code", None), "cross_level": ("cross_level", "direction", "quota_type"),
        "hiring": ("hiring", "year", "division_level"), "ranks": ("ranks", "division_level", "post_rank"),
        "earmark": ("earmarks", "body_id", "quota_type")}


class Expected:
    """The JSON value a page cell claims to show, looked up by the cell's data-fig key."""

    def __init__(self, v: dict[str, list[dict]]):
        self.index = {}
        for table, (view, key, sub) in KEYS.items():
            for r in v[view]:
                if sub and r[sub] is None:  # a body or township without quota: no figure cell shows it
                    continue
                k = (table, str(r[key]) if key else "", str(r[sub]) if sub else "")
                assert k not in self.index, k
                self.index[k] = r
        self.profile = {r["division_code"]: r for r in v["township"]}
        sent = {r["body_id"] for r in v["body"] if r["dispatched"]}
        self.town_leaders: dict[tuple, list[int]] = {}
        for r in v["leaders"]:  # summed body by body: one body's vacancy does not cure another's excess
            if r["body_id"] not in sent:
                sums = self.town_leaders.setdefault((r["division_code"], r["post"]), [0, 0, 0, 0])
                for i, c in enumerate(("approved", "actual", "vacant", "over")):
                    sums[i] += r[c]

    def __call__(self, table: str, key: str, sub: str, col: str):
        if table in KEYS:
            return self.index.get((table, key, sub), {}).get(col, 0)
        if table == "profile":
            return self.profile[key][col]
        if table == "townleader":
            ap, ac, va, ov = self.town_leaders.get((key, sub), (0, 0, 0, 0))
            return {"approved": ap, "actual": ac, "vacant": va, "over": ov}[col]
        raise AssertionError(f"unknown figure table {table}")


def same(shown: str, want) -> bool:
    if want is None:
        return shown == ""
    return float(shown) == float(want)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("report")
    ledger = write_ledger(root / "ledger", LEDGER)
    out = root / "out"
    res = run_cli("report", "balance", ledger, "--out", out)
    assert res.exit_code == 0, res.output
    return ledger, out


def pages(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*.html"))}


def test_balance_report_writes_index_one_county_page_and_one_page_per_township(site):
    _, out = site
    assert sorted(pages(out)) == ["county-370481.html", "index.html", "town-370481001.html", "town-370481100.html"]
    index = pages(out)["index.html"]
    assert 'href="town-370481001.html"' in index and 'href="county-370481.html"' in index
    assert 'href="index.html"' in pages(out)["town-370481100.html"]
    assert 'href="county-370481.html"' in pages(out)["town-370481100.html"]


def check_figures(ledger: Path, out: Path) -> int:
    """Assert every data-fig cell under ``out`` equals the balance JSON; return how many were checked."""
    expected = Expected(views(ledger))
    checked = 0
    for name, text in pages(out).items():
        for fig, shown in FIG.findall(text):
            table, key, sub, col = html.unescape(fig).split("|")
            if table == "pool":
                continue
            want = expected(table, key, sub, col)
            assert same(shown, want), f"{name}: {fig} shows {shown}, balance json says {want}"
            checked += 1
    return checked


def test_every_figure_on_every_page_equals_balance_json(site):
    ledger, out = site
    assert check_figures(ledger, out) > 150


def test_demo_pages_figures_equal_balance_json(tmp_path):
    demo = Path(__file__).resolve().parents[1] / "data" / "demo"
    if not any(demo.glob("*.yaml")):
        pytest.skip("演示台账 data/demo 不存在")
    res = run_cli("report", "balance", demo, "--out", tmp_path)
    assert res.exit_code == 0, res.output
    assert check_figures(demo, tmp_path) > 1000


def test_pool_cells_add_up_to_the_total_pools(site):
    ledger, out = site
    total = {r["quota_type"]: r["pools"] for r in views(ledger)["total"]}
    shown: dict[str, int] = {}
    for fig, value in FIG.findall(pages(out)["index.html"]):
        table, _, qtype, _ = html.unescape(fig).split("|")
        if table == "pool":
            shown[qtype] = shown.get(qtype, 0) + int(value)
    assert shown == {t: n for t, n in total.items() if n}


def test_over_quota_cells_are_highlighted(site):
    _, out = site
    town = pages(out)["town-370481001.html"]
    assert re.search(r'class="num over" data-fig="body\|\d+\|行政编制\|over" data-v="2"', town)
    assert "一个机构 3 块牌子" in town and "网格化服务管理" in town and "滕编〔2021〕7号" in town


def _assert_escaped(name: str, text: str) -> None:
    assert EVIL not in text, f"{name} contains the raw script tag"
    for block in re.findall(r"<script[^>]*>(.*?)</script>", text, flags=re.S):
        assert "<script" not in block and "</" not in block, name


def test_a_script_named_body_is_text_on_every_page(site, tmp_path):
    ledger, out = site
    scen = tmp_path / "scenario.yaml"
    scen.write_text(SCENARIO, encoding="utf-8")
    assert run_cli("report", "audit", ledger, "--out", tmp_path / "audit").exit_code in (0, 1)
    assert run_cli("report", "scenario", ledger, scen, "--out", tmp_path / "scen").exit_code in (0, 1)
    shown_on = []
    for folder in (out, tmp_path / "audit", tmp_path / "scen"):
        for name, text in pages(folder).items():
            _assert_escaped(name, text)
            if html.escape(EVIL, quote=False) in text:
                shown_on.append(name)
    assert "town-370481100.html" in shown_on and "index.html" in shown_on
    assert any(e["n"] == EVIL and e["s"] == ["测试牌子"] for e in search_entries(out))
    for script in (out / "search").glob("*.js"):  # a name cannot break out of the script
        assert "</script" not in script.read_text(encoding="utf-8").lower()


def test_public_report_has_no_notes_or_file_paths(site, tmp_path):
    ledger, out = site
    internal = re.sub(r"</?span>|<wbr>", "", "".join(pages(out).values()))  # source cells break only after "/"
    assert "秘密备注乙" in internal and str(ledger) in internal
    res = run_cli("report", "balance", ledger, "--public", "--out", tmp_path / "pub")
    assert res.exit_code == 0, res.output
    public = "".join(pages(tmp_path / "pub").values())
    for secret in ("秘密备注乙", "内部备注甲", str(ledger), ".yaml", "<th>内部备注</th>", "<th>来源</th>"):
        assert secret not in public
    assert "滕编〔2021〕7号" in public and "公开版" in public


def test_audit_report_groups_findings_and_links_to_township_pages(site, tmp_path):
    ledger, _ = site
    res = run_cli("report", "audit", ledger, "--out", tmp_path / "audit")
    assert "问题清单" in res.output
    text = (tmp_path / "audit" / "index.html").read_text(encoding="utf-8")
    assert 'data-rule="over-quota"' in text and "超编" in text
    links = set(re.findall(r'href="(balance/town-[^"#]+)"', text))
    assert links and all((tmp_path / "audit" / link).is_file() for link in links)


def test_scenario_report_shows_before_after_changes_and_flows(site, tmp_path):
    ledger, _ = site
    scen = tmp_path / "scenario.yaml"
    scen.write_text(SCENARIO, encoding="utf-8")
    res = run_cli("report", "scenario", ledger, scen, "--out", tmp_path / "scen")
    assert res.exit_code == 0, res.output  # the base's own over-quota error is inherited, not the plan's
    text = (tmp_path / "scen" / "index.html").read_text(encoding="utf-8")
    plan, inherited = text.split('<details class="inherited">')
    assert "台账原有问题" in inherited and 'data-rule="over-quota"' in inherited
    assert 'data-rule="over-quota"' not in plan
    assert "木石镇机构调整" in text and "便民服务中心" in text and "退役军人服务站" in text
    assert "<path d=" in text  # the Sankey band of the 6 quota moved from the pool
    assert (tmp_path / "scen" / "after" / "town-370481100.html").is_file()


def test_unreadable_scenario_exits_2(site, tmp_path):
    ledger, _ = site
    res = run_cli("report", "scenario", ledger, tmp_path / "missing.yaml", "--out", tmp_path / "x")
    assert res.exit_code == 2


def test_user_templates_override_the_shipped_ones(site, tmp_path):
    ledger, _ = site
    custom = tmp_path / "tpl"
    custom.mkdir()
    (custom / "style.css").write_text("body { color: #123456; } /* 本单位样式 */", encoding="utf-8")
    res = run_cli("report", "balance", ledger, "--templates", custom, "--out", tmp_path / "out")
    assert res.exit_code == 0, res.output
    index = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "本单位样式" in index and "search-index" in index  # the rest still comes from the package


def test_balance_report_is_not_written_from_a_broken_ledger(tmp_path):
    """A ledger that fails to read gives its findings and no pages at all."""
    ledger = tmp_path / "ledger"
    ledger.mkdir()
    (ledger / "l.yaml").write_text(
        "- {date: 2020-01-01, op: open_division, code: '1', name: 甲县, level: 县}\n"
        "- {date: 2020-01-02, op: staff, body: 不存在的中心, actual: {事业编制: 3}}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    res = run_cli("report", "balance", ledger, "--out", out)
    assert res.exit_code == 1
    assert "l.yaml:2: [找不到机构]" in res.output and "未生成报表" in res.output
    assert not out.exists()


def test_replay_findings_link_to_the_page_of_the_township_they_concern(tmp_path):
    """Findings carry the division they concern from the directive they come from, so the
    audit page links them without looking names up again."""
    root = tmp_path / "led"
    (root).mkdir()
    (root / "l.yaml").write_text(
        "- {date: 2021-01-01, op: open_division, code: C1, name: 青山县, level: 县}\n"
        "- {date: 2021-01-01, op: open_division, code: T1, name: 东镇, level: 乡镇, kind: 镇, parent: C1}\n"
        "- {date: 2021-01-01, op: establish, name: 党政办, division: 东镇, category: 党政机关}\n"
        "- {date: 2021-01-02, op: establish, name: 党政办, division: 东镇, category: 党政机关}\n"
        "- {date: 2021-01-02, op: establish, name: 新中心, division: 东镇}\n"
        "- {date: 2021-01-03, op: staff, body: 东镇/不存在, actual: {行政编制: 1}}\n", encoding="utf-8")
    from conftest import run_cli

    result = run_cli("report", "audit", root, "--out", tmp_path / "out")
    assert result.exit_code == 1
    page = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    rows = [r for r in page.split("<tr") if "l.yaml:" in r]
    assert len(rows) == 3, rows
    assert all('href="balance/town-T1.html">东镇</a>' in r for r in rows), rows
