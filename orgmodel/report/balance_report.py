"""The balance report: a jurisdiction index, one page per township and one per county-level
division (and per city or province with bodies of its own).

Every figure is read from the state's :class:`~orgmodel.balance.Tables`; the page
context only selects rows. ``public`` leaves out source paths and notes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ..answers.checking import Checked
from ..core.labels import POOL_LABELS
from ..figures.balance import Tables, is_own
from ..state import State
from . import charts
from .render import environment, write_page
from .site import (
    INDEX_FILE,
    Lookups,
    counties_link,
    county_codes,
    county_file,
    county_of,
    directive_notes,
    entries,
    entries_by_township,
    figures,
    jurisdiction_name,
    page_map,
    records,
    search_config,
    town_file,
    township_of,
    write_search_files,
)

CHART_MAX = 40


def present_types(state: State, recs: list[dict], cols=("approved", "actual")) -> list[str]:
    """Quota types (configured order) with a non-zero value in any of ``recs``' ``{type: rec}``."""
    return [t for t in state.config.quota_types
            if any(r.get(t) and any(r[t].get(c) for c in cols) for r in recs)]


def body_index(state: State) -> tuple[dict[int, str], dict[int, list[str]]]:
    """``({body id: name}, {body id: names of the duties it leads})``, built once per report."""
    leads: dict[int, list[str]] = {}
    for duty in state.duties.values():
        leads.setdefault(duty.lead, []).append(duty.name)
    return {b.id: b.name for b in state.bodies.values()}, leads


def _name(body) -> str | None:
    return None if body is None else body.name


def body_rows(state: State, looks: Lookups, bodies, index: tuple | None = None) -> list[dict]:
    """One row per body: names, attributes, its balance per type, leader posts and the duties it leads.

    ``index`` is :func:`body_index` of ``state``; pass it when calling once per page."""
    _, leads = index or body_index(state)
    return [{
        "id": b.id, "name": b.name, "signboards": state.signboards(b), "category": b.category,
        "klass": b.klass, "rank": b.rank, "funding": b.funding, "parent": _name(state.parent(b)),
        "led_by": _name(state.leader(b)), "dispatched_from": _name(state.dispatcher(b)),
        "division": state.divisions[b.division].name,
        "quota": looks.bodies.get(b.id, {}), "posts": looks.leaders.get(b.id, {}), "duties": leads.get(b.id, []),
        "positions": "、".join(f"{k} {n}" for k, n in b.positions.items()),
        "counts": "、".join(f"{k} {n}" for k, n in b.counts.items()),
    } for b in bodies]


def duty_rows(state: State, town_of: dict) -> dict[str, list[dict]]:
    """``{page's division code: the duty items led by a body on that page}``: a township's, or
    the county page's for bodies outside any township; with category and supporting bodies."""
    out: dict[str, list[dict]] = {}
    for d in state.duties.values():
        lead = state.bodies[d.lead]
        page = town_of.get(lead.division) or county_of(state, lead.division)
        out.setdefault(page, []).append({"name": d.name, "category": d.category, "lead": lead.name, "lead_id": d.lead,
                                         "support": [state.reference(state.bodies[i]) for i in d.support]})
    return out


