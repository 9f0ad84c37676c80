"""Plans in the workbench through Flask's in-process client: a form for every directive kind
(and for a kind registered later, with no page code), the door on every plan route (role,
CSRF), hostile input at every field told at the field, the live impact, drafts kept apart
from the ledger, their round trips through scenario YAML and the 变动记录 workbook, the
comparison and the printed report."""

from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
import yaml
from conftest import run_cli

from orgmodel.answers.book import Book
from orgmodel.core.schema import FIELD_LABELS, Field
from orgmodel.ops.registry import ALIASES, OPS, op
from orgmodel.web import create_app
from orgmodel.web.drafts import Drafts, drafts_path_of
from orgmodel.web.guard import ROLES
from orgmodel.web.plan_form import NoControl, control_of, form_fields, inputs_of, kinds, paths_of

ROOT = Path(__file__).resolve().parents[1]
TENGZHOU = ROOT / "data" / "scenarios" / "tengzhou"
DRAFTER, READER = "经办", "查阅"


@pytest.fixture(scope="module")
def book():
    return Book(TENGZHOU / "base")


@pytest.fixture
def app(book, tmp_path):
    return create_app(book, role=DRAFTER, drafts=tmp_path / "plans.drafts.db")


@pytest.fixture
def client(app):
    return app.test_client()


def token(app) -> str:
    return app.config["CSRF_TOKEN"]


def text(r) -> str:
    return r.get_data(as_text=True)


def new_draft(app, client, name="试方案", as_of="2021-12-31") -> int:
    r = client.post("/plans/new", data={"csrf_token": token(app), "name": name, "as_of": as_of})
    assert r.status_code == 303, text(r)
    return int(re.search(r"plan-(\d+)\.html", r.headers["Location"]).group(1))


def save(app, client, draft_id: int, op_name: str, fields: dict, n: str = ""):
    version = Drafts(app.config["DRAFTS"].path).get(draft_id).version
    return client.post(f"/at/latest/plan-{draft_id}-save",
                       data={"csrf_token": token(app), "version": str(version), "n": n, "op": op_name, **fields})


def errors_of(html: str) -> dict[str, str]:
    """``{field path: message}`` of the error spans that say something."""
    return {p: m for p, m in re.findall(r'id="err-([^"]*)"[^>]*>([^<]+)<', html)}


TRANSFER = {"date": "2021-06-30", "doc": "滕编〔2021〕13号", "from": "滕州市收回事业编制", "to": "综合治理事务中心",
            "type": "事业编制", "amount": "5"}


# -- a form for every kind ------------------------------------------------------------------
def test_every_registered_kind_has_a_form_with_chinese_labels(app, client):
    draft = new_draft(app, client)
    for spec in kinds():
        fields = form_fields(spec, app.config["DESK"].book.config)  # NoControl if a kind had none
        r = client.get(f"/at/latest/plan-{draft}-edit.html?op={spec.name}")
        assert r.status_code == 200, spec.name
        page = text(r)
        for f in fields:
            assert f.key in FIELD_LABELS and not f.label.isascii(), (spec.name, f.key)  # every field in Chinese
            assert f">{f.label}<" in page or f">{f.label}<span" in page, (spec.name, f.key)
        for path in paths_of(fields):
            assert f'id="err-{path}"' in page, (spec.name, path)


def test_a_field_kind_with_no_control_is_refused_not_drawn_wrong():
    with pytest.raises(NoControl, match="没有对应的表单控件"):
        control_of(Field("colour"))


@pytest.fixture
def toy_kind():
    """A kind registered the way an op module registers one, removed afterwards."""
    @op("toy_quota_note", "编制备案", phase="quota", fields={
        "body": Field("ref", True), "type": Field("qtype", True), "amount": Field("count", True),
        "sources": Field("refs"), "quota": Field("quota"), "due": Field("date")})
    def toy(state, d):
        return None
    yield OPS["toy_quota_note"]
    del OPS["toy_quota_note"]
    for alias in ("toy_quota_note", "编制备案"):
        ALIASES.pop(alias, None)


