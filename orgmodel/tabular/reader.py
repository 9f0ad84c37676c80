"""Tables to directives: the part of reading a workbook or CSV folder that knows the layout.

A :class:`Grid` is one sheet as the file gave it (cell values and merged ranges). This
module finds its header, reads each cell as its column says, and turns each row into the
directives it stands for, each a located mapping whose spots are column letters, so that
every later finding names its cell (``台账.xlsx!机构!C17``). State sheets (机构, 编制核定 …)
describe the state on the date of their 日期 column or of the 说明 sheet; 变动记录 rows are
directives with the same fields as in YAML.

The file readers (:mod:`.xlsx`, :mod:`.csv_files`) only turn files into grids.
"""

from __future__ import annotations

import datetime as dt
import itertools
import operator
import re
from dataclasses import dataclass, field

import numpy as np
import yaml

from ..core.config import load_config
from ..core.findings import WARNING, CellSource, Finding
from ..core.located import Located, RawItem, ReadResult
from . import cells
from .headers import HeaderMap, column_letter, locate
from .layout import (
    COUNT,
    DATE,
    IDNO,
    LISTS_SHEET,
    REF,
    SETTINGS,
    SETTINGS_SHEET,
    SHEETS,
    TEXT,
    Column,
    Sheet,
    columns,
    sheet_named,
)
from .names import normal

TOTAL_WORDS = ("合计", "小计", "总计", "共计")
CELL_RULES = {COUNT: "bad-count", DATE: "bad-date"}  # a cell that cannot be read, by its column's kind (else bad-value)
MAX_ROWS = 2_000_000


@dataclass
class Grid:
    """One sheet: ``rows`` of cell values (None for empty) and ``merged`` ranges as
    ``(first row, first column, last row, last column)``, 0-based and inclusive."""

    name: str
    rows: list[list]
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)

    def filled(self) -> list[list]:
        """The rows with every merged range's cells holding its top-left value."""
        rows = self.rows
        for r0, c0, r1, c1 in self.merged:
            if r0 >= len(rows) or c0 >= len(rows[r0]):
                continue
            value = rows[r0][c0]
            for r in range(r0, min(r1 + 1, len(rows))):
                row = rows[r]
                if len(row) <= c1:
                    row.extend([None] * (c1 + 1 - len(row)))
                for c in range(c0, c1 + 1):
                    if r != r0 or c != c0:
                        row[c] = value
        return rows


@dataclass
class Settings:
    """What the 说明 sheet sets for the state sheets: the date, the basis document, the unit."""

    date: object = None
    doc: str | None = None
    unit: str | None = None
    where: CellSource | None = None


class SheetOutput:
    """Items and findings of one file, with the running order the items are replayed in."""

    def __init__(self, display: str):
        self.display, self.items, self.findings, self.seq = display, [], [], 0
        self.sheet_no: dict[str, int] = {}  # sheet name -> its place in the workbook
        self.columns: dict[str, dict[str, str]] = {}  # sheet name -> key -> column letter (see data_rows)
        self.headers: dict[str, dict[str, str]] = {}  # sheet name -> column letter -> its Chinese name

    def cell(self, sheet: str, row: int, col: int | str, seq: int = 0) -> CellSource:
        letter = col if isinstance(col, str) else column_letter(col)
        return CellSource(self.display, row, sheet, letter, seq, self.sheet_no.get(sheet, 0), self.headers.get(sheet))

    def problem(self, rule: str, message: str, sheet: str, row: int, col, severity="error") -> None:
        self.findings.append(Finding(rule, message, self.cell(sheet, row, col), severity))

    def add(self, raw: Located, sheet: str, row: int, main: str) -> None:
        self.seq += 1
        self.items.append(RawItem(raw, CellSource(self.display, row, sheet, main, self.seq,
                                                  self.sheet_no.get(sheet, 0), self.headers.get(sheet))))


# -- settings (说明) ----------------------------------------------------------------------
def read_settings(grid: Grid, out: SheetOutput) -> Settings:
    """The 说明 sheet's settings: a cell naming a setting, and its value in a cell to its right."""
    settings = Settings()
    for r, row in enumerate(grid.filled()[:200]):
        for c, value in enumerate(row):
            key = SETTINGS.get(normal(value).rstrip(":"))
            if key is None:
                continue
            found = next(((k, v) for k, v in enumerate(row[c + 1:], c + 1) if not cells.blank(v)), None)
            if found is None:
                continue
            k, v = found
            if key == "date":
                day, problem = cells.date(v)
                if problem:
                    out.problem("bad-date", f"台账日期{problem}", grid.name, r + 1, k)
                else:
                    settings.date, settings.where = day, out.cell(grid.name, r + 1, k)
            else:
                setattr(settings, key, cells.text(v)[0])
    return settings


