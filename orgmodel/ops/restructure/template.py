"""Township templates (统一设置): one directive applies a named pattern to every township of a kind.

Each template entry names a body and the old names it replaces (``from``). In every
township in scope: one existing match is renamed (its old name kept as a signboard with
``keep_names``); several are merged into one; none creates the body empty (quota comes
later by transfers) unless ``missing: 跳过``. Entries may set category/class/rank/funding
and hang signboards. Templates live in the config key ``templates`` or are given inline
as ``bodies``. The Tengzhou-style bulk rename plus signboard is an inline one-entry
template with ``missing: 跳过``. Everything is planned for every township before
anything changes.
"""

from __future__ import annotations

import dataclasses

from ...kinds import EventKind
from ...schema import Field
from ...state import DIVISION, State
from ..bodies import establish, reclassify
from ..fields import ATTRIBUTES, CATEGORIES, CLASSES, FUNDINGS, TOWNSHIP_KINDS
from ..names import rename, signboard_add
from ..planning import defaults_from, names_free, plan_body
from ..registry import op
from .merge import apply_merge, merge_event, plan_merge

ENTRY = {
    "name": Field("str", True), "category": Field("str", choices=CATEGORIES),
    "class": Field("str", choices=CLASSES), "rank": Field("str"), "funding": Field("str", choices=FUNDINGS),
    "signboards": Field("strs"), "from": Field("strs"),
}
MISSING = {"新建": "create", "create": "create", "跳过": "skip", "skip": "skip", "报错": "error", "error": "error"}


def _entries(state: State, d) -> tuple[list[dict], dict] | None:
    """The template's entries and its own settings (kind), from the directive or the config."""
    f = d.fields
    if ("template" in f) == ("bodies" in f):
        state.error("missing-field", "统一设置须写明 template(配置中的模板名)或 bodies(逐项列出)二者之一", d, "template")
        return None
    if "bodies" in f:
        return [_normal(e) for e in f["bodies"]], {}
    known = state.config.get("templates") or {}
    tpl = known.get(f["template"])
    if not isinstance(tpl, dict) or not isinstance(tpl.get("bodies"), list):
        state.error("unknown-template", f"配置中没有模板“{f['template']}”;可用模板:{'、'.join(known) or '无'}(配置键 templates)", d, "template")
        return None
    entries = [e for e in tpl["bodies"] if isinstance(e, dict) and e.get("name")]
    bad = [str(e.get("name")) for e in entries for k, spec in ENTRY.items() if spec.choices and e.get(k) not in (None, *spec.choices)]
    if len(entries) != len(tpl["bodies"]) or bad:
        what = f"条目“{'、'.join(bad)}”的机构类别、公益类别或经费形式无效" if bad else "有缺少 name 的条目"
        state.error("bad-template", f"模板“{f['template']}”中{what},请检查配置", d, "template")
        return None
    return [_normal(e) for e in entries], tpl


def _normal(entry: dict) -> dict:
    return {**entry, "from": _listed(entry.get("from")), "signboards": _listed(entry.get("signboards"))}


def _listed(value) -> list[str]:
    return [] if value is None else [str(value)] if isinstance(value, str) else [str(v) for v in value]


def _scope(state: State, d, tpl: dict) -> list[str] | None:
    """Codes of the townships the template applies to (``divisions``, or ``kind`` within ``within``)."""
    f = d.fields
    if "divisions" in f:
        divs = [state.require(d, "divisions", DIVISION, ref=r) for r in f["divisions"]]
        if any(x is None for x in divs):
            return None
        bad = [x.name for x in divs if x.level != "乡镇"]
        if bad:
            state.error("bad-value", f"统一设置只适用于乡镇、街道;“{'、'.join(bad)}”不是乡镇级区划", d, "divisions")
            return None
        return [x.code for x in divs]
    kinds = f.get("kind") or tpl.get("kind")
    kinds = [kinds] if isinstance(kinds, str) else list(kinds or [])
    bad = [k for k in kinds if k not in TOWNSHIP_KINDS]
    if not kinds or bad:
        state.error("bad-value", f"须用 kind 写明乡镇类别({'、'.join(TOWNSHIP_KINDS)})或用 divisions 列出乡镇" + (f";“{'、'.join(bad)}”无效" if bad else ""), d, "kind")
        return None
    within = None
    if "within" in f:
        within = state.require(d, "within", DIVISION)
        if within is None:
            return None
    inside = None if within is None else set(state.within(within.code))
    codes = [c for c, x in state.divisions.items() if x.level == "乡镇" and x.kind in kinds
             and (inside is None or c in inside)]
    if not codes:
        state.error("bad-value", f"没有{'、'.join(kinds)}类的乡镇可以统一设置", d, "kind")
    return codes or None


def _matches(state: State, code: str, entry: dict) -> list:
    """Active bodies in township ``code`` known by the entry's name or one of its old names."""
    out = []
    for n in [entry["name"], *entry["from"]]:
        body = state.body_named(code, n)
        if body is not None and body not in out:
            out.append(body)
    return out


