"""`bundle export|import` and `bundle settings export|import` (issue 17): data bundles (.lfx) sent up to the city
office and merged there, and the city's campaign settings sent down (core.bundle_export, bundle_merge,
bundle_settings).

A passphrase is never taken from the command line: from --passphrase-file (its first line) or typed at a hidden
prompt (twice when exporting) on a terminal. --no-encryption writes a plain bundle, asked first on a terminal
(--yes skips the question). Exit codes: 0 done; 1 `bundle import` refused at least one file (each file is its own
all-or-nothing step with a line of its own); 2 an error.
"""
from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from ..core import vault
from ..core.errors import UserError
from .common import EXIT_OK, EXIT_PROBLEMS, PROG, echo, one_line, open_store, print_counts, read_secret, saving
from .options import dry_run_option, out_option
from .types import Choice, Date, InFile
from .zh import Usage, argument, group, option

T = TypeVar("T")
PASSPHRASE_FILE_HELP = "从这个文件的第一行读取数据包口令（不指定时在提示处输入，输入内容不显示）"
SEND_APART = "请把口令另行告知接收单位（如打电话），不要与数据包放在同一封邮件或同一个聊天里发送"
PLAIN_WARNING = "数据包未加密，含完整的身份证号、电话等敏感信息，请妥善保管"
CONFLICT_WAYS = {"mine": "保留本库的值", "theirs": "采用数据包的值"}


def interactive() -> bool:
    """Someone at a terminal can answer a prompt (tests patch this)."""
    return sys.stdin.isatty()


@group("bundle", short_help="数据包：下级单位导出、市总工会合并；活动设置下发",
       help="数据包（.lfx）用于上下级之间传递数据：下级工会导出本单位的记录（可只导出某日以来的），通过邮件或 U 盘"
            "交给上级，上级导入后自动合并（合并前自动备份，全部成功或全部不写），并记一条“数据包”报送记录；"
            "市总工会把活动年度、目标、截止日期、工作组、选项表和应报送单位导出为设置数据包，下级导入后按同样的"
            "规则工作。数据包默认用口令加密，口令请另行告知（如打电话），不要与数据包放在一起发送。",
       epilog=f"例：{PROG} --db 台账.db bundle export --out 数据包.lfx --passphrase-file 口令.txt ；"
              f"{PROG} --db 市总.db bundle import 青山区.lfx 江岸区.lfx --passphrase-file 口令.txt",
       subcommand_metavar="命令 [参数]...")
def bundle_group() -> None:
    pass


def passphrase_options(func: Callable[..., T]) -> Callable[..., T]:
    """--passphrase-file | --no-encryption (--yes): the command gets `passphrase` (None: not encrypted)."""
    def wrapper(*args, passphrase_file: Path | None, no_encryption: bool, yes: bool, **kwargs) -> T:
        return func(*args, passphrase=_export_passphrase(passphrase_file, no_encryption, yes), **kwargs)
    wrapper.__name__, wrapper.__doc__ = func.__name__, func.__doc__
    wrapper = option("--yes", is_flag=True, help="与 --no-encryption 一起用：不再询问，直接导出不加密的数据包")(wrapper)
    wrapper = option("--no-encryption", is_flag=True,
                     help="不加密（数据包中的身份证号、电话等可被任何人读取；在终端上会先询问）")(wrapper)
    return option("--passphrase-file", type=InFile(), metavar="文件", help=PASSPHRASE_FILE_HELP)(wrapper)


def _export_passphrase(passphrase_file: Path | None, no_encryption: bool, yes: bool) -> str | None:
    if passphrase_file is not None and no_encryption:
        raise Usage("--passphrase-file 与 --no-encryption 只能选一个")
    if no_encryption:
        if interactive() and not yes:
            click.confirm(f"{PLAIN_WARNING}。确定不加密吗", default=False, abort=True, err=True)
        return None
    if passphrase_file is not None:
        return check_passphrase(read_secret(passphrase_file, "口令文件"))
    if not interactive():
        raise Usage("没有给出数据包口令：请用 --passphrase-file 文件 指定口令，或用 --no-encryption 导出不加密的数据包")
    return check_passphrase(str(click.prompt("数据包口令", hide_input=True, confirmation_prompt="再次输入口令",
                                             err=True)))


