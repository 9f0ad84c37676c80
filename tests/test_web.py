"""The workbench (``orgmodel serve``) through Flask's in-process client: every route, what a
clerk sees on it, the door (hosts, roles, CSRF, limits, read-only), escaping, bad input,
downloads, and a ledger that changes while the workbench runs."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from pathlib import Path

import pytest
from conftest import COUNTY, run_cli, write_ledger

from orgmodel.answers.book import Book
from orgmodel.web import create_app
from orgmodel.web.guard import CSRF_HEADER, MAX_QUERY, READ, ROLES

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"
ROSTER = Path(__file__).resolve().parents[1] / "data" / "roster"


@pytest.fixture(scope="module")
def demo_book():
    return Book(DEMO)


@pytest.fixture(scope="module")
def client(demo_book):
    return create_app(demo_book).test_client()


def text(response) -> str:
    return response.get_data(as_text=True)


def links(html: str, pattern: str) -> list[str]:
    return re.findall(rf'href="({pattern})"', html)


# -- every route ---------------------------------------------------------------------------
def test_home_leads_to_the_latest_overview(client):
    r = client.get("/")
    assert r.status_code == 302 and r.headers["Location"].endswith("/at/latest/index.html")
    page = text(client.get("/at/latest/index.html"))
    assert "栖澜市 机构编制总览" in page and "截至 2025-12-31" in page
    assert 'name="csrf-token"' in page and "/static/htmx.min.js" in page


def test_the_overview_links_every_township_and_county_page_and_each_opens(client):
    page = text(client.get("/at/latest/index.html"))
    towns, counties = links(page, r"town-[^\"]+\.html"), links(page, r"county-[^\"]+\.html")
    assert len(set(towns)) == 18 and counties
    for name in sorted(set(towns))[:3] + sorted(set(counties)):
        r = client.get(f"/at/latest/{name}")
        assert r.status_code == 200, name
        assert links(text(r), r"body-\d+\.html"), f"{name}: bodies link to their pages"


def test_township_figures_are_the_balance_tables(client, demo_book):
    """A figure on a page is the figure of the library's tables (no second computation)."""
    answer = demo_book.answer(rules=False, trails=True)
    row = answer.tables.townships.iloc[0]
    from orgmodel.report.site import town_file

    page = text(client.get(f"/at/latest/{town_file(row['division_code'])}"))
    cell = f'data-fig="town|{row["division_code"]}|{row["quota_type"]}|approved" data-v="{int(row["approved"])}"'
    assert cell in page


def test_a_body_page_shows_quota_posts_duties_trace_and_history(client, demo_book):
    answer = demo_book.answer(rules=False, trails=True)
    body, _ = answer.find_body("青石镇/党政办公室")
    page = text(client.get(f"/at/latest/body-{body.id}.html"))
    for part in ("<h1>党政办公室</h1>", "青石镇", "编制", "领导职数", "责任事项", "编制来源", "沿革", "设立青石镇“党政办公室”"):
        assert part in page, part
    assert "核对:" in page and "<table class=\"trace\">" in page  # the trace as a table that adds up, and says so


def test_a_school_page_and_its_county_page_show_its_standard_against_its_quota(client, demo_book):
    """应核 against 核定 on the workbench: the figures are the standards table's, the body links."""
    answer = demo_book.answer(rules=False, trails=True)
    body, _ = answer.find_body("市实验小学")
    row = answer.tables.standards.set_index("body_id").loc[body.id]
    page = text(client.get(f"/at/latest/body-{body.id}.html"))
    assert "<h2>编制标准对照</h2>" in page and "中小学教职工编制标准" in page
    assert f'<td class="num">{row["implied"]}</td><td class="num">{row["approved"]}</td>' in page
    assert f">{row['gap']}</td><td>{row['verdict']}</td>" in page
    overview = text(client.get("/at/latest/index.html"))
    assert "编制标准对照:低于或高于标准的" in overview and f'href="body-{body.id}.html"' in overview


def test_a_renamed_body_page_lists_its_former_name(client, demo_book):
    answer = demo_book.answer(rules=False, trails=True)
    renamed = next(b for b in answer.state.bodies.values() if b.active and len(b.names) > 1)
    page = text(client.get(f"/at/latest/body-{renamed.id}.html"))
    assert "曾用名" in page and renamed.names[0][1] in page
    assert "更名" in page  # the history has the renaming


def test_findings_are_grouped_by_rule_and_link_to_their_bodies(client):
    page = text(client.get("/at/latest/findings.html"))
    assert "问题清单" in page and "超编" in page and "over-quota" in page
    body_links = links(page, r"body-\d+\.html")
    assert body_links
    assert client.get(f"/at/latest/{body_links[0]}").status_code == 200
    count = text(client.get("/at/latest/findings-count"))
    assert count.isdigit() and f"共 {count} 个问题" in page


