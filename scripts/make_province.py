"""Write a province-scale synthetic ledger (default ~2,000 townships, ~100,000 bodies, ~1,000,000 directives).

Usage: ``python scripts/make_province.py OUT [--townships 200] [--seed 1]``. Deterministic by seed.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from orgmodel.sources.synthetic import Params, generate  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="生成省级规模的模拟台账(只含有效指令,同一种子结果逐字节相同)")
    ap.add_argument("out", help="输出文件夹")
    ap.add_argument("--townships", type=int, default=2000, help="乡镇(街道)数,默认 2000")
    ap.add_argument("--counties", type=int, default=None, help="县数,默认 乡镇数/20")
    ap.add_argument("--cities", type=int, default=None, help="市数,默认 县数/7")
    ap.add_argument("--bodies", type=int, default=None, help="机构总数(约),默认 乡镇数×50")
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args(argv)
    started = time.perf_counter()
    counts = generate(args.out, Params(args.townships, args.counties, args.cities, args.bodies, seed=args.seed))
    took = time.perf_counter() - started
    print(f"已生成模拟台账 {args.out}:{counts['cities']} 个市、{counts['counties']} 个县、{counts['townships']} 个乡镇,"
          f"{counts['bodies']} 个机构,{counts['directives']} 条指令,{counts['files']} 个文件,用时 {took:.1f} 秒")
    return 0


if __name__ == "__main__":
    sys.exit(main())