def check_passphrase(passphrase: str) -> str:
    """The rule of the office's password (core.vault), as the window's export dialog applies it too."""
    try:
        vault.check_new_password(passphrase)
    except vault.WeakPassword as exc:
        raise UserError(str(exc).replace("密码", "数据包口令")) from None
    return passphrase


def _sent(passphrase: str | None) -> None:
    echo(f"  已加密：{SEND_APART}" if passphrase else f"  {PLAIN_WARNING}")


@bundle_group.command("export", short_help="导出本单位的数据包（发给上级）",
                      help="把本数据库的记录导出为一个数据包（.lfx），发给上级工会合并。默认导出全部记录（含本数据库"
                           "合并进来的下级单位的记录）和删除记录；--since 只导出该日以来新增或修改的。附件文件默认不带"
                           "（--with-attachments 带上，文件会大很多）。默认用口令加密。",
                      epilog=f"例：{PROG} --db 台账.db bundle export --out 青山区总工会_数据包.lfx "
                             "--since 2026-09-01 --passphrase-file 口令.txt")
@out_option(".lfx", "保存为这个数据包文件", metavar="文件.lfx")
@option("--since", type=Date("2026-09-01"), metavar="日期", help="只导出该日（含）以来新增、修改或删除的记录")
@option("--with-attachments", is_flag=True, help="带上活动的照片、文档等附件文件")
@passphrase_options
def export(out: Path, since, with_attachments: bool, passphrase: str | None) -> int:
    from ..core.bundle_export import export_bundle
    out = out.absolute()
    with open_store(sound=True) as store, saving(out):
        manifest = export_bundle(store, out, since=since.isoformat() if since else None,
                                 with_attachments=with_attachments, passphrase=passphrase)
    echo(f"已导出数据包 {out}")
    period = f"{manifest.since} 以来的记录" if manifest.since else "全部记录"
    echo(f"  {manifest.sender_unit}，{manifest.year} 年度，{period} {manifest.total_records} 条：")
    print_counts({k: n for k, n in manifest.counts.items() if n}, with_keys=False)
    echo(f"  删除记录 {manifest.deleted} 条，附件文件 {manifest.attachments} 个")
    _sent(passphrase)
    return EXIT_OK


@bundle_group.command("import", short_help="导入并合并下级单位的数据包（可一次多个）",
                      help="导入一个或多个数据包，逐个检查（完整性、版本、年度、发送单位）后合并：每个数据包单独"
                           "全部成功或全部不写，合并前自动备份；同一个数据包再次导入不会重复。两边都改过的记录"
                           "（冲突）需要决定：在程序窗口中逐项选择，或用 --on-conflict 统一决定；不指定时有冲突的"
                           "数据包不导入。每个数据包输出一行结果；有数据包被拒绝时退出码为 1。",
                      epilog=f"例：{PROG} --db 市总.db bundle import 青山区.lfx 江岸区.lfx --passphrase-file 口令.txt")
@argument("files", nargs=-1, required=True, type=InFile(), metavar="数据包.lfx...", help="要导入的数据包文件")
@option("--passphrase-file", type=InFile(), metavar="文件",
        help="从这个文件的第一行读取口令（各数据包口令相同时；不指定时在终端上逐个提示输入）")
@dry_run_option()
@option("--on-conflict", type=Choice(list(CONFLICT_WAYS)), metavar="mine|theirs",
        help="两边都改过的记录：mine 保留本库的值，theirs 采用数据包的值（不指定时有冲突的数据包不导入）")
def import_(files: tuple[Path, ...], passphrase_file: Path | None, dry_run: bool, on_conflict: str | None) -> int:
    from ..core.bundle_merge import MergeResult, import_bundle
    secret = Passphrase(passphrase_file)
    refused = 0
    with open_store(sound=True, backup=not dry_run) as store:
        for file in files:
            def one(passphrase: str | None, file: Path = file) -> MergeResult:
                return import_bundle(store, file, passphrase=passphrase, on_conflict=on_conflict, dry_run=dry_run)
            try:
                result = secret.run(file, one)
            except UserError as exc:
                refused += 1
                echo(f"未导入：{one_line(exc)}")
                continue
            echo(result.line())
    return EXIT_PROBLEMS if refused else EXIT_OK


