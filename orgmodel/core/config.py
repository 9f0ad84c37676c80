"""Per-province configuration: quota types, rule parameters, templates.

Defaults ship in ``defaults.yaml``; a user's file overrides them key by key.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .config_check import check_config, key_lines
from .paths import not_regular
from .schema import MAX_EXPANDED, expanded_size
from .text import os_error_text

DEFAULTS_PATH = Path(__file__).parents[1] / "defaults.yaml"
LEDGER_CONFIG_NAME = "orgmodel.yaml"


class ConfigError(Exception):
    """The configuration file cannot be read or is malformed."""


@dataclass(frozen=True)
class Config:
    """Configuration values, read-only once loaded."""

    data: dict = field(default_factory=dict)
    path: str | None = None

    @property
    def quota_types(self) -> tuple[str, ...]:
        return tuple(self.data.get("quota_types", ()))

    @property
    def leader_kinds(self) -> tuple[str, ...]:
        return tuple(self.data.get("leader_kinds", ("正职", "副职")))

    def get(self, key, default=None):
        return self.data.get(key, default)


@lru_cache(maxsize=1)
def _defaults() -> dict:
    with DEFAULTS_PATH.open(encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def load_config(path: str | Path | None = None, rule_ids: Collection[str] | None = None) -> Config:
    """Return the defaults, overridden key by key by the YAML file at ``path`` if given.

    Raises ConfigError with a Chinese message when the file is missing or malformed.
    ``rule_ids`` are the rules its ``rules:`` section may name (from the rule registry; see
    :func:`orgmodel.core.config_check.check_config`).
    """
    data = copy.deepcopy(_defaults())
    if path is None:
        return Config(data)
    p = Path(path)
    if (why := not_regular(p)) is not None:
        raise ConfigError(f"{p}: {why};配置须为 YAML 文件")
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{p}: 无法读取配置文件({os_error_text(exc)})") from exc
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{p}: [配置有误] 配置文件不是 UTF-8 编码;请在编辑器中另存为 UTF-8") from exc
    return load_config_text(text, str(p), rule_ids)


def load_config_text(text: str, p: str, rule_ids: Collection[str] | None = None) -> Config:
    """The defaults overridden by the YAML ``text`` (named ``p`` in messages); see :func:`load_config`."""
    data = copy.deepcopy(_defaults())
    try:
        user = yaml.safe_load(text) or {}
    except RecursionError as exc:
        raise ConfigError(f"{p}:1: [配置有误] 配置文件中括号嵌套过深") from exc
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", -1) + 1
        raise ConfigError(f"{p}:{line}: [配置有误] 配置文件不是合法的 YAML;请检查缩进、冒号和引号") from exc
    except ValueError as exc:  # PyYAML reads 2014-13-01 as a date and fails without a place
        line, day = _bad_date(text)
        raise ConfigError(f"{p}:{line}: [配置有误] 日期“{day}”不存在;日期应写为 年-月-日,如 2014-11-13") from exc
    if not isinstance(user, dict):
        raise ConfigError(f"{p}:1: [配置有误] 配置文件应为“配置项: 值”的映射")
    if ("&" in text and "*" in text) and expanded_size(user, MAX_EXPANDED * 10) > MAX_EXPANDED * 10:
        raise ConfigError(f"{p}:1: [配置有误] 配置文件经别名(*)展开后过大;请删除别名,直接写出各项")
    bad_keys = _non_text_keys(user)
    if bad_keys:
        raise ConfigError("\n".join(f"{p}:1: [配置有误] {path}: 键“{k}”应为文字(请加引号)" for path, k in bad_keys[:20]))

    data.update(user)
    problems = check_config(data, _defaults(), keys=list(user), rule_ids=rule_ids)
    if problems:
        lines = key_lines(text)
        located = sorted((_line_of(lines, key), key, msg) for key, msg in problems)
        raise ConfigError("\n".join(f"{p}:{line}: [配置有误] {key}: {msg}" for line, key, msg in located)
                          + f"\n配置有 {len(problems)} 处问题,未使用;请修正后重试(各配置项的含义见 orgmodel/defaults.yaml)")
    return Config(data, str(p))


def _bad_date(text: str) -> tuple[int, str]:
    """The first line holding a date-like word that is no date, and that word (``(1, "")`` if none)."""
    for i, line in enumerate(text.splitlines(), 1):
        for found in _DATE_LIKE.finditer(line):
            try:
                dt.date(*map(int, found.groups()))
            except ValueError:
                return i, found.group(0)
    return 1, ""


_DATE_LIKE = re.compile(r"\b(\d{4})-(\d{1,2})-(\d{1,2})\b")


def _non_text_keys(value, path: str = "") -> list[tuple[str, object]]:
    """Mapping keys that are not text (``1:``, ``yes:``, ``~:``), with where they are."""
    out = []
    if isinstance(value, dict):
        for k, v in value.items():
            if not isinstance(k, str):
                out.append((path or "(顶层)", k))
            out += _non_text_keys(v, f"{path}.{k}" if path else str(k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _non_text_keys(v, f"{path}[{i}]")
    return out


def _line_of(lines: dict[str, int], key: str) -> int:
    """The line of ``key`` (``a.b[2].c``), else of the nearest enclosing key it is under."""
    while key:
        if key in lines:
            return lines[key]
        key = key.rsplit(".", 1)[0] if "." in key else key.rsplit("[", 1)[0] if "[" in key else ""
    return 1
