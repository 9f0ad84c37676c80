"""A pack: one ledger's figures on one day as Parquet tables with a manifest, for the levels
above (the city, the province, the centre) to roll up with plain SQL (:mod:`.rollup`).

Every figure comes from the answer's tables (:mod:`orgmodel.figures.balance`) or its state's
records, never computed again. The roster carries no name, and its ID numbers only as keyed
hashes (:mod:`.keys`). The manifest says where the pack came from (the ledger and, for a
store, its head), its day, each table's rows and SHA-256, and the totals by quota type, so a
pack can be checked against its files and against the ledger it came from."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ..figures.flows import in_township, transfer_rows
from ..rules.roster import ROSTER_RULES
from .keys import fingerprint, person_hash
from .schema import SCHEMA_VERSION, TABLES, TITLES, partition_path

MANIFEST = "manifest.json"
FORMAT = "orgmodel-pack"
TOTAL_MEASURES = {"approved": "approved", "actual": "actual", "vacant": "vacant", "over": "over_quota",
                  "pools": "pools", "total": "total"}  # the totals table's column -> the manifest's key


class PackError(Exception):
    """A pack cannot be made or read (a Chinese message says where and why)."""


@dataclass(frozen=True)
class Origin:
    """Where a pack's figures come from: the ledger as the user named it, what kind it is,
    and a store's head (record count and hash), if it is one."""

    ledger: str
    kind: str
    head: dict | None = None


def origin_of(path: str | Path) -> Origin:
    """What the ledger at ``path`` is, and a store's head as it stands now."""
    from ..store import Store, StoreError, is_store

    p = Path(path)
    if p.is_file() and is_store(p):
        try:
            with Store(p) as store:
                return Origin(str(path), "store", {"records": store.last_record(), "hash": store.head()})
        except StoreError as exc:
            raise PackError(f"{path}:{exc}") from exc
    kind = "folder" if p.is_dir() else ("workbook" if p.suffix.lower() in (".xlsx", ".xlsm") else "file")
    return Origin(str(path), kind)


def jurisdiction(state, code: str | None = None) -> tuple[str, str]:
    """``(code, name)`` of the jurisdiction a pack is partitioned by: ``code`` if given (a
    division of the ledger), else the ledger's one top division."""
    if code is not None:
        div = state.divisions.get(code)
        if div is None:
            raise PackError(f"台账中没有代码为 {code} 的区划;--province 应为台账中某一区划的代码")
        return div.code, div.name
    roots = [d for d in state.divisions.values() if d.parent is None]
    if len(roots) != 1:
        names = "、".join(f"{d.name}({d.code})" for d in roots) or "无"
        raise PackError(f"台账有 {len(roots)} 个最高一级区划({names}),数据包须按一个区划分区;请用 --province 指定其代码")
    return roots[0].code, roots[0].name


def pack_tables(answer, key: bytes | None = None) -> dict[str, pd.DataFrame]:
    """The pack's tables (:data:`~.schema.TABLES`) for an answer; the roster's only with ``key``."""
    state, tables = answer.state, answer.tables
    divs = state.divisions
    bodies = tables.bodies.rename(columns={"over": "over_quota", "class": "body_class", "rank": "body_rank"})
    first = bodies.drop_duplicates("body_id").rename(columns={"body": "name"})
    level = {code: d.level for code, d in divs.items()}
    out = {
        "divisions": pd.DataFrame([(d.code, d.name, d.level, d.kind, d.parent, d.population, d.households)
                                   for d in divs.values()], columns=_columns("divisions")),
        "bodies": first[_columns("bodies")],
        "signboards": pd.DataFrame([(b.id, b.division, name) for b in state.active_bodies()
                                    for name in state.signboards(b)], columns=_columns("signboards")),
        "quota": _quota(state, bodies),
        "leader_posts": tables.leaders.rename(columns={"over": "over_quota"})[_columns("leader_posts")],
        "transfers": transfer_rows(state).rename(columns={"date": "transfer_date"})[_columns("transfers")],
        "pools": tables.pools.assign(division_level=tables.pools["division_code"].map(level))[_columns("pools")],
        "off_quota": tables.off_quota[["division_code", "division_level", "own_off_quota_staff", "own_grids"]]
                     .set_axis(_columns("off_quota"), axis=1),
        "counts": pd.DataFrame([(d.code, None, n, v) for d in divs.values() for n, v in d.counts.items()]
                               + [(b.division, b.id, n, v) for b in state.active_bodies() for n, v in b.counts.items()],
                               columns=_columns("counts")),
        "findings": _findings(answer),
        "roster": _roster(answer, key),
    }
    return out


