"""The roster audit at province scale: reading the roster, reconciling it, writing the findings.

Usage::

    python scripts/make_province.py /tmp/bench/province-2000
    python scripts/make_roster.py /tmp/bench/province-2000 /tmp/bench/roster --dates 2025-12-31 --csv
    python benchmarks/bench_roster.py /tmp/bench/province-2000 /tmp/bench/roster/2025-12-31.csv

Each step runs in its own child process, so its peak memory is its own:

1. the floors: reading the roster's bytes, and pandas' C CSV parser (or python-calamine for a
   workbook) reading every cell as text, which is what any reader of ours must at least cost;
2. the stages inside one process: reading the roster (``read_roster``), replaying the ledger to
   the roster's date, reconciling (``audit``), and writing the findings as CSV;
3. ``orgmodel audit LEDGER --roster R --format csv`` end to end, as a user runs it.

Prints wall clock, CPU and peak memory per step, and the roster's rows and findings.
"""

from __future__ import annotations

import argparse
import sys
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_tabular import ORGMODEL, ROOT, child_json, line, measure  # noqa: E402

FLOORS = {
    "floor: read the bytes": "data = open(PATH, 'rb').read()\nprint(json.dumps({'rows': data.count(b'\\n')}))",
    "floor: pandas read_csv (C parser, text)": textwrap.dedent("""\
        import pandas as pd
        frame = pd.read_csv(PATH, dtype=str, keep_default_na=False, encoding='utf-8-sig')
        print(json.dumps({'rows': len(frame)}))"""),
    "floor: python-calamine": textwrap.dedent("""\
        from python_calamine import CalamineWorkbook
        book = CalamineWorkbook.from_path(PATH)
        print(json.dumps({'rows': sum(len(book.get_sheet_by_name(n).to_python()) for n in book.sheet_names)}))"""),
}

STAGES = textwrap.dedent("""\
    import csv, gc, sys, time
    sys.path.insert(0, ROOT)
    gc.disable()  # as the CLI builds what lives until the command ends (commands.options.long_lived)
    from orgmodel.ledger import load
    from orgmodel.roster.audit import audit
    from orgmodel.roster.read import read_roster
    times = {}
    t = time.perf_counter()
    roster = read_roster(PATH)
    times['read the roster'] = time.perf_counter() - t
    snap = roster.latest
    t = time.perf_counter()
    ledger = load(LEDGER)
    state = ledger.state(snap.date)
    times['replay the ledger to its date'] = time.perf_counter() - t
    t = time.perf_counter()
    result = audit(state, snap, snap.date, ledger.first_date())
    times['reconcile (audit)'] = time.perf_counter() - t
    t = time.perf_counter()
    with open(WORK + '/findings.csv', 'w', encoding='utf-8-sig', newline='') as fh:
        w = csv.writer(fh)
        for f in result.findings:
            w.writerow([f.rule, f.severity, str(f.source), f.message])
    times['write the findings (CSV)'] = time.perf_counter() - t
    print(json.dumps({'times': times, 'people': len(snap.people), 'findings': len(result.findings)}))""")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ledger", type=Path, help="a YAML ledger folder or a store (.db)")
    ap.add_argument("roster", type=Path, help="a roster file (.csv or .xlsx)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/bench/roster-work"))
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    names = {"PATH": args.roster, "WORK": args.work, "ROOT": ROOT, "LEDGER": args.ledger}
    print(f"roster {args.roster} ({args.roster.stat().st_size / 1e6:,.0f} MB), ledger {args.ledger}")
    print(f"{'step':<44} {'wall':>10} {'CPU':>12} {'peak':>11}")
    for name, code in FLOORS.items():
        if ("calamine" in name) != (args.roster.suffix.lower() != ".csv"):
            continue
        result, out = child_json(code, **names)
        line(name, result, f"{out.get('rows', 0):,} rows")
    result, out = child_json(STAGES, **names)
    line("stages in one process", result, f"{out.get('people', 0):,} people, {out.get('findings', 0):,} findings")
    for stage, seconds in out.get("times", {}).items():
        print(f"  {stage:<42} {seconds:>8.1f} s")
    result, _ = measure([*ORGMODEL, "audit", str(args.ledger), "--roster", str(args.roster), "--format", "csv"])
    line("orgmodel audit --format csv (end to end)", result)


if __name__ == "__main__":
    main()
