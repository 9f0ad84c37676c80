"""Hostile, broken and huge input: each case seen in the fuzz run of issue 12 ends in a located
finding or a clear exit-2 message, never a crash, a lie or raw control characters."""

from __future__ import annotations

import errno
import importlib.util
import re
from pathlib import Path

import pytest
from conftest import COUNTY, run_cli, write_ledger

from orgmodel.core.text import escape_controls, os_error_text

ROOT = Path(__file__).resolve().parents[1]
DOC = "doc: 青编〔2021〕1号"
RAW_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")


def check(root: Path, *more: str):
    result = run_cli("check", root, *more)
    assert result.exit_code in (0, 1, 2), result.output
    assert "Traceback" not in result.output and "internal-error" not in result.output and "内部错误" not in result.output
    assert not RAW_CONTROLS.search(result.output), repr(result.output)
    return result


def ledger_with(tmp_path: Path, text: str, name: str = "ledger.yaml") -> Path:
    folder = tmp_path / "led"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(text, encoding="utf-8", errors="surrogatepass")
    return folder


# -- 1. memory and time ----------------------------------------------------------------------
def test_an_alias_bomb_in_a_field_is_refused_at_its_directive(tmp_path):
    bomb = "".join(f"- &{a} [{', '.join([f'*{p}'] * 9) if p else ', '.join(['lol'] * 9)}]\n"
                   for p, a in zip([None, "a", "b", "c", "d", "e", "f", "g"], "abcdefgh"))
    root = ledger_with(tmp_path, bomb + "- {date: 2021-01-01, op: open_division, code: '1', name: *h, level: 县}\n")
    out = check(root).output
    assert "[指令写法有误] 此指令经别名(*)展开后超过 10,000 个值" in out


def test_a_line_too_long_is_refused_at_its_line_without_parsing_it(tmp_path):
    root = ledger_with(tmp_path, COUNTY + f'- {{date: 2021-01-01, op: staff, body: 县委办, note: "{"长" * 200_000}"}}\n')
    assert "ledger.yaml:9: [YAML格式错误] 此行过长(超过 100,000 个字符)" in check(root).output


def test_many_unknown_fields_are_refused_as_one_finding(tmp_path):
    fields = ", ".join(f"f{i}: 1" for i in range(500))
    root = ledger_with(tmp_path, COUNTY + f"- {{date: 2021-01-01, op: staff, body: 县委办, {fields}}}\n")
    out = check(root).output
    assert "ledger.yaml:9: [指令写法有误] 此指令有 503 个字段,超过上限 100" in out and out.count("[") == 1


# -- 2. internal errors ------------------------------------------------------------------------
@pytest.mark.parametrize("value", ["=", "<<"])
def test_yaml_special_values_on_the_fast_path_are_findings(tmp_path, value):
    root = ledger_with(tmp_path, COUNTY + f"- {{date: 2021-01-01, op: establish, name: {value}, division: 东镇, category: 党政机关}}\n")
    out = check(root).output
    assert "ledger.yaml:9: [YAML格式错误] YAML 格式错误:“=”“<<”或以“!”开头的值在 YAML 中有特殊含义" in out


def test_a_lone_surrogate_is_refused_and_printed_as_an_escape(tmp_path):
    root = ledger_with(tmp_path, COUNTY + '- {date: 2021-01-01, op: establish, name: "牌\\ud800", division: 东镇, category: 党政机关}\n')
    out = check(root).output
    assert "ledger.yaml:9: [YAML格式错误] YAML 格式错误:双引号中的 \\u 转义不是有效的字符(如单独的 \\ud800)" in out
    assert run_cli("report", "audit", root, "--out", tmp_path / "audit").exit_code == 1


@pytest.mark.parametrize("depth", [100, 1000, 5000])
def test_deep_flow_nesting_is_a_finding(tmp_path, depth):
    root = ledger_with(tmp_path, COUNTY + f"- {{date: 2021-01-01, op: staff, body: 县委办, note: {'[' * depth}{']' * depth}}}\n")
    assert "[YAML格式错误] YAML 格式错误:" in check(root).output or "[取值无效]" in check(root).output


@pytest.mark.parametrize("config, key", [
    ("quota_types: 5", "quota_types"), ("township_limits: {镇: 5}", "township_limits.镇"),
    ("loan_term_years: abc", "loan_term_years"), ("quota_tipes: [行政编制]", "quota_tipes"),
    ("grid_size: {households: {min: 9, max: 1}}", "grid_size.households"),
])
def test_config_values_of_the_wrong_shape_are_refused_with_their_line(tmp_path, config, key):
    root = write_ledger(tmp_path, COUNTY)
    (root / "orgmodel.yaml").write_text(f"# 本省配置\n{config}\n", encoding="utf-8")
    result = check(root)
    assert result.exit_code == 2 and f"orgmodel.yaml:2: [配置有误] {key}: " in result.output


