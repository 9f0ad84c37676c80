"""Option decorators and output helpers shared by commands."""

from __future__ import annotations

import datetime as dt
import gc
import json
import sys
import threading
import time
from contextlib import contextmanager

import click
import pandas as pd

from ..answers.book import Answer, Book
from ..answers.scenario import ScenarioError, Simulation
from ..core import progress as steps
from ..core.config import ConfigError
from ..core.findings import SEVERITY_LABELS, Finding, has_errors, sort_findings
from ..core.labels import VALUE_LABELS, label
from ..core.schema import parse_date
from ..core.text import escape_controls, formula_safe
from ..core.textable import render_table
from ..ledger import LedgerError
from ..roster import RosterError

# A file whose bytes could not be read as text at all: the input "cannot be read" (exit 2)
UNREADABLE_RULES = frozenset({"bad-encoding", "unreadable"})
PERCENT_COLUMNS = ("ratio", "ratio_with_dispatched", "share")  # shares, shown as 45.66% in terminal tables
EXIT_ERRORS = 1
EXIT_UNREADABLE = 2


class Words(click.ParamType):
    """A choice that takes the Chinese word as well as the English one (``--by 乡镇`` is
    ``--by township``) and gives the English; ``--help`` shows both."""

    name = "choice"

    def __init__(self, words: dict[str, tuple[str, ...]]):
        self.words = words
        self.lookup = {w: key for key, more in words.items() for w in (key, *more)}

    def get_metavar(self, param, *args, **kwargs) -> str:
        return "[" + "|".join(w for key, more in self.words.items() for w in (key, *more)) + "]"

    def convert(self, value, param, ctx):
        key = self.lookup.get(str(value).strip()) or self.lookup.get(str(value).strip().lower())
        if key is None:
            shown = "、".join(f"{k}({'、'.join(more)})" if more else k for k, more in self.words.items())
            self.fail(f"“{value}”无效;可选:{shown}", param, ctx)
        return key

    def shell_complete(self, ctx, param, incomplete):
        from click.shell_completion import CompletionItem
        return [CompletionItem(w) for w in self.lookup if w.startswith(incomplete)]


# Output formats, one set for every command: text (a table or lines), json, csv, and xlsx where a workbook is written
FORMAT_WORDS = {"text": ("文本", "表格", "table"), "json": (), "csv": (), "xlsx": ("工作簿",)}


class DateType(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, dt.date):
            return value
        day = parse_date(value)
        if day is None:
            self.fail(f"日期“{value}”无效,应为 YYYY-MM-DD,例如 2023-12-31", param, ctx)
        return day


def as_of_option(fn):
    return click.option("--as-of", "as_of", type=DateType(), default=None,
                        help="截至日期 YYYY-MM-DD(默认:台账最后一条指令的日期)")(fn)


def config_option(fn):
    return click.option("--config", "config_path", metavar="配置文件", default=None,
                        help="省级规则配置文件(YAML),默认用台账文件夹中的 orgmodel.yaml 或内置默认值")(fn)


def format_option(*choices: str, default: str = "text"):
    """``--format`` with the given formats (of text, json, csv, xlsx); ``table`` and the Chinese
    words are accepted for text. The command gets the English name."""
    def wrap(fn):
        words = {k: FORMAT_WORDS[k] for k in choices}
        return click.option("--format", "fmt", type=Words(words), default=default, show_default=True,
                            help="输出格式:" + "、".join("text(文本表格)" if k == "text" else k for k in choices))(fn)
    return wrap


