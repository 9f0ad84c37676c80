"""三超 (over quota, over leader posts, over rank) and township limits and quota bands."""

from __future__ import annotations

from collections import defaultdict

from ..core.kinds import Fact
from ..figures.balance import is_own, tables_of
from ..state import TOWNSHIP, Body, State
from .registry import POSTS_PHASES, QUOTA_PHASES, flag, refused_note, rule


@rule("over-quota", "超编")
def over_quota(state: State, config):
    """No active body has more actual staff (实有) of a type than its approved quota (核定)."""
    df = tables_of(state).bodies
    over = df[df["over"] > 0]
    for i, t, approved, have in zip(over["body_id"], over["quota_type"], over["approved"], over["actual"]):
        b = state.bodies[i]
        yield flag("over-quota",
                   f"“{state.reference(b)}”{t}超编 {have - approved} 名:实有 {have} 名,核定 {approved} 名;"
                   f"实有人数应不超过核定编制,须消化超编或按程序核增{refused_note(state, b, QUOTA_PHASES, t)}",
                   b.facts.source(Fact.OVER, t, None) or b.facts.latest((Fact.ACTUAL, t), (Fact.APPROVED, t)), b)


@rule("over-posts", "超职数配备领导")
def over_posts(state: State, config):
    """No active body has more leaders (实有领导) of a kind than its approved leader posts."""
    df = tables_of(state).leaders
    over = df[df["over"] > 0]
    for i, k, posts, have in zip(over["body_id"], over["post"], over["approved"], over["actual"]):
        b = state.bodies[i]
        yield flag("over-posts",
                   f"“{state.reference(b)}”{k}超职数 {have - posts} 名:实配 {have} 名,核定职数 {posts} 名;"
                   f"领导配备应不超过核定职数{refused_note(state, b, POSTS_PHASES, k, '职数')}",
                   b.facts.latest(b.facts.of_kind(Fact.LEADERS, k), b.facts.of_kind(Fact.POSTS, k)), b)


@rule("over-rank", "超规格")
def over_rank(state: State, config):
    """No active body's rank (规格) is above config ``max_rank_by_level`` for its division's
    level, in the order of config ``rank_order``; ranks not in that order are not checked."""
    order = {r: i for i, r in enumerate(config.get("rank_order") or [])}
    caps = config.get("max_rank_by_level") or {}
    for b in state.active_bodies():
        div = state.divisions[b.division]
        cap = caps.get(div.level)
        if b.rank not in order or cap not in order:
            continue
        if order[b.rank] > order[cap]:
            yield flag("over-rank",
                       f"“{b.name}”规格为{b.rank},高于{div.level}级机构的最高规格{cap}({div.name});应按{cap}及以下设置",
                       b.facts.latest(Fact.RANK), b)


def body_family(name: str, suffixes: dict[str, list[str]]) -> str | None:
    """``offices`` or ``centres`` by the name's ending, or None."""
    for family, ends in suffixes.items():
        if any(name.endswith(e) for e in ends):
            return family
    return None


FAMILY_LABELS = {"offices": "办公室(办)", "centres": "中心(站)"}
# What decides whether a body counts against a township's limit: its name, its category and its links.
COUNTED_BY = (Fact.NAME, Fact.CATEGORY, Fact.PARENT, Fact.DISPATCHED_FROM)


@rule("township-limits", "乡镇机构限额")
def township_limits(state: State, config):
    """A township's own offices (名称以 办公室/办 结尾) and centres (中心/服务站) stay within
    config ``township_limits`` for its kind (镇/乡/街道); suffixes in ``township_body_suffixes``.
    The finding points at the directive that last changed which bodies count."""
    limits = config.get("township_limits") or {}
    suffixes = config.get("township_body_suffixes") or {"offices": ["办公室", "办"], "centres": ["中心", "服务站"]}
    for code, bodies in sorted(tables_of(state).own_establishments().items()):
        div = state.divisions[code]
        caps = limits.get(div.kind) or {}
        groups: dict[str, list[Body]] = defaultdict(list)
        for b in sorted(bodies, key=lambda x: x.id):
            family = body_family(b.name, suffixes)
            if family is not None:
                groups[family].append(b)
        for family, members in groups.items():
            cap = caps.get(family)
            if cap is None or len(members) <= cap:
                continue
            latest = max(members, key=lambda m: m.facts.latest_mark(*COUNTED_BY)[0])
            names = "、".join(m.name for m in members)
            yield flag("township-limits",
                       f"{div.name}({div.kind})设有{FAMILY_LABELS.get(family, family)} {len(members)} 个,超过限额 {cap} 个"
                       f"(超出 {len(members) - cap} 个):{names};应整合到 {cap} 个以内",
                       latest.facts.latest(*COUNTED_BY), latest)


def band_for(bands: list[dict], population: int) -> tuple[dict, str] | None:
    """The first band whose ``max_population`` is null or above ``population``, with its range text."""
    low = None
    for band in bands:
        top = band.get("max_population")
        if top is None or population < top:
            return band, _range_text(low, top)
        low = top
    return None


def _range_text(low: int | None, top: int | None) -> str:
    if low and top:
        return f"{low / 10000:g}–{top / 10000:g} 万"
    if top:
        return f"{top / 10000:g} 万以下"
    return f"{low / 10000:g} 万以上" if low else "不分人口"


@rule("quota-band", "乡镇编制参考标准", "info")
def quota_band(state: State, config):
    """A township's own bodies' total of each banded type (config ``quota_bands`` by
    population) is within ``quota_band_tolerance`` (a share) of the band value. The
    finding points at the last change of that total (or of the population)."""
    bands = config.get("quota_bands") or []
    tolerance = float(config.get("quota_band_tolerance", 0.5))
    towns = tables_of(state).townships
    totals = dict(zip(zip(towns["division_code"], towns["quota_type"]), towns["approved"]))
    for code, div in sorted(state.divisions.items()):
        if div.level != TOWNSHIP or not div.population:
            continue
        found = band_for(bands, div.population)
        if found is None:
            continue
        band, where = found
        for t, target in band.items():
            if t == "max_population" or not target:
                continue
            total = int(totals.get((code, t), 0))
            gap = (total - target) / target
            if abs(gap) <= tolerance:
                continue
            side = "高于" if gap > 0 else "低于"
            # every body that held this type here, retired ones too: an abolition changes the total
            marks = [m for b in state.bodies_in(code) if is_own(state, b) and (m := b.facts.mark(Fact.APPROVED, t))]
            opened = div.facts.mark(Fact.OPENED)
            source = max([opened, *marks], key=lambda m: m[0])[1] if opened else None
            yield flag("quota-band",
                       f"{div.name}(人口 {div.population} 人,{where}档)本级机构{t}合计 {total} 名,"
                       f"参考标准约 {target} 名,{side}参考值 {abs(gap):.0%};请复核编制配置",
                       source, div)
