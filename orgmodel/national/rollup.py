"""The national roll-up: the SQL files of ``sql/`` over the tables of many packs.

The SQL keeps to what DuckDB, SQLite, Spark SQL and Doris/StarRocks share (CTEs, CASE,
COALESCE, CAST AS DOUBLE, ROUND, COUNT DISTINCT, UNION); only the binding of the table names
to the packs' files is the engine's own. :class:`DuckDBEngine` (the default, embedded) reads
the Parquet files in place, partition columns from the hive-style folders; :class:`SQLiteEngine`
loads them into memory and is the second engine the tests compare against row by row."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from importlib import resources

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .pack import Pack, PackError
from .schema import TABLES

QUERIES = ("totals", "balance", "sinking", "cross_level", "off_quota", "findings", "duplicates", "agreement")
MANIFEST_TOTALS = ["province", "year", "quota_type", "approved", "actual", "vacant", "over_quota", "pools", "total"]


def query_text(name: str) -> str:
    """The SQL of one roll-up, as shipped in the package."""
    return resources.files(__package__).joinpath("sql", f"{name}.sql").read_text(encoding="utf-8")


def check_packs(packs: list[Pack]) -> None:
    """Packs that can be rolled up together: one per province and year, and, when they carry
    rosters, made with the same shared key (else the same person would not match)."""
    seen: dict[tuple, Pack] = {}
    problems = []
    for p in packs:
        k = (p.manifest["province"]["code"], p.manifest["year"])
        if k in seen:
            problems.append(f"{seen[k].folder} 与 {p.folder} 是同一区划({k[0]})同一年({k[1]})的数据包,只能用其中一个")
        seen[k] = p
    keys = {p.manifest.get("key") for p in packs if p.manifest.get("key")}
    if len(keys) > 1:
        problems.append("各数据包的花名册用了不同的共享密钥(" + "、".join(sorted(keys)) + "),同一人无法比对;"
                        "请用同一把共享密钥重新生成")
    if problems:
        raise PackError(";".join(problems))


def manifest_totals(packs: list[Pack]) -> pd.DataFrame:
    """The totals each pack's manifest recorded from its ledger, one row per pack and type."""
    rows = [(p.manifest["province"]["code"], p.manifest["year"], t["quota_type"], t["approved"], t["actual"],
             t["vacant"], t["over_quota"], t["pools"], t["total"]) for p in packs for t in p.manifest["totals"]]
    return pd.DataFrame(rows, columns=MANIFEST_TOTALS).astype({"year": "int32"})


@dataclass
class DuckDBEngine:
    """DuckDB, embedded: each table a view over the packs' Parquet files."""

    packs: list[Pack]

    def __post_init__(self):
        import duckdb

        self.con = duckdb.connect()
        for table in TABLES:
            files = ", ".join(_quoted(str(p.file(table))) for p in self.packs)
            self.con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet([{files}], hive_partitioning = true, "
                             f"hive_types = {{'province': VARCHAR, 'year': INTEGER}})")
        self.con.register("manifest_totals_df", manifest_totals(self.packs))
        self.con.execute("CREATE TABLE manifest_totals AS SELECT * FROM manifest_totals_df")

    def run(self, sql: str) -> pd.DataFrame:
        return self.con.execute(sql).df()


@dataclass
class SQLiteEngine:
    """SQLite in memory, the tables loaded from the packs' files (booleans as 0/1, dates as
    ISO text): a second engine to hold the SQL to what engines share."""

    packs: list[Pack]

    def __post_init__(self):
        self.con = sqlite3.connect(":memory:")
        for table in TABLES:
            frames = [_with_partition(pq.read_table(p.file(table)), p).to_pandas() for p in self.packs]
            df = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
            for col in df.columns:
                if df[col].dtype == bool:
                    df[col] = df[col].astype(int)
                elif df[col].dtype == object and any(hasattr(v, "isoformat") for v in df[col].dropna().head(1)):
                    df[col] = df[col].map(lambda v: v.isoformat() if v is not None else None)
            df.to_sql(table, self.con, index=False)
        manifest_totals(self.packs).to_sql("manifest_totals", self.con, index=False)

    def run(self, sql: str) -> pd.DataFrame:
        return pd.read_sql_query(sql, self.con)


def _with_partition(table: pa.Table, pack: Pack) -> pa.Table:
    """A pack's table with the partition columns its folders name."""
    n = table.num_rows
    table = table.append_column("province", pa.array([pack.manifest["province"]["code"]] * n, pa.string()))
    return table.append_column("year", pa.array([pack.manifest["year"]] * n, pa.int32()))


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def roll_up(packs: list[Pack], engine_class=DuckDBEngine, queries=QUERIES) -> dict[str, pd.DataFrame]:
    """Every roll-up over ``packs`` on one engine: ``{query name: result}``."""
    check_packs(packs)
    engine = engine_class(packs)
    return {name: engine.run(query_text(name)) for name in queries}
