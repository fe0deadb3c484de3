"""CLI commands of the visiting campaign: `import households` and `export ledger visits|aid`.

Kept beside cli.py (which hooks them in with one line each) so that file stays small; the parsers, error handling
and exit codes are cli.py's.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from . import cli


def add_import_households(what) -> None:
    q = what.add_parser("households", help="导入困难职工档案",
                        description="从 Excel 导入困难职工档案。第一个工作表中含“姓名”的一行（前 10 行内）为列标题，"
                                    "列的顺序不限；空行跳过；身份证号与已有档案或表中其他行相同的不会导入。"
                                    "金额（家庭月人均收入）以元填写，最多两位小数。")
    q._positionals.title = "参数"
    q.add_argument("file", metavar="文件.xlsx", type=Path, help="困难职工名单（可先用 import template households 生成模板）")
    q.add_argument("--dry-run", action="store_true", help="只检查并列出问题，不写入数据库")
    q.set_defaults(func=cmd_import_households)


def cmd_import_households(args: argparse.Namespace) -> int:
    from .core import xlsx_import as xi
    with cli.open_store(args, must_exist=True) as store:
        existing = store.rows("household")
        preview = xi.read_workbook(args.file, "household", choices=store.settings.choices(), existing=existing)
        for line in xi.format_report(preview):
            print(line)
        if args.dry_run:
            print(f"试运行：未写入数据库（去掉 --dry-run 将导入 {preview.valid} 户困难职工档案）")
        elif preview.valid:
            ids = xi.import_rows(store, preview, parent_values={})
            print(f"已导入 {len(ids)} 户困难职工档案")
        else:
            print("没有可导入的行，数据库未作修改")
    return cli.EXIT_PROBLEMS if preview.invalid else cli.EXIT_OK


def add_ledger_parsers(kind) -> None:
    r = kind.add_parser("visits", help="走访企业台账：每次走访一行，其职工诉求逐条列在后面，含逾期情况",
                        description="“面对面，心贴心，实打实”大走访企业台账：每次走访一行（有多条诉求时逐条分行，"
                                    "走访信息合并显示），末行合计走访次数、企业家数（同一企业多次走访计一家）、诉求和逾期条数。",
                        epilog=f"例：{cli.PROG} --db 台账.db export ledger visits --year 2026 --out 走访台账.xlsx")
    add_year_argument(r)
    r.add_argument("--out", required=True, type=Path, metavar="文件.xlsx", help="保存到哪个文件")
    r.set_defaults(func=cmd_export_ledger_visits)
    r = kind.add_parser("aid", help="困难职工帮扶台账：每笔帮扶一行，按帮扶项目小计",
                        description="困难职工帮扶台账：每笔帮扶一行（姓名、身份证号、帮扶项目、金额、物品、经办人、日期、备注），"
                                    "末行合计，其下按帮扶项目分列。身份证号默认部分隐藏，加 --full 显示完整号码。",
                        epilog=f"例：{cli.PROG} --db 台账.db export ledger aid --year 2026 --out 帮扶台账.xlsx")
    add_year_argument(r)
    r.add_argument("--out", required=True, type=Path, metavar="文件.xlsx", help="保存到哪个文件")
    r.add_argument("--full", action="store_true", help="显示完整的身份证号（默认部分隐藏）")
    r.set_defaults(func=cmd_export_ledger_aid)


def add_year_argument(parser) -> None:
    parser.add_argument("--year", type=int, metavar="年度", help="只导出该年度的记录，如 2026（默认全部）")


def _year(args: argparse.Namespace) -> int | None:
    if args.year is not None and not 2000 <= args.year <= 2100:
        raise ValueError(f"--year 的年度“{args.year}”不合理，应写作 2026 这样的四位年份")
    return args.year


def cmd_export_ledger_visits(args: argparse.Namespace) -> int:
    from .exports.visit_ledgers import export_visit_ledger, visit_summary
    year, out = _year(args), cli.out_file(args.out, ".xlsx")
    with cli.open_store(args, must_exist=True) as store:
        out.parent.mkdir(parents=True, exist_ok=True)
        path = export_visit_ledger(store, out, year=year)
        total = visit_summary(store, year=year)
    print(path)
    print(f"已导出走访台账：走访 {total['visits']} 次，涉及企业 {total['enterprises']} 家，职工诉求 {total['demands']} 条"
          f"（已办结 {total['done']} 条，逾期未办结 {total['overdue']} 条）")
    return cli.EXIT_OK


def cmd_export_ledger_aid(args: argparse.Namespace) -> int:
    from .core.validation import fen_to_yuan
    from .exports.visit_ledgers import aid_summary, export_aid_ledger
    year, out = _year(args), cli.out_file(args.out, ".xlsx")
    with cli.open_store(args, must_exist=True) as store:
        out.parent.mkdir(parents=True, exist_ok=True)
        path = export_aid_ledger(store, out, year=year, reveal=args.full)
        total = aid_summary(store, year=year)
    print(path)
    shown = "含完整身份证号，请妥善保管" if args.full else "身份证号已部分隐藏"
    print(f"已导出帮扶台账：帮扶 {total['records']} 笔，{total['households']} 户，金额合计 "
          f"{fen_to_yuan(total['amount_fen'])} 元（{shown}）")
    return cli.EXIT_OK
