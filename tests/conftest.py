"""Shared test helpers: write small inline ledgers and run the CLI on them.

Use from a test module with ``from conftest import write_ledger, run_cli, COUNTY``.
"""

from __future__ import annotations

import json
import os
import tempfile
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import settings

from cli import main

# A county with two townships (one 镇, one 乡) and a reclaimed-quota pool: lines 1-8.
COUNTY = """\
- {date: 2021-01-01, op: open_division, code: "370100", name: 青山县, level: 县}
- {date: 2021-01-01, op: open_division, code: "370101", name: 东镇, level: 乡镇, kind: 镇, parent: 青山县}
- {date: 2021-01-01, op: open_division, code: "370102", name: 西乡, level: 乡镇, kind: 乡, parent: 青山县}
- {date: 2021-01-01, op: open_pool, name: 收回编制池, kind: 收回, division: 青山县}
- {date: 2021-01-01, op: establish, name: 县委办, division: 青山县, category: 党政机关}
- {date: 2021-01-01, op: establish, name: 党政办, division: 东镇, category: 党政机关}
- {date: 2021-01-01, op: establish, name: 便民服务中心, division: 东镇, category: 事业单位, class: 公益一类}
- {date: 2021-01-01, op: establish, name: 党政办, division: 西乡, category: 党政机关}
"""


# The parse cache writes to a folder of the test session's own, never the user's cache; so does
# the profile (the cache's seal, signing keys, the heads last found whole).
os.environ.setdefault("ORGMODEL_CACHE_DIR", tempfile.mkdtemp(prefix="orgmodel-test-cache-"))
os.environ.setdefault("ORGMODEL_PROFILE_DIR", tempfile.mkdtemp(prefix="orgmodel-test-profile-"))

# Property tests explore the same examples on every run (deterministic CI) and write no database.
settings.register_profile("orgmodel", derandomize=True, database=None, deadline=None)
settings.load_profile("orgmodel")


def write_ledger(folder: Path, text: str, name: str = "ledger.yaml") -> Path:
    """Write ``text`` (dedented) as ``folder/name`` and return ``folder`` (the ledger root)."""
    path = Path(folder) / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return Path(folder)


def run_cli(*args: str):
    """Run ``orgmodel ARGS`` in-process; the result has ``exit_code``, ``stdout``, ``output``."""
    return CliRunner().invoke(main, [str(a) for a in args])


def balance_json(root: Path, *args: str) -> list[dict]:
    """``orgmodel balance ROOT --format json ARGS`` parsed into records."""
    result = run_cli("balance", root, "--format", "json", *args)
    assert result.exit_code in (0, 1), result.output
    return json.loads(result.stdout)


@pytest.fixture
def ledger(tmp_path):
    """``ledger(text, name='ledger.yaml')`` writes a ledger file under tmp_path and returns the folder."""
    return lambda text, name="ledger.yaml": write_ledger(tmp_path, text, name)


def search_entries(folder: Path) -> list[dict]:
    """The search index of the balance report in ``folder``: every entry of its ``search/*.js``
    scripts (links relative to ``folder``)."""
    out = []
    for path in sorted((Path(folder) / "search").glob("*.js")):
        text = path.read_text(encoding="utf-8")
        assert text.startswith("orgmodelSearch(") and text.rstrip().endswith(");"), path
        out += json.loads(text[len("orgmodelSearch("):text.rstrip().rindex(")")])
    return out


# A county ledger with a change in each of several years: replays from year-end checkpoints
# and plans branching off it have something on both sides of each year end.
YEARS = COUNTY + """\
- {date: 2021-01-01, op: approve, body: 东镇/党政办, type: 行政编制, amount: 10, doc: 青编〔2021〕1号}
- {date: 2021-01-01, op: approve, body: 县委办, type: 行政编制, amount: 20, doc: 青编〔2021〕1号}
- {date: 2021-12-31, op: staff, body: 东镇/党政办, actual: {行政编制: 9}}
- {date: 2022-03-01, op: transfer, from: 县委办, to: 东镇/党政办, type: 行政编制, amount: 2, doc: 青编〔2021〕1号}
- {date: 2023-05-01, op: staff, body: 县委办, actual: {行政编制: 17}}
- {date: 2024-02-01, op: rename, body: 西乡/党政办, to: 党建工作办公室, doc: 青编〔2021〕1号}
"""
