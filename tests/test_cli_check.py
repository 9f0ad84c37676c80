"""``orgmodel check``: every bad input of issue 2 gives its rule at its file:line, exit 1, no traceback."""

from __future__ import annotations

import json

import pytest
from conftest import COUNTY, run_cli, write_ledger

from orgmodel.core.titles import title_of

# Each case: (id, text appended after COUNTY's 8 lines, expected line, expected rule).
# Appended text starts at line 9.
BAD_INPUTS = [
    ("unknown-body", """\
- date: 2021-02-01
  op: approve
  body: 不存在局
  type: 行政编制
  amount: 3
  doc: 青编〔2021〕1号
""", 11, "unknown-body"),
    ("unknown-division", """\
- date: 2021-02-01
  op: establish
  name: 党政办
  division: 南镇
  category: 党政机关
""", 12, "unknown-division"),
    ("duplicate-body-name", """\
- date: 2021-02-01
  op: establish
  name: 党政办
  division: 东镇
  category: 党政机关
""", 11, "duplicate-name"),
    ("body-vs-signboard", """\
- {date: 2021-02-01, op: signboard_add, body: 便民服务中心, name: 人大办}
- date: 2021-02-02
  op: establish
  division: 东镇
  name: 人大办
  category: 党政机关
""", 13, "duplicate-name"),
    ("signboard-vs-body", """\
- date: 2021-02-01
  op: 加挂
  body: 便民服务中心
  name: 党政办
""", 12, "duplicate-name"),
    ("negative-count", """\
- date: 2021-02-01
  op: approve
  body: 县委办
  type: 行政编制
  amount: -3
  doc: 青编〔2021〕1号
""", 13, "negative-count"),
    ("non-whole-count", """\
- date: 2021-02-01
  op: approve
  body: 县委办
  type: 行政编制
  amount: 2.5
  doc: 青编〔2021〕1号
""", 13, "bad-count"),
    ("non-whole-nested-count", """\
- date: 2021-02-01
  op: staff
  body: 县委办
  actual:
    行政编制: 2.5
""", 13, "bad-count"),
    ("text-count", """\
- {date: 2021-02-01, op: staff, body: 县委办, actual: {行政编制: 3}}
- {date: 2021-02-01, op: approve, body: 县委办, type: 行政编制, amount: 三, doc: X}
""", 10, "bad-count"),
    ("bool-count", """\
- date: 2021-02-01
  op: approve
  body: 县委办
  type: 行政编制
  amount: true
  doc: 青编〔2021〕1号
""", 13, "bad-count"),
    ("unknown-quota-type", """\
- date: 2021-02-01
  op: approve
  body: 县委办
  type: 行政编
  amount: 3
  doc: 青编〔2021〕1号
""", 12, "unknown-quota-type"),
    ("unknown-quota-type-nested", """\
- date: 2021-02-01
  op: staff
  body: 县委办
  actual:
    行政编制: 2
    临时编制: 1
""", 14, "unknown-quota-type"),
    ("bad-date-feb-30", """\
- date: 2021-01-05
  op: staff
  body: 县委办
  actual: {行政编制: 1}
- date: 2021-02-30
  op: staff
  body: 县委办
  actual: {行政编制: 1}
""", 13, "bad-date"),
    ("bad-date-slashes", """\
- {date: 2021/3/1, op: staff, body: 县委办, actual: {行政编制: 1}}
""", 9, "bad-date"),
    ("missing-doc", """\
- date: 2021-02-01
  op: 核定
  body: 县委办
  type: 行政编制
  amount: 3
""", 9, "missing-doc"),
    ("transfer-overdraw", """\
- {date: 2021-02-01, op: approve, body: 县委办, type: 行政编制, amount: 5, doc: 青编〔2021〕1号}
- date: 2021-02-02
  op: transfer
  from: 县委办
  to: 东镇/党政办
  type: 行政编制
  amount: 6
  doc: 青编〔2021〕2号
""", 15, "insufficient-quota"),
    ("touch-abolished", """\
- {date: 2021-02-01, op: abolish, body: 便民服务中心, doc: 青编〔2021〕3号}
- date: 2021-03-01
  op: staff
  body: 便民服务中心
  actual: {事业编制: 1}
""", 12, "abolished-body"),
    ("unclosed-bracket", """\
- {date: 2021-02-01, op: staff, body: 县委办, actual: {行政编制: 1}
- date: 2021-03-01
  op: staff
  body: 县委办
""", 9, "bad-yaml"),
    ("bad-indentation", """\
- date: 2021-02-01
  op: staff
    body: 县委办
""", 11, "bad-yaml"),
    ("unknown-op", """\
- date: 2021-02-01
  op: 合并机构啦
""", 10, "unknown-op"),
    ("unknown-field", """\
- date: 2021-02-01
  op: staff
  body: 县委办
  actaul: {行政编制: 1}
""", 12, "unknown-field"),
    ("duplicate-field", """\
- date: 2021-02-01
  op: staff
  body: 县委办
  actual: {行政编制: 1}
  body: 东镇/党政办
""", 13, "duplicate-field"),
    ("duplicate-field-flow", """\
- {date: 2021-02-01, op: staff, body: 县委办, actual: {行政编制: 1}, body: 东镇/党政办}
""", 9, "duplicate-field"),
    ("duplicate-nested-key", """\
- date: 2021-02-01
  op: staff
  body: 县委办
  actual:
    行政编制: 1
    行政编制: 2
""", 14, "duplicate-field"),
    ("not-a-mapping", """\
- 核定 县委办 行政编制 3
""", 9, "bad-directive"),
]


