"""From draft to record: a 经办 submits a draft, a 审核 approves it or returns it with a
comment, and commits an approved plan with its 文号 through the store's own ``append``; a 审核
also makes a correction (冲正) of a record, with a reason. Each step is in the audit trail.

A plan goes in only as the ledger is when it is written: it is simulated again on the store's
newest records and refused, with the errors it would now add, if it adds any; the batch
carries the record number it was checked at, so a batch another clerk wrote meanwhile makes
the store refuse it (``StoreChanged``) and the plan is checked again on the new head. Two
clerks committing at once therefore both land, each checked against the other's records, or
one is told why not. The batch's note records the drafter, the approver, their times and the
文号. A ledger of files (YAML, a workbook) has no store: there, plans are drafted and
approved, never committed.
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, abort, current_app, g, redirect, request

from ..core.findings import ERROR, has_errors
from ..core.schema import MAX_NAME, text_problem
from ..reading.parse import sort_key
from ..store import Store, StoreChanged, StoreError, trust
from ..store.keys import ClerkKeyError, own_key
from ..store.origin import CHANGED
from .drafts import Draft, DraftError
from .guard import requires
from .pages import desk, render
from .plan_files import scenario_of
from .plans import _draft, drafts, simulation

DRAFT, APPROVE = "经办", "审核"
COMMIT_TRIES = 5   # times a plan is checked again when others keep writing meanwhile


def _user() -> str:
    return g.get("user") or current_app.config["AUTHOR"]


def _record(action: str, detail: str) -> None:
    current_app.config["ACCOUNTS"].record(_user(), action, detail, request.remote_addr or "")


def _refused(title: str, message: str, findings=(), status: int = 409):
    sheet = desk().sheet(None)
    response = render("web/refused.html", sheet, "latest", page="plan", title=title, message=message,
                      findings=[f for f in findings if f.severity == ERROR], signoff=[])
    response.status_code = status
    return response


def _step(draft_id: int, allowed: tuple[str, ...], change) -> Draft:
    """Apply ``change`` to the draft if its status is one of ``allowed`` (409 otherwise)."""
    def how(d: Draft):
        if d.status not in allowed:
            raise DraftError(f"方案“{d.name}”现在是“{d.status}”,不能这样操作")
        change(d)
    version = request.form.get("version") or ""
    if not version.isdigit():
        abort(400, description="缺少草稿的版本号;请重新打开草稿后再操作")
    try:
        return drafts().change(draft_id, int(version), how)
    except DraftError as exc:
        abort(409, description=str(exc))


def register(app: Flask) -> None:
    """Add the approval routes to ``app``."""

    @app.post("/plans/<int:draft_id>/submit")
    @requires(DRAFT)
    def submit_plan(draft_id: int):
        draft = _draft(draft_id)
        sim = simulation(draft)
        if not draft.directives:
            return _refused("不能提交", f"方案“{draft.name}”还没有指令")
        if has_errors(sim.findings):
            return _refused("不能提交", f"方案“{draft.name}”会引起以下错误,请先修改", sim.findings)
        now = drafts().clock()

        def go(d: Draft):
            d.status, d.submitted_by, d.submitted_at, d.comment = "已提交", _user(), now, None
        _step(draft_id, ("草稿", "已退回"), go)
        _record("提交方案", f"草稿{draft_id}《{draft.name}》")
        return redirect(f"/at/latest/plan-{draft_id}.html", code=303)

    @app.post("/plans/<int:draft_id>/return")
    @requires(APPROVE)
    def return_plan(draft_id: int):
        comment = (request.form.get("comment") or "").strip()
        problem = "请写明退回的理由" if not comment else text_problem(comment, True, 2000)
        if problem:
            abort(400, description=f"退回意见{problem}" if comment else problem)

        def go(d: Draft):
            d.status, d.comment, d.approved_by, d.approved_at = "已退回", f"{_user()}:{comment}", None, None
        draft = _step(draft_id, ("已提交", "已批准"), go)
        _record("退回方案", f"草稿{draft_id}《{draft.name}》:{comment}")
        return redirect(f"/at/latest/plan-{draft_id}.html", code=303)

    @app.post("/plans/<int:draft_id>/approve")
    @requires(APPROVE)
    def approve_plan(draft_id: int):
        draft = _draft(draft_id)
        if g.get("user") and draft.submitted_by == g.user:
            return _refused("不能批准", "提交人不能批准自己提交的方案;请另一位审核人批准", status=403)
        sim = simulation(draft)
        if has_errors(sim.findings):
            return _refused("不能批准", f"方案“{draft.name}”按现在的台账会引起以下错误;请退回修改", sim.findings)
        now = drafts().clock()

        def go(d: Draft):
            d.status, d.approved_by, d.approved_at = "已批准", _user(), now
        _step(draft_id, ("已提交",), go)
        _record("批准方案", f"草稿{draft_id}《{draft.name}》")
        return redirect(f"/at/latest/plan-{draft_id}.html", code=303)

    @app.post("/plans/<int:draft_id>/commit")
    @requires(APPROVE)
    def commit_plan_route(draft_id: int):
        draft = _draft(draft_id)
        doc = (request.form.get("doc") or "").strip()
        problem = "请填写入账依据的文号" if not doc else text_problem(doc, False, MAX_NAME)
        if problem:
            abort(400, description=f"文号{problem}" if doc else problem)
        if draft.status != "已批准":
            abort(409, description=f"方案“{draft.name}”现在是“{draft.status}”,批准后才能入账")
        if not desk().is_store:
            return _refused("不能入账", "工作台是从 YAML 文件夹或工作簿打开的,只能起草和审核方案;入账需要台账数据库"
                            "(用 orgmodel init、import 建立后,以数据库启动工作台),或导出方案后用 orgmodel commit 写入", status=400)
        try:
            batch = commit_plan(draft, doc)
        except CommitRefused as exc:
            return _refused("未入账", str(exc), exc.findings)
        now = drafts().clock()

        def go(d: Draft):
            d.status = "已入账"
            d.committed = f"第 {batch.first}–{batch.last} 号记录(批次 {batch.id}),文号 {doc},{_user()} {now}"
        _step(draft_id, ("已批准",), go)
        _record("方案入账", f"草稿{draft_id}《{draft.name}》→ {d_text(batch)},文号 {doc}")
        return redirect(f"/at/latest/plan-{draft_id}.html", code=303)

    @app.post("/at/<day>/correct")
    @requires(APPROVE)
    def correct_record_route(day: str):
        text = request.form.get("record") or ""
        doc, reason = (request.form.get("doc") or "").strip(), (request.form.get("reason") or "").strip()
        if not text.isdigit() or len(text) > 12:
            abort(400, description="记录号应为数字")
        problem = ("请填写冲正依据的文号" if not doc else text_problem(doc, False, MAX_NAME) and f"文号{text_problem(doc, False, MAX_NAME)}") \
            or ("请写明冲正的原因" if not reason else text_problem(reason, True, 2000) and f"原因{text_problem(reason, True, 2000)}")
        if problem:
            abort(400, description=problem)
        if not desk().is_store:
            abort(400, description="只有台账数据库的记录可以冲正")
        try:
            batch = correct_record(int(text), doc, reason)
        except CommitRefused as exc:
            return _refused("未冲正", str(exc), exc.findings)
        _record("冲正", f"第 {text} 号记录(冲正记录第 {batch.first} 号),文号 {doc}:{reason}")
        return redirect(f"/at/{day}/log.html", code=303)


def d_text(batch) -> str:
    return f"第 {batch.first}–{batch.last} 号记录(批次 {batch.id})"


class CommitRefused(Exception):
    """Nothing was written: why, and the errors that stopped it."""

    def __init__(self, message: str, findings=()):
        super().__init__(message)
        self.findings = list(findings)


def _signer():
    try:
        return own_key()
    except ClerkKeyError as exc:
        raise CommitRefused(str(exc)) from exc


def _untampered(book) -> None:
    bad = [f for f in book.ledger.findings if f.rule in (trust.RULE, CHANGED)]
    if bad:
        raise CommitRefused("数据库的哈希链或记录不符,为免在改动过的台账上继续写入,没有写入任何内容;请先用 orgmodel verify 核对", bad)


def commit_plan(draft: Draft, doc: str):
    """Write the approved ``draft`` into the store as one batch, checked against the ledger as
    it is when written (see the module docstring)."""
    book, path = desk().book, Path(desk().book.path)
    signer = _signer()
    note = (f"工作台方案 草稿{draft.id}《{draft.name}》;起草 {draft.author};提交 {draft.submitted_by} {draft.submitted_at};"
            f"批准 {draft.approved_by} {draft.approved_at};入账 {_user()};文号 {doc}")
    for _ in range(COMMIT_TRIES):
        with Store(path) as store:
            seen = store.last_record()
        book.refresh()
        _untampered(book)
        scenario = scenario_of(draft, book.config)
        sim = book.simulate(scenario)
        if has_errors(sim.findings):
            raise CommitRefused(f"按现在的台账,方案“{draft.name}”会引起以下错误,没有写入任何内容;请退回修改", sim.findings)
        try:
            with Store(path) as store:
                batch = store.append("commit", _user(), f"工作台草稿{draft.id}", sorted(scenario.directives, key=sort_key),
                                     note=note, checked_at=seen, signer=signer)
        except StoreChanged:
            continue  # a colleague wrote meanwhile: check again on the new head
        except StoreError as exc:
            raise CommitRefused(f"{exc}") from exc
        trust.note_written(path, batch)
        book.refresh()
        return batch
    raise CommitRefused("台账在检查期间一直有新的记录写入;请稍后再试,本次没有写入任何内容")


def correct_record(record: int, doc: str, reason: str):
    """Reverse record ``record`` (冲正), refused when that would add errors to the ledger."""
    book, path = desk().book, Path(desk().book.path)
    signer = _signer()
    for _ in range(COMMIT_TRIES):
        with Store(path) as store:
            seen = store.last_record()
        book.refresh()
        _untampered(book)
        new = book.correction_errors(record)
        if new:
            raise CommitRefused(f"冲正第 {record} 号记录会使台账出现 {len(new)} 个新的错误,未冲正;请先冲正依赖它的记录", new)
        try:
            with Store(path) as store:
                batch = store.reverse(record, _user(), doc, reason, checked_at=seen, signer=signer)
        except StoreChanged:
            continue
        except StoreError as exc:
            raise CommitRefused(str(exc)) from exc
        trust.note_written(path, batch)
        book.refresh()
        return batch
    raise CommitRefused("台账在检查期间一直有新的记录写入;请稍后再试,本次没有写入任何内容")
