"""Packs and the national roll-up (issue 31): each ledger's figures as Parquet tables with a
manifest, the roll-ups in plain SQL that a second engine runs to the same rows, the same person
found across packs by a keyed hash, and every pack checked against its files and its ledger."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest
from conftest import COUNTY, balance_json, run_cli, write_ledger
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_roster import HEAD, person_id

from orgmodel.national.pack import open_pack
from orgmodel.national.rollup import QUERIES, DuckDBEngine, SQLiteEngine, roll_up
from orgmodel.national.schema import TABLES

ROOT = Path(__file__).resolve().parents[1]
DOC = "doc: 青编〔2021〕1号"
FIGURES = COUNTY + f"""\
- {{date: 2021-01-01, op: approve, body: 东镇/党政办, type: 行政编制, amount: 3, {DOC}}}
- {{date: 2021-01-01, op: approve, body: 东镇/便民服务中心, type: 事业编制, amount: 5, {DOC}}}
- {{date: 2021-01-01, op: approve, body: 县委办, type: 行政编制, amount: 4, {DOC}}}
- {{date: 2021-01-01, op: approve, body: 收回编制池, type: 事业编制, amount: 6, {DOC}}}
- {{date: 2021-01-01, op: staff, body: 东镇/党政办, actual: {{行政编制: 4}}}}
- {{date: 2021-01-01, op: staff, body: 县委办, actual: {{行政编制: 2}}}}
- {{date: 2021-06-01, op: transfer, from: 收回编制池, to: 东镇/便民服务中心, type: 事业编制, amount: 2, cross_level: true, {DOC}}}
"""


def other_county(text: str) -> str:
    """The same ledger for another county (codes 4501…, names changed), a second province."""
    return text.replace('"3701', '"4501').replace("青山县", "白水县")


def roster(path: Path, rows: list[str]) -> Path:
    path.write_text(HEAD + "".join(r + "\n" for r in rows), encoding="utf-8-sig")
    return path


@pytest.fixture(scope="module")
def packs(tmp_path_factory):
    """Two counties packed on one day, each with a roster; one person is in both."""
    tmp = tmp_path_factory.mktemp("national")
    key = tmp / "共享密钥.txt"
    assert run_cli("pack-key", key).exit_code == 0
    a, b, both = person_id("1985-03-02", True, 1), person_id("1990-07-08", False, 2), person_id("1979-11-11", True, 3)
    out = {}
    for name, text, people in (("青山", FIGURES, [a, both]), ("白水", other_county(FIGURES), [b, both])):
        led = write_ledger(tmp / name, text)
        rows = [f"张{i},男,{n},1985-03-02,党政办,东镇,行政编制,在编,,管理,2015-01-01,青编〔2015〕1号,KB{i}"
                for i, n in enumerate(people)]
        ros = roster(tmp / f"{name}-花名册-2021-12-31.csv", rows)
        result = run_cli("pack", led, tmp / f"pack-{name}", "--roster", ros, "--key", key, "--as-of", "2021-12-31")
        assert result.exit_code == 0, result.output
        out[name] = (led, tmp / f"pack-{name}")
    return out


def test_a_pack_holds_every_table_with_its_manifest_and_no_name_or_id_number(packs):
    led, folder = packs["青山"]
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["province"] == {"code": "370100", "name": "青山县"} and manifest["year"] == 2021
    assert set(manifest["tables"]) == set(TABLES)
    for table, entry in manifest["tables"].items():  # hive-style folders, rows as recorded
        assert entry["path"] == f"{table}/province=370100/year=2021/part-0.parquet"
        assert pq.ParquetFile(folder / entry["path"]).metadata.num_rows == entry["rows"]
    assert manifest["roster"] == {"as_of": "2021-12-31", "people": 2} and re.fullmatch(r"[0-9a-f]{16}", manifest["key"])
    people = pq.read_table(folder / manifest["tables"]["roster"]["path"]).to_pandas()
    assert list(people.columns) == ["person", "division_code", "body_id", "quota_type", "leader", "post"]
    raw = b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())
    assert "张".encode() not in raw and not re.search(rb"\d{17}[\dX]", raw)  # no name, no ID number anywhere
    totals = {t["quota_type"]: t for t in manifest["totals"]}
    assert totals["行政编制"]["approved"] == 7 and totals["事业编制"]["pools"] == 4


def test_the_roll_up_equals_each_ledgers_own_balance_and_sums_to_the_country(packs):
    opened = [open_pack(folder) for _, folder in packs.values()]
    results = roll_up(opened)
    totals = results["totals"]
    for led, folder in packs.values():  # 实有 from the roster, as `balance --roster` counts it
        code = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["province"]["code"]
        ros = next(led.parent.glob(f"{led.name}-花名册*.csv"))
        for own in balance_json(led, "--by", "total", "--as-of", "2021-12-31", "--roster", ros):
            row = totals[(totals["province"] == code) & (totals["quota_type"] == own["quota_type"])].iloc[0]
            assert (row["approved"], row["actual"], row["vacant"], row["over_quota"], row["pools"], row["total"]) == \
                (own["approved"], own["actual"], own["vacant"], own["over"], own["pools"], own["total"])
        sink = results["sinking"]
        for own in balance_json(led, "--by", "sinking", "--as-of", "2021-12-31"):
            row = sink[(sink["province"] == code) & (sink["quota_type"] == own["quota_type"])].iloc[0]
            assert (row["township_approved"], row["total"], row["ratio"]) == \
                (own["township_approved"], own["total"], pytest.approx(own["ratio"]))
    country = totals[totals["province"] == "全国"].set_index("quota_type")
    provinces = totals[totals["province"] != "全国"].groupby("quota_type")[["approved", "actual", "pools"]].sum()
    assert (country[["approved", "actual", "pools"]] == provinces.loc[country.index]).all().all()
    cross = results["cross_level"]
    assert set(cross["amount"]) == {2} and set(cross["township_total"]) == {7}  # 事业编制 of 东镇: 5 + the 2
    for led, folder in packs.values():  # the moves into townships as the ledger's own cross-level view counts them
        code = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))["province"]["code"]
        down = [r for r in balance_json(led, "--by", "cross_level", "--as-of", "2021-12-31") if r["direction"] == "下沉"]
        mine = cross[cross["province"] == code]
        assert [(r["quota_type"], r["transfers"], r["amount"], r["township_total"], r["share"]) for r in down] == \
            [(r.quota_type, r.transfers, r.amount, r.township_total, r.share) for r in mine.itertuples()]
    assert results["agreement"]["agrees"].eq(1).all()


def test_the_same_person_is_found_across_packs_by_the_keyed_hash(packs):
    dup = roll_up([open_pack(f) for _, f in packs.values()])["duplicates"]
    assert dup["person"].nunique() == 1 and set(dup["province"]) == {"370100", "450100"}
    assert set(dup["body"]) == {"党政办"} and set(dup["packs"]) == {2}


def test_a_second_engine_gives_the_same_rows_from_the_same_sql(packs):
    opened = [open_pack(f) for _, f in packs.values()]
    assert_same_rows(roll_up(opened, DuckDBEngine), roll_up(opened, SQLiteEngine))


def assert_same_rows(first: dict, second: dict) -> None:
    """Every query's result alike on two engines: the same columns, and row by row the same
    values once each engine's own types are made alike (0/1 for booleans, text for dates)."""
    def plain(values):
        return [None if pd.isna(v) else str(int(v)) if isinstance(v, (bool, float)) else str(v) for v in values]

    for name in QUERIES:
        a, b = first[name], second[name]
        assert list(a.columns) == list(b.columns), name
        assert len(a) == len(b) and len(a) > 0, name
        for col in a.columns:
            if pd.api.types.is_float_dtype(a[col]) or pd.api.types.is_float_dtype(b[col]):
                assert a[col].tolist() == pytest.approx([float(v) for v in b[col]]), (name, col)
            else:
                assert plain(a[col]) == plain(b[col]), (name, col)


