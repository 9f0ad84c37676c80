"""Before/after comparisons of two :class:`~orgmodel.snapshot.Snapshot` s (used by
:mod:`orgmodel.scenario`): what a plan changes, body by body, township by township.

Bodies are matched across the two by :func:`~orgmodel.snapshot.body_key`, never by replay
id, because scenario directives interleaved with the base can shift ids. Only
:func:`flow_records` and :func:`plan_keys` read the state after the plan itself.
"""

from __future__ import annotations

import pandas as pd

from ..core.labels import flow_end_label
from ..figures.balance import off_quota_detail
from ..state import State
from .snapshot import ATTRIBUTES, MEASURES, TREE_FIELDS, Snapshot, body_keys

STATUS = {"new": "新设", "gone": "撤销", "renamed": "更名", "changed": "变化"}


def _status(key: str, before: dict, after: dict, retired: dict) -> tuple[str, str | None]:
    if key not in before:
        return STATUS["new"], None
    if key not in after:
        return retired.get(key, STATUS["gone"]), None
    old, new = before[key].name, after[key].name
    return (STATUS["renamed"], old) if old != new else (STATUS["changed"], None)


def _diff(before: Snapshot, after: Snapshot, b_df: pd.DataFrame, a_df: pd.DataFrame, item: str) -> pd.DataFrame:
    # a plan touches few of a province's bodies: rows found unchanged on both sides by one hash
    # pass are set aside before the (costlier) alignment of the rest
    both = pd.concat([b_df, a_df], ignore_index=True)
    touched = both.loc[~both.duplicated(["key", item, *MEASURES], keep=False), "key"].unique()
    b_df, a_df = b_df[b_df["key"].isin(touched)], a_df[a_df["key"].isin(touched)]
    b, a = b_df.set_index(["key", item])[MEASURES], a_df.set_index(["key", item])[MEASURES]
    idx = b.index.union(a.index)
    b, a = b.reindex(idx, fill_value=0).astype(int), a.reindex(idx, fill_value=0).astype(int)
    changed = (b != a).any(axis=1)
    b_bodies, a_bodies = before.active(), after.active()
    rows = []
    for (key, it), bv, av in zip(idx[changed], b[changed].values, a[changed].values):
        body = a_bodies.get(key) or b_bodies[key]
        status, former = _status(key, b_bodies, a_bodies, after.retired)
        name = after.divisions.get(body.division) or before.divisions[body.division]
        rows.append([body.division, name, body.name, former, status, it, *bv.tolist(), *av.tolist()])
    cols = ["division_code", "division", "body", "former_name", "status", item,
            *[f"before_{m}" for m in MEASURES], *[f"after_{m}" for m in MEASURES]]
    df = pd.DataFrame(rows, columns=cols)
    order = {k: i for i, k in enumerate([*after.quota_types, *after.leader_kinds])}
    df = df.assign(_o=df[item].map(order)).sort_values(["division_code", "body", "_o"], kind="stable")
    return df.drop(columns="_o").reset_index(drop=True)


def balance_diff(before: Snapshot, after: Snapshot) -> pd.DataFrame:
    """Per body and quota type: before/after approved, actual, vacant, over (changed rows only)."""
    return _diff(before, after, before.body_rows, after.body_rows, "quota_type")


def leader_diff(before: Snapshot, after: Snapshot) -> pd.DataFrame:
    """Per body and post kind (正职/副职): before/after leader posts (changed rows only)."""
    return _diff(before, after, before.leader_rows, after.leader_rows, "post")


def _side_by_side(b: pd.DataFrame, a: pd.DataFrame, keys: list[str], values: list[str]) -> pd.DataFrame:
    b = b.set_index(keys)[values].add_prefix("before_")
    a = a.set_index(keys)[values].add_prefix("after_")
    df = b.join(a, how="outer").fillna(0)
    return df.astype(int).reset_index()


def township_diff(before: Snapshot, after: Snapshot) -> pd.DataFrame:
    """Per township and type: own bodies' balance, grids and off-quota staff before → after.
    Rows whose quota changed, and for a township whose grids or off-quota staff changed while
    its quota did not, its first row, so that no change goes unlisted."""
    values = [*MEASURES, "grids", "off_quota_staff"]
    keys = ["division_code", "quota_type"]
    b, a = (s.townships.fillna({"quota_type": ""}) for s in (before, after))
    df = _side_by_side(b, a, keys, values)
    quota = pd.Series(False, index=df.index)
    for v in MEASURES:
        quota |= df[f"before_{v}"] != df[f"after_{v}"]
    others = pd.Series(False, index=df.index)
    for v in ("grids", "off_quota_staff"):
        others |= df[f"before_{v}"] != df[f"after_{v}"]
    listed = set(df.loc[quota, "division_code"])
    first = ~df.duplicated("division_code") & ~df["division_code"].isin(listed)
    df.insert(1, "division", df["division_code"].map({**before.divisions, **after.divisions}))
    df["quota_type"] = df["quota_type"].replace("", None)
    return df[quota | (others & first)].reset_index(drop=True)


