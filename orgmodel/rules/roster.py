"""Roster rules (花名册核对): the checks the roster audit makes while it reconciles a
real-name roster with the ledger (:mod:`orgmodel.roster.audit`, :mod:`orgmodel.roster.movements`,
:mod:`orgmodel.roster.read`).

They are declared here, not run here: each needs a roster, so :func:`~.registry.run_rules`
leaves them out, and the audit applies the config's ``rules:`` section to what it finds
(:func:`~.registry.settle`). docs/rules.md and docs/roster.md describe each.
"""

from __future__ import annotations

from ..core.findings import ERROR, WARNING
from .registry import declare

ROSTER_RULES = (
    # counts
    ("roster-over-quota", "按实名超编", ERROR),
    ("roster-ledger-mismatch", "台账与实名制不一致", WARNING),
    ("roster-over-posts", "超职数配备", ERROR),
    # identity
    ("roster-bad-id", "身份证号有误", ERROR),
    ("roster-id-birth", "出生日期与身份证号不符", ERROR),
    ("roster-id-sex", "性别与身份证号不符", ERROR),
    ("roster-duplicate-id", "一人多编", ERROR),
    ("roster-repeated-row", "重复登记", ERROR),
    ("roster-possible-duplicate", "疑似一人多编", WARNING),
    # the body and the quota type
    ("roster-unknown-body", "所在单位不存在", ERROR),
    ("roster-abolished-body", "所在单位已撤销", ERROR),
    ("roster-former-name", "使用曾用名", WARNING),
    ("roster-signboard", "登记在牌子下", WARNING),
    ("roster-coordination", "在议事协调机构", ERROR),
    ("roster-mixed-type", "混编混岗", ERROR),
    ("roster-unknown-type", "编制类型有误", ERROR),
    # entry
    ("roster-no-basis", "入编依据不全", WARNING),
    ("roster-entry-over-quota", "超编进人", ERROR),
    ("roster-entry-before-body", "入编早于机构设立", ERROR),
    ("roster-entry-date", "入编时间有误", ERROR),
    # exit
    ("roster-past-retirement", "超过法定退休年龄仍在编", WARNING),
    # movements between two snapshots
    ("roster-unrecorded-movement", "人员变动无台账记录", WARNING),
    ("roster-movement-missing", "台账变动无人员对应", WARNING),
    # reading a folder of rosters
    ("roster-date", "花名册日期", ERROR),
)

for _id, _title, _severity in ROSTER_RULES:
    declare(_id, _title, _severity)
