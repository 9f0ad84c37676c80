"""A large plan simulated on a province ledger kept in the store (issue 14: 10 s or less).

    python benchmarks/bench_simulate.py                      # province-2000 under /tmp/bench
    python benchmarks/bench_simulate.py --plan-size 1000 --db /tmp/bench/simulate/prov.db

The ledger is ``scripts/make_province.py``'s (generated when missing), imported into a
store once. The plan is ``--plan-size`` transfers of one 行政编制 each, between two bodies
of one division, dated after the ledger's last day. Every step runs as its own process
with the user cache in the work folder, so "first run" writes the checkpoints and the base
snapshot and "second run" reads them. The floor, ``check`` of the same store from its
checkpoint, runs in the same call. The package is byte-compiled first, as an installed one is
(with ``PYTHONDONTWRITEBYTECODE`` set, every run would otherwise compile it again: 0.3 s). The
machine's speed can drift by a quarter between runs, so the median of the second runs is
printed last.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_tabular import ORGMODEL, ROOT, line, measure  # noqa: E402

APPROVE = re.compile(r"op: approve, doc: [^,]+, body: (\d+)/([^,]+), type: 行政编制, amount: (\d+)")


def plan_of(ledger: Path, size: int, path: Path) -> Path:
    """``size`` one-post transfers between distinct pairs of bodies holding 5 or more 行政编制."""
    pairs = []
    for file in sorted(ledger.glob("01-base-*.yaml")):
        bodies: dict[str, list[str]] = {}
        for m in APPROVE.finditer(file.read_text(encoding="utf-8")):
            if int(m.group(3)) >= 5:
                bodies.setdefault(m.group(1), []).append(m.group(2))
        for division, names in bodies.items():
            pairs += [(division, a, b) for a, b in zip(names[::2], names[1::2], strict=False)]
        if len(pairs) >= size:
            break
    if len(pairs) < size:
        raise SystemExit(f"{ledger}: only {len(pairs)} pairs of bodies for a plan of {size}")
    lines = [f"  - {{date: 2026-01-15, op: transfer, doc: 模编〔2026〕{i + 1}号, from: {d}/{a}, to: {d}/{b}, "
             f"type: 行政编制, amount: 1}}" for i, (d, a, b) in enumerate(pairs[:size])]
    path.write_text(f"name: 基准调剂 {size} 条\ndirectives:\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ledger", type=Path, default=Path("/tmp/bench/province-2000"))
    ap.add_argument("--townships", type=int, default=2000, help="when the ledger has to be generated")
    ap.add_argument("--work", type=Path, default=Path("/tmp/bench/simulate"))
    ap.add_argument("--db", type=Path, default=None, help="reuse this store instead of importing the ledger")
    ap.add_argument("--plan-size", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5, help="second-run measurements")
    args = ap.parse_args()
    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    os.environ["ORGMODEL_CACHE_DIR"] = str(work / "cache")
    if not any(args.ledger.glob("*.yaml")):
        subprocess.run([sys.executable, str(ROOT / "scripts/make_province.py"), str(args.ledger),
                        "--townships", str(args.townships)], check=True)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "orgmodel"), str(ROOT / "cli.py")], check=True)
    print(f"{'step':<44} {'wall':>10} {'CPU':>12} {'peak':>11}")
    db = args.db or work / "prov.db"
    if not db.exists():
        line("init", measure([*ORGMODEL, "init", str(db)])[0])
        line("import the ledger (one transaction)",
             measure([*ORGMODEL, "import", str(db), str(args.ledger), "--allow-rule-errors", "--by", "基准"])[0])
    plan = plan_of(args.ledger, args.plan_size, work / f"plan-{args.plan_size}.yaml")
    line("floor: check DB (takes the checkpoint)", measure([*ORGMODEL, "check", str(db)])[0])
    line("floor: check DB, from the checkpoint", measure([*ORGMODEL, "check", str(db)])[0])
    outputs, walls = [], []
    for name in ["simulate DB, first run"] + [f"simulate DB, second run #{i + 1}" for i in range(args.runs)]:
        r, out = measure([*ORGMODEL, "simulate", str(db), str(plan)])
        line(f"{name} ({args.plan_size} transfers)", r)
        outputs.append(out)
        walls.append(r["wall"])
    if len(walls) > 1:
        print(f"second runs: median {statistics.median(walls[1:]):.1f} s, fastest {min(walls[1:]):.1f} s, "
              f"slowest {max(walls[1:]):.1f} s")
    print(f"outputs identical across runs: {len(set(outputs)) == 1}; {len(outputs[0].splitlines()):,} lines")


if __name__ == "__main__":
    main()