# -- rows --------------------------------------------------------------------------------
class Row:
    """One data row: values by layout key (already read as their kind), and the column
    letter of each filled cell (``letters``, worked out when first asked for)."""

    __slots__ = ("number", "values", "_columns", "_letters", "refused")

    def __init__(self, number: int, values: dict, columns: dict, letters: dict | None = None,
                 refused: CellSource | None = None):
        self.number, self.values, self._columns, self._letters = number, values, columns, letters
        self.refused = refused  # the cell that could not be read, for a row kept only to say what it would have done

    @property
    def letters(self) -> dict:
        if self._letters is None:
            self._letters = {k: self._columns[k] for k in self.values}
        return self._letters

    def get(self, key, default=None):
        return self.values.get(key, default)

    def column(self, key) -> str | None:
        """The column letter of ``key`` in this sheet, whether this row's cell is filled or blank."""
        return self._columns.get(key)


def _quota_key(header: str) -> str | None:
    """``quota:事业编制`` for a header naming a quota type (核定事业编制, 实有行政编制数 …)."""
    h = normal(header)
    h = re.sub(r"^(核定|实有|现有|在编)", "", h)
    h = re.sub(r"(数|人数|名额)$", "", h)
    return f"quota:{h}" if h.endswith("编制") and len(h) > 2 else None


def _header(grid: Grid, sheet: Sheet, rows: list[list], out: SheetOutput) -> tuple[HeaderMap, dict[int, Column]] | None:
    cols = columns(sheet, load_config())
    hm = locate(rows, cols)
    if hm is None:
        need = "、".join(c.header for c in cols if c.required)
        out.problem("bad-header", f"找不到表头:前 12 行中没有一行含有本表的必填列({need});请保留模板的表头行",
                    grid.name, 1, "A")
        return None
    by_key = {c.key: c for c in cols}
    used = {}
    for c, key in hm.fields.items():
        used[c] = by_key[key]
    if any(k.startswith("quota:") for k in by_key):  # quota types beyond the default ones
        for c, name in list(hm.extra.items()):
            key = _quota_key(name.split("/")[-1])
            if key is not None and key not in hm.fields.values():
                used[c] = Column(key, name.split("/")[-1], kind=COUNT)
                hm.fields[c] = key
                del hm.extra[c]
    if hm.extra:
        names = "、".join(f"{column_letter(c)} 列“{n}”" for c, n in hm.extra.items())
        out.problem("extra-column", f"本表不使用这些列,已忽略:{names}", grid.name, hm.row + 1,
                    min(hm.extra), severity=WARNING)
    missing = [c.header for c in cols if c.required and c.key not in hm.fields.values()]
    if missing:
        out.problem("bad-header", f"表头缺少必填列:{'、'.join(missing)}", grid.name, hm.row + 1, "A")
        return None
    return hm, used


class _Problem(str):
    """What is wrong with a cell, in Chinese: a cell read to one of these cannot be used."""


_BLANK = object()  # a cell with nothing in it
_EMPTY = object()  # a filled cell that reads to nothing (an apostrophe alone, a list of no names)
_KEYED_TYPES = frozenset({str, type(None), dt.datetime, dt.date})  # not numbers: 1, 1.0 and True are one dict key
_PLAIN_TEXT = frozenset({TEXT, REF})


def _read(kind: str, v):
    """One cell: its value, or ``_BLANK``, ``_EMPTY`` or a :class:`_Problem`."""
    if v is None or v == "" or (v.isspace() if type(v) is str else cells.blank(v)):
        return _BLANK
    if type(v) is str and kind in _PLAIN_TEXT and v.isprintable() and v[0] not in " '" and v[-1] != " ":
        return v  # what cells.text would return: nothing to trim, no control character
    if type(v) is str and kind == IDNO and v.isascii() and (v.isdigit() or v[:-1].isdigit() and v[-1] in "xX"):
        return v.upper()  # what cells.id_number would return: digits, an upper-case X at most
    value, problem = cells.read_cell(kind, v)
    if problem is not None:
        return _Problem(problem)
    return _EMPTY if value in ("", []) else value


