"""Measure packs and the national roll-up (``orgmodel pack``, ``orgmodel national``).

Usage::

    python benchmarks/bench_national.py LEDGER [--provinces 31] [--roster-rows 10000000] [--work DIR]

1. **A pack of LEDGER** (a province store, say), in-process stage by stage: the answer (replay
   and rules), the pack's tables, and writing them with pyarrow against DuckDB's own writer
   (``COPY … TO … (FORMAT parquet)``) for the same frames. The floor: reading the ledger's bytes.
2. **A country**: the province pack copied ``--provinces`` times under other province codes
   (each copy a pack with its own manifest), then every roll-up of ``orgmodel national`` on
   DuckDB, against the floor of one plain ``GROUP BY`` over the same Parquet files in DuckDB
   and the same sum in pandas.
3. **一人多编 over a roster**: ``--roster-rows`` keyed hashes spread over the provinces (1 in
   1,000 people in two of them), written as the packs' roster tables, then the duplicates
   query, against a plain ``COUNT(DISTINCT person)`` over the same files.

Peak memory is the process's (``ru_maxrss``) after each part. Print only; nothing is asserted.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
import pyarrow.parquet as pq  # noqa: E402

from orgmodel.answers.book import Book  # noqa: E402
from orgmodel.national import pack as packing  # noqa: E402
from orgmodel.national.rollup import QUERIES, DuckDBEngine, check_packs, query_text  # noqa: E402
from orgmodel.national.schema import TABLES, partition_path  # noqa: E402


def peak_gb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024 / 1024


class Clock:
    def __init__(self):
        self.rows = []

    def __call__(self, label: str, fn, *args, **kw):
        start = time.perf_counter()
        out = fn(*args, **kw)
        self.rows.append((label, time.perf_counter() - start, peak_gb()))
        print(f"  {label:<58} {self.rows[-1][1]:8.2f} s   peak {self.rows[-1][2]:5.2f} GB", flush=True)
        return out


def read_bytes(path: Path) -> int:
    paths = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(len(p.read_bytes()) for p in paths)


def duckdb_write(folder: Path, tables: dict, code: str, year: int) -> None:
    import duckdb

    con = duckdb.connect()
    for name, df in tables.items():
        path = folder / partition_path(name, code, year)
        path.parent.mkdir(parents=True, exist_ok=True)
        arrow = pa.Table.from_pandas(df.reset_index(drop=True), schema=TABLES[name], preserve_index=False)
        con.register("t", arrow)
        con.execute(f"COPY t TO '{path}' (FORMAT parquet, COMPRESSION zstd)")
        con.unregister("t")


def copy_pack(src: Path, dst: Path, code: str) -> None:
    """The pack at ``src`` as the pack of another province ``code`` (files moved to its folders,
    a manifest of its own)."""
    m = json.loads((src / "manifest.json").read_text(encoding="utf-8"))
    old = m["province"]["code"]
    m["province"] = {"code": code, "name": f"省{code}"}
    for entry in m["tables"].values():
        rel = entry["path"].replace(f"province={old}", f"province={code}")
        (dst / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(src / entry["path"], dst / rel)
        entry["path"] = rel
    (dst / "manifest.json").write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")


def write_rosters(packs: list[Path], rows: int, seed: int = 31) -> None:
    """``rows`` keyed hashes over the packs' roster tables, 1 in 1,000 people in two packs;
    each pack's manifest updated (rows, SHA-256)."""
    rng = np.random.default_rng(seed)
    per = rows // len(packs)
    shared = [hashlib.sha256(f"shared{i}".encode()).hexdigest() for i in range(per // 1000)]
    for n, folder in enumerate(packs):
        m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        ids = rng.integers(0, 2**62, per, dtype=np.int64)
        people = np.char.add(np.char.mod("%016x", ids), "0" * 48).astype(object)
        if n < 2:  # the shared people sit in the first two packs
            people[:len(shared)] = shared
        bodies = pq.read_table(folder / m["tables"]["bodies"]["path"], columns=["body_id", "division_code"]).to_pandas()
        pick = rng.integers(0, len(bodies), per)
        df = pd.DataFrame({"person": people, "division_code": bodies["division_code"].to_numpy()[pick],
                           "body_id": bodies["body_id"].to_numpy()[pick], "quota_type": "事业编制",
                           "leader": None, "post": "专业技术"})
        path = folder / m["tables"]["roster"]["path"]
        pq.write_table(pa.Table.from_pandas(df, schema=TABLES["roster"], preserve_index=False), path, compression="zstd")
        m["tables"]["roster"].update(rows=per, sha256=packing._sha256(path))
        (folder / "manifest.json").write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("ledger", type=Path)
    ap.add_argument("--provinces", type=int, default=31)
    ap.add_argument("--roster-rows", type=int, default=10_000_000)
    ap.add_argument("--work", type=Path, default=None)
    args = ap.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="bench-national-"))
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    clock = Clock()

    print(f"1. a pack of {args.ledger}")
    size = clock("floor: read the ledger's bytes", read_bytes, args.ledger)
    print(f"     ({size / 1e6:.0f} MB)")
    book = clock("open the ledger (Book)", Book, str(args.ledger))
    answer = clock("the answer: replay and rules", book.answer)
    tables = clock("the pack's tables", packing.pack_tables, answer)
    print(f"     ({sum(len(t) for t in tables.values()):,} rows)")
    code, name = packing.jurisdiction(answer.state)
    day = answer.as_of
    one = work / "pack-0"
    one.mkdir()
    clock("write with pyarrow (zstd) and the manifest", packing.write_pack, one, tables, (code, name), day,
          packing.origin_of(args.ledger), packing.totals(answer), None, None)
    clock("write the same frames with DuckDB's COPY (zstd)", duckdb_write, work / "duck", tables, code, day.year)
    del book, answer, tables

    print(f"2. the country: {args.provinces} packs")
    folders = [one]
    for i in range(1, args.provinces):
        folders.append(work / f"pack-{i}")
        copy_pack(one, folders[-1], f"{int(code) + i}")
    packs = clock("open and check every pack (SHA-256, rows, schema)", lambda: [packing.open_pack(f) for f in folders])
    check_packs(packs)
    engine = clock("DuckDB: views over the Parquet files", DuckDBEngine, packs)
    for q in QUERIES:
        if q != "duplicates":
            clock(f"roll-up {q}", engine.run, query_text(q))
    files = ", ".join(f"'{p.file('quota')}'" for p in packs)
    clock("floor: DuckDB GROUP BY province, type over quota", engine.run,
          f"SELECT province, quota_type, SUM(approved) FROM read_parquet([{files}], hive_partitioning = true) "
          f"GROUP BY province, quota_type")
    clock("floor: pandas read + groupby of the same", lambda: pd.concat(
        [pq.read_table(p.file("quota"), columns=["quota_type", "approved"]).to_pandas().assign(province=i)
         for i, p in enumerate(packs)]).groupby(["province", "quota_type"])["approved"].sum())

    print(f"3. 一人多编 over {args.roster_rows:,} roster rows")
    clock("write the synthetic rosters", write_rosters, folders, args.roster_rows)
    packs = [packing.open_pack(f) for f in folders]
    engine = DuckDBEngine(packs)
    dup = clock("roll-up duplicates", engine.run, query_text("duplicates"))
    print(f"     ({dup['person'].nunique():,} people in two packs)")
    clock("floor: DuckDB COUNT(DISTINCT person)", engine.run, "SELECT COUNT(DISTINCT person) FROM roster")
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
