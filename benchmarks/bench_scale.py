"""How each stage scales: flow-style and clerk-style (mixed, block) ledgers at 200, 2,000 and 6,000 townships.

Usage::

    python benchmarks/bench_scale.py                          # generate into /tmp/bench, then measure
    python benchmarks/bench_scale.py --scales 200,2000 --styles flow
    python benchmarks/bench_scale.py --scales 2000,6000 --repeat 3 --reading-only   # floors and parse only

The ledgers come from ``scripts/make_province.py`` and ``scripts/restyle_ledger.py --style
mixed`` (one directive in three in block style, some lines with a trailing comment) or
``--style block`` (every directive in block style, as clerks write by hand), and are reused
when present. Each measurement runs in its own child process with the parse cache
off, so its time and peak memory are its own. For each ledger it prints the floors (reading
the bytes, PyYAML's C parser), the stages of :func:`benchmarks.bench.bench` (parse, load,
replay, rules, tables) and ``orgmodel check`` end to end. It then prints each stage's scaling
exponent between consecutive sizes: ``log(t2 / t1) / log(n2 / n1)`` over directive counts,
where 1.0 is linear.

On a shared or throttled machine one run's speed can drift by a quarter within minutes, which
moves an exponent by 0.2: ``--repeat N`` measures each ledger N times (size after size, so
that a drift touches every size alike) and keeps each stage's fastest time, and when several styles run, the stages after reading (replay, rules, tables)
are measured on the same replayed state once per style, so a last line pools them (the
fastest of the styles at each size). The C parser's own exponent, ideally 1.0, shows how much
the machine drifted during the run.
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import textwrap
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.bench_tabular import ORGMODEL, ROOT, child_json, measure  # noqa: E402

STAGES = ["bytes", "c_yaml", "parse", "load", "replay", "rules", "body", "township"]
STATE_STAGES = ["replay", "rules", "body", "township"]  # the same work whatever the style the ledger is written in
LABELS = {"bytes": "floor: read the bytes", "c_yaml": "floor: C YAML parser", "parse": "parse (our reader)",
          "load": "load (parse + validate + sort)", "replay": "replay", "rules": "rules", "body": "body table",
          "township": "township table", "check": "orgmodel check (end to end)"}

STAGE_CODE = textwrap.dedent("""\
    import sys
    sys.path.insert(0, ROOT)
    from pathlib import Path
    from benchmarks.bench import bench
    r = bench(Path(LEDGER), None, floors=True, reading_only=READING_ONLY == "True")
    print(json.dumps({"directives": r["directives"], "times": r["times"], "user": r["user"], "sys": r["sys"],
                      "faults": r["faults"], "peak_mb": r["peak_mb"]}))""")


def ensure(folder: Path, townships: int, style: str) -> Path:
    """The ledger of ``townships`` in ``style`` under ``folder``, generated when missing."""
    flow = folder / f"province-{townships}"
    if not any(flow.glob("*.yaml")):
        subprocess.run([sys.executable, str(ROOT / "scripts/make_province.py"), str(flow), "--townships", str(townships)],
                       check=True)
    if style == "flow":
        return flow
    styled = folder / f"{style}-{townships}"
    if not any(styled.glob("*.yaml")):
        subprocess.run([sys.executable, str(ROOT / "scripts/restyle_ledger.py"), str(flow), str(styled), "--style", style],
                       check=True)
    return styled


def exponent(t1: float, t2: float, n1: int, n2: int) -> float | None:
    if min(t1, t2) <= 0.05 or n1 == n2:
        return None  # too short to tell
    return math.log(t2 / t1) / math.log(n2 / n1)


def fastest(runs: list[dict]) -> dict:
    """Per stage, the figures of the run whose wall time was the shortest (its CPU times and page
    faults with it, so that they can be set against each other)."""
    out = {}
    for key in {k for r in runs for k in r if ":" not in k}:
        best = min((r for r in runs if key in r), key=lambda r: r[key])
        out.update({k: best[k] for k in (key, "user:" + key, "sys:" + key, "faults:" + key) if k in best})
    return out


def measure_ledger(ledger: Path, work: Path, reading_only: bool = False) -> tuple[int, dict, float, float]:
    """``(directives, figures per stage, stages' peak MB, check's peak MB)`` of one run (with
    ``reading_only``: the floors and parse alone, no ``check``). The figures of stage ``s`` are
    ``times[s]`` (wall), ``times["user:" + s]`` (user CPU), ``times["sys:" + s]`` (kernel CPU) and
    ``times["faults:" + s]`` (page faults)."""
    result, out = child_json(STAGE_CODE, LEDGER=ledger, ROOT=ROOT, WORK=work, READING_ONLY=reading_only)
    times = dict(out.get("times", {}))
    for kind in ("user", "sys", "faults"):
        times.update({f"{kind}:{k}": v for k, v in out.get(kind, {}).items()})
    check_rss = 0.0
    if not reading_only:
        check, _ = measure([*ORGMODEL, "check", str(ledger)])
        times["check"], check_rss = check["wall"], check["rss"]
    return out.get("directives", 0), times, result["rss"], check_rss


MEASURES = {  # how an exponent line reads a stage's figures
    "wall": lambda times, key: times.get(key),
    "wall less kernel": lambda times, key: (times[key] - times["sys:" + key]) if "sys:" + key in times else None,
    "user CPU": lambda times, key: times.get("user:" + key),
}


def print_exponents(title: str, rows: list, keys: list[str]) -> None:
    """Each stage's exponent between consecutive sizes, of wall time, of wall time less the kernel's
    (what is left when paging is priced out: see ``page_floor.py``), and of user CPU time."""
    print(f"\n== {title}: scaling exponents (1.0 = linear)")
    for (t1, n1, a, m1), (t2, n2, b, m2) in zip(rows, rows[1:]):
        for label, read in MEASURES.items():
            cells = []
            for key in keys:
                x, y = read(a, key), read(b, key)
                if x is not None:
                    e = exponent(x, y or 0, n1, n2)
                    cells.append(f"{key} {e:.2f}" if e is not None else f"{key} –")
            mem = exponent(m1, m2, n1, n2) if m1 and m2 and label == "wall" else None
            print(f"  {t1:,} → {t2:,} townships, {label}: " + ", ".join(cells) + (f", check memory {mem:.2f}" if mem else ""))


def print_kernel(rows: list, keys: list[str]) -> None:
    """Per stage and size: the kernel's CPU time, the page faults behind it, and their price."""
    for towns, _, times, _ in rows:
        cells = [f"{key} {times['sys:' + key]:.2f} s / {times['faults:' + key] / 1000:,.0f}k "
                 f"({1e6 * times['sys:' + key] / times['faults:' + key]:.1f} µs)"
                 for key in keys if times.get("faults:" + key)]
        print(f"  {towns:,} townships, kernel time / page faults (per fault): " + "; ".join(cells))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--folder", type=Path, default=Path("/tmp/bench"))
    ap.add_argument("--scales", default="200,2000,6000")
    ap.add_argument("--styles", default="flow,mixed,block")
    ap.add_argument("--repeat", type=int, default=1, help="runs per ledger; each stage's fastest is kept")
    ap.add_argument("--reading-only", action="store_true", help="only the floors and parse (no load, replay or check)")
    args = ap.parse_args()
    os.environ["ORGMODEL_CACHE"] = "0"  # children inherit it: every parse is a cold one
    work = args.folder / "scale-work"
    work.mkdir(parents=True, exist_ok=True)
    scales = [int(s) for s in args.scales.split(",")]
    by_style = {}
    for style in args.styles.split(","):
        ledgers = {towns: ensure(args.folder, towns, style) for towns in scales}
        runs: dict[int, list] = {towns: [] for towns in scales}
        for _ in range(max(args.repeat, 1)):  # size after size, so that a drift touches every size alike
            for towns in scales:
                runs[towns].append(measure_ledger(ledgers[towns], work, args.reading_only))
        rows = []
        for towns in scales:
            directives = runs[towns][0][0]
            times = fastest([r[1] for r in runs[towns]])
            stage_rss, check_rss = max(r[2] for r in runs[towns]), max(r[3] for r in runs[towns])
            rows.append((towns, directives, times, check_rss))
            peaks = f"stages peak {stage_rss:,.0f} MB" + (f"; check peak {check_rss:,.0f} MB" if check_rss else "")
            print(f"\n== {style}, {towns:,} townships: {directives:,} directives ({peaks})", flush=True)
            for key in [*STAGES, "check"]:
                if key in times:
                    print(f"  {LABELS[key]:<36} {times[key]:>8.2f} s", flush=True)
        print_exponents(style, rows, [key for key in [*STAGES, "check"] if key in rows[0][2]])
        print_kernel(rows, [key for key in STAGES if key not in ("bytes", "c_yaml")])
        by_style[style] = rows
    if len(by_style) > 1 and not args.reading_only:
        pooled = [(towns, n, fastest([rows[i][2] for rows in by_style.values()]), 0)
                  for i, (towns, n, _, _) in enumerate(next(iter(by_style.values())))]
        print_exponents("stages after reading, fastest of the styles", pooled, STATE_STAGES)


if __name__ == "__main__":
    main()
