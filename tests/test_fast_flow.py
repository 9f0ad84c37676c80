"""The one-line flow fast path must read exactly what PyYAML reads, or decline."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from orgmodel.sources.fast_flow import parse_lines
from orgmodel.sources.yaml_reader import load_text, parse_text

ALPHABET = "ab01 :#-\"'{}[],.~!&*?%@`\\事业编制〔〕号/=<>|\x00\x07\t\x1b\x85\u2028"
scalars = st.one_of(
    st.text(alphabet=ALPHABET, max_size=8),
    st.sampled_from(["true", "no", "null", "~", "10", "-3", "2.5", "0x1f", "007", "2021-02-30", "1:30", "a: b"]),
)


@st.composite
def flow_values(draw, depth=0):
    kind = draw(st.sampled_from(["plain", "quoted", "map", "list"] if depth < 2 else ["plain", "quoted"]))
    if kind == "plain":
        return draw(scalars)
    if kind == "quoted":
        return json.dumps(draw(scalars), ensure_ascii=False)
    if kind == "list":
        return "[" + ", ".join(draw(st.lists(flow_values(depth + 1), max_size=3))) + "]"
    pairs = draw(st.lists(st.tuples(scalars, flow_values(depth + 1)), max_size=3))
    return "{" + ", ".join(f"{k}: {v}" for k, v in pairs) + "}"


@settings(max_examples=300, deadline=None)
@given(st.lists(flow_values(depth=1).filter(lambda v: v.startswith("{")), min_size=1, max_size=3))
def test_fast_path_agrees_with_pyyaml(lines):
    text = "# 注释\n" + "\n".join(f"- {line}" for line in lines) + "\n"
    fast = parse_lines(text)
    slow, findings = load_text(text, "t.yaml")
    if fast is None:
        return
    assert not findings
    assert fast == slow
    assert [d.spot for d in fast] == [d.spot for d in slow]
    # every key is where PyYAML says it is (a key without a spot of its own sits where its mapping starts)
    assert [{k: d.spots.get(k, d.spot) for k in d} for d in fast] == [{k: d.spots.get(k, d.spot) for k in d} for d in slow]
    assert [d.duplicates for d in fast] == [d.duplicates for d in slow]


def _result(r):
    return [(dict(item.value), item.source) for item in r.items], [f.format() for f in r.findings]


@settings(max_examples=300, deadline=None)
@given(st.lists(flow_values(depth=1).filter(lambda v: v.startswith("{")), min_size=1, max_size=3))
def test_the_reader_gives_the_same_with_and_without_the_fast_path(lines):
    """Whatever the text, both paths accept it with the same items or refuse it with the same findings."""
    text = "\n".join(f"- {line}" for line in lines) + "\n"
    assert _result(parse_text(text, "t.yaml", fast=True)) == _result(parse_text(text, "t.yaml", fast=False))


def test_typical_directive_line_is_read_fast_with_types():
    text = '- {date: 2021-03-01, op: transfer, doc: 澄编〔2021〕3号, from: "990101/党政办公室", to: 收回池, type: 行政编制, amount: 2, cross_level: true}\n'
    [d] = parse_lines(text)
    assert d == {"date": "2021-03-01", "op": "transfer", "doc": "澄编〔2021〕3号", "from": "990101/党政办公室",
                 "to": "收回池", "type": "行政编制", "amount": 2, "cross_level": True}
    assert d.spot == 1 and d.spots.get("amount", d.spot) == 1


def test_block_style_file_is_left_to_pyyaml():
    assert parse_lines("- date: 2021-03-01\n  op: staff\n") is None
