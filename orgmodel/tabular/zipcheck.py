"""Look inside a workbook before the reader does: sizes, the grid each sheet would take, bombs.

python-calamine allocates a sheet as one dense grid, from its first to its last cell that
holds a value, and unpacks whatever the zip holds: a 2 KB file with cells in A1 and XFD1048576
asks for 17 billion cells and aborts the process, and a 6 MB file can unpack to 2 GB. So a
``.xlsx``/``.xlsm`` is inspected with the standard library first, without trusting what the zip
says about itself: every part is inflated here, in bounded chunks, and counted as it comes.

A workbook is refused (with the reason in Chinese) when

- a part is encrypted or packed in a way Excel never uses, or the zip is damaged;
- a part unpacks to more than it declares (a lying header), or to more than ``ratio`` times
  its packed size once past 1 MB (a "zip bomb"; Apache POI refuses the same ratio);
- the parts unpack to more than ``unpacked`` bytes in all;
- an XML part holds a single item (a text, a comment, a tag) longer than ``item`` bytes or
  declares entities (``<!ENTITY``);
- a sheet's grid (rows × columns up to its last cell with a value) has more than ``rows``
  rows or ``cells`` cells, or the sheets more than ``total_cells`` cells together.

Memory stays within a few chunks whatever the file holds; time is one inflate of the file.
"""

from __future__ import annotations

import html
import re
import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

CHUNK = 1 << 20
GRACE = 1 << 20  # bytes a part may unpack to before its ratio is judged
ITEM_BLOCK = 1 << 16  # an item's length is measured to within this many bytes


@dataclass(frozen=True)
class Limits:
    unpacked: int     # bytes of all parts, unpacked
    ratio: int        # a part may unpack to at most this many times its packed size
    item: int         # bytes of one XML item (text between two tags, a comment, a tag)
    rows: int         # rows of one sheet, to its last cell with a value
    cells: int        # cells of one sheet's grid (rows × columns)
    total_cells: int  # cells of all sheets' grids


# A ledger: a province's state workbook is 7.8 MB, about 100 MB unpacked, 407,642 rows on ten
# sheets (none over 150,000 rows, 20 columns); these limits leave it five times the room.
LEDGER = Limits(unpacked=512 * 2**20, ratio=100, item=16 * 2**20, rows=500_000, cells=10_000_000,
                total_cells=20_000_000)
# A roster: a province's is 1.2 million people on one sheet (Excel's own limit is 1,048,576 rows).
ROSTER = Limits(unpacked=2048 * 2**20, ratio=100, item=16 * 2**20, rows=1_048_576, cells=40_000_000,
                total_cells=40_000_000)

SHEET_PART = re.compile(r"^xl/(worksheets|chartsheets|dialogsheets|macrosheets)/[^/]+\.xml$", re.IGNORECASE)
# A cell that holds a value, as Excel and WPS write it (``<c r="B7" t="s">``; a cell that closes
# itself has a style and no value, and the reader leaves it out of the grid): its column letters
# and row digits. Cells written otherwise (a namespace prefix, attributes in another order, no
# reference at all) are counted too, and bound the grid by counting (see _SheetScan.finish).
_CELL = re.compile(rb'<c r="([A-Za-z]+)(\d+)"[^>/]*>')
_ANY_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c\s[^>]*?\br\s*=\s*[\"']([A-Za-z]+)(\d+)[\"'][^>]*?(/?)>")
# A cell tag not in Excel's form <c r="…": no reference, or attributes in another order
_UNPLACED = re.compile(rb'<c(?:>|/>|\s(?!r="))')
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?c[\s/>]")
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")
_ROW_NUMBER = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row\s[^>]*?\br\s*=\s*[\"'](\d+)[\"']")
_PLAIN_ROW_NUMBER = re.compile(rb'<row r="(\d+)"')
_SHARED_STRINGS = re.compile(r"^xl/sharedStrings\.xml$", re.IGNORECASE)
SAVE_AS = "请用 Excel 或 WPS 打开后另存为 .xlsx"


class Refused(Exception):
    """Why the workbook is not read (Chinese)."""


def column_number(letters: bytes | str) -> int:
    n = 0
    for ch in (letters if isinstance(letters, str) else letters.decode("ascii")).upper():
        n = n * 26 + ord(ch) - 64
    return n


def column_letters(n: int) -> str:
    out = ""
    while n > 0:
        n, rest = divmod(n - 1, 26)
        out = chr(65 + rest) + out
    return out or "A"


@dataclass
class _Extent:
    """The grid a sheet would take: its last row and column holding a value (1-based)."""

    rows: int = 0
    cols: int = 0
    unplaced: bool = False  # cells or rows without a reference: placed by counting


