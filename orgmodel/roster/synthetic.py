"""Made-up rosters for the demo, the tests and the benchmarks: one in-post person per unit of
the ledger's recorded 实有, with valid ID numbers, plausible dates and documents, and (with
``problems``) a few of every kind of problem the audit looks for. The same seed gives the
same people: a person is made from (body, quota type, place in the body), so two snapshots of
one ledger share everyone who stayed."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator

from ..state import State
from . import idcard, retire
from .layout import IN_POST, ROSTER

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅文斌宇浩凯健俊帆帅旭宁欣怡晨阳雪琳佳慧颖鹏辉波亮飞"
POSTS_OF = {"工勤编制": "工勤技能"}
FORMS = ("考录", "考录", "考录", "招聘", "调入", "军转安置", "选调")
HEADERS = [c.header for c in ROSTER.items]
REFERENCE = dt.date(2026, 1, 1)
KEYS = [c.key for c in ROSTER.items]


def _person(rng: random.Random, body, t: str, state: State, as_of: dt.date, ordinal: int) -> dict:
    sex = "男" if rng.random() < 0.55 else "女"
    post = POSTS_OF.get(t) or ("专业技术" if body.category == "事业单位" and rng.random() < 0.6 else "管理")
    group = retire.group_of(sex, post, t)
    # born so as to be 23 or older and not yet at retirement age on the reference day, which is
    # the same for every snapshot: a person stays the same person (ID number, dates) in each
    oldest = dt.date(REFERENCE.year - (group.original_age if group else 60), 1, 1) + dt.timedelta(days=200)
    youngest = dt.date(REFERENCE.year - 23, 1, 1)
    birth = oldest + dt.timedelta(days=rng.randrange(max((youngest - oldest).days, 1)))
    region = (body.division + "000000")[:6]
    seq = rng.randrange(0, 500) * 2 + (1 if sex == "男" else 0)
    first17 = f"{region}{birth:%Y%m%d}{seq:03d}"
    number = first17 + idcard.check_digit(first17)
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
            "left": None, "note": None}


def people(state: State, as_of: dt.date, seed: int = 1) -> Iterator[dict]:
    """One person per unit of each active body's recorded 实有, in body order."""
    for body in state.active_bodies():
        ordinal = 0  # leaders are the body's first people, whatever their type
        for t in state.config.quota_types:
            for i in range(body.actual.get(t, 0)):
                rng = random.Random(f"{seed}|{body.id}|{t}|{i}")
                yield _person(rng, body, t, state, as_of, ordinal)
                ordinal += 1


def with_problems(rows: list[dict], state: State, seed: int = 1) -> list[dict]:
    """``rows`` with a few of each problem the audit finds planted in them (a copy)."""
    rng = random.Random(f"{seed}|problems")
    rows = [dict(r) for r in rows]
    if len(rows) < 40:
        return rows
    picks = rng.sample(range(len(rows)), 12)
    r = rows[picks[0]]
    r["id_number"] = r["id_number"][:17] + ("0" if r["id_number"][17] != "0" else "1")  # wrong check digit
    rows[picks[1]]["birth"] = rows[picks[1]]["birth"] + dt.timedelta(days=31)          # birth disagrees with the ID
    rows[picks[2]]["sex"] = "女" if rows[picks[2]]["sex"] == "男" else "男"              # sex disagrees
    twin = dict(rows[picks[3]], body=rows[picks[4]]["body"], quota_type=rows[picks[4]]["quota_type"])
    rows.append(twin)                                                                     # one person, two bodies
    rows[picks[5]]["control_no"] = None                                                   # no 控编单号
    old = rows[picks[6]]                                                                  # past retirement age
    old["birth"] = dt.date(1955, old["birth"].month, 1)
    first17 = old["id_number"][:6] + f"{old['birth']:%Y%m%d}" + old["id_number"][14:17]
    old["id_number"] = first17 + idcard.check_digit(first17)
    retired = [b for b in state.bodies.values() if not b.active and not state.name_in_use(b.name)]
    if retired:
        rows[picks[7]]["body"] = state.reference(retired[0])                              # abolished body
    renamed = [(b, n) for b in state.active_bodies() for _, n in b.names if not state.name_in_use(n)]
    if renamed:
        b, n = renamed[0]
        rows[picks[8]].update(body=f"{state.divisions[b.division].name}/{n}")             # a former name
    boards = [(b, s) for b in state.active_bodies() for s in state.signboards(b)][:1]
    for b, s in boards:
        rows[picks[9]].update(body=f"{state.divisions[b.division].name}/{s}")             # on a signboard
    rows[picks[10]]["quota_type"] = "事业编制" if rows[picks[10]]["quota_type"] == "行政编制" else rows[picks[10]]["quota_type"]
    rows[picks[11]]["entry_doc"] = None
    return rows


def table_rows(rows: list[dict]) -> list[list]:
    """Rows in the roster sheet's column order, dates as text."""
    return [[r.get(k).isoformat() if isinstance(r.get(k), dt.date) else r.get(k) for k in KEYS] for r in rows]
