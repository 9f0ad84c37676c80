"""``orgmodel balance``: the arithmetic invariants of every record, roll-ups, as-of, formats."""

from __future__ import annotations

import csv
import io
import unicodedata
from collections import Counter
from pathlib import Path

import pytest
from conftest import COUNTY, balance_json, run_cli, write_ledger

from orgmodel.figures.balance import pool_balance
from orgmodel.ledger import load

REPO = Path(__file__).resolve().parents[1]

# COUNTY plus a police bureau with a dispatched station in each township (西乡's 政法专项编制
# sits only in a dispatched body), quota, staff (one body over), transfers, an increase and an abolition.
LEDGER = COUNTY + """\
- {date: 2021-01-01, op: establish, name: 县公安局, division: 青山县, category: 党政机关}
- {date: 2021-01-01, op: establish, name: 东镇派出所, division: 东镇, category: 派驻机构, dispatched_from: 县公安局}
- {date: 2021-01-01, op: establish, name: 西乡派出所, division: 西乡, category: 派驻机构, dispatched_from: 县公安局}
- {date: 2021-01-01, op: establish, name: 综合服务中心, division: 西乡, category: 事业单位}
- {date: 2021-01-01, op: 核定, body: 县委办, type: 行政编制, amount: 10, doc: 青编〔2021〕1号}
- {date: 2021-01-01, op: 核定, body: 东镇/党政办, type: 行政编制, amount: 8, doc: 青编〔2021〕1号}
- {date: 2021-01-01, op: 核定, body: 西乡/党政办, type: 行政编制, amount: 7, doc: 青编〔2021〕1号}
- {date: 2021-01-01, op: 核定, body: 便民服务中心, type: 事业编制, amount: 6, doc: 青编〔2021〕1号}
- {date: 2021-01-01, op: 核定, body: 综合服务中心, type: 事业编制, amount: 5, doc: 青编〔2021〕1号}
- {date: 2021-01-01, op: 核定, body: 县公安局, type: 政法专项编制, amount: 30, doc: 青编〔2021〕1号}
- {date: 2021-01-01, op: 核定, body: 东镇派出所, type: 政法专项编制, amount: 5, doc: 青编〔2021〕1号}
- {date: 2021-01-01, op: 核定, body: 西乡派出所, type: 政法专项编制, amount: 4, doc: 青编〔2021〕1号}
- {date: 2021-01-01, op: 核定, body: 收回编制池, type: 事业编制, amount: 4, doc: 青编〔2021〕1号}
- {date: 2021-01-01, op: 核定, body: 县委办, type: 工勤编制, amount: 2, doc: 青编〔2021〕1号}
- {date: 2021-01-01, op: 职数核定, body: 县委办, posts: {正职: 1, 副职: 3}, doc: 青编〔2021〕1号}
- {date: 2021-02-01, op: 实有, body: 县委办, actual: {行政编制: 9, 工勤编制: 2}, leaders: {正职: 1, 副职: 3}}
- {date: 2021-02-01, op: 实有, body: 东镇/党政办, actual: {行政编制: 8}}
- {date: 2021-02-01, op: 实有, body: 西乡/党政办, actual: {行政编制: 5}}
- {date: 2021-02-01, op: 实有, body: 便民服务中心, actual: {事业编制: 5}}
- {date: 2021-02-01, op: 实有, body: 综合服务中心, actual: {事业编制: 3}}
- {date: 2021-02-01, op: 实有, body: 县公安局, actual: {政法专项编制: 28}}
- {date: 2021-02-01, op: 实有, body: 东镇派出所, actual: {政法专项编制: 6}}
- {date: 2021-02-01, op: 实有, body: 西乡派出所, actual: {政法专项编制: 4}}
- {date: 2021-02-01, op: 编外, division: 东镇, staff: {网格员: 12}, grids: 12}
- {date: 2021-02-01, op: 编外, division: 西乡, staff: {网格员: 5, 公益岗: 2}, grids: 5}
- {date: 2021-06-01, op: 调剂, from: 收回编制池, to: 便民服务中心, type: 事业编制, amount: 2, doc: 青编〔2021〕6号}
- {date: 2021-09-01, op: 调剂, from: 县委办, to: 东镇/党政办, type: 行政编制, amount: 1, doc: 青编〔2021〕9号}
- {date: 2021-10-01, op: 实有, body: 东镇/党政办, actual: {行政编制: 9}}
- {date: 2022-01-01, op: 核增, to: 收回编制池, type: 事业编制, amount: 3, doc: 鲁编〔2022〕1号}
- {date: 2022-03-01, op: 撤销, body: 便民服务中心, quota_to: 收回编制池, staff_to: 综合服务中心, doc: 青编〔2022〕3号}
- {date: 2022-04-01, op: 核减, from: 县公安局, type: 政法专项编制, amount: 2, doc: 鲁编〔2022〕4号}
- {date: 2022-05-01, op: 调剂, from: 收回编制池, to: 综合服务中心, type: 事业编制, amount: 4, doc: 青编〔2022〕5号}
"""