def township_pages(state: State, tables: Tables, looks: Lookups, all_entries, since, page: dict[str, str],
                   duties: dict[str, list[dict]]) -> list[dict]:
    """The context of every township page, in division-code order (``page`` is :func:`page_map`)."""
    tfig, prof = figures(tables.townships, "division_code"), {r["division_code"]: r for r in records(tables.profile)}
    lead = figures(tables.township_leaders, "division_code", "post")
    town_of = {code: township_of(state, code) for code in state.divisions}
    touched = entries_by_township(state, all_entries, since)
    index, pages = body_index(state), []
    for code in sorted(prof):
        # the township's bodies and those of the divisions inside it (villages), by the division tree
        bodies = sorted((b for c in state.within(code) if town_of[c] == code
                         for b in state.bodies_in(c) if b.active), key=lambda b: b.id)
        here = [b for b in bodies if b.division == code]
        own = body_rows(state, looks, [b for b in here if is_own(state, b)], index)
        sent = body_rows(state, looks, [b for b in here if not is_own(state, b)], index)
        below = body_rows(state, looks, [b for b in bodies if b.division != code], index)
        div = state.divisions[code]
        up = div.parent if div.parent in state.divisions else None
        pages.append({
            "code": code, "name": div.name, "kind": div.kind, "file": town_file(code), "profile": prof[code],
            "parent": state.divisions[up].name if up else "", "county_file": page[up] if up else None,
            "county_name": state.divisions[county_of(state, up)].name if up else None,
            "totals": tfig.get(code, {}), "leaders": lead.get(code, {}), "own": own, "dispatched": sent,
            "villages": below, "own_types": present_types(state, [r["quota"] for r in own]),
            "sent_types": present_types(state, [r["quota"] for r in sent]),
            "village_types": present_types(state, [r["quota"] for r in below]),
            "duties": duties.get(code, []), "entries": touched.get(code, []),
        })
    return pages


LEVEL_PAGES = {"县": "县级机构", "市": "市级机构", "省": "省级机构"}


def county_sections(state: State, looks: Lookups, codes: list[str]) -> dict[str, list[dict]]:
    """``{county page code: sections}``: the bodies outside any township, each on the page of
    :func:`~orgmodel.report.site.county_of` their division, grouped by division and category
    so each table only carries the quota types its bodies hold."""
    sections: dict[str, list[dict]] = {c: [] for c in codes}
    index, within = body_index(state), {}
    for b in state.active_bodies():
        within.setdefault(b.division, []).append(b)
    for code, div in state.divisions.items():
        bodies = within.get(code, [])
        if not bodies or township_of(state, code) is not None:
            continue
        for category in dict.fromkeys(b.category for b in bodies):
            rows = body_rows(state, looks, [b for b in bodies if b.category == category], index)
            sections.setdefault(county_of(state, code), []).append({
                "code": code, "name": div.name, "level": div.level, "category": category,
                "rows": rows, "types": present_types(state, [r["quota"] for r in rows])})
    return sections


def county_pages(state: State, tables: Tables, looks: Lookups, codes: list[str], towns: list[dict],
                 duties: dict[str, list[dict]]) -> list[dict]:
    """The context of every county page (``codes``: :func:`~orgmodel.report.site.county_codes`):
    its rows of the county table, its bodies' sections, its townships, the pages above it
    (for the breadcrumb) and those of the divisions below it."""
    sections, totals = county_sections(state, looks, codes), {}
    off_quota = {r["division_code"]: r for r in records(tables.off_quota) if r["off_quota_staff"] or r["grids"] or r["counts_detail"]}
    for r in records(tables.county):
        totals.setdefault(r["division_code"], []).append(r)
    on_page: dict[str, list[dict]] = {}
    for t in towns:
        on_page.setdefault(t["county_file"], []).append(t)
    up = {c: next((a for a in state.ancestors(c)[1:] if a in sections), None) for c in codes}
    pages = []
    for code in codes:
        div = state.divisions[code]
        chain = [a for a in reversed(state.ancestors(code)[1:]) if a in sections]
        pages.append({
            "code": code, "name": div.name, "level": div.level, "file": county_file(code),
            "label": LEVEL_PAGES.get(div.level, "本级机构"), "totals": totals.get(code, []),
            "sections": sections[code], "towns": on_page.get(county_file(code), []),
            "bodies": sum(len(s["rows"]) for s in sections[code]),
            "parent": state.divisions[div.parent].name if div.parent in state.divisions else "",
            "up": [{"name": state.divisions[a].name, "file": county_file(a)} for a in chain],
            "below": [{"name": state.divisions[c].name, "file": county_file(c)} for c in codes if up[c] == code],
            "duties": duties.get(code, []), "off_quota": off_quota.get(code),
        })
    return pages


