"""What every report page shares: page file names, figure lookups, events and the search index.

All figures come from the state's :class:`~orgmodel.balance.Tables` (computed once per
state); pages only select and arrange them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ..figures.balance import Tables
from ..state import COUNTY, TOWNSHIP, State

INDEX_FILE = "index.html"
PAGE_LEVELS = ("省", "市", COUNTY)  # levels whose own bodies get a page of their own


def page_stem(code: str) -> str:
    """A division code as part of a file name, one to one: letters, digits and ``-`` stay, any
    other character becomes ``_`` and its hex code (``99/01`` → ``99_2f01``, ``99_01`` →
    ``99_5f01``), so two codes never share a page. A long code keeps its first 40 characters
    and a digest of the whole, so the name stays within every file system's limit."""
    stem = re.sub(r"[^A-Za-z0-9-]", lambda m: "".join(f"_{b:02x}" for b in m.group().encode("utf-8")), code)
    if len(stem) > 80:
        stem = stem[:40] + "-" + hashlib.sha1(code.encode("utf-8", "surrogatepass")).hexdigest()[:16]
    return stem


def town_file(code: str) -> str:
    """The file name of a township's page."""
    return f"town-{page_stem(code)}.html"


def county_file(code: str) -> str:
    """The file name of a county-, city- or province-level division's page."""
    return f"county-{page_stem(code)}.html"


@dataclass
class Lookups:
    """Figures of one state keyed for templates: ``bodies[body_id][quota_type]`` and
    ``leaders[body_id][post]`` (records as ``balance --format json`` gives them)."""

    bodies: dict
    leaders: dict

    @classmethod
    def of(cls, tables: Tables) -> Lookups:
        return cls(figures(tables.bodies, "body_id"), figures(tables.leaders, "body_id", "post"))


def records(df: pd.DataFrame) -> list[dict]:
    """Rows as plain dicts, exactly as ``orgmodel balance --format json`` gives them (NaN → None)."""
    return json.loads(df.to_json(orient="records", force_ascii=False))


def figures(df: pd.DataFrame, key: str, sub: str = "quota_type") -> dict:
    """``{key value: {sub value: {column: value}}}`` for looking figures up in templates."""
    out: dict = {}
    for rec in records(df):
        row = out.setdefault(rec[key], {})
        if rec[sub] is not None:  # a body or township holding no quota has a row without a type
            row[rec[sub]] = rec
    return out


def jurisdiction_name(state: State) -> str:
    """The name of the root division(s), used as every page's heading."""
    return "、".join(d.name for d in state.divisions.values() if d.parent is None) or "全辖区"


def township_of(state: State, code: str) -> str | None:
    """The township a division belongs to (itself, or its nearest township ancestor)."""
    return next((c for c in state.ancestors(code) if state.divisions[c].level == TOWNSHIP), None)


def county_of(state: State, code: str) -> str:
    """The division whose county page lists the bodies of ``code`` (outside any township):
    the nearest county-, city- or province-level division, itself included (else the root)."""
    chain = state.ancestors(code)
    return next((c for c in chain if state.divisions[c].level in PAGE_LEVELS), chain[-1])


def page_of(state: State, code: str) -> str:
    """The page that lists the bodies of division ``code``: its township's, or its county's."""
    town = township_of(state, code)
    return town_file(town) if town else county_file(county_of(state, code))


def page_map(state: State) -> dict[str, str]:
    """``{division code: page file}`` (:func:`page_of` of every division, computed once)."""
    return {code: page_of(state, code) for code in state.divisions}


def county_codes(state: State) -> list[str]:
    """Divisions with a county page, in code order: every county-level division outside a
    township, and the :func:`county_of` of every division (outside townships) holding
    bodies or townships."""
    codes = {code for code, d in state.divisions.items()
             if d.level == COUNTY and township_of(state, code) is None}
    held = {b.division for b in state.active_bodies()}  # and the divisions townships hang from
    held |= {d.parent for d in state.divisions.values() if d.level == TOWNSHIP and d.parent in state.divisions}
    codes |= {county_of(state, code) for code in held if township_of(state, code) is None}
    return sorted(codes)


def counties_link(codes: list[str], prefix: str = "") -> str:
    """Where a navigation's "县级机构" link goes: the one county page, or the index's list of them."""
    return prefix + (county_file(codes[0]) if len(codes) == 1 else f"{INDEX_FILE}#counties")


@dataclass
class Entry:
    """One line of a page's change list: a structural event or a quota movement."""

    date: dt.date
    kind: str
    text: str
    doc: str | None
    source: str | None = None
    note: str | None = None
    divisions: set = field(default_factory=set)
    order: tuple = ()
    source_at: object = field(default=None, compare=False, repr=False)  # the Source itself (for notes read later)


