"""Planning and creating a new body inside a restructuring op (merge, split, template).

:func:`plan_body` only reads the state (resolving the division and links, checking
names); :func:`create_body` registers the planned body, so ops can plan everything
before changing anything.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..schema import Field
from ..state import Body, State
from .basic import add_signboard, link_body
from .common import BODY_ATTRS

NEW_BODY = {"name": Field("str", True), "division": Field("ref"), **BODY_ATTRS, "signboards": Field("strs")}
LINKS = (("parent", "part_of"), ("led_by", "led_by"), ("dispatched_from", "dispatched_from"))
ATTRS = (("category", "category"), ("class", "klass"), ("rank", "rank"), ("funding", "funding"))


@dataclass
class NewBody:
    """A body a directive will create, with its links and signboards."""

    body: Body
    links: dict = field(default_factory=dict)
    signboards: list = field(default_factory=list)


def common_value(bodies: list[Body], attr: str):
    """The value of ``attr`` when every body shares it, else None."""
    values = {getattr(b, attr) for b in bodies}
    return values.pop() if len(values) == 1 else None


def defaults_from(bodies: list[Body]) -> dict:
    """Attributes a new body inherits from the bodies it replaces, where they agree."""
    out = {key: common_value(bodies, attr) for key, attr in ATTRS}
    out["division"] = common_value(bodies, "division")
    for key, _ in LINKS:
        out[key] = common_value(bodies, key)
    return out


def plan_body(state: State, d, fname: str, spec: dict, defaults: dict) -> NewBody | None:
    """Plan a body from ``spec`` (name, division, category, …, signboards), falling back to
    ``defaults`` (division code, attribute values, link ids). None with findings on error."""
    if "division" in spec:
        div = state.resolve_division(spec["division"], d, fname)
        if div is None:
            return None
        code = div.code
    else:
        code = defaults.get("division")
        if code is None:
            state.error("missing-field", f"{fname}: 新机构“{spec['name']}”须注明 division(所在区划)", d, fname)
            return None
    values = {key: spec.get(key, defaults.get(key)) for key, _ in ATTRS}
    if not values["category"]:
        state.error("missing-field", f"{fname}: 新机构“{spec['name']}”须注明 category(机构类别)", d, fname)
        return None
    links, ok = {}, True
    for key, kind in LINKS:
        if key in spec:
            target = state.resolve_body(spec[key], d, fname, code)
            ok = ok and target is not None
            links[kind] = target
        elif defaults.get(key) is not None:
            links[kind] = state.bodies[defaults[key]]
    if not ok:
        return None
    body = Body(0, spec["name"], code, values["category"], values["class"], values["rank"], values["funding"])
    return NewBody(body, links, list(spec.get("signboards", [])))


def create_body(state: State, d, nb: NewBody, fname: str) -> Body:
    """Register a planned body (its names must have been checked free)."""
    body = nb.body
    body.id = state.new_body_id()
    body.established = d.date
    body.names.append((d.date, body.name))
    body.sources["establish"] = d.source
    state.claim_name(body.division, body.name, body.id, d, fname)
    state.bodies[body.id] = body
    state.graph.add_node(body.node, kind="body")
    state.graph.add_edge(body.node, state.divisions[body.division].node, key="in", kind="in")
    for kind, target in nb.links.items():
        link_body(state, body, kind, target)
    for name in nb.signboards:
        add_signboard(state, body, name, d, fname)
    return body
