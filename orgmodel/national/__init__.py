"""Packs and the national roll-up: each ledger's figures as a folder of Parquet tables with a
manifest (``pack``), and plain SQL over many packs (``rollup``), run by DuckDB embedded or by
any engine that reads the same tables (SQLite in the tests; Spark SQL, Doris or StarRocks on a
cluster: docs/national.md)."""
