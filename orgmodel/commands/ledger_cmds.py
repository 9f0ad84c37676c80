"""``check`` and ``balance``: read a ledger, report its problems and its quota balance."""

from __future__ import annotations

import sys

import click

from ..figures.balance import PERIOD_VIEWS, VIEWS
from ..store.trust import TAMPER_RULES
from .audit_cmds import ledger_findings, roster_notes, roster_option
from .options import (
    EXIT_UNREADABLE,
    DateType,
    Words,
    as_of_option,
    ask,
    config_option,
    echo_findings,
    echo_frame,
    exit_for,
    format_option,
    open_book,
    scenario_option,
    summary_line,
)

# --by: the English view names of orgmodel.balance.VIEWS and the words users say
BY_WORDS = {"body": ("机构",), "township": ("乡镇", "街道"), "county": ("县", "县级"), "total": ("全辖区", "总量"),
            "leaders": ("领导职数", "职数"), "sinking": ("下沉比例", "下沉"), "off_quota": ("编外", "编外人员"),
            "standard": ("编制标准", "标准", "应核"), "cross_level": ("跨层级", "跨层级调剂"),
            "hiring": ("用编进人计划", "进人计划"), "ranks": ("职级", "领导职数职级"),
            "measures": ("指标",), "earmarks": ("专项编制", "专户"),
            "secondments": ("挂职", "借调")}
assert set(BY_WORDS) == set(VIEWS)

HIDDEN_COLUMNS = {"body": ["county_code", "division_code", "body_id", "division_level"], "leaders": ["body_id"],
                  "earmarks": ["division_code", "body_id"], "secondments": ["home_id", "host_id"], "measures": ["division_code", "body_id"],
                  "standard": ["holder_kind", "division_code", "body_id", "implied_low", "implied_high"]}


@click.command()
@click.argument("ledger")
@as_of_option
@scenario_option
@config_option
@format_option("text", "json", "csv")
def check(ledger, as_of, scenario_paths, config_path, fmt):
    """检查台账:列出所有问题(文件:行号: [规则] 说明)。无错误退出码 0,有错误 1,无法读取 2。

    加 --scenario 时检查方案实施后的台账(不改动台账文件)。"""
    findings = ask(open_book(ledger, config_path, listing=True), as_of, scenario_paths, consume=True).findings
    echo_findings(findings, fmt)
    if fmt == "text":
        click.echo(summary_line(findings))
    sys.exit(exit_for(findings))


@click.command()
@click.argument("ledger")
@as_of_option
@click.option("--by", type=Words(BY_WORDS), default="body", show_default=True,
              help="汇总口径:机构、乡镇、县(市、区)、全辖区总量、领导职数、下沉比例、编外人员和网格(各级区划,含下级合计)、"
                   "编制标准(各机构、乡镇按配置中的编制标准应核多少、核定多少、差额)、"
                   "跨层级调剂(调入、调出乡镇的编制合计及占乡镇核定的比例)、"
                   "用编进人计划(逐年、分层级合计及占比;与跨层级都可加 --since)、"
                   "领导职数按层级和职级合计(如乡镇副科级职数)、指标(补贴标准、办结率等,带单位,不相加)、"
                   "专项编制(从专户调剂到机构、尚未用于进人的编制)、挂职借调(人在别处工作,编制不动)")
@click.option("--type", "quota_type", metavar="编制类型", default=None, help="只看一种编制类型,例如 事业编制")
@click.option("--since", type=DateType(), default=None,
              help="起始日期:--by 跨层级、进人计划 时只合计此日及以后的(默认从台账开始)")
@scenario_option
@roster_option
@config_option
@format_option("text", "csv", "json")
def balance(ledger, as_of, by, quota_type, since, scenario_paths, roster_path, config_path, fmt):
    """编制收支表:截至某日的核定、实有、空编、超编;加 --scenario 时为方案实施后的数字;
    加 --roster 时实有按实名制花名册计,并列出台账实有数和差额。"""
    book = open_book(ledger, config_path)
    led = book.ledger
    if quota_type and quota_type not in led.config.quota_types:
        click.echo(f"错误:未知的编制类型“{quota_type}”;可用:{'、'.join(led.config.quota_types)}", err=True)
        sys.exit(2)
    result = ask(book, as_of, scenario_paths, roster_path, rules=False)
    roster_notes(result)
    as_of = result.question.as_of or (result.as_of if roster_path else None)
    if as_of and led.count and as_of < led.first_date():
        click.echo(f"注意:截至日期 {as_of} 早于台账第一条指令的日期 {led.first_date()},此时尚无任何机构。", err=True)
    findings = result.findings
    if since is not None and by not in PERIOD_VIEWS:
        click.echo("错误:--since 只用于 --by 跨层级(cross_level)和 --by 进人计划(hiring)", err=True)
        sys.exit(2)
    df = result.tables.view(by, quota_type, since)
    day = result.as_of or led.last_date()
    if fmt == "text":  # the date is part of the table: a table redirected to a file still says when it stands
        df = df.drop(columns=[c for c in HIDDEN_COLUMNS.get(by, []) if c in df.columns])
        if day:
            click.echo(f"截至 {day}")
    elif day:  # CSV and JSON: a column, so every row says when it stands
        df = df.assign(as_of=day.isoformat())
    echo_frame(df, fmt)
    if any(f.rule in TAMPER_RULES for f in findings):
        click.echo(f"注意:数据库 {ledger} 的记录与哈希链不符(在 orgmodel 之外被改动过),以上数字不可信;"
                   f"运行 orgmodel check 查看位置,orgmodel verify 核对。", err=True)
    if ledger_findings(result):
        click.echo(f"注意:台账有问题({summary_line(ledger_findings(result))}),结果可能不完整;运行 orgmodel check 查看。", err=True)
    sys.exit(exit_for(findings))


@click.command()
@click.argument("ledger")
@as_of_option
@click.option("--body", "body_ref", default=None, metavar="机构", help="只列此机构牵头或配合的事项(名称或“区划/名称”)")
@scenario_option
@config_option
@format_option("text", "csv", "json")
def duties(ledger, as_of, body_ref, scenario_paths, config_path, fmt):
    """责任事项清单:每项的区划、类别、牵头(主体责任)机构和配合机构。"""
    result = ask(open_book(ledger, config_path), as_of, scenario_paths, rules=False)
    body = None
    if body_ref:
        body, why = result.find_body(body_ref)
        if body is None:
            click.echo(f"错误:{why}", err=True)
            sys.exit(EXIT_UNREADABLE)
    df = result.duties(body)
    if fmt == "text":  # the time limit and closing standard only when some item has them
        df = df.drop(columns=["division_code", *(c for c in ("time_limit", "closing_standard") if not df[c].any())])
    echo_frame(df, fmt)
    findings = result.findings
    if ledger_findings(result):
        click.echo(f"注意:台账有问题({summary_line(ledger_findings(result))}),结果可能不完整;运行 orgmodel check 查看。", err=True)
    sys.exit(exit_for(findings))