def _read_column(kind: str, column: tuple) -> tuple[list, bool, bool]:
    """Every cell of one column read (see :func:`_read`), each distinct value once; and
    whether any cell is a problem, and whether any is ``_EMPTY``."""
    distinct = set(column)
    table = {v: _read(kind, v) for v in distinct if type(v) in _KEYED_TYPES}
    if len(table) == len(distinct):
        read = list(map(table.__getitem__, column))
        kinds = table.values()
    else:
        read = kinds = [table[v] if type(v) in _KEYED_TYPES else _read(kind, v) for v in column]
    return read, any(type(x) is _Problem for x in kinds), any(x is _EMPTY for x in kinds)


def _filled(column: tuple) -> map:
    """Per cell of a column the layout does not use: whether it holds anything."""
    return map(operator.is_not, _read_column(TEXT, column)[0], itertools.repeat(_BLANK))


def _is_total(v) -> bool:
    return type(v) is str and "计" in v and v.replace(" ", "").startswith(TOTAL_WORDS)


def data_rows(grid: Grid, sheet: Sheet, out: SheetOutput, max_rows: int = MAX_ROWS, keep_refused: bool = False) -> list[Row]:
    """The sheet's data rows, each cell read as its column's kind; a cell that cannot be read
    is a finding at that cell, and its row is left out (with ``keep_refused``, kept with its
    ``refused`` cell set and that cell's value the problem, so that what the row would have
    created or changed can be named by the findings that follow from it). Blank rows, totals rows (合计 …) and
    rows with one lone cell are skipped. Rows past ``max_rows`` are not read, and a finding
    says so. ``out.columns[sheet name]`` gets the column letter of each key.

    The sheet is read column by column, each distinct value of a column once: a province's
    roster has millions of rows but few distinct bodies, types and dates."""
    rows = grid.filled()
    found = _header(grid, sheet, rows, out)
    if found is None:
        return []
    hm, used = found
    letter_of = {c: column_letter(c) for c in used}
    out.columns[grid.name] = {col.key: letter_of[c] for c, col in used.items()}
    out.headers[grid.name] = {letter_of[c]: col.header for c, col in used.items()}
    if len(rows) > max_rows:
        out.problem("too-many-rows", f"本表有 {len(rows)} 行,超过 {max_rows} 行的上限,第 {max_rows + 1} 行起未读入;"
                    f"请把表拆成几个文件", grid.name, max_rows + 1, "A")
    first = hm.row + 1
    body = rows[first:max_rows]
    if not body:
        return []
    columns = list(itertools.zip_longest(*body))
    del body
    used_cols = [c for c in sorted(used) if c < len(columns)]
    read, flawed, emptied = {}, set(), set()
    for c in used_cols:
        read[c], has_problem, has_empty = _read_column(used[c].kind, columns[c])
        if has_problem:
            flawed.add(c)
        if has_empty:
            emptied.add(c)
    n = len(columns[0])
    filled = np.zeros(n, np.int64)  # per row: how many used cells hold something
    wide = object if len(used_cols) > 62 else np.int64  # Python ints past 62 columns
    masks = np.zeros(n, wide)   # per row: which used cells hold something, one bit per column
    for j, c in enumerate(used_cols):
        holds = np.fromiter(map(operator.is_not, read[c], itertools.repeat(_BLANK)), bool, n)
        filled += holds
        masks |= holds.astype(wide) << j
    others = np.zeros(n, bool)
    for c in range(len(columns)):
        if c not in used:
            others |= np.fromiter(_filled(columns[c]), bool, n)
    skip = set(np.flatnonzero(filled == 0).tolist())  # blank rows, rows with text only in unused columns
    for c in range(len(columns)):  # totals rows: the row's first filled cell says 合计, 小计 …
        said = {v for v in set(columns[c]) if _is_total(v)}
        for i in (i for i, v in enumerate(columns[c]) if v in said and type(v) is str) if said else ():
            head = next((col[i] for col in columns if not cells.blank(col[i])), None)
            if head is columns[c][i]:
                skip.add(i)
    if len(used) > 1:
        for i in np.flatnonzero((filled == 1) & ~others).tolist():
            if i not in skip:
                c = next(c for c in used_cols if read[c][i] is not _BLANK)
                out.problem("lone-cell", f"此行只有一个单元格有内容(“{columns[c][i]}”),已跳过;如果这是一条记录,请补全其他列",
                            grid.name, first + i + 1, c, severity=WARNING)
                skip.add(i)
    problems = []
    for c in flawed:
        problems += [(i, c) for i, x in enumerate(read[c]) if type(x) is _Problem and i not in skip]
    refused: dict[int, CellSource] = {}
    for i, c in sorted(problems):
        col = used[c]
        out.problem(CELL_RULES.get(col.kind, "bad-value"), f"{col.header}{read[c][i]}(此行未读入)",
                    grid.name, first + i + 1, c)
        refused.setdefault(i, out.cell(grid.name, first + i + 1, c))
    if not keep_refused:
        skip.update(refused)
    empty_rows = {i for c in emptied for i, x in enumerate(read[c]) if x is _EMPTY}
    keys = [used[c].key for c in used_cols]
    letter_by_key = {used[c].key: letter_of[c] for c in used_cols}
    pickers: dict[int, tuple] = {}  # a row's mask -> the keys it fills and what picks their cells out of the row
    out_rows = []
    probe = _example_probe(used)  # a cheap first test of "this row is the template's example row"
    examples: list[int] = []  # rows that are the example row without its note
    for i, cells_, mask in zip(itertools.count(), zip(*(read[c] for c in used_cols)), masks.tolist()):
        if i in skip:
            continue
        picker = pickers.get(mask)
        if picker is None:
            at = [j for j in range(len(keys)) if mask >> j & 1]
            get = operator.itemgetter(*at)
            picker = pickers[mask] = ([keys[j] for j in at], get if len(at) > 1 else (lambda row, g=get: (g(row),)))
        values = dict(zip(picker[0], picker[1](cells_)))
        if i in empty_rows:
            values = {k: v for k, v in values.items() if v is not _EMPTY}
        note = values.get("note")
        if note is not None and str(note).startswith("示例"):  # the template's example row, as it was written
            if _is_example(values, used):
                continue
            out.problem("example-row", "此行的备注仍是模板的“示例行”说明,但内容已改写,已作为数据读入;"
                        "请删去备注中的示例说明", grid.name, first + i + 1, letter_by_key["note"], severity=WARNING)
            values.pop("note")
        elif probe is not None and values.get(probe[0]) == probe[1] and _is_whole_example(values, used):
            examples.append(first + i + 1)  # the example row left in place (or copied) without its note
            if keep_refused:  # what it would have created is named by the findings that follow from it
                out_rows.append(Row(first + i + 1, values, letter_by_key,
                                    refused=out.cell(grid.name, first + i + 1, used_cols[0])))
            continue
        out_rows.append(Row(first + i + 1, values, letter_by_key, refused=refused.get(i)))
    if examples:
        more = f";第 {'、'.join(map(str, examples[1:21]))}{' 等' if len(examples) > 21 else ''} 行也是(共 {len(examples)} 行)" \
            if len(examples) > 1 else ""
        out.problem("example-row", f"此行各格都是模板示例行的内容(备注中的示例说明已删去),已跳过{more};"
                    f"如果确是要填的记录,请改成实际内容", grid.name, examples[0], letter_of[used_cols[0]], severity=WARNING)
    return out_rows


