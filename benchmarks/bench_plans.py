"""Measure drafting a plan in the workbench as a clerk meets it: the plans page, a directive's
form, the check as a field is filled, saving (the plan simulated on its day: the live impact),
the plan page again, the name hints, and two drafts compared.

Usage::

    python benchmarks/bench_plans.py LEDGER [--cache DIR]

In-process (Flask's client: no HTTP), so the figures are the workbench's own work. The plan is
a transfer of one 事业编制 from a pool to a body of the ledger's last township, then a second
directive (a rename), as a clerk adds them one at a time.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="工作台方案起草性能测试")
    ap.add_argument("ledger", type=Path)
    ap.add_argument("--cache", type=Path, default=None)
    args = ap.parse_args(argv)
    if args.cache:
        os.environ["ORGMODEL_CACHE_DIR"] = str(args.cache)
    from orgmodel.answers.book import Book
    from orgmodel.web import create_app

    rows = []

    def timed(label, fn):
        start = time.perf_counter()
        out = fn()
        rows.append((label, time.perf_counter() - start))
        return out

    book = timed("open the ledger", lambda: Book(args.ledger, keep=1))
    app = create_app(book, role="经办", drafts=Path(tempfile.mkdtemp()) / "bench.drafts.db")
    c = app.test_client()
    token = app.config["CSRF_TOKEN"]
    timed("first page (the day's answer)", lambda: c.get("/at/latest/index.html"))
    state = app.config["DESK"].sheet(None).state
    pool = next(p for p in state.pools.values() if p.active and p.approved.get("事业编制", 0) > 0)
    body = next(b for b in reversed(list(state.bodies.values())) if b.active and b.approved.get("事业编制", 0) > 0)
    ref, day = state.reference(body), state.as_of.isoformat()
    timed("plans page", lambda: c.get("/at/latest/plans.html"))
    r = timed("new draft", lambda: c.post("/plans/new", data={"csrf_token": token, "name": "测试方案"}))
    draft = int(re.search(r"plan-(\d+)", r.headers["Location"]).group(1))
    timed("a transfer's form", lambda: c.get(f"/at/latest/plan-{draft}-edit.html?op=transfer"))
    fields = {"date": day, "doc": "测编〔2025〕1号", "from": pool.name, "to": ref, "type": "事业编制", "amount": "1"}
    base = {"csrf_token": token, "n": "", "op": "transfer"}
    r = timed("check as a field is filled", lambda: c.post(f"/plans/{draft}/check", data={**base, "version": "1", **fields}))
    assert r.status_code == 200 and "err-amount" in r.get_data(as_text=True)
    r = timed("save the directive", lambda: c.post(f"/at/latest/plan-{draft}-save", data={**base, "version": "1", **fields}))
    assert r.status_code == 303, r.get_data(as_text=True)[:2000]
    page = timed("plan page (directives; impact inline below 100k)", lambda: c.get(f"/at/latest/plan-{draft}.html"))
    assert page.status_code == 200 and "模拟结果" in page.get_data(as_text=True)
    impact = timed("the impact (the plan simulated on its day)", lambda: c.get(f"/at/latest/plan-{draft}-impact"))
    assert "模拟结果(截至" in impact.get_data(as_text=True)
    timed("plan page again (impact kept)", lambda: c.get(f"/at/latest/plan-{draft}.html"))
    rename = {"csrf_token": token, "n": "", "op": "rename", "version": "2", "date": day, "body": ref, "to": body.name + "新"}
    timed("save a second directive", lambda: c.post(f"/at/latest/plan-{draft}-save", data=rename))
    timed("plan page after it", lambda: c.get(f"/at/latest/plan-{draft}.html"))
    timed("its impact (simulated again)", lambda: c.get(f"/at/latest/plan-{draft}-impact"))
    timed("name hints “党政”", lambda: c.get("/at/latest/names?to=党政"))
    c.post("/plans/new", data={"csrf_token": token, "name": "方案二"})
    c.post(f"/at/latest/plan-{draft + 1}-save", data={**base, "version": "1", **fields, "amount": "2"})
    timed("compare two drafts", lambda: c.get(f"/at/latest/plans-compare.html?d={draft}&d={draft + 1}"))
    timed("scenario YAML download", lambda: c.get(f"/plans/{draft}/scenario.yaml"))
    print(f"ledger {args.ledger}: {book.ledger.count:,} directives; plan: {pool.name} → {ref}")
    for label, took in rows:
        print(f"  {label:<40} {took:>8.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
