"""Fuzz orgmodel with mutated ledgers and hostile inputs; every case must end in a clear answer.

Usage::

    python scripts/fuzz.py --cases 1500 --seed 1           # child processes: 30 s and 1 GB per case
    python scripts/fuzz.py --cases 300 --in-process         # fast, no limits (the test suite's run)

Each case writes a small ledger (the worked example of docs/ledger-format.md, mutated), and
sometimes a config beside it, a special file (a FIFO, a link to a device, a socket, named like a
ledger file) or a hostile workbook (cells in A1 and XFD1048576, a million rows, a zip bomb, a
comment of 1.9 GB, a lying header, a broken zip), then runs ``orgmodel check`` and
``orgmodel balance --by total`` on it. A case passes when every outcome is one of:

- exit 0 or 1 with every printed line a located finding (``file:line: [rule] …`` or
  ``file!sheet!C3: [rule] …``) or a summary line, and no ``internal-error`` finding;
- exit 2 with a message in Chinese;
- for ``balance``: the same, and no figure below zero or above the count ceiling.

Anything else (exit 3, a traceback, a hang over the time limit, more memory than the limit,
English words in a message, a figure out of range) is a failure, printed with the case so
that it can be replayed with ``--only N``.

``--store`` runs forged database cases instead: the worked example imported into a database,
then 1–3 changes made behind orgmodel's back (a record's body, date, op or hash edited, the
chain computed again or not, records deleted or appended with valid hashes, signatures,
batches or settings touched). Each goes through ``check``, ``balance``, ``verify`` and
``dump``; besides the rules above, ``verify`` must answer in Chinese with exit 0 or 1, and
``dump`` must write nothing outside its folder::

    python scripts/fuzz.py --store --cases 1000 --in-process
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SEED_LEDGER = ROOT / "docs" / "example-ledger" / "ledger.yaml"
HOSTILE_CHARS = ["\x00", "\x07", "\x1b[31m", "\t", "\r", "\n", "\u202e", "\ufeff", "\u2028", '"', "'", "{", "}", "[", "]",
                 ",", ":", "#", "&", "*", "!", "|", ">", "%", "@", "=", "<", "`", "\\", "：", "，", "　", "\\ud800", "~"]
HOSTILE_VALUES = ["9223372036854775808", "1" + "0" * 30, "-5", "0", "2.5", "1e9", "9999-12-31", "0001-01-01",
                  "2021-02-30", "=WEBSERVICE(\"x\")", "+1", "@SUM(A1)", '"a\\nb: [fake-rule] x"', "<<", "=", "!!python/object:os.system",
                  "&a x", "*nope", "[[[[[[[[[[]]]]]]]]]]", "{a: {b: {c: {d: 1}}}}", "~", "null", "true", "''", '""',
                  "x" * 5000, "牌\\ud800", '"\\0"', "../../etc/passwd", "县/镇/村/组", "\\x07"]
BOMB = ("- &a [x, x, x, x, x, x, x, x, x]\n- &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\n- &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
        "- &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n- &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n"
        "- {date: 2021-01-01, op: establish, name: *e, division: 青山县, category: 党政机关}\n")
CONFIG_VALUES = ["quota_types: 5", "township_limits: {镇: 5}", "loan_term_years: abc", "rules: [1, 2]",
                 "quota_bands: {a: 1}", "rank_order: []", "grid_size: {households: {min: 9, max: 1}}",
                 "type_purity: {党政机关: 事业编制}", "nonsense: 1", "rules: {over-quota: {severity: fatal}}",
                 "quota_types: [行政编制, 行政编制]", "templates: {x: 5}", "ignore: 3"]


def mutate(text: str, rng: random.Random) -> tuple[str, str]:
    """One mutation of the ledger text: (new text, what was done)."""
    lines = text.splitlines(keepends=True)
    if not lines:
        return text + BOMB, "alias bomb (on an empty text)"
    kind = rng.choice(["char", "char", "value", "value", "line", "swap", "truncate", "bomb", "deep", "long", "op",
                       "field", "indent", "empty"])
    i = rng.randrange(len(lines))
    if kind == "char":
        pos = rng.randrange(len(text))
        ch = rng.choice(HOSTILE_CHARS)
        return text[:pos] + ch + text[pos + rng.choice([0, 1]):], f"char {ch!r} at {pos}"
    if kind == "value":
        values = list(re.finditer(r"(?<=: )[^,}\n]+", text))
        if not values:
            return text, "value (none)"
        m = rng.choice(values)
        new = rng.choice(HOSTILE_VALUES)
        return text[:m.start()] + new + text[m.end():], f"value {m.group()!r} -> {new[:40]!r}"
    if kind == "line":
        return "".join(lines[:i] + [lines[i]] * rng.randint(2, 3) + lines[i + 1:]), f"repeat line {i + 1}"
    if kind == "swap":
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        return "".join(lines), f"swap lines {i + 1}, {j + 1}"
    if kind == "truncate":
        pos = rng.randrange(len(text))
        return text[:pos], f"truncate at {pos}"
    if kind == "bomb":
        return text + BOMB, "alias bomb"
    if kind == "deep":
        n = rng.choice([50, 500, 5000])
        return text + f"- {{date: 2021-01-01, op: establish, name: {'[' * n}{']' * n}}}\n", f"nesting {n}"
    if kind == "long":
        n = rng.choice([10_000, 200_000, 2_000_000])
        return text + f'- {{date: 2021-01-01, op: establish, name: x, division: 青山县, category: 党政机关, note: "{"长" * n}"}}\n', \
            f"long note {n}"
    if kind == "op":
        new = rng.choice(["establish", "abolish", "merge", "split", "transfer", "assert", "设立", "调剂", "bogus", "", "[1]"])
        return re.sub(r"op: \w+", f"op: {new}", text, count=rng.randint(1, 3)), f"op -> {new!r}"
    if kind == "field":
        new = rng.choice(["body", "to", "from", "name", "division", "amount", "type", "quota", "sources", "into",
                          "led_by", "parent", "due", "term_years", "<<", "op", "date"])
        return re.sub(r"\b(body|to|from|name|amount|type)(?=: )", new, text, count=rng.randint(1, 5)), f"field -> {new}"
    if kind == "indent":
        lines[i] = rng.choice(["  ", "\t", "", "    - "]) + lines[i].lstrip()
        return "".join(lines), f"indent line {i + 1}"
    return "", "empty"


def make_case(n: int, seed: int, folder: Path, heavy: bool = True) -> str:
    """Write case ``n`` into ``folder``; return what it is. Some cases also get a special file
    (a FIFO, a device, a socket) or a hostile workbook beside the ledger; with ``heavy`` False
    the large workbooks are written smaller (for the in-process run of the test suite)."""
    rng = random.Random(seed * 1_000_003 + n)
    text = SEED_LEDGER.read_text(encoding="utf-8")
    done = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        text, what = mutate(text, rng)
        done.append(what)
    encoding = rng.choice(["utf-8"] * 8 + ["gbk", "utf-8-sig"])
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "ledger.yaml").write_bytes(text.encode(encoding, "surrogatepass" if encoding.startswith("utf") else "replace"))
    if encoding != "utf-8":
        done.append(encoding)
    if rng.random() < 0.15:
        cfg = rng.choice(CONFIG_VALUES)
        (folder / "orgmodel.yaml").write_text(cfg + "\n", encoding="utf-8")
        done.append(f"config {cfg!r}")
    files = random.Random(f"{seed}-{n}-files")  # its own draws: the mutations above stay as they were
    if files.random() < 0.08:
        made = special_file(files.choice(SPECIAL_FILES), folder)
        if made:
            done.append(f"special file {made}")
    if files.random() < 0.08:
        kind = files.choice(HOSTILE_WORKBOOKS)
        scale = 1.0 if heavy else {"million-rows": 0.01}.get(kind, 0.05)
        done.append(f"workbook {kind}: {hostile_workbook(kind, folder / f'{kind}.xlsx', scale)}")
    return "; ".join(done)



# -- hostile workbooks and special files ------------------------------------------------------
# Built by hand (a zip of a few XML parts) so that a case costs little to write whatever it
# unpacks to: a long run of one repeated block is deflated once and its bytes repeated.
_CT = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
       '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
       '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
       '<Default Extension="xml" ContentType="application/xml"/>'
       '<Override PartName="/xl/workbook.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
       '<Override PartName="/xl/worksheets/sheet1.xml" '
       'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
         '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
             '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
             'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
             '<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                  '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
                  '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                  'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')
_SHEET_HEAD = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
               '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')


def _cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def _deflated(content) -> tuple[bytes, int, int]:
    """(raw deflate data, CRC-32, unpacked size) of ``content``: bytes, a list of byte chunks,
    or ``(head, block, count, tail)`` for ``head + block * count + tail``, which costs one
    deflate of ``block`` whatever ``count`` is (a full flush makes each copy's bytes the same)."""
    import zlib

    head, block, count, tail = content if isinstance(content, tuple) else (b"", b"", 0, content)
    chunks = [tail] if isinstance(tail, bytes) else tail
    c = zlib.compressobj(6, zlib.DEFLATED, -15)
    first = c.compress(head) + c.flush(zlib.Z_FULL_FLUSH)
    packed_block = c.compress(block) + c.flush(zlib.Z_FULL_FLUSH) if count else b""
    crc, size, last = zlib.crc32(head), len(head) + len(block) * count, []
    for _ in range(count):
        crc = zlib.crc32(block, crc)
    for chunk in chunks:
        crc, size = zlib.crc32(chunk, crc), size + len(chunk)
        last.append(c.compress(chunk))
    last.append(c.flush())
    return first + packed_block * count + b"".join(last), crc, size


def write_zip(path: Path, members: list[tuple[str, object]], declared: dict[str, int] | None = None) -> Path:
    """A zip of deflated ``members`` (see :func:`_deflated`); ``declared`` states other
    unpacked sizes for some members than they have (a lying header)."""
    import struct

    declared = declared or {}
    local, central = bytearray(), bytearray()
    for name, content in members:
        data, crc, size = _deflated(content)
        size = declared.get(name, size)
        encoded = name.encode()
        offset = len(local)
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0x800, 8, 0, 0x21, crc, len(data), size, len(encoded), 0)
        local += encoded + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0x800, 8, 0, 0x21, crc, len(data), size,
                               len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    n = len(members)
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, n, n, len(central), len(local), 0)
    path.write_bytes(bytes(local) + bytes(central) + end)
    return path