def _check(root, *args):
    result = run_cli("check", root, *args)
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    return result


@pytest.mark.parametrize("text,line,rule", [c[1:] for c in BAD_INPUTS], ids=[c[0] for c in BAD_INPUTS])
def test_bad_input_gives_rule_at_file_line(tmp_path, text, line, rule):
    root = write_ledger(tmp_path, COUNTY + text)
    result = _check(root)
    assert result.exit_code == 1, result.output
    assert f"ledger.yaml:{line}: [{title_of(rule)}] " in result.output, result.output  # the rule by its Chinese name
    listed = json.loads(_check(root, "--format", "json").stdout)
    assert any(f["rule"] == rule and f["source"].endswith(f"ledger.yaml:{line}") for f in listed)  # its id in JSON


def test_same_name_in_two_divisions_is_fine(tmp_path):
    # COUNTY already has 党政办 in both 东镇 and 西乡; add signboards of one name in both too.
    root = write_ledger(tmp_path, COUNTY + """\
- {date: 2021-02-01, op: 加挂, body: 东镇/党政办, name: 人大办}
- {date: 2021-02-01, op: 加挂, body: 西乡/党政办, name: 人大办}
""")
    result = _check(root)
    assert "duplicate-name" not in result.output
    assert "ambiguous-name" not in result.output
    assert result.exit_code == 0, result.output


def test_all_problems_of_several_files_in_one_run(tmp_path):
    write_ledger(tmp_path, COUNTY, "a_base.yaml")
    write_ledger(tmp_path, "- {date: 2021-02-01, op: approve, body: 县委办, type: 行政编, amount: 1, doc: X}\n", "b.yaml")
    write_ledger(tmp_path, "- {date: 2021-02-01, op: staff, body: 县委办\n", "sub/c.yml")
    write_ledger(tmp_path, """\
directives:
  - date: 2021-02-01
    op: transfer
    from: 收回编制池
    to: 县委办
    type: 事业编制
    amount: 1
    doc: 青编〔2021〕9号
  - {date: 2021-02-31, op: staff, body: 县委办, actual: {行政编制: 1}}
""", "d.yaml")
    (tmp_path / "e.yaml").write_bytes(b"- {date: 2021-01-01, op: staff}\n" + "- 名称: 乱码\n".encode("gbk"))
    result = _check(tmp_path)
    assert result.exit_code == 2  # e.yaml could not be read as text (and the rest is still checked)
    expected = [
        "b.yaml:1: [未知编制类型]",
        "c.yml:1: [YAML格式错误]",
        "d.yaml:7: [编制不足]",
        "d.yaml:9: [日期有误]",
        "e.yaml:2: [编码无法识别]",
    ]
    for text in expected:
        assert text in result.output, (text, result.output)
    assert "sub/c.yml:1:" in result.output.replace("\\", "/")


