"""`import members`, `import households` and `import template`: Excel workbooks in, a per-row report out.

Exit codes: 0 every row imported; 1 some rows refused (the valid ones are still imported); 2 an error. A dry run
reads the database only.
"""
from __future__ import annotations

from pathlib import Path

from .common import EXIT_OK, EXIT_PROBLEMS, PROG, as_user_error, echo, find_team, open_store, saving, session
from .options import dry_run_option, out_option, team_option, unit_option
from .types import Choice, InFile
from .zh import argument, group

IMPORTABLE = {"members": "member", "households": "household"}   # the CLI word → record type (xlsx_import.SPECS)


@group("import", short_help="从 Excel（.xlsx）导入队员名单、困难职工档案，或生成空白导入模板",
       help="从 Excel 工作簿（.xlsx）导入记录：逐行检查，只导入合格的行（一次写入，出错则全部不写），"
            "并列出有问题的行号和原因。退出码：0 全部导入；1 有行被拒（合格的行仍已导入）；2 出错。",
       epilog=f"例：{PROG} --db 台账.db import template members --out 队员名单.xlsx ；"
              f"{PROG} --db 台账.db import members --team 供电公司职工志愿服务队 队员名单.xlsx",
       subcommand_metavar="内容 [参数]...")
def import_group() -> None:
    pass


@import_group.command("members", short_help="把队员名单导入到一支服务队",
                      help="把 Excel 队员名单导入到一支已登记的服务队。第一个工作表中含“姓名”的一行（前 10 行内）为"
                           "列标题，列的顺序不限；空行跳过；本队已有的人和表中重复的人不会导入。")
@argument("file", metavar="文件.xlsx", type=InFile(), help="队员名单（可先用 import template members 生成模板）")
@team_option(required=True)
@unit_option()
@dry_run_option()
def members(file: Path, team: str, unit: str | None, dry_run: bool) -> int:
    from ..core import xlsx_import as xi
    with open_store(sound=not dry_run, backup=not dry_run) as store:
        found = find_team(store, team, unit)
        existing = store.rows("member", where="team_id = ?", params=[found["id"]])
        with as_user_error(xi.XlsxImportError):
            preview = xi.read_workbook(file, "member", choices=store.settings.choices(), existing=existing)
        _report(preview, dry_run, "名队员")
        if preview.valid and not dry_run:
            with as_user_error(xi.XlsxImportError):
                ids = xi.import_rows(store, preview, parent_values={"team_id": found["id"]}, unit=found["unit"])
            echo(f"已导入 {len(ids)} 名队员到服务队“{found['name']}”（{found['unit']}）")
    return EXIT_PROBLEMS if preview.invalid else EXIT_OK


@import_group.command("households", short_help="导入困难职工档案",
                      help="从 Excel 导入困难职工档案。第一个工作表中含“姓名”的一行（前 10 行内）为列标题，"
                           "列的顺序不限；空行跳过；身份证号与已有档案或表中其他行相同的不会导入。"
                           "金额（家庭月人均收入）以元填写，最多两位小数。")
@argument("file", metavar="文件.xlsx", type=InFile(),
          help="困难职工名单（可先用 import template households 生成模板）")
@dry_run_option()
def households(file: Path, dry_run: bool) -> int:
    from ..core import xlsx_import as xi
    with open_store(sound=not dry_run, backup=not dry_run) as store:
        with as_user_error(xi.XlsxImportError):
            preview = xi.read_workbook(file, "household", choices=store.settings.choices(),
                                       existing=store.rows("household"))
        _report(preview, dry_run, "户困难职工档案")
        if preview.valid and not dry_run:
            with as_user_error(xi.XlsxImportError):
                ids = xi.import_rows(store, preview, parent_values={})
            echo(f"已导入 {len(ids)} 户困难职工档案")
    return EXIT_PROBLEMS if preview.invalid else EXIT_OK


def _report(preview, dry_run: bool, what: str) -> None:
    from ..core import xlsx_import as xi
    for line in xi.format_report(preview):
        echo(line)
    if dry_run:
        echo(f"试运行：未写入数据库（去掉 --dry-run 将导入 {preview.valid} {what}）")
    elif not preview.valid:
        echo("没有可导入的行，数据库未作修改")


@import_group.command("template", short_help="生成空白导入模板（含下拉选项和“填写说明”工作表）",
                      help="生成空白的 Excel 导入模板。若 --db 所指数据库已存在，下拉选项取自其中的设置。")
@argument("kind", metavar="内容", type=Choice(list(IMPORTABLE)),
          help="members（队员名单）或 households（困难职工档案）")
@out_option(".xlsx", "模板保存到哪里（不会覆盖已有文件）", wrong_suffix="模板文件名应以 .xlsx 结尾：{out}",
            new_only="文件“{out}”已存在，为免覆盖已填写的名单，请换一个文件名")
def template(kind: str, out: Path) -> int:
    from ..core.xlsx_template import write_template
    choices = None
    db = session().db_path
    if db.is_file() and db.stat().st_size:   # the clerk's edited choice lists, when there is a database
        with open_store() as store:
            choices = store.settings.choices()
    with saving(out):
        write_template(out, IMPORTABLE[kind], choices=choices)
    echo(f"已生成导入模板：{out}（第二个工作表“填写说明”列出各列的填写要求）")
    return EXIT_OK