def test_search_finds_names_signboards_former_names_and_division_slash_name(client, demo_book):
    answer = demo_book.answer(rules=False, trails=True)
    state = answer.state
    boarded = next(b for b in state.bodies.values() if b.active and state.signboards(b))
    board = state.signboards(boarded)[0]
    for query, body in ((board, boarded), ("青石镇/党政", answer.find_body("青石镇/党政办公室")[0])):
        fragment = text(client.get("/at/latest/search", query_string={"q": query}, headers={"HX-Request": "true"}))
        assert f'href="body-{body.id}.html"' in fragment, query
        assert "<html" not in fragment  # htmx gets the list only
    full = text(client.get("/at/latest/search", query_string={"q": board}))
    assert "<html" in full and "查找机构" in full
    none = text(client.get("/at/latest/search", query_string={"q": "没有这个机构"}, headers={"HX-Request": "true"}))
    assert "没有找到" in none


def test_any_day_can_be_asked_and_the_date_picker_goes_there(client):
    early = text(client.get("/at/2021-06-30/index.html"))
    assert "截至 2021-06-30" in early
    r = client.get("/go", query_string={"as_of": "2021-06-30", "page": "findings.html"})
    assert r.status_code == 303 and r.headers["Location"].endswith("/at/2021-06-30/findings.html")
    assert client.get("/go", query_string={"as_of": ""}).headers["Location"].endswith("/at/latest/index.html")
    bad = client.get("/go", query_string={"as_of": "2023-02-30"})
    assert bad.status_code == 400 and "日期“2023-02-30”无效" in text(bad)


def test_downloads_are_the_workbook_the_csv_files_and_the_report(client):
    xlsx = client.get("/at/latest/download/balance.xlsx")
    assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
    assert "filename*=UTF-8''" in xlsx.headers["Content-Disposition"]
    with zipfile.ZipFile(io.BytesIO(client.get("/at/latest/download/csv.zip").data)) as z:
        names = z.namelist()
    assert names and all(n.endswith(".csv") for n in names)
    with zipfile.ZipFile(io.BytesIO(client.get("/at/latest/download/report.zip").data)) as z:
        names = z.namelist()
    assert "index.html" in names and any(n.startswith("town-") for n in names)
    assert client.get("/at/latest/download/other.txt").status_code == 404


def test_static_files_come_from_a_fixed_table(client):
    assert client.get("/static/htmx.min.js").data.startswith(b"var htmx=")
    assert client.get("/static/page.js").status_code == 200
    assert client.get("/static/workbench.js").status_code == 200
    for name in ("..%2fapp.py", "../app.py", "app.py", "%2e%2e%2f%2e%2e%2fsetup.cfg"):
        assert client.get(f"/static/{name}").status_code == 404, name
    assert client.get("/favicon.ico").status_code == 301


def test_a_file_ledger_has_no_log_and_says_why(client):
    page = text(client.get("/at/latest/log.html"))
    assert "不是数据库" in page


# -- the door --------------------------------------------------------------------------------
def test_every_route_declares_its_role(client):
    app = client.application
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "role", None) in ROLES, rule.rule


def test_a_route_without_a_role_is_refused(demo_book):
    app = create_app(demo_book)
    app.add_url_rule("/unguarded", "unguarded", lambda: "secret")
    r = app.test_client().get("/unguarded")
    assert r.status_code == 403 and "secret" not in text(r)


def test_a_higher_role_is_needed_for_a_higher_route(demo_book):
    from orgmodel.web.guard import requires

    app = create_app(demo_book, role=READ)
    app.add_url_rule("/approve", "approve", requires("审核")(lambda: "approved"))
    r = app.test_client().get("/approve")
    assert r.status_code == 403 and "审核" in text(r)


def test_it_answers_only_its_own_host(demo_book):
    app = create_app(demo_book, hosts={"127.0.0.1:8421", "localhost:8421"})
    c = app.test_client()
    assert c.get("/at/latest/index.html", headers={"Host": "127.0.0.1:8421"}).status_code == 200
    evil = c.get("/at/latest/index.html", headers={"Host": "evil.example:8421"})
    assert evil.status_code == 400 and "主机名" in text(evil)


def test_nothing_changes_anything(client):
    """Read-only: every method but GET is refused; without the CSRF token before anything else."""
    token = client.application.config["CSRF_TOKEN"]
    for url in ("/", "/at/latest/index.html", "/at/latest/findings.html", "/at/latest/download/balance.xlsx", "/static/page.js"):
        for method in ("post", "put", "delete", "patch"):
            r = getattr(client, method)(url)
            assert r.status_code == 403 and "令牌" in text(r), (method, url)
            r = getattr(client, method)(url, headers={CSRF_HEADER: token})
            assert r.status_code == 405 and "只供查阅" in text(r), (method, url)


