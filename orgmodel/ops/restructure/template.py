"""Township templates (统一设置): one directive applies a named pattern to every township of a kind.

Each template entry names a body and the old names it replaces (``from``). In every
township in scope: one existing match is renamed (its old name kept as a signboard with
``keep_names``); several are merged into one; none creates the body unless
``missing: 跳过``. ``from`` matches the names of bodies only; an entry with
``match_signboards: true`` also takes a body that carries one of those names as a
signboard. Entries may set category/class/rank/funding, hang signboards, take over
signboards another body of the township carries (``take_signboards``), and give the body
its quota (``quota``, from ``quota_from`` or, without it, approved by the higher level),
leader posts (``posts``) and posts (岗位, ``positions``). Templates live in the config key
``templates`` or are given inline as ``bodies``. The Tengzhou-style bulk rename plus
signboard is an inline one-entry template with ``missing: 跳过``. Everything is planned
for every township before anything changes.
"""

from __future__ import annotations

import dataclasses

from ...core.findings import WARNING
from ...core.kinds import EventKind, FlowKind
from ...core.schema import Field, Problems, validate_fields
from ...state import DIVISION, HOLDER, State
from ..bodies import establish, reclassify
from ..fields import ATTRIBUTES, CATEGORIES, CLASSES, FUNDINGS, TOWNSHIP_KINDS
from ..names import rename, signboard_add
from ..planning import defaults_from, draws_available, is_cross_level, names_free, plan_body
from ..registry import op
from .merge import apply_merge, merge_event, plan_merge
from .settlement import RECLAIM, reclaim_pool

