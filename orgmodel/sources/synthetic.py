"""Province-scale synthetic ledgers for benchmarks and tests.

:func:`generate` writes a folder of valid directives (about a million at full scale),
deterministic by seed. It keeps a small mirror of every body's quota so that each
transfer, abolition and assertion it writes holds when the ledger is replayed.
Text is written directly, one flow-style mapping per line, never via ``yaml.dump``.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from pathlib import Path

from .flow_writer import flow  # noqa: F401  (re-exported: the writer the ledgers use)


def row(mapping: dict) -> str:
    """One directive as a YAML list item on one line."""
    return "- " + flow(mapping)


SYLLABLES = ("青石柳塘白沙桃源凤鸣云溪松林金湖丰乐永安清河新桥双塘长岗龙泉"
             "梅岭荷花杨庄马集安平兴隆茶山黄土石门东岳西岭南湾北冈东坝沙河"
             "临江望海高桥大港古城仁和德兴万福太平宝塔百花星火红枫")
DEPTS = [("纪委监委机关", "行政编制", 30), ("党委办公室", "行政编制", 15), ("组织部", "行政编制", 16),
         ("宣传部", "行政编制", 10), ("政法委员会", "行政编制", 10), ("政府办公室", "行政编制", 18),
         ("发展和改革局", "行政编制", 18), ("教育局", "行政编制", 14), ("公安局", "政法专项编制", 220),
         ("民政局", "行政编制", 12), ("司法局", "行政编制", 14), ("财政局", "行政编制", 20),
         ("人力资源和社会保障局", "行政编制", 14), ("自然资源和规划局", "行政编制", 16),
         ("住房和城乡建设局", "行政编制", 14), ("交通运输局", "行政编制", 12), ("水务局", "行政编制", 10),
         ("农业农村局", "行政编制", 18), ("商务局", "行政编制", 9), ("文化广电和旅游局", "行政编制", 10),
         ("卫生健康委员会", "行政编制", 14), ("退役军人事务局", "行政编制", 8), ("应急管理局", "行政编制", 12),
         ("审计局", "行政编制", 10), ("市场监督管理局", "行政编制", 40), ("统计局", "行政编制", 8),
         ("医疗保障局", "行政编制", 8), ("信访局", "行政编制", 7), ("城市管理局", "行政编制", 16),
         ("行政审批局", "行政编制", 15), ("人民法院", "政法专项编制", 100), ("人民检察院", "政法专项编制", 55)]
INSTS = ("融媒体中心", "档案馆", "党校", "机关事务服务中心", "政务服务中心", "公共资源交易中心",
         "社会保险服务中心", "就业服务中心", "不动产登记中心", "农业技术推广中心", "畜牧兽医站",
         "疾病预防控制中心", "人民医院", "中医医院", "妇幼保健院", "图书馆", "文化馆", "水利工程管理处",
         "公路事业发展中心", "检验检测中心", "社会福利院", "救助管理站", "环境卫生管理所", "园林绿化管理所")
OWN = {"镇": [("党政办公室", "行政编制", 8), ("党建工作办公室", "行政编制", 5), ("经济发展办公室", "行政编制", 5),
              ("社会事务办公室", "行政编制", 4), ("平安建设办公室", "行政编制", 4),
              ("自然资源和规划建设办公室", "行政编制", 4), ("综合行政执法办公室", "行政编制", 5),
              ("便民服务中心", "事业编制", 9), ("农业农村服务中心", "事业编制", 12), ("综合治理中心", "事业编制", 7),
              ("文化体育服务中心", "事业编制", 5), ("退役军人服务站", "事业编制", 3)],
       "街道": [("党政办公室", "行政编制", 9), ("党建工作办公室", "行政编制", 6), ("社区建设办公室", "行政编制", 7),
               ("平安建设办公室", "行政编制", 6), ("城市管理办公室", "行政编制", 7), ("便民服务中心", "事业编制", 12),
               ("综合治理中心", "事业编制", 9), ("社区服务中心", "事业编制", 12), ("退役军人服务站", "事业编制", 4)]}
OWN["乡"] = OWN["镇"]
STATIONS = [("派出所", "公安局", "政法专项编制", 10), ("司法所", "司法局", "行政编制", 3),
            ("市场监管所", "市场监督管理局", "行政编制", 5), ("自然资源所", "自然资源和规划局", "行政编制", 3)]
BASE = "2020-01-01"
CONFIG_TEXT = """# 模拟省规则配置:存量超编、超职数作为警告提示,逐步消化
rules:
  over-quota: {severity: warning}
  over-posts: {severity: warning}
