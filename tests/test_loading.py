"""Loading: reading YAML with lines, validation, same-day order, name resolution, as-of replay."""

from __future__ import annotations

import datetime as dt

from conftest import COUNTY, write_ledger
from hypothesis import given, settings
from hypothesis import strategies as st

from orgmodel.ledger import load


def _load(tmp_path, text, name="ledger.yaml"):
    return load(write_ledger(tmp_path, text, name))


# -- reading -------------------------------------------------------------------


def test_field_lines_point_at_each_value(tmp_path):
    led = _load(tmp_path, COUNTY + """\
- date: 2021-02-01
  op: transfer
  from: 县委办

  to: 东镇/党政办
  type: 行政编制
  amount: 2
  doc: 青编〔2021〕1号
""")
    d = next(d for d in led.directives if d.op == "transfer")
    assert d.source.line == 9
    assert [d.where(k).line for k in ("date", "from", "to", "type", "amount")] == [9, 11, 13, 14, 15]
    assert d.doc == "青编〔2021〕1号"


@settings(max_examples=30, deadline=None)
@given(gaps=st.lists(st.lists(st.integers(0, 3), min_size=6, max_size=6), min_size=1, max_size=4))
def test_every_field_points_at_its_own_line_however_the_items_are_laid_out(tmp_path_factory, gaps):
    """Block items whose fields sit at different distances from their first line: every
    field of every directive is found on the line it was written on (directives with the
    same layout share one map of offsets, and that must not mix their lines up)."""
    keys = ("date", "op", "from", "to", "type", "amount")
    values = ("2021-02-01", "transfer", "县委办", "东镇/党政办", "行政编制", "2")
    lines, expected = COUNTY.splitlines(), []
    for gap in gaps + gaps:  # each layout twice, at different places in the file
        where = {}
        for i, (key, value) in enumerate(zip(keys, values, strict=True)):
            lines += [""] * gap[i]
            lines.append(("- " if i == 0 else "  ") + f"{key}: {value}")
            where[key] = len(lines)
        lines.append("  doc: 青编〔2021〕1号")
        expected.append(where)
    led = load(write_ledger(tmp_path_factory.mktemp("gaps"), "\n".join(lines) + "\n"))
    moves = [d for d in led.directives if d.op == "transfer"]
    assert not led.findings
    assert [{k: d.where(k).line for k in keys} for d in moves] == expected
    assert all(moves[i].spots is moves[i + len(gaps)].spots for i in range(len(gaps)))


def test_mapping_file_with_directives_key(tmp_path):
    led = _load(tmp_path, "directives:\n" + "".join("  " + line + "\n" for line in COUNTY.splitlines()))
    assert not led.findings
    assert len(led.directives) == 8
    assert led.directives[0].source.line == 2


def test_file_of_wrong_shape_is_a_finding(tmp_path):
    led = _load(tmp_path, "name: 青山县\nlevel: 县\n")
    assert [(f.rule, f.source.line) for f in led.findings] == [("bad-file", 1)]


def test_yaml_anchors_and_merge_keys(tmp_path):
    led = _load(tmp_path, COUNTY + """\
- &approval
  date: 2021-02-01
  op: 核定
  body: 县委办
  type: 行政编制
  amount: 5
  doc: 青编〔2021〕1号
- <<: *approval
  body: 东镇/党政办
  amount: 4
""")
    assert led.findings == []
    state = led.state()
    assert _approved(state, "青山县", "县委办") == {"行政编制": 5}
    assert _approved(state, "东镇", "党政办") == {"行政编制": 4}


def test_one_directive_reports_every_problem(tmp_path):
    led = _load(tmp_path, """\
- date: 2021-02-30
  op: transfer
  from: 甲
  to: 乙
  type: 临时编制
  amount: -1
  colour: 红
""")
    got = {(f.source.line, f.rule) for f in led.findings}
    assert got == {(1, "bad-date"), (1, "missing-doc"), (5, "unknown-quota-type"), (6, "negative-count"), (7, "unknown-field")}
    assert led.directives == []


def test_missing_required_fields(tmp_path):
    led = _load(tmp_path, "- {op: approve, body: 县委办}\n- {date: 2021-01-01}\n")
    rules = sorted((f.source.line, f.rule) for f in led.findings)
    assert (1, "missing-field") in rules and (2, "missing-field") in rules


