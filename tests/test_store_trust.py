"""The ledger of record cannot be rewritten unnoticed: each attack on the database file, its
clerks' caches or its backups is found by ``verify`` (and by ``check`` and ``balance``, which
read it), or cannot be made. The attacker here has the database file and orgmodel's own
hash function, but not a clerk's profile folder (signing key, the cache's seal, the heads
last found whole) nor the office's paper."""

from __future__ import annotations

import json
import os
import pickle
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import COUNTY, balance_json, run_cli, write_ledger

from orgmodel.store import chain_hash, settings_digest

ROOT = Path(__file__).resolve().parents[1]
DOC = "doc: 青编〔2021〕1号"
LEDGER = COUNTY + f"""\
- {{date: 2021-01-01, op: approve, body: 东镇/党政办, type: 行政编制, amount: 10, {DOC}}}
- {{date: 2021-01-01, op: approve, body: 县委办, type: 行政编制, amount: 20, {DOC}}}
- {{date: 2022-06-01, op: staff, body: 东镇/党政办, actual: {{行政编制: 8}}}}
"""
PLAN = f"""\
name: 调剂方案
directives:
  - {{date: 2023-01-01, op: transfer, from: 县委办, to: 东镇/党政办, type: 行政编制, amount: 2, {DOC}}}
"""
TRANSFER = '{"date":"2023-02-01","op":"transfer","fields":{"from":"县委办","to":"东镇/党政办","type":"行政编制","amount":%s},"doc":"青编〔2021〕1号"}'


@pytest.fixture
def profile(tmp_path, monkeypatch):
    """This clerk's own profile folder (keys, the cache's seal, heads found whole)."""
    folder = tmp_path / "本机"
    monkeypatch.setenv("ORGMODEL_PROFILE_DIR", str(folder))
    return folder


@pytest.fixture
def db(tmp_path, profile):
    path = tmp_path / "台账.db"
    assert run_cli("init", path).exit_code == 0
    assert run_cli("import", path, write_ledger(tmp_path / "led", LEDGER), "--by", "张三").exit_code == 0
    return path


@pytest.fixture
def keyed(db, tmp_path):
    """The database with 张三's key registered, and a signed commit on it."""
    assert run_cli("key", "new", "--name", "张三").exit_code == 0
    result = run_cli("key", "register", db, "--by", "张三")
    assert result.exit_code == 0 and "已登记 张三 的公钥" in result.output and "指纹" in result.output
    plan = tmp_path / "方案.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    assert run_cli("commit", db, plan, "--by", "张三").exit_code == 0
    return db


def noted_head(db: Path) -> str:
    out = run_cli("verify", db).output
    return out.split("--head ", 1)[1].split(" ", 1)[0].strip(")")


def approved(db: Path, body: str = "党政办") -> int:
    rows = balance_json(db, "--by", "body")
    return sum(r["approved"] or 0 for r in rows if r["body"] == body and r["division"] == "东镇")


def _unguarded(con) -> None:
    for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        con.execute(f"DROP TRIGGER {name}")


def rechain(con, start: int) -> None:
    """What an attacker with orgmodel's hash function does after an edit: every hash from
    record ``start`` on computed again, so the chain links up."""
    settings: dict[int, dict] = {}
    for b, n, v in con.execute("SELECT batch, name, value FROM settings ORDER BY id"):
        settings.setdefault(b, {})[n] = v
    con.row_factory = sqlite3.Row
    prev = con.execute("SELECT hash FROM directives WHERE id < ? ORDER BY id DESC LIMIT 1", (start,)).fetchone()
    prev = prev["hash"] if prev else "0" * 64
    seen = {r[0] for r in con.execute("SELECT DISTINCT batch FROM directives WHERE id < ?", (start,))}
    rows = con.execute("SELECT d.*, b.recorded_by, b.recorded_at, b.kind, b.source, b.note FROM directives d "
                       "JOIN batches b ON b.id = d.batch WHERE d.id >= ? ORDER BY d.id", (start,)).fetchall()
    for r in rows:
        data = dict(r)
        data["settings"] = settings_digest(settings.get(data["batch"], {})) if data["batch"] not in seen else None
        seen.add(data["batch"])
        new = chain_hash(prev, data)
        con.execute("UPDATE directives SET prev_hash = ?, hash = ? WHERE id = ?", (prev, new, data["id"]))
        prev = new
    con.row_factory = None


