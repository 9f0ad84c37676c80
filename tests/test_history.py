"""``orgmodel history``: a body's history (沿革), every directive that touched it, oldest
first, with its date, 文号, what changed and where it was recorded, from YAML files, a
workbook or a database, with plans laid over the ledger."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from conftest import YEARS, run_cli, write_ledger

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "data" / "demo"
PLAN = ROOT / "data" / "scenarios" / "qilan-2026" / "scenario.yaml"


def history_json(ledger, body, *more) -> dict:
    result = run_cli("history", ledger, body, "--format", "json", *more)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def ops(out: dict) -> list[str]:
    return [e["op"] for e in out["entries"]]


def test_a_township_body_from_its_setting_up_to_its_last_quota_change():
    out = history_json(DEMO, "青石镇/党政办公室")
    assert out["body"] == "青石镇/党政办公室" and out["as_of"] == "2025-12-31" and out["note"] is None
    entries = out["entries"]
    assert [e["date"] for e in entries] == sorted(e["date"] for e in entries)  # oldest first
    first = entries[0]
    assert (first["op"], first["date"], first["source"]) == ("设立", "2020-01-01", f"{DEMO / '02-townships.yaml'}:217")
    approved = next(e for e in entries if e["op"] == "核定")
    assert approved["doc"] == "栖编〔2019〕105号" and "行政编制 +9" in approved["changes"]
    moved = next(e for e in entries if e["op"] == "调剂")
    assert (moved["date"], moved["doc"], moved["source"]) == ("2025-04-01", "栖编〔2025〕5号", f"{DEMO / '15-2025.yaml'}:7")
    assert "行政编制 −1" in moved["changes"] and "青石镇/平安建设办公室" in moved["changes"]
    assert set(entries[0]) == {"date", "doc", "op", "name", "changes", "source"}


def test_the_text_is_a_heading_and_a_table_with_chinese_headers():
    result = run_cli("history", DEMO, "青石镇/党政办公室", "--as-of", "2024-12-31")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "“青石镇/党政办公室”沿革(截至 2024-12-31,共 5 条指令)"
    assert lines[1].split() == ["日期", "文号", "指令", "当时名称", "变动", "来源"]
    assert lines[2].startswith("----------")
    assert "设立青石镇“党政办公室”" in lines[3] and "2025-04-01" not in result.stdout  # nothing after the day


def test_csv_has_a_bom_and_chinese_headers():
    result = run_cli("history", DEMO, "青石镇/党政办公室", "--format", "csv")
    assert result.exit_code == 0
    assert result.stdout.startswith("\ufeff日期,文号,指令,当时名称,变动,来源\n")
    assert "2025-04-01,栖编〔2025〕5号,调剂,党政办公室," in result.stdout


def test_a_renamed_body_is_found_by_its_former_name_with_all_its_history():
    out = history_json(DEMO, "澜湖街道/综合治理中心")
    assert out["body"] == "澜湖街道/社会治理综合服务中心" and "曾用名" in out["note"]
    assert [e["name"] for e in out["entries"]][0] == "综合治理中心"  # the name it had on that day
    renamed = next(e for e in out["entries"] if e["op"] == "更名")
    assert renamed["doc"] == "栖编〔2022〕2号" and renamed["name"] == "社会治理综合服务中心"
    text = run_cli("history", DEMO, "澜湖街道/综合治理中心").stdout
    assert "注意:“综合治理中心”是澜湖街道“社会治理综合服务中心”的曾用名" in text and "曾用名:综合治理中心" in text


def test_a_plan_adds_its_directives_and_the_merged_bodies_history_ends_with_the_merge():
    missing = run_cli("history", DEMO, "市企业服务中心")
    assert missing.exit_code == 1 and "错误:找不到机构或牌子“市企业服务中心”" in missing.output  # only the plan sets it up

    made = history_json(DEMO, "市企业服务中心", "--scenario", PLAN)
    assert made["as_of"] == "2026-12-31"
    assert all(e["source"].startswith(f"{PLAN}:") for e in made["entries"])
    merged = made["entries"][0]
    assert (merged["op"], merged["date"], merged["doc"]) == ("合并", "2026-03-01", "栖编〔2026〕4号")
    assert "新设“市企业服务中心”" in merged["changes"]
    assert {"调剂", "职数核定", "进人"} <= set(ops(made))

    for old in ("市中小企业服务中心", "市工业经济运行监测中心"):
        before = history_json(DEMO, old)
        after = history_json(DEMO, old, "--scenario", PLAN)
        assert before["active"] and not after["active"]
        assert after["entries"][:-1] == before["entries"]  # the ledger's part, then the merge, then nothing
        last = after["entries"][-1]
        assert (last["op"], last["date"], last["doc"]) == ("合并", "2026-03-01", "栖编〔2026〕4号")
        assert "→“市企业服务中心”" in last["changes"] and last["source"].startswith(f"{PLAN}:")
        assert "已于 2026-03-01 撤销" in run_cli("history", DEMO, old, "--scenario", PLAN).stdout


def test_from_a_workbook_each_entry_names_its_cell():
    out = history_json(DEMO / "栖澜市台账.xlsx", "青石镇/党政办公室")
    assert ops(out)[0] == "设立" and "核定" in ops(out)
    assert all("栖澜市台账.xlsx!" in e["source"] for e in out["entries"])
    assert out["entries"][0]["source"].endswith("栖澜市台账.xlsx!机构!B243")


@pytest.fixture
def folder_and_store(tmp_path):
    folder = write_ledger(tmp_path / "led", YEARS)
    db = tmp_path / "台账.db"
    assert run_cli("init", db).exit_code == 0 and run_cli("import", db, folder, "--by", "张三").exit_code == 0
    return folder, db


def test_from_a_store_each_entry_names_its_record_and_reads_as_from_the_files(folder_and_store):
    folder, db = folder_and_store
    from_files, from_store = (history_json(where, "东镇/党政办") for where in (folder, db))
    assert ops(from_files) == ["设立", "核定", "实有", "调剂"]
    assert [{**e, "source": None} for e in from_store["entries"]] == [{**e, "source": None} for e in from_files["entries"]]
    for mine, theirs in zip(from_store["entries"], from_files["entries"]):
        assert mine["source"].startswith(theirs["source"] + "(记录 ")
    renamed = history_json(db, "西乡/党政办")  # a former name, found in the store too
    assert renamed["body"] == "党建工作办公室" and ops(renamed)[-1] == "更名"


def test_an_unknown_body_is_told_in_chinese_with_exit_code_1(folder_and_store):
    folder, _ = folder_and_store
    result = run_cli("history", folder, "无此机构")
    assert result.exit_code == 1 and result.stdout == ""
    assert "错误:找不到机构或牌子“无此机构”" in result.output
    as_json = run_cli("history", folder, "无此机构", "--format", "json")
    assert as_json.exit_code == 1 and json.loads(as_json.stdout)["exit_code"] == 1