def test_chinese_op_aliases(tmp_path):
    led = _load(tmp_path, COUNTY + """\
- {date: 2021-02-01, op: 核定, body: 县委办, type: 行政编制, amount: 9, doc: 青编〔2021〕1号}
- {date: 2021-02-01, op: 实有, body: 县委办, actual: {行政编制: 8}}
""")
    state = led.state()
    body = next(b for b in state.bodies.values() if b.name == "县委办")
    assert (body.approved, body.actual) == ({"行政编制": 9}, {"行政编制": 8})


def test_dates_stay_text_until_validated(tmp_path):
    """YAML would turn 2021-01-01 into a date object and reject 2021-02-30 with an exception."""
    led = _load(tmp_path, "- {date: 2021-02-30, op: open_division, code: '1', name: 甲县, level: 县}\n")
    assert [f.rule for f in led.findings] == ["bad-date"]


# -- same-day order --------------------------------------------------------------


def test_same_day_order_ignores_file_order(tmp_path):
    led = _load(tmp_path, """\
- {date: 2021-01-01, op: assert, body: 新中心, type: 事业编制, amount: 3}
- {date: 2021-01-01, op: staff, body: 新中心, actual: {事业编制: 2}}
- {date: 2021-01-01, op: transfer, from: 收回编制池, to: 新中心, type: 事业编制, amount: 3, doc: 青编〔2021〕2号}
- {date: 2021-01-01, op: approve, body: 收回编制池, type: 事业编制, amount: 5, doc: 青编〔2021〕1号}
- {date: 2021-01-01, op: establish, name: 新中心, division: 青山县, category: 事业单位}
- {date: 2021-01-01, op: open_pool, name: 收回编制池, kind: 收回, division: 青山县}
- {date: 2021-01-01, op: open_division, code: "370100", name: 青山县, level: 县}
""")
    assert [d.op for d in led.directives] == [
        "open_division", "open_pool", "establish", "approve", "transfer", "staff", "assert"]
    state = led.state()
    assert state.findings == []
    assert state.pools["收回编制池"].approved == {"事业编制": 2}


def test_assertion_sees_the_end_of_its_day(tmp_path):
    led = _load(tmp_path, COUNTY + """\
- {date: 2021-03-01, op: assert, body: 县委办, type: 行政编制, amount: 7}
- {date: 2021-03-01, op: assert, body: 县委办, type: 行政编制, amount: 4, field: 实有}
- {date: 2021-03-01, op: approve, body: 县委办, type: 行政编制, amount: 7, doc: 青编〔2021〕1号}
- {date: 2021-03-01, op: staff, body: 县委办, actual: {行政编制: 4}}
""")
    assert led.state().findings == []


def test_failed_assertion_gives_the_difference(tmp_path):
    led = _load(tmp_path, COUNTY + """\
- {date: 2021-03-01, op: approve, body: 收回编制池, type: 事业编制, amount: 5, doc: 青编〔2021〕1号}
- date: 2021-03-02
  op: 断言
  body: 收回编制池
  type: 事业编制
  amount: 8
- {date: 2021-03-02, op: assert, body: 收回编制池, type: 事业编制, amount: 1, field: actual}
""")
    found = led.state().findings
    assert [(f.rule, f.source.line) for f in found] == [("balance-assertion", 14), ("bad-value", 15)]
    assert "实为 5" in found[0].message and "-3" in found[0].message


def test_same_rank_keeps_file_then_line_order(tmp_path):
    write_ledger(tmp_path, COUNTY + "- {date: 2021-02-01, op: staff, body: 县委办, actual: {行政编制: 1}}\n", "a.yaml")
    write_ledger(tmp_path, "- {date: 2021-02-01, op: staff, body: 县委办, actual: {行政编制: 2}}\n", "b.yaml")
    led = load(tmp_path)
    body = next(b for b in led.state().bodies.values() if b.name == "县委办")
    assert body.actual == {"行政编制": 2}


# -- names -------------------------------------------------------------------------


NAMED = COUNTY + """\
- {date: 2021-02-01, op: 加挂, body: 便民服务中心, name: 网格化服务管理中心}
- {date: 2021-02-01, op: approve, body: 网格化服务管理中心, type: 事业编制, amount: 4, doc: 青编〔2021〕1号}
- {date: 2021-02-01, op: approve, body: 东镇/党政办, type: 行政编制, amount: 6, doc: 青编〔2021〕1号}
- {date: 2021-02-01, op: approve, body: "370102/党政办", type: 行政编制, amount: 5, doc: 青编〔2021〕1号}
"""


