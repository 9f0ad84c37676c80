"""``report balance|audit|scenario``: write HTML pages that open offline and print on A4."""

from __future__ import annotations

import sys
from dataclasses import replace
from pathlib import Path

import click

from ..ledger.outputs import read_paths
from .audit_cmds import ledger_findings, roster_notes, roster_option
from .options import (
    EXIT_UNREADABLE,
    DateType,
    as_of_option,
    ask,
    config_option,
    exit_for,
    open_book,
    progress,
    simulated,
    stop_if_refused,
    summary_line,
)

TEMPLATES_HELP = "自定义模板文件夹(同名模板优先于内置模板)"


def out_option(default: str):
    def wrap(fn):
        fn = click.option("--templates", "templates", metavar="模板文件夹", default=None,
                          help=TEMPLATES_HELP)(fn)
        fn = click.option("--force", is_flag=True,
                          help="输出文件夹中有不是 orgmodel 生成的文件时仍然写入(这些文件保留)")(fn)
        return click.option("--out", "out", metavar="文件夹", default=default, show_default=True,
                            help="输出文件夹(整体写入:中途中断时保留原有报表)")(fn)
    return wrap


def published(out: str, write, force: bool, reads=()) -> list[Path]:
    """Write a site through :func:`~orgmodel.report.publish.publish`; exit 2 with the reason
    when the folder cannot take it (or would replace what the command reads: ``reads``)."""
    from ..report.publish import PublishError, publish

    progress(f"正在写出报表到 {out}", unit="个文件")
    try:
        return publish(out, write, force, reads)
    except PublishError as exc:
        click.echo(f"错误:{exc}", err=True)
        sys.exit(EXIT_UNREADABLE)


def refuse_early(out: str, reads) -> None:
    """Exit 2 before any reading when ``--out`` would replace what the command reads."""
    from ..core.outputs import OutputError
    from ..ledger.outputs import check_folder

    try:
        check_folder(out, reads)
    except OutputError as exc:
        click.echo(f"错误:{exc}", err=True)
        sys.exit(EXIT_UNREADABLE)


def published_with_findings(out: str, write, force: bool, reads=()) -> tuple[list[Path], list]:
    """:func:`published` for a writer that returns ``(paths, findings)``."""
    found: list = []

    def pages(stage):
        paths, findings = write(stage)
        found.extend(findings)
        return paths

    return published(out, pages, force, reads), found


def done(paths: list[Path], what: str) -> None:
    first = paths[0] if paths else None
    click.echo(f"已生成{what} {len(paths)} 个页面:{first.resolve() if first else '(无)'}")


@click.group()
def report():
    """生成 HTML 报表(可离线打开、A4 横向打印):编制收支、问题清单、改革方案对比。

    编制收支报表只在台账读取和重放无误时生成;有这类错误(字段无效、找不到机构等)时列出问题、不写任何文件,
    退出码 1。超编、超职数等规则检查的问题是报表要反映的事实,不妨碍生成;请用 report audit 或 check 查看。
    问题清单和改革方案报表总会写出(问题就是其内容),有错误时退出码为 1;无法读取时为 2。"""


@report.command("balance")
@click.argument("ledger")
@as_of_option
@click.option("--since", type=DateType(), default=None, help="乡镇页面只列此日期以来的指令(默认:全部)")
@click.option("--public", is_flag=True, help="公开版:不含内部备注、来源文件路径和任何个人信息")
@roster_option
@config_option
@out_option("reports/balance")
def balance_report(ledger, as_of, since, public, roster_path, config_path, out, templates, force):
    """编制收支报表:辖区总览 index.html、县级机构页和每个乡镇(街道)一页;加 --roster 时实有按花名册计。"""
    from ..report import write_balance_report

    reads = read_paths(ledger, config_path, (roster_path, templates))
    refuse_early(out, reads)
    result = ask(open_book(ledger, config_path), as_of, roster=roster_path, rules=False, public=public)
    roster_notes(result)
    stop_if_refused(result.refusal(), "生成报表")  # a published table must never rest on a ledger that failed to read
    paths = published(out, lambda stage: write_balance_report(result.checked, stage, public=public, since=since,
                                                              templates=templates), force, reads)
    done(paths, "编制收支报表")
    if ledger_findings(result):
        click.echo(f"注意:台账有问题({summary_line(ledger_findings(result))});运行 orgmodel report audit 查看。", err=True)


@report.command("audit")
@click.argument("ledger")
@as_of_option
@click.option("--roster", "roster_path", metavar="花名册", default=None,
              help="同时核对实名制花名册:问题按类别和区划统计、不一致的机构、退休与空编预测(页面标为内部资料)")
@click.option("--forecast", "years", type=click.IntRange(1, 30), default=5, show_default=True, metavar="年数",
              help="退休与空编预测的年数(有 --roster 时)")
@config_option
@out_option("reports/audit")
def audit_report(ledger, as_of, roster_path, years, config_path, out, templates, force):
    """问题清单:按规则和级别分组列出全部问题,链接到所在乡镇页面(写在 balance/ 子文件夹)。
    加 --roster 时增加实名制花名册核对一节。"""
    from ..report import write_audit_report

    reads = read_paths(ledger, config_path, (roster_path, templates))
    refuse_early(out, reads)
    result = ask(open_book(ledger, config_path, listing=True), as_of, roster=roster_path)
    checked = replace(result.checked, roster_findings=[], roster_counts=None)  # the page shows the ledger's own 实有
    paths, findings = published_with_findings(out, lambda stage: write_audit_report(checked, stage, templates=templates,
                                                                                    roster=result.reconciled,
                                                                                    forecast_years=years),
                                              force, reads)
    done(paths, "问题清单")
    click.echo(summary_line(findings))
    sys.exit(exit_for(findings))


@report.command("scenario")
@click.argument("ledger")
@click.argument("scenario", metavar="方案文件")
@as_of_option
@config_option
@out_option("reports/scenario")
def scenario_report(ledger, scenario, as_of, config_path, out, templates, force):
    """改革方案报表:改革前后对比、机构变动、问题、编制流向图和组织结构变化。"""
    from ..report import write_scenario_report

    reads = read_paths(ledger, config_path, (scenario, templates))
    refuse_early(out, reads)
    sim = simulated(open_book(ledger, config_path), scenario, as_of)
    paths, findings = published_with_findings(out, lambda stage: write_scenario_report(sim, stage, templates=templates),
                                              force, reads)
    done(paths, "改革方案报表")
    click.echo(summary_line(findings))
    sys.exit(exit_for(findings))
