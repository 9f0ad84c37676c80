"""Building packs: one ledger's pack from start to finish (:func:`build_pack`), and the packs of
many ledgers in parallel processes, one per ledger (:func:`build_many`). Each process opens its
ledger as a Book, so a store replays from its own year-end checkpoint."""

from __future__ import annotations

import datetime as dt
import multiprocessing
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

from ..answers.book import Book
from ..core.config import ConfigError
from ..core.findings import Finding
from ..ledger import LedgerError
from ..ledger.outputs import read_paths
from ..report.publish import PublishError, publish
from .pack import PackError, jurisdiction, origin_of, pack_tables, roster_fit, totals, write_pack


class PackRefused(PackError):
    """The ledger has errors: no pack is written (``findings`` are those that forbid it)."""

    def __init__(self, message: str, findings: list[Finding]):
        super().__init__(message)
        self.findings = findings


@dataclass(frozen=True)
class Built:
    """A pack written: where, whose (code, name), its day, its tables' rows, the people of its roster."""

    out: Path
    province: tuple[str, str]
    as_of: dt.date
    rows: int
    people: int | None = None
    unplaced: int = 0  # people in post whose body the ledger does not have (their findings say why)


@dataclass
class Outcome:
    """What became of one ledger of :func:`build_many`: the pack, or the reason there is none."""

    ledger: str
    built: Built | None = None
    problem: str | None = None
    refused: list = field(default_factory=list)  # the ledger's blocking findings, formatted


def build_pack(ledger: str, out: str | Path, as_of: dt.date | None = None, roster: str | None = None,
               key: bytes | None = None, province: str | None = None, config: str | None = None,
               force: bool = False, book: Book | None = None, key_path: str | None = None) -> Built:
    """Write the pack of ``ledger`` on ``as_of`` into the folder ``out``, published whole.
    Raises PackRefused when the ledger has errors, PackError when it cannot be packed."""
    reads = read_paths(ledger, config, (roster, key_path))
    origin = origin_of(ledger)
    book = book or Book(ledger, config)
    answer = book.answer(as_of, (), roster)
    refused = answer.refusal()
    if refused:
        raise PackRefused(f"台账有错误,未生成数据包({len(refused)} 个问题)", refused)
    day = answer.as_of or book.ledger.last_date()
    where = jurisdiction(answer.state, province)
    people = placed = 0
    if answer.reconciled is not None:
        people, placed = roster_fit(answer)
        if placed * 2 < people:
            raise PackError(f"花名册 {roster} 与台账不符:在编 {people} 人中只有 {placed} 人的所在单位能在台账中找到;"
                            f"请确认这是本台账的花名册(orgmodel audit 可逐条查看),未生成数据包")
    tables = pack_tables(answer, key)
    roster_day = answer.reconciled.latest.as_of if answer.reconciled is not None else None
    try:
        publish(out, lambda stage: write_pack(stage, tables, where, day, origin, totals(answer), key, roster_day),
                force, reads)
    except PublishError as exc:
        raise PackError(str(exc)) from exc
    return Built(Path(out), where, day, sum(len(df) for df in tables.values()),
                 len(tables["roster"]) if roster_day else None, people - placed)


def _build_one(ledger: str, out: str, as_of: dt.date | None, config: str | None, force: bool) -> Outcome:
    """One ledger's pack in a worker process; never raises (what went wrong is the outcome)."""
    try:
        return Outcome(ledger, build_pack(ledger, out, as_of, config=config, force=force))
    except PackRefused as exc:
        return Outcome(ledger, problem=str(exc), refused=[f.format() for f in exc.findings[:20]])
    except (PackError, LedgerError, ConfigError, OSError) as exc:
        return Outcome(ledger, problem=str(exc))


def pack_folder(out: Path, ledger: str) -> Path:
    """Where :func:`build_many` writes the pack of ``ledger``: a folder named after it."""
    return out / (Path(ledger).stem or "台账")


def build_many(ledgers: list[str], out: Path, as_of: dt.date | None = None, config: str | None = None,
               jobs: int = 2, force: bool = False, each=None) -> list[Outcome]:
    """The packs of ``ledgers`` in ``out`` (one folder each, :func:`pack_folder`), built by up to
    ``jobs`` processes at once; ``each(outcome)`` hears each as it finishes. Outcomes come back
    in the order of ``ledgers``."""
    names = [pack_folder(out, led) for led in ledgers]
    if len(set(names)) != len(names):
        raise PackError("几本台账的名称相同,数据包文件夹会重名;请分别指定(orgmodel pack)")
    done: dict[str, Outcome] = {}
    context = multiprocessing.get_context("spawn")  # the same on Windows and Linux: a fresh interpreter each
    with ProcessPoolExecutor(max_workers=max(1, jobs), mp_context=context) as pool:
        futures = {pool.submit(_build_one, led, str(name), as_of, config, force): led
                   for led, name in zip(ledgers, names)}
        for future in as_completed(futures):
            outcome = future.result()
            done[futures[future]] = outcome
            if each is not None:
                each(outcome)
    return [done[led] for led in ledgers]
