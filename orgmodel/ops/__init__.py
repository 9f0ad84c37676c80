"""Directive kinds. Importing this package registers every op."""

from . import basic, merge, names, quota, reshape, restructure, split, staffing, template  # noqa: F401  (registers handlers)
from .registry import ALIASES, OPS, OpSpec, lookup, op

__all__ = ["ALIASES", "OPS", "OpSpec", "lookup", "op"]
