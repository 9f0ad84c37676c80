"""``orgmodel trace``: where a body's approved quota came from, every unit accounted for."""

from __future__ import annotations

import json
import textwrap

from conftest import run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from orgmodel.figures.provenance import trace
from orgmodel.ledger import load

DOC = "doc: 青编〔2020〕1号"

BASE = """\
- {date: 2020-01-01, op: open_division, code: C1, name: 青山县, level: 县}
- {date: 2020-01-01, op: open_division, code: T1, name: 东镇, level: 乡镇, kind: 镇, parent: C1}
- {date: 2020-01-01, op: open_pool, name: 收回编制池, kind: 收回, division: 青山县}
- {date: 2020-01-01, op: establish, name: 甲中心, division: 青山县, category: 事业单位}
- {date: 2020-01-01, op: establish, name: 乙中心, division: 青山县, category: 事业单位}
- {date: 2020-01-01, op: establish, name: 便民服务中心, division: 东镇, category: 事业单位}
- {date: 2020-01-02, op: approve, body: 甲中心, type: 事业编制, amount: 10, doc: 青编〔2020〕1号}
- {date: 2020-01-02, op: approve, body: 乙中心, type: 事业编制, amount: 4, doc: 青编〔2020〕2号}
- {date: 2020-01-02, op: approve, body: 收回编制池, type: 事业编制, amount: 6, doc: 青编〔2020〕3号}
- {date: 2021-01-01, op: transfer, from: 收回编制池, to: 甲中心, type: 事业编制, amount: 5, doc: 青编〔2021〕1号}
- {date: 2022-01-01, op: transfer, from: 甲中心, to: 便民服务中心, type: 事业编制, amount: 3, doc: 青编〔2022〕1号}
- {date: 2022-02-01, op: rename, body: 乙中心, to: 丙中心}
- {date: 2022-03-01, op: merge, sources: [丙中心], into: 甲中心, doc: 青编〔2022〕2号}
"""


