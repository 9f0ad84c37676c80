"""Reconcile a roster with the ledger: every person placed in a body of the ledger replayed to
the roster's date, and every check an office makes by hand (counts, identity, place, entry,
exit), each finding at the roster cell it concerns.

Personal data: a finding names a person as ``张三(330102********1234)``, never with the whole
ID number; with ``public`` it says only ``第 17 行人员``.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

import pandas as pd

from ..core.findings import Finding
from ..core.kinds import Fact
from ..rules import settle, severity_of
from ..state import COORDINATION, Body, State
from . import idcard, retire
from .read import Person, Snapshot

# 进入形式 of people who came from another body: their 入编时间 may predate this body
TRANSFERRED_IN = ("调入", "转任", "划转", "随编划转")
COUNT_COLUMNS = ["division_code", "division", "body_id", "body", "quota_type", "approved", "ledger_actual",
                 "roster", "difference", "vacant", "over"]


@dataclass
class Audit:
    """The outcome of reconciling one roster snapshot with the ledger on its date."""

    as_of: dt.date
    snapshot: Snapshot
    state: State | None  # the ledger on that day; None once the replay has moved past it (see Reconciliation)
    findings: list[Finding]
    counts: pd.DataFrame                          # per body and type (:data:`COUNT_COLUMNS`)
    placed: dict[int, Body] = field(default_factory=dict)  # id(person) -> the body counted for them
    unchecked_entries: int = 0                    # in-post people who entered before the ledger begins
    uncovered: frozenset = frozenset()            # divisions with nobody on the roster (counts not compared)
    # A roster of some bodies of a division (see _coverage): the ids of the bodies it covers there,
    # and of those it leaves unchecked (their counts are not compared, nor forecast).
    covered_bodies: frozenset = frozenset()
    unchecked_bodies: frozenset = frozenset()

    def roster_counts(self) -> dict[tuple[int, str], int]:
        """In-post people per (body id, quota type)."""
        return {(int(i), t): int(n) for i, t, n in zip(self.counts["body_id"], self.counts["quota_type"],
                                                       self.counts["roster"])}


def who(p: Person, public: bool) -> str:
    """How a finding names a person (see the module docstring)."""
    if public:
        return f"第 {p.row} 行人员"
    return f"{p.get('name', '')}({idcard.mask(p.get('id_number'))})"


class _Checker:
    def __init__(self, state: State, snapshot: Snapshot, as_of: dt.date, ledger_start: dt.date | None, public: bool):
        self.state, self.snapshot, self.as_of, self.public = state, snapshot, as_of, public
        self.ledger_start = ledger_start
        self.findings: list[Finding] = []
        self.placed: dict[int, Body] = {}
        self._places: dict[str, tuple] = {}
        self.quota_types = set(state.config.quota_types)
        self.purity = {cat: set(types) for cat, types in (state.config.get("type_purity") or {}).items()}
        self.unchecked = 0
        self._predecessors: dict[int, bool] = {}
        self.uncovered: set[str] = set()  # divisions with bodies but nobody on the roster: their counts not compared
        self.covered_bodies: set[int] = set()    # in a division the roster covers in part: the bodies it has
        self.unchecked_bodies: set[int] = set()  # ... and the bodies it has nobody in (not compared)
        self.by_id: dict[str, list[Person]] = defaultdict(list)       # in post, by ID number
        self.rows_of: dict[tuple[str, int], Person] = {}              # (ID number, body id) -> its first row
        self.repeated: set[int] = set()                               # id() of rows repeating an earlier one
        self.by_person: dict[tuple, list[Person]] = defaultdict(list)  # in post, by name and birth date

    def flag(self, rule: str, message: str, p: Person | None, column: str | None,
             body: Body | None = None, source=None) -> None:
        """A finding of the roster rule ``rule`` at its default severity (the config's ``rules:``
        section is applied once the audit is done), at ``p``'s cell in ``column`` (else at
        ``source``), about ``body``."""
        state = self.state
        self.findings.append(Finding(rule, message, p.at(column) if p is not None else source, severity_of(rule),
                                     state.reference(body) if body is not None else None,
                                     (body.id,) if body is not None else (),
                                     (body.division,) if body is not None else ()))

    # -- place ------------------------------------------------------------------------
    def place(self, p: Person) -> Body | None:
        """The body ``p`` is counted in (None when there is none), with a finding when the
        roster names it by a former name or signboard, or names a body that is not there."""
        name, division = p.get("body", ""), p.get("division")
        ref = f"{division}/{name}" if division and "/" not in name else name
        if ref not in self._places:
            self._places[ref] = self._resolve(ref)
        body, problem = self._places[ref]
        if problem is not None:
            rule, text = problem
            self.flag(rule, f"{who(p, self.public)}:{text}", p, "body", body)
        return body

    def _resolve(self, ref: str):
        state = self.state
        body, why = state.find_body(ref)
        if body is not None:
            used = ref.rsplit("/", 1)[-1]
            if used != body.name:
                return body, ("roster-signboard",
                              f"“{used}”是“{state.reference(body)}”的牌子,人员应登记在机构名称下(已计入该机构)")
            return body, None
        if why is not None and why.rule == "ambiguous-name":
            return None, ("roster-unknown-body", f"{why}(可在“所在区划”列写明区划)")
        holder, note = state.find_by_any_name(ref)
        if isinstance(holder, Body) and holder.active:
            return holder, ("roster-former-name", f"{note};花名册仍用曾用名(已计入现名机构),请更新")
        if isinstance(holder, Body):
            now = "、".join(f"“{state.reference(b)}”" for b, _ in state.successors(holder) if b.active)
            after = f",其职能和编制现由{now}承接;人员应随之转入" if now else ";人员应转出或办理离编"
            return None, ("roster-abolished-body",
                          f"所在单位“{state.reference(holder)}”已于 {holder.abolished} 撤销{after}")
        return None, ("roster-unknown-body", f"截至 {self.as_of},台账中没有“{ref}”这个机构或牌子;请核对名称"
                      f"(同名单位写成“区划/单位名称”,或填写“所在区划”列){self._suggestion(ref)}")

    def _suggestion(self, ref: str) -> str:
        """``;是否是“青石镇/便民服务中心”?`` for a name written with its township in front and no ``/``."""
        if "/" in ref:
            return ""
        state = self.state
        for code, div in state.divisions.items():
            if len(ref) > len(div.name) and ref.startswith(div.name):
                body, _ = state.find_body(f"{code}/{ref[len(div.name):]}")
                if body is not None:
                    return f";是否是“{div.name}/{body.name}”?"
        return ""

    # -- one person ---------------------------------------------------------------------
    def person(self, p: Person, body: Body | None) -> None:
        public, state, get = self.public, self.state, p.values.get
        number = get("id_number", "")
        problems = idcard.problems(number)
        for problem in problems:
            self.flag("roster-bad-id", f"{who(p, public)}的身份证号{problem}", p, "id_number", body)
        from_id = idcard.birth_of(number) if not problems else None
        birth = get("birth")
        if birth is not None and from_id is not None and birth != from_id:
            self.flag("roster-id-birth", f"{who(p, public)}的出生日期 {birth} 与身份证号中的 {from_id} 不一致",
                      p, "birth", body)
        sex, id_sex = get("sex"), (idcard.sex_of(number) if from_id is not None else None)
        if sex and id_sex and sex != id_sex:
            self.flag("roster-id-sex", f"{who(p, public)}的性别“{sex}”与身份证号(第 17 位表示{id_sex}性)不一致",
                      p, "sex", body)
        t = get("quota_type")
        if t not in self.quota_types:
            said = f"的编制类型“{t}”不是台账使用的编制类型" if t else "未填编制类型"
            self.flag("roster-unknown-type", f"{who(p, public)}{said};应为 {'、'.join(state.config.quota_types)} 之一",
                      p, "quota_type", body)
        if not p.in_post:
            return
        if number and body is not None:
            first = self.rows_of.setdefault((number, body.id), p)
            if first is not p:  # the same person twice in one body: a row typed twice, counted once
                self.repeated.add(id(p))
                self.flag("roster-repeated-row", f"{who(p, public)}在“{state.reference(body)}”登记了两次(与 "
                          f"{first.at('id_number')} 相同);请删除重复的行,此行不计入人数", p, "id_number", body)
                return
        if number:
            self.by_id[number].append(p)
        name = get("name")
        if name and (birth or from_id):
            self.by_person[(name, birth or from_id)].append(p)
        if body is not None:
            self._place_rules(p, body, t)
            self._entry(p, body)
            self._exit(p, body, birth or from_id, sex or id_sex)

    def _place_rules(self, p: Person, body: Body, t: str | None) -> None:
        if body.category == COORDINATION:
            ref = self.state.reference(body)
            self.flag("roster-coordination", f"{who(p, self.public)}在议事协调机构“{ref}”;议事协调机构不单独核定编制,"
                      f"人员应在承担其工作的实体机构", p, "body", body)
        allowed = self.purity.get(body.category)
        if allowed is not None and t in self.quota_types and t not in allowed:
            ref = self.state.reference(body)
            self.flag("roster-mixed-type", f"{who(p, self.public)}使用{t},但“{ref}”是{body.category},只能使用"
                      f"{'、'.join(sorted(allowed))}(混编混岗)", p, "quota_type", body)

    def _entry(self, p: Person, body: Body) -> None:
        get = p.values.get
        entered = get("entered")
        if entered is None or not get("entry_doc") or not get("control_no"):
            missing = [label for key, label in (("entered", "入编时间"), ("entry_doc", "入编文号"), ("control_no", "控编单号"))
                       if not get(key)]
            self.flag("roster-no-basis", f"{who(p, self.public)}缺少{'、'.join(missing)};进人须有入编审批文号和控编通知单",
                      p, {"入编时间": "entered", "入编文号": "entry_doc", "控编单号": "control_no"}[missing[0]],
                      body)
        if entered is None:
            return
        if entered > self.as_of:
            self.flag("roster-entry-date", f"{who(p, self.public)}的入编时间 {entered} 晚于花名册日期 {self.as_of}",
                      p, "entered", body)
        elif body.established and entered < body.established and get("entry_form") not in TRANSFERRED_IN:
            if self.ledger_start is not None and entered < self.ledger_start and body.established <= self.ledger_start:
                return  # the body is older than the ledger: its setting up is not recorded
            if self._has_predecessors(body):
                return  # its people may have come with the bodies it was made from
            self.flag("roster-entry-before-body", f"{who(p, self.public)}于 {entered} 入编,早于“{self.state.reference(body)}”"
                      f"设立({body.established})", p, "entered", body)

    def _has_predecessors(self, body: Body) -> bool:
        known = self._predecessors.get(body.id)
        if known is None:
            known = self._predecessors[body.id] = bool(self.state.predecessors(body))
        return known

    def _exit(self, p: Person, body: Body, birth: dt.date | None, sex: str | None) -> None:
        if birth is None or sex is None:
            return
        get = p.values.get
        group = retire.group_of(sex, get("post"), get("quota_type"))
        if group is None:
            return
        due = retire.retirement_date(birth, group)
        if due <= self.as_of:
            self.flag("roster-past-retirement", f"{who(p, self.public)}出生于 {birth},法定退休年龄为 "
                      f"{retire.age_text(birth, group)}({group.name}),应于 {due} 退休,截至 {self.as_of} 仍在编;"
                      f"请办理退休(离编)手续,或核实出生日期",
                      p, "birth" if p.get("birth") else "id_number", body)

    # -- across people -------------------------------------------------------------------
    def duplicates(self) -> None:
        """一人多编 and possible duplicates, among the in-post people :meth:`person` has seen."""
        by_id, by_person = self.by_id, self.by_person
        for group in by_id.values():
            if len(group) == 1:
                continue
            first = group[0]
            for p in group[1:]:
                self.flag("roster-duplicate-id", f"{who(p, self.public)}的身份证号与 {first.at('id_number')} 相同:"
                          f"同一人在“{first.get('body')}”和“{p.get('body')}”都在编(一人多编)", p, "id_number",
                          self.placed.get(id(p)))
        for group in by_person.values():
            if len(group) == 1:
                continue
            ids = {p.get("id_number") for p in group}
            bodies = {id(self.placed.get(id(p))) for p in group}
            if len(group) > 1 and len(ids) > 1 and len(bodies) > 1:
                first = group[0]
                for p in group[1:]:
                    self.flag("roster-possible-duplicate", f"{who(p, self.public)}与 {first.at('name')} 姓名、出生日期相同,"
                              f"身份证号不同,分在两个单位:可能是同一人,请核实", p, "name", self.placed.get(id(p)))


def audit(state: State, snapshot: Snapshot, as_of: dt.date, ledger_start: dt.date | None = None,
          public: bool = False) -> Audit:
    """Reconcile ``snapshot`` with ``state`` (the ledger replayed to ``as_of``); the findings
    follow the ``rules:`` section of the state's config (a rule turned off, a severity changed)."""
    c = _Checker(state, snapshot, as_of, ledger_start, public)
    people = snapshot.people
    for p in people:
        body = c.place(p)
        if body is not None:
            c.placed[id(p)] = body
        c.person(p, body)
        if id(p) in c.repeated:
            del c.placed[id(p)]  # not counted, not forecast, not moved
    c.duplicates()
    counts = _counts(c, people)
    _entries_over_quota(c, people)
    _leader_posts(c, people)
    return Audit(as_of, snapshot, state, settle(c.findings, state.config), counts, c.placed, c.unchecked,
                 frozenset(c.uncovered), frozenset(c.covered_bodies), frozenset(c.unchecked_bodies))


