"""``simulate``, ``compare`` and ``trace``: reorganisation scenarios and quota provenance.

The commands load and compute; :mod:`orgmodel.commands.simulate_render` renders.
"""

from __future__ import annotations

import json
import sys

import click

from ..answers.scenario_diff import compare_frames
from ..core.findings import Finding
from ..report.trace_text import trace_lines
from .options import (
    as_of_option,
    ask,
    config_option,
    exit_for,
    format_option,
    open_book,
    scenario_option,
    simulated,
    summary_line,
)
from .simulate_render import echo_comparison, echo_simulation, simulation_json, trace_json


@click.command()
@click.argument("ledger")
@click.argument("scenario", metavar="方案文件")
@as_of_option
@config_option
@format_option("text", "json")
def simulate(ledger, scenario, as_of, config_path, fmt):
    """模拟改革方案:台账 + 方案指令,列出变化和方案引起的问题,不改动台账。

    台账原有的问题只计数(运行 orgmodel check 查看)。方案引起错误时退出码 1,无法读取 2。"""
    book = open_book(ledger, config_path)
    sim = simulated(book, scenario, as_of)
    if fmt == "json":
        click.echo(json.dumps(simulation_json(sim), ensure_ascii=False, indent=2))
    else:
        echo_simulation(sim)
    sys.exit(exit_for(sim.findings, book.ledger))


def column_names(names: list[str], paths: list[str]) -> list[str]:
    """One distinct column title per scenario: its name, else its path, numbered if still repeated."""
    titles = [n if names.count(n) == 1 else p for n, p in zip(names, paths)]
    return [t if titles.count(t) == 1 else f"{t}({i})" for i, t in enumerate(titles, 1)]


@click.command()
@click.argument("ledger")
@click.argument("scenarios", metavar="方案文件...", nargs=-1, required=True)
@as_of_option
@config_option
@format_option("text", "csv", "json")
def compare(ledger, scenarios, as_of, config_path, fmt):
    """比较多个方案:现状与各方案的全辖区总量、各乡镇编制和有变化的机构并列显示,并列出各方案的问题。"""
    book = open_book(ledger, config_path, keep=len(scenarios))
    sims = [simulated(book, path, as_of) for path in scenarios]  # on the same day they share one check of the base
    names = column_names([s.scenario.name for s in sims], [s.scenario.path for s in sims])
    totals, towns, bodies = compare_frames(sims, names)
    findings: list[Finding] = [f for s in sims for f in s.findings]
    echo_comparison(names, sims, totals, towns, bodies, fmt)
    sys.exit(exit_for(findings, book.ledger))


@click.command()
@click.argument("ledger")
@click.argument("body", metavar="机构")
@scenario_option
@as_of_option
@config_option
@format_option("text", "json")
def trace(ledger, body, scenario_paths, as_of, config_path, fmt):
    """追溯编制来源:某机构(或编制池)现有核定编制经哪些调剂、合并、编制池和文件而来。"""
    result = ask(open_book(ledger, config_path), as_of, scenario_paths, rules=False)  # rules add nothing to a trace
    if result.findings:
        click.echo(f"注意:台账有问题({summary_line(result.findings)}),追溯可能不完整;运行 orgmodel check 查看。", err=True)
    holder, why = result.find(body)
    if holder is None:
        click.echo(f"错误:{why}", err=True)
        sys.exit(exit_for([], result.ledger) or 1)
    t = result.trace(holder)
    if fmt == "json":
        click.echo(json.dumps(trace_json(t, why), ensure_ascii=False, indent=2))
    else:
        click.echo("\n".join(trace_lines(t, why)))
    sys.exit(0 if t.ok else 1)
