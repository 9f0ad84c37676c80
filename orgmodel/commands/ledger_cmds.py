"""``check`` and ``balance``: read a ledger, report its problems and its quota balance."""

from __future__ import annotations

import sys

import click

from ..balance import VIEWS
from .options import (
    as_of_option,
    checked,
    config_option,
    echo_findings,
    echo_frame,
    exit_for,
    format_option,
    open_ledger,
    summary_line,
)

HIDDEN_COLUMNS = {"body": ["county_code", "division_code", "body_id", "division_level"]}


@click.command()
@click.argument("ledger")
@as_of_option
@config_option
@format_option("text", "json", default="text")
def check(ledger, as_of, config_path, fmt):
    """检查台账:列出所有问题(文件:行号: [规则] 说明)。无错误退出码 0,有错误 1,无法读取 2。"""
    findings = checked(open_ledger(ledger, config_path), as_of).findings
    echo_findings(findings, fmt)
    if fmt == "text":
        click.echo(summary_line(findings))
    sys.exit(exit_for(findings))


@click.command()
@click.argument("ledger")
@as_of_option
@click.option("--by", type=click.Choice(list(VIEWS)), default="body", show_default=True,
              help="汇总口径:机构、乡镇、县(市、区)、全辖区总量、领导职数、下沉比例")
@click.option("--type", "quota_type", default=None, help="只看一种编制类型,例如 事业编制")
@config_option
@format_option("table", "csv", "json")
def balance(ledger, as_of, by, quota_type, config_path, fmt):
    """编制收支表:截至某日的核定、实有、空编、超编。"""
    led = open_ledger(ledger, config_path)
    if quota_type and quota_type not in led.config.quota_types:
        click.echo(f"错误:未知的编制类型“{quota_type}”;可用:{'、'.join(led.config.quota_types)}", err=True)
        sys.exit(2)
    result = checked(led, as_of, rules=False)
    if as_of and led.directives and as_of < led.first_date():
        click.echo(f"注意:截至日期 {as_of} 早于台账第一条指令的日期 {led.first_date()},此时尚无任何机构。", err=True)
    findings = result.findings
    df = result.tables.view(by, quota_type)
    if fmt == "table":
        df = df.drop(columns=[c for c in HIDDEN_COLUMNS.get(by, []) if c in df.columns])
    echo_frame(df, fmt)
    if findings:
        click.echo(f"注意:台账有问题({summary_line(findings)}),结果可能不完整;运行 orgmodel check 查看。", err=True)
    sys.exit(exit_for(findings))
