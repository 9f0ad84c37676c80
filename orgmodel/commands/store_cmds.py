"""The office's ledger database: ``init``, ``import``, ``commit``, ``correct``, ``log``,
``dump``, ``verify`` and ``key`` (every other command reads a database as a LEDGER)."""

from __future__ import annotations

import getpass
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import click

from ..core.findings import has_errors
from ..core.text import local_time, os_error_text
from ..store import BadBody, Store, StoreError, is_store, raw_of, trust
from ..store.keys import ClerkKeyError, fingerprint, new_key, own_key, parse_public
from ..store.origin import CHANGED, CONFIG_SETTING
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
    stop_if_refused,
    summary_line,
)


def _store(path: str, create: bool = False) -> Store:
    try:
        return Store(path, create=create)
    except StoreError as exc:
        fail(str(exc))


# how long commit keeps checking a plan again on the records others wrote meanwhile
COMMIT_WAIT_SECONDS = float(os.environ.get("ORGMODEL_COMMIT_WAIT_SECONDS", "120"))


def _signer():
    """The clerk's signing key from the profile folder (None when there is none)."""
    try:
        return own_key()
    except ClerkKeyError as exc:
        fail(str(exc))


def _tampered(findings) -> list:
    """The findings that say the database was changed behind orgmodel's back."""
    return [f for f in findings if f.rule in (trust.RULE, CHANGED)]


def _refuse_tampered(book) -> None:
    bad = _tampered(book.ledger.findings)
    if bad:
        echo_findings(bad, err=True)
        fail("数据库的哈希链或记录不符(见上),为免在改动过的台账上继续写入,本次没有写入任何内容;请先用 orgmodel verify 核对")


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
    stop_if_refused(ask(book).refusal(rule_errors=not allow_rule_errors), "导入",
                    "" if allow_rule_errors else "(只有超编等规则问题时可加 --allow-rule-errors)", code=1)
    settings = {}
    if led.config.path and Path(led.config.path).is_file():
        settings[CONFIG_SETTING] = Path(led.config.path).read_text(encoding="utf-8")
    elif is_store(Path(source)):  # a database imported into a new one keeps its config
        with _store(source) as other:
            stored = other.settings()
        if CONFIG_SETTING in stored:
            settings[CONFIG_SETTING] = stored[CONFIG_SETTING]
    with _store(db) as store:
        seen = _refuse_filled(db, store)  # again, under the write: another clerk may have imported meanwhile
        try:
            batch = store.append("import", _who(by), str(source), led.directives, settings, checked_at=seen,
                                 signer=_signer())
        except StoreError as exc:
            fail(str(exc))
    trust.note_written(Path(db), batch)
    click.echo(f"已导入 {batch.count} 条记录(第 {batch.first}–{batch.last} 号,批次 {batch.id}):{source}")


def _refuse_filled(db: str, store: Store | None = None) -> int:
    """Stop unless ``db`` is an orgmodel database with no records yet but key registrations;
    return its last record's number."""
    if store is None:
        with _store(db) as opened:
            return _refuse_filled(db, opened)
    from ..store import KEY_OP

    held = store.db.execute("SELECT COUNT(*) FROM directives WHERE op <> ?", (KEY_OP,)).fetchone()[0]
    if held:
        fail(f"{db} 中已有台账(共 {store.last_record()} 条记录),未导入;导入只用于新建的数据库。"
             f"追加已批准的变动请用 orgmodel commit")
    return store.last_record()