ENTRY = {
    "name": Field("name", True), "category": Field("str", choices=CATEGORIES),
    "class": Field("str", choices=CLASSES), "rank": Field("rank"), "funding": Field("str", choices=FUNDINGS),
    "signboards": Field("names"), "from": Field("strs"), "match_signboards": Field("bool"),
    "take_signboards": Field("strs"), "quota": Field("quota"), "quota_from": Field("ref"),
    "posts": Field("posts"), "positions": Field("counts"),
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
    entries, problems = [], []
    for i, raw in enumerate(tpl["bodies"], 1):  # a configured entry is checked like one written in the ledger
        probs = Problems(d.source, {})
        entry = validate_fields(ENTRY, raw, probs, state.config) if isinstance(raw, dict) else None
        if entry is None or probs.findings:
            problems.append(f"第 {i} 项" + (f"(“{raw.get('name')}”)" if isinstance(raw, dict) and raw.get("name") else "")
                            + ":" + ("应为映射" if entry is None else ";".join(x.message for x in probs.findings)))
        else:
            entries.append(entry)
    if problems:
        state.error("bad-template", f"模板“{f['template']}”有误,请检查配置:{'。'.join(problems)}", d, "template")
        return None
    return [_normal(e) for e in entries], tpl


def _normal(entry: dict) -> dict:
    return {**entry, "from": _listed(entry.get("from")), "signboards": _listed(entry.get("signboards")),
            "take_signboards": _listed(entry.get("take_signboards"))}


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
    """Active bodies in township ``code`` named by the entry's name or one of its old names
    (or carrying one of them as a signboard, when the entry asks for that)."""
    out = []
    for n in [entry["name"], *entry["from"]]:
        body = state.body_named(code, n)
        if body is not None and body not in out and (body.name == n or entry.get("match_signboards")):
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
    _hint_signboards(state, d, code, entry, missing)
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


def _hint_signboards(state: State, d, code: str, entry: dict, missing: str) -> None:
    """A warning when no body of the township is named as the entry says, but one carries
    such a name as a signboard: the user may have meant that body (``match_signboards``)."""
    if entry.get("match_signboards"):
        return
    for name in [entry["name"], *entry["from"]]:
        carrier = state.body_named(code, name)
        if carrier is not None and carrier.name != name:
            done = "跳过了这个乡镇" if missing == "skip" else f"新设了“{entry['name']}”"
            state.error("template-signboard", f"{state.divisions[code].name}“{carrier.name}”挂有“{name}”牌子;模板条目的 from "
                        f"只按机构名称对应,所以{done}。如要把“{carrier.name}”作为对应机构,请在条目中写 match_signboards: true",
                        d, "bodies", carrier, severity=WARNING)
            return


def _taken(state: State, d, code: str, entry: dict, receiver) -> list | None:
    """``[(body, signboard)]``: the signboards of other bodies of the township the entry takes
    over (one the township does not have is passed over). None, with a finding, when a name
    is a body's own name rather than a signboard."""
    out = []
    for name in entry["take_signboards"]:
        owner = state.body_named(code, name)
        if owner is None or owner is receiver:
            continue
        if owner.name == name:
            state.error("bad-template", f"{state.divisions[code].name}的“{name}”是机构名称,不是牌子,不能由“{entry['name']}”接挂",
                        d, "bodies", owner)
            return None
        out.append((owner, name))
    return out


def _entries_ok(state: State, d, entries: list[dict]) -> bool:
    """No name (body or signboard) appears twice in the template."""
    names = [n for e in entries for n in [e["name"], *e["signboards"]]]
    twice = sorted({n for i, n in enumerate(names) if n in names[:i]})
    for n in twice:
        state.error("duplicate-name", f"模板中的名称“{n}”用了不止一次(机构名称或牌子)", d, "bodies", n)
    return not twice


def _holdings_after(act: tuple, qtype: str) -> int:
    """What the entry's body holds of ``qtype`` once the action is done (before its own quota)."""
    kind, payload = act
    if kind == "merge":
        return sum(b.approved.get(qtype, 0) for b in [*payload.sources, *([payload.target] if payload.target else [])])
    return payload.approved.get(qtype, 0) if kind == "rename" else 0


def _quota_source(state: State, d, code: str, entry: dict):
    """Where the entry's quota comes from: a holder, the nearest reclaim pool (收回), or None (the higher level)."""
    ref = entry.get("quota_from")
    if ref is None:
        return None
    if ref in RECLAIM:
        pool = reclaim_pool(state, code)
        if pool is None:
            state.error("unknown-pool", "quota_from: 本级及上级没有收回编制池;请先用 open_pool 设立(kind: 收回),或写明来源", d, "bodies")
        return pool or False
    holder = state.require(d, "bodies", HOLDER, ref=ref)
    return holder or False


def _plan(state: State, d, codes: list[str], entries: list[dict], keep: bool, missing: str) -> list | None:
    """Every township's actions, checked for bodies claimed by two entries, signboards taken
    over, and quota the sources can give."""
    if not _entries_ok(state, d, entries):
        return None
    actions, draws, ok = [], [], True
    for code in codes:
        used = set()
        for entry in entries:
            for b in _matches(state, code, entry):
                if b.id in used:
                    state.error("bad-template", f"{state.divisions[code].name}“{b.name}”同时对应模板中的多个条目", d, "bodies", b)
                    ok = False
                used.add(b.id)
            act = _plan_entry(state, d, code, entry, keep, missing)
            if act is None or act[0] == "skip":
                ok = ok and act is not None
                actions.append((code, entry, act, [], None))
                continue
            receiver = act[1] if act[0] == "rename" else act[1].target if act[0] == "merge" else None
            taken = _taken(state, d, code, entry, receiver)
            source = _quota_source(state, d, code, entry) if entry.get("quota") else None
            if taken is None or source is False:
                ok = False
                continue
            if source is not None:
                draws += [(source, t, n - _holdings_after(act, t)) for t, n in entry["quota"].items()
                          if n > _holdings_after(act, t)]
            actions.append((code, entry, act, taken, source))
    return actions if ok and draws_available(state, d, "bodies", draws) else None


def _sub(d, op_name: str, **fields):
    """A directive for one step of the template, with the template's date, document and source."""
    return dataclasses.replace(d, op=op_name, fields=fields)


def _apply(state: State, d, code: str, entry: dict, act: tuple, keep: bool, taken: list, source) -> str | None:
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
    for owner, name in taken:
        state.unhang(owner, name)
        state.hang(d, body, name, "bodies")
    for s in entry["signboards"]:
        if s not in state.signboards(body):
            signboard_add(state, _sub(d, "signboard_add", body=ref, name=s))
    for t, n in (entry.get("quota") or {}).items():
        have = body.approved.get(t, 0)
        src, dst = (source, body) if n > have else (body, source)
        flow = FlowKind.TRANSFER if source is not None else FlowKind.APPROVE
        if n != have:
            state.move_quota(src, dst, t, abs(n - have), d, flow, "bodies",
                             source is not None and is_cross_level(state, source, body))
    if entry.get("posts"):
        state.set_posts(d, body, entry["posts"])
    if entry.get("positions"):
        state.set_positions(d, body, entry["positions"])
    return kind


def _template_names(fields: dict, config) -> list[str]:
    """The body names a template directive sets up (its inline entries, or the configured template's)."""
    if "bodies" in fields:
        return [e["name"] for e in fields["bodies"]]
    tpl = (config.get("templates") or {}).get(fields.get("template"))
    entries = tpl.get("bodies") if isinstance(tpl, dict) else None
    return [str(e["name"]) for e in entries if isinstance(e, dict) and e.get("name")] if isinstance(entries, list) else []


@op("apply_template", "统一设置", phase="templates", aliases=("模板",), needs_doc=True, creates=_template_names, fields={
    "template": Field("str"), "bodies": Field(ENTRY), "kind": Field("strs"),
    "divisions": Field("refs"), "within": Field("ref"), "keep_names": Field("bool"),
    "missing": Field("str", choices=tuple(MISSING)), "approved_by": Field("str"),
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
    for code, entry, act, taken, source in actions:
        kind = _apply(state, d, code, entry, act, keep, taken, source)
        if kind:
            done[kind] = done.get(kind, 0) + 1
    label = d.fields.get("template") or "、".join(e["name"] for e in entries)
    words = {"create": "新设", "rename": "更名", "merge": "合并", "keep": "保留"}
    summary = "、".join(f"{words[k]} {n} 个" for k, n in done.items()) or "无变化"
    state.event(d, EventKind.TEMPLATE_APPLIED, f"按“{label}”统一设置 {len(codes)} 个乡镇(街道):{summary}", [], codes)
