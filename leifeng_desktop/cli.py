"""The command line: `leifeng-desktop [--db PATH] [command …]`.

With no command it opens the window; every command runs on the Qt-free core, so PySide6 is imported only for the
window. A new command is one `add_parser` line in build_parser and one `cmd_…` function returning the exit code.
Errors print one line starting with 错误： and exit 2; never a traceback (set LEIFENG_DEBUG=1 to see one).
"""
from __future__ import annotations

import argparse
import os
import sys
import unicodedata
from pathlib import Path
from typing import Sequence

from . import __version__
from .core import schema as s
from .core.store import Store, StoreError, default_db_path
from .core.validation import ValidationError

PROG = "leifeng-desktop"
EXIT_OK, EXIT_PROBLEMS, EXIT_ERROR = 0, 1, 2


class _Parser(argparse.ArgumentParser):
    """argparse with Chinese headings and a Chinese error line (argparse's own messages stay English)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("formatter_class", _Formatter)
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "命令"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(EXIT_ERROR, f"错误：{message}\n")


class _Formatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog=PROG, description="学雷锋职工志愿服务 工作台。不带命令时打开程序窗口。",
                     epilog="出错时输出一行以“错误：”开头的说明，退出码为 2。")
    parser.add_argument("--db", metavar="路径", type=Path,
                        help=f"数据库文件（默认：{default_db_path()}）")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}", help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)

    p = sub.add_parser("demo", help="在空数据库中载入演示数据（虚构的单位、服务队、活动、走访记录等）",
                       description="在空数据库中载入一套演示数据，并列出各类记录的数量。")
    p.add_argument("--seed", type=int, default=2026, help="随机种子（相同种子生成相同内容，默认 2026）")
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("check", help="显示数据结构版本、完整性检查结果和各类记录数量",
                       description="检查数据库：数据结构版本、完整性检查结果和各类记录数量。发现问题时退出码为 1。")
    p.set_defaults(func=cmd_check)
    return parser


# -- commands: each takes the parsed arguments and returns the exit code --------------------------------------
def open_store(args: argparse.Namespace, *, must_exist: bool = False) -> Store:
    path = db_path(args)
    if must_exist and not path.exists():
        raise StoreError(f"数据库文件“{path}”不存在")
    return Store.open(path)


def db_path(args: argparse.Namespace) -> Path:
    return Path(args.db).expanduser() if args.db else default_db_path()


def cmd_window(args: argparse.Namespace) -> int:
    try:
        from .ui.app import run_app   # the only place PySide6 is imported
    except ImportError as exc:
        print(f"错误：无法打开程序窗口（图形界面组件未能加载：{one_line(exc)}）；命令行功能仍可使用，见 {PROG} --help",
              file=sys.stderr)
        return EXIT_ERROR
    return run_app(Path(args.db).expanduser() if args.db else None)


def cmd_demo(args: argparse.Namespace) -> int:
    from .core.demo import load_demo
    with open_store(args) as store:
        counts = load_demo(store, seed=args.seed)
        print(f"已在 {store.path} 中载入演示数据：")
        print_counts({k: n for k, n in counts.items() if n}, with_keys=False)
    return EXIT_OK


def cmd_check(args: argparse.Namespace) -> int:
    with open_store(args, must_exist=True) as store:
        print(f"数据库：{store.path}")
        print(f"数据结构版本：{store.schema_version}")
        problems = store.integrity_check()
        if problems:
            print(f"完整性检查：发现 {len(problems)} 个问题")
            for problem in problems:
                print(f"  {one_line(problem)}")
        else:
            print("完整性检查：正常")
        print("记录数量：")
        print_counts(store.counts(), with_keys=True)
    return EXIT_PROBLEMS if problems else EXIT_OK


# -- output ---------------------------------------------------------------------------------------------------
def width(text: str) -> int:
    """Columns a terminal gives the text: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


def print_counts(counts: dict[str, int], *, with_keys: bool) -> None:
    label_w = max(width(rt.label) for rt in s.RECORD_TYPES.values()) + 2
    key_w = max(len(k) for k in s.RECORD_TYPES) + 2
    for key, rt in s.RECORD_TYPES.items():
        if key in counts:
            print(f"  {pad(rt.label, label_w)}{pad(key, key_w) if with_keys else ''}{counts[key]:>6}")


def one_line(text: object) -> str:
    return " ".join(str(text).split())


def ensure_utf8_output() -> None:
    """Chinese must print even under LANG=C or a legacy Windows code page."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        if encoding not in ("utf-8", "utf8") and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):   # a stream that cannot change encoding mid-way: keep it
                pass


def describe(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        return "；".join(exc.errors.values()) or str(exc)
    if isinstance(exc, OSError) and exc.strerror:
        return f"{exc.strerror}：{exc.filename}" if exc.filename else exc.strerror
    return str(exc) or exc.__class__.__name__


def main(argv: Sequence[str] | None = None) -> int:
    ensure_utf8_output()
    args = build_parser().parse_args(argv)
    func = getattr(args, "func", cmd_window)
    try:
        return func(args)
    except KeyboardInterrupt:
        print("已中断", file=sys.stderr)
        return 130
    except BrokenPipeError:   # output piped into `head`: stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_OK
    except (StoreError, ValueError, OSError) as exc:   # ValidationError is a ValueError
        print(f"错误：{one_line(describe(exc))}", file=sys.stderr)
        return EXIT_ERROR
    except Exception as exc:
        if os.environ.get("LEIFENG_DEBUG"):
            raise
        print(f"错误：程序内部错误：{one_line(describe(exc))}", file=sys.stderr)
        return EXIT_ERROR


if __name__ == "__main__":
    sys.exit(main())