def test_every_answer_keeps_the_page_to_itself(client):
    r = client.get("/at/latest/index.html")
    policy = r.headers["Content-Security-Policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert r.headers["X-Frame-Options"] == "DENY" and r.headers["X-Content-Type-Options"] == "nosniff"
    assert "<script>" not in text(r)  # no inline script: the policy would block it


# -- bad input ---------------------------------------------------------------------------------
@pytest.mark.parametrize(("url", "status", "says"), [
    ("/at/2023-02-30/index.html", 400, "日期“2023-02-30”无效"),
    ("/at/yesterday/index.html", 400, "无效"),
    ("/at/1800-01-01/index.html", 400, "无效"),
    ("/at/latest/body-999999.html", 404, "没有编号为 999999 的机构"),
    ("/at/latest/town-nowhere.html", 404, "没有“town-nowhere.html”这个页面"),
    ("/at/latest/..%2f..%2fsetup.cfg", 404, "没有"),
    ("/nowhere", 404, "没有这个页面"),
])
def test_bad_requests_get_a_chinese_message_and_their_status(client, url, status, says):
    r = client.get(url)
    assert r.status_code == status and says in text(r), text(r)
    assert "Traceback" not in text(r)


def test_a_10_kb_query_string_is_refused(client):
    r = client.get("/at/latest/search", query_string={"q": "党" * 3500})
    assert r.status_code == 414 and "过长" in text(r)
    assert len(("q=" + "党" * 3500).encode()) > MAX_QUERY


def test_every_value_is_escaped(tmp_path):
    hostile = '<img src=x onerror=alert(1)>"&'
    root = write_ledger(tmp_path / "led", COUNTY + f"- {{date: 2021-01-01, op: establish, name: '{hostile}', division: 东镇, category: 事业单位}}\n")
    c = create_app(Book(root)).test_client()
    answer = Book(root).answer(trails=True)
    body, why = answer.find_body(f"东镇/{hostile}")
    assert body is not None, why
    for url in (f"/at/latest/body-{body.id}.html", "/at/latest/town-370101.html"):
        page = text(c.get(url))
        assert "<img src=x" not in page and "&lt;img src=x onerror=alert(1)&gt;" in page, url
    found = text(c.get("/at/latest/search", query_string={"q": "<img"}, headers={"HX-Request": "true"}))
    assert "<img src=x" not in found and "&lt;img src=x" in found
    echo = text(c.get("/at/latest/search", query_string={"q": '"><img src=x onerror=alert(1)>'}))
    assert "<img src=x" not in echo


# -- the ledger changes, a database, a roster ----------------------------------------------------------
def test_the_workbench_reads_a_changed_ledger_again(tmp_path):
    root = write_ledger(tmp_path / "led", COUNTY + "- {date: 2021-01-01, op: approve, body: 东镇/党政办, type: 行政编制, amount: 10, doc: 青编〔2021〕1号}\n")
    c = create_app(Book(root)).test_client()
    assert 'data-v="10"' in text(c.get("/at/latest/town-370101.html"))
    path = root / "ledger.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "- {date: 2021-02-01, op: increase, to: 东镇/党政办, type: 行政编制, amount: 5, doc: 青编〔2021〕2号}\n",
                    encoding="utf-8")
    page = text(c.get("/at/latest/town-370101.html"))
    assert 'data-fig="town|370101|行政编制|approved" data-v="15"' in page


def test_a_database_shows_its_log_filtered_by_body_date_and_document(tmp_path):
    db = tmp_path / "台账.db"
    assert run_cli("init", db).exit_code == 0
    assert run_cli("import", db, DEMO, "--by", "张三", "--allow-rule-errors").exit_code == 0
    assert run_cli("commit", db, DEMO.parent / "scenarios" / "qilan-2026" / "scenario.yaml", "--by", "李四").exit_code == 0
    c = create_app(Book(db)).test_client()
    assert 'href="log.html"' in text(c.get("/at/latest/index.html"))
    everything = text(c.get("/at/latest/log.html"))
    assert "张三" in everything and "李四" in everything
    mine = text(c.get("/at/latest/log.html", query_string={"body": "市企业服务中心"}))
    assert "李四" in mine and "张三" not in mine
    dated = text(c.get("/at/latest/log.html", query_string={"since": "2026-01-01", "doc": "栖编〔2026〕4号"}))
    assert "栖编〔2026〕4号" in dated and "2020-01-01" not in dated
    assert c.get("/at/latest/log.html", query_string={"since": "2026-02-30"}).status_code == 400
    answer = Book(db).answer(trails=True)
    body, _ = answer.find_body("市企业服务中心")
    page = text(c.get(f"/at/latest/body-{body.id}.html"))
    assert "记录" in page and "合并" in page  # its history points at the store's records


