"""Write the output of every command on the demo, the case studies and a synthetic county
into one folder, so that two versions of orgmodel can be compared file by file.

Usage::

    python scripts/snapshot_outputs.py OUT                       # this checkout
    ORGMODEL_TREE=/path/to/other/checkout python scripts/snapshot_outputs.py OUT2
    diff -r OUT OUT2                                             # what changed

Every command runs in-process (click's CliRunner) from a scratch folder holding a copy of
this checkout's ``data/``, so both versions read the same input under the same relative
paths. For each command the folder gets ``NN-name.out`` (stdout, stderr, then the exit code) and,
for reports and the demo, the files written. Workbooks are compared by their cells (the
file itself carries a timestamp), written as ``.cells.txt`` beside the workbook.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parents[1]
TREE = Path(os.environ.get("ORGMODEL_TREE", HERE)).resolve()
sys.path.insert(0, str(TREE))

from click.testing import CliRunner  # noqa: E402

from cli import main  # noqa: E402

SCENARIOS = {
    "tengzhou": ("data/scenarios/tengzhou/base", "滕州市/社会治理综合服务中心"),
    "zhucheng": ("data/scenarios/zhucheng/base", None),
    "neijiang": ("data/scenarios/neijiang/base", "甲镇/社会治理服务中心"),
    "qilan-2026": ("data/demo", "市企业服务中心"),
}
BY = ("body", "township", "county", "total", "leaders", "sinking")


def commands() -> list[tuple[str, list[str]]]:
    """(name, argv) of every command run, in order."""
    out: list[tuple[str, list[str]]] = []
    ledgers = {"demo": "data/demo", "county": "county", **{k: v[0] for k, v in SCENARIOS.items() if k != "qilan-2026"}}
    for name, led in ledgers.items():
        out += [(f"{name}-check", ["check", led]), (f"{name}-check-json", ["check", led, "--format", "json"])]
        for by in BY:
            for fmt in ("table", "csv", "json"):
                out.append((f"{name}-balance-{by}-{fmt}", ["balance", led, "--by", by, "--format", fmt]))
        out.append((f"{name}-report-balance", ["report", "balance", led, "--out", f"out/{name}-balance"]))
        out.append((f"{name}-report-public", ["report", "balance", led, "--public", "--out", f"out/{name}-public"]))
        out.append((f"{name}-report-audit", ["report", "audit", led, "--out", f"out/{name}-audit"]))
    for day in ("2021-06-30", "2023-12-31"):
        out.append((f"demo-check-{day}", ["check", "data/demo", "--as-of", day, "--format", "json"]))
        for by in BY:
            out.append((f"demo-balance-{by}-{day}", ["balance", "data/demo", "--by", by, "--as-of", day, "--format", "json"]))
    for name, (base, body) in SCENARIOS.items():
        scen = f"data/scenarios/{name}/scenario.yaml"
        out += [(f"{name}-simulate", ["simulate", base, scen]),
                (f"{name}-simulate-json", ["simulate", base, scen, "--format", "json"]),
                (f"{name}-report-scenario", ["report", "scenario", base, scen, "--out", f"out/{name}-scenario"])]
        if body:
            out += [(f"{name}-trace", ["trace", base, body, "--scenario", scen]),
                    (f"{name}-trace-json", ["trace", base, body, "--scenario", scen, "--format", "json"])]
    both = ["data/scenarios/qilan-2026/scenario.yaml", "data/scenarios/qilan-2026/scenario.yaml"]
    for fmt in ("table", "csv", "json"):
        out.append((f"demo-compare-{fmt}", ["compare", "data/demo", *both, "--format", fmt]))
    for body in ("青石镇/党政办公室", "市企业服务中心", "栖澜市收回编制池", "市中小企业服务中心"):
        out += [(f"demo-trace-{body.replace('/', '_')}", ["trace", "data/demo", body]),
                (f"demo-trace-{body.replace('/', '_')}-json", ["trace", "data/demo", body, "--format", "json"])]
    out += roster_commands() + store_commands()
    out.append(("demo", ["demo", "--out", "out/demo"]))
    return out


def roster_commands() -> list[tuple[str, list[str]]]:
    """The real-name roster: audit, forecast, and the balance views that count from it."""
    out: list[tuple[str, list[str]]] = []
    roster = "data/roster"
    for fmt in ("table", "csv", "json"):
        out.append((f"demo-audit-{fmt}", ["audit", "data/demo", "--roster", roster, "--format", fmt]))
    out += [("demo-audit-public", ["audit", "data/demo", "--roster", roster, "--public"]),
            ("demo-audit-forecast", ["audit", "data/demo", "--roster", roster, "--forecast", "3", "--format", "json"]),
            ("demo-audit-forecast-body", ["audit", "data/demo", "--roster", roster, "--forecast", "2", "--by", "body"])]
    for by in ("body", "township", "total"):
        out.append((f"demo-balance-roster-{by}", ["balance", "data/demo", "--by", by, "--roster", roster, "--format", "json"]))
    out += [("demo-export-roster", ["export", "data/demo", "out/roster-export.xlsx", "--roster", roster]),
            ("demo-report-balance-roster", ["report", "balance", "data/demo", "--roster", roster, "--out", "out/roster-balance"]),
            ("demo-report-audit-roster", ["report", "audit", "data/demo", "--roster", roster, "--out", "out/roster-audit"])]
    return out


def store_commands() -> list[tuple[str, list[str]]]:
    """The ledger database: import the demo, commit the 2026 plan, correct, and read it back."""
    db, plan = "out/store.db", "data/scenarios/qilan-2026/scenario.yaml"
    return [("store-init", ["init", db]), ("store-import", ["import", db, "data/demo", "--by", "张三"]),
            ("store-commit", ["commit", db, plan, "--by", "李四"]),
            ("store-check", ["check", db, "--format", "json"]),
            ("store-balance", ["balance", db, "--by", "township", "--format", "csv"]),
            ("store-log-body", ["log", db, "--body", "市企业服务中心", "--format", "csv"]),
            ("store-log-doc", ["log", db, "--doc", "栖编〔2026〕1号", "--format", "json"]),
            ("store-correct", ["correct", db, "3", "--by", "王五", "--doc", "栖编〔2026〕9号", "--force"]),
            ("store-balance-after", ["balance", db, "--by", "total", "--format", "json"]),
            ("store-dump", ["dump", db, "out/store-dump"]),
            ("store-verify", ["verify", db])]


def workbook_cells(path: Path) -> str:
    """Every sheet's cells as text lines, for comparing workbooks without their timestamps."""
    import openpyxl

    book = openpyxl.load_workbook(path)
    lines = []
    for sheet in book.worksheets:
        lines.append(f"## {sheet.title}")
        lines += ["\t".join("" if v is None else str(v) for v in row) for row in sheet.iter_rows(values_only=True)]
    return "\n".join(lines) + "\n"