def rewrite(db: Path, sql: str, start: int) -> None:
    with sqlite3.connect(db) as con:
        _unguarded(con)
        con.executescript(sql)
        rechain(con, start)


def append_forged(db: Path, body: str, op: str = "transfer", date: str = "2023-02-01") -> int:
    """A record appended behind orgmodel's back, its hash valid, as if committed by 李四."""
    with sqlite3.connect(db) as con:
        _unguarded(con)
        con.execute("INSERT INTO batches (kind, recorded_by, recorded_at, source) "
                    "VALUES ('commit', '李四', '2026-01-05T10:00:00+08:00', '方案.yaml')")
        batch = con.execute("SELECT MAX(id) FROM batches").fetchone()[0]
        n = con.execute("SELECT MAX(id) FROM directives").fetchone()[0] + 1
        con.execute("INSERT INTO directives (id, batch, date, op, doc, body, prev_hash, hash) "
                    "VALUES (?, ?, ?, ?, '青编〔2021〕1号', ?, 'x', ?)", (n, batch, date, op, body, f"tmp{n}"))
        rechain(con, n)
    return n


# -- 1. a record rewritten and the chain computed again -------------------------------------
def test_a_rewritten_chain_is_found_by_this_machine_and_against_the_paper_head(db, tmp_path, monkeypatch):
    head = noted_head(db)
    assert approved(db) == 10
    rewrite(db, "UPDATE directives SET body = replace(body, '\"amount\":10', '\"amount\":99') WHERE id = 9", 9)
    # this machine remembers the head it found whole: check, balance and verify all say so
    check = run_cli("check", db)
    assert check.exit_code == 1 and "[记录链断开]" in check.output and "被改写过" in check.output
    bal = run_cli("balance", db, "--by", "body")
    assert "哈希链不符" in bal.stderr and "以上数字不可信" in bal.stderr
    assert run_cli("verify", db).exit_code == 1
    # another clerk's machine, which never read it: the chain links up, but not to the paper head
    monkeypatch.setenv("ORGMODEL_PROFILE_DIR", str(tmp_path / "另一台电脑"))
    result = run_cli("verify", db, "--head", head)
    assert result.exit_code == 1 and f"没有找到哈希为 {head} 的记录" in result.output


def test_a_rewrite_of_a_signed_store_breaks_its_signatures_on_any_machine(keyed, tmp_path, monkeypatch):
    rewrite(keyed, "UPDATE directives SET body = replace(body, '\"amount\":20', '\"amount\":90') WHERE id = 10", 10)
    monkeypatch.setenv("ORGMODEL_PROFILE_DIR", str(tmp_path / "另一台电脑"))  # no memory, no paper
    result = run_cli("verify", keyed)
    assert result.exit_code == 1 and "签名不符" in result.output
    check = run_cli("check", keyed)  # the first read on this machine checks the whole chain
    assert check.exit_code == 1 and "签名不符" in check.output


def test_a_record_edited_without_its_hash_does_not_count_and_says_where(db):
    with sqlite3.connect(db) as con:
        _unguarded(con)
        con.execute("UPDATE directives SET body = replace(body, '\"amount\":10', '\"amount\":99') WHERE id = 9")
    found = json.loads(run_cli("check", db, "--format", "json").stdout)
    assert any(f["rule"] == "chain-broken" and "(记录 9)" in f["source"] and "未计入" in f["message"] for f in found)
    assert approved(db) != 99  # the forged figure never shows
    assert run_cli("verify", db).exit_code == 1


# -- 2. a record appended after the genuine head ---------------------------------------------
def test_a_forged_record_after_the_noted_head_is_listed_and_unsigned_ones_are_refused(keyed, tmp_path, monkeypatch):
    head = noted_head(keyed)
    n = append_forged(keyed, TRANSFER % 3)
    check = run_cli("check", keyed)
    assert check.exit_code == 1 and "没有签名" in check.output
    monkeypatch.setenv("ORGMODEL_PROFILE_DIR", str(tmp_path / "另一台电脑"))
    result = run_cli("verify", keyed, "--head", head)
    assert result.exit_code == 1 and "没有签名" in result.output
    assert f"第 {n} 号记录(第" in result.output and "记录人 李四" in result.output


