"""Chart geometry computed in Python; templates draw it as inline SVG (text escaped by jinja2).

No chart library and no script: the numbers become rectangles and paths here.
"""

from __future__ import annotations

PALETTE = ["#2b6cb0", "#c53030", "#2f855a", "#b7791f", "#6b46c1", "#2c7a7b", "#97266d", "#4a5568"]


def axis(value: float, most: int = 5) -> tuple[int, int]:
    """A round integer step (1, 2, 5 × 10^k) and axis maximum, with at most ``most`` steps."""
    step, k = 1, 0
    while value / step > most:
        k += 1
        step = (1, 2, 5)[k % 3] * 10 ** (k // 3)
    top = max(-(-int(value) // step) * step, step)
    return step, top


def bar_chart(rows: list[tuple], series: tuple[str, ...], width: int = 900, label_w: int = 150,
              bar_h: int = 11, colors=("#2b6cb0", "#c53030")) -> dict:
    """Horizontal grouped bars: ``rows`` are ``(label, href, value1, value2, …)``, one per series.

    Returns ``{"width", "height", "rows": [{label, href, y, bars: [{x, y, w, h, value, color, tx}]}],
    "ticks": [{x, value}], "legend": [{name, color, x}]}``.
    """
    top, gap = 28, 8
    plot_w = width - label_w - 60
    step, vmax = axis(max((v for r in rows for v in r[2:]), default=0))
    scale = plot_w / vmax
    out_rows = []
    for i, (label, href, *values) in enumerate(rows):
        y0 = top + i * (bar_h * len(series) + gap)
        bars = []
        for j, v in enumerate(values):
            w = max(v * scale, 0)
            y = y0 + j * bar_h
            bars.append({"x": label_w, "y": y, "w": round(w, 1), "h": bar_h - 1, "value": v,
                         "color": colors[j % len(colors)], "tx": round(label_w + w + 4, 1), "ty": y + bar_h - 2})
        out_rows.append({"label": label, "href": href, "y": y0 + bar_h * len(series) / 2 + 4, "bars": bars})
    height = top + len(rows) * (bar_h * len(series) + gap) + 10
    ticks = [{"x": round(label_w + v * scale, 1), "value": v} for v in range(0, vmax + 1, step)]
    legend = [{"name": s, "color": colors[j % len(colors)], "x": label_w + j * 90} for j, s in enumerate(series)]
    return {"width": width, "height": height, "rows": out_rows, "ticks": ticks, "legend": legend,
            "bottom": height - 6, "top": top - 6}


def _column(names: list[str], totals: dict[str, int], x: int, height: int, gap: int, scale: float) -> dict:
    nodes, y = {}, 20
    for name in names:
        h = max(totals[name] * scale, 2)
        nodes[name] = {"label": name, "value": totals[name], "x": x, "y": round(y, 1), "h": round(h, 1), "used": y}
        y += h + gap
    return nodes


def sankey(flows: list[tuple], width: int = 900, node_w: int = 14) -> dict:
    """Two-column Sankey: ``flows`` are ``(source, destination, amount, quota_type)``.

    Sources on the left, destinations on the right, one band per flow whose
    thickness is proportional to the amount; bands are coloured by quota type.
    """
    flows = [f for f in flows if f[2] > 0]
    if not flows:
        return {"width": width, "height": 60, "nodes": [], "links": [], "legend": []}
    src_tot: dict[str, int] = {}
    dst_tot: dict[str, int] = {}
    for s, d, n, _ in flows:
        src_tot[s] = src_tot.get(s, 0) + n
        dst_tot[d] = dst_tot.get(d, 0) + n
    gap = 10
    rows = max(len(src_tot), len(dst_tot))
    height = max(160, rows * 30 + 40)
    scale = (height - 40 - gap * (rows - 1)) / max(sum(src_tot.values()), sum(dst_tot.values()))
    left = _column(sorted(src_tot, key=lambda k: -src_tot[k]), src_tot, 250, height, gap, scale)
    right = _column(sorted(dst_tot, key=lambda k: -dst_tot[k]), dst_tot, width - 250 - node_w, height, gap, scale)
    types = sorted({f[3] for f in flows})
    color = {t: PALETTE[i % len(PALETTE)] for i, t in enumerate(types)}
    links = []
    for s, d, n, t in sorted(flows, key=lambda f: (list(left).index(f[0]), list(right).index(f[1]))):
        h = n * scale
        a, b = left[s], right[d]
        y1, y2 = a["used"], b["used"]
        a["used"] += h
        b["used"] += h
        x1, x2 = a["x"] + node_w, b["x"]
        mid = (x1 + x2) / 2
        path = (f"M{x1},{y1:.1f} C{mid},{y1:.1f} {mid},{y2:.1f} {x2},{y2:.1f} "
                f"L{x2},{y2 + h:.1f} C{mid},{y2 + h:.1f} {mid},{y1 + h:.1f} {x1},{y1 + h:.1f} Z")
        links.append({"d": path, "color": color[t], "title": f"{s} → {d}:{t} {n} 名"})
    nodes = [dict(v, side="left", tx=v["x"] - 6, anchor="end") for v in left.values()]
    nodes += [dict(v, side="right", tx=v["x"] + node_w + 6, anchor="start") for v in right.values()]
    for nd in nodes:
        nd["ty"] = round(nd["y"] + nd["h"] / 2 + 4, 1)
    legend = [{"name": t, "color": color[t], "x": 10 + i * 130} for i, t in enumerate(types)]
    return {"width": width, "height": height + 20, "nodes": nodes, "links": links, "legend": legend, "node_w": node_w}