def test_a_kind_added_to_the_registry_gets_its_form_without_page_code(app, client, toy_kind):
    draft = new_draft(app, client)
    plan = text(client.get(f"/at/latest/plan-{draft}.html"))
    assert '<option value="toy_quota_note">编制备案</option>' in plan
    page = text(client.get(f"/at/latest/plan-{draft}-edit.html?op=toy_quota_note"))
    for label in ("机构", "编制类型", "数量", "被合并机构", "编制", "归还日期"):
        assert f">{label}<" in page, label
    assert 'name="quota.事业编制"' in page and 'list="wb-names"' in page
    r = save(app, client, draft, "toy_quota_note", {"date": "2021-06-30", "body": "综合治理事务中心", "type": "事业编制",
                                                    "amount": "x", "due": "2021-02-30"})
    assert r.status_code == 422
    errors = errors_of(text(r))
    assert "应为非负整数" in errors["amount"] and "日期" in errors["due"]
    r = save(app, client, draft, "toy_quota_note", {"date": "2021-06-30", "body": "综合治理事务中心", "type": "事业编制",
                                                    "amount": "3", "quota.事业编制": "2"})
    assert r.status_code == 303
    kept = Drafts(app.config["DRAFTS"].path).get(draft).directives
    assert kept == [{"date": "2021-06-30", "op": "toy_quota_note", "body": "综合治理事务中心", "type": "事业编制",
                     "amount": 3, "quota": {"事业编制": 2}}]


# -- the door ---------------------------------------------------------------------------------
def post_routes(app, anyone: bool = True) -> list[str]:
    """Every POST route, with its parameters filled in (``anyone``: with login and logout)."""
    out = []
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods and (anyone or app.view_functions[rule.endpoint].role != "任何人"):
            out.append(re.sub(r"<[^>]+>", lambda m: "latest" if "day" in m.group(0) else "1", rule.rule))
    return out


def test_every_post_route_needs_the_csrf_token(app, client):
    new_draft(app, client)
    routes = post_routes(app)
    assert {"/plans/new", "/at/latest/plan-1-save", "/plans/1/submit", "/plans/1/commit", "/login"} <= set(routes)
    for url in routes:
        r = client.post(url, data={"name": "x", "n": "0", "version": "2", "op": "transfer"})
        assert r.status_code == 403 and "安全令牌" in text(r), url
        assert Drafts(app.config["DRAFTS"].path).get(1).version == 1, url


def test_a_reader_cannot_draft_but_can_read_drafts(book, tmp_path):
    drafter = create_app(book, role=DRAFTER, drafts=tmp_path / "d.db")
    draft = new_draft(drafter, drafter.test_client())
    reader = create_app(book, role=READER, drafts=tmp_path / "d.db")
    c = reader.test_client()
    for url in post_routes(reader, anyone=False):
        r = c.post(url, data={"csrf_token": token(reader), "name": "x", "n": "0", "version": "1", "op": "transfer"})
        assert r.status_code == 403 and re.search("经办|审核|管理员", text(r)), url
    assert c.get(f"/at/latest/plan-{draft}-edit.html?op=transfer").status_code == 403
    assert c.get("/at/latest/plans.html").status_code == 200
    assert c.get(f"/at/latest/plan-{draft}.html").status_code == 200
    assert c.get(f"/plans/{draft}/scenario.yaml").status_code == 200


def test_every_plan_route_declares_its_role(app):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "role", None) in ROLES, rule.rule
        if rule.rule.startswith("/plans/") or "plan" in rule.rule:
            assert view.role in ("查阅", "经办", "审核"), rule.rule


# -- hostile input ------------------------------------------------------------------------------
HOSTILE = {
    "huge": "名" * 5_000,  # 25 times a name's limit (one field of 100,000 characters: below)
    "control": "综合\x07治理",
    "formula": "=HYPERLINK(\"http://x\",\"点\")",
    "script": "<script>alert(1)</script>",
}


def test_hostile_input_at_every_field_of_every_form_is_a_field_error(app, client):
    """Every input of every form filled with one hostile value at a time: each says why at
    itself (or at the group it belongs to), nothing is echoed raw, nothing fails."""
    draft = new_draft(app, client)
    config = app.config["DESK"].book.config
    for spec in kinds():
        paths = [p for p in inputs_of(form_fields(spec, config)) if p != "note"]
        for what, value in HOSTILE.items():
            r = client.post(f"/plans/{draft}/check", data={"csrf_token": token(app), "version": "1", "n": "",
                                                           "op": spec.name, **{p: value for p in paths}})
            assert r.status_code == 200, (spec.name, what)
            body = text(r)
            assert "<script>alert" not in body
            errors = errors_of(body)
            for path in paths:
                parts = path.split(".")
                at = [".".join(parts[:i]) for i in range(len(parts), 0, -1)]
                if len(parts) > 2 and parts[-2] in ("k", "v"):  # a row of a table of pairs: its key and count
                    at += [".".join([*parts[:-2], side, parts[-1]]) for side in ("k", "v")]
                assert any(p in errors for p in at), (spec.name, path, what, errors)


