"""Quota holders by name, for people: find a body or pool by its current or former
name (as the ledger would on the state's date), and label flow ends and flow kinds in Chinese.
"""

from __future__ import annotations

from .ops import OPS
from .state import Body, State

HIGHER = "上级"
KIND_LABELS = {
    "approve": "核定", "increase": "核增", "cut": "核减", "transfer": "调剂", "loan": "周转借用",
    "return": "归还周转", "establish": "组建划入", "abolish": "撤销划转", "merge": "合并", "split": "分设",
    "function": "职责划转", "function_transfer": "职责划转", "template": "统一设置", "unrecorded": "无来源记录",
}


def kind_label(kind: str | None) -> str:
    """Chinese name of a flow kind (the op's label when the kind is an op name)."""
    if kind in KIND_LABELS:
        return KIND_LABELS[kind]
    return OPS[kind].label if kind in OPS else str(kind)


def name_at(body: Body, date=None) -> str:
    """The body's name on ``date`` (its latest name when date is None)."""
    name = body.name
    if date is not None and body.names:
        earlier = [n for d, n in body.names if d <= date]
        name = earlier[-1] if earlier else body.names[0][1]
    return name


def node_label(state: State, node, date=None) -> str:
    """A readable label for a flow end: 上级, a pool name, or a body's name on ``date``
    (qualified as ``区划/名称`` when several bodies ever had that name)."""
    if node is None:
        return HIGHER
    if node[0] != "body":
        return str(node[1])
    body = state.bodies[node[1]]
    name = name_at(body, date)
    # bodies that ever had this name: it is current (by_name) or was given up (former)
    maybe = state.by_name.get(name, set()) | set(state.former.get(name, ()))
    holders = {i for i in maybe if any(n == name for _, n in state.bodies[i].names)}
    return f"{state.divisions[body.division].name}/{name}" if len(holders) > 1 else name


def _in_use(state: State, ref: str) -> bool:
    """True when ``ref`` (``名称`` or ``区划/名称``) is a current name or signboard of some body."""
    if "/" not in ref:
        return ref in state.by_name
    div, _ = state.find_division(ref.rsplit("/", 1)[0])
    return div is not None and (div.code, ref.rsplit("/", 1)[1]) in state.names


def _former_holder(state: State, ref: str):
    """The body that gave up the name in ``ref`` (renamed away or retired); (None, None) when none,
    (None, reason) when bodies in several divisions did."""
    div_ref, _, name = ref.rpartition("/")
    div = state.find_division(div_ref)[0] if div_ref else None
    if div_ref and div is None:
        return None, None
    ids = list(dict.fromkeys(state.former.get(name, [])))
    found = [state.bodies[i] for i in ids if div is None or state.bodies[i].division == div.code]
    if len({b.division for b in found}) > 1:
        where = "、".join(sorted({state.divisions[b.division].name for b in found}))
        return None, f"曾用名“{name}”不唯一(在 {where} 都有),请写成“区划/名称”"
    return (found[-1], None) if found else (None, None)


def former_note(state: State, body: Body, ref: str) -> str | None:
    """Chinese note when ``ref`` is a former name of ``body``: what the body is called now
    (None for a retired body asked for by its last name: the trace says it was retired)."""
    name = ref.rsplit("/", 1)[-1]
    div = state.divisions[body.division].name
    if body.active:
        return f"“{name}”是{div}“{body.name}”的曾用名,该机构现名“{body.name}”"
    if body.name == name:
        return None
    return f"“{name}”是{div}“{body.name}”的曾用名,该机构已于 {body.abolished} 撤销"


def find_holder(state: State, ref: str):
    """Resolve ``ref`` like the ledger does on the state's date: a pool, else a body by name,
    signboard or ``区划/名称`` (ambiguity gives (None, reason)). Only a name no body uses now
    falls back to former names (renamed or retired bodies); then the second value is a
    Chinese note saying which body it was and what it is called now. Returns
    ``(holder, None)``, ``(holder, note)`` or ``(None, reason)``."""
    if ref in state.pools:
        return state.pools[ref], None
    body, why = state.find_body(ref)
    if body is not None or _in_use(state, ref):
        return body, why
    former, problem = _former_holder(state, ref)
    if former is None:
        return None, problem or why
    return former, former_note(state, former, ref)
