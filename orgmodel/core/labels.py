"""Chinese labels for table columns and values, shared by every output."""

COLUMN_LABELS = {
    "county_code": "县级代码", "county": "县(市、区)", "division_code": "区划代码", "division": "区划",
    "division_level": "层级", "township_kind": "类型", "parent": "上级区划", "body_id": "机构编号",
    "body": "机构", "signboards": "加挂牌子数", "signboard_names": "牌子", "category": "机构类别",
    "class": "公益类别", "rank": "规格", "funding": "经费形式", "led_by": "主管机构", "relations": "其他领导关系", "positions": "岗位",
    "dispatched": "派驻",
    "quota_type": "编制类型", "approved": "核定", "actual": "实有", "vacant": "空编", "over": "超编",
    "bodies": "机构数", "bodies_over": "超编机构数",
    "dispatched_approved": "派驻核定", "dispatched_actual": "派驻实有", "dispatched_vacant": "派驻空编",
    "dispatched_over": "派驻超编", "dispatched_bodies": "派驻机构数", "dispatched_bodies_over": "派驻超编机构数",
    "population": "人口", "households": "户数", "off_quota_staff": "编外人员", "off_quota_detail": "编外构成",
    "own_off_quota_staff": "本级编外人员", "own_off_quota_detail": "本级编外构成", "own_grids": "本级网格数",
    "own_counts_detail": "本级其他统计数", "counts_detail": "其他统计数",
    "grids": "网格数", "households_per_grid": "户/网格", "pools": "编制池", "total": "编制总量",
    "pool": "编制池", "pool_kind": "池类型", "amount": "数量", "post": "职数类别",
    "township_approved": "乡镇核定", "ratio": "下沉比例", "ratio_with_dispatched": "含派驻下沉比例",
    "rule": "规则", "severity": "级别", "message": "说明", "source": "位置",
    "item": "责任事项", "item_category": "事项类别", "lead": "牵头(主体责任)", "support": "配合", "change": "变化",
    "ledger_actual": "台账实有", "roster": "花名册在编", "difference": "差额(实名−台账)", "planned": "用编进人计划",
    "from_date": "起", "to_date": "止", "kind": "变动", "person": "人员", "from_body": "原单位", "to_body": "现单位",
    "matched": "台账有记录", "count": "条数", "as_of": "截至日期",
    "standard": "编制标准", "basis": "依据", "holder_kind": "对象类别", "holder": "对象", "drivers": "核编依据数",
    "implied_low": "应核下限", "implied_high": "应核上限", "implied": "应核", "gap": "差额(核定−应核)", "verdict": "对照",
    "given": "拟分配", "approved_before": "核定(前)", "approved_after": "核定(后)", "gap_before": "差额(前)",
    "gap_after": "差额(后)",
    "direction": "方向", "since": "起始日期", "transfers": "笔数", "township_total": "乡镇(街道)核定合计",
    "share": "占比", "year": "年度", "plans": "计划数", "places": "计划进人", "places_detail": "按编制类型",
    "post_rank": "职级", "grids_detail": "网格构成",
    "measure": "指标", "value": "数值", "unit": "单位", "measures_detail": "指标(不逐级相加)",
    "time_limit": "处理时限", "closing_standard": "结案标准",
    "account": "专户", "purpose": "用途", "earmarked": "专项编制(未用)", "used": "已用于进人",
    "home_division": "所在区划", "home_body": "所在单位(编制)", "host_division": "挂职区划", "host_body": "挂职单位",
    "home_id": "所在机构编号", "host_id": "挂职机构编号", "people": "人数",
    # the national roll-up (orgmodel national)
    "province": "省(区、市)代码", "province_name": "省(区、市)", "rule_id": "规则编号", "level": "层级", "title": "问题",
    "findings": "个数", "approved_amount": "其中经上级批准", "packs": "所在数据包数", "divisions": "区划数",
    "manifest_approved": "清单核定", "pack_approved": "数据表核定", "manifest_actual": "清单实有",
    "pack_actual": "数据表实有", "manifest_pools": "清单编制池", "pack_pools": "数据表编制池", "agrees": "一致",
}
YEAR_COLUMNS = {"retire_": "{}年到龄退休", "vacant_": "{}年末空编"}

VALUE_LABELS = {True: "是", False: "否"}

POOL_LABELS = {"reclaimed": "收回编制池", "turnover": "编制周转池", "earmarked": "专项编制专户"}


def label(column: str) -> str:
    """The Chinese header for a column (the column name itself when unknown)."""
    for prefix, text in YEAR_COLUMNS.items():
        if column.startswith(prefix) and column[len(prefix):].isdigit():
            return text.format(column[len(prefix):])
    return COLUMN_LABELS.get(column, column)


HIGHER = "上级"


def name_at(body, date=None) -> str:
    """The body's name on ``date`` (its latest name when date is None)."""
    name = body.name
    if date is not None and body.names:
        earlier = [n for d, n in body.names if d <= date]
        name = earlier[-1] if earlier else body.names[0][1]
    return name


def flow_end_label(state, node, date=None) -> str:
    """A readable label for one end of a quota flow: 上级, a pool's name, or a body's name
    on ``date`` (qualified as ``区划/名称`` when several bodies ever had that name)."""
    if node is None or node[0] == "higher":
        return HIGHER
    if node[0] != "body":
        return str(node[1])
    body = state.bodies[node[1]]
    name = name_at(body, date)
    if state.named_by_several(name):
        return f"{state.divisions[body.division].name}/{name}"
    return name
