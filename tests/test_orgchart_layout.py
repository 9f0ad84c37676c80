"""Property tests of the org chart layout over random and synthetic structures: no two boxes
overlap, every body is drawn exactly once, a parent sits above its children, text stays
inside its box, and a chart split over pages loses no body."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from orgmodel.answers.orgchart import ChartBody, Count, OrgChart
from orgmodel.report.orgchart_layout import BOX_W, PAD, forest, layout, paginate, text_width
from orgmodel.report.orgchart_print import PAPERS, drawing_size
from orgmodel.report.orgchart_svg import chart_svg

GROUPS = ["党委部门", "政府部门", "事业单位", "派驻机构", "议事协调机构", "内设机构", "某某村"]
CJK = "机构编制委员会办公室中心服务站所局科股县市镇乡街道社会治理综合网格化党政经济发展规划建设"
CHARS = st.sampled_from(list(CJK) + list("ABCxyz0123456789()()、·-&<>\"'") + ["龘", "𠀋", "ⅱ", "—"])
NAMES = st.text(CHARS, min_size=1, max_size=40)
COUNTS = st.builds(lambda label, ap, ac: Count(label, ap, ac, max(ap - ac, 0), max(ac - ap, 0)),
                   st.sampled_from(["行政编制", "事业编制", "工勤编制", "政法专项编制"]),
                   st.integers(0, 100_000), st.integers(0, 100_000))
POSTS = st.builds(lambda label, ap, ac: Count(label, ap, ac, max(ap - ac, 0), max(ac - ap, 0)),
                  st.sampled_from(["正职", "副职"]), st.integers(0, 12), st.integers(0, 12))


@st.composite
def charts(draw, max_bodies: int = 60) -> OrgChart:
    """A random chart: any body may point up at any other (cycles, itself, a body not drawn)."""
    n = draw(st.integers(0, max_bodies))
    bodies = []
    for i in range(n):
        up = draw(st.one_of(st.none(), st.integers(0, n + 2).map(str)))
        group = draw(st.sampled_from(GROUPS))
        bodies.append(ChartBody(
            str(i), draw(NAMES), group, "议事协调机构" if group == "议事协调机构" else "事业单位",
            tuple(draw(st.lists(NAMES, max_size=6))), up,
            tuple(draw(st.lists(COUNTS, max_size=3))), tuple(draw(st.lists(POSTS, max_size=2))),
            draw(st.booleans()), draw(st.sampled_from([None, "new", "merged", "renamed"])),
            draw(st.sampled_from(["", "原名" + "综合治理中心" * 3]))))
    return OrgChart("1", draw(NAMES), None, bodies)


@st.composite
def synthetic(draw) -> OrgChart:
    """A county-like tree: leading bodies with fans of leaves, some with sub-trees of their own,
    and a deep chain."""
    fans = draw(st.lists(st.integers(0, 45), min_size=1, max_size=12))
    bodies, k = [], 0
    for f in fans:
        head = str(k)
        bodies.append(ChartBody(head, f"县第{k}局", draw(st.sampled_from(GROUPS[:3])), "党政机关"))
        k += 1
        for j in range(f):
            sub = str(k)
            bodies.append(ChartBody(sub, f"第{k}服务中心", "事业单位", "事业单位", up=head,
                                    quota=(Count("事业编制", 10, 12, 0, 2),)))
            k += 1
            if j % 7 == 3:
                for _ in range(draw(st.integers(0, 8))):
                    bodies.append(ChartBody(str(k), f"内设科室{k}", "内设机构", "内设机构", up=sub))
                    k += 1
    chain = draw(st.integers(0, 15))
    for i in range(chain):
        bodies.append(ChartBody(str(k), f"层级{i}", "事业单位", "事业单位", up=str(k - 1) if i else None))
        k += 1
    return OrgChart("1", "合成县", None, bodies)


def overlaps(boxes) -> list:
    rects = sorted(((x, y, x + BOX_W, y + n.h, n.body.key) for n, x, y in boxes))
    out = []
    for i, a in enumerate(rects):
        for b in rects[i + 1:]:
            if b[0] >= a[2]:
                break
            if b[1] < a[3] and a[1] < b[3]:
                out.append((a[4], b[4]))
    return out


def check_sheet(sheet, w: float | None = None, h: float | None = None) -> None:
    assert not overlaps(sheet.boxes)
    for n, x, y in sheet.boxes:
        assert x >= 0 and y >= 0
        assert x + BOX_W <= (w or sheet.w) + 0.01 and y + n.h <= (h or sheet.h) + 0.01, n.body.name
        # inside one band's frame
        assert any(bx <= x and x + BOX_W <= bx + bw and by <= y and y + n.h <= by + bh
                   for _, bx, by, bw, bh in sheet.bands)


def check_text(node) -> None:
    """Every line fits the box's inner width (measured, and at least as wide as 1 em per wide
    character), the lines fill the box's height, and the name is all there."""
    inner = BOX_W - 2 * PAD
    for line in node.lines:
        assert line.width() <= inner + 0.01, line.text
        assert text_width(line.text, line.size) >= sum(1 for c in line.text if "\u4e00" <= c <= "\u9fff") * line.size
    assert abs(sum(ln.height for ln in node.lines) + 2 * PAD - node.h) < 0.01
    names = [ln.text for ln in node.lines if ln.bold]
    assert "".join(names) == node.body.name