DATES = ["2021-01-01", "2021-05-31", "2021-06-01", "2021-06-02", "2021-08-31", "2021-09-01", "2021-09-02", "2021-12-31",
         "2022-01-01", "2022-02-28", "2022-03-01", "2022-04-01", "2022-05-01"]
VIEWS = ("body", "township", "county", "total")


@pytest.fixture(scope="module")
def root(tmp_path_factory):
    return write_ledger(tmp_path_factory.mktemp("balance"), LEDGER)


@pytest.fixture(scope="module")
def views(root):
    """{(as_of, by): records} for every date and view, read through the CLI as JSON."""
    return {(day, by): balance_json(root, "--by", by, "--as-of", day) for day in DATES for by in VIEWS}


def test_ledger_reads_clean(root):
    led = load(root)
    assert led.findings == [] and led.state().findings == []


def _gap_ok(r, prefix="", one_body=False):
    """核定 − 实有 = 空编 − 超编 on every row; only a single body's row cannot be both vacant and over."""
    ap, ac, va, ov = (r[prefix + k] for k in ("approved", "actual", "vacant", "over"))
    return ap - ac == va - ov and va >= 0 and ov >= 0 and (not one_body or va == 0 or ov == 0)


def test_every_record_obeys_vacant_over_arithmetic(views):
    count = 0
    for (day, by), records in views.items():
        assert records, (day, by)
        for r in records:
            assert _gap_ok(r, one_body=by in ("body", "leaders")), (day, by, r)
            if by == "township":
                assert _gap_ok(r, "dispatched_"), (day, r)
            count += 1
    assert count > 100


def test_body_records_have_the_documented_fields(views):
    for r in views[("2022-05-01", "body")]:
        assert {"division", "body", "quota_type", "approved", "actual", "vacant", "over"} <= r.keys()
    over = [(r["body"], r["over"]) for r in views[("2022-05-01", "body")] if r["over"]]
    assert over == [("东镇派出所", 1)]


def test_township_rows_are_sums_of_their_bodies(views):
    for day in DATES:
        sums = Counter()
        for r in views[(day, "body")]:
            if r["division_level"] == "乡镇":
                side = "dispatched_" if r["dispatched"] else ""
                sums[(r["division"], r["quota_type"], side + "approved")] += r["approved"]
                sums[(r["division"], r["quota_type"], side + "actual")] += r["actual"]
        rows = Counter()
        for r in views[(day, "township")]:
            for k in ("approved", "actual", "dispatched_approved", "dispatched_actual"):
                if r[k]:
                    rows[(r["division"], r["quota_type"], k)] = r[k]
        assert rows == +sums, day


def test_township_with_only_dispatched_bodies_of_a_type(views):
    row = next(r for r in views[("2022-05-01", "township")] if r["division"] == "西乡" and r["quota_type"] == "政法专项编制")
    assert (row["approved"], row["actual"], row["bodies"]) == (0, 0, 0)
    assert (row["dispatched_approved"], row["dispatched_actual"], row["dispatched_bodies"]) == (4, 4, 1)
    assert (row["off_quota_staff"], row["grids"]) == (7, 5)


def test_jurisdiction_total_is_bodies_plus_pools(root, views):
    led = load(root)
    for day in DATES:
        pools = pool_balance(led.state(_day(day))).groupby("quota_type")["amount"].sum()
        bodies = Counter()
        for r in views[(day, "body")]:
            bodies[r["quota_type"]] += r["approved"]
        for by in ("total", "county"):
            for r in views[(day, by)]:
                t = r["quota_type"]
                assert r["approved"] == bodies[t], (day, by, r)
                assert r["pools"] == int(pools.get(t, 0)), (day, by, r)
                assert r["total"] == r["approved"] + r["pools"], (day, by, r)


