"""Accounts, approval and commit in the workbench: scrypt passwords, login throttling, the
session cookie, CSRF per session, roles (a 经办 cannot approve, a 查阅 cannot draft, a
logged-out user is sent to log in), the Tengzhou plan drafted, submitted, approved and
committed into a store through the store's own commit (checked as the ledger is then), the
log recording who and which 文号, a correction from the app, two reviewers committing at the
same moment, and ``serve --host 0.0.0.0`` refused until accounts exist."""

from __future__ import annotations

import io
import json
import re
import threading
from pathlib import Path

import pytest
import yaml
from conftest import run_cli

from orgmodel.answers.book import Book
from orgmodel.store import Store
from orgmodel.web import create_app
from orgmodel.web.accounts import MAX_FAILURES, Accounts, hash_password, password_matches
from orgmodel.web.drafts import Drafts

ROOT = Path(__file__).resolve().parents[1]
TENGZHOU = ROOT / "data" / "scenarios" / "tengzhou"
PASSWORD = "correct horse 9"


class Clock:
    def __init__(self):
        self.now = 1_000_000.0

    def __call__(self):
        return self.now


@pytest.fixture
def store(tmp_path):
    db = tmp_path / "滕州.db"
    assert run_cli("init", db).exit_code == 0
    assert run_cli("import", db, TENGZHOU / "base", "--by", "录入员").exit_code == 0
    return db


def people(drafts: Path, clock=None) -> Accounts:
    accounts = Accounts(drafts, clock=clock or Clock())
    for name, role in (("管理", "管理员"), ("张三", "经办"), ("李四", "审核"), ("王五", "审核"), ("赵六", "查阅")):
        accounts.add(name, role, PASSWORD, "测试")
    return accounts


@pytest.fixture
def app(store, tmp_path):
    drafts = tmp_path / "滕州.drafts.db"
    people(drafts)
    return create_app(Book(store), drafts=drafts)


def login(app, name: str, password: str = PASSWORD):
    """A client logged in as ``name`` and its session's CSRF token."""
    c = app.test_client()
    page = c.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    r = c.post("/login", data={"csrf_token": token, "name": name, "password": password, "next": "/at/latest/plans.html"})
    assert r.status_code == 303, r.get_data(as_text=True)
    page = c.get("/at/latest/plans.html").get_data(as_text=True)
    return c, re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def text(r) -> str:
    return r.get_data(as_text=True)


# -- passwords, logins, sessions --------------------------------------------------------------
def test_passwords_are_kept_only_as_scrypt_hashes(tmp_path):
    stored = hash_password(PASSWORD)
    assert stored.startswith("scrypt$16384$8$1$") and PASSWORD not in stored
    assert password_matches(stored, PASSWORD) and not password_matches(stored, PASSWORD + "x")
    assert hash_password(PASSWORD) != stored  # a salt of its own
    people(tmp_path / "d.db")
    raw = (tmp_path / "d.db").read_bytes()
    assert PASSWORD.encode() not in raw


def test_failed_logins_lock_the_name_for_a_while(store, tmp_path):
    clock = Clock()
    drafts = tmp_path / "d.db"
    people(drafts, clock)
    app = create_app(Book(store), drafts=drafts)
    app.config["ACCOUNTS"] = Accounts(drafts, clock=clock)
    c = app.test_client()
    token = re.search(r'name="csrf_token" value="([^"]+)"', text(c.get("/login"))).group(1)
    for _ in range(MAX_FAILURES):
        r = c.post("/login", data={"csrf_token": token, "name": "李四", "password": "guess-guess"})
        assert r.status_code == 401 and "账号或密码不对" in text(r)
    r = c.post("/login", data={"csrf_token": token, "name": "李四", "password": PASSWORD})
    assert r.status_code == 401 and "已暂时锁定" in text(r)  # even the right password, while locked
    clock.now += 61
    assert c.post("/login", data={"csrf_token": token, "name": "李四", "password": PASSWORD}).status_code == 303
    trail = [(t["user"], t["action"]) for t in Accounts(drafts).trail()]
    assert trail.count(("李四", "登录失败")) == MAX_FAILURES and ("李四", "登录被拒") in trail and trail[0] == ("李四", "登录")


def test_the_session_cookie_is_httponly_and_samesite_and_login_needs_its_token(app):
    c = app.test_client()
    assert c.post("/login", data={"name": "李四", "password": PASSWORD}).status_code == 403
    token = re.search(r'name="csrf_token" value="([^"]+)"', text(c.get("/login"))).group(1)
    r = c.post("/login", data={"csrf_token": token, "name": "李四", "password": PASSWORD})
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    # a new session at login: the token from before it no longer works
    r = c.post("/plans/new", data={"csrf_token": token, "name": "x"})
    assert r.status_code == 403 and "安全令牌" in text(r)


