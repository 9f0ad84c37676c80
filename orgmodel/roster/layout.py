"""The roster sheet (花名册): one row per person, with the columns real-name (实名制) systems
export and the other headers offices give them. Read by :mod:`.read` through the ledger
workbook's readers, written blank by ``orgmodel template --roster``."""

from __future__ import annotations

from ..tabular.layout import DATE, IDNO, REF, TEXT, Column, Sheet

IN_POST = "在编"
STATUSES = (IN_POST, "编外", "借调", "离退休", "调出", "辞职", "辞退", "死亡")
POST_KINDS = ("管理", "专业技术", "工勤技能")
ENTRY_FORMS = ("考录", "调入", "招聘", "军转安置", "选调", "遴选", "公开选调", "其他")
SEXES = ("男", "女")

ROSTER = Sheet("花名册", ("实名制花名册", "人员花名册", "实名制人员", "在编人员", "人员名册", "人员信息"), (
    Column("name", "姓名", ("人员姓名",), TEXT, True, width=10, example="张三"),
    Column("sex", "性别", (), TEXT, False, SEXES, width=6, example="男"),
    Column("id_number", "身份证号", ("公民身份号码", "身份证号码", "身份证", "证件号码"), IDNO, True, width=22,
           example="11010519491231002X", hint="按文本填写,18 位号码不会丢失末位"),
    Column("birth", "出生日期", ("出生年月", "出生年月日"), DATE, False, width=12, example="1949-12-31"),
    Column("body", "所在单位", ("单位名称", "工作单位", "所在机构", "单位", "机构名称"), REF, True, width=24,
           example="东溪镇/党政办公室", hint="同名单位写成“区划/单位名称”"),
    Column("division", "所在区划", ("区划", "单位所在区划", "乡镇(街道)"), REF, False, width=12,
           hint="填写后“所在单位”只写单位名称即可"),
    Column("internal", "内设机构", ("所在科室", "处室", "科室"), TEXT, False, width=14),
    Column("quota_type", "编制类型", ("编制性质", "人员编制类型", "使用编制类型"), TEXT, True, "quota_types", width=12,
           example="行政编制"),
    Column("status", "人员状态", ("状态", "在编状态", "人员类别"), TEXT, False, STATUSES, width=10, example=IN_POST,
           hint="不填视为在编"),
    Column("leader", "领导职务", ("职务", "领导职务层次", "领导职数类别"), TEXT, False, width=12, example="正职",
           hint="正职、副职(可带级别,如“副科级副职”);非领导不填"),
    Column("post", "岗位", ("岗位类别", "岗位类型"), TEXT, False, POST_KINDS, width=10, example="管理",
           hint="管理、专业技术、工勤技能;用于推算法定退休年龄"),
    Column("entered", "入编时间", ("入编日期", "进编时间", "进编日期"), DATE, False, width=12, example="2015-08-01"),
    Column("entry_doc", "入编文号", ("进编文号", "入编审批文号", "审批文号"), TEXT, False, width=18, example="青编〔2015〕8号"),
    Column("control_no", "控编单号", ("空岗通知单编号", "控编通知单号", "用编通知单号", "空编通知单号"), TEXT, False,
           width=16, example="KB2015-0031"),
    Column("entry_form", "进入形式", ("进编方式", "入编方式", "进人方式"), TEXT, False, ENTRY_FORMS, width=10, example="考录"),
    Column("left", "离编时间", ("离编日期", "减员时间", "调出时间"), DATE, False, width=12),
    Column("note", "备注", ("说明",), TEXT, width=20),
), "实名制花名册:每行一名在编(或曾在编)人员;身份证号按文本填写")

SHEET_NAMES = {ROSTER.name, *ROSTER.aliases}
