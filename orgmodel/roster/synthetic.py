"""Made-up rosters for the demo, the tests and the benchmarks: one in-post person per unit of
the ledger's recorded 实有, with valid ID numbers, plausible dates and documents, and (with
``problems``) a few of every kind of problem the audit looks for. The same seed gives the
same people: a person is made from (body, quota type, place in the body), so two snapshots of
one ledger share everyone who stayed."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from ..state import State
from . import idcard, retire
from .audit import approved_on, approved_series
from .layout import IN_POST, ROSTER

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅文斌宇浩凯健俊帆帅旭宁欣怡晨阳雪琳佳慧颖鹏辉波亮飞"
POSTS_OF = {"工勤编制": "工勤技能"}
FORMS = ("考录", "考录", "考录", "招聘", "调入", "军转安置", "选调")
HEADERS = [c.header for c in ROSTER.items]
REFERENCE = dt.date(2026, 1, 1)
KEYS = [c.key for c in ROSTER.items]


def _person(rng: random.Random, body, t: str, state: State, as_of: dt.date, ordinal: int, used: set[str]) -> dict:
    sex = "男" if rng.random() < 0.55 else "女"
    post = POSTS_OF.get(t) or ("专业技术" if body.category == "事业单位" and rng.random() < 0.6 else "管理")
    group = retire.group_of(sex, post, t)
    # born so as to be 23 or older and not yet at retirement age on the reference day, which is
    # the same for every snapshot: a person stays the same person (ID number, dates) in each
    oldest = dt.date(REFERENCE.year - (group.original_age if group else 60), 1, 1) + dt.timedelta(days=200)
    youngest = dt.date(REFERENCE.year - 23, 1, 1)
    birth = oldest + dt.timedelta(days=rng.randrange(max((youngest - oldest).days, 1)))
    region = (body.division + "000000")[:6]
    while True:  # no two people share an ID number (redrawn the same way on every run)
        seq = rng.randrange(0, 500) * 2 + (1 if sex == "男" else 0)
        first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
        number = first17 + idcard.check_digit(first17)
        if number not in used:
            used.add(number)
            break
    start = max(dt.date(birth.year + 22, birth.month, 1), dt.date(1995, 1, 1))
    latest_entry = dt.date(2019, 12, 31) if rng.random() < 0.85 else REFERENCE
    entered = start + dt.timedelta(days=rng.randrange(max((latest_entry - start).days, 1)))
    form = rng.choice(FORMS)
    if body.established and entered < body.established and body.established > dt.date(2020, 1, 1) and form != "调入":
        entered = body.established
    entered = min(entered, as_of)
    kinds = list(state.config.leader_kinds)
    heads = body.leaders.get(kinds[0], 0) if kinds else 0
    deputies = body.leaders.get(kinds[1], 0) if len(kinds) > 1 else 0
    leader = kinds[0] if ordinal < heads else kinds[1] if ordinal < heads + deputies else None
    return {"name": rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
            "sex": sex, "id_number": number, "birth": birth, "body": state.reference(body), "internal": None,
            "quota_type": t, "status": IN_POST, "leader": leader, "post": post, "entered": entered,
            "entry_doc": f"编审〔{entered.year}〕{rng.randrange(1, 400)}号",
            "control_no": f"KB{entered.year}-{rng.randrange(1, 9999):04d}", "entry_form": form,
            "left": None, "note": None, "_body": body.id}


def people(state: State, as_of: dt.date, seed: int = 1, ledger_start: dt.date | None = None,
           used: set[str] | None = None) -> list[dict]:
    """One person per unit of each active body's recorded 实有, in body order. With
    ``ledger_start``, entry dates are moved so that nobody entered a body when it had no
    vacancy (those beyond the approved quota entered before the ledger begins)."""
    used = set() if used is None else used
    series = approved_series(state) if ledger_start is not None else None
    out = []
    for body in state.active_bodies():
        ordinal = 0  # leaders are the body's first people, whatever their type
        for t in state.config.quota_types:
            group = []
            for i in range(body.actual.get(t, 0)):
                rng = random.Random(f"{seed}|{body.id}|{t}|{i}")
                group.append(_person(rng, body, t, state, as_of, ordinal, used))
                ordinal += 1
            if series is not None:
                _entries_within_quota(group, series, body.id, t, ledger_start)
            out += group
    return out


def _entries_within_quota(group: list[dict], series, body_id: int, t: str, start: dt.date) -> None:
    """Entry dates such that the k-th person to enter did so on a day the body had k places."""
    days, values = series.get((body_id, t), ((), ()))
    for k, p in enumerate(sorted(group, key=lambda p: p["entered"]), 1):
        if p["entered"] < start or approved_on(series, body_id, t, p["entered"]) >= k:
            continue
        later = [d for d, v in zip(days, values) if v >= k and d >= p["entered"]]
        if later and later[0] <= p["entered"] + dt.timedelta(days=3650):
            p["entered"] = later[0]
        else:
            p["entered"] = start - dt.timedelta(days=30 + k)  # before the ledger: an older appointment
        p["entry_doc"] = f"编审〔{p['entered'].year}〕{k}号"
        p["control_no"] = f"KB{p['entered'].year}-{k:04d}"


def rosters(ledger, dates: list[dt.date], seed: int = 1) -> list[tuple[dt.date, list[dict]]]:
    """Clean rosters of ``ledger`` on each of ``dates`` (oldest first), one the next's past:
    between two dates, the people follow the ledger's hires, departures and transfers with
    people; a count the ledger changed without any of them (a ``staff`` directive) is met by
    new or departing people, as an office's roster would show it."""
    start = ledger.first_date()
    used: set[str] = set()
    out, current, before = [], None, None
    for day in sorted(dates):
        state = ledger.state(day)
        if current is None:
            current = people(state, day, seed, start, used)
        else:
            current = _follow(current, state, before, day, seed, used)
        out.append((day, [dict(p) for p in current]))
        before = day
    return out


