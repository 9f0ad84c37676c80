"""``orgmodel check`` shows rule findings with file:line and sets the exit code."""

from __future__ import annotations

import json

from conftest import run_cli
from test_rules import BASE, BASE_LINES, DOC


def write(tmp_path, extra: str):
    (tmp_path / "ledger.yaml").write_text(BASE + extra, encoding="utf-8")
    return tmp_path


def test_check_clean_ledger_exits_0(tmp_path):
    result = run_cli("check", write(tmp_path, ""))
    assert result.exit_code == 0, result.output
    assert "未发现问题" in result.output


def test_check_rule_error_exits_1_with_file_and_line(tmp_path):
    root = write(tmp_path, "- {date: 2020-02-01, op: staff, body: 便民服务中心, actual: {事业编制: 37}}\n")
    result = run_cli("check", root)
    assert result.exit_code == 1
    assert f"ledger.yaml:{BASE_LINES + 1}: [超编]" in result.output
    assert "超编 2 名" in result.output


def test_check_warnings_only_exits_0(tmp_path):
    extra = f"- {{date: 2020-02-01, op: transfer, from: 收回编制池, to: 便民服务中心, type: 事业编制, amount: 2, {DOC}}}\n"
    result = run_cli("check", write(tmp_path, extra))
    assert result.exit_code == 0, result.output
    assert f"ledger.yaml:{BASE_LINES + 1}: [跨层级调剂]" in result.output


def test_check_config_override_turns_an_error_into_a_warning(tmp_path):
    root = write(tmp_path, "- {date: 2020-02-01, op: staff, body: 便民服务中心, actual: {事业编制: 37}}\n")
    (tmp_path / "orgmodel.yaml").write_text("rules: {over-quota: {severity: warning}}\n", encoding="utf-8")
    result = run_cli("check", root, "--format", "json")
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [(r["rule"], r["severity"], r["body"]) for r in records] == [("over-quota", "warning", "便民服务中心")]
    assert records[0]["source"].endswith(f"ledger.yaml:{BASE_LINES + 1}")