def _quota(state, bodies: pd.DataFrame) -> pd.DataFrame:
    """The body table's rows of a quota type, each marked whether its body sits in a township
    (or a village below one), as the cross-level figures count it."""
    rows = bodies[bodies["quota_type"].notna()]
    memo: dict[str, bool] = {}
    return rows.assign(in_township=[in_township(state, c, memo) for c in rows["division_code"]])[_columns("quota")]


def _columns(table: str) -> list[str]:
    return list(TABLES[table].names)


def _findings(answer) -> pd.DataFrame:
    """The answer's findings and its roster audit's; a roster finding's message names a person,
    so it is left out."""
    rows = [(f.rule, f.title, f.severity, f.divisions[0] if f.divisions else None,
             f.subjects[0] if f.subjects else None, str(f.source) if f.source else None,
             None if f.rule in ROSTER_RULES else f.message) for f in (*answer.findings, *answer.roster_findings)]
    return pd.DataFrame(rows, columns=_columns("findings"))


def _roster(answer, key: bytes | None) -> pd.DataFrame:
    """The latest roster snapshot's people in post: the keyed hash of each ID number, where the
    audit placed them, their quota type, leader post and post kind; no name, no number."""
    columns = _columns("roster")
    if answer.reconciled is None or key is None:
        return pd.DataFrame(columns=columns)
    audit = answer.reconciled.latest
    rows = []
    for p in audit.snapshot.people:
        number = p.get("id_number")
        if not p.in_post or not isinstance(number, str) or not number:
            continue
        body = audit.placed.get(id(p))
        rows.append((person_hash(key, number), body.division if body is not None else None,
                     body.id if body is not None else None, p.get("quota_type"), p.get("leader"), p.get("post")))
    return pd.DataFrame(rows, columns=columns)


def roster_fit(answer) -> tuple[int, int]:
    """``(people in post, of whom placed in a body of the ledger)`` of the answer's latest roster
    snapshot: a roster of another ledger places almost nobody."""
    audit = answer.reconciled.latest
    people = [p for p in audit.snapshot.people if p.in_post]
    return len(people), sum(1 for p in people if audit.placed.get(id(p)) is not None)


def totals(answer) -> list[dict]:
    """The jurisdiction's totals by quota type, as ``balance --by total`` gives them: what the
    manifest records and the roll-up is checked against."""
    df = answer.tables.totals
    return [{"quota_type": r["quota_type"], **{key: int(r[col]) for col, key in TOTAL_MEASURES.items()}}
            for _, r in df.iterrows()]