def _counts(c: _Checker, people: list[Person]) -> pd.DataFrame:
    """Per body and type: approved, the ledger's 实有 and the roster's count, with findings for
    超编 by real names and for a ledger that disagrees with the roster."""
    state, public = c.state, c.public
    groups: dict[tuple[int, str], list[Person]] = defaultdict(list)
    for p in people:
        body = c.placed.get(id(p))
        if body is not None and p.in_post and p.get("quota_type") in c.quota_types:
            groups[(body.id, p.get("quota_type"))].append(p)
    keys = set(groups)
    covered = _coverage(c, state)
    for b in state.active_bodies():
        if b.id not in covered:
            continue
        for t in state.config.quota_types:
            if b.approved.get(t) or b.actual.get(t):
                keys.add((b.id, t))
    order = {t: i for i, t in enumerate(state.config.quota_types)}
    rows = []
    for body_id, t in sorted(keys, key=lambda k: (state.bodies[k[0]].division, k[0], order[k[1]])):
        b = state.bodies[body_id]
        members = groups.get((body_id, t), [])
        approved, recorded, n = b.approved.get(t, 0), b.actual.get(t, 0), len(members)
        ref = state.reference(b)
        if n > approved:
            c.flag("roster-over-quota", f"“{ref}”{t}核定 {approved} 名,花名册在编 {n} 人,按实名超编 {n - approved} 名"
                   f"(自 {who(members[approved], public)}起)", members[approved], "body", b)
        if n != recorded:
            where = members[0] if members else None
            c.flag("roster-ledger-mismatch", f"“{ref}”{t}台账实有 {recorded} 人,花名册在编 {n} 人,相差 {n - recorded:+d} 人;"
                   f"请核实后更新台账的实有人数或花名册", where, "body", b,
                   source=b.facts.source(Fact.ACTUAL, t) if where is None else None)
        rows.append((b.division, state.divisions[b.division].name, body_id, ref, t, approved, recorded, n,
                     n - recorded, max(approved - n, 0), max(n - approved, 0)))
    return pd.DataFrame(rows, columns=COUNT_COLUMNS)