def test_a_logged_out_user_is_sent_to_log_in(app):
    c = app.test_client()
    r = c.get("/at/latest/plans.html")
    assert r.status_code == 303 and r.headers["Location"] == "/login?next=/at/latest/plans.html"
    assert c.get("/static/workbench.css").status_code == 200  # the login page's own style
    assert "登录工作台" in text(c.get("/login"))
    page = text(c.get("/login?next=//evil.example/x"))
    assert 'value="/"' in page  # only a path of this workbench is followed


def test_roles_a_reader_cannot_draft_a_drafter_cannot_approve(app):
    reader, token = login(app, "赵六")
    r = reader.post("/plans/new", data={"csrf_token": token, "name": "x"})
    assert r.status_code == 403 and "经办" in text(r)
    assert reader.get("/at/latest/plans.html").status_code == 200
    drafter, token = login(app, "张三")
    r = drafter.post("/plans/new", data={"csrf_token": token, "name": "试"})
    assert r.status_code == 303
    r = drafter.post("/plans/1/approve", data={"csrf_token": token, "version": "1"})
    assert r.status_code == 403 and "审核" in text(r)
    assert drafter.get("/at/latest/accounts.html").status_code == 403
    reviewer, _ = login(app, "李四")
    assert reviewer.get("/at/latest/accounts.html").status_code == 403
    assert 'href="accounts.html"' not in text(reviewer.get("/at/latest/index.html"))  # the menu offers only what one may
    admin, _ = login(app, "管理")
    assert 'href="accounts.html"' in text(admin.get("/at/latest/index.html"))


def test_an_administrator_makes_accounts_and_reads_the_trail(app):
    admin, token = login(app, "管理")
    r = admin.post("/at/latest/accounts", data={"csrf_token": token, "action": "add", "name": "钱七", "role": "经办",
                                                "password": "short"})
    assert r.status_code == 422 and "密码至少" in text(r)
    r = admin.post("/at/latest/accounts", data={"csrf_token": token, "action": "add", "name": "钱七", "role": "经办",
                                                "password": PASSWORD})
    assert r.status_code == 303
    r = admin.post("/at/latest/accounts", data={"csrf_token": token, "action": "add", "name": "a/b<script>", "role": "经办",
                                                "password": PASSWORD})
    assert r.status_code == 422 and "<script>" not in text(r)
    r = admin.post("/at/latest/accounts", data={"csrf_token": token, "action": "change", "name": "管理", "role": "查阅"})
    assert r.status_code == 422 and "不能降低或停用自己的账号" in text(r)
    login(app, "钱七")
    trail = text(admin.get("/at/latest/audit.html"))
    assert "新建账号" in trail and "钱七(经办)" in trail and "登录" in trail


# -- from draft to record ------------------------------------------------------------------------
def import_plan(c, token, path: Path) -> int:
    r = c.post("/at/latest/plans-import", data={"csrf_token": token, "file": (io.BytesIO(path.read_bytes()), path.name)},
               content_type="multipart/form-data")
    assert r.status_code == 303, text(r)
    return int(re.search(r"plan-(\d+)", r.headers["Location"]).group(1))


def version(app, draft: int) -> str:
    return str(Drafts(app.config["DRAFTS"].path).get(draft).version)


def submitted_and_approved(app, plan: Path, reviewer: str = "李四") -> tuple[int, object, str]:
    drafter, token = login(app, "张三")
    draft = import_plan(drafter, token, plan)
    assert drafter.post(f"/plans/{draft}/submit", data={"csrf_token": token, "version": version(app, draft)}).status_code == 303
    # once submitted, the text is fixed
    r = drafter.post(f"/plans/{draft}/remove", data={"csrf_token": token, "version": version(app, draft), "n": "0"})
    assert r.status_code == 409 and "已提交" in text(r)
    # the drafter may not approve, nor may the submitter even as a reviewer
    c, token = login(app, reviewer)
    assert c.post(f"/plans/{draft}/approve", data={"csrf_token": token, "version": version(app, draft)}).status_code == 303
    return draft, c, token


