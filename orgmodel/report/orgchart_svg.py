"""Draw a laid-out org chart (:class:`~orgmodel.report.orgchart_layout.Sheet`) as SVG.

Every text is escaped here; the result is :class:`markupsafe.Markup`, safe to put in a page
as it is. No script, no external font: the font stack names fonts the reader has.
"""

from __future__ import annotations

from collections.abc import Callable
from html import escape

from markupsafe import Markup

from ..answers.orgchart import GROUP_ORDER, STATUS_WORDS, OrgChart
from .orgchart_layout import BAND_HEAD, BOX_W, PAD, SMALL_SIZE, TITLE_H, Line, Node, Sheet, text_width
from .render import FONT_STACK

GROUP_COLOURS = ["#9b2c2c", "#2b6cb0", "#4a5568", "#2b6cb0", "#975a16", "#553c9a", "#2f855a", "#b7791f", "#718096", "#2c7a7b",
                 "#4a5568"]
STATUS_FILLS = {"new": "#dcf5e3", "abolished": "#e2e2e2", "merged": "#ffe6c7", "renamed": "#eadcff",
                "moved": "#d6e8fb", "changed": "#fff5c2"}
LEGEND_H = 46

STYLE = f"""
.oc text {{ font-family: {FONT_STACK}; fill: #1a202c; }}
.oc .t {{ font-size: 18px; font-weight: bold; }}
.oc .sub {{ font-size: 12px; fill: #4a5568; }}
.oc .band {{ fill: #f7f8fa; stroke: #cbd2d9; }}
.oc .bh {{ font-size: 13px; font-weight: bold; }}
.oc .box {{ fill: #fff; stroke: #718096; stroke-width: 1; }}
.oc .over > .box {{ stroke: #c53030; stroke-width: 2; }}
.oc .disp > .box {{ stroke-dasharray: 5 3; }}
.oc .coord > .box {{ fill: #f1f1f1; stroke-dasharray: 2 2; }}
.oc .edge {{ fill: none; stroke: #718096; stroke-width: 1; }}
.oc .n {{ font-weight: bold; }}
.oc .s-over {{ fill: #c53030; font-weight: bold; }}
.oc .s-vacant {{ fill: #2b6cb0; }}
.oc .s-dim {{ fill: #4a5568; }}
.oc .s-note {{ fill: #744210; font-style: italic; }}
.oc .ref {{ fill: #4a5568; font-size: {SMALL_SIZE}px; }}
.oc .abolished text {{ fill: #4a5568; text-decoration: line-through; }}
.oc .lg {{ font-size: 11px; }}
"""


def _num(v: float) -> str:
    return f"{v:.1f}"


def _line_svg(line: Line, x: float, top: float) -> str:
    base = top + (line.height + line.size * 0.76) / 2
    spans = "".join(f'<tspan class="s-{s.style}">{escape(s.text)}</tspan>' if s.style else escape(s.text)
                    for s in line.spans)
    cls = ' class="n"' if line.bold else ""
    return f'<text x="{_num(x)}" y="{_num(base)}" font-size="{line.size}"{cls}>{spans}</text>'


def _group_colour(group: str) -> str:
    try:
        return GROUP_COLOURS[GROUP_ORDER.index(group)]
    except ValueError:
        return GROUP_COLOURS[-1]


def box_svg(node: Node, x: float, y: float, href: Callable[[str], str | None] | None = None) -> str:
    """One body's box: frame, a stripe of its group's colour, its lines."""
    b = node.body
    classes = ["b"]
    if b.over:
        classes.append("over")
    if b.dispatched:
        classes.append("disp")
    if b.coordination:
        classes.append("coord")
    if b.status:
        classes.append(b.status)
    fill = f' style="fill:{STATUS_FILLS[b.status]}"' if b.status in STATUS_FILLS else ""
    rx = 9 if b.coordination else 2
    parts = [f'<g class="{" ".join(classes)}" data-key="{escape(b.key)}">',
             f'<rect class="box" x="{_num(x)}" y="{_num(y)}" width="{BOX_W}" height="{_num(node.h)}" rx="{rx}"{fill}/>',
             f'<rect x="{_num(x + 1)}" y="{_num(y + 1)}" width="{BOX_W - 2}" height="3" fill="{_group_colour(b.group)}"/>']
    top = y + PAD
    for line in node.lines:
        parts.append(_line_svg(line, x + PAD, top))
        top += line.height
    parts.append("</g>")
    svg = "".join(parts)
    link = href(b.key) if href else None
    return f'<a href="{escape(link)}">{svg}</a>' if link else svg