def _coverage(c: _Checker, state: State) -> set[int]:
    """The bodies whose counts the roster is compared with. A roster may be of some divisions
    only, or of some bodies of a division: a division with nobody on the roster is not checked
    (``c.uncovered``); in a division where the roster has people in fewer than half of the
    bodies the ledger records people in, only the bodies it has people in are checked (the
    others go to ``c.unchecked_bodies``), so a roster of two bodies is not read as saying that
    every other body is empty. Where it has half or more, every body is checked: a body
    missing from a full roster is what the audit is for."""
    on_roster: dict[str, set[int]] = defaultdict(set)
    for b in c.placed.values():
        on_roster[b.division].add(b.id)
    staffed: dict[str, set[int]] = defaultdict(set)  # bodies the ledger records people in (else: with quota)
    with_quota: dict[str, set[int]] = defaultdict(set)
    active: dict[str, list[int]] = defaultdict(list)
    for b in state.active_bodies():
        active[b.division].append(b.id)
        if any(b.actual.values()):
            staffed[b.division].add(b.id)
        if any(b.approved.values()):
            with_quota[b.division].add(b.id)
    covered: set[int] = set()
    for division, ids in active.items():
        have = on_roster.get(division, set())
        base = staffed.get(division) or with_quota.get(division) or set(ids)
        if not have:
            c.uncovered.add(division)
        elif 2 * len(have & base) >= len(base):
            covered.update(ids)
        else:
            covered.update(have)
            c.covered_bodies.update(have)
            c.unchecked_bodies.update(i for i in ids if i not in have)
    return covered | {b.id for b in c.placed.values()}