def test_non_utf8_file_is_a_finding(tmp_path):
    (tmp_path / "gbk.yaml").write_bytes("- {date: 2021-01-01, op: open_division, code: '1', name: 青山县, level: 县}\n".encode("gbk"))
    result = _check(tmp_path)
    assert result.exit_code == 2  # a file that cannot be read: exit code 2 (README, 退出码)
    assert "gbk.yaml:1: [编码无法识别]" in result.output


def test_clean_ledger_exits_zero_and_says_so(tmp_path):
    result = _check(write_ledger(tmp_path, COUNTY))
    assert result.exit_code == 0, result.output
    assert "0 个错误" in result.output or "未发现问题" in result.output


def test_one_file_passed_directly(tmp_path):
    write_ledger(tmp_path, COUNTY + "- {date: 2021-02-01, op: staff, body: 无此机构, actual: {行政编制: 1}}\n")
    result = _check(tmp_path / "ledger.yaml")
    assert result.exit_code == 1
    assert f"{tmp_path / 'ledger.yaml'}:9: [找不到机构]" in result.output


def test_config_file_in_folder_is_not_read_as_ledger(tmp_path):
    write_ledger(tmp_path, COUNTY)
    write_ledger(tmp_path, "quota_types: [行政编制, 事业编制, 工勤编制, 政法专项编制, 雇员编制]\n", "orgmodel.yaml")
    write_ledger(tmp_path, "- {date: 2021-02-01, op: approve, body: 县委办, type: 雇员编制, amount: 2, doc: X}\n", "more.yaml")
    result = _check(tmp_path)
    assert "orgmodel.yaml" not in result.output
    assert "unknown-quota-type" not in result.output
    assert "more.yaml:1: [bad" not in result.output


@pytest.mark.parametrize("make", ["missing", "empty", "config-only", "not-yaml"])
def test_unreadable_input_exits_two(tmp_path, make):
    target = tmp_path / "nothing-here"
    if make != "missing":
        target.mkdir()
    if make == "config-only":
        write_ledger(target, "quota_types: [行政编制]\n", "orgmodel.yaml")
    if make == "not-yaml":
        target = write_ledger(target, COUNTY, "ledger.txt") / "ledger.txt"
    for command in ("check", "balance"):
        result = run_cli(command, target)
        assert result.exit_code == 2, result.output
        assert "Traceback" not in result.output
        assert "错误" in result.output


def test_an_empty_ledger_is_refused_with_a_message(tmp_path):
    """A ledger of empty files or comments only is not "未发现问题": exit 2, saying why."""
    root = write_ledger(tmp_path, "# 还没有指令\n")
    for args in (("check", root), ("balance", root), ("report", "balance", root, "--out", tmp_path / "r")):
        result = run_cli(*args)
        assert result.exit_code == 2, (args, result.output)
        assert "台账中没有任何指令" in result.output and "未发现问题" not in result.output
    assert not (tmp_path / "r").exists()


def test_balance_of_a_day_before_the_ledger_begins_is_empty_not_broken(tmp_path):
    root = write_ledger(tmp_path, COUNTY)
    for by in ("body", "township", "county", "total", "leaders", "sinking"):
        for fmt in ("table", "csv", "json"):
            result = run_cli("balance", root, "--by", by, "--format", fmt, "--as-of", "2020-01-01")
            assert result.exit_code == 0, (by, fmt, result.output)


def test_findings_as_json(tmp_path):
    import json

    root = write_ledger(tmp_path, COUNTY + "- {date: 2021-02-01, op: staff, body: 无此机构, actual: {行政编制: 1}}\n")
    result = run_cli("check", root, "--format", "json")
    assert result.exit_code == 1
    records = json.loads(result.stdout)
    assert {"rule": "unknown-body", "source": f"{root / 'ledger.yaml'}:9"}.items() <= records[0].items()


def test_a_bug_shows_one_chinese_line_not_a_traceback(tmp_path, monkeypatch):
    """Whatever escapes the domain code is reported in one line with exit code 3."""
    from click.testing import CliRunner

    from cli import main
    from orgmodel.figures.balance import Tables

    def broken(*args, **kwargs):
        raise ValueError("boom")

    monkeypatch.setattr(Tables, "view", broken)
    (tmp_path / "l.yaml").write_text("- {date: 2020-01-01, op: open_division, code: '1', name: 甲县, level: 县}\n", encoding="utf-8")
    res = CliRunner().invoke(main, ["balance", str(tmp_path)])
    assert res.exit_code == 3
    assert "内部错误" in res.output and "Traceback" not in res.output


