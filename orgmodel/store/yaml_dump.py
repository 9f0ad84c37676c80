"""Write a ledger's directives as a folder of YAML files that reads back the same.

One file per year (``2021.yaml`` …), one flow-style line per directive in record order, so
the files diff line by line and load on the fast path; values are written by
:func:`orgmodel.sources.flow_writer.flow`, so none changes type on the way back.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..sources.flow_writer import flow

BAD_DATES = "日期有误.yaml"  # the records whose date is not a year's: one file, inside the folder


def file_name(raw: dict) -> str:
    """The file a record goes to: its year's (``2021.yaml``), whatever else its date holds
    (``../e``, ``/etc/x``): a name is never taken from a record, only four digits are."""
    year = str(raw.get("date"))[:4]
    return f"{year}.yaml" if re.fullmatch(r"[0-9]{4}", year) else BAD_DATES


def line_of(raw: dict) -> str:
    first = {k: raw[k] for k in ("date", "op") if k in raw}
    rest = {k: v for k, v in raw.items() if k not in first}
    date, op = str(first.get("date")), str(first.get("op"))
    date = date if re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", date) else flow(date)  # a forged one stays one value
    op = op if re.fullmatch(r"[A-Za-z_]+", op) else flow(op)
    items = [f"date: {date}", f"op: {op}"] + [f"{flow(str(k))}: {flow(v)}" for k, v in rest.items()]
    return "- {" + ", ".join(items) + "}"


def write_yaml_ledger(folder: Path, records: list[tuple], config_text: str | None) -> list[Path]:
    """Write ``records`` ([(record number, raw directive, (recorded by, at, batch))]) under
    ``folder``; return the files written. A ``records.tsv`` beside them gives, for each file
    line, its record number in the database, who recorded it, when, and in which batch."""
    folder.mkdir(parents=True, exist_ok=True)
    by_file: dict[str, list[tuple]] = {}
    for number, raw, who in records:
        by_file.setdefault(file_name(raw), []).append((number, line_of(raw), who))
    written = []
    index = ["文件\t行\t记录号\t记录人\t记录时间\t批次"]
    for name, lines in sorted(by_file.items()):
        path = folder / name
        if path.parent != folder:  # never: names are made above
            raise ValueError(name)
        path.write_text("".join(f"{text}\n" for _, text, _ in lines), encoding="utf-8")
        index += [f"{path.name}\t{i}\t{n}\t{w[0]}\t{w[1]}\t{w[2]}" for i, (n, _, w) in enumerate(lines, 1)]
        written.append(path)
    (folder / "records.tsv").write_text("\n".join(index) + "\n", encoding="utf-8")
    if config_text:
        (folder / "orgmodel.yaml").write_text(config_text, encoding="utf-8")
        written.append(folder / "orgmodel.yaml")
    return written
