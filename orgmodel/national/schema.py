"""The tables of a pack: their columns and Parquet types, one definition that the writer, the
readers and the SQL files keep to. A pack is partitioned hive-style by ``province`` (the
ledger's jurisdiction code) and ``year`` (of its as-of date): those two columns come from the
folder names, never from the files, so a pack of one ledger and a tree of many read alike. Column names
avoid the words some SQL engines reserve (``over``, ``rank``, ``date``, ``value``), so the
same SQL runs on DuckDB, SQLite, Spark SQL and Doris."""

from __future__ import annotations

import pyarrow as pa

SCHEMA_VERSION = 1
PARTITIONS = (("province", pa.string()), ("year", pa.int32()))

_S, _I, _B, _D = pa.string(), pa.int64(), pa.bool_(), pa.date32()

TABLES: dict[str, pa.Schema] = {
    "divisions": pa.schema([("code", _S), ("name", _S), ("division_level", _S), ("kind", _S), ("parent", _S),
                            ("population", _I), ("households", _I)]),
    "bodies": pa.schema([("body_id", _I), ("division_code", _S), ("name", _S), ("category", _S), ("body_class", _S),
                         ("body_rank", _S), ("funding", _S), ("led_by", _S), ("dispatched", _B), ("signboards", _I)]),
    "signboards": pa.schema([("body_id", _I), ("division_code", _S), ("name", _S)]),
    "quota": pa.schema([("division_code", _S), ("division_level", _S), ("in_township", _B), ("body_id", _I),
                        ("dispatched", _B),
                        ("quota_type", _S), ("approved", _I), ("actual", _I), ("vacant", _I), ("over_quota", _I)]),
    "leader_posts": pa.schema([("division_code", _S), ("body_id", _I), ("post", _S), ("approved", _I),
                               ("actual", _I), ("vacant", _I), ("over_quota", _I)]),
    "transfers": pa.schema([("transfer_date", _D), ("doc", _S), ("kind", _S), ("from_holder", _S), ("from_division", _S),
                            ("from_level", _S), ("from_township", _B), ("to_holder", _S), ("to_division", _S),
                            ("to_level", _S), ("to_township", _B),
                            ("quota_type", _S), ("amount", _I), ("cross_level", _B), ("approved_by", _S)]),
    "pools": pa.schema([("division_code", _S), ("division_level", _S), ("pool", _S), ("pool_kind", _S),
                        ("quota_type", _S), ("amount", _I)]),
    "off_quota": pa.schema([("division_code", _S), ("division_level", _S), ("off_quota_staff", _I), ("grids", _I)]),
    "counts": pa.schema([("division_code", _S), ("body_id", _I), ("name", _S), ("amount", _I)]),
    "findings": pa.schema([("rule", _S), ("title", _S), ("severity", _S), ("division_code", _S), ("body_id", _I),
                           ("source", _S), ("message", _S)]),
    "roster": pa.schema([("person", _S), ("division_code", _S), ("body_id", _I), ("quota_type", _S),
                         ("leader", _S), ("post", _S)]),
}

# What each table holds, for the manifest and docs/national.md (Chinese: clerks open both)
TITLES = {
    "divisions": "区划", "bodies": "机构", "signboards": "牌子", "quota": "机构编制(核定、实有、空编、超编)",
    "leader_posts": "领导职数", "transfers": "编制调剂(含跨层级标记和文号)", "pools": "编制池",
    "off_quota": "编外人员和网格(本级)", "counts": "统计数", "findings": "问题清单",
    "roster": "实名制在编人员(不含姓名,身份证号为共享密钥的散列)",
}


def partition_path(table: str, province: str, year: int) -> str:
    """Where a table's file of one pack lies, relative to the pack: hive-style folders."""
    return f"{table}/province={province}/year={year}/part-0.parquet"
