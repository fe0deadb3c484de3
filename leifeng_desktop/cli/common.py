"""What the commands share: the database the clerk named and how it is opened, finding a team, a volunteer or a
unit by name, the clerk's mistakes as UserError, OS failures named by the clerk's file, and aligned output.

Opening: only `demo` creates a database (`create=True`); every other command refuses a missing or empty file
(`Store.open(create=False)`), and a command that writes or exports first runs quick_check (`sound=True`).
"""
from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import click

from ..core import schema as s
from ..core.errors import UserError
from ..core.store import Store, default_db_path
from .zh import pad, width

PROG = "leifeng-desktop"
EXIT_OK, EXIT_PROBLEMS, EXIT_ERROR = 0, 1, 2


@dataclass
class Session:
    """The top-level options, kept on the click context for the commands."""
    db: Path | None = None
    password_file: Path | None = None   # the office's password, never on the command line (core.vault)

    @property
    def db_path(self) -> Path:
        return Path(self.db).expanduser().absolute() if self.db else default_db_path()

    def password(self) -> str | None:
        """The password in --password-file (its first line), or None without the option."""
        return read_secret(self.password_file, "密码文件") if self.password_file else None


def read_secret(path: Path, what: str) -> str:
    """The first line of a password or recovery-key file (its line end dropped, spaces kept: they may be the
    password's); an unreadable or empty file is the clerk's mistake, named."""
    try:
        text = Path(path).expanduser().read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise UserError(f"{what}“{path}”不存在") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UserError(f"无法读取{what}“{path}”：{getattr(exc, 'strerror', None) or exc}") from None
    line = text.splitlines()[0] if text.splitlines() else ""
    if not line:
        raise UserError(f"{what}“{path}”的第一行是空的")
    return line


def session() -> Session:
    return click.get_current_context().ensure_object(Session)


def reject(message: str) -> NoReturn:
    """The clerk's mistake: `错误：<message>`, exit 2."""
    raise UserError(message)


@contextlib.contextmanager
def open_store(*, create: bool = False, sound: bool = False, backup: bool = False,
               migrate: bool = True) -> Iterator[Store]:
    """The database of --db. `create`: only demo makes a new file; `sound`: refuse a damaged file before writing
    or exporting (the message names `check`); `backup`: a command that writes makes the day's backup first
    (core.backup.daily_backup: once a day, a failure only logged); `migrate=False`: no upgrade, no 回收站 purge and
    no attachment sweep (check looks at a file as it is). The sensitive values unlock with --password-file or the
    key this PC keeps (else they read as 已加密); what the upgrade encrypted is said in one line on stderr."""
    store = Store.open(session().db_path, create=create, migrate=migrate, password=session().password())
    if store.notice:
        print(store.notice, file=sys.stderr)
    try:
        if sound:
            store.ensure_sound()
        if backup:
            from ..core.backup import daily_backup
            daily_backup(store.path)
        yield store
    finally:
        store.close()


@contextlib.contextmanager
def as_user_error(*kinds: type[Exception]) -> Iterator[None]:
    """Core functions that still raise a plain ValueError with a Chinese sentence for a clerk's mistake (demo on
    a full database, a summary period across two years …): that sentence is a UserError here."""
    try:
        yield
    except UserError:
        raise
    except kinds as exc:
        raise UserError(str(exc)) from exc


def explain_os_error(exc: OSError, target: Path) -> UserError:
    """One Chinese line naming the clerk's file (exports.files knows every case; a plain fallback without it)."""
    try:
        from ..exports.files import explain_os_error as explain
    except ImportError:
        return UserError(f"无法保存“{target}”：{exc.strerror or exc.__class__.__name__}")
    return explain(exc, target)


@contextlib.contextmanager
def writing(target: Path) -> Iterator[None]:
    """OS failures inside the block (disk full, read-only, a folder in the way …) name `target`, never a temp file."""
    try:
        yield
    except OSError as exc:
        if isinstance(exc, UserError):
            raise
        raise explain_os_error(exc, target) from exc


@contextlib.contextmanager
def saving(out: Path) -> Iterator[None]:
    """Writing the clerk's file `out`: its folder made when missing, OS failures inside the block naming it."""
    make_folder(out.parent, out)
    with writing(out):
        yield


def make_folder(folder: Path, target: Path | None = None) -> None:
    """The folder `target` goes into, made if missing; a file in the way is named as such."""
    target = target or folder
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        blocker = next((p for p in (folder, *folder.parents) if p.exists() and not p.is_dir()), None)
        if blocker == target:
            raise UserError(f"“{target}”是一个文件，不是文件夹；请另选保存的文件夹") from exc
        if blocker is not None:
            raise UserError(f"“{blocker}”是一个文件，不是文件夹，无法保存“{target}”；请另选位置") from exc
        raise explain_os_error(exc, target) from exc