def make_county(folder: Path) -> None:
    from orgmodel.sources.synthetic import Params, generate

    generate(folder, Params(townships=20))


def main_(out: Path) -> int:
    out = out.resolve()
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    work = Path(tempfile.gettempdir()) / "orgmodel-snapshot-work"  # a fixed path: commands print it
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    shutil.copytree(HERE / "data", work / "data")
    make_county(work / "county")
    os.chdir(work)
    runner = CliRunner()
    for i, (name, argv) in enumerate(commands()):
        result = runner.invoke(main, argv)
        (out / f"{i:03d}-{name}.out").write_text(
            f"{result.stdout}\n[stderr]\n{result.stderr}\n[exit {result.exit_code}]\n", encoding="utf-8")
        if result.exception and not isinstance(result.exception, SystemExit):
            print(f"{name}: {type(result.exception).__name__}: {result.exception}", file=sys.stderr)
    written = work / "out"
    if written.exists():
        for path in sorted(written.rglob("*")):
            if path.is_file():
                dest = out / "files" / path.relative_to(written)
                dest.parent.mkdir(parents=True, exist_ok=True)
                if path.suffix == ".xlsx":
                    dest.with_suffix(".cells.txt").write_text(workbook_cells(path), encoding="utf-8")
                else:
                    shutil.copy2(path, dest)
    shutil.rmtree(work)
    print(f"{len(commands())} commands, tree {TREE} → {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main_(Path(sys.argv[1])))
