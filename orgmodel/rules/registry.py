"""The rule registry: every check's id, Chinese title and default severity.

Two scopes of rule share it:

- **state** rules are plain functions ``(state, config) -> iterable of Finding``, registered
  with :func:`rule`; :func:`run_rules` runs every enabled one on a replayed state;
- **roster** rules are checked by the roster audit (:mod:`orgmodel.roster`) while it
  reconciles a roster with the ledger; they are only declared here (:func:`declare`), and
  the audit passes its findings through :func:`settle`.

Either way the per-province ``rules:`` config section
(``rules: {rule_id: {severity: warning, enabled: false}}``) turns a rule off or changes its
severity.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace

from ..core.config import Config
from ..core.findings import ERROR, INFO, SEVERITY_LABELS, WARNING, Finding, Source
from ..core.titles import register_title
from ..state import State
from ..state.records import subject_of

SEVERITIES = (ERROR, WARNING, INFO)
STATE, ROSTER = "state", "roster"  # the scopes of rules: run on a replayed state, or by the roster audit
SCOPES = (STATE, ROSTER)


@dataclass(frozen=True)
class Rule:
    """One registered check: id, Chinese title, default severity, its scope, and for a state
    rule the function :func:`run_rules` calls (None for a rule checked elsewhere)."""

    id: str
    title: str
    severity: str
    fn: Callable[[State, Config], Iterable[Finding]] | None = None
    scope: str = STATE


RULES: dict[str, Rule] = {}


def _register(r: Rule) -> None:
    if r.severity not in SEVERITIES:
        raise ValueError(f"unknown severity {r.severity!r} for rule {r.id}")
    if r.scope not in SCOPES:
        raise ValueError(f"unknown scope {r.scope!r} for rule {r.id}")
    if r.id in RULES:
        raise ValueError(f"rule {r.id} registered twice")
    RULES[r.id] = r
    register_title(r.id, r.title)


def rule(rule_id: str, title: str, severity: str = ERROR):
    """Register ``fn(state, config)`` as the state check ``rule_id`` with a Chinese ``title``."""
    if severity not in SEVERITIES:
        raise ValueError(f"unknown severity {severity!r} for rule {rule_id}")

    def wrap(fn):
        _register(Rule(rule_id, title, severity, fn, STATE))
        return fn
    return wrap


def declare(rule_id: str, title: str, severity: str = ERROR, scope: str = ROSTER) -> Rule:
    """Register ``rule_id`` as a check made outside :func:`run_rules` (by the roster audit):
    it has an id, a Chinese title and a default severity, and the config's ``rules:``
    section applies to its findings through :func:`settle`."""
    r = Rule(rule_id, title, severity, None, scope)
    _register(r)
    return r


def rules_of(scope: str) -> list[Rule]:
    """The registered rules of one scope, in registry order."""
    return [r for r in RULES.values() if r.scope == scope]


def severity_of(rule_id: str) -> str:
    """The default severity of the registered rule ``rule_id``."""
    return RULES[rule_id].severity


def flag(rule_id: str, message: str, source=None, subject=None) -> Finding:
    """A finding of ``rule_id`` at its default severity (run_rules applies overrides).
    ``subject`` is what it concerns: a body, pool or division (kept by id), or a name."""
    name, ids, divisions = subject_of(subject)
    return Finding(rule_id, message, source, RULES[rule_id].severity, name, ids, divisions)


# The same-day phases of the ops that approve quota or leader posts (see ops.registry)
QUOTA_PHASES = frozenset({"quota", "transfers", "functions", "templates", "merges", "splits", "bodies"})
POSTS_PHASES = frozenset({"posts", "templates"})


def refused_note(state: State, body, phases, qualifier: str | None = None, what: str = "编制") -> str:
    """``;另:核定其行政编制的 台账.xlsx!编制核定!C3 未读入、未计入(原因见该处)…`` when a directive that would have
    given ``body`` some of its figure (an op of ``phases``, concerning ``qualifier``: a quota
    type, a leader post kind) was refused: the finding then follows from that one, which is
    fixed first. Empty otherwise."""
    from ..ops import OPS

    names = {body.name, *(n for _, n in body.names)}
    for op, about, source in state.refused_changes(names, state.divisions.get(body.division)):
        spec = OPS.get(op)
        if spec is not None and spec.phase in phases and (not about or qualifier is None or qualifier in about):
            verb = "核定" if spec.phase == "posts" else spec.label
            figure = f"{qualifier or ''}{'' if (qualifier or '').endswith(what) else what}"
            return f";另:{verb}其{figure}的 {source} 未读入、未计入(原因见该处),请先修正那一处"
    return ""


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


def settle(findings: Iterable[Finding], config: Config) -> list[Finding]:
    """``findings`` under the config's ``rules:`` section: those of a disabled rule dropped,
    those of a registered rule at its configured severity, the rest (reading problems, which
    are not rules) as they are; the order is kept."""
    settings, _ = rule_settings(config)
    out = []
    for f in findings:
        enabled, severity = settings.get(f.rule, (True, f.severity))
        if enabled:
            out.append(f if f.severity == severity else replace(f, severity=severity))
    return out


def run_rules(state: State, config: Config | None = None) -> list[Finding]:
    """Run every enabled state rule on ``state``; severities follow the config's ``rules:`` section.

    Returns the findings of all state rules (in registry order) plus any problem with the
    ``rules:`` section itself. Never raises on ledger content.
    """
    config = config if config is not None else state.config
    settings, findings = rule_settings(config)
    for r in rules_of(STATE):
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
