"""The command line: `leifeng-desktop [--db PATH] [command …]`; with no command it opens the window.

Every command runs on the Qt-free core, so PySide6 is imported only for the window. The commands live one module
per group: records (demo, check), imports, exports (registration, certificate, ledgers), documents (summary,
plan), stats, backup, bundle (data and settings bundles). A new command is a function there decorated with
`zh.command` and the shared options of `options`, added to its group (or named in COMMANDS below).

Start-up (issue 18): the top-level commands are named in COMMANDS and a command's module is imported only when it
is asked for (LazyCommands: it runs, or the help lists it), so the window and each command pay for their own imports.

Errors: a `core.errors.UserError` (the clerk's mistake, a refused file, an OS failure naming the clerk's file) and
click's usage errors print one line `错误：…` and exit 2; anything else is a program error, logged with its
traceback by core.applog and shown as “程序内部错误（详情已记入日志 …）” (LEIFENG_DEBUG=1 raises it instead).
"""
from __future__ import annotations

import importlib
import logging
import os
import sqlite3
import sys
from collections.abc import Iterator, MutableMapping, Sequence
from pathlib import Path

import click

from .. import __version__
from ..core import applog, errors
from ..core.errors import UserError
from ..core.store import default_db_path
from ..start import ensure_utf8_output
from .common import EXIT_ERROR, EXIT_OK, PROG, Session, discard_stdout, explain_os_error, one_line
from .types import InFile
from .zh import Group, Option, group, option, usage_message

log = logging.getLogger(__name__)
EXIT_INTERRUPTED = 130


class _DbOption(Option):
    def get_help_record(self, ctx):   # the default path as it is now (XDG_DATA_HOME may have changed)
        self.help = f"数据库文件（默认：{default_db_path()}）"
        return super().get_help_record(ctx)


class _Root(Group):
    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except BrokenPipeError:   # help piped into `head` (commands' own lines go through common.echo)
            discard_stdout()
            return EXIT_OK
        except sqlite3.Error as exc:   # damaged, locked, read-only, disk full …: by SQLite's error code
            found = errors.classify(exc, ctx.ensure_object(Session).db_path)
            if found is exc:
                raise
            raise found from exc


@group(PROG, cls=_Root, invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]},
       help="学雷锋职工志愿服务 工作台。不带命令时打开程序窗口。",
       epilog="出错时输出一行以“错误：”开头的说明，退出码为 2。")
@option("--db", cls=_DbOption, type=InFile(), metavar="路径", help="数据库文件")
@option("--password-file", type=InFile(), metavar="文件",
        help="从这个文件的第一行读取数据库密码（本机未记住密钥时用于解锁敏感信息；密码不能写在命令行上）")
@click.version_option(__version__, "--version", prog_name=PROG, message="%(prog)s %(version)s",
                      help="显示版本号并退出")
@click.pass_context
def cli(ctx: click.Context, db: Path | None, password_file: Path | None) -> int | None:
    ctx.obj = Session(db, password_file)
    if ctx.invoked_subcommand is None:
        return open_window(db)
    return None


# The top-level commands in the README's order: name → "module:attribute" in this package.
COMMANDS = {
    "init": "setup:init", "demo": "records:demo", "generate": "generate:generate", "check": "records:check",
    "import": "imports:import_group", "export": "exports:export_group", "stats": "stats:stats",
    "backup": "backup:backup", "backups": "backup:backups", "restore": "backup:restore",
    "new-year": "new_year:new_year", "password": "password:password_group", "bundle": "bundle:bundle_group",
}
JOINED = {"export": ("documents:summary", "documents:plan")}   # commands of other modules added to a group


def load_command(name: str) -> click.Command:
    """The command `name` of COMMANDS, its module imported now (with JOINED's commands added to it)."""
    command = _attribute(COMMANDS[name])
    if isinstance(command, click.Group):
        for where in JOINED.get(name, ()):
            joined = _attribute(where)
            if joined.name not in command.commands:
                command.add_command(joined)
    return command


def _attribute(where: str) -> click.Command:
    module, _, attribute = where.partition(":")
    return getattr(importlib.import_module(f"{__name__}.{module}"), attribute)


class LazyCommands(MutableMapping[str, click.Command]):
    """The group's commands by name: every name known at once (usage errors list them, `--help` keeps their order),
    each command's module imported the first time its command is looked up."""

    def __init__(self, names: dict[str, str]):
        self._names = dict.fromkeys(names, "")   # the order; a command added later goes at the end
        self._loaded: dict[str, click.Command] = {}

    def __getitem__(self, name: str) -> click.Command:
        if name not in self._loaded:
            if name not in self._names:
                raise KeyError(name)
            self._loaded[name] = load_command(name)
        return self._loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        self._names.setdefault(name, "")
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._names[name]
        self._loaded.pop(name, None)

    def __contains__(self, name: object) -> bool:   # Mapping's own would import the module
        return name in self._names

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


cli.commands = LazyCommands(COMMANDS)


def open_window(db: Path | None) -> int:
    try:
        from ..ui.app import run_app  # the only place PySide6 is imported
    except ImportError as exc:
        print(f"错误：无法打开程序窗口（图形界面组件未能加载：{one_line(exc)}）；命令行功能仍可使用，见 {PROG} --help",
              file=sys.stderr)
        return EXIT_ERROR
    return run_app(db)


def main(argv: Sequence[str] | None = None) -> int:
    """The entry point (`leifeng-desktop`, `python -m leifeng_desktop`): the exit code, never a traceback."""
    ensure_utf8_output()
    applog.setup()
    sweep_leftovers()
    try:
        code = cli.main(args=list(argv) if argv is not None else None, prog_name=PROG, standalone_mode=False)
    except click.UsageError as exc:
        return _error(usage_message(exc))
    except (click.Abort, KeyboardInterrupt):
        print("已中断", file=sys.stderr)
        return EXIT_INTERRUPTED
    except UserError as exc:
        return _error(str(exc))
    except OSError as exc:   # one that no command gave a target to: it names what the system names
        if exc.filename:
            return _error(str(explain_os_error(exc, Path(exc.filename))))
        return _program_error(exc)
    except Exception as exc:
        return _program_error(exc)
    finally:
        _flush_stdout()
    return code if isinstance(code, int) else EXIT_OK


def _flush_stdout() -> None:
    """The last buffered lines, while a closed pipe can still be told apart from the command's own result."""
    try:
        sys.stdout.flush()
    except BrokenPipeError:
        discard_stdout()


def _program_error(exc: Exception) -> int:
    if os.environ.get("LEIFENG_DEBUG"):
        raise exc
    return _error(applog.internal_error(exc))


def _error(message: str) -> int:
    print(f"错误：{one_line(message)}", file=sys.stderr)
    return EXIT_ERROR


def sweep_leftovers() -> None:
    """What killed exports left behind goes at every start (exports.files knows its own temporary names)."""
    try:
        from ..exports.leftovers import sweep_leftovers as sweep
    except ImportError:
        return
    try:
        sweep()
    except Exception:   # it should never raise; if it does, the command still runs
        log.warning("sweeping leftovers of killed exports failed", exc_info=True)
