"""Drafting a plan in headless Chromium, as clerks do with no terminal: on a store of the
Tengzhou base ledger with two accounts, 张三 (经办) logs in and types the Tengzhou merger
(data/scenarios/tengzhou) into the forms directive by directive, seeing the impact after each
and a bad field told at the field; the draft saved as a scenario file simulates in the CLI to
the case study's figures; 张三 submits, 李四 (审核) logs in, approves and commits it with its
文号, and sees the log entry and the new balance. Screenshots of each step go to
``ORGMODEL_SCREENSHOTS`` when it is set."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml
from conftest import run_cli

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[1]
TENGZHOU = ROOT / "data" / "scenarios" / "tengzhou"

if not os.path.exists(CHROMIUM):
    if os.environ.get("CI"):
        raise RuntimeError(f"CI 必须运行浏览器测试,但找不到 {CHROMIUM};请检查 .ci/run 是否安装了 chromium")
    pytest.skip(f"浏览器测试跳过:找不到 {CHROMIUM}(Debian 的 chromium 软件包)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="浏览器测试跳过:未安装 playwright")


PASSWORD = "correct horse 9"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """The Tengzhou base ledger in a store, with a 经办 and a 审核."""
    folder = tmp_path_factory.mktemp("office")
    db, drafts = folder / "滕州.db", folder / "滕州.drafts.db"
    assert run_cli("init", db).exit_code == 0 and run_cli("import", db, TENGZHOU / "base", "--by", "录入员").exit_code == 0
    for name, role in (("张三", "经办"), ("李四", "审核")):
        assert run_cli("accounts", "add", db, name, "--role", role, "--password", PASSWORD).exit_code == 0
    return db, drafts


@pytest.fixture(scope="module")
def server(store):
    """``orgmodel serve`` on that store."""
    db, drafts = store
    proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "serve", str(db), "--port", "0",
                             "--no-browser", "--drafts", str(drafts)],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
    url, said = None, []
    for line in proc.stdout:  # decided by what the server says, not by a clock
        said.append(line)
        found = re.search(r"工作台已启动:(http://127\.0\.0\.1:\d+/)", line)
        if found:
            url = found.group(1)
            break
    assert url, "".join(said)
    yield url
    proc.terminate()
    proc.wait(timeout=60)


@pytest.fixture(scope="module")
def page(server):
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN", accept_downloads=True)
        tab = ctx.new_page()
        tab.errors, tab.hosts = [], set()
        tab.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" and "422" not in m.text else None)
        tab.on("pageerror", lambda e: tab.errors.append(str(e)))
        tab.on("request", lambda r: tab.hosts.add(re.sub(r"^(\w+://[^/]+).*", r"\1", r.url)))
        yield tab
        assert tab.errors == []
        assert tab.hosts <= {server.rstrip("/")}, tab.hosts
        browser.close()


_LAST = [time.perf_counter()]


def shot(tab, name: str) -> None:
    """A screenshot of the step just done, and the time it took (``times.txt``), when asked for."""
    folder = os.environ.get("ORGMODEL_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        took = time.perf_counter() - _LAST[0]
        with open(Path(folder) / "times.txt", "a", encoding="utf-8") as out:
            out.write(f"{name}\t{took:.2f} s\n")
        tab.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
        _LAST[0] = time.perf_counter()


def add(tab, kind: str, values: dict[str, str], selects: dict[str, str] = ()) -> None:
    """Add a directive of ``kind`` (its Chinese label) through its form and save it (asking
    for one more row of a table whenever the next value has no input yet)."""
    tab.select_option(".add-directive select", label=kind)
    with tab.expect_navigation():
        tab.click(".add-directive button")
    for path, value in values.items():
        if tab.locator(f'[name="{path}"]').count() == 0:
            group = path.rsplit(".", 2)[0]
            with tab.expect_navigation():
                tab.click(f'button[name=more][value="{group}"]')
        tab.fill(f'[name="{path}"]', value)
    for path, value in dict(selects).items():
        tab.select_option(f'[name="{path}"]', value)
    with tab.expect_navigation():
        tab.click("button:has-text('保存指令')")


def log_in(tab, name: str) -> None:
    tab.fill("input[name=name]", name)
    tab.fill("input[name=password]", PASSWORD)
    with tab.expect_navigation():
        tab.click("button:has-text('登录')")


def test_draft_the_tengzhou_merger_in_forms_approve_and_commit_it(page, server, store, tmp_path):
    page.goto(server + "at/latest/plans.html")
    assert "/login" in page.url  # logged out: sent to log in, then back
    shot(page, "p0-login")
    log_in(page, "张三")
    assert page.url.endswith("/at/latest/plans.html")
    page.fill(".plan-new input[name=name]", "滕州市组建社会治理综合服务中心")
    page.fill(".plan-new input[name=as_of]", "2021-12-31")
    with page.expect_navigation():
        page.click(".plan-new button")
    assert page.locator("h1").inner_text() == "滕州市组建社会治理综合服务中心"
    shot(page, "p1-new-draft")

    # 1. the merge: two bodies into a new centre; the reference is picked as it is typed
    page.select_option(".add-directive select", label="合并")
    with page.expect_navigation():
        page.click(".add-directive button")
    page.fill('[name="date"]', "2021-06-30")
    page.fill('[name="doc"]', "滕编〔2021〕12号")
    page.fill('[name="sources"]', "综合治理事务中心、新居民服务管理办公室")
    page.fill('[name="new.0.name"]', "社会治理综合服务中心")
    page.fill('[name="new.0.division"]', "滕州")
    page.wait_for_selector("#wb-names option[value='滕州市']", state="attached")
    page.fill('[name="new.0.division"]', "滕州市")
    page.select_option('[name="new.0.category"]', "事业单位")
    page.select_option('[name="new.0.class"]', "公益一类")
    page.fill('[name="new.0.led_by"]', "市委政法委")
    page.fill('[name="new.0.signboards"]', "网格化服务管理中心")
    shot(page, "p2-merge-form")
    with page.expect_navigation():
        page.click("button:has-text('保存指令')")
    assert page.locator("tr.directive").count() == 1
    assert "撤销" in page.locator("section.impact").inner_text() or "整合" in page.locator("section.impact").inner_text()
    shot(page, "p3-merge-impact")

    # 2. the quota transfer, with a bad amount first: told at the field, as it is typed
    page.select_option(".add-directive select", label="调剂")
    with page.expect_navigation():
        page.click(".add-directive button")
    page.fill('[name="date"]', "2021-06-30")
    page.fill('[name="doc"]', "滕编〔2021〕13号")
    page.fill('[name="from"]', "滕州市收回事业编制")
    page.fill('[name="to"]', "滕州市/社会治理综合服务中心")
    page.select_option('[name="type"]', "事业编制")
    page.fill('[name="amount"]', "二十四")
    page.press('[name="amount"]', "Tab")
    error = page.locator('[id="err-amount"]')
    sync_api.expect(error).to_contain_text("应为非负整数")
    shot(page, "p4-bad-field-live")
    with page.expect_navigation():
        page.click("button:has-text('保存指令')")  # saved anyway: refused, the form again with the message
    sync_api.expect(page.locator('[id="err-amount"]')).to_contain_text("应为非负整数")
    assert page.locator('[name="amount"]').get_attribute("aria-invalid") == "true"
    shot(page, "p5-bad-field-saved")
    page.fill('[name="amount"]', "24")
    with page.expect_navigation():
        page.click("button:has-text('保存指令')")
    impact = page.locator("section.impact")
    assert "社会治理综合服务中心" in impact.inner_text()
    assert page.locator("section.impact svg.chart").count() == 1  # the 编制流向 chart
    shot(page, "p6-transfer-impact")

    # 3. the rest of the case study
    add(page, "职数核定", {"date": "2021-06-30", "doc": "滕编〔2021〕13号", "body": "滕州市/社会治理综合服务中心",
                        "posts.正职": "1", "posts.副职": "3"})
    add(page, "断言", {"date": "2021-06-30", "body": "滕州市/社会治理综合服务中心", "amount": "35"}, {"type": "事业编制"})
    add(page, "用编进人计划", {"date": "2021-07-15", "body": "滕州市/社会治理综合服务中心", "amount": "3"}, {"type": "事业编制"})
    add(page, "进人", {"date": "2021-07-15", "body": "滕州市/社会治理综合服务中心", "count": "3"}, {"type": "事业编制"})
    add(page, "统一设置", {"date": "2021-06-30", "doc": "滕编〔2021〕14号", "kind": "镇、街道",
                       "bodies.0.name": "社会治理综合服务中心", "bodies.0.from": "综合治理中心",
                       "bodies.0.signboards": "网格化服务管理中心"}, {"missing": "跳过"})
    for relation, whom in (("直属", "市委"), ("归口领导", "市委政法委")):
        add(page, "领导关系", {"date": "2021-06-30", "body": "滕州市/社会治理综合服务中心", "relation": relation, "to": whom})
    add(page, "编外", {"date": "2021-06-30", "division": "滕州市",
                     "grid_kinds.k.0": "基础网格", "grid_kinds.v.0": "1792", "grid_kinds.k.1": "专属网格", "grid_kinds.v.1": "244",
                     **{f"staff.k.{i}": k for i, k in enumerate(("网格长", "网格员", "网格指导员", "城市社区工作者", "平台坐席人员"))},
                     **{f"staff.v.{i}": v for i, v in enumerate(("1208", "1792", "1000", "100", "40"))}})
    add(page, "统计数", {"date": "2021-06-30", "division": "滕州市", "counts.k.0": "网格事项", "counts.v.0": "168",
                      "counts.k.1": "网格事项涉及部门", "counts.v.1": "26", "counts.k.2": "属地管理事项", "counts.v.2": "139"})
    for item, limit, standard in (("矛盾纠纷排查化解", "3 个工作日", "当事人达成调解协议或依法导入诉讼程序"),
                                  ("安全隐患巡查上报", "24 小时内上报", "隐患经主管部门确认整改完毕")):
        add(page, "责任事项", {"date": "2021-06-30", "name": item, "category": "网格事项", "townships_of": "滕州市",
                           "lead": "社会治理综合服务中心", "time_limit": limit, "closing_standard": standard})
    for name, value, unit in (("城市社区兼职网格员绩效奖补", "400", "元/人·月"), ("农村兼职网格员绩效奖补", "200", "元/人·月"),
                              ("基层治理专项奖励资金", "300", "万元")):
        add(page, "指标", {"date": "2021-06-30", "division": "滕州市", "name": name, "value": value, "unit": unit})
    written = yaml.safe_load((TENGZHOU / "scenario.yaml").read_text(encoding="utf-8"))["directives"]
    assert page.locator("tr.directive").count() == len(written)
    assert page.locator("tr.has-problems").count() == 0
    assert page.locator(".card .v[data-count=error]").inner_text() == "0"
    shot(page, "p7-whole-plan")

    # 4. saved as a scenario file, the CLI simulates it to the case study's own figures
    with page.expect_download() as got:
        page.click("text=方案 YAML")
    saved = tmp_path / "drafted.yaml"
    got.value.save_as(saved)
    ours = run_cli("simulate", str(TENGZHOU / "base"), str(saved), "--format", "json")
    theirs = run_cli("simulate", str(TENGZHOU / "base"), str(TENGZHOU / "scenario.yaml"), "--format", "json")
    assert ours.exit_code == theirs.exit_code == 0, ours.output
    a, b = json.loads(ours.stdout), json.loads(theirs.stdout)
    for key in ("totals", "balance_diff", "township_diff", "leader_diff", "off_quota", "off_quota_total",
                "attribute_changes", "duty_changes", "standard_diff"):
        assert a[key] == b[key], key
    assert a["off_quota"][0]["after"]["measures"] and a["duty_changes"]  # the measures and duty items typed are there
    assert a["scenario"]["as_of"] == b["scenario"]["as_of"]
    assert [f["message"] for f in a["findings"]] == [f["message"] for f in b["findings"]]

    # 5. submitted by 张三; approved and committed by 李四
    with page.expect_navigation():
        page.click("button:has-text('提交审核')")
    assert page.locator(".tag.status").inner_text() == "已提交"
    assert page.locator(".add-directive").count() == 0  # the text is fixed once submitted
    assert page.locator("button:has-text('批准')").count() == 0  # a 经办 is not offered approval
    with page.expect_navigation():
        page.click(".wb-user button")
    log_in(page, "李四")
    page.goto(page.url.split("/at/")[0] + "/at/latest/plans.html")
    with page.expect_navigation():
        page.click("a:has-text('滕州市组建社会治理综合服务中心')")
    with page.expect_navigation():
        page.click("button:has-text('批准')")
    assert page.locator(".tag.status").inner_text() == "已批准"
    page.fill("input[name=doc]", "滕编〔2021〕12号")
    shot(page, "p8-approved")
    with page.expect_navigation():
        page.click("button:has-text('入账')")
    assert page.locator(".tag.status").inner_text() == "已入账"
    assert "滕编〔2021〕12号" in page.locator("section.approval").inner_text()
    with page.expect_navigation():
        page.click(".wb-links a:has-text('台账记录')")
    first = page.locator("table.log tbody tr").first.inner_text()
    assert "起草 张三" in first and "批准 李四" in first and "滕编〔2021〕12号" in first
    shot(page, "p9-log")
    page.fill(".wb-search input[name=q]", "社会治理综合服务中心")
    page.wait_for_selector("#wb-hits.open li a")
    with page.expect_navigation():
        page.locator("#wb-hits li", has_text="滕州市").locator("a").first.click()
    assert page.locator("h1").inner_text().startswith("社会治理综合服务中心")
    quota = page.locator("table", has_text="事业编制").first.inner_text()
    assert re.search(r"事业编制\s+35\s+12\b", quota), quota  # 11 merged + 24 transferred; 9 + 3 hired
    shot(page, "p10-new-balance")
    # the committed balance is the CLI's simulation of the case study's scenario file, body by body
    balance = json.loads(run_cli("balance", store[0], "--as-of", "2021-12-31", "--format", "json").stdout)
    committed = {(r["body"], r["quota_type"]): (r["approved"], r["actual"]) for r in balance}
    for r in b["balance_diff"]:
        assert committed.get((r["body"], r["quota_type"]), (0, 0)) == (r["after"]["approved"], r["after"]["actual"]), r
