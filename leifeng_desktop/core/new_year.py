"""开始新年度: a new database file for the next campaign year, made from this year's file, which is not touched.

A new file (not a year filter in the same file) keeps last year's reports exactly reproducible: every export of
last year reads last year's file as it was. The new file keeps what lasts from year to year under the same UUIDs
(so bundles of both years still merge): units, working groups, teams with their rosters, households with their
family rows, settings and choice lists; the campaign year becomes N and every deadline moves to N (same month and
day, 29 Feb → 28 Feb). It starts empty of the year's work: activities (participants, attachments, publicity),
enterprise visits (demands), household visits, aid, submissions, honors, the saved texts of the 总结材料 and the
实施方案 (their drafts are rebuilt from the new year), the 操作日志 and the 回收站.

The copy is taken with SQLite's backup API from the open store (one read transaction), cleared in one transaction
under a temporary name beside the target (exports.files: a killed run's leftover is swept), VACUUMed, checked with
integrity_check and foreign_key_check, and only then linked to its name; an existing file is never replaced.

    plan(store, year=None) -> NewYearPlan                     what is kept and what starts empty, with counts
    start_new_year(store, out, year=None, progress=, cancelled=) -> NewYearPlan (path set)
    default_path(db_path, year) -> Path                        学雷锋志愿服务_<year>.db beside the old file
"""
from __future__ import annotations

import dataclasses
import json
import logging
import os
import sqlite3
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import errors, first_run, private_files
from . import migrations as mig
from . import schema as s
from .errors import StoreError, UserError
from .settings import CAMPAIGN
from .store import Store

log = logging.getLogger(__name__)

KEPT = ("unit", "working_group", "team", "member", "household", "family_member")
# children before their owners, so no reference is ever left pointing at a deleted row
EMPTIED = ("participant", "attachment", "publicity", "demand", "enterprise_visit", "household_visit", "aid",
           "submission", "honor", "activity")
LOGS = {"oplog": "操作日志", "trash": "回收站"}
# issue 17's bookkeeping: last year's deletions and arrivals are history (emptied); the baselines of the records
# kept (teams, rosters, households) stay, so next year's bundles still find what both sides changed
BUNDLE_EMPTIED, BUNDLE_KEPT = ("tombstone", "bundle_import"), ("bundle_baseline",)
TEXT_DOCS = ("summary", "plan")   # core.texts.DOCS: their saved parts are "<doc>.<part>" settings keys
DEADLINES = first_run.DEADLINES   # its year_deadlines moves them (also for the first setup)
FILE_STEM = "学雷锋志愿服务"
STEPS = 5


class NewYearCancelled(Exception):
    """The clerk pressed 取消; nothing was left behind."""


@dataclass(frozen=True)
class NewYearPlan:
    """What starting year `year` from `source` keeps and empties (record type → count), and the moved deadlines
    (settings key → (old, new)). `path` is the new file once written."""
    source: Path
    old_year: int
    year: int
    kept: dict[str, int]
    emptied: dict[str, int]
    logs: dict[str, int]
    texts: int
    deadlines: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    path: Path | None = None

    def kept_lines(self) -> list[str]:
        label = _label_counts(self.kept)
        return [label("unit", "working_group"), label("team", "member"), label("household", "family_member"),
                f"设置和选项表，活动年度 {self.old_year} → {self.year}", "截止日期顺延到新年度的同月同日："]

    def emptied_lines(self) -> list[str]:
        label = _label_counts(self.emptied)
        logs = "，".join(f"{LOGS[k]} {n} 条" for k, n in self.logs.items())
        return [label("activity", "participant", "attachment"), label("publicity", "honor", "submission"),
                label("enterprise_visit", "demand"), label("household_visit", "aid"), logs,
                f"总结材料和实施方案已保存的文字 {self.texts} 段（按新年度重新生成初稿）"]

    def deadline_lines(self) -> list[str]:
        return [f"{CAMPAIGN.field(k).label}：{old or '未设'} → {new or '未设'}"
                for k, (old, new) in self.deadlines.items()]


def _label_counts(counts: dict[str, int]) -> Callable[..., str]:
    def line(*keys: str) -> str:
        return "，".join(f"{s.RECORD_TYPES[k].label} {counts[k]} 条" for k in keys)
    return line


def default_path(db_path: str | os.PathLike[str], year: int) -> Path:
    """Where the new year's file goes unless the clerk says otherwise: beside the old one, a name not yet used."""
    folder = Path(db_path).expanduser().absolute().parent
    for n in range(1, 100):
        candidate = folder / (f"{FILE_STEM}_{year}.db" if n == 1 else f"{FILE_STEM}_{year}（{n}）.db")
        if not candidate.exists():
            return candidate
    return folder / f"{FILE_STEM}_{year}.db"


def _year(store: Store, year: int | None) -> tuple[int, int]:
    old = int(store.settings.campaign()["year"])
    new = old + 1 if year is None else int(year)
    low, high = CAMPAIGN.field("year").minimum or 2000, CAMPAIGN.field("year").maximum or 2100
    first = max(old + 1, low)
    if not first <= new <= high:
        raise UserError(f"“{store.path.name}”的活动年度是 {old} 年，新年度应在 {first} 至 {high} 年之间，"
                        f"不能是 {new} 年")
    return old, new


