"""``template`` and ``export``: workbooks for offices that keep their ledger in Excel or WPS."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..core.outputs import OutputError
from ..core.signoff import signoff_line
from ..ledger.outputs import check_file, check_folder_files, read_paths
from ..tabular.export import balance_tables, csv_name, jurisdiction, write_csv_folder
from ..tabular.state_sheets import state_tables
from ..tabular.workbook import write_workbook
from .audit_cmds import roster_notes, roster_option
from .options import (
    EXIT_UNREADABLE,
    Words,
    as_of_option,
    ask,
    config_option,
    fail,
    open_book,
    scenario_option,
    stop_if_refused,
)

ENCODINGS = {"utf-8": "utf-8-sig", "utf8": "utf-8-sig", "gbk": "gbk", "gb18030": "gb18030"}


def _is_workbook(out: str) -> bool:
    return out.lower().endswith((".xlsx", ".xlsm"))


FORCE_HELP = "输出文件已存在时覆盖它(本命令读取的文件和已填写的台账仍不覆盖)"


def _refusing(check, *args):
    """Run an output check; exit 2 with its Chinese message when the output may not be written."""
    try:
        return check(*args)
    except OutputError as exc:
        fail(str(exc))


@click.command()
@click.argument("out", metavar="输出.xlsx")
@click.option("--roster", "roster", is_flag=True,
              help="写出空白的实名制花名册工作簿(姓名、身份证号、所在单位、编制类型……),供 orgmodel audit 读入")
@click.option("--force", is_flag=True, help=FORCE_HELP)
@config_option
def template(out, roster, force, config_path):
    """写出空白台账工作簿:每张表一个工作表(区划、编制池、机构、牌子、编制核定、领导职数、实有人员、
    编外与网格、责任清单、变动记录),中文表头(红色为必填),枚举列有下拉选项,每表一行示例,
    另有“说明”表。填好后可直接作为台账读入:orgmodel check 台账.xlsx。加 --roster 写出花名册模板。"""
    from ..ledger.loading import read_config

    if not _is_workbook(out):
        click.echo(f"错误:输出文件须以 .xlsx 结尾(收到“{out}”)", err=True)
        sys.exit(EXIT_UNREADABLE)
    path = _refusing(check_file, out, read_paths(config=config_path), force)
    config = read_config(config_path)
    if roster:
        from ..roster.template import roster_tables

        _refusing(write_workbook, path, roster_tables(config))
        click.echo(f"已写出空白花名册模板:{path.resolve()}")
        return
    _refusing(write_workbook, path, state_tables(None, config, None, "", examples=True))
    click.echo(f"已写出空白台账模板:{path.resolve()}")


@click.command()
@click.argument("ledger")
@click.argument("out", metavar="输出.xlsx|输出文件夹")
@as_of_option
@scenario_option
@click.option("--state", "as_state", is_flag=True,
              help="按台账模板的格式写出截至日期的状态(可再作为台账读入),而不是编制收支报表")
@click.option("--public", is_flag=True, help="公开版:问题清单不含文件位置")
@click.option("--encoding", type=Words({"utf-8": ("utf8", "UTF-8"), "gbk": ("GBK",), "gb18030": ("GB18030",)}),
              default="utf-8", show_default=True,
              help="写 CSV 时的编码(旧系统可用 gbk)")
@roster_option
@click.option("--force", is_flag=True, help=FORCE_HELP)
@config_option
def export(ledger, out, as_of, scenario_paths, as_state, public, encoding, roster_path, force, config_path):
    """把台账导出为格式化的 Excel 工作簿(输出以 .xlsx 结尾)或 CSV 文件夹:机构、乡镇、县、全辖区
    编制收支,领导职数、编制池、编外与网格、下沉比例、问题清单和公示表。每表有标题、截至日期、
    冻结表头、筛选、合计行,A4 横向打印,页脚有页码。--state 则按台账模板写出状态,可再读入。
    不覆盖本命令读取的文件和已填写的台账;输出文件已存在时须加 --force。"""
    reads = read_paths(ledger, config_path, (*scenario_paths, roster_path))
    if _is_workbook(out):  # before the ledger is read: a province takes a while
        _refusing(check_file, out, reads, force)
    else:
        _refusing(check_folder_files, Path(out), [], reads, True)
    book = open_book(ledger, config_path)
    led = book.ledger
    answer = ask(book, as_of, scenario_paths, roster_path, rules=not as_state, public=public)
    roster_notes(answer)
    stop_if_refused(answer.refusal(), "导出")  # what is written must not rest on a ledger that failed to read
    result = answer.checked
    day = result.as_of or led.last_date()
    if as_state:
        basis = f"{jurisdiction(result.state)}机构编制台账导出(截至 {day})"
        tables = state_tables(result.state, led.config, day, basis)
    else:
        tables = balance_tables(result, public=public)
    if _is_workbook(out):
        path = _refusing(check_file, out, reads, force)  # again: the ledger may name the file in its config
        # a balance workbook is printed and signed; a state workbook is data that is read back
        _refusing(write_workbook, path, tables, None if as_state else [signoff_line(led.config, book.sign_off())])
        click.echo(f"已导出工作簿({len([t for t in tables if not t.hidden])} 个工作表):{path.resolve()}")
    else:
        _refusing(check_folder_files, Path(out), [csv_name(t) for t in tables if not t.hidden], reads, force)
        try:
            paths = _refusing(write_csv_folder, out, tables, ENCODINGS[encoding])
        except UnicodeEncodeError as exc:
            bad = exc.object[exc.start:exc.end]
            click.echo(f"错误:文字“{bad}”无法用 {encoding} 编码保存;请改用 --encoding gb18030 或 utf-8", err=True)
            sys.exit(EXIT_UNREADABLE)
        click.echo(f"已导出 {len(paths)} 个 CSV 文件:{Path(out).resolve()}")
