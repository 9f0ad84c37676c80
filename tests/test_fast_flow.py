"""The one-line flow fast path must read exactly what PyYAML reads, or decline."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from orgmodel.sources.fast_flow import parse_lines
from orgmodel.sources.yaml_reader import load_text, parse_text

ALPHABET = "ab01１٣é :#-\"'{}[],.~!&*?%@`\\事业编制〔〕号/=<>|\x00\x07\t\x1b\x85\u2028"
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


def _block(line: str) -> str:
    """The same item in block style, as PyYAML writes it (a flow value it cannot read stays flow)."""
    import yaml

    def plain(v):
        if isinstance(v, dict):
            return {k: plain(x) for k, x in v.items()}
        return [plain(x) for x in v] if isinstance(v, list) else v

    value, findings = load_text(f"- {line}\n", "t.yaml")
    if findings:
        return f"- {line}\n"
    try:
        return yaml.safe_dump(plain(value), allow_unicode=True, default_flow_style=False, sort_keys=False)
    except yaml.YAMLError:
        return f"- {line}\n"


def _full(r):
    """Items with every line they record, and findings: what validation and findings see."""
    def lines(v):
        if isinstance(v, dict):  # a key without a spot of its own sits where its mapping starts
            spot, spots = getattr(v, "spot", None), getattr(v, "spots", {})
            return (spot, {str(k): spots.get(k, spot) for k in v}, list(getattr(v, "duplicates", ())),
                    {str(k): lines(x) for k, x in v.items()})
        if isinstance(v, list):
            return (getattr(v, "item_lines", None), [lines(x) for x in v])
        return repr(v)
    return [(lines(item.value), item.source) for item in r.items], [f.format() for f in r.findings]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(flow_values(depth=1).filter(lambda v: v.startswith("{")),
                          st.sampled_from(["flow", "block", "comment", "blank"])), min_size=1, max_size=5))
def test_a_mixed_file_read_item_by_item_equals_pyyaml_on_the_whole_file(items):
    """Block items, trailing comments and comment lines between items: the per-item path reads
    exactly what PyYAML reads of the whole file (values and every line), or declines."""
    parts = []
    for line, style in items:
        if style == "block":
            parts.append(_block(line))
        elif style == "comment":
            parts.append(f"- {line}  # 备注\n# 下一条\n")
        else:
            parts.append(f"- {line}\n" + ("\n" if style == "blank" else ""))
    text = "".join(parts)
    assert _full(parse_text(text, "t.yaml", fast=True)) == _full(parse_text(text, "t.yaml", fast=False))


def test_one_block_item_leaves_the_others_on_the_fast_path(monkeypatch):
    from orgmodel.sources import yaml_reader

    text = ("- {date: 2021-03-01, op: staff, body: 东镇/党政办, actual: {行政编制: 3}}  # 年报\n"
            "- date: 2021-04-01\n  op: approve\n  body: 东镇/党政办\n  type: 行政编制\n  amount: 2\n"
            "- {date: 2021-05-01, op: rename, body: 东镇/党政办, to: 党建办}\n")
    parsed = []
    real = yaml_reader.load_text
    monkeypatch.setattr(yaml_reader, "load_text", lambda t, d: parsed.append(t) or real(t, d))
    result = parse_text(text, "t.yaml")
    assert len(parsed) == 1 and parsed[0].startswith("- date: 2021-04-01")  # only the block item
    assert [item.source.line for item in result.items] == [1, 2, 7]
    assert result.items[1].value.spots["amount"] == 6