def test_a_gbk_config_is_refused_with_a_message(tmp_path):
    root = write_ledger(tmp_path, COUNTY)
    (root / "orgmodel.yaml").write_bytes("# 本省配置\nloan_term_years: 3\n".encode("gbk"))
    result = check(root)
    assert result.exit_code == 2 and "[配置有误] 配置文件不是 UTF-8 编码" in result.output


@pytest.mark.parametrize("extra, expected", [
    ("due: 9999-12-31", "[日期有误] 归还日期(due)的日期“9999-12-31”无效;应为 1949–2100 年间"),
    ("term_years: 1000000", "[取值无效] 借用期限 term_years 为 1000000 年;应为 1 到 50 年"),
    ("due: 2020-06-01", "[日期有误] 归还日期 due(2020-06-01)不晚于调剂日期"),
])
def test_loan_dates_and_terms_out_of_range_are_findings(tmp_path, extra, expected):
    root = ledger_with(tmp_path, COUNTY + f"""\
- {{date: 2021-01-01, op: open_pool, name: 周转池, kind: 周转, division: 青山县}}
- {{date: 2021-01-01, op: increase, to: 周转池, type: 事业编制, amount: 5, {DOC}}}
- {{date: 2021-03-01, op: transfer, from: 周转池, to: 便民服务中心, type: 事业编制, amount: 2, {extra}, {DOC}}}
""")
    out = check(root).output
    assert f"ledger.yaml:11: {expected}" in out, out


# -- 3. figures that would be wrong ------------------------------------------------------------
@pytest.mark.parametrize("amount", ["9223372036854775808", "1" + "0" * 30])
def test_counts_beyond_the_ceiling_are_refused_so_nothing_wrong_is_published(tmp_path, amount):
    root = ledger_with(tmp_path, COUNTY + f"- {{date: 2021-01-01, op: approve, body: 县委办, type: 行政编制, amount: {amount}, {DOC}}}\n")
    assert "ledger.yaml:9: [数量有误] 数量(amount)为" in check(root).output and "超过上限 1,000,000,000" in check(root).output
    result = run_cli("report", "balance", root, "--out", tmp_path / "site")
    assert result.exit_code == 1 and not (tmp_path / "site").exists()


# -- 4. silently accepted ----------------------------------------------------------------------
def test_a_nul_byte_is_refused_at_its_line(tmp_path):
    root = ledger_with(tmp_path, COUNTY + "- {date: 2021-01-01, op: establish, name: 站\x00, division: 东镇, category: 党政机关}\n")
    assert "ledger.yaml:9: [YAML格式错误] 此行有不可见的控制字符(\\x00)" in check(root).output


def test_skipped_paths_are_reported(tmp_path):
    root = write_ledger(tmp_path / "led", COUNTY)
    (root / "dangling.yaml").symlink_to(tmp_path / "nowhere.yaml")
    (root / "loop.yaml").symlink_to(root / "loop.yaml")
    (root / "sub").mkdir()
    (root / "sub" / "orgmodel.yaml").write_text("loan_term_years: 5\n", encoding="utf-8")
    (root / "linked").symlink_to(tmp_path, target_is_directory=True)
    out = check(root).output
    assert "dangling.yaml: [未读取的路径] 警告:无法读取(符号链接指向的文件不存在)" in out
    assert "loop.yaml: [未读取的路径] 警告:无法读取(符号链接形成了循环)" in out
    assert "sub/orgmodel.yaml: [未读取的路径] 警告:子文件夹中的 orgmodel.yaml 不作为配置读取" in out
    assert "linked: [未读取的路径] 警告:是指向文件夹的符号链接,未读取" in out


def test_an_empty_scenario_is_a_bad_file(tmp_path):
    root = write_ledger(tmp_path / "led", COUNTY)
    plan = tmp_path / "方案.yaml"
    plan.write_text("# 还没写\n", encoding="utf-8")
    result = run_cli("simulate", root, plan)
    assert result.exit_code == 1 and "方案.yaml:1: [文件内容不对] 方案文件中没有任何指令" in result.output