def test_national_writes_the_report_workbook_and_csv(packs, tmp_path):
    out = tmp_path / "汇总"
    result = run_cli("national", *(f for _, f in packs.values()), "--out", out)
    assert result.exit_code == 0, result.output
    assert "一人多编 1 人" in result.output and "各数据包与其清单一致" in result.output
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "青山县" in page and "白水县" in page and "一人多编 1 人" in page and "http" not in page.split("<body", 1)[1]
    assert (out / "全国汇总.xlsx").is_file()
    csv = (out / "csv" / "编制总量.csv").read_text(encoding="utf-8-sig")
    assert csv.splitlines()[0].startswith("省(区、市)代码,省(区、市),年度,编制类型,核定,实有,空编,超编,编制池,编制总量")


def test_a_changed_file_or_a_second_pack_of_the_same_place_is_refused(packs, tmp_path):
    _, folder = packs["青山"]
    copy = tmp_path / "改过的包"
    import shutil

    shutil.copytree(folder, copy)
    quota = next(copy.glob("quota/*/*/part-0.parquet"))
    quota.write_bytes(quota.read_bytes()[:-20] + b"\0" * 20)
    result = run_cli("national", copy, packs["白水"][1], "--out", tmp_path / "o")
    assert result.exit_code == 2 and "文件内容与清单中的 SHA-256 不符" in result.output and "未汇总" in result.output
    result = run_cli("national", folder, folder, "--out", tmp_path / "o")
    assert result.exit_code == 2 and "同一区划(370100)同一年(2021)" in result.output
    assert not (tmp_path / "o").exists()


