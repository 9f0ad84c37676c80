"""Staffing standards (编制标准): a body or division whose approved quota (or grids) lies
outside what its standard implies (应核)."""

from __future__ import annotations

from ..core.kinds import Fact
from ..core.standards import GRIDS, standard_named
from ..figures.balance import is_own, tables_of
from ..figures.standards import ABOVE, BELOW, UNRECORDED
from ..state import State
from .registry import flag, rule


def _source(state: State, row):
    """The last directive that changed the figure or its driver."""
    if row.holder_kind == "body":
        body = state.bodies[row.body_id]
        return body.facts.latest((Fact.APPROVED, row.quota_type), Fact.COUNTS)
    div = state.divisions[row.division_code]
    marks = [div.facts.mark(Fact.COUNTS), div.facts.mark(Fact.OPENED)]
    if row.quota_type == GRIDS:
        marks += [state.divisions[c].facts.mark(Fact.OFF_QUOTA) for c in state.within(div.code)]
    else:  # every body that held this type here, retired ones too: an abolition changes the total
        marks += [b.facts.mark(Fact.APPROVED, row.quota_type) for b in state.bodies_in(div.code) if is_own(state, b)]
    marks = [m for m in marks if m]
    return max(marks, key=lambda m: m[0])[1] if marks else None


@rule("off-standard", "偏离编制标准", "warning")
def off_standard(state: State, config):
    """Every body or division measured by a standard of config ``standards`` (the version in
    force on the state's day) whose approved quota of the measured type (or grids) is below
    or above the range the standard implies from its drivers. A holder whose drivers are not
    recorded is not judged. The finding points at the last change of the figure or the drivers."""
    df = tables_of(state).standards
    for row in df[df["verdict"].isin((BELOW, ABOVE))].itertuples():
        subject = state.bodies[row.body_id] if row.holder_kind == "body" else state.divisions[row.division_code]
        unit = "个" if row.quota_type == GRIDS else "名"
        what = GRIDS if row.quota_type == GRIDS else f"{row.quota_type}核定"
        side = "低于" if row.verdict == BELOW else "高于"
        fix = ("可从编制池调剂补足(orgmodel allocate)或复核核编依据数" if row.verdict == BELOW
               else "请复核核编依据数,或在调整时收回多出的编制")
        yield flag("off-standard",
                   f"{row.holder}{what} {row.approved} {unit},按{row.standard}({row.basis})依{row.drivers},应核 "
                   f"{row.implied} {unit},{side}标准 {abs(int(row.gap))} {unit};{fix}",
                   _source(state, row), subject)


@rule("standard-driver-name", "核编依据数名称不符", "warning")
def standard_driver_name(state: State, config):
    """Every body a staffing standard measures that records named counts, but none under the
    names the standard reads (学生数, 床位数 …): most often a name typed differently
    (高中学生数), which leaves the body unjudged (未登记) without a word. Reported at the
    directive that last set the body's counts. Config: ``standards``."""
    df = tables_of(state).standards
    for row in df[(df["verdict"] == UNRECORDED) & (df["holder_kind"] == "body")].itertuples():
        body = state.bodies[row.body_id]
        if not body.counts:
            continue
        std = standard_named(config, row.standard)
        version = std.in_force(state.as_of) if std is not None else None
        wanted = version.drivers() if version is not None else []
        yield flag("standard-driver-name",
                   f"{row.holder}按{row.standard}核编,须登记统计数“{'”或“'.join(wanted)}”,现只登记了"
                   f"“{'、'.join(body.counts)}”;名称须与标准所用的一致,否则无法按标准核编(balance --by standard 显示为未登记)",
                   body.facts.latest(Fact.COUNTS), body)
