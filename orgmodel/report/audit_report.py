"""The audit report: every finding of a ledger, grouped by severity and rule.

Layout: ``OUT/index.html`` lists the findings; the balance pages they link to are
written alongside in ``OUT/balance/`` so the folder is complete on its own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..findings import SEVERITY_LABELS, SEVERITY_ORDER, Finding
from ..state import State
from .balance_report import write_balance_report
from .render import environment, write_page
from .site import INDEX_FILE, counties_link, county_codes, jurisdiction_name, linked_index, page_of, town_file

BALANCE_DIR = "balance"
REF_FIELDS = ("body", "to", "from", "lead", "name", "division")


def rule_titles() -> dict[str, str]:
    """Chinese titles of the registered rules (empty until the rules package exists)."""
    try:
        from ..rules import RULES
    except ImportError:
        return {}
    return {r.id: r.title for r in RULES.values()}


def directive_at(ledger) -> dict:
    """``{(file, line): directive}`` for every line a directive or one of its fields sits on."""
    out = {}
    for d in ledger.directives:
        out[(d.source.file, d.source.line)] = d
        for line in d.lines.values():
            out.setdefault((d.source.file, line), d)
    return out


def place_of(state: State, f: Finding, directives: dict) -> tuple[str | None, str | None]:
    """The page (file name) and place name a finding concerns, or (None, None)."""
    refs = [f.body] if f.body else []
    d = directives.get((f.source.file, f.source.line)) if f.source else None
    if d is not None:
        refs += [str(d.fields[k]) for k in REF_FIELDS if isinstance(d.fields.get(k), str)]
    for ref in refs:
        # a name shared by many bodies cannot place the finding; skip find_body, which would
        # spell out every division holding it (thousands at province scale) just to say so
        shared = "/" not in ref and len(state.by_name.get(ref, ())) > 1
        body = None if shared else state.find_body(ref)[0]
        if body is not None:
            return page_of(state, body.division), state.divisions[body.division].name
        # a division, or the division part of "区划/名称" when the name has since changed
        div, _ = state.find_division(ref.rsplit("/", 1)[0])
        if div is not None:
            return page_of(state, div.code), div.name
    return None, None


def finding_groups(state: State, findings: list[Finding], directives: dict) -> list[dict]:
    """Findings grouped by (severity, rule), errors first, each with a link to its page."""
    titles, groups = rule_titles(), {}
    for f in findings:
        page, place = place_of(state, f, directives)
        item = {"rule": f.rule, "severity": f.severity, "message": f.message, "body": f.body,
                "source": str(f.source) if f.source else None,
                "href": f"{BALANCE_DIR}/{page}" if page else None, "place": place}
        groups.setdefault((f.severity, f.rule), []).append(item)
    ordered = sorted(groups.items(), key=lambda kv: (SEVERITY_ORDER.get(kv[0][0], 9), kv[0][1]))
    return [{"severity": sev, "severity_label": SEVERITY_LABELS.get(sev, sev), "rule": rule,
             "rule_label": titles.get(rule), "rows": sorted(items, key=lambda i: (i["source"] or "", i["message"]))}
            for (sev, rule), items in ordered]


def write_audit_report(ledger, out: str | Path, as_of: dt.date | None = None,
                       templates: str | Path | None = None) -> tuple[list[Path], list[Finding]]:
    """Write ``OUT/index.html`` (findings) and the balance pages in ``OUT/balance/``.

    Returns the paths written (the findings page first) and the findings.
    """
    from ..commands.ledger_cmds import ledger_findings

    findings, state = ledger_findings(ledger, as_of)
    out = Path(out)
    balance = write_balance_report(ledger, out / BALANCE_DIR, state=state, templates=templates,
                                   extra_links=[{"href": f"../{INDEX_FILE}", "label": "问题清单"}])
    groups = finding_groups(state, findings, directive_at(ledger))
    counts = {sev: sum(f.severity == sev for f in findings) for sev in SEVERITY_LABELS}
    root = jurisdiction_name(state)
    town_names = {town_file(c): d.name for c, d in state.divisions.items()}
    towns = [{"file": f"{BALANCE_DIR}/{p.name}", "name": town_names.get(p.name, p.name)}
             for p in balance if p.name.startswith("town-")]
    page = write_page(environment(templates), "audit.html", out / INDEX_FILE, page="audit", jurisdiction=root,
                      as_of=state.as_of, public=False, groups=groups, counts=counts, labels=SEVERITY_LABELS,
                      total=len(findings), towns=towns, index_file=f"{BALANCE_DIR}/index.html",
                      county_file=counties_link(county_codes(state), f"{BALANCE_DIR}/"), search=linked_index(state, BALANCE_DIR),
                      extra_links=[{"href": INDEX_FILE, "label": "问题清单"}])
    return [page, *balance], findings