def _approved(state, division, name):
    code = next(c for c, d in state.divisions.items() if d.name == division)
    body = state.body_named(code, name)
    return body.approved


def test_body_named_by_signboard_or_qualified_name(tmp_path):
    state = _load(tmp_path, NAMED).state()
    assert state.findings == []
    assert _approved(state, "东镇", "便民服务中心") == {"事业编制": 4}
    assert _approved(state, "东镇", "党政办") == {"行政编制": 6}
    assert _approved(state, "西乡", "党政办") == {"行政编制": 5}


def test_ambiguous_name_is_a_finding(tmp_path):
    led = _load(tmp_path, NAMED + """\
- date: 2021-03-01
  op: staff
  body: 党政办
  actual: {行政编制: 1}
""")
    found = led.state().findings
    assert [(f.rule, f.source.line) for f in found] == [("ambiguous-name", 15)]
    assert "区划/名称" in found[0].message


def test_rename_keeps_old_name_only_as_signboard(tmp_path):
    led = _load(tmp_path, COUNTY + """\
- {date: 2021-02-01, op: 更名, body: 县委办, to: 县委办公室, keep_signboard: true}
- {date: 2021-02-01, op: 更名, body: 便民服务中心, to: 党群服务中心}
- {date: 2021-03-01, op: staff, body: 县委办, actual: {行政编制: 1}}
- {date: 2021-03-01, op: staff, body: 便民服务中心, actual: {事业编制: 1}}
- {date: 2021-03-01, op: staff, body: 党群服务中心, actual: {事业编制: 2}}
""")
    state = led.state()
    assert [(f.rule, f.source.line) for f in state.findings] == [("unknown-body", 12)]
    office = next(b for b in state.bodies.values() if b.name == "县委办公室")
    assert state.signboards(office) == ["县委办"] and office.actual == {"行政编制": 1}
    assert [n for _, n in office.names] == ["县委办", "县委办公室"]


def test_removed_signboard_no_longer_names_the_body(tmp_path):
    led = _load(tmp_path, NAMED + """\
- {date: 2021-03-01, op: 摘牌, body: 便民服务中心, name: 网格化服务管理中心}
- {date: 2021-03-02, op: staff, body: 网格化服务管理中心, actual: {事业编制: 1}}
- {date: 2021-03-02, op: 摘牌, body: 便民服务中心, name: 网格化服务管理中心}
""")
    assert {(f.source.line, f.rule) for f in led.state().findings} == {(14, "unknown-body"), (15, "unknown-signboard")}


def test_name_freed_by_abolition_can_be_reused(tmp_path):
    led = _load(tmp_path, COUNTY + """\
- {date: 2021-02-01, op: abolish, body: 便民服务中心, doc: 青编〔2021〕3号}
- {date: 2021-03-01, op: establish, name: 便民服务中心, division: 东镇, category: 事业单位}
- {date: 2021-03-02, op: staff, body: 便民服务中心, actual: {事业编制: 1}}
""")
    state = led.state()
    assert state.findings == []
    assert sum(b.name == "便民服务中心" for b in state.bodies.values()) == 2


def test_abolition_must_account_for_quota(tmp_path):
    led = _load(tmp_path, COUNTY + """\
- {date: 2021-02-01, op: approve, body: 便民服务中心, type: 事业编制, amount: 3, doc: 青编〔2021〕1号}
- {date: 2021-03-01, op: abolish, body: 便民服务中心, doc: 青编〔2021〕3号}
- {date: 2021-03-01, op: abolish, body: 东镇/党政办, doc: 青编〔2021〕3号}
- {date: 2021-03-02, op: abolish, body: 便民服务中心, quota_to: 收回编制池, doc: 青编〔2021〕4号}
""")
    state = led.state()
    assert [(f.rule, f.source.line) for f in state.findings] == [("unaccounted", 10)]
    assert state.pools["收回编制池"].approved == {"事业编制": 3}


# -- as of -------------------------------------------------------------------------