def test_without_keys_the_noted_head_lists_every_record_written_after_it(db, tmp_path, monkeypatch):
    head = noted_head(db)
    plan = tmp_path / "方案.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    assert run_cli("commit", db, plan, "--by", "王五").exit_code == 0
    n = append_forged(db, TRANSFER % 3)
    monkeypatch.setenv("ORGMODEL_PROFILE_DIR", str(tmp_path / "另一台电脑"))
    result = run_cli("verify", db, "--head", head)
    assert "之后写入了 2 批、2 条记录" in result.output
    assert "记录人 王五" in result.output and f"第 {n} 号记录" in result.output and "记录人 李四" in result.output
    assert "没有签名" in result.output and "没有登记记录人的公钥" in result.output


# -- 3. the last batch deleted --------------------------------------------------------------------
def test_deleting_the_last_batch_is_found_and_an_empty_head_is_refused(db, tmp_path, monkeypatch):
    plan = tmp_path / "方案.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    assert run_cli("commit", db, plan, "--by", "李四").exit_code == 0
    head = noted_head(db)
    with sqlite3.connect(db) as con:
        _unguarded(con)
        con.execute("DELETE FROM directives WHERE batch = (SELECT MAX(batch) FROM directives)")
    assert run_cli("check", db).exit_code == 1  # this machine saw more records
    for empty in ("", " ", "xyz", "1234"):
        result = run_cli("verify", db, "--head", empty)
        assert result.exit_code == 2 and "至少前 8 位" in result.output
    monkeypatch.setenv("ORGMODEL_PROFILE_DIR", str(tmp_path / "另一台电脑"))
    result = run_cli("verify", db, "--head", head)
    assert result.exit_code == 1 and "没有找到哈希" in result.output


# -- 4. records read back are validated again ------------------------------------------------------
@pytest.mark.parametrize("body, op, expected", [
    (TRANSFER % -500, "transfer", "[数量为负]"),
    (TRANSFER.replace('"op":"transfer"', '"op":"steal"') % 5, "steal", "[未知指令]"),
    ("不是 JSON {", "transfer", "不是有效的 JSON"),
    ('["a list"]', "transfer", "不是 orgmodel 保存的指令格式"),
    (TRANSFER.replace('"date":"2023-02-01"', '"date":"../e"') % 1, "transfer", "日期"),
])
def test_a_forged_record_with_a_valid_hash_is_a_located_finding_not_a_crash_or_a_figure(db, body, op, expected):
    before = approved(db)
    n = append_forged(db, body, op=op)
    for fmt in ("text", "json"):
        result = run_cli("check", db, "--format", fmt)
        assert result.exit_code == 1, result.output
        assert expected.strip("[]") in result.output and f"#记录{n}" in result.output
    assert "Traceback" not in result.output
    bal = run_cli("balance", db, "--by", "body")
    assert bal.exit_code == 1 and "-500" not in bal.stdout and "Traceback" not in bal.output
    assert approved(db) == before
    assert run_cli("log", db).exit_code == 0


def test_a_forged_record_in_a_checkpoint_year_is_still_reported_from_the_checkpoint(db):
    """The records a year-end checkpoint covers are not read again; what was wrong with them
    is kept with it, so the finding shows on every run, not only the first."""
    with sqlite3.connect(db) as con:
        _unguarded(con)
        con.execute("UPDATE directives SET body = replace(body, '\"amount\":20', '\"amount\":-20') WHERE id = 10")
        rechain(con, 10)
    from orgmodel.store import trust

    trust.forget(db)  # a machine that never read it
    first = json.loads(run_cli("check", db, "--format", "json").stdout)
    again = json.loads(run_cli("check", db, "--format", "json").stdout)
    assert any(f["rule"] == "negative-count" for f in first) and any(f["rule"] == "bad-record" for f in first)
    assert first == again


# -- 5. a checkpoint replaced ----------------------------------------------------------------------
def _outcome(db: Path) -> tuple:
    return (json.loads(run_cli("check", db, "--format", "json").stdout), balance_json(db, "--by", "body"),
            balance_json(db, "--by", "total"))