@contextmanager
def long_lived():
    """For what a command builds that lives until the command ends (the ledger, its states):
    build it with the cyclic garbage collector paused, then move it out of the collector's
    way (``gc.freeze``), so that no later collection rescans millions of objects. Process-wide,
    so only the CLI does it; its boundary hands the objects back when the command is done."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()


def progress(message: str, total: int | None = None, unit: str = "条") -> None:
    """A progress line on stderr for a person watching a long command: only when stderr is a
    terminal and ``--quiet`` was not given (never in pipes, files or tests). The message is the
    step under way until the next (:mod:`orgmodel.core.progress`), which :class:`Heartbeat`
    repeats with its count and time while it lasts."""
    steps.step(message, total, unit)
    if watched():
        click.echo(f"…{message}", err=True)


def watched() -> bool:
    """Whether a person watches: stderr is a terminal and ``--quiet`` was not given."""
    ctx = click.get_current_context(silent=True)
    quiet = ctx is not None and ctx.find_root().params.get("quiet")
    return not quiet and stderr_is_terminal()


class Heartbeat:
    """While a command runs, a line on stderr at least every ``every`` seconds saying which step
    is under way, how far it has come and for how long, so that a long import, replay or
    report is never silent. A daemon thread reads :func:`orgmodel.core.progress.current`;
    the work itself only notes its steps."""

    def __init__(self, every: float = 5.0, echo=None):
        self.every = every
        self.echo = echo or (lambda line: click.echo(line, err=True))
        self._said = float("-inf")  # when the last line was printed
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def beat(self, now: float) -> None:
        """Say where the step under way stands, once ``every`` seconds have passed since it began
        and since the last line."""
        s = steps.current()
        if s is not None and now - max(s.started, self._said) >= self.every:
            self.echo(s.line(now))
            self._said = now

    def start(self) -> Heartbeat:
        def run():
            while not self._stop.wait(min(1.0, self.every)):
                self.beat(time.monotonic())

        self._thread = threading.Thread(target=run, name="orgmodel-heartbeat", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        steps.finish()


def stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def open_book(path: str, config_path: str | None = None, keep: int = 2, listing: bool = False) -> Book:
    """Open the ledger at ``path`` as a :class:`~orgmodel.answers.book.Book`, turning unreadable
    input into exit code 2 with a Chinese message. A file of the ledger that cannot be read at
    all (a damaged workbook, say) stops the command here, with its findings on stderr, unless
    the command lists every finding itself (``listing``: ``check``, ``report audit``), which
    then ends with exit code 2 (:func:`exit_for`)."""
    try:
        with long_lived():
            book = Book(path, config_path, progress=progress, keep=keep)
    except (LedgerError, ConfigError) as exc:
        fail(str(exc))
    unreadable = [f for f in book.ledger.findings if f.rule in UNREADABLE_RULES and f.severity == "error"]
    if unreadable and not listing:
        echo_findings(unreadable, err=True)
        fail(f"台账中有 {len(unreadable)} 个文件无法读取(见上),未能进行;请先修正这些文件")
    return book


def ask(book: Book, as_of: dt.date | None = None, plans=(), roster: str | None = None, **how) -> Answer:
    """:meth:`Book.answer` for a command: a plan or roster that cannot be read is exit code 2."""
    try:
        with long_lived():
            return book.answer(as_of, plans, roster, **how)
    except (ScenarioError, RosterError) as exc:
        fail(str(exc))


def simulated(book: Book, plan: str, as_of: dt.date | None = None) -> Simulation:
    """:meth:`Book.simulate` for a command: a plan that cannot be read is exit code 2."""
    try:
        with long_lived():
            return book.simulate(plan, as_of)
    except ScenarioError as exc:
        fail(str(exc))


def fail(message: str, code: int = EXIT_UNREADABLE):
    """Stop with ``message``: on stderr, and also as JSON on stdout when the command was
    asked for ``--format json`` (so a program reading stdout learns why there is no table)."""
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.params.get("fmt") == "json":
        click.echo(json.dumps({"error": message, "exit_code": code}, ensure_ascii=False))
    click.echo(f"错误:{message}", err=True)
    sys.exit(code)


def scenario_option(fn):
    return click.option("--scenario", "scenario_paths", multiple=True, metavar="方案文件",
                        help="先在台账上加上此方案(可写多次),显示方案实施后的状态;台账文件不变")(fn)


def echo_findings(findings: list[Finding], fmt: str = "text", err: bool = False) -> None:
    """Print findings as ``file:line: [规则] message`` lines (the rule by its Chinese name), as
    JSON records, or as CSV (位置, 规则, 级别, 说明, 规则编号; with a BOM, text never a formula)."""
    ordered = sort_findings(findings)
    if fmt == "json":
        click.echo(json.dumps([f.to_record() for f in ordered], ensure_ascii=False, indent=2), err=err)
        return
    if fmt == "csv":
        rows = [{"位置": str(f.source or ""), "规则": f.title, "级别": SEVERITY_LABELS.get(f.severity, f.severity),
                 "说明": escape_controls(f.message), "规则编号": f.rule} for f in ordered]
        frame = pd.DataFrame(rows, columns=["位置", "规则", "级别", "说明", "规则编号"])
        click.echo("\ufeff" + formula_safe(frame).to_csv(index=False), nl=False, err=err)
        return
    for f in ordered:
        click.echo(f.format(), err=err)


def stop_if_refused(refused: list[Finding] | None, what: str, end: str = "。", code: int | None = None) -> None:
    """Stop, having written nothing, when ``refused`` (an answer's :meth:`refusal`) holds
    findings: list them on stderr, then say that ``what`` (生成报表, 导出 …) was not done. The
    exit code is :func:`exit_for` of them unless ``code`` is given."""
    if not refused:
        return
    echo_findings(refused, err=True)
    click.echo(f"台账有错误({summary_line(refused)}),未{what};请先修正以上问题{end}", err=True)
    sys.exit(exit_for(refused) if code is None else code)


def summary_line(findings: list[Finding]) -> str:
    errors = sum(f.severity == "error" for f in findings)
    warnings = sum(f.severity == "warning" for f in findings)
    notes = len(findings) - errors - warnings
    tail = f",{notes} 个提示" if notes else ""
    return f"共 {errors} 个错误,{warnings} 个警告{tail}" if findings else "未发现问题"




def exit_for(findings: list[Finding], ledger=None) -> int:
    """The exit code (README, 退出码): 0 no errors, 1 errors found, 2 some input could not be read
    (among ``findings``, or among the reading findings of ``ledger`` when a command reports only
    some findings, as ``simulate`` reports those its plan causes)."""
    if any(f.rule in UNREADABLE_RULES and f.severity == "error" for f in (*findings, *(ledger.findings if ledger else ()))):
        return EXIT_UNREADABLE
    return EXIT_ERRORS if has_errors(findings) else 0


def records(df: pd.DataFrame) -> list[dict]:
    """DataFrame rows as plain JSON-able dicts (numpy scalars turned into Python ones)."""
    return json.loads(df.to_json(orient="records", force_ascii=False))


def echo_frame(df: pd.DataFrame, fmt: str) -> None:
    """Print a table in the chosen format: aligned Chinese table, CSV with Chinese headers, or JSON."""
    if fmt == "json":
        click.echo(json.dumps(records(df), ensure_ascii=False, indent=2))
    elif fmt == "csv":  # with a BOM and 是/否, so a redirected file opens right in Excel
        shown = df.assign(**{c: df[c].map(VALUE_LABELS) for c in df.columns if pd.api.types.is_bool_dtype(df[c])})
        click.echo("\ufeff" + formula_safe(shown).rename(columns=label).to_csv(index=False), nl=False)
    else:
        numeric = [pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c]) for c in df.columns]
        shown = df.assign(**{c: df[c].map(lambda v: "" if v is None or v != v else f"{v:.2%}") for c in PERCENT_COLUMNS
                                  if c in df.columns})
        click.echo(render_table([label(c) for c in df.columns], shown.values.tolist(), numeric))
