"""The command line: `leifeng-desktop [--db PATH] [command …]`.

With no command it opens the window; every command runs on the Qt-free core, so PySide6 is imported only for the
window. A new command is one `add_parser` line in build_parser and one `cmd_…` function returning the exit code.
Errors print one line starting with 错误： and exit 2; never a traceback (set LEIFENG_DEBUG=1 to see one).
"""
from __future__ import annotations

import argparse
import datetime as dt
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

    add_import_parser(sub)
    add_export_parser(sub)
    from .cli_stats import add_stats_parser   # imported here: cli_stats imports this module
    add_stats_parser(sub)
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


# -- import: a group, so `import households FILE.xlsx` can join `members` as a sibling ------------------------
IMPORTABLE = {"members": "member", "households": "household"}   # the CLI word → record type (xlsx_import.SPECS)


def add_import_parser(sub) -> None:
    p = sub.add_parser(
        "import", help="从 Excel（.xlsx）导入队员名单、困难职工档案，或生成空白导入模板",
        description="从 Excel 工作簿（.xlsx）导入记录：逐行检查，只导入合格的行（一次写入，出错则全部不写），"
                    "并列出有问题的行号和原因。退出码：0 全部导入；1 有行被拒（合格的行仍已导入）；2 出错。",
        epilog=f"例：{PROG} --db 台账.db import template members --out 队员名单.xlsx ；"
               f"{PROG} --db 台账.db import members --team 供电公司职工志愿服务队 队员名单.xlsx")
    what = p.add_subparsers(dest="import_what", metavar="内容", parser_class=_Parser, required=True)
    q = what.add_parser("members", help="把队员名单导入到一支服务队",
                        description="把 Excel 队员名单导入到一支已登记的服务队。第一个工作表中含“姓名”的一行"
                                    "（前 10 行内）为列标题，列的顺序不限；空行跳过；本队已有的人和表中重复的人不会导入。")
    q._positionals.title = "参数"
    q.add_argument("file", metavar="文件.xlsx", type=Path, help="队员名单（可先用 import template members 生成模板）")
    q.add_argument("--team", required=True, metavar="队伍名称", help="导入到哪支服务队（按队伍名称查找）")
    q.add_argument("--unit", metavar="单位名称", help="有同名服务队时，用所属单位区分")
    q.add_argument("--dry-run", action="store_true", help="只检查并列出问题，不写入数据库")
    q.set_defaults(func=cmd_import_members)
    from .cli_visits import add_import_households
    add_import_households(what)
    q = what.add_parser("template", help="生成空白导入模板（含下拉选项和“填写说明”工作表）",
                        description="生成空白的 Excel 导入模板。若 --db 所指数据库已存在，下拉选项取自其中的设置。")
    q.add_argument("kind", choices=sorted(IMPORTABLE), metavar="内容", help="members（队员名单）或 households（困难职工档案）")
    q.add_argument("--out", required=True, type=Path, metavar="文件.xlsx", help="模板保存到哪里（不会覆盖已有文件）")
    q.set_defaults(func=cmd_import_template)


def find_team(store: Store, name: str, unit: str | None = None) -> dict:
    """The one team of that name (and unit); a Chinese ValueError naming the choices otherwise."""
    name, unit = name.strip(), (unit or "").strip()
    teams = store.rows("team", where="name = ?", params=[name])
    matches = [t for t in teams if t["unit"] == unit] if unit else teams
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1 and unit:
        raise ValueError(f"“{unit}”下有 {len(matches)} 支服务队都叫“{name}”，请先在程序中修改队伍名称以便区分")
    if len(matches) > 1:
        raise ValueError(f"有 {len(matches)} 支服务队名为“{name}”，分属：{'、'.join(t['unit'] for t in matches)}；"
                         "请用 --unit 单位名称 指定")
    where = f"（所属单位“{unit}”；该名称的服务队属于：{'、'.join(t['unit'] for t in teams)}）" if teams else ""
    similar = [t["name"] for t in store.rows("team", where="name LIKE ?", params=[f"%{name}%"], limit=5)]
    hint = f"；名称相近的有：{'、'.join(similar)}" if similar and not teams else ""
    raise ValueError(f"找不到名为“{name}”的服务队{where}{hint}")


def cmd_import_members(args: argparse.Namespace) -> int:
    from .core import xlsx_import as xi
    with open_store(args, must_exist=True) as store:
        team = find_team(store, args.team, args.unit)
        existing = store.rows("member", where="team_id = ?", params=[team["id"]])
        preview = xi.read_workbook(args.file, "member", choices=store.settings.choices(), existing=existing)
        for line in xi.format_report(preview):
            print(line)
        if args.dry_run:
            print(f"试运行：未写入数据库（去掉 --dry-run 将导入 {preview.valid} 名队员）")
        elif preview.valid:
            ids = xi.import_rows(store, preview, parent_values={"team_id": team["id"]}, unit=team["unit"])
            print(f"已导入 {len(ids)} 名队员到服务队“{team['name']}”（{team['unit']}）")
        else:
            print("没有可导入的行，数据库未作修改")
    return EXIT_PROBLEMS if preview.invalid else EXIT_OK