def approved_series(state: State) -> dict[tuple[int, str], tuple[list[dt.date], list[int]]]:
    """Per (body id, type): the dates its approved quota changed and the figure after each
    change, from the journal of quota flows (one pass, not a replay per person)."""
    series: dict[tuple[int, str], tuple[list, list]] = {}
    for f in state.flows:
        for node, sign in ((f.dst, 1), (f.src, -1)):
            if node is not None and node[0] == "body":
                days, values = series.setdefault((node[1], f.quota_type), ([], []))
                value = (values[-1] if values else 0) + sign * f.amount
                if days and days[-1] == f.date:
                    values[-1] = value
                else:
                    days.append(f.date)
                    values.append(value)
    return series


def approved_on(series, body_id: int, t: str, day: dt.date) -> int:
    days, values = series.get((body_id, t), ((), ()))
    i = bisect.bisect_right(days, day)
    return values[i - 1] if i else 0


def _entries_over_quota(c: _Checker, people: list[Person]) -> None:
    """超编进人: a person who entered a body when it had no vacancy of that type. Per body and
    type, entries and exits (from 入编时间 and 离编时间) run in date order against the
    approved quota of each day."""
    series = approved_series(c.state)
    timelines: dict[tuple[int, str], list] = defaultdict(list)
    already: dict[tuple[int, str], int] = defaultdict(int)  # in post when the ledger begins
    start = c.ledger_start
    for p in people:
        body, entered, t = c.placed.get(id(p)), p.get("entered"), p.get("quota_type")
        if body is None or entered is None or t not in c.quota_types or entered > c.as_of:
            continue
        left = p.get("left")
        if start is not None and entered < start:
            if left is None or left >= start:
                already[(body.id, t)] += 1
            if p.in_post:
                c.unchecked += 1
            if left is not None and start <= left <= c.as_of:
                timelines[(body.id, t)].append((left, 0, p.row, p))
            continue
        timelines[(body.id, t)].append((entered, 1, p.row, p))
        if left is not None and left <= c.as_of:
            timelines[(body.id, t)].append((left, 0, p.row, p))  # on one day, leaving comes before entering
    for (body_id, t), events in timelines.items():
        occupied = already[(body_id, t)]
        body = c.state.bodies[body_id]
        for day, entering, _, p in sorted(events, key=lambda e: e[:3]):
            if not entering:
                occupied -= 1
                continue
            occupied += 1
            approved = approved_on(series, body_id, t, day)
            if occupied > approved:
                c.flag("roster-entry-over-quota", f"{who(p, c.public)}于 {day} 进入“{c.state.reference(body)}”,当日该单位"
                       f"{t}核定 {approved} 名,连同此人在编 {occupied} 人,没有空编(超编进人)", p, "entered", body)