def test_a_huge_value_is_told_at_its_field(app, client):
    draft = new_draft(app, client)
    for path in ("name", "note"):
        r = save(app, client, draft, "establish", {"date": "2021-06-30", "name": "中心", "division": "滕州市",
                                                   path: "名" * 100_000})
        assert r.status_code == 422 and "过长" in errors_of(text(r))[path], path


def test_a_name_with_a_slash_is_refused_at_its_field(app, client):
    draft = new_draft(app, client)
    r = save(app, client, draft, "establish", {"date": "2021-06-30", "name": "综合/治理", "division": "滕州市"})
    assert r.status_code == 422
    assert "“/”" in errors_of(text(r))["name"]
    r = save(app, client, draft, "merge", {"date": "2021-06-30", "doc": "x", "sources": "综合治理事务中心",
                                           "new.0.name": "新/中心", "new.0.division": "滕州市"})
    assert "“/”" in errors_of(text(r))["new.0.name"]


def test_a_hostile_draft_name_and_note_are_escaped(app, client):
    draft = new_draft(app, client, name="<script>alert(1)</script>")
    r = save(app, client, draft, "transfer", {**TRANSFER, "note": "<img src=x onerror=alert(1)>"})
    assert r.status_code == 303
    page = text(client.get(f"/at/latest/plan-{draft}.html"))
    assert "<script>alert(1)" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x" in page
    assert client.post("/plans/new", data={"csrf_token": token(app), "name": "甲\x00乙"}).status_code == 400
    assert client.post("/plans/new", data={"csrf_token": token(app), "name": "x" * 300}).status_code == 400


def test_too_large_a_post_is_refused_in_chinese(app, client):
    r = client.post("/at/latest/plans-import", data={"csrf_token": token(app),
                                                      "file": (io.BytesIO(b"x" * 7_000_000), "big.yaml")})
    assert r.status_code == 413 and "过大" in text(r)


# -- plans: edit, reorder, remove, live impact ------------------------------------------------------
def test_add_edit_reorder_remove_and_the_impact_follows(app, client, book):
    draft = new_draft(app, client)
    assert save(app, client, draft, "transfer", TRANSFER).status_code == 303
    assert save(app, client, draft, "rename", {"date": "2021-06-30", "body": "新居民服务管理办公室", "to": "新居民服务中心"}).status_code == 303
    page = text(client.get(f"/at/latest/plan-{draft}.html"))
    assert re.search(r"调入 综合治理事务中心;编制类型 事业编制;数量 5", page)
    assert 'data-v="7">7</td><td class="num chg-changed" data-v="12">12' in page  # 7 → 12 for the body touched
    assert "编制流向" in page and "<svg" in page
    charts = page[page.index("改革前后机构图"):]  # the renamed body, in its division's chart before and after
    assert charts.count('class="orgchart-wrap"') == 2 and "新居民服务中心" in charts and "新居民服务管理办公室" in charts
    # edit the first: 5 → 6
    r = save(app, client, draft, "transfer", {**TRANSFER, "amount": "6"}, n="0")
    assert r.status_code == 303
    page = text(client.get(f"/at/latest/plan-{draft}.html"))
    assert 'data-v="13">13' in page
    # move the rename up, then remove it
    version = Drafts(app.config["DRAFTS"].path).get(draft).version
    client.post(f"/plans/{draft}/move", data={"csrf_token": token(app), "version": version, "n": "1", "way": "up"})
    kept = Drafts(app.config["DRAFTS"].path).get(draft)
    assert [d["op"] for d in kept.directives] == ["rename", "transfer"]
    client.post(f"/plans/{draft}/remove", data={"csrf_token": token(app), "version": kept.version, "n": "0"})
    assert [d["op"] for d in Drafts(app.config["DRAFTS"].path).get(draft).directives] == ["transfer"]


