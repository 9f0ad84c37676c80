"""Figures a user reads, the same in every output: the terminal table, CSV, JSON, the HTML
pages and the chart. Aggregates sum each body's vacancy and excess (超编 never reads 0 when
a body is over); off-quota staff recorded above township level rolls up; every body appears,
with or without quota; and ``--scenario`` shows the state after a plan."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from conftest import run_cli, write_ledger

DOC = "doc: 白编〔2024〕1号"
LEDGER = f"""\
- {{date: 2024-01-01, op: open_division, code: "330100", name: 白县, level: 县}}
- {{date: 2024-01-01, op: open_division, code: "330101", name: 白沙镇, level: 乡镇, kind: 镇, parent: 白县, households: 9000}}
- {{date: 2024-01-01, op: open_division, code: "33010101", name: 白沙村, level: 村, parent: 白沙镇}}
- {{date: 2024-01-01, op: establish, name: 县委办, division: 白县, category: 党政机关}}
- {{date: 2024-01-01, op: establish, name: 党政办公室, division: 白沙镇, category: 党政机关, signboards: [人大办公室]}}
- {{date: 2024-01-01, op: establish, name: 综合行政执法办公室, division: 白沙镇, category: 党政机关}}
- {{date: 2024-01-01, op: establish, name: 社会治理服务中心, division: 白沙镇, category: 事业单位, class: 公益一类, led_by: 县委办}}
- {{date: 2024-01-02, op: approve, body: 县委办, type: 行政编制, amount: 10, {DOC}}}
- {{date: 2024-01-02, op: approve, body: 白沙镇/党政办公室, type: 行政编制, amount: 12, {DOC}}}
- {{date: 2024-01-02, op: approve, body: 综合行政执法办公室, type: 行政编制, amount: 6, {DOC}}}
- {{date: 2024-01-03, op: staff, body: 县委办, actual: {{行政编制: 10}}}}
- {{date: 2024-01-03, op: staff, body: 白沙镇/党政办公室, actual: {{行政编制: 7}}}}
- {{date: 2024-01-03, op: staff, body: 综合行政执法办公室, actual: {{行政编制: 7}}}}
- {{date: 2024-01-04, op: off_quota, division: 白沙镇, staff: {{网格员: 20}}, grids: 20}}
- {{date: 2024-01-04, op: off_quota, division: 白沙村, staff: {{网格员: 4}}, grids: 4}}
- {{date: 2024-01-04, op: off_quota, division: 白县, staff: {{城市社区工作者: 90, 城镇公益岗: 461}}}}
"""
PLAN = f"""\
name: 加编方案
directives:
- {{date: 2024-06-01, op: transfer, from: 县委办, to: 综合行政执法办公室, type: 行政编制, amount: 2, {DOC}}}
- {{date: 2024-06-01, op: off_quota, division: 白沙镇, staff: {{网格员: 25}}, grids: 25}}
"""
config = "rules: {over-quota: {severity: warning}, cross-level-transfer: {enabled: false}}\n"


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bai")
    write_ledger(folder, LEDGER)
    write_ledger(folder, config, "orgmodel.yaml")
    (folder.parent / "plan.yaml").write_text(PLAN, encoding="utf-8")
    return folder


def outputs(root, by: str, *extra) -> dict:
    """The same view as JSON records, CSV rows (Chinese headers) and terminal table rows."""
    js = json.loads(run_cli("balance", root, "--by", by, "--format", "json", *extra).stdout)
    text = run_cli("balance", root, "--by", by, "--format", "csv", *extra).stdout.lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    dated, *table = run_cli("balance", root, "--by", by, *extra).stdout.splitlines()
    assert dated.startswith("截至 ")
    assert all(r["as_of"] == dated.removeprefix("截至 ") for r in js)
    heads = re.split(r"\s{2,}", table[0].strip())
    cells = [re.split(r"\s{2,}", line.strip()) for line in table[2:]]
    return {"json": js, "csv": rows, "table": [dict(zip(heads, c)) for c in cells if len(c) == len(heads)]}


def test_township_rows_sum_each_bodys_vacancy_and_excess_in_every_output(root, tmp_path):
    out = outputs(root, "township")
    row = next(r for r in out["json"] if r["division"] == "白沙镇" and r["quota_type"] == "行政编制")
    # 党政办公室 12 / 7 (5 vacant), 综合行政执法办公室 6 / 7 (1 over): no netting across bodies
    assert (row["approved"], row["actual"], row["vacant"], row["over"], row["bodies_over"]) == (18, 14, 5, 1, 1)
    assert row["approved"] - row["actual"] == row["vacant"] - row["over"]
    csv_row = next(r for r in out["csv"] if r["区划"] == "白沙镇" and r["编制类型"] == "行政编制")
    assert (csv_row["空编"], csv_row["超编"]) == ("5", "1")
    text_row = next(r for r in out["table"] if r["区划"] == "白沙镇" and r["编制类型"] == "行政编制")
    assert (text_row["空编"], text_row["超编"]) == ("5", "1")
    total = next(r for r in outputs(root, "total")["json"] if r["quota_type"] == "行政编制")
    assert (total["vacant"], total["over"]) == (5, 1)
    county = next(r for r in outputs(root, "county")["json"] if r["quota_type"] == "行政编制")
    assert (county["vacant"], county["over"]) == (5, 1)
    # the HTML pages and the index chart show the same
    assert run_cli("report", "balance", root, "--out", tmp_path / "site").exit_code == 0
    town = (tmp_path / "site" / "town-330101.html").read_text(encoding="utf-8")
    assert re.search(r'data-fig="town\|330101\|行政编制\|vacant" data-v="5"', town)
    assert re.search(r'data-fig="town\|330101\|行政编制\|over" data-v="1"', town)
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'data-fig="total\|\|行政编制\|over" data-v="1"', index)
    assert "<title>白沙镇:超编 1</title>" in index and "<title>白沙镇:空编 5</title>" in index


def test_off_quota_staff_and_grids_roll_up_from_village_to_county_in_every_view(root, tmp_path):
    town = next(r for r in outputs(root, "township")["json"] if r["division"] == "白沙镇")
    assert (town["off_quota_staff"], town["grids"], town["households_per_grid"]) == (24, 24, 375.0)
    for by in ("county", "total"):
        out = outputs(root, by)
        assert {(r["off_quota_staff"], r["grids"]) for r in out["json"]} == {(575, 24)}
        assert {(r["编外人员"], r["网格数"]) for r in out["csv"]} == {("575", "24")}
        assert {(r["编外人员"], r["网格数"]) for r in out["table"]} == {("575", "24")}
    off = {r["division"]: r for r in outputs(root, "off_quota")["json"]}
    assert (off["白县"]["own_off_quota_staff"], off["白县"]["off_quota_staff"]) == (551, 575)
    assert off["白县"]["off_quota_detail"] == "城市社区工作者 90、城镇公益岗 461、网格员 24"
    assert run_cli("report", "balance", root, "--out", tmp_path / "site").exit_code == 0
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert re.search(r'data-fig="off_quota\|330100\|\|off_quota_staff" data-v="575"', index)
    county = (tmp_path / "site" / "county-330100.html").read_text(encoding="utf-8")
    assert re.search(r'data-fig="off_quota\|330100\|\|grids" data-v="24"', county)


def test_every_active_body_appears_in_the_body_table_quota_or_not(root):
    out = outputs(root, "body")
    centre = [r for r in out["json"] if r["body"] == "社会治理服务中心"]
    assert len(centre) == 1 and centre[0]["quota_type"] is None and centre[0]["approved"] == 0
    assert (centre[0]["category"], centre[0]["class"], centre[0]["led_by"]) == ("事业单位", "公益一类", "县委办")
    office = next(r for r in out["json"] if r["body"] == "党政办公室")
    assert (office["signboards"], office["signboard_names"]) == (1, "人大办公室")
    assert any(r["机构"] == "社会治理服务中心" and r["编制类型"] == "" for r in out["csv"])
    assert "社会治理服务中心" in run_cli("balance", root, "--by", "body").stdout
    # a body without quota is not counted as a body holding some
    town = next(r for r in outputs(root, "township")["json"] if r["division"] == "白沙镇")
    assert town["bodies"] == 2


def test_balance_and_check_with_a_scenario_show_the_state_after_it(root):
    plan = root.parent / "plan.yaml"
    after = outputs(root, "township", "--scenario", plan)
    row = next(r for r in after["json"] if r["division"] == "白沙镇" and r["quota_type"] == "行政编制")
    assert (row["approved"], row["vacant"], row["over"], row["grids"], row["off_quota_staff"]) == (20, 6, 0, 29, 29)
    assert next(r for r in after["csv"] if r["区划"] == "白沙镇")["网格数"] == "29"
    sim = json.loads(run_cli("simulate", root, plan, "--format", "json").stdout)
    t = next(r for r in sim["township_diff"] if r["division"] == "白沙镇" and r["quota_type"] == "行政编制")
    assert t["after"]["approved"] == 20 and t["after"]["grids"] == 29
    before = run_cli("check", root)
    assert "超编" in before.stdout
    plain = run_cli("check", root, "--scenario", plan)
    assert plain.exit_code == 0 and "综合行政执法办公室”行政编制超编" not in plain.stdout, plain.stdout
    # the ledger itself is unchanged
    assert "approve, body: 综合行政执法办公室, type: 行政编制, amount: 6" in (root / "ledger.yaml").read_text(encoding="utf-8")
