"""Checked command-line values (click ParamTypes) with the Chinese messages a clerk reads.

A value that does not fit fails with one sentence naming the option (`--from 的日期“2026-9-1x”无法识别…`);
`leifeng_desktop.cli` prints it as `错误：…` with exit 2, before any database is opened.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from ..core.schema import RECORD_YEARS
from ..core.values import parse_date

YEAR_RANGE = RECORD_YEARS


def flag(param: click.Parameter | None) -> str:
    """How the clerk wrote the option (`--year`), or the argument's metavar."""
    if param is None:
        return "参数"
    return param.opts[0] if param.opts and param.opts[0].startswith("-") else (param.metavar or param.name or "参数")


class Date(click.ParamType):
    """A date (2026-08-01, also 2026-8-1, 2026/8/1, 2026年8月1日 as the core reads it) → datetime.date within the
    record years; `example` is the date shown in the message."""
    name = "date"

    def __init__(self, example: str = "2026-08-01"):
        self.example = example

    def convert(self, value, param, ctx) -> dt.date:
        if isinstance(value, dt.date):
            return value
        day = parse_date(str(value).strip())
        if day is None or not RECORD_YEARS[0] <= day.year <= RECORD_YEARS[1]:
            self.fail(f"{flag(param)} 的日期“{value}”无法识别，应写作 {self.example}", param, ctx)
        return day


class Year(click.ParamType):
    """A four-digit campaign year within YEAR_RANGE. `message` may use {flag} and {value}."""
    name = "year"

    def __init__(self, message: str = "{flag} 的年度“{value}”不合理，应写作 2026 这样的四位年份"):
        self.message = message

    def convert(self, value, param, ctx) -> int:
        try:
            year = int(str(value).strip())
        except ValueError:
            year = None
        if year is None or not YEAR_RANGE[0] <= year <= YEAR_RANGE[1]:
            self.fail(self.message.format(flag=flag(param), value=value), param, ctx)
        return year


class Integer(click.ParamType):
    name = "integer"

    def convert(self, value, param, ctx) -> int:
        try:
            return int(str(value).strip())
        except ValueError:
            self.fail(f"{flag(param)} 应为整数：{value}", param, ctx)


class Choice(click.ParamType):
    """One of a few words; the message lists them."""
    name = "choice"

    def __init__(self, choices: list[str]):
        self.choices = list(choices)

    def convert(self, value, param, ctx) -> str:
        if value in self.choices:
            return value
        self.fail(f"{flag(param)} 不能是“{value}”，可选：{'、'.join(self.choices)}", param, ctx)


class InFile(click.ParamType):
    """A file to read: ~ expanded; whether it exists and what it holds the core reports (it names the file)."""
    name = "path"

    def convert(self, value, param, ctx) -> Path:
        return Path(value).expanduser()


class OutPath(click.ParamType):
    """Where to write. With `suffix`, a file name ending so and not a folder; with `new_only`, an existing file is
    refused (the message may use {out}). `wrong_suffix` may use {flag}, {suffix} and {out}."""
    name = "path"

    def __init__(self, suffix: str | None = None, *, wrong_suffix: str = "{flag} 应是以 {suffix} 结尾的文件名：{out}",
                 new_only: str | None = None):
        self.suffix = suffix
        self.wrong_suffix = wrong_suffix
        self.new_only = new_only

    def convert(self, value, param, ctx) -> Path:
        out = Path(value).expanduser()
        if self.suffix and out.suffix.lower() != self.suffix:
            self.fail(self.wrong_suffix.format(flag=flag(param), suffix=self.suffix, out=out), param, ctx)
        if self.suffix and out.is_dir():
            self.fail(f"“{out}”是一个文件夹", param, ctx)
        if self.new_only and out.exists():
            self.fail(self.new_only.format(out=out), param, ctx)
        return out
