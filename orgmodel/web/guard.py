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
- its role is lower than the route's (403).

Every answer carries headers that keep the page to itself: no scripts, styles, frames or
forms from elsewhere, no sniffing of types, no referrer.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable

from flask import Flask, abort, current_app, request

# Lowest first: each role may do what the ones before it may.
ROLES = ("查阅", "经办", "审核", "管理员")
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


def install(app: Flask, hosts: set[str], role: str = READ) -> None:
    """Put the door on ``app``: requests must name one of ``hosts`` (``host:port`` as the
    browser sends it); the person at the door has ``role``."""
    app.config["ALLOWED_HOSTS"] = {h.lower() for h in hosts}
    app.config["ROLE"] = role
    app.config["CSRF_TOKEN"] = secrets.token_urlsafe(32)
    app.before_request(_check)
    app.after_request(_headers)


def csrf_token() -> str:
    """The token a form or an htmx request that changes something must send back."""
    return current_app.config["CSRF_TOKEN"]


def _check():
    if len(request.path) > MAX_PATH or len(request.query_string) > MAX_QUERY:
        abort(414)
    allowed = current_app.config["ALLOWED_HOSTS"]
    if allowed and request.host.lower() not in allowed:
        abort(400, description="请求的主机名不是本工作台的地址;请用启动时显示的地址打开")
    if request.method not in SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER) or request.form.get(CSRF_FIELD) or ""
        if not hmac.compare_digest(sent.encode(), csrf_token().encode()):
            abort(403, description="请求缺少有效的安全令牌(CSRF);请从工作台页面操作")
    if request.routing_exception is not None:
        return None  # 404 / 405 say why themselves
    view = current_app.view_functions.get(request.endpoint)
    needed = getattr(view, "role", None)
    if needed is None or ROLES.index(current_app.config["ROLE"]) < ROLES.index(needed):
        abort(403, description=f"需要“{needed or '未声明'}”权限")
    return None


def _headers(response):
    response.headers["Content-Security-Policy"] = POLICY
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["X-Frame-Options"] = "DENY"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers.setdefault("Cache-Control", "no-store")
    return response
