"""The fast paths (one-line flow items, simple block items) must read exactly what PyYAML reads, or decline."""

from __future__ import annotations

import json

import pytest
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


def test_an_item_outside_the_fast_subset_alone_goes_to_pyyaml(monkeypatch):
    from orgmodel.sources import yaml_reader

    text = ("- {date: 2021-03-01, op: staff, body: 东镇/党政办, actual: {行政编制: 3}}  # 年报\n"
            "- date: 2021-04-01\n  op: approve\n  body: 东镇/党政办\n  type: 行政编制\n  amount: 2\n"
            "- date: 2021-04-02\n  op: note\n  note: 这条备注\n    写了两行\n"
            "- {date: 2021-05-01, op: rename, body: 东镇/党政办, to: 党建办}\n")
    parsed = []
    real = yaml_reader.load_text
    monkeypatch.setattr(yaml_reader, "load_text", lambda t, d: parsed.append(t) or real(t, d))
    result = parse_text(text, "t.yaml")
    assert len(parsed) == 1  # one call, with only the multi-line note (the other items' lines as comments)
    assert [line for line in parsed[0].splitlines() if line not in ("", "#")] == ["- date: 2021-04-02", "  op: note", "  note: 这条备注",
                                                                              "    写了两行"]
    assert [item.source.line for item in result.items] == [1, 2, 7, 11]
    assert result.items[1].value.spots["amount"] == 6
    assert result.items[2].value["note"] == "这条备注 写了两行"


# Block items as clerks write them, and as they mistype them: every line a random choice of
# indentation, value style, comment and blank, so that the fast path meets what PyYAML reads
# differently (continuation lines, tabs, odd indents, flow values, lists at the key's indent).
clean_scalars = st.sampled_from(["党政办", "10", "-3", "2021-03-01", "true", "a b", "a, b", "990100/党政办", "~", "", "[]", "{}",
                                 "1e3", "'0123'", '"a: b"', "{正职: 1, 副职: 2}", "[甲, 乙]", "x #y", "'it''s'"])
block_scalars = st.one_of(
    clean_scalars,
    scalars,
    st.builds(lambda s: json.dumps(s, ensure_ascii=False), scalars),
    st.builds(lambda s: "'" + s.replace("'", "''") + "'", scalars),
    flow_values(depth=1),
)
keys = st.one_of(st.sampled_from(["date", "op", "body", "行政编制", "正职", "1", "null", "a b", "k "]), scalars)
comments = st.sampled_from(["", "", "", "  # 备注", " #x", "\t# t", " # a: b", "\u3000# c", "\u3000"])


@st.composite
def block_lines(draw, indent: int, depth: int = 0, clean: bool = False) -> list[str]:
    """Lines of a block mapping at ``indent``; ``clean`` ones are all in the fast subset."""
    lines: list[str] = []
    values = clean_scalars if clean else block_scalars
    notes = st.sampled_from(["", "", "  # 备注", " #x"]) if clean else comments
    names = draw(st.permutations(["date", "op", "body", "行政编制", "正职", "1", "a b"]))
    for n in range(draw(st.integers(1, 3))):
        key = names[n] if clean else draw(keys)
        kinds = ["scalar", "scalar", "null", "map", "list", "list_same"] if depth < 2 else ["scalar", "null"]
        kind = draw(st.sampled_from(kinds if clean else [*kinds, "odd"]))
        pad = " " * indent
        if kind == "scalar":
            lines.append(f"{pad}{key}: {draw(values)}{draw(notes)}")
        elif kind == "null":
            lines.append(f"{pad}{key}:{draw(notes)}")
        elif kind == "map":
            lines.append(f"{pad}{key}:{draw(notes)}")
            lines += draw(block_lines(indent + draw(st.sampled_from([2, 2, 1, 4])), depth + 1, clean))
        elif kind in ("list", "list_same"):
            lines.append(f"{pad}{key}:")
            inner = " " * (indent + (2 if kind == "list" else 0))
            for _ in range(draw(st.integers(1, 3))):
                if depth < 1 and draw(st.booleans()):  # a mapping as a list item (quota_to: - to: …)
                    mapping = draw(block_lines(len(inner) + 2, depth + 1, clean))
                    lines += [f"{inner}- {mapping[0].lstrip(' ')}", *mapping[1:]]
                else:
                    lines.append(f"{inner}- {draw(values)}{draw(notes)}")
        else:  # what a clerk may also type: a continuation line, a tab, a stray indent, a blank or a comment
            lines.append(draw(st.sampled_from([f"{pad}  续行文字", f"{pad}\t{key}: 1", f"{pad[:-1]}{key}: 1", "",
                                               f"{pad}# 注释", f"{pad}- 列表项", f"{pad}{key}: |", f"{pad}? {key}",
                                               f"{pad}{key}: |\n{pad}  第一行\n{pad}  # 像注释的一行\n", f"{pad}{key}: |+\n{pad}  x\n\n",
                                               f"{pad}{key}: \u3000", "\u3000", f"{pad}{key}: 'x\u2028  y'"])))
    return lines


