"""The audit report: every finding of a ledger, grouped by severity and rule.

Layout: ``OUT/index.html`` lists the findings; the balance pages they link to are
written alongside in ``OUT/balance/`` so the folder is complete on its own.
"""

from __future__ import annotations

from pathlib import Path

from ..checking import Checked
from ..findings import SEVERITY_LABELS, SEVERITY_ORDER, Finding
from ..rules import RULES
from ..state import State
from .balance_report import write_balance_report
from .render import environment, write_page
from .site import INDEX_FILE, counties_link, county_codes, jurisdiction_name, linked_index, page_of, town_file

BALANCE_DIR = "balance"


def place_of(state: State, f: Finding) -> tuple[str | None, str | None]:
    """The page (file name) and place name a finding concerns, from the bodies and divisions
    it names (by id), or (None, None)."""
    for body_id in f.subjects:
        body = state.bodies.get(body_id)
        if body is not None and body.division in state.divisions:
            return page_of(state, body.division), state.divisions[body.division].name
    for code in f.divisions:
        if code in state.divisions:
            return page_of(state, code), state.divisions[code].name
    return None, None


def finding_groups(state: State, findings: list[Finding]) -> list[dict]:
    """Findings grouped by (severity, rule), errors first, each with a link to its page."""
    titles, groups = {r.id: r.title for r in RULES.values()}, {}
    for f in findings:
        page, place = place_of(state, f)
        item = {"rule": f.rule, "severity": f.severity, "message": f.message, "body": f.body,
                "source": str(f.source) if f.source else None,
                "href": f"{BALANCE_DIR}/{page}" if page else None, "place": place}
        groups.setdefault((f.severity, f.rule), []).append(item)
    ordered = sorted(groups.items(), key=lambda kv: (SEVERITY_ORDER.get(kv[0][0], 9), kv[0][1]))
    return [{"severity": sev, "severity_label": SEVERITY_LABELS.get(sev, sev), "rule": rule,
             "rule_label": titles.get(rule), "rows": sorted(items, key=lambda i: (i["source"] or "", i["message"]))}
            for (sev, rule), items in ordered]


def write_audit_report(checked: Checked, out: str | Path,
                       templates: str | Path | None = None) -> tuple[list[Path], list[Finding]]:
    """Write ``OUT/index.html`` (the findings of a checked ledger) and the balance pages in ``OUT/balance/``.

    Returns the paths written (the findings page first) and the findings.
    """
    findings, state = checked.findings, checked.state
    out = Path(out)
    balance = write_balance_report(checked, out / BALANCE_DIR, templates=templates,
                                   extra_links=[{"href": f"../{INDEX_FILE}", "label": "问题清单"}])
    groups = finding_groups(state, findings)
    counts = {sev: sum(f.severity == sev for f in findings) for sev in SEVERITY_LABELS}
    root = jurisdiction_name(state)
    town_names = {town_file(c): d.name for c, d in state.divisions.items()}
    towns = [{"file": f"{BALANCE_DIR}/{p.name}", "name": town_names.get(p.name, p.name)}
             for p in balance if p.name.startswith("town-")]
    page = write_page(environment(templates, state.config), "audit.html", out / INDEX_FILE, page="audit", jurisdiction=root,
                      as_of=state.as_of, public=False, groups=groups, counts=counts, labels=SEVERITY_LABELS,
                      total=len(findings), towns=towns, index_file=f"{BALANCE_DIR}/index.html",
                      county_file=counties_link(county_codes(state), f"{BALANCE_DIR}/"), search=linked_index(state, BALANCE_DIR),
                      extra_links=[{"href": INDEX_FILE, "label": "问题清单"}])
    return [page, *balance], findings