def test_a_replaced_checkpoint_changes_no_figure(tmp_path, profile, monkeypatch):
    monkeypatch.setenv("ORGMODEL_CACHE_DIR", str(tmp_path / "缓存"))
    dbs = []
    for name, amount in (("甲", 10), ("乙", 30)):
        path = tmp_path / f"{name}.db"
        run_cli("init", path)
        led = write_ledger(tmp_path / name, LEDGER.replace("amount: 10", f"amount: {amount}"))
        assert run_cli("import", path, led, "--by", "张三").exit_code == 0
        dbs.append(path)
    expected = _outcome(dbs[0])
    other = _outcome(dbs[1])
    assert expected != other
    checkpoints = sorted((tmp_path / "缓存" / "checkpoints").rglob("2021-12-31.state"), key=lambda p: p.stat().st_mtime)
    assert len(checkpoints) == 2
    mine, theirs = checkpoints[-2], checkpoints[-1]  # 甲's, then 乙's (each keyed by its own ledger)
    # another ledger's checkpoint copied over this one's, seal and all
    mine.write_bytes(theirs.read_bytes())
    assert _outcome(dbs[0]) == expected
    # a bare pickle of another state with the header this file needs
    header = mine.read_bytes().split(b"\n", 3)  # magic, format, key
    mine.write_bytes(b"\n".join(header[1:3]) + b"\n" + pickle.dumps(("another state", [])))
    assert _outcome(dbs[0]) == expected


class Boom:
    def __reduce__(self):
        return (Path("/tmp/orgmodel-pwned").touch, ())


def test_a_cache_file_asking_for_code_is_never_run_even_sealed(tmp_path, profile):
    """Even with the seal right (as if the profile's secret had leaked), the restricted
    unpickler builds only orgmodel's data classes."""
    from orgmodel.reading import parse_cache, sealed

    target = Path("/tmp/orgmodel-pwned")
    target.unlink(missing_ok=True)
    path = parse_cache.cache_dir() / "ab" / f"{'ab' * 32}.pickle"
    assert sealed.write(path, parse_cache.sealed_name(path), value=Boom())
    assert parse_cache.get("ab" * 32) is None and not target.exists()


def test_results_are_the_same_without_any_cache(db, monkeypatch):
    plan = db.parent / "方案.yaml"
    plan.write_text(PLAN, encoding="utf-8")
    run_cli("commit", db, plan, "--by", "李四")
    warm = _outcome(db)
    assert _outcome(db) == warm
    monkeypatch.setenv("ORGMODEL_CACHE", "0")
    assert _outcome(db) == warm


# -- 6. dump writes only inside its folder ----------------------------------------------------------
@pytest.mark.parametrize("date", ["../e", "/etc/orgmodel-x", "..\\\\e", "2021/../../e"])
def test_dump_writes_only_inside_its_folder_whatever_a_record_holds(db, tmp_path, date):
    append_forged(db, TRANSFER.replace('"date":"2023-02-01"', f'"date":"{date}"') % 1, date=date)
    out = tmp_path / "备份" / "out"
    before = {p for p in tmp_path.rglob("*")}
    result = run_cli("dump", db, out)
    assert result.exit_code in (0, 1)
    new = {p for p in tmp_path.rglob("*")} - before
    assert new and all(p == out or out in p.parents or p == out.parent for p in new), new
    assert not Path("/etc/orgmodel-x.yaml").exists()
    if not date[:4].isdigit():
        assert "日期有误.yaml" in {p.name for p in out.iterdir()}


# -- keys ------------------------------------------------------------------------------------------
def test_once_a_key_is_registered_every_batch_is_signed_and_strangers_cannot_write(keyed, tmp_path, monkeypatch):
    result = run_cli("verify", keyed)
    assert result.exit_code == 0 and "由登记的记录人签名(张三" in result.output and "指纹" in result.output
    assert "签字行" in result.output and "共 " in result.output
    log = json.loads(run_cli("log", keyed, "--format", "json").stdout)
    assert any(r["指令"] == "登记公钥" and "张三 的公钥" in r["内容"] for r in log)
    plan = tmp_path / "方案2.yaml"
    plan.write_text(PLAN.replace("2023-01-01", "2023-03-01"), encoding="utf-8")
    monkeypatch.setenv("ORGMODEL_PROFILE_DIR", str(tmp_path / "李四的电脑"))
    result = run_cli("commit", keyed, plan, "--by", "李四")  # no key at all
    assert result.exit_code == 2 and "须由记录人签名" in result.output
    assert run_cli("key", "new", "--name", "李四").exit_code == 0
    result = run_cli("commit", keyed, plan, "--by", "李四")  # a key nobody registered
    assert result.exit_code == 2 and "尚未在此台账登记" in result.output
    public = run_cli("key", "show").output.split("公钥:", 1)[1].split()[0]
    assert run_cli("key", "register", keyed, "--by", "李四").exit_code == 2  # cannot register oneself
    monkeypatch.setenv("ORGMODEL_PROFILE_DIR", str(tmp_path / "本机"))  # 张三 registers 李四
    assert run_cli("key", "register", keyed, "--name", "李四", "--public", public, "--by", "张三").exit_code == 0
    monkeypatch.setenv("ORGMODEL_PROFILE_DIR", str(tmp_path / "李四的电脑"))
    assert run_cli("commit", keyed, plan, "--by", "李四").exit_code == 0
    result = run_cli("verify", keyed)
    assert result.exit_code == 0 and "李四 1 批" in result.output and "张三" in result.output


