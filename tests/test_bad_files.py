"""Bad files (issue 27): special files, hostile workbooks, a damaged database. Each is run through
the command line in a child process held to 30 s of CPU and 1 GB, as ``scripts/fuzz.py`` does;
the outcome is decided by the exit status and the messages, never by the clock (an alarm only
ends a child that would hang, which then fails by its status)."""

from __future__ import annotations

import difflib
import importlib.util
import os
import re
import resource
import signal
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from conftest import COUNTY, write_ledger

from orgmodel.state.names import NameHints

ROOT = Path(__file__).resolve().parents[1]
CHINESE = re.compile(r"[\u4e00-\u9fff]")
LIMIT_MB = 1024


def _fuzz():
    spec = importlib.util.spec_from_file_location("fuzz", ROOT / "scripts" / "fuzz.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


fuzz = _fuzz()


def run_limited(*args, cpu_s: int = 30):
    """``orgmodel ARGS`` in a child with ``cpu_s`` seconds of CPU and an address space of three
    times 1 GB (Python maps more than it uses); (exit status, output, peak resident MB). A
    child past its CPU time is killed by the kernel: the status says so."""
    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (3 * LIMIT_MB * 2**20, 3 * LIMIT_MB * 2**20))
        resource.setrlimit(resource.RLIMIT_CPU, (cpu_s, cpu_s))
        signal.alarm(10 * cpu_s)  # a child blocked on a FIFO uses no CPU: end it (a failing status)

    with tempfile.TemporaryFile() as buf:
        proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), *map(str, args)], stdout=buf,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, preexec_fn=cap,
                                env={**os.environ, "ORGMODEL_CACHE": "0"})
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        buf.seek(0)
        return proc.returncode, buf.read().decode("utf-8", "replace"), usage.ru_maxrss / 1024


def refused(*args, expected: str = "") -> str:
    """Exit 2 with a Chinese message (containing ``expected``), within the limits."""
    rc, out, peak = run_limited(*args)
    assert rc == 2, (rc, out[-2000:])
    assert CHINESE.search(out) and expected in out, out[-2000:]
    assert "Traceback" not in out and "内部错误" not in out and "panicked" not in out
    assert peak < LIMIT_MB, f"peak {peak:.0f} MB"
    return out


# -- special files ------------------------------------------------------------------------------
def test_fifos_devices_and_sockets_in_a_ledger_folder_are_skipped_never_opened(tmp_path):
    root = write_ledger(tmp_path / "led", COUNTY)
    os.mkfifo(root / "管道.yaml")
    os.mkfifo(root / "说明.csv")  # a CSV sheet would look for the folder's 说明 file
    (root / "零.yaml").symlink_to("/dev/zero")
    (root / "随机.csv").symlink_to("/dev/urandom")
    sock = socket.socket(socket.AF_UNIX)
    sock.bind(str(root / "s.xlsx"))
    sock.close()
    (root / "机构.csv").write_text("区划,机构名称,机构类别,日期\n东镇,综治中心,事业单位,2021-13-01\n", encoding="utf-8")
    rc, out, peak = run_limited("check", root)
    assert rc == 1 and peak < LIMIT_MB, out
    assert "机构.csv!D2: [日期有误]" in out  # the regular CSV file beside them was read
    for name, kind in (("管道.yaml", "命名管道(FIFO)"), ("说明.csv", "命名管道(FIFO)"), ("零.yaml", "设备文件"),
                       ("随机.csv", "设备文件"), ("s.xlsx", "套接字")):
        assert f"{name}: [未读取的路径] 警告:是{kind},不是普通文件,未读取" in out, out


@pytest.mark.parametrize("how", ["ledger", "config", "scenario", "roster"])
def test_a_fifo_given_as_an_input_is_refused_without_opening_it(tmp_path, how):
    root = write_ledger(tmp_path / "led", COUNTY)
    fifo = tmp_path / ("p.yaml" if how != "roster" else "p.xlsx")
    os.mkfifo(fifo)
    args = {"ledger": ("check", fifo), "config": ("check", root, "--config", fifo),
            "scenario": ("simulate", root, fifo), "roster": ("audit", root, "--roster", fifo)}[how]
    refused(*args, expected="是命名管道(FIFO),不是普通文件,未读取")