def _holder_text(state: State, node) -> tuple[str, str | None]:
    if node is None:
        return "上级", None
    if node[0] == "body":
        b = state.bodies[node[1]]
        return f"{state.divisions[b.division].name}“{b.name}”", b.division
    if node[0] == "pool":
        pool = state.pools.get(node[1])
        return f"“{node[1]}”", pool.division if pool else None
    return str(node[-1]), None


def entries(state: State, notes: dict, public: bool, texts: bool = True) -> list[Entry]:
    """Every event and quota movement, newest last; sources and notes only when not public.
    Without ``texts`` the sources are left unwritten (``source_at`` holds them) for the few
    entries a page shows to be written then (a province has hundreds of thousands)."""
    out = []
    shown = not public and texts
    for ev in state.events:
        divs = set(ev.divisions) | {state.bodies[i].division for i in ev.bodies if i in state.bodies}
        out.append(Entry(ev.date, ev.kind.label, ev.text, ev.doc,
                         str(ev.source) if shown else None, None if public else notes.get(ev.source), divs,
                         _order(ev.source), ev.source))
    for fl in state.flows:
        if not fl.amount:
            continue
        src, sdiv = _holder_text(state, fl.src)
        dst, ddiv = _holder_text(state, fl.dst)
        cross = (f"(跨层级,经 {fl.approval} 批准)" if fl.approval else "(跨层级)") if fl.cross_level else ""
        text = f"{src} → {dst}:{fl.quota_type} {fl.amount} 名{cross}"
        out.append(Entry(fl.date, fl.kind.label, text, fl.doc,
                         str(fl.source) if shown else None, None if public else notes.get(fl.source),
                         {d for d in (sdiv, ddiv) if d}, _order(fl.source), fl.source))
    return sorted(out, key=lambda e: (e.date, e.order, e.text))


def _order(source) -> tuple:
    file = getattr(source, "file", None)
    return (str(source) if file is None else file, getattr(source, "line", 0))


def entries_by_township(state: State, all_entries: list[Entry], since: dt.date | None) -> dict[str, list[Entry]]:
    """``{township code: entries}``: what touched each township (or a division inside it) since ``since``."""
    town_of = {code: township_of(state, code) for code in state.divisions}
    out: dict[str, list[Entry]] = {}
    for e in all_entries:
        if since is None or e.date >= since:
            for town in sorted({town_of.get(d) for d in e.divisions} - {None}):
                out.setdefault(town, []).append(e)
    return out


SEARCH_DIR = "search"  # beside a balance report's pages: one script of entries per county page


def search_index(state: State) -> list[dict]:
    """Every active body with its signboards and the page (and anchor) that shows it."""
    rows, page = [], page_map(state)
    for b in sorted(state.active_bodies(), key=lambda b: (b.division, b.id)):
        rows.append({"n": b.name, "s": state.signboards(b), "d": state.divisions[b.division].name,
                     "h": f"{page[b.division]}#b{b.id}"})
    return rows


def write_search_files(state: State, out: Path) -> list[str]:
    """The search index as one script per county page (``search/<county>.js``, each calling
    ``orgmodelSearch([...])``), so that no page carries an index of every body: a page loads
    them when its search box is first used. Scripts rather than JSON files, because browsers
    do not let a page opened from disk read JSON files beside it. Returns their paths
    relative to ``out``, in code order."""
    from .render import script_json

    groups: dict[str, list[dict]] = {}
    county = _search_county(state)
    bodies = sorted(state.active_bodies(), key=lambda b: (b.division, b.id))
    for b, entry in zip(bodies, search_index(state)):
        groups.setdefault(county[b.division], []).append(entry)
    (out / SEARCH_DIR).mkdir(parents=True, exist_ok=True)
    for code in sorted(groups):
        (out / _search_file(code)).write_text(f"orgmodelSearch({script_json(groups[code])});\n", encoding="utf-8")
    return [_search_file(code) for code in sorted(groups)]


def search_file_names(state: State) -> list[str]:
    """The names :func:`write_search_files` gives its scripts (for pages outside the report)."""
    county = _search_county(state)
    return [_search_file(code) for code in sorted({county[b.division] for b in state.active_bodies()})]


def _search_county(state: State) -> dict[str, str]:
    return {code: county_of(state, township_of(state, code) or code) for code in state.divisions}


def _search_file(code: str) -> str:
    return f"{SEARCH_DIR}/{page_stem(code)}.js"


def search_config(files: list[str], folder: str = "") -> dict:
    """What a page needs to search: the index scripts and where they (and the pages they
    link to) are from the page (``folder``: the balance report's folder, "" on its own index)."""
    base = f"{folder}/" if folder else ""
    return {"base": base, "files": [base + f for f in files]}


def directive_notes(ledger) -> dict:
    """``{source: note}`` of the ledger's directives that carry an internal note."""
    return {d.source: d.note for d in ledger.directives if d.note}
