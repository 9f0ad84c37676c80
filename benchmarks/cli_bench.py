"""End-to-end timings of the ``orgmodel`` commands, each run as a child process.

Used by ``benchmarks/bench.py``. Every command is run with ``subprocess`` and reaped with
``os.wait4``, which gives the resource usage of that one child (what
``resource.getrusage(RUSAGE_CHILDREN)`` reports, but per command: the ``RUSAGE_CHILDREN``
peak memory is the maximum over *all* children so far, so it cannot tell two commands apart).
Standard output goes to /dev/null; reports are written to a temporary folder whose size
and file count are reported too.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CLI = [sys.executable, str(ROOT / "cli.py")]
SCENARIO_DATE = "2026-03-01"


def pick_targets(state) -> dict:
    """Names the benchmark scenarios and trace refer to, taken from a replayed ledger:
    the first county, its townships (codes) and one body whose quota came through
    several steps (a receiver of an abolished body's quota when there is one)."""
    county = min(c for c, d in state.divisions.items() if d.level == "县")
    towns = sorted(c for c, d in state.divisions.items() if d.parent == county and d.level == "乡镇")
    body = None
    for f in state.flows:
        if f.kind == "abolish" and f.dst and f.dst[0] == "body" and state.bodies[f.dst[1]].active:
            body = state.bodies[f.dst[1]]
            break
    body = body or next(b for b in state.active_bodies() if b.approved)
    return {"county": county, "towns": towns, "trace": f"{body.division}/{body.name}"}


def _transfer(n: int, src: str, dst: str, body: str, qtype: str, amount: int) -> str:
    return (f"- {{date: {SCENARIO_DATE}, op: transfer, doc: 测编〔2026〕{n}号, from: {src}/{body}, "
            f"to: {dst}/{body}, type: {qtype}, amount: {amount}}}")


def scenario_text(name: str, towns: list[str], variant: int) -> str:
    """A small scenario on one county's townships: three transfers, a merge (variant 0)
    and an ``apply_template`` on four townships (a rename, and a merge where both old bodies exist)."""
    off = 0 if variant == 0 else 10
    t = towns[off:off + 10] if len(towns) >= off + 10 else towns[:10]
    lines = [f"name: {name}", "description: 基准测试方案(自动生成)", "as_of: 2026-06-30", "directives:",
             _transfer(1, t[0], t[1], "党政办公室", "行政编制", 1),
             _transfer(2, t[2], t[3], "便民服务中心", "事业编制", 2),
             _transfer(3, t[4], t[5], "党政办公室", "行政编制", 1 + variant)]
    if variant == 0:
        lines.append(f"- {{date: 2026-04-01, op: merge, doc: 测编〔2026〕4号, sources: [{t[0]}/党建工作办公室], "
                     f"into: {t[0]}/党政办公室, keep_names: true}}")
    divs = ", ".join(f'"{c}"' for c in t[6:10])
    lines.append(f"- {{date: 2026-05-01, op: apply_template, doc: 测编〔2026〕5号, divisions: [{divs}], "
                 "missing: 跳过, bodies: [{name: 为民服务中心, from: [便民服务中心]}, "
                 "{name: 党群服务中心, from: [文化体育服务中心, 社区服务中心], category: 事业单位}]}")
    return "\n".join(lines) + "\n"


def run(argv: list[str]) -> dict:
    """Run one command; wall clock, CPU (user + system), peak RSS (MB) and exit code."""
    with tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err, cwd=ROOT)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        err.seek(0)
        tail = err.read().decode("utf-8", "replace")
    return {"wall": wall, "cpu": usage.ru_utime + usage.ru_stime, "rss": usage.ru_maxrss / 1024,
            "rc": proc.returncode, "traceback": "Traceback" in tail, "stderr": tail[-400:]}


def folder_size(path: Path) -> tuple[float, int]:
    """Total size in MB and number of files under ``path``."""
    files = [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 2**20, len(files)


def commands(ledger: Path, work: Path, targets: dict) -> list[tuple[str, list[str], Path | None]]:
    """(name, argv, report folder or None) of every command measured."""
    a, b = work / "scenario-a.yaml", work / "scenario-b.yaml"
    a.write_text(scenario_text("方案甲", targets["towns"], 0), encoding="utf-8")
    b.write_text(scenario_text("方案乙", targets["towns"], 1), encoding="utf-8")
    led = str(ledger)
    return [
        ("check", [*CLI, "check", led], None),
        ("balance", [*CLI, "balance", led, "--by", "township", "--format", "json"], None),
        ("simulate", [*CLI, "simulate", led, str(a)], None),
        ("trace", [*CLI, "trace", led, targets["trace"]], None),
        ("report_balance", [*CLI, "report", "balance", led, "--out", str(work / "balance")], work / "balance"),
        ("report_audit", [*CLI, "report", "audit", led, "--out", str(work / "audit")], work / "audit"),
        ("compare", [*CLI, "compare", led, str(a), str(b)], None),
    ]


def bench_cli(ledger: Path, targets: dict, only: set[str] | None = None) -> dict:
    """Time every command on ``ledger``; report folders are measured, then removed."""
    work = Path(tempfile.mkdtemp(prefix="orgmodel-cli-"))
    out = {}
    try:
        for name, argv, folder in commands(ledger, work, targets):
            if only and name not in only:
                continue
            r = run(argv)
            if folder is not None and folder.exists():
                r["mb"], r["files"] = folder_size(folder)
                shutil.rmtree(folder)
            out[name] = r
            print(f"    {name}: {r['wall']:.1f} s(CPU {r['cpu']:.1f} s,{r['rss']:.0f} MB,退出码 {r['rc']})",
                  flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return out


CLI_LABELS = [("check", "orgmodel check"), ("balance", "balance --by township --format json"),
              ("simulate", "simulate(小方案)"), ("trace", "trace(一个机构)"),
              ("report_balance", "report balance"), ("report_audit", "report audit"),
              ("compare", "compare(两个方案)")]


def print_cli(results: dict) -> None:
    """The command timings as indented lines (Chinese labels, like bench.py's stages)."""
    for key, label in CLI_LABELS:
        r = results.get(key)
        if r is None:
            continue
        size = f",输出 {r['mb']:.1f} MB / {r['files']} 个文件" if "mb" in r else ""
        bad = ",有 traceback!" if r["traceback"] else ""
        print(f"  {label}:{r['wall']:.2f} s(CPU {r['cpu']:.2f} s,峰值 {r['rss']:.0f} MB,退出码 {r['rc']}{size}{bad})")
        if r["rc"] not in (0, 1) or r["traceback"]:
            print("    " + r["stderr"].replace("\n", "\n    "))