def _example_probe(used: dict[int, Column]) -> tuple | None:
    """(key, value) of the first used column of the template's example row that holds text (its
    name or division, say), as a cell of this sheet would read it; None when there is none."""
    for c in sorted(used):
        col = used[c]
        if col.key != "note" and isinstance(col.example, str) and col.example:
            return col.key, col.example
    return None


def _is_whole_example(values: dict, used: dict[int, Column]) -> bool:
    """True when the row holds exactly the template's example row: every cell the example
    fills, with its value, and nothing else (a row that only shares some of them is data)."""
    examples = {col.key: col.example for col in used.values() if col.example not in (None, "") and col.key != "note"}
    return len(examples) > 1 and values.keys() == examples.keys() and all(str(examples[k]) == str(v) for k, v in values.items())


def _is_example(values: dict, used: dict[int, Column]) -> bool:
    """True when every filled cell of the row holds the template's example value."""
    examples = {col.key: col.example for col in used.values()}
    return all(k == "note" or (examples.get(k) is not None and str(examples[k]) == str(v)) for k, v in values.items())


# -- rows to directives ----------------------------------------------------------------
def _located(fields: dict, spots: dict, main: str) -> Located:
    raw = Located(fields)
    raw.spot, raw.spots = main, spots
    return raw


def _counts(row: Row, prefix: str) -> tuple[Located | None, str | None]:
    """``{label: n}`` from the row's ``prefix:label`` columns (located per label)."""
    keys = [k for k in row.values if k.startswith(prefix + ":")]
    if not keys:
        return None, None
    value = Located({k.split(":", 1)[1]: row.values[k] for k in keys})
    value.spot, value.spots = row.letters[keys[0]], {k.split(":", 1)[1]: row.letters[k] for k in keys}
    return value, row.letters[keys[0]]


