"""`password set|change|recover|status|forget|remember`: the office's password on the encrypted sensitive fields
(core.vault). A password is never taken from the command line: from a file (--password-file on the group, the new
one from --new-password-file) or typed at a hidden prompt. The recovery key is printed once, when the password is set.
"""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import click

from ..core import vault
from ..core.store import Store
from .common import EXIT_OK, PROG, echo, open_store, read_secret, session
from .types import InFile
from .zh import group, option

NEW_FILE_HELP = "从这个文件的第一行读取新密码（不指定时在提示处输入，输入内容不显示）"


def _new_password(new_password_file: Path | None) -> str:
    if new_password_file is not None:
        password = read_secret(new_password_file, "新密码文件")
    else:
        password = str(click.prompt("新密码", hide_input=True, confirmation_prompt="再次输入新密码", err=True))
    vault.check_new_password(password)
    return password


def _current_password(password_file: Path | None) -> str:
    if password_file is not None:
        return read_secret(password_file, "密码文件")
    return str(click.prompt("当前密码", hide_input=True, err=True))


@group("password", short_help="设置、修改或找回加密敏感信息的密码",
       help="身份证号、电话、收入、健康状况、银行卡号等敏感信息在数据库中加密保存。设置密码后，复制走的数据库"
            "没有密码无法读取这些信息；本机默认记住密钥，打开时不必每次输入密码。")
def password_group() -> None:
    pass


@password_group.command("set", short_help="设置密码，并显示一次恢复密钥",
                        help="为数据库设置密码。设置后显示恢复密钥（只显示这一次）：请打印或抄写后妥善保管，"
                             "忘记密码时用它设置新密码。",
                        epilog=f"例：{PROG} --db 台账.db password set")
@option("--new-password-file", type=InFile(), metavar="文件", help=NEW_FILE_HELP)
def set_password(new_password_file: Path | None) -> int:
    with open_store() as store:
        if vault.state(store).has_password:
            raise vault.PasswordAlreadySet(f"“{store.path.name}”已经设置了密码；如需更换，请用 password change")
        recovery = vault.set_password(store, _new_password(new_password_file))
    echo("密码已设置。恢复密钥（只显示这一次，请打印或抄写后妥善保管）：")
    echo(recovery)
    return EXIT_OK


@password_group.command("change", short_help="修改密码（需要当前密码）",
                        help="修改密码。当前密码取自 --password-file 或在提示处输入；恢复密钥不变。",
                        epilog=f"例：{PROG} --db 台账.db --password-file 旧密码.txt password change "
                               "--new-password-file 新密码.txt")
@option("--new-password-file", type=InFile(), metavar="文件", help=NEW_FILE_HELP)
def change_password(new_password_file: Path | None) -> int:
    with _unopened() as (store, password_file):
        old = _current_password(password_file)
        vault.change_password(store, old, _new_password(new_password_file))
    echo("密码已修改")
    return EXIT_OK


@password_group.command("recover", short_help="忘记密码时，用恢复密钥设置新密码",
                        help="用设置密码时显示的恢复密钥（8 组、每组 5 个字母或数字）设置新密码。",
                        epilog=f"例：{PROG} --db 台账.db password recover --recovery-key-file 恢复密钥.txt")
@option("--recovery-key-file", type=InFile(), metavar="文件",
        help="从这个文件的第一行读取恢复密钥（不指定时在提示处输入）")
@option("--new-password-file", type=InFile(), metavar="文件", help=NEW_FILE_HELP)
def recover(recovery_key_file: Path | None, new_password_file: Path | None) -> int:
    with _unopened() as (store, _):
        key = (read_secret(recovery_key_file, "恢复密钥文件") if recovery_key_file
               else str(click.prompt("恢复密钥", hide_input=True, err=True)))
        vault.unlock_with_recovery(store, key, _new_password(new_password_file))
    echo("已用恢复密钥设置新密码")
    return EXIT_OK


@password_group.command("status", short_help="显示是否已设置密码、本机是否记住密钥",
                        help="显示数据库的加密状态：是否已设置密码、本次是否已解锁、本机是否记住密钥。")
def status() -> int:
    with open_store() as store:
        st = vault.state(store)
    where = "系统凭据管理器" if st.keeper == "keyring" else "本机密钥文件"
    echo(f"敏感信息加密：{'是' if st.encrypted else '否'}")
    echo(f"已设置密码：{'是' if st.has_password else '否'}")
    echo(f"已解锁：{'否' if st.locked else '是'}")
    echo(f"本机记住密钥：{'是（' + where + '）' if st.remembered else '否'}")
    if st.wait_seconds:
        echo(f"密码输错次数过多，需等待：{st.wait_seconds} 秒")
    return EXIT_OK


@password_group.command("forget", short_help="本机不再记住密钥，每次打开都要输入密码",
                        help="本机不再记住这个数据库的密钥：以后每次打开都需要密码（--password-file）。")
def forget() -> int:
    with open_store() as store:
        vault.forget(store)
    echo("本机已不再记住密钥；以后打开时请用 --password-file 提供密码")
    return EXIT_OK


@password_group.command("remember", short_help="本机记住密钥，打开时不再需要密码",
                        help="本机记住这个数据库的密钥（需先用 --password-file 解锁）：以后打开时不再需要密码。")
def remember() -> int:
    with open_store() as store:
        vault.remember(store)
    echo("本机已记住密钥")
    return EXIT_OK


@contextlib.contextmanager
def _unopened() -> Iterator[tuple[Store, Path | None]]:
    """The store opened without --password-file (the command checks the password itself, counted as unlock
    counts it), with that file."""
    s = session()
    password_file, s.password_file = s.password_file, None
    try:
        with open_store() as store:
            yield store, password_file
    finally:
        s.password_file = password_file