def _follow(previous: list[dict], state: State, d1: dt.date, d2: dt.date, seed: int, used: set[str]) -> list[dict]:
    by_place: dict[tuple[int, str], list[dict]] = {}
    for p in previous:
        by_place.setdefault((p["_body"], p["quota_type"]), []).append(dict(p))
    made = 0

    def newcomer(body_id: int, t: str, day: dt.date) -> dict:
        nonlocal made
        made += 1
        body = state.bodies[body_id]
        rng = random.Random(f"{seed}|{d2}|new|{made}")
        p = _person(rng, body, t, state, day, len(by_place.get((body_id, t), [])) + 99, used)
        p.update(entered=day, entry_form=rng.choice(("考录", "招聘")), leader=None,
                 entry_doc=f"编审〔{day.year}〕{made}号", control_no=f"KB{day.year}-{made:04d}")
        return p

    for m in state.staff_moves:
        if not d1 < m.date <= d2:
            continue
        if m.kind == "hire":
            by_place.setdefault((m.dst, m.quota_type), []).extend(newcomer(m.dst, m.quota_type, m.date) for _ in range(m.count))
            continue
        group = by_place.get((m.src, m.quota_type), [])
        group.sort(key=lambda p: p["entered"])
        leaving = [group.pop() for _ in range(min(m.count, len(group)))]
        if m.kind != "depart":
            by_place.setdefault((m.dst, m.quota_type), []).extend(leaving)
    out = []
    for body in state.active_bodies():
        for t in state.config.quota_types:
            group = by_place.get((body.id, t), [])
            group.sort(key=lambda p: p["entered"])
            want = body.actual.get(t, 0)
            del group[want:]
            group += [newcomer(body.id, t, d2) for _ in range(want - len(group))]
            for p in group:
                p["body"], p["_body"] = state.reference(body), body.id
            out += group
    return out


