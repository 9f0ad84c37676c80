"""``chart``: the org chart (机构图) of a division as SVG or as printable HTML pages."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..core.outputs import OutputError
from ..ledger.outputs import check_file, read_paths
from .options import EXIT_UNREADABLE, Words, as_of_option, ask, config_option, fail, open_book, simulated, stop_if_refused

SUFFIXES = (".svg", ".html", ".htm")


@click.command()
@click.argument("ledger")
@click.option("--division", "division", metavar="区划", default=None,
              help="画哪个区划的机构图:区划名称或代码(默认:顶级区划)。乡镇含其村(社区)机构;县含本级及不属于乡镇的机构")
@as_of_option
@click.option("--scenario", "scenario", metavar="方案文件", default=None,
              help="画出方案实施前后的机构图(不给 --division 时画方案涉及的每个区划):新设、撤销、合并、更名、调整隶属、编制变化的机构分色标出")
@click.option("--paper", type=Words({"A3": ("a3",), "A4": ("a4",)}), default="A3", show_default=True,
              help="打印用纸(横向);只影响 .html 输出的分页")
@click.option("--out", "out", metavar="文件", default="reports/机构图.html", show_default=True,
              help="输出文件:以 .svg 结尾写出一张 SVG 图,以 .html 结尾写出可打印的分页文档(目录、页码、签字栏)")
@click.option("--force", is_flag=True, help="输出文件已存在时覆盖它")
@click.option("--templates", "templates", metavar="模板文件夹", default=None, help="自定义模板文件夹(同名模板优先于内置模板)")
@config_option
def chart(ledger, division, as_of, scenario, paper, out, force, templates, config_path):
    """机构图:按领导机构和机构类别(党委部门、政府部门、事业单位、派驻机构、议事协调机构)分组,
    每个机构一个方框,写明名称、牌子、各类编制核定/实有(超编红色、空编标出)和领导职数。
    加 --scenario 画出改革前后两张图。.html 按 A3(或 A4)横向分页,打印与存为 PDF 页面一致。"""
    from ..answers.orgchart import ChartError, chart_of, division_code, plan_charts, touched_divisions
    from ..report.orgchart_print import chart_svg_file, write_chart_html

    if Path(out).suffix.lower() not in SUFFIXES:
        click.echo(f"错误:输出文件须以 .svg 或 .html 结尾(收到“{out}”)", err=True)
        sys.exit(EXIT_UNREADABLE)
    reads = read_paths(ledger, config_path, (scenario, templates))
    try:
        path = check_file(out, reads, force)
    except OutputError as exc:
        fail(str(exc))
    book = open_book(ledger, config_path)
    try:
        if scenario:
            sim = simulated(book, scenario, as_of)
            codes = [division_code(sim.after, division)] if division else touched_divisions(sim)
            charts = [c for pair in plan_charts(sim, codes or [division_code(sim.after, None)]) for c in pair]
        else:
            answer = ask(book, as_of, rules=False)
            stop_if_refused(answer.refusal(), "画机构图")  # a chart must not rest on a ledger that failed to read
            charts = [chart_of(answer.state, division_code(answer.state, division))]
    except ChartError as exc:
        fail(str(exc))
    try:
        if path.suffix.lower() == ".svg":
            from ..core.outputs import atomic_write

            text = chart_svg_file(charts)
            atomic_write(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))
            pages = ""
        else:
            from ..report.orgchart_print import pages_of

            write_chart_html(charts, path, paper, book.config, book.ledger, templates)
            pages = f",{len(pages_of(charts, paper)) + 1} 页"
    except OutputError as exc:
        fail(str(exc))
    sizes = "、".join(f"{c.title}{'(' + c.side + ')' if c.side else ''} {len(c.bodies)} 个机构" for c in charts)
    if len(charts) > 2:
        sizes = f"方案涉及的 {len(charts) // 2} 个区划改革前后各一张:{'、'.join(dict.fromkeys(c.title for c in charts))}"
    click.echo(f"已写出机构图({sizes}{pages}):{path.resolve()}")
