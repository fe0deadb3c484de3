"""click in Chinese: the help's headings, usage line and help option, text wrapped by display width (a CJK
character takes two columns), and click's own usage errors as one Chinese sentence.

Every command and group of the CLI is made with these classes (`@group(...)`, `@command(...)`, `@argument(...)`,
`@option(...)` below), so a new command gets all of it by using them.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from functools import partial

import click

HELP_TEXT = "显示本帮助并退出"


def width(text: str) -> int:
    """Columns a terminal gives the text: CJK characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def pad(text: str, columns: int) -> str:
    return text + " " * max(0, columns - width(text))


_TOKENS = re.compile(r"[\x21-\x7e]+|\s+|.", re.DOTALL)
_NO_LINE_START = set("，。、；：？！）」』》〉”’…%,.;:?!)]")


def wrap(text: str, columns: int) -> list[str]:
    """Lines of at most `columns` display columns: Latin words stay whole, CJK text breaks between characters,
    closing punctuation never starts a line."""
    lines, line = [], ""
    for token in _TOKENS.findall(" ".join(text.split())):
        if token.isspace():
            line += " " if line else ""
            continue
        fits = width(line.rstrip()) + width(token) <= columns if token[0] not in _NO_LINE_START else True
        if not fits and line.strip():
            lines.append(line.rstrip())
            line = ""
        while width(token) > columns:   # a Latin word longer than a line (a path): cut it
            cut = max(1, columns - width(line))
            lines.append(line + token[:cut])
            line, token = "", token[cut:]
        line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


class Formatter(click.HelpFormatter):
    """click's formatter measuring by display width."""

    def write_text(self, text: str) -> None:
        indent = " " * self.current_indent
        columns = max(self.width - self.current_indent, 20)
        for n, paragraph in enumerate(p for p in re.split(r"\n\s*\n", text) if p.strip()):
            if n:
                self.write("\n")
            self.write("".join(f"{indent}{line}\n" for line in wrap(paragraph, columns)))

    def write_dl(self, rows, col_max: int = 30, col_spacing: int = 2) -> None:
        rows = list(rows)
        first = min(max((width(r[0]) for r in rows), default=0), col_max)
        text_at = self.current_indent + first + col_spacing
        columns = max(self.width - text_at, 20)
        for term, text in rows:
            self.write(" " * self.current_indent + term)
            lines = wrap(text, columns) if text else []
            if width(term) > first:   # a long term: its text starts on the next line
                self.write("\n")
                lines = [" " * text_at + line for line in lines]
            elif lines:
                lines[0] = " " * (first - width(term) + col_spacing) + lines[0]
                lines[1:] = [" " * text_at + line for line in lines[1:]]
            self.write("\n".join(lines) + "\n")


class Context(click.Context):
    formatter_class = Formatter


class _Chinese(click.Command):
    """Headings, usage prefix and help option text shared by Command and Group."""
    context_class: type[click.Context] = Context

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    def format_usage(self, ctx, formatter) -> None:
        formatter.write_usage(ctx.command_path, " ".join(self.collect_usage_pieces(ctx)), prefix="用法：")

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_TEXT
        return option

    def format_arguments(self, ctx, formatter) -> None:
        rows = [(_metavar(p, ctx), p.help or "") for p in self.get_params(ctx)
                if isinstance(p, click.Argument) and getattr(p, "help", None)]
        if rows:
            with formatter.section("参数"):
                formatter.write_dl(rows)

    def format_options(self, ctx, formatter) -> None:
        rows = [p.get_help_record(ctx) for p in self.get_params(ctx) if not isinstance(p, click.Argument)]
        rows = [r for r in rows if r]
        if rows:
            with formatter.section("选项"):
                formatter.write_dl(rows)

    def format_help(self, ctx, formatter) -> None:
        self.format_usage(ctx, formatter)
        self.format_help_text(ctx, formatter)
        self.format_arguments(ctx, formatter)
        self.format_options(ctx, formatter)
        self.format_epilog(ctx, formatter)


