"""Everything the CLI itself says is Chinese: help, usage, defaults and click's own errors;
choices take the Chinese words; --format is one set; JSON errors reach stdout."""

from __future__ import annotations

import json
import re

import click
import pytest
from conftest import COUNTY, run_cli, write_ledger

from cli import main
from orgmodel.commands.cli_text import CLICK_ZH, DOMAIN, LOCALE_DIR, mo_bytes

# Words that may stay: names the user types (commands, option values, file kinds) and LEDGER
ALLOWED = {"LEDGER", "SQLite", "git", "JSON", "CSV", "YAML", "HTML", "Excel", "WPS", "UTF", "GBK", "YYYY", "xlsx", "orgmodel", "yaml",
           "json", "csv", "html", "text", "table", "gbk", "utf", "index", "reports", "Ctrl",
           "SVG", "svg", "PDF"}  # Ctrl: the key; SVG, PDF: file formats, like HTML



def commands(cmd: click.Command = main, path: tuple = ()):
    yield path, cmd
    if isinstance(cmd, click.Group):
        for name, sub in cmd.commands.items():
            yield from commands(sub, (*path, name))


def typed_words() -> set[str]:
    """Command names, option names and choice values: what a user types, not prose."""
    out = set()
    for path, cmd in commands():
        out |= set(path)
        for p in cmd.params:
            out |= {o.lstrip("-") for o in p.opts} | {part for o in p.opts for part in o.lstrip("-").split("-")}
            for word in getattr(p.type, "lookup", {}):
                out |= set(re.split(r"[^A-Za-z]+", word)) | {word}
            if isinstance(p.default, str):
                out |= set(re.findall(r"[A-Za-z_]+", p.default))
    return out


def english_words(text: str, allowed: set[str]) -> list[str]:
    text = re.sub(r"--?[\w-]+", " ", text)  # option names
    return [w for w in re.findall(r"[A-Za-z][A-Za-z']{2,}", text) if w not in allowed and w.strip("'") not in allowed]


@pytest.fixture(scope="module")
def allowed():
    return ALLOWED | typed_words()


def test_every_help_page_is_chinese(allowed):
    for path, _ in commands():
        result = run_cli(*path, "--help")
        assert result.exit_code == 0, path
        assert english_words(result.output, allowed) == [], (path, result.output)
        assert "用法: orgmodel" in result.output and "选项" in result.output


@pytest.mark.parametrize("args", [
    ("bogus",), ("check",), ("balance", "x", "--by", "nonsense"), ("check", "x", "--nonsense"),
    ("check", "a", "b", "c"), ("check", "x", "--as-of", "2021-13-01"), ("report",), ("simulate", "x"),
    ("balance", "x", "--format"), ("export", "x", "y.xlsx", "--encoding", "latin-1"),
])
def test_usage_errors_are_chinese(args, allowed):
    result = run_cli(*args)
    assert result.exit_code == 2, result.output
    assert english_words(result.output, allowed | {"bogus", "nonsense", "latin"}) == [], result.output
    assert "错误" in result.output or "用法" in result.output


def test_choices_take_the_chinese_words(tmp_path):
    root = write_ledger(tmp_path, COUNTY)
    assert run_cli("balance", root, "--by", "乡镇").stdout == run_cli("balance", root, "--by", "township").stdout
    assert run_cli("balance", root, "--format", "表格").stdout == run_cli("balance", root, "--format", "text").stdout
    assert run_cli("balance", root, "--format", "table").exit_code == 0  # the old name still works
    assert "[body|机构|township|乡镇" in run_cli("balance", "--help").output


def test_format_is_one_set_everywhere():
    for path, cmd in commands():
        for p in cmd.params:
            if "--format" in p.opts:
                words = set(p.type.words)
                assert words <= {"text", "json", "csv", "xlsx"} and {"text", "json"} <= words, (path, words)