def totals_diff(before: Snapshot, after: Snapshot) -> pd.DataFrame:
    """Jurisdiction totals per quota type, before → after (bodies, pools and their sum)."""
    values = [*MEASURES, "pools", "total"]
    df = _side_by_side(before.totals, after.totals, ["quota_type"], values)
    order = {t: i for i, t in enumerate(after.quota_types)}
    return df.sort_values("quota_type", key=lambda s: s.map(order)).reset_index(drop=True)


def bodies_compared(base: Snapshot, afters: list[Snapshot], names: list[str]) -> pd.DataFrame:
    """Bodies whose approved or actual quota differs from ``base`` in any of ``afters``, side by side:
    ``division_code, division, body, quota_type, measure`` (approved/actual), ``base``, then one
    column per name (0 where the body does not exist, e.g. merged away). Bodies of the base are
    matched by key; bodies that plans create, by division and name, so that the same new body in
    two plans is one row. ``body`` is the name in the base, else in the first scenario having it."""
    labels: dict[str, tuple] = {}
    cols = []
    for snap, name in zip([base, *afters], ["base", *names]):
        keys = {key: key if key in base.bodies else f"new#{b.division}#{b.name}" for key, b in snap.bodies.items()}
        for key, b in snap.bodies.items():
            labels.setdefault(keys[key], (b.division, snap.division_name(b.division), b.name))
        df = snap.body_rows.assign(key=snap.body_rows["key"].map(keys))
        long = df.set_index(["key", "quota_type"])[["approved", "actual"]].rename_axis(columns="measure").stack()
        cols.append(long.rename(name))
    out = pd.concat(cols, axis=1).fillna(0).astype(int)
    out = out[out[names].ne(out["base"], axis=0).any(axis=1)].reset_index()
    info = pd.DataFrame([labels[k] for k in out["key"]], columns=["division_code", "division", "body"])
    out = pd.concat([info, out.drop(columns="key")], axis=1)
    order = {t: i for i, t in enumerate(base.quota_types)}
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
    tot = [_long(base.totals, ["quota_type"], [*MEASURES, "pools", "total"], "base")]
    town = [_long(base.townships, ["division", "quota_type"], MEASURES, "base")]
    for sim, name in zip(sims, names):
        tot.append(_long(sim.after_snapshot.totals, ["quota_type"], [*MEASURES, "pools", "total"], name))
        town.append(_long(sim.after_snapshot.townships, ["division", "quota_type"], MEASURES, name))
    totals, towns = (pd.concat(parts, axis=1).fillna(0).astype(int).reset_index() for parts in (tot, town))
    bodies = bodies_compared(base, [s.after_snapshot for s in sims], names).drop(columns="division_code")
    return totals, towns, bodies


DUTY_STATUS = {"new": "新增", "gone": "取消", "changed": "调整"}


STANDARD_VALUES = ["implied", "approved", "gap", "verdict"]


def standard_diff(before: Snapshot, after: Snapshot) -> pd.DataFrame:
    """Per standard and holder it measures: 应核, 核定, the gap and how it compares, before → after
    (rows that changed only; a holder only on one side shows blanks on the other)."""
    cols = ["standard", "division", "holder", "quota_type", *(f"{s}_{v}" for s in ("before", "after") for v in STANDARD_VALUES)]
    frames = [getattr(s, "standard_rows", None) for s in (before, after)]  # snapshots remembered before standards
    if any(f is None for f in frames):
        return pd.DataFrame(columns=cols)
    b, a = (f.astype(object).where(f.notna(), None).set_index(["standard", "key"]) for f in frames)
    rows = []
    for idx in b.index.union(a.index, sort=False):
        old = b.loc[idx] if idx in b.index else None
        new = a.loc[idx] if idx in a.index else None
        values = [[None if r is None else r[v] for v in STANDARD_VALUES] for r in (old, new)]
        if values[0] == values[1]:
            continue
        shown = new if new is not None else old
        rows.append([idx[0], shown["division"], shown["holder"], shown["quota_type"], *values[0], *values[1]])
    return pd.DataFrame(rows, columns=cols)


def duty_diff(before: Snapshot, after: Snapshot) -> list[dict]:
    """Duty items added, dropped, or whose category, lead or supporting bodies changed:
    ``{division, item, change, before: {item_category, lead, support} | None, after: {...} | None}``."""
    b, a = before.duties, after.duties
    out = []
    for key in [*b, *(k for k in a if k not in b)]:
        old, new = b.get(key), a.get(key)
        fields = ("item_category", "lead", "support", "time_limit", "closing_standard")
        was = {f: old[f] for f in fields} if old else None
        now = {f: new[f] for f in fields} if new else None
        if was == now:
            continue
        change = DUTY_STATUS["new"] if old is None else DUTY_STATUS["gone"] if new is None else DUTY_STATUS["changed"]
        out.append({"division": (new or old)["division"], "item": key[1], "change": change, "before": was, "after": now,
                    "before_text": duty_text(was), "after_text": duty_text(now)})
    return out