def test_a_key_is_never_overwritten(profile):
    assert run_cli("key", "new", "--name", "张三").exit_code == 0
    first = run_cli("key", "show").output
    result = run_cli("key", "new", "--name", "别人")
    assert result.exit_code == 2 and "不会覆盖" in result.output and run_cli("key", "show").output == first


def test_the_sign_off_text_names_the_count_the_last_record_and_the_head(db):
    from orgmodel.store.trust import sign_off_text

    text = sign_off_text(db)
    head = noted_head(db)
    assert text.startswith(f"台账数据库 {db.name}:共 11 条记录,最后一条为第 11 号(记录于 ") and head in text
    assert sign_off_text(db.parent / "led") is None


# -- concurrent commits ----------------------------------------------------------------------------
def _commit(db: Path, plan: Path, by: str, env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "commit", str(db), str(plan), "--by", by],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def test_four_clerks_committing_at_once_for_ten_rounds_all_land_and_the_chain_verifies(tmp_path, profile):
    """Each round starts four commits of plans that do not conflict at the same moment; every
    one lands (a commit that finds new records checks its plan again on them), each exactly
    once, and the chain verifies. Decided by what happened: exit codes and records."""
    db = tmp_path / "台账.db"
    run_cli("init", db)
    ledger = LEDGER.replace("type: 行政编制, amount: 20", "type: 行政编制, amount: 100")
    assert run_cli("import", db, write_ledger(tmp_path / "led", ledger), "--by", "张三").exit_code == 0
    env = {**os.environ, "ORGMODEL_COMMIT_WAIT_SECONDS": "600"}
    for round_ in range(10):
        procs = []
        for clerk in range(4):
            plan = tmp_path / f"方案{round_}-{clerk}.yaml"
            plan.write_text(PLAN.replace("2023-01-01", f"2023-{round_ + 1:02d}-{clerk + 1:02d}").replace("amount: 2", "amount: 1"),
                            encoding="utf-8")
            procs.append(_commit(db, plan, f"科员{round_}{clerk}", env))
        outcomes = [(p.wait(timeout=600), p.stderr.read()) for p in procs]
        assert [rc for rc, _ in outcomes] == [0, 0, 0, 0], outcomes
    with sqlite3.connect(db) as con:
        landed = con.execute("SELECT recorded_by, COUNT(*) FROM batches b JOIN directives d ON d.batch = b.id "
                             "WHERE kind = 'commit' GROUP BY b.id").fetchall()
    assert sorted(who for who, _ in landed) == sorted(f"科员{r}{c}" for r in range(10) for c in range(4))
    assert all(n == 1 for _, n in landed)
    assert run_cli("verify", db).exit_code == 0
    assert approved(db) == 10 + 40


def test_of_two_plans_that_conflict_one_lands_and_the_other_is_refused_with_its_new_errors(db, tmp_path):
    env = dict(os.environ)
    procs = []
    for clerk in range(2):
        plan = tmp_path / f"方案{clerk}.yaml"
        plan.write_text(PLAN.replace("amount: 2", "amount: 15").replace("2023-01-01", f"2023-01-0{clerk + 1}"),
                        encoding="utf-8")
        procs.append(_commit(db, plan, f"科员{clerk}", env))
    outcomes = sorted((p.wait(timeout=300), p.stderr.read()) for p in procs)
    assert [rc for rc, _ in outcomes] == [0, 1], outcomes
    refused = outcomes[1][1]
    assert "[编制不足]" in refused and "未写入" in refused
    assert run_cli("verify", db).exit_code == 0
    assert approved(db) == 25


def test_a_short_fuzz_run_of_forged_databases_gives_only_clear_answers(tmp_path):
    """Forged records, dates, ops, hashes, deletions and appends, each through check, balance,
    verify and dump, in process: no crash, no English, no figure out of range, nothing
    written outside dump's folder."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("fuzz", ROOT / "scripts" / "fuzz.py")
    fuzz = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fuzz)
    counts, failures = fuzz.fuzz_store(40, seed=1, in_process=True, work=tmp_path)
    assert failures == []
    assert counts["located findings"] > 40