def _each(field: str, counts: Located | None) -> dict:
    """``{"actual/事业编制": "E"}``: the cell of each count of a field, for findings about one figure."""
    return {f"{field}/{k}": v for k, v in counts.spots.items()} if counts is not None else {}


class _Builder:
    """Turns the rows of one sheet into directives (see :func:`sheet_items`)."""

    def __init__(self, sheet: Sheet, settings: Settings, out: SheetOutput, grid: Grid):
        self.sheet, self.settings, self.out, self.grid = sheet, settings, out, grid

    def emit(self, row: Row, op: str, fields: dict, spots: dict, main_key: str, doc: bool = False) -> None:
        base = {"date": None, "op": op}
        base_spots = {}
        if "date" in row.values:
            base["date"], base_spots["date"] = row.values["date"], row.letters["date"]
        else:
            base["date"] = self.settings.date
        if "doc" in row.values:
            base["doc"], base_spots["doc"] = row.values["doc"], row.letters["doc"]
        elif doc and self.settings.doc:
            base["doc"] = self.settings.doc
        if "note" in row.values:
            base["note"], base_spots["note"] = row.values["note"], row.letters["note"]
        main = row.letters.get(main_key) or next(iter(row.letters.values()), "A")
        clean = {k: v for k, v in fields.items() if v is not None}
        raw = _located({**base, **clean}, {**base_spots, **spots}, main)
        if row.refused is not None:
            raw.refused = row.refused  # said already: validation only notes what it would have done
        self.out.add(raw, self.grid.name, row.number, main)

    def ref(self, row: Row) -> tuple[str, dict]:
        division, name = row.values.get("division"), row.values.get("body_name")
        spot = row.letters.get("body_name") or row.letters.get("division") or row.column("body_name")
        if not division:
            return name, {"body": spot}
        return f"{division}/{name}", {"body": spot, "body/division": row.letters.get("division")}


def _order_by_dependencies(rows: list[Row], names_of, needs) -> list[Row]:
    """Rows reordered so that each comes after the rows it refers to, otherwise in row order:
    ``names_of(row)`` gives the names a row defines, ``needs(row)`` those it refers to. Rows in
    a cycle keep their order (the replay then reports the reference it cannot resolve)."""
    by_name: dict[str, list[int]] = {}
    for i, row in enumerate(rows):
        for n in names_of(row):
            by_name.setdefault(n, []).append(i)
    placed, order = set(), []
    for start in range(len(rows)):
        if start in placed:
            continue
        path, stack = {start}, [(start, iter(_deps(start, rows, by_name, needs)))]
        while stack:  # depth-first, without recursion: a hostile sheet may chain thousands of rows
            i, deps = stack[-1]
            j = next((j for j in deps if j not in placed and j not in path), None)
            if j is None:
                stack.pop()
                path.discard(i)
                placed.add(i)
                order.append(i)
            else:
                path.add(j)
                stack.append((j, iter(_deps(j, rows, by_name, needs))))
    return [rows[i] for i in order]


def _deps(i: int, rows: list[Row], by_name: dict, needs) -> list[int]:
    return [j for n in needs(rows[i]) for j in by_name.get(n, ()) if j != i]


def _bare(ref) -> str:
    return str(ref).rsplit("/", 1)[-1]


