"""County pages of the balance report: one per county (and per city with bodies of its own),
each listing only its own bodies; every body is on exactly one page and links point there."""

from __future__ import annotations

import json
import re

import pytest
from conftest import balance_json, run_cli, search_entries, write_ledger

# A city with a body of its own and two counties, each with a county body and a township;
# 北县's 县公安局 is over quota (an audit finding), 南乡 has a village committee.
LEDGER = """\
- {date: 2020-01-01, op: open_division, code: "3701", name: 青州市, level: 市}
- {date: 2020-01-01, op: open_division, code: "370101", name: 北县, level: 县, parent: 青州市}
- {date: 2020-01-01, op: open_division, code: "370102", name: 南县, level: 县, parent: 青州市}
- {date: 2020-01-01, op: open_division, code: "370101001", name: 北镇, level: 乡镇, kind: 镇, parent: 北县}
- {date: 2020-01-01, op: open_division, code: "370102001", name: 南乡, level: 乡镇, kind: 乡, parent: 南县}
- {date: 2020-01-01, op: open_division, code: "370102001201", name: 南村, level: 村, parent: 南乡}
- {date: 2020-01-02, op: establish, name: 市编办, division: 青州市, category: 党政机关}
- {date: 2020-01-02, op: approve, body: 市编办, type: 行政编制, amount: 6, doc: 青编〔2020〕1号}
- {date: 2020-01-02, op: establish, name: 北县县委办, division: 北县, category: 党政机关, signboards: [北县档案局]}
- {date: 2020-01-02, op: approve, body: 北县县委办, type: 行政编制, amount: 8, doc: 青编〔2020〕2号}
- {date: 2020-01-02, op: establish, name: 县公安局, division: 北县, category: 党政机关}
- {date: 2020-01-02, op: approve, body: 北县/县公安局, type: 政法专项编制, amount: 20, doc: 青编〔2020〕2号}
- {date: 2020-01-02, op: establish, name: 县公安局, division: 南县, category: 党政机关}
- {date: 2020-01-02, op: approve, body: 南县/县公安局, type: 政法专项编制, amount: 15, doc: 青编〔2020〕3号}
- {date: 2020-01-02, op: establish, name: 南县便民中心, division: 南县, category: 事业单位, class: 公益一类}
- {date: 2020-01-02, op: approve, body: 南县便民中心, type: 事业编制, amount: 5, doc: 青编〔2020〕3号}
- {date: 2020-01-03, op: establish, name: 党政办, division: 北镇, category: 党政机关}
- {date: 2020-01-03, op: approve, body: 北镇/党政办, type: 行政编制, amount: 7, doc: 青编〔2020〕4号}
- {date: 2020-01-03, op: establish, name: 党政办, division: 南乡, category: 党政机关}
- {date: 2020-01-03, op: approve, body: 南乡/党政办, type: 行政编制, amount: 6, doc: 青编〔2020〕5号}
- {date: 2020-01-03, op: establish, name: 南村村委, division: 南村, category: 事业单位}
- {date: 2020-01-03, op: approve, body: 南村村委, type: 事业编制, amount: 1, doc: 青编〔2020〕5号}
- {date: 2021-03-01, op: staff, body: 北县/县公安局, actual: {政法专项编制: 23}}
"""

NORTH, SOUTH, CITY = "county-370101.html", "county-370102.html", "county-3701.html"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    root = tmp_path_factory.mktemp("counties")
    ledger = write_ledger(root / "ledger", LEDGER)
    res = run_cli("report", "balance", ledger, "--out", root / "out")
    assert res.exit_code == 0, res.output
    pages = {p.name: p.read_text(encoding="utf-8") for p in (root / "out").glob("*.html")}
    return ledger, root / "out", pages


def anchors(text: str) -> set[int]:
    return {int(i) for i in re.findall(r'<tr id="b(\d+)"', text)}


def test_two_counties_give_two_county_pages_each_with_only_its_own_bodies(site):
    _, _, pages = site
    assert sorted(pages) == [CITY, NORTH, SOUTH, "index.html", "town-370101001.html", "town-370102001.html"]
    north, south = pages[NORTH], pages[SOUTH]
    assert "北县县委办" in north and "一个机构 2 块牌子" in north and "南县便民中心" not in north
    assert "南县便民中心" in south and "北县县委办" not in south and "市编办" not in south
    assert "市编办" in pages[CITY] and "北县县委办" not in pages[CITY]
    # each county page's totals are its own county's row only, and its menu lists its own townships
    assert 'data-fig="county|370101|' in north and 'data-fig="county|370102|' not in north
    assert ">北镇</option>" in north and ">南乡</option>" not in north


def test_every_body_of_the_balance_json_is_on_exactly_one_page(site):
    ledger, _, pages = site
    bodies = {r["body_id"]: r["division"] for r in balance_json(ledger, "--by", "body")}
    on = {name: anchors(text) for name, text in pages.items()}
    for body_id, division in bodies.items():
        holding = [name for name, ids in on.items() if body_id in ids]
        assert len(holding) == 1, (body_id, division, holding)
    assert len(bodies) == 8
    village = next(i for i, d in bodies.items() if d == "南村")
    assert village in on["town-370102001.html"]  # a village's body is on its township's page


def test_index_township_and_search_links_point_at_the_county_pages(site):
    _, out, pages = site
    index = pages["index.html"]
    assert all(f'href="{p}"' in index for p in (NORTH, SOUTH, CITY))
    assert f'href="{NORTH}"' in pages["town-370101001.html"] and f'href="{SOUTH}"' in pages["town-370102001.html"]
    config = json.loads(re.search(r'id="search-index">(.*?)</script>', index, re.S).group(1))
    assert config["files"] and all((out / f).is_file() for f in config["files"])
    data = search_entries(out)
    hit = next(e for e in data if "北县档案局" in e["s"])
    page, anchor = hit["h"].split("#")
    assert page == NORTH and f'id="{anchor}"' in pages[NORTH]
    assert all((out / e["h"].split("#")[0]).is_file() for e in data)


def test_audit_finding_on_a_county_body_links_to_its_county_page(site, tmp_path):
    ledger, _, _ = site
    res = run_cli("report", "audit", ledger, "--out", tmp_path)
    assert res.exit_code in (0, 1), res.output
    text = (tmp_path / "index.html").read_text(encoding="utf-8")
    row = next(r for r in re.findall(r'<tr class="finding".*?</tr>', text, re.S) if "县公安局" in r)
    assert f'href="balance/{NORTH}"' in row and (tmp_path / "balance" / NORTH).is_file()
