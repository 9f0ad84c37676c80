"""The office's ledger database: ``init``, ``import``, ``commit``, ``correct``, ``log``,
``dump`` and ``verify`` (every other command reads a database as a LEDGER)."""

from __future__ import annotations

import getpass
import os
import shutil
import sys
import tempfile
from pathlib import Path

import click

from ..core.findings import has_errors
from ..core.text import os_error_text
from ..store import Store, StoreError, is_store, raw_of
from ..store.origin import CONFIG_SETTING
from ..store.yaml_dump import write_yaml_ledger
from .options import (
    EXIT_UNREADABLE,
    DateType,
    ask,
    echo_findings,
    echo_frame,
    fail,
    format_option,
    long_lived,
    open_book,
    simulated,
    summary_line,
)


def _store(path: str, create: bool = False) -> Store:
    try:
        return Store(path, create=create)
    except StoreError as exc:
        fail(str(exc))


def _who(by: str | None, required: bool = False) -> str:
    if by is not None and not by.strip():
        fail("记录人(--by)不能为空;请写明姓名")
    if by:
        return by.strip()
    if required:
        fail("请用 --by 写明记录人")
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name on this system
        return "(未署名)"


class RecordNumber(click.ParamType):
    name = "记录号"

    def convert(self, value, param, ctx):
        try:
            n = int(str(value).strip())
        except ValueError:
            self.fail(f"记录号应为正整数,实为“{value}”;记录号见 orgmodel log", param, ctx)
        if n < 1:
            self.fail(f"记录号应为正整数,实为“{value}”", param, ctx)
        return n


@click.command("init")
@click.argument("db", metavar="数据库")
def init_db(db):
    """新建台账数据库(SQLite 文件,无需服务器)。之后用 orgmodel import 导入台账。"""
    with _store(db, create=True) as store:
        click.echo(f"已新建台账数据库:{Path(db).resolve()}(数据库架构第 {store.version()} 版)")


@click.command("import")
@click.argument("db", metavar="数据库")
@click.argument("source", metavar="台账")
@click.option("--by", "by", metavar="姓名", default=None, help="记录人(默认:本机用户名)")
@click.option("--allow-rule-errors", is_flag=True,
              help="台账读入无误、只有规则检查的错误(如超编)时也导入:这些是台账如实记录的情况")
def import_ledger(db, source, by, allow_rule_errors):
    """把台账(YAML 文件夹、工作簿或 CSV 文件夹)导入数据库,作为一批记录。台账有错误时不导入,什么也不写。"""
    _refuse_filled(db)  # before the source is read: a province takes a while
    book = open_book(source)
    led = book.ledger
    blocking = ask(book).refusal(rule_errors=not allow_rule_errors)
    if blocking:
        echo_findings(blocking, err=True)
        click.echo(f"台账有错误({summary_line(blocking)}),未导入;请先修正以上问题"
                   + ("" if allow_rule_errors else "(只有超编等规则问题时可加 --allow-rule-errors)"), err=True)
        sys.exit(1)
    settings = {}
    if led.config.path and Path(led.config.path).is_file():
        settings[CONFIG_SETTING] = Path(led.config.path).read_text(encoding="utf-8")
    elif is_store(Path(source)):  # a database imported into a new one keeps its config
        with _store(source) as other:
            stored = other.settings()
        if CONFIG_SETTING in stored:
            settings[CONFIG_SETTING] = stored[CONFIG_SETTING]
    with _store(db) as store:
        _refuse_filled(db, store)  # again, under the write: another clerk may have imported meanwhile
        try:
            batch = store.append("import", _who(by), str(source), led.directives, settings, checked_at=0)
        except StoreError as exc:
            fail(str(exc))
    click.echo(f"已导入 {batch.count} 条记录(第 {batch.first}–{batch.last} 号,批次 {batch.id}):{source}")


