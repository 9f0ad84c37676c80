"""``demo``: run the main job on the bundled demo ledger (栖澜市) and write its outputs.

Each output is one function ``fn(run) -> [(Chinese label, path)]`` listed in
:data:`OUTPUTS`; adding an output (HTML pages, say) is one more entry there.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import pandas as pd

from ..answers.checking import Checked
from ..core.findings import sort_findings
from ..core.labels import VALUE_LABELS, label
from ..core.text import formula_safe
from ..report.demo_pages import write_reports
from ..report.publish import PublishError
from .options import EXIT_UNREADABLE, ask, exit_for, open_book, records, summary_line

DEMO_PARTS = ("data", "demo")

# view key -> (Chinese name used for sheets and messages, file stem or None when not written as CSV)
VIEW_NAMES = {
    "body": ("机构", "balance-body"),
    "township": ("乡镇(街道)", "balance-township"),
    "county": ("县(市、区)", "balance-county"),
    "total": ("全辖区总量", "balance-total"),
    "leaders": ("领导职数", None),
    "sinking": ("下沉比例", None),
}


def find_demo_ledger(cwd: Path | None = None) -> Path:
    """``data/demo`` under the current directory (or ``cwd``) if present, else the copy that
    ``pip install`` puts under ``<prefix>/share/orgmodel``, else the one next to the package. Under the current directory the path stays relative, so findings read
    ``data/demo/…:line``."""
    here = cwd.joinpath(*DEMO_PARTS) if cwd else Path(*DEMO_PARTS)
    if here.is_dir():
        return here
    installed = Path(sys.prefix, "share", "orgmodel").joinpath(*DEMO_PARTS)  # setup.cfg data_files
    if installed.is_dir():
        return installed
    return Path(__file__).resolve().parents[2].joinpath(*DEMO_PARTS)


@dataclass
class DemoRun:
    """Everything the outputs read: the checked ledger (its state, findings and tables) and the folder."""

    checked: Checked
    out: Path
    roster: object = None  # the demo roster reconciled with the ledger (orgmodel.roster.Reconciled), if bundled

    @property
    def ledger(self):
        return self.checked.ledger

    @property
    def state(self):
        return self.checked.state

    @property
    def findings(self):
        return self.checked.findings

    def view(self, key: str) -> pd.DataFrame:
        return self.checked.tables.view(key)


def chinese(df: pd.DataFrame) -> pd.DataFrame:
    """Chinese headers, and 是/否 for yes/no columns."""
    df = df.copy()
    for col in df.columns:
        if pd.api.types.is_bool_dtype(df[col]):
            df[col] = df[col].map(VALUE_LABELS)
    return df.rename(columns=label)


def write_csvs(run: DemoRun) -> list[tuple[str, Path]]:
    """One CSV per main view, UTF-8 with BOM so that Excel shows the Chinese correctly."""
    out = []
    for key, (name, stem) in VIEW_NAMES.items():
        if stem:
            path = run.out / f"{stem}.csv"
            formula_safe(chinese(run.view(key))).to_csv(path, index=False, encoding="utf-8-sig")
            out.append((f"编制收支表({name},CSV)", path))
    return out


def write_json(run: DemoRun) -> list[tuple[str, Path]]:
    """All views as JSON records (English field names, as ``balance --format json``)."""
    path = run.out / "balance.json"
    data = {"ledger": str(run.ledger.root), "as_of": str(run.state.as_of),
            "views": {key: records(run.view(key)) for key in VIEW_NAMES}}
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return [("全部编制收支表(JSON)", path)]


def write_findings(run: DemoRun) -> list[tuple[str, Path]]:
    """Findings as ``file:line: [rule] message`` lines with a closing summary."""
    path = run.out / "findings.txt"
    lines = [f.format() for f in sort_findings(run.findings)] + [summary_line(run.findings)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [("问题清单", path)]


def write_xlsx(run: DemoRun) -> list[tuple[str, Path]]:
    """The formatted balance workbook, the same as ``orgmodel export`` writes."""
    from ..core.signoff import signoff_line
    from ..tabular.export import balance_tables
    from ..tabular.workbook import write_workbook

    path = write_workbook(run.out / "balance.xlsx", balance_tables(run.checked),
                          signoff=[signoff_line(run.checked.ledger.config)])
    return [("编制收支工作簿(Excel,可打印)", path)]


def write_roster_audit(run: DemoRun) -> list[tuple[str, Path]]:
    """The roster audit (as ``orgmodel audit``): every finding, people named with masked ID
    numbers (internal), and the counts per kind and township that may be published."""
    if run.roster is None:
        return []
    from ..roster import public_summary

    internal = run.out / "roster-audit.txt"
    findings = sort_findings(run.roster.findings)
    internal.write_text("【内部资料】\n" + "\n".join(f.format() for f in findings) + "\n" + summary_line(findings) + "\n",
                        encoding="utf-8")
    public = run.out / "roster-audit-public.csv"
    formula_safe(chinese(public_summary(findings, run.roster.latest.state))).to_csv(public, index=False,
                                                                                     encoding="utf-8-sig")
    return [("花名册核对问题清单(内部资料)", internal), ("花名册核对统计(只含人数,可公开)", public)]


def find_demo_roster(ledger_root: Path) -> Path | None:
    """The demo's roster folder (``data/roster``, beside the demo ledger), if bundled."""
    folder = Path(ledger_root).parent / "roster"
    return folder if folder.is_dir() else None


OUTPUTS = [write_csvs, write_json, write_findings, write_xlsx, write_roster_audit, write_reports]


@click.command()
@click.option("--out", "out", metavar="文件夹", default="reports/demo", show_default=True, help="输出文件夹")
def demo(out):
    """演示:检查内置的栖澜市演示台账,写出编制收支表(CSV、JSON、Excel)、问题清单和 HTML 报表(收支、问题、改革方案)。"""
    path = find_demo_ledger()
    book = open_book(str(path))
    result = ask(book).checked
    click.echo(f"演示台账:{path}({len(result.ledger.directives)} 条指令,截至 {result.as_of})")
    click.echo(f"检查结果:{summary_line(result.findings)}")
    run = DemoRun(result, Path(out))
    roster = find_demo_roster(path)
    if roster is not None:
        run.roster = ask(book, result.as_of, roster=str(roster), rules=False).reconciled
        click.echo(f"花名册核对:{roster}({len(run.roster.latest.snapshot.people)} 人):{summary_line(run.roster.findings)}")
    try:
        if run.out.exists() and not run.out.is_dir():
            raise PublishError(f"{run.out} 是一个文件,不是文件夹;请用 --out 指定一个文件夹")
        run.out.mkdir(parents=True, exist_ok=True)
        for write in OUTPUTS:
            for what, written in write(run):
                click.echo(f"已写出{what}:{written}")
    except PublishError as exc:
        click.echo(f"错误:{exc}", err=True)
        sys.exit(EXIT_UNREADABLE)
    sys.exit(exit_for(result.findings))