def write_sheet_workbook(path: Path, sheet: bytes | tuple[bytes, bytes, int, bytes], name: str = "机构",
                         declared: int | None = None) -> Path:
    """A one-sheet workbook whose sheet XML is ``sheet`` (see :func:`write_zip`)."""
    if isinstance(sheet, tuple):
        sheet = (_SHEET_HEAD.encode() + sheet[0], *sheet[1:3], sheet[3] + b"</worksheet>")
    elif isinstance(sheet, bytes):
        sheet = _SHEET_HEAD.encode() + sheet + b"</worksheet>"
    else:
        sheet = [_SHEET_HEAD.encode(), *sheet, b"</worksheet>"]
    part = "xl/worksheets/sheet1.xml"
    return write_zip(path, [("[Content_Types].xml", _CT.encode()), ("_rels/.rels", _RELS.encode()),
                            ("xl/workbook.xml", _WORKBOOK.format(name=name).encode()),
                            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS.encode()), (part, sheet)],
                     {part: declared} if declared is not None else None)


HEADER_ROW = ('<row r="1">' + _cell("A1", "区划") + _cell("B1", "机构名称") + _cell("C1", "机构类别") + '</row>')
MB = 1 << 20


def hostile_workbook(kind: str, path: Path, scale: float = 1.0) -> str:
    """Write the hostile workbook ``kind`` at ``path``; return what it is. ``scale`` shrinks
    the large ones (1.0: the sizes of issue 27)."""
    if kind == "corners":  # cells only in A1 and XFD1048576: a dense grid of 17 billion cells
        write_sheet_workbook(path, ('<dimension ref="A1:XFD1048576"/><sheetData><row r="1">' + _cell("A1", "区划")
                                    + '</row><row r="1048576">' + _cell("XFD1048576", "x")
                                    + "</row></sheetData>").encode())
        return "cells in A1 and XFD1048576"
    if kind == "far-row":  # a header, then one cell on the last row Excel has
        write_sheet_workbook(path, ("<sheetData>" + HEADER_ROW + '<row r="1048576">' + _cell("A1048576", "东镇")
                                    + "</row></sheetData>").encode())
        return "one cell on row 1048576"
    if kind == "million-rows":  # 1,048,576 change rows (as Excel writes them): bodies, then misspelt references
        rows = int(1_048_576 * scale)
        half = rows // 2
        head = ['<row r="1">', *(_cell(f"{c}1", h) for c, h in zip("ABCDEF", ("日期", "指令", "名称", "区划", "机构", "其他字段"))),
                '</row><row r="2">', _cell("A2", "2021-01-01"), _cell("B2", "设立区划"), _cell("C2", "青山县"),
                _cell("F2", "code: '370100'; level: 县"), "</row>"]

        def row(i: int) -> str:
            if i <= half:
                return (f'<row r="{i}">{_cell(f"A{i}", "2021-01-01")}{_cell(f"B{i}", "设立")}{_cell(f"C{i}", f"机构{i}号中心")}'
                        f'{_cell(f"D{i}", "青山县")}{_cell(f"F{i}", "category: 事业单位; class: 公益一类")}</row>')
            return (f'<row r="{i}">{_cell(f"A{i}", "2021-02-01")}{_cell(f"B{i}", "实有")}'
                    f'{_cell(f"E{i}", f"青山县/机构{i - half}号中兴")}{_cell(f"F{i}", "actual: {事业编制: 1}")}</row>')

        def chunks():
            yield ("<sheetData>" + "".join(head)).encode()
            for start in range(3, rows + 1, 10_000):
                yield "".join(row(i) for i in range(start, min(start + 10_000, rows + 1))).encode()
            yield b"</sheetData>"
        write_sheet_workbook(path, list(chunks()), name="变动记录")
        return f"{rows:,} rows of changes"
    if kind == "bomb":  # 10 MB that unpacks to 1.9 GB of cells, under the old 2 GB guard
        count = int(1900 * scale)
        block = b"".join(b'<c t="inlineStr"><is><t>1</t></is></c>' for _ in range(MB // 38)).ljust(MB, b" ")
        write_sheet_workbook(path, (b"<sheetData>" + HEADER_ROW.encode() + b'<row r="2">', block, count,
                                    b"</row></sheetData>"))
        return f"sheet of {count:,} MB unpacked"
    if kind == "comment":  # one XML comment of 1.9 GB
        count = int(1900 * scale)
        write_sheet_workbook(path, (b"<sheetData>" + HEADER_ROW.encode() + b"</sheetData><!--", b"x" * MB, count,
                                    b"-->"))
        return f"comment of {count:,} MB"
    if kind == "lying-size":  # the zip says the sheet is 1 KB; it unpacks to 1 GB
        count = int(1000 * scale)
        write_sheet_workbook(path, (b"<sheetData>" + HEADER_ROW.encode() + b"</sheetData><!--", b"y" * MB, count,
                                    b"-->"), declared=1024)
        return f"sheet declared 1 KB, {count:,} MB unpacked"
    if kind == "not-a-zip":
        path.write_bytes(b"PK\x03\x04" + os.urandom(2000))
        return "random bytes after a zip signature"
    raise ValueError(kind)


HOSTILE_WORKBOOKS = ("corners", "far-row", "million-rows", "bomb", "comment", "lying-size", "not-a-zip")


def special_file(kind: str, folder: Path) -> str | None:
    """Put a FIFO, a device or a socket named like a ledger file in ``folder``; None when this
    system cannot make one."""
    import socket

    try:
        if kind == "fifo":
            os.mkfifo(folder / "管道.yaml")
        elif kind == "device":
            (folder / "零.yaml").symlink_to("/dev/zero")
        elif kind == "socket":
            s = socket.socket(socket.AF_UNIX)
            s.bind(str(folder / "套接字.xlsx"))
            s.close()
        elif kind == "device-csv":
            (folder / "随机.csv").symlink_to("/dev/urandom")
        else:
            raise ValueError(kind)
    except (OSError, AttributeError):
        return None
    return kind


SPECIAL_FILES = ("fifo", "device", "socket", "device-csv")


LOCATED = re.compile(r"^\S.*?(:\d+|![A-Z]+\d*|!\S+)?: \[[^\]\s]+\] ")
SUMMARY = re.compile(r"^(共 \d+ 个错误|未发现问题|注意:|截至 )")
ALLOWED_WORDS = {"YAML", "JSON", "CSV", "UTF", "GBK", "Excel", "WPS", "orgmodel", "Tab", "null", "true", "false", "doc",
                 "note", "docs", "md", "yaml", "xlsx", "csv", "open_division", "rank_order", "quota_types", "YYYY-MM-DD",
                 "offices", "centres", "max_population", "households", "population", "min", "max", "severity",
                 "enabled", "error", "warning", "info", "kind", "bodies", "generator",
                 "check", "balance", "simulate", "compare", "trace", "report", "export", "template", "demo", "audit",
                 "verify", "dump", "commit", "correct", "import", "init", "log", "key", "register", "head"}


def _identifiers() -> set[str]:
    from orgmodel.core.config import _defaults
    from orgmodel.core.schema import FIELD_LABELS
    from orgmodel.ops import OPS
    from orgmodel.rules import RULES

    words = set(FIELD_LABELS) | set(OPS) | set(RULES) | set(_defaults())
    for spec in OPS.values():
        words |= set(spec.fields)
        words |= {str(c) for f in spec.fields.values() for c in getattr(f, "choices", ())}
    return words | ALLOWED_WORDS


def english(text: str, allowed: set[str]) -> list[str]:
    """ASCII words in ``text`` outside file paths, [规则] names, “quoted user text” and identifiers."""
    out = []
    for line in text.splitlines():
        line = re.sub(r"^错误:", "", line)
        line = re.sub(r"^\S*?(:\d+|![A-Z]+\d*)?: ", "", line)  # the location
        line = re.sub(r"^\[配置有误\] [\w.\[\]-]+: ", "", line)  # a config key's path
        line = re.sub(r"\b[0-9a-f]{8,64}\b", " ", line)  # a hash
        line = re.sub(r"“[^”]*”|\[[a-z0-9-]+\]|\([^)]*\)|(/|\\)\S+|\S+\.(yaml|yml|xlsx|csv|md)\b", " ", line)
        out += [w for w in re.findall(r"[A-Za-z_][A-Za-z_.-]{3,}", line) if w.strip("._-") not in allowed]
    return out


def classify(command: str, rc: int | None, out: str, allowed: set[str], timed_out: bool = False,
             rss_mb: float = 0, limit_mb: float = 1024) -> str | None:
    """None when the outcome is a clear answer, else what is wrong with it."""
    if timed_out:
        return "hang"
    if rss_mb > limit_mb:
        return f"memory {rss_mb:.0f} MB"
    if rc not in (0, 1, 2):
        return f"exit {rc}"
    if "Traceback" in out or "[内部错误]" in out or "内部错误" in out:
        return "internal error"
    prose = out
    if command == "balance" and rc != 2 and "[" in out:  # the JSON table itself is data, not a message
        prose = out[:out.index("[")] + out[out.rindex("]") + 1:]
    if rc == 2:  # with --format json the reason also comes as {"error": …, "exit_code": 2}
        prose = "\n".join(ln for ln in out.splitlines() if not ln.startswith('{"error"'))
    words = english(prose, allowed)
    if words:
        return f"English: {' '.join(sorted(set(words))[:5])}"
    lines = [ln for ln in out.splitlines() if ln.strip()]
    if rc == 2:
        return None if lines and re.search(r"[\u4e00-\u9fff]", out) else "exit 2 without a Chinese message"
    if command == "check":
        stray = [ln for ln in lines if not LOCATED.match(ln) and not SUMMARY.match(ln)]
        return f"unlocated line: {stray[0][:80]!r}" if stray else None
    if command == "balance":
        try:
            rows = json.loads(out[out.index("["):out.rindex("]") + 1]) if "[" in out else []
        except ValueError:
            return "balance JSON unreadable"
        for r in rows:
            for k in ("approved", "actual", "vacant", "over", "total"):
                v = r.get(k)
                if isinstance(v, (int, float)) and not 0 <= v <= 10 ** 12:
                    return f"figure out of range: {k}={v}"
    return None


def run_child(args: list[str], limit_s: float, limit_mb: int) -> tuple[int | None, str, bool, float]:
    """Run orgmodel in a child with a memory cap; (exit code, output, timed out, peak MB)."""
    def cap():
        resource.setrlimit(resource.RLIMIT_AS, (limit_mb * 3 * 2**20, limit_mb * 3 * 2**20))  # address space, not RSS

    with tempfile.TemporaryFile() as buf:
        proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), *args], stdout=buf, stderr=subprocess.STDOUT,
                                preexec_fn=cap, env={**os.environ, "PYTHONHASHSEED": "0"})
        start, timed_out, usage = time.monotonic(), False, None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                rc = os.waitstatus_to_exitcode(status)
                break
            if time.monotonic() - start > limit_s:
                proc.kill()
                _, status, usage = os.wait4(proc.pid, 0)
                rc, timed_out = None, True
                break
            time.sleep(0.02)
        buf.seek(0)
        return rc, buf.read().decode("utf-8", "replace"), timed_out, usage.ru_maxrss / 1024


