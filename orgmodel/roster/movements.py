"""Movements between two roster snapshots, matched to the ledger's directives.

Between the snapshot of ``d1`` and that of ``d2``, a person (known by ID number) entered,
left, or moved to another body or quota type. The ledger records people entering (hire),
leaving (depart) and moving with their quota or function (transfer or function transfer
with staff, merge and split) as :attr:`State.staff_moves`. Per body and type, the
roster's movements are matched to the ledger's of ``(d1, d2]``: a person moving from A to
B is matched by a move from A to B, else by a departure from A and an entry into B. What
is left over on either side is a finding: a movement with no directive (at the person's
roster row) or a directive with no movement (at the directive).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import pandas as pd

from ..core.findings import Finding
from ..rules import settle, severity_of
from ..state import State
from .audit import Audit, who
from .read import Person

MOVEMENT_COLUMNS = ["from_date", "to_date", "kind", "person", "from_body", "to_body", "quota_type", "matched"]
KIND_LABELS = {"entered": "进入", "left": "离开", "moved": "调动"}


@dataclass
class Movements:
    table: pd.DataFrame
    findings: list[Finding]


def _key(p: Person) -> str | None:
    number = p.get("id_number")
    return number or None


def movements(before: Audit, after: Audit, public: bool = False) -> Movements:
    """The movements from ``before``'s snapshot to ``after``'s, matched to the ledger; the
    findings follow the ``rules:`` section of the ledger's config."""
    state = after.state
    d1, d2 = before.as_of, after.as_of

    def posts(a: Audit) -> dict[str, tuple[Person, int, str]]:
        out = {}
        for p in a.snapshot.people:
            body = a.placed.get(id(p))
            if p.in_post and body is not None and _key(p):
                out.setdefault(_key(p), (p, body.id, p.get("quota_type")))
        return out

    old, new = posts(before), posts(after)
    entries: dict[tuple, list[Person]] = defaultdict(list)
    exits: dict[tuple, list[Person]] = defaultdict(list)
    moves: dict[tuple, list[tuple[Person, tuple, tuple]]] = defaultdict(list)
    for k, (p, body, t) in new.items():
        if k not in old:
            entries[(body, t)].append(p)
        elif old[k][1:] != (body, t):
            moves[(old[k][1], body, t if t == old[k][2] else None)].append((p, (old[k][1], old[k][2]), (body, t)))
    for k, (p, body, t) in old.items():
        if k not in new:
            exits[(body, t)].append(p)

    hires, departs, transfers = defaultdict(list), defaultdict(list), defaultdict(list)
    for m in state.staff_moves:
        if d1 < m.date <= d2:
            if m.kind == "hire":
                hires[(m.dst, m.quota_type)].append(m)
            elif m.kind == "depart":
                departs[(m.src, m.quota_type)].append(m)
            else:
                transfers[(m.src, m.dst, m.quota_type)].append(m)

    rows, findings = [], []
    ledger_moves = {k: sum(m.count for m in v) for k, v in transfers.items()}
    for (src, dst, t), group in moves.items():
        left_over = group
        if t is not None:
            n = min(len(group), ledger_moves.get((src, dst, t), 0))
            ledger_moves[(src, dst, t)] = ledger_moves.get((src, dst, t), 0) - n
            for p, a, b in group[:n]:
                rows.append(_row(state, d1, d2, "moved", p, a, b, True, public))
            left_over = group[n:]
        for p, a, b in left_over:  # matched, if at all, as a departure from a and an entry into b
            exits[a].append(p)
            entries[b].append(p)

    for kind, side, ledger in (("entered", entries, hires), ("left", exits, departs)):
        for key, people in side.items():
            recorded = sum(m.count for m in ledger.get(key, ()))
            for i, p in enumerate(people):
                matched = i < recorded
                a, b = (None, key) if kind == "entered" else (key, None)
                rows.append(_row(state, d1, d2, kind, p, a, b, matched, public))
                if not matched:
                    body = state.bodies[key[0]]
                    verb = "新进入" if kind == "entered" else "离开"
                    op = "进人" if kind == "entered" else "减员"
                    findings.append(Finding("roster-unrecorded-movement",
                                            f"{who(p, public)}在 {d1} 至 {d2} 间{verb}“{state.reference(body)}”({key[1]}),"
                                            f"台账同期没有相应的{op}或人随编走指令(该单位同期记录 {recorded} 人、花名册 {len(people)} 人)",
                                            p.at("body"), severity_of("roster-unrecorded-movement"), state.reference(body),
                                            (body.id,), (body.division,)))
            extra = recorded - len(people)
            if extra > 0:
                m = ledger[key][-1]
                body = state.bodies[key[0]]
                findings.append(Finding("roster-movement-missing",
                                        f"台账在 {d1} 至 {d2} 间记录“{state.reference(body)}”{key[1]}"
                                        f"{'进人' if kind == 'entered' else '减员'} {recorded} 人,花名册中只有 {len(people)} 人"
                                        f"{'进入' if kind == 'entered' else '离开'};请核实花名册或指令", m.source,
                                        severity_of("roster-movement-missing"),
                                        state.reference(body), (body.id,), (body.division,)))
    for (src, dst, t), n in ledger_moves.items():
        if n > 0:
            m = transfers[(src, dst, t)][-1]
            a, b = state.bodies[src], state.bodies[dst]
            findings.append(Finding("roster-movement-missing",
                                    f"台账在 {d1} 至 {d2} 间记录 {n} 人随编(职能)从“{state.reference(a)}”转到“{state.reference(b)}”"
                                    f"({t}),花名册中没有这些人员的调动", m.source,
                                    severity_of("roster-movement-missing"), state.reference(b), (a.id, b.id),
                                    (a.division, b.division)))
    return Movements(pd.DataFrame(rows, columns=MOVEMENT_COLUMNS), settle(findings, state.config))


def _row(state: State, d1, d2, kind: str, p: Person, a, b, matched: bool, public: bool) -> tuple:
    def name(key):
        return state.reference(state.bodies[key[0]]) if key else ""

    return (d1, d2, KIND_LABELS[kind], who(p, public), name(a), name(b), (b or a)[1], matched)