def test_the_tengzhou_plan_is_drafted_approved_committed_and_logged(app, store):
    draft, reviewer, token = submitted_and_approved(app, TENGZHOU / "scenario.yaml")
    before = Store(store).__enter__()
    count = before.last_record()
    before.close()
    r = reviewer.post(f"/plans/{draft}/commit", data={"csrf_token": token, "version": version(app, draft),
                                                      "doc": "滕编〔2021〕12号"})
    assert r.status_code == 303, text(r)
    kept = Drafts(app.config["DRAFTS"].path).get(draft)
    assert kept.status == "已入账" and "滕编〔2021〕12号" in kept.committed
    log = text(reviewer.get("/at/latest/log.html"))
    assert "起草 张三" in log and "批准 李四" in log and "文号 滕编〔2021〕12号" in log
    page = text(reviewer.get(f"/at/latest/plan-{draft}.html"))  # part of the ledger now: not simulated against itself
    assert "方案已入账" in page and "不进入台账" not in page and "既是被合并机构又是并入机构" not in page
    written = yaml.safe_load((TENGZHOU / "scenario.yaml").read_text(encoding="utf-8"))["directives"]
    with Store(store) as s:
        assert s.last_record() == count + len(written)
    # the committed balance is the CLI's simulation of the case study's scenario file
    sim = json.loads(run_cli("simulate", TENGZHOU / "base", TENGZHOU / "scenario.yaml", "--format", "json").stdout)
    after = {(r["body"], r["quota_type"]): (r["after"]["approved"], r["after"]["actual"]) for r in sim["balance_diff"]}
    balance = json.loads(run_cli("balance", store, "--as-of", "2021-12-31", "--format", "json").stdout)
    got = {(r["body"], r["quota_type"]): (r["approved"], r["actual"]) for r in balance}
    assert after and all(got.get(key, (0, 0)) == value for key, value in after.items()), (after, got)
    totals = {r["quota_type"]: r["after"]["total"] for r in sim["totals"]}
    ledger_totals = json.loads(run_cli("simulate", store, TENGZHOU / "scenario.yaml", "--format", "json").stdout)["totals"]
    assert {r["quota_type"]: r["before"]["total"] for r in ledger_totals} == totals  # the store now is the plan's after
    # and so are its duty items (in every township, with time limits and closing standards)
    duties = json.loads(run_cli("duties", store, "--format", "json").stdout)
    planned = run_cli("duties", TENGZHOU / "base", "--scenario", TENGZHOU / "scenario.yaml", "--format", "json")
    assert any(d["time_limit"] for d in duties) and duties == json.loads(planned.stdout)
    assert run_cli("verify", store).exit_code == 0
    trail = [t["action"] for t in Accounts(app.config["DRAFTS"].path).trail()]
    assert {"提交方案", "批准方案", "方案入账"} <= set(trail)


def test_the_submitter_cannot_approve_their_own_plan(app):
    drafter, token = login(app, "张三")
    draft = import_plan(drafter, token, TENGZHOU / "scenario.yaml")
    reviewer, token = login(app, "李四")
    Drafts(app.config["DRAFTS"].path).change(draft, int(version(app, draft)),
                                            lambda d: setattr(d, "status", "已提交") or setattr(d, "submitted_by", "李四"))
    r = reviewer.post(f"/plans/{draft}/approve", data={"csrf_token": token, "version": version(app, draft)})
    assert r.status_code == 403 and "不能批准自己提交的方案" in text(r)


def test_a_plan_that_now_adds_errors_is_refused_at_commit_with_them(app, store, tmp_path):
    draft, reviewer, token = submitted_and_approved(app, TENGZHOU / "scenario.yaml")
    # meanwhile a colleague takes the pool's quota away (from the command line)
    cut = tmp_path / "cut.yaml"
    cut.write_text("- {date: 2021-03-01, op: transfer, doc: 滕编〔2021〕9号, from: 滕州市收回事业编制, "
                   "to: 综合治理事务中心, type: 事业编制, amount: 30}\n", encoding="utf-8")
    assert run_cli("commit", store, cut, "--by", "同事").exit_code == 0
    with Store(store) as s:
        count = s.last_record()
    r = reviewer.post(f"/plans/{draft}/commit", data={"csrf_token": token, "version": version(app, draft), "doc": "滕编〔2021〕12号"})
    assert r.status_code == 409 and "没有写入任何内容" in text(r) and "滕州市收回事业编制" in text(r)
    with Store(store) as s:
        assert s.last_record() == count
    assert Drafts(app.config["DRAFTS"].path).get(draft).status == "已批准"
    # returned with a comment, it can be edited again
    r = reviewer.post(f"/plans/{draft}/return", data={"csrf_token": token, "version": version(app, draft), "comment": "编制池不足"})
    assert r.status_code == 303
    assert Drafts(app.config["DRAFTS"].path).get(draft).status == "已退回"
    assert "编制池不足" in text(reviewer.get(f"/at/latest/plan-{draft}.html"))