def run_in_process(args: list[str]) -> tuple[int, str]:
    from click.testing import CliRunner

    from cli import main

    result = CliRunner().invoke(main, args)
    out = result.output
    if result.exception and not isinstance(result.exception, SystemExit):
        out += "\nTraceback: " + repr(result.exception)
    return result.exit_code, out


def fuzz(cases: int, seed: int, in_process: bool, limit_s: float = 30, limit_mb: int = 1024, only: int | None = None,
         work: Path | None = None, first: int = 0) -> tuple[Counter, list[str]]:
    """Run cases ``first`` to ``first + cases - 1``; return (outcome counts, failures as printable lines)."""
    allowed = _identifiers()
    counts, failures = Counter(), []
    base = Path(work or tempfile.mkdtemp(prefix="orgmodel-fuzz-"))
    for n in ([only] if only is not None else range(first, first + cases)):
        folder = base / f"case-{n}"
        what = make_case(n, seed, folder, heavy=not in_process)
        for command, args in (("check", ["check", str(folder)]),
                              ("balance", ["balance", str(folder), "--by", "total", "--format", "json"])):
            if in_process:
                rc, out = run_in_process(args)
                problem = classify(command, rc, out, allowed)
            else:
                rc, out, timed_out, rss = run_child(args, limit_s, limit_mb)
                problem = classify(command, rc, out, allowed, timed_out, rss, limit_mb)
            if problem:
                counts["failure"] += 1
                failures.append(f"case {n} ({what}) {command}: {problem}")
            else:
                counts[{0: "clean", 1: "located findings", 2: "refused (exit 2)"}[rc]] += 1
    return counts, failures


