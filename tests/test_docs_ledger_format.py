"""docs/ledger-format.md: every op's example in section 10 is a valid ledger, no op sends
the reader to source code, and the quoted `check` output of the worked example is current."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import run_cli

from orgmodel.ops import OPS

REPO = Path(__file__).resolve().parents[1]
DOC = REPO / "docs" / "ledger-format.md"
EXAMPLE = REPO / "docs" / "example-ledger" / "ledger.yaml"

# Bodies the section 10 examples act on, beyond the worked example of section 14.
SETUP = """\
- {date: 2024-01-01, op: establish, name: 县农机服务站, division: 青山县, category: 事业单位, class: 公益一类}
- {date: 2024-01-01, op: establish, name: 县农技推广站, division: 青山县, category: 事业单位, class: 公益一类, signboards: [县植保站]}
- {date: 2024-01-01, op: establish, name: 县文化旅游服务中心, division: 青山县, category: 事业单位, class: 公益一类, signboards: [县文物保护中心]}
- {date: 2024-01-01, op: 核定, body: 县农机服务站, type: 事业编制, amount: 5, doc: 青编〔2024〕1号}
- {date: 2024-01-01, op: 核定, body: 县农技推广站, type: 事业编制, amount: 7, doc: 青编〔2024〕1号}
- {date: 2024-01-01, op: 核定, body: 县文化旅游服务中心, type: 事业编制, amount: 10, doc: 青编〔2024〕1号}
- {date: 2024-01-01, op: 实有, body: 县农机服务站, actual: {事业编制: 4}}
- {date: 2024-01-01, op: 实有, body: 县农技推广站, actual: {事业编制: 7}}
- {date: 2024-01-01, op: 实有, body: 县文化旅游服务中心, actual: {事业编制: 9}}
"""


def section(text: str, number: int) -> str:
    start = text.index(f"\n## {number}. ")
    end = text.find("\n## ", start + 1)
    return text[start:end if end >= 0 else None]


def doc_text() -> str:
    return DOC.read_text(encoding="utf-8")


def test_every_op_has_a_field_table_in_section_10():
    fields = section(doc_text(), 10)
    headings = re.findall(r"^### (.+)$", fields, re.M)
    for name in OPS:
        assert any(re.search(rf"(^|[ /]){name}\b", h) for h in headings), f"section 10 has no heading for {name}"


def test_section_10_examples_check_clean(tmp_path):
    blocks = re.findall(r"```yaml\n(.*?)```", section(doc_text(), 10), re.S)
    directives = [b for b in blocks if "op:" in b]  # the config sample has no op
    assert len(directives) >= 20
    ledger = tmp_path / "ledger"
    ledger.mkdir()
    (ledger / "ledger.yaml").write_text(EXAMPLE.read_text(encoding="utf-8"), encoding="utf-8")
    (ledger / "setup.yaml").write_text(SETUP, encoding="utf-8")
    (ledger / "examples.yaml").write_text("\n".join(directives), encoding="utf-8")
    result = run_cli("check", ledger)
    assert result.exit_code == 0, result.output
    assert "共 0 个错误" in result.output
    used = {line.split("op:")[1].split(",")[0].split("}")[0].strip() for b in directives for line in b.splitlines() if "op:" in line}
    assert len(used) >= 20, used


def test_docs_do_not_send_users_to_source_code():
    text = doc_text()
    assert "python -c" not in text
    assert "orgmodel/ops" not in text
    assert "orgmodel/rules" not in text


def test_quoted_command_outputs_are_current(monkeypatch):
    """Every `$ orgmodel ...` shown in section 14 prints exactly what the doc quotes."""
    monkeypatch.chdir(REPO)
    shown = re.findall(r"^\$ orgmodel ([^\n]+)\n(.*?)```", section(doc_text(), 14), re.S | re.M)
    assert len(shown) >= 3
    for command, quoted in shown:
        result = run_cli(*command.split())
        assert result.exit_code == 0, result.output
        assert quoted.strip() == result.output.strip(), f"update the output of `orgmodel {command}` in section 14"


def test_section_9_table_lists_every_op_with_its_label_and_same_day_rank():
    """The op table of section 9 is the registry's: names, Chinese names and the one same-day order."""
    rows = re.findall(r"^\| `(\w+)` \|([^|]+)\|[^|]*\| *(\d+) *\|", section(doc_text(), 9), re.M)
    assert {name: (label.strip(), int(rank)) for name, label, rank in rows} == {
        name: (spec.label, spec.rank) for name, spec in OPS.items()}
