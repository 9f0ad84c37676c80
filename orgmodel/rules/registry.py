"""The rule registry: plain functions ``(state, config) -> iterable of Finding``.

A rule is registered with :func:`rule`. :func:`run_rules` runs every enabled rule and
applies the per-province ``rules:`` config section
(``rules: {rule_id: {severity: warning, enabled: false}}``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from ..core.config import Config
from ..core.findings import ERROR, INFO, SEVERITY_LABELS, WARNING, Finding, Source
from ..state import State
from ..state.records import subject_of

SEVERITIES = (ERROR, WARNING, INFO)


@dataclass(frozen=True)
class Rule:
    """One registered check: id, Chinese title, default severity and the function."""

    id: str
    title: str
    severity: str
    fn: Callable[[State, Config], Iterable[Finding]]


RULES: dict[str, Rule] = {}


def rule(rule_id: str, title: str, severity: str = ERROR):
    """Register ``fn(state, config)`` as the check ``rule_id`` with a Chinese ``title``."""
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r} for rule {rule_id}")

    def wrap(fn):
        if rule_id in RULES:
            raise ValueError(f"rule {rule_id} registered twice")
        RULES[rule_id] = Rule(rule_id, title, severity, fn)
        return fn
    return wrap


def flag(rule_id: str, message: str, source=None, subject=None) -> Finding:
    """A finding of ``rule_id`` at its default severity (run_rules applies overrides).
    ``subject`` is what it concerns: a body, pool or division (kept by id), or a name."""
    name, ids, divisions = subject_of(subject)
    return Finding(rule_id, message, source, RULES[rule_id].severity, name, ids, divisions)


def rule_settings(config: Config) -> tuple[dict[str, tuple[bool, str]], list[Finding]]:
    """Per rule id: (enabled, severity) from the config, plus findings about a bad section."""
    section = config.get("rules") or {}
    where = Source(config.path or "defaults.yaml")
    problems: list[Finding] = []
    if not isinstance(section, dict):
        return _defaults(), [Finding("config", "配置项 rules 应为映射:规则编号: {severity: ..., enabled: ...}", where)]
    settings = _defaults()
    for rule_id, opts in section.items():
        if rule_id not in RULES:
            known = "、".join(RULES)
            problems.append(Finding("config", f"配置项 rules 中有未知的规则“{rule_id}”;可用:{known}", where, WARNING))
            continue
        opts = opts if isinstance(opts, dict) else {}
        enabled, severity = settings[rule_id]
        enabled = bool(opts.get("enabled", enabled))
        wanted = opts.get("severity", severity)
        if wanted not in SEVERITIES:
            allowed = "、".join(f"{s}({SEVERITY_LABELS[s]})" for s in SEVERITIES)
            problems.append(Finding("config", f"规则“{rule_id}”的 severity“{wanted}”无效;应为 {allowed}", where, WARNING))
            wanted = severity
        settings[rule_id] = (enabled, wanted)
    return settings, problems


def _defaults() -> dict[str, tuple[bool, str]]:
    return {r.id: (True, r.severity) for r in RULES.values()}


def run_rules(state: State, config: Config | None = None) -> list[Finding]:
    """Run every enabled rule on ``state``; severities follow the config's ``rules:`` section.

    Returns the findings of all rules (in registry order) plus any problem with the
    ``rules:`` section itself. Never raises on ledger content.
    """
    config = config if config is not None else state.config
    settings, findings = rule_settings(config)
    for r in RULES.values():
        enabled, severity = settings[r.id]
        if not enabled:
            continue
        try:
            for f in r.fn(state, config):
                if f.subjects and f.subjects[0] in state.bodies:  # name the body so it cannot be mistaken
                    f = replace(f, body=state.reference(state.bodies[f.subjects[0]]))
                findings.append(f if f.severity == severity else replace(f, severity=severity))
        except Exception as exc:  # noqa: BLE001 - a rule bug must not hide the other rules' findings
            findings.append(Finding("internal-error", f"规则“{r.id}”检查时发生内部错误({type(exc).__name__}: {exc});请报告维护人员"))
    return findings