@click.command("commit")
@click.argument("db", metavar="数据库")
@click.argument("scenario", metavar="方案文件")
@click.option("--by", "by", metavar="姓名", required=True, help="记录人")
def commit(db, scenario, by):
    """把已批准的方案(方案文件中的指令)追加进数据库;方案引起错误时不写入。"""
    by = _who(by, required=True)
    from ..store import StoreChanged

    signer = _signer()
    deadline = time.monotonic() + COMMIT_WAIT_SECONDS
    moved_on = False  # records were written by others while the plan was checked
    while True:  # the plan is checked against the ledger as it is when it is written
        with _store(db) as store:
            seen = store.last_record()
        book = open_book(db)
        sim = simulated(book, scenario)
        _refuse_tampered(book)
        plan = sim.scenario
        if has_errors(sim.findings):
            echo_findings(sim.findings, err=True)
            click.echo(f"方案引起错误({summary_line(sim.findings)}),未写入;请先修正方案"
                       + ("(检查期间同事写入了新的记录,以上是按写入后的台账检查的结果)" if moved_on else ""), err=True)
            sys.exit(1)
        if not plan.directives:
            fail(f"{scenario}: 方案中没有指令,未写入")
        with _store(db) as store:
            try:
                batch = store.append("commit", _who(by), str(scenario), sorted(plan.directives, key=_order),
                                     checked_at=seen, signer=signer)
                break
            except StoreChanged:
                if time.monotonic() > deadline:
                    fail(f"台账在检查期间一直有新的记录写入(已等待 {COMMIT_WAIT_SECONDS:.0f} 秒);请稍后再试,本次没有写入任何内容")
                moved_on = True  # check again on the new head
            except StoreError as exc:
                fail(str(exc))
    trust.note_written(Path(db), batch)
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
    signer = _signer()
    with _store(db) as store:
        seen = store.last_record()
    if not force:
        _check_correction(db, record)
    with _store(db) as store:
        try:
            batch = store.reverse(record, who, doc, reason, checked_at=None if force else seen, signer=signer)
        except StoreChanged:
            fail("检查期间有同事写入了新的记录;请重新运行本命令,本次没有写入任何内容")
        except StoreError as exc:
            fail(str(exc))
    trust.note_written(Path(db), batch)
    click.echo(f"已冲正第 {record} 号记录(冲正记录为第 {batch.first} 号)")


def _check_correction(db: str, record: int) -> None:
    """Stop when taking record ``record`` out would add error findings to the ledger."""
    book = open_book(db)
    with long_lived():
        new = book.correction_errors(record)
    _refuse_tampered(book)
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
    records, unreadable = [], []
    for r in rows:
        try:
            records.append((r["id"], raw_of(r["body"]), who[r["id"]]))
        except BadBody as exc:
            unreadable.append(f"{db}#记录{r['id']}: [{CHANGED}] 第 {r['id']} 号记录的{exc}(在 orgmodel 之外被改动过),未写出")
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
    for line in unreadable:
        click.echo(line, err=True)
    click.echo(f"已写出 {len(records)} 条记录到 {len(paths)} 个文件:{folder.resolve()}")
    if unreadable:
        click.echo(f"有 {len(unreadable)} 条记录无法读取,未写出;请用 orgmodel verify 核对数据库", err=True)
        sys.exit(1)


def _dump_target(folder: Path, db: str) -> None:
    """Stop unless ``folder`` is a new or empty folder (never the database, nor any file)."""
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        what = ("是符号链接" if folder.is_symlink() else "就是要导出的数据库" if os.path.samefile(folder, db) else "是一个文件")
        fail(f"{folder} {what},不是文件夹;为免覆盖,未写入。请指定一个新的或空的文件夹")
    if folder.exists() and any(folder.iterdir()):
        fail(f"{folder} 不是空文件夹;请指定一个新的或空的文件夹")


def _head_arg(head: str | None) -> str | None:
    if head is None:
        return None
    h = "".join(str(head).split()).lower()
    if len(h) < 8 or len(h) > 64 or any(c not in "0123456789abcdef" for c in h):
        fail(f"--head 应为以前记下的哈希(至少前 8 位,只含 0–9 和 a–f),实为“{head}”;哈希见 orgmodel verify 的输出")
    return h


@click.command("verify")
@click.argument("db", metavar="数据库")
@click.option("--head", metavar="哈希", default=None,
              help="以前记下的最后一条记录的哈希(前 12 位即可):确认那之前的记录一条也没有被删除或改写,并列出此后写入的每一批记录")