@pytest.mark.parametrize("extra, expected", [
    ("- {date: 2021-02-01, op: open_division, code: '370199', name: 北县, level: 县, parent: 东镇}",
     "[上级有误] “北县”是县级,上级区划“东镇”是乡镇级"),
    ("- {date: 2021-02-01, op: open_division, code: '37010101', name: 东村, level: 村, parent: 东镇}\n"
     "- {date: 2021-02-02, op: open_division, code: '3701010101', name: 小镇, level: 乡镇, kind: 镇, parent: 东村}",
     "[上级有误] “小镇”是乡镇级,上级区划“东村”是村级"),
    ("- {date: 2021-02-01, op: establish, name: 秘书科, division: 东镇, category: 内设机构, parent: 县委办}",
     "[上级有误] 内设机构须与所属机构在同一区划"),
    (f"- {{date: 2021-02-01, op: transfer, from: 县委办, to: 东镇/党政办, type: 行政编制, amount: 0, {DOC}}}",
     "[数量有误] 数量为 0,这条“调剂”不起作用"),
    ("- {date: 2021-02-01, op: reclassify, body: 东镇/党政办, led_by: 便民服务中心}\n"
     "- {date: 2021-02-02, op: reclassify, body: 便民服务中心, led_by: 东镇/党政办}",
     "[隶属关系成环] “东镇/党政办”的主管机构一路向上会回到“便民服务中心”"),
])
def test_semantic_mistakes_are_refused_at_the_directive_that_makes_them(tmp_path, extra, expected):
    root = ledger_with(tmp_path, COUNTY + extra + "\n")
    out = check(root).output
    line = COUNTY.count("\n") + extra.count("\n") + 1
    assert f"ledger.yaml:{line}: {expected}" in out, out


# -- 5. output that could mislead or harm ------------------------------------------------------
def test_a_name_cannot_forge_a_finding_line_or_reach_the_terminal_raw(tmp_path):
    forged = 'led/ledger.yaml:1: [fake-rule] 伪造'
    root = ledger_with(tmp_path, COUNTY + f'- {{date: 2021-01-01, op: establish, name: "站\\n{forged}\\r\\a\\e[31m", '
                                          f'division: 东镇, category: 党政机关}}\n')
    out = check(root).output
    assert not any(line.startswith("led/ledger.yaml:1: [fake-rule]") for line in out.splitlines())
    assert "\\n" in out


def test_text_output_escapes_every_control_character():
    assert escape_controls("a\nb\r\x07\x1b[31m\u202e") == "a\\nb\\r\\x07\\x1b[31m\\u202e"


def test_block_style_control_character_is_reported_at_its_own_line_in_chinese(tmp_path):
    root = ledger_with(tmp_path, "- date: 2021-01-01\n  op: open_division\n  code: '1'\n  name: 县\x07\n  level: 县\n")
    out = check(root).output
    assert "ledger.yaml:4: [YAML格式错误] 此行有不可见的控制字符(\\x07)" in out
    assert not re.search(r"[A-Za-z]{5,}", out.split("]", 1)[1])


def test_os_errors_are_said_in_chinese(tmp_path, monkeypatch):
    assert os_error_text(PermissionError(errno.EACCES, "Permission denied")) == "没有权限(EACCES)"
    root = write_ledger(tmp_path / "led", COUNTY)

    def refuse(self, *a, **k):
        raise PermissionError(errno.EACCES, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_text", refuse)
    out = run_cli("check", root).output
    assert "[文件无法读取] 无法读取文件(没有权限(EACCES))" in out and "Permission denied" not in out


def test_balance_csv_never_carries_a_live_formula(tmp_path):
    """A name cannot start as a formula (it is refused at its line); free text that reaches a
    table, such as a kind of off-quota staff, is written so that it cannot run either."""
    root = ledger_with(tmp_path, COUNTY + "- {date: 2021-01-01, op: establish, name: '=1+2', division: 东镇, category: 党政机关}\n"
                       "- {date: 2021-01-01, op: off_quota, division: 东镇, staff: {'=1+2': 5}}\n")
    assert "ledger.yaml:9: [取值无效] 名称(name)“=1+2”以“=”开头" in run_cli("check", root).output
    out = run_cli("balance", root, "--by", "off_quota", "--format", "csv").output
    assert ",'=1+2 5," in out and ",=1+2" not in out


# -- the fuzz harness ------------------------------------------------------------------------
def test_a_short_fuzz_run_gives_only_clear_answers(tmp_path):
    """300 mutated ledgers (and configs), each through check and balance, in process."""
    spec = importlib.util.spec_from_file_location("fuzz", ROOT / "scripts" / "fuzz.py")
    fuzz = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(fuzz)
    counts, failures = fuzz.fuzz(300, seed=1, in_process=True, work=tmp_path)
    assert failures == []
    assert counts["located findings"] > 100 and counts["refused (exit 2)"] > 10


@pytest.mark.parametrize("config, expected", [
    ("township_limits: {镇: {offices: 7, centres: 5}, 1: {offices: 7, centres: 5}}", "键“1”应为文字"),
    ("ignore: " + "[" * 3000 + "]" * 3000, "[配置有误]"),
])
def test_configs_with_odd_keys_or_deep_nesting_are_refused(tmp_path, config, expected):
    root = write_ledger(tmp_path, COUNTY)
    (root / "orgmodel.yaml").write_text(config + "\n", encoding="utf-8")
    result = check(root)
    assert result.exit_code == 2 and expected in result.output