def write_pack(folder: Path, tables: dict[str, pd.DataFrame], province: tuple[str, str], as_of: dt.date,
               origin: Origin, sums: list[dict], key: bytes | None, roster_day: dt.date | None) -> list[Path]:
    """Write the tables and the manifest into ``folder`` (new and empty: the caller publishes it
    whole); return the paths written."""
    code, name = province
    written, listed = [], {}
    for table, schema in TABLES.items():
        df = tables[table]
        arrow = pa.Table.from_pandas(df.reset_index(drop=True), schema=schema, preserve_index=False, safe=True)
        rel = partition_path(table, code, as_of.year)
        path = folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(arrow, path, compression="zstd")
        listed[table] = {"path": rel, "rows": arrow.num_rows, "sha256": _sha256(path), "title": TITLES[table]}
        written.append(path)
    manifest = {
        "format": FORMAT, "schema_version": SCHEMA_VERSION,
        "province": {"code": code, "name": name}, "year": as_of.year, "as_of": as_of.isoformat(),
        "source": {"ledger": origin.ledger, "kind": origin.kind, "store_head": origin.head},
        "roster": {"as_of": roster_day.isoformat() if roster_day else None, "people": int(len(tables["roster"]))}
        if roster_day else None,
        "key": fingerprint(key) if key is not None and roster_day else None,
        "totals": sums, "tables": listed,
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    return [*written, folder / MANIFEST]


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


@dataclass(frozen=True)
class Pack:
    """A pack read back: its folder and manifest, its files checked against the manifest."""

    folder: Path
    manifest: dict

    @property
    def label(self) -> str:
        p = self.manifest["province"]
        return f"{p['name']}({p['code']},{self.manifest['as_of']})"

    def file(self, table: str) -> Path:
        return self.folder / self.manifest["tables"][table]["path"]


def open_pack(folder: str | Path) -> Pack:
    """Read a pack's manifest and check every file against it (present, a regular file inside
    the pack, its SHA-256 and row count); PackError lists every problem at once."""
    folder = Path(folder)
    where = folder / MANIFEST
    try:
        manifest = json.loads(where.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise PackError(f"{folder} 不是数据包:没有 {MANIFEST}(数据包由 orgmodel pack 生成)") from exc
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        raise PackError(f"{where}:无法读取数据包清单({type(exc).__name__});请重新生成数据包") from exc
    problems = _manifest_problems(manifest, where)
    if not problems:
        for table in TABLES:
            problems += _file_problems(folder, table, manifest["tables"][table])
    if problems:
        raise PackError(";".join(problems))
    return Pack(folder, manifest)


def _manifest_problems(m, where: Path) -> list[str]:
    if not isinstance(m, dict) or m.get("format") != FORMAT:
        return [f"{where}:不是 orgmodel 数据包的清单"]
    if m.get("schema_version") != SCHEMA_VERSION:
        return [f"{where}:数据包格式第 {m.get('schema_version')} 版,本程序读第 {SCHEMA_VERSION} 版;请用同一版本的 orgmodel 重新生成"]
    problems = []
    if not isinstance(m.get("province"), dict) or not isinstance(m["province"].get("code"), str):
        problems.append(f"{where}:缺少 province(区划代码)")
    try:
        day = dt.date.fromisoformat(m.get("as_of"))
        if day.year != m.get("year"):
            problems.append(f"{where}:year {m.get('year')} 与截至日期 {day} 不符")
    except (TypeError, ValueError):
        problems.append(f"{where}:截至日期 as_of 有误({m.get('as_of')!r})")
    tables = m.get("tables")
    missing = [t for t in TABLES if not isinstance(tables, dict) or not isinstance(tables.get(t), dict)]
    if missing:
        problems.append(f"{where}:清单缺少表 {'、'.join(missing)}")
    if not isinstance(m.get("totals"), list):
        problems.append(f"{where}:清单缺少 totals")
    return problems


def _file_problems(folder: Path, table: str, entry: dict) -> list[str]:
    rel = entry.get("path")
    expected = partition_path(table, "", 0).split("/")[0]
    if not isinstance(rel, str) or not rel.startswith(expected + "/") or ".." in Path(rel).parts or Path(rel).is_absolute():
        return [f"{folder}:清单中表 {table} 的路径 {rel!r} 不在数据包内"]
    path = folder / rel
    if not path.is_file() or path.is_symlink():
        return [f"{path}:文件不存在(或不是普通文件)"]
    if _sha256(path) != entry.get("sha256"):
        return [f"{path}:文件内容与清单中的 SHA-256 不符(文件被改动或损坏);请重新生成或重新拷贝数据包"]
    try:
        rows = pq.ParquetFile(path).metadata.num_rows
        schema = pq.read_schema(path)
    except (OSError, pa.ArrowException) as exc:
        return [f"{path}:不是可读的 Parquet 文件({exc})"]
    problems = []
    if rows != entry.get("rows"):
        problems.append(f"{path}:{rows} 行,清单记为 {entry.get('rows')} 行")
    if not schema.equals(TABLES[table]):
        problems.append(f"{path}:列与数据包格式第 {SCHEMA_VERSION} 版不符")
    return problems
