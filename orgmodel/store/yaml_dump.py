"""Write a ledger's directives as a folder of YAML files that reads back the same.

One file per year (``2021.yaml`` …), one flow-style line per directive in record order, so
the files diff line by line and load on the fast path; values are written by
:func:`orgmodel.sources.flow_writer.flow`, so none changes type on the way back.
"""

from __future__ import annotations

from pathlib import Path

from ..sources.flow_writer import flow


def line_of(raw: dict) -> str:
    first = {k: raw[k] for k in ("date", "op") if k in raw}
    rest = {k: v for k, v in raw.items() if k not in first}
    items = [f"date: {first['date']}", f"op: {first['op']}"] + [f"{flow(str(k))}: {flow(v)}" for k, v in rest.items()]
    return "- {" + ", ".join(items) + "}"


def write_yaml_ledger(folder: Path, records: list[tuple], config_text: str | None) -> list[Path]:
    """Write ``records`` ([(record number, raw directive, (recorded by, at, batch))]) under
    ``folder``; return the files written. A ``records.tsv`` beside them gives, for each file
    line, its record number in the database, who recorded it, when, and in which batch."""
    folder.mkdir(parents=True, exist_ok=True)
    by_year: dict[str, list[tuple]] = {}
    for number, raw, who in records:
        by_year.setdefault(str(raw["date"])[:4], []).append((number, line_of(raw), who))
    written = []
    index = ["文件\t行\t记录号\t记录人\t记录时间\t批次"]
    for year, lines in sorted(by_year.items()):
        path = folder / f"{year}.yaml"
        path.write_text("".join(f"{text}\n" for _, text, _ in lines), encoding="utf-8")
        index += [f"{path.name}\t{i}\t{n}\t{w[0]}\t{w[1]}\t{w[2]}" for i, (n, _, w) in enumerate(lines, 1)]
        written.append(path)
    (folder / "records.tsv").write_text("\n".join(index) + "\n", encoding="utf-8")
    if config_text:
        (folder / "orgmodel.yaml").write_text(config_text, encoding="utf-8")
        written.append(folder / "orgmodel.yaml")
    return written
