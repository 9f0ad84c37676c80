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
    number: int
    chart: OrgChart
    sheet: Sheet
    svg: Markup
    groups: list[tuple[str, int]]   # (band label, bodies on this page)
    heads: list[str]                # the top-level bodies on this page


def pages_of(charts: list[OrgChart], paper: str = "A3", first: int = 2) -> list[PrintPage]:
    """Every chart of ``charts`` over pages of ``paper``, numbered from ``first`` (the index
    page is page 1)."""
    width, height = drawing_size(paper)
    sheets = [(c, s) for c in charts for s in paginate(forest(c), width, height)]
    total = first - 1 + len(sheets)
    out = []
    for i, (chart, sheet) in enumerate(sheets):
        number = first + i
        sub = chart_subtitle(chart, f"第 {number} 页 共 {total} 页")
        svg = sheet_svg(sheet, chart_title(chart), sub, chart.statuses, width_attr="100%")
        counts: dict[str, int] = {}
        for label, *_ in sheet.bands:
            counts.setdefault(label.removesuffix("(续)"), 0)
        groups = {n.body.key: n.body.group for n, _, _ in sheet.boxes}
        for g in groups.values():
            counts[g] = counts.get(g, 0) + 1
        drawn = set(groups)
        heads = [n.body.name for n, _, _ in sheet.boxes if n.body.up is None or n.body.up not in drawn]
        out.append(PrintPage(number, chart, sheet, svg, [(g, n) for g, n in counts.items() if n], heads))
    return out


def write_chart_html(charts: list[OrgChart], path: str | Path, paper: str = "A3", config=None, ledger=None,
                     templates: str | Path | None = None) -> Path:
    """The printable HTML of ``charts`` (one, or before and after) at ``path``."""
    from ..core.outputs import atomic_write

    html = chart_html(charts, paper, config, ledger, templates)
    return atomic_write(path, lambda tmp: tmp.write_text(html, encoding="utf-8"))


def chart_html(charts: list[OrgChart], paper: str = "A3", config=None, ledger=None,
               templates: str | Path | None = None) -> str:
    env = environment(templates, config, ledger)
    pages = pages_of(charts, paper)
    w_mm, h_mm = PAPERS[paper]
    title = " / ".join(dict.fromkeys(f"{c.title} 机构图" for c in charts))
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
