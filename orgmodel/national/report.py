"""The national roll-up as clerks read it: one HTML page (the report templates), a workbook
and CSV files, all from the same frames (:func:`national_tables`)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from ..core.findings import SEVERITY_LABELS
from ..report.render import environment, write_page
from ..tabular.export import frame_table, write_csv_folder
from ..tabular.workbook import Table, write_workbook
from .pack import Pack

# (query, sheet name, title, columns renamed for the labels, totals row)
SHEETS = [
    ("totals", "编制总量", "各省编制总量(核定、实有、空编、超编、编制池)", True),
    ("balance", "分层级", "各省分层级编制收支", False),
    ("sinking", "下沉比例", "各省下沉比例", False),
    ("cross_level", "跨层级调剂", "跨层级调剂进入乡镇(街道)", False),
    ("off_quota", "编外与网格", "编外人员和网格(各层级本级合计)", False),
    ("findings", "问题统计", "问题按规则统计", False),
    ("duplicates", "一人多编", "同一人在两个以上数据包在编(一人多编)", False),
    ("agreement", "核对", "数据包与其台账清单核对", False),
]
RENAMED = {"over_quota": "over", "division_level": "level", "rule": "rule_id"}
DUPLICATES_SHOWN = 2000  # rows of the duplicates list on the page; the workbook and CSV have all


def shown(df: pd.DataFrame, names: dict[str, str]) -> pd.DataFrame:
    """A result as clerks read it: the province's name beside its code (``names``), the year as
    text, severities and agreement in Chinese, columns named as the shared labels know them."""
    df = df.rename(columns=RENAMED)
    if "province" in df.columns:
        df.insert(df.columns.get_loc("province") + 1, "province_name", df["province"].map(lambda c: names.get(c, c)))
    if "year" in df.columns:
        df["year"] = df["year"].map(str)
    if "severity" in df.columns:
        df["severity"] = df["severity"].map(lambda s: SEVERITY_LABELS.get(s, s))
    if "agrees" in df.columns:
        df["agrees"] = df["agrees"].astype(bool)
    return df


def national_tables(results: dict[str, pd.DataFrame], label: str, names: dict[str, str]) -> list[Table]:
    """The roll-up's sheets, Chinese headers, for the workbook and CSV files."""
    return [frame_table(shown(results[q], names), name, f"{label}{title}", totals=totals)
            for q, name, title, totals in SHEETS if q in results]


def pack_rows(packs: list[Pack]) -> list[dict]:
    """What the page says of each pack: whose, which day, from which ledger (a store's head),
    how many people its roster holds."""
    out = []
    for p in packs:
        m = p.manifest
        head = (m["source"] or {}).get("store_head") or {}
        out.append({"province": m["province"]["name"], "code": m["province"]["code"], "as_of": m["as_of"],
                    "ledger": m["source"]["ledger"], "head": f"共 {head['records']} 条,哈希 {head['hash'][:12]}" if head else "",
                    "people": (m.get("roster") or {}).get("people"), "folder": str(p.folder)})
    return out


def write_national(out: Path, results: dict[str, pd.DataFrame], packs: list[Pack], config=None) -> list[Path]:
    """Write ``index.html``, ``全国汇总.xlsx`` and a ``csv/`` folder into ``out`` (a fresh folder:
    the caller publishes it whole); return the paths."""
    years = sorted({p.manifest["year"] for p in packs})
    label = f"{'、'.join(map(str, years))}年度" if years else ""
    names = {p.manifest["province"]["code"]: p.manifest["province"]["name"] for p in packs}
    tables = national_tables(results, label, names)
    env = environment(config=config)
    dup = results.get("duplicates", pd.DataFrame())
    sections = [{"title": title, "table": t, "query": q} for (q, _, title, _), t in
                zip([s for s in SHEETS if s[0] in results], tables)]
    page = write_page(env, "national.html", out / "index.html", jurisdiction="全国汇总", as_of=label,
                      public=False, search=None, packs=pack_rows(packs), sections=sections,
                      people=int(dup["person"].nunique()) if not dup.empty else 0, shown_limit=DUPLICATES_SHOWN,
                      disagree=int((results["agreement"]["agrees"] == 0).sum()) if "agreement" in results else 0)
    book = write_workbook(out / "全国汇总.xlsx", tables)
    csvs = write_csv_folder(out / "csv", tables)
    return [page, book, *csvs]