def index_context(state: State, tables: Tables, towns: list[dict]) -> dict:
    """The jurisdiction page: totals, pools, sinking ratio, the township table and its chart."""
    own_types = present_types(state, [t["totals"] for t in towns])
    sent_types = present_types(state, [t["totals"] for t in towns], ("dispatched_approved", "dispatched_actual"))
    pools = [dict(r, kind_label=POOL_LABELS.get(r["pool_kind"], r["pool_kind"])) for r in records(tables.pools)]
    bars = [(t["name"], t["file"], sum(r["vacant"] for r in t["totals"].values()),
             sum(r["over"] for r in t["totals"].values())) for t in towns]
    if len(bars) > CHART_MAX:  # keep the chart readable: the townships with most vacant + over
        keep = set(sorted(range(len(bars)), key=lambda i: -(bars[i][2] + bars[i][3]))[:CHART_MAX])
        bars = [b for i, b in enumerate(bars) if i in keep]
    roots = [r for r in records(tables.off_quota) if not r["parent"]]
    off = roots[0] if len(roots) == 1 and (roots[0]["off_quota_staff"] or roots[0]["grids"] or roots[0]["counts_detail"]) else None
    return {"totals": records(tables.totals), "pools": pools, "sinking": records(tables.sinking), "off_quota": off,
            "own_types": own_types, "sent_types": sent_types,
            "chart": charts.bar_chart(bars, ("空编", "超编")), "chart_cut": len(towns) > CHART_MAX,
            "show_parent": len({t["parent"] for t in towns}) > 1}


def county_list(counties: list[dict]) -> list[dict]:
    """The index's list of county pages (shown when there is more than one)."""
    return [{k: c[k] for k in ("name", "level", "file", "parent", "bodies")} | {"towns": len(c["towns"])}
            for c in counties] if len(counties) > 1 else []


def write_balance_report(checked: Checked, out: str | Path, public: bool = False,
                         since: dt.date | None = None, templates: str | Path | None = None,
                         title: str | None = None, extra_links: list[dict] | None = None) -> list[Path]:
    """Write ``index.html``, one ``county-<code>.html`` per county page (see
    :func:`~orgmodel.report.site.county_codes`) and one ``town-<code>.html`` per township into ``out``,
    for the state of a checked ledger.

    Returns the paths written. ``extra_links`` (``[{href, label}]``) are added to every page's navigation.
    """
    state, tables = checked.state, checked.tables
    looks = Lookups.of(tables)
    env, out = environment(templates, state.config), Path(out)
    all_entries = entries(state, {} if public else directive_notes(checked.ledger), public)
    codes = county_codes(state)
    duties = duty_rows(state, {code: township_of(state, code) for code in state.divisions})
    towns = township_pages(state, tables, looks, all_entries, since, page_map(state), duties)
    counties = county_pages(state, tables, looks, codes, towns, duties)
    root = jurisdiction_name(state)
    common = {"jurisdiction": title or root, "as_of": state.as_of, "public": public, "since": since,
              "towns": towns, "index_file": INDEX_FILE, "county_file": counties_link(codes),
              "search": None, "extra_links": extra_links or [],
              "leader_kinds": list(state.config.leader_kinds)}
    # The search index goes beside the pages, one script per county page, and only the index
    # page uses it: inline, it would make one page carry every body of a province.
    written = [write_page(env, "balance_index.html", out / INDEX_FILE, page="index",
                          **dict(common, search=search_config(write_search_files(state, out))),
                          counties=county_list(counties),
                          **index_context(state, tables, towns))]
    # Each county page's menu lists its own townships only, like the township pages below.
    for county in counties:
        written.append(write_page(env, "county.html", out / county["file"], page="county", county=county,
                                  **dict(common, towns=county["towns"], county_file=county["file"])))
    # A township page's menu lists the townships of its own county: listing all of them on
    # every page would make the output grow with the square of the number of townships.
    near: dict[str | None, list[dict]] = {}
    for town in towns:
        near.setdefault(state.divisions[town["code"]].parent, []).append(town)
    for town in towns:
        written.append(write_page(env, "township.html", out / town["file"], page=town["file"], town=town,
                                  **dict(common, towns=near[state.divisions[town["code"]].parent],
                                         county_file=town["county_file"] or common["county_file"])))
    return written


__all__ = ["body_rows", "write_balance_report"]