def _day(text):
    import datetime as dt

    return dt.date.fromisoformat(text)


def test_totals_change_only_with_approvals_increases_and_cuts(root, views):
    led = load(root)
    changing = {d.date.isoformat() for d in led.directives if d.op in ("approve", "increase", "cut")}

    def totals(day):
        return {r["quota_type"]: r["total"] for r in views[(day, "total")]}

    for before, after in zip(DATES, DATES[1:]):
        if not any(before < c <= after for c in changing):
            assert totals(before) == totals(after), (before, after)
    assert totals("2021-12-31")["事业编制"] + 3 == totals("2022-01-01")["事业编制"]
    assert totals("2022-03-01")["政法专项编制"] - 2 == totals("2022-04-01")["政法专项编制"]


def _holdings(views, day):
    held = {(r["division"], r["body"], r["quota_type"]): r["approved"] for r in views[(day, "body")]}
    held.update({("池", "total", r["quota_type"]): r["pools"] for r in views[(day, "total")]})
    return Counter({k: v for k, v in held.items() if v})


@pytest.mark.parametrize("before,after,change", [
    ("2021-05-31", "2021-06-02", {("东镇", "便民服务中心", "事业编制"): 2, ("池", "total", "事业编制"): -2}),
    ("2021-05-31", "2021-06-01", {("东镇", "便民服务中心", "事业编制"): 2, ("池", "total", "事业编制"): -2}),
    ("2021-08-31", "2021-09-02", {("东镇", "党政办", "行政编制"): 1, ("青山县", "县委办", "行政编制"): -1}),
])
def test_as_of_around_a_transfer_differs_by_exactly_that_transfer(views, before, after, change):
    diff = _holdings(views, after)
    diff.subtract(_holdings(views, before))
    assert {k: v for k, v in diff.items() if v} == change


def _width(text):
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


@pytest.mark.parametrize("by,headers", [
    ("body", ["县(市、区)", "区划", "机构", "编制类型", "核定", "实有", "空编", "超编"]),
    ("township", ["区划", "编制类型", "核定", "实有", "空编", "超编", "派驻核定", "编外人员", "网格数"]),
    ("county", ["区划", "编制类型", "核定", "编制池", "编制总量"]),
    ("total", ["编制类型", "核定", "实有", "编制池", "编制总量"]),
])
def test_table_has_chinese_headers_and_aligned_columns(root, by, headers):
    result = run_cli("balance", root, "--by", by)
    dated, *lines = result.stdout.rstrip("\n").splitlines()
    assert dated.startswith("截至 "), dated  # a table redirected to a file still says its date
    for h in headers:
        assert h in lines[0].split(), (h, lines[0])
    assert len(lines) > 2
    assert len({_width(line) for line in lines}) == 1, "\n".join(lines)
    gaps = [i for i, ch in enumerate(lines[1]) if ch == " "]  # the dashed rule marks each column
    for line in [lines[0], *lines[2:]]:
        cells = _cells(line)
        assert all(cells[g] == " " for g in gaps), (line, gaps)


def _cells(line):
    """One entry per terminal column: a wide character fills two."""
    out = []
    for ch in line:
        out += [ch, ""] if _width(ch) == 2 else [ch]
    return out


def test_bad_as_of_date_is_a_usage_error(root):
    result = run_cli("balance", root, "--as-of", "2021-02-30")
    assert result.exit_code == 2 and "日期" in result.output and "Traceback" not in result.output


def test_type_filter(root):
    records = balance_json(root, "--by", "body", "--type", "事业编制")
    assert records and {r["quota_type"] for r in records} == {"事业编制"}
    result = run_cli("balance", root, "--type", "临时编制")
    assert result.exit_code == 2 and "未知的编制类型" in result.output


def test_csv_has_chinese_headers(root):
    result = run_cli("balance", root, "--format", "csv", "--by", "township")
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {"区划", "编制类型", "核定", "实有", "空编", "超编", "派驻核定", "派驻实有"} <= set(rows[0])
    assert len(rows) == len(balance_json(root, "--by", "township"))


