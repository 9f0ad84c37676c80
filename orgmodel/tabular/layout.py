"""The workbook layout: which sheets a ledger workbook (or CSV folder) has, and their columns.

One table, read by everything tabular: the blank template (``orgmodel template``), the
readers (which header means which field) and ``export --state`` (which writes a state in
this shape so that it reads back in). A column has a key, its Chinese header, the other
headers offices use for it, a kind (how a cell is read) and whether it is required.

Columns per quota type and per leader post kind depend on the province's config, so a
sheet lists them as a group (``QUOTA``, ``POSTS``) that :func:`columns` expands.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..core.config import Config
from ..core.kinds import LEVELS
from ..ops.fields import CATEGORIES, CLASSES, FUNDINGS, TOWNSHIP_KINDS
from .names import normal

POOL_KIND_WORDS = ("收回", "周转", "专户")

# Cell kinds: how a cell's value is read (see tabular.cells)
TEXT, CODE, COUNT, DATE, NAMES, REF, IDNO = "text", "code", "count", "date", "names", "ref", "idno"

# Groups that expand into one column per configured item
QUOTA, POSTS, ACTUAL_POSTS = "quota", "posts", "actual_posts"


@dataclass(frozen=True)
class Column:
    """One column: ``key`` (what the reader calls it), ``header`` (Chinese), ``aliases``
    (other headers meaning the same), ``kind``, ``required``, and the values a drop-down
    offers (``choices``: a tuple, or the name of a config list such as ``rank_order``)."""

    key: str
    header: str
    aliases: tuple[str, ...] = ()
    kind: str = TEXT
    required: bool = False
    choices: tuple[str, ...] | str = ()
    width: int = 14
    example: object = None
    hint: str = ""


@dataclass(frozen=True)
class Sheet:
    """One sheet: its name, the names offices give it, its columns (groups included), and
    whether its rows describe the state on a date (state sheets) or are directives."""

    name: str
    aliases: tuple[str, ...]
    items: tuple  # Column or a group name
    purpose: str
    state: bool = True
    examples: tuple = field(default_factory=tuple)


DIVISION = Column("division", "区划", ("所在区划", "区划名称", "乡镇", "乡镇(街道)", "所属区划", "地区"), REF, True,
                  width=14, example="东溪镇", hint="区划名称或代码")
BODY_NAME = Column("body_name", "机构名称", ("单位名称", "机构", "单位", "名称"), TEXT, True, width=24, example="党政办公室")
DATE_COL = Column("date", "日期", ("生效日期", "批准日期", "发文日期"), DATE, width=12,
                  hint="不填则用“说明”表中的台账日期")
DOC_COL = Column("doc", "文号", ("批准文号", "依据文号", "文件", "依据"), TEXT, width=18, example="青编〔2024〕1号",
                 hint="不填则用“说明”表中的依据文号")
NOTE_COL = Column("note", "备注", ("说明",), TEXT, width=20)

SHEETS: tuple[Sheet, ...] = (
    Sheet("区划", ("行政区划", "区划表"), (
        Column("code", "区划代码", ("代码", "行政区划代码", "统计用区划代码"), CODE, True, width=14, example="990101",
               hint="按文本填写,12 位代码也不会变成科学计数法"),
        Column("name", "区划名称", ("名称", "区划", "乡镇(街道)名称"), TEXT, True, width=14, example="东溪镇"),
        Column("level", "层级", ("级别", "区划层级"), TEXT, True, LEVELS, width=8, example="乡镇"),
        Column("kind", "乡镇类型", ("类型", "乡镇类别"), TEXT, False, TOWNSHIP_KINDS, width=10, example="镇",
               hint="乡镇级必填"),
        Column("parent", "上级区划", ("上级", "所属县(市、区)", "上级区划名称"), REF, width=14, example="青山县"),
        Column("population", "人口", ("常住人口", "户籍人口", "人口数"), COUNT, width=10, example=52000),
        Column("households", "户数", ("户籍户数", "常住户数"), COUNT, width=10, example=16800),
        DATE_COL, NOTE_COL,
    ), "行政区划:每行一个县(市、区)、乡镇(街道)等,上级区划写名称或代码"),
    Sheet("编制池", ("编制专户", "周转池"), (
        DIVISION,
        Column("name", "编制池名称", ("名称", "专户名称"), TEXT, True, width=24, example="青山县收回编制池"),
        Column("kind", "池类型", ("类型", "专户类型"), TEXT, True, POOL_KIND_WORDS, width=8, example="收回"),
        Column("purpose", "用途", ("说明用途",), TEXT, width=20),
        QUOTA, DOC_COL, DATE_COL, NOTE_COL,
    ), "编制池(收回编制池、编制周转池、专项编制专户)及其现有编制"),
    Sheet("机构", ("机构设置", "机构表", "单位", "单位表", "机构名录"), (
        DIVISION, BODY_NAME,
        Column("category", "机构类别", ("机构性质", "单位类别", "类别", "单位性质"), TEXT, True, CATEGORIES, width=12,
               example="党政机关"),
        Column("class", "公益类别", ("事业单位类别", "公益类型", "分类"), TEXT, False, CLASSES, width=10),
        Column("rank", "规格", ("机构规格", "级别"), TEXT, False, "rank_order", width=8, example="正科"),
        Column("funding", "经费形式", ("经费来源", "经费"), TEXT, False, FUNDINGS, width=10),
        Column("parent", "上级机构", ("所属机构", "隶属机构"), REF, width=20, hint="内设机构所属的机构"),
        Column("led_by", "主管机构", ("主管部门", "举办单位", "领导机关"), REF, width=20),
        Column("dispatched_from", "派出机构", ("派出单位", "派驻单位"), REF, width=20, hint="派驻机构由哪个机构派出"),
        Column("signboards", "牌子", ("其他名称", "加挂牌子", "挂牌"), NAMES, width=24, hint="多块牌子用顿号分隔"),
        DATE_COL, NOTE_COL,
    ), "机构:每行一个机构;同名机构靠“区划”区分"),
    Sheet("牌子", ("加挂牌子", "挂牌"), (
        DIVISION, BODY_NAME,
        Column("signboard", "牌子名称", ("牌子", "其他名称", "加挂牌子"), TEXT, True, width=24, example="人大办公室"),
        DOC_COL, DATE_COL, NOTE_COL,
    ), "机构加挂的牌子:每行一块(也可在“机构”表的“牌子”列中列出)"),
    Sheet("编制核定", ("核定编制", "编制", "编制数", "编制表"), (
        DIVISION, BODY_NAME, QUOTA, DOC_COL, DATE_COL, NOTE_COL,
    ), "核定编制:每行一个机构,每种编制类型一列"),
    Sheet("领导职数", ("职数", "领导职数核定"), (
        DIVISION, BODY_NAME, POSTS, DOC_COL, DATE_COL, NOTE_COL,
    ), "核定领导职数:每行一个机构"),
    Sheet("实有人员", ("实有", "实有人数", "在编人数"), (
        DIVISION, BODY_NAME, QUOTA, ACTUAL_POSTS, DATE_COL, NOTE_COL,
    ), "实有人数:每行一个机构,每种编制类型一列,以及实配领导"),
    Sheet("编外与网格", ("编外人员", "编外", "网格"), (
        DIVISION,
        Column("category", "类别", ("编外人员类别", "项目"), TEXT, True, width=16, example="网格员",
               hint="编外人员类别;填“网格”时“数量”为网格个数"),
        Column("amount", "数量", ("人数", "个数"), COUNT, True, width=10, example=20),
        Column("sub_category", "其中类别", ("其中",), TEXT, width=12, example="党员"),
        Column("sub_amount", "其中数量", ("其中人数",), COUNT, width=10, example=8),
        DATE_COL, NOTE_COL,
    ), "编外人员和网格:每行一个区划的一类编外人员(或网格数)"),
    Sheet("责任清单", ("责任事项", "职责清单", "事项清单"), (
        Column("item", "事项名称", ("责任事项", "事项", "名称"), TEXT, True, width=24, example="矛盾纠纷排查化解"),
        Column("item_category", "事项类别", ("类别",), TEXT, width=12, example="平安建设"),
        Column("lead", "牵头机构", ("牵头单位", "主体责任单位", "主责单位"), REF, True, width=22,
               example="东溪镇/综合治理中心", hint="同名机构写“区划/机构名称”"),
        Column("support", "配合机构", ("配合单位", "协同单位"), NAMES, width=28, hint="多个用顿号分隔"),
        DATE_COL, NOTE_COL,
    ), "责任事项:每行一项,写明牵头和配合的机构"),
    Sheet("变动记录", ("变动", "指令", "台账变动", "调整记录"), (
        Column("date", "日期", ("生效日期", "批准日期", "发文日期"), DATE, True, width=12, example="2024-03-01"),
        Column("op", "指令", ("变动类型", "类型", "事项"), TEXT, True, "ops", width=12, example="调剂"),
        Column("doc", "文号", ("批准文号", "依据文号", "文件"), TEXT, width=18, example="青编〔2024〕3号"),
        Column("body", "机构", ("单位", "机构名称"), REF, width=22, example=""),
        Column("division", "区划", ("所在区划",), REF, width=12),
        Column("name", "名称", ("新机构名称", "牌子名称", "事项名称"), TEXT, width=20),
        Column("from", "调出", ("来源", "划出"), REF, width=20, example="青山县收回编制池"),
        Column("to", "调入", ("去向", "划入", "新名称"), REF, width=20, example="东溪镇/综合治理中心"),
        Column("type", "编制类型", ("类型(编制)",), TEXT, False, "quota_types", width=12, example="事业编制"),
        Column("amount", "数量", ("名额", "人数"), COUNT, width=8, example=2),
        Column("approved_by", "上级批准文号", ("跨层级批准文号",), TEXT, width=18),
        Column("extra", "其他字段", ("其他",), TEXT, width=30, example="cross_level: true",
               hint="其他字段按“字段: 值”写,多个用分号分隔,如 cross_level: true; term_years: 3"),
        NOTE_COL,
    ), "变动记录:每行一条指令,含义与 YAML 台账相同(指令名可用中文)", state=False),
)

EXAMPLE_NOTE = "示例行(读入时跳过,可删除或覆盖)"  # a row whose 备注 starts with 示例 is the template's example
SETTINGS_SHEET = "说明"
LISTS_SHEET = "_lists"
SETTINGS = {  # key in the 说明 sheet -> what it sets
    "台账日期": "date", "基准日期": "date", "数据日期": "date", "截至日期": "date",
    "依据文号": "doc", "依据": "doc", "填报单位": "unit",
}


def sheet_named(name: str) -> Sheet | None:
    """The sheet layout a sheet (or CSV file) named ``name`` is, by its name or an alias."""
    key = normal(name)
    for sheet in SHEETS:
        if key in (normal(sheet.name), *(normal(a) for a in sheet.aliases)):
            return sheet
    return None


def columns(sheet: Sheet, config: Config) -> list[Column]:
    """The sheet's columns with its groups expanded for this config's quota types and post kinds."""
    out = []
    for item in sheet.items:
        if item == QUOTA:
            out += [Column(f"quota:{t}", t, (t.replace("编制", ""), f"{t}数", f"核定{t}", f"实有{t}"), COUNT,
                           width=10, example=None) for t in config.quota_types]
        elif item == POSTS:
            out += [Column(f"posts:{k}", k, (f"{k}职数", f"核定{k}", f"{k}领导职数"), COUNT, width=8)
                    for k in config.leader_kinds]
        elif item == ACTUAL_POSTS:
            out += [Column(f"leaders:{k}", f"实配{k}", (f"实有{k}", f"{k}实配", f"在任{k}"), COUNT, width=8)
                    for k in config.leader_kinds]
        else:
            out.append(item)
    return out


def choices_of(column: Column, config: Config) -> list[str]:
    """The values a column's drop-down offers (its own, or a config list)."""
    if isinstance(column.choices, tuple):
        return list(column.choices)
    if column.choices == "ops":
        from ..ops import OPS
        return [spec.label for spec in OPS.values()]
    return [str(v) for v in (config.get(column.choices) or [])]
