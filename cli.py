"""The ``orgmodel`` command: one click group; each command family lives in orgmodel/commands."""

from __future__ import annotations

import atexit
import gc
import os
import sqlite3
import sys

import click

from orgmodel.commands.cli_text import install
from orgmodel.core.text import os_error_text

install()  # click's own words (Usage:, Options, its error messages) in Chinese; before the commands are built

from orgmodel import __version__  # noqa: E402
from orgmodel.commands.allocate_cmds import allocate  # noqa: E402
from orgmodel.commands.audit_cmds import audit  # noqa: E402
from orgmodel.commands.chart_cmds import chart  # noqa: E402
from orgmodel.commands.demo import demo  # noqa: E402
from orgmodel.commands.history_cmds import history  # noqa: E402
from orgmodel.commands.ledger_cmds import balance, check, duties  # noqa: E402
from orgmodel.commands.national_cmds import NATIONAL_COMMANDS  # noqa: E402
from orgmodel.commands.report_cmds import report  # noqa: E402
from orgmodel.commands.serve_cmds import accounts, serve  # noqa: E402
from orgmodel.commands.simulate_cmds import compare, simulate, trace  # noqa: E402
from orgmodel.commands.store_cmds import STORE_COMMANDS  # noqa: E402
from orgmodel.commands.table_cmds import export, template  # noqa: E402

EXIT_INTERNAL = 3


class Boundary(click.Group):
    """The CLI's outer boundary: users never see a Python traceback.

    Domain problems are findings already; anything that still escapes is a bug, shown
    as one Chinese line (set ORGMODEL_DEBUG=1 to get the traceback for a bug report).
    """

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort, SystemExit):
            raise
        except BrokenPipeError:  # output piped into `head` and the like: stop quietly
            sys.stdout = open(os.devnull, "w")  # noqa: SIM115 - keeps Python's exit flush from failing again
            sys.exit(0)
        except OSError as exc:
            click.echo(f"错误:无法读写文件 {exc.filename or ''}({os_error_text(exc)})", err=True)
            sys.exit(2)
        except sqlite3.DatabaseError as exc:  # a ledger database damaged on disk, met while reading it
            from orgmodel.store import damage_message

            click.echo(f"错误:{damage_message(exc)}", err=True)
            sys.exit(2)
        except Exception as exc:  # noqa: BLE001 - the last line of defence, see the docstring
            if os.environ.get("ORGMODEL_DEBUG"):
                raise
            click.echo(f"内部错误({type(exc).__name__}: {exc})。请把命令和台账发给维护人员;"
                       "设置环境变量 ORGMODEL_DEBUG=1 可看到详细信息。", err=True)
            sys.exit(EXIT_INTERNAL)
        finally:
            gc.unfreeze()  # commands freeze what they build (commands.options.long_lived); hand it back


@click.group("orgmodel", cls=Boundary, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="orgmodel")
@click.option("--quiet", "-q", is_flag=True, help="不显示进度(输出到终端时,较长的命令会在标准错误上显示进度)")
def main(quiet):
    """orgmodel:机构编制台账、改革模拟与编制报表。"""
    from orgmodel.commands.options import Heartbeat, watched

    if watched():  # a line at least every 5 s while a long step runs
        click.get_current_context().call_on_close(Heartbeat().start().stop)


for command in (check, balance, duties, audit, chart, simulate, compare, trace, history, report, export, template, demo,
                serve, allocate, accounts, *STORE_COMMANDS, *NATIONAL_COMMANDS):
    main.add_command(command)


def _chinese_usage(command: click.Command) -> None:
    """The usage line's own words (``[OPTIONS]``, ``COMMAND [ARGS]...``) in Chinese, on every command."""
    command.options_metavar = "[选项]"
    if isinstance(command, click.Group):
        command.subcommand_metavar = "命令 [参数]..."
        for sub in command.commands.values():
            _chinese_usage(sub)


_chinese_usage(main)


def run() -> None:
    """The console script (and ``python cli.py``): the command, then a quick way out.

    A province-scale command ends holding millions of objects, and freeing them one by one
    as the interpreter shuts down costs a third of a second that serves no one. So once the
    command is done (it closes what it writes), the exit handlers have run and both output
    streams are flushed, the process ends without that teardown, with the command's exit code."""
    try:
        main()
        code = 0
    except SystemExit as stop:
        code = stop.code
    if code is not None and not isinstance(code, int):  # sys.exit("message"), as Python itself shows it
        print(code, file=sys.stderr)
        code = 1
    atexit._run_exitfuncs()  # what the interpreter would run on its way out (finalizers, logging)
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):  # a closed pipe (``| head``): nothing more can be said
            pass
    os._exit(code or 0)


if __name__ == "__main__":
    run()