@st.composite
def block_items(draw) -> str:
    lines = draw(block_lines(2, clean=draw(st.booleans())))
    first = lines[0].lstrip(" ") if lines[0].strip() else "op: x"
    return "- " + first + "\n" + "".join(line + "\n" for line in lines[1:])


@settings(max_examples=400, deadline=None)
@given(st.lists(st.one_of(block_items(), flow_values(depth=1).filter(lambda v: v.startswith("{")).map(lambda v: f"- {v}\n")),
                min_size=1, max_size=4), st.tuples(st.sampled_from(["\n", "\n", "\r\n"]), st.booleans()))
def test_block_items_read_fast_equal_pyyaml_on_the_whole_file(items, ending):
    """Whatever block items hold, the fast path reads what PyYAML reads of the whole file (values,
    every line of every key, list item lines), or declines and PyYAML reads them."""
    text = "".join(items).replace("\n", ending[0])
    text = text[: -len(ending[0])] if ending[1] else text  # a last line without its line break
    assert _full(parse_text(text, "t.yaml", fast=True)) == _full(parse_text(text, "t.yaml", fast=False))


def test_block_items_of_the_usual_shape_take_the_fast_path(monkeypatch):
    from orgmodel.sources import yaml_reader

    text = ("- date: 2021-04-01  # 年报\n  op: staff\n\n  body: '990100/党政办'\n  actual:\n    # 在编\n"
            "    行政编制: 3\n    事业编制: 0\n  signboards:\n  - 网格化服务管理中心\n  - '\"一站式\"矛盾调处中心'\n"
            "  posts: {正职: 1, 副职: 2}  # 核定\n  note:\n  quota_to:\n  - to: 收回池\n    type: 事业编制\n  - to: 990100/党委办\n")
    monkeypatch.setattr(yaml_reader, "load_text", lambda t, d: pytest.fail("PyYAML was asked"))
    [item] = parse_text(text, "t.yaml").items
    assert item.value == {"date": "2021-04-01", "op": "staff", "body": "990100/党政办", "actual": {"行政编制": 3, "事业编制": 0},
                          "signboards": ["网格化服务管理中心", '"一站式"矛盾调处中心'], "posts": {"正职": 1, "副职": 2}, "note": None,
                          "quota_to": [{"to": "收回池", "type": "事业编制"}, {"to": "990100/党委办"}]}
    assert item.value.spots == {"date": 1, "op": 2, "body": 4, "actual": 5, "signboards": 9, "posts": 12, "note": 13,
                                "quota_to": 14}
    assert item.value["quota_to"][0].spots == {"to": 15, "type": 16} and item.value["quota_to"].item_lines == [15, 17]
    assert item.value["actual"].spot == 7 and item.value["signboards"].item_lines == [10, 11]


def test_deeply_nested_block_items_are_left_to_pyyaml():
    """Hostile nesting by indentation never reaches Python's recursion limit on the fast path."""
    text = "- date: 2021-01-01\n" + "".join(" " * (2 + i) + f"k{i}:\n" for i in range(2000)) + " " * 2002 + "x: 1\n"
    fast, slow = parse_text(text, "t.yaml", fast=True), parse_text(text, "t.yaml", fast=False)
    assert _result(fast) == _result(slow)


# Where Python and YAML read text differently (found by review): full-width and no-break spaces
# are text to YAML, a block scalar's lines may look like comments, U+2028 is kept in a folded
# quoted scalar, a file may end without a line break, lines may end in CRLF.
READ_DIFFERENTLY = [
    "- a: 1\n  b: x\u3000\n", "- a: 1\n  b: \u3000\n", "- a: 1\n  b\u3000: 2\n", "- a: 1\n  b: x \u3000# c\n",
    '- a: 1\n  b: "x"\u3000# c\n', "- a: 1\n  b: [x]\u3000# c\n", "- {a: x\u3000}\n", "- {a: \xa0}\n",
    "- {a: 1}\u3000# c\n- {b: 2}\n", "- {a: 1}\n\u3000\n",
    "- date: 2021-03-01\n  op: note\n  note: |\n    第一行\n    # 第二行\n- date: 2021-03-02\n  op: staff\n",
    "- {z: 1}\n- a: |+\n    x\n\n\n- {z: 1}\n", "- {a: 1}\n- b: 1\n  c: |-\n    x\n\n    # d\n", "- {a: 1}\n\t\n",
    "- {z: 1}\n- a: |\n    x", '- {z: 1}\n- a: "x\u2028  y"\n  b: 1\n', "- # c\n  - a\n- {z: 1}\n",
    "- {a: 1}\r\n- b: 2\r\n  c: 3\r\n", "- {a: 1}  \t# c\n", "- {a: 1}\n  \t# c\n",
    # a construct running over into the next items, one of them read fast
    '- a: "x\n- {b: 1}\n- c"\n', "- a: 'x\n- {b: 1}\n- c'\n", "- {a: 1,\n- b: 2}\n", "- a: [1,\n- {b: 1}\n- 2]\n",
]


@pytest.mark.parametrize("text", READ_DIFFERENTLY)
def test_where_python_and_yaml_read_text_differently_the_fast_paths_agree_with_pyyaml(text):
    assert _full(parse_text(text, "t.yaml", fast=True)) == _full(parse_text(text, "t.yaml", fast=False))
