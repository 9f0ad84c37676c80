"""The ledger database: it replays exactly what its sources give, keeps every change with who
and when, never half-writes or silently loses one, and shows any change made behind its back."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest
from conftest import COUNTY, balance_json, run_cli, write_ledger

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"
DOC = "doc: 青编〔2021〕1号"
LEDGER = COUNTY + f"""\
- {{date: 2021-01-01, op: approve, body: 东镇/党政办, type: 行政编制, amount: 10, {DOC}}}
- {{date: 2021-01-01, op: approve, body: 县委办, type: 行政编制, amount: 20, {DOC}}}
"""
PLAN = f"""\
name: 调剂方案
directives:
  - {{date: 2022-01-01, op: transfer, from: 县委办, to: 东镇/党政办, type: 行政编制, amount: 2, {DOC}}}
"""


def records(db: Path) -> int:
    with closing(sqlite3.connect(db)) as con:
        return con.execute("SELECT COUNT(*) FROM directives").fetchone()[0]


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "台账.db"
    assert run_cli("init", path).exit_code == 0
    led = write_ledger(tmp_path / "led", LEDGER)
    assert run_cli("import", path, led, "--by", "张三").exit_code == 0
    return path


def test_the_demo_replays_from_the_store_exactly_as_from_its_files(tmp_path):
    path = tmp_path / "office.db"
    run_cli("init", path)
    result = run_cli("import", path, DEMO, "--by", "张三")
    assert result.exit_code == 0 and "已导入 2283 条记录" in result.output
    for view in ("body", "township", "county", "total", "leaders", "sinking", "off_quota"):
        assert balance_json(path, "--by", view) == balance_json(DEMO, "--by", view), view
    from_files = json.loads(run_cli("check", DEMO, "--format", "json").stdout)
    from_store = json.loads(run_cli("check", path, "--format", "json").stdout)
    assert [(f["rule"], f["message"]) for f in from_store] == [(f["rule"], f["message"]) for f in from_files]
    # each finding names the original line and the record
    assert all(f["source"].endswith(")") and "(记录 " in f["source"] and ".yaml:" in f["source"] for f in from_store)


def test_a_workbook_import_keeps_the_cell_each_record_came_from(tmp_path):
    path = tmp_path / "office.db"
    run_cli("init", path)
    assert run_cli("import", path, DEMO / "栖澜市台账.xlsx", "--by", "张三").exit_code == 0
    found = json.loads(run_cli("check", path, "--format", "json").stdout)
    assert any("栖澜市台账.xlsx!" in f["source"] and "(记录 " in f["source"] for f in found)


def test_import_refuses_a_ledger_with_errors_and_writes_nothing(tmp_path):
    path = tmp_path / "office.db"
    run_cli("init", path)
    bad = write_ledger(tmp_path / "bad", LEDGER + "- {date: 2021-02-01, op: staff, body: 无此机构, actual: {行政编制: 1}}\n")
    result = run_cli("import", path, bad)
    assert result.exit_code == 1 and "未导入" in result.output and "[找不到机构]" in result.output
    assert records(path) == 0


def test_commit_appends_an_approved_plan_and_refuses_one_with_errors(db, tmp_path):
    plan = tmp_path / "方案.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    result = run_cli("commit", db, plan, "--by", "李四")
    assert result.exit_code == 0 and "已写入 1 条记录" in result.output
    assert {r["body"]: r["approved"] for r in balance_json(db, "--by", "body") if r["approved"]}["党政办"] == 12
    bad = tmp_path / "坏方案.yaml"
    bad.write_text(PLAN.replace("amount: 2", "amount: 200"), encoding="utf-8")
    before = records(db)
    result = run_cli("commit", db, bad, "--by", "李四")
    assert result.exit_code == 1 and "未写入" in result.output and records(db) == before


def test_a_correction_reverses_a_record_and_the_log_shows_both(db, tmp_path):
    plan = tmp_path / "方案.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    run_cli("commit", db, plan, "--by", "李四")
    last = records(db)
    result = run_cli("correct", db, last, "--by", "王五", "--doc", "青编〔2022〕9号", "--reason", "录入错误")
    assert result.exit_code == 0
    assert {r["body"]: r["approved"] for r in balance_json(db, "--by", "body") if r["approved"]}["党政办"] == 10
    log = json.loads(run_cli("log", db, "--format", "json").stdout)
    assert log[-2]["状态"] == f"已被第 {last + 1} 号冲正" and log[-1]["状态"] == f"冲正第 {last} 号"
    assert log[-1]["记录人"] == "王五" and log[-1]["文号"] == "青编〔2022〕9号" and log[-2]["记录人"] == "李四"
    again = run_cli("correct", db, last, "--by", "王五", "--doc", "x")
    assert again.exit_code == 2 and "已由第" in again.output
    assert run_cli("correct", db, 9999, "--by", "王五", "--doc", "x").exit_code == 2


def test_log_filters_by_body_date_and_document(db, tmp_path):
    plan = tmp_path / "方案.yaml"
    plan.write_text(PLAN.replace("青编〔2021〕1号", "青编〔2022〕3号"), encoding="utf-8")
    run_cli("commit", db, plan, "--by", "李四")
    by_doc = json.loads(run_cli("log", db, "--doc", "青编〔2022〕3号", "--format", "json").stdout)
    assert [r["指令"] for r in by_doc] == ["调剂"]
    assert len(json.loads(run_cli("log", db, "--since", "2022-01-01", "--format", "json").stdout)) == 1
    assert all("县委办" in r["内容"] for r in json.loads(run_cli("log", db, "--body", "县委办", "--format", "json").stdout))


def test_records_cannot_be_changed_and_a_change_behind_orgmodels_back_shows(db):
    with sqlite3.connect(db) as con, pytest.raises(sqlite3.DatabaseError, match="只能追加"):
        con.execute("UPDATE directives SET doc = 'x' WHERE id = 3")
    assert run_cli("verify", db).exit_code == 0
    with sqlite3.connect(db) as con:  # someone drops the guard and edits a record
        con.execute("DROP TRIGGER directives_no_update")
        con.execute("UPDATE directives SET body = replace(body, '10', '99') WHERE id = 9")
    result = run_cli("verify", db)
    assert result.exit_code == 1 and "第 9 号记录:内容与其哈希不符" in result.output


def test_a_database_from_a_newer_orgmodel_is_refused_unchanged(db):
    with sqlite3.connect(db) as con:
        con.execute("INSERT INTO schema_migrations VALUES (99, 'future', 'x')")
    before = db.read_bytes()
    result = run_cli("check", db)
    assert result.exit_code == 2 and "较新版本的 orgmodel" in result.output
    assert db.read_bytes() == before


def test_dump_writes_yaml_that_replays_the_same(db, tmp_path):
    out = tmp_path / "备份"
    assert run_cli("dump", db, out).exit_code == 0
    assert balance_json(out, "--by", "body") == balance_json(db, "--by", "body")
    assert run_cli("dump", db, out).exit_code == 2  # not into a folder that has files


def test_a_busy_database_is_told_and_nothing_is_written(db, tmp_path):
    plan = tmp_path / "方案.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    holder = sqlite3.connect(db, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another clerk is in the middle of a write
    try:
        env = {**os.environ, "ORGMODEL_BUSY_SECONDS": "0.5"}
        result = subprocess.run([sys.executable, str(ROOT / "cli.py"), "commit", str(db), str(plan), "--by", "李四"],
                                capture_output=True, text=True, env=env, timeout=120)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.returncode == 2 and "数据库正忙" in result.stderr
    assert records(db) == LEDGER.count("\n")


def test_two_clerks_committing_at_once_both_land_whole(db, tmp_path):
    procs = []
    for n in range(2):
        plan = tmp_path / f"方案{n}.yaml"
        plan.write_text(PLAN.replace("amount: 2", f"amount: {n + 1}"), encoding="utf-8")
        procs.append(subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "commit", str(db), str(plan),
                                       "--by", f"科员{n}"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True))
    outcomes = [p.wait(timeout=120) for p in procs]
    assert outcomes == [0, 0], [p.stderr.read() for p in procs]
    assert run_cli("verify", db).exit_code == 0
    log = json.loads(run_cli("log", db, "--format", "json").stdout)
    assert sorted(r["记录人"] for r in log[-2:]) == ["科员0", "科员1"]
    assert {r["body"]: r["approved"] for r in balance_json(db, "--by", "body") if r["approved"]}["党政办"] == 13


def test_records_read_back_as_the_very_directives_that_were_stored(tmp_path):
    """Read under the stored config the records are rebuilt without validating again; they are
    the same directives (dates, nested entries and all) that validation gives."""
    from orgmodel.core.config import load_config
    from orgmodel.ledger import load
    from orgmodel.store.origin import StoreOrigin

    path = tmp_path / "office.db"
    run_cli("init", path)
    run_cli("import", path, DEMO, "--by", "张三")
    origin = StoreOrigin(path, str(path))
    config = load(DEMO).config
    fast, _ = origin.read(config)
    slow, _ = origin.read(load_config())  # another config: validated again
    key = lambda d: (d.date, d.op, d.fields, d.doc, d.note, str(d.source))  # noqa: E731
    assert [key(d) for d in fast] == [key(d) for d in slow]
    assert [key(d)[:5] for d in fast] == [key(d)[:5] for d in load(DEMO).directives]


def test_someone_elses_sqlite_file_and_a_corrupt_one_are_refused_untouched(tmp_path):
    other = tmp_path / "别的.db"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE people (name TEXT)")
    before = other.read_bytes()
    result = run_cli("log", other)
    assert result.exit_code == 2 and "不是 orgmodel 的台账数据库" in result.output and other.read_bytes() == before
    broken = tmp_path / "坏.db"
    broken.write_bytes(b"SQLite format 3\x00" + b"\x07" * 500)
    result = run_cli("check", broken)
    assert result.exit_code == 2 and "已损坏" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("tamper, row", [
    ("DELETE FROM directives WHERE id = 5", "第 6 号记录"),
    ("UPDATE directives SET id = -id WHERE id IN (4, 5); UPDATE directives SET id = 5 WHERE id = -4; "
     "UPDATE directives SET id = 4 WHERE id = -5", "第 4 号记录"),
    ("UPDATE batches SET recorded_by = '别人' WHERE id = 1", "第 1 号记录"),
])
def test_deleting_reordering_or_reattributing_a_row_is_found(db, tamper, row):
    with sqlite3.connect(db) as con:
        for t in ("directives_no_update", "directives_no_delete", "batches_no_update"):
            con.execute(f"DROP TRIGGER {t}")
        con.executescript(tamper)
    result = run_cli("verify", db)
    assert result.exit_code == 1 and row in result.output, result.output


def test_dump_then_import_gives_the_same_chain_of_directives(db, tmp_path):
    out = tmp_path / "备份"
    run_cli("dump", db, out)
    again = tmp_path / "again.db"
    run_cli("init", again)
    assert run_cli("import", again, out, "--by", "张三").exit_code == 0
    with sqlite3.connect(db) as a, sqlite3.connect(again) as b:
        assert [r for r in a.execute("SELECT date, op, doc, body FROM directives ORDER BY id")] == \
               [r for r in b.execute("SELECT date, op, doc, body FROM directives ORDER BY id")]


def cli_killed_at(failpoint: str | None, *args) -> int:
    """Run the command line in a process of its own that dies (SIGKILL) at ``failpoint`` (see
    :mod:`orgmodel.core.failpoints`); return its exit status."""
    env = {k: v for k, v in os.environ.items() if k != "ORGMODEL_FAILPOINT"}
    if failpoint:
        env["ORGMODEL_FAILPOINT"] = failpoint
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *map(str, args)], capture_output=True, env=env,
                          timeout=300).returncode


def test_killing_commits_leaves_each_one_whole_or_absent(db, tmp_path):
    """A commit killed at each step of its write (a fail point, so the moment does not depend
    on the machine's load): before ``COMMIT`` nothing lands, after it the batch is whole; the
    chain verifies after each, and a commit after the kills lands."""
    import signal

    plan = tmp_path / "方案.yaml"
    plan.write_text(PLAN.replace("amount: 2", "amount: 1"), encoding="utf-8")
    landed = 0
    for point, lands in (("store.batch", 0), ("store.inserted", 0), ("store.commit", 0), ("store.committed", 1)):
        assert cli_killed_at(point, "commit", db, plan, "--by", "测") == -signal.SIGKILL, point
        # closed before verify runs in this process: an open connection's locks would be dropped
        # when verify reads the file's first bytes (POSIX locks go with any close of the file)
        with closing(sqlite3.connect(db)) as con:
            commits = con.execute("SELECT COUNT(*) FROM batches WHERE kind = 'commit'").fetchone()[0]
            transfers = con.execute("SELECT COUNT(*) FROM directives WHERE op = 'transfer'").fetchone()[0]
        landed += lands
        assert commits == transfers == landed, point  # a batch without its record, or a record without its batch, never
        assert run_cli("verify", db).exit_code == 0, point
    assert cli_killed_at(None, "commit", db, plan, "--by", "测") == 0
    landed += 1
    assert run_cli("verify", db).exit_code == 0
    held = {r["body"]: r["approved"] for r in balance_json(db, "--by", "body") if r["approved"]}
    assert held["党政办"] == 10 + landed and held.get("县委办", 0) == 20 - landed


@pytest.mark.parametrize("ledger", ["tengzhou", "zhucheng", "neijiang", "daiyue", "binzhou", "synthetic"])
def test_case_studies_and_a_synthetic_ledger_replay_the_same_from_the_store(tmp_path, ledger):
    if ledger == "synthetic":
        from orgmodel.sources.synthetic import Params, generate

        source = tmp_path / "synthetic"
        generate(source, Params(townships=12))
    else:
        source = ROOT / "data" / "scenarios" / ledger / "base"
    path = tmp_path / "office.db"
    run_cli("init", path)
    result = run_cli("import", path, source, "--by", "张三", "--allow-rule-errors")
    assert result.exit_code == 0, result.output
    for view in ("body", "township", "total"):
        assert balance_json(path, "--by", view) == balance_json(source, "--by", view), view


def test_many_concurrent_commits_each_land_exactly_once(db, tmp_path):
    for round_ in range(4):
        procs = []
        for n in range(3):
            plan = tmp_path / f"方案{round_}-{n}.yaml"
            plan.write_text(PLAN.replace("amount: 2", "amount: 1").replace("2022-01-01", f"2022-0{n + 1}-0{round_ + 1}"),
                            encoding="utf-8")
            procs.append(subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "commit", str(db), str(plan),
                                           "--by", f"科员{round_}{n}"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE))
        assert [p.wait(timeout=120) for p in procs] == [0, 0, 0], [p.stderr.read().decode() for p in procs]
    with sqlite3.connect(db) as con:
        batches = con.execute("SELECT recorded_by, COUNT(*) FROM batches b JOIN directives d ON d.batch = b.id "
                              "WHERE kind = 'commit' GROUP BY b.id").fetchall()
    assert sorted(who for who, _ in batches) == sorted(f"科员{r}{n}" for r in range(4) for n in range(3))
    assert all(count == 1 for _, count in batches)
    assert run_cli("verify", db).exit_code == 0
    assert {r["body"]: r["approved"] for r in balance_json(db, "--by", "body") if r["approved"]}["党政办"] == 22


def test_import_only_into_a_new_database(db, tmp_path):
    result = run_cli("import", db, write_ledger(tmp_path / "again", LEDGER))
    assert result.exit_code == 2 and "中已有台账" in result.output and "orgmodel commit" in result.output


def test_verify_with_a_noted_head_finds_records_removed_from_the_end(db, tmp_path):
    plan = tmp_path / "方案.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    run_cli("commit", db, plan, "--by", "李四")
    shown = run_cli("verify", db).output
    head = shown.split("--head ", 1)[1].split(" ", 1)[0].strip(")")
    with sqlite3.connect(db) as con:
        con.execute("DROP TRIGGER directives_no_delete")
        con.execute("DELETE FROM directives WHERE id = (SELECT MAX(id) FROM directives)")
    result = run_cli("verify", db)  # this machine remembers the head it found whole …
    assert result.exit_code == 1 and "现在没有这条记录" in result.output
    with pytest.MonkeyPatch.context() as mp:  # … another clerk's machine, which never saw it, does not:
        mp.setenv("ORGMODEL_PROFILE_DIR", str(tmp_path / "另一台电脑"))
        assert run_cli("verify", db).exit_code == 0  # a chain cut at its end still links up …
        result = run_cli("verify", db, "--head", head)
        assert result.exit_code == 1 and f"没有找到哈希为 {head} 的记录" in result.output  # … but not to the noted head


def test_changing_the_stored_config_breaks_the_chain(tmp_path):
    path = tmp_path / "office.db"
    run_cli("init", path)
    led = write_ledger(tmp_path / "led", LEDGER)
    (led / "orgmodel.yaml").write_text("loan_term_years: 3\n", encoding="utf-8")
    run_cli("import", path, led, "--by", "张三")
    with sqlite3.connect(path) as con:
        con.execute("DROP TRIGGER settings_no_update")
        con.execute("UPDATE settings SET value = 'loan_term_years: 9\n'")
    result = run_cli("verify", path)
    assert result.exit_code == 1 and "第 1 号记录:内容与其哈希不符" in result.output


def test_a_correction_that_would_break_later_records_is_refused(db, tmp_path):
    plan = tmp_path / "方案.yaml"
    plan.write_text(PLAN + f"  - {{date: 2022-02-01, op: transfer, from: 东镇/党政办, to: 县委办, type: 行政编制, amount: 12, {DOC}}}\n",
                    encoding="utf-8")
    assert run_cli("commit", db, plan, "--by", "李四").exit_code == 0
    first = records(db) - 1  # the first transfer; the second needs what it brought
    result = run_cli("correct", db, first, "--by", "王五", "--doc", "x")
    assert result.exit_code == 1 and "会使台账出现" in result.output and "[编制不足]" in result.output
    assert records(db) == first + 1
    assert run_cli("correct", db, first, "--by", "王五", "--doc", "x", "--force").exit_code == 0


def test_log_finds_a_body_by_either_name_with_its_corrections(db, tmp_path):
    plan = tmp_path / "方案.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    run_cli("commit", db, plan, "--by", "李四")
    n = records(db)
    run_cli("correct", db, n, "--by", "王五", "--doc", "x")
    bare = json.loads(run_cli("log", db, "--body", "党政办", "--format", "json").stdout)
    qualified = json.loads(run_cli("log", db, "--body", "东镇/党政办", "--format", "json").stdout)
    # 区划/名称 names 东镇's 党政办 only; the bare name names 西乡's too
    assert {r["记录号"] for r in qualified} < {r["记录号"] for r in bare}
    assert not [r for r in qualified if "西乡" in r["内容"]] and [r for r in bare if "西乡" in r["内容"]]
    assert {"设立", "调剂", "冲正"} <= {r["指令"] for r in qualified}
    assert "调出 县委办;调入 东镇/党政办" in next(r["内容"] for r in qualified if r["指令"] == "调剂")
    assert "没有符合条件的记录" in run_cli("log", db, "--body", "无此机构").output


def test_a_blank_recorder_and_a_bad_record_number_are_refused_in_chinese(db, tmp_path):
    plan = tmp_path / "方案.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    result = run_cli("commit", db, plan, "--by", " ")
    assert result.exit_code == 2 and "记录人(--by)不能为空" in result.output
    result = run_cli("correct", db, "abc", "--by", "王五", "--doc", "x")
    assert result.exit_code == 2 and "记录号应为正整数" in result.output and "integer" not in result.output


def test_rows_and_settings_slipped_in_without_a_batch_are_found(db):
    with sqlite3.connect(db) as con:
        con.execute("INSERT INTO directives (id, batch, date, op, body, reverses, prev_hash, hash) "
                    "VALUES (999, 999, '2021-01-01', '冲正', '{}', 3, 'x', 'y')")
        con.execute("INSERT INTO batches (kind, recorded_by, recorded_at, source) VALUES ('import', 'x', 'x', 'x')")
        con.execute("INSERT INTO settings (batch, name, value) VALUES ((SELECT MAX(id) FROM batches), 'config', 'rules: {}')")
    result = run_cli("verify", db)
    assert result.exit_code == 1
    assert "第 999 号记录:记录号不连续" in result.output and "所属的批次 999 不存在" in result.output
    assert "有设置却没有记录" in result.output


def test_killing_an_import_leaves_the_database_empty_or_whole(tmp_path):
    """An import killed at each step of its write, and between chunks of its records: the
    database then holds no record (before ``COMMIT``) or every one (after), and verifies."""
    import signal

    from orgmodel.sources.synthetic import Params, generate
    from orgmodel.store import INSERT_CHUNK

    source = tmp_path / "synthetic"
    generate(source, Params(townships=6))
    total = sum(1 for p in source.rglob("*.yaml") if p.name != "orgmodel.yaml"
                for ln in p.read_text(encoding="utf-8").splitlines() if ln.startswith("- "))
    assert total > 2 * INSERT_CHUNK  # store.inserted:2 falls mid-way
    kills = (("store.batch", 0), ("store.inserted:1", 0), ("store.inserted:2", 0), ("store.commit", 0),
             ("store.committed", total))
    for n, (point, held) in enumerate(kills):
        db = tmp_path / f"k{n}.db"
        run_cli("init", db)
        assert cli_killed_at(point, "import", db, source, "--by", "测", "--allow-rule-errors") == -signal.SIGKILL, point
        assert records(db) == held, point
        assert run_cli("verify", db).exit_code == 0, point
    db = tmp_path / "k3.db"  # killed just before COMMIT: the import can be run again, and lands whole
    assert cli_killed_at(None, "import", db, source, "--by", "测", "--allow-rule-errors") == 0
    assert records(db) == total and run_cli("verify", db).exit_code == 0


def test_the_ledgers_dates_follow_each_commit_and_survive_a_damaged_cache(db, tmp_path):
    """The count and first and last dates of a store are remembered per head: a commit moves
    them on at once, and a damaged cache file is counted again, not believed."""
    from orgmodel.reading import parse_cache

    assert "截至 2021-01-01" in run_cli("balance", db, "--by", "total").stdout
    plan = tmp_path / "方案.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    assert run_cli("commit", db, plan, "--by", "李四").exit_code == 0
    assert "截至 2022-01-01" in run_cli("balance", db, "--by", "total").stdout
    remembered = list((parse_cache.cache_dir() / "prefix-keys").rglob("*-summary.key"))
    assert remembered
    for path in remembered:
        path.write_text("九 2021-13-01", encoding="ascii", errors="replace")
    assert "截至 2022-01-01" in run_cli("balance", db, "--by", "total").stdout


def test_asking_whether_an_open_database_is_one_never_opens_its_file(db, monkeypatch):
    """Closing any descriptor of a database file drops the locks this process's connections hold
    on it, and another clerk's commit could be lost: while a connection is open, ``is_store``
    answers without opening the file."""
    import orgmodel.store as store_module
    from orgmodel.store import Store, is_store

    def no_open(*args, **kwargs):
        raise AssertionError("the database file was opened while a connection held it")

    with Store(db):
        monkeypatch.setattr(store_module, "open", no_open, raising=False)
        assert is_store(db)
        with Store(db) as second:  # a second connection of the same process: the same
            assert second.last_record() > 0
        assert is_store(db)
    monkeypatch.undo()
    assert is_store(db)  # no connection left: the first bytes are read again