def ledger_at(tmp_path, text=BASE):
    (tmp_path / "ledger.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return tmp_path


def roots(t, qtype="事业编制"):
    return [(s.flow.kind, s.flow.doc, s.amount) for s in t.roots[qtype]]


def test_fifo_outflows_take_the_earliest_units(tmp_path):
    state = load(ledger_at(tmp_path)).state()
    a, _ = state.find_by_any_name("甲中心")
    t = trace(state, a)
    # 10 approved, +5 from the pool, -3 sent away (taken from the 2020 approval), +4 merged in.
    assert roots(t) == [("approve", "青编〔2020〕1号", 7), ("transfer", "青编〔2021〕1号", 5), ("merge", "青编〔2022〕2号", 4)]
    assert t.ok and t.traced("事业编制") == a.approved["事业编制"] == 16
    pool_step = t.roots["事业编制"][1]
    assert [(c.flow.kind, c.flow.doc, c.amount) for c in pool_step.children] == [("approve", "青编〔2020〕3号", 5)]


def test_renamed_and_merged_predecessor_shows_names_as_of_each_date(tmp_path):
    state = load(ledger_at(tmp_path)).state()
    records = trace(state, state.find_by_any_name("甲中心")[0]).records()
    merged = next(r for r in records if r["kind"] == "merge")
    assert (merged["from"], merged["to"], merged["kind_label"]) == ("丙中心", "甲中心", "合并")
    origin = records[records.index(merged) + 1]
    assert (origin["depth"], origin["from"], origin["to"], origin["doc"]) == (1, "上级", "乙中心", "青编〔2020〕2号")


def test_trace_of_a_recipient_goes_back_to_the_givers_approval(tmp_path):
    state = load(ledger_at(tmp_path)).state()
    records = trace(state, state.find_by_any_name("便民服务中心")[0]).records()
    assert [(r["depth"], r["kind_label"], r["from"], r["amount"]) for r in records] == [
        (0, "调剂", "甲中心", 3), (1, "核定", "上级", 3)]


def test_trace_command_prints_chinese_tree_and_check_line(tmp_path):
    root = ledger_at(tmp_path)
    result = run_cli("trace", root, "甲中心")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("青山县“甲中心”编制来源")
    assert any("青编〔2022〕2号 [合并] 丙中心 → 甲中心 事业编制 4 名" in x for x in lines)
    # what came in minus what went out is what is held, and the trace accounts for every unit of it
    assert lines[-1] == "核对:事业编制 划入 19 名 − 调出 3 名 = 16 名;追溯合计 16 名,核定 16 名,一致"
    assert "调出(已不在本机构的编制):" in lines


def test_trace_json_and_former_name_and_unknown_body(tmp_path):
    root = ledger_at(tmp_path)
    data = json.loads(run_cli("trace", root, "甲中心", "--format", "json").stdout)
    assert data["ok"] and data["approved"] == {"事业编制": 16} and data["traced"] == {"事业编制": 16}
    assert data["steps"][0]["kind"] == "approve"
    early = json.loads(run_cli("trace", root, "乙中心", "--as-of", "2021-06-30", "--format", "json").stdout)
    assert early["approved"] == {"事业编制": 4}
    missing = run_cli("trace", root, "没有这个机构")
    assert missing.exit_code == 1 and "找不到" in missing.output


NAMES = """\
- {date: 2020-01-01, op: open_division, code: C1, name: 青山县, level: 县}
- {date: 2020-01-01, op: open_division, code: T1, name: 北山乡, level: 乡镇, kind: 乡, parent: C1}
- {date: 2020-01-01, op: open_division, code: T2, name: 南湖镇, level: 乡镇, kind: 镇, parent: C1}
- {date: 2020-01-01, op: open_pool, name: 收回编制池, kind: 收回, division: 青山县}
- {date: 2020-01-01, op: establish, name: 党政办公室, division: 北山乡, category: 党政机关}
- {date: 2020-01-01, op: establish, name: 党政办公室, division: 南湖镇, category: 党政机关}
- {date: 2020-01-01, op: establish, name: 甲中心, division: 青山县, category: 事业单位}
- {date: 2020-01-01, op: establish, name: 乙中心, division: 青山县, category: 事业单位}
- {date: 2020-01-02, op: approve, body: 北山乡/党政办公室, type: 行政编制, amount: 3, doc: 青编〔2020〕5号}
- {date: 2020-01-02, op: approve, body: 南湖镇/党政办公室, type: 行政编制, amount: 4, doc: 青编〔2020〕6号}
- {date: 2020-01-02, op: approve, body: 甲中心, type: 事业编制, amount: 10, doc: 青编〔2020〕1号}
- {date: 2020-01-02, op: approve, body: 乙中心, type: 事业编制, amount: 4, doc: 青编〔2020〕2号}
- {date: 2020-01-03, op: staff, body: 甲中心, actual: {事业编制: 6}}
- {date: 2021-01-01, op: rename, body: 南湖镇/党政办公室, to: 党政综合办公室, keep_signboard: true}
- {date: 2021-02-01, op: rename, body: 北山乡/党政办公室, to: 党政和人大办公室}
- {date: 2022-01-01, op: transfer, from: 乙中心, to: 甲中心, type: 事业编制, amount: 1, doc: 青编〔2022〕1号}
- {date: 2023-01-01, op: abolish, body: 甲中心, quota_to: [{to: 收回编制池, amount: 8}, {to: 乙中心, amount: 3}], staff_to: 乙中心, doc: 青编〔2023〕9号}
"""


def test_a_name_in_use_by_several_bodies_is_ambiguous_with_or_without_as_of(tmp_path):
    # Without the 北山乡 rename, both bodies answer to 党政办公室 on the last day too.
    root = ledger_at(tmp_path, "".join(x for x in NAMES.splitlines(True) if "党政和人大办公室" not in x))
    for extra in ([], ["--as-of", "2021-01-15"]):
        result = run_cli("trace", root, "党政办公室", *extra)
        assert result.exit_code == 1 and "不唯一" in result.output and "北山乡、南湖镇" in result.output
        assert "编制来源" not in result.output
    ok = run_cli("trace", root, "北山乡/党政办公室", "--as-of", "2021-01-15")
    assert ok.exit_code == 0 and ok.stdout.startswith("北山乡“党政办公室”编制来源")


def test_a_signboard_in_use_wins_over_another_bodys_former_name(tmp_path):
    # After 2021-02-01 北山乡 gave up the name; 南湖镇 still carries it as a signboard.
    result = run_cli("trace", ledger_at(tmp_path, NAMES), "党政办公室")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("南湖镇“党政综合办公室”编制来源") and not lines[1].startswith("注意")


def test_a_former_name_not_in_use_says_which_body_and_its_name_now(tmp_path):
    root = ledger_at(tmp_path, NAMES)
    (tmp_path / "more.yaml").write_text(
        "- {date: 2021-03-01, op: signboard_remove, body: 南湖镇/党政综合办公室, name: 党政办公室}\n", encoding="utf-8")
    ambiguous = run_cli("trace", root, "党政办公室")
    assert ambiguous.exit_code == 1 and "曾用名“党政办公室”不唯一" in ambiguous.output
    result = run_cli("trace", root, "北山乡/党政办公室")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [
        "北山乡“党政和人大办公室”编制来源(截至 2023-01-01)",
        "注意:“党政办公室”是北山乡“党政和人大办公室”的曾用名,该机构现名“党政和人大办公室”"]


def test_trace_of_an_abolished_body_says_when_where_to_and_from_where(tmp_path):
    root = ledger_at(tmp_path, NAMES)
    result = run_cli("trace", root, "甲中心")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "已于 2023-01-01 撤销(青编〔2023〕9号" in out and "人员(事业编制 6 名)→“乙中心”" in out
    assert "编制去向:收回编制池 事业编制 8 名 [撤销划转]" in out and "编制去向:乙中心 事业编制 3 名 [撤销划转]" in out
    assert "青编〔2020〕1号 [核定] 上级 → 甲中心 事业编制 10 名" in out
    assert "青编〔2022〕1号 [调剂] 乙中心 → 甲中心 事业编制 1 名" in out
    assert out.splitlines()[-1] == "核对:事业编制 追溯合计 11 名,撤销时划出 11 名,一致"
    assert "当前无核定编制" not in out
    data = json.loads(run_cli("trace", root, "甲中心", "--format", "json").stdout)
    assert data["ok"] and data["approved"] == {"事业编制": 11}
    assert (data["retired"]["date"], data["retired"]["doc"], data["retired"]["kind"]) == ("2023-01-01", "青编〔2023〕9号", "abolished")
    assert [(q["to"], q["amount"]) for q in data["retired"]["quota_to"]] == [("收回编制池", 8), ("乙中心", 3)]


def test_trace_of_a_merged_away_body_follows_it_into_the_merge(tmp_path):
    state = load(ledger_at(tmp_path)).state()
    gone, note = state.find_by_any_name("乙中心")
    assert gone.name == "丙中心" and "已于 2022-03-01 撤销" in note
    t = trace(state, gone)
    assert t.retired.kind == "merged" and t.ok and t.approved == {"事业编制": 4}
    assert [(f.kind, f.amount) for f in t.retired.outflows] == [("merge", 4)]


# -- property: random valid sequences of transfers, merges and abolitions -------------

def _program(draw) -> str:
    """A random valid ledger: bodies with approvals, then transfers, merges, splits, abolitions, renames."""
    n = draw(st.integers(2, 5))
    held = {f"机构{i}": draw(st.integers(0, 9)) for i in range(n)}
    held["收回编制池"] = draw(st.integers(0, 9))
    lines = ["- {date: 2020-01-01, op: open_division, code: C1, name: 青山县, level: 县}",
             "- {date: 2020-01-01, op: open_pool, name: 收回编制池, kind: 收回, division: 青山县}"]
    for name, amount in held.items():
        if name != "收回编制池":
            lines.append(f"- {{date: 2020-01-01, op: establish, name: {name}, division: 青山县, category: 事业单位}}")
        lines.append(f"- {{date: 2020-01-01, op: approve, body: {name}, type: 事业编制, amount: {amount}, {DOC}}}")
    for step in range(draw(st.integers(1, 12))):
        day = f"2020-02-{step + 1:02d}"
        bodies = sorted(k for k in held if k != "收回编制池")
        kind = draw(st.sampled_from(["transfer", "transfer", "merge", "abolish", "rename", "increase", "split"]))
        if kind == "transfer":
            src, dst = draw(st.permutations(sorted(held)))[:2]
            if held[src] == 0:
                continue  # a transfer of 0 is refused as a typo
            amount = draw(st.integers(1, held[src]))
            held[src] -= amount
            held[dst] += amount
            lines.append(f"- {{date: {day}, op: transfer, from: {src}, to: {dst}, type: 事业编制, amount: {amount}, {DOC}}}")
        elif kind == "merge" and len(bodies) >= 2:
            a, into = draw(st.permutations(bodies))[:2]
            held[into] += held.pop(a)
            lines.append(f"- {{date: {day}, op: merge, sources: [{a}], into: {into}, {DOC}}}")
        elif kind == "abolish" and len(bodies) >= 2:
            a = draw(st.sampled_from(bodies))
            held["收回编制池"] += held.pop(a)
            lines.append(f"- {{date: {day}, op: abolish, body: {a}, quota_to: 收回编制池, {DOC}}}")
        elif kind == "rename":
            a = draw(st.sampled_from(bodies))
            new = f"{a}更{step}"
            held[new] = held.pop(a)
            lines.append(f"- {{date: {day}, op: rename, body: {a}, to: {new}}}")
        elif kind == "split":
            a = draw(st.sampled_from(bodies))
            part = draw(st.integers(0, held[a]))
            parts = {f"{a}分{step}甲": part, f"{a}分{step}乙": held.pop(a) - part}
            held.update(parts)
            into = ", ".join(f"{{name: {n}, quota: {{事业编制: {q}}}}}" for n, q in parts.items())
            lines.append(f"- {{date: {day}, op: split, source: {a}, into: [{into}], {DOC}}}")
        elif kind == "increase":
            a = draw(st.sampled_from(sorted(held)))
            held[a] += 2
            lines.append(f"- {{date: {day}, op: increase, to: {a}, type: 事业编制, amount: 2, {DOC}}}")
    return "\n".join(lines) + "\n"


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_trace_accounts_for_all_approved_quota_of_every_holder(tmp_path_factory, data):
    root = tmp_path_factory.mktemp("prop")
    (root / "ledger.yaml").write_text(data.draw(st.composite(lambda draw: _program(draw))()), encoding="utf-8")
    ledger = load(root)
    state = ledger.state()
    assert ledger.findings == [] and state.findings == [], [f.format() for f in state.findings]
    for holder in [*state.active_bodies(), *state.pools.values()]:
        t = trace(state, holder)
        assert t.ok, (holder.name, holder.approved, {q: t.traced(q) for q in t.roots})
        for rec in t.records():
            assert rec["kind"] != "unrecorded"
