"""Rewrite a flow-style YAML ledger (one directive per line, as the synthetic generator and
``orgmodel dump`` write it) in the style clerks write by hand, for benchmarks.

    python scripts/restyle_ledger.py /tmp/bench/province-2000 /tmp/bench/province-block --style block
    python scripts/restyle_ledger.py /tmp/bench/province-2000 /tmp/bench/province-mixed --style mixed

``block``: every directive a block mapping, nested mappings indented. ``mixed``: one directive
in three in block style, the others on one line, some with a trailing comment. The directives
are the same, so every command gives the same figures on all three ledgers.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

import yaml

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from orgmodel.sources.flow_writer import flow  # noqa: E402

Loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
Dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def block(item: dict) -> str:
    return yaml.dump([item], Dumper=Dumper, allow_unicode=True, sort_keys=False, default_flow_style=False, width=200)


def restyled(items: list, style: str) -> str:
    parts = []
    for i, item in enumerate(items):
        if style == "block" or i % 3 == 0:
            parts.append(block(item))
        else:
            comment = "  # 依文件办理" if i % 7 == 1 else ""
            parts.append(f"- {flow(item)}{comment}\n")
    return "".join(parts)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--style", choices=("block", "mixed"), default="block")
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    for path in sorted(args.source.iterdir()):
        if path.suffix not in (".yaml", ".yml") or path.name == "orgmodel.yaml":
            if path.is_file():
                shutil.copy(path, args.out / path.name)
            continue
        text = path.read_text(encoding="utf-8")
        header = "".join(line + "\n" for line in text.splitlines() if line.startswith("#"))
        items = yaml.load(text, Loader=Loader) or []  # noqa: S506 - the safe loader
        (args.out / path.name).write_text(header + restyled(items, args.style), encoding="utf-8")
    print(f"已改写为 {args.style} 风格:{args.out}")


if __name__ == "__main__":
    main()