def sheet_items(grid: Grid, sheet: Sheet, settings: Settings, out: SheetOutput) -> None:
    """Append the directives the sheet's rows stand for to ``out``."""
    rows = data_rows(grid, sheet, out, keep_refused=True)
    if not rows:
        return
    if sheet.state and settings.date is None and not all("date" in r.values for r in rows):
        first = next(r for r in rows if "date" not in r.values)
        out.problem("missing-date", f"“{grid.name}”表第 {first.number} 行等没有日期:请在“说明”表中填写“台账日期”"
                    f"(这些行所描述状态的日期),或在本表加一列“日期”", grid.name, first.number, "A")
        return
    b = _Builder(sheet, settings, out, grid)
    BUILDERS[sheet.name](b, rows)


def _divisions(b: _Builder, rows: list[Row]) -> None:
    rows = _order_by_dependencies(rows, lambda r: [str(r.get("name")), str(r.get("code"))],
                                  lambda r: [str(r.get("parent"))] if r.get("parent") else [])
    for r in rows:
        fields = {k: r.get(k) for k in ("code", "name", "level", "kind", "parent", "population", "households")}
        b.emit(r, "open_division", fields, {k: r.column(k) for k in fields if r.column(k)}, "name")


def _pools(b: _Builder, rows: list[Row]) -> None:
    for r in rows:
        fields = {"name": r.get("name"), "kind": r.get("kind"), "division": r.get("division"), "purpose": r.get("purpose")}
        b.emit(r, "open_pool", fields, {k: r.column(k) for k in fields if r.column(k)}, "name")
    for r in rows:
        _approvals(b, r, r.get("name"), {"body": r.letters.get("name")})


def _approvals(b: _Builder, r: Row, ref, spots: dict) -> None:
    for key in [k for k in r.values if k.startswith("quota:") and r.values[k] != 0]:  # 0: nothing to approve
        b.emit(r, "approve", {"body": ref, "type": key.split(":", 1)[1], "amount": r.values[key]},
               {**spots, "type": r.letters[key], "amount": r.letters[key]}, key, doc=True)


def _bodies(b: _Builder, rows: list[Row]) -> None:
    links = ("parent", "led_by", "dispatched_from")
    rows = _order_by_dependencies(rows, lambda r: [str(r.get("body_name"))],
                                  lambda r: [_bare(r.get(k)) for k in links if r.get(k)])
    for r in rows:
        fields = {"name": r.get("body_name"), "division": r.get("division")}
        fields.update({k: r.get(k) for k in ("category", "class", "rank", "funding", *links, "signboards")})
        spots = {k: r.column(k) for k in ("division", "category", "class", "rank", "funding", *links, "signboards")
                 if r.column(k)}
        spots["name"] = r.column("body_name")
        b.emit(r, "establish", fields, spots, "body_name")


def _signboards(b: _Builder, rows: list[Row]) -> None:
    for r in rows:
        ref, spots = b.ref(r)
        b.emit(r, "signboard_add", {"body": ref, "name": r.get("signboard")},
               {**spots, "name": r.column("signboard")}, "signboard")


def _quota(b: _Builder, rows: list[Row]) -> None:
    for r in rows:
        ref, spots = b.ref(r)
        _approvals(b, r, ref, spots)


def _posts(b: _Builder, rows: list[Row]) -> None:
    for r in rows:
        posts, at = _counts(r, "posts")
        if posts is not None:
            ref, spots = b.ref(r)
            b.emit(r, "leader_posts", {"body": ref, "posts": posts}, {**spots, "posts": at, **_each("posts", posts)},
                   "body_name", doc=True)


def _staff(b: _Builder, rows: list[Row]) -> None:
    for r in rows:
        actual, at = _counts(r, "quota")
        leaders, lat = _counts(r, "leaders")
        if actual is None and leaders is None:
            continue
        ref, spots = b.ref(r)
        fields = {"body": ref, "actual": actual, "leaders": leaders}
        b.emit(r, "staff", fields, {**spots, "actual": at, "leaders": lat, **_each("actual", actual), **_each("leaders", leaders)},
               "body_name")