# -- hostile workbooks ---------------------------------------------------------------------------
@pytest.mark.parametrize("kind, expected", [
    ("corners", "工作表“机构”的单元格一直用到 XFD1048576(1,048,576 行 × 16,384 列),超过上限"),
    ("far-row", "的单元格一直用到 C1048576(1,048,576 行 × 3 列)"),
    ("million-rows", "工作表“变动记录”的单元格至少用到 F"),
    ("bomb", "工作簿解压后有 1.9 GB,超过上限 512 MB"),
    ("comment", "工作簿解压后有 1.9 GB,超过上限 512 MB"),
    ("lying-size", "解压后比文件所记的 1,024 字节 大"),
    ("not-a-zip", "工作簿已损坏"),
])
def test_a_hostile_workbook_is_refused_before_the_reader_allocates_anything(tmp_path, kind, expected):
    """Before: SIGABRT from calamine (corners), 886 MB and no result (a million rows), 6.9 GB
    and no result after 150 s (the bomb), 2.0 GB (the comment)."""
    book = tmp_path / f"{kind}.xlsx"
    fuzz.hostile_workbook(kind, book)
    out = refused("check", book, expected=expected)
    assert f"{book}: [文件无法读取] " in out


@pytest.mark.parametrize("kind, scale, expected", [
    ("bomb", 0.2, "倍(上限 100 倍),这是“压缩炸弹”的特征"),  # 380 MB: under the size limit, not under the ratio
    ("comment", 0.2, "中有一项内容(文字或注释)超过 16 MB"),  # one item of 380 MB: refused at its 16th MB
])
def test_a_zip_bomb_under_the_size_limit_is_refused_by_its_ratio_or_its_item(tmp_path, kind, scale, expected):
    book = tmp_path / f"{kind}.xlsx"
    fuzz.hostile_workbook(kind, book, scale)
    refused("check", book, expected=expected)


def test_a_long_item_that_does_not_compress_is_refused(tmp_path):
    text = os.urandom(12 * 2**20).hex().encode()  # 24 MB of text in one cell: no ratio to see
    book = fuzz.write_sheet_workbook(tmp_path / "长.xlsx", b"<sheetData>" + fuzz.HEADER_ROW.encode()
                                     + b'<row r="2"><c r="A2" t="inlineStr"><is><t>' + text + b"</t></is></c></row></sheetData>")
    refused("check", book, expected="中有一项内容(文字或注释)超过 16 MB")


def test_merged_ranges_that_would_fill_billions_of_cells_are_refused(tmp_path):
    rows = "".join(f'<row r="{i}"><c r="A{i}" t="inlineStr"><is><t>东镇</t></is></c></row>' for i in range(2, 2000))
    merges = "".join(f'<mergeCell ref="A{i}:XFD{i + 1000}"/>' for i in range(2, 1000))
    book = fuzz.write_sheet_workbook(tmp_path / "合并.xlsx", ("<sheetData>" + fuzz.HEADER_ROW + rows + "</sheetData>"
                                                           f'<mergeCells count="998">{merges}</mergeCells>').encode())
    refused("check", book, expected="的合并单元格共覆盖超过 10,000,000 个单元格")


@pytest.mark.parametrize("content, expected", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4000), "无法读取工作簿:文件损坏、加密或不是 Excel 文件"),  # encrypted: OLE2
    ("区划,机构名称\n东镇,党政办\n".encode(), "无法读取工作簿:文件损坏、加密或不是 Excel 文件"),  # a CSV renamed
])
def test_unreadable_encrypted_and_renamed_workbooks_exit_2(tmp_path, content, expected):
    book = tmp_path / "台账.xlsx"
    book.write_bytes(content)
    refused("check", book, expected=expected)


def test_a_roster_workbook_is_inspected_too(tmp_path):
    root = write_ledger(tmp_path / "led", COUNTY)
    roster = tmp_path / "花名册.xlsx"
    fuzz.hostile_workbook("corners", roster)
    refused("audit", root, "--roster", roster, expected="XFD1048576")


def test_real_workbooks_pass_the_inspection():
    from orgmodel.tabular import zipcheck

    for book in [*(ROOT / "data").rglob("*.xlsx")]:
        assert zipcheck.inspect(book) is None, book