def plan(store: Store, year: int | None = None) -> NewYearPlan:
    """What a new year `year` (default: the settings' year + 1) made from `store` keeps and starts empty."""
    old, new = _year(store, year)
    campaign = store.settings.campaign()
    moved = first_run.year_deadlines(new, campaign)
    logs = {k: store.db.execute(f"SELECT count(*) FROM {k}").fetchone()[0] for k in LOGS}
    texts = sum(store.db.execute("SELECT count(*) FROM settings WHERE key LIKE ?", [f"{doc}.%"]).fetchone()[0]
                for doc in TEXT_DOCS)
    return NewYearPlan(source=store.path, old_year=old, year=new, kept={k: store.count(k) for k in KEPT},
                       emptied={k: store.count(k) for k in EMPTIED}, logs=logs, texts=texts,
                       deadlines={k: (campaign[k], moved[k]) for k in DEADLINES})


def start_new_year(store: Store, out: str | os.PathLike[str], *, year: int | None = None,
                   progress: Callable[[int, int], None] | None = None,
                   cancelled: Callable[[], bool] | None = None) -> NewYearPlan:
    """Write the new year's database to `out` (refused when it exists) from `store`, which is only read.
    Raises UserError in one Chinese sentence naming the file; NewYearCancelled when `cancelled()` turns true.
    Nothing is left at `out` or beside it unless the whole file was written and checked."""
    from ..exports.files import temporary_beside

    target = Path(out).expanduser().absolute()
    _check_target(store, target)
    if store.schema_version != mig.SCHEMA_VERSION:
        raise StoreError(f"“{store.path.name}”的数据结构较旧，请先用本程序打开一次（会自动升级）再开始新年度")
    store.ensure_sound()
    the_plan = plan(store, year)
    step = _stepper(progress, cancelled)
    step(0)
    with temporary_beside(target) as temp:
        try:
            _write(store, temp, the_plan, step)
        except sqlite3.Error as exc:
            found = errors.classify(exc, target)
            raise (found if found is not exc else StoreError(f"未能写成新年度数据库“{target}”：{exc}")) from exc
        step(4)
        _place(temp, target)
    step(STEPS)
    log.info("new year %s started from %s into %s", the_plan.year, store.path, target)
    return dataclasses.replace(the_plan, path=target)


def _check_target(store: Store, target: Path) -> None:
    if target.exists():
        raise UserError(f"“{target}”已存在；开始新年度不会覆盖已有文件，请另选文件名")
    if not target.parent.is_dir():
        raise UserError(f"文件夹“{target.parent}”不存在，无法保存“{target.name}”；请先创建该文件夹或另选位置")
    if target == store.path:
        raise UserError(f"新年度的数据库不能与“{store.path.name}”是同一个文件，请另选文件名")


def _stepper(progress: Callable[[int, int], None] | None,
             cancelled: Callable[[], bool] | None) -> Callable[[int], None]:
    def step(done: int) -> None:
        if cancelled is not None and cancelled():
            raise NewYearCancelled()
        if progress is not None:
            progress(done, STEPS)
    return step


def _write(store: Store, temp: Path, the_plan: NewYearPlan, step: Callable[[int], None]) -> None:
    private_files.restrict(temp)   # the year's households and members: owner-only before a byte goes in
    dest = sqlite3.connect(str(temp), isolation_level=None)
    try:
        store.db.conn.backup(dest)   # one step: one read transaction on the source, a consistent snapshot
        # no journal or VACUUM temporaries on disk: a half-written temp file is only ever thrown away
        dest.execute("PRAGMA journal_mode = DELETE")
        dest.execute("PRAGMA journal_mode = MEMORY")
        dest.execute("PRAGMA temp_store = MEMORY")
        dest.execute("PRAGMA foreign_keys = ON")
        step(1)
        _clear(dest, the_plan)
        step(2)
        dest.execute("VACUUM")
        step(3)
        problems = [r[0] for r in dest.execute("PRAGMA integrity_check") if r[0] != "ok"]
        problems += [str(r) for r in dest.execute("PRAGMA foreign_key_check")]
        if problems:
            log.error("new year file failed its check: %s", problems[:20])
            raise StoreError(f"新年度数据库写成后检查未通过（{len(problems)} 处问题），未予保存；"
                             f"“{the_plan.source.name}”未受影响")
    finally:
        dest.close()


def _clear(dest: sqlite3.Connection, the_plan: NewYearPlan) -> None:
    """One transaction: the year's records, logs and texts go; the year and the deadlines move."""
    values: dict[str, Any] = {"year": the_plan.year, **{k: new for k, (_, new) in the_plan.deadlines.items()}}
    dest.execute("BEGIN IMMEDIATE")
    try:
        for table in (*EMPTIED, *LOGS, *BUNDLE_EMPTIED):
            dest.execute(f'DELETE FROM "{table}"')
        for doc in TEXT_DOCS:
            dest.execute("DELETE FROM settings WHERE key LIKE ?", [f"{doc}.%"])
        for key, value in values.items():
            dest.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                         [key, json.dumps(value, ensure_ascii=False)])
        dest.execute("DROP TABLE IF EXISTS backup_info")   # made from an opened backup copy: not a backup itself
        dest.execute("COMMIT")
    except BaseException:
        dest.execute("ROLLBACK")
        raise


def _place(temp: Path, target: Path) -> None:
    """Give the checked file its name, never over an existing file (one appearing meanwhile included)."""
    from ..exports.files import _set_hidden
    _set_hidden(temp, False)   # our temporary names are hidden on Windows; the new file is not
    fd = os.open(temp, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
    try:
        if sys.platform.startswith("win"):
            os.rename(temp, target)   # refuses an existing target on Windows
        else:
            os.link(temp, target)     # refuses an existing target; the temporary name is removed after
    except FileExistsError:
        raise UserError(f"“{target}”已存在；开始新年度不会覆盖已有文件，请另选文件名") from None