"""


@dataclass
class Params:
    """Scale of the synthetic province; counties, cities and bodies follow townships unless given."""

    townships: int = 2000
    counties: int | None = None
    cities: int | None = None
    bodies: int | None = None
    first_year: int = 2020
    last_year: int = 2025
    seed: int = 1

    def __post_init__(self):
        self.counties = self.counties or max(1, round(self.townships / 20))
        self.cities = self.cities or max(1, round(self.counties / 7))
        self.bodies = self.bodies or self.townships * 50


@dataclass
class SBody:
    """The generator's mirror of one body: enough to keep every later directive valid."""

    div: str
    name: str
    quota: dict
    actual: dict
    active: bool = True
    signboards: set = field(default_factory=set)

    @property
    def ref(self) -> str:
        return f"{self.div}/{self.name}"


class Sink:
    """Buffered output files, keyed by file name, with a directive count."""

    def __init__(self, out: Path):
        self.out, self.files, self.count = out, {}, 0

    def add(self, name: str, line: str) -> None:
        self.files.setdefault(name, []).append(line)
        self.count += line.startswith("- ")

    def flush(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        (self.out / "orgmodel.yaml").write_text(CONFIG_TEXT, encoding="utf-8")
        for name, lines in self.files.items():
            (self.out / name).write_text("\n".join(lines) + "\n", encoding="utf-8")


class Province:
    """Builds the synthetic province into a :class:`Sink`, keeping its mirror of the state."""

    def __init__(self, p: Params, out: Path):
        self.p, self.rng, self.sink = p, random.Random(p.seed), Sink(out)
        self.docs = 0
        self.cities, self.counties, self.towns = [], [], []
        self.county_organs: dict[str, list[SBody]] = {}
        self.county_bodies: dict[str, list[SBody]] = {}
        self.town_bodies: dict[str, dict[str, SBody]] = {}
        self.city_bodies: dict[str, list[SBody]] = {}
        self.loans: list[tuple] = []

    def doc(self, year: int) -> str:
        self.docs += 1
        return f"模编〔{year}〕{self.docs}号"

    def vacancy_staff(self, quota: dict) -> dict:
        """Actual staff near the quota: mostly a little vacant, about 3 % one over."""
        out = {}
        for t, n in quota.items():
            r = self.rng.random()
            out[t] = n + 1 if r < 0.03 else max(0, n - (0 if r < 0.35 else 1 if r < 0.7 else 2 if r < 0.9 else 3))
        return out

    # -- divisions and pools ---------------------------------------------------
    def divisions(self) -> None:
        p, rng, f = self.p, self.rng, "00-divisions.yaml"
        pairs = [a + b for a in SYLLABLES for b in SYLLABLES if a != b]
        rng.shuffle(pairs)
        names = iter(pairs)
        self.sink.add(f, "# 模拟省:区划与编制池(自动生成)")
        self.sink.add(f, row({"date": BASE, "op": "open_division", "code": "990000", "name": "模拟省", "level": "省"}))
        for c in range(p.cities):
            code, name = f"99{c + 1:02d}00", next(names) + "市"
            self.cities.append((code, name))
            self.sink.add(f, row({"date": BASE, "op": "open_division", "code": code, "name": name, "level": "市", "parent": "990000"}))
        for k in range(p.counties):
            city = self.cities[k % p.cities][0]
            code, name = f"{city[:4]}{k // p.cities + 1:02d}", next(names) + "县"
            self.counties.append((code, name, city))
            self.sink.add(f, row({"date": BASE, "op": "open_division", "code": code, "name": name, "level": "县", "parent": city}))
            for kind, amount in (("收回", {"事业编制": 30, "行政编制": 10}), ("周转", {"事业编制": 20}), ("专户", {})):
                pool = f"{name}{kind}编制池"
                self.sink.add(f, row({"date": BASE, "op": "open_pool", "name": pool, "kind": kind, "division": code}))
                for t, n in amount.items():
                    self.sink.add(f, row({"date": BASE, "op": "approve", "doc": self.doc(2019), "body": pool, "type": t, "amount": n}))
        for j in range(p.townships):
            county = self.counties[j % p.counties][0]
            kind = "街道" if j % 10 < 2 else "乡" if j % 10 == 2 else "镇"
            code, name = f"{county}{j // p.counties + 1:03d}", next(names) + kind
            pop = rng.randint(25_000, 60_000) if kind == "乡" else rng.randint(30_000, 95_000)
            hh = pop * 10 // rng.randint(26, 31)
            self.towns.append((code, name, kind, county))
            self.sink.add(f, row({"date": BASE, "op": "open_division", "code": code, "name": name, "level": "乡镇",
                                  "kind": kind, "parent": county, "population": pop, "households": hh}))

    # -- bodies ----------------------------------------------------------------
    def body(self, f: str, div: str, name: str, category: str, quota: dict, rank: str, **attrs) -> SBody:
        """Write establish, approve, leader posts and staff for one body; return its mirror."""
        b = SBody(div, name, {}, {})
        self.sink.add(f, row({"date": BASE, "op": "establish", "name": name, "division": div,
                              "category": category, "rank": rank, "funding": "全额拨款", **attrs}))
        year = int(BASE[:4]) - 1
        for t, n in quota.items():
            self.sink.add(f, f"- {{date: {BASE}, op: approve, doc: {self.doc(year)}, body: {b.ref}, type: {t}, amount: {n}}}")
        self.sink.add(f, f"- {{date: {BASE}, op: leader_posts, doc: {self.doc(year)}, body: {b.ref}, "
                         f"posts: {{正职: 1, 副职: {self.rng.randint(0, 2)}}}}}")
        b.quota, b.actual = dict(quota), self.vacancy_staff(quota)
        self.staff_line(f, BASE, b)
        return b

    def staff_line(self, f: str, date: str, b: SBody) -> None:
        self.sink.add(f, f"- {{date: {date}, op: staff, body: {b.ref}, actual: {flow(b.actual)}}}")

    def size(self, base: int) -> int:
        return max(2, round(base * self.rng.uniform(0.8, 1.25)))

    def organs(self, f: str, div: str) -> list[SBody]:
        return [self.body(f, div, n, "党政机关", {t: self.size(s)}, "正科") for n, t, s in DEPTS]

    def institutions(self, f: str, div: str, count: int) -> list[SBody]:
        out = []
        for i in range(count):
            name = INSTS[i] if i < len(INSTS) else f"第{i - len(INSTS) + 1}{('小学', '中学', '幼儿园', '卫生院')[i % 4]}"
            quota = {"事业编制": self.size(25 if i < len(INSTS) else 40)}
            if i % 10 == 3:
                quota["工勤编制"] = self.rng.randint(1, 4)
            out.append(self.body(f, div, name, "事业单位", quota, "股级", **{"class": "公益一类", "led_by": DEPTS[i % len(DEPTS)][0]}))
        return out

    def township(self, f: str, code: str, kind: str, county: str) -> None:
        own = {n: self.body(f, code, n, "党政机关" if t == "行政编制" else "事业单位", {t: self.size(s)}, "股级")
               for n, t, s in OWN[kind]}
        for n, dept, t, s in STATIONS:
            own[n] = self.body(f, code, n, "派驻机构", {t: self.size(s)}, "股级", dispatched_from=f"{county}/{dept}")
        self.town_bodies[code] = own
        for duty, lead, support in (("安全生产属地监管", "平安建设办公室", ["党政办公室", "派出所"]),
                                    ("网格化服务管理", "综合治理中心", ["平安建设办公室", "司法所"])):
            self.sink.add(f, row({"date": BASE, "op": "duty", "name": duty, "category": "平安建设",
                                  "lead": own[lead].ref, "support": [own[s].ref for s in support]}))

    def bases(self) -> None:
        p = self.p
        town_count = sum(len(OWN[k]) + len(STATIONS) for _, _, k, _ in self.towns)
        left = p.bodies - town_count - p.cities * len(DEPTS) - p.counties * len(DEPTS)
        per_county = max(5, left // p.counties)
        for ci, (city, _) in enumerate(self.cities):
            f = f"01-base-c{ci + 1:02d}.yaml"
            self.sink.add(f, f"# 模拟省第 {ci + 1} 个市:机构、编制、职数、实有人数(自动生成)")
            self.city_bodies[city] = self.organs(f, city)
            for code, _, c in self.counties:
                if c != city:
                    continue
                self.county_organs[code] = self.organs(f, code)
                self.county_bodies[code] = self.institutions(f, code, per_county)
                for tcode, _, kind, county in self.towns:
                    if county == code:
                        self.township(f, tcode, kind, code)
                        self.off_quota(f, BASE, tcode)

    def off_quota(self, f: str, date: str, code: str) -> None:
        grids = self.rng.randint(20, 60)
        self.sink.add(f, f"- {{date: {date}, op: off_quota, division: {code}, staff: {{网格员: {grids + self.rng.randint(0, 5)}}}, grids: {grids}}}")

    # -- history -----------------------------------------------------------------
    def year(self, y: int) -> None:
        """One year of changes for every county, in date order within each county."""
        for ci, (city, _) in enumerate(self.cities):
            f = f"{10 + y - self.p.first_year}-{y}-c{ci + 1:02d}.yaml"
            self.sink.add(f, f"# 模拟省第 {ci + 1} 个市:{y} 年变动(自动生成)")
            for code, name, c in self.counties:
                if c == city:
                    self.county_year(f, y, code, name)
            for b in self.city_bodies[city]:
                b.actual = self.vacancy_staff(b.quota)
                self.staff_line(f, f"{y}-12-31", b)

    def county_year(self, f: str, y: int, code: str, name: str) -> None:
        rng, towns = self.rng, [t for t in self.towns if t[3] == code]
        for i, (tcode, _, kind, _) in enumerate(towns):
            own = self.town_bodies[tcode]
            if i % 5 == y % 5:
                b = own["社区服务中心" if kind == "街道" else "农业农村服务中心"]
                sign = "党群服务中心" if kind == "街道" else "乡村振兴服务中心"
                if sign not in b.signboards:
                    b.signboards.add(sign)
                    self.sink.add(f, row({"date": f"{y}-03-01", "op": "signboard_add", "doc": self.doc(y), "body": b.ref, "name": sign}))
            if y == self.p.first_year + 2 and i % 2 == 0:
                b = own["综合治理中心"]
                self.sink.add(f, row({"date": f"{y}-04-01", "op": "rename", "doc": self.doc(y), "body": b.ref,
                                      "to": "社会治理综合服务中心", "keep_signboard": True}))
                b.signboards.add(b.name)
                b.name = "社会治理综合服务中心"
        self.talent(f, y, name, towns)
        self.transfers(f, y, code)
        self.loan(f, y, code, name)
        self.abolish(f, y, code, name)
        day = f"{y}-12-31"
        for b in [*self.county_organs[code], *self.county_bodies[code]] + [b for t in towns for b in self.town_bodies[t[0]].values()]:
            if b.active:
                b.actual = self.vacancy_staff(b.quota)
                self.staff_line(f, day, b)
        for tcode, *_ in towns:
            self.off_quota(f, day, tcode)
        for b in rng.sample([b for b in self.county_bodies[code] if b.active], 3):
            for t, n in b.quota.items():
                self.sink.add(f, f"- {{date: {day}, op: assert, body: {b.ref}, type: {t}, amount: {n}}}")

    def talent(self, f: str, y: int, name: str, towns: list) -> None:
        """核增 the earmarked account, then send it down to township centres (cross-level)."""
        pool = f"{name}专户编制池"
        picks = self.rng.sample(towns, min(5, len(towns)))
        self.sink.add(f, row({"date": f"{y}-05-01", "op": "increase", "doc": self.doc(y), "to": pool, "type": "事业编制", "amount": 2 * len(picks)}))
        for tcode, *_ in picks:
            b = self.town_bodies[tcode]["便民服务中心"]
            b.quota["事业编制"] += 2
            self.sink.add(f, f"- {{date: {y}-05-01, op: transfer, doc: {self.doc(y)}, from: {pool}, to: {b.ref}, "
                             f"type: 事业编制, amount: 2, cross_level: true}}")

    def transfers(self, f: str, y: int, code: str) -> None:
        insts = [b for b in self.county_bodies[code] if b.active]
        loaned = {id(ln[2]) for ln in self.loans}
        for _ in range(3):
            src, dst = self.rng.sample(insts, 2)
            if id(src) in loaned or src.quota["事业编制"] - src.actual.get("事业编制", 0) < 1:
                continue
            src.quota["事业编制"] -= 1
            dst.quota["事业编制"] += 1
            self.sink.add(f, f"- {{date: {y}-06-01, op: transfer, doc: {self.doc(y)}, from: {src.ref}, to: {dst.ref}, type: 事业编制, amount: 1}}")

    def loan(self, f: str, y: int, code: str, name: str) -> None:
        """Lend 2 from the turnover pool; loans made two years ago are returned."""
        pool = f"{name}周转编制池"
        for ln in [ln for ln in self.loans if ln[0] == code and ln[1] == y - 2]:
            self.loans.remove(ln)
            ln[2].quota["事业编制"] -= 2
            self.sink.add(f, f"- {{date: {y}-07-01, op: return_loan, doc: {self.doc(y)}, body: {ln[2].ref}, pool: {pool}, type: 事业编制, amount: 2}}")
        b = self.rng.choice([b for b in self.county_bodies[code] if b.active])
        b.quota["事业编制"] += 2
        self.loans.append((code, y, b))
        self.sink.add(f, f"- {{date: {y}-07-01, op: transfer, doc: {self.doc(y)}, from: {pool}, to: {b.ref}, type: 事业编制, amount: 2, term_years: 3}}")

    def abolish(self, f: str, y: int, code: str, name: str) -> None:
        """Abolish one school; its quota and staff go to another, the rest to the reclaimed pool."""
        loaned = {id(ln[2]) for ln in self.loans}
        schools = [b for b in self.county_bodies[code][len(INSTS):] if b.active and id(b) not in loaned and not b.signboards]
        if len(schools) < 2:
            return
        gone, heir = self.rng.sample(schools, 2)
        moved = min(gone.quota["事业编制"], gone.actual.get("事业编制", 0))
        heir.quota["事业编制"] += moved
        for t, n in gone.actual.items():
            heir.actual[t] = heir.actual.get(t, 0) + n
        gone.active = False
        self.sink.add(f, row({"date": f"{y}-08-01", "op": "abolish", "doc": self.doc(y), "body": gone.ref,
                              "quota_to": [{"to": heir.ref, "type": "事业编制", "amount": moved}, {"to": f"{name}收回编制池"}],
                              "staff_to": heir.ref}))


def generate(out: str | Path, params: Params | None = None) -> dict:
    """Write a synthetic province ledger into folder ``out``; return its counts.

    The same parameters (seed included) always give byte-identical files.
    """
    p = params or Params()
    prov = Province(p, Path(out))
    prov.divisions()
    prov.bases()
    for y in range(p.first_year + 1, p.last_year + 1):
        prov.year(y)
    prov.sink.flush()
    bodies = sum(len(v) for v in [*prov.county_bodies.values(), *prov.county_organs.values(),
                                  *prov.town_bodies.values(), *prov.city_bodies.values()])
    return {"directives": prov.sink.count, "files": len(prov.sink.files), "bodies": bodies,
            "townships": len(prov.towns), "counties": len(prov.counties), "cities": len(prov.cities)}