# -- a damaged database --------------------------------------------------------------------------
def test_a_damaged_database_is_a_chinese_message_and_exit_2(tmp_path):
    """Before: exit 3, 内部错误(DatabaseError: database disk image is malformed)."""
    from click.testing import CliRunner

    from cli import main

    ledger = write_ledger(tmp_path / "led", COUNTY)
    db = tmp_path / "台账.db"
    runner = CliRunner()
    assert runner.invoke(main, ["init", str(db)]).exit_code == 0
    assert runner.invoke(main, ["import", str(db), str(ledger), "--by", "张三"]).exit_code == 0
    data = bytearray(db.read_bytes())
    for page in range(4096, len(data), 4096):  # 64 bytes over the head of every page but the first
        data[page:page + 64] = b"\xab" * 64
    db.write_bytes(bytes(data))
    for args in (("check", db), ("balance", db), ("log", db), ("verify", db), ("dump", db, tmp_path / "备份")):
        refused(*args, expected="数据库文件已损坏")
    assert not (tmp_path / "备份").exists()


# -- "did you mean" at scale ------------------------------------------------------------------------
@pytest.mark.parametrize("names, typo", [
    (["北坪镇", "南坪镇", "东坪乡"], "北平镇"), (["党政办公室", "综合治理中心", "便民服务中心"], "党政办"),
    ([f"机构{i}" for i in range(60)], "机购7"), (["ab", "ba", "cd"], "ba"), (["甲乙丙"], "丁戊"),
])
def test_hints_in_a_small_scope_are_those_difflib_gives(names, typo):
    hints = NameHints()
    for n in names:
        hints.add("县", n)
    expected = difflib.get_close_matches(typo, names, n=1, cutoff=0.5)
    assert hints.best("县", typo, lambda n: True) == (expected[0] if expected else None)


def test_hints_in_a_large_scope_find_the_name_one_letter_away():
    hints = NameHints()
    for i in range(50_000):
        hints.add("县", f"机构{i}号服务中心")
    looked: list[str] = []
    assert hints.best("县", "机构29999号服务中兴", lambda n: looked.append(n) or True) == "机构29999号服务中心"
    assert len(looked) < 100  # a short list, not 50,000 names


