"""Per-province configuration: quota types, rule parameters, templates.

Defaults ship in ``defaults.yaml``; a user's file overrides them key by key.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from .text import os_error_text

DEFAULTS_PATH = Path(__file__).with_name("defaults.yaml")
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


def load_config(path: str | Path | None = None) -> Config:
    """Return the defaults, overridden key by key by the YAML file at ``path`` if given.

    Raises ConfigError with a Chinese message when the file is missing or malformed.
    """
    data = copy.deepcopy(_defaults())
    if path is None:
        return Config(data)
    p = Path(path)
    try:
        with p.open(encoding="utf-8") as fh:
            user = yaml.safe_load(fh) or {}
    except OSError as exc:
        raise ConfigError(f"{p}: 无法读取配置文件({os_error_text(exc)})") from exc
    except yaml.YAMLError as exc:
        line = getattr(getattr(exc, "problem_mark", None), "line", -1) + 1
        raise ConfigError(f"{p}:{line}: 配置文件不是合法的 YAML") from exc
    if not isinstance(user, dict):
        raise ConfigError(f"{p}:1: 配置文件应为键值映射(mapping)")
    data.update(user)
    return Config(data, str(p))
