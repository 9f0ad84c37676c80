"""The balance report: a jurisdiction index, one page per township and one per county-level
division (and per city or province with bodies of its own).

Every figure is read from the state's :class:`~orgmodel.balance.Tables`; the page
context only selects rows. ``public`` leaves out source paths and notes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from functools import cached_property
from pathlib import Path

from ..answers.checking import Checked
from ..answers.orgchart import chart_of, page_owner
from ..core.labels import POOL_LABELS
from ..figures.balance import Tables, is_own
from ..figures.standards import ABOVE, BELOW
from ..state import State
from . import charts
from .orgchart_svg import chart_svg
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
        "relations": ";".join(f"{k} {v}" for k, v in b.relations.items()),
    } for b in bodies]


def duty_rows(state: State, town_of: dict) -> dict[str, list[dict]]:
    """``{page's division code: the duty items led by a body on that page}``: a township's, or
    the county page's for bodies outside any township; with category and supporting bodies."""
    out: dict[str, list[dict]] = {}
    for d in state.duties.values():
        lead = state.bodies[d.lead]
        page = town_of.get(lead.division) or county_of(state, lead.division)
        out.setdefault(page, []).append({"name": d.name, "category": d.category, "lead": lead.name, "lead_id": d.lead,
                                         "support": [state.reference(state.bodies[i]) for i in d.support],
                                         "time_limit": d.time_limit, "closing_standard": d.closing_standard})
    return out


def township_page(state: State, looks: Lookups, brief: dict, index: tuple, duties: dict[str, list[dict]],
                  touched: dict[str, list], town_of: dict[str, str | None]) -> dict:
    """The context of one township's page: its :func:`township_briefs` entry with its bodies
    (own, dispatched, and those of the divisions inside it), duty items and entries."""
    code = brief["code"]
    # the township's bodies and those of the divisions inside it (villages), by the division tree
    bodies = sorted((b for c in state.within(code) if town_of[c] == code
                     for b in state.bodies_in(c) if b.active), key=lambda b: b.id)
    here = [b for b in bodies if b.division == code]
    own = body_rows(state, looks, [b for b in here if is_own(state, b)], index)
    sent = body_rows(state, looks, [b for b in here if not is_own(state, b)], index)
    below = body_rows(state, looks, [b for b in bodies if b.division != code], index)
    return dict(brief, own=own, dispatched=sent, villages=below,
                own_types=present_types(state, [r["quota"] for r in own]),
                sent_types=present_types(state, [r["quota"] for r in sent]),
                village_types=present_types(state, [r["quota"] for r in below]),
                duties=duties.get(code, []), entries=touched.get(code, []))


def township_briefs(state: State, tables: Tables, page: dict[str, str]) -> list[dict]:
    """What the index, the menus and the county pages need of every township, in division-code
    order: names, files, the county above, its totals, leader posts and profile (no bodies)."""
    tfig, prof = figures(tables.townships, "division_code"), {r["division_code"]: r for r in records(tables.profile)}
    lead = figures(tables.township_leaders, "division_code", "post")
    out = []
    for code in sorted(prof):
        div = state.divisions[code]
        up = div.parent if div.parent in state.divisions else None
        out.append({
            "code": code, "name": div.name, "kind": div.kind, "file": town_file(code), "profile": prof[code],
            "parent": state.divisions[up].name if up else "", "county_file": page[up] if up else None,
            "county_name": state.divisions[county_of(state, up)].name if up else None,
            "totals": tfig.get(code, {}), "leaders": lead.get(code, {}),
        })
    return out


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
    off_quota = {r["division_code"]: r for r in records(tables.off_quota)
                 if r["off_quota_staff"] or r["grids"] or r["counts_detail"] or r["measures_detail"]}
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
    off = roots[0] if len(roots) == 1 and (roots[0]["off_quota_staff"] or roots[0]["grids"] or roots[0]["counts_detail"]
                                           or roots[0]["measures_detail"]) else None
    return {"totals": records(tables.totals), "pools": pools, "sinking": records(tables.sinking), "off_quota": off,
            "own_types": own_types, "sent_types": sent_types,
            "chart": charts.bar_chart(bars, ("空编", "超编")), "chart_cut": len(towns) > CHART_MAX,
            "show_parent": len({t["parent"] for t in towns}) > 1}


def county_list(counties: list[dict]) -> list[dict]:
    """The index's list of county pages (shown when there is more than one)."""
    return [{k: c[k] for k in ("name", "level", "file", "parent", "bodies")} | {"towns": len(c["towns"])}
            for c in counties] if len(counties) > 1 else []


STANDARDS_MAX = 200  # off-standard rows listed on the index page; every row is on its own page


def standard_rows(state: State, tables: Tables) -> dict[str, list[dict]]:
    """``{page file: rows}``: each row of the standards table (a record) on the page that lists
    what it measures: a township's page for a body or division inside it, else its county page."""
    pages = page_map(state)
    out: dict[str, list[dict]] = {}
    for r in records(tables.standards):
        out.setdefault(pages[r["division_code"]], []).append(r)
    return out


class BalanceSite:
    """The pages of a balance report for one checked ledger, each page's context built on
    demand from lookups computed once: the report writes them all, the workbench one at a time."""

    def __init__(self, checked: Checked, public: bool = False, since: dt.date | None = None,
                 title: str | None = None, extra_links: list[dict] | None = None, notes_on_demand: bool = False):
        self.checked, self.public, self.since = checked, public, since
        # notes on demand: a page's entries get their directives' notes when the page is asked
        # for, rather than every directive's note read up front (a province store's are a million)
        self.notes_on_demand = notes_on_demand
        self.title, self.extra_links = title, extra_links or []
        self.state, self.tables = checked.state, checked.tables

    @cached_property
    def looks(self) -> Lookups:
        return Lookups.of(self.tables)

    @cached_property
    def codes(self) -> list[str]:
        """The divisions with a county page."""
        return county_codes(self.state)

    @cached_property
    def town_of(self) -> dict[str, str | None]:
        return {code: township_of(self.state, code) for code in self.state.divisions}

    @cached_property
    def duties(self) -> dict[str, list[dict]]:
        return duty_rows(self.state, self.town_of)

    @cached_property
    def index(self) -> tuple:
        return body_index(self.state)

    @cached_property
    def touched(self) -> dict[str, list]:
        notes = {} if self.public or self.notes_on_demand else directive_notes(self.checked.ledger)
        rows = entries(self.state, notes, self.public, texts=not self.notes_on_demand)
        return entries_by_township(self.state, rows, self.since)

    def _with_notes(self, rows: list) -> list:
        """``rows`` (entries) with their sources written and their directives' notes read now
        (see ``notes_on_demand``)."""
        if self.public or not self.notes_on_demand or not rows:
            return rows
        notes = self.checked.ledger.notes_at(e.source_at for e in rows)
        return [replace(e, source=str(e.source_at), note=notes.get(e.source_at)) for e in rows]

    @cached_property
    def owners(self) -> dict[str, str]:
        """The division whose chart shows each division's bodies (one look per division)."""
        return {code: page_owner(self.state, code) for code in self.state.divisions}

    def chart(self, code: str):
        """The org chart of page ``code`` (a township or a county page) as inline SVG, each box
        linking to the body's row on the page."""
        chart = chart_of(self.state, code, self.looks.bodies, self.looks.leaders, self.owners)
        return chart_svg(chart, href=lambda key: f"#b{key}")

    @cached_property
    def towns(self) -> list[dict]:
        """Every township's :func:`township_briefs` entry."""
        return township_briefs(self.state, self.tables, page_map(self.state))

    @cached_property
    def _briefs(self) -> dict[str, dict]:
        return {t["code"]: t for t in self.towns}

    def town(self, code: str) -> dict | None:
        """The context of township ``code``'s page (None when it is not a township)."""
        brief = self._briefs.get(code)
        if brief is None:
            return None
        page = township_page(self.state, self.looks, brief, self.index, self.duties, self.touched, self.town_of)
        return dict(page, entries=self._with_notes(page["entries"]), standards=self.standards.get(town_file(code), []),
                    earmarks=self.earmarks.get(town_file(code), []), secondments=self.secondments.get(town_file(code), []),
                    chart=self.chart(code))

    @cached_property
    def secondments(self) -> dict[str, list[dict]]:
        """The secondments under way, on the page of the body the people come from and on that of
        the body they work at."""
        pages = page_map(self.state)
        bodies = self.state.bodies
        out: dict[str, list[dict]] = {}
        for r in records(self.tables.secondments):
            for page in dict.fromkeys(pages[bodies[r[k]].division] for k in ("home_id", "host_id")):
                out.setdefault(page, []).append(r)
        return out

    @cached_property
    def earmarks(self) -> dict[str, list[dict]]:
        """The earmarked quota (专项编制) held by bodies, by the page that lists the body."""
        pages = page_map(self.state)
        out: dict[str, list[dict]] = {}
        for r in records(self.tables.earmarks):
            out.setdefault(pages[r["division_code"]], []).append(r)
        return out

    @cached_property
    def standards(self) -> dict[str, list[dict]]:
        """The standards table's rows (应核 against 核定) by the page that lists the body or division
        they measure (see :func:`standard_rows`)."""
        return standard_rows(self.state, self.tables)

    @cached_property
    def counties(self) -> list[dict]:
        return county_pages(self.state, self.tables, self.looks, self.codes, self.towns, self.duties)

    def county(self, code: str) -> dict | None:
        """The context of county page ``code`` (None when there is no such page)."""
        return next((c for c in self.counties if c["code"] == code), None)

    def common(self) -> dict:
        """What every page shares (the menu lists all townships; pages narrow it, see :meth:`near`)."""
        state = self.state
        return {"jurisdiction": self.title or jurisdiction_name(state), "as_of": state.as_of, "public": self.public,
                "since": self.since, "towns": self.towns, "index_file": INDEX_FILE,
                "county_file": counties_link(self.codes), "search": None, "extra_links": self.extra_links,
                "leader_kinds": list(state.config.leader_kinds)}

    @cached_property
    def _near(self) -> dict[str | None, list[dict]]:
        near: dict[str | None, list[dict]] = {}
        for town in self.towns:
            near.setdefault(self.state.divisions[town["code"]].parent, []).append(town)
        return near

    def index_page(self) -> dict:
        """The index page's own context (see :func:`index_context`)."""
        off = [r for rows in self.standards.values() for r in rows if r["verdict"] in (BELOW, ABOVE)]
        off.sort(key=lambda r: (r["gap"], r["standard"], r["holder"]))
        return dict(counties=county_list(self.counties), standards_off=off[:STANDARDS_MAX], standards_cut=len(off),
                    cross_level=records(self.tables.cross_level(self.since)),
                    hiring=records(self.tables.hiring(self.since)),
                    leader_ranks=[r for r in records(self.tables.leader_ranks) if r["post_rank"]],
                    **index_context(self.state, self.tables, self.towns))

    def county_page(self, county: dict) -> dict:
        """A county page's context: its menu lists its own townships only."""
        return dict(self.common(), page="county", county=dict(county, standards=self.standards.get(county["file"], []),
                                                              earmarks=self.earmarks.get(county["file"], []),
                                                              secondments=self.secondments.get(county["file"], [])),
                    towns=county["towns"], county_file=county["file"],
                    chart=self.chart(county["code"]) if county["bodies"] else None)

    def town_page(self, town: dict) -> dict:
        """A township page's context: its menu lists the townships of its own county (listing all
        of them on every page would make the output grow with the square of their number)."""
        near = self._near[self.state.divisions[town["code"]].parent]
        return dict(self.common(), page=town["file"], town=town, towns=near,
                    county_file=town["county_file"] or self.common()["county_file"])


def write_balance_report(checked: Checked, out: str | Path, public: bool = False,
                         since: dt.date | None = None, templates: str | Path | None = None,
                         title: str | None = None, extra_links: list[dict] | None = None) -> list[Path]:
    """Write ``index.html``, one ``county-<code>.html`` per county page (see
    :func:`~orgmodel.report.site.county_codes`) and one ``town-<code>.html`` per township into ``out``,
    for the state of a checked ledger.

    Returns the paths written. ``extra_links`` (``[{href, label}]``) are added to every page's navigation.
    """
    site = BalanceSite(checked, public, since, title, extra_links)
    state, out = site.state, Path(out)
    env = environment(templates, state.config, checked.ledger)
    # The search index goes beside the pages, one script per county page, and only the index
    # page uses it: inline, it would make one page carry every body of a province.
    written = [write_page(env, "balance_index.html", out / INDEX_FILE, page="index",
                          **dict(site.common(), search=search_config(write_search_files(state, out))),
                          **site.index_page())]
    for county in site.counties:
        written.append(write_page(env, "county.html", out / county["file"], **site.county_page(county)))
    for brief in site.towns:
        written.append(write_page(env, "township.html", out / brief["file"], **site.town_page(site.town(brief["code"]))))
    return written


__all__ = ["body_rows", "write_balance_report"]
