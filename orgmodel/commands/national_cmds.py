"""``pack``, ``pack-key``, ``pack-check`` and ``national``: each ledger's figures as a pack of
Parquet tables, and the roll-up of many packs in plain SQL (orgmodel/national)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..ledger.outputs import read_paths
from .audit_cmds import roster_option
from .options import EXIT_UNREADABLE, as_of_option, ask, config_option, fail, open_book, progress, stop_if_refused
from .report_cmds import published, refuse_early

KEY_HELP = "共享密钥文件(各级之间交换数据包共用,用 orgmodel pack-key 生成);带花名册时必填"


@click.command("pack-key")
@click.argument("out", metavar="密钥文件")
def pack_key(out):
    """生成一把新的共享密钥(各级机构编制部门交换数据包时共用,用于比对同一人而不暴露身份证号)。"""
    from ..core.outputs import OutputError, atomic_write
    from ..ledger.outputs import check_file
    from ..national.keys import new_key_text

    try:
        path = check_file(out, [])
        atomic_write(path, lambda tmp: tmp.write_text(new_key_text(), encoding="utf-8"), private=True)
    except OutputError as exc:
        fail(str(exc))
    click.echo(f"已生成共享密钥:{path}。请像密码一样保管,只交给交换数据包的机构编制部门,不要随数据包发送。")


@click.command()
@click.argument("ledger", metavar="台账")
@click.argument("out", metavar="数据包文件夹")
@as_of_option
@roster_option
@click.option("--key", "key_path", metavar="密钥文件", default=None, help=KEY_HELP)
@click.option("--province", "province", metavar="区划代码", default=None,
              help="分区用的区划代码(默认:台账唯一的最高一级区划)")
@click.option("--force", is_flag=True, help="数据包文件夹中有不是 orgmodel 生成的文件时仍然写入(这些文件保留)")
@config_option
def pack(ledger, out, as_of, roster_path, key_path, province, force, config_path):
    """把台账在某日的数字写成数据包(一组数据表和一份清单),供上级汇总(orgmodel national)。
    花名册不含姓名,身份证号以共享密钥散列。台账有错误时不写。"""
    from ..national.build import PackRefused, build_pack
    from ..national.keys import PackKeyError, read_key
    from ..national.pack import PackError

    reads = read_paths(ledger, config_path, (roster_path, key_path))
    refuse_early(out, reads)
    if roster_path and not key_path:
        fail("带花名册生成数据包时须给出共享密钥(--key 密钥文件),身份证号才能散列;"
             "密钥向上级机构编制部门索取,或用 orgmodel pack-key 生成")
    try:
        key = read_key(key_path) if key_path else None
    except PackKeyError as exc:
        fail(str(exc))
    book = open_book(ledger, config_path)
    ask(book, as_of, (), roster_path)  # a roster that cannot be read stops here, with exit code 2
    progress("正在写出数据包")
    try:
        built = build_pack(ledger, out, as_of, roster_path, key, province, config_path, force, book, key_path)
    except PackRefused as exc:
        stop_if_refused(exc.findings, "生成数据包")
    except PackError as exc:
        fail(str(exc))
    click.echo(f"已写出数据包 {out}:{built.province[1]}({built.province[0]}),截至 {built.as_of}"
               + ("(花名册的日期)" if roster_path and as_of is None else "")
               + f",共 {built.rows} 行" + (f",花名册在编 {built.people} 人" if built.people is not None else ""))
    if built.unplaced:
        click.echo(f"注意:花名册中 {built.unplaced} 人的所在单位在台账中找不到,写入数据包时不带单位;"
                   f"orgmodel audit 可逐条查看", err=True)


@click.command("pack-all")
@click.argument("out", metavar="数据包总文件夹")
@click.argument("ledgers", nargs=-1, required=True, metavar="台账...")
@as_of_option
@click.option("--jobs", "-j", type=click.IntRange(1, 64), default=2, show_default=True, metavar="N",
              help="同时生成几个数据包(每个一个进程;省级台账每个约需 1.5 GB 内存)")
@click.option("--force", is_flag=True, help="数据包文件夹中有不是 orgmodel 生成的文件时仍然写入(这些文件保留)")
@config_option
def pack_all(out, ledgers, as_of, jobs, force, config_path):
    """为多本台账各生成一个数据包(不含花名册),多个进程同时进行;每本台账的数据包写在
    “数据包总文件夹/台账名”中。有台账出错时其余照常生成,退出码 1。"""
    from ..national.build import build_many
    from ..national.pack import PackError

    def said(o):
        if o.built is not None:
            b = o.built
            click.echo(f"已写出 {b.out}:{b.province[1]}({b.province[0]}),截至 {b.as_of},共 {b.rows} 行")
        else:
            click.echo(f"未生成 {o.ledger}:{o.problem}", err=True)
            for line in o.refused:
                click.echo(f"  {line}", err=True)

    progress(f"正在为 {len(ledgers)} 本台账生成数据包(同时 {jobs} 个)")
    try:
        outcomes = build_many(list(ledgers), Path(out), as_of, config_path, jobs, force, said)
    except PackError as exc:
        fail(str(exc))
    failed = [o for o in outcomes if o.built is None]
    click.echo(f"共 {len(ledgers)} 本台账:生成 {len(ledgers) - len(failed)} 个数据包"
               + (f",{len(failed)} 本未生成(见上)" if failed else ""))
    sys.exit(1 if failed else 0)


@click.command("pack-check")
@click.argument("pack_dir", metavar="数据包文件夹")
@click.argument("ledger", metavar="台账")
@roster_option
@config_option
def pack_check(pack_dir, ledger, roster_path, config_path):
    """核对数据包与其来源台账:文件与清单一致,清单的编制总量与台账在同一日的数字一致,
    数据库台账的记录自生成数据包以来是否有变。数据包带花名册时,实有按花名册计,须同样给出 --roster
    才核对实有。一致退出码 0,不一致 1。"""
    from ..national.pack import PackError, open_pack, origin_of, totals

    try:
        p = open_pack(pack_dir)
    except PackError as exc:
        fail(str(exc))
    import datetime as dt

    day = dt.date.fromisoformat(p.manifest["as_of"])
    book = open_book(ledger, config_path)
    answer = ask(book, day, (), roster_path)
    fields = ("approved", "pools") if p.manifest.get("roster") and not roster_path else ("approved", "actual", "pools")
    mine = {t["quota_type"]: {k: t[k] for k in fields} for t in p.manifest["totals"]}
    now = {t["quota_type"]: {k: t[k] for k in fields} for t in totals(answer)}
    differ = [f"{t}:数据包 {_figures(mine.get(t))},台账 {_figures(now.get(t))}" for t in sorted(set(mine) | set(now))
              if mine.get(t) != now.get(t)]
    from ..national.rollup import roll_up

    agree = roll_up([p], queries=("agreement",))["agreement"]
    off = agree[agree["agrees"] == 0]
    if not off.empty:  # the tables no longer add up to what the manifest says
        click.echo(f"数据包 {pack_dir} 的数据表与其清单不符(数据表被改动过):"
                   + ";".join(f"{r.quota_type}:清单核定 {r.manifest_approved}、数据表 {r.pack_approved};"
                              f"清单实有 {r.manifest_actual}、数据表 {r.pack_actual}" for r in off.itertuples()))
        sys.exit(1)
    if p.manifest["province"]["code"] not in {d for d in answer.state.divisions}:
        click.echo(f"注意:数据包是 {p.label} 的,台账 {ledger} 中没有区划 {p.manifest['province']['code']};"
                   f"请确认核对的是生成它的台账")
    head_then = (p.manifest["source"] or {}).get("store_head")
    head_now = origin_of(ledger).head
    click.echo(f"数据包 {pack_dir}:{p.label};文件与清单一致")
    if head_then and head_now and head_then != head_now:
        click.echo(f"注意:生成数据包时数据库有 {head_then['records']} 条记录(哈希 {head_then['hash'][:12]}),"
                   f"现在有 {head_now['records']} 条(哈希 {head_now['hash'][:12]})")
    if differ:
        click.echo(f"与台账 {ledger} 截至 {day} 的数字不一致:" + ";".join(differ))
        sys.exit(1)
    click.echo(f"与台账 {ledger} 截至 {day} 的编制总量一致({len(now)} 种编制类型)"
               + (";数据包的实有按花名册计,未核对实有(加 --roster 花名册 一并核对)" if "actual" not in fields else ""))


def _figures(t: dict | None) -> str:
    if t is None:
        return "无"
    words = {"approved": "核定", "actual": "实有", "pools": "编制池"}
    return "、".join(f"{words[k]} {v}" for k, v in t.items())


@click.command()
@click.argument("packs", nargs=-1, required=True, metavar="数据包文件夹...")
@click.option("--out", "out", metavar="文件夹", default="reports/national", show_default=True,
              help="输出文件夹(网页报表、工作簿和 CSV;整体写入)")
@click.option("--force", is_flag=True, help="输出文件夹中有不是 orgmodel 生成的文件时仍然写入(这些文件保留)")
def national(packs, out, force):
    """汇总多个数据包(各省、各市的台账):分层级编制收支、下沉比例、跨层级调剂、编外人员和网格、
    问题统计、一人多编,并核对各数据包与其清单。写出网页报表、工作簿和 CSV。"""
    from ..national.pack import PackError, open_pack
    from ..national.report import write_national
    from ..national.rollup import roll_up

    opened, problems = [], []
    for folder in _pack_folders(packs):
        try:
            opened.append(open_pack(folder))
        except PackError as exc:
            problems.append(str(exc))
    if problems:
        for line in problems:
            click.echo(f"错误:{line}", err=True)
        click.echo(f"有 {len(problems)} 个数据包无法使用,未汇总", err=True)
        sys.exit(EXIT_UNREADABLE)
    progress(f"正在汇总 {len(opened)} 个数据包")
    try:
        results = roll_up(opened)
    except PackError as exc:
        fail(str(exc))
    written = published(out, lambda stage: write_national(stage, results, opened), force, [Path(p) for p in packs])
    agree = results["agreement"]
    bad = int((agree["agrees"] == 0).sum())
    people = results["duplicates"]["person"].nunique() if not results["duplicates"].empty else 0
    click.echo(f"已汇总 {len(opened)} 个数据包,写出 {len(written)} 个文件到 {out}(首页 {out}/index.html);"
               f"一人多编 {people} 人;" + (f"有 {bad} 行与数据包清单不一致" if bad else "各数据包与其清单一致"))
    sys.exit(1 if bad else 0)


def _pack_folders(paths) -> list[Path]:
    """Each argument a pack, or a folder of packs (each sub-folder with a manifest)."""
    out = []
    for p in map(Path, paths):
        if p.is_dir() and not (p / "manifest.json").exists():
            subs = sorted(s for s in p.iterdir() if (s / "manifest.json").is_file())
            out += subs or [p]
        else:
            out.append(p)
    return out


NATIONAL_COMMANDS = (pack, pack_all, pack_key, pack_check, national)
