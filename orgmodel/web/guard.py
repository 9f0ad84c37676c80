"""The workbench's door: who may ask what, from where, and how answers are sent.

Every route declares the role it needs (:func:`requires`); a route without one is refused,
so a new page cannot be added unguarded. The person at the door has a role (one local
clerk reading the ledger is 查阅; the roles that write come with plans and approval). A
request is refused, with a Chinese message and its HTTP status, when:

- its ``Host`` is not the server's own (a page elsewhere cannot reach the workbench through
  a name that resolves to this machine: DNS rebinding);
- its path or query string is longer than any real request (414);
- it changes something (any method but GET and HEAD) without the page's CSRF token (403);
  with it, the method is still refused where no route takes it (405);
- its role is lower than the route's (403; a page asked for before logging in leads to the
  login page).

Once the workbench has accounts (:mod:`.accounts`), the role is the logged-in account's, kept
in a signed session cookie (HttpOnly, SameSite=Strict) with a CSRF token of its own; before
that, the one person at the door has the role the server was started with.

Every answer carries headers that keep the page to itself: no scripts, styles, frames or
forms from elsewhere, no sniffing of types, no referrer.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable
from urllib.parse import quote

from flask import Flask, abort, current_app, g, redirect, request, session

# Lowest first: each role may do what the ones before it may. 任何人: pages open before logging in.
ROLES = ("任何人", "查阅", "经办", "审核", "管理员")
ANYONE = "任何人"
READ = "查阅"
SAFE_METHODS = frozenset({"GET", "HEAD"})
MAX_PATH = 1024           # characters of a path
MAX_QUERY = 2048          # bytes of a query string (a search, a filter: a few dozen characters)
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
POLICY = ("default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
          "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")


def requires(role: str) -> Callable:
    """Declare that a view needs ``role`` (one of :data:`ROLES`)."""
    if role not in ROLES:
        raise ValueError(f"unknown role {role!r}")

    def mark(view):
        view.role = role
        return view
    return mark


def install(app: Flask, hosts: set[str], role: str = READ, accounts=None) -> None:
    """Put the door on ``app``: requests must name one of ``hosts`` (``host:port`` as the
    browser sends it); the person at the door has ``role`` until ``accounts`` (an
    :class:`~orgmodel.web.accounts.Accounts`) has any, then each logs in."""
    app.config["ALLOWED_HOSTS"] = {h.lower() for h in hosts}
    app.config["ROLE"] = role
    app.config["ACCOUNTS"] = accounts
    app.config["CSRF_TOKEN"] = secrets.token_urlsafe(32)
    app.secret_key = secrets.token_bytes(32)  # sessions end when the server stops
    app.config.update(SESSION_COOKIE_NAME="orgmodel_session", SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Strict")
    app.before_request(_check)
    app.after_request(_headers)


def with_accounts() -> bool:
    """True when people log in (the workbench has accounts)."""
    accounts = current_app.config.get("ACCOUNTS")
    return accounts is not None and accounts.exist()


def csrf_token() -> str:
    """The token a form or an htmx request that changes something must send back (the
    session's own once people log in)."""
    if with_accounts():
        if "csrf" not in session:
            session["csrf"] = secrets.token_urlsafe(32)
        return session["csrf"]
    return current_app.config["CSRF_TOKEN"]


def may(role: str) -> bool:
    """True when the person asking has ``role`` or a higher one (pages show only what they may do)."""
    return ROLES.index(g.get("role", ANYONE)) >= ROLES.index(role)


def signed_in() -> str | None:
    """The logged-in account's name (None: no accounts, or not logged in)."""
    return g.get("user")


def who() -> tuple[str | None, str]:
    """``(account name or None, role)`` of the person asking."""
    if not with_accounts():
        return None, current_app.config["ROLE"]
    name = session.get("user")
    account = current_app.config["ACCOUNTS"].get(name) if name else None
    if account is None or not account.active:
        return None, ANYONE
    return account.name, account.role


def _check():
    if len(request.path) > MAX_PATH or len(request.query_string) > MAX_QUERY:
        abort(414)
    allowed = current_app.config["ALLOWED_HOSTS"]
    if allowed and request.host.lower() not in allowed:
        abort(400, description="请求的主机名不是本工作台的地址;请用启动时显示的地址打开")
    g.user, g.role = who()
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD) or ""
        if not hmac.compare_digest(sent.encode(), csrf_token().encode()):
            abort(403, description="请求缺少有效的安全令牌(CSRF);请从工作台页面操作")
    if request.routing_exception is not None:
        return None  # 404 / 405 say why themselves
    view = current_app.view_functions.get(request.endpoint)
    needed = getattr(view, "role", None)
    if needed is None or ROLES.index(g.role) < ROLES.index(needed):
        if needed is not None and g.role == ANYONE:
            if request.method in SAFE_METHODS:
                return redirect("/login?next=" + quote(request.full_path.rstrip("?")), code=303)
            abort(403, description="请先登录")
        abort(403, description=f"需要“{needed or '未声明'}”权限")
    return None


def _headers(response):
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers.setdefault("Cache-Control", "no-store")
    return response