def leader_kind(text: str | None, kinds: list[str]) -> str | None:
    """The leader post kind a 领导职务 cell names: 正职 or 副职 (``副科级副职``, ``正职`` …)."""
    if not text:
        return None
    for k in kinds:
        if k in text:
            return k
    head = text[0]
    return next((k for k in kinds if k.startswith(head)), None)


def _leader_posts(c: _Checker, people: list[Person]) -> None:
    """超职数: more holders of a leader post kind in a body than its approved posts."""
    kinds = list(c.state.config.leader_kinds)
    holders: dict[tuple[int, str], list[Person]] = defaultdict(list)
    for p in people:
        body = c.placed.get(id(p))
        kind = leader_kind(p.get("leader"), kinds)
        if body is not None and p.in_post and kind:
            holders[(body.id, kind)].append(p)
    for (body_id, kind), group in holders.items():
        body = c.state.bodies[body_id]
        approved = body.posts.get(kind, 0)
        if len(group) > approved:
            c.flag("roster-over-posts", f"“{c.state.reference(body)}”核定{kind}领导职数 {approved} 名,花名册中担任{kind}的有 "
                   f"{len(group)} 人,超职数配备 {len(group) - approved} 名(自 {who(group[approved], c.public)}起)",
                   group[approved], "leader", body)