def cmd_import_template(args: argparse.Namespace) -> int:
    from .core.xlsx_template import write_template
    out = Path(args.out).expanduser()
    if out.suffix.lower() != ".xlsx":
        raise ValueError(f"模板文件名应以 .xlsx 结尾：{out}")
    if out.exists():
        raise ValueError(f"文件“{out}”已存在，为免覆盖已填写的名单，请换一个文件名")
    choices = None
    if db_path(args).exists():   # the clerk's edited choice lists, when there is a database
        with open_store(args) as store:
            choices = store.settings.choices()
    write_template(out, IMPORTABLE[args.kind], choices=choices)
    print(f"已生成导入模板：{out}（第二个工作表“填写说明”列出各列的填写要求）")
    return EXIT_OK


# -- export: a group, so `export ledger …`, `export certificate`, `export summary` join `registration` -----------
def add_export_parser(sub) -> None:
    p = sub.add_parser("export", help="导出文档（服务队登记表、志愿服务记录证明、台账等）",
                       description="导出 Word 文档和 Excel 台账。身份证号和电话号码默认部分隐藏（前 6 位/前 3 位和后 4 位），"
                                   "加 --full 才显示完整号码。",
                       epilog=f"例：{PROG} --db 台账.db export registration --all --out 登记表 ；"
                              f"{PROG} --db 台账.db export registration --team 供电公司职工志愿服务队 --out 登记表.docx")
    what = p.add_subparsers(dest="export_what", metavar="内容", parser_class=_Parser, required=True)
    q = what.add_parser("registration", help="导出《学雷锋职工志愿服务队登记表》（Word，每队一个文件）",
                        description="导出服务队登记表：每支队伍一个 .docx 文件；导出多支时另生成一份合并文档"
                                    "（登记表_汇总_日期.docx，各队之间分页），便于一次打印。")
    which = q.add_mutually_exclusive_group(required=True)
    which.add_argument("--team", metavar="队伍名称", help="导出一支服务队（按队伍名称查找）")
    which.add_argument("--all", action="store_true", help="导出全部服务队")
    q.add_argument("--unit", metavar="单位名称", help="有同名服务队时，用所属单位区分（与 --team 一起用）")
    q.add_argument("--out", required=True, type=Path, metavar="路径",
                   help="保存到哪个文件夹（不存在则创建）；只导出一支队伍时也可以是以 .docx 结尾的文件名")
    q.add_argument("--full", action="store_true", help="显示完整的身份证号和电话号码（默认部分隐藏）")
    q.set_defaults(func=cmd_export_registration)
    from .cli_activities import add_export_activity_parsers   # certificate, ledgers (imports this module)
    add_export_activity_parsers(what)
    from .cli_documents import add_document_parsers   # summary, plan (cli_documents imports this module)
    add_document_parsers(what)


def cmd_export_registration(args: argparse.Namespace) -> int:
    from .exports.document import save_atomic
    from .exports.registration import build_registration, export_registration
    if args.unit and not args.team:
        raise ValueError("--unit 只能与 --team 一起使用")
    out = Path(args.out).expanduser()
    with open_store(args, must_exist=True) as store:
        teams = [find_team(store, args.team, args.unit)] if args.team else \
            store.rows("team", order_by="unit, name, created_at")
        if not teams:
            raise ValueError("数据库中还没有服务队，没有可导出的登记表")
        ids = [t["id"] for t in teams]
        if out.suffix.lower() == ".docx":
            if len(ids) > 1:
                raise ValueError("导出多支服务队时 --out 应是文件夹，不能是 .docx 文件名")
            out.parent.mkdir(parents=True, exist_ok=True)
            paths = [save_atomic(build_registration(store, ids, reveal=args.full), out)]
        else:
            paths = export_registration(store, ids, out, reveal=args.full)
    for path in paths:
        print(path)
    shown = "含完整身份证号和电话号码，请妥善保管" if args.full else "身份证号和电话号码已部分隐藏"
    print(f"已导出 {len(teams)} 支服务队的登记表，共 {len(paths)} 个文件（{shown}）")
    return EXIT_OK


def add_period_arguments(parser) -> None:
    parser.add_argument("--from", dest="date_from", metavar="日期", help="起始日期（含），如 2026-08-01")
    parser.add_argument("--to", dest="date_to", metavar="日期", help="截止日期（含），如 2026-12-31")


def period(args: argparse.Namespace) -> tuple[str | None, str | None]:
    """--from/--to as ISO dates; a Chinese ValueError for a date that is not one, or a reversed period."""
    out = []
    for flag, value in (("--from", args.date_from), ("--to", args.date_to)):
        if value is None:
            out.append(None)
            continue
        try:
            out.append(dt.date.fromisoformat(value.strip()).isoformat())
        except ValueError:
            raise ValueError(f"{flag} 的日期“{value}”无法识别，应写作 2026-08-01") from None
    if out[0] and out[1] and out[0] > out[1]:
        raise ValueError(f"起始日期 {out[0]} 晚于截止日期 {out[1]}")
    return out[0], out[1]


def out_file(path: Path, suffix: str) -> Path:
    out = Path(path).expanduser()
    if out.suffix.lower() != suffix:
        raise ValueError(f"--out 应是以 {suffix} 结尾的文件名：{out}")
    if out.is_dir():
        raise ValueError(f"“{out}”是一个文件夹")
    return out


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