def test_leaders_and_sinking_views(root):
    leaders = balance_json(root, "--by", "leaders")
    assert [(r["post"], r["approved"], r["actual"]) for r in leaders] == [("正职", 1, 1), ("副职", 3, 3)]
    sinking = {r["quota_type"]: r for r in balance_json(root, "--by", "sinking")}
    # 行政编制: townships' own bodies hold 9 + 7 of a total of 9 + 9 + 7.
    assert sinking["行政编制"]["township_approved"] == 16 and sinking["行政编制"]["total"] == 25


# -- the worked example in docs/ledger-format.md -----------------------------------

EXAMPLE = REPO / "docs" / "example-ledger"


def test_docs_example_ledger_checks_clean():
    result = run_cli("check", EXAMPLE)
    assert result.exit_code == 0, result.output
    assert "0 个错误" in result.output


def test_docs_example_balance_is_as_documented():
    total = {r["quota_type"]: (r["approved"], r["actual"], r["vacant"], r["pools"], r["total"])
             for r in balance_json(EXAMPLE, "--by", "total")}
    assert total == {"行政编制": (71, 66, 5, 0, 71), "事业编制": (54, 50, 4, 7, 61)}
    before = {r["quota_type"]: r["total"] for r in balance_json(EXAMPLE, "--by", "total", "--as-of", "2021-01-01")}
    assert before == {"行政编制": 71, "事业编制": 61}
    towns = {(r["division"], r["quota_type"]): (r["approved"], r["actual"], r["dispatched_approved"], r["off_quota_staff"], r["grids"])
             for r in balance_json(EXAMPLE, "--by", "township")}
    assert towns == {
        ("东溪镇", "行政编制"): (20, 19, 3, 46, 40), ("东溪镇", "事业编制"): (22, 20, 0, 46, 40),
        ("西岭乡", "行政编制"): (16, 15, 0, 14, 14), ("西岭乡", "事业编制"): (19, 18, 0, 14, 14),
    }
    doc = (REPO / "docs" / "ledger-format.md").read_text(encoding="utf-8")
    assert "docs/example-ledger/ledger.yaml" in doc
    example = (EXAMPLE / "ledger.yaml").read_text(encoding="utf-8")
    assert example.strip() in doc, "docs/ledger-format.md must quote docs/example-ledger/ledger.yaml verbatim"


# -- the bundled demo data ------------------------------------------------------------

DEMO = REPO / "data" / "demo"


@pytest.mark.skipif(not any(DEMO.glob("*.y*ml")), reason="demo data not present")
def test_demo_data_obeys_the_invariants():
    """The same invariants on the demo city at each year end, through the records the JSON output prints."""
    import datetime as dt

    from orgmodel.commands.options import records
    from orgmodel.figures.balance import balance_view

    led = load(DEMO)
    changing = sorted(d.date for d in led.directives if d.op in ("approve", "increase", "cut"))
    days = sorted({d.date for d in led.directives if d.date.month == 12 and d.date.day == 31}
                  | {dt.date(y, 12, 31) for y in range(led.directives[0].date.year, led.last_date().year + 1)})
    last_totals, last_day = None, None
    for day in days:
        state = led.state(day)
        views = {by: records(balance_view(state, by)) for by in VIEWS}
        for by, rows in views.items():
            for r in rows:
                assert _gap_ok(r, one_body=by in ("body", "leaders")), (day, by, r)
                if by == "township":
                    assert _gap_ok(r, "dispatched_"), (day, r)
        bodies = Counter()
        for r in views["body"]:
            bodies[r["quota_type"]] += r["approved"]
        totals = {}
        for r in views["total"]:
            assert r["approved"] == bodies[r["quota_type"]] and r["total"] == r["approved"] + r["pools"]
            totals[r["quota_type"]] = r["total"]
        if last_totals is not None and not any(last_day < c <= day for c in changing):
            assert totals == last_totals, (last_day, day)
        last_totals, last_day = totals, day


def test_county_row_for_quota_held_only_in_pools(tmp_path):
    root = write_ledger(tmp_path, COUNTY + "- {date: 2021-02-01, op: 核增, to: 收回编制池, type: 工勤编制, amount: 3, doc: 鲁编〔2021〕1号}\n")
    county = [(r["division"], r["quota_type"], r["approved"], r["pools"], r["total"]) for r in balance_json(root, "--by", "county")]
    total = [(r["division"], r["quota_type"], r["approved"], r["pools"], r["total"]) for r in balance_json(root, "--by", "total")]
    assert county == total == [("青山县", "工勤编制", 0, 3, 3)]