class _SheetScan:
    """Follows one sheet's XML chunk by chunk: the extent of the cells that hold values."""

    def __init__(self, sheet: str, limits: Limits):
        self.sheet, self.limits = sheet, limits
        self.extent = _Extent()
        self.row_tags = 0
        self.most_cells_in_a_row = 0
        self.open_row_cells = 0  # cells of the row left open at the end of the last chunk
        self.over = False        # the grid is too large already
        self.highest_row_tag = 0
        self.plain: bool | None = None  # no namespace prefix on the tags (decided by the root tag)
        self._beyond_cache: dict[int, re.Pattern] = {}

    def _beyond(self) -> re.Pattern:
        """A cell with a value in a column past the widest seen so far, or in a row at the limit
        or past it, or a cell not in Excel's form (see _UNPLACED): the chunks without one (nearly
        all) are measured without reading every cell."""
        cols = self.extent.cols
        pattern = self._beyond_cache.get(cols)
        if pattern is None:
            if cols == 0:
                col = rb"[A-Za-z]+"
            elif cols >= 26:
                col = rb"[A-Za-z]{2,}"
            else:
                col = rb"(?:[A-Za-z]{2,}|[" + f"{chr(65 + cols)}-Z{chr(97 + cols)}-z".encode() + rb"])"
            n = str(self.limits.rows)
            far = rb"(?:[" + n[0].encode() + rb"-9]\d{" + str(len(n) - 1).encode() + rb"}|[1-9]\d{" + str(len(n)).encode() + rb",})"
            pattern = re.compile(rb'<c(?: r="(?:' + col + rb"\d+|[A-Za-z]+" + far + rb')"[^>/]*>|>|/>|\s(?!r="))')
            self._beyond_cache[cols] = pattern
        return pattern

    def _measure(self, valued: list[tuple[bytes, bytes]]) -> None:
        """Take the rows and columns of these cells into the extent."""
        if not valued:
            return
        rows, cols = {r for _, r in valued}, {c for c, _ in valued}
        if max(map(len, rows)) > 12 or max(map(len, cols)) > 8:
            raise Refused(f"工作表“{self.sheet}”中有不可能的单元格引用(行号超过 12 位或列名超过 8 个字母);"
                          f"文件已损坏或被改动。{SAVE_AS}")
        e = self.extent
        e.rows = max(e.rows, max(map(int, rows)))
        e.cols = max(e.cols, max(map(column_number, cols)))

    def feed(self, text: bytes) -> None:
        """``text`` holds whole tags only (the caller keeps a cut tag for the next chunk)."""
        if self.over:  # too large by the chunks before: a sheet of a million rows is not read through
            self.judge(self.extent, "至少")
        if self.plain is None:
            self.plain = re.search(rb"<[A-Za-z_][\w.-]*:worksheet[\s>]", text[:4096]) is None
        e = self.extent
        if self.plain:
            unplaced = False
            # A chunk is measured exactly when a cell in it lies past the columns seen or at the row
            # limit, and in every chunk of a sheet so wide that a cell hidden above the row limit
            # would make its grid too large. Otherwise the rows come from the chunk's last cells (rows
            # come in order): a cell hidden higher up in it is still under the row limit and within
            # the columns seen, so the grid stays under the cell limit all the same.
            if e.cols * self.limits.rows > self.limits.cells or self._beyond().search(text):
                self._measure(_CELL.findall(text))
                unplaced = _UNPLACED.search(text) is not None
            else:
                self._measure(_CELL.findall(text, max(0, len(text) - 16384)) or _CELL.findall(text))
        else:
            found = _ANY_CELL.findall(text)
            self._measure([(c, r) for c, r, closed in found if not closed])
            unplaced = len(_CELL_TAG.findall(text)) > len(found)
        self.over = self.over or self.too_large(e)
        if unplaced or e.unplaced:  # cells without a reference (or written oddly): placed by counting
            e.unplaced = True
            self.row_tags += len(_ROW_TAG.findall(text))
            numbers = (_PLAIN_ROW_NUMBER if self.plain else _ROW_NUMBER).findall(text)
            if numbers:
                self.highest_row_tag = max(self.highest_row_tag, max(map(int, {n for n in numbers if len(n) <= 12})))
            counts = [len(_CELL_TAG.findall(piece)) for piece in _ROW_TAG.split(text)]
            counts[0] += self.open_row_cells  # the row the last chunk left open goes on here
            self.open_row_cells = counts[-1]
            self.most_cells_in_a_row = max(self.most_cells_in_a_row, *counts)

    def finish(self) -> _Extent:
        e = self.extent
        if e.unplaced:  # as far as counting could take them (an upper bound)
            e.rows = max(e.rows, self.highest_row_tag) + self.row_tags
            e.cols = e.cols + self.most_cells_in_a_row
        self.judge(e)
        return e

    def too_large(self, e: _Extent) -> bool:
        return e.rows > self.limits.rows or e.rows * e.cols > self.limits.cells

    def judge(self, e: _Extent, reach: str = "一直") -> None:
        limits = self.limits
        if self.too_large(e):
            raise Refused(f"工作表“{self.sheet}”的单元格{reach}用到 {column_letters(e.cols)}{e.rows}"
                          f"({e.rows:,} 行 × {e.cols:,} 列),超过上限(每表 {limits.rows:,} 行、{limits.cells:,} 个单元格);"
                          f"若远处有误填的内容,请删除多余的行和列后保存;台账确实这么大时,请分成几个工作簿")