def test_a_sheet_of_misspelt_references_costs_a_hint_per_row_not_a_scan_of_every_body(tmp_path):
    """20,000 bodies and 20,000 misspelt references: before, each hint compared every body
    (400 million comparisons); now the check ends within its CPU limit."""
    n = 20_000
    lines = ['- {date: 2021-01-01, op: open_division, code: "370100", name: 青山县, level: 县}']
    lines += [f"- {{date: 2021-01-01, op: establish, name: 机构{i}号服务中心, division: 青山县, category: 事业单位, "
              f"class: 公益一类}}" for i in range(n)]
    lines += [f"- {{date: 2021-02-01, op: staff, body: 青山县/机构{i}号服务中兴, actual: {{事业编制: 1}}}}" for i in range(n)]
    root = tmp_path / "led"
    root.mkdir()
    (root / "ledger.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    rc, out, peak = run_limited("check", root, cpu_s=60)
    assert rc == 1, out[-2000:]
    assert out.count("[找不到机构]") == n and f"共 {n} 个错误" in out
    assert "找不到机构或牌子“机构19999号服务中兴”" in out and "是否是“机构19999号服务中心”?" in out


def test_a_hint_never_names_a_body_abolished_since_the_same_hint_was_given(tmp_path):
    from conftest import run_cli

    root = write_ledger(tmp_path / "led", COUNTY + """\
- {date: 2021-02-01, op: staff, body: 东镇/便民服务中, actual: {事业编制: 1}}
- {date: 2021-03-01, op: abolish, body: 东镇/便民服务中心, doc: 青编〔2021〕2号}
- {date: 2021-04-01, op: staff, body: 东镇/便民服务中, actual: {事业编制: 1}}
""")
    out = run_cli("check", root).output
    assert "ledger.yaml:9: [找不到机构]" in out and "ledger.yaml:11: [找不到机构]" in out, out
    line9 = next(x for x in out.splitlines() if "ledger.yaml:9:" in x)
    line11 = next(x for x in out.splitlines() if "ledger.yaml:11:" in x)
    assert "是否是“便民服务中心”" in line9 and "便民服务中心”?" not in line11


@pytest.mark.parametrize("command", [("check",), ("balance",), ("export", "OUT"), ("simulate", "PLAN"), ("trace", "县委办"),
                                     ("report", "balance"), ("compare", "PLAN")])
def test_every_command_exits_2_on_an_unreadable_workbook(tmp_path, command):
    from conftest import run_cli

    book = tmp_path / "台账.xlsx"
    fuzz.hostile_workbook("corners", book)
    plan = tmp_path / "方案.yaml"
    plan.write_text("directives: []\n", encoding="utf-8")
    name, *rest = command
    if name == "report":
        args = ["report", "balance", book, "--out", tmp_path / "site"]
    else:
        args = [name, book, *[{"OUT": tmp_path / "out.xlsx", "PLAN": plan}.get(a, a) for a in rest]]
    result = run_cli(*args)
    assert result.exit_code == 2, result.output
    assert "[文件无法读取] 工作表“机构”的单元格一直用到 XFD1048576" in result.output
    assert "错误:" in result.output or name == "check"
    assert not (tmp_path / "out.xlsx").exists() and not (tmp_path / "site").exists()


# -- the inspection itself, on sheets written the ways other programs write them ------------------
def _sheet(tmp_path, xml: str, name: str = "t.xlsx") -> Path:
    return fuzz.write_sheet_workbook(tmp_path / name, xml.encode())


@pytest.mark.parametrize("xml", [
    '<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
    '<sheetData><row><c t="inlineStr"><is><t>x</t></is></c><c><v>1</v></c></row><row><c><v>2</v></c></row></sheetData>',
    '<sheetData><row r="1"><c s="1" r="B1" t="inlineStr"><is><t>x</t></is></c></row></sheetData>',
    '<sheetData><row r="1"><c r="a1"><v>1</v></c></row><row r="900000"><c r="A900000" s="3"/></row></sheetData>',
])
def test_sheets_written_otherwise_pass_when_their_grid_is_small(tmp_path, xml):
    from orgmodel.tabular import zipcheck

    assert zipcheck.inspect(_sheet(tmp_path, xml)) is None  # a cell with a style only is not in the grid


@pytest.mark.parametrize("xml, expected", [
    ('<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="A123456789012345"><v>1</v></c></row></sheetData>',
     "不可能的单元格引用"),
    ('<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="2"><c r="ABCDEFGHIJ2"><v>1</v></c></row></sheetData>',
     "不可能的单元格引用"),
    ('<sheetData><row r="1">' + "<c><v>1</v></c>" * 20_000 + '</row><row r="600000"><c><v>1</v></c></row></sheetData>',
     "超过上限"),  # cells without references, placed by counting
    ('<sheetData><row r="1"><c r="A1"><v>1</v></c></row><row r="1"><c r="XFD1048576"><v>1</v></c></row></sheetData>',
     "XFD1048576"),  # the cell's own reference counts, not its row's
    ('<!DOCTYPE x [<!ENTITY a "aaaaaaaa">]><sheetData/>', "XML 实体"),
])
def test_sheets_whose_grid_or_form_is_hostile_are_refused(tmp_path, xml, expected):
    from orgmodel.tabular import zipcheck

    assert expected in (zipcheck.inspect(_sheet(tmp_path, xml)) or "")


def test_a_namespaced_sheet_is_measured_too(tmp_path):
    from orgmodel.tabular import zipcheck

    xml = ('<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><x:sheetData>'
           '<x:row r="1"><x:c r="A1"><x:v>1</x:v></x:c></x:row><x:row r="2"><x:c r="XFD1048576"><x:v>1</x:v></x:c>'
           '</x:row></x:sheetData></x:worksheet>')
    path = fuzz.write_zip(tmp_path / "ns.xlsx", [("xl/worksheets/sheet1.xml", xml.encode())])
    assert "XFD1048576" in (zipcheck.inspect(path) or "")


def test_a_cell_hidden_far_down_a_wide_sheet_is_found(tmp_path):
    """A wide sheet (ZZ) with one cell on row 499,999 amid ordinary rows: a grid of 350 million cells."""
    from orgmodel.tabular import zipcheck

    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(3, 60_000))
    xml = ('<sheetData><row r="1"><c r="ZZ1"><v>1</v></c></row><row r="2"><c r="A499999"><v>1</v></c></row>'
           + rows + "</sheetData>")
    assert "ZZ499999" in (zipcheck.inspect(_sheet(tmp_path, xml)) or "")
