"""``allocate``: propose where N quota of a pool go by a staffing standard, as a plan to review."""

from __future__ import annotations

import datetime as dt
import json
import sys
from pathlib import Path

import click

from ..answers.allocation import AllocationError, propose
from ..core.outputs import OutputError, atomic_write
from ..ledger.outputs import check_file, read_paths
from .audit_cmds import ledger_findings
from .options import EXIT_UNREADABLE, as_of_option, ask, config_option, echo_frame, fail, format_option, open_book, summary_line

DEFAULT_OUT = "分配方案.yaml"


@click.command()
@click.argument("ledger")
@click.option("--from", "pool", required=True, metavar="编制池", help="从哪个编制池分配(准确名称)")
@click.option("--count", type=click.IntRange(min=1), required=True, metavar="N", help="分配多少名")
@click.option("--standard", required=True, metavar="标准名称", help="按配置中的哪个编制标准分配(标准名称)")
@as_of_option
@click.option("--out", "out", default=DEFAULT_OUT, show_default=True, metavar="方案.yaml",
              help="写出方案文件(台账文件夹以外)")
@click.option("--doc", default="待定", show_default=True, metavar="文号", help="方案中调剂指令的文号(编委批准后改为正式文号)")
@click.option("--force", is_flag=True, help="方案文件已存在时覆盖它")
@config_option
@format_option("text", "json")
def allocate(ledger, pool, count, standard, as_of, out, doc, force, config_path, fmt):
    """按编制标准分配编制:从编制池拿出 N 名,优先给低于标准最多的机构,任何机构不超过标准上限;
    写出方案文件供审阅,不改动台账。审阅后用 orgmodel simulate 台账 方案.yaml 模拟。"""
    if not out.lower().endswith((".yaml", ".yml")):
        fail(f"方案文件须以 .yaml 结尾(收到“{out}”)")
    reads = read_paths(ledger, config_path)
    try:
        path = check_file(out, reads, force)
    except OutputError as exc:
        fail(str(exc))
    book = open_book(ledger, config_path)
    answer = ask(book, as_of, rules=False)
    day = answer.as_of or book.ledger.last_date()
    if day is None:
        fail("台账中还没有任何指令,无从分配")
    plan_day = day + dt.timedelta(days=1)  # after every directive of the day the proposal was taken on (its assertions too)
    try:
        proposal = propose(answer.state, answer.tables.standards, pool, count, standard)
    except AllocationError as exc:
        fail(str(exc))
    if proposal.given:
        try:
            atomic_write(path, lambda p: p.write_text(proposal.plan_text(plan_day, doc), encoding="utf-8"))
        except OutputError as exc:
            fail(str(exc))
    rows = proposal.rows[proposal.rows["given"] > 0].drop(columns="ref")
    if fmt == "json":
        click.echo(json.dumps({
            "standard": proposal.standard, "basis": proposal.basis, "pool": proposal.pool,
            "quota_type": proposal.quota_type, "as_of": day.isoformat(), "plan_date": plan_day.isoformat(), "asked": proposal.asked,
            "given": proposal.given, "left": proposal.left, "pool_held": proposal.held,
            "plan": str(Path(path).resolve()) if proposal.given else None,
            "rows": json.loads(rows.to_json(orient="records", force_ascii=False))}, ensure_ascii=False, indent=2))
    else:
        click.echo(f"按{proposal.standard}({proposal.basis})从{proposal.pool}分配{proposal.quota_type}"
                   f"(截至 {day},池中 {proposal.held} 名,拟分配 {proposal.asked} 名)")
        if len(rows):
            echo_frame(rows.rename(columns={"before": "approved_before", "after": "approved_after"}), "text")
        click.echo(f"合计分配 {proposal.given} 名" + (f";另 {proposal.left} 名已无机构可在标准以内接收,留在编制池" if proposal.left else ""))
        if proposal.given:
            click.echo(f"已写出方案(调剂日期 {plan_day},未改动台账):{Path(path).resolve()}\n"
                       f"请审阅后模拟:orgmodel simulate {ledger} {path}")
        else:
            click.echo("没有低于标准上限且已登记核编依据数的机构,未写出方案")
    if ledger_findings(answer):
        click.echo(f"注意:台账有问题({summary_line(ledger_findings(answer))}),结果可能不完整;运行 orgmodel check 查看。", err=True)
    sys.exit(0 if proposal.given else EXIT_UNREADABLE)