def _size(n: int) -> str:
    return f"{n / 2**30:.1f} GB" if n >= 2**30 else f"{n / 2**20:,.0f} MB" if n >= 2**20 else f"{n:,} 字节"


def _sheet_names(z) -> dict[str, str]:
    """``{part name: sheet name}`` from the workbook's own list (as far as it can be read)."""
    import zipfile

    names: dict[str, str] = {}
    try:
        book = z.read("xl/workbook.xml") if z.getinfo("xl/workbook.xml").file_size < 16 * 2**20 else b""
        rels = (z.read("xl/_rels/workbook.xml.rels")
                if z.getinfo("xl/_rels/workbook.xml.rels").file_size < 16 * 2**20 else b"")
    except (KeyError, zipfile.BadZipFile, OSError, ValueError, zlib.error, EOFError, NotImplementedError):
        return names
    targets = {}
    for tag in re.findall(rb"<(?:\w+:)?Relationship\s[^>]*>", rels):
        rid = re.search(rb"\bId\s*=\s*[\"']([^\"']+)", tag)
        target = re.search(rb"\bTarget\s*=\s*[\"']([^\"']+)", tag)
        if rid and target:
            t = target[1].decode("utf-8", "replace").lstrip("/")
            targets[rid[1]] = t if t.startswith("xl/") else "xl/" + t
    for tag in re.findall(rb"<(?:\w+:)?sheet\s[^>]*>", book):
        name = re.search(rb"\bname\s*=\s*[\"']([^\"']*)", tag)
        rid = re.search(rb"\br:id\s*=\s*[\"']([^\"']+)", tag) or re.search(rb"\b\w+:id\s*=\s*[\"']([^\"']+)", tag)
        if name and rid and rid[1] in targets:
            names[targets[rid[1]].lower()] = html.unescape(name[1].decode("utf-8", "replace"))
    return names


def inspect(path: Path, limits: Limits = LEDGER) -> str | None:
    """Why the workbook at ``path`` must not be handed to the reader (Chinese), or None. A
    file that is not a zip at all (an old ``.xls``) gives None: the reader says what it is."""
    import zipfile

    try:
        with open(path, "rb") as fh, zipfile.ZipFile(fh) as z:
            infos = z.infolist()
            declared = sum(i.file_size for i in infos)
            if declared > limits.unpacked:
                return (f"工作簿解压后有 {_size(declared)},超过上限 {_size(limits.unpacked)};"
                        f"这不像是台账,可能是损坏或恶意的文件")
            names = _sheet_names(z)
            total = cells = 0
            for info in infos:
                if info.is_dir():
                    continue
                sheet = names.get(info.filename.lower(), info.filename)
                scan = _SheetScan(sheet, limits) if SHEET_PART.match(info.filename) else None
                total = _inflate(fh, info, limits, total, scan)
                if scan is None:
                    continue
                e = scan.finish()
                cells += e.rows * e.cols
                if cells > limits.total_cells:
                    return (f"各工作表共有超过 {limits.total_cells:,} 个单元格(到“{sheet}”为止已有 {cells:,} 个),"
                            f"超过上限;请把台账分成几个工作簿")
    except Refused as exc:
        return str(exc)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, EOFError, struct.error):
        if _is_zip(path):
            return f"工作簿已损坏(压缩包的结构有误);{SAVE_AS}"
        return None  # not a zip: an old .xls, an encrypted workbook (OLE2) or another file
    except OSError:
        return None  # the reader says why the file cannot be opened
    return None


def _is_zip(path: Path) -> bool:
    try:
        with open(path, "rb") as fh:
            return fh.read(4) == b"PK\x03\x04"
    except OSError:
        return False


