"""Click's own words in Chinese, through the extension point click offers for it: click
marks every string a user sees with :mod:`gettext`, so a message catalogue for the
process's text domain translates them. :func:`install` points gettext at the catalogue
shipped in ``orgmodel/locale`` (built from :data:`CLICK_ZH` by ``scripts/build_locale.py``).
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "orgmodel"
LOCALE_DIR = Path(__file__).parents[1] / "locale"

# msgid (or (singular, plural)) -> Chinese; the placeholders are click's own
CLICK_ZH: dict = {
    "Usage:": "用法:",
    "Options": "选项",
    "Commands": "命令",
    "Positional arguments": "参数",
    "Show this message and exit.": "显示本帮助并退出。",
    "Show the version and exit.": "显示版本并退出。",
    "%(prog)s, version %(version)s": "%(prog)s,版本 %(version)s",
    "default: {default}": "默认:{default}",
    "env var: {var}": "环境变量:{var}",
    "(dynamic)": "(动态)",
    "deprecated": "已停用",
    "required": "必填",
    "Aborted!": "已中止!",
    "Missing command.": "缺少命令。",
    "Error: {message}": "错误:{message}",
    "Try '{command} {option}' for help.": "运行“{command} {option}”查看帮助。",
    "Missing argument": "缺少参数",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing {param_type}": "缺少{param_type}",
    "Missing parameter: {param_name}": "缺少参数:{param_name}",
    "argument": "参数",
    "option": "选项",
    "parameter": "参数",
    "No such option {name!r}.": "没有选项 {name!r}。",
    "No such option: {name}": "没有选项:{name}",
    "No such command {name!r}.": "没有命令 {name!r}。",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效:{message}",
    "Invalid value: {message}": "值无效:{message}",
    "unknown error": "未知错误",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}:{message}",
    ("Did you mean {possibility}?", "(Did you mean one of: {possibilities}?)"): "是否是 {possibilities}?",
    ("Got unexpected extra argument ({args})", "Got unexpected extra arguments ({args})"): "多了参数({args})",
    ("Takes {nargs} values but 1 was given.", "Takes {nargs} values but {len} were given."): "需要 {nargs} 个值,实际给了 {len} 个。",
    "Value must be an iterable.": "值须为列表。",
    "Invalid start character for option ({option})": "选项开头的字符无效({option})",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    ("Option {name!r} requires an argument.", "Option {name!r} requires {nargs} arguments."): "选项 {name!r} 需要给出值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Choose from:\n\t{choices}": "可选:\n\t{choices}",
    ("{value!r} is not {choice}.", "{value!r} is not one of {choices}."): "{value!r} 无效;可选:{choices}。",
    ("{value!r} does not match the format {format}.", "{value!r} does not match the formats {formats}."):
        "{value!r} 不符合格式 {formats}。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的{number_type}。",
    "{value} is not in the range {range}.": "{value} 不在范围 {range} 内。",
    "{value!r} is not a valid boolean. Recognized values: {states}": "{value!r} 不是有效的是/否值;可写:{states}",
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    "file": "文件",
    "directory": "文件夹",
    "path": "路径",
    "{name} {filename!r} is a file.": "{name} {filename!r} 是文件。",
    "{name} {filename!r} is a directory.": "{name} {filename!r} 是文件夹。",
    "{name} {filename!r} is not readable.": "{name} {filename!r} 无法读取。",
    "{name} {filename!r} is not writable.": "{name} {filename!r} 无法写入。",
    "{name} {filename!r} is not executable.": "{name} {filename!r} 不可执行。",
    "{name} {filename!r} does not exist.": "{name} {filename!r} 不存在。",
    "Do you want to continue?": "是否继续?",
    "Confirm the action without prompting.": "不询问,直接执行。",
    "Repeat for confirmation": "请再输入一次以确认",
    "Error: The two entered values do not match.": "错误:两次输入不一致。",
    "Error: invalid input": "错误:输入无效",
    "Press any key to continue...": "按任意键继续……",
    "Couldn't detect Bash version, shell completion is not supported.": "无法判断 Bash 版本,不支持命令补全。",
    "Shell completion is not supported for Bash versions older than 4.4.": "Bash 4.4 以前的版本不支持命令补全。",
    ("{len_type} values are required, but {len_value} was given.",
     "{len_type} values are required, but {len_value} were given."): "需要 {len_type} 个值,实际给了 {len_value} 个。",
}


def mo_bytes(catalogue: dict) -> bytes:
    """A GNU message catalogue (.mo) of ``catalogue``: plural entries map (singular, plural)
    to one Chinese text (Chinese has one form)."""
    entries = {"": "Content-Type: text/plain; charset=UTF-8\nPlural-Forms: nplurals=1; plural=0;\n"}
    for key, value in catalogue.items():
        entries["\0".join(key) if isinstance(key, tuple) else key] = value
    keys = sorted(entries)
    ids = [k.encode("utf-8") for k in keys]
    strs = [entries[k].encode("utf-8") for k in keys]
    n = len(keys)
    header = 7 * 4
    ids_start = header + 2 * 8 * n
    offsets, blob_ids, pos = [], b"", ids_start
    for b in ids:
        offsets.append((len(b), pos))
        blob_ids += b + b"\0"
        pos += len(b) + 1
    str_offsets, blob_strs = [], b""
    for b in strs:
        str_offsets.append((len(b), pos))
        blob_strs += b + b"\0"
        pos += len(b) + 1
    import struct

    out = struct.pack("<7I", 0x950412DE, 0, n, header, header + 8 * n, 0, 0)
    out += b"".join(struct.pack("<2I", *o) for o in offsets)
    out += b"".join(struct.pack("<2I", *o) for o in str_offsets)
    return out + blob_ids + blob_strs


def install() -> None:
    """Make gettext (and so click) answer in Chinese in this process, whatever the system's
    language: the text domain is orgmodel's, and its language is zh_CN."""
    os.environ["LANGUAGE"] = "zh_CN"  # gettext reads the language from here first, on every system
    gettext.bindtextdomain(DOMAIN, str(LOCALE_DIR))
    gettext.textdomain(DOMAIN)
