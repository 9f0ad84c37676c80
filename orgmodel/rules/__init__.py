"""Rule checks (编制规则检查): one registry of plain functions ``(state, config) -> [Finding]``.

Each family of rules lives in its own module; importing this package registers them
all. Parameters (township limits, quota bands, rank limits …) come from the
per-province config; ``rules: {rule_id: {severity: ..., enabled: ...}}`` overrides
a rule's severity or turns it off. docs/rules.md documents every rule id.
"""

from __future__ import annotations

# Importing the family modules registers their rules.
from . import grids, hiring, limits, pools, purity, structure, totals  # noqa: F401
from .registry import RULES, SEVERITIES, Rule, flag, rule, rule_settings, run_rules

__all__ = ["RULES", "SEVERITIES", "Rule", "flag", "rule", "rule_settings", "run_rules"]