# -- finding records by the names a clerk types ---------------------------------------------------------------
def find_team(store: Store, name: str, unit: str | None = None) -> dict:
    """The one team of that name (and unit); otherwise a UserError naming the choices."""
    name, unit = name.strip(), (unit or "").strip()
    teams = store.rows("team", where="name = ?", params=[name])
    matches = [t for t in teams if t["unit"] == unit] if unit else teams
    if len(matches) == 1:
        return matches[0]
    if len(matches) > 1 and unit:
        reject(f"“{unit}”下有 {len(matches)} 支服务队都叫“{name}”，请先在程序中修改队伍名称以便区分")
    if len(matches) > 1:
        reject(f"有 {len(matches)} 支服务队名为“{name}”，分属：{'、'.join(t['unit'] for t in matches)}；"
               "请用 --unit 单位名称 指定")
    where = f"（所属单位“{unit}”；该名称的服务队属于：{'、'.join(t['unit'] for t in teams)}）" if teams else ""
    similar = [t["name"] for t in store.rows("team", where="name LIKE ?", params=[f"%{name}%"], limit=5)]
    hint = f"；名称相近的有：{'、'.join(similar)}" if similar and not teams else ""
    reject(f"找不到名为“{name}”的服务队{where}{hint}")


def find_member(store: Store, name: str, team_name: str | None = None, unit: str | None = None) -> dict:
    """The one volunteer of that name (in that team); otherwise a UserError naming the teams."""
    name = name.strip()
    team = find_team(store, team_name, unit) if team_name else None
    where, params = ("name = ? AND team_id = ?", [name, team["id"]]) if team else ("name = ?", [name])
    found = store.rows("member", where=where, params=params)
    if len(found) == 1:
        return found[0]
    if team and found:
        reject(f"服务队“{team['name']}”中有 {len(found)} 名队员都叫“{name}”，请先在程序中区分（如注明身份证号）")
    if found:
        teams = {t["id"]: t for t in store.rows("team", where=f"id IN ({','.join('?' * len(found))})",
                                                 params=[m["team_id"] for m in found])}
        where_from = "、".join(f"{teams[m['team_id']]['name']}（{teams[m['team_id']]['unit']}）" for m in found)
        reject(f"有 {len(found)} 名志愿者叫“{name}”，分属：{where_from}；请用 --team 队伍名称 指定")
    where_text = f"服务队“{team['name']}”中" if team else ""
    reject(f"{where_text}找不到名为“{name}”的志愿者")


def known_unit(store: Store, unit: str | None, *, detail: str | None = None) -> str | None:
    """The unit name (stripped), None for none; a unit neither in the unit table nor a team's 所属单位 is refused,
    the message listing the known units unless `detail` says why instead."""
    unit = (unit or "").strip() or None
    if unit and not store.count("unit", where="name = ?", params=[unit]) \
            and not store.count("team", where="unit = ?", params=[unit]):
        if detail is not None:
            reject(f"找不到单位“{unit}”{detail}")
        names = [r["name"] for r in store.rows("unit", limit=8)]
        reject(f"找不到单位“{unit}”" + (f"；已有的单位：{'、'.join(names)}" if names else ""))
    return unit


def team_needs_unit(team: str | None, unit: str | None) -> None:
    if unit and not team:
        reject("--unit 只能与 --team 一起使用")


# -- output ---------------------------------------------------------------------------------------------------
def echo(text: object = "") -> None:
    """A line of output. A reader that went away (`| head`) does not stop the command: an import still writes its
    good rows and the exit code stays the command's; the rest of the output goes nowhere."""
    try:
        print(text)
    except BrokenPipeError:
        discard_stdout()


def discard_stdout() -> None:
    """stdout's reader is gone: send the rest (and Python's buffer, flushed at exit) to the null device."""
    os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def print_counts(counts: dict[str, int], *, with_keys: bool) -> None:
    label_w = max(width(rt.label) for rt in s.RECORD_TYPES.values()) + 2
    key_w = max(len(k) for k in s.RECORD_TYPES) + 2
    for key, rt in s.RECORD_TYPES.items():
        if key in counts:
            echo(f"  {pad(rt.label, label_w)}{pad(key, key_w) if with_keys else ''}{counts[key]:>6}")


def one_line(text: object) -> str:
    return " ".join(str(text).split())


def masked_note(full: bool, *, phones: bool = False) -> str:
    what = "身份证号和电话号码" if phones else "身份证号"
    return f"含完整{what}，请妥善保管" if full else f"{what}已部分隐藏"