def test_full_width_punctuation_and_tabs_are_named_as_the_cause(tmp_path):
    """An input method's ：and ，, and a tab, are told apart from other YAML errors."""
    from click.testing import CliRunner

    from cli import main

    files = {
        "a.yaml": '- {date: 2020-01-01, op：establish, name: 中心, division: 甲县, category: 事业单位}\n',
        "b.yaml": "- date: 2020-01-01\n  op: open_division\n  code：1\n",
        "c.yaml": '- {date: 2020-01-01, op: open_division, code: "2"， name: 丙县, level: 县}\n',
        "d.yaml": "- date: 2020-01-01\n  op: open_division\n\tcode: 3\n",
        "e.yaml": "- {date: 2020-01-01, op: establish, name: 站, division: 甲县, category: 事业单位, signboards: [甲牌，乙牌]}\n",
    }
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    out = CliRunner().invoke(main, ["check", str(tmp_path)]).output
    assert "a.yaml:1: [缺少必填项] “op：establish”中有全角冒号" in out
    assert "b.yaml:3: [YAML格式错误] YAML 格式错误:此行有全角冒号“：”" in out
    assert "c.yaml:1: [YAML格式错误] YAML 格式错误:此行有全角逗号“，”" in out
    assert "d.yaml:3: [YAML格式错误] YAML 格式错误:此行有制表符(Tab)" in out
    assert "e.yaml:1: [取值无效] 牌子(signboards)中的“甲牌，乙牌”含全角逗号" in out


def test_yaml_errors_are_explained_in_chinese(tmp_path):
    from click.testing import CliRunner

    from cli import main

    (tmp_path / "a.yaml").write_text("- date: 2020-01-01\n  op: open_division\n   code: 1\n", encoding="utf-8")
    out = CliRunner().invoke(main, ["check", str(tmp_path)]).output
    assert "a.yaml:3: [YAML格式错误] YAML 格式错误:此处不能出现“键: 值”" in out


def test_the_console_script_says_everything_and_exits_with_the_commands_code(tmp_path):
    """``orgmodel`` as a process leaves without the interpreter's teardown (cli.run): what the
    command printed still arrives whole, in a pipe and in a file, and its exit code is kept."""
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    many = "".join(f"- {{date: 2021-02-01, op: approve, body: 不存在局{i}, type: 行政编制, amount: 1, doc: 青编〔2021〕1号}}\n"
                   for i in range(300))
    ledger = write_ledger(tmp_path / "ledger", COUNTY + many)
    piped = subprocess.run([sys.executable, str(root / "cli.py"), "check", str(ledger)], capture_output=True, text=True,
                           encoding="utf-8", cwd=root, timeout=120)
    assert piped.returncode == 1, piped.stderr
    assert piped.stdout.count("[找不到机构]") == 300 and "不存在局299" in piped.stdout
    out = tmp_path / "out.txt"
    with open(out, "w", encoding="utf-8") as fh:
        written = subprocess.run([sys.executable, str(root / "cli.py"), "check", str(ledger)], stdout=fh, cwd=root, timeout=120)
    assert written.returncode == 1
    assert out.read_text(encoding="utf-8") == piped.stdout
    clean = subprocess.run([sys.executable, str(root / "cli.py"), "check", str(write_ledger(tmp_path / "clean", COUNTY))],
                           capture_output=True, text=True, encoding="utf-8", cwd=root, timeout=120)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    usage = subprocess.run([sys.executable, str(root / "cli.py"), "nosuchcommand"], capture_output=True, text=True,
                           encoding="utf-8", cwd=root, timeout=120)
    assert usage.returncode == 2 and usage.stderr
    db = tmp_path / "台账.db"  # a store is closed before the quick exit: no write-ahead log is left beside it
    for argv in (["init", db], ["import", db, write_ledger(tmp_path / "clean", COUNTY), "--by", "测试"]):
        made = subprocess.run([sys.executable, str(root / "cli.py"), *map(str, argv)], capture_output=True, text=True,
                              encoding="utf-8", cwd=root, timeout=120)
        assert made.returncode == 0, made.stdout + made.stderr
    assert db.exists() and not (tmp_path / "台账.db-wal").exists()
