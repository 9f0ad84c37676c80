"""Before/after comparisons of two replayed states (used by :mod:`orgmodel.scenario`).

Bodies are matched across the two replays by :func:`body_key` (the directive that
established them, their division and first name), never by replay id, because
scenario directives interleaved with the base can shift ids.
"""

from __future__ import annotations

import weakref

import pandas as pd

from .balance import off_quota_detail, tables_of
from .kinds import EventKind, Fact
from .labels import flow_end_label
from .state import Body, State

MEASURES = ["approved", "actual", "vacant", "over"]
STATUS = {"new": "新设", "gone": "撤销", "renamed": "更名", "changed": "变化"}


def body_key(body: Body) -> str:
    """A replay-independent identity: establishing source, division and first name."""
    first = body.names[0][1] if body.names else body.name
    return f"{body.facts.source(Fact.ESTABLISH) or ''}#{body.division}#{first}"


_KEYS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def body_keys(state: State) -> dict[int, str]:
    """:func:`body_key` of every body of ``state`` by id, made once per state version (each
    diff asks for all of them, and a province has 100,000)."""
    known = _KEYS.get(state)
    if known is None or known[0] != state.version:
        known = _KEYS[state] = (state.version, {b.id: body_key(b) for b in state.bodies.values()})
    return known[1]


def _active_by_key(state: State) -> dict[str, Body]:
    keys = body_keys(state)
    return {keys[b.id]: b for b in state.active_bodies()}


def _frame(state: State, df: pd.DataFrame, item: str) -> pd.DataFrame:
    keys = body_keys(state)
    df = df.assign(key=df["body_id"].map(keys))
    return df.set_index(["key", item])[MEASURES]


def _retired(state: State) -> dict[str, str]:
    """For each retired body's key: how it went (并入 / 分设 / 撤销), from its lineage in the graph."""
    out, keys = {}, body_keys(state)
    for b in state.bodies.values():
        if not b.active:
            how = next((how for _, how in state.successors(b)), EventKind.ABOLISHED)
            out[keys[b.id]] = how.status_label
    return out


def _status(key: str, before: dict, after: dict, retired: dict) -> tuple[str, str | None]:
    if key not in before:
        return STATUS["new"], None
    if key not in after:
        return retired.get(key, STATUS["gone"]), None
    old, new = before[key].name, after[key].name
    return (STATUS["renamed"], old) if old != new else (STATUS["changed"], None)


def _diff(before: State, after: State, b_df: pd.DataFrame, a_df: pd.DataFrame, item: str) -> pd.DataFrame:
    b, a = _frame(before, b_df, item), _frame(after, a_df, item)
    idx = b.index.union(a.index)
    b, a = b.reindex(idx, fill_value=0).astype(int), a.reindex(idx, fill_value=0).astype(int)
    changed = (b != a).any(axis=1)
    b_bodies, a_bodies = _active_by_key(before), _active_by_key(after)
    retired = _retired(after)
    rows = []
    for (key, it), bv, av in zip(idx[changed], b[changed].values, a[changed].values):
        body = a_bodies.get(key) or b_bodies[key]
        status, former = _status(key, b_bodies, a_bodies, retired)
        div = (after.divisions.get(body.division) or before.divisions[body.division])
        rows.append([body.division, div.name, body.name, former, status, it, *bv.tolist(), *av.tolist()])
    cols = ["division_code", "division", "body", "former_name", "status", item,
            *[f"before_{m}" for m in MEASURES], *[f"after_{m}" for m in MEASURES]]
    df = pd.DataFrame(rows, columns=cols)
    order = {k: i for i, k in enumerate([*after.config.quota_types, *after.config.leader_kinds])}
    df = df.assign(_o=df[item].map(order)).sort_values(["division_code", "body", "_o"], kind="stable")
    return df.drop(columns="_o").reset_index(drop=True)


def balance_diff(before: State, after: State) -> pd.DataFrame:
    """Per body and quota type: before/after approved, actual, vacant, over (changed rows only)."""
    return _diff(before, after, tables_of(before).bodies, tables_of(after).bodies, "quota_type")


def leader_diff(before: State, after: State) -> pd.DataFrame:
    """Per body and post kind (正职/副职): before/after leader posts (changed rows only)."""
    return _diff(before, after, tables_of(before).leaders, tables_of(after).leaders, "post")