def _inflate(fh, info, limits: Limits, total: int, scan: _SheetScan | None) -> int:
    """Inflate one part from the file, counting what comes out; return the running total of
    all parts. Raises Refused with the reason."""
    name = info.filename
    if info.flag_bits & 0x1:
        raise Refused(f"工作簿已加密(部件 {name});{SAVE_AS}(不设密码)")
    if info.compress_type not in (0, 8):
        raise Refused(f"工作簿的部件 {name} 用了 Excel 不用的压缩方式;{SAVE_AS}")
    fh.seek(info.header_offset)
    header = fh.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise Refused(f"工作簿已损坏(部件 {name} 找不到);{SAVE_AS}")
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    fh.seek(info.header_offset + 30 + name_len + extra_len)
    part = _Part(name, info, limits, total, scan)
    left = info.compress_size
    inflater = zlib.decompressobj(-15) if info.compress_type == 8 else None
    try:
        while left > 0:
            raw = fh.read(min(CHUNK, left))
            if not raw:
                raise Refused(f"工作簿已损坏(部件 {name} 不完整);{SAVE_AS}")
            left -= len(raw)
            part.packed += len(raw)
            if inflater is None:
                part.take(raw)
                continue
            part.take(inflater.decompress(raw, CHUNK))
            while inflater.unconsumed_tail:
                part.take(inflater.decompress(inflater.unconsumed_tail, CHUNK))
            if inflater.eof:
                break
        if inflater is not None and not inflater.eof:
            part.take(inflater.flush())
    except zlib.error as exc:
        raise Refused(f"工作簿已损坏(部件 {name} 无法解压);{SAVE_AS}") from exc
    if part.out != info.file_size:
        raise Refused(f"工作簿已损坏:部件 {name} 解压后的大小与文件所记不符;{SAVE_AS}")
    part.finish()
    return part.total


class _Part:
    """What has come out of one part so far, judged as it comes."""

    def __init__(self, name: str, info, limits: Limits, total: int, scan: _SheetScan | None):
        self.name, self.info, self.limits, self.total, self.scan = name, info, limits, total, scan
        self.xml = name.lower().endswith((".xml", ".rels", ".vml"))
        self.out = self.packed = 0
        self.run = 0        # bytes since the last "<"
        self.carry = b""    # a sheet's tag cut at the end of the last chunk
        self.tail = b""     # the last bytes of the last chunk (for a word cut in two)
        self.strings = 0 if _SHARED_STRINGS.match(name) else None  # entries of the shared strings

    def take(self, data: bytes) -> None:
        if not data:
            return
        name, limits = self.name, self.limits
        self.out += len(data)
        self.total += len(data)
        if self.out > self.info.file_size:
            raise Refused(f"工作簿已损坏或被改动:部件 {name} 解压后比文件所记的 {_size(self.info.file_size)} 大;{SAVE_AS}")
        if self.total > limits.unpacked:
            raise Refused(f"工作簿解压后超过上限 {_size(limits.unpacked)};这不像是台账,可能是损坏或恶意的文件")
        if self.out > GRACE and self.out > limits.ratio * max(self.packed, 1):
            raise Refused(f"工作簿的部件 {name} 解压后是压缩时的 {self.out // max(self.packed, 1):,} 倍"
                          f"(上限 {limits.ratio} 倍),这是“压缩炸弹”的特征,未读取;若文件来自他人,请对方另存为 .xlsx 后重发")
        if not self.xml:
            return
        longest = 0
        for at in range(0, len(data), ITEM_BLOCK):  # bytes since the last "<", to within one block
            block = data[at:at + ITEM_BLOCK]
            last = block.rfind(b"<")
            if last < 0:
                self.run += len(block)
                longest = max(longest, self.run)
            else:
                self.run = len(block) - last - 1
        if max(longest, self.run) > limits.item:
            raise Refused(f"工作簿的部件 {name} 中有一项内容(文字或注释)超过 {_size(limits.item)},"
                          f"不像是 Excel 写出的;未读取。{SAVE_AS}")
        if b"<!ENTITY" in self.tail + data[:16] or b"<!ENTITY" in data:
            raise Refused(f"工作簿的部件 {name} 声明了 XML 实体(<!ENTITY),Excel 不会这样写;未读取")
        self.tail = data[-16:]
        if self.strings is not None:
            self.strings += data.count(b"<si>") + data.count(b"<si ")
            if self.strings > limits.total_cells:
                raise Refused(f"工作簿的共享文字表有超过 {limits.total_cells:,} 项,超过上限;这不像是台账,可能是损坏或恶意的文件")
        if self.scan is not None:
            end = data.rfind(b">")
            if end < 0:
                self.carry += data
            else:
                self.scan.feed(self.carry + data[:end + 1])
                self.carry = data[end + 1:]
            if len(self.carry) > limits.item:
                raise Refused(f"工作簿的部件 {name} 中有一个标签超过 {_size(limits.item)},不像是 Excel 写出的;未读取。{SAVE_AS}")

    def finish(self) -> None:
        if self.scan is not None and self.carry.strip():
            self.scan.feed(self.carry)