def test_two_reviewers_committing_at_the_same_moment_both_land(app, store, tmp_path):
    plans = []
    for i, body in enumerate(("综合治理事务中心", "新居民服务管理办公室")):
        p = tmp_path / f"plan{i}.yaml"
        p.write_text(f"name: 方案{i}\ndirectives:\n- {{date: 2021-06-30, op: transfer, doc: 滕编〔2021〕{20 + i}号, "
                     f"from: 滕州市收回事业编制, to: {body}, type: 事业编制, amount: 2}}\n", encoding="utf-8")
        plans.append(p)
    first = submitted_and_approved(app, plans[0], "李四")
    second = submitted_and_approved(app, plans[1], "王五")
    with Store(store) as s:
        count = s.last_record()
    gate, results = threading.Barrier(2), {}

    def commit(draft, client, token):
        gate.wait()
        results[draft] = client.post(f"/plans/{draft}/commit", data={"csrf_token": token, "version": version(app, draft),
                                                                     "doc": f"滕编〔2021〕{30 + draft}号"})
    threads = [threading.Thread(target=commit, args=args) for args in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    codes = sorted(r.status_code for r in results.values())
    with Store(store) as s:
        written = s.last_record() - count
    assert codes == [303, 303] and written == 2, [text(r)[:500] for r in results.values()]
    assert run_cli("verify", store).exit_code == 0


def test_a_correction_from_the_app_with_a_reason(app, store):
    reviewer, token = login(app, "李四")
    with Store(store) as s:
        last = s.last_record()
    r = reviewer.post("/at/latest/correct", data={"csrf_token": token, "record": str(last), "doc": "滕编〔2021〕99号",
                                                  "reason": ""})
    assert r.status_code == 400 and "原因" in text(r)
    r = reviewer.post("/at/latest/correct", data={"csrf_token": token, "record": str(last), "doc": "滕编〔2021〕99号",
                                                  "reason": "录入重复"})
    assert r.status_code == 303, text(r)
    log = text(reviewer.get("/at/latest/log.html"))
    assert f"冲正第 {last} 号" in log and "录入重复" in log
    drafter, token = login(app, "张三")
    assert drafter.post("/at/latest/correct", data={"csrf_token": token, "record": "1", "doc": "x",
                                                    "reason": "y"}).status_code == 403


def test_served_from_files_plans_are_approved_but_never_committed(tmp_path):
    drafts = tmp_path / "d.db"
    people(drafts)
    app = create_app(Book(TENGZHOU / "base"), drafts=drafts)
    draft, reviewer, token = submitted_and_approved(app, TENGZHOU / "scenario.yaml")
    r = reviewer.post(f"/plans/{draft}/commit", data={"csrf_token": token, "version": version(app, draft), "doc": "滕编〔2021〕12号"})
    assert r.status_code == 400 and "入账需要台账数据库" in text(r)
    assert Drafts(drafts).get(draft).status == "已批准"


def test_serving_on_the_network_is_refused_until_accounts_exist(tmp_path):
    drafts = tmp_path / "d.db"
    r = run_cli("serve", TENGZHOU / "base", "--host", "0.0.0.0", "--port", "0", "--no-browser", "--drafts", drafts)
    assert r.exit_code == 2 and "须先建立账号" in r.output and "orgmodel accounts add" in r.output
    r = run_cli("accounts", "add", TENGZHOU / "base", "管理", "--role", "管理员", "--drafts", drafts,
                "--password", PASSWORD)
    assert r.exit_code == 0 and "已建立账号" in r.output
    assert "管理\t管理员" in run_cli("accounts", "list", TENGZHOU / "base", "--drafts", drafts).output
    assert Accounts(drafts).exist()


def test_a_page_one_clerk_opened_never_shows_another_their_name_or_token(app):
    """Pages are kept once rendered; what the toolbar says of the person (name, menu, the CSRF
    token of their session) is never served to someone else."""
    first, first_token = login(app, "张三")
    second, second_token = login(app, "李四")
    for page in ("index.html", "findings.html"):
        a, b = text(first.get(f"/at/latest/{page}")), text(second.get(f"/at/latest/{page}"))
        assert "张三" in a and first_token in a and second_token not in a
        assert "李四" in b and second_token in b and first_token not in b and "张三 <form" not in b