def test_a_measure_takes_a_decimal_and_a_word_is_told_at_its_field(app, client):
    draft = new_draft(app, client)
    measure = {"date": "2021-06-30", "division": "滕州市", "name": "网格事项办结率", "unit": "%"}
    r = save(app, client, draft, "measure", {**measure, "value": "九十九点四"})
    assert r.status_code == 422 and "应为数" in errors_of(text(r))["value"]
    page = text(client.get(f"/at/latest/plan-{draft}-edit.html?op=measure"))
    assert 'inputmode="decimal" name="value"' in page and ">指标的数值,可带小数" in page
    assert save(app, client, draft, "measure", {**measure, "value": "99.4"}).status_code == 303
    assert Drafts(app.config["DRAFTS"].path).get(draft).directives[0]["value"] == 99.4
    assert "网格事项办结率" in text(client.get(f"/at/latest/plan-{draft}.html"))


def test_a_directive_the_ledger_refuses_shows_its_finding_at_the_directive(app, client):
    draft = new_draft(app, client)
    save(app, client, draft, "transfer", {**TRANSFER, "to": "没有这个机构"})
    page = text(client.get(f"/at/latest/plan-{draft}.html"))
    row = re.search(r'<tr id="d1" class="directive has-problems">.*?</tr>', page, re.S).group(0)
    assert "没有这个机构" in row and "错误" in row


def test_a_change_made_meanwhile_elsewhere_is_not_overwritten(app, client):
    draft = new_draft(app, client)
    save(app, client, draft, "transfer", TRANSFER)
    r = client.post(f"/plans/{draft}/remove", data={"csrf_token": token(app), "version": "1", "n": "0"})
    assert r.status_code == 409 and "已在别处被修改" in text(r)
    assert len(Drafts(app.config["DRAFTS"].path).get(draft).directives) == 1


# -- drafts apart from the ledger; round trips -----------------------------------------------------
def test_drafts_live_in_their_own_file_and_the_ledger_is_untouched(book, tmp_path):
    assert drafts_path_of("台账/县.db") == Path("台账/县.drafts.db")
    assert drafts_path_of("data/demo") == Path("data/demo.drafts.db")
    before = {p: p.stat().st_mtime_ns for p in (TENGZHOU / "base").rglob("*")}
    app = create_app(book, role=DRAFTER, drafts=tmp_path / "mine.drafts.db")
    c = app.test_client()
    draft = new_draft(app, c)
    save(app, c, draft, "transfer", TRANSFER)
    assert (tmp_path / "mine.drafts.db").exists()
    assert {p: p.stat().st_mtime_ns for p in (TENGZHOU / "base").rglob("*")} == before
    stored = Drafts(tmp_path / "mine.drafts.db").get(draft)
    assert stored.author and stored.created and stored.updated and stored.version == 2


