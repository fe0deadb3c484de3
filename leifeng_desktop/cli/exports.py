"""`export registration`, `export certificate` and `export ledger activities|visits|aid|oplog`: Word and Excel
files.

Each export opens the database without creating it, refuses a damaged one (quick_check), and names the clerk's
file when the system refuses to write it. `export summary` and `export plan` are in documents.py.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from .common import (
    EXIT_OK,
    PROG,
    echo,
    find_member,
    find_team,
    make_folder,
    masked_note,
    open_store,
    reject,
    saving,
    team_needs_unit,
    writing,
)
from .options import full_option, out_option, period_options, team_option, unit_option, year_option
from .types import Date
from .zh import Usage, group, option


@group("export", short_help="导出文档（服务队登记表、志愿服务记录证明、台账等）",
       help="导出 Word 文档和 Excel 台账。身份证号和电话号码默认部分隐藏（前 6 位/前 3 位和后 4 位），"
            "加 --full 才显示完整号码。",
       epilog=f"例：{PROG} --db 台账.db export registration --all --out 登记表 ；"
              f"{PROG} --db 台账.db export registration --team 供电公司职工志愿服务队 --out 登记表.docx",
       subcommand_metavar="内容 [参数]...")
def export_group() -> None:
    pass


@export_group.command("registration", short_help="导出《学雷锋职工志愿服务队登记表》（Word，每队一个文件）",
                      help="导出服务队登记表：每支队伍一个 .docx 文件；导出多支时另生成一份合并文档"
                           "（登记表_汇总_日期.docx，各队之间分页），便于一次打印。")
@team_option("导出一支服务队（按队伍名称查找）")
@option("--all", "all_teams", is_flag=True, help="导出全部服务队")
@unit_option("有同名服务队时，用所属单位区分（与 --team 一起用）")
@out_option(metavar="路径", help="保存到哪个文件夹（不存在则创建）；只导出一支队伍时也可以是以 .docx 结尾的文件名")
@full_option("显示完整的身份证号和电话号码（默认部分隐藏）")
@option("--date", "day", type=Date("2026-08-20"), metavar="日期", help="表上的填报日期（默认：今天），如 2026-08-20")
def registration(team: str | None, all_teams: bool, unit: str | None, out: Path, full: bool,
                 day: dt.date | None) -> int:
    from ..exports.files import save_atomic
    from ..exports.registration import build_registration, export_registration
    if team and all_teams:
        raise Usage("--team 与 --all 只能选一个")
    if not (team or all_teams):
        raise Usage("请用 --team 队伍名称 指定一支服务队，或用 --all 导出全部服务队")
    team_needs_unit(team, unit)
    with open_store(sound=True) as store:
        teams = [find_team(store, team, unit)] if team else store.rows("team", order_by="unit, name, created_at")
        if not teams:
            reject("数据库中还没有服务队，没有可导出的登记表")
        ids = [t["id"] for t in teams]
        if out.suffix.lower() == ".docx":
            if len(ids) > 1:
                reject("导出多支服务队时 --out 应是文件夹，不能是 .docx 文件名")
            with saving(out):
                paths = [save_atomic(build_registration(store, ids, reveal=full, day=day), out)]
        else:
            make_folder(out)
            with writing(out):
                paths = export_registration(store, ids, out, reveal=full, day=day)
    for path in paths:
        echo(path)
    echo(f"已导出 {len(teams)} 支服务队的登记表，共 {len(paths)} 个文件（{masked_note(full, phones=True)}）")
    return EXIT_OK


@export_group.command("certificate", short_help="出具一名志愿者的《志愿服务记录证明》（Word）",
                      help="按《志愿服务记录与证明出具办法（试行）》出具志愿服务记录证明：参加的活动逐项列出，"
                           "并写明累计服务时长。身份证号默认部分隐藏。",
                      epilog=f"例：{PROG} --db 台账.db export certificate --member 张三 --from 2026-01-01 "
                             f"--to 2026-12-31 --out 证明.docx")
@option("--member", required=True, metavar="姓名", help="志愿者姓名")
@team_option("有同名志愿者时，用所在服务队区分")
@unit_option("有同名服务队时，用所属单位区分（与 --team 一起用）")
@period_options()
@out_option(".docx")
@full_option()
def certificate(member: str, team: str | None, unit: str | None, period: tuple, out: Path, full: bool) -> int:
    from ..core.service_record import member_record
    from ..exports.certificate import build_from_record, refuse_without_service
    from ..exports.files import save_atomic
    team_needs_unit(team, unit)
    with open_store(sound=True) as store:
        found = find_member(store, member, team, unit)
        record = member_record(store, found["id"], date_from=period[0], date_to=period[1])
        refuse_without_service(record)      # before anything is written
        with saving(out):
            save_atomic(build_from_record(store, record, reveal=full), out)
    echo(out)
    echo(f"已出具 {found['name']}（{record.team.get('name') or ''}）的志愿服务记录证明：参加活动 "
         f"{record.activity_count} 次，累计服务时长 {record.total_hours or 0} 小时（{masked_note(full)}）")
    return EXIT_OK


def ledger_date_option():
    return option("--date", "day", type=Date("2026-12-31"), metavar="日期",
                  help="台账末尾的填报日期（默认：今天），如 2026-12-31")


@export_group.group("ledger", short_help="导出 Excel 台账（活动台账、走访台账、帮扶台账）",
                    help="导出 Excel 台账：每条记录一行，末行为合计，其下为填表人、审核人（设置中的操作员、审核人）"
                         "和填报日期；横向打印（活动台账、走访台账用 A3），字号不小于 9 磅，每页重复标题行。",
                    subcommand_metavar="台账 [参数]...")
def ledger() -> None:
    pass


@ledger.command("activities", short_help="志愿服务活动台账：每场活动一行，含参加人数和服务总时长",
                help="志愿服务活动台账：每场活动一行（活动的全部字段、参加人数、服务总时长），末行合计。",
                epilog=f"例：{PROG} --db 台账.db export ledger activities --from 2026-08-01 --out 活动台账.xlsx")
@period_options()
@team_option("只导出一支服务队组织的活动")
@unit_option("有同名服务队时，用所属单位区分（与 --team 一起用）")
@out_option(".xlsx")
@ledger_date_option()
def ledger_activities(period: tuple, team: str | None, unit: str | None, out: Path, day: dt.date | None) -> int:
    from ..core.validation import minutes_to_hours
    from ..exports.activity_ledger import export_with_summary
    team_needs_unit(team, unit)
    with open_store(sound=True) as store:
        team_id = find_team(store, team, unit)["id"] if team else None
        with saving(out):
            path, total = export_with_summary(store, out, date_from=period[0], date_to=period[1], team_id=team_id,
                                              day=day)
    echo(path)
    echo(f"已导出活动台账：{total.activities} 场活动，参加 {total.participants} 人次，"
         f"服务总时长 {minutes_to_hours(total.total_minutes) or 0} 小时，受益 {total.beneficiaries} 人次")
    return EXIT_OK


@ledger.command("visits", short_help="走访企业台账：每次走访一行，其职工诉求逐条列在后面，含逾期情况",
                help="“面对面，心贴心，实打实”大走访企业台账：每次走访一行（有多条诉求时逐条分行，走访信息合并显示），"
                     "末行合计走访次数、企业家数（同一企业多次走访计一家）、诉求和逾期条数。",
                epilog=f"例：{PROG} --db 台账.db export ledger visits --year 2026 --out 走访台账.xlsx")
@year_option()
@out_option(".xlsx")
@ledger_date_option()
def ledger_visits(year: int | None, out: Path, day: dt.date | None) -> int:
    from ..exports.visit_ledgers import export_visit_ledger, visit_summary
    with open_store(sound=True) as store:
        with saving(out):
            path = export_visit_ledger(store, out, year=year, day=day)
        total = visit_summary(store, year=year)
    echo(path)
    echo(f"已导出走访台账：走访 {total['visits']} 次，涉及企业 {total['enterprises']} 家，"
         f"职工诉求 {total['demands']} 条（已办结 {total['done']} 条，逾期未办结 {total['overdue']} 条）")
    return EXIT_OK


@ledger.command("aid", short_help="困难职工帮扶台账：每笔帮扶一行，按帮扶项目小计",
                help="困难职工帮扶台账：每笔帮扶一行（姓名、身份证号、帮扶项目、金额、物品、经办人、日期、备注），"
                     "末行合计，其下按帮扶项目分列。身份证号默认部分隐藏，加 --full 显示完整号码。",
                epilog=f"例：{PROG} --db 台账.db export ledger aid --year 2026 --out 帮扶台账.xlsx")
@year_option()
@out_option(".xlsx")
@full_option()
@ledger_date_option()
def ledger_aid(year: int | None, out: Path, full: bool, day: dt.date | None) -> int:
    from ..core.validation import fen_to_yuan
    from ..exports.visit_ledgers import aid_summary, export_aid_ledger
    with open_store(sound=True) as store:
        with saving(out):
            path = export_aid_ledger(store, out, year=year, reveal=full, day=day)
        total = aid_summary(store, year=year)
    echo(path)
    echo(f"已导出帮扶台账：帮扶 {total['records']} 笔，{total['households']} 户，金额合计 "
         f"{fen_to_yuan(total['amount_fen'])} 元（{masked_note(full)}）")
    return EXIT_OK


@ledger.command("oplog", short_help="操作日志：每次新增、修改、删除、导入和设置修改一行",
                help="操作日志：每条操作一行（时间、操作员、操作、记录类型、记录、修改内容），按时间先后排列。"
                     "日志中的身份证号和电话号码本来就只记部分，收入、健康和银行卡信息只记“已修改”。",
                epilog=f"例：{PROG} --db 台账.db export ledger oplog --from 2026-09-01 --out 操作日志.xlsx")
@period_options()
@option("--operator", metavar="姓名", help="只导出这位操作员的操作（设置中的“操作员”）")
@out_option(".xlsx")
@ledger_date_option()
def ledger_oplog(period: tuple, operator: str | None, out: Path, day: dt.date | None) -> int:
    from ..exports.oplog_ledger import export_oplog
    with open_store(sound=True) as store:
        with saving(out):
            path, count = export_oplog(store, out, date_from=period[0], date_to=period[1], operator=operator,
                                       day=day)
    echo(path)
    echo(f"已导出操作日志：{count} 条")
    return EXIT_OK