def legend_svg(y: float, statuses: tuple[str, ...]) -> str:
    """What the marks mean, and the colours of a before/after chart's statuses."""
    items = [("核/实 = 核定/实有编制;空 = 空编,", ""), ("超 = 超编(红框)", "over"),
             (";职数 正1/1 = 正职核定1名、实有1名;虚线框 = 派驻机构;圆角灰框 = 议事协调机构", "")]
    x = 10.0
    parts = [f'<text class="lg" x="10" y="{_num(y + 14)}">']
    for text, style in items:
        parts.append(f'<tspan class="s-{style}">{escape(text)}</tspan>' if style else escape(text))
    parts.append("</text>")
    for s in statuses:
        word = STATUS_WORDS[s]
        parts.append(f'<rect x="{_num(x)}" y="{_num(y + 24)}" width="18" height="12" style="fill:{STATUS_FILLS[s]}" '
                     f'stroke="#718096"/><text class="lg" x="{_num(x + 22)}" y="{_num(y + 35)}">{escape(word)}</text>')
        x += 30 + text_width(word, 11) + 12
    return "".join(parts)


def sheet_svg(sheet: Sheet, title: str, subtitle: str, statuses: tuple[str, ...] = (),
              href: Callable[[str], str | None] | None = None, width_attr: str | None = None) -> Markup:
    """The sheet as one ``<svg>``: title and subtitle at the top, bands, connectors, boxes,
    and the legend at the bottom. ``width_attr`` sets the element's width (``100%`` to fit a
    page); by default it is drawn at its own size."""
    h = sheet.h + LEGEND_H
    size = f'width="{width_attr}"' if width_attr else f'width="{_num(sheet.w)}" height="{_num(h)}"'
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="oc orgchart" viewBox="0 0 {_num(sheet.w)} {_num(h)}" {size} '
             f'role="img" aria-label="{escape(title)}"><style>{STYLE}</style>',
             f'<text class="t" x="10" y="24">{escape(title)}</text>',
             f'<text class="sub" x="10" y="{TITLE_H - 6}">{escape(subtitle)}</text>']
    for label, x, y, w, bh in sheet.bands:
        parts.append(f'<rect class="band" x="{_num(x + 1)}" y="{_num(y)}" width="{_num(w - 2)}" height="{_num(bh)}" rx="4"/>'
                     f'<text class="bh" x="{_num(x + 10)}" y="{_num(y + BAND_HEAD - 7)}" fill="{_group_colour(label)}">'
                     f'{escape(label)}</text>')
    parts.append('<g class="edges">' + "".join(
        '<path class="edge" d="M' + " L".join(f"{_num(x)} {_num(y)}" for x, y in e) + '"/>' for e in sheet.edges) + "</g>")
    for name, x, y in sheet.refs:
        parts.append(f'<text class="ref" x="{_num(x)}" y="{_num(y)}">接 {escape(name)}</text>')
    parts += [box_svg(n, x, y, href) for n, x, y in sheet.boxes]
    parts.append(legend_svg(sheet.h, statuses))
    parts.append("</svg>")
    return Markup("".join(parts))


def chart_title(chart: OrgChart) -> str:
    side = f"({chart.side})" if chart.side else ""
    return f"{chart.title} 机构图{side}"


def chart_subtitle(chart: OrgChart, extra: str = "") -> str:
    bodies = len(chart.bodies)
    over = sum(b.over for b in chart.bodies)
    text = f"截至 {chart.as_of or '—'} · 机构 {bodies} 个" + (f",其中超编 {over} 个" if over else "")
    return text + (f" · {extra}" if extra else "")


def chart_svg(chart: OrgChart, href: Callable[[str], str | None] | None = None, width: float | None = None,
              width_attr: str | None = None) -> Markup:
    """A chart laid out on one sheet and drawn."""
    from .orgchart_layout import layout

    sheet = layout(chart, width)
    return sheet_svg(sheet, chart_title(chart), chart_subtitle(chart), chart.statuses, href, width_attr)


__all__ = ["chart_subtitle", "chart_svg", "chart_title", "sheet_svg"]