class Passphrase:
    """The passphrase of the bundles read: --passphrase-file's, else typed on a terminal when a bundle needs one
    (and tried first on the next bundle: an office often uses one passphrase)."""

    def __init__(self, passphrase_file: Path | None):
        self.fixed = passphrase_file is not None
        self.value = read_secret(passphrase_file, "口令文件") if passphrase_file is not None else None

    def run(self, file: Path, call: Callable[[str | None], T]) -> T:
        """`call(passphrase)`; without one, or with a wrong one, asked once on a terminal."""
        from ..core.bundle_checks import file_label
        from ..core.bundle_file import NeedsPassphrase, WrongPassphrase
        try:
            return call(self.value)
        except (NeedsPassphrase, WrongPassphrase):
            if self.fixed or not interactive():
                raise
        self.value = str(click.prompt(f"“{file_label(file)}”的口令", hide_input=True, err=True))
        return call(self.value)


@bundle_group.group("settings", short_help="活动设置数据包：市总工会导出，下级单位导入",
                    help="市总工会把活动年度、城市、走访目标、各项截止日期、诉求答复期限、选项表、工作组和应报送"
                         "单位导出为设置数据包；下级单位导入后按同样的规则工作。本单位名称、类型、填表人、负责人、"
                         "审核人、联系电话、主送机关、回收站保留天数和总结材料的文字保持不变。",
                    subcommand_metavar="命令 [参数]...")
def settings_group() -> None:
    pass


@settings_group.command("export", short_help="导出活动设置数据包（发给下级单位）",
                        help="把本数据库的活动设置、选项表、工作组和单位名单导出为设置数据包（.lfx）。默认用口令加密。",
                        epilog=f"例：{PROG} --db 市总.db bundle settings export --out 2026年活动设置.lfx "
                               "--passphrase-file 口令.txt")
@out_option(".lfx", "保存为这个数据包文件", metavar="文件.lfx")
@passphrase_options
def settings_export(out: Path, passphrase: str | None) -> int:
    from ..core.bundle_settings import export_settings
    out = out.absolute()
    with open_store(sound=True) as store, saving(out):
        manifest = export_settings(store, out, passphrase=passphrase)
    echo(f"已导出设置数据包 {out}")
    echo(f"  {manifest.sender_unit}，{manifest.year} 年度的活动设置和选项表，单位 {manifest.counts.get('unit', 0)} 个，"
         f"工作组 {manifest.counts.get('working_group', 0)} 个")
    _sent(passphrase)
    return EXIT_OK


@settings_group.command("import", short_help="导入上级发来的活动设置数据包",
                        help="导入上级发来的设置数据包：先列出将要修改的设置、新增或更新的单位和工作组，再在一次写入中"
                             "全部修改（导入前自动备份）。本单位自己的设置保持不变。",
                        epilog=f"例：{PROG} --db 台账.db bundle settings import 2026年活动设置.lfx "
                               "--passphrase-file 口令.txt --dry-run")
@argument("file", metavar="数据包.lfx", type=InFile(), help="上级发来的设置数据包")
@option("--passphrase-file", type=InFile(), metavar="文件", help=PASSPHRASE_FILE_HELP)
@dry_run_option()
def settings_import(file: Path, passphrase_file: Path | None, dry_run: bool) -> int:
    from ..core.bundle_checks import file_label
    from ..core.bundle_settings import apply_settings, preview_settings
    with open_store(sound=True, backup=not dry_run) as store:
        plan = Passphrase(passphrase_file).run(file, lambda p: preview_settings(store, file, passphrase=p))
        if dry_run:
            echo(f"试运行：导入“{file_label(file)}”将作以下修改（数据库未作任何改动）：")
        else:
            plan = apply_settings(store, plan)
            echo(f"已导入设置数据包“{file_label(file)}”（{plan.manifest.sender_unit}，{plan.manifest.created_at[:10]}）：")
        for line in plan.lines():
            echo(f"  {line}")
        if plan.backup is not None:
            echo(f"导入前的数据库已备份到 {plan.backup}")
    return EXIT_OK
