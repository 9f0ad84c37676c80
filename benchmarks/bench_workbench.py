"""Measure the workbench (``orgmodel serve``) as a clerk meets it: time from start-up to the
first page, each later page, a search, another day, and the server's peak memory.

Usage::

    python benchmarks/bench_workbench.py LEDGER [--cache DIR] [--runs 2]

``LEDGER`` is any ledger; the issue's target is a province store (``scripts/make_province.py``,
then ``orgmodel init`` and ``orgmodel import``). Run 1 starts with an empty user cache (the
first start on a machine: the year-end checkpoint is taken), later runs reuse it. The
server is a child process; pages are fetched over HTTP with the standard library, one after
another, as a person clicks. The floor printed first is what the same machine takes to read
the ledger's bytes.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def fetch(url: str) -> tuple[int, float, bytes]:
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=600) as r:
            data, status = r.read(), r.status
    except urllib.error.HTTPError as exc:
        data, status = exc.read(), exc.code
    return status, time.perf_counter() - start, data


def peak_mb(pid: int) -> float:
    """The process's peak resident memory (VmHWM), in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def floor(ledger: Path) -> float:
    """Seconds to read every byte of the ledger (the least any start-up can cost)."""
    start = time.perf_counter()
    paths = [ledger] if ledger.is_file() else [p for p in ledger.rglob("*") if p.is_file()]
    for p in paths:
        p.read_bytes()
    return time.perf_counter() - start


def one_run(ledger: Path, cache: Path) -> list[tuple[str, float, str]]:
    env = dict(os.environ, ORGMODEL_CACHE_DIR=str(cache), PYTHONUNBUFFERED="1")
    start = time.perf_counter()
    proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "serve", str(ledger), "--port", "0", "--no-browser"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=ROOT)
    base = None
    for line in proc.stdout:
        found = re.search(r"(http://127\.0\.0\.1:\d+/)", line)
        if found:
            base = found.group(1)
            break
    if base is None:
        raise SystemExit(f"the workbench did not start: {proc.wait()}")
    rows: list[tuple[str, float, str]] = []

    def page(label: str, path: str) -> bytes:
        status, took, data = fetch(base + path)
        rows.append((label, took, f"HTTP {status}, {len(data) / 1024:.0f} KB"))
        return data

    index = page("first page (overview)", "at/latest/index.html").decode()
    rows.insert(0, ("start-up to first page", time.perf_counter() - start, "process start → overview received"))
    towns = re.findall(r'href="(town-[^"]+\.html)"', index)
    counties = re.findall(r'href="(county-[^"]+\.html)"', index)
    page("overview again", "at/latest/index.html")
    town = page("a township page", f"at/latest/{towns[len(towns) // 2]}").decode()
    page("another township page", f"at/latest/{towns[-1]}")
    if counties:
        page("a county page", f"at/latest/{counties[0]}")
    bodies = re.findall(r'href="(body-\d+\.html)"', town)
    page("a body page (first: trace, history)", f"at/latest/{bodies[0]}")
    page("another body page", f"at/latest/{bodies[-1]}")
    for q in ("党政", "便民服务中心", "综合行政执法", "不存在的机构名称"):
        status, took, data = fetch(base + "at/latest/search?" + urllib.parse.urlencode({"q": q}))
        rows.append((f"search “{q}”", took, f"HTTP {status}, {data.count(b'<li')} hits"))
    page("findings page (first: the rules)", "at/latest/findings.html")
    page("findings page again", "at/latest/findings.html")
    page("log, filtered by body", "at/latest/log.html?body=" + urllib.parse.quote("党政办公室"))
    page("another day's overview (first)", "at/2022-12-31/index.html")
    page("another day's township page", f"at/2022-12-31/{towns[0]}")
    rows.append(("server peak memory", peak_mb(proc.pid), "MB (VmHWM)"))
    proc.terminate()
    proc.wait(timeout=30)
    return rows


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description="工作台性能测试")
    ap.add_argument("ledger", type=Path)
    ap.add_argument("--cache", type=Path, default=None, help="用户缓存文件夹(默认:新建的临时文件夹,第一次为冷启动)")
    ap.add_argument("--runs", type=int, default=2)
    args = ap.parse_args(argv)
    cache = args.cache or Path(tempfile.mkdtemp(prefix="orgmodel-bench-cache-"))
    print(f"ledger {args.ledger}; floor: reading its bytes takes {floor(args.ledger):.2f} s")
    for run in range(1, args.runs + 1):
        print(f"\nrun {run} ({'cold cache' if run == 1 and args.cache is None else 'warm cache'})")
        for label, value, note in one_run(args.ledger, cache):
            unit = "MB" if "memory" in label else "s"
            print(f"  {label:<40} {value:>9.3f} {unit}  {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
