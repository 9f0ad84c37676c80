"""Township templates (统一设置): one directive renames, merges or creates bodies in every
township of a kind; a problem in any township refuses the whole directive."""

from __future__ import annotations

from ops_support import approved, at, body, clean, refused, total

from orgmodel.figures.balance import township_balance

TENGZHOU = """\
- date: 2021-04-01
  op: 统一设置
  doc: 滕编〔2021〕2号
  kind: [镇, 乡, 街道]
  missing: 跳过
  bodies: [{name: 社会治理综合服务中心, from: [综合治理中心], signboards: [网格化服务管理中心]}]
"""


def names_in(state, code: str) -> set[str]:
    return {b.name for b in state.active_bodies() if b.division == code}


def test_tengzhou_bulk_rename_and_signboard_in_one_directive(tmp_path):
    state = clean(tmp_path, TENGZHOU)
    for town in ("东镇", "西乡"):
        b = body(state, f"{town}/社会治理综合服务中心")
        assert state.signboards(b) == ["网格化服务管理中心"]
        assert [n for _, n in b.names] == ["综合治理中心", "社会治理综合服务中心"]
    assert approved(state, "东镇/社会治理综合服务中心", "事业编制") == 5
    assert "社会治理综合服务中心" not in names_in(state, "T3")  # 跳过: the subdistrict has none
    kinds = [e.kind for e in state.events if e.date.year == 2021]
    assert kinds.count("renamed") == 2 and kinds.count("signboard_added") == 2 and kinds[-1] == "template_applied"
    assert state.events[-1].divisions == ("T1", "T2", "T3")


def test_neijiang_township_template_from_config(tmp_path):
    before = clean(tmp_path)
    state = clean(tmp_path, "- {date: 2021-05-01, op: apply_template, template: 7办4中心, keep_names: true, doc: x}\n")
    assert len(names_in(state, "T1")) == 11 and len(names_in(state, "T2")) == 11
    assert names_in(state, "T3") == names_in(before, "T3")  # a 街道 is not a 镇/乡
    office = body(state, "东镇/党政办公室")
    assert state.signboards(office) == ["党政办"] and body(state, "东镇/党政办") is office
    assert approved(state, "东镇/社会治理办公室", "行政编制") == 3
    assert approved(state, "东镇/社会治安综合治理中心", "事业编制") == 5
    assert total(state, "事业编制") == total(before, "事业编制")
    tb = township_balance(state)
    assert int(tb[(tb["division_code"] == "T1") & (tb["quota_type"] == "事业编制")]["approved"].sum()) == 5
    created = [e for e in state.events if e.kind == "created" and e.date.year == 2021]
    assert len(created) == 8 + 10


def test_template_merges_several_matches(tmp_path):
    before = clean(tmp_path)
    state = clean(tmp_path, """\
- {date: 2021-05-01, op: establish, name: 综治中心, division: 东镇, category: 事业单位, quota_from: [{from: 收回编制池, type: 事业编制, amount: 2}], doc: x}
- {date: 2021-05-02, op: apply_template, template: 4办3中心, kind: 镇, doc: x}
""")
    centre = body(state, "东镇/社会治安综合治理中心")
    assert approved(state, "东镇/社会治安综合治理中心", "事业编制") == 7
    assert centre.klass == "公益一类" and centre.category == "事业单位"
    merged = [e for e in state.events if e.kind == "merged"]
    assert len(merged) == 1 and "综治中心" in merged[0].text
    assert total(state, "事业编制") == total(before, "事业编制")


def test_subdistrict_template_defaults_to_its_kind_and_divisions_scope(tmp_path):
    state = clean(tmp_path, """\
- {date: 2021-05-01, op: 统一设置, template: 4办3中心, doc: x}
- {date: 2021-05-02, op: 统一设置, template: 七办五中心, divisions: [东镇], doc: x}
""")
    assert len(names_in(state, "T3")) == 7
    assert len(names_in(state, "T1")) == 12 and len(names_in(state, "T2")) == 1


def test_template_reclassifies_a_renamed_body(tmp_path):
    state = clean(tmp_path, """\
- date: 2021-05-01
  op: 统一设置
  doc: x
  divisions: [东镇]
  bodies: [{name: 社会治理中心, category: 事业单位, class: 公益二类, from: [综合治理中心]}]
""")
    assert body(state, "东镇/社会治理中心").klass == "公益二类"
    assert any(e.kind == "reclassified" for e in state.events)


def test_province_config_can_bring_its_own_template(tmp_path):
    config = """\
templates:
  五办七中心:
    kind: 镇
    bodies:
      - {name: 党员教育中心, category: 事业单位, class: 公益一类}
"""
    state = clean(tmp_path, "- {date: 2021-05-01, op: 统一设置, template: 五办七中心, doc: x}\n", config)
    assert "党员教育中心" in names_in(state, "T1") and "党员教育中心" not in names_in(state, "T2")


def test_template_misuses_refuse_every_township(tmp_path):
    refused(tmp_path, "- {date: 2021-05-01, op: 统一设置, template: 八办九中心, doc: x}\n", "unknown-template")
    refused(tmp_path, "- {date: 2021-05-01, op: 统一设置, template: 7办4中心, bodies: [{name: X}], doc: x}\n", "missing-field")
    refused(tmp_path, "- {date: 2021-05-01, op: 统一设置, template: 7办4中心, kind: 村, doc: x}\n", "bad-value")
    refused(tmp_path, "- {date: 2021-05-01, op: 统一设置, template: 7办4中心, divisions: [青山县], doc: x}\n", "bad-value")
    refused(tmp_path, TENGZHOU.replace("跳过", "报错"), "template-missing", 6)
    refused(tmp_path, TENGZHOU.replace("[网格化服务管理中心]", "[综治办]"), "duplicate-name", 6)
    refused(tmp_path, TENGZHOU.replace("跳过", "新建"), "missing-field", 6)
    refused(tmp_path, TENGZHOU.replace(
        "bodies: [", "bodies: [{name: 综治中心, from: [综合治理中心], category: 事业单位}, "), "bad-template", 6)


def test_template_finding_points_at_the_directive(tmp_path):
    hits = refused(tmp_path, TENGZHOU.replace("跳过", "报错"), "template-missing", 6)
    assert hits[0].source == at(tmp_path, 6) and "南街道" in hits[0].message


def test_a_name_used_twice_in_a_template_is_one_finding(tmp_path):
    hits = refused(tmp_path, TENGZHOU.replace("[网格化服务管理中心]", "[社会治理综合服务中心]"), "duplicate-name", 6)
    assert len(hits) == 1


def test_a_malformed_config_template_is_a_finding(tmp_path):
    config = """\
templates:
  坏模板:
    kind: 镇
    bodies:
      - {name: 某中心, category: 事业机构}
"""
    hits = refused(tmp_path, "- {date: 2021-05-01, op: 统一设置, template: 坏模板, doc: x}\n", "bad-template", config=config)
    assert "某中心" in hits[0].message