def test_a_roster_without_the_shared_key_is_refused_and_nothing_is_written(packs, tmp_path):
    led, _ = packs["青山"]
    result = run_cli("pack", led, tmp_path / "包", "--roster", next(led.parent.glob("青山-花名册*.csv")))
    assert result.exit_code == 2 and "共享密钥" in result.output and not (tmp_path / "包").exists()
    bad = tmp_path / "key.txt"
    bad.write_text("abc\n", encoding="utf-8")
    result = run_cli("pack", led, tmp_path / "包", "--roster", next(led.parent.glob("青山-花名册*.csv")), "--key", bad)
    assert result.exit_code == 2 and "64 位十六进制数字" in result.output


def test_pack_check_compares_a_pack_with_its_ledger(packs, tmp_path):
    led, folder = packs["青山"]
    result = run_cli("pack-check", folder, led)  # 实有 came from a roster: without it, only 核定 and pools
    assert result.exit_code == 0 and "编制总量一致" in result.output and "未核对实有" in result.output, result.output
    ros = next(led.parent.glob("青山-花名册*.csv"))
    result = run_cli("pack-check", folder, led, "--roster", ros)
    assert result.exit_code == 0 and "未核对实有" not in result.output, result.output
    import shutil

    changed = tmp_path / "led"
    shutil.copytree(led, changed)
    with open(changed / "ledger.yaml", "a", encoding="utf-8") as f:
        f.write(f"- {{date: 2021-03-01, op: approve, body: 县委办, type: 行政编制, amount: 5, {DOC}}}\n")  # 核定 sets: 3 + 5
    result = run_cli("pack-check", folder, changed)
    assert result.exit_code == 1 and "行政编制:数据包 核定 7" in result.output and "台账 核定 8" in result.output


def test_a_pack_never_replaces_the_ledger_it_reads(packs):
    led, _ = packs["青山"]
    result = run_cli("pack", led, led)
    assert result.exit_code == 2 and "为免覆盖,未写入" in result.output
    assert (led / "ledger.yaml").is_file() and not (led / "manifest.json").exists()


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["东镇/党政办", "县委办", "东镇/便民服务中心", "西乡/党政办"]),
                          st.sampled_from(["行政编制", "事业编制"]), st.integers(1, 9)), min_size=1, max_size=6),
       st.integers(1, 5))
def test_quota_is_conserved_from_ledgers_to_the_country(tmp_path_factory, grants, moved):
    """Whatever two ledgers approve and move, the country's totals are the sum of each ledger's
    own `balance --by total`, on both engines."""
    tmp = tmp_path_factory.mktemp("conserved")
    text = COUNTY + "".join(f"- {{date: 2021-02-01, op: approve, body: {b}, type: {t}, amount: {n}, {DOC}}}\n"
                            for b, t, n in grants)
    text += f"- {{date: 2021-01-01, op: approve, body: 收回编制池, type: 事业编制, amount: 5, {DOC}}}\n"
    text += f"- {{date: 2021-03-01, op: transfer, from: 收回编制池, to: 西乡/党政办, type: 事业编制, amount: {moved}, {DOC}}}\n"
    folders, expected = [], {}
    for name, body in (("a", text), ("b", other_county(text))):
        led = write_ledger(tmp / name, body)
        assert run_cli("pack", led, tmp / f"p{name}").exit_code == 0
        folders.append(tmp / f"p{name}")
        for own in balance_json(led, "--by", "total"):
            expected[own["quota_type"]] = expected.get(own["quota_type"], 0) + own["total"]
    opened = [open_pack(f) for f in folders]
    for engine in (DuckDBEngine, SQLiteEngine):
        totals = roll_up(opened, engine, ("totals",))["totals"]
        country = totals[totals["province"] == "全国"]
        assert dict(zip(country["quota_type"], map(int, country["total"]))) == expected