def _refuse_filled(db: str, store: Store | None = None) -> None:
    """Stop unless ``db`` is an orgmodel database with no records yet."""
    if store is None:
        with _store(db) as opened:
            _refuse_filled(db, opened)
        return
    if store.last_record():
        fail(f"{db} 中已有台账(共 {store.last_record()} 条记录),未导入;导入只用于新建的数据库。"
             f"追加已批准的变动请用 orgmodel commit")


@click.command("commit")
@click.argument("db", metavar="数据库")
@click.argument("scenario", metavar="方案文件")
@click.option("--by", "by", metavar="姓名", required=True, help="记录人")
def commit(db, scenario, by):
    """把已批准的方案(方案文件中的指令)追加进数据库;方案引起错误时不写入。"""
    by = _who(by, required=True)
    from ..store import StoreChanged

    for attempt in range(3):  # the plan is checked against the ledger as it is when it is written
        with _store(db) as store:
            seen = store.last_record()
        sim = simulated(open_book(db), scenario)
        plan = sim.scenario
        if has_errors(sim.findings):
            echo_findings(sim.findings, err=True)
            click.echo(f"方案引起错误({summary_line(sim.findings)}),未写入;请先修正方案", err=True)
            sys.exit(1)
        if not plan.directives:
            fail(f"{scenario}: 方案中没有指令,未写入")
        with _store(db) as store:
            try:
                batch = store.append("commit", _who(by), str(scenario), sorted(plan.directives, key=_order),
                                     checked_at=seen)
                break
            except StoreChanged:
                if attempt == 2:
                    fail("台账在检查期间多次有新的记录写入;请稍后再试,本次没有写入任何内容")
            except StoreError as exc:
                fail(str(exc))
    click.echo(f"已写入 {batch.count} 条记录(第 {batch.first}–{batch.last} 号,批次 {batch.id}),记录人 {by}")


def _order(d):
    from ..reading.parse import sort_key
    return sort_key(d)


@click.command("correct")
@click.argument("db", metavar="数据库")
@click.argument("record", type=RecordNumber(), metavar="记录号")
@click.option("--by", "by", metavar="姓名", required=True, help="记录人")
@click.option("--doc", "doc", metavar="文号", required=True, help="冲正依据的文号")
@click.option("--reason", metavar="原因", default=None, help="冲正原因")
@click.option("--force", is_flag=True, help="冲正后台账出现新的错误时仍然冲正")
def correct(db, record, by, doc, reason, force):
    """冲正:追加一条记录,把第 N 号记录从台账中去掉(原记录保留,orgmodel log 中两条都可见)。
    冲正会使台账出现新的错误(如后面的指令依赖这条记录)时不冲正,并列出这些错误。"""
    from ..store import StoreChanged

    who = _who(by, required=True)
    with _store(db) as store:
        seen = store.last_record()
    if not force:
        _check_correction(db, record)
    with _store(db) as store:
        try:
            batch = store.reverse(record, who, doc, reason, checked_at=None if force else seen)
        except StoreChanged:
            fail("检查期间有同事写入了新的记录;请重新运行本命令,本次没有写入任何内容")
        except StoreError as exc:
            fail(str(exc))
    click.echo(f"已冲正第 {record} 号记录(冲正记录为第 {batch.first} 号)")


def _check_correction(db: str, record: int) -> None:
    """Stop when taking record ``record`` out would add error findings to the ledger."""
    book = open_book(db)
    with long_lived():
        new = book.correction_errors(record)
    if new:
        echo_findings(new, err=True)
        click.echo(f"冲正第 {record} 号记录会使台账出现 {len(new)} 个新的错误(见上),未冲正;"
                   f"请先冲正依赖它的记录,或确认后加 --force", err=True)
        sys.exit(1)


