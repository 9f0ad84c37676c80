"""Org charts for print: one chart (or a plan's before and after) split over A4 or A3
landscape pages along the tree, with an index page, the title, as-of date and page number on
every page and the sign-off block, as one HTML file that prints the same from any browser.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from markupsafe import Markup

from ..answers.orgchart import OrgChart
from .orgchart_layout import Sheet, forest, layout, paginate
from .orgchart_svg import LEGEND_H, chart_subtitle, chart_title, sheet_svg
from .render import environment

PX_PER_MM = 96 / 25.4
MARGIN_MM = 10
FOOT_MM = 14         # the sign-off block under each page's drawing
PAPERS = {"A4": (297, 210), "A3": (420, 297)}  # landscape, in mm


def drawing_size(paper: str) -> tuple[float, float]:
    """The drawing area of a page of ``paper`` in SVG units (px at 96 dpi): the page less its
    margins and the sign-off block, the legend taken off the height."""
    w_mm, h_mm = PAPERS[paper]
    w = (w_mm - 2 * MARGIN_MM) * PX_PER_MM
    h = (h_mm - 2 * MARGIN_MM - FOOT_MM) * PX_PER_MM
    return w, h - LEGEND_H


@dataclass
class PrintPage:
    """One printed page: one drawing, or a small chart's before and after one above the other."""

    number: int
    charts: list[OrgChart]
    svgs: list[Markup]
    groups: list[tuple[str, int]]   # (band label, bodies on this page)
    heads: list[str]                # the top-level bodies on this page


def _sheets(charts: list[OrgChart], width: float, height: float) -> list[list[tuple[OrgChart, Sheet]]]:
    """Each chart's pages; a before/after pair that fits one page together shares it."""
    laid = [(c, paginate(forest(c), width, height)) for c in charts]
    out: list[list[tuple[OrgChart, Sheet]]] = []
    i = 0
    while i < len(laid):
        c, sheets = laid[i]
        if (c.side and i + 1 < len(laid) and len(sheets) == 1 and len(laid[i + 1][1]) == 1
                and sheets[0].h + LEGEND_H + laid[i + 1][1][0].h <= height):
            out.append([(c, sheets[0]), (laid[i + 1][0], laid[i + 1][1][0])])
            i += 2
            continue
        out += [[(c, s)] for s in sheets]
        i += 1
    return out


def pages_of(charts: list[OrgChart], paper: str = "A3", first: int = 2) -> list[PrintPage]:
    """Every chart of ``charts`` over pages of ``paper``, numbered from ``first`` (the index
    page is page 1)."""
    width, height = drawing_size(paper)
    groups_of_pages = _sheets(charts, width, height)
    total = first - 1 + len(groups_of_pages)
    out = []
    for i, drawn in enumerate(groups_of_pages):
        number = first + i
        svgs, counts, heads = [], {}, []
        for chart, sheet in drawn:
            sub = chart_subtitle(chart, f"第 {number} 页 共 {total} 页")
            svgs.append(sheet_svg(sheet, chart_title(chart), sub, chart.statuses, width_attr="100%"))
            keys = {n.body.key for n, _, _ in sheet.boxes}
            for n, _, _ in sheet.boxes:
                counts[n.body.group] = counts.get(n.body.group, 0) + 1
            heads += [n.body.name for n, _, _ in sheet.boxes if n.body.up is None or n.body.up not in keys]
        out.append(PrintPage(number, [c for c, _ in drawn], svgs, list(counts.items()), list(dict.fromkeys(heads))))
    return out


def write_chart_html(charts: list[OrgChart], path: str | Path, paper: str = "A3", config=None, ledger=None,
                     templates: str | Path | None = None, title: str | None = None) -> Path:
    """The printable HTML of ``charts`` (one, or before and after pairs) at ``path``."""
    from ..core.outputs import atomic_write

    html = chart_html(charts, paper, config, ledger, templates, title)
    return atomic_write(path, lambda tmp: tmp.write_text(html, encoding="utf-8"))


def chart_html(charts: list[OrgChart], paper: str = "A3", config=None, ledger=None,
               templates: str | Path | None = None, title: str | None = None) -> str:
    """The printable document: an index page, then the charts' pages (see :func:`pages_of`)."""
    env = environment(templates, config, ledger)
    pages = pages_of(charts, paper)
    w_mm, h_mm = PAPERS[paper]
    if title is None:
        names = list(dict.fromkeys(c.title for c in charts))
        title = "、".join(names[:3]) + (f"等 {len(names)} 个区划" if len(names) > 3 else "") + " 机构图" + (
            "(改革前后)" if any(c.side for c in charts) else "")
    return env.get_template("orgchart_print.html").render(
        title=title, charts=charts, pages=pages, total=len(pages) + 1, paper=paper,
        page_w=w_mm, page_h=h_mm, margin=MARGIN_MM, foot=FOOT_MM,
        as_of=charts[0].as_of if charts else None)


def chart_svg_file(charts: list[OrgChart]) -> str:
    """One SVG document holding ``charts`` one above the other (before above after)."""
    from .orgchart_layout import sheet_width

    width = max(sheet_width(forest(c)) for c in charts)
    parts, y, w = [], 0.0, width
    for c in charts:
        sheet = layout(c, width)
        svg = str(sheet_svg(sheet, chart_title(c), chart_subtitle(c), c.statuses))
        h = sheet.h + LEGEND_H
        parts.append(svg.replace("<svg ", f'<svg x="0" y="{y:.0f}" ', 1))
        y += h + 20
    if len(parts) == 1:
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + parts[0] + "\n"
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            f'<svg xmlns="http://www.w3.org/2000/svg" width="{w:.0f}" height="{y:.0f}" viewBox="0 0 {w:.0f} {y:.0f}">'
            + "".join(parts) + "</svg>\n")


__all__ = ["PAPERS", "chart_html", "chart_svg_file", "drawing_size", "pages_of", "write_chart_html"]
