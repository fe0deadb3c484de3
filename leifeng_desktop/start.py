"""`python -m leifeng_desktop` (what the installers' shortcuts run): with no command, or only `--db PATH`, the
window opens without the command line's machinery (click is not imported before its first paint, issue 18);
anything else goes to the CLI (cli.main), which opens the same window when it is given no command."""
from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path


def window_db(argv: Sequence[str]) -> tuple[bool, Path | None]:
    """(True, the --db file or None) when `argv` only opens the window; (False, None) for the CLI."""
    args = list(argv)
    if not args:
        return True, None
    if len(args) == 2 and args[0] == "--db" and args[1] and not args[1].startswith("-"):
        return True, Path(args[1]).expanduser()
    if len(args) == 1 and args[0].startswith("--db=") and len(args[0]) > len("--db="):
        return True, Path(args[0][len("--db="):]).expanduser()
    return False, None


def ensure_utf8_output() -> None:
    """Chinese must print even under LANG=C or a legacy Windows code page."""
    for stream in (sys.stdout, sys.stderr):
        encoding = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        if encoding not in ("utf-8", "utf8") and hasattr(stream, "reconfigure"):
            try:
                stream.reconfigure(encoding="utf-8", errors="replace")
            except (ValueError, OSError):   # a stream that cannot change encoding mid-way: keep it
                pass


# PySide6 looks into every module imported after it (its __feature__ import hook reads the module's source): what
# the window needs before its first paint of the standard library, and the log, are imported first (10 ms a start).
BEFORE_QT = ("logging.handlers", "faulthandler", "traceback", "dataclasses", "leifeng_desktop.core.applog")


def before_qt() -> None:
    import importlib
    for name in BEFORE_QT:
        importlib.import_module(name)


def main(argv: Sequence[str] | None = None) -> int:
    """The exit code, never a traceback: the window's as cli.open_window gives it, errors said as cli.main says them."""
    argv = list(sys.argv[1:] if argv is None else argv)
    only_window, db = window_db(argv)
    if not only_window:
        from .cli import main as cli_main
        return cli_main(argv)
    ensure_utf8_output()
    before_qt()
    try:
        from .ui.app import run_app
    except ImportError:   # the CLI says so in its words (and still runs its commands)
        from .cli import main as cli_main
        return cli_main(argv)
    try:
        return run_app(db)
    except Exception as exc:
        if os.environ.get("LEIFENG_DEBUG"):
            raise
        from .cli import _error, _program_error
        from .core.errors import UserError
        return _error(str(exc)) if isinstance(exc, UserError) else _program_error(exc)
