"""The workbench's org chart (机构图) of any division on the day shown: the page, its
printable pages (A4 or A3 landscape) and the SVG to download. What is drawn is the report's
chart of that division (``answers.orgchart``), over the desk's answer for the day."""

from __future__ import annotations

from flask import Flask, Response, abort, request

from ..answers.orgchart import ChartError, OrgChart, chart_of, division_code
from ..report.orgchart_print import PAPERS, chart_html, chart_svg_file
from ..report.orgchart_svg import chart_svg
from .desk import Sheet
from .guard import READ, requires
from .pages import day_of, desk, render


def chosen(sheet: Sheet) -> OrgChart:
    """The chart of the division the query names (``division``: a code or a name), else of the
    first county page's division; a 404 in Chinese for one that does not exist."""
    site = sheet.site
    ref = (request.args.get("division") or "").strip()[:200] or (site.codes[0] if site.codes else None)
    try:
        code = division_code(sheet.state, ref)
    except ChartError as exc:
        abort(404, description=str(exc))
    return chart_of(sheet.state, code, site.looks.bodies, site.looks.leaders, site.owners)


def choices(sheet: Sheet) -> list[dict]:
    """The divisions a clerk may pick: every county page's, then every township, in code order."""
    state = sheet.state
    return ([{"code": c, "name": state.divisions[c].name, "group": "县级及以上"} for c in sheet.site.codes]
            + [{"code": t["code"], "name": t["name"], "group": t["parent"] or "乡镇(街道)"} for t in sheet.site.towns])


def register(app: Flask) -> None:
    """Add the chart's routes to ``app``."""

    @app.get("/at/<day>/chart.html")
    @requires(READ)
    def chart_page(day: str):
        sheet = desk().sheet(day_of(day))
        chart = chosen(sheet)
        svg = chart_svg(chart, href=lambda key: f"body-{key}.html")
        return render("web/chart.html", sheet, day, page="chart", chart=chart, svg=svg, choices=choices(sheet),
                      papers=list(PAPERS))

    @app.get("/at/<day>/chart-print.html")
    @requires(READ)
    def chart_print(day: str):
        sheet = desk().sheet(day_of(day))
        paper = request.args.get("paper", "A3")
        if paper not in PAPERS:
            abort(400, description=f"纸张“{paper[:10]}”无效;可选:{'、'.join(PAPERS)}")
        html = chart_html([chosen(sheet)], paper, desk().book.config, sheet.checked.ledger)
        return Response(html, mimetype="text/html")

    @app.get("/at/<day>/chart.svg")
    @requires(READ)
    def chart_download(day: str):
        from .downloads import _attachment

        sheet = desk().sheet(day_of(day))
        chart = chosen(sheet)
        data = chart_svg_file([chart]).encode("utf-8")
        return _attachment(data, f"{chart.title}机构图(截至{sheet.state.as_of}).svg", "image/svg+xml")