def import_file(app, client, data: bytes, name: str):
    return client.post("/at/latest/plans-import", data={"csrf_token": token(app), "file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_the_tengzhou_scenario_imported_simulates_as_the_cli_and_round_trips(app, client, book, tmp_path):
    r = import_file(app, client, (TENGZHOU / "scenario.yaml").read_bytes(), "scenario.yaml")
    assert r.status_code == 303
    draft = int(re.search(r"plan-(\d+)", r.headers["Location"]).group(1))
    page = text(client.get(f"/at/latest/plan-{draft}.html"))
    written = yaml.safe_load((TENGZHOU / "scenario.yaml").read_text(encoding="utf-8"))["directives"]
    assert "滕州市组建社会治理综合服务中心" in page and page.count('class="directive') == len(written)
    assert "关系 直属;领导机关 市委" in page  # a field named as it is in its directive (not 调入)
    # saved as YAML, the CLI simulates it to the case study's own figures
    yaml_text = client.get(f"/plans/{draft}/scenario.yaml").get_data()
    (tmp_path / "back.yaml").write_bytes(yaml_text)
    # saved as a workbook's 变动记录 sheet, too
    xlsx = client.get(f"/plans/{draft}/changes.xlsx")
    assert xlsx.status_code == 200 and xlsx.headers["Content-Disposition"].startswith("attachment")
    (tmp_path / "back.xlsx").write_bytes(xlsx.get_data())
    theirs = json.loads(run_cli("simulate", TENGZHOU / "base", TENGZHOU / "scenario.yaml", "--format", "json").stdout)
    for plan in ("back.yaml", "back.xlsx"):
        result = run_cli("simulate", TENGZHOU / "base", tmp_path / plan, "--format", "json")
        assert result.exit_code == 0, result.output
        ours = json.loads(result.stdout)
        for key in ("totals", "balance_diff", "leader_diff", "township_diff", "off_quota", "off_quota_total",
                    "attribute_changes", "duty_changes", "standard_diff"):
            assert ours[key] == theirs[key], (plan, key)
    # and each imports back to the same directives
    first = Drafts(app.config["DRAFTS"].path).get(draft).directives
    for plan in ("back.yaml", "back.xlsx"):
        r = import_file(app, client, (tmp_path / plan).read_bytes(), plan)
        again = int(re.search(r"plan-(\d+)", r.headers["Location"]).group(1))
        back = Drafts(app.config["DRAFTS"].path).get(again).directives
        assert [d["op"] for d in back] == [d["op"] for d in first], plan
        assert json.dumps(back, sort_keys=True, default=str).replace("[{", "{").replace("}]", "}") == \
            json.dumps(first, sort_keys=True, default=str).replace("[{", "{").replace("}]", "}"), plan


def test_a_plan_file_with_errors_is_refused_whole_with_every_place(app, client):
    bad = "name: 坏方案\ndirectives:\n- {date: 2021-02-30, op: transfer, from: a, to: b, type: 事业编制, amount: 1}\n" \
          "- {date: 2021-06-30, op: 飞行, body: x}\n"
    r = import_file(app, client, bad.encode(), "bad.yaml")
    assert r.status_code == 200
    page = text(r)
    assert "整个文件未导入" in page and "bad.yaml:3" in page and "bad.yaml:4" in page and "未知的指令类型" in page
    assert Drafts(app.config["DRAFTS"].path).list() == []
    r = import_file(app, client, b"x", "plan.exe")
    assert "方案文件须为" in text(r)


def test_two_to_four_drafts_compare_side_by_side(app, client):
    a = new_draft(app, client, "调 5 名")
    save(app, client, a, "transfer", TRANSFER)
    b = new_draft(app, client, "调 8 名")
    save(app, client, b, "transfer", {**TRANSFER, "amount": "8"})
    page = text(client.get(f"/at/latest/plans-compare.html?d={a}&d={b}"))
    assert "调 5 名" in page and "调 8 名" in page
    assert re.search(r"综合治理事务中心</td><td>事业编制</td><td class=\"num\">7</td>\s*<td class=\"num\">12 .*?</td><td class=\"num\">15 ", page)
    assert client.get(f"/at/latest/plans-compare.html?d={a}").status_code == 400
    assert client.get("/at/latest/plans-compare.html?d=1&d=2&d=3&d=4&d=5").status_code == 400
    assert client.get("/at/latest/plans-compare.html?d=1&d=x").status_code == 400


def test_a_draft_prints_as_the_scenario_report(app, client):
    draft = new_draft(app, client, "调剂方案")
    save(app, client, draft, "transfer", TRANSFER)
    r = client.get(f"/plans/{draft}/report.zip")
    assert r.status_code == 200
    with zipfile.ZipFile(io.BytesIO(r.get_data())) as z:
        names = z.namelist()
        index = z.read("index.html").decode()
    assert "after/index.html" in names
    assert "<h1>调剂方案</h1>" in index and "编制流向" in index


def test_name_hints_offer_references_bodies_divisions_and_pools(app, client):
    hints = text(client.get("/at/latest/names?from=滕州"))
    assert 'value="滕州市"' in hints and 'value="滕州市收回事业编制"' in hints
    assert "<script" not in text(client.get("/at/latest/names?x=<script>"))


def test_on_a_large_ledger_the_impact_comes_after_the_page(app, client):
    """A province's simulation takes half a minute: the page shows the directives at once and
    fetches the impact, with each directive's problems put in its row."""
    app.config["IMPACT_INLINE"] = 0
    draft = new_draft(app, client)
    save(app, client, draft, "transfer", {**TRANSFER, "to": "没有这个机构"})
    page = text(client.get(f"/at/latest/plan-{draft}.html"))
    assert f'hx-get="plan-{draft}-impact"' in page and "正在按模拟日期模拟方案" in page
    assert "没有这个机构" in page and "模拟结果(截至" not in page
    fragment = text(client.get(f"/at/latest/plan-{draft}-impact"))
    assert "模拟结果(截至 2021-12-31" in fragment
    cell = re.search(r'<template><td id="p1" class="problems" hx-swap-oob="true">(.*?)</td></template>', fragment, re.S)
    assert cell and "错误" in cell.group(1)
    page = text(client.get(f"/at/latest/plan-{draft}.html"))  # simulated now: shown at once
    assert "模拟结果(截至 2021-12-31" in page
