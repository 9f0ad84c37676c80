"""Rule checks (编制规则检查): one registry of every check, its id, title and severity.

State rules are plain functions ``(state, config) -> [Finding]`` run on a replayed state;
roster rules (:mod:`.roster`) are declared here and checked by the roster audit. Each
family of rules lives in its own module; importing this package registers them all.
Parameters (township limits, quota bands, rank limits …) come from the per-province
config; ``rules: {rule_id: {severity: ..., enabled: ...}}`` overrides a rule's severity or
turns it off. docs/rules.md documents every rule id.
"""

from __future__ import annotations

# Importing the family modules registers their rules.
from . import grids, hiring, limits, pools, purity, roster, standards, structure, totals  # noqa: F401
from .registry import (
    ROSTER,
    RULES,
    SEVERITIES,
    STATE,
    Rule,
    declare,
    flag,
    rule,
    rule_settings,
    rules_of,
    run_rules,
    settle,
    severity_of,
)

__all__ = ["ROSTER", "RULES", "SEVERITIES", "STATE", "Rule", "declare", "flag", "rule", "rule_settings", "rules_of",
           "run_rules", "settle", "severity_of"]