def test_json_errors_go_to_stdout_with_the_exit_code(tmp_path):
    result = run_cli("check", tmp_path / "nowhere", "--format", "json")
    assert result.exit_code == 2
    record = json.loads(result.stdout)
    assert record["exit_code"] == 2 and "找不到台账" in record["error"]


def test_check_writes_findings_as_csv(tmp_path):
    root = write_ledger(tmp_path, COUNTY + "- {date: 2021-02-01, op: staff, body: 无此机构, actual: {行政编制: 1}}\n")
    out = run_cli("check", root, "--format", "csv").stdout
    assert out.startswith("\ufeff位置,规则,级别,说明") and "找不到机构,错误," in out and out.rstrip().endswith(",unknown-body")


def test_an_unreadable_ledger_file_exits_2(tmp_path):
    root = write_ledger(tmp_path, COUNTY)
    (root / "gbk.yaml").write_bytes("- {date: 2021-01-01, op: establish, name: 站, division: 东镇, category: 党政机关}\n"
                                    .encode("gbk"))
    result = run_cli("check", root)
    assert result.exit_code == 2 and "[编码无法识别]" in result.output


def test_the_shipped_catalogue_is_built_from_the_table():
    shipped = (LOCALE_DIR / "zh_CN" / "LC_MESSAGES" / f"{DOMAIN}.mo").read_bytes()
    assert shipped == mo_bytes(CLICK_ZH), "run python scripts/build_locale.py"


def test_shell_completion_offers_commands_and_chinese_values(monkeypatch):
    from click.testing import CliRunner

    def complete(words: str, cword: int) -> str:
        env = {"_ORGMODEL_COMPLETE": "bash_complete", "COMP_WORDS": words, "COMP_CWORD": str(cword)}
        return CliRunner().invoke(main, [], env=env, prog_name="orgmodel").output

    assert "plain,balance" in complete("orgmodel bal", 1)
    assert "plain,乡镇" in complete("orgmodel balance x --by 乡", 4)


def test_progress_shows_on_a_terminal_and_not_in_pipes_or_with_quiet(tmp_path, monkeypatch):
    from click.testing import CliRunner

    from orgmodel.commands import options

    root = write_ledger(tmp_path, COUNTY)
    assert "正在读取台账" not in run_cli("check", root).output  # not a terminal: quiet

    monkeypatch.setattr(options, "stderr_is_terminal", lambda: True)
    watched = CliRunner().invoke(main, ["check", str(root)])
    assert "…正在读取台账" in watched.output and "…重放和检查完成" in watched.output
    quiet = CliRunner().invoke(main, ["--quiet", "check", str(root)])
    assert "正在读取台账" not in quiet.output and quiet.exit_code == 0


def test_a_long_step_is_never_silent_on_a_terminal():
    """The heartbeat says which step is under way, how far it has come and for how long, once
    the step has lasted its interval; the library only notes its steps (no clock decides here:
    the moments are given)."""
    from orgmodel.commands.options import Heartbeat
    from orgmodel.core import progress

    said = []
    beat = Heartbeat(every=5, echo=said.append)
    progress.step("正在写入数据库", 933_262)
    began = progress.current().started
    beat.beat(began + 2)
    assert said == []  # the step's own line was just printed
    progress.advance(120_000)
    beat.beat(began + 15)
    assert said == ["…正在写入数据库:120,000 / 933,262 条(已用 15 秒)"]
    progress.step("正在读取台账文件", 40, "个文件")
    progress.current().started = began + 16  # the next step begins a second after that line
    progress.advance(3)
    beat.beat(began + 17)  # its own line was just printed
    assert len(said) == 1
    beat.beat(began + 22)
    assert said[-1] == "…正在读取台账文件:3 / 40 个文件(已用 6 秒)"
    beat.beat(began + 24)  # 2 s after the last line: nothing yet
    assert len(said) == 2
    beat.stop()
    assert progress.current() is None
