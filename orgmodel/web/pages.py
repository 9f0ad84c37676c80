"""The workbench's pages: the balance report's pages for any day, a body's page, the
findings, the database's log and the search. Each route turns a request into a question for
the desk and renders what the answer holds; none computes a figure."""

from __future__ import annotations

import datetime as dt
import re

from flask import Flask, Response, abort, current_app, g, redirect, request

from ..core.findings import SEVERITY_LABELS, RecordSource
from ..core.schema import parse_date
from ..core.signoff import signoff_fields
from ..report.audit_report import finding_groups
from ..report.site import INDEX_FILE
from ..state import Body
from ..store.log import log
from .body_page import body_context
from .desk import Desk, Sheet
from .guard import READ, csrf_token, requires, signed_in

LATEST = "latest"
BODY_PAGE = re.compile(r"body-(\d{1,12})\.html")
PAGE_NAME = re.compile(r"[A-Za-z0-9_.-]{1,200}")
LOG_ROWS = 2000  # the log page shows the newest so many (the filters find older ones)


def desk() -> Desk:
    return current_app.config["DESK"]


def day_of(text: str) -> dt.date | None:
    """``latest`` (None) or a real date; a 400 with a Chinese message otherwise."""
    if text == LATEST:
        return None
    day = parse_date(text)
    if day is None or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        abort(400, description=f"日期“{text[:20]}”无效;应为 YYYY-MM-DD(如 2023-12-31)的真实日期")
    return day


def render(template: str, sheet: Sheet | None, day: str, **context) -> Response:
    """A page of the workbench: ``template`` with what every page shares."""
    env = current_app.config["TEMPLATES"]
    base = {"day": day, "is_store": desk().is_store, "roster": desk().roster, "day_value": day if day != LATEST else "",
            "latest": LATEST, "page_file": request.path.rsplit("/", 1)[-1] or INDEX_FILE,
            "signoff": signoff_fields(desk().book.config, desk().book.sign_off())}
    if sheet is not None:
        base.update(sheet.site.common(), ledger_as_of=sheet.state.as_of, roster_note=sheet.roster_note)
    html = env.get_template(template).render(**{**base, **context})
    return Response(html, mimetype="text/html")


def register(app: Flask) -> None:
    """Add the pages' routes to ``app``."""

    @app.get("/")
    @requires(READ)
    def home():
        return redirect(f"/at/{LATEST}/{INDEX_FILE}")

    @app.get("/go")
    @requires(READ)
    def go():
        """The date picker's form: to the same page on another day."""
        text = (request.args.get("as_of") or "").strip()
        page = request.args.get("page") or INDEX_FILE
        if not PAGE_NAME.fullmatch(page):
            page = INDEX_FILE
        day = LATEST if not text else text
        day_of(day)
        return redirect(f"/at/{day}/{page}", code=303)

    @app.get("/at/<day>/")
    @requires(READ)
    def day_home(day: str):
        day_of(day)
        return redirect(f"/at/{day}/{INDEX_FILE}")

    @app.get("/at/<day>/<name>")
    @requires(READ)
    def page(day: str, name: str):
        as_of = day_of(day)
        if not PAGE_NAME.fullmatch(name):
            abort(404, description="没有这个页面")
        sheet = desk().sheet(as_of)
        if name in ("log.html", "search", "findings-count"):
            return answer_page(sheet, day, name)
        if name.startswith("town-"):
            sheet.extras("entries")
        elif name == "findings.html" or BODY_PAGE.fullmatch(name):
            sheet.extras("findings")
        # The page is kept per viewer: its toolbar shows who is logged in, what they may do and their
        # session's CSRF token, none of which may reach another person.
        viewer = f"{name}|{signed_in() or ''}|{g.get('role', '')}|{csrf_token()}"
        html = sheet.page(viewer, lambda: balance_page(sheet, day, name).get_data())
        return Response(html, mimetype="text/html")


def balance_page(sheet: Sheet, day: str, name: str) -> Response:
    """A page that depends on the answer alone (rendered once per day; see :meth:`Sheet.page`)."""
    if name == INDEX_FILE:
        return render("balance_index.html", sheet, day, page="index", **sheet.site.index_page())
    if name == "findings.html":
        return findings_page(sheet, day)
    match = BODY_PAGE.fullmatch(name)
    if match:
        return body_page(sheet, day, int(match.group(1)))
    kind, code = sheet.pages.get(name, (None, None))
    if kind == "town":
        return render("township.html", sheet, day, **sheet.site.town_page(sheet.site.town(code)))
    if kind == "county":
        return render("county.html", sheet, day, **sheet.site.county_page(sheet.site.county(code)))
    abort(404, description=f"截至 {sheet.state.as_of},没有“{name}”这个页面")


def answer_page(sheet: Sheet, day: str, name: str) -> Response:
    """A page that depends on the request too (its query string), rendered every time."""
    if name == "log.html":
        return log_page(sheet, day)
    if name == "search":
        return search_page(sheet, day)
    sheet.extras("findings")
    return Response(str(len(sheet.findings)), mimetype="text/plain")


def body_page(sheet: Sheet, day: str, body_id: int) -> Response:
    body = sheet.state.bodies.get(body_id)
    if body is None:
        abort(404, description=f"截至 {sheet.state.as_of},台账中没有编号为 {body_id} 的机构")
    return render("web/body.html", sheet, day, page="body", **body_context(sheet, body))


def findings_page(sheet: Sheet, day: str) -> Response:
    findings = sheet.findings
    groups = finding_groups(sheet.state, findings, prefix="")
    counts = {sev: sum(f.severity == sev for f in findings) for sev in SEVERITY_LABELS}
    return render("web/findings.html", sheet, day, page="findings", groups=groups, counts=counts,
                  labels=SEVERITY_LABELS, total=len(findings))


def log_page(sheet: Sheet, day: str) -> Response:
    args = request.args
    body, doc = (args.get("body") or "").strip()[:200], (args.get("doc") or "").strip()[:200]
    since_text = (args.get("since") or "").strip()
    since = day_of(since_text) if since_text else None
    rows, holder, why = None, None, None
    if desk().is_store:
        holder, why = records_holder(sheet, args.get("body_id"), body)
        numbers = None if holder is None else sorted({s.line for _, s in holder.trail or () if isinstance(s, RecordSource)})
        rows = log(desk().book.path, body or None if holder is None else None, since, doc or None,
                   newest=LOG_ROWS + 1, records=numbers).to_dict("records")[::-1]
        body = body or (sheet.state.reference(holder) if isinstance(holder, Body) else getattr(holder, "name", ""))
    return render("web/log.html", sheet, day, page="log", rows=rows, body=body, doc=doc, since=since_text,
                  holder=holder, why=why)


def records_holder(sheet: Sheet, body_id: str | None, text: str):
    """``(the body or pool whose records are asked for, why not found)``: by its id (a body page's
    link), else by the name typed (any name, ``区划/名称``, a former name); ``(None, None)`` when
    neither is given. Its records are then exactly those of its history (沿革)."""
    if body_id and body_id.isdigit() and int(body_id) in sheet.state.bodies:
        return sheet.state.bodies[int(body_id)], None
    if not text:
        return None, None
    holder, why = sheet.answer.find(text)
    return holder, (None if holder is not None else why)


def search_page(sheet: Sheet, day: str) -> Response:
    query = (request.args.get("q") or "")[:200]
    hits, total = sheet.search.find(query)
    fragment = request.headers.get("HX-Request") == "true"
    return render("web/search.html" if not fragment else "web/_partials/hits.html", sheet, day, page="search",
                  query=query, hits=hits, total=total, signoff=[])
