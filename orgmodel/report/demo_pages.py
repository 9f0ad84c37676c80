"""The HTML part of ``orgmodel demo``: balance, audit and scenario reports under ``OUT/``.

``write_reports(run)`` follows the demo's output protocol: it returns
``[(Chinese label, path)]`` for the demo command to print.
"""

from __future__ import annotations

from pathlib import Path

from ..answers.scenario import load_scenario, simulate
from ..ledger.loading import load
from .audit_report import write_audit_report
from .balance_report import write_balance_report
from .publish import publish
from .scenario_report import write_scenario_report

PREFERRED_SCENARIOS = ("qilan-2026", "demo", "tengzhou", "zhucheng", "neijiang", "daiyue", "binzhou")


def demo_scenario(demo_ledger: Path) -> tuple[Path, Path] | None:
    """``(base ledger, scenario file)`` for the demo: a scenario folder in ``data/scenarios``
    without its own ``base`` runs on the demo city; otherwise the first preferred one
    with its own base. None when there is no scenario at all."""
    root = Path(demo_ledger).parent / "scenarios"
    if not root.is_dir():
        return None
    folders = sorted(p for p in root.iterdir() if (p / "scenario.yaml").is_file())
    ranked = sorted(folders, key=lambda p: ((p / "base").is_dir(),
                                            PREFERRED_SCENARIOS.index(p.name) if p.name in PREFERRED_SCENARIOS else 99))
    if not ranked:
        return None
    best = ranked[0]
    base = best / "base" if (best / "base").is_dir() else Path(demo_ledger)
    return base, best / "scenario.yaml"


def write_reports(run) -> list[tuple[str, Path]]:
    """Write ``OUT/balance``, ``OUT/audit`` and ``OUT/scenario``; return their index pages."""
    out = Path(run.out)
    written = []
    pages = publish(out / "balance", lambda stage: write_balance_report(run.checked, stage), force=True)
    written.append(("编制收支报表(HTML,可离线打开、打印)", pages[0]))
    pages = publish(out / "audit", lambda stage: write_audit_report(run.checked, stage, roster=run.roster)[0], force=True)
    written.append(("问题清单(HTML)", pages[0]))
    picked = demo_scenario(Path(run.ledger.root))
    if picked is not None:
        base, scenario = picked
        ledger = run.ledger if base == Path(run.ledger.root) else load(base)
        sim = simulate(ledger, load_scenario(scenario, ledger.config))
        pages = publish(out / "scenario", lambda stage: write_scenario_report(sim, stage)[0], force=True)
        written.append((f"改革方案报表(HTML,{scenario.parent.name})", pages[0]))
    return written
