"""Logging in and out, the accounts (管理员), and the audit trail.

The login form is open to anyone (:data:`~.guard.ANYONE`); a successful login starts a new
session (a new CSRF token with it: a session fixed before login is worth nothing after it).
``next`` is followed only to a path of this workbench.
"""

from __future__ import annotations

from flask import Flask, abort, current_app, g, redirect, request, session

from .accounts import ROLE_NAMES, AccountError, Accounts
from .guard import ANYONE, requires, with_accounts
from .pages import desk, render

ADMIN = "管理员"


def accounts() -> Accounts:
    return current_app.config["ACCOUNTS"]


def _next() -> str:
    target = request.values.get("next") or "/"
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


def register(app: Flask) -> None:
    """Add the login, logout, accounts and audit routes to ``app``."""

    @app.get("/login")
    @requires(ANYONE)
    def login_page():
        if not with_accounts():
            return redirect("/", code=303)
        return _login_form()

    @app.post("/login")
    @requires(ANYONE)
    def login_post():
        if not with_accounts():
            return redirect("/", code=303)
        name, password = (request.form.get("name") or "")[:100], request.form.get("password") or ""
        account, why = accounts().login(name, password, request.remote_addr or "")
        if account is None:
            return _login_form(why, name, 401)
        session.clear()
        session["user"] = account.name
        return redirect(_next(), code=303)

    @app.post("/logout")
    @requires(ANYONE)
    def logout():
        if g.get("user"):
            accounts().record(g.user, "退出", "", request.remote_addr or "")
        session.clear()
        return redirect("/login" if with_accounts() else "/", code=303)

    @app.get("/at/<day>/accounts.html")
    @requires(ADMIN)
    def accounts_page(day: str):
        return _accounts_page(day)

    @app.post("/at/<day>/accounts")
    @requires(ADMIN)
    def accounts_change(day: str):
        form = request.form
        name = (form.get("name") or "").strip()
        try:
            if form.get("action") == "add":
                accounts().add(name, form.get("role") or "", form.get("password") or "", g.user or "本机")
            elif form.get("action") == "change":
                if name == g.user and (form.get("role") not in (None, "", ADMIN) or form.get("active") == "0"):
                    raise AccountError("不能降低或停用自己的账号;请另一位管理员操作")
                accounts().change(name, g.user or "本机", role=form.get("role") or None,
                                  active=None if form.get("active") in (None, "") else form.get("active") == "1",
                                  password=form.get("password") or None)
            else:
                abort(400, description="不认识的操作")
        except AccountError as exc:
            return _accounts_page(day, str(exc), 422)
        return redirect(f"/at/{day}/accounts.html", code=303)

    @app.get("/at/<day>/audit.html")
    @requires(ADMIN)
    def audit_page(day: str):
        from .pages import day_of

        sheet = desk().sheet(day_of(day))
        return render("web/audit_trail.html", sheet, day, page="audit", rows=accounts().trail(), signoff=[])


def _login_form(message: str | None = None, name: str = "", status: int = 200):
    env = current_app.config["TEMPLATES"]
    html = env.get_template("web/login.html").render(message=message, name=name, next=_next())
    return current_app.response_class(html, status=status, mimetype="text/html")


def _accounts_page(day: str, message: str | None = None, status: int = 200):
    from .pages import day_of

    sheet = desk().sheet(day_of(day))
    response = render("web/accounts.html", sheet, day, page="accounts", rows=accounts().list(), roles=ROLE_NAMES,
                      message=message, signoff=[])
    response.status_code = status
    return response
