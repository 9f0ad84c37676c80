"""Workbooks at province scale: the state written as a workbook, read back, and checked.

Usage::

    python benchmarks/bench_tabular.py LEDGER [--work DIR] [--as-of D] [--skip-openpyxl]

LEDGER is a YAML ledger (``python scripts/make_province.py /tmp/bench/province-2000`` makes
the province). Each measurement runs in its own child process, so its peak memory is its own:

1. ``orgmodel export LEDGER state.xlsx --state`` (XlsxWriter) and the same tables written by
   openpyxl's write-only mode, for the choice of writer;
2. the floors of reading the workbook back: the bytes alone, python-calamine, pandas'
   ``read_excel(engine="calamine")`` and openpyxl's read-only mode;
3. ``orgmodel check state.xlsx``, ``orgmodel check`` of the same state as a CSV folder, and
   ``orgmodel check LEDGER`` (the YAML it came from), for comparison.

Prints wall clock, CPU and peak memory per step, and the workbook's size and row count.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


ORGMODEL = [sys.executable, str(ROOT / "cli.py")]

# Each floor is a small program run as its own process: (name, code using PATH)
READ_FLOORS = {
    "read the bytes": "data = open(PATH, 'rb').read()\nrows = 0",
    "python-calamine": textwrap.dedent("""\
        from python_calamine import CalamineWorkbook
        book = CalamineWorkbook.from_path(PATH)
        rows = sum(len(book.get_sheet_by_name(n).to_python()) for n in book.sheet_names)"""),
    "pandas read_excel (calamine)": textwrap.dedent("""\
        import pandas as pd
        frames = pd.read_excel(PATH, sheet_name=None, header=None, engine="calamine")
        rows = sum(len(f) for f in frames.values())"""),
    "openpyxl read-only": textwrap.dedent("""\
        import openpyxl
        book = openpyxl.load_workbook(PATH, read_only=True, data_only=True)
        rows = sum(1 for ws in book.worksheets for _ in ws.iter_rows(values_only=True))"""),
}

# The same state tables written by openpyxl's write-only mode (values only, no formats)
OPENPYXL_WRITE = textwrap.dedent("""\
    import sys
    sys.path.insert(0, ROOT)
    import openpyxl
    from orgmodel.checking import check
    from orgmodel.ledger import load
    from orgmodel.tabular.state_sheets import state_tables
    import time
    led = load(LEDGER)
    result = check(led, None, rules=False)
    tables = state_tables(result.state, led.config, led.last_date(), "")
    start = time.perf_counter()
    book = openpyxl.Workbook(write_only=True)
    for t in tables:
        ws = book.create_sheet(t.name[:31])
        ws.append([h for h, _ in t.columns])
        for row in t.rows:
            ws.append(list(row))
    book.save(OUT)
    print(json.dumps({"write": time.perf_counter() - start}))""")


def measure(argv: list[str]) -> tuple[dict, str]:
    """Run ``argv`` once: wall clock, CPU, peak memory (of that child alone) and its stdout."""
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=out, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        out.seek(0)
        err.seek(0)
        rc = os.waitstatus_to_exitcode(status)
        return ({"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024, "rc": rc,
                 "stderr": err.read().decode("utf-8", "replace")[-400:]}, out.read().decode("utf-8", "replace"))


def child_json(code: str, **names) -> tuple[dict, dict]:
    """Run ``code`` in a fresh interpreter with ``names`` bound; its figures and the JSON it printed last."""
    prelude = "import json\n" + "".join(f"{k} = {json.dumps(str(v))}\n" for k, v in names.items())
    script = Path(names["WORK"]) / "_step.py"
    script.write_text(prelude + code, encoding="utf-8")
    result, stdout = measure([sys.executable, str(script)])
    lines = stdout.strip().splitlines()
    return result, (json.loads(lines[-1]) if result["rc"] == 0 and lines else {})


def line(name: str, r: dict, extra: str = "") -> None:
    status = "" if r["rc"] in (0, 1) else f"  exit {r['rc']}: {r['stderr'][-200:]}"
    print(f"{name:<44} {r['wall']:>8.1f} s {r['cpu']:>8.1f} s CPU {r['rss']:>8,.0f} MB {extra}{status}", flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ledger", type=Path)
    ap.add_argument("--work", type=Path, default=Path("/tmp/bench/tabular"))
    ap.add_argument("--skip-openpyxl", action="store_true", help="leave out openpyxl's read and write (slow)")
    args = ap.parse_args()
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    book, folder = work / "state.xlsx", work / "state-csv"

    print(f"{'step':<44} {'wall':>10} {'CPU':>12} {'peak':>11}")
    line("check LEDGER (YAML)", measure([*ORGMODEL, "check", str(args.ledger)])[0])
    r, _ = measure([*ORGMODEL, "export", str(args.ledger), str(book), "--state"])
    line("export --state → xlsx (XlsxWriter)", r, f"{book.stat().st_size / 1e6:.1f} MB")
    r, _ = measure([*ORGMODEL, "export", str(args.ledger), str(folder), "--state"])
    size = sum(p.stat().st_size for p in folder.iterdir()) / 1e6
    line("export --state → CSV folder", r, f"{size:.1f} MB")
    if not args.skip_openpyxl:
        r, info = child_json(OPENPYXL_WRITE, ROOT=ROOT, LEDGER=args.ledger, OUT=work / "openpyxl.xlsx", WORK=work)
        line("same tables, openpyxl write-only (whole run)", r, f"write alone {info.get('write', 0):.1f} s")

    for name, code in READ_FLOORS.items():
        if name.startswith("openpyxl") and args.skip_openpyxl:
            continue
        r, info = child_json(code + "\nprint(json.dumps({'rows': rows}))", PATH=book, WORK=work)
        line(f"floor: {name}", r, f"{info.get('rows', 0):,} rows" if info.get("rows") else "")
    line("check state.xlsx", measure([*ORGMODEL, "check", str(book)])[0])
    line("check state-csv/", measure([*ORGMODEL, "check", str(folder)])[0])
    line("balance state.xlsx --by township (csv)",
         measure([*ORGMODEL, "balance", str(book), "--by", "township", "--format", "csv"])[0])


if __name__ == "__main__":
    main()
