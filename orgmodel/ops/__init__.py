"""Directive kinds. Importing this package registers every op."""

from .registry import ALIASES, OPS, OpSpec, lookup, op
from . import basic, names, quota, restructure  # noqa: F401  (registers handlers)

__all__ = ["ALIASES", "OPS", "OpSpec", "lookup", "op"]
