"""``history``: a body's history (沿革), every directive that touched it, oldest first."""

from __future__ import annotations

import json
import sys

import click
import pandas as pd

from ..answers.history import COLUMNS, LABELS, History
from ..state import Body
from .options import (
    EXIT_ERRORS,
    as_of_option,
    ask,
    config_option,
    echo_frame,
    exit_for,
    fail,
    format_option,
    open_book,
    scenario_option,
    summary_line,
)


@click.command()
@click.argument("ledger")
@click.argument("body", metavar="机构")
@as_of_option
@scenario_option
@config_option
@format_option("text", "json", "csv")
def history(ledger, body, as_of, scenario_paths, config_path, fmt):
    """机构沿革:某机构(或编制池)的每一条指令,按时间先后列出日期、文号、当时名称、变动和来源
    (文件:行号、工作簿单元格或数据库记录)。

    机构可写名称、“区划/名称”、牌子或曾用名;已撤销、合并的机构也可查,其沿革止于撤并。
    加 --scenario 时包括方案中的指令(台账文件不变)。"""
    result = ask(open_book(ledger, config_path), as_of, scenario_paths, rules=False, trails=True)
    findings = result.findings
    if findings:
        click.echo(f"注意:台账有问题({summary_line(findings)}),沿革可能不完整;运行 orgmodel check 查看。", err=True)
    holder, why = result.find(body)
    if holder is None:
        fail(str(why), EXIT_ERRORS)
    told = result.history(holder)
    rows = pd.DataFrame([e.record() for e in told.entries], columns=COLUMNS)
    if fmt == "json":
        click.echo(json.dumps(history_json(told, result.as_of, why), ensure_ascii=False, indent=2))
    elif fmt == "csv":
        echo_frame(rows.rename(columns=LABELS), "csv")
    else:
        click.echo("\n".join(heading_lines(told, result.as_of, why)))
        echo_frame(rows.rename(columns=LABELS), "text")
    sys.exit(exit_for(findings))


def heading_lines(told: History, as_of, note=None) -> list[str]:
    """What the text output says above the table: whose history, to which day, how it was
    found (a former name), its former names and when it was abolished."""
    lines = [f"“{told.reference}”沿革(截至 {as_of},共 {len(told.entries)} 条指令)"]
    if note:
        lines.append(f"注意:{note}")
    holder = told.holder
    former = [n for _, n in getattr(holder, "names", [])[:-1]]
    if former:
        lines.append(f"曾用名:{'、'.join(former)}")
    if isinstance(holder, Body) and not holder.active and holder.abolished:
        lines.append(f"已于 {holder.abolished} 撤销")
    return lines


def history_json(told: History, as_of, note=None) -> dict:
    """The ``history --format json`` shape: the body as named now, the day, how it was found,
    and one record per directive (:data:`orgmodel.answers.history.COLUMNS`)."""
    holder = told.holder
    return {"body": told.reference, "as_of": str(as_of) if as_of else None, "note": str(note) if note else None,
            "active": bool(getattr(holder, "active", True)),
            "entries": [e.record() for e in told.entries]}
