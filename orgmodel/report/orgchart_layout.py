"""The compact layout of an org chart: boxes sized to their measured text, bodies under their
leading body, leaves stacked in columns, and bands by category packed in rows.

Own code, no layout engine (benchmarks/bench_orgchart.py compares it with grandalf and a
graphviz wheel; docs/orgchart.md records the choice). The layout works in two steps:

1. :func:`forest` turns a chart's bodies into trees (each body under the body it is part of
   or led by, a cycle broken where it closes) and bands (:class:`Unit` s per group);
2. :func:`place` lays out one unit as a :class:`Block`: a body with children has its
   children with children side by side below it, and its leaves stacked in columns of at
   most :data:`COLUMN_MAX`; :func:`compose` packs blocks into bands and the bands into a
   sheet of a given width, and, for print, into pages of a given size, splitting a unit
   along the tree where it does not fit (:func:`split`).

Everything is in SVG user units (px at 96 dpi). Text is measured by :func:`text_width`, a
conservative estimate (a CJK character is 1 em, a digit or Latin letter at most 0.62 em), and
wrapped so that every line stays inside its box.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from ..answers.orgchart import GROUP_ORDER, ChartBody, Count, OrgChart, short_type

BOX_W = 164          # every box has this width; its height follows its text
PAD = 6              # inside a box
NAME_SIZE, NAME_LINE = 12.5, 16
SMALL_SIZE, SMALL_LINE = 10.5, 13.5
H_GAP = 14           # between blocks side by side
V_GAP = 24           # between a box and the row of its children (the connector runs in it)
INDENT = 16          # of a stack of leaves, to the right of its spine
STACK_GAP = 6        # between boxes of one stack column
COLUMN_MAX = 6       # leaves per stack column
BAND_HEAD = 24       # a band's title bar
BAND_PAD = 10
SHELF_GAP = 18       # between rows of blocks in a band
BAND_GAP = 16
TITLE_H = 44
SIGNBOARD_LINES = 3  # at most; more signboards end with “等 N 块”


@lru_cache(maxsize=65536)
def char_width(ch: str) -> float:
    """A character's advance in em, never less than the fonts of the font stack give it."""
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 1.0
    if ch == " ":
        return 0.33
    if ch.isascii():
        return 0.62 if ch.isalnum() or ch in "%#&@$" else 0.42
    return 1.0  # anything else (symbols, ambiguous-width marks): as wide as a CJK character


def text_width(text: str, size: float) -> float:
    """The width of ``text`` at font size ``size`` (see :func:`char_width`)."""
    return _ems(text) * size


@lru_cache(maxsize=1 << 17)
def _ems(text: str) -> float:
    return sum(char_width(c) for c in text)  # a province's boxes repeat their lines (事业 核40 实40) often


