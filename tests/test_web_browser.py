"""The workbench in headless Chromium, as a clerk uses it: the server started by
``orgmodel serve`` (a child process), then the journeys overview → township → body →
history, search, another day, and the findings with a link followed. No page may log a
console error or ask anything of a host but the workbench's own. Screenshots of each page
are written to ``ORGMODEL_SCREENSHOTS`` when set (for looking at them)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run", "--disable-sync"]
ROOT = Path(__file__).resolve().parents[1]

if not os.path.exists(CHROMIUM):
    if os.environ.get("CI"):
        raise RuntimeError(f"CI 必须运行浏览器测试,但找不到 {CHROMIUM};请检查 .ci/run 是否安装了 chromium")
    pytest.skip(f"浏览器测试跳过:找不到 {CHROMIUM}(Debian 的 chromium 软件包)", allow_module_level=True)
sync_api = pytest.importorskip("playwright.sync_api", reason="浏览器测试跳过:未安装 playwright")


@pytest.fixture(scope="module")
def server():
    """``orgmodel serve data/demo`` on a free port; its address, once it says it is ready."""
    proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "serve", str(ROOT / "data" / "demo"), "--port", "0",
                             "--no-browser"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT)
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
def browser():
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser, server):
    """A fresh tab that records console errors and every host it asks."""
    ctx = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    tab = ctx.new_page()
    tab.errors, tab.hosts = [], set()
    tab.on("console", lambda m: tab.errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: tab.errors.append(str(e)))
    tab.on("request", lambda r: tab.hosts.add(re.sub(r"^(\w+://[^/]+).*", r"\1", r.url)))
    yield tab
    assert tab.errors == []
    assert tab.hosts <= {server.rstrip("/")}, tab.hosts
    ctx.close()


def shot(tab, name: str) -> None:
    folder = os.environ.get("ORGMODEL_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def test_overview_to_township_to_body_to_history(page, server):
    page.goto(server)
    assert page.locator("h1").inner_text() == "栖澜市 机构编制总览"
    shot(page, "1-overview")
    with page.expect_navigation():
        page.locator("table a[href^='town-']").first.click()
    town = page.locator("h1").inner_text().split()[0]  # the heading ends with its kind (街道, 镇)
    assert "/at/latest/town-" in page.url
    shot(page, "2-township")
    with page.expect_navigation():
        page.locator("table.bodies a[href^='body-']").first.click()
    assert "/at/latest/body-" in page.url and town in page.locator("p.note").first.inner_text()
    history = page.locator("table.history tbody tr")
    assert history.count() >= 1 and "设立" in history.first.inner_text()
    assert page.locator("h2", has_text="编制来源").count() == 1
    shot(page, "3-body")


def test_search_as_you_type_finds_a_body_and_opens_it(page, server):
    page.goto(server)
    page.fill("input[name=q]", "党政")
    page.wait_for_selector("#wb-hits.open li a")
    first = page.locator("#wb-hits li a").first
    name = first.inner_text()
    assert "党政" in name
    shot(page, "4-search")
    with page.expect_navigation():
        first.click()
    assert page.locator("h1").inner_text().startswith(name)


def test_the_date_picker_shows_another_day(page, server):
    page.goto(server)
    page.fill("input[name=as_of]", "2021-06-30")
    with page.expect_navigation():
        page.click(".wb-day button")
    page.wait_for_url(re.compile(r"/at/2021-06-30/index\.html$"))
    assert "截至 2021-06-30" in page.locator("p.sub").first.inner_text()
    shot(page, "5-another-day")
    with page.expect_navigation():
        page.locator("table a[href^='town-']").first.click()
    assert "/at/2021-06-30/town-" in page.url  # the day stays as one goes on


def test_findings_link_to_their_bodies(page, server):
    page.goto(server)
    # (no wait_for_function: the page's security policy forbids the eval it uses)
    sync_api.expect(page.locator(".wb-links .count")).to_have_text(re.compile(r"^\s*\d+\s*$"))
    count = int(page.locator(".wb-links .count").inner_text())
    with page.expect_navigation():
        page.click("text=问题清单")
    assert f"共 {count} 个问题" in page.locator("p.sub").first.inner_text()
    shot(page, "6-findings")
    link = page.locator("table.findings a[href^='body-']").first
    body = link.inner_text()
    with page.expect_navigation():
        link.click()
    assert body.endswith(page.locator("h1").inner_text().split(" ")[0])
    assert page.locator("h2", has_text="问题").count() == 1


def test_an_impossible_date_is_told_in_chinese(page, server):
    response = page.goto(server + "at/2023-02-30/index.html")
    assert response.status == 400
    assert "日期“2023-02-30”无效" in page.content()
    assert page.errors == ["Failed to load resource: the server responded with a status of 400 (BAD REQUEST)"]
    page.errors.clear()  # the refusal asked for, and only it