def _side_by_side(b: pd.DataFrame, a: pd.DataFrame, keys: list[str], values: list[str]) -> pd.DataFrame:
    b = b.set_index(keys)[values].add_prefix("before_")
    a = a.set_index(keys)[values].add_prefix("after_")
    df = b.join(a, how="outer").fillna(0)
    return df.astype(int).reset_index()


def township_diff(before: State, after: State) -> pd.DataFrame:
    """Per township and type: own bodies' balance, grids and off-quota staff before → after.
    Rows whose quota changed, and for a township whose grids or off-quota staff changed while
    its quota did not, its first row, so that no change goes unlisted."""
    values = [*MEASURES, "grids", "off_quota_staff"]
    keys = ["division_code", "quota_type"]
    b, a = (tables_of(s).townships.fillna({"quota_type": ""}) for s in (before, after))
    df = _side_by_side(b, a, keys, values)
    quota = pd.Series(False, index=df.index)
    for v in MEASURES:
        quota |= df[f"before_{v}"] != df[f"after_{v}"]
    others = pd.Series(False, index=df.index)
    for v in ("grids", "off_quota_staff"):
        others |= df[f"before_{v}"] != df[f"after_{v}"]
    listed = set(df.loc[quota, "division_code"])
    first = ~df.duplicated("division_code") & ~df["division_code"].isin(listed)
    names = {c: d.name for c, d in {**before.divisions, **after.divisions}.items()}
    df.insert(1, "division", df["division_code"].map(names))
    df["quota_type"] = df["quota_type"].replace("", None)
    return df[quota | (others & first)].reset_index(drop=True)


def totals_diff(before: State, after: State) -> pd.DataFrame:
    """Jurisdiction totals per quota type, before → after (bodies, pools and their sum)."""
    values = [*MEASURES, "pools", "total"]
    df = _side_by_side(tables_of(before).totals, tables_of(after).totals, ["quota_type"], values)
    order = {t: i for i, t in enumerate(after.config.quota_types)}
    return df.sort_values("quota_type", key=lambda s: s.map(order)).reset_index(drop=True)


def bodies_compared(base: State, afters: list[State], names: list[str]) -> pd.DataFrame:
    """Bodies whose approved or actual quota differs from ``base`` in any of ``afters``, side by side:
    ``division_code, division, body, quota_type, measure`` (approved/actual), ``base``, then one
    column per name (0 where the body does not exist, e.g. merged away). Bodies of the base are
    matched by :func:`body_key`; bodies that plans create, by division and name, so that the same
    new body in two plans is one row. ``body`` is the name in the base, else in the first scenario
    having it."""
    labels: dict[str, tuple] = {}
    cols = []
    known = set(body_keys(base).values())

    for state, name in zip([base, *afters], ["base", *names]):
        keys = {i: key if key in known else f"new#{state.bodies[i].division}#{state.bodies[i].name}"
                for i, key in body_keys(state).items()}
        for b in state.bodies.values():
            labels.setdefault(keys[b.id], (b.division, state.divisions[b.division].name, b.name))
        df = tables_of(state).bodies
        df = df.assign(key=df["body_id"].map(keys))
        long = df.set_index(["key", "quota_type"])[["approved", "actual"]].rename_axis(columns="measure").stack()
        cols.append(long.rename(name))
    out = pd.concat(cols, axis=1).fillna(0).astype(int)
    out = out[out[names].ne(out["base"], axis=0).any(axis=1)].reset_index()
    info = pd.DataFrame([labels[k] for k in out["key"]], columns=["division_code", "division", "body"])
    out = pd.concat([info, out.drop(columns="key")], axis=1)
    order = {t: i for i, t in enumerate(base.config.quota_types)}
    out = out.assign(_o=out["quota_type"].map(order), _m=out["measure"].map({"approved": 0, "actual": 1}))
    out = out.sort_values(["division_code", "body", "_o", "_m"], kind="stable")
    return out.drop(columns=["_o", "_m"]).reset_index(drop=True)


def _long(df: pd.DataFrame, keys: list[str], values: list[str], name: str) -> pd.Series:
    return df.set_index(keys)[values].rename_axis(columns="measure").stack().rename(name)


