"""The real-name roster (实名制): people read from workbooks, reconciled with the ledger.

- :mod:`.layout`: the roster sheet's columns; :mod:`.read`: files and dated snapshots to people;
- :mod:`.idcard`: ID numbers (check digit, birth date, sex, masking); :mod:`.retire`: the
  statutory retirement age, from the rules in ``retirement.yaml``;
- :mod:`.audit`: one snapshot against the ledger on its date; :mod:`.movements`: what changed
  between snapshots, matched to directives; :mod:`.forecast`: vacancies as people retire;
- :mod:`.balance`: balance tables whose 实有 comes from the roster.

:func:`reconcile` runs them all for a command.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ..core.findings import Finding
from .audit import Audit, audit
from .movements import Movements, movements
from .read import Roster, RosterError, read_roster

RULE_TITLES = {
    "roster-bad-id": "身份证号有误", "roster-id-birth": "出生日期与身份证号不符", "roster-id-sex": "性别与身份证号不符",
    "roster-duplicate-id": "一人多编", "roster-possible-duplicate": "疑似一人多编",
    "roster-unknown-body": "所在单位不存在", "roster-abolished-body": "所在单位已撤销", "roster-former-name": "使用曾用名",
    "roster-signboard": "登记在牌子下", "roster-coordination": "在议事协调机构", "roster-mixed-type": "混编混岗",
    "roster-unknown-type": "编制类型有误", "roster-over-quota": "按实名超编", "roster-ledger-mismatch": "台账与实名制不一致",
    "roster-over-posts": "超职数配备", "roster-no-basis": "入编依据不全", "roster-entry-over-quota": "超编进人",
    "roster-entry-before-body": "入编早于机构设立", "roster-entry-date": "入编时间有误",
    "roster-past-retirement": "超过法定退休年龄仍在编", "roster-unrecorded-movement": "人员变动无台账记录",
    "roster-movement-missing": "台账变动无人员对应", "roster-date": "花名册日期", "roster-repeated-row": "重复登记",
    # reading the roster's cells and sheets
    "bad-value": "单元格无法读取", "bad-date": "日期有误", "bad-count": "数字有误", "bad-header": "表头有误",
    "too-many-rows": "行数超过上限", "lone-cell": "只有一格的行", "example-row": "改写过的示例行",
    "extra-column": "未使用的列", "bad-file": "文件无法读取", "bad-encoding": "编码无法识别", "unreadable": "文件无法读取",
}


@dataclass
class Reconciled:
    """A roster reconciled with a ledger: reading findings, one audit per snapshot (oldest
    first) and the movements between consecutive snapshots."""

    roster: Roster
    audits: list[Audit]
    movements: list[Movements]

    @property
    def latest(self) -> Audit:
        return self.audits[-1]

    @property
    def findings(self) -> list[Finding]:
        """What a user acts on: reading problems, the latest snapshot's audit, every movement's."""
        return [*self.roster.findings, *self.latest.findings, *(f for m in self.movements for f in m.findings)]


def reconcile(ledger, path, as_of: dt.date | None = None, public: bool = False) -> Reconciled:
    """Read the roster at ``path`` and reconcile each of its snapshots dated on or before
    ``as_of`` with ``ledger`` replayed to the snapshot's date (RosterError when none can be read)."""
    roster = read_roster(path, as_of)
    snapshots = [s for s in roster.snapshots if as_of is None or s.date is None or s.date <= as_of]
    if not snapshots:
        raise RosterError(f"{path}: 没有可核对的花名册" + (f"(截至 {as_of})" if as_of else "")
                          + "".join(f";{f.format()}" for f in roster.findings[:3]))
    if not any(s.people for s in snapshots):
        raise RosterError(f"{path}: 花名册中没有人员记录(模板的示例行不计);"
                          + ("".join(f"{f.format()};" for f in roster.findings[:3]) or "请在“花名册”表中每行填写一名人员"))
    audits = []
    for snap in snapshots:
        day = snap.date or as_of or ledger.last_date()
        audits.append(audit(ledger.state(day), snap, day, ledger.first_date(), public))
    return Reconciled(roster, audits, [movements(a, b, public) for a, b in zip(audits, audits[1:])])


__all__ = ["RULE_TITLES", "Audit", "Reconciled", "RosterError", "reconcile", "read_roster"]