@dataclass(frozen=True)
class Planted:
    """A finding a planted problem must cause: its rule, the body it names (its reference,
    None when it names none) and the ID number of the person at whose row it is (None when
    the finding is about a body's counts and any of its rows would do)."""

    rule: str
    body: str | None
    id_number: str | None = None


def plant(snapshots: list[tuple[dt.date, list[dict]]], ledger, seed: int = 1) -> list[Planted]:
    """Plant one of each problem the audit looks for into ``snapshots`` (changed in place),
    the same way in each, so that nothing but the planted problems differs from the clean
    rosters; returns the findings they must cause. Each problem gets a body of its own."""
    if not snapshots:
        return []
    rng = random.Random(f"{seed}|problems")
    first_day, last_day = snapshots[0][0], snapshots[-1][0]
    first, state = ledger.state(first_day), ledger.state(last_day)
    everywhere = set.intersection(*({(p["id_number"], p["_body"], p["quota_type"]) for p in rows} for _, rows in snapshots))
    last_rows = snapshots[-1][1]
    size = {}
    for p in last_rows:
        size[(p["_body"], p["quota_type"])] = size.get((p["_body"], p["quota_type"]), 0) + 1
    candidates = [p for p in last_rows if (p["id_number"], p["_body"], p["quota_type"]) in everywhere
                  and p["birth"].year >= 1980 and not p["leader"] and size[(p["_body"], p["quota_type"])] >= 3]
    rng.shuffle(candidates)
    taken: set[int] = set()
    planted: list[Planted] = []
    used = {p["id_number"] for _, rows in snapshots for p in rows}

    def victim(where=lambda p: True) -> dict | None:
        for p in candidates:
            if p["_body"] not in taken and where(p):
                taken.add(p["_body"])
                return p
        return None

    def everyone(p: dict, **changes) -> None:
        """Change the person ``p`` is in every snapshot."""
        for _, rows in snapshots:
            for q in rows:
                if q["id_number"] == p["id_number"] and q["_body"] == p["_body"]:
                    q.update(changes)

    def add(p: dict) -> None:
        for _, rows in snapshots:
            rows.append(dict(p))

    ref = state.reference
    if (p := victim()) is not None:                                            # a wrong check digit
        wrong = p["id_number"][:17] + ("0" if p["id_number"][17] != "0" else "1")
        everyone(p, id_number=wrong)
        planted.append(Planted("roster-bad-id", ref(state.bodies[p["_body"]]), wrong))
    if (p := victim()) is not None:                                            # birth disagrees with the ID
        everyone(p, birth=p["birth"] + dt.timedelta(days=31))
        planted.append(Planted("roster-id-birth", ref(state.bodies[p["_body"]]), p["id_number"]))
    if (p := victim()) is not None:                                            # sex disagrees with the ID
        everyone(p, sex="女" if p["sex"] == "男" else "男")
        planted.append(Planted("roster-id-sex", ref(state.bodies[p["_body"]]), p["id_number"]))
    a, b = victim(), victim()
    if a is not None and b is not None:                                       # one person in two bodies
        twin = {k: a[k] for k in ("name", "sex", "id_number", "birth")}
        everyone(b, **twin)
        later = max((a, b), key=lambda p: last_rows.index(p))
        planted.append(Planted("roster-duplicate-id", ref(state.bodies[later["_body"]]), a["id_number"]))
    if (p := victim()) is not None:                                            # no 控编单号
        everyone(p, control_no=None)
        planted.append(Planted("roster-no-basis", ref(state.bodies[p["_body"]]), p["id_number"]))
    if (p := victim()) is not None:                                            # past retirement age
        born = dt.date(1955, p["birth"].month, 1)
        first17 = p["id_number"][:6] + f"{born:%Y%m%d}" + p["id_number"][14:17]
        number = first17 + idcard.check_digit(first17)
        everyone(p, birth=born, id_number=number)
        planted.append(Planted("roster-past-retirement", ref(state.bodies[p["_body"]]), number))
    renamed = [(b, n) for b in first.active_bodies() for day, n in b.names[:-1]
               if b.id in state.bodies and state.bodies[b.id].active and not state.name_in_use(n)]
    for body, former in renamed[:1]:                                          # a former name
        if (p := victim(lambda p, body=body: p["_body"] == body.id)) is not None:
            everyone(p, body=f"{state.divisions[body.division].name}/{former}")
            planted.append(Planted("roster-former-name", ref(state.bodies[body.id]), p["id_number"]))
    boards = [(b, sign) for b in first.active_bodies() for sign in first.signboards(b)
              if b.id in state.bodies and sign in state.signboards(state.bodies[b.id])]
    for body, sign in boards:                                                  # on a signboard
        if (p := victim(lambda p, body=body: p["_body"] == body.id)) is not None:
            everyone(p, body=f"{state.divisions[body.division].name}/{sign}")
            planted.append(Planted("roster-signboard", ref(state.bodies[body.id]), p["id_number"]))
            break
    stranger = _person(random.Random(f"{seed}|stranger"), next(iter(state.active_bodies())), "行政编制", state,
                       first_day, 99, used)
    gone = [b for b in first.bodies.values() if not b.active and not state.name_in_use(b.name)]
    if gone:                                                                   # in an abolished body
        add({**stranger, "body": ref(gone[0]), "_body": gone[0].id})
        planted.append(Planted("roster-abolished-body", None, stranger["id_number"]))
    purity = state.config.get("type_purity") or {}
    start = ledger.first_date()
    mixed = [(b, t) for b in state.active_bodies() if b.id not in taken and b.category in purity and start
             and (b.established is None or b.established <= start) and b.id in first.bodies and first.bodies[b.id].active
             for t in state.config.quota_types if t not in purity[b.category] and not b.approved.get(t)
             and not b.actual.get(t)][:1]
    for body, t in mixed:                                                      # 事业编制 in a 党政机关
        taken.add(body.id)
        p = _person(random.Random(f"{seed}|mixed"), body, t, state, first_day, 99, used)
        p.update(entered=start - dt.timedelta(days=400), leader=None)  # before the ledger: no entry to check
        add(p)
        planted += [Planted("roster-mixed-type", ref(body), p["id_number"]), Planted("roster-over-quota", ref(body)),
                    Planted("roster-ledger-mismatch", ref(body))]
    series = approved_series(state)
    day = first_day - dt.timedelta(days=60)
    for (body_id, t), n in sorted(size.items()):                               # an entry into a full body
        body = state.bodies[body_id]
        days, values = series.get((body_id, t), ((), ()))
        group = [p for p in last_rows if p["_body"] == body_id and p["quota_type"] == t]
        if (body_id in taken or n < 2 or set(values) != {n} or start is None or day <= start
                or any(p["entered"] >= day for p in group) or first.bodies.get(body_id) is None):
            continue
        taken.add(body_id)
        p = _person(random.Random(f"{seed}|full"), body, t, state, first_day, 99, used)
        p.update(entered=day, left=day + dt.timedelta(days=20), status="调出", leader=None)
        add(p)
        planted.append(Planted("roster-entry-over-quota", ref(body), p["id_number"]))
        break
    if len(snapshots) > 1 and (p := victim()) is not None:                    # left with no directive
        snapshots[-1] = (last_day, [q for q in last_rows if q is not p])
        body = state.bodies[p["_body"]]
        planted += [Planted("roster-unrecorded-movement", ref(body), p["id_number"]),
                    Planted("roster-ledger-mismatch", ref(body))]
    return planted


def table_rows(rows: list[dict]) -> list[list]:
    """Rows in the roster sheet's column order, dates as text."""
    return [[r.get(k).isoformat() if isinstance(r.get(k), dt.date) else r.get(k) for k in KEYS] for r in rows]
