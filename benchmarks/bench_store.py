"""The ledger database against YAML ledgers at province scale: check and balance, cold and warm.

    python scripts/make_province.py /tmp/bench/province-2000
    python scripts/restyle_ledger.py /tmp/bench/province-2000 /tmp/bench/province-block --style block
    python benchmarks/bench_store.py /tmp/bench/province-2000 /tmp/bench/province-block [--work /tmp/bench/store]

Every step runs as a child process (wall clock, CPU and that child's own peak memory from
``os.wait4``), with its own cache folder, so "cold" means an empty cache and "warm" the same
command run again. The floors are measured in the same run: reading the bytes, the C YAML
parser alone, and reading every record's JSON out of the database.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_tabular import ORGMODEL, child_json, line, measure  # noqa: E402

READ_BYTES = """
from pathlib import Path
n = sum(len(p.read_bytes()) for p in Path(PATH).rglob("*.yaml"))
print(json.dumps({"rows": n}))"""

C_YAML = """
from pathlib import Path
import yaml
n = 0
for p in sorted(Path(PATH).rglob("*.yaml")):
    n += len(yaml.load(p.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader) or [])
print(json.dumps({"rows": n}))"""

DB_ROWS = """
import sqlite3
db = sqlite3.connect(PATH)
n = sum(1 for (body,) in db.execute("SELECT body FROM directives ORDER BY id") if json.loads(body))
print(json.dumps({"rows": n}))"""


def run(name: str, argv: list[str], cache: Path | None, **env) -> None:
    """One command under ``cache`` (None: caching off), printed as a line."""
    saved = dict(os.environ)
    os.environ.update({"ORGMODEL_CACHE_DIR": str(cache)} if cache else {"ORGMODEL_CACHE": "0"})
    os.environ.update(env)
    try:
        line(name, measure([*ORGMODEL, *argv])[0])
    finally:
        os.environ.clear()
        os.environ.update(saved)


def floor(name: str, code: str, path: Path, work: Path) -> None:
    r, info = child_json(code, PATH=path, WORK=work)
    line(f"floor: {name}", r, f"{info.get('rows', 0):,}" if info else "")


def plan_for(flow_ledger: Path, work: Path) -> Path:
    """A one-transfer plan between two bodies of one division, dated after the ledger's last day."""
    text = (flow_ledger / "01-base-c01.yaml").read_text(encoding="utf-8")
    bodies: dict[str, list[str]] = {}
    for m in re.finditer(r"op: approve, doc: [^,]+, body: (\d+)/([^,]+), type: 行政编制, amount: (\d+)", text):
        if int(m.group(3)) >= 5:
            bodies.setdefault(m.group(1), []).append(m.group(2))
    division, names = next((k, v) for k, v in bodies.items() if len(v) >= 2)
    plan = work / "方案.yaml"
    plan.write_text("name: 基准调剂\ndirectives:\n"
                    f"  - {{date: 2026-01-15, op: transfer, doc: 模编〔2026〕1号, from: {division}/{names[0]}, "
                    f"to: {division}/{names[1]}, type: 行政编制, amount: 1}}\n", encoding="utf-8")
    return plan


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("flow", type=Path, help="the flow-style ledger (make_province.py)")
    ap.add_argument("block", type=Path, help="the same ledger in block style (restyle_ledger.py)")
    ap.add_argument("--work", type=Path, default=Path("/tmp/bench/store"))
    ap.add_argument("--db", type=Path, default=None, help="reuse this database instead of importing")
    args = ap.parse_args()
    work = args.work
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    print(f"{'step':<44} {'wall':>10} {'CPU':>12} {'peak':>11}")
    floor("read the block YAML's bytes", READ_BYTES, args.block, work)
    floor("C YAML parser, block style", C_YAML, args.block, work)
    floor("C YAML parser, flow style", C_YAML, args.flow, work)

    for style, ledger in (("block", args.block), ("flow", args.flow)):
        cache = work / f"cache-{style}"
        run(f"check {style} YAML, no cache", ["check", str(ledger)], None)
        run(f"check {style} YAML, parse cache cold", ["check", str(ledger)], cache)
        run(f"check {style} YAML, parse cache warm", ["check", str(ledger)], cache)
        run(f"balance --by township, {style} YAML, warm", ["balance", str(ledger), "--by", "township"], cache)

    db = args.db or work / "prov.db"
    cache = work / "cache-db"
    if args.db is None:
        run("init", ["init", str(db)], None)
        run("import the block YAML (one transaction)", ["import", str(db), str(args.block), "--allow-rule-errors",
                                                        "--by", "基准"], None)
        print(f"{'database file':<44} {db.stat().st_size / 1e6:>8.0f} MB")
    floor("every record's JSON read from the database", DB_ROWS, db, work)
    run("check DB, no checkpoints", ["check", str(db)], cache, ORGMODEL_CHECKPOINTS="0")
    run("check DB, first run (takes the checkpoint)", ["check", str(db)], cache)
    run("check DB, from the year-end checkpoint", ["check", str(db)], cache)
    run("balance DB --by township, no checkpoints", ["balance", str(db), "--by", "township"], cache,
        ORGMODEL_CHECKPOINTS="0")
    run("balance DB --by township, from the checkpoint", ["balance", str(db), "--by", "township"], cache)
    run("balance DB --by township --as-of 2023-06-30", ["balance", str(db), "--by", "township",
                                                         "--as-of", "2023-06-30"], cache)
    run("commit a one-transfer plan", ["commit", str(db), str(plan_for(args.flow, work)), "--by", "基准"], cache)
    run("check DB after the commit (checkpoint still valid)", ["check", str(db)], cache)


if __name__ == "__main__":
    main()