# -- forged databases -------------------------------------------------------------------------
FORGED_VALUES = ['"-500"', "-500", "1e308", "null", '"../e"', '"/etc/x"', '"9999-99-99"', '""', "[]", "{}", '"\\u0000"',
                 '"' + "长" * 3000 + '"', "[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]]", "true", '"=1+2"', "9223372036854775808"]
FORGED_BODIES = ["不是 JSON {", "[1, 2]", "{}", "null", '{"date": "2021-01-01"}', '{"op": "transfer", "fields": 5}',
                 '{"date":"2021-01-01","op":"steal","fields":{}}', '{"date":"../e","op":"approve","fields":{}}',
                 '{"date":"2021-01-01","op":"transfer","fields":{"from":"县委办","to":"东镇/党政办","type":"行政编制","amount":-500}}']


def _unguarded(con) -> None:
    for (name,) in con.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall():
        con.execute(f"DROP TRIGGER {name}")


def _rechain(con, start: int) -> None:
    """Compute every hash from record ``start`` on again, with orgmodel's own function."""
    from orgmodel.store import chain_hash, settings_digest

    settings: dict = {}
    for b, n, v in con.execute("SELECT batch, name, value FROM settings ORDER BY id"):
        settings.setdefault(b, {})[n] = v
    prev = con.execute("SELECT hash FROM directives WHERE id < ? ORDER BY id DESC LIMIT 1", (start,)).fetchone()
    prev = prev[0] if prev else "0" * 64
    seen = {r[0] for r in con.execute("SELECT DISTINCT batch FROM directives WHERE id < ?", (start,))}
    cols = ("id", "batch", "date", "op", "doc", "body", "origin_file", "origin_line", "origin_sheet", "origin_column",
            "reverses", "recorded_by", "recorded_at", "kind", "source", "note")
    rows = con.execute(f"SELECT {', '.join('d.' + c if c not in cols[11:] else 'b.' + c for c in cols)} FROM directives d "
                       "LEFT JOIN batches b ON b.id = d.batch WHERE d.id >= ? ORDER BY d.id", (start,)).fetchall()
    for r in rows:
        data = dict(zip(cols, r, strict=True))
        data["settings"] = settings_digest(settings.get(data["batch"], {})) if data["batch"] not in seen else None
        seen.add(data["batch"])
        new = chain_hash(prev, data)
        con.execute("UPDATE directives SET prev_hash = ?, hash = ? WHERE id = ?", (prev, new, data["id"]))
        prev = new


