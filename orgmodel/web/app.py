"""The workbench application: a Flask app over one :class:`~orgmodel.answers.book.Book`.

Pages live under ``/at/<day>/`` (``latest`` or ``YYYY-MM-DD``) with the file names of the
balance report (``index.html``, ``county-….html``, ``town-….html``), so the report's templates
and their relative links serve unchanged; the workbench adds ``body-<id>.html``,
``findings.html``, ``log.html``, a search and downloads beside them. Static files come from
a fixed table read from the package: no path taken from a URL reaches the disk.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
from flask import Flask, Response, abort, redirect
from werkzeug.exceptions import HTTPException

from ..answers.book import Book
from ..report.render import PACKAGE_TEMPLATES, environment
from . import approval, chart_page, downloads, login, pages, plans
from .accounts import Accounts
from .desk import Desk
from .drafts import drafts_path_of
from .guard import ANYONE, READ, csrf_token, install, may, requires, signed_in

STATIC = Path(__file__).resolve().parent / "static"
STATIC_FILES = {  # URL name -> (package file, media type)
    "htmx.min.js": (STATIC / "htmx.min.js", "text/javascript; charset=utf-8"),
    "workbench.js": (STATIC / "workbench.js", "text/javascript; charset=utf-8"),
    "page.js": (PACKAGE_TEMPLATES / "page.js", "text/javascript; charset=utf-8"),
    "workbench.css": (STATIC / "workbench.css", "text/css; charset=utf-8"),
    "plans.css": (STATIC / "plans.css", "text/css; charset=utf-8"),
    "favicon.svg": (STATIC / "favicon.svg", "image/svg+xml"),
}
ERRORS = {400: "请求有误", 403: "不允许", 404: "找不到", 405: "不允许这样请求", 409: "内容已变", 413: "内容过大",
          414: "请求过长", 500: "内部错误"}


def create_app(book: Book, roster: str | None = None, hosts: set[str] | None = None, role: str = READ,
               drafts: str | Path | None = None) -> Flask:
    """The workbench for ``book`` (with ``roster``, 实有 comes from the real-name roster).
    ``hosts``: the ``host:port`` names requests may use (None: any, for tests); ``role``:
    what the person at the door may do; ``drafts``: the file plans are drafted in (default:
    ``台账.drafts.db`` beside the ledger)."""
    app = Flask(__name__, static_folder=None, template_folder=None)
    app.config["DESK"] = Desk(book, roster)
    app.config["STATIC"] = {name: (path.read_bytes(), kind) for name, (path, kind) in STATIC_FILES.items()}
    app.config["TEMPLATES"] = _environment(book)
    drafts = drafts or drafts_path_of(book.path)
    install(app, hosts or set(), role, Accounts(drafts))
    pages.register(app)
    downloads.register(app)
    plans.register(app, drafts)
    login.register(app)
    approval.register(app)
    chart_page.register(app)

    @app.get("/static/<name>")
    @requires(ANYONE)
    def static_file(name: str):
        found = app.config["STATIC"].get(name)
        if found is None:
            abort(404, description=f"没有静态文件“{name}”")
        return Response(found[0], mimetype=found[1].split(";")[0], headers={"Cache-Control": "max-age=3600"})

    @app.get("/favicon.ico")
    @requires(ANYONE)
    def favicon():
        return redirect("/static/favicon.svg", code=301)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return _error_page(app, exc.code or 500, exc.description if _chinese(exc.description) else None)

    @app.errorhandler(Exception)
    def internal_error(exc: Exception):
        app.logger.exception("workbench page failed")
        return _error_page(app, 500, f"处理此页面时发生内部错误({type(exc).__name__});请把操作步骤和台账发给维护人员")

    return app


def _chinese(text) -> bool:
    return bool(text) and any("\u4e00" <= ch <= "\u9fff" for ch in str(text))


def _error_page(app: Flask, code: int, message: str | None):
    default = {400: "请求有误", 403: "没有权限", 404: "没有这个页面", 405: "工作台只供查阅,不接受修改",
               413: "提交的内容或上传的文件过大", 414: "地址或查询内容过长;请缩短查询内容"}.get(code, "请求无法完成")
    html = app.config["TEMPLATES"].get_template("web/error.html").render(code=code, title=ERRORS.get(code, "出错了"),
                                                              message=message or default)
    return Response(html, status=code, mimetype="text/html")


def _environment(book: Book) -> jinja2.Environment:
    """The report's environment with the workbench's templates first: ``base.html`` and the
    navigation are the workbench's, which extend the report's (``report/base.html``)."""
    env = environment(None, book.config)
    env.loader = jinja2.ChoiceLoader([
        jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES / "web")),
        jinja2.PrefixLoader({"report": jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES))}),
        jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES)),
    ])
    env.globals["csrf_token"] = csrf_token
    env.globals["signed_in"] = signed_in
    env.globals["may"] = may
    return env