def check_tree(bands, sheet) -> None:
    """A parent sits above each of its children drawn on the same sheet."""
    at = {n.body.key: (y, n.h) for n, _, y in sheet.boxes}
    todo = [u.node for b in bands for u in b.units]
    while todo:
        p = todo.pop()
        for c in p.children:
            if p.body.key in at and c.body.key in at:
                    assert at[p.body.key][0] + at[p.body.key][1] <= at[c.body.key][0], (p.body.name, c.body.name)
            todo.append(c)


def check_chart(chart: OrgChart) -> None:
    sheet = layout(chart)
    keys = sheet.keys()
    assert sorted(keys) == sorted(b.key for b in chart.bodies)  # every body exactly once
    check_sheet(sheet)
    for n, _, _ in sheet.boxes:
        check_text(n)
    bands = forest(chart)
    check_tree(bands, layout(chart))
    for paper in PAPERS:
        w, h = drawing_size(paper)
        pages = paginate(forest(chart), w, h)
        drawn = [k for p in pages for k in p.keys()]
        assert sorted(drawn) == sorted(b.key for b in chart.bodies)  # split over pages, no body lost
        for p in pages:
            check_sheet(p, w, h)
            check_tree(bands, p)


@settings(max_examples=60)
@given(charts())
def test_random_charts_hold_every_layout_property(chart):
    check_chart(chart)


@settings(max_examples=25)
@given(synthetic())
def test_county_like_charts_hold_every_layout_property(chart):
    check_chart(chart)


@settings(max_examples=25)
@given(charts(max_bodies=25))
def test_svg_is_well_formed_with_one_box_per_body_and_text_escaped(chart):
    svg = str(chart_svg(chart, href=lambda key: f"#b{key}&x=<1>"))
    root = ET.fromstring(svg)  # escaped: any < & " in a name would break the XML
    ns = "{http://www.w3.org/2000/svg}"
    keys = [g.get("data-key") for g in root.iter(f"{ns}g") if g.get("data-key") is not None]
    assert sorted(keys) == sorted(b.key for b in chart.bodies)
    by_key = {b.key: b for b in chart.bodies}
    for g in root.iter(f"{ns}g"):
        if g.get("data-key") is not None:
            shown = "".join("".join(t.itertext()) for t in g.iter(f"{ns}text") if t.get("class") == "n")
            assert shown == by_key[g.get("data-key")].name


def test_a_body_over_quota_is_red_and_a_vacancy_is_marked():
    chart = OrgChart("1", "东镇", None, [
        ChartBody("1", "党政办", "党政机构", "党政机关", quota=(Count("行政编制", 10, 12, 0, 2),)),
        ChartBody("2", "便民服务中心", "事业单位", "事业单位", quota=(Count("事业编制", 9, 7, 2, 0),)),
        ChartBody("3", "派出所", "派驻机构", "派驻机构", dispatched=True)])
    root = ET.fromstring(str(chart_svg(chart)))
    ns = "{http://www.w3.org/2000/svg}"
    groups = {g.get("data-key"): g for g in root.iter(f"{ns}g") if g.get("data-key")}
    assert "over" in groups["1"].get("class").split()
    assert any(t.get("class") == "s-over" and t.text == " 超2" for t in groups["1"].iter(f"{ns}tspan"))
    assert any(t.get("class") == "s-vacant" and t.text == " 空2" for t in groups["2"].iter(f"{ns}tspan"))
    assert "disp" in groups["3"].get("class").split()
    assert "over" not in groups["2"].get("class").split()


def test_a_large_fan_is_split_over_pages_each_part_naming_its_parent():
    bodies = [ChartBody("0", "县教育局", "政府部门", "党政机关")]
    bodies += [ChartBody(str(i), f"第{i}中学", "事业单位", "事业单位", up="0",
                         quota=(Count("事业编制", 80, 79, 1, 0),), posts=(Count("正职", 1, 1, 0, 0),))
               for i in range(1, 301)]
    chart = OrgChart("1", "合成县", None, bodies)
    w, h = drawing_size("A4")
    pages = paginate(forest(chart), w, h)
    assert len(pages) > 3
    assert sorted(k for p in pages for k in p.keys()) == sorted(b.key for b in bodies)
    assert all(p.refs and p.refs[0][0] == "县教育局" for p in pages[1:])  # 接 县教育局 on every later page
    for p in pages:
        check_sheet(p, w, h)