def compare_frames(sims, names: list[str]) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """For ``compare``: totals, per-township balance and changed bodies (:func:`bodies_compared`)
    of the base and each simulation, one column each (English columns:
    ``..., quota_type, measure, base, <names>``)."""
    base = sims[0].before
    tot = [_long(tables_of(base).totals, ["quota_type"], [*MEASURES, "pools", "total"], "base")]
    town = [_long(tables_of(base).townships, ["division", "quota_type"], MEASURES, "base")]
    for sim, name in zip(sims, names):
        tot.append(_long(tables_of(sim.after).totals, ["quota_type"], [*MEASURES, "pools", "total"], name))
        town.append(_long(tables_of(sim.after).townships, ["division", "quota_type"], MEASURES, name))
    totals, towns = (pd.concat(parts, axis=1).fillna(0).astype(int).reset_index() for parts in (tot, town))
    bodies = bodies_compared(base, [s.after for s in sims], names).drop(columns="division_code")
    return totals, towns, bodies


DUTY_STATUS = {"new": "新增", "gone": "取消", "changed": "调整"}


def duty_diff(before: State, after: State) -> list[dict]:
    """Duty items added, dropped, or whose category, lead or supporting bodies changed:
    ``{division, item, change, before: {item_category, lead, support} | None, after: {...} | None}``."""
    def rows(state):
        return {(r["division_code"], r["item"]): r for r in tables_of(state).duties.to_dict("records")}

    b, a = rows(before), rows(after)
    out = []
    for key in [*b, *(k for k in a if k not in b)]:
        old, new = b.get(key), a.get(key)
        fields = ("item_category", "lead", "support")
        was = {f: old[f] for f in fields} if old else None
        now = {f: new[f] for f in fields} if new else None
        if was == now:
            continue
        change = DUTY_STATUS["new"] if old is None else DUTY_STATUS["gone"] if new is None else DUTY_STATUS["changed"]
        out.append({"division": (new or old)["division"], "item": key[1], "change": change, "before": was, "after": now,
                    "before_text": duty_text(was), "after_text": duty_text(now)})
    return out


ATTRIBUTES = ["signboards", "category", "class", "rank", "funding", "led_by", "positions", "counts"]
ATTRIBUTE_LABELS = {"signboards": "牌子", "category": "机构类别", "class": "公益类别", "rank": "规格",
                    "funding": "经费形式", "led_by": "主管机构", "positions": "岗位", "counts": "其他统计数"}
FIGURES = ("signboards", "positions", "counts")  # what is listed for a body the plan creates


def _counted(counts: dict[str, int]) -> str:
    return "、".join(f"{k} {n}" for k, n in counts.items() if n)


def _attributes(state: State, body: Body) -> dict[str, str]:
    leader = state.leader(body)
    return {"signboards": "、".join(state.signboards(body)), "category": body.category or "",
            "class": body.klass or "", "rank": body.rank or "", "funding": body.funding or "",
            "led_by": state.reference(leader) if leader else "",
            "positions": _counted(body.positions), "counts": _counted(body.counts)}


def attribute_diff(before: State, after: State) -> list[dict]:
    """Every descriptive attribute of an active body that differs before → after:
    ``{division, body, attribute, label, before, after}`` (``before`` is "" when it had none).
    A body the plan creates lists only its signboards, positions and named counts (one it
    took over from another body shows on both); its other attributes are part of its 设立 line."""
    b_bodies, keys = _active_by_key(before), body_keys(after)
    out = []
    for body in after.active_bodies():
        old = b_bodies.get(keys[body.id])
        now = _attributes(after, body)
        was = _attributes(before, old) if old else dict.fromkeys(ATTRIBUTES, "")
        for attr in ATTRIBUTES if old else FIGURES:
            if was[attr] != now[attr]:
                out.append({"division_code": body.division, "division": after.divisions[body.division].name,
                            "body": body.name, "attribute": attr, "label": ATTRIBUTE_LABELS[attr],
                            "before": was[attr], "after": now[attr]})
    out.sort(key=lambda r: (r["division_code"], r["body"], ATTRIBUTES.index(r["attribute"])))
    return out


