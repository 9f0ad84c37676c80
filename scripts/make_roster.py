"""Write made-up real-name rosters (实名制花名册) for a ledger: one snapshot per date, one in-post
person per unit of each body's recorded 实有, with a few of every problem ``orgmodel audit``
finds planted in them (``--clean`` leaves them out). Byte for byte the same on every run.

    python scripts/make_roster.py data/demo data/roster                       # the demo's rosters
    python scripts/make_roster.py /tmp/bench/prov.db /tmp/bench/roster --dates 2025-12-31 --csv
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from orgmodel.ledger import load  # noqa: E402
from orgmodel.roster import synthetic  # noqa: E402
from orgmodel.tabular.workbook import TEXT, Table, write_workbook  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("ledger")
    ap.add_argument("out", type=Path)
    ap.add_argument("--dates", nargs="+", default=["2024-12-31", "2025-12-31"])
    ap.add_argument("--csv", action="store_true", help="CSV files (UTF-8 with a BOM) instead of workbooks")
    ap.add_argument("--clean", action="store_true", help="no planted problems")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    led = load(args.ledger)
    args.out.mkdir(parents=True, exist_ok=True)
    snapshots = synthetic.rosters(led, [dt.date.fromisoformat(d) for d in args.dates], args.seed)
    if not args.clean:
        synthetic.plant(snapshots, led, args.seed)
    for day, rows in snapshots:
        cells = synthetic.table_rows(rows)
        if args.csv:
            path = args.out / f"{day}.csv"
            with open(path, "w", encoding="utf-8-sig", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(synthetic.HEADERS)
                writer.writerows(cells)
        else:
            path = args.out / f"{day}.xlsx"
            table = Table("花名册", "", [(h, TEXT) for h in synthetic.HEADERS], cells)
            write_workbook(path, [table], created=dt.datetime(day.year, day.month, day.day))
        print(f"{path}:{len(rows)} 人")


if __name__ == "__main__":
    main()
