"""The audit report: every finding of a ledger, grouped by severity and rule.

Layout: ``OUT/index.html`` lists the findings; the balance pages they link to are
written alongside in ``OUT/balance/`` so the folder is complete on its own.
"""

from __future__ import annotations

from pathlib import Path

from ..answers.checking import Checked
from ..core.findings import SEVERITY_LABELS, SEVERITY_ORDER, Finding
from ..core.titles import title_of
from ..state import State
from .balance_report import write_balance_report
from .render import environment, write_page
from .site import INDEX_FILE, counties_link, county_codes, jurisdiction_name, page_of, search_config, search_file_names, town_file

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


def finding_groups(state: State, findings: list[Finding], prefix: str = f"{BALANCE_DIR}/") -> list[dict]:
    """Findings grouped by (severity, rule), errors first, each with a link to its page (the
    balance pages sit under ``prefix``) and the id of the body it concerns, if any."""
    groups = {}
    for f in findings:
        page, place = place_of(state, f)
        item = {"rule": f.rule, "severity": f.severity, "message": f.message, "body": f.body,
                "source": str(f.source) if f.source else None,
                "href": f"{prefix}{page}" if page else None, "place": place,
                "body_id": next((i for i in f.subjects if i in state.bodies), None)}
        groups.setdefault((f.severity, f.rule), []).append(item)
    ordered = sorted(groups.items(), key=lambda kv: (SEVERITY_ORDER.get(kv[0][0], 9), kv[0][1]))
    return [{"severity": sev, "severity_label": SEVERITY_LABELS.get(sev, sev), "rule": rule,
             "rule_label": title_of(rule), "rows": sorted(items, key=lambda i: (i["source"] or "", i["message"]))}
            for (sev, rule), items in ordered]


def roster_section(state: State, rec, years: int) -> dict:
    """The roster part of the audit page: who was reconciled, the findings per kind and
    township (counts), the bodies where the roster and the ledger differ, and the forecast of
    vacancies as people retire (a chart of the totals per year and the township table)."""
    from ..roster.forecast import by_township, forecast
    from .charts import bar_chart

    latest = rec.latest
    kinds: dict[tuple[str, str], int] = {}
    for f in rec.findings:
        code = f.divisions[0] if f.divisions else ""
        name = state.divisions[code].name if code in state.divisions else "(未定位)"
        kinds[(f.title, name)] = kinds.get((f.title, name), 0) + 1
    counts = latest.counts
    differ = counts[counts["difference"] != 0]
    table = by_township(state, forecast(latest, years))
    span = [int(c.split("_")[1]) for c in table.columns if c.startswith("retire_")]
    per_year = [(f"{y} 年", None, int(table[f"retire_{y}"].sum()), int(table[f"vacant_{y}"].sum())) for y in span]
    return {"snapshots": [s.display for s in rec.roster.snapshots], "as_of": latest.as_of,
            "people": len(latest.snapshot.people), "in_post": int(counts["roster"].sum()),
            "ledger_actual": int(counts["ledger_actual"].sum()), "approved": int(counts["approved"].sum()),
            "kinds": [{"rule": k, "division": d, "count": n} for (k, d), n in sorted(kinds.items())],
            "differ": [{"body": r.body, "division": r.division, "quota_type": r.quota_type, "approved": int(r.approved),
                        "ledger_actual": int(r.ledger_actual), "roster": int(r.roster), "difference": int(r.difference),
                        "href": f"{BALANCE_DIR}/{page_of(state, r.division_code)}"} for r in differ.itertuples()],
            "years": span, "chart": bar_chart(per_year, ("到龄退休", "年末空编")) if per_year else None,
            "forecast": table.to_dict("records"), "vacant_now": int(table["vacant"].sum()) if len(table) else 0,
            "planned": int(table["planned"].sum()) if len(table) else 0}


def write_audit_report(checked: Checked, out: str | Path, templates: str | Path | None = None,
                       roster=None, forecast_years: int = 5) -> tuple[list[Path], list[Finding]]:
    """Write ``OUT/index.html`` (the findings of a checked ledger) and the balance pages in ``OUT/balance/``.
    With ``roster`` (a :class:`~orgmodel.roster.Reconciled`), the page gains the roster section
    and its findings, and is marked 内部资料: it names people (ID numbers masked).

    Returns the paths written (the findings page first) and the findings.
    """
    findings, state = checked.findings, checked.state
    if roster is not None:
        findings = [*findings, *roster.findings]
    out = Path(out)
    balance = write_balance_report(checked, out / BALANCE_DIR, templates=templates,
                                   extra_links=[{"href": f"../{INDEX_FILE}", "label": "问题清单"}])
    groups = finding_groups(state, findings)
    counts = {sev: sum(f.severity == sev for f in findings) for sev in SEVERITY_LABELS}
    root = jurisdiction_name(state)
    town_names = {town_file(c): d.name for c, d in state.divisions.items()}
    towns = [{"file": f"{BALANCE_DIR}/{p.name}", "name": town_names.get(p.name, p.name)}
             for p in balance if p.name.startswith("town-")]
    page = write_page(environment(templates, state.config, checked.ledger), "audit.html", out / INDEX_FILE, page="audit", jurisdiction=root,
                      as_of=state.as_of, public=False, groups=groups, counts=counts, labels=SEVERITY_LABELS,
                      total=len(findings), towns=towns, index_file=f"{BALANCE_DIR}/index.html",
                      county_file=counties_link(county_codes(state), f"{BALANCE_DIR}/"), search=search_config(search_file_names(state), BALANCE_DIR),
                      extra_links=[{"href": INDEX_FILE, "label": "问题清单"}], internal=roster is not None,
                      roster=roster_section(state, roster, forecast_years) if roster is not None else None)
    return [page, *balance], findings