def _plan_entry(state: State, d, code: str, entry: dict, keep: bool, missing: str):
    """One township's action for one entry: ("create"|"rename"|"merge"|"keep", payload) or None."""
    found = _matches(state, code, entry)
    div = state.divisions[code]
    if len(found) > 1:
        named = [b for b in found if b.name == entry["name"]]
        target, new = (named[0], None) if named else (None, plan_body(state, d, "bodies", entry, defaults_from(state, found)))
        if target is None and new is None:
            return None
        sources = [b for b in found if b is not target]
        extra = [s for s in entry["signboards"] if target and s not in state.signboards(target)]
        if extra and not names_free(state, d, "bodies", code, extra, {target.id}):
            return None
        plan = plan_merge(state, d, sources, target, new, keep)
        return ("merge", plan) if plan else None
    if found:
        b = found[0]
        names = [entry["name"]] if b.name != entry["name"] else []
        extra = [s for s in entry["signboards"] if s not in state.signboards(b) and s != entry["name"]]
        ok = names_free(state, d, "bodies", code, names + extra, {b.id})
        return ("rename", b) if ok else None
    if missing == "skip":
        return ("skip", None)
    if missing == "error":
        state.error("template-missing", f"{div.name}没有“{'、'.join([entry['name'], *entry['from']])}”中的任何机构", d, "bodies")
        return None
    if not entry.get("category"):
        state.error("missing-field", f"{div.name}须新设“{entry['name']}”,但模板条目没有 category(机构类别)", d, "bodies")
        return None
    ok = names_free(state, d, "bodies", code, [entry["name"], *entry["signboards"]])
    return ("create", None) if ok else None


def _entries_ok(state: State, d, entries: list[dict]) -> bool:
    """No name (body or signboard) appears twice in the template."""
    names = [n for e in entries for n in [e["name"], *e["signboards"]]]
    twice = sorted({n for i, n in enumerate(names) if n in names[:i]})
    for n in twice:
        state.error("duplicate-name", f"模板中的名称“{n}”用了不止一次(机构名称或牌子)", d, "bodies", n)
    return not twice


def _plan(state: State, d, codes: list[str], entries: list[dict], keep: bool, missing: str) -> list | None:
    """Every township's actions, checked for bodies claimed by two entries."""
    if not _entries_ok(state, d, entries):
        return None
    actions, ok = [], True
    for code in codes:
        used = set()
        for entry in entries:
            for b in _matches(state, code, entry):
                if b.id in used:
                    state.error("bad-template", f"{state.divisions[code].name}“{b.name}”同时对应模板中的多个条目", d, "bodies", b)
                    ok = False
                used.add(b.id)
            act = _plan_entry(state, d, code, entry, keep, missing)
            ok = ok and act is not None
            actions.append((code, entry, act))
    return actions if ok else None


def _sub(d, op_name: str, **fields):
    """A directive for one step of the template, with the template's date, document and source."""
    return dataclasses.replace(d, op=op_name, fields=fields)


def _apply(state: State, d, code: str, entry: dict, act: tuple, keep: bool) -> str | None:
    kind, payload = act
    ref = f"{code}/{entry['name']}"
    if kind == "skip":
        return None
    if kind == "create":
        attrs = {k: entry[k] for k in ATTRIBUTES if entry.get(k)}
        establish(state, _sub(d, "establish", name=entry["name"], division=code, **attrs))
    elif kind == "merge":
        receiver = apply_merge(state, d, payload)
        merge_event(state, d, payload, receiver)
    elif payload.name != entry["name"]:
        rename(state, _sub(d, "rename", body=f"{code}/{payload.name}", to=entry["name"], keep_signboard=keep))
    else:
        kind = "keep"
    body = state.body_named(code, entry["name"])
    change = {k: entry[k] for k, spec in ATTRIBUTES.items() if entry.get(k) and getattr(body, spec.key) != entry[k]}
    if change and kind != "create":
        reclassify(state, _sub(d, "reclassify", body=ref, **change))
    for s in entry["signboards"]:
        if s not in state.signboards(body):
            signboard_add(state, _sub(d, "signboard_add", body=ref, name=s))
    return kind


@op("apply_template", "统一设置", phase="templates", aliases=("模板",), needs_doc=True, fields={
    "template": Field("str"), "bodies": Field(ENTRY), "kind": Field("strs"),
    "divisions": Field("refs"), "within": Field("ref"), "keep_names": Field("bool"),
    "missing": Field("str", choices=tuple(MISSING)),
})
def apply_template(state: State, d) -> None:
    """Apply a township template to every township in scope, or change nothing."""
    got = _entries(state, d)
    if got is None:
        return
    entries, tpl = got
    codes = _scope(state, d, tpl)
    if codes is None:
        return
    keep = d.fields.get("keep_names", bool(tpl.get("keep_names", False)))
    missing = MISSING.get(d.fields.get("missing", tpl.get("missing", "create")), "create")
    actions = _plan(state, d, codes, entries, keep, missing)
    if actions is None:
        return
    done: dict[str, int] = {}
    for code, entry, act in actions:
        kind = _apply(state, d, code, entry, act, keep)
        if kind:
            done[kind] = done.get(kind, 0) + 1
    label = d.fields.get("template") or "、".join(e["name"] for e in entries)
    words = {"create": "新设", "rename": "更名", "merge": "合并", "keep": "保留"}
    summary = "、".join(f"{words[k]} {n} 个" for k, n in done.items()) or "无变化"
    state.event(d, EventKind.TEMPLATE_APPLIED, f"按“{label}”统一设置 {len(codes)} 个乡镇(街道):{summary}", [], codes)
