"""The workbench's org chart page: any division on any day, its printable pages, its SVG."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from orgmodel.answers.book import Book
from orgmodel.web import create_app

DEMO = Path(__file__).resolve().parents[1] / "data" / "demo"


@pytest.fixture(scope="module")
def client():
    return create_app(Book(DEMO)).test_client()


def text(r) -> str:
    return r.get_data(as_text=True)


def test_the_chart_page_draws_the_county_and_each_box_opens_its_body(client):
    r = client.get("/at/latest/chart.html")
    page = text(r)
    assert r.status_code == 200 and "栖澜市 机构图" in page and "截至 2025-12-31" in page
    bodies = re.findall(r'<a href="(body-\d+\.html)">', page)
    assert len(bodies) == 195
    assert client.get(f"/at/latest/{bodies[0]}").status_code == 200
    assert 'href="chart.html" class="current"' in page  # the toolbar's link


def test_a_township_on_an_earlier_day(client):
    page = text(client.get("/at/2021-06-30/chart.html?division=青石镇"))
    assert "青石镇 机构图" in page and "截至 2021-06-30" in page
    assert 'value="329001101" selected' in page


def test_an_unknown_division_is_a_404_in_chinese_and_escaped(client):
    r = client.get("/at/latest/chart.html?division=<script>x</script>")
    assert r.status_code == 404 and "找不到区划" in text(r) and "<script>x" not in text(r)


def test_printable_pages_and_the_svg_download(client):
    r = client.get("/at/latest/chart-print.html?division=329001&paper=A4")
    assert r.status_code == 200 and "size: A4 landscape" in text(r) and "填报单位" in text(r)
    assert client.get("/at/latest/chart-print.html?paper=B5").status_code == 400
    r = client.get("/at/latest/chart.svg?division=青石镇")
    assert r.status_code == 200 and r.mimetype == "image/svg+xml" and "attachment" in r.headers["Content-Disposition"]
    root = ET.fromstring(r.get_data(as_text=True).split("?>", 1)[1])
    assert len([g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("data-key")]) == 16
