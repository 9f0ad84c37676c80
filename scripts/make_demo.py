"""Write the bundled demo ledger of 栖澜市 (a fictional county-level city) to data/demo/.

Deterministic: every "random" figure comes from a hash of a fixed seed and a key, so
running this again gives byte-identical files. Usage: ``python scripts/make_demo.py [OUT]``.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from orgmodel.sources.synthetic import OWN, row  # noqa: E402

SEED = "栖澜-2020"
CITY = "栖澜市"
BASE = "2020-01-01"
ADMIN, LAW, INST, WORK = "行政编制", "政法专项编制", "事业编制", "工勤编制"
RECLAIMED, TURNOVER, TALENT = "栖澜市收回编制池", "栖澜市编制周转池", "栖澜市乡镇人才专项编制专户"

# (code, name, kind, population)
TOWNS = [
    ("329001001", "澜湖街道", "街道", 92000), ("329001002", "凤鸣街道", "街道", 78000),
    ("329001003", "望江街道", "街道", 64000), ("329001004", "新城街道", "街道", 45000),
    ("329001101", "青石镇", "镇", 96000), ("329001102", "柳塘镇", "镇", 81000),
    ("329001103", "白沙镇", "镇", 73000), ("329001104", "桃源镇", "镇", 68000),
    ("329001105", "云溪镇", "镇", 62000), ("329001106", "松林镇", "镇", 57000),
    ("329001107", "丰乐镇", "镇", 54000), ("329001108", "永安镇", "镇", 51000),
    ("329001109", "双塘镇", "镇", 47000), ("329001110", "长岗镇", "镇", 43000),
    ("329001111", "龙泉镇", "镇", 39000), ("329001112", "金坝镇", "镇", 36000),
    ("329001201", "梅岭乡", "乡", 31000), ("329001202", "茶山乡", "乡", 26000),
]

# County departments: (name, quota type, size, 工勤, deputy posts, signboards)
DEPTS = [
    ("市纪委监委机关", ADMIN, 46, 2, 4, ["市监察委员会"]), ("市委办公室", ADMIN, 18, 2, 3, ["市委保密办公室"]),
    ("市委组织部", ADMIN, 20, 0, 3, ["市公务员局"]), ("市委宣传部", ADMIN, 14, 0, 3, ["市新闻出版局", "市委网络安全和信息化委员会办公室"]),
    ("市委统战部", ADMIN, 9, 0, 2, ["市民族宗教事务局"]), ("市委政法委员会", ADMIN, 12, 0, 2, []),
    ("市委机构编制委员会办公室", ADMIN, 8, 0, 2, []), ("市委巡察工作领导小组办公室", ADMIN, 10, 0, 2, []),
    ("市委老干部局", ADMIN, 6, 1, 1, []), ("市人大常委会办公室", ADMIN, 16, 2, 3, []),
    ("市政协办公室", ADMIN, 14, 2, 3, []), ("市人民政府办公室", ADMIN, 22, 3, 4, ["市人民政府研究室"]),
    ("市发展和改革局", ADMIN, 20, 0, 3, ["市粮食和物资储备局"]), ("市教育局", ADMIN, 16, 1, 3, ["市委教育工作委员会"]),
    ("市科学技术局", ADMIN, 8, 0, 2, []), ("市工业和信息化局", ADMIN, 14, 0, 3, []),
    ("市公安局", LAW, 268, 4, 5, []), ("市民政局", ADMIN, 13, 0, 2, []),
    ("市司法局", ADMIN, 15, 0, 2, []), ("市财政局", ADMIN, 22, 1, 3, []),
    ("市人力资源和社会保障局", ADMIN, 15, 0, 3, []), ("市自然资源和规划局", ADMIN, 18, 0, 3, ["市林业局"]),
    ("市住房和城乡建设局", ADMIN, 15, 0, 3, ["市人民防空办公室"]), ("市交通运输局", ADMIN, 12, 0, 2, []),
    ("市水务局", ADMIN, 11, 0, 2, []), ("市农业农村局", ADMIN, 21, 1, 3, []),
    ("市商务局", ADMIN, 10, 0, 2, []), ("市文化广电和旅游局", ADMIN, 11, 0, 2, ["市体育局"]),
    ("市卫生健康委员会", ADMIN, 15, 0, 3, ["市中医药管理局"]), ("市退役军人事务局", ADMIN, 8, 0, 2, []),
    ("市应急管理局", ADMIN, 13, 0, 2, []), ("市审计局", ADMIN, 12, 0, 2, []),
    ("市市场监督管理局", ADMIN, 44, 1, 4, ["市知识产权局", "市食品安全委员会办公室"]), ("市统计局", ADMIN, 9, 0, 2, []),
    ("市医疗保障局", ADMIN, 8, 0, 2, []), ("市信访局", ADMIN, 9, 0, 2, []),
    ("市城市管理局", ADMIN, 18, 0, 3, []), ("市行政审批局", ADMIN, 16, 0, 3, ["市政务服务管理办公室"]),
    ("市人民法院", LAW, 112, 3, 4, []), ("市人民检察院", LAW, 58, 2, 3, []),
    ("市总工会", ADMIN, 7, 0, 2, []), ("团市委", ADMIN, 4, 0, 1, []), ("市妇联", ADMIN, 5, 0, 1, []),
]

# Institutions by their competent department: "name:事业编制[:工勤[:class]]"; class 2 = 公益二类 差额拨款.
INSTITUTIONS = {
    "市委办公室": "市档案馆:14:1 市委党史地方志研究中心:8",
    "市委组织部": "市委党校:28:2 市党员教育服务中心:8 市干部人事档案管理中心:6",
    "市委宣传部": "市融媒体中心:62:0:2 市文明创建指导中心:6 市网络舆情服务中心:6",
    "市委统战部": "市民族宗教服务中心:4",
    "市委政法委员会": "市社会治安综合治理中心:9 市新市民服务管理中心:6",
    "市委机构编制委员会办公室": "市机构编制数据中心:4",
    "市委老干部局": "市老干部活动中心:6:1",
    "市人大常委会办公室": "市人大代表联络服务中心:4",
    "市政协办公室": "市政协委员服务中心:4",
    "市人民政府办公室": "市大数据服务中心:12 市12345政务服务便民热线中心:15 市机关事务服务中心:20:8",
    "市发展和改革局": "市价格认定中心:5 市重点项目服务中心:8 市粮食和物资储备服务中心:10:2",
    "市教育局": ("市教育发展服务中心:15 市教师发展中心:24 市第一中学:186:4 市第二中学:162:3 市实验中学:124:2 "
                "市职业教育中心:142:3 市实验小学:112:2 市澜湖小学:96:1 市凤鸣小学:88:1 市望江小学:74:1 "
                "市特殊教育学校:30:1 市实验幼儿园:46:1 市青少年校外活动中心:10"),
    "市科学技术局": "市科技创新服务中心:8",
    "市工业和信息化局": "市中小企业服务中心:8 市工业经济运行监测中心:6",
    "市公安局": "市公安技术保障中心:10",
    "市民政局": "市社会福利院:20:4 市救助管理站:8:1 市殡葬管理所:10:2 市社会组织服务中心:5 市婚姻登记服务中心:5",
    "市司法局": "市公证处:8:0:2 市法律援助中心:8",
    "市财政局": "市财政国库集中支付中心:15 市政府采购中心:8 市财政投资评审中心:10 市农村财务管理服务中心:8",
    "市人力资源和社会保障局": "市社会保险服务中心:36 市就业服务中心:20 市劳动人事争议仲裁院:8 市人才服务中心:8",
    "市自然资源和规划局": "市不动产登记中心:26 市土地储备中心:10 市测绘地理信息中心:8 市林业技术推广站:10",
    "市住房和城乡建设局": "市建设工程质量安全监督站:20 市住房保障和房产服务中心:18 市园林绿化管理所:24:6 市城乡建设档案馆:6",
    "市交通运输局": "市公路事业发展中心:40:6 市港航事业发展中心:15 市道路运输服务中心:15",
    "市水务局": "市水利工程管理处:30:6 市防汛抗旱服务中心:8 市水资源管理所:6 市农村饮水安全管理所:6",
    "市农业农村局": ("市农业技术推广中心:35:2 市农业机械化技术推广站:8 市畜牧兽医站:25:1 市农产品质量安全检测中心:10 "
                   "市农村经济经营管理站:10 市水产技术推广站:8 市植保植检站:8"),
    "市商务局": "市商务发展服务中心:6 市招商服务中心:10",
    "市文化广电和旅游局": "市文化馆:15 市图书馆:18:1 市博物馆:12:1 市文物保护管理所:6 市旅游发展服务中心:6 市体育运动学校:20:2",
    "市卫生健康委员会": ("市人民医院:420:0:2 市中医医院:262:0:2 市第二人民医院:180:0:2 市妇幼保健院:92:0:2 市精神卫生中心:60:0:2 "
                     "市疾病预防控制中心:56:2 市急救中心:30:2 市卫生健康综合服务中心:6 市血站:18:0:2"),
    "市退役军人事务局": "市退役军人服务中心:8 市烈士陵园管理所:5:2",
    "市应急管理局": "市应急管理综合服务中心:10 市地震监测中心:4",
    "市审计局": "市经济责任审计服务中心:6",
    "市市场监督管理局": "市检验检测中心:30:1 市消费者权益保护服务中心:5 市知识产权服务中心:5 市食品药品检验所:12",
    "市统计局": "市统计普查中心:6",
    "市医疗保障局": "市医疗保障服务中心:20",
    "市信访局": "市信访接待服务中心:6",
    "市城市管理局": "市环境卫生管理所:40:10 市城市照明管理所:10:2 市市政设施管理所:20:4 市数字城管指挥中心:12",
    "市行政审批局": "市政务服务中心:30 市公共资源交易中心:15",
    "市总工会": "市职工服务中心:5",
    "团市委": "市青少年宫:8",
    "市妇联": "市妇女儿童活动中心:5",
}
# County-run schools and health centres that serve a township (they sit at county level).
BIG_TOWNS = 6  # the largest towns also have a junior middle school


def pick(key: str, lo: int, hi: int) -> int:
    """A stable pseudo-random whole number in [lo, hi] for ``key``."""
    digest = hashlib.sha256(f"{SEED}|{key}".encode()).digest()
    return lo + int.from_bytes(digest[:4], "big") % (hi - lo + 1)


def band(pop: int) -> tuple[int, int]:
    """Jiangsu 2007 township quota band (行政, 事业) by population."""
    return (30, 35) if pop < 50000 else (35, 40) if pop < 70000 else (40, 45)


def spread(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainder, stable)."""
    raw = [total * w / sum(weights) for w in weights]
    out = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))
    for i in order[: total - sum(out)]:
        out[i] += 1
    return out