def verify(db, head):
    """核对记录的哈希链和签名:每条记录与上一条相连,每批记录由登记的记录人签名;事后改动、插入、删除或调换记录都会显示出来。

    删去最后几条记录、或改写后重算整条链时,链本身仍然相连;所以每次核对后请把显示的签字行(记录条数、最后一条的时间和哈希)
    记在纸面或签发的文件中,下次用 --head 核对。"""
    h = _head_arg(head)
    path = Path(db)
    with _store(db) as store:
        report = trust.scan(store, head=h)
        point = trust.remembered(path)
        line = trust.head_line(store, path.name)
        moved = None
        if point is not None:
            row = store.db.execute("SELECT hash FROM directives WHERE id = ?", (point["through"],)).fetchone()
            now = row[0] if row else (trust.GENESIS if point["through"] == 0 else None)
            if now != point["head"]:
                when = local_time(point.get("at"))
                moved = (f"本机上次({when})核对时第 {point['through']} 号记录的哈希为 {point['head'][:12]},现在"
                         + (f"为 {now[:12]}" if now else "没有这条记录") + ":数据库此后被改写过,或换成了另一个文件")
    problems = list(report.problems)
    if moved and h is None:
        problems.append(moved + ";若是您有意换上的文件(如从备份恢复),请用 --head 给出纸面记下的哈希核对;换上的是另一个台账时,"
                        f"删除本机的核对记录 {trust.point_path(path)} 后再核对")
    for p in problems:
        click.echo(f"{db}: [chain-broken] {p}")
    if problems:
        if h is not None and report.found_head:
            _echo_after(h, report.head, report)
        click.echo(f"哈希链在 {len(problems)} 处不符(共 {report.count} 条记录);数据库可能被绕过 orgmodel 改动过")
        sys.exit(1)
    last = report.head
    click.echo(f"哈希链完好:共 {report.count} 条记录;最后一条的哈希 {last[:12]}(请记下,日后用 --head {last[:12]} 核对)")
    if moved:
        click.echo(f"注意:{moved};按您给出的哈希核对无误,本机此后以现在的数据库为准")
    if h is not None:
        _echo_after(h, last, report)
    if report.keys:
        signed = "、".join(f"{name} {n} 批" for name, n in sorted(report.signed.items()))
        click.echo(f"签名:{sum(report.signed.values())} 批记录由登记的记录人签名({signed})"
                   + (f";登记公钥之前的 {report.unsigned} 批没有签名" if report.unsigned else ""))
        click.echo("登记的公钥(请与纸面档案核对指纹):")
        for text in trust.describe_keys(report.keys):
            click.echo(f"  {text}")
    else:
        click.echo("签名:此数据库没有登记记录人的公钥,记录没有签名;改写能否发现,全凭纸面记下的哈希(登记公钥见 orgmodel key)")
    click.echo(f"签字行(请记入纸面或签发的文件):{line}")
    trust.remember(path, report.count, last, report.keys)


def _echo_after(head: str, last: str, report) -> None:
    if last.startswith(head):
        click.echo(f"记下的哈希 {head} 是最后一条记录的:此后没有新写入的记录")
        return
    batches = report.after
    records = sum(b["last"] - b["first"] + 1 for b in batches)
    click.echo(f"记下的哈希 {head} 之后写入了 {len(batches)} 批、{records} 条记录(请与批准的文件逐一核对):")
    for b in batches:
        span = f"第 {b['first']}–{b['last']} 号记录" if b["last"] != b["first"] else f"第 {b['first']} 号记录"
        when = local_time(b["at"])
        signer = f"签名人 {b['signer']}" if b["signer"] else "没有签名"
        click.echo(f"  {span}(第 {b['batch']} 批):记录人 {b['by']},记录于 {when},{signer}")