ATTRIBUTE_LABELS = {"signboards": "牌子", "category": "机构类别", "class": "公益类别", "rank": "规格",
                    "funding": "经费形式", "led_by": "主管机构", "relations": "其他领导关系", "positions": "岗位",
                    "counts": "其他统计数"}
FIGURES = ("signboards", "relations", "positions", "counts")  # what is listed for a body the plan creates
_NONE = ("",) * len(ATTRIBUTES)


def attribute_diff(before: Snapshot, after: Snapshot) -> list[dict]:
    """Every descriptive attribute of an active body that differs before → after:
    ``{division, body, attribute, label, before, after}`` (``before`` is "" when it had none).
    A body the plan creates lists only its signboards, positions and named counts (one it
    took over from another body shows on both); its other attributes are part of its 设立 line."""
    out = []
    for key, now in after.attributes.items():
        old = before.attributes.get(key)
        if old == now:
            continue
        was = old or _NONE
        body = after.bodies[key]
        for i, attr in enumerate(ATTRIBUTES):
            if was[i] != now[i] and (old or attr in FIGURES):
                out.append({"division_code": body.division, "division": after.divisions[body.division],
                            "body": body.name, "attribute": attr, "label": ATTRIBUTE_LABELS[attr],
                            "before": was[i], "after": now[i]})
    out.sort(key=lambda r: (r["division_code"], r["body"], ATTRIBUTES.index(r["attribute"])))
    return out


def duty_text(d: dict | None) -> str:
    """``牵头 甲,配合 乙、丙,类别 平安建设,处理时限 3 个工作日`` (``(无)`` for no item)."""
    if d is None:
        return "(无)"
    return (f"牵头 {d['lead']}" + (f",配合 {d['support']}" if d["support"] else "")
            + (f",类别 {d['item_category']}" if d["item_category"] else "")
            + (f",处理时限 {d['time_limit']}" if d.get("time_limit") else "")
            + (f",结案标准 {d['closing_standard']}" if d.get("closing_standard") else ""))


def off_quota_totals(before: Snapshot, after: Snapshot) -> dict:
    """The jurisdiction's off-quota staff and grids (rolled up over every division), before and after."""
    return {"before": dict(before.off_quota_total), "after": dict(after.off_quota_total)}


_NO_OFF_QUOTA = {"grids": 0, "grid_kinds": {}, "staff": {}, "of_whom": {}, "counts": {}, "measures": {}}


def off_quota_diff(before: Snapshot, after: Snapshot) -> list[dict]:
    """Divisions whose own grids, off-quota staff (of whom …) or named counts changed:
    ``{division_code, division, before: {grids, staff, of_whom, counts}, after: {...}}``."""
    out = []
    for code, a in after.off_quota.items():
        b = before.off_quota.get(code, _NO_OFF_QUOTA)
        if a != b:
            out.append({"division_code": code, "division": after.divisions[code], "before": b, "after": a,
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


def plan_keys(after: State, sources: set) -> set[str]:
    """The keys of the bodies that events from ``sources`` (the plan's directives) concern."""
    keys = body_keys(after)
    return {keys[i] for e in after.events if e.source in sources for i in e.bodies if i in keys}


def _with_ancestors(snap: Snapshot, keys: set[str]) -> list[dict]:
    rows = snap.tree_rows
    todo, seen = sorted(keys), set()
    while todo:
        k = todo.pop()
        if k in seen or k not in rows:
            continue
        seen.add(k)
        todo += [x for x in (rows[k][3], rows[k][4]) if x]  # parent, led_by
    return [snap.tree_row(k) for k in sorted(seen)]


def trees(before: Snapshot, after: Snapshot, touched: set[str]) -> tuple[list[dict], list[dict]]:
    """The changed bodies and those in ``touched`` (see :func:`plan_keys`), with their parent /
    led_by ancestors, before and after (rows as :meth:`Snapshot.tree_row` gives them)."""
    b_rows, a_rows = before.tree_rows, after.tree_rows
    keys = {k for k, row in a_rows.items() if b_rows.get(k) != row} | {k for k in b_rows if k not in a_rows} | touched
    active = TREE_FIELDS.index("active")
    keep_before = {k for k in keys if k in b_rows and b_rows[k][active]}
    keep_after = {k for k in keys if k in a_rows and a_rows[k][active]}
    return _with_ancestors(before, keep_before), _with_ancestors(after, keep_after)
