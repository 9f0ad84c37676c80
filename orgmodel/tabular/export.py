"""``orgmodel export``: the balance of any ledger as a formatted workbook or as CSV files.

:func:`balance_tables` gives the sheets (per body, township, county and total; leader
posts; pools; off-quota and grids; the sinking ratio; findings; and the 公示表 in the
layout of the provincial 实名制公示), each a :class:`~.workbook.Table` with Chinese
headers. :func:`write_csv_folder` writes the same tables as CSV, UTF-8 with a BOM and CRLF
(or GBK for older systems), with every text cell that a spreadsheet would run as a
formula (``=``, ``+``, ``-``, ``@``, a tab or a CR at its start) written as text.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from ..core.findings import SEVERITY_LABELS, Finding, sort_findings
from ..core.labels import POOL_LABELS, VALUE_LABELS, label
from ..core.outputs import atomic_path
from ..core.text import safe_text
from ..figures.balance import tables_of
from ..state import INTERNAL, State
from .workbook import COUNT, PERCENT, TEXT, Table, sheet_name

RATIO_COLUMNS = ("ratio", "ratio_with_dispatched", "share")
HIDDEN = ("body_id", "county_code", "division_level", "dispatched")
NO_TOTALS = ("off_quota", "sinking")
MEASURE_COLUMNS = ("approved", "actual", "vacant", "over", "pools", "total", "amount", "bodies", "bodies_over",
                   "dispatched_approved", "dispatched_actual", "dispatched_vacant", "dispatched_over")
BODY_COUNTS = ("bodies", "bodies_over")
ALERT_COLUMNS = ("over", "bodies_over", "dispatched_over")
SHEET_TITLES = [  # (view, sheet name, title)
    ("body", "机构编制", "机构编制收支表"),
    ("township", "乡镇(街道)编制", "乡镇(街道)编制收支表"),
    ("county", "县(市、区)编制", "县(市、区)编制收支表"),
    ("total", "全辖区总量", "编制总量表"),
    ("leaders", "领导职数", "领导职数表"),
    ("pools", "编制池", "编制池余额表"),
    ("off_quota", "编外与网格", "编外人员与网格统计表"),
    ("sinking", "下沉比例", "编制下沉比例表"),
]


def jurisdiction(state: State) -> str:
    """The name of the top division(s): what a title is about."""
    roots = [d.name for d in state.divisions.values() if d.parent is None]
    return "、".join(roots) or "(空台账)"


def frame_table(df: pd.DataFrame, name: str, title: str, totals: bool = True, note: str = "") -> Table:
    """A balance DataFrame (English columns) as a sheet with Chinese headers."""
    df = df.drop(columns=[c for c in HIDDEN if c in df.columns])
    cols, kinds = list(df.columns), []
    for c in cols:
        if c in RATIO_COLUMNS:
            kinds.append(PERCENT)
        elif pd.api.types.is_bool_dtype(df[c]):
            kinds.append(TEXT)
        elif pd.api.types.is_numeric_dtype(df[c]):
            kinds.append(COUNT)
        else:
            kinds.append(TEXT)
    rows = []
    for rec in df.itertuples(index=False):
        row = []
        for v in rec:
            if isinstance(v, bool):
                v = VALUE_LABELS[v]
            elif v is not None and not isinstance(v, str) and pd.isna(v):
                v = None
            elif hasattr(v, "item"):  # numpy scalars
                v = v.item()
            row.append(v)
        rows.append(row)
    # With a row per quota type, a body holding two types is in two rows: its count is not summed.
    per_type = "quota_type" in cols
    sums = [i for i, c in enumerate(cols) if totals and c in MEASURE_COLUMNS
            and not (per_type and c in BODY_COUNTS)] if rows else []
    return Table(name, title, [(label(c), k) for c, k in zip(cols, kinds)], rows, totals=sums,
                 alert=[i for i, c in enumerate(cols) if c in ALERT_COLUMNS], note=note)


def findings_table(findings: list[Finding], title: str, public: bool) -> Table:
    """The 问题清单 sheet: each finding's kind by its Chinese name; the rule id (for the config's
    ``rules:`` section) and where it is in the last columns, left out of a public workbook."""
    rows = [[SEVERITY_LABELS.get(f.severity, f.severity), f.title, f.body or "", f.message,
             str(f.source) if f.source else "", f.rule] for f in sort_findings(findings)]
    cols = [("级别", TEXT), ("规则", TEXT), ("机构", TEXT), ("说明", TEXT)]
    if not public:
        cols += [("位置", TEXT), ("规则编号", TEXT)]
    else:
        rows = [r[:4] for r in rows]
    return Table("问题清单", title, cols, rows, widths={3: 80})


PUBLIC_GROUPS = [("行政编制(含政法专项编制)", ("行政编制", "政法专项编制")), ("事业编制", ("事业编制",)),
                 ("工勤编制", ("工勤编制",))]


def public_listing(state: State, title: str) -> Table:
    """The 公示表: one row per body (internal units listed with their parent), in the layout
    of the provincial 实名制公示: 单位名称 | 其他名称 | 级别 | 领导职数 | 内设机构 | 主要职责,
    then 编制数 and 实有数 for 行政、事业、工勤. Counts only: no person appears."""
    leads = {}
    for r in tables_of(state).duties.to_dict("records"):
        leads.setdefault(r["lead"], []).append(r["item"])
    rows = []
    for b in state.active_bodies():
        if b.category == INTERNAL:
            continue
        posts = "、".join(f"{k} {n} 名" for k, n in b.posts.items() if n)
        inner = "、".join(c.name for c in state.children(b) if c.category == INTERNAL)
        row = [state.divisions[b.division].name, b.name, "、".join(state.signboards(b)), b.rank or "", posts, inner,
               "、".join(leads.get(state.reference(b), []))]
        for _, types in PUBLIC_GROUPS:
            row += [sum(b.approved.get(t, 0) for t in types), sum(b.actual.get(t, 0) for t in types)]
        rows.append(row)
    cols = [("区划", TEXT), ("单位名称", TEXT), ("其他名称", TEXT), ("级别", TEXT), ("领导职数", TEXT), ("内设机构", TEXT),
            ("主要职责", TEXT)]
    groups = []
    for name, _ in PUBLIC_GROUPS:
        groups.append((name, len(cols), len(cols) + 1))
        cols += [("编制数", COUNT), ("实有数", COUNT)]
    return Table("公示表", title, cols, rows, totals=list(range(7, len(cols))), groups=groups,
                 widths={1: 26, 2: 26, 5: 24, 6: 40})


def balance_tables(checked, public: bool = False) -> list[Table]:
    """Every sheet of the balance workbook for a checked ledger."""
    state, tables = checked.state, checked.tables
    place, day = jurisdiction(state), checked.as_of or checked.ledger.last_date()
    when = f"(截至 {day})" if day else ""
    out = []
    for view, name, title in SHEET_TITLES:
        df = tables.pools if view == "pools" else tables.view(view)
        if "pool_kind" in df.columns:  # 收回编制池, not the ledger's word reclaimed
            df = df.assign(pool_kind=df["pool_kind"].map(lambda k: POOL_LABELS.get(k, k)))
        out.append(frame_table(df, name, f"{place}{title}{when}", totals=view not in NO_TOTALS))
    out.append(findings_table(checked.findings, f"{place}问题清单{when}", public))
    out.append(public_listing(state, f"{place}机构编制公示表{when}"))
    for table in out:
        table.as_of = day
    return out


def table_csv(table: Table) -> str:
    """One table as CSV text (header row, data rows, totals row), CRLF line ends."""
    buf = io.StringIO(newline="")
    w = csv.writer(buf, lineterminator="\r\n")
    day = [table.as_of.isoformat()] if table.as_of else []  # the sheet's title says the date; a CSV file has a column
    w.writerow([safe_text(h) for h, _ in table.columns] + (["截至日期"] if day else []))
    for row in table.rows:
        w.writerow([v if isinstance(v, (int, float)) and not isinstance(v, bool) else safe_text(v) for v in row] + day)
    return buf.getvalue()


def write_csv_folder(folder: str | Path, tables: list[Table], encoding: str = "utf-8-sig") -> list[Path]:
    """Each table as ``folder/<sheet>.csv``; raises UnicodeEncodeError naming the text that
    the encoding cannot hold (so the caller can say which)."""
    folder = Path(folder)
    files = [(folder / csv_name(table), table_csv(table).encode(encoding)) for table in tables if not table.hidden]
    folder.mkdir(parents=True, exist_ok=True)
    for path, data in files:  # each file whole (the encoding was checked for all of them first)
        with atomic_path(path) as tmp:
            tmp.write_bytes(data)
    return [path for path, _ in files]


def csv_name(table: Table) -> str:
    """The file a table is written to in a CSV folder."""
    return f"{sheet_name(table.name)}.csv"
