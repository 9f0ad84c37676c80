"""Measure orgmodel at province and county scale on synthetic ledgers.

Usage::

    python benchmarks/bench.py                       # province (2,000 townships) and county (20 townships)
    python benchmarks/bench.py --scales county       # only the county-size ledger
    python benchmarks/bench.py --folder /tmp/bench   # generate into (or reuse) this folder
    python benchmarks/bench.py --profile replay      # cProfile one stage and print the hot spots
    python benchmarks/bench.py --cli none            # in-process stages only
    python benchmarks/bench.py --cli trace,simulate  # only these commands

Prints directive count, time to parse YAML, validate, replay, run the rule checks, build
the body/township/county/total balance tables (wall clock and CPU time, since the machine
may be shared), and the peak resident memory. Then runs every ``orgmodel`` command as a
child process on the same ledger (check, balance, simulate, trace, report balance/audit,
compare; see ``benchmarks/cli_bench.py``) and prints its wall clock, CPU, peak memory and,
for reports, the output size.
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.cli_bench import bench_cli, pick_targets, print_cli  # noqa: E402
from orgmodel.core.collector import collector_paused  # noqa: E402
from orgmodel.core.config import load_config  # noqa: E402
from orgmodel.figures import balance  # noqa: E402
from orgmodel.ledger import load  # noqa: E402
from orgmodel.rules import run_rules  # noqa: E402
from orgmodel.sources import ledger_files, read_file  # noqa: E402
from orgmodel.sources.synthetic import Params, generate  # noqa: E402

SCALES = {"province": 2000, "county": 20}


def peak_mb() -> float:
    """Peak resident memory of this process so far, in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Timer:
    """Runs named stages, optionally under cProfile, and keeps their wall-clock times, CPU
    times, and what of the CPU time the kernel spent (``sys``) with the page faults behind it:
    a stage that grows the heap pays the kernel for every fresh page it touches, and on a
    virtual machine that price per page can rise with the process's size."""

    def __init__(self, profile: str | None):
        self.profile, self.times, self.cpu = profile, {}, {}
        self.user, self.sys, self.faults = {}, {}, {}

    def run(self, name: str, fn, *args):
        prof = cProfile.Profile() if name == self.profile else None
        usage = resource.getrusage(resource.RUSAGE_SELF)
        start, cpu = time.perf_counter(), time.process_time()
        result = prof.runcall(fn, *args) if prof else fn(*args)
        self.times[name] = time.perf_counter() - start
        self.cpu[name] = time.process_time() - cpu
        after = resource.getrusage(resource.RUSAGE_SELF)
        self.user[name] = after.ru_utime - usage.ru_utime
        self.sys[name] = after.ru_stime - usage.ru_stime
        self.faults[name] = after.ru_minflt - usage.ru_minflt
        if prof:
            print(f"\n--- cProfile: {name} ---")
            pstats.Stats(prof).sort_stats("cumulative").print_stats(25)
            pstats.Stats(prof).sort_stats("tottime").print_stats(15)
        return result


def ensure_ledger(folder: Path, townships: int) -> Path:
    """Reuse a generated ledger in ``folder`` or generate one there."""
    if not any(folder.glob("*.yaml")):
        generate(folder, Params(townships=townships))
    return folder


def parse_all(files, config) -> int:
    """YAML parsing alone, with the collector paused as :func:`orgmodel.ledger.load` does; the
    number of items read. Like the load (which validates file by file) and like the C floor,
    it keeps no file's items once the next is read: holding millions of raw mappings at once
    is something no command does, and it would charge the allocator's growing heap to parsing."""
    n = 0
    with collector_paused():
        for path, display in files:
            n += len(read_file(path, display).items)
    return n


def read_bytes(files) -> int:
    """The floor under any reader: reading the files' bytes."""
    return sum(len(path.read_bytes()) for path, _ in files)


