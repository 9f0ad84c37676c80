"""Property: any valid directive of any registered kind, drawn into its generated form and
submitted as a browser would, comes back as the same directive, which the readers' validation
accepts; and a scenario YAML written from such directives reads back the same."""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.datastructures import MultiDict

from orgmodel.core.config import load_config
from orgmodel.core.schema import ALLOC, Field
from orgmodel.ops.registry import OPS
from orgmodel.web.drafts import Draft
from orgmodel.web.plan_files import import_plan, scenario_of, scenario_yaml
from orgmodel.web.plan_form import check, form_fields, kinds, plain, raw_of

CONFIG = load_config(None)
HAN = st.sampled_from("东西南北中青石镇乡街道办公室中心服务综合治理编制人社局站所")
WORD = st.text(HAN, min_size=1, max_size=8)
COUNT = st.integers(0, 10 ** 9)
# A measure: whole or with up to two decimals, negative too (a change of a rate).
NUMBER = st.one_of(st.integers(-10 ** 9, 10 ** 9), st.integers(-10 ** 11, 10 ** 11).map(lambda n: n / 100))


def value_of(key: str, spec: Field):
    kind = spec.kind
    if kind == "alloc" or isinstance(kind, dict):
        return st.lists(mapping(ALLOC if kind == "alloc" else kind), min_size=1, max_size=2)
    if spec.choices:
        chinese = [c for c in spec.choices if not str(c).isascii()] or list(spec.choices)
        return st.sampled_from(chinese)
    return {
        "str": WORD, "name": WORD, "ref": WORD, "refs": st.lists(WORD, min_size=1, max_size=3),
        "names": st.lists(WORD, min_size=1, max_size=3, unique=True), "strs": st.lists(WORD, min_size=1, max_size=3),
        "count": COUNT, "number": NUMBER, "qtype": st.sampled_from(CONFIG.quota_types),
        "rank": st.sampled_from(list(CONFIG.get("rank_order"))), "bool": st.booleans(),
        "date": st.dates(dt.date(1949, 1, 1), dt.date(2100, 12, 31)).map(dt.date.isoformat),
        "quota": st.dictionaries(st.sampled_from(CONFIG.quota_types), COUNT, min_size=1),
        "posts": st.dictionaries(st.sampled_from(CONFIG.leader_kinds), COUNT, min_size=1),
        "counts": st.dictionaries(WORD, COUNT, min_size=1, max_size=4),
        "subcounts": st.dictionaries(WORD, st.dictionaries(WORD, COUNT, min_size=1, max_size=2), min_size=1, max_size=2),
        "map": st.dictionaries(WORD, COUNT, min_size=1, max_size=2),
    }[kind]


def mapping(schema: dict[str, Field]):
    """A mapping of ``schema``: its required fields always, the others sometimes."""
    required = {k: value_of(k, f) for k, f in schema.items() if f.required}
    optional = {k: value_of(k, f) for k, f in schema.items() if not f.required}
    return st.fixed_dictionaries(required, optional=optional)


@st.composite
def directives(draw):
    spec = draw(st.sampled_from(kinds()))
    raw = {"date": draw(st.dates(dt.date(2000, 1, 1), dt.date(2030, 12, 31)).map(dt.date.isoformat)), "op": spec.name,
           **draw(mapping(spec.fields))}
    if spec.needs_doc or draw(st.booleans()):
        raw["doc"] = draw(WORD.map(lambda w: f"{w}〔2024〕{len(w)}号"))
    return spec, raw


def browser_form(fields) -> MultiDict:
    """What a browser sends for a form filled as drawn: every input, blank ones too."""
    out = MultiDict()
    for f in fields:
        if f.control == "rows":
            for row in f.rows:
                out.update(browser_form(row))
        elif f.control == "fixed":
            for _, path, value in f.parts:
                out[path] = value
        elif f.control == "pairs":
            for kp, vp, k, v in f.rows:
                out[kp], out[vp] = k, v
        else:
            out[f.path] = f.value
    return out


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(directives())
def test_a_directive_survives_its_form(drawn):
    spec, raw = drawn
    fields = form_fields(spec, CONFIG, raw)
    back, problems = raw_of(spec, browser_form(fields), CONFIG)
    assert problems == {}
    assert plain(back) == raw
    directive, findings = check(back, CONFIG)
    assert directive is not None, [f.message for f in findings]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(directives(), min_size=1, max_size=4))
def test_a_draft_survives_its_scenario_yaml(drawn):
    draft = Draft(1, "方案", "说明", "2030-12-31", "张三", "t", "t", 1, [raw for _, raw in drawn])
    back = import_plan(scenario_yaml(draft).encode("utf-8"), "plan.yaml", CONFIG)
    assert back.directives == draft.directives
    assert len(scenario_of(draft, CONFIG).directives) == len(drawn)


def test_every_kind_is_drawn():
    assert {s.name for s in kinds()} == set(OPS)
