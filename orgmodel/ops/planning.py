"""Planning helpers: checks that only read the state, and new bodies planned before they exist.

An op plans its whole effect with these (reporting every problem as a finding) before
it changes anything, so a refused directive leaves the state as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..core.schema import Field
from ..state import BODY, DIVISION, Body, State
from .fields import ATTRIBUTES, BODY_ATTRS, LINKS

NEW_BODY = {"name": Field("name", True), "division": Field("ref"), **BODY_ATTRS, "signboards": Field("names")}


def names_free(state: State, d, field: str | None, division: str, names, owners=()) -> bool:
    """True when every name in ``names`` can be claimed in ``division``.

    A name is free when nobody holds it or one of ``owners`` (body ids that give it up
    or keep it) does, and no pool has it. A name listed twice is also a finding. Reports
    every clash. An item of ``names`` may be a ``(name, field)`` pair to point its finding
    at that field.
    """
    ok, seen = True, set()
    for item in names:
        name, at = item if isinstance(item, tuple) else (item, field)
        if name in seen:
            state.error("duplicate-name", f"名称“{name}”在本指令中用了不止一次;机构和牌子名称在同一区划内不得重复", d, at, name)
            ok = False
            continue
        seen.add(name)
        if name in state.pools:
            state.error("duplicate-name", f"名称“{name}”已是编制池的名称;机构、牌子与编制池不得同名", d, at, name)
            ok = False
            continue
        other = state.body_named(division, name)
        if other is not None and other.id not in owners:
            what = "机构名称" if other.name == name else f"“{other.name}”的牌子"
            state.error("duplicate-name", f"名称“{name}”在{state.divisions[division].name}已被{what}使用;机构和牌子名称在同一区划内不得重复", d, at, name)
            ok = False
    return ok


def draws_available(state: State, d, field: str, draws) -> bool:
    """True when every holder can give what ``draws`` ([(holder, type, amount)]) asks of it in total."""
    totals: dict[tuple, list] = {}
    for holder, t, n in draws:
        entry = totals.setdefault((id(holder), t), [holder, 0])
        entry[1] += n
    ok = True
    for (_, t), (holder, n) in totals.items():
        held = holder.approved.get(t, 0)
        if n > held:
            state.error("insufficient-quota", f"“{state.reference(holder)}”只有{t} {held} 名,不能调出 {n} 名(差 {n - held} 名)", d, field, holder)
            ok = False
    return ok


def is_cross_level(state: State, src, dst) -> bool:
    """A move between holders whose divisions sit at different levels (县 → 乡镇, say)."""
    return state.divisions[src.division].level != state.divisions[dst.division].level


def resolve_links(state: State, d, context: str) -> dict | None:
    """Resolve the directive's link fields (parent, led_by, dispatched_from) in division
    ``context``: ``{edge kind: Body}``, or None (with findings) if any is unknown."""
    links, ok = {}, True
    for name, link in LINKS.items():
        kind = link.key
        if name in d.fields:
            target = state.require(d, name, BODY, context)
            ok = ok and target is not None
            links[kind] = target
    parent = links.get("part_of")
    if ok and parent is not None and d.fields.get("category") == "内设机构" and parent.division != context:
        where = state.divisions[parent.division].name
        state.error("bad-parent", f"内设机构须与所属机构在同一区划:“{state.reference(parent)}”在{where},"
                                  f"而本机构设在{state.divisions[context].name}", d, "parent")
        return None
    return links if ok else None


def leads_back(state: State, start, body, kind: str) -> bool:
    """True when following ``kind`` links (led_by, dispatched_from) up from ``start`` reaches
    ``body``: linking ``body`` to ``start`` would close a cycle."""
    seen, x = set(), start
    while x is not None and x.id not in seen:
        if x.id == body.id:
            return True
        seen.add(x.id)
        x = state.linked(x, kind)
    return False


@dataclass
class NewBody:
    """A body a directive will set up: its record (id 0 until it exists), links and signboards."""

    body: Body
    links: dict = field(default_factory=dict)
    signboards: list = field(default_factory=list)


def common_value(values) -> object:
    """The value when every item shares it, else None."""
    values = set(values)
    return values.pop() if len(values) == 1 else None


def defaults_from(state: State, bodies: list[Body]) -> dict:
    """Attributes and links a new body inherits from the bodies it replaces, where they agree."""
    out = {key: common_value(getattr(b, spec.key) for b in bodies) for key, spec in ATTRIBUTES.items()}
    out["division"] = common_value(b.division for b in bodies)
    for key, link in LINKS.items():
        kind = link.key
        out[key] = common_value(state.linked(b, kind) for b in bodies)
    return out


def plan_body(state: State, d, fname: str, spec: dict, defaults: dict) -> NewBody | None:
    """Plan a body from ``spec`` (name, division, category, …, signboards), falling back to
    ``defaults`` (division code, attribute values, link bodies). None with findings on error."""
    if "division" in spec:
        div = state.require(d, fname, DIVISION, ref=spec["division"])
        if div is None:
            return None
        code = div.code
    else:
        code = defaults.get("division")
        if code is None:
            state.error("missing-field", f"{fname}: 新机构“{spec['name']}”须注明 division(所在区划)", d, fname)
            return None
    values = {key: spec.get(key, defaults.get(key)) for key in ATTRIBUTES}
    if not values["category"]:
        state.error("missing-field", f"{fname}: 新机构“{spec['name']}”须注明 category(机构类别)", d, fname)
        return None
    links, ok = {}, True
    for key, link in LINKS.items():
        kind = link.key
        if key in spec:
            target = state.require(d, fname, BODY, code, ref=spec[key])
            ok = ok and target is not None
            links[kind] = target
        elif defaults.get(key) is not None:
            links[kind] = defaults[key]
    if not ok:
        return None
    body = Body(0, spec["name"], code, values["category"], values["class"], values["rank"], values["funding"])
    return NewBody(body, links, list(spec.get("signboards", [])))


def create_body(state: State, d, nb: NewBody, fname: str) -> Body:
    """Set up a planned body inside a restructuring. Its names were checked free when the
    directive was planned, so a clash now is a bug in the planning, not in the ledger."""
    body = state.add_body(d, nb.body, nb.links, nb.signboards, fname)
    if body is None:
        raise RuntimeError(f"planned body {nb.body.name!r} could not be set up")
    return body