def c_yaml_floor(files) -> int:
    """The floor under the YAML reader: PyYAML's C parser with its plain constructors
    (no line numbers kept, no validation)."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    n = 0
    with collector_paused():
        for path, _ in files:
            doc = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
            n += len(doc.get("directives", []) if isinstance(doc, dict) else doc or [])
    return n


def bench(folder: Path, profile: str | None, floors: bool = True, reading_only: bool = False) -> dict:
    """Time every stage on the ledger in ``folder``; return the figures.

    ``parse`` is YAML parsing alone (to show its share); ``load`` is the real
    read + validate + sort path (:func:`orgmodel.ledger.load`), which parses again. The
    ledger and the state are frozen out of the cyclic collector's way once built, as every
    command does: otherwise a full collection over millions of objects lands in whichever
    stage happens to allocate next (it was most of the "rules" figure).
    With ``reading_only``, only the floors and ``parse`` run (``directives`` then counts the
    items parsed).
    """
    t = Timer(profile)
    config = load_config(folder / "orgmodel.yaml" if (folder / "orgmodel.yaml").exists() else None)
    paths = ledger_files(folder, skip=["orgmodel.yaml"])
    files = [(p, str(p)) for p in paths]
    if floors:
        t.run("bytes", read_bytes, files)
        t.run("c_yaml", c_yaml_floor, files)
    parsed = t.run("parse", parse_all, files, config)
    if reading_only:
        return {"directives": parsed, "times": t.times, "cpu": t.cpu, "user": t.user, "sys": t.sys, "faults": t.faults,
                "peak_mb": peak_mb()}
    ledger = t.run("load", load, folder)
    gc.freeze()  # as the CLI does (commands.options.long_lived): what lives until the end is out of the collector's way
    state = t.run("replay", ledger.state)
    gc.freeze()
    findings = t.run("rules", run_rules, state, config)
    bodies = t.run("body", balance.body_balance, state)
    t.run("township", balance.township_balance, state, bodies)
    t.run("county", balance.county_balance, state, bodies)
    t.run("total", balance.total_balance, state, bodies)
    return {"directives": len(ledger.directives), "bodies": len(state.bodies), "findings": len(findings),
            "load_findings": len(ledger.findings), "replay_findings": len(state.findings), "times": t.times, "cpu": t.cpu,
            "user": t.user, "sys": t.sys, "faults": t.faults,
            "peak_mb": peak_mb(), "files": len(paths), "mb_on_disk": sum(p.stat().st_size for p in paths) / 2**20,
            "targets": pick_targets(state)}


LABELS = [("bytes", "下限:读取文件字节"), ("c_yaml", "下限:C YAML 解析器(不记行号、不校验)"), ("parse", "仅解析 YAML"), ("load", "读取+校验+排序(load)"), ("replay", "回放"),
          ("rules", "规则检查"), ("body", "机构收支表"), ("township", "乡镇汇总"), ("county", "县级汇总"),
          ("total", "全辖区总量")]


def report(name: str, r: dict) -> None:
    print(f"\n== {name}: {r['directives']:,} 条指令,{r['bodies']:,} 个机构,{r['files']} 个文件 "
          f"({r['mb_on_disk']:.1f} MB);读取问题 {r['load_findings']},回放问题 {r['replay_findings']},规则问题 {r['findings']}")
    for key, label in LABELS:
        if key in r["times"]:
            print(f"  {label}:{r['times'][key]:.2f} s(CPU {r['cpu'][key]:.2f} s)")
    print(f"  峰值内存:{r['peak_mb']:.0f} MB")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="orgmodel 性能测试(模拟台账)")
    ap.add_argument("--folder", type=Path, default=None, help="生成或复用模拟台账的文件夹(每个规模一个子文件夹)")
    ap.add_argument("--scales", default="county,province", help="逗号分隔:county、province")
    ap.add_argument("--townships", type=int, default=None, help="覆盖 province 规模的乡镇数")
    ap.add_argument("--profile", default=None, help="对某一阶段做 cProfile:parse、load、replay、rules、body…")
    ap.add_argument("--no-floor", action="store_true", help="不测下限(读取字节、C YAML 解析)")
    ap.add_argument("--cli", default="all", help="逐个运行的命令:all、none 或逗号分隔的 check、balance、simulate、"
                    "trace、report_balance、report_audit、compare")
    args = ap.parse_args(argv)
    base = args.folder or Path(tempfile.mkdtemp(prefix="orgmodel-bench-"))
    for name in args.scales.split(","):
        towns = args.townships if name == "province" and args.townships else SCALES[name]
        folder = ensure_ledger(base / f"{name}-{towns}", towns)
        r = bench(folder, args.profile, not args.no_floor)
        report(name, r)
        if args.cli != "none":
            print("  命令行(子进程):", flush=True)
            print_cli(bench_cli(folder, r["targets"], None if args.cli == "all" else set(args.cli.split(","))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