def forge(db: Path, rng: random.Random) -> str:
    """One change made to ``db`` behind orgmodel's back; returns what it was."""
    import sqlite3

    con = sqlite3.connect(db, isolation_level=None)
    try:
        _unguarded(con)
        last = con.execute("SELECT MAX(id) FROM directives").fetchone()[0] or 1
        rid = rng.randint(1, last)
        kind = rng.choice(["value", "value", "body", "date", "op", "delete", "append", "append", "hash", "batch",
                           "settings", "swap"])
        rechain = rng.random() < 0.6
        if kind == "value":
            body = con.execute("SELECT body FROM directives WHERE id = ?", (rid,)).fetchone()[0]
            values = list(re.finditer(r'(?<=":)("[^"]*"|-?\d+)', body))
            if not values:
                return "value (none)"
            m = rng.choice(values)
            new = rng.choice(FORGED_VALUES)
            con.execute("UPDATE directives SET body = ? WHERE id = ?", (body[:m.start()] + new + body[m.end():], rid))
            what = f"record {rid} value {m.group()[:20]!r} -> {new[:20]!r}"
        elif kind == "body":
            new = rng.choice(FORGED_BODIES)
            con.execute("UPDATE directives SET body = ? WHERE id = ?", (new, rid))
            what = f"record {rid} body -> {new[:30]!r}"
        elif kind == "date":
            new = rng.choice(["../e", "/etc/x", "..\\..\\e", "9999-12-31", "", "2021/../../x", "0001-01-01"])
            con.execute("UPDATE directives SET date = ?, body = json_set(body, '$.date', ?) WHERE id = ? AND json_valid(body)",
                        (new, new, rid))
            what = f"record {rid} date -> {new!r}"
        elif kind == "op":
            new = rng.choice(["steal", "冲正", "登记公钥", "", "transfer"])
            con.execute("UPDATE directives SET op = ?, body = json_set(body, '$.op', ?) WHERE id = ? AND json_valid(body)",
                        (new, new, rid))
            what = f"record {rid} op -> {new!r}"
        elif kind == "delete":
            con.execute("DELETE FROM directives WHERE id = ?", (rid,))
            what = f"delete record {rid}"
        elif kind == "append":
            amount = rng.choice([-500, 5, 10**9])
            approve = {"date": "2024-01-01", "op": "approve", "doc": "x",
                       "fields": {"body": "县委办", "type": "行政编制", "amount": amount}}
            body = rng.choice([*FORGED_BODIES[6:], json.dumps(approve, ensure_ascii=False)])
            con.execute("INSERT INTO batches (kind, recorded_by, recorded_at, source) VALUES ('commit', '某人', '2026-01-01T00:00:00+08:00', 'x')")
            batch = con.execute("SELECT MAX(id) FROM batches").fetchone()[0]
            rid = last + 1
            con.execute("INSERT INTO directives (id, batch, date, op, doc, body, prev_hash, hash) VALUES (?, ?, ?, ?, 'x', ?, 'p', ?)",
                        (rid, batch, "2024-01-01", "approve", body, f"h{rid}"))
            rechain = True
            what = f"append record {rid}: {body[:40]!r}"
        elif kind == "hash":
            con.execute("UPDATE directives SET hash = ? WHERE id = ?", (f"{rid:064x}", rid))
            what, rechain = f"record {rid} hash zeroed", False
        elif kind == "batch":
            con.execute("UPDATE batches SET recorded_by = '别人', kind = 'import' WHERE id = (SELECT batch FROM directives WHERE id = ?)", (rid,))
            what = f"batch of record {rid} reattributed"
        elif kind == "settings":
            con.execute("UPDATE settings SET value = ?", (rng.choice(["rules: {over-quota: {severity: info}}\n", "x: [", ""]),))
            what = "settings edited"
        else:
            other = rng.randint(1, last)
            con.execute("UPDATE directives SET body = (SELECT body FROM directives WHERE id = ?) WHERE id = ?", (other, rid))
            what = f"record {rid} body copied from {other}"
        if rechain:
            _rechain(con, max(1, min(rid, last)))
            what += " (chain computed again)"
        return what
    finally:
        con.close()


