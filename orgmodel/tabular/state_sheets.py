"""A state written in the template's shape (``export --state``), so that it reads back in.

Each sheet of :mod:`.layout` gets the rows that establish the state as it stands on the
day: divisions (parents first), pools with their quota, bodies with their attributes,
links and signboards, approved quota, leader posts, actual staff, off-quota staff and
grids, duty items, and in 变动记录 what has no sheet of its own (hiring plans, posts
inside bodies, named counts). Read back, it gives the same balance for every body and
type. History is not kept: names, transfers, loans and documents of the past are the
ledger's, and a turnover loan outstanding shows as the borrower's approved quota.
"""

from __future__ import annotations

import datetime as dt

from ..core.config import Config
from ..ops import OPS
from ..ops.fields import POOL_KINDS
from ..state import State
from .layout import EXAMPLE_NOTE, LISTS_SHEET, SETTINGS_SHEET, SHEETS, Column, Sheet, choices_of, columns
from .workbook import COUNT, TEXT, Table

POOL_WORDS = {v: k for k, v in POOL_KINDS.items() if not k.isascii()}


def division_ref(state: State, code: str) -> str:
    """A division by its name when no other division has it, else by its code."""
    div = state.divisions[code]
    return div.name if state.find_division(div.name)[0] is div else code


def _label(op: str) -> str:
    return OPS[op].label


def state_rows(state: State) -> dict[str, list[dict]]:
    """``{sheet name: [row as {column key: value}]}`` for the state as it stands."""
    rows: dict[str, list[dict]] = {s.name: [] for s in SHEETS}
    divs = state.divisions
    for code, d in divs.items():  # divisions are kept in the order they opened: parents first
        rows["区划"].append({"code": code, "name": d.name, "level": d.level, "kind": d.kind,
                            "parent": d.parent, "population": d.population, "households": d.households})
    for p in state.pools.values():
        if p.active:
            rows["编制池"].append({"division": division_ref(state, p.division), "name": p.name,
                                 "kind": POOL_WORDS.get(p.kind, p.kind), "purpose": p.purpose,
                                 **{f"quota:{t}": n for t, n in p.approved.items() if n}})
    bodies = list(state.active_bodies())
    for b in bodies:
        where = division_ref(state, b.division)
        links = {k: state.linked(b, kind) for k, kind in (("parent", "part_of"), ("led_by", "led_by"),
                                                           ("dispatched_from", "dispatched_from"))}
        rows["机构"].append({"division": where, "body_name": b.name, "category": b.category, "class": b.klass,
                            "rank": b.rank, "funding": b.funding, "signboards": "、".join(state.signboards(b)),
                            **{k: state.reference(t) for k, t in links.items() if t is not None}})
        key = {"division": where, "body_name": b.name}
        if any(b.approved.values()):
            rows["编制核定"].append({**key, **{f"quota:{t}": n for t, n in b.approved.items() if n}})
        if any(b.posts.values()):
            rows["领导职数"].append({**key, **{f"posts:{k}": n for k, n in b.posts.items()}})
        if any(b.actual.values()) or any(b.leaders.values()):
            rows["实有人员"].append({**key, **{f"quota:{t}": n for t, n in b.actual.items() if n},
                                  **{f"leaders:{k}": n for k, n in b.leaders.items() if n}})
        ref = state.reference(b)
        for t, n in b.planned.items():
            if n:
                rows["变动记录"].append({"op": _label("hiring_plan"), "body": ref, "type": t, "amount": n})
        if any(b.positions.values()):
            rows["变动记录"].append({"op": _label("positions"), "body": ref, "extra": _mapping("positions", b.positions)})
        if any(b.counts.values()):
            rows["变动记录"].append({"op": _label("counts"), "body": ref, "extra": _mapping("counts", b.counts)})
    for code, d in divs.items():
        where = division_ref(state, code)
        for kind, n in d.off_quota.items():
            subs = d.of_whom.get(kind) or {}
            if not subs:
                rows["编外与网格"].append({"division": where, "category": kind, "amount": n})
            for sub, m in subs.items():
                rows["编外与网格"].append({"division": where, "category": kind, "amount": n,
                                         "sub_category": sub, "sub_amount": m})
        if d.grids:
            rows["编外与网格"].append({"division": where, "category": "网格", "amount": d.grids})
        if any(d.counts.values()):
            rows["变动记录"].append({"op": _label("counts"), "division": where, "extra": _mapping("counts", d.counts)})
    from ..figures.balance import tables_of
    for r in tables_of(state).duties.to_dict("records"):
        rows["责任清单"].append({"item": r["item"], "item_category": r["item_category"], "lead": r["lead"],
                                "support": r["support"] or None})
    return rows


def _mapping(field: str, counts: dict[str, int]) -> str:
    inner = ", ".join(f"{k}: {n}" for k, n in counts.items())
    return f"{field}: {{{inner}}}"


def _kind(col: Column) -> str:
    return COUNT if col.kind == "count" else TEXT