def _metavar(param: click.Parameter, ctx) -> str:
    make: Callable[..., str] = param.make_metavar
    try:
        return make(ctx)
    except TypeError:   # click before 8.2 takes no context
        return make()


class Command(_Chinese, click.Command):
    """A command whose help reads in Chinese."""


class Group(_Chinese, click.Group):
    """Subcommands listed in the order they were added (the order of the README), not sorted."""
    command_class = Command

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("no_args_is_help", False)   # a missing command is a usage error (exit 2)
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)

    def list_commands(self, ctx) -> list[str]:
        return list(self.commands)

    def format_options(self, ctx, formatter) -> None:
        super().format_options(ctx, formatter)
        rows = [(name, cmd.get_short_help_str(limit=200)) for name, cmd in self.commands.items() if not cmd.hidden]
        if rows:
            with formatter.section("命令"):
                formatter.write_dl(rows)


Group.group_class = Group


class Argument(click.Argument):
    """A positional argument with a help text (listed under 参数)."""

    def __init__(self, decls, help: str | None = None, **kwargs):
        super().__init__(decls, **kwargs)
        self.help = help


class Option(click.Option):
    def get_help_record(self, ctx):
        record = super().get_help_record(ctx)
        if record is None:
            return None
        term, text = record
        return term, text.replace("  [required]", "（必填）").replace("[required]", "必填")


group = partial(click.group, cls=Group)
command = partial(click.command, cls=Command)
argument = partial(click.argument, cls=Argument)
option = partial(click.option, cls=Option)


# -- click's own usage errors ------------------------------------------------------------------------------------
class Usage(click.UsageError):
    """A usage mistake our commands find themselves (options that go together …): the message is Chinese."""


def _names(param: click.Parameter | None) -> str:
    if param is None:
        return "参数"
    return " / ".join(param.opts) if param.param_type_name == "option" else (param.metavar or param.name or "参数")


def usage_message(exc: click.UsageError) -> str:
    """click's usage error as one Chinese sentence (click's own texts are English)."""
    ctx = exc.ctx
    where = f"；用法见 {ctx.command_path} --help" if ctx is not None else ""
    if isinstance(exc, click.BadParameter) and not isinstance(exc, click.MissingParameter):
        return exc.message   # our types' messages are already Chinese and name the option
    if isinstance(exc, Usage):
        return exc.message + where
    if isinstance(exc, click.MissingParameter):
        kind = "选项" if exc.param is not None and exc.param.param_type_name == "option" else "参数"
        return f"缺少{kind} {_names(exc.param)}{where}"
    if isinstance(exc, click.NoSuchOption):
        maybe = f"（是否想用 {'、'.join(exc.possibilities)}？）" if exc.possibilities else ""
        return f"没有 {exc.option_name} 这个选项{maybe}{where}"
    name = getattr(exc, "command_name", None)
    if name is not None or "No such command" in exc.message:
        name = name if name is not None else exc.message.split("'")[1] if "'" in exc.message else ""
        known = "、".join(ctx.command.commands) if ctx is not None and isinstance(ctx.command, click.Group) else ""
        return f"没有“{name}”这个命令" + (f"，可用的命令：{known}" if known else "") + where
    if exc.message == "Missing command.":
        known = "、".join(ctx.command.commands) if ctx is not None and isinstance(ctx.command, click.Group) else ""
        return "缺少要执行的命令" + (f"（{known}）" if known else "") + where
    if isinstance(exc, click.BadOptionUsage):
        takes = "requires an argument" in exc.message
        return f"选项 {exc.option_name} " + ("后面缺少取值" if takes else "用法不对（它不带取值）") + where
    if exc.message.startswith("Got unexpected extra argument"):
        extra = exc.message.split("(", 1)[-1].rstrip(")")
        return f"多余的参数：{extra}{where}"
    return f"命令行参数有误（{exc.message}）{where}"
