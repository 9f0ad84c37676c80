"""The real-name roster: ID numbers, the statutory retirement age, and ``orgmodel audit``
reconciling a roster with the ledger, with every personal detail kept out of public outputs."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import COUNTY, run_cli, write_ledger
from hypothesis import given
from hypothesis import strategies as st

from orgmodel.roster import idcard, retire

ROOT = Path(__file__).resolve().parents[1]
DOC = "doc: 青编〔2021〕1号"
LEDGER = COUNTY + f"""\
- {{date: 2021-01-01, op: approve, body: 东镇/党政办, type: 行政编制, amount: 2, {DOC}}}
- {{date: 2021-01-01, op: approve, body: 东镇/便民服务中心, type: 事业编制, amount: 5, {DOC}}}
- {{date: 2021-01-01, op: staff, body: 东镇/党政办, actual: {{行政编制: 2}}}}
- {{date: 2021-01-01, op: establish, name: 旧站, division: 西乡, category: 事业单位, class: 公益一类}}
- {{date: 2022-01-01, op: abolish, body: 旧站, {DOC}}}
"""
HEAD = "姓名,性别,身份证号,出生日期,所在单位,所在区划,编制类型,人员状态,领导职务,岗位,入编时间,入编文号,控编单号\n"


def person_id(birth: str, male: bool, seq: int = 1) -> str:
    first17 = f"370101{birth.replace('-', '')}{seq * 2 + (1 if male else 0):03d}"
    return first17 + idcard.check_digit(first17)


def roster_csv(path: Path, rows: list[str]) -> Path:
    path.write_text(HEAD + "".join(r + "\n" for r in rows), encoding="utf-8-sig")
    return path


@pytest.fixture
def ledger(tmp_path):
    return write_ledger(tmp_path / "led", LEDGER)


def test_check_digit_mask_birth_and_sex_follow_gb11643():
    assert idcard.check_digit("11010519491231002") == "X"
    assert idcard.problems("11010519491231002X") == []
    assert "校验位" in idcard.problems("110105194912310021")[0]
    assert idcard.birth_of("11010519491231002X") == dt.date(1949, 12, 31) and idcard.sex_of("11010519491231002X") == "女"
    assert idcard.mask("11010519491231002X") == "110105********002X"


@given(st.dates(dt.date(1950, 1, 1), dt.date(2005, 12, 31)), st.booleans())
def test_generated_ids_are_valid_and_carry_their_birth_and_sex(birth, male):
    number = person_id(birth.isoformat(), male)
    assert idcard.problems(number) == [] and idcard.birth_of(number) == birth
    assert idcard.sex_of(number) == ("男" if male else "女")


@pytest.mark.parametrize("sex, post, born, age", [
    # men, 60 → 63, one month every four: the first step, a middle one, the last
    ("男", "管理", "1964-12-15", "60 周岁"), ("男", "管理", "1965-01-15", "60 周岁 1 个月"),
    ("男", "管理", "1965-04-15", "60 周岁 1 个月"), ("男", "管理", "1965-05-15", "60 周岁 2 个月"),
    ("男", "管理", "1970-12-15", "61 周岁 6 个月"), ("男", "管理", "1971-01-15", "61 周岁 7 个月"),
    ("男", "管理", "1976-08-15", "62 周岁 11 个月"), ("男", "管理", "1976-09-15", "63 周岁"),
    # women cadres, 55 → 58
    ("女", "专业技术", "1969-12-15", "55 周岁"), ("女", "专业技术", "1970-01-15", "55 周岁 1 个月"),
    ("女", "管理", "1981-08-15", "57 周岁 11 个月"), ("女", "管理", "1981-09-15", "58 周岁"),
    # women workers, 50 → 55, one month every two
    ("女", "工勤技能", "1974-12-15", "50 周岁"), ("女", "工勤技能", "1975-01-15", "50 周岁 1 个月"),
    ("女", "工勤技能", "1975-03-15", "50 周岁 2 个月"), ("女", "工勤技能", "1984-10-15", "54 周岁 11 个月"),
    ("女", "工勤技能", "1984-11-15", "55 周岁"),
])
def test_statutory_retirement_age_steps_by_birth_month(sex, post, born, age):
    group = retire.group_of(sex, post, None)
    assert retire.age_text(dt.date.fromisoformat(born), group) == age


@given(st.dates(dt.date(1955, 1, 1), dt.date(1995, 12, 31)), st.dates(dt.date(1955, 1, 1), dt.date(1995, 12, 31)),
       st.sampled_from([("男", "管理"), ("女", "管理"), ("女", "工勤技能")]))
def test_a_later_birth_never_retires_younger_or_beyond_the_target(a, b, who):
    group = retire.group_of(*who, None)
    first, second = sorted((a, b))
    assert retire.delay_months(first, group) <= retire.delay_months(second, group)
    assert retire.delay_months(second, group) <= (group.target_age - group.original_age) * 12
    assert retire.retirement_date(first, group) <= retire.retirement_date(second, group)


def audit_json(ledger, roster, *more):
    result = run_cli("audit", ledger, "--roster", roster, "--format", "json", *more)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


def test_audit_finds_each_kind_of_problem_at_its_roster_cell(ledger, tmp_path):
    a, b, c = person_id("1985-03-02", True, 1), person_id("1990-07-08", False, 2), person_id("1988-01-01", True, 3)
    bad = a[:17] + ("0" if a[17] != "0" else "1")
    roster = roster_csv(tmp_path / "花名册-2022-12-31.csv", [
        f"张一,男,{a},1985-03-02,党政办,东镇,行政编制,在编,正职,管理,2010-01-01,青编〔2010〕1号,KB1",
        f"张二,女,{b},1990-07-08,党政办,东镇,行政编制,在编,,管理,2021-03-01,青编〔2021〕2号,KB2",
        f"张三,男,{c},1988-01-01,党政办,东镇,行政编制,在编,,管理,2021-06-01,青编〔2021〕3号,",  # no vacancy, no 控编单号
        f"李四,男,{bad},1985-03-02,便民服务中心,东镇,行政编制,在编,,管理,2010-01-01,青编〔2010〕4号,KB4",  # bad ID, mixed
        f"王五,男,{b},1990-07-08,旧站,西乡,事业编制,在编,,专业技术,2010-01-01,青编〔2010〕5号,KB5",  # same ID, abolished
        f"赵六,男,{person_id('1950-05-05', True, 4)},1950-05-05,县委办,,行政编制,在编,,管理,2000-01-01,青编〔2000〕6号,KB6",
    ])
    out = audit_json(ledger, roster)
    assert out["as_of"] == "2022-12-31"
    by_rule = {}
    for f in out["findings"]:
        by_rule.setdefault(f["rule"], []).append(f)
    cell = {r: [f["source"].split("!")[-1] for f in fs] for r, fs in by_rule.items()}
    over = {f["source"].split("!")[-1]: f["message"] for f in by_rule["roster-over-quota"]}
    assert "超编 1 名" in over["E4"] and set(over) == {"E4", "E5", "E7"}  # 党政办; 行政编制 where none is approved
    assert "K4" in cell["roster-entry-over-quota"]       # entered 2021-06-01 when both places were filled
    assert cell["roster-no-basis"] == ["M4"] and "控编单号" in by_rule["roster-no-basis"][0]["message"]  # the blank cell
    assert cell["roster-bad-id"] == ["C5"] and "校验位" in by_rule["roster-bad-id"][0]["message"]
    assert cell["roster-mixed-type"] == ["G5"]
    assert cell["roster-duplicate-id"] == ["C6"]
    assert "已于 2022-01-01 撤销" in by_rule["roster-abolished-body"][0]["message"]
    assert "法定退休年龄为 60 周岁" in by_rule["roster-past-retirement"][0]["message"]
    assert "roster-ledger-mismatch" in by_rule                     # 党政办: ledger 2, roster 3
    everything = json.dumps(out, ensure_ascii=False)
    assert a not in everything and b not in everything and idcard.mask(a) in everything


def test_movements_between_snapshots_are_matched_to_the_ledger(ledger, tmp_path):
    folder = tmp_path / "花名册"
    folder.mkdir()
    a, b = person_id("1985-03-02", True, 1), person_id("1990-07-08", False, 2)
    roster_csv(folder / "2021-12-31.csv", [f"张一,男,{a},1985-03-02,党政办,东镇,行政编制,在编,,管理,2010-01-01,文1,KB1",
                                           f"张二,女,{b},1990-07-08,党政办,东镇,行政编制,在编,,管理,2010-01-01,文2,KB2"])
    roster_csv(folder / "2022-12-31.csv", [f"张一,男,{a},1985-03-02,党政办,东镇,行政编制,在编,,管理,2010-01-01,文1,KB1"])
    out = audit_json(ledger, folder)
    moved = [f for f in out["findings"] if f["rule"] == "roster-unrecorded-movement"]
    assert len(moved) == 1 and "离开" in moved[0]["message"] and moved[0]["source"].endswith("2021-12-31.csv!E3")


def test_the_balance_takes_its_actual_from_the_roster_with_the_ledger_beside(ledger, tmp_path):
    a = person_id("1985-03-02", True, 1)
    roster = roster_csv(tmp_path / "2022-12-31.csv", [f"张一,男,{a},1985-03-02,党政办,东镇,行政编制,在编,,管理,2010-01-01,文1,KB1"])
    result = run_cli("balance", ledger, "--roster", roster, "--by", "body", "--format", "json")
    row = next(r for r in json.loads(result.stdout) if r["body"] == "党政办" and r["division"] == "东镇"
               and r["quota_type"] == "行政编制")
    assert (row["actual"], row["ledger_actual"], row["difference"], row["vacant"]) == (1, 2, -1, 1)


def test_public_outputs_carry_no_name_and_no_id_number(tmp_path):
    demo, roster = ROOT / "data" / "demo", ROOT / "data" / "roster"
    from orgmodel.roster.read import read_roster

    people = read_roster(roster).latest.people
    names = {p.get("name") for p in people}
    numbers = {p.get("id_number") for p in people}
    out = audit_json(demo, roster, "--public", "--forecast", "3")
    texts = [json.dumps(out, ensure_ascii=False)]
    assert run_cli("export", demo, tmp_path / "pub", "--roster", roster, "--public").exit_code == 0
    assert run_cli("report", "balance", demo, "--roster", roster, "--public", "--out", tmp_path / "site").exit_code == 0
    for path in [*(tmp_path / "pub").rglob("*"), *(tmp_path / "site").rglob("*")]:
        if path.is_file():
            texts.append(path.read_text(encoding="utf-8-sig", errors="replace"))
    blob = "\n".join(texts)
    assert not [n for n in names if len(n) >= 2 and n in blob][:1]
    assert not [n for n in numbers if n and (n in blob or n[-8:] in blob)][:1]


def test_the_audit_page_marks_personal_data_internal_and_forecasts(tmp_path):
    demo, roster = ROOT / "data" / "demo", ROOT / "data" / "roster"
    result = run_cli("report", "audit", demo, "--roster", roster, "--out", tmp_path / "audit")
    assert result.exit_code in (0, 1), result.output
    page = (tmp_path / "audit" / "index.html").read_text(encoding="utf-8")
    assert "实名制花名册核对" in page and page.count("内部资料") >= 3 and "年末空编" in page
    assert "台账实有与花名册不一致的机构" in page


def test_a_blank_template_roster_is_refused_in_chinese(ledger, tmp_path):
    book = tmp_path / "花名册.xlsx"
    assert run_cli("template", book, "--roster").exit_code == 0
    result = run_cli("audit", ledger, "--roster", book, "--as-of", "2022-12-31")
    assert result.exit_code == 2 and "没有人员记录" in result.output


def test_an_id_number_saved_as_a_number_is_refused_at_its_cell(ledger, tmp_path):
    roster = roster_csv(tmp_path / "2022-12-31.csv", ["张一,男,3.70101198503E+17,1985-03-02,党政办,东镇,行政编制,在编,,管理,"
                                                   "2010-01-01,文1,KB1"])
    result = run_cli("audit", ledger, "--roster", roster, "--format", "json")
    assert "科学计数法" in result.output and "2022-12-31.csv!C2" in result.output


def test_a_blank_required_cell_is_named_by_its_own_column(ledger, tmp_path):
    roster = roster_csv(tmp_path / "2022-12-31.csv", [
        f"张一,男,{person_id('1985-03-02', True)},1985-03-02,党政办,东镇,,在编,,管理,2010-01-01,文1,KB1"])
    out = audit_json(ledger, roster)
    unknown = [f for f in out["findings"] if f["rule"] == "roster-unknown-type"]
    assert [f["source"].split("/")[-1] for f in unknown] == ["2022-12-31.csv!G2"]  # 编制类型 left blank


def _write_csvs(folder: Path, snapshots) -> Path:
    from orgmodel.roster import synthetic

    folder.mkdir()
    for day, rows in snapshots:
        lines = [",".join(synthetic.HEADERS)] + [",".join("" if v is None else str(v) for v in r)
                                                  for r in synthetic.table_rows(rows)]
        (folder / f"{day}.csv").write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    return folder


def test_the_demo_roster_holds_exactly_the_planted_problems(tmp_path):
    from collections import Counter

    from orgmodel.ledger import load
    from orgmodel.roster import synthetic
    from orgmodel.roster.read import read_roster

    demo, roster = ROOT / "data" / "demo", ROOT / "data" / "roster"
    led = load(demo)
    days = [dt.date(2024, 12, 31), dt.date(2025, 12, 31)]
    planted = synthetic.rosters(led, days)
    manifest = synthetic.plant(planted, led)
    assert {"roster-duplicate-id", "roster-bad-id", "roster-abolished-body", "roster-former-name", "roster-mixed-type",
            "roster-past-retirement", "roster-entry-over-quota", "roster-unrecorded-movement"} <= {m.rule for m in manifest}

    # A clean roster only repeats what the ledger itself says: bodies over their quota or
    # leader posts, and counts the ledger changed with no hire or departure (staff directives).
    clean = audit_json(demo, _write_csvs(tmp_path / "clean", synthetic.rosters(led, days)))["findings"]
    before, after = led.state(days[0]), led.state(days[1])
    over = {after.reference(b) for b in after.active_bodies()
            if any(n > b.approved.get(t, 0) for t, n in b.actual.items())
            or any(n > b.posts.get(k, 0) for k, n in b.leaders.items())}
    changed = {after.reference(b) for b in after.active_bodies() if b.id in before.bodies
               and b.actual != before.bodies[b.id].actual} | {after.reference(b) for b in after.active_bodies()
                                                               if b.id not in before.bodies}
    for f in clean:
        allowed = changed if f["rule"] == "roster-unrecorded-movement" else over
        assert f["rule"] in ("roster-over-quota", "roster-over-posts", "roster-entry-over-quota",
                             "roster-unrecorded-movement") and f["body"] in allowed, f

    # The bundled demo roster: the clean findings and exactly the planted ones, nothing else.
    found = audit_json(demo, roster)["findings"]

    def key(f):
        return f["rule"], f["body"]

    assert Counter(map(key, found)) - Counter(map(key, clean)) == Counter((m.rule, m.body) for m in manifest)
    assert not Counter(map(key, clean)) - Counter(map(key, found))
    row_of = {p.get("id_number"): p.row for p in read_roster(roster).latest.people}
    row_of.update({p.get("id_number"): p.row for p in read_roster(roster).snapshots[0].people if p.get("id_number") not in row_of})
    for m in manifest:
        if m.id_number is not None:
            rows = [int("".join(ch for ch in f["source"].split("!")[-1] if ch.isdigit())) for f in found
                    if f["rule"] == m.rule and f["body"] == m.body]
            assert row_of[m.id_number] in rows, m


def test_a_row_typed_twice_is_flagged_and_counted_once(ledger, tmp_path):
    a, b = person_id("1985-03-02", True, 1), person_id("1990-07-08", False, 2)
    row = f"张一,男,{a},1985-03-02,党政办,东镇,行政编制,在编,,管理,2010-01-01,青编〔2010〕1号,KB1"
    roster = roster_csv(tmp_path / "2022-12-31.csv", [
        row, f"张二,女,{b},1990-07-08,党政办,东镇,行政编制,在编,,管理,2010-03-01,青编〔2010〕2号,KB2", row])
    out = audit_json(ledger, roster)
    rules = [f["rule"] for f in out["findings"]]
    assert rules.count("roster-repeated-row") == 1 and "roster-duplicate-id" not in rules
    repeated = next(f for f in out["findings"] if f["rule"] == "roster-repeated-row")
    assert repeated["source"].endswith("!C4") and "请删除重复的行" in repeated["message"]
    # two people in post for two approved places (and two recorded): not over quota, no mismatch
    assert "roster-over-quota" not in rules and "roster-ledger-mismatch" not in rules


def test_a_roster_of_one_township_compares_only_its_bodies(ledger, tmp_path):
    roster = roster_csv(tmp_path / "2022-12-31.csv", [
        f"张一,男,{person_id('1985-03-02', True)},1985-03-02,党政办,东镇,行政编制,在编,,管理,2021-01-01,文1,KB1"])
    result = run_cli("audit", ledger, "--roster", roster)
    mismatched = [line for line in result.output.splitlines() if "[台账与实名制不一致]" in line]
    assert any("东镇/党政办" in line for line in mismatched)  # its one body staffed in the ledger: roster 1, ledger 2
    assert not [line for line in mismatched if "县委办" in line or "西乡" in line]  # not on this roster
    assert "未核对这些区划各机构的人数" in result.output


def test_a_roster_of_some_bodies_is_audited_and_forecast_for_those_bodies_only(ledger, tmp_path):
    """Issue 27: a roster of one body of a township said “花名册在编 0 人” of every other body there,
    and counted their whole quota as vacancies in the forecast."""
    roster = roster_csv(tmp_path / "2022-12-31.csv", [
        f"张一,男,{person_id('1985-03-02', True)},1985-03-02,便民服务中心,东镇,事业编制,在编,,管理,2021-01-01,文1,KB1"])
    result = run_cli("audit", ledger, "--roster", roster, "--forecast", "3", "--by", "body")
    mismatched = [line for line in result.output.splitlines() if "[台账与实名制不一致]" in line]
    assert mismatched and not [line for line in mismatched if "党政办" in line]  # 东镇/党政办 (ledger 2) is not on it
    assert "花名册只有部分机构的人员,只核对了这些机构的人数:便民服务中心" in result.output
    assert "同区划的其他 1 个机构花名册中没有人员,未核对,也不列入空编预测" in result.output
    table = result.stdout.split("空编预测", 1)[1]
    assert "便民服务中心" in table and "党政办" not in table


MORE = LEDGER + f"""\
- {{date: 2021-01-01, op: leader_posts, body: 县委办, posts: {{正职: 1}}, {DOC}}}
- {{date: 2021-01-01, op: establish, name: 安委会, division: 青山县, category: 议事协调机构}}
- {{date: 2021-01-01, op: signboard_add, body: 县委办, name: 县保密办}}
- {{date: 2021-06-01, op: rename, body: 西乡/党政办, to: 党建办, {DOC}}}
- {{date: 2022-06-01, op: establish, name: 新中心, division: 东镇, category: 事业单位, class: 公益一类}}
"""


def test_the_other_kinds_of_problem_are_found_at_their_cells(tmp_path):
    ledger = write_ledger(tmp_path / "led", MORE)
    ids = [person_id(f"1980-0{m}-0{m}", m % 2 == 1, m) for m in range(1, 10)]
    twin_a, twin_b = person_id("1983-03-03", True, 7), person_id("1983-03-03", True, 8)
    roster = roster_csv(tmp_path / "2022-12-31.csv", [
        f"王一,男,{ids[0]},1980-01-01,县委办,,行政编制,在编,正职,管理,2021-01-01,文1,KB1",
        f"王二,女,{ids[1]},1980-02-02,县委办,,行政编制,在编,正职,管理,2021-01-01,文2,KB2",        # a second 正职 (row 3)
        f"王三,男,{ids[2]},1980-03-04,县保密办,,行政编制,在编,,管理,2021-01-01,文3,KB3",         # birth ≠ ID; signboard
        f"王四,男,{ids[3]},1980-04-04,党政办,西乡,行政编制,在编,,管理,2021-01-01,文4,KB4",       # sex ≠ ID; former name
        f"王五,男,{ids[4]},1980-05-05,安委会,,行政编制,在编,,管理,2021-01-01,文5,KB5",           # 议事协调机构
        f"王六,女,{ids[5]},1980-06-06,不存在的局,,行政编制,在编,,管理,2021-01-01,文6,KB6",       # no such body
        f"王七,男,{ids[6]},1980-07-07,新中心,东镇,事业编制,在编,,管理,2021-03-01,文7,KB7",       # before it was set up
        f"王八,女,{ids[7]},1980-08-08,便民服务中心,东镇,事业编制,在编,,管理,2023-05-01,文8,KB8",  # after the roster's date
        f"李同,男,{twin_a},1983-03-03,便民服务中心,东镇,事业编制,在编,,管理,2021-01-01,文9,KB9",
        f"李同,男,{twin_b},1983-03-03,县委办,,行政编制,在编,,管理,2021-01-01,文10,KB10",         # same name and birth
    ])
    out = audit_json(ledger, roster)
    cells: dict[str, list[str]] = {}
    for f in out["findings"]:
        cells.setdefault(f["rule"], []).append(f["source"].rsplit("!", 1)[-1])
    assert cells["roster-over-posts"] == ["I3"]          # the holder beyond the approved 正职
    assert cells["roster-id-birth"] == ["D4"] and cells["roster-signboard"] == ["E4"]
    assert cells["roster-id-sex"] == ["B5"] and cells["roster-former-name"] == ["E5"]
    assert cells["roster-coordination"] == ["E6"]
    assert cells["roster-unknown-body"] == ["E7"]
    roster = roster_csv(tmp_path / "2022-12-31.csv", [
        f"王一,男,{ids[0]},1980-01-01,东镇便民服务中心,,事业编制,在编,,管理,2021-01-01,文1,KB1"])
    unknown = [f for f in audit_json(ledger, roster)["findings"] if f["rule"] == "roster-unknown-body"]
    assert "是否是“东镇/便民服务中心”" in unknown[0]["message"]  # the township written in front, without a /
    assert cells["roster-entry-before-body"] == ["K8"]
    assert cells["roster-entry-date"] == ["K9"]
    assert cells["roster-possible-duplicate"] == ["A11"]


def test_the_config_sets_a_roster_rules_severity_or_turns_it_off(ledger, tmp_path):
    """Roster rules are rules like the others: ``rules:`` in the config re-grades one or
    turns it off in ``orgmodel audit``, and an unknown id is still refused."""
    roster = roster_csv(tmp_path / "2022-12-31.csv", [
        f"张一,男,{person_id('1985-03-02', True)},1985-03-02,党政办,东镇,行政编制,在编,,管理,2021-01-01,文1,",  # no 控编单号
        f"张二,女,{person_id('1990-07-08', False, 2)},1990-07-08,党政办,东镇,行政编制,在编,,管理,2021-01-01,文2,KB2"])

    def audited(config: str | None):
        more = []
        if config is not None:
            path = tmp_path / "province.yaml"
            path.write_text(config, encoding="utf-8")
            more = ["--config", path]
        result = run_cli("audit", ledger, "--roster", roster, *more)
        return result, [line for line in result.output.splitlines() if "[入编依据不全]" in line]

    result, lines = audited(None)
    assert result.exit_code == 0 and len(lines) == 1 and "警告:" in lines[0]  # a warning by default
    result, lines = audited("rules:\n  roster-no-basis: {severity: info}\n")
    assert result.exit_code == 0 and len(lines) == 1 and "提示:" in lines[0] and "警告" not in lines[0]
    result, lines = audited("rules:\n  roster-no-basis: {severity: error}\n")
    assert result.exit_code == 1 and len(lines) == 1 and "警告" not in lines[0]
    result, lines = audited("rules:\n  roster-no-basis: {enabled: false}\n")
    assert result.exit_code == 0 and lines == [] and "未发现问题" in result.output
    result, _ = audited("rules:\n  roster-no-such-check: {severity: info}\n")
    assert result.exit_code == 2 and "未知的规则“roster-no-such-check”" in result.output


def test_the_roster_titles_come_from_the_rule_registry():
    from orgmodel.core.titles import title_of
    from orgmodel.rules import ROSTER, RULES, rules_of

    roster_rules = rules_of(ROSTER)
    assert len(roster_rules) == 24 and all(r.fn is None and r.id.startswith("roster-") for r in roster_rules)
    assert all(title_of(r.id) == r.title for r in roster_rules)
    assert title_of("bad-date") == "日期有误" and "bad-date" not in RULES  # reading problems are not rules


def test_balance_with_a_roster_replays_the_ledger_once(monkeypatch):
    """The roster is audited on the very state the balance is taken from: one State, one
    replay (there were three: the balance's, the audit's and a second replay for the roster)."""
    from orgmodel.state import State
    from orgmodel.state.core import StateCore

    made = []
    build = StateCore.__init__

    def counted(self, *args, **kwargs):
        if isinstance(self, State):
            made.append(type(self))
        build(self, *args, **kwargs)

    monkeypatch.setattr(StateCore, "__init__", counted)
    result = run_cli("balance", ROOT / "data" / "demo", "--roster", ROOT / "data" / "roster")
    assert result.exit_code in (0, 1), result.output
    assert "台账实有" in result.stdout  # the roster's count as 实有, the ledger's beside it
    assert made == [State]
