"""Cross-level moves into and out of townships over a period, with their share of the townships'
quota (``balance --by cross_level``): "跨层级调剂事业编制103名,下沉比例占乡镇街道事业编制总数的27%"."""

from __future__ import annotations

import json

from conftest import run_cli, write_ledger

DOC = "doc: 青编〔2021〕1号"
LEDGER = f"""\
- {{date: 2021-01-01, op: open_division, code: C1, name: 青山县, level: 县}}
- {{date: 2021-01-01, op: open_division, code: T1, name: 东镇, level: 乡镇, kind: 镇, parent: C1}}
- {{date: 2021-01-01, op: open_division, code: V1, name: 东村, level: 村, parent: T1}}
- {{date: 2021-01-01, op: open_pool, name: 收回编制池, kind: 收回, division: 青山县}}
- {{date: 2021-01-01, op: establish, name: 县农业中心, division: 青山县, category: 事业单位}}
- {{date: 2021-01-01, op: establish, name: 便民服务中心, division: 东镇, category: 事业单位}}
- {{date: 2021-01-01, op: establish, name: 村服务站, division: 东村, category: 事业单位}}
- {{date: 2021-01-02, op: approve, body: 收回编制池, type: 事业编制, amount: 20, {DOC}}}
- {{date: 2021-01-02, op: approve, body: 县农业中心, type: 事业编制, amount: 10, {DOC}}}
- {{date: 2021-01-02, op: approve, body: 便民服务中心, type: 事业编制, amount: 10, {DOC}}}
- {{date: 2022-03-01, op: transfer, from: 收回编制池, to: 便民服务中心, type: 事业编制, amount: 6, {DOC}}}
- {{date: 2023-03-01, op: transfer, from: 县农业中心, to: 村服务站, type: 事业编制, amount: 4, {DOC}}}
- {{date: 2023-05-01, op: transfer, from: 便民服务中心, to: 收回编制池, type: 事业编制, amount: 1, {DOC}}}
- {{date: 2023-06-01, op: transfer, from: 便民服务中心, to: 村服务站, type: 事业编制, amount: 2, {DOC}}}
"""


def rows(root, *args):
    result = run_cli("balance", root, "--by", "cross_level", "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return {(r["quota_type"], r["direction"]): r for r in json.loads(result.stdout)}


def test_moves_into_and_out_of_townships_add_up_with_their_share(tmp_path):
    root = write_ledger(tmp_path / "县", LEDGER)
    out = rows(root)
    down, up = out[("事业编制", "下沉")], out[("事业编制", "上收")]
    # 6 to the town, 4 to a village of it; 1 back up; the move inside the town is no cross-level move
    assert (down["transfers"], down["amount"], up["transfers"], up["amount"]) == (2, 10, 1, 1)
    assert down["township_total"] == 13 + 6  # 便民服务中心 and 村服务站: the town's and its village's bodies
    assert down["share"] == round(10 / 19, 4) and down["since"] == "" and down["as_of"] == "2023-06-01"


def test_since_starts_the_period_and_as_of_ends_it(tmp_path):
    root = write_ledger(tmp_path / "县", LEDGER)
    later = rows(root, "--since", "2023-01-01")
    assert later[("事业编制", "下沉")]["amount"] == 4 and later[("事业编制", "下沉")]["since"] == "2023-01-01"
    early = rows(root, "--as-of", "2022-12-31")
    assert list(early) == [("事业编制", "下沉")] and early[("事业编制", "下沉")]["amount"] == 6
    text = run_cli("balance", root, "--by", "跨层级", "--since", "2022-01-01").stdout
    assert "下沉" in text and "52.63%" in text and "占比" in text
    wrong = run_cli("balance", root, "--by", "township", "--since", "2022-01-01")
    assert wrong.exit_code == 2 and "--since 只用于" in wrong.output
