"""A draft as the CLI knows a plan, both ways: the :class:`~orgmodel.answers.scenario.Scenario`
that ``simulate`` takes, a scenario YAML file, a workbook whose 变动记录 sheet lists the
directives, and either file read back into a draft's directives."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..answers.scenario import Scenario
from ..core.config import Config
from ..core.findings import ERROR, Finding
from ..core.schema import parse_date
from ..ops.registry import lookup
from ..reading.validate import validate
from ..sources import READERS, read_file
from ..sources.flow_writer import flow
from ..store.yaml_dump import line_of
from ..tabular.layout import sheet_named
from ..tabular.state_sheets import settings_table, sheet_table
from ..tabular.workbook import write_workbook
from .drafts import Draft
from .plan_form import check, plain

CHANGES_SHEET = "变动记录"
IMPORTABLE = (".yaml", ".yml", ".xlsx", ".xls", ".ods")
MAX_IMPORT = 5 * 1024 * 1024  # bytes of an uploaded plan


def draft_label(draft: Draft) -> str:
    """How findings and the store name the draft: ``方案草稿3``."""
    return f"方案草稿{draft.id}"


def scenario_of(draft: Draft, config: Config) -> Scenario:
    """The draft as a plan: its directives validated in order (each at ``草稿N 第 i 条``),
    every problem a finding, as ``load_scenario`` reads a file."""
    label = draft_label(draft)
    directives, findings = [], []
    for i, raw in enumerate(draft.directives, 1):
        d, problems = check(raw, config, label, i)
        findings += problems
        if d is not None:
            directives.append(d)
    return Scenario(draft.name, draft.description, parse_date(draft.as_of) if draft.as_of else None,
                    directives, findings, label)


def scenario_yaml(draft: Draft) -> str:
    """The draft as a scenario file that ``orgmodel simulate`` reads (one flow line per directive)."""
    lines = [f"name: {flow(draft.name)}", f"description: {flow(draft.description or '')}"]
    if draft.as_of:
        lines.append(f"as_of: {draft.as_of}")
    lines.append("directives:" if draft.directives else "directives: []")
    lines += [line_of(raw) for raw in draft.directives]
    return "\n".join(lines) + "\n"


MAIN_COLUMNS = ("date", "doc", "body", "division", "name", "from", "to", "type", "amount", "approved_by")


def changes_rows(draft: Draft) -> list[dict]:
    """The draft's directives as rows of the 变动记录 sheet: the fields it has columns for in
    them when they are plain values, every other field in 其他字段 as a YAML mapping."""
    rows = []
    for raw in draft.directives:
        spec = lookup(raw.get("op", ""))
        row = {"op": spec.label if spec else raw.get("op"), "note": raw.get("note")}
        extra = {}
        for k, v in raw.items():
            if k in ("op", "note"):
                continue
            if k in MAIN_COLUMNS and isinstance(v, (str, int)) and not isinstance(v, bool):
                row[k] = v
            else:
                extra[k] = v
        if extra:
            row["extra"] = flow(extra)
        rows.append(row)
    return rows


def changes_workbook(draft: Draft, config: Config, path: Path) -> Path:
    """The draft as a workbook with the template's 说明 and 变动记录 sheets; read as a plan
    (``orgmodel simulate 台账 方案.xlsx``) it gives the same directives."""
    sheet = sheet_named(CHANGES_SHEET)
    tables = [settings_table(None, "", None, f"方案“{draft.name}”的指令(工作台草稿导出)"),
              sheet_table(sheet, config, changes_rows(draft), {}, False)]
    return write_workbook(path, tables)


@dataclass
class Imported:
    name: str
    description: str
    as_of: str | None
    directives: list[dict]


class ImportRefused(Exception):
    """A plan file that cannot become a draft: every problem, located in the file."""

    def __init__(self, findings: list[Finding]):
        super().__init__("\n".join(f"{f.source}: {f.message}" for f in findings))
        self.findings = findings


def import_plan(data: bytes, filename: str, config: Config) -> Imported:
    """A scenario YAML or a workbook (its 变动记录 and other sheets) read into a draft's
    directives, validated as ``simulate`` reads it: any error refuses the whole file."""
    suffix = Path(filename).suffix.lower()
    display = Path(filename).name[:100] or "方案"
    if suffix not in IMPORTABLE or suffix not in READERS:
        raise ImportRefused([Finding("bad-file", f"不能导入“{display}”:方案文件须为 {'、'.join(IMPORTABLE)} 文件", None)])
    if len(data) > MAX_IMPORT:
        raise ImportRefused([Finding("bad-file", f"文件过大({len(data):,} 字节,上限 {MAX_IMPORT:,})", None)])
    with tempfile.TemporaryDirectory(prefix="orgmodel-import-") as tmp:
        path = Path(tmp) / f"plan{suffix}"
        path.write_bytes(data)
        result = read_file(path, display)
    directives, findings = [], list(result.findings)
    validate(result.items, config, directives, findings)
    errors = [f for f in findings if f.severity == ERROR]
    if errors:
        raise ImportRefused(errors)
    if not result.items:
        raise ImportRefused([Finding("bad-file", f"“{display}”中没有任何指令", None)])
    raws = []
    for item in result.items:
        raw = plain(item.value)
        raw["op"] = lookup(raw["op"]).name
        raws.append({k: v for k, v in raw.items() if v is not None})
    header = result.header or {}
    as_of = parse_date(header.get("as_of")) if header.get("as_of") is not None else None
    return Imported(str(header.get("name") or Path(display).stem)[:200], str(header.get("description") or "")[:2000],
                    as_of.isoformat() if as_of else None, raws)