def test_with_a_roster_the_body_page_compares_people_with_the_ledger(tmp_path):
    c = create_app(Book(DEMO), roster=str(ROSTER)).test_client()
    index = text(c.get("/at/2025-12-31/index.html"))
    assert "实有人数按实名制花名册计" in index
    town = links(index, r"town-[^\"]+\.html")[0]
    body = links(text(c.get(f"/at/2025-12-31/{town}")), r"body-\d+\.html")[0]
    page = text(c.get(f"/at/2025-12-31/{body}"))
    assert "实名制花名册" in page and "花名册在编" in page
    early = text(c.get("/at/2021-06-30/index.html"))  # no roster of that day: the ledger's own figures, and a note
    assert "花名册未用于此日期" in early


def test_serve_help_is_chinese_and_it_refuses_an_unreadable_ledger(tmp_path):
    r = run_cli("serve", "--help")
    assert r.exit_code == 0 and "工作台" in r.output and "127.0.0.1" in r.output
    missing = run_cli("serve", tmp_path / "nowhere", "--no-browser")
    assert missing.exit_code == 2 and "找不到" in missing.output


def test_the_demo_copy_is_served_the_same(tmp_path):
    """A ledger copied elsewhere answers the same (no path of the checkout in the pages)."""
    copy = tmp_path / "demo"
    shutil.copytree(DEMO, copy)
    a = text(create_app(Book(copy)).test_client().get("/at/latest/index.html"))
    assert "栖澜市 机构编制总览" in a and str(DEMO) not in a


# -- what a new user met (the trial) ------------------------------------------------------------
def test_the_downloaded_workbook_lists_every_finding_as_the_export_does(client, tmp_path):
    import openpyxl

    path = tmp_path / "下载.xlsx"
    path.write_bytes(client.get("/at/latest/download/balance.xlsx").data)
    sheet = next(ws for ws in openpyxl.load_workbook(path).worksheets if "问题" in ws.title)
    rows = [r for r in sheet.iter_rows(values_only=True) if r and r[0] in ("错误", "警告", "提示")]
    count = int(text(client.get("/at/latest/findings-count")))
    assert count > 0 and len(rows) == count


def test_search_takes_words_apart_and_finds_townships_too(client):
    fragment = text(client.get("/at/latest/search", query_string={"q": "青石 党政"}, headers={"HX-Request": "true"}))
    assert "党政办公室" in fragment and "青石镇" in fragment
    town = text(client.get("/at/latest/search", query_string={"q": "青石镇"}, headers={"HX-Request": "true"}))
    assert re.search(r'href="town-[^"]+\.html">青石镇</a>', town)
    many = text(client.get("/at/latest/search", query_string={"q": "办公室"}, headers={"HX-Request": "true"}))
    assert "只列出前 20 个" in many


def test_a_body_page_leads_back_up_through_its_divisions(client, demo_book):
    answer = demo_book.answer(rules=False, trails=True)
    town_body, _ = answer.find_body("青石镇/党政办公室")
    crumbs = re.search(r'<p class="note crumbs">(.*?)</p>', text(client.get(f"/at/latest/body-{town_body.id}.html"))).group(1)
    assert "栖澜市" in crumbs and "青石镇" in crumbs and "town-" in crumbs
    county_body = next(b for b in answer.state.bodies.values() if b.active and b.division == "329001")
    crumbs = re.search(r'<p class="note crumbs">(.*?)</p>', text(client.get(f"/at/latest/body-{county_body.id}.html"))).group(1)
    assert "县级机构" in crumbs and crumbs.count("栖澜市") == 1  # 栖澜市 is a county-level city


def test_the_log_of_a_body_is_exactly_its_history(tmp_path):
    root = write_ledger(tmp_path / "led", COUNTY + "- {date: 2021-01-01, op: approve, body: 西乡/党政办, type: 行政编制, amount: 3, doc: 青编〔2021〕3号}\n")
    db = tmp_path / "台账.db"
    assert run_cli("init", db).exit_code == 0 and run_cli("import", db, root, "--by", "张三").exit_code == 0
    c = create_app(Book(db)).test_client()
    east = text(c.get("/at/latest/log.html", query_string={"body": "东镇/党政办"}))
    west = text(c.get("/at/latest/log.html", query_string={"body": "西乡/党政办"}))
    assert "青编〔2021〕3号" in west and "青编〔2021〕3号" not in east
    assert "按“东镇/党政办”的沿革" in east