class SparkEngine:
    """Spark SQL in local mode: each table read from the packs' folders with Spark's own
    partition discovery, as a cluster would (docs/national.md)."""

    def __init__(self, packs):
        from pyspark.sql import SparkSession

        from orgmodel.national.rollup import manifest_totals

        self.spark = (SparkSession.builder.master("local[1]").appName("orgmodel-test")
                      .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
                      .config("spark.ui.enabled", "false").getOrCreate())
        for table in TABLES:
            frames = [self.spark.read.parquet(str(p.folder / table)) for p in packs]
            df = frames[0]
            for more in frames[1:]:
                df = df.unionByName(more)
            df.createOrReplaceTempView(table)
        self.spark.createDataFrame(manifest_totals(packs)).createOrReplaceTempView("manifest_totals")

    def run(self, sql: str) -> pd.DataFrame:
        return self.spark.sql(sql).toPandas()


def test_spark_sql_gives_the_same_rows_where_it_is_installed(packs):
    pytest.importorskip("pyspark")
    import shutil as _shutil

    if _shutil.which("java") is None:
        pytest.skip("no Java for Spark")
    opened = [open_pack(f) for _, f in packs.values()]
    assert_same_rows(roll_up(opened, DuckDBEngine), roll_up(opened, SparkEngine))


def test_pack_all_builds_each_ledgers_pack_in_its_own_process_and_reports_the_ones_it_cannot(tmp_path):
    good = write_ledger(tmp_path / "青山县台账", FIGURES)
    other = write_ledger(tmp_path / "白水县台账", other_county(FIGURES))
    bad = write_ledger(tmp_path / "坏台账", COUNTY + "- {date: 2021-01-01, op: approve, body: 无此机构, type: 行政编制, "
                                                     f"amount: 2, {DOC}}}\n")
    out = tmp_path / "数据包"
    result = run_cli("pack-all", out, good, bad, other, "--jobs", "2", "--as-of", "2021-12-31")
    assert result.exit_code == 1, result.output
    assert "共 3 本台账:生成 2 个数据包,1 本未生成" in result.output
    assert "未生成" in result.output and "坏台账" in result.output and "找不到机构" in result.output
    packs = sorted(p.name for p in out.iterdir() if (p / "manifest.json").is_file())
    assert packs == ["白水县台账", "青山县台账"] and not (out / "坏台账").exists()
    results = roll_up([open_pack(out / name) for name in packs])  # the packs roll up as any others
    assert set(results["totals"]["province"]) == {"370100", "450100", "全国"}


def test_a_roster_of_another_ledger_is_refused_and_an_altered_table_is_found(packs, tmp_path):
    led, folder = packs["青山"]
    key = next(led.parent.glob("共享密钥.txt"))
    stranger = roster(tmp_path / "别处-花名册-2021-12-31.csv",
                      [f"王{i},男,{person_id('1980-01-01', True, i)},1980-01-01,别处单位,别处,事业编制,在编,,管理,2015-01-01,文1,KB{i}"
                       for i in range(1, 4)])
    result = run_cli("pack", led, tmp_path / "包", "--roster", stranger, "--key", key, "--as-of", "2021-12-31")
    assert result.exit_code == 2 and "与台账不符" in result.output and not (tmp_path / "包").exists()
    # a table changed and its SHA-256 written into the manifest again: pack-check adds the tables up
    import shutil

    copy = tmp_path / "改过的包"
    shutil.copytree(folder, copy)
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    entry = manifest["tables"]["quota"]
    df = pq.read_table(copy / entry["path"]).to_pandas()
    df.loc[0, "approved"] += 10
    import pyarrow as pa

    pq.write_table(pa.Table.from_pandas(df, schema=TABLES["quota"], preserve_index=False), copy / entry["path"])
    from orgmodel.national.pack import _sha256

    entry["sha256"] = _sha256(copy / entry["path"])
    (copy / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), encoding="utf-8")
    ros = next(led.parent.glob("青山-花名册*.csv"))
    result = run_cli("pack-check", copy, led, "--roster", ros)
    assert result.exit_code == 1 and "数据表与其清单不符" in result.output, result.output


def test_reports_are_readable_as_the_umask_allows_and_the_shared_key_by_its_owner_only(packs, tmp_path):
    import os
    import stat

    from orgmodel.core.outputs import UMASK

    key = tmp_path / "key.txt"
    assert run_cli("pack-key", key).exit_code == 0
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    out = tmp_path / "汇总"
    run_cli("national", *(f for _, f in packs.values()), "--out", out)
    assert stat.S_IMODE(os.stat(out / "全国汇总.xlsx").st_mode) == 0o666 & ~UMASK