@click.command("log")
@click.argument("db", metavar="数据库")
@click.option("--body", metavar="机构", default=None, help="只列涉及此机构(名称或“区划/名称”)的记录")
@click.option("--since", type=DateType(), default=None, help="只列此日期及以后的记录")
@click.option("--doc", "doc", metavar="文号", default=None, help="只列此文号的记录")
@format_option("text", "json", "csv")
def log(db, body, since, doc, fmt):
    """台账记录的历史:记录号、日期、指令、文号、记录人、记录时间,以及冲正关系。"""
    from ..store.log import log as store_log

    try:
        frame = store_log(db, body, since, doc)
    except StoreError as exc:
        fail(str(exc))
    if frame.empty and fmt == "text":
        click.echo("没有符合条件的记录" + (f"(没有记录涉及“{body}”;名称可写“区划/名称”或只写名称)" if body else ""), err=True)
        return
    echo_frame(frame, fmt)


@click.command("dump")
@click.argument("db", metavar="数据库")
@click.argument("out", metavar="输出文件夹")
def dump(db, out):
    """把数据库中的台账写成 YAML 文件夹(可读、可比较,用于备份或放进 git);它作为台账读入时结果与数据库相同。
    只写进新的或空的文件夹;整体写出:先写在旁边的临时文件夹,写完再换入。"""
    folder = Path(out)
    _dump_target(folder, db)
    with _store(db) as store:
        rows = list(store.effective())
        config_text = store.settings().get(CONFIG_SETTING)
        who = {r["id"]: (r["recorded_by"], r["recorded_at"], r["batch"]) for r in store.history()}
    records = [(r["id"], raw_of(r["body"]), who[r["id"]]) for r in rows]
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        stage = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=".tmp", dir=folder.parent))
    except OSError as exc:
        fail(f"无法在 {folder.parent} 中写入({os_error_text(exc)})")
    try:
        paths = write_yaml_ledger(stage, records, config_text)
        _dump_target(folder, db)  # again: another run may have written there meanwhile
        if folder.exists():
            folder.rmdir()  # empty: checked just now
        os.replace(stage, folder)
    except OSError as exc:
        fail(f"写入 {folder} 时出错({os_error_text(exc)});未写出任何文件")
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    click.echo(f"已写出 {len(rows)} 条记录到 {len(paths)} 个文件:{folder.resolve()}")


def _dump_target(folder: Path, db: str) -> None:
    """Stop unless ``folder`` is a new or empty folder (never the database, nor any file)."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        what = ("是符号链接" if folder.is_symlink() else "就是要导出的数据库" if os.path.samefile(folder, db) else "是一个文件")
        fail(f"{folder} {what},不是文件夹;为免覆盖,未写入。请指定一个新的或空的文件夹")
    if folder.exists() and any(folder.iterdir()):
        fail(f"{folder} 不是空文件夹;请指定一个新的或空的文件夹")


@click.command("verify")
@click.argument("db", metavar="数据库")
@click.option("--head", metavar="哈希", default=None,
              help="以前记下的最后一条记录的哈希(前 12 位即可):确认那之前的记录一条也没有被删除")
def verify(db, head):
    """核对记录的哈希链:每条记录与上一条相连,事后改动、插入、删除或调换记录都会显示出来。

    删去最后几条记录时,剩下的链仍然完整;所以每次核对后请把显示的最后哈希记在纸面或签发的文件中,
    下次用 --head 核对。"""
    with _store(db) as store:
        count, last, problems = store.verify(head)
    for p in problems:
        click.echo(f"{db}: [chain-broken] {p}")
    if problems:
        click.echo(f"哈希链在 {len(problems)} 处不符(共 {count} 条记录);数据库可能被绕过 orgmodel 改动过")
        sys.exit(1)
    click.echo(f"哈希链完好:共 {count} 条记录;最后一条的哈希 {last[:12]}(请记下,日后用 --head {last[:12]} 核对)")


STORE_COMMANDS = [init_db, import_ledger, commit, correct, log, dump, verify]
__all__ = ["EXIT_UNREADABLE", "STORE_COMMANDS"]