def _off_quota(b: _Builder, rows: list[Row]) -> None:
    for r in rows:
        cat, n = r.get("category"), r.get("amount")
        spots = {"division": r.letters.get("division")}
        if normal(cat) in ("网格", "网格数", "网格个数"):
            b.emit(r, "off_quota", {"division": r.get("division"), "grids": n}, {**spots, "grids": r.letters.get("amount")},
                   "category")
            continue
        staff = Located({cat: n})
        staff.spot, staff.spots = r.letters.get("amount"), {cat: r.letters.get("amount")}
        fields = {"division": r.get("division"), "staff": staff}
        spots["staff"] = r.letters.get("amount")
        if r.get("sub_category") is not None or r.get("sub_amount") is not None:
            inner = Located({r.get("sub_category"): r.get("sub_amount")})
            inner.spot = r.letters.get("sub_amount") or r.letters.get("sub_category")
            inner.spots = {r.get("sub_category"): inner.spot}
            whom = Located({cat: inner})
            whom.spot, whom.spots = inner.spot, {cat: inner.spot}
            fields["of_whom"], spots["of_whom"] = whom, inner.spot
        b.emit(r, "off_quota", fields, spots, "category")


def _duties(b: _Builder, rows: list[Row]) -> None:
    for r in rows:
        fields = {"name": r.get("item"), "category": r.get("item_category"), "lead": r.get("lead"), "support": r.get("support")}
        spots = {"name": r.column("item"), "category": r.column("item_category"),
                 "lead": r.column("lead"), "support": r.column("support")}
        b.emit(r, "duty", fields, {k: v for k, v in spots.items() if v}, "item")


_EXTRA_SPLIT = re.compile(r"[;;\n]+")


def _extra_fields(text: str) -> tuple[dict | None, str | None]:
    """``cross_level: true; term_years: 3`` (or a YAML flow mapping) as a mapping."""
    s = text.strip()
    if not s.startswith("{"):
        s = "{" + ", ".join(p.strip() for p in _EXTRA_SPLIT.split(s) if p.strip()) + "}"
    try:
        value = yaml.safe_load(s.replace(":", ": ").replace(":  ", ": "))
    except yaml.YAMLError:
        return None, f"其他字段“{text}”写法有误;应写成“字段: 值”,多个用分号分隔,如 cross_level: true; term_years: 3"
    if not isinstance(value, dict):
        return None, f"其他字段“{text}”应写成“字段: 值”"
    return value, None


CHANGE_KEYS = ("body", "division", "name", "from", "to", "type", "amount", "approved_by")


def _changes(b: _Builder, rows: list[Row]) -> None:
    for r in rows:
        fields = {k: r.get(k) for k in CHANGE_KEYS}
        spots = {k: r.column(k) for k in CHANGE_KEYS if r.column(k)}
        if "extra" in r.values and r.refused is None:
            extra, problem = _extra_fields(str(r.values["extra"]))
            if problem:
                b.out.problem("bad-value", problem, b.grid.name, r.number, r.letters["extra"])
                continue
            for k, v in extra.items():
                fields[str(k)] = v
                spots[str(k)] = r.letters["extra"]
        spots["op"] = r.letters.get("op")
        main = "body" if "body" in r.values else "name" if "name" in r.values else "op"
        b.emit(r, r.get("op"), fields, spots, main)


BUILDERS = {"区划": _divisions, "编制池": _pools, "机构": _bodies, "牌子": _signboards, "编制核定": _quota,
            "领导职数": _posts, "实有人员": _staff, "编外与网格": _off_quota, "责任清单": _duties, "变动记录": _changes}
assert set(BUILDERS) == {s.name for s in SHEETS}


def read_grids(grids: list[Grid], display: str, settings_grid: Grid | None = None,
               settings_display: str | None = None) -> ReadResult:
    """Directives and findings from the grids of one workbook (or one CSV file and the
    folder's 说明 file, read from ``settings_display``), in the order they are replayed."""
    out = SheetOutput(display)
    out.sheet_no = {grid.name: i + 1 for i, grid in enumerate(grids)}
    settings = Settings()
    if settings_grid is not None:
        side = SheetOutput(settings_display or display)
        settings = read_settings(settings_grid, side)
        out.findings += side.findings
    known = {s.name: s for s in SHEETS}
    for grid in grids:
        sheet = sheet_named(grid.name)
        if sheet is None:
            if normal(grid.name) not in (normal(SETTINGS_SHEET), normal(LISTS_SHEET)):
                out.problem("unknown-sheet", f"不认识的工作表“{grid.name}”,已跳过;可用的表:{'、'.join(known)}",
                            grid.name, 0, "", severity=WARNING)
            continue
        sheet_items(grid, sheet, settings, out)
    return ReadResult(out.items, out.findings)
