"""``serve``: the workbench, a local web app over one ledger (see :mod:`orgmodel.web`)."""

from __future__ import annotations

import click

from .options import EXIT_UNREADABLE, ask, config_option, fail, long_lived, open_book, progress

DEFAULT_PORT = 8421
DRAFTER = "经办"
BIG = 300_000  # directives beyond which the workbench keeps one day's answer at a time


@click.command()
@click.argument("ledger")
@click.option("--host", default="127.0.0.1", show_default=True, metavar="地址",
              help="监听的地址;默认只有本机能打开。写本机的局域网地址(或 0.0.0.0)时同一网络的电脑也能打开,"
                   "须先用 orgmodel accounts add 建立账号")
@click.option("--port", type=click.IntRange(0, 65535), default=None, metavar="端口",
              help=f"端口(默认 {DEFAULT_PORT},被占用时自动换下一个;0 表示任选一个空闲端口)")
@click.option("--roster", "roster_path", metavar="花名册", default=None,
              help="实名制花名册:各页面的实有人数按花名册计,机构页面列出花名册核对结果")
@click.option("--no-browser", is_flag=True, help="不自动打开浏览器(只显示地址)")
@click.option("--drafts", "drafts_path", metavar="草稿文件", default=None,
              help="方案草稿保存的文件(默认为台账旁的“台账名.drafts.db”);草稿不进入台账")
@config_option
def serve(ledger, host, port, roster_path, no_browser, drafts_path, config_path):
    """工作台:在浏览器中查阅台账,不需要命令行。辖区、县、乡镇、机构逐级查看编制收支,
    按名称、牌子或曾用名查找机构,查看机构的编制来源、沿革和问题,任意日期,下载工作簿和报表;
    在表单中起草方案,即时看到模拟结果,比较方案,导出为方案文件。不改动台账。按 Ctrl+C 停止。"""
    from ..web import create_app
    from ..web.accounts import Accounts
    from ..web.drafts import drafts_path_of
    from ..web.guard import READ
    from ..web.serve import LOOPBACK, PortBusy, bind, run, url_of

    drafts_path = drafts_path or str(drafts_path_of(ledger))
    with_accounts = Accounts(drafts_path).exist()
    if host not in LOOPBACK and not with_accounts:
        fail(f"监听 {host} 时同一网络的电脑都能打开工作台,须先建立账号:请用 orgmodel accounts add {ledger} 姓名 --role 管理员 "
             f"建立管理员账号(保存在 {drafts_path}),再启动;只在本机使用时不加 --host", EXIT_UNREADABLE)

    click.echo(f"正在打开台账 {ledger} 并准备首页……(省级台账在本机第一次打开约需半分钟到一分钟,以后几秒钟)")
    book = open_book(ledger, config_path)
    if book.ledger.count > BIG:
        book.keep = 1  # a province's day takes about 2 GB: one day at a time keeps the workbench under 3 GB
    ask(book, roster=roster_path, rules=False, trails=True)  # a roster that cannot be read stops here (exit 2)
    apps = []
    try:
        # Without accounts the clerk at this machine drafts (and submits); with them, everyone logs in.
        role = DRAFTER if host in LOOPBACK else READ
        server = bind(lambda hosts: apps.append(create_app(book, roster=roster_path, hosts=hosts, role=role,
                                                           drafts=drafts_path)) or apps[-1], host,
                      DEFAULT_PORT if port is None else port, tries=20 if port is None else 1)
    except PortBusy as exc:
        fail(str(exc), EXIT_UNREADABLE)
    progress("正在准备首页(截至台账最新日期)")
    with long_lived():  # the first page is made before the browser asks for it
        apps[-1].test_client().get("/at/latest/index.html", headers={"Host": f"127.0.0.1:{server.effective_port}"})
    url = url_of(server, host)
    click.echo(f"工作台已启动:{url}(台账 {ledger})")
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"注意:监听 {host},同一网络的其他电脑也能打开此工作台(须用账号登录)。", err=True)
    click.echo("在浏览器中打开以上地址;按 Ctrl+C 停止。")
    run(server, url, open_browser=not no_browser)
    click.echo("工作台已停止。")


@click.group()
def accounts():
    """工作台账号:建立、列出。有账号后,打开工作台须登录;角色 查阅、经办(起草和提交方案)、
    审核(批准、退回、入账、冲正)、管理员(另管账号)。账号保存在台账旁的草稿文件中,不在台账里。"""


def _accounts_of(ledger: str, drafts_path: str | None):
    from ..web.accounts import Accounts
    from ..web.drafts import drafts_path_of

    return Accounts(drafts_path or drafts_path_of(ledger))


@accounts.command("add")
@click.argument("ledger", metavar="台账")
@click.argument("name", metavar="账号")
@click.option("--role", type=click.Choice(["查阅", "经办", "审核", "管理员"]), required=True, help="角色")
@click.option("--drafts", "drafts_path", metavar="草稿文件", default=None, help="工作台的草稿文件(默认为台账旁的“台账名.drafts.db”)")
@click.password_option("--password", metavar="密码", prompt="密码", confirmation_prompt="再输入一次密码", help="密码(不写时提示输入,输入时不显示)")
def add_account(ledger, name, role, drafts_path, password):
    """建立一个工作台账号(第一个账号应为管理员,以后可在工作台的“账号”页面建立)。"""
    import getpass

    from ..web.accounts import AccountError

    try:
        made = _accounts_of(ledger, drafts_path).add(name, role, password, f"命令行({getpass.getuser()})")
    except AccountError as exc:
        fail(str(exc))
    click.echo(f"已建立账号“{made.name}”(角色 {made.role})")


@accounts.command("list")
@click.argument("ledger", metavar="台账")
@click.option("--drafts", "drafts_path", metavar="草稿文件", default=None, help="工作台的草稿文件")
def list_accounts(ledger, drafts_path):
    """列出工作台账号。"""
    rows = _accounts_of(ledger, drafts_path).list()
    if not rows:
        click.echo("还没有账号")
    for a in rows:
        click.echo(f"{a.name}\t{a.role}\t{'在用' if a.active else '已停用'}\t建立于 {a.created}(由 {a.created_by})")
