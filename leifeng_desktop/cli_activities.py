"""CLI commands of the service records: `export certificate` (志愿服务记录证明) and `export ledger activities`
(活动台账); `export ledger` is the group that cli_visits adds `visits` and `aid` to.

Kept beside cli.py (which hooks them in with one line) so that file stays small; the parsers, error handling and
exit codes are cli.py's.
"""
from __future__ import annotations

import argparse
from pathlib import Path

from . import cli


def add_export_activity_parsers(what) -> None:
    q = what.add_parser("certificate", help="出具一名志愿者的《志愿服务记录证明》（Word）",
                        description="按《志愿服务记录与证明出具办法（试行）》出具志愿服务记录证明：参加的活动逐项列出，"
                                    "并写明累计服务时长。身份证号默认部分隐藏。",
                        epilog=f"例：{cli.PROG} --db 台账.db export certificate --member 张三 --from 2026-01-01 "
                               f"--to 2026-12-31 --out 证明.docx")
    q.add_argument("--member", required=True, metavar="姓名", help="志愿者姓名")
    q.add_argument("--team", metavar="队伍名称", help="有同名志愿者时，用所在服务队区分")
    q.add_argument("--unit", metavar="单位名称", help="有同名服务队时，用所属单位区分（与 --team 一起用）")
    cli.add_period_arguments(q)
    q.add_argument("--out", required=True, type=Path, metavar="文件.docx", help="保存到哪个文件")
    q.add_argument("--full", action="store_true", help="显示完整的身份证号（默认部分隐藏）")
    q.set_defaults(func=cmd_export_certificate)
    q = what.add_parser("ledger", help="导出 Excel 台账（活动台账、走访台账、帮扶台账）",
                        description="导出 Excel 台账：每条记录一行，末行为合计；横向 A4 打印，每页重复标题行。")
    kind = q.add_subparsers(dest="ledger_what", metavar="台账", parser_class=cli._Parser, required=True)
    r = kind.add_parser("activities", help="志愿服务活动台账：每场活动一行，含参加人数和服务总时长",
                        description="志愿服务活动台账：每场活动一行（活动的全部字段、参加人数、服务总时长），末行合计。",
                        epilog=f"例：{cli.PROG} --db 台账.db export ledger activities --from 2026-08-01 --out 活动台账.xlsx")
    cli.add_period_arguments(r)
    r.add_argument("--team", metavar="队伍名称", help="只导出一支服务队组织的活动")
    r.add_argument("--unit", metavar="单位名称", help="有同名服务队时，用所属单位区分（与 --team 一起用）")
    r.add_argument("--out", required=True, type=Path, metavar="文件.xlsx", help="保存到哪个文件")
    r.set_defaults(func=cmd_export_ledger_activities)
    from .cli_visits import add_ledger_parsers
    add_ledger_parsers(kind)   # visits, aid


def find_member(store: "cli.Store", name: str, team_name: str | None = None, unit: str | None = None) -> dict:
    """The one member of that name (in that team); a Chinese ValueError naming the teams otherwise."""
    name = name.strip()
    team = cli.find_team(store, team_name, unit) if team_name else None
    where, params = ("name = ? AND team_id = ?", [name, team["id"]]) if team else ("name = ?", [name])
    found = store.rows("member", where=where, params=params)
    if len(found) == 1:
        return found[0]
    if team and found:
        raise ValueError(f"服务队“{team['name']}”中有 {len(found)} 名队员都叫“{name}”，请先在程序中区分（如注明身份证号）")
    if found:
        teams = {t["id"]: t for t in store.rows("team", where=f"id IN ({','.join('?' * len(found))})",
                                                 params=[m["team_id"] for m in found])}
        where_from = "、".join(f"{teams[m['team_id']]['name']}（{teams[m['team_id']]['unit']}）" for m in found)
        raise ValueError(f"有 {len(found)} 名志愿者叫“{name}”，分属：{where_from}；请用 --team 队伍名称 指定")
    where_text = f"服务队“{team['name']}”中" if team else ""
    raise ValueError(f"{where_text}找不到名为“{name}”的志愿者")


def cmd_export_certificate(args: argparse.Namespace) -> int:
    from .core.service_record import member_record
    from .exports.certificate import build_from_record
    from .exports.document import save_atomic
    if args.unit and not args.team:
        raise ValueError("--unit 只能与 --team 一起使用")
    date_from, date_to = cli.period(args)
    out = cli.out_file(args.out, ".docx")
    with cli.open_store(args, must_exist=True) as store:
        member = find_member(store, args.member, args.team, args.unit)
        record = member_record(store, member["id"], date_from=date_from, date_to=date_to)
        out.parent.mkdir(parents=True, exist_ok=True)
        save_atomic(build_from_record(store, record, reveal=args.full), out)
    print(out)
    shown = "含完整身份证号，请妥善保管" if args.full else "身份证号已部分隐藏"
    print(f"已出具 {member['name']}（{record.team.get('name') or ''}）的志愿服务记录证明：参加活动 "
          f"{record.activity_count} 次，累计服务时长 {record.total_hours or 0} 小时（{shown}）")
    return cli.EXIT_OK


def cmd_export_ledger_activities(args: argparse.Namespace) -> int:
    from .core.validation import minutes_to_hours
    from .exports.activity_ledger import export_with_summary
    if args.unit and not args.team:
        raise ValueError("--unit 只能与 --team 一起使用")
    date_from, date_to = cli.period(args)
    out = cli.out_file(args.out, ".xlsx")
    with cli.open_store(args, must_exist=True) as store:
        team_id = cli.find_team(store, args.team, args.unit)["id"] if args.team else None
        out.parent.mkdir(parents=True, exist_ok=True)
        path, total = export_with_summary(store, out, date_from=date_from, date_to=date_to, team_id=team_id)
    print(path)
    print(f"已导出活动台账：{total.activities} 场活动，参加 {total.participants} 人次，"
          f"服务总时长 {minutes_to_hours(total.total_minutes) or 0} 小时，受益 {total.beneficiaries} 人次")
    return cli.EXIT_OK