def test_as_of_replays_only_up_to_that_day(tmp_path):
    led = _load(tmp_path, COUNTY + """\
- {date: 2021-02-01, op: approve, body: 县委办, type: 行政编制, amount: 9, doc: 青编〔2021〕1号}
- {date: 2021-06-01, op: approve, body: 县委办, type: 行政编制, amount: 12, doc: 青编〔2021〕7号}
- {date: 2021-07-01, op: establish, name: 新局, division: 青山县, category: 党政机关}
""")

    def approved(day):
        state = led.state(day)
        return next(b for b in state.bodies.values() if b.name == "县委办").approved.get("行政编制", 0), len(state.bodies)

    assert approved(dt.date(2021, 1, 31)) == (0, 4)
    assert approved(dt.date(2021, 2, 1)) == (9, 4)
    assert approved(dt.date(2021, 5, 31)) == (9, 4)
    assert approved(None) == (12, 5)
    assert led.state(dt.date(2021, 6, 30)).as_of == dt.date(2021, 6, 30)


def test_with_directives_leaves_base_untouched(tmp_path):
    base = _load(tmp_path, COUNTY)
    other = _load(tmp_path / "x", "- {date: 2021-02-01, op: establish, name: 新局, division: 青山县, category: 党政机关}\n")
    merged = base.with_directives(other.directives)
    assert len(merged.directives) == 9 and len(base.directives) == 8
    assert len(merged.state().bodies) == 5 and len(base.state().bodies) == 4


def test_every_op_is_documented():
    """docs/ledger-format.md lists every registered op with its Chinese name and same-day rank."""
    from pathlib import Path

    from orgmodel.ops import OPS

    doc = (Path(__file__).resolve().parents[1] / "docs" / "ledger-format.md").read_text(encoding="utf-8")
    rows = {line.split("|")[1].strip(" `"): line for line in doc.splitlines() if line.startswith("| `")}
    missing = [name for name in OPS if name not in rows]
    assert not missing, f"add these ops to docs/ledger-format.md section 9: {missing}"
    for name, spec in OPS.items():
        cells = [c.strip() for c in rows[name].split("|")]
        assert spec.label in cells[2] and str(spec.rank) == cells[4], (name, rows[name])
        assert cells[3] == "、".join(spec.aliases), (name, "aliases", rows[name])
        needs = "是" if spec.needs_doc is True else "条件" if callable(spec.needs_doc) else ""
        assert cells[5].startswith(needs) and (needs or not cells[5]), (name, "文号", rows[name])


def test_pool_and_body_may_not_share_a_name(tmp_path):
    from orgmodel.ledger import load

    (tmp_path / "l.yaml").write_text(
        "- {date: 2020-01-01, op: open_division, code: '1', name: 甲县, level: 县}\n"
        "- {date: 2020-01-01, op: open_pool, name: 收回池, kind: 收回, division: 甲县}\n"
        "- {date: 2020-01-02, op: establish, name: 收回池, division: 甲县, category: 事业单位}\n"
        "- {date: 2020-01-02, op: establish, name: 中心, division: 甲县, category: 事业单位}\n"
        "- {date: 2020-01-03, op: open_pool, name: 中心, kind: 收回, division: 甲县}\n",
        encoding="utf-8",
    )
    state = load(tmp_path).state()
    clashes = [(f.rule, f.source.line) for f in state.findings]
    assert clashes == [("duplicate-name", 3), ("duplicate-name", 5)]


def test_a_former_name_says_what_the_body_is_called_now(tmp_path):
    from orgmodel.ledger import load

    (tmp_path / "l.yaml").write_text(
        "- {date: 2020-01-01, op: open_division, code: '1', name: 甲县, level: 县}\n"
        "- {date: 2020-01-01, op: establish, name: 甲中心, division: 甲县, category: 事业单位, signboards: [乙牌]}\n"
        "- {date: 2020-02-01, op: rename, body: 甲中心, to: 丙中心}\n"
        "- {date: 2020-02-02, op: signboard_remove, body: 丙中心, name: 乙牌}\n"
        "- {date: 2020-03-01, op: staff, body: 甲中心, actual: {事业编制: 1}}\n"
        "- {date: 2020-03-01, op: staff, body: 乙牌, actual: {事业编制: 1}}\n",
        encoding="utf-8",
    )
    found = {f.source.line: f for f in load(tmp_path).state().findings}
    assert found[5].rule == "unknown-body" and "改用现名“丙中心”" in found[5].message
    assert found[6].rule == "unknown-body" and "已摘除" in found[6].message
