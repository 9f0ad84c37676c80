"""The ``orgmodel`` command: one click group; each command family lives in orgmodel/commands."""

from __future__ import annotations

import click

from orgmodel import __version__
from orgmodel.commands.demo import demo
from orgmodel.commands.ledger_cmds import balance, check
from orgmodel.commands.report_cmds import report
from orgmodel.commands.simulate_cmds import compare, simulate, trace


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="orgmodel")
def main():
    """orgmodel:机构编制台账、改革模拟与编制报表。"""


for command in (check, balance, simulate, compare, trace):
    main.add_command(command)
main.add_command(report)
main.add_command(demo)


if __name__ == "__main__":
    main()