def duty_text(d: dict | None) -> str:
    """``牵头 甲,配合 乙、丙,类别 平安建设`` (``(无)`` for no item)."""
    if d is None:
        return "(无)"
    return (f"牵头 {d['lead']}" + (f",配合 {d['support']}" if d["support"] else "")
            + (f",类别 {d['item_category']}" if d["item_category"] else ""))


def off_quota_totals(before: State, after: State) -> dict:
    """The jurisdiction's off-quota staff and grids (rolled up over every division), before and after."""
    def total(state):
        off = tables_of(state).off_quota
        top = off[off["division_code"].isin([c for c, d in state.divisions.items() if d.parent is None])]
        return {"off_quota_staff": int(top["off_quota_staff"].sum()), "grids": int(top["grids"].sum())}

    return {"before": total(before), "after": total(after)}


def _off_quota_of(div) -> dict:
    if div is None:
        return {"grids": 0, "staff": {}, "of_whom": {}, "counts": {}}
    return {"grids": div.grids, "staff": dict(div.off_quota),
            "of_whom": {k: dict(v) for k, v in div.of_whom.items()}, "counts": dict(div.counts)}


def off_quota_diff(before: State, after: State) -> list[dict]:
    """Divisions whose own grids, off-quota staff (of whom …) or named counts changed:
    ``{division_code, division, before: {grids, staff, of_whom, counts}, after: {...}}``."""
    out = []
    for code, div in after.divisions.items():
        b, a = _off_quota_of(before.divisions.get(code)), _off_quota_of(div)
        if a != b:
            out.append({"division_code": code, "division": div.name, "before": b, "after": a,
                        "before_text": off_quota_detail(b["staff"], b["of_whom"]) or "无",
                        "after_text": off_quota_detail(a["staff"], a["of_whom"]) or "无",
                        "counts_text": "、".join(f"{k} {n}" for k, n in a["counts"].items())})
    return out


def flow_records(after: State, sources: set) -> list[dict]:
    """The quota movements made by directives from ``sources`` (for a Sankey diagram)."""
    return [{"date": f.date.isoformat(), "doc": f.doc, "kind": f.kind, "kind_label": f.kind.label,
             "source_label": flow_end_label(after, f.src, f.date), "target_label": flow_end_label(after, f.dst, f.date),
             "quota_type": f.quota_type, "amount": f.amount, "cross_level": f.cross_level, "approved_by": f.approval,
             "source": str(f.source)}
            for f in after.flows if f.source in sources and f.amount]


def _tree_rows(state: State) -> dict[str, dict]:
    keys = body_keys(state)
    rows = {}
    for b in state.bodies.values():
        rows[keys[b.id]] = {
            "key": keys[b.id], "body": b.name, "division": state.divisions[b.division].name,
            "parent": _key_of(keys, state.parent(b)), "led_by": _key_of(keys, state.leader(b)), "category": b.category,
            "class": b.klass, "signboards": state.signboards(b), "active": b.active}
    return rows


def _key_of(keys: dict[int, str], body: Body | None) -> str | None:
    return None if body is None else keys.get(body.id)


def _with_ancestors(rows: dict[str, dict], keys: set[str]) -> list[dict]:
    todo, seen = sorted(keys), set()
    while todo:
        k = todo.pop()
        if k in seen or k not in rows:
            continue
        seen.add(k)
        todo += [x for x in (rows[k]["parent"], rows[k]["led_by"]) if x]
    return [rows[k] for k in sorted(seen)]


def trees(before: State, after: State, sources: set) -> tuple[list[dict], list[dict]]:
    """The changed bodies (and their parent / led_by ancestors) before and after."""
    b_rows, a_rows = _tree_rows(before), _tree_rows(after)
    keys = {k for k in set(b_rows) | set(a_rows) if b_rows.get(k) != a_rows.get(k)}
    ids = {i for e in after.events if e.source in sources for i in e.bodies}
    after_keys = body_keys(after)
    keys |= {after_keys[i] for i in ids if i in after.bodies}
    keep_before = {k for k in keys if k in b_rows and b_rows[k]["active"]}
    keep_after = {k for k in keys if k in a_rows and a_rows[k]["active"]}
    return _with_ancestors(b_rows, keep_before), _with_ancestors(a_rows, keep_after)