def make_store_case(n: int, seed: int, folder: Path, base: Path) -> str:
    import shutil

    rng = random.Random(seed * 2_000_003 + n)
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "台账.db"
    shutil.copyfile(base, db)
    return "; ".join(forge(db, rng) for _ in range(rng.choice([1, 1, 2, 3])))


def _base_store(work: Path) -> Path:
    from click.testing import CliRunner

    from cli import main

    work.mkdir(parents=True, exist_ok=True)
    base = work / "base.db"
    if not base.exists():
        CliRunner().invoke(main, ["init", str(base)])
        result = CliRunner().invoke(main, ["import", str(base), str(SEED_LEDGER), "--by", "张三", "--allow-rule-errors"])
        assert result.exit_code == 0, result.output
    return base


def outside(folder: Path, before: set[Path]) -> list[Path]:
    """What appeared under ``folder.parent`` outside ``folder``."""
    return [p for p in set(folder.parent.rglob("*")) - before if p != folder and folder not in p.parents]


def fuzz_store(cases: int, seed: int, in_process: bool, limit_s: float = 30, limit_mb: int = 1024,
               only: int | None = None, work: Path | None = None, first: int = 0) -> tuple[Counter, list[str]]:
    """Run forged database cases ``first`` to ``first + cases - 1``; return (outcome counts, failures
    as printable lines)."""
    allowed = _identifiers()
    counts, failures = Counter(), []
    base_dir = Path(work or tempfile.mkdtemp(prefix="orgmodel-fuzz-store-"))
    base = _base_store(base_dir)
    for n in ([only] if only is not None else range(first, first + cases)):
        folder = base_dir / f"store-{n}"
        what = make_store_case(n, seed, folder, base)
        db = folder / "台账.db"
        out = folder / "备份"
        for command, args in (("check", ["check", str(db)]),
                              ("balance", ["balance", str(db), "--by", "total", "--format", "json"]),
                              ("verify", ["verify", str(db)]), ("dump", ["dump", str(db), str(out)])):
            before = set(folder.rglob("*"))
            if in_process:
                rc, text = run_in_process(args)
                problem = classify(command, rc, text, allowed)
            else:
                rc, text, timed_out, rss = run_child(args, limit_s, limit_mb)
                problem = classify(command, rc, text, allowed, timed_out, rss, limit_mb)
            if problem is None and command == "dump" and outside(out, before):
                problem = f"wrote outside its folder: {outside(out, before)[:2]}"
            if problem is None and command == "verify" and rc == 2:
                problem = "verify refused a database it could open"
            if problem:
                counts["failure"] += 1
                failures.append(f"store case {n} ({what}) {command}: {problem}")
            else:
                counts[{0: "clean", 1: "located findings", 2: "refused (exit 2)"}[rc]] += 1
    return counts, failures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", type=int, default=1000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--in-process", action="store_true", help="run in this process (fast; no time or memory limits)")
    ap.add_argument("--only", type=int, default=None, help="run one case again")
    ap.add_argument("--first", type=int, default=0,
                    help="number of the first case (to run a long series in parts, one per core)")
    ap.add_argument("--work", type=Path, default=None, help="folder for the cases (kept)")
    ap.add_argument("--store", action="store_true", help="forged database cases (check, balance, verify, dump)")
    args = ap.parse_args()
    start = time.perf_counter()
    os.environ.setdefault("ORGMODEL_PROFILE_DIR", tempfile.mkdtemp(prefix="orgmodel-fuzz-profile-"))
    run = fuzz_store if args.store else fuzz
    counts, failures = run(args.cases, args.seed, args.in_process, only=args.only, work=args.work, first=args.first)
    for line in failures:
        print(line)
    total = sum(counts.values())
    per_case = 4 if args.store else 2
    print(f"{total} runs ({args.cases if args.only is None else 1} cases × {per_case} commands) in {time.perf_counter() - start:.0f} s: "
          + ", ".join(f"{k} {v}" for k, v in sorted(counts.items())))
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