def stem(town: str) -> str:
    return town.removesuffix("街道").removesuffix("镇").removesuffix("乡")


class Demo:
    """Collects files of directives and mirrors each holder's quota and staff, so that
    every transfer, hire and assertion written is valid when the ledger is replayed."""

    def __init__(self):
        self.files: dict[str, list[str]] = {}
        self.lines: list[str] = []
        self.quota: dict[str, dict[str, int]] = {}
        self.staffed: dict[str, dict[str, int]] = {}
        self.leaders: dict[str, dict[str, int]] = {}
        self.over_ok: set[str] = set()

    # -- text --------------------------------------------------------------------
    def file(self, name: str, *header: str) -> None:
        self.lines = self.files.setdefault(name, [])
        self.lines.extend(f"# {h}" if h else "#" for h in header)

    def comment(self, text: str) -> None:
        self.lines.extend(["", f"# {text}"])

    def emit(self, date: str, op: str, doc: str | None = None, note: str | None = None, **fields) -> None:
        d = {"date": date, "op": op}
        if doc:
            d["doc"] = doc
        d.update({k.rstrip("_"): v for k, v in fields.items()})
        if note:
            d["note"] = note
        self.lines.append(row(d))

    # -- bodies and quota --------------------------------------------------------
    def establish(self, ref: str, name: str, division: str, category: str, **attrs) -> str:
        self.emit(BASE if "date" not in attrs else attrs.pop("date"), "establish", attrs.pop("doc", None),
                  name=name, division=division, category=category, **attrs)
        self.quota[ref], self.staffed[ref] = {}, {}
        return ref

    def approve(self, date: str, doc: str, ref: str, qtype: str, n: int) -> None:
        self.emit(date, "approve", doc, body=ref, type=qtype, amount=n)
        self.quota.setdefault(ref, {})[qtype] = n

    def change(self, date: str, doc: str, ref: str, qtype: str, n: int, note: str | None = None) -> None:
        """核增 (n > 0) or 核减 (n < 0)."""
        if n > 0:
            self.emit(date, "increase", doc, note, to=ref, type=qtype, amount=n)
        else:
            self.emit(date, "cut", doc, note, from_=ref, type=qtype, amount=-n)
        self.quota[ref][qtype] = self.quota[ref].get(qtype, 0) + n

    def transfer(self, date: str, doc: str, src: str, dst: str, qtype: str, n: int, note=None, **extra) -> None:
        held = self.quota[src].get(qtype, 0)
        if n > held:
            raise ValueError(f"{src} holds {held} {qtype}, cannot transfer {n}")
        self.emit(date, "transfer", doc, note, from_=src, to=dst, type=qtype, amount=n, **extra)
        self.quota[src][qtype] = held - n
        self.quota[dst][qtype] = self.quota[dst].get(qtype, 0) + n

    def posts(self, date: str, doc: str, ref: str, head: int, deputy: int, have=None) -> None:
        self.emit(date, "leader_posts", doc, body=ref, posts={"正职": head, "副职": deputy})
        self.leaders[ref] = have or {"正职": head, "副职": deputy}

    def staff(self, date: str, ref: str, actual: dict[str, int], leaders=None, note=None) -> None:
        fields = {"body": ref, "actual": actual}
        if leaders:
            fields["leaders"] = leaders
        self.emit(date, "staff", None, note, **fields)
        self.staffed[ref].update(actual)

    def hire(self, date: str, ref: str, qtype: str, n: int, note=None) -> None:
        """Hires (n > 0) or departures (n < 0): a new ``staff`` count for one type."""
        have = self.staffed[ref].get(qtype, 0)
        if n == 0:
            return
        if n > 0 and have + n > self.quota[ref].get(qtype, 0):
            raise ValueError(f"hiring {n} into {ref} would exceed its quota")
        self.staff(date, ref, {qtype: have + n}, note=note)

    def vacancy(self, ref: str, qtype: str) -> int:
        return self.quota[ref].get(qtype, 0) - self.staffed[ref].get(qtype, 0)

    def check(self, date: str, ref: str, qtype: str, field: str = "approved") -> None:
        book = self.quota if field == "approved" else self.staffed
        extra = {} if field == "approved" else {"field": field}
        self.emit(date, "assert", body=ref, type=qtype, amount=book[ref].get(qtype, 0), **extra)

    def baseline_staff(self, ref: str, key: str, over: int = 0) -> dict[str, int]:
        """Actual staff a little under quota (bigger bodies more), or ``over`` above it."""
        actual = {}
        for t, n in self.quota[ref].items():
            gap = min(pick(f"{key}/{t}", 0, 2 if n < 15 else 3 if n < 40 else 9), n // 3)
            actual[t] = n + over if over and t in (ADMIN, LAW, INST) else max(0, n - gap)
        if over:
            self.over_ok.add(ref)
        return actual

    def sanity(self) -> None:
        """Raise if any body is over quota without being one of the deliberate cases."""
        for ref, actual in self.staffed.items():
            for t, n in actual.items():
                if n > self.quota.get(ref, {}).get(t, 0) and ref not in self.over_ok:
                    raise ValueError(f"{ref} is over quota in {t}: {n} > {self.quota[ref].get(t, 0)}")


def divisions(demo: Demo) -> None:
    demo.file("00-divisions.yaml", "栖澜市机构编制台账(演示数据,虚构地名)", "区划与编制池:1 个县级市,18 个镇街(4 个街道、12 个镇、2 个乡)。",
              "人口、户数为 2019 年末数;编制池用于收回编制、周转借用和乡镇人才专项。")
    demo.comment("县级市")
    demo.emit(BASE, "open_division", code="329001", name=CITY, level="县")
    demo.comment("镇街")
    for code, name, kind, pop in TOWNS:
        households = pop * 100 // pick(f"hh/{name}", 270, 310)
        demo.emit(BASE, "open_division", code=code, name=name, level="乡镇", kind=kind, parent=CITY,
                  population=pop, households=households)
    demo.comment("编制池:收回、周转、专户")
    for name, kind, purpose in ((RECLAIMED, "收回", "撤并机构和精简收回的编制"),
                                (TURNOVER, "周转", "重点领域急需人才临时借用,人走编收"),
                                (TALENT, "专户", "乡镇引进急需人才")):
        demo.emit(BASE, "open_pool", name=name, kind=kind, division=CITY, purpose=purpose)
        demo.quota[name] = {}
    demo.approve(BASE, "栖编〔2019〕60号", RECLAIMED, INST, 40)
    demo.approve(BASE, "栖编〔2019〕60号", RECLAIMED, ADMIN, 12)
    demo.approve(BASE, "栖编〔2019〕60号", TURNOVER, INST, 20)


def county_bodies(demo: Demo) -> None:
    demo.file("01-county-bodies.yaml", "栖澜市市级机构:党政机关、议事协调机构和事业单位的设立、编制、领导职数与实有人数。",
              "文号为各单位“三定”规定;实有人数为 2020 年 1 月 1 日实名制数据。")
    demo.comment("议事协调机构(不核定编制和领导职数,办公室设在有关部门)")
    demo.establish("市安全生产委员会", "市安全生产委员会", CITY, "议事协调机构")
    demo.establish("市食品安全委员会", "市食品安全委员会", CITY, "议事协调机构")
    for i, (name, qtype, size, workers, deputies, signs) in enumerate(DEPTS, start=1):
        doc = f"栖编〔2019〕{i}号"
        demo.comment(name)
        attrs = {"signboards": signs} if signs else {}
        demo.establish(name, name, CITY, "党政机关", rank="正科", funding="全额拨款", **attrs)
        demo.approve(BASE, doc, name, qtype, size)
        if workers:
            demo.approve(BASE, doc, name, WORK, workers)
        have = {"正职": 1, "副职": deputies - (pick(f"lead/{name}", 0, 3) == 0)}
        if name == "市教育局":
            have["副职"] = deputies + 1  # deliberate: one deputy above the approved posts
        demo.posts(BASE, doc, name, 1, deputies)
        demo.staff(BASE, name, demo.baseline_staff(name, name, over=1 if name == "市城市管理局" else 0), have)
    for i, (dept, spec) in enumerate(INSTITUTIONS.items(), start=1):
        demo.comment(f"{dept}所属事业单位")
        for item in spec.split() + rural(dept):
            institution(demo, dept, item, f"栖编〔2019〕{i + 60}号")


def rural(dept: str) -> list[str]:
    """County-run township schools and health centres for ``dept``."""
    out = []
    for n, (_, town, kind, pop) in enumerate(TOWNS):
        s = town if kind != "街道" else stem(town)
        if dept == "市教育局" and kind != "街道":
            out.append(f"{s}中心小学:{pop // 1500}:1")
            if n < 4 + BIG_TOWNS:
                out.append(f"{s}初级中学:{pop // 1400}:1")
        if dept == "市卫生健康委员会":
            out.append(f"{s}社区卫生服务中心:{pop // 2500}:0:2" if kind == "街道" else f"{s}卫生院:{pop // 2000}:0:2")
    return out


def institution(demo: Demo, dept: str, item: str, doc: str) -> None:
    name, size, *rest = item.split(":")
    workers = int(rest[0]) if rest else 0
    second = len(rest) > 1 and rest[1] == "2"
    cls, funding = ("公益二类", "差额拨款") if second else ("公益一类", "全额拨款")
    rank = "正科" if int(size) >= 60 else "副科" if int(size) >= 15 else "股级"
    attrs = {"signboards": ["市农机安全监理站"]} if name == "市农业机械化技术推广站" else {}
    demo.establish(name, name, CITY, "事业单位", **{"class": cls}, rank=rank, funding=funding, led_by=dept, **attrs)
    demo.approve(BASE, doc, name, INST, int(size))
    if workers:
        demo.approve(BASE, doc, name, WORK, workers)
    deputies = 1 if int(size) < 30 else 2 if int(size) < 150 else 4
    demo.posts(BASE, doc, name, 1, deputies)
    over = 1 if name in ("市环境卫生管理所", "市第二中学") else 0
    have = {"正职": 1, "副职": deputies - (pick(f"lead/{name}", 0, 4) == 0)}
    demo.staff(BASE, name, demo.baseline_staff(name, name, over), have)


def townships(demo: Demo) -> None:
    demo.file("02-townships.yaml", "镇街机构:按“七办五中心”(镇、乡)和“五办四中心”(街道)设置的本级机构,",
              "以及市级部门派驻的派出所、司法所、市场监管所、自然资源所;另有编外人员和网格。")
    for i, (_code, town, kind, pop) in enumerate(TOWNS, start=1):
        doc = f"栖编〔2019〕{100 + i}号"
        admin, inst = band(pop)
        admin += pick(f"admin/{town}", 0, 3)
        inst += pick(f"inst/{town}", 0, 3)
        pattern = OWN[kind]
        sizes = spread(admin, [w for _, t, w in pattern if t == ADMIN]) + spread(inst, [w for _, t, w in pattern if t == INST])
        demo.comment(f"{town}({kind},人口 {pop // 10000}.{pop % 10000 // 1000} 万):行政编制 {admin} 名,事业编制 {inst} 名")
        for (name, qtype, _), size in zip(pattern, sizes):
            ref = f"{town}/{name}"
            category = "党政机关" if qtype == ADMIN else "事业单位"
            extra = {"class": "公益一类"} if qtype == INST else {}
            demo.establish(ref, name, town, category, rank="股级", funding="全额拨款", **extra)
            demo.approve(BASE, doc, ref, qtype, size)
            deputies = 1 if size >= 6 else 0
            demo.posts(BASE, doc, ref, 1, deputies)
            over = 1 if ref in ("白沙镇/综合行政执法办公室", "凤鸣街道/便民服务中心") else 0
            have = {"正职": 1, "副职": deputies} if pick(f"lead/{ref}", 0, 5) else {"正职": 0, "副职": deputies}
            demo.staff(BASE, ref, demo.baseline_staff(ref, ref, over), have)
        demo.lines.append(f"# {town}:派驻机构")
        stations(demo, town, kind, pop, doc)
        demo.lines.append(f"# {town}:编外人员和网格(网格按 300–500 户划分)")
        grids = pop * 100 // pick(f"hh/{town}", 270, 310) // pick(f"grid/{town}", 320, 480)
        staff = {"网格员": grids + pick(f"gw/{town}", 0, 6), "公益性岗位": pick(f"gy/{town}", 12, 40)}
        if kind == "街道":
            staff["社区工作者"] = pop // 1100
        demo.emit(BASE, "off_quota", division=town, staff=staff, grids=grids)


def stations(demo: Demo, town: str, kind: str, pop: int, doc: str) -> None:
    s = stem(town)
    rows = [("派出所", "市公安局", LAW, 6 + pop // 9000), ("司法所", "市司法局", ADMIN, 3),
            ("市场监管所", "市市场监督管理局", ADMIN, 4 + pop // 40000)]
    if kind != "街道":
        rows.append(("自然资源所", "市自然资源和规划局", ADMIN, 3))
    for suffix, dept, qtype, size in rows:
        name = s + suffix
        demo.establish(name, name, town, "派驻机构", rank="股级", funding="全额拨款", dispatched_from=dept)
        demo.approve(BASE, doc, name, qtype, size)
        demo.posts(BASE, doc, name, 1, 1)
        demo.staff(BASE, name, demo.baseline_staff(name, name, over=1 if name == "龙泉派出所" else 0), {"正职": 1, "副职": 1})


COUNTY_DUTIES = [
    ("安全生产综合监管", "安全生产", "市应急管理局", ["市住房和城乡建设局", "市交通运输局", "市市场监督管理局"]),
    ("食品安全监管", "市场监管", "市市场监督管理局", ["市农业农村局", "市卫生健康委员会", "市教育局"]),
    ("防汛抗旱", "应急管理", "市水务局", ["市应急管理局", "市自然资源和规划局", "市农业农村局"]),
    ("农机安全监理", "农业农村", "市农业农村局", ["市农业机械化技术推广站", "市交通运输局"]),
    ("矛盾纠纷多元化解", "平安建设", "市委政法委员会", ["市司法局", "市信访局", "市社会治安综合治理中心"]),
    ("新市民服务管理", "社会治理", "市新市民服务管理中心", ["市公安局", "市人力资源和社会保障局"]),
    ("城市市容环境卫生管理", "城市管理", "市城市管理局", ["市环境卫生管理所", "市住房和城乡建设局"]),
    ("政务服务“一网通办”", "政务服务", "市行政审批局", ["市大数据服务中心", "市政务服务中心"]),
    ("退役军人服务保障", "社会事务", "市退役军人事务局", ["市退役军人服务中心", "市人力资源和社会保障局"]),
    ("耕地保护监督", "自然资源", "市自然资源和规划局", ["市农业农村局", "市城市管理局"]),
]


def duties(demo: Demo) -> None:
    demo.file("03-duties.yaml", "责任清单(属地管理事项):每项有一个主体责任单位和若干配合责任单位。")
    demo.comment("市级事项")
    for name, cat, lead, support in COUNTY_DUTIES:
        demo.emit(BASE, "duty", name=name, category=cat, lead=lead, support=support)
    for _, town, kind, _ in TOWNS:
        demo.comment(f"{town}属地管理事项")
        s = stem(town)

        def t(name: str, town=town) -> str:
            return f"{town}/{name}"
        items = [("安全生产属地监管", "安全生产", t("平安建设办公室"), ["市应急管理局", t("党政办公室")]),
                 ("网格化服务管理", "平安建设", t("综合治理中心"), [t("平安建设办公室"), s + "派出所", s + "司法所"]),
                 ("退役军人服务保障", "社会事务", t("退役军人服务站"), ["市退役军人事务局"]),
                 ("食品安全属地监管", "市场监管", s + "市场监管所", [t("平安建设办公室"), "市市场监督管理局"])]
        if kind == "街道":
            items.append(("背街小巷环境整治", "城市管理", t("城市管理办公室"), [t("社区服务中心"), "市城市管理局"]))
        else:
            items += [("农村人居环境整治", "农业农村", t("农业农村服务中心"), [t("自然资源和规划建设办公室"), "市农业农村局"]),
                      ("违法建设治理", "城乡建设", t("综合行政执法办公室"), [t("自然资源和规划建设办公室"), s + "自然资源所"])]
        for name, cat, lead, support in items:
            demo.emit(BASE, "duty", name=name, category=cat, lead=lead, support=support)


def year_2020(demo: Demo) -> None:
    demo.file("10-2020.yaml", "2020 年变动:部门间编制调剂、公开招聘和年末断言。")
    demo.comment("统计局精简 1 名行政编制调剂给行政审批局,充实政务服务力量")
    demo.transfer("2020-04-15", "栖编〔2020〕5号", "市统计局", "市行政审批局", ADMIN, 1)
    demo.comment("2020 年事业单位公开招聘(到岗)")
    for ref in ("市人民医院", "市第一中学", "市实验小学", "青石镇/农业农村服务中心", "柳塘镇/便民服务中心"):
        demo.hire("2020-09-01", ref, INST, min(3, demo.vacancy(ref, INST)), note="2020 年公开招聘到岗")
    demo.comment("年末退休")
    for ref in ("市委党校", "市社会保险服务中心", "市公路事业发展中心"):
        demo.hire("2020-12-20", ref, INST, -1, note="退休")
    demo.comment("年末断言")
    demo.check("2020-12-31", "市行政审批局", ADMIN)
    demo.check("2020-12-31", "市统计局", ADMIN)
    demo.check("2020-12-31", RECLAIMED, INST)


def year_2021(demo: Demo) -> None:
    demo.file("11-2021.yaml", "2021 年变动:城市管理局更名、加挂乡村振兴局牌子、核增专户编制、周转池借编、编制下沉镇街。")
    demo.comment("市城市管理局更名为市综合行政执法局,保留原名作为牌子")
    demo.emit("2021-03-01", "rename", "栖编〔2021〕3号", body="市城市管理局", to="市综合行政执法局", keep_signboard=True)
    demo.comment("市农业农村局加挂市乡村振兴局牌子")
    demo.emit("2021-04-10", "signboard_add", "栖编〔2021〕5号", body="市农业农村局", name="市乡村振兴局")
    demo.comment("省编办核增乡镇人才专项事业编制,存入专户")
    demo.change("2021-06-01", "栖编〔2021〕7号", TALENT, INST, 30, note="苏编办核增,专项用于乡镇引进急需人才")
    demo.comment("周转池借给市人民医院 6 名事业编制,期限 3 年;当日到岗")
    demo.transfer("2021-06-15", "栖编〔2021〕9号", TURNOVER, "市人民医院", INST, 6, term_years=3, note="重症医学科急需人才")
    demo.hire("2021-06-15", "市人民医院", INST, 6, note="周转编制引进")
    demo.comment("收回编制下沉:向 6 个镇街综合治理中心跨层级调剂事业编制各 2 名(经省委编办批准)")
    for _, town, _, _ in TOWNS[:6]:
        demo.transfer("2021-09-01", "栖编〔2021〕12号", RECLAIMED, f"{town}/综合治理中心", INST, 2, cross_level=True,
                      approved_by="苏编办〔2021〕31号")
    demo.comment("市教育局向市教育发展服务中心调剂 工勤编制 1 名")
    demo.transfer("2021-10-10", "栖编〔2021〕14号", "市教育局", "市教育发展服务中心", WORK, 1)
    demo.hire("2021-10-10", "市教育局", WORK, -demo.staffed["市教育局"][WORK], note="人随编走")
    demo.hire("2021-10-10", "市教育发展服务中心", WORK, 1, note="人随编走")
    demo.comment("年末断言")
    demo.check("2021-12-31", "市人民医院", INST)
    demo.check("2021-12-31", TALENT, INST)
    demo.check("2021-12-31", RECLAIMED, INST)
    demo.check("2021-12-31", "青石镇/综合治理中心", INST)


def year_2022(demo: Demo) -> None:
    demo.file("12-2022.yaml", "2022 年变动:镇街综合治理中心统一更名并加挂网格化服务管理中心牌子;市级两个中心合并;专户编制下沉。")
    demo.comment("各镇街综合治理中心更名为社会治理综合服务中心,加挂网格化服务管理中心牌子")
    for _, town, _, _ in TOWNS:
        old, new = f"{town}/综合治理中心", f"{town}/社会治理综合服务中心"
        demo.emit("2022-03-01", "rename", "栖编〔2022〕2号", body=old, to="社会治理综合服务中心")
        demo.emit("2022-03-01", "signboard_add", "栖编〔2022〕2号", body=new, name="网格化服务管理中心")
        for book in (demo.quota, demo.staffed):
            book[new] = book.pop(old)
    demo.comment("乡镇人才专项:从专户向 10 个镇的农业农村服务中心各调剂 2 名事业编制(经省委编办批准)")
    for _, town, _, _ in TOWNS[4:14]:
        demo.transfer("2022-05-01", "栖编〔2022〕5号", TALENT, f"{town}/农业农村服务中心", INST, 2, cross_level=True,
                      approved_by="苏编办〔2022〕18号")
    demo.comment("乡镇人才专项招聘到岗")
    for _, town, _, _ in TOWNS[4:14]:
        demo.hire("2022-08-01", f"{town}/农业农村服务中心", INST, 2, note="乡镇人才专项招聘到岗")
    merge_centres(demo)
    demo.comment("市教育发展服务中心向市教师发展中心调剂事业编制 2 名")
    demo.transfer("2022-07-01", "栖编〔2022〕8号", "市教育发展服务中心", "市教师发展中心", INST, 2)
    demo.comment("镇街网格重新划分")
    for _, town, _, pop in TOWNS[:4]:
        grids = pop * 100 // pick(f"hh/{town}", 270, 310) // 330
        demo.emit("2022-11-01", "off_quota", division=town, staff={"网格员": grids + 4}, grids=grids)
    demo.comment("年末断言")
    demo.check("2022-12-31", "青石镇/社会治理综合服务中心", INST)
    demo.check("2022-12-31", TALENT, INST)


def merge_centres(demo: Demo) -> None:
    """Two small centres under 市委政法委员会 merge into a new one; 4 reclaimed posts follow."""
    demo.comment("市社会治安综合治理中心与市新市民服务管理中心合并,组建市社会治理综合服务中心(公益一类),"
                 "原名保留为牌子,加挂市网格化服务管理中心牌子;从收回编制池调剂 4 名事业编制")
    sources, new = ["市社会治安综合治理中心", "市新市民服务管理中心"], "市社会治理综合服务中心"
    demo.emit("2022-06-30", "merge", "栖编〔2022〕6号", sources=sources, keep_names=True,
              new={"name": new, "division": CITY, "category": "事业单位", "class": "公益一类", "rank": "副科",
                   "funding": "全额拨款", "led_by": "市委政法委员会", "signboards": ["市网格化服务管理中心"]})
    demo.quota[new], demo.staffed[new] = {}, {}
    for src in sources:
        for book in (demo.quota, demo.staffed):
            for t, n in book.pop(src).items():
                book[new][t] = book[new].get(t, 0) + n
    demo.posts("2022-06-30", "栖编〔2022〕6号", new, 1, 3)
    demo.emit("2022-06-30", "staff", body=new, leaders={"正职": 1, "副职": 3}, note="原两中心主任一人任主任、一人任副主任")
    demo.transfer("2022-06-30", "栖编〔2022〕6号", RECLAIMED, new, INST, 4)
    demo.hire("2022-09-01", new, INST, 2, note="公开招聘到岗")


def year_2023(demo: Demo) -> None:
    demo.file("13-2023.yaml", "2023 年变动:摘除乡村振兴局牌子、撤销农机推广站、核减编制、周转池再借编、试点更名。")
    demo.comment("市乡村振兴局职责并入市农业农村局,摘除牌子")
    demo.emit("2023-03-01", "signboard_remove", "栖编〔2023〕3号", body="市农业农村局", name="市乡村振兴局")
    demo.comment("撤销市农业机械化技术推广站:编制、人员、牌子和责任事项全部划入市农业技术推广中心,余编收回")
    gone, heir = "市农业机械化技术推广站", "市农业技术推广中心"
    staffed = demo.staffed[gone]
    moved = staffed.get(INST, 0)
    demo.emit("2023-04-01", "abolish", "栖编〔2023〕5号", body=gone,
              quota_to=[{"to": heir, "type": INST, "amount": moved}, {"to": RECLAIMED}],
              staff_to=heir, signboards_to=heir, duties_to=heir)
    for t, n in demo.quota.pop(gone).items():
        keep = moved if t == INST else 0
        demo.quota[heir][t] = demo.quota[heir].get(t, 0) + keep
        demo.quota[RECLAIMED][t] = demo.quota[RECLAIMED].get(t, 0) + n - keep
    for t, n in demo.staffed.pop(gone).items():
        demo.staffed[heir][t] = demo.staffed[heir].get(t, 0) + n
    demo.comment("上级收回 5 名行政编制")
    demo.change("2023-06-01", "栖编〔2023〕8号", RECLAIMED, ADMIN, -5, note="上级机构编制部门收回")
    cut = demo.vacancy("市信访局", ADMIN) + 1
    demo.comment(f"市信访局核减 {cut} 名行政编制;现有人员逐步消化(暂时超编 1 名)")
    demo.change("2023-07-01", "栖编〔2023〕9号", "市信访局", ADMIN, -cut)
    demo.over_ok.add("市信访局")
    demo.comment("周转池借给市中医医院 4 名事业编制,期限 3 年")
    demo.transfer("2023-09-01", "栖编〔2023〕12号", TURNOVER, "市中医医院", INST, 4, term_years=3)
    demo.comment("试点:4 个镇的经济发展办公室更名为优化营商环境办公室,保留原名作为牌子")
    for _, town, _, _ in TOWNS[4:8]:
        demo.emit("2023-10-01", "rename", "栖编〔2023〕15号", body=f"{town}/经济发展办公室", to="优化营商环境办公室", keep_signboard=True)
        demo.quota[f"{town}/优化营商环境办公室"] = demo.quota[f"{town}/经济发展办公室"]
        demo.staffed[f"{town}/优化营商环境办公室"] = demo.staffed[f"{town}/经济发展办公室"]
    demo.comment("年末断言")
    demo.check("2023-12-31", heir, INST)
    demo.check("2023-12-31", heir, INST, "actual")
    demo.check("2023-12-31", RECLAIMED, INST)
    demo.check("2023-12-31", RECLAIMED, ADMIN)
    demo.check("2023-12-31", TURNOVER, INST)


def year_2024(demo: Demo) -> None:
    demo.file("14-2024.yaml", "2024 年变动:归还周转编制、组建市委社会工作部、专户编制下沉街道。")
    left = max(4, 6 - demo.vacancy("市人民医院", INST))
    demo.comment(f"市人民医院 {left} 人退休、调离后,归还周转池借用的 6 名事业编制(人走编收)")
    demo.hire("2024-02-01", "市人民医院", INST, -left, note="退休、调离")
    demo.emit("2024-02-28", "return_loan", "栖编〔2024〕2号", body="市人民医院", pool=TURNOVER, type=INST, amount=6)
    demo.quota["市人民医院"][INST] -= 6
    demo.quota[TURNOVER][INST] += 6
    demo.comment("组建市委社会工作部:从市民政局划入 3 名、从收回编制池划入 4 名行政编制")
    new = "市委社会工作部"
    demo.establish(new, new, CITY, "党政机关", date="2024-03-01", doc="栖编〔2024〕4号", rank="正科", funding="全额拨款",
                   quota_from=[{"from": "市民政局", "type": ADMIN, "amount": 3}, {"from": RECLAIMED, "type": ADMIN, "amount": 4}])
    demo.quota[new] = {ADMIN: 7}
    demo.quota["市民政局"][ADMIN] -= 3
    demo.quota[RECLAIMED][ADMIN] -= 4
    demo.posts("2024-03-01", "栖编〔2024〕4号", new, 1, 2)
    demo.hire("2024-03-01", "市民政局", ADMIN, -min(3, demo.staffed["市民政局"][ADMIN]), note="随职责划转到市委社会工作部")
    demo.staff("2024-03-01", new, {ADMIN: 3}, {"正职": 1, "副职": 1}, note="从市民政局划转 3 人")
    demo.hire("2024-06-01", new, ADMIN, 2, note="遴选到岗")
    demo.comment("乡镇人才专项:从专户向 4 个街道便民服务中心各调剂 2 名事业编制(批准文件未录入,check 给出警告)")
    for _, town, _, _ in TOWNS[:4]:
        demo.transfer("2024-05-01", "栖编〔2024〕6号", TALENT, f"{town}/便民服务中心", INST, 2, cross_level=True)
    demo.comment("市市政设施管理所向市数字城管指挥中心调剂 2 名事业编制")
    demo.transfer("2024-07-01", "栖编〔2024〕9号", "市市政设施管理所", "市数字城管指挥中心", INST, 2)
    demo.comment("年末断言")
    demo.check("2024-12-31", "市人民医院", INST)
    demo.check("2024-12-31", TURNOVER, INST)
    demo.check("2024-12-31", new, ADMIN)
    demo.check("2024-12-31", new, ADMIN, "actual")
    demo.check("2024-12-31", TALENT, INST)


def year_2025(demo: Demo) -> None:
    demo.file("15-2025.yaml", "2025 年变动:核增市委社会工作部编制、镇内调剂、年度招聘与减员、年末断言。")
    demo.comment("核增市委社会工作部行政编制 2 名")
    demo.change("2025-03-01", "栖编〔2025〕3号", "市委社会工作部", ADMIN, 2)
    demo.comment("青石镇党政办公室向平安建设办公室调剂 1 名行政编制")
    demo.transfer("2025-04-01", "栖编〔2025〕5号", "青石镇/党政办公室", "青石镇/平安建设办公室", ADMIN, 1)
    if demo.vacancy("青石镇/党政办公室", ADMIN) < 0:
        demo.hire("2025-04-01", "青石镇/党政办公室", ADMIN, -1, note="人随编走")
        demo.hire("2025-04-01", "青石镇/平安建设办公室", ADMIN, 1, note="人随编走")
    demo.comment("2025 年公开招聘到岗和年度减员")
    for _, town, _, _ in TOWNS:
        ref = f"{town}/便民服务中心"
        if ref not in demo.over_ok and demo.vacancy(ref, INST) > 0:
            demo.hire("2025-08-01", ref, INST, 1, note="2025 年公开招聘到岗")
    for ref, t in (("市第一中学", INST), ("市实验中学", INST), ("市人民医院", INST), ("市疾病预防控制中心", INST),
                   ("市委社会工作部", ADMIN)):
        if demo.vacancy(ref, t) > 0:
            demo.hire("2025-08-01", ref, t, 1, note="2025 年公开招聘到岗")
    for _, town, _, _ in TOWNS[::3]:
        demo.hire("2025-11-30", f"{town}/党政办公室", ADMIN, -1, note="调出")
    drivers(demo)
    demo.comment("年末断言:机构核定数、实有数和编制池余额")
    for ref, t in (("市委社会工作部", ADMIN), ("青石镇/党政办公室", ADMIN), ("青石镇/平安建设办公室", ADMIN),
                   ("市人民医院", INST), (RECLAIMED, INST), (RECLAIMED, ADMIN), (TURNOVER, INST), (TALENT, INST)):
        demo.check("2025-12-31", ref, t)
    demo.check("2025-12-31", "市委社会工作部", ADMIN, "actual")


# Pupils per staff by school stage (中央编办发〔2014〕72号) and staff per bed (卫医字〔1978〕1689号): the
# demo's drivers are drawn around what the standard gives for each body's quota, some below it, some above.
STAGES = {"高中": ("高中学生", 12.5), "初中": ("初中学生", 13.5), "小学": ("小学学生", 19)}
HIGH_SCHOOLS = ("市第一中学", "市第二中学")


def drivers(demo: Demo) -> None:
    """2025 autumn pupils of every school and beds of the general hospitals (the drivers of
    the standards in the demo's orgmodel.yaml)."""
    demo.comment("2025 年秋季学期在校学生数、医院编制床位数(编制标准的核编依据,见 orgmodel.yaml 的 standards)")
    for ref, quota in demo.quota.items():
        n = quota.get(INST, 0)
        if not n or not ref.endswith(("中学", "小学")):
            continue
        stage = "高中" if ref in HIGH_SCHOOLS else "小学" if ref.endswith("小学") else "初中"
        count, ratio = STAGES[stage]
        demo.emit("2025-09-01", "counts", body=ref, counts={count: round(n * ratio * pick(f"pupils/{ref}", 88, 108) / 100)})
    for ref, beds in (("市人民医院", 310), ("市中医医院", 190), ("市第二人民医院", 150)):
        demo.emit("2025-09-01", "counts", body=ref, counts={"床位": beds})


CONFIG = """# 栖澜市规则配置(演示)。未列出的项目沿用内置默认值。
# 本市存量超编、超职数人员正按计划逐步消化,检查时作为警告提示,不作为台账错误。
rules:
  over-quota: {severity: warning}
  over-posts: {severity: warning}
# 编制标准(docs/standards.md;核编依据数用“统计数”指令登记在学校、医院上)。
standards:
  中小学教职工编制标准:
    measures: 事业编制
    where: {category: [事业单位], name_endings: [中学, 小学]}
    versions:
      - from: 2014-11-13
        doc: 中央编办发〔2014〕72号
        note: 城乡统一为城市标准:高中 1:12.5,初中 1:13.5,小学 1:19(教职工与学生之比)
        ratio: {高中学生: 12.5, 初中学生: 13.5, 小学学生: 19}
  综合医院编制标准:
    measures: 事业编制
    where: {category: [事业单位], name_endings: [医院]}
    versions:
      - from: 1978-12-01
        doc: 卫医字〔1978〕1689号
        confirmed: false
        note: 《综合医院组织编制原则(试行草案)》按床位定员;文号、起用日期和 300 床以上各档系数未核实
        bands:
          driver: 床位
          rows:
            - {below: 300, per_unit: [1.3, 1.4]}
            - {below: 500, per_unit: [1.4, 1.5]}
            - {below: null, per_unit: [1.6, 1.7]}
# 栖澜市台账.xlsx 是同一台账在 2025-12-31 的状态(Excel 版,由 scripts/make_demo.py 生成),
# 供从 Excel 起步的单位参考;它不是本文件夹台账的一部分,单独读取:orgmodel check data/demo/栖澜市台账.xlsx
ignore: [栖澜市台账.xlsx]
"""
WORKBOOK = "栖澜市台账.xlsx"


def build() -> dict[str, str]:
    """Every demo file's name and text."""
    demo = Demo()
    for step in (divisions, county_bodies, townships, duties, year_2020, year_2021, year_2022, year_2023, year_2024, year_2025):
        step(demo)
    demo.sanity()
    out = {name: "\n".join(lines) + "\n" for name, lines in demo.files.items()}
    out["orgmodel.yaml"] = CONFIG
    return out


def write(out: Path) -> list[Path]:
    """Write the demo ledger into ``out`` (created if needed), then the same ledger's state on
    its last day as a workbook in the template's shape; return the files written."""
    out.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, text in build().items():
        path = out / name
        path.write_bytes(text.encode("utf-8"))
        paths.append(path)
    paths.append(write_workbook(out))
    return paths


def write_workbook(out: Path) -> Path:
    """``out/栖澜市台账.xlsx``: the YAML ledger's state on its last day, byte for byte the same each run."""
    import datetime as dt

    from orgmodel.answers.checking import check
    from orgmodel.ledger import load
    from orgmodel.tabular.state_sheets import state_tables
    from orgmodel.tabular.workbook import write_workbook as write_tables

    ledger = load(out)
    day = ledger.last_date()
    result = check(ledger, day, rules=False)
    tables = state_tables(result.state, ledger.config, day, f"栖澜市机构编制台账(截至 {day})", "栖澜市委编办(演示)")
    return write_tables(out / WORKBOOK, tables, created=dt.datetime(day.year, day.month, day.day))


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "data" / "demo"
    for p in write(target):
        print(p)
