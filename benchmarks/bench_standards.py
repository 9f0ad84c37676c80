"""Staffing standards and the reform facts' views at province scale (issue 30): ``balance --by
standard`` and the other views added with it, and ``allocate``.

    python benchmarks/bench_standards.py                    # /work/province, work folder /tmp/bench/standards

The province ledger is linked file by file (``cp -al``) into the work folder, which adds one
file of drivers (beds of every general hospital, drawn around what the standard gives for its
quota) and a configuration with the hospital standard and the Jiangsu township bands (which
read every township's population). The province's own files are never written. Each step
runs as its own process; the floor is ``balance --by total`` of the same ledger. Prints wall
clock, CPU and peak memory per step.
"""

from __future__ import annotations

import argparse
import hashlib
import re
import shutil
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_tabular import ORGMODEL, line, measure  # noqa: E402

HOSPITAL = re.compile(r"op: approve, doc: [^,]+, body: (\d+)/((?:人民|中医)医院), type: 事业编制, amount: (\d+)")
CONFIG = """\
rules:
  over-quota: {severity: warning}
  over-posts: {severity: warning}
standards:
  综合医院编制标准:
    measures: 事业编制
    where: {name_endings: [医院]}
    versions:
      - from: 1978-12-01
        doc: 卫医字〔1978〕1689号
        confirmed: false
        bands: {driver: 床位, rows: [{below: 300, per_unit: [1.3, 1.4]}, {below: 500, per_unit: [1.4, 1.5]},
                                    {below: null, per_unit: [1.6, 1.7]}]}
  乡镇行政编制:
    measures: 行政编制
    for: division
    where: {level: [乡镇]}
    versions:
      - {from: 2007-01-01, doc: 江苏2007, confirmed: false,
         bands: {driver: 人口, rows: [{below: 50000, value: 30}, {below: 70000, value: 35}, {below: null, value: 40}]}}
"""


def prepare(province: Path, work: Path) -> tuple[Path, Path, int]:
    """The linked ledger with its drivers file, the config, and how many hospitals have beds."""
    ledger = work / "province"
    if ledger.exists():
        shutil.rmtree(ledger)
    subprocess.run(["cp", "-al", str(province), str(ledger)], check=True)
    rows = []
    for file in sorted(province.glob("01-base-*.yaml")):
        for m in HOSPITAL.finditer(file.read_text(encoding="utf-8")):
            quota = int(m.group(3))
            spread = 85 + hashlib.sha256(f"{m.group(1)}/{m.group(2)}".encode()).digest()[0] % 30  # 85–114 %
            beds = max(20, round(quota / 1.35 * spread / 100))
            rows.append(f"- {{date: 2025-09-01, op: counts, body: {m.group(1)}/{m.group(2)}, counts: {{床位: {beds}}}}}")
    (ledger / "90-drivers.yaml").write_text("\n".join(rows) + "\n", encoding="utf-8")
    config = work / "standards.yaml"
    config.write_text(CONFIG, encoding="utf-8")
    return ledger, config, len(rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--province", type=Path, default=Path("/work/province"))
    ap.add_argument("--work", type=Path, default=Path("/tmp/bench/standards"))
    ap.add_argument("--pool", default="丰德县收回编制池")
    ap.add_argument("--count", type=int, default=20)
    args = ap.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    ledger, config, hospitals = prepare(args.province, args.work)
    print(f"{ledger}: {hospitals} hospitals with beds")
    cfg = ["--config", str(config)]
    steps = [
        ("balance --by total (floor)", [*ORGMODEL, "-q", "balance", str(ledger), "--by", "total", *cfg]),
        ("balance --by standard", [*ORGMODEL, "-q", "balance", str(ledger), "--by", "standard", "--format", "csv", *cfg]),
        *[(f"balance --by {by}", [*ORGMODEL, "-q", "balance", str(ledger), "--by", by, "--format", "csv", *cfg])
          for by in ("cross_level", "hiring", "ranks", "earmarks", "secondments", "measures")],
        (f"allocate {args.count}", [*ORGMODEL, "-q", "allocate", str(ledger), "--from", args.pool, "--count",
                                    str(args.count), "--standard", "综合医院编制标准", "--out",
                                    str(args.work / "分配方案.yaml"), "--force", *cfg]),
    ]
    for name, argv in steps:
        result, out = measure(argv)
        rows = out.count("\n")
        line(name, result, f"  {rows} lines out")
    print((args.work / "分配方案.yaml").read_text(encoding="utf-8").splitlines()[0] if (args.work / "分配方案.yaml").exists() else "")


if __name__ == "__main__":
    main()
