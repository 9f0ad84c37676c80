"""The jinja2 environment every report page is rendered with.

Templates come from a user override folder first (when given), then from the
package's ``orgmodel/templates``; autoescape is always on, so every name shown
on a page is text, never markup.
"""

from __future__ import annotations

import json
from pathlib import Path

import jinja2
from markupsafe import Markup

from ..core import progress
from ..core.failpoints import reach
from ..core.signoff import signoff_fields

PACKAGE_TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FONT_STACK = '"Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC","SimSun",sans-serif'


def number(value) -> str:
    """Integers with thousands separators; blanks for missing values."""
    if value is None or value == "":
        return ""
    if isinstance(value, float):
        if value != value:  # NaN
            return ""
        return f"{value:,.1f}" if not value.is_integer() else f"{int(value):,}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def percent(value) -> str:
    """A ratio (0.2712) as a percentage (27.12%)."""
    return "" if value is None else f"{value * 100:.2f}%"


def script_json(value) -> Markup:
    """JSON safe to embed inside a <script> element: ``<``, ``>`` and ``&`` become \\u escapes."""
    text = json.dumps(value, ensure_ascii=False, sort_keys=True)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    text = text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return Markup(text)


def css_string(value) -> Markup:
    """Text as a CSS string literal (for @page margin boxes): quotes, backslashes and line
    breaks escaped, and nothing that could close the style element."""
    text = str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ")
    return Markup(f'"{text}"')


def environment(user_dir: str | Path | None = None, config=None, ledger=None) -> jinja2.Environment:
    """A jinja2 environment: the user's templates (if any) override the package's. ``config``
    gives the sign-off block every page ends with; a ``ledger`` read from a database adds its
    head line to it."""
    loaders = [jinja2.FileSystemLoader(str(user_dir))] if user_dir else []
    loaders.append(jinja2.FileSystemLoader(str(PACKAGE_TEMPLATES)))
    env = jinja2.Environment(
        loader=jinja2.ChoiceLoader(loaders),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["num"] = number
    env.filters["pct"] = percent
    env.filters["script_json"] = script_json
    env.filters["css_string"] = css_string
    env.globals["font_stack"] = FONT_STACK
    env.globals["signoff"] = signoff_fields(config, head_line(ledger))
    return env


def head_line(ledger) -> str | None:
    """The sign-off line of the database ``ledger`` was read from (None for files)."""
    if ledger is None or not ledger.root:
        return None
    from ..store.trust import sign_off_text

    return sign_off_text(ledger.root)


def write_page(env: jinja2.Environment, template: str, path: Path, **context) -> Path:
    """Render ``template`` with ``context`` into ``path`` (UTF-8), creating folders as needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(env.get_template(template).render(**context), encoding="utf-8")
    progress.advance()
    reach("publish.page")
    return path