def wrap(text: str, size: float, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width``, after 、 where it can, else anywhere
    (Chinese needs no spaces to break)."""
    lines, line, used = [], "", 0.0
    limit = width / size
    for ch in text:
        w = char_width(ch)
        if used + w > limit and line:
            cut = line.rfind("、") + 1
            if 0 < cut < len(line) and len(line) - cut <= 6:  # keep a short tail's name whole
                lines.append(line[:cut])
                line = line[cut:]
                used = sum(char_width(c) for c in line)
            else:
                lines.append(line)
                line, used = "", 0.0
        line += ch
        used += w
    if line or not lines:
        lines.append(line)
    return lines


@dataclass(frozen=True)
class Span:
    """A run of text in one style: ``""`` plain, ``"over"`` (red), ``"vacant"``, ``"dim"``, ``"note"``."""

    text: str
    style: str = ""


@dataclass(frozen=True)
class Line:
    spans: tuple[Span, ...]
    size: float
    height: float
    bold: bool = False

    @property
    def text(self) -> str:
        return "".join(s.text for s in self.spans)

    def width(self) -> float:
        return text_width(self.text, self.size)


def count_spans(label: str, c: Count) -> list[Span]:
    """``行政 核10 实9 空1`` / ``… 超1`` (超 in red)."""
    spans = [Span(f"{label} 核{c.approved} 实{c.actual}")]
    if c.over:
        spans.append(Span(f" 超{c.over}", "over"))
    elif c.vacant:
        spans.append(Span(f" 空{c.vacant}", "vacant"))
    return spans


def _fit(spans: list[Span], size: float, width: float, height: float) -> list[Line]:
    """One line of spans, or, if it is too wide, the text wrapped (the style of its first span)."""
    text = "".join(s.text for s in spans)
    if text_width(text, size) <= width:
        return [Line(tuple(spans), size, height)]
    style = next((s.style for s in spans if s.style == "over"), spans[0].style)
    return [Line((Span(t, style),), size, height) for t in wrap(text, size, width)]


def box_lines(body: ChartBody) -> list[Line]:
    """What a body's box says, line by line: its name, a status note (before/after), its
    signboards, 核定/实有 by quota type with 空编 or 超编, and leader posts."""
    inner = BOX_W - 2 * PAD
    lines = [Line((Span(t),), NAME_SIZE, NAME_LINE, True) for t in wrap(body.name, NAME_SIZE, inner)]
    if body.note:
        lines += [Line((Span(t, "note"),), SMALL_SIZE, SMALL_LINE) for t in wrap(body.note, SMALL_SIZE, inner)]
    if body.signboards:
        boards = wrap("牌子:" + "、".join(body.signboards), SMALL_SIZE, inner)
        if len(boards) > SIGNBOARD_LINES:
            tail = f"…等{len(body.signboards)}块"
            keep = boards[SIGNBOARD_LINES - 1]
            while keep and text_width(keep + tail, SMALL_SIZE) > inner:
                keep = keep[:-1]
            boards = [*boards[:SIGNBOARD_LINES - 1], keep + tail]
        lines += [Line((Span(t, "dim"),), SMALL_SIZE, SMALL_LINE) for t in boards]
    for c in body.quota:
        lines += _fit(count_spans(short_type(c.label), c), SMALL_SIZE, inner, SMALL_LINE)
    if body.posts:
        spans = [Span("职数")]
        for c in body.posts:
            spans.append(Span(f" {c.label[:1]}{c.approved}/{c.actual}", "over" if c.over else ""))
        lines += _fit(spans, SMALL_SIZE, inner, SMALL_LINE)
    if body.coordination and not body.quota:
        lines.append(Line((Span("议事协调机构,不核定编制", "dim"),), SMALL_SIZE, SMALL_LINE))
    return lines


def box_height(lines: list[Line]) -> float:
    return 2 * PAD + sum(ln.height for ln in lines)


# -- trees --------------------------------------------------------------------------------
@dataclass(eq=False)
class Node:
    body: ChartBody
    lines: list[Line]
    h: float
    children: list[Node] = field(default_factory=list)

    @property
    def w(self) -> float:
        return BOX_W

    def count(self) -> int:
        return 1 + sum(c.count() for c in self.children)


@dataclass
class Unit:
    """What a band packs: a tree (``node`` with the ``children`` shown here, a subset when the
    tree was split over pages) and, when split off its parent, the parent's name (``ref``)."""

    node: Node
    children: list[Node]
    ref: str | None = None
    with_box: bool = True  # False: only the children, the parent's box being drawn elsewhere
    up_key: str | None = None  # the key of the parent named by ``ref``


@dataclass
class Band:
    label: str
    units: list[Unit]

    def count(self) -> int:
        return sum(unit_count(u) for u in self.units)


def unit_count(u: Unit) -> int:
    return (1 if u.with_box else 0) + sum(c.count() for c in u.children)


def forest(chart: OrgChart) -> list[Band]:
    """The chart's bodies as trees, their roots in bands by group (:data:`GROUP_ORDER`, then
    the other groups in the order met). A body whose ``up`` is not drawn, or whose ``up``
    chain comes back to itself, is a root."""
    nodes = {b.key: Node(b, lines := box_lines(b), box_height(lines)) for b in chart.bodies}
    roots: list[Node] = []
    for b in chart.bodies:
        up, seen = b.up, {b.key}
        while up is not None and up in nodes and up not in seen:  # a cycle makes no root: cut it at b
            seen.add(up)
            up = nodes[up].body.up
        if b.up is None or b.up not in nodes or b.up == b.key or up in seen:
            roots.append(nodes[b.key])
        else:
            nodes[b.up].children.append(nodes[b.key])
    _reach_all(nodes, roots)
    groups: dict[str, list[Node]] = {}
    for r in roots:
        groups.setdefault(r.body.group, []).append(r)
    order = {g: i for i, g in enumerate(GROUP_ORDER)}
    labels = sorted(groups, key=lambda g: (order.get(g, len(order)), list(groups).index(g)))
    return [Band(g, [Unit(n, n.children) for n in groups[g]]) for g in labels]


def _reach_all(nodes: dict[str, Node], roots: list[Node]) -> None:
    """Every node hangs from a root: a cycle whose members all point into it has none, so its
    first member becomes one."""
    reached, todo = set(), list(roots)
    while todo:
        n = todo.pop()
        reached.add(n.body.key)
        todo += n.children
    for key, n in nodes.items():
        if key not in reached:
            for other in nodes.values():
                if n in other.children and other.body.key not in reached:
                    other.children.remove(n)
            roots.append(n)
            todo = [n]
            while todo:
                m = todo.pop()
                reached.add(m.body.key)
                todo += m.children


# -- blocks -------------------------------------------------------------------------------
@dataclass
class Block:
    """A laid-out piece: boxes ``(node, x, y)`` and connector polylines, relative to its top
    left; ``anchor`` is where a connector from above meets it."""

    w: float
    h: float
    boxes: list[tuple[Node, float, float]]
    edges: list[list[tuple[float, float]]]
    anchor: float
    refs: list[tuple[str, float, float]] = field(default_factory=list)  # (parent's name, x, y)

    def moved(self, dx: float, dy: float) -> Block:
        return Block(self.w, self.h, [(n, x + dx, y + dy) for n, x, y in self.boxes],
                     [[(x + dx, y + dy) for x, y in e] for e in self.edges], self.anchor + dx,
                     [(t, x + dx, y + dy) for t, x, y in self.refs])


def stack(leaves: list[Node], width: float = 1e9) -> Block:
    """Leaves in columns (at most :data:`COLUMN_MAX` a column unless ``width`` leaves too few
    columns; columns as even as can be), each column hanging from its spine, the spines from a
    bus along the top."""
    room = max(1, int((width - BOX_W - INDENT) // (BOX_W + INDENT + H_GAP)) + 1)
    cols = min(math.ceil(len(leaves) / COLUMN_MAX), room)
    per = math.ceil(len(leaves) / cols)
    boxes, edges, spines = [], [], []
    h = 0.0
    for c in range(cols):
        spine = c * (BOX_W + INDENT + H_GAP) + INDENT / 2
        spines.append(spine)
        y, last = V_GAP / 2, V_GAP / 2
        for leaf in leaves[c * per:(c + 1) * per]:
            boxes.append((leaf, spine + INDENT / 2, y))
            mid = y + min(leaf.h / 2, NAME_LINE)
            edges.append([(spine, mid), (spine + INDENT / 2, mid)])
            last = mid
            y += leaf.h + STACK_GAP
        edges.append([(spine, 0), (spine, last)])
        h = max(h, y - STACK_GAP)
    if cols > 1:
        edges.append([(spines[0], 0), (spines[-1], 0)])
    w = spines[-1] + INDENT / 2 + BOX_W
    return Block(w, h, boxes, edges, spines[0])


def place(node: Node, children: list[Node] | None = None, width: float = 1e9, with_box: bool = True) -> Block:
    """``node`` above ``children`` (its own by default): children with children side by side
    (in rows no wider than ``width``), leaves stacked. Without its box (``with_box`` False),
    only the children, hanging from a bus."""
    kids = node.children if children is None else children
    head = Block(node.w, node.h, [(node, 0, 0)], [], node.w / 2) if with_box else Block(node.w, 0, [], [], INDENT / 2)
    if not kids:
        return head
    trees = [place(k, width=width) for k in kids if k.children]
    leaves = [k for k in kids if not k.children]
    parts = trees + ([stack(leaves, width)] if leaves else [])
    top = head.h + (V_GAP / 2 if with_box else 0)
    if len(parts) == 1 and not trees:  # only leaves: they hang below the box, from its left
        s = parts[0].moved(0, top)
        edge = [[(s.anchor, head.h), (s.anchor, top)]] if with_box else []
        return Block(max(head.w, s.w), top + s.h, head.boxes + s.boxes, s.edges + edge, head.anchor, s.refs)
    rows, row, used = [], [], 0.0
    for p in parts:
        if row and used + H_GAP + p.w > width:
            rows.append(row)
            row, used = [], 0.0
        used += (H_GAP if row else 0) + p.w
        row.append(p)
    rows.append(row)
    if len(rows) == 1:
        return _one_row(head, rows[0], top, with_box)
    return _rows(head, rows, top, with_box)


def _one_row(head: Block, parts: list[Block], top: float, with_box: bool) -> Block:
    x, placed = 0.0, []
    for p in parts:
        placed.append(p.moved(x, top + V_GAP / 2))
        x += p.w + H_GAP
    anchors = [p.anchor for p in placed]
    centre = (anchors[0] + anchors[-1]) / 2
    shift = max(0.0, head.w / 2 - centre)  # the parent over the middle of its children
    placed = [p.moved(shift, 0) for p in placed]
    anchors = [a + shift for a in anchors]
    hx = centre + shift - head.w / 2
    boxes = [(n, bx + hx, by) for n, bx, by in head.boxes]
    bus = top
    edges = [[(a, bus), (a, top + V_GAP / 2)] for a in anchors]
    mid = hx + head.w / 2
    edges.append([(min(anchors[0], mid), bus), (max(anchors[-1], mid), bus)])
    if with_box:
        edges.append([(mid, head.h), (mid, bus)])
    w = max(hx + head.w, x - H_GAP + shift)
    h = max(p.h + top + V_GAP / 2 for p in parts)
    out = Block(w, h, boxes, edges, mid)
    for p in placed:
        out.boxes += p.boxes
        out.edges += p.edges
        out.refs += p.refs
    return out


def _rows(head: Block, rows: list[list[Block]], top: float, with_box: bool) -> Block:
    """Children in several rows: a trunk down the parent's left, one bus per row."""
    trunk = INDENT / 2
    boxes, edges, refs = list(head.boxes), [], list(head.refs)
    y, w = top, head.w
    for row in rows:
        x = INDENT
        anchors = []
        for p in row:
            q = p.moved(x, y + V_GAP / 2)
            boxes += q.boxes
            edges += q.edges
            refs += q.refs
            anchors.append(q.anchor)
            edges.append([(q.anchor, y), (q.anchor, y + V_GAP / 2)])
            x += p.w + H_GAP
        edges.append([(trunk, y), (anchors[-1], y)])
        last_bus = y
        w = max(w, x - H_GAP)
        y += V_GAP / 2 + max(p.h for p in row) + SHELF_GAP
    edges.append([(trunk, head.h if with_box else 0), (trunk, last_bus)])
    return Block(w, y - SHELF_GAP, boxes, edges, trunk if not with_box else head.w / 2, refs)


def unit_block(u: Unit, width: float) -> Block:
    """A unit laid out; a unit split off its parent says whose part it is above it."""
    b = place(u.node, u.children, width, u.with_box)
    if u.ref is None:
        return b
    lift = SMALL_LINE + 4
    b = b.moved(0, lift)
    b.refs.append((u.ref, 0, SMALL_LINE))
    b.edges.append([(b.anchor, SMALL_LINE + 3), (b.anchor, lift)])
    return Block(max(b.w, text_width("接 " + u.ref, SMALL_SIZE)), b.h + lift, b.boxes, b.edges, b.anchor, b.refs)


# -- sheets and pages -------------------------------------------------------------------
@dataclass
class Sheet:
    """One drawing: boxes, connectors, band frames ``(label, x, y, w, h)``, references to
    parents on other pages, and its size."""

    w: float
    h: float
    boxes: list[tuple[Node, float, float]] = field(default_factory=list)
    edges: list[list[tuple[float, float]]] = field(default_factory=list)
    bands: list[tuple[str, float, float, float, float]] = field(default_factory=list)
    refs: list[tuple[str, float, float]] = field(default_factory=list)
    top: float = TITLE_H

    def keys(self) -> list[str]:
        return [n.body.key for n, _, _ in self.boxes]


def sheet_width(bands: list[Band]) -> float:
    """A width that makes the sheet about as wide as A4 or A3 landscape is to its height
    (√2 : 1), never narrower than its widest tree laid out in one row."""
    area = sum((BOX_W + H_GAP) * (n.h + STACK_GAP + 4) for b in bands for u in b.units for n in _all(u))
    width = math.sqrt(area * 1.414) * 1.15
    return max(6 * (BOX_W + 2 * H_GAP) + 2 * BAND_PAD, min(width, 40 * (BOX_W + H_GAP)))


def _all(u: Unit):
    if u.with_box:
        yield u.node
    todo = list(u.children)
    while todo:
        n = todo.pop()
        yield n
        todo += n.children


def compose(bands: list[Band], width: float | None = None) -> Sheet:
    """All bands on one sheet ``width`` wide (:func:`sheet_width` when None), units packed in
    rows within each band."""
    width = width or sheet_width(bands)
    inner = width - 2 * BAND_PAD
    blocks = [[unit_block(u, inner) for u in band.units] for band in bands]
    width = max([width, *(b.w + 2 * BAND_PAD for row in blocks for b in row)])  # a tree wider than asked
    sheet = Sheet(width, 0)
    y = TITLE_H
    for band, row in zip(bands, blocks):
        placed, x, row_h, yy = [], 0.0, 0.0, 0.0
        for b in row:
            if x and x + b.w > inner:
                yy += row_h + SHELF_GAP
                x, row_h = 0.0, 0.0
            placed.append(_Placed(b, x, yy))
            x += b.w + H_GAP * 2
            row_h = max(row_h, b.h)
        y = _band(sheet, band.label, placed, y, width) + BAND_GAP
    sheet.h = y
    return sheet


@dataclass
class _Placed:
    """A block at ``(x, y)`` within its band's inside."""

    block: Block
    x: float
    y: float


def _band(sheet: Sheet, label: str, placed: list[_Placed], y: float, width: float) -> float:
    """A band at ``y`` holding ``placed`` blocks; returns its bottom."""
    top = y + BAND_HEAD + BAND_PAD
    bottom = top
    for p in placed:
        q = p.block.moved(BAND_PAD + p.x, top + p.y)
        sheet.boxes += q.boxes
        sheet.edges += q.edges
        sheet.refs += q.refs
        bottom = max(bottom, top + p.y + p.block.h)
    bottom += BAND_PAD
    sheet.bands.append((label, 0, y, width, bottom - y))
    return bottom


def split(u: Unit, width: float, height: float) -> list[Unit]:
    """``u`` cut along the tree into units that each fit ``width`` × ``height``: the parent
    with as many of its children as fit, then the rest of its children, each (or each run of
    leaves) a unit of its own that names the parent; a child too large is split in turn."""
    b = unit_block(u, width)
    if (b.w <= width and b.h <= height) or (not u.children):
        return [u]
    out: list[Unit] = []
    kids = list(u.children)
    first = Unit(u.node, [], u.ref, u.with_box, u.up_key)
    while kids and _fits(Unit(u.node, [*first.children, kids[0]], u.ref, u.with_box, u.up_key), width, height):
        first.children.append(kids.pop(0))
    if first.with_box or first.children:
        out.append(first)
    name, key = u.node.body.name, u.node.body.key
    while kids:
        k = kids.pop(0)
        if not k.children:  # a run of leaves goes together as far as it fits
            run = Unit(u.node, [k], name, False, key)
            while kids and not kids[0].children and _fits(Unit(u.node, [*run.children, kids[0]], name, False, key),
                                                          width, height):
                run.children.append(kids.pop(0))
            out.append(run)
        else:
            out += split(Unit(k, k.children, name, True, key), width, height)
    return out


def _fits(u: Unit, width: float, height: float) -> bool:
    b = unit_block(u, width)
    return b.w <= width and b.h <= height


NARROWER = (1, 2, 3)  # print tries trees laid out this many to a page's width, keeping the fewest pages


def paginate(bands: list[Band], width: float, height: float) -> list[Sheet]:
    """The bands over pages of ``width`` × ``height``: units packed in rows, a band going on
    over the next page (its title repeated with 续), a unit too large split along the tree
    (:func:`split`). Every body is on exactly one page. Each tree's leaves are stacked in
    columns as wide as a page, or half or a third of it (taller), whichever gives fewest pages."""
    tries = [_paginate(bands, width, height, n) for n in NARROWER]
    return min(tries, key=len)


def _paginate(bands: list[Band], width: float, height: float, narrower: int) -> list[Sheet]:
    inner = width - 2 * BAND_PAD
    room = height - TITLE_H - BAND_HEAD - 2 * BAND_PAD - BAND_GAP
    narrow = (inner - (narrower - 1) * 2 * H_GAP) / narrower
    pages: list[Sheet] = [Sheet(width, height)]
    y = TITLE_H
    for band in bands:
        units = [p for u in band.units for p in split(u, inner, room)]
        blocks = []
        for u in units:
            b = unit_block(u, narrow) if narrower > 1 else None
            blocks.append(b if b is not None and b.w <= inner and b.h <= room else unit_block(u, inner))
        label, pending, row_keys = band.label, [], set()
        x, row_h, yy = 0.0, 0.0, y + BAND_HEAD + BAND_PAD
        for u, b in zip(units, blocks):
            if x and (x + b.w > inner or u.up_key in row_keys):  # a new row; a part below its parent
                yy += row_h + SHELF_GAP
                x, row_h, row_keys = 0.0, 0.0, set()
            if yy + b.h + BAND_PAD > height and (pending or y > TITLE_H):
                if pending:
                    _band(pages[-1], label, pending, y, width)
                pages.append(Sheet(width, height))
                label = f"{band.label}(续)" if pending else label
                y = TITLE_H
                pending, x, row_h, yy, row_keys = [], 0.0, 0.0, y + BAND_HEAD + BAND_PAD, set()
            pending.append(_Placed(b, x, yy - (y + BAND_HEAD + BAND_PAD)))
            row_keys |= {n.body.key for n, _, _ in b.boxes}
            x += b.w + H_GAP * 2
            row_h = max(row_h, b.h)
        if pending:
            y = _band(pages[-1], label, pending, y, width) + BAND_GAP
    pages = [p for p in pages if p.boxes or p.refs] or pages[:1]
    for p in pages:  # each page as tall as what it holds, so its legend follows the drawing
        p.h = max((by + bh for _, _, by, _, bh in p.bands), default=TITLE_H) + BAND_GAP
    return pages


def layout(chart: OrgChart, width: float | None = None) -> Sheet:
    """The whole chart on one sheet."""
    return compose(forest(chart), width)


__all__ = ["BOX_W", "Band", "Block", "Line", "Node", "Sheet", "Span", "Unit", "box_lines", "compose", "forest",
           "layout", "paginate", "place", "split", "text_width", "wrap"]
