"""``audit``: reconcile the real-name roster (实名制花名册) with the ledger, and the ``--roster``
option that makes the balance commands take 实有 from a roster."""

from __future__ import annotations

import json
import sys

import click

from ..core.findings import Finding
from ..roster import public_summary
from .options import (
    Words,
    as_of_option,
    ask,
    config_option,
    echo_findings,
    echo_frame,
    exit_for,
    format_option,
    open_book,
    records,
    summary_line,
)

FORECAST_BY = {"township": ("乡镇", "区划"), "body": ("机构",)}


def roster_option(fn):
    return click.option("--roster", "roster_path", metavar="花名册", default=None,
                        help="实名制花名册(xlsx、CSV,或按日期命名的花名册文件夹):实有人数按花名册在编人数计,"
                             "并列出台账实有数和差额")(fn)


def roster_notes(answer) -> None:
    """What a balance with ``--roster`` says on stderr: a roster dated otherwise than the
    balance, and how many problems the audit found."""
    rec = answer.reconciled
    if rec is None:
        return
    if rec.latest.as_of != answer.as_of:
        click.echo(f"注意:花名册日期为 {rec.latest.as_of},台账按 {answer.as_of} 计;请用 --as-of {rec.latest.as_of}", err=True)
    if rec.findings:
        click.echo(f"花名册核对:{summary_line(rec.findings)};运行 orgmodel audit 查看", err=True)


def ledger_findings(answer) -> list[Finding]:
    """An answer's findings without those of reading the roster (said on their own line)."""
    theirs = {id(f) for f in answer.checked.roster_findings}
    return [f for f in answer.findings if id(f) not in theirs]


@click.command("audit")
@click.argument("ledger")
@click.option("--roster", "roster_path", metavar="花名册", required=True,
              help="实名制花名册:xlsx 或 CSV 文件,或按日期命名的花名册文件夹(花名册/2024-12-31.xlsx …)")
@as_of_option
@click.option("--forecast", "years", type=click.IntRange(1, 30), default=None, metavar="年数",
              help="预测今后若干年每年因到龄退休空出的编制(与用编进人计划对照)")
@click.option("--by", type=Words(FORECAST_BY), default="township", show_default=True,
              help="预测的汇总口径:乡镇(区划)或机构")
@click.option("--public", is_flag=True, help="只输出人数统计,不含姓名、身份证号和行号(可公开的口径)")
@config_option
@format_option("text", "json", "csv")
def audit(ledger, roster_path, as_of, years, by, public, config_path, fmt):
    """核对实名制花名册与台账:人数(超编、超职数、台账与实名制不一致)、身份证号、所在单位、
    混编混岗、入编依据与超编进人、超过法定退休年龄仍在编,以及两期花名册之间的人员变动是否有台账记录。
    每个问题注明花名册中的位置(文件!工作表!单元格);身份证号一律部分隐藏。"""
    book = open_book(ledger, config_path)
    answer = ask(book, as_of, roster=roster_path, rules=False, public=public)
    rec = answer.reconciled
    latest = rec.latest
    findings = rec.findings
    table = answer.forecast(years, by, public) if years else None
    shown = public_summary(findings, latest.state) if public else None
    if fmt == "json":
        out = {"as_of": latest.as_of.isoformat(), "roster": [s.display for s in rec.roster.snapshots],
               "people": len(latest.snapshot.people)}
        out["findings"] = records(shown) if public else [f.to_record() for f in findings]
        if table is not None:
            out["forecast"] = records(table)
        click.echo(json.dumps(out, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        if table is not None:
            echo_frame(table, "csv")
        elif public:
            echo_frame(shown, "csv")
        else:
            echo_findings(findings, "csv")
    else:
        click.echo(f"花名册 {latest.snapshot.display}:{len(latest.snapshot.people)} 人,按 {latest.as_of} 的台账核对", err=True)
        if public:
            echo_frame(shown, "text")
        else:
            echo_findings(findings)
        if latest.uncovered:
            click.echo(f"提示:花名册中没有 {len(latest.uncovered)} 个区划的人员(如“{latest.state.divisions[min(latest.uncovered)].name}”),"
                       f"未核对这些区划各机构的人数", err=True)
        if latest.unchecked_bodies:
            names = sorted(latest.state.reference(latest.state.bodies[i]) for i in latest.covered_bodies)
            shown = "、".join(names[:5]) + (f" 等 {len(names)} 个机构" if len(names) > 5 else "")
            click.echo(f"提示:花名册只有部分机构的人员,只核对了这些机构的人数:{shown};同区划的其他 "
                       f"{len(latest.unchecked_bodies)} 个机构花名册中没有人员,未核对,也不列入空编预测", err=True)
        if latest.unchecked_entries:
            click.echo(f"提示:{latest.unchecked_entries} 人的入编时间早于台账第一条指令({book.ledger.first_date()}),"
                       f"未核对其入编时有无空编", err=True)
        if table is not None:
            click.echo(f"\n今后 {years} 年到龄退休与空编预测(假定无其他进出):")
            echo_frame(table.drop(columns=[c for c in ("division_code", "body_id") if c in table.columns]), "text")
        click.echo(summary_line(findings))
    sys.exit(exit_for(findings))