def settings_table(as_of: dt.date | None, doc: str, unit: str | None, purpose: str) -> Table:
    """The 说明 sheet: the settings the state sheets read, then instructions for each sheet."""
    rows = [["台账日期", as_of.isoformat() if as_of else ""], ["依据文号", doc], ["填报单位", unit or ""], ["", ""],
            ["使用说明", purpose], ["", ""]]
    rows.append(["各表", "填写什么"])
    for s in SHEETS:
        rows.append([s.name, s.purpose])
    rows += [["", ""],
             ["红色表头", "必填列"],
             ["日期", "可写 2024-03-01、2024/3/1 或 2024年3月1日;状态表不填日期时用上面的台账日期"],
             ["数量", "写整数;“12名”、全角“１２”也能读"],
             ["区划代码", "本模板中按文本保存,12 位代码不会变成科学计数法"],
             ["引用机构", "同名机构(如各乡镇都有“党政办公室”)写成“区划/机构名称”"],
             ["变动记录", "每行一条指令,“指令”可写中文(调剂、核定、撤销、更名……),字段含义见 docs/ledger-format.md"]]
    return Table(SETTINGS_SHEET, "", [("项目", TEXT), ("内容", TEXT)], rows, widths={0: 16, 1: 90})


def state_tables(state: State | None, config: Config, as_of: dt.date | None, doc: str, unit: str | None = None,
                 examples: bool = False, purpose: str = "") -> list[Table]:
    """The template's sheets filled with ``state`` (or, with no state, blank but for one
    example row each when ``examples``), then the hidden sheet of drop-down lists."""
    filled = state_rows(state) if state is not None else {s.name: [] for s in SHEETS}
    tables = [settings_table(as_of, doc, unit, purpose or "按各表表头填写;本工作簿可直接作为台账读入(orgmodel check 台账.xlsx)")]
    lists: dict[str, list[str]] = {}
    for sheet in SHEETS:
        tables.append(sheet_table(sheet, config, filled[sheet.name], lists, examples, _names_source))
    tables.append(lists_table(lists))
    return tables


def sheet_table(sheet: Sheet, config: Config, filled: list[dict], lists: dict[str, list[str]], examples: bool,
                names_source=lambda sheet, key: None) -> Table:
    """One sheet of a template-shaped workbook: ``filled`` rows (or one example row when
    ``examples`` and there are none), red required headers, and drop-downs: a column's own
    choices (added to ``lists`` for the hidden sheet) or the names ``names_source`` points at."""
    cols = columns(sheet, config)
    data = [[row.get(c.key) for c in cols] for row in filled]
    if examples and not data:
        data = [[EXAMPLE_NOTE if c.key == "note" else c.example for c in cols]]
    table = Table(sheet.name, "", [(c.header, _kind(c)) for c in cols], data,
                  required=[i for i, c in enumerate(cols) if c.required],
                  widths={i: c.width for i, c in enumerate(cols)})
    rows = max(len(data), 1) + 2000
    for i, c in enumerate(cols):
        values = choices_of(c, config)
        if values:
            lists[c.header] = values
            table.validations.append((i, rows, _list_rule(c.header, values, lists)))
        elif (names := names_source(sheet.name, c.key)) is not None:
            table.validations.append((i, rows, _names_rule(*names)))
    return table


def lists_table(lists: dict[str, list[str]]) -> Table:
    """The hidden sheet that long drop-down lists are read from."""
    width = max((len(v) for v in lists.values()), default=0)
    return Table(LISTS_SHEET, "", [(name, TEXT) for name in lists],
                 [[vals[i] if i < len(vals) else None for vals in lists.values()] for i in range(width)], hidden=True)


# Columns whose drop-down lists the names entered on another sheet: (sheet, its column letter).
# The list reads that sheet's name column, so it grows as the clerk adds rows.
DIVISION_NAMES, BODY_NAMES = ("区划", "B"), ("机构", "B")
BODY_REFS = ("body_name", "parent", "led_by", "dispatched_from", "lead", "body")


def _names_source(sheet: str, key: str) -> tuple[str, str] | None:
    """Where the drop-down of a reference column takes its names, or None."""
    if key == "division" or (sheet == "区划" and key == "parent"):
        return DIVISION_NAMES
    if key in BODY_REFS and not (sheet == "机构" and key == "body_name"):  # a body is named on 机构 itself
        return BODY_NAMES
    return None


def _names_rule(sheet: str, letter: str) -> dict:
    """A drop-down of the names entered on ``sheet`` (a code or another name may still be typed)."""
    return {"validate": "list", "source": f"={sheet}!${letter}$2:${letter}$200000", "error_type": "information",
            "error_title": "名称不在列表中", "error_message": f"“{sheet}”表中没有这个名称;如写的是代码或别的写法,可以继续"}


def _list_rule(header: str, values: list[str], lists: dict) -> dict:
    """A drop-down: inline when short, else a range of the hidden lists sheet (Excel refuses
    an inline list longer than 255 characters)."""
    rule = {"validate": "list", "error_type": "warning", "error_title": "不在可选范围内",
            "error_message": "请从下拉列表中选择;确实需要其他值时可以继续"}
    if len(",".join(values)) <= 250:
        return {**rule, "source": values}
    col = list(lists).index(header)
    letter = "" if col < 0 else _letter(col)
    return {**rule, "source": f"={LISTS_SHEET}!${letter}$2:${letter}${len(values) + 1}"}


def _letter(index: int) -> str:
    from .headers import column_letter
    return column_letter(index)