@click.group("key")
def key():
    """签名密钥:生成您的密钥,把记录人的公钥登记进数据库。登记公钥之后,每批记录都由记录人签名,绕过 orgmodel 的改写无法冒签。"""


@key.command("new")
@click.option("--name", metavar="姓名", required=True, help="您的姓名(登记时显示)")
def key_new(name):
    """生成您的签名密钥(保存在本机您的用户文件夹中,只有您能读取),并显示公钥和指纹。"""
    if not name.strip():
        fail("姓名(--name)不能为空")
    try:
        k = new_key(name.strip())
    except ClerkKeyError as exc:
        fail(str(exc))
    from ..store.keys import key_dir

    click.echo(f"已生成 {k.name} 的签名密钥,保存在 {key_dir()}(只有您能读取;请勿拷给他人)")
    click.echo(f"公钥:{k.public}")
    click.echo(f"指纹:{k.fingerprint}(请抄在纸面档案上,签字存档)")
    click.echo(f"下一步:请已登记的同事运行 orgmodel key register 数据库 --name {k.name} --public {k.public} --by 同事姓名;"
               f"数据库还没有登记任何公钥时,由您运行 orgmodel key register 数据库 --by {k.name}")


@key.command("show")
def key_show():
    """显示您的公钥和指纹。"""
    k = _signer()
    if k is None:
        fail("本机还没有您的签名密钥;请用 orgmodel key new --name 您的姓名 生成")
    click.echo(f"姓名:{k.name}")
    click.echo(f"公钥:{k.public}")
    click.echo(f"指纹:{k.fingerprint}")


@key.command("register")
@click.argument("db", metavar="数据库")
@click.option("--by", "by", metavar="姓名", required=True, help="登记人(须已登记;第一把公钥由本人登记)")
@click.option("--name", metavar="姓名", default=None, help="公钥所有人的姓名(登记同事的公钥时)")
@click.option("--public", "public", metavar="公钥", default=None, help="同事的公钥(64 位十六进制,见其 orgmodel key new 的输出)")
def key_register(db, by, name, public):
    """在数据库中登记记录人的公钥(追加一条由登记人签名的记录)。不写 --public 时登记您自己的公钥。"""
    who = _who(by, required=True)
    signer = _signer()
    if signer is None:
        fail("本机还没有您的签名密钥;请先用 orgmodel key new --name 您的姓名 生成")
    if public is None:
        name, hexed = signer.name, signer.public
    else:
        hexed = parse_public(public)
        if hexed is None:
            fail(f"公钥应为 64 位十六进制字符(orgmodel key new 显示的“公钥”),实为“{public}”")
        if not (name or "").strip():
            fail("登记同事的公钥时请用 --name 写明其姓名")
        name = name.strip()
    with _store(db) as store:
        located, _ = trust.check_against_memory(store, Path(db))
        for _, text in located:
            click.echo(f"{db}: [chain-broken] {text}", err=True)
        if located:
            fail("数据库的哈希链不符(见上),未登记;请先用 orgmodel verify 核对")
        try:
            batch = store.register_key(name, hexed, who, signer, checked_at=store.last_record())
        except StoreError as exc:
            fail(str(exc))
    trust.note_written(Path(db), batch, {batch.first: (name, hexed)})
    click.echo(f"已登记 {name} 的公钥(第 {batch.first} 号记录),指纹 {fingerprint(hexed)};请把指纹抄在纸面档案上并签字")


@key.command("list")
@click.argument("db", metavar="数据库")
def key_list(db):
    """列出数据库中登记的公钥及其指纹(与纸面档案核对)。"""
    with _store(db) as store:
        report = trust.scan(store)
    if not report.keys:
        click.echo("此数据库没有登记公钥")
        return
    for text in trust.describe_keys(report.keys):
        click.echo(text)


STORE_COMMANDS = [init_db, import_ledger, commit, correct, log, dump, verify, key]
__all__ = ["EXIT_UNREADABLE", "STORE_COMMANDS"]
