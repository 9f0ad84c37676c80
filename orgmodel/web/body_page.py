"""The context of a body's page: what it is, its quota and posts, its duties, its people by
the roster, where its quota came from, its history (沿革) and its problems. Every figure comes
from the answer's tables (through the report's lookups); nothing is computed again here."""

from __future__ import annotations

from ..core.findings import SEVERITY_LABELS, SEVERITY_ORDER
from ..report.site import county_file, records, town_file
from ..report.trace_text import check_lines, retirement_lines
from ..state import Body
from .desk import Sheet


def body_context(sheet: Sheet, body: Body) -> dict:
    """Everything ``body``'s page shows (see the module docstring)."""
    state, answer, site = sheet.state, sheet.answer, sheet.site
    div = state.divisions[body.division]
    quota = site.looks.bodies.get(body.id, {})
    posts = site.looks.leaders.get(body.id, {})
    return {
        "body": body, "reference": state.reference(body), "division": div.name,
        "division_page": sheet.page_of(body.division), "crumbs": crumbs(sheet, body.division),
        "signboards": state.signboards(body) if body.active else [],
        "former": [(day, name) for day, name in body.names[:-1]],
        "links": _links(state, body),
        "quota": [quota[t] for t in state.config.quota_types if t in quota],
        "roster_column": "ledger_actual" in next(iter(quota.values()), {}),
        "posts": [dict(posts[k], kind=k) for k in state.config.leader_kinds if k in posts],
        "duties": _duties(state, body),
        "positions": list(body.positions.items()), "counts": list(body.counts.items()),
        "planned": {t: n for t, n in body.planned.items() if n},
        "off_quota": _off_quota(sheet, body.division),
        "standards": _standards(sheet, body),
        "secondments": _secondments(sheet, body),
        "trace": _trace(answer.trace(body)),
        "history": answer.history(body).entries,
        "successors": [(b, how.label) for b, how in state.successors(body)],
        "predecessors": state.predecessors(body),
        "findings": _findings(sheet, body),
        "roster": _roster(answer, body),
    }


def _trace(t) -> dict:
    """Where the body's quota came from, as the page's table shows it: each step (indented by
    its depth, a step with no record marked), what left it, and the check that it adds up."""
    return {"retired": retirement_lines(t), "steps": t.records(), "out": t.outflow_records(), "checks": check_lines(t)}


def crumbs(sheet: Sheet, code: str) -> list[dict]:
    """The pages above a body of division ``code``, below the overview: each division on the way
    down that has a page (a county's, a township's), and for a body of the jurisdiction itself
    its own county-level page."""
    state, pages = sheet.state, sheet.pages
    chain = list(reversed(state.ancestors(code)))
    out = []
    for i, c in enumerate(chain):
        town, county = town_file(c), county_file(c)
        if town in pages:
            out.append({"name": state.divisions[c].name, "file": town})
        elif county in pages and (i or c == code):
            label = state.divisions[c].name if i else sheet.site.county(c)["label"]
            out.append({"name": label, "file": county})
    return out


def _links(state, body: Body) -> list[tuple[str, Body]]:
    """The bodies it is linked to: 隶属, 领导机构, 派出单位."""
    out = []
    for label, other in (("隶属", state.parent(body)), ("领导机构", state.leader(body)), ("派出单位", state.dispatcher(body))):
        if other is not None:
            out.append((label, other))
    return out


def _duties(state, body: Body) -> list[dict]:
    out = []
    for key in state.duties_of(body):
        duty = state.duties[key]
        out.append({"name": duty.name, "category": duty.category or "",
                    "role": "牵头" if duty.lead == body.id else "配合",
                    "lead": state.bodies[duty.lead], "support": [state.bodies[i] for i in duty.support]})
    return out


def _off_quota(sheet: Sheet, code: str) -> dict | None:
    """Its division's own off-quota staff, grids and counts (they are kept per division)."""
    table = sheet.answer.tables.off_quota
    rows = records(table[table["division_code"] == code])
    row = rows[0] if rows else None
    return row if row and (row.get("own_off_quota_staff") or row.get("own_grids") or row.get("own_counts_detail")) else None


def _standards(sheet: Sheet, body: Body) -> list[dict]:
    """What each staffing standard that measures it implies (应核), against what it has (核定)."""
    table = sheet.answer.tables.standards
    return records(table[table["body_id"] == body.id])


def _secondments(sheet: Sheet, body: Body) -> list[dict]:
    """Its people seconded elsewhere, and people seconded to it, under way on the page's day."""
    table = sheet.answer.tables.secondments
    return records(table[(table["home_id"] == body.id) | (table["host_id"] == body.id)])


def _findings(sheet: Sheet, body: Body) -> list[dict]:
    found = [f for f in sheet.findings if body.id in f.subjects]
    found.sort(key=lambda f: (SEVERITY_ORDER.get(f.severity, 9), f.rule, str(f.source or "")))
    return [{"severity": f.severity, "severity_label": SEVERITY_LABELS.get(f.severity, f.severity), "rule": f.rule,
             "title": f.title, "message": f.message, "source": str(f.source or "")} for f in found]


def _roster(answer, body: Body) -> list[dict] | None:
    """Per quota type, the roster's in-post people beside the ledger's 实有 (None without a roster)."""
    rec = answer.reconciled
    if rec is None:
        return None
    counts = rec.latest.counts
    return records(counts[counts["body_id"] == body.id])
