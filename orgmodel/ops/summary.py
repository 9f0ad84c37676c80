"""Chinese summaries of settlements, for the texts of structural events."""

from __future__ import annotations

from ..state import Body
from .common import plural_quota


def describe(plans: list) -> str:
    """Chinese summary of where settled things went, for event texts."""
    def name(x):
        return "摘除" if x is None else x.label
    parts = []
    for what, items in (("编制", [(t, ty, n) for s in plans for t, ty, n in s.quota]),
                        ("人员", [(t, ty, n) for s in plans for t, ty, n in s.staff])):
        dest: dict[str, dict] = {}
        for t, ty, n in items:
            dest.setdefault(name(t), {}).setdefault(ty, 0)
            dest[name(t)][ty] += n
        parts += [f"{what}({plural_quota(q)})→“{k}”" for k, q in dest.items()]
    for what, unit, attr in (("牌子", "块", "signboards"), ("责任事项", "项", "duties"), ("下属机构", "个", "children")):
        dest = {}
        for s in plans:
            for _, t in getattr(s, attr):
                dest[name(t)] = dest.get(name(t), 0) + 1
        parts += [f"{what} {n} {unit}→{k if k == '摘除' else '“' + k + '”'}" for k, n in dest.items()]
    return ";".join(parts)


def targets(s) -> list[Body]:
    """The bodies a settlement gives anything to."""
    return [t for t, _, _ in s.quota + s.staff if isinstance(t, Body)] + \
        [t for _, t in s.signboards + s.duties + s.children if t is not None]
